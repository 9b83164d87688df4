/* SPDX-License-Identifier: MIT */
/*
 * xfo: the #PF path.  xfo_do_page_fault() runs the domain's program on a
 * guest #PF that Xen would inject and counts its verdict.
 * xfo-step: resolve
 * For ZERO_FILL and FAULT_AROUND the resolver (resolve.c) may then resolve
 * the fault, which is then not injected.
 * xfo-step: end
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/xfo.h>

#include <asm/xfo.h>

#include <public/xfo.h>

#include "private.h"

/* d->xfo_prog's readers (domain.c). */
static DEFINE_RCU_READ_LOCK(xfo_rcu_lock);

/*
 * The eBPF stack of the program running on this CPU.  A program runs
 * inside do_page_fault() for a guest-mode fault, which does not nest into
 * another guest-mode fault on the same CPU, so one frame per CPU suffices
 * and Xen's own stack is spared.
 */
struct xfo_stack {
    uint64_t w[XFO_STACK_SIZE / sizeof(uint64_t)];
};
static DEFINE_PER_CPU(struct xfo_stack, xfo_stack);

/* What the helpers of one run need. */
struct xfo_run {
    struct xfo_domain *xd;
    const struct xfo_vm *vm;          /* its stack holds buffer arguments */
};

/* Negative errno as the 64-bit value a helper returns in r0. */
static uint64_t xfo_ret(int err)
{
    return (uint64_t)(int64_t)err;
}

/*
 * trace: one record into the domain's buffer, whole or not at all
 * (-ENOSPC, counted), in core's format (xfo_trace_append()).
 */
static uint64_t xfo_helper_trace(const struct xfo_run *run,
                                 const uint64_t a[5])
{
    struct xfo_domain *xd = run->xd;
    uint32_t size = a[1];
    int rc;

    spin_lock(&xd->trace_lock);
    rc = xfo_trace_append(xd->trace, XFO_TRACE_BUF_SIZE, &xd->trace_len,
                          xfo_vm_stack_buf(run->vm, a[0], size), size);
    if ( rc == -ENOSPC )
        xd->trace_dropped++;
    spin_unlock(&xd->trace_lock);

    return xfo_ret(rc);
}

static uint64_t cf_check xfo_call_helper(void *opaque, uint32_t id,
                                         const uint64_t args[5], int *err)
{
    const struct xfo_run *run = opaque;

    /* The interpreter runs the map helpers itself (vm.maps). */
    switch ( id )
    {
    case XFO_HELPER_TIME_NS:
        return NOW();

    case XFO_HELPER_TRACE:
        return xfo_helper_trace(run, args);

    default:
        *err = -ENOENT;
        return 0;
    }
}

/*
 * Runs the domain's program on a guest #PF that Xen would inject, counts
 * what it said, and returns whether the fault was resolved.
 */
bool xfo_do_page_fault(unsigned long addr, struct cpu_user_regs *regs)
{
    struct vcpu *curr = current;
    struct domain *currd = curr->domain;
    const struct xfo_program *prog;
    struct xfo_fault_ctx ctx = {
        .addr = addr,
        .ip = xfo_arch_fault_ip(regs),
        .error_code = regs->error_code,
        .vcpu = curr->vcpu_id,
        .domid = currd->domain_id,
        .mode = xfo_arch_fault_in_kernel(curr, regs) ? XFO_MODE_KERNEL
                                                     : XFO_MODE_USER,
        .region_id = XFO_REGION_NONE,
    };
    struct xfo_run run;
    struct xfo_vm vm = {
        .stack_size = XFO_STACK_SIZE,
        .call_helper = xfo_call_helper,
        .opaque = &run,
    };
    struct xfo_vm_result res;
    /* xfo-step: regions */
    struct xfo_fault_region fr = { .found = false };
    /* xfo-step: end */
    struct xfo_stats *st;
    uint64_t verdict = 0;
    unsigned int cls, reason = XFO_BOUNCE_PROG_ERROR;
    bool applies, resolved = false;
    s_time_t start;
    int err;

    rcu_read_lock(&xfo_rcu_lock);

    prog = rcu_dereference(currd->xfo_prog);
    if ( !prog )
        goto out;

    /*
     * d->xfo was published before the program (the smp_wmb() in
     * rcu_assign_pointer() pairs with this smp_rmb()) and is freed only
     * once the domain is dead.
     */
    smp_rmb();
    run.xd = currd->xfo;
    run.vm = &vm;
    ASSERT(curr->vcpu_id < run.xd->nr_vcpus);
    st = &run.xd->vcpu[curr->vcpu_id].s;

    st->faults_seen++;

    /* xfo-step: regions */
    xfo_fault_areas(curr, run.xd, addr, &ctx, &fr);

    /* xfo-step: end */
    vm.insns = prog->insns;
    vm.insn_cnt = prog->insn_cnt;
    vm.stack = (uint8_t *)this_cpu(xfo_stack).w;
    vm.maps = prog->maps;
    vm.map_cnt = prog->map_cnt;
    /* Forward jumps only: no verified program runs more than this. */
    vm.insn_limit = prog->insn_cnt;

    start = NOW();
    err = xfo_vm_run(&vm, (unsigned long)&ctx, 0, &verdict, &res);
    st->prog_ns += NOW() - start;
    st->prog_runs++;
    st->prog_insns += res.insns;

    /* The one rule for a verdict, shared with xfoctl (core/verdict.c). */
    applies = !err && xfo_verdict_applies(&ctx, verdict, &reason);
    if ( reason == XFO_BOUNCE_PROG_ERROR )
    {
        st->prog_errors++;
        st->bounced[XFO_BOUNCE_PROG_ERROR]++;
        goto out;
    }

    cls = XFO_VERDICT_CLASS(verdict);
    st->verdicts[cls]++;

    if ( !applies )
    {
        st->bounced[reason]++;
        goto out;
    }
    /* xfo-step: resolve */

    resolved = xfo_resolve(curr, run.xd, &ctx, &fr, cls,
                           XFO_VERDICT_ARG(verdict), st);
    /* xfo-step: end */

 out:
    rcu_read_unlock(&xfo_rcu_lock);

    return resolved;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
