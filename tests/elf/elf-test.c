// SPDX-License-Identifier: MIT
/*
 * elf-test: the policy object loader (lib/object.c) against good and bad
 * objects.
 *
 *	elf-test BUILD_DIR CASE_DIR
 *
 * BUILD_DIR/bpf/ holds the example policies, BUILD_DIR/tests/elf/ the
 * objects built from tests/elf/src/, and CASE_DIR what gen-bad-elf wrote
 * (cases.tsv and one object per case). Prints "PASS <case>" or
 * "FAIL <case>: <why>" per case; exits 1 if any failed.
 *
 * Good objects are checked against the ELF itself, read here by hand:
 * every map relocation must have become an LDDW with src_reg
 * XFO_PSEUDO_MAP_IDX and imm the index of the map of that name, and every
 * other instruction must be as clang wrote it.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libxfo.h"

static int failures;
static int passes;
static char build_dir[1024];

static void __attribute__((format(printf, 2, 3)))
fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

static void pass(const char *name)
{
	printf("PASS %s\n", name);
	passes++;
}

static char *path_in(char *buf, size_t size, const char *dir, const char *file)
{
	snprintf(buf, size, "%s/%s", dir, file);
	return buf;
}

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	*size = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc(len ? len : 1);
	if (buf && len && fread(buf, 1, len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

/*
 * Matches text against a pattern in which "*" stands for any run of
 * characters: each piece between stars must appear, in order.
 */
static bool matches(const char *text, const char *pattern)
{
	char piece[512];
	const char *star;
	size_t len;

	while (*pattern) {
		star = strchr(pattern, '*');
		len = star ? (size_t)(star - pattern) : strlen(pattern);
		if (len >= sizeof(piece))
			return false;
		memcpy(piece, pattern, len);
		piece[len] = '\0';
		if (len) {
			text = strstr(text, piece);
			if (!text)
				return false;
			text += len;
		}
		if (!star)
			break;
		pattern = star + 1;
	}
	return true;
}

/* An error message must be one line and name the object first. */
static bool good_message(const char *case_name, const char *err,
			 const char *object)
{
	size_t len = strlen(object);

	if (strchr(err, '\n')) {
		fail(case_name, "message has a newline: %s", err);
		return false;
	}
	if (strncmp(err, object, len) || strncmp(err + len, ": ", 2)) {
		fail(case_name, "message does not start with \"%s: \": %s",
		     object, err);
		return false;
	}
	return true;
}

/* Opens path, which must fail with a message matching expect. */
static void expect_failure(const char *case_name, const char *path,
			   const char *expect)
{
	struct xfo_object *obj = (struct xfo_object *)1;
	const char *object = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char err[512];
	int ret;

	memset(err, 'Z', sizeof(err));
	ret = xfo_object__open_file(path, &obj, err, sizeof(err));
	if (!ret) {
		fail(case_name, "opened, but should fail with \"%s\"", expect);
		xfo_object__close(obj);
		return;
	}
	if (ret >= 0 || obj) {
		fail(case_name, "returned %d with object %p", ret, (void *)obj);
		return;
	}
	if (!memchr(err, '\0', sizeof(err))) {
		fail(case_name, "message is not NUL-terminated");
		return;
	}
	if (!good_message(case_name, err, object))
		return;
	if (!matches(err, expect)) {
		fail(case_name, "expected \"%s\", got: %s", expect, err);
		return;
	}
	pass(case_name);
}

/* ------------------------------------------------------------------------
 * Good objects, checked against their ELF.
 * ------------------------------------------------------------------------ */

struct elf_view {
	const uint8_t *buf;
	size_t size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *shstr;
	const Elf64_Sym *syms;
	uint32_t nsyms;
	const char *str;
};

/* Valid objects only: clang's output is trusted here. */
static bool elf_view(struct elf_view *v, const uint8_t *buf, size_t size)
{
	uint32_t i;

	memset(v, 0, sizeof(*v));
	if (size < sizeof(Elf64_Ehdr))
		return false;
	v->buf = buf;
	v->size = size;
	v->eh = (const Elf64_Ehdr *)buf;
	if (v->eh->e_shoff + v->eh->e_shnum * sizeof(Elf64_Shdr) > size)
		return false;
	v->sh = (const Elf64_Shdr *)(buf + v->eh->e_shoff);
	v->shstr = (const char *)buf + v->sh[v->eh->e_shstrndx].sh_offset;
	for (i = 0; i < v->eh->e_shnum; i++) {
		if (v->sh[i].sh_type != SHT_SYMTAB)
			continue;
		v->syms = (const Elf64_Sym *)(buf + v->sh[i].sh_offset);
		v->nsyms = v->sh[i].sh_size / sizeof(Elf64_Sym);
		v->str = (const char *)buf + v->sh[v->sh[i].sh_link].sh_offset;
	}
	return v->syms != NULL;
}

static const char *elf_sec_name(const struct elf_view *v, uint32_t idx)
{
	return v->shstr + v->sh[idx].sh_name;
}

