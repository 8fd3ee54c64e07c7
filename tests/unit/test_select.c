/* test_select.c - unit and person selectors: every matcher form, under,
 * status, tags, attrs (equality on canonical text, min/max), Unicode
 * regular expressions, the problems a malformed selector reports, and a
 * regular expression that hits its match limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plancheck.h"
#include "model.h"
#include "problems.h"
#include "select.h"
#include "yread.h"

static const char plan_yaml[] =
	"plancheck: plan/1\n"
	"plan: { id: s, name: S }\n"
	"people:\n"
	"  - { id: P1, name: Nguyễn Văn An, attrs: { standing_committee: true, grade: 3 } }\n"
	"  - { id: P2, name: trần thị bình, attrs: { standing_committee: false, grade: \"3\" } }\n"
	"  - { id: P3, name: Lê Văn Cường }\n"
	"units:\n"
	"  - id: LA\n"
	"    name: Tỉnh Long An\n"
	"    level: province\n"
	"    kind: state\n"
	"    attrs: { class: 1, population: 1700000 }\n"
	"    units:\n"
	"      - id: LA-DUC-HOA\n"
	"        name: Huyện Đức Hòa\n"
	"        level: district\n"
	"        kind: state\n"
	"        tags: [pilot, border]\n"
	"        attrs: { class: \"1\", population: 30000 }\n"
	"        units:\n"
	"          - { id: LA-DUC-HOA-X1, name: Xã Đức Lập Hạ, level: commune }\n"
	"      - { id: LA-TAN-AN, name: Thành phố Tân An, level: district, kind: party,\n"
	"          tags: [pilot], attrs: { class: II, population: 10000 } }\n"
	"      - { id: LA-OLD, name: huyện cũ, level: district, status: merged,\n"
	"          into: LA-TAN-AN, attrs: { population: \"50000\" } }\n"
	"      - { id: LA-GONE, name: Huyện Giải Thể, level: district, status: dissolved }\n"
	"      - { id: LA-NEW, name: Huyện Mới, level: district, status: new, kind: state }\n";

typedef struct seen_problem {
	prob_kind kind;
	uint32_t line, col;
	char msg[256];
} seen_problem;

typedef struct fx {
	pc_plan *plan;
	arena a;
	pc_limits limits;
	problems sink;
	seen_problem probs[8];
	size_t nprobs;
} fx;

static void collect(void *ctx, prob_kind kind, const char *file,
		    uint32_t line, uint32_t col, const char *msg)
{
	fx *x = ctx;

	(void)file;
	if (x->nprobs < 8) {
		seen_problem *p = &x->probs[x->nprobs++];
		p->kind = kind;
		p->line = line;
		p->col = col;
		snprintf(p->msg, sizeof p->msg, "%s", msg);
	}
}

static int setup(void **state)
{
	static fx x;
	pc_errors *errors = NULL;

	memset(&x, 0, sizeof x);
	arena_init(&x.a);
	pc_limits_default(&x.limits);
	x.sink.report = collect;
	x.sink.ctx = &x;
	x.sink.file = "sel.yaml";
	if (pc_plan_load_string("plan.yaml", plan_yaml, strlen(plan_yaml),
				NULL, &x.plan, &errors) != 0)
		return -1;
	if (x.plan->nfindings)
		return -1;
	*state = &x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;

	pc_plan_free(x->plan);
	arena_free(&x->a);
	return 0;
}

typedef enum parse_what { UNITS, PEOPLE, MATCHER } parse_what;

/* Parse text (one YAML document) as a selector of the given kind. */
static void parse(fx *x, const char *text, parse_what what, void *out)
{
	pc_errors *errors = errors_new();
	yreader *r = NULL;
	yr_event root;
	int rc;

	x->nprobs = 0;
	assert_int_equal(yr_open_string(&r, "sel.yaml", text, strlen(text),
					&x->limits, &x->sink, errors), 0);
	assert_int_equal(yr_begin(r, &root), 1);
	if (what == UNITS)
		rc = selector_parse(r, &root, &x->a, &x->limits, &x->sink, out);
	else if (what == PEOPLE)
		rc = person_selector_parse(r, &root, &x->a, &x->limits,
					   &x->sink, out);
	else
		rc = matcher_parse(r, &root, &x->a, &x->limits, &x->sink, true,
				   out);
	assert_int_equal(rc, 0);
	assert_int_equal(yr_finish(r), 0);
	yr_close(r);
	pc_errors_free(errors);
}

