// SPDX-License-Identifier: MIT
/*
 * Unit tests of xfoctl's command matching and option parsing (cli/cmd.c),
 * on tables with the clashes the real ones do not have yet.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfoctl.h"

static unsigned int failures;

#define CHECK(name, cond, ...)						\
	do {								\
		if (cond) {						\
			printf("PASS %s\n", name);			\
		} else {						\
			printf("FAIL %s: ", name);			\
			printf(__VA_ARGS__);				\
			putchar('\n');					\
			failures++;					\
		}							\
	} while (0)

static int nop(int argc, char **argv)
{
	return 0;
}

static const struct cmd table[] = {
	{ "domain", nop, NULL },
	{ "daemon", nop, NULL },
	{ "dump", nop, NULL },
	{ "run", nop, NULL },
	{ "runall", nop, NULL },
	{ NULL, NULL, NULL },
};

static void test_match(void)
{
	const struct cmd *c = NULL;
	char msg[256];
	int ret;

	ret = cmd_match(table, "dom", "command", &c, msg, sizeof(msg));
	CHECK("match_prefix", ret == CMD_FOUND && c == &table[0],
	      "ret %d", ret);

	ret = cmd_match(table, "d", "command", &c, msg, sizeof(msg));
	CHECK("match_ambiguous", ret == CMD_AMBIGUOUS &&
	      strstr(msg, "ambiguous command 'd'") && strstr(msg, "domain") &&
	      strstr(msg, "daemon") && strstr(msg, "dump") &&
	      !strstr(msg, "run"), "ret %d, msg '%s'", ret, msg);

	ret = cmd_match(table, "da", "command", &c, msg, sizeof(msg));
	CHECK("match_disambiguated", ret == CMD_FOUND && c == &table[1],
	      "ret %d", ret);

	/* An exact name wins over the longer names it prefixes. */
	ret = cmd_match(table, "run", "command", &c, msg, sizeof(msg));
	CHECK("match_exact_wins", ret == CMD_FOUND && c == &table[3],
	      "ret %d", ret);
	ret = cmd_match(table, "ru", "command", &c, msg, sizeof(msg));
	CHECK("match_ambiguous_run", ret == CMD_AMBIGUOUS, "ret %d", ret);

	ret = cmd_match(table, "x", "object", &c, msg, sizeof(msg));
	CHECK("match_unknown", ret == CMD_UNKNOWN &&
	      strstr(msg, "unknown object 'x'") && strstr(msg, "runall"),
	      "ret %d, msg '%s'", ret, msg);

	ret = cmd_match(table, "", "object", &c, msg, sizeof(msg));
	CHECK("match_empty", ret == CMD_UNKNOWN, "ret %d", ret);

	ret = cmd_match(table, "domains", "object", &c, msg, sizeof(msg));
	CHECK("match_longer_than_name", ret == CMD_UNKNOWN, "ret %d", ret);

	/* A tiny message buffer is never overrun and stays terminated. */
	memset(msg, 'z', sizeof(msg));
	ret = cmd_match(table, "d", "command", &c, msg, 8);
	CHECK("match_small_buffer", ret == CMD_AMBIGUOUS &&
	      strlen(msg) < 8 && msg[8] == 'z', "ret %d", ret);
}

enum { K_RAW = 1, K_PROG, K_VERBOSE, K_PRINT };

static const struct opt opts[] = {
	{ "raw", 0, false, K_RAW },
	{ "prog", 0, true, K_PROG },
	{ "verbose", 'v', false, K_VERBOSE },
	{ "print", 'P', true, K_PRINT },
	{ NULL, 0, false, 0 },
};

/* Parses argv (NULL-terminated) and describes the result in out. */
static int parse(char *out, size_t size, ...)
{
	char *argv[16];
	struct opt_iter it;
	const char *arg;
	size_t len = 0;
	int argc = 0, key;
	va_list ap;

	va_start(ap, size);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	out[0] = '\0';
	opt_init(&it, argc, argv, opts, "test help");
	while ((key = opt_next(&it, &arg)) != OPT_END) {
		if (key == OPT_ERR || key == OPT_HELP)
			return key;
		len += (size_t)snprintf(out + len, size - len, "%d=%s;", key,
					arg ? arg : "");
	}
	return 0;
}

