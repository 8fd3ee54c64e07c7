/* out_sarif.c - SARIF 2.1.0, as GitHub code scanning and other SARIF
 * viewers read it.
 *
 * One run holds every plan of the invocation: the rules of all their rule
 * sets (plus the structural plan/ and rules/ ids that occur) in
 * tool.driver.rules, one result per finding. File URIs are relative to a
 * root directory (--root, else the working directory) under the base id
 * %SRCROOT%, so results land on the right files in a repository checkout.
 * partialFingerprints hash the rule, the file and the finding's target, not
 * its line, so a result keeps its identity when unrelated lines move. */
#include "out_ci.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
	"errata01/os/schemas/sarif-schema-2.1.0.json"
#ifndef PLANCHECK_HOMEPAGE
#define PLANCHECK_HOMEPAGE "https://github.com/plancheck/plancheck"
#endif
#define SRCROOT "%SRCROOT%"
#define FINGERPRINT_KEY "plancheck/v1"

/* ---- a small pretty-printing JSON writer ---- */

typedef struct jw {
	strbuf *b;
	unsigned depth;
	bool has_items;           /* the open container has items already */
} jw;

static void jw_item(jw *w, const char *key)
{
	unsigned i;

	if (w->has_items)
		sb_putc(w->b, ',');
	sb_putc(w->b, '\n');
	for (i = 0; i < w->depth; i++)
		sb_puts(w->b, "  ");
	if (key) {
		sb_json_str(w->b, key);
		sb_puts(w->b, ": ");
	}
	w->has_items = true;
}

static void jw_open(jw *w, const char *key, char bracket)
{
	if (w->depth || w->has_items || key)
		jw_item(w, key);
	sb_putc(w->b, bracket);
	w->depth++;
	w->has_items = false;
}

static void jw_close(jw *w, char bracket)
{
	unsigned i;

	w->depth--;
	if (w->has_items) {
		sb_putc(w->b, '\n');
		for (i = 0; i < w->depth; i++)
			sb_puts(w->b, "  ");
	}
	sb_putc(w->b, bracket);
	w->has_items = true;
}

static void jw_str(jw *w, const char *key, const char *value)
{
	jw_item(w, key);
	sb_json_str(w->b, value ? value : "");
}

static void jw_int(jw *w, const char *key, long long value)
{
	jw_item(w, key);
	sb_printf(w->b, "%lld", value);
}

static void jw_bool(jw *w, const char *key, bool value)
{
	jw_item(w, key);
	sb_puts(w->b, value ? "true" : "false");
}

/* ---- pieces ---- */

typedef struct sarif {
	jw w;
	ci_rules rules;
	ci_paths paths;
	ci_sources sources;
	strbuf tmp;
	const pc_output_options *options;
} sarif;

/* An artifactLocation for file: relative to the root under %SRCROOT%
 * when it lies there, else an absolute file: URI. Also leaves the
 * relative (or absolute) path in s->tmp. */
static void put_artifact(sarif *s, const char *file)
{
	strbuf uri;
	bool inside;

	sb_init(&uri);
	ci_reset(&s->tmp);
	inside = ci_path_relative(&s->paths, &s->tmp, file);
	if (s->tmp.failed)
		s->w.b->failed = true;
	if (!inside && ci_text(&s->tmp)[0] == '/')
		sb_puts(&uri, "file://");
	ci_uri_encode(&uri, ci_text(&s->tmp));
	if (uri.failed)
		s->w.b->failed = true;
	jw_open(&s->w, "artifactLocation", '{');
	jw_str(&s->w, "uri", ci_text(&uri));
	if (inside)
		jw_str(&s->w, "uriBaseId", SRCROOT);
	jw_close(&s->w, '}');
	sb_free(&uri);
}

static void put_physical(sarif *s, const pc_location *at, const char *file)
{
	jw_open(&s->w, "physicalLocation", '{');
	put_artifact(s, file);
	if (at->line > 0) {
		unsigned col = at->column ? at->column : 1;
		unsigned end = ci_source_end_column(&s->sources, file,
						    at->line, col);

		jw_open(&s->w, "region", '{');
		jw_int(&s->w, "startLine", at->line);
		jw_int(&s->w, "startColumn", col);
		jw_int(&s->w, "endLine", at->line);
		jw_int(&s->w, "endColumn", end);
		jw_close(&s->w, '}');
	}
	jw_close(&s->w, '}');
}

