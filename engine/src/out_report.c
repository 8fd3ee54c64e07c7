/* out_report.c - the auditor's report: one self-contained HTML file (inline
 * CSS, inline SVG charts, no scripts, no external resources) or the same
 * content as GitHub-flavoured Markdown (charts left out).
 *
 * Both formats are written through one small document writer (headings,
 * paragraphs, fields, tables), so they cannot drift apart. The report
 * states no wall-clock time: the same plan, rules and as-of date give the
 * same bytes. */
#include "stats.h"
#include "svg.h"
#include "alloc.h"
#include "findings.h"
#include "rules.h"
#include "strtab.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- the document writer ---- */

typedef struct doc {
	strbuf *b;
	int format;             /* PC_DOC_HTML or PC_DOC_MARKDOWN */
	int ncols, col;
	char align[16];         /* per column: 'l' or 'r' */
	bool in_fields;
} doc;

#define HTML(d) ((d)->format == PC_DOC_HTML)

/* Markdown inline text: characters that would start formatting or markup
 * are escaped, line breaks become spaces (a table row is one line). */
static void md_escape(strbuf *b, const char *s)
{
	strbuf tmp;
	const char *p;

	sb_init(&tmp);
	svg_clean(&tmp, s);
	if (tmp.failed) {
		b->failed = true;
		sb_free(&tmp);
		return;
	}
	for (p = tmp.data ? tmp.data : ""; *p; p++) {
		switch (*p) {
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '|': case '~':
			sb_putc(b, '\\');
			sb_putc(b, *p);
			break;
		case '&': sb_puts(b, "&amp;"); break;
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '\n': case '\t':
			sb_putc(b, ' ');
			break;
		default:
			sb_putc(b, *p);
		}
	}
	sb_free(&tmp);
}

static void put_text(doc *d, const char *s)
{
	if (!s)
		return;
	if (HTML(d))
		svg_escape(d->b, s);
	else
		md_escape(d->b, s);
}

static void heading(doc *d, int level, const char *id, const char *text)
{
	if (HTML(d)) {
		sb_printf(d->b, "<h%d", level);
		if (id) {
			sb_puts(d->b, " id=\"");
			svg_escape(d->b, id);
			sb_putc(d->b, '"');
		}
		sb_putc(d->b, '>');
		put_text(d, text);
		sb_printf(d->b, "</h%d>\n", level);
	} else {
		int i;

		for (i = 0; i < level; i++)
			sb_putc(d->b, '#');
		sb_putc(d->b, ' ');
		put_text(d, text);
		sb_puts(d->b, "\n\n");
	}
}

static void para_open(doc *d, const char *cls)
{
	if (HTML(d)) {
		if (cls)
			sb_printf(d->b, "<p class=\"%s\">", cls);
		else
			sb_puts(d->b, "<p>");
	}
}

static void para_close(doc *d)
{
	sb_puts(d->b, HTML(d) ? "</p>\n" : "\n\n");
}

static void para(doc *d, const char *cls, const char *text)
{
	para_open(d, cls);
	put_text(d, text);
	para_close(d);
}

/* Bold lead-in inside a paragraph. */
static void strong(doc *d, const char *text)
{
	sb_puts(d->b, HTML(d) ? "<strong>" : "**");
	put_text(d, text);
	sb_puts(d->b, HTML(d) ? "</strong>" : "**");
}

static void fields_open(doc *d)
{
	if (HTML(d))
		sb_puts(d->b, "<dl class=\"meta\">\n");
	d->in_fields = true;
}

static void field(doc *d, const char *name, const char *text)
{
	if (HTML(d)) {
		sb_puts(d->b, "<dt>");
		put_text(d, name);
		sb_puts(d->b, "</dt><dd>");
		put_text(d, text);
		sb_puts(d->b, "</dd>\n");
	} else {
		sb_puts(d->b, "- **");
		put_text(d, name);
		sb_puts(d->b, ":** ");
		put_text(d, text);
		sb_putc(d->b, '\n');
	}
}

static void fields_close(doc *d)
{
	sb_puts(d->b, HTML(d) ? "</dl>\n" : "\n");
	d->in_fields = false;
}

/* A table: head names its columns; align has one letter per column: 'l'
 * text, 'r' a number (right-aligned), 'd' text kept on one line (dates,
 * locations). */
static void table_open(doc *d, const char *cls, int ncols,
		       const char *const *head, const char *align)
{
	int c;

	d->ncols = ncols;
	d->col = 0;
	/* align has one letter per column: c < ncols keeps within it, a
	 * bound cppcheck does not relate to the array. */
	for (c = 0; c < ncols && c < (int)sizeof d->align; c++)
		d->align[c] = align[c]; /* cppcheck-suppress arrayIndexOutOfBounds */
	if (HTML(d)) {
		sb_printf(d->b, "<table class=\"%s\">\n<thead><tr>", cls);
		for (c = 0; c < ncols; c++) {
			sb_puts(d->b, d->align[c] == 'r' ?
				"<th scope=\"col\" class=\"num\">" :
				d->align[c] == 'd' ?
				"<th scope=\"col\" class=\"nowrap\">" :
				"<th scope=\"col\">");
			put_text(d, head[c]);
			sb_puts(d->b, "</th>");
		}
		sb_puts(d->b, "</tr></thead>\n<tbody>\n");
	} else {
		sb_putc(d->b, '|');
		for (c = 0; c < ncols; c++) {
			sb_putc(d->b, ' ');
			put_text(d, head[c]);
			sb_puts(d->b, " |");
		}
		sb_puts(d->b, "\n|");
		for (c = 0; c < ncols; c++)
			sb_puts(d->b, d->align[c] == 'r' ? "---:|" : "---|");
		sb_putc(d->b, '\n');
	}
}

static void row_open(doc *d)
{
	d->col = 0;
	sb_puts(d->b, HTML(d) ? "<tr>" : "|");
}

/* A cell; cls (HTML only) may be NULL. */
static void cell_class(doc *d, const char *cls, const char *text)
{
	char a = 'l';
	const char *kind;

	if (d->col < (int)sizeof d->align)
		a = d->align[d->col];
	kind = a == 'r' ? "num" : a == 'd' ? "nowrap" : NULL;
	if (HTML(d)) {
		if (kind || cls)
			sb_printf(d->b, "<td class=\"%s%s%s\">", kind ? kind : "",
				  kind && cls ? " " : "", cls ? cls : "");
		else
			sb_puts(d->b, "<td>");
		put_text(d, text);
		sb_puts(d->b, "</td>");
	} else {
		sb_putc(d->b, ' ');
		put_text(d, text);
		sb_puts(d->b, " |");
	}
	d->col++;
}

static void cell(doc *d, const char *text)
{
	cell_class(d, NULL, text);
}

static void cell_count(doc *d, int64_t n)
{
	strbuf t;

	sb_init(&t);
	stats_put_count(&t, n);
	cell(d, t.failed ? "" : t.data);
	if (t.failed)
		d->b->failed = true;
	sb_free(&t);
}

static void row_close(doc *d)
{
	sb_puts(d->b, HTML(d) ? "</tr>\n" : "\n");
}

static void table_close(doc *d)
{
	sb_puts(d->b, HTML(d) ? "</tbody>\n</table>\n" : "\n");
}

