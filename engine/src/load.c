/* load.c - a plan file (`plancheck: plan/1`) into the model of model.h.
 *
 * One pass over the YAML reader's events, no document tree: a
 * recursive-descent function per section (plan, titles, people, units,
 * positions, progress, tasks, waivers, attrs, staff) builds the model as
 * the events arrive. Everything lives in the plan's arena and every string
 * but an entity's own id is interned in plan->strings. Lists are gathered
 * on the loader's scratch stacks and copied into the arena at their end,
 * so no entity costs an allocation of its own beyond the arena's bump
 * pointer; equal lists of attributes are one copy (list_intern).
 *
 * Every problem that is not fatal goes through the problem sink into
 * plan->findings (a `plan/...` rule id, severity error, file:line:column
 * of the YAML node, and the unit, person, title, task, waiver or plan it
 * is about), and loading carries on, so one run reports every problem.
 * Fatal, the load fails with a negative pc_code and a message in the
 * caller's pc_errors: an unreadable file, broken YAML or a YAML limit (see
 * yread.h), an empty file, a top-level node that is not a mapping, a
 * `plancheck:` value other than plan/1 (a rule pack says so), more units or
 * people than the limits allow, a regular expression in applies_to longer
 * than max_regex_len (a PROB_LIMIT from the selector parser), and running
 * out of memory.
 *
 * Choices the specification leaves open:
 *   - Required keys: plancheck, plan, plan.id, plan.name and units at the
 *     top; a unit's id and level; a title's, a person's and a task's id; a
 *     task's due; a position's title; a waiver's rule, target, reason and
 *     approved_by; into when a unit's status is merged. Names are optional
 *     and default to the id (plan.name is required).
 *   - An entity whose id is missing, or already used in its namespace, is
 *     left out of the model (the second one: the first definition stays).
 *     Units nested under a unit left out hang from the unit that holds
 *     that id, if any. A waiver missing a required key is left out too: it
 *     cannot waive anything. A unit missing its level keeps level "".
 *   - A key with an empty value (null) where a list or a mapping is
 *     expected means an empty one; where a scalar is expected it is a
 *     plan/bad-type.
 *   - Dates are YYYY-MM-DD, quoted or not. Counts and percents are plain
 *     YAML integers: a quoted "12" is a string, so a plan/bad-value.
 *   - attrs values: plain true/false is a boolean; a plain integer an
 *     integer (kept in canonical decimal text); a real YYYY-MM-DD date,
 *     quoted or not, a date; anything else a string. Null, lists and
 *     mappings are plan/bad-type.
 *   - The keys of attrs and progress are data (attribute names, task ids),
 *     so an `x-` key there is kept, not ignored.
 *   - A malformed identifier is reported and kept, so that references
 *     to it still resolve.
 *   - `into` is only allowed on a merged unit; a progress entry gives
 *     either `done` or `percent`.
 *   - Holders are resolved here once the whole file is read (people may
 *     come after units): an unknown one is a plan/unknown-ref and a
 *     second listing in one position a plan/duplicate-id, each at the
 *     holder, and both are left out of position->holders. `slots` below
 *     the number of holders written is a plan/bad-value at `slots`.
 *     Everything else is resolved in resolve.c.
 *   - A task without applies_to applies to every unit that exists after
 *     the plan, as an empty selector does.
 *   - A unit that is both nested and names `parent:` keeps its nesting
 *     parent; the `parent:` key is reported.
 *   - Findings about a waiver are targeted at type waiver with the
 *     waiver's rule id.
 *   - `rules:` paths are taken relative to the plan file's directory as
 *     the plan file was named: "plans/p.yaml" with "../r.yaml" gives
 *     "plans/../r.yaml"; a plan named without a directory keeps the path
 *     as written; absolute paths stay as they are.
 */
#include "model.h"
#include "alloc.h"
#include "problems.h"
#include "yread.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_ID_LEN 128

/* A growable array on the heap: the loader's scratch lists. */
typedef struct vec {
	void *items;
	size_t n, cap;
} vec;

/* A holder as written: the person when people came first and the id is
 * theirs, else the id, waiting for the people list. */
typedef struct holder_ref {
	person *who;
	const char *id;         /* interned; NULL when who is set */
	uint32_t line, col;
} holder_ref;

/* A position whose holders are resolved at the end of the pass: one with
 * a holder not yet known or listed twice (problems are reported then, in
 * document order). Other positions get their holders as they are read. */
typedef struct pending_position {
	unit *owner;
	uint32_t k;             /* index in owner->positions */
	uint32_t n;             /* holders as written, */
	size_t first;           /* from here in loader.holder_refs */
} pending_position;

typedef struct loader {
	pc_plan *plan;
	yreader *r;
	problems probs;
	pc_limits limits;
	pc_errors *errors;
	bool oom;                 /* the problem sink ran out of memory */
	bool limit_hit;           /* a PROB_LIMIT came: the load fails */
	bool seen_plancheck, seen_plan, seen_units;
	/* entities, in document order */
	vec titles, units, tasks, waivers, rules;
	/* the people's blocks (plan->people_blocks) and how many people
	 * they hold */
	vec people;
	uint32_t npeople;
	/* scratch stacks for per-entity lists */
	vec tags, attrs, positions, progress;
	vec holder_refs, pending;
	vec parents;              /* unit_parent, for plan_resolve */
	/* the title ids positions write (plan->title_refs), and for each
	 * its place there plus one */
	vec title_refs;
	idmap ref_ids;
	uint32_t people_seen;
	/* the people of one long list of holders (person_set_add): the
	 * first set_mask + 1 slots of set, sized for that list */
	const person **set;
	size_t set_cap, set_mask;
	/* every distinct attribute pair so far (see attrs in model.h):
	 * open addressing, at most half full */
	attr **pairs;
	size_t npairs, pairs_cap;
	/* every distinct list of attributes so far: open addressing, at
	 * most half full */
	const attr_list **lists;
	size_t nlists, lists_cap;
} loader;

/* ---- scratch vectors ----------------------------------------------------- */

/* A new zeroed element at the end, or NULL (out of memory). */
static void *vec_push(vec *v, size_t elem)
{
	char *p;

	if (pc_grow(&v->items, &v->cap, v->n + 1, elem) < 0)
		return NULL;
	p = (char *)v->items + v->n * elem;
	memset(p, 0, elem);
	v->n++;
	return p;
}

static int vec_push_ptr(vec *v, void *ptr)
{
	void **slot = vec_push(v, sizeof ptr);

	if (!slot)
		return PC_ENOMEM;
	*slot = ptr;
	return 0;
}

/* Move elements [from, n) into the arena and drop them from v. *out is
 * NULL when there are none. 0 or PC_ENOMEM. */
static int vec_take(vec *v, size_t from, size_t elem, arena *a, void *out,
		    uint32_t *count)
{
	void **dst = out;
	size_t n = v->n - from;

	*dst = NULL;
	*count = 0;
	if (!n)
		return 0;
	*dst = arena_alloc(a, n * elem);
	if (!*dst)
		return PC_ENOMEM;
	memcpy(*dst, (char *)v->items + from * elem, n * elem);
	*count = (uint32_t)n;
	v->n = from;
	return 0;
}

static void vec_free(vec *v)
{
	pc_free(v->items);
	v->items = NULL;
	v->n = v->cap = 0;
}

/* ---- findings ------------------------------------------------------------ */

/* The problem sink: every problem becomes a plan finding. Its target is
 * filled in when the entity it belongs to is complete (set_targets). A
 * limit is the exception: it goes to the errors, and the load stops at the
 * end of the top-level section that hit it. */
static void add_finding(void *ctx, prob_kind kind, const char *file,
			uint32_t line, uint32_t col, const char *msg)
{
	loader *ld = ctx;
	pc_plan *plan = ld->plan;
	load_finding *f;

	(void)file;
	if (kind == PROB_LIMIT) {
		ld->limit_hit = true;
		if (errors_add(ld->errors, plan->file, line, col, "%s", msg) < 0)
			ld->oom = true;
		return;
	}
	if (pc_grow(&plan->findings, &plan->findings_cap, plan->nfindings + 1,
		    sizeof *plan->findings) < 0) {
		ld->oom = true;
		return;
	}
	f = &plan->findings[plan->nfindings];
	memset(f, 0, sizeof *f);
	f->rule = prob_rule_id(kind);
	f->severity = PC_SEV_ERROR;
	f->message = arena_strdup(&plan->arena, msg);
	if (!f->message) {
		ld->oom = true;
		return;
	}
	f->where.file = plan->file;
	f->where.line = line;
	f->where.col = col;
	f->target_type = PC_TARGET_PLAN;
	plan->nfindings++;
}

/* Give the findings made since `from` that have no target yet this one
 * (an entity without an id gets ""). */
static void set_targets(loader *ld, size_t from, pc_target_type type,
			const char *id)
{
	pc_plan *plan = ld->plan;
	size_t i;

	for (i = from; i < plan->nfindings; i++) {
		if (plan->findings[i].target_id)
			continue;
		plan->findings[i].target_type = type;
		plan->findings[i].target_id = id ? id : "";
	}
}

