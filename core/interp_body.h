/* SPDX-License-Identifier: MIT */
/*
 * The interpreter's worker, included by core/interp.c once per mode, in
 * the manner of Xen's x86_emulate including its pieces: VM_CHECKED (0 or
 * 1) selects the mode and VM_RUN names the function. One body keeps the
 * two modes from drifting apart; a template function cannot do it because
 * GCC will not inline a function that takes label addresses.
 *
 * Dispatch is threaded (VM_THREADED): every handler ends with its own
 * indirect jump through a 256-entry table, so the branch predictor sees
 * one jump per opcode rather than one shared jump for all of them. The
 * switch form (for retpoline builds, see core/interp.c) sends every
 * handler to one switch over the same handler list instead.
 *
 * Counting instructions, which res->insns reports exactly in both modes:
 * the checked mode tests a budget before every instruction (unverified
 * code may loop). The unchecked mode counts nothing along straight-line
 * code, only where control jumps (see base); should the limit come within
 * reach, it switches to a table whose every entry checks the count before
 * the instruction runs (the switch form sets a flag instead).
 *
 * The handler generators are in interp_handlers.h and interp_fused.h; the
 * dispatch macros are in interp_dispatch.h, the ALU and JMP handlers
 * in interp_body_alu.h.
 */

#include "interp_dispatch.h"

int VM_RUN(const struct xfo_vm *vm, uint64_t r1, uint64_t r2, uint64_t *r0,
           struct xfo_vm_result *res)
{
#if VM_THREADED
#define VM_LABEL(code, label) [code] = &&label,
    static const void *const labels[256] = {
        [0 ... 255] = &&invalid,
        VM_HANDLERS(VM_LABEL)
#if !VM_CHECKED
        VM_FUSED(VM_LABEL)
#endif
    };
#if !VM_CHECKED
    /* Fused opcodes run their first instruction alone. */
    static const void *const unfused[256] = {
        [0 ... 255] = &&invalid,
        VM_HANDLERS(VM_LABEL)
        VM_UNFUSED(VM_LABEL)
    };
#endif
#undef VM_LABEL
#endif
    const struct ebpf_insn *const insns = vm->insns;
    const uint32_t cnt = vm->insn_cnt;
    const struct ebpf_insn *insn = insns;
    struct vm_frame frames[XFO_VM_MAX_CALL_DEPTH];
    uint64_t reg[VM_REG_SLOTS];
    uint64_t done;                    /* instructions run, at the end */
    uint64_t target;
    uint32_t depth = 0;
    int err;
#if VM_CHECKED
    uint64_t budget = vm_limit(vm);   /* instructions left to run */
#else
#if VM_THREADED
    /* Every entry checks the count, then runs the instruction. */
    static const void *const careful[256] = {
        [0 ... 255] = &&check_count,
    };
    const void *const *table = labels;
#else
    bool careful = false;             /* check the count before each insn */
#endif
    /*
     * Instructions run before insn, minus insn's index, plus cnt: constant
     * along straight-line code (LDDW's second slot aside), so only jumps,
     * calls and returns change it. From index t at most cnt - t
     * instructions run before control jumps again (this mode trusts the
     * program not to fall off its end), so while base <= limit on arrival
     * at t, the limit cannot be reached before that jump. base_max is the
     * limit, lowered where needed so base cannot wrap.
     */
    uint64_t base = cnt;
    const uint64_t base_max = vm_limit(vm) < ~(uint64_t)0 - cnt ?
                              vm_limit(vm) : ~(uint64_t)0 - cnt;
#endif

    if ( !insns || !cnt || !vm->stack || vm->stack_size < XFO_STACK_SIZE )
    {
        err = -EINVAL;
        done = 0;
        goto out;
    }

    reg[0] = 0;
    reg[1] = r1;
    reg[2] = r2;
    reg[EBPF_REG_FP] = (uintptr_t)vm->stack + vm->stack_size;
#if VM_CHECKED
    /*
     * Unverified code may read any register: give it zeroes, so that its
     * runs repeat. The unchecked mode leaves r3..r9 as they are, as a JIT
     * leaves the CPU's registers: the verifier proves that no register is
     * read before it is written. (Piecewise: compilers turn a 128-byte
     * "= { 0 }" into a slow string instruction; r11..r15 are only read by
     * invalid code.)
     */
    xfo_memset(&reg[3], 0, 7 * sizeof(reg[0]));
    xfo_memset(&reg[11], 0, 5 * sizeof(reg[0]));
#endif

#if !VM_CHECKED
    if ( unlikely(base > base_max) )
        goto near_limit;
    /*
     * A leading r0 = 0 (clang's default verdict) has nothing to do: r0 is
     * 0 already. Counts stay exact, as insn moves on with base as it is.
     */
    if ( insn->code == VM_FUSED_ENTRY_R0_ZERO )
        insn++;
#endif
    VM_DISPATCH();

#if !VM_CHECKED
 near_limit:
#if VM_THREADED
    table = careful;
#else
    careful = true;
#endif
    VM_DISPATCH();

 check_count:
    if ( base + VM_PC - cnt >= vm_limit(vm) )
    {
        err = -E2BIG;
        done = vm_limit(vm);
        goto out;
    }
#if VM_THREADED
    goto *unfused[insn->code];
#else
    switch ( insn->code )
    {
        VM_UNFUSED(VM_CASE)
    default:
        goto vm_switch;
    }
#endif
#if !VM_THREADED
 vm_dispatch:
    if ( unlikely(careful) )
        goto check_count;
    goto vm_switch;
#endif
#endif /* !VM_CHECKED */

#if !VM_THREADED
 vm_switch:
    switch ( insn->code )
    {
        VM_HANDLERS(VM_CASE)
#if !VM_CHECKED
        VM_FUSED(VM_CASE)
#endif
    default:
        goto invalid;
    }
#endif

#include "interp_body_alu.h"

