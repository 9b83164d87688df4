// SPDX-License-Identifier: MIT
/*
 * decide.c: the shim's choice between /dev/xfo and the kernel's own
 * anonymous memory. Only what a region can be without surprises: a large
 * private anonymous read-write mapping at an address of the kernel's
 * choosing. Everything else goes to the normal mmap unchanged.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "decide.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

static const char *const names[XFO_SHIM_NR] = {
	[XFO_SHIM_SERVE]    = "serve",
	[XFO_SHIM_SMALL]    = "small",
	[XFO_SHIM_NOT_ANON] = "not-anonymous",
	[XFO_SHIM_SHARED]   = "shared",
	[XFO_SHIM_FIXED]    = "fixed",
	[XFO_SHIM_FLAGS]    = "flags",
	[XFO_SHIM_PROT]     = "prot",
};

const char *xfo_shim_verdict_name(enum xfo_shim_verdict v)
{
	return (unsigned int)v < XFO_SHIM_NR ? names[v] : "?";
}

enum xfo_shim_verdict xfo_shim_decide(size_t threshold, size_t len, int prot,
				      int flags, int fd, off_t off)
{
	/* Flags a region may carry: the anonymous private mapping itself and
	 * MAP_NORESERVE (region pages are never swapped anyway). */
	const int ok_flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	(void)fd;
	(void)off;
	if (!(flags & MAP_ANONYMOUS))
		return XFO_SHIM_NOT_ANON;
	if ((flags & MAP_SHARED_VALIDATE) != MAP_PRIVATE)
		return XFO_SHIM_SHARED;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		return XFO_SHIM_FIXED;
	if (flags & ~ok_flags)
		return XFO_SHIM_FLAGS;
	if (prot != (PROT_READ | PROT_WRITE))
		return XFO_SHIM_PROT;
	if (len == 0 || len < threshold)
		return XFO_SHIM_SMALL;
	return XFO_SHIM_SERVE;
}

int xfo_parse_size(const char *s, size_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!s || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ull << 10;
		break;
	case 'm': case 'M':
		mult = 1ull << 20;
		break;
	case 'g': case 'G':
		mult = 1ull << 30;
		break;
	default:
		return -1;
	}
	if (*p) {
		p++;
		if ((p[0] == 'i' || p[0] == 'I') && (p[1] == 'b' || p[1] == 'B'))
			p += 2;
		else if (p[0] == 'b' || p[0] == 'B')
			p++;
		if (*p)
			return -1;
	}
	if (v > UINT64_MAX / mult || v * mult > (uint64_t)SIZE_MAX)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

size_t xfo_shim_threshold(const char *env)
{
	size_t v;

	if (env && !xfo_parse_size(env, &v))
		return v;
	return XFO_SHIM_DEFAULT_THRESHOLD;
}
