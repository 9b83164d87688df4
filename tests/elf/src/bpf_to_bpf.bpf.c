// SPDX-License-Identifier: MIT
/* Bad: a call to a function that is not inlined. */
#include "xfo_helpers.h"

static __noinline __u64 pick(__u32 classes)
{
	return classes & XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL) ?
	       XFO_VERDICT_ZERO_FILL : XFO_VERDICT_BOUNCE;
}

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	return pick(ctx->region_classes);
}
