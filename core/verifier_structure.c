/* SPDX-License-Identifier: MIT */
/*
 * Pass 1 of the verifier (verifier.c says what each pass does): every
 * instruction on its own.
 */
#include "private.h"
#include "xfo_core.h"
#include "verifier_state.h"

/*
 * Pass 1: each instruction on its own
 */

static int check_regs(struct verifier *v, uint32_t pc,
                      const struct ebpf_insn *insn, bool uses_dst,
                      bool uses_src)
{
    if ( uses_dst && insn->dst >= EBPF_REG_NR )
        return verifier_refuse(v, pc,
                               "invalid destination register R%u", insn->dst);
    if ( !uses_dst && insn->dst )
        return verifier_refuse(v, pc, "reserved field dst_reg is %u, must be 0",
                               insn->dst);
    if ( uses_src && insn->src >= EBPF_REG_NR )
        return verifier_refuse(v, pc, "invalid source register R%u", insn->src);
    if ( !uses_src && insn->src )
        return verifier_refuse(v, pc, "reserved field src_reg is %u, must be 0",
                               insn->src);
    return 0;
}

static int check_zero_off(struct verifier *v, uint32_t pc,
                          const struct ebpf_insn *insn)
{
    if ( insn->off )
        return verifier_refuse(v, pc, "reserved field off is %d, must be 0",
                               insn->off);
    return 0;
}

static int check_zero_imm(struct verifier *v, uint32_t pc,
                          const struct ebpf_insn *insn)
{
    if ( insn->imm )
        return verifier_refuse(v, pc, "reserved field imm is %d, must be 0",
                               insn->imm);
    return 0;
}

static int check_alu_structure(struct verifier *v, uint32_t pc,
                               const struct ebpf_insn *insn)
{
    bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    uint8_t op = EBPF_OP(insn->code);
    int rc;

    switch ( op )
    {
    case EBPF_ALU_NEG:
        if ( x )
            return verifier_refuse(v, pc,
                                   "invalid opcode 0x%02x: neg takes no source",
                                   insn->code);
        if ( (rc = check_regs(v, pc, insn, true, false)) ||
             (rc = check_zero_off(v, pc, insn)) )
            return rc;
        return check_zero_imm(v, pc, insn);

    case EBPF_ALU_END:
        if ( is64 && x )
            return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, true, false)) ||
             (rc = check_zero_off(v, pc, insn)) )
            return rc;
        if ( insn->imm != 16 && insn->imm != 32 && insn->imm != 64 )
            return verifier_refuse(v, pc,
                                   "byte swap width %d is not 16, 32 or 64",
                                   insn->imm);
        return 0;

    case EBPF_ALU_ADD: case EBPF_ALU_SUB: case EBPF_ALU_MUL:
    case EBPF_ALU_OR: case EBPF_ALU_AND: case EBPF_ALU_LSH:
    case EBPF_ALU_RSH: case EBPF_ALU_XOR: case EBPF_ALU_ARSH:
    case EBPF_ALU_DIV: case EBPF_ALU_MOD: case EBPF_ALU_MOV:
        break;

    default:
        return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
    }

    if ( (rc = check_regs(v, pc, insn, true, x)) )
        return rc;
    if ( x && (rc = check_zero_imm(v, pc, insn)) )
        return rc;

    if ( op == EBPF_ALU_DIV || op == EBPF_ALU_MOD )
    {
        if ( insn->off != 0 && insn->off != 1 )
            return verifier_refuse(v, pc, "%s offset %d is not 0 (unsigned) or 1 (signed)",
                                   op == EBPF_ALU_DIV ? "div" : "mod", insn->off);
        if ( !x && insn->imm == 0 )
            return verifier_refuse(v, pc, "division by zero immediate");
    }
    else if ( op == EBPF_ALU_MOV && insn->off )
    {
        if ( !x )
            return verifier_refuse(v, pc, "sign-extending mov needs a source register, off is %d",
                                   insn->off);
        if ( insn->off != 8 && insn->off != 16 &&
             !(is64 && insn->off == 32) )
            return verifier_refuse(v, pc, "sign-extending mov from %d bits is not defined",
                                   insn->off);
    }
    else if ( (rc = check_zero_off(v, pc, insn)) )
        return rc;

    if ( !x && (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH ||
                op == EBPF_ALU_ARSH) &&
         (insn->imm < 0 || insn->imm >= (is64 ? 64 : 32)) )
        return verifier_refuse(v, pc, "shift by %d is out of range for a %d-bit operation",
                               insn->imm, is64 ? 64 : 32);

    return 0;
}

