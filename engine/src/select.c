/* select.c - unit and person selectors: parsed once from YAML into plain
 * data, matched many times.
 *
 * Choices the specification leaves open:
 *   - A selector with any problem (an unknown key, a value of the wrong
 *     type, a bad regular expression, contradictory keys) is reported and
 *     then selects nothing, so a broken rule or task never selects units
 *     by accident. A malformed matcher on its own matches nothing.
 *   - Keys starting with `x-` are ignored here as everywhere in a plan;
 *     in a rule file, where every unknown key is an error, they are not.
 *   - For attrs (the only matchers that take {min, max}), values are put
 *     in the canonical text attrs use: a plain integer in decimal, a plain
 *     boolean as true/false. So `class: 1` matches the attribute written
 *     `class: 1`, `class: 01` and `class: "1"`. Other fields (id, level,
 *     kind, name) hold text as written, and their matchers compare it as
 *     written.
 *   - An empty value (null) for tags or status is an error, like any
 *     other value of the wrong type.
 * Every parse function needs a problem sink (probs is never NULL). */
#include "select.h"
#include "alloc.h"
#include "model.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const selector_keys[] = {
	"level", "kind", "id", "name", "tags", "under", "status", "attrs", NULL
};
static const char *const person_keys[] = { "id", "name", "attrs", NULL };
static const char *const regex_keys[] = { "matches", NULL };
static const char *const range_keys[] = { "matches", "min", "max", NULL };
/* In the order of enum unit_status. */
static const char *const status_names[] = {
	"active", "new", "merged", "dissolved", NULL
};

/* ---- small helpers ---------------------------------------------------- */

static bool text_is(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len == n && memcmp(text, word, n) == 0;
}

/* text_is for a word made by counted_copy, whose length is known. */
static bool text_is_counted(const char *text, size_t len, const char *word)
{
	return len == str_len(word) && memcmp(text, word, len) == 0;
}

/* Index of key in the NULL-terminated list, or -1. */
static int key_index(const yr_event *key, const char *const *keys)
{
	int i;

	for (i = 0; keys[i]; i++)
		if (text_is(key->text, key->len, keys[i]))
			return i;
	return -1;
}

static int skip_value(yreader *r)
{
	yr_event v;
	int rc;

	if ((rc = yr_next(r, &v)) < 0)
		return rc;
	return yr_skip(r, &v);
}

static bool is_x_key(const yr_event *key)
{
	return key->len >= 2 && key->text[0] == 'x' && key->text[1] == '-';
}

/* Report an unknown key (unless it is an x- key in a plan) and skip its
 * value. */
static int unknown_key(yreader *r, problems *probs, const yr_event *key,
		       const char *const *keys, const char *what)
{
	const char *hint;

	if (is_x_key(key) && !probs->no_x_keys)
		return skip_value(r);
	hint = prob_suggest(key->text, keys);
	if (hint)
		prob_report(probs, PROB_UNKNOWN_KEY, key->line, key->col,
			    "unknown key '%s' in %s; did you mean '%s'?",
			    key->text, what, hint);
	else
		prob_report(probs, PROB_UNKNOWN_KEY, key->line, key->col,
			    "unknown key '%s' in %s", key->text, what);
	return skip_value(r);
}

/* Report a node of the wrong type and skip it. */
static int bad_type(yreader *r, problems *probs, const yr_event *ev,
		    const char *expected)
{
	prob_report(probs, PROB_BAD_TYPE, ev->line, ev->col,
		    "expected %s, found %s", expected, yr_type_name(ev));
	return yr_skip(r, ev);
}

static bool is_text(const yr_event *ev)
{
	return ev->type == YR_SCALAR && !yr_is_null(ev);
}

/* A matcher that matches nothing: what a malformed one becomes. */
static void match_nothing(matcher *m)
{
	memset(m, 0, sizeof *m);
	m->kind = MATCH_EQUAL;
}

/* s[0..len) with its length in front (str_copy), cut at a NUL byte: a
 * matcher compares C strings, and matching compares lengths first. */
