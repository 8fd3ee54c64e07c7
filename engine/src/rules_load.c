/* rules_load.c - rule pack YAML -> rule set (rules-format.md).
 *
 * One pass over the reader's events. Every problem of the file is
 * reported, each with file:line:column, and loading goes on after it, so
 * a user fixes a pack in one round. A pack with any problem adds nothing
 * to the set.
 *
 * Each pack is built in an arena of its own; only a pack that loaded
 * cleanly is handed to the set, whose arena frees it (with its compiled
 * regular expressions) in pc_ruleset_free. A failed pack is freed at
 * once, so loading a broken pack again and again costs nothing.
 *
 * A rule's keys may come in any order, and the kind decides which keys
 * are allowed and what the message may say. So every key is parsed into
 * a draft as it comes, and the draft is judged once the rule's mapping
 * has been read. */
#include "rules.h"
#include "alloc.h"
#include "problems.h"
#include "regex.h"
#include "select.h"
#include "strtab.h"
#include "yread.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define IDENT_MAX 128
#define SHOWN_MAX 60       /* bytes of user text quoted back in a message */

typedef struct loader {
	yreader *r;
	arena *a;                  /* the pack's arena */
	const pc_limits *limits;
	problems probs;
	pc_errors *errors;
	const pc_ruleset *set;
	rule_pack *pack;
	strtab ids;                /* interned rule ids (idmap keys) */
	idmap local;               /* rule id -> rule, this pack */
	rule **rules;
	size_t nrules, rules_cap;
	size_t rules_seen;         /* entries of `rules:`, for max_rules */
	bool is_plan;              /* the file says `plancheck: plan/...` */
	uint32_t plan_line, plan_col;
	bool oom;
	bool limit_hit;
	char quoted[SHOWN_MAX + 3];  /* what_is() output */
} loader;

/* ---- reporting ------------------------------------------------------------ */

static void on_problem(void *ctx, prob_kind kind, const char *file,
		       uint32_t line, uint32_t col, const char *msg)
{
	loader *L = ctx;

	if (kind == PROB_LIMIT)
		L->limit_hit = true;
	if (errors_add(L->errors, file, line, col, "%s", msg) < 0)
		L->oom = true;
}

#define report(L, kind, line, col, ...) \
	prob_report(&(L)->probs, (kind), (line), (col), __VA_ARGS__)

static int nomem(loader *L)
{
	L->oom = true;
	return PC_ENOMEM;
}

/* How many bytes of user text to quote: at most SHOWN_MAX, never cutting
 * a UTF-8 sequence in two. */
static int shown(const char *text, size_t len)
{
	if (len <= SHOWN_MAX)
		return (int)len;
	len = SHOWN_MAX;
	while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
		len--;
	return (int)len;
}

/* "a list", "null", or the scalar itself in quotes, for "not ...". One
 * per message: the text lives in the loader until the next call. */
static const char *what_is(loader *L, const yr_event *ev)
{
	if (ev->type != YR_SCALAR || yr_is_null(ev))
		return yr_type_name(ev);
	snprintf(L->quoted, sizeof L->quoted, "'%.*s'",
		 shown(ev->text, ev->len), ev->text);
	return L->quoted;
}

/* Join a NULL-terminated list as "a, b or c" into buf. */
static const char *join(const char *const *names, char *buf, size_t buflen)
{
	size_t n = 0, i, off = 0;

	while (names[n])
		n++;
	buf[0] = '\0';
	for (i = 0; i < n && off < buflen; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(buf + off, buflen - off, "%s%s", sep, names[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

/* Report a key the mapping does not take; returns the key suggested
 * instead, if any, so that the caller need not also report that key as
 * missing: one typo, one message. */
static const char *unknown_key(loader *L, const yr_event *key,
			       const char *where, const char *const *known)
{
	const char *hint = prob_suggest(key->text, known);
	char list[512];

	if (hint)
		report(L, PROB_UNKNOWN_KEY, key->line, key->col,
		       "unknown key '%.*s' in %s (did you mean '%s'?)",
		       shown(key->text, key->len), key->text, where, hint);
	else
		report(L, PROB_UNKNOWN_KEY, key->line, key->col,
		       "unknown key '%.*s' in %s (expected %s)",
		       shown(key->text, key->len), key->text, where,
		       join(known, list, sizeof list));
	return hint;
}

/* ---- values ------------------------------------------------------------- */

/*
 * The take_* helpers each consume one value node, whose first event is
 * *ev. They return 1 when *out was set, 0 when a problem was reported
 * (the node is skipped), or a negative pc_code on a fatal problem.
 */

static int skip(loader *L, const yr_event *ev)
{
	int rc = yr_skip(L->r, ev);

	return rc < 0 ? rc : 0;
}

static int next_value(loader *L, yr_event *ev)
{
	return yr_next(L->r, ev);
}

static int take_string(loader *L, const yr_event *ev, const char *key,
		       const char **out)
{
	if (ev->type != YR_SCALAR || yr_is_null(ev)) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be a string, not %s", key, what_is(L, ev));
		return skip(L, ev);
	}
	*out = arena_strndup(L->a, ev->text, ev->len);
	if (!*out)
		return nomem(L);
	return 1;
}

/* NULL when text is a valid identifier, else why not. */
static const char *ident_problem(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return "it is empty";
	if (len > IDENT_MAX)
		return "it is longer than 128 bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');
		if (alnum || (i > 0 && (c == '.' || c == '_' || c == '-')))
			continue;
		return i == 0 ? "it must start with a letter or a digit"
			      : "only letters, digits, '.', '_' and '-' may "
				"follow the first character";
	}
	return NULL;
}

static int take_ident(loader *L, const yr_event *ev, const char *key,
		      const char **out)
{
	const char *why;

	if (ev->type != YR_SCALAR || yr_is_null(ev)) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be an identifier, not %s", key,
		       what_is(L, ev));
		return skip(L, ev);
	}
	why = ident_problem(ev->text, ev->len);
	if (why) {
		report(L, PROB_BAD_VALUE, ev->line, ev->col,
		       "'%.*s' is not a valid identifier for '%s': %s",
		       shown(ev->text, ev->len), ev->text, key, why);
		return 0;
	}
	*out = arena_strndup(L->a, ev->text, ev->len);
	if (!*out)
		return nomem(L);
	return 1;
}

static int take_int(loader *L, const yr_event *ev, const char *key,
		    int64_t min, int64_t max, int64_t *out)
{
	int64_t v;

	if (ev->type != YR_SCALAR || yr_int(ev, &v) < 0) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be a whole number, not %s", key,
		       what_is(L, ev));
		return skip(L, ev);
	}
	if (v < min || v > max) {
		report(L, PROB_BAD_VALUE, ev->line, ev->col,
		       "'%s' must be from %" PRId64 " to %" PRId64 ", not %"
		       PRId64, key, min, max, v);
		return 0;
	}
	*out = v;
	return 1;
}

/* A count: a non-negative integer that fits in 32 bits (plan-format.md). */
static int take_count(loader *L, const yr_event *ev, const char *key,
		      int64_t min, int64_t *out)
{
	int64_t v;

	if (ev->type != YR_SCALAR || yr_int(ev, &v) < 0) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be a whole number, not %s", key,
		       what_is(L, ev));
		return skip(L, ev);
	}
	if (v < min || v > (int64_t)UINT32_MAX) {
		report(L, PROB_BAD_VALUE, ev->line, ev->col,
		       "'%s' must be a whole number from %" PRId64
		       " to 4294967295, not %" PRId64, key, min, v);
		return 0;
	}
	*out = v;
	return 1;
}

static int take_bool(loader *L, const yr_event *ev, const char *key,
		     bool *out)
{

	if (ev->type != YR_SCALAR || yr_bool(ev, out) < 0) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be true or false, not %s", key,
		       what_is(L, ev));
		return skip(L, ev);
	}
	return 1;
}

static int take_date(loader *L, const yr_event *ev, const char *key,
		     pc_date *out)
{

	if (ev->type != YR_SCALAR || yr_is_null(ev) ||
	    pc_date_parse(ev->text, ev->len, out) < 0) {
		report(L, ev->type == YR_SCALAR && !yr_is_null(ev)
			  ? PROB_BAD_VALUE : PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be a real date written YYYY-MM-DD, not %s",
		       key, what_is(L, ev));
		return skip(L, ev);
	}
	return 1;
}

