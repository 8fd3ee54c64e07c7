/* template.c - message templates: "{unit.name} có {value} phó trưởng phòng".
 *
 * A template is literal text with placeholders in braces. The names are
 * the ones of rules-format.md ("Message templates"): {unit.id},
 * {unit.name}, {person.id}, {person.name}, {task.id}, {task.name},
 * {value}, {limit}, {due}, {days}, {titles}, {percent}, {expected}.
 *
 * Braces, as in Python's str.format:
 *   - `{{` is a literal `{` and `}}` a literal `}`;
 *   - a `{` must be closed by a `}` on the same line, with no `{` between;
 *   - a lone `}` is an error too, so a stray brace is never silently
 *     printed or swallowed.
 * Names are exact: no spaces inside the braces, no format specifiers.
 *
 * Templates are parsed once, when the rules load; expanding one at check
 * time cannot fail except for memory. */
#include "rules.h"
#include "problems.h"
#include "strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const placeholder_names[PH_COUNT_ + 1] = {
	[PH_UNIT_ID] = "unit.id",
	[PH_UNIT_NAME] = "unit.name",
	[PH_PERSON_ID] = "person.id",
	[PH_PERSON_NAME] = "person.name",
	[PH_TASK_ID] = "task.id",
	[PH_TASK_NAME] = "task.name",
	[PH_VALUE] = "value",
	[PH_LIMIT] = "limit",
	[PH_DUE] = "due",
	[PH_DAYS] = "days",
	[PH_TITLES] = "titles",
	[PH_PERCENT] = "percent",
	[PH_EXPECTED] = "expected",
	[PH_COUNT_] = NULL
};

/* Longest name shown back in a message; placeholders are short, and a
 * runaway "name" (a forgotten `}`) should not flood the error. */
#define SHOWN_NAME_MAX 40

static int lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < PH_COUNT_; i++) {
		if (strlen(placeholder_names[i]) == len &&
		    memcmp(placeholder_names[i], name, len) == 0)
			return i;
	}
	return -1;
}

/* Columns count characters, as libyaml's marks do, not bytes: a
 * Vietnamese message has many two- and three-byte characters. Only text
 * before the first line break maps onto the scalar's own line; past it
 * the scalar's start is the best position there is. */
static void position_of(const char *text, size_t off, uint32_t line,
			uint32_t col, uint32_t *out_line, uint32_t *out_col)
{
	uint32_t chars = 0;
	size_t i;

	*out_line = line;
	*out_col = col;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n')
			return;
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			chars++;
	}
	*out_col = col + chars;
}

/* How many bytes of name to show: at most SHOWN_NAME_MAX, never cutting a
 * UTF-8 sequence in two. */
static int shown_len(const char *name, size_t len)
{
	if (len <= SHOWN_NAME_MAX)
		return (int)len;
	len = SHOWN_NAME_MAX;
	while (len && ((unsigned char)name[len] & 0xC0) == 0x80)
		len--;
	return (int)len;
}

static void add_part(tmpl *t, const char *text, size_t len,
		     bool is_placeholder, placeholder ph)
{
	tmpl_part *p;

	/* Adjacent literals (text, then the `{` of a `{{`) stay separate:
	 * merging them would need a copy, and expansion does not care. */
	if (!is_placeholder && len == 0)
		return;
	p = &t->parts[t->nparts++];
	p->text = text;
	p->len = len;
	p->is_placeholder = is_placeholder;
	p->ph = ph;
}

/*
 * Parse text (len bytes, UTF-8) into *out. line and col are the file
 * position of the text's first character; problems are reported at the
 * position of the offending brace.
 *
 * Every part points into text (a placeholder part spans its braces and
 * name), so text must live as long as the template: pass an arena copy.
 * Returns 0, or -1 when the template is invalid (every problem in it is
 * reported, and *out is left empty) or when out of memory (nothing is
 * reported: compare probs->count to tell the two apart).
 */
