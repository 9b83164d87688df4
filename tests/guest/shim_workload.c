// SPDX-License-Identifier: MIT
/*
 * shim_workload [--expect-served | --expect-none]: large mallocs and
 * mmaps the way programs use them, checked for the results the C library
 * and the kernel promise, whether or not libxfo_preload.so serves them.
 * Run under `xfo-agent run -- shim_workload --expect-served` in the
 * guest; on the host with the shim and XFO_PRELOAD_DEVICE=/dev/zero or a
 * missing device (tests/suites/guest-build.once.sh).
 * Dynamically linked: LD_PRELOAD needs that.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xfo_preload.h"

#define MiB (1ul << 20)

static int failures;

#define CHECK(cond, ...) do {                                           \
	if (!(cond)) {                                                  \
		printf("shim_workload: FAIL %s:%d: ", __func__, __LINE__); \
		printf(__VA_ARGS__);                                    \
		printf("\n");                                           \
		failures++;                                             \
	}                                                               \
} while (0)

static int all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i])
			return 0;
	return 1;
}

static void fill(void *p, size_t len, unsigned int seed)
{
	uint32_t *w = p;
	size_t i;

	for (i = 0; i < len / 4; i++)
		w[i] = seed ^ (uint32_t)i;
}

static int same(const void *p, size_t len, unsigned int seed)
{
	const uint32_t *w = p;
	size_t i;

	for (i = 0; i < len / 4; i++)
		if (w[i] != (seed ^ (uint32_t)i))
			return 0;
	return 1;
}

static void test_malloc(void)
{
	char *p = malloc(8 * MiB), *q;

	CHECK(p, "malloc 8 MiB: %s", strerror(errno));
	if (!p)
		return;
	fill(p, 8 * MiB, 1);
	CHECK(malloc_usable_size(p) >= 8 * MiB, "usable size %zu", malloc_usable_size(p));
	q = realloc(p, 16 * MiB);
	CHECK(q && same(q, 8 * MiB, 1), "realloc to 16 MiB lost the content");
	if (!q)
		return;
	fill(q + 8 * MiB, 8 * MiB, 2);
	p = realloc(q, 2 * MiB);
	CHECK(p && same(p, 2 * MiB, 1), "realloc down to 2 MiB lost the content");
	free(p);

	p = calloc(4, MiB);
	CHECK(p && all_zero(p, 4 * MiB), "calloc 4 MiB not zero");
	free(p);

	p = reallocarray(NULL, 3, MiB);
	CHECK(p, "reallocarray 3 MiB");
	if (p)
		memset(p, 0x5a, 3 * MiB);
	free(p);
}

static void test_aligned(void)
{
	void *p = NULL;
	int rc = posix_memalign(&p, 4096, 3 * MiB);

	CHECK(!rc && p && !((uintptr_t)p & 4095), "posix_memalign 4096, 3 MiB: %d %p", rc, p);
	if (p) {
		memset(p, 1, 3 * MiB);
		free(p);
	}
	p = aligned_alloc(64, 2 * MiB);
	CHECK(p && !((uintptr_t)p & 63), "aligned_alloc 64, 2 MiB");
	if (p) {
		memset(p, 2, 2 * MiB);
		free(p);
	}
	p = NULL;
	rc = posix_memalign(&p, 2 * MiB, 2 * MiB);
	CHECK(!rc && p && !((uintptr_t)p & (2 * MiB - 1)), "posix_memalign 2 MiB alignment");
	free(p);
}

static void test_mmap(void)
{
	size_t len = 4 * MiB;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED, "mmap 4 MiB: %s", strerror(errno));
	if (m == MAP_FAILED)
		return;
	CHECK(all_zero(m, len), "fresh anonymous mapping not zero");
	fill(m, len, 3);
	/* The head goes; the rest stays intact. */
	CHECK(!munmap(m, MiB), "munmap of the first MiB: %s", strerror(errno));
	{
		const uint32_t *w = (const uint32_t *)(m + MiB);
		size_t i, bad = 0;

		for (i = 0; i < (len - MiB) / 4; i++)
			bad += w[i] != (3u ^ (uint32_t)(i + MiB / 4));
		CHECK(!bad, "partial munmap changed %zu words of the rest", bad);
	}
	CHECK(!munmap(m + MiB, len - MiB), "munmap of the rest: %s", strerror(errno));

	/* MADV_DONTNEED on private anonymous memory: reads zero after. */
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
	if (m == MAP_FAILED)
		return;
	memset(m, 0x77, len);
	CHECK(!madvise(m + MiB, MiB, MADV_DONTNEED), "madvise DONTNEED: %s", strerror(errno));
	CHECK(all_zero(m + MiB, MiB), "MADV_DONTNEED range does not read zero");
	CHECK(m[0] == 0x77 && m[2 * MiB] == 0x77, "MADV_DONTNEED touched outside its range");

	/* mremap: grow with a move, then shrink in place. */
	fill(m, len, 4);
	{
		char *n = mremap(m, len, 2 * len, MREMAP_MAYMOVE);

		CHECK(n != MAP_FAILED && same(n, len, 4), "mremap grow lost the content");
		if (n == MAP_FAILED) {
			munmap(m, len);
			return;
		}
		memset(n + len, 9, len);
		m = mremap(n, 2 * len, MiB, 0);
		CHECK(m == n && same(m, MiB, 4), "mremap shrink in place");
		if (m != MAP_FAILED)
			CHECK(!munmap(m, MiB), "munmap after mremap: %s", strerror(errno));
	}
}

