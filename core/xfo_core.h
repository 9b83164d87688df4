/* SPDX-License-Identifier: MIT */
/*
 * core/: the eBPF machinery shared by Xen and userspace. Freestanding: no
 * allocation (callers pass workspace and buffers), no printing (callers
 * pass a log), no globals that change. Core sources include core/private.h
 * first; userspace users include <stdarg.h>, <stdbool.h>, <stddef.h>,
 * <stdint.h> and <xfo.h> first (lib/libxfo.h does).
 */
#ifndef XFO_CORE_H
#define XFO_CORE_H

#ifndef XFO_PRINTF
#define XFO_PRINTF(f, a) __attribute__((format(__printf__, f, a)))
#endif

#include "ebpf.h"

/*
 * Log: a caller-supplied text buffer, always NUL-terminated, that never
 * overflows. Like Linux's bpf_verifier_log, the caller owns the memory.
 */
#define XFO_LOG_ERRORS   1            /* the reason for a refusal */
#define XFO_LOG_VERBOSE  2            /* plus every instruction and state */

struct xfo_log {
    char *buf;                        /* may be NULL: nothing is kept */
    uint32_t size;                    /* bytes at buf */
    uint32_t len;                     /* bytes written, NUL excluded */
    uint32_t level;                   /* XFO_LOG_*; 0 logs nothing */
    bool truncated;                   /* something did not fit */
};

void xfo_log_init(struct xfo_log *log, char *buf, uint32_t size,
                  uint32_t level);
void xfo_log_printf(struct xfo_log *log, const char *fmt, ...)
    XFO_PRINTF(2, 3);
void xfo_log_vprintf(struct xfo_log *log, const char *fmt, va_list ap);

/*
 * Formats into buf (always NUL-terminated when size > 0) and returns the
 * length the whole text needed. Understands %s %c %d %u %x %ld %lu %lx
 * %lld %llu %llx, a width and the '-', '+' and '0' flags, and %%.
 */
int xfo_snprintf(char *buf, size_t size, const char *fmt, ...)
    XFO_PRINTF(3, 4);

/*
 * Bytecode: a program's instructions and the maps they name, as Xen loads
 * it and the verifier and the disassembler see it (libxfo's struct
 * xfo_program is a program of a policy object; Xen has its own record of
 * a loaded program).
 */
struct xfo_bytecode {
    const struct ebpf_insn *insns;
    uint32_t insn_cnt;
    const struct xfo_map_def *maps;   /* indexed by XFO_PSEUDO_MAP_IDX imm */
    uint32_t map_cnt;
};

/*
 * Helper prototypes, shared by the verifier, the disassembler and the
 * helper implementations in Xen and in userspace.
 */
enum xfo_arg_kind {
    XFO_ARG_NONE = 0,                 /* unused slot: anything allowed */
    XFO_ARG_SCALAR,                   /* an initialised non-pointer */
    XFO_ARG_MAP,                      /* a map handle from LDDW */
    XFO_ARG_STACK_IN,                 /* stack buffer the helper reads */
    XFO_ARG_STACK_OUT,                /* stack buffer the helper fills */
    XFO_ARG_CONST_SIZE,               /* size of the preceding buffer */
};

struct xfo_helper_proto {
    const char *name;
    uint8_t args[5];                  /* enum xfo_arg_kind for r1..r5 */
    uint32_t max_size;                /* bound on a CONST_SIZE argument */
};

/* NULL for an unknown ID. */
const struct xfo_helper_proto *xfo_helper_proto(uint32_t id);

/*
 * Appends one trace() record to buf (cap bytes, *len of them used): a
 * uint32_t length, the size bytes of data, zeroes to a multiple of 4, as
 * XFOOP_trace_read hands them out. Whole or not at all. data NULL means
 * the program's buffer is not in its stack. Returns 0, -EINVAL (size 0),
 * -E2BIG (over XFO_TRACE_MAX_RECORD), -EFAULT or -ENOSPC (no room).
 */
int xfo_trace_append(uint8_t *buf, uint32_t cap, uint32_t *len,
                     const void *data, uint32_t size);

/*
 * Verifier (the hypervisor profile; rules in docs/verifier.md).
 */
struct xfo_verifier_stats {
    uint32_t insns_visited;           /* instructions checked */
    uint32_t merge_points;            /* jump targets with joined states */
    uint32_t stack_depth;             /* deepest stack byte used */
    uint32_t helpers_used;            /* bit per helper ID */
};

/* Bytes of workspace xfo_verify() needs for a program of insn_cnt. */
size_t xfo_verifier_workspace_size(uint32_t insn_cnt);

/*
 * Returns 0 when the program is safe to run in Xen; otherwise a negative
 * errno value, with the reason in the log (instruction index and rule).
 * -E2BIG: too long or too many maps; -ENOSPC: workspace too small;
 * -EINVAL: any rule broken.
 */
int xfo_verify(const struct xfo_bytecode *prog, void *workspace,
               size_t workspace_size, struct xfo_log *log,
               struct xfo_verifier_stats *stats);

/*
 * Interpreter for the whole ISA of RFC 9669.
 */

/* Calls helper id with r1..r5; sets *err nonzero for an unknown helper. */
typedef uint64_t xfo_helper_call_t(void *opaque, uint32_t id,
                                   const uint64_t args[5], int *err);

