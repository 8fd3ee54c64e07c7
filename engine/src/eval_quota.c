/* eval_quota.c - kind: quota. Caps and targets on a measured count per
 * unit: staff, holders or slots of a title, or units of some kind.
 *
 * Each rule measures every unit once, then sums over children or subtrees
 * in one bottom-up pass over the units (parents come before children in
 * plan->units), so a rule costs time linear in the plan. */
#include "eval.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#define NAME(x) ((x)->name ? (x)->name : "")

typedef struct quota_eval {
	eval_ctx *ctx;
	const rule *r;
	const quota_rule *q;
	const title *t;        /* holders, positions */
	int64_t *own, *val;    /* per unit index: its own value, the scope's */
	unsigned char *own_has, *val_has;  /* staff: some unit gave the field */
	int64_t *base_own, *base;          /* reduce: staff.baseline */
	unsigned char *base_own_has, *base_has;
	const person **many;   /* holders of one unit with many (sorted) */
	size_t many_cap;
	unsigned char *sel;    /* per unit index: the rule is for it */
} quota_eval;

/* Per unit index, its own values (own, has) and the scope's (sum,
 * sum_has); when the sums go in place they are the same arrays. 0, or
 * -1 out of memory (what was allocated is set, for the caller to free). */
static int values_new(uint32_t n, bool in_place, int64_t **own,
		      unsigned char **has, int64_t **sum,
		      unsigned char **sum_has)
{
	*own = pc_malloc(n * sizeof **own);
	*has = pc_malloc(n);
	if (!*own || !*has)
		return -1;
	if (in_place) {
		*sum = *own;
		*sum_has = *has;
		return 0;
	}
	*sum = pc_malloc(n * sizeof **sum);
	*sum_has = pc_malloc(n);
	return *sum && *sum_has ? 0 : -1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool staff_value(const unit *u, staff_field field, int64_t *out)
{
	if (!u->staff.given)
		return false;
	switch (field) {
	case STAFF_BASELINE:
		*out = u->staff.baseline;
		return u->staff.has_baseline;
	case STAFF_QUOTA:
		*out = u->staff.quota;
		return u->staff.has_quota;
	default:
		*out = u->staff.actual;
		return u->staff.has_actual;
	}
}

static const char *staff_name(staff_field field)
{
	switch (field) {
	case STAFF_BASELINE: return "baseline";
	case STAFF_QUOTA: return "quota";
	default: return "actual";
	}
}

static int cmp_person(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const person *const *)a;
	uintptr_t y = (uintptr_t)*(const person *const *)b;

	return (x > y) - (x < y);
}

/* Distinct holders of the title in u, counted in a sorted copy: for a
 * unit with more holders than distinct_holders keeps. */
static int64_t holders_sorted(quota_eval *qe, const unit *u)
{
	const pc_plan *plan = qe->ctx->plan;
	size_t n = 0, i, k;
	int64_t v = 0;

	for (i = 0; i < u->npositions; i++) {
		const position *p = &u->positions[i];

		if (position_title_at(plan, p) != qe->t->index)
			continue;
		if (pc_grow(&qe->many, &qe->many_cap, n + position_nholders(p),
			    sizeof *qe->many) < 0) {
			qe->ctx->status = PC_ENOMEM;
			return 0;
		}
		for (k = 0; k < position_nholders(p); k++)
			qe->many[n++] = position_holder(p, (uint32_t)k);
	}
	qsort(qe->many, n, sizeof *qe->many, cmp_person);
	for (i = 0; i < n; i++)
		v += i == 0 || qe->many[i] != qe->many[i - 1];
	return v;
}

/*
 * Distinct people: a person listed under two entries of the title in one
 * unit counts once. A unit has a handful of holders, compared here by
 * pointer; reading each holder's record to mark it would cost a cache
 * miss per holder on a national plan.
 */
static int64_t distinct_holders(quota_eval *qe, const unit *u)
{
	enum { FEW = 32 };
	const person *seen[FEW];
	uint32_t i, k, j, nseen = 0;

	for (i = 0; i < u->npositions; i++) {
		const position *p = &u->positions[i];

		if (position_title_at(qe->ctx->plan, p) != qe->t->index)
			continue;
		for (k = 0; k < position_nholders(p); k++) {
			const person *h = position_holder(p, k);

			for (j = 0; j < nseen && seen[j] != h; j++)
				;
			if (j < nseen)
				continue;
			if (nseen == FEW)
				return holders_sorted(qe, u);
			seen[nseen++] = h;
		}
	}
	return nseen;
}