static const char *counted_copy(arena *a, const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);

	return str_copy(a, s, nul ? (size_t)(nul - s) : len);
}

/* The text a matcher compares: canonical for attrs (see the top). */
static const char *matcher_text(arena *a, const yr_event *ev, bool canonical)
{
	char buf[24];
	int64_t n;
	bool b;

	if (canonical && yr_int(ev, &n) == 0) {
		snprintf(buf, sizeof buf, "%" PRId64, n);
		return counted_copy(a, buf, strlen(buf));
	}
	if (canonical && yr_bool(ev, &b) == 0)
		return b ? counted_copy(a, "true", 4) : counted_copy(a, "false", 5);
	return counted_copy(a, ev->text, ev->len);
}

/* The rest of a list of strings (its start has been read) into an arena
 * array. Elements of another type are reported and left out. */
static int string_list(yreader *r, arena *a, problems *probs, bool canonical,
		       const char ***out, uint32_t *count)
{
	const char **items = NULL, **copy;
	size_t n = 0, cap = 0;
	yr_event ev;
	int rc;

	*out = NULL;
	*count = 0;
	for (;;) {
		if ((rc = yr_next(r, &ev)) < 0)
			goto out;
		if (ev.type == YR_SEQ_END)
			break;
		if (!is_text(&ev)) {
			if ((rc = bad_type(r, probs, &ev, "a string")) < 0)
				goto out;
			continue;
		}
		if (pc_grow(&items, &cap, n + 1, sizeof *items) < 0 ||
		    !(items[n] = matcher_text(a, &ev, canonical))) {
			rc = PC_ENOMEM;
			goto out;
		}
		n++;
	}
	rc = 0;
	if (n) {
		copy = arena_alloc(a, n * sizeof *copy);
		if (!copy) {
			rc = PC_ENOMEM;
			goto out;
		}
		memcpy(copy, items, n * sizeof *copy);
		*out = copy;
		*count = (uint32_t)n;
	}
out:
	pc_free(items);
	return rc;
}

/* ---- matchers ------------------------------------------------------------ */

static int parse_regex(yreader *r, arena *a, const pc_limits *limits,
		       problems *probs, matcher *out, bool *ok)
{
	yr_event ev;
	char err[256];
	size_t off;
	int rc;

	if ((rc = yr_next(r, &ev)) < 0)
		return rc;
	if (!is_text(&ev))
		return bad_type(r, probs, &ev, "a regular expression (a string)");
	/* Checked before compiling, so the message does not quote the
	 * whole expression. */
	if (limits && ev.len > limits->max_regex_len) {
		prob_report(probs, PROB_LIMIT, ev.line, ev.col,
			    "the regular expression is %zu bytes, over the "
			    "limit of %u bytes: shorten it", ev.len,
			    (unsigned)limits->max_regex_len);
		return 0;
	}
	out->regex = regex_compile(a, ev.text, ev.len, limits, err, sizeof err,
				   &off);
	if (!out->regex) {
		/* regex.c words every allocation failure the same way. */
		if (strcmp(err, "out of memory") == 0)
			return PC_ENOMEM;
		prob_report(probs, PROB_BAD_REGEX, ev.line, ev.col,
			    "invalid regular expression '%s': %s at offset %zu",
			    ev.text, err, off);
		return 0;
	}
	*ok = true;
	return 0;
}

/* min or max: *has when valid, *bad when reported. */
static int parse_bound(yreader *r, problems *probs, int64_t *out, bool *has,
		       bool *bad)
{
	yr_event ev;
	int rc;

	if ((rc = yr_next(r, &ev)) < 0)
		return rc;
	if (ev.type != YR_SCALAR) {
		*bad = true;
		return bad_type(r, probs, &ev, "an integer");
	}
	if (yr_int(&ev, out) < 0) {
		prob_report(probs, PROB_BAD_VALUE, ev.line, ev.col,
			    "expected an integer, found '%s'", ev.text);
		*bad = true;
		return 0;
	}
	*has = true;
	return 0;
}

