/* test_eval_deadline.c - kind deadline: overdue, behind, late, grace days,
 * done dates after as-of, lagging rows. */
#include "data/eval/harness.h"

/* Task t1 runs 2019-01-01 .. 2019-12-31 (364 days) for every district. */
static const char plan_yaml[] =
	"plancheck: plan/1\n"
	"plan: { id: dl, name: Deadlines, start: 2018-01-01, as_of: 2019-07-02 }\n"
	"tasks:\n"
	"  - id: t1\n"
	"    name: Nhất thể hóa\n"
	"    applies_to: { level: district }\n"
	"    start: 2019-01-01\n"
	"    due: 2019-12-31\n"
	"  - id: t2\n"
	"    name: Sáp nhập phòng\n"
	"    applies_to: { id: D2 }\n"
	"    due: 2018-12-31\n"
	"  - id: other\n"
	"    name: Other\n"
	"    applies_to: { id: D1 }\n"
	"    due: 2018-06-30\n"
	"units:\n"
	"  - id: LA\n"
	"    name: Tỉnh Long An\n"
	"    level: province\n"
	"    units:\n"
	"      - id: D1\n"
	"        name: Huyện Một\n"
	"        level: district\n"
	"        progress:\n"
	"          t1: { done: 2019-05-01 }\n"
	"          other: { done: 2018-06-01 }\n"
	"      - id: D2\n"
	"        name: Huyện Hai\n"
	"        level: district\n"
	"        progress:\n"
	"          t1: { percent: 10 }\n"
	"          t2: { percent: 90 }\n"
	"      - id: D3\n"
	"        name: Huyện Ba\n"
	"        level: district\n"
	"        progress:\n"
	"          t1: { done: 2020-01-05 }\n"
	"      - id: D4\n"
	"        name: Huyện Bốn\n"
	"        level: district\n"
	"      - id: D5\n"
	"        name: Huyện Năm\n"
	"        level: district\n"
	"        progress:\n"
	"          t1: { percent: 30 }\n"
	"      - id: D6\n"
	"        name: Huyện Sáu\n"
	"        level: district\n"
	"        progress:\n"
	"          t1: { percent: 29 }\n";

static const char rules_yaml[] =
	"plancheck: rules/1\n"
	"id: dl\n"
	"name: Deadlines\n"
	"rules:\n"
	"  - id: t1-deadline\n"
	"    kind: deadline\n"
	"    task: t1\n"
	"    behind_by: 20\n"
	"    basis: Kết luận 34-KL/TW\n";

static const pc_lagging *lag_of(const pc_report *rep, const char *unit,
				const char *task)
{
	size_t i;

	for (i = 0; i < pc_report_lagging_count(rep); i++) {
		const pc_lagging *l = pc_report_lagging(rep, i);

		if (strcmp(l->unit, unit) == 0 && strcmp(l->task, task) == 0)
			return l;
	}
	fail_msg("%s is not lagging on %s", unit, task);
	return NULL;
}

static void overdue_after_due(void **state)
{
	const pc_finding *f;
	const pc_lagging *l;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, "2020-01-01");
	/* D1 done in time; D2, D3 (its done date is after as-of), D4, D5,
	 * D6 overdue by one day. */
	assert_int_equal(count_of(x.rep, "t1-deadline", NULL), 5);
	assert_int_equal(count_of(x.rep, "t1-deadline", "D1"), 0);
	f = the(x.rep, "t1-deadline", "D2");
	assert_string_equal(f->message, "Huyện Hai (D2): task t1 overdue by "
			    "1 days (due 2019-12-31)");
	assert_int_equal(f->severity, PC_SEV_ERROR);
	assert_int_equal(f->target_type, PC_TARGET_UNIT);
	assert_string_equal(f->basis, "Kết luận 34-KL/TW");
	assert_at(f, "plan.yaml", plan_yaml, "id: D2\n");
	/* Related: the progress entry. */
	assert_int_equal(f->related_count, 1);
	/* D4 has no progress entry: nothing related. */
	assert_int_equal(the(x.rep, "t1-deadline", "D4")->related_count, 0);
	the(x.rep, "t1-deadline", "D3");

	assert_int_equal(pc_report_lagging_count(x.rep), 5);
	l = lag_of(x.rep, "D2", "t1");
	assert_string_equal(l->file, "plan.yaml");
	assert_string_equal(l->unit_name, "Huyện Hai");
	assert_string_equal(l->rule, "t1-deadline");
	assert_int_equal(l->due, day("2019-12-31"));
	assert_int_equal(l->state, PC_LAG_OVERDUE);
	assert_int_equal(l->days, 1);
	assert_int_equal(l->percent, 10);
	assert_int_equal(l->expected, 100);
	fx_free(&x);
}

