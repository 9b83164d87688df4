// SPDX-License-Identifier: MIT
/*
 * Three programs in one object, for --prog selection, and the helpers a
 * run prints the effects of: a map counted per vCPU, a map of 16-byte
 * values and two trace records.
 */
#include "xfo_helpers.h"

struct pair {
	__u64 a, b;
};

XFO_ARRAY_MAP(per_vcpu, __u64, 4);
XFO_ARRAY_MAP(pairs, struct pair, 2);

SEC("xfo/zero")
__u64 pick_zero(struct xfo_fault_ctx *ctx)
{
	xfo_map_add(&per_vcpu, ctx->vcpu, 1);
	return XFO_VERDICT_ZERO_FILL;
}

SEC("xfo/bounce")
__u64 pick_bounce(struct xfo_fault_ctx *ctx)
{
	return XFO_VERDICT_BOUNCE;
}

SEC("xfo/trace")
__u64 tracer(struct xfo_fault_ctx *ctx)
{
	struct pair pair = { ctx->addr, 0x4142434445464748ull };
	char msg[8] = "fault!";

	xfo_trace(msg, sizeof(msg));
	xfo_trace(&pair, sizeof(pair));
	xfo_map_write(&pairs, 1, &pair, sizeof(pair));
	return XFO_VERDICT_FAULT_AROUND(3);
}
