/* test_yread.c - the YAML event reader: positions, aliases, merge keys,
 * duplicate keys, and every limit and fatal error. Documents are read
 * back into a compact text form ({k:v,...}, [a,b]) through the reader's
 * mapping iterator, so merges show up the way the loaders see them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "plancheck.h"
#include "problems.h"
#include "yread.h"

/* ---- harness ------------------------------------------------------------- */

typedef struct seen_problem {
	prob_kind kind;
	uint32_t line, col;
	char msg[256];
} seen_problem;

typedef struct fx {
	seen_problem probs[16];
	size_t nprobs;
	problems sink;
	pc_errors *errors;
	yreader *r;
	char out[4096];
	size_t len;
} fx;

static void collect(void *ctx, prob_kind kind, const char *file,
		    uint32_t line, uint32_t col, const char *msg)
{
	fx *x = ctx;

	(void)file;
	if (x->nprobs < 16) {
		seen_problem *p = &x->probs[x->nprobs++];
		p->kind = kind;
		p->line = line;
		p->col = col;
		snprintf(p->msg, sizeof p->msg, "%s", msg);
	}
}

static void put(fx *x, const char *s, size_t n)
{
	assert_true(x->len + n < sizeof x->out);
	memcpy(x->out + x->len, s, n);
	x->len += n;
	x->out[x->len] = '\0';
}

/* Write the node starting at *ev; 0 or the reader's fatal code.
 * Recursive: the reader's nesting limit bounds the depth.
 * NOLINTNEXTLINE(misc-no-recursion) */
static int dump(fx *x, const yr_event *ev)
{
	yr_event key, item;
	yr_map m;
	int rc, n = 0;

	switch (ev->type) {
	case YR_SCALAR:
		put(x, ev->text, ev->len);
		return 0;
	case YR_SEQ_START:
		put(x, "[", 1);
		for (;;) {
			if ((rc = yr_next(x->r, &item)) < 0)
				return rc;
			if (item.type == YR_SEQ_END)
				break;
			if (n++)
				put(x, ",", 1);
			if ((rc = dump(x, &item)) < 0)
				return rc;
		}
		put(x, "]", 1);
		return 0;
	case YR_MAP_START:
		put(x, "{", 1);
		yr_map_begin(x->r, &m, ev);
		while ((rc = yr_map_next(x->r, &m, &key)) > 0) {
			if (n++)
				put(x, ",", 1);
			put(x, key.text, key.len);
			put(x, ":", 1);
			if ((rc = yr_next(x->r, &item)) < 0 ||
			    (rc = dump(x, &item)) < 0) {
				yr_map_abort(x->r, &m);
				return rc;
			}
		}
		if (rc < 0)
			return rc;
		put(x, "}", 1);
		return 0;
	default:
		fail_msg("unexpected event %d", ev->type);
		return -1;
	}
}

/* pc_limits parse_thread_min for every reader the tests open: main runs
 * them all with libyaml on the reading thread (0), then on its own (1). */
static uint64_t thread_min;

static int open_text(fx *x, const char *text, const pc_limits *given)
{
	pc_limits limits;
	int rc;

	if (given)
		limits = *given;
	else
		pc_limits_default(&limits);
	limits.parse_thread_min = thread_min;
	memset(x, 0, sizeof *x);
	x->sink.report = collect;
	x->sink.ctx = x;
	x->sink.file = "t.yaml";
	x->errors = errors_new();
	assert_non_null(x->errors);
	rc = yr_open_string(&x->r, "t.yaml", text, strlen(text), &limits,
			    &x->sink, x->errors);
	if (rc == 0)
		assert_int_equal(yr_parse_thread(x->r), thread_min != 0);
	return rc;
}

/* Read a whole document; the reader's result (0 or a fatal code). */
static int read_doc(fx *x, const char *text, const pc_limits *limits)
{
	yr_event root;
	int rc = open_text(x, text, limits);

	if (rc < 0)
		return rc;
	if ((rc = yr_begin(x->r, &root)) <= 0)
		return rc;
	if ((rc = dump(x, &root)) < 0)
		return rc;
	return yr_finish(x->r);
}

static void fx_free(fx *x)
{
	yr_close(x->r);
	pc_errors_free(x->errors);
	x->r = NULL;
	x->errors = NULL;
}

static const pc_error *only_error(fx *x)
{
	assert_int_equal(pc_errors_count(x->errors), 1);
	return pc_errors_get(x->errors, 0);
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("'%s' does not contain '%s'", haystack, needle);
}

/* ---- positions ----------------------------------------------------------- */

