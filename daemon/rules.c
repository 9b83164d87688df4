// SPDX-License-Identifier: MIT
/*
 * Attach rules and the state file. The rules are one array kept in
 * precedence order (ids, names, patterns in the order added, the
 * default), so matching and listing walk the same order.
 */
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "rules.h"

/* A state file larger than this is not one xfod wrote. */
#define STATE_MAX	(16u << 20)

struct xfod_rules {
	struct xfod_rule *v;
	size_t n, cap;
};

static const char *const kind_names[XFOD_RULE_NR] = {
	[XFOD_RULE_DOMID] = "domid",
	[XFOD_RULE_NAME] = "name",
	[XFOD_RULE_PATTERN] = "pattern",
	[XFOD_RULE_DEFAULT] = "default",
};

const char *xfod_rule__kind_name(enum xfod_rule_kind kind)
{
	return (unsigned int)kind < XFOD_RULE_NR ? kind_names[kind] : NULL;
}

bool xfod_policy_name_ok(const char *name)
{
	size_t len = strlen(name), i;

	if (len == 0 || len >= sizeof(((struct xfod_rule *)NULL)->policy) ||
	    name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", name[i]))
			return false;
	return true;
}

/* Domain names and patterns: 1 to 64 printable bytes. */
static bool domain_text_ok(const char *s)
{
	size_t len = strlen(s), i;

	if (len == 0 || len > XFOD_DOMAIN_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

struct xfod_rules *xfod_rules__new(void)
{
	return calloc(1, sizeof(struct xfod_rules));
}

void xfod_rules__free(struct xfod_rules *r)
{
	if (!r)
		return;
	free(r->v);
	free(r);
}

static bool same_target(const struct xfod_rule *a, const struct xfod_rule *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case XFOD_RULE_DOMID:
		return a->domid == b->domid;
	case XFOD_RULE_NAME:
	case XFOD_RULE_PATTERN:
		return !strcmp(a->match, b->match);
	default:
		return true;
	}
}

/* "domid 3", "name 'web1'", "pattern 'web*'", "the default rule". */
static void describe(const struct xfod_rule *rule, char *buf, size_t size)
{
	switch (rule->kind) {
	case XFOD_RULE_DOMID:
		snprintf(buf, size, "domid %u", rule->domid);
		break;
	case XFOD_RULE_NAME:
	case XFOD_RULE_PATTERN:
		snprintf(buf, size, "%s '%s'", kind_names[rule->kind],
			 rule->match);
		break;
	default:
		snprintf(buf, size, "the default rule");
		break;
	}
}

static int check_rule(const struct xfod_rule *rule, char *err,
		      size_t err_size)
{
	switch (rule->kind) {
	case XFOD_RULE_DOMID:
		if (rule->domid > XFOD_DOMID_MAX) {
			snprintf(err, err_size, "domid %u is not a domain id "
				 "(0..%u)", rule->domid, XFOD_DOMID_MAX);
			return -EINVAL;
		}
		break;
	case XFOD_RULE_NAME:
	case XFOD_RULE_PATTERN:
		if (!domain_text_ok(rule->match)) {
			snprintf(err, err_size, "%s '%s': not 1 to %u printable "
				 "characters", kind_names[rule->kind],
				 rule->match, XFOD_DOMAIN_NAME_MAX);
			return -EINVAL;
		}
		break;
	case XFOD_RULE_DEFAULT:
		break;
	default:
		snprintf(err, err_size, "rule kind %d is not one of domid, "
			 "name, pattern, default", (int)rule->kind);
		return -EINVAL;
	}
	if (!xfod_policy_name_ok(rule->policy)) {
		snprintf(err, err_size, "policy '%s': not 1 to %d of A-Z a-z "
			 "0-9 _ . - (not starting with . or -)", rule->policy,
			 XFO_NAME_LEN - 1);
		return -EINVAL;
	}
	return 0;
}

int xfod_rules__add(struct xfod_rules *r, const struct xfod_rule *rule,
		    bool replace, char *err, size_t err_size)
{
	char what[96];
	size_t i, at;
	int ret;

	ret = check_rule(rule, err, err_size);
	if (ret)
		return ret;
	for (i = 0; i < r->n; i++) {
		if (!same_target(&r->v[i], rule))
			continue;
		if (!replace) {
			describe(rule, what, sizeof(what));
			snprintf(err, err_size, "%s exists already (policy "
				 "'%s')", what, r->v[i].policy);
			return -EEXIST;
		}
		/* In place: a pattern keeps its rank. */
		r->v[i] = *rule;
		return 0;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct xfod_rule *v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			snprintf(err, err_size, "out of memory");
			return -ENOMEM;
		}
		r->v = v;
		r->cap = cap;
	}
	/* After the last rule of its kind or before: precedence order. */
	for (at = 0; at < r->n && r->v[at].kind <= rule->kind; at++)
		;
	memmove(&r->v[at + 1], &r->v[at], (r->n - at) * sizeof(*r->v));
	r->v[at] = *rule;
	r->n++;
	return 0;
}

int xfod_rules__del(struct xfod_rules *r, const struct xfod_rule *rule,
		    char *err, size_t err_size)
{
	char what[96];
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (!same_target(&r->v[i], rule))
			continue;
		memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof(*r->v));
		r->n--;
		return 0;
	}
	describe(rule, what, sizeof(what));
	snprintf(err, err_size, "no rule for %s", what);
	return -ENOENT;
}

