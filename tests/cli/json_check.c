// SPDX-License-Identifier: MIT
/*
 * json_check: a strict JSON (RFC 8259) validator and value picker for the
 * CLI tests, so they need neither python nor jq.
 *
 *   json_check [PATH...] < input
 *
 * Exits 0 when the input is exactly one valid JSON value (surrounded by
 * whitespace at most) and every PATH exists; prints each PATH's value on
 * its own line: strings unescaped, numbers as written, true/false/null,
 * objects and arrays as "{object N}" / "[array N]" with N their size.
 * PATH is a dot-separated list of member names and array indexes:
 * "programs.0.accepted"; "." is the whole document.
 * Exit status: 1 invalid JSON (the reason on stderr), 3 a PATH is missing.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256

enum type { T_NULL, T_BOOL, T_NUM, T_STR, T_ARR, T_OBJ };

struct node {
	enum type type;
	char *text;			/* T_STR (decoded), T_NUM, T_BOOL */
	size_t len;			/* of text */
	size_t n;			/* members or elements */
	char **keys;			/* T_OBJ */
	size_t *key_lens;
	struct node **kids;
};

struct parser {
	const unsigned char *s;
	size_t len, pos;
	const char *err;
	size_t err_pos;
};

static bool fail(struct parser *p, const char *msg)
{
	if (!p->err) {
		p->err = msg;
		p->err_pos = p->pos;
	}
	return false;
}

