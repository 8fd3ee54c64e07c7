/* test_load.c - the plan loader: a valid plan's model (tree, numbering,
 * indexes), a table of invalid snippets each with the finding it must
 * give (rule id, line, column), the fatal cases, limits, rule paths, and
 * allocation failures. Cases marked with a file run from that file under
 * tests/unit/data/load/ and from its text, with the same result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plancheck.h"
#include "alloc.h"
#include "model.h"

#define DATA TESTDATA_DIR "/load/"

/* ---- helpers --------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return text;
}

static void print_findings(const pc_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nfindings; i++) {
		const load_finding *f = &plan->findings[i];
		fprintf(stderr, "  %s:%u:%u: %s [%s] %s:%s\n", f->where.file,
			(unsigned)f->where.line, (unsigned)f->where.col,
			f->message, f->rule, pc_target_type_name(f->target_type),
			f->target_id);
	}
}

static pc_plan *load_text(const char *name, const char *text)
{
	pc_plan *plan = NULL;
	pc_errors *errors = NULL;
	int rc = pc_plan_load_string(name, text, strlen(text), NULL, &plan,
				     &errors);

	if (rc != 0)
		fail_msg("load failed (%d): %s", rc,
			 pc_errors_get(errors, 0)->message);
	assert_null(errors);
	assert_non_null(plan);
	return plan;
}

static unit *unit_by_id(const pc_plan *plan, const char *id)
{
	unit *u = plan_unit(plan, id, strlen(id));

	if (!u) {
		fail_msg("no unit %s", id);
		return NULL;
	}
	assert_string_equal(u->id, id);
	assert_ptr_equal(plan->units[u->index], u);
	return u;
}

/* The value of key in a, which must be there with this type and text. */
static const value *assert_attr(const attrs *a, const char *key,
				value_type type, const char *text)
{
	const value *v = attrs_get(a, key);

	if (!v) {
		fail_msg("no attribute %s", key);
		return NULL;
	}
	assert_int_equal(v->type, type);
	assert_string_equal(v->text, text);
	return v;
}

/* The person map is given back at the end of loading (load.c): look
 * through the list, and check that the map is indeed empty. */
/* How many ancestors u has. */
static uint32_t depth_of(const unit *u)
{
	uint32_t d = 0;

	while ((u = u->parent))
		d++;
	return d;
}

static person *person_by_id(const pc_plan *plan, const char *id)
{
	uint32_t i;

	assert_int_equal(plan->person_ids.count, 0);
	assert_int_equal(plan->person_ids.cap, 0);
	for (i = 0; i < plan->npeople; i++)
		if (strcmp(plan_person(plan, i)->id, id) == 0)
			return plan_person(plan, i);
	fail_msg("no person %s", id);
	return NULL;
}

static task *task_by_id(const pc_plan *plan, const char *id)
{
	task *t = idmap_get(&plan->task_ids, id, strlen(id));

	if (!t)
		fail_msg("no task %s", id);
	return t;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("'%s' does not contain '%s'", haystack, needle);
}

/* ---- a valid plan -------------------------------------------------------------- */

static void check_valid_model(const pc_plan *plan)
{
	static const char *const pre_order[] = {
		"T", "T-A", "T-A-1", "T-A-2", "T-B", "T-C", "T-C-1", "T-D"
	};
	unit *t, *ta, *tb, *tc, *tc1, *ta2;
	person *p1, *p2, *p3;
	task *merge, *communes;
	const value *v;
	uint32_t i;

	if (plan->nfindings)
		print_findings(plan);
	assert_int_equal(plan->nfindings, 0);
	assert_string_equal(pc_plan_id(plan), "valid-plan");
	assert_string_equal(pc_plan_name(plan), "Đề án thử – Tỉnh Thử");
	assert_string_equal(plan->authority, "UBND tỉnh Thử");
	assert_int_equal(pc_plan_as_of(plan), 18077);   /* 2019-06-30 */
	assert_int_equal(plan->end, 18992);             /* "2021-12-31" */
	assert_int_equal(plan->ntitles, 4);
	assert_int_equal(plan->npeople, 3);
	assert_int_equal(plan->nunits, 8);
	assert_int_equal(plan->ntasks, 2);
	assert_int_equal(plan->nwaivers, 1);
	assert_int_equal(plan->nroots, 1);

	/* Pre-order: the flat T-C-1, written before T-C, comes after it. */
	for (i = 0; i < plan->nunits; i++) {
		assert_string_equal(plan->units[i]->id, pre_order[i]);
		assert_int_equal(plan->units[i]->index, i);
	}
	t = unit_by_id(plan, "T");
	ta = unit_by_id(plan, "T-A");
	ta2 = unit_by_id(plan, "T-A-2");
	tb = unit_by_id(plan, "T-B");
	tc = unit_by_id(plan, "T-C");
	tc1 = unit_by_id(plan, "T-C-1");
	assert_ptr_equal(plan->roots[0], t);
	assert_null(t->parent);
	assert_int_equal(t->post, 7);
	assert_int_equal(ta->post, 3);
	assert_int_equal(tb->post, 4);
	assert_int_equal(tc->index, 5);
	assert_int_equal(tc->post, 6);
	assert_int_equal(depth_of(tc1), 2);
	assert_true(unit_is_under(tc1, t) && unit_is_under(tc1, tc) &&
		    unit_is_under(tc1, tc1) && !unit_is_under(tc1, ta) &&
		    !unit_is_under(tc, tc1));
	assert_ptr_equal(tc1->parent, tc);
	assert_ptr_equal(ta2->parent, ta);
	assert_ptr_equal(unit_into(ta2), unit_by_id(plan, "T-A-1"));
	assert_string_equal(unit_into_id(ta2), "T-A-1");
	/* Neither tags nor into: nothing extra. */
	assert_null(unit_into(t));
	assert_null(unit_into_id(t));
	assert_int_equal(unit_ntags(t), 0);
	assert_null(t->extra);
	assert_int_equal(ta2->status, ST_MERGED);
	assert_int_equal(tc->status, ST_NEW);
	assert_int_equal(tc->effective, 17897);         /* 2019-01-01 */
	/* Children in document order, in pre-order: nested ones, then
	 * flat ones. */
	{
		const unit *kids[8] = { NULL };
		size_t n = 0;

		for (i = 0; i < plan->nunits; i++)
			if (plan->units[i]->parent == t && n < 8)
				kids[n++] = plan->units[i];
		assert_int_equal(n, 4);
		assert_ptr_equal(kids[0], ta);
		assert_ptr_equal(kids[1], tb);
		assert_ptr_equal(kids[2], tc);
		assert_ptr_equal(kids[3], unit_by_id(plan, "T-D"));
	}
	assert_true(unit_is_under(tc1, t));
	assert_false(unit_is_under(tc1, ta));
	assert_ptr_equal(unit_ancestor_at(tc1, t->level), t);

	/* Merge keys: T-A takes level, kind and tags from the anchor; T-B's
	 * own tags win. Names default to ids. */
	assert_string_equal(ta->level, "district");
	assert_string_equal(ta->kind, "state");
	assert_int_equal(unit_ntags(ta), 1);
	assert_string_equal(unit_tag(ta, 0), "pilot");
	assert_null(unit_into(ta));
	assert_int_equal(unit_ntags(tb), 1);
	assert_string_equal(unit_tag(tb, 0), "urban");
	assert_string_equal(unit_by_id(plan, "T-D")->name, "T-D");
	assert_null(t->kind);
	assert_true(t->staff.given && t->staff.has_quota);
	assert_int_equal(t->staff.quota, 108);

	/* Positions and the people holding them, in document order. */
	assert_int_equal(ta->npositions, 1);
	assert_int_equal(ta->positions[0].slots, 2);
	assert_int_equal(ta->positions[0].baseline, 3);
	assert_int_equal(position_nholders(&ta->positions[0]), 2);
	assert_string_equal(position_title(plan, &ta->positions[0])->name, "Chủ tịch UBND");
	assert_string_equal(position_holder(&ta->positions[0], 0)->id, "P1");
	assert_string_equal(position_holder(&ta->positions[0], 1)->id, "P2");
	assert_int_equal(tc1->positions[0].slots, 2);
	assert_int_equal(tc1->positions[0].baseline, 2);
	assert_int_equal(tc1->positions[1].slots, 0);
	assert_int_equal(position_nholders(&tc1->positions[1]), 0);
	p1 = person_by_id(plan, "P1");
	p2 = person_by_id(plan, "P2");
	p3 = person_by_id(plan, "P3");
	assert_int_equal(person_npositions(p1), 2);
	assert_ptr_equal(position_unit(plan, person_position(p1, 0)), t);
	assert_ptr_equal(position_unit(plan, person_position(p1, 1)), ta);
	assert_int_equal(person_npositions(p2), 2);
	assert_ptr_equal(position_unit(plan, person_position(p2, 0)), ta);
	assert_ptr_equal(position_unit(plan, person_position(p2, 1)), tc1);
	assert_int_equal(person_npositions(p3), 1);
	assert_ptr_equal(person_position(p3, 0), &tc1->positions[0]);
	assert_string_equal(p3->name, "P3");

	/* attrs types. */
	assert_attr(&p1->attrs, "party_member", VAL_BOOL, "true");
	assert_attr(&p1->attrs, "born", VAL_DATE, "1968-04-01");
	v = assert_attr(&p1->attrs, "grade", VAL_INT, "3");
	assert_int_equal(v->num, 3);
	assert_attr(&p1->attrs, "note", VAL_STRING, "12");
	assert_null(attrs_get(&p1->attrs, "missing"));
	assert_string_equal(attrs_at(&p1->attrs, 0)->key, "party_member");
	/* Equal pairs are shared; the same text of another type is
	 * another pair. */
	assert_ptr_equal(attrs_at(&p1->attrs, 0),
			 attrs_at(&person_by_id(plan, "P2")->attrs, 0));
	v = attrs_get(&person_by_id(plan, "P2")->attrs, "note");
	assert_int_equal(v->type, VAL_INT);
	assert_int_equal(v->num, 12);
	assert_ptr_not_equal(v, attrs_get(&p1->attrs, "note"));

	/* Task owners (document order) with their progress. */
	merge = task_by_id(plan, "merge");
	assert_int_equal(merge->nowners, 3);
	assert_ptr_equal(merge->owners[0], ta);
	assert_ptr_equal(merge->owners[1], tb);
	assert_ptr_equal(merge->owners[2], tc);
	assert_non_null(merge->owner_progress[0]);
	assert_int_equal(merge->owner_progress[0]->done, 17956); /* 2019-03-01 */
	assert_int_equal(merge->owner_progress[1]->percent, 40);
	assert_int_equal(merge->owner_progress[1]->done, PC_NODATE);
	assert_null(merge->owner_progress[2]);
	assert_int_equal(merge->start, 17591);          /* 2018-03-01 */
	communes = task_by_id(plan, "communes");
	assert_string_equal(communes->name, "communes");
	assert_int_equal(communes->nowners, 2);
	assert_string_equal(communes->owners[0]->id, "T-A-1");
	assert_string_equal(communes->owners[1]->id, "T-A-2");
	assert_int_equal(communes->start, PC_NODATE);

	assert_string_equal(plan->waivers[0].info.reason, "QĐ 123/QĐ-UBND");
	assert_int_equal(plan->waivers[0].info.location.line, 74);
	assert_int_equal(plan->waivers[0].expires, 18261);
	assert_int_equal(pc_plan_rule_file_count(plan), 2);
	assert_string_equal(pc_plan_rule_file(plan, 1), "/abs/b.yaml");
	assert_null(pc_plan_rule_file(plan, 2));
	/* Where each is named, for messages about a rule file that fails. */
	{
		unsigned line = 0, col = 0;

		assert_int_equal(pc_plan_rule_file_at(plan, 1, &line, &col), 0);
		assert_int_equal(line, 11);
		assert_int_equal(col, 26);
		assert_int_equal(pc_plan_rule_file_at(plan, 2, &line, &col), -1);
	}
}

