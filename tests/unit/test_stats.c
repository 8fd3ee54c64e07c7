/* test_stats.c - plan figures (stats.c), their text and JSON (out_stats.c),
 * the chart primitives (svg.c) and the report writer (out_report.c).
 *
 * The plans are small YAML documents in this file, each built so that
 * every figure has one reason to be what it is: a merged, a dissolved and
 * a new unit, positions with and without baseline slots, a unit with no
 * kind, a person whose second position is in a merged unit, a task done
 * after the as-of date. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plancheck.h"
#include "alloc.h"
#include "stats.h"
#include "svg.h"

static const char small_plan[] =
	"plancheck: plan/1\n"
	"plan:\n"
	"  id: small\n"
	"  name: Kế hoạch nhỏ\n"
	"  as_of: 2020-06-30\n"
	"titles:\n"
	"  - { id: head, name: Trưởng phòng, leadership: head }\n"
	"  - { id: deputy, name: Phó phòng, leadership: deputy }\n"
	"  - { id: secretary, name: Bí thư }\n"
	"  - { id: chair, name: Chủ tịch, leadership: head }\n"
	"people:\n"
	"  - { id: P1, name: An }\n"
	"  - { id: P2, name: Bình }\n"
	"  - { id: P3, name: Cúc }\n"
	"  - { id: P4, name: Dũng }\n"
	"units:\n"
	"  - id: D1\n"
	"    name: Phòng Một\n"
	"    level: division\n"
	"    kind: state\n"
	"    staff: { baseline: 10, quota: 8, actual: 9 }\n"
	"    positions:\n"
	"      - { title: head, holders: [P1] }\n"
	"      - { title: deputy, holders: [P2], slots: 2, baseline: 3 }\n"
	"    progress:\n"
	"      t1: { done: 2020-01-01 }\n"
	"  - id: D2\n"
	"    name: Phòng Hai\n"
	"    level: division\n"
	"    kind: state\n"
	"    status: merged\n"
	"    into: D1\n"
	"    staff: { baseline: 5 }\n"
	"    positions:\n"
	"      - { title: head, holders: [P2] }\n"
	"      - { title: deputy, baseline: 2 }\n"
	"  - id: D3\n"
	"    name: Phòng Ba\n"
	"    level: division\n"
	"    status: dissolved\n"
	"    staff: { baseline: 4, quota: 1, actual: 1 }\n"
	"  - id: D4\n"
	"    name: Phòng Bốn\n"
	"    level: division\n"
	"    kind: state\n"
	"    status: new\n"
	"    staff: { baseline: 7, quota: 6, actual: 6 }\n"
	"    positions:\n"
	"      - { title: head, holders: [P3] }\n"
	"  - id: C1\n"
	"    name: Xã Một\n"
	"    level: commune\n"
	"    positions:\n"
	"      - { title: secretary, holders: [P4] }\n"
	"      - { title: chair, holders: [P4] }\n"
	"    progress:\n"
	"      t1: { done: 2020-07-01 }\n"
	"  - id: C2\n"
	"    name: Xã Hai\n"
	"    level: commune\n"
	"    status: merged\n"
	"    into: C1\n"
	"    positions:\n"
	"      - { title: secretary, holders: [P1] }\n"
	"tasks:\n"
	"  - id: t1\n"
	"    name: Sắp xếp\n"
	"    applies_to: { level: [division, commune] }\n"
	"    due: 2020-12-31\n"
	"  - id: a0\n"
	"    name: Việc khác\n"
	"    applies_to: { level: commune }\n"
	"    due: 2021-12-31\n";

static pc_plan *load(const char *text)
{
	pc_plan *plan = NULL;
	pc_errors *errors = NULL;
	int rc = pc_plan_load_string("plan.yaml", text, strlen(text), NULL,
				     &plan, &errors);

	if (rc != 0 && errors && pc_errors_count(errors))
		fprintf(stderr, "%s\n", pc_errors_get(errors, 0)->message);
	assert_int_equal(rc, 0);
	pc_errors_free(errors);
	return plan;
}

/* The test plans are meant to be clean: a structural finding would mean
 * the figures below test something other than what they say. */