static void positions_are_one_based(void **state)
{
	static const char text[] =
		"a: 1\n"
		"b:\n"
		"  - x\n"
		"  - {c: \"q\"}\n";
	struct { yr_type type; const char *text; uint32_t line, col; } want[] = {
		{ YR_MAP_START, "", 1, 1 },
		{ YR_SCALAR, "a", 1, 1 },
		{ YR_SCALAR, "1", 1, 4 },
		{ YR_SCALAR, "b", 2, 1 },
		{ YR_SEQ_START, "", 3, 3 },
		{ YR_SCALAR, "x", 3, 5 },
		{ YR_MAP_START, "", 4, 5 },
		{ YR_SCALAR, "c", 4, 6 },
		{ YR_SCALAR, "q", 4, 9 },
		{ YR_MAP_END, "", 4, 12 },
		{ YR_SEQ_END, "", 5, 1 },
		{ YR_MAP_END, "", 5, 1 },
	};
	fx x;
	yr_event ev;
	size_t i;

	(void)state;
	assert_int_equal(open_text(&x, text, NULL), 0);
	assert_int_equal(yr_begin(x.r, &ev), 1);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (i)
			assert_int_equal(yr_next(x.r, &ev), 0);
		assert_int_equal(ev.type, want[i].type);
		assert_string_equal(ev.text, want[i].text);
		assert_int_equal(ev.line, want[i].line);
		assert_int_equal(ev.col, want[i].col);
	}
	/* "1" is plain, "q" is quoted. */
	assert_int_equal(yr_finish(x.r), 0);
	fx_free(&x);
}

static void scalar_helpers(void **state)
{
	yr_event plain = { .type = YR_SCALAR, .plain = true };
	yr_event quoted = { .type = YR_SCALAR, .plain = false };
	int64_t n;
	bool b;

	(void)state;
	plain.text = "-9223372036854775808";
	plain.len = strlen(plain.text);
	assert_int_equal(yr_int(&plain, &n), 0);
	assert_true(n == INT64_MIN);
	plain.text = "9223372036854775808";
	plain.len = strlen(plain.text);
	assert_int_equal(yr_int(&plain, &n), -1);
	plain.text = "12a";
	plain.len = 3;
	assert_int_equal(yr_int(&plain, &n), -1);
	quoted.text = "12";
	quoted.len = 2;
	assert_int_equal(yr_int(&quoted, &n), -1);
	plain.text = "True";
	plain.len = 4;
	assert_int_equal(yr_bool(&plain, &b), 0);
	assert_true(b);
	plain.text = "yes";
	plain.len = 3;
	assert_int_equal(yr_bool(&plain, &b), -1);
	plain.text = "~";
	plain.len = 1;
	assert_true(yr_is_null(&plain));
	quoted.text = "";
	quoted.len = 0;
	assert_false(yr_is_null(&quoted));
}

/* The helpers decide by length and bytes; each spelling the schema
 * allows, and near misses, one by one. */
static void scalar_helper_spellings(void **state)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	static const char *const not_nulls[] = {"nULL", "NuLL", "nulL", "nul",
						"nulls", "~~", "Nul1", "-"};
	static const char *const trues[] = {"true", "True", "TRUE"};
	static const char *const falses[] = {"false", "False", "FALSE"};
	static const char *const neither[] = {"tRUE", "TRuE", "trUE", "truE",
					      "fALSE", "FAlse", "falsE", "yes",
					      "on", "1", "", "tru", "falsey"};
	yr_event ev = { .type = YR_SCALAR, .plain = true };
	yr_event seq = { .type = YR_SEQ_START, .text = "", .plain = false };
	size_t i;
	int64_t n;
	bool b;

	(void)state;
	for (i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
		ev.text = nulls[i];
		ev.len = strlen(ev.text);
		if (!yr_is_null(&ev))
			fail_msg("'%s' is null", ev.text);
	}
	for (i = 0; i < sizeof not_nulls / sizeof not_nulls[0]; i++) {
		ev.text = not_nulls[i];
		ev.len = strlen(ev.text);
		if (yr_is_null(&ev))
			fail_msg("'%s' is not null", ev.text);
	}
	assert_false(yr_is_null(&seq));
	for (i = 0; i < 3; i++) {
		b = false;
		ev.text = trues[i];
		ev.len = strlen(ev.text);
		assert_int_equal(yr_bool(&ev, &b), 0);
		assert_true(b);
		ev.text = falses[i];
		ev.len = strlen(ev.text);
		assert_int_equal(yr_bool(&ev, &b), 0);
		assert_false(b);
	}
	for (i = 0; i < sizeof neither / sizeof neither[0]; i++) {
		ev.text = neither[i];
		ev.len = strlen(ev.text);
		if (yr_bool(&ev, &b) != -1)
			fail_msg("'%s' is not a boolean", ev.text);
	}
	/* 18 digits and fewer take no overflow test; 19 do. */
	ev.text = "999999999999999999";
	ev.len = strlen(ev.text);
	assert_int_equal(yr_int(&ev, &n), 0);
	assert_true(n == 999999999999999999LL);
	ev.text = "-999999999999999999";
	ev.len = strlen(ev.text);
	assert_int_equal(yr_int(&ev, &n), 0);
	assert_true(n == -999999999999999999LL);
	ev.text = "9223372036854775807";
	ev.len = strlen(ev.text);
	assert_int_equal(yr_int(&ev, &n), 0);
	assert_true(n == INT64_MAX);
	ev.text = "0009223372036854775807";
	ev.len = strlen(ev.text);
	assert_int_equal(yr_int(&ev, &n), 0);
	assert_true(n == INT64_MAX);
	ev.text = "99999999999999999999";
	ev.len = strlen(ev.text);
	assert_int_equal(yr_int(&ev, &n), -1);
	ev.text = "+42";
	ev.len = 3;
	assert_int_equal(yr_int(&ev, &n), 0);
	assert_true(n == 42);
	ev.text = "-0";
	ev.len = 2;
	assert_int_equal(yr_int(&ev, &n), 0);
	assert_true(n == 0);
	ev.text = "-";
	ev.len = 1;
	assert_int_equal(yr_int(&ev, &n), -1);
	ev.text = "4 2";
	ev.len = 3;
	assert_int_equal(yr_int(&ev, &n), -1);
	/* A byte over 0x7F (a fullwidth digit in UTF-8) is no digit. */
	ev.text = "1\xef\xbc\x91";
	ev.len = 4;
	assert_int_equal(yr_int(&ev, &n), -1);
}

