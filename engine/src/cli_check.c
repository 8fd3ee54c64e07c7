/* cli_check.c - `plancheck check`: load each plan and its rules, check it,
 * write every output, and turn the findings into an exit status.
 *
 * Plans are independent: each gets its own rule set (its `rules:` list
 * plus every -r, each file loaded once). Every plan is loaded even after
 * one fails, so one run reports every problem; but if any plan cannot be
 * judged the run writes no output at all (exit 2), never a partial one.
 *
 * Outputs: each -f starts a new output unless the latest one has no
 * format yet, and each -o likewise with the path, so
 * `-f json -o a.json -f text` writes JSON to a.json and text to standard
 * output, and `-o a.json -f json` is one output. A file output is written
 * to FILE.tmp-XXXXXX beside it and renamed over FILE once complete.
 *
 * A directory operand stands for every plan file below it: each *.yaml or
 * *.yml file whose first key is `plancheck: plan/1`, in bytewise order of
 * their paths; rule packs and other YAML are passed over.
 *
 * -j N checks up to N plans at a time: worker threads take the next plan
 * index from an atomic counter and load, gather rules for and check that
 * plan on their own. A worker writes nothing: what a plan has to say on
 * standard error is kept with the plan (its pc_errors lists) and printed
 * by the main thread in argument order once every plan is done, before
 * the outputs are written as for one plan at a time. So standard output,
 * standard error, the files written and the exit status are the same
 * bytes for every N. Threads and not processes: the outputs take all the
 * reports at once (pc_write), and a report points into its plan and rule
 * set; worker processes would have to send those object graphs back
 * through a pipe, a serialisation the library does not have. Threads
 * share them for free, and the library keeps no global state (see
 * plancheck.h). */
#include "cli.h"
#include "alloc.h"
#include "arena.h"
#include "output.h"
#include "regex.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_line[] = "plancheck check [options] PLAN...";

enum {
	OPT_RULES = 1, OPT_AS_OF, OPT_FORMAT, OPT_OUTPUT, OPT_FAIL_ON,
	OPT_ONLY, OPT_SKIP, OPT_COLOR, OPT_QUIET, OPT_MAX_FILE_SIZE, OPT_HELP,
	OPT_ROOT, OPT_CSV_BOM, OPT_JOBS
};

static const cli_option options[] = {
	{ "rules", 'r', true, OPT_RULES },
	{ "as-of", 0, true, OPT_AS_OF },
	{ "format", 'f', true, OPT_FORMAT },
	{ "output", 'o', true, OPT_OUTPUT },
	{ "fail-on", 0, true, OPT_FAIL_ON },
	{ "only", 0, true, OPT_ONLY },
	{ "skip", 0, true, OPT_SKIP },
	{ "color", 0, true, OPT_COLOR },
	{ "quiet", 'q', false, OPT_QUIET },
	{ "max-file-size", 0, true, OPT_MAX_FILE_SIZE },
	{ "root", 0, true, OPT_ROOT },
	{ "csv-bom", 0, false, OPT_CSV_BOM },
	{ "jobs", 'j', true, OPT_JOBS },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 }
};

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* --fail-on never: a level no finding reaches. */
#define FAIL_NEVER (PC_SEV_ERROR + 1)

typedef struct output {
	pc_format format;
	bool has_format;
	cli_out dest;           /* where it goes (cli.h) */
} output;

/* One problem a plan's check ran into, kept for the main thread to
 * print (a worker thread never writes to standard error). */
enum note_kind {
	NOTE_PLAN,              /* loading or checking the plan failed */
	NOTE_RULE_SET,          /* no rule set could be made for it */
	NOTE_RULE_FILE,         /* a rule file failed: printed for the first
				 * plan that names it only */
	NOTE_NOMEM              /* out of memory, outside any file */
};

typedef struct plan_note {
	enum note_kind kind;
	const char *path;       /* the file; stands in for a missing name */
	pc_errors *errors;      /* owned; NULL: one line saying what code is */
	int code;               /* the pc_code that failed */
	/* NOTE_RULE_FILE named in a plan's `rules:`: where (else NULL) */
	const char *named_in;
	unsigned named_line, named_col;
} plan_note;

typedef struct plan_run {
	const char *path;
	pc_plan *plan;
	pc_ruleset *rules;
	pc_report *report;
	bool failed;            /* cannot be judged */
	plan_note *notes;       /* in the order a serial run meets them */
	size_t nnotes, notes_cap;
	bool notes_lost;        /* a note could not be kept: out of memory */
} plan_run;

/* What to suggest once all problems are listed: one hint per kind. */
enum {
	HINT_IO = 1 << 0,
	HINT_SYNTAX = 1 << 1,
	HINT_LIMIT = 1 << 2,
	HINT_RULES = 1 << 3,
	HINT_PLAN_KIND = 1 << 4,
	HINT_REGEX = 1 << 5,
	HINT_MEMORY = 1 << 6
};

