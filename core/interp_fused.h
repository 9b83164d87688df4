/* SPDX-License-Identifier: MIT */
/*
 * The unchecked mode's fused opcodes (made by xfo_vm_fuse() in
 * core/interp.c) and the generators of their handlers.
 */
#ifndef XFO_CORE_INTERP_FUSED_H
#define XFO_CORE_INTERP_FUSED_H

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

#endif /* XFO_CORE_INTERP_FUSED_H */
