// SPDX-License-Identifier: MIT
/*
 * xfod.conf: parsed with inih, checked against one table of keys. inih
 * reports neither line numbers to the handler (Debian builds it without
 * INI_HANDLER_LINENO) nor empty sections, so the line reader below counts
 * lines, keeps their text for messages and checks section headers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

enum key_type {
	K_LEVEL,	/* a log level name */
	K_DIR,		/* an absolute path */
	K_GROUP,	/* a group name, or empty */
	K_MS,		/* milliseconds in [min, max] */
	K_LISTEN,	/* IPv4:PORT or [IPv6]:PORT */
};

struct key {
	const char *section;
	const char *name;
	const char *def;	/* parsed like a value from the file */
	enum key_type type;
	size_t off;
	size_t size;
	unsigned long min, max;
};

#define FIELD(f)	offsetof(struct xfod_config, f), \
			sizeof(((struct xfod_config *)NULL)->f)

/* The keys. A new one is a row here and its field in config.h. */
static const struct key keys[] = {
	{ "daemon", "log_level", "info", K_LEVEL, FIELD(log_level), 0, 0 },
	{ "daemon", "state_dir", "/var/lib/xfo", K_DIR, FIELD(state_dir), 0, 0 },
	{ "daemon", "run_dir", "/run/xfo", K_DIR, FIELD(run_dir), 0, 0 },
	{ "daemon", "socket_group", "", K_GROUP, FIELD(socket_group), 0, 0 },
	{ "stats", "interval_ms", "1000", K_MS, FIELD(interval_ms), 100, 60000 },
	{ "metrics", "listen", "127.0.0.1:9577", K_LISTEN,
	  FIELD(metrics_listen), 0, 0 },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static bool known_section(const char *s)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, s))
			return true;
	return false;
}

/* "[daemon], [stats], [metrics]" or, with section, its keys. */
static void list_names(const char *section, char *buf, size_t size)
{
	size_t len = 0, i, j;

	buf[0] = '\0';
	for (i = 0; i < NKEYS; i++) {
		if (section) {
			if (strcmp(keys[i].section, section))
				continue;
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? ", " : "", keys[i].name);
			continue;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(keys[j].section, keys[i].section))
				break;
		if (j == i)
			len += (size_t)snprintf(buf + len, size - len, "%s[%s]",
						len ? ", " : "",
						keys[i].section);
		if (len >= size)
			return;
	}
}

static int parse_ulong(const char *v, unsigned long *out)
{
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(v, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int parse_listen(const char *v, char *why, size_t why_size)
{
	const char *colon = strrchr(v, ':');
	char host[64];
	unsigned long port;
	unsigned char addr[16];
	size_t hlen;

	if (!colon) {
		snprintf(why, why_size, "'%s' is not ADDRESS:PORT", v);
		return -EINVAL;
	}
	hlen = (size_t)(colon - v);
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(why, why_size, "'%s' has no address before the port", v);
		return -EINVAL;
	}
	memcpy(host, v, hlen);
	host[hlen] = '\0';
	if (host[0] == '[') {
		if (hlen < 3 || host[hlen - 1] != ']') {
			snprintf(why, why_size, "'%s': an IPv6 address is "
				 "written [ADDRESS]:PORT", v);
			return -EINVAL;
		}
		host[hlen - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, addr) != 1) {
			snprintf(why, why_size, "'%s' is not an IPv6 address",
				 host + 1);
			return -EINVAL;
		}
	} else if (inet_pton(AF_INET, host, addr) != 1) {
		snprintf(why, why_size, "'%s' is not an IPv4 address or "
			 "[IPv6 address] (no host names)", host);
		return -EINVAL;
	}
	if (parse_ulong(colon + 1, &port) || port < 1 || port > 65535) {
		snprintf(why, why_size, "'%s' is not a port in 1..65535",
			 colon + 1);
		return -EINVAL;
	}
	return 0;
}

