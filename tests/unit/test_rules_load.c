/* test_rules_load.c - the rule pack loader: valid packs, every kind of
 * problem with its message and position, several packs in one set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plancheck.h"
#include "alloc.h"
#include "rules.h"
#include "regex.h"

#define DATA TESTDATA_DIR "/rules/"

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void dump(const pc_errors *errs)
{
	size_t i;

	for (i = 0; i < pc_errors_count(errs); i++) {
		const pc_error *e = pc_errors_get(errs, i);
		print_message("  %s:%u:%u: %s\n", e->file ? e->file : "-",
			      e->line, e->column, e->message);
	}
}

/* Is there an error with this fragment at this line and column? */
static bool has_error(const pc_errors *errs, const char *fragment,
		      unsigned line, unsigned col)
{
	size_t i;

	for (i = 0; i < pc_errors_count(errs); i++) {
		const pc_error *e = pc_errors_get(errs, i);
		if (e->line == line && e->column == col &&
		    strstr(e->message, fragment))
			return true;
	}
	return false;
}

static void expect_error(const pc_errors *errs, const char *fragment,
			 unsigned line, unsigned col)
{
	if (!has_error(errs, fragment, line, col)) {
		print_message("expected %u:%u: ...%s... among:\n", line, col,
			      fragment);
		dump(errs);
		fail();
	}
}

static int load(pc_ruleset *set, const char *text, pc_errors **errs)
{
	return pc_ruleset_load_string(set, "rules.yaml", text, strlen(text),
				      NULL, errs);
}

static int setup(void **state)
{
	pc_ruleset *set;

	if (pc_ruleset_new(&set) != 0)
		return -1;
	*state = set;
	return 0;
}

static int teardown(void **state)
{
	pc_ruleset_free(*state);
	return 0;
}

/* ---- a valid pack with every kind and every key ------------------------- */

static pc_date date(const char *text)
{
	pc_date d;

	assert_int_equal(pc_date_parse(text, strlen(text), &d), 0);
	return d;
}

