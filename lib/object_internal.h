/* SPDX-License-Identifier: MIT */
/*
 * What the two halves of opening a policy object share: lib/object_check.c
 * (passes 1 and 2, the checks of the ELF file before libbpf sees it) and
 * lib/object.c (passes 3 and 4, libbpf's view and the interface). Not part
 * of libxfo.h.
 */
#ifndef LIBXFO_OBJECT_INTERNAL_H
#define LIBXFO_OBJECT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>
#include <libelf.h>

#include "libxfo.h"

#define INSN_SZ			8u

struct bpf_object;

/* A function symbol in an executable section. */
struct func_sym {
	const char *name;
	uint32_t shndx;
	uint32_t insn_off;
	uint32_t insn_cnt;
};

/* A map reference found in a program section. */
struct map_reloc {
	uint32_t shndx;
	uint32_t insn;			/* index in the section */
	const char *map;		/* the symbol's name */
};

/* State of one open; everything points into buf, our private copy. */
struct loader {
	const char *name;		/* of the object, for messages */
	char *err;
	size_t err_size;
	bool failed;

	uint8_t *buf;
	size_t size;

	Elf64_Ehdr ehdr;
	Elf64_Shdr *shdrs;
	uint32_t shnum;
	const char *shstr;
	uint64_t shstr_size;

	uint32_t symtab;		/* section index, 0 if none */
	uint32_t strtab;
	const char *str;
	uint64_t str_size;
	uint32_t nsyms;
	uint32_t maps_shndx;		/* .maps, 0 if none */

	struct func_sym *funcs;
	uint32_t func_cnt;
	struct map_reloc *relocs;
	uint32_t reloc_cnt;

	Elf *elf;
	struct bpf_object *bobj;
	/* Full names of the maps, in index order, for matching relocations. */
	const char *map_names[XFO_MAX_MAPS];
};

/* The first failure of an open, "<object>: <what was wrong>", into ld's
 * err; later ones are dropped. (object.c) */
void xfo_loader_vfail(struct loader *ld, const char *fmt, va_list ap);

/* xfo_loader_vfail(); returns -errnum. */
static inline int __attribute__((format(printf, 3, 4)))
ld_fail(struct loader *ld, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xfo_loader_vfail(ld, fmt, ap);
	va_end(ap);
	return -errnum;
}

/* Passes 1 and 2 over ld->buf: 0, or what ld_fail() returned.
 * They fill ld's section, symbol, function and relocation tables and
 * ld->elf. (object_check.c) */
int xfo_elf_check(struct loader *ld);
/* Frees what xfo_elf_check() allocated. */
void xfo_elf_release(struct loader *ld);
/* "xfo" or "xfo/<anything>": where programs go. */
bool xfo_elf_is_xfo_section(const char *name);
/* The function symbol called name in section sec; NULL if there is none. */
const struct func_sym *xfo_elf_find_func(const struct loader *ld,
					 const char *sec, const char *name);

#endif
