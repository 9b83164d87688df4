/* SPDX-License-Identifier: MIT */
/*
 * xfod's log (daemon/log.c): four levels, a filter, and one sink: stderr
 * in the foreground, syslog with -s or once detached.
 */
#ifndef XFOD_LOG_H
#define XFOD_LOG_H

#include <stdbool.h>

enum xfod_log_level {
	XFOD_LOG_ERROR,
	XFOD_LOG_WARNING,
	XFOD_LOG_INFO,
	XFOD_LOG_DEBUG,
	XFOD_LOG_NR
};

/* "warning" for XFOD_LOG_WARNING; NULL when out of range. */
const char *xfod_log__level_name(int level);
/* The level named name: 0 and *level, or -EINVAL. */
int xfod_log__level_parse(const char *name, int *level);
/* "error, warning, info, debug", for messages. */
const char *xfod_log__level_names(void);

/* Messages above level are dropped. Starts as stderr at info. */
void xfod_log__init(bool use_syslog, int level);
void xfod_log__set_level(int level);
void xfod_log__close(void);

void xfod_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	xfod_log(XFOD_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	xfod_log(XFOD_LOG_WARNING, __VA_ARGS__)
#define log_info(...)	xfod_log(XFOD_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	xfod_log(XFOD_LOG_DEBUG, __VA_ARGS__)

#endif /* XFOD_LOG_H */
