/* SPDX-License-Identifier: MIT */
/* tests/guest: the module's statistics, when there is a module. */
#ifndef XFO_TEST_STATS_H
#define XFO_TEST_STATS_H

#include <string.h>
#include <sys/ioctl.h>

#include "xfo_guest.h"

/* 0 and *s filled, or -1 (no module behind fd: a test device). */
static inline int xfo_test_stats(int fd, struct xfo_guest_stats *s)
{
	memset(s, 0, sizeof(*s));
	return ioctl(fd, XFO_GUEST_IOC_STATS, s) ? -1 : 0;
}

static inline long long xfo_test_balance(const struct xfo_guest_stats *s)
{
	return (long long)(s->pages_allocated - s->pages_freed - s->pages_pool -
			   s->pages_taken - s->pages_mapped - s->pages_orphaned);
}

#endif
