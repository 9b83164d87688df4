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
 *  - The same for the interpreter as a default Xen build runs it: the
 *    switch form under retpolines (core/interp.c), informative only.
 *
 * Where code lands moves these few-nanosecond runs by 10-25% (branch
 * predictor and fetch effects keyed on code addresses), in both directions
 * and for both sides. So the policy runs are timed in several builds of
 * this program whose code starts at different offsets (bench/build.mk
 * links padding before it), and each figure is the median over those
 * layouts, the ratio's range beside it.
 *
 * Timings drift; instruction counts do not. Where valgrind is installed,
 * the report also gives x86 instructions per run for each side, counted by
 * cachegrind (the difference between a run of COUNT_RUNS_HI policy runs and
 * one of COUNT_RUNS_LO, so start-up cancels out): the same on every run of
 * the benchmark, independent of layout and load. Between two builds of the
 * interpreter its time has followed them on this project's machines;
 * between the sides it does not (docs/interpreter.md).
 *
 * Usage: bench_core BPF_DIR [REPORT.md] [--layout BIN]...
 *        bench_core --timings BPF_DIR
 *        bench_core --runs native|interp|xen-form POLICY N BPF_DIR
 *        bench_core --check POLICY N BPF_DIR
 * --layout runs BIN (another layout of this program) with --timings, which
 * prints its policy timings, one line each, and nothing else. --runs runs
 * one side of one policy N times and times nothing: what cachegrind counts.
 * --check runs one policy N times on every side and compares each run's
 * verdict and, after the runs, the maps with native's: what
 * tests/suites/bench.sh checks, so that the ratios compare like with like.
 * XFO_BENCH_ONLY=POLICY times that policy alone (for profiling).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libxfo.h"

typedef unsigned long long native_policy_fn(struct xfo_fault_ctx *ctx);
typedef int vm_run_fn(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
		      uint64_t *r0, struct xfo_vm_result *res);

/* core/interp.c built as Xen builds it (bench/build.mk). */
vm_run_fn xfo_vm_run_xen_form;

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

/* The native policies' maps, as they register (bench/native_policy.h). */
#define MAX_NATIVE_MAPS 16
static struct native_map {
	const char *policy, *name;
	void *values;
	size_t size;
} native_maps[MAX_NATIVE_MAPS];
static unsigned int nr_native_maps;

void native_map_register(const char *policy, const char *name, void *values,
			 size_t size);

void native_map_register(const char *policy, const char *name, void *values,
			 size_t size)
{
	if (nr_native_maps == MAX_NATIVE_MAPS) {
		fprintf(stderr, "bench_core: more than %d native maps\n",
			MAX_NATIVE_MAPS);
		exit(1);
	}
	native_maps[nr_native_maps++] = (struct native_map){ policy, name,
							      values, size };
}

static struct native_map *native_map(const char *policy, const char *name)
{
	for (unsigned int m = 0; m < nr_native_maps; m++)
		if (!strcmp(native_maps[m].policy, policy) &&
		    !strcmp(native_maps[m].name, name))
			return &native_maps[m];
	return NULL;
}

#define NR_CTX 64
/*
 * Policy runs are timed in alternating rounds of ROUND_RUNS runs, native
 * then interpreter, and each side keeps its fastest round: other work on
 * the machine only ever slows a round down, so the minimum is the
 * measurement and the ratio stays steady on a busy host.
 */
#define ROUNDS 15
#define ROUND_RUNS 100000

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
	unsigned long long s = 0;
	double start = now();

	for (int k = 0; k < ROUND_RUNS; k++)
		s += fn(&contexts[k % NR_CTX]);
	*sum += s;
	return (now() - start) * 1e9 / ROUND_RUNS;
}

static double bench_interp(vm_run_fn *run, const struct xfo_vm *vm,
			   unsigned long long *sum, double *insns_per_run)
{
	unsigned long long s = 0, insns = 0;
	double start = now(), elapsed;
	struct xfo_vm_result res;
	uint64_t r0;

	for (int k = 0; k < ROUND_RUNS; k++) {
		run(vm, (uintptr_t)&contexts[k % NR_CTX], 0, &r0, &res);
		s += r0;
		insns += res.insns;
	}
	elapsed = now() - start;
	*sum += s;
	*insns_per_run = (double)insns / ROUND_RUNS;
	return elapsed * 1e9 / ROUND_RUNS;
}