static void check_all_kinds(const pc_ruleset *set, const char *file)
{
	const rule *r;
	const merged_titles_rule *mt;
	const deadline_rule *dl;
	const quota_rule *q;
	const pattern_rule *p;
	pc_rule_info info;
	arena a;
	tmpl_args args = { .person_id = "P1", .person_name = "Lê Văn Bình",
			   .titles = "party-secretary, pc-chair",
			   .has_value = true, .value = 3,
			   .has_limit = true, .limit = 2 };

	assert_int_equal(pc_ruleset_count(set), 11);
	assert_int_equal(pc_ruleset_get(set, 0, &info), 0);
	assert_string_equal(info.id, "merged-titles");
	assert_string_equal(info.pack_id, "vn-test");
	assert_string_equal(info.pack_name, "Bộ quy tắc thử nghiệm");
	assert_string_equal(info.file, file);
	assert_int_equal(info.line, 5);
	assert_int_equal(info.column, 5);
	assert_int_equal(info.kind, PC_KIND_MERGED_TITLES);
	assert_int_equal(info.severity, PC_SEV_WARNING);
	assert_string_equal(info.description, "Kiêm nhiệm chức danh");
	assert_string_equal(info.basis, "Quy định 08-QĐi/TW");
	assert_int_equal(info.effective, date("2018-01-01"));
	assert_int_equal(pc_ruleset_get(set, 11, &info), PC_EUSAGE);

	r = set->rules[0];
	mt = &r->u.titles;
	assert_true(mt->has_max_positions);
	assert_int_equal(mt->max_positions, 2);
	assert_true(mt->has_allow);
	assert_int_equal(mt->nallow, 2);
	assert_int_equal(mt->allow[0].ntitles, 2);
	assert_string_equal(mt->allow[0].titles[0], "party-secretary");
	assert_string_equal(mt->allow[0].titles[1], "pc-chair");
	assert_string_equal(mt->allow[0].within, "unit");
	assert_int_equal(mt->allow[0].nlevels, 2);
	assert_string_equal(mt->allow[0].levels[1], "district");
	assert_true(mt->allow[0].holder.given);
	assert_int_equal(mt->allow[0].where.line, 14);
	assert_int_equal(mt->allow[0].where.col, 9);
	assert_string_equal(mt->allow[1].within, "district");
	assert_null(mt->allow[1].levels);
	assert_false(mt->allow[1].holder.given);
	assert_int_equal(mt->nforbid, 1);
	assert_string_equal(mt->forbid[0].titles[1], "finance-head");
	arena_init(&a);
	assert_string_equal(tmpl_expand(&a, &r->message, &args),
			    "Lê Văn Bình (P1) giữ 3 chức danh: party-secretary, "
			    "pc-chair, tối đa 2");
	arena_free(&a);

	r = set->rules[1];
	dl = &r->u.deadline;
	assert_int_equal(r->kind, PC_KIND_DEADLINE);
	assert_int_equal(r->severity, PC_SEV_INFO);
	assert_string_equal(r->description, "");
	assert_int_equal(r->effective, PC_NODATE);
	assert_string_equal(dl->task, "merge-dan-van-mttq");
	assert_null(dl->task_regex);
	assert_int_equal(dl->task_where.line, 27);
	assert_int_equal(dl->due, date("2019-12-31"));
	assert_int_equal(dl->grace_days, 10);
	assert_true(dl->has_behind_by);
	assert_int_equal(dl->behind_by, 20);
	assert_true(dl->units.given);
	assert_true(r->message.nparts > 0);

	r = set->rules[2];
	dl = &r->u.deadline;
	assert_int_equal(r->severity, PC_SEV_ERROR);
	assert_null(dl->task);
	assert_non_null(dl->task_regex);
	assert_string_equal(regex_pattern(dl->task_regex), "^merge-");
	assert_int_equal(regex_match(dl->task_regex, "merge-x", 7), 1);
	assert_int_equal(regex_match(dl->task_regex, "x-merge", 7), 0);
	assert_int_equal(dl->due, PC_NODATE);
	assert_int_equal(dl->grace_days, 0);
	assert_false(dl->has_behind_by);
	assert_false(dl->units.given);
	assert_int_equal(r->message.nparts, 0);

	r = set->rules[3];
	q = &r->u.quota;
	assert_int_equal(r->kind, PC_KIND_QUOTA);
	assert_true(q->for_units.given);
	assert_int_equal(q->measure, MEASURE_HOLDERS);
	assert_string_equal(q->title, "deputy-head");
	assert_int_equal(q->title_where.line, 38);
	assert_int_equal(q->title_where.col, 25);
	assert_int_equal(q->scope, SCOPE_UNIT);
	assert_true(q->has_max);
	assert_int_equal(q->max, 3);
	assert_true(q->has_min);
	assert_int_equal(q->min, 1);
	assert_false(q->has_max_by);
	assert_false(q->has_reduce);

	r = set->rules[4];
	q = &r->u.quota;
	assert_int_equal(q->measure, MEASURE_STAFF);
	assert_int_equal(q->staff, STAFF_ACTUAL);
	assert_int_equal(q->scope, SCOPE_SUBTREE);
	assert_true(q->has_reduce);
	assert_int_equal(q->reduce_at_least, 10);
	assert_true(q->has_max_by);
	assert_string_equal(q->max_by_attr, "class");
	assert_int_equal(q->nmax_by, 4);
	assert_string_equal(q->max_by[0].value, "I");
	assert_int_equal(q->max_by[0].cap, 23);
	assert_string_equal(q->max_by[1].value, "II");
	assert_int_equal(q->max_by[1].cap, 21);
	assert_string_equal(q->max_by[2].value, "3");
	assert_string_equal(q->max_by[3].value, "true");
	assert_int_equal(q->max_by[3].cap, 5);
	assert_true(q->max_by_has_default);
	assert_int_equal(q->max_by_default, 19);
	assert_false(q->has_max);
	assert_false(q->has_min);

	r = set->rules[5];
	q = &r->u.quota;
	assert_int_equal(q->measure, MEASURE_UNITS);
	assert_true(q->units.given);
	assert_int_equal(q->scope, SCOPE_CHILDREN);
	assert_int_equal(q->min, 5);

	r = set->rules[6];
	q = &r->u.quota;
	assert_int_equal(q->measure, MEASURE_POSITIONS);
	assert_string_equal(q->title, "pc-vice-chair");
	assert_false(q->for_units.given);
	assert_int_equal(q->scope, SCOPE_UNIT);

	r = set->rules[7];
	p = &r->u.pattern;
	assert_int_equal(r->kind, PC_KIND_PATTERN);
	assert_int_equal(p->target, PT_UNITS);
	assert_true(p->for_units.given);
	assert_string_equal(p->field, "id");
	assert_null(p->attr_key);
	assert_int_equal(regex_match(p->regex, "LA-TAN-AN", 9), 1);
	assert_int_equal(regex_match(p->regex, "la-tan-an", 9), 0);
	assert_false(p->negate);
	assert_true(p->required);

	r = set->rules[8];
	p = &r->u.pattern;
	assert_int_equal(p->target, PT_PEOPLE);
	assert_false(p->for_units.given);
	assert_string_equal(p->field, "attrs.born");
	assert_string_equal(p->attr_key, "born");
	assert_true(p->negate);
	assert_false(p->required);
	assert_int_equal(regex_match(p->regex, "1968-04-01", 10), 1);

	r = set->rules[9];
	assert_int_equal(r->u.pattern.target, PT_TITLES);
	assert_string_equal(r->u.pattern.field, "kind");

	r = set->rules[10];
	p = &r->u.pattern;
	assert_int_equal(p->target, PT_TASKS);
	assert_string_equal(p->field, "name");
	{
		const char *s = "NHẤT THỂ HÓA Ban Dân vận";
		assert_int_equal(regex_match(p->regex, s, strlen(s)), 1);
	}

	assert_int_equal(pc_ruleset_find(set, "unit-id-format"), 7);
	assert_int_equal(pc_ruleset_find(set, "merged-titles"), 0);
	assert_int_equal(pc_ruleset_find(set, "task-name"), 10);
	assert_int_equal(pc_ruleset_find(set, "no-such-rule"), -1);
}

static void test_all_kinds_from_file(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	int rc = pc_ruleset_load(set, DATA "all-kinds.yaml", NULL, &errs);

	if (rc != 0)
		dump(errs);
	assert_int_equal(rc, 0);
	assert_null(errs);
	check_all_kinds(set, DATA "all-kinds.yaml");
}

static void test_all_kinds_from_string(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	size_t len;
	char *text = slurp(DATA "all-kinds.yaml", &len);
	int rc = pc_ruleset_load_string(set, "mem.yaml", text, len, NULL,
					&errs);

	if (rc != 0)
		dump(errs);
	assert_int_equal(rc, 0);
	check_all_kinds(set, "mem.yaml");
	free(text);
}

