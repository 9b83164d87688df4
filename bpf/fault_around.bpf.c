// SPDX-License-Identifier: MIT
/*
 * fault_around: like zero_fill, but fill FAULT_AROUND_PAGES neighbouring
 * pages as well where the region allows FAULT_AROUND; zero-fill where it
 * allows only that; bounce everything else.
 *
 * The page count is a #define rather than a const volatile global: xfo has
 * no global data (a .rodata map would need direct map-value access, which
 * programs never get). Build with -DFAULT_AROUND_PAGES=N to change it.
 */
#include "xfo_helpers.h"

#ifndef FAULT_AROUND_PAGES
#define FAULT_AROUND_PAGES 8
#endif

_Static_assert(FAULT_AROUND_PAGES >= 0 &&
	       FAULT_AROUND_PAGES <= XFO_FAULT_AROUND_MAX,
	       "FAULT_AROUND_PAGES out of range");

SEC("xfo")
__u64 fault_around(struct xfo_fault_ctx *ctx)
{
	if (!xfo_fault_offloadable(ctx))
		return XFO_VERDICT_BOUNCE;
	if (XFO_REGION_ALLOWS(ctx, XFO_CLASS_FAULT_AROUND))
		return XFO_VERDICT_FAULT_AROUND(FAULT_AROUND_PAGES);
	if (XFO_REGION_ALLOWS(ctx, XFO_CLASS_ZERO_FILL))
		return XFO_VERDICT_ZERO_FILL;
	return XFO_VERDICT_BOUNCE;
}
