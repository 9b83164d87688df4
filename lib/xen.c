// SPDX-License-Identifier: MIT
/*
 * The xfo hypercall from dom0 (libxfo.h, "Xen"). Requests are built here
 * and issued through a backend: libxencall normally, a fake Xen in tests
 * (xen_internal.h). Every pointer Xen is given, the op struct itself and
 * the insns, maps, log and trace pointers inside it, points at a hypercall
 * buffer; the caller's memory is copied in and out around the call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xencall.h>
#include <xentoollog.h>

#include "libxfo.h"
#include "libxfo_internal.h"
#include "xen_internal.h"

#define ERR_LEN		256

struct xfo_xen {
	const struct xfo_xen_backend *be;
	void *priv;
	char err[ERR_LEN];
};

/* ------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------ */

static const char *const bounce_names[] = {
	[XFO_BOUNCE_VERDICT] = "verdict",
	[XFO_BOUNCE_PROG_ERROR] = "prog_error",
	[XFO_BOUNCE_NOT_IN_REGION] = "not_in_region",
	[XFO_BOUNCE_CLASS_DENIED] = "class_denied",
	[XFO_BOUNCE_PRESENT] = "present",
	[XFO_BOUNCE_KERNEL_MODE] = "kernel_mode",
	[XFO_BOUNCE_NO_L1] = "no_l1",
	[XFO_BOUNCE_POOL_EMPTY] = "pool_empty",
	[XFO_BOUNCE_BAD_FRAME] = "bad_frame",
	[XFO_BOUNCE_PTE_UPDATE] = "pte_update",
	[XFO_BOUNCE_NOT_BUILT] = "not_built",
	[XFO_BOUNCE_RING_FULL] = "ring_full",
	[XFO_BOUNCE_PROT_DENIED] = "prot_denied",
};
_Static_assert(sizeof(bounce_names) / sizeof(bounce_names[0]) ==
	       XFO_BOUNCE_NR, "a name for every enum xfo_bounce_reason");

static const char *const class_names[] = {
	[XFO_CLASS_BOUNCE] = "bounce",
	[XFO_CLASS_ZERO_FILL] = "zero_fill",
	[XFO_CLASS_FAULT_AROUND] = "fault_around",
};
_Static_assert(sizeof(class_names) / sizeof(class_names[0]) ==
	       XFO_CLASS_MAX + 1, "a name for every fault class");

const char *xfo_bounce_reason_name(unsigned int reason)
{
	return reason < XFO_BOUNCE_NR ? bounce_names[reason] : NULL;
}

const char *xfo_class_name(unsigned int cls)
{
	return cls <= XFO_CLASS_MAX ? class_names[cls] : NULL;
}

/* Each op's name and, for "only the control domain may ...", its verb. */
static const struct {
	const char *name;
	const char *verb;
} op_names[] = {
	[XFOOP_version] = { "version", "query the xfo interface" },
	[XFOOP_load] = { "load", "load programs" },
	[XFOOP_attach] = { "attach", "attach programs" },
	[XFOOP_detach] = { "detach", "detach programs" },
	[XFOOP_stats] = { "stats", "read statistics" },
	[XFOOP_stats_reset] = { "stats_reset", "reset statistics" },
	[XFOOP_map_guest_areas] = { "map_guest_areas",
				    "register another domain's areas" },
	[XFOOP_unload] = { "unload", "unload programs" },
	[XFOOP_trace_read] = { "trace_read", "read trace buffers" },
	[XFOOP_unmap_guest_areas] = { "unmap_guest_areas",
				      "unmap another domain's areas" },
	[XFOOP_prog_list] = { "prog_list", "list programs" },
	[XFOOP_sync_guest_areas] = { "sync_guest_areas",
				     "wait for another domain's faults" },
};

const char *xfo_xen__op_name(unsigned int cmd)
{
	if (cmd >= sizeof(op_names) / sizeof(op_names[0]))
		return NULL;
	return op_names[cmd].name;
}

/* ------------------------------------------------------------------------
 * What an errno from Xen means: one table. The first row whose ops mask
 * holds the op and whose errno matches wins. In the text, {dom} is the
 * domain, {prog} the program, {op} the op's name and {verb} what it does.
 * ------------------------------------------------------------------------ */
