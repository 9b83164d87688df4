// SPDX-License-Identifier: MIT
/*
 * libxfo_preload.so: serve a program's large anonymous memory from
 * /dev/xfo regions, so that Xen may resolve their first-touch faults.
 * `xfo-agent run -- CMD` preloads it.
 *
 * What it takes over:
 *  - mmap/mmap64 of a private anonymous read-write mapping of at least
 *    XFO_PRELOAD_THRESHOLD bytes (default 1 MiB) at an address of the
 *    kernel's choosing (decide.c); everything else, and any failure to get
 *    a region, goes to the kernel's mmap unchanged;
 *  - malloc, calloc, realloc, reallocarray, memalign, aligned_alloc,
 *    posix_memalign, valloc, pvalloc of at least the threshold (glibc's
 *    malloc calls its own mmap, which no preload can see), unless
 *    XFO_PRELOAD_MALLOC=0; smaller ones go to glibc's allocator;
 *  - munmap, mremap and madvise on regions it made.
 *
 * A region is one VMA that the module refuses to split. A munmap of part
 * of one gives that part's pages back (the module's discard ioctl); the
 * range stays reserved and reads zero if touched again, and the region
 * goes once all of it was unmapped. MADV_DONTNEED/MADV_FREE on a region
 * discard the same way (which is what they mean for anonymous memory).
 * mremap is emulated: shrinking unmaps the tail as above, growing with
 * MREMAP_MAYMOVE copies into a new mapping. mprotect of part of a region
 * fails with EINVAL. Regions are not inherited by fork (VM_DONTCOPY): the
 * atfork handlers give the child a private copy of each at its address,
 * as private anonymous memory would (docs/guest.md).
 *
 * Environment: XFO_PRELOAD_THRESHOLD (bytes, K/M/G suffixes),
 * XFO_PRELOAD_DEVICE (default /dev/xfo), XFO_PRELOAD_MALLOC (0: leave
 * malloc alone), XFO_PRELOAD_DISABLE (1: serve nothing),
 * XFO_PRELOAD_DEBUG (1: one line on stderr per decision, a summary at
 * exit).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "decide.h"
#include "xfo.h"
#include "xfo_guest.h"
#include "xfo_preload.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_REGIONS 4096

/* glibc's allocator under its internal names. */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t align, size_t size);

enum kind { KIND_MMAP = 1, KIND_MALLOC };

struct region {
	uintptr_t start;
	size_t len;
	enum kind kind;
	int gone;               /* not inherited across fork */
	int anon;               /* a child's private copy, not a region */
	void *snap;             /* the copy made for a fork in progress */
	size_t released;        /* bytes given back by partial unmaps */
	unsigned char *bitmap;  /* released pages, made at the first one */
	size_t bitmap_len;
};

static struct {
	pthread_once_t once;
	pthread_mutex_t lock;
	size_t threshold;
	size_t page;
	int fd;                 /* /dev/xfo, -1 until opened */
	int open_errno;         /* why it could not be opened, once */
	int disabled, malloc_on, debug;
	const char *device;
	struct region r[MAX_REGIONS];
	unsigned int nr;
	struct xfo_preload_stats st;
} S = {
	.once = PTHREAD_ONCE_INIT,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = -1,
};

static void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dbg(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	if (!S.debug)
		return;
	n = snprintf(buf, sizeof(buf), "xfo_preload[%d]: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, buf, (size_t)n) < 0)
		return;
}

static int env_flag(const char *name, int dflt)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return dflt;
	return strcmp(v, "0") != 0;
}

/* No allocation here: it runs inside the first malloc. */
static void init_once(void)
{
	long pg = sysconf(_SC_PAGESIZE);

	S.page = pg > 0 ? (size_t)pg : 4096;
	S.threshold = xfo_shim_threshold(getenv("XFO_PRELOAD_THRESHOLD"));
	if (S.threshold < S.page)
		S.threshold = S.page;
	S.device = getenv("XFO_PRELOAD_DEVICE");
	if (!S.device || !*S.device)
		S.device = XFO_GUEST_DEVICE;
	S.disabled = env_flag("XFO_PRELOAD_DISABLE", 0);
	S.malloc_on = env_flag("XFO_PRELOAD_MALLOC", 1);
	S.debug = env_flag("XFO_PRELOAD_DEBUG", 0);
}

static void init(void)
{
	pthread_once(&S.once, init_once);
}