typedef struct check_args {
	const char **rule_files;
	size_t nrule_files, rule_files_cap;
	const char **plans;
	size_t nplans, plans_cap;
	output *outputs;
	size_t noutputs, outputs_cap;
	pc_date as_of;
	int fail_on;
	const char *only, *skip;
	enum color_mode color;
	bool quiet;
	pc_limits limits;
	const char *root;       /* --root: SARIF and GitHub paths relative to it */
	bool csv_bom;
	size_t jobs;            /* -j: plans checked at a time */
	char **found;           /* plan paths found below directory operands */
	size_t nfound, found_cap;
} check_args;

static void help(void)
{
	size_t i;
	const char *name;

	fputs("usage: plancheck check [options] PLAN...\n"
	      "\n"
	      "Check each plan against its rules (the files in its `rules:` "
	      "plus every -r)\n"
	      "and report the findings. Plans are checked independently and "
	      "reported together.\n"
	      "\n"
	      "options:\n"
	      "  -r, --rules FILE       load a rule file (repeatable); added to "
	      "each plan's own\n"
	      "                         `rules:`\n"
	      "      --as-of DATE       reference date for deadline rules, "
	      "YYYY-MM-DD (default:\n"
	      "                         the plan's as_of, else today)\n"
	      "  -f, --format F         output format:", stdout);
	for (i = 0; (name = output_format_name_at(i)); i++)
		printf("%s %s%s", i ? "," : "", name, i ? "" : " (default)");
	fputs("\n"
	      "  -o, --output FILE      write there instead of standard output;"
	      " FILE is\n"
	      "                         replaced only once the output is "
	      "complete\n"
	      "      --fail-on S        exit 1 on a finding of this severity or "
	      "above: error\n"
	      "                         (default), warning, info, never\n"
	      "      --only REGEX       run only the rules whose id matches "
	      "(PCRE2)\n"
	      "      --skip REGEX       skip the rules whose id matches (PCRE2);\n"
	      "                         structural plan/ findings are always "
	      "reported\n"
	      "      --color WHEN       auto (default: only on a terminal, and "
	      "not when\n"
	      "                         NO_COLOR is set), always, never\n"
	      "  -q, --quiet            print findings only, no summary\n"
	      "      --max-file-size N  largest input file, in bytes (default "
	      "268435456)\n"
	      "      --root DIR         sarif, github: file paths relative to "
	      "DIR (default: the\n"
	      "                         working directory), e.g. the "
	      "repository's top\n"
	      "      --csv-bom          csv: start with a UTF-8 byte order mark "
	      "(for Excel)\n"
	      "  -j, --jobs N           check up to N plans at a time "
	      "(default: the number of\n"
	      "                         online processors; 1: one after the "
	      "other), and run a\n"
	      "                         plan's rules on the jobs that fewer "
	      "plans leave free;\n"
	      "                         the output is the same for every N\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "PLAN may be a directory: every *.yaml or *.yml file below it "
	      "whose first key\n"
	      "is `plancheck: plan/1` is checked, in order of their paths; rule "
	      "packs and\n"
	      "other YAML are passed over (so are names starting with a dot).\n"
	      "\n"
	      "Several outputs: each -f starts a new output, and each -o sends "
	      "the output of\n"
	      "the -f before it to FILE (an -o that comes first goes with the "
	      "next -f), as in\n"
	      "  plancheck check -f text -f sarif -o plancheck.sarif plans/\n"
	      "(text to standard output, SARIF to plancheck.sarif) or\n"
	      "  plancheck check -f json -o report.json -f text plan.yaml\n"
	      "\n"
	      "Exit status: 0 no finding at or above --fail-on (waived findings "
	      "do not\n"
	      "count), 1 at least one, 2 the run could not judge: bad usage, an "
	      "unreadable\n"
	      "file, a YAML syntax error, an invalid rule file, a resource limit."
	      " Then\n"
	      "nothing is written to the outputs.\n", stdout);
}

static int push_str(const char ***arr, size_t *n, size_t *cap, const char *s)
{
	if (pc_grow(arr, cap, *n + 1, sizeof **arr) < 0)
		return -1;
	(*arr)[(*n)++] = s;
	return 0;
}

/* The output a -f or -o applies to: the latest one when it lacks that
 * setting, else a new one. NULL when out of memory. */
static output *output_for(check_args *a, bool for_format)
{
	output *o;

	if (a->noutputs) {
		o = &a->outputs[a->noutputs - 1];
		if (for_format ? !o->has_format : !o->dest.path)
			return o;
	}
	if (pc_grow(&a->outputs, &a->outputs_cap, a->noutputs + 1,
		    sizeof *a->outputs) < 0)
		return NULL;
	o = &a->outputs[a->noutputs++];
	memset(o, 0, sizeof *o);
	o->format = PC_FORMAT_TEXT;
	return o;
}

