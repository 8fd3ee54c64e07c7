/* eval.c - the check driver: the reference date, --only/--skip, effective
 * dates, one pass per rule (on several threads when asked), then waivers
 * and the final order. */
#include "eval.h"
#include "alloc.h"
#include "problems.h"
#include "regex.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The most threads one check runs its rules on. */
#define CHECK_THREADS_MAX 8
/* Their stack: what a main thread usually has, whatever the C library's
 * default for threads (128 KiB in musl), as plancheck's own workers. */
#define CHECK_STACK_SIZE ((size_t)8 << 20)

/* FNV-1a, over the messages of rules with a template only. */
static uint32_t msg_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void msgs_forget(eval_ctx *ctx)
{
	pc_free(ctx->msg_slots);
	ctx->msg_slots = NULL;
	ctx->msg_cap = ctx->msg_used = 0;
}

/* Room for one more message with the table at most three quarters
 * full: 0, or -1 when out of memory. */
static int msgs_reserve(eval_ctx *ctx)
{
	uint64_t *old = ctx->msg_slots, *slots;
	size_t cap = ctx->msg_cap, ncap, i, j;

	if (cap && (ctx->msg_used + 1) * 4 <= cap * 3)
		return 0;
	ncap = cap ? cap * 2 : 256;
	if (ncap > SIZE_MAX / 2 / sizeof *slots)
		return -1;
	slots = pc_calloc(ncap, sizeof *slots);
	if (!slots)
		return -1;
	for (i = 0; i < cap; i++) {
		if (!old[i])
			continue;
		for (j = (old[i] >> 32) & (ncap - 1); slots[j];
		     j = (j + 1) & (ncap - 1))
			;
		slots[j] = old[i];
	}
	pc_free(old);
	ctx->msg_slots = slots;
	ctx->msg_cap = ncap;
	return 0;
}

pc_finding *eval_finding(eval_ctx *ctx, const rule *r, loc where,
			 pc_target_type type, const char *target_id,
			 const tmpl_args *args, const char *default_msg)
{
	static const tmpl_args no_args;
	const char *msg = default_msg, *text;
	size_t slot = 0, mask;
	uint32_t h = 0;
	bool fresh = false;
	pc_finding *f;
	strbuf *b;

	/* A rule stopped by a regular expression limit says nothing more:
	 * what it would say now rests on matches it could not make. */
	if (ctx->status || eval_regex_stopped(ctx, r))
		return NULL;
	if (r->message.nparts) {
		/* Expanded in the scratch buffer, kept once per text. */
		b = eval_msg_begin(ctx);
		tmpl_expand_sb(b, &r->message, args ? args : &no_args);
		if (b->failed || msgs_reserve(ctx) < 0)
			goto nomem;
		text = b->data ? b->data : "";
		h = msg_hash(text, b->len);
		mask = ctx->msg_cap - 1;
		msg = NULL;
		for (slot = h & mask; ctx->msg_slots[slot];
		     slot = (slot + 1) & mask) {
			uint64_t e = ctx->msg_slots[slot];
			const char *m;

			if ((uint32_t)(e >> 32) != h)
				continue;
			m = ctx->report->findings[(uint32_t)e - 1]->message;
			if (strcmp(m, text) == 0) {
				msg = m;
				break;
			}
		}
		if (!msg) {
			msg = arena_strndup(&ctx->report->arena, text, b->len);
			fresh = true;
		}
	}
	if (!msg)
		goto nomem;
	f = report_add(ctx->report, r->id, r->severity, msg, r->basis, where,
		       type, target_id);
	if (!f)
		goto nomem;
	/* A finding past the slot's index range keeps its own copy. */
	if (fresh && ctx->report->nfindings < UINT32_MAX) {
		ctx->msg_slots[slot] = (uint64_t)h << 32 |
				       (uint32_t)ctx->report->nfindings;
		ctx->msg_used++;
	}
	return f;
nomem:
	ctx->status = PC_ENOMEM;
	return NULL;
}

