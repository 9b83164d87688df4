/* SPDX-License-Identifier: MIT */
/* Pass 2 of the verifier: ALU operations, conditional jumps and exit. */
#include "private.h"
#include "xfo_core.h"
#include "verifier_state.h"

/*
 * Constant folding for the operations whose results feed sizes and
 * offsets. Everything else makes the result unknown, which is always safe.
 */
static bool fold_alu(uint8_t op, bool is64, uint64_t a, uint64_t b,
                     uint64_t *res)
{
    uint64_t r;

    switch ( op )
    {
    case EBPF_ALU_ADD: r = a + b; break;
    case EBPF_ALU_SUB: r = a - b; break;
    case EBPF_ALU_MUL: r = a * b; break;
    case EBPF_ALU_OR:  r = a | b; break;
    case EBPF_ALU_AND: r = a & b; break;
    case EBPF_ALU_XOR: r = a ^ b; break;
    case EBPF_ALU_MOV: r = b; break;
    case EBPF_ALU_NEG: r = -a; break;
    case EBPF_ALU_LSH:
        r = is64 ? a << (b & 63) : (uint64_t)((uint32_t)a << (b & 31));
        break;
    case EBPF_ALU_RSH:
        r = is64 ? a >> (b & 63) : (uint64_t)((uint32_t)a >> (b & 31));
        break;
    default:
        return false;
    }
    *res = is64 ? r : (uint32_t)r;
    return true;
}

static const char *alu_name(uint8_t op)
{
    static const char *const names[16] = {
        "add", "sub", "mul", "div", "or", "and", "lsh", "rsh",
        "neg", "mod", "xor", "mov", "arsh", "end", "?", "?",
    };

    return names[op >> 4];
}

/* dst op= src where at least one side is a pointer. */
static int do_pointer_alu(struct verifier *v, uint32_t pc,
                          const struct ebpf_insn *insn,
                          const struct reg_state *src, bool x)
{
    struct reg_state *dst = &v->cur.regs[insn->dst];
    uint8_t op = EBPF_OP(insn->code);
    bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
    const struct reg_state *ptr = is_pointer(dst) ? dst : src;
    unsigned int ptr_reg = ptr == dst ? insn->dst : insn->src;
    struct reg_state result;
    int64_t delta;

    if ( op == EBPF_ALU_MOV && !insn->off && is64 )
    {
        *dst = *src;                  /* r1 = r10 and the like */
        return 0;
    }
    if ( !is64 )
        return verifier_refuse(v, pc,
                               "R%u is %s; 32-bit %s on a pointer is not allowed",
                               ptr_reg, verifier_type_name(ptr), alu_name(op));
    if ( ptr->type == REG_MAP )
        return verifier_refuse(v, pc, "R%u is a map handle; arithmetic on map handles is not allowed",
                               ptr_reg);
    if ( op != EBPF_ALU_ADD && op != EBPF_ALU_SUB )
        return verifier_refuse(v, pc, "R%u is %s; pointer arithmetic with %s is not allowed, only add and sub of a constant",
                               ptr_reg, verifier_type_name(ptr), alu_name(op));

    if ( x && is_pointer(dst) && is_pointer(src) )
    {
        /* Distance between two pointers into the same object. */
        if ( op != EBPF_ALU_SUB || dst->type != src->type )
            return verifier_refuse(v, pc, "R%u %s R%u: arithmetic between pointers is only sub of two pointers of one kind",
                                   insn->dst, alu_name(op), insn->src);
        mark_scalar(dst, true, dst->val - src->val);
        return 0;
    }

    if ( !is_pointer(dst) )
    {
        /* scalar += pointer gives the pointer; scalar -= pointer leaks. */
        if ( op != EBPF_ALU_ADD )
            return verifier_refuse(v, pc, "R%u is %s; subtracting a pointer from a scalar is not allowed",
                                   insn->src, verifier_type_name(src));
        result = *src;
        if ( !dst->known )
            return verifier_refuse(v, pc, "R%u is an unknown scalar; pointer arithmetic with an unknown scalar is not allowed",
                                   insn->dst);
        delta = dst->val;
    }
    else
    {
        result = *dst;
        if ( x )
        {
            if ( !src->known )
                return verifier_refuse(v, pc, "R%u is an unknown scalar; pointer arithmetic with an unknown scalar is not allowed",
                                       insn->src);
            delta = src->val;
        }
        else
            delta = insn->imm;
        if ( op == EBPF_ALU_SUB )
            delta = -(uint64_t)delta;
    }

    if ( delta > PTR_OFF_MAX || delta < -PTR_OFF_MAX ||
         result.val + delta > PTR_OFF_MAX ||
         result.val + delta < -PTR_OFF_MAX )
        return verifier_refuse(v, pc, "pointer offset %ld%+ld is out of range",
                               (long)result.val, (long)delta);
    result.val += delta;
    *dst = result;
    return 0;
}

