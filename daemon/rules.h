/* SPDX-License-Identifier: MIT */
/*
 * Attach rules (daemon/rules.c): which policy a domain should run. A rule
 * matches by domain id, by exact domain name or by fnmatch(3) pattern on
 * the name; the default rule takes the domains nothing else matches.
 *
 * Precedence, for xfod_rules__match(): an id rule, else an exact name
 * rule, else the first pattern rule added that matches, else the default.
 *
 * The rules are xfod's desired state, kept in STATE_DIR/state.json
 * (docs/daemon.md). Functions return 0 or -errno with a sentence in err.
 */
#ifndef XFOD_RULES_H
#define XFOD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xfo.h>

#define XFOD_STATE_VERSION	1
#define XFOD_STATE_FILE		"state.json"
/* Xen's domain names are at most 64 bytes (xenstore's name key). */
#define XFOD_DOMAIN_NAME_MAX	64
/* The last ordinary domain id: DOMID_FIRST_RESERVED - 1. */
#define XFOD_DOMID_MAX		0x7fefu

enum xfod_rule_kind {
	XFOD_RULE_DOMID,
	XFOD_RULE_NAME,
	XFOD_RULE_PATTERN,
	XFOD_RULE_DEFAULT,
	XFOD_RULE_NR
};

struct xfod_rule {
	enum xfod_rule_kind kind;
	uint16_t domid;				/* XFOD_RULE_DOMID */
	char match[XFOD_DOMAIN_NAME_MAX + 1];	/* NAME, PATTERN */
	char policy[XFO_NAME_LEN];		/* Xen's program name too */
};

struct xfod_rules;

/* "domid", "name", "pattern", "default"; NULL when out of range. */
const char *xfod_rule__kind_name(enum xfod_rule_kind kind);
/* Whether name can name a policy: 1 to XFO_NAME_LEN - 1 of [A-Za-z0-9_.-],
 * not starting with '.' or '-' (it is a file name in the store too). */
bool xfod_policy_name_ok(const char *name);

struct xfod_rules *xfod_rules__new(void);
void xfod_rules__free(struct xfod_rules *r);

/*
 * Adds rule r. A rule of the same kind and match (the default: any
 * default) is replaced when replace, else -EEXIST. -EINVAL for a bad
 * domid, name, pattern or policy name.
 */
int xfod_rules__add(struct xfod_rules *r, const struct xfod_rule *rule,
		    bool replace, char *err, size_t err_size);
/* Removes the rule of that kind and match (rule->policy is ignored);
 * -ENOENT when there is none. */
int xfod_rules__del(struct xfod_rules *r, const struct xfod_rule *rule,
		    char *err, size_t err_size);
/* The rules in precedence order: ids, names, patterns as added, default. */
size_t xfod_rules__count(const struct xfod_rules *r);
const struct xfod_rule *xfod_rules__get(const struct xfod_rules *r,
					size_t idx);
/* The policy for the domain, name NULL when unknown; NULL: none. *which
 * (may be NULL) gets the rule that matched. */
const char *xfod_rules__match(const struct xfod_rules *r, uint16_t domid,
			      const char *name, const struct xfod_rule **which);

/*
 * STATE_DIR/state.json. load: a missing file is an empty state; a file
 * that is not JSON, of another version or with a bad rule is an error
 * naming the file and what is wrong, and *out is left as it was. Nothing
 * here ever writes or removes the file but save, which replaces it
 * atomically.
 */
int xfod_rules__load(const char *path, struct xfod_rules **out, char *err,
		     size_t err_size);
int xfod_rules__save(const struct xfod_rules *r, const char *path, char *err,
		     size_t err_size);
/* The state as JSON text (malloc'd), as save writes it. */
char *xfod_rules__dump(const struct xfod_rules *r);

#endif /* XFOD_RULES_H */
