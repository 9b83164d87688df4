// SPDX-License-Identifier: MIT
/*
 * xfoctl policy: verify, dump and run policy objects.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libxfo.h"

#include "fault_ctx.h"
#include "xfoctl.h"

#define HELP_CMD	"xfoctl policy help"

#define LOG_SIZE_ERRORS		(64u << 10)
#define LOG_SIZE_VERBOSE	(4u << 20)
#define REPEAT_MAX		100000000ull

static int do_help(int argc, char **argv);
static int do_verify(int argc, char **argv);
static int do_dump(int argc, char **argv);
static int do_run(int argc, char **argv);

static const struct cmd policy_cmds[] = {
	{ "verify", do_verify, NULL },
	{ "dump", do_dump, NULL },
	{ "run", do_run, NULL },
	{ "help", do_help, NULL },
	{ NULL, NULL, NULL },
};

int do_policy(int argc, char **argv)
{
	return cmd_select(policy_cmds, argc, argv, "command", HELP_CMD,
			  do_help);
}

static int do_help(int argc, char **argv)
{
	return p_help(
		"Usage: %s policy verify FILE [--raw] [--prog NAME] [-v]\n"
		"       %s policy dump   FILE [--raw] [--prog NAME]\n"
		"       %s policy run    FILE [--raw] [--prog NAME] [-c CTX]...\n"
		"                        [-n N] [--unverified] [--checked]\n"
		"       %s policy help\n"
		"\n"
		"  FILE is an ELF policy object (clang -target bpf) or, with\n"
		"  --raw, little-endian bytecode of one program, 8 bytes an\n"
		"  instruction. --prog NAME picks one program by its name; verify\n"
		"  and dump take every program by default, run needs --prog when\n"
		"  there are several.\n"
		"\n"
		"  verify  runs the hypervisor's verifier on each program, prints\n"
		"          its log (-v, --verbose: every instruction) and a result\n"
		"          line. Exit status 1 when a program is refused.\n"
		"  dump    disassembles each program and lists the maps.\n"
		"  run     verifies the program, runs it on the fault context CTX\n"
		"          (-c, --ctx) with maps, trace buffer and helpers as Xen\n"
		"          provides them, and prints the verdict, r0, the\n"
		"          instructions executed, a note when Xen would not apply\n"
		"          the verdict, the trace records and the nonzero map\n"
		"          values.\n"
		"          --unverified  run a refused program, in the checked mode\n"
		"                        that bounds-checks every memory access\n"
		"          --checked     the checked mode for a verified program\n"
		"          -n, --repeat N  run N times; maps and trace carry over\n"
		"          Exit status 1 when the program is refused, stops with\n"
		"          an error or returns an invalid verdict.\n"
		"\n"
		FAULT_CTX_HELP,
		bin_name, bin_name, bin_name, bin_name);
}

/* ------------------------------------------------------------------------
 * Arguments shared by the commands
 * ------------------------------------------------------------------------ */
enum {
	OPT_RAW = 1,
	OPT_PROG,
	OPT_VERBOSE,
	OPT_CTX,
	OPT_REPEAT,
	OPT_UNVERIFIED,
	OPT_CHECKED,
};

struct policy_args {
	const char *file;
	bool raw;
	const char *prog;
	bool verbose;
	struct fault_ctx_spec ctx;
	uint64_t repeat;
	bool unverified;
	bool checked;
};

