// SPDX-License-Identifier: MIT
/*
 * xfo-conformance-plugin: the core interpreter as a plugin of the eBPF
 * conformance suite (../shared/conformance/README.md):
 *
 *   echo "<program as base16>" | xfo-conformance-plugin "<memory as base16>"
 *
 * Base16 may be separated by white space. The program runs in the CHECKED
 * interpreter with r1 = the memory, r2 = its length, a stack of
 * XFO_VM_MAX_CALL_DEPTH frames and an instruction limit; r0 is printed in
 * hex. Errors go to stderr with exit status 1; usage errors exit 2.
 *
 * Helper 5 is the suite's "unwind" helper, as uBPF's plugin provides it: it
 * returns r1, and when that is 0 the program stops at once with r0 = 0.
 *
 * Options (argv[2] onwards, possibly several in one argument, for the
 * project's own tests):
 *   --insn-limit N   stop after N instructions (default 1000000; 0: none)
 *   --stack N        bytes of stack (default 8 frames of XFO_STACK_SIZE)
 *   --unchecked      also run xfo_vm_run() on a copy fused by xfo_vm_fuse()
 *                    and require the same outcome: on success, and when
 *                    the instruction limit stops the checked run
 *   --expect-fused N with --unchecked: xfo_vm_fuse() must fuse N sequences
 *   --readonly       the memory region is readable only
 *   --switch         run the interpreter's switch form (what a Xen built
 *                    with retpolines runs) instead of the threaded one
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"

#define HELPER_UNWIND 5

/* core/interp.c in its switch form, renamed by core/build.mk. */
int xfo_vm_run_switch(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
		      uint64_t *r0, struct xfo_vm_result *res);
int xfo_vm_run_checked_switch(const struct xfo_vm *vm, uint64_t r1,
			      uint64_t r2, uint64_t *r0,
			      struct xfo_vm_result *res);

typedef int vm_run_fn(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
		      uint64_t *r0, struct xfo_vm_result *res);

struct plugin_ctx {
	bool unwound;
};

