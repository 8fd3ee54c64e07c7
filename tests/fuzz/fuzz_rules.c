/* fuzz_rules.c - fuzz the rule pack loader. */
#include "plancheck.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pc_ruleset *rules = NULL;
	pc_errors *errors = NULL;

	if (pc_ruleset_new(&rules) == 0)
		pc_ruleset_load_string(rules, "fuzz-rules.yaml",
				       (const char *)data, size, NULL, &errors);
	pc_ruleset_free(rules);
	pc_errors_free(errors);
	return 0;
}
