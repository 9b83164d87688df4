/* SPDX-License-Identifier: MIT */
/*
 * The verifier for the hypervisor profile: decides whether an offload
 * program is safe to run inside Xen on every page fault.
 *
 * Two passes, both linear in the program size:
 *
 *  1. check_structure(): every instruction on its own. Known opcode,
 *     reserved fields zero, registers r0-r10, LDDW complete, jumps inside
 *     the program, never into the second slot of an LDDW and never
 *     backwards. With forward jumps only, every instruction runs at most
 *     once, so a program of n instructions stops after n steps.
 *
 *  2. check_flow(): abstract interpretation in instruction order. Since
 *     every edge goes forward, all predecessors of an instruction are
 *     visited before it: a jump joins its state into the target's slot,
 *     and the target starts from the join of that slot and its
 *     fall-through. Each instruction is visited once; no path enumeration.
 *
 * The state tracks, per register, uninitialised / scalar (known constant
 * or not) / context pointer / stack pointer (both at a known offset) /
 * map handle, and per stack byte whether it was written. Pointers never
 * reach memory, helpers as scalars, comparisons or r0 at exit, so a
 * program cannot learn or forge a Xen address. The rules and their
 * messages are listed in docs/verifier.md.
 */
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

/*
 * Messages
 */

static int refuse(struct verifier *v, uint32_t pc, const char *fmt, ...)
    XFO_PRINTF(3, 4);

static int refuse(struct verifier *v, uint32_t pc, const char *fmt, ...)
{
    va_list ap;

    xfo_log_printf(v->log, "insn %u: ", pc);
    va_start(ap, fmt);
    xfo_log_vprintf(v->log, fmt, ap);
    va_end(ap);
    xfo_log_printf(v->log, "\n");
    return -EINVAL;
}

static const char *type_name(const struct reg_state *r)
{
    switch ( r->type )
    {
    case REG_UNINIT: return "not initialised";
    case REG_MIXED:  return "of different types on different paths";
    case REG_SCALAR: return "a scalar";
    case REG_CTX:    return "a context pointer";
    case REG_STACK:  return "a stack pointer";
    case REG_MAP:    return "a map handle";
    }
    return "?";
}

static bool is_pointer(const struct reg_state *r)
{
    return r->type == REG_CTX || r->type == REG_STACK || r->type == REG_MAP;
}

static void log_state(struct verifier *v, const struct vstate *st)
{
    unsigned int i;

    if ( !v->log || v->log->level < XFO_LOG_VERBOSE )
        return;

    xfo_log_printf(v->log, "      state:");
    for ( i = 0; i < EBPF_REG_NR; i++ )
    {
        const struct reg_state *r = &st->regs[i];

        switch ( r->type )
        {
        case REG_SCALAR:
            if ( r->known )
                xfo_log_printf(v->log, " R%u=%ld", i, (long)r->val);
            else
                xfo_log_printf(v->log, " R%u=scalar", i);
            break;
        case REG_CTX:
            xfo_log_printf(v->log, " R%u=ctx%+ld", i, (long)r->val);
            break;
        case REG_STACK:
            xfo_log_printf(v->log, " R%u=fp%ld", i, (long)r->val);
            break;
        case REG_MAP:
            xfo_log_printf(v->log, " R%u=map[%ld]", i, (long)r->val);
            break;
        case REG_MIXED:
            xfo_log_printf(v->log, " R%u=mixed", i);
            break;
        }
    }
    xfo_log_printf(v->log, "\n");
}

/*
 * Pass 1: each instruction on its own
 */

static int check_regs(struct verifier *v, uint32_t pc,
                      const struct ebpf_insn *insn, bool uses_dst,
                      bool uses_src)
{
    if ( uses_dst && insn->dst >= EBPF_REG_NR )
        return refuse(v, pc, "invalid destination register R%u", insn->dst);
    if ( !uses_dst && insn->dst )
        return refuse(v, pc, "reserved field dst_reg is %u, must be 0",
                      insn->dst);
    if ( uses_src && insn->src >= EBPF_REG_NR )
        return refuse(v, pc, "invalid source register R%u", insn->src);
    if ( !uses_src && insn->src )
        return refuse(v, pc, "reserved field src_reg is %u, must be 0",
                      insn->src);
    return 0;
}

static int check_zero_off(struct verifier *v, uint32_t pc,
                          const struct ebpf_insn *insn)
{
    if ( insn->off )
        return refuse(v, pc, "reserved field off is %d, must be 0",
                      insn->off);
    return 0;
}

static int check_zero_imm(struct verifier *v, uint32_t pc,
                          const struct ebpf_insn *insn)
{
    if ( insn->imm )
        return refuse(v, pc, "reserved field imm is %d, must be 0",
                      insn->imm);
    return 0;
}