/* report(ld, kind, line, col, fmt, ...): a problem at a position. */
#define report(ld, ...) prob_report(&(ld)->probs, __VA_ARGS__)

static int fatal(loader *ld, int code, uint32_t line, uint32_t col,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fatal(loader *ld, int code, uint32_t line, uint32_t col,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errors_addv(ld->errors, ld->plan->file, line, col, fmt, ap) < 0)
		code = PC_ENOMEM;
	va_end(ap);
	return code;
}

static loc here(const loader *ld, uint32_t line, uint32_t col)
{
	loc where = { ld->plan->file, line, col };

	return where;
}

/* Where a node of the plan is (the file is the plan's). */
static ploc node_at(uint32_t line, uint32_t col)
{
	ploc where = { line, col };

	return where;
}

/* ---- keys and values ----------------------------------------------------- */

static bool text_is(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len == n && memcmp(text, word, n) == 0;
}

/* The first byte rules out most candidates before a length is taken
 * (an empty key never matches: no candidate is empty). */
static int key_index(const yr_event *key, const char *const *keys)
{
	int i;

	for (i = 0; keys[i]; i++)
		if (keys[i][0] == key->text[0] &&
		    text_is(key->text, key->len, keys[i]))
			return i;
	return -1;
}

static int skip_value(loader *ld)
{
	yr_event v;
	int rc;

	if ((rc = yr_next(ld->r, &v)) < 0)
		return rc;
	return yr_skip(ld->r, &v);
}

/* An unknown key, reported with a "did you mean" hint, its value skipped.
 * `x-` keys are the users' own and skipped silently. */
static int unknown_key(loader *ld, const yr_event *key,
		       const char *const *keys, const char *what)
{
	const char *hint;

	if (key->len >= 2 && key->text[0] == 'x' && key->text[1] == '-')
		return skip_value(ld);
	hint = prob_suggest(key->text, keys);
	if (hint)
		report(ld, PROB_UNKNOWN_KEY, key->line, key->col,
		       "unknown key '%s' in %s; did you mean '%s'?", key->text,
		       what, hint);
	else
		report(ld, PROB_UNKNOWN_KEY, key->line, key->col,
		       "unknown key '%s' in %s (keys of your own start with "
		       "x-)", key->text, what);
	return skip_value(ld);
}

static void missing_key(loader *ld, const yr_map *m, const char *key,
			const char *what)
{
	report(ld, PROB_MISSING_KEY, m->line, m->col,
	       "missing required key '%s' in %s", key, what);
}

/* A node of the wrong type: reported and skipped. */
static int bad_type(loader *ld, const yr_event *ev, const char *expected)
{
	report(ld, PROB_BAD_TYPE, ev->line, ev->col, "expected %s, found %s",
	       expected, yr_type_name(ev));
	return yr_skip(ld->r, ev);
}

/* The next node as a scalar: 1 with it in *ev; 0 when it was something
 * else (reported, skipped); negative when fatal. */
static int next_scalar(loader *ld, yr_event *ev, const char *expected)
{
	int rc;

	if ((rc = yr_next(ld->r, ev)) < 0)
		return rc;
	if (ev->type == YR_SCALAR && !yr_is_null(ev))
		return 1;
	rc = bad_type(ld, ev, expected);
	return rc < 0 ? rc : 0;
}

static const char *intern(loader *ld, const char *text, size_t len)
{
	return strtab_intern(&ld->plan->strings, text, len);
}

/* Free text into *out: 1 set, 0 reported, negative fatal. */
static int read_text(loader *ld, const char **out, yr_event *ev,
		     const char *expected)
{
	int rc = next_scalar(ld, ev, expected);

	if (rc <= 0)
		return rc;
	*out = intern(ld, ev->text, ev->len);
	return *out ? 1 : PC_ENOMEM;
}

static bool valid_id(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MAX_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

/* An identifier: like read_text; a malformed one is reported and kept,
 * so that references to it still resolve. An id names one entity of its
 * namespace, whose idmap (titles, tasks) or idindex (units, people)
 * finds it by text: it is copied, not interned, which keeps the string
 * table to the repeated strings (names, levels, references) and small. */
static int read_id_with(loader *ld, const char **out, yr_event *ev,
			char *(*copy)(arena *, const char *, size_t))
{
	int rc = next_scalar(ld, ev, "an identifier");

	if (rc <= 0)
		return rc;
	if (!(*out = copy(&ld->plan->arena, ev->text, ev->len)))
		return PC_ENOMEM;
	if (!valid_id(ev->text, ev->len))
		report(ld, PROB_BAD_VALUE, ev->line, ev->col,
		       "'%.*s' is not a valid identifier: use letters, digits, "
		       "'.', '_' and '-', starting with a letter or digit, at "
		       "most %d bytes", ev->len > 200 ? 200 : (int)ev->len,
		       ev->text, MAX_ID_LEN);
	return rc;
}

/* The id of a title, task or the plan: an idmap key, with its hash. */
static int read_id(loader *ld, const char **out, yr_event *ev)
{
	return read_id_with(ld, out, ev, str_copy);
}

/* The id of a unit or person: found through an idindex, so its length
 * alone in front (str_copy_id), four bytes less on each of a national
 * plan's 145,000. */
static int read_place_id(loader *ld, const char **out, yr_event *ev)
{
	return read_id_with(ld, out, ev, str_copy_id);
}

static int read_date(loader *ld, pc_date *out, yr_event *ev)
{
	int rc = next_scalar(ld, ev, "a date (YYYY-MM-DD)");

	if (rc <= 0)
		return rc;
	if (pc_date_parse(ev->text, ev->len, out) < 0) {
		report(ld, PROB_BAD_VALUE, ev->line, ev->col,
		       "expected a date YYYY-MM-DD (a real calendar day), "
		       "found '%s'", ev->text);
		return 0;
	}
	return 1;
}

/* A plain integer in [0, max]; what names it in the message. */
static int read_uint(loader *ld, int64_t *out, int64_t max, const char *what,
		     yr_event *ev)
{
	int64_t n;
	int rc = next_scalar(ld, ev, what);

	if (rc <= 0)
		return rc;
	if (yr_int(ev, &n) < 0 || n < 0 || n > max) {
		report(ld, PROB_BAD_VALUE, ev->line, ev->col,
		       "expected %s (a whole number from 0 to %" PRId64 "), "
		       "found %s'%s'", what, max, ev->plain ? "" : "the string ",
		       ev->text);
		return 0;
	}
	*out = n;
	return 1;
}

static int read_count(loader *ld, int64_t *out, yr_event *ev)
{
	return read_uint(ld, out, UINT32_MAX, "a count", ev);
}

/* One of names (NULL-terminated); *out is its index. */
static int read_enum(loader *ld, const char *const *names, int *out,
		     const char *what, yr_event *ev)
{
	char expected[128];
	const char *hint;
	size_t used = 0;
	int rc = next_scalar(ld, ev, what), i;

	if (rc <= 0)
		return rc;
	for (i = 0; names[i]; i++) {
		if (text_is(ev->text, ev->len, names[i])) {
			*out = i;
			return 1;
		}
	}
	expected[0] = '\0';
	for (i = 0; names[i] && used < sizeof expected; i++)
		used += (size_t)snprintf(expected + used, sizeof expected - used,
					 "%s%s", i ? (names[i + 1] ? ", " : " or ")
						   : "", names[i]);
	hint = prob_suggest(ev->text, names);
	report(ld, PROB_BAD_VALUE, ev->line, ev->col,
	       "unknown %s '%s': expected %s%s%s%s", what, ev->text, expected,
	       hint ? "; did you mean '" : "", hint ? hint : "",
	       hint ? "'?" : "");
	return 0;
}

/* The next node as a list: 1 with its start in *ev, 0 when it is null (an
 * empty list) or of another type (reported, skipped), negative when
 * fatal. */
static int next_list(loader *ld, yr_event *ev, const char *expected)
{
	int rc;

	if ((rc = yr_next(ld->r, ev)) < 0)
		return rc;
	if (ev->type == YR_SEQ_START)
		return 1;
	if (yr_is_null(ev))
		return 0;
	rc = bad_type(ld, ev, expected);
	return rc < 0 ? rc : 0;
}

/* As next_list, for mappings. */
static int next_map(loader *ld, yr_event *ev, const char *expected)
{
	int rc;

	if ((rc = yr_next(ld->r, ev)) < 0)
		return rc;
	if (ev->type == YR_MAP_START)
		return 1;
	if (yr_is_null(ev))
		return 0;
	rc = bad_type(ld, ev, expected);
	return rc < 0 ? rc : 0;
}

typedef int (*item_fn)(loader *ld, const yr_event *first, void *arg);

/* Call fn for each element of the list value that comes next. */
static int each(loader *ld, const char *expected, item_fn fn, void *arg)
{
	yr_event ev;
	int rc = next_list(ld, &ev, expected);

	if (rc <= 0)
		return rc;
	for (;;) {
		if ((rc = yr_next(ld->r, &ev)) < 0)
			return rc;
		if (ev.type == YR_SEQ_END)
			return 0;
		if ((rc = fn(ld, &ev, arg)) < 0)
			return rc;
		if (ld->oom)
			return PC_ENOMEM;
	}
}

/* The entity first with this id is first; its ploc is where_offset
 * bytes in. */
static void duplicate_id(loader *ld, const void *first, size_t where_offset,
			 const yr_event *ev, const char *what, const char *id,
			 bool *dup)
{
	const ploc *at = (const ploc *)(const void *)
			 ((const char *)first + where_offset);

	report(ld, PROB_DUPLICATE_ID, ev->line, ev->col,
	       "duplicate %s id '%s': first defined at line %u; this one is "
	       "left out", what, id, (unsigned)at->line);
	*dup = true;
}

/* The id of a new entity: registered in its namespace at once, so the
 * first definition in document order keeps the id (nested units too).
 * *dup is set when it was already taken. */
static int register_id(loader *ld, idmap *ids, const char *id, void *entity,
		       size_t where_offset, const yr_event *ev,
		       const char *what, bool *dup)
{
	void *first = NULL;
	int rc = idmap_put(ids, id, entity, &first);

	if (rc < 0)
		return PC_ENOMEM;
	if (rc == 1)
		duplicate_id(ld, first, where_offset, ev, what, id, dup);
	return 0;
}

/* Units at their place on ld->units (u->index; the unit need not be on
 * the list yet). */
static int register_unit(loader *ld, unit *u, const yr_event *ev, bool *dup)
{
	void *const *items = ld->units.items;
	uint32_t first = 0;
	int rc = idindex_put(&ld->plan->unit_ids, items, u->id, u->index,
			     &first);

	if (rc < 0)
		return PC_ENOMEM;
	if (rc == 1)
		duplicate_id(ld, items[first], offsetof(unit, where), ev,
			     "unit", u->id, dup);
	return 0;
}

/* Person p at its place, ld->npeople (it is counted when parse_person
 * keeps it). */
static int register_person(loader *ld, person *p, const yr_event *ev,
			   bool *dup)
{
	person *const *blocks = ld->people.items;
	uint32_t first = 0;
	int rc = idindex_put_by(&ld->plan->person_ids, person_id_at, blocks,
				p->id, ld->npeople, &first);

	if (rc < 0)
		return PC_ENOMEM;
	if (rc == 1)
		duplicate_id(ld, person_in_blocks(blocks, first),
			     offsetof(person, where), ev, "person", p->id,
			     dup);
	return 0;
}

/* The person that is known by id[0..len) so far, or NULL. */
static person *person_so_far(const loader *ld, const char *id, size_t len)
{
	person *const *blocks = ld->people.items;
	uint32_t at = idindex_find_by(&ld->plan->person_ids, person_id_at,
				      blocks, id, len);

	return at == UINT32_MAX ? NULL : person_in_blocks(blocks, at);
}

/* ---- attrs, tags, staff -------------------------------------------------- */

/* The type and number of an attribute's value; the text too for a
 * string. A boolean, integer or date is decided by its number, and its
 * canonical text is needed only for the first pair of its kind
 * (attr_text), so most of them never touch the string table. */
static int attr_value(loader *ld, const yr_event *ev, value *val)
{
	int64_t n;
	pc_date d;
	bool b;

	val->text = NULL;
	if (yr_bool(ev, &b) == 0) {
		val->type = VAL_BOOL;
		val->num = b;
	} else if (yr_int(ev, &n) == 0) {
		val->type = VAL_INT;
		val->num = n;
	} else if (pc_date_parse(ev->text, ev->len, &d) == 0) {
		val->type = VAL_DATE;
		val->num = d;
	} else {
		val->type = VAL_STRING;
		if (!(val->text = intern(ld, ev->text, ev->len)))
			return PC_ENOMEM;
	}
	return 0;
}

/* The canonical text of a boolean, integer or date value. */
static int attr_text(loader *ld, const yr_event *ev, value *val)
{
	char buf[32];

	switch (val->type) {
	case VAL_BOOL:
		val->text = intern(ld, val->num ? "true" : "false",
				   val->num ? 4 : 5);
		break;
	case VAL_INT:
		/* Most integers are written canonically already. */
		if (ev->text[0] != '+' && (ev->text[0] != '0' || ev->len == 1) &&
		    (ev->text[0] != '-' || (ev->text[1] != '0'))) {
			val->text = intern(ld, ev->text, ev->len);
		} else {
			snprintf(buf, sizeof buf, "%" PRId64, val->num);
			val->text = intern(ld, buf, strlen(buf));
		}
		break;
	case VAL_DATE:
		val->text = intern(ld, ev->text, ev->len);
		break;
	case VAL_STRING:
		break;
	}
	return val->text ? 0 : PC_ENOMEM;
}

/* A pair is its key, its type, and its text for a string or its number
 * for the others (whose text follows from the number). */
static bool same_pair(const attr *a, const char *key, const value *val)
{
	return a->key == key && a->val.type == val->type &&
	       (val->type == VAL_STRING ? a->val.text == val->text
					: a->val.num == val->num);
}

static size_t pair_hash(const char *key, const value *val)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ULL;
	uint64_t v = val->type == VAL_STRING ? (uint64_t)(uintptr_t)val->text
					     : (uint64_t)val->num;

	h ^= v * 0xc2b2ae3d27d4eb4fULL;
	h ^= (uint64_t)val->type;
	h ^= h >> 29;
	return (size_t)h;
}

