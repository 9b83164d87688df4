// SPDX-License-Identifier: MIT
/* Bad: a 512-byte value, over XFO_MAP_MAX_VALUE. */
#include "xfo_helpers.h"

struct big {
	__u64 v[64];
};
XFO_ARRAY_MAP(table, struct big, 4);

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&table, 0, 1);
	return XFO_VERDICT_BOUNCE;
}
