// SPDX-License-Identifier: MIT
/*
 * dom0's side of the guest handshake (libxfo.h, "The guest handshake"):
 * the keys a guest's module publishes in /local/domain/<domid>/data/xfo,
 * read through libxenstore and checked before Xen is asked to map the
 * frames they name, and dom0's answer, backend-state.
 *
 * The keys are the guest's: every value is untrusted text. Each is read
 * with its length, must be short, NUL-free and in its exact syntax
 * (decimal without sign or leading zeros; the version as "0x" and hex
 * digits), and numbers are range-checked. Xen checks the frames again.
 * The answer is written in a transaction that first reads the keys
 * again, so an answer never lands on keys other than those it is for
 * (a module reloaded meanwhile) or on a domain that is gone.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "libxfo.h"
#include "libxfo_internal.h"

#define XFO_STR_(x)	#x
#define XFO_STR(x)	XFO_STR_(x)

#define TXN_TRIES	16
#define POLL_MS		100

struct xfo_xs {
	struct xs_handle *h;
	char err[XFO_GUEST_ERR_LEN];
};

static const char *const key_names[XFO_GK_NR] = {
	[XFO_GK_STATE] = XFO_XS_STATE,
	[XFO_GK_VERSION] = XFO_XS_VERSION,
	[XFO_GK_TABLE] = XFO_XS_REGION_TABLE,
	[XFO_GK_POOL] = XFO_XS_POOL_RING,
	[XFO_GK_COMPLETION] = XFO_XS_COMPLETION_RING,
	[XFO_GK_EVTCHN] = XFO_XS_EVTCHN,
	[XFO_GK_BACKEND_STATE] = XFO_XS_BACKEND_STATE,
	[XFO_GK_BACKEND_ERROR] = XFO_XS_BACKEND_ERROR,
};

static const char *const state_names[] = {
	[0] = "Unknown",
	[XFO_XS_STATE_INITIALISING] = "Initialising",
	[XFO_XS_STATE_INITWAIT] = "InitWait",
	[XFO_XS_STATE_INITIALISED] = "Initialised",
	[XFO_XS_STATE_CONNECTED] = "Connected",
	[XFO_XS_STATE_CLOSING] = "Closing",
	[XFO_XS_STATE_CLOSED] = "Closed",
};

const char *xfo_guest__key_name(unsigned int key)
{
	return key < XFO_GK_NR ? key_names[key] : NULL;
}

const char *xfo_guest__state_name(unsigned int state)
{
	if (state >= sizeof(state_names) / sizeof(state_names[0]))
		return "Unknown";
	return state_names[state];
}

/* ------------------------------------------------------------------------
 * Parsing: no xenstore here, so tests can feed any text.
 * ------------------------------------------------------------------------ */

/* The value as it may be quoted in a message: printable, cut short. */
static void quote(const char *v, char *out, size_t size)
{
	size_t i, n = 0;

	for (i = 0; v[i] && n + 5 < size; i++) {
		unsigned char c = (unsigned char)v[i];

		if (i == 32) {
			n += (size_t)snprintf(out + n, size - n, "...");
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	out[n] = '\0';
}

/* Decimal, no sign, no leading zero, no space, at most max. */
static int parse_dec(const char *v, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;
	const char *p = v;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1]))
		return -EINVAL;
	for (; *p; p++) {
		unsigned int d;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		d = (unsigned int)(*p - '0');
		if (n > (max - d) / 10)
			return -ERANGE;
		n = n * 10 + d;
	}
	*out = n;
	return 0;
}

