/* cli_stats.c - `plancheck stats` (the plan's figures) and `plancheck
 * report` (the auditor's compliance report).
 *
 * Both take one plan. `stats` only loads it; `report` also loads its rules
 * (its `rules:` plus every -r, each file once) and checks it, exactly as
 * `check` does, then writes one self-contained document. Either writes to
 * standard output or, with -o FILE, to FILE.tmp-XXXXXX renamed over FILE
 * once complete, so a failed run never leaves half a report behind.
 *
 * Exit status: 0 written, 2 the run could not produce it (bad usage, an
 * unreadable or invalid input, a write error). Findings do not change the
 * status of `report`: it documents them; `check` judges them. */
#include "cli.h"
#include "alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	OPT_RULES = 1, OPT_AS_OF, OPT_FORMAT, OPT_OUTPUT, OPT_MAX_FILE_SIZE,
	OPT_HELP
};

static const cli_option stats_options[] = {
	{ "as-of", 0, true, OPT_AS_OF },
	{ "format", 'f', true, OPT_FORMAT },
	{ "output", 'o', true, OPT_OUTPUT },
	{ "max-file-size", 0, true, OPT_MAX_FILE_SIZE },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 }
};

static const cli_option report_options[] = {
	{ "rules", 'r', true, OPT_RULES },
	{ "as-of", 0, true, OPT_AS_OF },
	{ "format", 'f', true, OPT_FORMAT },
	{ "output", 'o', true, OPT_OUTPUT },
	{ "max-file-size", 0, true, OPT_MAX_FILE_SIZE },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 }
};

static const char stats_usage[] = "plancheck stats [options] PLAN";
static const char report_usage[] = "plancheck report [options] PLAN";

static void stats_help(void)
{
	fputs("usage: plancheck stats [options] PLAN\n"
	      "\n"
	      "Print the restructuring figures of a plan, as a progress report "
	      "states them:\n"
	      "units cut per level, heads and deputies cut per level, staff cut "
	      "per unit kind,\n"
	      "people holding merged titles, and units done per task.\n"
	      "\n"
	      "options:\n"
	      "      --as-of DATE       count a task done when its done date is "
	      "on or before\n"
	      "                         DATE, YYYY-MM-DD (default: the plan's "
	      "as_of, else today)\n"
	      "  -f, --format F         text (default: aligned tables) or json\n"
	      "  -o, --output FILE      write there instead of standard output\n"
	      "      --max-file-size N  largest input file, in bytes (default "
	      "268435456)\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "How the figures are counted:\n"
	      "  units          per level: at start = active + merged + "
	      "dissolved units,\n"
	      "                 after = active + new; reduction = start - "
	      "after\n"
	      "  leaders        per level of the unit and leadership of the "
	      "title (head,\n"
	      "                 deputy): at start = positions' baseline slots "
	      "over units at\n"
	      "                 start; after = their slots over units after\n"
	      "  staff          per unit kind (\"\" for none): baseline over "
	      "units at start,\n"
	      "                 quota and actual over units after; reduction = "
	      "baseline - quota;\n"
	      "                 a value a unit does not state adds nothing\n"
	      "  merged titles  people holding two or more positions in units "
	      "after the plan,\n"
	      "                 grouped by the sorted titles they hold\n"
	      "  tasks          owing = units the task applies to; done = those "
	      "with a done\n"
	      "                 date on or before the as-of date\n"
	      "Every list is sorted by its first keys.\n"
	      "\n"
	      "Exit status: 0 written, 2 bad usage or an unreadable or invalid "
	      "plan.\n", stdout);
}

