// SPDX-License-Identifier: MIT
/*
 * A small streaming JSON writer (see json_writer.h).
 *
 * The writer keeps one entry per open object or array: whether it is an
 * object and how many members it has so far. Caller bugs still give valid
 * JSON: a value written into an object without a name first is named "?",
 * a name left without a value gets null, and closing closes whatever kind
 * is open.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

struct jsonw_level {
	bool object;
	unsigned int count;
};

struct json_writer {
	FILE *f;
	bool pretty;
	bool named;			/* a name was written, its value is due */
	bool top_written;		/* a top-level value was written */
	unsigned int depth;		/* entries used in stack[] */
	unsigned int cap;		/* entries allocated */
	struct jsonw_level *stack;
};

struct json_writer *jsonw_new(FILE *f, bool pretty)
{
	struct json_writer *self = calloc(1, sizeof(*self));

	if (!self)
		return NULL;
	self->f = f;
	self->pretty = pretty;
	return self;
}

void jsonw_pretty(struct json_writer *self, bool on)
{
	self->pretty = on;
}

unsigned int jsonw_depth(const struct json_writer *self)
{
	return self->depth;
}

bool jsonw_in_object(const struct json_writer *self)
{
	return self->depth && self->stack[self->depth - 1].object;
}

bool jsonw_done(const struct json_writer *self)
{
	return self->depth == 0 && self->top_written;
}

static void jsonw_indent(struct json_writer *self)
{
	unsigned int i;

	if (!self->pretty)
		return;
	fputc('\n', self->f);
	for (i = 0; i < self->depth; i++)
		fputs("    ", self->f);
}

static void jsonw_raw_string(struct json_writer *self, const char *s,
			     size_t len);

/* Everything before a value: the separator, the indentation, a name. */
static void jsonw_begin_value(struct json_writer *self)
{
	struct jsonw_level *lvl;

	if (self->depth == 0) {
		if (self->top_written)
			fputc('\n', self->f);	/* a second document */
		self->top_written = true;
		return;
	}
	lvl = &self->stack[self->depth - 1];
	if (lvl->object && self->named) {
		self->named = false;
		return;
	}
	if (lvl->count++)
		fputc(',', self->f);
	jsonw_indent(self);
	if (lvl->object) {
		/* A value without a name: keep the output valid. */
		jsonw_raw_string(self, "?", 1);
		fputs(self->pretty ? ": " : ":", self->f);
	}
}

void jsonw_name(struct json_writer *self, const char *name)
{
	struct jsonw_level *lvl;

	if (self->depth == 0 || !self->stack[self->depth - 1].object ||
	    self->named)
		return;			/* no object to name a member of */
	lvl = &self->stack[self->depth - 1];
	if (lvl->count++)
		fputc(',', self->f);
	jsonw_indent(self);
	jsonw_raw_string(self, name, strlen(name));
	fputs(self->pretty ? ": " : ":", self->f);
	self->named = true;
}

static void jsonw_open(struct json_writer *self, bool object)
{
	if (self->depth == self->cap) {
		unsigned int cap = self->cap ? self->cap * 2 : 16;
		struct jsonw_level *stack;

		stack = realloc(self->stack, cap * sizeof(*stack));
		if (!stack) {
			/* Out of memory: write null rather than break. */
			jsonw_begin_value(self);
			fputs("null", self->f);
			return;
		}
		self->stack = stack;
		self->cap = cap;
	}
	jsonw_begin_value(self);
	fputc(object ? '{' : '[', self->f);
	self->stack[self->depth].object = object;
	self->stack[self->depth].count = 0;
	self->depth++;
}

static void jsonw_close(struct json_writer *self)
{
	bool object, had_members;

	if (self->depth == 0)
		return;
	if (self->named) {
		/* A name with no value: give it one. */
		fputs("null", self->f);
		self->named = false;
	}
	self->depth--;
	object = self->stack[self->depth].object;
	had_members = self->stack[self->depth].count != 0;
	if (had_members)
		jsonw_indent(self);
	fputc(object ? '}' : ']', self->f);
}

