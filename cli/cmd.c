// SPDX-License-Identifier: MIT
/*
 * xfoctl's plumbing: messages, command tables, option parsing, numbers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfoctl.h"

const char *bin_name = "xfoctl";
bool json_output;
bool pretty_output;
bool debug_output;
struct json_writer *json_wtr;

static bool json_error_written;

void json_start(void)
{
	if (!json_output)
		return;
	if (!json_wtr) {
		json_wtr = jsonw_new(stdout, pretty_output);
		if (!json_wtr)
			json_output = false;	/* out of memory: text */
	} else if (!jsonw_depth(json_wtr) && !jsonw_done(json_wtr))
		jsonw_pretty(json_wtr, pretty_output);
}

/* ------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------ */

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

static void json_error(const char *msg)
{
	if (jsonw_done(json_wtr) || json_error_written) {
		/* One document only: the rest goes to stderr. */
		fprintf(stderr, "Error: %s\n", msg);
		return;
	}
	json_error_written = true;
	if (jsonw_in_object(json_wtr)) {
		jsonw_string_field(json_wtr, "error", msg);
		return;
	}
	jsonw_start_object(json_wtr);
	jsonw_string_field(json_wtr, "error", msg);
	jsonw_end_object(json_wtr);
}

static int verr(int code, const char *hint, const char *fmt, va_list ap)
{
	char *msg = vformat(fmt, ap);
	const char *text = msg ? msg : "out of memory";

	if (json_output && json_wtr) {
		json_error(text);
	} else {
		fprintf(stderr, "Error: %s\n", text);
		if (hint)
			fprintf(stderr, "Try '%s' for more information.\n",
				hint);
	}
	free(msg);
	return code;
}

