/* SPDX-License-Identifier: MIT */
/*
 * xfo: the guest's pool ring (the guest produces, Xen consumes) and
 * completion ring (Xen produces, the guest consumes), and the refill
 * notification.  Everything here runs under areas_lock: Xen's own ring
 * indices are in struct xfo_areas, and the guest's are read once and never
 * trusted beyond the room they leave.
 */

#include <xen/event.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>

#include <asm/xfo.h>

#include <public/xfo.h>

#include "private.h"

/* Room in the completion ring, against the guest's cons read once. */
uint32_t xfo_comp_room(const struct xfo_areas *a, uint32_t cons)
{
    uint32_t used = xfo_ring_used(a->comp_prod, cons);

    /* A cons the guest moved past prod or a ring behind: no room. */
    return used <= XFO_RING_SIZE ? XFO_RING_SIZE - used : 0;
}

/*
 * Takes n frames off the pool (n <= its level, which the caller read with
 * the guest's prod): each entry is read once into t[], and Xen's cons
 * moves past them whatever becomes of them.  Each frame is then checked
 * (xfo_arch_pool_get()) and, when it may be used, held and zeroed.
 *
 * Which frames get a completion: every one the guest can be told about,
 * installed or given back, so that it always learns the fate of a page it
 * gave.  Not an entry with bits a completion cannot carry (no page of the
 * guest's has such a frame number), nor a second copy of a frame already
 * taken for this fault: its one completion is the first copy's, and a
 * "given back" for the copy could reach the guest before an "installed"
 * for the first and make it free a mapped page.
 */
void xfo_pool_take(struct xfo_domain *xd, struct domain *d,
                   struct xfo_take *t, unsigned int n)
{
    struct xfo_areas *a = xd->areas;
    uint32_t cons = a->pool_cons;
    unsigned int i, j;

    ASSERT(spin_is_locked(&xd->areas_lock));

    /* Entries after the prod that made them visible (xfo_resolve()). */
    smp_rmb();
    for ( i = 0; i < n; i++ )
        t[i].frame = ACCESS_ONCE(a->pool->entries[cons++ &
                                                  (XFO_RING_SIZE - 1)]);

    /* Entries read before their slots are given back. */
    smp_mb();
    a->pool_cons = cons;
    write_atomic(&a->pool->hdr.cons, cons);

    for ( i = 0; i < n; i++ )
    {
        t[i].page = NULL;
        t[i].installed = false;
        t[i].complete = !(t[i].frame & ~XFO_COMPLETION_FRAME);
        for ( j = 0; j < i && t[i].complete; j++ )
            if ( t[j].frame == t[i].frame )
                t[i].complete = false;
        if ( !t[i].complete )
            continue;

        t[i].page = xfo_arch_pool_get(d, t[i].frame);
        if ( t[i].page )
            xfo_arch_pool_clear(d, t[i].page);
    }
}

/*
 * Posts a completion for every frame of t[] that gets one: installed in
 * region id, or given back (XFO_COMP_RETURNED).  The caller made sure of
 * the room.
 */
void xfo_complete(struct xfo_domain *xd, const struct xfo_take *t,
                  unsigned int n, uint32_t id)
{
    struct xfo_areas *a = xd->areas;
    uint32_t prod = a->comp_prod;
    unsigned int i;

    ASSERT(spin_is_locked(&xd->areas_lock));

    for ( i = 0; i < n; i++ )
        if ( t[i].complete )
            write_atomic(&a->comp->entries[prod++ & (XFO_RING_SIZE - 1)],
                         XFO_COMPLETION(t[i].frame, t[i].installed
                                                    ? id : XFO_COMP_RETURNED));

    /* Entries before the index that publishes them. */
    smp_wmb();
    a->comp_prod = prod;
    write_atomic(&a->comp->hdr.prod, prod);
}

/*
 * Whether this fault notifies the guest's refill port.  Wanted when the
 * fault leaves the pool below the watermark or empty: exactly when the
 * guest's refill work refills (docs/guest.md).
 * Sent only when no notification is outstanding: none was sent since the
 * mapping, or the guest's pool prod differs from the one the last was
 * decided on (prod is the one this fault computed the level from).
 *
 * No wake-up is lost: an outstanding notification is pending or being
 * handled, and the guest answers it with a refill, because the level it
 * finds is at most the one Xen wanted a refill at: until prod moves,
 * only Xen changes the level, and only downwards.  That refill moves prod
 * and re-arms.  A prod that moved between its read and the notification
 * only re-arms early.  So one notification per refill, not one per fault
 * below the watermark; the guest's timer covers a refill that found no
 * memory.  A full completion ring with frames left in the pool is no
 * reason to notify: the fault bounces (RING_FULL) to the guest, whose
 * fault handler drains the ring.
 */
bool xfo_notify_due(struct xfo_domain *xd, bool wanted, uint32_t prod)
{
    struct xfo_areas *a = xd->areas;

    ASSERT(spin_is_locked(&xd->areas_lock));
    if ( !wanted )
        return false;
    if ( a->notified && prod == a->notified_prod )
        return false;

    a->notified = true;
    a->notified_prod = prod;

    return true;
}

/*
 * Sets the guest's refill port pending, if it is still one for a peer;
 * whether it did.
 */
bool xfo_notify(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    bool sent = false;

    if ( !port_is_valid(d, port) )
        return false;

    chn = evtchn_from_port(d, port);
    /* As send_guest_global_virq(): a port being changed is skipped. */
    if ( evtchn_read_trylock(chn) )
    {
        if ( (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN) &&
             !chn->xen_consumer )
        {
            evtchn_port_set_pending(d, chn->notify_vcpu_id, chn);
            sent = true;
        }
        evtchn_read_unlock(chn);
    }

    return sent;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
