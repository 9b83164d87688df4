// SPDX-License-Identifier: MIT
/* Bad: a hash map (BPF_MAP_TYPE_HASH is 1); xfo has arrays only. */
#include "xfo_helpers.h"

struct {
	__uint(type, 1);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&table, 0, 1);
	return XFO_VERDICT_BOUNCE;
}
