// SPDX-License-Identifier: MIT
/*
 * Policies the verifier refuses, as clang builds them: a loop (a backward
 * jump) and a store into the read-only context.
 */
#include "xfo_helpers.h"

XFO_ARRAY_MAP(seen, __u64, 16);

SEC("xfo/loop")
__u64 loops(struct xfo_fault_ctx *ctx)
{
	__u32 i;

	for (i = 0; i < ctx->vcpu; i++)
		xfo_map_add(&seen, i, 1);
	return XFO_VERDICT_ZERO_FILL;
}

SEC("xfo/store")
__u64 writes_ctx(struct xfo_fault_ctx *ctx)
{
	*(volatile __u64 *)&ctx->ip = 0;
	return XFO_VERDICT_BOUNCE;
}
