/* SPDX-License-Identifier: MIT */
/*
 * Reader for the ".data" test format of uBPF and bpf_conformance: a file of
 * sections, each opened by a line "-- <name>" and running to the next one.
 * Lines before the first section are a free-text description.
 */
#ifndef XFO_TESTS_DATAFILE_H
#define XFO_TESTS_DATAFILE_H

#include <stddef.h>

#define DATAFILE_MAX_SECTIONS 16

struct datafile_section {
	const char *name;	/* "asm", "result", ... */
	const char *text;	/* the lines of the section, NUL-terminated */
};

struct datafile {
	char *buf;		/* the file, cut into sections in place */
	size_t nr;
	struct datafile_section sections[DATAFILE_MAX_SECTIONS];
};

/* 0, or -errno with a message in err. */
int datafile_read(const char *path, struct datafile *df, char *err,
		  size_t err_size);
void datafile_free(struct datafile *df);
/* The section's text, or NULL when the file has none of that name. */
const char *datafile_section(const struct datafile *df, const char *name);
/* Text with leading and trailing white space and '#' comments removed;
 * written into buf. */
char *datafile_trim(const char *text, char *buf, size_t size);

#endif