int p_err(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = verr(code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int p_usage(const char *help_cmd, const char *fmt, ...)
{
	va_list ap;
	int code;

	va_start(ap, fmt);
	code = verr(XFOCTL_USAGE, help_cmd, fmt, ap);
	va_end(ap);
	return code;
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void p_debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug_output)
		return;
	fputs("debug: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int p_help(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (!json_output) {
		vfprintf(stdout, fmt, ap);
		va_end(ap);
		return XFOCTL_OK;
	}
	text = vformat(fmt, ap);
	va_end(ap);
	if (!text)
		return p_err(XFOCTL_FAIL, "out of memory");
	jsonw_start_object(json_wtr);
	jsonw_string_field(json_wtr, "help", text);
	jsonw_end_object(json_wtr);
	free(text);
	return XFOCTL_OK;
}

const char *errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },	{ ENOENT, "ENOENT" },
		{ EIO, "EIO" },		{ E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" },	{ EBADF, "EBADF" },
		{ ENOMEM, "ENOMEM" },	{ EACCES, "EACCES" },
		{ EFAULT, "EFAULT" },	{ EEXIST, "EEXIST" },
		{ ENOTDIR, "ENOTDIR" },	{ EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" },	{ EFBIG, "EFBIG" },
		{ ENOSPC, "ENOSPC" },	{ ERANGE, "ERANGE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" },	{ ELOOP, "ELOOP" },
		{ ENODATA, "ENODATA" },	{ EOVERFLOW, "EOVERFLOW" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
	};
	static char buf[32];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull() takes leading space and signs: numbers here don't. */
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* ------------------------------------------------------------------------
 * Command tables
 * ------------------------------------------------------------------------ */

static bool is_prefix(const char *word, const char *name)
{
	size_t len = strlen(word);

	return len && !strncmp(word, name, len);
}

/* Appends to a message buffer, never past its end. */
static void msg_append(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void msg_append(char *msg, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(msg, size);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + len, size - len, fmt, ap);
	va_end(ap);
}

int cmd_match(const struct cmd *cmds, const char *word, const char *what,
	      const struct cmd **found, char *msg, size_t msg_size)
{
	const struct cmd *c, *match = NULL;
	unsigned int n = 0;

	if (msg_size)
		msg[0] = '\0';
	for (c = cmds; c->name; c++) {
		if (!strcmp(word, c->name)) {
			*found = c;
			return CMD_FOUND;
		}
	}
	for (c = cmds; c->name; c++) {
		if (is_prefix(word, c->name)) {
			match = c;
			n++;
		}
	}
	if (n == 1) {
		*found = match;
		return CMD_FOUND;
	}

	if (n == 0) {
		msg_append(msg, msg_size, "unknown %s '%s'; expected one of:",
			   what, word);
		for (c = cmds; c->name; c++)
			msg_append(msg, msg_size, "%s %s",
				   c == cmds ? "" : ",", c->name);
		return CMD_UNKNOWN;
	}
	msg_append(msg, msg_size, "ambiguous %s '%s': could be", what, word);
	n = 0;
	for (c = cmds; c->name; c++)
		if (is_prefix(word, c->name))
			msg_append(msg, msg_size, "%s %s", n++ ? "," : "",
				   c->name);
	return CMD_AMBIGUOUS;
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       const char *what, const char *help_cmd,
	       int (*help)(int argc, char **argv))
{
	const struct cmd *c;
	struct opt_iter it;
	const char *word;
	char msg[512];
	int key;

	opt_init(&it, argc, argv, NULL, help_cmd);
	key = opt_next(&it, &word);
	switch (key) {
	case OPT_ERR:
		return XFOCTL_USAGE;
	case OPT_HELP:
		return help(0, NULL);
	case OPT_END:
		return p_usage(help_cmd, "missing %s", what);
	case OPT_ARG:
		break;
	default:
		return p_usage(help_cmd, "unexpected option");
	}

	if (cmd_match(cmds, word, what, &c, msg, sizeof(msg)) != CMD_FOUND)
		return p_usage(help_cmd, "%s", msg);
	p_debug("%s '%s' selects '%s'", what, word, c->name);
	return c->func(argc - it.idx, argv + it.idx);
}

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

enum {
	GOPT_JSON = 1000,
	GOPT_PRETTY,
	GOPT_DEBUG,
	GOPT_HELP,
	GOPT_VERSION,
};

static const struct opt global_opts[] = {
	{ "json", 'j', false, GOPT_JSON },
	{ "pretty", 'p', false, GOPT_PRETTY },
	{ "debug", 'd', false, GOPT_DEBUG },
	{ "help", 'h', false, GOPT_HELP },
	{ "version", 'V', false, GOPT_VERSION },
	{ NULL, 0, false, 0 },
};

void opt_init(struct opt_iter *it, int argc, char **argv,
	      const struct opt *opts, const char *help_cmd)
{
	memset(it, 0, sizeof(*it));
	it->argc = argc;
	it->argv = argv;
	it->opts = opts;
	it->help_cmd = help_cmd;
}

void opt_prescan(int argc, char **argv, bool *version)
{
	int i;

	*version = false;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "--"))
			break;
		if (!strcmp(w, "--json")) {
			json_output = true;
		} else if (!strcmp(w, "--pretty")) {
			json_output = pretty_output = true;
		} else if (!strcmp(w, "--debug")) {
			debug_output = true;
		} else if (!strcmp(w, "--version")) {
			*version = true;
		} else if (w[0] == '-' && w[1] != '-' && w[1]) {
			/* A group of short flags: only letters. */
			const char *p;

			for (p = w + 1; *p; p++)
				if (!((*p >= 'a' && *p <= 'z') ||
				      (*p >= 'A' && *p <= 'Z')))
					break;
			if (*p)
				continue;
			if (strchr(w + 1, 'j'))
				json_output = true;
			if (strchr(w + 1, 'p'))
				json_output = pretty_output = true;
			if (strchr(w + 1, 'd'))
				debug_output = true;
			if (strchr(w + 1, 'V'))
				*version = true;
		}
	}
}

