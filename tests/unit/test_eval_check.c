/* test_eval_check.c - the check driver: as-of, effective dates, --only and
 * --skip, structural findings, waivers, order, summary, limits, memory. */
#include "data/eval/harness.h"
#include "eval.h"
#include "findings.h"

#include <stdlib.h>

static const char plan_yaml[] =
	"plancheck: plan/1\n"
	"plan: { id: chk, name: Check, as_of: 2019-06-30 }\n"
	"titles:\n"
	"  - { id: deputy-head, name: Phó trưởng phòng }\n"
	"people:\n"
	"  - { id: P1, name: An }\n"
	"  - { id: P2, name: Bình }\n"
	"  - { id: P3, name: Cường }\n"
	"  - { id: P4, name: Dũng }\n"
	"units:\n"
	"  - id: U1\n"
	"    name: Phòng Một\n"
	"    level: division\n"
	"    positions:\n"
	"      - { title: deputy-head, holders: [P1, P2, P3, P4] }\n"
	"  - id: U2\n"
	"    name: Phòng Hai\n"
	"    level: division\n"
	"    positions:\n"
	"      - { title: deputy-head, holders: [P1, P2, P3, P4] }\n"
	"  - id: U3\n"
	"    name: Phòng Ba\n"
	"    level: division\n"
	"    positions:\n"
	"      - { title: deputy-head, holders: [P1, P2, P3, P4] }\n"
	"  - id: U4\n"
	"    name: Phòng Bốn\n"
	"    level: division\n"
	"waivers:\n"
	"  - { rule: max-deputies, target: U1, reason: QĐ 123/QĐ-UBND, "
	"approved_by: UBND tỉnh Long An, expires: 2019-12-31 }\n"
	"  - { rule: max-deputies, target: U2, reason: QĐ 124/QĐ-UBND, "
	"approved_by: UBND tỉnh Long An, expires: 2019-01-31 }\n"
	"  - { rule: max-deputies, target: U4, reason: QĐ 125/QĐ-UBND, "
	"approved_by: UBND tỉnh Long An }\n"
	"  - { rule: later-rule, target: U1, reason: QĐ 126/QĐ-UBND, "
	"approved_by: UBND tỉnh Long An }\n";

static const char rules_yaml[] =
	"plancheck: rules/1\n"
	"id: chk\n"
	"name: Check\n"
	"rules:\n"
	"  - id: max-deputies\n"
	"    kind: quota\n"
	"    for: { level: division }\n"
	"    measure: { holders: deputy-head }\n"
	"    max: 3\n"
	"  - id: later-rule\n"
	"    kind: quota\n"
	"    effective: 2020-01-01\n"
	"    for: { level: division }\n"
	"    measure: { holders: deputy-head }\n"
	"    max: 0\n"
	"  - id: warn-rule\n"
	"    kind: quota\n"
	"    severity: warning\n"
	"    for: { level: division }\n"
	"    measure: { holders: deputy-head }\n"
	"    max: 3\n";

