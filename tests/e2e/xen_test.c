// SPDX-License-Identifier: MIT
/*
 * Offline tests of lib/xen.c with a fake Xen behind it (xen_internal.h):
 * what reaches the hypercall (every pointer, the op struct's and those
 * inside it, is a live hypercall buffer of the right size holding the
 * right bytes), what comes back (OUT fields, the verifier log, trace
 * records, cut to the caller's sizes), buffers freed on every path, and
 * the message each errno gives. Prints "PASS <name>" / "FAIL <name>: ...".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libxfo.h"
#include "xen_internal.h"

#include "../common/check.h"

/* ------------------------------------------------------------------------
 * The fake Xen
 * ------------------------------------------------------------------------ */
#define MAX_BUFS	16
#define FAKE_LOG	"insn 1: r2 is read before it is written\n"

struct fake {
	struct {
		unsigned char *p;
		size_t size;
	} bufs[MAX_BUFS];
	unsigned int allocs, frees, calls, tries;
	int fail_alloc;		/* fail the allocation of this number (1..) */
	int ret;		/* what the next op returns */
	char problem[256];	/* what the last op found wrong, or "" */
	unsigned int cmd;
	bool null_arg;
	/* What Xen saw, copied at the call. */
	_Alignas(8) unsigned char arg[512];
	unsigned char insns[64 * 8];
	struct xfo_map_def maps[XFO_MAX_MAPS];
	uint32_t log_buf_size;
	/* Answers. */
	uint32_t log_len;	/* log_len written back on a refused load */
	uint32_t trace_len;	/* len written back by trace_read */
	bool no_nul_name;	/* stats: fill prog_name without its NUL */
	bool no_log_len;	/* load: leave log_len 0 */
};

static void *fake_alloc(void *priv, size_t size)
{
	struct fake *f = priv;
	unsigned int i;

	if (++f->tries == (unsigned int)f->fail_alloc)
		return NULL;
	for (i = 0; i < MAX_BUFS; i++) {
		if (f->bufs[i].p)
			continue;
		/* Poison, so that what is not written is noticed. */
		f->bufs[i].p = malloc(size ? size : 1);
		if (!f->bufs[i].p)
			return NULL;
		memset(f->bufs[i].p, 0xa5, size ? size : 1);
		f->bufs[i].size = size;
		f->allocs++;
		return f->bufs[i].p;
	}
	return NULL;
}

static void fake_free(void *priv, void *p)
{
	struct fake *f = priv;
	unsigned int i;

	for (i = 0; i < MAX_BUFS; i++) {
		if (f->bufs[i].p == p) {
			free(p);
			f->bufs[i].p = NULL;
			f->frees++;
			return;
		}
	}
	snprintf(f->problem, sizeof(f->problem), "free of %p, not a buffer",
		 p);
}

static unsigned int live_bufs(const struct fake *f)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAX_BUFS; i++)
		n += f->bufs[i].p != NULL;
	return n;
}

/* The live buffer [p, p + size) lies in, or -1. */
static int buf_of(const struct fake *f, uint64_t p, size_t size)
{
	unsigned int i;

	for (i = 0; i < MAX_BUFS; i++) {
		uintptr_t b = (uintptr_t)f->bufs[i].p;

		if (b && p >= b && p - b <= f->bufs[i].size &&
		    size <= f->bufs[i].size - (p - b))
			return (int)i;
	}
	return -1;
}

