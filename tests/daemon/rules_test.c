// SPDX-License-Identifier: MIT
/*
 * Attach rules (daemon/rules.c): precedence, pattern matching, adding and
 * deleting, and state.json: a round trip, and each corrupt file refused
 * with the file left as it was.
 *
 *	rules_test SCRATCH_DIR
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "rules.h"

#include "../common/check.h"

static const char *scratch;

static struct xfod_rule mk(enum xfod_rule_kind kind, unsigned int domid,
			   const char *match, const char *policy)
{
	struct xfod_rule r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.domid = (uint16_t)domid;
	snprintf(r.match, sizeof(r.match), "%s", match ? match : "");
	snprintf(r.policy, sizeof(r.policy), "%s", policy);
	return r;
}

#define ID(d, p)	mk(XFOD_RULE_DOMID, d, NULL, p)
#define NAME(n, p)	mk(XFOD_RULE_NAME, 0, n, p)
#define PAT(n, p)	mk(XFOD_RULE_PATTERN, 0, n, p)
#define DEF(p)		mk(XFOD_RULE_DEFAULT, 0, NULL, p)

/* The rules of the precedence cases, in the order added. */
static const struct xfod_rule *set_in_order(int order, size_t *n)
{
	static struct xfod_rule v[5];

	v[0] = ID(3, "by_id");
	v[1] = NAME("web1", "by_name");
	v[2] = PAT("web*", "by_web_pattern");
	v[3] = PAT("w*", "by_w_pattern");
	v[4] = DEF("by_default");
	if (order == 1) {
		/* The default and the patterns first: precedence is not the
		 * order added, but for patterns among themselves. */
		struct xfod_rule t[5] = { v[4], v[2], v[3], v[1], v[0] };

		memcpy(v, t, sizeof(v));
	}
	*n = 5;
	return v;
}

static struct xfod_rules *build(const struct xfod_rule *v, size_t n)
{
	struct xfod_rules *r = xfod_rules__new();
	char err[256];
	size_t i;

	for (i = 0; r && i < n; i++) {
		if (xfod_rules__add(r, &v[i], false, err, sizeof(err))) {
			fprintf(stderr, "add %zu: %s\n", i, err);
			xfod_rules__free(r);
			return NULL;
		}
	}
	return r;
}

struct query {
	const char *name;
	unsigned int domid;
	const char *domain;	/* NULL: name unknown */
	const char *want;	/* NULL: no policy */
};

static const struct query queries[] = {
	{ "id_beats_name", 3, "web1", "by_id" },
	{ "id_without_a_name", 3, NULL, "by_id" },
	{ "name_beats_pattern", 4, "web1", "by_name" },
	{ "first_pattern_added_wins", 5, "web2", "by_web_pattern" },
	{ "second_pattern_when_first_misses", 5, "wiki", "by_w_pattern" },
	{ "default_when_nothing_matches", 6, "db1", "by_default" },
	{ "unknown_name_gets_default", 7, NULL, "by_default" },
	{ "name_is_exact_not_prefix", 8, "web1x", "by_web_pattern" },
	{ "pattern_is_case_sensitive", 9, "WEB1", "by_default" },
};

static void test_precedence(void)
{
	int order;
	size_t i, n;

	for (order = 0; order < 2; order++) {
		const struct xfod_rule *v = set_in_order(order, &n);
		struct xfod_rules *r = build(v, n);

		for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
			const struct query *q = &queries[i];
			const struct xfod_rule *which = NULL;
			const char *got;
			char name[96];

			snprintf(name, sizeof(name), "%s%s", q->name,
				 order ? "_whatever_the_add_order" : "");
			if (!r) {
				fail(name, "the rules were refused");
				continue;
			}
			got = xfod_rules__match(r, (uint16_t)q->domid,
						q->domain, &which);
			check(name, got && !strcmp(got, q->want) && which &&
			      !strcmp(which->policy, got), "got %s, want %s",
			      got ? got : "(none)", q->want);
		}
		xfod_rules__free(r);
	}
}

