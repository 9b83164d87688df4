/* SPDX-License-Identifier: MIT */
/*
 * xfo: a guest's shared pages (areas): its region table, pool ring and
 * completion ring, referenced and mapped by XFOOP_map_guest_areas.
 *
 * They are published in xfo_domain.areas, which is read and written only
 * under areas_lock: the #PF path uses the areas only inside that lock, and
 * XFOOP_unmap_guest_areas (and the domain's death) clears the pointer
 * under the lock before it unmaps the pages and drops the references.  So
 * no #PF path ever touches an area that is unmapped, and the guest may
 * free the pages as soon as the unmap returns.
 *
 * Guest memory (the areas' contents) can change under Xen's feet at any
 * time: every field is read once (ACCESS_ONCE) into a private copy, which
 * is checked and then used; nothing is read twice for one decision.
 */

#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/spinlock.h>

#include <asm/xfo.h>

#include <public/xfo.h>

#include "private.h"

/* Drops what xfo_area_get() took; a is not published (or no longer). */
void xfo_areas_free(struct xfo_areas *a)
{
    unsigned int i;

    if ( !a )
        return;

    for ( i = 0; i < XFO_AREA_NR; i++ )
    {
        if ( a->va[i] )
            unmap_domain_page_global(a->va[i]);
        if ( a->page[i] )
            put_page_and_type(a->page[i]);
    }
    xfree(a);
}

/* xfo-step: map */
/*
 * Takes a reference on one of d's frames for an area and maps it.  The
 * frame must be an ordinary page of d's (not a Xen heap page shared with
 * it, not another domain's, not shared or paged out) that can take a
 * writable type: never a page table, a descriptor table page or a page
 * granted read-only.  The type reference keeps it so until it is dropped.
 */
static int xfo_area_get(struct domain *d, struct xfo_areas *a,
                        enum xfo_area i, uint64_t frame)
{
    mfn_t mfn = _mfn(frame);
    struct page_info *page;

    if ( frame != mfn_x(mfn) || !mfn_valid(mfn) )
        return -EINVAL;

    page = mfn_to_page(mfn);
    if ( !get_page_and_type(page, d, PGT_writable_page) )
        return -EINVAL;

    if ( is_special_page(page) )
    {
        put_page_and_type(page);
        return -EINVAL;
    }
    a->page[i] = page;

    a->va[i] = map_domain_page_global(mfn);
    if ( !a->va[i] )
        return -ENOMEM;

    return 0;
}

/*
 * The port Xen notifies must be one of d's, allocated for a peer
 * (unbound, or bound to its peer): not a VIRQ, IPI or PIRQ port, not one
 * Xen consumes itself.
 */
static bool xfo_evtchn_ok(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    bool ok;

    if ( !port || !port_is_valid(d, port) )
        return false;

    chn = evtchn_from_port(d, port);
    evtchn_read_lock(chn);
    ok = (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN) &&
         !chn->xen_consumer;
    evtchn_read_unlock(chn);

    return ok;
}

/*
 * The contents the guest set up before the handshake: checked once here
 * to refuse a guest that got the layout wrong, and again wherever they are
 * used, since the guest may change them at any time.
 */
static const char *xfo_areas_check(const struct xfo_areas *a)
{
    uint32_t version = ACCESS_ONCE(a->table->version);
    uint32_t pool_prod = ACCESS_ONCE(a->pool->hdr.prod);
    uint32_t pool_cons = ACCESS_ONCE(a->pool->hdr.cons);
    uint32_t comp_prod = ACCESS_ONCE(a->comp->hdr.prod);
    uint32_t comp_cons = ACCESS_ONCE(a->comp->hdr.cons);

    if ( XFO_INTERFACE_MAJOR(version) !=
         XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION) )
        return "region table version";
    if ( ACCESS_ONCE(a->pool->hdr.size) != XFO_RING_SIZE )
        return "pool ring size";
    if ( ACCESS_ONCE(a->comp->hdr.size) != XFO_RING_SIZE )
        return "completion ring size";
    if ( xfo_ring_used(pool_prod, pool_cons) > XFO_RING_SIZE )
        return "pool ring indices";
    if ( xfo_ring_used(comp_prod, comp_cons) > XFO_RING_SIZE )
        return "completion ring indices";

    return NULL;
}

/* xfo-step: end */
/*
 * Takes d's areas away from the #PF path.  Once this returns, no vCPU uses
 * them: the #PF path reads xfo_domain.areas and uses the areas only inside
 * areas_lock, and the pointer was cleared under it.  The caller frees them.
 */
static struct xfo_areas *xfo_areas_detach(struct domain *d)
{
    struct xfo_domain *xd;
    struct xfo_areas *a = NULL;

    spin_lock(&xfo_lock);
    xd = d->xfo;
    if ( xd )
    {
        spin_lock(&xd->areas_lock);
        a = xd->areas;
        xd->areas = NULL;
        spin_unlock(&xd->areas_lock);
    }
    spin_unlock(&xfo_lock);

    return a;
}

