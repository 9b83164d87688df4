// SPDX-License-Identifier: MIT
/*
 * gen-bad-elf: writes malformed policy objects for the ELF tests.
 *
 *	gen-bad-elf BASE.bpf.o OUTDIR
 *
 * BASE must be a valid object with maps and map relocations in section
 * "xfo" (bpf/region_quota.bpf.o). Each case copies it, breaks one thing
 * and writes OUTDIR/<case>.o; OUTDIR/cases.tsv lists every case with the
 * text its error message must contain, where "*" stands for anything (a
 * section number or size that depends on how clang laid the object out);
 * "OK" marks a case that must open. Cases are named for their mistake.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The base object and where its interesting parts are. */
struct base {
	uint8_t *buf;
	size_t size;
	uint32_t shnum;
	uint32_t shstrndx;
	uint32_t sec_xfo;	/* the program section */
	uint32_t sec_relxfo;	/* its relocations */
	uint32_t sec_symtab;
	uint32_t sec_maps;
	uint32_t sec_btf;
	uint32_t sec_btf_ext;
	uint32_t sec_rel_btf;	/* any REL section of non-program data */
	uint32_t sec_spare;	/* a section nothing depends on */
	uint32_t sym_prog;	/* the program's function symbol */
	uint32_t sym_map;	/* a map symbol */
	uint32_t nsyms;
	uint32_t nrels;
	uint32_t lddw;		/* insn index of the first relocated LDDW */
	uint32_t plain;		/* insn index of an insn nothing relocates */
};

static struct base B;

/* The copy being broken. */
static uint8_t *buf;
static size_t size;

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)buf;
}

static Elf64_Shdr *shdr(uint32_t idx)
{
	return (Elf64_Shdr *)(buf + ehdr()->e_shoff) + idx;
}

static Elf64_Sym *sym(uint32_t idx)
{
	return (Elf64_Sym *)(buf + shdr(B.sec_symtab)->sh_offset) + idx;
}

static Elf64_Rel *rel(uint32_t sec, uint32_t idx)
{
	return (Elf64_Rel *)(buf + shdr(sec)->sh_offset) + idx;
}

static uint8_t *insn(uint32_t idx)
{
	return buf + shdr(B.sec_xfo)->sh_offset + idx * 8;
}

static const char *base_sec_name(uint32_t idx)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)B.buf;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(B.buf + eh->e_shoff);

	return (const char *)B.buf + sh[B.shstrndx].sh_offset + sh[idx].sh_name;
}

static void set_rel_sym(uint32_t sec, uint32_t idx, uint64_t symidx)
{
	Elf64_Rel *r = rel(sec, idx);

	r->r_info = ELF64_R_INFO(symidx, ELF64_R_TYPE(r->r_info));
}

/* ------------------------------------------------------------------------
 * The cases.
 * ------------------------------------------------------------------------ */

static void empty_file(void) { size = 0; }
static void truncated_header_4(void) { size = 4; }
static void truncated_header_63(void) { size = 63; }
static void truncated_at_64(void) { size = 64; }
static void truncated_mid_file(void) { size = B.size / 2; }
static void truncated_last_byte(void) { size = B.size - 1; }
static void truncated_in_shdr_table(void) { size = ehdr()->e_shoff + 100; }

static void bad_magic(void) { buf[1] = 'X'; }
static void wrong_class(void) { buf[EI_CLASS] = ELFCLASS32; }
static void big_endian(void) { buf[EI_DATA] = ELFDATA2MSB; }
static void bad_ident_version(void) { buf[EI_VERSION] = 0; }
static void bad_e_version(void) { ehdr()->e_version = 7; }
static void wrong_machine(void) { ehdr()->e_machine = EM_X86_64; }
static void et_exec(void) { ehdr()->e_type = ET_EXEC; }
static void et_dyn(void) { ehdr()->e_type = ET_DYN; }
static void small_ehsize(void) { ehdr()->e_ehsize = 32; }
static void has_program_headers(void) { ehdr()->e_phnum = 1; }

