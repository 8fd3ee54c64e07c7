/*
 * bench.c - how fast plancheck reads and checks a plan, measured against
 * the fastest anything could read it: libyaml's parser alone.
 *
 *   bench [-n RUNS] [-r RULES] PLAN...
 *   bench --once floor|load|check [-r RULES] PLAN
 *
 * For each plan three phases run RUNS times each, interleaved:
 *   (a) floor: libyaml parses the file and drops every event;
 *   (b) load:  pc_plan_load, then pc_plan_free;
 *   (c) check: load the plan and the rule pack, pc_check, pc_write the
 *       JSON report to /dev/null, free everything.
 * Every run is a forked child, so each has its own peak resident memory
 * (VmHWM) and no run inherits another's heap. Time is the child's CPU time
 * (user and system): on a shared machine the wall clock measures the
 * neighbours too, and the best of the runs is the one they disturbed
 * least. The parent prints a Markdown table: best and median time, the
 * best's ratio to the floor's, the peak RSS and its ratio to the input's
 * size; with several plans, how each figure grew from the
 * first plan to the others.
 *
 * The targets are printed next to the figures: check within 1.3 times the
 * floor, peak memory within the input's size, and time that grows no
 * faster than 1.1 times the input.
 *
 * --once runs one phase once, in this process, and prints nothing: the
 * form to run under perf or callgrind.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "plancheck.h"

#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif

#define MAX_RUNS 101
#define MAX_PLANS 16

/* The measured phases, then one that does nothing (the baseline). */
enum phase { PHASE_FLOOR, PHASE_LOAD, PHASE_CHECK, PHASE_EMPTY };
#define NPHASES 3

static const char *const phase_keys[] = { "floor", "load", "check" };

static const char *const phase_names[] = {
	"(a) libyaml parse, events dropped (floor)",
	"(b) load into the model",
	"(c) full check, JSON to /dev/null"
};

/* What a child sends back through its pipe. */
typedef struct sample {
	int ok;                 /* 1 when the phase succeeded */
	double seconds;         /* wall clock */
	double cpu;             /* user + system */
	uint64_t peak_kib;      /* VmHWM of the child at the end */
	uint64_t count;         /* events (floor) or findings (check) */
	uint64_t lagging;       /* lagging rows (check) */
} sample;

typedef struct result {
	double best, median;    /* CPU seconds */
	double wall;            /* median wall-clock seconds */
	double wall_best;       /* best wall-clock seconds */
	uint64_t peak_kib;      /* the highest over the runs */
	uint64_t count, lagging;
} result;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time (user and system) this process has used. */
static double cpu_now(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The value of a "Key:   N kB" line of a /proc file, or 0. */
static uint64_t proc_field(const char *path, const char *key)
{
	char buf[256];
	size_t len = strlen(key);
	uint64_t value = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(buf, sizeof buf, f)) {
		if (strncmp(buf, key, len) == 0 && buf[len] == ':') {
			value = strtoull(buf + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

/* Peak resident set of this process in KiB. */
static uint64_t peak_rss_kib(void)
{
	struct rusage ru;
	uint64_t hwm = proc_field("/proc/self/status", "VmHWM");

	if (hwm)
		return hwm;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		return (uint64_t)ru.ru_maxrss;   /* KiB on Linux */
	return 0;
}

/* Start the child's peak at its current size (Linux 4.0 and later), so
 * that nothing the parent ever touched counts. */
static void reset_peak_rss(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, "5", 1) < 0) {
		/* an older kernel: the parent is small, so the peak is
		 * still close */
	}
	close(fd);
}

static void print_errors(const char *what, int rc, pc_errors *errors)
{
	size_t i, n = pc_errors_count(errors);

	fprintf(stderr, "bench: %s failed: %s\n", what, pc_strerror(rc));
	for (i = 0; i < n && i < 10; i++) {
		const pc_error *e = pc_errors_get(errors, i);

		fprintf(stderr, "  %s:%u:%u: %s\n", e->file ? e->file : "",
			e->line, e->column, e->message);
	}
}

static int phase_floor(const char *path, sample *s)
{
	yaml_parser_t parser;
	yaml_event_t event;
	yaml_event_type_t type;
	FILE *f = fopen(path, "rb");
	int rc = -1;

	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser))
		goto out_file;
	yaml_parser_set_input_file(&parser, f);
	do {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "bench: %s:%zu:%zu: %s\n", path,
				parser.problem_mark.line + 1,
				parser.problem_mark.column + 1,
				parser.problem ? parser.problem : "parse error");
			goto out;
		}
		type = event.type;
		yaml_event_delete(&event);
		s->count++;
	} while (type != YAML_STREAM_END_EVENT);
	rc = 0;
out:
	yaml_parser_delete(&parser);