/* "0x" and 1..8 hex digits. */
static int parse_version(const char *v, uint32_t *out)
{
	uint32_t n = 0;
	size_t i;

	if (v[0] != '0' || (v[1] != 'x' && v[1] != 'X') || !v[2] ||
	    strlen(v + 2) > 8)
		return -EINVAL;
	for (i = 2; v[i]; i++) {
		char c = v[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
		n = n << 4 | d;
	}
	*out = n;
	return 0;
}

static int bad_key(char *err, size_t size, unsigned int key, const char *v,
		   const char *why)
{
	char q[160];

	quote(v, q, sizeof(q));
	xfo_set_err(err, size, "%s/%s is '%s': %s", XFO_XS_DIR,
		key_names[key], q, why);
	return -EINVAL;
}

int xfo_guest__parse(const char *const val[XFO_GK_NR], uint16_t domid,
		     struct xfo_guest_keys *k, char *err, size_t err_size)
{
	static const unsigned int frames[] = {
		XFO_GK_TABLE, XFO_GK_POOL, XFO_GK_COMPLETION,
	};
	uint64_t *fp[3];
	uint64_t n;
	unsigned int i, j;
	int ret;

	xfo_set_err(err, err_size, "%s", "");
	memset(k, 0, sizeof(*k));
	k->domid = domid;
	k->backend_state = -1;
	fp[0] = &k->region_table_frame;
	fp[1] = &k->pool_ring_frame;
	fp[2] = &k->completion_ring_frame;

	/* dom0's own keys first: they are shown even when the guest's are
	 * bad. A backend-state that is not a number counts as none. */
	if (val[XFO_GK_BACKEND_STATE] &&
	    !parse_dec(val[XFO_GK_BACKEND_STATE], XFO_XS_STATE_MAX, &n))
		k->backend_state = (int)n;
	if (val[XFO_GK_BACKEND_ERROR])
		quote(val[XFO_GK_BACKEND_ERROR], k->backend_error,
		      sizeof(k->backend_error));

	if (!val[XFO_GK_STATE]) {
		xfo_set_err(err, err_size, "%s/%s is missing", XFO_XS_DIR,
			    XFO_XS_STATE);
		return -ENOENT;
	}
	if (parse_dec(val[XFO_GK_STATE], UINT32_MAX, &n) || !n ||
	    n > XFO_XS_STATE_MAX)
		return bad_key(err, err_size, XFO_GK_STATE,
			       val[XFO_GK_STATE], "not a XenbusState (1.."
			       XFO_STR(XFO_XS_STATE_MAX) ")");
	k->state = (uint32_t)n;
	/* Before Initialised the guest is still writing its keys. */
	if (k->state < XFO_XS_STATE_INITIALISED)
		return 0;

	for (i = XFO_GK_VERSION; i <= XFO_GK_EVTCHN; i++) {
		if (!val[i]) {
			xfo_set_err(err, err_size, "%s/%s is missing",
				XFO_XS_DIR, key_names[i]);
			return -EINVAL;
		}
	}
	if (parse_version(val[XFO_GK_VERSION], &k->version))
		return bad_key(err, err_size, XFO_GK_VERSION,
			       val[XFO_GK_VERSION],
			       "not an interface version (0x and up to 8 hex "
			       "digits)");
	for (i = 0; i < 3; i++) {
		const char *v = val[frames[i]];

		ret = parse_dec(v, XFO_GUEST_FRAME_MAX, fp[i]);
		if (ret == -ERANGE)
			return bad_key(err, err_size, frames[i], v,
				       "beyond the largest machine frame");
		if (ret)
			return bad_key(err, err_size, frames[i], v,
				       "not a decimal frame number");
		if (!*fp[i])
			return bad_key(err, err_size, frames[i], v,
				       "frame 0 is never a guest's page");
		for (j = 0; j < i; j++)
			if (*fp[j] == *fp[i])
				return bad_key(err, err_size, frames[i], v,
					       "the same frame as another "
					       "area");
	}
	ret = parse_dec(val[XFO_GK_EVTCHN], XFO_GUEST_EVTCHN_MAX, &n);
	if (ret == -ERANGE)
		return bad_key(err, err_size, XFO_GK_EVTCHN,
			       val[XFO_GK_EVTCHN], "beyond the last port");
	if (ret || !n)
		return bad_key(err, err_size, XFO_GK_EVTCHN,
			       val[XFO_GK_EVTCHN],
			       "not a port number (decimal, 1 or more)");
	k->evtchn = (uint32_t)n;
	return 0;
}

int xfo_guest__check(const struct xfo_guest_keys *k, char *err,
		     size_t err_size)
{
	xfo_set_err(err, err_size, "%s", "");
	if (k->state != XFO_XS_STATE_INITIALISED) {
		xfo_set_err(err, err_size, "domain %u's state is %u (%s), "
			"not 3 (Initialised)", k->domid, k->state,
			xfo_guest__state_name(k->state));
		return -EAGAIN;
	}
	if (XFO_INTERFACE_MAJOR(k->version) !=
	    XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION)) {
		xfo_set_err(err, err_size, "domain %u speaks xfo interface "
			"%u.%u (0x%08x), this dom0 %u.%u: the major versions "
			"differ",
			k->domid, XFO_INTERFACE_MAJOR(k->version),
			XFO_INTERFACE_MINOR(k->version), k->version,
			XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION),
			XFO_INTERFACE_MINOR(XFO_INTERFACE_VERSION));
		return -EPROTO;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * xenstore
 * ------------------------------------------------------------------------ */

int xfo_xs__open(struct xfo_xs **xs, char *err, size_t err_size)
{
	struct xfo_xs *s;
	int e;

	xfo_set_err(err, err_size, "%s", "");
	if (!xs)
		return -EINVAL;
	*xs = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		xfo_set_err(err, err_size, "out of memory");
		return -ENOMEM;
	}
	errno = 0;
	s->h = xs_open(0);
	if (!s->h) {
		e = errno > 0 ? errno : EIO;
		xfo_set_err(err, err_size, "cannot open xenstore: %s "
			"(xenstored must run, and the handshake needs root in "
			"the control domain)", strerror(e));
		free(s);
		return -e;
	}
	*xs = s;
	return 0;
}

