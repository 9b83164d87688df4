/* SPDX-License-Identifier: MIT */
/*
 * xfo: a domain's counters and trace records, for the control domain.
 *
 * Per-vCPU counters are written only by their own vCPU in the #PF path,
 * without atomics; XFOOP_stats sums them and may see values a few faults
 * old.  XFOOP_stats_reset records the sums as a baseline that later reads
 * subtract, so it never writes into counters a vCPU is updating.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#include <public/xfo.h>

#include "private.h"

/* The domain's counters summed over its vCPUs. */
static void xfo_stats_sum(const struct xfo_domain *xd, struct xfo_stats *sum)
{
    uint64_t *out = (uint64_t *)sum;
    unsigned int v, i;

    BUILD_BUG_ON(sizeof(*sum) % sizeof(uint64_t));
    ASSERT(spin_is_locked(&xfo_lock));

    memset(sum, 0, sizeof(*sum));
    if ( !xd )
        return;

    for ( v = 0; v < xd->nr_vcpus; v++ )
    {
        const uint64_t *in = (const uint64_t *)&xd->vcpu[v].s;

        for ( i = 0; i < sizeof(*sum) / sizeof(uint64_t); i++ )
            out[i] += read_atomic(&in[i]);
    }
}

int xfo_stats(XEN_GUEST_HANDLE_PARAM(void) arg, bool reset)
{
    struct xfo_op_stats op;
    struct xfo_op_domain dop;
    const struct xfo_program *prog;
    const uint64_t *base;
    uint64_t *out;
    struct xfo_domain *xd;
    struct domain *d;
    unsigned int i;
    int rc;

    if ( reset )
    {
        if ( copy_from_guest(&dop, arg, 1) )
            return -EFAULT;
        if ( dop.pad[0] || dop.pad[1] || dop.pad[2] )
            return -EINVAL;
        op.domid = dop.domid;
    }
    else
    {
        if ( copy_from_guest(&op, arg, 1) )
            return -EFAULT;
        if ( op.pad )
            return -EINVAL;
    }

    d = xfo_get_domain(op.domid, &rc);
    if ( !d )
        return rc;

    spin_lock(&xfo_lock);

    xd = d->xfo;
    xfo_stats_sum(xd, &op.stats);
    if ( reset )
    {
        if ( xd )
            xd->base = op.stats;
    }
    else
    {
        if ( xd )
        {
            base = (const uint64_t *)&xd->base;
            out = (uint64_t *)&op.stats;
            for ( i = 0; i < sizeof(op.stats) / sizeof(uint64_t); i++ )
                out[i] -= base[i];
        }
        /* A state, not a counter: neither summed nor reset. */
        op.stats.flags = 0;
        memset(op.stats.reserved, 0, sizeof(op.stats.reserved));
        /* xfo-step: areas */
        if ( xd )
        {
            spin_lock(&xd->areas_lock);
            if ( xd->areas )
                op.stats.flags |= XFO_STATS_F_AREAS_MAPPED;
            spin_unlock(&xd->areas_lock);
        }
        /* xfo-step: end */

        prog = d->xfo_prog;
        op.prog_id = prog ? prog->id : 0;
        memset(op.prog_name, 0, sizeof(op.prog_name));
        if ( prog )
            memcpy(op.prog_name, prog->name, sizeof(op.prog_name));
    }

    spin_unlock(&xfo_lock);

    rcu_unlock_domain(d);

    if ( !reset && __copy_to_guest(arg, &op, 1) )
        return -EFAULT;

    return 0;
}

int xfo_trace_read(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_trace op;
    XEN_GUEST_HANDLE_PARAM(void) h;
    struct xfo_domain *xd;
    struct domain *d;
    unsigned int len = 0, avail, rec;
    uint32_t reclen;
    int rc = 0;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.pad )
        return -EINVAL;

    d = xfo_get_domain(op.domid, &rc);
    if ( !d )
        return rc;

    /*
     * xfo_lock makes this the only reader: records below trace_len stay
     * where they are while we copy them (the #PF path only appends), and
     * are consumed under trace_lock once they are out.
     */
    spin_lock(&xfo_lock);

    xd = d->xfo;
    op.dropped = 0;
    if ( xd )
    {
        spin_lock(&xd->trace_lock);
        avail = xd->trace_len;
        op.dropped = xd->trace_dropped;
        spin_unlock(&xd->trace_lock);

        /* Whole records only. */
        while ( len < avail )
        {
            memcpy(&reclen, xd->trace + len, sizeof(reclen));
            rec = sizeof(reclen) + ROUNDUP(reclen, 4);
            /* len <= op.size holds throughout. */
            if ( rec > op.size - len )
                break;
            len += rec;
        }

        if ( !len && avail && op.size )
            rc = -ENOBUFS;
        else if ( len &&
                  (!xfo_guest_ptr(op.buf, &h) ||
                   copy_to_guest(h, xd->trace, len)) )
            rc = -EFAULT;
        else if ( len )
        {
            spin_lock(&xd->trace_lock);
            memmove(xd->trace, xd->trace + len, xd->trace_len - len);
            xd->trace_len -= len;
            spin_unlock(&xd->trace_lock);
        }
    }

    spin_unlock(&xfo_lock);

    rcu_unlock_domain(d);

    if ( rc )
        return rc;

    op.len = len;

    return __copy_to_guest(arg, &op, 1) ? -EFAULT : 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
