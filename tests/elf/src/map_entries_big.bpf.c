// SPDX-License-Identifier: MIT
/* Bad: 2048 entries, over XFO_MAP_MAX_ENTRIES. */
#include "xfo_helpers.h"

XFO_ARRAY_MAP(table, __u64, 2048);

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&table, 0, 1);
	return XFO_VERDICT_BOUNCE;
}