/* One of names (NULL-terminated); *out is its index. */
static int take_enum(loader *L, const yr_event *ev, const char *key,
		     const char *const *names, int *out)
{
	char list[256];
	const char *hint;
	int i;

	if (ev->type == YR_SCALAR && !yr_is_null(ev)) {
		for (i = 0; names[i]; i++) {
			if (strlen(names[i]) == ev->len &&
			    memcmp(names[i], ev->text, ev->len) == 0) {
				*out = i;
				return 1;
			}
		}
		hint = prob_suggest(ev->text, names);
		if (hint) {
			report(L, PROB_BAD_VALUE, ev->line, ev->col,
			       "'%s' must be %s, not %s (did you mean '%s'?)",
			       key, join(names, list, sizeof list),
			       what_is(L, ev), hint);
			return 0;
		}
	}
	report(L, ev->type == YR_SCALAR && !yr_is_null(ev) ? PROB_BAD_VALUE
							   : PROB_BAD_TYPE,
	       ev->line, ev->col, "'%s' must be %s, not %s", key,
	       join(names, list, sizeof list), what_is(L, ev));
	return skip(L, ev);
}

/* Compile a regular expression given as the scalar *ev (already known
 * to be one). 1 and *out, 0 reported, or PC_ENOMEM. */
static int take_regex(loader *L, const yr_event *ev, const char *key,
		      pc_regex **out)
{
	char err[256];
	size_t offset = 0;

	if (ev->len > L->limits->max_regex_len) {
		report(L, PROB_LIMIT, ev->line, ev->col,
		       "the regular expression in '%s' is %zu bytes, over the "
		       "limit of %u bytes: shorten it", key, ev->len,
		       (unsigned)L->limits->max_regex_len);
		return 0;
	}
	*out = regex_compile(L->a, ev->text, ev->len, L->limits, err,
			     sizeof err, &offset);
	if (*out)
		return 1;
	if (strcmp(err, "out of memory") == 0)
		return nomem(L);
	report(L, PROB_BAD_REGEX, ev->line, ev->col,
	       "invalid regular expression in '%s': %s at offset %zu of "
	       "'%.*s'", key, err, offset, shown(ev->text, ev->len), ev->text);
	return 0;
}

static int take_regex_string(loader *L, const yr_event *ev, const char *key,
			     pc_regex **out)
{
	if (ev->type != YR_SCALAR || yr_is_null(ev)) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be a regular expression (a string), not %s",
		       key, what_is(L, ev));
		return skip(L, ev);
	}
	return take_regex(L, ev, key, out);
}

static int take_selector(loader *L, const yr_event *ev, selector *out)
{
	int rc = selector_parse(L->r, ev, L->a, L->limits, &L->probs, out);

	if (rc == PC_ENOMEM)
		L->oom = true;
	return rc < 0 ? rc : 1;
}

static int take_person_selector(loader *L, const yr_event *ev,
				person_selector *out)
{
	int rc = person_selector_parse(L->r, ev, L->a, L->limits, &L->probs,
				       out);

	if (rc == PC_ENOMEM)
		L->oom = true;
	return rc < 0 ? rc : 1;
}

/* A list of strings, each checked by take (take_ident or take_string).
 * *out is an arena array of *n items. */
static int take_string_list(loader *L, const yr_event *ev, const char *key,
			    int (*take)(loader *, const yr_event *,
					const char *, const char **),
			    const char ***out, uint32_t *n)
{
	const char **items = NULL, **copy;
	size_t count = 0, cap = 0;
	yr_event item;
	int rc, ok = 1;

	*out = NULL;
	*n = 0;
	if (ev->type != YR_SEQ_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be a list, not %s", key, what_is(L, ev));
		return skip(L, ev);
	}
	for (;;) {
		const char *s = NULL;

		if ((rc = next_value(L, &item)) < 0)
			goto out;
		if (item.type == YR_SEQ_END)
			break;
		if ((rc = take(L, &item, key, &s)) < 0)
			goto out;
		if (rc == 0) {
			ok = 0;
			continue;
		}
		if (pc_grow(&items, &cap, count + 1, sizeof *items) < 0) {
			rc = nomem(L);
			goto out;
		}
		items[count++] = s;
	}
	if (count > UINT32_MAX) {
		rc = nomem(L);
		goto out;
	}
	copy = count ? arena_alloc(L->a, count * sizeof *copy) : NULL;
	if (count && !copy) {
		rc = nomem(L);
		goto out;
	}
	if (count)
		memcpy(copy, items, count * sizeof *copy);
	*out = copy;
	*n = (uint32_t)count;
	rc = ok;
out:
	pc_free(items);
	return rc;
}

/* ---- merged_titles: allow and forbid entries --------------------------- */

static const char *const combo_keys[] = {
	"titles", "within", "levels", "holder", NULL
};

/* A combination names at least two titles, each once. */
static void check_titles(loader *L, const yr_event *v, const title_combo *c)
{
	uint32_t i, j;

	if (c->ntitles < 2)
		report(L, PROB_BAD_VALUE, v->line, v->col,
		       "'titles' must list at least two titles (a "
		       "combination), not %u", (unsigned)c->ntitles);
	for (i = 0; i < c->ntitles; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(c->titles[i], c->titles[j]) == 0) {
				report(L, PROB_BAD_VALUE, v->line, v->col,
				       "'titles' lists '%s' twice",
				       c->titles[i]);
				break;
			}
		}
	}
}

static int read_combo(loader *L, const yr_event *start, const char *list,
		      title_combo *c)
{
	char where[64];
	yr_event key, v;
	yr_map m;
	bool has_titles = false, hinted = false;
	int rc;

	memset(c, 0, sizeof *c);
	c->where.file = L->pack->file;
	c->where.line = start->line;
	c->where.col = start->col;
	snprintf(where, sizeof where, "an entry of '%s'", list);
	yr_map_begin(L->r, &m, start);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		if ((rc = next_value(L, &v)) < 0)
			break;
		if (strcmp(key.text, "titles") == 0) {
			has_titles = true;
			rc = take_string_list(L, &v, "titles", take_ident,
					      &c->titles, &c->ntitles);
			if (rc == 1)
				check_titles(L, &v, c);
		} else if (strcmp(key.text, "within") == 0) {
			rc = take_string(L, &v, "within", &c->within);
			if (rc == 1 && c->within[0] == '\0') {
				report(L, PROB_BAD_VALUE, v.line, v.col,
				       "'within' must be \"unit\" or a level "
				       "name, not an empty string");
			}
		} else if (strcmp(key.text, "levels") == 0) {
			rc = take_string_list(L, &v, "levels", take_string,
					      &c->levels, &c->nlevels);
			if (rc == 1 && c->nlevels == 0)
				report(L, PROB_BAD_VALUE, v.line, v.col,
				       "'levels' is empty: list the levels, "
				       "or leave the key out for any level");
		} else if (strcmp(key.text, "holder") == 0) {
			rc = take_person_selector(L, &v, &c->holder);
		} else {
			const char *hint = unknown_key(L, &key, where,
						       combo_keys);
			hinted |= hint && strcmp(hint, "titles") == 0;
			rc = skip(L, &v);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		yr_map_abort(L->r, &m);
		return rc;
	}
	if (!has_titles && !hinted)
		report(L, PROB_MISSING_KEY, start->line, start->col,
		       "missing key 'titles' in %s (the titles of the "
		       "combination)", where);
	return 0;
}

/* allow: or forbid: a list of combinations. */
static int read_combos(loader *L, const yr_event *ev, const char *key,
		       title_combo **out, uint32_t *n)
{
	title_combo *items = NULL;
	size_t count = 0, cap = 0;
	yr_event item;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (ev->type != YR_SEQ_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'%s' must be a list of {titles: [...], within: ...} "
		       "entries, not %s", key, what_is(L, ev));
		return skip(L, ev);
	}
	for (;;) {
		if ((rc = next_value(L, &item)) < 0)
			goto out;
		if (item.type == YR_SEQ_END)
			break;
		if (item.type != YR_MAP_START) {
			report(L, PROB_BAD_TYPE, item.line, item.col,
			       "an entry of '%s' must be a mapping "
			       "({titles: [...], within: ...}), not %s",
			       key, what_is(L, &item));
			if ((rc = skip(L, &item)) < 0)
				goto out;
			continue;
		}
		if (pc_grow(&items, &cap, count + 1, sizeof *items) < 0) {
			rc = nomem(L);
			goto out;
		}
		if ((rc = read_combo(L, &item, key, &items[count])) < 0)
			goto out;
		count++;
	}
	if (count > UINT32_MAX) {
		rc = nomem(L);
		goto out;
	}
	if (count) {
		*out = arena_alloc(L->a, count * sizeof **out);
		if (!*out) {
			rc = nomem(L);
			goto out;
		}
		memcpy(*out, items, count * sizeof **out);
	}
	*n = (uint32_t)count;
	rc = 1;