int tmpl_parse(arena *a, const char *text, size_t len, problems *probs,
	       uint32_t line, uint32_t col, tmpl *out)
{
	size_t braces = 0, i, lit, j;
	uint32_t pline, pcol;
	bool bad = false;
	tmpl t;

	out->parts = NULL;
	out->nparts = 0;
	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		braces += text[i] == '{' || text[i] == '}';
	/* Each brace ends at most one literal and starts one placeholder
	 * or literal: 2 * braces + 1 parts is always enough. */
	t.nparts = 0;
	t.parts = arena_alloc(a, (2 * braces + 1) * sizeof *t.parts);
	if (!t.parts)
		return -1;

	i = lit = 0;
	while (i < len) {
		char c = text[i];

		if (c != '{' && c != '}') {
			i++;
			continue;
		}
		if (i + 1 < len && text[i + 1] == c) {
			/* `{{` or `}}`: keep one brace as literal text. */
			add_part(&t, text + lit, i + 1 - lit, false, PH_COUNT_);
			i += 2;
			lit = i;
			continue;
		}
		add_part(&t, text + lit, i - lit, false, PH_COUNT_);
		position_of(text, i, line, col, &pline, &pcol);
		if (c == '}') {
			prob_report(probs, PROB_BAD_VALUE, pline, pcol,
				    "a lone '}' in the message (write '}}' for "
				    "a literal brace)");
			bad = true;
			lit = ++i;
			continue;
		}
		for (j = i + 1; j < len; j++) {
			if (text[j] == '}' || text[j] == '{' || text[j] == '\n')
				break;
		}
		if (j == len || text[j] != '}') {
			prob_report(probs, PROB_BAD_VALUE, pline, pcol,
				    "unterminated placeholder '%.*s' in the "
				    "message: a '{' needs a closing '}' (write "
				    "'{{' for a literal brace)",
				    shown_len(text + i, j - i), text + i);
			bad = true;
			/* Resume at what stopped the name: it may open
			 * a good placeholder. */
			i = lit = j;
		} else {
			const char *name = text + i + 1;
			size_t nlen = j - i - 1;
			int ph = lookup(name, nlen);

			if (ph < 0) {
				char word[SHOWN_NAME_MAX + 1];
				const char *hint;
				int shown = shown_len(name, nlen);

				memcpy(word, name, (size_t)shown);
				word[shown] = '\0';
				hint = prob_suggest(word, placeholder_names);
				if (hint)
					prob_report(probs, PROB_BAD_VALUE, pline,
						    pcol, "unknown placeholder "
						    "{%s} in the message (did "
						    "you mean {%s}?)", word,
						    hint);
				else
					prob_report(probs, PROB_BAD_VALUE, pline,
						    pcol, "unknown placeholder "
						    "{%s} in the message (known: "
						    "{unit.id}, {unit.name}, "
						    "{person.id}, {person.name}, "
						    "{task.id}, {task.name}, "
						    "{value}, {limit}, {due}, "
						    "{days}, {titles}, "
						    "{percent}, {expected})",
						    word);
				bad = true;
			} else {
				add_part(&t, text + i, nlen + 2, true,
					 (placeholder)ph);
			}
			i = lit = j + 1;
		}
	}
	add_part(&t, text + lit, len - lit, false, PH_COUNT_);
	if (bad)
		return -1;
	*out = t;
	return 0;
}


/* The text of one placeholder: into buf for numbers. "" when unset. */
static const char *placeholder_text(placeholder ph, const tmpl_args *args,
				    char *buf)
{
	const char *s = NULL;
	bool has = false;
	int64_t n = 0;

	if (!args)
		return "";
	switch (ph) {
	case PH_UNIT_ID: s = args->unit_id; break;
	case PH_UNIT_NAME: s = args->unit_name; break;
	case PH_PERSON_ID: s = args->person_id; break;
	case PH_PERSON_NAME: s = args->person_name; break;
	case PH_TASK_ID: s = args->task_id; break;
	case PH_TASK_NAME: s = args->task_name; break;
	case PH_DUE: s = args->due; break;
	case PH_TITLES: s = args->titles; break;
	case PH_VALUE: has = args->has_value; n = args->value; break;
	case PH_LIMIT: has = args->has_limit; n = args->limit; break;
	case PH_DAYS: has = args->has_days; n = args->days; break;
	case PH_PERCENT: has = args->has_percent; n = args->percent; break;
	case PH_EXPECTED: has = args->has_expected; n = args->expected; break;
	default: break;
	}
	if (s)
		return s;
	if (!has)
		return "";
	format_int64(n, buf);
	return buf;
}

/*
 * Append t expanded with args to b; out of memory shows in b->failed.
 * The check expands every message into one reused buffer and keeps a
 * copy only of texts it has not kept already (eval_finding).
 */
void tmpl_expand_sb(strbuf *b, const tmpl *t, const tmpl_args *args)
{
	char num[24];
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->nparts; i++) {
		const tmpl_part *p = &t->parts[i];

		if (p->is_placeholder)
			sb_puts(b, placeholder_text(p->ph, args, num));
		else
			sb_add(b, p->text, p->len);
	}
}

/*
 * Expand t with args into a NUL-terminated arena string. Unset values
 * (NULL strings, has_* false, or args NULL) print as nothing; an empty
 * template gives "". NULL only when out of memory.
 */
char *tmpl_expand(arena *a, const tmpl *t, const tmpl_args *args)
{
	strbuf b;
	char *out;

	sb_init(&b);
	tmpl_expand_sb(&b, t, args);
	out = b.failed ? NULL : arena_strndup(a, b.data ? b.data : "", b.len);
	sb_free(&b);
	return out;
}
