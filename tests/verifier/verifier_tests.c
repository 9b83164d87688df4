// SPDX-License-Identifier: MIT
/*
 * Table-driven verifier tests, in the spirit of uBPF's tests/errors/ and
 * Linux's __failure __msg(). Each .data file holds one program:
 *
 *   -- asm      the program (tests/common/asm.h syntax)
 *   -- maps     optional, one map a line: NAME TYPE KEY VALUE ENTRIES
 *   -- error    the refusal message must contain this text; without an
 *               error section the program must be accepted
 *   -- result   optional, for accepted programs: r0 on a zeroed context
 *
 * Accepted programs are also run in the checked interpreter, which must
 * not trip a bounds check. A few cases that are easier to build than to
 * write (length limits, workspace) are generated here.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"
#include "../common/asm.h"
#include "../common/datafile.h"

static int passed, failed;

static void report(const char *name, const char *why)
{
	if (why) {
		printf("FAIL %s: %s\n", name, why);
		failed++;
	} else {
		printf("PASS %s\n", name);
		passed++;
	}
}

static int parse_maps(const char *text, struct xfo_map_def *maps,
		      uint32_t *cnt, char *err, size_t err_size)
{
	char line[256];
	const char *p = text;

	*cnt = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct xfo_map_def *m = &maps[*cnt];
		char name[64];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl ? nl + 1 : p + len;
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if (*cnt == 16) {
			snprintf(err, err_size, "more than 16 maps");
			return -1;
		}
		memset(m, 0, sizeof(*m));
		if (sscanf(line, "%63s %u %u %u %u", name, &m->type,
			   &m->key_size, &m->value_size, &m->max_entries) != 5) {
			snprintf(err, err_size, "bad map line '%s'", line);
			return -1;
		}
		snprintf(m->name, sizeof(m->name), "%s", name);
		(*cnt)++;
	}
	return 0;
}

/* Runs an accepted program on a zeroed context in the checked mode. */
static const char *run_accepted(const struct xfo_bytecode *prog,
				const char *want_result, char *why,
				size_t why_size)
{
	struct xfo_fault_ctx ctx = { .region_id = XFO_REGION_NONE };
	struct xfo_runner *runner;
	struct xfo_vm_result res;
	uint64_t r0;
	char err[256];

	if (xfo_runner__new(prog, &runner, err, sizeof(err))) {
		snprintf(why, why_size, "runner: %s", err);
		return why;
	}
	xfo_runner__run(runner, &ctx, true, &r0, &res);
	xfo_runner__free(runner);
	if (res.err) {
		snprintf(why, why_size, "accepted, but the checked run stopped "
			 "with %d at insn %u", res.err, res.pc);
		return why;
	}
	if (res.insns > prog->insn_cnt) {
		snprintf(why, why_size, "accepted, but ran %" PRIu64 " insns, "
			 "more than its %u", res.insns, prog->insn_cnt);
		return why;
	}
	if (want_result && r0 != strtoull(want_result, NULL, 0)) {
		snprintf(why, why_size, "r0 is 0x%" PRIx64 ", expected %s", r0,
			 want_result);
		return why;
	}
	return NULL;
}