/* ---- aliases and merge keys ------------------------------------------------- */

static void aliases_expand(void **state)
{
	fx x;

	(void)state;
	assert_int_equal(read_doc(&x,
		"base: &b {x: 1, y: [2, &s 3]}\n"
		"use: *b\n"
		"again: [*s, *b]\n", NULL), 0);
	assert_string_equal(x.out,
		"{base:{x:1,y:[2,3]},use:{x:1,y:[2,3]},"
		"again:[3,{x:1,y:[2,3]}]}");
	assert_int_equal(x.nprobs, 0);
	fx_free(&x);
}

static void alias_positions_are_the_anchor_s(void **state)
{
	fx x;
	yr_event ev;
	yr_map m;

	(void)state;
	assert_int_equal(open_text(&x, "a: &v hello\nb: *v\n", NULL), 0);
	assert_int_equal(yr_begin(x.r, &ev), 1);
	yr_map_begin(x.r, &m, &ev);
	assert_int_equal(yr_map_next(x.r, &m, &ev), 1);
	assert_int_equal(yr_next(x.r, &ev), 0);
	assert_int_equal(yr_map_next(x.r, &m, &ev), 1);
	assert_string_equal(ev.text, "b");
	assert_int_equal(yr_next(x.r, &ev), 0);
	assert_string_equal(ev.text, "hello");
	/* The node starts at its anchor. */
	assert_int_equal(ev.line, 1);
	assert_int_equal(ev.col, 4);
	assert_int_equal(yr_map_next(x.r, &m, &ev), 0);
	fx_free(&x);
}

static void merge_explicit_key_wins(void **state)
{
	fx x;

	(void)state;
	/* Written before the merge, and after it. */
	assert_int_equal(read_doc(&x,
		"base: &b {x: 1, y: 2}\n"
		"before:\n"
		"  x: 10\n"
		"  <<: *b\n"
		"after: {<<: *b, y: 20}\n", NULL), 0);
	assert_string_equal(x.out,
		"{base:{x:1,y:2},before:{x:10,y:2},after:{y:20,x:1}}");
	/* Overriding a merged key is not a duplicate key. */
	assert_int_equal(x.nprobs, 0);
	fx_free(&x);
}

static void merge_list_earlier_source_wins(void **state)
{
	fx x;

	(void)state;
	assert_int_equal(read_doc(&x,
		"a: &a {k: 1}\n"
		"b: &b {k: 2, j: 3}\n"
		"m: {<<: [*a, *b], own: 0}\n", NULL), 0);
	assert_string_equal(x.out,
		"{a:{k:1},b:{k:2,j:3},m:{own:0,k:1,j:3}}");
	fx_free(&x);
}

static void merge_nested(void **state)
{
	fx x;

	(void)state;
	/* b merges a; m merges b (whose own keys win over a's) and then c. */
	assert_int_equal(read_doc(&x,
		"a: &a {k: 1, z: 0, w: a}\n"
		"b: &b {<<: *a, j: 2, z: 9}\n"
		"c: &c {w: c, v: c}\n"
		"m: {<<: [*b, *c], z: 5}\n", NULL), 0);
	assert_string_equal(x.out,
		"{a:{k:1,z:0,w:a},b:{j:2,z:9,k:1,w:a},c:{w:c,v:c},"
		"m:{z:5,j:2,k:1,w:a,v:c}}");
	assert_int_equal(x.nprobs, 0);
	fx_free(&x);
}

