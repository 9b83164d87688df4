// SPDX-License-Identifier: GPL-2.0
/*
 * xfo_guest: the guest half of xfo, eBPF page-fault offload for Xen PV.
 *
 * /dev/xfo hands out offload regions: every mmap of it is a region whose
 * pages the module owns. Xen may resolve a first-touch fault in a region
 * itself, with a page from the pool the module keeps filled (xen.c);
 * every other fault comes here, to xfo_vm_fault(), which maps a zeroed
 * page like the anonymous fault path would. When the region goes, every
 * page it owns is freed: those .fault mapped and those Xen installed and
 * reported through the completion ring.
 *
 * Regions are module-owned, not anonymous memory: Xen cannot create
 * anonymous pages behind the kernel's back (rmap, LRU, RSS, memcg would
 * all be wrong), but a VM_PFNMAP mapping's pages are the driver's to
 * manage. docs/guest.md has the whole picture.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>
#include <asm/xen/page.h>

#include "xfo_int.h"

struct xfo_dev xfo;

/* What each open of /dev/xfo carries: the classes its next mmaps get. */
struct xfo_file {
	u32 classes;
};

void xfo_count_alloc(void)
{
	atomic64_inc(&xfo.pages_allocated);
}

void xfo_free_page(struct page *page)
{
	__free_page(page);
	atomic64_inc(&xfo.pages_freed);
}

struct xfo_kregion *xfo_region_by_id(u32 id)
{
	return xa_load(&xfo.regions, id);
}

static u32 xfo_prot_of(unsigned long vm_flags)
{
	u32 prot = 0;

	if (vm_flags & VM_READ)
		prot |= XFO_PROT_READ;
	if (vm_flags & VM_WRITE)
		prot |= XFO_PROT_WRITE;
	if (vm_flags & VM_EXEC)
		prot |= XFO_PROT_EXEC;
	return prot;
}

/* Frees every page r owns. Called with xfo.lock held, r unpublished. */
static void xfo_region_free_pages(struct xfo_kregion *r)
{
	struct page *page;
	unsigned long pfn;
	u64 n = 0;

	xa_for_each(&r->pages, pfn, page) {
		xa_erase(&r->pages, pfn);
		xfo_free_page(page);
		n++;
	}
	xa_destroy(&r->pages);
	atomic64_sub(n, &xfo.pages_mapped);
	atomic64_sub(n, &r->nr_pages);
}

/*
 * One notifier per address space with regions. munmap zaps the range and
 * frees its page tables before the region's close runs, and Xen, which
 * sees no VMAs, would resolve faults in the region until it is
 * unpublished: invalidate_range_start of the unmap, which runs before the
 * zap, unpublishes it. mremap's move sends the same event but leaves the
 * VMA in place (and is refused later): the region stays. At exit, release
 * comes first and unpublishes every region of the mm.
 */
static void xfo_unpublish_mm(struct mm_struct *mm, unsigned long start,
			     unsigned long end, bool unmapped_only)
{
	struct vm_area_struct *vma;
	struct xfo_kregion *r;
	unsigned long id;

	xa_for_each(&xfo.regions, id, r) {
		if (r->mm != mm || r->slot < 0 || r->end <= start || end <= r->start)
			continue;
		if (unmapped_only) {
			vma = vma_lookup(mm, r->start);
			if (vma && vma->vm_private_data == r)
				continue;
		}
		xfo_table_unpublish(r);
	}
}

static int xfo_mn_invalidate_range_start(struct mmu_notifier *mn,
					 const struct mmu_notifier_range *range)
{
	/* Our own zap_vma_ptes() (CLEAR) runs under xfo.lock: not here. */
	if (range->event != MMU_NOTIFY_UNMAP)
		return 0;
	if (mmu_notifier_range_blockable(range))
		mutex_lock(&xfo.lock);
	else if (!mutex_trylock(&xfo.lock))
		return -EAGAIN;
	xfo_unpublish_mm(range->mm, range->start, range->end, true);
	mutex_unlock(&xfo.lock);
	return 0;
}

