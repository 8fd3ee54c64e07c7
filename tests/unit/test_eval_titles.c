/* test_eval_titles.c - kind merged_titles: max_positions, forbid, allow
 * (within a unit or a level, levels, holder eligibility). */
#include "data/eval/harness.h"

static const char plan_yaml[] =
	"plancheck: plan/1\n"
	"plan: { id: titles, name: Titles, as_of: 2020-01-01 }\n"
	"titles:\n"
	"  - { id: party-secretary, name: Bí thư }\n"
	"  - { id: pc-chair, name: Chủ tịch UBND }\n"
	"  - { id: propaganda-head, name: Trưởng ban Tuyên giáo }\n"
	"  - { id: school-director, name: Giám đốc Trung tâm chính trị }\n"
	"  - { id: inspection-chief, name: Chủ nhiệm UBKT }\n"
	"  - { id: finance-head, name: Trưởng phòng Tài chính }\n"
	"people:\n"
	"  - { id: P1, name: An, attrs: { standing_committee: true } }\n"
	"  - { id: P2, name: Bình, attrs: { standing_committee: false } }\n"
	"  - { id: P3, name: Cường, attrs: { standing_committee: true } }\n"
	"  - { id: P4, name: Dũng, attrs: { standing_committee: true } }\n"
	"  - { id: P5, name: Em }\n"
	"  - { id: P6, name: Phúc }\n"
	"  - { id: P7, name: Giang }\n"
	"  - { id: P8, name: Hà }\n"
	"  - { id: P9, name: Hùng, attrs: { standing_committee: true } }\n"
	"  - { id: P10, name: Khoa }\n"
	"  - { id: P11, name: Lan }\n"
	"units:\n"
	"  - id: LA\n"
	"    name: Tỉnh Long An\n"
	"    level: province\n"
	"    units:\n"
	"      - id: D1\n"
	"        name: Huyện Một\n"
	"        level: district\n"
	"        positions:\n"
	"          - { title: party-secretary, holders: [P4] }\n"
	"          - { title: pc-chair, holders: [P4] }\n"
	"          - { title: propaganda-head, holders: [P5, P9] }\n"
	"          - { title: inspection-chief, holders: [P7, P8] }\n"
	"          - { title: finance-head, holders: [P7] }\n"
	"        units:\n"
	"          - id: D1-TT\n"
	"            name: Trung tâm chính trị Một\n"
	"            level: centre\n"
	"            positions:\n"
	"              - { title: school-director, holders: [P5] }\n"
	"          - id: C1\n"
	"            name: Xã Một\n"
	"            level: commune\n"
	"            positions:\n"
	"              - { title: party-secretary, holders: [P1] }\n"
	"              - { title: pc-chair, holders: [P1] }\n"
	"          - id: C2\n"
	"            name: Xã Hai\n"
	"            level: commune\n"
	"            positions:\n"
	"              - { title: party-secretary, holders: [P2] }\n"
	"              - { title: pc-chair, holders: [P2] }\n"
	"          - id: C3\n"
	"            name: Xã Ba\n"
	"            level: commune\n"
	"            positions:\n"
	"              - { title: party-secretary, holders: [P3] }\n"
	"          - id: C4\n"
	"            name: Xã Bốn\n"
	"            level: commune\n"
	"            positions:\n"
	"              - { title: pc-chair, holders: [P3] }\n"
	"          - id: C5\n"
	"            name: Xã Năm\n"
	"            level: commune\n"
	"            positions:\n"
	"              - { title: party-secretary, holders: [P9] }\n"
	"              - { title: pc-chair, holders: [P9] }\n"
	"          - id: C6\n"
	"            name: Xã Sáu\n"
	"            level: commune\n"
	"            status: merged\n"
	"            into: C5\n"
	"            positions:\n"
	"              - { title: party-secretary, holders: [P10] }\n"
	"          - id: C7\n"
	"            name: Xã Bảy\n"
	"            level: commune\n"
	"            positions:\n"
	"              - { title: pc-chair, holders: [P10] }\n"
	"      - id: D2\n"
	"        name: Huyện Hai\n"
	"        level: district\n"
	"        positions:\n"
	"          - { title: finance-head, holders: [P8] }\n"
	"        units:\n"
	"          - id: D2-TT\n"
	"            name: Trung tâm chính trị Hai\n"
	"            level: centre\n"
	"            positions:\n"
	"              - { title: school-director, holders: [P6] }\n"
	"              - { title: propaganda-head, holders: [P11] }\n"
	"      - id: D3\n"
	"        name: Huyện Ba\n"
	"        level: district\n"
	"        positions:\n"
	"          - { title: propaganda-head, holders: [P6] }\n"
	"          - { title: school-director, holders: [P11] }\n";

