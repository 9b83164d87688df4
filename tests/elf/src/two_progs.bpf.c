// SPDX-License-Identifier: MIT
/* Good: two programs in their own sections, sharing maps. */
#include "xfo_helpers.h"

XFO_ARRAY_MAP(first, __u64, 4);
XFO_ARRAY_MAP(second, __u64, 8);

SEC("xfo/a")
__u64 prog_a(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&second, 1, 1);
	xfo_map_add(&first, 0, 1);
	return XFO_VERDICT_BOUNCE;
}

SEC("xfo/b")
__u64 prog_b(struct xfo_fault_ctx *ctx)
{
	__u64 v = 0;

	xfo_map_read(&first, 0, &v, sizeof(v));
	xfo_map_write(&second, 2, &v, sizeof(v));
	return v ? XFO_VERDICT_ZERO_FILL : XFO_VERDICT_BOUNCE;
}
