// SPDX-License-Identifier: MIT
/*
 * xfoctl program: the programs loaded in Xen, whichever domain they are
 * attached to or none (a program stays loaded when its domain dies), and
 * unloading one by id. What bpftool's "prog show" is for BPF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"

#include "xfoctl.h"

#define HELP_CMD	"xfoctl program help"

static int do_help(int argc, char **argv);
static int do_list(int argc, char **argv);
static int do_unload(int argc, char **argv);

static const struct cmd program_cmds[] = {
	{ "list", do_list, NULL },
	{ "show", do_list, NULL },
	{ "unload", do_unload, NULL },
	{ "help", do_help, NULL },
	{ NULL, NULL, NULL },
};

int do_program(int argc, char **argv)
{
	return cmd_select(program_cmds, argc, argv, "command", HELP_CMD,
			  do_help);
}

static int do_help(int argc, char **argv)
{
	return p_help(
		"Usage: %s program { list | show } [ID]\n"
		"       %s program unload ID\n"
		"       %s program help\n"
		"\n"
		"  ID is a program id as attach printed it, 1..4294967295.\n"
		"\n"
		"  list    prints every program loaded in Xen: id, name,\n"
		"          instructions, maps, and the domain it is attached\n"
		"          to, or none (a program whose domain died stays\n"
		"          loaded until it is unloaded). With ID, that program\n"
		"          only (status 1 when it is not loaded). show is list.\n"
		"  unload  unloads a program that no domain uses; an attached\n"
		"          one is refused (status 1): detach it first with\n"
		"          'xfoctl domain detach DOMID', which also unloads it.\n"
		"\n"
		"JSON (-j) of list: [{\"id\", \"name\", \"insns\", \"maps\", \"users\"\n"
		"  (domains attached), \"domid\" (the lowest of them, or null)}];\n"
		"  with ID that one object. unload: {\"id\", \"name\", \"unloaded\":\n"
		"  true}. Errors: {\"error\"}.\n"
		"\n"
		"  These commands need the control domain (dom0), root and a Xen\n"
		"  with xfo interface 1.1 or later; otherwise they fail with\n"
		"  status 1 saying which.\n",
		bin_name, bin_name, bin_name);
}

/* The positional ID, or none; 0, -1 after help, or the usage status. */
static int parse_args(int argc, char **argv, const char *cmd, bool need_id,
		      bool *have_id, uint32_t *id)
{
	struct opt_iter it;
	const char *arg, *word = NULL;
	uint64_t v;
	int key;

	*have_id = false;
	opt_init(&it, argc, argv, NULL, HELP_CMD);
	while ((key = opt_next(&it, &arg)) != OPT_END) {
		switch (key) {
		case OPT_ERR:
			return XFOCTL_USAGE;
		case OPT_HELP:
			do_help(0, NULL);
			return -1;
		case OPT_ARG:
			if (word)
				return p_usage(HELP_CMD, "program %s: "
					       "unexpected argument '%s'", cmd,
					       arg);
			word = arg;
			break;
		default:
			return p_usage(HELP_CMD, "unexpected option");
		}
	}
	if (!word) {
		if (need_id)
			return p_usage(HELP_CMD, "program %s: missing ID",
				       cmd);
		return 0;
	}
	if (parse_u64(word, UINT32_MAX, &v) || !v)
		return p_usage(HELP_CMD, "program %s: '%s' is not a program "
			       "id (1..%u)", cmd, word, UINT32_MAX);
	*id = (uint32_t)v;
	*have_id = true;
	return 0;
}

static const struct xfo_prog_info *find(const struct xfo_prog_info *p,
					uint32_t n, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (p[i].prog_id == id)
			return &p[i];
	return NULL;
}

