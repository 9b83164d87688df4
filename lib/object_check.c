// SPDX-License-Identifier: MIT
/*
 * Passes 1 and 2 of opening a policy object (lib/object.c lists all four):
 * the ELF structure and BTF checked by hand, then the relocations of
 * program code with libelf, all before libbpf sees the file. Both work on
 * the loader's private copy and report through ld_fail().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gelf.h>
#include <libelf.h>

#include "object_internal.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lib/object_check.c reads ELF in place: little-endian hosts only"
#endif

/* BTF section headers (linux/btf.h; libbpf's btf.h wants the kernel one). */
#define BTF_MAGIC_LE		0xeb9f

/* ------------------------------------------------------------------------
 * Pass 1: the ELF structure, by hand.
 * ------------------------------------------------------------------------ */

/* A section's name once names are checked, else a placeholder. */
static const char *sec_name(const struct loader *ld, uint32_t idx)
{
	if (!ld->shstr && idx && idx == ld->ehdr.e_shstrndx)
		return "section header string table";
	if (!ld->shstr || idx >= ld->shnum ||
	    ld->shdrs[idx].sh_name >= ld->shstr_size)
		return "?";
	return ld->shstr + ld->shdrs[idx].sh_name;
}

static const char *sym_name(const struct loader *ld, const Elf64_Sym *sym)
{
	if (ELF64_ST_TYPE(sym->st_info) == STT_SECTION &&
	    sym->st_shndx < ld->shnum)
		return sec_name(ld, sym->st_shndx);
	return ld->str + sym->st_name;
}

bool xfo_elf_is_xfo_section(const char *name)
{
	return !strcmp(name, "xfo") || !strncmp(name, "xfo/", 4);
}

static bool is_exec(const struct loader *ld, uint32_t idx)
{
	return idx < ld->shnum &&
	       ld->shdrs[idx].sh_type == SHT_PROGBITS &&
	       (ld->shdrs[idx].sh_flags & SHF_EXECINSTR);
}

static void get_sym(const struct loader *ld, uint32_t idx, Elf64_Sym *sym)
{
	memcpy(sym, ld->buf + ld->shdrs[ld->symtab].sh_offset +
	       (uint64_t)idx * sizeof(*sym), sizeof(*sym));
}

/* Whether [off, off + len) lies in the file; reports if not. */
static int check_extent(struct loader *ld, uint32_t idx, const char *what)
{
	const Elf64_Shdr *sh = &ld->shdrs[idx];

	if (sh->sh_offset > UINT64_MAX - sh->sh_size)
		return ld_fail(ld, EINVAL,
			       "%s %u (%.64s): offset %llu + size %llu overflows",
			       what, idx, sec_name(ld, idx),
			       (unsigned long long)sh->sh_offset,
			       (unsigned long long)sh->sh_size);
	if (sh->sh_offset + sh->sh_size > ld->size)
		return ld_fail(ld, EINVAL,
			       "%s %u (%.64s) extends past the end of the file "
			       "(offset %llu + size %llu > %zu)",
			       what, idx, sec_name(ld, idx),
			       (unsigned long long)sh->sh_offset,
			       (unsigned long long)sh->sh_size, ld->size);
	return 0;
}

