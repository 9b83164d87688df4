// SPDX-License-Identifier: MIT
/*
 * xfo-agent: the guest's view of xfo.
 *
 *   xfo-agent [-j] status          regions, pool, pages offloaded and
 *                                  bounced, the handshake (/dev/xfo)
 *   xfo-agent run [--threshold BYTES] [--no-malloc] [--preload LIB]
 *                 -- CMD ARGS      CMD with libxfo_preload.so preloaded
 *
 * docs/guest.md describes the module, the shim and what the fields mean.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "agent.h"

#define SHIM_NAME "libxfo_preload.so"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xfo-agent [-j] [-d DEVICE] status\n"
		"       xfo-agent run [--threshold BYTES] [--no-malloc] [--preload LIB] -- CMD [ARGS...]\n"
		"       xfo-agent help | --version\n"
		"\n"
		"  status   what xfo_guest.ko has: the handshake with dom0, the free-page\n"
		"           pool, pages Xen installed (offloaded) and faults the guest\n"
		"           handled itself (bounced), every open region; -j for JSON\n"
		"  run      CMD with %s preloaded: its private anonymous\n"
		"           mmaps and mallocs of at least BYTES (default 1M; K, M, G\n"
		"           suffixes) come from /dev/xfo regions; --no-malloc leaves\n"
		"           malloc alone; --preload names the shim (default: next to\n"
		"           xfo-agent, or $XFO_PRELOAD_LIB)\n",
		SHIM_NAME);
}

static int cmd_status(const struct agent_args *a)
{
	struct xfo_guest_region_info *info = NULL;
	struct xfo_guest_regions req = { 0 };
	struct xfo_guest_stats s;
	char why[256];
	int fd, rc = 1;

	fd = open(a->device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, sizeof(why), "%s%s", strerror(errno),
			 errno == ENOENT ? " (is xfo_guest.ko loaded?)" : "");
		agent_print_error(stdout, a->json, a->device, why);
		return 1;
	}
	if (ioctl(fd, XFO_GUEST_IOC_STATS, &s)) {
		agent_print_error(stdout, a->json, "XFO_GUEST_IOC_STATS", strerror(errno));
		goto out;
	}
	if (s.abi != XFO_GUEST_ABI) {
		snprintf(why, sizeof(why), "the module speaks ABI %u, this agent %u",
			 s.abi, XFO_GUEST_ABI);
		agent_print_error(stdout, a->json, a->device, why);
		goto out;
	}
	/* Regions come and go: ask until the buffer was big enough. */
	for (;;) {
		req.max = req.nr + 16;
		free(info);
		info = calloc(req.max, sizeof(*info));
		if (!info) {
			agent_print_error(stdout, a->json, "regions", strerror(ENOMEM));
			goto out;
		}
		req.buf = (uintptr_t)info;
		if (ioctl(fd, XFO_GUEST_IOC_REGIONS, &req)) {
			agent_print_error(stdout, a->json, "XFO_GUEST_IOC_REGIONS", strerror(errno));
			goto out;
		}
		if (req.nr <= req.max)
			break;
	}
	agent_print_status(stdout, a->json, &s, info, req.nr);
	rc = 0;
out:
	free(info);
	close(fd);
	return rc;
}

/* The shim: --preload, $XFO_PRELOAD_LIB, next to this binary, or in
 * ../lib/xfo relative to it. */
static int find_shim(const struct agent_args *a, char *out, size_t len)
{
	const char *env = getenv("XFO_PRELOAD_LIB");
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (a->preload || (env && *env)) {
		snprintf(out, len, "%s", a->preload ? a->preload : env);
		return access(out, R_OK);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(out, len, "%s/%s", self, SHIM_NAME);
	if (!access(out, R_OK))
		return 0;
	snprintf(out, len, "%s/../lib/xfo/%s", self, SHIM_NAME);
	return access(out, R_OK);
}

static int cmd_run(const struct agent_args *a)
{
	char shim[PATH_MAX], abs[PATH_MAX], num[32];
	const char *old = getenv("LD_PRELOAD");
	char *preload;
	size_t len;

	if (find_shim(a, shim, sizeof(shim))) {
		fprintf(stderr, "xfo-agent: run: cannot find %s (%s); use --preload LIB\n",
			SHIM_NAME, shim);
		return 127;
	}
	/* ld.so wants a path it can open from any working directory. */
	if (realpath(shim, abs))
		snprintf(shim, sizeof(shim), "%s", abs);
	len = strlen(shim) + (old ? strlen(old) + 1 : 0) + 1;
	preload = malloc(len);
	if (!preload)
		return 127;
	snprintf(preload, len, "%s%s%s", shim, old && *old ? ":" : "", old ? old : "");
	if (setenv("LD_PRELOAD", preload, 1))
		return 127;
	free(preload);
	if (a->threshold) {
		snprintf(num, sizeof(num), "%zu", a->threshold);
		setenv("XFO_PRELOAD_THRESHOLD", num, 1);
	}
	if (a->no_malloc)
		setenv("XFO_PRELOAD_MALLOC", "0", 1);
	if (strcmp(a->device, XFO_GUEST_DEVICE))
		setenv("XFO_PRELOAD_DEVICE", a->device, 1);
	execvp(a->argv[0], a->argv);
	fprintf(stderr, "xfo-agent: run: %s: %s\n", a->argv[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int main(int argc, char **argv)
{
	struct agent_args a;
	char err[256];

	if (agent_parse(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "xfo-agent: %s\n", err);
		usage(stderr);
		return 2;
	}
	switch (a.cmd) {
	case CMD_HELP:
		usage(stdout);
		return 0;
	case CMD_VERSION:
		printf("xfo-agent, guest ABI %u\n", XFO_GUEST_ABI);
		return 0;
	case CMD_STATUS:
		return cmd_status(&a);
	case CMD_RUN:
		return cmd_run(&a);
	default:
		usage(stderr);
		return 2;
	}
}
