/* SPDX-License-Identifier: MIT */
/*
 * agent.h: xfo-agent's pieces that the host unit test calls
 * (tests/guest/agent_test.c): argument parsing and the status output.
 */
#ifndef XFO_AGENT_H
#define XFO_AGENT_H

#include <stdio.h>
#include <stddef.h>

#include "xfo_guest.h"

enum agent_cmd { CMD_NONE, CMD_STATUS, CMD_RUN, CMD_HELP, CMD_VERSION };

struct agent_args {
	enum agent_cmd cmd;
	int json;
	size_t threshold;       /* run: 0 = the shim's default */
	int no_malloc;          /* run: XFO_PRELOAD_MALLOC=0 */
	const char *preload;    /* run: the shim; NULL = find it */
	char **argv;            /* run: CMD ARGS... */
	const char *device;
};

/* Fills a from argv. Returns 0, or -1 with a message in err. */
int agent_parse(int argc, char **argv, struct agent_args *a, char *err, size_t errlen);

const char *agent_state_name(unsigned int state);

/* The status report, text or JSON (one object, newline-terminated). */
void agent_print_status(FILE *f, int json, const struct xfo_guest_stats *s,
			const struct xfo_guest_region_info *r, unsigned int nr);
void agent_print_error(FILE *f, int json, const char *what, const char *why);

#endif /* XFO_AGENT_H */