/* The plan's one attr for key: val (key and, for a string, val->text
 * interned; see same_pair), made on first use with its canonical text;
 * NULL when out of memory. */
static const attr *pair_intern(loader *ld, const char *key, value *val,
			       const yr_event *ev)
{
	size_t i, mask;
	attr *a;

	if ((ld->npairs + 1) * 2 > ld->pairs_cap) {
		size_t ncap = ld->pairs_cap ? ld->pairs_cap * 2 : 256, j;
		attr **nt = pc_calloc(ncap, sizeof *nt);

		if (!nt)
			return NULL;
		for (j = 0; j < ld->pairs_cap; j++) {
			if (!ld->pairs[j])
				continue;
			for (i = pair_hash(ld->pairs[j]->key, &ld->pairs[j]->val)
				 & (ncap - 1); nt[i]; i = (i + 1) & (ncap - 1))
				;
			nt[i] = ld->pairs[j];
		}
		pc_free(ld->pairs);
		ld->pairs = nt;
		ld->pairs_cap = ncap;
	}
	mask = ld->pairs_cap - 1;
	for (i = pair_hash(key, val) & mask; (a = ld->pairs[i]);
	     i = (i + 1) & mask)
		if (same_pair(a, key, val))
			return a;
	if (!val->text && attr_text(ld, ev, val) < 0)
		return NULL;
	if (!(a = arena_alloc(&ld->plan->arena, sizeof *a)))
		return NULL;
	a->key = key;
	a->val = *val;
	ld->pairs[i] = a;
	ld->npairs++;
	return a;
}

static size_t list_hash(void *const *items, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ (uint64_t)(uintptr_t)items[i]) * 0xc2b2ae3d27d4eb4fULL;
		h ^= h >> 29;
	}
	return (size_t)h;
}

/* The plan's one list of the attrs ld->attrs holds from mark on (the
 * same attrs in the same order), which leave ld->attrs. Attrs are
 * shared (pair_intern), so are lists: a national plan writes a hundred
 * thousand lists and fifteen thousand different ones, and a list is a
 * pointer an attr. 0 or PC_ENOMEM. */
static int list_intern(loader *ld, size_t mark, attrs *out)
{
	size_t n = ld->attrs.n - mark, i, mask;
	void *const *items;
	const attr_list **slot;
	attr_list *l;

	out->list = NULL;
	if (!n)
		return 0;
	items = (void *const *)ld->attrs.items + mark;
	if (n > UINT32_MAX)
		return PC_ENOMEM;
	if ((ld->nlists + 1) * 2 > ld->lists_cap) {
		size_t ncap = ld->lists_cap ? ld->lists_cap * 2 : 256, j;
		const attr_list **nt = pc_calloc(ncap, sizeof *nt);

		if (!nt)
			return PC_ENOMEM;
		for (j = 0; j < ld->lists_cap; j++) {
			const attr_list *old = ld->lists[j];

			if (!old)
				continue;
			for (i = list_hash((void *const *)old->items, old->count)
				 & (ncap - 1); nt[i]; i = (i + 1) & (ncap - 1))
				;
			nt[i] = old;
		}
		pc_free(ld->lists);
		ld->lists = nt;
		ld->lists_cap = ncap;
	}
	mask = ld->lists_cap - 1;
	for (i = list_hash(items, n) & mask; *(slot = &ld->lists[i]);
	     i = (i + 1) & mask) {
		if ((*slot)->count == n &&
		    memcmp((*slot)->items, items, n * sizeof *items) == 0)
			goto found;
	}
	l = arena_alloc(&ld->plan->arena,
			sizeof *l + n * sizeof l->items[0]);
	if (!l)
		return PC_ENOMEM;
	l->count = (uint32_t)n;
	memcpy(l->items, items, n * sizeof l->items[0]);
	*slot = l;
	ld->nlists++;
found:
	out->list = *slot;
	ld->attrs.n = mark;
	return 0;
}