out:
	pc_free(items);
	return rc;
}

/* ---- rules: keys and drafts -------------------------------------------- */

enum rule_key {
	RK_ID, RK_KIND, RK_SEVERITY, RK_DESCRIPTION, RK_BASIS, RK_MESSAGE,
	RK_EFFECTIVE,
	RK_MAX_POSITIONS, RK_ALLOW, RK_FORBID,
	RK_TASK, RK_DUE, RK_GRACE_DAYS, RK_BEHIND_BY, RK_UNITS,
	RK_FOR, RK_MEASURE, RK_SCOPE, RK_MAX, RK_MIN, RK_MAX_BY, RK_REDUCE,
	RK_TARGET, RK_FIELD, RK_MATCHES, RK_NEGATE, RK_REQUIRED,
	RK_COUNT_
};

#define KB(kind) (1u << (kind))
#define K_TITLES KB(PC_KIND_MERGED_TITLES)
#define K_DEADLINE KB(PC_KIND_DEADLINE)
#define K_QUOTA KB(PC_KIND_QUOTA)
#define K_PATTERN KB(PC_KIND_PATTERN)
#define K_ALL (K_TITLES | K_DEADLINE | K_QUOTA | K_PATTERN)

static const struct {
	const char *name;
	unsigned kinds;      /* the kinds that take the key */
} rule_keys[RK_COUNT_] = {
	[RK_ID] = {"id", K_ALL},
	[RK_KIND] = {"kind", K_ALL},
	[RK_SEVERITY] = {"severity", K_ALL},
	[RK_DESCRIPTION] = {"description", K_ALL},
	[RK_BASIS] = {"basis", K_ALL},
	[RK_MESSAGE] = {"message", K_ALL},
	[RK_EFFECTIVE] = {"effective", K_ALL},
	[RK_MAX_POSITIONS] = {"max_positions", K_TITLES},
	[RK_ALLOW] = {"allow", K_TITLES},
	[RK_FORBID] = {"forbid", K_TITLES},
	[RK_TASK] = {"task", K_DEADLINE},
	[RK_DUE] = {"due", K_DEADLINE},
	[RK_GRACE_DAYS] = {"grace_days", K_DEADLINE},
	[RK_BEHIND_BY] = {"behind_by", K_DEADLINE},
	[RK_UNITS] = {"units", K_DEADLINE},
	[RK_FOR] = {"for", K_QUOTA | K_PATTERN},
	[RK_MEASURE] = {"measure", K_QUOTA},
	[RK_SCOPE] = {"scope", K_QUOTA},
	[RK_MAX] = {"max", K_QUOTA},
	[RK_MIN] = {"min", K_QUOTA},
	[RK_MAX_BY] = {"max_by", K_QUOTA},
	[RK_REDUCE] = {"reduce", K_QUOTA},
	[RK_TARGET] = {"target", K_PATTERN},
	[RK_FIELD] = {"field", K_PATTERN},
	[RK_MATCHES] = {"matches", K_PATTERN},
	[RK_NEGATE] = {"negate", K_PATTERN},
	[RK_REQUIRED] = {"required", K_PATTERN},
};

/* In pc_rule_kind order. */
static const char *const kind_names[] = {
	"merged_titles", "deadline", "quota", "pattern", NULL
};
static const char *const severity_names[] = {"error", "warning", "info", NULL};
static const pc_severity severity_values[] = {
	PC_SEV_ERROR, PC_SEV_WARNING, PC_SEV_INFO
};
/* In measure_kind, staff_field, quota_scope, pattern_target order. */
static const char *const measure_keys[] = {
	"staff", "holders", "positions", "units", NULL
};
static const char *const staff_names[] = {"baseline", "quota", "actual", NULL};
static const char *const scope_names[] = {"unit", "children", "subtree", NULL};
static const char *const target_names[] = {
	"units", "people", "titles", "tasks", NULL
};

/* A key no kind takes, kept until the kind is known so the message can
 * name it and suggest from the right keys. */
typedef struct unknown_note {
	struct unknown_note *next;
	const char *key;
	uint32_t line, col;
} unknown_note;

typedef struct rule_draft {
	bool seen[RK_COUNT_];
	bool hinted[RK_COUNT_];     /* suggested for an unknown key */
	rloc at[RK_COUNT_];         /* where each key was */
	const char *id;             /* interned; NULL when missing or bad */
	int kind;                   /* -1: missing or bad */
	pc_severity severity;
	const char *description, *basis;
	const char *message;        /* template text, parsed at the end */
	size_t message_len;
	uint32_t message_line, message_col;
	pc_date effective;
	merged_titles_rule titles;
	deadline_rule deadline;
	quota_rule quota;
	pattern_rule pattern;
	selector for_units;         /* quota and pattern */
	bool measure_given;         /* quota.measure was read */
	bool scope_given;
	uint32_t scope_line, scope_col;
	int target;                 /* -1: missing or bad */
	const char *field;
	uint32_t field_line, field_col;
	unknown_note *unknown;
} rule_draft;