out_file:
	fclose(f);
	return rc;
}

/* -1: the library's default for parse_thread_min; else -T's value. */
static long long parse_thread_min = -1;

static void bench_limits(pc_limits *limits)
{
	/* The ten-times plan is a quarter of a GiB: lift the input caps, the
	 * benchmark measures speed, not limits. */
	pc_limits_default(limits);
	limits->max_file_size = UINT64_C(1) << 40;
	limits->max_units = UINT32_MAX;
	limits->max_people = UINT32_MAX;
	if (parse_thread_min >= 0)
		limits->parse_thread_min = (uint64_t)parse_thread_min;
}

static int phase_load(const char *path)
{
	pc_limits limits;
	pc_plan *plan = NULL;
	pc_errors *errors = NULL;
	int rc;

	bench_limits(&limits);
	rc = pc_plan_load(path, &limits, &plan, &errors);
	if (rc < 0)
		print_errors("pc_plan_load", rc, errors);
	pc_plan_free(plan);
	pc_errors_free(errors);
	return rc;
}

/* -1: as plancheck check does for one plan, its rules on as many
 * threads as there are processors (-j); else -t's value. */
static long rule_threads = -1;

static unsigned check_threads(void)
{
	long n = rule_threads >= 0 ? rule_threads
				   : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

static int phase_check(const char *path, const char *rules_path, sample *s)
{
	pc_limits limits;
	pc_plan *plan = NULL;
	pc_ruleset *rules = NULL;
	pc_report *report = NULL;
	pc_errors *errors = NULL;
	pc_check_options options = { .as_of = PC_NODATE, .limits = &limits,
				     .threads = check_threads() };
	pc_output_options output = { .color = false, .quiet = false };
	const pc_report *reports[1];
	FILE *devnull = NULL;
	int rc;

	bench_limits(&limits);
	rc = pc_plan_load(path, &limits, &plan, &errors);
	if (rc < 0) {
		print_errors("pc_plan_load", rc, errors);
		goto out;
	}
	rc = pc_ruleset_new(&rules);
	if (rc < 0)
		goto out;
	if (rules_path) {
		rc = pc_ruleset_load(rules, rules_path, &limits, &errors);
		if (rc < 0) {
			print_errors("pc_ruleset_load", rc, errors);
			goto out;
		}
	}
	rc = pc_check(plan, rules, &options, &report, &errors);
	if (rc < 0) {
		print_errors("pc_check", rc, errors);
		goto out;
	}
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		rc = PC_EIO;
		goto out;
	}
	reports[0] = report;
	rc = pc_write(devnull, PC_FORMAT_JSON, reports, 1, &output);
	if (rc < 0) {
		fprintf(stderr, "bench: pc_write failed: %s\n", pc_strerror(rc));
		goto out;
	}
	s->count = pc_report_finding_count(report);
	s->lagging = pc_report_lagging_count(report);
out:
	if (devnull)
		fclose(devnull);
	pc_report_free(report);
	pc_ruleset_free(rules);
	pc_plan_free(plan);
	pc_errors_free(errors);
	return rc;
}

/* Run one phase in a child; 0, or -1 when it failed or died. */
static int run(enum phase ph, const char *path, const char *rules_path,
	       sample *out)
{
	int fd[2], status;
	pid_t pid;
	ssize_t got;

	memset(out, 0, sizeof *out);
	if (pipe(fd) < 0) {
		perror("bench: pipe");
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("bench: fork");
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		sample s = { 0 };
		double start, cpu_start;
		int rc = 0;

		close(fd[0]);
		reset_peak_rss();
		cpu_start = cpu_now();
		start = now();
		switch (ph) {
		case PHASE_FLOOR: rc = phase_floor(path, &s); break;
		case PHASE_LOAD: rc = phase_load(path); break;
		case PHASE_CHECK: rc = phase_check(path, rules_path, &s); break;
		default: break;
		}
		s.seconds = now() - start;
		s.cpu = cpu_now() - cpu_start;
		s.peak_kib = peak_rss_kib();
		s.ok = rc == 0;
		if (write(fd[1], &s, sizeof s) != (ssize_t)sizeof s)
			_exit(3);
		_exit(rc == 0 ? 0 : 1);
	}
	close(fd[1]);
	got = read(fd[0], out, sizeof *out);
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof *out || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || !out->ok) {
		if (WIFSIGNALED(status))
			fprintf(stderr, "bench: %s: phase %d killed by signal %d\n",
				path, (int)ph, WTERMSIG(status));
		return -1;
	}
	return 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts the array. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(double), compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static double mib(uint64_t bytes)
{
	return (double)bytes / 1048576.0;
}