static int parse_args(int argc, char **argv, const struct opt *opts,
		      const char *cmd, struct policy_args *a)
{
	char err[256];
	struct opt_iter it;
	const char *arg;
	int key;

	memset(a, 0, sizeof(*a));
	fault_ctx_init(&a->ctx);
	a->repeat = 1;

	opt_init(&it, argc, argv, opts, HELP_CMD);
	while ((key = opt_next(&it, &arg)) != OPT_END) {
		switch (key) {
		case OPT_ERR:
			return XFOCTL_USAGE;
		case OPT_HELP:
			do_help(0, NULL);
			return -1;
		case OPT_ARG:
			if (a->file)
				return p_usage(HELP_CMD, "policy %s: unexpected "
					       "argument '%s'", cmd, arg);
			a->file = arg;
			break;
		case OPT_RAW:
			a->raw = true;
			break;
		case OPT_PROG:
			if (a->prog)
				return p_usage(HELP_CMD, "policy %s: --prog "
					       "given twice", cmd);
			a->prog = arg;
			break;
		case OPT_VERBOSE:
			a->verbose = true;
			break;
		case OPT_CTX:
			if (fault_ctx_parse(&a->ctx, arg, err, sizeof(err)))
				return p_usage(HELP_CMD, "--ctx: %s", err);
			break;
		case OPT_REPEAT:
			if (parse_u64(arg, REPEAT_MAX, &a->repeat) ||
			    !a->repeat)
				return p_usage(HELP_CMD, "--repeat: '%s' is not "
					       "a number in 1..%llu", arg,
					       REPEAT_MAX);
			break;
		case OPT_UNVERIFIED:
			a->unverified = true;
			break;
		case OPT_CHECKED:
			a->checked = true;
			break;
		default:
			return p_usage(HELP_CMD, "unexpected option");
		}
	}
	if (!a->file)
		return p_usage(HELP_CMD, "policy %s: missing FILE", cmd);
	if (fault_ctx_finish(&a->ctx, err, sizeof(err)))
		return p_usage(HELP_CMD, "--ctx: %s", err);
	return 0;
}

/*
 * The programs to work on: the one --prog names, or all of them (one only
 * when single). Returns a malloc'd array of *cnt programs, or NULL after
 * reporting why, with *code the exit status.
 */
