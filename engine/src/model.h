/* model.h - the in-memory plan (internal).
 *
 * Everything here lives in the plan's arena. Strings are interned in the
 * plan's strtab: equal strings of one plan are equal pointers. The
 * exception is the id of a unit, person, title or task (and plan->id):
 * a copy with the same header (str_copy), found by text through the
 * idmaps; compare ids by text. Every node
 * keeps where it came from (1-based line and column; the file is the
 * plan's, plan->file, and plan_loc() gives the full location). Entities
 * are kept in document order in arrays; ids are indexed in idmaps. */
#ifndef PC_MODEL_H
#define PC_MODEL_H
#include <stdbool.h>
#include <stdint.h>
#include "plancheck.h"
#include "arena.h"
#include "strtab.h"
#include "select.h"

typedef struct loc {
	const char *file;
	uint32_t line, col;
} loc;

/* Where a node of the plan is: a plan has one file, so its nodes keep
 * only line and column (half the size of a loc, on every entity). */
typedef struct ploc {
	uint32_t line, col;
} ploc;

/* A scalar value of an attrs map. */
typedef enum value_type { VAL_STRING, VAL_INT, VAL_BOOL, VAL_DATE } value_type;

typedef struct value {
	value_type type;
	const char *text;     /* canonical text: decimal, true/false, YYYY-MM-DD,
				 or the string itself (interned) */
	int64_t num;          /* VAL_INT: the integer; VAL_DATE: day number;
				 VAL_BOOL: 0 or 1 */
} value;

/* No location of its own: nothing reports on one attribute after
 * loading, and a national plan has hundreds of thousands of them. */
typedef struct attr {
	const char *key;      /* interned */
	value val;
} attr;

/* Attributes in the order written. Equal pairs (same key, same value)
 * of one plan are one shared attr: a national plan writes a hundred
 * thousand `party_member: true`, and a pointer each is a quarter of an
 * attr each. Equal lists (the same attrs in the same order) are one
 * shared array of items too: read-only, like everything in the model. */
typedef struct attr_list {
	uint32_t count;         /* at least 1 */
	const attr *items[];
} attr_list;

/* One pointer on every unit and person: the count is in the list. */
typedef struct attrs {
	const attr_list *list;  /* NULL: no attributes */
} attrs;

static inline uint32_t attrs_count(const attrs *a)
{
	return a->list ? a->list->count : 0;
}

/* Attribute k (k < attrs_count(a)). */
static inline const attr *attrs_at(const attrs *a, uint32_t k)
{
	return a->list->items[k];
}

/* The value of key, or NULL. Linear in the (small) number of attributes. */
const value *attrs_get(const attrs *a, const char *key);

typedef enum leadership { LEAD_NONE, LEAD_HEAD, LEAD_DEPUTY } leadership;

typedef struct title {
	const char *id, *name, *kind;   /* kind: NULL when absent */
	leadership leadership;
	ploc where;
	uint32_t index;         /* in plan->titles (position_title_at) */
} title;

typedef struct unit unit;
typedef struct person person;

#define NO_TITLE UINT32_MAX
#define NO_TITLE_REF UINT32_MAX

#define NO_UNIT UINT32_MAX
#define UNIT_CLASS_NONE 255

/* The holders of a position that has more than one. */
typedef struct holders_list {
	uint32_t n;
	person *items[];
} holders_list;

/* 32 bytes: the title is a place in plan->title_refs (the different
 * title ids positions write, a handful) and the unit a place in
 * plan->units, rather than pointers, and there are a hundred thousand
 * positions in a national plan, most with one holder, kept in place. */
typedef struct position {
	void *held;             /* resolved holders (unresolved ones left
				   out): NULL, none; a person *, the one;
				   a holders_list * plus 1, more. Read them
				   with position_nholders() and
				   position_holder() */
	uint32_t unit_at;       /* the unit's place in plan->units
				   (position_unit); NO_UNIT until resolved,
				   and for a unit left out */
	uint32_t title_ref;     /* the title id as written: a place in
				   plan->title_refs (position_title_id);
				   NO_TITLE_REF when none was written */
	uint32_t slots;         /* default: number of holders as written */
	uint32_t baseline;      /* default: slots */
	ploc where;             /* the position entry */
} position;