static void shoff_zero(void) { ehdr()->e_shoff = 0; }
static void shoff_past_end(void) { ehdr()->e_shoff = B.size + 4096; }
static void shoff_overflow(void) { ehdr()->e_shoff = UINT64_MAX - 64; }
static void shnum_zero(void) { ehdr()->e_shnum = 0; }
static void shnum_too_big(void) { ehdr()->e_shnum = 0xfeff; }
static void bad_shentsize(void) { ehdr()->e_shentsize = 40; }
static void shstrndx_out_of_range(void) { ehdr()->e_shstrndx = B.shnum + 5; }
static void shstrndx_zero(void) { ehdr()->e_shstrndx = 0; }
static void shstrndx_xindex(void) { ehdr()->e_shstrndx = SHN_XINDEX; }
static void shstrndx_not_strtab(void) { ehdr()->e_shstrndx = B.sec_symtab; }

static void section_offset_past_end(void)
{
	shdr(B.sec_xfo)->sh_offset = B.size + 100;
}

static void section_size_past_end(void)
{
	shdr(B.sec_btf)->sh_size += B.size;
}

static void section_offset_size_overflow(void)
{
	shdr(B.sec_xfo)->sh_offset = 16;
	shdr(B.sec_xfo)->sh_size = UINT64_MAX - 8;
}

static void section_name_past_strtab(void)
{
	shdr(B.sec_spare)->sh_name = 0x7fffffff;
}

static void shstrtab_not_nul_terminated(void)
{
	Elf64_Shdr *sh = shdr(B.shstrndx);

	buf[sh->sh_offset + sh->sh_size - 1] = 'x';
}

static void shstrtab_empty(void) { shdr(B.shstrndx)->sh_size = 0; }

static void shstrtab_past_end(void)
{
	shdr(B.shstrndx)->sh_offset = B.size - 2;
}

static void symtab_bad_entsize(void) { shdr(B.sec_symtab)->sh_entsize = 16; }
static void symtab_size_not_multiple(void) { shdr(B.sec_symtab)->sh_size -= 5; }
static void symtab_link_out_of_range(void) { shdr(B.sec_symtab)->sh_link = 999; }
static void symtab_link_zero(void) { shdr(B.sec_symtab)->sh_link = 0; }
static void symtab_link_not_strtab(void) { shdr(B.sec_symtab)->sh_link = B.sec_xfo; }
static void symtab_info_too_big(void) { shdr(B.sec_symtab)->sh_info = 1000; }
static void two_symtabs(void) { shdr(B.sec_spare)->sh_type = SHT_SYMTAB; }
static void no_symtab(void) { shdr(B.sec_symtab)->sh_type = SHT_PROGBITS; }
static void symtab_shndx_section(void) { shdr(B.sec_spare)->sh_type = SHT_SYMTAB_SHNDX; }

static void symbol_name_past_strtab(void) { sym(B.sym_map)->st_name = 0x7ffffff0; }
static void symbol_shndx_out_of_range(void) { sym(B.sym_map)->st_shndx = B.shnum + 3; }
static void symbol_shndx_xindex(void) { sym(B.sym_map)->st_shndx = SHN_XINDEX; }
static void func_symbol_past_section(void) { sym(B.sym_prog)->st_size = 1u << 20; }
static void func_symbol_offset_overflow(void) { sym(B.sym_prog)->st_value = UINT64_MAX - 7; }
static void func_symbol_misaligned(void) { sym(B.sym_prog)->st_value = 4; }

static void rel_bad_entsize(void) { shdr(B.sec_relxfo)->sh_entsize = 24; }
static void rel_size_not_multiple(void) { shdr(B.sec_relxfo)->sh_size -= 3; }
static void rel_info_out_of_range(void) { shdr(B.sec_relxfo)->sh_info = 999; }
static void rel_info_zero(void) { shdr(B.sec_relxfo)->sh_info = 0; }
static void rel_info_symtab(void) { shdr(B.sec_relxfo)->sh_info = B.sec_symtab; }
static void rel_link_not_symtab(void) { shdr(B.sec_relxfo)->sh_link = B.sec_xfo; }
static void rel_past_end(void) { shdr(B.sec_relxfo)->sh_size = B.size; }
static void rel_targets_maps(void) { shdr(B.sec_rel_btf)->sh_info = B.sec_maps; }