#define OP(cmd)		(1u << (cmd))
#define OPS_ANY		0xffffffffu
#define OPS_DOMAIN	(OP(XFOOP_attach) | OP(XFOOP_detach) | \
			 OP(XFOOP_stats) | OP(XFOOP_stats_reset) | \
			 OP(XFOOP_trace_read) | OP(XFOOP_map_guest_areas) | \
			 OP(XFOOP_unmap_guest_areas))

static const struct {
	uint32_t ops;
	int err;
	const char *text;
} err_texts[] = {
	{ OPS_ANY, ENOSYS,
	  "this Xen has no xfo hypercall (built without CONFIG_XFO?)" },
	{ OPS_ANY, EPERM, "only the control domain may {verb}" },
	{ OPS_DOMAIN, ESRCH, "no domain {dom}" },
	{ OP(XFOOP_attach), EEXIST,
	  "domain {dom} already has a program; use --replace" },
	{ OP(XFOOP_attach) | OP(XFOOP_unload), ENOENT,
	  "no program {prog} is loaded in Xen" },
	{ OP(XFOOP_detach), ENOENT, "domain {dom} has no program attached" },
	{ OP(XFOOP_unload), EBUSY,
	  "program {prog} is still attached to a domain" },
	{ OP(XFOOP_load), EINVAL, "Xen's verifier refused the program" },
	{ OP(XFOOP_load), E2BIG,
	  "the program has more instructions or maps than Xen takes" },
	{ OP(XFOOP_load), ENOSPC,
	  "Xen holds as many programs as it can; unload some" },
	{ OP(XFOOP_attach), EOPNOTSUPP, "domain {dom} is not a PV domain "
	  "(xfo hooks PV page faults only)" },
	{ OP(XFOOP_trace_read), ENOBUFS,
	  "the buffer is too small for domain {dom}'s next trace record" },
	{ OP(XFOOP_map_guest_areas), EEXIST, "domain {dom}'s areas are "
	  "already mapped; disconnect it first" },
	{ OP(XFOOP_map_guest_areas), EINVAL, "Xen refused domain {dom}'s "
	  "areas (its console says why): a frame that is not the domain's "
	  "ordinary writable page or is given twice, a port that is not its "
	  "unbound or interdomain channel, bad ring headers or version, or "
	  "padding" },
	{ OP(XFOOP_map_guest_areas), EOPNOTSUPP, "this Xen does not "
	  "implement the map_guest_areas operation (no resolver built), or "
	  "domain {dom} is not a 64-bit PV domain" },
	{ OP(XFOOP_unmap_guest_areas), EOPNOTSUPP, "this Xen does not "
	  "implement the unmap_guest_areas operation (no resolver built)" },
	{ OP(XFOOP_prog_list), EOPNOTSUPP, "this Xen cannot list its "
	  "programs (xfo interface 1.0; 1.1 can)" },
	{ OPS_ANY, EINVAL, "Xen refused the {op} request as malformed "
	  "(nonzero padding, an unknown flag or a bad field)" },
	{ OPS_ANY, EOPNOTSUPP,
	  "this Xen does not implement the {op} operation" },
	{ OPS_ANY, ENOMEM, "Xen is out of memory" },
	{ OPS_ANY, EFAULT, "Xen could not access a buffer of the request" },
};

static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len + 1 >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

static const char *errno_str(int err)
{
	const char *name = strerrorname_np(err < 0 ? -err : err);

	return name ? name : "unknown errno";
}

