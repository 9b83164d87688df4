/* SPDX-License-Identifier: MIT */
/*
 * Compiles an xfo policy as plain native C, for the benchmark's baseline:
 * the very same source, with maps as static arrays and helpers as C
 * functions. Used as `cc -include bench/native_policy.h bpf/foo.bpf.c`.
 */
#ifndef XFO_BENCH_NATIVE_POLICY_H
#define XFO_BENCH_NATIVE_POLICY_H

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "xfo_helpers.h"

/*
 * Maps are static arrays that register with the benchmark (bench_core.c),
 * which reads them to compare with the interpreter's maps and writes
 * presets into them. The registration also lets their address escape: dom0
 * may write a map at any time, so the compiler must not fold a map it sees
 * never written here (region_quota's quota_cfg) into a constant.
 * NATIVE_POLICY, the policy's name, comes from bench/build.mk.
 */
void native_map_register(const char *policy, const char *name, void *values,
			 size_t size);

#undef XFO_ARRAY_MAP
#define XFO_ARRAY_MAP(_name, _value_type, _entries)			\
	static struct { _value_type v[_entries]; } _name;		\
	static void __attribute__((constructor))			\
	native_register_##_name(void)					\
	{								\
		native_map_register(NATIVE_POLICY, #_name, &_name,	\
				    sizeof(_name));			\
	}

static inline long native_map_read(void *values, uint32_t entries,
				   uint32_t value_size, uint32_t key,
				   void *buf, uint32_t size)
{
	if (key >= entries)
		return -2;
	memcpy(buf, (char *)values + (size_t)key * value_size, size);
	return 0;
}

static inline long native_map_write(void *values, uint32_t entries,
				    uint32_t value_size, uint32_t key,
				    const void *buf, uint32_t size)
{
	if (key >= entries)
		return -2;
	memcpy((char *)values + (size_t)key * value_size, buf, size);
	return 0;
}

static inline uint64_t native_map_add(void *values, uint32_t entries,
				      uint32_t value_size, uint32_t key,
				      uint64_t delta)
{
	uint64_t *v;

	if (key >= entries)
		return 0;
	v = (uint64_t *)((char *)values + (size_t)key * value_size);
	return __atomic_add_fetch(v, delta, __ATOMIC_RELAXED);
}

static inline uint64_t native_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

#define NATIVE_MAP_ARGS(map)						\
	(map)->v, sizeof((map)->v) / sizeof((map)->v[0]), sizeof((map)->v[0])
#define xfo_map_read(map, key, buf, size)				\
	native_map_read(NATIVE_MAP_ARGS(map), key, buf, size)
#define xfo_map_write(map, key, buf, size)				\
	native_map_write(NATIVE_MAP_ARGS(map), key, buf, size)
#define xfo_map_add(map, key, delta)					\
	native_map_add(NATIVE_MAP_ARGS(map), key, delta)
#define xfo_time_ns()		native_time_ns()
#define xfo_trace(buf, size)	0

#endif