void xfo_xs__close(struct xfo_xs *xs)
{
	if (!xs)
		return;
	xs_close(xs->h);
	free(xs);
}

const char *xfo_xs__errstr(const struct xfo_xs *xs)
{
	return xs ? xs->err : "no xenstore handle";
}

static int xs_fail(struct xfo_xs *xs, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int xs_fail(struct xfo_xs *xs, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(xs->err, sizeof(xs->err), fmt, ap);
	va_end(ap);
	return err;
}

static void dir_path(char *buf, size_t size, uint16_t domid, const char *key)
{
	if (key)
		snprintf(buf, size, "/local/domain/%u/%s/%s", domid,
			 XFO_XS_DIR, key);
	else
		snprintf(buf, size, "/local/domain/%u/%s", domid, XFO_XS_DIR);
}

/*
 * Reads one node in t: 0 and *out (malloc'd, or NULL when absent),
 * -EINVAL when the value is too long or holds a NUL, another -errno when
 * xenstore fails.
 */
static int read_node(struct xfo_xs *xs, xs_transaction_t t, const char *path,
		     size_t max, char **out)
{
	unsigned int len = 0;
	char *v;

	*out = NULL;
	errno = 0;
	v = xs_read(xs->h, t, path, &len);
	if (!v) {
		if (errno == ENOENT)
			return 0;
		return xs_fail(xs, errno > 0 ? -errno : -EIO, "reading %s: %s",
			       path, strerror(errno > 0 ? errno : EIO));
	}
	if (len > max || strlen(v) != len) {
		xs_fail(xs, -EINVAL, "%s: %u bytes%s, more than a value of "
			"this key can be", path, len,
			strlen(v) != len ? " with a NUL byte" : "");
		free(v);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* The longest value of a key dom0 takes; backend-error may be longer. */
#define VAL_MAX		32
#define ERROR_VAL_MAX	1024

/*
 * One snapshot of the directory in t: raw values in val[] (malloc'd or
 * NULL). -ESRCH: no such domain; -ENOENT: no directory.
 */
static int read_raw(struct xfo_xs *xs, xs_transaction_t t, uint16_t domid,
		    char *val[XFO_GK_NR])
{
	char path[128], *dir;
	unsigned int i;
	int ret;

	memset(val, 0, sizeof(char *) * XFO_GK_NR);
	dir_path(path, sizeof(path), domid, NULL);
	ret = read_node(xs, t, path, ERROR_VAL_MAX, &dir);
	if (ret)
		return ret;
	if (!dir) {
		snprintf(path, sizeof(path), "/local/domain/%u", domid);
		ret = read_node(xs, t, path, ERROR_VAL_MAX, &dir);
		if (ret)
			return ret;
		if (!dir)
			return xs_fail(xs, -ESRCH, "no domain %u in xenstore "
				       "(%s does not exist)", domid, path);
		free(dir);
		return xs_fail(xs, -ENOENT, "domain %u has published nothing "
			       "in %s/%s: is xfo_guest.ko loaded in it?",
			       domid, path, XFO_XS_DIR);
	}
	free(dir);
	for (i = 0; i < XFO_GK_NR; i++) {
		dir_path(path, sizeof(path), domid, key_names[i]);
		ret = read_node(xs, t, path, i == XFO_GK_BACKEND_ERROR ?
				ERROR_VAL_MAX : VAL_MAX, &val[i]);
		if (ret == -EINVAL) {
			/* Too long for its syntax: a malformed value. */
			val[i] = strdup("(too long or with a NUL byte)");
			if (!val[i])
				ret = -ENOMEM;
			else
				ret = 0;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static void free_raw(char *val[XFO_GK_NR])
{
	unsigned int i;

	for (i = 0; i < XFO_GK_NR; i++) {
		free(val[i]);
		val[i] = NULL;
	}
}

/* The guest's keys, as raw text, for the staleness check of answer(). */
static void keep_raw(struct xfo_guest_keys *k, char *const val[XFO_GK_NR])
{
	unsigned int i;

	for (i = 0; i <= XFO_GK_EVTCHN; i++) {
		k->raw_present[i] = val[i] != NULL;
		snprintf(k->raw[i], sizeof(k->raw[i]), "%s",
			 val[i] ? val[i] : "");
	}
}

static bool same_raw(const struct xfo_guest_keys *k, char *const val[XFO_GK_NR])
{
	unsigned int i;

	for (i = 0; i <= XFO_GK_EVTCHN; i++) {
		if (k->raw_present[i] != (val[i] != NULL))
			return false;
		if (val[i] && strcmp(k->raw[i], val[i]))
			return false;
	}
	return true;
}

static xs_transaction_t txn_start(struct xfo_xs *xs)
{
	xs_transaction_t t;

	errno = 0;
	t = xs_transaction_start(xs->h);
	if (t == XBT_NULL)
		xs_fail(xs, errno > 0 ? -errno : -EIO, "cannot start a "
			"xenstore transaction: %s",
			strerror(errno > 0 ? errno : EIO));
	return t;
}

/* Ends t: 0, -EAGAIN (conflict: try again) or another -errno. */
static int txn_end(struct xfo_xs *xs, xs_transaction_t t, bool abort)
{
	errno = 0;
	if (xs_transaction_end(xs->h, t, abort))
		return 0;
	if (abort)
		return 0;
	if (errno == EAGAIN)
		return -EAGAIN;
	return xs_fail(xs, errno > 0 ? -errno : -EIO, "ending a xenstore "
		       "transaction: %s", strerror(errno > 0 ? errno : EIO));
}

int xfo_guest__read(struct xfo_xs *xs, uint16_t domid,
		    struct xfo_guest_keys *k)
{
	char *val[XFO_GK_NR];
	xs_transaction_t t;
	unsigned int tries;
	int ret = -EAGAIN, pret = 0, end;

	if (!xs || !k)
		return -EINVAL;
	xs->err[0] = '\0';
	memset(k, 0, sizeof(*k));
	k->domid = domid;
	k->backend_state = -1;
	for (tries = 0; tries < TXN_TRIES && ret == -EAGAIN; tries++) {
		t = txn_start(xs);
		if (t == XBT_NULL)
			return -EIO;
		ret = read_raw(xs, t, domid, val);
		if (!ret) {
			pret = xfo_guest__parse((const char *const *)val,
						domid, k, xs->err,
						sizeof(xs->err));
			keep_raw(k, val);
		}
		free_raw(val);
		end = txn_end(xs, t, ret != 0);
		if (!ret)
			ret = end;
	}
	if (ret == -EAGAIN)
		return xs_fail(xs, -EBUSY, "the keys of domain %u kept "
			       "changing while they were read", domid);
	if (ret)
		return ret;
	return pret;
}

int xfo_guest__wait(struct xfo_xs *xs, uint16_t domid, unsigned int timeout_ms,
		    struct xfo_guest_keys *k)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = POLL_MS * 1000000L };
	unsigned int waited = 0;
	int ret;

	for (;;) {
		ret = xfo_guest__read(xs, domid, k);
		/* Malformed keys are final; so is a xenstore failure. Not
		 * there yet, not in state 3 yet: wait. */
		if (!ret) {
			ret = xfo_guest__check(k, xs->err, sizeof(xs->err));
			if (ret != -EAGAIN)
				return ret;
			if (k->state == XFO_XS_STATE_CONNECTED &&
			    k->backend_state == XFO_XS_STATE_CONNECTED)
				return ret;
		} else if (ret != -ENOENT && ret != -ESRCH) {
			return ret;
		}
		if (waited >= timeout_ms)
			return ret;
		nanosleep(&ts, NULL);
		waited += POLL_MS;
	}
}

int xfo_guest__answer(struct xfo_xs *xs, const struct xfo_guest_keys *k,
		      unsigned int backend_state, const char *error)
{
	char *val[XFO_GK_NR], path[128], state[16];
	xs_transaction_t t;
	unsigned int tries;
	int ret = -EAGAIN, e;

	if (!xs || !k || (backend_state != XFO_XS_STATE_CONNECTED &&
			  backend_state != XFO_XS_STATE_CLOSED))
		return -EINVAL;
	xs->err[0] = '\0';
	snprintf(state, sizeof(state), "%u", backend_state);
	for (tries = 0; tries < TXN_TRIES && ret == -EAGAIN; tries++) {
		t = txn_start(xs);
		if (t == XBT_NULL)
			return -EIO;
		ret = read_raw(xs, t, k->domid, val);
		if (!ret && !same_raw(k, val))
			ret = xs_fail(xs, -ESTALE, "domain %u published other "
				      "keys meanwhile (state %s): this answer "
				      "is not for them", k->domid,
				      val[XFO_GK_STATE] ? val[XFO_GK_STATE] :
				      "gone");
		else if (ret == -ENOENT || ret == -ESRCH)
			ret = xs_fail(xs, -ESTALE, "domain %u's keys are gone",
				      k->domid);
		free_raw(val);
		/* The error first: the guest reads it when it sees 6. */
		dir_path(path, sizeof(path), k->domid, XFO_XS_BACKEND_ERROR);
		errno = 0;
		if (!ret && backend_state == XFO_XS_STATE_CLOSED &&
		    !xs_write(xs->h, t, path, error ? error : "",
			      (unsigned int)strlen(error ? error : "")))
			ret = -EIO;
		if (!ret && backend_state == XFO_XS_STATE_CONNECTED &&
		    !xs_rm(xs->h, t, path) && errno != ENOENT)
			ret = -EIO;
		if (!ret) {
			dir_path(path, sizeof(path), k->domid,
				 XFO_XS_BACKEND_STATE);
			if (!xs_write(xs->h, t, path, state,
				      (unsigned int)strlen(state)))
				ret = -EIO;
		}
		if (ret == -EIO) {
			e = errno > 0 ? errno : EIO;
			xs_fail(xs, -e, "writing %s: %s", path, strerror(e));
			ret = -e;
		}
		e = txn_end(xs, t, ret != 0);
		if (!ret)
			ret = e;
	}
	if (ret == -EAGAIN)
		return xs_fail(xs, -EBUSY, "the keys of domain %u kept "
			       "changing while dom0 answered", k->domid);
	return ret;
}

/* ------------------------------------------------------------------------
 * The whole of dom0's side: connect and disconnect.
 * ------------------------------------------------------------------------ */

static int conn_fail(struct xfo_guest_connection *c, int err,
		     enum xfo_guest_outcome outcome, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int conn_fail(struct xfo_guest_connection *c, int err,
		     enum xfo_guest_outcome outcome, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	c->outcome = outcome;
	return err;
}

/* backend-state 6 with reason; what and reason make the message. */
static int refuse(struct xfo_xs *xs, struct xfo_guest_connection *c, int err,
		  const char *what, const char *reason)
{
	snprintf(c->reason, sizeof(c->reason), "%s", reason);
	c->answered = !xfo_guest__answer(xs, &c->keys, XFO_XS_STATE_CLOSED,
					 c->reason);
	return conn_fail(c, err, XFO_GUEST_REFUSED, "%s%s%s%s", what,
			 c->reason, c->answered ? "" :
			 "; the refusal was not written: ",
			 c->answered ? "" : xfo_xs__errstr(xs));
}

/* After backend-state 4: the guest's own state, looked at for a moment. */
static uint32_t guest_state_after(struct xfo_xs *xs, uint16_t domid,
				  uint32_t state)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = POLL_MS * 1000000L };
	struct xfo_guest_keys k;
	unsigned int ms;

	for (ms = 0; ms <= XFO_GUEST_CONNECTED_LOOK_MS; ms += POLL_MS) {
		if (!xfo_guest__read(xs, domid, &k)) {
			state = k.state;
			if (state == XFO_XS_STATE_CONNECTED)
				break;
		}
		nanosleep(&ts, NULL);
	}
	return state;
}

int xfo_guest__connect(struct xfo_xen *x, struct xfo_xs *xs, uint16_t domid,
		       unsigned int timeout_ms, struct xfo_guest_connection *c)
{
	struct xfo_guest_keys *k = &c->keys;
	struct xfo_op_guest_areas areas;
	char waited[64] = "", reason[XFO_GUEST_ERR_LEN];
	bool again;
	int ret;

	memset(c, 0, sizeof(*c));
	c->map_rc = 1;
	c->outcome = XFO_GUEST_FAILED;
	if (!x || !xs)
		return conn_fail(c, -EINVAL, XFO_GUEST_FAILED,
				 "no Xen or xenstore handle");
	if (timeout_ms)
		snprintf(waited, sizeof(waited), " (waited %u.%03u s)",
			 timeout_ms / 1000, timeout_ms % 1000);

	ret = xfo_guest__wait(xs, domid, timeout_ms, k);
	/* Connected in the guest's and dom0's keys: Xen says whether its
	 * areas are mapped (-EEXIST), as a guest can write both keys. */
	again = ret == -EAGAIN && k->state == XFO_XS_STATE_CONNECTED &&
		k->backend_state == XFO_XS_STATE_CONNECTED &&
		XFO_INTERFACE_MAJOR(k->version) ==
		XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION);
	if (again)
		ret = 0;
	if (ret == -EINVAL || ret == -EPROTO) {
		/* The guest's fault: it is told, and keeps working without
		 * offload. */
		snprintf(reason, sizeof(reason), "%s", xfo_xs__errstr(xs));
		return refuse(xs, c, ret, "refused domain's keys: ", reason);
	}
	if (ret == -EAGAIN)
		return conn_fail(c, ret, XFO_GUEST_FAILED, "domain %u is not "
				 "ready for the handshake: %s%s", domid,
				 xfo_xs__errstr(xs), waited);
	if (ret)
		return conn_fail(c, ret, XFO_GUEST_FAILED, "%s%s",
				 xfo_xs__errstr(xs),
				 ret == -ENOENT || ret == -ESRCH ? waited : "");

	memset(&areas, 0, sizeof(areas));
	areas.region_table_frame = k->region_table_frame;
	areas.pool_ring_frame = k->pool_ring_frame;
	areas.completion_ring_frame = k->completion_ring_frame;
	areas.evtchn = k->evtchn;
	areas.version = k->version;
	areas.domid = domid;
	ret = xfo_xen__map_guest_areas(x, &areas);
	c->map_rc = ret;
	if (again && ret == -EEXIST) {
		c->outcome = XFO_GUEST_ALREADY;
		return 0;
	}
	if (again && ret)
		/* The guest stays in state 4: a refusal would not reach it. */
		return conn_fail(c, ret, XFO_GUEST_FAILED, "domain %u says it "
				 "is connected, but Xen does not have its "
				 "areas and refuses them: %s", domid,
				 xfo_xen__errstr(x));
	if (ret) {
		snprintf(reason, sizeof(reason), "%s", xfo_xen__errstr(x));
		return refuse(xs, c, ret, "", reason);
	}

	ret = xfo_guest__answer(xs, k, XFO_XS_STATE_CONNECTED, NULL);
	if (ret) {
		/* Nobody to tell that the areas are in use: let them go. */
		snprintf(reason, sizeof(reason), "%s", xfo_xs__errstr(xs));
		if (xfo_xen__unmap_guest_areas(x, domid))
			return conn_fail(c, ret, XFO_GUEST_FAILED, "%s; and "
					 "Xen keeps the areas mapped: %s",
					 reason, xfo_xen__errstr(x));
		return conn_fail(c, ret, XFO_GUEST_FAILED, "%s; the areas "
				 "were unmapped again", reason);
	}
	c->guest_state = guest_state_after(xs, domid, k->state);
	c->outcome = XFO_GUEST_CONNECTED;
	return 0;
}

int xfo_guest__disconnect(struct xfo_xen *x, struct xfo_xs *xs,
			  uint16_t domid, bool *answered, char *warn,
			  size_t warn_size)
{
	struct xfo_guest_keys k;
	int ret;

	*answered = false;
	if (warn && warn_size)
		warn[0] = '\0';
	ret = xfo_xen__unmap_guest_areas(x, domid);
	if (ret || !xs)
		return ret;

	/* Tell the guest, when dom0 had told it Connected. Xen let go of
	 * the areas whatever happens here. */
	ret = xfo_guest__read(xs, domid, &k);
	if ((ret && ret != -EINVAL) || k.backend_state != XFO_XS_STATE_CONNECTED)
		return 0;
	if (xfo_guest__answer(xs, &k, XFO_XS_STATE_CLOSED,
			      "dom0 disconnected the areas"))
		xfo_set_err(warn, warn_size, "%s not written: %s",
			    XFO_XS_BACKEND_STATE, xfo_xs__errstr(xs));
	else
		*answered = true;
	return 0;
}