/* The positions of a person who holds more than one. */
typedef struct positions_held {
	uint32_t n;
	position *items[];
} positions_held;

/* 40 bytes: no count and no index of its own (a national plan has a
 * hundred thousand people). */
typedef struct person {
	const char *id, *name;
	attrs attrs;
	union {                 /* positions held, in document order of
				   units: read them with person_npositions()
				   and person_position() */
		void *tagged;   /* NULL: none; a position *: the one held;
				   a positions_held * plus 1: more */
		uintptr_t count; /* while resolving (resolve.c) */
	} held;
	ploc where;
} person;

typedef enum unit_status {
	ST_ACTIVE, ST_NEW, ST_MERGED, ST_DISSOLVED
} unit_status;

#define STATUS_BIT(s) (1u << (s))
/* Units that exist after the plan, and that existed at its start. */
#define STATUS_AFTER (STATUS_BIT(ST_ACTIVE) | STATUS_BIT(ST_NEW))
#define STATUS_START (STATUS_BIT(ST_ACTIVE) | STATUS_BIT(ST_MERGED) | STATUS_BIT(ST_DISSOLVED))

typedef struct task task;

typedef struct progress {
	const char *task_id;    /* as written */
	task *task;             /* NULL when unknown */
	pc_date done;           /* PC_NODATE when not done */
	int percent;            /* -1 when not given */
	ploc where;
} progress;

typedef struct staff {
	bool given;             /* the unit has a staff: mapping */
	bool has_baseline, has_quota, has_actual;
	uint32_t baseline, quota, actual;  /* counts: loading refuses one
					      of 2^32 or more */
} staff;

/* What few units have: tags, and the unit a merged one goes into (on
 * the 63-province plan, 1,217 units of 31,378). */
typedef struct unit_extra {
	const char **tags;
	const char *into_id;    /* as written, NULL when absent */
	unit *into;             /* NULL when into_id names no unit */
	uint32_t ntags;
} unit_extra;

/* Pointers first, then the 32-bit fields, then the rest: no padding
 * between fields (120 bytes, down from 216; a national plan has tens of
 * thousands of units). */
struct unit {
	const char *id, *name, *level, *kind;   /* kind: NULL when absent */
	unit_extra *extra;      /* NULL: no tags and no into */
	attrs attrs;
	staff staff;            /* staff.given: the unit has a staff: */
	position *positions;
	progress *progress;
	unit *parent;
	uint32_t npositions, nprogress;
	uint32_t index;         /* in plan->units: once resolved, the unit's
				   pre-order number */
	uint32_t post;          /* the last pre-order number under the unit:
				   u is under a when a->index <= u->index &&
				   u->index <= a->post */
	ploc where;             /* the unit's mapping */
	unit_status status;
	pc_date effective;
};

struct task {
	const char *id, *name;
	selector applies_to;
	pc_date start;          /* PC_NODATE: the plan's start */
	pc_date due;            /* PC_NODATE only when missing (a finding) */
	ploc where;
	uint32_t index;
	unit **owners;          /* units the task applies to, document order */
	progress **owner_progress; /* parallel: the unit's entry, or NULL */
	uint32_t nowners;
};

typedef struct waiver {
	const char *rule, *target, *reason, *approved_by;
	pc_date expires;        /* PC_NODATE: never */
	loc where;
	pc_waiver_info info;    /* the public view */
	bool used;
} waiver;

typedef struct rule_ref {
	const char *path;       /* resolved against the plan's directory */
	loc where;
} rule_ref;

/* A structural finding from loading (plan/...). */
typedef struct load_finding {
	const char *rule;
	pc_severity severity;
	const char *message;
	loc where;
	pc_target_type target_type;
	const char *target_id;
} load_finding;

