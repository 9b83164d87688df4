// SPDX-License-Identifier: MIT
/*
 * Policy objects: ELF files built with clang -target bpf, read into
 * programs and map definitions that core/ understands.
 *
 * Opening an object goes through four passes over a private copy of it,
 * the first two in lib/object_check.c, the last two here:
 *
 *  1. The ELF structure is checked by hand: header, section header table,
 *     every section's extent, string tables, the symbol table and the
 *     relocation sections. libelf and libbpf trust much of this and can
 *     crash or read out of bounds on a malformed file, so nothing is handed
 *     to them before it passes.
 *  2. With libelf, the relocations of the program sections are read and
 *     checked: each must sit on the first slot of an LDDW and name a map in
 *     .maps; calls to other functions (bpf-to-bpf) and references to global
 *     data are refused.
 *  3. libbpf opens the object and gives the programs (section, name,
 *     instructions) and the BTF-defined maps (type, sizes, entries).
 *  4. The map references found in pass 2 are rewritten in our copy of each
 *     program into LDDW with src_reg XFO_PSEUDO_MAP_IDX and imm the map's
 *     index, which libbpf does not do before load.
 *
 * Every failure is one line, "<object>: <what was wrong>", in the caller's
 * err buffer. libbpf's own printing is captured during the open (its first
 * warning becomes the message when libbpf itself refuses the object). The
 * print callback is process-wide in libbpf, so opening objects from several
 * threads at once is not supported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>

#include "object_internal.h"

/* Largest object open_file reads. Policies are a few kilobytes. */
#define XFO_OBJECT_MAX_SIZE	(64u << 20)

struct xfo_program {
	struct xfo_object *obj;
	char *name;
	char *section;
	struct ebpf_insn *insns;
	uint32_t insn_cnt;
};

struct xfo_object {
	char *name;
	struct xfo_program *progs;
	uint32_t prog_cnt;
	struct xfo_map_def maps[XFO_MAX_MAPS];
	uint32_t map_cnt;
};

/* ------------------------------------------------------------------------
 * Messages.
 * ------------------------------------------------------------------------ */

