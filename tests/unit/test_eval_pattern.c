/* test_eval_pattern.c - kind pattern: targets, fields, attrs, negate,
 * required. */
#include "data/eval/harness.h"

static const char plan_yaml[] =
	"plancheck: plan/1\n"
	"plan: { id: p, name: Patterns, as_of: 2020-01-01 }\n"
	"titles:\n"
	"  - { id: pc-chair, name: Chủ tịch UBND, kind: state }\n"
	"  - { id: Bad_Title, name: Bad }\n"
	"people:\n"
	"  - { id: P0001, name: Nguyễn Văn An, attrs: { born: 1968-04-01 } }\n"
	"  - { id: X1, name: nguyen van binh, attrs: { born: 1970 } }\n"
	"  - { id: P0003, name: Trần Thị Cúc }\n"
	"tasks:\n"
	"  - { id: merge-a, name: Merge A, applies_to: { level: district }, "
	"due: 2019-12-31 }\n"
	"  - { id: MergeB, name: Merge B, applies_to: { level: district }, "
	"due: 2019-12-31 }\n"
	"units:\n"
	"  - id: LA\n"
	"    name: Tỉnh Long An\n"
	"    level: province\n"
	"    kind: state\n"
	"    attrs: { code: 80 }\n"
	"    units:\n"
	"      - { id: LA-DUC-HOA, name: Huyện Đức Hòa, level: district, "
	"kind: state, attrs: { code: 803 } }\n"
	"      - { id: la-ben-luc, name: Huyện Bến Lức, level: district }\n"
	"      - { id: LA-OLD, name: huyện cũ, level: district, "
	"status: dissolved }\n";

static const char *const header =
	"plancheck: rules/1\n"
	"id: p\n"
	"name: Patterns\n"
	"rules:\n";

static void run_rules(fx *x, const char *body)
{
	char text[4096];

	snprintf(text, sizeof text, "%s%s", header, body);
	fx_run(x, plan_yaml, text, NULL);
}

static void unit_ids(void **state)
{
	const pc_finding *f;
	fx x;

	(void)state;
	run_rules(&x,
		  "  - id: unit-id\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    field: id\n"
		  "    matches: '^LA(-[A-Z0-9]+)*$'\n"
		  "  - id: district-id\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    for: { level: district, status: [active, dissolved] }\n"
		  "    field: id\n"
		  "    matches: '^LA-[A-Z]+-[A-Z]+$'\n");
	/* The dissolved unit does not exist after the plan: only `for`
	 * brings it in. */
	assert_int_equal(count_of(x.rep, "unit-id", NULL), 1);
	f = the(x.rep, "unit-id", "la-ben-luc");
	assert_int_equal(f->target_type, PC_TARGET_UNIT);
	assert_contains(f->message, "Huyện Bến Lức (la-ben-luc)");
	assert_contains(f->message, "id 'la-ben-luc' does not match");
	assert_at(f, "plan.yaml", plan_yaml, "{ id: la-ben-luc");
	assert_int_equal(count_of(x.rep, "district-id", NULL), 2);
	the(x.rep, "district-id", "LA-OLD");
	assert_int_equal(count_of(x.rep, "district-id", "LA"), 0);
	fx_free(&x);
}

static void negate_and_name(void **state)
{
	fx x;

	(void)state;
	run_rules(&x,
		  "  - id: no-lowercase-names\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    field: name\n"
		  "    matches: '^\\p{Ll}'\n"
		  "    negate: true\n"
		  "  - id: people-names\n"
		  "    kind: pattern\n"
		  "    target: people\n"
		  "    field: name\n"
		  "    matches: '^\\p{Lu}'\n");
	/* "huyện cũ" is dissolved: not checked without `for`. */
	assert_int_equal(count_of(x.rep, "no-lowercase-names", NULL), 0);
	assert_int_equal(count_of(x.rep, "people-names", NULL), 1);
	assert_int_equal(the(x.rep, "people-names", "X1")->target_type,
			 PC_TARGET_PERSON);
	fx_free(&x);

	run_rules(&x,
		  "  - id: no-huyen\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    field: name\n"
		  "    matches: '^Huyện'\n"
		  "    negate: true\n");
	assert_int_equal(count_of(x.rep, "no-huyen", NULL), 2);
	assert_contains(the(x.rep, "no-huyen", "LA-DUC-HOA")->message,
			"matches '^Huyện', which it must not");
	fx_free(&x);
}