static void problem(struct fake *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct fake *f, const char *fmt, ...)
{
	va_list ap;

	if (f->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(f->problem, sizeof(f->problem), fmt, ap);
	va_end(ap);
}

static const size_t arg_sizes[] = {
	[XFOOP_version] = sizeof(struct xfo_op_version),
	[XFOOP_load] = sizeof(struct xfo_op_load),
	[XFOOP_attach] = sizeof(struct xfo_op_attach),
	[XFOOP_detach] = sizeof(struct xfo_op_domain),
	[XFOOP_stats] = sizeof(struct xfo_op_stats),
	[XFOOP_stats_reset] = sizeof(struct xfo_op_domain),
	[XFOOP_map_guest_areas] = sizeof(struct xfo_op_guest_areas),
	[XFOOP_unload] = sizeof(struct xfo_op_unload),
	[XFOOP_trace_read] = sizeof(struct xfo_op_trace),
	[XFOOP_unmap_guest_areas] = sizeof(struct xfo_op_domain),
};

static void fake_load(struct fake *f, struct xfo_op_load *op)
{
	size_t isz = (size_t)op->insn_cnt * 8;
	size_t msz = (size_t)op->map_cnt * sizeof(struct xfo_map_def);
	const char *msg = FAKE_LOG;

	if (op->insn_cnt && buf_of(f, op->insns, isz) < 0)
		problem(f, "insns 0x%llx (%zu bytes) is not a hypercall buffer",
			(unsigned long long)op->insns, isz);
	else if (op->insn_cnt && isz <= sizeof(f->insns))
		memcpy(f->insns, (void *)(uintptr_t)op->insns, isz);
	if (!op->map_cnt && op->maps)
		problem(f, "maps set with map_cnt 0");
	if (op->map_cnt && buf_of(f, op->maps, msz) < 0)
		problem(f, "maps 0x%llx (%zu bytes) is not a hypercall buffer",
			(unsigned long long)op->maps, msz);
	else if (op->map_cnt && msz <= sizeof(f->maps))
		memcpy(f->maps, (void *)(uintptr_t)op->maps, msz);
	if (!op->log != !op->log_size)
		problem(f, "log 0x%llx with log_size %u",
			(unsigned long long)op->log, op->log_size);
	if (op->log && buf_of(f, op->log, op->log_size) < 0)
		problem(f, "log 0x%llx (%u bytes) is not a hypercall buffer",
			(unsigned long long)op->log, op->log_size);
	if (!memchr(op->name, '\0', sizeof(op->name)))
		problem(f, "name not NUL-terminated");
	if (op->pad || op->log_len || op->prog_id)
		problem(f, "pad %u, log_len %u, prog_id %u: not zero",
			op->pad, op->log_len, op->prog_id);
	f->log_buf_size = op->log_size;

	if (f->ret == -EINVAL && op->log) {
		/* Xen writes as much as fits and says how much it wanted. */
		size_t n = strlen(msg) + 1;

		if (n > op->log_size)
			n = op->log_size;
		memcpy((void *)(uintptr_t)op->log, msg, n);
		op->log_len = f->log_len ? f->log_len : (uint32_t)n;
		if (f->no_log_len)
			op->log_len = 0;
	}
	if (!f->ret)
		op->prog_id = 7;
}

static int fake_op(void *priv, unsigned int cmd, void *arg)
{
	struct fake *f = priv;
	size_t size = cmd < sizeof(arg_sizes) / sizeof(arg_sizes[0]) ?
		      arg_sizes[cmd] : 0;
	int b;

	f->calls++;
	f->cmd = cmd;
	f->null_arg = !arg;
	if (!arg)
		return f->ret;
	b = buf_of(f, (uintptr_t)arg, 1);
	if (b < 0 || f->bufs[b].p != arg) {
		problem(f, "op %u: arg %p is not a hypercall buffer", cmd, arg);
		return -EFAULT;
	}
	if (size && f->bufs[b].size != size)
		problem(f, "op %u: arg buffer of %zu bytes, struct of %zu", cmd,
			f->bufs[b].size, size);
	memcpy(f->arg, arg, f->bufs[b].size < sizeof(f->arg) ?
	       f->bufs[b].size : sizeof(f->arg));

	switch (cmd) {
	case XFOOP_version: {
		struct xfo_op_version *v = arg;

		if (!f->ret) {
			v->version = XFO_INTERFACE_VERSION;
			v->caps = XFO_CAP_ZERO_FILL | XFO_CAP_TRACE;
			v->max_insns = XFO_MAX_INSNS;
			v->max_maps = XFO_MAX_MAPS;
		}
		break;
	}
	case XFOOP_load:
		fake_load(f, arg);
		break;
	case XFOOP_attach: {
		struct xfo_op_attach *a = arg;

		if (!f->ret && (a->flags & XFO_ATTACH_REPLACE))
			a->old_prog_id = 6;
		break;
	}
	case XFOOP_stats: {
		struct xfo_op_stats *s = arg;
		unsigned int i;

		if (f->ret)
			break;
		s->prog_id = 7;
		if (f->no_nul_name)
			memset(s->prog_name, 'n', sizeof(s->prog_name));
		else
			strcpy(s->prog_name, "counting");
		s->stats.faults_seen = 100;
		s->stats.prog_runs = 99;
		s->stats.verdicts[XFO_CLASS_ZERO_FILL] = 60;
		for (i = 0; i < XFO_BOUNCE_NR; i++)
			s->stats.bounced[i] = 1000 + i;
		s->stats.notifications = 0;
		s->stats.flags = 0;
		s->stats.reserved[0] = 0;
		break;
	}
	case XFOOP_trace_read: {
		struct xfo_op_trace *t = arg;
		static const unsigned char recs[] = {
			5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 0, 0, 0,
			2, 0, 0, 0, 0xff, 0x01, 0, 0,
		};

		if (t->size && buf_of(f, t->buf, t->size) < 0)
			problem(f, "trace buf 0x%llx (%u bytes) is not a "
				"hypercall buffer", (unsigned long long)t->buf,
				t->size);
		if (f->ret)
			break;
		t->len = (uint32_t)(t->size < sizeof(recs) ? 0 : sizeof(recs));
		if (t->len)
			memcpy((void *)(uintptr_t)t->buf, recs, t->len);
		if (f->trace_len)
			t->len = f->trace_len;
		t->dropped = 3;
		break;
	}
	default:
		break;
	}
	return f->ret;
}

static void fake_close(void *priv)
{
}

static const struct xfo_xen_backend fake_backend = {
	.alloc = fake_alloc,
	.free = fake_free,
	.op = fake_op,
	.close = fake_close,
};

static struct fake fk;
static struct xfo_xen *xen;

/* Resets the fake for the next case. */
static void reset(int ret)
{
	unsigned int i;

	for (i = 0; i < MAX_BUFS; i++)
		free(fk.bufs[i].p);
	memset(&fk, 0, sizeof(fk));
	fk.ret = ret;
}

/* No buffer left behind and nothing wrong seen by the fake. */
static void check_clean(const char *name)
{
	char n[128];

	snprintf(n, sizeof(n), "%s_buffers_freed", name);
	check(n, !live_bufs(&fk) && fk.allocs == fk.frees && !fk.problem[0],
	      "%u allocated, %u freed, %u live; %s", fk.allocs, fk.frees,
	      live_bufs(&fk), fk.problem[0] ? fk.problem : "");
}

/* ------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------ */
static struct ebpf_insn prog_insns[5];
static struct xfo_map_def prog_maps[2] = {
	{ XFO_MAP_ARRAY, 4, 8, 16, "counts" },
	{ XFO_MAP_ARRAY, 4, 64, 2, "wide" },
};

static void test_load(void)
{
	struct xfo_bytecode prog = { prog_insns, 5, prog_maps, 2 };
	const struct xfo_op_load *seen = (const void *)fk.arg;
	char log[256];
	uint32_t id = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < 5; i++) {
		prog_insns[i].code = (uint8_t)(0xb7 + i);
		prog_insns[i].imm = (int32_t)(0x1000 * i + 1);
	}

	reset(0);
	strcpy(log, "stale");
	ret = xfo_xen__load(xen, &prog, "a_name_of_more_than_thirty_one_bytes",
			    &id, log, sizeof(log));
	check("load_ok", ret == 0 && id == 7 && fk.cmd == XFOOP_load &&
	      fk.calls == 1, "ret %d, id %u, cmd %u, %u calls", ret, id,
	      fk.cmd, fk.calls);
	check("load_pointers_are_hypercall_buffers", !fk.problem[0], "%s",
	      fk.problem);
	check("load_sizes", seen->insn_cnt == 5 && seen->map_cnt == 2 &&
	      seen->log_size == sizeof(log) && fk.log_buf_size == sizeof(log),
	      "insn_cnt %u, map_cnt %u, log_size %u", seen->insn_cnt,
	      seen->map_cnt, seen->log_size);
	check("load_insns_copied", !memcmp(fk.insns, prog_insns,
					   sizeof(prog_insns)), "differ");
	check("load_maps_copied", !memcmp(fk.maps, prog_maps,
					  sizeof(prog_maps)), "differ");
	check("load_name_cut", !strcmp(seen->name,
				       "a_name_of_more_than_thirty_one_"),
	      "name '%.32s'", seen->name);
	check("load_op_not_caller_memory", fk.allocs == 4,
	      "%u buffers for op, insns, maps and log", fk.allocs);
	check("load_log_empty_when_accepted", log[0] == '\0', "log '%s'", log);
	check_clean("load");

	/* Refused: Xen's log comes back. */
	reset(-EINVAL);
	ret = xfo_xen__load(xen, &prog, "bad", &id, log, sizeof(log));
	check("load_refused", ret == -EINVAL && !strcmp(log, FAKE_LOG),
	      "ret %d, log '%s'", ret, log);
	check("load_refused_message",
	      !strcmp(xfo_xen__errstr(xen),
		      "Xen's verifier refused the program (EINVAL)"),
	      "'%s'", xfo_xen__errstr(xen));
	check_clean("load_refused");

	/* A log smaller than Xen's: cut, terminated, nothing overrun. */
	reset(-EINVAL);
	memset(log, 'z', sizeof(log));
	ret = xfo_xen__load(xen, &prog, "bad", &id, log, 8);
	check("load_log_cut", ret == -EINVAL && !strcmp(log, "insn 1:") &&
	      log[8] == 'z', "ret %d, log '%.10s'", ret, log);
	check_clean("load_log_cut");

	/* A Xen claiming more log than the buffer holds. */
	reset(-EINVAL);
	fk.log_len = 100000;
	ret = xfo_xen__load(xen, &prog, "bad", &id, log, 16);
	check("load_log_len_clamped", ret == -EINVAL && strlen(log) == 15,
	      "ret %d, log '%s'", ret, log);
	check_clean("load_log_len_clamped");

	/* A Xen writing the log but not log_len: the text still comes. */
	reset(-EINVAL);
	fk.no_log_len = true;
	ret = xfo_xen__load(xen, &prog, "bad", &id, log, sizeof(log));
	check("load_log_without_log_len", ret == -EINVAL &&
	      !strcmp(log, FAKE_LOG), "ret %d, log '%s'", ret, log);
	check_clean("load_log_without_log_len");

	/* No log, no maps: NULL pointers and zero sizes. */
	reset(0);
	prog.map_cnt = 0;
	prog.maps = NULL;
	ret = xfo_xen__load(xen, &prog, NULL, &id, NULL, 0);
	check("load_no_log_no_maps", ret == 0 && !seen->log &&
	      !seen->log_size && !seen->maps && !seen->map_cnt &&
	      !seen->name[0] && fk.allocs == 2, "ret %d, log 0x%llx/%u, maps "
	      "0x%llx/%u, %u buffers", ret, (unsigned long long)seen->log,
	      seen->log_size, (unsigned long long)seen->maps, seen->map_cnt,
	      fk.allocs);
	check_clean("load_no_log_no_maps");

	/* insn_cnt 0 goes to Xen: refusing it is Xen's job (xfo_probe abi). */
	reset(-EINVAL);
	prog.insn_cnt = 0;
	ret = xfo_xen__load(xen, &prog, "empty", &id, log, sizeof(log));
	check("load_empty_reaches_xen", ret == -EINVAL && fk.calls == 1 &&
	      !seen->insns && !seen->insn_cnt, "ret %d, %u calls", ret,
	      fk.calls);
	check_clean("load_empty");
	prog.insn_cnt = 5;
	prog.maps = prog_maps;
	prog.map_cnt = 2;

	/* Out of hypercall memory at each allocation: nothing sent, nothing
	 * leaked. */
	for (i = 1; i <= 4; i++) {
		char n[64];

		reset(0);
		fk.fail_alloc = (int)i;
		ret = xfo_xen__load(xen, &prog, "x", &id, log, sizeof(log));
		snprintf(n, sizeof(n), "load_no_memory_%u", i);
		check(n, ret == -ENOMEM && fk.calls == 0 &&
		      strstr(xfo_xen__errstr(xen), "hypercall buffer"),
		      "ret %d, %u calls, '%s'", ret, fk.calls,
		      xfo_xen__errstr(xen));
		check_clean(n);
	}

	reset(0);
	ret = xfo_xen__load(xen, NULL, "x", &id, log, sizeof(log));
	check("load_null_prog", ret == -EINVAL && fk.calls == 0, "ret %d",
	      ret);
}