/* Whether name is a portable group name (POSIX's portable filename
 * characters, not starting with '-'), as useradd(8) accepts. */
static bool group_name_ok(const char *v)
{
	size_t i;

	if (v[0] == '-')
		return false;
	for (i = 0; v[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", v[i]))
			return false;
	return true;
}

static int parse_value(const struct key *k, const char *v,
		       struct xfod_config *cfg, char *why, size_t why_size)
{
	char *field = (char *)cfg + k->off;
	unsigned long n;
	int level;

	switch (k->type) {
	case K_LEVEL:
		if (xfod_log__level_parse(v, &level)) {
			snprintf(why, why_size, "'%s' is not a level (%s)", v,
				 xfod_log__level_names());
			return -EINVAL;
		}
		*(int *)field = level;
		return 0;
	case K_DIR:
		if (v[0] != '/') {
			snprintf(why, why_size, "'%s' is not an absolute path",
				 v);
			return -EINVAL;
		}
		break;
	case K_GROUP:
		if (!group_name_ok(v)) {
			snprintf(why, why_size, "'%s' is not a group name", v);
			return -EINVAL;
		}
		break;
	case K_MS:
		if (parse_ulong(v, &n) || n < k->min || n > k->max) {
			snprintf(why, why_size, "'%s' is not a number of "
				 "milliseconds in %lu..%lu", v, k->min, k->max);
			return -EINVAL;
		}
		*(unsigned int *)field = (unsigned int)n;
		return 0;
	case K_LISTEN:
		if (parse_listen(v, why, why_size))
			return -EINVAL;
		break;
	}
	if (strlen(v) >= k->size) {
		snprintf(why, why_size, "longer than %zu characters",
			 k->size - 1);
		return -EINVAL;
	}
	memcpy(field, v, strlen(v) + 1);
	return 0;
}

void xfod_config__defaults(struct xfod_config *cfg)
{
	char why[128];
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NKEYS; i++)
		if (parse_value(&keys[i], keys[i].def, cfg, why, sizeof(why)))
			abort();	/* a default the table itself refuses */
}

/* The state of one parse, shared by the reader and the handler. */
struct parse {
	FILE *f;
	const char *name;
	struct xfod_config *cfg;
	int line;		/* of the text the reader returned last */
	bool line_start;	/* the next chunk starts a line */
	char (*text)[80];	/* each line's start, for messages */
	int text_cap;
	int seen[NKEYS];	/* the line each key was set on */
	int err_line;		/* of the first error found here; 0: none */
	char err[XFOD_CONFIG_ERR_LEN];
};

static void perror_at(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void perror_at(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err_line)
		return;
	p->err_line = p->line;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
}

static void keep_text(struct parse *p, const char *s)
{
	if (p->line > p->text_cap) {
		int cap = p->text_cap ? p->text_cap * 2 : 64;
		void *t = realloc(p->text, (size_t)cap * sizeof(*p->text));

		if (!t)
			return;
		p->text = t;
		p->text_cap = cap;
	}
	snprintf(p->text[p->line - 1], sizeof(p->text[0]), "%.*s",
		 (int)strcspn(s, "\r\n"), s);
}

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *s;
	size_t len;

	if (!fgets(str, num, p->f))
		return NULL;
	if (!p->line_start) {
		/* inih has a line in pieces; it is refused already. */
	} else {
		p->line++;
		keep_text(p, str);
	}
	len = strlen(str);
	p->line_start = len > 0 && str[len - 1] == '\n';
	if (!p->line_start && !feof(p->f)) {
		char rest[256];

		perror_at(p, "line longer than %d characters", num - 2);
		/* Skip to the end of the line, so line numbers stay right. */
		while (fgets(rest, sizeof(rest), p->f) &&
		       rest[strlen(rest) - 1] != '\n')
			;
		p->line_start = true;
		return str;
	}
	s = str + strspn(str, " \t");
	if (s == str && *s == '[') {
		size_t n = strcspn(s + 1, "]");

		if (s[1 + n] == ']') {
			char sec[80], list[128];

			snprintf(sec, sizeof(sec), "%.*s", (int)n, s + 1);
			list_names(NULL, list, sizeof(list));
			if (!known_section(sec))
				perror_at(p, "unknown section [%s] (known: %s)",
					  sec, list);
		}
	}
	return str;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *p = user;
	char why[256], list[128];
	size_t i;

	if (p->err_line)
		return 1;	/* the first error is the one reported */
	if (!section[0]) {
		list_names(NULL, list, sizeof(list));
		perror_at(p, "%s: outside any section (keys go under %s)",
			  name, list);
		return 0;
	}
	if (!known_section(section)) {
		perror_at(p, "[%s] %s: unknown section", section, name);
		return 0;
	}
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, section) &&
		    !strcmp(keys[i].name, name))
			break;
	if (i == NKEYS) {
		list_names(section, list, sizeof(list));
		perror_at(p, "[%s] %s: unknown key (known in [%s]: %s)",
			  section, name, section, list);
		return 0;
	}
	if (p->seen[i]) {
		perror_at(p, "[%s] %s: given twice (first on line %d; an "
			  "indented line continues the value above)", section,
			  name, p->seen[i]);
		return 0;
	}
	p->seen[i] = p->line;
	if (parse_value(&keys[i], value, p->cfg, why, sizeof(why))) {
		perror_at(p, "[%s] %s: %s", section, name, why);
		return 0;
	}
	return 1;
}

