/* eval_pattern.c - kind: pattern. A field of each unit, person, title or
 * task must (or, negated, must not) match a regular expression. */
#include "eval.h"
#include "alloc.h"
#include "regex.h"

#include <string.h>

/* Which field a rule looks at, decided once per rule, not per entity. */
typedef enum field_kind {
	FIELD_ATTR, FIELD_ID, FIELD_NAME, FIELD_LEVEL, FIELD_KIND, FIELD_NONE
} field_kind;

/* The parts of an entity a pattern rule can look at. */
typedef struct subject {
	pc_target_type type;
	const char *id, *name, *level, *kind;
	const attrs *attrs;    /* NULL: the entity has none */
	ploc where;
} subject;

static field_kind field_of(const pattern_rule *pt)
{
	if (pt->attr_key)
		return FIELD_ATTR;
	if (strcmp(pt->field, "id") == 0)
		return FIELD_ID;
	if (strcmp(pt->field, "name") == 0)
		return FIELD_NAME;
	if (strcmp(pt->field, "level") == 0)
		return FIELD_LEVEL;
	if (strcmp(pt->field, "kind") == 0)
		return FIELD_KIND;
	return FIELD_NONE;
}

/* The field's text, or NULL when the entity lacks it. */
static const char *field_text(const pattern_rule *pt, field_kind fk,
			      const subject *s)
{
	const value *v;

	switch (fk) {
	case FIELD_ATTR:
		if (!s->attrs)
			return NULL;
		v = attrs_get(s->attrs, pt->attr_key);
		return v ? v->text : NULL;
	case FIELD_ID:
		return s->id;
	case FIELD_NAME:
		return s->name;
	case FIELD_LEVEL:
		return s->level;
	case FIELD_KIND:
		return s->kind;
	default:
		return NULL;
	}
}

/* The rule's match by text, kept for the length of one rule. Texts are
 * compared by pointer, which is exact (the model is read-only), and the
 * interned ones (names, levels, kinds, attribute values) are shared by
 * every entity with the same text: the 63-province plan's 114,153 people
 * have 14,600 different names, and a Unicode pattern costs far more than
 * a probe. Ids are not kept, nor a name that is the entity's id (one
 * written without a name): each is its own, and a table of them would be
 * as long as the list of people. Open addressing, at most half full. */
typedef struct memo {
	const char **keys;
	uint8_t *match;
	size_t n, cap;
} memo;

#define MEMO_MAX ((size_t)1 << 20)

static size_t memo_slot(const memo *mm, const char *text)
{
	uint64_t h = (uint64_t)(uintptr_t)text * 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = (size_t)(h >> 32) & (mm->cap - 1);
	     mm->keys[i] && mm->keys[i] != text; i = (i + 1) & (mm->cap - 1))
		;
	return i;
}

/* Room for one more text: 0; 1 when the table is as big as it gets
 * (the text is matched, not kept); -1 out of memory. */
static int memo_room(memo *mm)
{
	memo old = *mm;
	size_t i;

	if ((mm->n + 1) * 2 <= mm->cap)
		return 0;
	if (old.cap >= MEMO_MAX)
		return 1;
	mm->cap = old.cap ? old.cap * 2 : 1024;
	mm->keys = pc_calloc(mm->cap, sizeof *mm->keys);
	mm->match = pc_malloc(mm->cap);
	if (!mm->keys || !mm->match) {
		pc_free(mm->keys);
		pc_free(mm->match);
		*mm = old;
		return -1;
	}
	for (i = 0; i < old.cap; i++) {
		if (old.keys[i]) {
			size_t j = memo_slot(mm, old.keys[i]);

			mm->keys[j] = old.keys[i];
			mm->match[j] = old.match[i];
		}
	}
	pc_free(old.keys);
	pc_free(old.match);
	return 0;
}

/* regex_match of the rule's pattern on text, through the memo; out of
 * memory sets ctx->status. */
static int memo_match(eval_ctx *ctx, memo *mm, const pc_regex *re,
		      const char *text)
{
	size_t i;
	int m, room;

	if (mm->cap) {
		i = memo_slot(mm, text);
		if (mm->keys[i])
			return mm->match[i];
	}
	m = regex_match(re, text, strlen(text));
	/* A limit hit is reported for each entity, as without the memo. */
	if (m < 0)
		return m;
	if ((room = memo_room(mm)) != 0) {
		if (room < 0)
			ctx->status = PC_ENOMEM;
		return m;
	}
	i = memo_slot(mm, text);
	mm->keys[i] = text;
	mm->match[i] = (uint8_t)m;
	mm->n++;
	return m;
}