static void test_attach(void)
{
	const struct xfo_op_attach *seen = (const void *)fk.arg;
	uint32_t old = 99;
	int ret;

	reset(0);
	ret = xfo_xen__attach(xen, 5, 9, true, &old);
	check("attach_replace", ret == 0 && old == 6 && fk.cmd == XFOOP_attach &&
	      seen->domid == 5 && seen->prog_id == 9 &&
	      seen->flags == XFO_ATTACH_REPLACE && !seen->pad &&
	      !seen->old_prog_id, "ret %d, old %u, domid %u, prog %u, "
	      "flags %u, pad %u", ret, old, seen->domid, seen->prog_id,
	      seen->flags, seen->pad);
	check_clean("attach");

	reset(0);
	ret = xfo_xen__attach(xen, 5, 9, false, &old);
	check("attach_plain", ret == 0 && old == 0 && seen->flags == 0,
	      "ret %d, old %u, flags %u", ret, old, seen->flags);

	reset(-EEXIST);
	ret = xfo_xen__attach(xen, 5, 9, false, NULL);
	check("attach_exists_message", ret == -EEXIST &&
	      !strcmp(xfo_xen__errstr(xen), "domain 5 already has a "
		      "program; use --replace (EEXIST)"), "ret %d, '%s'", ret,
	      xfo_xen__errstr(xen));
	check_clean("attach_exists");
}