static void format_names(char *buf, size_t len)
{
	const char *name;
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; (name = output_format_name_at(i)) && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", name);
}

static int check_regex(const char *option, const char *pattern,
		       const pc_limits *limits)
{
	char err[256];
	size_t offset = 0;
	arena a;
	int rc = 0;

	arena_init(&a);
	if (!regex_compile(&a, pattern, strlen(pattern), limits, err,
			   sizeof err, &offset)) {
		cli_error("%s: invalid regular expression '%s' at offset %zu: %s",
			  option, pattern, offset, err);
		fputs("hint: --only and --skip take a PCRE2 expression matched "
		      "against rule ids,\n"
		      "      e.g. --only '^dan-van' or --skip 'deadline$'\n",
		      stderr);
		rc = -1;
	}
	arena_free(&a);
	return rc;
}

/* -j by default: one worker per online processor. */
static size_t default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (size_t)n : 1;
}

/* A large plan is parsed on a thread of its own while its model is built
 * (pc_limits parse_thread_min), so each plan checked takes two
 * processors at times: when the plans checked at once already take every
 * processor, the second thread would only make them wait for each other. */
static uint64_t parse_thread_min(const check_args *a)
{
	size_t at_once = a->jobs < a->nplans ? a->jobs : a->nplans;

	if (at_once > 1 && at_once * 2 > default_jobs())
		return 0;
	return a->limits.parse_thread_min;
}

/* The threads one plan's rules may run on: the jobs that fewer plans
 * than -j leave free (one plan and -j 2: two). */
static unsigned rule_threads(const check_args *a)
{
	size_t at_once = a->jobs < a->nplans ? a->jobs : a->nplans;
	size_t n = at_once ? a->jobs / at_once : 1;

	return n > 64 ? 64 : (unsigned)n;
}

/* Parse the command line into *a. EXIT_CLEAN to go on, -1 after --help
 * (done, exit 0), EXIT_TROUBLE on a usage error (reported). */
