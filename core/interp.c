/* SPDX-License-Identifier: MIT */
/*
 * The eBPF interpreter: the whole ISA of RFC 9669 (legacy packet access
 * excepted), with Linux's defined results for division by zero, shift
 * amounts and signed overflow.
 *
 * One worker, vm_exec(), instantiated twice through its constant `checked`
 * argument: xfo_vm_run() trusts the verifier for memory safety and runs
 * without bounds checks; xfo_vm_run_checked() checks every access against
 * vm->regions and the stack and trusts nothing, so arbitrary bytecode can
 * never make it touch memory it was not given.
 *
 * All arithmetic is done on unsigned types, so that no eBPF program can
 * provoke undefined behaviour in C. Memory is accessed through memcpy of
 * the access size: eBPF allows unaligned accesses.
 *
 * Atomic operations are plain read-modify-write sequences: a program runs
 * on one CPU and the memory it may address (its stack, its context) is not
 * shared while it runs.
 */
#include "private.h"
#include "xfo_core.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

/* What a local call saves: the callee-saved registers and where to return. */
struct vm_frame {
    uint64_t saved[5];                /* r6..r10 */
    uint32_t ret_pc;
};

/* Register file: 16 slots, so a 4-bit register field can never index
 * past it even in the unchecked mode. r11..r15 are never valid. */
#define VM_REG_SLOTS 16

static __always_inline uint64_t sx32(uint32_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

static __always_inline uint64_t sx16(uint16_t v)
{
    return (uint64_t)(int64_t)(int16_t)v;
}

static __always_inline uint64_t sx8(uint8_t v)
{
    return (uint64_t)(int64_t)(int8_t)v;
}

/* imm sign-extended to 64 bits, as ALU64 and JMP take it. */
static __always_inline uint64_t imm64(const struct ebpf_insn *insn)
{
    return (uint64_t)(int64_t)insn->imm;
}

static __always_inline uint64_t arsh64(uint64_t v, unsigned int n)
{
    /* Arithmetic shift without relying on signed >>: fill with the sign. */
    uint64_t sign = (uint64_t)0 - (v >> 63);

    return n ? (v >> n) | (sign << (63 - n) << 1) : v;
}

static __always_inline uint32_t arsh32(uint32_t v, unsigned int n)
{
    uint32_t sign = (uint32_t)0 - (v >> 31);

    return n ? (v >> n) | (sign << (31 - n) << 1) : v;
}

static __always_inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
    bool na = a >> 63, nb = b >> 63;
    uint64_t ua = na ? (uint64_t)0 - a : a;
    uint64_t ub = nb ? (uint64_t)0 - b : b;
    uint64_t q = ua / ub;

    return na != nb ? (uint64_t)0 - q : q;
}

static __always_inline uint64_t smod64(uint64_t a, uint64_t b)
{
    bool na = a >> 63, nb = b >> 63;
    uint64_t ua = na ? (uint64_t)0 - a : a;
    uint64_t ub = nb ? (uint64_t)0 - b : b;
    uint64_t r = ua % ub;

    return na ? (uint64_t)0 - r : r;
}

static __always_inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
    bool na = a >> 31, nb = b >> 31;
    uint32_t ua = na ? (uint32_t)0 - a : a;
    uint32_t ub = nb ? (uint32_t)0 - b : b;
    uint32_t q = ua / ub;

    return na != nb ? (uint32_t)0 - q : q;
}

static __always_inline uint32_t smod32(uint32_t a, uint32_t b)
{
    bool na = a >> 31, nb = b >> 31;
    uint32_t ua = na ? (uint32_t)0 - a : a;
    uint32_t ub = nb ? (uint32_t)0 - b : b;
    uint32_t r = ua % ub;

    return na ? (uint32_t)0 - r : r;
}

static __always_inline uint16_t bswap16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

static __always_inline uint32_t bswap32(uint32_t v)
{
    return __builtin_bswap32(v);
}

