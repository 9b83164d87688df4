// SPDX-License-Identifier: MIT
/*
 * xfoctl xen: what the running Xen offers; and the connection to Xen the
 * domain commands share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"

#include "xfoctl.h"

#define HELP_CMD	"xfoctl xen help"

static int do_help(int argc, char **argv);
static int do_xen_version(int argc, char **argv);

static const struct cmd xen_cmds[] = {
	{ "version", do_xen_version, NULL },
	{ "help", do_help, NULL },
	{ NULL, NULL, NULL },
};

int do_xen(int argc, char **argv)
{
	return cmd_select(xen_cmds, argc, argv, "command", HELP_CMD, do_help);
}

static int do_help(int argc, char **argv)
{
	return p_help(
		"Usage: %s xen version\n"
		"       %s xen help\n"
		"\n"
		"  version  asks Xen (XFOOP_version) for its xfo interface\n"
		"           version, capabilities and limits, and says whether\n"
		"           xfoctl's interface %u.%u is compatible (same major\n"
		"           version).\n"
		"\n"
		"  Talking to Xen needs a Xen domain with /dev/xen/privcmd, root,\n"
		"  and for every operation but unmap_guest_areas the control domain\n"
		"  (dom0). Otherwise, or when Xen has no xfo hypercall, the command\n"
		"  fails with status 1 and says which.\n",
		bin_name, bin_name, XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION),
		XFO_INTERFACE_MINOR(XFO_INTERFACE_VERSION));
}

/* ------------------------------------------------------------------------
 * Shared with cli/domain.c
 * ------------------------------------------------------------------------ */

int parse_domid(const char *s, const char *help_cmd, uint16_t *domid)
{
	uint64_t v;

	if (parse_u64(s, XFOCTL_DOMID_MAX, &v))
		return p_usage(help_cmd, "DOMID must be 0..%u, not '%s'",
			       XFOCTL_DOMID_MAX, s);
	*domid = (uint16_t)v;
	return 0;
}

static bool compatible(uint32_t version)
{
	return XFO_INTERFACE_MAJOR(version) ==
	       XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION);
}

/* Opens Xen; NULL after reporting why. */
static struct xfo_xen *xen_open(int *code)
{
	struct xfo_xen *x = NULL;
	char err[256] = "";
	int ret;

	ret = xfo_xen__open(&x, err, sizeof(err));
	if (ret) {
		*code = p_err(XFOCTL_FAIL, "%s", err[0] ? err :
			      "cannot open Xen's privcmd");
		return NULL;
	}
	return x;
}

struct xfo_xen *xen_connect(int *code)
{
	struct xfo_op_version v;
	struct xfo_xen *x;

	x = xen_open(code);
	if (!x)
		return NULL;
	if (xfo_xen__version(x, &v)) {
		*code = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		xfo_xen__close(x);
		return NULL;
	}
	p_debug("Xen's xfo interface %u.%u, caps 0x%x, max %u insns, %u maps",
		XFO_INTERFACE_MAJOR(v.version), XFO_INTERFACE_MINOR(v.version),
		v.caps, v.max_insns, v.max_maps);
	if (!compatible(v.version)) {
		*code = p_err(XFOCTL_FAIL, "Xen's xfo interface is %u.%u, "
			      "xfoctl's %u.%u: the major versions differ",
			      XFO_INTERFACE_MAJOR(v.version),
			      XFO_INTERFACE_MINOR(v.version),
			      XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION),
			      XFO_INTERFACE_MINOR(XFO_INTERFACE_VERSION));
		xfo_xen__close(x);
		return NULL;
	}
	return x;
}

/* ------------------------------------------------------------------------
 * version
 * ------------------------------------------------------------------------ */

static const char *const cap_names[32] = {
	[0] = "zero_fill",
	[1] = "fault_around",
	[2] = "maps",
	[3] = "trace",
};

static int do_xen_version(int argc, char **argv)
{
	struct xfo_op_version v;
	struct opt_iter it;
	struct xfo_xen *x;
	const char *arg;
	unsigned int bit;
	int key, ret;

	opt_init(&it, argc, argv, NULL, HELP_CMD);
	while ((key = opt_next(&it, &arg)) != OPT_END) {
		if (key == OPT_ERR)
			return XFOCTL_USAGE;
		if (key == OPT_HELP)
			return do_help(0, NULL);
		return p_usage(HELP_CMD, "'xen version' takes no arguments, "
			       "got '%s'", arg);
	}

	x = xen_open(&ret);
	if (!x)
		return ret;
	if (xfo_xen__version(x, &v)) {
		ret = p_err(XFOCTL_FAIL, "%s", xfo_xen__errstr(x));
		xfo_xen__close(x);
		return ret;
	}
	xfo_xen__close(x);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "interface_version", v.version);
		jsonw_name(json_wtr, "interface");
		jsonw_printf(json_wtr, "%u.%u", XFO_INTERFACE_MAJOR(v.version),
			     XFO_INTERFACE_MINOR(v.version));
		jsonw_name(json_wtr, "xfoctl_interface");
		jsonw_printf(json_wtr, "%u.%u",
			     XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION),
			     XFO_INTERFACE_MINOR(XFO_INTERFACE_VERSION));
		jsonw_bool_field(json_wtr, "compatible", compatible(v.version));
		jsonw_uint_field(json_wtr, "caps_mask", v.caps);
		jsonw_name(json_wtr, "caps");
		jsonw_start_array(json_wtr);
		for (bit = 0; bit < 32; bit++) {
			if (!(v.caps & (1u << bit)))
				continue;
			if (cap_names[bit])
				jsonw_string(json_wtr, cap_names[bit]);
			else
				jsonw_printf(json_wtr, "bit%u", bit);
		}
		jsonw_end_array(json_wtr);
		jsonw_uint_field(json_wtr, "max_insns", v.max_insns);
		jsonw_uint_field(json_wtr, "max_maps", v.max_maps);
		jsonw_end_object(json_wtr);
		return XFOCTL_OK;
	}

	printf("xfo interface %u.%u (0x%08x): %s xfoctl's %u.%u\n",
	       XFO_INTERFACE_MAJOR(v.version), XFO_INTERFACE_MINOR(v.version),
	       v.version,
	       compatible(v.version) ? "compatible with" : "NOT compatible with",
	       XFO_INTERFACE_MAJOR(XFO_INTERFACE_VERSION),
	       XFO_INTERFACE_MINOR(XFO_INTERFACE_VERSION));
	printf("caps:");
	if (!v.caps)
		printf(" none");
	for (bit = 0; bit < 32; bit++) {
		if (!(v.caps & (1u << bit)))
			continue;
		if (cap_names[bit])
			printf(" %s", cap_names[bit]);
		else
			printf(" bit%u", bit);
	}
	printf(" (0x%08x)\n", v.caps);
	printf("max_insns: %u\n", v.max_insns);
	printf("max_maps: %u\n", v.max_maps);
	return XFOCTL_OK;
}