static int rule_key_index(const char *name)
{
	int i;

	for (i = 0; i < RK_COUNT_; i++) {
		if (strcmp(rule_keys[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* "a quota rule", or "a rule" when the kind is not known. */
static const char *rule_phrase(int kind, char *buf, size_t buflen)
{
	if (kind < 0)
		return "a rule";
	snprintf(buf, buflen, "a %s rule", kind_names[kind]);
	return buf;
}

/* ---- deadline ------------------------------------------------------------ */

static const char *const task_keys[] = {"matches", NULL};

static int read_task(loader *L, const yr_event *ev, deadline_rule *dl)
{
	yr_event key, v;
	yr_map m;
	bool has_matches = false, hinted = false;
	int rc;

	dl->task_where.file = L->pack->file;
	dl->task_where.line = ev->line;
	dl->task_where.col = ev->col;
	if (ev->type == YR_SCALAR && !yr_is_null(ev))
		return take_ident(L, ev, "task", &dl->task);
	if (ev->type != YR_MAP_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'task' must be a task id or {matches: REGEX}, not %s",
		       what_is(L, ev));
		return skip(L, ev);
	}
	yr_map_begin(L->r, &m, ev);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		if ((rc = next_value(L, &v)) < 0)
			break;
		if (strcmp(key.text, "matches") == 0) {
			has_matches = true;
			rc = take_regex_string(L, &v, "matches",
					       &dl->task_regex);
		} else {
			hinted |= unknown_key(L, &key, "'task'",
					      task_keys) != NULL;
			rc = skip(L, &v);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		yr_map_abort(L->r, &m);
		return rc;
	}
	if (!has_matches && !hinted)
		report(L, PROB_MISSING_KEY, ev->line, ev->col,
		       "missing key 'matches' in 'task' (write a task id, "
		       "or {matches: REGEX} for several tasks)");
	return 1;
}

/* ---- quota ------------------------------------------------------------------ */

static int read_measure(loader *L, const yr_event *ev, rule_draft *d)
{
	const char *first = NULL;
	bool unknown = false;
	yr_event key, v;
	yr_map m;
	int rc, idx;

	if (ev->type != YR_MAP_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'measure' must be a mapping with one of staff, "
		       "holders, positions or units, not %s",
		       what_is(L, ev));
		return skip(L, ev);
	}
	yr_map_begin(L->r, &m, ev);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		if ((rc = next_value(L, &v)) < 0)
			break;
		for (idx = 0; measure_keys[idx]; idx++) {
			if (strcmp(measure_keys[idx], key.text) == 0)
				break;
		}
		if (!measure_keys[idx]) {
			unknown_key(L, &key, "'measure'", measure_keys);
			unknown = true;
			rc = skip(L, &v);
		} else if (first) {
			report(L, PROB_BAD_VALUE, key.line, key.col,
			       "'measure' takes exactly one of staff, "
			       "holders, positions or units: '%s' comes "
			       "after '%s'", measure_keys[idx], first);
			rc = skip(L, &v);
		} else {
			int staff = 0;

			first = measure_keys[idx];
			d->measure_given = true;
			d->quota.measure = (measure_kind)idx;
			switch (idx) {
			case MEASURE_STAFF:
				rc = take_enum(L, &v, "staff", staff_names,
					       &staff);
				d->quota.staff = (staff_field)staff;
				break;
			case MEASURE_HOLDERS:
			case MEASURE_POSITIONS:
				d->quota.title_where.file = L->pack->file;
				d->quota.title_where.line = v.line;
				d->quota.title_where.col = v.col;
				rc = take_ident(L, &v, measure_keys[idx],
						&d->quota.title);
				break;
			default:
				rc = take_selector(L, &v, &d->quota.units);
				break;
			}
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		yr_map_abort(L->r, &m);
		return rc;
	}
	/* An unknown key has said what the measure may be. */
	if (!first && !unknown)
		report(L, PROB_MISSING_KEY, ev->line, ev->col,
		       "'measure' needs one of staff, holders, positions or "
		       "units");
	return 1;
}

/* The text an attribute value compares by: decimal for integers,
 * true/false for booleans, else the text as written (dates included). */
static const char *canonical_value(loader *L, const yr_event *key)
{
	char buf[24];
	int64_t n;
	bool b;

	if (yr_int(key, &n) == 0) {
		snprintf(buf, sizeof buf, "%" PRId64, n);
		return arena_strdup(L->a, buf);
	}
	if (yr_bool(key, &b) == 0)
		return arena_strdup(L->a, b ? "true" : "false");
	return arena_strndup(L->a, key->text, key->len);
}

/* *empty is cleared when the mapping has any key, good or bad. */
static int read_max_by_values(loader *L, const yr_event *ev, quota_rule *q,
			      bool *empty)
{
	max_by_entry *items = NULL;
	size_t count = 0, cap = 0, i;
	yr_event key, v;
	yr_map m;
	int rc;

	if (ev->type != YR_MAP_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'values' must be a mapping from the attribute's values "
		       "to caps (\"I\": 23), not %s", what_is(L, ev));
		return skip(L, ev);
	}
	yr_map_begin(L->r, &m, ev);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		const char *text = canonical_value(L, &key);
		int64_t cap_value;

		*empty = false;
		if (!text) {
			rc = nomem(L);
			break;
		}
		if ((rc = next_value(L, &v)) < 0)
			break;
		for (i = 0; i < count; i++) {
			if (strcmp(items[i].value, text) == 0) {
				report(L, PROB_DUPLICATE_KEY, key.line, key.col,
				       "'values' lists the value '%.*s' twice "
				       "(as '%.*s' here)",
				       shown(text, strlen(text)), text,
				       shown(key.text, key.len), key.text);
				break;
			}
		}
		if ((rc = take_count(L, &v, "values", 0, &cap_value)) < 0)
			break;
		if (rc == 0 || i < count)
			continue;
		if (pc_grow(&items, &cap, count + 1, sizeof *items) < 0) {
			rc = nomem(L);
			break;
		}
		items[count].value = text;
		items[count].cap = cap_value;
		count++;
	}
	if (rc < 0) {
		yr_map_abort(L->r, &m);
		goto out;
	}
	if (count > UINT32_MAX) {
		rc = nomem(L);
		goto out;
	}
	if (count) {
		q->max_by = arena_alloc(L->a, count * sizeof *q->max_by);
		if (!q->max_by) {
			rc = nomem(L);
			goto out;
		}
		memcpy(q->max_by, items, count * sizeof *items);
	}
	q->nmax_by = (uint32_t)count;
	rc = 1;
out:
	pc_free(items);
	return rc;
}

static const char *const max_by_keys[] = {"attr", "values", "default", NULL};

static int read_max_by(loader *L, const yr_event *ev, quota_rule *q)
{
	bool has_attr = false, has_values = false, values_empty = false;
	const char *hint;
	uint32_t values_line = 0, values_col = 0;
	yr_event key, v;
	yr_map m;
	int rc;

	if (ev->type != YR_MAP_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'max_by' must be a mapping {attr: KEY, values: {...}, "
		       "default: N}, not %s", what_is(L, ev));
		return skip(L, ev);
	}
	yr_map_begin(L->r, &m, ev);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		if ((rc = next_value(L, &v)) < 0)
			break;
		if (strcmp(key.text, "attr") == 0) {
			has_attr = true;
			rc = take_string(L, &v, "attr", &q->max_by_attr);
			if (rc == 1 && q->max_by_attr[0] == '\0')
				report(L, PROB_BAD_VALUE, v.line, v.col,
				       "'attr' must name an attribute, not be "
				       "empty");
		} else if (strcmp(key.text, "values") == 0) {
			has_values = true;
			values_line = v.line;
			values_col = v.col;
			values_empty = v.type == YR_MAP_START;
			rc = read_max_by_values(L, &v, q, &values_empty);
		} else if (strcmp(key.text, "default") == 0) {
			rc = take_count(L, &v, "default", 0,
					&q->max_by_default);
			if (rc == 1)
				q->max_by_has_default = true;
		} else {
			hint = unknown_key(L, &key, "'max_by'", max_by_keys);
			has_attr |= hint && strcmp(hint, "attr") == 0;
			has_values |= hint && strcmp(hint, "values") == 0;
			rc = skip(L, &v);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		yr_map_abort(L->r, &m);
		return rc;
	}
	if (!has_attr)
		report(L, PROB_MISSING_KEY, ev->line, ev->col,
		       "missing key 'attr' in 'max_by' (the unit attribute "
		       "that picks the cap)");
	if (!has_values)
		report(L, PROB_MISSING_KEY, ev->line, ev->col,
		       "missing key 'values' in 'max_by' (a mapping from the "
		       "attribute's values to caps)");
	else if (values_empty && !q->max_by_has_default)
		report(L, PROB_BAD_VALUE, values_line, values_col,
		       "'max_by' lists no values and no default: every unit "
		       "would lack a cap");
	return 1;
}

static const char *const reduce_keys[] = {"at_least", NULL};

static int read_reduce(loader *L, const yr_event *ev, quota_rule *q)
{
	bool has_at_least = false, hinted = false;
	yr_event key, v;
	yr_map m;
	int rc;

	if (ev->type != YR_MAP_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'reduce' must be a mapping {at_least: PERCENT}, not %s",
		       what_is(L, ev));
		return skip(L, ev);
	}
	yr_map_begin(L->r, &m, ev);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		if ((rc = next_value(L, &v)) < 0)
			break;
		if (strcmp(key.text, "at_least") == 0) {
			has_at_least = true;
			rc = take_int(L, &v, "at_least", 0, 100,
				      &q->reduce_at_least);
		} else {
			hinted |= unknown_key(L, &key, "'reduce'",
					      reduce_keys) != NULL;
			rc = skip(L, &v);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		yr_map_abort(L->r, &m);
		return rc;
	}
	if (!has_at_least && !hinted)
		report(L, PROB_MISSING_KEY, ev->line, ev->col,
		       "missing key 'at_least' in 'reduce' (the percentage "
		       "the staff must shrink by)");
	return 1;
}

/* ---- one rule -------------------------------------------------------------- */

static int take_rule_id(loader *L, const yr_event *ev, rule_draft *d)
{
	const char *why;

	if (ev->type != YR_SCALAR || yr_is_null(ev)) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'id' must be an identifier, not %s", what_is(L, ev));
		return skip(L, ev);
	}
	if ((ev->len >= 5 && memcmp(ev->text, "plan/", 5) == 0) ||
	    (ev->len >= 6 && memcmp(ev->text, "rules/", 6) == 0)) {
		report(L, PROB_BAD_VALUE, ev->line, ev->col,
		       "rule id '%.*s' uses a reserved prefix: ids starting "
		       "with 'plan/' or 'rules/' name the engine's own checks",
		       shown(ev->text, ev->len), ev->text);
		return 0;
	}
	why = ident_problem(ev->text, ev->len);
	if (why) {
		report(L, PROB_BAD_VALUE, ev->line, ev->col,
		       "rule id '%.*s' is not a valid identifier: %s",
		       shown(ev->text, ev->len), ev->text, why);
		return 0;
	}
	d->id = strtab_intern(&L->ids, ev->text, ev->len);
	if (!d->id)
		return nomem(L);
	return 1;
}