/* Mappings the shim must leave alone; they have to work all the same. */
static void test_passed_through(void)
{
	char *m = mmap(NULL, 2 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED, "shared anonymous mmap: %s", strerror(errno));
	if (m != MAP_FAILED) {
		pid_t pid;
		int st;

		m[0] = 1;
		pid = fork();
		if (pid == 0) {
			m[0] = 42;
			_exit(0);
		}
		waitpid(pid, &st, 0);
		CHECK(m[0] == 42, "MAP_SHARED not shared with a child");
		munmap(m, 2 * MiB);
	}
	m = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED && all_zero(m, 64 * 1024), "small mmap");
	if (m != MAP_FAILED)
		munmap(m, 64 * 1024);
	m = mmap(NULL, 2 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED && all_zero(m, 2 * MiB), "read-only mmap");
	if (m != MAP_FAILED) {
		CHECK(!mprotect(m, MiB, PROT_READ | PROT_WRITE), "mprotect of half a read-only mapping");
		munmap(m, 2 * MiB);
	}
}

/* A forked child gets a private snapshot of large buffers, as of private
 * anonymous memory: the parent's values, its writes stay its own, and
 * the parent's writes after the fork do not reach it. */
static void test_fork(void)
{
	size_t len = 4 * MiB, i;
	unsigned char *p = malloc(len), *m;
	int st = -1;
	pid_t pid;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p && m != MAP_FAILED, "malloc/mmap 4 MiB for the fork");
	if (!p || m == MAP_FAILED)
		return;
	for (i = 0; i < len; i += 4096) {
		p[i] = (unsigned char)(i >> 12);
		m[i] = (unsigned char)~(i >> 12);
	}
	CHECK(!madvise(m + MiB, MiB, MADV_DONTNEED), "madvise before the fork");
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		for (i = 0; i < len; i += 4096) {
			bad += p[i] != (unsigned char)(i >> 12);
			bad += m[i] != (i >= MiB && i < 2 * MiB ? 0 : (unsigned char)~(i >> 12));
		}
		p[0] = m[0] = 0xee;
		/* Plain memory in the child: discard, partial unmap, free. */
		bad += madvise(m, MiB, MADV_DONTNEED) != 0 || m[0] != 0;
		bad += munmap(m + 3 * MiB, MiB) != 0;
		free(p);
		bad += munmap(m, 3 * MiB) != 0;
		_exit(bad ? 1 : 0);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	p[4096] = m[4096] = 0x55;	/* after the fork: not the child's */
	if (pid > 0)
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
		      "a forked child did not read its own copy of the parent's buffers (status %#x)", st);
	CHECK(p[0] == 0 && m[0] == (unsigned char)~0u, "the child's writes reached the parent");
	free(p);
	munmap(m, len);
}

static void test_small(void)
{
	void *p[1000];
	int i;

	for (i = 0; i < 1000; i++) {
		p[i] = malloc((size_t)(i % 200) + 1);
		CHECK(p[i], "small malloc");
		if (p[i])
			memset(p[i], i, (size_t)(i % 200) + 1);
	}
	for (i = 0; i < 1000; i++)
		free(p[i]);
}

int main(int argc, char **argv)
{
	xfo_preload_stats_fn stats_fn = (xfo_preload_stats_fn)dlsym(RTLD_DEFAULT, "xfo_preload_stats");
	struct xfo_preload_stats st = { 0 };
	int expect = 0;

	if (argc > 1 && !strcmp(argv[1], "--expect-served"))
		expect = 1;
	else if (argc > 1 && !strcmp(argv[1], "--expect-none"))
		expect = -1;
	else if (argc > 1) {
		fprintf(stderr, "usage: shim_workload [--expect-served | --expect-none]\n");
		return 2;
	}

	test_malloc();
	test_aligned();
	test_mmap();
	test_passed_through();
	test_fork();
	test_small();

	if (stats_fn)
		stats_fn(&st);
	printf("shim_workload: shim %s, device %s: %llu regions served (%llu MiB), %llu still mapped, "
	       "%llu refused, %llu partial unmaps (%llu pages freed)\n",
	       stats_fn ? "preloaded" : "absent", st.device_open ? "open" : "closed",
	       (unsigned long long)st.served, (unsigned long long)(st.served_bytes >> 20),
	       (unsigned long long)st.live, (unsigned long long)st.failed,
	       (unsigned long long)st.partial_unmaps, (unsigned long long)st.discarded_pages);
	if (expect > 0)
		CHECK(st.served >= 8, "expected the shim to serve regions, it served %llu",
		      (unsigned long long)st.served);
	if (expect < 0)
		CHECK(st.served == 0, "expected nothing served, %llu were", (unsigned long long)st.served);
	CHECK(st.live == 0, "%llu regions still mapped at the end", (unsigned long long)st.live);
	if (failures) {
		printf("shim_workload: %d checks failed\n", failures);
		return 1;
	}
	printf("shim_workload: ok\n");
	return 0;
}
