/* SPDX-License-Identifier: MIT */
/*
 * Pass 2 of the verifier, for what touches memory: reads and writes of
 * registers, the stack, the context, loads, stores, atomics, LDDW, and the
 * arguments of helper calls.
 */
#include "private.h"
#include "xfo_core.h"
#include "verifier_state.h"

/* Reads of a register: it must hold something. */
int verifier_check_read(struct verifier *v, uint32_t pc, unsigned int regno)
{
    const struct reg_state *r = &v->cur.regs[regno];

    if ( r->type == REG_UNINIT )
        return verifier_refuse(v, pc, "R%u is not initialised", regno);
    if ( r->type == REG_MIXED )
        return verifier_refuse(v, pc, "R%u holds different types or pointer offsets on different paths",
                               regno);
    return 0;
}

int verifier_check_write(struct verifier *v, uint32_t pc, unsigned int regno)
{
    if ( regno == EBPF_REG_FP )
        return verifier_refuse(v, pc, "R10 is the frame pointer and read-only");
    return 0;
}

/* Stack byte i covers fp-512+i. */
static bool stack_range_init(const struct vstate *st, int64_t off,
                             uint32_t size, int64_t *first_uninit)
{
    uint32_t i;

    for ( i = 0; i < size; i++ )
    {
        uint32_t b = (uint32_t)(off + XFO_STACK_SIZE) + i;

        if ( !(st->stack_init[b / 64] & (1ull << (b % 64))) )
        {
            *first_uninit = off + i;
            return false;
        }
    }
    return true;
}

static void note_stack_depth(struct verifier *v, int64_t off)
{
    if ( (uint32_t)-off > v->stats.stack_depth )
        v->stats.stack_depth = (uint32_t)-off;
}

static void stack_mark_init(struct verifier *v, int64_t off, uint32_t size)
{
    uint32_t i;

    for ( i = 0; i < size; i++ )
    {
        uint32_t b = (uint32_t)(off + XFO_STACK_SIZE) + i;

        v->cur.stack_init[b / 64] |= 1ull << (b % 64);
    }
    note_stack_depth(v, off);
}

/* [off, off + size) must lie in the stack frame. */
static int check_stack_range(struct verifier *v, uint32_t pc,
                             unsigned int regno, int64_t off, int64_t size,
                             const char *what)
{
    if ( size <= 0 || off < -XFO_STACK_SIZE || off + size > 0 )
        return verifier_refuse(v, pc, "%s of %ld bytes at fp%+ld (R%u) is outside the %d-byte stack",
                               what, (long)size, (long)off, regno,
                               XFO_STACK_SIZE);
    return 0;
}

struct ctx_field {
    uint16_t off;
    uint16_t size;
    const char *name;
};

#define CTX_FIELD(f) { __builtin_offsetof(struct xfo_fault_ctx, f), \
                       sizeof(((struct xfo_fault_ctx *)0)->f), #f }

static const struct ctx_field ctx_fields[] = {
    CTX_FIELD(addr), CTX_FIELD(ip), CTX_FIELD(error_code), CTX_FIELD(vcpu),
    CTX_FIELD(domid), CTX_FIELD(mode), CTX_FIELD(region_id),
    CTX_FIELD(region_start), CTX_FIELD(region_end), CTX_FIELD(region_prot),
    CTX_FIELD(region_classes), CTX_FIELD(pool_level), CTX_FIELD(pool_size),
};

static int check_ctx_read(struct verifier *v, uint32_t pc,
                          unsigned int regno, int64_t off, uint32_t size)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(ctx_fields); i++ )
    {
        const struct ctx_field *f = &ctx_fields[i];

        if ( off == f->off )
        {
            if ( size != f->size )
                return verifier_refuse(v, pc, "context field %s is %u bytes, not read as %u",
                                       f->name, f->size, size);
            return 0;
        }
        if ( off > f->off && off < f->off + f->size )
            return verifier_refuse(v, pc, "context read at offset %ld is inside field %s (offset %u, %u bytes); read the whole field",
                                   (long)off, f->name, f->off, f->size);
    }
    if ( off < 0 || off >= (int64_t)sizeof(struct xfo_fault_ctx) )
        return verifier_refuse(v, pc, "context read at offset %ld is outside the %u-byte context (R%u)",
                               (long)off,
                               (unsigned int)sizeof(struct xfo_fault_ctx),
                               regno);
    return verifier_refuse(v, pc,
                           "context read at offset %ld is padding, not a field",
                           (long)off);
}

