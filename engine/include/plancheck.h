/*
 * plancheck.h - the public interface of the plancheck library.
 *
 * Ownership, once: every object a pc_*_load/pc_*_new/pc_check call hands
 * back through an out-parameter belongs to the caller and is released by the
 * matching pc_*_free, which accepts NULL. Every string, array and struct
 * reachable from an object (finding texts, file names, lagging rows) lives
 * exactly as long as that object and is never freed separately. A report
 * points into the plan and rule set it was made from: free it first.
 *
 * Return convention: 0 is success; a negative pc_code is failure. Functions
 * that can fail on bad input also fill a pc_errors list (file:line:column
 * and a message per problem) when the caller passes a non-NULL pointer.
 *
 * Threads: the library keeps no global state, so several threads may use
 * it at once on different objects (each its own plans, rule sets, reports
 * and error lists; plancheck check -j does that); an object is used by
 * one thread at a time. The exception is pc_fault_inject, a test seam with
 * one global counter: call it only while no other thread uses the library.
 * (Race detectors may point at PCRE2's JIT compiler, which records facts
 * about the machine in unlocked static variables on first use, always the
 * same values; plancheck check compiles one pattern before it starts
 * threads so that none is reported.)
 */
#ifndef PLANCHECK_H
#define PLANCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes. Append only; never renumber. */
typedef enum pc_code {
	PC_OK = 0,
	PC_ENOMEM = -1,    /* out of memory */
	PC_EIO = -2,       /* a file could not be read or written */
	PC_ESYNTAX = -3,   /* not YAML, or broken YAML syntax */
	PC_ELIMIT = -4,    /* an input exceeded a resource limit */
	PC_EINVALID = -5,  /* a rule pack (or the file kind) is invalid */
	PC_EUSAGE = -6,    /* bad arguments */
	PC_EREGEX = -7     /* a regular expression failed to compile */
} pc_code;

const char *pc_strerror(int code);

/* Days since 1970-01-01 (proleptic Gregorian); PC_NODATE means "no date". */
typedef int32_t pc_date;
#define PC_NODATE INT32_MIN

/* Parse "YYYY-MM-DD" (a real calendar date) into *out; 0 or -1. */
int pc_date_parse(const char *text, size_t len, pc_date *out);
/* Format into buf (at least 11 bytes); returns buf. */
char *pc_date_format(pc_date date, char buf[static 11]);
/* Today's date in UTC. */
pc_date pc_date_today(void);

/* Resource limits. Every cap has its own message when hit (exit status 2). */
typedef struct pc_limits {
	uint64_t max_file_size;      /* bytes of one input file (256 MiB) */
	uint32_t max_depth;          /* YAML nesting depth (64) */
	uint64_t max_alias_events;   /* events produced by alias expansion (1,000,000) */
	uint64_t max_scalar_len;     /* bytes of one scalar (1 MiB) */
	uint32_t max_units;          /* units in one plan (2,000,000) */
	uint32_t max_people;         /* people in one plan (5,000,000) */
	uint32_t max_rules;          /* rules in one rule set (10,000) */
	uint32_t max_regex_len;      /* bytes of one regular expression (4,096) */
	uint32_t regex_match_limit;  /* PCRE2 match limit (1,000,000) */
	uint32_t regex_depth_limit;  /* PCRE2 depth limit (10,000) */
	/* Not a limit: an input of at least this many bytes is parsed by
	 * libyaml on a thread of its own while the model is built from its
	 * events (1 MiB); 0: never. The result is the same either way. */
	uint64_t parse_thread_min;
} pc_limits;

void pc_limits_default(pc_limits *limits);

/* A list of problems that stopped a load or a check. */
typedef struct pc_error {
	const char *file;      /* may be NULL */
	unsigned line, column; /* 1-based; 0 when unknown */
	const char *message;
} pc_error;

typedef struct pc_errors pc_errors;
size_t pc_errors_count(const pc_errors *errors);
const pc_error *pc_errors_get(const pc_errors *errors, size_t i);
void pc_errors_free(pc_errors *errors);

/* ---- Plans ---------------------------------------------------------- */

typedef struct pc_plan pc_plan;

/*
 * Load a plan file. On success (0) *out is a plan; structural problems in
 * it are findings, not failures (see pc_check). On failure (negative) *out
 * is NULL and *errors says why: unreadable file, YAML syntax, a limit.
 */
int pc_plan_load(const char *path, const pc_limits *limits,
		 pc_plan **out, pc_errors **errors);
/* The same from memory; name is used as the file name in messages. */
int pc_plan_load_string(const char *name, const char *text, size_t len,
			const pc_limits *limits, pc_plan **out,
			pc_errors **errors);
void pc_plan_free(pc_plan *plan);