static int read_rule_value(loader *L, rule_draft *d, int k,
			   const yr_event *v)
{
	int idx = 0, rc;

	switch (k) {
	case RK_ID:
		return take_rule_id(L, v, d);
	case RK_KIND:
		rc = take_enum(L, v, "kind", kind_names, &idx);
		if (rc == 1)
			d->kind = idx;
		return rc;
	case RK_SEVERITY:
		rc = take_enum(L, v, "severity", severity_names, &idx);
		if (rc == 1)
			d->severity = severity_values[idx];
		return rc;
	case RK_DESCRIPTION:
		return take_string(L, v, "description", &d->description);
	case RK_BASIS:
		return take_string(L, v, "basis", &d->basis);
	case RK_MESSAGE:
		rc = take_string(L, v, "message", &d->message);
		if (rc == 1) {
			d->message_len = v->len;
			/* A quoted scalar's text starts after its quote. */
			d->message_line = v->line;
			d->message_col = v->col + (v->plain ? 0 : 1);
		}
		return rc;
	case RK_EFFECTIVE:
		return take_date(L, v, "effective", &d->effective);
	case RK_MAX_POSITIONS: {
		int64_t n;
		rc = take_count(L, v, "max_positions", 1, &n);
		if (rc == 1) {
			d->titles.has_max_positions = true;
			d->titles.max_positions = (uint32_t)n;
		}
		return rc;
	}
	case RK_ALLOW:
		rc = read_combos(L, v, "allow", &d->titles.allow,
				 &d->titles.nallow);
		if (rc == 1)
			d->titles.has_allow = true;
		return rc;
	case RK_FORBID:
		return read_combos(L, v, "forbid", &d->titles.forbid,
				   &d->titles.nforbid);
	case RK_TASK:
		return read_task(L, v, &d->deadline);
	case RK_DUE:
		return take_date(L, v, "due", &d->deadline.due);
	case RK_GRACE_DAYS:
		/* Bounded so that due + grace_days stays a date. */
		return take_int(L, v, "grace_days", 0, 1000000,
				&d->deadline.grace_days);
	case RK_BEHIND_BY:
		rc = take_int(L, v, "behind_by", 0, 100,
			      &d->deadline.behind_by);
		if (rc == 1)
			d->deadline.has_behind_by = true;
		return rc;
	case RK_UNITS:
		return take_selector(L, v, &d->deadline.units);
	case RK_FOR:
		return take_selector(L, v, &d->for_units);
	case RK_MEASURE:
		return read_measure(L, v, d);
	case RK_SCOPE:
		rc = take_enum(L, v, "scope", scope_names, &idx);
		if (rc == 1) {
			d->scope_given = true;
			d->scope_line = v->line;
			d->scope_col = v->col;
			d->quota.scope = (quota_scope)idx;
		}
		return rc;
	case RK_MAX:
		rc = take_count(L, v, "max", 0, &d->quota.max);
		d->quota.has_max = rc == 1;
		return rc;
	case RK_MIN:
		rc = take_count(L, v, "min", 0, &d->quota.min);
		d->quota.has_min = rc == 1;
		return rc;
	case RK_MAX_BY:
		rc = read_max_by(L, v, &d->quota);
		d->quota.has_max_by = rc == 1;
		return rc;
	case RK_REDUCE:
		rc = read_reduce(L, v, &d->quota);
		d->quota.has_reduce = rc == 1;
		return rc;
	case RK_TARGET:
		rc = take_enum(L, v, "target", target_names, &idx);
		if (rc == 1)
			d->target = idx;
		return rc;
	case RK_FIELD:
		rc = take_string(L, v, "field", &d->field);
		if (rc == 1) {
			d->field_line = v->line;
			d->field_col = v->col;
		}
		return rc;
	case RK_MATCHES:
		return take_regex_string(L, v, "matches", &d->pattern.regex);
	case RK_NEGATE:
		return take_bool(L, v, "negate", &d->pattern.negate);
	case RK_REQUIRED:
		return take_bool(L, v, "required", &d->pattern.required);
	default:
		return skip(L, v);
	}
}

/* Given, or suggested for a misspelt key (already reported): either way
 * not to be reported missing. */
static bool present(const rule_draft *d, int k)
{
	return d->seen[k] || d->hinted[k];
}

/* Report the keys that no kind takes, and the keys of another kind. */
static void check_keys(loader *L, rule_draft *d)
{
	const char *known[RK_COUNT_ + 1], *phrase;
	char phrase_buf[48], owners[96];
	const unknown_note *u;
	size_t n = 0;
	int k, j;

	for (k = 0; k < RK_COUNT_; k++) {
		if (d->kind < 0 || (rule_keys[k].kinds & KB(d->kind)))
			known[n++] = rule_keys[k].name;
	}
	known[n] = NULL;
	phrase = rule_phrase(d->kind, phrase_buf, sizeof phrase_buf);
	for (u = d->unknown; u; u = u->next) {
		const char *hint = prob_suggest(u->key, known);
		int h = hint ? rule_key_index(hint) : -1;

		if (h >= 0)
			d->hinted[h] = true;
		if (hint)
			report(L, PROB_UNKNOWN_KEY, u->line, u->col,
			       "unknown key '%.*s' in %s (did you mean '%s'?)",
			       shown(u->key, strlen(u->key)), u->key, phrase,
			       hint);
		else
			report(L, PROB_UNKNOWN_KEY, u->line, u->col,
			       "unknown key '%.*s' in %s",
			       shown(u->key, strlen(u->key)), u->key, phrase);
	}
	if (d->kind < 0)
		return;
	for (k = 0; k < RK_COUNT_; k++) {
		const char *names[5];
		size_t m = 0;

		if (!d->seen[k] || (rule_keys[k].kinds & KB(d->kind)))
			continue;
		for (j = 0; kind_names[j]; j++) {
			if (rule_keys[k].kinds & KB(j))
				names[m++] = kind_names[j];
		}
		names[m] = NULL;
		report(L, PROB_UNKNOWN_KEY, d->at[k].line, d->at[k].col,
		       "key '%s' does not apply to %s (it belongs to %s rules)",
		       rule_keys[k].name, phrase,
		       join(names, owners, sizeof owners));
	}
}

static void check_titles_rule(loader *L, const rule_draft *d,
			      const yr_map *m)
{
	if (!present(d, RK_MAX_POSITIONS) && !present(d, RK_ALLOW) &&
	    !present(d, RK_FORBID))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "a merged_titles rule needs at least one of "
		       "max_positions, allow or forbid");
}

static void check_deadline_rule(loader *L, const rule_draft *d,
				const yr_map *m)
{
	if (!present(d, RK_TASK))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "missing key 'task' in a deadline rule (a task id, or "
		       "{matches: REGEX} for several tasks)");
}

static void check_quota_rule(loader *L, const rule_draft *d,
			     const yr_map *m)
{
	const quota_rule *q = &d->quota;

	if (!present(d, RK_MEASURE))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "missing key 'measure' in a quota rule (one of "
		       "{staff: baseline|quota|actual}, {holders: TITLE}, "
		       "{positions: TITLE}, {units: SELECTOR})");
	if (d->measure_given && q->measure == MEASURE_UNITS) {
		if (!present(d, RK_SCOPE))
			report(L, PROB_MISSING_KEY, d->at[RK_MEASURE].line,
			       d->at[RK_MEASURE].col,
			       "a units measure needs 'scope: children' or "
			       "'scope: subtree' (the unit itself is never "
			       "counted)");
		else if (d->scope_given && q->scope == SCOPE_UNIT)
			report(L, PROB_BAD_VALUE, d->scope_line, d->scope_col,
			       "'scope: unit' does not go with a units "
			       "measure (the unit itself is never counted): "
			       "use children or subtree");
	}
	if (!present(d, RK_MAX) && !present(d, RK_MIN) && !present(d, RK_MAX_BY) &&
	    !present(d, RK_REDUCE))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "a quota rule needs at least one of max, min, max_by "
		       "or reduce");
	if (d->seen[RK_REDUCE] && d->measure_given &&
	    q->measure != MEASURE_STAFF)
		report(L, PROB_BAD_VALUE, d->at[RK_REDUCE].line,
		       d->at[RK_REDUCE].col,
		       "'reduce' applies only to staff measures (measure: "
		       "{staff: ...})");
	if (q->has_max && q->has_min && q->min > q->max)
		report(L, PROB_BAD_VALUE, d->at[RK_MIN].line, d->at[RK_MIN].col,
		       "'min' (%" PRId64 ") is greater than 'max' (%" PRId64
		       "): no value can satisfy both", q->min, q->max);
}

