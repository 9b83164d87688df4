// SPDX-License-Identifier: MIT
/*
 * Unit tests of lib/runner.c: map storage, the trace buffer, each helper's
 * results and error returns, both run modes. Programs are assembled with
 * xfo_asm() and run unverified, so the helpers' own checks are what is
 * tested. Prints "PASS <name>" / "FAIL <name>: <why>" per case.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"

#include "../common/asm.h"
#include "../common/check.h"

/* Two maps: 0 with 4 entries of 16 bytes, 1 with 2 entries of 8 bytes. */
static const struct xfo_map_def test_maps[] = {
	{ XFO_MAP_ARRAY, 4, 16, 4, "wide" },
	{ XFO_MAP_ARRAY, 4, 8, 2, "narrow" },
};

struct prog {
	struct ebpf_insn *insns;
	struct xfo_bytecode core;
	struct xfo_runner *runner;
};

/* Assembles text and makes a runner for it; false after a FAIL line. */
static bool prog_new(const char *name, const char *text, struct prog *p)
{
	char err[256];
	int ret;

	memset(p, 0, sizeof(*p));
	ret = xfo_asm(text, &p->insns, &p->core.insn_cnt, err, sizeof(err));
	if (ret) {
		fail(name, "assembler: %s", err);
		return false;
	}
	p->core.insns = p->insns;
	p->core.maps = test_maps;
	p->core.map_cnt = 2;
	ret = xfo_runner__new(&p->core, &p->runner, err, sizeof(err));
	if (ret) {
		fail(name, "runner: %s", err);
		free(p->insns);
		return false;
	}
	return true;
}

static void prog_free(struct prog *p)
{
	xfo_runner__free(p->runner);
	free(p->insns);
}

static const struct xfo_fault_ctx test_ctx = {
	.addr = 0x7f0000001234,
	.error_code = XFO_PFEC_USER | XFO_PFEC_WRITE,
	.region_id = XFO_REGION_NONE,
	.pool_level = 7,
	.pool_size = 256,
};

/* Runs once (both modes unless only_checked) and expects r0 == want. */
static bool expect_r0(const char *name, struct prog *p, uint64_t want)
{
	struct xfo_vm_result res;
	uint64_t r0 = 0;
	int mode, ret;

	for (mode = 0; mode < 2; mode++) {
		ret = xfo_runner__run(p->runner, &test_ctx, mode, &r0, &res);
		if (ret || res.err) {
			fail(name, "%s run failed: %d (res.err %d at pc %u)",
			     mode ? "checked" : "plain", ret, res.err, res.pc);
			return false;
		}
		if (r0 != want) {
			fail(name, "%s run: r0 0x%llx, expected 0x%llx",
			     mode ? "checked" : "plain",
			     (unsigned long long)r0, (unsigned long long)want);
			return false;
		}
	}
	return true;
}

/* One run; false after a FAIL line. */
static bool run_once(const char *name, struct prog *p, bool checked,
		     uint64_t *r0)
{
	struct xfo_vm_result res;
	int ret;

	ret = xfo_runner__run(p->runner, &test_ctx, checked, r0, &res);
	if (ret || res.err) {
		fail(name, "run failed: %d (res.err %d at pc %u)", ret,
		     res.err, res.pc);
		return false;
	}
	return true;
}

/* One program, one expected r0: the common case. */
static void case_r0(const char *name, const char *text, uint64_t want)
{
	struct prog p;

	if (!prog_new(name, text, &p))
		return;
	if (expect_r0(name, &p, want))
		pass(name);
	prog_free(&p);
}

#define NEG(e) ((uint64_t)(int64_t)-(e))

