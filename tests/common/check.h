/* SPDX-License-Identifier: MIT */
/*
 * What the test programs print (tests/run-tests.sh): one line a case,
 * "PASS <name>" or "FAIL <name>: <why>", and the count of failed cases
 * for the exit status. Header-only, so that the programs the lab copies
 * into dom0 and the domU need no further object to link.
 */
#ifndef XFO_TESTS_CHECK_H
#define XFO_TESTS_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Cases failed so far; main() returns failures ? 1 : 0. */
static unsigned int failures;

static inline void pass(const char *name)
{
	printf("PASS %s\n", name);
}

static inline void vfail(const char *name, const char *fmt, va_list ap)
{
	printf("FAIL %s: ", name);
	vprintf(fmt, ap);
	putchar('\n');
	failures++;
}

static inline void fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(name, fmt, ap);
	va_end(ap);
}

/* PASS when ok, else FAIL with the message. */
static inline void check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void check(const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		pass(name);
		return;
	}
	va_start(ap, fmt);
	vfail(name, fmt, ap);
	va_end(ap);
}

#endif /* XFO_TESTS_CHECK_H */
