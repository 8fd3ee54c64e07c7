/* svg.c - inline SVG charts for the report: stacked bars and
 * value-against-limit bars, in whole-pixel integer geometry. */
#include "svg.h"
#include "stats.h"

#include <inttypes.h>
#include <string.h>

/* Geometry, in pixels of the viewBox. The page scales the whole. */
#define CHART_W    800
#define LABEL_W    250          /* row labels end just left of the plot */
#define NOTE_W     110          /* room right of the plot for notes */
#define PLOT_X0    LABEL_W
#define PLOT_X1    (CHART_W - NOTE_W)
#define PLOT_W     (PLOT_X1 - PLOT_X0)
#define TOP_Y      6
#define LEGEND_H   26
#define ROW_H      22
#define BAR_H      14
#define AXIS_H     48
#define LABEL_MAX  36           /* code points of a row label */
#define CHAR_W     7            /* average advance at 12px, for layout */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* Copy text[0..len) with markup characters escaped (escape) or not,
 * replacing what XML and terminals cannot carry by U+FFFD. */
static void copy_n(strbuf *b, const char *text, size_t len, bool escape)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *end = s + len;

	while (s < end) {
		const unsigned char *run = s;
		size_t n;

		while (s < end && *s >= 0x20 && *s < 0x7f &&
		       (!escape || (*s != '&' && *s != '<' && *s != '>' &&
				    *s != '"' && *s != '\'')))
			s++;
		if (s > run)
			sb_add(b, (const char *)run, (size_t)(s - run));
		if (s == end)
			break;
		switch (*s) {
		case '&': sb_puts(b, "&amp;"); s++; continue;
		case '<': sb_puts(b, "&lt;"); s++; continue;
		case '>': sb_puts(b, "&gt;"); s++; continue;
		case '"': sb_puts(b, "&quot;"); s++; continue;
		case '\'': sb_puts(b, "&#39;"); s++; continue;
		case '\t': case '\n': sb_putc(b, (char)*s); s++; continue;
		default: break;
		}
		n = *s < 0x80 ? 0 : utf8_len(s, (size_t)(end - s));
		if (n == 0) {
			/* control character or broken UTF-8 */
			sb_puts(b, "\xef\xbf\xbd");
			s++;
			continue;
		}
		sb_add(b, (const char *)s, n);
		s += n;
	}
}

static void escape_n(strbuf *b, const char *text, size_t len)
{
	copy_n(b, text, len, true);
}

void svg_clean(strbuf *b, const char *s)
{
	if (s)
		copy_n(b, s, strlen(s), false);
}

void svg_escape(strbuf *b, const char *s)
{
	if (s)
		escape_n(b, s, strlen(s));
}

/* Code points in s (a broken byte counts as one). */
static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

void svg_shorten(strbuf *b, const char *s, size_t max)
{
	size_t cut = 0, seen = 0;

	if (!s)
		return;
	if (max < 2 || code_points(s) <= max) {
		svg_escape(b, s);
		return;
	}
	/* keep max - 1 code points, then the ellipsis */
	while (s[cut]) {
		if (((unsigned char)s[cut] & 0xc0) != 0x80) {
			if (seen == max - 1)
				break;
			seen++;
		}
		cut++;
	}
	escape_n(b, s, cut);
	sb_puts(b, "\xe2\x80\xa6");
}

/* A round step for about five ticks up to max (>= 1). */
static int64_t tick_step(int64_t max)
{
	int64_t mag = 1;

	while (mag <= INT64_MAX / 10 && mag * 10 * 5 <= max)
		mag *= 10;
	if (mag * 5 >= max)
		return mag;
	if (mag * 2 * 5 >= max)
		return mag * 2;
	if (mag * 5 * 5 >= max)
		return mag * 5;
	return mag * 10;
}

/* x of value v on a scale from 0 to top. */
static int scale_x(int64_t v, int64_t top)
{
	if (v <= 0 || top <= 0)
		return PLOT_X0;
	if (v >= top)
		return PLOT_X1;
	return PLOT_X0 + (int)((v * PLOT_W + top / 2) / top);
}

