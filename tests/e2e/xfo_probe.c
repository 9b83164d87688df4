// SPDX-License-Identifier: MIT
/*
 * xfo_probe: the end-to-end test's hands inside the lab's domains.
 *
 *   xfo_probe swap DOMID FILE_A FILE_B COUNT
 *       dom0: loads both programs once, then attaches them with
 *       XFO_ATTACH_REPLACE, alternating B, A, B, ... COUNT times as fast
 *       as it can; each replace must return the program it replaced.
 *       Prints the swaps done, their time and the domain's statistics;
 *       the last program attached stays attached, the other is unloaded.
 *   xfo_probe abi [DOMID]
 *       dom0: malformed and refused requests, one "PASS name" or
 *       "FAIL name: got X expected Y" line each. DOMID (default 0) gets a
 *       BOUNCE program for the duration; its program, if any, is put back.
 *   xfo_probe eperm [DOMID]
 *       a domain that is not the control domain: every control op must
 *       give -EPERM. Same line format.
 *   xfo_probe touch N
 *       any PV domain: maps N fresh anonymous pages, writes one byte to
 *       each (N page faults), prints the time, then checks every page
 *       reads zero but for that byte.
 *
 * FILE is an ELF policy object, or bytecode when it does not start with
 * the ELF magic; its first program is used. Exit status: 0 every check
 * passed, 1 a check failed or an operation was refused, 2 bad usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xencall.h>
#include <xen/xen.h>

#include "libxfo.h"

#include "../common/asm.h"
#include "../common/check.h"

#define LOG_SIZE	(64u << 10)
#define DOMID_MAX	32751
#define BAD_DOMID	32000

static const char *prog_name = "xfo_probe";

static void usage(void)
{
	fprintf(stderr,
		"usage: %s swap DOMID FILE_A FILE_B COUNT\n"
		"       %s abi [DOMID]\n"
		"       %s eperm [DOMID]\n"
		"       %s touch N\n",
		prog_name, prog_name, prog_name, prog_name);
}

static int err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_num(const char *s, unsigned long long max,
		     unsigned long long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (*end || errno || *out > max)
		return -1;
	return 0;
}

static int parse_domid(const char *s, uint16_t *domid)
{
	unsigned long long v;

	if (parse_num(s, DOMID_MAX, &v)) {
		err("DOMID must be 0..%u, not '%s'", DOMID_MAX, s);
		return -1;
	}
	*domid = (uint16_t)v;
	return 0;
}

/* The optional DOMID of abi and eperm; false after a usage error. */
static bool optional_domid(int argc, char **argv, uint16_t *domid)
{
	if (argc > 1) {
		usage();
		return false;
	}
	return argc == 0 || !parse_domid(argv[0], domid);
}

/* "-EINVAL", "0", or the number. */
static const char *ret_name(int ret, char *buf, size_t size)
{
	const char *name;

	if (ret >= 0) {
		snprintf(buf, size, "%d", ret);
		return buf;
	}
	name = strerrorname_np(-ret);
	if (name)
		snprintf(buf, size, "-%s", name);
	else
		snprintf(buf, size, "%d", ret);
	return buf;
}

/* One check: PASS when got is want. Returns whether it passed. */
static bool expect(const char *name, int got, int want)
{
	char g[32], w[32];

	if (got == want) {
		pass(name);
		return true;
	}
	fail(name, "got %s expected %s", ret_name(got, g, sizeof(g)),
	     ret_name(want, w, sizeof(w)));
	return false;
}

static struct xfo_xen *open_xen(void)
{
	struct xfo_xen *x = NULL;
	char e[256] = "";

	if (xfo_xen__open(&x, e, sizeof(e))) {
		err("%s", e);
		return NULL;
	}
	return x;
}

/* ------------------------------------------------------------------------
 * Programs
 * ------------------------------------------------------------------------ */

/* A program assembled here; insns malloc'd. */
struct asm_prog {
	struct ebpf_insn *insns;
	struct xfo_bytecode core;
};