static int check_alu_structure(struct verifier *v, uint32_t pc,
                               const struct ebpf_insn *insn)
{
    bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    uint8_t op = EBPF_OP(insn->code);
    int rc;

    switch ( op )
    {
    case EBPF_ALU_NEG:
        if ( x )
            return refuse(v, pc, "invalid opcode 0x%02x: neg takes no source",
                          insn->code);
        if ( (rc = check_regs(v, pc, insn, true, false)) ||
             (rc = check_zero_off(v, pc, insn)) )
            return rc;
        return check_zero_imm(v, pc, insn);

    case EBPF_ALU_END:
        if ( is64 && x )
            return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, true, false)) ||
             (rc = check_zero_off(v, pc, insn)) )
            return rc;
        if ( insn->imm != 16 && insn->imm != 32 && insn->imm != 64 )
            return refuse(v, pc, "byte swap width %d is not 16, 32 or 64",
                          insn->imm);
        return 0;

    case EBPF_ALU_ADD: case EBPF_ALU_SUB: case EBPF_ALU_MUL:
    case EBPF_ALU_OR: case EBPF_ALU_AND: case EBPF_ALU_LSH:
    case EBPF_ALU_RSH: case EBPF_ALU_XOR: case EBPF_ALU_ARSH:
    case EBPF_ALU_DIV: case EBPF_ALU_MOD: case EBPF_ALU_MOV:
        break;

    default:
        return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
    }

    if ( (rc = check_regs(v, pc, insn, true, x)) )
        return rc;
    if ( x && (rc = check_zero_imm(v, pc, insn)) )
        return rc;

    if ( op == EBPF_ALU_DIV || op == EBPF_ALU_MOD )
    {
        if ( insn->off != 0 && insn->off != 1 )
            return refuse(v, pc, "%s offset %d is not 0 (unsigned) or 1 (signed)",
                          op == EBPF_ALU_DIV ? "div" : "mod", insn->off);
        if ( !x && insn->imm == 0 )
            return refuse(v, pc, "division by zero immediate");
    }
    else if ( op == EBPF_ALU_MOV && insn->off )
    {
        if ( !x )
            return refuse(v, pc, "sign-extending mov needs a source register, off is %d",
                          insn->off);
        if ( insn->off != 8 && insn->off != 16 &&
             !(is64 && insn->off == 32) )
            return refuse(v, pc, "sign-extending mov from %d bits is not defined",
                          insn->off);
    }
    else if ( (rc = check_zero_off(v, pc, insn)) )
        return rc;

    if ( !x && (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH ||
                op == EBPF_ALU_ARSH) &&
         (insn->imm < 0 || insn->imm >= (is64 ? 64 : 32)) )
        return refuse(v, pc, "shift by %d is out of range for a %d-bit operation",
                      insn->imm, is64 ? 64 : 32);

    return 0;
}

static int check_jmp_structure(struct verifier *v, uint32_t pc,
                               const struct ebpf_insn *insn,
                               const uint8_t *tail)
{
    const struct xfo_bytecode *prog = v->prog;
    bool is32 = EBPF_CLASS(insn->code) == EBPF_CLS_JMP32;
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    uint8_t op = EBPF_OP(insn->code);
    int64_t off, target;
    int rc;

    switch ( op )
    {
    case EBPF_JMP_CALL:
        if ( is32 )
            return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( x )
            return refuse(v, pc, "indirect calls (callx) are not allowed");
        if ( insn->src == EBPF_CALL_LOCAL )
            return refuse(v, pc, "bpf-to-bpf calls are not supported by the hypervisor profile; inline the function");
        if ( (rc = check_regs(v, pc, insn, false, false)) )
            return rc;
        return check_zero_off(v, pc, insn);

    case EBPF_JMP_EXIT:
        if ( is32 || x )
            return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, false, false)) ||
             (rc = check_zero_off(v, pc, insn)) )
            return rc;
        return check_zero_imm(v, pc, insn);

    case EBPF_JMP_JA:
        if ( x )
            return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, false, false)) )
            return rc;
        if ( is32 )
        {
            /* gotol: the offset is in imm. */
            if ( (rc = check_zero_off(v, pc, insn)) )
                return rc;
            off = insn->imm;
        }
        else
        {
            if ( (rc = check_zero_imm(v, pc, insn)) )
                return rc;
            off = insn->off;
        }
        break;

    case EBPF_JMP_JEQ: case EBPF_JMP_JGT: case EBPF_JMP_JGE:
    case EBPF_JMP_JSET: case EBPF_JMP_JNE: case EBPF_JMP_JSGT:
    case EBPF_JMP_JSGE: case EBPF_JMP_JLT: case EBPF_JMP_JLE:
    case EBPF_JMP_JSLT: case EBPF_JMP_JSLE:
        if ( (rc = check_regs(v, pc, insn, true, x)) )
            return rc;
        if ( x && (rc = check_zero_imm(v, pc, insn)) )
            return rc;
        off = insn->off;
        break;

    default:
        return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
    }

    target = (int64_t)pc + 1 + off;
    if ( target < 0 || target >= prog->insn_cnt )
        return refuse(v, pc, "jump to insn %ld is outside the program (0..%u)",
                      (long)target, prog->insn_cnt - 1);
    if ( target <= pc )
        return refuse(v, pc, "back-edge to insn %ld: loops are not allowed (jumps must go forward)",
                      (long)target);
    if ( tail[target] )
        return refuse(v, pc, "jump to insn %ld, the second half of an LDDW",
                      (long)target);
    return 0;
}