static const struct xfo_program **select_progs(const struct xfo_object *obj,
					       const struct policy_args *a,
					       bool single, uint32_t *cnt,
					       int *code)
{
	uint32_t n = xfo_object__prog_cnt(obj), i;
	const struct xfo_program **progs, *one = NULL;

	if (single || a->prog || n <= 1) {
		one = pick_prog(obj, a->file, a->prog, HELP_CMD, code);
		if (!one)
			return NULL;
		n = 1;
	}
	progs = calloc(n, sizeof(*progs));
	if (!progs) {
		*code = p_err(XFOCTL_FAIL, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++)
		progs[i] = one ? one : xfo_object__prog(obj, i);
	*cnt = n;
	return progs;
}

/*
 * What every command starts with: parses the arguments, opens FILE and
 * selects its programs. Returns 0; -1 after printing the help; or the
 * exit status after reporting why, with nothing left open.
 */
static int open_progs(int argc, char **argv, const struct opt *opts,
		      const char *cmd, bool single, struct policy_args *a,
		      struct xfo_object **obj,
		      const struct xfo_program ***progs, uint32_t *cnt)
{
	int ret;

	ret = parse_args(argc, argv, opts, cmd, a);
	if (ret)
		return ret;
	ret = open_object(a->file, a->raw, obj);
	if (ret)
		return ret;
	p_debug("opened '%s' (%s): %u programs, %u maps", a->file,
		a->raw ? "raw" : "ELF", xfo_object__prog_cnt(*obj),
		xfo_object__map_cnt(*obj));
	*progs = select_progs(*obj, a, single, cnt, &ret);
	if (!*progs) {
		xfo_object__close(*obj);
		*obj = NULL;
		return ret;
	}
	return 0;
}

static const char *prog_section(const struct xfo_program *prog)
{
	const char *s = xfo_program__section(prog);

	return s ? s : "";
}

/* ------------------------------------------------------------------------
 * verify
 * ------------------------------------------------------------------------ */
static const struct opt verify_opts[] = {
	{ "raw", 0, false, OPT_RAW },
	{ "prog", 0, true, OPT_PROG },
	{ "verbose", 'v', false, OPT_VERBOSE },
	{ NULL, 0, false, 0 },
};

static void json_verifier_stats(const struct xfo_verifier_stats *st)
{
	uint32_t id;

	jsonw_name(json_wtr, "stats");
	jsonw_start_object(json_wtr);
	jsonw_uint_field(json_wtr, "insns_visited", st->insns_visited);
	jsonw_uint_field(json_wtr, "merge_points", st->merge_points);
	jsonw_uint_field(json_wtr, "stack_depth", st->stack_depth);
	jsonw_name(json_wtr, "helpers");
	jsonw_start_array(json_wtr);
	for (id = 0; id < 32; id++) {
		const struct xfo_helper_proto *p = xfo_helper_proto(id);

		if (!(st->helpers_used & (1u << id)))
			continue;
		if (p)
			jsonw_string(json_wtr, p->name);
		else
			jsonw_printf(json_wtr, "helper_%u", id);
	}
	jsonw_end_array(json_wtr);
	jsonw_end_object(json_wtr);
}

static void print_helpers(uint32_t used)
{
	const char *sep = "";
	uint32_t id;

	if (!used) {
		printf("none");
		return;
	}
	for (id = 0; id < 32; id++) {
		const struct xfo_helper_proto *p = xfo_helper_proto(id);

		if (!(used & (1u << id)))
			continue;
		if (p)
			printf("%s%s", sep, p->name);
		else
			printf("%shelper_%u", sep, id);
		sep = ",";
	}
}

static int do_verify(int argc, char **argv)
{
	const struct xfo_program **progs = NULL;
	struct xfo_object *obj = NULL;
	struct policy_args a;
	uint32_t cnt = 0, i, level;
	size_t log_size;
	bool all_ok = true;
	char *log = NULL;
	int ret;

	ret = open_progs(argc, argv, verify_opts, "verify", false, &a, &obj,
			 &progs, &cnt);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;

	level = a.verbose ? XFO_LOG_VERBOSE : XFO_LOG_ERRORS;
	log_size = a.verbose ? LOG_SIZE_VERBOSE : LOG_SIZE_ERRORS;
	log = malloc(log_size);
	if (!log) {
		ret = p_err(XFOCTL_FAIL, "out of memory");
		goto out;
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", a.file);
		jsonw_name(json_wtr, "programs");
		jsonw_start_array(json_wtr);
	}
	for (i = 0; i < cnt; i++) {
		struct xfo_verifier_stats st;
		struct xfo_bytecode core;
		bool truncated;
		int err;

		memset(&st, 0, sizeof(st));
		log[0] = '\0';
		xfo_program__bytecode(progs[i], &core);
		err = xfo_bytecode__verify(&core, log, log_size, level, &st);
		if (err)
			all_ok = false;
		truncated = strlen(log) + 1 >= log_size;
		p_debug("verified '%s': %d", xfo_program__name(progs[i]), err);

		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "name",
					   xfo_program__name(progs[i]));
			jsonw_string_field(json_wtr, "section",
					   prog_section(progs[i]));
			jsonw_uint_field(json_wtr, "insns", core.insn_cnt);
			jsonw_bool_field(json_wtr, "accepted", !err);
			jsonw_int_field(json_wtr, "errno", err);
			if (err)
				jsonw_string_field(json_wtr, "reason",
						   errno_name(err));
			json_verifier_stats(&st);
			jsonw_name(json_wtr, "log");
			jsonw_text(json_wtr, log);
			jsonw_bool_field(json_wtr, "log_truncated", truncated);
			jsonw_end_object(json_wtr);
			continue;
		}

		fputs(log, stdout);
		if (log[0] && log[strlen(log) - 1] != '\n')
			putchar('\n');
		if (truncated)
			printf("(log truncated)\n");
		if (err) {
			printf("%s: refused (%s), %u insns\n",
			       xfo_program__name(progs[i]), errno_name(err),
			       core.insn_cnt);
			continue;
		}
		printf("%s: accepted, %u insns (%u visited, %u merge points, "
		       "stack %u bytes, helpers ",
		       xfo_program__name(progs[i]), core.insn_cnt,
		       st.insns_visited, st.merge_points, st.stack_depth);
		print_helpers(st.helpers_used);
		printf(")\n");
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_bool_field(json_wtr, "accepted", all_ok);
		jsonw_end_object(json_wtr);
	}
	ret = all_ok ? XFOCTL_OK : XFOCTL_FAIL;
