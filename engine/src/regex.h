/* regex.h - PCRE2 (8-bit) in UTF mode with Unicode properties, compiled
 * once, JIT where available, match and depth limits always set. */
#ifndef PC_REGEX_H
#define PC_REGEX_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"
#include "plancheck.h"

typedef struct pc_regex pc_regex;

/* Compile pattern into an arena (freed with it). NULL on failure, with a
 * message in err (and *err_offset: byte offset in the pattern). */
pc_regex *regex_compile(arena *a, const char *pattern, size_t len,
			const pc_limits *limits, char *err, size_t errlen,
			size_t *err_offset);
/* 1 match, 0 no match, -1 a limit was hit (match or depth limit),
 * -2 another matching error. */
int regex_match(const pc_regex *re, const char *subject, size_t len);
const char *regex_pattern(const pc_regex *re);
#endif
