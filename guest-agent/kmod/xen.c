// SPDX-License-Identifier: GPL-2.0
/*
 * xfo_guest: what the module shares with Xen and dom0.
 *
 * Three pages (include/xfo.h): the region table, edited under a sequence
 * count; the free-page pool ring, which the module fills with frames of
 * pages it allocated and Xen empties; the completion ring, which Xen
 * fills with (frame, region) of every pool page it installed and the
 * module empties. An event channel, bound here and published, lets Xen
 * ask for a refill when the pool falls below its watermark; a 100 ms
 * timer refills anyway. The xenstore handshake under data/xfo offers the
 * pages to dom0, which registers them with Xen (XFOOP_map_guest_areas).
 *
 * Page ownership: every page the module allocates is, at any moment, in
 * exactly one place: xfo.inflight (in the pool ring, or taken by Xen and
 * not completed yet), a region's pages, the orphan list, or freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>

#include "xfo_int.h"

#define RING_MASK (XFO_RING_SIZE - 1)

static unsigned int pool_target = XFO_RING_SIZE;
module_param(pool_target, uint, 0444);
MODULE_PARM_DESC(pool_target, "pool level a refill goes up to (1-256, default 256)");

static unsigned int pool_watermark = XFO_RING_SIZE / 4;
module_param(pool_watermark, uint, 0444);
MODULE_PARM_DESC(pool_watermark, "refill when the pool falls below this level (default 64)");

static unsigned int refill_ms = 100;
module_param(refill_ms, uint, 0444);
MODULE_PARM_DESC(refill_ms, "period of the fallback refill timer in ms (default 100)");

static unsigned int backend_domid;
module_param(backend_domid, uint, 0444);
MODULE_PARM_DESC(backend_domid, "domain the refill event channel is offered to (default 0)");

static bool handshake = true;
module_param(handshake, bool, 0444);
MODULE_PARM_DESC(handshake, "publish the pages in xenstore (default 1)");

/* ------------------------------------------------------------------------
 * The region table. Xen reads seq, copies, reads seq again, and takes the
 * copy only when both reads are equal and even.
 */
static void xfo_table_begin(void)
{
	struct xfo_region_table *t = xfo.table;

	WRITE_ONCE(t->seq, t->seq + 1);
	/* The odd seq is seen before any entry changes. */
	smp_wmb();
}

static void xfo_table_end(void)
{
	struct xfo_region_table *t = xfo.table;

	/* Every entry is written before seq is even again. */
	smp_wmb();
	WRITE_ONCE(t->seq, t->seq + 1);
}

static void xfo_table_fill(struct xfo_region *e, struct xfo_kregion *r)
{
	WRITE_ONCE(e->pt_root, r->pt_root);
	WRITE_ONCE(e->start, r->start);
	WRITE_ONCE(e->end, r->end);
	WRITE_ONCE(e->id, r->id);
	WRITE_ONCE(e->prot, r->prot);
	WRITE_ONCE(e->classes, r->classes);
	WRITE_ONCE(e->flags, XFO_REGION_F_VALID);
}

/* xfo.lock held. With no free slot the region stays unpublished. */
void xfo_table_publish(struct xfo_kregion *r)
{
	struct xfo_region_table *t = xfo.table;
	int i;

	for (i = 0; i < XFO_MAX_REGIONS; i++)
		if (!(t->regions[i].flags & XFO_REGION_F_VALID))
			break;
	if (i == XFO_MAX_REGIONS) {
		pr_info_ratelimited("region table full: region %u [%#lx, %#lx) goes without offload\n",
				    r->id, r->start, r->end);
		return;
	}
	xfo_table_begin();
	xfo_table_fill(&t->regions[i], r);
	if (i >= t->nr)
		WRITE_ONCE(t->nr, i + 1);
	xfo_table_end();
	r->slot = i;
	xfo.nr_published++;
}

void xfo_table_unpublish(struct xfo_kregion *r)
{
	struct xfo_region_table *t = xfo.table;
	u32 nr;

	if (r->slot < 0)
		return;
	xfo_table_begin();
	WRITE_ONCE(t->regions[r->slot].flags, 0);
	memset(&t->regions[r->slot], 0, sizeof(t->regions[r->slot]));
	nr = t->nr;
	while (nr && !(t->regions[nr - 1].flags & XFO_REGION_F_VALID))
		nr--;
	WRITE_ONCE(t->nr, nr);
	xfo_table_end();
	r->slot = -1;
	xfo.nr_published--;
}