/* The ids of the units text selects, in pre-order, comma-separated. */
static const char *units_selected(fx *x, const char *text)
{
	static char out[512];
	selector s;
	size_t len = 0;
	uint32_t i;

	parse(x, text, UNITS, &s);
	out[0] = '\0';
	for (i = 0; i < x->plan->nunits; i++) {
		const unit *u = x->plan->units[i];
		int rc = selector_match(&s, x->plan, u);

		assert_true(rc == 0 || rc == 1);
		if (rc == 1)
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
						len ? "," : "", u->id);
	}
	return out;
}

static const char *people_selected(fx *x, const char *text)
{
	static char out[256];
	person_selector s;
	size_t len = 0;
	uint32_t i;

	parse(x, text, PEOPLE, &s);
	out[0] = '\0';
	for (i = 0; i < x->plan->npeople; i++) {
		const person *p = plan_person(x->plan, i);
		int rc = person_selector_match(&s, p);

		assert_true(rc == 0 || rc == 1);
		if (rc == 1)
			len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
						len ? "," : "", p->id);
	}
	return out;
}

#define ALL_AFTER "LA,LA-DUC-HOA,LA-DUC-HOA-X1,LA-TAN-AN,LA-NEW"

static void empty_selector_takes_existing_units(void **state)
{
	fx *x = *state;

	assert_string_equal(units_selected(x, "{}"), ALL_AFTER);
	assert_int_equal(x->nprobs, 0);
}

static void string_and_list(void **state)
{
	fx *x = *state;

	assert_string_equal(units_selected(x, "{ level: district }"),
			    "LA-DUC-HOA,LA-TAN-AN,LA-NEW");
	assert_string_equal(units_selected(x, "{ level: [province, commune] }"),
			    "LA,LA-DUC-HOA-X1");
	assert_string_equal(units_selected(x, "{ level: [] }"), "");
	/* A missing field fails an equality: LA-DUC-HOA-X1 has no kind. */
	assert_string_equal(units_selected(x, "{ kind: state }"),
			    "LA,LA-DUC-HOA,LA-NEW");
	/* Every key must hold. */
	assert_string_equal(units_selected(x, "{ level: district, kind: party }"),
			    "LA-TAN-AN");
	assert_string_equal(units_selected(x, "{ id: LA-NEW }"), "LA-NEW");
	assert_string_equal(units_selected(x, "{ name: Thành phố Tân An }"),
			    "LA-TAN-AN");
	assert_int_equal(x->nprobs, 0);
}

static void regular_expressions(void **state)
{
	fx *x = *state;

	assert_string_equal(units_selected(x, "{ id: { matches: '^LA-DUC' } }"),
			    "LA-DUC-HOA,LA-DUC-HOA-X1");
	assert_string_equal(units_selected(x, "{ kind: { matches: '^s' } }"),
			    "LA,LA-DUC-HOA,LA-NEW");
	/* A missing field fails a regular expression too, even '.*'. */
	assert_string_equal(units_selected(x, "{ kind: { matches: '.*' } }"),
			    "LA,LA-DUC-HOA,LA-TAN-AN,LA-NEW");
	/* Case-insensitive over Vietnamese letters with diacritics. */
	assert_string_equal(units_selected(x,
				"{ name: { matches: '(?i)HUYỆN ĐỨC' } }"),
			    "LA-DUC-HOA");
	assert_string_equal(units_selected(x, "{ name: { matches: '(?i)huyện' } }"),
			    "LA-DUC-HOA,LA-NEW");
	assert_string_equal(units_selected(x, "{ name: { matches: 'huyện' } }"),
			    "");
	/* \p{Lu} is one code point, Đ included (UTF mode). */
	assert_string_equal(units_selected(x,
				"{ name: { matches: '\\s\\p{Lu}ức' } }"),
			    "LA-DUC-HOA,LA-DUC-HOA-X1");
	assert_string_equal(units_selected(x,
				"{ name: { matches: '\\s\\p{Ll}ức' } }"), "");
	assert_int_equal(x->nprobs, 0);
}

static void unicode_matcher_directly(void **state)
{
	fx *x = *state;
	matcher m;

	parse(x, "{ matches: '^\\p{Lu}$' }", MATCHER, &m);
	assert_int_equal(m.kind, MATCH_REGEX);
	assert_int_equal(matcher_match(&m, "Đ", strlen("Đ")), 1);
	assert_int_equal(matcher_match(&m, "đ", strlen("đ")), 0);
	assert_int_equal(matcher_match(&m, "DD", 2), 0);
	assert_int_equal(matcher_match(&m, NULL, 0), 0);
	parse(x, "{ min: -5, max: 5 }", MATCHER, &m);
	assert_int_equal(m.kind, MATCH_RANGE);
	assert_int_equal(matcher_match(&m, "-5", 2), 1);
	assert_int_equal(matcher_match(&m, "6", 1), 0);
	assert_int_equal(matcher_match(&m, "x", 1), 0);
}

