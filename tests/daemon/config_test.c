// SPDX-License-Identifier: MIT
/*
 * xfod's configuration file (daemon/config.c) and log (daemon/log.c).
 * Every bad file is one row, named for its mistake, with the line the
 * error must name and the text it must hold.
 *
 *	config_test SCRATCH_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

#include "../common/check.h"

static const char *scratch;

/* Parses text as "t.conf"; returns what xfod_config__parse() does. */
static int parse(const char *text, struct xfod_config *cfg, char *err,
		 size_t size)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f) {
		snprintf(err, size, "fmemopen: %s", strerror(errno));
		return -errno;
	}
	xfod_config__defaults(cfg);
	err[0] = '\0';
	ret = xfod_config__parse(f, "t.conf", cfg, err, size);
	fclose(f);
	return ret;
}

/* The defaults, whatever brought them. */
static const char *defaults_differ(const struct xfod_config *c)
{
	if (c->log_level != XFOD_LOG_INFO)
		return "log_level";
	if (strcmp(c->state_dir, "/var/lib/xfo"))
		return "state_dir";
	if (strcmp(c->run_dir, "/run/xfo"))
		return "run_dir";
	if (c->socket_group[0])
		return "socket_group";
	if (c->interval_ms != 1000)
		return "interval_ms";
	if (strcmp(c->metrics_listen, "127.0.0.1:9577"))
		return "listen";
	return NULL;
}

static void test_defaults(void)
{
	struct xfod_config cfg;
	char err[XFOD_CONFIG_ERR_LEN], path[512];
	const char *d;
	int ret;

	snprintf(path, sizeof(path), "%s/none/xfod.conf", scratch);
	ret = xfod_config__load(path, false, &cfg, err, sizeof(err));
	d = defaults_differ(&cfg);
	check("defaults_without_a_file", ret == 0 && !d && !cfg.file_found,
	      "ret %d (%s), %s differs, found %d", ret, err, d ? d : "none",
	      cfg.file_found);

	ret = xfod_config__load(path, true, &cfg, err, sizeof(err));
	check("explicit_file_missing", ret == -ENOENT &&
	      strstr(err, path) && strstr(err, "cannot open"),
	      "ret %d, '%s'", ret, err);

	ret = parse("", &cfg, err, sizeof(err));
	d = defaults_differ(&cfg);
	check("defaults_of_an_empty_file", ret == 0 && !d, "ret %d (%s), %s",
	      ret, err, d ? d : "");

	ret = parse("# comment\n; comment\n\n[daemon]\n\n[stats]\n[metrics]\n",
		    &cfg, err, sizeof(err));
	d = defaults_differ(&cfg);
	check("defaults_of_comments_and_empty_sections", ret == 0 && !d,
	      "ret %d (%s), %s", ret, err, d ? d : "");
}

static void test_good(void)
{
	struct xfod_config cfg;
	char err[XFOD_CONFIG_ERR_LEN];
	int ret;

	ret = parse("[daemon]\n"
		    "log_level = debug\n"
		    "state_dir = /srv/xfo\n"
		    "run_dir=/tmp/run\n"
		    "socket_group = xfo-ops\n"
		    "[stats]\n"
		    "interval_ms = 250 ; four a second\n"
		    "[metrics]\n"
		    "listen = [::1]:9100\n", &cfg, err, sizeof(err));
	check("every_key_set", ret == 0 && cfg.log_level == XFOD_LOG_DEBUG &&
	      !strcmp(cfg.state_dir, "/srv/xfo") &&
	      !strcmp(cfg.run_dir, "/tmp/run") &&
	      !strcmp(cfg.socket_group, "xfo-ops") &&
	      cfg.interval_ms == 250 &&
	      !strcmp(cfg.metrics_listen, "[::1]:9100"),
	      "ret %d (%s)", ret, err);

	ret = parse("[stats]\ninterval_ms = 100\n", &cfg, err, sizeof(err));
	check("interval_lowest", ret == 0 && cfg.interval_ms == 100,
	      "ret %d (%s)", ret, err);
	ret = parse("[stats]\ninterval_ms = 60000\n", &cfg, err, sizeof(err));
	check("interval_highest", ret == 0 && cfg.interval_ms == 60000,
	      "ret %d (%s)", ret, err);
	ret = parse("[daemon]\nsocket_group =\n", &cfg, err, sizeof(err));
	check("socket_group_empty_is_root_only",
	      ret == 0 && cfg.socket_group[0] == '\0', "ret %d (%s)", ret, err);
	ret = parse("[metrics]\nlisten = 0.0.0.0:1\n", &cfg, err, sizeof(err));
	check("listen_any_ipv4", ret == 0 &&
	      !strcmp(cfg.metrics_listen, "0.0.0.0:1"), "ret %d (%s)", ret,
	      err);
	ret = parse("[daemon]\nlog_level = error\n[daemon]\nrun_dir = /r\n",
		    &cfg, err, sizeof(err));
	check("section_repeated", ret == 0 && cfg.log_level == XFOD_LOG_ERROR &&
	      !strcmp(cfg.run_dir, "/r"), "ret %d (%s)", ret, err);
}