static void on_due_date_is_not_overdue(void **state)
{
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, "2019-12-31");
	/* Not overdue; behind (expected 100%) for all but D1. */
	assert_int_equal(count_of(x.rep, "t1-deadline", NULL), 5);
	assert_int_equal(lag_of(x.rep, "D2", "t1")->state, PC_LAG_BEHIND);
	assert_int_equal(lag_of(x.rep, "D2", "t1")->expected, 100);
	assert_int_equal(lag_of(x.rep, "D2", "t1")->days, 0);
	fx_free(&x);
}

static void grace_days(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: dl\n"
		"name: Deadlines\n"
		"rules:\n"
		"  - id: graced\n"
		"    kind: deadline\n"
		"    task: t1\n"
		"    grace_days: 5\n";
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, "2020-01-05");
	/* due + 5 = 2020-01-05: not yet overdue. */
	assert_int_equal(count_of(x.rep, "graced", NULL), 0);
	assert_int_equal(pc_report_lagging_count(x.rep), 0);
	fx_free(&x);

	fx_run(&x, plan_yaml, rules, "2020-01-06");
	/* One day past the grace: days counts from the due date. D3 was
	 * done on 2020-01-05, within the grace: neither overdue nor late. */
	assert_int_equal(count_of(x.rep, "graced", NULL), 4);
	assert_int_equal(count_of(x.rep, "graced", "D3"), 0);
	assert_contains(the(x.rep, "graced", "D4")->message,
			"overdue by 6 days (due 2019-12-31)");
	assert_int_equal(lag_of(x.rep, "D4", "t1")->days, 6);
	fx_free(&x);
}

static void late_is_info_not_lagging(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, "2020-02-01");
	f = the(x.rep, "t1-deadline", "D3");
	assert_int_equal(f->severity, PC_SEV_INFO);
	assert_contains(f->message, "Huyện Ba (D3): task t1 done on "
			"2020-01-05, 5 days after its due date 2019-12-31");
	/* D2, D4, D5, D6 overdue; D3 is not lagging. */
	assert_int_equal(pc_report_lagging_count(x.rep), 4);
	{
		size_t i;

		for (i = 0; i < pc_report_lagging_count(x.rep); i++)
			assert_string_not_equal(
				pc_report_lagging(x.rep, i)->unit, "D3");
	}
	fx_free(&x);
}

static void behind_by(void **state)
{
	const pc_finding *f;
	const pc_lagging *l;
	fx x;

	(void)state;
	/* 2019-07-02 is day 182 of 364: expected 50%; behind below 30%. */
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	assert_int_equal(pc_report_as_of(x.rep), day("2019-07-02"));
	assert_int_equal(count_of(x.rep, "t1-deadline", "D1"), 0);
	assert_int_equal(count_of(x.rep, "t1-deadline", "D5"), 0);
	f = the(x.rep, "t1-deadline", "D6");
	assert_string_equal(f->message, "Huyện Sáu (D6): task t1 behind "
			    "schedule: 29% done, 50% expected by now (due "
			    "2019-12-31)");
	l = lag_of(x.rep, "D6", "t1");
	assert_int_equal(l->state, PC_LAG_BEHIND);
	assert_int_equal(l->percent, 29);
	assert_int_equal(l->expected, 50);
	assert_int_equal(l->days, 0);
	/* D3 finishes after as-of: 0% done as of now. */
	l = lag_of(x.rep, "D3", "t1");
	assert_int_equal(l->percent, 0);
	the(x.rep, "t1-deadline", "D2");
	the(x.rep, "t1-deadline", "D4");
	assert_int_equal(pc_report_lagging_count(x.rep), 4);
	fx_free(&x);

	/* One day earlier: 181 * 100 / 364 = 49 (rounded down); D5 at 30%
	 * is still not behind (30 < 29 is false), D6 at 29 is not either. */
	fx_run(&x, plan_yaml, rules_yaml, "2019-07-01");
	assert_int_equal(lag_of(x.rep, "D2", "t1")->expected, 49);
	assert_int_equal(count_of(x.rep, "t1-deadline", "D6"), 0);
	assert_int_equal(count_of(x.rep, "t1-deadline", "D5"), 0);
	fx_free(&x);
}

