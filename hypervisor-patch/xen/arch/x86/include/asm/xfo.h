/* SPDX-License-Identifier: MIT */
/*
 * xfo on x86: what common/xfo/ asks of the architecture.  Programs run on
 * PV guests' page faults.
 * xfo-step: pv
 * The resolver's part is in arch/x86/pv/xfo.c: it edits 64-bit PV page
 * tables only.
 * xfo-step: end
 */
#ifndef __ASM_X86_XFO_H__
#define __ASM_X86_XFO_H__

#include <xen/sched.h>
/* xfo-step: fault */

#include <asm/regs.h>
/* xfo-step: end */

/*
 * Whether ptr, from an argument struct of d's, can be an address of d's:
 * a 32-bit caller's pointers are 32-bit.
 */
static inline bool xfo_arch_guest_ptr_ok(const struct domain *d,
                                         uint64_t ptr)
{
    return !is_pv_32bit_domain(d) || !(ptr >> 32);
}
/* xfo-step: attach */

/* Whether d's faults can run a program: the hook is in the PV #PF path. */
static inline bool xfo_arch_can_attach(const struct domain *d)
{
    return is_pv_domain(d);
}
/* xfo-step: end */
/* xfo-step: fault */

static inline unsigned long xfo_arch_fault_ip(
    const struct cpu_user_regs *regs)
{
    return regs->rip;
}

static inline bool xfo_arch_fault_in_kernel(const struct vcpu *v,
                                            const struct cpu_user_regs *regs)
{
    return guest_kernel_mode(v, regs);
}
/* xfo-step: end */
/* xfo-step: map */

/* Whether the resolver can edit d's page tables: 64-bit PV only. */
static inline bool xfo_arch_can_resolve(const struct domain *d)
{
    return is_pv_domain(d) && !is_pv_32bit_domain(d);
}
/* xfo-step: end */
/* xfo-step: regions */

/*
 * A 64-bit PV guest owns the lower half of the address space; a region
 * may lie only there.
 */
#define XFO_ARCH_USER_END    (1UL << (VADDR_BITS - 1))

/*
 * The frame of v's top-level page table, as a region's pt_root names it:
 * the guest's kernel L4.  A 64-bit PV vCPU runs user code on
 * guest_table_user; Linux keeps the lower half of both (the only half a
 * region may be in) pointing at the same L3 tables, and names an address
 * space by its kernel L4 whatever mode the vCPU is in.
 */
static inline uint64_t xfo_arch_pt_root(const struct vcpu *v)
{
    return pagetable_get_pfn(v->arch.guest_table);
}
/* xfo-step: end */
/* xfo-step: pv */

/*
 * The L1 page table that maps an address of the faulting vCPU's user
 * address space, held (a general reference) and mapped while the resolver
 * uses it.  xfo_arch_l1_get() returns -ENOENT when there is none (an
 * upper level not present, a superpage, a table that is not the domain's).
 */
struct xfo_l1 {
    struct page_info *page;
    mfn_t mfn;
    void *map;
    unsigned long base;               /* first address it maps */
    unsigned long size;               /* bytes it maps */
};

int xfo_arch_l1_get(struct vcpu *v, unsigned long addr, struct xfo_l1 *l1);
void xfo_arch_l1_put(struct xfo_l1 *l1);
/* Whether the entry for addr is present; a hint unless l1 is locked. */
bool xfo_arch_l1_present(const struct xfo_l1 *l1, unsigned long addr);
/* The page lock every L1 update takes; false: no longer an L1 table. */
bool xfo_arch_l1_lock(struct xfo_l1 *l1);
void xfo_arch_l1_unlock(struct xfo_l1 *l1);
/*
 * With l1 locked: map page at addr for a region of protection prot
 * (XFO_PROT_*) through Xen's validated L1 update path, -EEXIST if an entry
 * is present; or take that mapping away again.
 */
int xfo_arch_l1_install(struct xfo_l1 *l1, unsigned long addr,
                        struct page_info *page, uint32_t prot);
int xfo_arch_l1_remove(struct xfo_l1 *l1, unsigned long addr,
                       struct page_info *page);

/*
 * A frame from the guest's pool, held with a general and a writable type
 * reference if it may become a page of the guest's user memory; NULL
 * otherwise.  Released with xfo_arch_pool_put().
 */
struct page_info *xfo_arch_pool_get(struct domain *d, uint64_t frame);
void xfo_arch_pool_put(struct page_info *page);
/* Zeroes a held pool page (and marks it dirty for log-dirty mode). */
void xfo_arch_pool_clear(struct domain *d, struct page_info *page);
/* xfo-step: end */

#endif /* __ASM_X86_XFO_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