/* What one unit contributes on its own, for measures other than units
 * (eval_quota selects those itself). Units are passed with their
 * index x (u->index, which sits on another cache line of the unit). */
static void measure_unit(quota_eval *qe, const unit *u, uint32_t x)
{
	const quota_rule *q = qe->q;
	uint32_t i;
	int64_t v = 0;

	qe->own[x] = 0;
	qe->own_has[x] = 0;
	if (!unit_exists_after(u))
		return;
	switch (q->measure) {
	case MEASURE_STAFF:
		if (staff_value(u, q->staff, &v)) {
			qe->own[x] = v;
			qe->own_has[x] = 1;
		}
		return;
	case MEASURE_HOLDERS:
		v = distinct_holders(qe, u);
		break;
	case MEASURE_POSITIONS:
		for (i = 0; i < u->npositions; i++)
			if (position_title_at(qe->ctx->plan, &u->positions[i]) ==
			    qe->t->index)
				v += u->positions[i].slots;
		break;
	default:
		break;
	}
	qe->own[x] = v;
	qe->own_has[x] = 1;
}

static void measure_baseline(quota_eval *qe, const unit *u, uint32_t x)
{
	int64_t v;

	qe->base_own[x] = 0;
	qe->base_own_has[x] = 0;
	if (unit_existed_at_start(u) && staff_value(u, STAFF_BASELINE, &v)) {
		qe->base_own[x] = v;
		qe->base_own_has[x] = 1;
	}
}

/* Whether aggregate can sum in place (val the same array as own): for
 * no scope, or over subtrees of anything but units, nothing reads a
 * unit's own value once the sums are made. That spares two arrays per
 * unit of the plan for most rules. */
static bool sums_in_place(quota_scope scope, bool units)
{
	return !units && (scope == SCOPE_UNIT || scope == SCOPE_SUBTREE);
}

/* val := own summed over the scope, for every unit at once; parents[i]
 * is unit i's parent index (ctx->parents). val and own (and val_has and
 * own_has) may be the same arrays when sums_in_place says so. */
static void aggregate(const uint32_t *parents, uint32_t n, quota_scope scope,
		      bool units, const int64_t *own,
		      const unsigned char *own_has, int64_t *val,
		      unsigned char *val_has)
{
	uint32_t i;

	if (val != own) {
		memcpy(val, own, n * sizeof *val);
		memcpy(val_has, own_has, n);
	}
	if (scope == SCOPE_UNIT && !units)
		return;
	if (scope == SCOPE_SUBTREE) {
		for (i = n; i-- > 0; ) {
			if (parents[i] == NO_UNIT)
				continue;
			val[parents[i]] += val[i];
			val_has[parents[i]] |= val_has[i];
		}
		if (units) {
			/* The unit itself is never counted. */
			for (i = 0; i < n; i++)
				val[i] -= own[i];
		}
		return;
	}
	/* Children (also `units` given without a scope). */
	memset(val, 0, n * sizeof *val);
	memset(val_has, 0, n);
	for (i = 0; i < n; i++) {
		if (parents[i] == NO_UNIT)
			continue;
		val[parents[i]] += own[i];
		val_has[parents[i]] |= own_has[i];
	}
}

/* "4 holders of deputy-head in its subtree" */
static void put_measured(strbuf *b, const quota_rule *q, int64_t v)
{
	const char *scope = "";

	if (q->scope == SCOPE_CHILDREN || (q->measure == MEASURE_UNITS &&
					   q->scope != SCOPE_SUBTREE))
		scope = q->measure == MEASURE_UNITS ?
			" among its direct children" : " in its direct children";
	else if (q->scope == SCOPE_SUBTREE)
		scope = " in its subtree";
	switch (q->measure) {
	case MEASURE_STAFF:
		sb_puts(b, "a staff ");
		sb_puts(b, staff_name(q->staff));
		sb_puts(b, " of ");
		sb_int(b, v);
		break;
	case MEASURE_HOLDERS:
	case MEASURE_POSITIONS:
		sb_int(b, v);
		sb_puts(b, q->measure == MEASURE_HOLDERS ? " holder" : " slot");
		sb_puts(b, v == 1 ? " of " : "s of ");
		sb_puts(b, q->title);
		break;
	default:
		sb_int(b, v);
		sb_puts(b, v == 1 ? " selected unit" : " selected units");
		break;
	}
	sb_puts(b, scope);
}

/* Start a message: "Phòng A (T001-P01) has 4 holders of ...", or with
 * what false only "Phòng A (T001-P01) has", for the caller to go on. */
