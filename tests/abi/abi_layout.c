// SPDX-License-Identifier: MIT
/*
 * The public ABI's layout, checked at compile time. tests/suites/abi.once.sh
 * compiles this for x86_64, i386 and bpf, so every party that includes
 * include/xfo.h agrees on every size and offset.
 */
typedef __UINT8_TYPE__  uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
#define XFO_CORE_FREESTANDING 1
#include "xfo.h"
#include "io/xfo_areas.h"

#define SIZE(t, n)       _Static_assert(sizeof(t) == (n), #t " size")
#define OFF(t, f, n)     _Static_assert(__builtin_offsetof(t, f) == (n), \
					#t "." #f " offset")

SIZE(struct xfo_fault_ctx, 64);
OFF(struct xfo_fault_ctx, error_code, 16);
OFF(struct xfo_fault_ctx, domid, 24);
OFF(struct xfo_fault_ctx, mode, 26);
OFF(struct xfo_fault_ctx, region_id, 28);
OFF(struct xfo_fault_ctx, region_start, 32);
OFF(struct xfo_fault_ctx, region_prot, 48);
OFF(struct xfo_fault_ctx, pool_level, 56);
OFF(struct xfo_fault_ctx, pool_size, 60);

SIZE(struct xfo_map_def, 48);
SIZE(struct xfo_op_version, 16);
SIZE(struct xfo_op_load, 80);
OFF(struct xfo_op_load, insn_cnt, 24);
OFF(struct xfo_op_load, name, 40);
OFF(struct xfo_op_load, prog_id, 72);
SIZE(struct xfo_op_attach, 16);
SIZE(struct xfo_op_domain, 8);
SIZE(struct xfo_op_unload, 8);
SIZE(struct xfo_op_trace, 24);
SIZE(struct xfo_stats, 208);
SIZE(struct xfo_op_stats, 248);
OFF(struct xfo_op_stats, stats, 40);
SIZE(struct xfo_region, 40);
SIZE(struct xfo_region_table, 4096);
SIZE(struct xfo_ring_hdr, 32);
SIZE(struct xfo_ring, 32 + 8 * XFO_RING_SIZE);
SIZE(struct xfo_op_guest_areas, 40);

_Static_assert(XFO_VERDICT_CLASS(XFO_VERDICT_FAULT_AROUND(7)) ==
	       XFO_CLASS_FAULT_AROUND, "verdict class");
_Static_assert(XFO_VERDICT_ARG(XFO_VERDICT_FAULT_AROUND(7)) == 7,
	       "verdict argument");
_Static_assert(!XFO_VERDICT_VALID(XFO_VERDICT(XFO_CLASS_MAX + 1, 0)),
	       "reserved class is invalid");
_Static_assert(!XFO_VERDICT_VALID(1ull << 16), "high bits are invalid");

/* 1.1 gave the 1.0 reserved words meaning without moving anything. */
OFF(struct xfo_stats, bounced, 80);
OFF(struct xfo_stats, bounced[XFO_BOUNCE_RING_FULL], 168);
OFF(struct xfo_stats, bounced[XFO_BOUNCE_PROT_DENIED], 176);
OFF(struct xfo_stats, notifications, 184);
OFF(struct xfo_stats, flags, 192);
OFF(struct xfo_stats, reserved, 200);
_Static_assert(XFO_BOUNCE_NOT_BUILT == 10 && XFO_BOUNCE_NR == 13,
	       "1.0's eleven bounce reasons, then 1.1's two");

SIZE(struct xfo_prog_info, 56);
OFF(struct xfo_prog_info, domid, 16);
OFF(struct xfo_prog_info, name, 24);
SIZE(struct xfo_op_prog_list, 32);
OFF(struct xfo_op_prog_list, max, 8);
OFF(struct xfo_op_prog_list, nr, 16);
OFF(struct xfo_op_prog_list, flags, 24);
