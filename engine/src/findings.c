/* findings.c - the report of one check: its findings, its lagging units,
 * their order, and the public accessors. */
#include "findings.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

pc_finding *report_add(pc_report *rep, const char *rule_id, pc_severity sev,
		       const char *message, const char *basis, loc where,
		       pc_target_type type, const char *target_id)
{
	pc_finding *f;

	if (pc_grow(&rep->findings, &rep->findings_cap, rep->nfindings + 1,
		    sizeof *rep->findings) < 0 ||
	    !(f = arena_zalloc(&rep->arena, sizeof *f)))
		return NULL;
	rep->findings[rep->nfindings++] = f;
	f->rule = rule_id;
	f->severity = sev;
	f->message = message ? message : "";
	f->basis = basis ? basis : "";
	f->location.file = where.file;
	f->location.line = where.line;
	f->location.column = where.col;
	f->target_type = type;
	f->target_id = target_id ? target_id : "";
	return f;
}

int finding_set_related(pc_report *rep, pc_finding *f, const loc *where,
			size_t n)
{
	pc_location *rel;
	size_t i;

	if (n == 0) {
		f->related = NULL;
		f->related_count = 0;
		return 0;
	}
	if (n > SIZE_MAX / sizeof *rel)
		return -1;
	rel = arena_alloc(&rep->arena, n * sizeof *rel);
	if (!rel)
		return -1;
	for (i = 0; i < n; i++) {
		rel[i].file = where[i].file;
		rel[i].line = where[i].line;
		rel[i].column = where[i].col;
	}
	f->related = rel;
	f->related_count = n;
	return 0;
}

pc_lagging *report_add_lagging(pc_report *rep)
{
	pc_lagging *l;

	if (pc_grow(&rep->lagging, &rep->lagging_cap, rep->nlagging + 1,
		    sizeof *rep->lagging) < 0 ||
	    !(l = arena_zalloc(&rep->arena, sizeof *l)))
		return NULL;
	rep->lagging[rep->nlagging++] = l;
	return l;
}

/* NULL sorts before any string, so a finding without a file comes first. */
static int cmp_str(const char *a, const char *b)
{
	if (a == b)
		return 0;
	if (!a)
		return -1;
	if (!b)
		return 1;
	return strcmp(a, b);
}