/* {matches: RE} or, for attrs, {min: N, max: N}. */
static int matcher_map(yreader *r, const yr_event *first, arena *a,
		       const pc_limits *limits, problems *probs,
		       bool allow_range, matcher *out)
{
	const char *const *keys = allow_range ? range_keys : regex_keys;
	bool has_regex = false, seen_regex = false, bad = false;
	yr_map m;
	yr_event key;
	int rc;

	yr_map_begin(r, &m, first);
	while ((rc = yr_map_next(r, &m, &key)) > 0) {
		int k = key_index(&key, keys);

		if (k == 0) {
			seen_regex = true;
			rc = parse_regex(r, a, limits, probs, out, &has_regex);
		} else if (k == 1) {
			rc = parse_bound(r, probs, &out->min, &out->has_min,
					 &bad);
		} else if (k == 2) {
			rc = parse_bound(r, probs, &out->max, &out->has_max,
					 &bad);
		} else if (!allow_range && (text_is(key.text, key.len, "min") ||
					    text_is(key.text, key.len, "max"))) {
			prob_report(probs, PROB_UNKNOWN_KEY, key.line, key.col,
				    "unknown key '%s' in a matcher: min and max "
				    "apply only to attrs", key.text);
			bad = true;
			rc = skip_value(r);
		} else {
			bad |= !is_x_key(&key);
			rc = unknown_key(r, probs, &key, keys, "a matcher");
		}
		if (rc < 0) {
			yr_map_abort(r, &m);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (seen_regex && (out->has_min || out->has_max)) {
		prob_report(probs, PROB_BAD_VALUE, first->line, first->col,
			    "a matcher takes either matches or min/max, not "
			    "both");
		bad = true;
	} else if (!seen_regex && !out->has_min && !out->has_max && !bad) {
		prob_report(probs, PROB_MISSING_KEY, first->line, first->col,
			    allow_range ? "a matcher needs matches, min or max"
					: "a matcher needs matches");
		bad = true;
	} else if (out->has_min && out->has_max && out->min > out->max) {
		prob_report(probs, PROB_BAD_VALUE, first->line, first->col,
			    "min %" PRId64 " is greater than max %" PRId64,
			    out->min, out->max);
		bad = true;
	}
	if (bad || (seen_regex && !has_regex))
		match_nothing(out);
	else
		out->kind = has_regex ? MATCH_REGEX : MATCH_RANGE;
	return 0;
}

/*
 * A matcher: a string (equal), a list of strings (any of), {matches: RE}
 * and, with allow_range, {min: N, max: N}. Problems go to probs and leave
 * a matcher that matches nothing. 0, or a negative pc_code (fatal reader
 * problem, out of memory).
 */
int matcher_parse(yreader *r, const yr_event *first, arena *a,
		  const pc_limits *limits, problems *probs, bool allow_range,
		  matcher *out)
{
	const char *text;

	match_nothing(out);
	switch (first->type) {
	case YR_SCALAR:
		if (yr_is_null(first))
			break;
		text = matcher_text(a, first, allow_range);
		out->values = text ? arena_alloc(a, sizeof *out->values) : NULL;
		if (!out->values)
			return PC_ENOMEM;
		out->values[0] = text;
		out->nvalues = 1;
		return 0;
	case YR_SEQ_START:
		return string_list(r, a, probs, allow_range, &out->values,
				   &out->nvalues);
	case YR_MAP_START:
		return matcher_map(r, first, a, limits, probs, allow_range, out);
	default:
		break;
	}
	return bad_type(r, probs, first, allow_range
			? "a string, a list of strings, {matches: REGEX} or "
			  "{min: N, max: N}"
			: "a string, a list of strings or {matches: REGEX}");
}

/* An integer in canonical decimal (as attrs store them), or -1. */
static int parse_decimal(const char *s, size_t len, int64_t *out)
{
	yr_event ev = { .type = YR_SCALAR, .text = s, .len = len, .plain = true };

	return yr_int(&ev, out);
}

/*
 * 1 when text (NULL: the field is absent) satisfies m, 0 when not, -1 when
 * a regular expression could not finish (its match or depth limit, or any
 * other matching error: the answer is unknown either way).
 */
int matcher_match(const matcher *m, const char *text, size_t len)
{
	int64_t n;
	uint32_t i;
	int rc;

	if (m->kind == MATCH_ANY)
		return 1;
	if (!text)
		return 0;
	switch (m->kind) {
	case MATCH_EQUAL:
		for (i = 0; i < m->nvalues; i++)
			if (text_is_counted(text, len, m->values[i]))
				return 1;
		return 0;
	case MATCH_REGEX:
		rc = regex_match(m->regex, text, len);
		return rc == 1 ? 1 : rc == 0 ? 0 : -1;
	case MATCH_RANGE:
		if (parse_decimal(text, len, &n) < 0)
			return 0;
		return (!m->has_min || n >= m->min) && (!m->has_max || n <= m->max);
	default:
		return 0;
	}
}

/* An attribute against a matcher: ranges need a real integer. */
static int attr_match(const matcher *m, const attrs *have, const char *key)
{
	const value *v = attrs_get(have, key);

	if (m->kind == MATCH_RANGE) {
		if (!v || v->type != VAL_INT)
			return 0;
		return (!m->has_min || v->num >= m->min) &&
		       (!m->has_max || v->num <= m->max);
	}
	return matcher_match(m, v ? v->text : NULL, v ? str_len(v->text) : 0);
}

static int attrs_match(const attr_matcher *want, uint32_t n,
		       const attrs *have)
{
	uint32_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = attr_match(&want[i].m, have, want[i].key)) != 1)
			return rc;
	return 1;
}

