/* SPDX-License-Identifier: MIT */
/*
 * io/xfo_areas.h: the pages a PV guest's xfo module shares with Xen, in
 * the manner of Xen's public/io/ ring headers: its region table, its
 * free-page pool ring and its completion ring (docs/guest.md). The
 * control domain hands their frames to Xen with XFOOP_map_guest_areas
 * (../xfo.h) after the xenstore handshake of io/xfo.h.
 */

#ifndef __XFO_PUBLIC_IO_AREAS_H__
#define __XFO_PUBLIC_IO_AREAS_H__

#include "../xfo.h"

#define XFO_MAX_REGIONS     60

struct xfo_region {
    uint64_t pt_root;         /* frame of the address space's top-level
                               * page table, as Xen sees it (MFN) */
    uint64_t start;           /* page aligned */
    uint64_t end;             /* exclusive, page aligned */
    uint32_t id;
    uint32_t prot;            /* XFO_PROT_* */
    uint32_t classes;         /* XFO_CLASS_BIT() mask */
    uint32_t flags;           /* XFO_REGION_F_* */
};                            /* 40 bytes */
#define XFO_REGION_F_VALID  (1u << 0)
/* Ids fit the 16 bits a completion carries; 0xffff is XFO_COMPLETION_RETURNED. */
#define XFO_REGION_ID_MAX   0xfffeu

/* One 4 KiB page. The guest bumps seq (odd while writing) around edits;
 * an entry counts only when its index is below nr and VALID is set. */
struct xfo_region_table {
    uint32_t version;         /* XFO_INTERFACE_VERSION */
    uint32_t seq;
    uint32_t nr;              /* entries in use, <= XFO_MAX_REGIONS */
    uint32_t pad;
    struct xfo_region regions[XFO_MAX_REGIONS];
    uint8_t  reserved[4096 - 16 - XFO_MAX_REGIONS * 40];
};

/*
 * A single-producer, single-consumer ring of 64-bit entries in one page.
 * The producer writes entries then publishes prod; the consumer reads
 * entries then publishes cons. Indices are free running; size is a
 * power of two.
 */
struct xfo_ring_hdr {
    uint32_t prod;
    uint32_t cons;
    uint32_t size;            /* entries */
    uint32_t watermark;       /* pool: ask for a refill below this level */
    uint32_t pad[4];
};
#define XFO_RING_SIZE       256         /* entries after the header */

/* A ring page: the header, then XFO_RING_SIZE entries. */
struct xfo_ring {
    struct xfo_ring_hdr hdr;
    uint64_t entries[XFO_RING_SIZE];
};

/*
 * Pool entries: frame numbers of free guest pages, as they appear in the
 * guest's PTEs (for a PV guest, its MFNs). The guest produces, Xen
 * consumes; Xen notifies the event channel when a fault leaves the
 * level below the watermark or at zero, at most once per move of the
 * guest's prod: the guest answers each notification with a refill
 * (docs/guest.md).
 * Completion entries: a page Xen installed, and in which region. Xen
 * produces, the guest consumes and from then on owns the page's mapping.
 * Region XFO_COMPLETION_RETURNED hands back a frame Xen took from the pool
 * but did not install; the guest frees it.
 * Every PTE Xen installs has bit 9 set (Linux's _PAGE_SPECIAL, a bit PV
 * guests own), as vmf_insert_pfn would make it: without it Linux would
 * treat the frame as a normal page when it unmaps the region.
 */
#define XFO_COMPLETION(frame, region) \
    (((uint64_t)(region) << 48) | ((uint64_t)(frame) & XFO_COMPLETION_FRAME))
#define XFO_COMPLETION_FRAME        ((1ull << 48) - 1)
#define XFO_COMPLETION_REGION(e)    ((uint32_t)((e) >> 48))
#define XFO_COMPLETION_RETURNED     0xffffu

#endif /* __XFO_PUBLIC_IO_AREAS_H__ */
