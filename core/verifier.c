/* SPDX-License-Identifier: MIT */
/*
 * The verifier for the hypervisor profile: decides whether an offload
 * program is safe to run inside Xen on every page fault.
 *
 * Two passes, both linear in the program size:
 *
 *  1. verifier_check_structure(): every instruction on its own. Known
 *     opcode, reserved fields zero, registers r0-r10, LDDW complete,
 *     jumps inside the program, never into the second slot of an LDDW and
 *     never backwards. With forward jumps only, every instruction runs at most
 *     once, so a program of n instructions stops after n steps.
 *
 *  2. check_flow(): abstract interpretation in instruction order. Since
 *     every edge goes forward, all predecessors of an instruction are
 *     visited before it: a jump joins its state into the target's slot,
 *     and the target starts from the join of that slot and its
 *     fall-through. Each instruction is visited once; no path enumeration.
 *
 * The state tracks, per register, uninitialised / scalar (known constant
 * or not) / context pointer / stack pointer (both at a known offset) /
 * map handle, and per stack byte whether it was written. Pointers never
 * reach memory, helpers as scalars, comparisons or r0 at exit, so a
 * program cannot learn or forge a Xen address. The rules and their
 * messages are listed in docs/verifier.md. verifier_state.h lists the
 * files.
 */
#include "private.h"
#include "xfo_core.h"
#include "verifier_state.h"

/*
 * Pass 2: abstract interpretation in instruction order
 */

static void join_reg(struct reg_state *into, const struct reg_state *from)
{
    if ( into->type != from->type )
    {
        into->type = (into->type == REG_UNINIT || from->type == REG_UNINIT)
                     ? REG_UNINIT : REG_MIXED;
        into->known = false;
        into->val = 0;
        return;
    }

    switch ( into->type )
    {
    case REG_SCALAR:
        if ( !into->known || !from->known || into->val != from->val )
            mark_scalar(into, false, 0);
        break;
    case REG_CTX:
    case REG_STACK:
    case REG_MAP:
        if ( into->val != from->val )
        {
            into->type = REG_MIXED;
            into->val = 0;
        }
        break;
    }
}

static void join_state(struct vstate *into, const struct vstate *from)
{
    unsigned int i;

    if ( !into->live )
    {
        *into = *from;
        into->live = true;
        return;
    }
    for ( i = 0; i < EBPF_REG_NR; i++ )
        join_reg(&into->regs[i], &from->regs[i]);
    for ( i = 0; i < STACK_BITMAP_WORDS; i++ )
        into->stack_init[i] &= from->stack_init[i];
}

/* Deliver the current state to the jump target at pc. */
static void propagate(struct verifier *v, uint32_t target)
{
    struct vstate *slot = &v->slots[v->slot_of[target]];

    if ( slot->live )
        v->stats.merge_points++;
    join_state(slot, &v->cur);
}

static int check_flow(struct verifier *v, const uint8_t *tail)
{
    const struct xfo_bytecode *prog = v->prog;
    bool reachable = true;            /* cur holds a state for pc */
    char text[96];
    uint32_t pc;
    int rc;

    xfo_memset(&v->cur, 0, sizeof(v->cur));
    v->cur.regs[1].type = REG_CTX;
    v->cur.regs[EBPF_REG_FP].type = REG_STACK;
    v->cur.live = true;

    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        const struct ebpf_insn *insn = &prog->insns[pc];
        uint8_t cls = EBPF_CLASS(insn->code);
        uint16_t slot = v->slot_of[pc];

        if ( tail[pc] )
            continue;

        if ( slot != NO_SLOT && v->slots[slot].live )
        {
            if ( reachable )
                join_state(&v->slots[slot], &v->cur);
            v->cur = v->slots[slot];
            reachable = true;
        }
        if ( !reachable )
            return verifier_refuse(v, pc, "unreachable instruction");

        v->stats.insns_visited++;
        if ( v->log && v->log->level >= XFO_LOG_VERBOSE )
        {
            xfo_disasm_insn(prog, pc, text, sizeof(text));
            xfo_log_printf(v->log, "%u: %s\n", pc, text);
        }

        switch ( cls )
        {
        case EBPF_CLS_ALU:
        case EBPF_CLS_ALU64:
            rc = verifier_do_alu(v, pc, insn);
            break;

        case EBPF_CLS_LD:
            rc = verifier_do_lddw(v, pc, insn);
            break;

        case EBPF_CLS_LDX:
            rc = verifier_do_load(v, pc, insn);
            break;

        case EBPF_CLS_ST:
            rc = verifier_do_store(v, pc, insn);
            break;

        case EBPF_CLS_STX:
            rc = EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC
                 ? verifier_do_atomic(v, pc, insn)
                 : verifier_do_store(v, pc, insn);
            break;

        default: /* JMP, JMP32 */
            switch ( EBPF_OP(insn->code) )
            {
            case EBPF_JMP_CALL:
                rc = verifier_do_call(v, pc, insn);
                break;
            case EBPF_JMP_EXIT:
                rc = verifier_do_exit(v, pc);
                reachable = false;
                break;
            case EBPF_JMP_JA:
                propagate(v, pc + 1 + (cls == EBPF_CLS_JMP32 ? insn->imm
                                                              : insn->off));
                reachable = false;
                rc = 0;
                break;
            default:
                rc = verifier_do_cond_jmp(v, pc, insn);
                if ( !rc )
                    propagate(v, pc + 1 + insn->off);
                break;
            }
            break;
        }

        if ( rc )
        {
            verifier_log_state(v, &v->cur);
            return rc;
        }
    }

    if ( reachable )
        return verifier_refuse(v, prog->insn_cnt - 1, "falls off the end of the program; the last instruction must be exit or a jump");
    return 0;
}

