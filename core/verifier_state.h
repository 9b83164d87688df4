/* SPDX-License-Identifier: MIT */
/*
 * The verifier for the hypervisor profile, in five files:
 *   verifier.c            the entry points and pass 2's walk and joins
 *   verifier_structure.c  pass 1: each instruction on its own
 *   verifier_alu.c        pass 2: ALU, conditional jumps, exit
 *   verifier_mem.c        pass 2: register reads, the stack, the context,
 *                         loads, stores, atomics, LDDW and helper calls
 *   verifier_msg.c        refusals and the verbose state dump
 * This header is theirs alone: the abstract state and what they share.
 */
#ifndef XFO_CORE_VERIFIER_STATE_H
#define XFO_CORE_VERIFIER_STATE_H

#include "private.h"
#include "xfo_core.h"

enum reg_type {
    REG_UNINIT = 0,
    REG_MIXED,                        /* different types on different paths */
    REG_SCALAR,
    REG_CTX,                          /* &xfo_fault_ctx + off */
    REG_STACK,                        /* r10 + off */
    REG_MAP,                          /* handle of map off */
};

struct reg_state {
    uint8_t type;                     /* enum reg_type */
    bool known;                       /* REG_SCALAR: value is a constant */
    int64_t val;                      /* constant, pointer offset or map */
};

#define STACK_BITMAP_WORDS (XFO_STACK_SIZE / 64)

struct vstate {
    struct reg_state regs[EBPF_REG_NR];
    uint64_t stack_init[STACK_BITMAP_WORDS]; /* bit per byte, fp-512 first */
    bool live;                        /* a jump delivered a state here */
};

#define NO_SLOT 0xffffu

struct verifier {
    const struct xfo_bytecode *prog;
    struct xfo_log *log;
    uint16_t *slot_of;                /* per insn: merge slot or NO_SLOT */
    struct vstate *slots;
    uint32_t nr_slots;
    struct vstate cur;
    struct xfo_verifier_stats stats;
};

/* Pointer offsets stay small, so offset arithmetic never overflows. */
#define PTR_OFF_MAX (1 << 20)

static inline bool is_pointer(const struct reg_state *r)
{
    return r->type == REG_CTX || r->type == REG_STACK || r->type == REG_MAP;
}

static inline void mark_scalar(struct reg_state *r, bool known, int64_t val)
{
    r->type = REG_SCALAR;
    r->known = known;
    r->val = known ? val : 0;
}

/* verifier_msg.c: "insn PC: " and the message, then -EINVAL. */
int verifier_refuse(struct verifier *v, uint32_t pc, const char *fmt, ...)
    XFO_PRINTF(3, 4);
const char *verifier_type_name(const struct reg_state *r);
void verifier_log_state(struct verifier *v, const struct vstate *st);

/* verifier_structure.c: pass 1; marks the second slot of each LDDW. */
int verifier_check_structure(struct verifier *v, uint8_t *tail);

/* verifier_mem.c */
int verifier_check_read(struct verifier *v, uint32_t pc, unsigned int regno);
int verifier_check_write(struct verifier *v, uint32_t pc, unsigned int regno);
int verifier_do_load(struct verifier *v, uint32_t pc,
                     const struct ebpf_insn *insn);
int verifier_do_store(struct verifier *v, uint32_t pc,
                      const struct ebpf_insn *insn);
int verifier_do_atomic(struct verifier *v, uint32_t pc,
                       const struct ebpf_insn *insn);
int verifier_do_lddw(struct verifier *v, uint32_t pc,
                     const struct ebpf_insn *insn);
int verifier_do_call(struct verifier *v, uint32_t pc,
                     const struct ebpf_insn *insn);

/* verifier_alu.c */
int verifier_do_alu(struct verifier *v, uint32_t pc,
                    const struct ebpf_insn *insn);
int verifier_do_cond_jmp(struct verifier *v, uint32_t pc,
                         const struct ebpf_insn *insn);
int verifier_do_exit(struct verifier *v, uint32_t pc);

#endif /* XFO_CORE_VERIFIER_STATE_H */
