// SPDX-License-Identifier: MIT
/*
 * A fake libxenstore, LD_PRELOADed into xfoctl by
 * tests/suites/guest-handshake.sh so that `xfoctl domain connect` and
 * `disconnect` run their whole way on a machine without Xen: the store
 * is a text file of "path=value" lines, read before and written after
 * every call. Only what lib/guest_handshake.c uses is here. A transaction
 * that aborts or conflicts puts the store back as it was at its start;
 * it is not isolated from other writers (one process at a time).
 *
 * Environment:
 *   XFO_FAKE_XS       the store's file
 *   XFO_FAKE_XS_MODE  comma-separated:
 *                     "noxs"     xs_open fails (ENOENT)
 *                     "guest"    a guest module: backend-state 4 written
 *                                while state is 3 moves state to 4
 *                     "conflict" every other transaction end says EAGAIN
 *                     "reload:N" at the Nth transaction start, the guest
 *                                republishes: every domain's
 *                                region-table-frame + 1000, state 3
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <io/xfo.h>

#define EXPORT	__attribute__((visibility("default")))

typedef uint32_t xs_transaction_t;
struct xs_handle;

EXPORT struct xs_handle *xs_open(unsigned long flags);
EXPORT void xs_close(struct xs_handle *xsh);
EXPORT void *xs_read(struct xs_handle *h, xs_transaction_t t,
		     const char *path, unsigned int *len);
EXPORT bool xs_write(struct xs_handle *h, xs_transaction_t t,
		     const char *path, const void *data, unsigned int len);
EXPORT bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);
EXPORT xs_transaction_t xs_transaction_start(struct xs_handle *h);
EXPORT bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t,
			       bool abort);

#define MAX_NODES	256
#define PATH_LEN	256
#define VAL_LEN		2048

struct node {
	char path[PATH_LEN];
	char val[VAL_LEN];
	unsigned int len;
};

struct xs_handle {
	const char *file;
	const char *mode;
	unsigned int txns;
	unsigned int ends;
	unsigned int nr;
	struct node nodes[MAX_NODES];
	unsigned int snap_nr;		/* the store at the transaction's start */
	struct node snap[MAX_NODES];
};

