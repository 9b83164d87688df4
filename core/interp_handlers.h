/* SPDX-License-Identifier: MIT */
/*
 * The handler generators and the opcode list of the interpreter, for
 * interp_body.h: macros only, expanded in each mode's body.
 */
#ifndef XFO_CORE_INTERP_HANDLERS_H
#define XFO_CORE_INTERP_HANDLERS_H

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

#endif /* XFO_CORE_INTERP_HANDLERS_H */