static void reloc_offset_outside(void)
{
	rel(B.sec_relxfo, 0)->r_offset = shdr(B.sec_xfo)->sh_size + 8;
}

static void reloc_offset_huge(void)
{
	rel(B.sec_relxfo, 0)->r_offset = UINT64_MAX - 7;
}

static void reloc_offset_unaligned(void)
{
	rel(B.sec_relxfo, 0)->r_offset += 4;
}

static void reloc_second_slot(void)
{
	rel(B.sec_relxfo, 0)->r_offset += 8;
}

static void reloc_not_lddw(void)
{
	rel(B.sec_relxfo, 0)->r_offset = B.plain * 8;
}

static void reloc_symbol_past_symtab(void)
{
	set_rel_sym(B.sec_relxfo, 0, B.nsyms + 5);
}

static void reloc_symbol_null(void)
{
	set_rel_sym(B.sec_relxfo, 0, 0);
}

static void reloc_symbol_not_map(void)
{
	set_rel_sym(B.sec_relxfo, 0, B.sym_prog);
}

static void reloc_symbol_undefined(void)
{
	sym(B.sym_map)->st_shndx = SHN_UNDEF;
}

static void reloc_map_with_offset(void)
{
	uint8_t *p = insn(B.lddw);
	int32_t imm = 8;

	memcpy(p + 4, &imm, 4);
}

static void reloc_outside_function(void)
{
	/* The program symbol ends before the first relocated LDDW. */
	sym(B.sym_prog)->st_size = B.lddw * 8;
}

static void reloc_lddw_truncated(void)
{
	/* The first relocated LDDW is cut in half by the section's end. */
	shdr(B.sec_xfo)->sh_size = (B.lddw + 1) * 8;
	sym(B.sym_prog)->st_size = (B.lddw + 1) * 8;
}

static void empty_prog_section(void) { shdr(B.sec_xfo)->sh_size = 0; }
static void odd_prog_section(void) { shdr(B.sec_xfo)->sh_size -= 4; }
static void prog_section_nobits(void) { shdr(B.sec_xfo)->sh_type = SHT_NOBITS; }

static void no_xfo_program(void)
{
	/* Rename "xfo" (and ".relxfo", which shares its bytes) to "abc". */
	memcpy(buf + shdr(B.shstrndx)->sh_offset + shdr(B.sec_xfo)->sh_name,
	       "abc", 3);
}

static void no_functions(void)
{
	shdr(B.sec_relxfo)->sh_size = 0;
	sym(B.sym_prog)->st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
}

static void maps_nobits(void) { shdr(B.sec_maps)->sh_type = SHT_NOBITS; }
static void btf_nobits(void) { shdr(B.sec_btf)->sh_type = SHT_NOBITS; }
static void btf_missing(void)
{
	memcpy(buf + shdr(B.shstrndx)->sh_offset + shdr(B.sec_btf)->sh_name,
	       ".XYZ", 4);
}
static void btf_bad_magic(void) { buf[shdr(B.sec_btf)->sh_offset] = 0; }

static void btf_bad_hdr_len(void)
{
	uint32_t len = 0x7fffffff;

	memcpy(buf + shdr(B.sec_btf)->sh_offset + 4, &len, 4);
}

static void btf_types_past_end(void)
{
	uint32_t len = 0x10000000;

	/* type_len */
	memcpy(buf + shdr(B.sec_btf)->sh_offset + 12, &len, 4);
}

static void btf_ext_bad_offsets(void)
{
	uint32_t off = 0xfffffff0;

	/* line_info_off */
	memcpy(buf + shdr(B.sec_btf_ext)->sh_offset + 16, &off, 4);
}

static void btf_compressed(void) { shdr(B.sec_btf)->sh_flags |= SHF_COMPRESSED; }

/* BTF records, found by walking the type section of the copy. */
#define BTF_HDR(i)	(((uint32_t *)(buf + shdr(B.sec_btf)->sh_offset))[i])

static uint32_t btf_rec_size(uint32_t info)
{
	uint32_t kind = (info >> 24) & 0x1f, vlen = info & 0xffff;

	switch (kind) {
	case 1: case 14: case 17: return 16;		/* INT, VAR, DECL_TAG */
	case 3: return 24;				/* ARRAY */
	case 4: case 5: case 15: case 19: return 12 + 12 * vlen;
	case 6: case 13: return 12 + 8 * vlen;		/* ENUM, FUNC_PROTO */
	default: return 12;
	}
}