/* attrs: a mapping of names to scalars. */
static int read_attrs(loader *ld, attrs *out)
{
	size_t mark = ld->attrs.n;
	yr_map m;
	yr_event key, ev;
	int rc = next_map(ld, &ev, "a mapping of attributes");

	if (rc <= 0)
		return rc;
	yr_map_begin(ld->r, &m, &ev);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		const attr *a;
		value val = { VAL_STRING, NULL, 0 };
		const char *name = intern(ld, key.text, key.len);

		if (!name) {
			rc = PC_ENOMEM;
			break;
		}
		if ((rc = yr_next(ld->r, &ev)) < 0)
			break;
		if (ev.type != YR_SCALAR || yr_is_null(&ev)) {
			report(ld, PROB_BAD_TYPE, ev.line, ev.col,
			       "attribute '%s' must be a string, integer, "
			       "boolean or date, found %s", name,
			       yr_type_name(&ev));
			if ((rc = yr_skip(ld->r, &ev)) < 0)
				break;
			continue;
		}
		if ((rc = attr_value(ld, &ev, &val)) < 0)
			break;
		if (!(a = pair_intern(ld, name, &val, &ev)) ||
		    vec_push_ptr(&ld->attrs, (void *)(uintptr_t)a) < 0) {
			rc = PC_ENOMEM;
			break;
		}
	}
	if (rc < 0) {
		yr_map_abort(ld->r, &m);
		return rc;
	}
	return list_intern(ld, mark, out);
}

static int read_tags(loader *ld, const char ***tags, uint32_t *ntags)
{
	size_t mark = ld->tags.n;
	yr_event ev;
	int rc = next_list(ld, &ev, "a list of tags");

	if (rc <= 0)
		return rc;
	for (;;) {
		const char *tag;

		if ((rc = yr_next(ld->r, &ev)) < 0)
			return rc;
		if (ev.type == YR_SEQ_END)
			break;
		if (ev.type != YR_SCALAR || yr_is_null(&ev)) {
			if ((rc = bad_type(ld, &ev, "a tag (a string)")) < 0)
				return rc;
			continue;
		}
		tag = intern(ld, ev.text, ev.len);
		if (!tag || vec_push_ptr(&ld->tags, (void *)(uintptr_t)tag) < 0)
			return PC_ENOMEM;
	}
	return vec_take(&ld->tags, mark, sizeof(char *), &ld->plan->arena,
			tags, ntags);
}

static const char *const staff_keys[] = { "baseline", "quota", "actual", NULL };

static int read_staff(loader *ld, unit *u)
{
	yr_map m;
	yr_event key, ev;
	int64_t n;
	int rc = next_map(ld, &ev, "a mapping (baseline, quota, actual)");

	if (rc <= 0)
		return rc;
	u->staff.given = true;
	yr_map_begin(ld->r, &m, &ev);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, staff_keys)) {
		case 0:
			if ((rc = read_count(ld, &n, &ev)) == 1) {
				u->staff.baseline = (uint32_t)n;
				u->staff.has_baseline = true;
			}
			break;
		case 1:
			if ((rc = read_count(ld, &n, &ev)) == 1) {
				u->staff.quota = (uint32_t)n;
				u->staff.has_quota = true;
			}
			break;
		case 2:
			if ((rc = read_count(ld, &n, &ev)) == 1) {
				u->staff.actual = (uint32_t)n;
				u->staff.has_actual = true;
			}
			break;
		default:
			rc = unknown_key(ld, &key, staff_keys, "staff");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	return rc;
}

/* ---- positions ----------------------------------------------------------- */

/* Holder ids go to ld->holder_refs; *n counts them. */
static int read_holders(loader *ld, uint32_t *n)
{
	yr_event ev;
	int rc = next_list(ld, &ev, "a list of person ids");

	if (rc <= 0)
		return rc;
	for (;;) {
		holder_ref *h;

		if ((rc = yr_next(ld->r, &ev)) < 0)
			return rc;
		if (ev.type == YR_SEQ_END)
			return 0;
		if (ev.type != YR_SCALAR || yr_is_null(&ev)) {
			if ((rc = bad_type(ld, &ev, "a person id")) < 0)
				return rc;
			continue;
		}
		if (!(h = vec_push(&ld->holder_refs, sizeof *h)))
			return PC_ENOMEM;
		h->who = person_so_far(ld, ev.text, ev.len);
		if (!h->who && !(h->id = intern(ld, ev.text, ev.len)))
			return PC_ENOMEM;
		h->line = ev.line;
		h->col = ev.col;
		(*n)++;
	}
}

#define FEW_HOLDERS 16

/* A list for n holders, its count set, or NULL (out of memory). */
static holders_list *holders_new(loader *ld, uint32_t n)
{
	holders_list *l = arena_alloc(&ld->plan->arena,
				      offsetof(holders_list, items) +
				      (size_t)n * sizeof(person *));

	if (l)
		l->n = n;
	return l;
}

/* Empty ld->set with room for n people: 0 or PC_ENOMEM. An open
 * addressing table, at most half full, only for a long list of holders:
 * a position has a handful, compared pairwise. The table is sized for
 * this list, however long an earlier one was: clearing it costs no more
 * than the list. */
static int person_set_reset(loader *ld, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n) {
		if (cap > SIZE_MAX / 4 / sizeof *ld->set)
			return PC_ENOMEM;
		cap *= 2;
	}
	if (cap > ld->set_cap) {
		const person **t = pc_malloc(cap * sizeof *t);

		if (!t)
			return PC_ENOMEM;
		pc_free(ld->set);
		ld->set = t;
		ld->set_cap = cap;
	}
	memset(ld->set, 0, cap * sizeof *ld->set);
	ld->set_mask = cap - 1;
	return 0;
}

/* Add p to ld->set: true when it was there already. */
static bool person_set_add(loader *ld, const person *p)
{
	size_t mask = ld->set_mask;
	size_t i = (size_t)(((uintptr_t)p >> 3) * UINT64_C(0x9e3779b97f4a7c15)
			    >> 20) & mask;

	for (; ld->set[i]; i = (i + 1) & mask)
		if (ld->set[i] == p)
			return true;
	ld->set[i] = p;
	return false;
}

/* The holders of a position just read, when every one is a known person
 * listed once: 1, p->holders set and the refs dropped. 0 when the
 * position must wait for the end of the pass (its refs stay). */
static int holders_now(loader *ld, const pending_position *pend, position *p)
{
	const holder_ref *refs = (const holder_ref *)ld->holder_refs.items +
				 pend->first;
	uint32_t j, k;

	/* A position has a handful of holders: compare them by pointer,
	 * and through a table only for a long list. */
	if (pend->n <= FEW_HOLDERS) {
		for (j = 0; j < pend->n; j++) {
			if (!refs[j].who)
				return 0;
			for (k = 0; k < j; k++)
				if (refs[k].who == refs[j].who)
					return 0;
		}
		goto known;
	}
	if (person_set_reset(ld, pend->n) < 0)
		return PC_ENOMEM;
	for (j = 0; j < pend->n; j++)
		if (!refs[j].who || person_set_add(ld, refs[j].who))
			return 0;
known:
	if (pend->n == 1) {
		p->held = refs[0].who;
	} else {
		holders_list *l = holders_new(ld, pend->n);

		if (!l)
			return PC_ENOMEM;
		for (j = 0; j < pend->n; j++)
			l->items[j] = refs[j].who;
		p->held = held_mark(l);
	}
	ld->holder_refs.n = pend->first;
	return 1;
}

/* A position's title id, as its place in ld->title_refs (a new place
 * for an id no position wrote before). 1, 0 (not a scalar: reported),
 * or PC_ENOMEM. */
static int read_title_ref(loader *ld, uint32_t *ref, yr_event *ev)
{
	const char *id;
	void *found;
	int rc = read_text(ld, &id, ev, "a title id");

	if (rc <= 0)
		return rc;
	if ((found = idmap_get_str(&ld->ref_ids, id))) {
		*ref = (uint32_t)((uintptr_t)found - 1);
		return 1;
	}
	if (ld->title_refs.n >= NO_TITLE_REF - 1 ||
	    idmap_put(&ld->ref_ids, id,
		      (void *)(uintptr_t)(ld->title_refs.n + 1), NULL) < 0 ||
	    vec_push_ptr(&ld->title_refs, (void *)(uintptr_t)id) < 0)
		return PC_ENOMEM;
	*ref = (uint32_t)(ld->title_refs.n - 1);
	return 1;
}

static const char *const position_keys[] = {
	"title", "holders", "slots", "baseline", NULL
};

/* The list of positions being read: the unit, and where its positions
 * start on ld->positions. */
typedef struct position_list {
	unit *owner;
	size_t mark;
} position_list;