static int assemble(const char *text, struct asm_prog *p)
{
	char e[256];
	uint32_t cnt = 0;

	memset(p, 0, sizeof(*p));
	if (xfo_asm(text, &p->insns, &cnt, e, sizeof(e)))
		return err("cannot assemble a test program: %s", e);
	p->core.insns = p->insns;
	p->core.insn_cnt = cnt;
	return 0;
}

static bool is_elf(const char *path)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "rb");
	bool elf;

	if (!f)
		return false;
	elf = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "\177ELF", 4);
	fclose(f);
	return elf;
}

/* Opens path and loads its first program into Xen. */
static int load_file(struct xfo_xen *x, const char *path,
		     struct xfo_object **obj, const char **name,
		     uint32_t *prog_id)
{
	const struct xfo_program *prog;
	struct xfo_bytecode core;
	char e[256] = "", *log;
	int ret;

	if (is_elf(path))
		ret = xfo_object__open_file(path, obj, e, sizeof(e));
	else
		ret = xfo_object__open_raw(path, obj, e, sizeof(e));
	if (ret)
		return err("%s", e[0] ? e : strerror(-ret));
	prog = xfo_object__prog(*obj, 0);
	if (!prog)
		return err("'%s' holds no programs", path);
	*name = xfo_program__name(prog);
	xfo_program__bytecode(prog, &core);
	log = malloc(LOG_SIZE);
	if (!log)
		return err("out of memory");
	ret = xfo_xen__load(x, &core, *name, prog_id, log, LOG_SIZE);
	if (ret) {
		fputs(log, stderr);
		err("cannot load '%s' from %s: %s", *name, path,
		    xfo_xen__errstr(x));
	}
	free(log);
	return ret ? 1 : 0;
}

static void print_stats(const struct xfo_op_stats *st)
{
	const struct xfo_stats *s = &st->stats;
	unsigned int i;

	printf("stat prog_id %u\n", st->prog_id);
	printf("stat prog_name %s\n", st->prog_name[0] ? st->prog_name : "-");
	printf("stat faults_seen %llu\n", (unsigned long long)s->faults_seen);
	printf("stat prog_runs %llu\n", (unsigned long long)s->prog_runs);
	printf("stat prog_errors %llu\n", (unsigned long long)s->prog_errors);
	printf("stat prog_insns %llu\n", (unsigned long long)s->prog_insns);
	printf("stat prog_ns %llu\n", (unsigned long long)s->prog_ns);
	for (i = 0; i <= XFO_CLASS_MAX; i++)
		printf("stat verdicts.%s %llu\n", xfo_class_name(i),
		       (unsigned long long)s->verdicts[i]);
	printf("stat resolved %llu\n", (unsigned long long)s->resolved);
	printf("stat pages_installed %llu\n",
	       (unsigned long long)s->pages_installed);
	for (i = 0; i < XFO_BOUNCE_NR; i++)
		printf("stat bounced.%s %llu\n", xfo_bounce_reason_name(i),
		       (unsigned long long)s->bounced[i]);
}

/* ------------------------------------------------------------------------
 * swap
 * ------------------------------------------------------------------------ */
