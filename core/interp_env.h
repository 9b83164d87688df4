/* SPDX-License-Identifier: MIT */
/*
 * What a run of the interpreter may reach (core/interp.c): memory ranges,
 * the instruction budget, jump targets and conditions, and the helpers
 * and maps, inline.
 */
#ifndef XFO_CORE_INTERP_ENV_H
#define XFO_CORE_INTERP_ENV_H

/* Is [addr, addr + size) inside [start, start + len)? No overflow. */
static __always_inline bool vm_in_range(uint64_t addr, unsigned int size,
                                        uint64_t start, uint64_t len)
{
    return addr >= start && len >= size && addr - start <= len - size;
}

/* Checked mode: may the program access size bytes at addr for need? */
static bool vm_access_ok(const struct xfo_vm *vm, uint64_t addr,
                         unsigned int size, uint32_t need)
{
    uint32_t i;

    if ( vm_in_range(addr, size, (uintptr_t)vm->stack, vm->stack_size) )
        return true;
    if ( !vm->regions )
        return false;
    for ( i = 0; i < vm->region_cnt; i++ )
    {
        const struct xfo_vm_region *r = &vm->regions[i];

        if ( (r->flags & need) == need &&
             vm_in_range(addr, size, r->start, r->len) )
            return true;
    }
    return false;
}

/* The number of instructions a run may take. */
static __always_inline uint64_t vm_limit(const struct xfo_vm *vm)
{
    return vm->insn_limit ? vm->insn_limit : ~(uint64_t)0;
}

/*
 * A jump or call target: pc + 1 + rel, inside the program? Unsigned: a
 * target before the start wraps to far past cnt.
 */
static __always_inline bool vm_target(uint64_t pc, int64_t rel, uint32_t cnt,
                                      uint64_t *target)
{
    const uint64_t t = pc + 1 + (uint64_t)rel;

    if ( t >= cnt )
        return false;
    *target = t;
    return true;
}

/* Result of a conditional jump. op: code & 0xf0; a, b: the operands. */
static __always_inline bool vm_cond64(uint8_t op, uint64_t a, uint64_t b)
{
    switch ( op )
    {
    case EBPF_JMP_JEQ:  return a == b;
    case EBPF_JMP_JGT:  return a > b;
    case EBPF_JMP_JGE:  return a >= b;
    case EBPF_JMP_JSET: return a & b;
    case EBPF_JMP_JNE:  return a != b;
    case EBPF_JMP_JSGT: return (int64_t)a > (int64_t)b;
    case EBPF_JMP_JSGE: return (int64_t)a >= (int64_t)b;
    case EBPF_JMP_JLT:  return a < b;
    case EBPF_JMP_JLE:  return a <= b;
    case EBPF_JMP_JSLT: return (int64_t)a < (int64_t)b;
    default:            return (int64_t)a <= (int64_t)b;   /* JSLE */
    }
}

static __always_inline bool vm_cond32(uint8_t op, uint32_t a, uint32_t b)
{
    switch ( op )
    {
    case EBPF_JMP_JEQ:  return a == b;
    case EBPF_JMP_JGT:  return a > b;
    case EBPF_JMP_JGE:  return a >= b;
    case EBPF_JMP_JSET: return a & b;
    case EBPF_JMP_JNE:  return a != b;
    case EBPF_JMP_JSGT: return (int32_t)a > (int32_t)b;
    case EBPF_JMP_JSGE: return (int32_t)a >= (int32_t)b;
    case EBPF_JMP_JLT:  return a < b;
    case EBPF_JMP_JLE:  return a <= b;
    case EBPF_JMP_JSLT: return (int32_t)a < (int32_t)b;
    default:            return (int32_t)a <= (int32_t)b;   /* JSLE */
    }
}

/*
 * The array-map helpers, run here when the embedder gives the maps
 * (vm->maps). A map handle is the map's index, the value LDDW src_reg
 * XFO_PSEUDO_MAP_IDX loads; u32 arguments are the low halves of their
 * registers. Buffers must lie in the stack, checked in both modes: the
 * verifier guarantees it for verified programs, the check keeps unverified
 * ones safe. Results, as negative errno values in r0:
 *
 *   map_read(map, key, buf, size), map_write(map, key, buf, size)
 *     -EINVAL  the handle names no map, or size is 0
 *     -ENOENT  key >= max_entries
 *     -E2BIG   size > value_size (a smaller size copies the value's first
 *              size bytes)
 *     -EFAULT  [buf, buf + size) is not inside the stack
 *     map_read zeroes a valid buffer when it fails, so that the program
 *     never reads stale bytes as a value.
 *   map_add(map, key, delta)
 *     the new value of the value's first 8 bytes (atomic); 0 when the
 *     handle names no map or key >= max_entries
 */
static __always_inline uint64_t helper_ret(int err)
{
    return (uint64_t)(int64_t)err;
}

static __always_inline uint8_t *vm_stack_buf(const struct xfo_vm *vm,
                                             uint64_t addr, uint64_t size)
{
    const uint64_t start = (uintptr_t)vm->stack;

    if ( addr < start || size > vm->stack_size ||
         addr - start > vm->stack_size - size )
        return NULL;
    return (uint8_t *)(uintptr_t)addr;
}

static __always_inline const struct xfo_vm_map *vm_map(
    const struct xfo_vm *vm, uint64_t handle)
{
    if ( handle >= vm->map_cnt )
        return NULL;
    return &vm->maps[xfo_index_nospec(handle, vm->map_cnt)];
}

static __always_inline uint64_t vm_map_copy(const struct xfo_vm *vm,
                                            const uint64_t a[5], bool write)
{
    const struct xfo_vm_map *m = vm_map(vm, a[0]);
    uint32_t key = (uint32_t)a[1], size = (uint32_t)a[3];
    uint8_t *buf = vm_stack_buf(vm, a[2], size);
    uint8_t *value;
    int err = 0;

    if ( !m || !size )
        err = -EINVAL;
    else if ( key >= m->max_entries )
        err = -ENOENT;
    else if ( size > m->value_size )
        err = -E2BIG;
    else if ( !buf )
        err = -EFAULT;
    if ( err )
    {
        if ( !write && buf )
            xfo_memset(buf, 0, size);
        return helper_ret(err);
    }

    value = m->values +
            (size_t)xfo_index_nospec(key, m->max_entries) * m->value_size;
    /* The usual value is one u64: a constant size copies inline. */
    if ( size == sizeof(uint64_t) )
        xfo_memcpy(write ? value : buf, write ? buf : value, sizeof(uint64_t));
    else
        xfo_memcpy(write ? value : buf, write ? buf : value, size);
    return 0;
}

static __always_inline uint64_t vm_map_add(const struct xfo_vm *vm,
                                           const uint64_t a[5])
{
    const struct xfo_vm_map *m = vm_map(vm, a[0]);
    const uint32_t key = (uint32_t)a[1];
    uint64_t *value;

    if ( !m || key >= m->max_entries )
        return 0;
    value = (uint64_t *)(void *)(m->values +
        (size_t)xfo_index_nospec(key, m->max_entries) * m->value_size);
    return xfo_atomic_add_fetch(value, a[2]);
}

#endif /* XFO_CORE_INTERP_ENV_H */
