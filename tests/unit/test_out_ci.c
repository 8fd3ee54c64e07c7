/* test_out_ci.c - the CI output formats: SARIF, JUnit XML, GitHub
 * workflow commands, CSV. Escaping in each format, SARIF fingerprints that
 * survive moved lines, waived findings as SARIF suppressions, skipped
 * JUnit cases, relative URIs, byte-identical reruns, and out-of-memory
 * behaviour, all on plans checked from YAML. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "plancheck.h"
#include "out_ci.h"
#include "strbuf.h"

static const char rules_yaml[] =
	"plancheck: rules/1\n"
	"id: ci-pack\n"
	"name: Gói thử\n"
	"rules:\n"
	"  - id: unit-id-format\n"
	"    kind: pattern\n"
	"    severity: warning\n"
	"    description: Unit ids start with LA. Others are flagged.\n"
	"    basis: \"Quy định <thử> & \\\"kiểm\\\"\"\n"
	"    target: units\n"
	"    field: id\n"
	"    matches: '^LA'\n"
	"    message: \"{unit.name}: id không đúng\"\n"
	"  - id: future-rule\n"
	"    kind: pattern\n"
	"    effective: 2030-01-01\n"
	"    target: units\n"
	"    field: id\n"
	"    matches: '^LA'\n";

/* BAD-1's name carries every character some format must escape: markup,
 * quotes, a comma, a percent sign, CR LF and a control character. */
#define PLAN_HEAD \
	"plancheck: plan/1\n" \
	"plan: { id: ci-plan, name: \"Kế hoạch CI\", as_of: 2019-06-30 }\n"
#define PLAN_UNITS \
	"units:\n" \
	"  - id: LA\n" \
	"    name: Tỉnh Long An\n" \
	"    level: province\n" \
	"  - id: BAD-1\n" \
	"    name: \"Huyện <Đức Hòa> & \\\"Bến Lức\\\", " \
	"50%\\r\\nxong\\x01\"\n" \
	"    level: district\n" \
	"    parent: LA\n" \
	"  - id: BAD-2\n" \
	"    name: Huyện Hai\n" \
	"    level: district\n" \
	"    parent: LA\n"
#define PLAN_WAIVERS \
	"waivers:\n" \
	"  - rule: unit-id-format\n" \
	"    target: BAD-2\n" \
	"    reason: \"QĐ 123/QĐ-UBND, tạm giữ\"\n" \
	"    approved_by: UBND tỉnh Long An\n" \
	"  - rule: unit-id-format\n" \
	"    target: LA\n" \
	"    reason: Không dùng đến\n" \
	"    approved_by: UBND tỉnh Long An\n"

static const char plan_yaml[] = PLAN_HEAD PLAN_UNITS PLAN_WAIVERS;

/* The same plan with lines added above the findings: comments, a blank
 * line and a unit that breaks no rule. */
static const char plan_moved_yaml[] =
	PLAN_HEAD
	"# a comment\n"
	"\n"
	"# another comment\n"
	"units:\n"
	"  - id: LA-EXTRA\n"
	"    name: Thêm\n"
	"    level: district\n"
	"  - id: LA\n"
	"    name: Tỉnh Long An\n"
	"    level: province\n"
	"  - id: BAD-1\n"
	"    name: \"Huyện <Đức Hòa> & \\\"Bến Lức\\\", "
	"50%\\r\\nxong\\x01\"\n"
	"    level: district\n"
	"    parent: LA\n"
	"  - id: BAD-2\n"
	"    name: Huyện Hai\n"
	"    level: district\n"
	"    parent: LA\n"
	PLAN_WAIVERS;

typedef struct fx {
	pc_plan *plan;
	pc_ruleset *rules;
	pc_report *rep;
} fx;

static void fx_free(fx *x)
{
	pc_report_free(x->rep);
	pc_ruleset_free(x->rules);
	pc_plan_free(x->plan);
	memset(x, 0, sizeof *x);
}