static int cmd_swap(int argc, char **argv)
{
	struct xfo_object *obj_a = NULL, *obj_b = NULL;
	const char *name_a = "", *name_b = "";
	uint32_t id_a = 0, id_b = 0, cur = 0, next, old = 0, orig = 0;
	unsigned long long count, done = 0, mismatches = 0;
	struct xfo_op_stats st;
	struct xfo_xen *x;
	uint64_t t0, t1;
	uint16_t domid;
	int ret = 1;

	if (argc != 4) {
		usage();
		return 2;
	}
	if (parse_domid(argv[0], &domid))
		return 2;
	if (parse_num(argv[3], 1000000000ull, &count)) {
		err("COUNT must be a number in 0..1000000000, not '%s'",
		    argv[3]);
		return 2;
	}
	x = open_xen();
	if (!x)
		return 1;
	if (load_file(x, argv[1], &obj_a, &name_a, &id_a) ||
	    load_file(x, argv[2], &obj_b, &name_b, &id_b))
		goto out;
	printf("loaded %s (prog %u) and %s (prog %u)\n", name_a, id_a, name_b,
	       id_b);

	if (xfo_xen__attach(x, domid, id_a, true, &orig)) {
		err("cannot attach %s to domain %u: %s", name_a, domid,
		    xfo_xen__errstr(x));
		goto out;
	}
	if (orig) {
		printf("replaced prog %u, attached before\n", orig);
		if (xfo_xen__unload(x, orig))
			printf("note: prog %u stays loaded: %s\n", orig,
			       xfo_xen__errstr(x));
	}
	cur = id_a;

	t0 = now_ns();
	for (done = 0; done < count; done++) {
		next = cur == id_a ? id_b : id_a;
		if (xfo_xen__attach(x, domid, next, true, &old)) {
			err("swap %llu: cannot attach prog %u to domain %u: %s",
			    done + 1, next, domid, xfo_xen__errstr(x));
			break;
		}
		if (old != cur)
			mismatches++;
		cur = next;
	}
	t1 = now_ns();

	printf("swaps %llu in %.3f ms, %llu ns each, %llu mismatches\n",
	       done, (double)(t1 - t0) / 1e6,
	       done ? (unsigned long long)((t1 - t0) / done) : 0ull,
	       mismatches);
	if (mismatches)
		err("%llu replaces returned another program than the one "
		    "attached before", mismatches);
	printf("attached %s (prog %u)\n", cur == id_a ? name_a : name_b, cur);
	if (xfo_xen__stats(x, domid, &st)) {
		err("cannot read the statistics of domain %u: %s", domid,
		    xfo_xen__errstr(x));
		goto out;
	}
	print_stats(&st);
	if (st.prog_id != cur)
		err("statistics name prog %u attached, not %u", st.prog_id,
		    cur);
	else if (done == count && !mismatches)
		ret = 0;
out:
	/* The programs not attached go; the attached one stays. */
	if (id_a && cur != id_a && xfo_xen__unload(x, id_a))
		printf("note: prog %u stays loaded: %s\n", id_a,
		       xfo_xen__errstr(x));
	if (id_b && cur != id_b && xfo_xen__unload(x, id_b))
		printf("note: prog %u stays loaded: %s\n", id_b,
		       xfo_xen__errstr(x));
	xfo_object__close(obj_a);
	xfo_object__close(obj_b);
	xfo_xen__close(x);
	return ret;
}

/* ------------------------------------------------------------------------
 * abi
 * ------------------------------------------------------------------------ */
#define BOUNCE_PROG	"mov %r0, 0\nexit\n"
#define REFUSED_PROG	"mov %r0, %r2\nexit\n"	/* r2 read before written */

/* A load request built by hand in hypercall buffers, for raw ops. */
struct raw_load {
	struct xfo_op_load op;
	void *insns;
};

static int raw_load_init(struct xfo_xen *x, struct raw_load *r,
			 const struct xfo_bytecode *prog, const char *name)
{
	size_t size = (size_t)prog->insn_cnt * sizeof(struct ebpf_insn);

	memset(r, 0, sizeof(*r));
	r->insns = xfo_xen__buf_alloc(x, size);
	if (!r->insns)
		return -ENOMEM;
	memcpy(r->insns, prog->insns, size);
	r->op.insns = (uintptr_t)r->insns;
	r->op.insn_cnt = prog->insn_cnt;
	snprintf(r->op.name, sizeof(r->op.name), "%s", name);
	return 0;
}

/* Puts domid's first program back, or detaches ours. */
static void abi_restore(struct xfo_xen *x, uint16_t domid, uint32_t orig)
{
	int ret;

	if (orig)
		ret = xfo_xen__attach(x, domid, orig, true, NULL);
	else
		ret = xfo_xen__detach(x, domid);
	check("cleanup_restore", !ret, "%s", xfo_xen__errstr(x));
}