static int parse_position(loader *ld, const yr_event *first, void *arg)
{
	const position_list *list = arg;
	position p, *slot;
	pending_position pend, *pp;
	bool has_slots = false, has_baseline = false;
	uint32_t slots_line = 0, slots_col = 0;
	int64_t slots = 0, baseline = 0;
	yr_map m;
	yr_event key, ev;
	int rc;

	if (first->type != YR_MAP_START)
		return bad_type(ld, first, "a position (a mapping)");
	memset(&p, 0, sizeof p);
	p.title_ref = NO_TITLE_REF;
	p.unit_at = NO_UNIT;
	pend.owner = list->owner;
	pend.k = (uint32_t)(ld->positions.n - list->mark);
	pend.n = 0;
	pend.first = ld->holder_refs.n;
	p.where = node_at(first->line, first->col);
	yr_map_begin(ld->r, &m, first);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, position_keys)) {
		case 0:
			rc = read_title_ref(ld, &p.title_ref, &ev);
			break;
		case 1:
			rc = read_holders(ld, &pend.n);
			break;
		case 2:
			rc = read_count(ld, &slots, &ev);
			has_slots |= rc == 1;
			slots_line = ev.line;
			slots_col = ev.col;
			break;
		case 3:
			rc = read_count(ld, &baseline, &ev);
			has_baseline |= rc == 1;
			break;
		default:
			rc = unknown_key(ld, &key, position_keys, "a position");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (p.title_ref == NO_TITLE_REF)
		missing_key(ld, &m, "title", "a position");
	if (has_slots && (uint64_t)slots < pend.n)
		report(ld, PROB_BAD_VALUE, slots_line, slots_col,
		       "slots is %" PRId64 " but %u holders are listed; raise "
		       "slots or remove a holder", slots, (unsigned)pend.n);
	p.slots = has_slots ? (uint32_t)slots : pend.n;
	p.baseline = has_baseline ? (uint32_t)baseline : p.slots;
	if (pend.n) {
		if ((rc = holders_now(ld, &pend, &p)) < 0)
			return rc;
		if (rc == 0 && !(pp = vec_push(&ld->pending, sizeof *pp)))
			return PC_ENOMEM;
		if (rc == 0)
			*pp = pend;
	}
	if (!(slot = vec_push(&ld->positions, sizeof *slot)))
		return PC_ENOMEM;
	*slot = p;
	return 0;
}

static int read_positions(loader *ld, unit *u)
{
	position_list list = { u, ld->positions.n };
	int rc = each(ld, "a list of positions", parse_position, &list);

	if (rc < 0)
		return rc;
	return vec_take(&ld->positions, list.mark, sizeof(position),
			&ld->plan->arena, &u->positions, &u->npositions);
}

/* ---- progress ------------------------------------------------------------ */

static const char *const progress_keys[] = { "done", "percent", NULL };

static int read_progress_entry(loader *ld, progress *pr)
{
	bool has_done = false, has_percent = false, given = false;
	int64_t percent = 0;
	yr_map m;
	yr_event key, ev;
	int rc;

	if ((rc = yr_next(ld->r, &ev)) < 0)
		return rc;
	if (ev.type != YR_MAP_START)
		return bad_type(ld, &ev, "{done: DATE} or {percent: N}");
	yr_map_begin(ld->r, &m, &ev);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		int k = key_index(&key, progress_keys);

		given |= k >= 0;
		switch (k) {
		case 0:
			rc = read_date(ld, &pr->done, &ev);
			has_done |= rc == 1;
			break;
		case 1:
			rc = read_uint(ld, &percent, 100, "a percent", &ev);
			has_percent |= rc == 1;
			break;
		default:
			rc = unknown_key(ld, &key, progress_keys,
					 "a progress entry");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (!given) {
		report(ld, PROB_MISSING_KEY, m.line, m.col,
		       "a progress entry needs done or percent: {done: DATE} "
		       "or {percent: N}");
	} else if (has_done && has_percent) {
		report(ld, PROB_BAD_VALUE, m.line, m.col,
		       "a progress entry gives either done (finished) or "
		       "percent (not finished), not both");
		pr->done = PC_NODATE;
	} else if (has_percent) {
		pr->percent = (int)percent;
	}
	return 0;
}

/* progress: task id -> {done: DATE} | {percent: N}. */
static int read_progress(loader *ld, unit *u)
{
	size_t mark = ld->progress.n;
	yr_map m;
	yr_event key, ev;
	int rc = next_map(ld, &ev, "a mapping of task ids to progress");

	if (rc <= 0)
		return rc;
	yr_map_begin(ld->r, &m, &ev);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		progress *pr = vec_push(&ld->progress, sizeof *pr);

		if (!pr || !(pr->task_id = intern(ld, key.text, key.len))) {
			rc = PC_ENOMEM;
			break;
		}
		pr->done = PC_NODATE;
		pr->percent = -1;
		pr->where = node_at(key.line, key.col);
		/* Nothing else is pushed on ld->progress meanwhile, so pr
		 * stays where it is. */
		if ((rc = read_progress_entry(ld, pr)) < 0)
			break;
	}
	if (rc < 0) {
		yr_map_abort(ld->r, &m);
		return rc;
	}
	return vec_take(&ld->progress, mark, sizeof(progress), &ld->plan->arena,
			&u->progress, &u->nprogress);
}

/* ---- units --------------------------------------------------------------- */

static const char *const unit_keys[] = {
	"id", "name", "level", "kind", "tags", "attrs", "status", "into",
	"effective", "staff", "positions", "progress", "units", "parent", NULL
};
enum {
	U_ID, U_NAME, U_LEVEL, U_KIND, U_TAGS, U_ATTRS, U_STATUS, U_INTO,
	U_EFFECTIVE, U_STAFF, U_POSITIONS, U_PROGRESS, U_UNITS, U_PARENT
};

/* In the order of enum unit_status. */
static const char *const status_names[] = {
	"active", "new", "merged", "dissolved", NULL
};

static int parse_unit(loader *ld, const yr_event *first, void *arg);

static int read_units(loader *ld, unit *parent)
{
	return each(ld, "a list of units", parse_unit, parent);
}

/* One unit mapping; arg is the unit it is nested under, or NULL. */
static int parse_unit(loader *ld, const yr_event *first, void *arg)
{
	pc_plan *plan = ld->plan;
	size_t mark = plan->nfindings;
	uint32_t into_line = 0, into_col = 0, parent_line = 0, parent_col = 0;
	const char **tags = NULL, *into_id = NULL, *parent_id = NULL;
	uint32_t ntags = 0;
	bool dup = false;
	unit *u;
	yr_map m;
	yr_event key, ev;
	int rc, status;

	if (first->type != YR_MAP_START)
		return bad_type(ld, first, "a unit (a mapping)");
	if (ld->units.n >= ld->limits.max_units)
		return fatal(ld, PC_ELIMIT, first->line, first->col,
			     "more than %u units: over the limit of units in "
			     "one plan; split it into several plans (one "
			     "run checks them all)",
			     (unsigned)ld->limits.max_units);
	if (!(u = arena_zalloc(&plan->arena, sizeof *u)))
		return PC_ENOMEM;
	u->where = node_at(first->line, first->col);
	u->status = ST_ACTIVE;
	u->effective = PC_NODATE;
	u->parent = arg;
	u->index = (uint32_t)ld->units.n;
	if (vec_push_ptr(&ld->units, u) < 0)
		return PC_ENOMEM;

	yr_map_begin(ld->r, &m, first);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, unit_keys)) {
		case U_ID:
			rc = read_place_id(ld, &u->id, &ev);
			if (rc == 1)
				rc = register_unit(ld, u, &ev, &dup);
			break;
		case U_NAME:
			rc = read_text(ld, &u->name, &ev, "a name");
			break;
		case U_LEVEL:
			rc = read_text(ld, &u->level, &ev, "a level");
			break;
		case U_KIND:
			rc = read_text(ld, &u->kind, &ev, "a kind");
			break;
		case U_TAGS:
			rc = read_tags(ld, &tags, &ntags);
			break;
		case U_ATTRS:
			rc = read_attrs(ld, &u->attrs);
			break;
		case U_STATUS:
			rc = read_enum(ld, status_names, &status, "status", &ev);
			if (rc == 1)
				u->status = (unit_status)status;
			break;
		case U_INTO:
			rc = read_text(ld, &into_id, &ev, "a unit id");
			into_line = ev.line;
			into_col = ev.col;
			break;
		case U_EFFECTIVE:
			rc = read_date(ld, &u->effective, &ev);
			break;
		case U_STAFF:
			rc = read_staff(ld, u);
			break;
		case U_POSITIONS:
			rc = read_positions(ld, u);
			break;
		case U_PROGRESS:
			rc = read_progress(ld, u);
			break;
		case U_UNITS:
			rc = read_units(ld, u);
			break;
		case U_PARENT:
			rc = read_text(ld, &parent_id, &ev, "a unit id");
			parent_line = ev.line;
			parent_col = ev.col;
			break;
		default:
			rc = unknown_key(ld, &key, unit_keys, "a unit");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;

	if (!u->id)
		missing_key(ld, &m, "id", "a unit");
	if (!u->level) {
		missing_key(ld, &m, "level", "a unit");
		if (!(u->level = intern(ld, "", 0)))
			return PC_ENOMEM;
	}
	if (!u->name)
		u->name = u->id;
	if (u->status == ST_MERGED && !into_id)
		report(ld, PROB_MISSING_KEY, m.line, m.col,
		       "missing required key 'into' in a merged unit: name "
		       "the unit it merges into");
	if (into_id && u->status != ST_MERGED) {
		report(ld, PROB_BAD_VALUE, into_line, into_col,
		       "into is only for a unit whose status is merged (this "
		       "one is %s)", status_names[u->status]);
		into_id = NULL;
	}
	if (ntags || into_id) {
		if (!(u->extra = arena_zalloc(&plan->arena, sizeof *u->extra)))
			return PC_ENOMEM;
		u->extra->tags = tags;
		u->extra->ntags = ntags;
		u->extra->into_id = into_id;
	}
	if (u->parent && parent_id) {
		report(ld, PROB_BAD_VALUE, parent_line, parent_col,
		       "this unit is nested under the units of '%s' and also "
		       "names parent '%s'; use one or the other",
		       u->parent->id ? u->parent->id : "?", parent_id);
	} else if (parent_id) {
		unit_parent *up = vec_push(&ld->parents, sizeof *up);

		if (!up)
			return PC_ENOMEM;
		up->u = u;
		up->parent_id = parent_id;
	}
	if (!u->id || dup)
		((unit **)ld->units.items)[u->index] = NULL;
	set_targets(ld, mark, PC_TARGET_UNIT, u->id);
	return 0;
}

