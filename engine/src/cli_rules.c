/* cli_rules.c - `plancheck rules`: what the rule files say.
 *
 *   plancheck rules -r FILE... list            one rule a line, aligned
 *   plancheck rules -r FILE... explain RULE-ID  everything about one rule
 *
 * The listing reads the public rule view (pc_rule_info); `explain` also
 * shows each kind's parameters, which only the internal rule holds. */
#include "cli.h"
#include "alloc.h"
#include "model.h"
#include "output.h"
#include "problems.h"
#include "regex.h"
#include "rules.h"
#include "strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char usage_line[] =
	"plancheck rules [--rules FILE]... list | explain RULE-ID";

enum { OPT_RULES = 1, OPT_MAX_FILE_SIZE, OPT_HELP };

static const cli_option options[] = {
	{ "rules", 'r', true, OPT_RULES },
	{ "max-file-size", 0, true, OPT_MAX_FILE_SIZE },
	{ "help", 'h', false, OPT_HELP },
	{ NULL, 0, false, 0 }
};

static void help(void)
{
	fputs("usage: plancheck rules [--rules FILE]... list\n"
	      "       plancheck rules [--rules FILE]... explain RULE-ID\n"
	      "\n"
	      "Load rule files and show what they hold: `list` prints one "
	      "rule a line (id,\n"
	      "kind, severity, effective date, legal basis); `explain` prints "
	      "everything\n"
	      "about one rule: description, basis, message, parameters, and "
	      "where it is\n"
	      "defined.\n"
	      "\n"
	      "options:\n"
	      "  -r, --rules FILE       load a rule file (repeatable)\n"
	      "      --max-file-size N  largest input file, in bytes (default "
	      "268435456)\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Exit status: 0 done, 2 bad usage, a rule file that does not "
	      "load, or an\n"
	      "unknown RULE-ID.\n", stdout);
}

static void put_clean(const char *s)
{
	cli_put_padded(stdout, s, 0);
}

static void date_or(pc_date d, const char *none, char buf[static 11])
{
	if (d == PC_NODATE)
		snprintf(buf, 11, "%s", none);
	else
		pc_date_format(d, buf);
}

static int list_rules(const pc_ruleset *set)
{
	static const char *const heads[] = {
		"ID", "KIND", "SEVERITY", "EFFECTIVE", "BASIS"
	};
	size_t widths[4], i, c, n = pc_ruleset_count(set);
	int pass;
	pc_rule_info info;
	char date[11];
	const char *cells[5];

	/* two passes over the rows: measure, then print */
	for (c = 0; c < 4; c++)
		widths[c] = 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i <= n; i++) {
			if (i == 0) {
				memcpy(cells, heads, sizeof cells);
			} else {
				if (pc_ruleset_get(set, i - 1, &info) < 0)
					continue;
				date_or(info.effective, "-", date);
				cells[0] = info.id;
				cells[1] = pc_rule_kind_name(info.kind);
				cells[2] = pc_severity_name(info.severity);
				cells[3] = date;
				cells[4] = *info.basis ? info.basis : "-";
			}
			for (c = 0; c < 4; c++) {
				if (pass == 0 && cli_width(cells[c]) > widths[c])
					widths[c] = cli_width(cells[c]);
				if (pass == 1) {
					cli_put_padded(stdout, cells[c],
						       widths[c]);
					fputs("  ", stdout);
				}
			}
			if (pass == 1) {
				put_clean(cells[4]);
				fputc('\n', stdout);
			}
		}
	}
	return EXIT_CLEAN;
}

/* ---- explain ---- */

static const char *const placeholder_names[PH_COUNT_] = {
	[PH_UNIT_ID] = "unit.id", [PH_UNIT_NAME] = "unit.name",
	[PH_PERSON_ID] = "person.id", [PH_PERSON_NAME] = "person.name",
	[PH_TASK_ID] = "task.id", [PH_TASK_NAME] = "task.name",
	[PH_VALUE] = "value", [PH_LIMIT] = "limit", [PH_DUE] = "due",
	[PH_DAYS] = "days", [PH_TITLES] = "titles", [PH_PERCENT] = "percent",
	[PH_EXPECTED] = "expected",
};