static const Elf64_Sym *elf_func(const struct elf_view *v, const char *sec,
				 const char *name)
{
	uint32_t i;

	for (i = 1; i < v->nsyms; i++) {
		const Elf64_Sym *s = &v->syms[i];

		if (ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
		    s->st_shndx < v->eh->e_shnum &&
		    !strcmp(v->str + s->st_name, name) &&
		    !strcmp(elf_sec_name(v, s->st_shndx), sec))
			return s;
	}
	return NULL;
}

static int map_index_by_name(const struct xfo_object *obj, const char *name)
{
	const struct xfo_map_def *maps = xfo_object__maps(obj);
	uint32_t i;

	for (i = 0; i < xfo_object__map_cnt(obj); i++)
		if (!strncmp(maps[i].name, name, XFO_NAME_LEN - 1))
			return i;
	return -1;
}

/*
 * One program against its ELF section: same instructions, except that each
 * relocated LDDW is now src_reg 1 and imm the map's index.
 */
static bool check_prog_relocs(const char *case_name, const struct elf_view *v,
			      const struct xfo_object *obj,
			      const struct xfo_program *prog, uint32_t *relocs)
{
	const char *sec = xfo_program__section(prog);
	const struct ebpf_insn *insns = xfo_program__insns(prog);
	uint32_t cnt = xfo_program__insn_cnt(prog), i, j, shndx, off;
	const Elf64_Sym *fsym;
	struct ebpf_insn *want;
	bool ok = true;

	fsym = elf_func(v, sec, xfo_program__name(prog));
	if (!fsym) {
		fail(case_name, "no symbol for program %s", xfo_program__name(prog));
		return false;
	}
	if (fsym->st_size / 8 != cnt) {
		fail(case_name, "program %s has %u insns, its symbol %llu",
		     xfo_program__name(prog), cnt,
		     (unsigned long long)fsym->st_size / 8);
		return false;
	}
	shndx = fsym->st_shndx;
	off = fsym->st_value / 8;
	want = malloc(cnt * sizeof(*want));
	if (!want)
		return false;
	memcpy(want, v->buf + v->sh[shndx].sh_offset + fsym->st_value,
	       cnt * sizeof(*want));

	for (i = 0; i < v->eh->e_shnum; i++) {
		const Elf64_Shdr *rs = &v->sh[i];
		const Elf64_Rel *rels;

		if (rs->sh_type != SHT_REL || rs->sh_info != shndx)
			continue;
		rels = (const Elf64_Rel *)(v->buf + rs->sh_offset);
		for (j = 0; j < rs->sh_size / sizeof(*rels); j++) {
			const Elf64_Sym *s = &v->syms[ELF64_R_SYM(rels[j].r_info)];
			uint32_t at = rels[j].r_offset / 8;
			int map;

			if (at < off || at - off >= cnt)
				continue;
			at -= off;
			map = map_index_by_name(obj, v->str + s->st_name);
			if (map < 0) {
				fail(case_name, "relocation against %s, which is "
				     "not among the maps", v->str + s->st_name);
				ok = false;
				continue;
			}
			want[at].src = XFO_PSEUDO_MAP_IDX;
			want[at].imm = map;
			want[at + 1].imm = 0;
			(*relocs)++;
		}
	}

	for (i = 0; ok && i < cnt; i++) {
		if (!memcmp(&want[i], &insns[i], sizeof(want[i])))
			continue;
		fail(case_name, "%s insn %u: code 0x%02x src %u imm %d, "
		     "expected code 0x%02x src %u imm %d",
		     xfo_program__name(prog), i, insns[i].code, insns[i].src,
		     insns[i].imm, want[i].code, want[i].src, want[i].imm);
		ok = false;
	}
	free(want);
	return ok;
}

struct want_map {
	const char *name;
	uint32_t value_size;
	uint32_t max_entries;
};

struct want_obj {
	const char *file;		/* under BUILD_DIR */
	const char *progs[3];		/* names, in order */
	const char *sections[3];
	uint32_t nr_relocs;		/* map references in all programs */
	struct want_map maps[XFO_MAX_MAPS];
	uint32_t nr_maps;
};

