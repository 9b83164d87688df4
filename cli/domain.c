// SPDX-License-Identifier: MIT
/*
 * xfoctl domain: attach offload programs to domains, detach them, read
 * and reset their statistics, take their trace records. Each command is a
 * few hypercalls through libxfo (lib/xen.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libxfo.h"

#include "xfoctl.h"

#define HELP_CMD	"xfoctl domain help"

#define LOG_SIZE		(64u << 10)
#define TRACE_BUF_SIZE		(64u << 10)
#define TRACE_READS_MAX		256	/* 16 MiB at most per command */
#define WATCH_MS_DEFAULT	1000
#define WATCH_MS_MAX		86400000ull
#define COUNT_MAX		1000000000ull

static int do_help(int argc, char **argv);
static int do_attach(int argc, char **argv);
static int do_detach(int argc, char **argv);
static int do_stats(int argc, char **argv);
static int do_reset(int argc, char **argv);
static int do_trace(int argc, char **argv);
static int do_connect(int argc, char **argv);
static int do_disconnect(int argc, char **argv);

static const struct cmd domain_cmds[] = {
	{ "attach", do_attach, NULL },
	{ "detach", do_detach, NULL },
	{ "stats", do_stats, NULL },
	{ "reset", do_reset, NULL },
	{ "trace", do_trace, NULL },
	{ "connect", do_connect, NULL },
	{ "disconnect", do_disconnect, NULL },
	{ "help", do_help, NULL },
	{ NULL, NULL, NULL },
};

int do_domain(int argc, char **argv)
{
	return cmd_select(domain_cmds, argc, argv, "command", HELP_CMD,
			  do_help);
}

static int do_help(int argc, char **argv)
{
	return p_help(
		"Usage: %s domain attach DOMID FILE [--prog NAME] [--raw]\n"
		"                        [--replace] [--no-local-verify]\n"
		"       %s domain detach DOMID\n"
		"       %s domain stats  DOMID [--watch [SECONDS]] [--count N]\n"
		"       %s domain reset  DOMID\n"
		"       %s domain trace  DOMID\n"
		"       %s domain connect DOMID [--wait SECONDS]\n"
		"       %s domain disconnect DOMID\n"
		"       %s domain help\n"
		"\n"
		"  DOMID is a domain ID, 0..%u. FILE is an ELF policy object or,\n"
		"  with --raw, bytecode of one program (as for 'policy verify').\n"
		"\n"
		"  attach  verifies the program locally, loads it into Xen, which\n"
		"          verifies it again, and attaches it to the domain.\n"
		"          --prog NAME        the program, when FILE has several\n"
		"          --replace          replace the domain's program\n"
		"                             atomically and unload the replaced one\n"
		"          --no-local-verify  leave verification to Xen alone\n"
		"          When Xen refuses the program, its verifier log is\n"
		"          printed (stderr; \"log\" in JSON) and the status is 1.\n"
		"  detach  detaches the domain's program and unloads it.\n"
		"  stats   prints the domain's counters (struct xfo_stats): faults\n"
		"          seen, program runs, errors, instructions and time,\n"
		"          verdicts per class, faults resolved, pages installed,\n"
		"          faults bounced per reason, refill notifications sent\n"
		"          to the guest, whether Xen has the guest's areas.\n"
		"          -w, --watch [SECONDS]  print again every SECONDS\n"
		"                             (default 1, fractions allowed; after\n"
		"                             DOMID) with the change since the last\n"
		"                             sample, until interrupted\n"
		"          -c, --count N      stop after N samples (implies --watch)\n"
		"  reset   zeroes the domain's counters.\n"
		"  trace   takes the records out of the domain's trace buffer and\n"
		"          prints them in hex and ASCII, with the number of records\n"
		"          lost to a full buffer.\n"
		"  connect answers the guest's handshake (docs/guest.md): reads\n"
		"          the keys its module published in\n"
		"          /local/domain/DOMID/" XFO_XS_DIR ", checks them (state 3,\n"
		"          Initialised; the interface's major version; frames and\n"
		"          event channel are numbers), asks Xen to map the areas\n"
		"          (XFOOP_map_guest_areas) and writes backend-state 4\n"
		"          (Connected); when the keys are malformed or Xen refuses,\n"
		"          backend-state 6 (Closed) and the reason in\n"
		"          backend-error, and the status is 1.\n"
		"          -w, --wait SECONDS  wait this long for the guest to\n"
		"                             reach state 3 (default: not at all)\n"
		"  disconnect  asks Xen to stop using the domain's areas\n"
		"          (XFOOP_unmap_guest_areas) and, when dom0 had answered 4,\n"
		"          writes backend-state 6.\n"
		"\n"
		"JSON (-j) of stats: {\"domid\", \"prog_id\" (0: none), \"prog_name\",\n"
		"  \"faults_seen\", \"prog_runs\", \"prog_errors\", \"prog_insns\",\n"
		"  \"prog_ns\", \"verdicts\": {\"bounce\", \"zero_fill\",\n"
		"  \"fault_around\"}, \"resolved\", \"pages_installed\", \"bounced\":\n"
		"  {\"verdict\", \"prog_error\", \"not_in_region\", \"class_denied\",\n"
		"  \"present\", \"kernel_mode\", \"no_l1\", \"pool_empty\",\n"
		"  \"bad_frame\", \"pte_update\", \"not_built\", \"ring_full\",\n"
		"  \"prot_denied\"}, \"notifications\", \"areas_mapped\"}; with\n"
		"  --watch an array of those. attach: {\"domid\", \"prog_id\",\n"
		"  \"prog_name\", \"file\", \"insns\", \"replaced_prog_id\" (0: none),\n"
		"  \"replaced_unloaded\"}. detach: {\"domid\", \"prog_id\",\n"
		"  \"prog_name\", \"unloaded\"}. trace: {\"domid\", \"records\":\n"
		"  [{\"len\", \"data\" (hex)}], \"dropped\"}. connect: {\"domid\",\n"
		"  \"connected\", \"already_connected\", \"version\",\n"
		"  \"region_table_frame\", \"pool_ring_frame\",\n"
		"  \"completion_ring_frame\", \"event_channel\", \"backend_state\",\n"
		"  \"guest_state\"}; refused: {\"domid\", \"connected\": false,\n"
		"  \"backend_state\": 6, \"backend_error\", \"error\"}. disconnect:\n"
		"  {\"domid\", \"unmapped\", \"backend_state\"}. Errors: {\"error\"}.\n"
		"\n"
		"  These commands need the control domain (dom0), root and a Xen\n"
		"  built with xfo; otherwise they fail with status 1 saying which.\n",
		bin_name, bin_name, bin_name, bin_name, bin_name, bin_name,
		bin_name, bin_name, XFOCTL_DOMID_MAX);
}