static void test_domain_ops(void)
{
	const struct xfo_op_domain *seen = (const void *)fk.arg;
	const struct xfo_op_unload *un = (const void *)fk.arg;
	int ret;

	reset(0);
	ret = xfo_xen__detach(xen, 32751);
	check("detach", ret == 0 && fk.cmd == XFOOP_detach &&
	      seen->domid == 32751 && !seen->pad[0] && !seen->pad[1] &&
	      !seen->pad[2], "ret %d, cmd %u, domid %u", ret, fk.cmd,
	      seen->domid);
	check_clean("detach");

	reset(0);
	ret = xfo_xen__stats_reset(xen, 3);
	check("stats_reset", ret == 0 && fk.cmd == XFOOP_stats_reset &&
	      seen->domid == 3, "ret %d, cmd %u", ret, fk.cmd);

	reset(0);
	ret = xfo_xen__unload(xen, 12);
	check("unload", ret == 0 && fk.cmd == XFOOP_unload &&
	      un->prog_id == 12 && !un->pad, "ret %d, cmd %u, prog %u", ret,
	      fk.cmd, un->prog_id);
	check_clean("unload");
}

static void test_stats(void)
{
	const struct xfo_op_stats *seen = (const void *)fk.arg;
	struct xfo_op_stats st;
	int ret;

	reset(0);
	memset(&st, 0xee, sizeof(st));
	ret = xfo_xen__stats(xen, 4, &st);
	check("stats", ret == 0 && fk.cmd == XFOOP_stats && seen->domid == 4 &&
	      !seen->pad && st.prog_id == 7 &&
	      !strcmp(st.prog_name, "counting") &&
	      st.stats.faults_seen == 100 && st.stats.prog_runs == 99 &&
	      st.stats.verdicts[1] == 60 &&
	      st.stats.bounced[XFO_BOUNCE_NOT_BUILT] ==
	      1000 + XFO_BOUNCE_NOT_BUILT, "ret %d, prog %u '%.32s'", ret,
	      st.prog_id, st.prog_name);
	check_clean("stats");

	reset(0);
	fk.no_nul_name = true;
	ret = xfo_xen__stats(xen, 4, &st);
	check("stats_name_terminated", ret == 0 &&
	      strlen(st.prog_name) == XFO_NAME_LEN - 1, "ret %d", ret);

	reset(-ESRCH);
	ret = xfo_xen__stats(xen, 31000, &st);
	check("stats_no_domain_message", ret == -ESRCH &&
	      !strcmp(xfo_xen__errstr(xen), "no domain 31000 (ESRCH)"),
	      "ret %d, '%s'", ret, xfo_xen__errstr(xen));
	check_clean("stats_no_domain");
}