/* The file offset of the first type of a kind, and its id. */
static uint32_t *btf_find(uint32_t kind, uint32_t *id)
{
	uint8_t *types = buf + shdr(B.sec_btf)->sh_offset + BTF_HDR(1) +
			 BTF_HDR(2);
	uint32_t off = 0, n = 0;

	while (off < BTF_HDR(3)) {
		uint32_t *t = (uint32_t *)(types + off);

		n++;
		if (((t[1] >> 24) & 0x1f) == kind) {
			if (id)
				*id = n;
			return t;
		}
		off += btf_rec_size(t[1]);
	}
	fprintf(stderr, "gen-bad-elf: base has no BTF kind %u\n", kind);
	exit(1);
}

static void btf_unknown_kind(void)
{
	uint32_t *t = btf_find(2, NULL);

	t[1] = (t[1] & ~(0x1fu << 24)) | (31u << 24);
}

static void btf_ref_past_last(void) { btf_find(2, NULL)[2] = 0x7fffffff; }
static void btf_name_past_strings(void) { btf_find(4, NULL)[0] = BTF_HDR(5) + 100; }
static void btf_member_name_past_strings(void) { btf_find(4, NULL)[3] = 0x7ffffff0; }
static void btf_member_ref_past_last(void) { btf_find(4, NULL)[4] = 0x7ffffff0; }
static void btf_datasec_ref_past_last(void) { btf_find(15, NULL)[3] = 0x7ffffff0; }
static void btf_vlen_past_section(void) { btf_find(4, NULL)[1] |= 0xffff; }
static void btf_types_truncated(void)
{
	uint8_t *types = buf + shdr(B.sec_btf)->sh_offset + BTF_HDR(1) +
			 BTF_HDR(2);
	uint32_t off = 0, last = 0;

	/* End the type section 8 bytes into its last record. */
	while (off < BTF_HDR(3)) {
		last = off;
		off += btf_rec_size(((uint32_t *)(types + off))[1]);
	}
	BTF_HDR(3) = last + 8;
}
static void btf_types_unaligned(void) { BTF_HDR(3) -= 2; }

static void btf_strings_not_nul(void)
{
	buf[shdr(B.sec_btf)->sh_offset + BTF_HDR(1) + BTF_HDR(4) +
	    BTF_HDR(5) - 1] = 'x';
}

static void btf_ptr_cycle(void)
{
	uint32_t id, *t = btf_find(2, &id);

	t[2] = id;
}

static void btf_func_not_proto(void)
{
	uint32_t ptr, *t = btf_find(12, NULL);

	btf_find(2, &ptr);
	t[2] = ptr;
}

/* A string of the BTF string section, for renaming in place. */
static char *btf_string(const char *s)
{
	char *strs = (char *)buf + shdr(B.sec_btf)->sh_offset + BTF_HDR(1) +
		     BTF_HDR(4);
	uint32_t off;

	for (off = 0; off < BTF_HDR(5); off += strlen(strs + off) + 1)
		if (!strcmp(strs + off, s))
			return strs + off;
	fprintf(stderr, "gen-bad-elf: base has no BTF string %s\n", s);
	exit(1);
}

/* Well-formed, but libbpf does not know the map field: its message. */
static void btf_map_unknown_field(void) { btf_string("max_entries")[10] = 'z'; }

static void debug_reloc_symbol_past_symtab(void)
{
	set_rel_sym(B.sec_rel_btf, 0, 0x7fffffff);
}

static void debug_reloc_offset_outside(void)
{
	rel(B.sec_rel_btf, 0)->r_offset = shdr(shdr(B.sec_rel_btf)->sh_info)->sh_size;
}

static void control_unmodified(void) { }

struct gen_case {
	const char *name;
	const char *expect;
	void (*fn)(void);
};

#define CASE(fn, expect) { #fn, expect, fn }

