/* cli.c - `plancheck`: main, the subcommand table, and what the
 * subcommands share (option parsing, error messages, file identity).
 *
 * Exit status is 0, 1 or 2 and nothing else (cli.md): every path out of
 * main goes through one of the subcommands' returns or EXIT_TROUBLE. */
#include "cli.h"
#include "alloc.h"
#include "output.h"
#include "problems.h"
#include "strbuf.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

static int cli_version(int argc, char **argv);
static int cli_help(int argc, char **argv);

/* Adding a subcommand is one line here (run NULL: reserved, not yet
 * implemented). Order is the order of `plancheck --help`. */
static const struct command {
	const char *name;
	cli_run run;
	const char *summary;
} commands[] = {
	{ "check", cli_check, "validate plans against rules; the main job" },
	{ "report", cli_report, "auditor's compliance report (md, html)" },
	{ "stats", cli_stats, "restructuring figures: reductions, merged titles, task completion" },
	{ "rules", cli_rules, "list the rules of rule files, or explain one" },
	{ "version", cli_version, "print the version" },
	{ "help", cli_help, "show this help, or a command's help" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void main_usage(FILE *out)
{
	size_t i;

	fputs("usage: plancheck COMMAND [options] [ARGS]\n"
	      "\n"
	      "Check organisational restructuring plans (YAML) against rule "
	      "packs.\n"
	      "\n"
	      "commands:\n", out);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s%s\n", commands[i].name,
			commands[i].summary,
			commands[i].run ? "" : " (not available yet)");
	fputs("\n"
	      "Run 'plancheck COMMAND --help' for the options of a command.\n"
	      "Exit status: 0 nothing to report, 1 findings at or above "
	      "--fail-on,\n"
	      "2 the run could not judge (bad usage, unreadable or invalid "
	      "input).\n", out);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int run_command(const struct command *cmd, int argc, char **argv)
{
	if (!cmd->run) {
		cli_error("'%s' is not available yet in this version",
			  cmd->name);
		fputs("Run 'plancheck --help' for the commands there are.\n",
		      stderr);
		return EXIT_TROUBLE;
	}
	return cmd->run(argc, argv);
}

static void unknown_command(const char *name)
{
	const char *names[NCOMMANDS + 1];
	const char *guess;
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	names[NCOMMANDS] = NULL;
	guess = name[0] == '-' ? NULL : prob_suggest(name, names);
	if (name[0] == '-')
		cli_error("unknown option '%s'", name);
	else if (guess)
		cli_error("'%s' is not a plancheck command; did you mean '%s'?",
			  name, guess);
	else
		cli_error("'%s' is not a plancheck command", name);
	fputs("usage: plancheck COMMAND [options] [ARGS]\n"
	      "Try 'plancheck --help' for the list of commands.\n", stderr);
}

static int cli_version(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0)) {
		fputs("usage: plancheck version\n\n"
		      "Print the name and version of plancheck.\n", stdout);
		return EXIT_CLEAN;
	}
	if (argc > 1) {
		cli_usage_error("version", "plancheck version",
				"'version' takes no arguments");
		return EXIT_TROUBLE;
	}
	printf("plancheck %s\n", pc_version());
	return EXIT_CLEAN;
}

static int cli_help(int argc, char **argv)
{
	const struct command *cmd;
	char *sub[3];

	if (argc == 1 || (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
					strcmp(argv[1], "-h") == 0))) {
		main_usage(stdout);
		return EXIT_CLEAN;
	}
	if (argc > 2) {
		cli_usage_error("help", "plancheck help [COMMAND]",
				"'help' takes at most one command name");
		return EXIT_TROUBLE;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		unknown_command(argv[1]);
		return EXIT_TROUBLE;
	}
	if (cmd->run == cli_help) {
		main_usage(stdout);
		return EXIT_CLEAN;
	}
	/* `plancheck help check` is `plancheck check --help` */
	sub[0] = argv[1];
	sub[1] = (char *)"--help";
	sub[2] = NULL;
	return run_command(cmd, 2, sub);
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int status;

	/* A reader that goes away (plancheck check ... | head) makes a write
	 * fail with EPIPE, reported as any write error (exit 2), instead of
	 * killing the process with a status cli.md does not allow. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		main_usage(stderr);
		return EXIT_TROUBLE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_usage(stdout);
		status = EXIT_CLEAN;
		goto out;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("plancheck %s\n", pc_version());
		status = EXIT_CLEAN;
		goto out;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		unknown_command(argv[1]);
		return EXIT_TROUBLE;
	}
	status = run_command(cmd, argc - 1, argv + 1);
out:
	/* Output that never reached its file is a failed run (reported
	 * once: a subcommand that failed already said why). */
	if ((fflush(stdout) != 0 || ferror(stdout)) &&
	    status != EXIT_TROUBLE) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno ? errno : EIO));
		status = EXIT_TROUBLE;
	}
	if (status != EXIT_CLEAN && status != EXIT_FINDINGS)
		status = EXIT_TROUBLE;
	return status;
}

/* ---- option parsing ---- */

