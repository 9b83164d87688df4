/* SPDX-License-Identifier: MIT */
/*
 * xfo: the resolver.  For a ZERO_FILL or FAULT_AROUND verdict it maps
 * zeroed frames from the guest's pool into the faulting address space,
 * through Xen's own L1 update path (arch/x86/pv/xfo.c), posts their
 * completions, and the fault returns to the guest without being injected.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#include <asm/xfo.h>

#include <public/xfo.h>

#include "private.h"

/* The faulting page and up to XFO_FAULT_AROUND_MAX neighbours. */
#define XFO_TAKE_MAX         (1 + XFO_FAULT_AROUND_MAX)

/* xfo_resolve()'s "reason" when nothing bounced. */
#define XFO_RESOLVED         XFO_BOUNCE_NR

static bool xfo_bounce(struct xfo_stats *st, unsigned int reason)
{
    st->bounced[reason]++;

    return false;
}

/*
 * FAULT_AROUND(n): the n pages after the faulting one, clipped to its L1
 * table and its region, and when the clip leaves fewer than n, the pages
 * before it; of these, the ones whose entry is empty now.  (Each is checked
 * again under the L1's page lock.)  Returns how many went to out[].
 */
static unsigned int xfo_neighbours(const struct xfo_l1 *l1,
                                   const struct xfo_region *r,
                                   unsigned long addr, unsigned int n,
                                   unsigned long *out)
{
    unsigned long lo = max_t(unsigned long, l1->base, r->start);
    unsigned long hi = min_t(unsigned long, l1->base + l1->size, r->end);
    unsigned long after = (hi - addr) / PAGE_SIZE - 1;
    unsigned long before = (addr - lo) / PAGE_SIZE;
    unsigned int nr_after = min_t(unsigned long, n, after);
    unsigned int nr_before = min_t(unsigned long, n - nr_after, before);
    unsigned int i, k = 0;

    for ( i = 1; i <= nr_after; i++ )
        if ( !xfo_arch_l1_present(l1, addr + i * PAGE_SIZE) )
            out[k++] = addr + i * PAGE_SIZE;
    for ( i = 1; i <= nr_before; i++ )
        if ( !xfo_arch_l1_present(l1, addr - i * PAGE_SIZE) )
            out[k++] = addr - i * PAGE_SIZE;

    return k;
}

/*
 * After installing: is the region still the one the fault was matched
 * against?  The caller wrote the PTEs and the completions, then a full
 * barrier, and still holds the L1's page lock.  If seq still reads as
 * when the region was found, the guest had not begun any edit of the
 * table when the PTEs went in, so whatever it does after a later edit
 * (unpublish and zap at munmap, change_protection() after mprotect) comes
 * after them, sees them and sees the completions.  If seq moved, the
 * table is read again, and the region must be there unchanged.
 */
static bool xfo_region_unchanged(struct xfo_domain *xd,
                                 const struct vcpu *v, unsigned long addr,
                                 const struct xfo_fault_region *fr)
{
    struct xfo_region e;
    uint32_t seq;

    ASSERT(spin_is_locked(&xd->areas_lock));
    if ( ACCESS_ONCE(xd->areas->table->seq) == fr->seq )
        return true;

    return xfo_region_lookup(xd, xfo_arch_pt_root(v), addr, &e, &seq) &&
           !memcmp(&e, &fr->region, sizeof(e));
}

/*
 * ZERO_FILL or FAULT_AROUND(around) for a fault of v's that
 * xfo_verdict_applies() let through (core/verdict.c: in a region that
 * allows the class and the access, not present, from user mode): returns
 * true when the faulting page was installed and the fault must not be
 * injected, false with bounced[reason] counted otherwise.  Checks, in
 * order:
 *
 *  NOT_IN_REGION  the areas were unmapped or remapped since the region
 *                 was found
 *  NO_L1          no L1 table maps the address
 *  PRESENT        the entry is present (by now)
 *  POOL_EMPTY     no frame in the pool
 *  RING_FULL      no room in the completion ring
 *  BAD_FRAME      the frame for the faulting page was refused
 *  PTE_UPDATE     Xen's L1 update path refused the entry
 *  NOT_IN_REGION  the region changed while the entry went in (undone)
 *
 * Locks: areas_lock throughout (the areas stay mapped, Xen's ring indices
 * are ours), the L1's page lock (the page lock of do_mmu_update()) around
 * the installs, the completions and the check after them.  No page's type
 * is dropped under the page lock: the references of the frames, held
 * from xfo_pool_take() to the end, are dropped after it.
 */