out:
	free(log);
	free(progs);
	xfo_object__close(obj);
	return ret;
}

/* ------------------------------------------------------------------------
 * dump
 * ------------------------------------------------------------------------ */
static const struct opt dump_opts[] = {
	{ "raw", 0, false, OPT_RAW },
	{ "prog", 0, true, OPT_PROG },
	{ NULL, 0, false, 0 },
};

static const char *map_type_name(uint32_t type)
{
	return type == XFO_MAP_ARRAY ? "array" : "unknown";
}

static void dump_prog(const struct xfo_program *prog)
{
	struct xfo_bytecode core;
	char text[256];
	uint32_t pc = 0;

	xfo_program__bytecode(prog, &core);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "name", xfo_program__name(prog));
		jsonw_string_field(json_wtr, "section", prog_section(prog));
		jsonw_uint_field(json_wtr, "insn_cnt", core.insn_cnt);
		jsonw_name(json_wtr, "insns");
		jsonw_start_array(json_wtr);
	} else {
		printf("prog %s (section %s, %u insns):\n",
		       xfo_program__name(prog), prog_section(prog),
		       core.insn_cnt);
	}
	while (pc < core.insn_cnt) {
		unsigned int n;

		text[0] = '\0';
		n = xfo_disasm_insn(&core, pc, text, sizeof(text));
		if (n == 0)
			break;
		if (pc + n > core.insn_cnt)	/* LDDW cut short */
			n = core.insn_cnt - pc;
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "pc", pc);
			jsonw_uint_field(json_wtr, "code",
					 core.insns[pc].code);
			jsonw_string_field(json_wtr, "text", text);
			jsonw_hex_field(json_wtr, "raw", &core.insns[pc],
					n * sizeof(core.insns[0]));
			jsonw_end_object(json_wtr);
		} else {
			printf("%4u: (%02x) %s\n", pc, core.insns[pc].code,
			       text);
		}
		pc += n;
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	}
}

static void dump_maps(const struct xfo_object *obj)
{
	const struct xfo_map_def *maps = xfo_object__maps(obj);
	uint32_t n = xfo_object__map_cnt(obj), i;

	if (json_output) {
		jsonw_name(json_wtr, "maps");
		jsonw_start_array(json_wtr);
	} else if (n) {
		printf("maps:\n");
	}
	for (i = 0; i < n && maps; i++) {
		const struct xfo_map_def *m = &maps[i];

		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "index", i);
			jsonw_name(json_wtr, "name");
			jsonw_string_len(json_wtr, m->name,
					 strnlen(m->name, XFO_NAME_LEN));
			jsonw_string_field(json_wtr, "type",
					   map_type_name(m->type));
			jsonw_uint_field(json_wtr, "key_size", m->key_size);
			jsonw_uint_field(json_wtr, "value_size", m->value_size);
			jsonw_uint_field(json_wtr, "max_entries",
					 m->max_entries);
			jsonw_end_object(json_wtr);
			continue;
		}
		printf("%4u: %.*s: %s, key %u, value %u, %u entries\n", i,
		       XFO_NAME_LEN, m->name, map_type_name(m->type),
		       m->key_size, m->value_size, m->max_entries);
	}
	if (json_output)
		jsonw_end_array(json_wtr);
}

