/* out_text.c - compiler-style text: one block per finding, so editors and
 * terminals can jump to it, then a summary and the lagging units.
 *
 *   plans/long-an.yaml:212:7: error: MESSAGE [rule-id]
 *     212 |   - id: LA-DUC-HOA
 *         |       ^
 *     related: rules/vn.yaml:40:9
 *     basis: Kết luận 34-KL/TW
 *     waived: REASON — approved by X, expires 2019-12-31
 *
 * Source lines come from the files themselves, each read once per call
 * with its line starts indexed; a file that cannot be read (or is not a
 * regular file) simply gets no excerpt. */
#include "output.h"
#include "alloc.h"

#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#define C_RESET "\033[0m"
#define C_ERROR "\033[1;31m"
#define C_WARNING "\033[1;35m"
#define C_INFO "\033[1;34m"
#define C_RULE "\033[36m"

typedef struct src_file {
	const char *name;     /* as the findings spell it */
	char *text;           /* NULL: no excerpts from this file */
	size_t len;
	size_t *line_start;   /* offset of line i + 1 */
	size_t nlines;
} src_file;

typedef struct src_cache {
	src_file *files;
	size_t count, cap;
	size_t last;          /* findings come sorted by file: try it first */
	int status;           /* PC_ENOMEM once an allocation failed */
} src_cache;

static void src_cache_free(src_cache *c)
{
	size_t i;

	for (i = 0; i < c->count; i++) {
		pc_free(c->files[i].text);
		pc_free(c->files[i].line_start);
	}
	pc_free(c->files);
	memset(c, 0, sizeof *c);
}

/* Read a regular file whole: 0, 1 when it cannot be read (no excerpts
 * then), or PC_ENOMEM. Other kinds of file (a FIFO could block, a device
 * could be endless) are not read. */
