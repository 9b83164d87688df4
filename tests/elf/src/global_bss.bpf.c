// SPDX-License-Identifier: MIT
/* Bad: a global counter in .bss. */
#include "xfo_helpers.h"

__u64 faults;

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	faults++;
	return XFO_VERDICT_BOUNCE;
}