static void open_svg(strbuf *b, const char *id, const char *name, int height)
{
	sb_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"");
	if (id) {
		sb_puts(b, " id=\"");
		svg_escape(b, id);
		sb_putc(b, '"');
	}
	sb_printf(b, " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
		  " role=\"img\" aria-label=\"", CHART_W, height, CHART_W, height);
	svg_escape(b, name);
	sb_puts(b, "\">\n<title>");
	svg_escape(b, name);
	sb_puts(b, "</title>\n");
}

/* One legend entry at x; returns the x of the next. */
static int legend_item(strbuf *b, int x, const char *name, const char *color,
		       bool line)
{
	if (line)
		sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
			  " stroke=\"%s\" stroke-width=\"2\"/>", x + 6, TOP_Y + 2,
			  x + 6, TOP_Y + 16, color);
	else
		sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\""
			  " fill=\"%s\"/>", x, TOP_Y + 3, color);
	sb_printf(b, "<text x=\"%d\" y=\"%d\">", x + 17, TOP_Y + 13);
	svg_escape(b, name);
	sb_puts(b, "</text>\n");
	return x + 17 + (int)code_points(name) * CHAR_W + 22;
}

/* Grid lines, tick labels, the axis and its title, for a scale up to top. */
static void axis(strbuf *b, int y0, int y1, int64_t top, int64_t step,
		 bool percent, const char *axis_title)
{
	int64_t t;

	sb_puts(b, "<g class=\"axis\">\n");
	for (t = 0; t <= top; t += step) {
		int x = scale_x(t, top);

		if (t > 0)
			sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
				  " stroke=\"#dddddd\" stroke-width=\"1\"/>",
				  x, y0, x, y1);
		sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
			  " stroke=\"#555555\" stroke-width=\"1\"/>",
			  x, y1, x, y1 + 4);
		sb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
			  x, y1 + 17);
		stats_put_count(b, t);
		if (percent)
			sb_puts(b, " %");
		sb_puts(b, "</text>\n");
		if (t > INT64_MAX - step)
			break;
	}
	sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		  " stroke=\"#555555\" stroke-width=\"1\"/>\n",
		  PLOT_X0, y1, PLOT_X1, y1);
	sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		  " stroke=\"#555555\" stroke-width=\"1\"/>\n",
		  PLOT_X0, y0, PLOT_X0, y1);
	sb_printf(b, "<text class=\"axis-title\" x=\"%d\" y=\"%d\""
		  " text-anchor=\"middle\" font-weight=\"bold\">",
		  (PLOT_X0 + PLOT_X1) / 2, y1 + 38);
	svg_escape(b, axis_title);
	sb_puts(b, "</text>\n</g>\n");
}

/* The row's group, tooltip and label. */
static void row_open(strbuf *b, int y, const char *label, const char *tooltip,
		     bool aggregate)
{
	sb_puts(b, aggregate ? "<g class=\"row others\">" : "<g class=\"row\">");
	sb_puts(b, "<title>");
	svg_escape(b, tooltip ? tooltip : label);
	sb_printf(b, "</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\"%s>",
		  PLOT_X0 - 8, y + ROW_H / 2 + 4,
		  aggregate ? " font-style=\"italic\"" : "");
	svg_shorten(b, label, LABEL_MAX);
	sb_puts(b, "</text>");
}