static void print_errors(pc_errors *errors)
{
	size_t i;

	for (i = 0; i < pc_errors_count(errors); i++) {
		const pc_error *e = pc_errors_get(errors, i);

		fprintf(stderr, "%s:%u:%u: %s\n", e->file ? e->file : "-",
			e->line, e->column, e->message);
	}
}

/* Load and check a plan, from a file when path is given (text is then
 * written there first), else from text under the name `name`. */
static void fx_run(fx *x, const char *name, const char *text,
		   const char *path)
{
	pc_errors *errors = NULL;
	int rc;

	memset(x, 0, sizeof *x);
	if (path) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(text, 1, strlen(text), f),
				 strlen(text));
		assert_int_equal(fclose(f), 0);
		rc = pc_plan_load(path, NULL, &x->plan, &errors);
	} else {
		rc = pc_plan_load_string(name, text, strlen(text), NULL,
					 &x->plan, &errors);
	}
	if (rc)
		print_errors(errors);
	pc_errors_free(errors);
	errors = NULL;
	assert_int_equal(rc, 0);
	assert_int_equal(pc_ruleset_new(&x->rules), 0);
	rc = pc_ruleset_load_string(x->rules, "rules.yaml", rules_yaml,
				    strlen(rules_yaml), NULL, &errors);
	if (rc)
		print_errors(errors);
	pc_errors_free(errors);
	errors = NULL;
	assert_int_equal(rc, 0);
	rc = pc_check(x->plan, x->rules, NULL, &x->rep, &errors);
	pc_errors_free(errors);
	assert_int_equal(rc, 0);
}

/* Write reports in a format into a NUL-terminated heap string. */
static char *render_n(pc_format format, const pc_report *const *reps,
		      size_t n, const pc_output_options *opts, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = pc_write(f, format, reps, n, opts);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *render(pc_format format, const fx *x,
		    const pc_output_options *opts)
{
	const pc_report *reps[1] = { x->rep };
	int rc;
	char *out = render_n(format, reps, 1, opts, &rc);

	assert_int_equal(rc, 0);
	return out;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "missing: %s\n--- in:\n%s\n", needle, hay);
		fail();
	}
}

/* The line of text that contains needle, copied (for line-wise checks). */
static char *line_with(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle), *start, *end;
	char *line;

	if (!p) {
		fprintf(stderr, "missing: %s\n--- in:\n%s\n", needle, hay);
		fail();
		return NULL;    /* not reached: fail() does not return */
	}
	start = p;
	while (start > hay && start[-1] != '\n')
		start--;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	line = malloc((size_t)(end - start) + 1);
	assert_non_null(line);
	memcpy(line, start, (size_t)(end - start));
	line[end - start] = '\0';
	return line;
}

/* ---- GitHub ---- */

static void test_github_escaping(void **state)
{
	fx x;
	char *out, *line;

	(void)state;
	/* ':' and ',' in the file name must be escaped in the property. */
	fx_run(&x, "dir,a:b/plan.yaml", plan_yaml, NULL);
	out = render(PC_FORMAT_GITHUB, &x, NULL);

	line = line_with(out, "title=unit-id-format::Huyện <Đức");
	assert_true(strncmp(line, "::warning file=", 15) == 0);
	assert_contains(line, "file=dir%2Ca%3Ab/plan.yaml,line=");
	assert_contains(line, ",col=");
	assert_contains(line, ",endLine=");
	/* the message keeps ',' and ':' but escapes %, CR and LF */
	assert_contains(line, "::Huyện <Đức Hòa> & \"Bến Lức\", "
			"50%25%0D%0Axong");
	assert_contains(line, ": id không đúng%0Abasis: Quy định <thử>");
	free(line);

	/* waived: a notice, with the reason */
	line = line_with(out, "(waived:");
	assert_true(strncmp(line, "::notice file=", 14) == 0);
	assert_contains(line, "::Huyện Hai: id không đúng (waived: QĐ "
			"123/QĐ-UBND, tạm giữ; approved by UBND tỉnh Long An)");
	free(line);

	/* one command per finding, nothing else */
	assert_int_equal(count_of(out, "\n::"), pc_report_finding_count(x.rep) - 1);
	assert_true(strncmp(out, "::", 2) == 0);
	free(out);
	fx_free(&x);
}

