/* SPDX-License-Identifier: MIT */
/*
 * xfo: what the files of common/xfo/ share.
 * xfo-step: programs
 *
 * Locks, outermost first:
 *   the domlist RCU read side (rcu_lock_domain_by_id())
 *   xfo_lock                 the program table, every d->xfo_prog and
 *                            d->xfo, users counts, stats baselines, trace
 *                            reads
 * xfo-step: end
 * xfo-step: areas
 *   xfo_domain.areas_lock    xfo_domain.areas and Xen's ring indices
 * xfo-step: end
 * xfo-step: resolve
 *   an L1 table's page lock  the resolver's installs (page_lock())
 * xfo-step: end
 * xfo-step: domains
 *   xfo_domain.trace_lock    the trace buffer of one domain
 * xfo-step: end
 * xfo-step: areas
 * The #PF path takes areas_lock and trace_lock one after the other, never
 * one inside the other, inside its rcu_read_lock(&xfo_rcu_lock).
 * xfo-step: end
 * xfo-step: programs
 * No other lock is taken inside these.  Functions that want a lock held
 * ASSERT() it.
 * xfo-step: end
 */
#ifndef XFO_PRIVATE_H
#define XFO_PRIVATE_H

#include <xen/guest_access.h>
#include <xen/list.h>
#include <xen/mm.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

#include <public/xfo.h>
/* xfo-step: areas */
#include <public/io/xfo_areas.h>
/* xfo-step: end */

#include "core/xfo_core.h"

/*
 * Loads and refusals are logged (rate-limited guest messages); attach,
 * detach and unload, which a hot-swapping toolstack issues by the
 * thousand, only with XFO_DEBUG defined.
 */
#ifdef XFO_DEBUG
#define XFO_DEBUG_ON 1
#else
#define XFO_DEBUG_ON 0
#endif
#define xfo_dprintk(fmt, args...)                               \
    do {                                                        \
        if ( XFO_DEBUG_ON )                                     \
            printk(XENLOG_G_DEBUG "xfo: " fmt, ## args);        \
    } while ( 0 )

/* Small objects from the xmalloc heap, large ones virtually contiguous. */
static inline void *xfo_zalloc(size_t size)
{
    return size <= PAGE_SIZE ? xzalloc_bytes(size) : vzalloc(size);
}

static inline void xfo_free(void *p, size_t size)
{
    if ( size <= PAGE_SIZE )
        xfree(p);
    else
        vfree(p);
}

/* xfo.c: the hypercall */
bool xfo_guest_ptr(xfo_guest_ptr_t ptr, XEN_GUEST_HANDLE_PARAM(void) *h);
/* xfo-step: programs */

/* program.c: programs, see there */
extern spinlock_t xfo_lock;

struct xfo_program {
    struct list_head list;            /* in xfo_programs, under xfo_lock */
    unsigned int id;
    unsigned int users;               /* domains attached, under xfo_lock */
    char name[XFO_NAME_LEN];
    struct ebpf_insn *insns;
    unsigned int insn_cnt;
    unsigned int map_cnt;
    /* Zeroed storage; the interpreter runs the map helpers on it. */
    struct xfo_vm_map maps[XFO_MAX_MAPS];
    struct rcu_head rcu;
};

struct xfo_program *xfo_program_find(unsigned int id);
int xfo_load(XEN_GUEST_HANDLE_PARAM(void) arg);
int xfo_unload(XEN_GUEST_HANDLE_PARAM(void) arg);
/* xfo-step: end */
/* xfo-step: prog-list */
int xfo_prog_list(XEN_GUEST_HANDLE_PARAM(void) arg);
/* xfo-step: end */
/* xfo-step: domains */

/* domain.c: per-domain state */

/* Bytes of trace records a domain keeps until XFOOP_trace_read. */
#define XFO_TRACE_BUF_SIZE   16384

/* One vCPU's counters, on a cache line (or more) of their own. */
struct xfo_vcpu_stats {
    struct xfo_stats s;
} __cacheline_aligned;

struct xfo_domain {
    unsigned int nr_vcpus;
    struct xfo_vcpu_stats *vcpu;      /* [nr_vcpus], see stats.c */
    struct xfo_stats base;            /* sums at the last reset, xfo_lock */
    /* xfo-step: areas */

    spinlock_t areas_lock;
    struct xfo_areas *areas;          /* under areas_lock, NULL: none */
    unsigned int areas_gen;           /* mappings so far, under areas_lock */
    /* xfo-step: end */

    spinlock_t trace_lock;
    uint32_t trace_len;               /* bytes of records in trace[] */
    uint32_t trace_dropped;           /* records refused, -ENOSPC */
    uint8_t *trace;                   /* XFO_TRACE_BUF_SIZE bytes */
};

struct domain *xfo_get_domain(unsigned int domid, int *rc);
struct xfo_domain *xfo_domain_alloc(const struct domain *d);
void xfo_domain_free(struct xfo_domain *xd);
/* xfo-step: end */
/* xfo-step: attach */
int xfo_attach(XEN_GUEST_HANDLE_PARAM(void) arg);
int xfo_detach(XEN_GUEST_HANDLE_PARAM(void) arg);
/* xfo-step: end */
/* xfo-step: stats */

/* stats.c: counters and the trace buffer, read by the control domain */
int xfo_stats(XEN_GUEST_HANDLE_PARAM(void) arg, bool reset);
int xfo_trace_read(XEN_GUEST_HANDLE_PARAM(void) arg);
/* xfo-step: end */
/* xfo-step: areas */

/* areas.c: the guest's shared pages */

/*
 * The guest's shared pages (public/xfo.h, in the order of
 * struct xfo_op_guest_areas).
 */
enum xfo_area {
    XFO_AREA_TABLE,                   /* struct xfo_region_table */
    XFO_AREA_POOL,                    /* struct xfo_ring, guest produces */
    XFO_AREA_COMP,                    /* struct xfo_ring, Xen produces */
    XFO_AREA_NR
};

/*
 * The areas of a domain, from XFOOP_map_guest_areas to
 * XFOOP_unmap_guest_areas or the domain's death.  Each page is held with a
 * general reference and a PGT_writable_page type reference, so it stays
 * the domain's and can never become a page table or descriptor page while
 * Xen writes into it, and is mapped with map_domain_page_global().  Fields
 * but the pages' contents are Xen's and change only under areas_lock.
 */
struct xfo_areas {
    struct page_info *page[XFO_AREA_NR];
    void *va[XFO_AREA_NR];
    const struct xfo_region_table *table;
    struct xfo_ring *pool;
    struct xfo_ring *comp;
    evtchn_port_t evtchn;             /* notified for refills */
    /*
     * Xen's own ring indices: the consumer index of the pool and the
     * producer index of the completion ring are written to the guest's
     * pages but never read back from them.
     */
    uint32_t pool_cons;
    uint32_t comp_prod;
    unsigned int gen;                 /* xfo_domain.areas_gen at mapping */
    /* xfo-step: rings */
    /*
     * The last refill notification (xfo_notify_due()): whether one was
     * sent, and the guest's pool prod it was decided on.
     */
    bool notified;
    uint32_t notified_prod;
    /* xfo-step: end */
};

/* Free-running ring indices: how many entries lie between them. */
static inline uint32_t xfo_ring_used(uint32_t prod, uint32_t cons)
{
    return prod - cons;
}

struct domain *xfo_get_target(unsigned int cmd, unsigned int domid, int *rc);
/* xfo-step: map */
int xfo_map_guest_areas(XEN_GUEST_HANDLE_PARAM(void) arg);
/* xfo-step: end */
int xfo_unmap_guest_areas(XEN_GUEST_HANDLE_PARAM(void) arg);
void xfo_areas_free(struct xfo_areas *a);
/* xfo-step: end */
/* xfo-step: regions */

/* What a fault found in the guest's areas, for the resolver. */
struct xfo_fault_region {
    bool found;                       /* region is valid */
    struct xfo_region region;         /* private copy of the entry */
    uint32_t seq;                     /* table seq it was read under */
    unsigned int gen;                 /* xfo_areas.gen it was read from */
};

/*
 * The region of a completion for a frame Xen took from the pool but did
 * not install: XFO_REGION_NONE cut to the 16 bits a completion carries.
 * No region may have this id.
 */
#define XFO_COMP_RETURNED    XFO_COMPLETION_REGION( \
                                 XFO_COMPLETION(0, XFO_REGION_NONE))