static int check_ehdr(struct loader *ld)
{
	Elf64_Ehdr *eh = &ld->ehdr;
	uint64_t table;

	if (ld->size >= SELFMAG && memcmp(ld->buf, ELFMAG, SELFMAG))
		return ld_fail(ld, EINVAL, "not an ELF file (bad magic)");
	if (ld->size < sizeof(*eh))
		return ld_fail(ld, EINVAL,
			       "truncated ELF header (%zu bytes < %zu)",
			       ld->size, sizeof(*eh));
	memcpy(eh, ld->buf, sizeof(*eh));

	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return ld_fail(ld, EINVAL,
			       "not a 64-bit ELF file (class %u)",
			       eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return ld_fail(ld, EINVAL,
			       "not a little-endian ELF file (data encoding %u)",
			       eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return ld_fail(ld, EINVAL, "unknown ELF version %u",
			       eh->e_ident[EI_VERSION] != EV_CURRENT ?
			       eh->e_ident[EI_VERSION] : eh->e_version);
	if (eh->e_machine != EM_BPF)
		return ld_fail(ld, EINVAL,
			       "not a BPF object (machine %u, expected %u): "
			       "build with clang -target bpf",
			       eh->e_machine, EM_BPF);
	if (eh->e_type != ET_REL)
		return ld_fail(ld, EINVAL,
			       "not a relocatable object (ELF type %u, expected "
			       "ET_REL): pass the .o clang -c produced",
			       eh->e_type);
	if (eh->e_ehsize < sizeof(*eh))
		return ld_fail(ld, EINVAL, "bad e_ehsize %u (expected %zu)",
			       eh->e_ehsize, sizeof(*eh));
	if (eh->e_phnum)
		return ld_fail(ld, EINVAL,
			       "unexpected program headers (e_phnum %u) in a "
			       "relocatable object", eh->e_phnum);

	if (!eh->e_shoff)
		return ld_fail(ld, EINVAL, "no section header table (e_shoff 0)");
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return ld_fail(ld, EINVAL, "bad e_shentsize %u (expected %zu)",
			       eh->e_shentsize, sizeof(Elf64_Shdr));
	if (!eh->e_shnum)
		return ld_fail(ld, EINVAL,
			       "no section headers (e_shnum 0; extended section "
			       "numbering is not supported)");
	table = (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr);
	if (eh->e_shoff > UINT64_MAX - table)
		return ld_fail(ld, EINVAL,
			       "section header table offset %llu + %u * %zu "
			       "overflows",
			       (unsigned long long)eh->e_shoff, eh->e_shnum,
			       sizeof(Elf64_Shdr));
	if (eh->e_shoff + table > ld->size)
		return ld_fail(ld, EINVAL,
			       "section header table extends past the end of "
			       "the file (offset %llu + %u * %zu > %zu)",
			       (unsigned long long)eh->e_shoff, eh->e_shnum,
			       sizeof(Elf64_Shdr), ld->size);
	if (eh->e_shstrndx == SHN_XINDEX)
		return ld_fail(ld, EINVAL,
			       "e_shstrndx SHN_XINDEX: extended section "
			       "numbering is not supported");
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return ld_fail(ld, EINVAL,
			       "e_shstrndx %u out of range (%u sections)",
			       eh->e_shstrndx, eh->e_shnum);

	ld->shnum = eh->e_shnum;
	ld->shdrs = calloc(ld->shnum, sizeof(*ld->shdrs));
	if (!ld->shdrs)
		return ld_fail(ld, ENOMEM, "out of memory");
	memcpy(ld->shdrs, ld->buf + eh->e_shoff, table);
	return 0;
}

/* A string table: in the file, non-empty and NUL-terminated. */
static int check_strtab(struct loader *ld, uint32_t idx, const char *what)
{
	const Elf64_Shdr *sh = &ld->shdrs[idx];
	int err;

	if (sh->sh_type != SHT_STRTAB)
		return ld_fail(ld, EINVAL,
			       "%s (section %u) is not a string table (type %u)",
			       what, idx, sh->sh_type);
	err = check_extent(ld, idx, "section");
	if (err)
		return err;
	if (!sh->sh_size)
		return ld_fail(ld, EINVAL, "%s (section %u) is empty", what, idx);
	if (ld->buf[sh->sh_offset + sh->sh_size - 1])
		return ld_fail(ld, EINVAL,
			       "%s (section %u) is not NUL-terminated", what, idx);
	return 0;
}

/*
 * The headers of .BTF and .BTF.ext: magic, version 1, and the two
 * offset/length pairs both have (types and strings; func and line info)
 * inside the section. libbpf checks the contents.
 */
static int check_btf(struct loader *ld, uint32_t idx)
{
	const Elf64_Shdr *sh = &ld->shdrs[idx];
	const uint8_t *p = ld->buf + sh->sh_offset;
	uint32_t hdr_len, part[4], i;
	uint16_t magic;

	if (sh->sh_size < 8 + sizeof(part))
		return ld_fail(ld, EINVAL, "section %u (%s) is too short for "
			       "its header (%llu bytes)", idx, sec_name(ld, idx),
			       (unsigned long long)sh->sh_size);
	memcpy(&magic, p, sizeof(magic));
	memcpy(&hdr_len, p + 4, sizeof(hdr_len));
	memcpy(part, p + 8, sizeof(part));
	if (magic != BTF_MAGIC_LE || p[2] != 1)
		return ld_fail(ld, EINVAL, "section %u (%s): bad magic 0x%x or "
			       "version %u", idx, sec_name(ld, idx), magic, p[2]);
	if (hdr_len < 8 + sizeof(part) || hdr_len > sh->sh_size)
		return ld_fail(ld, EINVAL, "section %u (%s): bad header length "
			       "%u (section size %llu)", idx, sec_name(ld, idx),
			       hdr_len, (unsigned long long)sh->sh_size);
	for (i = 0; i < 4; i += 2) {
		uint64_t off = part[i], len = part[i + 1];

		if (off + len > sh->sh_size - hdr_len)
			return ld_fail(ld, EINVAL, "section %u (%s): offset "
				       "%llu + length %llu extends past the "
				       "section", idx, sec_name(ld, idx),
				       (unsigned long long)off,
				       (unsigned long long)len);
	}
	return 0;
}

/*
 * The types and strings of .BTF, checked as libbpf 1.3 and later check
 * them (the libbpf this builds against may be older and trust them):
 * every record inside the type section, known kinds only, every name
 * inside the string table, every referenced type ID in range, FUNC naming
 * a FUNC_PROTO, and no cycle or endless chain of references through
 * modifiers, typedefs, pointers and arrays (libbpf follows those in loops
 * with no bound). Field layout as in linux/btf.h.
 */
enum {
	BTFK_INT = 1, BTFK_PTR, BTFK_ARRAY, BTFK_STRUCT, BTFK_UNION,
	BTFK_ENUM, BTFK_FWD, BTFK_TYPEDEF, BTFK_VOLATILE, BTFK_CONST,
	BTFK_RESTRICT, BTFK_FUNC, BTFK_FUNC_PROTO, BTFK_VAR, BTFK_DATASEC,
	BTFK_FLOAT, BTFK_DECL_TAG, BTFK_TYPE_TAG, BTFK_ENUM64,
};

#define BTF_MAX_CHAIN	32	/* libbpf's MAX_RESOLVE_DEPTH */

struct btf_view {
	const uint8_t *types;
	uint32_t types_len;
	const char *strs;
	uint32_t strs_len;
	uint32_t *off;		/* of type id (1-based) in types */
	uint32_t nr;
};

static uint32_t btf_u32(const struct btf_view *b, uint32_t off)
{
	uint32_t v;

	memcpy(&v, b->types + off, sizeof(v));
	return v;
}

static uint32_t btf_kind(const struct btf_view *b, uint32_t id)
{
	return (btf_u32(b, b->off[id] + 4) >> 24) & 0x1f;
}

/* Bytes of the record after the common 12-byte header, or -1. */
static int64_t btf_extra(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTFK_INT:
	case BTFK_VAR:
	case BTFK_DECL_TAG:
		return 4;
	case BTFK_PTR:
	case BTFK_FWD:
	case BTFK_TYPEDEF:
	case BTFK_VOLATILE:
	case BTFK_CONST:
	case BTFK_RESTRICT:
	case BTFK_FUNC:
	case BTFK_FLOAT:
	case BTFK_TYPE_TAG:
		return 0;
	case BTFK_ARRAY:
		return 12;
	case BTFK_STRUCT:
	case BTFK_UNION:
	case BTFK_DATASEC:
	case BTFK_ENUM64:
		return (int64_t)vlen * 12;
	case BTFK_ENUM:
	case BTFK_FUNC_PROTO:
		return (int64_t)vlen * 8;
	default:
		return -1;
	}
}

/* The one type a kind refers to, for chains; 0 for none. */
static bool btf_single_ref(const struct btf_view *b, uint32_t id,
			   uint32_t *next)
{
	uint32_t o = b->off[id];

	switch (btf_kind(b, id)) {
	case BTFK_PTR:
	case BTFK_TYPEDEF:
	case BTFK_VOLATILE:
	case BTFK_CONST:
	case BTFK_RESTRICT:
	case BTFK_TYPE_TAG:
	case BTFK_VAR:
	case BTFK_FUNC:
	case BTFK_DECL_TAG:
		*next = btf_u32(b, o + 8);
		return true;
	case BTFK_ARRAY:
		*next = btf_u32(b, o + 12);
		return true;
	default:
		return false;
	}
}

static int btf_check_name(struct loader *ld, const struct btf_view *b,
			  uint32_t id, uint32_t name_off)
{
	if (name_off >= b->strs_len)
		return ld_fail(ld, EINVAL,
			       "BTF type %u: name offset %u past the string "
			       "section (%u bytes)", id, name_off, b->strs_len);
	return 0;
}

static int btf_check_ref(struct loader *ld, const struct btf_view *b,
			 uint32_t id, uint32_t ref)
{
	if (ref > b->nr)
		return ld_fail(ld, EINVAL,
			       "BTF type %u refers to type %u, past the last "
			       "type %u", id, ref, b->nr);
	return 0;
}

static int btf_check_type(struct loader *ld, const struct btf_view *b,
			  uint32_t id)
{
	uint32_t o = b->off[id], info = btf_u32(b, o + 4);
	uint32_t kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
	uint32_t ref = btf_u32(b, o + 8), i, rec = o + 12;
	int err;

	err = btf_check_name(ld, b, id, btf_u32(b, o));
	if (err)
		return err;
	switch (kind) {
	case BTFK_PTR:
	case BTFK_TYPEDEF:
	case BTFK_VOLATILE:
	case BTFK_CONST:
	case BTFK_RESTRICT:
	case BTFK_TYPE_TAG:
	case BTFK_VAR:
	case BTFK_DECL_TAG:
		return btf_check_ref(ld, b, id, ref);
	case BTFK_FUNC:
		if (!ref || ref > b->nr || btf_kind(b, ref) != BTFK_FUNC_PROTO)
			return ld_fail(ld, EINVAL,
				       "BTF type %u: FUNC refers to type %u, "
				       "which is not a FUNC_PROTO", id, ref);
		return 0;
	case BTFK_ARRAY:
		err = btf_check_ref(ld, b, id, btf_u32(b, rec));
		return err ? err : btf_check_ref(ld, b, id, btf_u32(b, rec + 4));
	case BTFK_STRUCT:
	case BTFK_UNION:
		for (i = 0; i < vlen; i++, rec += 12) {
			err = btf_check_name(ld, b, id, btf_u32(b, rec));
			if (!err)
				err = btf_check_ref(ld, b, id,
						    btf_u32(b, rec + 4));
			if (err)
				return err;
		}
		return 0;
	case BTFK_ENUM:
	case BTFK_ENUM64:
		for (i = 0; i < vlen; i++, rec += kind == BTFK_ENUM ? 8 : 12) {
			err = btf_check_name(ld, b, id, btf_u32(b, rec));
			if (err)
				return err;
		}
		return 0;
	case BTFK_FUNC_PROTO:
		err = btf_check_ref(ld, b, id, ref);
		for (i = 0; !err && i < vlen; i++, rec += 8) {
			err = btf_check_name(ld, b, id, btf_u32(b, rec));
			if (!err)
				err = btf_check_ref(ld, b, id,
						    btf_u32(b, rec + 4));
		}
		return err;
	case BTFK_DATASEC:
		for (i = 0; i < vlen; i++, rec += 12) {
			err = btf_check_ref(ld, b, id, btf_u32(b, rec));
			if (err)
				return err;
		}
		return 0;
	default:
		return 0;
	}
}

static int check_btf_types(struct loader *ld, uint32_t idx)
{
	const Elf64_Shdr *sh = &ld->shdrs[idx];
	const uint8_t *p = ld->buf + sh->sh_offset;
	uint32_t hdr[6], id, o, steps, next;
	struct btf_view b = { 0 };
	int err = 0;

	memcpy(hdr, p, sizeof(hdr));	/* magic etc., hdr_len, type, str */
	if (hdr[2] % 4 || hdr[3] % 4)
		return ld_fail(ld, EINVAL, "section %u (.BTF): type section "
			       "offset %u or length %u is not a multiple of 4",
			       idx, hdr[2], hdr[3]);
	b.types = p + hdr[1] + hdr[2];
	b.types_len = hdr[3];
	b.strs = (const char *)p + hdr[1] + hdr[4];
	b.strs_len = hdr[5];
	if (!b.strs_len || b.strs[0] || b.strs[b.strs_len - 1])
		return ld_fail(ld, EINVAL, "section %u (.BTF): the string "
			       "section must start and end with NUL", idx);

	b.off = calloc(b.types_len / 12 + 2, sizeof(*b.off));
	if (!b.off)
		return ld_fail(ld, ENOMEM, "out of memory");
	for (o = 0; o < b.types_len; ) {
		uint32_t info;
		int64_t extra;

		if (b.types_len - o < 12) {
			err = ld_fail(ld, EINVAL, "BTF type %u: truncated by the "
				      "end of the type section", b.nr + 1);
			goto out;
		}
		info = btf_u32(&b, o + 4);
		extra = btf_extra((info >> 24) & 0x1f, info & 0xffff);
		if (extra < 0) {
			err = ld_fail(ld, EINVAL, "BTF type %u: unknown kind %u",
				      b.nr + 1, (info >> 24) & 0x1f);
			goto out;
		}
		if (extra > b.types_len - o - 12) {
			err = ld_fail(ld, EINVAL, "BTF type %u: %lld bytes of "
				      "members run past the type section",
				      b.nr + 1, (long long)extra);
			goto out;
		}
		b.off[++b.nr] = o;
		o += 12 + extra;
	}

	for (id = 1; id <= b.nr && !err; id++)
		err = btf_check_type(ld, &b, id);
	for (id = 1; id <= b.nr && !err; id++) {
		next = id;
		for (steps = 0; next && btf_single_ref(&b, next, &next); steps++)
			if (steps == BTF_MAX_CHAIN) {
				err = ld_fail(ld, EINVAL, "BTF type %u: chain of "
					      "references is cyclic or longer "
					      "than %u", id, BTF_MAX_CHAIN);
				break;
			}
	}
out:
	free(b.off);
	return err;
}

static int check_symtab(struct loader *ld)
{
	const Elf64_Shdr *sh = &ld->shdrs[ld->symtab];
	Elf64_Sym sym;
	uint32_t i;
	int err;

	if (sh->sh_entsize != sizeof(Elf64_Sym))
		return ld_fail(ld, EINVAL,
			       "symbol table (section %u) has entry size %llu, "
			       "expected %zu", ld->symtab,
			       (unsigned long long)sh->sh_entsize,
			       sizeof(Elf64_Sym));
	if (sh->sh_size % sizeof(Elf64_Sym))
		return ld_fail(ld, EINVAL,
			       "symbol table (section %u) size %llu is not a "
			       "multiple of %zu", ld->symtab,
			       (unsigned long long)sh->sh_size, sizeof(Elf64_Sym));
	if (sh->sh_size / sizeof(Elf64_Sym) > UINT32_MAX / 2)
		return ld_fail(ld, EINVAL, "symbol table too large");
	ld->nsyms = sh->sh_size / sizeof(Elf64_Sym);
	if (!sh->sh_link || sh->sh_link >= ld->shnum)
		return ld_fail(ld, EINVAL,
			       "symbol table (section %u) sh_link %u is not a "
			       "valid section", ld->symtab, sh->sh_link);
	ld->strtab = sh->sh_link;
	err = check_strtab(ld, ld->strtab, "symbol string table");
	if (err)
		return err;
	ld->str = (const char *)ld->buf + ld->shdrs[ld->strtab].sh_offset;
	ld->str_size = ld->shdrs[ld->strtab].sh_size;
	if (sh->sh_info > ld->nsyms)
		return ld_fail(ld, EINVAL,
			       "symbol table sh_info %u past its %u symbols",
			       sh->sh_info, ld->nsyms);

	for (i = 1; i < ld->nsyms; i++) {
		get_sym(ld, i, &sym);
		if (sym.st_name >= ld->str_size)
			return ld_fail(ld, EINVAL,
				       "symbol %u: name offset %u past the string "
				       "table (size %llu)", i, sym.st_name,
				       (unsigned long long)ld->str_size);
		if (sym.st_shndx == SHN_XINDEX)
			return ld_fail(ld, EINVAL,
				       "symbol %u (%.64s): extended section "
				       "indexes are not supported", i,
				       ld->str + sym.st_name);
		if (sym.st_shndx < SHN_LORESERVE && sym.st_shndx >= ld->shnum)
			return ld_fail(ld, EINVAL,
				       "symbol %u (%.64s): section index %u out "
				       "of range (%u sections)", i,
				       ld->str + sym.st_name, sym.st_shndx,
				       ld->shnum);
		if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !is_exec(ld, sym.st_shndx))
			continue;
		sh = &ld->shdrs[sym.st_shndx];
		if (sym.st_value % INSN_SZ || sym.st_size % INSN_SZ)
			return ld_fail(ld, EINVAL,
				       "function %.64s: offset %llu or size %llu "
				       "is not a multiple of %u", ld->str +
				       sym.st_name,
				       (unsigned long long)sym.st_value,
				       (unsigned long long)sym.st_size, INSN_SZ);
		if (sym.st_value > sh->sh_size ||
		    sym.st_size > sh->sh_size - sym.st_value)
			return ld_fail(ld, EINVAL,
				       "function %.64s (offset %llu, size %llu) "
				       "extends past its section %u (%.64s, "
				       "size %llu)", ld->str + sym.st_name,
				       (unsigned long long)sym.st_value,
				       (unsigned long long)sym.st_size,
				       sym.st_shndx, sec_name(ld, sym.st_shndx),
				       (unsigned long long)sh->sh_size);
		ld->func_cnt++;
	}

	ld->funcs = calloc(ld->func_cnt ? ld->func_cnt : 1, sizeof(*ld->funcs));
	if (!ld->funcs)
		return ld_fail(ld, ENOMEM, "out of memory");
	ld->func_cnt = 0;
	for (i = 1; i < ld->nsyms; i++) {
		struct func_sym *f = &ld->funcs[ld->func_cnt];

		get_sym(ld, i, &sym);
		if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC ||
		    !is_exec(ld, sym.st_shndx))
			continue;
		f->name = ld->str + sym.st_name;
		f->shndx = sym.st_shndx;
		f->insn_off = sym.st_value / INSN_SZ;
		f->insn_cnt = sym.st_size / INSN_SZ;
		ld->func_cnt++;
	}
	return 0;
}

