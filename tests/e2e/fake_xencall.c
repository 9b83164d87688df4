// SPDX-License-Identifier: MIT
/*
 * A fake libxencall with a fake xfo hypercall behind it, LD_PRELOADed into
 * xfoctl by tests/suites/cli-xen.sh so the domain and xen commands can run
 * their whole way on a machine without Xen. Not a model of Xen: just
 * enough state for attach, replace, detach, stats, reset and trace to
 * answer as the ABI says, and programs checked by the same core verifier.
 *
 * Environment:
 *   XFO_FAKE_XEN       file keeping the fake's state between processes
 *                      (domains 0 and 1 exist, programs, attachments);
 *                      a text view of it goes to the same name + ".txt"
 *   XFO_FAKE_XEN_MODE  "noprivcmd": xencall_open fails (ENOENT);
 *                      "enosys": Xen has no xfo hypercall; "eperm": not
 *                      the control domain; "v2": interface 2.0;
 *                      "noresolver": the guest-area ops are -EOPNOTSUPP;
 *                      "nolist": XFOOP_prog_list is -EOPNOTSUPP (1.0);
 *                      "kill1": domain 1 died: its program is detached
 *                      and stays loaded, as Xen does
 *
 * XFOOP_map_guest_areas checks what Xen would with nothing to look at:
 * padding, a real domain id, the interface major, frames nonzero, below
 * 2^40 and distinct, a port; -EEXIST when mapped already. The text view
 * lists "areas DOMID TABLE POOL COMPLETIONS PORT VERSION" per mapping.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xfo.h>
#include <xfo_core.h>

/* The parts of libxencall's interface xfo uses; the rest of this object
 * (the core verifier too) is hidden (-fvisibility=hidden). */
#define EXPORT	__attribute__((visibility("default")))

typedef struct xencall_handle xencall_handle;
struct xentoollog_logger;

EXPORT xencall_handle *xencall_open(struct xentoollog_logger *logger,
				    unsigned int open_flags);
EXPORT int xencall_close(xencall_handle *xcall);
EXPORT int xencall2(xencall_handle *xcall, unsigned int op, uint64_t arg1,
		    uint64_t arg2);
EXPORT void *xencall_alloc_buffer(xencall_handle *xcall, size_t size);
EXPORT void xencall_free_buffer(xencall_handle *xcall, void *p);

#define NR_PROGS	16
#define NR_DOMS		2
#define STATE_MAGIC	0x78666f32u

struct fake_prog {
	uint32_t id;		/* 0: free slot */
	uint32_t insn_cnt;
	char name[XFO_NAME_LEN];
};

struct fake_dom {
	uint32_t prog_id;
	uint32_t reads;		/* stats reads since the last reset */
	bool reset;
	bool traced;		/* trace records taken */
	bool mapped;		/* XFOOP_map_guest_areas */
	struct xfo_op_guest_areas areas;
};

struct fake_state {
	uint32_t magic;
	uint32_t next_id;
	struct fake_prog progs[NR_PROGS];
	struct fake_dom doms[NR_DOMS];
};

struct xencall_handle {
	struct fake_state st;
	const char *path;
	const char *mode;
};

static bool mode_is(const xencall_handle *h, const char *m)
{
	return h->mode && !strcmp(h->mode, m);
}

static void load_state(xencall_handle *h)
{
	FILE *f;

	memset(&h->st, 0, sizeof(h->st));
	h->st.magic = STATE_MAGIC;
	h->st.next_id = 1;
	if (!h->path)
		return;
	f = fopen(h->path, "rb");
	if (!f)
		return;
	if (fread(&h->st, sizeof(h->st), 1, f) != 1 ||
	    h->st.magic != STATE_MAGIC) {
		memset(&h->st, 0, sizeof(h->st));
		h->st.magic = STATE_MAGIC;
		h->st.next_id = 1;
	}
	fclose(f);
}

/* The state, and for the tests a text view of it in PATH.txt: a line
 * "prog ID NAME" per loaded program, "dom DOMID prog ID" per attachment. */
