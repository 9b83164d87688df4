// SPDX-License-Identifier: MIT
/* Bad: one xfo program and one in another section. */
#include "xfo_helpers.h"

SEC("xfo")
__u64 good(struct xfo_fault_ctx *ctx)
{
	return XFO_VERDICT_BOUNCE;
}

SEC("tracepoint/exceptions/page_fault_user")
__u64 stray(struct xfo_fault_ctx *ctx)
{
	return XFO_VERDICT_BOUNCE;
}