static void attrs_and_required(void **state)
{
	fx x;

	(void)state;
	run_rules(&x,
		  "  - id: code-optional\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    field: attrs.code\n"
		  "    matches: '^[0-9]{3}$'\n"
		  "  - id: code-required\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    field: attrs.code\n"
		  "    matches: '^[0-9]{2,3}$'\n"
		  "    required: true\n"
		  "  - id: born-date\n"
		  "    kind: pattern\n"
		  "    target: people\n"
		  "    field: attrs.born\n"
		  "    matches: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'\n"
		  "    required: true\n");
	/* LA's code 80 is two digits; la-ben-luc has none (not required). */
	assert_int_equal(count_of(x.rep, "code-optional", NULL), 1);
	the(x.rep, "code-optional", "LA");
	assert_int_equal(count_of(x.rep, "code-required", NULL), 1);
	assert_contains(the(x.rep, "code-required", "la-ben-luc")->message,
			"has no attrs.code");
	/* A date's canonical text; an integer that is no date; missing. */
	assert_int_equal(count_of(x.rep, "born-date", NULL), 2);
	the(x.rep, "born-date", "X1");
	the(x.rep, "born-date", "P0003");
	fx_free(&x);
}

static void titles_tasks_kind_level(void **state)
{
	fx x;

	(void)state;
	run_rules(&x,
		  "  - id: title-id\n"
		  "    kind: pattern\n"
		  "    target: titles\n"
		  "    field: id\n"
		  "    matches: '^[a-z-]+$'\n"
		  "  - id: title-kind\n"
		  "    kind: pattern\n"
		  "    target: titles\n"
		  "    field: kind\n"
		  "    matches: '^state$'\n"
		  "    required: true\n"
		  "  - id: task-id\n"
		  "    kind: pattern\n"
		  "    target: tasks\n"
		  "    field: id\n"
		  "    matches: '^[a-z-]+$'\n"
		  "    message: \"{task.id} ({task.name})\"\n"
		  "  - id: unit-kind\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    field: kind\n"
		  "    matches: '^state$'\n"
		  "    required: true\n"
		  "  - id: unit-level\n"
		  "    kind: pattern\n"
		  "    target: units\n"
		  "    field: level\n"
		  "    matches: '^(province|district)$'\n"
		  "    negate: true\n");
	assert_int_equal(the(x.rep, "title-id", "Bad_Title")->target_type,
			 PC_TARGET_TITLE);
	assert_int_equal(count_of(x.rep, "title-id", NULL), 1);
	the(x.rep, "title-kind", "Bad_Title");
	assert_int_equal(count_of(x.rep, "title-kind", NULL), 1);
	assert_string_equal(the(x.rep, "task-id", "MergeB")->message,
			    "MergeB (Merge B)");
	assert_int_equal(the(x.rep, "task-id", "MergeB")->target_type,
			 PC_TARGET_TASK);
	assert_int_equal(count_of(x.rep, "unit-kind", NULL), 1);
	the(x.rep, "unit-kind", "la-ben-luc");
	assert_int_equal(count_of(x.rep, "unit-level", NULL), 3);
	fx_free(&x);
}

/* Selectors on level and kind alone are answered per (level, kind) pair
 * after the first unit with that pair: units of one pair interleaved with
 * others, statuses that differ within a pair, and rules whose selectors
 * alternate must all be judged as one by one. */