static void *xrealloc(void *ptr, size_t size)
{
	void *q = realloc(ptr, size ? size : 1);

	if (!q) {
		fprintf(stderr, "json_check: out of memory\n");
		exit(2);
	}
	return q;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

/* Appends a code point to a growing buffer, as UTF-8. */
static void put_utf8(char **buf, size_t *len, size_t *cap, unsigned long cp)
{
	unsigned char out[4];
	size_t n, i;

	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		out[0] = (unsigned char)(0xf0 | cp >> 18);
		out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (*len + n + 1 > *cap) {
		*cap = (*cap + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	for (i = 0; i < n; i++)
		(*buf)[(*len)++] = (char)out[i];
	(*buf)[*len] = '\0';
}

static bool hex4(struct parser *p, unsigned long *v)
{
	int i;

	*v = 0;
	if (p->len - p->pos < 4)
		return fail(p, "short \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned char c = p->s[p->pos++];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return fail(p, "bad hex digit in \\u escape");
	}
	return true;
}

/* One UTF-8 sequence at pos: its code point, or false. */
static bool utf8(struct parser *p, unsigned long *cp)
{
	unsigned char c = p->s[p->pos];
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		p->pos++;
		return true;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, *cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, *cp = c & 0x07;
	else
		return fail(p, "invalid UTF-8 lead byte");
	if (p->len - p->pos < n)
		return fail(p, "truncated UTF-8 sequence");
	for (i = 1; i < n; i++) {
		unsigned char d = p->s[p->pos + i];

		if ((d & 0xc0) != 0x80)
			return fail(p, "invalid UTF-8 continuation byte");
		*cp = *cp << 6 | (d & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return fail(p, "invalid UTF-8 code point");
	p->pos += n;
	return true;
}

static bool parse_string(struct parser *p, char **out, size_t *out_len)
{
	size_t len = 0, cap = 16;
	char *buf = xrealloc(NULL, cap);

	buf[0] = '\0';
	p->pos++;			/* the opening quote */
	for (;;) {
		unsigned long cp;
		unsigned char c;

		if (p->pos >= p->len) {
			free(buf);
			return fail(p, "unterminated string");
		}
		c = p->s[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20) {
			free(buf);
			return fail(p, "unescaped control character in string");
		}
		if (c != '\\') {
			if (!utf8(p, &cp)) {
				free(buf);
				return false;
			}
			put_utf8(&buf, &len, &cap, cp);
			continue;
		}
		p->pos++;
		if (p->pos >= p->len) {
			free(buf);
			return fail(p, "unterminated escape");
		}
		c = p->s[p->pos++];
		switch (c) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (!hex4(p, &cp)) {
				free(buf);
				return false;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				free(buf);
				return fail(p, "lone low surrogate");
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned long lo;

				if (p->len - p->pos < 2 || p->s[p->pos] != '\\' ||
				    p->s[p->pos + 1] != 'u') {
					free(buf);
					return fail(p, "lone high surrogate");
				}
				p->pos += 2;
				if (!hex4(p, &lo)) {
					free(buf);
					return false;
				}
				if (lo < 0xdc00 || lo > 0xdfff) {
					free(buf);
					return fail(p, "bad surrogate pair");
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			break;
		default:
			free(buf);
			return fail(p, "invalid escape");
		}
		put_utf8(&buf, &len, &cap, cp);
	}
	*out = buf;
	*out_len = len;
	return true;
}

static bool digits(struct parser *p)
{
	size_t start = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos > start;
}

static bool parse_number(struct parser *p, struct node *n)
{
	size_t start = p->pos;

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (!digits(p))
		return fail(p, "bad number");
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (!digits(p))
			return fail(p, "bad fraction");
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len &&
		    (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (!digits(p))
			return fail(p, "bad exponent");
	}
	n->type = T_NUM;
	n->len = p->pos - start;
	n->text = xrealloc(NULL, n->len + 1);
	memcpy(n->text, p->s + start, n->len);
	n->text[n->len] = '\0';
	return true;
}

static bool literal(struct parser *p, const char *word)
{
	size_t len = strlen(word);

	if (p->len - p->pos < len || memcmp(p->s + p->pos, word, len))
		return fail(p, "unexpected character");
	p->pos += len;
	return true;
}

static bool parse_value(struct parser *p, struct node *n, int depth);

static void add_kid(struct node *n, struct node *kid, char *key,
		    size_t key_len)
{
	n->kids = xrealloc(n->kids, (n->n + 1) * sizeof(*n->kids));
	n->keys = xrealloc(n->keys, (n->n + 1) * sizeof(*n->keys));
	n->key_lens = xrealloc(n->key_lens, (n->n + 1) * sizeof(*n->key_lens));
	n->kids[n->n] = kid;
	n->keys[n->n] = key;
	n->key_lens[n->n] = key_len;
	n->n++;
}

static bool parse_container(struct parser *p, struct node *n, int depth,
			    bool object)
{
	char close = object ? '}' : ']';

	n->type = object ? T_OBJ : T_ARR;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return true;
	}
	for (;;) {
		struct node *kid = calloc(1, sizeof(*kid));
		char *key = NULL;
		size_t key_len = 0;

		if (!kid)
			return fail(p, "out of memory");
		if (object) {
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				free(kid);
				return fail(p, "expected a member name");
			}
			if (!parse_string(p, &key, &key_len)) {
				free(kid);
				return false;
			}
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(kid);
				free(key);
				return fail(p, "expected ':'");
			}
			p->pos++;
		}
		add_kid(n, kid, key, key_len);
		if (!parse_value(p, kid, depth + 1))
			return false;
		skip_ws(p);
		if (p->pos >= p->len)
			return fail(p, object ? "unterminated object"
					      : "unterminated array");
		if (p->s[p->pos] == close) {
			p->pos++;
			return true;
		}
		if (p->s[p->pos] != ',')
			return fail(p, object ? "expected ',' or '}'"
					      : "expected ',' or ']'");
		p->pos++;
	}
}

static bool parse_value(struct parser *p, struct node *n, int depth)
{
	unsigned char c;

	if (depth > MAX_DEPTH)
		return fail(p, "nested too deeply");
	skip_ws(p);
	if (p->pos >= p->len)
		return fail(p, "expected a value");
	c = p->s[p->pos];
	switch (c) {
	case '{':
		return parse_container(p, n, depth, true);
	case '[':
		return parse_container(p, n, depth, false);
	case '"':
		n->type = T_STR;
		return parse_string(p, &n->text, &n->len);
	case 't':
	case 'f':
		n->type = T_BOOL;
		n->text = strdup(c == 't' ? "true" : "false");
		n->len = strlen(n->text);
		return literal(p, n->text);
	case 'n':
		n->type = T_NULL;
		return literal(p, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return parse_number(p, n);
		return fail(p, "unexpected character");
	}
}

static const struct node *lookup(const struct node *n, const char *path)
{
	const char *p = path;

	if (!strcmp(path, "."))
		return n;
	while (n && *p) {
		size_t len = strcspn(p, ".");
		size_t i;

		if (n->type == T_OBJ) {
			const struct node *found = NULL;

			for (i = 0; i < n->n; i++)
				if (n->key_lens[i] == len &&
				    !memcmp(n->keys[i], p, len))
					found = n->kids[i];	/* last wins */
			n = found;
		} else if (n->type == T_ARR) {
			char *end;
			unsigned long idx = strtoul(p, &end, 10);

			if (end != p + len || len == 0 || idx >= n->n)
				return NULL;
			n = n->kids[idx];
		} else {
			return NULL;
		}
		p += len;
		if (*p == '.')
			p++;
	}
	return n;
}

static void free_node(struct node *n)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		free_node(n->kids[i]);
		free(n->kids[i]);
		free(n->keys[i]);
	}
	free(n->kids);
	free(n->keys);
	free(n->key_lens);
	free(n->text);
}

static void print_node(const struct node *n)
{
	switch (n->type) {
	case T_NULL:
		printf("null\n");
		break;
	case T_OBJ:
		printf("{object %zu}\n", n->n);
		break;
	case T_ARR:
		printf("[array %zu]\n", n->n);
		break;
	default:
		fwrite(n->text, 1, n->len, stdout);
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	struct parser p = { 0 };
	struct node root = { 0 };
	size_t cap = 0;
	unsigned char *buf = NULL;
	size_t got;
	int i, ret = 0;

	do {
		if (p.len + 4096 > cap) {
			cap = (cap + 4096) * 2;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + p.len, 1, cap - p.len, stdin);
		p.len += got;
	} while (got);
	p.s = buf;

	if (parse_value(&p, &root, 0)) {
		skip_ws(&p);
		if (p.pos != p.len)
			fail(&p, "trailing characters after the value");
	}
	if (p.err) {
		fprintf(stderr, "json_check: invalid JSON at byte %zu: %s\n",
			p.err_pos, p.err);
		free_node(&root);
		free(buf);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		const struct node *n = lookup(&root, argv[i]);

		if (!n) {
			fprintf(stderr, "json_check: no '%s'\n", argv[i]);
			ret = 3;
			continue;
		}
		print_node(n);
	}
	free_node(&root);
	free(buf);
	return ret;
}
