/* SPDX-License-Identifier: MIT */
/*
 * One xfod at a time (daemon/lock.c): an flock(2) on RUN_DIR/xfod.lock,
 * held for the daemon's life and released by the kernel when it exits,
 * however it exits. The file holds the holder's pid, for the message.
 */
#ifndef XFOD_LOCK_H
#define XFOD_LOCK_H

#include <stddef.h>

#define XFOD_LOCK_FILE	"xfod.lock"

/* 0 and *fd (keep it open), or -EBUSY with err naming the holder, or
 * another -errno. run_dir is made when missing. */
int xfod_lock__take(const char *run_dir, int *fd, char *err, size_t err_size);
/* Writes the caller's pid into the lock file (again after a fork). */
int xfod_lock__write_pid(int fd);

#endif /* XFOD_LOCK_H */