static int parse_args(check_args *a, int argc, char **argv)
{
	cli_parser p;
	const char *arg;
	output *o;
	char names[128];
	size_t i, j, to_stdout = 0;
	int id;

	a->as_of = PC_NODATE;
	a->fail_on = PC_SEV_ERROR;
	a->color = COLOR_AUTO;
	a->jobs = default_jobs();
	pc_limits_default(&a->limits);
	cli_parser_init(&p, "check", usage_line, options, argc, argv);
	while ((id = cli_next(&p, &arg)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			return EXIT_TROUBLE;
		case CLI_POSITIONAL:
			if (!*arg) {
				cli_usage_error("check", usage_line,
						"a PLAN name is empty");
				return EXIT_TROUBLE;
			}
			if (push_str(&a->plans, &a->nplans, &a->plans_cap,
				     arg) < 0)
				goto nomem;
			break;
		case OPT_HELP:
			help();
			return -1;
		case OPT_RULES:
			if (!*arg) {
				cli_usage_error("check", usage_line,
						"--rules needs a file name");
				return EXIT_TROUBLE;
			}
			if (push_str(&a->rule_files, &a->nrule_files,
				     &a->rule_files_cap, arg) < 0)
				goto nomem;
			break;
		case OPT_AS_OF:
			if (pc_date_parse(arg, strlen(arg), &a->as_of) < 0) {
				cli_usage_error("check", usage_line,
						"--as-of: '%s' is not a date; "
						"write YYYY-MM-DD, e.g. "
						"2019-06-30", arg);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_FORMAT:
			o = output_for(a, true);
			if (!o)
				goto nomem;
			if (output_format_parse(arg, &o->format) < 0) {
				format_names(names, sizeof names);
				cli_usage_error("check", usage_line,
						"unknown format '%s' (choose "
						"from: %s)", arg, names);
				return EXIT_TROUBLE;
			}
			o->has_format = true;
			break;
		case OPT_OUTPUT:
			o = output_for(a, false);
			if (!o)
				goto nomem;
			if (!*arg) {
				cli_usage_error("check", usage_line,
						"--output needs a file name");
				return EXIT_TROUBLE;
			}
			o->dest.path = arg;
			break;
		case OPT_FAIL_ON:
			if (strcmp(arg, "error") == 0)
				a->fail_on = PC_SEV_ERROR;
			else if (strcmp(arg, "warning") == 0)
				a->fail_on = PC_SEV_WARNING;
			else if (strcmp(arg, "info") == 0)
				a->fail_on = PC_SEV_INFO;
			else if (strcmp(arg, "never") == 0)
				a->fail_on = FAIL_NEVER;
			else {
				cli_usage_error("check", usage_line,
						"--fail-on: unknown level '%s' "
						"(choose from: error, warning, "
						"info, never)", arg);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_ONLY:
		case OPT_SKIP:
			if ((id == OPT_ONLY ? a->only : a->skip) != NULL) {
				cli_usage_error("check", usage_line,
						"--%s given twice; join the "
						"expressions with |, e.g. "
						"'a|b'", p.name);
				return EXIT_TROUBLE;
			}
			if (id == OPT_ONLY)
				a->only = arg;
			else
				a->skip = arg;
			break;
		case OPT_COLOR:
			if (strcmp(arg, "auto") == 0)
				a->color = COLOR_AUTO;
			else if (strcmp(arg, "always") == 0)
				a->color = COLOR_ALWAYS;
			else if (strcmp(arg, "never") == 0)
				a->color = COLOR_NEVER;
			else {
				cli_usage_error("check", usage_line,
						"--color: unknown value '%s' "
						"(choose from: auto, always, "
						"never)", arg);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_QUIET:
			a->quiet = true;
			break;
		case OPT_ROOT: {
			struct stat st;

			if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
				cli_usage_error("check", usage_line,
						"--root: '%s' is not a "
						"directory", arg);
				return EXIT_TROUBLE;
			}
			a->root = arg;
			break;
		}
		case OPT_CSV_BOM:
			a->csv_bom = true;
			break;
		case OPT_JOBS: {
			uint64_t jobs;

			if (cli_parse_size(arg, &jobs) < 0) {
				cli_usage_error("check", usage_line,
						"--jobs: '%s' is not a number "
						"of jobs (a whole number, 1 or "
						"more)", arg);
				return EXIT_TROUBLE;
			}
			/* more workers than plans would idle: the count
			 * is capped at the number of plans later */
			a->jobs = jobs > SIZE_MAX ? SIZE_MAX : (size_t)jobs;
			break;
		}
		case OPT_MAX_FILE_SIZE:
			if (cli_parse_size(arg, &a->limits.max_file_size) < 0) {
				cli_usage_error("check", usage_line,
						"--max-file-size: '%s' is not a "
						"byte count (a whole number, 1 "
						"or more)", arg);
				return EXIT_TROUBLE;
			}
			break;
		default:
			break;
		}
	}
	if (a->nplans == 0) {
		cli_usage_error("check", usage_line, "no plan given");
		return EXIT_TROUBLE;
	}
	if (a->noutputs == 0 && !output_for(a, true))
		goto nomem;
	for (i = 0; i < a->noutputs; i++) {
		if (!a->outputs[i].dest.path) {
			to_stdout++;
			continue;
		}
		for (j = 0; j < i; j++) {
			if (a->outputs[j].dest.path &&
			    strcmp(a->outputs[j].dest.path, a->outputs[i].dest.path) == 0) {
				cli_usage_error("check", usage_line,
						"two outputs go to '%s'",
						a->outputs[i].dest.path);
				return EXIT_TROUBLE;
			}
		}
	}
	if (to_stdout > 1) {
		cli_usage_error("check", usage_line,
				"%zu outputs go to standard output; give "
				"each -f but one its own -o FILE", to_stdout);
		return EXIT_TROUBLE;
	}
	if (a->only && check_regex("--only", a->only, &a->limits) < 0)
		return EXIT_TROUBLE;
	if (a->skip && check_regex("--skip", a->skip, &a->limits) < 0)
		return EXIT_TROUBLE;
	return EXIT_CLEAN;
nomem:
	cli_error("out of memory");
	return EXIT_TROUBLE;
}

static unsigned hint_for(int code, bool is_plan)
{
	switch (code) {
	case PC_EIO: return HINT_IO;
	case PC_ESYNTAX: return HINT_SYNTAX;
	case PC_ELIMIT: return HINT_LIMIT;
	case PC_EINVALID: return is_plan ? HINT_PLAN_KIND : HINT_RULES;
	case PC_EREGEX: return HINT_REGEX;
	case PC_ENOMEM: return HINT_MEMORY;
	default: return 0;
	}
}

static void print_hints(unsigned hints)
{
	if (hints & HINT_IO)
		fputs("hint: check that each file named exists and is a "
		      "readable file\n", stderr);
	if (hints & HINT_SYNTAX)
		fputs("hint: fix the YAML syntax at the position shown; "
		      "nothing was checked\n", stderr);
	if (hints & HINT_LIMIT)
		fputs("hint: an input exceeds one of plancheck's limits (see "
		      "the message); nothing\n"
		      "      was checked. Only the file size limit can be "
		      "raised (--max-file-size)\n", stderr);
	if (hints & HINT_RULES)
		fputs("hint: fix the rule file at the positions shown; "
		      "'plancheck rules -r FILE list'\n"
		      "      loads a rule file on its own\n", stderr);
	if (hints & HINT_PLAN_KIND)
		fputs("hint: a plan starts with 'plancheck: plan/1'; give rule "
		      "files ('plancheck: rules/1')\n"
		      "      with -r/--rules\n", stderr);
	if (hints & HINT_REGEX)
		fputs("hint: --only and --skip take a PCRE2 expression matched "
		      "against rule ids\n", stderr);
	if (hints & HINT_MEMORY)
		fputs("hint: the run ran out of memory; check fewer or smaller "
		      "plans at a time\n", stderr);
}

/* Keep a problem of run's for the main thread to print, taking over
 * errors: the note, or NULL when it cannot be kept (out of memory; the
 * run says so instead, after the notes it kept). */
static plan_note *add_note(plan_run *run, enum note_kind kind,
			   const char *path, pc_errors *errors, int code)
{
	plan_note *n;

	if (pc_grow(&run->notes, &run->notes_cap, run->nnotes + 1,
		    sizeof *run->notes) < 0) {
		pc_errors_free(errors);
		run->notes_lost = true;
		return NULL;
	}
	n = &run->notes[run->nnotes++];
	n->kind = kind;
	n->path = path;
	n->errors = errors;
	n->code = code;
	n->named_in = NULL;
	n->named_line = n->named_col = 0;
	return n;
}

/* Load rule file path into run's set unless this plan has it already.
 * from_plan: it is the plan's rule file number i (its note says where the
 * plan names it), else (SIZE_MAX) it came with -r. Returns 0, or -1
 * (noted). */
static int load_rules(plan_run *run, const char *path, size_t from_plan,
		      cli_file_set *seen, const pc_limits *limits)
{
	pc_errors *errors = NULL;
	int rc;

	rc = cli_file_set_add(seen, path);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		add_note(run, NOTE_NOMEM, NULL, NULL, PC_ENOMEM);
		return -1;
	}
	rc = pc_ruleset_load(run->rules, path, limits, &errors);
	if (rc < 0) {
		plan_note *n = add_note(run, NOTE_RULE_FILE, path, errors, rc);

		if (n && from_plan != SIZE_MAX &&
		    pc_plan_rule_file_at(run->plan, from_plan, &n->named_line,
					 &n->named_col) == 0)
			n->named_in = pc_plan_file(run->plan);
		return -1;
	}
	pc_errors_free(errors);
	return 0;
}

/* Load, gather rules for and check one plan; run->failed when it cannot
 * be judged, with every problem noted. Touches nothing but run (and reads
 * a), so plans can be checked in parallel: this runs on worker threads. */
static void check_plan(plan_run *run, const check_args *a)
{
	pc_check_options opts;
	pc_errors *errors = NULL;
	cli_file_set seen;
	size_t i;
	int rc;

	memset(&seen, 0, sizeof seen);
	rc = pc_plan_load(run->path, &a->limits, &run->plan, &errors);
	if (rc < 0) {
		add_note(run, NOTE_PLAN, run->path, errors, rc);
		errors = NULL;
		run->failed = true;
		goto out;
	}
	rc = pc_ruleset_new(&run->rules);
	if (rc < 0) {
		add_note(run, NOTE_RULE_SET, run->path, NULL, rc);
		run->failed = true;
		goto out;
	}
	for (i = 0; i < pc_plan_rule_file_count(run->plan); i++)
		if (load_rules(run, pc_plan_rule_file(run->plan, i), i, &seen,
			       &a->limits) < 0)
			run->failed = true;
	for (i = 0; i < a->nrule_files; i++)
		if (load_rules(run, a->rule_files[i], SIZE_MAX, &seen,
			       &a->limits) < 0)
			run->failed = true;
	if (run->failed)
		goto out;

	memset(&opts, 0, sizeof opts);
	opts.as_of = a->as_of;
	opts.only = a->only;
	opts.skip = a->skip;
	opts.limits = &a->limits;
	opts.threads = rule_threads(a);
	pc_errors_free(errors);
	errors = NULL;
	rc = pc_check(run->plan, run->rules, &opts, &run->report, &errors);
	if (rc < 0) {
		add_note(run, NOTE_PLAN, run->path, errors, rc);
		errors = NULL;
		run->failed = true;
	}
out:
	/* a note that could not be kept is still a failure to report */
	if (run->notes_lost)
		run->failed = true;
	pc_errors_free(errors);
	cli_file_set_free(&seen);
}

/* Print what run ran into, on the main thread, exactly as checking the
 * plans one after the other prints it: a rule file that failed for an
 * earlier plan is not reported again (failed_rules holds those). */
static void print_notes(const plan_run *run, cli_file_set *failed_rules,
			unsigned *hints)
{
	const plan_note *n;
	size_t i;

	for (i = 0; i < run->nnotes; i++) {
		n = &run->notes[i];
		switch (n->kind) {
		case NOTE_NOMEM:
			*hints |= HINT_MEMORY;
			cli_error("out of memory");
			break;
		case NOTE_RULE_FILE:
			if (cli_file_set_has(failed_rules, n->path))
				break;
			cli_print_errors(n->errors, n->path, n->code);
			if (n->named_in)
				cli_print_note(n->named_in, n->named_line,
					       n->named_col,
					       "the plan names this rule file "
					       "here");
			*hints |= hint_for(n->code, false);
			if (cli_file_set_add(failed_rules, n->path) < 0)
				*hints |= HINT_MEMORY;
			break;
		case NOTE_PLAN:
		case NOTE_RULE_SET:
			cli_print_errors(n->errors, n->path, n->code);
			*hints |= hint_for(n->code, n->kind == NOTE_PLAN);
			break;
		}
	}
	if (run->notes_lost) {
		*hints |= HINT_MEMORY;
		cli_error("out of memory");
	}
}

/* ---- checking plans in parallel ---- */

/* Stack for each worker thread: what a main thread usually has, whatever
 * the C library's default for threads (128 KiB in musl). The library does
 * not recurse over input, but libyaml, PCRE2 and vsnprintf use some. */
#define WORKER_STACK_SIZE ((size_t)8 << 20)

/* The plans of one run and the counter their workers share. Nothing else
 * is shared: each plan_run is written by the one worker that took its
 * index, and read by the main thread only after every worker is joined. */
typedef struct plan_pool {
	plan_run *runs;
	size_t count;
	const check_args *args;
	atomic_size_t next;     /* index of the next plan to check */
} plan_pool;

static void check_plans_from(plan_pool *pool)
{
	size_t i;

	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->count)
		check_plan(&pool->runs[i], pool->args);
}