static int check_mem_structure(struct verifier *v, uint32_t pc,
                               const struct ebpf_insn *insn)
{
    uint8_t cls = EBPF_CLASS(insn->code);
    uint8_t mode = EBPF_MODE(insn->code);
    uint8_t size = EBPF_SIZE(insn->code);
    int rc;

    switch ( cls )
    {
    case EBPF_CLS_LDX:
        if ( mode != EBPF_MODE_MEM &&
             !(mode == EBPF_MODE_MEMSX && size != EBPF_SIZE_DW) )
            return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( (rc = check_regs(v, pc, insn, true, true)) )
            return rc;
        return check_zero_imm(v, pc, insn);

    case EBPF_CLS_ST:
        if ( mode != EBPF_MODE_MEM )
            return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        return check_regs(v, pc, insn, true, false);

    case EBPF_CLS_STX:
        if ( (rc = check_regs(v, pc, insn, true, true)) )
            return rc;
        if ( mode == EBPF_MODE_MEM )
            return check_zero_imm(v, pc, insn);
        if ( mode != EBPF_MODE_ATOMIC )
            return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
        if ( size != EBPF_SIZE_W && size != EBPF_SIZE_DW )
            return refuse(v, pc, "atomic operations are 32 or 64 bits wide, not %u",
                          ebpf_size_bytes(insn->code) * 8);
        switch ( insn->imm )
        {
        case EBPF_ATOMIC_ADD: case EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_OR:  case EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_AND: case EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_XOR: case EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH:
        case EBPF_ATOMIC_XCHG: case EBPF_ATOMIC_CMPXCHG:
            return 0;
        }
        return refuse(v, pc, "invalid atomic operation 0x%x", insn->imm);
    }
    return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
}

static int check_lddw_structure(struct verifier *v, uint32_t pc,
                                const struct ebpf_insn *insn)
{
    const struct xfo_bytecode *prog = v->prog;
    const struct ebpf_insn *next;
    int rc;

    if ( insn->code != EBPF_OP_LDDW )
    {
        if ( EBPF_MODE(insn->code) == EBPF_MODE_ABS ||
             EBPF_MODE(insn->code) == EBPF_MODE_IND )
            return refuse(v, pc, "legacy packet access (LD_ABS/LD_IND) is not supported");
        return refuse(v, pc, "invalid opcode 0x%02x", insn->code);
    }
    if ( pc + 1 >= prog->insn_cnt )
        return refuse(v, pc, "LDDW is missing its second half at the end of the program");
    if ( insn->dst >= EBPF_REG_NR )
        return refuse(v, pc, "invalid destination register R%u", insn->dst);
    if ( (rc = check_zero_off(v, pc, insn)) )
        return rc;

    next = insn + 1;
    if ( next->code || next->dst || next->src || next->off )
        return refuse(v, pc, "second half of LDDW has nonzero reserved fields (code 0x%02x, regs %u/%u, off %d)",
                      next->code, next->dst, next->src, next->off);

    switch ( insn->src )
    {
    case 0:
        return 0;
    case XFO_PSEUDO_MAP_IDX:
        if ( next->imm )
            return refuse(v, pc, "map reference has nonzero upper imm %d",
                          next->imm);
        if ( insn->imm < 0 || (uint32_t)insn->imm >= prog->map_cnt )
            return refuse(v, pc, "map index %d out of range: the program has %u maps",
                          insn->imm, prog->map_cnt);
        return 0;
    }
    return refuse(v, pc, "LDDW with src_reg %u is not supported (only 0 for a constant and %u for a map)",
                  insn->src, XFO_PSEUDO_MAP_IDX);
}

static int check_structure(struct verifier *v, uint8_t *tail)
{
    const struct xfo_bytecode *prog = v->prog;
    uint32_t pc;
    int rc;

    /* LDDW tails first, so jumps into them are caught wherever they are. */
    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        tail[pc] = 0;
        if ( pc && prog->insns[pc - 1].code == EBPF_OP_LDDW && !tail[pc - 1] )
            tail[pc] = 1;
    }

    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        const struct ebpf_insn *insn = &prog->insns[pc];

        if ( tail[pc] )
            continue;

        switch ( EBPF_CLASS(insn->code) )
        {
        case EBPF_CLS_ALU:
        case EBPF_CLS_ALU64:
            rc = check_alu_structure(v, pc, insn);
            break;
        case EBPF_CLS_JMP:
        case EBPF_CLS_JMP32:
            rc = check_jmp_structure(v, pc, insn, tail);
            break;
        case EBPF_CLS_LD:
            rc = check_lddw_structure(v, pc, insn);
            break;
        default:
            rc = check_mem_structure(v, pc, insn);
            break;
        }
        if ( rc )
            return rc;
    }
    return 0;
}

/*
 * Pass 2: abstract interpretation in instruction order
 */

static void mark_scalar(struct reg_state *r, bool known, int64_t val)
{
    r->type = REG_SCALAR;
    r->known = known;
    r->val = known ? val : 0;
}

static void join_reg(struct reg_state *into, const struct reg_state *from)
{
    if ( into->type != from->type )
    {
        into->type = (into->type == REG_UNINIT || from->type == REG_UNINIT)
                     ? REG_UNINIT : REG_MIXED;
        into->known = false;
        into->val = 0;
        return;
    }

    switch ( into->type )
    {
    case REG_SCALAR:
        if ( !into->known || !from->known || into->val != from->val )
            mark_scalar(into, false, 0);
        break;
    case REG_CTX:
    case REG_STACK:
    case REG_MAP:
        if ( into->val != from->val )
        {
            into->type = REG_MIXED;
            into->val = 0;
        }
        break;
    }
}

static void join_state(struct vstate *into, const struct vstate *from)
{
    unsigned int i;

    if ( !into->live )
    {
        *into = *from;
        into->live = true;
        return;
    }
    for ( i = 0; i < EBPF_REG_NR; i++ )
        join_reg(&into->regs[i], &from->regs[i]);
    for ( i = 0; i < STACK_BITMAP_WORDS; i++ )
        into->stack_init[i] &= from->stack_init[i];
}

