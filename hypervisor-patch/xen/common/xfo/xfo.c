/* SPDX-License-Identifier: MIT */
/*
 * xfo: eBPF page-fault offload for PV guests, the xfo_op hypercall.
 * xfo-step: resolve
 *
 * The control domain loads small eBPF programs with XFOOP_load; Xen copies
 * them in and verifies them itself with the xfo core (core/, the same
 * sources as xfo's userspace verifier), so nothing unverified ever runs.
 * XFOOP_attach publishes a program in a PV domain's program slot; from then
 * on every #PF of that domain that Xen would bounce into the guest kernel
 * first runs the program (fault.c), which returns a verdict.  For ZERO_FILL
 * and FAULT_AROUND the resolver (resolve.c) then maps zeroed pages from the
 * guest's free-page pool (areas.c, ring.c) into the faulting address space
 * through Xen's own L1 update path (arch/x86/pv/xfo.c), posts completions
 * for the guest, and the fault returns to the guest without being injected.
 * xfo-step: end
 *
 * Every op is the control domain's (xsm_xfo_op(), XSM_PRIV).
 * xfo-step: areas
 * The exceptions are the ops a guest may issue on its own areas with
 * DOMID_SELF, which check their caller themselves (xfo_get_target()).
 * xfo-step: end
 * xfo-step: programs
 * The locks are described in private.h.
 * xfo-step: end
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xsm/xsm.h>

#include <asm/xfo.h>

#include <public/xfo.h>

#include "private.h"

/* A guest pointer inside an argument struct, as a handle. */
bool xfo_guest_ptr(xfo_guest_ptr_t ptr, XEN_GUEST_HANDLE_PARAM(void) *h)
{
    if ( !xfo_arch_guest_ptr_ok(current->domain, ptr) )
        return false;

    *h = guest_handle_from_ptr((void *)(unsigned long)ptr, void);

    return true;
}

static int xfo_version(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_version op = {
        .version = XFO_INTERFACE_VERSION,
        .caps = XFO_CAP_ZERO_FILL | XFO_CAP_FAULT_AROUND | XFO_CAP_MAPS |
                XFO_CAP_TRACE,
        .max_insns = XFO_MAX_INSNS,
        .max_maps = XFO_MAX_MAPS,
    };

    return copy_to_guest(arg, &op, 1) ? -EFAULT : 0;
}

long do_xfo_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    long rc;

    switch ( cmd )
    {
    case XFOOP_version:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_version(arg);
        break;

    /* xfo-step: programs */
    case XFOOP_load:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_load(arg);
        break;

    case XFOOP_unload:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_unload(arg);
        break;

    /* xfo-step: end */
    /* xfo-step: prog-list */
    case XFOOP_prog_list:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_prog_list(arg);
        break;

    /* xfo-step: end */
    /* xfo-step: attach */
    case XFOOP_attach:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_attach(arg);
        break;

    case XFOOP_detach:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_detach(arg);
        break;

    /* xfo-step: end */
    /* xfo-step: stats */
    case XFOOP_stats:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_stats(arg, false);
        break;

    case XFOOP_stats_reset:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_stats(arg, true);
        break;

    case XFOOP_trace_read:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_trace_read(arg);
        break;

    /* xfo-step: end */
    /* xfo-step: map */
    case XFOOP_map_guest_areas:
        rc = xsm_xfo_op(XSM_PRIV, cmd) ?: xfo_map_guest_areas(arg);
        break;

    /* xfo-step: end */
    /* xfo-step: areas */
    /* Also the guest's own op: it checks its caller. */
    case XFOOP_unmap_guest_areas:
        rc = xfo_unmap_guest_areas(arg);
        break;

    /* xfo-step: end */
    /* xfo-step: sync */
    /* Also the guest's own op: it checks its caller. */
    case XFOOP_sync_guest_areas:
        rc = xfo_sync_guest_areas(arg);
        break;

    /* xfo-step: end */
    default:
        rc = -EOPNOTSUPP;
        break;
    }

    return rc;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
