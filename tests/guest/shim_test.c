// SPDX-License-Identifier: MIT
/*
 * shim_test: the shim's decision logic (guest-agent/shim/decide.c) and the
 * size syntax, on the host. One "PASS name" / "FAIL name: why" line each.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "decide.h"
#include "../common/check.h"

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define T (1u << 20)

static void decide(const char *name, size_t len, int prot, int flags, int fd,
		   enum xfo_shim_verdict want)
{
	enum xfo_shim_verdict got = xfo_shim_decide(T, len, prot, flags, fd, 0);
	char why[128];

	snprintf(why, sizeof(why), "got %s, want %s", xfo_shim_verdict_name(got),
		 xfo_shim_verdict_name(want));
	check(name,
	      got == want,
	      "%s", why);
}

static void size(const char *s, int ok, size_t want)
{
	char name[64], why[128];
	size_t v = 12345;
	int rc = xfo_parse_size(s, &v);

	snprintf(name, sizeof(name), "parse_size '%s'", s);
	snprintf(why, sizeof(why), "rc %d value %zu, want %s %zu", rc, v,
		 ok ? "ok" : "error", want);
	check(name,
	      ok ? rc == 0 && v == want : rc == -1,
	      "%s", why);
}

int main(void)
{
	decide("decide: 1 MiB private anonymous rw", T, RW, ANON, -1, XFO_SHIM_SERVE);
	decide("decide: 64 MiB with MAP_NORESERVE", 64 * T, RW, ANON | MAP_NORESERVE, -1, XFO_SHIM_SERVE);
	decide("decide: fd 0 ignored for anonymous", 2 * T, RW, ANON, 0, XFO_SHIM_SERVE);
	decide("decide: below threshold", T - 4096, RW, ANON, -1, XFO_SHIM_SMALL);
	decide("decide: length 0", 0, RW, ANON, -1, XFO_SHIM_SMALL);
	decide("decide: file mapping", 4 * T, RW, MAP_PRIVATE, 3, XFO_SHIM_NOT_ANON);
	decide("decide: MAP_SHARED anonymous", 4 * T, RW, MAP_SHARED | MAP_ANONYMOUS, -1, XFO_SHIM_SHARED);
	decide("decide: MAP_SHARED_VALIDATE", 4 * T, RW, 0x03 | MAP_ANONYMOUS, -1, XFO_SHIM_SHARED);
	decide("decide: MAP_FIXED", 4 * T, RW, ANON | MAP_FIXED, -1, XFO_SHIM_FIXED);
	decide("decide: MAP_FIXED_NOREPLACE", 4 * T, RW, ANON | 0x100000, -1, XFO_SHIM_FIXED);
	decide("decide: MAP_GROWSDOWN", 4 * T, RW, ANON | MAP_GROWSDOWN, -1, XFO_SHIM_FLAGS);
	decide("decide: MAP_HUGETLB", 4 * T, RW, ANON | MAP_HUGETLB, -1, XFO_SHIM_FLAGS);
	decide("decide: MAP_POPULATE", 4 * T, RW, ANON | MAP_POPULATE, -1, XFO_SHIM_FLAGS);
	decide("decide: MAP_LOCKED", 4 * T, RW, ANON | MAP_LOCKED, -1, XFO_SHIM_FLAGS);
	decide("decide: MAP_STACK", 8 * T, RW, ANON | MAP_STACK, -1, XFO_SHIM_FLAGS);
	decide("decide: MAP_32BIT", 4 * T, RW, ANON | MAP_32BIT, -1, XFO_SHIM_FLAGS);
	decide("decide: PROT_NONE reservation", 128 * T, PROT_NONE, ANON | MAP_NORESERVE, -1, XFO_SHIM_PROT);
	decide("decide: read only", 4 * T, PROT_READ, ANON, -1, XFO_SHIM_PROT);
	decide("decide: rwx", 4 * T, RW | PROT_EXEC, ANON, -1, XFO_SHIM_PROT);
	decide("decide: MAP_PRIVATE missing", 4 * T, RW, MAP_ANONYMOUS, -1, XFO_SHIM_SHARED);

	size("1048576", 1, 1048576);
	size("0", 1, 0);
	size("64K", 1, 65536);
	size("64k", 1, 65536);
	size("2M", 1, 2u << 20);
	size("2MiB", 1, 2u << 20);
	size("2mb", 1, 2u << 20);
	size("1G", 1, 1ul << 30);
	size("", 0, 0);
	size("M", 0, 0);
	size("-1", 0, 0);
	size("12Q", 0, 0);
	size("1MiBx", 0, 0);
	size(" 1", 0, 0);
	size("99999999999999999999", 0, 0);
	size("17179869184G", 0, 0);

	check("threshold: default when unset",
	      xfo_shim_threshold(NULL) == XFO_SHIM_DEFAULT_THRESHOLD,
	      "not the default");
	check("threshold: default when invalid",
	      xfo_shim_threshold("junk") == XFO_SHIM_DEFAULT_THRESHOLD,
	      "not the default");
	check("threshold: 4M",
	      xfo_shim_threshold("4M") == 4u << 20,
	      "not 4 MiB");
	return failures ? 1 : 0;
}