static void valid_plan_from_file(void **state)
{
	pc_plan *plan = NULL;
	pc_errors *errors = NULL;

	(void)state;
	assert_int_equal(pc_plan_load(DATA "valid.yaml", NULL, &plan, &errors),
			 0);
	assert_null(errors);
	check_valid_model(plan);
	assert_string_equal(pc_plan_file(plan), DATA "valid.yaml");
	assert_string_equal(pc_plan_rule_file(plan, 0),
			    DATA "../rules/a.yaml");
	assert_string_equal(plan_loc(plan, plan->units[0]->where).file,
			    DATA "valid.yaml");
	pc_plan_free(plan);
}

static void valid_plan_from_string(void **state)
{
	size_t len;
	char *text = slurp(DATA "valid.yaml", &len);
	pc_plan *plan;

	(void)state;
	plan = load_text("plans/valid.yaml", text);
	check_valid_model(plan);
	assert_string_equal(pc_plan_rule_file(plan, 0),
			    "plans/../rules/a.yaml");
	pc_plan_free(plan);
	/* A plan named without a directory keeps the path as written. */
	plan = load_text("valid.yaml", text);
	assert_string_equal(pc_plan_rule_file(plan, 0), "../rules/a.yaml");
	pc_plan_free(plan);
	free(text);
}

/* ---- invalid plans: one finding each ------------------------------------------- */

typedef struct bad_case {
	const char *name;
	const char *text;     /* after HEAD, unless raw */
	bool raw;             /* text is the whole plan */
	const char *file;     /* also run from this file under data/load */
	const char *rule;
	unsigned line, col;
	const char *message;  /* a part of the message */
	pc_target_type target;
	const char *target_id;
	size_t count;         /* findings in all (0 means 1) */
} bad_case;

#define HEAD "plancheck: plan/1\nplan: { id: p, name: P }\n"