/* Reads of a register: it must hold something. */
static int check_read(struct verifier *v, uint32_t pc, unsigned int regno)
{
    const struct reg_state *r = &v->cur.regs[regno];

    if ( r->type == REG_UNINIT )
        return refuse(v, pc, "R%u is not initialised", regno);
    if ( r->type == REG_MIXED )
        return refuse(v, pc, "R%u holds different types or pointer offsets on different paths",
                      regno);
    return 0;
}

static int check_write(struct verifier *v, uint32_t pc, unsigned int regno)
{
    if ( regno == EBPF_REG_FP )
        return refuse(v, pc, "R10 is the frame pointer and read-only");
    return 0;
}

/* Stack byte i covers fp-512+i. */
static bool stack_range_init(const struct vstate *st, int64_t off,
                             uint32_t size, int64_t *first_uninit)
{
    uint32_t i;

    for ( i = 0; i < size; i++ )
    {
        uint32_t b = (uint32_t)(off + XFO_STACK_SIZE) + i;

        if ( !(st->stack_init[b / 64] & (1ull << (b % 64))) )
        {
            *first_uninit = off + i;
            return false;
        }
    }
    return true;
}

static void note_stack_depth(struct verifier *v, int64_t off)
{
    if ( (uint32_t)-off > v->stats.stack_depth )
        v->stats.stack_depth = (uint32_t)-off;
}

static void stack_mark_init(struct verifier *v, int64_t off, uint32_t size)
{
    uint32_t i;

    for ( i = 0; i < size; i++ )
    {
        uint32_t b = (uint32_t)(off + XFO_STACK_SIZE) + i;

        v->cur.stack_init[b / 64] |= 1ull << (b % 64);
    }
    note_stack_depth(v, off);
}

/* [off, off + size) must lie in the stack frame. */
static int check_stack_range(struct verifier *v, uint32_t pc,
                             unsigned int regno, int64_t off, int64_t size,
                             const char *what)
{
    if ( size <= 0 || off < -XFO_STACK_SIZE || off + size > 0 )
        return refuse(v, pc, "%s of %ld bytes at fp%+ld (R%u) is outside the %d-byte stack",
                      what, (long)size, (long)off, regno, XFO_STACK_SIZE);
    return 0;
}

struct ctx_field {
    uint16_t off;
    uint16_t size;
    const char *name;
};

#define CTX_FIELD(f) { __builtin_offsetof(struct xfo_fault_ctx, f), \
                       sizeof(((struct xfo_fault_ctx *)0)->f), #f }

static const struct ctx_field ctx_fields[] = {
    CTX_FIELD(addr), CTX_FIELD(ip), CTX_FIELD(error_code), CTX_FIELD(vcpu),
    CTX_FIELD(domid), CTX_FIELD(mode), CTX_FIELD(region_id),
    CTX_FIELD(region_start), CTX_FIELD(region_end), CTX_FIELD(region_prot),
    CTX_FIELD(region_classes), CTX_FIELD(pool_level), CTX_FIELD(pool_size),
};

static int check_ctx_read(struct verifier *v, uint32_t pc,
                          unsigned int regno, int64_t off, uint32_t size)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(ctx_fields); i++ )
    {
        const struct ctx_field *f = &ctx_fields[i];

        if ( off == f->off )
        {
            if ( size != f->size )
                return refuse(v, pc, "context field %s is %u bytes, not read as %u",
                              f->name, f->size, size);
            return 0;
        }
        if ( off > f->off && off < f->off + f->size )
            return refuse(v, pc, "context read at offset %ld is inside field %s (offset %u, %u bytes); read the whole field",
                          (long)off, f->name, f->off, f->size);
    }
    if ( off < 0 || off >= (int64_t)sizeof(struct xfo_fault_ctx) )
        return refuse(v, pc, "context read at offset %ld is outside the %u-byte context (R%u)",
                      (long)off, (unsigned int)sizeof(struct xfo_fault_ctx),
                      regno);
    return refuse(v, pc, "context read at offset %ld is padding, not a field",
                  (long)off);
}

/* Common checks of the base pointer of a load, store or atomic. */
static int check_mem_access(struct verifier *v, uint32_t pc,
                            unsigned int regno, int16_t insn_off,
                            uint32_t size, bool write, bool reads_stack)
{
    const struct reg_state *base = &v->cur.regs[regno];
    int64_t off, bad;
    int rc;

    if ( (rc = check_read(v, pc, regno)) )
        return rc;

    off = base->val + insn_off;
    switch ( base->type )
    {
    case REG_CTX:
        if ( write )
            return refuse(v, pc, "R%u is a context pointer; context writes are not allowed",
                          regno);
        return check_ctx_read(v, pc, regno, off, size);

    case REG_STACK:
        if ( (rc = check_stack_range(v, pc, regno, off, size,
                                     write ? "write" : "read")) )
            return rc;
        if ( off % size )
            return refuse(v, pc, "misaligned stack access of %u bytes at fp%ld",
                          size, (long)off);
        if ( reads_stack && !stack_range_init(&v->cur, off, size, &bad) )
            return refuse(v, pc, "reading %u bytes at fp%ld, but fp%ld is not initialised",
                          size, (long)off, (long)bad);
        return 0;

    case REG_MAP:
        return refuse(v, pc, "R%u is a map handle; map values are accessed through helpers only",
                      regno);

    default:
        return refuse(v, pc, "R%u is a scalar, not a pointer; memory accesses need a context or stack pointer",
                      regno);
    }
}

