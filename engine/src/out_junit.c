/* out_junit.c - JUnit XML, as Jenkins and GitLab read test reports.
 *
 * One <testsuite> per plan, one <testcase> per rule of its rule set and
 * per structural id (plan/..., rules/...). A test case fails when its rule
 * found an error or a warning that is not waived; the failure text lists
 * those findings as file:line: message. Waived findings and infos (a task
 * done late, an unused waiver) do not fail a test: they are listed in the
 * case's <system-out>, marked "(waived: reason)" or "(info)". A rule that
 * did not run (not yet effective at the as-of date, or left out by
 * --only/--skip) is <skipped/>. No times or timestamps: the same inputs
 * give the same bytes. The shape follows the xUnit plugin's junit-10.xsd. */
#include "out_ci.h"
#include "alloc.h"

#include <string.h>

/* Append s with XML's special characters escaped. Characters XML 1.0
 * cannot carry (most C0 controls, U+FFFE, U+FFFF) and invalid UTF-8
 * become U+FFFD. In an attribute, tab, LF and CR are written as
 * character references so that attribute normalisation keeps them. */
static void xml_escape(strbuf *b, const char *s, bool attr)
{
	while (*s) {
		uint32_t cp;
		size_t n = ci_utf8_len(s, &cp);

		if (n == 0) {
			sb_puts(b, CI_REPLACEMENT);
			s++;
			continue;
		}
		switch (cp) {
		case '&': sb_puts(b, "&amp;"); break;
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '"':
			sb_puts(b, attr ? "&quot;" : "\"");
			break;
		case '\t':
			sb_puts(b, attr ? "&#9;" : "\t");
			break;
		case '\n':
			sb_puts(b, attr ? "&#10;" : "\n");
			break;
		case '\r': sb_puts(b, "&#13;"); break;
		default:
			if (cp < 0x20 || cp == 0xfffe || cp == 0xffff)
				sb_puts(b, CI_REPLACEMENT);
			else
				sb_add(b, s, n);
			break;
		}
		s += n;
	}
}

static void attr(strbuf *b, const char *name, const char *value)
{
	sb_printf(b, " %s=\"", name);
	xml_escape(b, value ? value : "", true);
	sb_putc(b, '"');
}

static void attr_num(strbuf *b, const char *name, size_t value)
{
	sb_printf(b, " %s=\"%zu\"", name, value);
}

/* One line per finding: file:line: message. */
static void finding_line(strbuf *b, const pc_finding *f)
{
	xml_escape(b, f->location.file ? f->location.file : "", false);
	sb_printf(b, ":%u: ", f->location.line);
	xml_escape(b, f->message ? f->message : "", false);
}

typedef struct suite {
	ci_rules rules;
	const pc_finding **by_rule;   /* findings grouped by catalogue entry */
	size_t *start;                /* group i: by_rule[start[i]..start[i+1]) */
	size_t tests, failures, skipped;
} suite;

static void suite_free(suite *s)
{
	ci_rules_free(&s->rules);
	pc_free(s->by_rule);
	pc_free(s->start);
}

/* Group a report's findings by rule, keeping their order (a counting
 * sort over catalogue positions). */
static int suite_group(suite *s, const pc_report *rep)
{
	size_t n = pc_report_finding_count(rep), i, *fill = NULL;
	int rc = PC_ENOMEM;

	s->start = pc_calloc(s->rules.count + 1, sizeof *s->start);
	fill = pc_calloc(s->rules.count + 1, sizeof *fill);
	if (!s->start || !fill)
		goto out;
	if (n) {
		s->by_rule = pc_calloc(n, sizeof *s->by_rule);
		if (!s->by_rule)
			goto out;
	}
	for (i = 0; i < n; i++) {
		const pc_finding *f = pc_report_finding(rep, i);
		const ci_rule *r = ci_rules_find(&s->rules,
						 f->rule ? f->rule : "");

		/* Every rule id of the report is in its catalogue. */
		if (r)
			s->start[r->order + 1]++;
	}
	for (i = 0; i < s->rules.count; i++)
		s->start[i + 1] += s->start[i];
	memcpy(fill, s->start, (s->rules.count + 1) * sizeof *fill);
	for (i = 0; i < n; i++) {
		const pc_finding *f = pc_report_finding(rep, i);
		const ci_rule *r = ci_rules_find(&s->rules,
						 f->rule ? f->rule : "");

		if (r)
			s->by_rule[fill[r->order]++] = f;
	}
	rc = 0;
out:
	pc_free(fill);
	return rc;
}