/* Common checks of the base pointer of a load, store or atomic. */
static int check_mem_access(struct verifier *v, uint32_t pc,
                            unsigned int regno, int16_t insn_off,
                            uint32_t size, bool write, bool reads_stack)
{
    const struct reg_state *base = &v->cur.regs[regno];
    int64_t off, bad;
    int rc;

    if ( (rc = verifier_check_read(v, pc, regno)) )
        return rc;

    off = base->val + insn_off;
    switch ( base->type )
    {
    case REG_CTX:
        if ( write )
            return verifier_refuse(v, pc, "R%u is a context pointer; context writes are not allowed",
                                   regno);
        return check_ctx_read(v, pc, regno, off, size);

    case REG_STACK:
        if ( (rc = check_stack_range(v, pc, regno, off, size,
                                     write ? "write" : "read")) )
            return rc;
        if ( off % size )
            return verifier_refuse(v, pc,
                                   "misaligned stack access of %u bytes at fp%ld",
                                   size, (long)off);
        if ( reads_stack && !stack_range_init(&v->cur, off, size, &bad) )
            return verifier_refuse(v, pc, "reading %u bytes at fp%ld, but fp%ld is not initialised",
                                   size, (long)off, (long)bad);
        return 0;

    case REG_MAP:
        return verifier_refuse(v, pc, "R%u is a map handle; map values are accessed through helpers only",
                               regno);

    default:
        return verifier_refuse(v, pc, "R%u is a scalar, not a pointer; memory accesses need a context or stack pointer",
                               regno);
    }
}

int verifier_do_load(struct verifier *v, uint32_t pc,
                   const struct ebpf_insn *insn)
{
    uint32_t size = ebpf_size_bytes(insn->code);
    int rc;

    if ( (rc = check_mem_access(v, pc, insn->src, insn->off, size, false,
                                true)) ||
         (rc = verifier_check_write(v, pc, insn->dst)) )
        return rc;
    mark_scalar(&v->cur.regs[insn->dst], false, 0);
    return 0;
}

static int check_no_pointer_store(struct verifier *v, uint32_t pc,
                                  unsigned int regno)
{
    const struct reg_state *r = &v->cur.regs[regno];
    int rc;

    if ( (rc = verifier_check_read(v, pc, regno)) )
        return rc;
    if ( is_pointer(r) )
        return verifier_refuse(v, pc,
                               "R%u is %s, stores of pointers are not allowed",
                               regno, verifier_type_name(r));
    return 0;
}

int verifier_do_store(struct verifier *v, uint32_t pc,
                    const struct ebpf_insn *insn)
{
    uint32_t size = ebpf_size_bytes(insn->code);
    const struct reg_state *base = &v->cur.regs[insn->dst];
    int rc;

    if ( EBPF_CLASS(insn->code) == EBPF_CLS_STX &&
         (rc = check_no_pointer_store(v, pc, insn->src)) )
        return rc;
    if ( (rc = check_mem_access(v, pc, insn->dst, insn->off, size, true,
                                false)) )
        return rc;
    stack_mark_init(v, base->val + insn->off, size);
    return 0;
}

int verifier_do_atomic(struct verifier *v, uint32_t pc,
                     const struct ebpf_insn *insn)
{
    uint32_t size = ebpf_size_bytes(insn->code);
    int rc;

    if ( (rc = check_no_pointer_store(v, pc, insn->src)) )
        return rc;
    if ( insn->imm == EBPF_ATOMIC_CMPXCHG )
    {
        if ( (rc = verifier_check_read(v, pc, 0)) )
            return rc;
        if ( is_pointer(&v->cur.regs[0]) )
            return verifier_refuse(v, pc, "R0 is %s; cmpxchg compares a scalar",
                                   verifier_type_name(&v->cur.regs[0]));
    }
    /* An atomic reads the old value, so the bytes must hold one. */
    if ( (rc = check_mem_access(v, pc, insn->dst, insn->off, size, true,
                                true)) )
        return rc;

    if ( insn->imm == EBPF_ATOMIC_CMPXCHG )
        mark_scalar(&v->cur.regs[0], false, 0);
    else if ( insn->imm & EBPF_ATOMIC_FETCH )
    {
        if ( (rc = verifier_check_write(v, pc, insn->src)) )
            return rc;
        mark_scalar(&v->cur.regs[insn->src], false, 0);
    }
    return 0;
}

