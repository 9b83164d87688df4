/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfo_int.h: what the two halves of xfo_guest.ko share. main.c is the
 * device and its regions; xen.c the pages shared with Xen (region table,
 * pool and completion rings), the event channel and the xenstore
 * handshake. docs/guest.md explains the design.
 */
#ifndef XFO_GUEST_INT_H
#define XFO_GUEST_INT_H

#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <xen/xenbus.h>

#include "xfo.h"
#include "io/xfo.h"
#include "io/xfo_areas.h"
#include "xfo_guest.h"

/* Region ids fit the 16 bits a completion entry carries; 0xffff there is
 * XFO_REGION_NONE cut to 16 bits: a frame Xen gives back unused.
 */
#define XFO_ID_MIN          1
#define XFO_ID_MAX          0xfffe
#define XFO_COMP_RETURNED   XFO_COMPLETION_RETURNED

#define XFO_DEFAULT_CLASSES (XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL) | \
			     XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND))
#define XFO_ALL_CLASSES     XFO_DEFAULT_CLASSES

struct xfo_kregion {
	refcount_t vmas;          /* VMAs pointing here: 1, more in mremap */
	struct mm_struct *mm;     /* compared only, never dereferenced */
	struct mmu_notifier *mn;  /* the mm's notifier, one reference */
	u32 id;
	int slot;                 /* index in the region table, -1 if none */
	pid_t pid;
	unsigned long start, end;
	u64 pt_root;
	u32 prot, classes;
	struct xarray pages;      /* pfn -> struct page, pages owned */
	atomic64_t nr_pages;
	atomic64_t faults;
	atomic64_t offloaded;
};

struct xfo_dev {
	struct mutex lock;        /* everything below but the atomics */

	/* Shared with Xen. */
	struct xfo_region_table *table;
	struct xfo_ring *pool;
	struct xfo_ring *comp;
	u64 table_frame, pool_frame, comp_frame;

	/* Pool: pool_shadow[i] is the page whose frame is in slot i. */
	struct page *pool_shadow[XFO_RING_SIZE];
	u32 pool_prod;            /* our copy of pool->hdr.prod */
	u32 comp_cons;            /* our copy of comp->hdr.cons */
	unsigned int pool_target, pool_watermark;
	/* Frame -> page of every page in the pool ring or taken by Xen and
	 * not completed yet. A completion must find its frame here.
	 */
	struct xarray inflight;
	u64 nr_inflight;
	struct list_head orphans; /* completed into a region that was gone */

	/* Regions: id -> struct xfo_kregion. */
	struct xarray regions;
	u32 next_id;
	unsigned int nr_regions, nr_published;

	/* Event channel and xenstore. */
	int evtchn, irq;
	u32 domid;
	char *xs_dir;             /* /local/domain/<id>/data/xfo */
	struct xenbus_watch watch;
	bool watching;
	u32 state, backend_state, flags;
	bool ever_connected;
	char backend_error[64];
	int last_unmap_rc;

	struct delayed_work work; /* refill and drain: timer and event */
	unsigned int refill_ms;

	atomic64_t pages_allocated, pages_freed, pages_mapped, pages_orphaned;
	atomic64_t pages_offloaded, pages_returned, faults, faults_mapped;
	atomic64_t completion_errors, refills, notifications, regions_created;
};

extern struct xfo_dev xfo;

/* xen.c */
int xfo_xen_init(void);
void xfo_xen_start(void);
void xfo_xen_exit(void);
void xfo_drain_completions(void);
void xfo_pool_kick(void);
void xfo_sync_xen(void);
void xfo_table_publish(struct xfo_kregion *r);
void xfo_table_unpublish(struct xfo_kregion *r);
void xfo_table_update(struct xfo_kregion *r);
u32 xfo_pool_level(void);

/* main.c */
struct xfo_kregion *xfo_region_by_id(u32 id);
void xfo_free_page(struct page *page);
void xfo_count_alloc(void);

#endif /* XFO_GUEST_INT_H */