/* After the pass: units left out are dropped from the list; units nested
 * under one of them hang from the unit that holds its id, if any. */
static int compact_units(loader *ld)
{
	pc_plan *plan = ld->plan;
	unit **all = ld->units.items;
	size_t i, n = 0;

	for (i = 0; i < ld->units.n; i++) {
		unit *u = all[i], *p;

		if (!u || !(p = u->parent) || all[p->index] == p)
			continue;
		u->parent = p->id ? idindex_get(&plan->unit_ids,
						(void *const *)all, p->id,
						str_len(p->id)) : NULL;
	}
	for (i = 0; i < ld->units.n; i++) {
		if (!all[i])
			continue;
		all[i]->index = (uint32_t)n;
		all[n++] = all[i];
	}
	/* Units left out leave gaps: places move down. */
	if (n != ld->units.n)
		idindex_rebuild(&plan->unit_ids, (void *const *)all,
				(uint32_t)n);
	ld->units.n = n;
	/* The loader keeps this list, in document order: plan_resolve puts
	 * the units in a new one, in pre-order, and this one goes when
	 * loading ends (on a national plan, a quarter of a MiB). */
	plan->units = all;
	plan->nunits = (uint32_t)n;
	return 0;
}

/* Holders, now that every person is known. */
static int resolve_holders(loader *ld)
{
	pc_plan *plan = ld->plan;
	const holder_ref *refs = ld->holder_refs.items;
	const pending_position *pend = ld->pending.items;
	size_t i;
	int rc = 0;

	/* Usually every holder was resolved while reading (holders_now):
	 * then there is nothing to do. */
	for (i = 0; i < ld->pending.n; i++) {
		const pending_position *pp = &pend[i];
		position *p = &pp->owner->positions[pp->k];
		const char *unit_id = pp->owner->id ? pp->owner->id : "";
		holders_list *l = holders_new(ld, pp->n);
		person **all = l ? l->items : NULL;
		bool long_list = pp->n > FEW_HOLDERS;
		uint32_t j, k, n = 0;

		if (!all || (long_list && person_set_reset(ld, pp->n) < 0)) {
			rc = PC_ENOMEM;
			break;
		}
		for (j = 0; j < pp->n; j++) {
			const holder_ref *h = &refs[pp->first + j];
			person *who = h->who ? h->who
				      : plan_person_by_id(plan, h->id,
							  str_len(h->id));
			size_t before = plan->nfindings;
			bool twice = false;

			if (who && long_list) {
				twice = person_set_add(ld, who);
			} else if (who) {
				for (k = 0; k < n && all[k] != who; k++)
					;
				twice = k < n;
			}
			if (!who)
				report(ld, PROB_UNKNOWN_REF, h->line, h->col,
				       "holder '%s' is not a person id defined "
				       "in this plan", h->id);
			else if (twice)
				report(ld, PROB_DUPLICATE_ID, h->line, h->col,
				       "person '%s' is listed twice among this "
				       "position's holders", who->id);
			set_targets(ld, before, PC_TARGET_UNIT, unit_id);
			if (who && !twice)
				all[n++] = who;
		}
		l->n = n;
		p->held = n == 0 ? NULL : n == 1 ? (void *)all[0]
						 : held_mark(l);
	}
	pc_free(ld->set);
	ld->set = NULL;
	ld->set_cap = ld->set_mask = 0;
	return rc;
}

/* ---- titles, people, tasks, waivers -------------------------------------- */

static const char *const title_keys[] = {
	"id", "name", "kind", "leadership", NULL
};
/* In the order of enum leadership. */
static const char *const leadership_names[] = {
	"none", "head", "deputy", NULL
};

static int parse_title(loader *ld, const yr_event *first, void *arg)
{
	pc_plan *plan = ld->plan;
	size_t mark = plan->nfindings;
	bool dup = false;
	title *t;
	yr_map m;
	yr_event key, ev;
	int rc, lead;

	(void)arg;
	if (first->type != YR_MAP_START)
		return bad_type(ld, first, "a title (a mapping)");
	if (!(t = arena_zalloc(&plan->arena, sizeof *t)))
		return PC_ENOMEM;
	t->where = node_at(first->line, first->col);
	t->leadership = LEAD_NONE;
	yr_map_begin(ld->r, &m, first);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, title_keys)) {
		case 0:
			rc = read_id(ld, &t->id, &ev);
			if (rc == 1)
				rc = register_id(ld, &plan->title_ids, t->id, t,
						 offsetof(title, where), &ev,
						 "title", &dup);
			break;
		case 1:
			rc = read_text(ld, &t->name, &ev, "a name");
			break;
		case 2:
			rc = read_text(ld, &t->kind, &ev, "a kind");
			break;
		case 3:
			rc = read_enum(ld, leadership_names, &lead,
				       "leadership", &ev);
			if (rc == 1)
				t->leadership = lead == 1 ? LEAD_HEAD
					      : lead == 2 ? LEAD_DEPUTY
							  : LEAD_NONE;
			break;
		default:
			rc = unknown_key(ld, &key, title_keys, "a title");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (!t->id)
		missing_key(ld, &m, "id", "a title");
	if (!t->name)
		t->name = t->id;
	set_targets(ld, mark, PC_TARGET_TITLE, t->id);
	if (!t->id || dup)
		return 0;
	t->index = (uint32_t)ld->titles.n;
	return vec_push_ptr(&ld->titles, t);
}

static const char *const person_keys[] = { "id", "name", "attrs", NULL };

/* The record of the next person, at place ld->npeople, zeroed: a new
 * block every PEOPLE_BLOCK people. It is counted only when parse_person
 * keeps it; else the next person takes the same record. */
static person *next_person(loader *ld)
{
	uint32_t n = ld->npeople;
	person *p;

	if (ld->people.n == (size_t)(n >> PEOPLE_BLOCK_SHIFT)) {
		person *block = arena_alloc(&ld->plan->arena,
					    PEOPLE_BLOCK * sizeof *block);

		if (!block || vec_push_ptr(&ld->people, block) < 0)
			return NULL;
	}
	p = person_in_blocks(ld->people.items, n);
	memset(p, 0, sizeof *p);
	return p;
}

static int parse_person(loader *ld, const yr_event *first, void *arg)
{
	pc_plan *plan = ld->plan;
	size_t mark = plan->nfindings;
	bool dup = false;
	person *p;
	yr_map m;
	yr_event key, ev;
	int rc;

	(void)arg;
	if (first->type != YR_MAP_START)
		return bad_type(ld, first, "a person (a mapping)");
	if (ld->people_seen++ >= ld->limits.max_people)
		return fatal(ld, PC_ELIMIT, first->line, first->col,
			     "more than %u people: over the limit of people "
			     "in one plan; split it into several plans (one "
			     "run checks them all)",
			     (unsigned)ld->limits.max_people);
	if (!(p = next_person(ld)))
		return PC_ENOMEM;
	p->where = node_at(first->line, first->col);
	yr_map_begin(ld->r, &m, first);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, person_keys)) {
		case 0:
			rc = read_place_id(ld, &p->id, &ev);
			if (rc == 1)
				rc = register_person(ld, p, &ev, &dup);
			break;
		case 1:
			rc = read_text(ld, &p->name, &ev, "a name");
			break;
		case 2:
			rc = read_attrs(ld, &p->attrs);
			break;
		default:
			rc = unknown_key(ld, &key, person_keys, "a person");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (!p->id)
		missing_key(ld, &m, "id", "a person");
	if (!p->name)
		p->name = p->id;
	set_targets(ld, mark, PC_TARGET_PERSON, p->id);
	if (!p->id || dup)
		return 0;
	ld->npeople++;
	return 0;
}

static const char *const task_keys[] = {
	"id", "name", "applies_to", "start", "due", NULL
};

