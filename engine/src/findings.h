/* findings.h - a check's results (internal): the finding list, the
 * lagging list, and the report that owns them. */
#ifndef PC_FINDINGS_H
#define PC_FINDINGS_H
#include "plancheck.h"
#include "arena.h"
#include "model.h"
#include "rules.h"

struct pc_report {
	arena arena;
	const pc_plan *plan;
	const pc_ruleset *rules;
	pc_date as_of;
	/* Findings and lagging rows live in the arena, where they stay put
	 * while more come (a caller fills in a finding after report_add);
	 * these arrays order them (report_sort). */
	pc_finding **findings;
	size_t nfindings, findings_cap;
	pc_lagging **lagging;
	size_t nlagging, lagging_cap;
	/* rules that ran (effective and selected), for outputs that list
	 * every rule (JUnit): parallel to rules->rules */
	unsigned char *rule_ran;   /* 1 ran, 0 not effective, 2 filtered */
	unsigned threads;          /* the threads the rules ran on */
};

/* Append a finding; strings must live in the report's, the plan's or the
 * rule set's arena. Returns the new finding (zeroed except for what is
 * given) or NULL when out of memory. */
pc_finding *report_add(pc_report *rep, const char *rule, pc_severity sev,
		       const char *message, const char *basis, loc where,
		       pc_target_type type, const char *target_id);
/* Attach related locations (copied). 0 or -1. */
int finding_set_related(pc_report *rep, pc_finding *f, const loc *where,
			size_t n);
pc_lagging *report_add_lagging(pc_report *rep);
/* Sort findings by file, line, column, rule id, target id, message, and
 * lagging rows by file, unit, task. */
void report_sort(pc_report *rep);
#endif
