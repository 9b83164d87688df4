// SPDX-License-Identifier: MIT
/*
 * xfod's log. On stderr each line is "xfod: LEVEL: message"; when stderr
 * is the journal's (JOURNAL_STREAM names its device and inode, as systemd
 * sets it for a service) the line starts with the "<N>" priority prefix
 * sd-daemon(3) describes, so the journal keeps the level.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "log.h"

static const struct {
	const char *name;
	int priority;
} levels[XFOD_LOG_NR] = {
	[XFOD_LOG_ERROR] = { "error", LOG_ERR },
	[XFOD_LOG_WARNING] = { "warning", LOG_WARNING },
	[XFOD_LOG_INFO] = { "info", LOG_INFO },
	[XFOD_LOG_DEBUG] = { "debug", LOG_DEBUG },
};

static int max_level = XFOD_LOG_INFO;
static bool to_syslog;
static bool to_journal;

const char *xfod_log__level_name(int level)
{
	return level >= 0 && level < XFOD_LOG_NR ? levels[level].name : NULL;
}

int xfod_log__level_parse(const char *name, int *level)
{
	int i;

	for (i = 0; i < XFOD_LOG_NR; i++) {
		if (!strcmp(name, levels[i].name)) {
			*level = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *xfod_log__level_names(void)
{
	static char list[64];
	size_t len = 0;
	int i;

	if (!list[0])
		for (i = 0; i < XFOD_LOG_NR; i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s", i ? ", " : "",
						levels[i].name);
	return list;
}

/* JOURNAL_STREAM is inherited by children whose stderr may be elsewhere:
 * it counts only when it names stderr (systemd.exec(5)). */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	       !fstat(2, &st) && st.st_dev == dev && st.st_ino == ino;
}

void xfod_log__init(bool use_syslog, int level)
{
	xfod_log__close();
	xfod_log__set_level(level);
	to_syslog = use_syslog;
	to_journal = !use_syslog && stderr_is_journal();
	if (to_syslog)
		openlog("xfod", LOG_PID, LOG_DAEMON);
}

void xfod_log__set_level(int level)
{
	if (level >= 0 && level < XFOD_LOG_NR)
		max_level = level;
}

void xfod_log__close(void)
{
	if (to_syslog)
		closelog();
	to_syslog = false;
}

void xfod_log(int level, const char *fmt, ...)
{
	char msg[1024], *nl;
	size_t len;
	va_list ap;

	if (level < 0 || level >= XFOD_LOG_NR || level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One message, one line (syslog, grep): a verifier log's lines
	 * are joined with "; ", or a space after a colon. */
	len = strlen(msg);
	while (len > 0 && msg[len - 1] == '\n')
		msg[--len] = '\0';
	while ((nl = strchr(msg, '\n'))) {
		if ((nl > msg && nl[-1] == ':') || len + 1 >= sizeof(msg)) {
			*nl = ' ';
			continue;
		}
		memmove(nl + 2, nl + 1, len - (size_t)(nl - msg));
		nl[0] = ';';
		nl[1] = ' ';
		len++;
	}
	if (to_syslog) {
		syslog(levels[level].priority, "%s", msg);
		return;
	}
	if (to_journal)
		fprintf(stderr, "<%d>", levels[level].priority);
	fprintf(stderr, "xfod: %s: %s\n", levels[level].name, msg);
}