void xfo_table_update(struct xfo_kregion *r)
{
	if (r->slot < 0)
		return;
	xfo_table_begin();
	xfo_table_fill(&xfo.table->regions[r->slot], r);
	xfo_table_end();
}

/* ------------------------------------------------------------------------
 * The pool ring: we produce, Xen consumes.
 */
static u64 xfo_frame_of(struct page *page)
{
	return pfn_to_mfn(page_to_pfn(page));
}

/* Frames in the ring: what Xen has not taken yet. xfo.lock held. */
u32 xfo_pool_level(void)
{
	/* Pairs with Xen's barrier before it moves cons past what it took. */
	u32 cons = smp_load_acquire(&xfo.pool->hdr.cons);
	u32 level = xfo.pool_prod - cons;

	/* A cons ahead of prod or more than a ring behind is not Xen's
	 * doing; count nothing as in the ring rather than trust it.
	 */
	return level <= XFO_RING_SIZE ? level : 0;
}

static void xfo_pool_refill(void)
{
	struct xfo_ring *ring = xfo.pool;
	/* Pairs with Xen's barrier before it moves cons past what it took. */
	u32 cons = smp_load_acquire(&ring->hdr.cons);
	u32 prod = xfo.pool_prod;
	u32 level = prod - cons;
	u32 n = 0;

	if (level > XFO_RING_SIZE) {
		pr_warn_ratelimited("pool ring: cons %u is not within a ring of prod %u\n",
				    cons, prod);
		atomic64_inc(&xfo.completion_errors);
		return;
	}
	if (level >= xfo.pool_watermark && level)
		return;

	while (level < xfo.pool_target) {
		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);
		u64 frame;

		if (!page)
			break;
		xfo_count_alloc();
		frame = xfo_frame_of(page);
		if (frame == INVALID_P2M_ENTRY ||
		    xa_insert(&xfo.inflight, frame, page, GFP_KERNEL)) {
			xfo_free_page(page);
			break;
		}
		xfo.nr_inflight++;
		xfo.pool_shadow[prod & RING_MASK] = page;
		WRITE_ONCE(ring->entries[prod & RING_MASK], frame);
		prod++;
		level++;
		n++;
	}
	if (!n)
		return;
	/* Entries before the index that publishes them. */
	smp_store_release(&ring->hdr.prod, prod);
	xfo.pool_prod = prod;
	atomic64_inc(&xfo.refills);
}

/* ------------------------------------------------------------------------
 * The completion ring: Xen produces, we consume.
 */
static void xfo_complete(u64 e)
{
	unsigned long frame = e & XFO_COMPLETION_FRAME;
	u32 id = XFO_COMPLETION_REGION(e);
	struct xfo_kregion *r;
	struct page *page;

	/* Only a frame we gave to the pool and that did not come back yet:
	 * never the same page twice, never one that is not ours.
	 */
	page = xa_erase(&xfo.inflight, frame);
	if (!page) {
		pr_warn_ratelimited("completion %#llx: frame %#lx is not one the pool gave out\n",
				    e, frame);
		atomic64_inc(&xfo.completion_errors);
		return;
	}
	xfo.nr_inflight--;

	if (id == XFO_COMP_RETURNED) {
		/* Taken but not installed: ours again. */
		atomic64_inc(&xfo.pages_returned);
		xfo_free_page(page);
		return;
	}

	r = xfo_region_by_id(id);
	if (!r || xa_insert(&r->pages, page_to_pfn(page), page, GFP_KERNEL)) {
		/*
		 * A region that is gone (a thread touched it while another
		 * unmapped it): the page may still be mapped somewhere, so it
		 * is never freed.
		 */
		pr_warn_ratelimited("completion %#llx: region %u is gone; page kept\n",
				    e, id);
		atomic64_inc(&xfo.completion_errors);
		atomic64_inc(&xfo.pages_orphaned);
		list_add(&page->lru, &xfo.orphans);
		return;
	}
	atomic64_inc(&r->nr_pages);
	atomic64_inc(&r->offloaded);
	atomic64_inc(&xfo.pages_mapped);
	atomic64_inc(&xfo.pages_offloaded);
}

