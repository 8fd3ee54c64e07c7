/* test_out.c - the text and JSON outputs (out_text.c, out_json.c) and
 * pc_write's dispatch (output.c).
 *
 * Most tests build a report by hand, so they can hold what no loader lets
 * through (control characters, invalid UTF-8) and pin one property at a
 * time; the last ones check a real plan file end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plancheck.h"
#include "findings.h"
#include "model.h"
#include "output.h"
#include "alloc.h"

#define DATA TESTDATA_DIR "/out/"

typedef struct fixture {
	pc_plan plan;
	pc_report report;
	pc_finding findings[4];
	pc_lagging lagging[2];
	pc_finding *finding_at[4];  /* the report's order of them */
	pc_lagging *lagging_at[2];
	pc_waiver_info waiver;
	pc_location related[2];
	char dir[64];             /* scratch directory for source files */
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	pc_date d;
	size_t i;

	assert_non_null(fx);
	fx->plan.file = "plan.yaml";
	fx->plan.id = "test-plan";
	fx->report.plan = &fx->plan;
	assert_int_equal(pc_date_parse("2020-06-29", 10, &d), 0);
	fx->report.as_of = d;
	for (i = 0; i < 4; i++)
		fx->finding_at[i] = &fx->findings[i];
	for (i = 0; i < 2; i++)
		fx->lagging_at[i] = &fx->lagging[i];
	fx->report.findings = fx->finding_at;
	fx->report.lagging = fx->lagging_at;
	strcpy(fx->dir, "/tmp/test_out.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	/* The directory is mkdtemp's, a name without quotes or input.
	 * NOLINTNEXTLINE(cert-env33-c) */
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static pc_finding *add_finding(fixture *fx, const char *rule_id, pc_severity sev,
			       const char *message, const char *file,
			       unsigned line, unsigned column)
{
	pc_finding *f = &fx->findings[fx->report.nfindings++];

	memset(f, 0, sizeof *f);
	f->rule = rule_id;
	f->severity = sev;
	f->message = message;
	f->basis = "";
	f->location.file = file;
	f->location.line = line;
	f->location.column = column;
	f->target_type = PC_TARGET_UNIT;
	f->target_id = "U1";
	return f;
}

/* Write the fixture's report in format; the text is returned (malloc'd,
 * NUL-terminated) and the status in *rc. */
static char *render(fixture *fx, pc_format format, bool color, bool quiet,
		    int *rc)
{
	const pc_report *reps[1] = { &fx->report };
	pc_output_options opts;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	memset(&opts, 0, sizeof opts);
	opts.color = color;
	opts.quiet = quiet;
	*rc = pc_write(f, format, reps, 1, &opts);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* ---- JSON ---- */

static void json_escapes_quotes_and_controls(void **state)
{
	fixture *fx = *state;
	char *out;
	int rc;

	add_finding(fx, "r1", PC_SEV_ERROR,
		    "say \"hi\" \\ back\nnext\ttab\x01\x1f\x7f", "plan.yaml", 3, 5);
	out = render(fx, PC_FORMAT_JSON, false, false, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"message\": \"say \\\"hi\\\" \\\\ back\\n"
				    "next\\ttab\\u0001\\u001f\x7f\",\n"));
	free(out);
}

static void json_keeps_utf8_and_replaces_invalid(void **state)
{
	fixture *fx = *state;
	char *out;
	int rc;

	/* a stray continuation byte, a truncated sequence, an overlong
	 * slash, a UTF-16 surrogate, then valid Vietnamese */
	add_finding(fx, "r1", PC_SEV_ERROR,
		    "a\x80" "b\xc3" "c\xc0\xaf" "d\xed\xa0\x80" "e Đức Hòa",
		    "plan.yaml", 3, 5);
	out = render(fx, PC_FORMAT_JSON, false, false, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"message\": \"a\xef\xbf\xbd" "b\xef\xbf\xbd"
				    "c\xef\xbf\xbd\xef\xbf\xbd"
				    "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				    "e Đức Hòa\""));
	assert_null(strstr(out, "\\u00"));   /* no \u escapes for text */
	free(out);
}