void cli_parser_init(cli_parser *p, const char *command, const char *usage,
		     const cli_option *options, int argc, char **argv)
{
	memset(p, 0, sizeof *p);
	p->command = command;
	p->usage = usage;
	p->options = options;
	p->argc = argc;
	p->argv = argv;
	p->index = 1;
}

static void unknown_option(cli_parser *p, const char *arg)
{
	const char *names[64];
	char want[128];
	const char *guess = NULL;
	size_t n = 0, i;

	/* suggest among the long names, for long options only */
	if (arg[0] == '-' && arg[1] == '-') {
		snprintf(want, sizeof want, "%.*s", (int)strcspn(arg + 2, "="),
			 arg + 2);
		for (i = 0; p->options[i].id && n + 1 < 64; i++)
			names[n++] = p->options[i].long_name;
		names[n] = NULL;
		guess = prob_suggest(want, names);
	}
	if (guess)
		cli_usage_error(p->command, p->usage,
				"unknown option '%s'; did you mean '--%s'?",
				arg, guess);
	else
		cli_usage_error(p->command, p->usage, "unknown option '%s'",
				arg);
}

/* The short option at p->cluster (a letter of -abc or -rFILE): its id,
 * *arg set when it takes a value; CLI_ERROR (reported) when unknown or
 * its value is missing. */
static int next_short(cli_parser *p, const char **arg)
{
	const cli_option *o;
	const char *a = p->cluster;

	for (o = p->options; o->id; o++)
		if (o->short_name && o->short_name == *a)
			break;
	if (!o->id) {
		char bad[3] = { '-', *a, '\0' };
		unknown_option(p, bad);
		return CLI_ERROR;
	}
	p->cluster = a + 1;
	p->name = o->long_name;
	if (!o->has_arg)
		return o->id;
	if (*p->cluster) {            /* -rFILE */
		*arg = p->cluster;
		p->cluster = NULL;
		return o->id;
	}
	p->cluster = NULL;
	if (p->index >= p->argc) {
		cli_usage_error(p->command, p->usage,
				"option '-%c' needs a value", o->short_name);
		return CLI_ERROR;
	}
	*arg = p->argv[p->index++];
	return o->id;
}

int cli_next(cli_parser *p, const char **arg)
{
	const cli_option *o;
	const char *a, *eq;
	size_t len;

	*arg = NULL;
	if (p->cluster && *p->cluster)
		return next_short(p, arg);
	p->cluster = NULL;
	if (p->index >= p->argc)
		return CLI_END;
	a = p->argv[p->index++];
	if (p->operands_only || a[0] != '-' || a[1] == '\0') {
		*arg = a;
		return CLI_POSITIONAL;
	}
	if (strcmp(a, "--") == 0) {
		/* Everything after it is an operand, even "-x". */
		p->operands_only = true;
		if (p->index >= p->argc)
			return CLI_END;
		*arg = p->argv[p->index++];
		return CLI_POSITIONAL;
	}
	if (a[1] == '-') {
		eq = strchr(a + 2, '=');
		len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		for (o = p->options; o->id; o++)
			if (strlen(o->long_name) == len &&
			    memcmp(o->long_name, a + 2, len) == 0)
				break;
		if (!o->id) {
			unknown_option(p, a);
			return CLI_ERROR;
		}
		p->name = o->long_name;
		if (!o->has_arg) {
			if (eq) {
				cli_usage_error(p->command, p->usage,
						"option '--%s' takes no value",
						o->long_name);
				return CLI_ERROR;
			}
			return o->id;
		}
		if (eq) {
			*arg = eq + 1;
			return o->id;
		}
		if (p->index >= p->argc) {
			cli_usage_error(p->command, p->usage,
					"option '--%s' needs a value",
					o->long_name);
			return CLI_ERROR;
		}
		*arg = p->argv[p->index++];
		return o->id;
	}
	p->cluster = a + 1;
	return next_short(p, arg);
}

/* ---- messages ---- */

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("plancheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_usage_error(const char *command, const char *usage,
		     const char *fmt, ...)
{
	va_list ap;

	fputs("plancheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\nTry 'plancheck %s --help' for more "
		"information.\n", usage, command);
}

/* Messages quote names from the input: keep them on one line and free of
 * terminal escapes, as the text output does. */
static void put_clean(FILE *out, const char *s)
{
	strbuf b;

	sb_init(&b);
	out_text_clean(&b, s, strlen(s));
	if (!b.failed && b.len)
		fwrite(b.data, 1, b.len, out);
	else if (b.failed)
		fputs(s, out);
	sb_free(&b);
}

void cli_print_errors(const pc_errors *errors, const char *path, int code)
{
	size_t i, n = pc_errors_count(errors);

	for (i = 0; i < n; i++) {
		const pc_error *e = pc_errors_get(errors, i);
		const char *file = e->file ? e->file : path;

		/* the file first, always: editors jump to it, scripts grep
		 * for it */
		if (file) {
			put_clean(stderr, file);
			if (e->line) {
				fprintf(stderr, ":%u", e->line);
				if (e->column)
					fprintf(stderr, ":%u", e->column);
			}
		} else {
			fputs("plancheck", stderr);
		}
		fputs(": error: ", stderr);
		put_clean(stderr, e->message ? e->message : pc_strerror(code));
		fputc('\n', stderr);
	}
	if (n == 0) {
		if (path)
			put_clean(stderr, path);
		else
			fputs("plancheck", stderr);
		fprintf(stderr, ": error: %s\n", pc_strerror(code));
	}
}

