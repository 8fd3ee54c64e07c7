/* eval_titles.c - kind: merged_titles. Who may hold two or more positions
 * at once (kiêm nhiệm, nhất thể hóa), and within what. */
#include "eval.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* A distinct title a person holds. */
typedef struct held_title {
	const char *id;
	const title *t;        /* NULL when the plan does not define it */
} held_title;

/* A position of the person that a combination involves, with the unit
 * that `within` groups it by. */
typedef struct grouped {
	const unit *key;       /* NULL: no ancestor at the level */
	uint32_t combo_title;  /* index in the combination's titles */
	uint32_t order;        /* index in the person's positions */
	const position *pos;
} grouped;

typedef struct titles_eval {
	eval_ctx *ctx;
	const rule *r;
	const merged_titles_rule *mt;
	/* The plan's title for each combination title, allow then forbid,
	 * NULL when the plan lacks it. */
	const title **resolved;
	uint32_t *offset;      /* per combination: first index in resolved */
	/* Scratch for one person, reused. */
	const position **pos;
	size_t npos, pos_cap;
	held_title *held;
	size_t nheld, held_cap;
	grouped *group;
	size_t group_cap;
	const position **relpos;
	size_t relpos_cap;
	unsigned char *mark;
	size_t mark_cap;
	loc *rel;
	size_t rel_cap;
	const char **names;    /* parallel to resolved: the names written */
} titles_eval;

static int cmp_held(const void *pa, const void *pb)
{
	const held_title *a = pa, *b = pb;

	return strcmp(a->id, b->id);
}