static void waivers(void **state)
{
	const pc_finding *f;
	pc_summary sum;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	/* U1: waived by an unexpired waiver. */
	f = the(x.rep, "max-deputies", "U1");
	assert_true(f->waived);
	assert_non_null(f->waiver);
	assert_string_equal(f->waiver->reason, "QĐ 123/QĐ-UBND");
	assert_string_equal(f->waiver->approved_by, "UBND tỉnh Long An");
	assert_int_equal(f->waiver->expires, day("2019-12-31"));
	assert_string_equal(f->waiver->location.file, "plan.yaml");
	{
		unsigned line, col;

		where_in(plan_yaml, "{ rule: max-deputies, target: U1", &line,
			 &col);
		assert_int_equal(f->waiver->location.line, line);
		assert_int_equal(f->waiver->location.column, col);
	}
	/* U2: the waiver expired; the finding stands, the waiver warns. */
	f = the(x.rep, "max-deputies", "U2");
	assert_false(f->waived);
	assert_null(f->waiver);
	f = the(x.rep, "plan/waiver-expired", "max-deputies:U2");
	assert_int_equal(f->severity, PC_SEV_WARNING);
	assert_int_equal(f->target_type, PC_TARGET_WAIVER);
	assert_at(f, "plan.yaml", plan_yaml, "{ rule: max-deputies, target: U2");
	assert_false(f->waived);
	/* U3: no waiver. */
	assert_false(the(x.rep, "max-deputies", "U3")->waived);
	/* U4 has nothing to waive. */
	f = the(x.rep, "plan/waiver-unused", "max-deputies:U4");
	assert_int_equal(f->severity, PC_SEV_INFO);
	assert_int_equal(f->target_type, PC_TARGET_WAIVER);
	/* later-rule did not run: its waiver is not called unused. */
	assert_int_equal(count_of(x.rep, "plan/waiver-unused", NULL), 1);
	assert_int_equal(count_of(x.rep, "later-rule", NULL), 0);
	/* A waiver is for one rule: warn-rule's findings stand. */
	assert_false(the(x.rep, "warn-rule", "U1")->waived);

	pc_report_summary(x.rep, &sum);
	assert_int_equal(sum.error, 2);
	assert_int_equal(sum.warning, 4);     /* 3 warn-rule, 1 expired */
	assert_int_equal(sum.info, 1);
	assert_int_equal(sum.waived, 1);
	assert_int_equal(sum.lagging_units, 0);
	fx_free(&x);
}

static void effective_dates(void **state)
{
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	assert_int_equal(pc_report_rule_state(x.rep, 0), PC_RULE_RAN);
	assert_int_equal(pc_report_rule_state(x.rep, 1), PC_RULE_NOT_EFFECTIVE);
	assert_int_equal(pc_report_rule_state(x.rep, 2), PC_RULE_RAN);
	assert_int_equal(pc_report_rule_state(x.rep, 3), PC_EUSAGE);

	/* On the effective date the rule applies; the U1 waiver of
	 * max-deputies has expired by then, later-rule's is used. */
	fx_check_with(&x, "2020-01-01", NULL, NULL);
	assert_int_equal(pc_report_as_of(x.rep), day("2020-01-01"));
	assert_int_equal(pc_report_rule_state(x.rep, 1), PC_RULE_RAN);
	assert_int_equal(count_of(x.rep, "later-rule", NULL), 3);
	assert_true(the(x.rep, "later-rule", "U1")->waived);
	assert_false(the(x.rep, "max-deputies", "U1")->waived);
	assert_int_equal(count_of(x.rep, "plan/waiver-expired", NULL), 2);
	/* The day before, it does not. */
	fx_check_with(&x, "2019-12-31", NULL, NULL);
	assert_int_equal(count_of(x.rep, "later-rule", NULL), 0);
	fx_free(&x);
}