static const char memo_plan[] =
	"plancheck: plan/1\n"
	"plan: { id: m, name: Memo, as_of: 2020-01-01 }\n"
	"units:\n"
	"  - { id: D1, name: D1, level: division, kind: state }\n"
	"  - { id: D2, name: D2, level: division, kind: party }\n"
	"  - { id: T1, name: T1, level: team, kind: state }\n"
	"  - { id: D3, name: D3, level: division }\n"
	"  - { id: D4, name: D4, level: division, kind: state, "
	"status: merged, into: D1 }\n"
	"  - { id: D5, name: D5, level: division, kind: state, status: new }\n"
	"  - { id: T2, name: T2, level: team }\n"
	"  - { id: D6, name: D6, level: division, kind: state }\n"
	"  - { id: D7, name: D7, level: division, kind: party, "
	"status: dissolved }\n";

static void level_kind_selectors(void **state)
{
	static const char *const rules_yaml =
		"plancheck: rules/1\n"
		"id: m\n"
		"name: Memo\n"
		"rules:\n"
		"  - { id: state-div, kind: pattern, target: units, field: id, "
		"matches: '^none$', for: { level: division, kind: state } }\n"
		"  - { id: any-div, kind: pattern, target: units, field: id, "
		"matches: '^none$', for: { level: division } }\n"
		"  - { id: gone-div, kind: pattern, target: units, field: id, "
		"matches: '^none$', for: { level: division, status: [merged, "
		"dissolved] } }\n"
		"  - { id: party-or-team, kind: pattern, target: units, "
		"field: id, matches: '^none$', for: { level: [division, team], "
		"kind: [party] } }\n"
		/* Decided by the unit's record where the class allows it. */
		"  - { id: state-div-56, kind: pattern, target: units, "
		"field: id, matches: '^none$', for: { level: division, "
		"kind: state, name: { matches: '[56]$' } } }\n"
		"  - { id: div-or-t2, kind: pattern, target: units, field: id, "
		"matches: '^none$', for: { level: [division, team], "
		"id: [D3, T2, D7] } }\n";
	static const char *const state_div[] = { "D1", "D5", "D6" };
	static const char *const any_div[] = { "D1", "D2", "D3", "D5", "D6" };
	static const char *const gone_div[] = { "D4", "D7" };
	size_t i;
	fx x;

	(void)state;
	fx_run(&x, memo_plan, rules_yaml, NULL);
	assert_int_equal(count_of(x.rep, "state-div", NULL), 3);
	for (i = 0; i < 3; i++)
		(void)the(x.rep, "state-div", state_div[i]);
	assert_int_equal(count_of(x.rep, "any-div", NULL), 5);
	for (i = 0; i < 5; i++)
		(void)the(x.rep, "any-div", any_div[i]);
	assert_int_equal(count_of(x.rep, "gone-div", NULL), 2);
	for (i = 0; i < 2; i++)
		(void)the(x.rep, "gone-div", gone_div[i]);
	assert_int_equal(count_of(x.rep, "party-or-team", NULL), 1);
	(void)the(x.rep, "party-or-team", "D2");
	assert_int_equal(count_of(x.rep, "state-div-56", NULL), 2);
	(void)the(x.rep, "state-div-56", "D5");
	(void)the(x.rep, "state-div-56", "D6");
	assert_int_equal(count_of(x.rep, "div-or-t2", NULL), 2);
	(void)the(x.rep, "div-or-t2", "D3");
	(void)the(x.rep, "div-or-t2", "T2");
	fx_free(&x);
}

/* Past 255 distinct (level, kind) pairs units have no class and are
 * matched one by one: a selector must find its unit on either side. */
static void many_levels(void **state)
{
	static char plan[32768];
	static const char *const rules_yaml =
		"plancheck: rules/1\n"
		"id: m\n"
		"name: Memo\n"
		"rules:\n"
		"  - { id: early, kind: pattern, target: units, field: id, "
		"matches: '^none$', for: { level: L3 } }\n"
		"  - { id: late, kind: pattern, target: units, field: id, "
		"matches: '^none$', for: { level: [L258, L259] } }\n";
	size_t off = 0;
	int i;
	fx x;

	(void)state;
	off += (size_t)snprintf(plan + off, sizeof plan - off,
		"plancheck: plan/1\n"
		"plan: { id: m, name: Many levels, as_of: 2020-01-01 }\n"
		"units:\n");
	for (i = 0; i < 260; i++)
		off += (size_t)snprintf(plan + off, sizeof plan - off,
					"  - { id: U%d, name: U%d, level: L%d }\n"
					"  - { id: V%d, name: V%d, level: L%d }\n",
					i, i, i, i, i, i);
	assert_true(off < sizeof plan);
	fx_run(&x, plan, rules_yaml, NULL);
	assert_int_equal(count_of(x.rep, "early", NULL), 2);
	(void)the(x.rep, "early", "U3");
	(void)the(x.rep, "early", "V3");
	assert_int_equal(count_of(x.rep, "late", NULL), 4);
	(void)the(x.rep, "late", "U258");
	(void)the(x.rep, "late", "V259");
	fx_free(&x);
}