/* xfo.lock held. */
void xfo_drain_completions(void)
{
	struct xfo_ring *ring = xfo.comp;
	/* Pairs with Xen's smp_wmb(): the entries before prod are seen. */
	u32 prod = smp_load_acquire(&ring->hdr.prod);
	u32 cons = xfo.comp_cons;

	if (prod == cons)
		return;
	if (prod - cons > XFO_RING_SIZE) {
		pr_warn_ratelimited("completion ring: prod %u is not within a ring of cons %u\n",
				    prod, cons);
		atomic64_inc(&xfo.completion_errors);
		return;
	}
	while (cons != prod) {
		xfo_complete(READ_ONCE(ring->entries[cons & RING_MASK]));
		cons++;
	}
	/* Entries read before the slots are given back. */
	smp_store_release(&ring->hdr.cons, cons);
	xfo.comp_cons = cons;
}

/*
 * Returns once Xen has ended every fault resolution that might still use
 * a region unpublished before the call: their completions are then all in
 * the ring. Without the op (a Xen before interface 1.1) there is no such
 * fence, and a late completion makes an orphan.
 */
void xfo_sync_xen(void)
{
	struct xfo_op_domain op = { .domid = DOMID_SELF };
	int rc = _hypercall2(int, xfo_op, XFOOP_sync_guest_areas, &op);

	if (rc)
		pr_info_once("XFOOP_sync_guest_areas: %d: this Xen has no fence; a region unmapped while Xen resolves a fault in it may keep a page\n",
			     rc);
}

/*
 * A fault that reached the guest in a region usually means the pool ran
 * dry. Refill right here: on a domU with one vCPU the refill work would
 * only run once the faulting task yields, after many more bounces.
 */
void xfo_pool_kick(void)
{
	if (!xfo.pool)
		return;
	mutex_lock(&xfo.lock);
	xfo_drain_completions();
	xfo_pool_refill();
	mutex_unlock(&xfo.lock);
}

static void xfo_work_fn(struct work_struct *work)
{
	xfo_pool_kick();
	queue_delayed_work(system_wq, &xfo.work, msecs_to_jiffies(xfo.refill_ms));
}

static irqreturn_t xfo_evtchn_interrupt(int irq, void *dev_id)
{
	atomic64_inc(&xfo.notifications);
	mod_delayed_work(system_wq, &xfo.work, 0);
	return IRQ_HANDLED;
}

/*
 * The port Xen notifies. Offered to the control domain (backend_domid):
 * like a frontend's ring event channel, it names the party that checks
 * the handshake, which can bind it to kick a refill itself, and Xen can
 * mark it pending from the resolver whatever its state.
 */
static int xfo_evtchn_init(void)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = backend_domid,
	};
	int err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (err) {
		pr_err("EVTCHNOP_alloc_unbound: %d\n", err);
		return err;
	}
	err = bind_evtchn_to_irqhandler(alloc.port, xfo_evtchn_interrupt, 0,
					"xfo-pool", &xfo);
	if (err < 0) {
		struct evtchn_close close = { .port = alloc.port };

		pr_err("bind_evtchn_to_irqhandler: %d\n", err);
		HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
		return err;
	}
	xfo.evtchn = alloc.port;
	xfo.irq = err;
	return 0;
}

/* ------------------------------------------------------------------------
 * The xenstore handshake.
 */

/* io/xfo.h's states are Xen's XenbusState numbers. */
static_assert(XenbusStateInitialising == XFO_XS_STATE_INITIALISING);
static_assert(XenbusStateInitialised == XFO_XS_STATE_INITIALISED);
static_assert(XenbusStateConnected == XFO_XS_STATE_CONNECTED);
static_assert(XenbusStateClosing == XFO_XS_STATE_CLOSING);
static_assert(XenbusStateClosed == XFO_XS_STATE_CLOSED);

