/* SPDX-License-Identifier: MIT */
/*
 * The policy store (daemon/store.c): STATE_DIR/policies/NAME.bpf.o, one
 * policy object a file. A policy is stored only once libxfo has opened it
 * and the verifier Xen runs has accepted every program in it; the write is
 * atomic, so a refused or interrupted store leaves the old file as it was.
 * Functions return 0 or -errno with a sentence in err.
 */
#ifndef XFOD_STORE_H
#define XFOD_STORE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <xfo.h>

#define XFOD_POLICY_DIR		"policies"
#define XFOD_POLICY_SUFFIX	".bpf.o"
/* Larger than any policy of XFO_MAX_INSNS with its BTF. */
#define XFOD_POLICY_MAX		(4u << 20)

struct xfod_policy_prog {
	char name[64];
	uint32_t insns;
};

struct xfod_policy {
	char name[XFO_NAME_LEN];	/* Xen's program name too */
	char sha256[65];		/* hex, of the file's bytes */
	size_t size;
	uint32_t prog_cnt;
	struct xfod_policy_prog *progs;
	char path[PATH_MAX];
};

struct xfod_store;

/*
 * Opens STATE_DIR/policies (made when missing), removes temp files a crash
 * left there and reads every NAME.bpf.o. A file that no longer opens or
 * verifies is left on disk, logged as a warning and not listed.
 */
int xfod_store__open(const char *state_dir, struct xfod_store **st,
		     char *err, size_t err_size);
void xfod_store__close(struct xfod_store *st);

/*
 * Stores buf under name. -EINVAL when name is not a policy name or the
 * object does not open or a program is refused: log then holds the reason,
 * the verifier's log for a refused program, and nothing was written.
 * Other errors are the file system's. *out (may be NULL) is the entry.
 */
int xfod_store__put(struct xfod_store *st, const char *name,
		    const void *buf, size_t len,
		    const struct xfod_policy **out, char *log, size_t log_size);
/* NULL when there is no such policy. */
const struct xfod_policy *xfod_store__get(const struct xfod_store *st,
					  const char *name);
/* By name, in strcmp order. */
size_t xfod_store__count(const struct xfod_store *st);
const struct xfod_policy *xfod_store__at(const struct xfod_store *st,
					 size_t idx);
/* -ENOENT when there is no such policy. */
int xfod_store__remove(struct xfod_store *st, const char *name, char *err,
		       size_t err_size);

/* SHA-256 of buf as 64 hex digits and a NUL. */
int xfod_sha256_hex(const void *buf, size_t len, char out[65]);

#endif /* XFOD_STORE_H */
