// SPDX-License-Identifier: MIT
/*
 * xfo-bench: the workloads of the lab benchmark (docs/PERFORMANCE.md,
 * "Lab"), one per run, static so that native Linux, the stock PV domU and
 * the xfo domU run the very same code. Every run checks its own results
 * (a page that is not zero at its first touch, a write that is lost, a
 * child that sees other memory than its parent's) and then fails: a fast
 * wrong answer must never look like a good time.
 *
 *   xfo-bench touch region|anon write|read MB
 *   xfo-bench populate MB         MADV_POPULATE_WRITE over fresh memory
 *   xfo-bench memset MB           memset over pages already populated
 *   xfo-bench fork-exit N [MB]    lmbench lat_proc fork, parent touched MB
 *   xfo-bench fork-exec N [MB]    lat_proc exec: the child execs this
 *                                 binary's "child" command
 *   xfo-bench parallel region|anon MB   two threads on CPUs 0 and 1 write
 *                                 the first touch of MB each, at once
 *   xfo-bench lines N SEED        N pseudo-random text lines on stdout
 *                                 (input for a real program)
 *   xfo-bench run EXPECT CMD...   runs CMD, times it end to end, and
 *                                 compares its stdout with the file EXPECT
 *   xfo-bench null                nothing, and its record (the counts of
 *                                 the channel the commands come through)
 *
 * Each run prints one line "XFO-BENCH-RESULT {json}": the workload, its
 * size, "ns" (the timed part), "ok", the guest kernel's page faults over
 * the timed part (/proc/vmstat pgfault), and for regions the module's
 * counters (faults it handled itself, pages Xen installed). Exit 0 when
 * every check held, 1 when one failed, 2 for bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xfo_guest.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PAGE 4096ul
#define WORDS (PAGE / sizeof(uint64_t))
#define MiB (1ul << 20)
#define MAX_MB (1ul << 16)
#define MAX_ITERS 1000000ul

static const uint64_t seed = 0x9e3779b97f4a7c15ull;

struct mem {
	int fd;                  /* /dev/xfo for a region, else -1 */
	uint64_t *p;
	size_t len;
};

struct counts {
	uint64_t pgfault;        /* /proc/vmstat */
	int have_guest;
	struct xfo_guest_stats guest;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "xfo-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int usage(const char *why)
{
	fprintf(stderr, "xfo-bench: %s\n"
		"usage: xfo-bench touch region|anon write|read MB\n"
		"       xfo-bench populate MB | memset MB\n"
		"       xfo-bench fork-exit|fork-exec N [MB]\n"
		"       xfo-bench parallel region|anon MB\n"
		"       xfo-bench lines N SEED\n"
		"       xfo-bench run EXPECT CMD...\n", why);
	return 2;
}

/* A decimal count in [1, max]: anything else is refused by name. */
static int parse_count(const char *s, unsigned long max, const char *what,
		       unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || !*out || *out > max) {
		fprintf(stderr, "xfo-bench: %s '%s' is not a number in 1..%lu\n",
			what, s, max);
		return -1;
	}
	return 0;
}

static uint64_t vmstat(const char *key)
{
	char name[64];
	unsigned long long v;
	uint64_t found = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return 0;
	while (fscanf(f, "%63s %llu", name, &v) == 2)
		if (!strcmp(name, key)) {
			found = v;
			break;
		}
	fclose(f);
	return found;
}

static void counts_read(const struct mem *m, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	c->pgfault = vmstat("pgfault");
	if (m && m->fd >= 0)
		c->have_guest = !ioctl(m->fd, XFO_GUEST_IOC_STATS, &c->guest);
}

/* region: a /dev/xfo mapping (Xen may resolve its faults); anon: private
 * anonymous memory, 4 KiB pages (no THP, as under Xen PV). */
static void mem_map(struct mem *m, const char *kind, size_t mb)
{
	m->len = mb * MiB;
	m->fd = -1;
	if (!strcmp(kind, "region")) {
		m->fd = open(XFO_GUEST_DEVICE, O_RDWR | O_CLOEXEC);
		if (m->fd < 0)
			die(XFO_GUEST_DEVICE);
		m->p = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	} else {
		m->p = mmap(NULL, m->len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m->p != MAP_FAILED)
			madvise(m->p, m->len, MADV_NOHUGEPAGE);
	}
	if (m->p == MAP_FAILED)
		die("mmap");
}

static void mem_unmap(struct mem *m)
{
	munmap(m->p, m->len);
	if (m->fd >= 0)
		close(m->fd);
}

