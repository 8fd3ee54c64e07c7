/* out_report.c - the auditor's report (HTML, Markdown). */
#include "stats.h"

int pc_report_write(FILE *out, const pc_report *report,
		    const pc_stats *stats, int format,
		    const char *generated_by)
{
	(void)out; (void)report; (void)stats; (void)format; (void)generated_by;
	return PC_EUSAGE;
}