struct pc_plan {
	arena arena;
	strtab strings;         /* its table is given back once loading is
				   over: the strings stay, nothing interns
				   more */
	const char *file;
	const char *id, *name, *authority;   /* "" when absent */
	pc_date start, end, as_of;
	loc where;              /* the plan: mapping */

	rule_ref *rules;
	uint32_t nrules;
	title **titles;
	uint32_t ntitles;
	/* Every title id the positions write, interned, in order of first
	 * use; ref_title[k] is the place of title_refs[k] in titles, or
	 * NO_TITLE when it names none (resolve.c). */
	const char **title_refs;
	uint32_t *ref_title;
	uint32_t ntitle_refs;
	/* The people in document order, in blocks of PEOPLE_BLOCK records
	 * (plan_person): a national plan has a hundred thousand of them,
	 * and an array of a pointer each would be 0.9 MiB. */
	person **people_blocks;
	uint32_t npeople;
	unit **units;           /* every unit, pre-order (parents first) */
	uint32_t nunits;
	/* What passes over every unit read of each, by its place in units
	 * (plan_resolve): its parent's place (NO_UNIT for a root), its
	 * status, and its class: the number of its (level, kind) pair
	 * among the plan's pairs in order of first use (class_level[c],
	 * class_kind[c]), or UNIT_CLASS_NONE past UNIT_CLASS_NONE pairs.
	 * A plan has a handful of pairs and a selector decides most units
	 * by theirs: these arrays spare a visit to each unit's record. */
	uint32_t *parent_at;
	unsigned char *status_at;
	unsigned char *class_at;
	const char **class_level, **class_kind;
	uint32_t nclasses;
	unit **roots;
	uint32_t nroots;
	task **tasks;
	uint32_t ntasks;
	waiver *waivers;
	uint32_t nwaivers;

	/* Places in units: in document order while loading and until
	 * resolve.c has built the tree, in pre-order from then on
	 * (plan_unit). */
	idindex unit_ids;
	idmap title_ids, task_ids;
	/* Places in people; empty once loading is over (load.c gives it
	 * back: nothing after resolving looks a person up by id). */
	idindex person_ids;

	load_finding *findings;
	size_t nfindings, findings_cap;
};

#define PEOPLE_BLOCK_SHIFT 8
#define PEOPLE_BLOCK (UINT32_C(1) << PEOPLE_BLOCK_SHIFT)

/* Person i of blocks of PEOPLE_BLOCK records (plan->people_blocks, or
 * the loader's list of them while it reads). */
static inline person *person_in_blocks(person *const *blocks, uint32_t i)
{
	return &blocks[i >> PEOPLE_BLOCK_SHIFT][i & (PEOPLE_BLOCK - 1)];
}

/* Person i of plan (i < plan->npeople), in document order. */
static inline person *plan_person(const pc_plan *plan, uint32_t i)
{
	return person_in_blocks(plan->people_blocks, i);
}

/* For plan->person_ids: the id of the person at place in the blocks
 * (items: plan->people_blocks or the loader's list of them). */
const char *person_id_at(const void *blocks, uint32_t place);

/* The person whose id is id[0..len), or NULL; only while loading (the
 * index is given back once holders and waivers are resolved). */
static inline person *plan_person_by_id(const pc_plan *plan, const char *id,
					size_t len)
{
	uint32_t at = idindex_find_by(&plan->person_ids, person_id_at,
				      plan->people_blocks, id, len);

	return at == UINT32_MAX ? NULL : plan_person(plan, at);
}

/* The full location of a node of plan. */
static inline loc plan_loc(const pc_plan *plan, ploc where)
{
	loc at = { plan->file, where.line, where.col };

	return at;
}

/* A position's holders and a person's positions are one record, or a
 * counted list (holders_list, positions_held) in the same place, told
 * apart by the pointer's low bit: records and lists are 8-byte aligned
 * in the arena. held_mark makes the pointer of a list; held_as_list gives
 * the list back, or NULL when held is one record (or NULL). */