/* Markdown-escape free text (rule descriptions, legal bases): they are
 * prose, not markup. */
static void md_escape(strbuf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>#|~", *s))
			sb_putc(b, '\\');
		sb_putc(b, *s);
	}
}

static void put_rule(sarif *s, const ci_rule *r)
{
	const pc_rule_info *in = &r->info;
	strbuf text, md, name;
	char date[11];
	const char *p;
	bool up = true;

	sb_init(&text);
	sb_init(&md);
	sb_init(&name);

	/* name: the id in PascalCase, as SARIF suggests for names. */
	for (p = r->id; *p; p++) {
		char c = *p;

		if (c == '-' || c == '_' || c == '.' || c == '/') {
			up = true;
			continue;
		}
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		sb_putc(&name, c);
		up = false;
	}

	jw_open(&s->w, NULL, '{');
	jw_str(&s->w, "id", r->id);
	jw_str(&s->w, "name", ci_text(&name));

	ci_reset(&s->tmp);
	ci_rule_short(&s->tmp, r);
	jw_open(&s->w, "shortDescription", '{');
	jw_str(&s->w, "text", ci_text(&s->tmp));
	jw_close(&s->w, '}');

	/* fullDescription: the whole description (or summary); help: that
	 * plus the legal basis, the pack and where the rule is defined. */
	if (r->in_set && in->description && *in->description)
		sb_puts(&text, in->description);
	else if (!r->in_set && r->summary)
		sb_puts(&text, r->summary);
	else
		sb_puts(&text, ci_text(&s->tmp));
	jw_open(&s->w, "fullDescription", '{');
	jw_str(&s->w, "text", ci_text(&text));
	jw_close(&s->w, '}');

	md_escape(&md, ci_text(&text));
	if (r->in_set) {
		if (in->basis && *in->basis) {
			sb_printf(&text, "\n\nLegal basis: %s", in->basis);
			sb_puts(&md, "\n\n**Legal basis:** ");
			md_escape(&md, in->basis);
		}
		sb_printf(&text, "\n\nRule pack: %s (%s)", in->pack_id,
			  in->pack_name ? in->pack_name : "");
		sb_puts(&md, "\n\n**Rule pack:** ");
		md_escape(&md, in->pack_id ? in->pack_id : "");
		if (in->pack_name && *in->pack_name) {
			sb_puts(&md, " \xe2\x80\x94 ");
			md_escape(&md, in->pack_name);
		}
		sb_printf(&text, "\nKind: %s; severity: %s",
			  pc_rule_kind_name(in->kind),
			  pc_severity_name(in->severity));
		sb_printf(&md, "  \n**Kind:** %s; **severity:** %s",
			  pc_rule_kind_name(in->kind),
			  pc_severity_name(in->severity));
		if (in->effective != PC_NODATE) {
			pc_date_format(in->effective, date);
			sb_printf(&text, "; effective from %s", date);
			sb_printf(&md, "; **effective from** %s", date);
		}
		ci_reset(&s->tmp);
		ci_path_relative(&s->paths, &s->tmp, in->file);
		sb_printf(&text, "\nDefined at %s:%u:%u", ci_text(&s->tmp),
			  in->line, in->column);
		sb_puts(&md, "  \n**Defined at:** `");
		sb_puts(&md, ci_text(&s->tmp));
		sb_printf(&md, ":%u:%u`", in->line, in->column);
	} else {
		sb_puts(&text, "\n\nReported by plancheck itself while "
			"reading the plan and its rules (format plan/1).");
		sb_puts(&md, "\n\nReported by plancheck itself while "
			"reading the plan and its rules (format `plan/1`).");
	}
	jw_open(&s->w, "help", '{');
	jw_str(&s->w, "text", ci_text(&text));
	jw_str(&s->w, "markdown", ci_text(&md));
	jw_close(&s->w, '}');

	jw_open(&s->w, "defaultConfiguration", '{');
	jw_str(&s->w, "level", ci_sarif_level(r->level));
	jw_close(&s->w, '}');

	jw_open(&s->w, "properties", '{');
	jw_open(&s->w, "tags", '[');
	jw_str(&s->w, NULL, "plancheck");
	jw_str(&s->w, NULL, r->in_set ? pc_rule_kind_name(in->kind)
				       : "structure");
	jw_close(&s->w, ']');
	jw_str(&s->w, "precision", "very-high");
	if (r->in_set) {
		jw_str(&s->w, "kind", pc_rule_kind_name(in->kind));
		jw_str(&s->w, "pack", in->pack_id);
		jw_str(&s->w, "basis", in->basis);
		if (in->effective != PC_NODATE)
			jw_str(&s->w, "effective",
			       pc_date_format(in->effective, date));
	}
	jw_close(&s->w, '}');
	jw_close(&s->w, '}');

	if (text.failed || md.failed || name.failed)
		s->w.b->failed = true;
	sb_free(&text);
	sb_free(&md);
	sb_free(&name);
}

