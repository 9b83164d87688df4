// SPDX-License-Identifier: MIT
/*
 * The policy store. The directory is the truth: each entry here is a file
 * that was verified when stored and again when the store was opened (the
 * verifier may have become stricter since).
 */
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libxfo.h"

#include "fsutil.h"
#include "log.h"
#include "rules.h"
#include "store.h"

struct xfod_store {
	char dir[PATH_MAX];
	struct xfod_policy *v;
	size_t n, cap;
};

int xfod_sha256_hex(const void *buf, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return -EIO;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static void policy_free(struct xfod_policy *p)
{
	free(p->progs);
	p->progs = NULL;
}

/*
 * Opens and verifies buf: 0 and p's programs, or -EINVAL with the reason
 * in log (the verifier's log for a refused program).
 */
static int check_object(const char *name, const void *buf, size_t len,
			struct xfod_policy *p, char *log, size_t log_size)
{
	struct xfo_object *obj = NULL;
	char err[256];
	uint32_t i, cnt;
	int ret;

	log[0] = '\0';
	ret = xfo_object__open_mem(buf, len, name, &obj, err, sizeof(err));
	if (ret) {
		snprintf(log, log_size, "policy '%s': not a policy object: %s",
			 name, err);
		return -EINVAL;
	}
	cnt = xfo_object__prog_cnt(obj);
	if (cnt == 0) {
		snprintf(log, log_size, "policy '%s': no program in it", name);
		ret = -EINVAL;
		goto out;
	}
	p->progs = calloc(cnt, sizeof(*p->progs));
	if (!p->progs) {
		snprintf(log, log_size, "policy '%s': out of memory", name);
		ret = -ENOMEM;
		goto out;
	}
	p->prog_cnt = cnt;
	for (i = 0; i < cnt; i++) {
		const struct xfo_program *prog = xfo_object__prog(obj, i);
		struct xfo_bytecode code;
		size_t at;

		xfo_program__bytecode(prog, &code);
		snprintf(p->progs[i].name, sizeof(p->progs[i].name), "%s",
			 xfo_program__name(prog));
		p->progs[i].insns = code.insn_cnt;
		at = (size_t)snprintf(log, log_size, "policy '%s': program "
				      "'%s' refused by the verifier:\n", name,
				      xfo_program__name(prog));
		if (at >= log_size)
			at = log_size - 1;
		ret = xfo_bytecode__verify(&code, log + at, log_size - at,
					   XFO_LOG_ERRORS, NULL);
		if (ret) {
			ret = -EINVAL;
			goto out;
		}
		log[0] = '\0';
	}
	ret = 0;
out:
	if (ret)
		policy_free(p);
	xfo_object__close(obj);
	return ret;
}

static struct xfod_policy *find(const struct xfod_store *st, const char *name,
				size_t *at)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		int c = strcmp(st->v[i].name, name);

		if (c == 0) {
			*at = i;
			return &st->v[i];
		}
		if (c > 0)
			break;
	}
	*at = i;
	return NULL;
}

/* Puts p (its progs owned by the store from now on) in name order. */
static int insert(struct xfod_store *st, struct xfod_policy *p)
{
	struct xfod_policy *old;
	size_t at;

	old = find(st, p->name, &at);
	if (old) {
		policy_free(old);
		*old = *p;
		return 0;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 8;
		struct xfod_policy *v = realloc(st->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		st->v = v;
		st->cap = cap;
	}
	memmove(&st->v[at + 1], &st->v[at], (st->n - at) * sizeof(*st->v));
	st->v[at] = *p;
	st->n++;
	return 0;
}

static int make_entry(struct xfod_store *st, const char *name,
		      const void *buf, size_t len, struct xfod_policy *p,
		      char *log, size_t log_size)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (!xfod_policy_name_ok(name)) {
		snprintf(log, log_size, "'%s' is not a policy name: 1 to %d of "
			 "A-Z a-z 0-9 _ . - (not starting with . or -)", name,
			 XFO_NAME_LEN - 1);
		return -EINVAL;
	}
	if (len > XFOD_POLICY_MAX) {
		snprintf(log, log_size, "policy '%s': %zu bytes, more than "
			 "the %u a policy may have", name, len,
			 XFOD_POLICY_MAX);
		return -EINVAL;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->path, sizeof(p->path), "%s/%s" XFOD_POLICY_SUFFIX,
		 st->dir, name);
	p->size = len;
	ret = xfod_sha256_hex(buf, len, p->sha256);
	if (ret) {
		snprintf(log, log_size, "policy '%s': SHA-256 failed", name);
		return ret;
	}
	return check_object(name, buf, len, p, log, log_size);
}

