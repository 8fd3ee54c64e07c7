/* yread.h - a pull reader over libyaml's events.
 *
 * One pass over the file, no document tree: the loaders read events and
 * build their model as they go. The reader adds what libyaml's parser does
 * not do:
 *   - 1-based line and column on every event;
 *   - aliases expanded transparently, under a budget (pc_limits
 *     max_alias_events) that stops "billion laughs" documents, with no
 *     memory beyond one copy of each anchored node's events;
 *   - `<<` merge keys (YAML 1.1): explicit keys win, earlier sources win
 *     over later ones, whatever the order in the mapping;
 *   - duplicate keys reported (PROB_DUPLICATE_KEY) and their values skipped;
 *   - limits on nesting depth and scalar length.
 * Fatal problems (syntax, limits, I/O) stop the reader: every call then
 * returns the same negative pc_code, and yr_error() describes it. */
#ifndef PC_YREAD_H
#define PC_YREAD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plancheck.h"
#include "problems.h"

typedef enum yr_type {
	YR_NONE,
	YR_SCALAR,
	YR_SEQ_START,
	YR_SEQ_END,
	YR_MAP_START,
	YR_MAP_END,
	YR_ALIAS                /* internal: never returned by yr_next */
} yr_type;

typedef struct yr_event {
	yr_type type;
	const char *text;       /* scalar text, NUL-terminated ("" otherwise);
				   valid until the next call on the reader */
	size_t len;
	bool plain;             /* plain (unquoted, untagged) scalar: may be
				   read as null, bool or integer */
	uint32_t line, col;     /* 1-based start of the node */
} yr_event;

typedef struct yreader yreader;

/* Open a file or a buffer (the buffer must outlive the reader). Problems
 * that are not fatal go to probs (which may be NULL). Returns 0 or a
 * negative pc_code with the reason in *errors. */
int yr_open_file(yreader **out, const char *path, const pc_limits *limits,
		 problems *probs, pc_errors *errors);
int yr_open_string(yreader **out, const char *name, const char *text,
		   size_t len, const pc_limits *limits, problems *probs,
		   pc_errors *errors);
void yr_close(yreader *r);

/* Read up to the root node: 1 with its first event in *root, 0 for a
 * stream with no document, negative on a fatal problem. */
int yr_begin(yreader *r, yr_event *root);
/* After the root node: check the document and stream end there (a second
 * document is an error). 0 or negative. */
int yr_finish(yreader *r);

/* The next event: 0, or negative on a fatal problem. */
int yr_next(yreader *r, yr_event *ev);
/* Consume the rest of the node whose first event is *first. */
int yr_skip(yreader *r, const yr_event *first);

/* Iterating a mapping. The key text is copied and stays valid until the
 * iteration ends. After a key, the caller consumes exactly one node (the
 * value) starting with yr_next. */
typedef struct yr_map {
	uint32_t line, col;     /* where the mapping starts */
	/* private */
	size_t key_base;        /* first key of this mapping in the key stack */
	void *scratch_mark;
	size_t scratch_off;
	uint32_t *index;        /* hash index once the mapping has many keys */
	size_t index_cap;
	uint32_t *sources;      /* merge sources (recording numbers) */
	size_t nsources, sources_cap, cur_source;
	int phase;              /* 0 live, 1 merging, 2 done */
	size_t depth;
} yr_map;

/* Start iterating; *start must be the mapping's YR_MAP_START. */
void yr_map_begin(yreader *r, yr_map *m, const yr_event *start);
/* 1 and the key in *key; 0 at the end (resources released); negative on a
 * fatal problem (resources released). A key that is not a scalar is
 * reported (PROB_BAD_TYPE) and skipped with its value. */
int yr_map_next(yreader *r, yr_map *m, yr_event *key);
/* Stop iterating early (after an error): releases resources. */
void yr_map_abort(yreader *r, yr_map *m);

/* Whether libyaml parses on a thread of its own (pc_limits
 * parse_thread_min), which changes nothing else. */
bool yr_parse_thread(const yreader *r);

/* The fatal problem, if any: code, message, position. */
int yr_status(const yreader *r);
const char *yr_file(const yreader *r);

/* Scalar helpers. */
/* Plain "", "~", "null", "Null", "NULL". Defined here so that the loaders'
 * calls, one on nearly every scalar, can be inlined; yread.c holds the
 * external definition. */
inline bool yr_is_null(const yr_event *ev)
{
	const char *s = ev->text;

	if (ev->type != YR_SCALAR || !ev->plain)
		return false;
	if (ev->len == 0)
		return true;
	if (ev->len == 1)
		return s[0] == '~';
	if (ev->len != 4)
		return false;
	if (s[0] == 'n' || s[0] == 'N')
		return (s[1] == 'u' && s[2] == 'l' && s[3] == 'l') ||
		       (s[0] == 'N' && s[1] == 'U' && s[2] == 'L' && s[3] == 'L');
	return false;
}
/* Plain true/false (YAML 1.2 core schema, any of true/True/TRUE). 0, -1. */
int yr_bool(const yr_event *ev, bool *out);
/* A plain decimal integer ([-+]?[0-9]+) that fits in int64. 0, -1. */
int yr_int(const yr_event *ev, int64_t *out);
/* Event type name for messages: "a mapping", "a list", "a string". */
const char *yr_type_name(const yr_event *ev);
#endif
