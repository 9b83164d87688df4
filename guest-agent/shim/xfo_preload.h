/* SPDX-License-Identifier: MIT */
/*
 * xfo_preload.h: what libxfo_preload.so tells about itself. A program can
 * look the function up with dlsym(RTLD_DEFAULT, "xfo_preload_stats"): it
 * is there only when the shim is preloaded.
 */
#ifndef XFO_PRELOAD_H
#define XFO_PRELOAD_H

#include <stdint.h>
#include <stddef.h>

struct xfo_preload_stats {
	uint64_t served;          /* regions made (mmap and malloc) */
	uint64_t served_bytes;
	uint64_t live;            /* regions still mapped */
	uint64_t failed;          /* eligible, but /dev/xfo said no */
	uint64_t passed;          /* mmaps left to the kernel */
	uint64_t partial_unmaps;  /* munmap/mremap of part of a region */
	uint64_t discarded_pages; /* pages the module freed for those */
	size_t   threshold;
	int      device_open;
};

void xfo_preload_stats(struct xfo_preload_stats *st);
typedef void (*xfo_preload_stats_fn)(struct xfo_preload_stats *);

#endif /* XFO_PRELOAD_H */
