/* SPDX-License-Identifier: MIT */
/*
 * The ALU and JMP handlers: a piece of the body of VM_RUN(), included
 * by interp_body.h inside the function, once per mode.
 * xen-style: inside a function
 */

    /* ---------------- ALU64 ---------------- */
    ALU64(add, *d += s)
    ALU64(sub, *d -= s)
    ALU64(mul, *d *= s)
    ALU64(or, *d |= s)
    ALU64(and, *d &= s)
    ALU64(xor, *d ^= s)
    ALU64(lsh, *d <<= s & 63)
    ALU64(rsh, *d >>= s & 63)
    ALU64(arsh, *d = arsh64(*d, s & 63))
    ALU64(div,
          if ( insn->off == 0 )
              *d = s ? *d / s : 0;
          else if ( insn->off == 1 )
              *d = s ? sdiv64(*d, s) : 0;
          else
              goto invalid)
    ALU64(mod,
          if ( insn->off == 0 )
          {
              if ( s )
                  *d %= s;
          }
          else if ( insn->off == 1 )
          {
              if ( s )
                  *d = smod64(*d, s);
          }
          else
              goto invalid)
 alu64_neg:
    VM_D = (uint64_t)0 - VM_D;
    VM_NEXT();
 alu64_k_mov:
    if ( insn->off )
        goto invalid;
    VM_D = imm64(insn);
    VM_NEXT();
 alu64_x_mov:
    /* The plain move first: it is by far the most common. */
    if ( !insn->off )
        VM_D = VM_S;
    else if ( insn->off == 8 )
        VM_D = sx8((uint8_t)VM_S);
    else if ( insn->off == 16 )
        VM_D = sx16((uint16_t)VM_S);
    else if ( insn->off == 32 )
        VM_D = sx32((uint32_t)VM_S);
    else
        goto invalid;
    VM_NEXT();
 alu64_bswap:
    if ( !vm_end(&VM_D, insn->imm, true) )
        goto invalid;
    VM_NEXT();

    /* ---------------- ALU (32-bit, zero-extending) ---------------- */
    ALU32(add, r = a + s)
    ALU32(sub, r = a - s)
    ALU32(mul, r = a * s)
    ALU32(or, r = a | s)
    ALU32(and, r = a & s)
    ALU32(xor, r = a ^ s)
    ALU32(lsh, r = a << (s & 31))
    ALU32(rsh, r = a >> (s & 31))
    ALU32(arsh, r = arsh32(a, s & 31))
    ALU32(div,
          if ( insn->off == 0 )
              r = s ? a / s : 0;
          else if ( insn->off == 1 )
              r = s ? sdiv32(a, s) : 0;
          else
              goto invalid)
    ALU32(mod,
          if ( insn->off == 0 )
              r = s ? a % s : a;
          else if ( insn->off == 1 )
              r = s ? smod32(a, s) : a;
          else
              goto invalid)
 alu32_neg:
    VM_D = (uint32_t)((uint32_t)0 - (uint32_t)VM_D);
    VM_NEXT();
 alu32_k_mov:
    if ( insn->off )
        goto invalid;
    VM_D = (uint32_t)insn->imm;
    VM_NEXT();
 alu32_x_mov:
    if ( !insn->off )
        VM_D = (uint32_t)VM_S;
    else if ( insn->off == 8 )
        VM_D = (uint32_t)sx8((uint8_t)VM_S);
    else if ( insn->off == 16 )
        VM_D = (uint32_t)sx16((uint16_t)VM_S);
    else
        goto invalid;
    VM_NEXT();
 alu32_to_le:
    if ( !vm_end(&VM_D, insn->imm, VM_HOST_BE) )
        goto invalid;
    VM_NEXT();
 alu32_to_be:
    if ( !vm_end(&VM_D, insn->imm, !VM_HOST_BE) )
        goto invalid;
    VM_NEXT();

    /* ---------------- JMP, JMP32 ---------------- */
 ja:
    VM_JUMP(insn->off);
 ja32:
    VM_JUMP(insn->imm);
    JCOND(EBPF_JMP_JEQ, jeq)
    JCOND(EBPF_JMP_JGT, jgt)
    JCOND(EBPF_JMP_JGE, jge)
    JCOND(EBPF_JMP_JSET, jset)
    JCOND(EBPF_JMP_JNE, jne)
    JCOND(EBPF_JMP_JSGT, jsgt)
    JCOND(EBPF_JMP_JSGE, jsge)
    JCOND(EBPF_JMP_JLT, jlt)
    JCOND(EBPF_JMP_JLE, jle)
    JCOND(EBPF_JMP_JSLT, jslt)
    JCOND(EBPF_JMP_JSLE, jsle)

 call:
    if ( unlikely(insn->src != EBPF_CALL_HELPER) )
        goto call_local;
    VM_CALL_HELPER((uint32_t)insn->imm, VM_NEXT());
 callx:
    VM_CALL_HELPER(VM_D, VM_NEXT());
 call_local:
    if ( insn->src != EBPF_CALL_LOCAL )
        goto invalid;
    if ( !vm_target(VM_PC, insn->imm, cnt, &target) )
        goto out_of_range;
    if ( depth + 1 >= XFO_VM_MAX_CALL_DEPTH ||
         (uint64_t)(depth + 2) * XFO_STACK_SIZE > vm->stack_size )
    {
        err = -ELOOP;
        goto out_here;
    }
    {
        struct vm_frame *f = &frames[depth++];

        f->saved[0] = reg[6];
        f->saved[1] = reg[7];
        f->saved[2] = reg[8];
        f->saved[3] = reg[9];
        f->saved[4] = reg[10];
        f->ret_pc = (uint32_t)VM_PC + 1;
    }
    reg[10] -= XFO_STACK_SIZE;
    VM_GOTO(target);

 op_exit:
    if ( likely(!depth) )
    {
        err = 0;
        goto out_here;
    }
    {
        const struct vm_frame *f = &frames[--depth];

        reg[6] = f->saved[0];
        reg[7] = f->saved[1];
        reg[8] = f->saved[2];
        reg[9] = f->saved[3];
        reg[10] = f->saved[4];
        target = f->ret_pc;
    }
#if VM_CHECKED
    if ( target >= cnt )
    {
        insn = insns + target;
        goto out_of_range;
    }
#endif
    VM_GOTO(target);