/* ---- fingerprints ---- */

typedef struct print {
	uint64_t hash;
	size_t order;             /* the finding's place in the output */
	unsigned occurrence;      /* 1 for the first with this hash, ... */
} print;

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int cmp_print_hash(const void *pa, const void *pb)
{
	const print *a = pa, *b = pb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_print_order(const void *pa, const void *pb)
{
	const print *a = pa, *b = pb;

	return a->order < b->order ? -1 : a->order > b->order;
}

/* Hash each finding's identity - rule, file relative to the root, plan
 * file, target type and id, each followed by a NUL - and number findings
 * that share one in output order, the way GitHub numbers equal line
 * hashes. */
static int fingerprints(sarif *s, const pc_report *const *reports,
			size_t count, print **out)
{
	size_t i, j, n = 0, k = 0;
	print *prints;

	*out = NULL;
	for (i = 0; i < count; i++)
		n += pc_report_finding_count(reports[i]);
	if (n == 0)
		return 0;
	prints = pc_calloc(n, sizeof *prints);
	if (!prints)
		return PC_ENOMEM;
	for (i = 0; i < count; i++) {
		size_t m = pc_report_finding_count(reports[i]);
		const char *plan_file = pc_plan_file(pc_report_plan(reports[i]));

		for (j = 0; j < m; j++, k++) {
			const pc_finding *f = pc_report_finding(reports[i], j);
			const char *type = pc_target_type_name(f->target_type);
			const char *target = f->target_id ? f->target_id : "";
			const char *rule = f->rule ? f->rule : "";
			uint64_t h = 0xcbf29ce484222325ULL;

			ci_reset(&s->tmp);
			ci_path_relative(&s->paths, &s->tmp, f->location.file);
			h = fnv1a(h, rule, strlen(rule) + 1);
			h = fnv1a(h, ci_text(&s->tmp), s->tmp.len + 1);
			/* the plan too: one rule pack's finding (rules/...)
			 * is a different result for each plan checked */
			ci_reset(&s->tmp);
			ci_path_relative(&s->paths, &s->tmp, plan_file);
			h = fnv1a(h, ci_text(&s->tmp), s->tmp.len + 1);
			h = fnv1a(h, type, strlen(type) + 1);
			h = fnv1a(h, target, strlen(target) + 1);
			prints[k].hash = h;
			prints[k].order = k;
		}
	}
	if (s->tmp.failed) {
		pc_free(prints);
		return PC_ENOMEM;
	}
	qsort(prints, n, sizeof *prints, cmp_print_hash);
	for (i = 0; i < n; i++)
		prints[i].occurrence = i > 0 && prints[i].hash ==
			prints[i - 1].hash ? prints[i - 1].occurrence + 1 : 1;
	qsort(prints, n, sizeof *prints, cmp_print_order);
	*out = prints;
	return 0;
}

/* ---- results ---- */

static void put_result(sarif *s, const pc_report *rep, const pc_finding *f,
		       const print *fp)
{
	const char *rule = f->rule ? f->rule : "";
	const char *file = f->location.file && *f->location.file ?
		f->location.file : pc_plan_file(pc_report_plan(rep));
	const ci_rule *r = ci_rules_find(&s->rules, rule);
	char buf[32];
	size_t i;

	jw_open(&s->w, NULL, '{');
	jw_str(&s->w, "ruleId", rule);
	if (r)
		jw_int(&s->w, "ruleIndex", (long long)r->order);
	jw_str(&s->w, "level", ci_sarif_level(f->severity));
	jw_open(&s->w, "message", '{');
	jw_str(&s->w, "text", f->message);
	jw_close(&s->w, '}');

	jw_open(&s->w, "locations", '[');
	jw_open(&s->w, NULL, '{');
	put_physical(s, &f->location, file);
	jw_close(&s->w, '}');
	jw_close(&s->w, ']');

	if (f->related_count) {
		jw_open(&s->w, "relatedLocations", '[');
		for (i = 0; i < f->related_count; i++) {
			const pc_location *at = &f->related[i];

			jw_open(&s->w, NULL, '{');
			jw_int(&s->w, "id", (long long)i + 1);
			put_physical(s, at, at->file && *at->file ?
				     at->file : file);
			jw_close(&s->w, '}');
		}
		jw_close(&s->w, ']');
	}

	snprintf(buf, sizeof buf, "%016llx:%u",
		 (unsigned long long)fp->hash, fp->occurrence);
	jw_open(&s->w, "partialFingerprints", '{');
	jw_str(&s->w, FINGERPRINT_KEY, buf);
	jw_close(&s->w, '}');

	if (f->waived) {
		const pc_waiver_info *wv = f->waiver;

		ci_reset(&s->tmp);
		sb_puts(&s->tmp, wv && wv->reason ? wv->reason : "waived");
		if (wv && wv->approved_by && *wv->approved_by)
			sb_printf(&s->tmp, " (approved by %s)",
				  wv->approved_by);
		if (wv && wv->expires != PC_NODATE) {
			char date[11];

			sb_printf(&s->tmp, "; expires %s",
				  pc_date_format(wv->expires, date));
		}
		jw_open(&s->w, "suppressions", '[');
		jw_open(&s->w, NULL, '{');
		jw_str(&s->w, "kind", "external");
		jw_str(&s->w, "status", "accepted");
		jw_str(&s->w, "justification", ci_text(&s->tmp));
		if (wv && wv->location.line > 0) {
			const char *wfile = wv->location.file &&
				*wv->location.file ? wv->location.file : file;

			jw_open(&s->w, "location", '{');
			put_physical(s, &wv->location, wfile);
			jw_close(&s->w, '}');
		}
		jw_close(&s->w, '}');
		jw_close(&s->w, ']');
	}

	jw_open(&s->w, "properties", '{');
	jw_str(&s->w, "plan", pc_plan_id(pc_report_plan(rep)));
	jw_open(&s->w, "target", '{');
	jw_str(&s->w, "type", pc_target_type_name(f->target_type));
	jw_str(&s->w, "id", f->target_id);
	jw_close(&s->w, '}');
	if (f->basis && *f->basis)
		jw_str(&s->w, "basis", f->basis);
	if (f->has_value)
		jw_int(&s->w, "value", (long long)f->value);
	if (f->has_limit)
		jw_int(&s->w, "limit", (long long)f->limit);
	jw_close(&s->w, '}');
	jw_close(&s->w, '}');
}

/* Per-plan facts a SARIF consumer would otherwise lose: the as-of date
 * and the counts of the summary. */
static void put_run_properties(sarif *s, const pc_report *const *reports,
			       size_t count)
{
	size_t i;
	char date[11];

	jw_open(&s->w, "properties", '{');
	jw_open(&s->w, "plans", '[');
	for (i = 0; i < count; i++) {
		const pc_plan *plan = pc_report_plan(reports[i]);
		pc_summary sum;

		pc_report_summary(reports[i], &sum);
		jw_open(&s->w, NULL, '{');
		ci_reset(&s->tmp);
		ci_path_relative(&s->paths, &s->tmp, pc_plan_file(plan));
		jw_str(&s->w, "file", ci_text(&s->tmp));
		jw_str(&s->w, "id", pc_plan_id(plan));
		jw_str(&s->w, "name", pc_plan_name(plan));
		if (pc_report_as_of(reports[i]) != PC_NODATE)
			jw_str(&s->w, "as_of", pc_date_format(
				       pc_report_as_of(reports[i]), date));
		jw_open(&s->w, "summary", '{');
		jw_int(&s->w, "error", (long long)sum.error);
		jw_int(&s->w, "warning", (long long)sum.warning);
		jw_int(&s->w, "info", (long long)sum.info);
		jw_int(&s->w, "waived", (long long)sum.waived);
		jw_int(&s->w, "lagging_units", (long long)sum.lagging_units);
		jw_close(&s->w, '}');
		jw_close(&s->w, '}');
	}
	jw_close(&s->w, ']');
	jw_close(&s->w, '}');
}

static int write_sarif(out_stream *os, const pc_report *const *reports,
		       size_t count, const pc_output_options *options)
{
	static const pc_output_options none;
	sarif s;
	print *prints = NULL;
	size_t i, j, k;
	int rc;

	if (!options)
		options = &none;
	memset(&s, 0, sizeof s);
	sb_init(&s.tmp);
	ci_sources_init(&s.sources);
	s.w.b = &os->buf;
	s.options = options;
	rc = ci_rules_build(&s.rules, reports, count, false);
	if (rc < 0)
		goto out;
	rc = ci_paths_init(&s.paths, options->root);
	if (rc < 0)
		goto out;
	rc = fingerprints(&s, reports, count, &prints);
	if (rc < 0)
		goto out;

	jw_open(&s.w, NULL, '{');
	jw_str(&s.w, "$schema", SARIF_SCHEMA);
	jw_str(&s.w, "version", "2.1.0");
	jw_open(&s.w, "runs", '[');
	jw_open(&s.w, NULL, '{');

	jw_open(&s.w, "tool", '{');
	jw_open(&s.w, "driver", '{');
	jw_str(&s.w, "name", "plancheck");
	jw_str(&s.w, "version", pc_version());
	jw_str(&s.w, "semanticVersion", pc_version());
	jw_str(&s.w, "informationUri", PLANCHECK_HOMEPAGE);
	jw_open(&s.w, "rules", '[');
	for (i = 0; i < s.rules.count; i++) {
		put_rule(&s, &s.rules.rules[i]);
		out_flush_if_big(os);
	}
	jw_close(&s.w, ']');
	jw_close(&s.w, '}');
	jw_close(&s.w, '}');

	jw_open(&s.w, "invocations", '[');
	jw_open(&s.w, NULL, '{');
	/* Status 1 means the check ran and found problems: the tool itself
	 * succeeded. Only 2 (could not judge) is a failed execution. */
	jw_bool(&s.w, "executionSuccessful", options->exit_code != 2);
	jw_int(&s.w, "exitCode", options->exit_code);
	jw_close(&s.w, '}');
	jw_close(&s.w, ']');

	if (s.paths.root) {
		jw_open(&s.w, "originalUriBaseIds", '{');
		jw_open(&s.w, SRCROOT, '{');
		ci_reset(&s.tmp);
		sb_puts(&s.tmp, "file://");
		ci_uri_encode(&s.tmp, s.paths.root);
		if (s.paths.root[1])
			sb_putc(&s.tmp, '/');
		jw_str(&s.w, "uri", ci_text(&s.tmp));
		jw_close(&s.w, '}');
		jw_close(&s.w, '}');
	}
	/* Columns come from the YAML reader, which counts characters. */
	jw_str(&s.w, "columnKind", "unicodeCodePoints");

	jw_open(&s.w, "results", '[');
	for (i = 0, k = 0; i < count; i++) {
		size_t n = pc_report_finding_count(reports[i]);

		for (j = 0; j < n; j++, k++) {
			put_result(&s, reports[i],
				   pc_report_finding(reports[i], j), &prints[k]);
			out_flush_if_big(os);
		}
	}
	jw_close(&s.w, ']');
	put_run_properties(&s, reports, count);

	jw_close(&s.w, '}');
	jw_close(&s.w, ']');
	jw_close(&s.w, '}');
	sb_putc(&os->buf, '\n');
	rc = s.tmp.failed ? PC_ENOMEM : 0;
out:
	pc_free(prints);
	ci_rules_free(&s.rules);
	ci_paths_free(&s.paths);
	ci_sources_free(&s.sources);
	sb_free(&s.tmp);
	return rc;
}

int out_sarif_write(FILE *out, const pc_report *const *reports, size_t count,
		    const pc_output_options *options)
{
	out_stream os;
	int rc, status;

	out_stream_init(&os, out);
	rc = write_sarif(&os, reports, count, options);
	status = out_stream_finish(&os);
	return rc < 0 ? rc : status;
}