static int do_dump(int argc, char **argv)
{
	const struct xfo_program **progs;
	struct xfo_object *obj = NULL;
	struct policy_args a;
	uint32_t cnt = 0, i;
	int ret;

	ret = open_progs(argc, argv, dump_opts, "dump", false, &a, &obj,
			 &progs, &cnt);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", a.file);
		jsonw_name(json_wtr, "programs");
		jsonw_start_array(json_wtr);
	}
	for (i = 0; i < cnt; i++) {
		if (i && !json_output)
			putchar('\n');
		dump_prog(progs[i]);
	}
	if (json_output)
		jsonw_end_array(json_wtr);
	else if (xfo_object__map_cnt(obj))
		putchar('\n');
	dump_maps(obj);
	if (json_output)
		jsonw_end_object(json_wtr);
	free(progs);
	xfo_object__close(obj);
	return XFOCTL_OK;
}

/* ------------------------------------------------------------------------
 * run
 * ------------------------------------------------------------------------ */
static const struct opt run_opts[] = {
	{ "raw", 0, false, OPT_RAW },
	{ "prog", 0, true, OPT_PROG },
	{ "ctx", 'c', true, OPT_CTX },
	{ "repeat", 'n', true, OPT_REPEAT },
	{ "unverified", 0, false, OPT_UNVERIFIED },
	{ "checked", 0, false, OPT_CHECKED },
	{ NULL, 0, false, 0 },
};

#define NR_VERDICT_KINDS	(XFO_CLASS_MAX + 2)	/* + invalid */

/* "FAULT_AROUND(8)", "ZERO_FILL", "INVALID (...)". */
static void verdict_text(uint64_t v, char *buf, size_t size)
{
	const char *name = fault_ctx_class_name(XFO_VERDICT_CLASS(v));

	if (v >> 16)
		snprintf(buf, size, "INVALID (bits 16-63 set; Xen bounces the "
			 "fault as a program error)");
	else if (!name)
		snprintf(buf, size, "INVALID (reserved class %u; Xen bounces "
			 "the fault as a program error)", XFO_VERDICT_CLASS(v));
	else if (XFO_VERDICT_CLASS(v) == XFO_CLASS_FAULT_AROUND ||
		 XFO_VERDICT_ARG(v))
		snprintf(buf, size, "%s(%u)", name, XFO_VERDICT_ARG(v));
	else
		snprintf(buf, size, "%s", name);
}

/* Why region ctx->region_id refuses the access: the PROT_DENIED rule of
 * xfo_verdict_applies(), in words. */
static const char *prot_denied_text(const struct xfo_fault_ctx *ctx)
{
	if (!(ctx->region_prot & XFO_PROT_READ))
		return "is not readable";
	if ((ctx->error_code & XFO_PFEC_WRITE) &&
	    !(ctx->region_prot & XFO_PROT_WRITE))
		return "does not allow writes";
	return "does not allow instruction fetches";
}

/*
 * What Xen makes of a valid verdict in this context when it is not the
 * verdict itself: the bounce reason xfo_verdict_applies() gives, or the
 * clamp of FAULT_AROUND's n; NULL when nothing is worth saying.
 */