static const struct gen_case cases[] = {
	CASE(control_unmodified, "OK"),
	/* The ELF header. */
	CASE(empty_file, "truncated ELF header (0 bytes"),
	CASE(truncated_header_4, "truncated ELF header (4 bytes"),
	CASE(truncated_header_63, "truncated ELF header (63 bytes"),
	CASE(truncated_at_64, "section header table extends past the end of the file"),
	CASE(truncated_mid_file, "section header table extends past the end of the file"),
	CASE(truncated_last_byte, "section header table extends past the end of the file"),
	CASE(truncated_in_shdr_table, "section header table extends past the end of the file"),
	CASE(bad_magic, "not an ELF file (bad magic)"),
	CASE(wrong_class, "not a 64-bit ELF file (class 1)"),
	CASE(big_endian, "not a little-endian ELF file"),
	CASE(bad_ident_version, "unknown ELF version 0"),
	CASE(bad_e_version, "unknown ELF version 7"),
	CASE(wrong_machine, "not a BPF object (machine 62"),
	CASE(et_exec, "not a relocatable object (ELF type 2"),
	CASE(et_dyn, "not a relocatable object (ELF type 3"),
	CASE(small_ehsize, "bad e_ehsize 32"),
	CASE(has_program_headers, "unexpected program headers"),
	/* The section header table. */
	CASE(shoff_zero, "no section header table"),
	CASE(shoff_past_end, "section header table extends past the end of the file"),
	CASE(shoff_overflow, "section header table offset 18446744073709551551 + "),
	CASE(shnum_zero, "no section headers (e_shnum 0"),
	CASE(shnum_too_big, "section header table extends past the end of the file"),
	CASE(bad_shentsize, "bad e_shentsize 40 (expected 64)"),
	CASE(shstrndx_out_of_range, "out of range"),
	CASE(shstrndx_zero, "e_shstrndx 0 out of range"),
	CASE(shstrndx_xindex, "e_shstrndx SHN_XINDEX"),
	CASE(shstrndx_not_strtab, "section header string table (section"),
	/* Sections. */
	CASE(section_offset_past_end, "(xfo) extends past the end of the file"),
	CASE(section_size_past_end, "(.BTF) extends past the end of the file"),
	CASE(section_offset_size_overflow, "(xfo): offset 16 + size 18446744073709551607 overflows"),
	CASE(section_name_past_strtab, "name offset 2147483647 past the section header string table"),
	CASE(shstrtab_not_nul_terminated, "section header string table (section"),
	CASE(shstrtab_empty, "is empty"),
	CASE(shstrtab_past_end, "(section header string table) extends past the end of the file"),
	/* The symbol table. */
	CASE(symtab_bad_entsize, "has entry size 16, expected 24"),
	CASE(symtab_size_not_multiple, "is not a multiple of 24"),
	CASE(symtab_link_out_of_range, "sh_link 999 is not a valid section"),
	CASE(symtab_link_zero, "sh_link 0 is not a valid section"),
	CASE(symtab_link_not_strtab, "symbol string table (section"),
	CASE(symtab_info_too_big, "symbol table sh_info 1000 past its"),
	CASE(two_symtabs, "more than one symbol table"),
	CASE(no_symtab, "no symbol table"),
	CASE(symtab_shndx_section, "extended section indexes are not supported"),
	CASE(symbol_name_past_strtab, "name offset 2147483632 past the string table"),
	CASE(symbol_shndx_out_of_range, "(offloads): section index"),
	CASE(symbol_shndx_xindex, "(offloads): extended section indexes"),
	CASE(func_symbol_past_section, "function region_quota (offset 0, size 1048576) extends past its section"),
	CASE(func_symbol_offset_overflow, "extends past its section"),
	CASE(func_symbol_misaligned, "function region_quota: offset 4"),
	/* Relocation sections. */
	CASE(rel_bad_entsize, "(.relxfo) has entry size 24, expected 16"),
	CASE(rel_size_not_multiple, "(.relxfo) size * is not a multiple of 16"),
	CASE(rel_info_out_of_range, "(.relxfo): sh_info 999 is not a valid section"),
	CASE(rel_info_zero, "(.relxfo): sh_info 0 is not a valid section"),
	CASE(rel_info_symtab, "which cannot be relocated"),
	CASE(rel_link_not_symtab, "(.relxfo): sh_link"),
	CASE(rel_past_end, "(.relxfo) extends past the end of the file"),
	CASE(rel_targets_maps, "relocations in .maps"),
	/* Relocations of program code. */
	CASE(reloc_offset_outside, "is outside the section"),
	CASE(reloc_offset_huge, "is outside the section"),
	CASE(reloc_offset_unaligned, "is not on an instruction boundary"),
	CASE(reloc_second_slot, "points at the second half of the LDDW"),
	CASE(reloc_not_lddw, "not an LDDW (opcode"),
	CASE(reloc_symbol_past_symtab, "past the symbol table"),
	CASE(reloc_symbol_null, "unknown symbol (index 0)"),
	CASE(reloc_symbol_not_map, "reference to region_quota in xfo, which is not a map"),
	CASE(reloc_symbol_undefined, "reference to undefined symbol offloads"),
	CASE(reloc_map_with_offset, "only whole maps can be referenced"),
	CASE(reloc_outside_function, "outside every function"),
	CASE(reloc_lddw_truncated, "truncated by the end of the section"),
	/* Program sections. */
	CASE(empty_prog_section, "program section * (xfo) is empty"),
	CASE(odd_prog_section, "program section * (xfo) size * is not a multiple of 8"),
	CASE(prog_section_nobits, "(xfo) has type 8, expected PROGBITS"),
	CASE(no_xfo_program, "no xfo program in object"),
	CASE(no_functions, "no xfo program in object"),
	/* Maps and BTF. */
	CASE(maps_nobits, "(.maps) has type 8, expected PROGBITS"),
	CASE(btf_nobits, "(.BTF) has type 8, expected PROGBITS"),
	CASE(btf_missing, "no .BTF section"),
	CASE(btf_bad_magic, "(.BTF): bad magic"),
	CASE(btf_bad_hdr_len, "(.BTF): bad header length"),
	CASE(btf_types_past_end, "(.BTF): offset 0 + length 268435456 extends past"),
	CASE(btf_ext_bad_offsets, "(.BTF.ext): offset 4294967280"),
	CASE(btf_compressed, "(.BTF) is compressed"),
	CASE(btf_unknown_kind, "BTF type * unknown kind 31"),
	CASE(btf_ref_past_last, "refers to type 2147483647, past the last type"),
	CASE(btf_name_past_strings, "BTF type *: name offset * past the string section"),
	CASE(btf_member_name_past_strings, "name offset 2147483632 past the string section"),
	CASE(btf_member_ref_past_last, "refers to type 2147483632, past the last type"),
	CASE(btf_datasec_ref_past_last, "refers to type 2147483632, past the last type"),
	CASE(btf_vlen_past_section, "bytes of members run past the type section"),
	CASE(btf_types_truncated, "truncated by the end of the type section"),
	CASE(btf_types_unaligned, "is not a multiple of 4"),
	CASE(btf_strings_not_nul, "the string section must start and end with NUL"),
	CASE(btf_ptr_cycle, "chain of references is cyclic"),
	CASE(btf_func_not_proto, "which is not a FUNC_PROTO"),
	CASE(btf_map_unknown_field, "libbpf refused the object: map 'offloads': unknown field 'max_entriez'"),
	CASE(debug_reloc_symbol_past_symtab, "symbol index 2147483647 past the symbol table"),
	CASE(debug_reloc_offset_outside, "is outside the section"),
};