static void merge_inline_mapping(void **state)
{
	fx x;

	(void)state;
	assert_int_equal(read_doc(&x, "m: {<<: {a: 1, b: 2}, b: 3}\n", NULL), 0);
	assert_string_equal(x.out, "{m:{b:3,a:1}}");
	fx_free(&x);
}

static void merge_list_with_inline_mapping(void **state)
{
	fx x;

	(void)state;
	/* A list may mix aliases and mappings written in place; the
	 * earlier source still wins. */
	assert_int_equal(read_doc(&x,
		"a: &a {k: 1, z: 0}\n"
		"m: {<<: [*a, {z: 9, y: 2}], own: 0}\n", NULL), 0);
	assert_string_equal(x.out, "{a:{k:1,z:0},m:{own:0,k:1,z:0,y:2}}");
	assert_int_equal(x.nprobs, 0);
	fx_free(&x);
}

static void merge_of_a_scalar_is_reported(void **state)
{
	fx x;

	(void)state;
	assert_int_equal(read_doc(&x, "s: &s 1\nm: {<<: *s, a: 1}\n", NULL), 0);
	assert_string_equal(x.out, "{s:1,m:{a:1}}");
	assert_int_equal(x.nprobs, 1);
	assert_int_equal(x.probs[0].kind, PROB_BAD_TYPE);
	assert_int_equal(x.probs[0].line, 2);
	assert_int_equal(x.probs[0].col, 9);
	fx_free(&x);
}

static void duplicate_keys_reported(void **state)
{
	fx x;

	(void)state;
	assert_int_equal(read_doc(&x,
		"a: 1\n"
		"b: {c: 1}\n"
		"a: [2]\n", NULL), 0);
	/* The later value is skipped whole. */
	assert_string_equal(x.out, "{a:1,b:{c:1}}");
	assert_int_equal(x.nprobs, 1);
	assert_int_equal(x.probs[0].kind, PROB_DUPLICATE_KEY);
	assert_int_equal(x.probs[0].line, 3);
	assert_int_equal(x.probs[0].col, 1);
	assert_contains(x.probs[0].msg, "'a'");
	assert_contains(x.probs[0].msg, "first at line 1");
	fx_free(&x);
}

static void duplicate_keys_in_a_big_mapping(void **state)
{
	char text[8192];
	size_t len = 0;
	fx x;
	int i;

	(void)state;
	/* Enough keys for the reader's hash index. */
	for (i = 0; i < 200; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
					"k%d: %d\n", i, i);
	snprintf(text + len, sizeof text - len, "k150: dup\n");
	assert_int_equal(read_doc(&x, text, NULL), 0);
	assert_int_equal(x.nprobs, 1);
	assert_int_equal(x.probs[0].kind, PROB_DUPLICATE_KEY);
	assert_int_equal(x.probs[0].line, 201);
	assert_contains(x.probs[0].msg, "first at line 151");
	fx_free(&x);
}

/* Keys of every length up to 40 bytes (the reader copies short ones
 * without memcpy) stay whole until the iteration ends, while values,
 * nested mappings among them, are read in between. */
