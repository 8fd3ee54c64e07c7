/* out_json.c - the JSON output: the machine contract of cli.md.
 *
 * One object, keys in the order cli.md gives them, laid out as `jq .`
 * lays out JSON (two-space indentation, one member per line, empty
 * containers as [] and {}), so the output is byte-for-byte stable and
 * equal to its own `jq .` rendering. Strings are UTF-8 as they came in:
 * only quotes, backslashes and control characters are escaped; invalid
 * UTF-8 (which no YAML input can produce) becomes U+FFFD.
 *
 * Beyond cli.md, documented additions:
 *   - "as_of" at the top is the run's --as-of, or else the first plan's
 *     reference date; each entry of "plans" carries its own "as_of" too,
 *     since plans without --as-of may be judged at different dates;
 *   - a waived finding has a "waiver" object after "waived":
 *     { "reason", "approved_by", "expires" } (expires null when never).
 */
#include "output.h"

#include <inttypes.h>
#include <string.h>

#define JSON_MAX_DEPTH 8

/* The writers below run some twenty times a finding, mostly with a
 * literal key: inlined, the key's length is known when compiled and the
 * calls go (a sixth of the time of writing a national plan's report). */
#define JW_INLINE inline __attribute__((always_inline))

typedef struct jw {
	strbuf *b;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
} jw;

/* Start a member (key non-NULL) or an array element (key NULL). Keys are
 * the fixed ASCII names of cli.md, which need no escaping, so the
 * separator, the indentation and the key go out in one write. */