static void under_and_status(void **state)
{
	fx *x = *state;

	assert_string_equal(units_selected(x, "{ under: LA-DUC-HOA }"),
			    "LA-DUC-HOA,LA-DUC-HOA-X1");
	assert_string_equal(units_selected(x, "{ under: LA, level: commune }"),
			    "LA-DUC-HOA-X1");
	assert_string_equal(units_selected(x, "{ under: NOPE }"), "");
	assert_string_equal(units_selected(x, "{ status: merged }"), "LA-OLD");
	assert_string_equal(units_selected(x, "{ status: [new, dissolved] }"),
			    "LA-GONE,LA-NEW");
	assert_string_equal(units_selected(x,
		"{ level: district, status: [active, new, merged, dissolved] }"),
		"LA-DUC-HOA,LA-TAN-AN,LA-OLD,LA-GONE,LA-NEW");
	assert_string_equal(units_selected(x,
				"{ name: { matches: '(?i)huyện' }, status: merged }"),
			    "LA-OLD");
	assert_int_equal(x->nprobs, 0);
}

static void tags_all_required(void **state)
{
	fx *x = *state;

	assert_string_equal(units_selected(x, "{ tags: [pilot] }"),
			    "LA-DUC-HOA,LA-TAN-AN");
	assert_string_equal(units_selected(x, "{ tags: [pilot, border] }"),
			    "LA-DUC-HOA");
	assert_string_equal(units_selected(x, "{ tags: [border, nope] }"), "");
	assert_string_equal(units_selected(x, "{ tags: [] }"), ALL_AFTER);
	assert_int_equal(x->nprobs, 0);
}

static void attrs_matchers(void **state)
{
	fx *x = *state;

	/* Equality on canonical text: the integer 1, the string "1" and a
	 * plain 01 in the selector all meet. */
	assert_string_equal(units_selected(x, "{ attrs: { class: 1 } }"),
			    "LA,LA-DUC-HOA");
	assert_string_equal(units_selected(x, "{ attrs: { class: 01 } }"),
			    "LA,LA-DUC-HOA");
	assert_string_equal(units_selected(x, "{ attrs: { class: \"01\" } }"),
			    "");
	assert_string_equal(units_selected(x, "{ attrs: { class: [I, II] } }"),
			    "LA-TAN-AN");
	assert_string_equal(units_selected(x,
				"{ attrs: { class: { matches: '^I+$' } } }"),
			    "LA-TAN-AN");
	assert_string_equal(units_selected(x,
				"{ attrs: { population: { min: 10000, max: 50000 } } }"),
			    "LA-DUC-HOA,LA-TAN-AN");
	assert_string_equal(units_selected(x,
				"{ attrs: { population: { max: 10000 } } }"),
			    "LA-TAN-AN");
	assert_string_equal(units_selected(x,
				"{ attrs: { population: { min: 1000000 } } }"),
			    "LA");
	/* A string attribute is not an integer, whatever it reads. */
	assert_string_equal(units_selected(x,
				"{ status: merged, attrs: { population: { min: 0 } } }"),
			    "");
	assert_string_equal(units_selected(x,
				"{ attrs: { missing: { matches: '.*' } } }"), "");
	assert_string_equal(units_selected(x,
				"{ attrs: { class: 1, population: { min: 100000 } } }"),
			    "LA");
	assert_int_equal(x->nprobs, 0);
}

static void person_selectors(void **state)
{
	fx *x = *state;

	assert_string_equal(people_selected(x, "{}"), "P1,P2,P3");
	assert_string_equal(people_selected(x,
				"{ attrs: { standing_committee: true } }"), "P1");
	assert_string_equal(people_selected(x,
				"{ attrs: { standing_committee: false } }"), "P2");
	assert_string_equal(people_selected(x, "{ id: [P1, P3] }"), "P1,P3");
	assert_string_equal(people_selected(x,
				"{ name: { matches: '(?i)^TRẦN' } }"), "P2");
	assert_string_equal(people_selected(x, "{ attrs: { grade: 3 } }"),
			    "P1,P2");
	assert_string_equal(people_selected(x,
				"{ attrs: { grade: { min: 3 } } }"), "P1");
	assert_int_equal(x->nprobs, 0);
	assert_string_equal(people_selected(x, "{ level: x }"), "");
	assert_int_equal(x->nprobs, 1);
	assert_int_equal(x->probs[0].kind, PROB_UNKNOWN_KEY);
	assert_string_equal(people_selected(x, "[P1]"), "");
	assert_int_equal(x->probs[0].kind, PROB_BAD_TYPE);
}

typedef struct problem_case {
	const char *text;
	prob_kind kind;
	uint32_t line, col;
	const char *message;
} problem_case;

