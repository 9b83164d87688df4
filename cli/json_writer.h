/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer, in the manner of bpftool's json_writer:
 * the caller opens and closes objects and arrays and names every member;
 * the writer adds the commas, the indentation (pretty mode) and the string
 * escaping. Output is always valid UTF-8: invalid bytes in strings are
 * written as \u00XX escapes.
 */
#ifndef XFOCTL_JSON_WRITER_H
#define XFOCTL_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

struct json_writer *jsonw_new(FILE *f, bool pretty);
/* Switches indentation on or off, for what is written from now on. */
void jsonw_pretty(struct json_writer *self, bool on);
/* Closes whatever is still open, ends the line and frees the writer. */
void jsonw_destroy(struct json_writer **self);
/* How many objects and arrays are open. */
unsigned int jsonw_depth(const struct json_writer *self);
/* The innermost open container is an object. */
bool jsonw_in_object(const struct json_writer *self);
/* A whole top-level value has been written. */
bool jsonw_done(const struct json_writer *self);

void jsonw_start_object(struct json_writer *self);
void jsonw_end_object(struct json_writer *self);
void jsonw_start_array(struct json_writer *self);
void jsonw_end_array(struct json_writer *self);

/* The name of the next member of the current object. */
void jsonw_name(struct json_writer *self, const char *name);

void jsonw_string(struct json_writer *self, const char *s);
void jsonw_string_len(struct json_writer *self, const char *s, size_t len);
/* s without its trailing newlines: a multi-line log as one JSON string. */
void jsonw_text(struct json_writer *self, const char *s);
void jsonw_printf(struct json_writer *self, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void jsonw_uint(struct json_writer *self, uint64_t v);
void jsonw_int(struct json_writer *self, int64_t v);
void jsonw_bool(struct json_writer *self, bool v);
void jsonw_null(struct json_writer *self);
/* Lowercase hex of len bytes, as one string. */
void jsonw_hex(struct json_writer *self, const void *buf, size_t len);

/* Shorthands for a named member. */
void jsonw_string_field(struct json_writer *self, const char *name,
			const char *s);
void jsonw_uint_field(struct json_writer *self, const char *name,
		      uint64_t v);
void jsonw_int_field(struct json_writer *self, const char *name, int64_t v);
void jsonw_bool_field(struct json_writer *self, const char *name, bool v);
void jsonw_hex_field(struct json_writer *self, const char *name,
		     const void *buf, size_t len);

#endif /* XFOCTL_JSON_WRITER_H */
