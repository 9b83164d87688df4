/* SPDX-License-Identifier: MIT */
/*
 * The eBPF interpreter: the whole ISA of RFC 9669 (legacy packet access
 * excepted), with Linux's defined results for division by zero, shift
 * amounts and signed overflow.
 *
 * One worker, core/interp_body.h, included twice: xfo_vm_run() trusts the
 * verifier for memory safety and runs without bounds checks;
 * xfo_vm_run_checked() checks every access against vm->regions and the
 * stack and trusts nothing, so arbitrary bytecode can never make it touch
 * memory it was not given.
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

/* The number of instructions a run may take. */
static __always_inline uint64_t vm_limit(const struct xfo_vm *vm)
{
    return vm->insn_limit ? vm->insn_limit : ~(uint64_t)0;
}

/*
 * A jump or call target: pc + 1 + rel, inside the program? Unsigned: a
 * target before the start wraps to far past cnt.
 */
static __always_inline bool vm_target(uint64_t pc, int64_t rel, uint32_t cnt,
                                      uint64_t *target)
{
    const uint64_t t = pc + 1 + (uint64_t)rel;

    if ( t >= cnt )
        return false;
    *target = t;
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
 * The array-map helpers, run here when the embedder gives the maps
 * (vm->maps). A map handle is the map's index, the value LDDW src_reg
 * XFO_PSEUDO_MAP_IDX loads; u32 arguments are the low halves of their
 * registers. Buffers must lie in the stack, checked in both modes: the
 * verifier guarantees it for verified programs, the check keeps unverified
 * ones safe. Results, as negative errno values in r0:
 *
 *   map_read(map, key, buf, size), map_write(map, key, buf, size)
 *     -EINVAL  the handle names no map, or size is 0
 *     -ENOENT  key >= max_entries
 *     -E2BIG   size > value_size (a smaller size copies the value's first
 *              size bytes)
 *     -EFAULT  [buf, buf + size) is not inside the stack
 *     map_read zeroes a valid buffer when it fails, so that the program
 *     never reads stale bytes as a value.
 *   map_add(map, key, delta)
 *     the new value of the value's first 8 bytes (atomic); 0 when the
 *     handle names no map or key >= max_entries
 */
static __always_inline uint64_t helper_ret(int err)
{
    return (uint64_t)(int64_t)err;
}

static __always_inline uint8_t *vm_stack_buf(const struct xfo_vm *vm,
                                             uint64_t addr, uint64_t size)
{
    const uint64_t start = (uintptr_t)vm->stack;

    if ( addr < start || size > vm->stack_size ||
         addr - start > vm->stack_size - size )
        return NULL;
    return (uint8_t *)(uintptr_t)addr;
}

void *xfo_vm_stack_buf(const struct xfo_vm *vm, uint64_t addr,
                       uint64_t size)
{
    return vm_stack_buf(vm, addr, size);
}

static __always_inline const struct xfo_vm_map *vm_map(
    const struct xfo_vm *vm, uint64_t handle)
{
    if ( handle >= vm->map_cnt )
        return NULL;
    return &vm->maps[xfo_index_nospec(handle, vm->map_cnt)];
}

static __always_inline uint64_t vm_map_copy(const struct xfo_vm *vm,
                                            const uint64_t a[5], bool write)
{
    const struct xfo_vm_map *m = vm_map(vm, a[0]);
    uint32_t key = (uint32_t)a[1], size = (uint32_t)a[3];
    uint8_t *buf = vm_stack_buf(vm, a[2], size);
    uint8_t *value;
    int err = 0;

    if ( !m || !size )
        err = -EINVAL;
    else if ( key >= m->max_entries )
        err = -ENOENT;
    else if ( size > m->value_size )
        err = -E2BIG;
    else if ( !buf )
        err = -EFAULT;
    if ( err )
    {
        if ( !write && buf )
            xfo_memset(buf, 0, size);
        return helper_ret(err);
    }

    value = m->values +
            (size_t)xfo_index_nospec(key, m->max_entries) * m->value_size;
    /* The usual value is one u64: a constant size copies inline. */
    if ( size == sizeof(uint64_t) )
        xfo_memcpy(write ? value : buf, write ? buf : value, sizeof(uint64_t));
    else
        xfo_memcpy(write ? value : buf, write ? buf : value, size);
    return 0;
}

static __always_inline uint64_t vm_map_add(const struct xfo_vm *vm,
                                           const uint64_t a[5])
{
    const struct xfo_vm_map *m = vm_map(vm, a[0]);
    const uint32_t key = (uint32_t)a[1];
    uint64_t *value;

    if ( !m || key >= m->max_entries )
        return 0;
    value = (uint64_t *)(void *)(m->values +
        (size_t)xfo_index_nospec(key, m->max_entries) * m->value_size);
    return xfo_atomic_add_fetch(value, a[2]);
}

/*
 * Handler generators for interp_body.h. Each ALU and JMP operation gets
 * one handler per source form, so that the operation and the kind of
 * operand are constants in each: no second dispatch inside a handler.
 * Every handler ends in VM_NEXT(), VM_JUMP() or VM_GOTO(), each of which
 * dispatches the next instruction itself.
 */

/* The index of the instruction being run, and its registers. */
#define VM_PC ((uint64_t)(insn - insns))
#define VM_D reg[insn->dst]
#define VM_S reg[insn->src]

/* ALU64: stmt works on *d with the 64-bit source s. */
#define ALU64(name, stmt) \
 alu64_k_##name: \
    { \
        uint64_t *const d = &VM_D; \
        const uint64_t s = imm64(insn); \
        stmt; \
    } \
    VM_NEXT(); \
 alu64_x_##name: \
    { \
        uint64_t *const d = &VM_D; \
        const uint64_t s = VM_S; \
        stmt; \
    } \
    VM_NEXT();

/*
 * ALU: stmt works on the low half a of the destination with the 32-bit
 * source s and yields the 32-bit result r, which is zero-extended.
 */
#define ALU32(name, stmt) \
 alu32_k_##name: \
    { \
        const uint32_t s = (uint32_t)insn->imm, a = (uint32_t)VM_D; \
        uint32_t r; \
        stmt; \
        VM_D = r; \
    } \
    VM_NEXT(); \
 alu32_x_##name: \
    { \
        const uint32_t s = (uint32_t)VM_S, a = (uint32_t)VM_D; \
        uint32_t r; \
        stmt; \
        VM_D = r; \
    } \
    VM_NEXT();

#define ALU_ENTRIES(E, op, name) \
    E(EBPF_CLS_ALU64 | EBPF_SRC_K | (op), alu64_k_##name) \
    E(EBPF_CLS_ALU64 | EBPF_SRC_X | (op), alu64_x_##name) \
    E(EBPF_CLS_ALU | EBPF_SRC_K | (op), alu32_k_##name) \
    E(EBPF_CLS_ALU | EBPF_SRC_X | (op), alu32_x_##name)

/* Conditional jumps, 64- and 32-bit, immediate and register. */
#define JCOND(op, name) \
 jmp_k_##name: \
    if ( vm_cond64(op, VM_D, imm64(insn)) ) \
        VM_JUMP(insn->off); \
    VM_NEXT(); \
 jmp_x_##name: \
    if ( vm_cond64(op, VM_D, VM_S) ) \
        VM_JUMP(insn->off); \
    VM_NEXT(); \
 jmp32_k_##name: \
    if ( vm_cond32(op, (uint32_t)VM_D, (uint32_t)insn->imm) ) \
        VM_JUMP(insn->off); \
    VM_NEXT(); \
 jmp32_x_##name: \
    if ( vm_cond32(op, (uint32_t)VM_D, (uint32_t)VM_S) ) \
        VM_JUMP(insn->off); \
    VM_NEXT();

#define JCOND_ENTRIES(E, op, name) \
    E(EBPF_CLS_JMP | EBPF_SRC_K | (op), jmp_k_##name) \
    E(EBPF_CLS_JMP | EBPF_SRC_X | (op), jmp_x_##name) \
    E(EBPF_CLS_JMP32 | EBPF_SRC_K | (op), jmp32_k_##name) \
    E(EBPF_CLS_JMP32 | EBPF_SRC_X | (op), jmp32_x_##name)

/*
 * Calls helper id with r1..r5, for CALL and CALLX; r0 takes the result,
 * then `then` moves on. The map helpers run inline when the embedder gave
 * the maps, each with its own copy of the code: their buffer direction
 * and size checks are then constants.
 */
#define VM_CALL_HELPER(id, then) \
    do { \
        const uint64_t id_ = (id); \
        \
        if ( vm->maps ) \
        { \
            if ( id_ == XFO_HELPER_MAP_ADD ) \
            { \
                reg[0] = vm_map_add(vm, &reg[1]); \
                then; \
            } \
            if ( id_ == XFO_HELPER_MAP_READ ) \
            { \
                reg[0] = vm_map_copy(vm, &reg[1], false); \
                then; \
            } \
            if ( id_ == XFO_HELPER_MAP_WRITE ) \
            { \
                reg[0] = vm_map_copy(vm, &reg[1], true); \
                then; \
            } \
        } \
        if ( !vm->call_helper || id_ > 0xffffffffu ) \
        { \
            err = -ENOENT; \
            goto out_here; \
        } \
        { \
            /* \
             * Here, not above: its address escapes, so its zeroing \
             * would cost a store on the map helpers' path too. \
             */ \
            int herr = 0; \
            \
            reg[0] = vm->call_helper(vm->opaque, (uint32_t)id_, &reg[1], \
                                     &herr); \
            if ( herr ) \
            { \
                err = -ENOENT; \
                goto out_here; \
            } \
        } \
        then; \
    } while ( 0 )

/* Memory: one handler per access size, so that the size is a constant. */
#define MEM_SIZES(gen) gen(b, 1) gen(h, 2) gen(w, 4) gen(dw, 8)

#define MEM_ENTRIES(E, kind, mode) \
    E((mode) | EBPF_SIZE_B, kind##_b) \
    E((mode) | EBPF_SIZE_H, kind##_h) \
    E((mode) | EBPF_SIZE_W, kind##_w) \
    E((mode) | EBPF_SIZE_DW, kind##_dw)

#define LDX(sz, size) \
 ldx_##sz: \
    { \
        const uint64_t addr = VM_S + (uint64_t)(int64_t)insn->off; \
        VM_ACCESS(addr, size, XFO_VM_READ); \
        VM_D = vm_load((uintptr_t)addr, size); \
    } \
    VM_NEXT();

/* Sign-extending loads: ext widens the loaded v. */
#define LDXSX(sz, size, ext) \
 ldxsx_##sz: \
    { \
        const uint64_t addr = VM_S + (uint64_t)(int64_t)insn->off; \
        uint64_t v; \
        VM_ACCESS(addr, size, XFO_VM_READ); \
        v = vm_load((uintptr_t)addr, size); \
        VM_D = ext; \
    } \
    VM_NEXT();

#define STORE(label, size, val) \
 label: \
    { \
        const uint64_t addr = VM_D + (uint64_t)(int64_t)insn->off; \
        VM_ACCESS(addr, size, XFO_VM_WRITE); \
        vm_store((uintptr_t)addr, size, val); \
    } \
    VM_NEXT();
#define ST(sz, size) STORE(st_##sz, size, imm64(insn))
#define STX(sz, size) STORE(stx_##sz, size, VM_S)

/*
 * Every opcode with its handler, as E(opcode, label): interp_body.h makes
 * a label table or a switch of it. Opcodes not listed are invalid.
 */
#define VM_HANDLERS(E) \
    ALU_ENTRIES(E, EBPF_ALU_ADD, add) \
    ALU_ENTRIES(E, EBPF_ALU_SUB, sub) \
    ALU_ENTRIES(E, EBPF_ALU_MUL, mul) \
    ALU_ENTRIES(E, EBPF_ALU_DIV, div) \
    ALU_ENTRIES(E, EBPF_ALU_OR, or) \
    ALU_ENTRIES(E, EBPF_ALU_AND, and) \
    ALU_ENTRIES(E, EBPF_ALU_LSH, lsh) \
    ALU_ENTRIES(E, EBPF_ALU_RSH, rsh) \
    ALU_ENTRIES(E, EBPF_ALU_MOD, mod) \
    ALU_ENTRIES(E, EBPF_ALU_XOR, xor) \
    ALU_ENTRIES(E, EBPF_ALU_ARSH, arsh) \
    E(EBPF_CLS_ALU64 | EBPF_SRC_K | EBPF_ALU_NEG, alu64_neg) \
    E(EBPF_CLS_ALU64 | EBPF_SRC_K | EBPF_ALU_MOV, alu64_k_mov) \
    E(EBPF_CLS_ALU64 | EBPF_SRC_X | EBPF_ALU_MOV, alu64_x_mov) \
    E(EBPF_CLS_ALU64 | EBPF_END_TO_LE | EBPF_ALU_END, alu64_bswap) \
    E(EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_NEG, alu32_neg) \
    E(EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_MOV, alu32_k_mov) \
    E(EBPF_CLS_ALU | EBPF_SRC_X | EBPF_ALU_MOV, alu32_x_mov) \
    E(EBPF_CLS_ALU | EBPF_END_TO_LE | EBPF_ALU_END, alu32_to_le) \
    E(EBPF_CLS_ALU | EBPF_END_TO_BE | EBPF_ALU_END, alu32_to_be) \
    E(EBPF_OP_JA, ja) \
    E(EBPF_OP_JA32, ja32) \
    JCOND_ENTRIES(E, EBPF_JMP_JEQ, jeq) \
    JCOND_ENTRIES(E, EBPF_JMP_JGT, jgt) \
    JCOND_ENTRIES(E, EBPF_JMP_JGE, jge) \
    JCOND_ENTRIES(E, EBPF_JMP_JSET, jset) \
    JCOND_ENTRIES(E, EBPF_JMP_JNE, jne) \
    JCOND_ENTRIES(E, EBPF_JMP_JSGT, jsgt) \
    JCOND_ENTRIES(E, EBPF_JMP_JSGE, jsge) \
    JCOND_ENTRIES(E, EBPF_JMP_JLT, jlt) \
    JCOND_ENTRIES(E, EBPF_JMP_JLE, jle) \
    JCOND_ENTRIES(E, EBPF_JMP_JSLT, jslt) \
    JCOND_ENTRIES(E, EBPF_JMP_JSLE, jsle) \
    E(EBPF_OP_CALL, call) \
    E(EBPF_OP_CALLX, callx) \
    E(EBPF_OP_EXIT, op_exit) \
    E(EBPF_OP_LDDW, lddw) \
    MEM_ENTRIES(E, ldx, EBPF_CLS_LDX | EBPF_MODE_MEM) \
    E(EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_B, ldxsx_b) \
    E(EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_H, ldxsx_h) \
    E(EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_W, ldxsx_w) \
    MEM_ENTRIES(E, st, EBPF_CLS_ST | EBPF_MODE_MEM) \
    MEM_ENTRIES(E, stx, EBPF_CLS_STX | EBPF_MODE_MEM) \
    E(EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_W, atomic) \
    E(EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW, atomic)

/*
 * Fused sequences, for the unchecked mode only: xfo_vm_fuse() gives the
 * first instruction of a common pair or triple one of these opcodes, which
 * no eBPF defines (class LD with modes 0x60, 0xa0, 0xc0 and 0xe0, and 0x20
 * and 0x40, legacy packet access, which xfo does not run), and its handler
 * runs them all with one dispatch. The others keep their own opcodes, so a
 * jump to one still runs it alone, and instruction counts stay exact (they
 * follow from the pc). They are what clang emits for policies: the bit
 * tests and range checks of the fault context at the top of every policy,
 * a stack buffer's address and initialisation for a helper, the test of a
 * value read back from the stack, an argument set just before a helper
 * call and the helper's result saved after it, and a constant returned. A
 * well-formed LDDW gets one too, whose handler skips LDDW's checks.
 */
#define VM_FUSED_LDXW_JEQ32   0xa0    /* ldx_w rD; if wD == imm goto */
#define VM_FUSED_LDXW_JNE32   0xa8    /* ldx_w rD; if wD != imm goto */
#define VM_FUSED_LDXB_JEQ32   0xb0    /* ldx_b rD; if wD == imm goto */
#define VM_FUSED_LDXB_JNE32   0xb8    /* ldx_b rD; if wD != imm goto */
#define VM_FUSED_AND32_JEQ32  0xc0    /* wD &= imm; if wD == imm goto */
#define VM_FUSED_AND32_JNE32  0xc8    /* wD &= imm; if wD != imm goto */
#define VM_FUSED_LDXW_AND32   0xd0    /* ldx_w rD; wD &= imm */
#define VM_FUSED_LDXDW_JEQ    0xd8    /* ldx_dw rD; if rD == imm goto */
#define VM_FUSED_LDXDW_JNE    0xe0    /* ldx_dw rD; if rD != imm goto */
#define VM_FUSED_MOVX_ADDK    0xe8    /* rD = rS; rD += imm */
#define VM_FUSED_MOVK_STXDW   0xf0    /* rD = imm; *(u64 *)(rX + off) = rD */
#define VM_FUSED_LDXW_AND32_JEQ32 0x60 /* ldx_w rD; wD &= imm; if == goto */
#define VM_FUSED_LDXW_AND32_JNE32 0x68 /* ldx_w rD; wD &= imm; if != goto */
#define VM_FUSED_MOVK_CALL    0x70    /* rD = imm; call helper */
#define VM_FUSED_MOV32K_CALL  0x78    /* wD = imm; call helper */
#define VM_FUSED_CALL_MOVR0   0x40    /* call helper; rD = r0 (plain mov) */
#define VM_FUSED_MOVK_EXIT    0x48    /* rD = imm; exit */
#define VM_FUSED_MOV32K_EXIT  0x50    /* wD = imm; exit */
#define VM_FUSED_ENTRY_R0_ZERO 0x58   /* r0 = 0 at index 0: skipped on entry */
#define VM_FUSED_LDDW_IMM     0x20    /* rD = imm64, well formed */
#define VM_FUSED_LDDW_MAP     0x28    /* rD = map handle, well formed */

#define VM_FUSED(E) \
    E(VM_FUSED_LDXW_JEQ32, fused_ldxw_jeq32) \
    E(VM_FUSED_LDXW_JNE32, fused_ldxw_jne32) \
    E(VM_FUSED_LDXB_JEQ32, fused_ldxb_jeq32) \
    E(VM_FUSED_LDXB_JNE32, fused_ldxb_jne32) \
    E(VM_FUSED_AND32_JEQ32, fused_and32_jeq32) \
    E(VM_FUSED_AND32_JNE32, fused_and32_jne32) \
    E(VM_FUSED_LDXW_AND32, fused_ldxw_and32) \
    E(VM_FUSED_LDXDW_JEQ, fused_ldxdw_jeq) \
    E(VM_FUSED_LDXDW_JNE, fused_ldxdw_jne) \
    E(VM_FUSED_MOVX_ADDK, fused_movx_addk) \
    E(VM_FUSED_MOVK_STXDW, fused_movk_stxdw) \
    E(VM_FUSED_LDXW_AND32_JEQ32, fused_ldxw_and32_jeq32) \
    E(VM_FUSED_LDXW_AND32_JNE32, fused_ldxw_and32_jne32) \
    E(VM_FUSED_MOVK_CALL, fused_movk_call) \
    E(VM_FUSED_MOV32K_CALL, fused_mov32k_call) \
    E(VM_FUSED_CALL_MOVR0, fused_call_movr0) \
    E(VM_FUSED_MOVK_EXIT, fused_movk_exit) \
    E(VM_FUSED_MOV32K_EXIT, fused_mov32k_exit) \
    E(VM_FUSED_ENTRY_R0_ZERO, fused_entry_r0_zero) \
    E(VM_FUSED_LDDW_IMM, fused_lddw_imm) \
    E(VM_FUSED_LDDW_MAP, fused_lddw_map)

/*
 * Each fused opcode with the handler of its first instruction alone, for
 * when every instruction must be counted before it runs (near the limit).
 */
#define VM_UNFUSED(E) \
    E(VM_FUSED_LDXW_JEQ32, ldx_w) \
    E(VM_FUSED_LDXW_JNE32, ldx_w) \
    E(VM_FUSED_LDXB_JEQ32, ldx_b) \
    E(VM_FUSED_LDXB_JNE32, ldx_b) \
    E(VM_FUSED_AND32_JEQ32, alu32_k_and) \
    E(VM_FUSED_AND32_JNE32, alu32_k_and) \
    E(VM_FUSED_LDXW_AND32, ldx_w) \
    E(VM_FUSED_LDXDW_JEQ, ldx_dw) \
    E(VM_FUSED_LDXDW_JNE, ldx_dw) \
    E(VM_FUSED_MOVX_ADDK, alu64_x_mov) \
    E(VM_FUSED_MOVK_STXDW, alu64_k_mov) \
    E(VM_FUSED_LDXW_AND32_JEQ32, ldx_w) \
    E(VM_FUSED_LDXW_AND32_JNE32, ldx_w) \
    E(VM_FUSED_MOVK_CALL, alu64_k_mov) \
    E(VM_FUSED_MOV32K_CALL, alu32_k_mov) \
    E(VM_FUSED_CALL_MOVR0, call) \
    E(VM_FUSED_MOVK_EXIT, alu64_k_mov) \
    E(VM_FUSED_MOV32K_EXIT, alu32_k_mov) \
    E(VM_FUSED_ENTRY_R0_ZERO, alu64_k_mov) \
    E(VM_FUSED_LDDW_IMM, lddw) \
    E(VM_FUSED_LDDW_MAP, lddw)

/*
 * The fused handlers test the value they computed, not the register
 * again: the pair shares its destination, which the compiler cannot know.
 */

/* ldx rD = *(size *)(rS + off), then if (u32)rD cmp imm goto. */
#define FUSED_LDX_JCC32(label, size, cmp) \
 label: \
    { \
        const uint64_t v_ = vm_load((uintptr_t)(VM_S + \
                                    (uint64_t)(int64_t)insn->off), size); \
        \
        VM_D = v_; \
        insn++; \
        if ( (uint32_t)v_ cmp (uint32_t)insn->imm ) \
            VM_SKIP(insn->off); \
    } \
    VM_NEXT();

/* ldx rD = *(u32 *)(rS + off), wD &= imm, then if wD cmp imm goto. */
#define FUSED_LDXW_AND32_JCC32(label, cmp) \
 label: \
    { \
        const uint32_t v_ = vm_load((uintptr_t)(VM_S + \
                                    (uint64_t)(int64_t)insn->off), 4) & \
                            (uint32_t)insn[1].imm; \
        \
        VM_D = v_; \
        insn += 2; \
        if ( v_ cmp (uint32_t)insn->imm ) \
            VM_SKIP(insn->off); \
    } \
    VM_NEXT();

/* ldx rD = *(u64 *)(rS + off), then if rD cmp imm goto. */
#define FUSED_LDXDW_JCC(label, cmp) \
 label: \
    { \
        const uint64_t v_ = vm_load((uintptr_t)(VM_S + \
                                    (uint64_t)(int64_t)insn->off), 8); \
        \
        VM_D = v_; \
        insn++; \
        if ( v_ cmp imm64(insn) ) \
            VM_SKIP(insn->off); \
    } \
    VM_NEXT();

/* wD &= imm, then if wD cmp imm goto. */
#define FUSED_AND32_JCC32(label, cmp) \
 label: \
    { \
        const uint32_t v_ = (uint32_t)VM_D & (uint32_t)insn->imm; \
        \
        VM_D = v_; \
        insn++; \
        if ( v_ cmp (uint32_t)insn->imm ) \
            VM_SKIP(insn->off); \
    } \
    VM_NEXT();

/*
 * Threaded dispatch (an indirect jump at the end of every handler) is the
 * fastest where indirect branches are plain jumps. Under retpolines, as in
 * a Xen built with CONFIG_INDIRECT_THUNK, each would go through the thunk
 * and cost a deliberate misprediction: there a switch, which compiles to
 * a tree of direct branches under -fno-jump-tables, is ~2.5x faster.
 */
#ifdef XFO_INTERP_SWITCH
#define VM_THREADED 0
#else
#define VM_THREADED 1
#endif

/*
 * The label table's default entry, [0 ... 255] = &&invalid, is meant to be
 * overridden by the entries after it.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"

#define VM_CHECKED 0
#define VM_RUN xfo_vm_run
#include "interp_body.h"

#define VM_CHECKED 1
#define VM_RUN xfo_vm_run_checked
#include "interp_body.h"

#pragma GCC diagnostic pop

/* The fused opcode for the pair a, b, or 0. */
static uint8_t vm_fused_pair(const struct ebpf_insn *a,
                             const struct ebpf_insn *b)
{
    const bool eq = b->code == (EBPF_CLS_JMP32 | EBPF_SRC_K | EBPF_JMP_JEQ);
    const bool ne = b->code == (EBPF_CLS_JMP32 | EBPF_SRC_K | EBPF_JMP_JNE);
    const bool and = b->code == (EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_AND);
    const bool eq64 = b->code == (EBPF_CLS_JMP | EBPF_SRC_K | EBPF_JMP_JEQ);
    const bool ne64 = b->code == (EBPF_CLS_JMP | EBPF_SRC_K | EBPF_JMP_JNE);

    /* A constant returned. */
    if ( b->code == EBPF_OP_EXIT && !a->off )
    {
        if ( a->code == (EBPF_CLS_ALU64 | EBPF_SRC_K | EBPF_ALU_MOV) )
            return VM_FUSED_MOVK_EXIT;
        if ( a->code == (EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_MOV) )
            return VM_FUSED_MOV32K_EXIT;
    }

    /* A helper's result saved: rD = r0 (a plain move) after the call. */
    if ( a->code == EBPF_OP_CALL && a->src == EBPF_CALL_HELPER &&
         b->code == (EBPF_CLS_ALU64 | EBPF_SRC_X | EBPF_ALU_MOV) &&
         b->src == 0 && !b->off )
        return VM_FUSED_CALL_MOVR0;

    /* An argument set just before a helper call (any registers). */
    if ( b->code == EBPF_OP_CALL && b->src == EBPF_CALL_HELPER && !a->off )
    {
        if ( a->code == (EBPF_CLS_ALU64 | EBPF_SRC_K | EBPF_ALU_MOV) )
            return VM_FUSED_MOVK_CALL;
        if ( a->code == (EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_MOV) )
            return VM_FUSED_MOV32K_CALL;
    }

    /* The store names the moved register as its source. */
    if ( a->code == (EBPF_CLS_ALU64 | EBPF_SRC_K | EBPF_ALU_MOV) && !a->off &&
         b->code == (EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW) &&
         b->src == a->dst )
        return VM_FUSED_MOVK_STXDW;

    if ( a->dst != b->dst )
        return 0;

    switch ( a->code )
    {
    case EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW:
        return eq64 ? VM_FUSED_LDXDW_JEQ : ne64 ? VM_FUSED_LDXDW_JNE : 0;
    case EBPF_CLS_ALU64 | EBPF_SRC_X | EBPF_ALU_MOV:
        return !a->off && b->code == (EBPF_CLS_ALU64 | EBPF_SRC_K |
                                      EBPF_ALU_ADD) ? VM_FUSED_MOVX_ADDK : 0;
    case EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W:
        return eq ? VM_FUSED_LDXW_JEQ32 : ne ? VM_FUSED_LDXW_JNE32
             : and ? VM_FUSED_LDXW_AND32 : 0;
    case EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B:
        return eq ? VM_FUSED_LDXB_JEQ32 : ne ? VM_FUSED_LDXB_JNE32 : 0;
    case EBPF_CLS_ALU | EBPF_SRC_K | EBPF_ALU_AND:
        return eq ? VM_FUSED_AND32_JEQ32 : ne ? VM_FUSED_AND32_JNE32 : 0;
    default:
        return 0;
    }
}

/* The fused opcode for the sequence at p (n instructions left), or 0. */
static uint8_t vm_fused_code(const struct ebpf_insn *p, uint32_t n)
{
    const uint8_t pair = n >= 2 ? vm_fused_pair(&p[0], &p[1]) : 0;
    uint8_t tail;

    if ( pair != VM_FUSED_LDXW_AND32 || n < 3 )
        return pair;
    /* and the 32-bit test that follows the mask */
    tail = vm_fused_pair(&p[1], &p[2]);
    return tail == VM_FUSED_AND32_JEQ32 ? VM_FUSED_LDXW_AND32_JEQ32
         : tail == VM_FUSED_AND32_JNE32 ? VM_FUSED_LDXW_AND32_JNE32 : pair;
}

uint32_t xfo_vm_fuse(struct ebpf_insn *insns, uint32_t cnt)
{
    uint32_t i, fused = 0;

    /* r0 = 0 first: the entry has done it (interp_body.h). */
    if ( cnt >= 2 && insns[0].code == (EBPF_CLS_ALU64 | EBPF_SRC_K |
                                       EBPF_ALU_MOV) &&
         !insns[0].dst && !insns[0].src && !insns[0].off && !insns[0].imm )
    {
        insns[0].code = VM_FUSED_ENTRY_R0_ZERO;
        fused++;
        i = 1;
    }
    else
        i = 0;

    /*
     * Left to right, so every step reads opcodes not yet rewritten. A
     * second instruction that starts a pair of its own is rewritten too:
     * jumps reach it.
     */
    for ( ; i + 1 < cnt; i++ )
    {
        uint8_t code;

        if ( insns[i].code == EBPF_OP_LDDW )
        {
            /* One the lddw handler accepts runs without its checks. */
            if ( vm_lddw_ok(&insns[i], cnt - i) )
            {
                insns[i].code = insns[i].src ? VM_FUSED_LDDW_MAP
                                             : VM_FUSED_LDDW_IMM;
                fused++;
            }
            i++;                      /* its second slot is no instruction */
            continue;
        }
        code = vm_fused_code(&insns[i], cnt - i);
        if ( code )
        {
            insns[i].code = code;
            fused++;
        }
    }
    return fused;
}