const char *pc_plan_id(const pc_plan *plan);     /* "" when missing */
const char *pc_plan_name(const pc_plan *plan);   /* "" when missing */
const char *pc_plan_file(const pc_plan *plan);
pc_date pc_plan_as_of(const pc_plan *plan);      /* PC_NODATE when absent */
/* Rule files named by the plan's `rules:` key, resolved against the
 * plan file's directory. */
size_t pc_plan_rule_file_count(const pc_plan *plan);
const char *pc_plan_rule_file(const pc_plan *plan, size_t i);
/* Where the plan names rule file i (1-based line and column, in
 * pc_plan_file): 0, or -1 when there is no such file. */
int pc_plan_rule_file_at(const pc_plan *plan, size_t i, unsigned *line,
			 unsigned *column);

/* ---- Rule sets -------------------------------------------------------- */

typedef struct pc_ruleset pc_ruleset;

int pc_ruleset_new(pc_ruleset **out);
/* Add one rule pack. On failure every problem is in *errors, each with
 * file:line:column, and the set is unchanged. */
int pc_ruleset_load(pc_ruleset *set, const char *path,
		    const pc_limits *limits, pc_errors **errors);
int pc_ruleset_load_string(pc_ruleset *set, const char *name,
			   const char *text, size_t len,
			   const pc_limits *limits, pc_errors **errors);
void pc_ruleset_free(pc_ruleset *set);

typedef enum pc_rule_kind {
	PC_KIND_MERGED_TITLES,
	PC_KIND_DEADLINE,
	PC_KIND_QUOTA,
	PC_KIND_PATTERN
} pc_rule_kind;

typedef enum pc_severity {
	PC_SEV_INFO = 0,
	PC_SEV_WARNING = 1,
	PC_SEV_ERROR = 2
} pc_severity;

const char *pc_severity_name(pc_severity sev);
const char *pc_rule_kind_name(pc_rule_kind kind);

/* A read-only view of one loaded rule, for listings and outputs. */
typedef struct pc_rule_info {
	const char *id;
	pc_rule_kind kind;
	pc_severity severity;
	const char *description;  /* "" when absent */
	const char *basis;        /* "" when absent */
	pc_date effective;        /* PC_NODATE when absent */
	const char *pack_id;
	const char *pack_name;
	const char *file;
	unsigned line, column;
} pc_rule_info;

size_t pc_ruleset_count(const pc_ruleset *set);
int pc_ruleset_get(const pc_ruleset *set, size_t i, pc_rule_info *out);
/* Index of the rule with this id, or -1. */
long pc_ruleset_find(const pc_ruleset *set, const char *id);

/* ---- Checking --------------------------------------------------------- */

typedef enum pc_target_type {
	PC_TARGET_UNIT,
	PC_TARGET_PERSON,
	PC_TARGET_TASK,
	PC_TARGET_TITLE,
	PC_TARGET_WAIVER,
	PC_TARGET_PLAN
} pc_target_type;

const char *pc_target_type_name(pc_target_type type);

typedef struct pc_location {
	const char *file;
	unsigned line, column;
} pc_location;

typedef struct pc_waiver_info {
	const char *reason;
	const char *approved_by;
	pc_date expires;          /* PC_NODATE when it never expires */
	pc_location location;
} pc_waiver_info;

/* The members are in an order with no padding between them: a report
 * of a national plan holds thousands. */
typedef struct pc_finding {
	const char *rule;         /* rule id, or "plan/..." / "rules/..." */
	const char *message;
	const char *basis;        /* "" when the rule has none */
	pc_location location;
	const char *target_id;    /* "" for the plan itself */
	const pc_location *related;
	size_t related_count;
	int64_t value, limit;
	const pc_waiver_info *waiver;  /* the waiver that matched, or NULL */
	pc_severity severity;
	pc_target_type target_type;
	bool has_value, has_limit;
	bool waived;
} pc_finding;

typedef enum pc_lag_state { PC_LAG_OVERDUE, PC_LAG_BEHIND } pc_lag_state;

typedef struct pc_lagging {
	const char *file;
	const char *unit;
	const char *unit_name;
	const char *task;
	const char *rule;
	pc_date due;
	pc_lag_state state;
	int64_t days;             /* days past due (overdue), else 0 */
	int percent;              /* percent done */
	int expected;             /* expected percent */
} pc_lagging;

typedef struct pc_check_options {
	pc_date as_of;            /* PC_NODATE: the plan's as_of, else today */
	const char *only;         /* PCRE2: run only rules whose id matches */
	const char *skip;         /* PCRE2: skip rules whose id matches */
	const pc_limits *limits;  /* NULL: defaults */
	unsigned threads;         /* rules run on up to this many threads at
				     once (the calling one among them); 0 or
				     1: on the calling thread alone. The
				     report is the same either way. */
} pc_check_options;

