/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * xfo_guest.h: the interface between xfo_guest.ko (/dev/xfo) and
 * userspace in the guest (xfo-agent, libxfo_preload.so, programs that map
 * /dev/xfo themselves). docs/guest.md describes the device.
 *
 * A region: mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) on
 * /dev/xfo, len a multiple of the page size, offset 0. Every mmap is a new
 * region whose pages belong to it alone; MAP_SHARED is what makes the
 * kernel map them without copy-on-write, it does not share them with
 * anyone (the region is not inherited across fork). MAP_PRIVATE is
 * refused with EINVAL.
 */
#ifndef XFO_GUEST_UAPI_H
#define XFO_GUEST_UAPI_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <stdint.h>
#include <sys/ioctl.h>
#endif

#define XFO_GUEST_DEVICE    "/dev/xfo"
#define XFO_GUEST_ABI       1       /* struct layouts below */

/* xfo_guest_stats.flags */
#define XFO_GUEST_F_PUBLISHED   (1u << 0)  /* keys are in xenstore */
#define XFO_GUEST_F_CONNECTED   (1u << 1)  /* dom0 answered 4 */
#define XFO_GUEST_F_REFUSED     (1u << 2)  /* dom0 answered 6 */

struct xfo_guest_stats {
	uint32_t abi;               /* OUT: XFO_GUEST_ABI */
	uint32_t version;           /* OUT: XFO_INTERFACE_VERSION published */
	uint32_t state;             /* OUT: our XFO_XS_STATE_* (io/xfo.h) */
	uint32_t backend_state;     /* OUT: dom0's backend-state, 0 if none */
	uint32_t flags;             /* OUT: XFO_GUEST_F_* */
	uint32_t evtchn;            /* OUT: the refill event channel port */
	uint32_t domid;             /* OUT: this guest */
	uint32_t nr_regions;        /* OUT: regions open */
	uint32_t nr_published;      /* OUT: of them, in the region table */
	uint32_t table_seq;         /* OUT: the region table's seq */
	uint32_t pool_level;        /* OUT: frames in the pool ring */
	uint32_t pool_size;         /* OUT: ring capacity */
	uint32_t pool_watermark;    /* OUT: refill below this level */
	uint32_t pool_target;       /* OUT: refill up to this level */
	uint64_t region_table_frame;
	uint64_t pool_ring_frame;
	uint64_t completion_ring_frame;
	/* Page accounting. allocated == freed + pool + taken + mapped +
	 * orphaned at every moment the module's lock is not held.
	 */
	uint64_t pages_allocated;   /* alloc_page() calls that succeeded */
	uint64_t pages_freed;
	uint64_t pages_pool;        /* in the pool ring */
	uint64_t pages_taken;       /* taken by Xen, no completion yet */
	uint64_t pages_mapped;      /* owned by open regions */
	/* Xen installed them in a region that was gone: kept, never freed */
	uint64_t pages_orphaned;
	/* Events. */
	uint64_t pages_offloaded;   /* completions: pages Xen installed */
	uint64_t pages_returned;    /* completions of frames Xen gave back */
	uint64_t faults;            /* .fault calls: faults the guest handled */
	uint64_t faults_mapped;     /* of them, that mapped a new page */
	uint64_t completion_errors; /* unknown frame or region, bad ring */
	uint64_t refills;           /* refill passes that produced frames */
	uint64_t notifications;     /* refill event channel interrupts */
	uint64_t regions_created;
	int32_t  last_unmap_rc;     /* XFOOP_unmap_guest_areas, 1 = never */
	uint32_t pad;
	char     backend_error[64]; /* dom0's backend-error, NUL-terminated */
};

struct xfo_guest_region_info {
	uint32_t id;
	int32_t  pid;               /* thread group that mapped it */
	uint64_t start;
	uint64_t end;
	uint64_t pt_root;           /* the frame published for Xen */
	uint32_t prot;              /* XFO_PROT_* */
	uint32_t classes;           /* XFO_CLASS_BIT() mask */
	uint32_t published;         /* 1 if in the region table */
	uint32_t pad;
	uint64_t pages;             /* pages the region owns now */
	uint64_t faults;            /* .fault calls */
	uint64_t offloaded;         /* pages Xen installed */
};

struct xfo_guest_regions {
	uint64_t buf;               /* IN: struct xfo_guest_region_info[max] */
	uint32_t max;               /* IN */
	uint32_t nr;                /* OUT: regions open (may exceed max) */
};

/*
 * Fault classes of a region: addr 0 sets the default for the fd's later
 * mmaps (ZERO_FILL | FAULT_AROUND when never set); otherwise the region of
 * the calling process containing addr is changed in place.
 */
struct xfo_guest_classes {
	uint64_t addr;              /* IN */
	uint32_t classes;           /* IN: XFO_CLASS_BIT() mask, classes 1-2 */
	uint32_t pad;               /* IN: zero */
};

/*
 * Give back the pages of [addr, addr + len) inside one region: they are
 * unmapped and freed, the range stays mapped and reads zero at the next
 * touch. What the shim does for a partial munmap (the module refuses to
 * split a region).
 */
struct xfo_guest_discard {
	uint64_t addr;              /* IN: page aligned */
	uint64_t len;               /* IN: page aligned */
	uint64_t freed;             /* OUT: pages freed */
};

#define XFO_GUEST_IOC_MAGIC     'x'
#define XFO_GUEST_IOC_STATS     _IOR(XFO_GUEST_IOC_MAGIC, 1, struct xfo_guest_stats)
#define XFO_GUEST_IOC_REGIONS   _IOWR(XFO_GUEST_IOC_MAGIC, 2, struct xfo_guest_regions)
#define XFO_GUEST_IOC_CLASSES   _IOW(XFO_GUEST_IOC_MAGIC, 3, struct xfo_guest_classes)
#define XFO_GUEST_IOC_DISCARD   _IOWR(XFO_GUEST_IOC_MAGIC, 4, struct xfo_guest_discard)

#endif /* XFO_GUEST_UAPI_H */