static void *worker_main(void *arg)
{
	check_plans_from(arg);
	return NULL;
}

/* PCRE2's JIT compiler finds out on first use whether executable memory
 * can be had, and which instructions the CPU has, and keeps the answers
 * in static variables written without a lock (its source says so: the
 * check "might run multiple times in multi-threaded environments"). The
 * answers are always the same, but two workers compiling rule packs at
 * once would race on them: compile one pattern here first, before any
 * worker starts, so that workers only read them. A repeated class of
 * several ranges is what makes the JIT look at the CPU. */
static void settle_regex_jit(void)
{
	static const char pattern[] = "[A-Z0-9-]*";
	char err[128];
	size_t offset;
	arena a;

	arena_init(&a);
	(void)regex_compile(&a, pattern, sizeof pattern - 1, NULL, err,
			    sizeof err, &offset);
	arena_free(&a);
}

/* Check every plan of runs, up to jobs at a time: jobs - 1 worker threads
 * and the calling thread take plans until none is left. A thread that
 * cannot be started only makes the run slower (the calling thread works
 * through whatever is left), never different. */
static void check_all(plan_run *runs, size_t count, const check_args *a,
		      size_t jobs)
{
	plan_pool pool;
	pthread_attr_t attr;
	pthread_t *threads = NULL;
	size_t i, started = 0, nthreads;
	bool has_attr;

	pool.runs = runs;
	pool.count = count;
	pool.args = a;
	atomic_init(&pool.next, 0);
	nthreads = (jobs < count ? jobs : count);
	nthreads = nthreads > 0 ? nthreads - 1 : 0;
	if (nthreads)
		threads = pc_calloc(nthreads, sizeof *threads);
	if (!threads)
		nthreads = 0;
	if (nthreads)
		settle_regex_jit();
	has_attr = nthreads && pthread_attr_init(&attr) == 0;
	if (has_attr)
		(void)pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i], has_attr ? &attr : NULL,
				   worker_main, &pool) != 0)
			break;
		started++;
	}
	if (has_attr)
		pthread_attr_destroy(&attr);
	check_plans_from(&pool);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pc_free(threads);
}