static const struct want_obj good_objects[] = {
	{ "bpf/zero_fill.bpf.o", { "zero_fill" }, { "xfo" }, 0, { { 0 } }, 0 },
	{ "bpf/fault_around.bpf.o", { "fault_around" }, { "xfo" }, 0,
	  { { 0 } }, 0 },
	{ "bpf/bounce_all.bpf.o", { "bounce_all" }, { "xfo" }, 0,
	  { { 0 } }, 0 },
	{ "bpf/region_quota.bpf.o", { "region_quota" }, { "xfo" }, 2,
	  { { "offloads", 8, 64 }, { "quota_cfg", 8, 1 } }, 2 },
	{ "bpf/counting.bpf.o", { "counting" }, { "xfo" }, 4,
	  { { "by_pfec", 8, 64 }, { "by_class", 8, 5 } }, 2 },
	{ "tests/elf/two_progs.bpf.o", { "prog_a", "prog_b" },
	  { "xfo/a", "xfo/b" }, 4,
	  { { "first", 8, 4 }, { "second", 8, 8 } }, 2 },
	{ "tests/elf/shared_section.bpf.o", { "first", "second" },
	  { "xfo", "xfo" }, 3,
	  { { "unused", 8, 1 }, { "hits", 8, 16 } }, 2 },
};

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool check_object(const char *case_name, const struct want_obj *w,
			 const struct xfo_object *obj, const uint8_t *buf,
			 size_t size)
{
	const struct xfo_map_def *maps = xfo_object__maps(obj);
	struct elf_view v;
	uint32_t i, relocs = 0;
	struct xfo_bytecode core;
	int m;

	if (!elf_view(&v, buf, size)) {
		fail(case_name, "cannot read the ELF");
		return false;
	}
	if (xfo_object__map_cnt(obj) != w->nr_maps) {
		fail(case_name, "%u maps, expected %u", xfo_object__map_cnt(obj),
		     w->nr_maps);
		return false;
	}
	for (i = 0; i < w->nr_maps; i++) {
		m = map_index_by_name(obj, w->maps[i].name);
		if (m < 0) {
			fail(case_name, "no map %s", w->maps[i].name);
			return false;
		}
		if (maps[m].type != XFO_MAP_ARRAY || maps[m].key_size != 4 ||
		    maps[m].value_size != w->maps[i].value_size ||
		    maps[m].max_entries != w->maps[i].max_entries ||
		    maps[m].name[XFO_NAME_LEN - 1]) {
			fail(case_name, "map %s: type %u key %u value %u "
			     "entries %u", w->maps[i].name, maps[m].type,
			     maps[m].key_size, maps[m].value_size,
			     maps[m].max_entries);
			return false;
		}
	}

	for (i = 0; i < 3 && w->progs[i]; i++) {
		const struct xfo_program *p = xfo_object__prog(obj, i);
		const struct ebpf_insn *last;

		if (!p || strcmp(xfo_program__name(p), w->progs[i]) ||
		    strcmp(xfo_program__section(p), w->sections[i])) {
			fail(case_name, "program %u is %s in %s, expected %s "
			     "in %s", i, p ? xfo_program__name(p) : "missing",
			     p ? xfo_program__section(p) : "-", w->progs[i],
			     w->sections[i]);
			return false;
		}
		if (xfo_object__find_prog(obj, w->progs[i]) != p) {
			fail(case_name, "find_prog(%s) is not prog(%u)",
			     w->progs[i], i);
			return false;
		}
		last = &xfo_program__insns(p)[xfo_program__insn_cnt(p) - 1];
		if (last->code != EBPF_OP_EXIT && last->code != EBPF_OP_JA) {
			fail(case_name, "%s does not end with exit or ja",
			     w->progs[i]);
			return false;
		}
		xfo_program__bytecode(p, &core);
		if (core.insns != xfo_program__insns(p) ||
		    core.insn_cnt != xfo_program__insn_cnt(p) ||
		    core.map_cnt != w->nr_maps ||
		    (w->nr_maps && core.maps != maps)) {
			fail(case_name, "xfo_program__bytecode disagrees");
			return false;
		}
		if (!check_prog_relocs(case_name, &v, obj, p, &relocs))
			return false;
	}
	if (xfo_object__prog_cnt(obj) != i || xfo_object__prog(obj, i)) {
		fail(case_name, "%u programs, expected %u",
		     xfo_object__prog_cnt(obj), i);
		return false;
	}
	if (xfo_object__find_prog(obj, "no_such_program")) {
		fail(case_name, "find_prog found a program that is not there");
		return false;
	}
	if (relocs != w->nr_relocs) {
		fail(case_name, "%u map references rewritten, expected %u",
		     relocs, w->nr_relocs);
		return false;
	}
	return true;
}

static void test_good_objects(void)
{
	struct xfo_object *obj, *obj2;
	char path[2048], name[256], err[512];
	size_t i, size;
	uint8_t *buf;
	int ret;

	for (i = 0; i < sizeof(good_objects) / sizeof(good_objects[0]); i++) {
		const struct want_obj *w = &good_objects[i];
		const char *base = base_of(w->file);

		path_in(path, sizeof(path), build_dir, w->file);
		snprintf(name, sizeof(name), "open_%.*s", (int)strcspn(base, "."),
			 base);
		buf = slurp(path, &size);
		if (!buf) {
			fail(name, "cannot read %s", path);
			continue;
		}
		ret = xfo_object__open_file(path, &obj, err, sizeof(err));
		if (ret) {
			fail(name, "%s", err);
			free(buf);
			continue;
		}
		if (strcmp(xfo_object__name(obj), base))
			fail(name, "object name %s, expected %s",
			     xfo_object__name(obj), base);
		else if (err[0])
			fail(name, "success left a message: %s", err);
		else if (check_object(name, w, obj, buf, size))
			pass(name);

		/* The same bytes from memory, under another name. */
		snprintf(name, sizeof(name), "open_mem_%.*s",
			 (int)strcspn(base, "."), base);
		ret = xfo_object__open_mem(buf, size, "mem.o", &obj2, err,
					   sizeof(err));
		if (ret)
			fail(name, "%s", err);
		else if (strcmp(xfo_object__name(obj2), "mem.o"))
			fail(name, "object name %s", xfo_object__name(obj2));
		else if (check_object(name, w, obj2, buf, size))
			pass(name);
		if (!ret)
			xfo_object__close(obj2);
		xfo_object__close(obj);
		free(buf);
	}
}

