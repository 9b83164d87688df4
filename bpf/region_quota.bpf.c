// SPDX-License-Identifier: MIT
/*
 * region_quota: zero-fill like zero_fill, but at most a quota of pages per
 * region; once a region has used its quota, its faults bounce.
 *
 * Maps:
 *   offloads   [region_id % QUOTA_SLOTS] -> pages offloaded (u64)
 *   quota_cfg  [0] -> the quota (u64); 0 means DEFAULT_QUOTA
 * Regions whose ids are equal modulo QUOTA_SLOTS share a slot.
 */
#include "xfo_helpers.h"

#define QUOTA_SLOTS	64
#define DEFAULT_QUOTA	4096

XFO_ARRAY_MAP(offloads, __u64, QUOTA_SLOTS);

struct quota_cfg {
	__u64 limit;
};
XFO_ARRAY_MAP(quota_cfg, struct quota_cfg, 1);

static __always_inline __u64 quota_limit(void)
{
	struct quota_cfg cfg = { 0 };

	if (xfo_map_read(&quota_cfg, 0, &cfg, sizeof(cfg)) < 0)
		return DEFAULT_QUOTA;
	return cfg.limit ? cfg.limit : DEFAULT_QUOTA;
}

SEC("xfo")
__u64 region_quota(struct xfo_fault_ctx *ctx)
{
	__u64 used;

	if (!xfo_fault_offloadable(ctx))
		return XFO_VERDICT_BOUNCE;
	if (!XFO_REGION_ALLOWS(ctx, XFO_CLASS_ZERO_FILL))
		return XFO_VERDICT_BOUNCE;

	used = xfo_map_add(&offloads, ctx->region_id % QUOTA_SLOTS, 1);
	if (used > quota_limit())
		return XFO_VERDICT_BOUNCE;
	return XFO_VERDICT_ZERO_FILL;
}