static uint64_t call_helper(void *opaque, uint32_t id, const uint64_t args[5],
			    int *err)
{
	struct plugin_ctx *ctx = opaque;

	if (id == HELPER_UNWIND) {
		if (args[0] == 0) {
			ctx->unwound = true;
			*err = 1;
		}
		return args[0];
	}
	*err = 1;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Base16 with optional white space between bytes into a malloc'd buffer. */
static int decode_base16(const char *s, uint8_t **out, size_t *len,
			 const char *what)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	uint8_t *buf = malloc(cap);

	if (!buf) {
		fprintf(stderr, "out of memory\n");
		return -1;
	}
	while (*s) {
		int hi, lo;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		hi = hexval((unsigned char)s[0]);
		lo = s[1] ? hexval((unsigned char)s[1]) : -1;
		if (hi < 0 || lo < 0) {
			fprintf(stderr, "invalid base16 in %s near '%.8s'\n",
				what, s);
			free(buf);
			return -1;
		}
		buf[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*out = buf;
	*len = n;
	return 0;
}

static char *read_stdin_line(void)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int c;

	if (!buf)
		return NULL;
	while ((c = getchar()) != EOF && c != '\n') {
		if (len + 1 >= cap) {
			char *p = realloc(buf, cap * 2);

			if (!p) {
				free(buf);
				return NULL;
			}
			buf = p;
			cap *= 2;
		}
		buf[len++] = (char)c;
	}
	buf[len] = '\0';
	return buf;
}

static const char *err_name(int err)
{
	switch (err) {
	case -EINVAL: return "EINVAL (invalid instruction)";
	case -ERANGE: return "ERANGE (jump or call out of the program)";
	case -ELOOP:  return "ELOOP (call depth exceeded)";
	case -E2BIG:  return "E2BIG (instruction limit reached)";
	case -ENOENT: return "ENOENT (helper call failed)";
	case -EFAULT: return "EFAULT (memory access out of bounds)";
	default:      return "unknown error";
	}
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t insn_limit = 1000000, stack_size;
	bool also_unchecked = false, readonly = false;
	long long expect_fused = -1;
	struct ebpf_insn *fused = NULL;
	int err2;
	vm_run_fn *run_checked = xfo_vm_run_checked, *run = xfo_vm_run;
	struct xfo_vm_result res, res2;
	struct plugin_ctx ctx = { 0 };
	struct xfo_vm_region region;
	struct xfo_vm vm;
	uint8_t *prog = NULL, *mem = NULL, *stack = NULL, *mem2 = NULL;
	size_t prog_len, mem_len = 0;
	uint64_t r0, r0_2;
	char *line = NULL;
	int i, err, status = 1;

	stack_size = (uint64_t)XFO_VM_MAX_CALL_DEPTH * XFO_STACK_SIZE;

	/* Options: argv[2] onwards, each argument split at white space. */
	for (i = 2; i < argc; i++) {
		char *copy = strdup(argv[i]), *save = NULL, *tok;

		if (!copy)
			return 2;
		for (tok = strtok_r(copy, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save)) {
			if (!strcmp(tok, "--unchecked")) {
				also_unchecked = true;
			} else if (!strcmp(tok, "--readonly")) {
				readonly = true;
			} else if (!strcmp(tok, "--switch")) {
				run_checked = xfo_vm_run_checked_switch;
				run = xfo_vm_run_switch;
			} else if (!strcmp(tok, "--expect-fused")) {
				char *val = strtok_r(NULL, " \t", &save);
				uint64_t v;

				if (!val || parse_u64(val, &v) || v > 1u << 20) {
					fprintf(stderr, "bad value for %s\n",
						tok);
					free(copy);
					return 2;
				}
				expect_fused = (long long)v;
			} else if (!strcmp(tok, "--insn-limit") ||
				   !strcmp(tok, "--stack")) {
				char *val = strtok_r(NULL, " \t", &save);
				uint64_t v;

				if (!val || parse_u64(val, &v) ||
				    (tok[2] == 's' && v > (1u << 20))) {
					fprintf(stderr, "bad value for %s\n",
						tok);
					free(copy);
					return 2;
				}
				if (tok[2] == 's')
					stack_size = v;
				else
					insn_limit = v;
			} else {
				fprintf(stderr, "unknown option '%s'\n", tok);
				free(copy);
				return 2;
			}
		}
		free(copy);
	}

	if (expect_fused >= 0 && !also_unchecked) {
		fprintf(stderr, "--expect-fused needs --unchecked\n");
		return 2;
	}
	if (argc >= 2 && decode_base16(argv[1], &mem, &mem_len, "memory"))
		return 2;
	line = read_stdin_line();
	if (!line) {
		fprintf(stderr, "cannot read the program from stdin\n");
		goto out;
	}
	if (decode_base16(line, &prog, &prog_len, "program")) {
		status = 2;
		goto out;
	}
	if (!prog_len || prog_len % sizeof(struct ebpf_insn) ||
	    prog_len / sizeof(struct ebpf_insn) > UINT32_MAX) {
		fprintf(stderr, "program of %zu bytes is not a whole number "
			"of instructions\n", prog_len);
		status = 2;
		goto out;
	}
	/* Keep the memory an allocation of its own size, so any access the
	 * checked mode let through past it would show under ASan. */
	if (!mem_len) {
		free(mem);
		mem = malloc(1);
	}
	mem2 = malloc(mem_len ? mem_len : 1);
	stack = calloc(1, stack_size ? stack_size : 1);
	if (!mem || !mem2 || !stack) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}
	if (mem_len)
		memcpy(mem2, mem, mem_len);

	region = (struct xfo_vm_region){
		.start = (uintptr_t)mem,
		.len = mem_len,
		.flags = XFO_VM_READ | (readonly ? 0 : XFO_VM_WRITE),
	};
	vm = (struct xfo_vm){
		.insns = (const struct ebpf_insn *)prog,
		.insn_cnt = (uint32_t)(prog_len / sizeof(struct ebpf_insn)),
		.stack_size = (uint32_t)stack_size,
		.stack = stack,
		.call_helper = call_helper,
		.opaque = &ctx,
		.insn_limit = insn_limit,
		.regions = &region,
		.region_cnt = 1,
	};

	err = run_checked(&vm, (uintptr_t)mem, mem_len, &r0, &res);
	if (err == -ENOENT && ctx.unwound) {
		err = 0;
		r0 = 0;
	}

	/*
	 * The unchecked interpreter trusts the verifier, so it is compared
	 * where its outcome is defined: success, and the instruction limit,
	 * which it enforces too. It runs the program fused, as Xen does.
	 */
	if (also_unchecked && (!err || err == -E2BIG)) {
		bool unwound = ctx.unwound;
		uint32_t n;

		fused = malloc(prog_len ? prog_len : 1);
		if (!fused) {
			fprintf(stderr, "out of memory\n");
			goto out;
		}
		memcpy(fused, prog, prog_len);
		n = xfo_vm_fuse(fused, vm.insn_cnt);
		if (expect_fused >= 0 && n != (uint64_t)expect_fused) {
			fprintf(stderr, "xfo_vm_fuse fused %u sequences, "
				"expected %lld\n", n, expect_fused);
			goto out;
		}
		vm.insns = fused;
		ctx.unwound = false;
		memset(stack, 0, stack_size);
		region.start = (uintptr_t)mem2;
		err2 = run(&vm, (uintptr_t)mem2, mem_len, &r0_2, &res2);
		if (err2 == -ENOENT && ctx.unwound) {
			err2 = 0;
			r0_2 = 0;
		}
		if (err2 != err || (!err && r0_2 != r0) ||
		    res2.insns != res.insns || ctx.unwound != unwound ||
		    (mem_len && memcmp(mem, mem2, mem_len))) {
			fprintf(stderr, "unchecked run differs: err %d r0 0x%"
				PRIx64 " insns %" PRIu64 " (checked: err %d "
				"r0 0x%" PRIx64 " insns %" PRIu64 ")%s%s\n",
				err2, r0_2, res2.insns, err, r0, res.insns,
				mem_len && memcmp(mem, mem2, mem_len)
					? "; memory differs" : "",
				ctx.unwound != unwound
					? "; helper 5 unwound in one run only"
					: "");
			goto out;
		}
	}
	if (err) {
		fprintf(stderr, "run failed: %s at pc %u after %" PRIu64
			" instructions\n", err_name(res.err), res.pc,
			res.insns);
		goto out;
	}

	printf("0x%" PRIx64 "\n", r0);
	status = 0;
out:
	free(line);
	free(prog);
	free(mem);
	free(mem2);
	free(stack);
	free(fused);
	return status;
}
