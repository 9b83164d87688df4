// SPDX-License-Identifier: MIT
/* Bad: a 12-byte value, not a multiple of 8. */
#include "xfo_helpers.h"

struct odd {
	__u32 a, b, c;
};
XFO_ARRAY_MAP(table, struct odd, 4);

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&table, 0, 1);
	return XFO_VERDICT_BOUNCE;
}