static void only_and_skip(void **state)
{
	pc_check_options o;
	pc_errors *errors = NULL;
	pc_report *rep = (pc_report *)1;
	fx x;

	(void)state;
	fx_load(&x, plan_yaml, rules_yaml);
	fx_check_with(&x, NULL, "^max-", NULL);
	assert_int_equal(count_of(x.rep, "max-deputies", NULL), 3);
	assert_int_equal(count_of(x.rep, "warn-rule", NULL), 0);
	assert_int_equal(pc_report_rule_state(x.rep, 2), PC_RULE_FILTERED);
	assert_int_equal(pc_report_rule_state(x.rep, 1), PC_RULE_FILTERED);

	fx_check_with(&x, NULL, NULL, "deputies");
	assert_int_equal(count_of(x.rep, "max-deputies", NULL), 0);
	assert_int_equal(count_of(x.rep, "warn-rule", NULL), 3);
	assert_int_equal(pc_report_rule_state(x.rep, 0), PC_RULE_FILTERED);
	/* The waivers of a rule that did not run are not unused. */
	assert_int_equal(count_of(x.rep, "plan/waiver-unused", NULL), 0);

	/* Both: only max-* and warn-*, then skip warn-*. */
	fx_check_with(&x, NULL, "^(max|warn)-", "^warn");
	assert_int_equal(count_of(x.rep, "max-deputies", NULL), 3);
	assert_int_equal(count_of(x.rep, "warn-rule", NULL), 0);

	/* A bad expression fails the check with a message. */
	memset(&o, 0, sizeof o);
	o.as_of = PC_NODATE;
	o.only = "(max";
	assert_int_equal(pc_check(x.plan, x.rules, &o, &rep, &errors),
			 PC_EREGEX);
	assert_null(rep);
	assert_int_equal(pc_errors_count(errors), 1);
	assert_contains(pc_errors_get(errors, 0)->message, "--only");
	pc_errors_free(errors);
	errors = NULL;
	o.only = NULL;
	o.skip = "[";
	assert_int_equal(pc_check(x.plan, x.rules, &o, &rep, &errors),
			 PC_EREGEX);
	assert_contains(pc_errors_get(errors, 0)->message, "--skip");
	pc_errors_free(errors);
	fx_free(&x);
}

static void as_of_sources(void **state)
{
	const char *plan =
		"plancheck: plan/1\n"
		"plan: { id: n, name: No date }\n"
		"units: []\n";
	pc_report *rep = NULL;
	pc_date before, after;
	fx x;

	(void)state;
	/* Plan as_of when the options have none. */
	fx_run(&x, plan_yaml, NULL, NULL);
	assert_int_equal(pc_report_as_of(x.rep), day("2019-06-30"));
	assert_int_equal(pc_report_finding_count(x.rep), 4);
	fx_free(&x);
	/* Neither: today. NULL options and rules are allowed. */
	fx_load(&x, plan, NULL);
	before = pc_date_today();
	assert_int_equal(pc_check(x.plan, NULL, NULL, &rep, NULL), 0);
	after = pc_date_today();
	assert_true(pc_report_as_of(rep) >= before);
	assert_true(pc_report_as_of(rep) <= after);
	assert_int_equal(pc_report_finding_count(rep), 0);
	assert_ptr_equal(pc_report_plan(rep), x.plan);
	assert_null(pc_report_rules(rep));
	pc_report_free(rep);
	fx_free(&x);
}

static void structural_findings_copied(void **state)
{
	const char *plan =
		"plancheck: plan/1\n"
		"plan: { id: s, name: Structure }\n"
		"units:\n"
		"  - id: U1\n"
		"    name: Phòng Một\n"
		"    levle: division\n";
	size_t i, n = 0;
	fx x;

	(void)state;
	fx_run(&x, plan, NULL, "2020-01-01");
	for (i = 0; i < pc_report_finding_count(x.rep); i++) {
		const pc_finding *f = pc_report_finding(x.rep, i);

		if (strcmp(f->rule, "plan/unknown-key") != 0)
			continue;
		n++;
		assert_at(f, "plan.yaml", plan, "levle");
		assert_int_equal(f->severity, PC_SEV_ERROR);
		assert_string_equal(f->basis, "");
	}
	assert_int_equal(n, 1);
	fx_free(&x);
}

static int cmp_doc(const pc_finding *a, const pc_finding *b)
{
	int c = strcmp(a->location.file, b->location.file);

	if (c)
		return c;
	if (a->location.line != b->location.line)
		return a->location.line < b->location.line ? -1 : 1;
	if (a->location.column != b->location.column)
		return a->location.column < b->location.column ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)))
		return c;
	if ((c = strcmp(a->target_id, b->target_id)))
		return c;
	return strcmp(a->message, b->message);
}