static inline void *held_mark(void *list)
{
	return (char *)list + 1;
}

static inline void *held_as_list(void *held)
{
	return (uintptr_t)held & 1 ? (char *)held - 1 : NULL;
}

/* How many resolved holders p has. */
static inline uint32_t position_nholders(const position *p)
{
	const holders_list *l = held_as_list(p->held);

	return l ? l->n : p->held != NULL;
}

/* Holder k of a position (k < position_nholders(p)). */
static inline person *position_holder(const position *p, uint32_t k)
{
	const holders_list *l = held_as_list(p->held);

	return l ? l->items[k] : p->held;
}

/* The unit of a position, NULL when it was left out (or before
 * resolving). */
static inline unit *position_unit(const pc_plan *plan, const position *p)
{
	return p->unit_at == NO_UNIT ? NULL : plan->units[p->unit_at];
}

/* How many positions p holds. */
static inline uint32_t person_npositions(const person *p)
{
	const positions_held *l = held_as_list(p->held.tagged);

	return l ? l->n : p->held.tagged != NULL;
}

/* Position k that p holds (k < person_npositions(p)). */
static inline position *person_position(const person *p, uint32_t k)
{
	const positions_held *l = held_as_list(p->held.tagged);

	return l ? l->items[k] : p->held.tagged;
}

/* The title id a position writes, or NULL when it writes none. */
static inline const char *position_title_id(const pc_plan *plan,
					    const position *p)
{
	return p->title_ref == NO_TITLE_REF ? NULL
					    : plan->title_refs[p->title_ref];
}

/* The place of a position's title in plan->titles, or NO_TITLE when it
 * writes none or names none. */
static inline uint32_t position_title_at(const pc_plan *plan,
					 const position *p)
{
	return p->title_ref == NO_TITLE_REF ? NO_TITLE
					    : plan->ref_title[p->title_ref];
}

/* The title of a position, or NULL when it did not resolve. */
static inline title *position_title(const pc_plan *plan, const position *p)
{
	uint32_t at = position_title_at(plan, p);

	return at == NO_TITLE ? NULL : plan->titles[at];
}

static inline uint32_t unit_ntags(const unit *u)
{
	return u->extra ? u->extra->ntags : 0;
}

/* Tag k of u (k < unit_ntags(u)). */
static inline const char *unit_tag(const unit *u, uint32_t k)
{
	return u->extra->tags[k];
}

/* The id a merged unit names in into, NULL when none. */
static inline const char *unit_into_id(const unit *u)
{
	return u->extra ? u->extra->into_id : NULL;
}

/* The unit a merged unit goes into, NULL when none. */
static inline unit *unit_into(const unit *u)
{
	return u->extra ? u->extra->into : NULL;
}

/* The unit whose id is id[0..len), or NULL. */
static inline unit *plan_unit(const pc_plan *plan, const char *id, size_t len)
{
	return idindex_get(&plan->unit_ids, (void *const *)plan->units, id, len);
}

/* Nearest ancestor-or-self of u whose level is level (interned in the
 * plan), or NULL. */
unit *unit_ancestor_at(unit *u, const char *level);
static inline bool unit_exists_after(const unit *u)
{
	return u->status == ST_ACTIVE || u->status == ST_NEW;
}
static inline bool unit_existed_at_start(const unit *u)
{
	return u->status != ST_NEW;
}
static inline bool unit_is_under(const unit *u, const unit *ancestor)
{
	return ancestor->index <= u->index && u->index <= ancestor->post;
}

/* A unit written in the flat form, and the parent id it names: kept by
 * the loader only until the tree is built, not on every unit. */
typedef struct unit_parent {
	unit *u;
	const char *parent_id;
} unit_parent;

/* Build the plan model (load.c), then resolve references (resolve.c),
 * parents[0..nparents) among them (in any order; units left out are
 * passed over). */
int plan_resolve(pc_plan *plan, problems *probs, const unit_parent *parents,
		 size_t nparents);
#endif
