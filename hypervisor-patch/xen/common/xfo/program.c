/* SPDX-License-Identifier: MIT */
/*
 * xfo: programs, from XFOOP_load to XFOOP_unload.
 *
 * struct xfo_program is an immutable verified program and its maps, in
 * the table xfo_programs.  "users" counts the domains it is attached to;
 * XFOOP_unload refuses a program with users (-EBUSY), takes it off the
 * table and frees it through call_rcu(), because a vCPU may still be
 * running it: a fault that loaded d->xfo_prog just before a detach or a
 * hot swap (XFOOP_attach with XFO_ATTACH_REPLACE) finishes with the program
 * it loaded.  Xen's RCU grace periods end only once every CPU has passed
 * through a quiescent state (softirq processing), which never happens
 * inside do_page_fault().
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

#include <public/xfo.h>

#include "private.h"

/* Programs loaded at once, over all domains. */
#define XFO_MAX_PROGRAMS     64
/* Bytes of verifier log kept for a refused program. */
#define XFO_LOG_MAX          4096

DEFINE_SPINLOCK(xfo_lock);
static LIST_HEAD(xfo_programs);
static unsigned int xfo_nr_programs;
static unsigned int xfo_next_id = 1;

static void xfo_program_free(struct xfo_program *prog)
{
    unsigned int i;

    if ( !prog )
        return;
    for ( i = 0; i < prog->map_cnt; i++ )
        xfo_free(prog->maps[i].values, (size_t)prog->maps[i].max_entries *
                                       prog->maps[i].value_size);
    xfo_free(prog->insns, prog->insn_cnt * sizeof(*prog->insns));
    xfree(prog);
}

static void cf_check xfo_program_free_rcu(struct rcu_head *head)
{
    xfo_program_free(container_of(head, struct xfo_program, rcu));
}

struct xfo_program *xfo_program_find(unsigned int id)
{
    struct xfo_program *prog;

    ASSERT(spin_is_locked(&xfo_lock));
    list_for_each_entry ( prog, &xfo_programs, list )
        if ( prog->id == id )
            return prog;

    return NULL;
}

/* Takes a program no domain uses off the table and frees it. */
static int xfo_program_remove(unsigned int id)
{
    struct xfo_program *prog;
    int rc;

    spin_lock(&xfo_lock);
    prog = xfo_program_find(id);
    if ( !prog )
        rc = -ENOENT;
    else if ( prog->users )
        rc = -EBUSY;
    else
    {
        list_del(&prog->list);
        xfo_nr_programs--;
        /* A fault that began before the last detach may still run it. */
        call_rcu(&prog->rcu, xfo_program_free_rcu);
        rc = 0;
    }
    spin_unlock(&xfo_lock);

    if ( !rc )
        xfo_dprintk("unloaded program %u\n", id);

    return rc;
}

