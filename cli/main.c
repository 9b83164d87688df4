// SPDX-License-Identifier: MIT
/*
 * xfoctl: inspect, verify and run xfo offload policies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xfo.h>

#include "xfoctl.h"

/* The objects. A new one is one entry here and its do_<object>(). */
static int do_help(int argc, char **argv);

static const struct cmd objects[] = {
	{ "policy", do_policy, "open, verify, disassemble and run policies" },
	{ "domain", do_domain, "attach programs to domains, read statistics" },
	{ "program", do_program, "list the programs loaded in Xen, unload them" },
	{ "xen", do_xen, "ask Xen for its xfo interface" },
	{ "version", do_version, "print the tool and interface versions" },
	{ "help", do_help, "print this help" },
	{ NULL, NULL, NULL },
};

static int do_help(int argc, char **argv)
{
	char list[512] = "";
	const struct cmd *c;
	size_t len = 0;

	for (c = objects; c->name; c++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
					"    %-10s %s\n", c->name, c->summary);
	return p_help(
		"Usage: %s [OPTIONS] OBJECT COMMAND [ARGS]\n"
		"       %s OBJECT help\n"
		"\n"
		"OBJECT (any unambiguous prefix works, as for COMMAND):\n"
		"%s"
		"\n"
		"OPTIONS (accepted anywhere on the line):\n"
		"    -j, --json     JSON output, errors included\n"
		"    -p, --pretty   indented JSON output (implies --json)\n"
		"    -d, --debug    explain what is done, on stderr\n"
		"    -V, --version  print the versions\n"
		"    -h, --help     print the help of the current level\n"
		"\n"
		"Exit status: 0 done, 1 refused or failed, 2 bad command line.\n",
		bin_name, bin_name, list);
}

int do_version(int argc, char **argv)
{
	struct opt_iter it;
	const char *arg;
	int key;

	opt_init(&it, argc, argv, NULL, "xfoctl help");
	while ((key = opt_next(&it, &arg)) != OPT_END) {
		if (key == OPT_ERR)
			return XFOCTL_USAGE;
		if (key == OPT_HELP)
			return do_help(0, NULL);
		return p_usage("xfoctl help",
			       "'version' takes no arguments, got '%s'", arg);
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "name", "xfoctl");
		jsonw_string_field(json_wtr, "version", XFOCTL_VERSION);
		jsonw_uint_field(json_wtr, "interface_version",
				 XFO_INTERFACE_VERSION);
		jsonw_name(json_wtr, "interface");
		jsonw_printf(json_wtr, "%u.%u",
			     XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION),
			     XFO_INTERFACE_MINOR(XFO_INTERFACE_VERSION));
		jsonw_end_object(json_wtr);
		return XFOCTL_OK;
	}
	printf("%s v%s\n", bin_name, XFOCTL_VERSION);
	printf("interface version %u.%u (0x%08x)\n",
	       XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION),
	       XFO_INTERFACE_MINOR(XFO_INTERFACE_VERSION),
	       XFO_INTERFACE_VERSION);
	return XFOCTL_OK;
}

int main(int argc, char **argv)
{
	bool version;
	int ret;

	opt_prescan(argc, argv, &version);
	json_start();
	if (version)
		ret = do_version(0, NULL);
	else
		ret = cmd_select(objects, argc - 1, argv + 1, "object",
				 "xfoctl help", do_help);
	if (json_wtr)
		jsonw_destroy(&json_wtr);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: writing the output failed\n");
		if (!ret)
			ret = XFOCTL_FAIL;
	}
	return ret;
}