static void keys_stay_whole_until_the_end(void **state)
{
	char text[8192], want[41][41];
	const char *kept[41];
	size_t len = 0, nkeys = 0, i, j;
	yr_event root, key, val;
	yr_map m;
	fx x;
	int rc;

	(void)state;
	for (i = 0; i <= 40; i++) {
		for (j = 0; j < i; j++)
			want[i][j] = (char)('a' + (i + j) % 26);
		want[i][i] = '\0';
		len += (size_t)snprintf(text + len, sizeof text - len,
					"\"%s\": {n%zu: %zu, m: [x, y]}\n",
					want[i], i, i);
	}
	assert_int_equal(open_text(&x, text, NULL), 0);
	assert_int_equal(yr_begin(x.r, &root), 1);
	assert_int_equal(root.type, YR_MAP_START);
	yr_map_begin(x.r, &m, &root);
	while ((rc = yr_map_next(x.r, &m, &key)) > 0) {
		assert_true(nkeys <= 40);
		assert_int_equal(key.len, strlen(want[nkeys]));
		kept[nkeys++] = key.text;
		assert_int_equal(yr_next(x.r, &val), 0);
		assert_int_equal(val.type, YR_MAP_START);
		assert_int_equal(yr_skip(x.r, &val), 0);
		for (i = 0; i < nkeys; i++)
			assert_string_equal(kept[i], want[i]);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(nkeys, 41);
	assert_int_equal(yr_finish(x.r), 0);
	assert_int_equal(x.nprobs, 0);
	fx_free(&x);
}

/* Duplicates found on either side of the switch from a scan to the hash
 * index (16 keys), among keys of one length and first byte, and the
 * empty key. */
static void duplicate_keys_near_the_index(void **state)
{
	char text[4096];
	size_t len = 0;
	fx x;
	int i;

	(void)state;
	/* 16 keys "ka".."kp" of one length, then the first one again:
	 * the 17th key meets no index yet. */
	for (i = 0; i < 16; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
					"k%c: %d\n", 'a' + i, i);
	len += (size_t)snprintf(text + len, sizeof text - len, "ka: 16\n");
	/* Then 3 more new keys (the index is built at the 17th) and a
	 * duplicate found through it. */
	len += (size_t)snprintf(text + len, sizeof text - len,
				"kq: 17\nkr: 18\nks: 19\nkp: 20\n");
	snprintf(text + len, sizeof text - len, "\"\": 21\nk: 22\n\"\": 23\n");
	assert_int_equal(read_doc(&x, text, NULL), 0);
	assert_string_equal(x.out,
		"{ka:0,kb:1,kc:2,kd:3,ke:4,kf:5,kg:6,kh:7,ki:8,kj:9,kk:10,"
		"kl:11,km:12,kn:13,ko:14,kp:15,kq:17,kr:18,ks:19,:21,k:22}");
	assert_int_equal(x.nprobs, 3);
	assert_int_equal(x.probs[0].kind, PROB_DUPLICATE_KEY);
	assert_int_equal(x.probs[0].line, 17);
	assert_contains(x.probs[0].msg, "'ka'");
	assert_contains(x.probs[0].msg, "first at line 1");
	assert_int_equal(x.probs[1].line, 21);
	assert_contains(x.probs[1].msg, "'kp'");
	assert_contains(x.probs[1].msg, "first at line 16");
	assert_int_equal(x.probs[2].line, 24);
	assert_contains(x.probs[2].msg, "''");
	assert_contains(x.probs[2].msg, "first at line 22");
	fx_free(&x);

	/* A small mapping: same length and first byte, different later
	 * bytes, are different keys. */
	assert_int_equal(read_doc(&x, "abcdefgh1: 1\nabcdefgh2: 2\n"
				  "abcdefgh1: 3\n", NULL), 0);
	assert_string_equal(x.out, "{abcdefgh1:1,abcdefgh2:2}");
	assert_int_equal(x.nprobs, 1);
	assert_int_equal(x.probs[0].line, 3);
	fx_free(&x);
}

static void non_scalar_key_reported(void **state)
{
	fx x;

	(void)state;
	assert_int_equal(read_doc(&x, "? [a]\n: 1\nb: 2\n", NULL), 0);
	assert_string_equal(x.out, "{b:2}");
	assert_int_equal(x.nprobs, 1);
	assert_int_equal(x.probs[0].kind, PROB_BAD_TYPE);
	assert_int_equal(x.probs[0].line, 1);
	assert_int_equal(x.probs[0].col, 3);
	fx_free(&x);
}

static bool under_valgrind(void)
{
	const char *preload = getenv("LD_PRELOAD");

	return preload && strstr(preload, "vgpreload");
}

/* ---- limits and fatal errors -------------------------------------------------- */

static void billion_laughs_refused_quickly(void **state)
{
	static const char text[] =
		"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	struct timespec t0, t1;
	yr_event root;
	fx x;
	double secs;
	int rc;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(open_text(&x, text, NULL), 0);
	assert_int_equal(yr_begin(x.r, &root), 1);
	rc = yr_skip(x.r, &root);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(rc, PC_ELIMIT);
	assert_int_equal(yr_status(x.r), PC_ELIMIT);
	assert_contains(only_error(&x)->message, "billion laughs");
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Stopped after a million events: well under a second even with
	 * the sanitizers (valgrind, twenty times slower, is let off). */
	if (!under_valgrind() && secs >= 1.0)
		fail_msg("refused after %.3f s", secs);
	/* Every later call keeps failing the same way. */
	assert_int_equal(yr_next(x.r, &root), PC_ELIMIT);
	fx_free(&x);
}

static void alias_budget_counts_merges(void **state)
{
	pc_limits limits;
	fx x;

	(void)state;
	pc_limits_default(&limits);
	limits.max_alias_events = 10;
	assert_int_equal(read_doc(&x,
		"a: &a {k1: 1, k2: 2, k3: 3}\n"
		"m1: {<<: *a}\n"
		"m2: {<<: *a}\n", &limits), PC_ELIMIT);
	fx_free(&x);
}

static void recursive_alias(void **state)
{
	fx x;
	const pc_error *e;

	(void)state;
	assert_int_equal(read_doc(&x, "a: &a [1, *a]\n", NULL), PC_ESYNTAX);
	e = only_error(&x);
	assert_string_equal(e->file, "t.yaml");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 11);
	assert_contains(e->message, "recursive");
	fx_free(&x);
}