static void save_state(const xencall_handle *h)
{
	char txt[4096];
	unsigned int i;
	FILE *f;

	if (!h->path)
		return;
	f = fopen(h->path, "wb");
	if (!f)
		return;
	fwrite(&h->st, sizeof(h->st), 1, f);
	fclose(f);
	snprintf(txt, sizeof(txt), "%s.txt", h->path);
	f = fopen(txt, "w");
	if (!f)
		return;
	for (i = 0; i < NR_PROGS; i++)
		if (h->st.progs[i].id)
			fprintf(f, "prog %u %.*s\n", h->st.progs[i].id,
				XFO_NAME_LEN, h->st.progs[i].name);
	for (i = 0; i < NR_DOMS; i++)
		if (h->st.doms[i].prog_id)
			fprintf(f, "dom %u prog %u\n", i, h->st.doms[i].prog_id);
	for (i = 0; i < NR_DOMS; i++) {
		const struct xfo_op_guest_areas *a = &h->st.doms[i].areas;

		if (h->st.doms[i].mapped)
			fprintf(f, "areas %u %llu %llu %llu %u 0x%08x\n", i,
				(unsigned long long)a->region_table_frame,
				(unsigned long long)a->pool_ring_frame,
				(unsigned long long)a->completion_ring_frame,
				a->evtchn, a->version);
	}
	fclose(f);
}

xencall_handle *xencall_open(struct xentoollog_logger *logger,
			     unsigned int open_flags)
{
	xencall_handle *h;
	const char *mode = getenv("XFO_FAKE_XEN_MODE");

	if (mode && !strcmp(mode, "noprivcmd")) {
		errno = ENOENT;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->path = getenv("XFO_FAKE_XEN");
	h->mode = mode;
	return h;
}

int xencall_close(xencall_handle *h)
{
	free(h);
	return 0;
}

void *xencall_alloc_buffer(xencall_handle *h, size_t size)
{
	return calloc(1, size ? size : 1);
}

void xencall_free_buffer(xencall_handle *h, void *p)
{
	free(p);
}

static struct fake_prog *find_prog(xencall_handle *h, uint32_t id)
{
	unsigned int i;

	for (i = 0; id && i < NR_PROGS; i++)
		if (h->st.progs[i].id == id)
			return &h->st.progs[i];
	return NULL;
}

static bool prog_attached(const xencall_handle *h, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < NR_DOMS; i++)
		if (h->st.doms[i].prog_id == id)
			return true;
	return false;
}

static int op_load(xencall_handle *h, struct xfo_op_load *op)
{
	struct xfo_bytecode prog = {
		(const struct ebpf_insn *)(uintptr_t)op->insns, op->insn_cnt,
		(const struct xfo_map_def *)(uintptr_t)op->maps, op->map_cnt,
	};
	struct xfo_log log;
	size_t ws_size;
	void *ws;
	unsigned int i;
	int ret;

	if (op->pad || !memchr(op->name, '\0', sizeof(op->name)))
		return -EINVAL;
	if (!op->insn_cnt)
		return -EINVAL;
	if (op->insn_cnt > XFO_MAX_INSNS || op->map_cnt > XFO_MAX_MAPS)
		return -E2BIG;
	xfo_log_init(&log, (char *)(uintptr_t)op->log, op->log_size,
		     op->log ? XFO_LOG_ERRORS : 0);
	ws_size = xfo_verifier_workspace_size(op->insn_cnt);
	ws = calloc(1, ws_size);
	if (!ws)
		return -ENOMEM;
	ret = xfo_verify(&prog, ws, ws_size, &log, NULL);
	free(ws);
	if (op->log && op->log_size) {
		const char *l = (const char *)(uintptr_t)op->log;

		op->log_len = (uint32_t)strnlen(l, op->log_size) + 1;
	}
	if (ret)
		return ret;
	for (i = 0; i < NR_PROGS; i++) {
		if (h->st.progs[i].id)
			continue;
		h->st.progs[i].id = h->st.next_id++;
		h->st.progs[i].insn_cnt = op->insn_cnt;
		memcpy(h->st.progs[i].name, op->name, XFO_NAME_LEN);
		op->prog_id = h->st.progs[i].id;
		return 0;
	}
	return -ENOSPC;
}

static void fill_stats(const xencall_handle *h, uint16_t domid,
		       struct xfo_op_stats *op)
{
	const struct fake_dom *d = &h->st.doms[domid];
	struct xfo_stats *s = &op->stats;
	const struct fake_prog *p = NULL;
	unsigned int i;

