/* test_threads.c - libyaml on a thread of its own (pc_limits
 * parse_thread_min) changes nothing but the time a load takes.
 *
 * Every plan and rule pack of the project's tests (the e2e cases, the
 * example plans, the rule packs, every input of the YAML test suite) is
 * loaded twice, with parse_thread_min 0 (libyaml on the loading thread)
 * and 1 (on its own thread, whatever the size), and everything the load
 * gives is compared byte for byte: the return code, the errors with their
 * positions, and for a plan that loads, its check's JSON report and its
 * figures. A plan written here, large enough for hundreds of batches, with
 * anchors, aliases and merge keys across them and a scalar longer than a
 * batch's text, is compared the same way, then cut short by a syntax error
 * and by limits, which also stop the thread early. */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "plancheck.h"
#include "problems.h"
#include "strbuf.h"
#include "yread.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR must name the source tree"
#endif

static pc_ruleset *rules;

/* The project's output buffer holds what the loads give; a test that
 * ran out of memory building it fails. */
static const char *text_of(const strbuf *b)
{
	assert_false(b->failed);
	return b->data ? b->data : "";
}

static void add_errors(strbuf *t, pc_errors *errors)
{
	size_t i;

	for (i = 0; i < pc_errors_count(errors); i++) {
		const pc_error *e = pc_errors_get(errors, i);

		sb_printf(t, "%s:%u:%u: %s\n", e->file ? e->file : "-", e->line,
		    e->column, e->message);
	}
	pc_errors_free(errors);
}

/* The check report (JSON) and the figures of a loaded plan. */
static void add_results(strbuf *t, const pc_plan *plan)
{
	pc_output_options out = { 0 };
	const pc_report *reports[1];
	pc_errors *errors = NULL;
	pc_report *report = NULL;
	pc_stats *stats = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	rc = pc_check(plan, rules, NULL, &report, &errors);
	sb_printf(t, "check %d\n", rc);
	add_errors(t, errors);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (report) {
		reports[0] = report;
		assert_int_equal(pc_write(f, PC_FORMAT_JSON, reports, 1, &out),
				 0);
	}
	if (pc_stats_compute(plan, PC_NODATE, &stats) == 0)
		assert_int_equal(pc_stats_write(f, stats, PC_FORMAT_JSON), 0);
	assert_int_equal(fclose(f), 0);
	sb_printf(t, "%s", buf);
	free(buf);
	pc_stats_free(stats);
	pc_report_free(report);
}

/* Everything a load of a plan gives, as text. */
static void load_plan(strbuf *t, const char *path, const char *str,
		      size_t len, const pc_limits *limits)
{
	pc_errors *errors = NULL;
	pc_plan *plan = NULL;
	int rc;

	if (str)
		rc = pc_plan_load_string(path, str, len, limits, &plan,
					 &errors);
	else
		rc = pc_plan_load(path, limits, &plan, &errors);
	sb_printf(t, "plan %d\n", rc);
	add_errors(t, errors);
	if (plan)
		add_results(t, plan);
	pc_plan_free(plan);
}

/* The same for the file as a rule pack. */
static void load_rules(strbuf *t, const char *path, const pc_limits *limits)
{
	pc_ruleset *set = NULL;
	pc_errors *errors = NULL;
	pc_rule_info info;
	size_t i;
	int rc;

	assert_int_equal(pc_ruleset_new(&set), 0);
	rc = pc_ruleset_load(set, path, limits, &errors);
	sb_printf(t, "rules %d\n", rc);
	add_errors(t, errors);
	for (i = 0; i < pc_ruleset_count(set); i++) {
		assert_int_equal(pc_ruleset_get(set, i, &info), 0);
		sb_printf(t, "rule %s\n", info.id);
	}
	pc_ruleset_free(set);
}

/* Load once in each way; the two must be the same. Returns how many
 * bytes of results the load gave, for the caller to see that it read
 * something. */