/* ---- CSV ---- */

static void test_csv_quoting(void **state)
{
	static const char header[] = "file,line,column,severity,rule,"
		"target_type,target_id,message,basis,waived\r\n";
	pc_output_options opts;
	fx x;
	char *out, *p;

	(void)state;
	fx_run(&x, "plan.yaml", plan_yaml, NULL);
	out = render(PC_FORMAT_CSV, &x, NULL);
	assert_true(strncmp(out, header, strlen(header)) == 0);
	/* quotes doubled, CR LF kept inside the quoted field */
	assert_contains(out, ",warning,unit-id-format,unit,BAD-1,\"Huyện "
			"<Đức Hòa> & \"\"Bến Lức\"\", 50%\r\nxong\x01: id "
			"không đúng\",\"Quy định <thử> & \"\"kiểm\"\"\",false\r\n");
	assert_contains(out, ",unit,BAD-2,Huyện Hai: id không đúng,"
			"\"Quy định <thử> & \"\"kiểm\"\"\",true\r\n");
	/* every record ends in CRLF: no bare LF outside the quoted field */
	for (p = out; (p = strchr(p, '\n')); p++)
		assert_int_equal(p[-1], '\r');
	free(out);

	memset(&opts, 0, sizeof opts);
	opts.csv_bom = true;
	out = render(PC_FORMAT_CSV, &x, &opts);
	assert_true(strncmp(out, "\xef\xbb\xbf", 3) == 0);
	assert_true(strncmp(out + 3, header, strlen(header)) == 0);
	free(out);
	fx_free(&x);
}

/* ---- JUnit ---- */