static void test_new_errors(void)
{
	static const struct {
		const char *name;
		struct xfo_map_def def;
		int want;
	} bad[] = {
		{ "new_map_type", { 7, 4, 8, 1, "m" }, -EINVAL },
		{ "new_map_key_size", { XFO_MAP_ARRAY, 8, 8, 1, "m" }, -EINVAL },
		{ "new_map_value_zero", { XFO_MAP_ARRAY, 4, 0, 1, "m" }, -EINVAL },
		{ "new_map_value_odd", { XFO_MAP_ARRAY, 4, 12, 1, "m" }, -EINVAL },
		{ "new_map_value_big", { XFO_MAP_ARRAY, 4, XFO_MAP_MAX_VALUE + 8,
					 1, "m" }, -EINVAL },
		{ "new_map_entries_zero", { XFO_MAP_ARRAY, 4, 8, 0, "m" },
		  -EINVAL },
		{ "new_map_entries_big", { XFO_MAP_ARRAY, 4, 8,
					   XFO_MAP_MAX_ENTRIES + 1, "m" },
		  -EINVAL },
	};
	static const struct ebpf_insn exit_insns[2] = {
		{ .code = 0xb7 },		/* r0 = 0 */
		{ .code = 0x95 },		/* exit */
	};
	struct xfo_map_def many[XFO_MAX_MAPS + 1];
	struct xfo_bytecode prog = { exit_insns, 2, NULL, 0 };
	/* Not a runner: checks that a failing new() resets the pointer. */
	struct xfo_runner *const sentinel = (struct xfo_runner *)&prog;
	struct xfo_runner *r;
	char err[256];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		prog.maps = &bad[i].def;
		prog.map_cnt = 1;
		err[0] = '\0';
		r = sentinel;
		ret = xfo_runner__new(&prog, &r, err, sizeof(err));
		if (r == sentinel) {
			fail(bad[i].name, "runner pointer not reset");
			continue;
		}
		if (ret != bad[i].want || r)
			fail(bad[i].name, "returned %d, runner %p", ret,
			     (void *)r);
		else if (!strstr(err, "map 0"))
			fail(bad[i].name, "message '%s' does not name map 0",
			     err);
		else
			pass(bad[i].name);
		xfo_runner__free(r);
	}

	for (i = 0; i < XFO_MAX_MAPS + 1; i++)
		many[i] = test_maps[1];
	prog.maps = many;
	prog.map_cnt = XFO_MAX_MAPS + 1;
	r = NULL;
	ret = xfo_runner__new(&prog, &r, err, sizeof(err));
	if (ret != -E2BIG || r)
		fail("new_too_many_maps", "returned %d", ret);
	else
		pass("new_too_many_maps");

	ret = xfo_runner__new(NULL, &r, err, sizeof(err));
	if (ret != -EINVAL || r)
		fail("new_null_prog", "returned %d", ret);
	else
		pass("new_null_prog");

	prog.maps = NULL;
	prog.map_cnt = 0;
	ret = xfo_runner__new(&prog, &r, err, sizeof(err));
	if (ret || !r) {
		fail("new_no_maps", "returned %d: %s", ret, err);
	} else if (xfo_runner__map_value(r, 0, 0)) {
		fail("new_no_maps", "map_value of a missing map is not NULL");
	} else {
		const void *buf = &prog;

		if (xfo_runner__trace(r, &buf) != 0)
			fail("new_no_maps", "trace buffer not empty");
		else
			pass("new_no_maps");
	}
	xfo_runner__free(r);
	xfo_runner__free(NULL);
}

static void test_ctx_and_verdict(void)
{
	/* r1 is the context: return its addr. */
	case_r0("run_r1_is_ctx", "ldxdw %r0, [%r1]\nexit\n", test_ctx.addr);
	case_r0("run_ctx_pool_level", "ldxw %r0, [%r1+56]\nexit\n", 7);
	case_r0("run_verdict_fault_around",
		"mov %r0, 0x802\nexit\n", XFO_VERDICT_FAULT_AROUND(8));
}

/* The program src, run in the checked mode, returns want. */
static void checked_stops(const char *name, const char *src, int want)
{
	struct xfo_vm_result res;
	struct prog p;
	uint64_t r0;
	int ret;

	if (!prog_new(name, src, &p))
		return;
	ret = xfo_runner__run(p.runner, &test_ctx, true, &r0, &res);
	check(name, ret == want, "returned %d", ret);
	prog_free(&p);
}

static void test_checked_mode(void)
{
	struct xfo_vm_result res;
	struct prog p;
	uint64_t r0;
	int ret;

	/* A store into the read-only context. */
	if (prog_new("checked_ctx_write", "stw [%r1+8], 1\nmov %r0, 0\nexit\n",
		     &p)) {
		ret = xfo_runner__run(p.runner, &test_ctx, true, &r0, &res);
		if (ret != -EFAULT || res.err != -EFAULT)
			fail("checked_ctx_write", "returned %d, err %d", ret,
			     res.err);
		else
			pass("checked_ctx_write");
		prog_free(&p);
	}
	/* A read past the end of the context. */
	checked_stops("checked_ctx_overread", "ldxdw %r0, [%r1+64]\nexit\n",
		      -EFAULT);
	/* Below the stack. */
	checked_stops("checked_stack_underflow",
		      "stdw [%r10-520], 1\nmov %r0, 0\nexit\n", -EFAULT);
	/* An endless loop stops at the instruction limit. */
	checked_stops("checked_insn_limit", "loop:\nja loop\n", -E2BIG);
	/* The stack starts zeroed on every run. */
	if (prog_new("run_stack_cleared",
		     "ldxdw %r0, [%r10-8]\nstdw [%r10-8], 9\nexit\n", &p)) {
		if (expect_r0("run_stack_cleared", &p, 0))
			pass("run_stack_cleared");
		prog_free(&p);
	}
}

