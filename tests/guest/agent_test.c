// SPDX-License-Identifier: MIT
/*
 * agent_test: xfo-agent's argument parsing and status output on the host.
 * `agent_test json` prints the JSON status of a synthetic module state
 * (for tests/cli/json_check); without arguments, the parsing cases, one
 * "PASS name" / "FAIL name: why" line each.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "xfo.h"
#include "../common/check.h"

static int parse(struct agent_args *a, char *err, ...)
{
	char *argv[16];
	va_list ap;
	int argc = 0;

	argv[argc++] = "xfo-agent";
	va_start(ap, err);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return agent_parse(argc, argv, a, err, 256);
}

static void fake(struct xfo_guest_stats *s, struct xfo_guest_region_info *r)
{
	memset(s, 0, sizeof(*s));
	s->abi = XFO_GUEST_ABI;
	s->version = XFO_INTERFACE_VERSION;
	s->state = 3;
	s->backend_state = 6;
	s->flags = XFO_GUEST_F_PUBLISHED | XFO_GUEST_F_REFUSED;
	strcpy(s->backend_error, "no \"policy\"\\ attached\n");
	s->evtchn = 9;
	s->domid = 3;
	s->nr_regions = 2;
	s->nr_published = 1;
	s->pool_level = 250;
	s->pool_size = 256;
	s->pool_watermark = 64;
	s->pool_target = 256;
	s->pages_allocated = 1300;
	s->pages_freed = 24;
	s->pages_pool = 250;
	s->pages_taken = 6;
	s->pages_mapped = 1020;
	s->pages_offloaded = 100;
	s->faults = 920;
	s->faults_mapped = 920;
	s->last_unmap_rc = 1;
	memset(r, 0, 2 * sizeof(*r));
	r[0].id = 1;
	r[0].pid = 77;
	r[0].start = 0x7f0000000000ull;
	r[0].end = 0x7f0000400000ull;
	r[0].prot = XFO_PROT_READ | XFO_PROT_WRITE;
	r[0].classes = XFO_CLASS_BIT(1) | XFO_CLASS_BIT(2);
	r[0].published = 1;
	r[0].pages = 1020;
	r[1].id = 2;
	r[1].pid = 78;
	r[1].start = 0x7f1000000000ull;
	r[1].end = 0x7f1000001000ull;
	r[1].prot = XFO_PROT_READ;
}

int main(int argc, char **argv)
{
	struct xfo_guest_region_info r[2];
	struct xfo_guest_stats s;
	struct agent_args a;
	char err[256] = "";

	if (argc > 1) {
		fake(&s, r);
		agent_print_status(stdout, !strcmp(argv[1], "json"), &s, r, 2);
		return 0;
	}

	check("parse: status",
	      !parse(&a, err, "status", NULL) && a.cmd == CMD_STATUS && !a.json,
	      "%s", err);
	check("parse: -j status",
	      !parse(&a, err, "-j", "status", NULL) && a.cmd == CMD_STATUS && a.json,
	      "%s", err);
	check("parse: status -j",
	      !parse(&a, err, "status", "-j", NULL) && a.json,
	      "%s", err);
	check("parse: -d DEVICE",
	      !parse(&a, err, "-d", "/dev/zero", "status", NULL) && !strcmp(a.device, "/dev/zero"),
	      "%s", err);
	check("parse: run -- ls -l",
	      !parse(&a, err, "run", "--", "ls", "-l", NULL) && a.cmd == CMD_RUN &&
	      !strcmp(a.argv[0], "ls") && !strcmp(a.argv[1], "-l") && !a.argv[2] && !a.threshold,
	      "%s", err);
	check("parse: run without --",
	      !parse(&a, err, "run", "ls", NULL) && !strcmp(a.argv[0], "ls"),
	      "%s", err);
	check("parse: run --threshold 2M",
	      !parse(&a, err, "run", "--threshold", "2M", "--", "x", NULL) && a.threshold == 2u << 20,
	      "%s", err);
	check("parse: run --threshold=65536 --no-malloc",
	      !parse(&a, err, "run", "--threshold=65536", "--no-malloc", "--", "x", NULL) &&
	      a.threshold == 65536 && a.no_malloc,
	      "%s", err);
	check("parse: run options stop at --",
	      !parse(&a, err, "run", "--preload", "/x.so", "--", "x", "--threshold", NULL) &&
	      !strcmp(a.preload, "/x.so") && !strcmp(a.argv[1], "--threshold"),
	      "%s", err);
	check("parse: bad threshold refused",
	      parse(&a, err, "run", "--threshold", "2Q", "--", "x", NULL) == -1 &&
	      strstr(err, "not a size"),
	      "%s", err);
	check("parse: zero threshold refused",
	      parse(&a, err, "run", "--threshold", "0", "--", "x", NULL) == -1,
	      "%s", err);
	check("parse: threshold without a value",
	      parse(&a, err, "run", "--threshold", NULL) == -1 && strstr(err, "needs a size"),
	      "%s", err);
	check("parse: run without a command",
	      parse(&a, err, "run", "--", NULL) == -1 && strstr(err, "no command"),
	      "%s", err);
	check("parse: run unknown option",
	      parse(&a, err, "run", "--bogus", "x", NULL) == -1 && strstr(err, "--bogus"),
	      "%s", err);
	check("parse: nothing",
	      parse(&a, err, NULL) == -1 && strstr(err, "no command"),
	      "%s", err);
	check("parse: unknown command",
	      parse(&a, err, "frobnicate", NULL) == -1 && strstr(err, "frobnicate"),
	      "%s", err);
	check("parse: status extra",
	      parse(&a, err, "status", "extra", NULL) == -1,
	      "%s", err);
	check("parse: help",
	      !parse(&a, err, "help", NULL) && a.cmd == CMD_HELP,
	      "%s", err);
	check("parse: --version",
	      !parse(&a, err, "--version", NULL) && a.cmd == CMD_VERSION,
	      "%s", err);
	check("state names",
	      !strcmp(agent_state_name(4), "connected") && !strcmp(agent_state_name(99), "?"),
	      "wrong");
	return failures ? 1 : 0;
}