	for (i = 0; i < NR_PROGS; i++)
		if (d->prog_id && h->st.progs[i].id == d->prog_id)
			p = &h->st.progs[i];
	op->prog_id = d->prog_id;
	memset(op->prog_name, 0, sizeof(op->prog_name));
	if (p)
		memcpy(op->prog_name, p->name, sizeof(op->prog_name));
	memset(s, 0, sizeof(*s));
	/* A state: reset leaves it. */
	if (d->mapped)
		s->flags = XFO_STATS_F_AREAS_MAPPED;
	if (d->reset)
		return;
	/* Distinct values, growing by 10 faults per read. */
	s->faults_seen = 1000 + 10ull * d->reads;
	s->prog_runs = 990 + 10ull * d->reads;
	s->prog_errors = 2;
	s->prog_insns = 9900;
	s->prog_ns = 49500;
	for (i = 0; i <= XFO_CLASS_MAX; i++)
		s->verdicts[i] = 100 * (i + 1);
	s->resolved = 500;
	s->pages_installed = 700;
	for (i = 0; i < XFO_BOUNCE_NR; i++)
		s->bounced[i] = 11 + i;
	s->notifications = 31;
}

static int op_trace(xencall_handle *h, struct xfo_op_trace *op)
{
	static const uint8_t recs[] = {
		5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 0, 0, 0,
		2, 0, 0, 0, 0xff, 0x01, 0, 0,
	};
	struct fake_dom *d = &h->st.doms[op->domid];

	op->len = 0;
	op->dropped = 3;
	if (d->traced || !d->prog_id)
		return 0;
	if (op->size < sizeof(recs))
		return 0;
	memcpy((void *)(uintptr_t)op->buf, recs, sizeof(recs));
	op->len = sizeof(recs);
	d->traced = true;
	return 0;
}

/* Programs from first_id on, ascending, with their lowest domain. */
static int op_prog_list(xencall_handle *h, struct xfo_op_prog_list *op)
{
	struct xfo_prog_info *out = (struct xfo_prog_info *)(uintptr_t)op->progs;
	uint32_t id = op->first_id, best;
	const struct fake_prog *p;
	unsigned int i, n = 0;

	if (op->flags || op->pad)
		return -EINVAL;
	if (op->max && !out)
		return -EFAULT;
	op->nr = 0;
	for (;;) {
		p = NULL;
		best = 0;
		for (i = 0; i < NR_PROGS; i++)
			if (h->st.progs[i].id && h->st.progs[i].id >= id &&
			    (!p || h->st.progs[i].id < best)) {
				p = &h->st.progs[i];
				best = p->id;
			}
		if (!p)
			break;
		if (n < op->max) {
			struct xfo_prog_info *e = &out[n];

			memset(e, 0, sizeof(*e));
			e->prog_id = p->id;
			e->insn_cnt = p->insn_cnt;
			e->domid = XFO_DOMID_NONE;
			for (i = 0; i < NR_DOMS; i++)
				if (h->st.doms[i].prog_id == p->id) {
					e->users++;
					if (e->domid == XFO_DOMID_NONE)
						e->domid = (uint16_t)i;
				}
			memcpy(e->name, p->name, XFO_NAME_LEN);
			op->nr++;
		}
		n++;
		id = p->id + 1;
	}
	op->total = n;
	return 0;
}

static int op_map(xencall_handle *h, struct xfo_op_guest_areas *a)
{
	const uint64_t max = (1ull << 40) - 1;

	if (a->pad[0] || a->pad[1] || a->pad[2] || a->domid >= 0x7ff0)
		return -EINVAL;
	if (a->domid >= NR_DOMS)
		return -ESRCH;
	if (XFO_INTERFACE_MAJOR(a->version) !=
	    XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION))
		return -EINVAL;
	if (!a->region_table_frame || !a->pool_ring_frame ||
	    !a->completion_ring_frame || a->region_table_frame > max ||
	    a->pool_ring_frame > max || a->completion_ring_frame > max ||
	    a->region_table_frame == a->pool_ring_frame ||
	    a->region_table_frame == a->completion_ring_frame ||
	    a->pool_ring_frame == a->completion_ring_frame || !a->evtchn)
		return -EINVAL;
	/* A frame "the domain does not own", for the refusal's tests. */
	if (a->region_table_frame == 666)
		return -EINVAL;
	if (h->st.doms[a->domid].mapped)
		return -EEXIST;
	h->st.doms[a->domid].mapped = true;
	h->st.doms[a->domid].areas = *a;
	return 0;
}