static void test_unknown_helper(void)
{
	struct xfo_vm_result res;
	struct prog p;
	uint64_t r0;
	int mode, ret;

	if (!prog_new("helper_unknown", "call 99\nexit\n", &p))
		return;
	for (mode = 0; mode < 2; mode++) {
		ret = xfo_runner__run(p.runner, &test_ctx, mode, &r0, &res);
		if (ret != -ENOENT || res.err != -ENOENT || res.pc != 0) {
			fail("helper_unknown", "%s: returned %d, err %d pc %u",
			     mode ? "checked" : "plain", ret, res.err, res.pc);
			prog_free(&p);
			return;
		}
	}
	pass("helper_unknown");
	prog_free(&p);
}

static void test_map_read(void)
{
	struct prog p;
	uint8_t *v;

	/* Error returns: r0 is the helper's result. */
	case_r0("map_read_bad_handle",
		"mov %r1, 2\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -16\n"
		"mov %r4, 16\ncall 1\nexit\n", NEG(EINVAL));
	case_r0("map_read_huge_handle",
		"lddw %r1, 0x100000000\nmov %r2, 0\nmov %r3, %r10\n"
		"add %r3, -16\nmov %r4, 16\ncall 1\nexit\n", NEG(EINVAL));
	case_r0("map_read_key_range",
		"lddw %r1, map:0\nmov %r2, 4\nmov %r3, %r10\nadd %r3, -16\n"
		"mov %r4, 16\ncall 1\nexit\n", NEG(ENOENT));
	/* Keys and sizes are u32: the high bits are not looked at. */
	case_r0("map_read_key_u32",
		"lddw %r1, map:0\nlddw %r2, 0x100000000\nmov %r3, %r10\n"
		"add %r3, -16\nlddw %r4, 0x100000010\ncall 1\nexit\n", 0);
	case_r0("map_read_size_big",
		"lddw %r1, map:1\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -16\n"
		"mov %r4, 16\ncall 1\nexit\n", NEG(E2BIG));
	case_r0("map_read_size_zero",
		"lddw %r1, map:0\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -16\n"
		"mov %r4, 0\ncall 1\nexit\n", NEG(EINVAL));
	/* The buffer: in the context, across the stack top, below it. */
	case_r0("map_read_buf_ctx_ptr",
		"mov %r6, %r1\nlddw %r1, map:0\nmov %r2, 0\nmov %r3, %r6\n"
		"mov %r4, 8\ncall 1\nexit\n", NEG(EFAULT));
	case_r0("map_read_buf_past_top",
		"lddw %r1, map:0\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -8\n"
		"mov %r4, 16\ncall 1\nexit\n", NEG(EFAULT));
	case_r0("map_read_buf_below",
		"lddw %r1, map:0\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -520\n"
		"mov %r4, 16\ncall 1\nexit\n", NEG(EFAULT));
	case_r0("map_read_buf_null",
		"lddw %r1, map:0\nmov %r2, 0\nmov %r3, 0\n"
		"mov %r4, 16\ncall 1\nexit\n", NEG(EFAULT));
	case_r0("map_read_buf_wrap",
		"lddw %r1, map:0\nmov %r2, 0\nmov %r3, -8\n"
		"mov %r4, 16\ncall 1\nexit\n", NEG(EFAULT));
	/* A failed read zeroes a valid buffer. */
	case_r0("map_read_error_zeroes",
		"stdw [%r10-16], -1\nlddw %r1, map:0\nmov %r2, 9\n"
		"mov %r3, %r10\nadd %r3, -16\nmov %r4, 8\ncall 1\n"
		"ldxdw %r0, [%r10-16]\nexit\n", 0);
	/* The whole stack is a valid buffer. */
	case_r0("map_read_buf_whole_value_at_bottom",
		"lddw %r1, map:0\nmov %r2, 3\nmov %r3, %r10\nadd %r3, -512\n"
		"mov %r4, 16\ncall 1\nexit\n", 0);

	/* Success: copies what map_value holds, the first size bytes. */
	if (!prog_new("map_read_value", "lddw %r1, map:0\nmov %r2, 2\n"
		      "mov %r3, %r10\nadd %r3, -16\nmov %r4, 8\ncall 1\n"
		      "jne %r0, 0, out\nldxdw %r0, [%r10-16]\nout:\nexit\n",
		      &p))
		return;
	v = xfo_runner__map_value(p.runner, 0, 2);
	if (!v) {
		fail("map_read_value", "no value for map 0 key 2");
	} else {
		memcpy(v, "\x11\x22\x33\x44\x55\x66\x77\x88\x99", 9);
		if (expect_r0("map_read_value", &p, 0x8877665544332211ull))
			pass("map_read_value");
	}
	prog_free(&p);
}