struct pat {
	const char *name;
	const char *pattern;
	const char *domain;
	bool match;
};

static const struct pat pats[] = {
	{ "pattern_star", "web-*", "web-01", true },
	{ "pattern_star_empty", "web-*", "web-", true },
	{ "pattern_question_mark", "db?", "db1", true },
	{ "pattern_question_mark_one_char", "db?", "db12", false },
	{ "pattern_class", "db[0-9]", "db7", true },
	{ "pattern_class_miss", "db[0-9]", "dbx", false },
	{ "pattern_negated_class", "db[!0-9]", "dbx", true },
	{ "pattern_literal_whole_name", "web", "web1", false },
	{ "pattern_escaped_star", "a\\*", "a*", true },
	{ "pattern_escaped_star_literal", "a\\*", "ab", false },
};

static void test_patterns(void)
{
	size_t i;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		struct xfod_rule v[1] = { PAT(pats[i].pattern, "p") };
		struct xfod_rules *r = build(v, 1);
		const char *got = r ? xfod_rules__match(r, 1, pats[i].domain,
							NULL) : NULL;

		check(pats[i].name, r && !!got == pats[i].match,
		      "'%s' on '%s': %s", pats[i].pattern, pats[i].domain,
		      got ? "matched" : "no match");
		xfod_rules__free(r);
	}
}

static void test_edit(void)
{
	struct xfod_rules *r = xfod_rules__new();
	struct xfod_rule x = PAT("web*", "a"), y = PAT("w*", "b");
	const struct xfod_rule *g;
	char err[256];
	int ret;

	if (!r) {
		fail("edit", "out of memory");
		return;
	}
	xfod_rules__add(r, &x, false, err, sizeof(err));
	xfod_rules__add(r, &y, false, err, sizeof(err));
	x = PAT("web*", "c");
	ret = xfod_rules__add(r, &x, false, err, sizeof(err));
	check("add_same_match_refused", ret == -EEXIST &&
	      strstr(err, "pattern 'web*' exists already (policy 'a')"),
	      "ret %d, '%s'", ret, err);
	ret = xfod_rules__add(r, &x, true, err, sizeof(err));
	g = xfod_rules__get(r, 0);
	check("replace_keeps_pattern_rank", ret == 0 &&
	      xfod_rules__count(r) == 2 && !strcmp(g->match, "web*") &&
	      !strcmp(g->policy, "c") &&
	      !strcmp(xfod_rules__match(r, 1, "web1", NULL), "c"),
	      "ret %d, first rule %s -> %s", ret, g ? g->match : "-",
	      g ? g->policy : "-");

	x = DEF("d1");
	xfod_rules__add(r, &x, false, err, sizeof(err));
	x = DEF("d2");
	ret = xfod_rules__add(r, &x, false, err, sizeof(err));
	check("second_default_refused", ret == -EEXIST &&
	      strstr(err, "the default rule exists already"), "ret %d, '%s'",
	      ret, err);

	x = ID(4, "i");
	xfod_rules__add(r, &x, false, err, sizeof(err));
	x = NAME("n", "nm");
	xfod_rules__add(r, &x, false, err, sizeof(err));
	check("listed_in_precedence_order", xfod_rules__count(r) == 5 &&
	      xfod_rules__get(r, 0)->kind == XFOD_RULE_DOMID &&
	      xfod_rules__get(r, 1)->kind == XFOD_RULE_NAME &&
	      !strcmp(xfod_rules__get(r, 2)->match, "web*") &&
	      !strcmp(xfod_rules__get(r, 3)->match, "w*") &&
	      xfod_rules__get(r, 4)->kind == XFOD_RULE_DEFAULT &&
	      !xfod_rules__get(r, 5), "order differs");

	x = PAT("web*", "");
	ret = xfod_rules__del(r, &x, err, sizeof(err));
	check("del_removes", ret == 0 && xfod_rules__count(r) == 4 &&
	      !strcmp(xfod_rules__match(r, 1, "web1", NULL), "b"),
	      "ret %d, '%s'", ret, err);
	ret = xfod_rules__del(r, &x, err, sizeof(err));
	check("del_missing", ret == -ENOENT &&
	      strstr(err, "no rule for pattern 'web*'"), "ret %d, '%s'", ret,
	      err);
	x = ID(4, "");
	ret = xfod_rules__del(r, &x, err, sizeof(err));
	g = NULL;
	xfod_rules__match(r, 4, NULL, &g);
	check("del_id", ret == 0 && g && g->kind == XFOD_RULE_DEFAULT,
	      "ret %d, '%s'", ret, err);
	xfod_rules__free(r);

	r = xfod_rules__new();
	x = ID(1, "p");
	xfod_rules__add(r, &x, false, err, sizeof(err));
	check("no_default_no_match", r &&
	      !xfod_rules__match(r, 2, "x", &g) && !g, "matched");
	xfod_rules__free(r);
}