void xfo_xen__strerror(unsigned int cmd, int err, uint16_t domid,
		       uint32_t prog_id, char *buf, size_t size)
{
	const char *op = xfo_xen__op_name(cmd);
	const char *text = NULL, *p;
	size_t i, len = 0;
	int e = err < 0 ? -err : err;

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(err_texts) / sizeof(err_texts[0]); i++) {
		if (err_texts[i].err != e)
			continue;
		if (cmd < 32 ? !(err_texts[i].ops & OP(cmd))
			     : err_texts[i].ops != OPS_ANY)
			continue;
		text = err_texts[i].text;
		break;
	}
	if (!text) {
		if (op)
			append(buf, size, &len, "XFOOP_%s failed: %s (%s)", op,
			       strerror(e), errno_str(e));
		else
			append(buf, size, &len, "xfo op %u failed: %s (%s)",
			       cmd, strerror(e), errno_str(e));
		return;
	}
	for (p = text; *p; ) {
		if (!strncmp(p, "{dom}", 5)) {
			append(buf, size, &len, "%u", domid);
			p += 5;
		} else if (!strncmp(p, "{prog}", 6)) {
			append(buf, size, &len, "%u", prog_id);
			p += 6;
		} else if (!strncmp(p, "{op}", 4)) {
			if (op)
				append(buf, size, &len, "%s", op);
			else
				append(buf, size, &len, "%u", cmd);
			p += 4;
		} else if (!strncmp(p, "{verb}", 6)) {
			if (op)
				append(buf, size, &len, "%s",
				       op_names[cmd].verb);
			else
				append(buf, size, &len, "use op %u", cmd);
			p += 6;
		} else {
			const char *brace = strchr(p + 1, '{');
			size_t n = brace ? (size_t)(brace - p) : strlen(p);

			append(buf, size, &len, "%.*s", (int)n, p);
			p += n;
		}
	}
	append(buf, size, &len, " (%s)", errno_str(e));
}

/* Records what err from cmd means in x and returns err. */
static int xen_fail(struct xfo_xen *x, unsigned int cmd, int err,
		    uint16_t domid, uint32_t prog_id)
{
	xfo_xen__strerror(cmd, err, domid, prog_id, x->err, sizeof(x->err));
	return err;
}

static int local_fail(struct xfo_xen *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int local_fail(struct xfo_xen *x, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->err, sizeof(x->err), fmt, ap);
	va_end(ap);
	return err;
}

const char *xfo_xen__errstr(const struct xfo_xen *x)
{
	return x ? x->err : "no Xen handle";
}

/* ------------------------------------------------------------------------
 * The libxencall backend
 * ------------------------------------------------------------------------ */

struct xencall_priv {
	/* First: libxencall calls back with a pointer to it. */
	struct xentoollog_logger logger;
	xencall_handle *xch;
	char msg[ERR_LEN];	/* libxencall's last error message */
};

static void xc_vmessage(struct xentoollog_logger *logger,
			xentoollog_level level, int errnoval,
			const char *context, const char *format, va_list al)
{
	struct xencall_priv *p = (struct xencall_priv *)logger;
	size_t len;

	if (level < XTL_ERROR)
		return;
	vsnprintf(p->msg, sizeof(p->msg), format, al);
	len = strlen(p->msg);
	if (errnoval > 0 && len + 1 < sizeof(p->msg))
		snprintf(p->msg + len, sizeof(p->msg) - len, ": %s",
			 strerror(errnoval));
}

static void xc_progress(struct xentoollog_logger *logger, const char *context,
			const char *doing_what, int percent,
			unsigned long done, unsigned long total)
{
}

static void xc_destroy(struct xentoollog_logger *logger)
{
}

static void *xc_alloc(void *priv, size_t size)
{
	struct xencall_priv *p = priv;

	return xencall_alloc_buffer(p->xch, size ? size : 1);
}

static void xc_free(void *priv, void *buf)
{
	struct xencall_priv *p = priv;

	if (buf)
		xencall_free_buffer(p->xch, buf);
}

static int xc_op(void *priv, unsigned int cmd, void *arg)
{
	struct xencall_priv *p = priv;
	int ret;

	errno = 0;
	ret = xencall2(p->xch, __HYPERVISOR_xfo_op, cmd, (uintptr_t)arg);
	if (ret < 0)
		return errno > 0 ? -errno : -EIO;
	return ret;
}

static void xc_close(void *priv)
{
	struct xencall_priv *p = priv;

	xencall_close(p->xch);
	free(p);
}

static const struct xfo_xen_backend xencall_backend = {
	.alloc = xc_alloc,
	.free = xc_free,
	.op = xc_op,
	.close = xc_close,
};