static void test_map_write(void)
{
	struct prog p;
	uint8_t *v;
	uint64_t x;

	case_r0("map_write_bad_handle",
		"stdw [%r10-8], 1\nmov %r1, 7\nmov %r2, 0\nmov %r3, %r10\n"
		"add %r3, -8\nmov %r4, 8\ncall 2\nexit\n", NEG(EINVAL));
	case_r0("map_write_key_range",
		"stdw [%r10-8], 1\nlddw %r1, map:1\nmov %r2, 2\nmov %r3, %r10\n"
		"add %r3, -8\nmov %r4, 8\ncall 2\nexit\n", NEG(ENOENT));
	case_r0("map_write_size_big",
		"lddw %r1, map:1\nmov %r2, 0\nmov %r3, %r10\n"
		"add %r3, -16\nmov %r4, 16\ncall 2\nexit\n", NEG(E2BIG));
	case_r0("map_write_size_zero",
		"lddw %r1, map:1\nmov %r2, 0\nmov %r3, %r10\n"
		"add %r3, -16\nmov %r4, 0\ncall 2\nexit\n", NEG(EINVAL));
	case_r0("map_write_buf_ctx",
		"mov %r3, %r1\nlddw %r1, map:1\nmov %r2, 0\nmov %r4, 8\n"
		"call 2\nexit\n", NEG(EFAULT));
	case_r0("map_write_buf_past_top",
		"lddw %r1, map:1\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -4\n"
		"mov %r4, 8\ncall 2\nexit\n", NEG(EFAULT));

	/* Success: a partial write changes only the first size bytes. */
	if (!prog_new("map_write_value",
		      "stdw [%r10-8], 0x1234\nlddw %r1, map:0\nmov %r2, 3\n"
		      "mov %r3, %r10\nadd %r3, -8\nmov %r4, 4\ncall 2\nexit\n",
		      &p))
		return;
	v = xfo_runner__map_value(p.runner, 0, 3);
	if (v)
		memset(v, 0xff, 16);
	if (!v) {
		fail("map_write_value", "no value for map 0 key 3");
	} else if (expect_r0("map_write_value", &p, 0)) {
		memcpy(&x, v, 8);
		if (x != 0xffffffff00001234ull || v[8] != 0xff)
			fail("map_write_value", "value now 0x%llx",
			     (unsigned long long)x);
		else if (xfo_runner__map_value(p.runner, 0, 4) ||
			 xfo_runner__map_value(p.runner, 2, 0))
			fail("map_write_value", "map_value out of range is "
			     "not NULL");
		else
			pass("map_write_value");
	}
	prog_free(&p);
}

static void test_map_add(void)
{
	struct prog p;
	uint64_t *v, r0 = 0;

	case_r0("map_add_bad_handle",
		"mov %r1, 8\nmov %r2, 0\nmov %r3, 5\ncall 3\nexit\n", 0);
	case_r0("map_add_key_range",
		"lddw %r1, map:1\nmov %r2, 2\nmov %r3, 5\ncall 3\nexit\n", 0);

	/* Returns the new value; values persist across runs. */
	if (!prog_new("map_add_value",
		      "lddw %r1, map:1\nmov %r2, 1\nmov %r3, 5\ncall 3\nexit\n",
		      &p))
		return;
	if (!run_once("map_add_value", &p, false, &r0)) {
		/* reported */
	} else if (r0 != 5) {
		fail("map_add_value", "first run returned %llu",
		     (unsigned long long)r0);
	} else if (!run_once("map_add_value", &p, true, &r0)) {
		/* reported */
	} else if (r0 != 10) {
		fail("map_add_value", "second run returned %llu",
		     (unsigned long long)r0);
	} else {
		v = xfo_runner__map_value(p.runner, 1, 1);
		if (!v || *v != 10)
			fail("map_add_value", "value not 10");
		else if (*(uint64_t *)xfo_runner__map_value(p.runner, 1, 0))
			fail("map_add_value", "key 0 changed");
		else
			pass("map_add_value");
	}
	prog_free(&p);

	/* Wraps around as u64; a negative delta subtracts. */
	if (!prog_new("map_add_negative",
		      "lddw %r1, map:0\nmov %r2, 0\nmov %r3, -3\ncall 3\n"
		      "lddw %r1, map:0\nmov %r2, 0\nmov %r3, 1\ncall 3\nexit\n",
		      &p))
		return;
	if (run_once("map_add_negative", &p, true, &r0)) {
		if (r0 != NEG(2))
			fail("map_add_negative", "returned 0x%llx",
			     (unsigned long long)r0);
		else
			pass("map_add_negative");
	}
	prog_free(&p);
}

