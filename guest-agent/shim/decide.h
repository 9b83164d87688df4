/* SPDX-License-Identifier: MIT */
/*
 * decide.h: which mmap requests libxfo_preload.so serves from /dev/xfo,
 * and the size syntax of XFO_PRELOAD_THRESHOLD and `xfo-agent run
 * --threshold`. Pure functions, unit-tested on the host
 * (tests/guest/shim_test.c).
 */
#ifndef XFO_SHIM_DECIDE_H
#define XFO_SHIM_DECIDE_H

#include <stddef.h>
#include <sys/types.h>

#define XFO_SHIM_DEFAULT_THRESHOLD (1u << 20)

enum xfo_shim_verdict {
	XFO_SHIM_SERVE = 0,
	XFO_SHIM_SMALL,         /* shorter than the threshold */
	XFO_SHIM_NOT_ANON,      /* a file mapping */
	XFO_SHIM_SHARED,        /* MAP_SHARED: other processes see it */
	XFO_SHIM_FIXED,         /* MAP_FIXED or MAP_FIXED_NOREPLACE */
	XFO_SHIM_FLAGS,         /* GROWSDOWN, HUGETLB, POPULATE, LOCKED,
	                         * STACK, 32BIT, ... */
	XFO_SHIM_PROT,          /* not exactly PROT_READ | PROT_WRITE */
	XFO_SHIM_NR
};

const char *xfo_shim_verdict_name(enum xfo_shim_verdict v);

/* What to do with mmap(addr, len, prot, flags, fd, off). */
enum xfo_shim_verdict xfo_shim_decide(size_t threshold, size_t len, int prot,
				      int flags, int fd, off_t off);

/*
 * A size: decimal digits with an optional suffix K, M or G (KiB, MiB,
 * GiB; "KiB", "MiB", "GiB" and lower case accepted too). Returns 0 and
 * the size in *out, or -1 for anything else (empty, junk, overflow).
 */
int xfo_parse_size(const char *s, size_t *out);

/* XFO_PRELOAD_THRESHOLD's value: the default when unset or invalid. */
size_t xfo_shim_threshold(const char *env);

#endif /* XFO_SHIM_DECIDE_H */
