/* SPDX-License-Identifier: MIT */
/*
 * Files that must survive a crash (daemon/fsutil.c): a write is a temp
 * file in the same directory, fsync'd, renamed over the target, and the
 * directory fsync'd, so a reader sees the old file or the new one whole.
 * Functions return 0 or a negative errno with a sentence in err naming the
 * path.
 */
#ifndef XFOD_FSUTIL_H
#define XFOD_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Temp files start with this, after a '.': ".NAME.tmp.XXXXXX". */
#define XFOD_TMP_INFIX	".tmp."

/* mkdir -p, each missing directory made with mode. */
int xfod_mkdir_p(const char *path, mode_t mode, char *err, size_t err_size);
int xfod_write_atomic(const char *path, const void *buf, size_t len,
		      mode_t mode, char *err, size_t err_size);
/* The whole of path in a malloc'd buffer with a NUL after it; -EFBIG
 * when it is larger than max. */
int xfod_read_file(const char *path, size_t max, char **buf, size_t *len,
		   char *err, size_t err_size);
/* unlink, then fsync the directory so the removal lasts. */
int xfod_unlink_durable(const char *path, char *err, size_t err_size);

#endif /* XFOD_FSUTIL_H */