static const bad_case bad_cases[] = {
	/* plan/unknown-key */
	{ "top-level key", NULL, false, "unknown-key.yaml", "plan/unknown-key",
	  3, 1, "unknown key 'unitz' in a plan file; did you mean 'units'?",
	  PC_TARGET_PLAN, "", 0 },
	{ "unit key",
	  "units:\n  - { id: A, level: x, levle: y }\n", false, NULL,
	  "plan/unknown-key", 4, 24, "did you mean 'level'?",
	  PC_TARGET_UNIT, "A", 0 },
	{ "key far from any", "units: []\nfoo: 1\n", false, NULL,
	  "plan/unknown-key", 4, 1, "x-", PC_TARGET_PLAN, "", 0 },
	{ "staff key",
	  "units:\n  - { id: A, level: x, staff: { quot: 1 } }\n", false,
	  NULL, "plan/unknown-key", 4, 33, "did you mean 'quota'?",
	  PC_TARGET_UNIT, "A", 0 },
	{ "selector key",
	  "units: []\ntasks:\n  - { id: t, due: 2019-01-01, applies_to: { levl: x } }\n",
	  false, NULL, "plan/unknown-key", 5, 45, "did you mean 'level'?",
	  PC_TARGET_TASK, "t", 0 },
	/* plan/missing-key */
	{ "plancheck", "plan: { id: p, name: P }\nunits: []\n", true, NULL,
	  "plan/missing-key", 1, 1, "'plancheck'", PC_TARGET_PLAN, "", 0 },
	{ "units", "", false, NULL, "plan/missing-key", 1, 1, "'units'",
	  PC_TARGET_PLAN, "", 0 },
	{ "plan name", "plancheck: plan/1\nplan: { id: p }\nunits: []\n",
	  true, NULL, "plan/missing-key", 2, 7, "'name'", PC_TARGET_PLAN, "",
	  0 },
	{ "unit level", "units:\n  - id: A\n    name: Á\n", false, NULL,
	  "plan/missing-key", 4, 5, "'level'", PC_TARGET_UNIT, "A", 0 },
	{ "unit id", "units:\n  - { level: x }\n", false, NULL,
	  "plan/missing-key", 4, 5, "'id'", PC_TARGET_UNIT, "", 0 },
	{ "task due", "units: []\ntasks:\n  - { id: t }\n", false, NULL,
	  "plan/missing-key", 5, 5, "'due'", PC_TARGET_TASK, "t", 0 },
	{ "merged without into",
	  "units:\n  - { id: A, level: x, status: merged }\n", false, NULL,
	  "plan/missing-key", 4, 5, "'into'", PC_TARGET_UNIT, "A", 0 },
	{ "position title",
	  "units:\n  - id: A\n    level: x\n    positions: [{ holders: [] }]\n",
	  false, NULL, "plan/missing-key", 6, 17, "'title'", PC_TARGET_UNIT,
	  "A", 0 },
	{ "waiver approved_by",
	  "units: [{ id: A, level: x }]\nwaivers:\n  - { rule: r, target: A, reason: why }\n",
	  false, NULL, "plan/missing-key", 5, 5, "'approved_by'",
	  PC_TARGET_WAIVER, "r", 0 },
	{ "progress entry",
	  "units:\n  - { id: A, level: x, progress: { t: {} } }\n"
	  "tasks: [{ id: t, due: 2019-01-01 }]\n", false, NULL,
	  "plan/missing-key", 4, 39, "done or percent", PC_TARGET_UNIT, "A",
	  0 },
	/* plan/bad-type */
	{ "units is a mapping", "units: { a: 1 }\n", false, NULL,
	  "plan/bad-type", 3, 8, "expected a list of units, found a mapping",
	  PC_TARGET_PLAN, "", 0 },
	{ "unit is a scalar", "units: [A]\n", false, NULL, "plan/bad-type", 3,
	  9, "expected a unit (a mapping), found a scalar", PC_TARGET_PLAN,
	  "", 0 },
	{ "attr is null", "units:\n  - { id: A, level: x, attrs: { k: ~ } }\n",
	  false, NULL, "plan/bad-type", 4, 36, "found null", PC_TARGET_UNIT,
	  "A", 0 },
	{ "attr is a list", "people:\n  - { id: P, attrs: { k: [1] } }\nunits: []\n",
	  false, NULL, "plan/bad-type", 4, 26, "found a list",
	  PC_TARGET_PERSON, "P", 0 },
	{ "tags is a scalar", "units:\n  - { id: A, level: x, tags: pilot }\n",
	  false, NULL, "plan/bad-type", 4, 30, "expected a list of tags",
	  PC_TARGET_UNIT, "A", 0 },
	{ "name is a list", "units:\n  - { id: A, level: x, name: [a] }\n",
	  false, NULL, "plan/bad-type", 4, 30, "expected a name",
	  PC_TARGET_UNIT, "A", 0 },
	{ "plan is null", "plancheck: plan/1\nplan:\nunits: []\n", true, NULL,
	  "plan/bad-type", 2, 6, "found null", PC_TARGET_PLAN, "", 0 },
	{ "applies_to is a list",
	  "units: []\ntasks: [{ id: t, due: 2019-01-01, applies_to: [a] }]\n",
	  false, NULL, "plan/bad-type", 4, 47, "a selector", PC_TARGET_TASK,
	  "t", 0 },
	{ "non-scalar key", "units: []\n[a]: 1\n", false, NULL, "plan/bad-type",
	  4, 1, "mapping key", PC_TARGET_PLAN, "", 0 },
	/* plan/bad-value */
	{ "identifier", "units:\n  - { id: 'a b', level: x }\n", false, NULL,
	  "plan/bad-value", 4, 11, "not a valid identifier", PC_TARGET_UNIT,
	  "a b", 0 },
	{ "identifier too long",
	  "units:\n  - { id: a123456789012345678901234567890123456789012345678901"
	  "23456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789, level: x }\n", false, NULL, "plan/bad-value", 4, 11,
	  "at most 128 bytes", PC_TARGET_UNIT, NULL, 0 },
	{ "date", "plancheck: plan/1\nplan: { id: p, name: P, as_of: 2019-02-30 }\nunits: []\n",
	  true, NULL, "plan/bad-value", 2, 32, "expected a date YYYY-MM-DD",
	  PC_TARGET_PLAN, "", 0 },
	{ "count", "units:\n  - { id: A, level: x, staff: { baseline: -1 } }\n",
	  false, NULL, "plan/bad-value", 4, 43, "expected a count",
	  PC_TARGET_UNIT, "A", 0 },
	{ "count too big",
	  "units:\n  - { id: A, level: x, staff: { actual: 4294967296 } }\n",
	  false, NULL, "plan/bad-value", 4, 41, "4294967295", PC_TARGET_UNIT,
	  "A", 0 },
	{ "quoted count", "units:\n  - { id: A, level: x, staff: { quota: \"9\" } }\n",
	  false, NULL, "plan/bad-value", 4, 40, "the string '9'",
	  PC_TARGET_UNIT, "A", 0 },
	{ "percent",
	  "units:\n  - { id: A, level: x, progress: { t: { percent: 101 } } }\n"
	  "tasks: [{ id: t, due: 2019-01-01 }]\n", false, NULL,
	  "plan/bad-value", 4, 50, "from 0 to 100", PC_TARGET_UNIT, "A", 0 },
	{ "done and percent",
	  "units:\n  - { id: A, level: x, progress: { t: { done: 2019-01-01, percent: 5 } } }\n"
	  "tasks: [{ id: t, due: 2019-01-01 }]\n", false, NULL,
	  "plan/bad-value", 4, 39, "not both", PC_TARGET_UNIT, "A", 0 },
	{ "status", "units:\n  - { id: A, level: x, status: activ }\n", false,
	  NULL, "plan/bad-value", 4, 32,
	  "expected active, new, merged or dissolved; did you mean 'active'?",
	  PC_TARGET_UNIT, "A", 0 },
	{ "leadership", "titles:\n  - { id: t, leadership: boss }\nunits: []\n",
	  false, NULL, "plan/bad-value", 4, 26, "expected none, head or deputy",
	  PC_TARGET_TITLE, "t", 0 },
	{ "slots below holders",
	  "people: [{ id: P1 }, { id: P2 }]\ntitles: [{ id: t }]\n"
	  "units:\n  - { id: A, level: x, positions: [{ title: t, holders: [P1, P2], slots: 1 }] }\n",
	  false, NULL, "plan/bad-value", 6, 74, "slots is 1 but 2 holders",
	  PC_TARGET_UNIT, "A", 0 },
	{ "nested and parent",
	  "units:\n  - id: A\n    level: x\n    units:\n      - { id: B, level: y, parent: A }\n",
	  false, NULL, "plan/bad-value", 7, 36, "use one or the other",
	  PC_TARGET_UNIT, "B", 0 },
	{ "into on an active unit",
	  "units:\n  - { id: A, level: x }\n  - { id: B, level: x, into: A }\n",
	  false, NULL, "plan/bad-value", 5, 30, "only for a unit whose status",
	  PC_TARGET_UNIT, "B", 0 },
	{ "merged into itself",
	  "units:\n  - { id: A, level: x, status: merged, into: A }\n", false,
	  NULL, "plan/bad-value", 4, 5, "into itself", PC_TARGET_UNIT, "A",
	  0 },
	{ "invalid regex",
	  "units: []\ntasks:\n  - id: t\n    due: 2019-01-01\n"
	  "    applies_to: { name: { matches: '(abc' } }\n", false, NULL,
	  "plan/bad-value", 7, 36, "missing closing parenthesis",
	  PC_TARGET_TASK, "t", 0 },
	{ "end before start",
	  "plancheck: plan/1\nplan: { id: p, name: P, start: 2020-01-01, end: 2019-01-01 }\nunits: []\n",
	  true, NULL, "plan/bad-value", 2, 7, "ends before it starts",
	  PC_TARGET_PLAN, "", 0 },
	/* plan/duplicate-key */
	{ "duplicate key", "units:\n  - { id: A, level: x, id: B }\n", false,
	  NULL, "plan/duplicate-key", 4, 24, "duplicate key 'id'",
	  PC_TARGET_UNIT, "A", 0 },
	/* plan/duplicate-id */
	{ "unit twice", NULL, false, "duplicate-id.yaml", "plan/duplicate-id",
	  6, 9, "duplicate unit id 'A': first defined at line 4",
	  PC_TARGET_UNIT, "A", 0 },
	{ "person twice", "people: [{ id: P }, { id: P }]\nunits: []\n", false,
	  NULL, "plan/duplicate-id", 3, 27, "first defined at line 3",
	  PC_TARGET_PERSON, "P", 0 },
	{ "title twice", "titles: [{ id: T }, { id: T }]\nunits: []\n", false,
	  NULL, "plan/duplicate-id", 3, 27, "duplicate title id",
	  PC_TARGET_TITLE, "T", 0 },
	{ "task twice",
	  "units: []\ntasks: [{ id: t, due: 2019-01-01 }, { id: t, due: 2019-01-01 }]\n",
	  false, NULL, "plan/duplicate-id", 4, 43, "duplicate task id",
	  PC_TARGET_TASK, "t", 0 },
	{ "holder twice",
	  "people: [{ id: P1 }]\ntitles: [{ id: t }]\n"
	  "units:\n  - { id: A, level: x, positions: [{ title: t, holders: [P1, P1] }] }\n",
	  false, NULL, "plan/duplicate-id", 6, 62, "listed twice",
	  PC_TARGET_UNIT, "A", 0 },
	/* plan/unknown-ref */
	{ "parent", "units:\n  - { id: A, level: x, parent: Z }\n", false, NULL,
	  "plan/unknown-ref", 4, 5, "parent 'Z'", PC_TARGET_UNIT, "A", 0 },
	{ "into",
	  "units:\n  - { id: A, level: x, status: merged, into: Z }\n", false,
	  NULL, "plan/unknown-ref", 4, 5, "into 'Z'", PC_TARGET_UNIT, "A", 0 },
	{ "title",
	  "units:\n  - { id: A, level: x, positions: [{ title: nope }] }\n",
	  false, NULL, "plan/unknown-ref", 4, 36, "title 'nope'",
	  PC_TARGET_UNIT, "A", 0 },
	{ "holder",
	  "titles: [{ id: t }]\n"
	  "units:\n  - { id: A, level: x, positions: [{ title: t, holders: [P9] }] }\n",
	  false, NULL, "plan/unknown-ref", 5, 58, "holder 'P9'",
	  PC_TARGET_UNIT, "A", 0 },
	{ "progress task",
	  "units:\n  - { id: A, level: x, progress: { nope: { percent: 5 } } }\n",
	  false, NULL, "plan/unknown-ref", 4, 36, "'nope', which is not a task",
	  PC_TARGET_UNIT, "A", 0 },
	{ "task applies_to under an unknown unit",
	  "units: []\ntasks: [{ id: t, due: 2019-01-01, applies_to: { under: Z } }]\n",
	  false, NULL, "plan/unknown-ref", 4, 47, "`under` names unit 'Z'",
	  PC_TARGET_TASK, "t", 0 },
	{ "waiver target",
	  "units: []\nwaivers:\n  - { rule: r, target: Z, reason: x, approved_by: y }\n",
	  false, NULL, "plan/unknown-ref", 5, 5, "waiver target 'Z'",
	  PC_TARGET_WAIVER, "r", 0 },
	/* plan/cycle: once per cycle, cut so the model stays a forest */
	{ "cycle", NULL, false, "cycle.yaml", "plan/cycle", 4, 5,
	  "parent chain loops: A -> C -> B -> A", PC_TARGET_UNIT, "A", 0 },
	{ "self parent", "units:\n  - { id: A, level: x, parent: A }\n", false,
	  NULL, "plan/cycle", 4, 5, "A -> A", PC_TARGET_UNIT, "A", 0 },
	/* plan/progress-not-applicable */
	{ "progress not applicable",
	  "units:\n  - { id: A, level: province, progress: { t: { percent: 5 } } }\n"
	  "tasks: [{ id: t, due: 2019-01-01, applies_to: { level: district } }]\n",
	  false, NULL, "plan/progress-not-applicable", 4, 43,
	  "does not apply to this unit", PC_TARGET_UNIT, "A", 0 },
	{ "progress on a merged unit",
	  "units:\n  - { id: A, level: x }\n"
	  "  - { id: B, level: x, status: merged, into: A, progress: { t: { done: 2019-01-01 } } }\n"
	  "tasks: [{ id: t, due: 2019-01-01 }]\n", false, NULL,
	  "plan/progress-not-applicable", 5, 61, "task 't'", PC_TARGET_UNIT,
	  "B", 0 },
	/* x- keys anywhere, and nothing else wrong */
	{ "x- keys", "x-top: 1\nunits:\n  - { id: A, level: x, x-u: [1], staff: { x-s: 1 } }\n"
	  "titles: [{ id: t, x-t: { a: b } }]\n", false, NULL, NULL, 0, 0, NULL,
	  PC_TARGET_PLAN, NULL, 0 },
};