static int do_op(xencall_handle *h, unsigned int cmd, void *arg)
{
	if (mode_is(h, "enosys"))
		return -ENOSYS;
	/* A guest may unmap its own areas; the rest is dom0's. */
	if (mode_is(h, "eperm") && cmd != XFOOP_unmap_guest_areas)
		return -EPERM;
	if (mode_is(h, "noresolver") && (cmd == XFOOP_map_guest_areas ||
					 cmd == XFOOP_unmap_guest_areas))
		return -EOPNOTSUPP;
	if (mode_is(h, "nolist") && cmd == XFOOP_prog_list)
		return -EOPNOTSUPP;
	if (mode_is(h, "kill1"))
		h->st.doms[1].prog_id = 0;
	switch (cmd) {
	case XFOOP_version: {
		struct xfo_op_version *v = arg;

		v->version = mode_is(h, "v2") ? 0x00020000u :
			     XFO_INTERFACE_VERSION;
		v->caps = XFO_CAP_ZERO_FILL | XFO_CAP_FAULT_AROUND |
			  XFO_CAP_MAPS | XFO_CAP_TRACE | (1u << 9);
		v->max_insns = XFO_MAX_INSNS;
		v->max_maps = XFO_MAX_MAPS;
		return 0;
	}
	case XFOOP_load:
		return op_load(h, arg);
	case XFOOP_attach: {
		struct xfo_op_attach *a = arg;

		if (a->pad || (a->flags & ~XFO_ATTACH_REPLACE))
			return -EINVAL;
		if (a->domid >= NR_DOMS)
			return -ESRCH;
		if (!find_prog(h, a->prog_id))
			return -ENOENT;
		if (h->st.doms[a->domid].prog_id &&
		    !(a->flags & XFO_ATTACH_REPLACE))
			return -EEXIST;
		a->old_prog_id = h->st.doms[a->domid].prog_id;
		h->st.doms[a->domid].prog_id = a->prog_id;
		h->st.doms[a->domid].traced = false;
		return 0;
	}
	case XFOOP_detach:
	case XFOOP_stats_reset: {
		struct xfo_op_domain *d = arg;

		if (d->pad[0] || d->pad[1] || d->pad[2])
			return -EINVAL;
		if (d->domid >= NR_DOMS)
			return -ESRCH;
		if (cmd == XFOOP_stats_reset) {
			h->st.doms[d->domid].reset = true;
			return 0;
		}
		if (!h->st.doms[d->domid].prog_id)
			return -ENOENT;
		h->st.doms[d->domid].prog_id = 0;
		return 0;
	}
	case XFOOP_stats: {
		struct xfo_op_stats *s = arg;

		if (s->pad)
			return -EINVAL;
		if (s->domid >= NR_DOMS)
			return -ESRCH;
		fill_stats(h, s->domid, s);
		h->st.doms[s->domid].reads++;
		return 0;
	}
	case XFOOP_unload: {
		struct xfo_op_unload *u = arg;
		struct fake_prog *p;

		if (u->pad)
			return -EINVAL;
		p = find_prog(h, u->prog_id);
		if (!p)
			return -ENOENT;
		if (prog_attached(h, u->prog_id))
			return -EBUSY;
		memset(p, 0, sizeof(*p));
		return 0;
	}
	case XFOOP_trace_read: {
		struct xfo_op_trace *t = arg;

		if (t->pad)
			return -EINVAL;
		if (t->domid >= NR_DOMS)
			return -ESRCH;
		return op_trace(h, t);
	}
	case XFOOP_map_guest_areas:
		return op_map(h, arg);
	case XFOOP_prog_list:
		return op_prog_list(h, arg);
	case XFOOP_unmap_guest_areas: {
		struct xfo_op_domain *d = arg;

		if (d->pad[0] || d->pad[1] || d->pad[2] ||
		    d->domid >= 0x7ff0)
			return -EINVAL;
		if (d->domid >= NR_DOMS)
			return -ESRCH;
		/* 0 also when nothing was mapped, as Xen answers. */
		h->st.doms[d->domid].mapped = false;
		memset(&h->st.doms[d->domid].areas, 0,
		       sizeof(h->st.doms[d->domid].areas));
		return 0;
	}
	default:
		return -EOPNOTSUPP;
	}
}

int xencall2(xencall_handle *h, unsigned int op, uint64_t arg1,
	     uint64_t arg2)
{
	int ret;

	if (op == 17)			/* __HYPERVISOR_xen_version */
		return 0x40011;		/* 4.17, for any caller */
	if (op != __HYPERVISOR_xfo_op) {
		errno = ENOSYS;
		return -1;
	}
	load_state(h);
	ret = do_op(h, (unsigned int)arg1, (void *)(uintptr_t)arg2);
	save_state(h);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}