/* The example of rules-format.md, gathered into one pack. */
static void test_spec_example(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	pc_rule_info info;
	int rc = pc_ruleset_load(set, DATA "vn-2018.yaml", NULL, &errs);

	if (rc != 0)
		dump(errs);
	assert_int_equal(rc, 0);
	assert_int_equal(pc_ruleset_count(set), 6);
	assert_int_equal(pc_ruleset_get(set, 0, &info), 0);
	assert_string_equal(info.id, "max-deputies-division");
	assert_string_equal(info.pack_name, "Quy định sắp xếp bộ máy 2018–2021");
	assert_string_equal(info.description,
			    "Mỗi phòng chuyên môn có không quá 3 phó trưởng phòng.");
	assert_string_equal(info.basis, "Nghị định 107/2020/NĐ-CP, Điều 6");
	assert_int_equal(info.effective, date("2020-10-01"));
	assert_int_equal(pc_ruleset_find(set, "unit-id-format"), 5);
	assert_int_equal(set->rules[3]->u.quota.nmax_by, 3);
	assert_string_equal(set->rules[3]->u.quota.max_by[2].value, "III");
}

/* ---- broken packs ------------------------------------------------------------- */

#define HEAD "plancheck: rules/1\nid: p\nrules:\n"

static const struct broken {
	const char *name;
	const char *yaml;
	const char *fragment;
	unsigned line, col;
} broken[] = {
	/* the pack */
	{"no plancheck", "id: p\nrules: []\n",
	 "missing key 'plancheck'", 1, 1},
	{"other format", "plancheck: rules/2\nid: p\nrules: []\n",
	 "unsupported rule format 'rules/2'", 1, 12},
	{"bad format", "plancheck: [rules/1]\nid: p\nrules: []\n",
	 "'plancheck' must be 'rules/1', not a list", 1, 12},
	{"no pack id", "plancheck: rules/1\nrules: []\n",
	 "missing key 'id' in a rule pack", 1, 1},
	{"bad pack id", "plancheck: rules/1\nid: -p\nrules: []\n",
	 "'-p' is not a valid identifier for 'id'", 2, 5},
	{"no rules", "plancheck: rules/1\nid: p\n",
	 "missing key 'rules' in a rule pack", 1, 1},
	{"rules not a list", "plancheck: rules/1\nid: p\nrules: {}\n",
	 "'rules' must be a list of rules, not a mapping", 3, 8},
	{"unknown pack key", HEAD "rule: []\n",
	 "unknown key 'rule' in a rule pack (did you mean 'rules'?)", 4, 1},
	{"pack name not text", "plancheck: rules/1\nid: p\nname: [a]\nrules: []\n",
	 "'name' must be a string, not a list", 3, 7},
	{"root a list", "- plancheck: rules/1\n",
	 "a rule pack must be a mapping", 1, 1},
	{"empty file", "", "the file is empty", 1, 1},
	{"rule not a mapping", HEAD "  - just-an-id\n",
	 "a rule must be a mapping", 4, 5},
	{"duplicate key", HEAD "  - id: r\n    kind: quota\n    kind: pattern\n",
	 "duplicate key 'kind'", 6, 5},
	/* common keys */
	{"no rule id", HEAD "  - kind: deadline\n    task: t\n",
	 "missing key 'id' in a rule", 4, 5},
	{"bad rule id", HEAD "  - id: 'bad id'\n    kind: deadline\n    task: t\n",
	 "rule id 'bad id' is not a valid identifier", 4, 9},
	{"rule id with dot first", HEAD "  - id: .r\n    kind: deadline\n    task: t\n",
	 "it must start with a letter or a digit", 4, 9},
	{"reserved plan/", HEAD "  - id: plan/unknown-key\n    kind: deadline\n    task: t\n",
	 "uses a reserved prefix", 4, 9},
	{"reserved rules/", HEAD "  - id: rules/x\n    kind: deadline\n    task: t\n",
	 "uses a reserved prefix", 4, 9},
	{"no kind", HEAD "  - id: r\n    task: t\n",
	 "missing key 'kind' in rule 'r'", 4, 5},
	{"bad kind", HEAD "  - id: r\n    kind: quotta\n",
	 "'kind' must be merged_titles, deadline, quota or pattern, not 'quotta' (did you mean 'quota'?)", 5, 11},
	{"bad severity", HEAD "  - id: r\n    kind: deadline\n    task: t\n    severity: fatal\n",
	 "'severity' must be error, warning or info, not 'fatal'", 7, 15},
	{"bad effective", HEAD "  - id: r\n    kind: deadline\n    task: t\n    effective: 2019-02-30\n",
	 "'effective' must be a real date written YYYY-MM-DD, not '2019-02-30'", 7, 16},
	{"description not text", HEAD "  - id: r\n    kind: deadline\n    task: t\n    description: [a, b]\n",
	 "'description' must be a string, not a list", 7, 18},
	{"unknown key with hint", HEAD "  - id: r\n    kind: quota\n    fro: {level: division}\n    measure: {holders: deputy}\n    max: 3\n",
	 "unknown key 'fro' in a quota rule (did you mean 'for'?)", 6, 5},
	{"unknown key before kind", HEAD "  - id: r\n    taks: t\n    kind: deadline\n",
	 "unknown key 'taks' in a deadline rule (did you mean 'task'?)", 5, 5},
	{"unknown key, no kind", HEAD "  - id: r\n    colour: red\n",
	 "unknown key 'colour' in a rule", 5, 5},
	{"key of another kind", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    max: 3\n    task: t\n",
	 "key 'task' does not apply to a quota rule (it belongs to deadline rules)", 8, 5},
	{"for in a deadline rule", HEAD "  - id: r\n    kind: deadline\n    task: t\n    for: {level: district}\n",
	 "key 'for' does not apply to a deadline rule (it belongs to quota or pattern rules)", 7, 5},
	/* merged_titles */
	{"titles rule with nothing", HEAD "  - id: r\n    kind: merged_titles\n",
	 "needs at least one of max_positions, allow or forbid", 4, 5},
	{"max_positions zero", HEAD "  - id: r\n    kind: merged_titles\n    max_positions: 0\n",
	 "'max_positions' must be a whole number from 1", 6, 20},
	{"max_positions text", HEAD "  - id: r\n    kind: merged_titles\n    max_positions: two\n",
	 "'max_positions' must be a whole number, not 'two'", 6, 20},
	{"allow not a list", HEAD "  - id: r\n    kind: merged_titles\n    allow: {titles: [a, b]}\n",
	 "'allow' must be a list", 6, 12},
	{"allow entry not a mapping", HEAD "  - id: r\n    kind: merged_titles\n    allow: [a]\n",
	 "an entry of 'allow' must be a mapping", 6, 13},
	{"one title", HEAD "  - id: r\n    kind: merged_titles\n    forbid:\n      - titles: [a]\n",
	 "'titles' must list at least two titles", 7, 17},
	{"title twice", HEAD "  - id: r\n    kind: merged_titles\n    forbid:\n      - titles: [a, b, a]\n",
	 "'titles' lists 'a' twice", 7, 17},
	{"bad title id", HEAD "  - id: r\n    kind: merged_titles\n    forbid:\n      - titles: [a, 'b c']\n",
	 "'b c' is not a valid identifier for 'titles'", 7, 21},
	{"no titles", HEAD "  - id: r\n    kind: merged_titles\n    allow:\n      - within: unit\n",
	 "missing key 'titles' in an entry of 'allow'", 7, 9},
	{"entry key typo", HEAD "  - id: r\n    kind: merged_titles\n    allow:\n      - titles: [a, b]\n        whithin: unit\n",
	 "unknown key 'whithin' in an entry of 'allow' (did you mean 'within'?)", 8, 9},
	{"empty within", HEAD "  - id: r\n    kind: merged_titles\n    allow:\n      - titles: [a, b]\n        within: ''\n",
	 "'within' must be \"unit\" or a level name", 8, 17},
	{"empty levels", HEAD "  - id: r\n    kind: merged_titles\n    allow:\n      - titles: [a, b]\n        levels: []\n",
	 "'levels' is empty", 8, 17},
	/* deadline */
	{"no task", HEAD "  - id: r\n    kind: deadline\n    due: 2019-12-31\n",
	 "missing key 'task' in a deadline rule", 4, 5},
	{"task a list", HEAD "  - id: r\n    kind: deadline\n    task: [a]\n",
	 "'task' must be a task id or {matches: REGEX}, not a list", 6, 11},
	{"task regex broken", HEAD "  - id: r\n    kind: deadline\n    task: {matches: 'merge-(x'}\n",
	 "invalid regular expression in 'matches': missing closing parenthesis at offset 8", 6, 21},
	{"task key typo", HEAD "  - id: r\n    kind: deadline\n    task: {match: 'x'}\n",
	 "unknown key 'match' in 'task' (did you mean 'matches'?)", 6, 12},
	{"task without matches", HEAD "  - id: r\n    kind: deadline\n    task: {}\n",
	 "missing key 'matches' in 'task'", 6, 11},
	{"bad due", HEAD "  - id: r\n    kind: deadline\n    task: t\n    due: 31/12/2019\n",
	 "'due' must be a real date written YYYY-MM-DD, not '31/12/2019'", 7, 10},
	{"negative grace", HEAD "  - id: r\n    kind: deadline\n    task: t\n    grace_days: -1\n",
	 "'grace_days' must be from 0 to 1000000, not -1", 7, 17},
	{"behind_by over 100", HEAD "  - id: r\n    kind: deadline\n    task: t\n    behind_by: 101\n",
	 "'behind_by' must be from 0 to 100, not 101", 7, 16},
	/* quota */
	{"no measure", HEAD "  - id: r\n    kind: quota\n    max: 3\n",
	 "missing key 'measure' in a quota rule", 4, 5},
	{"measure not a mapping", HEAD "  - id: r\n    kind: quota\n    measure: staff\n    max: 3\n",
	 "'measure' must be a mapping", 6, 14},
	{"two measures", HEAD "  - id: r\n    kind: quota\n    measure: {holders: a, positions: a}\n    max: 3\n",
	 "'measure' takes exactly one of staff, holders, positions or units: 'positions' comes after 'holders'", 6, 27},
	{"empty measure", HEAD "  - id: r\n    kind: quota\n    measure: {}\n    max: 3\n",
	 "'measure' needs one of staff, holders, positions or units", 6, 14},
	{"measure typo", HEAD "  - id: r\n    kind: quota\n    measure: {holder: a}\n    max: 3\n",
	 "unknown key 'holder' in 'measure' (did you mean 'holders'?)", 6, 15},
	{"bad staff field", HEAD "  - id: r\n    kind: quota\n    measure: {staff: salary}\n    max: 3\n",
	 "'staff' must be baseline, quota or actual, not 'salary'", 6, 22},
	{"units measure without scope", HEAD "  - id: r\n    kind: quota\n    measure: {units: {level: commune}}\n    min: 3\n",
	 "a units measure needs 'scope: children' or 'scope: subtree'", 6, 5},
	{"units measure with scope unit", HEAD "  - id: r\n    kind: quota\n    measure: {units: {level: commune}}\n    scope: unit\n    min: 3\n",
	 "'scope: unit' does not go with a units measure", 7, 12},
	{"scope typo", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    scope: subtre\n    max: 3\n",
	 "'scope' must be unit, children or subtree, not 'subtre' (did you mean 'subtree'?)", 7, 12},
	{"no bound", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n",
	 "a quota rule needs at least one of max, min, max_by or reduce", 4, 5},
	{"negative max", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    max: -1\n",
	 "'max' must be a whole number from 0 to 4294967295, not -1", 7, 10},
	{"max a string", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    max: '3'\n",
	 "'max' must be a whole number, not '3'", 7, 10},
	{"min over max", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    max: 3\n    min: 5\n",
	 "'min' (5) is greater than 'max' (3)", 8, 5},
	{"reduce on holders", HEAD "  - id: r\n    kind: quota\n    measure: {holders: a}\n    reduce: {at_least: 10}\n",
	 "'reduce' applies only to staff measures", 7, 5},
	{"reduce over 100", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    reduce: {at_least: 150}\n",
	 "'at_least' must be from 0 to 100, not 150", 7, 24},
	{"reduce without at_least", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    reduce: {}\n",
	 "missing key 'at_least' in 'reduce'", 7, 13},
	{"max_by without attr", HEAD "  - id: r\n    kind: quota\n    measure: {staff: quota}\n    max_by: {values: {I: 3}}\n",
	 "missing key 'attr' in 'max_by'", 7, 13},
	{"max_by without values", HEAD "  - id: r\n    kind: quota\n    measure: {staff: quota}\n    max_by: {attr: class, default: 3}\n",
	 "missing key 'values' in 'max_by'", 7, 13},
	{"max_by values a list", HEAD "  - id: r\n    kind: quota\n    measure: {staff: quota}\n    max_by: {attr: class, values: [3]}\n",
	 "'values' must be a mapping from the attribute's values to caps", 7, 35},
	{"max_by value twice", HEAD "  - id: r\n    kind: quota\n    measure: {staff: quota}\n    max_by: {attr: class, values: {1: 3, 01: 4}}\n",
	 "'values' lists the value '1' twice (as '01' here)", 7, 42},
	{"max_by cap not a count", HEAD "  - id: r\n    kind: quota\n    measure: {staff: quota}\n    max_by: {attr: class, values: {I: many}}\n",
	 "'values' must be a whole number, not 'many'", 7, 39},
	{"max_by nothing", HEAD "  - id: r\n    kind: quota\n    measure: {staff: quota}\n    max_by: {attr: class, values: {}}\n",
	 "'max_by' lists no values and no default", 7, 35},
	{"max_by typo", HEAD "  - id: r\n    kind: quota\n    measure: {staff: quota}\n    max_by: {attr: class, values: {I: 3}, defualt: 2}\n",
	 "unknown key 'defualt' in 'max_by' (did you mean 'default'?)", 7, 43},
	/* pattern */
	{"no target", HEAD "  - id: r\n    kind: pattern\n    field: id\n    matches: x\n",
	 "missing key 'target' in a pattern rule", 4, 5},
	{"no field", HEAD "  - id: r\n    kind: pattern\n    target: units\n    matches: x\n",
	 "missing key 'field' in a pattern rule", 4, 5},
	{"no matches", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: id\n",
	 "missing key 'matches' in a pattern rule", 4, 5},
	{"bad target", HEAD "  - id: r\n    kind: pattern\n    target: peple\n    field: id\n    matches: x\n",
	 "'target' must be units, people, titles or tasks, not 'peple' (did you mean 'people'?)", 6, 13},
	{"field typo", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: nmae\n    matches: x\n",
	 "'field' must be id, name, level, kind or attrs.KEY, not 'nmae' (did you mean 'name'?)", 7, 12},
	{"field for wrong target", HEAD "  - id: r\n    kind: pattern\n    target: people\n    field: level\n    matches: x\n",
	 "'field: level' is not available for target people (it has id, name or attrs.KEY)", 7, 12},
	{"attrs on tasks", HEAD "  - id: r\n    kind: pattern\n    target: tasks\n    field: attrs.x\n    matches: x\n",
	 "'field: attrs.x' is not available for target tasks", 7, 12},
	{"attrs without key", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: attrs.\n    matches: x\n",
	 "'field: attrs.' needs an attribute name", 7, 12},
	{"for on people", HEAD "  - id: r\n    kind: pattern\n    target: people\n    for: {level: district}\n    field: id\n    matches: x\n",
	 "'for' selects units, so it applies only to 'target: units', not 'target: people'", 7, 5},
	{"bad regex", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: id\n    matches: '^LA-[A-Z'\n",
	 "invalid regular expression in 'matches': missing terminating ] for character class at offset 8", 8, 14},
	{"regex a list", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: id\n    matches: [x]\n",
	 "'matches' must be a regular expression (a string), not a list", 8, 14},
	{"negate not a bool", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: id\n    matches: x\n    negate: 'yes'\n",
	 "'negate' must be true or false, not 'yes'", 9, 13},
	{"required not a bool", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: id\n    matches: x\n    required: 1\n",
	 "'required' must be true or false, not '1'", 9, 15},
	/* messages */
	{"unknown placeholder", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    max: 3\n    message: \"Đơn vị {unit.nam}\"\n",
	 "unknown placeholder {unit.nam} in the message (did you mean {unit.name}?)", 8, 22},
	{"unterminated placeholder", HEAD "  - id: r\n    kind: quota\n    measure: {staff: actual}\n    max: 3\n    message: '{value} of {limit'\n",
	 "unterminated placeholder '{limit'", 8, 26},
	{"placeholder the kind lacks", HEAD "  - id: r\n    message: '{unit.name}: {person.name}'\n    kind: quota\n    measure: {staff: actual}\n    max: 3\n",
	 "placeholder {person.name} is not available in a quota rule (it provides {unit.id}, {unit.name}, {value}, {limit})", 5, 28},
	{"titles lacks unit", HEAD "  - id: r\n    kind: merged_titles\n    max_positions: 2\n    message: '{unit.name}'\n",
	 "placeholder {unit.name} is not available in a merged_titles rule", 7, 15},
	{"deadline lacks value", HEAD "  - id: r\n    kind: deadline\n    task: t\n    message: '{days} {value}'\n",
	 "placeholder {value} is not available in a deadline rule", 7, 22},
	{"pattern has no value", HEAD "  - id: r\n    kind: pattern\n    target: units\n    field: id\n    matches: x\n    message: '{unit.id}: {value}'\n",
	 "placeholder {value} is not available in a pattern rule on units (it provides {unit.id}, {unit.name})", 9, 26},
	{"pattern on titles", HEAD "  - id: r\n    kind: pattern\n    target: titles\n    field: id\n    matches: x\n    message: 'bad {unit.id}'\n",
	 "in a pattern rule on titles (it provides none)", 9, 19},
	/* x- keys are a plan's room for users' data, not a rule file's */
	{"x- key in a rule", HEAD "  - id: r\n    kind: quota\n    x-note: 1\n    measure: {staff: actual}\n    max: 3\n",
	 "unknown key 'x-note' in a quota rule", 6, 5},
	{"x- key in a selector", HEAD "  - id: r\n    kind: quota\n    for: {level: division, x-note: 1}\n    measure: {staff: actual}\n    max: 3\n",
	 "unknown key 'x-note' in a selector", 6, 28},
	{"x- key in a holder matcher", HEAD "  - id: r\n    kind: merged_titles\n    allow:\n      - titles: [a, b]\n        holder: {id: P1, x-note: 1}\n",
	 "unknown key 'x-note' in a person selector", 8, 26},
	/* ids */
	{"same id twice", HEAD "  - id: r\n    kind: deadline\n    task: t\n  - id: r\n    kind: deadline\n    task: u\n",
	 "rule id 'r' already defined at rules.yaml:4:5", 7, 5},
};