static int write_outputs(check_args *a, const pc_report *const *reports,
			 size_t count, int exit_code)
{
	pc_output_options opts;
	const char *env;
	size_t i;
	int status = 0, rc;
	bool ok;

	env = getenv("NO_COLOR");
	for (i = 0; i < a->noutputs; i++) {
		output *o = &a->outputs[i];

		if (cli_out_open(&o->dest) < 0) {
			status = -1;
			continue;
		}
		memset(&opts, 0, sizeof opts);
		opts.quiet = a->quiet;
		opts.exit_code = exit_code;
		opts.root = a->root;
		opts.csv_bom = a->csv_bom;
		if (a->color == COLOR_ALWAYS)
			opts.color = true;
		else if (a->color == COLOR_AUTO)
			opts.color = (!env || !*env) && isatty(fileno(o->dest.file));
		errno = 0;
		rc = pc_write(o->dest.file, o->format, reports, count, &opts);
		ok = rc == 0;
		if (!ok && o->dest.file == stdout)
			cli_error("cannot write to standard output: %s",
				  rc == PC_EIO && errno ? strerror(errno)
							: pc_strerror(rc));
		else if (!ok)
			cli_error("cannot write to '%s': %s", o->dest.path,
				  rc == PC_EIO && errno ? strerror(errno)
							: pc_strerror(rc));
		if (cli_out_close(&o->dest, ok) < 0)
			status = -1;
	}
	return status;
}

/* ---- directory operands ---- */

/* Deepest nesting of directories searched for plans, and how much of a
 * file is read to find its first key. */