static int xfo_xs_state(u32 state)
{
	int err = xenbus_printf(XBT_NIL, xfo.xs_dir, XFO_XS_STATE, "%u", state);

	if (err)
		pr_warn("writing %s/" XFO_XS_STATE " = %u: %d\n", xfo.xs_dir, state, err);
	else
		xfo.state = state;
	return err;
}

static void xfo_backend_error(void)
{
	char *msg = xenbus_read(XBT_NIL, xfo.xs_dir, XFO_XS_BACKEND_ERROR, NULL);

	xfo.backend_error[0] = '\0';
	if (!IS_ERR(msg)) {
		strscpy(xfo.backend_error, msg, sizeof(xfo.backend_error));
		kfree(msg);
	}
}

static int xfo_unmap_self(void)
{
	struct xfo_op_domain op = { .domid = DOMID_SELF };

	xfo.last_unmap_rc = _hypercall2(int, xfo_op, XFOOP_unmap_guest_areas, &op);
	return xfo.last_unmap_rc;
}

/*
 * dom0 closed a connection (xfoctl domain disconnect): Xen no longer uses
 * the areas. Our own unmap makes sure of it (0 when nothing is mapped);
 * the pool's frames and Xen's completions stay valid, Xen starts from the
 * rings' indices at the next map. Faults go to .fault meanwhile. Then
 * offer the same pages again (state 3): a later connect maps them anew.
 */
static void xfo_backend_closed(void)
{
	int rc;

	xfo.flags &= ~XFO_GUEST_F_CONNECTED;
	xfo.flags |= XFO_GUEST_F_REFUSED;
	xfo_backend_error();
	rc = xfo_unmap_self();
	xfo_drain_completions();
	if (rc)
		pr_warn("dom0 closed the connection; XFOOP_unmap_guest_areas: %d\n", rc);
	if (xfo_xs_state(XFO_XS_STATE_INITIALISED))
		return;
	pr_info("dom0 closed the connection (%s); faults stay with the guest, offered again\n",
		xfo.backend_error[0] ? xfo.backend_error : "no reason given");
}

/* Acts on dom0's backend-state. xfo.lock held. */
static void xfo_backend_check(void)
{
	unsigned int be;

	if (xenbus_scanf(XBT_NIL, xfo.xs_dir, XFO_XS_BACKEND_STATE, "%u", &be) != 1)
		return;
	xfo.backend_state = be;
	if (xfo.state == XFO_XS_STATE_CONNECTED) {
		if (be == XFO_XS_STATE_CLOSED)
			xfo_backend_closed();
		return;
	}
	/* Before state 3 is ours, an answer is not for these keys yet:
	 * xfo_xs_publish() looks again once it is.
	 */
	if (xfo.state != XFO_XS_STATE_INITIALISED)
		return;
	if (be == XFO_XS_STATE_CONNECTED) {
		if (!xfo_xs_state(XFO_XS_STATE_CONNECTED)) {
			xfo.flags |= XFO_GUEST_F_CONNECTED;
			xfo.flags &= ~XFO_GUEST_F_REFUSED;
			xfo.ever_connected = true;
			xfo.backend_error[0] = '\0';
			pr_info("connected: Xen resolves faults in published regions\n");
		}
	} else if (be == XFO_XS_STATE_CLOSED && !(xfo.flags & XFO_GUEST_F_REFUSED)) {
		xfo.flags |= XFO_GUEST_F_REFUSED;
		xfo_backend_error();
		pr_warn("dom0 refused the pages (%s); faults stay with the guest\n",
			xfo.backend_error[0] ? xfo.backend_error : "no reason given");
	}
}

static void xfo_backend_changed(struct xenbus_watch *watch, const char *path,
				const char *token)
{
	mutex_lock(&xfo.lock);
	xfo_backend_check();
	mutex_unlock(&xfo.lock);
}