struct bad_rule {
	const char *name;
	struct xfod_rule rule;
	const char *want;
};

static void test_bad_rules(void)
{
	const struct bad_rule bads[] = {
		{ "domid_reserved", ID(0x7ff0, "p"),
		  "domid 32752 is not a domain id (0..32751)" },
		{ "name_empty", NAME("", "p"), "name '': not 1 to 64" },
		{ "name_control_char", NAME("a\tb", "p"), "not 1 to 64 printable" },
		{ "pattern_empty", PAT("", "p"), "pattern '': not 1 to 64" },
		{ "policy_empty", ID(1, ""), "policy '': not 1 to 31" },
		{ "policy_with_slash", ID(1, "a/b"), "policy 'a/b'" },
		{ "policy_leading_dot", ID(1, ".p"), "policy '.p'" },
		{ "policy_leading_dash", ID(1, "-p"), "policy '-p'" },
		{ "policy_with_space", ID(1, "a b"), "policy 'a b'" },
		{ "rule_kind_unknown", mk(XFOD_RULE_NR, 0, NULL, "p"),
		  "rule kind 4 is not one of" },
	};
	struct xfod_rule longname = NAME("x", "p");
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct xfod_rules *r = xfod_rules__new();
		char err[256] = "", n[96];
		int ret = xfod_rules__add(r, &bads[i].rule, false, err,
					  sizeof(err));

		snprintf(n, sizeof(n), "refuse_rule_%s", bads[i].name);
		check(n, ret == -EINVAL && strstr(err, bads[i].want) &&
		      xfod_rules__count(r) == 0, "ret %d, '%s' (want '%s')",
		      ret, err, bads[i].want);
		xfod_rules__free(r);
	}
	memset(longname.match, 'n', XFOD_DOMAIN_NAME_MAX);
	longname.match[XFOD_DOMAIN_NAME_MAX] = '\0';
	{
		struct xfod_rules *r = xfod_rules__new();
		char err[256] = "";
		int ret = xfod_rules__add(r, &longname, false, err, sizeof(err));

		check("name_of_64_accepted", ret == 0, "ret %d, '%s'", ret, err);
		xfod_rules__free(r);
	}
}

/* ------------------------------------------------------------------------
 * state.json
 * ------------------------------------------------------------------------ */
static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static char *read_text(const char *path)
{
	char *buf, err[256];
	size_t len;

	return xfod_read_file(path, 1 << 20, &buf, &len, err, sizeof(err)) ?
	       NULL : buf;
}