static void test_broken_packs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		const struct broken *b = &broken[i];
		pc_ruleset *set;
		pc_errors *errs = NULL;
		int rc;

		assert_int_equal(pc_ruleset_new(&set), 0);
		rc = load(set, b->yaml, &errs);
		if (rc != PC_EINVALID || !has_error(errs, b->fragment, b->line,
						    b->col)) {
			print_message("case '%s': rc %d\n", b->name, rc);
			expect_error(errs, b->fragment, b->line, b->col);
			assert_int_equal(rc, PC_EINVALID);
		}
		assert_string_equal(pc_errors_get(errs, 0)->file, "rules.yaml");
		/* A failed pack adds nothing. */
		assert_int_equal(pc_ruleset_count(set), 0);
		assert_int_equal(pc_ruleset_find(set, "r"), -1);
		pc_errors_free(errs);
		pc_ruleset_free(set);
	}
}

/* Each case's fragment appears exactly once: no problem is reported twice
 * and no valid key draws a spurious complaint. */
static void test_broken_packs_report_once(void **state)
{
	size_t i, j, hits;

	(void)state;
	for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		pc_ruleset *set;
		pc_errors *errs = NULL;

		assert_int_equal(pc_ruleset_new(&set), 0);
		(void)load(set, broken[i].yaml, &errs);
		for (hits = 0, j = 0; j < pc_errors_count(errs); j++)
			hits += strstr(pc_errors_get(errs, j)->message,
				       broken[i].fragment) != NULL;
		if (hits != 1) {
			print_message("case '%s':\n", broken[i].name);
			dump(errs);
		}
		assert_int_equal(hits, 1);
		pc_errors_free(errs);
		pc_ruleset_free(set);
	}
}

