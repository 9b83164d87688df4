// SPDX-License-Identifier: MIT
/*
 * xfo-conformance-runner: runs eBPF conformance tests (.data files, the
 * format of ../shared/conformance/README.md) against a plugin, the way the
 * suite's own runner does, with the project's assembler (tests/common/asm.c).
 *
 *   xfo-conformance-runner --plugin PATH [--expected-failures FILE]
 *                          [--options "OPTS"] FILE|DIR...
 *
 * Sections of a test file:
 *   -- asm      the program (xfo_asm syntax)
 *   -- raw      the program as 64-bit words; checked against -- asm if both
 *   -- mem      input memory, hex bytes
 *   -- result   the expected r0 (all 64 bits compared)
 *   -- error    text expected in the plugin's stderr (or the assembler's
 *               message) instead of a result
 *   -- options  extra plugin options, words "name" or "name=value" for
 *               the plugin's --name [value] (the project's own tests)
 *   -- disasm   the expected xfo_disasm_insn() text, one line per insn
 *   -- c, -- no register offset: ignored, as the suite ignores them
 *
 * Prints "PASS <file>" or "FAIL <file>: <why>" per test and a summary.
 * A test named in the expected-failures file ("<file> <reason>" lines) that
 * fails prints "XFAIL <file>: <reason>"; one that passes is a FAIL, and so
 * is an entry that names no test, so the list stays honest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libxfo.h"
#include "../common/asm.h"

#define PLUGIN_TIMEOUT_MS	30000
#define WHY_SIZE		1024

struct text {
	char *buf;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *p;

		while (cap < t->len + n + 1)
			cap *= 2;
		p = realloc(t->buf, cap);
		if (!p) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		t->buf = p;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static const char *text_str(const struct text *t)
{
	return t->buf ? t->buf : "";
}

struct test {
	struct text asm_text, raw, mem, result, error, options, disasm;
	bool has_asm, has_raw, has_result, has_error, has_disasm;
};

static void test_free(struct test *t)
{
	free(t->asm_text.buf);
	free(t->raw.buf);
	free(t->mem.buf);
	free(t->result.buf);
	free(t->error.buf);
	free(t->options.buf);
	free(t->disasm.buf);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Reads and splits a test file. Returns 0, or -1 with why filled in. */
static int parse_test(const char *path, struct test *t, char *why)
{
	struct text *cur = NULL;
	char line[4096];
	FILE *f;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "r");
	if (!f) {
		snprintf(why, WHY_SIZE, "cannot open: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, WHY_SIZE, "line too long");
			fclose(f);
			return -1;
		}
		if (!strncmp(line, "--", 2)) {
			char *name = trim(line + 2);

			if (!strcmp(name, "asm")) {
				cur = &t->asm_text;
				t->has_asm = true;
			} else if (!strcmp(name, "raw")) {
				cur = &t->raw;
				t->has_raw = true;
			} else if (!strcmp(name, "mem")) {
				cur = &t->mem;
			} else if (!strcmp(name, "result")) {
				cur = &t->result;
				t->has_result = true;
			} else if (!strcmp(name, "error")) {
				cur = &t->error;
				t->has_error = true;
			} else if (!strcmp(name, "options")) {
				cur = &t->options;
			} else if (!strcmp(name, "disasm")) {
				cur = &t->disasm;
				t->has_disasm = true;
			} else if (!strcmp(name, "c") ||
				   !strcmp(name, "no register offset")) {
				cur = NULL;
			} else {
				snprintf(why, WHY_SIZE, "unknown section '-- %s'",
					 name);
				fclose(f);
				return -1;
			}
			continue;
		}
		if (cur)
			text_add(cur, line, strlen(line));
	}
	fclose(f);
	if (!t->has_asm && !t->has_raw) {
		snprintf(why, WHY_SIZE, "no -- asm or -- raw section");
		return -1;
	}
	if (t->has_result == t->has_error) {
		snprintf(why, WHY_SIZE,
			 "needs exactly one of -- result and -- error");
		return -1;
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	if (*s == '-')
		return -1;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *trim(end) ? -1 : 0;
}