static uint64_t page_word(size_t page)
{
	return seed ^ (page * PAGE);
}

/* Pages whose first word is not w(page) or whose rest is not zero. */
static size_t check_pages(const uint64_t *p, size_t pages, int written)
{
	size_t pg, w, bad = 0;

	for (pg = 0; pg < pages; pg++) {
		const uint64_t *q = p + pg * WORDS;
		int ok = q[0] == (written ? page_word(pg) : 0);

		for (w = 1; ok && w < WORDS; w++)
			ok = !q[w];
		if (!ok && bad++ < 3)
			fprintf(stderr, "xfo-bench: page %zu holds the wrong bytes\n", pg);
	}
	return bad;
}

static void print_counts(const struct counts *a, const struct counts *b)
{
	printf(",\"pgfault\":%llu", (unsigned long long)(b->pgfault - a->pgfault));
	if (a->have_guest && b->have_guest)
		printf(",\"guest_faults\":%llu,\"pages_offloaded\":%llu,\"pool_level\":%u",
		       (unsigned long long)(b->guest.faults - a->guest.faults),
		       (unsigned long long)(b->guest.pages_offloaded - a->guest.pages_offloaded),
		       b->guest.pool_level);
}

/* The result line of a run over pages; its exit status. */
static int page_result(const char *workload, const char *mem, const char *access,
		       size_t mb, size_t pages, uint64_t ns, size_t bad,
		       const struct counts *c0, const struct counts *c1)
{
	printf("XFO-BENCH-RESULT {\"workload\":\"%s\",\"mem\":\"%s\",", workload, mem);
	if (access)
		printf("\"access\":\"%s\",", access);
	printf("\"mb\":%zu,\"pages\":%zu,\"ns\":%llu,\"ok\":%s,\"bad_pages\":%zu",
	       mb, pages, (unsigned long long)ns, bad ? "false" : "true", bad);
	print_counts(c0, c1);
	printf("}\n");
	return bad ? 1 : 0;
}

static int touch(const char *kind, const char *access, size_t mb)
{
	int writing = !strcmp(access, "write");
	struct counts c0, c1;
	volatile uint64_t sink = 0;
	size_t pages = mb * MiB / PAGE, pg, bad;
	uint64_t t0, t1;
	struct mem m;

	mem_map(&m, kind, mb);
	counts_read(&m, &c0);
	t0 = now_ns();
	if (writing) {
		for (pg = 0; pg < pages; pg++)
			m.p[pg * WORDS] = page_word(pg);
	} else {
		uint64_t sum = 0;

		for (pg = 0; pg < pages; pg++)
			sum |= ((volatile uint64_t *)m.p)[pg * WORDS];
		sink = sum;
	}
	t1 = now_ns();
	counts_read(&m, &c1);
	bad = check_pages(m.p, pages, writing) + (sink != 0);
	mem_unmap(&m);
	return page_result("touch", kind, access, mb, pages, t1 - t0, bad, &c0, &c1);
}

/* MADV_POPULATE_WRITE: the kernel's fault path with no trap per page. */
static int populate(size_t mb)
{
	size_t pages = mb * MiB / PAGE, bad;
	struct counts c0, c1;
	uint64_t t0, t1;
	struct mem m;
	int rc;

	mem_map(&m, "anon", mb);
	counts_read(NULL, &c0);
	t0 = now_ns();
	rc = madvise(m.p, m.len, MADV_POPULATE_WRITE);
	t1 = now_ns();
	counts_read(NULL, &c1);
	if (rc)
		die("madvise(MADV_POPULATE_WRITE)");
	bad = check_pages(m.p, pages, 0);
	mem_unmap(&m);
	return page_result("populate", "anon", NULL, mb, pages, t1 - t0, bad, &c0, &c1);
}

/* memset over populated pages: the cost of the bytes alone, no fault. */
static int memset_populated(size_t mb)
{
	size_t pages = mb * MiB / PAGE, pg, bad = 0;
	struct counts c0, c1;
	uint64_t t0, t1;
	struct mem m;

	mem_map(&m, "anon", mb);
	if (madvise(m.p, m.len, MADV_POPULATE_WRITE))
		memset(m.p, 0, m.len);
	counts_read(NULL, &c0);
	t0 = now_ns();
	memset(m.p, 0x5a, m.len);
	t1 = now_ns();
	counts_read(NULL, &c1);
	for (pg = 0; pg < pages; pg++)
		bad += m.p[pg * WORDS + pg % WORDS] != 0x5a5a5a5a5a5a5a5aull;
	mem_unmap(&m);
	return page_result("memset", "anon", NULL, mb, pages, t1 - t0, bad, &c0, &c1);
}