static const char rules_yaml[] =
	"plancheck: rules/1\n"
	"id: titles-pack\n"
	"name: Titles\n"
	"rules:\n"
	"  - id: merged\n"
	"    kind: merged_titles\n"
	"    basis: Kết luận 34-KL/TW\n"
	"    max_positions: 2\n"
	"    allow:\n"
	"      - titles: [party-secretary, pc-chair]\n"
	"        within: unit\n"
	"        levels: [commune]\n"
	"        holder: { attrs: { standing_committee: true } }\n"
	"      - titles: [propaganda-head, school-director]\n"
	"        within: district\n"
	"    forbid:\n"
	"      - titles: [inspection-chief, finance-head]\n"
	"        within: district\n";

static void allowed_combinations_give_nothing(void **state)
{
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	/* P1: secretary + chair of one commune, standing committee. */
	assert_int_equal(count_of(x.rep, "merged", "P1"), 0);
	/* P5: propaganda head of D1 and director of D1's centre. */
	assert_int_equal(count_of(x.rep, "merged", "P5"), 0);
	/* P10: one of the two positions is in a merged unit. */
	assert_int_equal(count_of(x.rep, "merged", "P10"), 0);
	fx_free(&x);
}

static void holder_not_eligible(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	f = the(x.rep, "merged", "P2");
	assert_int_equal(f->severity, PC_SEV_ERROR);
	assert_int_equal(f->target_type, PC_TARGET_PERSON);
	assert_string_equal(f->basis, "Kết luận 34-KL/TW");
	assert_contains(f->message, "Bình (P2)");
	assert_contains(f->message, "holder is not eligible: "
			"attrs.standing_committee is false, required true");
	assert_at(f, "plan.yaml", plan_yaml, "{ id: P2,");
	/* Related: both positions. */
	assert_int_equal(f->related_count, 2);
	{
		unsigned line, col;

		where_in(plan_yaml, "{ title: party-secretary, holders: [P2] }",
			 &line, &col);
		assert_int_equal(f->related[0].line, line);
		assert_int_equal(f->related[0].column, col);
		assert_string_equal(f->related[0].file, "plan.yaml");
	}
	fx_free(&x);
}

static void within_unit_fails(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	f = the(x.rep, "merged", "P3");
	assert_contains(f->message, "positions are not in one unit: C3, C4");
	fx_free(&x);
}

static void level_not_allowed(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	f = the(x.rep, "merged", "P4");
	assert_contains(f->message,
			"position in D1 is at level district, allowed: commune");
	fx_free(&x);
}

static void within_level_fails(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	/* P6: director in D2's centre, propaganda head of D3. */
	f = the(x.rep, "merged", "P6");
	assert_contains(f->message,
			"positions are not within one district: D2, D3");
	/* P11 the other way round: the groups follow document order of
	 * the units holding the positions. */
	f = the(x.rep, "merged", "P11");
	assert_contains(f->message,
			"positions are not within one district: D2, D3");
	fx_free(&x);
}

static void forbid_within_district(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules_yaml, NULL);
	/* P7: inspection chief and finance head, both of D1: forbidden,
	 * and no second finding from `allow`. */
	f = the(x.rep, "merged", "P7");
	assert_contains(f->message, "Giang (P7) holds inspection-chief and "
			"finance-head within one district, a forbidden "
			"combination");
	assert_int_equal(f->related_count, 2);
	/* P8: the same titles in two districts: not forbidden, but no
	 * allow entry lists them. */
	f = the(x.rep, "merged", "P8");
	assert_contains(f->message, "finance-head, inspection-chief: "
			"combination not allowed");
	fx_free(&x);
}

