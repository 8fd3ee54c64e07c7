/* problems.c - the problem sink, "did you mean", and pc_errors. */
#include "problems.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

static const char *const rule_ids[] = {
	[PROB_UNKNOWN_KEY] = "plan/unknown-key",
	[PROB_MISSING_KEY] = "plan/missing-key",
	[PROB_BAD_TYPE] = "plan/bad-type",
	[PROB_BAD_VALUE] = "plan/bad-value",
	[PROB_DUPLICATE_KEY] = "plan/duplicate-key",
	[PROB_DUPLICATE_ID] = "plan/duplicate-id",
	[PROB_UNKNOWN_REF] = "plan/unknown-ref",
	[PROB_CYCLE] = "plan/cycle",
	[PROB_PROGRESS_NA] = "plan/progress-not-applicable",
	[PROB_BAD_REGEX] = "plan/bad-value",
	[PROB_LIMIT] = "plan/bad-value",
};

const char *prob_rule_id(prob_kind kind)
{
	if ((size_t)kind < sizeof rule_ids / sizeof rule_ids[0])
		return rule_ids[kind];
	return "plan/bad-value";
}

void prob_report(problems *p, prob_kind kind, uint32_t line, uint32_t col,
		 const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	p->count++;
	if (p->report)
		p->report(p->ctx, kind, p->file, line, col, buf);
}

/* Optimal string alignment distance, capped; words are short keys. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *prob_suggest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, limit, i;
	size_t len = strlen(word);

	limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	for (i = 0; candidates[i]; i++) {
		size_t dist = edit_distance(word, candidates[i]);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

pc_errors *errors_new(void)
{
	pc_errors *e = pc_calloc(1, sizeof *e);

	if (e)
		arena_init(&e->arena);
	return e;
}

int errors_addv(pc_errors *e, const char *file, unsigned line, unsigned col,
		const char *fmt, va_list ap)
{
	char buf[2048];
	pc_error *it;

	if (!e)
		return -1;
	if (pc_grow(&e->items, &e->cap, e->count + 1, sizeof *e->items) < 0)
		return -1;
	vsnprintf(buf, sizeof buf, fmt, ap);
	it = &e->items[e->count];
	it->file = file ? arena_strdup(&e->arena, file) : NULL;
	it->line = line;
	it->column = col;
	it->message = arena_strdup(&e->arena, buf);
	if (!it->message || (file && !it->file))
		return -1;
	e->count++;
	return 0;
}

int errors_add(pc_errors *e, const char *file, unsigned line, unsigned col,
	       const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = errors_addv(e, file, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

void errors_give(pc_errors *e, pc_errors **out)
{
	if (out)
		*out = e;
	else
		pc_errors_free(e);
}

size_t pc_errors_count(const pc_errors *e)
{
	return e ? e->count : 0;
}

const pc_error *pc_errors_get(const pc_errors *e, size_t i)
{
	return e && i < e->count ? &e->items[i] : NULL;
}

void pc_errors_free(pc_errors *e)
{
	if (!e)
		return;
	arena_free(&e->arena);
	pc_free(e->items);
	pc_free(e);
}
