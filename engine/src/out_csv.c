/* out_csv.c - findings as CSV (RFC 4180): a header row, then one row per
 * finding, lines ended by CRLF, a field quoted when it holds a comma, a
 * double quote, CR or LF, quotes inside doubled. UTF-8 throughout; no byte
 * order mark unless asked for (--csv-bom), since a BOM trips up scripts
 * that read the first header name, while Excel needs one to take the file
 * as UTF-8 when opened by double-click. Fields are written as they are:
 * text that a spreadsheet would take for a formula is not altered, so the
 * file stays a faithful copy of the findings. */
#include "out_ci.h"

#include <string.h>

static void csv_field(strbuf *b, const char *s)
{
	const char *p;

	if (!s)
		s = "";
	if (!s[strcspn(s, ",\"\r\n")]) {
		/* Nothing to quote; still replace invalid UTF-8. */
		for (p = s; *p; ) {
			size_t n = ci_utf8_len(p, NULL);

			if (n == 0) {
				sb_puts(b, CI_REPLACEMENT);
				p++;
			} else {
				sb_add(b, p, n);
				p += n;
			}
		}
		return;
	}
	sb_putc(b, '"');
	for (p = s; *p; ) {
		size_t n = ci_utf8_len(p, NULL);

		if (n == 0) {
			sb_puts(b, CI_REPLACEMENT);
			p++;
			continue;
		}
		if (*p == '"')
			sb_putc(b, '"');
		sb_add(b, p, n);
		p += n;
	}
	sb_putc(b, '"');
}

static int write_csv(out_stream *os, const pc_report *const *reports,
		     size_t count, const pc_output_options *options)
{
	strbuf *b = &os->buf;
	size_t i, j;

	if (options && options->csv_bom)
		sb_puts(b, "\xef\xbb\xbf");
	sb_puts(b, "file,line,column,severity,rule,target_type,target_id,"
		"message,basis,waived\r\n");
	for (i = 0; i < count; i++) {
		size_t n = pc_report_finding_count(reports[i]);

		for (j = 0; j < n; j++) {
			const pc_finding *f = pc_report_finding(reports[i], j);

			csv_field(b, f->location.file);
			sb_printf(b, ",%u,%u,%s,", f->location.line,
				  f->location.column,
				  pc_severity_name(f->severity));
			csv_field(b, f->rule);
			sb_printf(b, ",%s,",
				  pc_target_type_name(f->target_type));
			csv_field(b, f->target_id);
			sb_putc(b, ',');
			csv_field(b, f->message);
			sb_putc(b, ',');
			csv_field(b, f->basis);
			sb_puts(b, f->waived ? ",true\r\n" : ",false\r\n");
			out_flush_if_big(os);
		}
	}
	return 0;
}

int out_csv_write(FILE *out, const pc_report *const *reports, size_t count,
		  const pc_output_options *options)
{
	out_stream os;
	int rc, status;

	out_stream_init(&os, out);
	rc = write_csv(&os, reports, count, options);
	status = out_stream_finish(&os);
	return rc < 0 ? rc : status;
}