static strbuf *msg_head(quota_eval *qe, const unit *u, int64_t v, bool what)
{
	strbuf *b = eval_msg_begin(qe->ctx);

	sb_puts(b, NAME(u));
	sb_add(b, " (", 2);
	sb_puts(b, u->id);
	sb_add(b, ") has", 5);
	if (what) {
		sb_putc(b, ' ');
		put_measured(b, qe->q, v);
	}
	return b;
}

/* One finding about u; has_limit false leaves {limit} and limit unset. */
static void quota_finding(quota_eval *qe, const unit *u, int64_t v,
			  bool has_limit, int64_t limit, const char *msg)
{
	eval_ctx *ctx = qe->ctx;
	tmpl_args args;
	pc_finding *f;

	if (!msg) {
		ctx->status = PC_ENOMEM;
		return;
	}
	memset(&args, 0, sizeof args);
	args.unit_id = u->id;
	args.unit_name = u->name;
	args.has_value = true;
	args.value = v;
	args.has_limit = has_limit;
	args.limit = limit;
	f = eval_finding(ctx, qe->r, plan_loc(ctx->plan, u->where),
			 PC_TARGET_UNIT, u->id, &args, msg);
	if (!f)
		return;
	f->has_value = true;
	f->value = v;
	f->has_limit = has_limit;
	f->limit = has_limit ? limit : 0;
}

/* Messages are built only for the findings: most units pass. */
static void judge_unit(quota_eval *qe, const unit *u, uint32_t x)
{
	const quota_rule *q = qe->q;
	eval_ctx *ctx = qe->ctx;
	uint32_t i;
	int64_t v = qe->val[x];
	strbuf *b;

	if (!qe->val_has[x])
		return;        /* no unit in scope gave the staff field */
	if (q->has_max && v > q->max) {
		b = msg_head(qe, u, v, true);
		sb_puts(b, ", more than the maximum of ");
		sb_int(b, q->max);
		quota_finding(qe, u, v, true, q->max, eval_msg_end(ctx));
	}
	if (q->has_min && v < q->min) {
		b = msg_head(qe, u, v, true);
		sb_puts(b, ", fewer than the minimum of ");
		sb_int(b, q->min);
		quota_finding(qe, u, v, true, q->min, eval_msg_end(ctx));
	}
	if (q->has_max_by) {
		const value *av = attrs_get(&u->attrs, q->max_by_attr);
		const max_by_entry *hit = NULL;

		for (i = 0; av && i < q->nmax_by && !hit; i++)
			if (strcmp(q->max_by[i].value, av->text) == 0)
				hit = &q->max_by[i];
		if (hit && v > hit->cap) {
			b = msg_head(qe, u, v, true);
			sb_puts(b, ", more than the maximum of ");
			sb_int(b, hit->cap);
			sb_puts(b, " for ");
			sb_puts(b, q->max_by_attr);
			sb_putc(b, ' ');
			sb_puts(b, hit->value);
			quota_finding(qe, u, v, true, hit->cap,
				      eval_msg_end(ctx));
		} else if (!hit && q->max_by_has_default) {
			if (v > q->max_by_default) {
				b = msg_head(qe, u, v, true);
				sb_puts(b, ", more than the default maximum "
					"of ");
				sb_int(b, q->max_by_default);
				quota_finding(qe, u, v, true, q->max_by_default,
					      eval_msg_end(ctx));
			}
		} else if (!hit && !av) {
			b = msg_head(qe, u, v, false);
			sb_puts(b, " no attribute ");
			sb_puts(b, q->max_by_attr);
			sb_puts(b, ", so no cap applies to it and the rule "
				"gives no default");
			quota_finding(qe, u, v, false, 0, eval_msg_end(ctx));
		} else if (!hit) {
			b = msg_head(qe, u, v, false);
			sb_putc(b, ' ');
			sb_puts(b, q->max_by_attr);
			sb_putc(b, ' ');
			sb_puts(b, av->text);
			sb_puts(b, ", for which the rule lists no cap and "
				"gives no default");
			quota_finding(qe, u, v, false, 0, eval_msg_end(ctx));
		}
	}
	if (q->has_reduce && q->measure == MEASURE_STAFF && qe->base_has[x]) {
		int64_t base = qe->base[x], at_least = q->reduce_at_least;

		/* Exact: (baseline - value) * 100 >= at_least * baseline. */
		if ((base - v) * 100 < at_least * base) {
			int64_t most = floor_div(base * (100 - at_least), 100);

			b = msg_head(qe, u, v, true);
			sb_puts(b, ", not at least ");
			sb_int(b, at_least);
			sb_puts(b, "% below the baseline of ");
			sb_int(b, base);
			sb_puts(b, " (at most ");
			sb_int(b, most);
			sb_putc(b, ')');
			quota_finding(qe, u, v, true, most, eval_msg_end(ctx));
		}
	}
}