static void abi_pads(struct xfo_xen *x, uint16_t domid, uint32_t p,
		     uint32_t q, const struct xfo_bytecode *bounce)
{
	struct xfo_op_attach at;
	struct xfo_op_domain dom;
	struct xfo_op_stats st;
	struct xfo_op_unload un;
	struct xfo_op_trace tr;
	struct raw_load rl;
	void *tbuf;
	char name[48];
	unsigned int i;
	int ret;

	memset(&at, 0, sizeof(at));
	at.domid = domid;
	at.pad = 1;
	at.flags = XFO_ATTACH_REPLACE;
	at.prog_id = p;
	expect("attach_pad", xfo_xen__raw_op(x, XFOOP_attach, &at, sizeof(at)),
	       -EINVAL);

	memset(&at, 0, sizeof(at));
	at.domid = domid;
	at.flags = XFO_ATTACH_REPLACE | (1u << 1);
	at.prog_id = p;
	expect("attach_unknown_flag",
	       xfo_xen__raw_op(x, XFOOP_attach, &at, sizeof(at)), -EINVAL);

	memset(&st, 0, sizeof(st));
	st.domid = domid;
	st.pad = 1;
	expect("stats_pad", xfo_xen__raw_op(x, XFOOP_stats, &st, sizeof(st)),
	       -EINVAL);

	for (i = 0; i < 3; i++) {
		memset(&dom, 0, sizeof(dom));
		dom.domid = domid;
		dom.pad[i] = 1;
		snprintf(name, sizeof(name), "detach_pad%u", i);
		ret = xfo_xen__raw_op(x, XFOOP_detach, &dom, sizeof(dom));
		if (!expect(name, ret, -EINVAL) && ret == 0)
			xfo_xen__attach(x, domid, p, true, NULL);

		memset(&dom, 0, sizeof(dom));
		dom.domid = domid;
		dom.pad[i] = 1;
		snprintf(name, sizeof(name), "stats_reset_pad%u", i);
		expect(name, xfo_xen__raw_op(x, XFOOP_stats_reset, &dom,
					     sizeof(dom)), -EINVAL);
	}

	/* A good program in good buffers: the padding is the only fault. */
	if (raw_load_init(x, &rl, bounce, "probe_pad")) {
		check("load_pad", false, "out of hypercall buffers");
	} else {
		rl.op.pad = 1;
		ret = xfo_xen__raw_op(x, XFOOP_load, &rl.op, sizeof(rl.op));
		if (!expect("load_pad", ret, -EINVAL) && ret == 0)
			xfo_xen__unload(x, rl.op.prog_id);
		xfo_xen__buf_free(x, rl.insns);
	}

	/* q is loaded and attached nowhere: again only the padding. */
	memset(&un, 0, sizeof(un));
	un.prog_id = q;
	un.pad = 1;
	expect("unload_pad", xfo_xen__raw_op(x, XFOOP_unload, &un, sizeof(un)),
	       -EINVAL);

	tbuf = xfo_xen__buf_alloc(x, 4096);
	if (!tbuf) {
		check("trace_read_pad", false, "out of hypercall buffers");
		return;
	}
	memset(&tr, 0, sizeof(tr));
	tr.buf = (uintptr_t)tbuf;
	tr.size = 4096;
	tr.domid = domid;
	tr.pad = 1;
	expect("trace_read_pad",
	       xfo_xen__raw_op(x, XFOOP_trace_read, &tr, sizeof(tr)), -EINVAL);
	xfo_xen__buf_free(x, tbuf);
}

static void abi_bad_domain(struct xfo_xen *x, uint32_t q)
{
	struct xfo_op_stats st;
	char buf[64];

	expect("bad_domain_stats", xfo_xen__stats(x, BAD_DOMID, &st), -ESRCH);
	expect("bad_domain_attach", xfo_xen__attach(x, BAD_DOMID, q, false,
						    NULL), -ESRCH);
	expect("bad_domain_detach", xfo_xen__detach(x, BAD_DOMID), -ESRCH);
	expect("bad_domain_stats_reset", xfo_xen__stats_reset(x, BAD_DOMID),
	       -ESRCH);
	expect("bad_domain_trace_read",
	       xfo_xen__trace_read(x, BAD_DOMID, buf, sizeof(buf), NULL, NULL),
	       -ESRCH);
}

