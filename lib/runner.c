// SPDX-License-Identifier: MIT
/*
 * lib/runner.c: runs a program in userspace as Xen would, around the core
 * interpreter: zeroed map storage, a bounded trace buffer, a stack of
 * XFO_STACK_SIZE and the helpers of include/xfo.h.
 *
 * Helpers, with errors as negative errno values in r0 (Xen's must agree;
 * the runner is the reference the tests check):
 *
 *   map_read, map_write, map_add
 *     run by the interpreter itself on the maps this runner gives it
 *     (struct xfo_vm's maps); core/interp.c lists their errors
 *   time_ns()
 *     CLOCK_MONOTONIC in nanoseconds, or the fixed time set for tests
 *   trace(buf, size)
 *     a record in the trace buffer, written by core's xfo_trace_append()
 *     as Xen writes it: -EINVAL size 0, -E2BIG over XFO_TRACE_MAX_RECORD,
 *     -EFAULT the buffer is not inside the program's stack, -ENOSPC no
 *     room for the record
 *
 * Buffer arguments are checked against the stack in both modes: the
 * verifier guarantees it for verified programs, and the check is what
 * keeps helpers safe for unverified ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libxfo.h"
#include "libxfo_internal.h"

#define RUNNER_TRACE_SIZE	4096
/* Bounds runs of unverified programs that loop forever. */
#define RUNNER_INSN_LIMIT	(1u << 22)

struct xfo_runner {
	struct ebpf_insn *insns;	/* a copy of the program's */
	struct ebpf_insn *fused;	/* and one for xfo_vm_run() */
	uint32_t insn_cnt;
	uint32_t map_cnt;
	struct xfo_vm_map maps[XFO_MAX_MAPS];	/* zeroed storage */
	uint8_t *stack;
	uint32_t stack_size;
	uint8_t *trace;
	uint32_t trace_len;
	bool fixed_time;		/* time_ns() returns time_ns */
	uint64_t time_ns;
	struct xfo_vm vm;		/* set up once, for every run */
};

static xfo_helper_call_t runner_call_helper;

static int check_map_def(const struct xfo_map_def *def, uint32_t idx,
			 char *err, size_t err_size)
{
	if (def->type != XFO_MAP_ARRAY) {
		xfo_set_err(err, err_size, "map %u: type %u is not an array",
			idx, def->type);
		return -EINVAL;
	}
	if (def->key_size != 4) {
		xfo_set_err(err, err_size, "map %u: key_size %u, must be 4",
			idx, def->key_size);
		return -EINVAL;
	}
	if (def->value_size == 0 || def->value_size > XFO_MAP_MAX_VALUE ||
	    def->value_size % 8) {
		xfo_set_err(err, err_size, "map %u: value_size %u, must be a "
			"multiple of 8 in 8..%u", idx, def->value_size,
			XFO_MAP_MAX_VALUE);
		return -EINVAL;
	}
	if (def->max_entries == 0 || def->max_entries > XFO_MAP_MAX_ENTRIES) {
		xfo_set_err(err, err_size, "map %u: max_entries %u, must be "
			"1..%u", idx, def->max_entries,
			XFO_MAP_MAX_ENTRIES);
		return -EINVAL;
	}
	return 0;
}

int xfo_runner__new(const struct xfo_bytecode *prog,
		    struct xfo_runner **runnerp, char *err, size_t err_size)
{
	struct xfo_runner *r;
	size_t insns_size;
	uint32_t i;
	int ret;

	xfo_set_err(err, err_size, "%s", "");
	if (!runnerp) {
		xfo_set_err(err, err_size, "no runner to return");
		return -EINVAL;
	}
	*runnerp = NULL;
	if (!prog || (!prog->insns && prog->insn_cnt)) {
		xfo_set_err(err, err_size, "no program");
		return -EINVAL;
	}
	if (prog->map_cnt > XFO_MAX_MAPS) {
		xfo_set_err(err, err_size, "%u maps, at most %u", prog->map_cnt,
			XFO_MAX_MAPS);
		return -E2BIG;
	}
	if (prog->map_cnt && !prog->maps) {
		xfo_set_err(err, err_size, "%u maps but no map table",
			prog->map_cnt);
		return -EINVAL;
	}
	for (i = 0; i < prog->map_cnt; i++) {
		ret = check_map_def(&prog->maps[i], i, err, err_size);
		if (ret)
			return ret;
	}

	r = calloc(1, sizeof(*r));
	if (!r)
		goto nomem;
	r->insn_cnt = prog->insn_cnt;
	insns_size = prog->insn_cnt * sizeof(*r->insns);
	r->insns = malloc(insns_size ? insns_size : 1);
	r->fused = malloc(insns_size ? insns_size : 1);
	if (!r->insns || !r->fused)
		goto nomem;
	if (insns_size) {
		memcpy(r->insns, prog->insns, insns_size);
		memcpy(r->fused, prog->insns, insns_size);
	}
	/* The checked mode runs the program as given, the other fused. */
	xfo_vm_fuse(r->fused, r->insn_cnt);

