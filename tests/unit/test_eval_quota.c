/* test_eval_quota.c - kind quota: measures (staff, holders, positions,
 * units), scopes, max/min, max_by, reduce at its exact boundary. */
#include "data/eval/harness.h"

static const char plan_yaml[] =
	"plancheck: plan/1\n"
	"plan: { id: q, name: Quota, as_of: 2020-01-01 }\n"
	"titles:\n"
	"  - { id: deputy-head, name: Phó trưởng phòng, leadership: deputy }\n"
	"  - { id: head, name: Trưởng phòng, leadership: head }\n"
	"people:\n"
	"  - { id: P1, name: An }\n"
	"  - { id: P2, name: Bình }\n"
	"  - { id: P3, name: Cường }\n"
	"  - { id: P4, name: Dũng }\n"
	"  - { id: P5, name: Em }\n"
	"  - { id: P6, name: Giang }\n"
	"units:\n"
	"  - id: LA-TAN-AN\n"
	"    name: Thành phố Tân An\n"
	"    level: district\n"
	"    staff: { baseline: 10, quota: 9, actual: 9 }\n"
	"    units:\n"
	"      - id: LA-TAN-AN-P-NV\n"
	"        name: Phòng Nội vụ\n"
	"        level: division\n"
	"        attrs: { class: I }\n"
	"        staff: { baseline: 20, quota: 18, actual: 19 }\n"
	"        positions:\n"
	"          - { title: deputy-head, holders: [P1, P2, P3], slots: 3 }\n"
	"          - { title: deputy-head, holders: [P4, P1] }\n"
	"          - { title: head, holders: [P5] }\n"
	"      - id: LA-TAN-AN-P-TP\n"
	"        name: Phòng Tư pháp\n"
	"        level: division\n"
	"        attrs: { class: III }\n"
	"        staff: { baseline: 10, quota: 9, actual: 9 }\n"
	"        positions:\n"
	"          - { title: deputy-head, holders: [P5, P6] }\n"
	"      - id: LA-TAN-AN-P-OLD\n"
	"        name: Phòng Cũ\n"
	"        level: division\n"
	"        status: merged\n"
	"        into: LA-TAN-AN-P-NV\n"
	"        staff: { baseline: 15, quota: 40, actual: 40 }\n"
	"        positions:\n"
	"          - { title: deputy-head, holders: [P6, P1, P2, P3] }\n"
	"      - id: LA-TAN-AN-P-GONE\n"
	"        name: Phòng Giải thể\n"
	"        level: division\n"
	"        status: dissolved\n"
	"        staff: { baseline: 5, quota: 50 }\n"
	"      - id: LA-TAN-AN-P-NEW\n"
	"        name: Phòng Mới\n"
	"        level: division\n"
	"        status: new\n"
	"        staff: { quota: 4, actual: 3 }\n"
	"        units:\n"
	"          - id: LA-TAN-AN-P-NEW-T\n"
	"            name: Tổ Mới\n"
	"            level: team\n"
	"            staff: { quota: 2 }\n";

static const char *const header =
	"plancheck: rules/1\n"
	"id: q\n"
	"name: Quota\n"
	"rules:\n";

static void run_rules(fx *x, const char *plan, const char *body)
{
	char text[4096];

	snprintf(text, sizeof text, "%s%s", header, body);
	fx_run(x, plan, text, NULL);
}

static void holders_max(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	run_rules(&x, plan_yaml,
		  "  - id: max-deputies\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { holders: deputy-head }\n"
		  "    max: 3\n");
	/* P1 is listed twice in NV: four distinct people. The merged unit
	 * (five holders) is not measured. */
	f = the(x.rep, "max-deputies", "LA-TAN-AN-P-NV");
	assert_string_equal(f->message, "Phòng Nội vụ (LA-TAN-AN-P-NV) has 4 "
			    "holders of deputy-head, more than the maximum "
			    "of 3");
	assert_int_equal(f->target_type, PC_TARGET_UNIT);
	assert_true(f->has_value);
	assert_true(f->has_limit);
	assert_int_equal(f->value, 4);
	assert_int_equal(f->limit, 3);
	assert_at(f, "plan.yaml", plan_yaml, "id: LA-TAN-AN-P-NV");
	assert_int_equal(count_of(x.rep, "max-deputies", NULL), 1);
	fx_free(&x);
}