static void test_junit_escaping_and_cases(void **state)
{
	fx x;
	char *out, *line;

	(void)state;
	fx_run(&x, "plan.yaml", plan_yaml, NULL);
	out = render(PC_FORMAT_JUNIT, &x, NULL);

	assert_true(strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<testsuites ", 51) == 0);
	line = line_with(out, "<testsuite ");
	assert_contains(line, "name=\"ci-plan\"");
	assert_contains(line, "file=\"plan.yaml\"");
	assert_contains(line, "skipped=\"1\"");
	free(line);

	/* the failing rule: markup escaped, in the text and the attribute;
	 * CR as a reference; the control character replaced */
	assert_contains(out, "<testcase classname=\"ci-pack\" "
			"name=\"unit-id-format\">");
	line = line_with(out, "<failure ");
	assert_contains(line, "type=\"warning\"");
	assert_contains(line, "message=\"Huyện &lt;Đức Hòa&gt; &amp; "
			"&quot;Bến Lức&quot;, 50%&#13;&#10;xong\xef\xbf\xbd: "
			"id không đúng\"");
	free(line);
	assert_contains(out, ">plan.yaml:");
	assert_contains(out, ": Huyện &lt;Đức Hòa&gt; &amp; \"Bến Lức\", "
			"50%&#13;\nxong\xef\xbf\xbd: id không đúng\n</failure>");
	assert_int_equal(count_of(out, "\x01"), 0);

	/* the waived finding does not fail the case; it is shown */
	assert_contains(out, "<system-out>plan.yaml:");
	assert_contains(out, ": Huyện Hai: id không đúng (waived: QĐ "
			"123/QĐ-UBND, tạm giữ; approved by UBND tỉnh Long "
			"An)\n</system-out>");

	/* a rule not yet effective at as-of is skipped */
	assert_contains(out, "<testcase classname=\"ci-pack\" "
			"name=\"future-rule\">\n      <skipped message=\"not "
			"effective before 2030-01-01 (as of 2019-06-30)\"/>");
	/* structural ids are test cases too, passing here */
	assert_contains(out, "<testcase classname=\"plan\" "
			"name=\"plan/unknown-key\"/>");
	/* an info finding does not fail its case either */
	assert_contains(out, "<testcase classname=\"plan\" "
			"name=\"plan/waiver-unused\">\n      <system-out>"
			"plan.yaml:");
	assert_contains(out, " (info)\n</system-out>");
	assert_contains(out, "<testcase classname=\"rules\" "
			"name=\"rules/unknown-ref\"/>");
	assert_int_equal(count_of(out, "<failure "), 1);
	free(out);
	fx_free(&x);
}

/* ---- SARIF ---- */

/* The fingerprints of the results of one rule, in order, joined by
 * spaces; and their start lines the same way. */
static void results_of(const char *sarif, const char *rule, strbuf *prints,
		       strbuf *lines)
{
	char key[128];
	const char *p = sarif;

	snprintf(key, sizeof key, "\"ruleId\": \"%s\"", rule);
	while ((p = strstr(p, key))) {
		const char *fp = strstr(p, "\"plancheck/v1\": \"");
		const char *ln = strstr(p, "\"startLine\": ");

		assert_non_null(fp);
		assert_non_null(ln);
		fp += strlen("\"plancheck/v1\": \"");
		sb_add(prints, fp, strcspn(fp, "\""));
		sb_putc(prints, ' ');
		ln += strlen("\"startLine\": ");
		sb_add(lines, ln, strcspn(ln, ","));
		sb_putc(lines, ' ');
		p += strlen(key);
	}
}

static void test_sarif_fingerprints_survive_moved_lines(void **state)
{
	fx a, b;
	char *out_a, *out_b;
	strbuf prints_a, prints_b, lines_a, lines_b;

	(void)state;
	fx_run(&a, "plan.yaml", plan_yaml, NULL);
	fx_run(&b, "plan.yaml", plan_moved_yaml, NULL);
	out_a = render(PC_FORMAT_SARIF, &a, NULL);
	out_b = render(PC_FORMAT_SARIF, &b, NULL);
	sb_init(&prints_a);
	sb_init(&prints_b);
	sb_init(&lines_a);
	sb_init(&lines_b);
	results_of(out_a, "unit-id-format", &prints_a, &lines_a);
	results_of(out_b, "unit-id-format", &prints_b, &lines_b);

	/* two findings each; the lines moved, the fingerprints did not */
	assert_int_equal(count_of(prints_a.data, " "), 2);
	assert_string_not_equal(lines_a.data, lines_b.data);
	assert_string_equal(prints_a.data, prints_b.data);
	/* and the two findings have different fingerprints */
	assert_true(strncmp(prints_a.data, prints_a.data + 19, 16) != 0);

	sb_free(&prints_a);
	sb_free(&prints_b);
	sb_free(&lines_a);
	sb_free(&lines_b);
	free(out_a);
	free(out_b);
	fx_free(&a);
	fx_free(&b);
}

static void test_sarif_suppressions_and_rules(void **state)
{
	pc_output_options opts;
	fx x;
	char *out, *p;

	(void)state;
	fx_run(&x, "plan.yaml", plan_yaml, NULL);
	memset(&opts, 0, sizeof opts);
	opts.exit_code = 1;
	out = render(PC_FORMAT_SARIF, &x, &opts);

	assert_contains(out, "\"version\": \"2.1.0\"");
	/* the waived finding, and only it, is suppressed */
	assert_int_equal(count_of(out, "\"suppressions\""), 1);
	p = strstr(out, "\"suppressions\"");
	assert_non_null(p);
	assert_contains(p, "\"kind\": \"external\",\n"
			"              \"status\": \"accepted\",\n"
			"              \"justification\": \"QĐ 123/QĐ-UBND, "
			"tạm giữ (approved by UBND tỉnh Long An)\"");
	/* the suppression comes after the BAD-2 result's message */
	assert_true(strstr(out, "Huyện Hai: id không đúng") < p);

	/* rules: the pack's, in order, with the legal basis in the help;
	 * results point at them by index */
	p = strstr(out, "\"rules\": [");
	assert_non_null(p);
	assert_true(strstr(p, "\"id\": \"unit-id-format\"") <
		    strstr(p, "\"id\": \"future-rule\""));
	assert_contains(out, "\"name\": \"UnitIdFormat\"");
	assert_contains(out, "\"text\": \"Unit ids start with LA.\"");
	assert_contains(out, "Legal basis: Quy định <thử> & \\\"kiểm\\\"");
	assert_contains(out, "**Legal basis:** Quy định \\\\<thử\\\\> & "
			"\\\"kiểm\\\"");
	assert_contains(out, "\"level\": \"warning\"");
	assert_contains(out, "\"ruleId\": \"unit-id-format\",\n"
			"          \"ruleIndex\": 0,\n"
			"          \"level\": \"warning\"");
	/* the message escapes what JSON must */
	assert_contains(out, "Huyện <Đức Hòa> & \\\"Bến Lức\\\", 50%\\r\\n"
			"xong\\u0001: id không đúng");
	assert_contains(out, "\"executionSuccessful\": true,\n"
			"          \"exitCode\": 1");
	assert_contains(out, "\"uriBaseId\": \"%SRCROOT%\"");
	assert_contains(out, "\"columnKind\": \"unicodeCodePoints\"");
	free(out);
	fx_free(&x);
}

/* URIs relative to --root, absolute file: URIs outside it, and regions
 * that end where the text at the position ends. */
static void test_sarif_uris_and_regions(void **state)
{
	char dir[] = "/tmp/plancheck-ci-XXXXXX", sub[64], path[96];
	char root_uri[128], *out, *p;
	pc_output_options opts;
	fx x;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/dự án", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof path, "%s/./plan.yaml", sub);
	fx_run(&x, NULL, plan_yaml, path);

	memset(&opts, 0, sizeof opts);
	opts.root = dir;
	out = render(PC_FORMAT_SARIF, &x, &opts);
	assert_contains(out, "\"uri\": \"d%E1%BB%B1%20%C3%A1n/plan.yaml\",\n"
			"                  \"uriBaseId\": \"%SRCROOT%\"");
	snprintf(root_uri, sizeof root_uri, "\"uri\": \"file://%s/\"", dir);
	assert_contains(out, root_uri);
	/* a region covers its node: the finding's endColumn lies past its
	 * startColumn by the length of the text there */
	p = strstr(out, "\"startColumn\": ");
	assert_non_null(p);
	{
		unsigned long start = strtoul(p + 15, NULL, 10);
		const char *e = strstr(p, "\"endColumn\": ");

		assert_non_null(e);
		assert_true(strtoul(e + 13, NULL, 10) > start + 1);
	}
	free(out);

	/* a root the file is not under: absolute URI, no base id */
	opts.root = "/nonexistent-root";
	out = render(PC_FORMAT_SARIF, &x, &opts);
	snprintf(root_uri, sizeof root_uri, "\"uri\": \"file://%s/d%%E1%%BB%%B1"
		 "%%20%%C3%%A1n/plan.yaml\"\n", dir);
	assert_contains(out, root_uri);
	free(out);

	/* the GitHub format uses the same relative path */
	opts.root = dir;
	out = render(PC_FORMAT_GITHUB, &x, &opts);
	assert_contains(out, "file=dự án/plan.yaml,line=");
	free(out);

	fx_free(&x);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

/* ---- all formats ---- */

static const pc_format ci_formats[] = {
	PC_FORMAT_SARIF, PC_FORMAT_JUNIT, PC_FORMAT_GITHUB, PC_FORMAT_CSV
};

static void test_byte_identical_reruns(void **state)
{
	fx a, b;
	size_t i;

	(void)state;
	fx_run(&a, "plan.yaml", plan_yaml, NULL);
	fx_run(&b, "plan-2.yaml", plan_moved_yaml, NULL);
	for (i = 0; i < sizeof ci_formats / sizeof ci_formats[0]; i++) {
		const pc_report *reps[2] = { a.rep, b.rep };
		char *one, *two;
		int rc;

		one = render_n(ci_formats[i], reps, 2, NULL, &rc);
		assert_int_equal(rc, 0);
		two = render_n(ci_formats[i], reps, 2, NULL, &rc);
		assert_int_equal(rc, 0);
		assert_string_equal(one, two);
		/* both plans are in it */
		assert_non_null(strstr(one, "plan-2.yaml"));
		free(one);
		free(two);
	}
	fx_free(&a);
	fx_free(&b);
}

/* A plan without rules or findings: every format still writes a whole,
 * well-formed document. */
static void test_empty_run(void **state)
{
	static const char empty[] = "plancheck: plan/1\n"
		"plan: { id: empty, name: Empty, as_of: 2020-01-01 }\n"
		"units: []\n";
	const pc_report *reps[1];
	pc_plan *plan = NULL;
	pc_ruleset *rules = NULL;
	pc_report *rep = NULL;
	char *out;
	int rc;

	(void)state;
	assert_int_equal(pc_plan_load_string("empty.yaml", empty,
					     strlen(empty), NULL, &plan,
					     NULL), 0);
	assert_int_equal(pc_ruleset_new(&rules), 0);
	assert_int_equal(pc_check(plan, rules, NULL, &rep, NULL), 0);
	assert_int_equal(pc_report_finding_count(rep), 0);
	reps[0] = rep;

	out = render_n(PC_FORMAT_SARIF, reps, 1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_contains(out, "\"rules\": []");
	assert_contains(out, "\"results\": []");
	free(out);
	out = render_n(PC_FORMAT_JUNIT, reps, 1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_contains(out, "failures=\"0\" errors=\"0\" skipped=\"0\"");
	assert_contains(out, "name=\"plan/unknown-key\"/>");
	free(out);
	out = render_n(PC_FORMAT_GITHUB, reps, 1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	free(out);
	out = render_n(PC_FORMAT_CSV, reps, 1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "file,line,column,severity,rule,target_type,"
			    "target_id,message,basis,waived\r\n");
	free(out);
	/* and no plans at all */
	out = render_n(PC_FORMAT_JUNIT, NULL, 0, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_contains(out, "<testsuites name=\"plancheck\" tests=\"0\"");
	free(out);

	pc_report_free(rep);
	pc_ruleset_free(rules);
	pc_plan_free(plan);
}

/* Every allocation a writer makes may fail: the writer then reports
 * PC_ENOMEM and frees what it took (the sanitizer build checks leaks). */
static void test_out_of_memory(void **state)
{
	fx x;
	size_t i;

	(void)state;
	fx_run(&x, "plan.yaml", plan_yaml, NULL);
	if (pc_fault_inject(0) < 0) {
		fx_free(&x);
		skip();
	}
	for (i = 0; i < sizeof ci_formats / sizeof ci_formats[0]; i++) {
		const pc_report *reps[1] = { x.rep };
		unsigned long nth;
		int rc = -1;

		for (nth = 1; nth < 10000 && rc != 0; nth++) {
			char *out;

			pc_fault_inject(nth);
			out = render_n(ci_formats[i], reps, 1, NULL, &rc);
			pc_fault_inject(0);
			free(out);
			assert_true(rc == 0 || rc == PC_ENOMEM);
		}
		assert_int_equal(rc, 0);
		assert_true(nth > 2);
	}
	fx_free(&x);
}

/* ---- helpers ---- */

static void test_uri_encode_and_utf8(void **state)
{
	strbuf b;
	uint32_t cp = 0;

	(void)state;
	sb_init(&b);
	ci_uri_encode(&b, "plans/Đức Hòa#1%.yaml");
	assert_string_equal(b.data,
			    "plans/%C4%90%E1%BB%A9c%20H%C3%B2a%231%25.yaml");
	sb_free(&b);

	assert_int_equal(ci_utf8_len("\xe1\xbb\xa9", &cp), 3);
	assert_int_equal(cp, 0x1ee9);
	assert_int_equal(ci_utf8_len("\xc0\xaf", NULL), 0);      /* overlong */
	assert_int_equal(ci_utf8_len("\xed\xa0\x80", NULL), 0);  /* surrogate */
	assert_int_equal(ci_utf8_len("\xf4\x90\x80\x80", NULL), 0);
	assert_int_equal(ci_utf8_len("\xe1\xbb", NULL), 0);      /* truncated */
}

static void test_relative_paths(void **state)
{
	ci_paths paths;
	strbuf b;

	(void)state;
	assert_int_equal(ci_paths_init(&paths, "/srv/repo/"), 0);
	sb_init(&b);
	assert_true(ci_path_relative(&paths, &b, "/srv/repo/./plans//a.yaml"));
	assert_string_equal(b.data, "plans/a.yaml");
	ci_reset(&b);
	assert_true(ci_path_relative(&paths, &b,
				     "/srv/repo/plans/../rules/r.yaml"));
	assert_string_equal(b.data, "rules/r.yaml");
	ci_reset(&b);
	assert_false(ci_path_relative(&paths, &b, "/srv/repository/a.yaml"));
	assert_string_equal(b.data, "/srv/repository/a.yaml");
	ci_reset(&b);
	assert_false(ci_path_relative(&paths, &b, "/srv/repo/../x.yaml"));
	assert_string_equal(b.data, "/srv/x.yaml");
	sb_free(&b);
	ci_paths_free(&paths);
}

/* Where a region ends: the node's text to the end of its line, less a
 * comment and blanks; in a flow collection, the end of the node. */
static void test_source_extents(void **state)
{
	static const char text[] =
		"plan: { id: p, name: \"a # b, c\" }   # comment\r\n"
		"units: [LA, \"Đức Hòa\", x]\n"
		"  - id: LA-DUC-HOA   \n"
		"    name: 'It''s # here'\n";
	char path[] = "/tmp/plancheck-extent-XXXXXX";
	ci_sources sources;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);

	ci_sources_init(&sources);
	/* the whole flow mapping, not the comment, not the CR */
	assert_int_equal(ci_source_end_column(&sources, path, 1, 7), 34);
	/* a quoted scalar inside it, with '#' and ',' in the quotes */
	assert_int_equal(ci_source_end_column(&sources, path, 1, 22), 32);
	/* flow sequence items, counted in characters */
	assert_int_equal(ci_source_end_column(&sources, path, 2, 9), 11);
	assert_int_equal(ci_source_end_column(&sources, path, 2, 13), 22);
	/* block mapping: to the end of the line less trailing blanks */
	assert_int_equal(ci_source_end_column(&sources, path, 3, 5), 19);
	assert_int_equal(ci_source_end_column(&sources, path, 4, 11), 25);
	/* past the line's end, a missing line, an unreadable file */
	assert_int_equal(ci_source_end_column(&sources, path, 3, 40), 41);
	assert_int_equal(ci_source_end_column(&sources, path, 9, 1), 2);
	assert_int_equal(ci_source_end_column(&sources, "/nonexistent/x.yaml",
					      1, 3), 4);
	ci_sources_free(&sources);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_github_escaping),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_junit_escaping_and_cases),
		cmocka_unit_test(test_sarif_fingerprints_survive_moved_lines),
		cmocka_unit_test(test_sarif_suppressions_and_rules),
		cmocka_unit_test(test_sarif_uris_and_regions),
		cmocka_unit_test(test_byte_identical_reruns),
		cmocka_unit_test(test_empty_run),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_uri_encode_and_utf8),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_source_extents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