static void check_case(const bad_case *c, const pc_plan *plan)
{
	size_t want = c->rule ? (c->count ? c->count : 1) : 0, i;
	const load_finding *f = NULL;

	if (plan->nfindings != want) {
		fprintf(stderr, "case '%s':\n", c->name);
		print_findings(plan);
		fail_msg("case '%s': %zu findings, expected %zu", c->name,
			 plan->nfindings, want);
	}
	if (!c->rule)
		return;
	for (i = 0; i < plan->nfindings; i++) {
		if (strcmp(plan->findings[i].rule, c->rule) == 0 &&
		    plan->findings[i].where.line == c->line &&
		    plan->findings[i].where.col == c->col)
			f = &plan->findings[i];
	}
	if (!f) {
		fprintf(stderr, "case '%s':\n", c->name);
		print_findings(plan);
		fail_msg("case '%s': no %s at %u:%u", c->name, c->rule, c->line,
			 c->col);
		return;    /* not reached: fail_msg() does not return */
	}
	assert_int_equal(f->severity, PC_SEV_ERROR);
	assert_string_equal(f->where.file, plan->file);
	assert_contains(f->message, c->message);
	assert_int_equal(f->target_type, c->target);
	if (c->target_id)
		assert_string_equal(f->target_id, c->target_id);
}

static void invalid_snippets(void **state)
{
	char text[4096];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const bad_case *c = &bad_cases[i];
		char *file_text = NULL;
		pc_plan *plan;

		if (c->file) {
			char path[512];
			size_t len;
			pc_errors *errors = NULL;

			snprintf(path, sizeof path, "%s%s", DATA, c->file);
			file_text = slurp(path, &len);
			snprintf(text, sizeof text, "%s", file_text);
			plan = NULL;
			assert_int_equal(pc_plan_load(path, NULL, &plan,
						      &errors), 0);
			check_case(c, plan);
			pc_plan_free(plan);
		} else if (c->raw) {
			snprintf(text, sizeof text, "%s", c->text);
		} else {
			snprintf(text, sizeof text, HEAD "%s", c->text);
		}
		plan = load_text("bad.yaml", text);
		check_case(c, plan);
		pc_plan_free(plan);
		free(file_text);
	}
}

/* Several problems in one file: every one is reported, in one run. */
static const char many_problems[] =
	"plancheck: plan/1\n"
	"plan: { id: 'bad id', name: P, as_of: 2019-13-01 }\n"
	"titles: [{ id: t }, { id: t }]\n"
	"people: [{ id: P1, nmae: x }]\n"
	"units:\n"
	"  - { id: A, level: x, parent: Z }\n"
	"  - { id: B, level: x, parent: C }\n"
	"  - { id: C, level: x, parent: B, status: gone }\n"
	"  - { id: D, level: x, positions: [{ title: q, holders: [P1, P7] }] }\n"
	"tasks:\n"
	"  - { id: t1 }\n"
	"  - { id: t2, due: 2019-01-01, applies_to: { name: { matches: '^[AB]' } } }\n";

static void check_many_problems(const pc_plan *plan)
{
	size_t i, counts[PROB_BAD_REGEX + 1] = { 0 };

	for (i = 0; i < plan->nfindings; i++) {
		const char *rule = plan->findings[i].rule;
		if (!strcmp(rule, "plan/bad-value"))
			counts[PROB_BAD_VALUE]++;
		else if (!strcmp(rule, "plan/duplicate-id"))
			counts[PROB_DUPLICATE_ID]++;
		else if (!strcmp(rule, "plan/unknown-key"))
			counts[PROB_UNKNOWN_KEY]++;
		else if (!strcmp(rule, "plan/unknown-ref"))
			counts[PROB_UNKNOWN_REF]++;
		else if (!strcmp(rule, "plan/cycle"))
			counts[PROB_CYCLE]++;
		else if (!strcmp(rule, "plan/missing-key"))
			counts[PROB_MISSING_KEY]++;
	}
	if (plan->nfindings != 10)
		print_findings(plan);
	assert_int_equal(plan->nfindings, 10);
	assert_int_equal(counts[PROB_BAD_VALUE], 3);    /* id, date, status */
	assert_int_equal(counts[PROB_DUPLICATE_ID], 1);
	assert_int_equal(counts[PROB_UNKNOWN_KEY], 1);
	assert_int_equal(counts[PROB_UNKNOWN_REF], 3);  /* Z, q, P7 */
	assert_int_equal(counts[PROB_CYCLE], 1);
	assert_int_equal(counts[PROB_MISSING_KEY], 1);  /* due */
	/* The cycle was cut at B: the roots are A (its parent is unknown),
	 * B and D; C hangs from B. */
	assert_int_equal(plan->nroots, 3);
	assert_int_equal(task_by_id(plan, "t2")->nowners, 2);
}