/* Every example policy must pass the verifier Xen runs. */
static void test_policies_verify(void)
{
	static const char *const policies[] = {
		"zero_fill", "fault_around", "bounce_all", "region_quota",
		"counting",
	};
	char path[2048], file[256], name[256], err[512], log[4096];
	struct xfo_verifier_stats stats;
	struct xfo_object *obj;
	struct xfo_bytecode core;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		snprintf(name, sizeof(name), "verify_%s", policies[i]);
		snprintf(file, sizeof(file), "bpf/%s.bpf.o", policies[i]);
		path_in(path, sizeof(path), build_dir, file);
		if (xfo_object__open_file(path, &obj, err, sizeof(err))) {
			fail(name, "%s", err);
			continue;
		}
		xfo_program__bytecode(xfo_object__prog(obj, 0), &core);
		memset(&stats, 0, sizeof(stats));
		ret = xfo_bytecode__verify(&core, log, sizeof(log),
					   XFO_LOG_ERRORS, &stats);
		if (ret)
			fail(name, "verifier refused it (%d): %s", ret, log);
		else
			pass(name);
		xfo_object__close(obj);
	}

	/* No log buffer at all is allowed. */
	path_in(path, sizeof(path), build_dir, "bpf/region_quota.bpf.o");
	if (xfo_object__open_file(path, &obj, err, sizeof(err))) {
		fail("verify_without_log", "%s", err);
		return;
	}
	xfo_program__bytecode(xfo_object__prog(obj, 0), &core);
	ret = xfo_bytecode__verify(&core, NULL, 0, XFO_LOG_VERBOSE, NULL);
	if (ret)
		fail("verify_without_log", "returned %d", ret);
	else
		pass("verify_without_log");
	xfo_object__close(obj);
}

/* ------------------------------------------------------------------------
 * What the example policies decide, run in the userspace runner.
 * ------------------------------------------------------------------------ */

#define ALL_CLASSES	(XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL) | \
			 XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND))

/* A write to a missing page from user mode in region 3. */
static const struct xfo_fault_ctx base_ctx = {
	.addr = 0x7f0000001234,
	.ip = 0x401000,
	.error_code = XFO_PFEC_USER | XFO_PFEC_WRITE,
	.vcpu = 1,
	.domid = 7,
	.mode = XFO_MODE_USER,
	.region_id = 3,
	.region_start = 0x7f0000000000,
	.region_end = 0x7f0000100000,
	.region_prot = XFO_PROT_READ | XFO_PROT_WRITE,
	.region_classes = ALL_CLASSES,
	.pool_level = 100,
	.pool_size = 256,
};

enum ctx_change {
	AS_IS,
	PRESENT,	/* a protection fault */
	KERNEL,		/* from kernel mode */
	NO_REGION,	/* outside every region */
	ONLY_ZERO_FILL,	/* the region allows ZERO_FILL only */
	ONLY_AROUND,	/* the region allows FAULT_AROUND only */
	NO_CLASSES,	/* the region allows nothing */
	REGION_67,	/* region 67: the same quota slot as region 3 */
};

static struct xfo_fault_ctx make_ctx(enum ctx_change change)
{
	struct xfo_fault_ctx ctx = base_ctx;

	switch (change) {
	case PRESENT:
		ctx.error_code |= XFO_PFEC_PRESENT;
		break;
	case KERNEL:
		ctx.mode = XFO_MODE_KERNEL;
		ctx.error_code &= ~XFO_PFEC_USER;
		break;
	case NO_REGION:
		ctx.region_id = XFO_REGION_NONE;
		ctx.region_classes = 0;
		break;
	case ONLY_ZERO_FILL:
		ctx.region_classes = XFO_CLASS_BIT(XFO_CLASS_ZERO_FILL);
		break;
	case ONLY_AROUND:
		ctx.region_classes = XFO_CLASS_BIT(XFO_CLASS_FAULT_AROUND);
		break;
	case NO_CLASSES:
		ctx.region_classes = 0;
		break;
	case REGION_67:
		ctx.region_id = 67;
		break;
	default:
		break;
	}
	return ctx;
}

/* Runs one policy over a sequence of faults, checked and unchecked. */
struct policy_step {
	enum ctx_change change;
	uint64_t verdict;
};