/* A relocation section's header and, for non-program targets, entries. */
static int check_rel_section(struct loader *ld, uint32_t idx)
{
	const Elf64_Shdr *sh = &ld->shdrs[idx];
	const char *name = sec_name(ld, idx);
	const Elf64_Shdr *target;
	Elf64_Rel rel;
	uint64_t i, n;

	if (sh->sh_type == SHT_RELA) {
		if (sh->sh_info < ld->shnum && is_exec(ld, sh->sh_info))
			return ld_fail(ld, EINVAL,
				       "section %u (%.64s): RELA relocations of "
				       "program code are not supported", idx,
				       name);
		return 0;	/* ignored, as libbpf does */
	}
	if (sh->sh_entsize != sizeof(Elf64_Rel))
		return ld_fail(ld, EINVAL,
			       "relocation section %u (%.64s) has entry size "
			       "%llu, expected %zu", idx, name,
			       (unsigned long long)sh->sh_entsize,
			       sizeof(Elf64_Rel));
	if (sh->sh_size % sizeof(Elf64_Rel))
		return ld_fail(ld, EINVAL,
			       "relocation section %u (%.64s) size %llu is not a "
			       "multiple of %zu", idx, name,
			       (unsigned long long)sh->sh_size, sizeof(Elf64_Rel));
	if (!ld->symtab || sh->sh_link != ld->symtab)
		return ld_fail(ld, EINVAL,
			       "relocation section %u (%.64s): sh_link %u is not "
			       "the symbol table", idx, name, sh->sh_link);
	if (!sh->sh_info || sh->sh_info >= ld->shnum)
		return ld_fail(ld, EINVAL,
			       "relocation section %u (%.64s): sh_info %u is not "
			       "a valid section (%u sections)", idx, name,
			       sh->sh_info, ld->shnum);
	target = &ld->shdrs[sh->sh_info];
	if (target->sh_type == SHT_NOBITS || target->sh_type == SHT_NULL ||
	    target->sh_type == SHT_REL || target->sh_type == SHT_SYMTAB)
		return ld_fail(ld, EINVAL,
			       "relocation section %u (%.64s): sh_info %u names "
			       "section %.64s of type %u, which cannot be "
			       "relocated", idx, name, sh->sh_info,
			       sec_name(ld, sh->sh_info), target->sh_type);
	if (sh->sh_info == ld->maps_shndx && sh->sh_size)
		return ld_fail(ld, EINVAL,
			       "relocations in .maps (map-in-map, prog arrays) "
			       "are not supported");
	if (is_exec(ld, sh->sh_info))
		return 0;	/* pass 2 checks each one */

	n = sh->sh_size / sizeof(Elf64_Rel);
	for (i = 0; i < n; i++) {
		memcpy(&rel, ld->buf + sh->sh_offset + i * sizeof(rel),
		       sizeof(rel));
		if (ELF64_R_SYM(rel.r_info) >= ld->nsyms)
			return ld_fail(ld, EINVAL,
				       "relocation %llu in section %u (%.64s): "
				       "symbol index %llu past the symbol table "
				       "(%u symbols)", (unsigned long long)i, idx,
				       name,
				       (unsigned long long)ELF64_R_SYM(rel.r_info),
				       ld->nsyms);
		if (rel.r_offset >= target->sh_size)
			return ld_fail(ld, EINVAL,
				       "relocation %llu in section %u (%.64s): "
				       "offset %llu is outside the section "
				       "(size %llu)", (unsigned long long)i, idx,
				       name, (unsigned long long)rel.r_offset,
				       (unsigned long long)target->sh_size);
	}
	return 0;
}

