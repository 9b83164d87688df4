/* SPDX-License-Identifier: MIT */
/*
 * The interpreter's arithmetic and memory primitives, in unsigned types
 * with Linux's defined results (core/interp.c): sign extension, shifts,
 * signed division, byte swaps and unaligned loads and stores.
 */
#ifndef XFO_CORE_INTERP_OPS_H
#define XFO_CORE_INTERP_OPS_H

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif

/* What a local call saves: the callee-saved registers and where to return. */
struct vm_frame {
    uint64_t saved[5];                /* r6..r10 */
    uint32_t ret_pc;
};

/*
 * Register file: 16 slots, so a 4-bit register field can never index
 * past it even in the unchecked mode. r11..r15 are never valid.
 */
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

/* The constant an LDDW with src 0 loads: imm of each slot, low first. */
static __always_inline uint64_t lddw_imm64(const struct ebpf_insn *insn)
{
    return (uint32_t)insn->imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
}

/*
 * An LDDW that the plain handler runs, n slots from the end: a second
 * slot whose code is 0, and src 0 (a constant) or a map handle. The
 * checked mode also wants the second slot's other fields zero.
 */
static __always_inline bool vm_lddw_ok(const struct ebpf_insn *insn,
                                       uint64_t n)
{
    return n >= 2 && !insn[1].code &&
           (!insn->src || insn->src == XFO_PSEUDO_MAP_IDX);
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

#endif /* XFO_CORE_INTERP_OPS_H */