#define PRIVCMD		"/dev/xen/privcmd"
#define PRIVCMD_PROC	"/proc/xen/privcmd"

/*
 * Why libxencall could not open privcmd, in words: it only says that it
 * could not. It tries PRIVCMD, then PRIVCMD_PROC when there is no device.
 */
static void privcmd_diagnose(int e, const char *msg, char *err,
			     size_t err_size)
{
	int fd;

	fd = open(PRIVCMD, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		xfo_set_err(err, err_size, "libxencall cannot open %s: %s",
			PRIVCMD, msg[0] ? msg : strerror(e));
		return;
	}
	e = errno;
	if (e == ENOENT || e == ENXIO || e == ENODEV) {
		fd = open(PRIVCMD_PROC, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		else if (errno == EACCES || errno == EPERM)
			e = errno;
	}
	if (e == EACCES || e == EPERM)
		xfo_set_err(err, err_size, "cannot open %s: %s (the xfo "
			"control operations need root in the control domain)",
			PRIVCMD, strerror(e));
	else
		xfo_set_err(err, err_size, "not running in a Xen domain with "
			"privcmd: %s: %s", PRIVCMD, strerror(e));
}

int xfo_xen__open(struct xfo_xen **x, char *err, size_t err_size)
{
	struct xencall_priv *p;
	int ret;

	xfo_set_err(err, err_size, "%s", "");
	if (!x)
		return -EINVAL;
	*x = NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		xfo_set_err(err, err_size, "out of memory");
		return -ENOMEM;
	}
	p->logger.vmessage = xc_vmessage;
	p->logger.progress = xc_progress;
	p->logger.destroy = xc_destroy;
	errno = 0;
	p->xch = xencall_open(&p->logger, 0);
	if (!p->xch) {
		ret = errno > 0 ? -errno : -ENODEV;
		privcmd_diagnose(-ret, p->msg, err, err_size);
		free(p);
		return ret;
	}
	ret = xfo_xen__open_backend(x, &xencall_backend, p, err, err_size);
	if (ret)
		xc_close(p);
	return ret;
}

int xfo_xen__open_backend(struct xfo_xen **x,
			  const struct xfo_xen_backend *backend, void *priv,
			  char *err, size_t err_size)
{
	struct xfo_xen *h;

	if (!x || !backend || !backend->alloc || !backend->free ||
	    !backend->op) {
		xfo_set_err(err, err_size, "bad backend");
		return -EINVAL;
	}
	*x = NULL;
	h = calloc(1, sizeof(*h));
	if (!h) {
		xfo_set_err(err, err_size, "out of memory");
		return -ENOMEM;
	}
	h->be = backend;
	h->priv = priv;
	*x = h;
	return 0;
}

void xfo_xen__close(struct xfo_xen *x)
{
	if (!x)
		return;
	if (x->be->close)
		x->be->close(x->priv);
	free(x);
}

/* ------------------------------------------------------------------------
 * Hypercall buffers
 * ------------------------------------------------------------------------ */