static int cmp_num(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_loc(const pc_location *a, const pc_location *b)
{
	int c = cmp_str(a->file, b->file);

	if (c)
		return c;
	if ((c = cmp_num(a->line, b->line)))
		return c;
	return cmp_num(a->column, b->column);
}

/*
 * The documented order is file, line, column, rule id, target id, message.
 * The keys after those only break ties between findings that would print
 * the same in most formats, so that qsort (which is not stable) still
 * yields one order for the same inputs.
 */
static int cmp_finding(const void *pa, const void *pb)
{
	const pc_finding *a = *(const pc_finding *const *)pa;
	const pc_finding *b = *(const pc_finding *const *)pb;
	size_t i;
	int c;

	if ((c = cmp_loc(&a->location, &b->location)))
		return c;
	if ((c = cmp_str(a->rule, b->rule)))
		return c;
	if ((c = cmp_str(a->target_id, b->target_id)))
		return c;
	if ((c = cmp_str(a->message, b->message)))
		return c;
	if ((c = cmp_num(a->target_type, b->target_type)))
		return c;
	if ((c = cmp_num(a->severity, b->severity)))
		return c;
	if ((c = cmp_num(a->has_value, b->has_value)) ||
	    (a->has_value && (c = cmp_num(a->value, b->value))))
		return c;
	if ((c = cmp_num(a->has_limit, b->has_limit)) ||
	    (a->has_limit && (c = cmp_num(a->limit, b->limit))))
		return c;
	if ((c = cmp_num(a->waived, b->waived)))
		return c;
	if ((c = cmp_num((int64_t)a->related_count, (int64_t)b->related_count)))
		return c;
	for (i = 0; i < a->related_count; i++)
		if ((c = cmp_loc(&a->related[i], &b->related[i])))
			return c;
	return 0;
}

static int cmp_lagging(const void *pa, const void *pb)
{
	const pc_lagging *a = *(const pc_lagging *const *)pa;
	const pc_lagging *b = *(const pc_lagging *const *)pb;
	int c;

	if ((c = cmp_str(a->file, b->file)))
		return c;
	if ((c = cmp_str(a->unit, b->unit)))
		return c;
	if ((c = cmp_str(a->task, b->task)))
		return c;
	if ((c = cmp_str(a->rule, b->rule)))
		return c;
	if ((c = cmp_num(a->state, b->state)))
		return c;
	if ((c = cmp_num(a->due, b->due)))
		return c;
	if ((c = cmp_num(a->days, b->days)))
		return c;
	if ((c = cmp_num(a->percent, b->percent)))
		return c;
	return cmp_num(a->expected, b->expected);
}

void report_sort(pc_report *rep)
{
	if (rep->nfindings > 1)
		qsort(rep->findings, rep->nfindings, sizeof *rep->findings,
		      cmp_finding);
	if (rep->nlagging > 1)
		qsort(rep->lagging, rep->nlagging, sizeof *rep->lagging,
		      cmp_lagging);
}

/* ---- public accessors ---- */

void pc_report_free(pc_report *report)
{
	if (!report)
		return;
	arena_free(&report->arena);
	pc_free(report->findings);
	pc_free(report->lagging);
	pc_free(report->rule_ran);
	pc_free(report);
}

pc_date pc_report_as_of(const pc_report *report)
{
	return report ? report->as_of : PC_NODATE;
}

const pc_plan *pc_report_plan(const pc_report *report)
{
	return report ? report->plan : NULL;
}

const pc_ruleset *pc_report_rules(const pc_report *report)
{
	return report ? report->rules : NULL;
}

size_t pc_report_finding_count(const pc_report *report)
{
	return report ? report->nfindings : 0;
}

const pc_finding *pc_report_finding(const pc_report *report, size_t i)
{
	return report && i < report->nfindings ? report->findings[i] : NULL;
}

size_t pc_report_lagging_count(const pc_report *report)
{
	return report ? report->nlagging : 0;
}

const pc_lagging *pc_report_lagging(const pc_report *report, size_t i)
{
	return report && i < report->nlagging ? report->lagging[i] : NULL;
}

int pc_report_rule_state(const pc_report *report, size_t rule_index)
{
	if (!report || !report->rules || !report->rule_ran ||
	    rule_index >= report->rules->nrules)
		return PC_EUSAGE;
	switch (report->rule_ran[rule_index]) {
	case 1:
		return PC_RULE_RAN;
	case 2:
		return PC_RULE_FILTERED;
	default:
		return PC_RULE_NOT_EFFECTIVE;
	}
}

/*
 * Counts per severity leave waived findings out. lagging_units counts
 * distinct (file, unit) pairs: the lagging list is sorted by file and unit
 * once pc_check returns, so equal pairs are adjacent.
 */
void pc_report_summary(const pc_report *report, pc_summary *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	if (!report)
		return;
	for (i = 0; i < report->nfindings; i++) {
		const pc_finding *f = report->findings[i];

		if (f->waived) {
			out->waived++;
			continue;
		}
		switch (f->severity) {
		case PC_SEV_ERROR:
			out->error++;
			break;
		case PC_SEV_WARNING:
			out->warning++;
			break;
		default:
			out->info++;
			break;
		}
	}
	for (i = 0; i < report->nlagging; i++) {
		const pc_lagging *l = report->lagging[i];
		const pc_lagging *prev = i > 0 ? report->lagging[i - 1] : NULL;

		if (prev && cmp_str(l->file, prev->file) == 0 &&
		    cmp_str(l->unit, prev->unit) == 0)
			continue;
		out->lagging_units++;
	}
}