static void test_trace(void)
{
	const struct xfo_op_trace *seen = (const void *)fk.arg;
	unsigned char buf[64];
	uint32_t len = 0, dropped = 0;
	int ret;

	reset(0);
	memset(buf, 0, sizeof(buf));
	ret = xfo_xen__trace_read(xen, 2, buf, sizeof(buf), &len, &dropped);
	check("trace_read", ret == 0 && fk.cmd == XFOOP_trace_read &&
	      seen->domid == 2 && seen->size == sizeof(buf) && !seen->pad &&
	      len == 20 && dropped == 3 && buf[0] == 5 &&
	      !memcmp(buf + 4, "hello", 5) && buf[16] == 0xff,
	      "ret %d, domid %u, size %u, len %u, dropped %u", ret,
	      seen->domid, seen->size, len, dropped);
	check("trace_buffer_is_hypercall_buffer", !fk.problem[0], "%s",
	      fk.problem);
	check_clean("trace_read");

	/* A Xen claiming more than the buffer: clamped, nothing overrun. */
	reset(0);
	fk.trace_len = 4096;
	ret = xfo_xen__trace_read(xen, 2, buf, 32, &len, NULL);
	check("trace_len_clamped", ret == 0 && len == 32, "ret %d, len %u",
	      ret, len);
	check_clean("trace_len_clamped");
}

