/* SPDX-License-Identifier: MIT */
/*
 * xfo: per-domain state, and the program slot of a domain.
 *
 * d->xfo_prog is the attached program: written only under xfo_lock, read
 * by the #PF hook inside rcu_read_lock(&xfo_rcu_lock) (fault.c).  d->xfo,
 * struct xfo_domain, is what the #PF path keeps for the domain; it is
 * allocated when first needed and freed when the domain dies.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xfo.h>
#include <xen/xmalloc.h>
/* xfo-step: areas */
#include <xsm/xsm.h>
/* xfo-step: end */

#include <asm/xfo.h>

#include <public/xfo.h>

#include "private.h"

/* A domain named by a control op: real domain ids only. */
struct domain *xfo_get_domain(unsigned int domid, int *rc)
{
    struct domain *d;

    /* DOMID_SELF, DOMID_IDLE and the other special ids name no guest. */
    if ( domid >= DOMID_FIRST_RESERVED )
    {
        *rc = -EINVAL;
        return NULL;
    }

    d = rcu_lock_domain_by_id(domid);
    if ( !d )
        *rc = -ESRCH;

    return d;
}
/* xfo-step: areas */

/*
 * The domain of an op a guest may issue on itself: DOMID_SELF for the
 * caller's own, any other for the control domain only (the check
 * do_xfo_op() makes for the control ops).
 */
struct domain *xfo_get_target(unsigned int cmd, unsigned int domid, int *rc)
{
    if ( domid == DOMID_SELF )
        return rcu_lock_current_domain();

    *rc = xsm_xfo_op(XSM_PRIV, cmd);
    if ( *rc )
        return NULL;

    return xfo_get_domain(domid, rc);
}
/* xfo-step: end */

void xfo_domain_free(struct xfo_domain *xd)
{
    if ( !xd )
        return;
    xfo_free(xd->vcpu, xd->nr_vcpus * sizeof(*xd->vcpu));
    xfo_free(xd->trace, XFO_TRACE_BUF_SIZE);
    xfree(xd);
}

struct xfo_domain *xfo_domain_alloc(const struct domain *d)
{
    struct xfo_domain *xd = xzalloc(struct xfo_domain);

    if ( !xd )
        return NULL;

    spin_lock_init(&xd->trace_lock);
    /* xfo-step: areas */
    spin_lock_init(&xd->areas_lock);
    /* xfo-step: end */
    xd->nr_vcpus = d->max_vcpus;
    xd->vcpu = xfo_zalloc(xd->nr_vcpus * sizeof(*xd->vcpu));
    xd->trace = xfo_zalloc(XFO_TRACE_BUF_SIZE);
    if ( !xd->vcpu || !xd->trace )
    {
        xfo_domain_free(xd);
        return NULL;
    }

    return xd;
}

/*
 * Called from domain_kill(), once the domain is paused and marked dying,
 * and again from _domain_destroy() (which also covers a failed
 * domain_create()).  No vCPU of d runs, so no #PF path can be using
 * d->xfo; the program itself may still be running elsewhere and is freed
 * through RCU by XFOOP_unload.  The ops that attach to a domain or give it
 * state refuse dying domains under xfo_lock, so nothing is attached after
 * this.
 */
void xfo_domain_destroy(struct domain *d)
{
    struct xfo_domain *xd;
    struct xfo_program *prog;
    unsigned int id = 0;

    spin_lock(&xfo_lock);
    prog = d->xfo_prog;
    if ( prog )
    {
        d->xfo_prog = NULL;
        prog->users--;
        id = prog->id;
    }
    xd = d->xfo;
    d->xfo = NULL;
    spin_unlock(&xfo_lock);

    if ( id )
        printk(XENLOG_G_INFO "xfo: %pd: program %u detached, domain dying\n",
               d, id);
    /* xfo-step: areas */
    /*
     * The references of the areas go before domain_relinquish_resources()
     * frees the domain's pages.
     */
    if ( xd && xd->areas )
    {
        printk(XENLOG_G_INFO "xfo: %pd: guest areas unmapped, domain dying\n",
               d);
        xfo_areas_free(xd->areas);
    }
    /* xfo-step: end */
    xfo_domain_free(xd);
}

/* xfo-step: attach */
int xfo_attach(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_attach op;
    struct xfo_domain *xd = NULL;
    struct xfo_program *prog, *old = NULL;
    struct domain *d;
    int rc;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.pad || (op.flags & ~XFO_ATTACH_REPLACE) )
        return -EINVAL;

    d = xfo_get_domain(op.domid, &rc);
    if ( !d )
        return rc;

    /* The hook sits in the PV #PF path only. */
    rc = -EOPNOTSUPP;
    if ( !xfo_arch_can_attach(d) )
        goto out;

    /* Allocate outside the lock; dropped below if another attach won. */
    if ( !ACCESS_ONCE(d->xfo) )
    {
        rc = -ENOMEM;
        xd = xfo_domain_alloc(d);
        if ( !xd )
            goto out;
    }

    spin_lock(&xfo_lock);

    rc = -ESRCH;
    if ( d->is_dying )
        goto unlock;

    rc = -ENOENT;
    prog = xfo_program_find(op.prog_id);
    if ( !prog )
        goto unlock;

    old = d->xfo_prog;
    rc = -EEXIST;
    if ( old && !(op.flags & XFO_ATTACH_REPLACE) )
        goto unlock;

    if ( !d->xfo )
    {
        d->xfo = xd;
        xd = NULL;
    }

    /*
     * One pointer write publishes the program (and, through the barrier
     * in rcu_assign_pointer(), d->xfo before it).  A fault that already
     * loaded the old pointer finishes with the old program.
     */
    prog->users++;
    rcu_assign_pointer(d->xfo_prog, prog);
    if ( old )
        old->users--;

    op.old_prog_id = old ? old->id : 0;
    rc = 0;

 unlock:
    spin_unlock(&xfo_lock);

    if ( !rc )
    {
        xfo_dprintk("%pd: attached program %u (replaced: %u)\n",
                    d, op.prog_id, op.old_prog_id);
        if ( __copy_to_guest(arg, &op, 1) )
            rc = -EFAULT;
    }

 out:
    xfo_domain_free(xd);
    rcu_unlock_domain(d);

    return rc;
}

int xfo_detach(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_domain op;
    struct xfo_program *prog;
    struct domain *d;
    unsigned int id = 0;
    int rc;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.pad[0] || op.pad[1] || op.pad[2] )
        return -EINVAL;

    d = xfo_get_domain(op.domid, &rc);
    if ( !d )
        return rc;

    spin_lock(&xfo_lock);
    prog = d->xfo_prog;
    if ( prog )
    {
        /* Faults already running it finish; the program stays loaded. */
        rcu_assign_pointer(d->xfo_prog, NULL);
        prog->users--;
        id = prog->id;
        rc = 0;
    }
    else
        rc = -ENOENT;
    spin_unlock(&xfo_lock);

    if ( !rc )
        xfo_dprintk("%pd: detached program %u\n", d, id);

    rcu_unlock_domain(d);

    return rc;
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
