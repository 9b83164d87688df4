// SPDX-License-Identifier: MIT
/*
 * zero_fill: map a zeroed page for every missing-page fault from user mode
 * inside a published region whose owner allows ZERO_FILL; bounce the rest.
 */
#include "xfo_helpers.h"

SEC("xfo")
__u64 zero_fill(struct xfo_fault_ctx *ctx)
{
	if (!xfo_fault_offloadable(ctx))
		return XFO_VERDICT_BOUNCE;
	if (!XFO_REGION_ALLOWS(ctx, XFO_CLASS_ZERO_FILL))
		return XFO_VERDICT_BOUNCE;
	return XFO_VERDICT_ZERO_FILL;
}