static void positions_and_min(void **state)
{
	fx x;

	(void)state;
	run_rules(&x, plan_yaml,
		  "  - id: max-slots\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { positions: deputy-head }\n"
		  "    max: 4\n"
		  "  - id: min-heads\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { positions: head }\n"
		  "    min: 1\n"
		  "  - id: min-staff\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { staff: actual }\n"
		  "    min: 5\n");
	/* Slots: 3 + 2 (default: the holders) in NV; 2 in TP. */
	assert_int_equal(the(x.rep, "max-slots", "LA-TAN-AN-P-NV")->value, 5);
	assert_int_equal(count_of(x.rep, "max-slots", NULL), 1);
	/* TP and NEW have no head slot. */
	assert_int_equal(count_of(x.rep, "min-heads", NULL), 2);
	assert_string_equal(the(x.rep, "min-heads", "LA-TAN-AN-P-TP")->message,
			    "Phòng Tư pháp (LA-TAN-AN-P-TP) has 0 slots of "
			    "head, fewer than the minimum of 1");
	the(x.rep, "min-heads", "LA-TAN-AN-P-NEW");
	/* Staff: NEW has 3; the dissolved unit is not judged. */
	assert_int_equal(count_of(x.rep, "min-staff", NULL), 1);
	assert_int_equal(the(x.rep, "min-staff", "LA-TAN-AN-P-NEW")->limit, 5);
	fx_free(&x);
}

static void scopes(void **state)
{
	fx x;

	(void)state;
	run_rules(&x, plan_yaml,
		  "  - id: unit\n"
		  "    kind: quota\n"
		  "    for: { id: LA-TAN-AN }\n"
		  "    measure: { staff: quota }\n"
		  "    scope: unit\n"
		  "    max: 8\n"
		  "  - id: children\n"
		  "    kind: quota\n"
		  "    for: { id: LA-TAN-AN }\n"
		  "    measure: { staff: quota }\n"
		  "    scope: children\n"
		  "    max: 30\n"
		  "  - id: subtree\n"
		  "    kind: quota\n"
		  "    for: { id: LA-TAN-AN }\n"
		  "    measure: { staff: quota }\n"
		  "    scope: subtree\n"
		  "    max: 40\n"
		  "  - id: subtree-all\n"
		  "    kind: quota\n"
		  "    measure: { staff: quota }\n"
		  "    scope: subtree\n"
		  "    max: 5\n");
	assert_int_equal(the(x.rep, "unit", "LA-TAN-AN")->value, 9);
	/* Children existing after: 18 + 9 + 4; merged and dissolved ones
	 * and the grandchild are left out. */
	assert_int_equal(the(x.rep, "children", "LA-TAN-AN")->value, 31);
	assert_contains(the(x.rep, "children", "LA-TAN-AN")->message,
			"has a staff quota of 31 in its direct children, more "
			"than the maximum of 30");
	/* Subtree: 9 + 18 + 9 + 4 + 2. */
	assert_int_equal(the(x.rep, "subtree", "LA-TAN-AN")->value, 42);
	/* Every unit existing after, each over its own subtree. */
	assert_int_equal(the(x.rep, "subtree-all", "LA-TAN-AN")->value, 42);
	assert_int_equal(the(x.rep, "subtree-all", "LA-TAN-AN-P-NEW")->value,
			 6);
	assert_int_equal(count_of(x.rep, "subtree-all", "LA-TAN-AN-P-NEW-T"),
			 0);
	assert_int_equal(count_of(x.rep, "subtree-all", "LA-TAN-AN-P-OLD"), 0);
	assert_int_equal(count_of(x.rep, "subtree-all", "LA-TAN-AN-P-GONE"), 0);
	assert_int_equal(count_of(x.rep, "subtree-all", NULL), 4);
	fx_free(&x);
}

static void count_units(void **state)
{
	fx x;

	(void)state;
	run_rules(&x, plan_yaml,
		  "  - id: divisions\n"
		  "    kind: quota\n"
		  "    for: { level: district }\n"
		  "    measure: { units: { level: division } }\n"
		  "    scope: children\n"
		  "    max: 2\n"
		  "  - id: self-not-counted\n"
		  "    kind: quota\n"
		  "    for: { level: district }\n"
		  "    measure: { units: { level: [district, division, team] } }\n"
		  "    scope: subtree\n"
		  "    min: 5\n");
	/* NV, TP, NEW (merged and dissolved ones do not exist after). */
	assert_int_equal(the(x.rep, "divisions", "LA-TAN-AN")->value, 3);
	assert_contains(the(x.rep, "divisions", "LA-TAN-AN")->message,
			"has 3 selected units among its direct children");
	/* NV, TP, NEW, the team; the district itself is not counted. */
	assert_int_equal(the(x.rep, "self-not-counted", "LA-TAN-AN")->value, 4);
	assert_int_equal(the(x.rep, "self-not-counted", "LA-TAN-AN")->limit, 5);
	fx_free(&x);
}

