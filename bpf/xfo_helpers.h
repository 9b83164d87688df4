/* SPDX-License-Identifier: MIT */
/*
 * xfo_helpers.h: what an xfo policy includes, in the manner of libbpf's
 * bpf_helpers.h. Build a policy with
 *
 *	clang -O2 -g -target bpf -mcpu=v3 -I include -I bpf -c foo.bpf.c
 *
 * A policy is one function in section "xfo" (or "xfo/<name>"):
 *
 *	SEC("xfo")
 *	__u64 my_policy(struct xfo_fault_ctx *ctx)
 *	{
 *		return XFO_VERDICT_BOUNCE;
 *	}
 *
 * It returns a verdict built with the XFO_VERDICT_* macros of xfo.h.
 *
 * Rules the xfo verifier imposes (docs/verifier.md) that shape the C:
 *  - forward jumps only: no loops, unroll by hand;
 *  - no bpf-to-bpf calls: helper functions are static __always_inline;
 *  - no global variables (.data, .rodata, .bss): use #define constants;
 *  - maps are arrays with a 4-byte key and values of a multiple of 8 bytes;
 *    a program never holds a pointer into a map, it copies values with
 *    xfo_map_read()/xfo_map_write() into and out of its stack.
 *
 * If a policy needs <linux/bpf.h> as well, include it before this header.
 */
#ifndef __XFO_HELPERS_H__
#define __XFO_HELPERS_H__

/*
 * Integer types. <linux/types.h> usually cannot be included with
 * -target bpf on a multiarch system (it wants <asm/types.h>), so define
 * them here; the definitions match Linux's and <stdint.h>'s exactly, so
 * including either as well is harmless.
 */
typedef signed char		__s8;
typedef unsigned char		__u8;
typedef short			__s16;
typedef unsigned short		__u16;
typedef int			__s32;
typedef unsigned int		__u32;
typedef long long		__s64;
typedef unsigned long long	__u64;

typedef __INT8_TYPE__		int8_t;
typedef __UINT8_TYPE__		uint8_t;
typedef __INT16_TYPE__		int16_t;
typedef __UINT16_TYPE__		uint16_t;
typedef __INT32_TYPE__		int32_t;
typedef __UINT32_TYPE__		uint32_t;
typedef __INT64_TYPE__		int64_t;
typedef __UINT64_TYPE__		uint64_t;

#include <xfo.h>

/* ------------------------------------------------------------------------
 * Sections and attributes.
 * ------------------------------------------------------------------------ */
#define SEC(name)		__attribute__((section(name), used))

#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline		__attribute__((noinline))
#endif

/* ------------------------------------------------------------------------
 * Maps: libbpf BTF-defined maps in section ".maps", e.g.
 *
 *	struct {
 *		__uint(type, BPF_MAP_TYPE_ARRAY);
 *		__uint(max_entries, 64);
 *		__type(key, __u32);
 *		__type(value, __u64);
 *	} counters SEC(".maps");
 *
 * or the same with XFO_ARRAY_MAP(counters, __u64, 64);
 * Limits (checked when the object is opened): BPF_MAP_TYPE_ARRAY only,
 * key size 4, value size 8..XFO_MAP_MAX_VALUE in steps of 8,
 * max_entries 1..XFO_MAP_MAX_ENTRIES, at most XFO_MAX_MAPS maps.
 * ------------------------------------------------------------------------ */
#define __uint(name, val)	int (*name)[val]
#define __type(name, val)	__typeof__(val) *name
#define __array(name, val)	__typeof__(val) *name[]

#ifndef __LINUX_BPF_H__
/* The one map type xfo has, numbered as in <linux/bpf.h>. */
enum xfo_bpf_map_type {
	BPF_MAP_TYPE_ARRAY = 2,
};
#endif

#define XFO_ARRAY_MAP(_name, _value_type, _entries)			\
	struct {							\
		__uint(type, BPF_MAP_TYPE_ARRAY);			\
		__uint(max_entries, _entries);				\
		__type(key, __u32);					\
		__type(value, _value_type);				\
	} _name SEC(".maps")

/* ------------------------------------------------------------------------
 * Helpers (include/xfo.h, enum xfo_helper_id). A map argument is the
 * address of a map variable: xfo_map_add(&counters, key, 1). Buffers are
 * on the program's stack and their sizes compile-time constants.
 * ------------------------------------------------------------------------ */

/* Copies the value at key (size bytes, at most the value size) to buf.
 * Returns 0 or a negative errno (key out of range). */
static long (*xfo_map_read)(void *map, __u32 key, void *buf, __u32 size) =
	(void *)XFO_HELPER_MAP_READ;

/* Copies size bytes from buf into the value at key. */
static long (*xfo_map_write)(void *map, __u32 key, const void *buf,
			     __u32 size) = (void *)XFO_HELPER_MAP_WRITE;

/* Atomically adds delta to the first 8 bytes of the value at key; returns
 * the new value, or 0 when key is out of range. */
static __u64 (*xfo_map_add)(void *map, __u32 key, __u64 delta) =
	(void *)XFO_HELPER_MAP_ADD;

/* Monotonic time in nanoseconds. */
static __u64 (*xfo_time_ns)(void) = (void *)XFO_HELPER_TIME_NS;

/* Appends size bytes (at most XFO_TRACE_MAX_RECORD) from buf to the
 * domain's trace buffer; -ENOSPC when it is full. */
static long (*xfo_trace)(const void *buf, __u32 size) =
	(void *)XFO_HELPER_TRACE;

/* ------------------------------------------------------------------------
 * Small conveniences.
 * ------------------------------------------------------------------------ */

/* Whether the fault's region allows verdict class cls. */
#define XFO_REGION_ALLOWS(ctx, cls)					\
	(((ctx)->region_classes & XFO_CLASS_BIT(cls)) != 0)

/* A missing page touched from user mode inside a published region: what
 * Xen can resolve itself. */
static __always_inline int xfo_fault_offloadable(struct xfo_fault_ctx *ctx)
{
	if (ctx->error_code & XFO_PFEC_PRESENT)
		return 0;
	if (ctx->mode != XFO_MODE_USER)
		return 0;
	return ctx->region_id != XFO_REGION_NONE;
}

#endif /* __XFO_HELPERS_H__ */