static void behind_before_start(void **state)
{
	fx x;

	(void)state;
	/* Before the task starts the expected share is 0: nobody behind. */
	fx_run(&x, plan_yaml, rules_yaml, "2018-12-01");
	assert_int_equal(count_of(x.rep, "t1-deadline", NULL), 0);
	fx_free(&x);
}

static void behind_needs_a_start(void **state)
{
	const char *plan =
		"plancheck: plan/1\n"
		"plan: { id: ns, name: No start }\n"
		"tasks:\n"
		"  - id: t\n"
		"    name: T\n"
		"    applies_to: { level: district }\n"
		"    due: 2019-12-31\n"
		"units:\n"
		"  - { id: D1, name: Huyện Một, level: district }\n";
	const char *rules =
		"plancheck: rules/1\n"
		"id: dl\n"
		"name: Deadlines\n"
		"rules:\n"
		"  - id: t-behind\n"
		"    kind: deadline\n"
		"    task: t\n"
		"    behind_by: 0\n";
	fx x;

	(void)state;
	fx_run(&x, plan, rules, "2019-12-30");
	/* Neither the task nor the plan has a start: not judged. */
	assert_int_equal(count_of(x.rep, "t-behind", NULL), 0);
	fx_free(&x);
	fx_run(&x, plan, rules, "2020-01-01");
	the(x.rep, "t-behind", "D1");
	fx_free(&x);
}

static void start_from_plan_and_due_at_start(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: dl\n"
		"name: Deadlines\n"
		"rules:\n"
		"  - id: t2-behind\n"
		"    kind: deadline\n"
		"    task: t2\n"
		"    behind_by: 5\n"
		"  - id: t2-early\n"
		"    kind: deadline\n"
		"    task: t2\n"
		"    due: 2017-12-31\n"
		"    behind_by: 5\n"
		"    grace_days: 10000\n";
	fx x;

	(void)state;
	/* t2 has no start: the plan's (2018-01-01). 2018-07-02 is day 182
	 * of 364: expected 50, D2 at 90% is fine. */
	fx_run(&x, plan_yaml, rules, "2018-07-02");
	assert_int_equal(count_of(x.rep, "t2-behind", NULL), 0);
	/* The rule's due date (before the start) makes expected 100. */
	the(x.rep, "t2-early", "D2");
	assert_int_equal(lag_of(x.rep, "D2", "t2")->expected, 100);
	assert_int_equal(lag_of(x.rep, "D2", "t2")->state, PC_LAG_BEHIND);
	assert_int_equal(lag_of(x.rep, "D2", "t2")->due, day("2017-12-31"));
	fx_free(&x);
}

static void task_regex_units_and_template(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: dl\n"
		"name: Deadlines\n"
		"rules:\n"
		"  - id: all-t\n"
		"    kind: deadline\n"
		"    task: { matches: '^t[0-9]$' }\n"
		"    units: { id: [D2, D4] }\n"
		"    message: \"{unit.name}|{unit.id}|{task.id}|{task.name}|"
		"{due}|{days}|{percent}|{expected}\"\n";
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, "2020-01-01");
	/* t1 for D2 and D4 (narrowed), t2 for D2; `other` not selected. */
	assert_int_equal(count_of(x.rep, "all-t", NULL), 3);
	assert_int_equal(count_of(x.rep, "all-t", "D2"), 2);
	assert_string_equal(the(x.rep, "all-t", "D4")->message,
			    "Huyện Bốn|D4|t1|Nhất thể hóa|2019-12-31|1|0|100");
	assert_int_equal(pc_report_lagging_count(x.rep), 3);
	fx_free(&x);
}

