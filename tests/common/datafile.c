// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafile.h"

int datafile_read(const char *path, struct datafile *df, char *err,
		  size_t err_size)
{
	FILE *f = fopen(path, "rb");
	char *line, *next;
	long len;

	memset(df, 0, sizeof(*df));
	if (!f) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		snprintf(err, err_size, "%s: cannot size the file", path);
		fclose(f);
		return -EIO;
	}
	df->buf = malloc(len + 1);
	if (!df->buf || fread(df->buf, 1, len, f) != (size_t)len) {
		snprintf(err, err_size, "%s: cannot read the file", path);
		fclose(f);
		datafile_free(df);
		return -EIO;
	}
	fclose(f);
	df->buf[len] = '\0';

	for (line = df->buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "-- ", 3) != 0) {
			if (next && df->nr)
				next[-1] = '\n';	/* keep section lines joined */
			continue;
		}
		if (line > df->buf)
			line[-1] = '\0';	/* end the previous section */
		if (df->nr == DATAFILE_MAX_SECTIONS) {
			snprintf(err, err_size, "%s: more than %d sections", path,
				 DATAFILE_MAX_SECTIONS);
			datafile_free(df);
			return -E2BIG;
		}
		df->sections[df->nr].name = line + 3;
		df->sections[df->nr].text = next ? next : "";
		df->nr++;
	}
	return 0;
}

void datafile_free(struct datafile *df)
{
	free(df->buf);
	memset(df, 0, sizeof(*df));
}

const char *datafile_section(const struct datafile *df, const char *name)
{
	for (size_t i = 0; i < df->nr; i++)
		if (strcmp(df->sections[i].name, name) == 0)
			return df->sections[i].text;
	return NULL;
}

char *datafile_trim(const char *text, char *buf, size_t size)
{
	size_t n = 0;
	const char *p;

	for (p = text; *p && n + 1 < size; p++) {
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			if (!*p)
				break;
		}
		buf[n++] = *p;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' ||
		     buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	p = buf;
	while (*p == '\n' || *p == ' ' || *p == '\t')
		p++;
	memmove(buf, p, strlen(p) + 1);
	return buf;
}