static void xfo_xs_publish(void)
{
	int err;

	err = xenbus_scanf(XBT_NIL, "domid", "", "%u", &xfo.domid);
	if (err != 1) {
		pr_warn("cannot read domid from xenstore (%d): no handshake, no offload\n",
			err);
		return;
	}
	xfo.xs_dir = kasprintf(GFP_KERNEL, "/local/domain/%u/%s", xfo.domid,
			       XFO_XS_DIR);
	if (!xfo.xs_dir)
		return;

	/* An answer left over from an earlier load is not for these pages. */
	xenbus_rm(XBT_NIL, xfo.xs_dir, XFO_XS_BACKEND_STATE);
	xenbus_rm(XBT_NIL, xfo.xs_dir, XFO_XS_BACKEND_ERROR);
	err = xfo_xs_state(XFO_XS_STATE_INITIALISING);
	err = err ?: xenbus_printf(XBT_NIL, xfo.xs_dir, XFO_XS_VERSION, "0x%08x",
				   XFO_INTERFACE_VERSION);
	err = err ?: xenbus_printf(XBT_NIL, xfo.xs_dir, XFO_XS_REGION_TABLE,
				   "%llu", xfo.table_frame);
	err = err ?: xenbus_printf(XBT_NIL, xfo.xs_dir, XFO_XS_POOL_RING,
				   "%llu", xfo.pool_frame);
	err = err ?: xenbus_printf(XBT_NIL, xfo.xs_dir, XFO_XS_COMPLETION_RING,
				   "%llu", xfo.comp_frame);
	err = err ?: xenbus_printf(XBT_NIL, xfo.xs_dir, XFO_XS_EVTCHN, "%u",
				   xfo.evtchn);
	if (err) {
		pr_warn("publishing in %s failed (%d): no offload\n", xfo.xs_dir, err);
		return;
	}

	xfo.watch.node = kasprintf(GFP_KERNEL, "%s/" XFO_XS_BACKEND_STATE, xfo.xs_dir);
	xfo.watch.callback = xfo_backend_changed;
	if (!xfo.watch.node)
		return;
	err = register_xenbus_watch(&xfo.watch);
	if (err) {
		pr_warn("watching %s: %d: no offload\n", xfo.watch.node, err);
		kfree(xfo.watch.node);
		xfo.watch.node = NULL;
		return;
	}
	xfo.watching = true;
	/* State 3 and the look at an answer that came before it, in one
	 * step against the watch.
	 */
	mutex_lock(&xfo.lock);
	err = xfo_xs_state(XFO_XS_STATE_INITIALISED);
	if (!err) {
		xfo.flags |= XFO_GUEST_F_PUBLISHED;
		xfo_backend_check();
	}
	mutex_unlock(&xfo.lock);
	if (err)
		return;
	pr_info("offered to dom0 in %s: table %llu, pool %llu, completions %llu, port %d\n",
		xfo.xs_dir, xfo.table_frame, xfo.pool_frame, xfo.comp_frame,
		xfo.evtchn);
}

/* ------------------------------------------------------------------------
 * Setup and teardown.
 */
static void *xfo_shared_page(u64 *frame)
{
	void *p = (void *)get_zeroed_page(GFP_KERNEL);

	if (p)
		*frame = virt_to_mfn(p);
	return p;
}

int xfo_xen_init(void)
{
	int err = -ENOMEM;

	xfo.pool_target = clamp_t(unsigned int, pool_target, 1, XFO_RING_SIZE);
	xfo.pool_watermark = min_t(unsigned int, pool_watermark, xfo.pool_target);
	xfo.refill_ms = max_t(unsigned int, refill_ms, 10);
	xfo.last_unmap_rc = 1;
	xfo.evtchn = -1;
	xa_init(&xfo.inflight);
	INIT_LIST_HEAD(&xfo.orphans);
	INIT_DELAYED_WORK(&xfo.work, xfo_work_fn);

	xfo.table = xfo_shared_page(&xfo.table_frame);
	xfo.pool = xfo_shared_page(&xfo.pool_frame);
	xfo.comp = xfo_shared_page(&xfo.comp_frame);
	if (!xfo.table || !xfo.pool || !xfo.comp)
		goto out_pages;
	BUILD_BUG_ON(sizeof(struct xfo_region_table) != PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct xfo_ring) > PAGE_SIZE);
	xfo.table->version = XFO_INTERFACE_VERSION;
	xfo.pool->hdr.size = XFO_RING_SIZE;
	xfo.pool->hdr.watermark = xfo.pool_watermark;
	xfo.comp->hdr.size = XFO_RING_SIZE;

	err = xfo_evtchn_init();
	if (err)
		goto out_pages;

	mutex_lock(&xfo.lock);
	xfo_pool_refill();
	mutex_unlock(&xfo.lock);
	return 0;