static __always_inline uint64_t bswap64(uint64_t v)
{
    return __builtin_bswap64(v);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VM_HOST_BE 1
#else
#define VM_HOST_BE 0
#endif

/*
 * ALU END on *d: truncate to imm bits, swapping the bytes when swap is set.
 * Returns false for a width other than 16, 32 or 64.
 */
static __always_inline bool vm_end(uint64_t *d, int32_t imm, bool swap)
{
    switch ( imm )
    {
    case 16:
        *d = swap ? bswap16((uint16_t)*d) : (uint16_t)*d;
        return true;
    case 32:
        *d = swap ? bswap32((uint32_t)*d) : (uint32_t)*d;
        return true;
    case 64:
        if ( swap )
            *d = bswap64(*d);
        return true;
    default:
        return false;
    }
}

static __always_inline uint64_t vm_load(uintptr_t addr, unsigned int size)
{
    const void *p = (const void *)addr;
    uint64_t v64;
    uint32_t v32;
    uint16_t v16;
    uint8_t v8;

    switch ( size )
    {
    case 1:
        xfo_memcpy(&v8, p, 1);
        return v8;
    case 2:
        xfo_memcpy(&v16, p, 2);
        return v16;
    case 4:
        xfo_memcpy(&v32, p, 4);
        return v32;
    default:
        xfo_memcpy(&v64, p, 8);
        return v64;
    }
}

static __always_inline void vm_store(uintptr_t addr, unsigned int size,
                                     uint64_t v)
{
    void *p = (void *)addr;
    uint32_t v32 = (uint32_t)v;
    uint16_t v16 = (uint16_t)v;
    uint8_t v8 = (uint8_t)v;

    switch ( size )
    {
    case 1:
        xfo_memcpy(p, &v8, 1);
        break;
    case 2:
        xfo_memcpy(p, &v16, 2);
        break;
    case 4:
        xfo_memcpy(p, &v32, 4);
        break;
    default:
        xfo_memcpy(p, &v, 8);
        break;
    }
}

/* Is [addr, addr + size) inside [start, start + len)? No overflow. */
static __always_inline bool vm_in_range(uint64_t addr, unsigned int size,
                                        uint64_t start, uint64_t len)
{
    return addr >= start && len >= size && addr - start <= len - size;
}

/* Checked mode: may the program access size bytes at addr for need? */
static bool vm_access_ok(const struct xfo_vm *vm, uint64_t addr,
                         unsigned int size, uint32_t need)
{
    uint32_t i;

    if ( vm_in_range(addr, size, (uintptr_t)vm->stack, vm->stack_size) )
        return true;
    if ( !vm->regions )
        return false;
    for ( i = 0; i < vm->region_cnt; i++ )
    {
        const struct xfo_vm_region *r = &vm->regions[i];

        if ( (r->flags & need) == need &&
             vm_in_range(addr, size, r->start, r->len) )
            return true;
    }
    return false;
}

/* A jump or call target: pc + 1 + rel, inside the program? */
static __always_inline bool vm_target(uint32_t pc, int64_t rel, uint32_t cnt,
                                      uint32_t *target)
{
    int64_t t = (int64_t)pc + 1 + rel;

    if ( t < 0 || t >= (int64_t)cnt )
        return false;
    *target = (uint32_t)t;
    return true;
}

/* Result of a conditional jump. op: code & 0xf0; a, b: the operands. */
static __always_inline bool vm_cond64(uint8_t op, uint64_t a, uint64_t b)
{
    switch ( op )
    {
    case EBPF_JMP_JEQ:  return a == b;
    case EBPF_JMP_JGT:  return a > b;
    case EBPF_JMP_JGE:  return a >= b;
    case EBPF_JMP_JSET: return a & b;
    case EBPF_JMP_JNE:  return a != b;
    case EBPF_JMP_JSGT: return (int64_t)a > (int64_t)b;
    case EBPF_JMP_JSGE: return (int64_t)a >= (int64_t)b;
    case EBPF_JMP_JLT:  return a < b;
    case EBPF_JMP_JLE:  return a <= b;
    case EBPF_JMP_JSLT: return (int64_t)a < (int64_t)b;
    default:            return (int64_t)a <= (int64_t)b;   /* JSLE */
    }
}

static __always_inline bool vm_cond32(uint8_t op, uint32_t a, uint32_t b)
{
    switch ( op )
    {
    case EBPF_JMP_JEQ:  return a == b;
    case EBPF_JMP_JGT:  return a > b;
    case EBPF_JMP_JGE:  return a >= b;
    case EBPF_JMP_JSET: return a & b;
    case EBPF_JMP_JNE:  return a != b;
    case EBPF_JMP_JSGT: return (int32_t)a > (int32_t)b;
    case EBPF_JMP_JSGE: return (int32_t)a >= (int32_t)b;
    case EBPF_JMP_JLT:  return a < b;
    case EBPF_JMP_JLE:  return a <= b;
    case EBPF_JMP_JSLT: return (int32_t)a < (int32_t)b;
    default:            return (int32_t)a <= (int32_t)b;   /* JSLE */
    }
}

/*
 * Case generators. Each ALU and JMP operation gets one case per source
 * form, so that the operation and the kind of operand are constants in
 * each case body: no second dispatch on the operation inside a case.
 */

/* ALU64: stmt works on *d with the 64-bit source s. */
#define ALU64(op, stmt) \
    case EBPF_CLS_ALU64 | EBPF_SRC_K | (op): \
    { \
        const uint64_t s = imm64(insn); \
        stmt; \
        break; \
    } \
    case EBPF_CLS_ALU64 | EBPF_SRC_X | (op): \
    { \
        const uint64_t s = reg[src]; \
        stmt; \
        break; \
    }

/* ALU: stmt works on the low half a of *d with the 32-bit source s and
 * yields the 32-bit result r, which is zero-extended into *d. */
#define ALU32(op, stmt) \
    case EBPF_CLS_ALU | EBPF_SRC_K | (op): \
    { \
        const uint32_t s = (uint32_t)insn->imm, a = (uint32_t)*d; \
        uint32_t r; \
        stmt; \
        *d = r; \
        break; \
    } \
    case EBPF_CLS_ALU | EBPF_SRC_X | (op): \
    { \
        const uint32_t s = (uint32_t)reg[src], a = (uint32_t)*d; \
        uint32_t r; \
        stmt; \
        *d = r; \
        break; \
    }

/* Conditional jumps, 64- and 32-bit, immediate and register. */
#define JCOND(op) \
    case EBPF_CLS_JMP | EBPF_SRC_K | (op): \
        if ( vm_cond64(op, *d, imm64(insn)) ) \
            goto jump_off; \
        break; \
    case EBPF_CLS_JMP | EBPF_SRC_X | (op): \
        if ( vm_cond64(op, *d, reg[src]) ) \
            goto jump_off; \
        break; \
    case EBPF_CLS_JMP32 | EBPF_SRC_K | (op): \
        if ( vm_cond32(op, (uint32_t)*d, (uint32_t)insn->imm) ) \
            goto jump_off; \
        break; \
    case EBPF_CLS_JMP32 | EBPF_SRC_X | (op): \
        if ( vm_cond32(op, (uint32_t)*d, (uint32_t)reg[src]) ) \
            goto jump_off; \
        break;

#define MEM_CASES(cls, mode) \
    case (cls) | (mode) | EBPF_SIZE_B: \
    case (cls) | (mode) | EBPF_SIZE_H: \
    case (cls) | (mode) | EBPF_SIZE_W: \
    case (cls) | (mode) | EBPF_SIZE_DW

/* The index of the instruction being run. */
#define VM_PC ((uint32_t)(insn - insns))

static __always_inline int vm_exec(const struct xfo_vm *vm, uint64_t r1,
                                   uint64_t r2, uint64_t *r0,
                                   struct xfo_vm_result *res,
                                   const bool checked)
{
    const struct ebpf_insn *insns = vm->insns;
    const uint32_t cnt = vm->insn_cnt;
    const uint64_t limit = vm->insn_limit ? vm->insn_limit : ~(uint64_t)0;
    struct vm_frame frames[XFO_VM_MAX_CALL_DEPTH];
    uint64_t reg[VM_REG_SLOTS];
    uint64_t budget = limit;          /* instructions left to run */
    const struct ebpf_insn *insn = insns;
    uint32_t depth = 0;
    int err = 0;

    if ( !insns || !cnt || !vm->stack || vm->stack_size < XFO_STACK_SIZE )
    {
        err = -EINVAL;
        goto out;
    }

    /* Element by element: compilers turn a 128-byte "= { 0 }" into a
     * slow string instruction. r11..r15 are only read by invalid code. */
    reg[0] = 0;
    reg[1] = r1;
    reg[2] = r2;
    reg[3] = 0;
    reg[4] = 0;
    reg[5] = 0;
    reg[6] = 0;
    reg[7] = 0;
    reg[8] = 0;
    reg[9] = 0;
    reg[EBPF_REG_FP] = (uintptr_t)vm->stack + vm->stack_size;
    reg[11] = 0;
    reg[12] = 0;
    reg[13] = 0;
    reg[14] = 0;
    reg[15] = 0;

    for ( ;; )
    {
        const uint8_t code = insn->code;
        const unsigned int dst = insn->dst, src = insn->src;
        uint64_t *d = &reg[dst];
        uint64_t addr, v;
        uint32_t target;
        unsigned int size;

        if ( unlikely(!budget) )
        {
            err = -E2BIG;
            goto out;
        }
        budget--;

        if ( checked && (dst >= EBPF_REG_NR || src >= EBPF_REG_NR) )
            goto invalid;

        switch ( code )
        {
        /* ---------------- ALU64 ---------------- */
        ALU64(EBPF_ALU_ADD, *d += s)
        ALU64(EBPF_ALU_SUB, *d -= s)
        ALU64(EBPF_ALU_MUL, *d *= s)
        ALU64(EBPF_ALU_OR, *d |= s)
        ALU64(EBPF_ALU_AND, *d &= s)
        ALU64(EBPF_ALU_XOR, *d ^= s)
        ALU64(EBPF_ALU_LSH, *d <<= s & 63)
        ALU64(EBPF_ALU_RSH, *d >>= s & 63)
        ALU64(EBPF_ALU_ARSH, *d = arsh64(*d, s & 63))
        ALU64(EBPF_ALU_DIV,
              if ( insn->off == 0 )
                  *d = s ? *d / s : 0;
              else if ( insn->off == 1 )
                  *d = s ? sdiv64(*d, s) : 0;
              else
                  goto invalid)
        ALU64(EBPF_ALU_MOD,
              if ( insn->off == 0 )
              {
                  if ( s )
                      *d %= s;
              }
              else if ( insn->off == 1 )
              {
                  if ( s )
                      *d = smod64(*d, s);
              }
              else
                  goto invalid)
        case EBPF_CLS_ALU64 | EBPF_SRC_K | EBPF_ALU_NEG:
            *d = (uint64_t)0 - *d;
            break;
        case EBPF_CLS_ALU64 | EBPF_SRC_K | EBPF_ALU_MOV:
            if ( insn->off )
                goto invalid;
            *d = imm64(insn);
            break;
        case EBPF_CLS_ALU64 | EBPF_SRC_X | EBPF_ALU_MOV:
            v = reg[src];
            switch ( insn->off )
            {
            case 0:  *d = v; break;
            case 8:  *d = sx8((uint8_t)v); break;
            case 16: *d = sx16((uint16_t)v); break;
            case 32: *d = sx32((uint32_t)v); break;
            default: goto invalid;
            }
            break;
        case EBPF_CLS_ALU64 | EBPF_END_TO_LE | EBPF_ALU_END:
            if ( !vm_end(d, insn->imm, true) )
                goto invalid;
            break;

        /* ---------------- ALU (32-bit, zero-extending) ---------------- */
        ALU32(EBPF_ALU_ADD, r = a + s)
        ALU32(EBPF_ALU_SUB, r = a - s)
        ALU32(EBPF_ALU_MUL, r = a * s)
        ALU32(EBPF_ALU_OR, r = a | s)
        ALU32(EBPF_ALU_AND, r = a & s)
        ALU32(EBPF_ALU_XOR, r = a ^ s)
        ALU32(EBPF_ALU_LSH, r = a << (s & 31))
        ALU32(EBPF_ALU_RSH, r = a >> (s & 31))
        ALU32(EBPF_ALU_ARSH, r = arsh32(a, s & 31))
        ALU32(EBPF_ALU_DIV,
              if ( insn->off == 0 )
                  r = s ? a / s : 0;
              else if ( insn->off == 1 )
                  r = s ? sdiv32(a, s) : 0;
              else
                  goto invalid)
        ALU32(EBPF_ALU_MOD,
              if ( insn->off == 0 )
                  r = s ? a % s : a;
              else if ( insn->off == 1 )
                  r = s ? smod32(a, s) : a;
              else
                  goto invalid)
        case EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_NEG:
            *d = (uint32_t)((uint32_t)0 - (uint32_t)*d);
            break;
        case EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_MOV:
            if ( insn->off )
                goto invalid;
            *d = (uint32_t)insn->imm;
            break;
        case EBPF_CLS_ALU | EBPF_SRC_X | EBPF_ALU_MOV:
            v = reg[src];
            switch ( insn->off )
            {
            case 0:  *d = (uint32_t)v; break;
            case 8:  *d = (uint32_t)sx8((uint8_t)v); break;
            case 16: *d = (uint32_t)sx16((uint16_t)v); break;
            default: goto invalid;
            }
            break;
        case EBPF_CLS_ALU | EBPF_END_TO_LE | EBPF_ALU_END:
            if ( !vm_end(d, insn->imm, VM_HOST_BE) )
                goto invalid;
            break;
        case EBPF_CLS_ALU | EBPF_END_TO_BE | EBPF_ALU_END:
            if ( !vm_end(d, insn->imm, !VM_HOST_BE) )
                goto invalid;
            break;

        /* ---------------- JMP, JMP32 ---------------- */
        case EBPF_OP_JA:
            goto jump_off;
        case EBPF_OP_JA32:
            if ( !vm_target(VM_PC, insn->imm, cnt, &target) )
                goto out_of_range;
            insn = insns + target;
            continue;
        JCOND(EBPF_JMP_JEQ)
        JCOND(EBPF_JMP_JGT)
        JCOND(EBPF_JMP_JGE)
        JCOND(EBPF_JMP_JSET)
        JCOND(EBPF_JMP_JNE)
        JCOND(EBPF_JMP_JSGT)
        JCOND(EBPF_JMP_JSGE)
        JCOND(EBPF_JMP_JLT)
        JCOND(EBPF_JMP_JLE)
        JCOND(EBPF_JMP_JSLT)
        JCOND(EBPF_JMP_JSLE)

        case EBPF_OP_CALL:
            if ( src == EBPF_CALL_LOCAL )
            {
                struct vm_frame *f;

                if ( !vm_target(VM_PC, insn->imm, cnt, &target) )
                    goto out_of_range;
                if ( depth + 1 >= XFO_VM_MAX_CALL_DEPTH ||
                     (uint64_t)(depth + 2) * XFO_STACK_SIZE > vm->stack_size )
                {
                    err = -ELOOP;
                    goto out;
                }
                f = &frames[depth++];
                f->saved[0] = reg[6];
                f->saved[1] = reg[7];
                f->saved[2] = reg[8];
                f->saved[3] = reg[9];
                f->saved[4] = reg[10];
                f->ret_pc = VM_PC + 1;
                reg[10] -= XFO_STACK_SIZE;
                insn = insns + target;
                continue;
            }
            if ( src != EBPF_CALL_HELPER )
                goto invalid;
            v = (uint32_t)insn->imm;
            goto call_helper;
        case EBPF_OP_CALLX:
            v = *d;
        call_helper:
            {
                int herr = 0;

                if ( !vm->call_helper || v > 0xffffffffu )
                {
                    err = -ENOENT;
                    goto out;
                }
                reg[0] = vm->call_helper(vm->opaque, (uint32_t)v, &reg[1],
                                         &herr);
                if ( herr )
                {
                    err = -ENOENT;
                    goto out;
                }
            }
            break;
        case EBPF_OP_EXIT:
            if ( !depth )
                goto out;
            {
                const struct vm_frame *f = &frames[--depth];

                reg[6] = f->saved[0];
                reg[7] = f->saved[1];
                reg[8] = f->saved[2];
                reg[9] = f->saved[3];
                reg[10] = f->saved[4];
                insn = insns + f->ret_pc;
            }
            if ( checked && VM_PC >= cnt )
                goto out_of_range;
            continue;

        /* ---------------- LD: 64-bit immediate ---------------- */
        case EBPF_OP_LDDW:
            if ( VM_PC + 1 >= cnt || insn[1].code ||
                 (checked && (insn[1].dst || insn[1].src || insn[1].off)) )
                goto invalid;
            if ( src == 0 )
                *d = (uint32_t)insn->imm |
                     ((uint64_t)(uint32_t)insn[1].imm << 32);
            else if ( src == XFO_PSEUDO_MAP_IDX )
                *d = (uint32_t)insn->imm;
            else
                goto invalid;
            insn++;
            break;

        /* ---------------- LDX ---------------- */
        MEM_CASES(EBPF_CLS_LDX, EBPF_MODE_MEM):
            size = ebpf_size_bytes(code);
            addr = reg[src] + (uint64_t)(int64_t)insn->off;
            if ( checked && !vm_access_ok(vm, addr, size, XFO_VM_READ) )
                goto fault;
            *d = vm_load((uintptr_t)addr, size);
            break;
        case EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_B:
        case EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_H:
        case EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_W:
            size = ebpf_size_bytes(code);
            addr = reg[src] + (uint64_t)(int64_t)insn->off;
            if ( checked && !vm_access_ok(vm, addr, size, XFO_VM_READ) )
                goto fault;
            v = vm_load((uintptr_t)addr, size);
            *d = size == 1 ? sx8((uint8_t)v) :
                 size == 2 ? sx16((uint16_t)v) : sx32((uint32_t)v);
            break;

        /* ---------------- ST, STX ---------------- */
        MEM_CASES(EBPF_CLS_ST, EBPF_MODE_MEM):
            v = imm64(insn);
            goto store;
        MEM_CASES(EBPF_CLS_STX, EBPF_MODE_MEM):
            v = reg[src];
        store:
            size = ebpf_size_bytes(code);
            addr = *d + (uint64_t)(int64_t)insn->off;
            if ( checked && !vm_access_ok(vm, addr, size, XFO_VM_WRITE) )
                goto fault;
            vm_store((uintptr_t)addr, size, v);
            break;

        /* ---------------- Atomics ---------------- */
        case EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_W:
        case EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW:
        {
            const bool wide = EBPF_SIZE(code) == EBPF_SIZE_DW;
            uint64_t old, new, val, mask = wide ? ~(uint64_t)0 : 0xffffffffu;

            size = wide ? 8 : 4;
            addr = *d + (uint64_t)(int64_t)insn->off;
            switch ( insn->imm )
            {
            case EBPF_ATOMIC_ADD:
            case EBPF_ATOMIC_OR:
            case EBPF_ATOMIC_AND:
            case EBPF_ATOMIC_XOR:
            case EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH:
            case EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH:
            case EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH:
            case EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH:
            case EBPF_ATOMIC_XCHG:
            case EBPF_ATOMIC_CMPXCHG:
                break;
            default:
                goto invalid;
            }
            if ( checked &&
                 !vm_access_ok(vm, addr, size, XFO_VM_READ | XFO_VM_WRITE) )
                goto fault;
            old = vm_load((uintptr_t)addr, size);
            val = reg[src] & mask;
            switch ( insn->imm & ~EBPF_ATOMIC_FETCH )
            {
            case EBPF_ATOMIC_ADD:
                new = old + val;
                break;
            case EBPF_ATOMIC_OR:
                new = old | val;
                break;
            case EBPF_ATOMIC_AND:
                new = old & val;
                break;
            case EBPF_ATOMIC_XOR:
                new = old ^ val;
                break;
            case EBPF_ATOMIC_XCHG & ~EBPF_ATOMIC_FETCH:
                new = val;
                break;
            default:                                /* CMPXCHG */
                new = (reg[0] & mask) == old ? val : old;
                break;
            }
            if ( insn->imm == EBPF_ATOMIC_CMPXCHG )
            {
                if ( new != old )
                    vm_store((uintptr_t)addr, size, new);
                reg[0] = old;
            }
            else
            {
                vm_store((uintptr_t)addr, size, new);
                if ( insn->imm & EBPF_ATOMIC_FETCH )
                    reg[src] = old;
            }
            break;
        }

        default:
            goto invalid;
        }

        if ( checked && VM_PC + 1 >= cnt )
            goto out_of_range;
        insn++;
        continue;

    jump_off:
        /* A taken JA or conditional jump: pc + 1 + off. */
        if ( !vm_target(VM_PC, insn->off, cnt, &target) )
            goto out_of_range;
        insn = insns + target;
    }

 invalid:
    err = -EINVAL;
    goto out;
 out_of_range:
    err = -ERANGE;
    goto out;
 fault:
    err = -EFAULT;
 out:
    if ( r0 )
        *r0 = err ? 0 : reg[0];
    if ( res )
    {
        res->err = err;
        res->pc = VM_PC;
        res->insns = limit - budget;
    }
    return err;
}

int xfo_vm_run(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
               uint64_t *r0, struct xfo_vm_result *res)
{
    return vm_exec(vm, r1, r2, r0, res, false);
}

int xfo_vm_run_checked(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
                       uint64_t *r0, struct xfo_vm_result *res)
{
    return vm_exec(vm, r1, r2, r0, res, true);
}
