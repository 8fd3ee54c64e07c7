/* waive.c - waivers: a plan's approved exceptions to a rule for one
 * target. Applied after every rule ran, before the findings are sorted. */
#include "eval.h"
#include "alloc.h"

#include <string.h>

static bool is_waiver_finding(const char *rule_id)
{
	return strncmp(rule_id, "plan/waiver-", 12) == 0;
}

/* Did the rule named by a waiver have a chance to produce findings? A
 * waiver for a rule that was filtered out or not yet effective is not
 * reported unused. */
static bool rule_could_run(const eval_ctx *ctx, const char *id)
{
	long i;

	if (!ctx->rules)
		return true;
	i = pc_ruleset_find(ctx->rules, id);
	if (i < 0 || !ctx->report->rule_ran)
		return true;
	return ctx->report->rule_ran[i] == 1;
}

/*
 * The plan is not changed: the loader filled each waiver's public view
 * (info), which a waived finding points to, and which waivers were used
 * is this check's business, not the plan's.
 *
 * Waivers are indexed by an interned "rule\ntarget" key; waivers that share
 * a key are chained (next[]) in document order, so each finding costs one
 * hash lookup plus the (usually single) waivers on its key.
 */
void eval_waivers(eval_ctx *ctx)
{
	const pc_plan *plan = ctx->plan;
	pc_report *rep = ctx->report;
	uint32_t nw = plan->nwaivers, i;
	size_t nfindings = rep->nfindings, fi;
	strtab keys;
	idmap index, named;          /* named: the rules waivers name */
	uint32_t *next = NULL;      /* chain, UINT32_MAX ends it */
	unsigned char *used = NULL;
	char *buf = NULL;
	size_t buf_cap = 0;
	const char *last_rule = NULL;
	bool rule_named = false;

	if (nw == 0)
		return;
	strtab_init(&keys, &rep->arena);
	idmap_init(&index);
	idmap_init(&named);
	next = pc_malloc(nw * sizeof *next);
	used = pc_calloc(nw, 1);
	if (!next || !used)
		goto nomem;

	/* Build the index; the last waiver put on a key heads the chain, so
	 * walk from the end to keep document order along it. */
	for (i = nw; i-- > 0; ) {
		const waiver *w = &plan->waivers[i];
		size_t lr, lt;
		const char *key;
		void *head = NULL;

		next[i] = UINT32_MAX;
		if (!w->rule || !w->target)
			continue;
		lr = strlen(w->rule);
		lt = strlen(w->target);
		if (pc_grow(&buf, &buf_cap, lr + lt + 2, 1) < 0)
			goto nomem;
		memcpy(buf, w->rule, lr);
		buf[lr] = '\n';
		memcpy(buf + lr + 1, w->target, lt);
		key = strtab_intern(&keys, buf, lr + lt + 1);
		if (!key)
			goto nomem;
		head = idmap_get_str(&index, key);
		if (head)
			next[i] = (uint32_t)((const waiver *)head - plan->waivers);
		if (idmap_set(&index, key, &plan->waivers[i]) < 0 ||
		    !(key = strtab_intern(&keys, w->rule, lr)) ||
		    idmap_set(&named, key, &plan->waivers[i]) < 0)
			goto nomem;
	}

	/* A rule's findings come one after the other, sharing its id: its
	 * name is looked up once a run, and the findings of a rule that no
	 * waiver names (most of them) cost nothing more. */
	for (fi = 0; fi < nfindings; fi++) {
		pc_finding *f = rep->findings[fi];
		size_t lr, lt;
		const waiver *w;

		if (f->rule != last_rule) {
			last_rule = f->rule;
			rule_named = !is_waiver_finding(f->rule) &&
				     idmap_get(&named, f->rule,
					       strlen(f->rule));
		}
		if (!rule_named)
			continue;
		lr = strlen(f->rule);
		lt = strlen(f->target_id);
		if (pc_grow(&buf, &buf_cap, lr + lt + 2, 1) < 0)
			goto nomem;
		memcpy(buf, f->rule, lr);
		buf[lr] = '\n';
		memcpy(buf + lr + 1, f->target_id, lt);
		w = idmap_get(&index, buf, lr + lt + 1);
		for (; w; w = next[w - plan->waivers] == UINT32_MAX ? NULL :
			  &plan->waivers[next[w - plan->waivers]]) {
			used[w - plan->waivers] = 1;
			if (f->waived)
				continue;
			if (w->expires == PC_NODATE || ctx->as_of <= w->expires) {
				f->waived = true;
				f->waiver = &w->info;
			}
		}
	}

	for (i = 0; i < nw; i++) {
		const waiver *w = &plan->waivers[i];
		const char *target, *msg;
		char date[11];
		loc where = w->where;
		pc_finding *f;

		if (!w->rule || !w->target)
			continue;
		target = arena_printf(&rep->arena, "%s:%s", w->rule, w->target);
		if (!target)
			goto nomem;
		if (w->expires != PC_NODATE && ctx->as_of > w->expires) {
			msg = arena_printf(&rep->arena, "waiver for rule %s on %s "
					   "expired on %s and waives nothing; "
					   "renew it or remove it", w->rule,
					   w->target,
					   pc_date_format(w->expires, date));
			if (!msg)
				goto nomem;
			f = report_add(rep, "plan/waiver-expired",
				       PC_SEV_WARNING, msg, "", where,
				       PC_TARGET_WAIVER, target);
			if (!f)
				goto nomem;
		} else if (!used[i] && rule_could_run(ctx, w->rule)) {
			msg = arena_printf(&rep->arena, "waiver for rule %s on %s "
					   "matched no finding; remove it if it "
					   "is no longer needed", w->rule,
					   w->target);
			if (!msg)
				goto nomem;
			f = report_add(rep, "plan/waiver-unused", PC_SEV_INFO,
				       msg, "", where, PC_TARGET_WAIVER,
				       target);
			if (!f)
				goto nomem;
		}
	}
	goto out;
nomem:
	ctx->status = PC_ENOMEM;
out:
	pc_free(buf);
	pc_free(next);
	pc_free(used);
	idmap_free(&index);
	idmap_free(&named);
	strtab_free(&keys);
}
