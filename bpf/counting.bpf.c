// SPDX-License-Identifier: MIT
/*
 * counting: bounce every fault, but count them first. Attach it to see
 * what a workload's faults look like before choosing a policy.
 *
 * Maps:
 *   by_pfec   [error_code & 0x3f] -> faults with those XFO_PFEC_* bits
 *   by_class  [XFO_CLASS_*]       -> faults by the class fault_around
 *                                    would have given them
 *             [COUNT_TOTAL]       -> every fault
 *             [COUNT_IN_REGION]   -> faults inside a published region
 */
#include "xfo_helpers.h"

#define PFEC_BITS	0x3f

#define COUNT_TOTAL	(XFO_CLASS_MAX + 1)
#define COUNT_IN_REGION	(XFO_CLASS_MAX + 2)
#define COUNT_SLOTS	(XFO_CLASS_MAX + 3)

XFO_ARRAY_MAP(by_pfec, __u64, PFEC_BITS + 1);
XFO_ARRAY_MAP(by_class, __u64, COUNT_SLOTS);

static __always_inline __u32 would_be_class(struct xfo_fault_ctx *ctx)
{
	if (!xfo_fault_offloadable(ctx))
		return XFO_CLASS_BOUNCE;
	if (XFO_REGION_ALLOWS(ctx, XFO_CLASS_FAULT_AROUND))
		return XFO_CLASS_FAULT_AROUND;
	if (XFO_REGION_ALLOWS(ctx, XFO_CLASS_ZERO_FILL))
		return XFO_CLASS_ZERO_FILL;
	return XFO_CLASS_BOUNCE;
}

SEC("xfo")
__u64 counting(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&by_pfec, ctx->error_code & PFEC_BITS, 1);
	xfo_map_add(&by_class, would_be_class(ctx), 1);
	xfo_map_add(&by_class, COUNT_TOTAL, 1);
	if (ctx->region_id != XFO_REGION_NONE)
		xfo_map_add(&by_class, COUNT_IN_REGION, 1);
	return XFO_VERDICT_BOUNCE;
}
