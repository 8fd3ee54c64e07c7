/* eval_quota.c - kind: quota. Caps and targets on a measured count per
 * unit: staff, holders or slots of a title, or units of some kind.
 *
 * Each rule measures every unit once, then sums over children or subtrees
 * in one bottom-up pass over the units (parents come before children in
 * plan->units), so a rule costs time linear in the plan. */
#include "eval.h"
#include "alloc.h"

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
	uint32_t *stamp;       /* holders: last unit (index + 1) counted per person */
} quota_eval;

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool staff_value(const unit *u, staff_field field, int64_t *out)
{
	if (!u->has_staff)
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

/* What one unit contributes on its own. */
static void measure_unit(quota_eval *qe, const unit *u)
{
	const quota_rule *q = qe->q;
	uint32_t i, k, x = u->index;
	int64_t v = 0;

	qe->own[x] = 0;
	qe->own_has[x] = 0;
	if (q->measure == MEASURE_UNITS) {
		/* The inner selector decides which units count, among those
		 * that exist after the plan: a selector's status can name
		 * merged or dissolved units, which are gone and never
		 * count. */
		if (unit_exists_after(u))
			qe->own[x] = eval_select(qe->ctx, qe->r, &q->units, u);
		qe->own_has[x] = 1;
		return;
	}
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
		/* Distinct people: a person listed under two entries of the
		 * title in one unit counts once. */
		for (i = 0; i < u->npositions; i++) {
			const position *p = &u->positions[i];

			if (p->title != qe->t)
				continue;
			for (k = 0; k < p->nholders; k++) {
				uint32_t pi = p->holders[k]->index;

				if (qe->stamp[pi] == x + 1)
					continue;
				qe->stamp[pi] = x + 1;
				v++;
			}
		}
		break;
	case MEASURE_POSITIONS:
		for (i = 0; i < u->npositions; i++)
			if (u->positions[i].title == qe->t)
				v += u->positions[i].slots;
		break;
	default:
		break;
	}
	qe->own[x] = v;
	qe->own_has[x] = 1;
}

static void measure_baseline(quota_eval *qe, const unit *u)
{
	int64_t v;

	qe->base_own[u->index] = 0;
	qe->base_own_has[u->index] = 0;
	if (unit_existed_at_start(u) && staff_value(u, STAFF_BASELINE, &v)) {
		qe->base_own[u->index] = v;
		qe->base_own_has[u->index] = 1;
	}
}

/* val := own summed over the scope, for every unit at once. */
static void aggregate(const pc_plan *plan, quota_scope scope, bool units,
		      const int64_t *own, const unsigned char *own_has,
		      int64_t *val, unsigned char *val_has)
{
	uint32_t n = plan->nunits, i;

	if (scope == SCOPE_UNIT && !units) {
		memcpy(val, own, n * sizeof *val);
		memcpy(val_has, own_has, n);
		return;
	}
	if (scope == SCOPE_SUBTREE) {
		memcpy(val, own, n * sizeof *val);
		memcpy(val_has, own_has, n);
		for (i = n; i-- > 0; ) {
			const unit *u = plan->units[i];

			if (!u->parent)
				continue;
			val[u->parent->index] += val[i];
			val_has[u->parent->index] |= val_has[i];
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
		const unit *u = plan->units[i];

		if (!u->parent)
			continue;
		val[u->parent->index] += own[i];
		val_has[u->parent->index] |= own_has[i];
	}
}

/* "4 holders of deputy-head in its subtree" */
static const char *measured(arena *a, const quota_rule *q, int64_t v)
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
		return arena_printf(a, "a staff %s of %lld%s",
				    staff_name(q->staff), (long long)v, scope);
	case MEASURE_HOLDERS:
		return arena_printf(a, "%lld holder%s of %s%s", (long long)v,
				    v == 1 ? "" : "s", q->title, scope);
	case MEASURE_POSITIONS:
		return arena_printf(a, "%lld slot%s of %s%s", (long long)v,
				    v == 1 ? "" : "s", q->title, scope);
	default:
		return arena_printf(a, "%lld selected unit%s%s", (long long)v,
				    v == 1 ? "" : "s", scope);
	}
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