int verifier_do_lddw(struct verifier *v, uint32_t pc,
                   const struct ebpf_insn *insn)
{
    struct reg_state *dst = &v->cur.regs[insn->dst];
    int rc;

    if ( (rc = verifier_check_write(v, pc, insn->dst)) )
        return rc;
    if ( insn->src == XFO_PSEUDO_MAP_IDX )
    {
        dst->type = REG_MAP;
        dst->known = false;
        dst->val = insn->imm;
        return 0;
    }
    mark_scalar(dst, true,
                (int64_t)(((uint64_t)(uint32_t)insn[1].imm << 32) |
                          (uint32_t)insn->imm));
    return 0;
}

int verifier_do_call(struct verifier *v, uint32_t pc,
                   const struct ebpf_insn *insn)
{
    const struct xfo_helper_proto *proto = xfo_helper_proto(insn->imm);
    const struct xfo_map_def *map = NULL;
    int64_t buf_off = 0;
    bool buf_out = false;
    unsigned int i, regno;
    int rc;

    if ( !proto || insn->imm < 0 )
        return verifier_refuse(v, pc, "call to unknown helper %d", insn->imm);
    v->stats.helpers_used |= 1u << insn->imm;

    for ( i = 0; i < 5 && proto->args[i] != XFO_ARG_NONE; i++ )
    {
        const struct reg_state *r = &v->cur.regs[i + 1];

        regno = i + 1;
        if ( r->type == REG_UNINIT || r->type == REG_MIXED )
            return verifier_refuse(v, pc,
                                   "R%u (argument %u of %s) is %s", regno,
                                   regno, proto->name, verifier_type_name(r));

        switch ( proto->args[i] )
        {
        case XFO_ARG_SCALAR:
            if ( r->type != REG_SCALAR )
                return verifier_refuse(v, pc, "R%u is %s; argument %u of %s must be a scalar",
                                       regno, verifier_type_name(r), regno,
                                       proto->name);
            break;

        case XFO_ARG_MAP:
            if ( r->type != REG_MAP )
                return verifier_refuse(v, pc, "R%u is %s; argument %u of %s must be a map handle",
                                       regno, verifier_type_name(r), regno,
                                       proto->name);
            map = &v->prog->maps[r->val];
            break;

        case XFO_ARG_STACK_IN:
        case XFO_ARG_STACK_OUT:
            if ( r->type != REG_STACK )
                return verifier_refuse(v, pc, "R%u is %s; argument %u of %s must point into the stack",
                                       regno, verifier_type_name(r), regno,
                                       proto->name);
            buf_off = r->val;
            buf_out = proto->args[i] == XFO_ARG_STACK_OUT;
            break;

        case XFO_ARG_CONST_SIZE:
            if ( r->type != REG_SCALAR || !r->known )
                return verifier_refuse(v, pc, "R%u is %s; argument %u of %s must be a constant size",
                                       regno,
                                       r->type == REG_SCALAR ? "an unknown scalar"
                                                    : verifier_type_name(r),
                                       regno, proto->name);
            if ( r->val <= 0 || r->val > proto->max_size )
                return verifier_refuse(v, pc,
                                       "size %ld (R%u) of %s must be 1..%u",
                                       (long)r->val, regno, proto->name,
                                       proto->max_size);
            if ( map && r->val > map->value_size )
                return verifier_refuse(v, pc, "size %ld (R%u) is larger than the %u-byte values of map %s",
                                       (long)r->val, regno, map->value_size,
                                       map->name);
            if ( (rc = check_stack_range(v, pc, regno - 1, buf_off, r->val,
                                         "buffer")) )
                return rc;
            if ( buf_out )
                stack_mark_init(v, buf_off, r->val);
            else
            {
                int64_t bad;

                if ( !stack_range_init(&v->cur, buf_off, r->val, &bad) )
                    return verifier_refuse(v, pc, "%s reads %ld bytes at fp%ld, but fp%ld is not initialised",
                                           proto->name, (long)r->val,
                                           (long)buf_off,
                                           (long)bad);
                note_stack_depth(v, buf_off);
            }
            break;
        }
    }

    /* Caller-saved registers are dead after a call; r0 is its result. */
    for ( regno = 1; regno <= 5; regno++ )
        v->cur.regs[regno].type = REG_UNINIT;
    mark_scalar(&v->cur.regs[0], false, 0);
    return 0;
}
