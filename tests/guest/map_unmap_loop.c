// SPDX-License-Identifier: MIT
/*
 * map_unmap_loop N [MB] [--device PATH]: N times map MB MiB (default 4)
 * of /dev/xfo, touch every page, check it, unmap. Every fourth round a
 * child process maps and touches a region and exits without unmapping it
 * (the exit path). Prints the module's page accounting before and after;
 * exit 0 when no page stayed mapped and the accounting adds up. The lab's
 * guest script compares MemFree around it as well.
 *
 * map_unmap_loop N [MB] --race THREADS: N rounds of map, then unmap while
 * THREADS threads keep writing to the region (SIGSEGV once it is gone is
 * expected and caught). A fault Xen resolves while the region is being
 * unmapped must still leave every page owned and freed: exit 0 only when
 * no page was orphaned and the accounting adds up.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xfo_stats.h"

/* --race: the region the threads write to, NULL between rounds. */
static _Atomic(uint8_t *) race_region;
static atomic_size_t race_len;
static atomic_int race_stop;
static atomic_ulong race_writes, race_segvs;
static __thread sigjmp_buf race_jmp;

static void race_segv(int sig)
{
	siglongjmp(race_jmp, 1);
}

static void *race_writer(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if (sigsetjmp(race_jmp, 1))
		atomic_fetch_add(&race_segvs, 1);
	while (!atomic_load(&race_stop)) {
		uint8_t *m = atomic_load(&race_region);
		size_t len = atomic_load(&race_len);

		if (!m || !len)
			continue;
		/* Pages in order from a random one: first touches, mostly. */
		for (size_t p = (size_t)rand_r(&seed) % (len / pg); p < len / pg; p++) {
			if (atomic_load(&race_region) != m)
				break;
			((volatile uint8_t *)m)[p * pg] = 1;
			atomic_fetch_add(&race_writes, 1);
		}
	}
	return NULL;
}

static int race(int fd, size_t len, unsigned long rounds, unsigned int threads)
{
	struct timespec ts = { 0, 200000 };	/* 0.2 ms of writing */
	pthread_t tid[16];
	struct sigaction sa;
	unsigned int t;
	unsigned long r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = race_segv;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	atomic_store(&race_len, len);
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, race_writer, (void *)(uintptr_t)(t + 1))) {
			fprintf(stderr, "map_unmap_loop: pthread_create failed\n");
			return -1;
		}
	for (r = 0; r < rounds; r++) {
		uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (m == MAP_FAILED) {
			fprintf(stderr, "map_unmap_loop: race round %lu: mmap: %s\n", r, strerror(errno));
			break;
		}
		atomic_store(&race_region, m);
		nanosleep(&ts, NULL);
		/* The threads write on while it goes. */
		if (munmap(m, len)) {
			fprintf(stderr, "map_unmap_loop: munmap: %s\n", strerror(errno));
			break;
		}
		atomic_store(&race_region, NULL);
	}
	atomic_store(&race_stop, 1);
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	signal(SIGSEGV, SIG_DFL);
	printf("map_unmap_loop: race: %lu rounds, %u threads, %lu writes, %lu SIGSEGVs after an unmap\n",
	       r, threads, atomic_load(&race_writes), atomic_load(&race_segvs));
	return r == rounds ? 0 : -1;
}

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
	unsigned long n = 0, mb = 4, r, threads = 0;
	struct xfo_guest_stats s0, s1;
	int fd, i, nargs = 0, have_stats, status;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--device") && i + 1 < argc)
			dev = argv[++i];
		else if (!strcmp(argv[i], "--race") && i + 1 < argc &&
			 (threads = strtoul(argv[++i], NULL, 10)) > 0 && threads <= 16)
			;
		else if (nargs == 0 && (n = strtoul(argv[i], NULL, 10)) > 0)
			nargs++;
		else if (nargs == 1 && (mb = strtoul(argv[i], NULL, 10)) > 0)
			nargs++;
		else
			nargs = -100;
	}
	if (nargs < 1) {
		fprintf(stderr, "usage: map_unmap_loop N [MB] [--device PATH] [--race THREADS (1-16)]\n");
		return 2;
	}
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "map_unmap_loop: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	have_stats = !xfo_test_stats(fd, &s0);

	for (r = 0; threads && r < 1; r++)
		if (race(fd, mb << 20, n, (unsigned int)threads))
			return 1;
	for (r = 0; !threads && r < n; r++) {
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
	if (!threads)
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
	if (s1.pages_orphaned != s0.pages_orphaned) {
		printf("map_unmap_loop: FAIL: %llu pages orphaned\n",
		       (unsigned long long)(s1.pages_orphaned - s0.pages_orphaned));
		return 1;
	}
	if (s1.pages_mapped != s0.pages_mapped || xfo_test_balance(&s1) || s1.nr_regions != s0.nr_regions) {
		printf("map_unmap_loop: FAIL: pages or regions left behind\n");
		return 1;
	}
	printf("map_unmap_loop: ok\n");
	return 0;
}
