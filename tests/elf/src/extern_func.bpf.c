// SPDX-License-Identifier: MIT
/* Bad: a call to an extern function. */
#include "xfo_helpers.h"

extern __u64 elsewhere(__u32 x);

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	return elsewhere(ctx->vcpu);
}