/* A bad file: the error names t.conf, the line and holds want. */
struct bad {
	const char *name;
	const char *text;
	int line;
	const char *want;
};

#define LONG_VALUE \
	"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct bad bads[] = {
	{ "log_level_unknown", "[daemon]\nlog_level = loud\n", 2,
	  "[daemon] log_level: 'loud' is not a level (error, warning, info, debug)" },
	{ "log_level_upper_case", "[daemon]\nlog_level = INFO\n", 2,
	  "log_level: 'INFO' is not a level" },
	{ "log_level_empty", "[daemon]\nlog_level =\n", 2,
	  "log_level: '' is not a level" },
	{ "state_dir_relative", "[daemon]\nstate_dir = var/lib/xfo\n", 2,
	  "[daemon] state_dir: 'var/lib/xfo' is not an absolute path" },
	{ "state_dir_empty", "[daemon]\nstate_dir =\n", 2,
	  "state_dir: '' is not an absolute path" },
	{ "run_dir_relative", "[daemon]\nrun_dir = run\n", 2,
	  "[daemon] run_dir: 'run' is not an absolute path" },
	{ "socket_group_with_space", "[daemon]\nsocket_group = xfo ops\n", 2,
	  "[daemon] socket_group: 'xfo ops' is not a group name" },
	{ "socket_group_leading_dash", "[daemon]\nsocket_group = -x\n", 2,
	  "socket_group: '-x' is not a group name" },
	{ "socket_group_too_long", "[daemon]\nsocket_group = "
	  "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg\n",
	  2, "socket_group: longer than 63 characters" },
	{ "interval_with_unit", "[stats]\ninterval_ms = 1s\n", 2,
	  "[stats] interval_ms: '1s' is not a number of milliseconds in 100..60000" },
	{ "interval_below_lowest", "[stats]\ninterval_ms = 99\n", 2,
	  "interval_ms: '99' is not a number" },
	{ "interval_above_highest", "[stats]\ninterval_ms = 60001\n", 2,
	  "interval_ms: '60001' is not a number" },
	{ "interval_negative", "[stats]\ninterval_ms = -5\n", 2,
	  "interval_ms: '-5' is not a number" },
	{ "interval_hex", "[stats]\ninterval_ms = 0x100\n", 2,
	  "interval_ms: '0x100'" },
	{ "interval_overflows", "[stats]\ninterval_ms = 99999999999999999999999\n",
	  2, "interval_ms: '99999999999999999999999'" },
	{ "listen_without_port", "[metrics]\nlisten = 127.0.0.1\n", 2,
	  "[metrics] listen: '127.0.0.1' is not ADDRESS:PORT" },
	{ "listen_host_name", "[metrics]\nlisten = localhost:9577\n", 2,
	  "listen: 'localhost' is not an IPv4 address or [IPv6 address] (no host names)" },
	{ "listen_port_zero", "[metrics]\nlisten = 127.0.0.1:0\n", 2,
	  "listen: '0' is not a port in 1..65535" },
	{ "listen_port_too_big", "[metrics]\nlisten = 127.0.0.1:65536\n", 2,
	  "listen: '65536' is not a port" },
	{ "listen_port_missing", "[metrics]\nlisten = 127.0.0.1:\n", 2,
	  "listen: '' is not a port" },
	{ "listen_no_address", "[metrics]\nlisten = :9577\n", 2,
	  "listen: ':9577' has no address before the port" },
	{ "listen_ipv6_without_brackets", "[metrics]\nlisten = ::1:9577\n", 2,
	  "listen: '::1' is not an IPv4 address" },
	{ "listen_ipv6_bad", "[metrics]\nlisten = [::g]:9577\n", 2,
	  "listen: '::g' is not an IPv6 address" },
	{ "unknown_key", "[daemon]\n\nstatedir = /x\n", 3,
	  "[daemon] statedir: unknown key (known in [daemon]: log_level, "
	  "state_dir, run_dir, socket_group)" },
	{ "key_in_the_wrong_section", "[stats]\nlog_level = info\n", 2,
	  "[stats] log_level: unknown key (known in [stats]: interval_ms)" },
	{ "unknown_section", "[daemon]\n[deamon]\nrun_dir = /x\n", 2,
	  "unknown section [deamon] (known: [daemon], [stats], [metrics])" },
	{ "unknown_empty_section", "[daemon]\nrun_dir = /x\n[foo]\n", 3,
	  "unknown section [foo]" },
	{ "section_name_upper_case", "[Daemon]\n", 1,
	  "unknown section [Daemon]" },
	{ "key_outside_any_section", "run_dir = /x\n[daemon]\n", 1,
	  "run_dir: outside any section (keys go under [daemon], [stats], [metrics])" },
	{ "key_given_twice", "[daemon]\nrun_dir = /a\nlog_level = info\n"
	  "run_dir = /b\n", 4, "[daemon] run_dir: given twice (first on line 2" },
	{ "indented_line_continues_value", "[daemon]\nrun_dir = /a\n"
	  "  log_level = info\n", 3, "[daemon] run_dir: given twice" },
	{ "line_without_equals", "[daemon]\nrun_dir /x\n", 2,
	  "not a [section] or key = value line: 'run_dir /x'" },
	{ "section_without_bracket", "[daemon\nrun_dir = /x\n", 1,
	  "not a [section] or key = value line: '[daemon'" },
	{ "line_too_long", "[daemon]\nstate_dir = " LONG_VALUE "\n"
	  "log_level = loud\n", 2, "line longer than 198 characters" },
	{ "line_after_long_one_counted", "[daemon]\nstate_dir = " LONG_VALUE
	  "\n\nlog_level = loud\n", 2, "line longer" },
	{ "first_error_syntax_before_key", "[daemon]\njunk\nbogus = 1\n", 2,
	  "'junk'" },
	{ "first_error_key_before_syntax", "[daemon]\nbogus = 1\njunk\n", 2,
	  "bogus: unknown key" },
	{ "error_line_counts_comments", "# a\n; b\n\n[stats]\n# c\n"
	  "interval_ms = 0\n", 6, "interval_ms: '0'" },
	{ "crlf_line_ends_counted", "[daemon]\r\n\r\nlog_level = x\r\n", 3,
	  "log_level: 'x'" },
};

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		char err[XFOD_CONFIG_ERR_LEN], where[32], n[96];
		struct xfod_config cfg;
		int ret;

		ret = parse(b->text, &cfg, err, sizeof(err));
		snprintf(where, sizeof(where), "t.conf:%d: ", b->line);
		snprintf(n, sizeof(n), "refuse_conf_%s", b->name);
		check(n, ret == -EINVAL && !strncmp(err, where, strlen(where)) &&
		      strstr(err, b->want), "ret %d, '%s' (want '%s...%s')",
		      ret, err, where, b->want);
	}
}