static void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static int sys_munmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

static size_t page_up(size_t len)
{
	return (len + S.page - 1) & ~(S.page - 1);
}

static int device_fd(void)
{
	int fd;

	if (S.fd >= 0)
		return S.fd;
	if (S.open_errno)
		return -1;
	fd = open(S.device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		S.open_errno = errno;
		dbg("cannot open %s (%s): every mapping goes to the kernel",
		    S.device, strerror(errno));
		return -1;
	}
	/* Two threads may race here: keep one fd. */
	if (!__sync_bool_compare_and_swap(&S.fd, -1, fd))
		close(fd);
	return S.fd;
}

/* The entry containing addr, or NULL. Lock held. */
static struct region *find(uintptr_t addr)
{
	unsigned int i;

	for (i = 0; i < S.nr; i++)
		if (addr >= S.r[i].start && addr - S.r[i].start < S.r[i].len)
			return &S.r[i];
	return NULL;
}

/* The first entry starting in (addr, end), or NULL. Lock held. */
static struct region *find_next(uintptr_t addr, uintptr_t end)
{
	struct region *best = NULL;
	unsigned int i;

	for (i = 0; i < S.nr; i++)
		if (S.r[i].start > addr && S.r[i].start < end &&
		    (!best || S.r[i].start < best->start))
			best = &S.r[i];
	return best;
}

static void drop(struct region *e)
{
	if (e->bitmap)
		sys_munmap(e->bitmap, page_up(e->bitmap_len));
	*e = S.r[--S.nr];
	memset(&S.r[S.nr], 0, sizeof(S.r[S.nr]));
}

/* A new region of len bytes (a page multiple), or NULL: errno unchanged. */
static void *region_new(void *hint, size_t len, enum kind kind)
{
	int saved = errno, fd;
	void *p;

	if (S.disabled || (fd = device_fd()) < 0)
		goto fail;
	p = sys_mmap(hint, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		dbg("mmap %s of %zu bytes: %s", S.device, len, strerror(errno));
		goto fail;
	}
	pthread_mutex_lock(&S.lock);
	if (S.nr == MAX_REGIONS) {
		pthread_mutex_unlock(&S.lock);
		sys_munmap(p, len);
		dbg("region table full");
		goto fail;
	}
	S.r[S.nr++] = (struct region){ .start = (uintptr_t)p, .len = len, .kind = kind };
	S.st.served++;
	S.st.served_bytes += len;
	S.st.live++;
	pthread_mutex_unlock(&S.lock);
	dbg("served %zu bytes at %p from %s", len, p, S.device);
	errno = saved;
	return p;
fail:
	__sync_fetch_and_add(&S.st.failed, 1);
	errno = saved;
	return NULL;
}

/* Gives [a, a + len) of region e back: lock held. Returns 1 when the
 * whole region is released and was unmapped. */