static void put_template(strbuf *b, const tmpl *t)
{
	uint32_t i;

	for (i = 0; i < t->nparts; i++) {
		const tmpl_part *p = &t->parts[i];

		if (!p->is_placeholder)
			out_text_clean(b, p->text, p->len);
		else if ((unsigned)p->ph < PH_COUNT_)
			sb_printf(b, "{%s}", placeholder_names[p->ph]);
	}
}

static void put_quoted(strbuf *b, const char *s)
{
	sb_putc(b, '\'');
	out_text_clean(b, s, strlen(s));
	sb_putc(b, '\'');
}

/* A list in YAML flow style; a single item alone when it stands for a
 * string-or-list matcher value (bare is what a rule file would write). */
static void put_list(strbuf *b, const char *const *items, uint32_t n,
		     bool bare_single)
{
	uint32_t i;

	if (n == 1 && bare_single) {
		out_text_clean(b, items[0], strlen(items[0]));
		return;
	}
	sb_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ", ");
		out_text_clean(b, items[i], strlen(items[i]));
	}
	sb_putc(b, ']');
}

static void put_matcher(strbuf *b, const matcher *m)
{
	switch (m->kind) {
	case MATCH_EQUAL:
		put_list(b, m->values, m->nvalues, true);
		break;
	case MATCH_REGEX:
		sb_puts(b, "{matches: ");
		put_quoted(b, m->regex ? regex_pattern(m->regex) : "");
		sb_putc(b, '}');
		break;
	case MATCH_RANGE:
		sb_putc(b, '{');
		if (m->has_min)
			sb_printf(b, "min: %" PRId64, m->min);
		if (m->has_min && m->has_max)
			sb_puts(b, ", ");
		if (m->has_max)
			sb_printf(b, "max: %" PRId64, m->max);
		sb_putc(b, '}');
		break;
	default:
		break;
	}
}

/* Append ", " before every member but the first. */
static void sep(strbuf *b, bool *first)
{
	if (!*first)
		sb_puts(b, ", ");
	*first = false;
}

static void put_field(strbuf *b, bool *first, const char *key,
		      const matcher *m)
{
	if (m->kind == MATCH_ANY)
		return;
	sep(b, first);
	sb_printf(b, "%s: ", key);
	put_matcher(b, m);
}

static void put_attrs(strbuf *b, bool *first, const attr_matcher *items,
		      uint32_t n)
{
	uint32_t i;

	if (!n)
		return;
	sep(b, first);
	sb_puts(b, "attrs: {");
	for (i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ", ");
		out_text_clean(b, items[i].key, strlen(items[i].key));
		sb_puts(b, ": ");
		put_matcher(b, &items[i].m);
	}
	sb_putc(b, '}');
}

/* A selector in YAML flow style, as a rule file would write it. */
static void put_selector(strbuf *b, const selector *s)
{
	static const char *const status_names[] = {
		[ST_ACTIVE] = "active", [ST_NEW] = "new",
		[ST_MERGED] = "merged", [ST_DISSOLVED] = "dissolved",
	};
	bool first = true;
	const char *names[4];
	uint32_t n = 0, st;

	sb_putc(b, '{');
	put_field(b, &first, "level", &s->level);
	put_field(b, &first, "kind", &s->kind);
	put_field(b, &first, "id", &s->id);
	put_field(b, &first, "name", &s->name);
	if (s->ntags) {
		sep(b, &first);
		sb_puts(b, "tags: ");
		put_list(b, s->tags, s->ntags, false);
	}
	if (s->under) {
		sep(b, &first);
		sb_puts(b, "under: ");
		out_text_clean(b, s->under, strlen(s->under));
	}
	if (s->status_mask && s->status_mask != STATUS_AFTER) {
		for (st = ST_ACTIVE; st <= ST_DISSOLVED; st++)
			if (s->status_mask & STATUS_BIT(st))
				names[n++] = status_names[st];
		if (n) {
			sep(b, &first);
			sb_puts(b, "status: ");
			put_list(b, names, n, true);
		}
	}
	put_attrs(b, &first, s->attrs, s->nattrs);
	sb_putc(b, '}');
}

static void put_person_selector(strbuf *b, const person_selector *s)
{
	bool first = true;

	sb_putc(b, '{');
	put_field(b, &first, "id", &s->id);
	put_field(b, &first, "name", &s->name);
	put_attrs(b, &first, s->attrs, s->nattrs);
	sb_putc(b, '}');
}

