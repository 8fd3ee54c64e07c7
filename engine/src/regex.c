/* regex.c - PCRE2 wrapper: UTF + Unicode properties, JIT when available,
 * match and depth limits on every match. */
#include "regex.h"
#include "alloc.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pc_regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
	/* Made once, reused by every match: an expression belongs to one
	 * rule set or plan, which one thread uses at a time. */
	pcre2_match_data *md;
	const char *pattern;
	bool jit;             /* JIT-compiled: match through pcre2_jit_match */
};

/* The depth limit bounds how many backtracking frames the interpreter
 * keeps, not their size: a frame holds every capture group, so within
 * the depth limit an expression of a thousand groups took 210 MB and a
 * second. The heap is capped too; no expression a plan or rule pack needs
 * comes near it. (The JIT keeps its frames on its own 32 KiB stack.) */
#define REGEX_HEAP_LIMIT_KIB 8192

static void regex_release(void *p)
{
	pc_regex *re = p;

	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mctx);
	pcre2_code_free(re->code);
}

static int jit_disabled(void)
{
	const char *v = getenv("PLANCHECK_NO_JIT");

	return v && *v && strcmp(v, "0") != 0;
}

pc_regex *regex_compile(arena *a, const char *pattern, size_t len,
			const pc_limits *limits, char *err, size_t errlen,
			size_t *err_offset)
{
	pc_limits def;
	pc_regex *re;
	int errcode = 0;
	PCRE2_SIZE off = 0;

	if (!limits) {
		pc_limits_default(&def);
		limits = &def;
	}
	*err_offset = 0;
	if (len > limits->max_regex_len) {
		snprintf(err, errlen, "regular expression of %zu bytes is over "
			 "the limit of %u bytes", len,
			 (unsigned)limits->max_regex_len);
		return NULL;
	}
	re = arena_zalloc(a, sizeof *re);
	if (!re || !(re->pattern = arena_strndup(a, pattern, len))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	re->code = pcre2_compile((PCRE2_SPTR)pattern, len,
				 PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF,
				 &errcode, &off, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		snprintf(err, errlen, "%s", (const char *)msg);
		*err_offset = off;
		return NULL;
	}
	re->mctx = pcre2_match_context_create(NULL);
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (!re->mctx || !re->md) {
		pcre2_match_data_free(re->md);
		pcre2_match_context_free(re->mctx);
		pcre2_code_free(re->code);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(re->mctx, limits->regex_match_limit);
	pcre2_set_depth_limit(re->mctx, limits->regex_depth_limit);
	pcre2_set_heap_limit(re->mctx, REGEX_HEAP_LIMIT_KIB);
	if (arena_on_free(a, regex_release, re) < 0) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* JIT is an optimisation: when it is not available the
	 * interpreter runs, under the same limits. PLANCHECK_NO_JIT=1 turns it
	 * off, for memory checkers that cannot follow generated code. */
	if (!jit_disabled())
		re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	return re;
}

int regex_match(const pc_regex *re, const char *subject, size_t len)
{
	int rc = PCRE2_ERROR_JIT_BADOPTION;

	/* pcre2_match would end up in pcre2_jit_match too, after checks
	 * that cost more than a short match (a check runs tens of thousands
	 * of them). Compiled with PCRE2_MATCH_INVALID_UTF, the JIT needs no
	 * UTF check of the subject. */
	if (!subject)
		subject = "";
	if (re->jit)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)subject, len, 0, 0,
				     re->md, re->mctx);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0,
				 re->md, re->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return -1;
	return -2;
}

const char *regex_pattern(const pc_regex *re)
{
	return re->pattern;
}
