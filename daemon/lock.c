// SPDX-License-Identifier: MIT
/*
 * The single-instance lock. flock rather than a pid file alone: a pid
 * file outlives a SIGKILL'd daemon and its pid may be reused; the lock
 * does not outlive its holder.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"

int xfod_lock__write_pid(int fd)
{
	char pid[24];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)len, 0) != len)
		return -errno;
	return 0;
}

int xfod_lock__take(const char *run_dir, int *out, char *err, size_t err_size)
{
	char path[PATH_MAX], pid[24] = "";
	ssize_t n;
	int fd, ret;

	ret = xfod_mkdir_p(run_dir, 0755, err, err_size);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/" XFOD_LOCK_FILE, run_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_size, "cannot open the lock file %s: %s",
			 path, strerror(-ret));
		return ret;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		ret = -errno;
		if (ret == -EWOULDBLOCK) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			snprintf(err, err_size, "another xfod is running: "
				 "pid %s holds the lock %s", pid[0] ? pid : "?",
				 path);
			ret = -EBUSY;
		} else {
			snprintf(err, err_size, "cannot lock %s: %s", path,
				 strerror(-ret));
		}
		close(fd);
		return ret;
	}
	ret = xfod_lock__write_pid(fd);
	if (ret) {
		snprintf(err, err_size, "cannot write %s: %s", path,
			 strerror(-ret));
		close(fd);
		return ret;
	}
	*out = fd;
	return 0;
}