void jsonw_start_object(struct json_writer *self)
{
	jsonw_open(self, true);
}

void jsonw_start_array(struct json_writer *self)
{
	jsonw_open(self, false);
}

void jsonw_end_object(struct json_writer *self)
{
	jsonw_close(self);
}

void jsonw_end_array(struct json_writer *self)
{
	jsonw_close(self);
}

void jsonw_destroy(struct json_writer **selfp)
{
	struct json_writer *self = *selfp;

	if (!self)
		return;
	while (jsonw_depth(self))
		jsonw_close(self);
	if (self->top_written)
		fputc('\n', self->f);
	fflush(self->f);
	free(self->stack);
	free(self);
	*selfp = NULL;
}

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static void jsonw_raw_string(struct json_writer *self, const char *str,
			     size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	fputc('"', self->f);
	while (i < len) {
		unsigned char c = s[i];

		switch (c) {
		case '"':
			fputs("\\\"", self->f);
			break;
		case '\\':
			fputs("\\\\", self->f);
			break;
		case '\b':
			fputs("\\b", self->f);
			break;
		case '\f':
			fputs("\\f", self->f);
			break;
		case '\n':
			fputs("\\n", self->f);
			break;
		case '\r':
			fputs("\\r", self->f);
			break;
		case '\t':
			fputs("\\t", self->f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(self->f, "\\u%04x", c);
				break;
			}
			n = utf8_seq_len(s + i, len - i);
			if (n == 0) {
				/* Not UTF-8: the byte as a Latin-1 character. */
				fprintf(self->f, "\\u%04x", c);
				break;
			}
			fwrite(s + i, 1, n, self->f);
			i += n;
			continue;
		}
		i++;
	}
	fputc('"', self->f);
}

void jsonw_string_len(struct json_writer *self, const char *s, size_t len)
{
	jsonw_begin_value(self);
	jsonw_raw_string(self, s ? s : "", s ? len : 0);
}

void jsonw_text(struct json_writer *self, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	while (len && s[len - 1] == '\n')
		len--;
	jsonw_string_len(self, s, len);
}

void jsonw_string(struct json_writer *self, const char *s)
{
	jsonw_string_len(self, s, s ? strlen(s) : 0);
}

void jsonw_printf(struct json_writer *self, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len < 0) {
		jsonw_string(self, "");
		return;
	}
	jsonw_string_len(self, s, (size_t)len);
	free(s);
}

void jsonw_uint(struct json_writer *self, uint64_t v)
{
	jsonw_begin_value(self);
	fprintf(self->f, "%llu", (unsigned long long)v);
}

void jsonw_int(struct json_writer *self, int64_t v)
{
	jsonw_begin_value(self);
	fprintf(self->f, "%lld", (long long)v);
}

void jsonw_bool(struct json_writer *self, bool v)
{
	jsonw_begin_value(self);
	fputs(v ? "true" : "false", self->f);
}

void jsonw_null(struct json_writer *self)
{
	jsonw_begin_value(self);
	fputs("null", self->f);
}

void jsonw_hex(struct json_writer *self, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	jsonw_begin_value(self);
	fputc('"', self->f);
	for (i = 0; i < len; i++)
		fprintf(self->f, "%02x", p[i]);
	fputc('"', self->f);
}

void jsonw_string_field(struct json_writer *self, const char *name,
			const char *s)
{
	jsonw_name(self, name);
	jsonw_string(self, s);
}

void jsonw_uint_field(struct json_writer *self, const char *name, uint64_t v)
{
	jsonw_name(self, name);
	jsonw_uint(self, v);
}

void jsonw_int_field(struct json_writer *self, const char *name, int64_t v)
{
	jsonw_name(self, name);
	jsonw_int(self, v);
}

void jsonw_bool_field(struct json_writer *self, const char *name, bool v)
{
	jsonw_name(self, name);
	jsonw_bool(self, v);
}

void jsonw_hex_field(struct json_writer *self, const char *name,
		     const void *buf, size_t len)
{
	jsonw_name(self, name);
	jsonw_hex(self, buf, len);
}