/* ------------------------------------------------------------------------
 * Arguments
 * ------------------------------------------------------------------------ */
enum {
	OPT_RAW = 1,
	OPT_PROG,
	OPT_REPLACE,
	OPT_NO_LOCAL_VERIFY,
	OPT_WATCH,
	OPT_COUNT,
	OPT_WAIT,
};

#define MAX_POS		3

struct domain_args {
	const char *pos[MAX_POS];
	unsigned int npos;
	uint16_t domid;
	bool raw;
	const char *prog;
	bool replace;
	bool no_local_verify;
	bool watch;
	uint64_t interval_ms;
	uint64_t count;
	const char *wait;
};

/* Returns 0, -1 after printing the help, or a usage error's status. */
static int parse_args(int argc, char **argv, const struct opt *opts,
		      const char *cmd, unsigned int max_pos,
		      struct domain_args *a)
{
	struct opt_iter it;
	const char *arg;
	int key;

	memset(a, 0, sizeof(*a));
	a->interval_ms = WATCH_MS_DEFAULT;
	opt_init(&it, argc, argv, opts, HELP_CMD);
	while ((key = opt_next(&it, &arg)) != OPT_END) {
		switch (key) {
		case OPT_ERR:
			return XFOCTL_USAGE;
		case OPT_HELP:
			do_help(0, NULL);
			return -1;
		case OPT_ARG:
			if (a->npos >= max_pos)
				return p_usage(HELP_CMD, "domain %s: unexpected "
					       "argument '%s'", cmd, arg);
			a->pos[a->npos++] = arg;
			break;
		case OPT_RAW:
			a->raw = true;
			break;
		case OPT_PROG:
			if (a->prog)
				return p_usage(HELP_CMD, "domain %s: --prog "
					       "given twice", cmd);
			a->prog = arg;
			break;
		case OPT_REPLACE:
			a->replace = true;
			break;
		case OPT_NO_LOCAL_VERIFY:
			a->no_local_verify = true;
			break;
		case OPT_WATCH:
			a->watch = true;
			break;
		case OPT_WAIT:
			a->wait = arg;
			break;
		case OPT_COUNT:
			if (parse_u64(arg, COUNT_MAX, &a->count) || !a->count)
				return p_usage(HELP_CMD, "--count: '%s' is not "
					       "a number in 1..%llu", arg,
					       COUNT_MAX);
			a->watch = true;
			break;
		default:
			return p_usage(HELP_CMD, "unexpected option");
		}
	}
	if (!a->npos)
		return p_usage(HELP_CMD, "domain %s: missing DOMID", cmd);
	return parse_domid(a->pos[0], HELP_CMD, &a->domid);
}