static const char *run_case(const char *path, char *why, size_t why_size)
{
	static char log[65536];
	char err[512], want[1024], result[128];
	struct xfo_map_def maps[16];
	struct ebpf_insn *insns = NULL;
	struct xfo_bytecode prog = { 0 };
	struct datafile df;
	const char *text, *verdict = NULL;
	uint32_t cnt, map_cnt = 0;
	int rc;

	if (datafile_read(path, &df, err, sizeof(err))) {
		snprintf(why, why_size, "%s", err);
		return why;
	}
	text = datafile_section(&df, "asm");
	if (!text) {
		snprintf(why, why_size, "no -- asm section");
		goto out;
	}
	if (xfo_asm(text, &insns, &cnt, err, sizeof(err))) {
		snprintf(why, why_size, "assembler: %s", err);
		goto out;
	}
	if (datafile_section(&df, "maps") &&
	    parse_maps(datafile_section(&df, "maps"), maps, &map_cnt, err,
		       sizeof(err))) {
		snprintf(why, why_size, "%s", err);
		goto out;
	}

	prog.insns = insns;
	prog.insn_cnt = cnt;
	prog.maps = maps;
	prog.map_cnt = map_cnt;
	rc = xfo_bytecode__verify(&prog, log, sizeof(log), XFO_LOG_ERRORS, NULL);

	if (datafile_section(&df, "error")) {
		datafile_trim(datafile_section(&df, "error"), want,
			      sizeof(want));
		if (!want[0])
			snprintf(why, why_size, "empty -- error section");
		else if (rc == 0)
			snprintf(why, why_size, "accepted, expected '%s'", want);
		else if (!strstr(log, want))
			snprintf(why, why_size, "refused with '%.*s', expected "
				 "'%s'", (int)strcspn(log, "\n"), log, want);
		else if (strncmp(log, "insn ", 5) != 0 &&
			 strstr(want, "insn ") != NULL)
			snprintf(why, why_size, "message does not start with "
				 "the instruction: '%s'", log);
		else
			why = NULL;
	} else if (rc != 0) {
		snprintf(why, why_size, "refused: %.*s",
			 (int)strcspn(log, "\n"), log);
	} else {
		if (datafile_section(&df, "result"))
			verdict = datafile_trim(datafile_section(&df, "result"),
						result, sizeof(result));
		why = (char *)run_accepted(&prog, verdict, why, why_size);
	}
out:
	free(insns);
	datafile_free(&df);
	return why;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir)
{
	char *names[1024], path[4096], why[1024], label[512];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		report(dir, why);
		return;
	}
	while ((de = readdir(d)) && n < 1024) {
		size_t len = strlen(de->d_name);

		if (len > 5 && strcmp(de->d_name + len - 5, ".data") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	if (!n)
		report(dir, "no .data files");
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(dir, '/');

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(label, sizeof(label), "%s/%s", base ? base + 1 : dir,
			 names[i]);
		report(label, run_case(path, why, sizeof(why)));
		free(names[i]);
	}
}

/* Cases about sizes, generated rather than written out. */
static void run_generated(void)
{
	static struct ebpf_insn insns[XFO_MAX_INSNS + 1];
	static char log[4096];
	struct xfo_bytecode prog = { .insns = insns };
	struct ebpf_insn mov0 = { .code = EBPF_CLS_ALU64 | EBPF_ALU_MOV };
	struct ebpf_insn exit_insn = { .code = EBPF_OP_EXIT };
	char why[256];
	int rc;

	for (uint32_t i = 0; i < XFO_MAX_INSNS; i++)
		insns[i] = mov0;
	insns[XFO_MAX_INSNS - 1] = exit_insn;
	prog.insn_cnt = XFO_MAX_INSNS;
	rc = xfo_bytecode__verify(&prog, log, sizeof(log), XFO_LOG_ERRORS, NULL);
	snprintf(why, sizeof(why), "refused: %s", log);
	report("generated/max_length_accepted", rc ? why : NULL);

	insns[XFO_MAX_INSNS - 1] = mov0;
	insns[XFO_MAX_INSNS] = exit_insn;
	prog.insn_cnt = XFO_MAX_INSNS + 1;
	rc = xfo_bytecode__verify(&prog, log, sizeof(log), XFO_LOG_ERRORS, NULL);
	report("generated/too_long", rc == -E2BIG &&
	       strstr(log, "4097 instructions, at most 4096") ? NULL :
	       "4097 instructions not refused with E2BIG");

	prog.insn_cnt = 0;
	rc = xfo_bytecode__verify(&prog, log, sizeof(log), XFO_LOG_ERRORS, NULL);
	report("generated/empty", rc && strstr(log, "program is empty") ? NULL :
	       "empty program not refused");

	/* Too small a workspace is refused, never overrun. */
	{
		struct xfo_log l;
		char ws[64];

		insns[0] = exit_insn;
		prog.insn_cnt = 1;
		xfo_log_init(&l, log, sizeof(log), XFO_LOG_ERRORS);
		rc = xfo_verify(&prog, ws, sizeof(ws), &l, NULL);
		report("generated/workspace_too_small", rc == -ENOSPC ? NULL :
		       "small workspace not refused with ENOSPC");
	}

	/* A log too small for the message is cut, NUL-terminated. */
	{
		char tiny[8];

		memset(tiny, 'x', sizeof(tiny));
		insns[0] = mov0;
		insns[0].dst = 11;
		prog.insn_cnt = 1;
		rc = xfo_bytecode__verify(&prog, tiny, sizeof(tiny),
					  XFO_LOG_ERRORS, NULL);
		report("generated/log_truncated", rc && memchr(tiny, 0, 8) &&
		       strcmp(tiny, "insn 0:") == 0 ? NULL :
		       "short log not truncated cleanly");
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		run_dir(argv[i]);
	run_generated();
	printf("verifier: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