/* A template that names no unit says the same of several units: the
 * report keeps one copy of the text (a national plan has thousands). */
static void template_text_shared(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: dl\n"
		"name: Deadlines\n"
		"rules:\n"
		"  - id: same\n"
		"    kind: deadline\n"
		"    task: { matches: '^t[0-9]$' }\n"
		"    message: \"{task.name} trễ {days} ngày\"\n";
	const pc_finding *f, *first = NULL, *t2 = NULL;
	size_t i, n = 0;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, "2020-01-01");
	/* t1 overdue by one day for D2 .. D6; t2 for D2 by 366 days. */
	assert_int_equal(count_of(x.rep, "same", NULL), 6);
	for (i = 0; i < pc_report_finding_count(x.rep); i++) {
		f = pc_report_finding(x.rep, i);
		if (strcmp(f->rule, "same") != 0)
			continue;
		if (strcmp(f->message, "Sáp nhập phòng trễ 366 ngày") == 0) {
			t2 = f;
			continue;
		}
		assert_string_equal(f->message, "Nhất thể hóa trễ 1 ngày");
		if (!first)
			first = f;
		assert_ptr_equal(f->message, first->message);
		n++;
	}
	assert_int_equal(n, 5);
	assert_non_null(t2);
	fx_free(&x);
}

static void unknown_task(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: dl\n"
		"name: Deadlines\n"
		"rules:\n"
		"  - id: ghost\n"
		"    kind: deadline\n"
		"    task: no-such-task\n";
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, "2020-01-01");
	f = the(x.rep, "rules/unknown-ref", "no-such-task");
	assert_int_equal(f->severity, PC_SEV_INFO);
	assert_int_equal(f->target_type, PC_TARGET_TASK);
	assert_string_equal(f->location.file, "rules.yaml");
	assert_int_equal(f->location.line, 7);
	assert_int_equal(count_of(x.rep, "ghost", NULL), 0);
	assert_int_equal(pc_report_finding_count(x.rep), 1);
	fx_free(&x);
}

static void lagging_sorted_and_counted(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: dl\n"
		"name: Deadlines\n"
		"rules:\n"
		"  - id: z-t1\n"
		"    kind: deadline\n"
		"    task: t1\n"
		"  - id: a-t2\n"
		"    kind: deadline\n"
		"    task: t2\n";
	pc_summary sum;
	size_t i;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, "2020-01-01");
	/* Six rows, five distinct units (D2 owes both tasks). */
	assert_int_equal(pc_report_lagging_count(x.rep), 6);
	pc_report_summary(x.rep, &sum);
	assert_int_equal(sum.lagging_units, 5);
	assert_int_equal(sum.error, 6);
	for (i = 1; i < pc_report_lagging_count(x.rep); i++) {
		const pc_lagging *a = pc_report_lagging(x.rep, i - 1);
		const pc_lagging *b = pc_report_lagging(x.rep, i);
		int c = strcmp(a->unit, b->unit);

		assert_true(c < 0 || (c == 0 && strcmp(a->task, b->task) < 0));
	}
	assert_string_equal(pc_report_lagging(x.rep, 0)->unit, "D2");
	assert_string_equal(pc_report_lagging(x.rep, 0)->task, "t1");
	assert_string_equal(pc_report_lagging(x.rep, 1)->unit, "D2");
	assert_string_equal(pc_report_lagging(x.rep, 1)->task, "t2");
	assert_string_equal(pc_report_lagging(x.rep, 1)->rule, "a-t2");
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(overdue_after_due),
		cmocka_unit_test(on_due_date_is_not_overdue),
		cmocka_unit_test(grace_days),
		cmocka_unit_test(late_is_info_not_lagging),
		cmocka_unit_test(behind_by),
		cmocka_unit_test(behind_before_start),
		cmocka_unit_test(behind_needs_a_start),
		cmocka_unit_test(start_from_plan_and_due_at_start),
		cmocka_unit_test(task_regex_units_and_template),
		cmocka_unit_test(template_text_shared),
		cmocka_unit_test(unknown_task),
		cmocka_unit_test(lagging_sorted_and_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