/* ---- selectors ----------------------------------------------------------- */

static int parse_attrs(yreader *r, const yr_event *first, arena *a,
		       const pc_limits *limits, problems *probs,
		       attr_matcher **out, uint32_t *count)
{
	attr_matcher *items = NULL;
	size_t n = 0, cap = 0;
	yr_map m;
	yr_event key, ev;
	int rc;

	*out = NULL;
	*count = 0;
	if (first->type != YR_MAP_START)
		return bad_type(r, probs, first,
				"a mapping of attribute names to matchers");
	yr_map_begin(r, &m, first);
	while ((rc = yr_map_next(r, &m, &key)) > 0) {
		if (pc_grow(&items, &cap, n + 1, sizeof *items) < 0 ||
		    !(items[n].key = arena_strndup(a, key.text, key.len))) {
			rc = PC_ENOMEM;
			break;
		}
		if ((rc = yr_next(r, &ev)) < 0 ||
		    (rc = matcher_parse(r, &ev, a, limits, probs, true,
					&items[n].m)) < 0)
			break;
		n++;
	}
	if (rc < 0) {
		yr_map_abort(r, &m);
		goto out;
	}
	if (n) {
		*out = arena_alloc(a, n * sizeof **out);
		if (!*out) {
			rc = PC_ENOMEM;
			goto out;
		}
		memcpy(*out, items, n * sizeof **out);
		*count = (uint32_t)n;
	}
out:
	pc_free(items);
	return rc;
}

static int status_one(problems *probs, const yr_event *ev, uint32_t *mask,
		      bool *bad)
{
	const char *hint;
	int i;

	for (i = 0; status_names[i]; i++) {
		if (text_is(ev->text, ev->len, status_names[i])) {
			*mask |= STATUS_BIT(i);
			return 0;
		}
	}
	hint = prob_suggest(ev->text, status_names);
	*bad = true;
	prob_report(probs, PROB_BAD_VALUE, ev->line, ev->col,
		    "unknown status '%s': expected active, new, merged or "
		    "dissolved%s%s%s", ev->text, hint ? "; did you mean '" : "",
		    hint ? hint : "", hint ? "'?" : "");
	return 0;
}

/* status: a string or a list of strings. Like a malformed matcher, a list
 * with a bad entry selects nothing. */