static void every_problem_reported(void **state)
{
	pc_plan *plan;

	(void)state;
	plan = load_text("many.yaml", many_problems);
	check_many_problems(plan);
	pc_plan_free(plan);
}

/* Every allocation of a load fails in turn: each run fails cleanly with
 * PC_ENOMEM or succeeds with the very same model and findings. */
static void fault_sweep(const char *name, const char *text, size_t len,
			void (*check)(const pc_plan *plan))
{
	unsigned long n;

	for (n = 1;; n++) {
		pc_plan *plan = NULL;
		pc_errors *errors = NULL;
		bool hit;
		int rc;

		pc_fault_inject(n);
		rc = pc_plan_load_string(name, text, len, NULL, &plan, &errors);
		hit = pc_fault_pending() == 0;
		pc_fault_inject(0);
		if (rc == 0) {
			check(plan);
		} else {
			assert_int_equal(rc, PC_ENOMEM);
			assert_null(plan);
		}
		pc_plan_free(plan);
		pc_errors_free(errors);
		if (!hit)
			break;
	}
	if (n <= 30)
		fail_msg("the load made only %lu allocations", n);
}

static void allocation_failures(void **state)
{
	size_t len;
	char *text = slurp(DATA "valid.yaml", &len);

	(void)state;
	if (pc_fault_inject(0) < 0) {
		free(text);
		skip();
		return;    /* not reached: skip() does not return */
	}
	fault_sweep("plans/valid.yaml", text, len, check_valid_model);
	fault_sweep("many.yaml", many_problems, strlen(many_problems),
		    check_many_problems);
	free(text);
}

/* A duplicate unit is left out; units nested under it hang from the unit
 * that holds the id. */
static void duplicate_unit_children(void **state)
{
	pc_plan *plan;
	unit *a;

	(void)state;
	plan = load_text("dup.yaml", HEAD
		"units:\n"
		"  - { id: A, level: x }\n"
		"  - id: A\n"
		"    level: y\n"
		"    units: [{ id: B, level: z }]\n"
		"  - level: x\n"
		"    units: [{ id: C, level: z }]\n");
	assert_int_equal(plan->nfindings, 2);
	assert_int_equal(plan->nunits, 3);
	a = unit_by_id(plan, "A");
	assert_string_equal(a->level, "x");
	assert_ptr_equal(unit_by_id(plan, "B")->parent, a);
	assert_null(unit_by_id(plan, "C")->parent);
	assert_int_equal(plan->nroots, 2);
	pc_plan_free(plan);
}

/* A boolean, integer or date pair is known by its number: however the
 * first one of a kind is written, every one is the same pair with the
 * canonical text; strings stay apart from numbers with the same text. */
static void typed_pairs_share_canonical_text(void **state)
{
	pc_plan *plan;
	const person *a, *b, *c;
	const value *v;

	(void)state;
	plan = load_text("pairs.yaml", HEAD
		"people:\n"
		"  - { id: A, attrs: { n: +12, d: 2019-06-30, t: true } }\n"
		"  - { id: B, attrs: { n: 12, d: 2019-06-30, t: true } }\n"
		"  - { id: C, attrs: { n: '12', d: '2019-06-30', t: false } }\n"
		"units: []\n");
	assert_int_equal(plan->nfindings, 0);
	a = person_by_id(plan, "A");
	b = person_by_id(plan, "B");
	c = person_by_id(plan, "C");
	assert_ptr_equal(attrs_at(&a->attrs, 0), attrs_at(&b->attrs, 0));
	assert_ptr_equal(attrs_at(&a->attrs, 1), attrs_at(&b->attrs, 1));
	assert_ptr_equal(attrs_at(&a->attrs, 2), attrs_at(&b->attrs, 2));
	assert_attr(&b->attrs, "n", VAL_INT, "12");
	assert_attr(&b->attrs, "d", VAL_DATE, "2019-06-30");
	assert_attr(&c->attrs, "n", VAL_STRING, "12");
	assert_ptr_not_equal(attrs_at(&c->attrs, 0), attrs_at(&a->attrs, 0));
	v = assert_attr(&c->attrs, "t", VAL_BOOL, "false");
	assert_int_equal(v->num, 0);
	assert_ptr_not_equal(attrs_at(&c->attrs, 2), attrs_at(&a->attrs, 2));
	pc_plan_free(plan);
}

/* Staff counts up to the largest a count may be (2^32 - 1, loading
 * refuses more) are kept exactly, and a value left out stays unset. */
static void staff_counts_to_the_limit(void **state)
{
	pc_plan *plan;
	const unit *u;

	(void)state;
	plan = load_text("staff.yaml", HEAD
		"units:\n"
		"  - { id: A, level: x, staff: { baseline: 4294967295, "
		"quota: 0, actual: 17 } }\n"
		"  - { id: B, level: x, staff: { quota: 4294967294 } }\n");
	assert_int_equal(plan->nfindings, 0);
	u = unit_by_id(plan, "A");
	assert_true(u->staff.given && u->staff.has_baseline &&
		    u->staff.has_quota && u->staff.has_actual);
	assert_true(u->staff.baseline == UINT32_MAX);
	assert_int_equal(u->staff.quota, 0);
	assert_int_equal(u->staff.actual, 17);
	u = unit_by_id(plan, "B");
	assert_true(u->staff.given && !u->staff.has_baseline &&
		    u->staff.has_quota && !u->staff.has_actual);
	assert_true(u->staff.quota == UINT32_MAX - 1);
	pc_plan_free(plan);
}

/* Equal lists of attributes are one array; the order written keeps
 * lists apart, and so does one more or one fewer attribute. */
static void equal_attr_lists_shared(void **state)
{
	pc_plan *plan;
	const person *a, *b, *c, *d;
	const unit *u;

	(void)state;
	plan = load_text("lists.yaml", HEAD
		"people:\n"
		"  - { id: A, attrs: { x: 1, y: true } }\n"
		"  - { id: B, attrs: { y: true, x: 1 } }\n"
		"  - { id: C, attrs: { x: +1, y: true } }\n"
		"  - { id: D, attrs: { x: 1 } }\n"
		"units:\n"
		"  - { id: U, level: x, attrs: { x: 1, y: true } }\n");
	assert_int_equal(plan->nfindings, 0);
	a = person_by_id(plan, "A");
	b = person_by_id(plan, "B");
	c = person_by_id(plan, "C");
	d = person_by_id(plan, "D");
	u = plan_unit(plan, "U", 1);
	assert_non_null(u);
	assert_int_equal(attrs_count(&a->attrs), 2);
	assert_ptr_equal(a->attrs.list, c->attrs.list);
	assert_ptr_equal(a->attrs.list, u->attrs.list);
	assert_int_equal(attrs_count(&b->attrs), 2);
	assert_ptr_not_equal(a->attrs.list, b->attrs.list);
	assert_string_equal(attrs_at(&b->attrs, 0)->key, "y");
	assert_int_equal(attrs_count(&d->attrs), 1);
	assert_ptr_not_equal(a->attrs.list, d->attrs.list);
	assert_ptr_equal(attrs_at(&d->attrs, 0), attrs_at(&a->attrs, 0));
	pc_plan_free(plan);
}

/* A position's title is found by place: the plan's title, or NULL (and a
 * finding) when the id names none; the id stays as written. */
