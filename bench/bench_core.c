// SPDX-License-Identifier: MIT
/*
 * bench-core: how fast core/ is, as ratios taken in one run.
 *
 *  - Interpreter: each example policy in xfo_vm_run (through the libxfo
 *    runner, helpers included) against the same policy source compiled as
 *    native C (bench/native_policy.h), on the same mix of fault contexts.
 *    Goal: at most 10x native.
 *  - Verifier: instructions verified per second on generated 1k and 4k
 *    instruction programs and on the examples. Goal: at least 10 M/s, and
 *    a rate that does not fall with size (linear time).
 *
 * Usage: bench_core BPF_DIR [REPORT.md]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libxfo.h"

typedef unsigned long long native_policy_fn(struct xfo_fault_ctx *ctx);

native_policy_fn native_bounce_all, native_zero_fill, native_fault_around,
	native_region_quota, native_counting;

static const struct {
	const char *name;
	native_policy_fn *native;
} policies[] = {
	{ "bounce_all", native_bounce_all },
	{ "zero_fill", native_zero_fill },
	{ "fault_around", native_fault_around },
	{ "region_quota", native_region_quota },
	{ "counting", native_counting },
};

#define NR_CTX 64
#define MIN_SECONDS 0.3

static struct xfo_fault_ctx contexts[NR_CTX];
static FILE *report;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (report) {
		va_start(ap, fmt);
		vfprintf(report, fmt, ap);
		va_end(ap);
	}
}

/* A mix of faults: in and out of regions, user and kernel, present or not. */
static void make_contexts(void)
{
	unsigned int seed = 12345;

	for (int i = 0; i < NR_CTX; i++) {
		struct xfo_fault_ctx *c = &contexts[i];
		unsigned int r = seed = seed * 1103515245 + 12345;

		memset(c, 0, sizeof(*c));
		c->addr = 0x7f0000000000ull + (uint64_t)i * 4096;
		c->error_code = XFO_PFEC_USER | (r & 1 ? XFO_PFEC_WRITE : 0) |
				((r >> 4) % 8 == 0 ? XFO_PFEC_PRESENT : 0);
		c->mode = (r >> 8) % 8 ? XFO_MODE_USER : XFO_MODE_KERNEL;
		c->region_id = (r >> 12) % 4 ? (r >> 16) % 100 : XFO_REGION_NONE;
		c->region_start = 0x7f0000000000ull;
		c->region_end = 0x7f0000100000ull;
		c->region_classes = (r >> 20) % 2
			? XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL) |
			  XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND)
			: XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL);
		c->pool_level = 200;
		c->pool_size = 256;
	}
}

static double bench_native(native_policy_fn *fn, unsigned long long *sum)
{
	unsigned long long iters = 0, s = 0;
	double start = now(), elapsed;

	do {
		for (int k = 0; k < 1000; k++)
			s += fn(&contexts[(iters + k) % NR_CTX]);
		iters += 1000;
	} while ((elapsed = now() - start) < MIN_SECONDS);
	*sum = s;
	return elapsed * 1e9 / iters;
}

static double bench_interp(struct xfo_runner *runner, unsigned long long *sum,
			   double *insns_per_run)
{
	unsigned long long iters = 0, s = 0, insns = 0;
	double start = now(), elapsed;
	struct xfo_vm_result res;
	uint64_t r0;

	do {
		for (int k = 0; k < 1000; k++) {
			xfo_runner__run(runner, &contexts[(iters + k) % NR_CTX],
					false, &r0, &res);
			s += r0;
			insns += res.insns;
		}
		iters += 1000;
	} while ((elapsed = now() - start) < MIN_SECONDS);
	*sum = s;
	*insns_per_run = (double)insns / iters;
	return elapsed * 1e9 / iters;
}