/*
 * lat_proc: fork, the child exits (or execs this binary's "child"), the
 * parent waits. With a touched parent the child checks one word per MiB
 * of the parent's memory and exits 3 when one differs.
 */
static int fork_loop(int exec_child, unsigned long iters, size_t mb)
{
	size_t pages = mb * MiB / PAGE, pg;
	unsigned long i, bad = 0;
	struct counts c0, c1;
	struct mem m = { .fd = -1 };
	uint64_t t0, t1;
	char self[256];
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		die("readlink /proc/self/exe");
	self[n] = 0;
	if (mb) {
		mem_map(&m, "anon", mb);
		for (pg = 0; pg < pages; pg++)
			m.p[pg * WORDS] = page_word(pg);
	}
	counts_read(NULL, &c0);
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			for (pg = 0; pg < pages; pg += MiB / PAGE)
				if (m.p[pg * WORDS] != page_word(pg))
					_exit(3);
			if (exec_child) {
				execl(self, self, "child", (char *)NULL);
				_exit(4);
			}
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid)
			die("waitpid");
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	t1 = now_ns();
	counts_read(NULL, &c1);
	if (mb)
		mem_unmap(&m);
	printf("XFO-BENCH-RESULT {\"workload\":\"%s\",\"mem\":\"anon\",\"mb\":%zu,"
	       "\"iters\":%lu,\"ns\":%llu,\"ok\":%s,\"bad_children\":%lu",
	       exec_child ? "fork-exec" : "fork-exit", mb, iters,
	       (unsigned long long)(t1 - t0), bad ? "false" : "true", bad);
	print_counts(&c0, &c1);
	printf("}\n");
	return bad ? 1 : 0;
}

struct worker {
	int cpu;
	struct mem m;
	pthread_barrier_t *start;
	uint64_t t_start, t_end;
	int pinned;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	size_t pages = w->m.len / PAGE, pg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	w->pinned = !sched_setaffinity(0, sizeof(set), &set);
	pthread_barrier_wait(w->start);
	w->t_start = now_ns();
	for (pg = 0; pg < pages; pg++)
		w->m.p[pg * WORDS] = page_word(pg);
	w->t_end = now_ns();
	return NULL;
}

/* Two vCPUs faulting at once, each in its own mapping. */
static int parallel(const char *kind, size_t mb)
{
	struct worker w[2];
	pthread_t tid[2];
	pthread_barrier_t start;
	struct counts c0, c1;
	size_t pages = mb * MiB / PAGE, bad = 0;
	uint64_t t0, t1;
	int i;

	pthread_barrier_init(&start, NULL, 3);
	for (i = 0; i < 2; i++) {
		w[i].cpu = i;
		w[i].start = &start;
		mem_map(&w[i].m, kind, mb);
	}
	counts_read(&w[0].m, &c0);
	for (i = 0; i < 2; i++)
		if (pthread_create(&tid[i], NULL, worker_run, &w[i]))
			die("pthread_create");
	pthread_barrier_wait(&start);
	for (i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	/* From the first start to the last end: this thread may run late on
	 * a busy vCPU, the workers' own clocks do not. */
	t0 = w[0].t_start < w[1].t_start ? w[0].t_start : w[1].t_start;
	t1 = w[0].t_end > w[1].t_end ? w[0].t_end : w[1].t_end;
	counts_read(&w[0].m, &c1);
	for (i = 0; i < 2; i++) {
		bad += check_pages(w[i].m.p, pages, 1);
		mem_unmap(&w[i].m);
	}
	printf("XFO-BENCH-RESULT {\"workload\":\"parallel\",\"mem\":\"%s\",\"mb\":%zu,"
	       "\"pages\":%zu,\"ns\":%llu,\"ns_cpu0\":%llu,\"ns_cpu1\":%llu,\"pinned\":%s,"
	       "\"ok\":%s,\"bad_pages\":%zu",
	       kind, mb, 2 * pages, (unsigned long long)(t1 - t0),
	       (unsigned long long)(w[0].t_end - w[0].t_start),
	       (unsigned long long)(w[1].t_end - w[1].t_start),
	       w[0].pinned && w[1].pinned ? "true" : "false", bad ? "false" : "true", bad);
	/* The module's counters are per device, not per mapping: the first
	 * mapping's fd sees both regions' faults. */
	print_counts(&c0, &c1);
	printf("}\n");
	return bad ? 1 : 0;
}

/* Text for sort(1): "%016llx payload\n", xorshift64 from SEED. */
static int lines(unsigned long n, unsigned long s)
{
	uint64_t x = s * 0x2545f4914f6cdd1dull + 1;
	unsigned long i;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		printf("%016llx line %lu of the xfo lab benchmark\n", (unsigned long long)x, i);
	}
	return fflush(stdout) ? 1 : 0;
}

