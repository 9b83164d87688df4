/* SPDX-License-Identifier: MIT */
/*
 * xfod's configuration (daemon/config.c): an INI file, by default
 * XFOD_CONFIG_PATH, read with inih. Every key, its section, type and
 * default is one row of config.c's table; docs/daemon.md lists them.
 */
#ifndef XFOD_CONFIG_H
#define XFOD_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#define XFOD_CONFIG_PATH	"/etc/xfo/xfod.conf"
#define XFOD_CONFIG_ERR_LEN	512

struct xfod_config {
	/* [daemon] */
	int log_level;			/* XFOD_LOG_* */
	char state_dir[PATH_MAX];	/* the policy store and state.json */
	char run_dir[PATH_MAX];		/* the lock file, later the socket */
	char socket_group[64];		/* "": root only */
	/* [stats] */
	unsigned int interval_ms;
	/* [metrics] */
	char metrics_listen[128];	/* ADDRESS:PORT, [IPv6]:PORT */

	/* Where it came from. */
	char path[PATH_MAX];
	bool file_found;		/* false: defaults only */
};

/* Every key at its default. */
void xfod_config__defaults(struct xfod_config *cfg);
/*
 * Defaults, then path's keys over them. A missing file is no error unless
 * must_exist (an explicit -c). Returns 0, or -errno with err naming the
 * file, and for a bad line "FILE:LINE: [SECTION] KEY: what is wrong".
 */
int xfod_config__load(const char *path, bool must_exist,
		      struct xfod_config *cfg, char *err, size_t err_size);
/* The same from an open stream; name is used in messages. */
int xfod_config__parse(FILE *f, const char *name, struct xfod_config *cfg,
		       char *err, size_t err_size);
/* The effective configuration as a JSON object (jansson's json_t *),
 * each section an object of its keys; the caller json_decref()s it. */
struct json_t;
struct json_t *xfod_config__to_json(const struct xfod_config *cfg);

#endif /* XFOD_CONFIG_H */