static void undefined_alias(void **state)
{
	fx x;
	const pc_error *e;

	(void)state;
	assert_int_equal(read_doc(&x, "a: 1\nb: *nope\n", NULL), PC_ESYNTAX);
	e = only_error(&x);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 4);
	assert_contains(e->message, "*nope");
	fx_free(&x);
}

static void depth_limit(void **state)
{
	pc_limits limits;
	fx x;
	const pc_error *e;

	(void)state;
	pc_limits_default(&limits);
	limits.max_depth = 4;
	assert_int_equal(read_doc(&x, "[[[[1]]]]\n", &limits), 0);
	assert_string_equal(x.out, "[[[[1]]]]");
	fx_free(&x);
	assert_int_equal(read_doc(&x, "[[[[[1]]]]]\n", &limits), PC_ELIMIT);
	e = only_error(&x);
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 5);
	assert_contains(e->message, "4 levels");
	fx_free(&x);
	/* Through an alias too. */
	assert_int_equal(read_doc(&x, "a: &a [[1]]\nb: [[*a]]\n", &limits),
			 PC_ELIMIT);
	fx_free(&x);
}

static void scalar_limit(void **state)
{
	pc_limits limits;
	fx x;
	const pc_error *e;

	(void)state;
	pc_limits_default(&limits);
	limits.max_scalar_len = 10;
	assert_int_equal(read_doc(&x, "a: 0123456789\n", &limits), 0);
	fx_free(&x);
	assert_int_equal(read_doc(&x, "a: 0123456789\nb: 0123456789a\n",
				  &limits), PC_ELIMIT);
	e = only_error(&x);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 4);
	assert_contains(e->message, "11 bytes");
	fx_free(&x);
}

static void file_size_limit(void **state)
{
	pc_limits limits;
	fx x;

	(void)state;
	pc_limits_default(&limits);
	limits.max_file_size = 8;
	assert_int_equal(open_text(&x, "a: 123456789\n", &limits), PC_ELIMIT);
	assert_contains(only_error(&x)->message, "over the limit");
	fx_free(&x);
}

static void second_document(void **state)
{
	fx x;
	const pc_error *e;

	(void)state;
	assert_int_equal(read_doc(&x, "a: 1\n---\nb: 2\n", NULL), PC_EINVALID);
	e = only_error(&x);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 1);
	assert_contains(e->message, "second YAML document");
	fx_free(&x);
}

static void empty_stream(void **state)
{
	fx x;
	yr_event root;

	(void)state;
	assert_int_equal(open_text(&x, "# nothing here\n", NULL), 0);
	assert_int_equal(yr_begin(x.r, &root), 0);
	fx_free(&x);
}

/* A reader asked for more after the stream ended gets libyaml's empty
 * event, placed at 1:1, whichever thread parsed. */
static void past_the_end(void **state)
{
	fx x;
	const pc_error *e;

	(void)state;
	assert_int_equal(read_doc(&x, "a\n", NULL), 0);
	assert_int_equal(yr_finish(x.r), PC_ESYNTAX);
	e = only_error(&x);
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 1);
	assert_contains(e->message, "unexpected content after the document");
	fx_free(&x);
}

/* What the reader makes of a flow list of n scalars, then extra: the
 * return codes, the number of scalars read and the error, as text. */
static void read_list(char *out, size_t outlen, size_t n, const char *extra,
		      uint64_t thread_min_here)
{
	pc_limits limits;
	pc_errors *errors = errors_new();
	size_t len = 1 + 2 * n + strlen(extra) + 3, i, scalars = 0;
	char *text = malloc(len);
	yreader *r = NULL;
	yr_event ev;
	int rc, rc2 = 0;

	assert_non_null(text);
	assert_non_null(errors);
	text[0] = '[';
	for (i = 0; i < n; i++) {
		text[1 + 2 * i] = 'a';
		text[2 + 2 * i] = ',';
	}
	snprintf(text + 1 + 2 * n, len - 1 - 2 * n, "]%s\n", extra);
	pc_limits_default(&limits);
	limits.parse_thread_min = thread_min_here;
	assert_int_equal(yr_open_string(&r, "t.yaml", text, strlen(text),
					&limits, NULL, errors), 0);
	assert_int_equal(yr_parse_thread(r), thread_min_here != 0);
	rc = yr_begin(r, &ev);
	if (rc > 0) {
		while ((rc = yr_next(r, &ev)) == 0 && ev.type == YR_SCALAR)
			scalars++;
		if (rc == 0)
			rc2 = yr_finish(r);
	}
	snprintf(out, outlen, "%d %d %zu", rc, rc2, scalars);
	if (pc_errors_count(errors)) {
		const pc_error *e = pc_errors_get(errors, 0);
		size_t at = strlen(out);

		snprintf(out + at, outlen - at, " %u:%u %s", e->line,
			 e->column, e->message);
	}
	yr_close(r);
	pc_errors_free(errors);
	free(text);
}