/* The fields each pattern target has, in target order. */
static const char *const target_fields[][6] = {
	{"id", "name", "level", "kind", "attrs.KEY", NULL},
	{"id", "name", "attrs.KEY", NULL},
	{"id", "name", "kind", NULL},
	{"id", "name", NULL},
};

static void check_field(loader *L, rule_draft *d)
{
	static const char *const all_fields[] = {
		"id", "name", "level", "kind", "attrs.KEY", NULL
	};
	const char *f = d->field, *const *allowed;
	char list[96];
	bool is_attr = strncmp(f, "attrs.", 6) == 0;
	const char *base = is_attr ? "attrs.KEY" : f;
	int i;

	if (is_attr && f[6] == '\0') {
		report(L, PROB_BAD_VALUE, d->field_line, d->field_col,
		       "'field: attrs.' needs an attribute name (attrs.KEY)");
		return;
	}
	for (i = 0; all_fields[i]; i++) {
		if (strcmp(all_fields[i], base) == 0)
			break;
	}
	if (!all_fields[i]) {
		const char *hint = prob_suggest(f, all_fields);
		report(L, PROB_BAD_VALUE, d->field_line, d->field_col,
		       "'field' must be %s, not '%.*s'%s%s%s",
		       join(all_fields, list, sizeof list),
		       shown(f, strlen(f)), f, hint ? " (did you mean '" : "",
		       hint ? hint : "", hint ? "'?)" : "");
		return;
	}
	if (d->target < 0)
		return;
	allowed = target_fields[d->target];
	for (i = 0; allowed[i]; i++) {
		if (strcmp(allowed[i], base) == 0)
			break;
	}
	if (!allowed[i]) {
		report(L, PROB_BAD_VALUE, d->field_line, d->field_col,
		       "'field: %s' is not available for target %s (it has "
		       "%s)", f, target_names[d->target],
		       join(allowed, list, sizeof list));
		return;
	}
	d->pattern.field = f;
	d->pattern.attr_key = is_attr ? f + 6 : NULL;
}

static void check_pattern_rule(loader *L, rule_draft *d, const yr_map *m)
{
	if (!present(d, RK_TARGET))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "missing key 'target' in a pattern rule (units, "
		       "people, titles or tasks)");
	if (!present(d, RK_FIELD))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "missing key 'field' in a pattern rule (id, name, "
		       "level, kind or attrs.KEY)");
	if (!present(d, RK_MATCHES))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "missing key 'matches' in a pattern rule (a regular "
		       "expression)");
	if (d->seen[RK_FOR] && d->target >= 0 && d->target != PT_UNITS)
		report(L, PROB_BAD_VALUE, d->at[RK_FOR].line,
		       d->at[RK_FOR].col,
		       "'for' selects units, so it applies only to "
		       "'target: units', not 'target: %s'",
		       target_names[d->target]);
	if (d->field)
		check_field(L, d);
}

#define PHB(ph) (1u << (ph))

/* The placeholders a rule's findings fill in; -1 when the kind (or a
 * pattern's target) is unknown and nothing can be said. */
static long provided_placeholders(const rule_draft *d)
{
	switch (d->kind) {
	case PC_KIND_MERGED_TITLES:
		return PHB(PH_PERSON_ID) | PHB(PH_PERSON_NAME) |
		       PHB(PH_TITLES) | PHB(PH_VALUE) | PHB(PH_LIMIT);
	case PC_KIND_DEADLINE:
		return PHB(PH_UNIT_ID) | PHB(PH_UNIT_NAME) | PHB(PH_TASK_ID) |
		       PHB(PH_TASK_NAME) | PHB(PH_DUE) | PHB(PH_DAYS) |
		       PHB(PH_PERCENT) | PHB(PH_EXPECTED);
	case PC_KIND_QUOTA:
		return PHB(PH_UNIT_ID) | PHB(PH_UNIT_NAME) | PHB(PH_VALUE) |
		       PHB(PH_LIMIT);
	case PC_KIND_PATTERN:
		/* The field's text has no placeholder of its own: {value}
		 * means a number everywhere else. */
		switch (d->target) {
		case PT_UNITS:
			return PHB(PH_UNIT_ID) | PHB(PH_UNIT_NAME);
		case PT_PEOPLE:
			return PHB(PH_PERSON_ID) | PHB(PH_PERSON_NAME);
		case PT_TASKS:
			return PHB(PH_TASK_ID) | PHB(PH_TASK_NAME);
		case PT_TITLES:
			return 0;
		default:
			return -1;
		}
	default:
		return -1;
	}
}

static const char *const ph_names[PH_COUNT_] = {
	"{unit.id}", "{unit.name}", "{person.id}", "{person.name}",
	"{task.id}", "{task.name}", "{value}", "{limit}", "{due}", "{days}",
	"{titles}", "{percent}", "{expected}"
};

/* Column of byte off of the message, counted in characters as libyaml
 * counts them; past a line break, the message's own position. */
static uint32_t message_col(const rule_draft *d, size_t off)
{
	uint32_t chars = 0;
	size_t i;

	for (i = 0; i < off; i++) {
		if (d->message[i] == '\n')
			return d->message_col;
		if (((unsigned char)d->message[i] & 0xC0) != 0x80)
			chars++;
	}
	return d->message_col + chars;
}

static int parse_message(loader *L, rule_draft *d, tmpl *out)
{
	char phrase[64], list[256];
	size_t before = L->probs.count, off, i;
	long provided;
	uint32_t k;
	int ph;

	if (tmpl_parse(L->a, d->message, d->message_len, &L->probs,
		       d->message_line, d->message_col, out) < 0)
		return L->probs.count == before ? nomem(L) : 0;
	provided = provided_placeholders(d);
	if (provided < 0)
		return 1;
	if (d->kind == PC_KIND_PATTERN)
		snprintf(phrase, sizeof phrase, "a pattern rule on %s",
			 target_names[d->target]);
	else
		snprintf(phrase, sizeof phrase, "a %s rule",
			 kind_names[d->kind]);
	list[0] = '\0';
	for (ph = 0, off = 0; ph < PH_COUNT_; ph++) {
		if (!(provided & PHB(ph)))
			continue;
		i = (size_t)snprintf(list + off, sizeof list - off, "%s%s",
				     off ? ", " : "", ph_names[ph]);
		off += i;
	}
	for (k = 0; k < out->nparts; k++) {
		const tmpl_part *p = &out->parts[k];

		if (!p->is_placeholder || (provided & PHB(p->ph)))
			continue;
		off = (size_t)(p->text - d->message);
		report(L, PROB_BAD_VALUE, d->message_line, message_col(d, off),
		       "placeholder %s is not available in %s (%s%s)",
		       ph_names[p->ph], phrase,
		       provided ? "it provides " : "it provides none",
		       list);
	}
	return 1;
}