    /* ---------------- LD: 64-bit immediate ---------------- */
 lddw:
    if ( !vm_lddw_ok(insn, (uint64_t)(insns + cnt - insn)) ||
         (VM_CHECKED && (insn[1].dst || insn[1].src || insn[1].off)) )
        goto invalid;
    VM_D = insn->src ? (uint32_t)insn->imm : lddw_imm64(insn);
    insn++;
#if !VM_CHECKED
    base--;                           /* two slots, one instruction */
#endif
    VM_NEXT();

    /* ---------------- LDX, ST, STX ---------------- */
    MEM_SIZES(LDX)
    LDXSX(b, 1, sx8((uint8_t)v))
    LDXSX(h, 2, sx16((uint16_t)v))
    LDXSX(w, 4, sx32((uint32_t)v))
    MEM_SIZES(ST)
    MEM_SIZES(STX)

    /* ---------------- Atomics ---------------- */
 atomic:
    {
        const bool wide = EBPF_SIZE(insn->code) == EBPF_SIZE_DW;
        const unsigned int size = wide ? 8 : 4;
        const uint64_t addr = VM_D + (uint64_t)(int64_t)insn->off;
        uint64_t old, new, val, mask = wide ? ~(uint64_t)0 : 0xffffffffu;

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
        VM_ACCESS(addr, size, XFO_VM_READ | XFO_VM_WRITE);
        old = vm_load((uintptr_t)addr, size);
        val = VM_S & mask;
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
                VM_S = old;
        }
    }
    VM_NEXT();

#if !VM_CHECKED
    /* ---------------- Fused pairs (interp_fused.h) ---------------- */
    FUSED_LDX_JCC32(fused_ldxw_jeq32, 4, ==)
    FUSED_LDX_JCC32(fused_ldxw_jne32, 4, !=)
    FUSED_LDX_JCC32(fused_ldxb_jeq32, 1, ==)
    FUSED_LDX_JCC32(fused_ldxb_jne32, 1, !=)
    FUSED_AND32_JCC32(fused_and32_jeq32, ==)
    FUSED_AND32_JCC32(fused_and32_jne32, !=)
 fused_ldxw_and32:
    VM_D = vm_load((uintptr_t)(VM_S + (uint64_t)(int64_t)insn->off), 4) &
           (uint32_t)insn[1].imm;
    insn++;
    VM_NEXT();
    FUSED_LDXW_AND32_JCC32(fused_ldxw_and32_jeq32, ==)
    FUSED_LDXW_AND32_JCC32(fused_ldxw_and32_jne32, !=)
    FUSED_LDXDW_JCC(fused_ldxdw_jeq, ==)
    FUSED_LDXDW_JCC(fused_ldxdw_jne, !=)
 fused_movx_addk:
    VM_D = VM_S + imm64(&insn[1]);
    insn++;
    VM_NEXT();
 fused_movk_call:
    VM_D = imm64(insn);
    insn++;
    goto fused_call;
 fused_mov32k_call:
    VM_D = (uint32_t)insn->imm;
    insn++;
 fused_call:
    /* The call may be fused with the move of its result too. */
    if ( insn->code == VM_FUSED_CALL_MOVR0 )
        goto fused_call_movr0;
    goto call;
 fused_call_movr0:
    VM_CALL_HELPER((uint32_t)insn->imm, VM_NEXT_MOVR0());
 fused_lddw_imm:
    VM_D = lddw_imm64(insn);
    insn++;
    base--;                           /* two slots, one instruction */
    VM_NEXT();
 fused_lddw_map:
    VM_D = (uint32_t)insn->imm;
    insn++;
    base--;
    VM_NEXT();
 fused_entry_r0_zero:
    reg[0] = 0;
    VM_NEXT();
 fused_movk_exit:
    VM_D = imm64(insn);
    insn++;
    goto op_exit;
 fused_mov32k_exit:
    VM_D = (uint32_t)insn->imm;
    insn++;
    goto op_exit;
 fused_movk_stxdw:
    VM_D = imm64(insn);
    insn++;
    vm_store((uintptr_t)(VM_D + (uint64_t)(int64_t)insn->off), 8, VM_S);
    VM_NEXT();
#endif

    /* ---------------- Errors ---------------- */
 invalid:
    err = -EINVAL;
    goto out_here;
 out_of_range:
    err = -ERANGE;
    goto out_here;
#if VM_CHECKED
 fault:
    err = -EFAULT;
    goto out_here;
 e2big:
    err = -E2BIG;
#endif
 out_here:
    /* The unchecked mode counts the segment up to and including insn. */
#if VM_CHECKED
    done = vm_limit(vm) - budget;
#else
    done = base + VM_PC + 1 - cnt;
#endif
 out:
    if ( r0 )
        *r0 = err ? 0 : reg[0];
    if ( res )
    {
        res->err = err;
        res->pc = (uint32_t)VM_PC;
        res->insns = done;
    }
    return err;
}

#undef VM_HANDLER
#undef VM_CASE
#undef VM_DISPATCH
#undef VM_NEXT
#undef VM_NEXT_MOVR0
#undef VM_GOTO
#undef VM_SKIP
#undef VM_ACCESS
#undef VM_JUMP
#undef VM_RUN
#undef VM_CHECKED