static int cmp_grouped(const void *pa, const void *pb)
{
	const grouped *a = pa, *b = pb;
	uint32_t ka = a->key ? a->key->index : UINT32_MAX;
	uint32_t kb = b->key ? b->key->index : UINT32_MAX;

	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (a->combo_title != b->combo_title)
		return a->combo_title < b->combo_title ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Nearest ancestor-or-self of u at level (compared as text). The walk is
 * bounded by the plan's size so that a damaged parent chain cannot loop. */
static const unit *ancestor_at(const pc_plan *plan, const unit *u,
			       const char *level)
{
	uint32_t steps = 0;

	for (; u && steps <= plan->nunits; u = u->parent, steps++)
		if (same_str(u->level, level))
			return u;
	return NULL;
}

static const unit *within_key(const pc_plan *plan, const title_combo *c,
			      const position *p)
{
	if (strcmp(c->within, "unit") == 0)
		return position_unit(plan, p);
	return ancestor_at(plan, position_unit(plan, p), c->within);
}

static const char *within_phrase(arena *a, const title_combo *c)
{
	if (!c->within)
		return "";
	if (strcmp(c->within, "unit") == 0)
		return " in one unit";
	return arena_printf(a, " within one %s", c->within);
}

/* Start a message with "Nguyễn Văn A (N0000001)"; built only for the
 * people a finding is about. */
static strbuf *msg_person(eval_ctx *ctx, const person *p)
{
	strbuf *b = eval_msg_begin(ctx);

	sb_puts(b, p->name ? p->name : "");
	sb_add(b, " (", 2);
	sb_puts(b, p->id);
	sb_putc(b, ')');
	return b;
}

/* The person's distinct title ids, sorted, joined with ", ". */
static const char *held_list(titles_eval *te)
{
	arena *a = &te->ctx->report->arena;
	size_t i, len = 0;
	char *s, *q;

	for (i = 0; i < te->nheld; i++)
		len += strlen(te->held[i].id) + 2;
	s = arena_alloc(a, len + 1);
	if (!s)
		return NULL;
	q = s;
	for (i = 0; i < te->nheld; i++) {
		size_t n = strlen(te->held[i].id);

		if (i) {
			memcpy(q, ", ", 2);
			q += 2;
		}
		memcpy(q, te->held[i].id, n);
		q += n;
	}
	*q = '\0';
	return s;
}

/* A combination's titles as written, joined with " and ". */
static const char *combo_list(arena *a, const title_combo *c)
{
	size_t i, len = 0;
	char *s, *q;

	for (i = 0; i < c->ntitles; i++)
		len += strlen(c->titles[i]) + 5;
	s = arena_alloc(a, len + 1);
	if (!s)
		return NULL;
	q = s;
	for (i = 0; i < c->ntitles; i++) {
		size_t n = strlen(c->titles[i]);

		if (i) {
			memcpy(q, i + 1 == c->ntitles ? " and " : ", ",
			       i + 1 == c->ntitles ? 5 : 2);
			q += i + 1 == c->ntitles ? 5 : 2;
		}
		memcpy(q, c->titles[i], n);
		q += n;
	}
	*q = '\0';
	return s;
}

/* Index of t among combination ci's titles, or -1. */
static long combo_index(const titles_eval *te, uint32_t ci,
			const title_combo *c, const title *t)
{
	uint32_t j;

	if (!t)
		return -1;
	for (j = 0; j < c->ntitles; j++)
		if (te->resolved[te->offset[ci] + j] == t)
			return (long)j;
	return -1;
}

static bool combo_has(const titles_eval *te, uint32_t ci,
		      const title_combo *c, const title *t)
{
	return combo_index(te, ci, c, t) >= 0;
}

/* Emit one finding about the person; related: the positions given. */
static int person_finding(titles_eval *te, const person *p,
			  const position *const *rel, size_t nrel,
			  const char *msg, bool with_limit)
{
	eval_ctx *ctx = te->ctx;
	tmpl_args args;
	pc_finding *f;
	size_t i;

	if (!msg) {
		ctx->status = PC_ENOMEM;
		return -1;
	}
	memset(&args, 0, sizeof args);
	args.person_id = p->id;
	args.person_name = p->name;
	args.titles = held_list(te);
	if (!args.titles) {
		ctx->status = PC_ENOMEM;
		return -1;
	}
	args.has_value = true;
	args.value = (int64_t)te->npos;
	if (te->mt->has_max_positions) {
		args.has_limit = true;
		args.limit = te->mt->max_positions;
	}
	f = eval_finding(ctx, te->r, plan_loc(ctx->plan, p->where),
			 PC_TARGET_PERSON, p->id, &args, msg);
	if (!f)
		return -1;
	if (with_limit) {
		f->has_value = f->has_limit = true;
		f->value = args.value;
		f->limit = args.limit;
	}
	if (pc_grow(&te->rel, &te->rel_cap, nrel, sizeof *te->rel) < 0)
		goto nomem;
	for (i = 0; i < nrel; i++)
		te->rel[i] = plan_loc(ctx->plan, rel[i]->where);
	if (finding_set_related(ctx->report, f, te->rel, nrel) < 0)
		goto nomem;
	return 0;
nomem:
	ctx->status = PC_ENOMEM;
	return -1;
}

/*
 * Does the person hold every title of forbid entry ci, with one position
 * per title sharing the `within` unit? On success the involved positions
 * are left at te->group[*first .. *first + *n).
 */
static bool forbid_caught(titles_eval *te, uint32_t ci, const title_combo *c,
			  size_t *first, size_t *n)
{
	const pc_plan *plan = te->ctx->plan;
	size_t i, m = 0, start;

	for (i = 0; i < te->npos; i++) {
		long j = combo_index(te, ci, c,
				     position_title(plan, te->pos[i]));

		if (j < 0)
			continue;
		te->group[m].combo_title = (uint32_t)j;
		te->group[m].order = (uint32_t)i;
		te->group[m].pos = te->pos[i];
		te->group[m].key = c->within ? within_key(plan, c, te->pos[i]) :
				   NULL;
		m++;
	}
	if (m == 0 || c->ntitles == 0)
		return false;
	qsort(te->group, m, sizeof *te->group, cmp_grouped);
	/* Each run of one key covers some of the titles; the entry is met
	 * when one run covers them all. Without `within` there is one run. */
	for (start = 0; start < m; ) {
		size_t end = start + 1, covered = 1;

		while (end < m && te->group[end].key == te->group[start].key) {
			if (te->group[end].combo_title !=
			    te->group[end - 1].combo_title)
				covered++;
			end++;
		}
		if (covered == c->ntitles &&
		    (!c->within || te->group[start].key)) {
			*first = start;
			*n = end - start;
			return true;
		}
		start = end;
	}
	return false;
}

static bool matcher_holds(const matcher *m, const char *text)
{
	return matcher_match(m, text, strlen(text)) == 1;
}

static bool attr_holds(const matcher *m, const value *v)
{
	if (m->kind == MATCH_RANGE) {
		if (v->type != VAL_INT)
			return false;
		if (m->has_min && v->num < m->min)
			return false;
		if (m->has_max && v->num > m->max)
			return false;
		return true;
	}
	return matcher_holds(m, v->text);
}

/* What a matcher requires, in words. */
static const char *matcher_desc(arena *a, const matcher *m)
{
	size_t i, n, len = sizeof "one of ";
	char *s, *p;

	switch (m->kind) {
	case MATCH_EQUAL:
		if (m->nvalues == 1)
			return m->values[0];
		for (i = 0; i < m->nvalues; i++)
			len += strlen(m->values[i]) + 2;
		s = arena_alloc(a, len);
		if (!s)
			return NULL;
		p = s;
		memcpy(p, "one of ", sizeof "one of " - 1);
		p += sizeof "one of " - 1;
		for (i = 0; i < m->nvalues; i++) {
			if (i) {
				memcpy(p, ", ", 2);
				p += 2;
			}
			n = strlen(m->values[i]);
			memcpy(p, m->values[i], n);
			p += n;
		}
		*p = '\0';
		return s;
	case MATCH_REGEX:
		return arena_printf(a, "matching '%s'", regex_pattern(m->regex));
	case MATCH_RANGE:
		if (m->has_min && m->has_max)
			return arena_printf(a, "between %lld and %lld",
					    (long long)m->min, (long long)m->max);
		if (m->has_min)
			return arena_printf(a, "at least %lld", (long long)m->min);
		if (m->has_max)
			return arena_printf(a, "at most %lld", (long long)m->max);
		return "any value";
	default:
		return "any value";
	}
}

/* Why person_selector_match said no: the first matcher that fails.
 * NULL when out of memory. */
static const char *explain_holder(arena *a, const person_selector *s,
				  const person *p)
{
	const char *prefix = "", *field = NULL, *is = NULL, *desc;
	const matcher *m = NULL;
	uint32_t i;

	if (s->id.kind != MATCH_ANY && !matcher_holds(&s->id, p->id)) {
		field = "id";
		is = p->id;
		m = &s->id;
	} else if (s->name.kind != MATCH_ANY &&
		   !matcher_holds(&s->name, p->name ? p->name : "")) {
		field = "name";
		is = p->name ? p->name : "";
		m = &s->name;
	} else {
		for (i = 0; i < s->nattrs && !m; i++) {
			const attr_matcher *am = &s->attrs[i];
			const value *v = attrs_get(&p->attrs, am->key);

			if (v && attr_holds(&am->m, v))
				continue;
			prefix = "attrs.";
			field = am->key;
			is = v ? v->text : NULL;
			m = &am->m;
		}
	}
	if (!m)
		return "holder is not eligible";
	desc = matcher_desc(a, m);
	if (!desc)
		return NULL;
	if (!is)
		return arena_printf(a, "holder is not eligible: %s%s is "
				    "missing, required %s", prefix, field,
				    desc);
	return arena_printf(a, "holder is not eligible: %s%s is %s, "
			    "required %s", prefix, field, is, desc);
}

/* The failed condition of allow entry c, in words; "" when c allows the
 * person; NULL when out of memory or a regular expression hit its limit
 * (then reported, *limit_hit set). */
static const char *allow_fails(titles_eval *te, const title_combo *c,
			       const person *p, bool describe,
			       bool *limit_hit)
{
	const pc_plan *plan = te->ctx->plan;
	arena *a = &te->ctx->report->arena;
	size_t i, j;
	int m;

	if (c->within) {
		const unit *k0 = within_key(plan, c, te->pos[0]);
		bool same = k0 != NULL;

		for (i = 1; same && i < te->npos; i++)
			same = within_key(plan, c, te->pos[i]) == k0;
		if (!same) {
			/* Name the distinct groups (up to a few), in the
			 * order of the person's positions. */
			enum { SHOWN = 8 };
			const unit *seen[SHOWN];
			size_t nseen = 0;
			const char *list = "";
			bool is_unit = strcmp(c->within, "unit") == 0;

			if (!describe)
				return "x";
			for (i = 0; i < te->npos && nseen < SHOWN; i++) {
				const unit *k = within_key(plan, c, te->pos[i]);
				const char *item;

				for (j = 0; j < nseen && k && seen[j] != k; j++)
					;
				if (k && j < nseen)
					continue;
				if (k)
					seen[nseen++] = k;
				else
					nseen++;
				item = k ? k->id :
				       arena_printf(a, "%s (not in any %s)",
						    position_unit(plan, te->pos[i])->id,
						    c->within);
				if (!item)
					return NULL;
				list = *list ? arena_printf(a, "%s, %s", list,
							    item) : item;
				if (!list)
					return NULL;
			}
			if (is_unit)
				return arena_printf(a, "positions are not in "
						    "one unit: %s", list);
			return arena_printf(a, "positions are not within one "
					    "%s: %s", c->within, list);
		}
	}
	if (c->levels) {
		for (i = 0; i < te->npos; i++) {
			const unit *u = position_unit(plan, te->pos[i]);

			for (j = 0; j < c->nlevels; j++)
				if (same_str(u->level, c->levels[j]))
					break;
			if (j < c->nlevels)
				continue;
			if (!describe)
				return "x";
			{
				const char *allowed = "";

				for (j = 0; j < c->nlevels; j++) {
					allowed = *allowed ?
						  arena_printf(a, "%s, %s",
							       allowed,
							       c->levels[j]) :
						  c->levels[j];
					if (!allowed)
						return NULL;
				}
				return arena_printf(a, "position in %s is at "
						    "level %s, allowed: %s",
						    u->id, u->level ? u->level :
						    "(none)", allowed);
			}
		}
	}
	if (c->holder.given) {
		if (eval_regex_stopped(te->ctx, te->r)) {
			*limit_hit = true;
			return NULL;
		}
		m = person_selector_match(&c->holder, p);
		if (m < 0) {
			*limit_hit = true;
			eval_regex_limit(te->ctx, te->r,
					 plan_loc(te->ctx->plan, p->where),
					 PC_TARGET_PERSON, p->id);
			return NULL;
		}
		if (m == 0)
			return describe ? explain_holder(a, &c->holder, p) : "x";
	}
	return "";
}

static void judge_person(titles_eval *te, const person *p)
{
	eval_ctx *ctx = te->ctx;
	const merged_titles_rule *mt = te->mt;
	arena *a = &ctx->report->arena;
	const char *msg;
	strbuf *b;
	bool caught = false;
	size_t i;
	uint32_t ci;

	te->npos = 0;
	for (i = 0; i < person_npositions(p); i++) {
		const position *pos = person_position(p, i);

		const unit *u = position_unit(ctx->plan, pos);

		if (!u || !unit_exists_after(u))
			continue;
		if (pc_grow(&te->pos, &te->pos_cap, te->npos + 1,
			    sizeof *te->pos) < 0)
			goto nomem;
		te->pos[te->npos++] = pos;
	}
	if (te->npos < 2)
		return;
	if (pc_grow(&te->held, &te->held_cap, te->npos, sizeof *te->held) < 0 ||
	    pc_grow(&te->group, &te->group_cap, te->npos,
		    sizeof *te->group) < 0 ||
	    pc_grow(&te->mark, &te->mark_cap, te->npos, 1) < 0)
		goto nomem;
	for (i = 0; i < te->npos; i++) {
		const char *id = position_title_id(te->ctx->plan, te->pos[i]);

		te->held[i].id = id ? id : "";
		te->held[i].t = position_title(te->ctx->plan, te->pos[i]);
	}
	qsort(te->held, te->npos, sizeof *te->held, cmp_held);
	te->nheld = 0;
	for (i = 0; i < te->npos; i++)
		if (te->nheld == 0 ||
		    strcmp(te->held[te->nheld - 1].id, te->held[i].id) != 0)
			te->held[te->nheld++] = te->held[i];
	if (mt->has_max_positions && te->npos > mt->max_positions) {
		b = msg_person(ctx, p);
		sb_puts(b, " holds ");
		sb_int(b, (int64_t)te->npos);
		sb_puts(b, " positions, more than the maximum of ");
		sb_int(b, mt->max_positions);
		msg = eval_msg_end(ctx);
		if (person_finding(te, p, te->pos, te->npos, msg, true) < 0)
			return;
	}

	for (ci = 0; ci < mt->nforbid; ci++) {
		const title_combo *c = &mt->forbid[ci];
		const char *titles, *within;
		size_t first, n, k;

		if (!forbid_caught(te, mt->nallow + ci, c, &first, &n))
			continue;
		caught = true;
		titles = combo_list(a, c);
		within = within_phrase(a, c);
		msg = NULL;
		if (titles && within) {
			b = msg_person(ctx, p);
			sb_puts(b, " holds ");
			sb_puts(b, titles);
			sb_puts(b, within);
			sb_puts(b, ", a forbidden combination");
			msg = eval_msg_end(ctx);
		}
		/* The involved positions, in the person's order. */
		if (pc_grow(&te->relpos, &te->relpos_cap, n,
			    sizeof *te->relpos) < 0)
			goto nomem;
		for (k = 0; k < te->npos; k++)
			te->mark[k] = 0;
		for (k = 0; k < n; k++)
			te->mark[te->group[first + k].order] = 1;
		for (k = 0, n = 0; k < te->npos; k++)
			if (te->mark[k])
				te->relpos[n++] = te->pos[k];
		if (person_finding(te, p, te->relpos, n, msg, false) < 0)
			return;
	}

	if (!caught && mt->has_allow) {
		long first_candidate = -1;
		bool allowed = false, limit_hit = false;

		for (ci = 0; ci < mt->nallow && !allowed; ci++) {
			const title_combo *c = &mt->allow[ci];
			const char *why;

			for (i = 0; i < te->nheld; i++)
				if (!combo_has(te, ci, c, te->held[i].t))
					break;
			if (i < te->nheld)
				continue;
			if (first_candidate < 0)
				first_candidate = (long)ci;
			why = allow_fails(te, c, p, false, &limit_hit);
			if (limit_hit)
				return;
			if (!why)
				goto nomem;
			if (!*why)
				allowed = true;
		}
		if (allowed)
			return;
		if (first_candidate < 0) {
			const char *titles = held_list(te);

			msg = NULL;
			if (titles) {
				b = msg_person(ctx, p);
				sb_puts(b, " holds ");
				sb_puts(b, titles);
				sb_puts(b, ": combination not allowed");
				msg = eval_msg_end(ctx);
			}
		} else {
			const char *why = allow_fails(te,
						      &mt->allow[first_candidate],
						      p, true, &limit_hit);
			const char *titles = held_list(te);

			if (limit_hit)
				return;
			msg = NULL;
			if (why && titles) {
				b = msg_person(ctx, p);
				sb_puts(b, " may not hold ");
				sb_puts(b, titles);
				sb_puts(b, " together: ");
				sb_puts(b, why);
				msg = eval_msg_end(ctx);
			}
		}
		person_finding(te, p, te->pos, te->npos, msg, false);
	}
	return;
nomem:
	ctx->status = PC_ENOMEM;
}

/* Resolve every combination title in the plan; report each name the
 * plan lacks once per rule. */
static int resolve_titles(titles_eval *te)
{
	eval_ctx *ctx = te->ctx;
	const merged_titles_rule *mt = te->mt;
	uint32_t ncombos = mt->nallow + mt->nforbid, ci, j;
	size_t total = 0, k;

	te->offset = pc_calloc(ncombos + 1, sizeof *te->offset);
	if (!te->offset)
		goto nomem;
	for (ci = 0; ci < ncombos; ci++) {
		const title_combo *c = ci < mt->nallow ? &mt->allow[ci] :
				       &mt->forbid[ci - mt->nallow];

		te->offset[ci] = (uint32_t)total;
		total += c->ntitles;
	}
	te->offset[ncombos] = (uint32_t)total;
	te->resolved = pc_calloc(total + 1, sizeof *te->resolved);
	te->names = pc_calloc(total + 1, sizeof *te->names);
	if (!te->resolved || !te->names)
		goto nomem;
	for (ci = 0; ci < ncombos; ci++) {
		const title_combo *c = ci < mt->nallow ? &mt->allow[ci] :
				       &mt->forbid[ci - mt->nallow];

		for (j = 0; j < c->ntitles; j++) {
			size_t at = te->offset[ci] + j;
			const char *name = c->titles[j];

			te->names[at] = name;
			te->resolved[at] = idmap_get(&ctx->plan->title_ids,
						     name, strlen(name));
			if (te->resolved[at])
				continue;
			/* A rule names few titles: a scan of the names before
			 * is cheap and keeps one report per name. */
			for (k = 0; k < at; k++)
				if (!te->resolved[k] &&
				    strcmp(te->names[k], name) == 0)
					break;
			if (k == at)
				eval_unknown_ref(ctx, te->r, c->where, "title",
						 name);
			if (ctx->status)
				return -1;
		}
	}
	return 0;
nomem:
	ctx->status = PC_ENOMEM;
	return -1;
}

void eval_merged_titles(eval_ctx *ctx, const rule *r)
{
	titles_eval te;
	uint32_t i;

	memset(&te, 0, sizeof te);
	te.ctx = ctx;
	te.r = r;
	te.mt = &r->u.titles;
	if (resolve_titles(&te) < 0)
		goto out;
	for (i = 0; i < ctx->plan->npeople && !ctx->status; i++) {
		const person *p = plan_person(ctx->plan, i);

		if (person_npositions(p) >= 2)
			judge_person(&te, p);
	}
out:
	pc_free(te.resolved);
	pc_free(te.names);
	pc_free(te.relpos);
	pc_free(te.mark);
	pc_free(te.offset);
	pc_free(te.pos);
	pc_free(te.held);
	pc_free(te.group);
	pc_free(te.rel);
}
