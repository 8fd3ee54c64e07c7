/* output.c - pc_write: the format table and the buffered stream the
 * writers share. */
#include "output.h"
#include "alloc.h"

#include <string.h>

static const struct output_format {
	pc_format format;
	const char *name;
	out_writer write;
} formats[] = {
	{ PC_FORMAT_TEXT, "text", out_text_write },
	{ PC_FORMAT_JSON, "json", out_json_write },
	{ PC_FORMAT_SARIF, "sarif", out_sarif_write },
	{ PC_FORMAT_JUNIT, "junit", out_junit_write },
	{ PC_FORMAT_GITHUB, "github", out_github_write },
	{ PC_FORMAT_CSV, "csv", out_csv_write },
};

#define NFORMATS (sizeof formats / sizeof formats[0])

/* Flush threshold: large enough for few write calls, small enough that a
 * report of a hundred thousand findings never sits whole in memory. */
#define OUT_CHUNK ((size_t)64 * 1024)

int output_format_parse(const char *name, pc_format *out)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++) {
		if (strcmp(formats[i].name, name) == 0) {
			*out = formats[i].format;
			return 0;
		}
	}
	return -1;
}

const char *output_format_name_at(size_t i)
{
	return i < NFORMATS ? formats[i].name : NULL;
}

const char *output_format_name(pc_format format)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].format == format)
			return formats[i].name;
	return NULL;
}

void out_stream_init(out_stream *os, FILE *file)
{
	memset(os, 0, sizeof *os);
	sb_init(&os->buf);
	os->file = file;
}

static void out_flush(out_stream *os)
{
	int rc;

	if (os->status == 0 && os->buf.failed)
		os->status = PC_ENOMEM;
	if (os->status == 0) {
		rc = sb_write(&os->buf, os->file);
		if (rc < 0)
			os->status = rc;
	}
	/* Keep the allocation; start the next chunk from empty. */
	os->buf.len = 0;
	if (os->buf.data)
		os->buf.data[0] = '\0';
}

void out_flush_if_big(out_stream *os)
{
	if (os->buf.len >= OUT_CHUNK || os->buf.failed)
		out_flush(os);
}

int out_stream_finish(out_stream *os)
{
	out_flush(os);
	sb_free(&os->buf);
	return os->status;
}

static const char *report_file(const pc_report *rep)
{
	const char *file = pc_plan_file(pc_report_plan(rep));

	return file ? file : "";
}

/*
 * Findings are sorted by file first (rules-format.md, "Determinism"), and
 * each report's findings are sorted already, so the reports go to the
 * writers in the order of their plans' files: the plans of a directory
 * come that way anyway, plans named on the command line in any order.
 * Reports of one file keep their order. Insertion sort: stable, and
 * linear on the usual, already sorted, input.
 */
static void sort_by_file(const pc_report **v, size_t count)
{
	size_t i, j;

	for (i = 1; i < count; i++) {
		const pc_report *r = v[i];

		for (j = i; j > 0 &&
		     strcmp(report_file(v[j - 1]), report_file(r)) > 0; j--)
			v[j] = v[j - 1];
		v[j] = r;
	}
}

/*
 * Write the reports in format to out, then flush out: 0, PC_ENOMEM,
 * PC_EIO (a write failed), or PC_EUSAGE (no such format, a NULL report).
 */
int pc_write(FILE *out, pc_format format, const pc_report *const *reports,
	     size_t count, const pc_output_options *options)
{
	static const pc_output_options defaults;
	const pc_report **sorted = NULL;
	size_t i;
	int rc = PC_EUSAGE;

	if (!out || (count && !reports))
		return PC_EUSAGE;
	for (i = 0; i < count; i++)
		if (!reports[i])
			return PC_EUSAGE;
	if (!options)
		options = &defaults;
	if (count > 1) {
		sorted = pc_malloc(count * sizeof *sorted);
		if (!sorted)
			return PC_ENOMEM;
		memcpy(sorted, reports, count * sizeof *sorted);
		sort_by_file(sorted, count);
		reports = sorted;
	}
	for (i = 0; i < NFORMATS; i++) {
		if (formats[i].format != format)
			continue;
		rc = formats[i].write(out, reports, count, options);
		if (rc == 0 && (fflush(out) != 0 || ferror(out)))
			rc = PC_EIO;
		break;
	}
	pc_free(sorted);
	return rc;
}

size_t out_utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		/* overlong forms and UTF-16 surrogates are not UTF-8 */
		if ((s[0] == 0xe0 && s[1] < 0xa0) ||
		    (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

size_t out_utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, len;

	while (*p) {
		len = out_utf8_seq(p);
		p += len ? len : 1;
		n++;
	}
	return n;
}

void out_text_clean(strbuf *b, const char *s, size_t len)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	const unsigned char *run = p;
	unsigned char seq[5];
	size_t n, k;

	while (p < end) {
		if (*p >= 0x20 && *p < 0x7f) {
			p++;
			continue;
		}
		if (p > run)
			sb_add(b, (const char *)run, (size_t)(p - run));
		if (*p == '\t') {
			sb_putc(b, '\t');
			run = ++p;
			continue;
		}
		/* out_utf8_seq reads up to four bytes: never past end */
		memset(seq, 0, sizeof seq);
		for (k = 0; k < 4 && p + k < end; k++)
			seq[k] = p[k];
		n = *p >= 0x80 ? out_utf8_seq(seq) : 0;
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			/* a C1 control character: one character, one
			 * replacement */
			sb_add(b, replacement, 3);
			p += 2;
		} else if (n) {
			sb_add(b, (const char *)p, n);
			p += n;
		} else {
			sb_add(b, replacement, 3);
			p++;
		}
		run = p;
	}
	if (p > run)
		sb_add(b, (const char *)run, (size_t)(p - run));
}

/* The rows of one unit and task are adjacent (the list is sorted by file,
 * unit, task), and there are seldom more than two of them. */
bool out_lagging_repeats(const pc_report *rep, size_t i)
{
	const pc_lagging *l = pc_report_lagging(rep, i), *e;
	size_t j;

	if (!l)
		return false;
	for (j = i; j-- > 0; ) {
		e = pc_report_lagging(rep, j);
		if (strcmp(e->unit, l->unit) != 0 ||
		    strcmp(e->task, l->task) != 0 ||
		    (e->file != l->file && (!e->file || !l->file ||
					    strcmp(e->file, l->file) != 0)))
			return false;
		if (e->due == l->due && e->state == l->state &&
		    e->days == l->days && e->percent == l->percent &&
		    e->expected == l->expected)
			return true;
	}
	return false;
}
