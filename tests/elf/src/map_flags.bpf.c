// SPDX-License-Identifier: MIT
/* Bad: map flags (BPF_F_MMAPABLE); xfo maps take none. */
#include "xfo_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(map_flags, 1024);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&table, 0, 1);
	return XFO_VERDICT_BOUNCE;
}