void svg_bar_chart(strbuf *b, const svg_bars *c)
{
	int64_t top = 100, step = 20;
	int y0 = TOP_Y + LEGEND_H, y1, x;
	int height;
	size_t i;
	int s;

	y1 = y0 + (int)c->nbars * ROW_H;
	height = y1 + AXIS_H;
	if (!c->percent) {
		int64_t max = 1;

		for (i = 0; i < c->nbars; i++) {
			int64_t total = 0;
			for (s = 0; s < c->nseries; s++)
				total += c->bars[i].value[s];
			if (total > max)
				max = total;
		}
		step = tick_step(max);
		top = (max + step - 1) / step * step;
	}
	open_svg(b, c->id, c->title, height);

	sb_puts(b, "<g class=\"legend\">");
	for (s = 0, x = PLOT_X0; s < c->nseries; s++)
		x = legend_item(b, x, c->series[s].name, c->series[s].color, false);
	sb_puts(b, "</g>\n");

	axis(b, y0, y1, top, step, c->percent, c->axis);

	for (i = 0; i < c->nbars; i++) {
		const svg_bar *bar = &c->bars[i];
		int y = y0 + (int)i * ROW_H;
		int64_t total = 0, cum = 0;
		int left = PLOT_X0;

		for (s = 0; s < c->nseries; s++)
			total += bar->value[s];
		row_open(b, y, bar->label, bar->tooltip, bar->aggregate);
		for (s = 0; s < c->nseries; s++) {
			int right;

			if (bar->value[s] <= 0)
				continue;
			cum += bar->value[s];
			right = c->percent ? scale_x(cum, total) : scale_x(cum, top);
			if (right <= left)
				continue;
			sb_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\""
				  " height=\"%d\" fill=\"%s\"/>",
				  c->series[s].css, left, y + (ROW_H - BAR_H) / 2,
				  right - left, BAR_H, c->series[s].color);
			left = right;
		}
		sb_printf(b, "<text x=\"%d\" y=\"%d\">",
			  (c->percent ? PLOT_X1 : left) + 6, y + ROW_H / 2 + 4);
		if (bar->note)
			svg_escape(b, bar->note);
		else
			stats_put_count(b, total);
		sb_puts(b, "</text></g>\n");
	}
	sb_puts(b, "</svg>\n");
}

void svg_limit_chart(strbuf *b, const svg_limits *c)
{
	static const char over[] = "#c62828", under[] = "#f9a825",
		at[] = "#1565c0", waived[] = "#9e9e9e", mark[] = "#111111";
	bool has_over = false, has_under = false, has_waived = false;
	int64_t max = 1, top, step;
	int y0 = TOP_Y + LEGEND_H, y1, x, height;
	size_t i;

	for (i = 0; i < c->nrows; i++) {
		if (c->rows[i].value > max)
			max = c->rows[i].value;
		if (c->rows[i].limit > max)
			max = c->rows[i].limit;
	}
	step = tick_step(max);
	top = (max + step - 1) / step * step;
	y1 = y0 + (int)c->nrows * ROW_H;
	height = y1 + AXIS_H;
	open_svg(b, c->id, c->title, height);

	for (i = 0; i < c->nrows; i++) {
		const svg_limit_row *r = &c->rows[i];

		if (r->waived)
			has_waived = true;
		else if (r->value > r->limit)
			has_over = true;
		else if (r->value < r->limit)
			has_under = true;
	}
	sb_puts(b, "<g class=\"legend\">");
	x = PLOT_X0;
	if (has_over)
		x = legend_item(b, x, "over the limit", over, false);
	if (has_under)
		x = legend_item(b, x, "under the limit", under, false);
	if (has_waived)
		x = legend_item(b, x, "waived", waived, false);
	legend_item(b, x, "limit", mark, true);
	sb_puts(b, "</g>\n");

	axis(b, y0, y1, top, step, false, c->axis);

	for (i = 0; i < c->nrows; i++) {
		const svg_limit_row *r = &c->rows[i];
		int y = y0 + (int)i * ROW_H;
		int xv = scale_x(r->value, top), xl = scale_x(r->limit, top);
		const char *fill = r->waived ? waived : r->value > r->limit ?
				   over : r->value < r->limit ? under : at;
		const char *css = r->waived ? "waived" : r->value > r->limit ?
				  "over" : r->value < r->limit ? "under" : "at";

		row_open(b, y, r->label, r->tooltip, r->aggregate);
		if (xv > PLOT_X0)
			sb_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\""
				  " width=\"%d\" height=\"%d\" fill=\"%s\"/>",
				  css, PLOT_X0, y + (ROW_H - BAR_H) / 2,
				  xv - PLOT_X0, BAR_H, fill);
		sb_printf(b, "<line class=\"limit\" x1=\"%d\" y1=\"%d\" x2=\"%d\""
			  " y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>",
			  xl, y + 2, xl, y + ROW_H - 2, mark);
		sb_printf(b, "<text x=\"%d\" y=\"%d\">",
			  (xv > xl ? xv : xl) + 6, y + ROW_H / 2 + 4);
		stats_put_count(b, r->value);
		sb_puts(b, " (limit ");
		stats_put_count(b, r->limit);
		sb_puts(b, ")</text></g>\n");
	}
	sb_puts(b, "</svg>\n");
}