static double verify_rate(const struct xfo_prog *prog)
{
	size_t ws_size = xfo_verifier_workspace_size(prog->insn_cnt);
	void *ws = malloc(ws_size);
	unsigned long long insns = 0;
	double start = now(), elapsed;
	struct xfo_log log;
	char buf[512];

	do {
		xfo_log_init(&log, buf, sizeof(buf), XFO_LOG_ERRORS);
		if (xfo_verify(prog, ws, ws_size, &log, NULL)) {
			fprintf(stderr, "bench program refused: %s", buf);
			exit(1);
		}
		insns += prog->insn_cnt;
	} while ((elapsed = now() - start) < MIN_SECONDS);
	free(ws);
	return insns / elapsed;
}

static unsigned int rnd(unsigned int *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return *seed >> 8;
}

/* A valid straight-line-and-forward-branch program of n instructions. */
static struct ebpf_insn *generate(uint32_t n)
{
	static const uint8_t ops[] = { EBPF_ALU_ADD, EBPF_ALU_SUB, EBPF_ALU_MUL,
		EBPF_ALU_OR, EBPF_ALU_AND, EBPF_ALU_XOR, EBPF_ALU_MOV,
		EBPF_ALU_LSH, EBPF_ALU_RSH, EBPF_ALU_ARSH };
	static const uint8_t jmps[] = { EBPF_JMP_JEQ, EBPF_JMP_JGT,
		EBPF_JMP_JSET, EBPF_JMP_JNE, EBPF_JMP_JSLT, EBPF_JMP_JLE };
	static const uint8_t regs[] = { 0, 2, 3, 4, 5, 7, 8, 9 };
	struct ebpf_insn *p = calloc(n, sizeof(*p));
	unsigned int seed = n;
	uint32_t pc = 0, i;

#define RND() rnd(&seed)
#define REG() regs[RND() % sizeof(regs)]
	p[pc++] = (struct ebpf_insn){ .code = EBPF_CLS_ALU64 | EBPF_ALU_MOV |
				      EBPF_SRC_X, .dst = 6, .src = 1 };
	for (i = 0; i < sizeof(regs); i++)
		p[pc++] = (struct ebpf_insn){ .code = EBPF_CLS_ALU64 |
					      EBPF_ALU_MOV, .dst = regs[i],
					      .imm = i };
	for (i = 1; i <= 8; i++)
		p[pc++] = (struct ebpf_insn){ .code = EBPF_CLS_ST |
					      EBPF_MODE_MEM | EBPF_SIZE_DW,
					      .dst = 10, .off = -8 * i };

	while (pc < n - 2) {
		uint32_t kind = RND() % 10, left = n - 2 - pc;
		struct ebpf_insn *insn = &p[pc++];

		if (kind < 5) {
			uint8_t op = ops[RND() % sizeof(ops)];
			bool x = RND() % 2;

			uint8_t cls = RND() % 2 ? EBPF_CLS_ALU64 : EBPF_CLS_ALU;

			insn->code = cls | op | (x ? EBPF_SRC_X : EBPF_SRC_K);
			insn->dst = REG();
			insn->src = x ? REG() : 0;
			insn->imm = x ? 0 : (int32_t)(RND() % 31 + 1);
		} else if (kind < 6) {
			insn->code = EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W;
			insn->dst = REG();
			insn->src = 6;
			insn->off = 16;		/* error_code */
		} else if (kind < 7) {
			insn->code = EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW;
			insn->dst = 10;
			insn->src = REG();
			insn->off = -8 * (int16_t)(RND() % 8 + 1);
		} else if (kind < 8) {
			insn->code = EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW;
			insn->dst = REG();
			insn->src = 10;
			insn->off = -8 * (int16_t)(RND() % 8 + 1);
		} else {
			uint8_t cls = RND() % 2 ? EBPF_CLS_JMP : EBPF_CLS_JMP32;

			insn->code = cls | jmps[RND() % sizeof(jmps)];
			insn->dst = REG();
			insn->imm = RND() % 64;
			insn->off = left > 1 ? RND() % (left < 16 ? left : 16) : 0;
		}
	}
	p[pc++] = (struct ebpf_insn){ .code = EBPF_CLS_ALU64 | EBPF_ALU_MOV };
	p[pc++] = (struct ebpf_insn){ .code = EBPF_OP_EXIT };
	return p;
#undef RND
#undef REG
}