static int finish_rule(loader *L, rule_draft *d, const yr_map *m)
{
	const rule *other = NULL;
	void *found;
	rule *r;
	int rc;

	check_keys(L, d);
	if (!present(d, RK_ID))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "missing key 'id' in a rule (every rule needs an id, "
		       "unique across all loaded packs)");
	if (!present(d, RK_KIND))
		report(L, PROB_MISSING_KEY, m->line, m->col,
		       "missing key 'kind' in %s%s%s (merged_titles, "
		       "deadline, quota or pattern)",
		       d->id ? "rule '" : "a rule", d->id ? d->id : "",
		       d->id ? "'" : "");
	switch (d->kind) {
	case PC_KIND_MERGED_TITLES:
		check_titles_rule(L, d, m);
		break;
	case PC_KIND_DEADLINE:
		check_deadline_rule(L, d, m);
		break;
	case PC_KIND_QUOTA:
		check_quota_rule(L, d, m);
		break;
	case PC_KIND_PATTERN:
		check_pattern_rule(L, d, m);
		break;
	default:
		break;
	}

	r = arena_zalloc(L->a, sizeof *r);
	if (!r)
		return nomem(L);
	if (d->message && (rc = parse_message(L, d, &r->message)) < 0)
		return rc;
	r->id = d->id ? d->id : "";
	r->kind = d->kind >= 0 ? (pc_rule_kind)d->kind : PC_KIND_PATTERN;
	r->severity = d->severity;
	r->description = d->description ? d->description : "";
	r->basis = d->basis ? d->basis : "";
	r->effective = d->effective;
	r->where.file = L->pack->file;
	r->where.line = m->line;
	r->where.col = m->col;
	r->pack = L->pack;
	switch (r->kind) {
	case PC_KIND_MERGED_TITLES:
		r->u.titles = d->titles;
		break;
	case PC_KIND_DEADLINE:
		r->u.deadline = d->deadline;
		break;
	case PC_KIND_QUOTA:
		r->u.quota = d->quota;
		r->u.quota.for_units = d->for_units;
		if (!d->scope_given)
			r->u.quota.scope = SCOPE_UNIT;
		break;
	default:
		r->u.pattern = d->pattern;
		r->u.pattern.target = d->target >= 0 ? (pattern_target)d->target
						     : PT_UNITS;
		r->u.pattern.for_units = d->for_units;
		break;
	}

	if (d->id) {
		found = idmap_get_str(&L->local, d->id);
		if (found) {
			other = found;
		} else if ((found = idmap_get_str(&L->set->ids, d->id))) {
			other = L->set->rules[(uintptr_t)found - 1];
		} else if (idmap_put(&L->local, d->id, r, NULL) < 0) {
			return nomem(L);
		}
		if (other)
			report(L, PROB_DUPLICATE_ID, d->at[RK_ID].line,
			       d->at[RK_ID].col,
			       "rule id '%s' already defined at %s:%u:%u",
			       d->id, other->where.file,
			       (unsigned)other->where.line,
			       (unsigned)other->where.col);
	}
	if (pc_grow(&L->rules, &L->rules_cap, L->nrules + 1,
		    sizeof *L->rules) < 0)
		return nomem(L);
	L->rules[L->nrules++] = r;
	return 0;
}

static int read_rule(loader *L, const yr_event *start)
{
	rule_draft d;
	yr_event key, v;
	yr_map m;
	int rc, k;

	memset(&d, 0, sizeof d);
	d.kind = -1;
	d.target = -1;
	d.severity = PC_SEV_ERROR;
	d.effective = PC_NODATE;
	d.deadline.due = PC_NODATE;
	yr_map_begin(L->r, &m, start);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		if ((rc = next_value(L, &v)) < 0)
			break;
		k = rule_key_index(key.text);
		if (k < 0) {
			unknown_note *u = arena_alloc(L->a, sizeof *u);
			if (!u || !(u->key = arena_strndup(L->a, key.text,
							   key.len))) {
				rc = nomem(L);
				break;
			}
			u->line = key.line;
			u->col = key.col;
			/* Prepend, then reverse later? Order does not
			 * matter: errors are sorted by position. */
			u->next = d.unknown;
			d.unknown = u;
			rc = skip(L, &v);
		} else {
			d.seen[k] = true;
			d.at[k].file = L->pack->file;
			d.at[k].line = key.line;
			d.at[k].col = key.col;
			rc = read_rule_value(L, &d, k, &v);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		yr_map_abort(L->r, &m);
		return rc;
	}
	return finish_rule(L, &d, &m);
}

/* ---- the pack ------------------------------------------------------------------ */

static int read_rules(loader *L, const yr_event *ev)
{
	yr_event item;
	int rc;

	if (ev->type != YR_SEQ_START) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'rules' must be a list of rules, not %s",
		       what_is(L, ev));
		return skip(L, ev);
	}
	for (;;) {
		if ((rc = next_value(L, &item)) < 0)
			return rc;
		if (item.type == YR_SEQ_END)
			return 1;
		L->rules_seen++;
		if (L->set->nrules + L->rules_seen ==
		    (size_t)L->limits->max_rules + 1) {
			report(L, PROB_LIMIT, item.line, item.col,
			       "more rules than the limit of %u in one rule "
			       "set (this is rule %zu of the pack): split "
			       "the rules over several runs",
			       (unsigned)L->limits->max_rules, L->rules_seen);
		}
		if (item.type != YR_MAP_START) {
			report(L, PROB_BAD_TYPE, item.line, item.col,
			       "a rule must be a mapping (id: ..., kind: ...), "
			       "not %s", what_is(L, &item));
			if ((rc = skip(L, &item)) < 0)
				return rc;
			continue;
		}
		if ((rc = read_rule(L, &item)) < 0)
			return rc;
	}
}

static int read_format(loader *L, const yr_event *ev)
{

	if (ev->type != YR_SCALAR || yr_is_null(ev)) {
		report(L, PROB_BAD_TYPE, ev->line, ev->col,
		       "'plancheck' must be 'rules/1', not %s",
		       what_is(L, ev));
		return skip(L, ev);
	}
	if (strcmp(ev->text, "rules/1") == 0)
		return 1;
	if (strncmp(ev->text, "plan/", 5) == 0) {
		L->is_plan = true;
		L->plan_line = ev->line;
		L->plan_col = ev->col;
		return 0;
	}
	if (strncmp(ev->text, "rules/", 6) == 0)
		report(L, PROB_BAD_VALUE, ev->line, ev->col,
		       "unsupported rule format %s: this version of plancheck "
		       "reads 'rules/1'", what_is(L, ev));
	else
		report(L, PROB_BAD_VALUE, ev->line, ev->col,
		       "'plancheck' must be 'rules/1' in a rule pack, not %s",
		       what_is(L, ev));
	return 0;
}

static const char *const pack_keys[] = {
	"plancheck", "id", "name", "rules", NULL
};

/* Read the whole file. 0 (problems, if any, reported) or a negative
 * pc_code on a fatal problem. */
static int read_pack(loader *L)
{
	bool has_format = false, has_id = false, has_rules = false;
	const char *hint;
	yr_event root, key, v;
	yr_map m;
	int rc;

	rc = yr_begin(L->r, &root);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		report(L, PROB_MISSING_KEY, 1, 1, "the file is empty: a rule "
		       "pack starts with 'plancheck: rules/1'");
		return 0;
	}
	L->pack->where.line = root.line;
	L->pack->where.col = root.col;
	if (root.type != YR_MAP_START) {
		report(L, PROB_BAD_TYPE, root.line, root.col,
		       "a rule pack must be a mapping starting with "
		       "'plancheck: rules/1', not %s", what_is(L, &root));
		if ((rc = skip(L, &root)) < 0)
			return rc;
		return yr_finish(L->r);
	}
	yr_map_begin(L->r, &m, &root);
	while ((rc = yr_map_next(L->r, &m, &key)) > 0) {
		if ((rc = next_value(L, &v)) < 0)
			break;
		if (strcmp(key.text, "plancheck") == 0) {
			has_format = true;
			rc = read_format(L, &v);
			if (L->is_plan)
				break;
		} else if (strcmp(key.text, "id") == 0) {
			has_id = true;
			rc = take_ident(L, &v, "id", &L->pack->id);
		} else if (strcmp(key.text, "name") == 0) {
			rc = take_string(L, &v, "name", &L->pack->name);
		} else if (strcmp(key.text, "rules") == 0) {
			has_rules = true;
			rc = read_rules(L, &v);
		} else if (strcmp(key.text, "plan") == 0) {
			report(L, PROB_UNKNOWN_KEY, key.line, key.col,
			       "unknown key 'plan' in a rule pack (a plan "
			       "file? plans start with 'plancheck: plan/1', "
			       "rule packs with 'plancheck: rules/1')");
			rc = skip(L, &v);
		} else {
			hint = unknown_key(L, &key, "a rule pack", pack_keys);
			if (hint) {
				has_format |= strcmp(hint, "plancheck") == 0;
				has_id |= strcmp(hint, "id") == 0;
				has_rules |= strcmp(hint, "rules") == 0;
			}
			rc = skip(L, &v);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0 || L->is_plan) {
		yr_map_abort(L->r, &m);
		return rc < 0 ? rc : 0;
	}
	if (!has_format)
		report(L, PROB_MISSING_KEY, root.line, root.col,
		       "missing key 'plancheck': a rule pack starts with "
		       "'plancheck: rules/1'");
	if (!has_id)
		report(L, PROB_MISSING_KEY, root.line, root.col,
		       "missing key 'id' in a rule pack (the pack's "
		       "identifier)");
	if (!has_rules)
		report(L, PROB_MISSING_KEY, root.line, root.col,
		       "missing key 'rules' in a rule pack (the list of "
		       "rules)");
	return yr_finish(L->r);
}