struct timing {
	double native_ns, interp_ns, xen_form_ns;	/* per run */
	double insns;					/* per run */
	unsigned long long sums[3];
};

/* The fastest of ROUNDS alternating rounds, for each side. */
static void bench_policy(native_policy_fn *fn, const struct xfo_vm *vm,
			 struct timing *t)
{
	double xen_insns;

	t->native_ns = t->interp_ns = t->xen_form_ns = 1e30;
	for (int round = 0; round < ROUNDS; round++) {
		double n = bench_native(fn, &t->sums[0]);
		double i = bench_interp(xfo_vm_run, vm, &t->sums[1], &t->insns);
		double x = bench_interp(xfo_vm_run_xen_form, vm, &t->sums[2],
					&xen_insns);

		if (n < t->native_ns)
			t->native_ns = n;
		if (i < t->interp_ns)
			t->interp_ns = i;
		if (x < t->xen_form_ns)
			t->xen_form_ns = x;
	}
}

/* Instructions verified per second: the fastest of ROUNDS rounds. */
static double verify_rate(const struct xfo_bytecode *prog)
{
	size_t ws_size = xfo_verifier_workspace_size(prog->insn_cnt);
	void *ws = malloc(ws_size);
	/* About a million instructions a round, whatever the size. */
	unsigned int reps = 1 + (1u << 20) / (prog->insn_cnt + 1);
	double best = 0;
	struct xfo_log log;
	char buf[512];

	for (int round = 0; round < ROUNDS; round++) {
		double start = now(), rate;

		for (unsigned int k = 0; k < reps; k++) {
			xfo_log_init(&log, buf, sizeof(buf), XFO_LOG_ERRORS);
			if (xfo_verify(prog, ws, ws_size, &log, NULL)) {
				fprintf(stderr, "bench program refused: %s",
					buf);
				exit(1);
			}
		}
		rate = (double)reps * prog->insn_cnt / (now() - start);
		if (rate > best)
			best = rate;
	}
	free(ws);
	return best;
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

#define NR_POLICIES (sizeof(policies) / sizeof(policies[0]))
#define MAX_LAYOUTS 16

/* One layout's timings of every policy; insns < 0: not timed. */
struct layout_timings {
	struct timing t[NR_POLICIES];
};

/* Opens bpf_dir/name.bpf.o and a runner for its program; 0 or -1. */
static int open_policy(const char *bpf_dir, const char *name,
		       struct xfo_object **obj, struct xfo_runner **runner,
		       struct xfo_bytecode *prog)
{
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", bpf_dir, name);
	if (xfo_object__open_file(path, obj, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	xfo_program__bytecode(xfo_object__prog(*obj, 0), prog);
	if (xfo_runner__new(prog, runner, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		xfo_object__close(*obj);
		return -1;
	}
	return 0;
}

/*
 * Times every policy (XFO_BENCH_ONLY: one) in this process's layout. With
 * slowest, also verifies each and keeps the lowest rate there.
 */
static int time_policies(const char *bpf_dir, struct layout_timings *lt,
			 double *slowest)
{
	const char *only = getenv("XFO_BENCH_ONLY");

	for (size_t i = 0; i < NR_POLICIES; i++) {
		struct xfo_object *obj;
		struct xfo_runner *runner;
		struct xfo_bytecode prog;

		lt->t[i].insns = -1;
		if (only && strcmp(only, policies[i].name))
			continue;
		if (open_policy(bpf_dir, policies[i].name, &obj, &runner,
				&prog))
			return -1;
		bench_policy(policies[i].native, xfo_runner__vm(runner),
			     &lt->t[i]);
		if (slowest) {
			double rate = verify_rate(&prog);

			if (rate < *slowest)
				*slowest = rate;
		}
		/* Keep the sums alive, so no loop is optimised away. */
		if (lt->t[i].sums[0] == 1 && lt->t[i].sums[1] == 1 &&
		    lt->t[i].sums[2] == 1)
			fprintf(stderr, "\n");
		xfo_runner__free(runner);
		xfo_object__close(obj);
	}
	return 0;
}

/* Runs another layout of this program with --timings and reads its lines:
 * "POLICY INSNS NATIVE_NS INTERP_NS XEN_FORM_NS". */
static int time_layout(const char *bin, const char *bpf_dir,
		       struct layout_timings *lt)
{
	char cmd[8192], line[512], name[64];
	struct timing t;
	FILE *p;
	int n = 0;

	for (size_t i = 0; i < NR_POLICIES; i++)
		lt->t[i].insns = -1;
	if (strchr(bin, '\'') || strchr(bpf_dir, '\'')) {
		fprintf(stderr, "bench_core: quote in a path: %s\n", bin);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "'%s' --timings '%s'", bin, bpf_dir);
	if (!(p = popen(cmd, "r"))) {
		perror(bin);
		return -1;
	}
	while (fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%63s %lf %lf %lf %lf", name, &t.insns,
			   &t.native_ns, &t.interp_ns, &t.xen_form_ns) != 5)
			continue;
		for (size_t i = 0; i < NR_POLICIES; i++)
			if (!strcmp(name, policies[i].name)) {
				lt->t[i] = t;
				n++;
			}
	}
	if (pclose(p) != 0 || !n) {
		fprintf(stderr, "bench_core: layout %s failed\n", bin);
		return -1;
	}
	return 0;
}

/* The sides --runs can run: the native policy (no run function), and
 * each form of the interpreter. */
static const struct {
	const char *name;
	vm_run_fn *run;
} sides[] = {
	{ "native", NULL },
	{ "interp", xfo_vm_run },
	{ "xen-form", xfo_vm_run_xen_form },
};
#define NR_SIDES (sizeof(sides) / sizeof(sides[0]))

/*
 * --runs: n runs of one side of one policy over the contexts, untimed.
 * Prints the sum of the verdicts, so that no run is optimised away; a run
 * that fails stops it with exit status 1.
 */
static int run_side(const char *side, const char *policy, unsigned long n,
		    const char *bpf_dir)
{
	unsigned long long sum = 0;
	struct xfo_object *obj;
	struct xfo_runner *runner;
	struct xfo_bytecode prog;
	const struct xfo_vm *vm;
	size_t i, s;
	int rc = 0;

	for (i = 0; i < NR_POLICIES && strcmp(policies[i].name, policy); i++)
		;
	for (s = 0; s < NR_SIDES && strcmp(sides[s].name, side); s++)
		;
	if (i == NR_POLICIES || s == NR_SIDES) {
		fprintf(stderr, "bench_core: no %s '%s'\n",
			i == NR_POLICIES ? "policy" : "side",
			i == NR_POLICIES ? policy : side);
		return 2;
	}
	if (open_policy(bpf_dir, policy, &obj, &runner, &prog))
		return 1;
	vm = xfo_runner__vm(runner);
	for (unsigned long k = 0; k < n; k++) {
		struct xfo_fault_ctx *ctx = &contexts[k % NR_CTX];
		struct xfo_vm_result res;
		uint64_t r0 = 0;

		if (sides[s].run) {
			sides[s].run(vm, (uintptr_t)ctx, 0, &r0, &res);
			if (res.err) {
				fprintf(stderr, "bench_core: %s %s: run %lu "
					"failed: error %d at insn %u\n", side,
					policy, k, res.err, res.pc);
				rc = 1;
				break;
			}
		} else {
			r0 = policies[i].native(ctx);
		}
		sum += r0;
	}
	if (!rc)
		printf("%llu\n", sum);
	xfo_runner__free(runner);
	xfo_object__close(obj);
	return rc;
}

/*
 * Map values --check sets on every side before its runs, so that the runs
 * take the paths that zero maps never reach: region_quota's quota (0 means
 * 4096) low enough for its slots to run out, which the policy learns
 * through a stack buffer (map_read).
 */
static const struct {
	const char *policy, *map;
	uint32_t key;
	uint64_t value;
} check_presets[] = {
	{ "region_quota", "quota_cfg", 0, 3 },
};
#define NR_PRESETS (sizeof(check_presets) / sizeof(check_presets[0]))

/* At most this many differences are printed per side. */
#define MAX_SHOWN 3

/* One interpreter side of --check: its own runner, so its own maps. */
struct check_side {
	vm_run_fn *run;
	struct xfo_object *obj;
	struct xfo_runner *runner;
	unsigned int differences;
	bool failed;			/* a run error: no further runs */
};

static void check_differs(struct check_side *c, const char *side,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check_differs(struct check_side *c, const char *side,
			  const char *fmt, ...)
{
	va_list ap;

	if (c->differences++ >= MAX_SHOWN)
		return;
	printf("%s: DIFFERS: ", side);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* The presets for policy, written into the native map and each runner's. */
static int check_preset(const char *policy, struct check_side *c, size_t n)
{
	for (size_t p = 0; p < NR_PRESETS; p++) {
		const struct xfo_map_def *defs;
		struct native_map *nm;
		uint32_t m, cnt;

		if (strcmp(check_presets[p].policy, policy))
			continue;
		nm = native_map(policy, check_presets[p].map);
		defs = xfo_object__maps(c[0].obj);
		cnt = xfo_object__map_cnt(c[0].obj);
		for (m = 0; m < cnt && strcmp(defs[m].name,
					      check_presets[p].map); m++)
			;
		if (!nm || m == cnt || defs[m].value_size < 8 ||
		    (check_presets[p].key + 1ull) * defs[m].value_size >
		    nm->size) {
			fprintf(stderr, "bench_core: %s: no map %s[%u] to "
				"preset\n", policy, check_presets[p].map,
				check_presets[p].key);
			return -1;
		}
		memcpy((char *)nm->values + (size_t)check_presets[p].key *
		       defs[m].value_size, &check_presets[p].value, 8);
		for (size_t s = 0; s < n; s++)
			memcpy(xfo_runner__map_value(c[s].runner, m,
						     check_presets[p].key),
			       &check_presets[p].value, 8);
	}
	return 0;
}

/* After the runs: every map of the object, as the native policy's. */
static int check_maps(const char *policy, const char *side,
		      struct check_side *c, char *names, size_t names_size)
{
	const struct xfo_map_def *defs = xfo_object__maps(c->obj);
	uint32_t cnt = xfo_object__map_cnt(c->obj);
	size_t used = 0;
	unsigned int native_cnt = 0;

	names[0] = 0;
	for (unsigned int m = 0; m < nr_native_maps; m++)
		native_cnt += !strcmp(native_maps[m].policy, policy);
	if (native_cnt != cnt) {
		fprintf(stderr, "bench_core: %s: %u native maps, %u in the "
			"object\n", policy, native_cnt, cnt);
		return -1;
	}
	for (uint32_t m = 0; m < cnt; m++) {
		struct native_map *nm = native_map(policy, defs[m].name);

		if (!nm || nm->size != (size_t)defs[m].value_size *
					defs[m].max_entries) {
			fprintf(stderr, "bench_core: %s: map %s has no native "
				"map of its size\n", policy, defs[m].name);
			return -1;
		}
		for (uint32_t key = 0; key < defs[m].max_entries; key++) {
			const void *v = xfo_runner__map_value(c->runner, m,
							      key);
			const char *nv = (const char *)nm->values +
					 (size_t)key * defs[m].value_size;
			uint64_t a = 0, b = 0;

			if (!memcmp(v, nv, defs[m].value_size))
				continue;
			memcpy(&a, v, 8);
			memcpy(&b, nv, 8);
			check_differs(c, side, "map %s[%u]: 0x%llx, native "
				      "0x%llx (first 8 bytes)", defs[m].name,
				      key, (unsigned long long)a,
				      (unsigned long long)b);
		}
		used += snprintf(names + used, names_size - used, " %s",
				 defs[m].name);
		if (used >= names_size)
			used = names_size - 1;
	}
	return 0;
}

/*
 * --check: n runs of a policy over the contexts on every side, natively
 * and in each interpreter side with its own maps. Each run's verdict must
 * be native's, for every context, no run may fail, and after the runs
 * every map must hold what the native policy's holds. Prints one line per
 * interpreter side, "SIDE: same as native: ..." or its differences;
 * returns 0 when every side is the same.
 */
static int check_policy(const char *policy, unsigned long n,
			const char *bpf_dir)
{
	struct check_side c[NR_SIDES - 1];
	size_t i, nc = 0, s;
	int rc = 0;

	for (i = 0; i < NR_POLICIES && strcmp(policies[i].name, policy); i++)
		;
	if (i == NR_POLICIES) {
		fprintf(stderr, "bench_core: no policy '%s'\n", policy);
		return 2;
	}
	for (s = 1; s < NR_SIDES; s++) {
		struct xfo_bytecode prog;

		c[nc] = (struct check_side){ .run = sides[s].run };
		if (open_policy(bpf_dir, policy, &c[nc].obj, &c[nc].runner,
				&prog)) {
			rc = 1;
			goto out;
		}
		nc++;
	}
	if (check_preset(policy, c, nc)) {
		rc = 1;
		goto out;
	}
	for (unsigned long k = 0; k < n; k++) {
		unsigned int ctx_idx = k % NR_CTX;
		struct xfo_fault_ctx *ctx = &contexts[ctx_idx];
		uint64_t want = policies[i].native(ctx);

		for (s = 0; s < nc; s++) {
			const char *side = sides[s + 1].name;
			struct xfo_vm_result res;
			uint64_t r0 = 0;

			if (c[s].failed)
				continue;
			c[s].run(xfo_runner__vm(c[s].runner), (uintptr_t)ctx, 0,
				 &r0, &res);
			if (res.err) {
				printf("%s: ERROR: context %u, run %lu: error "
				       "%d at insn %u\n", side, ctx_idx, k,
				       res.err, res.pc);
				c[s].failed = true;
				rc = 1;
			} else if (r0 != want) {
				check_differs(&c[s], side, "context %u, run "
					      "%lu: verdict 0x%llx, native "
					      "0x%llx", ctx_idx, k,
					      (unsigned long long)r0,
					      (unsigned long long)want);
			}
		}
	}
	for (s = 0; s < nc; s++) {
		const char *side = sides[s + 1].name;
		char names[256];

		if (c[s].failed)
			continue;
		if (check_maps(policy, side, &c[s], names, sizeof(names))) {
			rc = 1;
			continue;
		}
		if (c[s].differences) {
			printf("%s: %u differences in all\n", side,
			       c[s].differences);
			rc = 1;
			continue;
		}
		printf("%s: same as native: the verdicts of %lu runs over %d "
		       "contexts, maps:%s\n", side, n, NR_CTX,
		       names[0] ? names : " (none)");
	}
out:
	for (s = 0; s < nc; s++) {
		xfo_runner__free(c[s].runner);
		xfo_object__close(c[s].obj);
	}
	return rc;
}

#define COUNT_RUNS_LO 1000
#define COUNT_RUNS_HI 3000

/* Instructions cachegrind counts in `self --runs side policy n`; 0 when
 * that cannot be had. */
static unsigned long long count_instructions(const char *self,
					     const char *side,
					     const char *policy,
					     unsigned long n,
					     const char *bpf_dir)
{
	char cmd[8192], line[512];
	unsigned long long count = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "valgrind --tool=cachegrind --cache-sim=no "
		 "--cachegrind-out-file=/dev/null '%s' --runs %s %s %lu '%s' "
		 "2>&1", self, side, policy, n, bpf_dir);
	if (!(p = popen(cmd, "r")))
		return 0;
	/* The summary line: "==PID== I   refs:      1,375,393". */
	while (fgets(line, sizeof(line), p)) {
		const char *refs = strstr(line, "refs:"), *q = refs;
		unsigned long long v = 0;

		if (!refs)
			continue;
		while (q > line && q[-1] == ' ')
			q--;
		if (q == line || q[-1] != 'I')
			continue;
		for (refs += 5; *refs; refs++)
			if (*refs >= '0' && *refs <= '9')
				v = v * 10 + (unsigned long long)(*refs - '0');
		count = v;
	}
	if (pclose(p) != 0)
		return 0;
	return count;
}

/* x86 instructions per run of one side of a policy; < 0 when unknown. */
static double instructions_per_run(const char *self, const char *side,
				   const char *policy, const char *bpf_dir)
{
	unsigned long long lo = count_instructions(self, side, policy,
						   COUNT_RUNS_LO, bpf_dir);
	unsigned long long hi = count_instructions(self, side, policy,
						   COUNT_RUNS_HI, bpf_dir);

	if (!lo || !hi || hi <= lo)
		return -1;
	return (double)(hi - lo) / (COUNT_RUNS_HI - COUNT_RUNS_LO);
}

/* The report's section of instruction counts, or why there is none. */
static void report_instructions(const char *self, const char *bpf_dir)
{
	const char *only = getenv("XFO_BENCH_ONLY");

	out("\n## Instructions per run\n\n");
	if (system("valgrind --version >/dev/null 2>&1") != 0) {
		out("Not counted: valgrind is not installed.\n");
		return;
	}
	if (strchr(self, '\'') || strchr(bpf_dir, '\'')) {
		out("Not counted: a path has a quote in it.\n");
		return;
	}
	out("x86 instructions per policy run, counted by cachegrind over the "
	    "same contexts, the loop that makes the runs included: the "
	    "difference between %d and %d runs, divided by %d. Unlike the timings these are the same on every run of "
	    "the benchmark, which makes them the measure for comparing two "
	    "builds of the interpreter. Between the sides they are not the "
	    "time ratio: an instruction's cost varies, and the atomic add of "
	    "map_add, one instruction, costs both sides the same few "
	    "nanoseconds (counting makes four).\n\n", COUNT_RUNS_HI,
	    COUNT_RUNS_LO, COUNT_RUNS_HI - COUNT_RUNS_LO);
	out("| policy | native | interpreter | ratio | Xen form | "
	    "Xen form ratio |\n|---|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < NR_POLICIES; i++) {
		double n[NR_SIDES];

		if (only && strcmp(only, policies[i].name))
			continue;
		for (size_t s = 0; s < NR_SIDES; s++)
			n[s] = instructions_per_run(self, sides[s].name,
						    policies[i].name, bpf_dir);
		if (n[0] <= 0 || n[1] < 0 || n[2] < 0) {
			out("| %s | (cachegrind failed) | | | | |\n",
			    policies[i].name);
			continue;
		}
		out("| %s | %.0f | %.0f | %.1fx | %.0f | %.1fx |\n",
		    policies[i].name, n[0], n[1], n[1] / n[0], n[2],
		    n[2] / n[0]);
	}
}

static int cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v[0..n) and returns its median. */
static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static struct layout_timings layouts[MAX_LAYOUTS];
	const char *layout_bins[MAX_LAYOUTS];
	double worst_ratio = 0, rate_1k = 0, rate_4k = 0, slowest = 1e30;
	const char *bpf_dir = NULL, *report_path = NULL;
	int nr_layouts = 1;

	if (argc == 6 && !strcmp(argv[1], "--runs")) {
		char *end;
		unsigned long n = strtoul(argv[4], &end, 10);

		if (*end || end == argv[4]) {
			fprintf(stderr, "bench_core: --runs: '%s' is not a "
				"count\n", argv[4]);
			return 2;
		}
		make_contexts();
		return run_side(argv[2], argv[3], n, argv[5]);
	}
	if (argc == 5 && !strcmp(argv[1], "--check")) {
		char *end;
		unsigned long n = strtoul(argv[3], &end, 10);

		if (*end || end == argv[3] || !n) {
			fprintf(stderr, "bench_core: --check: '%s' is not a "
				"count\n", argv[3]);
			return 2;
		}
		make_contexts();
		return check_policy(argv[2], n, argv[4]);
	}
	if (argc == 3 && !strcmp(argv[1], "--timings")) {
		make_contexts();
		if (time_policies(argv[2], &layouts[0], NULL))
			return 1;
		for (size_t i = 0; i < NR_POLICIES; i++)
			if (layouts[0].t[i].insns >= 0)
				printf("%s %.3f %.4f %.4f %.4f\n",
				       policies[i].name, layouts[0].t[i].insns,
				       layouts[0].t[i].native_ns,
				       layouts[0].t[i].interp_ns,
				       layouts[0].t[i].xen_form_ns);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--layout") && i + 1 < argc) {
			if (nr_layouts == MAX_LAYOUTS) {
				fprintf(stderr, "bench_core: at most %d "
					"layouts\n", MAX_LAYOUTS);
				return 2;
			}
			layout_bins[nr_layouts++] = argv[++i];
		} else if (argv[i][0] == '-') {
			bpf_dir = NULL;
			break;
		} else if (!bpf_dir) {
			bpf_dir = argv[i];
		} else if (!report_path) {
			report_path = argv[i];
		} else {
			bpf_dir = NULL;
			break;
		}
	}
	if (!bpf_dir) {
		fprintf(stderr, "usage: %s BPF_DIR [REPORT.md] [--layout BIN]..."
			"\n       %s --timings BPF_DIR\n"
			"       %s --runs native|interp|xen-form POLICY N "
			"BPF_DIR\n       %s --check POLICY N BPF_DIR\n",
			argv[0], argv[0], argv[0], argv[0]);
		return 2;
	}
	if (report_path && !(report = fopen(report_path, "w"))) {
		perror(report_path);
		return 1;
	}
	make_contexts();
	if (time_policies(bpf_dir, &layouts[0], &slowest))
		return 1;
	for (int l = 1; l < nr_layouts; l++)
		if (time_layout(layout_bins[l], bpf_dir, &layouts[l]))
			return 1;

	out("# Core performance\n\n");
	out("Written by `make bench-core` (bench/bench_core.c). Ratios are "
	    "taken in one run on one machine; absolute times depend on it.\n\n");
	out("## Interpreter against native C\n\n");
	out("Each policy's own source compiled natively is the baseline, run "
	    "on the same %d fault contexts.\n\n", NR_CTX);
	out("Each side's time in one build is its fastest of %d alternating "
	    "rounds of %d runs. Where the code lands moves a run of a few "
	    "nanoseconds by 10-25%%, on either side, so the policies are "
	    "timed in %d builds whose code starts at different offsets, and "
	    "each figure is the median over them; the range is the ratio's "
	    "lowest and highest. Between invocations the medians still "
	    "drift by a few percent with the host's load. The Xen form is "
	    "the switch dispatch under "
	    "retpolines that a default Xen build uses; it is not part of the "
	    "goal.\n\n", ROUNDS, ROUND_RUNS, nr_layouts);
	out("| policy | insns/run | native ns/run | interpreter ns/run | "
	    "ns/insn | ratio | ratio range | Xen form ns/run | "
	    "Xen form ratio |\n"
	    "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");

	for (size_t i = 0; i < NR_POLICIES; i++) {
		double native[MAX_LAYOUTS], interp[MAX_LAYOUTS],
		       xen[MAX_LAYOUTS], ratio[MAX_LAYOUTS],
		       xen_ratio[MAX_LAYOUTS];
		double insns = layouts[0].t[i].insns, r, interp_ns;
		int n = 0;

		if (insns < 0)
			continue;
		for (int l = 0; l < nr_layouts; l++) {
			const struct timing *t = &layouts[l].t[i];

			if (t->insns < 0)
				continue;
			native[n] = t->native_ns;
			interp[n] = t->interp_ns;
			xen[n] = t->xen_form_ns;
			ratio[n] = t->interp_ns / t->native_ns;
			xen_ratio[n] = t->xen_form_ns / t->native_ns;
			n++;
		}
		r = median(ratio, n);
		interp_ns = median(interp, n);
		out("| %s | %.1f | %.2f | %.2f | %.2f | %.1fx | %.1f-%.1fx | "
		    "%.2f | %.1fx |\n", policies[i].name, insns,
		    median(native, n), interp_ns, interp_ns / insns, r,
		    ratio[0], ratio[n - 1], median(xen, n),
		    median(xen_ratio, n));
		if (r > worst_ratio)
			worst_ratio = r;
	}

	report_instructions(argv[0], bpf_dir);

	out("\n## Verifier\n\n| program | insns | M insns/s |\n|---|---:|---:|\n");
	for (uint32_t n = 1024; n <= 4096; n *= 4) {
		struct ebpf_insn *insns = generate(n);
		struct xfo_bytecode prog = { .insns = insns, .insn_cnt = n };
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
	out("- interpreter at most 10x native: worst median %.2fx, %s\n",
	    worst_ratio, worst_ratio <= 10 ? "met" : "NOT met");
	out("- verifier at least 10 M insns/s: %.1f M/s at 4k, %s\n",
	    rate_4k / 1e6, rate_4k >= 10e6 ? "met" : "NOT met");
	out("- verifier linear in size: rate at 4k is %.2f of the rate at 1k, "
	    "%s\n", rate_4k / rate_1k,
	    rate_4k / rate_1k > 0.5 ? "linear" : "NOT linear");
	if (report)
		fclose(report);
	return 0;
}
