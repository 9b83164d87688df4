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
 *
 * Its parts: interp_ops.h (arithmetic and memory primitives),
 * interp_env.h (ranges, budget, jumps, helpers and maps),
 * interp_handlers.h and interp_fused.h (handler generators, opcode
 * lists), interp_body.h with interp_dispatch.h and interp_body_alu.h
 * (the worker), and this file (the entry points and xfo_vm_fuse()).
 */
#include "private.h"
#include "xfo_core.h"
#include "interp_ops.h"
#include "interp_env.h"
#include "interp_handlers.h"
#include "interp_fused.h"

void *xfo_vm_stack_buf(const struct xfo_vm *vm, uint64_t addr,
                       uint64_t size)
{
    return vm_stack_buf(vm, addr, size);
}

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