/* Reads one file at open; a bad one is skipped, not removed. */
static void load_one(struct xfod_store *st, const char *file)
{
	char path[PATH_MAX + 256], name[64], *buf, log[2048];
	struct xfod_policy p;
	size_t len, nlen = strlen(file) - strlen(XFOD_POLICY_SUFFIX);
	int ret;

	snprintf(path, sizeof(path), "%s/%s", st->dir, file);
	snprintf(name, sizeof(name), "%.*s", (int)nlen, file);
	ret = xfod_read_file(path, XFOD_POLICY_MAX, &buf, &len, log,
			     sizeof(log));
	if (ret) {
		log_warn("policy store: %s; not listed", log);
		return;
	}
	ret = make_entry(st, name, buf, len, &p, log, sizeof(log));
	free(buf);
	if (ret) {
		log_warn("policy store: %s is left on disk but not listed: %s",
			 path, log);
		return;
	}
	if (insert(st, &p)) {
		policy_free(&p);
		log_warn("policy store: %s: out of memory", path);
		return;
	}
	log_debug("policy store: %s sha256 %s", p.name, p.sha256);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && !strcmp(s + a - b, suffix);
}

int xfod_store__open(const char *state_dir, struct xfod_store **out,
		     char *err, size_t err_size)
{
	struct xfod_store *st;
	struct dirent *de;
	DIR *d;
	int ret;

	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	if (snprintf(st->dir, sizeof(st->dir), "%s/" XFOD_POLICY_DIR,
		     state_dir) >= (int)sizeof(st->dir)) {
		snprintf(err, err_size, "%s: path too long", state_dir);
		free(st);
		return -ENAMETOOLONG;
	}
	ret = xfod_mkdir_p(st->dir, 0755, err, err_size);
	if (ret) {
		free(st);
		return ret;
	}
	d = opendir(st->dir);
	if (!d) {
		ret = -errno;
		snprintf(err, err_size, "cannot read %s: %s", st->dir,
			 strerror(-ret));
		free(st);
		return ret;
	}
	while ((de = readdir(d))) {
		char path[PATH_MAX + 256];

		if (de->d_name[0] == '.' &&
		    strstr(de->d_name, XFOD_TMP_INFIX)) {
			/* A write a crash interrupted: never renamed, so
			 * never the policy. */
			snprintf(path, sizeof(path), "%s/%s", st->dir,
				 de->d_name);
			if (unlink(path))
				log_warn("policy store: cannot remove %s: %s",
					 path, strerror(errno));
			else
				log_info("policy store: removed %s, a write "
					 "that did not finish", path);
			continue;
		}
		if (de->d_name[0] != '.' &&
		    has_suffix(de->d_name, XFOD_POLICY_SUFFIX))
			load_one(st, de->d_name);
	}
	closedir(d);
	*out = st;
	return 0;
}

void xfod_store__close(struct xfod_store *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->n; i++)
		policy_free(&st->v[i]);
	free(st->v);
	free(st);
}

int xfod_store__put(struct xfod_store *st, const char *name,
		    const void *buf, size_t len,
		    const struct xfod_policy **out, char *log, size_t log_size)
{
	const struct xfod_policy *res;
	struct xfod_policy p;
	int ret;

	ret = make_entry(st, name, buf, len, &p, log, log_size);
	if (ret)
		return ret;
	ret = xfod_write_atomic(p.path, buf, len, 0644, log, log_size);
	if (!ret)
		ret = insert(st, &p);
	if (ret) {
		policy_free(&p);
		return ret;
	}
	res = xfod_store__get(st, name);
	if (out)
		*out = res;
	log_info("policy store: stored %s (%zu bytes, sha256 %s)", name, len,
		 res->sha256);
	return 0;
}

const struct xfod_policy *xfod_store__get(const struct xfod_store *st,
					  const char *name)
{
	size_t at;

	return find(st, name, &at);
}

size_t xfod_store__count(const struct xfod_store *st)
{
	return st->n;
}

const struct xfod_policy *xfod_store__at(const struct xfod_store *st,
					 size_t idx)
{
	return idx < st->n ? &st->v[idx] : NULL;
}

int xfod_store__remove(struct xfod_store *st, const char *name, char *err,
		       size_t err_size)
{
	struct xfod_policy *p;
	size_t at;
	int ret;

	p = find(st, name, &at);
	if (!p) {
		snprintf(err, err_size, "no policy '%s' in the store", name);
		return -ENOENT;
	}
	ret = xfod_unlink_durable(p->path, err, err_size);
	if (ret)
		return ret;
	policy_free(p);
	memmove(&st->v[at], &st->v[at + 1], (st->n - at - 1) * sizeof(*st->v));
	st->n--;
	log_info("policy store: removed %s", name);
	return 0;
}