/* "2", "0.5", "1.250": seconds with up to three decimals, in ms. */
static int parse_seconds(const char *s, uint64_t *ms)
{
	uint64_t v = 0, frac = 0;
	unsigned int digits = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p++ - '0');
		if (v > WATCH_MS_MAX / 1000)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (++digits > 3)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p++ - '0');
		}
		if (!digits)
			return -EINVAL;
		while (digits++ < 3)
			frac *= 10;
	}
	if (*p)
		return -EINVAL;
	v = v * 1000 + frac;
	if (!v || v > WATCH_MS_MAX)
		return -ERANGE;
	*ms = v;
	return 0;
}

/* ------------------------------------------------------------------------
 * attach
 * ------------------------------------------------------------------------ */
static const struct opt attach_opts[] = {
	{ "raw", 0, false, OPT_RAW },
	{ "prog", 0, true, OPT_PROG },
	{ "replace", 0, false, OPT_REPLACE },
	{ "no-local-verify", 0, false, OPT_NO_LOCAL_VERIFY },
	{ NULL, 0, false, 0 },
};

/* Reports a refusal with the verifier's log: on stderr, or as "log" next
 * to "error" in JSON. */
static int refused(const char *log, const char *msg)
{
	int ret;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "log");
		jsonw_text(json_wtr, log);
	} else {
		fputs(log, stderr);
		if (log[0] && log[strlen(log) - 1] != '\n')
			fputc('\n', stderr);
	}
	ret = p_err(XFOCTL_FAIL, "%s", msg);
	if (json_output)
		jsonw_end_object(json_wtr);
	return ret;
}