/* Applies a global option; returns OPT_HELP for help, else 0. */
static int apply_global(int key)
{
	switch (key) {
	case GOPT_JSON:
		json_output = true;
		json_start();
		break;
	case GOPT_PRETTY:
		json_output = pretty_output = true;
		json_start();
		break;
	case GOPT_DEBUG:
		debug_output = true;
		break;
	case GOPT_HELP:
		return OPT_HELP;
	default:
		break;			/* -V: main() handled it */
	}
	return 0;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (; opts && opts->name; opts++)
		if (opts->short_name == c)
			return opts;
	return NULL;
}

/* The option an abbreviated long name selects, in opts or the globals. */
static int find_long(struct opt_iter *it, const char *name, size_t len,
		     const struct opt **found)
{
	const struct opt *tables[2] = { it->opts, global_opts };
	const struct opt *o, *match = NULL;
	unsigned int t, n = 0;
	char msg[256] = "";

	for (t = 0; t < 2; t++)
		for (o = tables[t]; o && o->name; o++)
			if (strlen(o->name) == len &&
			    !strncmp(o->name, name, len)) {
				*found = o;
				return 0;
			}
	for (t = 0; t < 2; t++)
		for (o = tables[t]; o && o->name; o++)
			if (len && !strncmp(o->name, name, len)) {
				match = o;
				n++;
			}
	if (n == 1) {
		*found = match;
		return 0;
	}
	if (n == 0) {
		p_usage(it->help_cmd, "unknown option '--%.*s'", (int)len,
			name);
		return -1;
	}
	for (t = 0; t < 2; t++)
		for (o = tables[t]; o && o->name; o++)
			if (!strncmp(o->name, name, len))
				msg_append(msg, sizeof(msg), "%s --%s",
					   msg[0] ? "," : "", o->name);
	p_usage(it->help_cmd, "ambiguous option '--%.*s': could be%s",
		(int)len, name, msg);
	return -1;
}

static int opt_short(struct opt_iter *it, const char **arg)
{
	char c = *it->short_rest++;
	const struct opt *o = find_short(it->opts, c);

	if (!o)
		o = find_short(global_opts, c);
	if (!o) {
		it->short_rest = NULL;
		p_usage(it->help_cmd, "unknown option '-%c'", c);
		return OPT_ERR;
	}
	if (o->has_arg) {
		if (*it->short_rest) {
			*arg = it->short_rest;
		} else if (it->idx < it->argc) {
			*arg = it->argv[it->idx++];
		} else {
			it->short_rest = NULL;
			p_usage(it->help_cmd, "option '-%c' needs a value", c);
			return OPT_ERR;
		}
		it->short_rest = NULL;
	}
	if (o->key >= GOPT_JSON) {
		if (apply_global(o->key) == OPT_HELP)
			return OPT_HELP;
		return opt_next(it, arg);
	}
	return o->key;
}

int opt_next(struct opt_iter *it, const char **arg)
{
	const struct opt *o;
	const char *w, *name, *eq;
	size_t len;

	*arg = NULL;
	if (it->short_rest && *it->short_rest)
		return opt_short(it, arg);
	it->short_rest = NULL;

	if (it->idx >= it->argc)
		return OPT_END;
	w = it->argv[it->idx++];
	if (it->opts_done || w[0] != '-' || w[1] == '\0') {
		*arg = w;
		return OPT_ARG;
	}
	if (!strcmp(w, "--")) {
		it->opts_done = true;
		return opt_next(it, arg);
	}
	if (w[1] != '-') {
		it->short_rest = w + 1;
		return opt_short(it, arg);
	}

	name = w + 2;
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	if (find_long(it, name, len, &o))
		return OPT_ERR;
	if (o->has_arg) {
		if (eq) {
			*arg = eq + 1;
		} else if (it->idx < it->argc) {
			*arg = it->argv[it->idx++];
		} else {
			p_usage(it->help_cmd, "option '--%s' needs a value",
				o->name);
			return OPT_ERR;
		}
	} else if (eq) {
		p_usage(it->help_cmd, "option '--%s' takes no value", o->name);
		return OPT_ERR;
	}
	if (o->key >= GOPT_JSON) {
		if (apply_global(o->key) == OPT_HELP)
			return OPT_HELP;
		return opt_next(it, arg);
	}
	return o->key;
}
