/* output.h - the output formats (internal).
 *
 * pc_write (output.c) looks the format up in one table and hands the
 * reports to that format's writer, which writes to a FILE and returns 0,
 * PC_ENOMEM or PC_EIO; pc_write then flushes the FILE and checks it.
 *
 * Adding a format: a value in pc_format (plancheck.h), a writer of type
 * out_writer in its own out_<name>.c, and one line in the table in
 * output.c. The command line takes its format names from that table.
 *
 * The writers here build their text in an out_stream: a strbuf passed on
 * to the FILE whenever it grows past a few tens of KiB, so output of any
 * size costs bounded memory and few write calls. */
#ifndef PC_OUTPUT_H
#define PC_OUTPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "plancheck.h"
#include "strbuf.h"

typedef int (*out_writer)(FILE *out, const pc_report *const *reports,
			  size_t count, const pc_output_options *options);

int out_text_write(FILE *out, const pc_report *const *reports, size_t count,
		   const pc_output_options *options);
int out_json_write(FILE *out, const pc_report *const *reports, size_t count,
		   const pc_output_options *options);
/* The CI formats: out_sarif.c, out_junit.c, out_github.c, out_csv.c
 * (what they share is in out_ci.h). */
int out_sarif_write(FILE *out, const pc_report *const *reports, size_t count,
		    const pc_output_options *options);
int out_junit_write(FILE *out, const pc_report *const *reports, size_t count,
		    const pc_output_options *options);
int out_github_write(FILE *out, const pc_report *const *reports, size_t count,
		     const pc_output_options *options);
int out_csv_write(FILE *out, const pc_report *const *reports, size_t count,
		  const pc_output_options *options);

typedef struct out_stream {
	strbuf buf;
	FILE *file;
	int status;           /* 0, PC_ENOMEM or PC_EIO: the first failure */
} out_stream;

void out_stream_init(out_stream *os, FILE *file);
/* Pass the buffer on to the file when it is large. Writers call it between
 * findings. */
void out_flush_if_big(out_stream *os);
/* Write out what is left and release the buffer: 0, PC_ENOMEM or PC_EIO. */
int out_stream_finish(out_stream *os);

/* The format called name ("text", "json", ...): 0 and *out, or -1. */
int output_format_parse(const char *name, pc_format *out);
/* The i-th known format's name, in table order; NULL past the end. */
const char *output_format_name_at(size_t i);
/* The name of a format, or NULL when pc_write does not know it. */
const char *output_format_name(pc_format format);

/* Helpers the writers share. */

/* Characters (code points) in s; an invalid byte counts as one. */
size_t out_utf8_width(const char *s);
/* Length of the valid UTF-8 sequence at s (s NUL-terminated), or 0. */
size_t out_utf8_seq(const unsigned char *s);
/* Append s for a terminal or a log: valid UTF-8 is kept, invalid bytes
 * and control characters (C0 except tab, DEL, C1) become U+FFFD, so a
 * name in a plan can neither break a line nor send escape sequences. */
void out_text_clean(strbuf *b, const char *s, size_t len);
/* Does the i-th lagging row of rep say nothing that an earlier row does
 * not? Two deadline rules on one task find the same unit lagging, and
 * rows that differ only in the rule (which text and JSON do not print)
 * are printed once. */
bool out_lagging_repeats(const pc_report *rep, size_t i);
#endif