/* ---- loading into a set ------------------------------------------------------ */

static void drop_pack_arena(void *p)
{
	arena_free(p);
	pc_free(p);
}

/* Add a pack that loaded cleanly. The set takes pack_arena in every case
 * (it is freed here when the set cannot take it); on failure the set is
 * as it was. */
static int commit(pc_ruleset *set, loader *L, arena *pack_arena,
		  const pc_limits *limits)
{
	idmap ids;
	size_t i;

	idmap_init(&ids);
	if (pc_grow(&set->rules, &set->rules_cap, set->nrules + L->nrules,
		    sizeof *set->rules) < 0 ||
	    pc_grow(&set->packs, &set->packs_cap, set->npacks + 1,
		    sizeof *set->packs) < 0)
		goto fail;
	/* A new index, swapped in at the end, keeps the old one intact
	 * if memory runs out half-way. */
	for (i = 0; i < set->nrules; i++) {
		if (idmap_put(&ids, set->rules[i]->id,
			      (void *)(uintptr_t)(i + 1), NULL) < 0)
			goto fail;
	}
	for (i = 0; i < L->nrules; i++) {
		if (idmap_put(&ids, L->rules[i]->id,
			      (void *)(uintptr_t)(set->nrules + i + 1),
			      NULL) < 0)
			goto fail;
	}
	if (arena_on_free(&set->arena, drop_pack_arena, pack_arena) < 0) {
		/* arena_on_free already ran the hook: the pack is gone. */
		idmap_free(&ids);
		return PC_ENOMEM;
	}
	idmap_free(&set->ids);
	set->ids = ids;
	for (i = 0; i < L->nrules; i++)
		set->rules[set->nrules++] = L->rules[i];
	set->packs[set->npacks++] = L->pack;
	set->limits = *limits;
	return 0;
fail:
	idmap_free(&ids);
	drop_pack_arena(pack_arena);
	return PC_ENOMEM;
}

static bool error_before(const pc_error *a, const pc_error *b)
{
	return a->line < b->line || (a->line == b->line && a->column < b->column);
}

/* Sort problems by position, keeping the order of problems at one
 * position. Insertion sort: stable, needs no memory, and problems come
 * nearly in order already (only a mapping's "missing key" comes after
 * what was found inside it). */
static void sort_errors(pc_errors *e)
{
	size_t i, j;

	if (!e)
		return;
	for (i = 1; i < e->count; i++) {
		pc_error it = e->items[i];

		for (j = i; j > 0 && error_before(&it, &e->items[j - 1]); j--)
			e->items[j] = e->items[j - 1];
		e->items[j] = it;
	}
}

static int load_pack(pc_ruleset *set, const char *path, const char *name,
		     const char *text, size_t len, const pc_limits *limits,
		     pc_errors **errors)
{
	pc_limits lim;
	arena *pack_arena = NULL;
	pc_errors *errs;
	yreader *r = NULL;
	loader L;
	int rc;

	if (errors)
		*errors = NULL;
	errs = errors_new();
	if (!errs)
		return PC_ENOMEM;
	if (limits)
		lim = *limits;
	else
		pc_limits_default(&lim);
	memset(&L, 0, sizeof L);
	L.limits = &lim;
	L.errors = errs;
	L.set = set;
	L.probs.report = on_problem;
	L.probs.ctx = &L;
	L.probs.no_x_keys = true;
	idmap_init(&L.local);
	if (!set || (!path && !text)) {
		errors_add(errs, name, 0, 0, "no rule set or no input given");
		rc = PC_EUSAGE;
		goto done;
	}
	pack_arena = pc_malloc(sizeof *pack_arena);
	if (!pack_arena) {
		rc = nomem(&L);
		goto done;
	}
	arena_init(pack_arena);
	L.a = pack_arena;
	strtab_init(&L.ids, pack_arena);
	L.pack = arena_zalloc(pack_arena, sizeof *L.pack);
	if (!L.pack || !(L.pack->file = arena_strdup(pack_arena, name))) {
		rc = nomem(&L);
		goto done;
	}
	L.pack->where.file = L.pack->file;
	L.probs.file = L.pack->file;

	if (path)
		rc = yr_open_file(&r, path, &lim, &L.probs, errs);
	else
		rc = yr_open_string(&r, name, text, len, &lim, &L.probs, errs);
	if (rc < 0)
		goto done;
	L.r = r;
	rc = read_pack(&L);
	if (rc >= 0 && L.oom)
		rc = PC_ENOMEM;
	if (rc >= 0 && L.is_plan) {
		/* Whatever else was said about a plan read as rules is
		 * noise: say the one thing that matters. */
		pc_errors_free(errs);
		errs = errors_new();
		if (!errs || errors_add(errs, L.pack->file, L.plan_line,
					L.plan_col, "this is a plan, not a "
					"rule pack (a rule pack starts with "
					"'plancheck: rules/1'); give plans as "
					"plans, and rule packs with --rules") < 0)
			rc = PC_ENOMEM;
		else
			rc = PC_EINVALID;
	} else if (rc >= 0 && L.probs.count) {
		rc = L.limit_hit ? PC_ELIMIT : PC_EINVALID;
	}
	if (rc == 0) {
		rc = commit(set, &L, pack_arena, &lim);
		pack_arena = NULL;
	}
done:
	yr_close(r);
	pc_free(L.rules);
	strtab_free(&L.ids);
	idmap_free(&L.local);
	if (pack_arena)
		drop_pack_arena(pack_arena);
	if (rc == 0) {
		pc_errors_free(errs);
		return 0;
	}
	if (rc == PC_ENOMEM && errs && errs->count == 0)
		errors_add(errs, name, 0, 0, "out of memory");
	sort_errors(errs);
	errors_give(errs, errors);
	return rc;
}

/* ---- public ------------------------------------------------------------------- */

int pc_ruleset_new(pc_ruleset **out)
{
	pc_ruleset *set;

	if (!out)
		return PC_EUSAGE;
	*out = NULL;
	set = pc_calloc(1, sizeof *set);
	if (!set)
		return PC_ENOMEM;
	arena_init(&set->arena);
	idmap_init(&set->ids);
	pc_limits_default(&set->limits);
	*out = set;
	return 0;
}

int pc_ruleset_load(pc_ruleset *set, const char *path,
		    const pc_limits *limits, pc_errors **errors)
{
	return load_pack(set, path, path ? path : "(null)", NULL, 0, limits,
			 errors);
}

int pc_ruleset_load_string(pc_ruleset *set, const char *name,
			   const char *text, size_t len,
			   const pc_limits *limits, pc_errors **errors)
{
	return load_pack(set, NULL, name ? name : "<string>", text, len,
			 limits, errors);
}

void pc_ruleset_free(pc_ruleset *set)
{
	if (!set)
		return;
	/* The hooks free each pack's arena, compiled patterns included. */
	arena_free(&set->arena);
	idmap_free(&set->ids);
	pc_free(set->rules);
	pc_free(set->packs);
	pc_free(set);
}

size_t pc_ruleset_count(const pc_ruleset *set)
{
	return set ? set->nrules : 0;
}

int pc_ruleset_get(const pc_ruleset *set, size_t i, pc_rule_info *out)
{
	const rule *r;

	if (!set || !out || i >= set->nrules)
		return PC_EUSAGE;
	r = set->rules[i];
	out->id = r->id;
	out->kind = r->kind;
	out->severity = r->severity;
	out->description = r->description;
	out->basis = r->basis;
	out->effective = r->effective;
	out->pack_id = r->pack->id ? r->pack->id : "";
	out->pack_name = r->pack->name ? r->pack->name : "";
	out->file = r->where.file;
	out->line = r->where.line;
	out->column = r->where.col;
	return 0;
}

long pc_ruleset_find(const pc_ruleset *set, const char *id)
{
	void *found;

	if (!set || !id)
		return -1;
	found = idmap_get(&set->ids, id, strlen(id));
	return found ? (long)((uintptr_t)found - 1) : -1;
}