static void json_whole_object(void **state)
{
	static const char expected[] =
		"{\n"
		"  \"tool\": {\n"
		"    \"name\": \"plancheck\",\n"
		"    \"version\": \"" PLANCHECK_VERSION "\"\n"
		"  },\n"
		"  \"as_of\": \"2020-06-29\",\n"
		"  \"plans\": [\n"
		"    {\n"
		"      \"file\": \"plan.yaml\",\n"
		"      \"id\": \"test-plan\",\n"
		"      \"as_of\": \"2020-06-29\"\n"
		"    }\n"
		"  ],\n"
		"  \"summary\": {\n"
		"    \"error\": 0,\n"
		"    \"warning\": 1,\n"
		"    \"info\": 0,\n"
		"    \"waived\": 1,\n"
		"    \"lagging_units\": 1\n"
		"  },\n"
		"  \"findings\": [\n"
		"    {\n"
		"      \"rule\": \"max-deputies\",\n"
		"      \"severity\": \"error\",\n"
		"      \"message\": \"too many\",\n"
		"      \"basis\": \"NĐ 107/2020\",\n"
		"      \"file\": \"plan.yaml\",\n"
		"      \"line\": 12,\n"
		"      \"column\": 9,\n"
		"      \"target\": {\n"
		"        \"type\": \"unit\",\n"
		"        \"id\": \"U1\"\n"
		"      },\n"
		"      \"related\": [\n"
		"        {\n"
		"          \"file\": \"rules.yaml\",\n"
		"          \"line\": 4,\n"
		"          \"column\": 3\n"
		"        }\n"
		"      ],\n"
		"      \"value\": 4,\n"
		"      \"limit\": 3,\n"
		"      \"waived\": true,\n"
		"      \"waiver\": {\n"
		"        \"reason\": \"QĐ 123\",\n"
		"        \"approved_by\": \"UBND\",\n"
		"        \"expires\": null\n"
		"      }\n"
		"    },\n"
		"    {\n"
		"      \"rule\": \"plan/waiver-expired\",\n"
		"      \"severity\": \"warning\",\n"
		"      \"message\": \"old\",\n"
		"      \"basis\": \"\",\n"
		"      \"file\": \"plan.yaml\",\n"
		"      \"line\": 20,\n"
		"      \"column\": 5,\n"
		"      \"target\": {\n"
		"        \"type\": \"waiver\",\n"
		"        \"id\": \"U1\"\n"
		"      },\n"
		"      \"related\": [],\n"
		"      \"value\": 7,\n"
		"      \"waived\": false\n"
		"    }\n"
		"  ],\n"
		"  \"lagging\": [\n"
		"    {\n"
		"      \"file\": \"plan.yaml\",\n"
		"      \"unit\": \"U1\",\n"
		"      \"task\": \"t1\",\n"
		"      \"due\": \"2019-12-31\",\n"
		"      \"state\": \"overdue\",\n"
		"      \"days\": 181,\n"
		"      \"percent\": 0,\n"
		"      \"expected\": 100\n"
		"    }\n"
		"  ]\n"
		"}\n";
	fixture *fx = *state;
	pc_finding *f;
	pc_lagging *l = &fx->lagging[0];
	char *out;
	int rc;

	f = add_finding(fx, "max-deputies", PC_SEV_ERROR, "too many",
			"plan.yaml", 12, 9);
	f->basis = "NĐ 107/2020";
	fx->related[0].file = "rules.yaml";
	fx->related[0].line = 4;
	fx->related[0].column = 3;
	f->related = fx->related;
	f->related_count = 1;
	f->has_value = f->has_limit = true;
	f->value = 4;
	f->limit = 3;
	f->waived = true;
	fx->waiver.reason = "QĐ 123";
	fx->waiver.approved_by = "UBND";
	fx->waiver.expires = PC_NODATE;
	f->waiver = &fx->waiver;
	f = add_finding(fx, "plan/waiver-expired", PC_SEV_WARNING, "old",
			"plan.yaml", 20, 5);
	f->target_type = PC_TARGET_WAIVER;
	f->has_value = true;      /* a value without a limit */
	f->value = 7;

	l->file = "plan.yaml";
	l->unit = "U1";
	l->task = "t1";
	assert_int_equal(pc_date_parse("2019-12-31", 10, &l->due), 0);
	l->state = PC_LAG_OVERDUE;
	l->days = 181;
	l->expected = 100;
	fx->report.nlagging = 1;

	out = render(fx, PC_FORMAT_JSON, false, false, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, expected);
	free(out);
}

