/* eval_pattern.c - kind: pattern. A field of each unit, person, title or
 * task must (or, negated, must not) match a regular expression. */
#include "eval.h"

#include <string.h>

/* The parts of an entity a pattern rule can look at. */
typedef struct subject {
	pc_target_type type;
	const char *id, *name, *level, *kind;
	const attrs *attrs;    /* NULL: the entity has none */
	loc where;
	tmpl_args args;
} subject;

/* The field's text, or NULL when the entity lacks it. */
static const char *field_text(const pattern_rule *pt, const subject *s)
{
	const value *v;

	if (pt->attr_key) {
		if (!s->attrs)
			return NULL;
		v = eval_attr(s->attrs, pt->attr_key);
		return v ? v->text : NULL;
	}
	if (strcmp(pt->field, "id") == 0)
		return s->id;
	if (strcmp(pt->field, "name") == 0)
		return s->name;
	if (strcmp(pt->field, "level") == 0)
		return s->level;
	if (strcmp(pt->field, "kind") == 0)
		return s->kind;
	return NULL;
}

static void judge(eval_ctx *ctx, const rule *r, const subject *s)
{
	const pattern_rule *pt = &r->u.pattern;
	arena *a = &ctx->report->arena;
	const char *text = field_text(pt, s), *msg;
	const char *name = s->name ? s->name : "";
	int m;

	if (eval_regex_stopped(ctx, r))
		return;
	if (!text) {
		if (!pt->required)
			return;
		msg = arena_printf(a, "%s %s (%s) has no %s, which is "
				   "required", pc_target_type_name(s->type),
				   name, s->id, pt->field);
	} else {
		if (!pt->regex)
			return;
		m = regex_match(pt->regex, text, strlen(text));
		if (m < 0) {
			eval_regex_limit(ctx, r, s->where, s->type, s->id);
			return;
		}
		if ((m == 1) != pt->negate)
			return;
		if (pt->negate)
			msg = arena_printf(a, "%s %s (%s): %s '%s' matches '%s', "
					   "which it must not",
					   pc_target_type_name(s->type), name,
					   s->id, pt->field, text,
					   regex_pattern(pt->regex));
		else
			msg = arena_printf(a, "%s %s (%s): %s '%s' does not "
					   "match '%s'",
					   pc_target_type_name(s->type), name,
					   s->id, pt->field, text,
					   regex_pattern(pt->regex));
	}
	if (!msg) {
		ctx->status = PC_ENOMEM;
		return;
	}
	eval_finding(ctx, r, s->where, s->type, s->id, &s->args, msg);
}

void eval_pattern(eval_ctx *ctx, const rule *r)
{
	const pattern_rule *pt = &r->u.pattern;
	const pc_plan *plan = ctx->plan;
	subject s;
	uint32_t i;

	switch (pt->target) {
	case PT_UNITS:
		eval_check_under(ctx, r, &pt->for_units);
		for (i = 0; i < plan->nunits && !ctx->status; i++) {
			const unit *u = plan->units[i];

			if (pt->for_units.given ?
			    !eval_select(ctx, r, &pt->for_units, u) :
			    !unit_exists_after(u))
				continue;
			memset(&s, 0, sizeof s);
			s.type = PC_TARGET_UNIT;
			s.id = u->id;
			s.name = u->name;
			s.level = u->level;
			s.kind = u->kind;
			s.attrs = &u->attrs;
			s.where = plan_loc(plan, u->where);
			s.args.unit_id = u->id;
			s.args.unit_name = u->name;
			judge(ctx, r, &s);
		}
		break;
	case PT_PEOPLE:
		for (i = 0; i < plan->npeople && !ctx->status; i++) {
			const person *p = plan->people[i];

			memset(&s, 0, sizeof s);
			s.type = PC_TARGET_PERSON;
			s.id = p->id;
			s.name = p->name;
			s.attrs = &p->attrs;
			s.where = plan_loc(plan, p->where);
			s.args.person_id = p->id;
			s.args.person_name = p->name;
			judge(ctx, r, &s);
		}
		break;
	case PT_TITLES:
		for (i = 0; i < plan->ntitles && !ctx->status; i++) {
			const title *t = plan->titles[i];

			memset(&s, 0, sizeof s);
			s.type = PC_TARGET_TITLE;
			s.id = t->id;
			s.name = t->name;
			s.kind = t->kind;
			s.where = plan_loc(plan, t->where);
			s.args.titles = t->id;
			judge(ctx, r, &s);
		}
		break;
	case PT_TASKS:
		for (i = 0; i < plan->ntasks && !ctx->status; i++) {
			const task *t = plan->tasks[i];

			memset(&s, 0, sizeof s);
			s.type = PC_TARGET_TASK;
			s.id = t->id;
			s.name = t->name;
			s.where = plan_loc(plan, t->where);
			s.args.task_id = t->id;
			s.args.task_name = t->name;
			judge(ctx, r, &s);
		}
		break;
	}
}
