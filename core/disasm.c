/* SPDX-License-Identifier: MIT */
/*
 * The disassembler: one instruction at a time in the syntax of Linux's
 * verifier log (kernel/bpf/disasm.c, as `bpftool prog dump xlated` shows
 * it), without the opcode prefix:
 *
 *   r0 = 1                       w1 += w2
 *   r2 = *(u32 *)(r1 +8)         *(u64 *)(r10 -8) = r1
 *   if r1 > 0x5 goto +3          if w1 s< w2 goto -1
 *   call map_read#1              call pc+5
 *   r1 = map[0]                  r0 = 0x1122334455667788 ll
 *   lock *(u64 *)(r10 -8) += r1  r0 = atomic64_fetch_add((u64 *)(r10 -8), r0)
 *
 * Encodings the interpreter refuses print as "invalid opcode 0x..".
 */
#include "private.h"
#include "xfo_core.h"

static const char *const alu_ops[16] = {
    [EBPF_ALU_ADD >> 4]  = "+=",
    [EBPF_ALU_SUB >> 4]  = "-=",
    [EBPF_ALU_MUL >> 4]  = "*=",
    [EBPF_ALU_DIV >> 4]  = "/=",
    [EBPF_ALU_OR >> 4]   = "|=",
    [EBPF_ALU_AND >> 4]  = "&=",
    [EBPF_ALU_LSH >> 4]  = "<<=",
    [EBPF_ALU_RSH >> 4]  = ">>=",
    [EBPF_ALU_MOD >> 4]  = "%=",
    [EBPF_ALU_XOR >> 4]  = "^=",
    [EBPF_ALU_MOV >> 4]  = "=",
    [EBPF_ALU_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
    [EBPF_JMP_JEQ >> 4]  = "==",
    [EBPF_JMP_JGT >> 4]  = ">",
    [EBPF_JMP_JGE >> 4]  = ">=",
    [EBPF_JMP_JSET >> 4] = "&",
    [EBPF_JMP_JNE >> 4]  = "!=",
    [EBPF_JMP_JSGT >> 4] = "s>",
    [EBPF_JMP_JSGE >> 4] = "s>=",
    [EBPF_JMP_JLT >> 4]  = "<",
    [EBPF_JMP_JLE >> 4]  = "<=",
    [EBPF_JMP_JSLT >> 4] = "s<",
    [EBPF_JMP_JSLE >> 4] = "s<=",
};

static const char *size_name(uint8_t code, bool sx)
{
    switch ( EBPF_SIZE(code) )
    {
    case EBPF_SIZE_B: return sx ? "s8" : "u8";
    case EBPF_SIZE_H: return sx ? "s16" : "u16";
    case EBPF_SIZE_W: return sx ? "s32" : "u32";
    default:          return "u64";
    }
}

static unsigned int invalid(const struct ebpf_insn *insn, char *buf,
                            size_t size)
{
    xfo_snprintf(buf, size, "invalid opcode 0x%02x", insn->code);
    return 1;
}

static unsigned int disasm_alu(const struct ebpf_insn *insn, char *buf,
                               size_t size)
{
    const bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
    const bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    const char r = is64 ? 'r' : 'w';
    const uint8_t op = EBPF_OP(insn->code);
    const char *sym = alu_ops[op >> 4];

    switch ( op )
    {
    case EBPF_ALU_NEG:
        if ( x )
            return invalid(insn, buf, size);
        xfo_snprintf(buf, size, "%c%u = -%c%u", r, insn->dst, r, insn->dst);
        return 1;

    case EBPF_ALU_END:
        if ( insn->imm != 16 && insn->imm != 32 && insn->imm != 64 )
            return invalid(insn, buf, size);
        if ( is64 && x )
            return invalid(insn, buf, size);
        xfo_snprintf(buf, size, "r%u = %s%d r%u", insn->dst,
                     is64 ? "bswap" : x ? "be" : "le", insn->imm, insn->dst);
        return 1;

    case EBPF_ALU_DIV:
    case EBPF_ALU_MOD:
        if ( insn->off == 1 )
            sym = op == EBPF_ALU_DIV ? "s/=" : "s%=";
        else if ( insn->off )
            return invalid(insn, buf, size);
        break;

    case EBPF_ALU_MOV:
        if ( !insn->off )
            break;
        if ( !x || (insn->off != 8 && insn->off != 16 &&
                    (insn->off != 32 || !is64)) )
            return invalid(insn, buf, size);
        xfo_snprintf(buf, size, "%c%u = (s%d)%c%u", r, insn->dst, insn->off,
                     r, insn->src);
        return 1;

    default:
        if ( !sym )
            return invalid(insn, buf, size);
        break;
    }

    if ( x )
        xfo_snprintf(buf, size, "%c%u %s %c%u", r, insn->dst, sym, r,
                     insn->src);
    else
        xfo_snprintf(buf, size, "%c%u %s %d", r, insn->dst, sym, insn->imm);
    return 1;
}

static unsigned int disasm_jmp(const struct ebpf_insn *insn, char *buf,
                               size_t size)
{
    const bool is32 = EBPF_CLASS(insn->code) == EBPF_CLS_JMP32;
    const bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    const char r = is32 ? 'w' : 'r';
    const uint8_t op = EBPF_OP(insn->code);
    const struct xfo_helper_proto *proto;

    switch ( op )
    {
    case EBPF_JMP_JA:
        if ( x )
            return invalid(insn, buf, size);
        if ( is32 )
            xfo_snprintf(buf, size, "gotol %s%d", insn->imm >= 0 ? "+" : "",
                         insn->imm);
        else
            xfo_snprintf(buf, size, "goto %s%d", insn->off >= 0 ? "+" : "",
                         insn->off);
        return 1;

    case EBPF_JMP_CALL:
        if ( is32 )
            return invalid(insn, buf, size);
        if ( x )
        {
            xfo_snprintf(buf, size, "callx r%u", insn->dst);
            return 1;
        }
        if ( insn->src == EBPF_CALL_LOCAL )
        {
            xfo_snprintf(buf, size, "call pc%s%d", insn->imm > 0 ? "+" : "",
                         insn->imm);
            return 1;
        }
        if ( insn->src != EBPF_CALL_HELPER )
            return invalid(insn, buf, size);
        proto = insn->imm >= 0 ? xfo_helper_proto((uint32_t)insn->imm) : NULL;
        xfo_snprintf(buf, size, "call %s#%d", proto ? proto->name : "",
                     insn->imm);
        return 1;

    case EBPF_JMP_EXIT:
        if ( is32 || x )
            return invalid(insn, buf, size);
        xfo_snprintf(buf, size, "exit");
        return 1;

    default:
        if ( !jmp_ops[op >> 4] )
            return invalid(insn, buf, size);
        break;
    }

    if ( x )
        xfo_snprintf(buf, size, "if %c%u %s %c%u goto %s%d", r, insn->dst,
                     jmp_ops[op >> 4], r, insn->src,
                     insn->off >= 0 ? "+" : "", insn->off);
    else
        xfo_snprintf(buf, size, "if %c%u %s 0x%x goto %s%d", r, insn->dst,
                     jmp_ops[op >> 4], (uint32_t)insn->imm,
                     insn->off >= 0 ? "+" : "", insn->off);
    return 1;
}

static unsigned int disasm_atomic(const struct ebpf_insn *insn, char *buf,
                                  size_t size)
{
    static const char *const names[16] = {
        [EBPF_ATOMIC_ADD >> 4] = "add",
        [EBPF_ATOMIC_OR >> 4]  = "or",
        [EBPF_ATOMIC_AND >> 4] = "and",
        [EBPF_ATOMIC_XOR >> 4] = "xor",
    };
    const char *sz = size_name(insn->code, false);
    const char *w = EBPF_SIZE(insn->code) == EBPF_SIZE_DW ? "64" : "";
    const int32_t imm = insn->imm;

    if ( EBPF_SIZE(insn->code) != EBPF_SIZE_W &&
         EBPF_SIZE(insn->code) != EBPF_SIZE_DW )
        return invalid(insn, buf, size);

    switch ( imm )
    {
    case EBPF_ATOMIC_ADD:
    case EBPF_ATOMIC_OR:
    case EBPF_ATOMIC_AND:
    case EBPF_ATOMIC_XOR:
        xfo_snprintf(buf, size, "lock *(%s *)(r%u %s%d) %s r%u", sz,
                     insn->dst, insn->off >= 0 ? "+" : "", insn->off,
                     alu_ops[imm >> 4], insn->src);
        return 1;

    case EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH:
    case EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH:
    case EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH:
    case EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH:
        xfo_snprintf(buf, size, "r%u = atomic%s_fetch_%s((%s *)(r%u %s%d), r%u)",
                     insn->src, w, names[imm >> 4], sz, insn->dst,
                     insn->off >= 0 ? "+" : "", insn->off, insn->src);
        return 1;

    case EBPF_ATOMIC_XCHG:
        xfo_snprintf(buf, size, "r%u = atomic%s_xchg((%s *)(r%u %s%d), r%u)",
                     insn->src, w, sz, insn->dst, insn->off >= 0 ? "+" : "",
                     insn->off, insn->src);
        return 1;

    case EBPF_ATOMIC_CMPXCHG:
        xfo_snprintf(buf, size,
                     "r0 = atomic%s_cmpxchg((%s *)(r%u %s%d), r0, r%u)", w, sz,
                     insn->dst, insn->off >= 0 ? "+" : "", insn->off,
                     insn->src);
        return 1;

    default:
        return invalid(insn, buf, size);
    }
}

unsigned int xfo_disasm_insn(const struct xfo_bytecode *prog, uint32_t pc,
                             char *buf, size_t size)
{
    const struct ebpf_insn *insn, *next;
    const char *sign;

    if ( size )
        buf[0] = '\0';
    if ( !prog || !prog->insns || pc >= prog->insn_cnt )
        return 0;
    insn = &prog->insns[pc];
    sign = insn->off >= 0 ? "+" : "";

    switch ( EBPF_CLASS(insn->code) )
    {
    case EBPF_CLS_ALU:
    case EBPF_CLS_ALU64:
        return disasm_alu(insn, buf, size);

    case EBPF_CLS_JMP:
    case EBPF_CLS_JMP32:
        return disasm_jmp(insn, buf, size);

    case EBPF_CLS_LDX:
        if ( EBPF_MODE(insn->code) == EBPF_MODE_MEM ||
             (EBPF_MODE(insn->code) == EBPF_MODE_MEMSX &&
              EBPF_SIZE(insn->code) != EBPF_SIZE_DW) )
        {
            xfo_snprintf(buf, size, "r%u = *(%s *)(r%u %s%d)", insn->dst,
                         size_name(insn->code, EBPF_MODE(insn->code) ==
                                               EBPF_MODE_MEMSX),
                         insn->src, sign, insn->off);
            return 1;
        }
        return invalid(insn, buf, size);

    case EBPF_CLS_ST:
        if ( EBPF_MODE(insn->code) != EBPF_MODE_MEM )
            return invalid(insn, buf, size);
        xfo_snprintf(buf, size, "*(%s *)(r%u %s%d) = %d",
                     size_name(insn->code, false), insn->dst, sign, insn->off,
                     insn->imm);
        return 1;

    case EBPF_CLS_STX:
        if ( EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC )
            return disasm_atomic(insn, buf, size);
        if ( EBPF_MODE(insn->code) != EBPF_MODE_MEM )
            return invalid(insn, buf, size);
        xfo_snprintf(buf, size, "*(%s *)(r%u %s%d) = r%u",
                     size_name(insn->code, false), insn->dst, sign, insn->off,
                     insn->src);
        return 1;

    default:                                    /* EBPF_CLS_LD */
        if ( insn->code != EBPF_OP_LDDW || pc + 1 >= prog->insn_cnt )
            return invalid(insn, buf, size);
        next = &prog->insns[pc + 1];
        if ( next->code )
            return invalid(insn, buf, size);
        if ( insn->src == XFO_PSEUDO_MAP_IDX )
            xfo_snprintf(buf, size, "r%u = map[%u]", insn->dst,
                         (uint32_t)insn->imm);
        else if ( insn->src == 0 )
            xfo_snprintf(buf, size, "r%u = 0x%llx ll", insn->dst,
                         (unsigned long long)((uint64_t)(uint32_t)next->imm
                                              << 32 | (uint32_t)insn->imm));
        else
            return invalid(insn, buf, size);
        return 2;
    }
}