/* Files in dir other than . and .. */
static int count_files(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_state_round_trip(void)
{
	char dir[512], path[600], err[512];
	struct xfod_rules *r, *back = NULL;
	const struct xfod_rule *v;
	size_t n, i;
	char *a, *b;
	int ret;

	snprintf(dir, sizeof(dir), "%s/state", scratch);
	snprintf(path, sizeof(path), "%s/" XFOD_STATE_FILE, dir);
	if (xfod_mkdir_p(dir, 0755, err, sizeof(err))) {
		fail("state_round_trip", "%s", err);
		return;
	}
	remove(path);
	ret = xfod_rules__load(path, &back, err, sizeof(err));
	check("state_missing_is_empty", ret == 0 && back &&
	      xfod_rules__count(back) == 0, "ret %d, '%s'", ret, err);
	xfod_rules__free(back);
	back = NULL;

	v = set_in_order(0, &n);
	r = build(v, n);
	ret = r ? xfod_rules__save(r, path, err, sizeof(err)) : -ENOMEM;
	if (!ret)
		ret = xfod_rules__load(path, &back, err, sizeof(err));
	a = r ? xfod_rules__dump(r) : NULL;
	b = back ? xfod_rules__dump(back) : NULL;
	for (i = 0; back && i < xfod_rules__count(r); i++)
		if (memcmp(xfod_rules__get(r, i), xfod_rules__get(back, i),
			   sizeof(struct xfod_rule)))
			break;
	check("state_round_trip", ret == 0 && back && a && b && !strcmp(a, b) &&
	      xfod_rules__count(back) == n && i == n,
	      "ret %d, '%s'; saved %s; loaded %s", ret, err, a ? a : "-",
	      b ? b : "-");
	free(a);
	free(b);
	check("state_save_leaves_no_temp_file", count_files(dir) == 1,
	      "%d files in %s", count_files(dir), dir);

	a = read_text(path);
	check("state_file_is_versioned_json", a &&
	      strstr(a, "\"version\": 1") &&
	      strstr(a, "\"pattern\": \"web*\"") &&
	      strstr(a, "\"default\": \"by_default\"") &&
	      a[strlen(a) - 1] == '\n', "file: %s", a ? a : "(unreadable)");
	free(a);

	/* A second save replaces the file whole. */
	xfod_rules__free(back);
	back = NULL;
	{
		struct xfod_rule d = DEF("by_default");

		xfod_rules__del(r, &d, err, sizeof(err));
	}
	ret = xfod_rules__save(r, path, err, sizeof(err));
	if (!ret)
		ret = xfod_rules__load(path, &back, err, sizeof(err));
	check("state_save_replaces", ret == 0 && back &&
	      xfod_rules__count(back) == n - 1 &&
	      !xfod_rules__match(back, 9, "db", NULL), "ret %d, '%s'", ret,
	      err);
	xfod_rules__free(back);
	xfod_rules__free(r);
}

struct bad_state {
	const char *name;
	const char *text;
	const char *want;
};

static const struct bad_state bad_states[] = {
	{ "empty_file", "", "not valid JSON: line" },
	{ "truncated", "{\"version\": 1, \"rules\": [{\"domid\": 3, \"pol",
	  "not valid JSON: line 1" },
	{ "garbage", "\x7f" "ELF\x02\x01", "not valid JSON" },
	{ "trailing_text", "{\"version\": 1, \"rules\": []} x",
	  "not valid JSON" },
	{ "not_an_object", "[]", "not a JSON object" },
	{ "version_missing", "{\"rules\": []}", "no integer \"version\"" },
	{ "version_a_string", "{\"version\": \"1\", \"rules\": []}",
	  "no integer \"version\"" },
	{ "version_unknown", "{\"version\": 2, \"rules\": []}",
	  "version 2 is not 1, the one this xfod reads" },
	{ "version_zero", "{\"version\": 0, \"rules\": []}", "version 0" },
	{ "rules_missing", "{\"version\": 1}", "no \"rules\" array" },
	{ "rules_an_object", "{\"version\": 1, \"rules\": {}}",
	  "no \"rules\" array" },
	{ "unknown_member", "{\"version\": 1, \"rules\": [], \"extra\": 1}",
	  "unknown member 'extra'" },
	{ "duplicate_member", "{\"version\": 1, \"rules\": [], \"rules\": []}",
	  "duplicate" },
	{ "rule_not_an_object", "{\"version\": 1, \"rules\": [3]}",
	  "rules[0]: not an object" },
	{ "rule_unknown_member", "{\"version\": 1, \"rules\": [{\"domid\": 1, "
	  "\"policy\": \"p\", \"when\": 1}]}", "rules[0]: unknown member 'when'" },
	{ "rule_two_kinds", "{\"version\": 1, \"rules\": [{\"domid\": 1, "
	  "\"name\": \"a\", \"policy\": \"p\"}]}",
	  "rules[0]: more than one of domid, name, pattern" },
	{ "rule_no_kind", "{\"version\": 1, \"rules\": [{\"policy\": \"p\"}]}",
	  "rules[0]: none of domid, name, pattern" },
	{ "rule_no_policy", "{\"version\": 1, \"rules\": [{\"domid\": 1}]}",
	  "rules[0]: no policy" },
	{ "rule_policy_a_number", "{\"version\": 1, \"rules\": [{\"domid\": 1, "
	  "\"policy\": 5}]}", "rules[0]: policy is not a string" },
	{ "rule_policy_bad_name", "{\"version\": 1, \"rules\": [{\"domid\": 1, "
	  "\"policy\": \"../x\"}]}", "rules[0]: policy '../x'" },
	{ "rule_domid_negative", "{\"version\": 1, \"rules\": [{\"domid\": -1, "
	  "\"policy\": \"p\"}]}", "rules[0]: domid is not an integer in 0..32751" },
	{ "rule_domid_reserved", "{\"version\": 1, \"rules\": [{\"domid\": "
	  "32752, \"policy\": \"p\"}]}", "rules[0]: domid is not an integer" },
	{ "rule_domid_a_string", "{\"version\": 1, \"rules\": [{\"domid\": "
	  "\"3\", \"policy\": \"p\"}]}", "rules[0]: domid is not an integer" },
	{ "rule_name_a_number", "{\"version\": 1, \"rules\": [{\"name\": 3, "
	  "\"policy\": \"p\"}]}", "rules[0]: name is not a string" },
	{ "rule_duplicate", "{\"version\": 1, \"rules\": [{\"name\": \"a\", "
	  "\"policy\": \"p\"}, {\"name\": \"a\", \"policy\": \"q\"}]}",
	  "rules[1]: name 'a' exists already (policy 'p')" },
	{ "default_a_number", "{\"version\": 1, \"rules\": [], \"default\": 1}",
	  "default is neither null nor a policy name" },
	{ "default_bad_name", "{\"version\": 1, \"rules\": [], \"default\": "
	  "\"a b\"}", "default: policy 'a b'" },
};

static void test_state_corrupt(void)
{
	char path[600], err[512], n[96];
	struct xfod_rules *sentinel = xfod_rules__new(), *out;
	size_t i;

	snprintf(path, sizeof(path), "%s/state/" XFOD_STATE_FILE, scratch);
	for (i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
		const struct bad_state *b = &bad_states[i];
		char *after;
		int ret;

		snprintf(n, sizeof(n), "refuse_state_%s", b->name);
		if (write_text(path, b->text)) {
			fail(n, "cannot write %s", path);
			continue;
		}
		out = sentinel;
		err[0] = '\0';
		ret = xfod_rules__load(path, &out, err, sizeof(err));
		after = read_text(path);
		check(n, ret < 0 && out == sentinel &&
		      !strncmp(err, path, strlen(path)) && strstr(err, b->want) &&
		      after && !strcmp(after, b->text),
		      "ret %d, out %s, '%s' (want '%s'), file %s", ret,
		      out == sentinel ? "untouched" : "changed", err, b->want,
		      after && !strcmp(after, b->text) ? "kept" : "CHANGED");
		free(after);
	}
	xfod_rules__free(sentinel);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
		return 2;
	}
	scratch = argv[1];
	test_precedence();
	test_patterns();
	test_edit();
	test_bad_rules();
	test_state_round_trip();
	test_state_corrupt();
	return failures ? 1 : 0;
}