static int do_attach(int argc, char **argv)
{
	const struct xfo_program *prog;
	struct xfo_object *obj = NULL;
	struct xfo_xen *x = NULL;
	struct domain_args a;
	struct xfo_bytecode core;
	uint32_t prog_id = 0, old_id = 0;
	const char *name, *file;
	char *log = NULL;
	char warn[300] = "", msg[400];
	bool old_unloaded = false;
	int ret;

	ret = parse_args(argc, argv, attach_opts, "attach", 2, &a);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	if (a.npos < 2)
		return p_usage(HELP_CMD, "domain attach: missing FILE");
	file = a.pos[1];

	ret = open_object(file, a.raw, &obj);
	if (ret)
		return ret;
	prog = pick_prog(obj, file, a.prog, HELP_CMD, &ret);
	if (!prog)
		goto out;
	name = xfo_program__name(prog);
	xfo_program__bytecode(prog, &core);

	log = malloc(LOG_SIZE);
	if (!log) {
		ret = p_err(XFOCTL_FAIL, "out of memory");
		goto out;
	}
	log[0] = '\0';
	if (!a.no_local_verify) {
		ret = xfo_bytecode__verify(&core, log, LOG_SIZE, XFO_LOG_ERRORS,
					   NULL);
		p_debug("verified '%s' locally: %d", name, ret);
		if (ret) {
			snprintf(msg, sizeof(msg), "the local verifier "
				 "refused '%s' (%s); Xen would refuse it too "
				 "(--no-local-verify sends it anyway)", name,
				 errno_name(ret));
			ret = refused(log, msg);
			goto out;
		}
	}

	x = xen_connect(&ret);
	if (!x)
		goto out;
	ret = xfo_xen__load(x, &core, name, &prog_id, log, LOG_SIZE);
	p_debug("XFOOP_load '%s' (%u insns, %u maps): %d, prog %u", name,
		core.insn_cnt, core.map_cnt, ret, prog_id);
	if (ret == -EINVAL) {
		snprintf(msg, sizeof(msg), "Xen refused '%s': %s", name,
			 xfo_xen__errstr(x));
		ret = refused(log, msg);
		goto out;
	}
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "cannot load '%s': %s", name,
			    xfo_xen__errstr(x));
		goto out;
	}

	ret = xfo_xen__attach(x, a.domid, prog_id, a.replace, &old_id);
	p_debug("XFOOP_attach prog %u to domain %u%s: %d, old prog %u",
		prog_id, a.domid, a.replace ? " (replace)" : "", ret, old_id);
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "cannot attach '%s' to domain %u: %s",
			    name, a.domid, xfo_xen__errstr(x));
		/* Loaded for this attach: no use left for it. */
		if (xfo_xen__unload(x, prog_id))
			p_info("warning: prog %u stays loaded: %s", prog_id,
			       xfo_xen__errstr(x));
		goto out;
	}
	if (old_id) {
		/* Loaded by an earlier attach; another domain may still use
		 * it, and then Xen keeps it (EBUSY). */
		if (xfo_xen__unload(x, old_id))
			snprintf(warn, sizeof(warn), "replaced prog %u stays "
				 "loaded: %s", old_id, xfo_xen__errstr(x));
		else
			old_unloaded = true;
		p_debug("XFOOP_unload prog %u: %s", old_id,
			old_unloaded ? "done" : warn);
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "domid", a.domid);
		jsonw_uint_field(json_wtr, "prog_id", prog_id);
		jsonw_string_field(json_wtr, "prog_name", name);
		jsonw_string_field(json_wtr, "file", file);
		jsonw_uint_field(json_wtr, "insns", core.insn_cnt);
		jsonw_uint_field(json_wtr, "replaced_prog_id", old_id);
		jsonw_bool_field(json_wtr, "replaced_unloaded", old_unloaded);
		if (warn[0])
			jsonw_string_field(json_wtr, "warning", warn);
		jsonw_end_object(json_wtr);
	} else {
		printf("attached %s (prog %u) to domain %u", name, prog_id,
		       a.domid);
		if (old_id)
			printf(", replacing prog %u", old_id);
		putchar('\n');
		if (warn[0])
			p_info("warning: %s", warn);
	}
	ret = XFOCTL_OK;
out:
	xfo_xen__close(x);
	free(log);
	xfo_object__close(obj);
	return ret;
}

/* ------------------------------------------------------------------------
 * detach, reset
 * ------------------------------------------------------------------------ */
static const struct opt no_opts[] = {
	{ NULL, 0, false, 0 },
};

static int do_detach(int argc, char **argv)
{
	struct xfo_op_stats st;
	struct domain_args a;
	struct xfo_xen *x;
	char warn[300] = "";
	bool unloaded = false;
	int ret;

	ret = parse_args(argc, argv, no_opts, "detach", 1, &a);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	x = xen_connect(&ret);
	if (!x)
		return ret;

	/* Which program goes, to unload it afterwards. */
	ret = xfo_xen__stats(x, a.domid, &st);
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		goto out;
	}
	ret = xfo_xen__detach(x, a.domid);
	p_debug("XFOOP_detach domain %u (prog %u): %d", a.domid, st.prog_id,
		ret);
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		goto out;
	}
	if (st.prog_id) {
		if (xfo_xen__unload(x, st.prog_id))
			snprintf(warn, sizeof(warn), "prog %u stays loaded: %s",
				 st.prog_id, xfo_xen__errstr(x));
		else
			unloaded = true;
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "domid", a.domid);
		jsonw_uint_field(json_wtr, "prog_id", st.prog_id);
		jsonw_string_field(json_wtr, "prog_name", st.prog_name);
		jsonw_bool_field(json_wtr, "unloaded", unloaded);
		if (warn[0])
			jsonw_string_field(json_wtr, "warning", warn);
		jsonw_end_object(json_wtr);
	} else {
		printf("detached %s (prog %u) from domain %u%s\n",
		       st.prog_name[0] ? st.prog_name : "a program",
		       st.prog_id, a.domid, unloaded ? " and unloaded it" : "");
		if (warn[0])
			p_info("warning: %s", warn);
	}
	ret = XFOCTL_OK;
out:
	xfo_xen__close(x);
	return ret;
}