static int do_load(struct verifier *v, uint32_t pc,
                   const struct ebpf_insn *insn)
{
    uint32_t size = ebpf_size_bytes(insn->code);
    int rc;

    if ( (rc = check_mem_access(v, pc, insn->src, insn->off, size, false,
                                true)) ||
         (rc = check_write(v, pc, insn->dst)) )
        return rc;
    mark_scalar(&v->cur.regs[insn->dst], false, 0);
    return 0;
}

static int check_no_pointer_store(struct verifier *v, uint32_t pc,
                                  unsigned int regno)
{
    const struct reg_state *r = &v->cur.regs[regno];
    int rc;

    if ( (rc = check_read(v, pc, regno)) )
        return rc;
    if ( is_pointer(r) )
        return refuse(v, pc, "R%u is %s, stores of pointers are not allowed",
                      regno, type_name(r));
    return 0;
}

static int do_store(struct verifier *v, uint32_t pc,
                    const struct ebpf_insn *insn)
{
    uint32_t size = ebpf_size_bytes(insn->code);
    const struct reg_state *base = &v->cur.regs[insn->dst];
    int rc;

    if ( EBPF_CLASS(insn->code) == EBPF_CLS_STX &&
         (rc = check_no_pointer_store(v, pc, insn->src)) )
        return rc;
    if ( (rc = check_mem_access(v, pc, insn->dst, insn->off, size, true,
                                false)) )
        return rc;
    stack_mark_init(v, base->val + insn->off, size);
    return 0;
}

static int do_atomic(struct verifier *v, uint32_t pc,
                     const struct ebpf_insn *insn)
{
    uint32_t size = ebpf_size_bytes(insn->code);
    int rc;

    if ( (rc = check_no_pointer_store(v, pc, insn->src)) )
        return rc;
    if ( insn->imm == EBPF_ATOMIC_CMPXCHG )
    {
        if ( (rc = check_read(v, pc, 0)) )
            return rc;
        if ( is_pointer(&v->cur.regs[0]) )
            return refuse(v, pc, "R0 is %s; cmpxchg compares a scalar",
                          type_name(&v->cur.regs[0]));
    }
    /* An atomic reads the old value, so the bytes must hold one. */
    if ( (rc = check_mem_access(v, pc, insn->dst, insn->off, size, true,
                                true)) )
        return rc;

    if ( insn->imm == EBPF_ATOMIC_CMPXCHG )
        mark_scalar(&v->cur.regs[0], false, 0);
    else if ( insn->imm & EBPF_ATOMIC_FETCH )
    {
        if ( (rc = check_write(v, pc, insn->src)) )
            return rc;
        mark_scalar(&v->cur.regs[insn->src], false, 0);
    }
    return 0;
}

static int do_lddw(struct verifier *v, uint32_t pc,
                   const struct ebpf_insn *insn)
{
    struct reg_state *dst = &v->cur.regs[insn->dst];
    int rc;

    if ( (rc = check_write(v, pc, insn->dst)) )
        return rc;
    if ( insn->src == XFO_PSEUDO_MAP_IDX )
    {
        dst->type = REG_MAP;
        dst->known = false;
        dst->val = insn->imm;
        return 0;
    }
    mark_scalar(dst, true,
                (int64_t)(((uint64_t)(uint32_t)insn[1].imm << 32) |
                          (uint32_t)insn->imm));
    return 0;
}

/*
 * Constant folding for the operations whose results feed sizes and
 * offsets. Everything else makes the result unknown, which is always safe.
 */
static bool fold_alu(uint8_t op, bool is64, uint64_t a, uint64_t b,
                     uint64_t *res)
{
    uint64_t r;

    switch ( op )
    {
    case EBPF_ALU_ADD: r = a + b; break;
    case EBPF_ALU_SUB: r = a - b; break;
    case EBPF_ALU_MUL: r = a * b; break;
    case EBPF_ALU_OR:  r = a | b; break;
    case EBPF_ALU_AND: r = a & b; break;
    case EBPF_ALU_XOR: r = a ^ b; break;
    case EBPF_ALU_MOV: r = b; break;
    case EBPF_ALU_NEG: r = -a; break;
    case EBPF_ALU_LSH:
        r = is64 ? a << (b & 63) : (uint64_t)((uint32_t)a << (b & 31));
        break;
    case EBPF_ALU_RSH:
        r = is64 ? a >> (b & 63) : (uint64_t)((uint32_t)a >> (b & 31));
        break;
    default:
        return false;
    }
    *res = is64 ? r : (uint32_t)r;
    return true;
}

static const char *alu_name(uint8_t op)
{
    static const char *const names[16] = {
        "add", "sub", "mul", "div", "or", "and", "lsh", "rsh",
        "neg", "mod", "xor", "mov", "arsh", "end", "?", "?",
    };

    return names[op >> 4];
}

