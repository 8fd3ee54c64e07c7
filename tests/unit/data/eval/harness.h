/* harness.h - shared by the evaluator's unit tests (test_eval_*.c): load a
 * plan and a rule pack from YAML text, check, and look findings up.
 * Included once per test program; everything is static. */
#ifndef EVAL_HARNESS_H
#define EVAL_HARNESS_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plancheck.h"

typedef struct fx {
	pc_plan *plan;
	pc_ruleset *rules;
	pc_report *rep;
} fx;

static void fx_free(fx *x)
{
	pc_report_free(x->rep);
	pc_ruleset_free(x->rules);
	pc_plan_free(x->plan);
	memset(x, 0, sizeof *x);
}

static pc_date day(const char *text)
{
	pc_date d = PC_NODATE;

	assert_int_equal(pc_date_parse(text, strlen(text), &d), 0);
	return d;
}

static void print_errors(const char *what, pc_errors *errors)
{
	size_t i;

	for (i = 0; i < pc_errors_count(errors); i++) {
		const pc_error *e = pc_errors_get(errors, i);

		fprintf(stderr, "%s: %s:%u:%u: %s\n", what,
			e->file ? e->file : "-", e->line, e->column,
			e->message);
	}
}

/* Load both texts; rules_yaml may be NULL (an empty rule set). */
static void fx_load(fx *x, const char *plan_yaml, const char *rules_yaml)
{
	pc_errors *errors = NULL;
	int rc;

	memset(x, 0, sizeof *x);
	rc = pc_plan_load_string("plan.yaml", plan_yaml, strlen(plan_yaml),
				 NULL, &x->plan, &errors);
	if (rc != 0)
		print_errors("plan", errors);
	pc_errors_free(errors);
	errors = NULL;
	assert_int_equal(rc, 0);
	assert_int_equal(pc_ruleset_new(&x->rules), 0);
	if (rules_yaml) {
		rc = pc_ruleset_load_string(x->rules, "rules.yaml", rules_yaml,
					    strlen(rules_yaml), NULL, &errors);
		if (rc != 0)
			print_errors("rules", errors);
		pc_errors_free(errors);
		assert_int_equal(rc, 0);
	}
}

/* Check with an as-of date ("YYYY-MM-DD" or NULL) and filters. */
static void fx_check_with(fx *x, const char *as_of, const char *only,
			  const char *skip)
{
	pc_check_options o;
	pc_errors *errors = NULL;
	int rc;

	memset(&o, 0, sizeof o);
	o.as_of = as_of ? day(as_of) : PC_NODATE;
	o.only = only;
	o.skip = skip;
	pc_report_free(x->rep);
	x->rep = NULL;
	rc = pc_check(x->plan, x->rules, &o, &x->rep, &errors);
	if (rc != 0)
		print_errors("check", errors);
	pc_errors_free(errors);
	assert_int_equal(rc, 0);
	assert_non_null(x->rep);
}

static void fx_run(fx *x, const char *plan_yaml, const char *rules_yaml,
		   const char *as_of)
{
	fx_load(x, plan_yaml, rules_yaml);
	fx_check_with(x, as_of, NULL, NULL);
}

static void dump(const pc_report *rep)
{
	size_t i;

	for (i = 0; i < pc_report_finding_count(rep); i++) {
		const pc_finding *f = pc_report_finding(rep, i);

		fprintf(stderr, "  %s:%u:%u %s %s [%s %s] %s%s\n",
			f->location.file ? f->location.file : "-",
			f->location.line, f->location.column,
			pc_severity_name(f->severity), f->rule,
			pc_target_type_name(f->target_type), f->target_id,
			f->message, f->waived ? " (waived)" : "");
	}
}

/* Findings of one rule (and target, unless NULL). */
static size_t count_of(const pc_report *rep, const char *rule,
		       const char *target)
{
	size_t i, n = 0;

	for (i = 0; i < pc_report_finding_count(rep); i++) {
		const pc_finding *f = pc_report_finding(rep, i);

		if (strcmp(f->rule, rule) == 0 &&
		    (!target || strcmp(f->target_id, target) == 0))
			n++;
	}
	return n;
}

/* The one finding of rule about target (fails the test otherwise). */
static const pc_finding *the(const pc_report *rep, const char *rule,
			     const char *target)
{
	size_t i;
	const pc_finding *hit = NULL;

	for (i = 0; i < pc_report_finding_count(rep); i++) {
		const pc_finding *f = pc_report_finding(rep, i);

		if (strcmp(f->rule, rule) != 0 ||
		    strcmp(f->target_id, target) != 0)
			continue;
		if (hit) {
			dump(rep);
			fail_msg("two findings of %s on %s", rule, target);
		}
		hit = f;
	}
	if (!hit) {
		dump(rep);
		fail_msg("no finding of %s on %s", rule, target);
	}
	return hit;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

/* 1-based line and column of the first occurrence of needle in text. */
static void where_in(const char *text, const char *needle, unsigned *line,
		     unsigned *col)
{
	const char *at = strstr(text, needle), *p;

	assert_non_null(at);
	*line = 1;
	*col = 1;
	for (p = text; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static void assert_at(const pc_finding *f, const char *file,
		      const char *text, const char *needle)
{
	unsigned line, col;

	where_in(text, needle, &line, &col);
	assert_string_equal(f->location.file, file);
	assert_int_equal(f->location.line, line);
	assert_int_equal(f->location.column, col);
}
#endif