static int check_jmp_structure(struct verifier *v, uint32_t pc,
                               const struct ebpf_insn *insn,
                               const uint8_t *tail)
{
    const struct xfo_bytecode *prog = v->prog;
    bool is32 = EBPF_CLASS(insn->code) == EBPF_CLS_JMP32;
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    uint8_t op = EBPF_OP(insn->code);
    int64_t off, target;
    int rc;

    switch ( op )
    {
    case EBPF_JMP_CALL:
        if ( is32 )
            return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( x )
            return verifier_refuse(v, pc,
                                   "indirect calls (callx) are not allowed");
        if ( insn->src == EBPF_CALL_LOCAL )
            return verifier_refuse(v, pc, "bpf-to-bpf calls are not supported by the hypervisor profile; inline the function");
        if ( (rc = check_regs(v, pc, insn, false, false)) )
            return rc;
        return check_zero_off(v, pc, insn);

    case EBPF_JMP_EXIT:
        if ( is32 || x )
            return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, false, false)) ||
             (rc = check_zero_off(v, pc, insn)) )
            return rc;
        return check_zero_imm(v, pc, insn);

    case EBPF_JMP_JA:
        if ( x )
            return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, false, false)) )
            return rc;
        if ( is32 )
        {
            /* gotol: the offset is in imm. */
            if ( (rc = check_zero_off(v, pc, insn)) )
                return rc;
            off = insn->imm;
        }
        else
        {
            if ( (rc = check_zero_imm(v, pc, insn)) )
                return rc;
            off = insn->off;
        }
        break;

    case EBPF_JMP_JEQ: case EBPF_JMP_JGT: case EBPF_JMP_JGE:
    case EBPF_JMP_JSET: case EBPF_JMP_JNE: case EBPF_JMP_JSGT:
    case EBPF_JMP_JSGE: case EBPF_JMP_JLT: case EBPF_JMP_JLE:
    case EBPF_JMP_JSLT: case EBPF_JMP_JSLE:
        if ( (rc = check_regs(v, pc, insn, true, x)) )
            return rc;
        if ( x && (rc = check_zero_imm(v, pc, insn)) )
            return rc;
        off = insn->off;
        break;

    default:
        return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
    }

    target = (int64_t)pc + 1 + off;
    if ( target < 0 || target >= prog->insn_cnt )
        return verifier_refuse(v, pc,
                               "jump to insn %ld is outside the program (0..%u)",
                               (long)target, prog->insn_cnt - 1);
    if ( target <= pc )
        return verifier_refuse(v, pc, "back-edge to insn %ld: loops are not allowed (jumps must go forward)",
                               (long)target);
    if ( tail[target] )
        return verifier_refuse(v, pc,
                               "jump to insn %ld, the second half of an LDDW",
                               (long)target);
    return 0;
}