static void max_positions(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: p\n"
		"name: P\n"
		"rules:\n"
		"  - id: max2\n"
		"    kind: merged_titles\n"
		"    max_positions: 2\n"
		"  - id: max2-msg\n"
		"    kind: merged_titles\n"
		"    max_positions: 2\n"
		"    message: \"{person.name}/{person.id}: {value}>{limit} "
		"[{titles}]\"\n";
	const char *plan =
		"plancheck: plan/1\n"
		"plan: { id: m, name: M }\n"
		"titles:\n"
		"  - { id: b, name: B }\n"
		"  - { id: a, name: A }\n"
		"people:\n"
		"  - { id: P1, name: An }\n"
		"  - { id: P2, name: Bình }\n"
		"units:\n"
		"  - id: U\n"
		"    name: Unit\n"
		"    level: district\n"
		"    positions:\n"
		"      - { title: b, holders: [P1, P2] }\n"
		"      - { title: a, holders: [P1, P2] }\n"
		"      - { title: b, holders: [P1] }\n";
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan, rules, "2020-01-01");
	f = the(x.rep, "max2", "P1");
	assert_string_equal(f->message, "An (P1) holds 3 positions, more than "
			    "the maximum of 2");
	assert_true(f->has_value);
	assert_true(f->has_limit);
	assert_int_equal(f->value, 3);
	assert_int_equal(f->limit, 2);
	assert_int_equal(f->related_count, 3);
	/* Exactly at the maximum: nothing. */
	assert_int_equal(count_of(x.rep, "max2", "P2"), 0);
	/* Template: the distinct titles, sorted. */
	f = the(x.rep, "max2-msg", "P1");
	assert_string_equal(f->message, "An/P1: 3>2 [a, b]");
	fx_free(&x);
}

static void unknown_title_is_info(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: p\n"
		"name: P\n"
		"rules:\n"
		"  - id: combos\n"
		"    kind: merged_titles\n"
		"    allow:\n"
		"      - titles: [party-secretary, no-such-title]\n"
		"    forbid:\n"
		"      - titles: [no-such-title, pc-chair]\n";
	const pc_finding *f;
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, NULL);
	/* Once per name per rule, in the rule file. */
	f = the(x.rep, "rules/unknown-ref", "no-such-title");
	assert_int_equal(f->severity, PC_SEV_INFO);
	assert_int_equal(f->target_type, PC_TARGET_TITLE);
	assert_string_equal(f->location.file, "rules.yaml");
	assert_int_equal(f->location.line, 8);
	fx_free(&x);
}

static void no_allow_no_finding(void **state)
{
	const char *rules =
		"plancheck: rules/1\n"
		"id: p\n"
		"name: P\n"
		"rules:\n"
		"  - id: forbid-only\n"
		"    kind: merged_titles\n"
		"    forbid:\n"
		"      - titles: [party-secretary, pc-chair]\n"
		"        within: unit\n";
	fx x;

	(void)state;
	fx_run(&x, plan_yaml, rules, NULL);
	/* Without `allow`, only forbidden pairs are findings: P1, P2, P4,
	 * P9 hold both in one unit; P3 holds them in two. */
	assert_int_equal(count_of(x.rep, "forbid-only", NULL), 4);
	assert_int_equal(count_of(x.rep, "forbid-only", "P3"), 0);
	assert_int_equal(count_of(x.rep, "forbid-only", "P9"), 1);
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allowed_combinations_give_nothing),
		cmocka_unit_test(holder_not_eligible),
		cmocka_unit_test(within_unit_fails),
		cmocka_unit_test(level_not_allowed),
		cmocka_unit_test(within_level_fails),
		cmocka_unit_test(forbid_within_district),
		cmocka_unit_test(max_positions),
		cmocka_unit_test(unknown_title_is_info),
		cmocka_unit_test(no_allow_no_finding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
