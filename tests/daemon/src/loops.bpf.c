// SPDX-License-Identifier: MIT
/*
 * A policy clang builds but the verifier refuses (a loop, so a back-edge):
 * the store must never keep it.
 */
#include "xfo_helpers.h"

XFO_ARRAY_MAP(seen, __u64, 16);

SEC("xfo")
__u64 loops(struct xfo_fault_ctx *ctx)
{
	__u32 i;

	for (i = 0; i < ctx->vcpu; i++)
		xfo_map_add(&seen, i, 1);
	return XFO_VERDICT_ZERO_FILL;
}
