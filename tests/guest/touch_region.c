// SPDX-License-Identifier: MIT
/*
 * touch_region MB [--device PATH] [--write-first]: maps MB MiB of
 * /dev/xfo, checks that every page reads zero at its first touch (or,
 * with --write-first, that the rest of a page reads zero after a write to
 * its first word), writes a pattern over all of it, reads it back, and
 * prints the counts, the module's statistics before and after, and the
 * times. Exit 0 when every check held.
 *
 * touch_region MB --write-readonly: mprotects the region read-only and
 * writes to its first page, which must raise SIGSEGV (Xen bounces the
 * fault as PROT_DENIED, the kernel refuses the write). In this process:
 * a forked child would not have the region.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <setjmp.h>
#include <time.h>
#include <unistd.h>

#include "xfo_stats.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	siglongjmp(segv_jmp, 1);
}

int main(int argc, char **argv)
{
	const char *dev = XFO_GUEST_DEVICE;
	struct xfo_guest_stats s0, s1, s2;
	int write_first = 0, write_readonly = 0, have_stats, fd, i;
	size_t mb = 0, len, pages, pg, w, words, zero_ok = 0, verified = 0, p;
	const uint64_t seed = 0x9e3779b97f4a7c15ull;
	double t0, t1, t2, t3;
	uint64_t *m;
	char *end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--device") && i + 1 < argc) {
			dev = argv[++i];
		} else if (!strcmp(argv[i], "--write-first")) {
			write_first = 1;
		} else if (!strcmp(argv[i], "--write-readonly")) {
			write_readonly = 1;
		} else if (!mb) {
			mb = strtoul(argv[i], &end, 10);
			if (*end || !mb) {
				fprintf(stderr, "touch_region: '%s' is not a size in MiB\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "usage: touch_region MB [--device PATH] [--write-first]\n");
			return 2;
		}
	}
	if (!mb) {
		fprintf(stderr, "usage: touch_region MB [--device PATH] [--write-first]\n");
		return 2;
	}
	pg = (size_t)sysconf(_SC_PAGESIZE);
	len = mb << 20;
	pages = len / pg;
	words = pg / sizeof(uint64_t);

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "touch_region: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	have_stats = !xfo_test_stats(fd, &s0);

	t0 = now_ms();
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "touch_region: mmap %zu MiB of %s: %s\n", mb, dev, strerror(errno));
		return 1;
	}
	t1 = now_ms();

	if (write_readonly) {
		volatile int segv = 0;

		if (mprotect(m, len, PROT_READ)) {
			fprintf(stderr, "touch_region: mprotect: %s\n", strerror(errno));
			return 1;
		}
		signal(SIGSEGV, on_segv);
		if (sigsetjmp(segv_jmp, 1))
			segv = 1;
		else
			*(volatile uint64_t *)m = 1;
		signal(SIGSEGV, SIG_DFL);
		munmap(m, len);
		if (!segv) {
			printf("touch_region: FAIL: a write to the read-only region did not get SIGSEGV\n");
			return 1;
		}
		printf("touch_region: a write to the read-only region got SIGSEGV\n");
		return 0;
	}

	/* First touch of every page. */
	for (p = 0; p < pages; p++) {
		volatile uint64_t *pw = m + p * words;
		int ok = 1;

		if (write_first)
			pw[0] = 0;
		for (w = 0; w < words; w++)
			if (pw[w]) {
				ok = 0;
				break;
			}
		zero_ok += ok;
		if (!ok && p - zero_ok < 5)
			fprintf(stderr, "touch_region: page %zu is not zero at its first touch\n", p);
	}
	t2 = now_ms();
	if (have_stats)
		xfo_test_stats(fd, &s1);

	for (p = 0; p < pages * words; p++)
		m[p] = seed ^ (p * 8);
	for (p = 0; p < pages; p++) {
		int ok = 1;

		for (w = 0; w < words; w++)
			if (m[p * words + w] != (seed ^ ((p * words + w) * 8))) {
				ok = 0;
				break;
			}
		verified += ok;
	}
	t3 = now_ms();

	if (munmap(m, len)) {
		fprintf(stderr, "touch_region: munmap: %s\n", strerror(errno));
		return 1;
	}
	printf("touch_region: %zu MiB, %zu pages: %zu read zero at first touch, %zu kept the pattern\n",
	       mb, pages, zero_ok, verified);
	printf("touch_region: mmap %.1f ms, first touch %.1f ms (%.2f us/page), pattern %.1f ms\n",
	       t1 - t0, t2 - t1, (t2 - t1) * 1e3 / (double)pages, t3 - t2);
	if (have_stats) {
		xfo_test_stats(fd, &s2);
		printf("touch_region: first touch: %llu faults handled by the guest, %llu pages offloaded by Xen\n",
		       (unsigned long long)(s1.faults - s0.faults),
		       (unsigned long long)(s1.pages_offloaded - s0.pages_offloaded));
		printf("touch_region: pages mapped %llu -> %llu -> %llu (before, touched, unmapped), balance %lld\n",
		       (unsigned long long)s0.pages_mapped, (unsigned long long)s1.pages_mapped,
		       (unsigned long long)s2.pages_mapped, xfo_test_balance(&s2));
		if (s1.pages_mapped - s0.pages_mapped != pages) {
			printf("touch_region: FAIL: the region owns %llu pages, expected %zu\n",
			       (unsigned long long)(s1.pages_mapped - s0.pages_mapped), pages);
			return 1;
		}
		if (s2.pages_mapped != s0.pages_mapped || xfo_test_balance(&s2)) {
			printf("touch_region: FAIL: pages not all freed at munmap, or accounting off\n");
			return 1;
		}
	} else {
		printf("touch_region: %s has no xfo statistics (not the module)\n", dev);
	}
	if (zero_ok != pages || verified != pages) {
		printf("touch_region: FAIL\n");
		return 1;
	}
	printf("touch_region: ok\n");
	return 0;
}