static void test_several_problems(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	const char *f = DATA "several-problems.yaml";
	const pc_error *e;
	size_t i;
	int rc = pc_ruleset_load(set, f, NULL, &errs);

	assert_int_equal(rc, PC_EINVALID);
	expect_error(errs, "'broken pack' is not a valid identifier", 2, 5);
	expect_error(errs, "unknown key 'fro' in a quota rule (did you mean 'for'?)", 6, 5);
	expect_error(errs, "'max' must be a whole number, not 'three'", 8, 10);
	expect_error(errs, "missing key 'task' in a deadline rule", 9, 5);
	expect_error(errs, "rule id 'r1' already defined at " DATA
		     "several-problems.yaml:4:5", 9, 5);
	expect_error(errs, "'severity' must be error, warning or info, not 'fatal'", 11, 15);
	expect_error(errs, "'field: level' is not available for target people", 15, 12);
	expect_error(errs, "missing closing parenthesis at offset 9", 16, 14);
	expect_error(errs, "unknown placeholder {unit.nam}", 17, 29);
	if (pc_errors_count(errs) != 9)
		dump(errs);
	assert_int_equal(pc_errors_count(errs), 9);
	/* Sorted by position, every one naming the file. */
	for (i = 0; i < pc_errors_count(errs); i++) {
		e = pc_errors_get(errs, i);
		assert_string_equal(e->file, f);
		if (i) {
			const pc_error *p = pc_errors_get(errs, i - 1);
			assert_true(p->line < e->line ||
				    (p->line == e->line && p->column <= e->column));
		}
	}
	assert_int_equal(pc_ruleset_count(set), 0);
	pc_errors_free(errs);
}