/* Streams that end, fail or go on into a second document right at, just
 * before and just after the end of a batch of libyaml's thread, read both
 * ways. A list of n scalars is n + 6 events; a batch holds 64 KiB of them
 * (PIPE_BYTES), with room kept for the longest head: in this one-line
 * list a scalar takes 5 bytes and its column 1 to 3 more, so the first
 * batch ends after 9223 events and the second after 8191 more (counted on
 * the parser thread). Two events either side: the short events that end
 * a list or a document still fit where a scalar no longer does. */
static void batch_boundaries(void **state)
{
	static const char *const extras[] = { "", "]", "\n---\nb" };
	static const size_t ends[] = { 9223, 9223 + 8191 };
	char one[512], two[512];
	size_t k, e, d;

	(void)state;
	for (k = 0; k < 2; k++)
		for (d = 0; d < 5; d++)
			for (e = 0; e < 3; e++) {
				size_t n = ends[k] - 6 - 2 + d;

				read_list(one, sizeof one, n, extras[e], 0);
				read_list(two, sizeof two, n, extras[e], 1);
				assert_string_equal(one, two);
			}
	/* And the lists were read: a whole one, and a syntax error. */
	read_list(one, sizeof one, 9217, "", 1);
	assert_string_equal(one, "0 0 9217");
	read_list(one, sizeof one, 9217, "]", 1);
	assert_non_null(strstr(one, "YAML syntax error"));
}

/* One event as the reader gave it, for comparing two reads. */
typedef struct seen_event {
	yr_type type;
	size_t len;
	uint32_t line, col;
	uint32_t sum;            /* of the text */
} seen_event;

/* Read text's events into out (at most max); how many. */
static size_t read_events(const char *text, uint64_t thread_min_here,
			  seen_event *out, size_t max)
{
	pc_limits limits;
	pc_errors *errors = errors_new();
	yreader *r = NULL;
	yr_event ev;
	size_t n = 0, depth = 1, i;

	assert_non_null(errors);
	pc_limits_default(&limits);
	limits.parse_thread_min = thread_min_here;
	assert_int_equal(yr_open_string(&r, "t.yaml", text, strlen(text),
					&limits, NULL, errors), 0);
	assert_int_equal(yr_parse_thread(r), thread_min_here != 0);
	assert_int_equal(yr_begin(r, &ev), 1);
	while (depth > 0) {
		assert_int_equal(yr_next(r, &ev), 0);
		assert_true(n < max);
		out[n].type = ev.type;
		out[n].len = ev.len;
		out[n].line = ev.line;
		out[n].col = ev.col;
		out[n].sum = 0;
		for (i = 0; i < ev.len; i++)
			out[n].sum = out[n].sum * 31 + (unsigned char)ev.text[i];
		n++;
		if (ev.type == YR_SEQ_START || ev.type == YR_MAP_START)
			depth++;
		else if (ev.type == YR_SEQ_END || ev.type == YR_MAP_END)
			depth--;
	}
	assert_int_equal(yr_finish(r), 0);
	assert_int_equal(pc_errors_count(errors), 0);
	yr_close(r);
	pc_errors_free(errors);
	return n;
}

/* libyaml's thread encodes events into a stage of 8 KiB that it passes
 * on to the batch in 16-byte pieces, and writes an event too long for it
 * straight into the batch. Scalars of every length up to past a batch,
 * at every offset from a piece's start, some anchored and repeated by
 * alias, read the same on the thread as without it. */