bool xfo_resolve(struct vcpu *v, struct xfo_domain *xd,
                 const struct xfo_fault_ctx *ctx,
                 const struct xfo_fault_region *fr, unsigned int cls,
                 unsigned int around, struct xfo_stats *st)
{
    struct domain *d = v->domain;
    const struct xfo_region *r = &fr->region;
    unsigned long addr = ctx->addr & PAGE_MASK;
    unsigned long target[XFO_TAKE_MAX];
    struct xfo_take take[XFO_TAKE_MAX];
    unsigned int ntarget = 0, ntake = 0, installed = 0, i;
    unsigned int reason;
    uint32_t level = 0, room, watermark, prod, cons;
    evtchn_port_t port = 0;
    bool notify = false;
    struct xfo_areas *a;
    struct xfo_l1 l1;
    int rc;

    ASSERT(fr->found);

    spin_lock(&xd->areas_lock);

    a = xd->areas;
    reason = XFO_BOUNCE_NOT_IN_REGION;
    if ( !a || a->gen != fr->gen )
        goto unlock;
    /*
     * The region may have gone since it was found, outside areas_lock: a
     * fault that takes the lock after the guest's XFOOP_sync_guest_areas
     * must not use a region unpublished before it.
     */
    if ( !xfo_region_unchanged(xd, v, addr, fr) )
        goto unlock;

    reason = XFO_BOUNCE_NO_L1;
    if ( xfo_arch_l1_get(v, addr, &l1) )
        goto unlock;

    reason = XFO_BOUNCE_PRESENT;
    if ( xfo_arch_l1_present(&l1, addr) )
        goto put_l1;
    target[ntarget++] = addr;
    if ( cls == XFO_CLASS_FAULT_AROUND )
        ntarget += xfo_neighbours(&l1, r, addr,
                                  min_t(unsigned int, around,
                                        XFO_FAULT_AROUND_MAX),
                                  &target[1]);

    prod = ACCESS_ONCE(a->pool->hdr.prod);
    cons = ACCESS_ONCE(a->comp->hdr.cons);
    level = xfo_pool_level_at(a, prod);
    room = xfo_comp_room(a, cons);
    watermark = min_t(uint32_t, ACCESS_ONCE(a->pool->hdr.watermark),
                      XFO_RING_SIZE);
    ntake = min(ntarget, min(level, room));
    notify = xfo_notify_due(xd, level - ntake < watermark || level == ntake,
                            prod);
    port = a->evtchn;
    reason = level ? XFO_BOUNCE_RING_FULL : XFO_BOUNCE_POOL_EMPTY;
    if ( !ntake )
        goto put_l1;

    xfo_pool_take(xd, d, take, ntake);

    /* Frames go to targets in order; the faulting page's must be good. */
    reason = XFO_BOUNCE_BAD_FRAME;
    if ( !take[0].page )
        goto complete;

    reason = XFO_BOUNCE_NO_L1;
    if ( !xfo_arch_l1_lock(&l1) )
        goto complete;

    for ( i = 0; i < ntake; i++ )
    {
        if ( !take[i].page )
            continue;
        rc = xfo_arch_l1_install(&l1, target[i], take[i].page, r->prot);
        if ( !rc )
        {
            take[i].installed = true;
            installed++;
        }
        else if ( !i )
        {
            reason = rc == -EEXIST ? XFO_BOUNCE_PRESENT
                                   : XFO_BOUNCE_PTE_UPDATE;
            break;
        }
    }

    xfo_complete(xd, take, ntake, r->id);

    if ( installed )
    {
        /* The PTEs and completions before the second look at the table. */
        smp_mb();
        if ( xfo_region_unchanged(xd, v, addr, fr) )
            reason = XFO_RESOLVED;
        else
        {
            /*
             * Take the pages out again.  Their completions stand: the
             * guest counts them as the region's (freed with it) or, the
             * region gone, keeps them for good; both are safe.
             */
            for ( i = 0; i < ntake; i++ )
                if ( take[i].installed &&
                     !xfo_arch_l1_remove(&l1, target[i], take[i].page) )
                    installed--;
            reason = XFO_BOUNCE_NOT_IN_REGION;
        }
    }

    xfo_arch_l1_unlock(&l1);
    goto release;

 complete:
    xfo_complete(xd, take, ntake, r->id);

 release:
    for ( i = 0; i < ntake; i++ )
        if ( take[i].page )
            xfo_arch_pool_put(take[i].page);

 put_l1:
    xfo_arch_l1_put(&l1);

 unlock:
    spin_unlock(&xd->areas_lock);

    /* A refill and a drain of the completions, in one go for the guest. */
    if ( notify && xfo_notify(d, port) )
        st->notifications++;

    if ( reason != XFO_RESOLVED )
    {
        /* Only an undo that failed leaves pages: the region's, and fine. */
        st->pages_installed += installed;
        return xfo_bounce(st, reason);
    }

    st->resolved++;
    st->pages_installed += installed;

    return true;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