out_pages:
	free_page((unsigned long)xfo.table);
	free_page((unsigned long)xfo.pool);
	free_page((unsigned long)xfo.comp);
	return err;
}

void xfo_xen_start(void)
{
	if (handshake)
		xfo_xs_publish();
	else
		pr_info("handshake=0: not offered to dom0, faults stay with the guest\n");
	queue_delayed_work(system_wq, &xfo.work, msecs_to_jiffies(xfo.refill_ms));
}

/*
 * Xen's answer to XFOOP_unmap_guest_areas decides whether the pages may be
 * freed: 0, Xen let go of them; -ENOSYS, a Xen without xfo; -EOPNOTSUPP, a
 * Xen without the resolver: neither could have mapped them. A Xen that
 * refuses a guest's own unmap (-EPERM, patches before the op was the
 * guest's) cannot have mapped them either unless dom0 said Connected.
 * Anything else: the pages stay allocated for good, a leak rather than a
 * page Xen may still write into.
 */
static bool xfo_unmap_guest_areas(void)
{
	int rc = xfo_unmap_self();

	switch (rc) {
	case 0:
		return true;
	case -ENOSYS:
		pr_info("XFOOP_unmap_guest_areas: -ENOSYS, this Xen has no xfo\n");
		return true;
	case -EOPNOTSUPP:
		pr_info("XFOOP_unmap_guest_areas: -EOPNOTSUPP, this Xen has no resolver\n");
		return true;
	case -EPERM:
		if (!xfo.ever_connected) {
			pr_info("XFOOP_unmap_guest_areas: -EPERM, never connected\n");
			return true;
		}
		fallthrough;
	default:
		pr_err("XFOOP_unmap_guest_areas: %d: keeping the shared and pool pages (leaked)\n",
		       rc);
		return false;
	}
}

void xfo_xen_exit(void)
{
	struct page *page, *tmp;
	unsigned long frame;
	bool safe = true;
	u32 i, level;
	u64 lost = 0;

	if (xfo.watching) {
		unregister_xenbus_watch(&xfo.watch);
		xfo.watching = false;
	}
	kfree(xfo.watch.node);
	xfo.watch.node = NULL;

	if (xfo.flags & XFO_GUEST_F_PUBLISHED) {
		xfo_xs_state(XFO_XS_STATE_CLOSING);
		safe = xfo_unmap_guest_areas();
		xfo_xs_state(XFO_XS_STATE_CLOSED);
	}
	if (xfo.irq > 0)
		unbind_from_irqhandler(xfo.irq, &xfo);
	cancel_delayed_work_sync(&xfo.work);

	mutex_lock(&xfo.lock);
	xfo_drain_completions();
	level = xfo_pool_level();
	if (safe) {
		/* Frames still in the ring are ours. */
		for (i = xfo.pool_prod - level; i != xfo.pool_prod; i++) {
			page = xfo.pool_shadow[i & RING_MASK];
			if (page && xa_erase(&xfo.inflight, xfo_frame_of(page)) == page) {
				xfo.nr_inflight--;
				xfo_free_page(page);
			}
		}
		/* Taken by Xen and never completed: may be mapped. */
		xa_for_each(&xfo.inflight, frame, page)
			lost++;
		if (lost)
			pr_warn("%llu pages Xen took never came back; leaked\n", lost);
		free_page((unsigned long)xfo.table);
		free_page((unsigned long)xfo.pool);
		free_page((unsigned long)xfo.comp);
	}
	xa_destroy(&xfo.inflight);
	/* Orphans stay allocated: they may still be mapped. */
	list_for_each_entry_safe(page, tmp, &xfo.orphans, lru)
		list_del_init(&page->lru);
	mutex_unlock(&xfo.lock);

	pr_info("unloaded: %lld pages allocated, %lld freed, %lld offloaded, %lld faults\n",
		atomic64_read(&xfo.pages_allocated), atomic64_read(&xfo.pages_freed),
		atomic64_read(&xfo.pages_offloaded), atomic64_read(&xfo.faults));
	kfree(xfo.xs_dir);
	xfo.xs_dir = NULL;
}
