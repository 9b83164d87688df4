// SPDX-License-Identifier: MIT
/*
 * xfod: xfo's daemon in dom0. This build reads its configuration, holds
 * the single-instance lock, opens the policy store and the attach rules,
 * and waits for SIGTERM or SIGINT. It has no Xen interface yet
 * (docs/daemon.md, "Not built yet").
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef XFOD_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "config.h"
#include "lock.h"
#include "log.h"
#include "rules.h"
#include "store.h"

#define XFOD_VERSION	"0.1.0"

/* Exit codes, as xfoctl's. */
#define EXIT_FAIL	1
#define EXIT_USAGE	2

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xfod [OPTIONS]\n"
		"\n"
		"xfo's daemon in dom0: the policy store and the attach rules.\n"
		"\n"
		"OPTIONS:\n"
		"    -f, --foreground    stay in the foreground, log to stderr\n"
		"    -c, --config FILE   the configuration (default %s;\n"
		"                        a missing default file means defaults)\n"
		"    -s, --syslog        log to syslog (always when detached)\n"
		"        --check-config  print the effective configuration as\n"
		"                        JSON and exit\n"
		"    -V, --version       print the version and exit\n"
		"    -h, --help          print this help and exit\n"
		"\n"
		"Exit status: 0 stopped by SIGTERM or SIGINT, 1 failed, "
		"2 bad command line.\n", XFOD_CONFIG_PATH);
}

static void notify(const char *state)
{
#ifdef XFOD_HAVE_SYSTEMD
	sd_notify(0, state);
#else
	(void)state;
#endif
}

/* Rules whose policy is not stored match but attach nothing: say so. */
static void check_rules(const struct xfod_rules *rules,
			const struct xfod_store *store)
{
	size_t i;

	for (i = 0; i < xfod_rules__count(rules); i++) {
		const struct xfod_rule *r = xfod_rules__get(rules, i);

		if (!xfod_store__get(store, r->policy))
			log_warn("rule %zu (%s) names policy '%s', which is "
				 "not in the store", i,
				 xfod_rule__kind_name(r->kind), r->policy);
	}
}

static int wait_for_stop(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		if (sigwait(&set, &sig))
			return -EINTR;
		if (sig != SIGHUP)
			return sig;
		log_info("SIGHUP: reloading is not built yet; ignored");
	}
}

int main(int argc, char **argv)
{
	enum { OPT_CHECK_CONFIG = 256 };
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "syslog", no_argument, NULL, 's' },
		{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool foreground = false, use_syslog = false, check_config = false;
	const char *config_path = XFOD_CONFIG_PATH;
	bool config_given = false;
	struct xfod_rules *rules = NULL;
	struct xfod_store *store = NULL;
	char err[XFOD_CONFIG_ERR_LEN + PATH_MAX], state[PATH_MAX + 16];
	struct xfod_config cfg;
	int c, lock_fd = -1, sig, ret = EXIT_FAIL;
	sigset_t set;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":fc:sVh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			foreground = true;
			break;
		case 'c':
			config_path = optarg;
			config_given = true;
			break;
		case 's':
			use_syslog = true;
			break;
		case OPT_CHECK_CONFIG:
			check_config = true;
			break;
		case 'V':
			printf("xfod v%s\n", XFOD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "xfod: option '%s' needs a value; try "
				"'xfod -h'\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "xfod: unknown option '%s'; try "
				"'xfod -h'\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xfod: unexpected argument '%s'; try 'xfod -h'\n",
			argv[optind]);
		return EXIT_USAGE;
	}

	xfod_log__init(use_syslog, XFOD_LOG_INFO);
	if (xfod_config__load(config_path, config_given, &cfg, err,
			      sizeof(err))) {
		log_err("%s", err);
		goto out;
	}
	if (check_config) {
		json_t *j = xfod_config__to_json(&cfg);

		ret = json_dumpf(j, stdout, JSON_INDENT(2) |
				 JSON_PRESERVE_ORDER) || putchar('\n') == EOF ||
		      fflush(stdout) ? EXIT_FAIL : 0;
		json_decref(j);
		goto out;
	}
	xfod_log__set_level(cfg.log_level);
	log_debug("configuration: %s%s", cfg.path,
		  cfg.file_found ? "" : " (not there: defaults)");

	/* Signals are taken by sigwait() only, from here on. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (xfod_lock__take(cfg.run_dir, &lock_fd, err, sizeof(err))) {
		log_err("%s", err);
		goto out;
	}
	if (xfod_store__open(cfg.state_dir, &store, err, sizeof(err))) {
		log_err("policy store: %s", err);
		goto out;
	}
	snprintf(state, sizeof(state), "%s/" XFOD_STATE_FILE, cfg.state_dir);
	if (xfod_rules__load(state, &rules, err, sizeof(err))) {
		log_err("state: %s (the file is left as it is; fix or move it)",
			err);
		goto out;
	}
	check_rules(rules, store);

	if (!foreground) {
		/* The lock's descriptor is shared with the child. */
		if (daemon(0, 0)) {
			log_err("cannot detach: %s", strerror(errno));
			goto out;
		}
		xfod_log__init(true, cfg.log_level);
		xfod_lock__write_pid(lock_fd);
	}
	log_info("ready (policies %zu, rules %zu, state in %s); no Xen "
		 "interface in this build", xfod_store__count(store),
		 xfod_rules__count(rules), cfg.state_dir);
	notify("READY=1\nSTATUS=store and rules loaded; no Xen interface yet");

	sig = wait_for_stop();
	notify("STOPPING=1");
	log_info("stopping on %s", sig > 0 ? strsignal(sig) : "an error");
	ret = sig > 0 ? 0 : EXIT_FAIL;
out:
	xfod_rules__free(rules);
	xfod_store__close(store);
	if (lock_fd >= 0)
		close(lock_fd);
	xfod_log__close();
	return ret;
}