static void test_duplicate_across_packs(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	pc_rule_info info;

	assert_int_equal(pc_ruleset_load(set, DATA "dup-a.yaml", NULL, &errs), 0);
	assert_int_equal(pc_ruleset_load(set, DATA "dup-b.yaml", NULL, &errs),
			 PC_EINVALID);
	assert_int_equal(pc_errors_count(errs), 1);
	expect_error(errs, "rule id 'shared-rule' already defined at " DATA
		     "dup-a.yaml:4:5", 8, 5);
	pc_errors_free(errs);
	/* pack-b added nothing, not even its good rule. */
	assert_int_equal(pc_ruleset_count(set), 1);
	assert_int_equal(pc_ruleset_find(set, "own-rule"), -1);
	assert_int_equal(pc_ruleset_find(set, "shared-rule"), 0);
	assert_int_equal(pc_ruleset_get(set, 0, &info), 0);
	assert_string_equal(info.pack_id, "pack-a");
	assert_int_equal(set->npacks, 1);
}

static void test_duplicate_across_strings(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	const char *a = HEAD "  - id: x\n    kind: deadline\n    task: t\n";
	const char *b = "plancheck: rules/1\nid: q\nrules:\n"
			"  - id: y\n    kind: deadline\n    task: t\n"
			"  - id: x\n    kind: deadline\n    task: t\n";
	const char *c = "plancheck: rules/1\nid: q\nrules:\n"
			"  - id: y\n    kind: deadline\n    task: t\n";

	assert_int_equal(pc_ruleset_load_string(set, "a.yaml", a, strlen(a),
						NULL, &errs), 0);
	assert_int_equal(pc_ruleset_load_string(set, "b.yaml", b, strlen(b),
						NULL, &errs), PC_EINVALID);
	expect_error(errs, "rule id 'x' already defined at a.yaml:4:5", 7, 5);
	pc_errors_free(errs);
	assert_int_equal(pc_ruleset_count(set), 1);
	/* After the failure, the set takes a good pack as usual. */
	assert_int_equal(pc_ruleset_load_string(set, "c.yaml", c, strlen(c),
						NULL, &errs), 0);
	assert_null(errs);
	assert_int_equal(pc_ruleset_count(set), 2);
	assert_int_equal(pc_ruleset_find(set, "x"), 0);
	assert_int_equal(pc_ruleset_find(set, "y"), 1);
}