/* "unit Xã A (T001-X001)" and what follows, as the messages begin. */
static void put_subject(strbuf *b, const subject *s)
{
	sb_puts(b, pc_target_type_name(s->type));
	sb_putc(b, ' ');
	sb_puts(b, s->name ? s->name : "");
	sb_add(b, " (", 2);
	sb_puts(b, s->id);
	sb_putc(b, ')');
}

/* Only the entity's own placeholders are set, as the kind documents. */
static void subject_args(const subject *s, tmpl_args *args)
{
	memset(args, 0, sizeof *args);
	switch (s->type) {
	case PC_TARGET_UNIT:
		args->unit_id = s->id;
		args->unit_name = s->name;
		break;
	case PC_TARGET_PERSON:
		args->person_id = s->id;
		args->person_name = s->name;
		break;
	case PC_TARGET_TITLE:
		args->titles = s->id;
		break;
	default:
		args->task_id = s->id;
		args->task_name = s->name;
		break;
	}
}

static void judge(eval_ctx *ctx, const rule *r, field_kind fk,
		  const subject *s, memo *mm)
{
	const pattern_rule *pt = &r->u.pattern;
	const char *text = field_text(pt, fk, s), *msg;
	tmpl_args args;
	strbuf *b;
	int m;

	if (eval_regex_stopped(ctx, r))
		return;
	if (!text) {
		if (!pt->required)
			return;
		b = eval_msg_begin(ctx);
		put_subject(b, s);
		sb_add(b, " has no ", 8);
		sb_puts(b, pt->field);
		sb_puts(b, ", which is required");
	} else {
		if (!pt->regex)
			return;
		/* An entity without a name goes by its id: not kept either. */
		m = fk == FIELD_ID || text == s->id
			    ? regex_match(pt->regex, text, strlen(text))
			    : memo_match(ctx, mm, pt->regex, text);
		if (m < 0) {
			eval_regex_limit(ctx, r, plan_loc(ctx->plan, s->where),
					 s->type, s->id);
			return;
		}
		if ((m == 1) != pt->negate)
			return;
		b = eval_msg_begin(ctx);
		put_subject(b, s);
		sb_add(b, ": ", 2);
		sb_puts(b, pt->field);
		sb_add(b, " '", 2);
		sb_puts(b, text);
		sb_puts(b, pt->negate ? "' matches '" : "' does not match '");
		sb_puts(b, regex_pattern(pt->regex));
		sb_puts(b, pt->negate ? "', which it must not" : "'");
	}
	msg = eval_msg_end(ctx);
	if (!msg)
		return;
	subject_args(s, &args);
	eval_finding(ctx, r, plan_loc(ctx->plan, s->where), s->type, s->id,
		     &args, msg);
}

void eval_pattern(eval_ctx *ctx, const rule *r)
{
	const pattern_rule *pt = &r->u.pattern;
	const pc_plan *plan = ctx->plan;
	field_kind fk = field_of(pt);
	memo mm = { NULL, NULL, 0, 0 };
	subject s;
	uint32_t i;

	memset(&s, 0, sizeof s);
	switch (pt->target) {
	case PT_UNITS:
		eval_check_under(ctx, r, &pt->for_units);
		s.type = PC_TARGET_UNIT;
		for (i = 0; i < plan->nunits && !ctx->status; i++) {
			const unit *u;

			if (pt->for_units.given ?
			    !eval_select_ix(ctx, r, &pt->for_units, i) :
			    !(STATUS_AFTER & STATUS_BIT(ctx->status_of[i])))
				continue;
			u = plan->units[i];
			s.id = u->id;
			s.name = u->name;
			s.level = u->level;
			s.kind = u->kind;
			s.attrs = &u->attrs;
			s.where = u->where;
			judge(ctx, r, fk, &s, &mm);
		}
		break;
	case PT_PEOPLE:
		s.type = PC_TARGET_PERSON;
		for (i = 0; i < plan->npeople && !ctx->status; i++) {
			const person *p = plan_person(plan, i);

			s.id = p->id;
			s.name = p->name;
			s.attrs = &p->attrs;
			s.where = p->where;
			judge(ctx, r, fk, &s, &mm);
		}
		break;
	case PT_TITLES:
		s.type = PC_TARGET_TITLE;
		for (i = 0; i < plan->ntitles && !ctx->status; i++) {
			const title *t = plan->titles[i];

			s.id = t->id;
			s.name = t->name;
			s.kind = t->kind;
			s.where = t->where;
			judge(ctx, r, fk, &s, &mm);
		}
		break;
	case PT_TASKS:
		s.type = PC_TARGET_TASK;
		for (i = 0; i < plan->ntasks && !ctx->status; i++) {
			const task *t = plan->tasks[i];

			s.id = t->id;
			s.name = t->name;
			s.where = t->where;
			judge(ctx, r, fk, &s, &mm);
		}
		break;
	}
	pc_free(mm.keys);
	pc_free(mm.match);
}
