// SPDX-License-Identifier: MIT
/*
 * Table-driven tests of xfo_verdict_applies() (core/verdict.c), the rule
 * Xen's hook and `xfoctl policy run` share. Each .data file is one fault
 * and one verdict:
 *
 *   -- ctx      the fault, in xfoctl's --ctx syntax (cli/fault_ctx.h)
 *   -- verdict  r0 as the program returns it
 *   -- bounce   the reason Xen bounces the fault for, as
 *               xfo_bounce_reason_name() spells it, or "none" when Xen
 *               goes on to resolve it
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"
#include "fault_ctx.h"
#include "../common/check.h"
#include "../common/datafile.h"

static const char *run_case(const char *path, char *why, size_t why_size)
{
	char err[512], text[512], want[64], vtext[64];
	struct fault_ctx_spec spec;
	struct datafile df;
	const char *ctx_text, *v_text, *b_text, *got;
	unsigned int reason = 0;
	uint64_t verdict;
	char *end;
	bool applies;

	if (datafile_read(path, &df, err, sizeof(err))) {
		snprintf(why, why_size, "%s", err);
		return why;
	}
	ctx_text = datafile_section(&df, "ctx");
	v_text = datafile_section(&df, "verdict");
	b_text = datafile_section(&df, "bounce");
	if (!ctx_text || !v_text || !b_text) {
		snprintf(why, why_size, "needs -- ctx, -- verdict and -- bounce");
		goto out;
	}

	fault_ctx_init(&spec);
	datafile_trim(ctx_text, text, sizeof(text));
	if ((text[0] && fault_ctx_parse(&spec, text, err, sizeof(err))) ||
	    fault_ctx_finish(&spec, err, sizeof(err))) {
		snprintf(why, why_size, "-- ctx: %s", err);
		goto out;
	}
	datafile_trim(v_text, vtext, sizeof(vtext));
	errno = 0;
	verdict = strtoull(vtext, &end, 0);
	if (!vtext[0] || *end || errno) {
		snprintf(why, why_size, "-- verdict: '%s' is not a number",
			 vtext);
		goto out;
	}
	datafile_trim(b_text, want, sizeof(want));
	if (strcmp(want, "none") != 0) {
		for (reason = 0; reason < XFO_BOUNCE_NR; reason++)
			if (!strcmp(want, xfo_bounce_reason_name(reason)))
				break;
		if (reason == XFO_BOUNCE_NR) {
			snprintf(why, why_size, "-- bounce: '%s' is no reason",
				 want);
			goto out;
		}
	}

	reason = ~0u;
	applies = xfo_verdict_applies(&spec.ctx, verdict, &reason);
	got = applies ? "none" : xfo_bounce_reason_name(reason);
	if (applies != (reason == XFO_BOUNCE_NR))
		snprintf(why, why_size, "returned %s with reason %u",
			 applies ? "true" : "false", reason);
	else if (!got)
		snprintf(why, why_size, "reason %u is out of range", reason);
	else if (strcmp(got, want) != 0)
		snprintf(why, why_size, "bounce %s, expected %s", got, want);
	else
		why = NULL;
out:
	datafile_free(&df);
	return why;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char *names[512], path[4096], why[1024];
	const char *dir = argc > 1 ? argv[1] : "tests/verdict";
	struct dirent *de;
	size_t n = 0, i;
	DIR *d = opendir(dir);

	if (!d) {
		fail(dir, "%s", strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) && n < 512) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".data"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	if (!n)
		fail(dir, "no .data files");
	for (i = 0; i < n; i++) {
		const char *res;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		res = run_case(path, why, sizeof(why));
		if (res)
			fail(names[i], "%s", res);
		else
			pass(names[i]);
		free(names[i]);
	}
	return failures ? 1 : 0;
}