static int do_reset(int argc, char **argv)
{
	struct domain_args a;
	struct xfo_xen *x;
	int ret;

	ret = parse_args(argc, argv, no_opts, "reset", 1, &a);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	x = xen_connect(&ret);
	if (!x)
		return ret;
	ret = xfo_xen__stats_reset(x, a.domid);
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
	} else if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "domid", a.domid);
		jsonw_bool_field(json_wtr, "reset", true);
		jsonw_end_object(json_wtr);
	} else {
		printf("reset the statistics of domain %u\n", a.domid);
	}
	xfo_xen__close(x);
	return ret;
}

/* ------------------------------------------------------------------------
 * stats
 * ------------------------------------------------------------------------ */
static const struct opt stats_opts[] = {
	{ "watch", 'w', false, OPT_WATCH },
	{ "count", 'c', true, OPT_COUNT },
	{ NULL, 0, false, 0 },
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
}

/* Sleeps ms, or less when a signal comes. */
static void sleep_ms(uint64_t ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (!interrupted && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void json_stats(uint16_t domid, const struct xfo_op_stats *st)
{
	const struct xfo_stats *s = &st->stats;
	unsigned int i;

	jsonw_start_object(json_wtr);
	jsonw_uint_field(json_wtr, "domid", domid);
	jsonw_uint_field(json_wtr, "prog_id", st->prog_id);
	jsonw_string_field(json_wtr, "prog_name", st->prog_name);
	jsonw_uint_field(json_wtr, "faults_seen", s->faults_seen);
	jsonw_uint_field(json_wtr, "prog_runs", s->prog_runs);
	jsonw_uint_field(json_wtr, "prog_errors", s->prog_errors);
	jsonw_uint_field(json_wtr, "prog_insns", s->prog_insns);
	jsonw_uint_field(json_wtr, "prog_ns", s->prog_ns);
	jsonw_name(json_wtr, "verdicts");
	jsonw_start_object(json_wtr);
	for (i = 0; i <= XFO_CLASS_MAX; i++)
		jsonw_uint_field(json_wtr, xfo_class_name(i), s->verdicts[i]);
	jsonw_end_object(json_wtr);
	jsonw_uint_field(json_wtr, "resolved", s->resolved);
	jsonw_uint_field(json_wtr, "pages_installed", s->pages_installed);
	jsonw_name(json_wtr, "bounced");
	jsonw_start_object(json_wtr);
	for (i = 0; i < XFO_BOUNCE_NR; i++)
		jsonw_uint_field(json_wtr, xfo_bounce_reason_name(i),
				 s->bounced[i]);
	jsonw_end_object(json_wtr);
	jsonw_uint_field(json_wtr, "notifications", s->notifications);
	jsonw_bool_field(json_wtr, "areas_mapped",
			 s->flags & XFO_STATS_F_AREAS_MAPPED);
	jsonw_end_object(json_wtr);
}

/* One counter: its value and, in watch mode, the change since the last
 * sample. */
static void row(unsigned int indent, const char *name, uint64_t v,
		const uint64_t *prev, const char *extra)
{
	printf("%*s%-*s %20llu", indent, "", 22 - indent, name,
	       (unsigned long long)v);
	if (prev)
		printf("  %+lld", (long long)(v - *prev));
	if (extra && extra[0])
		printf("  %s", extra);
	putchar('\n');
}

static void text_stats(uint16_t domid, const struct xfo_op_stats *st,
		       const struct xfo_op_stats *prev)
{
	const struct xfo_stats *s = &st->stats;
	const struct xfo_stats *p = prev ? &prev->stats : NULL;
	char extra[64] = "";
	unsigned int i;

#define PREV(field)	(p ? &p->field : NULL)
	if (st->prog_id)
		printf("domain %u: prog %u (%s)\n", domid, st->prog_id,
		       st->prog_name);
	else
		printf("domain %u: no program attached\n", domid);
	printf("  guest areas: %s\n", s->flags & XFO_STATS_F_AREAS_MAPPED ?
	       "mapped" : "not mapped");
	row(2, "faults_seen", s->faults_seen, PREV(faults_seen), NULL);
	row(2, "prog_runs", s->prog_runs, PREV(prog_runs), NULL);
	row(2, "prog_errors", s->prog_errors, PREV(prog_errors), NULL);
	if (s->prog_runs)
		snprintf(extra, sizeof(extra), "(%.1f per run)",
			 (double)s->prog_insns / (double)s->prog_runs);
	row(2, "prog_insns", s->prog_insns, PREV(prog_insns), extra);
	if (s->prog_runs)
		snprintf(extra, sizeof(extra), "(%.0f ns per run)",
			 (double)s->prog_ns / (double)s->prog_runs);
	row(2, "prog_ns", s->prog_ns, PREV(prog_ns), extra);
	printf("  verdicts:\n");
	for (i = 0; i <= XFO_CLASS_MAX; i++)
		row(4, xfo_class_name(i), s->verdicts[i], PREV(verdicts[i]),
		    NULL);
	row(2, "resolved", s->resolved, PREV(resolved), NULL);
	row(2, "pages_installed", s->pages_installed, PREV(pages_installed),
	    NULL);
	printf("  bounced:\n");
	for (i = 0; i < XFO_BOUNCE_NR; i++)
		row(4, xfo_bounce_reason_name(i), s->bounced[i],
		    PREV(bounced[i]), NULL);
	row(2, "notifications", s->notifications, PREV(notifications), NULL);
#undef PREV
}

static int do_stats(int argc, char **argv)
{
	struct xfo_op_stats st, prev;
	struct sigaction sa, old_int, old_term;
	struct domain_args a;
	struct xfo_xen *x;
	bool tty = isatty(STDOUT_FILENO);
	uint64_t n;
	int ret;

	memset(&prev, 0, sizeof(prev));
	ret = parse_args(argc, argv, stats_opts, "stats", 2, &a);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	if (a.npos > 1) {
		if (!a.watch)
			return p_usage(HELP_CMD, "domain stats: unexpected "
				       "argument '%s' (SECONDS follows "
				       "--watch)", a.pos[1]);
		if (parse_seconds(a.pos[1], &a.interval_ms))
			return p_usage(HELP_CMD, "--watch: '%s' is not a "
				       "number of seconds in 0.001..%llu",
				       a.pos[1], WATCH_MS_MAX / 1000);
	}
	x = xen_connect(&ret);
	if (!x)
		return ret;

	if (!a.watch) {
		ret = xfo_xen__stats(x, a.domid, &st);
		if (ret)
			ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		else if (json_output)
			json_stats(a.domid, &st);
		else
			text_stats(a.domid, &st, NULL);
		xfo_xen__close(x);
		return ret;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (json_output)
		jsonw_start_array(json_wtr);
	for (n = 0; ; n++) {
		ret = xfo_xen__stats(x, a.domid, &st);
		if (ret) {
			ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
			break;
		}
		if (json_output) {
			json_stats(a.domid, &st);
		} else {
			if (tty)
				printf("\033[H\033[2J");
			else if (n)
				putchar('\n');
			printf("sample %llu, every %llu.%03llu s%s\n",
			       (unsigned long long)n + 1,
			       (unsigned long long)a.interval_ms / 1000,
			       (unsigned long long)a.interval_ms % 1000,
			       tty ? " (Ctrl-C stops)" : "");
			text_stats(a.domid, &st, n ? &prev : NULL);
		}
		fflush(stdout);
		prev = st;
		if (a.count && n + 1 >= a.count)
			break;
		sleep_ms(a.interval_ms);
		if (interrupted)
			break;
	}
	if (json_output)
		jsonw_end_array(json_wtr);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	xfo_xen__close(x);
	return ret;
}

/* ------------------------------------------------------------------------
 * trace
 * ------------------------------------------------------------------------ */

/* Prints the records in buf[0, len); returns how many. */
static unsigned int print_records(const uint8_t *buf, uint32_t len,
				  unsigned int first)
{
	unsigned int n = 0;
	uint32_t off = 0;

	while (len - off >= 4) {
		uint32_t rec, i;

		memcpy(&rec, buf + off, sizeof(rec));
		off += 4;
		if (rec > len - off) {
			p_info("warning: record %u claims %u bytes, %u left",
			       first + n, rec, len - off);
			rec = len - off;
		}
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "len", rec);
			jsonw_hex_field(json_wtr, "data", buf + off, rec);
			jsonw_end_object(json_wtr);
		} else {
			printf("trace %u (%u bytes):", first + n, rec);
			for (i = 0; i < rec; i++)
				printf(" %02x", buf[off + i]);
			printf("  |");
			for (i = 0; i < rec; i++) {
				uint8_t c = buf[off + i];

				putchar(c >= 0x20 && c < 0x7f ? c : '.');
			}
			printf("|\n");
		}
		/* Records are padded to 4 bytes. */
		off += rec;
		off += (4 - off % 4) % 4;
		if (off > len)
			off = len;
		n++;
	}
	return n;
}

static int do_trace(int argc, char **argv)
{
	struct domain_args a;
	struct xfo_xen *x;
	uint8_t *buf;
	uint32_t len = 0, dropped = 0;
	unsigned int n = 0, reads;
	int ret;

	ret = parse_args(argc, argv, no_opts, "trace", 1, &a);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	x = xen_connect(&ret);
	if (!x)
		return ret;
	buf = malloc(TRACE_BUF_SIZE);
	if (!buf) {
		xfo_xen__close(x);
		return p_err(XFOCTL_FAIL, "out of memory");
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "domid", a.domid);
		jsonw_name(json_wtr, "records");
		jsonw_start_array(json_wtr);
	}
	for (reads = 0; reads < TRACE_READS_MAX; reads++) {
		ret = xfo_xen__trace_read(x, a.domid, buf, TRACE_BUF_SIZE,
					  &len, &dropped);
		if (ret || !len)
			break;
		n += print_records(buf, len, n);
	}
	if (json_output)
		jsonw_end_array(json_wtr);
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
	} else if (json_output) {
		jsonw_uint_field(json_wtr, "dropped", dropped);
	} else {
		printf("%u record%s, %u dropped\n", n, n == 1 ? "" : "s",
		       dropped);
	}
	if (json_output)
		jsonw_end_object(json_wtr);
	free(buf);
	xfo_xen__close(x);
	return ret;
}