int main(int argc, char **argv)
{
	double worst_ratio = 0, rate_1k = 0, rate_4k = 0, slowest = 1e30;
	char path[4096], err[512];

	if (argc < 2) {
		fprintf(stderr, "usage: %s BPF_DIR [REPORT.md]\n", argv[0]);
		return 2;
	}
	if (argc > 2 && !(report = fopen(argv[2], "w"))) {
		perror(argv[2]);
		return 1;
	}
	make_contexts();

	out("# Core performance\n\n");
	out("Written by `make bench-core` (bench/bench_core.c). Ratios are "
	    "taken in one run on one machine; absolute times depend on it.\n\n");
	out("## Interpreter against native C\n\n");
	out("Each policy's own source compiled natively is the baseline, run "
	    "on the same %d fault contexts.\n\n", NR_CTX);
	out("| policy | insns/run | native ns/run | interpreter ns/run | "
	    "ns/insn | ratio |\n|---|---:|---:|---:|---:|---:|\n");

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		struct xfo_object *obj;
		struct xfo_runner *runner;
		struct xfo_prog prog;
		unsigned long long native_sum, interp_sum;
		double native_ns, interp_ns, insns, rate;

		snprintf(path, sizeof(path), "%s/%s.bpf.o", argv[1],
			 policies[i].name);
		if (xfo_object__open_file(path, &obj, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		xfo_program__core(xfo_object__prog(obj, 0), &prog);
		if (xfo_runner__new(&prog, &runner, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		native_ns = bench_native(policies[i].native, &native_sum);
		interp_ns = bench_interp(runner, &interp_sum, &insns);
		rate = verify_rate(&prog);
		if (rate < slowest)
			slowest = rate;
		out("| %s | %.1f | %.2f | %.2f | %.2f | %.1fx |\n",
		    policies[i].name, insns, native_ns, interp_ns,
		    interp_ns / insns, interp_ns / native_ns);
		if (interp_ns / native_ns > worst_ratio)
			worst_ratio = interp_ns / native_ns;
		/* Keep the sums alive, so neither loop is optimised away. */
		if (native_sum == 1 && interp_sum == 1)
			out("\n");
		xfo_runner__free(runner);
		xfo_object__close(obj);
	}

	out("\n## Verifier\n\n| program | insns | M insns/s |\n|---|---:|---:|\n");
	for (uint32_t n = 1024; n <= 4096; n *= 4) {
		struct ebpf_insn *insns = generate(n);
		struct xfo_prog prog = { .insns = insns, .insn_cnt = n };
		double rate = verify_rate(&prog);

		out("| generated | %u | %.1f |\n", n, rate / 1e6);
		if (n == 1024)
			rate_1k = rate;
		else
			rate_4k = rate;
		free(insns);
	}
	out("| example policies (slowest) | | %.1f |\n", slowest / 1e6);

	out("\n## Goals\n\n");
	out("- interpreter at most 10x native: worst %.1fx, %s\n", worst_ratio,
	    worst_ratio <= 10 ? "met" : "NOT met");
	out("- verifier at least 10 M insns/s: %.1f M/s at 4k, %s\n",
	    rate_4k / 1e6, rate_4k >= 10e6 ? "met" : "NOT met");
	out("- verifier linear in size: rate at 4k is %.2f of the rate at 1k, "
	    "%s\n", rate_4k / rate_1k,
	    rate_4k / rate_1k > 0.5 ? "linear" : "NOT linear");
	if (report)
		fclose(report);
	return 0;
}