int xfo_load(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_load op;
    struct xfo_program *prog = NULL;
    struct xfo_map_def *defs = NULL;
    XEN_GUEST_HANDLE_PARAM(void) h;
    struct xfo_bytecode vprog;
    struct xfo_log log;
    char *logbuf = NULL;
    void *ws = NULL;
    size_t ws_size = 0;
    unsigned int i;
    int rc;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;

    if ( op.pad )
        return -EINVAL;
    if ( !op.insn_cnt )
        return -EINVAL;
    if ( op.insn_cnt > XFO_MAX_INSNS || op.map_cnt > XFO_MAX_MAPS )
        return -E2BIG;

    op.log_len = 0;
    op.prog_id = 0;

    rc = -ENOMEM;
    prog = xzalloc(struct xfo_program);
    if ( !prog )
        goto out;
    INIT_LIST_HEAD(&prog->list);

    memcpy(prog->name, op.name, sizeof(prog->name));
    prog->name[sizeof(prog->name) - 1] = '\0';

    prog->insns = xfo_zalloc(op.insn_cnt * sizeof(*prog->insns));
    if ( !prog->insns )
        goto out;
    prog->insn_cnt = op.insn_cnt;

    rc = -EFAULT;
    if ( !xfo_guest_ptr(op.insns, &h) ||
         copy_from_guest(prog->insns, h, op.insn_cnt) )
        goto out;

    if ( op.map_cnt )
    {
        rc = -ENOMEM;
        defs = xzalloc_array(struct xfo_map_def, op.map_cnt);
        if ( !defs )
            goto out;
        rc = -EFAULT;
        if ( !xfo_guest_ptr(op.maps, &h) ||
             copy_from_guest(defs, h, op.map_cnt) )
            goto out;
        for ( i = 0; i < op.map_cnt; i++ )
            defs[i].name[XFO_NAME_LEN - 1] = '\0';
    }

    /* Kept even when the caller gives no buffer: the console shows it. */
    rc = -ENOMEM;
    logbuf = xmalloc_bytes(XFO_LOG_MAX);
    if ( !logbuf )
        goto out;
    xfo_log_init(&log, logbuf, XFO_LOG_MAX, XFO_LOG_ERRORS);

    /*
     * The same verifier as in userspace, on Xen's copy of the program: the
     * map definitions (types and sizes) are checked by it too.
     */
    ws_size = xfo_verifier_workspace_size(op.insn_cnt);
    rc = -ENOMEM;
    ws = xfo_zalloc(ws_size);
    if ( !ws )
        goto out;

    vprog.insns = prog->insns;
    vprog.insn_cnt = prog->insn_cnt;
    vprog.maps = defs;
    vprog.map_cnt = op.map_cnt;

    rc = xfo_verify(&vprog, ws, ws_size, &log, NULL);
    if ( rc )
    {
        printk(XENLOG_G_INFO "xfo: program \"%s\" refused: %s%s",
               prog->name, logbuf, log.len ? "" : "(no reason given)\n");
        /* As much as fits, always NUL-terminated, like the core's log. */
        if ( op.log && op.log_size )
        {
            op.log_len = min_t(uint32_t, log.len + 1, op.log_size);
            logbuf[op.log_len - 1] = '\0';
            if ( !xfo_guest_ptr(op.log, &h) ||
                 copy_to_guest(h, logbuf, op.log_len) )
                op.log_len = 0;
        }
        goto out;
    }

    /* From here on only xfo_vm_run() reads the program. */
    xfo_vm_fuse(prog->insns, prog->insn_cnt);

    for ( i = 0; i < op.map_cnt; i++ )
    {
        struct xfo_vm_map *m = &prog->maps[i];

        m->value_size = defs[i].value_size;
        m->max_entries = defs[i].max_entries;
        m->values = xfo_zalloc((size_t)m->max_entries * m->value_size);
        rc = -ENOMEM;
        if ( !m->values )
            goto out;
        prog->map_cnt = i + 1;
    }

    spin_lock(&xfo_lock);
    rc = -ENOSPC;
    if ( xfo_nr_programs < XFO_MAX_PROGRAMS )
    {
        /* Ids are never 0 and, while a program lives, never reused. */
        while ( !xfo_next_id || xfo_program_find(xfo_next_id) )
            xfo_next_id++;
        prog->id = xfo_next_id++;
        list_add_tail(&prog->list, &xfo_programs);
        xfo_nr_programs++;
        op.prog_id = prog->id;
        rc = 0;
    }
    spin_unlock(&xfo_lock);
    if ( rc )
        goto out;

    printk(XENLOG_G_INFO "xfo: loaded program %u \"%s\": %u insns, %u maps\n",
           prog->id, prog->name, prog->insn_cnt, prog->map_cnt);
    prog = NULL;

 out:
    xfo_program_free(prog);
    xfree(defs);
    xfree(logbuf);
    if ( ws )
        xfo_free(ws, ws_size);

    /* Report log_len on refusal and prog_id on success. */
    if ( (rc == 0 || op.log_len) && __copy_to_guest(arg, &op, 1) && !rc )
    {
        /* A program nobody knows the id of could never be unloaded. */
        xfo_program_remove(op.prog_id);
        rc = -EFAULT;
    }

    return rc;
}

int xfo_unload(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_unload op;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.pad )
        return -EINVAL;

    return xfo_program_remove(op.prog_id);
}
/* xfo-step: prog-list */

/*
 * The loaded programs from op.first_id on, in id order, with the lowest
 * domain each is attached to: what a tool needs to find and unload a
 * program that no domain uses any more (one whose domain died, say).
 */
int xfo_prog_list(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xfo_op_prog_list op;
    struct xfo_prog_info *info, tmp;
    const struct xfo_program *prog;
    XEN_GUEST_HANDLE_PARAM(void) h;
    const struct domain *d;
    unsigned int n = 0, i, j;
    int rc = 0;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.flags || op.pad )
        return -EINVAL;
    /* progs is used only for max entries; a null handle otherwise. */
    set_xen_guest_handle(h, NULL);
    if ( op.max && !xfo_guest_ptr(op.progs, &h) )
        return -EFAULT;

    info = xzalloc_array(struct xfo_prog_info, XFO_MAX_PROGRAMS);
    if ( !info )
        return -ENOMEM;

    spin_lock(&xfo_lock);

    list_for_each_entry ( prog, &xfo_programs, list )
    {
        if ( prog->id < op.first_id || n == XFO_MAX_PROGRAMS )
            continue;
        info[n].prog_id = prog->id;
        info[n].insn_cnt = prog->insn_cnt;
        info[n].map_cnt = prog->map_cnt;
        info[n].users = prog->users;
        info[n].domid = XFO_DOMID_NONE;
        memcpy(info[n].name, prog->name, sizeof(info[n].name));
        info[n].name[XFO_NAME_LEN - 1] = '\0';
        n++;
    }

    /* Slots change under xfo_lock only: the domain list is enough. */
    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        prog = d->xfo_prog;
        for ( i = 0; prog && i < n; i++ )
            if ( info[i].prog_id == prog->id &&
                 d->domain_id < info[i].domid )
                info[i].domid = d->domain_id;
    }
    rcu_read_unlock(&domlist_read_lock);

    spin_unlock(&xfo_lock);

    /* At most XFO_MAX_PROGRAMS: an insertion sort by id. */
    for ( i = 1; i < n; i++ )
    {
        tmp = info[i];
        for ( j = i; j && info[j - 1].prog_id > tmp.prog_id; j-- )
            info[j] = info[j - 1];
        info[j] = tmp;
    }

    op.total = n;
    op.nr = min(n, op.max);
    if ( op.nr && copy_to_guest(h, info, op.nr) )
        rc = -EFAULT;
    else if ( __copy_to_guest(arg, &op, 1) )
        rc = -EFAULT;

    xfree(info);

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