/* The class of a test case: the rule's pack, or for the engine's own
 * ids their prefix ("plan", "rules"). */
static void classname(strbuf *b, const ci_rule *r)
{
	const char *slash;

	if (r->in_set) {
		sb_puts(b, r->info.pack_id ? r->info.pack_id : "");
		return;
	}
	slash = strchr(r->id, '/');
	if (slash)
		sb_add(b, r->id, (size_t)(slash - r->id));
	else
		sb_puts(b, "plancheck");
}

/* Whether a loaded rule ran; the engine's own ids always do. */
static int rule_state(const pc_report *rep, const ci_rule *r)
{
	long index;
	int state;

	if (!r->in_set)
		return PC_RULE_RAN;
	index = pc_ruleset_find(pc_report_rules(rep), r->id);
	if (index < 0)
		return PC_RULE_RAN;
	state = pc_report_rule_state(rep, (size_t)index);
	return state < 0 ? PC_RULE_RAN : state;
}

/* Whether a finding fails its test case. */
static bool fails(const pc_finding *f)
{
	return !f->waived && f->severity >= PC_SEV_WARNING;
}

static void put_case(strbuf *b, const pc_report *rep, const suite *s,
		     const ci_rule *r, strbuf *tmp)
{
	size_t n = s->start[r->order + 1] - s->start[r->order], i;
	/* by_rule is NULL when the report has no findings */
	const pc_finding *const *fs = n ? s->by_rule + s->start[r->order]
					: NULL;
	size_t failing = 0, notes = 0;
	pc_severity worst = PC_SEV_WARNING;
	int state = rule_state(rep, r);

	for (i = 0; i < n; i++) {
		if (!fails(fs[i])) {
			notes++;
		} else {
			if (fs[i]->severity > worst)
				worst = fs[i]->severity;
			failing++;
		}
	}
	ci_reset(tmp);
	classname(tmp, r);
	sb_puts(b, "    <testcase");
	attr(b, "classname", ci_text(tmp));
	attr(b, "name", r->id);
	if (n == 0 && state != PC_RULE_RAN) {
		char date[11], as_of[11];

		ci_reset(tmp);
		if (state == PC_RULE_NOT_EFFECTIVE &&
		    r->info.effective != PC_NODATE)
			sb_printf(tmp, "not effective before %s (as of %s)",
				  pc_date_format(r->info.effective, date),
				  pc_date_format(pc_report_as_of(rep), as_of));
		else if (state == PC_RULE_NOT_EFFECTIVE)
			sb_puts(tmp, "not effective at the as-of date");
		else
			sb_puts(tmp, "left out by --only/--skip");
		sb_puts(b, ">\n      <skipped");
		attr(b, "message", ci_text(tmp));
		sb_puts(b, "/>\n    </testcase>\n");
		return;
	}
	if (n == 0) {
		sb_puts(b, "/>\n");
		return;
	}
	sb_puts(b, ">\n");
	if (failing) {
		const pc_finding *first = NULL;

		for (i = 0; i < n && !first; i++)
			if (fails(fs[i]))
				first = fs[i];
		ci_reset(tmp);
		if (failing == 1 && first)
			sb_puts(tmp, first->message ? first->message : "");
		else
			sb_printf(tmp, "%zu findings", failing);
		sb_puts(b, "      <failure");
		attr(b, "message", ci_text(tmp));
		attr(b, "type", pc_severity_name(worst));
		sb_putc(b, '>');
		for (i = 0; i < n; i++) {
			if (!fails(fs[i]))
				continue;
			finding_line(b, fs[i]);
			sb_putc(b, '\n');
		}
		sb_puts(b, "</failure>\n");
	}
	if (notes) {
		sb_puts(b, "      <system-out>");
		for (i = 0; i < n; i++) {
			const pc_waiver_info *wv = fs[i]->waiver;

			if (fails(fs[i]))
				continue;
			finding_line(b, fs[i]);
			if (!fs[i]->waived) {
				sb_puts(b, " (info)\n");
				continue;
			}
			sb_puts(b, " (waived: ");
			xml_escape(b, wv && wv->reason ? wv->reason : "", false);
			if (wv && wv->approved_by && *wv->approved_by) {
				sb_puts(b, "; approved by ");
				xml_escape(b, wv->approved_by, false);
			}
			sb_puts(b, ")\n");
		}
		sb_puts(b, "</system-out>\n");
	}
	sb_puts(b, "    </testcase>\n");
}

