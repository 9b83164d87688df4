/* SPDX-License-Identifier: MIT */
/*
 * The rule for a program's verdict: whether Xen may act on it for this
 * fault, or which reason the fault bounces for. One copy, for Xen's hook
 * and for `xfoctl policy run`.
 */
#include "private.h"
#include "xfo_core.h"

/* The region's protection allows the access the error code describes. */
static bool xfo_prot_allows(uint32_t prot, uint32_t error_code)
{
    if ( !(prot & XFO_PROT_READ) )
        return false;
    if ( (error_code & XFO_PFEC_WRITE) && !(prot & XFO_PROT_WRITE) )
        return false;
    if ( (error_code & XFO_PFEC_INSN) && !(prot & XFO_PROT_EXEC) )
        return false;

    return true;
}

bool xfo_verdict_applies(const struct xfo_fault_ctx *ctx, uint64_t verdict,
                         unsigned int *reason)
{
    uint32_t cls = XFO_VERDICT_CLASS(verdict);

    if ( !XFO_VERDICT_VALID(verdict) )
        *reason = XFO_BOUNCE_PROG_ERROR;
    else if ( cls == XFO_CLASS_BOUNCE )
        *reason = XFO_BOUNCE_VERDICT;
    else if ( ctx->region_id == XFO_REGION_NONE )
        *reason = XFO_BOUNCE_NOT_IN_REGION;
    else if ( !(ctx->region_classes & XFO_CLASS_BIT(cls)) )
        *reason = XFO_BOUNCE_CLASS_DENIED;
    else if ( !xfo_prot_allows(ctx->region_prot, ctx->error_code) )
        *reason = XFO_BOUNCE_PROT_DENIED;
    else if ( ctx->error_code & (XFO_PFEC_PRESENT | XFO_PFEC_RSVD) )
        *reason = XFO_BOUNCE_PRESENT;
    else if ( ctx->mode != XFO_MODE_USER )
        *reason = XFO_BOUNCE_KERNEL_MODE;
    else
    {
        *reason = XFO_BOUNCE_NR;
        return true;
    }

    return false;
}

