// SPDX-License-Identifier: MIT
/* Bad: nine maps, one more than XFO_MAX_MAPS. */
#include "xfo_helpers.h"

XFO_ARRAY_MAP(m0, __u64, 1);
XFO_ARRAY_MAP(m1, __u64, 1);
XFO_ARRAY_MAP(m2, __u64, 1);
XFO_ARRAY_MAP(m3, __u64, 1);
XFO_ARRAY_MAP(m4, __u64, 1);
XFO_ARRAY_MAP(m5, __u64, 1);
XFO_ARRAY_MAP(m6, __u64, 1);
XFO_ARRAY_MAP(m7, __u64, 1);
XFO_ARRAY_MAP(m8, __u64, 1);

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&m8, 0, 1);
	return XFO_VERDICT_BOUNCE;
}