static void test_raw(void)
{
	struct xfo_op_attach a = { .domid = 1, .pad = 0x55, .prog_id = 2 };
	const struct xfo_op_attach *seen = (const void *)fk.arg;
	int ret;

	reset(-EINVAL);
	ret = xfo_xen__raw_op(xen, XFOOP_attach, &a, sizeof(a));
	check("raw_op_sends_as_is", ret == -EINVAL && seen->pad == 0x55 &&
	      seen->domid == 1 && seen->prog_id == 2,
	      "ret %d, pad 0x%x", ret, seen->pad);
	check_clean("raw_op");

	reset(-EOPNOTSUPP);
	ret = xfo_xen__raw_op(xen, 1000, NULL, 0);
	check("raw_op_null_arg", ret == -EOPNOTSUPP && fk.null_arg &&
	      fk.cmd == 1000 && strstr(xfo_xen__errstr(xen), "EOPNOTSUPP"),
	      "ret %d, cmd %u, '%s'", ret, fk.cmd, xfo_xen__errstr(xen));

	reset(0);
	ret = xfo_xen__version(xen, NULL);
	check("version", ret == 0 && fk.cmd == XFOOP_version, "ret %d", ret);
}

static void test_guest_areas(void)
{
	const struct xfo_op_guest_areas *seen = (const void *)fk.arg;
	const struct xfo_op_domain *dom = (const void *)fk.arg;
	struct xfo_op_guest_areas ga;
	int ret;

	reset(0);
	memset(&ga, 0x77, sizeof(ga));	/* padding the caller left dirty */
	ga.region_table_frame = 0x123456789ull;
	ga.pool_ring_frame = 2;
	ga.completion_ring_frame = 3;
	ga.evtchn = 9;
	ga.version = XFO_INTERFACE_VERSION;
	ga.domid = 12;
	ret = xfo_xen__map_guest_areas(xen, &ga);
	check("map_guest_areas", ret == 0 && fk.cmd == XFOOP_map_guest_areas &&
	      seen->region_table_frame == 0x123456789ull &&
	      seen->pool_ring_frame == 2 && seen->completion_ring_frame == 3 &&
	      seen->evtchn == 9 && seen->version == XFO_INTERFACE_VERSION &&
	      seen->domid == 12, "ret %d, cmd %u, domid %u", ret, fk.cmd,
	      seen->domid);
	check("map_guest_areas_pad_zero", !seen->pad[0] && !seen->pad[1] &&
	      !seen->pad[2], "pad %x %x %x", seen->pad[0], seen->pad[1],
	      seen->pad[2]);
	check_clean("map_guest_areas");

	reset(-EEXIST);
	ret = xfo_xen__map_guest_areas(xen, &ga);
	check("map_guest_areas_exists_message", ret == -EEXIST &&
	      !strcmp(xfo_xen__errstr(xen), "domain 12's areas are already "
		      "mapped; disconnect it first (EEXIST)"), "ret %d, '%s'",
	      ret, xfo_xen__errstr(xen));
	check_clean("map_guest_areas_exists");

	reset(0);
	ret = xfo_xen__map_guest_areas(xen, NULL);
	check("map_guest_areas_null", ret == -EINVAL && !fk.calls,
	      "ret %d, %u calls", ret, fk.calls);

	reset(0);
	ret = xfo_xen__unmap_guest_areas(xen, 12);
	check("unmap_guest_areas", ret == 0 &&
	      fk.cmd == XFOOP_unmap_guest_areas && dom->domid == 12 &&
	      !dom->pad[0] && !dom->pad[1] && !dom->pad[2], "ret %d, cmd %u",
	      ret, fk.cmd);
	check_clean("unmap_guest_areas");

	reset(-ESRCH);
	ret = xfo_xen__unmap_guest_areas(xen, 12);
	check("unmap_guest_areas_message", ret == -ESRCH &&
	      !strcmp(xfo_xen__errstr(xen), "no domain 12 (ESRCH)"),
	      "ret %d, '%s'", ret, xfo_xen__errstr(xen));
}