static int release_part(struct region *e, uintptr_t a, size_t len)
{
	struct xfo_guest_discard d = { .addr = a, .len = len };
	size_t first = (a - e->start) / S.page, n = len / S.page, i;

	if (!e->bitmap) {
		e->bitmap_len = e->len / S.page / 8 + 1;
		e->bitmap = sys_mmap(NULL, page_up(e->bitmap_len),
				     PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (e->bitmap == MAP_FAILED) {
			e->bitmap = NULL;
			return 0;
		}
	}
	if (e->anon)
		syscall(SYS_madvise, (void *)a, len, MADV_DONTNEED);
	else if (!e->gone && S.fd >= 0 && ioctl(S.fd, XFO_GUEST_IOC_DISCARD, &d) == 0)
		S.st.discarded_pages += d.freed;
	for (i = first; i < first + n; i++) {
		if (e->bitmap[i / 8] & (1u << (i % 8)))
			continue;
		e->bitmap[i / 8] |= (unsigned char)(1u << (i % 8));
		e->released += S.page;
	}
	S.st.partial_unmaps++;
	if (e->released < e->len)
		return 0;
	if (!e->gone)
		sys_munmap((void *)e->start, e->len);
	S.st.live--;
	drop(e);
	return 1;
}

/*
 * munmap of [addr, addr + len): whole regions go, parts of regions are
 * released, the rest is the kernel's.
 */
static int unmap_range(uintptr_t addr, size_t len)
{
	uintptr_t cur = addr, end = addr + len;
	int rc = 0, err = 0;

	pthread_mutex_lock(&S.lock);
	while (cur < end) {
		struct region *e = find(cur);

		if (e) {
			uintptr_t pe = e->start + e->len < end ? e->start + e->len : end;

			if (cur == e->start && pe == e->start + e->len) {
				if (!e->gone && sys_munmap((void *)e->start, e->len) && !rc) {
					rc = -1;
					err = errno;
				}
				S.st.live--;
				drop(e);
			} else {
				release_part(e, cur, pe - cur);
			}
			cur = pe;
		} else {
			struct region *n = find_next(cur, end);
			uintptr_t pe = n ? n->start : end;

			if (sys_munmap((void *)cur, pe - cur) && !rc) {
				rc = -1;
				err = errno;
			}
			cur = pe;
		}
	}
	pthread_mutex_unlock(&S.lock);
	if (rc)
		errno = err;
	return rc;
}

static int overlaps_region(uintptr_t addr, size_t len)
{
	int hit;

	if (!S.nr)
		return 0;
	pthread_mutex_lock(&S.lock);
	hit = find(addr) || find_next(addr, addr + len);
	pthread_mutex_unlock(&S.lock);
	return hit;
}

/* ------------------------------------------------------------------------
 * mmap, munmap, mremap, madvise
 * ------------------------------------------------------------------------ */
EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	enum xfo_shim_verdict v;
	void *p;

	init();
	v = xfo_shim_decide(S.threshold, len, prot, flags, fd, off);
	if (v == XFO_SHIM_SERVE && !S.disabled) {
		p = region_new(addr, page_up(len), KIND_MMAP);
		if (p)
			return p;
	} else if (v != XFO_SHIM_SMALL && v != XFO_SHIM_NOT_ANON && len >= S.threshold) {
		dbg("mmap of %zu bytes not served: %s", len, xfo_shim_verdict_name(v));
	}
	__sync_fetch_and_add(&S.st.passed, 1);
	/* A MAP_FIXED over a region replaces it: forget the region first. */
	if ((flags & MAP_FIXED) && overlaps_region((uintptr_t)addr, len)) {
		if (unmap_range((uintptr_t)addr, page_up(len)))
			return MAP_FAILED;
	}
	return sys_mmap(addr, len, prot, flags, fd, off);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

EXPORT int munmap(void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;

	init();
	if (!len || (a & (S.page - 1)) || !overlaps_region(a, len))
		return sys_munmap(addr, len);
	return unmap_range(a, page_up(len));
}

EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	uintptr_t a = (uintptr_t)old;
	struct region *e;
	void *new_addr = NULL, *p;
	size_t len;
	va_list ap;

	init();
	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
	}
	pthread_mutex_lock(&S.lock);
	e = S.nr ? find(a) : NULL;
	if (!e) {
		pthread_mutex_unlock(&S.lock);
		return (void *)syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
	}
	len = e->len;
	if (a != e->start || (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))) {
		pthread_mutex_unlock(&S.lock);
		errno = EINVAL;
		return MAP_FAILED;
	}
	new_len = page_up(new_len);
	if (new_len <= len) {
		if (new_len < len)
			release_part(e, a + new_len, len - new_len);
		pthread_mutex_unlock(&S.lock);
		return old;
	}
	pthread_mutex_unlock(&S.lock);
	if (!(flags & MREMAP_MAYMOVE)) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	p = region_new(NULL, new_len, KIND_MMAP);
	if (!p) {
		p = sys_mmap(NULL, new_len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return MAP_FAILED;
	}
	memcpy(p, old, old_len < len ? old_len : len);
	unmap_range(a, len);
	return p;
}

EXPORT int madvise(void *addr, size_t len, int advice)
{
	uintptr_t a = (uintptr_t)addr;
	struct region *e;

	init();
	if ((advice == MADV_DONTNEED || advice == MADV_FREE) && len && S.nr) {
		pthread_mutex_lock(&S.lock);
		e = find(a);
		if (e && !(a & (S.page - 1)) && page_up(len) <= e->start + e->len - a) {
			struct xfo_guest_discard d = { .addr = a, .len = page_up(len) };
			int rc = 0;

			if (e->gone) {
				rc = -1;
				errno = ENOMEM;
			} else if (e->anon) {
				rc = (int)syscall(SYS_madvise, addr, d.len, MADV_DONTNEED);
			} else if (ioctl(S.fd, XFO_GUEST_IOC_DISCARD, &d) == 0) {
				S.st.discarded_pages += d.freed;
			} else {
				/* Not the module (a test device): the
				 * content at least reads zero again. */
				memset(addr, 0, d.len);
			}
			pthread_mutex_unlock(&S.lock);
			return rc;
		}
		pthread_mutex_unlock(&S.lock);
	}
	return (int)syscall(SYS_madvise, addr, len, advice);
}