void eval_regex_limit(eval_ctx *ctx, const rule *r, loc where,
		      pc_target_type type, const char *target_id)
{
	pc_limits lim;
	const char *msg;

	if (ctx->status || ctx->regex_stopped == r)
		return;
	ctx->regex_stopped = r;
	if (ctx->rules)
		lim = ctx->rules->limits;
	else
		pc_limits_default(&lim);
	msg = arena_printf(&ctx->report->arena,
			   "rule %s could not judge %s %s: a regular expression "
			   "hit its match or depth limit (%u steps, %u levels), "
			   "so the rule judges nothing more in this plan; simplify "
			   "the expression (nested repeats such as (a+)+ "
			   "backtrack without end)", r->id,
			   pc_target_type_name(type), target_id ? target_id : "",
			   (unsigned)lim.regex_match_limit,
			   (unsigned)lim.regex_depth_limit);
	if (!msg || !report_add(ctx->report, r->id, PC_SEV_ERROR, msg, r->basis,
				where, type, target_id))
		ctx->status = PC_ENOMEM;
}

void eval_unknown_ref(eval_ctx *ctx, const rule *r, rloc where,
		      const char *what, const char *name)
{
	pc_target_type type = PC_TARGET_PLAN;
	const char *msg;
	loc at;

	if (ctx->status)
		return;
	if (strcmp(what, "title") == 0)
		type = PC_TARGET_TITLE;
	else if (strcmp(what, "task") == 0)
		type = PC_TARGET_TASK;
	else if (strcmp(what, "unit") == 0)
		type = PC_TARGET_UNIT;
	at.file = where.file ? where.file : r->where.file;
	at.line = where.line;
	at.col = where.col;
	if (at.line == 0) {
		at.line = r->where.line;
		at.col = r->where.col;
	}
	msg = arena_printf(&ctx->report->arena,
			   "rule %s names %s %s, which plan %s does not define; "
			   "the rule finds nothing there", r->id, what, name,
			   ctx->plan->id && *ctx->plan->id ? ctx->plan->id :
			   ctx->plan->file ? ctx->plan->file : "");
	if (!msg || !report_add(ctx->report, "rules/unknown-ref", PC_SEV_INFO,
				msg, "", at, type, name))
		ctx->status = PC_ENOMEM;
}

void eval_check_under(eval_ctx *ctx, const rule *r, const selector *s)
{
	rloc where;

	if (!s->under || plan_unit(ctx->plan, s->under,
				   strlen(s->under)))
		return;
	where.file = r->where.file;
	where.line = s->line;
	where.col = s->col;
	eval_unknown_ref(ctx, r, where, "unit", s->under);
}

/*
 * Rules select among every unit of the plan, often with a selector that
 * names a level, and a plan has few distinct levels and kinds: the
 * answer of the level and kind tests for one pair holds for every unit
 * with that pair. The memo holds one selector at a time; each rule's
 * loops use one.
 */
int eval_select_ix(eval_ctx *ctx, const rule *r, const selector *s,
		   uint32_t i)
{
	const pc_plan *plan = ctx->plan;
	unsigned char c = ctx->pair[i];
	const unit *u;
	int m;

	if (eval_regex_stopped(ctx, r))
		return 0;
	if (ctx->memo_sel != s) {
		ctx->memo_sel = s;
		ctx->memo_simple = selector_simple(s);
		memset(ctx->memo, SEL_UNKNOWN, sizeof ctx->memo);
	}
	/* selector_match's first test. */
	if (!(s->status_mask & STATUS_BIT(ctx->status_of[i])))
		return 0;
	if (c != UNIT_CLASS_NONE) {
		if (ctx->memo[c] == SEL_UNKNOWN)
			ctx->memo[c] = (signed char)selector_pair_answer(s,
				ctx->memo_simple, plan->class_level[c],
				plan->class_kind[c]);
		if (ctx->memo[c] != SELECT_ASK)
			return ctx->memo[c];
	}
	u = plan->units[i];
	m = selector_match(s, plan, u);
	if (m < 0) {
		eval_regex_limit(ctx, r, plan_loc(plan, u->where),
				 PC_TARGET_UNIT, u->id);
		return 0;
	}
	return m > 0;
}

int eval_select(eval_ctx *ctx, const rule *r, const selector *s,
		const unit *u)
{
	return eval_select_ix(ctx, r, s, u->index);
}

strbuf *eval_msg_begin(eval_ctx *ctx)
{
	ctx->msg.len = 0;
	return &ctx->msg;
}

const char *eval_msg_end(eval_ctx *ctx)
{
	const char *s = NULL;

	/* eval_finding will expand the rule's template instead. */
	if (ctx->running && ctx->running->message.nparts && !ctx->msg.failed)
		return "";
	if (!ctx->msg.failed)
		s = arena_strndup(&ctx->report->arena,
				  ctx->msg.data ? ctx->msg.data : "",
				  ctx->msg.len);
	if (!s)
		ctx->status = PC_ENOMEM;
	return s;
}