size_t xfod_rules__count(const struct xfod_rules *r)
{
	return r->n;
}

const struct xfod_rule *xfod_rules__get(const struct xfod_rules *r,
					size_t idx)
{
	return idx < r->n ? &r->v[idx] : NULL;
}

const char *xfod_rules__match(const struct xfod_rules *r, uint16_t domid,
			      const char *name, const struct xfod_rule **which)
{
	const struct xfod_rule *hit = NULL;
	size_t i;

	/* The array is in precedence order: the first match wins. */
	for (i = 0; i < r->n && !hit; i++) {
		const struct xfod_rule *x = &r->v[i];

		switch (x->kind) {
		case XFOD_RULE_DOMID:
			if (x->domid == domid)
				hit = x;
			break;
		case XFOD_RULE_NAME:
			if (name && !strcmp(x->match, name))
				hit = x;
			break;
		case XFOD_RULE_PATTERN:
			if (name && !fnmatch(x->match, name, 0))
				hit = x;
			break;
		default:
			hit = x;
			break;
		}
	}
	if (which)
		*which = hit;
	return hit ? hit->policy : NULL;
}

/* ------------------------------------------------------------------------
 * state.json
 * ------------------------------------------------------------------------ */
static json_t *to_json(const struct xfod_rules *r)
{
	json_t *root = json_object(), *rules = json_array();
	json_t *def = json_null();
	size_t i;

	json_object_set_new(root, "version", json_integer(XFOD_STATE_VERSION));
	for (i = 0; i < r->n; i++) {
		const struct xfod_rule *x = &r->v[i];
		json_t *o;

		if (x->kind == XFOD_RULE_DEFAULT) {
			json_decref(def);
			def = json_string(x->policy);
			continue;
		}
		o = json_object();
		if (x->kind == XFOD_RULE_DOMID)
			json_object_set_new(o, "domid", json_integer(x->domid));
		else
			json_object_set_new(o, kind_names[x->kind],
					    json_string(x->match));
		json_object_set_new(o, "policy", json_string(x->policy));
		json_array_append_new(rules, o);
	}
	json_object_set_new(root, "rules", rules);
	json_object_set_new(root, "default", def);
	return root;
}

char *xfod_rules__dump(const struct xfod_rules *r)
{
	json_t *root = to_json(r);
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	json_decref(root);
	return s;
}

int xfod_rules__save(const struct xfod_rules *r, const char *path, char *err,
		     size_t err_size)
{
	char *s = xfod_rules__dump(r), *text;
	int ret;

	if (!s || asprintf(&text, "%s\n", s) < 0) {
		free(s);
		snprintf(err, err_size, "%s: out of memory", path);
		return -ENOMEM;
	}
	free(s);
	ret = xfod_write_atomic(path, text, strlen(text), 0644, err, err_size);
	free(text);
	return ret;
}