static void abi_loads(struct xfo_xen *x)
{
	struct ebpf_insn *many;
	struct asm_prog refused;
	struct xfo_bytecode prog;
	uint32_t id = 0;
	char *log;
	int ret;
	uint32_t i;

	log = malloc(LOG_SIZE);
	many = calloc(XFO_MAX_INSNS + 1, sizeof(*many));
	if (!log || !many) {
		check("load_checks", false, "out of memory");
		goto out;
	}
	/* "r0 = 0" again and again, then "exit": valid at any length. */
	for (i = 0; i <= XFO_MAX_INSNS; i++)
		many[i].code = 0xb7;
	memset(&prog, 0, sizeof(prog));
	prog.insns = many;

	prog.insn_cnt = 0;
	ret = xfo_xen__load(x, &prog, "probe_empty", &id, log, LOG_SIZE);
	if (!expect("load_insn_cnt_0", ret, -EINVAL) && ret == 0)
		xfo_xen__unload(x, id);

	prog.insn_cnt = XFO_MAX_INSNS + 1;
	many[XFO_MAX_INSNS].code = 0x95;
	ret = xfo_xen__load(x, &prog, "probe_too_big", &id, log, LOG_SIZE);
	if (!expect("load_too_many_insns", ret, -E2BIG) && ret == 0)
		xfo_xen__unload(x, id);

	prog.insn_cnt = XFO_MAX_INSNS;
	many[XFO_MAX_INSNS - 1].code = 0x95;
	ret = xfo_xen__load(x, &prog, "probe_max", &id, log, LOG_SIZE);
	if (expect("load_max_insns", ret, 0))
		xfo_xen__unload(x, id);
	else
		printf("%.400s", log);

	if (assemble(REFUSED_PROG, &refused)) {
		check("load_refused", false, "cannot assemble");
		goto out;
	}
	ret = xfo_xen__load(x, &refused.core, "probe_refused", &id, log,
			    LOG_SIZE);
	if (!expect("load_refused", ret, -EINVAL) && ret == 0)
		xfo_xen__unload(x, id);
	check("load_refused_log", ret == -EINVAL && strstr(log, "insn "),
	      "log '%.200s'", log);
	free(refused.insns);
out:
	free(many);
	free(log);
}