/* The first non-blank, non-comment line of a section. */
static char *first_line(const char *text, char *buf, size_t size)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");
		char *s;

		snprintf(buf, size, "%.*s", (int)n, p);
		if (strchr(buf, '#'))
			*strchr(buf, '#') = '\0';
		s = trim(buf);
		if (*s)
			return s;
		p += n;
		if (*p)
			p++;
	}
	return NULL;
}

/* Words of -- raw into a malloc'd program. */
static int parse_raw(const char *text, struct ebpf_insn **out, uint32_t *cnt,
		     char *why)
{
	char *copy = strdup(text), *save = NULL, *tok;
	struct ebpf_insn *insns = NULL;
	uint32_t n = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		struct ebpf_insn *p;
		uint64_t v;

		if (*tok == '#') {
			/* comment to the end of the line */
			tok = strtok_r(NULL, "\n", &save);
			if (!tok)
				break;
			continue;
		}
		if (parse_u64(tok, &v)) {
			snprintf(why, WHY_SIZE, "-- raw: bad word '%s'", tok);
			free(insns);
			free(copy);
			return -1;
		}
		p = realloc(insns, (n + 1) * sizeof(*insns));
		if (!p) {
			free(insns);
			free(copy);
			return -1;
		}
		insns = p;
		insns[n].code = (uint8_t)v;
		insns[n].dst = (v >> 8) & 0xf;
		insns[n].src = (v >> 12) & 0xf;
		insns[n].off = (int16_t)(uint16_t)(v >> 16);
		insns[n].imm = (int32_t)(uint32_t)(v >> 32);
		n++;
	}
	free(copy);
	*out = insns;
	*cnt = n;
	return 0;
}

static uint64_t insn_word(const struct ebpf_insn *insn)
{
	return (uint64_t)insn->code | (uint64_t)insn->dst << 8 |
	       (uint64_t)insn->src << 12 | (uint64_t)(uint16_t)insn->off << 16 |
	       (uint64_t)(uint32_t)insn->imm << 32;
}

