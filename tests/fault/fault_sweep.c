/* fault_sweep.c - fail every allocation in turn.
 *
 *   fault_sweep PLAN [RULES...]
 *
 * For N = 1, 2, ... the Nth allocation of loading the plan and its rule
 * packs, checking it and writing text and JSON fails. Every run must end
 * in a clean error (a negative pc_code, with a message when memory allows)
 * or in success; the sanitizers or valgrind catch crashes and leaks. The
 * sweep ends at the first N whose run never reached an Nth allocation. A
 * run that reports success must write exactly what the run without faults
 * wrote: an allocation failure may never be swallowed silently.
 *
 * With PARSE_THREAD=1 in the environment, libyaml parses every input on a
 * thread of its own (pc_limits parse_thread_min 1), whatever its size.
 * An allocation for that thread that fails leaves libyaml on the loading
 * thread (yread.c, pipe_start): the one failure a run absorbs, since the
 * result is the same. libyaml's own allocations on the thread use malloc
 * and are not counted. */
#include "plancheck.h"
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_once(int argc, char **argv, char **text, size_t *len)
{
	FILE *sink;
	pc_plan *plan = NULL;
	pc_ruleset *rules = NULL;
	pc_report *report = NULL;
	pc_errors *errors = NULL;
	pc_check_options opts = { .as_of = PC_NODATE };
	const char *env = getenv("PARSE_THREAD");
	pc_limits limits;
	int rc, i;
	size_t k;

	pc_limits_default(&limits);
	if (env && strcmp(env, "1") == 0)
		limits.parse_thread_min = 1;
	*text = NULL;
	*len = 0;
	sink = open_memstream(text, len);
	if (!sink)
		return PC_ENOMEM;

	rc = pc_plan_load(argv[1], &limits, &plan, &errors);
	if (rc < 0)
		goto out;
	rc = pc_ruleset_new(&rules);
	if (rc < 0)
		goto out;
	for (k = 0; k < pc_plan_rule_file_count(plan) && rc == 0; k++)
		rc = pc_ruleset_load(rules, pc_plan_rule_file(plan, k), &limits,
				     &errors);
	for (i = 2; i < argc && rc == 0; i++)
		rc = pc_ruleset_load(rules, argv[i], &limits, &errors);
	if (rc < 0)
		goto out;
	rc = pc_check(plan, rules, &opts, &report, &errors);
	if (rc < 0)
		goto out;
	{
		const pc_report *one = report;
		pc_output_options o = { .color = false, .quiet = false };
		rc = pc_write(sink, PC_FORMAT_JSON, &one, 1, &o);
		if (rc == 0)
			rc = pc_write(sink, PC_FORMAT_TEXT, &one, 1, &o);
	}
out:
	if (fclose(sink) != 0 && rc == 0)
		rc = PC_EIO;
	if (rc < 0 && rc != PC_ENOMEM && rc != PC_EIO) {
		fprintf(stderr, "unexpected failure %d (%s)\n", rc, pc_strerror(rc));
		if (errors && pc_errors_count(errors))
			fprintf(stderr, "  %s\n", pc_errors_get(errors, 0)->message);
	}
	pc_report_free(report);
	pc_ruleset_free(rules);
	pc_plan_free(plan);
	pc_errors_free(errors);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long n, failures = 0, step = 1;
	const char *env_step;
	char *want = NULL, *got = NULL;
	size_t want_len = 0, got_len = 0;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: fault_sweep PLAN [RULES...]\n");
		return 2;
	}
	env_step = getenv("FAULT_STEP");
	if (env_step)
		step = strtoul(env_step, NULL, 10);
	if (step == 0)
		step = 1;
	/* The run must pass without faults first. */
	rc = run_once(argc, argv, &want, &want_len);
	if (rc < 0) {
		fprintf(stderr, "the run fails without injected faults: %d\n", rc);
		return 1;
	}
	if (pc_fault_inject(0) < 0) {
		fprintf(stderr, "built without the fault-injection seam\n");
		return 1;
	}
	for (n = 1;; n += step) {
		pc_fault_inject(n);
		rc = run_once(argc, argv, &got, &got_len);
		if (rc == 0 && (got_len != want_len || memcmp(got, want, want_len) != 0)) {
			fprintf(stderr, "run %lu succeeded with different output: "
				"an allocation failure was swallowed\n", n);
			return 1;
		}
		free(got);
		got = NULL;
		if (pc_fault_pending() > 0) {
			pc_fault_inject(0);
			if (rc < 0) {
				fprintf(stderr, "run %lu failed without a fault: %d\n", n, rc);
				return 1;
			}
			break;
		}
		if (rc < 0 && rc != PC_ENOMEM && rc != PC_EIO)
			return 1;
		failures++;
	}
	free(want);
	printf("fault sweep: %lu allocation points failed in turn, every run ended cleanly\n",
	       failures);
	return 0;
}