static void write_err(char *err, size_t err_size, const char *prefix,
		      const char *fmt, va_list ap)
{
	size_t len;
	char *p;

	if (!err || !err_size)
		return;
	len = snprintf(err, err_size, "%s: ", prefix);
	if (len < err_size)
		vsnprintf(err + len, err_size - len, fmt, ap);
	/* One line, printable: names in a malformed file can be anything. */
	for (p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
}

void xfo_loader_vfail(struct loader *ld, const char *fmt, va_list ap)
{
	if (ld->failed)
		return;
	write_err(ld->err, ld->err_size, ld->name, fmt, ap);
	ld->failed = true;
}

static int __attribute__((format(printf, 5, 6)))
set_err(char *err, size_t err_size, const char *prefix, int errnum,
	const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	write_err(err, err_size, prefix, fmt, ap);
	va_end(ap);
	return -errnum;
}

/* libbpf's first warning during an open, to explain its refusals. */
static __thread char *libbpf_msg;
static __thread size_t libbpf_msg_size;

static int libbpf_capture(enum libbpf_print_level level, const char *fmt,
			  va_list ap)
{
	size_t len;

	if (level != LIBBPF_WARN || !libbpf_msg || libbpf_msg[0])
		return 0;
	vsnprintf(libbpf_msg, libbpf_msg_size, fmt, ap);
	len = strlen(libbpf_msg);
	while (len && strchr("\n .", libbpf_msg[len - 1]))
		libbpf_msg[--len] = '\0';
	/* Our message says it is libbpf's already. */
	if (!strncmp(libbpf_msg, "libbpf: ", 8))
		memmove(libbpf_msg, libbpf_msg + 8, len - 8 + 1);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static void copy_name(char *dst, const char *src)
{
	size_t len = strnlen(src, XFO_NAME_LEN - 1);

	memcpy(dst, src, len);
	memset(dst + len, 0, XFO_NAME_LEN - len);
}

/* ------------------------------------------------------------------------
 * Pass 3: libbpf's view, into our object.
 * ------------------------------------------------------------------------ */

static int collect_maps(struct loader *ld, struct xfo_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, ld->bobj) {
		struct xfo_map_def *def = &obj->maps[obj->map_cnt];
		const char *name = bpf_map__name(map);
		enum bpf_map_type type = bpf_map__type(map);
		uint32_t key = bpf_map__key_size(map);
		uint32_t value = bpf_map__value_size(map);
		uint32_t entries = bpf_map__max_entries(map);

		if (!name)
			name = "?";
		/* Global data sections; references to them are refused. */
		if (bpf_map__is_internal(map))
			continue;
		if (obj->map_cnt == XFO_MAX_MAPS)
			return ld_fail(ld, E2BIG,
				       "too many maps (more than %u)",
				       XFO_MAX_MAPS);
		if (type != BPF_MAP_TYPE_ARRAY) {
			const char *tname = libbpf_bpf_map_type_str(type);

			return ld_fail(ld, EINVAL,
				       "map %.64s: type %s is not supported; "
				       "only BPF_MAP_TYPE_ARRAY (array)", name,
				       tname ? tname : "unknown");
		}
		if (key != 4)
			return ld_fail(ld, EINVAL,
				       "map %.64s: key size %u, must be 4", name,
				       key);
		if (!value || value > XFO_MAP_MAX_VALUE)
			return ld_fail(ld, EINVAL,
				       "map %.64s: value size %u out of range "
				       "(1..%u)", name, value, XFO_MAP_MAX_VALUE);
		if (value % 8)
			return ld_fail(ld, EINVAL,
				       "map %.64s: value size %u is not a "
				       "multiple of 8", name, value);
		if (!entries || entries > XFO_MAP_MAX_ENTRIES)
			return ld_fail(ld, EINVAL,
				       "map %.64s: max_entries %u out of range "
				       "(1..%u)", name, entries,
				       XFO_MAP_MAX_ENTRIES);
		if (bpf_map__map_flags(map))
			return ld_fail(ld, EINVAL,
				       "map %.64s: map_flags 0x%x are not "
				       "supported", name, bpf_map__map_flags(map));

		def->type = XFO_MAP_ARRAY;
		def->key_size = key;
		def->value_size = value;
		def->max_entries = entries;
		copy_name(def->name, name);
		ld->map_names[obj->map_cnt] = name;
		obj->map_cnt++;
	}
	return 0;
}

static int map_index(const struct loader *ld, const struct xfo_object *obj,
		     const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->map_cnt; i++)
		if (!strcmp(ld->map_names[i], name))
			return i;
	return -1;
}