static int read_whole(const char *path, char **out, size_t *len)
{
	struct stat st;
	FILE *f = NULL;
	char *data = NULL;
	size_t cap = 0, n = 0, got;
	int rc = 1;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	f = fopen(path, "rb");
	if (!f)
		goto out;
	for (;;) {
		if (pc_grow(&data, &cap, n + 65536 + 1, 1) < 0) {
			rc = PC_ENOMEM;
			goto out;
		}
		got = fread(data + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto out;
	data[n] = '\0';
	*out = data;
	*len = n;
	data = NULL;
	rc = 0;
out:
	if (f)
		fclose(f);
	pc_free(data);
	return rc;
}

static int index_lines(src_file *sf)
{
	size_t n = 1, i = 0, cap = 0;
	const char *p, *end = sf->text + sf->len;

	for (p = sf->text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	if (pc_grow(&sf->line_start, &cap, n, sizeof *sf->line_start) < 0)
		return -1;
	sf->line_start[i++] = 0;
	for (p = sf->text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		sf->line_start[i++] = (size_t)(p - sf->text) + 1;
	sf->nlines = n;
	return 0;
}

/* The cached file called name, read on first use; NULL when out of memory
 * (c->status says so; the caller prints no excerpt). */
static src_file *src_get(src_cache *c, const char *name)
{
	src_file *sf;
	size_t i;
	int rc;

	if (c->count && (c->files[c->last].name == name ||
			 strcmp(c->files[c->last].name, name) == 0))
		return &c->files[c->last];
	for (i = 0; i < c->count; i++) {
		if (strcmp(c->files[i].name, name) == 0) {
			c->last = i;
			return &c->files[i];
		}
	}
	if (pc_grow(&c->files, &c->cap, c->count + 1, sizeof *c->files) < 0) {
		c->status = PC_ENOMEM;
		return NULL;
	}
	sf = &c->files[c->count];
	memset(sf, 0, sizeof *sf);
	sf->name = name;
	rc = read_whole(name, &sf->text, &sf->len);
	if (rc == 0 && index_lines(sf) < 0)
		rc = PC_ENOMEM;
	if (rc == PC_ENOMEM) {
		/* an excerpt left out for want of memory would be output
		 * that silently differs: fail the write instead */
		c->status = PC_ENOMEM;
		pc_free(sf->text);
		sf->text = NULL;
	}
	c->last = c->count++;
	return sf;
}

static const char *sev_color(pc_severity sev)
{
	switch (sev) {
	case PC_SEV_ERROR: return C_ERROR;
	case PC_SEV_WARNING: return C_WARNING;
	default: return C_INFO;
	}
}

static void put_position(strbuf *b, const char *file, unsigned line,
			 unsigned column)
{
	out_text_clean(b, file, strlen(file));
	if (line) {
		sb_printf(b, ":%u", line);
		if (column)
			sb_printf(b, ":%u", column);
	}
}

/* The source line and a caret under column (1-based, in characters as
 * the YAML parser counts them). Tabs before the column are repeated in
 * the caret line so the caret lines up whatever the tab width. */
static void put_excerpt(strbuf *b, src_cache *c, const char *file,
			unsigned line, unsigned column)
{
	const src_file *sf = src_get(c, file);
	const unsigned char *p, *end;
	char gutter[24];
	size_t start, stop, k;
	int width;

	if (!sf || !sf->text || line == 0 || line > sf->nlines)
		return;
	start = sf->line_start[line - 1];
	stop = line < sf->nlines ? sf->line_start[line] - 1 : sf->len;
	if (stop > start && sf->text[stop - 1] == '\r')
		stop--;
	width = snprintf(gutter, sizeof gutter, "%u", line);
	sb_printf(b, "  %s | ", gutter);
	out_text_clean(b, sf->text + start, stop - start);
	sb_putc(b, '\n');
	if (column == 0)
		return;
	sb_printf(b, "  %*s | ", width, "");
	p = (const unsigned char *)sf->text + start;
	end = (const unsigned char *)sf->text + stop;
	for (k = 1; k < column; k++) {
		size_t n;

		if (p < end && *p == '\t') {
			sb_putc(b, '\t');
			p++;
			continue;
		}
		sb_putc(b, ' ');
		if (p >= end)
			continue;
		/* the text is NUL-terminated, so a short sequence at the
		 * end of the line is simply invalid, never overread */
		n = out_utf8_seq(p);
		p += n ? n : 1;
	}
	sb_puts(b, "^\n");
}

static void put_waiver(strbuf *b, const pc_waiver_info *w)
{
	char date[11];

	sb_puts(b, "  waived: ");
	if (w->reason && *w->reason)
		out_text_clean(b, w->reason, strlen(w->reason));
	else
		sb_puts(b, "no reason given");
	if (w->approved_by && *w->approved_by) {
		sb_puts(b, " \xe2\x80\x94 approved by ");
		out_text_clean(b, w->approved_by, strlen(w->approved_by));
	}
	if (w->expires != PC_NODATE)
		sb_printf(b, ", expires %s", pc_date_format(w->expires, date));
	sb_putc(b, '\n');
}

static void put_finding(strbuf *b, src_cache *c, const pc_finding *f,
			const char *plan_file, bool color)
{
	const char *file = f->location.file ? f->location.file : plan_file;
	size_t i;

	put_position(b, file, f->location.line, f->location.column);
	sb_puts(b, ": ");
	if (color)
		sb_puts(b, sev_color(f->severity));
	sb_puts(b, pc_severity_name(f->severity));
	if (color)
		sb_puts(b, C_RESET);
	if (f->waived)
		sb_puts(b, " (waived)");
	sb_puts(b, ": ");
	if (f->message)
		out_text_clean(b, f->message, strlen(f->message));
	sb_puts(b, " [");
	if (color)
		sb_puts(b, C_RULE);
	out_text_clean(b, f->rule, strlen(f->rule));
	if (color)
		sb_puts(b, C_RESET);
	sb_puts(b, "]\n");

	put_excerpt(b, c, file, f->location.line, f->location.column);
	for (i = 0; i < f->related_count; i++) {
		const pc_location *r = &f->related[i];

		sb_puts(b, "  related: ");
		put_position(b, r->file ? r->file : file, r->line, r->column);
		sb_putc(b, '\n');
	}
	if (f->basis && *f->basis) {
		sb_puts(b, "  basis: ");
		out_text_clean(b, f->basis, strlen(f->basis));
		sb_putc(b, '\n');
	}
	if (f->waived && f->waiver)
		put_waiver(b, f->waiver);
}

static void put_count(strbuf *b, size_t n, const char *one, const char *many)
{
	sb_printf(b, "%zu %s", n, n == 1 ? one : many);
}

/* ---- the lagging units table ---- */

enum { COL_FILE, COL_UNIT, COL_NAME, COL_TASK, COL_STATE, COL_DUE,
       COL_PROGRESS, NCOLS };

static const char *const col_heads[NCOLS] = {
	"FILE", "UNIT", "NAME", "TASK", "STATE", "DUE", "PROGRESS"
};

static void lag_cells(const pc_lagging *l, char *due, char *progress,
		      size_t plen, const char *cells[NCOLS])
{
	pc_date_format(l->due, due);
	if (l->state == PC_LAG_OVERDUE)
		snprintf(progress, plen, "%" PRId64 " day%s late, %d%% done",
			 l->days, l->days == 1 ? "" : "s", l->percent);
	else
		snprintf(progress, plen, "%d%% done, %d%% expected",
			 l->percent, l->expected);
	cells[COL_FILE] = l->file ? l->file : "";
	cells[COL_UNIT] = l->unit ? l->unit : "";
	cells[COL_NAME] = l->unit_name ? l->unit_name : "";
	cells[COL_TASK] = l->task ? l->task : "";
	cells[COL_STATE] = l->state == PC_LAG_OVERDUE ? "overdue" : "behind";
	cells[COL_DUE] = due;
	cells[COL_PROGRESS] = progress;
}

static void put_row(strbuf *b, const char *const cells[NCOLS],
		    const size_t widths[NCOLS], bool with_file)
{
	size_t c, w;

	sb_puts(b, " ");
	for (c = with_file ? 0 : 1; c < NCOLS; c++) {
		sb_putc(b, ' ');
		out_text_clean(b, cells[c], strlen(cells[c]));
		if (c + 1 == NCOLS)
			break;
		for (w = out_utf8_width(cells[c]); w < widths[c] + 1; w++)
			sb_putc(b, ' ');
	}
	sb_putc(b, '\n');
}

static void put_lagging(out_stream *os, const pc_report *const *reports,
			size_t count)
{
	strbuf *b = &os->buf;
	size_t widths[NCOLS], r, i, c;
	const char *cells[NCOLS];
	char due[11], progress[96];

	for (c = 0; c < NCOLS; c++)
		widths[c] = strlen(col_heads[c]);
	for (r = 0; r < count; r++) {
		for (i = 0; i < pc_report_lagging_count(reports[r]); i++) {
			lag_cells(pc_report_lagging(reports[r], i), due,
				  progress, sizeof progress, cells);
			for (c = 0; c < NCOLS; c++) {
				size_t w = out_utf8_width(cells[c]);
				if (w > widths[c])
					widths[c] = w;
			}
		}
	}
	sb_puts(b, "lagging units:\n");
	put_row(b, col_heads, widths, count > 1);
	for (r = 0; r < count; r++) {
		for (i = 0; i < pc_report_lagging_count(reports[r]); i++) {
			if (out_lagging_repeats(reports[r], i))
				continue;
			lag_cells(pc_report_lagging(reports[r], i), due,
				  progress, sizeof progress, cells);
			put_row(b, cells, widths, count > 1);
			out_flush_if_big(os);
		}
	}
}

/*
 * Write the findings of every report (reports in order, each report's
 * findings in its sorted order), then, unless options->quiet, the summary
 * over all of them and the lagging units table (with a FILE column when
 * there are several plans). Colour only when options->color.
 */
int out_text_write(FILE *out, const pc_report *const *reports, size_t count,
		   const pc_output_options *options)
{
	out_stream stream, *os = &stream;
	strbuf *b = &os->buf;
	src_cache cache;
	pc_summary total, one;
	size_t r, i, nfindings = 0, nlagging = 0;
	int rc;

	out_stream_init(os, out);
	memset(&cache, 0, sizeof cache);
	memset(&total, 0, sizeof total);
	for (r = 0; r < count; r++) {
		const pc_report *rep = reports[r];
		const char *plan_file = pc_plan_file(pc_report_plan(rep));
		size_t n = pc_report_finding_count(rep);

		if (!plan_file)
			plan_file = "";
		for (i = 0; i < n; i++) {
			put_finding(b, &cache, pc_report_finding(rep, i),
				    plan_file, options->color);
			out_flush_if_big(os);
		}
		nfindings += n;
		nlagging += pc_report_lagging_count(rep);
		pc_report_summary(rep, &one);
		total.error += one.error;
		total.warning += one.warning;
		total.info += one.info;
		total.waived += one.waived;
		total.lagging_units += one.lagging_units;
	}
	rc = cache.status;
	src_cache_free(&cache);
	if (rc < 0) {
		out_stream_finish(os);
		return rc;
	}
	if (options->quiet)
		return out_stream_finish(os);

	if (nfindings)
		sb_putc(b, '\n');
	sb_puts(b, "summary: ");
	put_count(b, total.error, "error", "errors");
	sb_puts(b, ", ");
	put_count(b, total.warning, "warning", "warnings");
	sb_printf(b, ", %zu info, %zu waived, ", total.info, total.waived);
	put_count(b, total.lagging_units, "lagging unit", "lagging units");
	sb_putc(b, '\n');
	if (nlagging)
		put_lagging(os, reports, count);
	return out_stream_finish(os);
}
