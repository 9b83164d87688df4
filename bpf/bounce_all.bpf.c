// SPDX-License-Identifier: MIT
/*
 * bounce_all: hand every fault to the guest kernel, as if no program were
 * attached. The baseline for measuring the cost of the hook itself.
 */
#include "xfo_helpers.h"

SEC("xfo")
__u64 bounce_all(struct xfo_fault_ctx *ctx)
{
	return XFO_VERDICT_BOUNCE;
}
