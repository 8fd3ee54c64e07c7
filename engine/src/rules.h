/* rules.h - loaded rule packs (internal).
 *
 * A rule set owns one arena holding every pack loaded into it. Rules never
 * point into a plan: titles, tasks and units they name are looked up in
 * each plan when it is checked, so one set can serve many plans. */
#ifndef PC_RULES_H
#define PC_RULES_H
#include <stdbool.h>
#include <stdint.h>
#include "plancheck.h"
#include "arena.h"
#include "select.h"
#include "strtab.h"
#include "strbuf.h"

typedef struct rloc {
	const char *file;
	uint32_t line, col;
} rloc;

/* Message templates: literal text and placeholders. */
typedef enum placeholder {
	PH_UNIT_ID, PH_UNIT_NAME, PH_PERSON_ID, PH_PERSON_NAME,
	PH_TASK_ID, PH_TASK_NAME, PH_VALUE, PH_LIMIT, PH_DUE, PH_DAYS,
	PH_TITLES, PH_PERCENT, PH_EXPECTED,
	PH_COUNT_
} placeholder;

typedef struct tmpl_part {
	const char *text;     /* literal, when is_placeholder is false */
	size_t len;
	bool is_placeholder;
	placeholder ph;
} tmpl_part;

typedef struct tmpl {
	tmpl_part *parts;
	uint32_t nparts;      /* 0: no template (use the kind's default) */
} tmpl;

/* Values a finding's message may use; NULL/unset ones print as "". */
typedef struct tmpl_args {
	const char *unit_id, *unit_name, *person_id, *person_name;
	const char *task_id, *task_name, *titles, *due;
	bool has_value, has_limit, has_days, has_percent, has_expected;
	int64_t value, limit, days, percent, expected;
} tmpl_args;

/* Parse text; unknown placeholders are reported (probs, at line/col).
 * 0, or -1 when the template is invalid (reported) or out of memory. */
int tmpl_parse(arena *a, const char *text, size_t len, problems *probs,
	       uint32_t line, uint32_t col, tmpl *out);
/* Expand into an arena string. */
char *tmpl_expand(arena *a, const tmpl *t, const tmpl_args *args);
/* Append the expansion to b (b->failed when out of memory). */
void tmpl_expand_sb(strbuf *b, const tmpl *t, const tmpl_args *args);

/* ---- kinds ---- */

typedef struct title_combo {
	const char **titles;   /* title ids */
	uint32_t ntitles;
	const char *within;    /* level name, "unit", or NULL (none) */
	const char **levels;   /* NULL: any */
	uint32_t nlevels;
	person_selector holder; /* holder.given false: anyone */
	rloc where;
} title_combo;

typedef struct merged_titles_rule {
	bool has_max_positions;
	uint32_t max_positions;
	title_combo *allow;
	uint32_t nallow;
	bool has_allow;        /* `allow:` given (even empty) */
	title_combo *forbid;
	uint32_t nforbid;
} merged_titles_rule;

typedef struct deadline_rule {
	const char *task;      /* exact task id, or NULL when task_regex */
	pc_regex *task_regex;
	rloc task_where;
	pc_date due;           /* PC_NODATE: the task's */
	int64_t grace_days;    /* default 0 */
	bool has_behind_by;
	int64_t behind_by;
	selector units;        /* units.given false: all owners */
} deadline_rule;

typedef enum measure_kind {
	MEASURE_STAFF, MEASURE_HOLDERS, MEASURE_POSITIONS, MEASURE_UNITS
} measure_kind;

typedef enum staff_field { STAFF_BASELINE, STAFF_QUOTA, STAFF_ACTUAL } staff_field;

typedef enum quota_scope { SCOPE_UNIT, SCOPE_CHILDREN, SCOPE_SUBTREE } quota_scope;

typedef struct max_by_entry {
	const char *value;     /* the attribute's canonical text */
	int64_t cap;
} max_by_entry;

typedef struct quota_rule {
	selector for_units;
	measure_kind measure;
	staff_field staff;     /* MEASURE_STAFF */
	const char *title;     /* MEASURE_HOLDERS, MEASURE_POSITIONS */
	rloc title_where;
	selector units;        /* MEASURE_UNITS */
	quota_scope scope;
	bool has_max, has_min, has_max_by, has_reduce;
	int64_t max, min;
	const char *max_by_attr;
	max_by_entry *max_by;
	uint32_t nmax_by;
	bool max_by_has_default;
	int64_t max_by_default;
	int64_t reduce_at_least;   /* percent */
} quota_rule;

typedef enum pattern_target {
	PT_UNITS, PT_PEOPLE, PT_TITLES, PT_TASKS
} pattern_target;

typedef struct pattern_rule {
	pattern_target target;
	selector for_units;    /* units only */
	const char *field;     /* "id", "name", "level", "kind", or "attrs.KEY" */
	const char *attr_key;  /* for attrs.KEY: KEY, else NULL */
	pc_regex *regex;
	bool negate;
	bool required;
} pattern_rule;

typedef struct rule_pack rule_pack;

typedef struct rule {
	const char *id;
	pc_rule_kind kind;
	pc_severity severity;
	const char *description;   /* "" when absent */
	const char *basis;         /* "" when absent */
	tmpl message;
	pc_date effective;
	rloc where;
	const rule_pack *pack;
	union {
		merged_titles_rule titles;
		deadline_rule deadline;
		quota_rule quota;
		pattern_rule pattern;
	} u;
} rule;

struct rule_pack {
	const char *id, *name, *file;
	rloc where;
};

struct pc_ruleset {
	arena arena;
	rule_pack **packs;
	size_t npacks, packs_cap;
	rule **rules;              /* in load order */
	size_t nrules, rules_cap;
	idmap ids;                 /* rule id -> index in rules, plus 1 */
	pc_limits limits;
};
#endif