static int check_sections(struct loader *ld)
{
	uint32_t shstrndx = ld->ehdr.e_shstrndx, i;
	uint32_t btf = 0, btf_ext = 0;
	int err;

	err = check_strtab(ld, shstrndx, "section header string table");
	if (err)
		return err;
	ld->shstr = (const char *)ld->buf + ld->shdrs[shstrndx].sh_offset;
	ld->shstr_size = ld->shdrs[shstrndx].sh_size;

	for (i = 1; i < ld->shnum; i++) {
		const Elf64_Shdr *sh = &ld->shdrs[i];

		if (sh->sh_name >= ld->shstr_size)
			return ld_fail(ld, EINVAL,
				       "section %u: name offset %u past the "
				       "section header string table (size %llu)",
				       i, sh->sh_name,
				       (unsigned long long)ld->shstr_size);
	}

	for (i = 1; i < ld->shnum; i++) {
		const Elf64_Shdr *sh = &ld->shdrs[i];
		const char *name = sec_name(ld, i);

		if (sh->sh_type == SHT_NULL)
			continue;
		if (sh->sh_type != SHT_NOBITS) {
			err = check_extent(ld, i, "section");
			if (err)
				return err;
		}
		if ((sh->sh_flags & SHF_COMPRESSED) &&
		    strncmp(name, ".debug", 6))
			return ld_fail(ld, EINVAL,
				       "section %u (%.64s) is compressed", i, name);

		if (sh->sh_flags & SHF_EXECINSTR) {
			bool ours = xfo_elf_is_xfo_section(name);

			if (sh->sh_type != SHT_PROGBITS && (ours || sh->sh_size))
				return ld_fail(ld, EINVAL,
					       "program section %u (%.64s) has "
					       "type %u, expected PROGBITS", i,
					       name, sh->sh_type);
			if (ours && !sh->sh_size)
				return ld_fail(ld, EINVAL,
					       "program section %u (%.64s) is "
					       "empty", i, name);
			if (sh->sh_size % INSN_SZ)
				return ld_fail(ld, EINVAL,
					       "program section %u (%.64s) size "
					       "%llu is not a multiple of %u", i,
					       name,
					       (unsigned long long)sh->sh_size,
					       INSN_SZ);
		}

		switch (sh->sh_type) {
		case SHT_SYMTAB:
			if (ld->symtab)
				return ld_fail(ld, EINVAL,
					       "more than one symbol table "
					       "(sections %u and %u)",
					       ld->symtab, i);
			ld->symtab = i;
			break;
		case SHT_SYMTAB_SHNDX:
			return ld_fail(ld, EINVAL,
				       "section %u (%.64s): extended section "
				       "indexes are not supported", i, name);
		default:
			break;
		}

		if (!strcmp(name, ".maps") || !strcmp(name, ".BTF") ||
		    !strcmp(name, ".BTF.ext")) {
			if (sh->sh_type != SHT_PROGBITS)
				return ld_fail(ld, EINVAL,
					       "section %u (%.64s) has type %u, "
					       "expected PROGBITS", i, name,
					       sh->sh_type);
			if (!strcmp(name, ".maps")) {
				if (ld->maps_shndx)
					return ld_fail(ld, EINVAL,
						       "more than one .maps "
						       "section");
				ld->maps_shndx = i;
			} else if (!strcmp(name, ".BTF.ext")) {
				btf_ext = i;
			} else {
				btf = i;
			}
		}
	}

	if (!ld->symtab)
		return ld_fail(ld, EINVAL, "no symbol table");
	err = check_symtab(ld);
	if (err)
		return err;
	if (ld->maps_shndx && !btf)
		return ld_fail(ld, EINVAL,
			       "maps in .maps need BTF, but there is no .BTF "
			       "section: build with -g");
	if (btf) {
		err = check_btf(ld, btf);
		if (!err)
			err = check_btf_types(ld, btf);
		if (err)
			return err;
	}
	if (btf_ext && (err = check_btf(ld, btf_ext)))
		return err;

	for (i = 1; i < ld->shnum; i++) {
		uint32_t type = ld->shdrs[i].sh_type;

		if (type == SHT_REL || type == SHT_RELA) {
			err = check_rel_section(ld, i);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Pass 2: the relocations of program code, with libelf.
 * ------------------------------------------------------------------------ */

static bool insn_in_function(const struct loader *ld, uint32_t shndx,
			     uint32_t insn)
{
	uint32_t i;

	for (i = 0; i < ld->func_cnt; i++) {
		const struct func_sym *f = &ld->funcs[i];

		if (f->shndx == shndx && insn >= f->insn_off &&
		    insn - f->insn_off < f->insn_cnt)
			return true;
	}
	return false;
}

/* The name of the function at insn of section shndx, else dflt. */
static const char *func_at(const struct loader *ld, uint32_t shndx,
			   int64_t insn, const char *dflt)
{
	uint32_t i;

	for (i = 0; i < ld->func_cnt; i++)
		if (ld->funcs[i].shndx == shndx &&
		    ld->funcs[i].insn_off == insn)
			return ld->funcs[i].name;
	return dflt;
}

/* Marks the second slot of every LDDW in a section's code. */
static uint8_t *lddw_tails(const struct ebpf_insn *insns, uint32_t cnt)
{
	uint8_t *tail = calloc(cnt ? cnt : 1, 1);
	uint32_t i;

	if (!tail)
		return NULL;
	for (i = 0; i < cnt; i++)
		if (insns[i].code == EBPF_OP_LDDW && i + 1 < cnt)
			tail[++i] = 1;
	return tail;
}

static bool is_data_section(const char *name)
{
	return !strcmp(name, ".data") || !strncmp(name, ".data.", 6) ||
	       !strcmp(name, ".bss") || !strncmp(name, ".bss.", 5) ||
	       !strcmp(name, ".rodata") || !strncmp(name, ".rodata.", 8) ||
	       !strcmp(name, ".kconfig") || !strcmp(name, ".ksyms");
}

static int check_one_reloc(struct loader *ld, uint32_t relsec, size_t j,
			   const GElf_Rel *rel, const struct ebpf_insn *insns,
			   uint32_t cnt, const uint8_t *tail)
{
	uint32_t shndx = ld->shdrs[relsec].sh_info;
	const char *sname = sec_name(ld, shndx);
	uint64_t symidx = GELF_R_SYM(rel->r_info);
	const struct ebpf_insn *insn;
	const char *name, *where;
	Elf64_Sym sym;
	uint32_t idx;

	if (rel->r_offset % INSN_SZ)
		return ld_fail(ld, EINVAL,
			       "relocation %zu of section %.64s: offset %llu is "
			       "not on an instruction boundary", j, sname,
			       (unsigned long long)rel->r_offset);
	if (rel->r_offset / INSN_SZ >= cnt)
		return ld_fail(ld, EINVAL,
			       "relocation %zu of section %.64s: offset %llu is "
			       "outside the section (size %llu)", j, sname,
			       (unsigned long long)rel->r_offset,
			       (unsigned long long)cnt * INSN_SZ);
	idx = rel->r_offset / INSN_SZ;
	insn = &insns[idx];
	if (tail[idx])
		return ld_fail(ld, EINVAL,
			       "relocation %zu at %.64s insn %u: points at the "
			       "second half of the LDDW at insn %u", j, sname,
			       idx, idx - 1);
	if (!insn_in_function(ld, shndx, idx))
		return ld_fail(ld, EINVAL,
			       "relocation %zu at %.64s insn %u: outside every "
			       "function of the section", j, sname, idx);
	if (symidx >= ld->nsyms)
		return ld_fail(ld, EINVAL,
			       "relocation %zu at %.64s insn %u: symbol index "
			       "%llu past the symbol table (%u symbols)", j,
			       sname, idx, (unsigned long long)symidx,
			       ld->nsyms);
	if (!symidx)
		return ld_fail(ld, EINVAL,
			       "relocation %zu at %.64s insn %u: unknown symbol "
			       "(index 0)", j, sname, idx);
	get_sym(ld, symidx, &sym);
	name = sym_name(ld, &sym);
	if (sym.st_shndx < ld->shnum)
		where = sec_name(ld, sym.st_shndx);
	else
		where = "?";

	if (insn->code == EBPF_OP_CALL) {
		/* Against a section symbol, imm + 1 is the callee's offset. */
		if (ELF64_ST_TYPE(sym.st_info) == STT_SECTION)
			name = func_at(ld, sym.st_shndx,
				       sym.st_value / INSN_SZ + insn->imm + 1,
				       name);
		if (sym.st_shndx == SHN_UNDEF)
			return ld_fail(ld, EINVAL,
				       "insn %u of %.64s: call to undefined "
				       "function %.64s: extern functions are "
				       "not supported", idx, sname, name);
		return ld_fail(ld, EINVAL,
			       "insn %u of %.64s: call to %.64s: bpf-to-bpf "
			       "calls are not supported; mark the function "
			       "static __always_inline", idx, sname, name);
	}
	if (insn->code != EBPF_OP_LDDW)
		return ld_fail(ld, EINVAL,
			       "relocation %zu at %.64s insn %u: not an LDDW "
			       "(opcode 0x%02x)", j, sname, idx, insn->code);
	if (idx + 1 >= cnt)
		return ld_fail(ld, EINVAL,
			       "relocation %zu at %.64s insn %u: the LDDW is "
			       "truncated by the end of the section", j, sname,
			       idx);
	if (sym.st_shndx == SHN_UNDEF)
		return ld_fail(ld, EINVAL,
			       "insn %u of %.64s: reference to undefined symbol "
			       "%.64s: externs are not supported", idx, sname,
			       name);
	if (sym.st_shndx >= ld->shnum)
		return ld_fail(ld, EINVAL,
			       "insn %u of %.64s: reference to %.64s, which is "
			       "in no section (index 0x%x)", idx, sname, name,
			       sym.st_shndx);
	if (is_data_section(where))
		return ld_fail(ld, EINVAL,
			       "insn %u of %.64s: reference to global variable "
			       "%.64s in %.64s: global data is not supported; "
			       "use #define constants", idx, sname, name, where);
	if (sym.st_shndx != ld->maps_shndx ||
	    ELF64_ST_TYPE(sym.st_info) == STT_SECTION)
		return ld_fail(ld, EINVAL,
			       "insn %u of %.64s: reference to %.64s in %.64s, "
			       "which is not a map", idx, sname, name, where);
	if (insn[0].imm || insn[1].imm)
		return ld_fail(ld, EINVAL,
			       "insn %u of %.64s: reference to map %.64s with "
			       "offset %d: only whole maps can be referenced",
			       idx, sname, name,
			       insn[0].imm ? insn[0].imm : insn[1].imm);

	ld->relocs[ld->reloc_cnt].shndx = shndx;
	ld->relocs[ld->reloc_cnt].insn = idx;
	ld->relocs[ld->reloc_cnt].map = name;
	ld->reloc_cnt++;
	return 0;
}

static int check_relocs(struct loader *ld)
{
	size_t total = 0;
	uint32_t i;
	int err = 0;

	for (i = 1; i < ld->shnum; i++)
		if (ld->shdrs[i].sh_type == SHT_REL &&
		    is_exec(ld, ld->shdrs[i].sh_info))
			total += ld->shdrs[i].sh_size / sizeof(Elf64_Rel);
	ld->relocs = calloc(total ? total : 1, sizeof(*ld->relocs));
	if (!ld->relocs)
		return ld_fail(ld, ENOMEM, "out of memory");

	elf_version(EV_CURRENT);
	ld->elf = elf_memory((char *)ld->buf, ld->size);
	if (!ld->elf || elf_kind(ld->elf) != ELF_K_ELF)
		return ld_fail(ld, EINVAL, "libelf: %s", elf_errmsg(-1));

	for (i = 1; i < ld->shnum && !err; i++) {
		const Elf64_Shdr *sh = &ld->shdrs[i];
		const Elf64_Shdr *target;
		struct ebpf_insn *insns;
		Elf_Data *data;
		Elf_Scn *scn;
		uint32_t cnt;
		uint8_t *tail;
		size_t j, n;

		if (sh->sh_type != SHT_REL || !is_exec(ld, sh->sh_info))
			continue;
		scn = elf_getscn(ld->elf, i);
		data = scn ? elf_getdata(scn, NULL) : NULL;
		if (!data || (sh->sh_size && !data->d_buf))
			return ld_fail(ld, EINVAL, "libelf: section %u: %s", i,
				       elf_errmsg(-1));

		target = &ld->shdrs[sh->sh_info];
		cnt = target->sh_size / INSN_SZ;
		insns = malloc(cnt ? target->sh_size : 1);
		if (!insns)
			return ld_fail(ld, ENOMEM, "out of memory");
		memcpy(insns, ld->buf + target->sh_offset, target->sh_size);
		tail = lddw_tails(insns, cnt);
		if (!tail) {
			free(insns);
			return ld_fail(ld, ENOMEM, "out of memory");
		}

		n = sh->sh_size / sizeof(Elf64_Rel);
		for (j = 0; j < n && !err; j++) {
			GElf_Rel rel;

			if (!gelf_getrel(data, j, &rel))
				err = ld_fail(ld, EINVAL,
					      "libelf: relocation %zu of section "
					      "%u: %s", j, i, elf_errmsg(-1));
			else
				err = check_one_reloc(ld, i, j, &rel, insns,
						      cnt, tail);
		}
		free(tail);
		free(insns);
	}
	return err;
}

/* ------------------------------------------------------------------------
 * For object.c.
 * ------------------------------------------------------------------------ */

int xfo_elf_check(struct loader *ld)
{
	int ret = check_ehdr(ld);

	if (!ret)
		ret = check_sections(ld);
	if (!ret)
		ret = check_relocs(ld);
	return ret;
}

void xfo_elf_release(struct loader *ld)
{
	if (ld->elf)
		elf_end(ld->elf);
	ld->elf = NULL;
	free(ld->relocs);
	free(ld->funcs);
	free(ld->shdrs);
}

const struct func_sym *xfo_elf_find_func(const struct loader *ld,
					 const char *sec, const char *name)
{
	uint32_t i;

	for (i = 0; i < ld->func_cnt; i++) {
		const struct func_sym *f = &ld->funcs[i];

		if (!strcmp(f->name, name) && !strcmp(sec_name(ld, f->shndx), sec))
			return f;
	}
	return NULL;
}