int verifier_do_alu(struct verifier *v, uint32_t pc,
                  const struct ebpf_insn *insn)
{
    struct reg_state *dst = &v->cur.regs[insn->dst];
    struct reg_state imm_src, *src;
    uint8_t op = EBPF_OP(insn->code);
    bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
    /* For END the source bit is the byte order, not a register. */
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X && op != EBPF_ALU_END;
    bool reads_dst = op != EBPF_ALU_MOV;
    uint64_t res;
    int rc;

    if ( (rc = verifier_check_write(v, pc, insn->dst)) )
        return rc;
    if ( reads_dst && (rc = verifier_check_read(v, pc, insn->dst)) )
        return rc;

    if ( x )
    {
        if ( (rc = verifier_check_read(v, pc, insn->src)) )
            return rc;
        src = &v->cur.regs[insn->src];
    }
    else
    {
        mark_scalar(&imm_src, true, is64 ? (int64_t)insn->imm
                                         : (int64_t)(uint32_t)insn->imm);
        src = &imm_src;
    }

    if ( op == EBPF_ALU_END || op == EBPF_ALU_NEG )
        src = dst;

    if ( (reads_dst && is_pointer(dst)) || is_pointer(src) )
        return do_pointer_alu(v, pc, insn, src, x);

    if ( op != EBPF_ALU_END && !insn->off && (!reads_dst || dst->known) &&
         src->known &&
         fold_alu(op, is64, reads_dst ? (uint64_t)dst->val : 0,
                  (uint64_t)src->val, &res) )
        mark_scalar(dst, true, (int64_t)res);
    else
        mark_scalar(dst, false, 0);
    return 0;
}

int verifier_do_cond_jmp(struct verifier *v, uint32_t pc,
                       const struct ebpf_insn *insn)
{
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    int rc;

    if ( (rc = verifier_check_read(v, pc, insn->dst)) )
        return rc;
    if ( is_pointer(&v->cur.regs[insn->dst]) )
        return verifier_refuse(v, pc, "R%u is %s; comparisons of pointers are not allowed",
                               insn->dst,
                               verifier_type_name(&v->cur.regs[insn->dst]));
    if ( x )
    {
        const struct reg_state *src = &v->cur.regs[insn->src];

        if ( (rc = verifier_check_read(v, pc, insn->src)) )
            return rc;
        if ( is_pointer(src) )
            return verifier_refuse(v, pc, "R%u is %s; comparisons of pointers are not allowed",
                                   insn->src, verifier_type_name(src));
    }
    return 0;
}

int verifier_do_exit(struct verifier *v, uint32_t pc)
{
    const struct reg_state *r0 = &v->cur.regs[0];

    if ( r0->type == REG_UNINIT || r0->type == REG_MIXED )
        return verifier_refuse(v, pc, "R0 is %s at exit; return a verdict",
                               verifier_type_name(r0));
    if ( r0->type != REG_SCALAR )
        return verifier_refuse(v, pc, "R0 is %s at exit; programs must return a scalar verdict, not a pointer",
                               verifier_type_name(r0));
    return 0;
}