/* Pass 4: one program's copy, with its map references rewritten. */
static int add_program(struct loader *ld, struct xfo_object *obj,
		       const struct bpf_program *bprog)
{
	struct xfo_program *prog = &obj->progs[obj->prog_cnt];
	const char *name = bpf_program__name(bprog);
	const char *sec = bpf_program__section_name(bprog);
	const struct bpf_insn *src = bpf_program__insns(bprog);
	size_t cnt = bpf_program__insn_cnt(bprog);
	const struct func_sym *f;
	uint32_t i;

	f = xfo_elf_find_func(ld, sec, name);
	if (!f)
		return ld_fail(ld, EINVAL,
			       "program %.64s: no function symbol of that name "
			       "in section %.64s", name, sec);
	if (!cnt || !src)
		return ld_fail(ld, EINVAL, "program %.64s has no instructions",
			       name);
	if (cnt != f->insn_cnt)
		return ld_fail(ld, EINVAL,
			       "program %.64s: libbpf sees %zu instructions, the "
			       "symbol table %u", name, cnt, f->insn_cnt);
	if (cnt > UINT32_MAX / INSN_SZ)
		return ld_fail(ld, E2BIG, "program %.64s is too large", name);

	prog->obj = obj;
	prog->name = strdup(name);
	prog->section = strdup(sec);
	prog->insns = malloc(cnt * sizeof(*prog->insns));
	if (!prog->name || !prog->section || !prog->insns) {
		free(prog->name);
		free(prog->section);
		free(prog->insns);
		memset(prog, 0, sizeof(*prog));
		return ld_fail(ld, ENOMEM, "out of memory");
	}
	_Static_assert(sizeof(struct bpf_insn) == sizeof(struct ebpf_insn),
		       "libbpf and core instruction layouts differ");
	memcpy(prog->insns, src, cnt * sizeof(*prog->insns));
	prog->insn_cnt = cnt;
	obj->prog_cnt++;

	for (i = 0; i < ld->reloc_cnt; i++) {
		const struct map_reloc *r = &ld->relocs[i];
		struct ebpf_insn *insn;
		int map;

		if (r->shndx != f->shndx || r->insn < f->insn_off ||
		    r->insn - f->insn_off >= f->insn_cnt)
			continue;
		map = map_index(ld, obj, r->map);
		if (map < 0)
			return ld_fail(ld, EINVAL,
				       "program %.64s insn %u: reference to "
				       "unknown map %.64s", name,
				       r->insn - f->insn_off, r->map);
		if (r->insn - f->insn_off + 1 >= cnt)
			return ld_fail(ld, EINVAL,
				       "program %.64s insn %u: the LDDW is "
				       "truncated", name, r->insn - f->insn_off);
		insn = &prog->insns[r->insn - f->insn_off];
		if (insn->code != EBPF_OP_LDDW)
			return ld_fail(ld, EINVAL,
				       "program %.64s insn %u: libbpf's copy is "
				       "not an LDDW", name, r->insn - f->insn_off);
		insn[0].src = XFO_PSEUDO_MAP_IDX;
		insn[0].imm = map;
		insn[1].imm = 0;
	}
	return 0;
}

static int collect_programs(struct loader *ld, struct xfo_object *obj)
{
	struct bpf_program *bprog, *stray = NULL;
	uint32_t total = 0, ours = 0;
	int err;

	bpf_object__for_each_program(bprog, ld->bobj) {
		total++;
		if (xfo_elf_is_xfo_section(bpf_program__section_name(bprog)))
			ours++;
		else if (!stray)
			stray = bprog;
	}
	if (!ours)
		return ld_fail(ld, ENOENT, "no xfo program in object "
			       "(programs go in section \"xfo\" or "
			       "\"xfo/<name>\")");
	if (stray)
		return ld_fail(ld, EINVAL,
			       "program %.64s is in section %.64s; xfo programs "
			       "must be in section \"xfo\" or \"xfo/<name>\"",
			       bpf_program__name(stray),
			       bpf_program__section_name(stray));

	obj->progs = calloc(total, sizeof(*obj->progs));
	if (!obj->progs)
		return ld_fail(ld, ENOMEM, "out of memory");
	bpf_object__for_each_program(bprog, ld->bobj) {
		err = add_program(ld, obj, bprog);
		if (err)
			return err;
	}
	return 0;
}

static int open_libbpf(struct loader *ld)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = ld->name);
	libbpf_print_fn_t old;
	char msg[256] = "";
	int err = 0;

	libbpf_msg = msg;
	libbpf_msg_size = sizeof(msg);
	old = libbpf_set_print(libbpf_capture);
	ld->bobj = bpf_object__open_mem(ld->buf, ld->size, &opts);
	if (!ld->bobj)
		err = errno ? -errno : -EINVAL;
	libbpf_set_print(old);
	libbpf_msg = NULL;
	libbpf_msg_size = 0;

	if (!ld->bobj) {
		ld->bobj = NULL;
		return ld_fail(ld, -err, "libbpf refused the object: %s",
			       msg[0] ? msg : strerror(-err));
	}
	return 0;
}

static void loader_free(struct loader *ld)
{
	if (ld->bobj)
		bpf_object__close(ld->bobj);
	xfo_elf_release(ld);
	free(ld->buf);
}