static int check_mem_structure(struct verifier *v, uint32_t pc,
                               const struct ebpf_insn *insn)
{
    uint8_t cls = EBPF_CLASS(insn->code);
    uint8_t mode = EBPF_MODE(insn->code);
    uint8_t size = EBPF_SIZE(insn->code);
    int rc;

    switch ( cls )
    {
    case EBPF_CLS_LDX:
        if ( mode != EBPF_MODE_MEM &&
             !(mode == EBPF_MODE_MEMSX && size != EBPF_SIZE_DW) )
            return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, true, true)) )
            return rc;
        return check_zero_imm(v, pc, insn);

    case EBPF_CLS_ST:
        if ( mode != EBPF_MODE_MEM )
            return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        return check_regs(v, pc, insn, true, false);

    case EBPF_CLS_STX:
        if ( (rc = check_regs(v, pc, insn, true, true)) )
            return rc;
        if ( mode == EBPF_MODE_MEM )
            return check_zero_imm(v, pc, insn);
        if ( mode != EBPF_MODE_ATOMIC )
            return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( size != EBPF_SIZE_W && size != EBPF_SIZE_DW )
            return verifier_refuse(v, pc, "atomic operations are 32 or 64 bits wide, not %u",
                                   ebpf_size_bytes(insn->code) * 8);
        switch ( insn->imm )
        {
        case EBPF_ATOMIC_ADD: case EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_OR:  case EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_AND: case EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_XOR: case EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_XCHG: case EBPF_ATOMIC_CMPXCHG:
            return 0;
        }
        return verifier_refuse(v, pc,
                               "invalid atomic operation 0x%x", insn->imm);
    }
    return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
}

static int check_lddw_structure(struct verifier *v, uint32_t pc,
                                const struct ebpf_insn *insn)
{
    const struct xfo_bytecode *prog = v->prog;
    const struct ebpf_insn *next;
    int rc;

    if ( insn->code != EBPF_OP_LDDW )
    {
        if ( EBPF_MODE(insn->code) == EBPF_MODE_ABS ||
             EBPF_MODE(insn->code) == EBPF_MODE_IND )
            return verifier_refuse(v, pc, "legacy packet access (LD_ABS/LD_IND) is not supported");
        return verifier_refuse(v, pc, "invalid opcode 0x%02x", insn->code);
    }
    if ( pc + 1 >= prog->insn_cnt )
        return verifier_refuse(v, pc, "LDDW is missing its second half at the end of the program");
    if ( insn->dst >= EBPF_REG_NR )
        return verifier_refuse(v, pc,
                               "invalid destination register R%u", insn->dst);
    if ( (rc = check_zero_off(v, pc, insn)) )
        return rc;

    next = insn + 1;
    if ( next->code || next->dst || next->src || next->off )
        return verifier_refuse(v, pc, "second half of LDDW has nonzero reserved fields (code 0x%02x, regs %u/%u, off %d)",
                               next->code, next->dst, next->src, next->off);

    switch ( insn->src )
    {
    case 0:
        return 0;
    case XFO_PSEUDO_MAP_IDX:
        if ( next->imm )
            return verifier_refuse(v, pc,
                                   "map reference has nonzero upper imm %d",
                                   next->imm);
        if ( insn->imm < 0 || (uint32_t)insn->imm >= prog->map_cnt )
            return verifier_refuse(v, pc, "map index %d out of range: the program has %u maps",
                                   insn->imm, prog->map_cnt);
        return 0;
    }
    return verifier_refuse(v, pc, "LDDW with src_reg %u is not supported (only 0 for a constant and %u for a map)",
                           insn->src, XFO_PSEUDO_MAP_IDX);
}

int verifier_check_structure(struct verifier *v, uint8_t *tail)
{
    const struct xfo_bytecode *prog = v->prog;
    uint32_t pc;
    int rc;

    /* LDDW tails first, so jumps into them are caught wherever they are. */
    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        tail[pc] = 0;
        if ( pc && prog->insns[pc - 1].code == EBPF_OP_LDDW && !tail[pc - 1] )
            tail[pc] = 1;
    }

    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        const struct ebpf_insn *insn = &prog->insns[pc];

        if ( tail[pc] )
            continue;

        switch ( EBPF_CLASS(insn->code) )
        {
        case EBPF_CLS_ALU:
        case EBPF_CLS_ALU64:
            rc = check_alu_structure(v, pc, insn);
            break;
        case EBPF_CLS_JMP:
        case EBPF_CLS_JMP32:
            rc = check_jmp_structure(v, pc, insn, tail);
            break;
        case EBPF_CLS_LD:
            rc = check_lddw_structure(v, pc, insn);
            break;
        default:
            rc = check_mem_structure(v, pc, insn);
            break;
        }
        if ( rc )
            return rc;
    }
    return 0;
}
