/* out_github.c - GitHub Actions workflow commands, one per finding:
 *
 *   ::error file=F,line=L,endLine=L,col=C,endColumn=E,title=RULE::MESSAGE
 *
 * The runner turns each into an annotation on the file and line. Errors
 * are ::error, warnings ::warning, infos ::notice; a waived finding is a
 * ::notice whatever its severity, its message ending in "(waived:
 * reason)". File names are relative to --root or the working directory,
 * as the runner expects paths relative to the workspace. */
#include "out_ci.h"

#include <string.h>

/* Escape as the runner's command parser requires: in the message, %, CR
 * and LF; in a property value, also ':' and ','. Invalid UTF-8 becomes
 * U+FFFD, so the runner never sees a broken sequence. */
static void gh_escape(strbuf *b, const char *s, bool property)
{
	while (*s) {
		size_t n = ci_utf8_len(s, NULL);

		if (n == 0) {
			sb_puts(b, CI_REPLACEMENT);
			s++;
			continue;
		}
		switch (*s) {
		case '%': sb_puts(b, "%25"); break;
		case '\r': sb_puts(b, "%0D"); break;
		case '\n': sb_puts(b, "%0A"); break;
		case ':':
			sb_puts(b, property ? "%3A" : ":");
			break;
		case ',':
			sb_puts(b, property ? "%2C" : ",");
			break;
		default:
			sb_add(b, s, n);
			break;
		}
		s += n;
	}
}

static const char *command(const pc_finding *f)
{
	if (f->waived)
		return "notice";
	switch (f->severity) {
	case PC_SEV_ERROR: return "error";
	case PC_SEV_WARNING: return "warning";
	default: return "notice";
	}
}

static void put_finding(strbuf *b, const pc_finding *f, const char *file,
			ci_paths *paths, ci_sources *sources, strbuf *tmp)
{
	const pc_waiver_info *wv = f->waiver;

	sb_printf(b, "::%s file=", command(f));
	ci_reset(tmp);
	ci_path_relative(paths, tmp, file);
	gh_escape(b, ci_text(tmp), true);
	if (f->location.line > 0) {
		unsigned col = f->location.column ? f->location.column : 1;

		sb_printf(b, ",line=%u,endLine=%u,col=%u,endColumn=%u",
			  f->location.line, f->location.line, col,
			  ci_source_end_column(sources, file,
					       f->location.line, col));
	}
	sb_puts(b, ",title=");
	gh_escape(b, f->rule ? f->rule : "", true);
	sb_puts(b, "::");
	gh_escape(b, f->message ? f->message : "", false);
	if (f->waived) {
		sb_puts(b, " (waived: ");
		gh_escape(b, wv && wv->reason ? wv->reason : "", false);
		if (wv && wv->approved_by && *wv->approved_by) {
			sb_puts(b, "; approved by ");
			gh_escape(b, wv->approved_by, false);
		}
		sb_putc(b, ')');
	}
	if (f->basis && *f->basis) {
		sb_puts(b, "%0Abasis: ");
		gh_escape(b, f->basis, false);
	}
	sb_putc(b, '\n');
}

static int write_github(out_stream *os, const pc_report *const *reports,
		        size_t count, const pc_output_options *options)
{
	strbuf tmp;
	ci_paths paths;
	ci_sources sources;
	size_t i, j;
	int rc;

	sb_init(&tmp);
	ci_sources_init(&sources);
	rc = ci_paths_init(&paths, options ? options->root : NULL);
	if (rc < 0)
		goto out;
	for (i = 0; i < count; i++) {
		const char *plan_file = pc_plan_file(pc_report_plan(reports[i]));
		size_t n = pc_report_finding_count(reports[i]);

		for (j = 0; j < n; j++) {
			const pc_finding *f = pc_report_finding(reports[i], j);

			put_finding(&os->buf, f, f->location.file &&
				    *f->location.file ? f->location.file :
				    plan_file, &paths, &sources, &tmp);
			out_flush_if_big(os);
		}
	}
	rc = tmp.failed ? PC_ENOMEM : 0;
out:
	ci_paths_free(&paths);
	ci_sources_free(&sources);
	sb_free(&tmp);
	return rc;
}

int out_github_write(FILE *out, const pc_report *const *reports, size_t count,
		     const pc_output_options *options)
{
	out_stream os;
	int rc, status;

	out_stream_init(&os, out);
	rc = write_github(&os, reports, count, options);
	status = out_stream_finish(&os);
	return rc < 0 ? rc : status;
}