void *xfo_xen__buf_alloc(struct xfo_xen *x, size_t size)
{
	void *p;

	if (!x)
		return NULL;
	p = x->be->alloc(x->priv, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void xfo_xen__buf_free(struct xfo_xen *x, void *p)
{
	if (x && p)
		x->be->free(x->priv, p);
}

/* A hypercall buffer holding a copy of size bytes at src (or zeros). */
static void *buf_copy(struct xfo_xen *x, const void *src, size_t size)
{
	void *p = xfo_xen__buf_alloc(x, size);

	if (p && src && size)
		memcpy(p, src, size);
	return p;
}

static int no_mem(struct xfo_xen *x, size_t size)
{
	return local_fail(x, -ENOMEM, "cannot allocate %zu bytes of "
			  "hypercall buffer", size);
}

/*
 * Issues cmd with a copy of the size bytes at arg (a NULL argument when
 * there are none) and copies the result back. Returns Xen's answer, or
 * -ENOMEM (recorded) when there is no buffer.
 */
static int copy_call(struct xfo_xen *x, unsigned int cmd, void *arg,
		     size_t size, bool *called)
{
	void *buf = NULL;
	int ret;

	*called = false;
	if (arg && size) {
		buf = buf_copy(x, arg, size);
		if (!buf)
			return no_mem(x, size);
	}
	ret = x->be->op(x->priv, cmd, buf);
	*called = true;
	if (buf) {
		memcpy(arg, buf, size);
		xfo_xen__buf_free(x, buf);
	}
	return ret;
}

/* copy_call(), recording what a refusal means for domid and prog_id. */
static int call_copy(struct xfo_xen *x, unsigned int cmd, void *arg,
		     size_t size, uint16_t domid, uint32_t prog_id)
{
	bool called;
	int ret = copy_call(x, cmd, arg, size, &called);

	if (ret < 0 && called)
		xen_fail(x, cmd, ret, domid, prog_id);
	return ret;
}

/* ------------------------------------------------------------------------
 * The operations
 * ------------------------------------------------------------------------ */

#define CHECK_HANDLE(x)	do { if (!(x)) return -EINVAL; } while (0)

int xfo_xen__raw_op(struct xfo_xen *x, unsigned int cmd, void *arg,
		    size_t size)
{
	const char *name = xfo_xen__op_name(cmd);
	bool called;
	int ret;

	CHECK_HANDLE(x);
	ret = copy_call(x, cmd, arg, size, &called);
	if (ret < 0 && called)
		local_fail(x, ret, "xfo op %u (%s) returned %d (%s)", cmd,
			   name ? name : "unknown", ret, errno_str(ret));
	return ret;
}

int xfo_xen__version(struct xfo_xen *x, struct xfo_op_version *ver)
{
	struct xfo_op_version v;
	int ret;

	CHECK_HANDLE(x);
	memset(&v, 0, sizeof(v));
	ret = call_copy(x, XFOOP_version, &v, sizeof(v), 0, 0);
	if (ret < 0)
		return ret;
	if (ver)
		*ver = v;
	return 0;
}

int xfo_xen__load(struct xfo_xen *x, const struct xfo_bytecode *prog,
		  const char *name, uint32_t *prog_id, char *log,
		  size_t log_size)
{
	struct xfo_op_load *op = NULL;
	void *insns = NULL, *maps = NULL;
	char *hlog = NULL;
	size_t insns_size, maps_size, len;
	int ret;

	CHECK_HANDLE(x);
	if (log && log_size)
		log[0] = '\0';
	else
		log_size = 0;
	if (!prog || (prog->insn_cnt && !prog->insns) ||
	    (prog->map_cnt && !prog->maps))
		return local_fail(x, -EINVAL, "no program to load");
	if (log_size > UINT32_MAX)
		log_size = UINT32_MAX;
	insns_size = (size_t)prog->insn_cnt * sizeof(struct ebpf_insn);
	maps_size = (size_t)prog->map_cnt * sizeof(struct xfo_map_def);
	if (insns_size / sizeof(struct ebpf_insn) != prog->insn_cnt ||
	    maps_size / sizeof(struct xfo_map_def) != prog->map_cnt)
		return local_fail(x, -E2BIG, "the program is too large");

	ret = -ENOMEM;
	op = xfo_xen__buf_alloc(x, sizeof(*op));
	if (!op) {
		no_mem(x, sizeof(*op));
		goto out;
	}
	if (insns_size) {
		insns = buf_copy(x, prog->insns, insns_size);
		if (!insns) {
			no_mem(x, insns_size);
			goto out;
		}
	}
	if (maps_size) {
		maps = buf_copy(x, prog->maps, maps_size);
		if (!maps) {
			no_mem(x, maps_size);
			goto out;
		}
	}
	if (log_size) {
		hlog = xfo_xen__buf_alloc(x, log_size);
		if (!hlog) {
			no_mem(x, log_size);
			goto out;
		}
	}

	op->insns = (uintptr_t)insns;
	op->maps = (uintptr_t)maps;
	op->log = (uintptr_t)hlog;
	op->insn_cnt = prog->insn_cnt;
	op->map_cnt = prog->map_cnt;
	op->log_size = (uint32_t)log_size;
	if (name)
		strncpy(op->name, name, sizeof(op->name) - 1);

	ret = x->be->op(x->priv, XFOOP_load, op);
	if (log_size) {
		/* log_len counts the NUL; without it, the text up to one. */
		len = op->log_len ? op->log_len : strnlen(hlog, log_size);
		if (len > log_size)
			len = log_size;
		memcpy(log, hlog, len);
		log[len < log_size ? len : log_size - 1] = '\0';
	}
	if (ret < 0) {
		xen_fail(x, XFOOP_load, ret, 0, 0);
		goto out;
	}
	if (prog_id)
		*prog_id = op->prog_id;
	ret = 0;
out:
	xfo_xen__buf_free(x, hlog);
	xfo_xen__buf_free(x, maps);
	xfo_xen__buf_free(x, insns);
	xfo_xen__buf_free(x, op);
	return ret;
}

int xfo_xen__unload(struct xfo_xen *x, uint32_t prog_id)
{
	struct xfo_op_unload op = { .prog_id = prog_id };
	int ret;

	CHECK_HANDLE(x);
	ret = call_copy(x, XFOOP_unload, &op, sizeof(op), 0, prog_id);
	return ret < 0 ? ret : 0;
}

int xfo_xen__attach(struct xfo_xen *x, uint16_t domid, uint32_t prog_id,
		    bool replace, uint32_t *old_prog_id)
{
	struct xfo_op_attach op = {
		.domid = domid,
		.flags = replace ? XFO_ATTACH_REPLACE : 0,
		.prog_id = prog_id,
	};
	int ret;

	CHECK_HANDLE(x);
	if (old_prog_id)
		*old_prog_id = 0;
	ret = call_copy(x, XFOOP_attach, &op, sizeof(op), domid, prog_id);
	if (ret < 0)
		return ret;
	if (old_prog_id)
		*old_prog_id = op.old_prog_id;
	return 0;
}

/* detach and stats_reset: struct xfo_op_domain. */
static int domain_op(struct xfo_xen *x, unsigned int cmd, uint16_t domid)
{
	struct xfo_op_domain op = { .domid = domid };
	int ret;

	CHECK_HANDLE(x);
	ret = call_copy(x, cmd, &op, sizeof(op), domid, 0);
	return ret < 0 ? ret : 0;
}

int xfo_xen__detach(struct xfo_xen *x, uint16_t domid)
{
	return domain_op(x, XFOOP_detach, domid);
}

int xfo_xen__stats_reset(struct xfo_xen *x, uint16_t domid)
{
	return domain_op(x, XFOOP_stats_reset, domid);
}

int xfo_xen__stats(struct xfo_xen *x, uint16_t domid,
		   struct xfo_op_stats *st)
{
	struct xfo_op_stats op;
	int ret;

	CHECK_HANDLE(x);
	memset(&op, 0, sizeof(op));
	op.domid = domid;
	ret = call_copy(x, XFOOP_stats, &op, sizeof(op), domid, 0);
	if (ret < 0)
		return ret;
	op.prog_name[XFO_NAME_LEN - 1] = '\0';
	if (st)
		*st = op;
	return 0;
}

int xfo_xen__trace_read(struct xfo_xen *x, uint16_t domid, void *buf,
			size_t size, uint32_t *len, uint32_t *dropped)
{
	struct xfo_op_trace *op = NULL;
	void *hbuf = NULL;
	uint32_t n;
	int ret = -ENOMEM;

	CHECK_HANDLE(x);
	if (len)
		*len = 0;
	if (dropped)
		*dropped = 0;
	if (!buf && size)
		return local_fail(x, -EINVAL, "no buffer for the trace");
	if (size > UINT32_MAX)
		size = UINT32_MAX;
	op = xfo_xen__buf_alloc(x, sizeof(*op));
	if (!op) {
		no_mem(x, sizeof(*op));
		goto out;
	}
	if (size) {
		hbuf = xfo_xen__buf_alloc(x, size);
		if (!hbuf) {
			no_mem(x, size);
			goto out;
		}
	}
	op->buf = (uintptr_t)hbuf;
	op->size = (uint32_t)size;
	op->domid = domid;
	ret = x->be->op(x->priv, XFOOP_trace_read, op);
	if (ret < 0) {
		xen_fail(x, XFOOP_trace_read, ret, domid, 0);
		goto out;
	}
	n = op->len < size ? op->len : (uint32_t)size;
	if (n)
		memcpy(buf, hbuf, n);
	if (len)
		*len = n;
	if (dropped)
		*dropped = op->dropped;
	ret = 0;
out:
	xfo_xen__buf_free(x, hbuf);
	xfo_xen__buf_free(x, op);
	return ret;
}

int xfo_xen__map_guest_areas(struct xfo_xen *x,
			     const struct xfo_op_guest_areas *areas)
{
	struct xfo_op_guest_areas op;
	int ret;

	CHECK_HANDLE(x);
	if (!areas)
		return local_fail(x, -EINVAL, "no guest areas to map");
	/* Field by field: the padding Xen sees is zero whatever the
	 * caller's struct holds. */
	memset(&op, 0, sizeof(op));
	op.region_table_frame = areas->region_table_frame;
	op.pool_ring_frame = areas->pool_ring_frame;
	op.completion_ring_frame = areas->completion_ring_frame;
	op.evtchn = areas->evtchn;
	op.version = areas->version;
	op.domid = areas->domid;
	ret = call_copy(x, XFOOP_map_guest_areas, &op, sizeof(op), op.domid,
			0);
	return ret < 0 ? ret : 0;
}

int xfo_xen__unmap_guest_areas(struct xfo_xen *x, uint16_t domid)
{
	return domain_op(x, XFOOP_unmap_guest_areas, domid);
}

/* Programs asked for per call: Xen holds at most 64. */
#define PROG_LIST_CHUNK	64u

int xfo_xen__prog_list(struct xfo_xen *x, struct xfo_prog_info **progs,
		       uint32_t *nr)
{
	struct xfo_op_prog_list *op = NULL;
	struct xfo_prog_info *buf = NULL, *all = NULL, *grown;
	size_t size = PROG_LIST_CHUNK * sizeof(*buf);
	uint32_t n = 0, i, first = 0;
	int ret = -ENOMEM;

	CHECK_HANDLE(x);
	if (!progs || !nr)
		return local_fail(x, -EINVAL, "nowhere to put the programs");
	*progs = NULL;
	*nr = 0;
	op = xfo_xen__buf_alloc(x, sizeof(*op));
	buf = xfo_xen__buf_alloc(x, size);
	if (!op || !buf) {
		no_mem(x, op ? size : sizeof(*op));
		goto out;
	}
	for (;;) {
		memset(op, 0, sizeof(*op));
		op->progs = (uintptr_t)buf;
		op->max = PROG_LIST_CHUNK;
		op->first_id = first;
		ret = x->be->op(x->priv, XFOOP_prog_list, op);
		if (ret < 0) {
			xen_fail(x, XFOOP_prog_list, ret, 0, 0);
			goto out;
		}
		if (op->nr > op->max || op->nr > op->total) {
			ret = local_fail(x, -EPROTO, "Xen listed %u programs "
					 "of %u for room for %u", op->nr,
					 op->total, op->max);
			goto out;
		}
		if (op->nr) {
			grown = realloc(all, (n + op->nr) * sizeof(*all));
			if (!grown) {
				ret = local_fail(x, -ENOMEM, "out of memory");
				goto out;
			}
			all = grown;
		}
		for (i = 0; i < op->nr; i++) {
			/* Ascending, each once, even if Xen misbehaves. */
			if (buf[i].prog_id < first)
				continue;
			all[n] = buf[i];
			all[n].name[XFO_NAME_LEN - 1] = '\0';
			first = buf[i].prog_id + 1;
			n++;
		}
		if (op->nr == op->total || !op->nr || !first)
			break;
	}
	*progs = all;
	*nr = n;
	all = NULL;
	ret = 0;
out:
	free(all);
	xfo_xen__buf_free(x, buf);
	xfo_xen__buf_free(x, op);
	return ret;
}