static void json_empty_report(void **state)
{
	fixture *fx = *state;
	char *out;
	int rc;

	out = render(fx, PC_FORMAT_JSON, true, true, &rc);
	assert_int_equal(rc, 0);
	/* colour and quiet mean nothing to JSON */
	assert_non_null(strstr(out, "\"findings\": [],\n  \"lagging\": []\n}\n"));
	assert_null(strchr(out, '\033'));
	free(out);
}

/* ---- text ---- */

static void text_caret_counts_characters(void **state)
{
	fixture *fx = *state;
	char path[128], *out;
	int rc;

	/* line 2: "Đ" and "ứ" are two bytes each, "ệ" three; the finding
	 * is at column 12, the "L" (byte 16) */
	snprintf(path, sizeof path, "%s/src.yaml", fx->dir);
	write_file(path, "a: 1\nĐức: Huyện LA\n\tx: y\n");
	add_finding(fx, "r1", PC_SEV_ERROR, "m", path, 2, 12);
	add_finding(fx, "r2", PC_SEV_WARNING, "tab", path, 3, 2);
	out = render(fx, PC_FORMAT_TEXT, false, true, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, ":2:12: error: m [r1]\n"
				    "  2 | Đức: Huyện LA\n"
				    "    |            ^\n"));
	/* a tab before the column is kept, so the caret lines up */
	assert_non_null(strstr(out, ":3:2: warning: tab [r2]\n"
				    "  3 | \tx: y\n"
				    "    | \t^\n"));
	free(out);
}

static void text_excerpt_edges(void **state)
{
	fixture *fx = *state;
	char path[128], *out;
	int rc;

	/* CRLF line ends, a last line without a newline, a column past the
	 * end of its line, a line past the end of the file, no file */
	snprintf(path, sizeof path, "%s/crlf.yaml", fx->dir);
	write_file(path, "one\r\nlast");
	add_finding(fx, "r1", PC_SEV_INFO, "a", path, 1, 6);
	add_finding(fx, "r2", PC_SEV_INFO, "b", path, 2, 1);
	add_finding(fx, "r3", PC_SEV_INFO, "c", path, 9, 1);
	add_finding(fx, "r4", PC_SEV_INFO, "d", "/nonexistent/x.yaml", 1, 1);
	out = render(fx, PC_FORMAT_TEXT, false, true, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, ":1:6: info: a [r1]\n"
				    "  1 | one\n"
				    "    |      ^\n"));
	assert_non_null(strstr(out, ":2:1: info: b [r2]\n"
				    "  2 | last\n"
				    "    | ^\n"));
	assert_non_null(strstr(out, ":9:1: info: c [r3]\n"
				    "/nonexistent/x.yaml:1:1: info: d [r4]\n"));
	assert_null(strchr(out, '\r'));
	free(out);
}