/* ------------------------------------------------------------------------
 * connect, disconnect: dom0's side of the guest handshake
 * ------------------------------------------------------------------------ */
static const struct opt connect_opts[] = {
	{ "wait", 'w', true, OPT_WAIT },
	{ NULL, 0, false, 0 },
};

static struct xfo_xs *xs_connect(int *code)
{
	struct xfo_xs *xs = NULL;
	char err[256] = "";

	if (xfo_xs__open(&xs, err, sizeof(err))) {
		*code = p_err(XFOCTL_FAIL, "%s", err);
		return NULL;
	}
	return xs;
}

static void json_keys(const struct xfo_guest_keys *k)
{
	char v[16];

	snprintf(v, sizeof(v), "0x%08x", k->version);
	jsonw_string_field(json_wtr, "version", v);
	jsonw_uint_field(json_wtr, "region_table_frame", k->region_table_frame);
	jsonw_uint_field(json_wtr, "pool_ring_frame", k->pool_ring_frame);
	jsonw_uint_field(json_wtr, "completion_ring_frame",
			 k->completion_ring_frame);
	jsonw_uint_field(json_wtr, "event_channel", k->evtchn);
}

/* The result of xfo_guest__connect(), as the status and the output. */
static int print_connection(uint16_t domid,
			    const struct xfo_guest_connection *c)
{
	const struct xfo_guest_keys *k = &c->keys;
	int ret;

	switch (c->outcome) {
	case XFO_GUEST_FAILED:
		return p_err(XFOCTL_FAIL, "%s", c->err);
	case XFO_GUEST_REFUSED:
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "domid", domid);
			jsonw_bool_field(json_wtr, "connected", false);
			jsonw_name(json_wtr, "backend_state");
			if (c->answered)
				jsonw_uint(json_wtr, XFO_XS_STATE_CLOSED);
			else
				jsonw_null(json_wtr);
			jsonw_string_field(json_wtr, "backend_error",
					   c->reason);
		}
		ret = p_err(XFOCTL_FAIL, "%s", c->err);
		if (json_output)
			jsonw_end_object(json_wtr);
		return ret;
	case XFO_GUEST_ALREADY:
	case XFO_GUEST_CONNECTED:
		break;
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "domid", domid);
		jsonw_bool_field(json_wtr, "connected", true);
		jsonw_bool_field(json_wtr, "already_connected",
				 c->outcome == XFO_GUEST_ALREADY);
		json_keys(k);
		jsonw_uint_field(json_wtr, "backend_state", XFO_XS_STATE_CONNECTED);
		jsonw_uint_field(json_wtr, "guest_state",
				 c->outcome == XFO_GUEST_ALREADY ? k->state :
				 c->guest_state);
		jsonw_end_object(json_wtr);
		return XFOCTL_OK;
	}
	if (c->outcome == XFO_GUEST_ALREADY) {
		printf("domain %u is connected already (" XFO_XS_STATE " 4, "
		       XFO_XS_BACKEND_STATE " 4, Xen has its areas): nothing "
		       "done\n", domid);
		return XFOCTL_OK;
	}
	printf("connected domain %u: region table frame %llu, pool ring "
	       "frame %llu, completion ring frame %llu, event channel %u, "
	       "interface %u.%u\n", domid,
	       (unsigned long long)k->region_table_frame,
	       (unsigned long long)k->pool_ring_frame,
	       (unsigned long long)k->completion_ring_frame, k->evtchn,
	       XFO_INTERFACE_MAJOR(k->version),
	       XFO_INTERFACE_MINOR(k->version));
	if (c->guest_state == XFO_XS_STATE_CONNECTED)
		printf("the guest is in state 4 (Connected)\n");
	else
		printf("the guest is in state %u (%s), not yet 4 (Connected), "
		       "after %u s\n", c->guest_state,
		       xfo_guest__state_name(c->guest_state),
		       XFO_GUEST_CONNECTED_LOOK_MS / 1000);
	return XFOCTL_OK;
}