static void json_prog(const struct xfo_prog_info *p)
{
	jsonw_start_object(json_wtr);
	jsonw_uint_field(json_wtr, "id", p->prog_id);
	jsonw_string_field(json_wtr, "name", p->name);
	jsonw_uint_field(json_wtr, "insns", p->insn_cnt);
	jsonw_uint_field(json_wtr, "maps", p->map_cnt);
	jsonw_uint_field(json_wtr, "users", p->users);
	jsonw_name(json_wtr, "domid");
	if (p->domid == XFO_DOMID_NONE)
		jsonw_null(json_wtr);
	else
		jsonw_uint(json_wtr, p->domid);
	jsonw_end_object(json_wtr);
}

static void text_prog(const struct xfo_prog_info *p)
{
	printf("%10u  %-31s %6u %5u  ", p->prog_id, p->name, p->insn_cnt,
	       p->map_cnt);
	if (p->domid == XFO_DOMID_NONE)
		printf("none\n");
	else if (p->users > 1)
		printf("domain %u and %u more\n", p->domid, p->users - 1);
	else
		printf("domain %u\n", p->domid);
}

static int do_list(int argc, char **argv)
{
	struct xfo_prog_info *progs = NULL;
	const struct xfo_prog_info *p;
	struct xfo_xen *x;
	uint32_t n = 0, i, id = 0;
	bool have_id;
	int ret;

	ret = parse_args(argc, argv, "list", false, &have_id, &id);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	x = xen_connect(&ret);
	if (!x)
		return ret;
	ret = xfo_xen__prog_list(x, &progs, &n);
	p_debug("XFOOP_prog_list: %d, %u programs", ret, n);
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		goto out;
	}
	if (have_id) {
		p = find(progs, n, id);
		if (!p) {
			ret = p_err(XFOCTL_FAIL, "no program %u is loaded in "
				    "Xen", id);
			goto out;
		}
		if (json_output) {
			json_prog(p);
		} else {
			printf("%10s  %-31s %6s %5s  %s\n", "id", "name",
			       "insns", "maps", "attached to");
			text_prog(p);
		}
		goto out;
	}
	if (json_output) {
		jsonw_start_array(json_wtr);
		for (i = 0; i < n; i++)
			json_prog(&progs[i]);
		jsonw_end_array(json_wtr);
	} else if (!n) {
		printf("no programs loaded\n");
	} else {
		printf("%10s  %-31s %6s %5s  %s\n", "id", "name", "insns",
		       "maps", "attached to");
		for (i = 0; i < n; i++)
			text_prog(&progs[i]);
	}
out:
	free(progs);
	xfo_xen__close(x);
	return ret;
}

static int do_unload(int argc, char **argv)
{
	struct xfo_prog_info *progs = NULL;
	const struct xfo_prog_info *p;
	struct xfo_xen *x;
	char name[XFO_NAME_LEN] = "";
	uint32_t n = 0, id = 0;
	bool have_id;
	int ret;

	ret = parse_args(argc, argv, "unload", true, &have_id, &id);
	if (ret)
		return ret < 0 ? XFOCTL_OK : ret;
	x = xen_connect(&ret);
	if (!x)
		return ret;

	/* The name, and who uses it, for the messages; Xen decides. */
	if (!xfo_xen__prog_list(x, &progs, &n)) {
		p = find(progs, n, id);
		if (p)
			snprintf(name, sizeof(name), "%s", p->name);
	}
	ret = xfo_xen__unload(x, id);
	p_debug("XFOOP_unload prog %u: %d", id, ret);
	if (ret == -EBUSY && (p = find(progs, n, id)) &&
	    p->domid != XFO_DOMID_NONE) {
		ret = p_err(XFOCTL_FAIL, "program %u (%s) is attached to "
			    "domain %u%s; detach it first: xfoctl domain "
			    "detach %u (EBUSY)", id, p->name, p->domid,
			    p->users > 1 ? " and others" : "", p->domid);
		goto out;
	}
	if (ret) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		goto out;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_string_field(json_wtr, "name", name);
		jsonw_bool_field(json_wtr, "unloaded", true);
		jsonw_end_object(json_wtr);
	} else {
		printf("unloaded program %u%s%s%s\n", id, name[0] ? " (" : "",
		       name, name[0] ? ")" : "");
	}
out:
	free(progs);
	xfo_xen__close(x);
	return ret;
}