#define PLAN_DIR_DEPTH 64
#define PLAN_HEAD_BYTES 65536

/* If q starts with word, bare or in matching quotes, the position after
 * it; else NULL. */
static const char *scan_word(const char *q, const char *end, const char *word)
{
	size_t n = strlen(word);
	char quote = 0;

	if (q < end && (*q == '"' || *q == '\''))
		quote = *q++;
	if ((size_t)(end - q) < n || memcmp(q, word, n) != 0)
		return NULL;
	q += n;
	if (quote) {
		if (q >= end || *q != quote)
			return NULL;
		q++;
	}
	return q;
}

static const char *skip_blanks(const char *q, const char *end)
{
	while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
		q++;
	return q;
}

/* Whether the line [q, end) is `plancheck: plan/1`, maybe quoted and
 * followed by a comment. */
static bool is_plan_line(const char *q, const char *end)
{
	const char *after;

	q = scan_word(q, end, "plancheck");
	if (!q)
		return false;
	q = skip_blanks(q, end);
	if (q >= end || *q != ':')
		return false;
	q++;
	if (q < end && *q != ' ' && *q != '\t')
		return false;
	q = skip_blanks(q, end);
	q = scan_word(q, end, "plan/1");
	if (!q)
		return false;
	after = skip_blanks(q, end);
	return after == end || (*after == '#' && after > q);
}

/* Whether text starts a plan: its first key, after comments, blank
 * lines, directives and a document marker, is `plancheck: plan/1`. */
static bool starts_plan(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q;

		if (!eol)
			eol = end;
		q = skip_blanks(p, eol);
		if (q == eol || *q == '#' || (q == p && *q == '%')) {
			p = eol + 1;
			continue;
		}
		if (q == p && eol - q >= 3 && memcmp(q, "---", 3) == 0 &&
		    (eol - q == 3 || q[3] == ' ' || q[3] == '\t' ||
		     q[3] == '\r')) {
			q = skip_blanks(q + 3, eol);
			if (q == eol || *q == '#') {
				p = eol + 1;
				continue;
			}
		}
		return is_plan_line(q, eol);
	}
	return false;
}

/* 1 when the file at path is a plan, 0 when not, -1 when it cannot be
 * read (reported). */
static int is_plan_file(const char *path)
{
	char *head;
	size_t len;
	FILE *f;
	int rc;

	f = fopen(path, "rb");
	if (!f) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	head = pc_malloc(PLAN_HEAD_BYTES);
	if (!head) {
		fclose(f);
		cli_error("out of memory");
		return -1;
	}
	len = fread(head, 1, PLAN_HEAD_BYTES, f);
	if (ferror(f)) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	} else {
		rc = starts_plan(head, len) ? 1 : 0;
	}
	pc_free(head);
	fclose(f);
	return rc;
}