static int parse_status(yreader *r, const yr_event *first, problems *probs,
			uint32_t *mask)
{
	yr_event ev;
	bool bad = false;
	int rc;

	*mask = 0;
	if (is_text(first))
		return status_one(probs, first, mask, &bad);
	if (first->type != YR_SEQ_START)
		return bad_type(r, probs, first,
				"a status or a list of statuses");
	for (;;) {
		if ((rc = yr_next(r, &ev)) < 0)
			return rc;
		if (ev.type == YR_SEQ_END)
			break;
		if (!is_text(&ev)) {
			bad = true;
			rc = bad_type(r, probs, &ev, "a status");
		} else {
			rc = status_one(probs, &ev, mask, &bad);
		}
		if (rc < 0)
			return rc;
	}
	if (bad)
		*mask = 0;
	return 0;
}

/*
 * A unit selector (see rules-format.md, "Selectors"). *first must be the
 * selector's node; a node that is not a mapping is reported and leaves a
 * selector that selects nothing. 0, or a negative pc_code.
 */
int selector_parse(yreader *r, const yr_event *first, arena *a,
		   const pc_limits *limits, problems *probs, selector *out)
{
	size_t problems_before = probs->count;
	yr_map m;
	yr_event key, ev;
	int rc;

	memset(out, 0, sizeof *out);
	out->given = true;
	out->status_mask = STATUS_AFTER;
	out->line = first->line;
	out->col = first->col;
	if (first->type != YR_MAP_START) {
		out->status_mask = 0;
		return bad_type(r, probs, first, "a selector (a mapping)");
	}
	yr_map_begin(r, &m, first);
	while ((rc = yr_map_next(r, &m, &key)) > 0) {
		int k = key_index(&key, selector_keys);

		if (k < 0) {
			rc = unknown_key(r, probs, &key, selector_keys,
					 "a selector");
			goto next;
		}
		if ((rc = yr_next(r, &ev)) < 0)
			goto next;
		switch (k) {
		case 0:
			rc = matcher_parse(r, &ev, a, limits, probs, false,
					   &out->level);
			break;
		case 1:
			rc = matcher_parse(r, &ev, a, limits, probs, false,
					   &out->kind);
			break;
		case 2:
			rc = matcher_parse(r, &ev, a, limits, probs, false,
					   &out->id);
			break;
		case 3:
			rc = matcher_parse(r, &ev, a, limits, probs, false,
					   &out->name);
			break;
		case 4:
			if (ev.type != YR_SEQ_START)
				rc = bad_type(r, probs, &ev, "a list of tags");
			else
				rc = string_list(r, a, probs, false,
						 &out->tags, &out->ntags);
			break;
		case 5:
			if (!is_text(&ev))
				rc = bad_type(r, probs, &ev, "a unit id");
			else if (!(out->under = counted_copy(a, ev.text,
							     ev.len)))
				rc = PC_ENOMEM;
			break;
		case 6:
			rc = parse_status(r, &ev, probs, &out->status_mask);
			break;
		default:
			rc = parse_attrs(r, &ev, a, limits, probs, &out->attrs,
					 &out->nattrs);
			break;
		}
next:
		if (rc < 0) {
			yr_map_abort(r, &m);
			return rc;
		}
	}
	if (probs->count != problems_before)
		out->status_mask = 0;
	return rc;
}

/* A person selector: id, name and attrs, as for units. */
int person_selector_parse(yreader *r, const yr_event *first, arena *a,
			  const pc_limits *limits, problems *probs,
			  person_selector *out)
{
	size_t problems_before = probs->count;
	yr_map m;
	yr_event key, ev;
	int rc;

	memset(out, 0, sizeof *out);
	out->given = true;
	out->line = first->line;
	out->col = first->col;
	if (first->type != YR_MAP_START) {
		match_nothing(&out->id);
		return bad_type(r, probs, first,
				"a person selector (a mapping)");
	}
	yr_map_begin(r, &m, first);
	while ((rc = yr_map_next(r, &m, &key)) > 0) {
		int k = key_index(&key, person_keys);

		if (k < 0)
			rc = unknown_key(r, probs, &key, person_keys,
					 "a person selector");
		else if ((rc = yr_next(r, &ev)) < 0)
			;
		else if (k == 0)
			rc = matcher_parse(r, &ev, a, limits, probs, false,
					   &out->id);
		else if (k == 1)
			rc = matcher_parse(r, &ev, a, limits, probs, false,
					   &out->name);
		else
			rc = parse_attrs(r, &ev, a, limits, probs, &out->attrs,
					 &out->nattrs);
		if (rc < 0) {
			yr_map_abort(r, &m);
			return rc;
		}
	}
	if (probs->count != problems_before)
		match_nothing(&out->id);
	return rc;
}