uint32_t xfo_pool_level_at(const struct xfo_areas *a, uint32_t prod);
bool xfo_region_lookup(struct xfo_domain *xd, uint64_t pt_root,
                       unsigned long addr, struct xfo_region *out,
                       uint32_t *seqp);
void xfo_fault_areas(const struct vcpu *v, struct xfo_domain *xd,
                     unsigned long addr, struct xfo_fault_ctx *ctx,
                     struct xfo_fault_region *fr);
/* xfo-step: end */
/* xfo-step: sync */
int xfo_sync_guest_areas(XEN_GUEST_HANDLE_PARAM(void) arg);
/* xfo-step: end */
/* xfo-step: rings */

/* ring.c: the pool and completion rings, under areas_lock */

/*
 * A frame taken from the pool for one fault (xfo_pool_take()), for one
 * page of the fault.
 */
struct xfo_take {
    uint64_t frame;                   /* the pool entry, read once */
    struct page_info *page;           /* held and zeroed; NULL: refused */
    bool complete;                    /* gets a completion entry */
    bool installed;
};

uint32_t xfo_comp_room(const struct xfo_areas *a, uint32_t cons);
void xfo_pool_take(struct xfo_domain *xd, struct domain *d,
                   struct xfo_take *t, unsigned int n);
void xfo_complete(struct xfo_domain *xd, const struct xfo_take *t,
                  unsigned int n, uint32_t id);
bool xfo_notify_due(struct xfo_domain *xd, bool wanted, uint32_t prod);
bool xfo_notify(struct domain *d, evtchn_port_t port);
/* xfo-step: end */
/* xfo-step: resolve */

/* resolve.c: ZERO_FILL and FAULT_AROUND */
bool xfo_resolve(struct vcpu *v, struct xfo_domain *xd,
                 const struct xfo_fault_ctx *ctx,
                 const struct xfo_fault_region *fr, unsigned int cls,
                 unsigned int around, struct xfo_stats *st);
/* xfo-step: end */

#endif /* XFO_PRIVATE_H */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