void eval_quota(eval_ctx *ctx, const rule *r)
{
	const quota_rule *q = &r->u.quota;
	const pc_plan *plan = ctx->plan;
	uint32_t n = plan->nunits, i;
	bool units = q->measure == MEASURE_UNITS, early, only_selected, in_place;
	const uint32_t *parents;
	quota_eval qe;

	memset(&qe, 0, sizeof qe);
	qe.ctx = ctx;
	qe.r = r;
	qe.q = q;
	eval_check_under(ctx, r, &q->for_units);
	/* One report per name: `for` and the measure may name one unit. */
	if (units && !(q->units.under && q->for_units.under &&
		       strcmp(q->units.under, q->for_units.under) == 0))
		eval_check_under(ctx, r, &q->units);
	if (q->measure == MEASURE_HOLDERS || q->measure == MEASURE_POSITIONS) {
		qe.t = q->title ? idmap_get(&plan->title_ids, q->title,
					    strlen(q->title)) : NULL;
		if (!qe.t) {
			if (q->title)
				eval_unknown_ref(ctx, r, q->title_where, "title",
						 q->title);
			return;
		}
	}
	if (ctx->status || n == 0)
		return;
	in_place = sums_in_place(q->scope, units);
	if (values_new(n, in_place, &qe.own, &qe.own_has, &qe.val,
		       &qe.val_has) < 0)
		goto nomem;
	/* Unless the measure selects units itself, which unit the rule is
	 * for is decided in the measuring pass: the judging pass then reads
	 * only the units selected, and with no scope to sum over, only they
	 * are measured. The order of the selections (and so of any regular
	 * expression limit) is the same either way. */
	early = !units;
	only_selected = early && q->scope == SCOPE_UNIT;
	if (early && !(qe.sel = pc_malloc(n)))
		goto nomem;
	for (i = 0; i < n && !ctx->status; i++) {
		bool exists = STATUS_AFTER & STATUS_BIT(ctx->status_of[i]);

		if (units) {
			/* The inner selector decides which units count,
			 * among those that exist after the plan: it can
			 * name merged or dissolved units, which never
			 * count. */
			qe.own[i] = exists &&
				    eval_select_ix(ctx, r, &q->units, i);
			qe.own_has[i] = 1;
			continue;
		}
		qe.sel[i] = exists && (!q->for_units.given ||
				       eval_select_ix(ctx, r, &q->for_units,
						      i));
		if (only_selected && !qe.sel[i]) {
			qe.own[i] = 0;
			qe.own_has[i] = 0;
			continue;
		}
		measure_unit(&qe, plan->units[i], i);
	}
	if (ctx->status)
		goto out;
	parents = ctx->parents;
	aggregate(parents, n, q->scope, units, qe.own, qe.own_has, qe.val,
		  qe.val_has);
	if (q->has_reduce && q->measure == MEASURE_STAFF) {
		if (values_new(n, sums_in_place(q->scope, false),
			       &qe.base_own, &qe.base_own_has, &qe.base,
			       &qe.base_has) < 0)
			goto nomem;
		for (i = 0; i < n; i++)
			measure_baseline(&qe, plan->units[i], i);
		aggregate(parents, n, q->scope, false, qe.base_own,
			  qe.base_own_has, qe.base, qe.base_has);
	}
	for (i = 0; i < n && !ctx->status; i++) {
		if (early ? !qe.sel[i] :
		    !(STATUS_AFTER & STATUS_BIT(ctx->status_of[i])) ||
		    (q->for_units.given &&
		     !eval_select_ix(ctx, r, &q->for_units, i)))
			continue;
		judge_unit(&qe, plan->units[i], i);
	}
	goto out;
nomem:
	ctx->status = PC_ENOMEM;
out:
	if (qe.val != qe.own) {
		pc_free(qe.val);
		pc_free(qe.val_has);
	}
	pc_free(qe.own);
	pc_free(qe.own_has);
	if (qe.base != qe.base_own) {
		pc_free(qe.base);
		pc_free(qe.base_has);
	}
	pc_free(qe.base_own);
	pc_free(qe.base_own_has);
	pc_free(qe.many);
	pc_free(qe.sel);
}
