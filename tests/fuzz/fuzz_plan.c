/* fuzz_plan.c - fuzz the plan loader, then check the plan with no rules
 * and write it as JSON, so the loader's findings are exercised too. */
#include "plancheck.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pc_plan *plan = NULL;
	pc_ruleset *rules = NULL;
	pc_report *report = NULL;
	pc_errors *errors = NULL;
	pc_check_options opts = { .as_of = 18262 };  /* 2020-01-01 */
	FILE *null = fopen("/dev/null", "w");

	if (pc_plan_load_string("fuzz.yaml", (const char *)data, size, NULL,
				&plan, &errors) == 0 &&
	    pc_ruleset_new(&rules) == 0 &&
	    pc_check(plan, rules, &opts, &report, NULL) == 0 && null) {
		const pc_report *one = report;
		pc_write(null, PC_FORMAT_JSON, &one, 1, NULL);
	}
	if (null)
		fclose(null);
	pc_report_free(report);
	pc_ruleset_free(rules);
	pc_plan_free(plan);
	pc_errors_free(errors);
	return 0;
}