static void test_plan_given_as_rules(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	const char *text = "units: []\nplancheck: plan/1\nplan: {id: x}\n";

	assert_int_equal(pc_ruleset_load(set, DATA "plan.yaml", NULL, &errs),
			 PC_EINVALID);
	assert_int_equal(pc_errors_count(errs), 1);
	expect_error(errs, "this is a plan, not a rule pack", 1, 12);
	pc_errors_free(errs);
	/* Only that, even when other keys came first. */
	assert_int_equal(load(set, text, &errs), PC_EINVALID);
	assert_int_equal(pc_errors_count(errs), 1);
	expect_error(errs, "this is a plan, not a rule pack", 2, 12);
	pc_errors_free(errs);
	assert_int_equal(pc_ruleset_count(set), 0);
}

static void test_invalid_regex_offset(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	const char *text = HEAD
		"  - id: r\n    kind: pattern\n    target: people\n"
		"    field: name\n    matches: '(?<bad'\n";

	assert_int_equal(load(set, text, &errs), PC_EINVALID);
	assert_int_equal(pc_errors_count(errs), 1);
	expect_error(errs, "invalid regular expression in 'matches': ", 8, 14);
	expect_error(errs, "at offset 6 of '(?<bad'", 8, 14);
	pc_errors_free(errs);
}

static void test_regex_too_long(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	pc_limits lim;
	const char *text = HEAD
		"  - id: r\n    kind: pattern\n    target: units\n"
		"    field: id\n    matches: 'abcdefghijk'\n";

	pc_limits_default(&lim);
	lim.max_regex_len = 10;
	assert_int_equal(pc_ruleset_load_string(set, "rules.yaml", text,
						strlen(text), &lim, &errs),
			 PC_ELIMIT);
	expect_error(errs, "is 11 bytes, over the limit of 10 bytes", 8, 14);
	pc_errors_free(errs);
	lim.max_regex_len = 11;
	assert_int_equal(pc_ruleset_load_string(set, "rules.yaml", text,
						strlen(text), &lim, &errs), 0);
	assert_int_equal(set->limits.max_regex_len, 11);
}

static void test_max_rules(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	pc_limits lim;
	const char *two = HEAD
		"  - id: a\n    kind: deadline\n    task: t\n"
		"  - id: b\n    kind: deadline\n    task: t\n";
	const char *one = "plancheck: rules/1\nid: q\nrules:\n"
			  "  - id: c\n    kind: deadline\n    task: t\n";

	pc_limits_default(&lim);
	lim.max_rules = 1;
	assert_int_equal(pc_ruleset_load_string(set, "rules.yaml", two,
						strlen(two), &lim, &errs),
			 PC_ELIMIT);
	assert_int_equal(pc_errors_count(errs), 1);
	expect_error(errs, "more rules than the limit of 1 in one rule set", 7, 5);
	pc_errors_free(errs);
	lim.max_rules = 2;
	assert_int_equal(pc_ruleset_load_string(set, "rules.yaml", two,
						strlen(two), &lim, &errs), 0);
	/* The cap counts the rules already in the set. */
	assert_int_equal(pc_ruleset_load_string(set, "more.yaml", one,
						strlen(one), &lim, &errs),
			 PC_ELIMIT);
	expect_error(errs, "more rules than the limit of 2 in one rule set", 4, 5);
	pc_errors_free(errs);
	assert_int_equal(pc_ruleset_count(set), 2);
}

