// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: arbitrary bytecode into the verifier. Whatever it
 * accepts must be safe, so then:
 *   - the checked interpreter, on a context taken from the input, never
 *     trips a bounds check or any other run-time error;
 *   - it runs at most as many instructions as the program has (forward
 *     jumps only: each instruction at most once);
 *   - the unchecked interpreter, from the same map state, ends with the
 *     same r0, the same instruction count and the same map contents; so
 *     does the interpreter's switch form (what retpoline builds of Xen
 *     run; core/build.mk builds it renamed).
 * The disassembler sees every input too and must not crash.
 *
 * Input: sizeof(struct xfo_fault_ctx) bytes of context, then instructions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"

#define MAX_FUZZ_INSNS 256

static const struct xfo_map_def fuzz_maps[] = {
	{ .type = XFO_MAP_ARRAY, .key_size = 4, .value_size = 8,
	  .max_entries = 4, .name = "small" },
	{ .type = XFO_MAP_ARRAY, .key_size = 4, .value_size = 64,
	  .max_entries = 2, .name = "wide" },
};

enum run_mode { RUN_CHECKED, RUN_THREADED, RUN_SWITCH };

int xfo_vm_run_switch(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
		      uint64_t *r0, struct xfo_vm_result *res);

static void die(const char *what, const struct xfo_vm_result *res)
{
	fprintf(stderr, "fuzz invariant broken: %s (err %d at insn %u, "
		"%llu insns)\n", what, res->err, res->pc,
		(unsigned long long)res->insns);
	abort();
}

static void run_once(const struct xfo_bytecode *prog,
		     const struct xfo_fault_ctx *ctx, enum run_mode mode,
		     uint64_t *r0, struct xfo_vm_result *res,
		     uint8_t *maps_out, size_t maps_size)
{
	struct xfo_runner *runner;
	char err[256];
	size_t off = 0;

	if (xfo_runner__new(prog, &runner, err, sizeof(err))) {
		fprintf(stderr, "runner: %s\n", err);
		abort();
	}
	xfo_runner__set_time(runner, true, 1000000007);
	if (mode == RUN_SWITCH)
		xfo_vm_run_switch(xfo_runner__vm(runner), (uintptr_t)ctx, 0, r0,
				  res);
	else
		xfo_runner__run(runner, ctx, mode == RUN_CHECKED, r0, res);
	for (uint32_t m = 0; m < prog->map_cnt; m++) {
		for (uint32_t k = 0; k < prog->maps[m].max_entries; k++) {
			uint32_t vs = prog->maps[m].value_size;

			if (off + vs <= maps_size)
				memcpy(maps_out + off,
				       xfo_runner__map_value(runner, m, k), vs);
			off += vs;
		}
	}
	xfo_runner__free(runner);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ebpf_insn insns[MAX_FUZZ_INSNS];
	static uint8_t maps_checked[1024], maps_plain[1024], maps_switch[1024];
	static char log[4096], text[128];
	struct xfo_fault_ctx ctx;
	struct xfo_bytecode prog = { .insns = insns, .maps = fuzz_maps,
				     .map_cnt = 2 };
	struct xfo_vm_result res_checked, res_plain, res_switch;
	uint64_t r0_checked, r0_plain, r0_switch;
	size_t n;

	if (size < sizeof(ctx))
		return 0;
	memcpy(&ctx, data, sizeof(ctx));
	n = (size - sizeof(ctx)) / sizeof(struct ebpf_insn);
	if (n > MAX_FUZZ_INSNS)
		n = MAX_FUZZ_INSNS;
	memcpy(insns, data + sizeof(ctx), n * sizeof(struct ebpf_insn));
	prog.insn_cnt = n;

	for (uint32_t pc = 0; pc < n; pc++)
		xfo_disasm_insn(&prog, pc, text, sizeof(text));

	if (xfo_bytecode__verify(&prog, log, sizeof(log), XFO_LOG_ERRORS, NULL))
		return 0;

	run_once(&prog, &ctx, RUN_CHECKED, &r0_checked, &res_checked, maps_checked,
		 sizeof(maps_checked));
	if (res_checked.err)
		die("verified program failed in the checked interpreter",
		    &res_checked);
	if (res_checked.insns > n)
		die("verified program ran more instructions than it has",
		    &res_checked);

	run_once(&prog, &ctx, RUN_THREADED, &r0_plain, &res_plain, maps_plain,
		 sizeof(maps_plain));
	if (res_plain.err || r0_plain != r0_checked ||
	    res_plain.insns != res_checked.insns)
		die("checked and unchecked interpreters disagree", &res_plain);
	if (memcmp(maps_checked, maps_plain, sizeof(maps_plain)))
		die("checked and unchecked runs left different maps",
		    &res_plain);

	run_once(&prog, &ctx, RUN_SWITCH, &r0_switch, &res_switch, maps_switch,
		 sizeof(maps_switch));
	if (res_switch.err || r0_switch != r0_checked ||
	    res_switch.insns != res_checked.insns)
		die("the switch form disagrees with the checked interpreter",
		    &res_switch);
	if (memcmp(maps_checked, maps_switch, sizeof(maps_switch)))
		die("the switch form left different maps", &res_switch);
	return 0;
}