static void strerror_case(const char *name, unsigned int cmd, int err,
			  const char *want)
{
	char buf[256];

	xfo_xen__strerror(cmd, err, 3, 44, buf, sizeof(buf));
	check(name, !strcmp(buf, want), "'%s', expected '%s'", buf, want);
}

static void test_messages(void)
{
	char small[12];
	struct xfo_op_version v;
	int ret;

	strerror_case("msg_enosys", XFOOP_version, -ENOSYS,
		      "this Xen has no xfo hypercall (built without "
		      "CONFIG_XFO?) (ENOSYS)");
	strerror_case("msg_eperm", XFOOP_attach, -EPERM,
		      "only the control domain may attach programs (EPERM)");
	strerror_case("msg_esrch", XFOOP_detach, -ESRCH,
		      "no domain 3 (ESRCH)");
	strerror_case("msg_detach_enoent", XFOOP_detach, -ENOENT,
		      "domain 3 has no program attached (ENOENT)");
	strerror_case("msg_attach_enoent", XFOOP_attach, -ENOENT,
		      "no program 44 is loaded in Xen (ENOENT)");
	strerror_case("msg_unload_ebusy", XFOOP_unload, -EBUSY,
		      "program 44 is still attached to a domain (EBUSY)");
	strerror_case("msg_load_e2big", XFOOP_load, -E2BIG,
		      "the program has more instructions or maps than Xen "
		      "takes (E2BIG)");
	strerror_case("msg_einval_padding", XFOOP_stats, -EINVAL,
		      "Xen refused the stats request as malformed (nonzero "
		      "padding, an unknown flag or a bad field) (EINVAL)");
	strerror_case("msg_eopnotsupp", XFOOP_stats, -EOPNOTSUPP,
		      "this Xen does not implement the stats operation "
		      "(EOPNOTSUPP)");
	strerror_case("msg_map_eopnotsupp", XFOOP_map_guest_areas,
		      -EOPNOTSUPP, "this Xen does not implement the "
		      "map_guest_areas operation (no resolver built), or "
		      "domain 3 is not a 64-bit PV domain (EOPNOTSUPP)");
	strerror_case("msg_unmap_eopnotsupp", XFOOP_unmap_guest_areas,
		      -EOPNOTSUPP, "this Xen does not implement the "
		      "unmap_guest_areas operation (no resolver built) "
		      "(EOPNOTSUPP)");
	strerror_case("msg_map_einval", XFOOP_map_guest_areas, -EINVAL,
		      "Xen refused domain 3's areas (its console says why): a "
		      "frame that is not the domain's ordinary writable page "
		      "or is given twice, a port that is not its unbound or "
		      "interdomain channel, bad ring headers or version, or "
		      "padding (EINVAL)");
	strerror_case("msg_map_eexist", XFOOP_map_guest_areas, -EEXIST,
		      "domain 3's areas are already mapped; disconnect it "
		      "first (EEXIST)");
	strerror_case("msg_map_esrch", XFOOP_map_guest_areas, -ESRCH,
		      "no domain 3 (ESRCH)");
	strerror_case("msg_map_eperm", XFOOP_map_guest_areas, -EPERM,
		      "only the control domain may register another "
		      "domain's areas (EPERM)");
	strerror_case("msg_unmap_esrch", XFOOP_unmap_guest_areas, -ESRCH,
		      "no domain 3 (ESRCH)");
	strerror_case("msg_unmap_eperm", XFOOP_unmap_guest_areas, -EPERM,
		      "only the control domain may unmap another domain's "
		      "areas (EPERM)");
	strerror_case("msg_unmap_einval", XFOOP_unmap_guest_areas, -EINVAL,
		      "Xen refused the unmap_guest_areas request as "
		      "malformed (nonzero padding, an unknown flag or a bad "
		      "field) (EINVAL)");
	strerror_case("msg_attach_not_pv", XFOOP_attach, -EOPNOTSUPP,
		      "domain 3 is not a PV domain (xfo hooks PV page faults "
		      "only) (EOPNOTSUPP)");
	strerror_case("msg_trace_enobufs", XFOOP_trace_read, -ENOBUFS,
		      "the buffer is too small for domain 3's next trace "
		      "record (ENOBUFS)");
	strerror_case("msg_fallback", XFOOP_stats, -EXDEV,
		      "XFOOP_stats failed: Invalid cross-device link (EXDEV)");
	strerror_case("msg_unknown_op", 77, -EXDEV,
		      "xfo op 77 failed: Invalid cross-device link (EXDEV)");
	strerror_case("msg_unknown_op_eperm", 77, -EPERM,
		      "only the control domain may use op 77 (EPERM)");

	memset(small, 'z', sizeof(small));
	xfo_xen__strerror(XFOOP_detach, -ENOENT, 3, 0, small, 10);
	check("msg_small_buffer", strlen(small) == 9 && small[10] == 'z',
	      "'%.12s'", small);

	reset(-ENOSYS);
	ret = xfo_xen__version(xen, &v);
	check("version_enosys_message", ret == -ENOSYS &&
	      strstr(xfo_xen__errstr(xen), "no xfo hypercall"), "ret %d, '%s'",
	      ret, xfo_xen__errstr(xen));
}