/* A rule's matches are kept by text while it runs: people who share a
 * name share the answer, each still gets their own finding, and the
 * 3,000 different names (a table that grows twice) are each judged on
 * their own. Names come in threes: "Lê Văn 7", "lê văn 7", "Lê văn 7"
 * (only the first matches), then the same three again under other ids. */
static void matches_kept_by_text(void **state)
{
	enum { N = 1000 };
	static char plan[N * 2 * 3 * 48 + 256];
	static const char *const forms[] = { "Lê Văn", "lê văn", "Lê văn" };
	static const char *const rules_yaml =
		"plancheck: rules/1\n"
		"id: m\n"
		"name: Memo\n"
		"rules:\n"
		"  - { id: name-case, kind: pattern, target: people, "
		"field: name, matches: '^(\\p{Lu}\\p{Ll}*)( \\p{Lu}\\p{Ll}*)+ [0-9]+$' }\n"
		"  - { id: name-case-not, kind: pattern, target: people, "
		"field: name, negate: true, "
		"matches: '^(\\p{Lu}\\p{Ll}*)( \\p{Lu}\\p{Ll}*)+ [0-9]+$' }\n";
	size_t off = 0;
	int i, k, twice;
	char id[32];
	fx x;

	(void)state;
	off += (size_t)snprintf(plan + off, sizeof plan - off,
		"plancheck: plan/1\n"
		"plan: { id: m, name: Memo, as_of: 2020-01-01 }\n"
		"people:\n");
	for (twice = 0; twice < 2; twice++)
		for (i = 0; i < N; i++)
			for (k = 0; k < 3; k++)
				off += (size_t)snprintf(plan + off,
					sizeof plan - off,
					"  - { id: P%d-%d-%d, name: %s %d }\n",
					twice, i, k, forms[k], i);
	/* Without a name, a person goes by their id, judged on its own. */
	off += (size_t)snprintf(plan + off, sizeof plan - off,
				"  - { id: nameless-1 }\n"
				"  - { id: nameless-2 }\n"
				"units: []\n");
	assert_true(off < sizeof plan);
	fx_run(&x, plan, rules_yaml, NULL);
	assert_int_equal(count_of(x.rep, "name-case", NULL), 2 * N * 2 + 2);
	assert_int_equal(count_of(x.rep, "name-case-not", NULL), 2 * N);
	assert_contains(the(x.rep, "name-case", "nameless-2")->message,
			"name 'nameless-2' does not match");
	for (twice = 0; twice < 2; twice++) {
		for (i = 0; i < N; i += 97) {
			snprintf(id, sizeof id, "P%d-%d-1", twice, i);
			assert_contains(the(x.rep, "name-case", id)->message,
					"does not match");
			snprintf(id, sizeof id, "P%d-%d-2", twice, i);
			(void)the(x.rep, "name-case", id);
			snprintf(id, sizeof id, "P%d-%d-0", twice, i);
			assert_int_equal(count_of(x.rep, "name-case", id), 0);
			assert_contains(the(x.rep, "name-case-not", id)->message,
					"which it must not");
		}
	}
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unit_ids),
		cmocka_unit_test(negate_and_name),
		cmocka_unit_test(attrs_and_required),
		cmocka_unit_test(titles_tasks_kind_level),
		cmocka_unit_test(level_kind_selectors),
		cmocka_unit_test(many_levels),
		cmocka_unit_test(matches_kept_by_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
