/* out_ci.h - the CI output formats (SARIF, JUnit XML, GitHub workflow
 * commands, CSV) and what they share: the catalogue of rules a run
 * reports on, file names as repository-relative paths and URIs, the extent
 * of a position's text in its source file, and UTF-8 checking.
 *
 * Every writer works from the public API alone, so one evaluation can be
 * written in several formats. Each builds its text in an out_stream
 * (output.h) and returns 0, PC_ENOMEM or PC_EIO. */
#ifndef PC_OUT_CI_H
#define PC_OUT_CI_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "plancheck.h"
#include "output.h"
#include "strbuf.h"

/* The writers themselves are declared in output.h. */

/* ---- text ---- */

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when the bytes
 * there are not valid UTF-8 (overlong, surrogate, truncated, > U+10FFFF).
 * s must be NUL-terminated. *cp receives the code point when not NULL. */
size_t ci_utf8_len(const char *s, uint32_t *cp);

#define CI_REPLACEMENT "\xef\xbf\xbd"   /* U+FFFD, for invalid input */

/* Empty a buffer for reuse, keeping its memory. */
static inline void ci_reset(strbuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* A buffer's text; "" while it is empty. */
static inline const char *ci_text(const strbuf *b)
{
	return b->data && !b->failed ? b->data : "";
}

/* ---- rules ---- */

/* One rule a run reports on: a rule of some report's rule set, or a
 * structural id (plan/..., rules/...) that the engine itself reports. */
typedef struct ci_rule {
	const char *id;
	bool in_set;              /* info is a loaded rule */
	pc_rule_info info;        /* when in_set */
	pc_severity level;        /* default severity */
	const char *summary;      /* structural ids: one line; else NULL */
	size_t order;             /* position in the catalogue */
} ci_rule;

typedef struct ci_rules {
	ci_rule *rules;           /* in catalogue order */
	size_t count;
	ci_rule **by_id;          /* the same, sorted by id, for lookups */
} ci_rules;

/* Build the catalogue of a run: every rule of every report's rule set
 * (first occurrence of an id wins, in report and rule set order), then
 * the other rule ids that findings carry, sorted by id; with
 * all_structural, every plan/ and rules/ id the engine knows as well.
 * 0 or PC_ENOMEM. */
int ci_rules_build(ci_rules *cat, const pc_report *const *reports,
		   size_t count, bool all_structural);
/* The entry for id, or NULL. A binary search, not a scan. */
const ci_rule *ci_rules_find(const ci_rules *cat, const char *id);
void ci_rules_free(ci_rules *cat);

/* The short description of a rule: the first sentence of its description,
 * at most about 200 bytes, cut at a character boundary; for a rule with
 * none, a sentence built from its kind. Appended to b. */
void ci_rule_short(strbuf *b, const ci_rule *r);
/* SARIF and JUnit levels: "error", "warning", "note". */
const char *ci_sarif_level(pc_severity sev);

/* ---- paths ---- */

/* Turns the file names in findings into paths relative to a root
 * directory (the working directory unless given). Lexical: symbolic links
 * are not resolved. */
typedef struct ci_paths {
	char *root;               /* absolute, normalised; NULL: unknown */
	char *cwd;                /* absolute; NULL: unknown */
} ci_paths;

/* 0 or PC_ENOMEM. A working directory that cannot be found is not an
 * error: every path then counts as outside the root. */
int ci_paths_init(ci_paths *p, const char *root);
void ci_paths_free(ci_paths *p);
/* Append file's path relative to the root to b, and return true; when
 * file lies outside the root, append its absolute normalised path (or the
 * name as given when even that is unknown) and return false. */
bool ci_path_relative(const ci_paths *p, strbuf *b, const char *file);
/* Append s percent-encoded for use in a URI path: bytes other than
 * unreserved characters and '/' become %XX. */
void ci_uri_encode(strbuf *b, const char *s);

/* ---- source extents ---- */

/* Source files read on demand, to find where a finding's text ends: a
 * finding carries only its start, and SARIF and GitHub can underline a
 * range. The range runs from the position to the end of its line, less a
 * trailing comment and blanks, or in a flow collection to the end of the
 * node. An unreadable file gives a one-character range. */
typedef struct ci_source ci_source;
typedef struct ci_sources {
	ci_source *files;
	size_t count, cap;
} ci_sources;

void ci_sources_init(ci_sources *s);
void ci_sources_free(ci_sources *s);
/* The column (1-based, in code points like the start column) just past
 * the end of the text at line:column of file. */
unsigned ci_source_end_column(ci_sources *s, const char *file, unsigned line,
			      unsigned column);
#endif