static JW_INLINE void jw_item(jw *w, const char *key)
{
	size_t klen = key ? strlen(key) : 0, ind = 2 * (size_t)w->depth;
	char *q, *start;

	start = q = sb_reserve(w->b, 2 + ind + klen + 4);
	if (!q)
		return;
	if (w->depth > 0) {
		if (w->has_items[w->depth])
			*q++ = ',';
		*q++ = '\n';
		w->has_items[w->depth] = true;
		memset(q, ' ', ind);
		q += ind;
	}
	if (key) {
		*q++ = '"';
		/* The key goes inside quotes, not at the end of a string.
		 * NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
		memcpy(q, key, klen);
		q += klen;
		*q++ = '"';
		*q++ = ':';
		*q++ = ' ';
	}
	sb_commit(w->b, (size_t)(q - start));
}

static JW_INLINE void jw_open(jw *w, const char *key, char bracket)
{
	jw_item(w, key);
	sb_putc(w->b, bracket);
	w->depth++;
	w->has_items[w->depth] = false;
}

static JW_INLINE void jw_close(jw *w, char bracket)
{
	size_t ind = 2 * (size_t)(w->depth - 1);
	char *q, *start;

	start = q = sb_reserve(w->b, 2 + ind);
	if (q && w->has_items[w->depth]) {
		*q++ = '\n';
		memset(q, ' ', ind);
		q += ind;
	}
	w->depth--;
	if (!q)
		return;
	*q++ = bracket;
	sb_commit(w->b, (size_t)(q - start));
}

static JW_INLINE void jw_str(jw *w, const char *key, const char *value)
{
	jw_item(w, key);
	sb_json_str(w->b, value ? value : "");
}

static JW_INLINE void jw_int(jw *w, const char *key, int64_t value)
{
	jw_item(w, key);
	sb_int(w->b, value);
}

static void jw_bool(jw *w, const char *key, bool value)
{
	jw_item(w, key);
	sb_puts(w->b, value ? "true" : "false");
}

static void jw_date(jw *w, const char *key, pc_date date)
{
	char buf[11];

	jw_item(w, key);
	if (date == PC_NODATE)
		sb_puts(w->b, "null");
	else
		sb_json_str(w->b, pc_date_format(date, buf));
}

static void put_location(jw *w, const char *key, const pc_location *loc,
			 const char *default_file)
{
	jw_open(w, key, '{');
	jw_str(w, "file", loc->file ? loc->file : default_file);
	jw_int(w, "line", loc->line);
	jw_int(w, "column", loc->column);
	jw_close(w, '}');
}

static void put_finding(jw *w, const pc_finding *f, const char *plan_file)
{
	const char *file = f->location.file ? f->location.file : plan_file;
	size_t i;

	jw_open(w, NULL, '{');
	jw_str(w, "rule", f->rule);
	jw_str(w, "severity", pc_severity_name(f->severity));
	jw_str(w, "message", f->message);
	jw_str(w, "basis", f->basis);
	jw_str(w, "file", file);
	jw_int(w, "line", f->location.line);
	jw_int(w, "column", f->location.column);
	jw_open(w, "target", '{');
	jw_str(w, "type", pc_target_type_name(f->target_type));
	jw_str(w, "id", f->target_id);
	jw_close(w, '}');
	jw_open(w, "related", '[');
	for (i = 0; i < f->related_count; i++)
		put_location(w, NULL, &f->related[i], file);
	jw_close(w, ']');
	if (f->has_value)
		jw_int(w, "value", f->value);
	if (f->has_limit)
		jw_int(w, "limit", f->limit);
	jw_bool(w, "waived", f->waived);
	if (f->waived && f->waiver) {
		jw_open(w, "waiver", '{');
		jw_str(w, "reason", f->waiver->reason);
		jw_str(w, "approved_by", f->waiver->approved_by);
		jw_date(w, "expires", f->waiver->expires);
		jw_close(w, '}');
	}
	jw_close(w, '}');
}

static void put_lagging(jw *w, const pc_lagging *l, const char *plan_file)
{
	jw_open(w, NULL, '{');
	jw_str(w, "file", l->file ? l->file : plan_file);
	jw_str(w, "unit", l->unit);
	jw_str(w, "task", l->task);
	jw_date(w, "due", l->due);
	jw_str(w, "state", l->state == PC_LAG_OVERDUE ? "overdue" : "behind");
	jw_int(w, "days", l->days);
	jw_int(w, "percent", l->percent);
	jw_int(w, "expected", l->expected);
	jw_close(w, '}');
}

static const char *plan_file_of(const pc_report *rep)
{
	const char *file = pc_plan_file(pc_report_plan(rep));

	return file ? file : "";
}

/*
 * Write one object for the whole run: the plans in the order given
 * (pc_write sorts them by file), the summary over all of them, every
 * finding (plans in order, each plan's findings in its sorted order) and
 * every lagging row likewise.
 */
int out_json_write(FILE *out, const pc_report *const *reports, size_t count,
		   const pc_output_options *options)
{
	out_stream stream, *os = &stream;
	pc_summary total, one;
	jw w;
	size_t r, i;

	(void)options;
	out_stream_init(os, out);
	memset(&w, 0, sizeof w);
	w.b = &os->buf;
	memset(&total, 0, sizeof total);
	for (r = 0; r < count; r++) {
		pc_report_summary(reports[r], &one);
		total.error += one.error;
		total.warning += one.warning;
		total.info += one.info;
		total.waived += one.waived;
		total.lagging_units += one.lagging_units;
	}

	jw_open(&w, NULL, '{');
	jw_open(&w, "tool", '{');
	jw_str(&w, "name", "plancheck");
	jw_str(&w, "version", pc_version());
	jw_close(&w, '}');
	jw_date(&w, "as_of", count ? pc_report_as_of(reports[0]) : PC_NODATE);
	jw_open(&w, "plans", '[');
	for (r = 0; r < count; r++) {
		const pc_plan *plan = pc_report_plan(reports[r]);

		jw_open(&w, NULL, '{');
		jw_str(&w, "file", plan_file_of(reports[r]));
		jw_str(&w, "id", pc_plan_id(plan));
		jw_date(&w, "as_of", pc_report_as_of(reports[r]));
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_open(&w, "summary", '{');
	jw_int(&w, "error", (int64_t)total.error);
	jw_int(&w, "warning", (int64_t)total.warning);
	jw_int(&w, "info", (int64_t)total.info);
	jw_int(&w, "waived", (int64_t)total.waived);
	jw_int(&w, "lagging_units", (int64_t)total.lagging_units);
	jw_close(&w, '}');

	jw_open(&w, "findings", '[');
	for (r = 0; r < count; r++) {
		const char *plan_file = plan_file_of(reports[r]);

		for (i = 0; i < pc_report_finding_count(reports[r]); i++) {
			put_finding(&w, pc_report_finding(reports[r], i),
				    plan_file);
			out_flush_if_big(os);
		}
	}
	jw_close(&w, ']');
	jw_open(&w, "lagging", '[');
	for (r = 0; r < count; r++) {
		const char *plan_file = plan_file_of(reports[r]);

		for (i = 0; i < pc_report_lagging_count(reports[r]); i++) {
			if (out_lagging_repeats(reports[r], i))
				continue;
			put_lagging(&w, pc_report_lagging(reports[r], i),
				    plan_file);
			out_flush_if_big(os);
		}
	}
	jw_close(&w, ']');
	jw_close(&w, '}');
	sb_putc(w.b, '\n');
	return out_stream_finish(os);
}