static bool mode_has(const struct xs_handle *h, const char *m)
{
	size_t n = strlen(m);
	const char *p = h->mode;

	while (p && *p) {
		if (!strncmp(p, m, n) && (p[n] == ',' || p[n] == ':' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static long mode_arg(const struct xs_handle *h, const char *m)
{
	const char *p = h->mode ? strstr(h->mode, m) : NULL;

	if (!p || p[strlen(m)] != ':')
		return -1;
	return strtol(p + strlen(m) + 1, NULL, 10);
}

/* "\n" and "\\" in values are escaped as in C; the rest is kept. */
static void load(struct xs_handle *h)
{
	char line[PATH_LEN + VAL_LEN * 2 + 4];
	FILE *f;

	h->nr = 0;
	f = fopen(h->file, "r");
	if (!f)
		return;
	while (h->nr < MAX_NODES && fgets(line, sizeof(line), f)) {
		struct node *n = &h->nodes[h->nr];
		char *eq = strchr(line, '='), *p;
		size_t len = strcspn(line, "\n");

		line[len] = '\0';
		if (!eq || (size_t)(eq - line) >= PATH_LEN)
			continue;
		*eq = '\0';
		memcpy(n->path, line, (size_t)(eq - line) + 1);
		n->len = 0;
		for (p = eq + 1; *p && n->len < VAL_LEN - 1; p++) {
			char c = *p;

			if (c == '\\' && p[1]) {
				p++;
				c = *p == 'n' ? '\n' : *p == '0' ? '\0' : *p;
			}
			n->val[n->len++] = c;
		}
		n->val[n->len] = '\0';
		h->nr++;
	}
	fclose(f);
}

static void save(struct xs_handle *h)
{
	unsigned int i, j;
	FILE *f;

	f = fopen(h->file, "w");
	if (!f)
		return;
	for (i = 0; i < h->nr; i++) {
		fprintf(f, "%s=", h->nodes[i].path);
		for (j = 0; j < h->nodes[i].len; j++) {
			char c = h->nodes[i].val[j];

			if (c == '\n')
				fputs("\\n", f);
			else if (c == '\0')
				fputs("\\0", f);
			else if (c == '\\')
				fputs("\\\\", f);
			else
				fputc(c, f);
		}
		fputc('\n', f);
	}
	fclose(f);
}

static struct node *find(struct xs_handle *h, const char *path)
{
	unsigned int i;

	for (i = 0; i < h->nr; i++)
		if (!strcmp(h->nodes[i].path, path))
			return &h->nodes[i];
	return NULL;
}

/* A node exists when it was written or is a parent of one. */
static bool exists(struct xs_handle *h, const char *path)
{
	size_t n = strlen(path);
	unsigned int i;

	for (i = 0; i < h->nr; i++)
		if (!strncmp(h->nodes[i].path, path, n) &&
		    (h->nodes[i].path[n] == '/' || !h->nodes[i].path[n]))
			return true;
	return false;
}

static void set(struct xs_handle *h, const char *path, const char *val,
		unsigned int len)
{
	struct node *n = find(h, path);

	if (!n) {
		if (h->nr >= MAX_NODES)
			return;
		n = &h->nodes[h->nr++];
		snprintf(n->path, sizeof(n->path), "%s", path);
	}
	if (len >= VAL_LEN)
		len = VAL_LEN - 1;
	memcpy(n->val, val, len);
	n->val[len] = '\0';
	n->len = len;
}

struct xs_handle *xs_open(unsigned long flags)
{
	struct xs_handle *h;

	h = calloc(1, sizeof(*h));
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->file = getenv("XFO_FAKE_XS");
	h->mode = getenv("XFO_FAKE_XS_MODE");
	if (!h->file || mode_has(h, "noxs")) {
		free(h);
		errno = ENOENT;
		return NULL;
	}
	return h;
}

void xs_close(struct xs_handle *h)
{
	free(h);
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
	      unsigned int *len)
{
	struct node *n;
	char *v;

	load(h);
	n = find(h, path);
	if (!n && !exists(h, path)) {
		errno = ENOENT;
		return NULL;
	}
	v = malloc(n ? n->len + 1 : 1);
	if (!v) {
		errno = ENOMEM;
		return NULL;
	}
	if (n)
		memcpy(v, n->val, n->len + 1);
	else
		v[0] = '\0';
	if (len)
		*len = n ? n->len : 0;
	return v;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
	      const void *data, unsigned int len)
{
	char state[PATH_LEN + 8];
	struct node *st;
	const char *slash;

	load(h);
	set(h, path, data, len);
	/* The guest module answering dom0's Connected. */
	slash = strrchr(path, '/');
	if (mode_has(h, "guest") && slash &&
	    !strcmp(slash + 1, XFO_XS_BACKEND_STATE) && len == 1 &&
	    ((const char *)data)[0] == '0' + XFO_XS_STATE_CONNECTED) {
		snprintf(state, sizeof(state), "%.*s/%s",
			 (int)(slash - path) < PATH_LEN ? (int)(slash - path) :
			 PATH_LEN, path, XFO_XS_STATE);
		st = find(h, state);
		if (st && st->val[0] == '0' + XFO_XS_STATE_INITIALISED &&
		    !st->val[1]) {
			char connected = '0' + XFO_XS_STATE_CONNECTED;

			set(h, state, &connected, 1);
		}
	}
	save(h);
	return true;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	size_t n = strlen(path);
	unsigned int i, j;
	bool found = false;

	load(h);
	for (i = 0, j = 0; i < h->nr; i++) {
		if (!strncmp(h->nodes[i].path, path, n) &&
		    (h->nodes[i].path[n] == '/' || !h->nodes[i].path[n])) {
			found = true;
			continue;
		}
		h->nodes[j++] = h->nodes[i];
	}
	h->nr = j;
	save(h);
	if (!found) {
		errno = ENOENT;
		return false;
	}
	return true;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
	unsigned int i;
	char val[32];

	h->txns++;
	if ((long)h->txns == mode_arg(h, "reload")) {
		load(h);
		for (i = 0; i < h->nr; i++) {
			struct node *n = &h->nodes[i];
			size_t pl = strlen(n->path), kl;

			kl = strlen("/" XFO_XS_REGION_TABLE);
			if (pl > kl && !strcmp(n->path + pl - kl,
					       "/" XFO_XS_REGION_TABLE)) {
				snprintf(val, sizeof(val), "%llu",
					 strtoull(n->val, NULL, 10) + 1000);
				set(h, n->path, val, (unsigned int)strlen(val));
			}
		}
		save(h);
	}
	load(h);
	h->snap_nr = h->nr;
	memcpy(h->snap, h->nodes, sizeof(h->snap));
	return h->txns;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
	bool conflict;

	h->ends++;
	conflict = !abort && mode_has(h, "conflict") && h->ends % 2;
	if (abort || conflict) {
		h->nr = h->snap_nr;
		memcpy(h->nodes, h->snap, sizeof(h->snap));
		save(h);
	}
	if (conflict) {
		errno = EAGAIN;
		return false;
	}
	return true;
}