static void test_options(void)
{
	char out[256];
	int ret;

	/* Messages from failing cases go to stderr; keep them apart. */
	ret = parse(out, sizeof(out), "f.o", "--raw", "--prog", "a", "-v",
		    NULL);
	CHECK("opt_basic", !ret && !strcmp(out, "0=f.o;1=;2=a;3=;"),
	      "ret %d out '%s'", ret, out);

	ret = parse(out, sizeof(out), "--prog=b", "--ra", "--verb", NULL);
	CHECK("opt_long_prefix", !ret && !strcmp(out, "2=b;1=;3=;"),
	      "ret %d out '%s'", ret, out);

	/* --pr: --prog, --print or the global --pretty. */
	ret = parse(out, sizeof(out), "--pr", "x", NULL);
	CHECK("opt_ambiguous", ret == OPT_ERR, "ret %d out '%s'", ret, out);

	ret = parse(out, sizeof(out), "--bogus", NULL);
	CHECK("opt_unknown_long", ret == OPT_ERR, "ret %d", ret);
	ret = parse(out, sizeof(out), "-q", NULL);
	CHECK("opt_unknown_short", ret == OPT_ERR, "ret %d", ret);
	ret = parse(out, sizeof(out), "--prog", NULL);
	CHECK("opt_missing_value", ret == OPT_ERR, "ret %d", ret);
	ret = parse(out, sizeof(out), "--raw=1", NULL);
	CHECK("opt_unwanted_value", ret == OPT_ERR, "ret %d", ret);

	/* Grouped flags, a short option's value attached or apart. */
	ret = parse(out, sizeof(out), "-vPx", "-vP", "y", NULL);
	CHECK("opt_short_groups", !ret && !strcmp(out, "3=;4=x;3=;4=y;"),
	      "ret %d out '%s'", ret, out);

	/* Globals anywhere, consumed; "--" ends the options. */
	json_output = debug_output = false;
	ret = parse(out, sizeof(out), "-d", "a", "--", "-v", "--raw", NULL);
	CHECK("opt_double_dash", !ret && debug_output &&
	      !strcmp(out, "0=a;0=-v;0=--raw;"), "ret %d out '%s'", ret, out);
	debug_output = false;

	ret = parse(out, sizeof(out), "a", "-h", NULL);
	CHECK("opt_help", ret == OPT_HELP, "ret %d", ret);
	ret = parse(out, sizeof(out), "-", NULL);
	CHECK("opt_dash_is_positional", !ret && !strcmp(out, "0=-;"),
	      "ret %d out '%s'", ret, out);
}

static void test_numbers(void)
{
	uint64_t v = 0;

	CHECK("num_hex", !parse_u64("0x10", 100, &v) && v == 16, "v %llu",
	      (unsigned long long)v);
	CHECK("num_max", !parse_u64("18446744073709551615", UINT64_MAX, &v) &&
	      v == UINT64_MAX, "v %llu", (unsigned long long)v);
	CHECK("num_overflow", parse_u64("18446744073709551616", UINT64_MAX,
					&v) == -ERANGE, "accepted");
	CHECK("num_range", parse_u64("65536", 65535, &v) == -ERANGE,
	      "accepted");
	CHECK("num_negative", parse_u64("-1", UINT64_MAX, &v) == -EINVAL,
	      "accepted");
	CHECK("num_garbage", parse_u64("12x", UINT64_MAX, &v) == -EINVAL,
	      "accepted");
	CHECK("num_empty", parse_u64("", UINT64_MAX, &v) == -EINVAL,
	      "accepted");
	CHECK("num_space", parse_u64(" 1", UINT64_MAX, &v) == -EINVAL,
	      "accepted");
}

int main(void)
{
	test_match();
	test_options();
	test_numbers();
	return failures ? 1 : 0;
}