/* One element of "rules" into *rule; a sentence in why when it is bad. */
static int rule_from_json(json_t *o, struct xfod_rule *rule, char *why,
			  size_t why_size)
{
	const char *key, *policy = NULL;
	json_t *v;
	int kinds = 0;

	memset(rule, 0, sizeof(*rule));
	if (!json_is_object(o)) {
		snprintf(why, why_size, "not an object");
		return -EINVAL;
	}
	json_object_foreach(o, key, v) {
		if (!strcmp(key, "policy")) {
			if (!json_is_string(v)) {
				snprintf(why, why_size, "policy is not a string");
				return -EINVAL;
			}
			policy = json_string_value(v);
		} else if (!strcmp(key, "domid")) {
			json_int_t id = json_integer_value(v);

			if (!json_is_integer(v) || id < 0 ||
			    id > XFOD_DOMID_MAX) {
				snprintf(why, why_size, "domid is not an integer "
					 "in 0..%u", XFOD_DOMID_MAX);
				return -EINVAL;
			}
			rule->kind = XFOD_RULE_DOMID;
			rule->domid = (uint16_t)id;
			kinds++;
		} else if (!strcmp(key, "name") || !strcmp(key, "pattern")) {
			const char *s = json_string_value(v);

			if (!s || strlen(s) > XFOD_DOMAIN_NAME_MAX) {
				snprintf(why, why_size, "%s is not a string of "
					 "at most %u bytes", key,
					 XFOD_DOMAIN_NAME_MAX);
				return -EINVAL;
			}
			rule->kind = key[0] == 'n' ? XFOD_RULE_NAME :
						     XFOD_RULE_PATTERN;
			snprintf(rule->match, sizeof(rule->match), "%s", s);
			kinds++;
		} else {
			snprintf(why, why_size, "unknown member '%s' (a rule has "
				 "one of domid, name, pattern, and policy)", key);
			return -EINVAL;
		}
	}
	if (kinds != 1) {
		snprintf(why, why_size, "%s of domid, name, pattern",
			 kinds ? "more than one" : "none");
		return -EINVAL;
	}
	if (!policy) {
		snprintf(why, why_size, "no policy");
		return -EINVAL;
	}
	if (strlen(policy) >= sizeof(rule->policy)) {
		snprintf(why, why_size, "policy '%.40s...' is longer than %zu "
			 "bytes", policy, sizeof(rule->policy) - 1);
		return -EINVAL;
	}
	snprintf(rule->policy, sizeof(rule->policy), "%s", policy);
	return 0;
}

static int from_json(json_t *root, struct xfod_rules *r, char *why,
		     size_t why_size)
{
	json_t *ver, *rules, *def, *v;
	char msg[256];
	const char *key;
	size_t i;

	if (!json_is_object(root)) {
		snprintf(why, why_size, "not a JSON object");
		return -EINVAL;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "version") && strcmp(key, "rules") &&
		    strcmp(key, "default")) {
			snprintf(why, why_size, "unknown member '%s'", key);
			return -EINVAL;
		}
	}
	ver = json_object_get(root, "version");
	if (!json_is_integer(ver)) {
		snprintf(why, why_size, "no integer \"version\"");
		return -EINVAL;
	}
	if (json_integer_value(ver) != XFOD_STATE_VERSION) {
		snprintf(why, why_size, "version %" JSON_INTEGER_FORMAT
			 " is not %d, the one this xfod reads",
			 json_integer_value(ver), XFOD_STATE_VERSION);
		return -EPROTO;
	}
	rules = json_object_get(root, "rules");
	if (!json_is_array(rules)) {
		snprintf(why, why_size, "no \"rules\" array");
		return -EINVAL;
	}
	json_array_foreach(rules, i, v) {
		struct xfod_rule rule;
		int ret;

		ret = rule_from_json(v, &rule, msg, sizeof(msg));
		if (!ret)
			ret = xfod_rules__add(r, &rule, false, msg, sizeof(msg));
		if (ret) {
			snprintf(why, why_size, "rules[%zu]: %s", i, msg);
			return ret;
		}
	}
	def = json_object_get(root, "default");
	if (def && !json_is_null(def)) {
		struct xfod_rule rule = { .kind = XFOD_RULE_DEFAULT };
		const char *p = json_string_value(def);
		int ret;

		if (!p || strlen(p) >= sizeof(rule.policy)) {
			snprintf(why, why_size, "default is neither null nor a "
				 "policy name");
			return -EINVAL;
		}
		snprintf(rule.policy, sizeof(rule.policy), "%s", p);
		ret = xfod_rules__add(r, &rule, false, msg, sizeof(msg));
		if (ret) {
			snprintf(why, why_size, "default: %s", msg);
			return ret;
		}
	}
	return 0;
}

int xfod_rules__load(const char *path, struct xfod_rules **out, char *err,
		     size_t err_size)
{
	struct xfod_rules *r;
	json_error_t jerr;
	json_t *root;
	char *buf, why[320];
	size_t len;
	int ret;

	r = xfod_rules__new();
	if (!r) {
		snprintf(err, err_size, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = xfod_read_file(path, STATE_MAX, &buf, &len, err, err_size);
	if (ret == -ENOENT) {
		*out = r;	/* no state yet: no rules */
		return 0;
	}
	if (ret) {
		xfod_rules__free(r);
		return ret;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!root) {
		snprintf(err, err_size, "%s: not valid JSON: line %d column %d: "
			 "%s", path, jerr.line, jerr.column, jerr.text);
		xfod_rules__free(r);
		return -EINVAL;
	}
	ret = from_json(root, r, why, sizeof(why));
	json_decref(root);
	if (ret) {
		snprintf(err, err_size, "%s: %s", path, why);
		xfod_rules__free(r);
		return ret;
	}
	*out = r;
	return 0;
}