/* Compile an --only/--skip expression into the report's arena. */
static int compile_filter(pc_report *rep, const char *option,
			  const char *pattern, const pc_limits *limits,
			  pc_errors *errs, pc_regex **out)
{
	char msg[256];
	size_t off = 0;

	*out = NULL;
	if (!pattern)
		return 0;
	*out = regex_compile(&rep->arena, pattern, strlen(pattern), limits,
			     msg, sizeof msg, &off);
	if (*out)
		return 0;
	if (strcmp(msg, "out of memory") == 0)
		return PC_ENOMEM;
	if (errors_add(errs, NULL, 0, 0, "%s '%s': %s at offset %zu; give a "
		       "PCRE2 regular expression over rule ids", option,
		       pattern, msg, off) < 0)
		return PC_ENOMEM;
	return PC_EREGEX;
}

/* 1 when the rule id matches, 0 when not; PC_EREGEX (reported) when the
 * expression hit a limit on it. */
static int filter_match(const pc_regex *re, const char *option,
			const char *id, pc_errors *errs)
{
	int m = regex_match(re, id, strlen(id));

	if (m >= 0)
		return m;
	if (errors_add(errs, NULL, 0, 0, "%s '%s': the regular expression "
		       "hit its match or depth limit on rule id %s; simplify "
		       "it", option, regex_pattern(re), id) < 0)
		return PC_ENOMEM;
	return PC_EREGEX;
}

static void run_rule(eval_ctx *ctx, const rule *r)
{
	switch (r->kind) {
	case PC_KIND_MERGED_TITLES:
		eval_merged_titles(ctx, r);
		break;
	case PC_KIND_DEADLINE:
		eval_deadline(ctx, r);
		break;
	case PC_KIND_QUOTA:
		eval_quota(ctx, r);
		break;
	case PC_KIND_PATTERN:
		eval_pattern(ctx, r);
		break;
	}
}

/* The rules of one check that run, shared by the threads that run them:
 * each takes the next one not taken. */
typedef struct rule_queue {
	const rule **todo;
	size_t ntodo;
	atomic_size_t next;
	atomic_int failed;      /* a thread ran out of memory: all stop */
} rule_queue;

/* One thread's part: its context, whose findings go to its own report
 * (the check's own for the calling thread). */
typedef struct check_worker {
	eval_ctx ctx;
	rule_queue *q;
	pthread_t thread;
	bool started;
} check_worker;

static void run_queue(check_worker *w)
{
	rule_queue *q = w->q;

	while (!atomic_load_explicit(&q->failed, memory_order_relaxed)) {
		size_t i = atomic_fetch_add_explicit(&q->next, 1,
						     memory_order_relaxed);
		const rule *r;

		if (i >= q->ntodo)
			break;
		r = q->todo[i];
		w->ctx.running = r;
		run_rule(&w->ctx, r);
		w->ctx.running = NULL;
		msgs_forget(&w->ctx);
		if (w->ctx.status) {
			atomic_store(&q->failed, 1);
			break;
		}
	}
}

/* About how much work r is on plan, in visits to an entity: to start the
 * longest rules first, so that threads do not wait at the end for one
 * that started last. Only the order changes, never a result (the report
 * is sorted). A deadline rule's owners cost the most each (a lagging
 * row and a finding apiece, often). */
static uint64_t rule_cost(const pc_plan *plan, const rule *r)
{
	const deadline_rule *d;
	uint64_t owners = 0;
	uint32_t t;

	switch (r->kind) {
	case PC_KIND_MERGED_TITLES:
		return plan->npeople;
	case PC_KIND_QUOTA:
		return plan->nunits;
	case PC_KIND_PATTERN:
		return r->u.pattern.target == PT_PEOPLE ? plan->npeople :
		       r->u.pattern.target == PT_UNITS ? plan->nunits : 1;
	case PC_KIND_DEADLINE:
		/* A pattern of task ids is counted as every task. */
		d = &r->u.deadline;
		if (d->task) {
			const task *tk = idmap_get(&plan->task_ids, d->task,
						   strlen(d->task));

			return tk ? 8 * (uint64_t)tk->nowners : 1;
		}
		for (t = 0; t < plan->ntasks; t++)
			owners += plan->tasks[t]->nowners;
		return 8 * owners;
	}
	return 1;
}

typedef struct rule_order {
	uint64_t cost;
	size_t at;
} rule_order;