static void sorted_and_deterministic(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: s\n"
		"name: Sort\n"
		"rules:\n"
		"  - id: z-last\n"
		"    kind: quota\n"
		"    for: { level: division }\n"
		"    measure: { holders: deputy-head }\n"
		"    max: 1\n"
		"  - id: a-first\n"
		"    kind: quota\n"
		"    for: { level: division }\n"
		"    measure: { holders: deputy-head }\n"
		"    max: 1\n"
		"  - id: ghost\n"
		"    kind: quota\n"
		"    measure: { positions: no-such-title }\n"
		"    max: 1\n";
	pc_report *again = NULL;
	size_t i, n;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, NULL);
	n = pc_report_finding_count(x.rep);
	/* 2 rules x 3 units, the unknown title, 3 unused waivers (no rule
	 * of this set is max-deputies or later-rule), 1 expired. */
	assert_int_equal(n, 11);
	for (i = 1; i < n; i++)
		assert_true(cmp_doc(pc_report_finding(x.rep, i - 1),
				    pc_report_finding(x.rep, i)) <= 0);
	/* Same unit: a-first before z-last. */
	assert_string_equal(pc_report_finding(x.rep, 0)->rule, "a-first");
	assert_string_equal(pc_report_finding(x.rep, 0)->target_id, "U1");
	assert_string_equal(pc_report_finding(x.rep, 1)->rule, "z-last");
	/* plan.yaml sorts before rules.yaml. */
	assert_string_equal(pc_report_finding(x.rep, n - 1)->rule,
			    "rules/unknown-ref");

	assert_int_equal(pc_check(x.plan, x.rules, NULL, &again, NULL), 0);
	assert_int_equal(pc_report_finding_count(again), n);
	for (i = 0; i < n; i++)
		assert_int_equal(cmp_doc(pc_report_finding(x.rep, i),
					 pc_report_finding(again, i)), 0);
	pc_report_free(again);
	fx_free(&x);
}

static void unknown_under(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: u\n"
		"name: Under\n"
		"rules:\n"
		"  - id: under-nowhere\n"
		"    kind: quota\n"
		"    for: { under: NOPE }\n"
		"    measure: { staff: quota }\n"
		"    max: 1\n";
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, NULL);
	f = the(x.rep, "rules/unknown-ref", "NOPE");
	assert_int_equal(f->target_type, PC_TARGET_UNIT);
	assert_int_equal(f->severity, PC_SEV_INFO);
	assert_int_equal(f->location.line, 7);
	assert_int_equal(count_of(x.rep, "under-nowhere", NULL), 0);
	fx_free(&x);
}

static void regex_limit_is_a_finding(void **state)
{
	const char *plan =
		"plancheck: plan/1\n"
		"plan: { id: r, name: Regex }\n"
		"units:\n"
		"  - { id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-, "
		"name: Slow, level: division }\n"
		"  - { id: aaaa, name: Fast, level: division }\n";
	const char *rules =
		"plancheck: rules/1\n"
		"id: r\n"
		"name: Regex\n"
		"rules:\n"
		"  - id: redos\n"
		"    kind: pattern\n"
		"    target: units\n"
		"    field: id\n"
		"    matches: '^(a+)+$'\n";
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan, rules, "2020-01-01");
	f = the(x.rep, "redos", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-");
	assert_int_equal(f->severity, PC_SEV_ERROR);
	assert_contains(f->message, "match or depth limit");
	assert_int_equal(count_of(x.rep, "redos", "aaaa"), 0);
	fx_free(&x);
}

/* A regular expression on a selector's level runs before its kind's
 * test: a unit of another kind still hits the expression's limit, and the
 * rule says so and stops, as when every unit was matched one by one. */