struct policy_case {
	const char *name;
	const char *policy;
	uint64_t quota;			/* region_quota's limit, 0: default */
	struct policy_step steps[6];
	uint32_t nr_steps;
	/* Map values after the steps: map name, key, value; up to 6. */
	struct {
		const char *map;
		uint32_t key;
		uint64_t value;
	} after[6];
	uint32_t nr_after;
};

static const struct policy_case policy_cases[] = {
	{ "policy_zero_fill", "zero_fill", 0, {
		{ AS_IS, XFO_VERDICT_ZERO_FILL },
		{ ONLY_ZERO_FILL, XFO_VERDICT_ZERO_FILL },
		{ PRESENT, XFO_VERDICT_BOUNCE },
		{ KERNEL, XFO_VERDICT_BOUNCE },
		{ NO_REGION, XFO_VERDICT_BOUNCE },
		{ ONLY_AROUND, XFO_VERDICT_BOUNCE } }, 6, { { 0 } }, 0 },
	{ "policy_fault_around", "fault_around", 0, {
		{ AS_IS, XFO_VERDICT_FAULT_AROUND(8) },
		{ ONLY_AROUND, XFO_VERDICT_FAULT_AROUND(8) },
		{ ONLY_ZERO_FILL, XFO_VERDICT_ZERO_FILL },
		{ NO_CLASSES, XFO_VERDICT_BOUNCE },
		{ PRESENT, XFO_VERDICT_BOUNCE },
		{ KERNEL, XFO_VERDICT_BOUNCE } }, 6, { { 0 } }, 0 },
	{ "policy_bounce_all", "bounce_all", 0, {
		{ AS_IS, XFO_VERDICT_BOUNCE },
		{ NO_REGION, XFO_VERDICT_BOUNCE } }, 2, { { 0 } }, 0 },
	{ "policy_region_quota_default", "region_quota", 0, {
		{ AS_IS, XFO_VERDICT_ZERO_FILL },
		{ AS_IS, XFO_VERDICT_ZERO_FILL },
		{ PRESENT, XFO_VERDICT_BOUNCE },
		{ ONLY_AROUND, XFO_VERDICT_BOUNCE } }, 4,
	  { { "offloads", 3, 2 }, { "offloads", 4, 0 } }, 2 },
	{ "policy_region_quota_limit", "region_quota", 2, {
		{ AS_IS, XFO_VERDICT_ZERO_FILL },
		{ REGION_67, XFO_VERDICT_ZERO_FILL },
		{ AS_IS, XFO_VERDICT_BOUNCE },
		{ NO_REGION, XFO_VERDICT_BOUNCE } }, 4,
	  { { "offloads", 3, 3 } }, 1 },
	{ "policy_counting", "counting", 0, {
		{ AS_IS, XFO_VERDICT_BOUNCE },
		{ ONLY_ZERO_FILL, XFO_VERDICT_BOUNCE },
		{ KERNEL, XFO_VERDICT_BOUNCE },
		{ NO_REGION, XFO_VERDICT_BOUNCE },
		{ PRESENT, XFO_VERDICT_BOUNCE } }, 5,
	  { { "by_pfec", XFO_PFEC_USER | XFO_PFEC_WRITE, 3 },
	    { "by_pfec", XFO_PFEC_WRITE, 1 },
	    { "by_class", XFO_CLASS_FAULT_AROUND, 1 },
	    { "by_class", XFO_CLASS_ZERO_FILL, 1 },
	    { "by_class", XFO_CLASS_MAX + 1, 5 },	/* every fault */
	    { "by_class", XFO_CLASS_MAX + 2, 4 } }, 6 },	/* in a region */
};

static bool run_policy_case(const struct policy_case *pc, bool checked)
{
	char path[2048], file[256], err[512], name[256];
	struct xfo_runner *runner = NULL;
	struct xfo_vm_result res;
	struct xfo_object *obj;
	struct xfo_bytecode core;
	bool ok = false;
	uint64_t verdict, *value;
	uint32_t i;
	int map;

	snprintf(name, sizeof(name), "%s%s", pc->name,
		 checked ? "_checked" : "");
	snprintf(file, sizeof(file), "bpf/%s.bpf.o", pc->policy);
	path_in(path, sizeof(path), build_dir, file);
	if (xfo_object__open_file(path, &obj, err, sizeof(err))) {
		fail(name, "%s", err);
		return false;
	}
	xfo_program__bytecode(xfo_object__prog(obj, 0), &core);
	if (xfo_runner__new(&core, &runner, err, sizeof(err))) {
		fail(name, "runner: %s", err);
		goto out;
	}
	if (pc->quota) {
		map = map_index_by_name(obj, "quota_cfg");
		value = map < 0 ? NULL : xfo_runner__map_value(runner, map, 0);
		if (!value) {
			fail(name, "no quota_cfg map");
			goto out;
		}
		*value = pc->quota;
	}
	for (i = 0; i < pc->nr_steps; i++) {
		struct xfo_fault_ctx ctx = make_ctx(pc->steps[i].change);
		int ret = xfo_runner__run(runner, &ctx, checked, &verdict, &res);

		if (ret) {
			fail(name, "step %u: run failed (%d) at insn %u", i, ret,
			     res.pc);
			goto out;
		}
		if (verdict != pc->steps[i].verdict) {
			fail(name, "step %u: verdict 0x%llx, expected 0x%llx", i,
			     (unsigned long long)verdict,
			     (unsigned long long)pc->steps[i].verdict);
			goto out;
		}
	}
	for (i = 0; i < pc->nr_after; i++) {
		map = map_index_by_name(obj, pc->after[i].map);
		value = map < 0 ? NULL :
			xfo_runner__map_value(runner, map, pc->after[i].key);
		if (!value || *value != pc->after[i].value) {
			fail(name, "%s[%u] is %llu, expected %llu",
			     pc->after[i].map, pc->after[i].key,
			     value ? (unsigned long long)*value : 0ull,
			     (unsigned long long)pc->after[i].value);
			goto out;
		}
	}
	pass(name);
	ok = true;
out:
	xfo_runner__free(runner);
	xfo_object__close(obj);
	return ok;
}

