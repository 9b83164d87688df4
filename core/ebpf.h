/* SPDX-License-Identifier: MIT */
/*
 * The eBPF instruction set (RFC 9669). Opcodes are composed from class,
 * source/size/mode and operation fields, as the RFC describes them, so a
 * reader can check any opcode against the RFC's tables.
 */
#ifndef XFO_CORE_EBPF_H
#define XFO_CORE_EBPF_H

struct ebpf_insn {
    uint8_t code;
    uint8_t dst:4;            /* little-endian field order */
    uint8_t src:4;
    int16_t off;
    int32_t imm;
};

/* Instruction classes: code & 0x07. */
#define EBPF_CLS_MASK   0x07
#define EBPF_CLS_LD     0x00
#define EBPF_CLS_LDX    0x01
#define EBPF_CLS_ST     0x02
#define EBPF_CLS_STX    0x03
#define EBPF_CLS_ALU    0x04
#define EBPF_CLS_JMP    0x05
#define EBPF_CLS_JMP32  0x06
#define EBPF_CLS_ALU64  0x07

/* Arithmetic and jump instructions: source, code & 0x08. */
#define EBPF_SRC_MASK   0x08
#define EBPF_SRC_K      0x00          /* immediate */
#define EBPF_SRC_X      0x08          /* register */

/* Arithmetic operations: code & 0xf0. */
#define EBPF_OP_MASK    0xf0
#define EBPF_ALU_ADD    0x00
#define EBPF_ALU_SUB    0x10
#define EBPF_ALU_MUL    0x20
#define EBPF_ALU_DIV    0x30          /* off 1: signed */
#define EBPF_ALU_OR     0x40
#define EBPF_ALU_AND    0x50
#define EBPF_ALU_LSH    0x60
#define EBPF_ALU_RSH    0x70
#define EBPF_ALU_NEG    0x80
#define EBPF_ALU_MOD    0x90          /* off 1: signed */
#define EBPF_ALU_XOR    0xa0
#define EBPF_ALU_MOV    0xb0          /* off 8/16/32: sign-extending */
#define EBPF_ALU_ARSH   0xc0
#define EBPF_ALU_END    0xd0          /* byte swap; imm 16, 32 or 64 */

/* Byte swap direction, in the source bit of ALU END. */
#define EBPF_END_TO_LE  0x00          /* ALU64 END: unconditional bswap */
#define EBPF_END_TO_BE  0x08          /* ALU64 END with it (0xdf): reserved */

/* Jump operations: code & 0xf0. */
#define EBPF_JMP_JA     0x00
#define EBPF_JMP_JEQ    0x10
#define EBPF_JMP_JGT    0x20
#define EBPF_JMP_JGE    0x30
#define EBPF_JMP_JSET   0x40
#define EBPF_JMP_JNE    0x50
#define EBPF_JMP_JSGT   0x60
#define EBPF_JMP_JSGE   0x70
#define EBPF_JMP_CALL   0x80
#define EBPF_JMP_EXIT   0x90
#define EBPF_JMP_JLT    0xa0
#define EBPF_JMP_JLE    0xb0
#define EBPF_JMP_JSLT   0xc0
#define EBPF_JMP_JSLE   0xd0

/* CALL src_reg: what imm names. */
#define EBPF_CALL_HELPER 0
#define EBPF_CALL_LOCAL  1            /* imm: pc-relative target */

/* Load and store: size (code & 0x18) and mode (code & 0xe0). */
#define EBPF_SIZE_MASK  0x18
#define EBPF_SIZE_W     0x00
#define EBPF_SIZE_H     0x08
#define EBPF_SIZE_B     0x10
#define EBPF_SIZE_DW    0x18
#define EBPF_MODE_MASK  0xe0
#define EBPF_MODE_IMM   0x00          /* LDDW, wide immediate */
#define EBPF_MODE_ABS   0x20          /* legacy packet access */
#define EBPF_MODE_IND   0x40          /* legacy packet access */
#define EBPF_MODE_MEM   0x60
#define EBPF_MODE_MEMSX 0x80          /* sign-extending load */
#define EBPF_MODE_ATOMIC 0xc0

/* Atomic operations: imm of an ATOMIC store. */
#define EBPF_ATOMIC_ADD     0x00
#define EBPF_ATOMIC_OR      0x40
#define EBPF_ATOMIC_AND     0x50
#define EBPF_ATOMIC_XOR     0xa0
#define EBPF_ATOMIC_FETCH   0x01
#define EBPF_ATOMIC_XCHG    (0xe0 | EBPF_ATOMIC_FETCH)
#define EBPF_ATOMIC_CMPXCHG (0xf0 | EBPF_ATOMIC_FETCH)

/* Whole opcodes used by name. */
#define EBPF_OP_LDDW        (EBPF_CLS_LD | EBPF_MODE_IMM | EBPF_SIZE_DW)
#define EBPF_OP_CALL        (EBPF_CLS_JMP | EBPF_JMP_CALL)
#define EBPF_OP_CALLX       (EBPF_CLS_JMP | EBPF_JMP_CALL | EBPF_SRC_X)
#define EBPF_OP_EXIT        (EBPF_CLS_JMP | EBPF_JMP_EXIT)
#define EBPF_OP_JA          (EBPF_CLS_JMP | EBPF_JMP_JA)
#define EBPF_OP_JA32        (EBPF_CLS_JMP32 | EBPF_JMP_JA)

#define EBPF_REG_NR     11            /* r0..r10 */
#define EBPF_REG_FP     10            /* read-only frame pointer */

#define EBPF_CLASS(code)  ((code) & EBPF_CLS_MASK)
#define EBPF_OP(code)     ((code) & EBPF_OP_MASK)
#define EBPF_SRC(code)    ((code) & EBPF_SRC_MASK)
#define EBPF_SIZE(code)   ((code) & EBPF_SIZE_MASK)
#define EBPF_MODE(code)   ((code) & EBPF_MODE_MASK)

static inline unsigned int ebpf_size_bytes(uint8_t code)
{
    switch ( EBPF_SIZE(code) )
    {
    case EBPF_SIZE_B: return 1;
    case EBPF_SIZE_H: return 2;
    case EBPF_SIZE_W: return 4;
    default:          return 8;
    }
}

#endif /* XFO_CORE_EBPF_H */