typedef struct pc_report pc_report;

/*
 * Check a plan against a rule set (which may be empty: structural findings
 * are still reported). Fails only on a bad --only/--skip expression or out
 * of memory.
 */
int pc_check(const pc_plan *plan, const pc_ruleset *rules,
	     const pc_check_options *options, pc_report **out,
	     pc_errors **errors);
void pc_report_free(pc_report *report);

pc_date pc_report_as_of(const pc_report *report);
const pc_plan *pc_report_plan(const pc_report *report);
const pc_ruleset *pc_report_rules(const pc_report *report);
size_t pc_report_finding_count(const pc_report *report);
const pc_finding *pc_report_finding(const pc_report *report, size_t i);
size_t pc_report_lagging_count(const pc_report *report);
const pc_lagging *pc_report_lagging(const pc_report *report, size_t i);

typedef struct pc_summary {
	size_t error, warning, info;  /* not counting waived findings */
	size_t waived;
	size_t lagging_units;         /* distinct units lagging */
} pc_summary;

void pc_report_summary(const pc_report *report, pc_summary *out);

/* What became of one rule of the report's rule set (index as for
 * pc_ruleset_get): outputs that list every rule (JUnit) need to tell a
 * rule that found nothing from one that did not run. */
typedef enum pc_rule_state {
	PC_RULE_RAN = 0,
	PC_RULE_NOT_EFFECTIVE = 1,  /* its `effective` date is after as-of */
	PC_RULE_FILTERED = 2        /* left out by --only / --skip */
} pc_rule_state;

/* A pc_rule_state, or PC_EUSAGE when rule_index is out of range. */
int pc_report_rule_state(const pc_report *report, size_t rule_index);

/* ---- Output ------------------------------------------------------------ */

typedef enum pc_format {
	PC_FORMAT_TEXT,
	PC_FORMAT_JSON,
	PC_FORMAT_SARIF,          /* SARIF 2.1.0 (code scanning) */
	PC_FORMAT_JUNIT,          /* JUnit XML (Jenkins, GitLab) */
	PC_FORMAT_GITHUB,         /* GitHub Actions workflow commands */
	PC_FORMAT_CSV             /* RFC 4180, one row per finding */
} pc_format;

typedef struct pc_output_options {
	bool color;               /* text: ANSI colour */
	bool quiet;               /* text: findings only, no summary */
	const char *root;         /* sarif: file URIs relative to this
				   * directory; NULL: the working directory */
	int exit_code;            /* sarif: the run's exit status, as the
				   * caller will return it */
	bool csv_bom;             /* csv: start with a UTF-8 byte order mark */
} pc_output_options;

/*
 * Write the reports of one run (several plans) in one format to out.
 * Returns 0, or PC_EIO when writing failed.
 */
int pc_write(FILE *out, pc_format format, const pc_report *const *reports,
	     size_t count, const pc_output_options *options);

/* ---- Figures and the auditor's report ---------------------------------- */

/* The restructuring figures of one plan (cli.md, "stats"): units, heads
 * and deputies, staff, merged titles, task completion. */
typedef struct pc_stats pc_stats;

/*
 * Compute the figures of plan as of as_of (PC_NODATE: the plan's as_of,
 * else today). *out points into plan: free it first. 0 or PC_ENOMEM.
 */
int pc_stats_compute(const pc_plan *plan, pc_date as_of, pc_stats **out);
void pc_stats_free(pc_stats *stats);
/* Write stats as PC_FORMAT_TEXT (aligned tables) or PC_FORMAT_JSON (the
 * object of cli.md). 0, PC_EUSAGE (another format), PC_ENOMEM or PC_EIO. */
int pc_stats_write(FILE *out, const pc_stats *stats, int format);

typedef enum pc_doc_format {
	PC_DOC_HTML,              /* one self-contained HTML file */
	PC_DOC_MARKDOWN           /* GitHub-flavoured Markdown, no charts */
} pc_doc_format;

/*
 * Write the auditor's report of one checked plan: header, figures (stats,
 * computed from the same plan), lagging units, findings by rule, waivers
 * and, in HTML, inline SVG charts. generated_by names the producer
 * ("plancheck 1.0.0"); NULL means this library's name and version. The
 * output holds no wall-clock time: the same inputs give the same bytes.
 * 0, PC_EUSAGE (bad format), PC_ENOMEM or PC_EIO.
 */
int pc_report_write(FILE *out, const pc_report *report,
		    const pc_stats *stats, int format,
		    const char *generated_by);

/* Allocation fault injection, for tests: make the nth allocation from now
 * on fail (1 = the next one); 0 turns it off. Returns -1 when the library
 * was built without the seam. */
int pc_fault_inject(unsigned long nth);

const char *pc_version(void);

#ifdef __cplusplus
}
#endif
#endif