static void test_policy_behaviour(void)
{
	size_t i;

	for (i = 0; i < sizeof(policy_cases) / sizeof(policy_cases[0]); i++) {
		run_policy_case(&policy_cases[i], false);
		run_policy_case(&policy_cases[i], true);
	}
}

/* ------------------------------------------------------------------------
 * Bad objects built from tests/elf/src/ and from corruption.
 * ------------------------------------------------------------------------ */

static const struct {
	const char *file;
	const char *expect;
} bad_sources[] = {
	{ "map_hash", "map table: type hash is not supported" },
	{ "map_value_big", "map table: value size 512 out of range (1..256)" },
	{ "map_value_odd", "map table: value size 12 is not a multiple of 8" },
	{ "map_key_u64", "map table: key size 8, must be 4" },
	{ "map_entries_big", "map table: max_entries 2048 out of range (1..1024)" },
	{ "map_flags", "map table: map_flags 0x400 are not supported" },
	{ "too_many_maps", "too many maps (more than 8)" },
	{ "bpf_to_bpf", "call to pick: bpf-to-bpf calls are not supported; "
	  "mark the function static __always_inline" },
	{ "extern_func", "call to undefined function elsewhere" },
	{ "global_rodata", "reference to global variable pages in .rodata: "
	  "global data is not supported" },
	{ "global_bss", "reference to global variable faults in .bss" },
	{ "no_program", "no xfo program in object" },
	{ "other_section_only", "no xfo program in object" },
	{ "mixed_sections", "program stray is in section "
	  "tracepoint/exceptions/page_fault_user; xfo programs must be in "
	  "section \"xfo\"" },
	{ "nobtf", "maps in .maps need BTF, but there is no .BTF section" },
};

static void test_bad_sources(void)
{
	char path[2048], file[256], name[256];
	size_t i;

	for (i = 0; i < sizeof(bad_sources) / sizeof(bad_sources[0]); i++) {
		snprintf(file, sizeof(file), "tests/elf/%s.bpf.o",
			 bad_sources[i].file);
		snprintf(name, sizeof(name), "source_%s", bad_sources[i].file);
		path_in(path, sizeof(path), build_dir, file);
		if (access(path, R_OK)) {
			fail(name, "%s is missing", path);
			continue;
		}
		expect_failure(name, path, bad_sources[i].expect);
	}
}

static void test_generated(const char *case_dir)
{
	char path[2048], line[1024], name[256];
	struct xfo_object *obj;
	char err[512];
	int count = 0;
	FILE *f;

	path_in(path, sizeof(path), case_dir, "cases.tsv");
	f = fopen(path, "r");
	if (!f) {
		fail("generated_cases", "cannot open %s: %s", path,
		     strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');

		if (!tab || !nl)
			continue;
		*tab = *nl = '\0';
		snprintf(name, sizeof(name), "%s.o", line);
		path_in(path, sizeof(path), case_dir, name);
		snprintf(name, sizeof(name), "corrupt_%s", line);
		count++;
		if (strcmp(tab + 1, "OK")) {
			expect_failure(name, path, tab + 1);
			continue;
		}
		if (xfo_object__open_file(path, &obj, err, sizeof(err))) {
			fail(name, "%s", err);
			continue;
		}
		pass(name);
		xfo_object__close(obj);
	}
	fclose(f);
	if (count < 30)
		fail("generated_cases", "only %d cases in cases.tsv", count);
}

/* ------------------------------------------------------------------------
 * Random corruption: whatever breaks, the loader must answer with a
 * message, never crash (the asan variant runs this too). Deterministic.
 * ------------------------------------------------------------------------ */

#define MUTATIONS	10000

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state >> 32;
}

struct range {
	size_t start, len;
};