static bool has_yaml_suffix(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

/* dir/name; just name when dir is ".", so that `plancheck check .`
 * names files as a shell glob would. */
static char *join_path(const char *dir, const char *name)
{
	size_t ld = strcmp(dir, ".") == 0 ? 0 : strlen(dir);
	size_t ln = strlen(name);
	bool slash = ld > 0 && dir[ld - 1] != '/';
	char *path = pc_malloc(ld + slash + ln + 1);

	if (!path)
		return NULL;
	/* The name's memcpy below copies the terminator.
	 * NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(path, dir, ld);
	if (slash)
		path[ld] = '/';
	memcpy(path + ld + slash, name, ln + 1);
	return path;
}

/* Add every plan file below dir to a->found. Names starting with a dot
 * are passed over, and so are symbolic links to directories (no loops).
 * 0, or -1 when something could not be read (reported; the search goes
 * on, so every such problem is listed). Recursive, at most
 * PLAN_DIR_DEPTH deep.
 * NOLINTNEXTLINE(misc-no-recursion) */
static int find_plans(check_args *a, const char *dir, unsigned depth)
{
	struct dirent *entry;
	struct stat st;
	DIR *d;
	int status = 0;

	d = opendir(dir);
	if (!d) {
		cli_error("cannot read directory '%s': %s", dir,
			  strerror(errno));
		return -1;
	}
	for (;;) {
		char *path;
		int rc;

		errno = 0;
		entry = readdir(d);
		if (!entry)
			break;
		if (entry->d_name[0] == '.')
			continue;
		path = join_path(dir, entry->d_name);
		if (!path) {
			cli_error("out of memory");
			status = -1;
			break;
		}
		rc = 0;
		if (lstat(path, &st) != 0) {
			cli_error("cannot read '%s': %s", path,
				  strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (depth >= PLAN_DIR_DEPTH) {
				cli_error("'%s': directories nested more than "
					  "%d deep", path, PLAN_DIR_DEPTH);
				rc = -1;
			} else {
				rc = find_plans(a, path, depth + 1);
			}
		} else if (has_yaml_suffix(entry->d_name) &&
			   stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = is_plan_file(path);
			if (rc == 1) {
				if (pc_grow(&a->found, &a->found_cap,
					    a->nfound + 1,
					    sizeof *a->found) < 0) {
					cli_error("out of memory");
					rc = -1;
				} else {
					a->found[a->nfound++] = path;
					path = NULL;
					rc = 0;
				}
			}
		}
		pc_free(path);
		if (rc < 0)
			status = -1;
	}
	if (errno) {
		cli_error("cannot read directory '%s': %s", dir,
			  strerror(errno));
		status = -1;
	}
	closedir(d);
	return status;
}

static int cmp_path(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* Replace each directory operand by the plan files below it, sorted.
 * EXIT_CLEAN, or EXIT_TROUBLE (reported). */
static int expand_dirs(check_args *a)
{
	const char **plans = NULL;
	size_t i, j, n = 0, cap = 0;
	int status = EXIT_CLEAN;

	for (i = 0; i < a->nplans; i++) {
		struct stat st;
		size_t first = a->nfound;

		if (stat(a->plans[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			if (push_str(&plans, &n, &cap, a->plans[i]) < 0)
				goto nomem;
			continue;
		}
		if (find_plans(a, a->plans[i], 0) < 0) {
			status = EXIT_TROUBLE;
			continue;
		}
		if (a->nfound == first) {
			cli_error("'%s': no plan files below it (*.yaml or "
				  "*.yml files starting with 'plancheck: "
				  "plan/1')", a->plans[i]);
			status = EXIT_TROUBLE;
			continue;
		}
		qsort(a->found + first, a->nfound - first, sizeof *a->found,
		      cmp_path);
		for (j = first; j < a->nfound; j++)
			if (push_str(&plans, &n, &cap, a->found[j]) < 0)
				goto nomem;
	}
	pc_free(a->plans);
	a->plans = plans;
	a->nplans = n;
	a->plans_cap = cap;
	return status;
nomem:
	cli_error("out of memory");
	pc_free(plans);
	return EXIT_TROUBLE;
}

static void free_args(check_args *a)
{
	size_t i;

	for (i = 0; i < a->nfound; i++)
		pc_free(a->found[i]);
	pc_free(a->found);
	pc_free(a->rule_files);
	pc_free(a->plans);
	pc_free(a->outputs);
}

/*
 * plancheck check [options] PLAN...
 */
int cli_check(int argc, char **argv)
{
	check_args a;
	plan_run *runs = NULL;
	const pc_report **reports = NULL;
	cli_file_set failed_rules;
	unsigned hints = 0;
	size_t i, j, failed = 0, counted = 0;
	int status;

	memset(&a, 0, sizeof a);
	memset(&failed_rules, 0, sizeof failed_rules);
	status = parse_args(&a, argc, argv);
	if (status != EXIT_CLEAN) {
		if (status < 0)
			status = EXIT_CLEAN;
		goto out;
	}
	status = expand_dirs(&a);
	if (status != EXIT_CLEAN)
		goto out;
	runs = pc_calloc(a.nplans, sizeof *runs);
	reports = pc_calloc(a.nplans, sizeof *reports);
	if (!runs || !reports) {
		cli_error("out of memory");
		status = EXIT_TROUBLE;
		goto out;
	}
	for (i = 0; i < a.nplans; i++)
		runs[i].path = a.plans[i];
	a.limits.parse_thread_min = parse_thread_min(&a);
	check_all(runs, a.nplans, &a, a.jobs);
	for (i = 0; i < a.nplans; i++) {
		print_notes(&runs[i], &failed_rules, &hints);
		if (runs[i].failed)
			failed++;
		reports[i] = runs[i].report;
	}
	if (failed) {
		print_hints(hints);
		if (a.nplans > 1)
			cli_error("%zu of %zu plans could not be checked; "
				  "nothing was written", failed, a.nplans);
		status = EXIT_TROUBLE;
		goto out;
	}

	for (i = 0; i < a.nplans; i++) {
		for (j = 0; j < pc_report_finding_count(reports[i]); j++) {
			const pc_finding *f = pc_report_finding(reports[i], j);

			if (!f->waived && (int)f->severity >= a.fail_on)
				counted++;
		}
	}
	status = counted ? EXIT_FINDINGS : EXIT_CLEAN;
	if (write_outputs(&a, reports, a.nplans, status) < 0)
		status = EXIT_TROUBLE;
out:
	if (runs) {
		for (i = 0; i < a.nplans; i++) {
			for (j = 0; j < runs[i].nnotes; j++)
				pc_errors_free(runs[i].notes[j].errors);
			pc_free(runs[i].notes);
			pc_report_free(runs[i].report);
			pc_ruleset_free(runs[i].rules);
			pc_plan_free(runs[i].plan);
		}
	}
	pc_free(runs);
	pc_free(reports);
	cli_file_set_free(&failed_rules);
	free_args(&a);
	return status;
}
