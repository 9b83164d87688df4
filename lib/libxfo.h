/* SPDX-License-Identifier: MIT */
/*
 * libxfo: the userspace library of xfo, used by xfoctl, xfod and the tests.
 * It opens policy objects, verifies them with the same core/ verifier Xen
 * runs, runs them in the userspace interpreter and assembles test programs.
 *
 * Naming follows libbpf: xfo_<object>__<verb>(). Functions that can fail
 * return 0 or a negative errno value and, where they take one, write a
 * one-line reason into the caller's err buffer (always NUL-terminated).
 * Internal headers (lib/<name>_internal.h) are not part of this interface.
 */
#ifndef LIBXFO_H
#define LIBXFO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xfo.h>
#include <xfo_core.h>

/* ------------------------------------------------------------------------
 * Policy objects: ELF files built with clang -target bpf (lib/object.c).
 * A program is a function in a section named "xfo" or "xfo/<anything>";
 * maps are libbpf BTF-defined maps in ".maps" of type BPF_MAP_TYPE_ARRAY
 * with 4-byte keys. Map references are rewritten to LDDW with src_reg
 * XFO_PSEUDO_MAP_IDX and imm the map's index.
 * ------------------------------------------------------------------------ */
struct xfo_object;
struct xfo_program;

int xfo_object__open_file(const char *path, struct xfo_object **obj,
                          char *err, size_t err_size);
int xfo_object__open_mem(const void *buf, size_t size, const char *name,
                         struct xfo_object **obj, char *err, size_t err_size);
/* Little-endian bytecode, 8 bytes an instruction; one program, no maps.
 * The program is named after the file up to its first '.', in "xfo". */
int xfo_object__open_raw(const char *path, struct xfo_object **obj,
                         char *err, size_t err_size);
void xfo_object__close(struct xfo_object *obj);

const char *xfo_object__name(const struct xfo_object *obj);
uint32_t xfo_object__prog_cnt(const struct xfo_object *obj);
/* NULL when idx is out of range. */
const struct xfo_program *xfo_object__prog(const struct xfo_object *obj,
                                           uint32_t idx);
/* NULL when there is no program of that name. */
const struct xfo_program *xfo_object__find_prog(const struct xfo_object *obj,
                                                const char *name);
uint32_t xfo_object__map_cnt(const struct xfo_object *obj);
/* NULL when the object has no maps. */
const struct xfo_map_def *xfo_object__maps(const struct xfo_object *obj);

const char *xfo_program__name(const struct xfo_program *prog);
const char *xfo_program__section(const struct xfo_program *prog);
const struct ebpf_insn *xfo_program__insns(const struct xfo_program *prog);
uint32_t xfo_program__insn_cnt(const struct xfo_program *prog);
/* The program as core/ sees it: its instructions and its object's maps. */
void xfo_program__core(const struct xfo_program *prog, struct xfo_prog *out);

/* ------------------------------------------------------------------------
 * Verification (lib/verify.c): xfo_verify() with a workspace allocated
 * here. log may be NULL. Returns what xfo_verify() returns.
 * ------------------------------------------------------------------------ */
int xfo_prog__verify(const struct xfo_prog *prog, char *log, size_t log_size,
                     uint32_t log_level, struct xfo_verifier_stats *stats);

/* ------------------------------------------------------------------------
 * Running in userspace (lib/runner.c): map storage, a trace buffer and the
 * helpers, as Xen provides them, around the core interpreter.
 * ------------------------------------------------------------------------ */
struct xfo_runner;

int xfo_runner__new(const struct xfo_prog *prog, struct xfo_runner **runner,
                    char *err, size_t err_size);
void xfo_runner__free(struct xfo_runner *runner);
/* checked: run with every memory access bounds-checked. */
int xfo_runner__run(struct xfo_runner *runner,
                    const struct xfo_fault_ctx *ctx, bool checked,
                    uint64_t *verdict, struct xfo_vm_result *res);
/* The map value at key, or NULL when out of range. */
void *xfo_runner__map_value(struct xfo_runner *runner, uint32_t map,
                            uint32_t key);
/* Makes time_ns() return ns (fixed) or the clock again (!fixed), for runs
 * that must repeat exactly: tests and the fuzzer. */
void xfo_runner__set_time(struct xfo_runner *runner, bool fixed, uint64_t ns);
/* Trace records so far, each prefixed by its u32 length; returns bytes. */
size_t xfo_runner__trace(const struct xfo_runner *runner, const void **buf);

/* ------------------------------------------------------------------------
 * Assembler (lib/asm.c) for the uBPF syntax the conformance suite uses:
 *   mov %r0, 1 / add32 %r1, %r2 / ldxw %r0, [%r1+4] / stxdw [%r10-8], %r1
 *   lock fetch add [%r10-8], %r1 / jeq %r1, 5, label / ja +3
 *   call 1 / call local fn / call %r2 / lddw %r0, 0x1122334455667788 / exit
 * plus, for the project's own tests:
 *   lddw %r1, map:0     an LDDW with src_reg XFO_PSEUDO_MAP_IDX, imm 0
 *   raw 0x0000000000000095   one instruction as a 64-bit little-endian word
 * '#' starts a comment; "name:" defines a label.
 * On success *insns is malloc'd (free() it) and *cnt set.
 * ------------------------------------------------------------------------ */
int xfo_asm(const char *text, struct ebpf_insn **insns, uint32_t *cnt,
            char *err, size_t err_size);

#endif /* LIBXFO_H */