/* Prepare a suite: its catalogue, its findings grouped by rule, and the
 * counts its opening tag (and the root's) carries. */
static int suite_prepare(suite *s, const pc_report *rep)
{
	size_t i;
	int rc;

	memset(s, 0, sizeof *s);
	rc = ci_rules_build(&s->rules, &rep, 1, true);
	if (rc < 0)
		return rc;
	rc = suite_group(s, rep);
	if (rc < 0)
		return rc;
	for (i = 0; i < s->rules.count; i++) {
		const ci_rule *r = &s->rules.rules[i];
		size_t j;
		bool failing = false;

		s->tests++;
		for (j = s->start[i]; j < s->start[i + 1]; j++)
			if (fails(s->by_rule[j]))
				failing = true;
		if (failing)
			s->failures++;
		else if (s->start[i] == s->start[i + 1] &&
			 rule_state(rep, r) > PC_RULE_RAN)
			s->skipped++;
	}
	return 0;
}

static void put_suite(out_stream *os, const pc_report *rep, suite *s,
		      strbuf *tmp)
{
	const pc_plan *plan = pc_report_plan(rep);
	const char *id = pc_plan_id(plan);
	strbuf *b = &os->buf;
	char date[11];
	size_t i;

	sb_puts(b, "  <testsuite");
	attr(b, "name", id && *id ? id : pc_plan_file(plan));
	attr_num(b, "tests", s->tests);
	attr_num(b, "failures", s->failures);
	attr_num(b, "errors", 0);
	attr_num(b, "skipped", s->skipped);
	attr(b, "file", pc_plan_file(plan));
	sb_puts(b, ">\n    <properties>\n");
	sb_puts(b, "      <property name=\"plan\"");
	attr(b, "value", pc_plan_name(plan));
	sb_puts(b, "/>\n");
	if (pc_report_as_of(rep) != PC_NODATE) {
		sb_puts(b, "      <property name=\"as_of\"");
		attr(b, "value", pc_date_format(pc_report_as_of(rep), date));
		sb_puts(b, "/>\n");
	}
	sb_puts(b, "    </properties>\n");
	for (i = 0; i < s->rules.count; i++) {
		put_case(b, rep, s, &s->rules.rules[i], tmp);
		out_flush_if_big(os);
	}
	sb_puts(b, "  </testsuite>\n");
}

static int write_junit(out_stream *os, const pc_report *const *reports,
		       size_t count, const pc_output_options *options)
{
	suite *suites = NULL;
	strbuf tmp;
	size_t i, tests = 0, failures = 0;
	int rc = PC_ENOMEM;

	(void)options;
	sb_init(&tmp);
	if (count) {
		suites = pc_calloc(count, sizeof *suites);
		if (!suites)
			goto out;
	}
	for (i = 0; i < count; i++) {
		rc = suite_prepare(&suites[i], reports[i]);
		if (rc < 0)
			goto out;
		tests += suites[i].tests;
		failures += suites[i].failures;
	}
	sb_puts(&os->buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(&os->buf, "<testsuites name=\"plancheck\" tests=\"%zu\" "
		  "failures=\"%zu\" errors=\"0\">\n", tests, failures);
	for (i = 0; i < count; i++)
		put_suite(os, reports[i], &suites[i], &tmp);
	sb_puts(&os->buf, "</testsuites>\n");
	rc = tmp.failed ? PC_ENOMEM : 0;
out:
	for (i = 0; suites && i < count; i++)
		suite_free(&suites[i]);
	pc_free(suites);
	sb_free(&tmp);
	return rc;
}

int out_junit_write(FILE *out, const pc_report *const *reports, size_t count,
		    const pc_output_options *options)
{
	out_stream os;
	int rc, status;

	out_stream_init(&os, out);
	rc = write_junit(&os, reports, count, options);
	status = out_stream_finish(&os);
	return rc < 0 ? rc : status;
}