static const char *verdict_note(uint64_t v, const struct xfo_fault_ctx *ctx,
				char *buf, size_t size)
{
	const char *name = fault_ctx_class_name(XFO_VERDICT_CLASS(v));
	char why[96], upper[32];
	unsigned int reason, i;

	if (xfo_verdict_applies(ctx, v, &reason)) {
		if (XFO_VERDICT_CLASS(v) == XFO_CLASS_FAULT_AROUND &&
		    XFO_VERDICT_ARG(v) > XFO_FAULT_AROUND_MAX) {
			snprintf(buf, size, "n = %u is above "
				 "XFO_FAULT_AROUND_MAX (%u)",
				 XFO_VERDICT_ARG(v), XFO_FAULT_AROUND_MAX);
			return buf;
		}
		return NULL;
	}

	switch (reason) {
	case XFO_BOUNCE_PROG_ERROR:	/* the verdict's text says so */
	case XFO_BOUNCE_VERDICT:
		return NULL;
	case XFO_BOUNCE_NOT_IN_REGION:
		snprintf(why, sizeof(why), "the fault is outside every region");
		break;
	case XFO_BOUNCE_CLASS_DENIED:
		snprintf(why, sizeof(why), "region %u does not allow %s",
			 ctx->region_id, name);
		break;
	case XFO_BOUNCE_PROT_DENIED:
		snprintf(why, sizeof(why), "region %u %s", ctx->region_id,
			 prot_denied_text(ctx));
		break;
	case XFO_BOUNCE_PRESENT:
		snprintf(why, sizeof(why), "a protection fault (present or "
			 "rsvd in the error code), not a missing page");
		break;
	case XFO_BOUNCE_KERNEL_MODE:
		snprintf(why, sizeof(why), "a fault of the guest kernel's");
		break;
	default:
		snprintf(why, sizeof(why), "bounce reason %u", reason);
		break;
	}
	snprintf(upper, sizeof(upper), "%s",
		 xfo_bounce_reason_name(reason) ?: "?");
	for (i = 0; upper[i]; i++)
		upper[i] = (char)toupper((unsigned char)upper[i]);
	snprintf(buf, size, "%s: Xen bounces the fault (%s)", why, upper);
	return buf;
}

static const char *vm_err_text(int err)
{
	switch (err) {
	case -EINVAL:
		return "invalid instruction";
	case -ERANGE:
		return "jump or call out of the program";
	case -ELOOP:
		return "call depth exceeded";
	case -E2BIG:
		return "instruction limit reached";
	case -ENOENT:
		return "helper call failed (unknown helper)";
	case -EFAULT:
		return "bad memory access (outside the stack and the read-only "
		       "context)";
	default:
		return "error";
	}
}

static bool all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

static void print_trace(const struct xfo_runner *runner)
{
	const uint8_t *buf;
	size_t len, off = 0;
	unsigned int n = 0;

	len = xfo_runner__trace(runner, (const void **)&buf);
	if (json_output) {
		jsonw_name(json_wtr, "trace");
		jsonw_start_array(json_wtr);
	}
	while (off + 4 <= len) {
		uint32_t rec;
		size_t i;

		memcpy(&rec, buf + off, sizeof(rec));
		off += 4;
		if (rec > len - off)
			rec = (uint32_t)(len - off);
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "len", rec);
			jsonw_hex_field(json_wtr, "data", buf + off, rec);
			jsonw_end_object(json_wtr);
		} else {
			printf("trace %u (%u bytes):", n, rec);
			for (i = 0; i < rec; i++)
				printf(" %02x", buf[off + i]);
			printf("  |");
			for (i = 0; i < rec; i++) {
				uint8_t c = buf[off + i];

				putchar(c >= 0x20 && c < 0x7f ? c : '.');
			}
			printf("|\n");
		}
		/* Records are padded to 4 bytes, as Xen hands them out. */
		off += rec + (-(size_t)rec & 3);
		n++;
	}
	if (json_output)
		jsonw_end_array(json_wtr);
}