static int cmp_rule_order(const void *a, const void *b)
{
	const rule_order *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

int eval_order_rules(const pc_plan *plan, const rule **rules, size_t n)
{
	rule_order *o;
	const rule **sorted;
	size_t i;

	if (n < 2)
		return 0;
	o = pc_malloc(n * sizeof *o);
	sorted = pc_malloc(n * sizeof *sorted);
	if (!o || !sorted) {
		pc_free(o);
		pc_free(sorted);
		return PC_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		o[i].cost = rule_cost(plan, rules[i]);
		o[i].at = i;
	}
	qsort(o, n, sizeof *o, cmp_rule_order);
	for (i = 0; i < n; i++)
		sorted[i] = rules[o[i].at];
	memcpy(rules, sorted, n * sizeof *sorted);
	pc_free(o);
	pc_free(sorted);
	return 0;
}

static void *worker_main(void *arg)
{
	run_queue(arg);
	return NULL;
}

/* For arena_on_free: a helper's report goes with the check's. */
static void free_part(void *p)
{
	pc_report_free(p);
}

/* Run q's rules on up to nthreads threads, the calling one with ctx
 * (whose report is the check's): the other threads' findings and
 * lagging rows join the check's report, their order left to
 * report_sort. 0, or PC_ENOMEM (ctx->status set). */
static int run_rules(eval_ctx *ctx, rule_queue *q, size_t nthreads)
{
	pc_report *rep = ctx->report;
	check_worker *w = NULL;
	size_t i, k;
	int rc = PC_ENOMEM;

	if (nthreads > q->ntodo)
		nthreads = q->ntodo;
	if (nthreads > CHECK_THREADS_MAX)
		nthreads = CHECK_THREADS_MAX;
	/* On one thread the order does not matter. */
	if (nthreads > 1 && eval_order_rules(ctx->plan, q->todo, q->ntodo) < 0)
		goto out;
	if (nthreads <= 1) {
		check_worker one;

		memset(&one, 0, sizeof one);
		one.ctx = *ctx;
		one.q = q;
		run_queue(&one);
		*ctx = one.ctx;
		rep->threads = 1;
		return ctx->status;
	}
	if (!(w = pc_calloc(nthreads, sizeof *w)))
		goto out;
	for (k = 1; k < nthreads; k++) {
		pc_report *part = pc_calloc(1, sizeof *part);

		/* On failure, arena_on_free has freed the part already. */
		if (!part || arena_on_free(&rep->arena, free_part, part) < 0)
			goto out;
		arena_init(&part->arena);
		part->plan = rep->plan;
		part->rules = rep->rules;
		part->as_of = rep->as_of;
		w[k].ctx = *ctx;
		w[k].ctx.report = part;
		memset(&w[k].ctx.msg, 0, sizeof w[k].ctx.msg);
		w[k].ctx.msg_slots = NULL;
		w[k].ctx.msg_cap = w[k].ctx.msg_used = 0;
		w[k].q = q;
	}
	{
		pthread_attr_t ta;
		bool has_ta = pthread_attr_init(&ta) == 0;

		if (has_ta)
			(void)pthread_attr_setstacksize(&ta, CHECK_STACK_SIZE);
		for (k = 1; k < nthreads; k++)
			w[k].started = pthread_create(&w[k].thread,
						      has_ta ? &ta : NULL,
						      worker_main, &w[k]) == 0;
		if (has_ta)
			pthread_attr_destroy(&ta);
	}
	/* A thread that did not start leaves its share to the others. */
	rep->threads = 1;
	for (k = 1; k < nthreads; k++)
		rep->threads += w[k].started;
	w[0].ctx = *ctx;
	w[0].q = q;
	run_queue(&w[0]);
	*ctx = w[0].ctx;
	for (k = 1; k < nthreads; k++)
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
	rc = 0;
	for (k = 1; k < nthreads; k++) {
		pc_report *part = w[k].ctx.report;

		if (!rc && w[k].ctx.status)
			rc = w[k].ctx.status;
		if (rc || !part)
			continue;
		if (pc_grow(&rep->findings, &rep->findings_cap,
			    rep->nfindings + part->nfindings,
			    sizeof *rep->findings) < 0 ||
		    pc_grow(&rep->lagging, &rep->lagging_cap,
			    rep->nlagging + part->nlagging,
			    sizeof *rep->lagging) < 0) {
			rc = PC_ENOMEM;
			continue;
		}
		for (i = 0; i < part->nfindings; i++)
			rep->findings[rep->nfindings++] = part->findings[i];
		for (i = 0; i < part->nlagging; i++)
			rep->lagging[rep->nlagging++] = part->lagging[i];
	}
	if (!rc)
		rc = ctx->status;
out:
	if (w) {
		for (k = 1; k < nthreads; k++) {
			sb_free(&w[k].ctx.msg);
			msgs_forget(&w[k].ctx);
		}
		pc_free(w);
	}
	if (rc == 0 && !w)
		rc = PC_ENOMEM;
	if (rc && !ctx->status)
		ctx->status = rc;
	return rc;
}

int pc_check(const pc_plan *plan, const pc_ruleset *rules,
	     const pc_check_options *options, pc_report **out,
	     pc_errors **errors)
{
	static const pc_check_options no_options = { PC_NODATE, NULL, NULL,
						     NULL, 0 };
	pc_limits default_limits;
	const pc_limits *limits;
	pc_errors *errs = NULL;
	pc_report *rep = NULL;
	pc_regex *only = NULL, *skip = NULL;
	rule_queue q;
	eval_ctx ctx;
	size_t nrules, i;
	int rc = PC_ENOMEM;

	memset(&ctx, 0, sizeof ctx);
	memset(&q, 0, sizeof q);
	if (out)
		*out = NULL;
	if (errors)
		*errors = NULL;
	if (!options)
		options = &no_options;
	if (!plan || !out) {
		rc = PC_EUSAGE;
		goto fail;
	}
	errs = errors_new();
	if (!errs)
		goto fail;
	rep = pc_calloc(1, sizeof *rep);
	if (!rep)
		goto fail;
	arena_init(&rep->arena);
	rep->plan = plan;
	rep->rules = rules;
	if (options->as_of != PC_NODATE)
		rep->as_of = options->as_of;
	else if (plan->as_of != PC_NODATE)
		rep->as_of = plan->as_of;
	else
		rep->as_of = pc_date_today();

	pc_limits_default(&default_limits);
	limits = options->limits ? options->limits :
		 rules ? &rules->limits : &default_limits;
	if ((rc = compile_filter(rep, "--only", options->only, limits, errs,
				 &only)) < 0)
		goto fail;
	if ((rc = compile_filter(rep, "--skip", options->skip, limits, errs,
				 &skip)) < 0)
		goto fail;
	rc = PC_ENOMEM;

	nrules = rules ? rules->nrules : 0;
	rep->rule_ran = pc_calloc(nrules ? nrules : 1, 1);
	q.todo = pc_malloc((nrules ? nrules : 1) * sizeof *q.todo);
	if (!rep->rule_ran || !q.todo)
		goto fail;

	for (i = 0; i < plan->nfindings; i++) {
		const load_finding *lf = &plan->findings[i];

		if (!report_add(rep, lf->rule, lf->severity, lf->message, "",
				lf->where, lf->target_type, lf->target_id))
			goto fail;
	}

	ctx.plan = plan;
	ctx.rules = rules;
	ctx.report = rep;
	ctx.as_of = rep->as_of;
	ctx.status_of = plan->status_at;
	ctx.parents = plan->parent_at;
	ctx.pair = plan->class_at;
	for (i = 0; i < nrules; i++) {
		const rule *r = rules->rules[i];
		int m;

		if (only) {
			if ((m = filter_match(only, "--only", r->id, errs)) < 0) {
				rc = m;
				goto fail;
			}
			if (!m) {
				rep->rule_ran[i] = 2;
				continue;
			}
		}
		if (skip) {
			if ((m = filter_match(skip, "--skip", r->id, errs)) < 0) {
				rc = m;
				goto fail;
			}
			if (m) {
				rep->rule_ran[i] = 2;
				continue;
			}
		}
		if (r->effective != PC_NODATE && r->effective > rep->as_of) {
			rep->rule_ran[i] = 0;
			continue;
		}
		rep->rule_ran[i] = 1;
		q.todo[q.ntodo++] = r;
	}
	if ((rc = run_rules(&ctx, &q, options->threads)) < 0)
		goto fail;
	eval_waivers(&ctx);
	sb_free(&ctx.msg);
	pc_free(q.todo);
	q.todo = NULL;
	if (ctx.status) {
		rc = ctx.status;
		goto fail;
	}
	report_sort(rep);
	pc_errors_free(errs);
	*out = rep;
	return 0;
fail:
	sb_free(&ctx.msg);
	msgs_forget(&ctx);
	pc_free(q.todo);
	pc_report_free(rep);
	if (errs && errs->count)
		errors_give(errs, errors);
	else
		pc_errors_free(errs);
	return rc;
}