/*
 * Entry points
 */

#define WS_ALIGN 16
#define WS_ROUND(x) (((x) + WS_ALIGN - 1) & ~(size_t)(WS_ALIGN - 1))

size_t xfo_verifier_workspace_size(uint32_t insn_cnt)
{
    if ( insn_cnt > XFO_MAX_INSNS )
        insn_cnt = XFO_MAX_INSNS;
    /* slot_of, LDDW tail flags, then one slot per possible jump target. */
    return WS_ROUND(insn_cnt * sizeof(uint16_t)) + WS_ROUND(insn_cnt) +
           (size_t)insn_cnt * sizeof(struct vstate) + WS_ALIGN;
}

static int check_maps(struct verifier *v)
{
    const struct xfo_bytecode *prog = v->prog;
    uint32_t i;

    if ( prog->map_cnt > XFO_MAX_MAPS )
    {
        xfo_log_printf(v->log, "program has %u maps, at most %u are allowed\n",
                       prog->map_cnt, XFO_MAX_MAPS);
        return -E2BIG;
    }
    for ( i = 0; i < prog->map_cnt; i++ )
    {
        const struct xfo_map_def *m = &prog->maps[i];

        if ( m->type != XFO_MAP_ARRAY || m->key_size != 4 ||
             !m->value_size || m->value_size > XFO_MAP_MAX_VALUE ||
             m->value_size % 8 || !m->max_entries ||
             m->max_entries > XFO_MAP_MAX_ENTRIES )
        {
            xfo_log_printf(v->log, "map %u: type %u, key %u, value %u, entries %u: xfo maps are arrays with 4-byte keys, values of 8..%u bytes in steps of 8 and 1..%u entries\n",
                           i, m->type, m->key_size, m->value_size,
                           m->max_entries, XFO_MAP_MAX_VALUE,
                           XFO_MAP_MAX_ENTRIES);
            return -EINVAL;
        }
    }
    return 0;
}

int xfo_verify(const struct xfo_bytecode *prog, void *workspace,
               size_t workspace_size, struct xfo_log *log,
               struct xfo_verifier_stats *stats)
{
    struct verifier v = { .prog = prog, .log = log };
    uint8_t *base, *tail;
    uint32_t pc;
    int rc;

    if ( !prog->insn_cnt || !prog->insns )
    {
        xfo_log_printf(log, "program is empty\n");
        return -EINVAL;
    }
    if ( prog->insn_cnt > XFO_MAX_INSNS )
    {
        xfo_log_printf(log, "program has %u instructions, at most %u are allowed\n",
                       prog->insn_cnt, XFO_MAX_INSNS);
        return -E2BIG;
    }
    if ( (rc = check_maps(&v)) )
        return rc;
    if ( !workspace ||
         workspace_size < xfo_verifier_workspace_size(prog->insn_cnt) )
    {
        xfo_log_printf(log, "verifier workspace of %lu bytes is too small, %lu needed\n",
                       (unsigned long)workspace_size,
                       (unsigned long)xfo_verifier_workspace_size(
                           prog->insn_cnt));
        return -ENOSPC;
    }

    base = (uint8_t *)WS_ROUND((uintptr_t)workspace);
    v.slot_of = (uint16_t *)base;
    tail = base + WS_ROUND(prog->insn_cnt * sizeof(uint16_t));
    v.slots = (struct vstate *)(tail + WS_ROUND(prog->insn_cnt));

    rc = verifier_check_structure(&v, tail);
    if ( rc )
        goto out;

    /* A merge slot for every jump target, in order of first mention. */
    for ( pc = 0; pc < prog->insn_cnt; pc++ )
        v.slot_of[pc] = NO_SLOT;
    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        const struct ebpf_insn *insn = &prog->insns[pc];
        uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
        uint32_t target;

        if ( tail[pc] || (cls != EBPF_CLS_JMP && cls != EBPF_CLS_JMP32) ||
             op == EBPF_JMP_CALL || op == EBPF_JMP_EXIT )
            continue;
        target = pc + 1 + (cls == EBPF_CLS_JMP32 && op == EBPF_JMP_JA
                           ? insn->imm : insn->off);
        if ( v.slot_of[target] == NO_SLOT )
        {
            v.slot_of[target] = v.nr_slots;
            v.slots[v.nr_slots++].live = false;
        }
    }

    rc = check_flow(&v, tail);

 out:
    if ( !rc && log && log->level >= XFO_LOG_VERBOSE )
        xfo_log_printf(log, "accepted: %u insns visited, %u merge points, stack depth %u\n",
                       v.stats.insns_visited, v.stats.merge_points,
                       v.stats.stack_depth);
    if ( stats )
        *stats = v.stats;
    return rc;
}