static const problem_case problem_cases[] = {
	{ "{ name: { matches: '(abc' } }", PROB_BAD_REGEX, 1, 20,
	  "invalid regular expression '(abc': missing closing parenthesis at "
	  "offset 4" },
	{ "{ id: { matches: 'a{2,1}' } }", PROB_BAD_REGEX, 1, 18,
	  "out of order" },
	{ "{ lvel: x }", PROB_UNKNOWN_KEY, 1, 3, "did you mean 'level'?" },
	{ "{ status: gone }", PROB_BAD_VALUE, 1, 11,
	  "expected active, new, merged or dissolved" },
	{ "{ status: [active, mergd] }", PROB_BAD_VALUE, 1, 20,
	  "did you mean 'merged'?" },
	{ "{ level: { min: 1 } }", PROB_UNKNOWN_KEY, 1, 12,
	  "min and max apply only to attrs" },
	{ "{ level: { matchs: x } }", PROB_UNKNOWN_KEY, 1, 12,
	  "did you mean 'matches'?" },
	{ "{ level: {} }", PROB_MISSING_KEY, 1, 10, "needs matches" },
	{ "{ level: ~ }", PROB_BAD_TYPE, 1, 10, "found null" },
	{ "{ level: [a, [b]] }", PROB_BAD_TYPE, 1, 14, "expected a string" },
	{ "{ attrs: { a: { min: x } } }", PROB_BAD_VALUE, 1, 22,
	  "expected an integer" },
	{ "{ attrs: { a: { min: 5, max: 1 } } }", PROB_BAD_VALUE, 1, 15,
	  "min 5 is greater than max 1" },
	{ "{ attrs: { a: { matches: x, min: 1 } } }", PROB_BAD_VALUE, 1, 15,
	  "either matches or min/max" },
	{ "{ attrs: [a] }", PROB_BAD_TYPE, 1, 10, "attribute names" },
	{ "{ tags: pilot }", PROB_BAD_TYPE, 1, 9, "a list of tags" },
	{ "{ under: [LA] }", PROB_BAD_TYPE, 1, 10, "a unit id" },
	{ "[level]", PROB_BAD_TYPE, 1, 1, "a selector (a mapping)" },
};

/* Each problem is reported once, at its node, and the selector then
 * selects nothing (x- keys are ignored, not reported). */
static void problems_reported(void **state)
{
	fx *x = *state;
	size_t i;

	for (i = 0; i < sizeof problem_cases / sizeof problem_cases[0]; i++) {
		const problem_case *c = &problem_cases[i];
		const char *got = units_selected(x, c->text);

		if (x->nprobs != 1)
			fail_msg("'%s': %zu problems", c->text, x->nprobs);
		assert_int_equal(x->probs[0].kind, c->kind);
		if (x->probs[0].line != c->line || x->probs[0].col != c->col)
			fail_msg("'%s': at %u:%u, expected %u:%u", c->text,
				 x->probs[0].line, x->probs[0].col, c->line,
				 c->col);
		if (!strstr(x->probs[0].msg, c->message))
			fail_msg("'%s': message '%s'", c->text, x->probs[0].msg);
		assert_string_equal(got, "");
	}
	assert_string_equal(units_selected(x, "{ x-note: anything, level: commune }"),
			    "LA-DUC-HOA-X1");
	assert_int_equal(x->nprobs, 0);
}

/* A pathological pattern stops at the match limit: -1, not a hang. */
static void match_limit(void **state)
{
	fx *x = *state;
	static const char slow[] =
		"plancheck: plan/1\n"
		"plan: { id: s, name: S }\n"
		"units: [{ id: U, level: x, name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! }]\n";
	pc_plan *plan = NULL;
	pc_errors *errors = NULL;
	selector s;

	assert_int_equal(pc_plan_load_string("slow.yaml", slow, strlen(slow),
					     NULL, &plan, &errors), 0);
	x->limits.regex_match_limit = 10000;
	parse(x, "{ name: { matches: '^(a|aa)+$' } }", UNITS, &s);
	pc_limits_default(&x->limits);
	assert_int_equal(selector_match(&s, plan, plan->units[0]), -1);
	/* Cheaper tests run first: a unit they reject never reaches it. */
	parse(x, "{ level: y, name: { matches: '^(a|aa)+$' } }", UNITS, &s);
	assert_int_equal(selector_match(&s, plan, plan->units[0]), 0);
	pc_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_selector_takes_existing_units),
		cmocka_unit_test(string_and_list),
		cmocka_unit_test(regular_expressions),
		cmocka_unit_test(unicode_matcher_directly),
		cmocka_unit_test(under_and_status),
		cmocka_unit_test(tags_all_required),
		cmocka_unit_test(attrs_matchers),
		cmocka_unit_test(person_selectors),
		cmocka_unit_test(problems_reported),
		cmocka_unit_test(match_limit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