/* ------------------------------------------------------------------------
 * Finding the parts of the base object.
 * ------------------------------------------------------------------------ */

static int die(const char *msg)
{
	fprintf(stderr, "gen-bad-elf: %s\n", msg);
	return 1;
}

static int analyse(void)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)B.buf;
	const Elf64_Shdr *sh;
	const Elf64_Sym *syms;
	const Elf64_Rel *rels;
	const char *strtab;
	uint32_t i, n;
	uint64_t off;

	if (B.size < sizeof(*eh) || memcmp(B.buf, ELFMAG, SELFMAG) ||
	    eh->e_shoff % 8 || eh->e_shoff + eh->e_shnum * sizeof(*sh) > B.size)
		return die("base is not a usable ELF object");
	sh = (const Elf64_Shdr *)(B.buf + eh->e_shoff);
	B.shnum = eh->e_shnum;
	B.shstrndx = eh->e_shstrndx;

	for (i = 1; i < B.shnum; i++) {
		const char *name = base_sec_name(i);

		if (!strcmp(name, "xfo"))
			B.sec_xfo = i;
		else if (!strcmp(name, ".relxfo"))
			B.sec_relxfo = i;
		else if (!strcmp(name, ".maps"))
			B.sec_maps = i;
		else if (!strcmp(name, ".BTF"))
			B.sec_btf = i;
		else if (!strcmp(name, ".BTF.ext"))
			B.sec_btf_ext = i;
		else if (!strcmp(name, ".rel.BTF"))
			B.sec_rel_btf = i;
		else if (!strcmp(name, ".llvm_addrsig") ||
			 (!B.sec_spare && !strcmp(name, ".debug_frame")))
			B.sec_spare = i;
		if (sh[i].sh_type == SHT_SYMTAB)
			B.sec_symtab = i;
	}
	if (!B.sec_xfo || !B.sec_relxfo || !B.sec_maps || !B.sec_btf ||
	    !B.sec_btf_ext || !B.sec_rel_btf || !B.sec_spare || !B.sec_symtab)
		return die("base lacks xfo, .relxfo, .maps, .BTF, .BTF.ext, "
			   ".rel.BTF, a spare section or the symbol table");

	syms = (const Elf64_Sym *)(B.buf + sh[B.sec_symtab].sh_offset);
	strtab = (const char *)B.buf + sh[sh[B.sec_symtab].sh_link].sh_offset;
	B.nsyms = sh[B.sec_symtab].sh_size / sizeof(*syms);
	for (i = 1; i < B.nsyms; i++) {
		if (ELF64_ST_TYPE(syms[i].st_info) == STT_FUNC &&
		    syms[i].st_shndx == B.sec_xfo && !B.sym_prog)
			B.sym_prog = i;
		if (syms[i].st_shndx == B.sec_maps &&
		    !strcmp(strtab + syms[i].st_name, "offloads"))
			B.sym_map = i;
	}
	if (!B.sym_prog || !B.sym_map || syms[B.sym_prog].st_value)
		return die("base lacks a program at offset 0 of xfo or the map "
			   "offloads");

	rels = (const Elf64_Rel *)(B.buf + sh[B.sec_relxfo].sh_offset);
	B.nrels = sh[B.sec_relxfo].sh_size / sizeof(*rels);
	if (!B.nrels)
		return die("base has no relocations in xfo");
	B.lddw = rels[0].r_offset / 8;

	/* A plain instruction: not an LDDW nor the tail of one. */
	n = sh[B.sec_xfo].sh_size / 8;
	for (i = 0; i < n; i++) {
		off = sh[B.sec_xfo].sh_offset + i * 8;
		if (B.buf[off] == 0x18) {
			i++;
			continue;
		}
		if (B.buf[off] != 0x85) {
			B.plain = i;
			break;
		}
	}
	if (i == n)
		return die("base has no plain instruction");
	return 0;
}

static int read_base(const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(path);
		return 1;
	}
	B.buf = malloc(len);
	if (!B.buf || fread(B.buf, 1, len, f) != (size_t)len) {
		perror(path);
		fclose(f);
		return 1;
	}
	fclose(f);
	B.size = len;
	return analyse();
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	FILE *manifest;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: gen-bad-elf BASE.bpf.o OUTDIR\n");
		return 2;
	}
	if (read_base(argv[1]))
		return 1;
	if (mkdir(argv[2], 0755) && errno != EEXIST) {
		perror(argv[2]);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/cases.tsv", argv[2]);
	manifest = fopen(path, "w");
	if (!manifest) {
		perror(path);
		return 1;
	}

	buf = malloc(B.size);
	if (!buf)
		return die("out of memory");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(buf, B.buf, B.size);
		size = B.size;
		cases[i].fn();
		snprintf(path, sizeof(path), "%s/%s.o", argv[2], cases[i].name);
		if (write_file(path, buf, size))
			return 1;
		fprintf(manifest, "%s\t%s\n", cases[i].name, cases[i].expect);
	}
	free(buf);
	free(B.buf);
	if (fclose(manifest))
		return die("cannot write cases.tsv");
	return 0;
}
