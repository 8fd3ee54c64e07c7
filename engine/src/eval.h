/* eval.h - evaluating rules (internal). eval.c drives; one file per kind. */
#ifndef PC_EVAL_H
#define PC_EVAL_H
#include "findings.h"
#include "strbuf.h"

/* A parallel check gives each of its threads a copy of the calling
 * thread's context (eval.c, run_rules): what a rule builds here on first
 * use must be built before the threads start and only read by them, or be
 * freed for each copy. */
typedef struct eval_ctx {
	const pc_plan *plan;
	const pc_ruleset *rules;
	pc_report *report;
	pc_date as_of;
	int status;            /* 0, or PC_ENOMEM once memory ran out */
	/* The rule whose regular expression hit a PCRE2 limit: it runs no
	 * more expressions in this check (see eval_regex_limit). */
	const rule *regex_stopped;
	/* Scratch for building messages (eval_msg_begin/eval_msg_end):
	 * a check builds thousands, and printf costs more than the text. */
	strbuf msg;
	/* The rule running, whose findings eval_msg_end builds texts for. */
	const rule *running;
	/* The messages a rule's template gave so far, to keep one copy of
	 * each text: a template that names no id ("{unit.name}: {task.name}
	 * trễ {days} ngày") says the same of many units. Open addressing;
	 * a slot holds a hash in its high half and, in its low half, one
	 * more than the index of the finding whose message it is (0: empty).
	 * Emptied between rules, whose texts differ. */
	uint64_t *msg_slots;
	size_t msg_cap, msg_used;
	/* What rules read of every unit, by its index: the plan's
	 * status_at, parent_at (NO_UNIT for a root) and class_at. Rules
	 * pass over every unit, most of which they skip; these arrays spare
	 * them a visit to each unit's record on a national plan. */
	const unsigned char *status_of;
	const uint32_t *parents;
	const unsigned char *pair;    /* UNIT_CLASS_NONE: no class */
	/* eval_select's memo for one selector: per (level, kind) class,
	 * SEL_UNKNOWN until asked, then selector_pair_answer's answer. */
	const selector *memo_sel;
	bool memo_simple;
	signed char memo[UNIT_CLASS_NONE];
} eval_ctx;

#define SEL_UNKNOWN (-1)

/* Add a finding for rule r: severity, basis from the rule; the message is
 * r's template expanded with args, or default_msg when r has none. */
pc_finding *eval_finding(eval_ctx *ctx, const rule *r, loc where,
			 pc_target_type type, const char *target_id,
			 const tmpl_args *args, const char *default_msg);
/* Report a regular expression that hit its limit while evaluating r, on
 * the first hit only, and stop r's expressions: an expression that hit
 * the limit once backtracks without end, and running it on every unit of
 * a big plan costs a full match budget each time (minutes in all). Kind
 * files test eval_regex_stopped before matching. */
void eval_regex_limit(eval_ctx *ctx, const rule *r, loc where,
		      pc_target_type type, const char *target_id);
static inline bool eval_regex_stopped(const eval_ctx *ctx, const rule *r)
{
	return ctx->regex_stopped == r;
}
/* A rules/unknown-ref info finding, positioned in the rule file. */
void eval_unknown_ref(eval_ctx *ctx, const rule *r, rloc where,
		      const char *what, const char *name);

void eval_merged_titles(eval_ctx *ctx, const rule *r);
void eval_deadline(eval_ctx *ctx, const rule *r);
void eval_quota(eval_ctx *ctx, const rule *r);
void eval_pattern(eval_ctx *ctx, const rule *r);

/* Apply waivers to the findings (waive.c), after all rules ran. */
void eval_waivers(eval_ctx *ctx);

/* Helpers for the kind files (eval.c). An attribute is found with
 * attrs_get (model.h). */
/* A rules/unknown-ref info when s names an `under` unit the plan lacks. */
void eval_check_under(eval_ctx *ctx, const rule *r, const selector *s);
/* selector_match, with a regular expression limit reported on r as a
 * finding about u: 1 selected, 0 not (also after a limit hit). */
int eval_select(eval_ctx *ctx, const rule *r, const selector *s,
		const unit *u);
/* Put rules[0..n) in the order a check on several threads takes them:
 * the most work on plan first (an estimate: the people, units or task
 * owners each walks), ties in the given order. 0, or PC_ENOMEM (rules
 * unchanged). */
int eval_order_rules(const pc_plan *plan, const rule **rules, size_t n);
/* eval_select for the unit at index i of plan->units. Reads the unit's
 * record only when the memo cannot answer. */
int eval_select_ix(eval_ctx *ctx, const rule *r, const selector *s,
		   uint32_t i);
/* Message building without printf: eval_msg_begin empties ctx->msg and
 * returns it for the sb_ functions; eval_msg_end copies what was built
 * into the report's arena (NULL, and ctx->status set, when out of
 * memory at any step). The text is the default message of a finding of
 * ctx->running: when that rule has a template, which eval_finding uses
 * instead, nothing is copied and the result is "". */
strbuf *eval_msg_begin(eval_ctx *ctx);
const char *eval_msg_end(eval_ctx *ctx);
#endif