static void test_names(void)
{
	check("names_bounce", !strcmp(xfo_bounce_reason_name(0), "verdict") &&
	      !strcmp(xfo_bounce_reason_name(XFO_BOUNCE_POOL_EMPTY),
		      "pool_empty") &&
	      !strcmp(xfo_bounce_reason_name(XFO_BOUNCE_NOT_BUILT),
		      "not_built") &&
	      !strcmp(xfo_bounce_reason_name(XFO_BOUNCE_NR - 1),
		      "prot_denied") &&
	      !xfo_bounce_reason_name(XFO_BOUNCE_NR), "wrong names");
	check("names_class", !strcmp(xfo_class_name(0), "bounce") &&
	      !strcmp(xfo_class_name(2), "fault_around") &&
	      !xfo_class_name(3), "wrong names");
	check("names_op", !strcmp(xfo_xen__op_name(XFOOP_trace_read),
				  "trace_read") &&
	      !strcmp(xfo_xen__op_name(XFOOP_unmap_guest_areas),
		      "unmap_guest_areas") && !xfo_xen__op_name(10),
	      "wrong names");
}

static void test_open(void)
{
	struct xfo_xen *x = (void *)1;
	char err[256];
	int ret;

	if (access("/dev/xen/privcmd", F_OK) == 0 ||
	    access("/proc/xen/privcmd", F_OK) == 0) {
		printf("note: this is a Xen domain; open_without_xen not run\n");
		return;
	}
	ret = xfo_xen__open(&x, err, sizeof(err));
	check("open_without_xen", ret < 0 && !x &&
	      !strncmp(err, "not running in a Xen domain with privcmd: ", 42) &&
	      strstr(err, "/dev/xen/privcmd"), "ret %d, '%s'", ret, err);
}

int main(void)
{
	char err[256];

	if (xfo_xen__open_backend(&xen, &fake_backend, &fk, err,
				  sizeof(err))) {
		fail("open_backend", "%s", err);
		return 1;
	}
	test_load();
	test_attach();
	test_domain_ops();
	test_stats();
	test_trace();
	test_raw();
	test_guest_areas();
	test_messages();
	test_names();
	test_open();
	xfo_xen__close(xen);
	reset(0);
	return failures ? 1 : 0;
}