static void stage_pieces(void **state)
{
	static const size_t longs[] = {
		8150, 8160, 8168, 8169, 8170, 8171, 8172, 8180, 8191, 8192,
		8193, 9000, 3, 70000, 5, 16000, 16001, 1
	};
	enum { N_MIXED = 400, N_ITEMS = N_MIXED + 18 };
	size_t cap = (size_t)4 << 20, at = 0, i, k, n1, n2, len;
	char *text = malloc(cap);
	seen_event *one = calloc(2 * N_ITEMS + 4, sizeof *one);
	seen_event *two = calloc(2 * N_ITEMS + 4, sizeof *two);

	(void)state;
	assert_non_null(text);
	assert_non_null(one);
	assert_non_null(two);
	for (i = 0; i < N_ITEMS; i++) {
		len = i < N_MIXED ? (i * 97 + i / 16) % 4200 + 1
				  : longs[i - N_MIXED];
		if (i % 50 == 49) {
			/* The alias of the item before last. */
			at += (size_t)snprintf(text + at, cap - at, "- *a%zu\n",
					       i - 2);
			continue;
		}
		at += (size_t)snprintf(text + at, cap - at,
				       i % 50 == 47 ? "- &a%zu " : "- ", i);
		assert_true(at + len + 2 < cap);
		for (k = 0; k < len; k++)
			text[at + k] = (char)('a' + (i + k) % 26);
		at += len;
		text[at++] = '\n';
	}
	text[at] = '\0';
	n1 = read_events(text, 0, one, 2 * N_ITEMS + 4);
	n2 = read_events(text, 1, two, 2 * N_ITEMS + 4);
	assert_int_equal(n1, N_ITEMS + 1);
	assert_int_equal(n2, n1);
	for (i = 0; i < n1; i++) {
		assert_int_equal(two[i].type, one[i].type);
		assert_int_equal(two[i].len, one[i].len);
		assert_int_equal(two[i].line, one[i].line);
		assert_int_equal(two[i].col, one[i].col);
		assert_int_equal(two[i].sum, one[i].sum);
	}
	/* And the texts are the ones written: the 70000-byte scalar. */
	assert_int_equal(one[N_MIXED + 13].len, 70000);
	free(text);
	free(one);
	free(two);
}

static void syntax_error_position(void **state)
{
	fx x;
	const pc_error *e;

	(void)state;
	assert_int_equal(read_doc(&x, "a: 1\nb: [1, 2\nc: 3\n", NULL),
			 PC_ESYNTAX);
	e = only_error(&x);
	assert_string_equal(e->file, "t.yaml");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->column, 2);
	assert_contains(e->message, "YAML syntax error");
	fx_free(&x);
	assert_int_equal(read_doc(&x, "a: b: c\n", NULL), PC_ESYNTAX);
	e = only_error(&x);
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 5);
	fx_free(&x);
}

static void invalid_utf8(void **state)
{
	fx x;
	const pc_error *e;

	(void)state;
	assert_int_equal(read_doc(&x, "a: ok\nb: \xc3\x28\n", NULL),
			 PC_ESYNTAX);
	e = only_error(&x);
	assert_contains(e->message, "not valid YAML text");
	assert_contains(e->message, "UTF-8");
	/* At the offending byte, not where the scanner happened to be. */
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 5);
	fx_free(&x);
}

static void missing_file(void **state)
{
	pc_errors *errors = errors_new();
	yreader *r = NULL;

	(void)state;
	assert_int_equal(yr_open_file(&r, TESTDATA_DIR "/load/no-such.yaml",
				      NULL, NULL, errors), PC_EIO);
	assert_null(r);
	assert_contains(pc_errors_get(errors, 0)->message, "cannot open");
	pc_errors_free(errors);
	errors = errors_new();
	assert_int_equal(yr_open_file(&r, TESTDATA_DIR "/load", NULL, NULL,
				      errors), PC_EIO);
	assert_contains(pc_errors_get(errors, 0)->message, "directory");
	pc_errors_free(errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(positions_are_one_based),
		cmocka_unit_test(scalar_helpers),
		cmocka_unit_test(scalar_helper_spellings),
		cmocka_unit_test(aliases_expand),
		cmocka_unit_test(alias_positions_are_the_anchor_s),
		cmocka_unit_test(merge_explicit_key_wins),
		cmocka_unit_test(merge_list_earlier_source_wins),
		cmocka_unit_test(merge_nested),
		cmocka_unit_test(merge_list_with_inline_mapping),
		cmocka_unit_test(merge_inline_mapping),
		cmocka_unit_test(merge_of_a_scalar_is_reported),
		cmocka_unit_test(duplicate_keys_reported),
		cmocka_unit_test(duplicate_keys_in_a_big_mapping),
		cmocka_unit_test(keys_stay_whole_until_the_end),
		cmocka_unit_test(duplicate_keys_near_the_index),
		cmocka_unit_test(non_scalar_key_reported),
		cmocka_unit_test(billion_laughs_refused_quickly),
		cmocka_unit_test(alias_budget_counts_merges),
		cmocka_unit_test(recursive_alias),
		cmocka_unit_test(undefined_alias),
		cmocka_unit_test(depth_limit),
		cmocka_unit_test(scalar_limit),
		cmocka_unit_test(file_size_limit),
		cmocka_unit_test(second_document),
		cmocka_unit_test(empty_stream),
		cmocka_unit_test(past_the_end),
		cmocka_unit_test(batch_boundaries),
		cmocka_unit_test(stage_pieces),
		cmocka_unit_test(syntax_error_position),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(missing_file),
	};
	int failed;

	thread_min = 0;
	failed = cmocka_run_group_tests_name("libyaml on the reading thread",
					     tests, NULL, NULL);
	thread_min = 1;
	failed += cmocka_run_group_tests_name("libyaml on a thread of its own",
					      tests, NULL, NULL);
	return failed;
}
