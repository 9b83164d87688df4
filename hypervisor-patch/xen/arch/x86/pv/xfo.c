/* SPDX-License-Identifier: MIT */
/*
 * xfo: eBPF page-fault offload for PV guests, the x86 PV part of it.
 *
 * common/xfo/ runs a domain's offload program on its page faults and,
 * when the program asks for it, resolves the fault itself with pages from
 * the guest's free-page pool.  What needs the PV page-table internals is
 * here: finding the L1 table of the faulting address, checking that a pool
 * frame may become user memory, and installing it through the same
 * validated path as the guest's own mmu_update (pv_l1e_install() in mm.c).
 *
 * Nothing here trusts the guest's page tables beyond what Xen's type
 * system guarantees: every table on the walk is referenced and checked to
 * be a validated table of the right level owned by the domain before an
 * entry of it is read, and the entry is read once.  The L1 table is
 * checked again under its page lock, where it is updated.
 */

#include <xen/domain_page.h>
#include <xen/mm.h>
#include <xen/sched.h>

#include <asm/paging.h>
#include <asm/xfo.h>

#include <public/xfo.h>

#include "mm.h"

/*
 * Entry idx of d's page table at mfn, if that is a validated table of the
 * given type; 0 (not present) otherwise.  The reference keeps the page d's
 * while it is read; the entry may be stale by the time it is used, which
 * the caller's checks of the next level cover.
 */
static intpte_t xfo_pt_entry(struct domain *d, mfn_t mfn, unsigned long type,
                             unsigned int idx)
{
    struct page_info *page = get_page_from_mfn(mfn, d);
    const intpte_t *table;
    intpte_t e = 0;

    if ( !page )
        return 0;

    if ( (page->u.inuse.type_info & (PGT_type_mask | PGT_validated)) ==
         (type | PGT_validated) )
    {
        table = map_domain_page(mfn);
        e = read_atomic(&table[idx]);
        unmap_domain_page(table);
    }
    put_page(page);

    return e;
}

/*
 * The walk starts at the table the fault came from: the user L4 (the
 * resolver acts on user-mode faults only).  Installing where the CPU
 * walks, rather than in the kernel L4's view, makes a guest whose two
 * halves disagree see its fault again (as PRESENT or NO_L1, bounced)
 * rather than loop.
 */
