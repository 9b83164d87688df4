/* SPDX-License-Identifier: MIT */
/*
 * xfo: eBPF page-fault offload for PV guests (common/xfo/).
 *
 * What the rest of Xen sees of it:
 *  - xfo_domain_destroy(), when a domain dies;
 * xfo-step: fault
 *  - xfo_page_fault(), the hook in do_page_fault().
 * xfo-step: end
 */
#ifndef __XEN_XFO_H__
#define __XEN_XFO_H__

#include <xen/sched.h>

#ifdef CONFIG_XFO

void xfo_domain_destroy(struct domain *d);
/* xfo-step: fault */

struct cpu_user_regs;
bool xfo_do_page_fault(unsigned long addr, struct cpu_user_regs *regs);

/*
 * Called for a PV guest's #PF that Xen is about to inject into the guest.
 * Returns true when the fault has been resolved and must not be injected.
 * Without an attached program this is one read and one predictable branch.
 */
static always_inline bool xfo_page_fault(unsigned long addr,
                                         struct cpu_user_regs *regs)
{
    if ( likely(!current->domain->xfo_prog) )
        return false;

    return xfo_do_page_fault(addr, regs);
}
/* xfo-step: end */

#else /* !CONFIG_XFO */

static inline void xfo_domain_destroy(struct domain *d) {}
/* xfo-step: fault */

struct cpu_user_regs;
static always_inline bool xfo_page_fault(unsigned long addr,
                                         struct cpu_user_regs *regs)
{
    return false;
}
/* xfo-step: end */

#endif /* CONFIG_XFO */

#endif /* __XEN_XFO_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
