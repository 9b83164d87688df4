/* SPDX-License-Identifier: MIT */
/*
 * The dispatch macros of interp_body.h, for the mode it is included in
 * (VM_CHECKED, VM_THREADED); interp_body.h undefines them at its end.
 * No include guard: it is included once per mode.
 */

/* A switch case for the handler list. */
#define VM_CASE(code, label) case code: goto label;

/* Into the handler of insn, through the label table tbl or the switch. */
#if VM_THREADED
#define VM_HANDLER(tbl) goto *(tbl)[insn->code]
#else
#define VM_HANDLER(tbl) goto vm_switch
#endif

#if VM_CHECKED

/* Before every instruction: the budget, then its register fields. */
#define VM_DISPATCH() \
    do { \
        if ( unlikely(!budget) ) \
            goto e2big; \
        budget--; \
        if ( unlikely(insn->dst >= EBPF_REG_NR || \
                      insn->src >= EBPF_REG_NR) ) \
            goto invalid; \
        VM_HANDLER(labels); \
    } while ( 0 )

/* On to the next instruction, which must exist. */
#define VM_NEXT() \
    do { \
        if ( unlikely(VM_PC + 1 >= cnt) ) \
            goto out_of_range; \
        insn++; \
        VM_DISPATCH(); \
    } while ( 0 )

#define VM_GOTO(t) \
    do { \
        insn = insns + (t); \
        VM_DISPATCH(); \
    } while ( 0 )

#define VM_SKIP(rel) \
    do { \
        insn += 1 + (rel); \
        VM_DISPATCH(); \
    } while ( 0 )

#define VM_ACCESS(addr, size, need) \
    do { \
        if ( !vm_access_ok(vm, addr, size, need) ) \
            goto fault; \
    } while ( 0 )

#else /* !VM_CHECKED */

#if VM_THREADED
#define VM_DISPATCH() goto *table[insn->code]
#else
#define VM_DISPATCH() goto vm_dispatch
#endif

#define VM_NEXT() \
    do { \
        insn++; \
        VM_DISPATCH(); \
    } while ( 0 )

/* After a call fused with the move of its result: rD = r0, then on. */
#define VM_NEXT_MOVR0() \
    do { \
        insn++; \
        VM_D = reg[0]; \
        VM_NEXT(); \
    } while ( 0 )

/* Control moves to index t, from where the limit may be in reach. */
#define VM_GOTO(t) \
    do { \
        base += VM_PC + 1 - (t); \
        insn = insns + (t); \
        if ( unlikely(base > base_max) ) \
            goto near_limit; \
        VM_DISPATCH(); \
    } while ( 0 )

/*
 * The same for a jump by rel: insn computed from itself is a shorter
 * chain of dependencies than from insns and the target's index.
 */
#define VM_SKIP(rel) \
    do { \
        const int64_t rel_ = (rel); \
        \
        base -= (uint64_t)rel_; \
        insn += rel_ + 1; \
        if ( unlikely(base > base_max) ) \
            goto near_limit; \
        VM_DISPATCH(); \
    } while ( 0 )

#define VM_ACCESS(addr, size, need) do { } while ( 0 )

#endif /* VM_CHECKED */

/*
 * A taken jump to pc + 1 + rel, which must be inside the program: checked
 * here, proven by the verifier for the unchecked mode (as it proves every
 * memory access).
 */
#if VM_CHECKED
#define VM_JUMP(rel) \
    do { \
        const int64_t rel_ = (rel); \
        \
        if ( !vm_target(VM_PC, rel_, cnt, &target) ) \
            goto out_of_range; \
        VM_SKIP(rel_); \
    } while ( 0 )
#else
#define VM_JUMP(rel) VM_SKIP((int64_t)(rel))
#endif