static void put_combos(strbuf *b, const char *key, const title_combo *c,
		       uint32_t n)
{
	uint32_t i;

	sb_printf(b, "  %s:%s\n", key, n ? "" : " []");
	for (i = 0; i < n; i++) {
		sb_puts(b, "    - titles: ");
		put_list(b, c[i].titles, c[i].ntitles, false);
		if (c[i].within) {
			sb_puts(b, ", within: ");
			out_text_clean(b, c[i].within, strlen(c[i].within));
		}
		if (c[i].levels) {
			sb_puts(b, ", levels: ");
			put_list(b, c[i].levels, c[i].nlevels, false);
		}
		if (c[i].holder.given) {
			sb_puts(b, ", holder: ");
			put_person_selector(b, &c[i].holder);
		}
		sb_putc(b, '\n');
	}
}

static void put_params(strbuf *b, const rule *r)
{
	static const char *const staff_names[] = {
		[STAFF_BASELINE] = "baseline", [STAFF_QUOTA] = "quota",
		[STAFF_ACTUAL] = "actual",
	};
	static const char *const scope_names[] = {
		[SCOPE_UNIT] = "unit", [SCOPE_CHILDREN] = "children",
		[SCOPE_SUBTREE] = "subtree",
	};
	static const char *const target_names[] = {
		[PT_UNITS] = "units", [PT_PEOPLE] = "people",
		[PT_TITLES] = "titles", [PT_TASKS] = "tasks",
	};
	char date[11];
	uint32_t i;

	switch (r->kind) {
	case PC_KIND_MERGED_TITLES: {
		const merged_titles_rule *t = &r->u.titles;

		if (t->has_max_positions)
			sb_printf(b, "  max_positions: %" PRIu32 "\n",
				  t->max_positions);
		if (t->has_allow)
			put_combos(b, "allow", t->allow, t->nallow);
		if (t->nforbid)
			put_combos(b, "forbid", t->forbid, t->nforbid);
		break;
	}
	case PC_KIND_DEADLINE: {
		const deadline_rule *d = &r->u.deadline;

		sb_puts(b, "  task: ");
		if (d->task)
			out_text_clean(b, d->task, strlen(d->task));
		else if (d->task_regex) {
			sb_puts(b, "{matches: ");
			put_quoted(b, regex_pattern(d->task_regex));
			sb_putc(b, '}');
		}
		sb_putc(b, '\n');
		if (d->due != PC_NODATE)
			sb_printf(b, "  due: %s\n", pc_date_format(d->due, date));
		sb_printf(b, "  grace_days: %" PRId64 "\n", d->grace_days);
		if (d->has_behind_by)
			sb_printf(b, "  behind_by: %" PRId64 "\n", d->behind_by);
		if (d->units.given) {
			sb_puts(b, "  units: ");
			put_selector(b, &d->units);
			sb_putc(b, '\n');
		}
		break;
	}
	case PC_KIND_QUOTA: {
		const quota_rule *q = &r->u.quota;

		sb_puts(b, "  for: ");
		put_selector(b, &q->for_units);
		sb_puts(b, "\n  measure: ");
		switch (q->measure) {
		case MEASURE_STAFF:
			sb_printf(b, "{staff: %s}", staff_names[q->staff]);
			break;
		case MEASURE_HOLDERS:
		case MEASURE_POSITIONS:
			sb_printf(b, "{%s: ", q->measure == MEASURE_HOLDERS ?
				  "holders" : "positions");
			if (q->title)
				out_text_clean(b, q->title, strlen(q->title));
			sb_putc(b, '}');
			break;
		case MEASURE_UNITS:
			sb_puts(b, "{units: ");
			put_selector(b, &q->units);
			sb_putc(b, '}');
			break;
		}
		sb_printf(b, "\n  scope: %s\n", scope_names[q->scope]);
		if (q->has_max)
			sb_printf(b, "  max: %" PRId64 "\n", q->max);
		if (q->has_min)
			sb_printf(b, "  min: %" PRId64 "\n", q->min);
		if (q->has_max_by) {
			sb_puts(b, "  max_by: {attr: ");
			if (q->max_by_attr)
				out_text_clean(b, q->max_by_attr,
					       strlen(q->max_by_attr));
			sb_puts(b, ", values: {");
			for (i = 0; i < q->nmax_by; i++) {
				if (i)
					sb_puts(b, ", ");
				put_quoted(b, q->max_by[i].value);
				sb_printf(b, ": %" PRId64, q->max_by[i].cap);
			}
			sb_putc(b, '}');
			if (q->max_by_has_default)
				sb_printf(b, ", default: %" PRId64,
					  q->max_by_default);
			sb_puts(b, "}\n");
		}
		if (q->has_reduce)
			sb_printf(b, "  reduce: {at_least: %" PRId64 "}\n",
				  q->reduce_at_least);
		break;
	}
	case PC_KIND_PATTERN: {
		const pattern_rule *p = &r->u.pattern;

		sb_printf(b, "  target: %s\n", target_names[p->target]);
		if (p->target == PT_UNITS && p->for_units.given) {
			sb_puts(b, "  for: ");
			put_selector(b, &p->for_units);
			sb_putc(b, '\n');
		}
		sb_puts(b, "  field: ");
		if (p->field)
			out_text_clean(b, p->field, strlen(p->field));
		sb_puts(b, "\n  matches: ");
		put_quoted(b, p->regex ? regex_pattern(p->regex) : "");
		sb_printf(b, "\n  negate: %s\n  required: %s\n",
			  p->negate ? "true" : "false",
			  p->required ? "true" : "false");
		break;
	}
	}
}