static void report_help(void)
{
	fputs("usage: plancheck report [options] PLAN\n"
	      "\n"
	      "Check a plan as 'plancheck check' does and write one "
	      "self-contained report\n"
	      "for an auditor: the plan and its period, the as-of date, the "
	      "rule packs with\n"
	      "their legal bases, the figures of 'plancheck stats', the lagging "
	      "units per\n"
	      "task (worst first), every finding grouped by rule (waived ones "
	      "with reason,\n"
	      "approver, expiry and status), every waiver with its status, and "
	      "charts.\n"
	      "\n"
	      "options:\n"
	      "  -r, --rules FILE       load a rule file (repeatable); added to "
	      "the plan's own\n"
	      "                         `rules:`\n"
	      "      --as-of DATE       reference date, YYYY-MM-DD (default: "
	      "the plan's as_of,\n"
	      "                         else today)\n"
	      "  -f, --format F         html (default) or md (GitHub-flavoured "
	      "Markdown)\n"
	      "  -o, --output FILE      write there instead of standard output\n"
	      "      --max-file-size N  largest input file, in bytes (default "
	      "268435456)\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "HTML: one file with inline CSS and inline SVG charts, no scripts "
	      "and no\n"
	      "external resources; it prints to A4. Charts: findings per "
	      "severity, task\n"
	      "completion per task and per unit (done, open, behind, overdue), "
	      "and for each\n"
	      "quota rule the flagged units' values against their limits. "
	      "Markdown carries\n"
	      "the same tables without the charts.\n"
	      "\n"
	      "Large plans: a chart draws at most 25 bars. Task completion per "
	      "unit shows\n"
	      "the 24 units furthest behind (largest share of overdue tasks, "
	      "then behind,\n"
	      "then open) and sums all other units in one 'others' bar; a quota "
	      "chart draws\n"
	      "the 25 largest misses and says how many more the table lists. "
	      "Tables always\n"
	      "list every finding and every lagging unit.\n"
	      "\n"
	      "The report records the version that produced it but no time of "
	      "production:\n"
	      "the same plan, rules and as-of date give a byte-identical file.\n"
	      "\n"
	      "Exit status: 0 written (whatever the findings), 2 bad usage, an "
	      "unreadable or\n"
	      "invalid plan or rule file, or a write error.\n", stdout);
}

typedef struct doc_args {
	bool is_report;
	const char *usage;
	const char **rule_files;
	size_t nrule_files, rule_files_cap;
	const char *plan;
	const char *path;       /* -o, NULL: standard output */
	int format;
	pc_date as_of;
	pc_limits limits;
} doc_args;

static int parse_format(doc_args *a, const char *arg)
{
	if (a->is_report) {
		if (strcmp(arg, "html") == 0)
			a->format = PC_DOC_HTML;
		else if (strcmp(arg, "md") == 0 || strcmp(arg, "markdown") == 0)
			a->format = PC_DOC_MARKDOWN;
		else
			return -1;
	} else {
		if (strcmp(arg, "text") == 0)
			a->format = PC_FORMAT_TEXT;
		else if (strcmp(arg, "json") == 0)
			a->format = PC_FORMAT_JSON;
		else
			return -1;
	}
	return 0;
}