static void xfo_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	mutex_lock(&xfo.lock);
	xfo_unpublish_mm(mm, 0, ULONG_MAX, false);
	mutex_unlock(&xfo.lock);
}

static struct mmu_notifier *xfo_mn_alloc(struct mm_struct *mm)
{
	struct mmu_notifier *mn = kzalloc(sizeof(*mn), GFP_KERNEL);

	return mn ?: ERR_PTR(-ENOMEM);
}

static void xfo_mn_free(struct mmu_notifier *mn)
{
	kfree(mn);
}

static const struct mmu_notifier_ops xfo_mn_ops = {
	.release		= xfo_mn_release,
	.invalidate_range_start	= xfo_mn_invalidate_range_start,
	.alloc_notifier		= xfo_mn_alloc,
	.free_notifier		= xfo_mn_free,
};

static void xfo_vm_open(struct vm_area_struct *vma)
{
	struct xfo_kregion *r = vma->vm_private_data;

	/* Only copy_vma() of a move gets here: fork does not copy the VMA
	 * (VM_DONTCOPY) and splits are refused.
	 */
	refcount_inc(&r->vmas);
}

/*
 * The last VMA of the region goes (munmap, exit, or the copy of a refused
 * mremap). The notifier unpublished the region before the core zapped the
 * range (here for the other cases). Xen's fence: once it returns no fault
 * can still install a page in the region or post a completion for it, so
 * after the drain every page Xen gave the region is the region's. Zap once
 * more for a page installed before the unpublish that the core's zap did
 * not see, then free every page the region owns.
 */
static void xfo_vm_close(struct vm_area_struct *vma)
{
	struct xfo_kregion *r = vma->vm_private_data;

	if (!refcount_dec_and_test(&r->vmas))
		return;

	mutex_lock(&xfo.lock);
	xfo_table_unpublish(r);
	mutex_unlock(&xfo.lock);
	xfo_sync_xen();
	mutex_lock(&xfo.lock);
	xfo_drain_completions();
	zap_vma_ptes(vma, vma->vm_start, vma->vm_end - vma->vm_start);
	xa_erase(&xfo.regions, r->id);
	xfo.nr_regions--;
	xfo_region_free_pages(r);
	mutex_unlock(&xfo.lock);
	mmu_notifier_put(r->mn);
	kfree(r);
}

/* A region is one VMA: partial munmap or mprotect would split it. */
static int xfo_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/* mremap moves the page tables but Xen knows the region by its range:
 * refused, the core moves everything back.
 */
static int xfo_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

/* mprotect of the whole region: Xen's view of prot follows. */
static int xfo_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			   unsigned long end, unsigned long newflags)
{
	struct xfo_kregion *r = vma->vm_private_data;

	mutex_lock(&xfo.lock);
	r->prot = xfo_prot_of(newflags);
	xfo_table_update(r);
	mutex_unlock(&xfo.lock);
	return 0;
}

/*
 * The fault Xen did not resolve: no program attached, the program said
 * BOUNCE, the pool was empty, dom0 never answered... Map a zeroed page the
 * region owns from now on.
 */
static vm_fault_t xfo_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct xfo_kregion *r = vma->vm_private_data;
	unsigned long addr = vmf->address & PAGE_MASK;
	struct page *page;
	unsigned long pfn;
	spinlock_t *ptl;
	vm_fault_t ret;
	pte_t *ptep;
	bool mapped = false;

	atomic64_inc(&r->faults);
	atomic64_inc(&xfo.faults);

	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
	xfo_count_alloc();
	pfn = page_to_pfn(page);
	if (xa_insert(&r->pages, pfn, page, GFP_KERNEL)) {
		xfo_free_page(page);
		return VM_FAULT_OOM;
	}

	/*
	 * vmf_insert_pfn() leaves a present PTE alone and still says NOPAGE
	 * (another thread, or Xen, was first): look whether ours went in.
	 */
	ret = vmf_insert_pfn(vma, addr, pfn);
	if (ret == VM_FAULT_NOPAGE && !follow_pte(vma->vm_mm, addr, &ptep, &ptl)) {
		mapped = pte_present(*ptep) && pte_pfn(*ptep) == pfn;
		pte_unmap_unlock(ptep, ptl);
	}
	if (!mapped) {
		xa_erase(&r->pages, pfn);
		xfo_free_page(page);
		return ret;
	}
	atomic64_inc(&r->nr_pages);
	atomic64_inc(&xfo.pages_mapped);
	atomic64_inc(&xfo.faults_mapped);
	xfo_pool_kick();
	return ret;
}