/* ------------------------------------------------------------------------
 * The interface.
 * ------------------------------------------------------------------------ */

void xfo_object__close(struct xfo_object *obj)
{
	uint32_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->prog_cnt; i++) {
		free(obj->progs[i].name);
		free(obj->progs[i].section);
		free(obj->progs[i].insns);
	}
	free(obj->progs);
	free(obj->name);
	free(obj);
}

static struct xfo_object *object_new(const char *name)
{
	struct xfo_object *obj = calloc(1, sizeof(*obj));

	if (!obj)
		return NULL;
	obj->name = strdup(name);
	if (!obj->name) {
		free(obj);
		return NULL;
	}
	return obj;
}

int xfo_object__open_mem(const void *buf, size_t size, const char *name,
			 struct xfo_object **objp, char *err, size_t err_size)
{
	struct loader ld = {
		.name = name ? name : "object",
		.err = err,
		.err_size = err_size,
	};
	struct xfo_object *obj = NULL;
	int ret;

	if (err && err_size)
		err[0] = '\0';
	if (!objp)
		return set_err(err, err_size, ld.name, EINVAL, "no object pointer");
	*objp = NULL;
	if (!buf && size)
		return set_err(err, err_size, ld.name, EINVAL, "no buffer");

	/* Private and 8-byte aligned: libelf may use it in place. */
	ld.buf = malloc(size ? size : 1);
	if (!ld.buf)
		return set_err(err, err_size, ld.name, ENOMEM, "out of memory");
	if (size)
		memcpy(ld.buf, buf, size);
	ld.size = size;

	ret = xfo_elf_check(&ld);
	if (!ret)
		ret = open_libbpf(&ld);
	if (!ret) {
		obj = object_new(ld.name);
		if (!obj)
			ret = ld_fail(&ld, ENOMEM, "out of memory");
	}
	if (!ret)
		ret = collect_maps(&ld, obj);
	if (!ret)
		ret = collect_programs(&ld, obj);

	loader_free(&ld);
	if (ret) {
		xfo_object__close(obj);
		return ret;
	}
	*objp = obj;
	return 0;
}