static int parse_task(loader *ld, const yr_event *first, void *arg)
{
	pc_plan *plan = ld->plan;
	size_t mark = plan->nfindings;
	bool dup = false, seen_due = false;
	task *t;
	yr_map m;
	yr_event key, ev;
	int rc;

	(void)arg;
	if (first->type != YR_MAP_START)
		return bad_type(ld, first, "a task (a mapping)");
	if (!(t = arena_zalloc(&plan->arena, sizeof *t)))
		return PC_ENOMEM;
	t->where = node_at(first->line, first->col);
	t->start = PC_NODATE;
	t->due = PC_NODATE;
	t->applies_to.status_mask = STATUS_AFTER;
	t->applies_to.line = first->line;
	t->applies_to.col = first->col;
	yr_map_begin(ld->r, &m, first);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, task_keys)) {
		case 0:
			rc = read_id(ld, &t->id, &ev);
			if (rc == 1)
				rc = register_id(ld, &plan->task_ids, t->id, t,
						 offsetof(task, where), &ev,
						 "task", &dup);
			break;
		case 1:
			rc = read_text(ld, &t->name, &ev, "a name");
			break;
		case 2:
			if ((rc = yr_next(ld->r, &ev)) < 0)
				break;
			rc = selector_parse(ld->r, &ev, &plan->arena,
					    &ld->limits, &ld->probs,
					    &t->applies_to);
			break;
		case 3:
			rc = read_date(ld, &t->start, &ev);
			break;
		case 4:
			seen_due = true;
			rc = read_date(ld, &t->due, &ev);
			break;
		default:
			rc = unknown_key(ld, &key, task_keys, "a task");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (!t->id)
		missing_key(ld, &m, "id", "a task");
	if (!seen_due)
		missing_key(ld, &m, "due", "a task");
	if (!t->name)
		t->name = t->id;
	set_targets(ld, mark, PC_TARGET_TASK, t->id);
	if (!t->id || dup)
		return 0;
	t->index = (uint32_t)ld->tasks.n;
	return vec_push_ptr(&ld->tasks, t);
}

static const char *const waiver_keys[] = {
	"rule", "target", "reason", "approved_by", "expires", NULL
};

static int parse_waiver(loader *ld, const yr_event *first, void *arg)
{
	pc_plan *plan = ld->plan;
	size_t mark = plan->nfindings;
	waiver w, *slot;
	/* Addresses only: w is cleared before anything is read from it. */
	/* cppcheck-suppress uninitvar */
	const char **field[] = { &w.rule, &w.target, &w.reason,
				 &w.approved_by };
	bool seen[4] = { false, false, false, false };
	yr_map m;
	yr_event key, ev;
	int rc, k;

	(void)arg;
	if (first->type != YR_MAP_START)
		return bad_type(ld, first, "a waiver (a mapping)");
	memset(&w, 0, sizeof w);
	w.expires = PC_NODATE;
	w.where = here(ld, first->line, first->col);
	yr_map_begin(ld->r, &m, first);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		k = key_index(&key, waiver_keys);
		if (k >= 0 && k < 4) {
			seen[k] = true;
			rc = read_text(ld, field[k], &ev, k == 0 ? "a rule id"
				       : k == 1 ? "an id" : "text");
		} else if (k == 4) {
			rc = read_date(ld, &w.expires, &ev);
		} else {
			rc = unknown_key(ld, &key, waiver_keys, "a waiver");
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	for (k = 0; k < 4; k++)
		if (!seen[k])
			missing_key(ld, &m, waiver_keys[k], "a waiver");
	set_targets(ld, mark, PC_TARGET_WAIVER, w.rule);
	if (!w.rule || !w.target || !w.reason || !w.approved_by)
		return 0;
	w.info.reason = w.reason;
	w.info.approved_by = w.approved_by;
	w.info.expires = w.expires;
	w.info.location.file = w.where.file;
	w.info.location.line = w.where.line;
	w.info.location.column = w.where.col;
	if (!(slot = vec_push(&ld->waivers, sizeof *slot)))
		return PC_ENOMEM;
	*slot = w;
	return 0;
}

/* ---- the top level ------------------------------------------------------- */

/* A rule file path, relative to the plan file's directory. */
static const char *rule_path(loader *ld, const char *path, size_t len)
{
	const char *file = ld->plan->file;
	const char *slash = strrchr(file, '/');

	if (path[0] == '/' || !slash)
		return intern(ld, path, len);
	return arena_printf(&ld->plan->arena, "%.*s%s",
			    (int)(slash - file + 1), file, path);
}

static int parse_rule_ref(loader *ld, const yr_event *first, void *arg)
{
	rule_ref *ref;

	(void)arg;
	if (first->type != YR_SCALAR || yr_is_null(first))
		return bad_type(ld, first, "a rule file path (a string)");
	if (!(ref = vec_push(&ld->rules, sizeof *ref)) ||
	    !(ref->path = rule_path(ld, first->text, first->len)))
		return PC_ENOMEM;
	ref->where = here(ld, first->line, first->col);
	return 0;
}

static const char *const plan_keys[] = {
	"id", "name", "authority", "start", "end", "as_of", NULL
};

static int read_plan_section(loader *ld)
{
	pc_plan *plan = ld->plan;
	const char *id = NULL, *name = NULL, *authority = NULL;
	yr_map m;
	yr_event key, ev;
	int rc = next_map(ld, &ev, "a mapping (id, name, ...)");

	if (rc < 0)
		return rc;
	if (rc == 0) {
		/* Null or a wrong type (reported): the plan has no id. */
		if (yr_is_null(&ev))
			report(ld, PROB_BAD_TYPE, ev.line, ev.col,
			       "expected a mapping (id, name, ...), found "
			       "null");
		return 0;
	}
	plan->where = here(ld, ev.line, ev.col);
	yr_map_begin(ld->r, &m, &ev);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, plan_keys)) {
		case 0:
			rc = read_id(ld, &id, &ev);
			break;
		case 1:
			rc = read_text(ld, &name, &ev, "a name");
			break;
		case 2:
			rc = read_text(ld, &authority, &ev, "text");
			break;
		case 3:
			rc = read_date(ld, &plan->start, &ev);
			break;
		case 4:
			rc = read_date(ld, &plan->end, &ev);
			break;
		case 5:
			rc = read_date(ld, &plan->as_of, &ev);
			break;
		default:
			rc = unknown_key(ld, &key, plan_keys, "plan");
			break;
		}
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (!id)
		missing_key(ld, &m, "id", "plan");
	if (!name)
		missing_key(ld, &m, "name", "plan");
	if (plan->start != PC_NODATE && plan->end != PC_NODATE &&
	    plan->end < plan->start)
		report(ld, PROB_BAD_VALUE, m.line, m.col,
		       "the plan ends before it starts (end is before start)");
	if (id)
		plan->id = id;
	if (name)
		plan->name = name;
	if (authority)
		plan->authority = authority;
	return 0;
}

/* plancheck: must be plan/1. Anything else stops the load. */
static int read_format(loader *ld)
{
	yr_event ev;
	int rc;

	if ((rc = yr_next(ld->r, &ev)) < 0)
		return rc;
	if (ev.type == YR_SCALAR && text_is(ev.text, ev.len, "plan/1"))
		return 0;
	if (ev.type == YR_SCALAR && text_is(ev.text, ev.len, "rules/1"))
		return fatal(ld, PC_EINVALID, ev.line, ev.col,
			     "this is a rule pack (plancheck: rules/1), not a "
			     "plan; pass it with --rules");
	if (ev.type == YR_SCALAR && !yr_is_null(&ev))
		return fatal(ld, PC_EINVALID, ev.line, ev.col,
			     "unsupported file format 'plancheck: %.*s': this "
			     "version reads plans written as plancheck: plan/1",
			     ev.len > 100 ? 100 : (int)ev.len, ev.text);
	return fatal(ld, PC_EINVALID, ev.line, ev.col,
		     "unsupported file format: expected plancheck: plan/1, "
		     "found %s", yr_type_name(&ev));
}

static const char *const top_keys[] = {
	"plancheck", "plan", "rules", "titles", "people", "units", "tasks",
	"waivers", NULL
};