static void regex_limit_before_the_kind(void **state)
{
	const char *plan =
		"plancheck: plan/1\n"
		"plan: { id: r, name: Regex }\n"
		"units:\n"
		"  - { id: U1, name: one, "
		"level: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab, "
		"kind: school }\n"
		"  - { id: u2, name: two, level: aaaa, kind: office }\n";
	const char *rules =
		"plancheck: rules/1\n"
		"id: r\n"
		"name: Regex\n"
		"rules:\n"
		"  - id: lvl-re-kind-eq\n"
		"    kind: pattern\n"
		"    target: units\n"
		"    for: { level: { matches: '^(a+)+$' }, kind: office }\n"
		"    field: id\n"
		"    matches: '^[A-Z0-9]+$'\n"
		"  - id: quota-re-kind-eq\n"
		"    kind: quota\n"
		"    for: { level: { matches: '^(a+)+$' }, kind: office }\n"
		"    measure: { staff: actual }\n"
		"    max: 0\n";
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan, rules, "2020-01-01");
	f = the(x.rep, "lvl-re-kind-eq", "U1");
	assert_contains(f->message, "match or depth limit");
	assert_int_equal(count_of(x.rep, "lvl-re-kind-eq", NULL), 1);
	f = the(x.rep, "quota-re-kind-eq", "U1");
	assert_contains(f->message, "match or depth limit");
	fx_free(&x);
}

/* Every allocation of a check fails in turn: each run ends in PC_ENOMEM
 * and no report (the sanitizers see leaks), until one succeeds with the
 * same findings as a run without faults. */
static void out_of_memory(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: m\n"
		"name: Memory\n"
		"rules:\n"
		"  - id: max-deputies\n"
		"    kind: quota\n"
		"    for: { level: division }\n"
		"    measure: { holders: deputy-head }\n"
		"    max: 3\n"
		"  - id: titles\n"
		"    kind: merged_titles\n"
		"    max_positions: 1\n"
		"    allow:\n"
		"      - titles: [deputy-head, no-such-title]\n"
		"        within: unit\n"
		"        holder: { attrs: { x: 1 } }\n"
		"  - id: names\n"
		"    kind: pattern\n"
		"    target: people\n"
		"    field: name\n"
		"    matches: '^B'\n"
		"  - id: ghost\n"
		"    kind: deadline\n"
		"    task: nothing\n";
	pc_check_options o;
	unsigned long n;
	size_t want;
	unsigned threads;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, NULL);
	want = pc_report_finding_count(x.rep);
	assert_true(want > 10);
	memset(&o, 0, sizeof o);
	o.as_of = PC_NODATE;
	o.only = ".";
	/* On two threads, the failing allocation may be either's. */
	for (threads = 1; threads <= 2; threads++)
	for (o.threads = threads, n = 1; ; n++) {
		pc_report *rep = (pc_report *)1;
		pc_errors *errors = NULL;
		int rc;

		if (pc_fault_inject(n) < 0)
			skip();
		rc = pc_check(x.plan, x.rules, &o, &rep, &errors);
		pc_fault_inject(0);
		pc_errors_free(errors);
		if (rc == 0) {
			assert_int_equal(pc_report_finding_count(rep), want);
			pc_report_free(rep);
			break;
		}
		assert_int_equal(rc, PC_ENOMEM);
		assert_null(rep);
		assert_true(n < 100000);
	}
	assert_true(n > 5);
	fx_free(&x);
}

/* The text of rep's findings and lagging rows as JSON. */
static char *json_of(const pc_report *rep)
{
	const pc_report *reps[1] = { rep };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(pc_write(f, PC_FORMAT_JSON, reps, 1, NULL), 0);
	fclose(f);
	return text;
}

/* Rules run on several threads give the report they give on one: the
 * example plan with the shipped rules (every kind, waivers, lagging
 * units), on 2, 3 and 8 threads, JSON byte for byte. */
