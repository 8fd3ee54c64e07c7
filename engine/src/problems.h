/* problems.h - where loaders report what is wrong with their input.
 *
 * Both loaders (plan and rule pack) and the YAML reader report problems
 * through one sink. The plan loader turns each into a finding with a
 * `plan/...` rule id; the rule pack loader turns each into a load error.
 * pc_errors (the public list of fatal problems) is defined here too. */
#ifndef PC_PROBLEMS_H
#define PC_PROBLEMS_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plancheck.h"
#include "arena.h"

typedef enum prob_kind {
	PROB_UNKNOWN_KEY,         /* plan/unknown-key */
	PROB_MISSING_KEY,         /* plan/missing-key */
	PROB_BAD_TYPE,            /* plan/bad-type */
	PROB_BAD_VALUE,           /* plan/bad-value */
	PROB_DUPLICATE_KEY,       /* plan/duplicate-key */
	PROB_DUPLICATE_ID,        /* plan/duplicate-id */
	PROB_UNKNOWN_REF,         /* plan/unknown-ref */
	PROB_CYCLE,               /* plan/cycle */
	PROB_PROGRESS_NA,         /* plan/progress-not-applicable */
	PROB_BAD_REGEX,           /* an invalid regular expression */
	PROB_LIMIT                /* a resource limit: the load fails with
				     PC_ELIMIT, never a finding */
} prob_kind;

/* The `plan/...` rule id of a kind. */
const char *prob_rule_id(prob_kind kind);

typedef struct problems {
	/* Called once per problem; msg is formatted, file may be NULL. */
	void (*report)(void *ctx, prob_kind kind, const char *file,
		       uint32_t line, uint32_t col, const char *msg);
	void *ctx;
	const char *file;   /* the file being read */
	size_t count;
	/* Keys starting with x- are a plan's room for users' own data
	 * (plan-format.md); a rule file has no such room, so its loader sets
	 * this and an x- key in a selector is an unknown key there too. */
	bool no_x_keys;
} problems;

void prob_report(problems *p, prob_kind kind, uint32_t line, uint32_t col,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The closest of candidates (a NULL-terminated list) to word, when close
 * enough to suggest ("did you mean ..."); else NULL. */
const char *prob_suggest(const char *word, const char *const *candidates);

/* The public error list. */
struct pc_errors {
	arena arena;
	pc_error *items;
	size_t count, cap;
};

pc_errors *errors_new(void);
/* Append; file is copied. Returns 0 or -1 (out of memory). */
int errors_add(pc_errors *e, const char *file, unsigned line, unsigned col,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int errors_addv(pc_errors *e, const char *file, unsigned line, unsigned col,
		const char *fmt, va_list ap);
/* Hand errors over to the caller's out-parameter (or free them). */
void errors_give(pc_errors *e, pc_errors **out);
#endif