/* EXIT_CLEAN to go on, -1 after --help, EXIT_TROUBLE on a usage error. */
static int parse_args(doc_args *a, int argc, char **argv)
{
	const char *command = a->is_report ? "report" : "stats";
	cli_parser p;
	const char *arg;
	int id;

	a->as_of = PC_NODATE;
	a->format = a->is_report ? PC_DOC_HTML : PC_FORMAT_TEXT;
	pc_limits_default(&a->limits);
	cli_parser_init(&p, command, a->usage,
			a->is_report ? report_options : stats_options,
			argc, argv);
	while ((id = cli_next(&p, &arg)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			return EXIT_TROUBLE;
		case CLI_POSITIONAL:
			if (a->plan) {
				cli_usage_error(command, a->usage,
						"one plan at a time ('%s' and "
						"'%s' given)", a->plan, arg);
				return EXIT_TROUBLE;
			}
			a->plan = arg;
			break;
		case OPT_HELP:
			if (a->is_report)
				report_help();
			else
				stats_help();
			return -1;
		case OPT_RULES:
			if (pc_grow(&a->rule_files, &a->rule_files_cap,
				    a->nrule_files + 1, sizeof *a->rule_files) < 0) {
				cli_error("out of memory");
				return EXIT_TROUBLE;
			}
			a->rule_files[a->nrule_files++] = arg;
			break;
		case OPT_AS_OF:
			if (pc_date_parse(arg, strlen(arg), &a->as_of) < 0) {
				cli_usage_error(command, a->usage,
						"--as-of: '%s' is not a date; "
						"write YYYY-MM-DD, e.g. "
						"2019-06-30", arg);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_FORMAT:
			if (parse_format(a, arg) < 0) {
				cli_usage_error(command, a->usage,
						"unknown format '%s' (choose "
						"from: %s)", arg, a->is_report ?
						"html, md" : "text, json");
				return EXIT_TROUBLE;
			}
			break;
		case OPT_OUTPUT:
			if (!*arg) {
				cli_usage_error(command, a->usage,
						"--output needs a file name");
				return EXIT_TROUBLE;
			}
			a->path = arg;
			break;
		case OPT_MAX_FILE_SIZE:
			if (cli_parse_size(arg, &a->limits.max_file_size) < 0) {
				cli_usage_error(command, a->usage,
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
	if (!a->plan) {
		cli_usage_error(command, a->usage, "no plan given");
		return EXIT_TROUBLE;
	}
	return EXIT_CLEAN;
}

/* Load one rule file into set unless it is there already. 0 or -1
 * (reported). */
static int load_rules(pc_ruleset *set, const char *path, cli_file_set *seen,
		      const pc_limits *limits)
{
	pc_errors *errors = NULL;
	int rc;

	rc = cli_file_set_add(seen, path);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		cli_error("out of memory");
		return -1;
	}
	rc = pc_ruleset_load(set, path, limits, &errors);
	if (rc < 0) {
		cli_print_errors(errors, path, rc);
		if (rc == PC_EINVALID)
			fputs("hint: fix the rule file at the positions shown; "
			      "'plancheck rules -r FILE list'\n"
			      "      loads a rule file on its own\n", stderr);
	}
	pc_errors_free(errors);
	return rc < 0 ? -1 : 0;
}

static int run(doc_args *a)
{
	pc_plan *plan = NULL;
	pc_ruleset *rules = NULL;
	pc_report *report = NULL;
	pc_stats *stats = NULL;
	pc_errors *errors = NULL;
	pc_check_options opts;
	cli_file_set seen;
	char by[64];
	cli_out out = { 0 };
	size_t i;
	int rc, status = EXIT_TROUBLE, failed = 0;

	memset(&seen, 0, sizeof seen);
	rc = pc_plan_load(a->plan, &a->limits, &plan, &errors);
	if (rc < 0) {
		cli_print_errors(errors, a->plan, rc);
		if (rc == PC_ESYNTAX)
			fputs("hint: fix the YAML syntax at the position shown\n",
			      stderr);
		goto out;
	}
	if (a->is_report) {
		if ((rc = pc_ruleset_new(&rules)) < 0) {
			cli_print_errors(NULL, a->plan, rc);
			goto out;
		}
		for (i = 0; i < pc_plan_rule_file_count(plan); i++)
			failed |= load_rules(rules, pc_plan_rule_file(plan, i),
					     &seen, &a->limits) < 0;
		for (i = 0; i < a->nrule_files; i++)
			failed |= load_rules(rules, a->rule_files[i], &seen,
					     &a->limits) < 0;
		if (failed)
			goto out;
		memset(&opts, 0, sizeof opts);
		opts.as_of = a->as_of;
		opts.limits = &a->limits;
		rc = pc_check(plan, rules, &opts, &report, &errors);
		if (rc < 0) {
			cli_print_errors(errors, a->plan, rc);
			goto out;
		}
		a->as_of = pc_report_as_of(report);
	}
	rc = pc_stats_compute(plan, a->as_of, &stats);
	if (rc < 0) {
		cli_print_errors(NULL, a->plan, rc);
		goto out;
	}
	out.path = a->path;
	if (cli_out_open(&out) < 0)
		goto out;
	errno = 0;
	if (a->is_report) {
		snprintf(by, sizeof by, "plancheck %s", pc_version());
		rc = pc_report_write(out.file, report, stats, a->format, by);
	} else {
		rc = pc_stats_write(out.file, stats, a->format);
	}
	if (rc == 0 && out.file == stdout && fflush(stdout) != 0)
		rc = PC_EIO;
	if (rc < 0) {
		int err = rc == PC_EIO && errno ? errno : 0;

		cli_error("cannot write to %s%s%s: %s",
			  out.path ? "'" : "", out.path ? out.path : "standard output",
			  out.path ? "'" : "", err ? strerror(err) : pc_strerror(rc));
	}
	if (cli_out_close(&out, rc == 0) == 0 && rc == 0)
		status = EXIT_CLEAN;
out:
	pc_errors_free(errors);
	cli_file_set_free(&seen);
	pc_stats_free(stats);
	pc_report_free(report);
	pc_ruleset_free(rules);
	pc_plan_free(plan);
	return status;
}

static int run_command(int argc, char **argv, bool is_report)
{
	doc_args a;
	int status;

	memset(&a, 0, sizeof a);
	a.is_report = is_report;
	a.usage = is_report ? report_usage : stats_usage;
	status = parse_args(&a, argc, argv);
	if (status < 0)
		status = EXIT_CLEAN;
	else if (status == EXIT_CLEAN)
		status = run(&a);
	pc_free(a.rule_files);
	return status;
}

/*
 * plancheck stats [options] PLAN
 */
int cli_stats(int argc, char **argv)
{
	return run_command(argc, argv, false);
}

/*
 * plancheck report [options] PLAN
 */
int cli_report(int argc, char **argv)
{
	return run_command(argc, argv, true);
}