static void position_titles(void **state)
{
	pc_plan *plan;
	const unit *u;

	(void)state;
	plan = load_text("titles.yaml", HEAD
		"titles:\n"
		"  - { id: a, name: A }\n"
		"  - { id: b, name: B }\n"
		"units:\n"
		"  - id: U\n"
		"    level: x\n"
		"    positions: [{ title: b }, { title: zz }, { title: a },\n"
		"                { title: b }, { title: zz }, { slots: 1 }]\n");
	assert_int_equal(plan->nfindings, 3);
	assert_string_equal(plan->findings[0].rule, "plan/missing-key");
	assert_string_equal(plan->findings[1].rule, "plan/unknown-ref");
	assert_int_equal(plan->findings[1].where.col, 31);
	assert_string_equal(plan->findings[2].rule, "plan/unknown-ref");
	assert_int_equal(plan->findings[2].where.line,
			 plan->findings[1].where.line + 1);
	u = unit_by_id(plan, "U");
	assert_int_equal(u->npositions, 6);
	/* One place for each id written, in order of first use. */
	assert_int_equal(plan->ntitle_refs, 3);
	assert_int_equal(u->positions[3].title_ref, u->positions[0].title_ref);
	assert_int_equal(u->positions[4].title_ref, u->positions[1].title_ref);
	assert_string_equal(position_title(plan, &u->positions[3])->name, "B");
	assert_int_equal(position_title_at(plan, &u->positions[4]), NO_TITLE);
	assert_int_equal(u->positions[5].title_ref, NO_TITLE_REF);
	assert_null(position_title_id(plan, &u->positions[5]));
	assert_null(position_title(plan, &u->positions[5]));
	assert_string_equal(position_title(plan, &u->positions[0])->name, "B");
	assert_null(position_title(plan, &u->positions[1]));
	assert_int_equal(position_title_at(plan, &u->positions[1]), NO_TITLE);
	assert_string_equal(position_title_id(plan, &u->positions[1]), "zz");
	assert_string_equal(position_title(plan, &u->positions[2])->name, "A");
	pc_plan_free(plan);
}

/* Holders, whether the people come before the units (resolved while
 * reading) or after (resolved at the end, with duplicates and unknown
 * ids left out): one holder is kept in place, more in an array, and the
 * people's lists of positions point back at the positions. */
static void holders_one_or_many(void **state)
{
#define HOLDERS_PEOPLE "people: [{ id: P1 }, { id: P2 }]\n"
#define HOLDERS_UNITS \
	"units:\n" \
	"  - id: U\n" \
	"    level: x\n" \
	"    positions: [{ title: t, holders: [P1] },\n" \
	"                { title: t, holders: [P1, P2] },\n" \
	"                { title: t, holders: [P2, P2] },\n" \
	"                { title: t, holders: [P9, P1] }]\n"
	static const char *const texts[] = {
		HEAD "titles: [{ id: t, name: T }]\n" HOLDERS_PEOPLE
		HOLDERS_UNITS,
		HEAD "titles: [{ id: t, name: T }]\n" HOLDERS_UNITS
		HOLDERS_PEOPLE,
	};
#undef HOLDERS_PEOPLE
#undef HOLDERS_UNITS
	size_t t;

	(void)state;
	for (t = 0; t < 2; t++) {
		pc_plan *plan = load_text("holders.yaml", texts[t]);
		const unit *u = unit_by_id(plan, "U");
		const person *p1 = person_by_id(plan, "P1");
		const person *p2 = person_by_id(plan, "P2");

		/* P2 twice, P9 unknown. */
		assert_int_equal(plan->nfindings, 2);
		assert_int_equal(position_nholders(&u->positions[0]), 1);
		assert_ptr_equal(position_holder(&u->positions[0], 0), p1);
		assert_int_equal(position_nholders(&u->positions[1]), 2);
		assert_ptr_equal(position_holder(&u->positions[1], 0), p1);
		assert_ptr_equal(position_holder(&u->positions[1], 1), p2);
		assert_int_equal(position_nholders(&u->positions[2]), 1);
		assert_ptr_equal(position_holder(&u->positions[2], 0), p2);
		assert_int_equal(position_nholders(&u->positions[3]), 1);
		assert_ptr_equal(position_holder(&u->positions[3], 0), p1);
		assert_int_equal(person_npositions(p1), 3);
		assert_ptr_equal(person_position(p1, 0), &u->positions[0]);
		assert_ptr_equal(person_position(p1, 1), &u->positions[1]);
		assert_ptr_equal(person_position(p1, 2), &u->positions[3]);
		assert_int_equal(person_npositions(p2), 2);
		assert_ptr_equal(person_position(p2, 1), &u->positions[2]);
		pc_plan_free(plan);
	}
}

/* The flat form with units left out: a duplicate or a unit with no id
 * that names a parent (known or not) is passed over, and the parents of
 * the units kept are found whatever the order. */
static void flat_parents_left_out(void **state)
{
	pc_plan *plan;
	const unit *a, *b, *c;
	size_t i;

	(void)state;
	plan = load_text("flat.yaml", HEAD
			 "units:\n"
			 "  - { id: C, level: z, parent: B }\n"
			 "  - { id: A, level: x }\n"
			 "  - { id: A, level: y, parent: Z }\n"
			 "  - { level: y, parent: Q }\n"
			 "  - { id: B, level: y, parent: A }\n");
	a = unit_by_id(plan, "A");
	b = unit_by_id(plan, "B");
	c = unit_by_id(plan, "C");
	assert_int_equal(plan->nunits, 3);
	assert_null(a->parent);
	assert_ptr_equal(b->parent, a);
	assert_ptr_equal(c->parent, b);
	assert_string_equal(a->level, "x");
	assert_int_equal(plan->nfindings, 2);
	for (i = 0; i < plan->nfindings; i++)
		assert_string_not_equal(plan->findings[i].rule,
					"plan/unknown-ref");
	pc_plan_free(plan);

	/* K is read first, inside a unit with no id that is left out: it
	 * takes that unit's place, and that unit's parent is not K's. */
	plan = load_text("flat2.yaml", HEAD
			 "units:\n"
			 "  - level: y\n"
			 "    parent: Q\n"
			 "    units:\n"
			 "      - { id: K, level: z }\n");
	assert_int_equal(plan->nunits, 1);
	assert_null(unit_by_id(plan, "K")->parent);
	assert_int_equal(plan->nfindings, 1);
	assert_string_equal(plan->findings[0].rule, "plan/missing-key");
	pc_plan_free(plan);
}

/* Long lists of holders, on either side of the length where the loader
 * stops comparing holders pair by pair: 16 and 17 different people, and
 * 16 and 17 with the last one written twice (left out, with a finding).
 * With the people first, holders are resolved as they are read; with
 * the people last, once the whole file is read. */
static void holders_long_lists(void **state)
{
	static const size_t lens[] = { 16, 17 };
	char people[1024], units[2048], text[4096];
	size_t plen, ulen, i, k, t;
	int last;

	(void)state;
	for (t = 0; t < 4; t++) {
		pc_plan *plan;
		const unit *u;
		size_t n = lens[t % 2];

		last = t >= 2;
		plen = (size_t)snprintf(people, sizeof people, "people:\n");
		for (i = 0; i < n; i++)
			plen += (size_t)snprintf(people + plen,
						 sizeof people - plen,
						 "  - { id: P%zu }\n", i);
		ulen = (size_t)snprintf(units, sizeof units,
					"units:\n  - id: U\n    level: x\n"
					"    positions:\n");
		for (k = 0; k < 2; k++) {
			ulen += (size_t)snprintf(units + ulen,
						 sizeof units - ulen,
						 "      - title: t\n"
						 "        holders: [");
			for (i = 0; i < n; i++)
				ulen += (size_t)snprintf(units + ulen,
							 sizeof units - ulen,
							 "%sP%zu", i ? ", " : "",
							 k && i == n - 1 ? n - 2
									 : i);
			ulen += (size_t)snprintf(units + ulen,
						 sizeof units - ulen, "]\n");
		}
		assert_true(plen < sizeof people && ulen < sizeof units);
		assert_true((size_t)snprintf(text, sizeof text, HEAD
					     "titles: [{ id: t, name: T }]\n"
					     "%s%s", last ? units : people,
					     last ? people : units) <
			    sizeof text);
		plan = load_text("long.yaml", text);
		u = unit_by_id(plan, "U");
		assert_int_equal(u->npositions, 2);
		assert_int_equal(plan->nfindings, 1);
		assert_string_equal(plan->findings[0].rule,
				    "plan/duplicate-id");
		assert_non_null(strstr(plan->findings[0].message,
				       "listed twice"));
		assert_int_equal(position_nholders(&u->positions[0]), n);
		assert_int_equal(position_nholders(&u->positions[1]), n - 1);
		for (i = 0; i < n - 1; i++) {
			assert_ptr_equal(position_holder(&u->positions[0], i),
					 plan_person(plan, i));
			assert_ptr_equal(position_holder(&u->positions[1], i),
					 plan_person(plan, i));
		}
		assert_ptr_equal(position_holder(&u->positions[0], n - 1),
				 plan_person(plan, n - 1));
		assert_int_equal(person_npositions(plan_person(plan, n - 2)), 2);
		assert_int_equal(person_npositions(plan_person(plan, n - 1)), 1);
		pc_plan_free(plan);
	}
}

