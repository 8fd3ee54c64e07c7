/* svg.h - the report's charts, drawn as inline SVG (internal).
 *
 * Two shapes cover the report: horizontal stacked bars (task completion,
 * findings per severity) and value-against-limit bars (quota use). Both
 * write one <svg> element, sized by a viewBox so that it scales with the
 * page, with a legend, axis ticks and an axis title; each row carries a
 * <title> for the full text of a shortened label. Coordinates are whole
 * pixels computed in integers, so the output never depends on the locale
 * or on floating point. The caller decides how many rows to draw (the
 * report aggregates beyond SVG_MAX_ROWS). */
#ifndef PC_SVG_H
#define PC_SVG_H
#include <stdbool.h>
#include <stdint.h>
#include "strbuf.h"

#define SVG_MAX_SERIES 4
/* Most rows a chart draws; past that the report adds an "others" row. */
#define SVG_MAX_ROWS 25

typedef struct svg_series {
	const char *name;       /* legend text */
	const char *color;      /* "#rrggbb" */
	const char *css;        /* class of its rectangles */
} svg_series;

typedef struct svg_bar {
	const char *label;      /* left of the bar; shortened when long */
	const char *tooltip;    /* the row's full description; NULL: label */
	int64_t value[SVG_MAX_SERIES];
	const char *note;       /* right of the bar; NULL: the bar's total */
	bool aggregate;         /* an "others" row: drawn in italics */
} svg_bar;

typedef struct svg_bars {
	const char *id;         /* the <svg> element's id */
	const char *title;      /* accessible name, also the <title> */
	const char *axis;       /* x axis title */
	const svg_series *series;
	int nseries;
	const svg_bar *bars;
	size_t nbars;
	bool percent;           /* each bar as shares of its own total */
} svg_bars;

/* Append a horizontal stacked bar chart. */
void svg_bar_chart(strbuf *b, const svg_bars *chart);

typedef struct svg_limit_row {
	const char *label;
	const char *tooltip;    /* NULL: label */
	int64_t value, limit;
	bool waived;            /* drawn grey: the finding is waived */
	bool aggregate;
} svg_limit_row;

typedef struct svg_limits {
	const char *id;
	const char *title;
	const char *axis;
	const svg_limit_row *rows;
	size_t nrows;
} svg_limits;

/* Append bars of measured values, each with a mark at its limit: red
 * where the value is over the limit, amber where it is under, grey where
 * the finding is waived. */
void svg_limit_chart(strbuf *b, const svg_limits *chart);

/* Append s escaped for XML and HTML text and attribute values: & < > "
 * ' as references; invalid UTF-8 and control characters other than tab
 * and newline as U+FFFD. */
void svg_escape(strbuf *b, const char *s);

/* Append s as it is, except that invalid UTF-8 and control characters
 * other than tab and newline become U+FFFD. */
void svg_clean(strbuf *b, const char *s);

/* Append at most max code points of s, with "…" in place of the rest. */
void svg_shorten(strbuf *b, const char *s, size_t max);
#endif