static void max_by(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	run_rules(&x, plan_yaml,
		  "  - id: by-class\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { staff: quota }\n"
		  "    max_by: { attr: class, values: { \"I\": 10, \"II\": 8 } }\n"
		  "  - id: by-class-default\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { staff: quota }\n"
		  "    max_by: { attr: class, values: { \"I\": 20, \"II\": 8 }, "
		  "default: 5 }\n");
	f = the(x.rep, "by-class", "LA-TAN-AN-P-NV");
	assert_string_equal(f->message, "Phòng Nội vụ (LA-TAN-AN-P-NV) has a "
			    "staff quota of 18, more than the maximum of 10 "
			    "for class I");
	assert_int_equal(f->limit, 10);
	f = the(x.rep, "by-class", "LA-TAN-AN-P-TP");
	assert_contains(f->message, "has class III, for which the rule lists "
			"no cap");
	assert_true(f->has_value);
	assert_false(f->has_limit);
	f = the(x.rep, "by-class", "LA-TAN-AN-P-NEW");
	assert_contains(f->message, "has no attribute class");
	assert_false(f->has_limit);
	/* With a default: NV under 20, TP 9 over the default 5, NEW (4) at
	 * most 5. */
	assert_int_equal(count_of(x.rep, "by-class-default", NULL), 1);
	assert_int_equal(the(x.rep, "by-class-default",
			     "LA-TAN-AN-P-TP")->limit, 5);
	fx_free(&x);
}

static const char reduce_plan[] =
	"plancheck: plan/1\n"
	"plan: { id: r, name: Reduce }\n"
	"units:\n"
	"  - { id: U90, name: Đơn vị 90, level: division, "
	"staff: { baseline: 100, quota: 90 } }\n"
	"  - { id: U91, name: Đơn vị 91, level: division, "
	"staff: { baseline: 100, quota: 91 } }\n"
	"  - { id: UNEW, name: Đơn vị mới, level: division, status: new, "
	"staff: { quota: 10 } }\n"
	"  - id: X\n"
	"    name: Sở X\n"
	"    level: department\n"
	"    staff: { baseline: 50, quota: 45 }\n"
	"    units:\n"
	"      - { id: M, name: Phòng M, level: division, status: merged, "
	"into: X, staff: { baseline: 50, quota: 45 } }\n";

static void reduce_boundary(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	run_rules(&x, reduce_plan,
		  "  - id: cut10\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { staff: quota }\n"
		  "    reduce: { at_least: 10 }\n");
	/* 100 -> 90 is exactly 10%: passes; 91 fails, at most 90. A new
	 * unit had no baseline: not judged. */
	assert_int_equal(count_of(x.rep, "cut10", NULL), 1);
	f = the(x.rep, "cut10", "U91");
	assert_int_equal(f->value, 91);
	assert_int_equal(f->limit, 90);
	assert_string_equal(f->message, "Đơn vị 91 (U91) has a staff quota of "
			    "91, not at least 10% below the baseline of 100 "
			    "(at most 90)");
	fx_free(&x);
}

static void reduce_counts_gone_units(void **state)
{
	fx x;

	(void)state;
	/* X's subtree: baseline 50 + 50 (the merged M), after 45. */
	run_rules(&x, reduce_plan,
		  "  - id: cut55\n"
		  "    kind: quota\n"
		  "    for: { id: X }\n"
		  "    measure: { staff: quota }\n"
		  "    scope: subtree\n"
		  "    reduce: { at_least: 55 }\n"
		  "  - id: cut56\n"
		  "    kind: quota\n"
		  "    for: { id: X }\n"
		  "    measure: { staff: quota }\n"
		  "    scope: subtree\n"
		  "    reduce: { at_least: 56 }\n"
		  "  - id: cut-unit\n"
		  "    kind: quota\n"
		  "    for: { id: X }\n"
		  "    measure: { staff: quota }\n"
		  "    reduce: { at_least: 10 }\n");
	assert_int_equal(count_of(x.rep, "cut55", NULL), 0);
	assert_int_equal(the(x.rep, "cut56", "X")->limit, 44);
	assert_int_equal(the(x.rep, "cut56", "X")->value, 45);
	/* Unit scope: 50 -> 45 is exactly 10%. */
	assert_int_equal(count_of(x.rep, "cut-unit", NULL), 0);
	fx_free(&x);
}

