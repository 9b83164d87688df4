/* SPDX-License-Identifier: MIT */
/*
 * xfoctl: the command-line tool of xfo, in the manner of bpftool.
 *
 *   xfoctl [OPTIONS] OBJECT COMMAND [ARGS]
 *
 * Objects and commands are tables of struct cmd; a word selects an entry
 * by unambiguous prefix. Adding an object is one entry in main.c's table
 * plus its do_<object>() function.
 */
#ifndef XFOCTL_H
#define XFOCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json_writer.h"

#define XFOCTL_VERSION	"0.1.0"

/* Exit codes. */
#define XFOCTL_OK	0		/* done */
#define XFOCTL_FAIL	1		/* refused or failed operation */
#define XFOCTL_USAGE	2		/* bad command line */

extern const char *bin_name;
extern bool json_output;
extern bool pretty_output;
extern bool debug_output;
/* The JSON writer for stdout, in JSON mode. */
extern struct json_writer *json_wtr;
/* Creates json_wtr once JSON output is asked for. */
void json_start(void);

/* ------------------------------------------------------------------------
 * Messages. In JSON mode an error is written as {"error": "..."} on
 * stdout (or as an "error" member when output is already under way);
 * otherwise as "Error: ..." on stderr. Both return the exit code given.
 * ------------------------------------------------------------------------ */
int p_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: p_err(XFOCTL_USAGE) plus a hint at the help to read. */
int p_usage(const char *help_cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Text mode only, on stderr. */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* With -d only, on stderr. */
void p_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Help text: in JSON mode {"help": "..."}. Returns XFOCTL_OK. */
int p_help(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------------------
 * Command tables.
 * ------------------------------------------------------------------------ */
struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);	/* argv[0]: first argument */
	const char *summary;			/* for the help, or NULL */
};

/* Result of cmd_match(). */
#define CMD_FOUND	0
#define CMD_UNKNOWN	1
#define CMD_AMBIGUOUS	2

/*
 * Finds word in the NULL-terminated table: an exact name, or else the one
 * name word is a prefix of. On failure msg gets a sentence naming the
 * candidates. what is "object" or "command", for the message.
 */
int cmd_match(const struct cmd *cmds, const char *word, const char *what,
	      const struct cmd **found, char *msg, size_t msg_size);

/*
 * Parses leading global options, then runs the entry argv[0] selects with
 * the words after it. With no word left, runs help. help_cmd names the
 * help for messages ("xfoctl policy help").
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       const char *what, const char *help_cmd,
	       int (*help)(int argc, char **argv));

/* ------------------------------------------------------------------------
 * Options. Long options match by unambiguous prefix, as getopt_long's do;
 * "--name=value", "--name value", "-x value", "-xvalue" and grouped flags
 * ("-vj") all work; "--" ends the options. The global options (-j, -p,
 * -d, -h, -V) are accepted everywhere.
 * ------------------------------------------------------------------------ */
struct opt {
	const char *name;		/* long name, without "--" */
	char short_name;		/* 0 for none */
	bool has_arg;
	int key;			/* > 0, returned by opt_next() */
};

#define OPT_ARG		0		/* a positional argument */
#define OPT_END		(-1)		/* nothing left */
#define OPT_ERR		(-2)		/* a usage error, already reported */
#define OPT_HELP	(-3)		/* -h or --help */

struct opt_iter {
	int argc;
	char **argv;
	int idx;			/* next word */
	const char *short_rest;		/* rest of a grouped "-vj" */
	bool opts_done;			/* after "--" */
	const struct opt *opts;		/* terminated by a NULL name */
	const char *help_cmd;		/* for usage errors */
};

void opt_init(struct opt_iter *it, int argc, char **argv,
	      const struct opt *opts, const char *help_cmd);
/* Returns a key, OPT_ARG, OPT_END, OPT_ERR or OPT_HELP; *arg is the
 * option's value or the positional argument. */
int opt_next(struct opt_iter *it, const char **arg);
/* Handles -j/-p/-d/-V found by the pre-scan in main(). */
void opt_prescan(int argc, char **argv, bool *version);

/* Numbers: decimal, 0x hex or 0 octal, all of the word, at most max. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

/* "EINVAL" for -EINVAL, or "errno N". */
const char *errno_name(int err);

/* ------------------------------------------------------------------------
 * Objects.
 * ------------------------------------------------------------------------ */
int do_policy(int argc, char **argv);
int do_domain(int argc, char **argv);
int do_program(int argc, char **argv);
int do_xen(int argc, char **argv);
int do_version(int argc, char **argv);

/* ------------------------------------------------------------------------
 * Policy objects (cli/object.c), for the policy and domain objects.
 * ------------------------------------------------------------------------ */
struct xfo_object;
struct xfo_program;

/* Opens FILE: an ELF policy object or, with raw, bytecode of one program.
 * 0, or the exit status after reporting why (*obj is then NULL). */
int open_object(const char *file, bool raw, struct xfo_object **obj);
/*
 * The program of obj (opened from file) that name picks or, without name,
 * its only one; several are a usage error pointing at help_cmd. NULL
 * after reporting why, with *code the exit status.
 */
const struct xfo_program *pick_prog(const struct xfo_object *obj,
				    const char *file, const char *name,
				    const char *help_cmd, int *code);

/* ------------------------------------------------------------------------
 * Talking to Xen (cli/xen.c), for the domain and xen objects.
 * ------------------------------------------------------------------------ */
struct xfo_xen;

#define XFOCTL_DOMID_MAX	32751	/* DOMID_FIRST_RESERVED - 1 */

/* Parses a DOMID; 0, or a usage error already reported. */
int parse_domid(const char *s, const char *help_cmd, uint16_t *domid);
/* Opens Xen and checks that its xfo interface has xfoctl's major
 * version; NULL after reporting why, with *code the exit status. */
struct xfo_xen *xen_connect(int *code);

#endif /* XFOCTL_H */