void cli_print_note(const char *file, unsigned line, unsigned column,
		    const char *message)
{
	put_clean(stderr, file);
	if (line) {
		fprintf(stderr, ":%u", line);
		if (column)
			fprintf(stderr, ":%u", column);
	}
	fputs(": note: ", stderr);
	put_clean(stderr, message);
	fputc('\n', stderr);
}

int cli_parse_size(const char *text, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!*text)
		return -1;
	for (p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

/* ---- file identity ---- */

static void file_identify(cli_file *f, const char *path)
{
	struct stat st;

	memset(f, 0, sizeof *f);
	f->path = path;
	if (stat(path, &st) == 0) {
		f->has_id = true;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
}

static bool file_same(const cli_file *a, const cli_file *b)
{
	if (a->has_id && b->has_id)
		return a->dev == b->dev && a->ino == b->ino;
	return !a->has_id && !b->has_id && strcmp(a->path, b->path) == 0;
}

int cli_file_set_has(const cli_file_set *s, const char *path)
{
	cli_file f;
	size_t i;

	file_identify(&f, path);
	for (i = 0; i < s->count; i++)
		if (file_same(&s->items[i], &f))
			return 1;
	return 0;
}

int cli_file_set_add(cli_file_set *s, const char *path)
{
	cli_file f;
	size_t i;

	file_identify(&f, path);
	for (i = 0; i < s->count; i++)
		if (file_same(&s->items[i], &f))
			return 0;
	if (pc_grow(&s->items, &s->cap, s->count + 1, sizeof *s->items) < 0)
		return -1;
	s->items[s->count++] = f;
	return 1;
}

void cli_file_set_free(cli_file_set *s)
{
	if (!s)
		return;
	pc_free(s->items);
	memset(s, 0, sizeof *s);
}

size_t cli_width(const char *s)
{
	return out_utf8_width(s);
}

void cli_put_padded(FILE *out, const char *s, size_t width)
{
	size_t w;

	put_clean(out, s);
	for (w = cli_width(s); w < width; w++)
		fputc(' ', out);
}

/* ---- output files -------------------------------------------------------- */

int cli_out_open(cli_out *o)
{
	struct stat st;
	mode_t mask, mode;
	size_t size;
	int fd;

	if (!o->path) {
		o->file = stdout;
		return 0;
	}
	if (stat(o->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("cannot write to '%s': it is a directory", o->path);
		return -1;
	}
	if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* a device or a pipe (/dev/stdout, /dev/full) is written in
		 * place: renaming over it would replace the device */
		o->direct = true;
		o->file = fopen(o->path, "w");
		if (!o->file) {
			cli_error("cannot write to '%s': %s", o->path,
				  strerror(errno));
			return -1;
		}
		return 0;
	}
	mask = umask(0);
	umask(mask);
	mode = (stat(o->path, &st) == 0) ? (st.st_mode & 07777)
					 : (0666 & ~mask);
	size = strlen(o->path) + sizeof ".tmp-XXXXXX";
	o->tmp_path = pc_malloc(size);
	if (!o->tmp_path) {
		cli_error("out of memory");
		return -1;
	}
	snprintf(o->tmp_path, size, "%s.tmp-XXXXXX", o->path);
	fd = mkstemp(o->tmp_path);
	if (fd < 0) {
		cli_error("cannot write to '%s': %s", o->path, strerror(errno));
		pc_free(o->tmp_path);
		o->tmp_path = NULL;
		return -1;
	}
	(void)fchmod(fd, mode);
	o->file = fdopen(fd, "w");
	if (!o->file) {
		cli_error("cannot write to '%s': %s", o->path, strerror(errno));
		close(fd);
		unlink(o->tmp_path);
		pc_free(o->tmp_path);
		o->tmp_path = NULL;
		return -1;
	}
	return 0;
}

int cli_out_close(cli_out *o, bool ok)
{
	int err = 0;

	if (!o->file || o->file == stdout) {
		o->file = NULL;
		return ok ? 0 : -1;
	}
	if (ok && fflush(o->file) != 0)
		err = errno ? errno : EIO;
	if (ok && !err && !o->direct && fsync(fileno(o->file)) != 0 &&
	    errno != EINVAL && errno != EROFS)
		err = errno;
	if (fclose(o->file) != 0 && ok && !err)
		err = errno ? errno : EIO;
	o->file = NULL;
	if (ok && !err && o->tmp_path && rename(o->tmp_path, o->path) != 0)
		err = errno;
	if (err)
		cli_error("cannot write to '%s': %s", o->path, strerror(err));
	if ((!ok || err) && o->tmp_path)
		unlink(o->tmp_path);
	pc_free(o->tmp_path);
	o->tmp_path = NULL;
	return ok && !err ? 0 : -1;
}
