/* SPDX-License-Identifier: MIT */
/*
 * Assembler (tests/common/asm.c) for the uBPF syntax the conformance suite
 * uses, for the test programs:
 *   mov %r0, 1 / add32 %r1, %r2 / ldxw %r0, [%r1+4] / stxdw [%r10-8], %r1
 *   lock fetch add [%r10-8], %r1 / jeq %r1, 5, label / ja +3
 *   call 1 / call local fn / call %r2 / lddw %r0, 0x1122334455667788 / exit
 * plus, for the project's own tests:
 *   lddw %r1, map:0     an LDDW with src_reg XFO_PSEUDO_MAP_IDX, imm 0
 *   raw 0x0000000000000095   one instruction as a 64-bit little-endian word
 * '#' starts a comment; "name:" defines a label.
 */
#ifndef XFO_TESTS_ASM_H
#define XFO_TESTS_ASM_H

#include <stddef.h>
#include <stdint.h>

struct ebpf_insn;

/* On success *insns is malloc'd (free() it) and *cnt set; otherwise a
 * -EINVAL with the line and the problem in err. */
int xfo_asm(const char *text, struct ebpf_insn **insns, uint32_t *cnt,
            char *err, size_t err_size);

#endif
