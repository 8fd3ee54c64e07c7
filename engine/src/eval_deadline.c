/* eval_deadline.c - kind: deadline. Which units owe a task past its due
 * date (overdue), fall short of the expected progress (behind), or
 * finished it late; the first two are the run's lagging units. */
#include "eval.h"

#include <string.h>

#define NAME(x) ((x)->name ? (x)->name : "")

typedef enum task_state {
	STATE_ON_TRACK, STATE_DONE, STATE_LATE, STATE_OVERDUE, STATE_BEHIND
} task_state;

/* Expected percent at as_of for a task running from start to due: whole
 * days, rounded down, clamped to 0..100; 100 when due is not after
 * start. */
static int expected_percent(pc_date start, pc_date due, pc_date as_of)
{
	int64_t span = (int64_t)due - start, gone = (int64_t)as_of - start;
	int64_t e;

	if (span <= 0)
		return 100;
	if (gone <= 0)
		return 0;
	e = 100 * gone / span;
	return e > 100 ? 100 : (int)e;
}

static void judge_owner(eval_ctx *ctx, const rule *r, const task *t,
			const unit *u, const progress *pr, pc_date due,
			pc_date start)
{
	const deadline_rule *d = &r->u.deadline;
	task_state state = STATE_ON_TRACK;
	int64_t days = 0;
	int percent = 0, expected = 0;
	const char *due_text, *msg = NULL;
	tmpl_args args;
	pc_finding *f;
	loc pr_at;
	pc_lagging *lag;
	strbuf *b;
	char buf[11], due_buf[11];

	if (pr && pr->percent >= 0)
		percent = pr->percent;
	if (pr && pr->done != PC_NODATE && pr->done <= ctx->as_of) {
		/* Done as of the reference date; a done date after it is
		 * not done yet. */
		if ((int64_t)pr->done > (int64_t)due + d->grace_days) {
			/* as_of >= done > due: the formula of "behind"
			 * gives 100 whatever the start, so {expected}
			 * means the same in every deadline message. */
			state = STATE_LATE;
			days = (int64_t)pr->done - due;
			expected = 100;
		} else {
			state = STATE_DONE;
		}
		percent = 100;
	} else if ((int64_t)ctx->as_of > (int64_t)due + d->grace_days) {
		state = STATE_OVERDUE;
		days = (int64_t)ctx->as_of - due;
		expected = 100;
	} else if (d->has_behind_by && start != PC_NODATE) {
		expected = expected_percent(start, due, ctx->as_of);
		if (percent < expected - d->behind_by)
			state = STATE_BEHIND;
	}
	if (state == STATE_ON_TRACK || state == STATE_DONE)
		return;

	/* Messages copy the date; the lagging row keeps it as a date. */
	due_text = pc_date_format(due, due_buf);
	/* A rule with a template does not say this (eval_finding). */
	if (!r->message.nparts) {
		b = eval_msg_begin(ctx);
		sb_puts(b, NAME(u));
		sb_add(b, " (", 2);
		sb_puts(b, u->id);
		sb_puts(b, "): task ");
		sb_puts(b, t->id);
		switch (state) {
		case STATE_LATE:
			sb_puts(b, " done on ");
			sb_puts(b, pc_date_format(pr->done, buf));
			sb_puts(b, ", ");
			sb_int(b, days);
			sb_puts(b, " days after its due date ");
			sb_puts(b, due_text);
			break;
		case STATE_OVERDUE:
			sb_puts(b, " overdue by ");
			sb_int(b, days);
			sb_puts(b, " days (due ");
			sb_puts(b, due_text);
			sb_putc(b, ')');
			break;
		default:
			sb_puts(b, " behind schedule: ");
			sb_int(b, percent);
			sb_puts(b, "% done, ");
			sb_int(b, expected);
			sb_puts(b, "% expected by now (due ");
			sb_puts(b, due_text);
			sb_putc(b, ')');
			break;
		}
		msg = eval_msg_end(ctx);
		if (!msg)
			return;
	}
	memset(&args, 0, sizeof args);
	args.unit_id = u->id;
	args.unit_name = u->name;
	args.task_id = t->id;
	args.task_name = t->name;
	args.due = due_text;
	args.has_days = true;
	args.days = days;
	args.has_percent = true;
	args.percent = percent;
	args.has_expected = true;
	args.expected = expected;
	f = eval_finding(ctx, r, plan_loc(ctx->plan, u->where), PC_TARGET_UNIT,
			 u->id, &args, msg);
	if (!f)
		return;
	if (state == STATE_LATE)
		f->severity = PC_SEV_INFO;
	if (pr)
		pr_at = plan_loc(ctx->plan, pr->where);
	if (pr && finding_set_related(ctx->report, f, &pr_at, 1) < 0) {
		ctx->status = PC_ENOMEM;
		return;
	}
	if (state == STATE_LATE)
		return;
	lag = report_add_lagging(ctx->report);
	if (!lag) {
		ctx->status = PC_ENOMEM;
		return;
	}
	lag->file = ctx->plan->file;
	lag->unit = u->id;
	lag->unit_name = u->name;
	lag->task = t->id;
	lag->rule = r->id;
	lag->due = due;
	lag->state = state == STATE_OVERDUE ? PC_LAG_OVERDUE : PC_LAG_BEHIND;
	lag->days = state == STATE_OVERDUE ? days : 0;
	lag->percent = percent;
	lag->expected = expected;
}

static void judge_task(eval_ctx *ctx, const rule *r, const task *t)
{
	const deadline_rule *d = &r->u.deadline;
	pc_date due = d->due != PC_NODATE ? d->due : t->due;
	pc_date start = t->start != PC_NODATE ? t->start : ctx->plan->start;
	uint32_t i;

	if (due == PC_NODATE)
		return;        /* the loader reported the missing date */
	for (i = 0; i < t->nowners && !ctx->status; i++) {
		const unit *u = t->owners[i];

		if (d->units.given && !eval_select(ctx, r, &d->units, u))
			continue;
		judge_owner(ctx, r, t, u,
			    t->owner_progress ? t->owner_progress[i] : NULL,
			    due, start);
	}
}

void eval_deadline(eval_ctx *ctx, const rule *r)
{
	const deadline_rule *d = &r->u.deadline;
	const pc_plan *plan = ctx->plan;
	uint32_t i;

	eval_check_under(ctx, r, &d->units);
	if (d->task) {
		const task *t = idmap_get(&plan->task_ids, d->task,
					  strlen(d->task));

		if (!t) {
			eval_unknown_ref(ctx, r, d->task_where, "task",
					 d->task);
			return;
		}
		judge_task(ctx, r, t);
		return;
	}
	if (!d->task_regex)
		return;
	for (i = 0; i < plan->ntasks && !ctx->status; i++) {
		const task *t = plan->tasks[i];
		int m;

		if (eval_regex_stopped(ctx, r))
			break;
		m = regex_match(d->task_regex, t->id, strlen(t->id));
		if (m < 0) {
			eval_regex_limit(ctx, r, plan_loc(ctx->plan, t->where),
					 PC_TARGET_TASK, t->id);
			continue;
		}
		if (m)
			judge_task(ctx, r, t);
	}
}