static int cmd_abi(int argc, char **argv)
{
	struct xfo_op_guest_areas ga;
	struct xfo_op_version v;
	struct xfo_op_stats st;
	struct asm_prog bounce;
	struct xfo_xen *x;
	uint32_t p = 0, q = 0, r = 0, orig = 0, old = 0;
	uint16_t domid = 0;
	uint64_t zero[8] = { 0 };
	int ret;

	if (!optional_domid(argc, argv, &domid))
		return 2;
	x = open_xen();
	if (!x)
		return 1;
	ret = xfo_xen__version(x, &v);
	check("version", !ret && XFO_INTERFACE_MAJOR(v.version) ==
	      XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION), "%s, version 0x%x",
	      ret ? xfo_xen__errstr(x) : "ok", ret ? 0 : v.version);
	if (ret)
		goto out;
	check("version_limits", v.max_insns == XFO_MAX_INSNS &&
	      v.max_maps == XFO_MAX_MAPS, "max_insns %u, max_maps %u",
	      v.max_insns, v.max_maps);

	/* Unknown ops first: they need nothing set up. */
	expect("unknown_op_10", xfo_xen__raw_op(x, 10, zero, sizeof(zero)),
	       -EOPNOTSUPP);
	expect("unknown_op_255", xfo_xen__raw_op(x, 255, zero, sizeof(zero)),
	       -EOPNOTSUPP);
	expect("unknown_op_high", xfo_xen__raw_op(x, 0x80000000u, zero,
						  sizeof(zero)), -EOPNOTSUPP);

	/* p: attached to domid for the checks; q: loaded, attached nowhere;
	 * r: loaded then unloaded, an id Xen no longer knows. */
	if (assemble(BOUNCE_PROG, &bounce))
		goto out;
	if (xfo_xen__load(x, &bounce.core, "probe_abi", &p, NULL, 0) ||
	    xfo_xen__load(x, &bounce.core, "probe_abi_q", &q, NULL, 0) ||
	    xfo_xen__load(x, &bounce.core, "probe_abi_r", &r, NULL, 0)) {
		check("setup_load", false, "%s", xfo_xen__errstr(x));
		goto out_free;
	}
	check("unload", xfo_xen__unload(x, r) == 0, "%s", xfo_xen__errstr(x));
	ret = xfo_xen__attach(x, domid, p, true, &orig);
	if (ret) {
		check("setup_attach", false, "%s", xfo_xen__errstr(x));
		goto out_unload;
	}

	ret = xfo_xen__stats(x, domid, &st);
	check("stats_prog", !ret && st.prog_id == p &&
	      !strcmp(st.prog_name, "probe_abi"), "ret %d, prog %u '%s', "
	      "expected %u 'probe_abi'", ret, st.prog_id, st.prog_name, p);

	abi_pads(x, domid, p, q, &bounce.core);
	abi_bad_domain(x, q);
	abi_loads(x);

	expect("attach_unknown_prog", xfo_xen__attach(x, domid, r, true, NULL),
	       -ENOENT);
	expect("unload_unknown_prog", xfo_xen__unload(x, r), -ENOENT);
	expect("attach_exists", xfo_xen__attach(x, domid, q, false, NULL),
	       -EEXIST);
	expect("unload_attached", xfo_xen__unload(x, p), -EBUSY);

	ret = xfo_xen__attach(x, domid, q, true, &old);
	check("replace_returns_old", !ret && old == p, "ret %d, old %u, "
	      "expected %u", ret, old, p);
	ret = xfo_xen__attach(x, domid, p, true, &old);
	check("replace_back", !ret && old == q, "ret %d, old %u, expected %u",
	      ret, old, q);

	/* Control ops name real domains: DOMID_SELF is refused, by a Xen
	 * with the resolver (-EINVAL) as by one without (-EOPNOTSUPP). */
	memset(&ga, 0, sizeof(ga));
	ga.version = XFO_INTERFACE_VERSION;
	ga.domid = 0x7ff0;	/* DOMID_SELF */
	ret = xfo_xen__raw_op(x, XFOOP_map_guest_areas, &ga, sizeof(ga));
	expect("map_guest_areas_domid_self", ret,
	       ret == -EOPNOTSUPP ? -EOPNOTSUPP : -EINVAL);

	abi_restore(x, domid, orig);
out_unload:
	check("cleanup_unload", !xfo_xen__unload(x, p) &&
	      !xfo_xen__unload(x, q), "%s", xfo_xen__errstr(x));
out_free:
	free(bounce.insns);
out:
	xfo_xen__close(x);
	printf("%u checks failed\n", failures);
	return failures ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * eperm
 * ------------------------------------------------------------------------ */
/*
 * A domU's privcmd may block hypercalls itself (since XSA-441, unless
 * loaded with unrestricted=1); its EPERM must not pass for Xen's. So
 * first show that a hypercall any domain may make gets through.
 */
static void expect_hypercalls_reach_xen(void)
{
	xencall_handle *h = xencall_open(NULL, 0);
	int ret = h ? xencall2(h, __HYPERVISOR_xen_version, 0, 0) : -1;

	if (ret >= 0)
		printf("PASS eperm_reaches_xen\n");
	else
		printf("FAIL eperm_reaches_xen: xen_version failed (%s); does "
		       "privcmd block hypercalls? (load xen-privcmd with "
		       "unrestricted=1)\n", strerror(errno));
	if (h)
		xencall_close(h);
}

