// SPDX-License-Identifier: MIT
/*
 * Atomic writes and whole-file reads for the policy store and the state
 * file.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static int fail(int ret, char *err, size_t err_size, const char *what,
		const char *path)
{
	snprintf(err, err_size, "%s %s: %s", what, path, strerror(-ret));
	return ret;
}

int xfod_mkdir_p(const char *path, mode_t mode, char *err, size_t err_size)
{
	size_t len = strlen(path), i;
	char buf[PATH_MAX];
	struct stat st;

	if (len == 0)
		return fail(-EINVAL, err, err_size, "cannot make", "''");
	if (len >= sizeof(buf))
		return fail(-ENAMETOOLONG, err, err_size, "cannot make", path);
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return fail(-errno, err, err_size, "cannot make", buf);
		buf[i] = i < len ? '/' : '\0';
	}
	if (stat(path, &st))
		return fail(-errno, err, err_size, "cannot make", path);
	if (!S_ISDIR(st.st_mode))
		return fail(-ENOTDIR, err, err_size, "cannot make", path);
	return 0;
}

/* The directory path is in, open for fsync. */
static int open_parent(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	return open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int fsync_parent(const char *path, char *err, size_t err_size)
{
	int dfd = open_parent(path), ret = 0;

	if (dfd < 0)
		return fail(-errno, err, err_size, "cannot open the directory of",
			    path);
	if (fsync(dfd))
		ret = fail(-errno, err, err_size, "cannot sync the directory of",
			   path);
	close(dfd);
	return ret;
}

int xfod_write_atomic(const char *path, const void *buf, size_t len,
		      mode_t mode, char *err, size_t err_size)
{
	char tmp[PATH_MAX], dbuf[PATH_MAX], bbuf[PATH_MAX];
	const char *p = buf;
	int fd, ret;

	snprintf(dbuf, sizeof(dbuf), "%s", path);
	snprintf(bbuf, sizeof(bbuf), "%s", path);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s" XFOD_TMP_INFIX "XXXXXX",
		     dirname(dbuf), basename(bbuf)) >= (int)sizeof(tmp))
		return fail(-ENAMETOOLONG, err, err_size, "cannot write", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return fail(-errno, err, err_size, "cannot create a temp file for",
			    path);
	if (fchmod(fd, mode)) {
		ret = fail(-errno, err, err_size, "cannot chmod", tmp);
		goto out;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = fail(-errno, err, err_size, "cannot write", tmp);
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd)) {
		ret = fail(-errno, err, err_size, "cannot sync", tmp);
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		ret = fail(-errno, err, err_size, "cannot write", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path)) {
		ret = fail(-errno, err, err_size, "cannot rename over", path);
		goto out;
	}
	return fsync_parent(path, err, err_size);
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}

int xfod_read_file(const char *path, size_t max, char **buf, size_t *len,
		   char *err, size_t err_size)
{
	size_t used = 0, cap = 4096;
	char *b = NULL;
	int fd, ret;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(-errno, err, err_size, "cannot open", path);
	for (;;) {
		ssize_t n;

		if (!b || used + 1 >= cap) {
			char *nb;

			if (b)
				cap *= 2;
			nb = realloc(b, cap);
			if (!nb) {
				ret = fail(-ENOMEM, err, err_size, "cannot read",
					   path);
				goto out;
			}
			b = nb;
		}
		n = read(fd, b + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = fail(-errno, err, err_size, "cannot read", path);
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			snprintf(err, err_size, "%s: larger than %zu bytes",
				 path, max);
			ret = -EFBIG;
			goto out;
		}
	}
	close(fd);
	b[used] = '\0';
	*buf = b;
	*len = used;
	return 0;
out:
	close(fd);
	free(b);
	return ret;
}

int xfod_unlink_durable(const char *path, char *err, size_t err_size)
{
	if (unlink(path))
		return fail(-errno, err, err_size, "cannot remove", path);
	return fsync_parent(path, err, err_size);
}