static const struct vm_operations_struct xfo_vm_ops = {
	.open		= xfo_vm_open,
	.close		= xfo_vm_close,
	.may_split	= xfo_vm_may_split,
	.mremap		= xfo_vm_mremap,
	.mprotect	= xfo_vm_mprotect,
	.fault		= xfo_vm_fault,
};

static int xfo_pte_noop(pte_t *pte, unsigned long addr, void *data)
{
	return 0;
}

static int xfo_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xfo_file *f = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	struct xfo_kregion *r;
	int err;

	if (vma->vm_pgoff)
		return -EINVAL;
	/* A private writable PFN mapping would be copy-on-write. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	refcount_set(&r->vmas, 1);
	xa_init(&r->pages);
	r->slot = -1;
	r->pid = task_tgid_nr(current);
	r->mm = vma->vm_mm;
	r->start = vma->vm_start;
	r->end = vma->vm_end;
	r->prot = xfo_prot_of(vma->vm_flags);
	r->classes = f->classes;
	/* The kernel L4 of this mm: what Xen has in the vCPU's guest_table
	 * while it runs (the user L4 shares the user half's L3s below).
	 */
	r->pt_root = virt_to_mfn(vma->vm_mm->pgd);

	/* Page tables down to L1 for the whole range, so Xen finds an L1 to
	 * install into at the first touch.
	 */
	err = apply_to_page_range(vma->vm_mm, vma->vm_start, len,
				  xfo_pte_noop, NULL);
	if (err)
		goto out_free;

	/* mmap_lock is held for writing. */
	r->mn = mmu_notifier_get_locked(&xfo_mn_ops, vma->vm_mm);
	if (IS_ERR(r->mn)) {
		err = PTR_ERR(r->mn);
		goto out_free;
	}

	vma->vm_flags |= VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
	vma->vm_ops = &xfo_vm_ops;
	vma->vm_private_data = r;

	mutex_lock(&xfo.lock);
	err = xa_alloc_cyclic(&xfo.regions, &r->id, r,
			      XA_LIMIT(XFO_ID_MIN, XFO_ID_MAX), &xfo.next_id,
			      GFP_KERNEL);
	if (err < 0) {
		mutex_unlock(&xfo.lock);
		vma->vm_ops = NULL;
		vma->vm_private_data = NULL;
		err = err == -EBUSY ? -ENOSPC : err;
		mmu_notifier_put(r->mn);
		goto out_free;
	}
	xfo.nr_regions++;
	atomic64_inc(&xfo.regions_created);
	/* A full table leaves the region working, without offload. */
	xfo_table_publish(r);
	mutex_unlock(&xfo.lock);
	return 0;

out_free:
	kfree(r);
	return err;
}

static int xfo_open(struct inode *inode, struct file *file)
{
	struct xfo_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->classes = XFO_DEFAULT_CLASSES;
	file->private_data = f;
	return 0;
}