/* ------------------------------------------------------------------------
 * malloc and friends
 * ------------------------------------------------------------------------ */
static int malloc_served(size_t size)
{
	init();
	return S.malloc_on && !S.disabled && size >= S.threshold;
}

/* The size of the malloc'ed region at p, or 0 when p is not one. */
static size_t malloc_region(void *p, int take)
{
	struct region *e;
	size_t len = 0;

	if (!p || !S.nr)
		return 0;
	pthread_mutex_lock(&S.lock);
	e = find((uintptr_t)p);
	if (e && e->start == (uintptr_t)p && e->kind == KIND_MALLOC) {
		len = e->len;
		if (take) {
			if (!e->gone)
				sys_munmap((void *)e->start, e->len);
			S.st.live--;
			drop(e);
		}
	}
	pthread_mutex_unlock(&S.lock);
	return len;
}

EXPORT void *malloc(size_t size)
{
	void *p;

	if (malloc_served(size) && (p = region_new(NULL, page_up(size), KIND_MALLOC)))
		return p;
	return __libc_malloc(size);
}

EXPORT void free(void *ptr)
{
	if (!malloc_region(ptr, 1))
		__libc_free(ptr);
}

EXPORT void *calloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (!__builtin_mul_overflow(n, size, &total) && malloc_served(total) &&
	    (p = region_new(NULL, page_up(total), KIND_MALLOC)))
		return p;       /* a new region reads zero */
	return __libc_calloc(n, size);
}

EXPORT void *realloc(void *ptr, size_t size)
{
	size_t len = malloc_region(ptr, 0);
	void *p;

	if (!len)
		return __libc_realloc(ptr, size);
	if (!size) {
		free(ptr);
		return NULL;
	}
	if (size <= len && size >= len / 2)
		return ptr;
	p = malloc(size);
	if (!p)
		return NULL;
	memcpy(p, ptr, size < len ? size : len);
	free(ptr);
	return p;
}

EXPORT void *reallocarray(void *ptr, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, total);
}

static void *aligned(size_t align, size_t size)
{
	void *p;

	init();
	if (align <= S.page && malloc_served(size) &&
	    (p = region_new(NULL, page_up(size), KIND_MALLOC)))
		return p;
	return __libc_memalign(align, size);
}