static void assert_no_findings(const pc_plan *plan)
{
	pc_ruleset *set = NULL;
	pc_report *rep = NULL;
	size_t i;

	assert_int_equal(pc_ruleset_new(&set), 0);
	assert_int_equal(pc_check(plan, set, NULL, &rep, NULL), 0);
	for (i = 0; i < pc_report_finding_count(rep); i++)
		fprintf(stderr, "unexpected: %s: %s\n",
			pc_report_finding(rep, i)->rule,
			pc_report_finding(rep, i)->message);
	assert_int_equal(pc_report_finding_count(rep), 0);
	pc_report_free(rep);
	pc_ruleset_free(set);
}

/* Output of a writer into a malloc'ed string. */
static char *capture_stats(const pc_stats *st, int format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(pc_stats_write(f, st, format), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_units_leaders_staff(void **state)
{
	pc_plan *plan = load(small_plan);
	pc_stats *st = NULL;

	(void)state;
	assert_no_findings(plan);
	assert_int_equal(pc_stats_compute(plan, PC_NODATE, &st), 0);

	/* commune: C1 active + C2 merged at start, C1 after; division: D1,
	 * D2 (merged), D3 (dissolved) at start, D1 and D4 (new) after */
	assert_int_equal(st->nunits, 2);
	assert_string_equal(st->units[0].level, "commune");
	assert_int_equal(st->units[0].start, 2);
	assert_int_equal(st->units[0].after, 1);
	assert_string_equal(st->units[1].level, "division");
	assert_int_equal(st->units[1].start, 3);
	assert_int_equal(st->units[1].after, 2);

	/* sorted by level, then deputy before head; secretary has no
	 * leadership and counts nowhere */
	assert_int_equal(st->nleaders, 3);
	assert_string_equal(st->leaders[0].level, "commune");
	assert_int_equal(st->leaders[0].leadership, LEAD_HEAD);
	assert_int_equal(st->leaders[0].start, 1);
	assert_int_equal(st->leaders[0].after, 1);
	/* deputies: baselines 3 (D1) + 2 (D2, no holders) at start; slots 2
	 * (D1) after: the merged unit's positions count only at start */
	assert_string_equal(st->leaders[1].level, "division");
	assert_int_equal(st->leaders[1].leadership, LEAD_DEPUTY);
	assert_int_equal(st->leaders[1].start, 5);
	assert_int_equal(st->leaders[1].after, 2);
	/* heads: D1 + D2 at start (baseline defaults to slots, to holders),
	 * D1 + D4 after (the new unit's only at the end) */
	assert_string_equal(st->leaders[2].level, "division");
	assert_int_equal(st->leaders[2].leadership, LEAD_HEAD);
	assert_int_equal(st->leaders[2].start, 2);
	assert_int_equal(st->leaders[2].after, 2);

	/* staff: "" is D3 alone (dissolved: baseline only); state is D1 + D2
	 * at start, D1 + D4 after; D4's own baseline is not at start */
	assert_int_equal(st->nstaff, 2);
	assert_string_equal(st->staff[0].kind, "");
	assert_int_equal(st->staff[0].baseline, 4);
	assert_int_equal(st->staff[0].quota, 0);
	assert_int_equal(st->staff[0].actual, 0);
	assert_string_equal(st->staff[1].kind, "state");
	assert_int_equal(st->staff[1].baseline, 15);
	assert_int_equal(st->staff[1].quota, 14);
	assert_int_equal(st->staff[1].actual, 15);
	pc_stats_free(st);
	pc_plan_free(plan);
}

static void test_merged_titles_and_tasks(void **state)
{
	pc_plan *plan = load(small_plan);
	pc_stats *st = NULL;
	pc_date later;

	(void)state;
	assert_int_equal(pc_stats_compute(plan, PC_NODATE, &st), 0);
	/* P4 holds secretary and chair in C1; P1's second position is in a
	 * merged unit and P2's in another: neither counts */
	assert_int_equal(st->nmerged, 1);
	assert_int_equal(st->merged[0].ntitles, 2);
	assert_string_equal(st->merged[0].titles[0], "chair");
	assert_string_equal(st->merged[0].titles[1], "secretary");
	assert_int_equal(st->merged[0].people, 1);

	/* tasks in id order; t1 is owed by D1, D4, C1 (not the merged or
	 * dissolved units); C1 finished it the day after as_of */
	assert_int_equal(st->ntasks, 2);
	assert_string_equal(st->tasks[0].task->id, "a0");
	assert_int_equal(st->tasks[0].owing, 1);
	assert_int_equal(st->tasks[0].done, 0);
	assert_string_equal(st->tasks[1].task->id, "t1");
	assert_int_equal(st->tasks[1].owing, 3);
	assert_int_equal(st->tasks[1].done, 1);
	pc_stats_free(st);

	/* --as-of moves the line: on 2020-07-01 C1 is done too */
	assert_int_equal(pc_date_parse("2020-07-01", 10, &later), 0);
	assert_int_equal(pc_stats_compute(plan, later, &st), 0);
	assert_int_equal(st->as_of, later);
	assert_int_equal(st->tasks[1].done, 2);
	pc_stats_free(st);
	pc_plan_free(plan);
}

static void test_same_title_twice_and_unresolved(void **state)
{
	/* One person chairs two communes: a group of one title. A position
	 * naming an unknown title still counts under the id as written. */
	static const char text[] =
		"plancheck: plan/1\n"
		"plan: { id: two, name: Two }\n"
		"titles: [ { id: chair, name: Chủ tịch } ]\n"
		"people: [ { id: P1, name: An }, { id: P2, name: Bình } ]\n"
		"units:\n"
		"  - { id: A, name: A, level: commune, positions: [ { title: chair, holders: [P1] } ] }\n"
		"  - { id: B, name: B, level: commune, positions: [ { title: chair, holders: [P1] } ] }\n"
		"  - { id: C, name: C, level: commune, positions: [ { title: chair, holders: [P2] },\n"
		"                                                  { title: ghost, holders: [P2] } ] }\n";
	pc_plan *plan = load(text);
	pc_stats *st = NULL;

	(void)state;
	assert_int_equal(pc_stats_compute(plan, PC_NODATE, &st), 0);
	assert_int_equal(st->nmerged, 2);
	assert_int_equal(st->merged[0].ntitles, 1);
	assert_string_equal(st->merged[0].titles[0], "chair");
	assert_int_equal(st->merged[0].people, 1);
	assert_int_equal(st->merged[1].ntitles, 2);
	assert_string_equal(st->merged[1].titles[0], "chair");
	assert_string_equal(st->merged[1].titles[1], "ghost");
	/* no leadership anywhere, no staff, no tasks */
	assert_int_equal(st->nleaders, 0);
	assert_int_equal(st->nstaff, 0);
	assert_int_equal(st->ntasks, 0);
	pc_stats_free(st);
	pc_plan_free(plan);
}

/* A position written without a title (a plan/missing-key finding) holds
 * no title: P1 holds one title, so no group; P2 holds two. */
static void test_position_without_title(void **state)
{
	static const char text[] =
		"plancheck: plan/1\n"
		"plan: { id: nt, name: NT }\n"
		"titles: [ { id: a, name: A }, { id: b, name: B } ]\n"
		"people: [ { id: P1 }, { id: P2 } ]\n"
		"units:\n"
		"  - id: U\n"
		"    level: x\n"
		"    positions: [ { holders: [P1, P2] }, { title: a, holders: [P1, P2] },\n"
		"                 { title: b, holders: [P2] } ]\n";
	pc_plan *plan = load(text);
	pc_stats *st = NULL;

	(void)state;
	assert_int_equal(pc_stats_compute(plan, PC_NODATE, &st), 0);
	assert_int_equal(st->nmerged, 1);
	assert_int_equal(st->merged[0].ntitles, 2);
	assert_string_equal(st->merged[0].titles[0], "a");
	assert_string_equal(st->merged[0].titles[1], "b");
	assert_int_equal(st->merged[0].people, 1);
	pc_stats_free(st);
	pc_plan_free(plan);
}

static void test_json_exact(void **state)
{
	static const char want[] =
		"{\n"
		"  \"plan\": \"small\", \"file\": \"plan.yaml\", \"as_of\": \"2020-06-30\",\n"
		"  \"units\": [\n"
		"    { \"level\": \"commune\", \"start\": 2, \"after\": 1, \"reduction\": 1 },\n"
		"    { \"level\": \"division\", \"start\": 3, \"after\": 2, \"reduction\": 1 }\n"
		"  ],\n"
		"  \"leaders\": [\n"
		"    { \"level\": \"commune\", \"leadership\": \"head\", \"start\": 1, \"after\": 1, \"reduction\": 0 },\n"
		"    { \"level\": \"division\", \"leadership\": \"deputy\", \"start\": 5, \"after\": 2, \"reduction\": 3 },\n"
		"    { \"level\": \"division\", \"leadership\": \"head\", \"start\": 2, \"after\": 2, \"reduction\": 0 }\n"
		"  ],\n"
		"  \"staff\": [\n"
		"    { \"kind\": \"\", \"baseline\": 4, \"quota\": 0, \"actual\": 0, \"reduction\": 4 },\n"
		"    { \"kind\": \"state\", \"baseline\": 15, \"quota\": 14, \"actual\": 15, \"reduction\": 1 }\n"
		"  ],\n"
		"  \"merged_titles\": [\n"
		"    { \"titles\": [\"chair\", \"secretary\"], \"people\": 1 }\n"
		"  ],\n"
		"  \"tasks\": [\n"
		"    { \"task\": \"a0\", \"done\": 0, \"owing\": 1 },\n"
		"    { \"task\": \"t1\", \"done\": 1, \"owing\": 3 }\n"
		"  ]\n"
		"}\n";
	pc_plan *plan = load(small_plan);
	pc_stats *st = NULL;
	char *got;

	(void)state;
	assert_int_equal(pc_stats_compute(plan, PC_NODATE, &st), 0);
	got = capture_stats(st, PC_FORMAT_JSON);
	assert_string_equal(got, want);
	free(got);
	assert_int_equal(pc_stats_write(stdout, st, PC_FORMAT_CSV), PC_EUSAGE);
	pc_stats_free(st);
	pc_plan_free(plan);
}

static void test_json_empty_lists(void **state)
{
	static const char text[] =
		"plancheck: plan/1\n"
		"plan: { id: empty, name: \"Trống \\\"rỗng\\\"\", as_of: 2019-01-02 }\n"
		"units: []\n";
	static const char want[] =
		"{\n"
		"  \"plan\": \"empty\", \"file\": \"plan.yaml\", \"as_of\": \"2019-01-02\",\n"
		"  \"units\": [],\n"
		"  \"leaders\": [],\n"
		"  \"staff\": [],\n"
		"  \"merged_titles\": [],\n"
		"  \"tasks\": []\n"
		"}\n";
	pc_plan *plan = load(text);
	pc_stats *st = NULL;
	char *got;

	(void)state;
	assert_int_equal(pc_stats_compute(plan, PC_NODATE, &st), 0);
	got = capture_stats(st, PC_FORMAT_JSON);
	assert_string_equal(got, want);
	free(got);
	got = capture_stats(st, PC_FORMAT_TEXT);
	assert_non_null(strstr(got, "Units (per level)\n  (none)\n"));
	free(got);
	pc_stats_free(st);
	pc_plan_free(plan);
}

static void test_text_tables(void **state)
{
	static const char text[] =
		"plancheck: plan/1\n"
		"plan: { id: big, name: Big, as_of: 2020-01-01 }\n"
		"units:\n"
		"  - { id: S1, name: Trường, level: public-service, kind: public-service,\n"
		"      staff: { baseline: 30086, quota: 29062, actual: 28731 } }\n"
		"  - { id: S2, name: Bệnh viện, level: public-service, kind: public-service,\n"
		"      status: merged, into: S1, staff: { baseline: 999 } }\n";
	static const char want[] =
		"Figures of plan big (plan.yaml) as of 2020-01-01\n"
		"\n"
		"Units (per level)\n"
		"  level           start  after  reduction\n"
		"  public-service      2      1          1\n"
		"\n"
		"Leaders (heads and deputies, per level)\n"
		"  (none)\n"
		"\n"
		"Staff (per unit kind)\n"
		"  kind            baseline   quota  actual  reduction\n"
		"  public-service    31,085  29,062  28,731      2,023\n"
		"\n"
		"Merged titles (people holding two or more positions)\n"
		"  (none)\n"
		"\n"
		"Tasks (units done by the as-of date)\n"
		"  (none)\n";
	pc_plan *plan = load(text);
	pc_stats *st = NULL;
	char *got;

	(void)state;
	assert_int_equal(pc_stats_compute(plan, PC_NODATE, &st), 0);
	got = capture_stats(st, PC_FORMAT_TEXT);
	assert_string_equal(got, want);
	free(got);
	pc_stats_free(st);
	pc_plan_free(plan);
}

static void test_put_count(void **state)
{
	static const struct { int64_t n; const char *text; } cases[] = {
		{ 0, "0" }, { 7, "7" }, { 999, "999" }, { 1000, "1,000" },
		{ 1024, "1,024" }, { -1024, "-1,024" }, { 100000, "100,000" },
		{ 1234567, "1,234,567" },
		{ INT64_MIN, "-9,223,372,036,854,775,808" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strbuf b;

		sb_init(&b);
		stats_put_count(&b, cases[i].n);
		assert_false(b.failed);
		assert_string_equal(b.data, cases[i].text);
		sb_free(&b);
	}
}

static void test_svg_escape_and_shorten(void **state)
{
	strbuf b;

	(void)state;
	sb_init(&b);
	svg_escape(&b, "a<b>&\"c'\x01\xff Đức Hòa");
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&#39;"
			    "\xef\xbf\xbd\xef\xbf\xbd Đức Hòa");
	sb_free(&b);

	/* shortened by code points, never inside a character */
	sb_init(&b);
	svg_shorten(&b, "Huyện Đức Hòa", 8);
	assert_string_equal(b.data, "Huyện Đ\xe2\x80\xa6");
	sb_free(&b);
	sb_init(&b);
	svg_shorten(&b, "Đức Hòa", 7);
	assert_string_equal(b.data, "Đức Hòa");
	sb_free(&b);

	sb_init(&b);
	svg_clean(&b, "x<&\x02y");
	assert_string_equal(b.data, "x<&\xef\xbf\xbdy");
	sb_free(&b);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void test_svg_charts(void **state)
{
	static const svg_series series[2] = {
		{ "done", "#2e7d32", "done" }, { "overdue", "#c62828", "overdue" }
	};
	svg_bar bars[3];
	svg_bars chart;
	svg_limit_row rows[2];
	svg_limits lim;
	strbuf b;

	(void)state;
	memset(bars, 0, sizeof bars);
	bars[0].label = "Huyện <Đức Hòa>";
	bars[0].value[0] = 3;
	bars[0].value[1] = 1;
	bars[1].label = "empty";
	bars[2].label = "others (9 units)";
	bars[2].value[1] = 2;
	bars[2].aggregate = true;
	memset(&chart, 0, sizeof chart);
	chart.id = "c1";
	chart.title = "Completion & more";
	chart.axis = "share";
	chart.series = series;
	chart.nseries = 2;
	chart.bars = bars;
	chart.nbars = 3;
	chart.percent = true;
	sb_init(&b);
	svg_bar_chart(&b, &chart);
	assert_false(b.failed);
	assert_non_null(strstr(b.data, "<svg xmlns=\"http://www.w3.org/2000/svg\""
			       " class=\"chart\" id=\"c1\""));
	assert_non_null(strstr(b.data, "aria-label=\"Completion &amp; more\""));
	assert_non_null(strstr(b.data, ">Huyện &lt;Đức Hòa&gt;</text>"));
	/* three bar segments (3 done + 1 overdue, none, 2 overdue) */
	assert_int_equal(count_of(b.data, "<rect class=\"done\""), 1);
	assert_int_equal(count_of(b.data, "<rect class=\"overdue\""), 2);
	/* a full bar spans the plot: 250 .. 690 */
	assert_non_null(strstr(b.data, "<rect class=\"done\" x=\"250\" y=\"36\""
			       " width=\"330\""));
	assert_non_null(strstr(b.data, "<rect class=\"overdue\" x=\"580\" y=\"36\""
			       " width=\"110\""));
	assert_non_null(strstr(b.data, ">100 %</text>"));
	assert_non_null(strstr(b.data, "font-style=\"italic\""));
	assert_non_null(strstr(b.data, "</svg>\n"));
	sb_free(&b);

	/* counts: ticks at round numbers up to the largest total */
	chart.percent = false;
	bars[0].value[0] = 1020;
	sb_init(&b);
	svg_bar_chart(&b, &chart);
	assert_non_null(strstr(b.data, ">1,500</text>"));
	assert_null(strstr(b.data, " %</text>"));
	sb_free(&b);

	memset(rows, 0, sizeof rows);
	rows[0].label = "Sở Y tế";
	rows[0].value = 4;
	rows[0].limit = 3;
	rows[1].label = "Phòng";
	rows[1].value = 4;
	rows[1].limit = 5;
	rows[1].waived = true;
	memset(&lim, 0, sizeof lim);
	lim.id = "q";
	lim.title = "Quota";
	lim.axis = "slots";
	lim.rows = rows;
	lim.nrows = 2;
	sb_init(&b);
	svg_limit_chart(&b, &lim);
	assert_int_equal(count_of(b.data, "<rect class=\"over\""), 1);
	assert_int_equal(count_of(b.data, "<rect class=\"waived\""), 1);
	assert_int_equal(count_of(b.data, "<line class=\"limit\""), 2);
	assert_non_null(strstr(b.data, ">4 (limit 3)</text>"));
	assert_non_null(strstr(b.data, ">over the limit</text>"));
	assert_null(strstr(b.data, ">under the limit</text>"));
	sb_free(&b);
}

static const char report_plan[] =
	"plancheck: plan/1\n"
	"plan:\n"
	"  id: rp\n"
	"  name: Đề án <thử> & kiểm tra\n"
	"  authority: UBND tỉnh\n"
	"  start: 2020-01-01\n"
	"  end: 2021-12-31\n"
	"  as_of: 2020-06-30\n"
	"titles:\n"
	"  - { id: deputy, name: Phó phòng, leadership: deputy }\n"
	"units:\n"
	"  - id: D1\n"
	"    name: Phòng Một\n"
	"    level: division\n"
	"    positions: [ { title: deputy, slots: 3 } ]\n"
	"    progress: { t1: { percent: 10 } }\n"
	"  - id: D2\n"
	"    name: Phòng Hai\n"
	"    level: division\n"
	"    positions: [ { title: deputy, slots: 2 } ]\n"
	"    progress: { t1: { done: 2020-02-01 } }\n"
	"  - id: D3\n"
	"    name: Phòng Ba\n"
	"    level: division\n"
	"tasks:\n"
	"  - { id: t1, name: Việc một, applies_to: { level: division },\n"
	"      start: 2020-01-01, due: 2020-03-31 }\n"
	"waivers:\n"
	"  - { rule: max-deputies, target: D2, reason: \"QĐ <123> & co\",\n"
	"      approved_by: Giám đốc, expires: 2020-12-31 }\n"
	"  - { rule: max-deputies, target: D3, reason: Không dùng,\n"
	"      approved_by: Giám đốc }\n";

static const char report_rules[] =
	"plancheck: rules/1\n"
	"id: pack\n"
	"name: Gói thử\n"
	"rules:\n"
	"  - id: max-deputies\n"
	"    kind: quota\n"
	"    basis: \"Nghị định 107/2020/NĐ-CP; Nghị quyết 18-NQ/TW\"\n"
	"    for: { level: division }\n"
	"    measure: { positions: deputy }\n"
	"    max: 1\n"
	"  - id: t1-deadline\n"
	"    kind: deadline\n"
	"    basis: Nghị quyết 18-NQ/TW\n"
	"    task: t1\n";

typedef struct report_run {
	pc_plan *plan;
	pc_ruleset *rules;
	pc_report *report;
} report_run;

static void report_setup(report_run *r)
{
	r->plan = load(report_plan);
	assert_int_equal(pc_ruleset_new(&r->rules), 0);
	assert_int_equal(pc_ruleset_load_string(r->rules, "rules.yaml",
						report_rules,
						strlen(report_rules), NULL,
						NULL), 0);
	assert_int_equal(pc_check(r->plan, r->rules, NULL, &r->report, NULL), 0);
}

static void report_teardown(report_run *r)
{
	pc_report_free(r->report);
	pc_ruleset_free(r->rules);
	pc_plan_free(r->plan);
}

/* The report into a string; rc is the writer's return. */
static char *capture_report(const pc_report *rep, const pc_stats *st,
			    int format, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = pc_report_write(f, rep, st, format, "plancheck test");
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_report_markdown(void **state)
{
	report_run r;
	char *md;
	int rc;

	(void)state;
	report_setup(&r);
	md = capture_report(r.report, NULL, PC_DOC_MARKDOWN, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(md, "# Compliance report: Đề án &lt;thử&gt; &amp; "
			       "kiểm tra\n"));
	assert_non_null(strstr(md, "- **Produced by:** plancheck test"));
	assert_non_null(strstr(md, "- **Period:** 2020-01-01 to 2021-12-31\n"));
	/* the pack's legal bases, each text once */
	assert_non_null(strstr(md, "| pack | Gói thử | rules.yaml | 2 | Nghị định "
			       "107/2020/NĐ-CP; Nghị quyết 18-NQ/TW |\n"));
	/* D1 (3 slots) is found, D2 (2 slots) is found and waived */
	assert_non_null(strstr(md, "| max-deputies | quota | error | ran | 1 | 1 |"));
	assert_non_null(strstr(md, "waived: QĐ &lt;123&gt; &amp; co; approved by "
			       "Giám đốc; expires 2020-12-31, in force"));
	/* the lagging unit, with its days late */
	assert_non_null(strstr(md, "| D1 | Phòng Một | overdue | 2020-03-31 | 91 "
			       "| 10 | 100 | t1-deadline |\n"));
	assert_non_null(strstr(md, "| max-deputies | D3 | Không dùng | Giám đốc | "
			       "never | unused: matched no finding |"));
	/* no charts in Markdown */
	assert_null(strstr(md, "<svg"));
	free(md);
	report_teardown(&r);
}

static void test_report_html(void **state)
{
	report_run r;
	pc_stats *st = NULL;
	char *html, *again;
	int rc;

	(void)state;
	report_setup(&r);
	assert_int_equal(pc_stats_compute(r.plan, PC_NODATE, &st), 0);
	html = capture_report(r.report, st, PC_DOC_HTML, &rc);
	assert_int_equal(rc, 0);
	assert_memory_equal(html, "<!DOCTYPE html>\n<html lang=\"en\">", 31);
	assert_non_null(strstr(html, "<title>Compliance report: Đề án &lt;thử&gt; "
			       "&amp; kiểm tra</title>"));
	assert_non_null(strstr(html, "@media print{"));
	assert_non_null(strstr(html, "@page{size:A4"));
	assert_non_null(strstr(html, "id=\"chart-severity\""));
	assert_non_null(strstr(html, "id=\"chart-tasks\""));
	assert_non_null(strstr(html, "id=\"chart-units\""));
	assert_non_null(strstr(html, "id=\"chart-quota-max-deputies\""));
	/* self-contained: nothing to fetch, nothing to run */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_int_equal(count_of(html, "http"),
			 count_of(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	/* the same inputs, the same bytes */
	again = capture_report(r.report, st, PC_DOC_HTML, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(html, again);
	free(again);
	free(html);
	assert_int_equal(pc_report_write(stdout, r.report, st, 7, NULL),
			 PC_EUSAGE);
	pc_stats_free(st);
	report_teardown(&r);
}

/* Fail each allocation in turn: every run ends in success with the same
 * output, or in PC_ENOMEM, never in a crash or a leak (under ASan). */
static void test_allocation_failures(void **state)
{
	report_run r;
	pc_stats *st = NULL;
	char *want[3], *got;
	unsigned long n;
	int rc, i;

	(void)state;
	if (pc_fault_inject(0) < 0)
		skip();
	report_setup(&r);
	assert_int_equal(pc_stats_compute(r.plan, PC_NODATE, &st), 0);
	want[0] = capture_stats(st, PC_FORMAT_TEXT);
	want[1] = capture_report(r.report, st, PC_DOC_HTML, &rc);
	want[2] = capture_report(r.report, st, PC_DOC_MARKDOWN, &rc);
	pc_stats_free(st);

	for (n = 1; n < 100000; n++) {
		bool fired;
		char *buf = NULL;
		size_t len = 0;
		FILE *f;

		st = NULL;
		pc_fault_inject(n);
		rc = pc_stats_compute(r.plan, PC_NODATE, &st);
		if (rc == 0) {
			for (i = 0; i < 3 && rc == 0; i++) {
				f = open_memstream(&buf, &len);
				assert_non_null(f);
				rc = i == 0 ? pc_stats_write(f, st, PC_FORMAT_TEXT) :
				     pc_report_write(f, r.report, st, i == 1 ?
						     PC_DOC_HTML : PC_DOC_MARKDOWN,
						     "plancheck test");
				assert_int_equal(fclose(f), 0);
				got = buf;
				buf = NULL;
				if (rc == 0)
					assert_string_equal(got, want[i]);
				free(got);
			}
		}
		fired = pc_fault_pending() == 0;
		pc_fault_inject(0);
		if (rc != 0)
			assert_int_equal(rc, PC_ENOMEM);
		pc_stats_free(st);
		if (!fired) {
			assert_int_equal(rc, 0);
			break;
		}
	}
	assert_true(n > 1);
	for (i = 0; i < 3; i++)
		free(want[i]);
	report_teardown(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_leaders_staff),
		cmocka_unit_test(test_merged_titles_and_tasks),
		cmocka_unit_test(test_same_title_twice_and_unresolved),
		cmocka_unit_test(test_position_without_title),
		cmocka_unit_test(test_json_exact),
		cmocka_unit_test(test_json_empty_lists),
		cmocka_unit_test(test_text_tables),
		cmocka_unit_test(test_put_count),
		cmocka_unit_test(test_svg_escape_and_shorten),
		cmocka_unit_test(test_svg_charts),
		cmocka_unit_test(test_report_markdown),
		cmocka_unit_test(test_report_html),
		cmocka_unit_test(test_allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