#define XFO_VM_READ   (1u << 0)
#define XFO_VM_WRITE  (1u << 1)

/* A memory range a program may touch, for the checked mode. */
struct xfo_vm_region {
    uint64_t start;
    uint64_t len;
    uint32_t flags;                   /* XFO_VM_* */
    uint32_t pad;
};

/*
 * An array map's storage: max_entries values of value_size bytes, a
 * multiple of 8, 8-byte aligned. The embedder owns and zeroes it.
 */
struct xfo_vm_map {
    uint8_t *values;
    uint32_t value_size;
    uint32_t max_entries;
};

/* Local calls take one more XFO_STACK_SIZE frame of stack each. */
#define XFO_VM_MAX_CALL_DEPTH 8

struct xfo_vm {
    const struct ebpf_insn *insns;
    uint32_t insn_cnt;
    uint32_t stack_size;              /* >= XFO_STACK_SIZE */
    uint8_t *stack;
    xfo_helper_call_t *call_helper;   /* NULL: every call fails */
    void *opaque;                     /* passed to call_helper */
    /*
     * The program's maps, by handle. When set, the interpreter runs
     * map_read, map_write and map_add itself (one implementation for Xen
     * and userspace, with the errors of include/xfo.h, and no indirect
     * call); NULL sends them to call_helper like every other helper.
     */
    const struct xfo_vm_map *maps;
    uint32_t map_cnt;
    uint64_t insn_limit;              /* stop after this many; 0: none */
    /* Checked mode only: ranges besides the stack that may be accessed. */
    const struct xfo_vm_region *regions;
    uint32_t region_cnt;
};

struct xfo_vm_result {
    int err;                          /* 0, or why the run stopped */
    uint32_t pc;                      /* the instruction that stopped it */
    uint64_t insns;                   /* instructions executed */
};

/*
 * Runs the program with r1 and r2 as given and r10 at the top of the
 * stack; returns r0 through *r0. Errors: -EINVAL (invalid instruction),
 * -ERANGE (jump or call out of the program), -ELOOP (call depth),
 * -E2BIG (insn_limit reached), -ENOENT (helper failed), and in the
 * checked mode -EFAULT (access outside every region).
 * xfo_vm_run() trusts the verifier for memory safety; the checked mode
 * trusts nothing and is for tests, the fuzzer and unverified code.
 */
int xfo_vm_run(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
               uint64_t *r0, struct xfo_vm_result *res);
int xfo_vm_run_checked(const struct xfo_vm *vm, uint64_t r1, uint64_t r2,
                       uint64_t *r0, struct xfo_vm_result *res);

/*
 * The host address of a helper's buffer argument [addr, addr + size) when
 * it lies inside vm's stack, NULL otherwise: the check every helper that
 * takes a buffer makes, in both modes (the map helpers make it too).
 */
void *xfo_vm_stack_buf(const struct xfo_vm *vm, uint64_t addr,
                       uint64_t size);

/*
 * Rewrites a program for xfo_vm_run() alone: common sequences of
 * instructions get private opcodes that run them with one dispatch, and a
 * leading r0 = 0 one that the entry skips (core/interp.c).
 * Same results and instruction counts, for any program; but the checked
 * interpreter, the verifier and the disassembler refuse those opcodes, so
 * give it a copy, after verification. Returns how many sequences it
 * fused.
 */
uint32_t xfo_vm_fuse(struct ebpf_insn *insns, uint32_t cnt);

/*
 * Verdicts (core/verdict.c).
 *
 * Whether Xen may act on a program's verdict for the fault ctx describes
 * (the context the program ran on, with the region Xen found for it):
 * true, and *reason is XFO_BOUNCE_NR, when the fault goes on to the
 * resolver; false when it bounces, for *reason (enum xfo_bounce_reason),
 * the first of these that holds:
 *   PROG_ERROR     not a verdict: bits 16-63 set or a reserved class
 *   VERDICT        the program said BOUNCE
 *   NOT_IN_REGION  region_id is XFO_REGION_NONE
 *   CLASS_DENIED   region_classes lacks the verdict's class
 *   PROT_DENIED    region_prot lacks READ, or WRITE for a write, or EXEC
 *                  for an instruction fetch
 *   PRESENT        PFEC present or rsvd: a protection fault
 *   KERNEL_MODE    the guest kernel faulted (mode is not XFO_MODE_USER)
 * The resolver's own checks, which need the guest's page tables and pool,
 * follow in Xen only (docs/hypervisor.md).
 */
bool xfo_verdict_applies(const struct xfo_fault_ctx *ctx, uint64_t verdict,
                         unsigned int *reason);

/*
 * Disassembler: Linux verifier-log syntax, e.g. "r2 = *(u32 *)(r1 +8)".
 */

/*
 * Writes the text of the instruction at pc into buf and returns how many
 * slots it takes (2 for LDDW, else 1), or 0 when pc is past the end.
 * Never fails on a bad instruction: it prints "invalid opcode 0x..".
 */
unsigned int xfo_disasm_insn(const struct xfo_bytecode *prog, uint32_t pc,
                             char *buf, size_t size);

#endif /* XFO_CORE_H */