static void text_colour_on_and_off(void **state)
{
	fixture *fx = *state;
	char *plain, *coloured;
	int rc;

	add_finding(fx, "r1", PC_SEV_ERROR, "e", "plan.yaml", 1, 1);
	add_finding(fx, "r2", PC_SEV_WARNING, "w", "plan.yaml", 2, 1);
	plain = render(fx, PC_FORMAT_TEXT, false, false, &rc);
	assert_int_equal(rc, 0);
	coloured = render(fx, PC_FORMAT_TEXT, true, false, &rc);
	assert_int_equal(rc, 0);
	assert_null(strchr(plain, '\033'));
	assert_non_null(strstr(plain, "plan.yaml:1:1: error: e [r1]\n"));
	assert_non_null(strstr(coloured, "plan.yaml:1:1: \033[1;31merror\033[0m: "
					 "e [\033[36mr1\033[0m]\n"));
	assert_non_null(strstr(coloured, "\033[1;35mwarning\033[0m"));
	/* the summary stays plain either way */
	assert_non_null(strstr(coloured, "\nsummary: 1 error, 1 warning, 0 info, "
					 "0 waived, 0 lagging units\n"));
	free(plain);
	free(coloured);
}

static void text_cleans_messages(void **state)
{
	fixture *fx = *state;
	char *out;
	int rc;

	/* a newline, an escape sequence, a C1 control and a bad byte
	 * from a name must not reach the terminal as such */
	add_finding(fx, "r1", PC_SEV_ERROR, "a\nb\033[2Jc\xc2\x9b" "d\xff",
		    "plan.yaml", 1, 1);
	out = render(fx, PC_FORMAT_TEXT, false, true, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "plan.yaml:1:1: error: a\xef\xbf\xbd" "b"
			    "\xef\xbf\xbd[2Jc\xef\xbf\xbd" "d\xef\xbf\xbd [r1]\n");
	free(out);
}

static void text_waived_related_basis(void **state)
{
	fixture *fx = *state;
	pc_finding *f;
	char *out;
	int rc;

	f = add_finding(fx, "cap", PC_SEV_ERROR, "over", "plan.yaml", 0, 0);
	f->basis = "Nghị định 107";
	fx->related[0].file = "rules.yaml";
	fx->related[0].line = 7;
	fx->related[0].column = 0;
	f->related = fx->related;
	f->related_count = 1;
	f->waived = true;
	fx->waiver.reason = "QĐ 123";
	fx->waiver.approved_by = "UBND tỉnh";
	assert_int_equal(pc_date_parse("2020-12-31", 10, &fx->waiver.expires), 0);
	f->waiver = &fx->waiver;
	out = render(fx, PC_FORMAT_TEXT, false, false, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
		"plan.yaml: error (waived): over [cap]\n"
		"  related: rules.yaml:7\n"
		"  basis: Nghị định 107\n"
		"  waived: QĐ 123 — approved by UBND tỉnh, expires 2020-12-31\n"
		"\n"
		"summary: 0 errors, 0 warnings, 0 info, 1 waived, 0 lagging units\n");
	free(out);
}