/* Same bytes in both files: 1; differ: 0; -1 when one cannot be read. */
static int same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	int ca, cb, same = -1;

	if (fa && fb)
		do {
			ca = getc(fa);
			cb = getc(fb);
			same = ca == cb;
		} while (same && ca != EOF);
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* A real program end to end: fork, exec, wait; its stdout in a file. */
static int run_program(const char *expect, char **cmd)
{
	static const char out_path[] = "/tmp/xfo-bench.out";
	struct counts c0, c1;
	uint64_t t0, t1;
	int status, same, fd;
	pid_t pid;

	counts_read(NULL, &c0);
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execvp(cmd[0], cmd);
		fprintf(stderr, "xfo-bench: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	t1 = now_ns();
	counts_read(NULL, &c1);
	same = same_file(out_path, expect);
	if (same < 0)
		fprintf(stderr, "xfo-bench: cannot read %s or %s\n", out_path, expect);
	else if (!same)
		fprintf(stderr, "xfo-bench: %s wrote other output than %s\n", cmd[0], expect);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("XFO-BENCH-RESULT {\"workload\":\"run\",\"program\":\"%s\",\"ns\":%llu,"
	       "\"exit\":%d,\"same_output\":%s,\"ok\":%s",
	       cmd[0], (unsigned long long)(t1 - t0), status, same > 0 ? "true" : "false",
	       !status && same > 0 ? "true" : "false");
	print_counts(&c0, &c1);
	printf("}\n");
	return !status && same > 0 ? 0 : 1;
}

static int is_mem(const char *s)
{
	return !strcmp(s, "region") || !strcmp(s, "anon");
}

int main(int argc, char **argv)
{
	unsigned long a, b = 0;
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "child"))
		return 0;
	if (!strcmp(cmd, "null")) {
		printf("XFO-BENCH-RESULT {\"workload\":\"null\",\"ns\":0,\"ok\":true}\n");
		return 0;
	}
	if (!strcmp(cmd, "touch")) {
		if (argc != 5 || !is_mem(argv[2]) ||
		    (strcmp(argv[3], "write") && strcmp(argv[3], "read")))
			return usage("touch takes region|anon, write|read and a size in MiB");
		if (parse_count(argv[4], MAX_MB, "size in MiB", &a))
			return 2;
		return touch(argv[2], argv[3], a);
	}
	if (!strcmp(cmd, "populate") || !strcmp(cmd, "memset")) {
		if (argc != 3)
			return usage("populate and memset take a size in MiB");
		if (parse_count(argv[2], MAX_MB, "size in MiB", &a))
			return 2;
		return cmd[0] == 'p' ? populate(a) : memset_populated(a);
	}
	if (!strcmp(cmd, "fork-exit") || !strcmp(cmd, "fork-exec")) {
		if (argc != 3 && argc != 4)
			return usage("fork-exit and fork-exec take a count and an optional size in MiB");
		if (parse_count(argv[2], MAX_ITERS, "count", &a) ||
		    (argc == 4 && parse_count(argv[3], MAX_MB, "size in MiB", &b)))
			return 2;
		return fork_loop(!strcmp(cmd, "fork-exec"), a, b);
	}
	if (!strcmp(cmd, "parallel")) {
		if (argc != 4 || !is_mem(argv[2]))
			return usage("parallel takes region|anon and a size in MiB");
		if (parse_count(argv[3], MAX_MB, "size in MiB", &a))
			return 2;
		return parallel(argv[2], a);
	}
	if (!strcmp(cmd, "lines")) {
		if (argc != 4)
			return usage("lines takes a count and a seed");
		if (parse_count(argv[2], 100000000ul, "count", &a) ||
		    parse_count(argv[3], ~0ul, "seed", &b))
			return 2;
		return lines(a, b);
	}
	if (!strcmp(cmd, "run")) {
		if (argc < 4)
			return usage("run takes an expected-output file and a command");
		return run_program(argv[2], argv + 3);
	}
	return usage(*cmd ? "unknown command" : "no command");
}