/* A file on disk: load names its path in the message. */
static void test_load_file(void)
{
	char path[512], err[XFOD_CONFIG_ERR_LEN], want[600];
	struct xfod_config cfg;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/bad.conf", scratch);
	f = fopen(path, "w");
	if (!f) {
		fail("load_names_the_file", "cannot write %s", path);
		return;
	}
	fputs("[daemon]\nrun_dir = /x\nlog_level = noisy\n", f);
	fclose(f);
	ret = xfod_config__load(path, false, &cfg, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:3: [daemon] log_level: 'noisy'", path);
	check("load_names_the_file", ret == -EINVAL && strstr(err, want) &&
	      cfg.file_found, "ret %d, '%s'", ret, err);
}

/* JOURNAL_STREAM for log_capture(): none, stderr's, another file's. */
enum journal { NO_JOURNAL, JOURNAL_IS_STDERR, JOURNAL_ELSEWHERE };
static enum journal journal;

/* Runs the log with stderr in a file; returns what was written. */
static char *log_capture(int level, void (*body)(void))
{
	struct stat st;
	char js[64];
	char path[512], *buf;
	int fd, saved;
	long len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/log.txt", scratch);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || saved < 0)
		return NULL;
	dup2(fd, 2);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	if (journal != NO_JOURNAL &&
	    !fstat(journal == JOURNAL_IS_STDERR ? 2 : 1, &st)) {
		snprintf(js, sizeof(js), "%llu:%llu",
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
		setenv("JOURNAL_STREAM", js, 1);
	}
	xfod_log__init(false, level);
	body();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static void log_each_level(void)
{
	log_err("e %d", 1);
	log_warn("w %d", 2);
	log_info("i %d", 3);
	log_debug("d %d", 4);
}

static void log_lines(void)
{
	log_warn("refused:\ninsn 1: a\ninsn 2: b\n\n");
}

static void test_log(void)
{
	char *out;
	int level;

	out = log_capture(XFOD_LOG_WARNING, log_each_level);
	check("log_filter_drops_above_level", out &&
	      !strcmp(out, "xfod: error: e 1\nxfod: warning: w 2\n"),
	      "got '%s'", out ? out : "(no capture)");
	free(out);
	out = log_capture(XFOD_LOG_DEBUG, log_each_level);
	check("log_debug_shows_all", out && strstr(out, "xfod: info: i 3\n") &&
	      strstr(out, "xfod: debug: d 4\n"), "got '%s'",
	      out ? out : "(no capture)");
	free(out);
	out = log_capture(XFOD_LOG_ERROR, log_each_level);
	check("log_error_only", out && !strcmp(out, "xfod: error: e 1\n"),
	      "got '%s'", out ? out : "(no capture)");
	free(out);
	journal = JOURNAL_IS_STDERR;
	out = log_capture(XFOD_LOG_WARNING, log_each_level);
	check("log_journal_priority_prefix", out &&
	      !strcmp(out, "<3>xfod: error: e 1\n<4>xfod: warning: w 2\n"),
	      "got '%s'", out ? out : "(no capture)");
	free(out);
	journal = JOURNAL_ELSEWHERE;
	out = log_capture(XFOD_LOG_ERROR, log_each_level);
	check("log_journal_stream_of_another_file_ignored", out &&
	      !strcmp(out, "xfod: error: e 1\n"), "got '%s'",
	      out ? out : "(no capture)");
	free(out);
	journal = NO_JOURNAL;
	unsetenv("JOURNAL_STREAM");

	out = log_capture(XFOD_LOG_INFO, log_lines);
	check("log_message_is_one_line", out &&
	      !strcmp(out, "xfod: warning: refused: insn 1: a; insn 2: b\n"),
	      "got '%s'", out ? out : "(no capture)");
	free(out);
	xfod_log__init(false, XFOD_LOG_INFO);

	check("log_level_names", xfod_log__level_parse("warning", &level) == 0 &&
	      level == XFOD_LOG_WARNING &&
	      !strcmp(xfod_log__level_name(XFOD_LOG_DEBUG), "debug") &&
	      !xfod_log__level_name(XFOD_LOG_NR) &&
	      xfod_log__level_parse("warn", &level) == -EINVAL,
	      "names and levels do not map");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
		return 2;
	}
	scratch = argv[1];
	test_defaults();
	test_good();
	test_bad();
	test_load_file();
	test_log();
	return failures ? 1 : 0;
}