	r->map_cnt = prog->map_cnt;
	for (i = 0; i < prog->map_cnt; i++) {
		struct xfo_vm_map *m = &r->maps[i];

		m->value_size = prog->maps[i].value_size;
		m->max_entries = prog->maps[i].max_entries;
		m->values = calloc(m->max_entries, m->value_size);
		if (!m->values)
			goto nomem;
	}

	r->stack_size = XFO_STACK_SIZE;
	r->stack = aligned_alloc(16, r->stack_size);
	r->trace = malloc(RUNNER_TRACE_SIZE);
	if (!r->stack || !r->trace)
		goto nomem;
	memset(r->stack, 0, r->stack_size);

	r->vm = (struct xfo_vm){
		.insns = r->fused,
		.insn_cnt = r->insn_cnt,
		.stack_size = r->stack_size,
		.stack = r->stack,
		.call_helper = runner_call_helper,
		.opaque = r,
		.insn_limit = RUNNER_INSN_LIMIT,
		.maps = r->maps,
		.map_cnt = r->map_cnt,
	};
	*runnerp = r;
	return 0;

nomem:
	xfo_runner__free(r);
	xfo_set_err(err, err_size, "out of memory");
	return -ENOMEM;
}

void xfo_runner__free(struct xfo_runner *r)
{
	uint32_t i;

	if (!r)
		return;
	for (i = 0; i < XFO_MAX_MAPS; i++)
		free(r->maps[i].values);
	free(r->insns);
	free(r->fused);
	free(r->stack);
	free(r->trace);
	free(r);
}

/* Negative errno as the u64 a helper returns in r0. */
static inline uint64_t helper_ret(int err)
{
	return (uint64_t)(int64_t)err;
}

static uint64_t helper_time_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t helper_trace(struct xfo_runner *r, const uint64_t a[5])
{
	uint32_t size = (uint32_t)a[1];
	const void *buf = xfo_vm_stack_buf(&r->vm, a[0], size);

	return helper_ret(xfo_trace_append(r->trace, RUNNER_TRACE_SIZE,
					   &r->trace_len, buf, size));
}

static uint64_t runner_call_helper(void *opaque, uint32_t id,
				   const uint64_t args[5], int *err)
{
	struct xfo_runner *r = opaque;

	switch (id) {
	case XFO_HELPER_TIME_NS:
		return r->fixed_time ? r->time_ns : helper_time_ns();
	case XFO_HELPER_TRACE:
		return helper_trace(r, args);
	default:
		*err = -ENOENT;
		return 0;
	}
}

int xfo_runner__run(struct xfo_runner *r, const struct xfo_fault_ctx *ctx,
		    bool checked, uint64_t *verdict, struct xfo_vm_result *res)
{
	struct xfo_vm_region ctx_region;
	struct xfo_vm vm;

	/* Both interpreters set every field of res and *verdict. */
	if (!checked)
		return xfo_vm_run(&r->vm, (uint64_t)(uintptr_t)ctx, 0, verdict,
				  res);

	/*
	 * Unverified code may read stack it never wrote: give it zeroes, so
	 * its runs are repeatable. Verified code cannot (the verifier tracks
	 * initialisation), and skipping the clear keeps runs as cheap as Xen's.
	 */
	memset(r->stack, 0, r->stack_size);
	vm = r->vm;
	vm.insns = r->insns;
	if (ctx) {
		ctx_region = (struct xfo_vm_region){
			.start = (uint64_t)(uintptr_t)ctx,
			.len = sizeof(*ctx),
			.flags = XFO_VM_READ,
		};
		vm.regions = &ctx_region;
		vm.region_cnt = 1;
	}
	return xfo_vm_run_checked(&vm, (uint64_t)(uintptr_t)ctx, 0, verdict,
				  res);
}

void *xfo_runner__map_value(struct xfo_runner *r, uint32_t map, uint32_t key)
{
	const struct xfo_vm_map *m;

	if (!r || map >= r->map_cnt)
		return NULL;
	m = &r->maps[map];
	if (key >= m->max_entries)
		return NULL;
	return m->values + (size_t)key * m->value_size;
}

size_t xfo_runner__trace(const struct xfo_runner *r, const void **buf)
{
	if (buf)
		*buf = r ? r->trace : NULL;
	return r ? r->trace_len : 0;
}

void xfo_runner__set_time(struct xfo_runner *r, bool fixed, uint64_t ns)
{
	r->fixed_time = fixed;
	r->time_ns = ns;
}

const struct xfo_vm *xfo_runner__vm(const struct xfo_runner *r)
{
	return r ? &r->vm : NULL;
}