/* Reads a whole file; *buf is malloc'd. */
static int read_file(const char *path, const char *name, uint8_t **bufp,
		     size_t *sizep, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st;
	int ret;

	*bufp = NULL;
	*sizep = 0;
	if (!f) {
		ret = -errno;
		return set_err(err, err_size, name, -ret, "cannot open %s: %s",
			       path, strerror(-ret));
	}
	if (fstat(fileno(f), &st)) {
		ret = -errno;
		set_err(err, err_size, name, -ret, "cannot stat %s: %s", path,
			strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = set_err(err, err_size, name, EINVAL,
			      "%s is not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > XFO_OBJECT_MAX_SIZE) {
		ret = set_err(err, err_size, name, EFBIG,
			      "file too large (%lld bytes, at most %u)",
			      (long long)st.st_size, XFO_OBJECT_MAX_SIZE);
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		ret = set_err(err, err_size, name, ENOMEM, "out of memory");
		goto out;
	}
	if (fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		ret = set_err(err, err_size, name, EIO, "cannot read %s", path);
		free(buf);
		goto out;
	}
	*bufp = buf;
	*sizep = st.st_size;
	ret = 0;
out:
	fclose(f);
	return ret;
}

/*
 * The start of both opens: clears err and *obj, checks the arguments and
 * reads the file, named by its base name in messages.
 */
static int open_read(const char *path, struct xfo_object **obj,
		     const char **name, uint8_t **buf, size_t *size, char *err,
		     size_t err_size)
{
	if (err && err_size)
		err[0] = '\0';
	if (obj)
		*obj = NULL;
	if (!path || !obj)
		return set_err(err, err_size, "object", EINVAL,
			       "no path or object pointer");
	*name = base_name(path);
	return read_file(path, *name, buf, size, err, err_size);
}

int xfo_object__open_file(const char *path, struct xfo_object **obj,
			  char *err, size_t err_size)
{
	const char *name;
	uint8_t *buf;
	size_t size;
	int ret;

	ret = open_read(path, obj, &name, &buf, &size, err, err_size);
	if (ret)
		return ret;
	ret = xfo_object__open_mem(buf, size, name, obj, err, err_size);
	free(buf);
	return ret;
}

int xfo_object__open_raw(const char *path, struct xfo_object **objp,
			 char *err, size_t err_size)
{
	struct xfo_object *obj = NULL;
	struct xfo_program *prog;
	const char *name;
	uint8_t *buf;
	size_t size, len;
	int ret;

	ret = open_read(path, objp, &name, &buf, &size, err, err_size);
	if (ret)
		return ret;
	if (!size || size % INSN_SZ) {
		ret = set_err(err, err_size, name, EINVAL,
			      "raw bytecode size %zu is not a nonzero multiple "
			      "of %u", size, INSN_SZ);
		goto out;
	}
	if (size / INSN_SZ > XFO_MAX_INSNS) {
		ret = set_err(err, err_size, name, E2BIG,
			      "raw bytecode has %zu instructions, more than %u",
			      size / INSN_SZ, XFO_MAX_INSNS);
		goto out;
	}

	obj = object_new(name);
	if (!obj)
		goto nomem;
	obj->progs = calloc(1, sizeof(*obj->progs));
	if (!obj->progs)
		goto nomem;
	prog = &obj->progs[0];
	obj->prog_cnt = 1;
	prog->obj = obj;
	/* The program is named after the file, less its extension. */
	len = strcspn(name, ".");
	prog->name = strndup(name, len ? len : strlen(name));
	prog->section = strdup("xfo");
	if (!prog->name || !prog->section)
		goto nomem;
	prog->insns = (struct ebpf_insn *)buf;
	prog->insn_cnt = size / INSN_SZ;
	*objp = obj;
	return 0;

nomem:
	ret = set_err(err, err_size, name, ENOMEM, "out of memory");
	xfo_object__close(obj);
out:
	free(buf);
	return ret;
}

const char *xfo_object__name(const struct xfo_object *obj)
{
	return obj ? obj->name : NULL;
}

uint32_t xfo_object__prog_cnt(const struct xfo_object *obj)
{
	return obj ? obj->prog_cnt : 0;
}

const struct xfo_program *xfo_object__prog(const struct xfo_object *obj,
					   uint32_t idx)
{
	if (!obj || idx >= obj->prog_cnt)
		return NULL;
	return &obj->progs[idx];
}

const struct xfo_program *xfo_object__find_prog(const struct xfo_object *obj,
						const char *name)
{
	uint32_t i;

	if (!obj || !name)
		return NULL;
	for (i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	return NULL;
}

uint32_t xfo_object__map_cnt(const struct xfo_object *obj)
{
	return obj ? obj->map_cnt : 0;
}

const struct xfo_map_def *xfo_object__maps(const struct xfo_object *obj)
{
	return obj && obj->map_cnt ? obj->maps : NULL;
}

const char *xfo_program__name(const struct xfo_program *prog)
{
	return prog ? prog->name : NULL;
}

const char *xfo_program__section(const struct xfo_program *prog)
{
	return prog ? prog->section : NULL;
}

const struct ebpf_insn *xfo_program__insns(const struct xfo_program *prog)
{
	return prog ? prog->insns : NULL;
}

uint32_t xfo_program__insn_cnt(const struct xfo_program *prog)
{
	return prog ? prog->insn_cnt : 0;
}

void xfo_program__bytecode(const struct xfo_program *prog,
			   struct xfo_bytecode *out)
{
	memset(out, 0, sizeof(*out));
	if (!prog)
		return;
	out->insns = prog->insns;
	out->insn_cnt = prog->insn_cnt;
	out->maps = prog->obj->map_cnt ? prog->obj->maps : NULL;
	out->map_cnt = prog->obj->map_cnt;
}