/* The header, the section headers and every section libbpf may read. */
static size_t mutation_ranges(const struct elf_view *v, struct range *r,
			      size_t max)
{
	size_t n = 0;
	uint32_t i;

	r[n++] = (struct range){ 0, sizeof(Elf64_Ehdr) };
	r[n++] = (struct range){ v->eh->e_shoff,
				 v->eh->e_shnum * sizeof(Elf64_Shdr) };
	for (i = 1; i < v->eh->e_shnum && n < max; i++) {
		if (v->sh[i].sh_type == SHT_NOBITS || !v->sh[i].sh_size ||
		    !strncmp(elf_sec_name(v, i), ".debug", 6) ||
		    !strncmp(elf_sec_name(v, i), ".rel.debug", 10))
			continue;
		r[n++] = (struct range){ v->sh[i].sh_offset, v->sh[i].sh_size };
	}
	return n;
}

static void mutate(uint8_t *buf, size_t size, const struct range *r, size_t nr)
{
	uint32_t k, count = 1 + rng() % 3, word;

	for (k = 0; k < count; k++) {
		const struct range *in = &r[rng() % nr];
		size_t pos = in->start + rng() % in->len;

		switch (rng() % 5) {
		case 0:
			buf[pos] = rng();
			break;
		case 1:
			buf[pos] ^= 1u << (rng() % 8);
			break;
		case 2:
			buf[pos] = rng() & 1 ? 0xff : 0;
			break;
		case 3:		/* a small number where a count or index was */
		case 4:		/* a boundary value */
			pos &= ~(size_t)3;
			if (pos + 4 > size)
				break;
			word = rng() % 5 == 3 ? rng() % 64 :
			       rng() & 1 ? 0xffffffffu : 0x7ffffff8u + rng() % 8;
			memcpy(buf + pos, &word, 4);
			break;
		}
	}
}

static void test_mutations(void)
{
	static const char *const files[] = {
		"bpf/region_quota.bpf.o", "bpf/counting.bpf.o",
		"tests/elf/two_progs.bpf.o", "tests/elf/shared_section.bpf.o",
	};
	char path[2048], name[256], err[512];
	struct range ranges[64];
	struct xfo_object *obj;
	uint8_t *base, *buf;
	struct elf_view v;
	size_t i, size, nr;
	uint32_t m, opened;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(name, sizeof(name), "mutate_%.*s",
			 (int)strcspn(base_of(files[i]), "."), base_of(files[i]));
		path_in(path, sizeof(path), build_dir, files[i]);
		base = slurp(path, &size);
		buf = malloc(size ? size : 1);
		if (!base || !buf || !elf_view(&v, base, size)) {
			fail(name, "cannot read %s", path);
			free(base);
			free(buf);
			continue;
		}
		nr = mutation_ranges(&v, ranges, 64);
		rng_state = 0x9e3779b97f4a7c15ull + i;
		opened = 0;
		/* A crash here leaves this line as the last in the log. */
		printf("# %s: %u random corruptions of %s\n", name, MUTATIONS,
		       files[i]);
		fflush(stdout);
		for (m = 0; m < MUTATIONS; m++) {
			memcpy(buf, base, size);
			mutate(buf, size, ranges, nr);
			if (!xfo_object__open_mem(buf, size, "m.o", &obj, err,
						  sizeof(err))) {
				opened++;
				xfo_object__close(obj);
				continue;
			}
			if (strchr(err, '\n') || strncmp(err, "m.o: ", 5) ||
			    !err[5]) {
				fail(name, "mutation %u: bad message: %s", m, err);
				break;
			}
		}
		if (m == MUTATIONS) {
			printf("# %s: %u opened, %u refused\n", name, opened,
			       MUTATIONS - opened);
			pass(name);
		}
		free(base);
		free(buf);
	}
}

/* ------------------------------------------------------------------------
 * The rest of the interface.
 * ------------------------------------------------------------------------ */

static bool write_tmp(char *path, size_t size, const char *name,
		      const void *data, size_t len)
{
	FILE *f;

	snprintf(path, size, "%s/tests/elf/tmp", build_dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		return false;
	snprintf(path, size, "%s/tests/elf/tmp/%s", build_dir, name);
	f = fopen(path, "wb");
	if (!f)
		return false;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return false;
	}
	return fclose(f) == 0;
}

