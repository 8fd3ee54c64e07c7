/* select.h - selectors: which units (or people) a rule or task is about.
 *
 * Shared by the plan loader (task applies_to) and the rule pack loader
 * (for, units, holder). A selector is parsed once into plain data; ids it
 * names (under) are resolved against each plan when matched. */
#ifndef PC_SELECT_H
#define PC_SELECT_H
#include <stdbool.h>
#include <stdint.h>
#include "arena.h"
#include "regex.h"
#include "yread.h"

typedef struct unit unit;
typedef struct person person;
typedef struct pc_plan pc_plan;

typedef enum match_kind {
	MATCH_ANY,            /* key absent */
	MATCH_EQUAL,          /* a string, or a list of strings: any of */
	MATCH_REGEX,          /* {matches: REGEX} */
	MATCH_RANGE           /* {min: N, max: N} (attrs only) */
} match_kind;

typedef struct matcher {
	match_kind kind;
	const char **values;  /* MATCH_EQUAL: canonical texts (arena copies) */
	uint32_t nvalues;
	pc_regex *regex;      /* MATCH_REGEX */
	bool has_min, has_max;
	int64_t min, max;     /* MATCH_RANGE */
} matcher;

typedef struct attr_matcher {
	const char *key;
	matcher m;
} attr_matcher;

typedef struct selector {
	bool given;           /* the selector key was present */
	matcher level, kind, id, name;
	const char **tags;    /* the unit must have every one */
	uint32_t ntags;
	const char *under;    /* unit id, NULL when absent */
	uint32_t status_mask; /* STATUS_BIT()s; default: STATUS_AFTER */
	attr_matcher *attrs;
	uint32_t nattrs;
	uint32_t line, col;
} selector;

typedef struct person_selector {
	bool given;
	matcher id, name;
	attr_matcher *attrs;
	uint32_t nattrs;
	uint32_t line, col;
} person_selector;

/* Parse the node starting at *first (a mapping; anything else is a
 * PROB_BAD_TYPE) into *out, allocating in a. Problems go to probs.
 * Returns 0, or a negative pc_code on a fatal reader problem. */
int selector_parse(yreader *r, const yr_event *first, arena *a,
		   const pc_limits *limits, problems *probs, selector *out);
int person_selector_parse(yreader *r, const yr_event *first, arena *a,
			  const pc_limits *limits, problems *probs,
			  person_selector *out);
/* Parse a matcher value (string, list of strings, {matches: RE}, and with
 * allow_range {min, max}) at *first. */
int matcher_parse(yreader *r, const yr_event *first, arena *a,
		  const pc_limits *limits, problems *probs, bool allow_range,
		  matcher *out);

/* A selector with no keys selects every unit that exists after the plan.
 * Matching returns 1 (selected), 0 (not), or -1 when a regular
 * expression hit its match or depth limit (the caller reports it). */
int selector_match(const selector *s, const pc_plan *plan, const unit *u);
/* What selector_match on s answers for every unit with this level and
 * kind (either may be NULL) whose status s takes: 0 none, 1 all, or
 * SELECT_ASK when each unit's record decides. simple is
 * selector_simple(s). Only an equality test that selector_match runs
 * before any regular expression of s answers 0 (the kind's, then, only
 * when the level has none): never a hidden -1. */
#define SELECT_ASK 2
int selector_pair_answer(const selector *s, bool simple, const char *level,
			 const char *kind);
/* Does s test nothing but a unit's status, level and kind, without a
 * regular expression? Then the status and selector_pair_answer decide. */
bool selector_simple(const selector *s);
/* Can selector_match on s give -1 (a regular expression at its limit)? */
bool selector_has_regex(const selector *s);
int person_selector_match(const person_selector *s, const person *p);
int matcher_match(const matcher *m, const char *text, size_t len);
#endif