EXPORT void *memalign(size_t align, size_t size)
{
	return aligned(align, size);
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
	return aligned(align, size);
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (!align || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	p = aligned(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

EXPORT void *valloc(size_t size)
{
	init();
	return aligned(S.page, size);
}

EXPORT void *pvalloc(size_t size)
{
	init();
	return aligned(S.page, page_up(size ? size : 1));
}

EXPORT size_t malloc_usable_size(void *ptr)
{
	static size_t (*real)(void *);
	size_t len = malloc_region(ptr, 0);

	if (len)
		return len;
	if (!real)
		real = (size_t (*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
	return real ? real(ptr) : 0;
}

/* ------------------------------------------------------------------------
 * fork, statistics
 * ------------------------------------------------------------------------ */
/*
 * fork: the child gets what private anonymous memory would give it, a
 * snapshot of the moment of the fork. Regions are not inherited
 * (VM_DONTCOPY) and PFN mappings have no copy-on-write, so the parent
 * copies each region into private anonymous memory right before the fork
 * (prepare), fork shares those copies copy-on-write, the child moves each
 * over its region's address and keeps it as plain memory (child), the
 * parent drops them (parent). A region that could not be copied is not
 * in the child, as before. docs/guest.md has the costs.
 */

/* The regions' protections from the module; 0 when it cannot say. */
static unsigned int region_prot(const struct xfo_guest_region_info *ri,
				unsigned int n, uintptr_t start)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ri[i].start == start && ri[i].pid == getpid())
			return ri[i].prot;
	return 0;
}

/* Copies region e to c: released pages stay zero, and are not touched. */
static void copy_region(unsigned char *c, const struct region *e)
{
	size_t i, n = e->len / S.page;

	for (i = 0; i < n; i++)
		if (!e->bitmap || !(e->bitmap[i / 8] & (1u << (i % 8))))
			memcpy(c + i * S.page, (const void *)(e->start + i * S.page), S.page);
}

static void atfork_prepare(void)
{
	struct xfo_guest_regions req = { 0 };
	struct xfo_guest_region_info *ri = NULL;
	size_t ri_len = 0;
	unsigned int i, nri = 0, prot;

	pthread_mutex_lock(&S.lock);
	if (!S.nr)
		return;
	if (S.fd >= 0) {
		ri_len = page_up((S.nr + 64) * sizeof(*ri));
		ri = sys_mmap(NULL, ri_len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ri != MAP_FAILED) {
			req.buf = (uintptr_t)ri;
			req.max = (uint32_t)(ri_len / sizeof(*ri));
			if (ioctl(S.fd, XFO_GUEST_IOC_REGIONS, &req) == 0)
				nri = req.nr < req.max ? req.nr : req.max;
		} else {
			ri = NULL;
		}
	}
	for (i = 0; i < S.nr; i++) {
		struct region *e = &S.r[i];
		void *c;

		e->snap = NULL;
		if (e->gone || e->anon)
			continue;	/* nothing here / inherited as it is */
		prot = nri ? region_prot(ri, nri, e->start) : XFO_PROT_READ | XFO_PROT_WRITE;
		if (!(prot & XFO_PROT_READ)) {
			dbg("fork: region at %#lx is not readable; not in the child",
			    (unsigned long)e->start);
			continue;
		}
		c = sys_mmap(NULL, e->len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED) {
			dbg("fork: no memory to copy %zu bytes at %#lx; not in the child",
			    e->len, (unsigned long)e->start);
			continue;
		}
		copy_region(c, e);
		if (!(prot & XFO_PROT_WRITE))
			syscall(SYS_mprotect, c, e->len, PROT_READ);
		e->snap = c;
	}
	if (ri)
		sys_munmap(ri, ri_len);
}

static void atfork_parent(void)
{
	unsigned int i;

	for (i = 0; i < S.nr; i++)
		if (S.r[i].snap) {
			sys_munmap(S.r[i].snap, S.r[i].len);
			S.r[i].snap = NULL;
		}
	pthread_mutex_unlock(&S.lock);
}

/* Copies take the regions' places; the rest is as without the copy:
 * mmap'ed regions forgotten, malloc'ed ones kept as gone so that free()
 * of them does nothing. */
static void atfork_child(void)
{
	unsigned int i = 0;
	void *p;

	pthread_mutex_init(&S.lock, NULL);
	if (S.fd >= 0) {
		close(S.fd);
		S.fd = -1;
	}
	while (i < S.nr) {
		struct region *e = &S.r[i];

		if (e->snap) {
			p = (void *)syscall(SYS_mremap, e->snap, e->len, e->len,
					    MREMAP_MAYMOVE | MREMAP_FIXED,
					    (void *)e->start);
			if (p == (void *)e->start) {
				e->snap = NULL;
				e->anon = 1;
				i++;
				continue;
			}
			sys_munmap(e->snap, e->len);
			e->snap = NULL;
		}
		if (e->anon) {
			i++;
			continue;
		}
		if (e->kind == KIND_MMAP) {
			S.st.live--;
			drop(e);
			continue;
		}
		e->gone = 1;
		i++;
	}
}

EXPORT void xfo_preload_stats(struct xfo_preload_stats *st)
{
	init();
	pthread_mutex_lock(&S.lock);
	*st = S.st;
	st->threshold = S.threshold;
	st->device_open = S.fd >= 0;
	pthread_mutex_unlock(&S.lock);
}

__attribute__((constructor)) static void xfo_preload_init(void)
{
	init();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	dbg("threshold %zu bytes, device %s%s%s", S.threshold, S.device,
	    S.malloc_on ? ", malloc too" : "", S.disabled ? ", DISABLED" : "");
}

__attribute__((destructor)) static void xfo_preload_fini(void)
{
	dbg("served %llu regions (%llu bytes), %llu failed, %llu partial unmaps",
	    (unsigned long long)S.st.served, (unsigned long long)S.st.served_bytes,
	    (unsigned long long)S.st.failed, (unsigned long long)S.st.partial_unmaps);
}