static void judge_unit(quota_eval *qe, const unit *u)
{
	const quota_rule *q = qe->q;
	arena *a = &qe->ctx->report->arena;
	uint32_t x = u->index, i;
	int64_t v = qe->val[x];
	const char *what;

	if (!qe->val_has[x])
		return;        /* no unit in scope gave the staff field */
	what = measured(a, q, v);
	if (!what) {
		qe->ctx->status = PC_ENOMEM;
		return;
	}
	if (q->has_max && v > q->max)
		quota_finding(qe, u, v, true, q->max,
			      arena_printf(a, "%s (%s) has %s, more than the "
					   "maximum of %lld", NAME(u), u->id,
					   what, (long long)q->max));
	if (q->has_min && v < q->min)
		quota_finding(qe, u, v, true, q->min,
			      arena_printf(a, "%s (%s) has %s, fewer than the "
					   "minimum of %lld", NAME(u), u->id,
					   what, (long long)q->min));
	if (q->has_max_by) {
		const value *av = eval_attr(&u->attrs, q->max_by_attr);
		const max_by_entry *hit = NULL;

		for (i = 0; av && i < q->nmax_by && !hit; i++)
			if (strcmp(q->max_by[i].value, av->text) == 0)
				hit = &q->max_by[i];
		if (hit && v > hit->cap)
			quota_finding(qe, u, v, true, hit->cap,
				      arena_printf(a, "%s (%s) has %s, more "
						   "than the maximum of %lld for "
						   "%s %s", NAME(u), u->id,
						   what, (long long)hit->cap,
						   q->max_by_attr, hit->value));
		else if (!hit && q->max_by_has_default) {
			if (v > q->max_by_default)
				quota_finding(qe, u, v, true, q->max_by_default,
					      arena_printf(a, "%s (%s) has %s, "
							   "more than the default "
							   "maximum of %lld",
							   NAME(u), u->id, what,
							   (long long)q->max_by_default));
		} else if (!hit && !av) {
			quota_finding(qe, u, v, false, 0,
				      arena_printf(a, "%s (%s) has no attribute "
						   "%s, so no cap applies to "
						   "it and the rule gives no "
						   "default", NAME(u), u->id,
						   q->max_by_attr));
		} else if (!hit) {
			quota_finding(qe, u, v, false, 0,
				      arena_printf(a, "%s (%s) has %s %s, for "
						   "which the rule lists no cap "
						   "and gives no default",
						   NAME(u), u->id,
						   q->max_by_attr, av->text));
		}
	}
	if (q->has_reduce && q->measure == MEASURE_STAFF && qe->base_has[x]) {
		int64_t base = qe->base[x], at_least = q->reduce_at_least;

		/* Exact: (baseline - value) * 100 >= at_least * baseline. */
		if ((base - v) * 100 < at_least * base) {
			int64_t most = floor_div(base * (100 - at_least), 100);

			quota_finding(qe, u, v, true, most,
				      arena_printf(a, "%s (%s) has %s, not at "
						   "least %lld%% below the "
						   "baseline of %lld (at most "
						   "%lld)", NAME(u), u->id,
						   what, (long long)at_least,
						   (long long)base,
						   (long long)most));
		}
	}
}

void eval_quota(eval_ctx *ctx, const rule *r)
{
	const quota_rule *q = &r->u.quota;
	const pc_plan *plan = ctx->plan;
	uint32_t n = plan->nunits, i;
	bool units = q->measure == MEASURE_UNITS;
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
	qe.own = pc_malloc(n * sizeof *qe.own);
	qe.val = pc_malloc(n * sizeof *qe.val);
	qe.own_has = pc_malloc(n);
	qe.val_has = pc_malloc(n);
	if (!qe.own || !qe.val || !qe.own_has || !qe.val_has)
		goto nomem;
	if (q->measure == MEASURE_HOLDERS) {
		qe.stamp = pc_calloc(plan->npeople ? plan->npeople : 1,
				     sizeof *qe.stamp);
		if (!qe.stamp)
			goto nomem;
	}
	for (i = 0; i < n && !ctx->status; i++)
		measure_unit(&qe, plan->units[i]);
	if (ctx->status)
		goto out;
	aggregate(plan, q->scope, units, qe.own, qe.own_has, qe.val,
		  qe.val_has);
	if (q->has_reduce && q->measure == MEASURE_STAFF) {
		qe.base_own = pc_malloc(n * sizeof *qe.base_own);
		qe.base = pc_malloc(n * sizeof *qe.base);
		qe.base_own_has = pc_malloc(n);
		qe.base_has = pc_malloc(n);
		if (!qe.base_own || !qe.base || !qe.base_own_has ||
		    !qe.base_has)
			goto nomem;
		for (i = 0; i < n; i++)
			measure_baseline(&qe, plan->units[i]);
		aggregate(plan, q->scope, false, qe.base_own, qe.base_own_has,
			  qe.base, qe.base_has);
	}
	for (i = 0; i < n && !ctx->status; i++) {
		const unit *u = plan->units[i];

		if (!unit_exists_after(u))
			continue;
		if (q->for_units.given && !eval_select(ctx, r, &q->for_units, u))
			continue;
		judge_unit(&qe, u);
	}
	goto out;
nomem:
	ctx->status = PC_ENOMEM;
out:
	pc_free(qe.own);
	pc_free(qe.val);
	pc_free(qe.own_has);
	pc_free(qe.val_has);
	pc_free(qe.base_own);
	pc_free(qe.base);
	pc_free(qe.base_own_has);
	pc_free(qe.base_has);
	pc_free(qe.stamp);
}
