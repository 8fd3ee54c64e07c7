/* cli.h - the plancheck command line (internal to the binary).
 *
 * cli.c holds main, the subcommand table and what every subcommand
 * shares: an option parser, usage errors, error lists, file identity.
 * Each subcommand lives in its own cli_<name>.c. */
#ifndef PC_CLI_H
#define PC_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "plancheck.h"

/* Exit statuses (cli.md). */
enum {
	EXIT_CLEAN = 0,        /* no finding at or above --fail-on */
	EXIT_FINDINGS = 1,     /* at least one */
	EXIT_TROUBLE = 2       /* the run could not judge */
};

/* A subcommand: argv[0] is its name; returns the exit status. */
typedef int (*cli_run)(int argc, char **argv);

int cli_check(int argc, char **argv);
int cli_rules(int argc, char **argv);
int cli_stats(int argc, char **argv);    /* cli_stats.c */
int cli_report(int argc, char **argv);   /* cli_stats.c */

/* ---- options ---- */

typedef struct cli_option {
	const char *long_name;   /* without the leading "--" */
	char short_name;         /* 0: none */
	bool has_arg;
	int id;                  /* > 0 */
} cli_option;

enum {
	CLI_END = -1,            /* no more arguments */
	CLI_ERROR = -2,          /* a usage error, already printed */
	CLI_POSITIONAL = 0       /* an operand, in *arg */
};

typedef struct cli_parser {
	const char *usage;       /* "plancheck check [options] PLAN..." */
	const char *command;     /* "check" */
	const cli_option *options;   /* ends with a zeroed entry */
	int argc, index;
	char **argv;
	const char *cluster;     /* rest of a short-option cluster (-qf) */
	bool operands_only;      /* after "--" */
	const char *name;        /* the option just parsed, for messages */
} cli_parser;

void cli_parser_init(cli_parser *p, const char *command, const char *usage,
		     const cli_option *options, int argc, char **argv);
/*
 * The next option's id with its value in *arg, CLI_POSITIONAL with the
 * operand in *arg, CLI_END, or CLI_ERROR (unknown option, missing value:
 * reported with the usage line). Options and operands may be mixed;
 * "--" ends the options; "--name=value" and "-rFILE" are accepted.
 */
int cli_next(cli_parser *p, const char **arg);

/* "plancheck: MESSAGE", the usage line and where to find help, to stderr. */
void cli_usage_error(const char *command, const char *usage,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "plancheck: MESSAGE" to stderr. */
/* An output file written whole or not at all: a regular file is written to
 * a temporary file beside it and renamed over it only when complete, so a
 * failed run leaves the old file (or none) in place; a device or a pipe
 * (/dev/stdout, /dev/full) is written in place; a NULL path is standard
 * output. Set path (and zero the rest), then open; close with ok false to
 * throw the output away. Both return 0, or -1 after reporting why. */
typedef struct cli_out {
	const char *path;       /* NULL: standard output */
	FILE *file;
	char *tmp_path;         /* the file being written, renamed at the end */
	bool direct;            /* not a regular file: written in place */
} cli_out;

int cli_out_open(cli_out *o);
int cli_out_close(cli_out *o, bool ok);

void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Every problem in a list to stderr, as FILE:LINE:COL: error: MESSAGE
 * (FILE: error: MESSAGE without a position; path stands in for a missing
 * file name); when the list is empty, one such line saying what code
 * means. */
void cli_print_errors(const pc_errors *errors, const char *path, int code);
/* "file:line:column: note: message" on standard error, after an error it
 * explains. */
void cli_print_note(const char *file, unsigned line, unsigned column,
		    const char *message);

/* Parse a decimal byte count (1 or more); 0 or -1. */
int cli_parse_size(const char *text, uint64_t *out);

/* A set of files by identity (device and inode; the path text when the
 * file cannot be looked at): "plans/../rules/a.yaml" and "rules/a.yaml"
 * are one file. */
typedef struct cli_file {
	bool has_id;
	dev_t dev;
	ino_t ino;
	const char *path;
} cli_file;

typedef struct cli_file_set {
	cli_file *items;
	size_t count, cap;
} cli_file_set;

/* 1 when path is in the set. */
int cli_file_set_has(const cli_file_set *s, const char *path);
/* Add path (not copied: it must outlive the set): 1 added, 0 already
 * there, -1 out of memory. */
int cli_file_set_add(cli_file_set *s, const char *path);
void cli_file_set_free(cli_file_set *s);

/* Width in characters, for aligned tables; and a cleaned copy of s (no
 * control characters) appended to out with padding to width. */
size_t cli_width(const char *s);
void cli_put_padded(FILE *out, const char *s, size_t width);
#endif
