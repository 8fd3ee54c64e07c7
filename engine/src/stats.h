/* stats.h - the restructuring figures of one plan (internal).
 *
 * stats.c computes them from the model (model.h) in one pass over the
 * units and one over the people; out_stats.c prints them as text or JSON;
 * out_report.c puts them in the auditor's report. Every list is sorted by
 * its first key(s) so that every output is stable. Strings point into the
 * plan or into the stats' own arena: free the stats before the plan. */
#ifndef PC_STATS_H
#define PC_STATS_H
#include <stdint.h>
#include "plancheck.h"
#include "arena.h"
#include "model.h"
#include "strbuf.h"

/* Units per level: start = active + merged + dissolved, after = active +
 * new. */
typedef struct stats_units {
	const char *level;
	int64_t start, after;
} stats_units;

/* Heads or deputies per level of the unit holding the position: start =
 * baseline slots over units that existed at start, after = slots over
 * units that exist after. */
typedef struct stats_leaders {
	const char *level;
	leadership leadership;          /* LEAD_HEAD or LEAD_DEPUTY */
	int64_t start, after;
} stats_leaders;

/* Staff per unit kind ("" for units with no kind): baseline over units
 * that existed at start, quota and actual over units that exist after. */
typedef struct stats_staff {
	const char *kind;
	int64_t baseline, quota, actual;
} stats_staff;

/* People holding two or more positions in units that exist after, grouped
 * by the sorted list of distinct title ids they hold. */
typedef struct stats_merged {
	const char **titles;
	uint32_t ntitles;
	int64_t people;
} stats_merged;

/* One task: owing = units it applies to, done = those done by as_of. */
typedef struct stats_task {
	const task *task;
	int64_t done, owing;
} stats_task;

struct pc_stats {
	arena arena;
	const pc_plan *plan;
	pc_date as_of;
	stats_units *units;
	size_t nunits;
	stats_leaders *leaders;
	size_t nleaders;
	stats_staff *staff;
	size_t nstaff;
	stats_merged *merged;
	size_t nmerged;
	stats_task *tasks;
	size_t ntasks;
};

/* "head" or "deputy". */
const char *stats_leadership_name(leadership lead);

/* Append n in decimal with a comma every three digits ("-1,024"). */
void stats_put_count(strbuf *b, int64_t n);

/* Append the stats as the JSON object of cli.md ("plan", "file", "as_of",
 * "units", ...), indented by indent spaces on every line after the first,
 * without a trailing newline. The report's outputs reuse the text tables
 * through stats_text. */
void stats_json(strbuf *b, const pc_stats *stats, int indent);
void stats_text(strbuf *b, const pc_stats *stats);
#endif
