/* fuzz_check.c - fuzz a whole check: the input is a plan and a rule pack
 * separated by a line "#--rules--" (without it, the whole input is the
 * plan and a fixed pack is used). Both outputs are written. */
#include "plancheck.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_rules[] =
	"plancheck: rules/1\n"
	"id: fuzz\n"
	"rules:\n"
	"  - {id: t, kind: merged_titles, max_positions: 2,\n"
	"     allow: [{titles: [a, b], within: district, holder: {attrs: {sc: true}}}]}\n"
	"  - {id: d, kind: deadline, task: {matches: '.'}, behind_by: 10, grace_days: 3}\n"
	"  - {id: q, kind: quota, for: {level: division}, measure: {holders: deputy}, max: 3}\n"
	"  - {id: s, kind: quota, for: {level: province}, measure: {staff: quota},\n"
	"     scope: subtree, reduce: {at_least: 10}}\n"
	"  - {id: c, kind: quota, for: {level: commune}, measure: {staff: actual},\n"
	"     max_by: {attr: class, values: {I: 23, II: 21}, default: 19}}\n"
	"  - {id: u, kind: quota, for: {level: district}, measure: {units: {level: commune}},\n"
	"     scope: children, min: 1}\n"
	"  - {id: p, kind: pattern, target: units, field: id, matches: '^[A-Z]'}\n"
	"  - {id: n, kind: pattern, target: people, field: attrs.born, required: true,\n"
	"     matches: '^19'}\n";

static const char separator[] = "\n#--rules--\n";

static const uint8_t *find(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pc_plan *plan = NULL;
	pc_ruleset *rules = NULL;
	pc_report *report = NULL;
	pc_check_options opts = { .as_of = 18262 };  /* 2020-01-01 */
	const uint8_t *sep = find(data, size, separator);
	size_t plan_len = sep ? (size_t)(sep - data) : size;
	const char *rules_text = sep ? (const char *)sep + strlen(separator) : fixed_rules;
	size_t rules_len = sep ? size - plan_len - strlen(separator) : strlen(fixed_rules);
	FILE *null = fopen("/dev/null", "w");

	if (pc_ruleset_new(&rules) == 0 &&
	    pc_ruleset_load_string(rules, "fuzz-rules.yaml", rules_text,
				   rules_len, NULL, NULL) == 0 &&
	    pc_plan_load_string("fuzz.yaml", (const char *)data, plan_len,
				NULL, &plan, NULL) == 0 &&
	    pc_check(plan, rules, &opts, &report, NULL) == 0 && null) {
		const pc_report *one = report;
		pc_output_options o = { .color = true, .quiet = false };
		pc_write(null, PC_FORMAT_JSON, &one, 1, &o);
		pc_write(null, PC_FORMAT_TEXT, &one, 1, &o);
	}
	if (null)
		fclose(null);
	pc_report_free(report);
	pc_ruleset_free(rules);
	pc_plan_free(plan);
	return 0;
}
