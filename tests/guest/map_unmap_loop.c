// SPDX-License-Identifier: MIT
/*
 * map_unmap_loop N [MB] [--device PATH]: N times map MB MiB (default 4)
 * of /dev/xfo, touch every page, check it, unmap. Every fourth round a
 * child process maps and touches a region and exits without unmapping it
 * (the exit path). Prints the module's page accounting before and after;
 * exit 0 when no page stayed mapped and the accounting adds up. The lab's
 * guest script compares MemFree around it as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xfo_stats.h"

static int one_round(int fd, size_t len, size_t pg, unsigned int round, int unmap)
{
	size_t p, pages = len / pg;
	uint64_t *m;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "map_unmap_loop: round %u: mmap: %s\n", round, strerror(errno));
		return -1;
	}
	for (p = 0; p < pages; p++) {
		uint64_t *w = m + p * (pg / 8);

		if (w[1]) {
			fprintf(stderr, "map_unmap_loop: round %u: page %zu not zero\n", round, p);
			return -1;
		}
		w[0] = round ^ p;
	}
	for (p = 0; p < pages; p++)
		if (m[p * (pg / 8)] != (round ^ p)) {
			fprintf(stderr, "map_unmap_loop: round %u: page %zu lost its value\n", round, p);
			return -1;
		}
	if (unmap && munmap(m, len)) {
		fprintf(stderr, "map_unmap_loop: munmap: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = XFO_GUEST_DEVICE;
	unsigned long n = 0, mb = 4, r;
	struct xfo_guest_stats s0, s1;
	int fd, i, nargs = 0, have_stats, status;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--device") && i + 1 < argc)
			dev = argv[++i];
		else if (nargs == 0 && (n = strtoul(argv[i], NULL, 10)) > 0)
			nargs++;
		else if (nargs == 1 && (mb = strtoul(argv[i], NULL, 10)) > 0)
			nargs++;
		else
			nargs = -100;
	}
	if (nargs < 1) {
		fprintf(stderr, "usage: map_unmap_loop N [MB] [--device PATH]\n");
		return 2;
	}
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "map_unmap_loop: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	have_stats = !xfo_test_stats(fd, &s0);

	for (r = 0; r < n; r++) {
		if (r % 4 == 3) {
			pid_t pid = fork();

			if (pid < 0) {
				perror("map_unmap_loop: fork");
				return 1;
			}
			if (pid == 0)   /* exits with the region mapped */
				_exit(one_round(fd, mb << 20, pg, (unsigned int)r, 0) ? 1 : 0);
			if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			    WEXITSTATUS(status)) {
				fprintf(stderr, "map_unmap_loop: round %lu: the child failed\n", r);
				return 1;
			}
		} else if (one_round(fd, mb << 20, pg, (unsigned int)r, 1)) {
			return 1;
		}
	}
	printf("map_unmap_loop: %lu rounds of %lu MiB (every fourth in a child that exits)\n", n, mb);
	if (!have_stats) {
		printf("map_unmap_loop: %s has no xfo statistics (not the module)\nmap_unmap_loop: ok\n", dev);
		return 0;
	}
	xfo_test_stats(fd, &s1);
	printf("map_unmap_loop: pages allocated +%llu, freed +%llu, mapped %llu -> %llu, pool %llu, orphaned %llu, balance %lld\n",
	       (unsigned long long)(s1.pages_allocated - s0.pages_allocated),
	       (unsigned long long)(s1.pages_freed - s0.pages_freed),
	       (unsigned long long)s0.pages_mapped, (unsigned long long)s1.pages_mapped,
	       (unsigned long long)s1.pages_pool, (unsigned long long)s1.pages_orphaned,
	       xfo_test_balance(&s1));
	printf("map_unmap_loop: %llu faults handled by the guest, %llu pages offloaded by Xen, %llu regions created\n",
	       (unsigned long long)(s1.faults - s0.faults),
	       (unsigned long long)(s1.pages_offloaded - s0.pages_offloaded),
	       (unsigned long long)(s1.regions_created - s0.regions_created));
	if (s1.pages_mapped != s0.pages_mapped || xfo_test_balance(&s1) || s1.nr_regions != s0.nr_regions) {
		printf("map_unmap_loop: FAIL: pages or regions left behind\n");
		return 1;
	}
	printf("map_unmap_loop: ok\n");
	return 0;
}