/* dst op= src where at least one side is a pointer. */
static int do_pointer_alu(struct verifier *v, uint32_t pc,
                          const struct ebpf_insn *insn,
                          const struct reg_state *src, bool x)
{
    struct reg_state *dst = &v->cur.regs[insn->dst];
    uint8_t op = EBPF_OP(insn->code);
    bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
    const struct reg_state *ptr = is_pointer(dst) ? dst : src;
    unsigned int ptr_reg = ptr == dst ? insn->dst : insn->src;
    struct reg_state result;
    int64_t delta;

    if ( op == EBPF_ALU_MOV && !insn->off && is64 )
    {
        *dst = *src;                  /* r1 = r10 and the like */
        return 0;
    }
    if ( !is64 )
        return refuse(v, pc, "R%u is %s; 32-bit %s on a pointer is not allowed",
                      ptr_reg, type_name(ptr), alu_name(op));
    if ( ptr->type == REG_MAP )
        return refuse(v, pc, "R%u is a map handle; arithmetic on map handles is not allowed",
                      ptr_reg);
    if ( op != EBPF_ALU_ADD && op != EBPF_ALU_SUB )
        return refuse(v, pc, "R%u is %s; pointer arithmetic with %s is not allowed, only add and sub of a constant",
                      ptr_reg, type_name(ptr), alu_name(op));

    if ( x && is_pointer(dst) && is_pointer(src) )
    {
        /* Distance between two pointers into the same object. */
        if ( op != EBPF_ALU_SUB || dst->type != src->type )
            return refuse(v, pc, "R%u %s R%u: arithmetic between pointers is only sub of two pointers of one kind",
                          insn->dst, alu_name(op), insn->src);
        mark_scalar(dst, true, dst->val - src->val);
        return 0;
    }

    if ( !is_pointer(dst) )
    {
        /* scalar += pointer gives the pointer; scalar -= pointer leaks. */
        if ( op != EBPF_ALU_ADD )
            return refuse(v, pc, "R%u is %s; subtracting a pointer from a scalar is not allowed",
                          insn->src, type_name(src));
        result = *src;
        if ( !dst->known )
            return refuse(v, pc, "R%u is an unknown scalar; pointer arithmetic with an unknown scalar is not allowed",
                          insn->dst);
        delta = dst->val;
    }
    else
    {
        result = *dst;
        if ( x )
        {
            if ( !src->known )
                return refuse(v, pc, "R%u is an unknown scalar; pointer arithmetic with an unknown scalar is not allowed",
                              insn->src);
            delta = src->val;
        }
        else
            delta = insn->imm;
        if ( op == EBPF_ALU_SUB )
            delta = -(uint64_t)delta;
    }

    if ( delta > PTR_OFF_MAX || delta < -PTR_OFF_MAX ||
         result.val + delta > PTR_OFF_MAX ||
         result.val + delta < -PTR_OFF_MAX )
        return refuse(v, pc, "pointer offset %ld%+ld is out of range",
                      (long)result.val, (long)delta);
    result.val += delta;
    *dst = result;
    return 0;
}

static int do_alu(struct verifier *v, uint32_t pc,
                  const struct ebpf_insn *insn)
{
    struct reg_state *dst = &v->cur.regs[insn->dst];
    struct reg_state imm_src, *src;
    uint8_t op = EBPF_OP(insn->code);
    bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
    /* For END the source bit is the byte order, not a register. */
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X && op != EBPF_ALU_END;
    bool reads_dst = op != EBPF_ALU_MOV;
    uint64_t res;
    int rc;

    if ( (rc = check_write(v, pc, insn->dst)) )
        return rc;
    if ( reads_dst && (rc = check_read(v, pc, insn->dst)) )
        return rc;

    if ( x )
    {
        if ( (rc = check_read(v, pc, insn->src)) )
            return rc;
        src = &v->cur.regs[insn->src];
    }
    else
    {
        mark_scalar(&imm_src, true, is64 ? (int64_t)insn->imm
                                         : (int64_t)(uint32_t)insn->imm);
        src = &imm_src;
    }

    if ( op == EBPF_ALU_END || op == EBPF_ALU_NEG )
        src = dst;

    if ( (reads_dst && is_pointer(dst)) || is_pointer(src) )
        return do_pointer_alu(v, pc, insn, src, x);

    if ( op != EBPF_ALU_END && !insn->off && (!reads_dst || dst->known) &&
         src->known &&
         fold_alu(op, is64, reads_dst ? (uint64_t)dst->val : 0,
                  (uint64_t)src->val, &res) )
        mark_scalar(dst, true, (int64_t)res);
    else
        mark_scalar(dst, false, 0);
    return 0;
}

static int do_cond_jmp(struct verifier *v, uint32_t pc,
                       const struct ebpf_insn *insn)
{
    bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;
    int rc;

    if ( (rc = check_read(v, pc, insn->dst)) )
        return rc;
    if ( is_pointer(&v->cur.regs[insn->dst]) )
        return refuse(v, pc, "R%u is %s; comparisons of pointers are not allowed",
                      insn->dst, type_name(&v->cur.regs[insn->dst]));
    if ( x )
    {
        if ( (rc = check_read(v, pc, insn->src)) )
            return rc;
        if ( is_pointer(&v->cur.regs[insn->src]) )
            return refuse(v, pc, "R%u is %s; comparisons of pointers are not allowed",
                          insn->src, type_name(&v->cur.regs[insn->src]));
    }
    return 0;
}