static int xfo_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static long xfo_ioc_stats(void __user *arg)
{
	struct xfo_guest_stats s;
	u32 level;

	memset(&s, 0, sizeof(s));
	mutex_lock(&xfo.lock);
	xfo_drain_completions();
	level = xfo_pool_level();
	s.abi = XFO_GUEST_ABI;
	s.version = XFO_INTERFACE_VERSION;
	s.state = xfo.state;
	s.backend_state = xfo.backend_state;
	s.flags = xfo.flags;
	s.evtchn = xfo.evtchn;
	s.domid = xfo.domid;
	s.nr_regions = xfo.nr_regions;
	s.nr_published = xfo.nr_published;
	s.table_seq = READ_ONCE(xfo.table->seq);
	s.pool_level = level;
	s.pool_size = XFO_RING_SIZE;
	s.pool_watermark = xfo.pool_watermark;
	s.pool_target = xfo.pool_target;
	s.region_table_frame = xfo.table_frame;
	s.pool_ring_frame = xfo.pool_frame;
	s.completion_ring_frame = xfo.comp_frame;
	s.pages_allocated = atomic64_read(&xfo.pages_allocated);
	s.pages_freed = atomic64_read(&xfo.pages_freed);
	s.pages_pool = level;
	s.pages_taken = xfo.nr_inflight - level;
	s.pages_mapped = atomic64_read(&xfo.pages_mapped);
	s.pages_orphaned = atomic64_read(&xfo.pages_orphaned);
	s.pages_offloaded = atomic64_read(&xfo.pages_offloaded);
	s.pages_returned = atomic64_read(&xfo.pages_returned);
	s.faults = atomic64_read(&xfo.faults);
	s.faults_mapped = atomic64_read(&xfo.faults_mapped);
	s.completion_errors = atomic64_read(&xfo.completion_errors);
	s.refills = atomic64_read(&xfo.refills);
	s.notifications = atomic64_read(&xfo.notifications);
	s.regions_created = atomic64_read(&xfo.regions_created);
	s.last_unmap_rc = xfo.last_unmap_rc;
	strscpy(s.backend_error, xfo.backend_error, sizeof(s.backend_error));
	mutex_unlock(&xfo.lock);

	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long xfo_ioc_regions(void __user *arg)
{
	struct xfo_guest_regions req;
	struct xfo_guest_region_info *info;
	struct xfo_kregion *r;
	unsigned long id;
	u32 n = 0, max;
	long ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	max = min_t(u32, req.max, XFO_ID_MAX);
	info = kvcalloc(max ?: 1, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;

	mutex_lock(&xfo.lock);
	xfo_drain_completions();
	xa_for_each(&xfo.regions, id, r) {
		if (n < max) {
			struct xfo_guest_region_info *i = &info[n];

			i->id = r->id;
			i->pid = r->pid;
			i->start = r->start;
			i->end = r->end;
			i->pt_root = r->pt_root;
			i->prot = r->prot;
			i->classes = r->classes;
			i->published = r->slot >= 0;
			i->pages = atomic64_read(&r->nr_pages);
			i->faults = atomic64_read(&r->faults);
			i->offloaded = atomic64_read(&r->offloaded);
		}
		n++;
	}
	mutex_unlock(&xfo.lock);

	req.nr = n;
	if (copy_to_user(u64_to_user_ptr(req.buf), info,
			 (size_t)min(n, max) * sizeof(*info)) ||
	    copy_to_user(arg, &req, sizeof(req)))
		ret = -EFAULT;
	kvfree(info);
	return ret;
}

/* The region of the calling process at addr, with mmap_lock held. */
static struct xfo_kregion *xfo_region_at(struct mm_struct *mm, u64 addr,
					 struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	if (!vma || vma->vm_ops != &xfo_vm_ops)
		return NULL;
	*vmap = vma;
	return vma->vm_private_data;
}

static long xfo_ioc_classes(struct xfo_file *f, void __user *arg)
{
	struct xfo_guest_classes req;
	struct vm_area_struct *vma;
	struct xfo_kregion *r;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad || (req.classes & ~XFO_ALL_CLASSES))
		return -EINVAL;
	if (!req.addr) {
		f->classes = req.classes;
		return 0;
	}

	mmap_read_lock(current->mm);
	r = xfo_region_at(current->mm, req.addr, &vma);
	if (r) {
		mutex_lock(&xfo.lock);
		r->classes = req.classes;
		xfo_table_update(r);
		mutex_unlock(&xfo.lock);
	}
	mmap_read_unlock(current->mm);
	return r ? 0 : -ENOENT;
}

static long xfo_ioc_discard(void __user *arg)
{
	struct xfo_guest_discard req;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct xfo_kregion *r;
	struct page *page, *tmp;
	unsigned long a, end;
	LIST_HEAD(victims);
	spinlock_t *ptl;
	pte_t *ptep;
	u64 n = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!req.len || !PAGE_ALIGNED(req.addr) || !PAGE_ALIGNED(req.len) ||
	    req.addr + req.len < req.addr)
		return -EINVAL;

	/* Write-locked: no .fault runs in the range while it is walked. */
	mmap_write_lock(mm);
	r = xfo_region_at(mm, req.addr, &vma);
	if (!r || req.addr + req.len > vma->vm_end) {
		mmap_write_unlock(mm);
		return -EINVAL;
	}
	end = req.addr + req.len;

	/* Pages Xen installed here are the region's once their completions
	 * are in; a page installed after this is freed with the region.
	 */
	mutex_lock(&xfo.lock);
	xfo_drain_completions();
	mutex_unlock(&xfo.lock);

	for (a = req.addr; a < end; a += PAGE_SIZE) {
		unsigned long pfn;

		if (follow_pte(mm, a, &ptep, &ptl))
			continue;
		pfn = pte_present(*ptep) ? pte_pfn(*ptep) : 0;
		pte_unmap_unlock(ptep, ptl);
		page = pfn ? xa_erase(&r->pages, pfn) : NULL;
		if (page) {
			list_add(&page->lru, &victims);
			n++;
		}
	}
	zap_vma_ptes(vma, req.addr, req.len);
	/* r may go as soon as the lock is dropped. */
	atomic64_sub(n, &r->nr_pages);
	atomic64_sub(n, &xfo.pages_mapped);
	mmap_write_unlock(mm);

	/* Unmapped and flushed: nobody reaches them any more. */
	list_for_each_entry_safe(page, tmp, &victims, lru) {
		list_del(&page->lru);
		xfo_free_page(page);
	}

	req.freed = n;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long xfo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case XFO_GUEST_IOC_STATS:
		return xfo_ioc_stats(uarg);
	case XFO_GUEST_IOC_REGIONS:
		return xfo_ioc_regions(uarg);
	case XFO_GUEST_IOC_CLASSES:
		return xfo_ioc_classes(file->private_data, uarg);
	case XFO_GUEST_IOC_DISCARD:
		return xfo_ioc_discard(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations xfo_fops = {
	.owner		= THIS_MODULE,
	.open		= xfo_open,
	.release	= xfo_release,
	.mmap		= xfo_mmap,
	.unlocked_ioctl	= xfo_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice xfo_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xfo",
	.fops	= &xfo_fops,
	.mode	= 0600,
};

static int __init xfo_init(void)
{
	int err;

	if (!xen_pv_domain()) {
		pr_info("not a Xen PV domain: nothing to offload\n");
		return -ENODEV;
	}

	mutex_init(&xfo.lock);
	xa_init_flags(&xfo.regions, XA_FLAGS_ALLOC);
	xfo.next_id = XFO_ID_MIN;

	err = xfo_xen_init();
	if (err)
		return err;

	err = misc_register(&xfo_misc);
	if (err) {
		xfo_xen_exit();
		return err;
	}
	/* The handshake last: the device works whether dom0 answers or not. */
	xfo_xen_start();
	return 0;
}

/* No region can be open here: each holds the file, the file the module. */
static void __exit xfo_exit(void)
{
	misc_deregister(&xfo_misc);
	xfo_xen_exit();
	xa_destroy(&xfo.regions);
	/* The notifiers' free_notifier calls are this module's code. */
	mmu_notifier_synchronize();
}

module_init(xfo_init);
module_exit(xfo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xfo guest agent: /dev/xfo offload regions, free-page pool and completion rings for Xen's page-fault resolver");
MODULE_AUTHOR("xfo");