static void test_time_ns(void)
{
	/* Two readings: the second is not below the first, both nonzero. */
	case_r0("time_ns_monotonic",
		"call 4\nmov %r6, %r0\ncall 4\nmov %r7, %r0\nmov %r0, 1\n"
		"jeq %r6, 0, out\njlt %r7, %r6, out\nmov %r0, 0\nout:\nexit\n",
		0);
}

static void test_trace(void)
{
	const uint8_t *buf;
	struct xfo_vm_result res;
	struct prog p;
	uint64_t r0 = 0;
	unsigned int n = 0;
	uint32_t len;
	size_t size, off;
	int ret;

	case_r0("trace_size_zero",
		"mov %r1, %r10\nadd %r1, -8\nmov %r2, 0\ncall 5\nexit\n",
		NEG(EINVAL));
	case_r0("trace_size_big",
		"mov %r1, %r10\nadd %r1, -72\nmov %r2, 65\ncall 5\nexit\n",
		NEG(E2BIG));
	case_r0("trace_buf_ctx",
		"mov %r2, 8\ncall 5\nexit\n", NEG(EFAULT));
	case_r0("trace_buf_past_top",
		"mov %r1, %r10\nadd %r1, -4\nmov %r2, 8\ncall 5\nexit\n",
		NEG(EFAULT));

	/* 64-byte records until the 4 KiB buffer is full. */
	if (!prog_new("trace_fill",
		      "stdw [%r10-64], 0x41424344\nmov %r1, %r10\nadd %r1, -64\n"
		      "mov %r2, 64\ncall 5\nexit\n", &p))
		return;
	for (;;) {
		ret = xfo_runner__run(p.runner, &test_ctx, n & 1, &r0, &res);
		if (ret || r0)
			break;
		n++;
		if (n > 4096)
			break;
	}
	if (ret || r0 != NEG(ENOSPC)) {
		fail("trace_fill", "after %u records: returned %d, r0 %lld", n,
		     ret, (long long)r0);
	} else if (n != 4096 / (4 + 64)) {
		fail("trace_fill", "%u records fit, expected %u", n,
		     4096 / (4 + 64));
	} else {
		size = xfo_runner__trace(p.runner, (const void **)&buf);
		for (off = 0; off + 4 <= size; off += 4 + len) {
			memcpy(&len, buf + off, 4);
			if (len != 64 || memcmp(buf + off + 4, "DCBA", 4))
				break;
		}
		if (size != n * 68u || off != size)
			fail("trace_fill", "trace holds %zu bytes, bad record "
			     "at %zu", size, off);
		else
			pass("trace_fill");
	}
	prog_free(&p);

	/* A small record still fits after the big ones stop fitting. */
	if (!prog_new("trace_records",
		      "stb [%r10-1], 0x7a\nmov %r1, %r10\nadd %r1, -1\n"
		      "mov %r2, 1\ncall 5\nexit\n", &p))
		return;
	if (expect_r0("trace_records", &p, 0)) {
		size = xfo_runner__trace(p.runner, (const void **)&buf);
		memcpy(&len, buf, 4);
		/* Two records, each a length, one byte and 3 bytes of zeroes:
		 * padded to 4 as Xen's XFOOP_trace_read hands them out. */
		if (size != 16 || len != 1 || buf[4] != 0x7a ||
		    buf[5] || buf[6] || buf[7])
			fail("trace_records", "trace holds %zu bytes", size);
		else
			pass("trace_records");
	}
	prog_free(&p);
}

int main(void)
{
	test_new_errors();
	test_ctx_and_verdict();
	test_checked_mode();
	test_unknown_helper();
	test_map_read();
	test_map_write();
	test_map_add();
	test_time_ns();
	test_trace();
	return failures ? 1 : 0;
}