static void test_yaml_failures(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	const char *two_docs = HEAD "  - id: a\n    kind: deadline\n    task: t\n"
			       "---\nplancheck: rules/1\n";

	assert_int_equal(pc_ruleset_load(set, DATA "syntax-error.yaml", NULL,
					 &errs), PC_ESYNTAX);
	assert_true(pc_errors_count(errs) >= 1);
	assert_non_null(strstr(pc_errors_get(errs, pc_errors_count(errs) - 1)
			       ->message, "YAML syntax error"));
	pc_errors_free(errs);
	assert_int_equal(pc_ruleset_load(set, DATA "no-such-file.yaml", NULL,
					 &errs), PC_EIO);
	assert_int_equal(pc_errors_count(errs), 1);
	assert_non_null(strstr(pc_errors_get(errs, 0)->message,
			       "cannot open file"));
	pc_errors_free(errs);
	assert_int_equal(load(set, "a: [b\n", &errs), PC_ESYNTAX);
	pc_errors_free(errs);
	assert_int_equal(load(set, two_docs, &errs), PC_EINVALID);
	expect_error(errs, "a second YAML document", 7, 1);
	pc_errors_free(errs);
	assert_int_equal(pc_ruleset_count(set), 0);
	/* A NULL errors pointer is fine too. */
	assert_int_equal(load(set, "a: [b\n", NULL), PC_ESYNTAX);
}

static void test_aliases_and_merge_keys(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;
	const char *text = HEAD
		"  - &base\n    id: a\n    kind: quota\n"
		"    measure: {staff: actual}\n    max: 3\n"
		"  - <<: *base\n    id: b\n    max: 4\n";
	int rc = load(set, text, &errs);

	if (rc)
		dump(errs);
	assert_int_equal(rc, 0);
	assert_int_equal(pc_ruleset_count(set), 2);
	assert_int_equal(set->rules[1]->u.quota.max, 4);
	assert_int_equal(set->rules[1]->u.quota.staff, STAFF_ACTUAL);
}

static void test_free_null_and_usage(void **state)
{
	pc_ruleset *set = *state;
	pc_errors *errs = NULL;

	pc_ruleset_free(NULL);
	assert_int_equal(pc_ruleset_new(NULL), PC_EUSAGE);
	assert_int_equal(pc_ruleset_count(NULL), 0);
	assert_int_equal(pc_ruleset_find(NULL, "x"), -1);
	assert_int_equal(pc_ruleset_find(set, "x"), -1);
	assert_int_equal(pc_ruleset_load_string(NULL, "x", "", 0, NULL, &errs),
			 PC_EUSAGE);
	pc_errors_free(errs);
}

/* Fail each allocation in turn: every load either succeeds or fails
 * cleanly with the set unchanged (the sanitizers and valgrind check for
 * leaks and bad accesses). */
static void test_out_of_memory(void **state)
{
	size_t len;
	char *text = slurp(DATA "all-kinds.yaml", &len);
	unsigned long n, pending;
	int rc = PC_ENOMEM;

	(void)state;
	if (pc_fault_inject(0) < 0) {
		free(text);
		skip();
		return;    /* not reached: skip() does not return */
	}
	for (n = 1; rc == PC_ENOMEM && n < 100000; n++) {
		pc_ruleset *set = NULL;
		pc_errors *errs = NULL;

		pc_fault_inject(n);
		if (pc_ruleset_new(&set) != 0) {
			pc_fault_inject(0);
			continue;
		}
		rc = pc_ruleset_load_string(set, "mem.yaml", text, len, NULL,
					    &errs);
		pending = pc_fault_pending();
		pc_fault_inject(0);
		if (rc == PC_ENOMEM) {
			assert_int_equal(pc_ruleset_count(set), 0);
			assert_int_equal(pc_ruleset_find(set, "task-name"), -1);
			/* Said so, when there was memory to say it. */
			if (errs)
				assert_string_equal(pc_errors_get(errs, 0)
						    ->message, "out of memory");
		} else {
			assert_int_equal(rc, 0);
			/* Success only when the failure never came: a
			 * failed allocation is never swallowed. */
			assert_true(pending > 0);
			check_all_kinds(set, "mem.yaml");
		}
		pc_errors_free(errs);
		pc_ruleset_free(set);
	}
	assert_int_equal(rc, 0);
	free(text);
}

/* The same on the error path: a run that ends with the pack's problems
 * has them all, or ends with out of memory. */
static void test_out_of_memory_on_errors(void **state)
{
	size_t len;
	char *text = slurp(DATA "several-problems.yaml", &len);
	unsigned long n, pending;
	int rc = PC_ENOMEM;

	(void)state;
	if (pc_fault_inject(0) < 0) {
		free(text);
		skip();
		return;    /* not reached: skip() does not return */
	}
	for (n = 1; rc == PC_ENOMEM && n < 100000; n++) {
		pc_ruleset *set = NULL;
		pc_errors *errs = NULL;

		assert_int_equal(pc_ruleset_new(&set), 0);
		pc_fault_inject(n);
		rc = pc_ruleset_load_string(set, "mem.yaml", text, len, NULL,
					    &errs);
		pending = pc_fault_pending();
		pc_fault_inject(0);
		if (rc != PC_ENOMEM) {
			assert_int_equal(rc, PC_EINVALID);
			assert_true(pending > 0);
			assert_int_equal(pc_errors_count(errs), 9);
			expect_error(errs, "unknown placeholder {unit.nam}",
				     17, 29);
		}
		assert_int_equal(pc_ruleset_count(set), 0);
		pc_errors_free(errs);
		pc_ruleset_free(set);
	}
	assert_int_equal(rc, PC_EINVALID);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_kinds_from_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_kinds_from_string, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_example, setup, teardown),
		cmocka_unit_test(test_broken_packs),
		cmocka_unit_test(test_broken_packs_report_once),
		cmocka_unit_test_setup_teardown(test_several_problems, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_across_packs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_across_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_given_as_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_regex_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_regex_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yaml_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aliases_and_merge_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_null_and_usage, setup, teardown),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_out_of_memory_on_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