static int do_call(struct verifier *v, uint32_t pc,
                   const struct ebpf_insn *insn)
{
    const struct xfo_helper_proto *proto = xfo_helper_proto(insn->imm);
    const struct xfo_map_def *map = NULL;
    int64_t buf_off = 0;
    bool buf_out = false;
    unsigned int i, regno;
    int rc;

    if ( !proto || insn->imm < 0 )
        return refuse(v, pc, "call to unknown helper %d", insn->imm);
    v->stats.helpers_used |= 1u << insn->imm;

    for ( i = 0; i < 5 && proto->args[i] != XFO_ARG_NONE; i++ )
    {
        const struct reg_state *r = &v->cur.regs[i + 1];

        regno = i + 1;
        if ( r->type == REG_UNINIT || r->type == REG_MIXED )
            return refuse(v, pc, "R%u (argument %u of %s) is %s", regno,
                          regno, proto->name, type_name(r));

        switch ( proto->args[i] )
        {
        case XFO_ARG_SCALAR:
            if ( r->type != REG_SCALAR )
                return refuse(v, pc, "R%u is %s; argument %u of %s must be a scalar",
                              regno, type_name(r), regno, proto->name);
            break;

        case XFO_ARG_MAP:
            if ( r->type != REG_MAP )
                return refuse(v, pc, "R%u is %s; argument %u of %s must be a map handle",
                              regno, type_name(r), regno, proto->name);
            map = &v->prog->maps[r->val];
            break;

        case XFO_ARG_STACK_IN:
        case XFO_ARG_STACK_OUT:
            if ( r->type != REG_STACK )
                return refuse(v, pc, "R%u is %s; argument %u of %s must point into the stack",
                              regno, type_name(r), regno, proto->name);
            buf_off = r->val;
            buf_out = proto->args[i] == XFO_ARG_STACK_OUT;
            break;

        case XFO_ARG_CONST_SIZE:
            if ( r->type != REG_SCALAR || !r->known )
                return refuse(v, pc, "R%u is %s; argument %u of %s must be a constant size",
                              regno,
                              r->type == REG_SCALAR ? "an unknown scalar"
                                                    : type_name(r),
                              regno, proto->name);
            if ( r->val <= 0 || r->val > proto->max_size )
                return refuse(v, pc, "size %ld (R%u) of %s must be 1..%u",
                              (long)r->val, regno, proto->name,
                              proto->max_size);
            if ( map && r->val > map->value_size )
                return refuse(v, pc, "size %ld (R%u) is larger than the %u-byte values of map %s",
                              (long)r->val, regno, map->value_size, map->name);
            if ( (rc = check_stack_range(v, pc, regno - 1, buf_off, r->val,
                                         "buffer")) )
                return rc;
            if ( buf_out )
                stack_mark_init(v, buf_off, r->val);
            else
            {
                int64_t bad;

                if ( !stack_range_init(&v->cur, buf_off, r->val, &bad) )
                    return refuse(v, pc, "%s reads %ld bytes at fp%ld, but fp%ld is not initialised",
                                  proto->name, (long)r->val, (long)buf_off,
                                  (long)bad);
                note_stack_depth(v, buf_off);
            }
            break;
        }
    }

    /* Caller-saved registers are dead after a call; r0 is its result. */
    for ( regno = 1; regno <= 5; regno++ )
        v->cur.regs[regno].type = REG_UNINIT;
    mark_scalar(&v->cur.regs[0], false, 0);
    return 0;
}

static int do_exit(struct verifier *v, uint32_t pc)
{
    const struct reg_state *r0 = &v->cur.regs[0];

    if ( r0->type == REG_UNINIT || r0->type == REG_MIXED )
        return refuse(v, pc, "R0 is %s at exit; return a verdict",
                      type_name(r0));
    if ( r0->type != REG_SCALAR )
        return refuse(v, pc, "R0 is %s at exit; programs must return a scalar verdict, not a pointer",
                      type_name(r0));
    return 0;
}

/* Deliver the current state to the jump target at pc. */
static void propagate(struct verifier *v, uint32_t target)
{
    struct vstate *slot = &v->slots[v->slot_of[target]];

    if ( slot->live )
        v->stats.merge_points++;
    join_state(slot, &v->cur);
}

static int check_flow(struct verifier *v, const uint8_t *tail)
{
    const struct xfo_bytecode *prog = v->prog;
    bool reachable = true;            /* cur holds a state for pc */
    char text[96];
    uint32_t pc;
    int rc;

    xfo_memset(&v->cur, 0, sizeof(v->cur));
    v->cur.regs[1].type = REG_CTX;
    v->cur.regs[EBPF_REG_FP].type = REG_STACK;
    v->cur.live = true;

    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        const struct ebpf_insn *insn = &prog->insns[pc];
        uint8_t cls = EBPF_CLASS(insn->code);
        uint16_t slot = v->slot_of[pc];

        if ( tail[pc] )
            continue;

        if ( slot != NO_SLOT && v->slots[slot].live )
        {
            if ( reachable )
                join_state(&v->slots[slot], &v->cur);
            v->cur = v->slots[slot];
            reachable = true;
        }
        if ( !reachable )
            return refuse(v, pc, "unreachable instruction");

        v->stats.insns_visited++;
        if ( v->log && v->log->level >= XFO_LOG_VERBOSE )
        {
            xfo_disasm_insn(prog, pc, text, sizeof(text));
            xfo_log_printf(v->log, "%u: %s\n", pc, text);
        }

        switch ( cls )
        {
        case EBPF_CLS_ALU:
        case EBPF_CLS_ALU64:
            rc = do_alu(v, pc, insn);
            break;

        case EBPF_CLS_LD:
            rc = do_lddw(v, pc, insn);
            break;

        case EBPF_CLS_LDX:
            rc = do_load(v, pc, insn);
            break;

        case EBPF_CLS_ST:
            rc = do_store(v, pc, insn);
            break;

        case EBPF_CLS_STX:
            rc = EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC
                 ? do_atomic(v, pc, insn) : do_store(v, pc, insn);
            break;

        default: /* JMP, JMP32 */
            switch ( EBPF_OP(insn->code) )
            {
            case EBPF_JMP_CALL:
                rc = do_call(v, pc, insn);
                break;
            case EBPF_JMP_EXIT:
                rc = do_exit(v, pc);
                reachable = false;
                break;
            case EBPF_JMP_JA:
                propagate(v, pc + 1 + (cls == EBPF_CLS_JMP32 ? insn->imm
                                                              : insn->off));
                reachable = false;
                rc = 0;
                break;
            default:
                rc = do_cond_jmp(v, pc, insn);
                if ( !rc )
                    propagate(v, pc + 1 + insn->off);
                break;
            }
            break;
        }

        if ( rc )
        {
            log_state(v, &v->cur);
            return rc;
        }
    }

    if ( reachable )
        return refuse(v, prog->insn_cnt - 1, "falls off the end of the program; the last instruction must be exit or a jump");
    return 0;
}