/* Memory "00 11 22 ..." into base16 "001122...". */
static int mem_to_base16(const char *text, struct text *out, char *why)
{
	char *copy = strdup(text), *save = NULL, *tok;

	if (!copy)
		return -1;
	text_add(out, "", 0);
	for (tok = strtok_r(copy, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		char *end;
		unsigned long v;
		char hex[3];

		if (*tok == '#') {
			tok = strtok_r(NULL, "\n", &save);
			if (!tok)
				break;
			continue;
		}
		v = strtoul(tok, &end, 16);
		if (*end || v > 0xff || strlen(tok) > 2) {
			snprintf(why, WHY_SIZE, "-- mem: bad byte '%s'", tok);
			free(copy);
			return -1;
		}
		snprintf(hex, sizeof(hex), "%02lx", v);
		text_add(out, hex, 2);
	}
	free(copy);
	return 0;
}

/* ---------------------------------------------------------------------
 * Running the plugin
 * --------------------------------------------------------------------- */

struct outcome {
	int status;		/* exit status, or -1 killed/crashed */
	struct text out, err;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int run_plugin(const char *plugin, const char *mem_hex,
		      const char *options, const char *prog_hex,
		      struct outcome *o, char *why)
{
	int in[2], out[2], err[2], wstatus;
	char *argv[4];
	struct pollfd pfd[3];
	size_t in_off = 0, in_len = strlen(prog_hex);
	long deadline;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (pipe(in) || pipe(out) || pipe(err)) {
		snprintf(why, WHY_SIZE, "pipe: %s", strerror(errno));
		return -1;
	}
	argv[0] = (char *)plugin;
	argv[1] = (char *)mem_hex;
	argv[2] = options && *options ? (char *)options : NULL;
	argv[3] = NULL;

	pid = fork();
	if (pid < 0) {
		snprintf(why, WHY_SIZE, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		execv(plugin, argv);
		fprintf(stderr, "cannot run %s: %s\n", plugin, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	fcntl(in[1], F_SETFL, O_NONBLOCK);

	deadline = now_ms() + PLUGIN_TIMEOUT_MS;
	pfd[0] = (struct pollfd){ .fd = out[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = err[0], .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = in[1], .events = POLLOUT };
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		long left = deadline - now_ms();
		int i, r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			snprintf(why, WHY_SIZE, "plugin timed out");
			break;
		}
		r = poll(pfd, 3, (int)left);
		if (r < 0 && errno != EINTR)
			break;
		if (pfd[2].fd >= 0 && (pfd[2].revents & (POLLOUT | POLLERR))) {
			ssize_t w = write(in[1], prog_hex + in_off,
					  in_len - in_off);

			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 || in_off == in_len) {
				close(in[1]);
				pfd[2].fd = -1;
			}
		}
		for (i = 0; i < 2; i++) {
			char buf[4096];
			ssize_t n;

			if (pfd[i].fd < 0 ||
			    !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n > 0) {
				text_add(i ? &o->err : &o->out, buf, (size_t)n);
			} else {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
		}
	}
	if (pfd[2].fd >= 0)
		close(in[1]);
	if (pfd[0].fd >= 0)
		close(out[0]);
	if (pfd[1].fd >= 0)
		close(err[0]);
	waitpid(pid, &wstatus, 0);
	o->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	if (WIFSIGNALED(wstatus) && !*why)
		snprintf(why, WHY_SIZE, "plugin killed by signal %d",
			 WTERMSIG(wstatus));
	return *why ? -1 : 0;
}

/* ---------------------------------------------------------------------
 * One test
 * --------------------------------------------------------------------- */

static const char *one_line(const char *s, char *buf, size_t size)
{
	size_t i;

	snprintf(buf, size, "%s", s);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	return trim(buf);
}

/* Compares the disassembly with -- disasm; every insn is disassembled. */
static int check_disasm(const struct test *t, const struct ebpf_insn *insns,
			uint32_t cnt, char *why)
{
	struct xfo_bytecode prog = { .insns = insns, .insn_cnt = cnt };
	const char *p = text_str(&t->disasm);
	uint32_t pc = 0, line = 0;
	char buf[256], want[256];

	while (pc < cnt) {
		unsigned int n = xfo_disasm_insn(&prog, pc, buf, sizeof(buf));

		if (n == 0 || n > 2) {
			snprintf(why, WHY_SIZE, "disasm: pc %u returned %u",
				 pc, n);
			return -1;
		}
		if (!t->has_error && !strncmp(buf, "invalid", 7)) {
			snprintf(why, WHY_SIZE, "disasm: pc %u: %s", pc, buf);
			return -1;
		}
		if (t->has_disasm) {
			char *w = NULL;

			while (*p && !w) {
				size_t len = strcspn(p, "\n");

				snprintf(want, sizeof(want), "%.*s", (int)len,
					 p);
				p += len;
				if (*p)
					p++;
				w = trim(want);
				if (!*w || *w == '#')
					w = NULL;
			}
			line++;
			if (!w) {
				snprintf(why, WHY_SIZE,
					 "disasm: pc %u '%s' not in -- disasm",
					 pc, buf);
				return -1;
			}
			if (strcmp(w, buf)) {
				snprintf(why, WHY_SIZE,
					 "disasm: pc %u is '%s', expected '%s'",
					 pc, buf, w);
				return -1;
			}
		}
		pc += n;
	}
	if (t->has_disasm) {
		while (*p) {
			size_t len = strcspn(p, "\n");
			char *w;

			snprintf(want, sizeof(want), "%.*s", (int)len, p);
			p += len;
			if (*p)
				p++;
			w = trim(want);
			if (*w && *w != '#') {
				snprintf(why, WHY_SIZE,
					 "disasm: expected '%s' past the end",
					 w);
				return -1;
			}
		}
	}
	(void)line;
	return 0;
}

static bool run_test(const char *path, const char *plugin,
		     const char *options, char *why)
{
	struct ebpf_insn *insns = NULL, *raw = NULL;
	uint32_t cnt = 0, raw_cnt = 0, i;
	struct text mem_hex = { 0 }, prog_hex = { 0 }, opts = { 0 };
	struct outcome o = { 0 };
	char buf[WHY_SIZE], line[512];
	const char *expect_err = NULL;
	uint64_t want = 0, got;
	struct test t;
	bool ok = false;

	why[0] = '\0';
	if (parse_test(path, &t, why))
		goto out;
	if (t.has_error) {
		expect_err = first_line(text_str(&t.error), line, sizeof(line));
		if (!expect_err) {
			snprintf(why, WHY_SIZE, "-- error is empty");
			goto out;
		}
	} else {
		const char *r = first_line(text_str(&t.result), line,
					   sizeof(line));

		if (!r || parse_u64(r, &want)) {
			snprintf(why, WHY_SIZE, "bad -- result");
			goto out;
		}
	}

	if (t.has_raw && parse_raw(text_str(&t.raw), &raw, &raw_cnt, why))
		goto out;
	if (t.has_asm) {
		if (xfo_asm(text_str(&t.asm_text), &insns, &cnt, buf,
			    sizeof(buf))) {
			if (expect_err && strstr(buf, expect_err)) {
				ok = true;
				goto out;
			}
			snprintf(why, WHY_SIZE, "asm: %.900s", buf);
			goto out;
		}
		if (t.has_raw) {
			if (raw_cnt != cnt) {
				snprintf(why, WHY_SIZE,
					 "asm gives %u instructions, -- raw %u",
					 cnt, raw_cnt);
				goto out;
			}
			for (i = 0; i < cnt; i++) {
				if (insn_word(&insns[i]) != insn_word(&raw[i])) {
					snprintf(why, WHY_SIZE,
						 "insn %u: asm 0x%016" PRIx64
						 ", raw 0x%016" PRIx64, i,
						 insn_word(&insns[i]),
						 insn_word(&raw[i]));
					goto out;
				}
			}
		}
	} else {
		insns = raw;
		cnt = raw_cnt;
		raw = NULL;
	}
	if (!cnt) {
		snprintf(why, WHY_SIZE, "no instructions");
		goto out;
	}

	if (check_disasm(&t, insns, cnt, why))
		goto out;

	if (mem_to_base16(text_str(&t.mem), &mem_hex, why))
		goto out;
	for (i = 0; i < cnt; i++) {
		const uint8_t *b = (const uint8_t *)&insns[i];
		char hex[4];
		int j;

		/* The instruction's bytes as they lie in memory, as the
		 * suite's runner sends them. */
		for (j = 0; j < 8; j++) {
			snprintf(hex, sizeof(hex), "%02x", b[j]);
			text_add(&prog_hex, hex, 2);
		}
	}
	text_add(&prog_hex, "\n", 1);
	text_add(&opts, options ? options : "", options ? strlen(options) : 0);
	if (t.options.len) {
		/* "name" and "name=value" words become "--name [value]". */
		char *extra = (char *)one_line(text_str(&t.options), buf,
					       sizeof(buf));
		char *save = NULL, *tok, *eq;

		for (tok = strtok_r(extra, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save)) {
			if (*tok == '#')
				break;
			eq = strchr(tok, '=');
			if (eq)
				*eq = ' ';
			text_add(&opts, " --", 3);
			text_add(&opts, tok, strlen(tok));
		}
	}

	if (run_plugin(plugin, text_str(&mem_hex), trim(opts.buf), prog_hex.buf,
		       &o, why))
		goto out;

	if (expect_err) {
		if (o.status == 0) {
			snprintf(why, WHY_SIZE,
				 "expected error '%s', got result %s",
				 expect_err,
				 one_line(text_str(&o.out), buf, sizeof(buf)));
		} else if (!strstr(text_str(&o.err), expect_err) &&
			   !strstr(text_str(&o.out), expect_err)) {
			snprintf(why, WHY_SIZE, "expected error '%s', got '%s'",
				 expect_err,
				 one_line(text_str(&o.err), buf, sizeof(buf)));
		} else {
			ok = true;
		}
		goto out;
	}
	if (o.status != 0) {
		snprintf(why, WHY_SIZE, "plugin exited %d: %s", o.status,
			 one_line(text_str(&o.err), buf, sizeof(buf)));
		goto out;
	}
	if (parse_u64(trim(o.out.buf ? o.out.buf : (char *)""), &got)) {
		snprintf(why, WHY_SIZE, "plugin printed '%s'",
			 one_line(text_str(&o.out), buf, sizeof(buf)));
		goto out;
	}
	if (got != want) {
		snprintf(why, WHY_SIZE, "r0 is 0x%" PRIx64 ", expected 0x%"
			 PRIx64, got, want);
		goto out;
	}
	ok = true;
out:
	free(insns);
	free(raw);
	free(mem_hex.buf);
	free(prog_hex.buf);
	free(opts.buf);
	free(o.out.buf);
	free(o.err.buf);
	test_free(&t);
	return ok;
}

/* ---------------------------------------------------------------------
 * Expected failures and the test list
 * --------------------------------------------------------------------- */

struct xfail {
	char name[256];
	char reason[512];
	bool seen;
};

static struct xfail *xfails;
static size_t xfail_cnt;

static int load_xfails(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = trim(line), *sp;
		struct xfail *x;

		if (!*s || *s == '#')
			continue;
		x = realloc(xfails, (xfail_cnt + 1) * sizeof(*xfails));
		if (!x) {
			fclose(f);
			return -1;
		}
		xfails = x;
		x = &xfails[xfail_cnt++];
		memset(x, 0, sizeof(*x));
		sp = s + strcspn(s, " \t");
		if (*sp)
			*sp++ = '\0';
		snprintf(x->name, sizeof(x->name), "%s", s);
		snprintf(x->reason, sizeof(x->reason), "%s", trim(sp));
		if (!x->reason[0])
			snprintf(x->reason, sizeof(x->reason), "(no reason)");
	}
	fclose(f);
	return 0;
}

static struct xfail *find_xfail(const char *name)
{
	size_t i;

	for (i = 0; i < xfail_cnt; i++)
		if (!strcmp(xfails[i].name, name))
			return &xfails[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **files;
static size_t file_cnt;

static void add_file(const char *path)
{
	char **p = realloc(files, (file_cnt + 1) * sizeof(*files));

	if (!p || !(p[file_cnt] = strdup(path))) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	files = p;
	file_cnt++;
}

static int add_path(const char *path)
{
	struct dirent *de;
	struct stat sb;
	size_t first = file_cnt;
	DIR *d;

	if (stat(path, &sb)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		add_file(path);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char full[PATH_MAX];

		if (len < 6 || strcmp(de->d_name + len - 5, ".data"))
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		add_file(full);
	}
	closedir(d);
	qsort(files + first, file_cnt - first, sizeof(*files), cmp_str);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: xfo-conformance-runner --plugin PATH "
		"[--expected-failures FILE] [--options OPTS] FILE|DIR...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *plugin = NULL, *xfail_path = NULL, *options = NULL;
	unsigned int passed = 0, failed = 0, xfailed = 0;
	char why[WHY_SIZE];
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--plugin") && a + 1 < argc)
			plugin = argv[++a];
		else if (!strcmp(argv[a], "--expected-failures") && a + 1 < argc)
			xfail_path = argv[++a];
		else if (!strcmp(argv[a], "--options") && a + 1 < argc)
			options = argv[++a];
		else if (argv[a][0] == '-')
			usage();
		else if (add_path(argv[a]))
			return 2;
	}
	if (!plugin || !file_cnt)
		usage();
	if (xfail_path && load_xfails(xfail_path))
		return 2;

	for (i = 0; i < file_cnt; i++) {
		const char *name = strrchr(files[i], '/');
		struct xfail *x;
		bool ok;

		name = name ? name + 1 : files[i];
		ok = run_test(files[i], plugin, options, why);
		x = find_xfail(name);
		if (x) {
			x->seen = true;
			if (ok) {
				printf("FAIL %s: listed as an expected failure "
				       "(%s) but passes\n", name, x->reason);
				failed++;
			} else {
				printf("XFAIL %s: %s (%s)\n", name, x->reason,
				       why);
				xfailed++;
			}
		} else if (ok) {
			printf("PASS %s\n", name);
			passed++;
		} else {
			printf("FAIL %s: %s\n", name, why);
			failed++;
		}
		fflush(stdout);
		free(files[i]);
	}
	for (i = 0; i < xfail_cnt; i++) {
		if (!xfails[i].seen) {
			printf("FAIL %s: in the expected failures but no such "
			       "test was run\n", xfails[i].name);
			failed++;
		}
	}
	printf("%u passed, %u failed, %u expected failures\n", passed, failed,
	       xfailed);
	free(files);
	free(xfails);
	return failed ? 1 : 0;
}