static void text_lagging_table(void **state)
{
	fixture *fx = *state;
	char *out;
	int rc;

	fx->lagging[0] = (pc_lagging){ .file = "plan.yaml", .unit = "LA-DH",
		.unit_name = "Huyện Đức Hòa", .task = "t1", .state = PC_LAG_OVERDUE,
		.days = 1, .percent = 40, .expected = 100 };
	fx->lagging[1] = (pc_lagging){ .file = "plan.yaml", .unit = "LA-TAN-AN",
		.unit_name = "TP Tân An", .task = "merge", .state = PC_LAG_BEHIND,
		.percent = 10, .expected = 55 };
	assert_int_equal(pc_date_parse("2020-06-28", 10, &fx->lagging[0].due), 0);
	assert_int_equal(pc_date_parse("2020-12-31", 10, &fx->lagging[1].due), 0);
	fx->report.nlagging = 2;
	out = render(fx, PC_FORMAT_TEXT, false, false, &rc);
	assert_int_equal(rc, 0);
	/* the NAME column is aligned by characters, not bytes */
	assert_string_equal(out,
		"summary: 0 errors, 0 warnings, 0 info, 0 waived, 2 lagging units\n"
		"lagging units:\n"
		"  UNIT       NAME           TASK   STATE    DUE         PROGRESS\n"
		"  LA-DH      Huyện Đức Hòa  t1     overdue  2020-06-28  1 day late, 40% done\n"
		"  LA-TAN-AN  TP Tân An      merge  behind   2020-12-31  10% done, 55% expected\n");
	free(out);
	/* quiet: findings only */
	out = render(fx, PC_FORMAT_TEXT, false, true, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	free(out);
}

/* ---- pc_write ---- */

static void write_reports_errors(void **state)
{
	fixture *fx = *state;
	const pc_report *reps[1] = { &fx->report };
	FILE *full;

	add_finding(fx, "r1", PC_SEV_ERROR, "m", "plan.yaml", 1, 1);
	full = fopen("/dev/full", "w");
	if (full) {
		assert_int_equal(pc_write(full, PC_FORMAT_TEXT, reps, 1, NULL),
				 PC_EIO);
		assert_int_equal(pc_write(full, PC_FORMAT_JSON, reps, 1, NULL),
				 PC_EIO);
		fclose(full);
	}
	assert_int_equal(pc_write(stdout, (pc_format)99, reps, 1, NULL),
			 PC_EUSAGE);
	assert_int_equal(pc_write(NULL, PC_FORMAT_TEXT, reps, 1, NULL),
			 PC_EUSAGE);
	reps[0] = NULL;
	assert_int_equal(pc_write(stdout, PC_FORMAT_TEXT, reps, 1, NULL),
			 PC_EUSAGE);
}

static void format_table(void **state)
{
	pc_format f;

	(void)state;
	assert_int_equal(output_format_parse("text", &f), 0);
	assert_int_equal(f, PC_FORMAT_TEXT);
	assert_int_equal(output_format_parse("json", &f), 0);
	assert_int_equal(f, PC_FORMAT_JSON);
	assert_int_equal(output_format_parse("JSON", &f), -1);
	assert_int_equal(output_format_parse("", &f), -1);
	assert_string_equal(output_format_name_at(0), "text");
	assert_string_equal(output_format_name(PC_FORMAT_JSON), "json");
}

static void output_larger_than_a_chunk(void **state)
{
	fixture *fx = *state;
	const pc_report *reps[1] = { &fx->report };
	static pc_finding many[3000];
	static pc_finding *many_at[3000];
	char *text = NULL;
	size_t len = 0, i, lines = 0;
	FILE *f;

	for (i = 0; i < 3000; i++) {
		many[i] = (pc_finding){ .rule = "r", .severity = PC_SEV_INFO,
			.message = "a message of some length to fill the buffer",
			.basis = "", .location = { "plan.yaml", (unsigned)i + 1, 1 },
			.target_id = "" };
		many_at[i] = &many[i];
	}
	fx->report.findings = many_at;
	fx->report.nfindings = 3000;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(pc_write(f, PC_FORMAT_TEXT, reps, 1, NULL), 0);
	fclose(f);
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 3000 + 2);
	assert_non_null(strstr(text, "plan.yaml:3000:1: info: a message"));
	free(text);
}

/* Every allocation of a text and a JSON write failed in turn: each run
 * ends in PC_ENOMEM or in the very output of the run without faults,
 * never in output silently missing a part (an excerpt, a line). */
static void allocation_failures_are_reported(void **state)
{
	fixture *fx = *state;
	static const pc_format formats[] = { PC_FORMAT_TEXT, PC_FORMAT_JSON };
	char path[128], *want, *got;
	unsigned long n;
	size_t k;
	int rc;

	snprintf(path, sizeof path, "%s/src.yaml", fx->dir);
	write_file(path, "a: 1\nb: 2\n");
	add_finding(fx, "r1", PC_SEV_ERROR, "m", path, 2, 1);
	if (pc_fault_inject(0) < 0)
		skip();
	for (k = 0; k < 2; k++) {
		want = render(fx, formats[k], false, false, &rc);
		assert_int_equal(rc, 0);
		for (n = 1;; n++) {
			pc_fault_inject(n);
			got = render(fx, formats[k], false, false, &rc);
			if (pc_fault_pending() > 0) {
				/* the run made fewer than n allocations */
				pc_fault_inject(0);
				assert_int_equal(rc, 0);
				free(got);
				break;
			}
			if (rc == 0)
				assert_string_equal(got, want);
			else
				assert_int_equal(rc, PC_ENOMEM);
			free(got);
		}
		assert_true(n > 1);
		free(want);
	}
}