/*
 * Entry points
 */

#define WS_ALIGN 16
#define WS_ROUND(x) (((x) + WS_ALIGN - 1) & ~(size_t)(WS_ALIGN - 1))

size_t xfo_verifier_workspace_size(uint32_t insn_cnt)
{
    if ( insn_cnt > XFO_MAX_INSNS )
        insn_cnt = XFO_MAX_INSNS;
    /* slot_of, LDDW tail flags, then one slot per possible jump target. */
    return WS_ROUND(insn_cnt * sizeof(uint16_t)) + WS_ROUND(insn_cnt) +
           (size_t)insn_cnt * sizeof(struct vstate) + WS_ALIGN;
}

static int check_maps(struct verifier *v)
{
    const struct xfo_bytecode *prog = v->prog;
    uint32_t i;

    if ( prog->map_cnt > XFO_MAX_MAPS )
    {
        xfo_log_printf(v->log, "program has %u maps, at most %u are allowed\n",
                       prog->map_cnt, XFO_MAX_MAPS);
        return -E2BIG;
    }
    for ( i = 0; i < prog->map_cnt; i++ )
    {
        const struct xfo_map_def *m = &prog->maps[i];

        if ( m->type != XFO_MAP_ARRAY || m->key_size != 4 ||
             !m->value_size || m->value_size > XFO_MAP_MAX_VALUE ||
             m->value_size % 8 || !m->max_entries ||
             m->max_entries > XFO_MAP_MAX_ENTRIES )
        {
            xfo_log_printf(v->log, "map %u: type %u, key %u, value %u, entries %u: xfo maps are arrays with 4-byte keys, values of 8..%u bytes in steps of 8 and 1..%u entries\n",
                           i, m->type, m->key_size, m->value_size,
                           m->max_entries, XFO_MAP_MAX_VALUE,
                           XFO_MAP_MAX_ENTRIES);
            return -EINVAL;
        }
    }
    return 0;
}

int xfo_verify(const struct xfo_bytecode *prog, void *workspace,
               size_t workspace_size, struct xfo_log *log,
               struct xfo_verifier_stats *stats)
{
    struct verifier v = { .prog = prog, .log = log };
    uint8_t *base, *tail;
    uint32_t pc;
    int rc;

    if ( !prog->insn_cnt || !prog->insns )
    {
        xfo_log_printf(log, "program is empty\n");
        return -EINVAL;
    }
    if ( prog->insn_cnt > XFO_MAX_INSNS )
    {
        xfo_log_printf(log, "program has %u instructions, at most %u are allowed\n",
                       prog->insn_cnt, XFO_MAX_INSNS);
        return -E2BIG;
    }
    if ( (rc = check_maps(&v)) )
        return rc;
    if ( !workspace ||
         workspace_size < xfo_verifier_workspace_size(prog->insn_cnt) )
    {
        xfo_log_printf(log, "verifier workspace of %lu bytes is too small, %lu needed\n",
                       (unsigned long)workspace_size,
                       (unsigned long)xfo_verifier_workspace_size(
                           prog->insn_cnt));
        return -ENOSPC;
    }

    base = (uint8_t *)WS_ROUND((uintptr_t)workspace);
    v.slot_of = (uint16_t *)base;
    tail = base + WS_ROUND(prog->insn_cnt * sizeof(uint16_t));
    v.slots = (struct vstate *)(tail + WS_ROUND(prog->insn_cnt));

    rc = check_structure(&v, tail);
    if ( rc )
        goto out;

    /* A merge slot for every jump target, in order of first mention. */
    for ( pc = 0; pc < prog->insn_cnt; pc++ )
        v.slot_of[pc] = NO_SLOT;
    for ( pc = 0; pc < prog->insn_cnt; pc++ )
    {
        const struct ebpf_insn *insn = &prog->insns[pc];
        uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
        uint32_t target;

        if ( tail[pc] || (cls != EBPF_CLS_JMP && cls != EBPF_CLS_JMP32) ||
             op == EBPF_JMP_CALL || op == EBPF_JMP_EXIT )
            continue;
        target = pc + 1 + (cls == EBPF_CLS_JMP32 && op == EBPF_JMP_JA
                           ? insn->imm : insn->off);
        if ( v.slot_of[target] == NO_SLOT )
        {
            v.slot_of[target] = v.nr_slots;
            v.slots[v.nr_slots++].live = false;
        }
    }

    rc = check_flow(&v, tail);

 out:
    if ( !rc && log && log->level >= XFO_LOG_VERBOSE )
        xfo_log_printf(log, "accepted: %u insns visited, %u merge points, stack depth %u\n",
                       v.stats.insns_visited, v.stats.merge_points,
                       v.stats.stack_depth);
    if ( stats )
        *stats = v.stats;
    return rc;
}