/* A multi-line text, each line indented. */
static void put_paragraph(strbuf *b, const char *text)
{
	const char *line = text, *nl;

	while (*line) {
		nl = strchr(line, '\n');
		sb_puts(b, "    ");
		out_text_clean(b, line, nl ? (size_t)(nl - line) : strlen(line));
		sb_putc(b, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
}

static int explain_rule(const pc_ruleset *set, const char *id)
{
	pc_rule_info info;
	const rule *r;
	const char **names = NULL;
	const char *guess = NULL;
	char date[11];
	strbuf b;
	long idx;
	size_t i, n;
	int status = EXIT_TROUBLE;

	sb_init(&b);
	idx = pc_ruleset_find(set, id);
	if (idx < 0 || pc_ruleset_get(set, (size_t)idx, &info) < 0) {
		n = pc_ruleset_count(set);
		names = pc_calloc(n + 1, sizeof *names);
		for (i = 0; names && i < n; i++)
			names[i] = pc_ruleset_get(set, i, &info) == 0 ?
				   info.id : "";
		if (names)
			guess = prob_suggest(id, names);
		if (guess)
			cli_error("no rule '%s' in the rule files given; did you "
				  "mean '%s'?", id, guess);
		else
			cli_error("no rule '%s' in the rule files given", id);
		fputs("hint: 'plancheck rules -r FILE list' lists the rule ids\n",
		      stderr);
		goto out;
	}
	r = set->rules[idx];

	out_text_clean(&b, info.id, strlen(info.id));
	sb_printf(&b, "\n  kind: %s\n  severity: %s\n",
		  pc_rule_kind_name(info.kind), pc_severity_name(info.severity));
	date_or(info.effective, "always", date);
	sb_printf(&b, "  effective: %s\n  pack: ", date);
	out_text_clean(&b, info.pack_id ? info.pack_id : "",
		       info.pack_id ? strlen(info.pack_id) : 0);
	if (info.pack_name && *info.pack_name) {
		sb_puts(&b, " (");
		out_text_clean(&b, info.pack_name, strlen(info.pack_name));
		sb_putc(&b, ')');
	}
	sb_puts(&b, "\n  defined at: ");
	out_text_clean(&b, info.file ? info.file : "", info.file ?
		       strlen(info.file) : 0);
	sb_printf(&b, ":%u:%u\n  basis: ", info.line, info.column);
	if (*info.basis)
		out_text_clean(&b, info.basis, strlen(info.basis));
	else
		sb_puts(&b, "(none)");
	sb_puts(&b, "\n  message: ");
	if (r->message.nparts)
		put_template(&b, &r->message);
	else
		sb_puts(&b, "(the kind's default)");
	sb_putc(&b, '\n');
	put_params(&b, r);
	if (*info.description) {
		sb_puts(&b, "  description:\n");
		put_paragraph(&b, info.description);
	} else {
		sb_puts(&b, "  description: (none)\n");
	}
	if (b.failed) {
		cli_error("out of memory");
		goto out;
	}
	fwrite(b.data, 1, b.len, stdout);
	status = EXIT_CLEAN;
out:
	pc_free(names);
	sb_free(&b);
	return status;
}

/*
 * plancheck rules [--rules FILE]... list | explain RULE-ID
 */
int cli_rules(int argc, char **argv)
{
	cli_parser p;
	pc_limits limits;
	pc_ruleset *set = NULL;
	pc_errors *errors = NULL;
	cli_file_set seen;
	const char **files = NULL;
	const char *operands[3] = { NULL, NULL, NULL };
	const char *arg;
	size_t nfiles = 0, files_cap = 0, noperands = 0, i;
	unsigned bad_kinds = 0;
	int id, rc, status = EXIT_TROUBLE;

	memset(&seen, 0, sizeof seen);
	pc_limits_default(&limits);
	cli_parser_init(&p, "rules", usage_line, options, argc, argv);
	while ((id = cli_next(&p, &arg)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			goto out;
		case OPT_HELP:
			help();
			status = EXIT_CLEAN;
			goto out;
		case OPT_RULES:
			if (pc_grow(&files, &files_cap, nfiles + 1,
				    sizeof *files) < 0) {
				cli_error("out of memory");
				goto out;
			}
			files[nfiles++] = arg;
			break;
		case OPT_MAX_FILE_SIZE:
			if (cli_parse_size(arg, &limits.max_file_size) < 0) {
				cli_usage_error("rules", usage_line,
						"--max-file-size: '%s' is not a "
						"byte count (a whole number, 1 "
						"or more)", arg);
				goto out;
			}
			break;
		case CLI_POSITIONAL:
			if (noperands < 3)
				operands[noperands] = arg;
			noperands++;
			break;
		default:
			break;
		}
	}
	if (noperands == 0) {
		cli_usage_error("rules", usage_line,
				"say what to do: 'list' or 'explain RULE-ID'");
		goto out;
	}
	if (strcmp(operands[0], "list") == 0) {
		if (noperands != 1) {
			cli_usage_error("rules", usage_line,
					"'list' takes no arguments");
			goto out;
		}
	} else if (strcmp(operands[0], "explain") == 0) {
		if (noperands != 2) {
			cli_usage_error("rules", usage_line,
					"'explain' takes one RULE-ID");
			goto out;
		}
	} else {
		cli_usage_error("rules", usage_line,
				"unknown action '%s' (choose from: list, "
				"explain)", operands[0]);
		goto out;
	}
	if (nfiles == 0) {
		cli_usage_error("rules", usage_line,
				"no rule file given; name one with --rules FILE");
		goto out;
	}

	if (pc_ruleset_new(&set) < 0) {
		cli_error("out of memory");
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		rc = cli_file_set_add(&seen, files[i]);
		if (rc == 0)
			continue;
		if (rc > 0)
			rc = pc_ruleset_load(set, files[i], &limits, &errors);
		else
			rc = PC_ENOMEM;
		if (rc < 0) {
			cli_print_errors(errors, files[i], rc);
			bad_kinds |= rc > -32 ? 1u << -rc : 1u;
		}
		pc_errors_free(errors);
		errors = NULL;
	}
	if (bad_kinds) {
		if (bad_kinds & (1u << -PC_EINVALID))
			fputs("hint: fix the rule file at the positions shown\n",
			      stderr);
		if (bad_kinds & (1u << -PC_ESYNTAX))
			fputs("hint: fix the YAML syntax at the position shown\n",
			      stderr);
		if (bad_kinds & (1u << -PC_EIO))
			fputs("hint: check that each file named exists and is "
			      "a readable file\n", stderr);
		if (bad_kinds & (1u << -PC_ELIMIT))
			fputs("hint: a file exceeds one of plancheck's limits "
			      "(see the message)\n", stderr);
		goto out;
	}
	if (strcmp(operands[0], "list") == 0)
		status = list_rules(set);
	else
		status = explain_rule(set, operands[1]);
out:
	pc_ruleset_free(set);
	cli_file_set_free(&seen);
	pc_free(files);
	return status;
}