static int do_connect(int argc, char **argv)
{
	struct xfo_guest_connection c;
	struct xfo_xen *x = NULL;
	struct xfo_xs *xs = NULL;
	struct domain_args a;
	uint64_t wait_ms = 0;
	int ret;

	ret = parse_args(argc, argv, connect_opts, "connect", 1, &a);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	if (a.wait && parse_seconds(a.wait, &wait_ms))
		return p_usage(HELP_CMD, "--wait: '%s' is not a number of "
			       "seconds in 0.001..%llu", a.wait,
			       WATCH_MS_MAX / 1000);

	x = xen_connect(&ret);
	if (!x)
		return ret;
	xs = xs_connect(&ret);
	if (!xs)
		goto out;

	ret = xfo_guest__connect(x, xs, a.domid, (unsigned int)wait_ms, &c);
	p_debug("domain %u's keys: state %u, backend-state %d; outcome %d: "
		"%d", a.domid, c.keys.state, c.keys.backend_state, c.outcome,
		ret);
	if (c.map_rc != 1)
		p_debug("XFOOP_map_guest_areas domain %u (table %llu, pool "
			"%llu, completions %llu, port %u, version 0x%08x): %d",
			a.domid, (unsigned long long)c.keys.region_table_frame,
			(unsigned long long)c.keys.pool_ring_frame,
			(unsigned long long)c.keys.completion_ring_frame,
			c.keys.evtchn, c.keys.version, c.map_rc);
	ret = print_connection(a.domid, &c);
out:
	xfo_xs__close(xs);
	xfo_xen__close(x);
	return ret;
}

