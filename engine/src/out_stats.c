/* out_stats.c - the figures as aligned text tables or as the JSON object
 * of cli.md. */
#include "stats.h"
#include "alloc.h"
#include "arena.h"

#include <inttypes.h>
#include <string.h>

void stats_put_count(strbuf *b, int64_t n)
{
	char digits[24];
	uint64_t v;
	int len = 0, i;

	if (n < 0) {
		sb_putc(b, '-');
		v = (uint64_t)0 - (uint64_t)n;
	} else {
		v = (uint64_t)n;
	}
	do {
		digits[len++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = len - 1; i >= 0; i--) {
		sb_putc(b, digits[i]);
		if (i && i % 3 == 0)
			sb_putc(b, ',');
	}
}

/* ---- text tables ---- */

#define TABLE_MAX_COLS 6

typedef struct text_table {
	arena *arena;
	int ncols;
	const char *head[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];     /* numbers: right-aligned */
	const char **cells;             /* row-major */
	size_t nrows, cap;
	bool failed;
} text_table;

/* Width on a terminal, counted in code points: good enough for the
 * Vietnamese names and ids that appear here (no wide characters). */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Start a row; returns its cells (ncols of them) or NULL. */
static const char **table_row(text_table *t)
{
	if (t->failed)
		return NULL;
	if (pc_grow(&t->cells, &t->cap, (t->nrows + 1) * (size_t)t->ncols,
		    sizeof *t->cells) < 0) {
		t->failed = true;
		return NULL;
	}
	return &t->cells[t->nrows++ * (size_t)t->ncols];
}

static const char *count_text(text_table *t, int64_t n)
{
	strbuf b;
	const char *s;

	sb_init(&b);
	stats_put_count(&b, n);
	s = b.failed ? NULL : arena_strdup(t->arena, b.data);
	sb_free(&b);
	if (!s)
		t->failed = true;
	return s ? s : "";
}

static void put_padded(strbuf *b, const char *s, size_t width, bool right)
{
	size_t w = text_width(s);

	if (right)
		for (; w < width; w++)
			sb_putc(b, ' ');
	sb_puts(b, s);
	if (!right)
		for (; w < width; w++)
			sb_putc(b, ' ');
}

static void table_emit(strbuf *b, const char *heading, text_table *t)
{
	size_t width[TABLE_MAX_COLS], r;
	int c;

	if (t->failed) {
		b->failed = true;
		return;
	}
	sb_printf(b, "\n%s\n", heading);
	if (!t->nrows) {
		sb_puts(b, "  (none)\n");
		return;
	}
	for (c = 0; c < t->ncols; c++) {
		width[c] = text_width(t->head[c]);
		for (r = 0; r < t->nrows; r++) {
			/* Rows exist only once table_row grew the cells,
			 * which the analyser does not follow.
			 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			size_t w = text_width(t->cells[r * (size_t)t->ncols + (size_t)c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (r = 0; r <= t->nrows; r++) {
		sb_puts(b, " ");
		for (c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->head[c] :
				t->cells[(r - 1) * (size_t)t->ncols + (size_t)c];
			bool last = c == t->ncols - 1;

			sb_puts(b, " ");
			/* no trailing blanks after a left-aligned last column */
			if (last && !t->right[c])
				sb_puts(b, s);
			else
				put_padded(b, s, width[c], t->right[c]);
			if (!last)
				sb_puts(b, " ");
		}
		sb_putc(b, '\n');
	}
}

static void table_init(text_table *t, arena *a, int ncols, const char *const *head,
		       const char *right)
{
	int c;

	memset(t, 0, sizeof *t);
	t->arena = a;
	t->ncols = ncols;
	for (c = 0; c < ncols; c++) {
		t->head[c] = head[c];
		t->right[c] = right[c] == 'r';
	}
}

static void table_done(text_table *t)
{
	pc_free(t->cells);
	t->cells = NULL;
}

void stats_text(strbuf *b, const pc_stats *st)
{
	static const char *const units_head[] = {"level", "start", "after", "reduction"};
	static const char *const leaders_head[] = {"level", "leadership", "start", "after", "reduction"};
	static const char *const staff_head[] = {"kind", "baseline", "quota", "actual", "reduction"};
	static const char *const merged_head[] = {"titles", "people"};
	static const char *const tasks_head[] = {"task", "done", "owing", "name"};
	const pc_plan *plan = st->plan;
	text_table t;
	arena a;
	char date[11];
	size_t i;
	const char **row;

	arena_init(&a);
	sb_printf(b, "Figures of plan %s (%s) as of %s\n", plan->id, plan->file,
		  pc_date_format(st->as_of, date));

	table_init(&t, &a, 4, units_head, "lrrr");
	for (i = 0; i < st->nunits; i++) {
		const stats_units *u = &st->units[i];
		if (!(row = table_row(&t)))
			break;
		row[0] = u->level[0] ? u->level : "(none)";
		row[1] = count_text(&t, u->start);
		row[2] = count_text(&t, u->after);
		row[3] = count_text(&t, u->start - u->after);
	}
	table_emit(b, "Units (per level)", &t);
	table_done(&t);

	table_init(&t, &a, 5, leaders_head, "llrrr");
	for (i = 0; i < st->nleaders; i++) {
		const stats_leaders *l = &st->leaders[i];
		if (!(row = table_row(&t)))
			break;
		row[0] = l->level[0] ? l->level : "(none)";
		row[1] = stats_leadership_name(l->leadership);
		row[2] = count_text(&t, l->start);
		row[3] = count_text(&t, l->after);
		row[4] = count_text(&t, l->start - l->after);
	}
	table_emit(b, "Leaders (heads and deputies, per level)", &t);
	table_done(&t);

	table_init(&t, &a, 5, staff_head, "lrrrr");
	for (i = 0; i < st->nstaff; i++) {
		const stats_staff *s = &st->staff[i];
		if (!(row = table_row(&t)))
			break;
		row[0] = s->kind[0] ? s->kind : "(none)";
		row[1] = count_text(&t, s->baseline);
		row[2] = count_text(&t, s->quota);
		row[3] = count_text(&t, s->actual);
		row[4] = count_text(&t, s->baseline - s->quota);
	}
	table_emit(b, "Staff (per unit kind)", &t);
	table_done(&t);

	table_init(&t, &a, 2, merged_head, "lr");
	for (i = 0; i < st->nmerged; i++) {
		const stats_merged *m = &st->merged[i];
		strbuf titles;
		uint32_t k;

		if (!(row = table_row(&t)))
			break;
		sb_init(&titles);
		for (k = 0; k < m->ntitles; k++) {
			if (k)
				sb_puts(&titles, " + ");
			sb_puts(&titles, m->titles[k]);
		}
		row[0] = titles.failed ? NULL : arena_strdup(&a, titles.data);
		sb_free(&titles);
		if (!row[0]) {
			row[0] = "";
			t.failed = true;
		}
		row[1] = count_text(&t, m->people);
	}
	table_emit(b, "Merged titles (people holding two or more positions)", &t);
	table_done(&t);

	table_init(&t, &a, 4, tasks_head, "lrrl");
	for (i = 0; i < st->ntasks; i++) {
		const stats_task *k = &st->tasks[i];
		if (!(row = table_row(&t)))
			break;
		row[0] = k->task->id;
		row[1] = count_text(&t, k->done);
		row[2] = count_text(&t, k->owing);
		row[3] = k->task->name ? k->task->name : "";
	}
	table_emit(b, "Tasks (units done by the as-of date)", &t);
	table_done(&t);
	arena_free(&a);
}

/* ---- JSON ---- */

static void json_indent(strbuf *b, int n)
{
	sb_putc(b, '\n');
	while (n-- > 0)
		sb_putc(b, ' ');
}

static void json_list_open(strbuf *b, int indent, const char *name, size_t n)
{
	sb_putc(b, ',');
	json_indent(b, indent + 2);
	sb_json_str(b, name);
	sb_puts(b, n ? ": [" : ": []");
}

static void json_item_open(strbuf *b, int indent, size_t i)
{
	if (i)
		sb_putc(b, ',');
	json_indent(b, indent + 4);
	sb_puts(b, "{ ");
}

static void json_list_close(strbuf *b, int indent, size_t n)
{
	if (!n)
		return;
	json_indent(b, indent + 2);
	sb_putc(b, ']');
}

void stats_json(strbuf *b, const pc_stats *st, int indent)
{
	const pc_plan *plan = st->plan;
	char date[11];
	size_t i;
	uint32_t k;

	sb_putc(b, '{');
	json_indent(b, indent + 2);
	sb_puts(b, "\"plan\": ");
	sb_json_str(b, plan->id ? plan->id : "");
	sb_puts(b, ", \"file\": ");
	sb_json_str(b, plan->file ? plan->file : "");
	sb_printf(b, ", \"as_of\": \"%s\"", pc_date_format(st->as_of, date));

	json_list_open(b, indent, "units", st->nunits);
	for (i = 0; i < st->nunits; i++) {
		const stats_units *u = &st->units[i];
		json_item_open(b, indent, i);
		sb_puts(b, "\"level\": ");
		sb_json_str(b, u->level);
		sb_printf(b, ", \"start\": %" PRId64 ", \"after\": %" PRId64
			  ", \"reduction\": %" PRId64 " }",
			  u->start, u->after, u->start - u->after);
	}
	json_list_close(b, indent, st->nunits);

	json_list_open(b, indent, "leaders", st->nleaders);
	for (i = 0; i < st->nleaders; i++) {
		const stats_leaders *l = &st->leaders[i];
		json_item_open(b, indent, i);
		sb_puts(b, "\"level\": ");
		sb_json_str(b, l->level);
		sb_printf(b, ", \"leadership\": \"%s\", \"start\": %" PRId64
			  ", \"after\": %" PRId64 ", \"reduction\": %" PRId64 " }",
			  stats_leadership_name(l->leadership), l->start,
			  l->after, l->start - l->after);
	}
	json_list_close(b, indent, st->nleaders);

	json_list_open(b, indent, "staff", st->nstaff);
	for (i = 0; i < st->nstaff; i++) {
		const stats_staff *s = &st->staff[i];
		json_item_open(b, indent, i);
		sb_puts(b, "\"kind\": ");
		sb_json_str(b, s->kind);
		sb_printf(b, ", \"baseline\": %" PRId64 ", \"quota\": %" PRId64
			  ", \"actual\": %" PRId64 ", \"reduction\": %" PRId64 " }",
			  s->baseline, s->quota, s->actual,
			  s->baseline - s->quota);
	}
	json_list_close(b, indent, st->nstaff);

	json_list_open(b, indent, "merged_titles", st->nmerged);
	for (i = 0; i < st->nmerged; i++) {
		const stats_merged *m = &st->merged[i];
		json_item_open(b, indent, i);
		sb_puts(b, "\"titles\": [");
		for (k = 0; k < m->ntitles; k++) {
			if (k)
				sb_puts(b, ", ");
			sb_json_str(b, m->titles[k]);
		}
		sb_printf(b, "], \"people\": %" PRId64 " }", m->people);
	}
	json_list_close(b, indent, st->nmerged);

	json_list_open(b, indent, "tasks", st->ntasks);
	for (i = 0; i < st->ntasks; i++) {
		const stats_task *t = &st->tasks[i];
		json_item_open(b, indent, i);
		sb_puts(b, "\"task\": ");
		sb_json_str(b, t->task->id);
		sb_printf(b, ", \"done\": %" PRId64 ", \"owing\": %" PRId64 " }",
			  t->done, t->owing);
	}
	json_list_close(b, indent, st->ntasks);
	json_indent(b, indent);
	sb_putc(b, '}');
}

/*
 * Write stats to out as text (PC_FORMAT_TEXT) or as the JSON object of
 * cli.md (PC_FORMAT_JSON), each ending in a newline. Returns 0, PC_EUSAGE
 * for another format, PC_ENOMEM, or PC_EIO when writing failed.
 */
int pc_stats_write(FILE *out, const pc_stats *st, int format)
{
	strbuf b;
	int rc;

	if (format != PC_FORMAT_TEXT && format != PC_FORMAT_JSON)
		return PC_EUSAGE;
	sb_init(&b);
	if (format == PC_FORMAT_JSON) {
		stats_json(&b, st, 0);
		sb_putc(&b, '\n');
	} else {
		stats_text(&b, st);
	}
	rc = sb_write(&b, out);
	sb_free(&b);
	return rc;
}