static void print_maps(struct xfo_runner *runner,
		       const struct xfo_bytecode *core)
{
	uint32_t i, key;

	if (json_output) {
		jsonw_name(json_wtr, "maps");
		jsonw_start_array(json_wtr);
	}
	for (i = 0; i < core->map_cnt; i++) {
		const struct xfo_map_def *m = &core->maps[i];

		for (key = 0; key < m->max_entries; key++) {
			const uint8_t *v = xfo_runner__map_value(runner, i, key);
			uint32_t w;

			if (!v || all_zero(v, m->value_size))
				continue;
			if (json_output) {
				jsonw_start_object(json_wtr);
				jsonw_name(json_wtr, "map");
				jsonw_string_len(json_wtr, m->name,
						 strnlen(m->name, XFO_NAME_LEN));
				jsonw_uint_field(json_wtr, "index", i);
				jsonw_uint_field(json_wtr, "key", key);
				jsonw_hex_field(json_wtr, "value", v,
						m->value_size);
				jsonw_name(json_wtr, "u64");
				jsonw_start_array(json_wtr);
			} else {
				printf("map %.*s[%u]:", XFO_NAME_LEN, m->name,
				       key);
			}
			for (w = 0; w + 8 <= m->value_size; w += 8) {
				uint64_t x;

				memcpy(&x, v + w, sizeof(x));
				if (json_output)
					jsonw_uint(json_wtr, x);
				else
					printf(" %llu", (unsigned long long)x);
			}
			if (json_output) {
				jsonw_end_array(json_wtr);
				jsonw_end_object(json_wtr);
			} else {
				putchar('\n');
			}
		}
	}
	if (json_output)
		jsonw_end_array(json_wtr);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int do_run(int argc, char **argv)
{
	static const char *const kind_names[NR_VERDICT_KINDS] = {
		"BOUNCE", "ZERO_FILL", "FAULT_AROUND", "INVALID",
	};
	uint64_t kinds[NR_VERDICT_KINDS] = { 0 };
	const struct xfo_program **progs = NULL;
	struct xfo_runner *runner = NULL;
	struct xfo_object *obj = NULL;
	struct xfo_verifier_stats st;
	struct xfo_vm_result res;
	struct policy_args a;
	struct xfo_bytecode core;
	uint64_t verdict = 0, runs = 0, t0, t1;
	char log[4096], err[256], vtext[128], nbuf[160];
	const char *name, *note = NULL;
	unsigned int reason = XFO_BOUNCE_PROG_ERROR;
	bool checked, valid;
	uint32_t cnt = 0;
	int ret, vret, rc = 0;

	ret = open_progs(argc, argv, run_opts, "run", true, &a, &obj,
			 &progs, &cnt);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	name = xfo_program__name(progs[0]);
	xfo_program__bytecode(progs[0], &core);

	log[0] = '\0';
	memset(&st, 0, sizeof(st));
	vret = xfo_bytecode__verify(&core, log, sizeof(log), XFO_LOG_ERRORS,
				    &st);
	p_debug("verified '%s': %d", name, vret);
	if (vret && !a.unverified) {
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "program", name);
			jsonw_bool_field(json_wtr, "verified", false);
			jsonw_name(json_wtr, "log");
			jsonw_text(json_wtr, log);
		} else {
			fputs(log, stderr);
		}
		ret = p_err(XFOCTL_FAIL, "the verifier refused '%s' (%s); "
			    "--unverified runs it in the checked mode", name,
			    errno_name(vret));
		if (json_output)
			jsonw_end_object(json_wtr);
		goto out;
	}
	if (vret) {
		p_info("warning: the verifier refused '%s' (%s); running it "
		       "in the checked mode", name, errno_name(vret));
		if (!json_output)
			fputs(log, stderr);
	}
	checked = a.unverified || a.checked;

	ret = xfo_runner__new(&core, &runner, err, sizeof(err));
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "cannot run '%s': %s", name,
			    err[0] ? err : errno_name(ret));
		goto out;
	}
	if (debug_output)
		fault_ctx_print(stderr, &a.ctx.ctx);

	memset(&res, 0, sizeof(res));
	t0 = now_ns();
	while (runs < a.repeat) {
		rc = xfo_runner__run(runner, &a.ctx.ctx, checked, &verdict,
				     &res);
		runs++;
		if (rc || res.err)
			break;
		if (XFO_VERDICT_VALID(verdict))
			kinds[XFO_VERDICT_CLASS(verdict)]++;
		else
			kinds[NR_VERDICT_KINDS - 1]++;
	}
	t1 = now_ns();
	if (!rc)
		rc = res.err;
	valid = !rc && XFO_VERDICT_VALID(verdict);
	if (rc)
		snprintf(vtext, sizeof(vtext), "BOUNCE (program error)");
	else
		verdict_text(verdict, vtext, sizeof(vtext));
	if (!rc) {
		xfo_verdict_applies(&a.ctx.ctx, verdict, &reason);
		note = verdict_note(verdict, &a.ctx.ctx, nbuf, sizeof(nbuf));
	}

	if (json_output) {
		unsigned int k;

		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", a.file);
		jsonw_string_field(json_wtr, "program", name);
		jsonw_bool_field(json_wtr, "verified", !vret);
		jsonw_bool_field(json_wtr, "checked", checked);
		if (vret) {
			jsonw_name(json_wtr, "log");
			jsonw_text(json_wtr, log);
		}
		jsonw_name(json_wtr, "ctx");
		fault_ctx_json(json_wtr, &a.ctx.ctx);
		jsonw_uint_field(json_wtr, "runs", runs);
		jsonw_name(json_wtr, "verdict");
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "text", vtext);
		jsonw_bool_field(json_wtr, "valid", valid);
		if (valid) {
			jsonw_string_field(json_wtr, "class",
				fault_ctx_class_name(XFO_VERDICT_CLASS(verdict)));
			jsonw_uint_field(json_wtr, "arg",
					 XFO_VERDICT_ARG(verdict));
		}
		jsonw_name(json_wtr, "r0");
		jsonw_printf(json_wtr, "0x%016llx",
			     (unsigned long long)verdict);
		if (note)
			jsonw_string_field(json_wtr, "note", note);
		/* Xen's bounce reason for this fault; null: it acts on it. */
		jsonw_name(json_wtr, "bounce");
		if (reason < XFO_BOUNCE_NR)
			jsonw_string(json_wtr, xfo_bounce_reason_name(reason));
		else
			jsonw_null(json_wtr);
		jsonw_end_object(json_wtr);
		jsonw_uint_field(json_wtr, "insns", res.insns);
		jsonw_uint_field(json_wtr, "ns_per_run", (t1 - t0) / runs);
		jsonw_name(json_wtr, "verdicts");
		jsonw_start_object(json_wtr);
		for (k = 0; k < NR_VERDICT_KINDS; k++)
			jsonw_uint_field(json_wtr, kind_names[k], kinds[k]);
		jsonw_end_object(json_wtr);
	} else {
		printf("program: %s (%s%s)\n", name,
		       vret ? "refused by the verifier" : "verified",
		       checked ? ", checked mode" : "");
	}

	if (rc) {
		if (json_output) {
			jsonw_name(json_wtr, "run_error");
			jsonw_start_object(json_wtr);
			jsonw_int_field(json_wtr, "errno", rc);
			jsonw_string_field(json_wtr, "name", errno_name(rc));
			jsonw_uint_field(json_wtr, "pc", res.pc);
			jsonw_uint_field(json_wtr, "run", runs);
			jsonw_end_object(json_wtr);
		}
		p_err(XFOCTL_FAIL, "run %llu: the program stopped at insn %u: "
		      "%s (%s)", (unsigned long long)runs, res.pc,
		      vm_err_text(rc), errno_name(rc));
	}
	if (!json_output) {
		printf("verdict: %s\n", vtext);
		if (note)
			printf("note: %s\n", note);
		printf("r0: 0x%016llx\n", (unsigned long long)verdict);
		printf("insns: %llu\n", (unsigned long long)res.insns);
		if (a.repeat > 1) {
			unsigned int k;

			printf("runs: %llu, %llu ns each; verdicts:",
			       (unsigned long long)runs,
			       (unsigned long long)((t1 - t0) / runs));
			for (k = 0; k < NR_VERDICT_KINDS; k++)
				if (kinds[k])
					printf(" %s %llu", kind_names[k],
					       (unsigned long long)kinds[k]);
			putchar('\n');
		}
	}
	print_trace(runner);
	print_maps(runner, &core);
	if (json_output)
		jsonw_end_object(json_wtr);
	ret = valid ? XFOCTL_OK : XFOCTL_FAIL;
out:
	xfo_runner__free(runner);
	free(progs);
	xfo_object__close(obj);
	return ret;
}