/* xfo-step: map */
#define xfo_refuse(d, what)                                             \
    printk(XENLOG_G_INFO "xfo: %pd: guest areas refused: %s\n", d, what)

int xfo_map_guest_areas(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_guest_areas op;
    struct xfo_domain *xd = NULL;
    struct xfo_areas *a = NULL;
    struct domain *d;
    uint64_t frame[XFO_AREA_NR];
    const char *why;
    unsigned int i, j;
    int rc;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.pad[0] || op.pad[1] || op.pad[2] )
        return -EINVAL;
    /* Minor versions only add: every 1.x guest lays out the pages alike. */
    if ( XFO_INTERFACE_MAJOR(op.version) !=
         XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION) )
        return -EINVAL;

    d = xfo_get_domain(op.domid, &rc);
    if ( !d )
        return rc;

    rc = -EOPNOTSUPP;
    if ( !xfo_arch_can_resolve(d) )
        goto out;

    frame[XFO_AREA_TABLE] = op.region_table_frame;
    frame[XFO_AREA_POOL] = op.pool_ring_frame;
    frame[XFO_AREA_COMP] = op.completion_ring_frame;

    /* Three pages, not one page in two roles. */
    rc = -EINVAL;
    for ( i = 0; i < XFO_AREA_NR; i++ )
        for ( j = 0; j < i; j++ )
            if ( frame[i] == frame[j] )
                goto out;

    rc = -ENOMEM;
    a = xzalloc(struct xfo_areas);
    if ( !a )
        goto out;

    for ( i = 0; i < XFO_AREA_NR; i++ )
    {
        rc = xfo_area_get(d, a, i, frame[i]);
        if ( rc )
        {
            if ( rc == -EINVAL )
                xfo_refuse(d, i == XFO_AREA_TABLE ? "region table frame" :
                              i == XFO_AREA_POOL ? "pool ring frame" :
                                                   "completion ring frame");
            goto out;
        }
    }
    a->table = a->va[XFO_AREA_TABLE];
    a->pool = a->va[XFO_AREA_POOL];
    a->comp = a->va[XFO_AREA_COMP];

    rc = -EINVAL;
    if ( !xfo_evtchn_ok(d, op.evtchn) )
    {
        xfo_refuse(d, "event channel");
        goto out;
    }
    a->evtchn = op.evtchn;

    why = xfo_areas_check(a);
    if ( why )
    {
        xfo_refuse(d, why);
        goto out;
    }
    /* From here on Xen's own copies; the guest's are never read again. */
    a->pool_cons = ACCESS_ONCE(a->pool->hdr.cons);
    a->comp_prod = ACCESS_ONCE(a->comp->hdr.prod);

    /* Allocate outside the lock; dropped below if another op won. */
    if ( !ACCESS_ONCE(d->xfo) )
    {
        rc = -ENOMEM;
        xd = xfo_domain_alloc(d);
        if ( !xd )
            goto out;
    }

    spin_lock(&xfo_lock);

    /* domain_kill() sets is_dying before its xfo_domain_destroy(). */
    rc = -ESRCH;
    if ( d->is_dying )
        goto unlock;

    if ( !d->xfo )
    {
        d->xfo = xd;
        xd = NULL;
    }

    /*
     * A second mapping is refused rather than replacing the first: the
     * pages of the first may be in use by a fault right now, and the
     * guest learns of a replacement only through XFOOP_unmap_guest_areas.
     */
    spin_lock(&d->xfo->areas_lock);
    rc = -EEXIST;
    if ( !d->xfo->areas )
    {
        a->gen = ++d->xfo->areas_gen;
        d->xfo->areas = a;
        rc = 0;
    }
    spin_unlock(&d->xfo->areas_lock);

 unlock:
    spin_unlock(&xfo_lock);

    if ( !rc )
    {
        printk(XENLOG_G_INFO
               "xfo: %pd: guest areas mapped: table %#"PRIx64", pool %#"PRIx64
               ", completions %#"PRIx64", port %u\n",
               d, frame[XFO_AREA_TABLE], frame[XFO_AREA_POOL],
               frame[XFO_AREA_COMP], a->evtchn);
        a = NULL;
    }

 out:
    xfo_areas_free(a);
    xfo_domain_free(xd);
    rcu_unlock_domain(d);

    return rc;
}

/* xfo-step: end */
/*
 * The guest itself (DOMID_SELF) or the control domain.  Afterwards Xen
 * holds no reference to the pages and never touches them again, so the
 * guest may free them; 0 also when nothing was mapped, which leaves the
 * guest the same guarantee.
 */
int xfo_unmap_guest_areas(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_domain op;
    struct xfo_areas *a;
    struct domain *d;
    int rc;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.pad[0] || op.pad[1] || op.pad[2] )
        return -EINVAL;

    d = xfo_get_target(XFOOP_unmap_guest_areas, op.domid, &rc);
    if ( !d )
        return rc;

    a = xfo_areas_detach(d);
    if ( a )
    {
        printk(XENLOG_G_INFO "xfo: %pd: guest areas unmapped by %pd\n",
               d, current->domain);
        xfo_areas_free(a);
    }

    rcu_unlock_domain(d);

    return 0;
}
/* xfo-step: sync */