static size_t compare(const char *path, const char *str, size_t len,
		      const pc_limits *base, bool as_rules)
{
	pc_limits limits = *base;
	strbuf serial, threaded;
	const char *one, *two;
	size_t n;

	sb_init(&serial);
	sb_init(&threaded);
	limits.parse_thread_min = 0;
	if (as_rules)
		load_rules(&serial, path, &limits);
	else
		load_plan(&serial, path, str, len, &limits);
	limits.parse_thread_min = 1;
	if (as_rules)
		load_rules(&threaded, path, &limits);
	else
		load_plan(&threaded, path, str, len, &limits);
	one = text_of(&serial);
	two = text_of(&threaded);
	if (serial.len != threaded.len || memcmp(one, two, serial.len) != 0) {
		size_t at = 0, from;

		while (at < serial.len && at < threaded.len &&
		       one[at] == two[at])
			at++;
		from = at > 200 ? at - 200 : 0;
		print_error("%s: the loads differ at byte %zu; libyaml on its "
			    "own thread gave\n...%.400s\nand on the loading "
			    "thread\n...%.400s\n", path, at, two + from,
			    one + from);
		fail();
	}
	n = serial.len;
	sb_free(&serial);
	sb_free(&threaded);
	return n;
}

static bool is_yaml(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

static void compare_file(const char *path, const pc_limits *limits)
{
	compare(path, NULL, 0, limits, false);
	compare(path, NULL, 0, limits, true);
}

/* The .yaml files of dir; how many. */
static size_t compare_files(const char *dir, const pc_limits *limits)
{
	struct dirent **names;
	size_t files = 0;
	char path[4096];
	int i, n;

	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (name[0] != '.' && is_yaml(name)) {
			assert_true((size_t)snprintf(path, sizeof path, "%s/%s",
						     dir, name) < sizeof path);
			compare_file(path, limits);
			files++;
		}
		free(names[i]);
	}
	free(names);
	return files;
}

/* The .yaml files of dir (down: and of its subfolders, one level down),
 * each as a plan and as a rule pack. Returns the number of files. */
static size_t compare_dir(const char *dir, bool down)
{
	pc_limits limits;
	struct dirent **names;
	struct stat st;
	size_t files = 0;
	char path[4096];
	int i, n;

	pc_limits_default(&limits);
	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		assert_true((size_t)snprintf(path, sizeof path, "%s/%s", dir,
					     name) < sizeof path);
		if (name[0] == '.') {
			/* nothing */
		} else if (down && stat(path, &st) == 0 &&
			   S_ISDIR(st.st_mode)) {
			files += compare_files(path, &limits);
		} else if (is_yaml(name)) {
			compare_file(path, &limits);
			files++;
		}
		free(names[i]);
	}
	free(names);
	return files;
}

static void e2e_cases(void **state)
{
	(void)state;
	assert_true(compare_dir(SOURCE_DIR "/tests/e2e/cases", true) > 90);
}

static void example_plans_and_packs(void **state)
{
	(void)state;
	assert_true(compare_dir(SOURCE_DIR "/plans", false) >= 2);
	assert_true(compare_dir(SOURCE_DIR "/rules", false) >= 2);
	assert_true(compare_dir(SOURCE_DIR "/tests/unit/data", true) > 10);
}

static void yaml_test_suite(void **state)
{
	(void)state;
	assert_true(compare_dir(SOURCE_DIR "/tests/yaml-suite/cases", true) >
		    300);
}

/* A plan of about 2 MiB: thousands of people and units, attributes shared
 * through anchors and merge keys far apart, a name longer than a batch's
 * text, and findings of every structural kind the loader makes (an
 * unknown holder, a duplicate key), into t (initialised here). tail ends
 * it. */
static void big_plan(strbuf *t, const char *tail)
{
	int i, j;

	sb_init(t);
	sb_printf(t, "plancheck: plan/1\n"
	       "plan: {id: big, name: Big, as_of: 2019-06-30}\n"
	       "titles:\n"
	       "  - {id: chair, name: Chair, kind: state, leadership: head}\n"
	       "  - {id: vice, name: Vice, kind: state, leadership: deputy}\n"
	       "people:\n"
	       "  - id: P0\n"
	       "    name: \"");
	for (i = 0; i < 5000; i++)
		sb_printf(t, "Nguyễn %d ", i);
	sb_printf(t, "\"\n"
	       "    attrs: &base {party_member: true, born: 1970-01-01}\n");
	for (i = 1; i < 20000; i++) {
		sb_printf(t, "  - id: P%d\n    name: Person %d\n", i, i);
		if (i % 7 == 0)
			sb_printf(t, "    attrs: {<<: *base, rank: %d}\n", i % 5);
		else if (i % 11 == 0)
			sb_printf(t, "    attrs: *base\n");
		else if (i % 13 == 0)
			sb_printf(t, "    attrs: &a%d {born: 1980-02-%02d}\n", i,
			    i % 28 + 1);
		else if (i % 17 == 0 && i > 13)
			sb_printf(t, "    attrs: *a13\n");
	}
	sb_printf(t, "units:\n");
	for (i = 0; i < 400; i++) {
		sb_printf(t, "  - id: U%d\n    name: Unit %d\n    level: province\n"
		       "    kind: state\n    staff: {baseline: 50, quota: 45, "
		       "actual: %d}\n    positions:\n"
		       "      - {title: chair, holders: [P%d]}\n"
		       "      - {title: vice, holders: [P%d, P%d]}\n"
		       "    units:\n", i, i, 40 + i % 10, i * 40 + 1,
		    i * 40 + 2, i == 50 ? 99999 : i * 40 + 3);
		for (j = 0; j < 12; j++)
			sb_printf(t, "      - id: U%d-%d\n        name: Division %d\n"
			       "        level: division\n        kind: state\n"
			       "        positions:\n"
			       "          - {title: chair, holders: [P%d]}\n"
			       "%s",
			    i, j, j, i * 40 + 4 + j,
			    j == 5 && i == 120 ? "        kind: state\n" : "");
	}
	sb_printf(t, "%s", tail);
}