static int do_disconnect(int argc, char **argv)
{
	struct xfo_xs *xs = NULL;
	struct domain_args a;
	struct xfo_xen *x;
	char warn[XFO_GUEST_ERR_LEN + 64] = "";
	bool answered = false;
	int ret;

	ret = parse_args(argc, argv, no_opts, "disconnect", 1, &a);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	x = xen_connect(&ret);
	if (!x)
		return ret;
	/* Without xenstore Xen still lets go; the guest is not told. */
	if (xfo_xs__open(&xs, warn, sizeof(warn)))
		xs = NULL;
	ret = xfo_guest__disconnect(x, xs, a.domid, &answered,
				    xs ? warn : NULL, sizeof(warn));
	p_debug("XFOOP_unmap_guest_areas domain %u: %d", a.domid, ret);
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		goto out;
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "domid", a.domid);
		jsonw_bool_field(json_wtr, "unmapped", true);
		if (answered) {
			jsonw_uint_field(json_wtr, "backend_state",
					 XFO_XS_STATE_CLOSED);
		} else {
			jsonw_name(json_wtr, "backend_state");
			jsonw_null(json_wtr);
		}
		if (warn[0])
			jsonw_string_field(json_wtr, "warning", warn);
		jsonw_end_object(json_wtr);
	} else {
		printf("Xen no longer uses domain %u's areas%s\n", a.domid,
		       answered ? "; " XFO_XS_BACKEND_STATE " 6 written" : "");
		if (warn[0])
			p_info("warning: %s", warn);
	}
	ret = XFOCTL_OK;
out:
	xfo_xs__close(xs);
	xfo_xen__close(x);
	return ret;
}