/* Deep trees and long cycles: no recursion, no quadratic work. */
static void deep_chain(void **state)
{
	enum { N = 20000 };
	size_t cap = (size_t)N * 48 + 256, len;
	char *text = malloc(cap);
	pc_plan *plan;
	unit *last;
	int i;

	(void)state;
	assert_non_null(text);
	len = (size_t)snprintf(text, cap, HEAD "units:\n  - { id: U0, level: x }\n");
	/* Children written before their parents, so pre-order reverses the
	 * document. */
	for (i = N - 1; i >= 1; i--)
		len += (size_t)snprintf(text + len, cap - len,
					"  - { id: U%d, level: x, parent: U%d }\n",
					i, i - 1);
	plan = load_text("deep.yaml", text);
	assert_int_equal(plan->nfindings, 0);
	assert_int_equal(plan->nunits, N);
	/* The unit map follows the units into pre-order: every id finds
	 * its unit at its place (unit_by_id checks). */
	for (i = 0; i < N; i++) {
		char id[16];

		snprintf(id, sizeof id, "U%d", i);
		assert_int_equal(unit_by_id(plan, id)->index, i);
	}
	last = unit_by_id(plan, "U19999");
	assert_int_equal(depth_of(last), N - 1);
	assert_int_equal(last->index, N - 1);
	assert_int_equal(plan->units[0]->post, N - 1);
	assert_ptr_equal(unit_ancestor_at(last, last->level), last);
	pc_plan_free(plan);

	/* Close the chain into one long cycle: reported once, cut at the
	 * first unit in document order. */
	len = (size_t)snprintf(text, cap, HEAD "units:\n"
			       "  - { id: U0, level: x, parent: U%d }\n", N - 1);
	for (i = 1; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"  - { id: U%d, level: x, parent: U%d }\n",
					i, i - 1);
	plan = load_text("ring.yaml", text);
	assert_int_equal(plan->nfindings, 1);
	assert_string_equal(plan->findings[0].rule, "plan/cycle");
	assert_contains(plan->findings[0].message, "U0 -> U19999 -> U19998");
	assert_contains(plan->findings[0].message, "...");
	assert_int_equal(plan->findings[0].where.line, 4);
	assert_int_equal(plan->nroots, 1);
	assert_string_equal(plan->roots[0]->id, "U0");
	assert_int_equal(depth_of(unit_by_id(plan, "U1")), 1);
	assert_int_equal(depth_of(unit_by_id(plan, "U19999")), N - 1);
	pc_plan_free(plan);
	free(text);
}

/* A task whose applies_to cannot be judged: one finding for the task;
 * the expression is not run again, so the unit it could not judge and
 * those after it do not owe the task, while those before it do. */
static void applies_to_match_limit(void **state)
{
	static const char text[] = HEAD
		"units:\n"
		"  - { id: C, level: x, name: aa }\n"
		"  - { id: A, level: x, name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! }\n"
		"  - { id: B, level: x, name: aa }\n"
		"tasks:\n"
		"  - id: t\n"
		"    due: 2019-01-01\n"
		"    applies_to: { name: { matches: '^(a|aa)+$' } }\n";
	pc_limits lim;
	pc_plan *plan = NULL;
	pc_errors *errors = NULL;
	task *t;

	(void)state;
	pc_limits_default(&lim);
	lim.regex_match_limit = 10000;
	assert_int_equal(pc_plan_load_string("slow.yaml", text, strlen(text),
					     &lim, &plan, &errors), 0);
	assert_int_equal(plan->nfindings, 1);
	assert_string_equal(plan->findings[0].rule, "plan/bad-value");
	assert_contains(plan->findings[0].message, "match limit on unit 'A'");
	assert_int_equal(plan->findings[0].where.line, 10);
	assert_int_equal(plan->findings[0].where.col, 17);
	assert_int_equal(plan->findings[0].target_type, PC_TARGET_TASK);
	t = task_by_id(plan, "t");
	assert_int_equal(t->nowners, 1);
	assert_string_equal(t->owners[0]->id, "C");
	pc_plan_free(plan);
}

/* t's owners are ids[0..n), in that order. */
static void assert_owners(const task *t, const char *const *ids, uint32_t n)
{
	uint32_t i;

	assert_int_equal(t->nowners, n);
	for (i = 0; i < n; i++)
		assert_string_equal(t->owners[i]->id, ids[i]);
}

/* A task's owners are in document order, whichever way they are found:
 * by class for a selector without a regular expression, one by one with
 * one. Here the document lists units out of the tree's order. And what
 * the plan keeps of each unit by place agrees with the unit's record. */
static void owners_in_document_order(void **state)
{
	static const char text[] = HEAD
		"units:\n"
		"  - { id: C1, level: commune, parent: D2, "
		"progress: { communes: { percent: 10 } } }\n"
		"  - { id: D1, level: district, kind: state, parent: P, "
		"progress: { communes: { percent: 20 } } }\n"
		"  - { id: C2, level: commune, parent: D1, attrs: { a: 1 } }\n"
		"  - { id: P, level: province }\n"
		"  - { id: D2, level: district, kind: state, parent: P, "
		"status: merged, into: D1 }\n"
		"  - { id: C3, level: commune, parent: D1, attrs: { a: 1 }, "
		"progress: { communes: { percent: 30 }, "
		"by-name: { percent: 40 } } }\n"
		"  - { id: C4, level: commune, parent: D2, status: new }\n"
		"tasks:\n"
		"  - { id: communes, due: 2019-01-01, "
		"applies_to: { level: commune } }\n"
		"  - { id: with-attr, due: 2019-01-01, "
		"applies_to: { level: commune, attrs: { a: 1 } } }\n"
		"  - { id: by-name, due: 2019-01-01, "
		"applies_to: { level: [commune, district], "
		"name: { matches: '^[CD][13]$' } } }\n"
		"  - { id: states, due: 2019-01-01, "
		"applies_to: { kind: state, status: [active, merged] } }\n";
	static const char *const communes[] = { "C1", "C2", "C3", "C4" };
	static const char *const with_attr[] = { "C2", "C3" };
	static const char *const by_name[] = { "C1", "D1", "C3" };
	static const char *const states[] = { "D1", "D2" };
	pc_plan *plan = load_text("order.yaml", text);
	const task *t;
	uint32_t i, c;

	(void)state;
	/* D1 does not owe `communes`. */
	assert_int_equal(plan->nfindings, 1);
	assert_string_equal(plan->findings[0].rule,
			    "plan/progress-not-applicable");
	assert_string_equal(plan->findings[0].target_id, "D1");
	/* Pre-order differs from the document's: P, D1, C2, C3, D2, ... */
	assert_string_equal(plan->units[0]->id, "P");
	assert_string_equal(plan->units[2]->id, "C2");
	t = task_by_id(plan, "communes");
	assert_owners(t, communes, 4);
	assert_int_equal(t->owner_progress[0]->percent, 10);
	assert_null(t->owner_progress[1]);
	assert_int_equal(t->owner_progress[2]->percent, 30);
	assert_null(t->owner_progress[3]);
	assert_owners(task_by_id(plan, "with-attr"), with_attr, 2);
	t = task_by_id(plan, "by-name");
	assert_owners(t, by_name, 3);
	assert_null(t->owner_progress[0]);
	assert_null(t->owner_progress[1]);
	assert_int_equal(t->owner_progress[2]->percent, 40);
	assert_owners(task_by_id(plan, "states"), states, 2);
	/* Three classes: commune, district and state, province. */
	assert_int_equal(plan->nclasses, 3);
	for (i = 0; i < plan->nunits; i++) {
		const unit *u = plan->units[i];

		assert_int_equal(plan->parent_at[i],
				 u->parent ? u->parent->index : NO_UNIT);
		assert_int_equal(plan->status_at[i], u->status);
		c = plan->class_at[i];
		assert_true(c < plan->nclasses);
		assert_ptr_equal(plan->class_level[c], u->level);
		assert_ptr_equal(plan->class_kind[c], u->kind);
	}
	pc_plan_free(plan);
}