static void threads_same_report(void **state)
{
	static const unsigned counts[] = { 2, 3, 8 };
	pc_check_options o;
	pc_plan *plan = NULL;
	pc_ruleset *rules = NULL;
	pc_errors *errors = NULL;
	pc_report *one = NULL;
	char *want;
	size_t i, nrules;

	(void)state;
	assert_int_equal(pc_plan_load(SOURCE_DIR "/plans/long-an.yaml", NULL,
				      &plan, &errors), 0);
	assert_int_equal(pc_ruleset_new(&rules), 0);
	assert_int_equal(pc_ruleset_load(rules, SOURCE_DIR
					 "/rules/vn-2018.yaml", NULL,
					 &errors), 0);
	nrules = rules->nrules;
	assert_true(nrules > 8);
	memset(&o, 0, sizeof o);
	o.as_of = PC_NODATE;
	assert_int_equal(pc_check(plan, rules, &o, &one, &errors), 0);
	assert_int_equal(one->threads, 1);
	assert_true(pc_report_lagging_count(one) > 0);
	want = json_of(one);
	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		pc_report *rep = NULL;
		char *got;

		o.threads = counts[i];
		assert_int_equal(pc_check(plan, rules, &o, &rep, &errors), 0);
		assert_int_equal(rep->threads, counts[i]);
		assert_int_equal(pc_report_finding_count(rep),
				 pc_report_finding_count(one));
		got = json_of(rep);
		assert_string_equal(got, want);
		free(got);
		pc_report_free(rep);
	}
	free(want);
	pc_report_free(one);
	pc_ruleset_free(rules);
	pc_plan_free(plan);
	pc_errors_free(errors);
}

/* On several threads the rules are taken the most work first: people
 * (5) and units (4) walked, and a deadline's owners (three units for a,
 * one for b) at 8 each, a pattern of task ids counting every task; ties
 * keep the pack's order. */
static void rules_longest_first(void **state)
{
	static const char order_plan[] =
		"plancheck: plan/1\n"
		"plan: { id: o, name: Order, as_of: 2019-06-30 }\n"
		"people:\n"
		"  - { id: P1 }\n  - { id: P2 }\n  - { id: P3 }\n"
		"  - { id: P4 }\n  - { id: P5 }\n"
		"tasks:\n"
		"  - { id: a, due: 2019-01-01, applies_to: { level: x } }\n"
		"  - { id: b, due: 2019-01-01, applies_to: { level: y } }\n"
		"units:\n"
		"  - { id: U1, level: x }\n  - { id: U2, level: x }\n"
		"  - { id: U3, level: x }\n  - { id: U4, level: y }\n";
	static const char order_rules[] =
		"plancheck: rules/1\n"
		"id: o\n"
		"name: Order\n"
		"rules:\n"
		"  - { id: q, kind: quota, measure: { staff: actual }, max: 9 }\n"
		"  - { id: p-people, kind: pattern, target: people, field: id, "
		"matches: '^P' }\n"
		"  - { id: p-titles, kind: pattern, target: titles, field: id, "
		"matches: '^t' }\n"
		"  - { id: d-a, kind: deadline, task: a }\n"
		"  - { id: mt, kind: merged_titles, max_positions: 2 }\n"
		"  - { id: p-units, kind: pattern, target: units, field: id, "
		"matches: '^U' }\n"
		"  - { id: d-any, kind: deadline, task: { matches: '.' } }\n";
	static const char *const want[] = {
		"d-any", "d-a", "p-people", "mt", "q", "p-units", "p-titles"
	};
	const rule *todo[7];
	size_t i;
	fx x;

	(void)state;
	fx_load(&x, order_plan, order_rules);
	assert_int_equal(x.rules->nrules, 7);
	for (i = 0; i < 7; i++)
		todo[i] = x.rules->rules[i];
	assert_int_equal(eval_order_rules(x.plan, todo, 7), 0);
	for (i = 0; i < 7; i++)
		assert_string_equal(todo[i]->id, want[i]);
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(waivers),
		cmocka_unit_test(effective_dates),
		cmocka_unit_test(only_and_skip),
		cmocka_unit_test(as_of_sources),
		cmocka_unit_test(structural_findings_copied),
		cmocka_unit_test(sorted_and_deterministic),
		cmocka_unit_test(unknown_under),
		cmocka_unit_test(regex_limit_is_a_finding),
		cmocka_unit_test(regex_limit_before_the_kind),
		cmocka_unit_test(out_of_memory),
		cmocka_unit_test(threads_same_report),
		cmocka_unit_test(rules_longest_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