int xfo_arch_l1_get(struct vcpu *v, unsigned long addr, struct xfo_l1 *l1)
{
    struct domain *d = v->domain;
    l4_pgentry_t l4e;
    l3_pgentry_t l3e;
    l2_pgentry_t l2e;
    mfn_t mfn = pagetable_get_mfn(v->arch.guest_table_user);

    /* The guest's lower half: no Xen slot is ever walked. */
    if ( pagetable_is_null(v->arch.guest_table_user) ||
         addr >= XFO_ARCH_USER_END )
        return -ENOENT;

    l4e = l4e_from_intpte(xfo_pt_entry(d, mfn, PGT_l4_page_table,
                                       l4_table_offset(addr)));
    if ( !(l4e_get_flags(l4e) & _PAGE_PRESENT) )
        return -ENOENT;

    l3e = l3e_from_intpte(xfo_pt_entry(d, l4e_get_mfn(l4e), PGT_l3_page_table,
                                       l3_table_offset(addr)));
    if ( (l3e_get_flags(l3e) & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT )
        return -ENOENT;

    l2e = l2e_from_intpte(xfo_pt_entry(d, l3e_get_mfn(l3e), PGT_l2_page_table,
                                       l2_table_offset(addr)));
    if ( (l2e_get_flags(l2e) & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT )
        return -ENOENT;

    l1->mfn = l2e_get_mfn(l2e);
    l1->page = get_page_from_mfn(l1->mfn, d);
    if ( !l1->page )
        return -ENOENT;
    /* Its type is checked under the page lock, where it matters. */
    l1->map = map_domain_page(l1->mfn);
    l1->size = 1UL << L2_PAGETABLE_SHIFT;
    l1->base = addr & ~(l1->size - 1);

    return 0;
}

void xfo_arch_l1_put(struct xfo_l1 *l1)
{
    unmap_domain_page(l1->map);
    put_page(l1->page);
}

static l1_pgentry_t *xfo_l1e(const struct xfo_l1 *l1, unsigned long addr)
{
    ASSERT(addr - l1->base < l1->size);

    return (l1_pgentry_t *)l1->map + l1_table_offset(addr);
}

bool xfo_arch_l1_present(const struct xfo_l1 *l1, unsigned long addr)
{
    return l1e_get_flags(l1e_read_atomic(xfo_l1e(l1, addr))) & _PAGE_PRESENT;
}

/*
 * As do_mmu_update() and __do_update_va_mapping(): page_lock() fails for
 * a page that is not a validated page table in use, and the type must be
 * L1 while the lock is held.
 */
bool xfo_arch_l1_lock(struct xfo_l1 *l1)
{
    if ( !page_lock(l1->page) )
        return false;

    if ( (l1->page->u.inuse.type_info & PGT_type_mask) != PGT_l1_page_table )
    {
        page_unlock(l1->page);
        return false;
    }

    return true;
}

void xfo_arch_l1_unlock(struct xfo_l1 *l1)
{
    page_unlock(l1->page);
}

/*
 * The entry Linux makes with vmf_insert_pfn() in a shared mapping:
 * present, user, accessed, writable and dirty when the region is
 * writable, NX unless it is executable, write-back, and the guest's
 * software bit 0 (bit 9, Linux's _PAGE_SPECIAL), without which Linux would
 * take the page for one with a struct page it refcounts.  mod_l1_entry()
 * adds what a PV guest's user entries get (_PAGE_GLOBAL).
 */
int xfo_arch_l1_install(struct xfo_l1 *l1, unsigned long addr,
                        struct page_info *page, uint32_t prot)
{
    unsigned int flags = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED |
                         _PAGE_AVAIL0;

    ASSERT(l1->page->u.inuse.type_info & PGT_locked);

    if ( prot & XFO_PROT_WRITE )
        flags |= _PAGE_RW | _PAGE_DIRTY;
    if ( !(prot & XFO_PROT_EXEC) )
        flags |= _PAGE_NX;

    return pv_l1e_install(xfo_l1e(l1, addr), l1e_from_page(page, flags),
                          l1->mfn, current);
}

int xfo_arch_l1_remove(struct xfo_l1 *l1, unsigned long addr,
                       struct page_info *page)
{
    ASSERT(l1->page->u.inuse.type_info & PGT_locked);

    return pv_l1e_remove(xfo_l1e(l1, addr), page_to_mfn(page), l1->mfn,
                         current);
}

/*
 * A pool frame may become user memory of d's when it is an ordinary page
 * of d's that can take a writable type:
 *  - get_page() checks it is allocated and owned by d: not another
 *    domain's, not Xen's (dom_xen), not shared (dom_cow), not paged out
 *    or ballooned out (no owner), not being freed (count 0);
 *  - get_page_type(PGT_writable_page) fails for page tables of any level
 *    and descriptor table pages; held until the caller is done, it keeps
 *    the page from becoming one meanwhile (XSA-387: references are held
 *    across the whole operation, not taken and dropped around a check);
 *  - is_special_page(): not a Xen heap page shared with d (shared info,
 *    grant table frames) nor an extra page Xen allocated for it;
 *  - at most one writable mapping besides this reference.  Every page a
 *    PV Linux owns is mapped writable once, in its direct map, so a pool
 *    frame has one; a frame the resolver mapped already (the guest put it
 *    in the pool twice) or a page another domain maps through a grant has
 *    two or more and is refused.  This protects the guest from its own
 *    mistakes; Xen's safety does not depend on it, since a guest may map
 *    its own pages as often as it likes through mmu_update.
 */
struct page_info *xfo_arch_pool_get(struct domain *d, uint64_t frame)
{
    mfn_t mfn = _mfn(frame);
    struct page_info *page;

    if ( frame != mfn_x(mfn) || !mfn_valid(mfn) )
        return NULL;

    page = mfn_to_page(mfn);
    if ( !get_page_and_type(page, d, PGT_writable_page) )
        return NULL;

    if ( is_special_page(page) ||
         (page->u.inuse.type_info & PGT_count_mask) > 2 )
    {
        put_page_and_type(page);
        return NULL;
    }

    return page;
}

void xfo_arch_pool_put(struct page_info *page)
{
    put_page_and_type(page);
}

void xfo_arch_pool_clear(struct domain *d, struct page_info *page)
{
    clear_domain_page(page_to_mfn(page));
    paging_mark_dirty(d, page_to_mfn(page));
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