int xfod_config__parse(FILE *f, const char *name, struct xfod_config *cfg,
		       char *err, size_t err_size)
{
	struct parse p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.f = f;
	p.name = name;
	p.cfg = cfg;
	p.line_start = true;
	ret = ini_parse_stream(reader, &p, handler, &p);
	if (ret < 0) {
		snprintf(err, err_size, "%s: cannot parse: out of memory",
			 name);
		ret = -ENOMEM;
	} else if (ret > 0 && (!p.err_line || ret < p.err_line)) {
		/* inih's own: neither [section] nor key = value. */
		snprintf(err, err_size, "%s:%d: not a [section] or "
			 "key = value line: '%s'", name, ret,
			 ret <= p.text_cap ? p.text[ret - 1] : "");
		ret = -EINVAL;
	} else if (p.err_line) {
		snprintf(err, err_size, "%s:%d: %s", name, p.err_line, p.err);
		ret = -EINVAL;
	} else if (ferror(f)) {
		snprintf(err, err_size, "%s: cannot read: %s", name,
			 strerror(errno));
		ret = -EIO;
	}
	free(p.text);
	return ret;
}

int xfod_config__load(const char *path, bool must_exist,
		      struct xfod_config *cfg, char *err, size_t err_size)
{
	FILE *f;
	int ret;

	xfod_config__defaults(cfg);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		if (ret == -ENOENT && !must_exist)
			return 0;
		snprintf(err, err_size, "%s: cannot open: %s", path,
			 strerror(-ret));
		return ret;
	}
	cfg->file_found = true;
	ret = xfod_config__parse(f, path, cfg, err, err_size);
	fclose(f);
	return ret;
}

json_t *xfod_config__to_json(const struct xfod_config *cfg)
{
	json_t *root = json_object(), *sec;
	const char *field;
	size_t i;

	json_object_set_new(root, "file", json_string(cfg->path));
	json_object_set_new(root, "file_found", json_boolean(cfg->file_found));
	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		json_t *v;

		field = (const char *)cfg + k->off;
		sec = json_object_get(root, k->section);
		if (!sec) {
			sec = json_object();
			json_object_set_new(root, k->section, sec);
		}
		switch (k->type) {
		case K_LEVEL:
			v = json_string(xfod_log__level_name(*(const int *)field));
			break;
		case K_MS:
			v = json_integer(*(const unsigned int *)field);
			break;
		default:
			v = json_string(field);
			break;
		}
		json_object_set_new(sec, k->name, v);
	}
	return root;
}