static int cmd_eperm(int argc, char **argv)
{
	struct xfo_op_guest_areas ga;
	struct xfo_op_version v;
	struct xfo_op_stats st;
	struct asm_prog bounce;
	struct xfo_xen *x;
	uint32_t id = 0;
	uint16_t domid = 0;
	char buf[64];
	int ret;

	if (!optional_domid(argc, argv, &domid))
		return 2;
	if (assemble(BOUNCE_PROG, &bounce))
		return 1;
	expect_hypercalls_reach_xen();
	x = open_xen();
	if (!x) {
		free(bounce.insns);
		return 1;
	}
	expect("eperm_version", xfo_xen__version(x, &v), -EPERM);
	ret = xfo_xen__load(x, &bounce.core, "probe_eperm", &id, NULL, 0);
	expect("eperm_load", ret, -EPERM);
	/* Whatever was loaded is the one to try attach and unload on. */
	if (ret)
		id = 1;
	expect("eperm_attach", xfo_xen__attach(x, domid, id, true, NULL),
	       -EPERM);
	expect("eperm_detach", xfo_xen__detach(x, domid), -EPERM);
	expect("eperm_stats", xfo_xen__stats(x, domid, &st), -EPERM);
	expect("eperm_stats_reset", xfo_xen__stats_reset(x, domid), -EPERM);
	expect("eperm_trace_read",
	       xfo_xen__trace_read(x, domid, buf, sizeof(buf), NULL, NULL),
	       -EPERM);
	expect("eperm_unload", xfo_xen__unload(x, id), -EPERM);
	memset(&ga, 0, sizeof(ga));
	ga.region_table_frame = 1;
	ga.pool_ring_frame = 2;
	ga.completion_ring_frame = 3;
	ga.evtchn = 1;
	ga.version = XFO_INTERFACE_VERSION;
	ga.domid = domid;
	expect("eperm_map_guest_areas", xfo_xen__map_guest_areas(x, &ga),
	       -EPERM);
	xfo_xen__close(x);
	free(bounce.insns);
	printf("%u checks failed\n", failures);
	return failures ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * touch
 * ------------------------------------------------------------------------ */
static int cmd_touch(int argc, char **argv)
{
	unsigned long long n, i, bad = 0;
	long page = sysconf(_SC_PAGESIZE);
	volatile unsigned char *mem;
	unsigned char *zeros;
	uint64_t t0, t1;
	size_t size, p;

	if (argc != 1) {
		usage();
		return 2;
	}
	if (page <= 0)
		page = 4096;
	if (parse_num(argv[0], (1ull << 40) / (unsigned long)page, &n) || !n) {
		err("N must be a number of pages in 1..%llu, not '%s'",
		    (1ull << 40) / (unsigned long)page, argv[0]);
		return 2;
	}
	size = (size_t)n * (size_t)page;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return err("cannot map %llu pages: %s", n, strerror(errno));
	zeros = calloc(1, (size_t)page);
	if (!zeros) {
		munmap((void *)mem, size);
		return err("out of memory");
	}

	t0 = now_ns();
	for (i = 0; i < n; i++)
		mem[i * (unsigned long)page] = (unsigned char)(i | 1);
	t1 = now_ns();
	printf("touched %llu pages in %.3f ms, %llu ns each\n", n,
	       (double)(t1 - t0) / 1e6, (unsigned long long)((t1 - t0) / n));

	/* Fresh pages read zero but for the byte written. */
	for (i = 0; i < n; i++) {
		const unsigned char *pg = (const unsigned char *)mem +
					  i * (unsigned long)page;

		if (pg[0] != (unsigned char)(i | 1) ||
		    memcmp(pg + 1, zeros, (size_t)page - 1)) {
			if (!bad) {
				for (p = 1; p < (size_t)page && !pg[p]; p++)
					;
				err("page %llu is not what was written on "
				    "zeros: byte 0 is 0x%02x, byte %zu 0x%02x",
				    i, pg[0], p, p < (size_t)page ? pg[p] : 0);
			}
			bad++;
		}
	}
	if (bad)
		printf("FAIL touch_zeroed: %llu of %llu pages not zero\n", bad,
		       n);
	else
		printf("PASS touch_zeroed\n");
	free(zeros);
	munmap((void *)mem, size);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "swap", cmd_swap },
		{ "abi", cmd_abi },
		{ "eperm", cmd_eperm },
		{ "touch", cmd_touch },
	};
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage();
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	err("unknown command '%s'", argv[1]);
	usage();
	return 2;
}
