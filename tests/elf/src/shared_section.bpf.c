// SPDX-License-Identifier: MIT
/*
 * Good: two programs in one section "xfo"; the second's map references
 * sit past the first's code, so relocations must be rebased per program.
 */
#include "xfo_helpers.h"

XFO_ARRAY_MAP(unused, __u64, 1);
XFO_ARRAY_MAP(hits, __u64, 16);

SEC("xfo")
__u64 first(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&hits, 0, 1);
	return XFO_VERDICT_BOUNCE;
}

SEC("xfo")
__u64 second(struct xfo_fault_ctx *ctx)
{
	__u64 t = xfo_time_ns();

	xfo_trace(&t, sizeof(t));
	xfo_map_add(&hits, 1, 1);
	xfo_map_add(&hits, 2, t & 1);
	return XFO_VERDICT_BOUNCE;
}