static void written_plan(void **state)
{
	pc_limits limits;
	strbuf t;
	size_t n;

	(void)state;
	pc_limits_default(&limits);
	big_plan(&t, "");
	assert_true(t.len > (1u << 20));
	n = compare("big.yaml", text_of(&t), t.len, &limits, false);
	/* It loaded and was checked: a report, not just an error line. */
	assert_true(n > 100000);
	sb_free(&t);
}

static void written_plan_cut_short(void **state)
{
	pc_limits limits;
	strbuf t;

	(void)state;
	pc_limits_default(&limits);
	/* A syntax error after a thousand batches. */
	big_plan(&t, "tasks: [unclosed\n");
	compare("syntax.yaml", text_of(&t), t.len, &limits, false);
	/* The loader stops early, with libyaml's thread far ahead and
	 * waiting for a batch to be given back. */
	limits.max_units = 5;
	compare("units.yaml", text_of(&t), t.len, &limits, false);
	pc_limits_default(&limits);
	limits.max_people = 10;
	compare("people.yaml", text_of(&t), t.len, &limits, false);
	/* The long name is over this limit. */
	pc_limits_default(&limits);
	limits.max_scalar_len = 40000;
	compare("scalar.yaml", text_of(&t), t.len, &limits, false);
	sb_free(&t);
}

/* The comparisons above mean something only if the second load did run
 * libyaml on its own thread: for a file and for text, as pc_plan_load and
 * pc_plan_load_string open them, and not below parse_thread_min. */
static void the_thread_runs(void **state)
{
	pc_errors *errors = errors_new();
	pc_limits limits;
	yreader *r = NULL;
	strbuf t;

	(void)state;
	assert_non_null(errors);
	pc_limits_default(&limits);
	limits.parse_thread_min = 1;
	assert_int_equal(yr_open_file(&r, SOURCE_DIR "/plans/long-an.yaml",
				      &limits, NULL, errors), 0);
	assert_true(yr_parse_thread(r));
	yr_close(r);
	big_plan(&t, "");
	assert_int_equal(yr_open_string(&r, "big.yaml", text_of(&t), t.len, &limits,
					NULL, errors), 0);
	assert_true(yr_parse_thread(r));
	yr_close(r);
	/* The default: a thread for the 1.7 MiB plan, none for long-an. */
	pc_limits_default(&limits);
	assert_int_equal(yr_open_string(&r, "big.yaml", text_of(&t), t.len, &limits,
					NULL, errors), 0);
	assert_true(yr_parse_thread(r));
	yr_close(r);
	assert_int_equal(yr_open_file(&r, SOURCE_DIR "/plans/long-an.yaml",
				      &limits, NULL, errors), 0);
	assert_false(yr_parse_thread(r));
	yr_close(r);
	assert_int_equal(pc_errors_count(errors), 0);
	pc_errors_free(errors);
	sb_free(&t);
}

static int setup(void **state)
{
	pc_errors *errors = NULL;

	(void)state;
	if (pc_ruleset_new(&rules) < 0 ||
	    pc_ruleset_load(rules, SOURCE_DIR "/rules/vn-2018.yaml", NULL,
			    &errors) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pc_ruleset_free(rules);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e2e_cases),
		cmocka_unit_test(example_plans_and_packs),
		cmocka_unit_test(yaml_test_suite),
		cmocka_unit_test(written_plan),
		cmocka_unit_test(written_plan_cut_short),
		cmocka_unit_test(the_thread_runs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