static bool has_tag(const unit *u, const char *tag)
{
	uint32_t i;

	for (i = 0; i < unit_ntags(u); i++)
		if (text_is_counted(unit_tag(u, i), str_len(unit_tag(u, i)), tag))
			return true;
	return false;
}

static int text_match(const matcher *m, const char *text)
{
	/* Most selectors leave most fields out: no call for those. */
	if (m->kind == MATCH_ANY)
		return 1;
	return matcher_match(m, text, text ? str_len(text) : 0);
}

/*
 * Does s select u in plan? Cheap tests run first; a regular expression
 * that hits its limit makes the answer -1. `under` names a unit of plan
 * (an unknown id selects nothing).
 */
int selector_match(const selector *s, const pc_plan *plan, const unit *u)
{
	uint32_t i;
	int rc;

	if (!(s->status_mask & STATUS_BIT(u->status)))
		return 0;
	for (i = 0; i < s->ntags; i++)
		if (!has_tag(u, s->tags[i]))
			return 0;
	if (s->under) {
		const unit *top = plan_unit(plan, s->under, str_len(s->under));
		if (!top || !unit_is_under(u, top))
			return 0;
	}
	if ((rc = text_match(&s->level, u->level)) != 1 ||
	    (rc = text_match(&s->kind, u->kind)) != 1 ||
	    (rc = text_match(&s->id, u->id)) != 1 ||
	    (rc = text_match(&s->name, u->name)) != 1)
		return rc;
	return attrs_match(s->attrs, s->nattrs, &u->attrs);
}

/* Can m accept text? Only an equality test can say no for sure. */
static bool pair_test_may(const matcher *m, const char *text)
{
	if (m->kind != MATCH_EQUAL)
		return true;
	return matcher_match(m, text, text ? str_len(text) : 0) == 1;
}

int selector_pair_answer(const selector *s, bool simple, const char *level,
			 const char *kind)
{
	if (!pair_test_may(&s->level, level))
		return 0;
	/* A regular expression on the level runs before the kind's test in
	 * selector_match, and may hit its limit there: a -1 that a 0 here
	 * would hide. (A simple selector has none.) */
	if (s->level.kind == MATCH_REGEX)
		return SELECT_ASK;
	if (!pair_test_may(&s->kind, kind))
		return 0;
	return simple ? 1 : SELECT_ASK;
}

bool selector_simple(const selector *s)
{
	return s->ntags == 0 && !s->under && s->nattrs == 0 &&
	       (s->level.kind == MATCH_ANY || s->level.kind == MATCH_EQUAL) &&
	       (s->kind.kind == MATCH_ANY || s->kind.kind == MATCH_EQUAL) &&
	       s->id.kind == MATCH_ANY && s->name.kind == MATCH_ANY;
}

bool selector_has_regex(const selector *s)
{
	uint32_t i;

	if (s->level.kind == MATCH_REGEX || s->kind.kind == MATCH_REGEX ||
	    s->id.kind == MATCH_REGEX || s->name.kind == MATCH_REGEX)
		return true;
	for (i = 0; i < s->nattrs; i++)
		if (s->attrs[i].m.kind == MATCH_REGEX)
			return true;
	return false;
}

int person_selector_match(const person_selector *s, const person *p)
{
	int rc;

	if ((rc = text_match(&s->id, p->id)) != 1 ||
	    (rc = text_match(&s->name, p->name)) != 1)
		return rc;
	return attrs_match(s->attrs, s->nattrs, &p->attrs);
}