static void unknown_title_and_template(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	run_rules(&x, plan_yaml,
		  "  - id: ghost\n"
		  "    kind: quota\n"
		  "    measure: { holders: no-such-title }\n"
		  "    max: 1\n"
		  "  - id: templated\n"
		  "    kind: quota\n"
		  "    for: { id: LA-TAN-AN-P-NV }\n"
		  "    measure: { holders: deputy-head }\n"
		  "    max: 3\n"
		  "    message: \"{unit.name} có {value} phó trưởng phòng, vượt "
		  "mức {limit}\"\n");
	f = the(x.rep, "rules/unknown-ref", "no-such-title");
	assert_int_equal(f->severity, PC_SEV_INFO);
	assert_string_equal(f->location.file, "rules.yaml");
	assert_int_equal(f->location.line, 7);
	assert_int_equal(count_of(x.rep, "ghost", NULL), 0);
	assert_string_equal(the(x.rep, "templated", "LA-TAN-AN-P-NV")->message,
			    "Phòng Nội vụ có 4 phó trưởng phòng, vượt mức 3");
	fx_free(&x);
}

/* Units with many holders: distinct people are counted by pointer up to
 * 32 in a unit, then by a mark per person; both around the switch, with
 * people listed twice. */
static void many_holders(void **state)
{
	static char plan[8192];
	const pc_finding *f;
	size_t off = 0;
	int i;
	fx x;

	(void)state;
	off += (size_t)snprintf(plan + off, sizeof plan - off,
		"plancheck: plan/1\n"
		"plan: { id: many, name: Many, as_of: 2020-01-01 }\n"
		"titles:\n"
		"  - { id: deputy-head, name: Phó, leadership: deputy }\n"
		"people:\n");
	for (i = 1; i <= 40; i++)
		off += (size_t)snprintf(plan + off, sizeof plan - off,
					"  - { id: N%d, name: N%d }\n", i, i);
	/* D32: N1..N32, then N1 and N32 again: 32 people. D33: N1..N33
	 * and N5 again: 33. D40: N1..N40 twice over: 40. */
	off += (size_t)snprintf(plan + off, sizeof plan - off, "units:\n");
	for (i = 0; i < 3; i++) {
		static const int count[] = { 32, 33, 40 };
		int k;

		off += (size_t)snprintf(plan + off, sizeof plan - off,
			"  - id: D%d\n    name: D%d\n    level: division\n"
			"    positions:\n      - { title: deputy-head, "
			"holders: [", count[i], count[i]);
		for (k = 1; k <= count[i]; k++)
			off += (size_t)snprintf(plan + off, sizeof plan - off,
						"%sN%d", k > 1 ? ", " : "", k);
		off += (size_t)snprintf(plan + off, sizeof plan - off,
					"] }\n      - { title: deputy-head, "
					"holders: [%s] }\n",
					i == 0 ? "N1, N32" : i == 1 ? "N5" :
					"N40, N1, N20, N33");
	}
	assert_true(off < sizeof plan);
	run_rules(&x, plan,
		  "  - id: deputies\n"
		  "    kind: quota\n"
		  "    for: { level: division }\n"
		  "    measure: { holders: deputy-head }\n"
		  "    max: 31\n");
	f = the(x.rep, "deputies", "D32");
	assert_int_equal(f->value, 32);
	f = the(x.rep, "deputies", "D33");
	assert_int_equal(f->value, 33);
	f = the(x.rep, "deputies", "D40");
	assert_int_equal(f->value, 40);
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holders_max),
		cmocka_unit_test(positions_and_min),
		cmocka_unit_test(scopes),
		cmocka_unit_test(count_units),
		cmocka_unit_test(max_by),
		cmocka_unit_test(reduce_boundary),
		cmocka_unit_test(reduce_counts_gone_units),
		cmocka_unit_test(unknown_title_and_template),
		cmocka_unit_test(many_holders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
