// SPDX-License-Identifier: MIT
/* Bad: a const volatile global, which lands in .rodata. */
#include "xfo_helpers.h"

const volatile __u32 pages = 8;

SEC("xfo")
__u64 prog(struct xfo_fault_ctx *ctx)
{
	return XFO_VERDICT_FAULT_AROUND(pages & 0xf);
}