/* Past 255 (level, kind) pairs, units have no class: tasks still find
 * them, in document order. */
static void owners_past_the_classes(void **state)
{
	static char text[32768];
	static const char *const early[] = { "U3" };
	static const char *const late[] = { "U258", "U299", "V" };
	size_t off = 0;
	pc_plan *plan;
	int i;

	(void)state;
	off += (size_t)snprintf(text, sizeof text, HEAD
		"tasks:\n"
		"  - { id: early, due: 2019-01-01, applies_to: { level: L3 } }\n"
		"  - { id: late, due: 2019-01-01, "
		"applies_to: { level: [L299, L258] } }\n"
		"units:\n");
	for (i = 0; i < 300; i++)
		off += (size_t)snprintf(text + off, sizeof text - off,
					"  - { id: U%d, level: L%d }\n", i, i);
	off += (size_t)snprintf(text + off, sizeof text - off,
				"  - { id: V, level: L258 }\n");
	assert_true(off < sizeof text);
	plan = load_text("many.yaml", text);
	assert_int_equal(plan->nclasses, UNIT_CLASS_NONE);
	assert_int_equal(plan->class_at[plan->nunits - 1], UNIT_CLASS_NONE);
	assert_owners(task_by_id(plan, "early"), early, 1);
	assert_owners(task_by_id(plan, "late"), late, 3);
	pc_plan_free(plan);
}

/* ---- fatal cases --------------------------------------------------------------- */

typedef struct fatal_case {
	const char *name;
	const char *text;     /* NULL: load file */
	const char *file;
	int code;
	unsigned line, col;
	const char *message;
} fatal_case;

static const fatal_case fatal_cases[] = {
	{ "not a mapping", "- a\n- b\n", NULL, PC_EINVALID, 1, 1,
	  "not a plancheck plan: expected a mapping starting with "
	  "`plancheck: plan/1`" },
	{ "scalar", "just text\n", NULL, PC_EINVALID, 1, 1, "found a scalar" },
	{ "empty", "", NULL, PC_EINVALID, 1, 1, "empty file: no plan" },
	{ "comments only", "# nothing\n", NULL, PC_EINVALID, 1, 1,
	  "empty file" },
	{ "empty document", "---\n...\n", NULL, PC_EINVALID, 2, 1,
	  "empty document" },
	{ "rule pack", NULL, "rule-pack.yaml", PC_EINVALID, 1, 12,
	  "this is a rule pack (plancheck: rules/1), not a plan; pass it with "
	  "--rules" },
	{ "rule pack, key late", "units: []\nplancheck: rules/1\n", NULL,
	  PC_EINVALID, 2, 12, "rule pack" },
	{ "other format", "plancheck: plan/2\nunits: []\n", NULL, PC_EINVALID,
	  1, 12, "unsupported file format 'plancheck: plan/2'" },
	{ "format not a scalar", "plancheck: [plan/1]\n", NULL, PC_EINVALID, 1,
	  12, "found a list" },
	{ "syntax error", NULL, "syntax-error.yaml", PC_ESYNTAX, 3, 6,
	  "YAML syntax error" },
	{ "second document", HEAD "units: []\n---\nb: 1\n", NULL, PC_EINVALID,
	  4, 1, "second YAML document" },
	{ "undefined alias", HEAD "units: *u\n", NULL, PC_ESYNTAX, 3, 8,
	  "*u refers to no anchor" },
	{ "missing file", NULL, "no-such-plan.yaml", PC_EIO, 0, 0,
	  "cannot open file" },
	{ "directory", NULL, "", PC_EIO, 0, 0, "is a directory" },
};

static void fatal_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof fatal_cases / sizeof fatal_cases[0]; i++) {
		const fatal_case *c = &fatal_cases[i];
		pc_plan *plan = (pc_plan *)(uintptr_t)1;
		pc_errors *errors = NULL;
		const pc_error *e;
		char path[512];
		int rc;

		snprintf(path, sizeof path, "%s%s", DATA, c->file ? c->file : "");
		if (c->text)
			rc = pc_plan_load_string("fatal.yaml", c->text,
						 strlen(c->text), NULL, &plan,
						 &errors);
		else
			rc = pc_plan_load(path, NULL, &plan, &errors);
		if (rc != c->code)
			fail_msg("case '%s': code %d, expected %d", c->name, rc,
				 c->code);
		assert_null(plan);
		assert_int_equal(pc_errors_count(errors), 1);
		e = pc_errors_get(errors, 0);
		assert_string_equal(e->file, c->text ? "fatal.yaml" : path);
		if (e->line != c->line || e->column != c->col)
			fail_msg("case '%s': at %u:%u, expected %u:%u (%s)",
				 c->name, e->line, e->column, c->line, c->col,
				 e->message);
		assert_contains(e->message, c->message);
		pc_errors_free(errors);
	}
}

static void limits(void **state)
{
	pc_limits lim;
	pc_plan *plan = NULL;
	pc_errors *errors = NULL;
	const char *text = HEAD
		"people: [{ id: P1 }, { id: P2 }]\n"
		"units:\n"
		"  - { id: A, level: x }\n"
		"  - { id: B, level: x, units: [{ id: C, level: y }] }\n";

	(void)state;
	pc_limits_default(&lim);
	lim.max_units = 3;
	lim.max_people = 2;
	assert_int_equal(pc_plan_load_string("lim.yaml", text, strlen(text),
					     &lim, &plan, &errors), 0);
	pc_plan_free(plan);
	lim.max_units = 2;
	assert_int_equal(pc_plan_load_string("lim.yaml", text, strlen(text),
					     &lim, &plan, &errors), PC_ELIMIT);
	assert_null(plan);
	assert_int_equal(pc_errors_get(errors, 0)->line, 6);
	assert_int_equal(pc_errors_get(errors, 0)->column, 32);
	assert_contains(pc_errors_get(errors, 0)->message, "more than 2 units");
	pc_errors_free(errors);
	lim.max_units = 3;
	lim.max_people = 1;
	assert_int_equal(pc_plan_load_string("lim.yaml", text, strlen(text),
					     &lim, &plan, &errors), PC_ELIMIT);
	assert_contains(pc_errors_get(errors, 0)->message, "more than 1 people");
	pc_errors_free(errors);
}

static void accessors_accept_null(void **state)
{
	(void)state;
	pc_plan_free(NULL);
	assert_string_equal(pc_plan_id(NULL), "");
	assert_string_equal(pc_plan_name(NULL), "");
	assert_int_equal(pc_plan_as_of(NULL), PC_NODATE);
	assert_int_equal(pc_plan_rule_file_count(NULL), 0);
	assert_null(pc_plan_rule_file(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_plan_from_file),
		cmocka_unit_test(valid_plan_from_string),
		cmocka_unit_test(allocation_failures),
		cmocka_unit_test(invalid_snippets),
		cmocka_unit_test(every_problem_reported),
		cmocka_unit_test(duplicate_unit_children),
		cmocka_unit_test(typed_pairs_share_canonical_text),
		cmocka_unit_test(equal_attr_lists_shared),
		cmocka_unit_test(staff_counts_to_the_limit),
		cmocka_unit_test(position_titles),
		cmocka_unit_test(holders_one_or_many),
		cmocka_unit_test(flat_parents_left_out),
		cmocka_unit_test(holders_long_lists),
		cmocka_unit_test(deep_chain),
		cmocka_unit_test(applies_to_match_limit),
		cmocka_unit_test(owners_in_document_order),
		cmocka_unit_test(owners_past_the_classes),
		cmocka_unit_test(fatal_errors),
		cmocka_unit_test(limits),
		cmocka_unit_test(accessors_accept_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