/* "CPU model, N CPUs, M GiB": the machine, for the README. */
static void print_machine(void)
{
	char buf[256], model[200] = "unknown CPU";
	FILE *f = fopen("/proc/cpuinfo", "r");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t mem_kib = proc_field("/proc/meminfo", "MemTotal");

	if (f) {
		while (fgets(buf, sizeof buf, f)) {
			char *colon = strchr(buf, ':');

			if (strncmp(buf, "model name", 10) == 0 && colon) {
				snprintf(model, sizeof model, "%s", colon + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	printf("Machine: %s, %ld CPUs, %.1f GiB memory; libyaml %s; "
	       "plancheck %s (%s build)\n\n", model, cpus,
	       (double)mem_kib / 1048576.0, yaml_get_version_string(),
	       pc_version(), BENCH_BUILD_TYPE);
	f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fgets(buf, sizeof buf, f)) {
			buf[strcspn(buf, " ")] = '\0';
			printf("Load average at the end: %s\n\n", buf);
		}
		fclose(f);
	}
}

static int usage(void)
{
	fputs("usage: bench [-n RUNS] [-r RULES] [-T BYTES] [-t THREADS] PLAN...\n"
	      "       bench --once floor|load|check [-r RULES] [-T BYTES]\n"
	      "             [-t THREADS] PLAN\n"
	      "  -n RUNS   runs of each phase (default 5); the best counts\n"
	      "  -r RULES  the rule pack for the check phase\n"
	      "  -T BYTES  parse a plan of at least BYTES on a thread of its\n"
	      "            own (pc_limits parse_thread_min; 0: never)\n"
	      "  -t THREADS  run the check's rules on up to THREADS threads\n"
	      "            (pc_check_options threads; default: one a\n"
	      "            processor, as plancheck check for one plan)\n"
	      "  --once P  run phase P once in this process (for profilers)\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static double times[NPHASES][MAX_RUNS], walls[NPHASES][MAX_RUNS];
	static result results[MAX_PLANS][NPHASES];
	static uint64_t sizes[MAX_PLANS];
	const char *plans[MAX_PLANS], *rules_path = NULL;
	size_t nplans = 0, p;
	long runs = 5;
	int i, ph, failed = 0, once = -1;
	sample s;
	uint64_t base_kib;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			runs = strtol(argv[++i], NULL, 10);
			if (runs < 1 || runs > MAX_RUNS)
				return usage();
		} else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			rules_path = argv[++i];
		} else if (strcmp(argv[i], "-T") == 0 && i + 1 < argc) {
			parse_thread_min = strtoll(argv[++i], NULL, 10);
			if (parse_thread_min < 0)
				return usage();
		} else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			rule_threads = strtol(argv[++i], NULL, 10);
			if (rule_threads < 1 || rule_threads > 64)
				return usage();
		} else if (strcmp(argv[i], "--once") == 0 && i + 1 < argc) {
			for (ph = 0; ph < NPHASES; ph++)
				if (strcmp(argv[i + 1], phase_keys[ph]) == 0)
					once = ph;
			if (once < 0)
				return usage();
			i++;
		} else if (argv[i][0] == '-' || nplans == MAX_PLANS) {
			return usage();
		} else {
			plans[nplans++] = argv[i];
		}
	}
	if (nplans == 0 || (once >= 0 && nplans != 1))
		return usage();
	if (once >= 0) {
		memset(&s, 0, sizeof s);
		switch (once) {
		case PHASE_FLOOR: return phase_floor(plans[0], &s) < 0;
		case PHASE_LOAD: return phase_load(plans[0]) < 0;
		default: return phase_check(plans[0], rules_path, &s) < 0;
		}
	}

	/* What a child costs before it does anything. */
	run(PHASE_EMPTY, "", NULL, &s);
	base_kib = s.peak_kib;

	for (p = 0; p < nplans; p++) {
		struct stat st;

		if (stat(plans[p], &st) < 0) {
			fprintf(stderr, "bench: %s: %s\n", plans[p], strerror(errno));
			return 1;
		}
		sizes[p] = (uint64_t)st.st_size;
		fprintf(stderr, "bench: %s (%.1f MiB), %ld runs of each phase\n",
			plans[p], mib(sizes[p]), runs);
		/* Once untimed: the file comes from the page cache in every
		 * timed run, for every phase alike. */
		if (run(PHASE_FLOOR, plans[p], NULL, &s) < 0) {
			fprintf(stderr, "bench: %s: libyaml cannot parse it\n",
				plans[p]);
			return 1;
		}
		for (i = 0; i < runs; i++) {
			for (ph = 0; ph < NPHASES; ph++) {
				result *r = &results[p][ph];

				if (run((enum phase)ph, plans[p], rules_path, &s) < 0) {
					fprintf(stderr, "bench: %s: %s failed\n",
						plans[p], phase_names[ph]);
					failed = 1;
					continue;
				}
				times[ph][i] = s.cpu;
				walls[ph][i] = s.seconds;
				if (s.peak_kib > r->peak_kib)
					r->peak_kib = s.peak_kib;
				r->count = s.count;
				r->lagging = s.lagging;
			}
		}
		if (failed)
			break;
		for (ph = 0; ph < NPHASES; ph++) {
			result *r = &results[p][ph];

			r->median = median(times[ph], (size_t)runs);
			r->best = times[ph][0];
			r->wall = median(walls[ph], (size_t)runs);
			r->wall_best = walls[ph][0];
		}
	}
	if (failed)
		return 1;

	print_machine();
	printf("Times are the best and the median of %ld runs, in CPU seconds "
	       "(user + system,\nall threads) and in wall-clock seconds; the "
	       "ratios use the best (the run least\ndisturbed by other work on "
	       "the machine).\n\n", runs);
	printf("| plan | input | phase | CPU best | CPU median | CPU × floor | "
	       "wall best | wall median | wall × floor | peak RSS | "
	       "RSS ÷ input |\n");
	printf("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (p = 0; p < nplans; p++) {
		const char *name = base_name(plans[p]);
		char size[32];

		snprintf(size, sizeof size, "%.1f MiB", mib(sizes[p]));
		for (ph = 0; ph < NPHASES; ph++) {
			const result *r = &results[p][ph];

			printf("| %s | %s | %s | %.3f s | %.3f s | %.2f | "
			       "%.3f s | %.3f s | %.2f | %.1f MiB | %.2f |\n",
			       ph == 0 ? name : "", ph == 0 ? size : "",
			       phase_names[ph],
			       r->best, r->median,
			       r->best / results[p][PHASE_FLOOR].best,
			       r->wall_best, r->wall,
			       r->wall_best / results[p][PHASE_FLOOR].wall_best,
			       (double)r->peak_kib / 1024.0,
			       (double)r->peak_kib * 1024.0 / (double)sizes[p]);
		}
	}
	printf("\n");
	for (p = 0; p < nplans; p++) {
		const result *floor = &results[p][PHASE_FLOOR];
		const char *name = base_name(plans[p]);
		const result *check = &results[p][PHASE_CHECK];

		printf("- %s: %.1f MiB, %" PRIu64 " YAML events, floor %.0f MiB/s, "
		       "check %.0f MiB/s; %" PRIu64 " findings, %" PRIu64
		       " lagging rows\n", name, mib(sizes[p]), floor->count,
		       mib(sizes[p]) / floor->best, mib(sizes[p]) / check->best,
		       check->count, check->lagging);
		printf("  - check ≤ 1.3 × floor, wall clock: %.2f — %s\n",
		       check->wall_best / floor->wall_best,
		       check->wall_best <= 1.3 * floor->wall_best ? "met" :
		       "NOT MET");
		printf("  - check ≤ 1.3 × floor, CPU time: %.2f — %s\n",
		       check->best / floor->best,
		       check->best <= 1.3 * floor->best ? "met" : "NOT MET");
		printf("  - peak RSS ≤ input size: %.1f MiB of %.1f MiB — %s\n",
		       (double)check->peak_kib / 1024.0, mib(sizes[p]),
		       check->peak_kib * 1024 <= sizes[p] ? "met" : "NOT MET");
	}
	printf("- a child process that does nothing peaks at %.1f MiB "
	       "(included in every peak above)\n", (double)base_kib / 1024.0);
	for (p = 1; p < nplans; p++) {
		double grow = (double)sizes[p] / (double)sizes[0];

		printf("\nGrowth from %s to %s: input × %.2f\n\n",
		       base_name(plans[0]), base_name(plans[p]), grow);
		printf("| phase | CPU time × | ÷ input × | wall time × | "
		       "÷ input × | peak RSS × |\n");
		printf("|---|---:|---:|---:|---:|---:|\n");
		for (ph = 0; ph < NPHASES; ph++) {
			double t = results[p][ph].best / results[0][ph].best;
			double w = results[p][ph].wall_best /
				   results[0][ph].wall_best;

			printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
			       phase_names[ph], t, t / grow, w, w / grow,
			       (double)results[p][ph].peak_kib /
			       (double)results[0][ph].peak_kib);
		}
		printf("\n- check time grows at most 1.1 × the input: "
		       "wall clock %s, CPU time %s\n",
		       results[p][PHASE_CHECK].wall_best /
		       results[0][PHASE_CHECK].wall_best <= 1.1 * grow ?
		       "met" : "NOT MET",
		       results[p][PHASE_CHECK].best /
		       results[0][PHASE_CHECK].best <= 1.1 * grow ?
		       "met" : "NOT MET");
	}
	return 0;
}