static void test_raw(void)
{
	struct xfo_object *obj, *raw;
	const struct xfo_program *p, *rp;
	char path[2048], err[512];
	struct ebpf_insn *big;
	int ret;

	path_in(path, sizeof(path), build_dir, "bpf/zero_fill.bpf.o");
	if (xfo_object__open_file(path, &obj, err, sizeof(err))) {
		fail("raw_roundtrip", "%s", err);
		return;
	}
	p = xfo_object__prog(obj, 0);
	if (!write_tmp(path, sizeof(path), "zero_fill.bin",
		       xfo_program__insns(p),
		       xfo_program__insn_cnt(p) * sizeof(struct ebpf_insn))) {
		fail("raw_roundtrip", "cannot write %s", path);
		xfo_object__close(obj);
		return;
	}
	ret = xfo_object__open_raw(path, &raw, err, sizeof(err));
	if (ret) {
		fail("raw_roundtrip", "%s", err);
	} else {
		rp = xfo_object__prog(raw, 0);
		if (xfo_object__prog_cnt(raw) != 1 || xfo_object__map_cnt(raw) ||
		    strcmp(xfo_object__name(raw), "zero_fill.bin") ||
		    strcmp(xfo_program__name(rp), "zero_fill") ||
		    strcmp(xfo_program__section(rp), "xfo") ||
		    xfo_program__insn_cnt(rp) != xfo_program__insn_cnt(p) ||
		    memcmp(xfo_program__insns(rp), xfo_program__insns(p),
			   xfo_program__insn_cnt(p) * sizeof(struct ebpf_insn)))
			fail("raw_roundtrip", "raw object differs");
		else
			pass("raw_roundtrip");
		xfo_object__close(raw);
	}
	xfo_object__close(obj);

	write_tmp(path, sizeof(path), "empty.bin", "", 0);
	ret = xfo_object__open_raw(path, &raw, err, sizeof(err));
	if (ret != -EINVAL || !matches(err, "empty.bin: raw bytecode size 0 is not"
				       " a nonzero multiple of 8"))
		fail("raw_empty", "got %d: %s", ret, err);
	else
		pass("raw_empty");

	write_tmp(path, sizeof(path), "odd.bin", "0123456789ab", 12);
	ret = xfo_object__open_raw(path, &raw, err, sizeof(err));
	if (ret != -EINVAL || !matches(err, "odd.bin: raw bytecode size 12 is "
				       "not a nonzero multiple of 8"))
		fail("raw_odd_size", "got %d: %s", ret, err);
	else
		pass("raw_odd_size");

	big = calloc(XFO_MAX_INSNS + 1, sizeof(*big));
	if (!big)
		return;
	write_tmp(path, sizeof(path), "big.bin", big,
		  (XFO_MAX_INSNS + 1) * sizeof(*big));
	free(big);
	ret = xfo_object__open_raw(path, &raw, err, sizeof(err));
	if (ret != -E2BIG || !matches(err, "big.bin: raw bytecode has 4097 "
				      "instructions, more than 4096"))
		fail("raw_too_long", "got %d: %s", ret, err);
	else
		pass("raw_too_long");

	ret = xfo_object__open_raw("/nonexistent/x.bin", &raw, err, sizeof(err));
	if (ret != -ENOENT || !matches(err, "x.bin: cannot open /nonexistent/x.bin"))
		fail("raw_missing_file", "got %d: %s", ret, err);
	else
		pass("raw_missing_file");
}

static void test_api_edges(void)
{
	char path[2048], err[512], small[8];
	struct xfo_object *obj;
	int ret;

	ret = xfo_object__open_file("/nonexistent/x.o", &obj, err, sizeof(err));
	if (ret != -ENOENT || obj ||
	    !matches(err, "x.o: cannot open /nonexistent/x.o: "))
		fail("open_missing_file", "got %d: %s", ret, err);
	else
		pass("open_missing_file");

	ret = xfo_object__open_file(build_dir, &obj, err, sizeof(err));
	if (ret >= 0 || !matches(err, "is not a regular file"))
		fail("open_directory", "got %d: %s", ret, err);
	else
		pass("open_directory");

	/* A short err buffer is cut, not overrun. */
	path_in(path, sizeof(path), build_dir, "tests/elf/map_hash.bpf.o");
	memset(small, 'Z', sizeof(small));
	ret = xfo_object__open_file(path, &obj, small, sizeof(small));
	if (ret >= 0 || small[sizeof(small) - 1] != '\0' ||
	    strncmp(small, "map_has", 7))
		fail("short_err_buffer", "got %d: %.8s", ret, small);
	else
		pass("short_err_buffer");

	/* No err buffer at all. */
	ret = xfo_object__open_file(path, &obj, NULL, 0);
	if (ret != -EINVAL || obj)
		fail("no_err_buffer", "got %d", ret);
	else
		pass("no_err_buffer");

	ret = xfo_object__open_mem(NULL, 0, NULL, &obj, err, sizeof(err));
	if (ret != -EINVAL || !matches(err, "object: truncated ELF header (0"))
		fail("open_mem_nothing", "got %d: %s", ret, err);
	else
		pass("open_mem_nothing");

	if (xfo_object__prog_cnt(NULL) || xfo_object__map_cnt(NULL) ||
	    xfo_object__prog(NULL, 0) || xfo_object__maps(NULL) ||
	    xfo_object__name(NULL) || xfo_program__name(NULL) ||
	    xfo_program__insns(NULL) || xfo_program__insn_cnt(NULL))
		fail("null_objects", "accessors of NULL return something");
	else
		pass("null_objects");
	xfo_object__close(NULL);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: elf-test BUILD_DIR CASE_DIR\n");
		return 2;
	}
	snprintf(build_dir, sizeof(build_dir), "%s", argv[1]);

	test_good_objects();
	test_policies_verify();
	test_policy_behaviour();
	test_bad_sources();
	test_generated(argv[2]);
	test_raw();
	test_api_edges();
	test_mutations();

	printf("elf: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