/* ---- a real plan ---- */

static void real_plan_excerpt_and_json(void **state)
{
	static const char rules[] =
		"plancheck: rules/1\n"
		"id: t\n"
		"name: t\n"
		"rules:\n"
		"  - id: name-format\n"
		"    kind: pattern\n"
		"    target: units\n"
		"    field: name\n"
		"    matches: '^(Tỉnh|Huyện) '\n"
		"    basis: Luật Tổ chức chính quyền địa phương\n";
	const pc_report *reps[1];
	pc_plan *plan = NULL;
	pc_ruleset *set = NULL;
	pc_report *rep = NULL;
	pc_check_options opts;
	pc_limits limits;
	char *text = NULL, caret[80];
	size_t len = 0;
	FILE *f;

	(void)state;
	pc_limits_default(&limits);
	assert_int_equal(pc_plan_load(DATA "caret.yaml", &limits, &plan, NULL),
			 0);
	assert_int_equal(pc_ruleset_new(&set), 0);
	assert_int_equal(pc_ruleset_load_string(set, "rules.yaml", rules,
						sizeof rules - 1, &limits, NULL),
			 0);
	memset(&opts, 0, sizeof opts);
	opts.as_of = PC_NODATE;
	assert_int_equal(pc_check(plan, set, &opts, &rep, NULL), 0);
	reps[0] = rep;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(pc_write(f, PC_FORMAT_TEXT, reps, 1, NULL), 0);
	fclose(f);
	/* the second unit's mapping starts at column 53, after the
	 * multi-byte "Tỉnh Á" on the same line: 52 spaces, then the caret */
	snprintf(caret, sizeof caret, "    | %52s^\n", "");
	assert_non_null(strstr(text, DATA "caret.yaml:8:53: error: "));
	assert_non_null(strstr(text,
		"  8 |   - {id: LA, name: Tỉnh Á, level: province, units: "
		"[{id: LA-XA, name: Xã Bé, level: commune}]}\n"));
	assert_non_null(strstr(text, caret));
	assert_non_null(strstr(text,
		"  basis: Luật Tổ chức chính quyền địa phương\n"));
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(pc_write(f, PC_FORMAT_JSON, reps, 1, NULL), 0);
	fclose(f);
	assert_non_null(strstr(text, "\"rule\": \"name-format\",\n"));
	assert_non_null(strstr(text, "\"id\": \"LA-XA\"\n"));
	assert_non_null(strstr(text, "\"basis\": \"Luật Tổ chức chính quyền "
				     "địa phương\",\n"));
	free(text);
	pc_report_free(rep);
	pc_ruleset_free(set);
	pc_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(json_escapes_quotes_and_controls,
						setup, teardown),
		cmocka_unit_test_setup_teardown(json_keeps_utf8_and_replaces_invalid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(json_whole_object, setup, teardown),
		cmocka_unit_test_setup_teardown(json_empty_report, setup, teardown),
		cmocka_unit_test_setup_teardown(text_caret_counts_characters,
						setup, teardown),
		cmocka_unit_test_setup_teardown(text_excerpt_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(text_colour_on_and_off, setup,
						teardown),
		cmocka_unit_test_setup_teardown(text_cleans_messages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(text_waived_related_basis, setup,
						teardown),
		cmocka_unit_test_setup_teardown(text_lagging_table, setup, teardown),
		cmocka_unit_test_setup_teardown(write_reports_errors, setup,
						teardown),
		cmocka_unit_test(format_table),
		cmocka_unit_test_setup_teardown(output_larger_than_a_chunk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(allocation_failures_are_reported,
						setup, teardown),
		cmocka_unit_test(real_plan_excerpt_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