/*
 * A fence for the guest (DOMID_SELF) or the control domain: returns once
 * every fault resolution that held d's areas_lock before it has ended.
 * Each takes areas_lock for its whole run and checks the region table
 * again under it, so after this no fault can still install a page in, or
 * post a completion for, a region the guest unpublished before the call:
 * the guest may then drain its completions and free the region's pages.
 */
int xfo_sync_guest_areas(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_domain op;
    struct xfo_domain *xd;
    struct domain *d;
    int rc;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.pad[0] || op.pad[1] || op.pad[2] )
        return -EINVAL;

    d = xfo_get_target(XFOOP_sync_guest_areas, op.domid, &rc);
    if ( !d )
        return rc;

    spin_lock(&xfo_lock);
    xd = d->xfo;
    if ( xd )
    {
        spin_lock(&xd->areas_lock);
        spin_unlock(&xd->areas_lock);
    }
    spin_unlock(&xfo_lock);

    rcu_unlock_domain(d);

    return 0;
}
/* xfo-step: end */


/* xfo-step: regions */
/*
 * Looks for the region of the address space pt_root containing addr, in
 * one pass over the guest's table under its sequence count: seq even
 * before, unchanged after, else no region (the guest is editing it, and
 * the fault goes to the guest, which handles every fault anyway).  Each
 * field of an entry is read once into a private copy, and only the copy
 * is checked and returned.
 */
bool xfo_region_lookup(struct xfo_domain *xd, uint64_t pt_root,
                       unsigned long addr, struct xfo_region *out,
                       uint32_t *seqp)
{
    const struct xfo_region_table *t = xd->areas->table;
    const struct xfo_region *g;
    struct xfo_region e;
    uint32_t seq, nr, i;
    bool found = false;

    ASSERT(spin_is_locked(&xd->areas_lock));
    seq = ACCESS_ONCE(t->seq);
    if ( seq & 1 )
        return false;
    smp_rmb();

    nr = min_t(uint32_t, ACCESS_ONCE(t->nr), XFO_MAX_REGIONS);
    for ( i = 0; i < nr && !found; i++ )
    {
        g = &t->regions[i];
        e.flags = ACCESS_ONCE(g->flags);
        if ( !(e.flags & XFO_REGION_F_VALID) )
            continue;
        e.pt_root = ACCESS_ONCE(g->pt_root);
        e.start = ACCESS_ONCE(g->start);
        e.end = ACCESS_ONCE(g->end);
        e.id = ACCESS_ONCE(g->id);
        e.prot = ACCESS_ONCE(g->prot);
        e.classes = ACCESS_ONCE(g->classes);

        if ( e.pt_root != pt_root || addr < e.start || addr >= e.end )
            continue;
        /* Whole pages of the guest's half, and an id a completion holds. */
        if ( ((e.start | e.end) & ~PAGE_MASK) || e.end > XFO_ARCH_USER_END ||
             e.id >= XFO_COMP_RETURNED )
            continue;

        *out = e;
        found = true;
    }

    smp_rmb();
    if ( ACCESS_ONCE(t->seq) != seq )
        return false;

    *seqp = seq;

    return found;
}

/* Frames in the pool: the guest's prod, read once, against Xen's cons. */
uint32_t xfo_pool_level_at(const struct xfo_areas *a, uint32_t prod)
{
    uint32_t level = xfo_ring_used(prod, a->pool_cons);

    /* A prod more than a ring ahead is garbage: nothing is there. */
    return level <= XFO_RING_SIZE ? level : 0;
}

static uint32_t xfo_pool_level(const struct xfo_areas *a)
{
    return xfo_pool_level_at(a, ACCESS_ONCE(a->pool->hdr.prod));
}

/*
 * Fills the context's region and pool fields from the guest's areas, if
 * it has any, and remembers the region for the resolver.
 */
void xfo_fault_areas(const struct vcpu *v, struct xfo_domain *xd,
                     unsigned long addr, struct xfo_fault_ctx *ctx,
                     struct xfo_fault_region *fr)
{
    const struct xfo_areas *a;
    struct xfo_region *r = &fr->region;

    fr->found = false;

    spin_lock(&xd->areas_lock);

    a = xd->areas;
    if ( a )
    {
        fr->gen = a->gen;
        ctx->pool_size = XFO_RING_SIZE;
        ctx->pool_level = xfo_pool_level(a);
        fr->found = addr < XFO_ARCH_USER_END &&
                    xfo_region_lookup(xd, xfo_arch_pt_root(v), addr, r,
                                      &fr->seq);
    }

    spin_unlock(&xd->areas_lock);

    if ( fr->found )
    {
        ctx->region_id = r->id;
        ctx->region_start = r->start;
        ctx->region_end = r->end;
        ctx->region_prot = r->prot;
        ctx->region_classes = r->classes;
    }
}
/* xfo-step: end */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
