// SPDX-License-Identifier: MIT
/* Bad: a program, but in a kernel section rather than "xfo". */
#include "xfo_helpers.h"

SEC("kprobe/do_page_fault")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	return XFO_VERDICT_BOUNCE;
}