static int read_top(loader *ld, const yr_event *root)
{
	yr_map m;
	yr_event key;
	int rc;

	yr_map_begin(ld->r, &m, root);
	while ((rc = yr_map_next(ld->r, &m, &key)) > 0) {
		switch (key_index(&key, top_keys)) {
		case 0:
			ld->seen_plancheck = true;
			rc = read_format(ld);
			break;
		case 1:
			ld->seen_plan = true;
			rc = read_plan_section(ld);
			break;
		case 2:
			rc = each(ld, "a list of rule file paths",
				  parse_rule_ref, NULL);
			break;
		case 3:
			rc = each(ld, "a list of titles", parse_title, NULL);
			break;
		case 4:
			rc = each(ld, "a list of people", parse_person, NULL);
			break;
		case 5:
			ld->seen_units = true;
			rc = read_units(ld, NULL);
			break;
		case 6:
			rc = each(ld, "a list of tasks", parse_task, NULL);
			break;
		case 7:
			rc = each(ld, "a list of waivers", parse_waiver, NULL);
			break;
		default:
			rc = unknown_key(ld, &key, top_keys, "a plan file");
			break;
		}
		if (rc == 0 && ld->oom)
			rc = PC_ENOMEM;
		if (rc == 0 && ld->limit_hit)
			rc = PC_ELIMIT;
		if (rc < 0) {
			yr_map_abort(ld->r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (!ld->seen_plancheck)
		missing_key(ld, &m, "plancheck", "a plan file (plancheck: "
			    "plan/1 says what the file is)");
	if (!ld->seen_plan)
		missing_key(ld, &m, "plan", "a plan file");
	if (!ld->seen_units)
		missing_key(ld, &m, "units", "a plan file");
	if (!ld->seen_plan)
		ld->plan->where = here(ld, m.line, m.col);
	return 0;
}

/* The document: its root must be a mapping. */
static int read_document(loader *ld)
{
	yr_event root;
	int rc = yr_begin(ld->r, &root);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return fatal(ld, PC_EINVALID, 1, 1, "empty file: no plan");
	if (yr_is_null(&root))
		return fatal(ld, PC_EINVALID, root.line, root.col,
			     "empty document: no plan");
	if (root.type != YR_MAP_START)
		return fatal(ld, PC_EINVALID, root.line, root.col,
			     "not a plancheck plan: expected a mapping "
			     "starting with `plancheck: plan/1`, found %s",
			     yr_type_name(&root));
	if ((rc = read_top(ld, &root)) < 0)
		return rc;
	return yr_finish(ld->r);
}

/* Entities into the arena, holders and references resolved. */
/* What only reading needed: the tables that share strings, attribute
 * pairs and lists, the scratch stacks. Given back before resolving, whose
 * own tables and arrays would otherwise come on top of them at the
 * load's peak. */
static void drop_reading_scratch(loader *ld)
{
	vec *scratch[] = { &ld->tags, &ld->attrs, &ld->positions, &ld->progress };
	size_t i;

	for (i = 0; i < sizeof scratch / sizeof scratch[0]; i++)
		vec_free(scratch[i]);
	pc_free(ld->pairs);
	ld->pairs = NULL;
	ld->npairs = ld->pairs_cap = 0;
	pc_free(ld->lists);
	ld->lists = NULL;
	ld->nlists = ld->lists_cap = 0;
	idmap_free(&ld->ref_ids);
	/* Nothing interns a string after reading: the table (0.75 MiB on
	 * the 63-province plan) goes, the strings stay in the arena. */
	strtab_free(&ld->plan->strings);
}

static int finish(loader *ld)
{
	pc_plan *plan = ld->plan;
	uint32_t n;
	int rc;

	drop_reading_scratch(ld);
	arena_stop_big(&plan->arena);
	if ((rc = compact_units(ld)) < 0 ||
	    (rc = vec_take(&ld->titles, 0, sizeof(title *), &plan->arena,
			   &plan->titles, &plan->ntitles)) < 0 ||
	    (rc = vec_take(&ld->people, 0, sizeof(person *), &plan->arena,
			   &plan->people_blocks, &n)) < 0 ||
	    (rc = vec_take(&ld->tasks, 0, sizeof(task *), &plan->arena,
			   &plan->tasks, &plan->ntasks)) < 0 ||
	    (rc = vec_take(&ld->waivers, 0, sizeof(waiver), &plan->arena,
			   &plan->waivers, &plan->nwaivers)) < 0 ||
	    (rc = vec_take(&ld->rules, 0, sizeof(rule_ref), &plan->arena,
			   &plan->rules, &n)) < 0 ||
	    (rc = vec_take(&ld->title_refs, 0, sizeof(char *), &plan->arena,
			   &plan->title_refs, &plan->ntitle_refs)) < 0)
		return rc;
	plan->nrules = n;
	plan->npeople = ld->npeople;
	if ((rc = resolve_holders(ld)) < 0 ||
	    (rc = plan_resolve(plan, &ld->probs, ld->parents.items,
				ld->parents.n)) < 0)
		return rc;
	/* Nothing looks a person up by id once holders and waivers are
	 * resolved, and on a national plan this is the largest table (1 MiB
	 * for 114,153 people): give it back before the rules run. */
	idindex_free(&plan->person_ids);
	if (ld->oom)
		return PC_ENOMEM;
	set_targets(ld, 0, PC_TARGET_PLAN, "");
	/* The model is complete: what its last block has not handed out
	 * (up to 2 MiB) need not stay resident while the rules run. */
	arena_trim(&plan->arena);
	return 0;
}

static pc_plan *plan_new(const char *name)
{
	pc_plan *plan = pc_calloc(1, sizeof *plan);

	if (!plan)
		return NULL;
	arena_init_big(&plan->arena);
	strtab_init(&plan->strings, &plan->arena);
	idindex_init(&plan->unit_ids);
	idmap_init(&plan->title_ids);
	idindex_init(&plan->person_ids);
	idmap_init(&plan->task_ids);
	plan->start = plan->end = plan->as_of = PC_NODATE;
	plan->id = plan->name = plan->authority = "";
	plan->file = arena_strdup(&plan->arena, name);
	if (!plan->file) {
		pc_plan_free(plan);
		return NULL;
	}
	plan->where.file = plan->file;
	plan->where.line = plan->where.col = 1;
	return plan;
}

static void loader_free(loader *ld)
{
	vec *all[] = {
		&ld->titles, &ld->people, &ld->units, &ld->tasks, &ld->waivers,
		&ld->rules, &ld->tags, &ld->attrs, &ld->positions,
		&ld->progress, &ld->holder_refs, &ld->pending, &ld->title_refs,
		&ld->parents
	};
	size_t i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		vec_free(all[i]);
	pc_free(ld->set);
	pc_free(ld->pairs);
	pc_free(ld->lists);
	idmap_free(&ld->ref_ids);
	yr_close(ld->r);
}

/* The one loading path: from path when it is not NULL, else from text. */
static int load(const char *name, const char *path, const char *text,
		size_t len, const pc_limits *limits, pc_plan **out,
		pc_errors **errors)
{
	loader ld;
	pc_errors *errs = errors_new();
	int rc;

	*out = NULL;
	if (errors)
		*errors = NULL;
	if (!errs)
		return PC_ENOMEM;
	memset(&ld, 0, sizeof ld);
	ld.errors = errs;
	if (limits)
		ld.limits = *limits;
	else
		pc_limits_default(&ld.limits);
	ld.plan = plan_new(name);
	if (!ld.plan) {
		rc = PC_ENOMEM;
		goto fail;
	}
	ld.probs.report = add_finding;
	ld.probs.ctx = &ld;
	ld.probs.file = ld.plan->file;
	if (path)
		rc = yr_open_file(&ld.r, path, &ld.limits, &ld.probs, errs);
	else
		rc = yr_open_string(&ld.r, name, text, len, &ld.limits,
				    &ld.probs, errs);
	if (rc < 0 || (rc = read_document(&ld)) < 0 || (rc = finish(&ld)) < 0)
		goto fail;
	loader_free(&ld);
	pc_errors_free(errs);
	*out = ld.plan;
	return 0;
fail:
	if (!errs->count)
		errors_add(errs, name, 0, 0, "%s", pc_strerror(rc));
	loader_free(&ld);
	pc_plan_free(ld.plan);
	errors_give(errs, errors);
	return rc;
}

/* ---- the public interface ------------------------------------------------ */

int pc_plan_load(const char *path, const pc_limits *limits, pc_plan **out,
		 pc_errors **errors)
{
	return load(path, path, NULL, 0, limits, out, errors);
}

int pc_plan_load_string(const char *name, const char *text, size_t len,
			const pc_limits *limits, pc_plan **out,
			pc_errors **errors)
{
	return load(name ? name : "<string>", NULL, text ? text : "",
		    text ? len : 0, limits, out, errors);
}

void pc_plan_free(pc_plan *plan)
{
	if (!plan)
		return;
	idindex_free(&plan->unit_ids);
	idmap_free(&plan->title_ids);
	idindex_free(&plan->person_ids);
	idmap_free(&plan->task_ids);
	pc_free(plan->findings);
	strtab_free(&plan->strings);
	arena_free(&plan->arena);
	pc_free(plan);
}

const char *pc_plan_id(const pc_plan *plan)
{
	return plan && plan->id ? plan->id : "";
}

const char *pc_plan_name(const pc_plan *plan)
{
	return plan && plan->name ? plan->name : "";
}

const char *pc_plan_file(const pc_plan *plan)
{
	return plan ? plan->file : NULL;
}

pc_date pc_plan_as_of(const pc_plan *plan)
{
	return plan ? plan->as_of : PC_NODATE;
}

size_t pc_plan_rule_file_count(const pc_plan *plan)
{
	return plan ? plan->nrules : 0;
}

const char *pc_plan_rule_file(const pc_plan *plan, size_t i)
{
	return plan && i < plan->nrules ? plan->rules[i].path : NULL;
}

int pc_plan_rule_file_at(const pc_plan *plan, size_t i, unsigned *line,
			 unsigned *column)
{
	if (!plan || i >= plan->nrules)
		return -1;
	*line = plan->rules[i].where.line;
	*column = plan->rules[i].where.col;
	return 0;
}
