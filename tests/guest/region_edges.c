// SPDX-License-Identifier: MIT
/*
 * region_edges [--device PATH]: what /dev/xfo refuses and what its ioctls
 * do (docs/guest.md, "Regions"): MAP_PRIVATE and a nonzero offset refused,
 * partial munmap and mprotect refused, mremap refused with the region
 * intact, mprotect of the whole region allowed, a forked child does not
 * get the region, XFO_GUEST_IOC_DISCARD frees pages that read zero after,
 * XFO_GUEST_IOC_CLASSES, XFO_GUEST_IOC_REGIONS, and regions beyond the
 * table's 60 working unpublished. One "PASS name" / "FAIL name: why" line
 * per check; exit 1 on a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xfo.h"
#include "io/xfo_areas.h"
#include "xfo_stats.h"

#define MiB (1ul << 20)

static int failed;

static void check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s\n", name);
		return;
	}
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed = 1;
}

static struct xfo_guest_region_info *region_info(int fd, uintptr_t start, unsigned int *nr)
{
	static struct xfo_guest_region_info info[128];
	struct xfo_guest_regions req = { .buf = (uintptr_t)info, .max = 128 };
	unsigned int i;

	if (ioctl(fd, XFO_GUEST_IOC_REGIONS, &req))
		return NULL;
	if (nr)
		*nr = req.nr;
	for (i = 0; i < req.nr && i < 128; i++)
		if (info[i].start == start)
			return &info[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 2 && !strcmp(argv[1], "--device") ? argv[2] : XFO_GUEST_DEVICE;
	struct xfo_guest_region_info *ri;
	struct xfo_guest_classes cl = { 0 };
	struct xfo_guest_discard d = { 0 };
	struct xfo_guest_stats s0, s1;
	size_t len = 4 * MiB, i;
	char *m, *m2, *many[64];
	int fd, st;
	pid_t pid;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("FAIL open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(m == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE refused with EINVAL",
	      "%p %s", (void *)m, strerror(errno));
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	check(m == MAP_FAILED && errno == EINVAL, "nonzero offset refused with EINVAL",
	      "%p %s", (void *)m, strerror(errno));

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("FAIL mmap: %s\n", strerror(errno));
		return 1;
	}
	memset(m, 0xab, len);
	check(munmap(m + MiB, MiB) == -1 && errno == EINVAL, "partial munmap refused with EINVAL",
	      "%s", strerror(errno));
	check(mprotect(m, MiB, PROT_READ) == -1 && errno == EINVAL,
	      "partial mprotect refused with EINVAL", "%s", strerror(errno));
	m2 = mremap(m, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, m + 64 * MiB);
	check(m2 == MAP_FAILED && m[len - 1] == (char)0xab, "mremap move refused, region intact",
	      "%p", (void *)m2);
	m2 = mremap(m, len, 2 * len, 0);
	check(m2 == MAP_FAILED, "mremap grow refused", "%p", (void *)m2);
	check(!mprotect(m, len, PROT_READ), "mprotect of the whole region", "%s", strerror(errno));
	ri = region_info(fd, (uintptr_t)m, NULL);
	check(ri && ri->prot == XFO_PROT_READ, "region table follows mprotect", "prot %u", ri ? ri->prot : 99);
	mprotect(m, len, PROT_READ | PROT_WRITE);

	ri = region_info(fd, (uintptr_t)m, NULL);
	check(ri && ri->pid == getpid() && ri->end - ri->start == len && ri->published &&
	      ri->classes == (XFO_CLASS_BIT(1) | XFO_CLASS_BIT(2)) && ri->pages == len / 4096 && ri->pt_root,
	      "XFO_GUEST_IOC_REGIONS: pid, range, classes, pages, published",
	      "%p pid %d pages %llu", (void *)ri, ri ? ri->pid : 0, ri ? (unsigned long long)ri->pages : 0);

	cl.addr = (uintptr_t)m + 4096;
	cl.classes = XFO_CLASS_BIT(1);
	check(!ioctl(fd, XFO_GUEST_IOC_CLASSES, &cl) &&
	      (ri = region_info(fd, (uintptr_t)m, NULL)) && ri->classes == XFO_CLASS_BIT(1),
	      "XFO_GUEST_IOC_CLASSES on a region", "%s", strerror(errno));
	cl.classes = 1u << 5;
	check(ioctl(fd, XFO_GUEST_IOC_CLASSES, &cl) == -1 && errno == EINVAL,
	      "XFO_GUEST_IOC_CLASSES: unknown class refused", "%s", strerror(errno));

	xfo_test_stats(fd, &s0);
	d.addr = (uintptr_t)m + MiB;
	d.len = MiB;
	check(!ioctl(fd, XFO_GUEST_IOC_DISCARD, &d) && d.freed == MiB / 4096,
	      "XFO_GUEST_IOC_DISCARD frees the range's pages", "freed %llu: %s",
	      (unsigned long long)d.freed, strerror(errno));
	xfo_test_stats(fd, &s1);
	for (i = 0; i < MiB && !m[MiB + i]; i++)
		;
	check(i == MiB && (unsigned char)m[0] == 0xab && (unsigned char)m[2 * MiB] == 0xab,
	      "discarded range reads zero, the rest kept", "byte %zu", i);
	check(s0.pages_mapped - s1.pages_mapped == MiB / 4096 && !xfo_test_balance(&s1),
	      "discard: accounting", "mapped %llu -> %llu", (unsigned long long)s0.pages_mapped,
	      (unsigned long long)s1.pages_mapped);
	d.addr = (uintptr_t)m + len - 4096;
	d.len = 8192;
	check(ioctl(fd, XFO_GUEST_IOC_DISCARD, &d) == -1 && errno == EINVAL,
	      "XFO_GUEST_IOC_DISCARD past the region refused", "%s", strerror(errno));

	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		*(volatile char *)m = 1;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a forked child does not get the region",
	      "status %#x", st);
	check((unsigned char)m[0] == 0xab, "the parent keeps it", "byte %#x", (unsigned char)m[0]);
	check(!munmap(m, len), "munmap of the whole region", "%s", strerror(errno));

	/* 64 regions: 60 fit the table; the rest work unpublished. */
	for (i = 0; i < 64; i++) {
		many[i] = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (many[i] == MAP_FAILED)
			break;
		memset(many[i], (int)i, 65536);
	}
	check(i == 64, "64 regions at once", "mmap %zu: %s", i, strerror(errno));
	xfo_test_stats(fd, &s1);
	ri = i == 64 ? region_info(fd, (uintptr_t)many[63], NULL) : NULL;
	check(s1.nr_published == XFO_MAX_REGIONS && ri && !ri->published && (unsigned char)many[63][100] == 63,
	      "60 published, the 61st and later work unpublished", "published %u", s1.nr_published);
	while (i--)
		munmap(many[i], 65536);
	xfo_test_stats(fd, &s1);
	check(s1.nr_published == 0 && s1.nr_regions == 0 && !xfo_test_balance(&s1),
	      "all gone after munmap", "published %u regions %u", s1.nr_published, s1.nr_regions);
	return failed;
}
