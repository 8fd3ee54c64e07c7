/* test_limits.c - every resource limit of pc_limits, through the public
 * API: each is hit by a hostile input at the point where the input
 * arrives, fails with PC_ELIMIT and a message of its own (the limit, its
 * value, what to do) at the right position, and an input just inside the
 * limit still loads. Limits other than the file size have no command-line
 * option, so they are lowered here through a pc_limits struct. The
 * regular expression limits hit while checking are findings instead (an
 * error on the rule, reported once). Time and memory of the same inputs
 * at the default limits are measured by tests/limits/limits.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "plancheck.h"

#define HEAD "plancheck: plan/1\n" \
	     "plan: { id: lim, name: Limits, as_of: 2020-06-30 }\n"
#define RULES_HEAD "plancheck: rules/1\nid: lim\nname: Limits\nrules:\n"

/* ---- helpers ---------------------------------------------------------- */

/* A growing text built with printf-like appends. */
typedef struct text {
	char *s;
	size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL,
			      t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (t->s && t->len + (size_t)n < t->cap)
			break;
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	t->len += (size_t)n;
}

/* count copies of one character. */
static void add_run(text *t, char c, size_t count)
{
	if (t->len + count + 1 > t->cap) {
		t->cap = (t->len + count + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memset(t->s + t->len, c, count);
	t->len += count;
	t->s[t->len] = '\0';
}

static void text_free(text *t)
{
	free(t->s);
	memset(t, 0, sizeof *t);
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("'%s' not found in '%s'", needle, haystack);
}

/* The end of expect_error's list of fragments, as the type va_arg reads
 * (a bare NULL may be an int). */
#define END ((const char *)NULL)

/* The only error of a failed load: its message holds every fragment
 * (a list ended by END) and it sits at line:col. */
static void expect_error(pc_errors *errs, unsigned line, unsigned col, ...)
{
	const pc_error *e;
	const char *frag;
	va_list ap;

	assert_int_equal(pc_errors_count(errs), 1);
	e = pc_errors_get(errs, 0);
	va_start(ap, col);
	while ((frag = va_arg(ap, const char *)))
		assert_contains(e->message, frag);
	va_end(ap);
	assert_int_equal(e->line, line);
	assert_int_equal(e->column, col);
}

static int load_plan(const text *t, const pc_limits *lim, pc_errors **errs)
{
	pc_plan *plan = NULL;
	int rc;

	*errs = NULL;
	rc = pc_plan_load_string("plan.yaml", t->s, t->len, lim, &plan, errs);
	if (rc == 0)
		assert_int_equal(pc_errors_count(*errs), 0);
	pc_plan_free(plan);
	return rc;
}

static int load_rules(const text *t, const pc_limits *lim, pc_errors **errs)
{
	pc_ruleset *set = NULL;
	int rc;

	*errs = NULL;
	assert_int_equal(pc_ruleset_new(&set), 0);
	rc = pc_ruleset_load_string(set, "rules.yaml", t->s, t->len, lim,
				    errs);
	pc_ruleset_free(set);
	return rc;
}

/* A scratch directory for files, removed by the test. */
static void scratch_dir(char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/plancheck-limits-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

/* ---- file size ---------------------------------------------------------- */

/* A 300 MiB file (sparse: no disk used) is refused from its size alone,
 * by the default limit; the message gives both sizes and the option. */
static void file_size_from_stat(void **state)
{
	char dir[256], path[300];
	pc_plan *plan = NULL;
	pc_ruleset *set = NULL;
	pc_errors *errs = NULL;
	int fd;

	(void)state;
	scratch_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/big.yaml", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)300 << 20), 0);
	close(fd);

	assert_int_equal(pc_plan_load(path, NULL, &plan, &errs), PC_ELIMIT);
	assert_null(plan);
	expect_error(errs, 0, 0, "file is 314572800 bytes, over the limit of "
		     "268435456 bytes (raise it with --max-file-size)", END);
	pc_errors_free(errs);

	assert_int_equal(pc_ruleset_new(&set), 0);
	assert_int_equal(pc_ruleset_load(set, path, NULL, &errs), PC_ELIMIT);
	expect_error(errs, 0, 0, "file is 314572800 bytes", END);
	pc_errors_free(errs);
	pc_ruleset_free(set);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A lowered limit: one byte over fails, the exact size loads. */
static void file_size_boundary(void **state)
{
	text t = { 0 };
	pc_limits lim;
	pc_errors *errs;

	(void)state;
	add(&t, HEAD "units: []\n");
	pc_limits_default(&lim);
	lim.max_file_size = t.len - 1;
	assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
	expect_error(errs, 0, 0, "over the limit of", "--max-file-size", END);
	pc_errors_free(errs);
	lim.max_file_size = t.len;
	assert_int_equal(load_plan(&t, &lim, &errs), 0);
	pc_errors_free(errs);
	text_free(&t);
}

/* A pipe has no size to look at: the reader counts the bytes and stops
 * at the limit, without reading the rest. */
static void file_size_of_a_pipe(void **state)
{
	char dir[256], path[300];
	pc_plan *plan = NULL;
	pc_errors *errs = NULL;
	pc_limits lim;
	pid_t child;
	int status;

	(void)state;
	scratch_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/plan.fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* A writer that would go on for 64 MiB of comments. */
		static char line[] = "# a comment line of the plan\n";
		int fd;
		long i;

		signal(SIGPIPE, SIG_IGN);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			_exit(1);
		if (write(fd, HEAD, sizeof HEAD - 1) < 0)
			_exit(1);
		for (i = 0; i < (64L << 20) / (long)(sizeof line - 1); i++)
			if (write(fd, line, sizeof line - 1) < 0)
				_exit(0);
		_exit(2);
	}
	pc_limits_default(&lim);
	lim.max_file_size = 100000;
	assert_int_equal(pc_plan_load(path, &lim, &plan, &errs), PC_ELIMIT);
	expect_error(errs, 0, 0, "input is over the limit of 100000 bytes "
		     "(raise it with --max-file-size)", END);
	pc_errors_free(errs);
	assert_int_equal(waitpid(child, &status, 0), child);
	/* The writer was cut off: it never wrote its 64 MiB. */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- nesting depth --------------------------------------------------------- */

/* 100,000 open brackets: stopped at the 64th level, where it happens. */
static void depth_of_brackets(void **state)
{
	text t = { 0 };
	pc_errors *errs;

	(void)state;
	add(&t, HEAD "x-deep: ");
	add_run(&t, '[', 100000);
	add(&t, "\nunits: []\n");
	assert_int_equal(load_plan(&t, NULL, &errs), PC_ELIMIT);
	/* The root mapping is level 1, so the 64th bracket is level 65. */
	expect_error(errs, 3, 9 + 63, "nesting deeper than the limit of 64 "
		     "levels", "look for brackets left open", END);
	pc_errors_free(errs);
	text_free(&t);
}

/* Block nesting (indentation) under a lowered limit: the exact depth
 * loads, one level more fails. */
static void depth_boundary(void **state)
{
	pc_limits lim;
	pc_errors *errs;
	int levels;

	(void)state;
	pc_limits_default(&lim);
	lim.max_depth = 8;
	for (levels = 7; levels <= 8; levels++) {
		text t = { 0 };
		int i;

		/* The root mapping, then `levels` nested mappings. */
		add(&t, HEAD "units: []\n");
		for (i = 0; i < levels; i++)
			add(&t, "%*sx-%d:\n", 2 * i, "", i);
		add(&t, "%*sleaf: 1\n", 2 * levels, "");
		if (levels == 7) {
			assert_int_equal(load_plan(&t, &lim, &errs), 0);
		} else {
			assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
			/* The mapping one too deep starts at `leaf`. */
			expect_error(errs, 4 + (unsigned)levels,
				     2 * (unsigned)levels + 1,
				     "limit of 8 levels", END);
		}
		pc_errors_free(errs);
		text_free(&t);
	}
}

/* ---- scalar length ---------------------------------------------------------- */

/* A 2 MiB quoted scalar: refused with its size, at its start; 1 MiB, the
 * limit itself, loads. */
static void scalar_of_two_mib(void **state)
{
	text t = { 0 };
	pc_errors *errs;

	(void)state;
	add(&t, HEAD "x-long: \"");
	add_run(&t, 'a', 2u << 20);
	add(&t, "\"\nunits: []\n");
	assert_int_equal(load_plan(&t, NULL, &errs), PC_ELIMIT);
	expect_error(errs, 3, 9, "a scalar of 2097152 bytes is over the limit "
		     "of 1048576 bytes: shorten it", END);
	pc_errors_free(errs);
	text_free(&t);

	add(&t, HEAD "x-long: \"");
	add_run(&t, 'a', 1u << 20);
	add(&t, "\"\nunits: []\n");
	assert_int_equal(load_plan(&t, NULL, &errs), 0);
	pc_errors_free(errs);
	text_free(&t);
}

/* A scalar far over the limit is stopped while it is read, before the
 * YAML library holds all of it: here at 8 times the limit (1 MiB at
 * least), with the position where the scalar begins. A block of comments
 * as long as the limit allows still loads. */
static void scalar_stopped_while_read(void **state)
{
	text t = { 0 };
	pc_limits lim;
	pc_errors *errs;
	size_t i;

	(void)state;
	pc_limits_default(&lim);
	lim.max_scalar_len = 256u << 10;
	add(&t, HEAD "x-long: ");
	add_run(&t, 'a', 64u << 20);
	add(&t, "\nunits: []\n");
	assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
	expect_error(errs, 3, 7, "more than 2097152 characters from here "
		     "without the end of a YAML node: a scalar over the "
		     "limit of 262144 bytes", END);
	pc_errors_free(errs);
	text_free(&t);

	/* An anchor name is read the same way. */
	add(&t, HEAD "x-long: &");
	add_run(&t, 'a', 64u << 20);
	add(&t, " 1\nunits: []\n");
	assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
	expect_error(errs, 3, 7, "without the end of a YAML node", END);
	pc_errors_free(errs);
	text_free(&t);

	/* 1.5 MiB of comments between two nodes. */
	add(&t, HEAD "x-a: 1\n");
	for (i = 0; i < (3u << 19) / 32; i++)
		add(&t, "# comment %020zu\n", i);
	add(&t, "units: []\n");
	assert_int_equal(load_plan(&t, &lim, &errs), 0);
	pc_errors_free(errs);
	text_free(&t);
}

/* ---- aliases ------------------------------------------------------------------ */

/* "Billion laughs": nine levels of nine aliases. Refused at the alias
 * that crosses the budget, in the live document. */
static void alias_billion_laughs(void **state)
{
	text t = { 0 };
	pc_errors *errs;
	int c;

	(void)state;
	add(&t, HEAD "x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (c = 'b'; c <= 'i'; c++)
		add(&t, "x-%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, "
		    "*%c]\n", c, c, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
		    c - 1, c - 1, c - 1);
	add(&t, "units: []\n");
	assert_int_equal(load_plan(&t, NULL, &errs), PC_ELIMIT);
	/* x-g's first alias (line 9) takes the total over 1,000,000. */
	expect_error(errs, 9, 10, "aliases expand to more than 1000000 YAML "
		     "events", "alias fewer or smaller nodes", END);
	pc_errors_free(errs);
	text_free(&t);
}

/* The quadratic variant: one anchored list of 10,000 items aliased
 * 10,000 times (1e8 events from a 70 KiB file). */
static void alias_quadratic(void **state)
{
	text t = { 0 };
	pc_errors *errs;
	int i;

	(void)state;
	add(&t, HEAD "x-a: &a [");
	for (i = 0; i < 10000; i++)
		add(&t, "%sx", i ? ", " : "");
	add(&t, "]\nx-b: [");
	for (i = 0; i < 10000; i++)
		add(&t, "%s*a", i ? ", " : "");
	add(&t, "]\nunits: []\n");
	assert_int_equal(load_plan(&t, NULL, &errs), PC_ELIMIT);
	/* 10,002 events per alias: the 100th alias crosses 1,000,000. */
	expect_error(errs, 4, 7 + 99 * 4, "aliases expand to more than "
		     "1000000 YAML events", END);
	pc_errors_free(errs);
	text_free(&t);
}

/* The alias budget exactly: 10 aliases of a 10-event list fill a budget
 * of 100; the 11th alias goes over. */
static void alias_boundary(void **state)
{
	pc_limits lim;
	pc_errors *errs;
	int n;

	(void)state;
	pc_limits_default(&lim);
	lim.max_alias_events = 100;
	for (n = 10; n <= 11; n++) {
		text t = { 0 };
		int i;

		add(&t, HEAD "x-a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nx-b: [");
		for (i = 0; i < n; i++)
			add(&t, "%s*a", i ? ", " : "");
		add(&t, "]\nunits: []\n");
		if (n == 10) {
			assert_int_equal(load_plan(&t, &lim, &errs), 0);
		} else {
			assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
			expect_error(errs, 4, 7 + 10 * 4,
				     "more than 100 YAML events", END);
		}
		pc_errors_free(errs);
		text_free(&t);
	}
}

/* An anchored node is kept for replay; one bigger than the alias budget
 * could never be replayed and would cost memory many times its size, so
 * it is refused where it starts, by its anchor's name. */
static void anchored_node_too_big(void **state)
{
	text t = { 0 };
	pc_limits lim;
	pc_errors *errs;
	int i;

	(void)state;
	pc_limits_default(&lim);
	lim.max_alias_events = 100;
	add(&t, HEAD "x-big: &big [");
	for (i = 0; i < 150; i++)
		add(&t, "%s%d", i ? ", " : "", i);
	add(&t, "]\nunits: []\n");
	assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
	expect_error(errs, 3, 8, "anchored nodes hold more than 100 YAML "
		     "events", "remove the anchor &big", END);
	pc_errors_free(errs);
	text_free(&t);
}

/* Not hostile: a flow sequence of 1,000,000 small items in x- data is
 * within every limit and loads. */
static void long_flow_sequence_loads(void **state)
{
	text t = { 0 };
	pc_errors *errs;
	int i;

	(void)state;
	add(&t, HEAD "x-data: [");
	for (i = 0; i < 1000000; i++)
		add(&t, "%s%d", i ? "," : "", i % 10);
	add(&t, "]\nunits: []\n");
	assert_int_equal(load_plan(&t, NULL, &errs), 0);
	pc_errors_free(errs);
	text_free(&t);
}

/* ---- units and people ------------------------------------------------------------ */

/* A generated plan: `count` units (every fourth one nested under the one
 * before, which counts too) and as many people. */
static void gen_plan(text *t, int count)
{
	int i;

	add(t, HEAD "people:\n");
	for (i = 0; i < count; i++)
		add(t, "  - { id: P%d, name: Person %d }\n", i, i);
	add(t, "units:\n");
	for (i = 0; i < count; i++) {
		if (i % 4 == 3)
			add(t, "    units:\n      - { id: U%d, level: commune }\n",
			    i);
		else
			add(t, "  - id: U%d\n    level: district\n", i);
	}
}

static void units_limit(void **state)
{
	text t = { 0 };
	pc_limits lim;
	pc_errors *errs;

	(void)state;
	gen_plan(&t, 12);
	pc_limits_default(&lim);
	lim.max_units = 12;
	assert_int_equal(load_plan(&t, &lim, &errs), 0);
	pc_errors_free(errs);
	lim.max_units = 11;
	assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
	/* U11 is a nested unit, the last one. */
	expect_error(errs, 3 + 12 + 1 + 8 * 2 + 3 * 2 + 2, 9,
		     "more than 11 units: over the limit of units in one plan",
		     "split it into several plans", END);
	pc_errors_free(errs);
	text_free(&t);
}

static void people_limit(void **state)
{
	text t = { 0 };
	pc_limits lim;
	pc_errors *errs;

	(void)state;
	gen_plan(&t, 12);
	pc_limits_default(&lim);
	lim.max_people = 12;
	assert_int_equal(load_plan(&t, &lim, &errs), 0);
	pc_errors_free(errs);
	lim.max_people = 11;
	assert_int_equal(load_plan(&t, &lim, &errs), PC_ELIMIT);
	expect_error(errs, 3 + 12, 5, "more than 11 people: over the limit of "
		     "people in one plan", "split it into several plans", END);
	pc_errors_free(errs);
	text_free(&t);
}

/* ---- rule packs ----------------------------------------------------------------- */

static void rules_limit(void **state)
{
	text t = { 0 };
	pc_limits lim;
	pc_errors *errs;
	int i;

	(void)state;
	add(&t, RULES_HEAD);
	for (i = 0; i < 6; i++)
		add(&t, "  - { id: r%d, kind: deadline, task: t }\n", i);
	pc_limits_default(&lim);
	lim.max_rules = 6;
	assert_int_equal(load_rules(&t, &lim, &errs), 0);
	pc_errors_free(errs);
	lim.max_rules = 5;
	assert_int_equal(load_rules(&t, &lim, &errs), PC_ELIMIT);
	expect_error(errs, 10, 5, "more rules than the limit of 5 in one rule "
		     "set (this is rule 6 of the pack)", "split the rules", END);
	pc_errors_free(errs);
	text_free(&t);
}

/* A 5,000-byte expression is refused when the pack loads, in a pattern
 * and in a selector alike, without quoting it; 4,096 bytes load. */
static void regex_length(void **state)
{
	text t = { 0 };
	pc_errors *errs;
	const pc_error *e;

	(void)state;
	add(&t, RULES_HEAD "  - id: pat\n    kind: pattern\n    target: units\n"
	    "    field: name\n    matches: '");
	add_run(&t, 'a', 5000);
	add(&t, "'\n  - id: sel\n    kind: pattern\n    target: units\n"
	    "    for: { name: { matches: '");
	add_run(&t, 'b', 5000);
	add(&t, "' } }\n    field: id\n    matches: '^Z'\n");
	assert_int_equal(load_rules(&t, NULL, &errs), PC_ELIMIT);
	assert_int_equal(pc_errors_count(errs), 2);
	e = pc_errors_get(errs, 0);
	assert_string_equal(e->message, "the regular expression in 'matches' "
			    "is 5000 bytes, over the limit of 4096 bytes: "
			    "shorten it");
	assert_int_equal(e->line, 9);
	assert_int_equal(e->column, 14);
	e = pc_errors_get(errs, 1);
	assert_string_equal(e->message, "the regular expression is 5000 "
			    "bytes, over the limit of 4096 bytes: shorten it");
	assert_int_equal(e->line, 13);
	assert_int_equal(e->column, 29);
	pc_errors_free(errs);
	text_free(&t);

	add(&t, RULES_HEAD "  - id: pat\n    kind: pattern\n    target: units\n"
	    "    for: { name: { matches: '");
	add_run(&t, 'b', 4096);
	add(&t, "' } }\n    field: name\n    matches: '");
	add_run(&t, 'a', 4096);
	add(&t, "'\n");
	assert_int_equal(load_rules(&t, NULL, &errs), 0);
	pc_errors_free(errs);
	text_free(&t);
}

/* A plan's own expressions (a task's applies_to) have the same limit, and
 * hitting it fails the load like every other limit. */
static void regex_length_in_a_plan(void **state)
{
	text t = { 0 };
	pc_errors *errs;

	(void)state;
	add(&t, HEAD "units:\n  - { id: A, level: district }\n"
	    "tasks:\n  - id: t\n    due: 2020-01-01\n"
	    "    applies_to: { id: { matches: '");
	add_run(&t, 'a', 5000);
	add(&t, "' } }\n");
	assert_int_equal(load_plan(&t, NULL, &errs), PC_ELIMIT);
	expect_error(errs, 8, 34, "the regular expression is 5000 bytes, over "
		     "the limit of 4096 bytes", END);
	pc_errors_free(errs);
	text_free(&t);
}

/* ---- regular expressions while checking ------------------------------------------ */

/* `(a+)+$` against "aaa...ab" backtracks without end. In a selector and
 * in a pattern rule alike it costs one error finding on the rule, at the
 * first unit; the rule then runs the expression no more, so 10,000 such
 * units take no longer than one (each would cost a full match budget). */
static void catastrophic_regex(void **state)
{
	text plan = { 0 }, rules = { 0 };
	pc_plan *p = NULL;
	pc_ruleset *set = NULL;
	pc_report *rep = NULL;
	pc_errors *errs = NULL;
	const pc_finding *f;
	clock_t start;
	double seconds;
	size_t i;
	int u;

	(void)state;
	add(&plan, HEAD "units:\n  - { id: OK, name: aaaa, level: district }\n");
	for (u = 0; u < 10000; u++)
		add(&plan, "  - { id: U%d, name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaab, level: district }\n", u);
	add(&rules, RULES_HEAD
	    "  - id: sel\n    kind: pattern\n    target: units\n"
	    "    for: { name: { matches: '(a+)+$' } }\n"
	    "    field: id\n    matches: '^U'\n"
	    "  - id: pat\n    kind: pattern\n    target: units\n"
	    "    field: name\n    matches: '(a+)+$'\n");
	assert_int_equal(pc_plan_load_string("plan.yaml", plan.s, plan.len,
					     NULL, &p, &errs), 0);
	assert_int_equal(pc_ruleset_new(&set), 0);
	assert_int_equal(pc_ruleset_load_string(set, "rules.yaml", rules.s,
						rules.len, NULL, &errs), 0);
	start = clock();
	assert_int_equal(pc_check(p, set, NULL, &rep, &errs), 0);
	seconds = (double)(clock() - start) / CLOCKS_PER_SEC;

	/* sel: OK is selected and its id does not match '^U' (a finding
	 * before the limit); U0 hits the limit; nothing after. pat: OK
	 * matches; U0 hits the limit. */
	assert_int_equal(pc_report_finding_count(rep), 3);
	for (i = 0; i < pc_report_finding_count(rep); i++) {
		f = pc_report_finding(rep, i);
		if (strcmp(f->target_id, "OK") == 0) {
			assert_string_equal(f->rule, "sel");
			assert_contains(f->message, "does not match '^U'");
			continue;
		}
		assert_string_equal(f->target_id, "U0");
		assert_int_equal(f->severity, PC_SEV_ERROR);
		assert_int_equal(f->location.line, 5);
		assert_contains(f->message, "could not judge unit U0: a regular "
				"expression hit its match or depth limit "
				"(1000000 steps, 10000 levels), so the rule "
				"judges nothing more in this plan; simplify");
	}
	/* Unstopped, 20,000 matches cost some 80 s; stopped, two. */
	assert_true(seconds < 10.0);
	pc_report_free(rep);
	pc_ruleset_free(set);
	pc_plan_free(p);
	text_free(&plan);
	text_free(&rules);
}

/* The match limit comes from the limits the pack was loaded with: an
 * expression that needs some 65,000 steps on a subject is judged under
 * the default limit and stopped under a limit of 1,000. */
static void match_limit_boundary(void **state)
{
	text plan = { 0 }, rules = { 0 };
	pc_plan *p = NULL;
	pc_report *rep = NULL;
	pc_errors *errs = NULL;
	pc_limits lim;
	int round;

	(void)state;
	add(&plan, HEAD "units:\n  - { id: A, name: aaaaaaaaaaaaaaab, "
	    "level: district }\n");
	add(&rules, RULES_HEAD "  - id: pat\n    kind: pattern\n"
	    "    target: units\n    field: name\n    matches: '^(a+)+$'\n");
	assert_int_equal(pc_plan_load_string("plan.yaml", plan.s, plan.len,
					     NULL, &p, &errs), 0);
	pc_limits_default(&lim);
	for (round = 0; round < 2; round++) {
		pc_ruleset *set = NULL;
		const pc_finding *f;

		if (round == 1)
			lim.regex_match_limit = 1000;
		assert_int_equal(pc_ruleset_new(&set), 0);
		assert_int_equal(pc_ruleset_load_string(set, "rules.yaml",
							rules.s, rules.len,
							&lim, &errs), 0);
		assert_int_equal(pc_check(p, set, NULL, &rep, &errs), 0);
		assert_int_equal(pc_report_finding_count(rep), 1);
		f = pc_report_finding(rep, 0);
		if (round == 0)
			assert_contains(f->message, "does not match");
		else
			assert_contains(f->message, "match or depth limit "
					"(1000 steps, 10000 levels)");
		pc_report_free(rep);
		pc_ruleset_free(set);
	}
	pc_plan_free(p);
	text_free(&plan);
	text_free(&rules);
}

/* The interpreter (no JIT) keeps a backtracking frame per level, and a
 * frame holds every capture group: an expression of 1,300 groups on a
 * long subject would take some 200 MB within the depth limit. Its memory
 * is capped as well; the run stays small and the rule gets its finding. */
static void regex_memory_without_jit(void **state)
{
	text plan = { 0 }, rules = { 0 };
	pc_plan *p = NULL;
	pc_ruleset *set = NULL;
	pc_report *rep = NULL;
	pc_errors *errs = NULL;
	struct rusage before, after;
	int i;

	(void)state;
	add(&plan, HEAD "units:\n  - { id: A, level: district, name: ");
	add_run(&plan, 'a', 9000);
	add(&plan, "! }\n");
	add(&rules, RULES_HEAD "  - id: groups\n    kind: pattern\n"
	    "    target: units\n    field: name\n    matches: '^(?:a");
	for (i = 0; i < 1300; i++)
		add(&rules, "()");
	add(&rules, ")+$'\n");
	assert_int_equal(setenv("PLANCHECK_NO_JIT", "1", 1), 0);
	assert_int_equal(pc_plan_load_string("plan.yaml", plan.s, plan.len,
					     NULL, &p, &errs), 0);
	assert_int_equal(pc_ruleset_new(&set), 0);
	assert_int_equal(pc_ruleset_load_string(set, "rules.yaml", rules.s,
						rules.len, NULL, &errs), 0);
	assert_int_equal(unsetenv("PLANCHECK_NO_JIT"), 0);
	assert_int_equal(getrusage(RUSAGE_SELF, &before), 0);
	assert_int_equal(pc_check(p, set, NULL, &rep, &errs), 0);
	assert_int_equal(getrusage(RUSAGE_SELF, &after), 0);
	assert_int_equal(pc_report_finding_count(rep), 1);
	assert_contains(pc_report_finding(rep, 0)->message, "could not judge "
			"unit A: a regular expression hit its match or depth "
			"limit");
	/* The peak grew by less than 32 MiB (ru_maxrss is in KiB; this test
	 * runs first, before the others raise the peak). */
	assert_true(after.ru_maxrss - before.ru_maxrss < 32L * 1024);
	pc_report_free(rep);
	pc_ruleset_free(set);
	pc_plan_free(p);
	text_free(&plan);
	text_free(&rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* First: it measures the growth of the peak memory. */
		cmocka_unit_test(regex_memory_without_jit),
		cmocka_unit_test(file_size_from_stat),
		cmocka_unit_test(file_size_boundary),
		cmocka_unit_test(file_size_of_a_pipe),
		cmocka_unit_test(depth_of_brackets),
		cmocka_unit_test(depth_boundary),
		cmocka_unit_test(scalar_of_two_mib),
		cmocka_unit_test(scalar_stopped_while_read),
		cmocka_unit_test(alias_billion_laughs),
		cmocka_unit_test(alias_quadratic),
		cmocka_unit_test(alias_boundary),
		cmocka_unit_test(anchored_node_too_big),
		cmocka_unit_test(long_flow_sequence_loads),
		cmocka_unit_test(units_limit),
		cmocka_unit_test(people_limit),
		cmocka_unit_test(rules_limit),
		cmocka_unit_test(regex_length),
		cmocka_unit_test(regex_length_in_a_plan),
		cmocka_unit_test(catastrophic_regex),
		cmocka_unit_test(match_limit_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