/* ---- the report's context ---- */

typedef struct ctx {
	doc d;
	arena a;                /* scratch strings for this report */
	const pc_report *rep;
	const pc_plan *plan;
	const pc_ruleset *rules;   /* may be NULL */
	const pc_stats *st;
	pc_date as_of;
	const char *by;         /* "plancheck 1.0.0" */
	bool nomem;
} ctx;

static const char *aprintf(ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *aprintf(ctx *c, const char *fmt, ...)
{
	va_list ap;
	char small[2];
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = arena_alloc(&c->a, (size_t)n + 1))) {
		c->nomem = true;
		return "";
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* A count with thousands separators, as an arena string. */
static const char *count_str(ctx *c, int64_t n)
{
	strbuf t;
	const char *s;

	sb_init(&t);
	stats_put_count(&t, n);
	s = t.failed ? NULL : arena_strdup(&c->a, t.data);
	sb_free(&t);
	if (!s) {
		c->nomem = true;
		return "";
	}
	return s;
}

static const char *date_str(ctx *c, pc_date d)
{
	char buf[11];

	if (d == PC_NODATE)
		return "";
	return aprintf(c, "%s", pc_date_format(d, buf));
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static const unit *find_unit(const pc_plan *plan, const char *id)
{
	return id ? plan_unit(plan, id, strlen(id)) : NULL;
}

static const task *find_task(const pc_plan *plan, const char *id)
{
	return id ? idmap_get(&plan->task_ids, id, strlen(id)) : NULL;
}

static const rule *find_rule(const pc_ruleset *set, const char *id)
{
	long i;

	if (!set || !id)
		return NULL;
	i = pc_ruleset_find(set, id);
	return i < 0 || (size_t)i >= set->nrules ? NULL : set->rules[i];
}

/* ---- header ---- */

static const char CSS[] =
	":root{color-scheme:light}\n"
	"body{font:14px/1.45 \"DejaVu Sans\",\"Noto Sans\",\"Segoe UI\",Arial,"
	"Helvetica,sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;"
	"max-width:1060px;padding:24px}\n"
	"h1{font-size:1.7em;margin:0 0 .2em}\n"
	"h2{font-size:1.3em;margin:1.6em 0 .6em;padding-bottom:.2em;"
	"border-bottom:2px solid #c8ccd0}\n"
	"h3{font-size:1.1em;margin:1.3em 0 .4em}\n"
	"h4{font-size:1em;margin:1.1em 0 .3em}\n"
	".plan-name{font-size:1.2em;margin:0 0 .8em}\n"
	"dl.meta{display:grid;grid-template-columns:max-content auto;"
	"gap:.15em 1em;margin:0 0 1em}\n"
	"dl.meta dt{font-weight:bold}\n"
	"dl.meta dd{margin:0}\n"
	"nav ul{list-style:none;padding:0;margin:0 0 1em;display:flex;"
	"flex-wrap:wrap;gap:.3em 1.2em}\n"
	"table{border-collapse:collapse;width:100%;margin:.4em 0 1.2em;"
	"font-size:.92em}\n"
	"th,td{border:1px solid #d3d6d9;padding:3px 7px;text-align:left;"
	"vertical-align:top}\n"
	"thead th{background:#eef0f2}\n"
	"table.figures,table.summary{width:auto;min-width:55%}\n"
	"td.num,th.num{text-align:right;white-space:nowrap;"
	"font-variant-numeric:tabular-nums}\n"
	"td.nowrap,th.nowrap{white-space:nowrap}\n"
	"tbody tr:nth-child(even){background:#f8f9fa}\n"
	".sev-error{color:#b71c1c;font-weight:bold}\n"
	".sev-warning{color:#8a5300;font-weight:bold}\n"
	".sev-info{color:#0d47a1}\n"
	".waived{color:#555}\n"
	".state-overdue{color:#b71c1c;font-weight:bold}\n"
	".state-behind{color:#8a5300;font-weight:bold}\n"
	".note{color:#444;font-size:.92em}\n"
	"figure{margin:1em 0 1.5em;break-inside:avoid;page-break-inside:avoid}\n"
	"figcaption{font-weight:bold;margin-bottom:.3em}\n"
	"svg.chart{display:block;width:100%;max-width:800px;height:auto;"
	"font-family:\"DejaVu Sans\",\"Noto Sans\",Arial,Helvetica,sans-serif;"
	"font-size:12px}\n"
	"footer{margin-top:2.5em;border-top:1px solid #c8ccd0;"
	"padding-top:.5em;color:#444;font-size:.9em}\n"
	"@media print{\n"
	"@page{size:A4;margin:14mm 12mm}\n"
	"body{max-width:none;padding:0;font-size:9.5pt}\n"
	"nav{display:none}\n"
	"h2,h3,h4{break-after:avoid;page-break-after:avoid}\n"
	"tr,figure,dl.meta{break-inside:avoid;page-break-inside:avoid}\n"
	"thead{display:table-header-group}\n"
	"tbody tr:nth-child(even){background:none}\n"
	"a{color:inherit;text-decoration:none}\n"
	"}\n";

static const char *period_str(ctx *c)
{
	const pc_plan *p = c->plan;

	if (p->start == PC_NODATE && p->end == PC_NODATE)
		return "not stated";
	return aprintf(c, "%s to %s",
		       p->start == PC_NODATE ? "(no start)" : date_str(c, p->start),
		       p->end == PC_NODATE ? "(no end)" : date_str(c, p->end));
}

static void write_head(ctx *c)
{
	doc *d = &c->d;
	const pc_plan *p = c->plan;
	const char *name = p->name && p->name[0] ? p->name : p->id;

	if (HTML(d)) {
		sb_puts(d->b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			"<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, "
			"initial-scale=1\">\n<meta name=\"generator\" content=\"");
		svg_escape(d->b, c->by);
		sb_puts(d->b, "\">\n<title>Compliance report: ");
		svg_escape(d->b, name);
		sb_puts(d->b, "</title>\n<style>\n");
		sb_puts(d->b, CSS);
		sb_puts(d->b, "</style>\n</head>\n<body>\n<header>\n"
			"<h1>Compliance report</h1>\n");
		para(d, "plan-name", name);
	} else {
		sb_puts(d->b, "# Compliance report: ");
		put_text(d, name);
		sb_puts(d->b, "\n\n");
	}
	fields_open(d);
	field(d, "Plan", p->id);
	field(d, "File", p->file);
	if (p->authority && p->authority[0])
		field(d, "Authority", p->authority);
	field(d, "Period", period_str(c));
	field(d, "As of", date_str(c, c->as_of));
	field(d, "Produced by", aprintf(c, "%s (no time of production is "
					"recorded: the same inputs give the same "
					"report)", c->by));
	fields_close(d);
	if (HTML(d)) {
		sb_puts(d->b, "<nav aria-label=\"Contents\"><ul>"
			"<li><a href=\"#packs\">Rule packs</a></li>"
			"<li><a href=\"#summary\">Summary</a></li>"
			"<li><a href=\"#progress\">Progress</a></li>"
			"<li><a href=\"#figures\">Figures</a></li>"
			"<li><a href=\"#findings\">Findings</a></li>"
			"<li><a href=\"#waivers\">Waivers</a></li>"
			"<li><a href=\"#rules\">Rules checked</a></li>"
			"</ul></nav>\n</header>\n<main>\n");
	}
}

/* ---- rule packs and rules ---- */

static const char *state_name(int state)
{
	switch (state) {
	case PC_RULE_RAN: return "ran";
	case PC_RULE_NOT_EFFECTIVE: return "not yet effective";
	case PC_RULE_FILTERED: return "left out (--only/--skip)";
	default: return "";
	}
}

static void write_packs(ctx *c)
{
	static const char *const pack_head[] = {"Pack", "Name", "File", "Rules",
						"Legal bases"};
	doc *d = &c->d;
	const pc_ruleset *set = c->rules;
	size_t i, j;

	heading(d, 2, "packs", "Rule packs");
	if (!set || set->npacks == 0) {
		para(d, NULL, "No rule pack was loaded: only the plan's "
		     "structure was checked.");
		return;
	}
	table_open(d, "packs", 5, pack_head, "dllrl");
	for (i = 0; i < set->npacks; i++) {
		const rule_pack *pk = set->packs[i];
		strbuf bases;
		strtab seen_keys;
		idmap seen;
		size_t nrules = 0;

		sb_init(&bases);
		strtab_init(&seen_keys, &c->a);
		idmap_init(&seen);
		for (j = 0; j < set->nrules; j++) {
			const rule *r = set->rules[j];
			const char *part, *end;

			if (r->pack != pk)
				continue;
			nrules++;
			/* A basis often cites several texts ("A; B"): list
			 * each text once per pack. */
			for (part = nz(r->basis); *part; part = end) {
				const char *key;
				size_t len;

				while (*part == ' ' || *part == ';')
					part++;
				end = strchr(part, ';');
				if (!end)
					end = part + strlen(part);
				len = (size_t)(end - part);
				while (len && part[len - 1] == ' ')
					len--;
				if (!len)
					continue;
				key = strtab_intern(&seen_keys, part, len);
				if (!key) {
					c->nomem = true;
					break;
				}
				switch (idmap_put(&seen, key, (void *)key, NULL)) {
				case 0:
					sb_printf(&bases, "%s%s",
						  bases.len ? "; " : "", key);
					break;
				case 1:
					break;
				default:
					c->nomem = true;
				}
			}
		}
		row_open(d);
		cell(d, pk->id);
		cell(d, nz(pk->name));
		cell(d, nz(pk->file));
		cell_count(d, (int64_t)nrules);
		cell(d, bases.data ? bases.data : "");
		row_close(d);
		if (bases.failed)
			c->nomem = true;
		sb_free(&bases);
		idmap_free(&seen);
		strtab_free(&seen_keys);
	}
	table_close(d);
}

/* Every rule with what became of it, so that a rule that found nothing is
 * visibly one that ran. */
static void write_rule_list(ctx *c)
{
	static const char *const rule_head[] = {"Rule", "Kind", "Severity",
						"State", "Findings", "Waived",
						"Legal basis"};
	doc *d = &c->d;
	const pc_ruleset *set = c->rules;
	size_t i, nf = pc_report_finding_count(c->rep);
	size_t *found = NULL, *waived = NULL;

	heading(d, 2, "rules", "Rules checked");
	if (!set || set->nrules == 0) {
		para(d, NULL, "No rule was loaded.");
		return;
	}
	found = pc_calloc(set->nrules + 1, sizeof *found);
	waived = pc_calloc(set->nrules + 1, sizeof *waived);
	if (!found || !waived) {
		c->nomem = true;
		goto out;
	}
	for (i = 0; i < nf; i++) {
		const pc_finding *f = pc_report_finding(c->rep, i);
		long k = pc_ruleset_find(set, f->rule);

		if (k < 0 || (size_t)k >= set->nrules)
			continue;
		if (f->waived)
			waived[k]++;
		else
			found[k]++;
	}
	table_open(d, "rules", 7, rule_head, "llllrrl");
	for (i = 0; i < set->nrules; i++) {
		const rule *r = set->rules[i];
		int state = pc_report_rule_state(c->rep, i);

		row_open(d);
		cell(d, r->id);
		cell(d, pc_rule_kind_name(r->kind));
		cell_class(d, aprintf(c, "sev-%s", pc_severity_name(r->severity)),
			   pc_severity_name(r->severity));
		cell(d, state_name(state));
		cell_count(d, (int64_t)found[i]);
		cell_count(d, (int64_t)waived[i]);
		cell(d, nz(r->basis));
		row_close(d);
	}
	table_close(d);
out:
	pc_free(found);
	pc_free(waived);
}

/* ---- summary ---- */

static void write_summary(ctx *c)
{
	static const char *const head[] = {"Findings", "Count"};
	static const svg_series series[] = {
		{"error", "#c62828", "sev-error"},
		{"warning", "#f9a825", "sev-warning"},
		{"info", "#1565c0", "sev-info"},
		{"waived", "#9e9e9e", "waived"},
	};
	doc *d = &c->d;
	pc_summary s;
	svg_bar bars[4];
	svg_bars chart;
	int i;

	pc_report_summary(c->rep, &s);
	heading(d, 2, "summary", "Summary");
	table_open(d, "summary", 2, head, "lr");
	row_open(d); cell_class(d, "sev-error", "errors");
	cell_count(d, (int64_t)s.error); row_close(d);
	row_open(d); cell_class(d, "sev-warning", "warnings");
	cell_count(d, (int64_t)s.warning); row_close(d);
	row_open(d); cell_class(d, "sev-info", "info");
	cell_count(d, (int64_t)s.info); row_close(d);
	row_open(d); cell_class(d, "waived", "waived (not counted above)");
	cell_count(d, (int64_t)s.waived); row_close(d);
	row_open(d); cell(d, "lagging units");
	cell_count(d, (int64_t)s.lagging_units); row_close(d);
	table_close(d);
	if (!HTML(d))
		return;

	memset(bars, 0, sizeof bars);
	for (i = 0; i < 4; i++) {
		bars[i].label = series[i].name;
		bars[i].tooltip = aprintf(c, "%s findings", series[i].name);
	}
	bars[0].value[0] = (int64_t)s.error;
	bars[1].value[1] = (int64_t)s.warning;
	bars[2].value[2] = (int64_t)s.info;
	bars[3].value[3] = (int64_t)s.waived;
	memset(&chart, 0, sizeof chart);
	chart.id = "chart-severity";
	chart.title = "Findings per severity";
	chart.axis = "findings";
	chart.series = series;
	chart.nseries = 4;
	chart.bars = bars;
	chart.nbars = 4;
	sb_puts(d->b, "<figure>\n<figcaption>Findings per severity"
		"</figcaption>\n");
	svg_bar_chart(d->b, &chart);
	sb_puts(d->b, "</figure>\n");
}

/* ---- figures ---- */

static void write_figures(ctx *c)
{
	static const char *const units_head[] = {"Level", "At start", "After",
						 "Reduction"};
	static const char *const leaders_head[] = {"Level", "Leadership",
						   "At start", "After",
						   "Reduction"};
	static const char *const staff_head[] = {"Unit kind", "Baseline",
						 "Quota", "Actual",
						 "Reduction"};
	static const char *const merged_head[] = {"Titles held together",
						  "People"};
	static const char *const tasks_head[] = {"Task", "Name", "Due", "Done",
						 "Owing", "Done %"};
	doc *d = &c->d;
	const pc_stats *st = c->st;
	size_t i;
	uint32_t k;

	heading(d, 2, "figures", "Figures");
	para(d, "note", "Computed from the plan: units that existed at its "
	     "start (active, merged, dissolved) against units that exist after "
	     "it (active, new).");

	heading(d, 3, NULL, "Units per level");
	if (!st->nunits) {
		para(d, NULL, "The plan has no units.");
		goto leaders;
	}
	table_open(d, "figures", 4, units_head, "lrrr");
	for (i = 0; i < st->nunits; i++) {
		const stats_units *u = &st->units[i];
		row_open(d);
		cell(d, u->level[0] ? u->level : "(none)");
		cell_count(d, u->start);
		cell_count(d, u->after);
		cell_count(d, u->start - u->after);
		row_close(d);
	}
	table_close(d);

leaders:
	heading(d, 3, NULL, "Heads and deputies per level");
	if (!st->nleaders) {
		para(d, NULL, "No title of the plan has a leadership (head or "
		     "deputy).");
	} else {
		table_open(d, "figures", 5, leaders_head, "llrrr");
		for (i = 0; i < st->nleaders; i++) {
			const stats_leaders *l = &st->leaders[i];
			row_open(d);
			cell(d, l->level[0] ? l->level : "(none)");
			cell(d, stats_leadership_name(l->leadership));
			cell_count(d, l->start);
			cell_count(d, l->after);
			cell_count(d, l->start - l->after);
			row_close(d);
		}
		table_close(d);
	}

	heading(d, 3, NULL, "Staff per unit kind");
	if (!st->nstaff) {
		para(d, NULL, "No unit of the plan states its staff.");
	} else {
		table_open(d, "figures", 5, staff_head, "lrrrr");
		for (i = 0; i < st->nstaff; i++) {
			const stats_staff *s = &st->staff[i];
			row_open(d);
			cell(d, s->kind[0] ? s->kind : "(no kind)");
			cell_count(d, s->baseline);
			cell_count(d, s->quota);
			cell_count(d, s->actual);
			cell_count(d, s->baseline - s->quota);
			row_close(d);
		}
		table_close(d);
	}

	heading(d, 3, NULL, "Merged titles");
	if (!st->nmerged) {
		para(d, NULL, "Nobody holds two or more positions after the "
		     "plan.");
	} else {
		table_open(d, "figures", 2, merged_head, "lr");
		for (i = 0; i < st->nmerged; i++) {
			const stats_merged *m = &st->merged[i];
			strbuf t;

			sb_init(&t);
			for (k = 0; k < m->ntitles; k++)
				sb_printf(&t, "%s%s", k ? " + " : "", m->titles[k]);
			row_open(d);
			cell(d, t.data ? t.data : "");
			cell_count(d, m->people);
			row_close(d);
			if (t.failed)
				c->nomem = true;
			sb_free(&t);
		}
		table_close(d);
	}

	heading(d, 3, NULL, "Tasks");
	if (!st->ntasks) {
		para(d, NULL, "The plan has no tasks.");
	} else {
		table_open(d, "figures", 6, tasks_head, "lldrrr");
		for (i = 0; i < st->ntasks; i++) {
			const stats_task *t = &st->tasks[i];
			row_open(d);
			cell(d, t->task->id);
			cell(d, nz(t->task->name));
			cell(d, date_str(c, t->task->due));
			cell_count(d, t->done);
			cell_count(d, t->owing);
			cell(d, t->owing ? aprintf(c, "%" PRId64 " %%",
						   t->done * 100 / t->owing) : "");
			row_close(d);
		}
		table_close(d);
	}
}

/* ---- progress: charts and lagging units ---- */

enum { P_DONE, P_OPEN, P_BEHIND, P_OVERDUE, P_COUNT };

static const svg_series progress_series[P_COUNT] = {
	{"done", "#2e7d32", "done"},
	{"open, on schedule", "#b0bec5", "open"},
	{"behind", "#f9a825", "behind"},
	{"overdue", "#c62828", "overdue"},
};

typedef struct unit_row {
	const unit *u;
	int64_t n[P_COUNT];
} unit_row;

typedef struct progress_table {
	unit_row *units;        /* units that owe a task, document order */
	size_t nunits;
	int64_t (*tasks)[P_COUNT];  /* parallel to plan->tasks */
} progress_table;

static int cmp_lag_pair(const void *a, const void *b)
{
	const pc_lagging *x = *(const pc_lagging *const *)a;
	const pc_lagging *y = *(const pc_lagging *const *)b;
	int r = strcmp(nz(x->unit), nz(y->unit));

	if (r)
		return r;
	if ((r = strcmp(nz(x->task), nz(y->task))))
		return r;
	return (int)x->state - (int)y->state;   /* overdue first */
}

/* Done by as_of, per the unit's progress entry for t. */
static bool unit_done(const unit *u, const task *t, pc_date as_of)
{
	uint32_t i;

	for (i = 0; i < u->nprogress; i++)
		if (u->progress[i].task == t)
			return u->progress[i].done != PC_NODATE &&
			       u->progress[i].done <= as_of;
	return false;
}

/* Count, per unit and per task, owed tasks done, open, behind and
 * overdue. Linear in the owed (unit, task) pairs plus the lagging list. */
static int progress_build(ctx *c, progress_table *pt)
{
	const pc_plan *plan = c->plan;
	uint32_t *row_of = NULL;    /* unit index -> row + 1 */
	const pc_lagging **lag = NULL;
	size_t nlag = pc_report_lagging_count(c->rep), i, cap = 0;
	uint32_t t, j;
	int rc = PC_ENOMEM;

	memset(pt, 0, sizeof *pt);
	if (plan->ntasks == 0)
		return 0;
	row_of = pc_calloc(plan->nunits ? plan->nunits : 1, sizeof *row_of);
	pt->tasks = pc_calloc(plan->ntasks, sizeof *pt->tasks);
	if (!row_of || !pt->tasks)
		goto out;
	for (t = 0; t < plan->ntasks; t++) {
		const task *tk = plan->tasks[t];

		for (j = 0; j < tk->nowners; j++) {
			const unit *u = tk->owners[j];
			const progress *pr = tk->owner_progress ?
					     tk->owner_progress[j] : NULL;
			int s = pr && pr->done != PC_NODATE &&
				pr->done <= c->as_of ? P_DONE : P_OPEN;
			size_t r;

			if (u->index >= plan->nunits)
				continue;
			if (!row_of[u->index]) {
				if (pc_grow(&pt->units, &cap, pt->nunits + 1,
					    sizeof *pt->units) < 0)
					goto out;
				memset(&pt->units[pt->nunits], 0,
				       sizeof pt->units[0]);
				pt->units[pt->nunits].u = u;
				row_of[u->index] = (uint32_t)++pt->nunits;
			}
			r = row_of[u->index] - 1;
			/* row_of[] is set only once pt->units has the row,
			 * which the analyser does not follow.
			 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			pt->units[r].n[s]++;
			pt->tasks[t][s]++;
		}
	}

	/* A (unit, task) pair may lag under several rules: count it once,
	 * in its worst state. */
	if (nlag) {
		lag = pc_malloc(nlag * sizeof *lag);
		if (!lag)
			goto out;
		for (i = 0; i < nlag; i++)
			lag[i] = pc_report_lagging(c->rep, i);
		qsort(lag, nlag, sizeof *lag, cmp_lag_pair);
	}
	for (i = 0; i < nlag; i++) {
		const unit *u;
		const task *tk;
		size_t r;
		int s;

		if (i && strcmp(nz(lag[i]->unit), nz(lag[i - 1]->unit)) == 0 &&
		    strcmp(nz(lag[i]->task), nz(lag[i - 1]->task)) == 0)
			continue;
		u = find_unit(plan, lag[i]->unit);
		tk = find_task(plan, lag[i]->task);
		if (!u || !tk || u->index >= plan->nunits ||
		    !row_of[u->index] || tk->index >= plan->ntasks ||
		    unit_done(u, tk, c->as_of))
			continue;
		r = row_of[u->index] - 1;
		if (pt->units[r].n[P_OPEN] <= 0 || pt->tasks[tk->index][P_OPEN] <= 0)
			continue;
		s = lag[i]->state == PC_LAG_OVERDUE ? P_OVERDUE : P_BEHIND;
		pt->units[r].n[P_OPEN]--;
		pt->units[r].n[s]++;
		pt->tasks[tk->index][P_OPEN]--;
		pt->tasks[tk->index][s]++;
	}
	rc = 0;
out:
	pc_free(row_of);
	pc_free(lag);
	return rc;
}

static void progress_free(progress_table *pt)
{
	pc_free(pt->units);
	pc_free(pt->tasks);
}

/* Worst first, as the bars show it: the larger share of overdue tasks,
 * then of behind, then of open ones; then more tasks; then document
 * order. Shares are compared by cross-multiplying, in integers. */
static int cmp_unit_rows(const void *a, const void *b)
{
	const unit_row *x = a, *y = b;
	int64_t tx = 0, ty = 0;
	int s;

	for (s = 0; s < P_COUNT; s++) {
		tx += x->n[s];
		ty += y->n[s];
	}
	for (s = P_OVERDUE; s >= P_OPEN; s--) {
		int64_t l = x->n[s] * ty, r = y->n[s] * tx;

		if (l != r)
			return l > r ? -1 : 1;
	}
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return (x->u->index > y->u->index) - (x->u->index < y->u->index);
}

static const char *progress_tooltip(ctx *c, const char *who, const int64_t *n,
				    const char *what)
{
	return aprintf(c, "%s: %" PRId64 " done, %" PRId64 " open, %" PRId64
		       " behind, %" PRId64 " overdue of %" PRId64 " %s", who,
		       n[P_DONE], n[P_OPEN], n[P_BEHIND], n[P_OVERDUE],
		       n[P_DONE] + n[P_OPEN] + n[P_BEHIND] + n[P_OVERDUE],
		       what);
}

static const char *done_note(ctx *c, const int64_t *n)
{
	return aprintf(c, "%s/%s done", count_str(c, n[P_DONE]),
		       count_str(c, n[P_DONE] + n[P_OPEN] + n[P_BEHIND] +
				 n[P_OVERDUE]));
}

static void progress_charts(ctx *c, progress_table *pt)
{
	const pc_plan *plan = c->plan;
	doc *d = &c->d;
	svg_bar *bars = NULL;
	svg_bars chart;
	size_t nbars, i, shown;
	int s;

	if (!plan->ntasks)
		return;
	nbars = plan->ntasks > pt->nunits ? plan->ntasks : pt->nunits;
	bars = pc_calloc(nbars + 1, sizeof *bars);
	if (!bars) {
		c->nomem = true;
		return;
	}

	/* Per task: the tasks of a plan are few, but aggregate all the
	 * same past SVG_MAX_ROWS. Tasks appear in id order as in Figures. */
	shown = 0;
	for (i = 0; i < c->st->ntasks; i++) {
		const task *tk = c->st->tasks[i].task;
		const int64_t *n = pt->tasks[tk->index];
		svg_bar *bar;

		if (plan->ntasks > SVG_MAX_ROWS && shown == SVG_MAX_ROWS - 1) {
			bar = &bars[shown];
			for (s = 0; s < P_COUNT; s++)
				bar->value[s] += n[s];
			continue;
		}
		bar = &bars[shown++];
		bar->label = tk->id;
		bar->tooltip = progress_tooltip(c, tk->name && tk->name[0] ?
						tk->name : tk->id, n, "units");
		for (s = 0; s < P_COUNT; s++)
			bar->value[s] = n[s];
		bar->note = done_note(c, n);
	}
	if (plan->ntasks > SVG_MAX_ROWS) {
		svg_bar *bar = &bars[shown++];

		bar->label = aprintf(c, "others (%zu tasks)",
				     (size_t)plan->ntasks - (SVG_MAX_ROWS - 1));
		bar->tooltip = progress_tooltip(c, bar->label, bar->value,
						"units");
		bar->note = done_note(c, bar->value);
		bar->aggregate = true;
	}
	memset(&chart, 0, sizeof chart);
	chart.id = "chart-tasks";
	chart.title = "Task completion per task (share of the units that owe it)";
	chart.axis = "share of the units that owe the task";
	chart.series = progress_series;
	chart.nseries = P_COUNT;
	chart.bars = bars;
	chart.nbars = shown;
	chart.percent = true;
	sb_puts(d->b, "<figure>\n<figcaption>Task completion per task"
		"</figcaption>\n");
	svg_bar_chart(d->b, &chart);
	sb_puts(d->b, "</figure>\n");

	/* Per unit: the worst SVG_MAX_ROWS - 1 units, then one bar for all
	 * the others, so a national plan still draws a readable chart. */
	if (!pt->nunits)
		goto out;
	qsort(pt->units, pt->nunits, sizeof *pt->units, cmp_unit_rows);
	memset(bars, 0, (nbars + 1) * sizeof *bars);
	shown = 0;
	for (i = 0; i < pt->nunits; i++) {
		const unit_row *r = &pt->units[i];
		svg_bar *bar;

		if (pt->nunits > SVG_MAX_ROWS && shown == SVG_MAX_ROWS - 1) {
			bar = &bars[shown];
			for (s = 0; s < P_COUNT; s++)
				bar->value[s] += r->n[s];
			continue;
		}
		bar = &bars[shown++];
		bar->label = r->u->name && r->u->name[0] ? r->u->name : r->u->id;
		bar->tooltip = progress_tooltip(c, aprintf(c, "%s %s", r->u->id,
							   nz(r->u->name)),
						r->n, "tasks");
		for (s = 0; s < P_COUNT; s++)
			bar->value[s] = r->n[s];
		bar->note = done_note(c, r->n);
	}
	if (pt->nunits > SVG_MAX_ROWS) {
		svg_bar *bar = &bars[shown++];

		bar->label = aprintf(c, "others (%s units)",
				     count_str(c, (int64_t)(pt->nunits -
							    (SVG_MAX_ROWS - 1))));
		bar->tooltip = progress_tooltip(c, bar->label, bar->value,
						"tasks");
		bar->note = done_note(c, bar->value);
		bar->aggregate = true;
	}
	chart.id = "chart-units";
	chart.title = "Task completion per unit (share of the tasks it owes), "
		      "worst first";
	chart.axis = "share of the tasks the unit owes";
	chart.bars = bars;
	chart.nbars = shown;
	sb_puts(d->b, "<figure>\n<figcaption>Task completion per unit, worst "
		"first</figcaption>\n");
	svg_bar_chart(d->b, &chart);
	if (pt->nunits > SVG_MAX_ROWS)
		para(d, "note", aprintf(c, "The %d units furthest behind are "
					"drawn one by one; the other %s are "
					"summed in the last bar.",
					SVG_MAX_ROWS - 1,
					count_str(c, (int64_t)(pt->nunits -
							(SVG_MAX_ROWS - 1)))));
	sb_puts(d->b, "</figure>\n");
out:
	pc_free(bars);
}

/* A lagging row, and its mark among the rows of its unit and task: 1
 * on the first of them, 2 when any of them is overdue, else 0. */
typedef struct lag_row {
	const pc_lagging *l;
	unsigned char pair;
} lag_row;

/* Lagging rows grouped by task (id order), worst first within a task:
 * overdue before behind, more days late first, then further behind the
 * expected percentage, then unit id and rule. */
static int cmp_lagging(const void *a, const void *b)
{
	const pc_lagging *x = ((const lag_row *)a)->l;
	const pc_lagging *y = ((const lag_row *)b)->l;
	int r = strcmp(nz(x->task), nz(y->task));
	int gap_x = x->expected - x->percent, gap_y = y->expected - y->percent;

	if (r)
		return r;
	if (x->state != y->state)
		return x->state == PC_LAG_OVERDUE ? -1 : 1;
	if (x->days != y->days)
		return x->days > y->days ? -1 : 1;
	if (gap_x != gap_y)
		return gap_x > gap_y ? -1 : 1;
	if ((r = strcmp(nz(x->unit), nz(y->unit))))
		return r;
	return strcmp(nz(x->rule), nz(y->rule));
}

static void write_lagging(ctx *c)
{
	static const char *const head[] = {"Unit", "Name", "State", "Due",
					   "Days late", "Done %", "Expected %",
					   "Rule"};
	doc *d = &c->d;
	size_t n = pc_report_lagging_count(c->rep), i, k = 0, start;
	lag_row *rows;

	heading(d, 3, "lagging", "Lagging units");
	if (!n) {
		para(d, NULL, "No unit is lagging: none is overdue or behind "
		     "on a task that a deadline rule checks.");
		return;
	}
	rows = pc_calloc(n, sizeof *rows);
	if (!rows) {
		c->nomem = true;
		return;
	}
	/* Several deadline rules on one task give a unit several rows; the
	 * counts are of units. The report's own order puts the rows of one
	 * unit and task side by side: the first of them carries the mark. */
	for (i = 0; i < n; i++) {
		const pc_lagging *l = pc_report_lagging(c->rep, i);
		const pc_lagging *prev = i ? rows[i - 1].l : NULL;

		rows[i].l = l;
		if (!prev || strcmp(nz(prev->unit), nz(l->unit)) != 0 ||
		    strcmp(nz(prev->task), nz(l->task)) != 0)
			k = i;
		if (k == i)
			rows[k].pair = 1;
		if (l->state == PC_LAG_OVERDUE)
			rows[k].pair = 2;
	}
	qsort(rows, n, sizeof *rows, cmp_lagging);
	for (start = 0; start < n; start = i) {
		const char *task_id = nz(rows[start].l->task);
		const task *tk = find_task(c->plan, rows[start].l->task);
		size_t nunits = 0, nover = 0;

		for (i = start; i < n && strcmp(nz(rows[i].l->task),
						 task_id) == 0; i++) {
			nunits += rows[i].pair != 0;
			nover += rows[i].pair == 2;
		}
		heading(d, 4, NULL, tk && tk->name && tk->name[0] ?
			aprintf(c, "%s: %s", task_id, tk->name) : task_id);
		para(d, "note", aprintf(c, "%s lagging (%s overdue, %s behind).",
					count_str(c, (int64_t)nunits),
					count_str(c, (int64_t)nover),
					count_str(c, (int64_t)(nunits - nover))));
		table_open(d, "lagging", 8, head, "llldrrrl");
		for (k = start; k < i; k++) {
			const pc_lagging *l = rows[k].l;
			bool over = l->state == PC_LAG_OVERDUE;

			row_open(d);
			cell(d, nz(l->unit));
			cell(d, nz(l->unit_name));
			cell_class(d, over ? "state-overdue" : "state-behind",
				   over ? "overdue" : "behind");
			cell(d, date_str(c, l->due));
			cell(d, over ? count_str(c, l->days) : "");
			cell(d, aprintf(c, "%d", l->percent));
			cell(d, aprintf(c, "%d", l->expected));
			cell(d, nz(l->rule));
			row_close(d);
		}
		table_close(d);
	}
	pc_free(rows);
}

static void write_progress(ctx *c)
{
	doc *d = &c->d;
	progress_table pt;

	heading(d, 2, "progress", "Progress");
	if (HTML(d) && c->plan->ntasks) {
		if (progress_build(c, &pt) < 0)
			c->nomem = true;
		else
			progress_charts(c, &pt);
		progress_free(&pt);
	}
	write_lagging(c);
}

/* ---- findings by rule ---- */

typedef struct finding_ref {
	const pc_finding *f;
	size_t order;           /* position in the report */
	int group_sev;          /* highest severity of its rule's findings */
} finding_ref;

static int cmp_by_rule(const void *a, const void *b)
{
	const finding_ref *x = a, *y = b;
	int r = strcmp(x->f->rule, y->f->rule);

	if (r)
		return r;
	return (x->order > y->order) - (x->order < y->order);
}

/* Groups with errors first, then warnings, then info; rule id within. */
static int cmp_by_group(const void *a, const void *b)
{
	const finding_ref *x = a, *y = b;

	if (x->group_sev != y->group_sev)
		return x->group_sev > y->group_sev ? -1 : 1;
	return cmp_by_rule(a, b);
}

static const char *location_str(ctx *c, const pc_location *l)
{
	if (!l->file)
		return "";
	if (!l->line)
		return l->file;
	return aprintf(c, "%s:%u:%u", l->file, l->line, l->column);
}

static const char *target_str(ctx *c, const pc_finding *f)
{
	const unit *u;

	if (f->target_type == PC_TARGET_PLAN)
		return "plan";
	if (f->target_type == PC_TARGET_UNIT &&
	    (u = find_unit(c->plan, f->target_id)) && u->name && u->name[0])
		return aprintf(c, "unit %s (%s)", f->target_id, u->name);
	return aprintf(c, "%s %s", pc_target_type_name(f->target_type),
		       f->target_id);
}

static const char *waiver_str(ctx *c, const pc_finding *f)
{
	const pc_waiver_info *w = f->waiver;

	if (!f->waived)
		return "";
	if (!w)
		return "waived";
	return aprintf(c, "waived: %s; approved by %s; %s; %s:%u",
		       nz(w->reason)[0] ? w->reason : "(no reason given)",
		       nz(w->approved_by)[0] ? w->approved_by : "(nobody named)",
		       w->expires == PC_NODATE ? "no expiry, in force" :
		       aprintf(c, "expires %s, in force", date_str(c, w->expires)),
		       nz(w->location.file), w->location.line);
}

static const char *measure_str(ctx *c, const rule *r)
{
	const quota_rule *q = &r->u.quota;
	static const char *const fields[] = {"baseline", "quota", "actual"};
	const char *what, *scope;

	switch (q->measure) {
	case MEASURE_STAFF:
		what = aprintf(c, "staff (%s)", fields[q->staff]);
		break;
	case MEASURE_HOLDERS:
		what = aprintf(c, "people holding %s", nz(q->title));
		break;
	case MEASURE_POSITIONS:
		what = aprintf(c, "slots of %s", nz(q->title));
		break;
	default:
		what = "units";
		break;
	}
	scope = q->scope == SCOPE_CHILDREN ? " in direct children" :
		q->scope == SCOPE_SUBTREE ? " in the subtree" : "";
	return aprintf(c, "%s%s", what, scope);
}

static int cmp_limit_rows(const void *a, const void *b)
{
	const svg_limit_row *x = a, *y = b;
	int64_t ex = x->value > x->limit ? x->value - x->limit : x->limit - x->value;
	int64_t ey = y->value > y->limit ? y->value - y->limit : y->limit - y->value;

	if (ex != ey)
		return ex > ey ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* One chart per quota rule that found something: each flagged unit's
 * measured value against the limit it broke, largest miss first. */
static void quota_chart(ctx *c, const finding_ref *refs, size_t n)
{
	const rule *r = find_rule(c->rules, refs[0].f->rule);
	doc *d = &c->d;
	svg_limit_row *rows;
	svg_limits chart;
	size_t i, nrows = 0;

	if (!r || r->kind != PC_KIND_QUOTA)
		return;
	rows = pc_calloc(n, sizeof *rows);
	if (!rows) {
		c->nomem = true;
		return;
	}
	for (i = 0; i < n; i++) {
		const pc_finding *f = refs[i].f;
		const unit *u;

		if (!f->has_value || !f->has_limit)
			continue;
		u = f->target_type == PC_TARGET_UNIT ?
		    find_unit(c->plan, f->target_id) : NULL;
		rows[nrows].label = u && u->name && u->name[0] ? u->name :
				    f->target_id;
		rows[nrows].tooltip = aprintf(c, "%s%s: %s", f->target_id,
					      f->waived ? " (waived)" : "",
					      f->message);
		rows[nrows].value = f->value;
		rows[nrows].limit = f->limit;
		rows[nrows].waived = f->waived;
		nrows++;
	}
	if (nrows) {
		qsort(rows, nrows, sizeof *rows, cmp_limit_rows);
		memset(&chart, 0, sizeof chart);
		chart.id = aprintf(c, "chart-quota-%s", r->id);
		chart.title = aprintf(c, "Quota use: %s", r->id);
		chart.axis = measure_str(c, r);
		chart.rows = rows;
		chart.nrows = nrows > SVG_MAX_ROWS ? SVG_MAX_ROWS : nrows;
		sb_puts(d->b, "<figure>\n<figcaption>");
		svg_escape(d->b, aprintf(c, "Quota use: %s (value against "
					 "limit)", r->id));
		sb_puts(d->b, "</figcaption>\n");
		svg_limit_chart(d->b, &chart);
		if (nrows > SVG_MAX_ROWS)
			para(d, "note", aprintf(c, "The %d largest misses of %s "
						"are drawn; the table below "
						"lists all.", SVG_MAX_ROWS,
						count_str(c, (int64_t)nrows)));
		sb_puts(d->b, "</figure>\n");
	}
	pc_free(rows);
}

static void write_group(ctx *c, const finding_ref *refs, size_t n)
{
	const char *head[7];
	char align[8];
	int ncols;
	bool has_value = false, has_limit = false;
	doc *d = &c->d;
	const char *id = refs[0].f->rule;
	const rule *r = find_rule(c->rules, id);
	const char *basis = refs[0].f->basis;
	size_t i, nwaived = 0;

	for (i = 0; i < n; i++)
		nwaived += refs[i].f->waived;
	heading(d, 3, aprintf(c, "rule-%s", id), id);
	para_open(d, "note");
	put_text(d, aprintf(c, "%s finding%s", count_str(c, (int64_t)n),
			    n == 1 ? "" : "s"));
	if (nwaived)
		put_text(d, aprintf(c, ", %s waived", count_str(c, (int64_t)nwaived)));
	if (r)
		put_text(d, aprintf(c, "; kind %s, severity %s, pack %s",
				    pc_rule_kind_name(r->kind),
				    pc_severity_name(r->severity),
				    r->pack ? r->pack->id : ""));
	else if (strncmp(id, "rules/", 6) == 0)
		put_text(d, "; a check of the rule packs against this plan");
	else
		put_text(d, "; a check of the plan's own structure and waivers");
	put_text(d, ".");
	para_close(d);
	if ((!basis || !basis[0]) && r)
		basis = r->basis;
	if (basis && basis[0]) {
		para_open(d, NULL);
		strong(d, "Legal basis:");
		put_text(d, " ");
		put_text(d, basis);
		para_close(d);
	}
	if (r && r->description && r->description[0]) {
		para_open(d, NULL);
		strong(d, "Rule:");
		put_text(d, " ");
		put_text(d, r->description);
		para_close(d);
	}
	if (HTML(d))
		quota_chart(c, refs, n);

	/* Value, limit and waiver columns only where the rule has them. */
	for (i = 0; i < n; i++) {
		has_value |= refs[i].f->has_value;
		has_limit |= refs[i].f->has_limit;
	}
	ncols = 0;
	head[ncols] = "Severity"; align[ncols++] = 'l';
	head[ncols] = "Location"; align[ncols++] = 'd';
	head[ncols] = "Target"; align[ncols++] = 'l';
	head[ncols] = "Message"; align[ncols++] = 'l';
	if (has_value) {
		head[ncols] = "Value";
		align[ncols++] = 'r';
	}
	if (has_limit) {
		head[ncols] = "Limit";
		align[ncols++] = 'r';
	}
	if (nwaived) {
		head[ncols] = "Waiver";
		align[ncols++] = 'l';
	}
	align[ncols] = '\0';
	table_open(d, "findings", ncols, head, align);
	for (i = 0; i < n; i++) {
		const pc_finding *f = refs[i].f;
		const char *sev = pc_severity_name(f->severity);

		row_open(d);
		cell_class(d, f->waived ? "waived" : aprintf(c, "sev-%s", sev),
			   f->waived ? aprintf(c, "%s (waived)", sev) : sev);
		cell(d, location_str(c, &f->location));
		cell(d, target_str(c, f));
		cell(d, f->message);
		if (has_value)
			cell(d, f->has_value ? count_str(c, f->value) : "");
		if (has_limit)
			cell(d, f->has_limit ? count_str(c, f->limit) : "");
		if (nwaived)
			cell(d, waiver_str(c, f));
		row_close(d);
	}
	table_close(d);
}

static void write_findings(ctx *c)
{
	doc *d = &c->d;
	size_t n = pc_report_finding_count(c->rep), i, start;
	finding_ref *refs;

	heading(d, 2, "findings", "Findings by rule");
	if (!n) {
		para(d, NULL, "No findings.");
		return;
	}
	refs = pc_calloc(n, sizeof *refs);
	if (!refs) {
		c->nomem = true;
		return;
	}
	for (i = 0; i < n; i++) {
		refs[i].f = pc_report_finding(c->rep, i);
		refs[i].order = i;
	}
	qsort(refs, n, sizeof *refs, cmp_by_rule);
	for (start = 0; start < n; start = i) {
		int sev;
		size_t k;

		/* a rule whose findings are all waived goes last */
		sev = -1;
		for (i = start; i < n && strcmp(refs[i].f->rule,
						 refs[start].f->rule) == 0; i++)
			if (!refs[i].f->waived && (int)refs[i].f->severity > sev)
				sev = (int)refs[i].f->severity;
		for (k = start; k < i; k++)
			refs[k].group_sev = sev;
	}
	qsort(refs, n, sizeof *refs, cmp_by_group);
	para(d, "note", "Rules are listed errors first, then warnings, then "
	     "info, and last the rules whose findings are all waived; findings "
	     "within a rule in file order. Waived findings stay listed with "
	     "their waiver and do not count in the summary.");
	for (start = 0; start < n; start = i) {
		for (i = start; i < n && strcmp(refs[i].f->rule,
						 refs[start].f->rule) == 0; i++)
			;
		write_group(c, refs + start, i - start);
	}
	pc_free(refs);
}

/* ---- waivers ---- */


/* Mark the waivers the check reported as unused (plan/waiver-unused), so
 * the report says what the check found, not a guess of its own. Waivers
 * are in document order, so each finding's waiver is found by a binary
 * search on its position. */
static void mark_unused(const pc_report *rep, const pc_plan *plan,
			unsigned char *unused)
{
	size_t i, n = pc_report_finding_count(rep);

	for (i = 0; i < n; i++) {
		const pc_finding *f = pc_report_finding(rep, i);
		size_t lo = 0, hi = plan->nwaivers;

		if (strcmp(f->rule, "plan/waiver-unused") != 0)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const waiver *w = &plan->waivers[mid];

			if (w->where.line < f->location.line ||
			    (w->where.line == f->location.line &&
			     w->where.col < f->location.column))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < plan->nwaivers &&
		    plan->waivers[lo].where.line == f->location.line &&
		    plan->waivers[lo].where.col == f->location.column)
			unused[lo] = 1;
	}
}

static void write_waivers(ctx *c)
{
	static const char *const head[] = {"Rule", "Target", "Reason",
					   "Approved by", "Expires", "Status",
					   "Location"};
	doc *d = &c->d;
	const pc_plan *plan = c->plan;
	size_t nf = pc_report_finding_count(c->rep), i;
	size_t *applied;
	unsigned char *unused;

	heading(d, 2, "waivers", "Waivers");
	if (!plan->nwaivers) {
		para(d, NULL, "The plan has no waivers.");
		return;
	}
	applied = pc_calloc(plan->nwaivers, sizeof *applied);
	unused = pc_calloc(plan->nwaivers, 1);
	if (!applied || !unused) {
		pc_free(applied);
		pc_free(unused);
		c->nomem = true;
		return;
	}
	mark_unused(c->rep, plan, unused);
	/* A waived finding points at the public view inside its waiver. */
	for (i = 0; i < nf; i++) {
		const pc_finding *f = pc_report_finding(c->rep, i);
		const char *p = (const char *)f->waiver;
		const char *lo = (const char *)plan->waivers;

		if (!f->waived || !f->waiver)
			continue;
		if (p < lo + offsetof(waiver, info) ||
		    p >= lo + plan->nwaivers * sizeof(waiver))
			continue;
		applied[(size_t)(p - lo - offsetof(waiver, info)) / sizeof(waiver)]++;
	}
	table_open(d, "waivers", 7, head, "lllldld");
	for (i = 0; i < plan->nwaivers; i++) {
		const waiver *w = &plan->waivers[i];
		bool expired = w->expires != PC_NODATE && c->as_of > w->expires;
		const char *status;

		if (expired)
			status = aprintf(c, "expired on %s: waives nothing",
					 date_str(c, w->expires));
		else if (applied[i])
			status = aprintf(c, "in force: waives %s finding%s",
					 count_str(c, (int64_t)applied[i]),
					 applied[i] == 1 ? "" : "s");
		else if (unused[i])
			status = "unused: matched no finding";
		else
			/* It matched findings another waiver already waives,
			 * or its rule did not run in this check. */
			status = "in force: waives nothing in this check";
		row_open(d);
		cell(d, nz(w->rule));
		cell(d, nz(w->target));
		cell(d, nz(w->reason));
		cell(d, nz(w->approved_by));
		cell(d, w->expires == PC_NODATE ? "never" : date_str(c, w->expires));
		cell_class(d, expired ? "sev-warning" : applied[i] ? NULL :
			   "sev-info", status);
		cell(d, aprintf(c, "%s:%u:%u", nz(w->where.file), w->where.line,
				w->where.col));
		row_close(d);
	}
	table_close(d);
	pc_free(applied);
	pc_free(unused);
}

static void write_tail(ctx *c)
{
	doc *d = &c->d;

	if (HTML(d)) {
		sb_puts(d->b, "</main>\n<footer>\n<p>Produced by ");
		svg_escape(d->b, c->by);
		sb_puts(d->b, " from ");
		svg_escape(d->b, c->plan->file);
		sb_puts(d->b, ". The report records no time of production, so "
			"the same plan, rules and as-of date give the same "
			"file.</p>\n</footer>\n</body>\n</html>\n");
	} else {
		sb_puts(d->b, "---\n\nProduced by ");
		put_text(d, c->by);
		sb_puts(d->b, " from ");
		put_text(d, c->plan->file);
		sb_puts(d->b, ". The report records no time of production, so "
			"the same plan, rules and as-of date give the same "
			"file.\n");
	}
}

/*
 * Write the auditor's report (see plancheck.h). Everything is built in
 * memory first, so a failure leaves out nothing half-written.
 */
int pc_report_write(FILE *out, const pc_report *rep, const pc_stats *stats,
		    int format, const char *generated_by)
{
	pc_stats *own = NULL;
	strbuf b;
	ctx c;
	int rc;

	if (!out || !rep || (format != PC_DOC_HTML && format != PC_DOC_MARKDOWN))
		return PC_EUSAGE;
	memset(&c, 0, sizeof c);
	c.rep = rep;
	c.plan = pc_report_plan(rep);
	c.rules = pc_report_rules(rep);
	c.as_of = pc_report_as_of(rep);
	if (!stats) {
		rc = pc_stats_compute(c.plan, c.as_of, &own);
		if (rc < 0)
			return rc;
		stats = own;
	}
	c.st = stats;
	sb_init(&b);
	arena_init(&c.a);
	c.d.b = &b;
	c.d.format = format;
	c.by = generated_by ? generated_by :
	       aprintf(&c, "plancheck %s", pc_version());

	write_head(&c);
	write_packs(&c);
	write_summary(&c);
	write_progress(&c);
	write_figures(&c);
	write_findings(&c);
	write_waivers(&c);
	write_rule_list(&c);
	write_tail(&c);

	rc = c.nomem || b.failed ? PC_ENOMEM : sb_write(&b, out);
	sb_free(&b);
	arena_free(&c.a);
	pc_stats_free(own);
	return rc;
}
