/* out_ci.c - what the CI output formats share: the rule catalogue, paths
 * relative to a root, source extents, UTF-8 checking. */
#include "out_ci.h"
#include "alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t ci_utf8_len(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t n;

	if (s[0] < 0x80) {
		c = s[0];
		n = 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		if ((s[1] & 0xc0) != 0x80)
			return 0;
		c = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) ||
		    (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		c = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		n = 3;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		c = (uint32_t)(s[0] & 0x07) << 18 |
		    (uint32_t)(s[1] & 0x3f) << 12 |
		    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		n = 4;
	} else {
		return 0;
	}
	if (cp)
		*cp = c;
	return n;
}

const char *ci_sarif_level(pc_severity sev)
{
	switch (sev) {
	case PC_SEV_ERROR: return "error";
	case PC_SEV_WARNING: return "warning";
	default: return "note";
	}
}

/* ---- the rule catalogue ---- */

/* The ids the engine reports by itself (plan-format.md, "Structural
 * findings"; rules-format.md on rules/unknown-ref), sorted by id. */
static const struct structural {
	const char *id;
	pc_severity level;
	const char *summary;
} structural[] = {
	{ "plan/bad-type", PC_SEV_ERROR,
	  "A value has the wrong YAML type (a list where a mapping is due, ...)." },
	{ "plan/bad-value", PC_SEV_ERROR,
	  "A malformed identifier, date, count, percent or enum value." },
	{ "plan/cycle", PC_SEV_ERROR,
	  "A chain of parent units loops." },
	{ "plan/duplicate-id", PC_SEV_ERROR,
	  "The same id is used twice in one namespace." },
	{ "plan/duplicate-key", PC_SEV_ERROR,
	  "The same key appears twice in one mapping." },
	{ "plan/missing-key", PC_SEV_ERROR,
	  "A required key is absent." },
	{ "plan/progress-not-applicable", PC_SEV_ERROR,
	  "A unit records progress on a task that does not apply to it." },
	{ "plan/unknown-key", PC_SEV_ERROR,
	  "A key the plan format does not define (keys starting with x- "
	  "are ignored)." },
	{ "plan/unknown-ref", PC_SEV_ERROR,
	  "A parent, into, title, holder, task or waiver target that does "
	  "not exist." },
	{ "plan/waiver-expired", PC_SEV_WARNING,
	  "A waiver has expired and waives nothing." },
	{ "plan/waiver-unused", PC_SEV_INFO,
	  "A waiver matched no finding." },
	{ "rules/unknown-ref", PC_SEV_INFO,
	  "A rule names a title or task this plan does not define, so it "
	  "finds nothing here." },
};

#define NSTRUCTURAL (sizeof structural / sizeof structural[0])

static const struct structural *structural_find(const char *id)
{
	size_t lo = 0, hi = NSTRUCTURAL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, structural[mid].id);

		if (c == 0)
			return &structural[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int cmp_by_id_order(const void *pa, const void *pb)
{
	const ci_rule *a = *(ci_rule *const *)pa, *b = *(ci_rule *const *)pb;
	int c = strcmp(a->id, b->id);

	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_rule_order(const void *pa, const void *pb)
{
	const ci_rule *a = pa, *b = pb;

	return a->order < b->order ? -1 : a->order > b->order;
}

static int cmp_rule_id(const void *pa, const void *pb)
{
	const ci_rule *a = pa, *b = pb;

	return strcmp(a->id, b->id);
}

static int cat_push(ci_rules *cat, size_t *cap, const ci_rule *r)
{
	if (pc_grow(&cat->rules, cap, cat->count + 1, sizeof *cat->rules) < 0)
		return PC_ENOMEM;
	cat->rules[cat->count] = *r;
	cat->rules[cat->count].order = cat->count;
	cat->count++;
	return 0;
}

/* Sort an index of the catalogue by id, dropping every later duplicate
 * of an id from the catalogue itself. */
static int cat_dedupe(ci_rules *cat)
{
	ci_rule **index = NULL, *kept = NULL;
	size_t i, n = 0;
	int rc = PC_ENOMEM;

	if (cat->count == 0)
		return 0;
	index = pc_malloc(cat->count * sizeof *index);
	if (!index)
		goto out;
	for (i = 0; i < cat->count; i++)
		index[i] = &cat->rules[i];
	qsort(index, cat->count, sizeof *index, cmp_by_id_order);
	kept = pc_malloc(cat->count * sizeof *kept);
	if (!kept)
		goto out;
	for (i = 0; i < cat->count; i++)
		if (i == 0 || strcmp(index[i]->id, index[i - 1]->id) != 0)
			kept[n++] = *index[i];
	qsort(kept, n, sizeof *kept, cmp_rule_order);
	memcpy(cat->rules, kept, n * sizeof *kept);
	cat->count = n;
	rc = 0;
out:
	pc_free(index);
	pc_free(kept);
	return rc;
}

int ci_rules_build(ci_rules *cat, const pc_report *const *reports,
		   size_t count, bool all_structural)
{
	size_t cap = 0, i, j, nset, nextra = 0;
	int rc = PC_ENOMEM;

	memset(cat, 0, sizeof *cat);
	for (i = 0; i < count; i++) {
		const pc_ruleset *set = pc_report_rules(reports[i]);
		size_t n = set ? pc_ruleset_count(set) : 0;

		for (j = 0; j < n; j++) {
			ci_rule r = { 0 };

			if (pc_ruleset_get(set, j, &r.info) != 0)
				continue;
			r.id = r.info.id;
			r.in_set = true;
			r.level = r.info.severity;
			if (cat_push(cat, &cap, &r) < 0)
				goto fail;
		}
	}
	if (cat_dedupe(cat) < 0)
		goto fail;
	nset = cat->count;

	/* Ids findings carry beyond the rule sets: structural ones, in a
	 * block of their own after the loaded rules, sorted by id. */
	for (i = 0; i < count; i++) {
		size_t n = pc_report_finding_count(reports[i]);

		for (j = 0; j < n; j++) {
			const pc_finding *f = pc_report_finding(reports[i], j);
			const struct structural *s;
			ci_rule r = { 0 };

			r.id = f->rule ? f->rule : "";
			r.level = f->severity;
			s = structural_find(r.id);
			if (s) {
				r.level = s->level;
				r.summary = s->summary;
			}
			if (cat_push(cat, &cap, &r) < 0)
				goto fail;
		}
	}
	for (i = 0; all_structural && i < NSTRUCTURAL; i++) {
		ci_rule r = { 0 };

		r.id = structural[i].id;
		r.level = structural[i].level;
		r.summary = structural[i].summary;
		if (cat_push(cat, &cap, &r) < 0)
			goto fail;
	}
	if (cat_dedupe(cat) < 0)
		goto fail;
	nextra = cat->count - nset;
	if (nextra)
		qsort(cat->rules + nset, nextra, sizeof *cat->rules,
		      cmp_rule_id);
	for (i = 0; i < cat->count; i++)
		cat->rules[i].order = i;

	if (cat->count) {
		cat->by_id = pc_malloc(cat->count * sizeof *cat->by_id);
		if (!cat->by_id)
			goto fail;
		for (i = 0; i < cat->count; i++)
			cat->by_id[i] = &cat->rules[i];
		qsort(cat->by_id, cat->count, sizeof *cat->by_id,
		      cmp_by_id_order);
	}
	return 0;
fail:
	ci_rules_free(cat);
	return rc;
}

const ci_rule *ci_rules_find(const ci_rules *cat, const char *id)
{
	size_t lo = 0, hi = cat->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, cat->by_id[mid]->id);

		if (c == 0)
			return cat->by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void ci_rules_free(ci_rules *cat)
{
	if (!cat)
		return;
	pc_free(cat->rules);
	pc_free(cat->by_id);
	memset(cat, 0, sizeof *cat);
}

void ci_rule_short(strbuf *b, const ci_rule *r)
{
	const char *d = r->in_set ? r->info.description : r->summary;
	size_t i = 0, space = 0;

	if (!d || !*d) {
		if (r->in_set)
			sb_printf(b, "Rule %s (kind %s) of pack %s.", r->id,
				  pc_rule_kind_name(r->info.kind),
				  r->info.pack_id ? r->info.pack_id : "");
		else
			sb_printf(b, "Finding %s reported by the engine.",
				  r->id);
		return;
	}
	/* Up to the end of the first sentence or line, and no more than
	 * about 200 bytes; a longer sentence is cut after a whole word. */
	while (d[i] && d[i] != '\n') {
		size_t n = ci_utf8_len(d + i, NULL);

		if (i >= 200)
			break;
		if (d[i] == ' ')
			space = i;
		i += n ? n : 1;
		if (d[i - 1] == '.' && (d[i] == ' ' || d[i] == '\0' ||
					d[i] == '\n')) {
			sb_add(b, d, i);
			return;
		}
	}
	if (!d[i] || d[i] == '\n') {
		sb_add(b, d, i);
		return;
	}
	sb_add(b, d, space ? space : i);
	sb_puts(b, "\xe2\x80\xa6");   /* an ellipsis: there is more */
}

/* ---- paths ---- */

/* Normalise an absolute path in place: no empty, "." or ".." segments, no
 * trailing slash (except for "/" itself). ".." at the top stays there. */
static void path_normalise(char *path)
{
	char *src = path, *dst = path;

	while (*src) {
		char *seg;
		size_t len;

		while (*src == '/')
			src++;
		if (!*src)
			break;
		seg = src;
		while (*src && *src != '/')
			src++;
		len = (size_t)(src - seg);
		if (len == 1 && seg[0] == '.')
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (dst > path && *--dst != '/')
				;
			continue;
		}
		*dst++ = '/';
		memmove(dst, seg, len);
		dst += len;
	}
	if (dst == path)
		*dst++ = '/';
	*dst = '\0';
}

/* An absolute normalised copy of path (relative to cwd), or NULL. */
static char *path_absolute(const char *cwd, const char *path)
{
	size_t lc, lp = strlen(path);
	char *out;

	if (path[0] == '/') {
		out = pc_malloc(lp + 1);
		if (!out)
			return NULL;
		memcpy(out, path, lp + 1);
	} else {
		if (!cwd)
			return NULL;
		lc = strlen(cwd);
		out = pc_malloc(lc + lp + 2);
		if (!out)
			return NULL;
		memcpy(out, cwd, lc);
		out[lc] = '/';
		memcpy(out + lc + 1, path, lp + 1);
	}
	path_normalise(out);
	return out;
}

/* The working directory into *out (NULL when it cannot be found, which
 * is not an error); 0 or PC_ENOMEM. */
static int current_dir(char **out)
{
	size_t size = 256;
	char *buf = NULL;

	*out = NULL;
	for (;;) {
		char *bigger = pc_realloc(buf, size);

		if (!bigger) {
			pc_free(buf);
			return PC_ENOMEM;
		}
		buf = bigger;
		if (getcwd(buf, size)) {
			*out = buf;
			return 0;
		}
		if (errno != ERANGE || size > (1u << 20)) {
			pc_free(buf);
			return 0;
		}
		size *= 2;
	}
}

int ci_paths_init(ci_paths *p, const char *root)
{
	p->root = NULL;
	if (current_dir(&p->cwd) < 0)
		goto fail;
	/* Without a working directory, relative names stay as given and
	 * count as outside the root. */
	if (root && *root) {
		if (root[0] == '/' || p->cwd) {
			p->root = path_absolute(p->cwd, root);
			if (!p->root)
				goto fail;
		}
	} else if (p->cwd) {
		size_t n = strlen(p->cwd) + 1;

		p->root = pc_malloc(n);
		if (!p->root)
			goto fail;
		memcpy(p->root, p->cwd, n);
		path_normalise(p->root);
	}
	return 0;
fail:
	ci_paths_free(p);
	return PC_ENOMEM;
}

void ci_paths_free(ci_paths *p)
{
	if (!p)
		return;
	pc_free(p->root);
	pc_free(p->cwd);
	p->root = p->cwd = NULL;
}

bool ci_path_relative(const ci_paths *p, strbuf *b, const char *file)
{
	char *abs;
	size_t lr;
	bool inside = false;

	if (!file)
		file = "";
	abs = *file ? path_absolute(p->cwd, file) : NULL;
	if (!abs) {
		if (*file && (file[0] == '/' || p->cwd))
			b->failed = true;   /* only memory can fail here */
		sb_puts(b, file);
		return false;
	}
	if (p->root) {
		lr = strlen(p->root);
		if (lr == 1) {
			sb_puts(b, abs + 1);
			inside = abs[1] != '\0';
		} else if (strncmp(abs, p->root, lr) == 0 && abs[lr] == '/') {
			sb_puts(b, abs + lr + 1);
			inside = true;
		}
	}
	if (!inside)
		sb_puts(b, abs);
	pc_free(abs);
	return inside;
}

void ci_uri_encode(strbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~' || *p == '/') {
			sb_putc(b, (char)*p);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			sb_add(b, esc, 3);
		}
	}
}

/* ---- source extents ---- */

/* Files bigger than this are not read back (the plan loader's default
 * cap); their findings get one-character ranges. */
#define CI_SOURCE_MAX (256u << 20)

struct ci_source {
	char *name;
	char *text;               /* NULL: unreadable */
	size_t len;
	size_t *lines;            /* offset of each line's first byte */
	size_t nlines;
};

void ci_sources_init(ci_sources *s)
{
	memset(s, 0, sizeof *s);
}

void ci_sources_free(ci_sources *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->count; i++) {
		pc_free(s->files[i].name);
		pc_free(s->files[i].text);
		pc_free(s->files[i].lines);
	}
	pc_free(s->files);
	ci_sources_init(s);
}

static void source_read(ci_source *src)
{
	FILE *f = fopen(src->name, "rb");
	size_t cap = 0, i, n;
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return;
	for (;;) {
		if (pc_grow(&text, &cap, len + 65536 + 1, 1) < 0)
			goto fail;
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
		if (len > CI_SOURCE_MAX)
			goto fail;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	text[len] = '\0';
	n = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	src->lines = pc_malloc(n * sizeof *src->lines);
	if (!src->lines)
		goto fail;
	src->lines[0] = 0;
	src->nlines = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			src->lines[src->nlines++] = i + 1;
	src->text = text;
	src->len = len;
	fclose(f);
	return;
fail:
	pc_free(text);
	fclose(f);
}

/* The cached source for name, reading it on first use; NULL when out of
 * memory. A file is looked up among the few a run names (the plans and
 * their rule packs), so a scan over them is cheap. */
static ci_source *source_get(ci_sources *s, const char *name)
{
	ci_source *src;
	size_t i, len;

	for (i = 0; i < s->count; i++)
		if (strcmp(s->files[i].name, name) == 0)
			return &s->files[i];
	if (pc_grow(&s->files, &s->cap, s->count + 1, sizeof *s->files) < 0)
		return NULL;
	src = &s->files[s->count];
	memset(src, 0, sizeof *src);
	len = strlen(name);
	src->name = pc_malloc(len + 1);
	if (!src->name)
		return NULL;
	memcpy(src->name, name, len + 1);
	s->count++;
	source_read(src);
	return src;
}

unsigned ci_source_end_column(ci_sources *s, const char *file, unsigned line,
			      unsigned column)
{
	ci_source *src;
	const char *p, *end;
	unsigned col = 1, width = 0, used = 0;
	int depth = 0;
	bool flow = false;

	if (!file || !*file || line == 0 || column == 0)
		return column + 1;
	src = source_get(s, file);
	if (!src || !src->text || line > src->nlines)
		return column + 1;
	p = src->text + src->lines[line - 1];
	end = line < src->nlines ? src->text + src->lines[line] - 1
				 : src->text + src->len;
	if (end > p && end[-1] == '\r')
		end--;
	/* Walk to the start column, noting whether it lies inside a flow
	 * collection ([...] or {...} opened earlier on the line). */
	while (col < column && p < end) {
		size_t n = ci_utf8_len(p, NULL);

		if (*p == '[' || *p == '{')
			flow = true;
		p += n ? n : 1;
		col++;
	}
	if (col < column || p >= end)
		return column + 1;
	while (p < end) {
		size_t n;

		if (*p == '"' || *p == '\'') {
			char q = *p;

			/* A quoted scalar: to its closing quote. */
			p++;
			width++;
			while (p < end && *p != q) {
				if (q == '"' && *p == '\\' && p + 1 < end) {
					p++;
					width++;
				}
				n = ci_utf8_len(p, NULL);
				p += n ? n : 1;
				width++;
			}
			if (p < end) {
				p++;
				width++;
			}
			used = width;
			continue;
		}
		if (*p == '#' && p > src->text && (p[-1] == ' ' || p[-1] == '\t'))
			break;
		if (flow) {
			/* The value ends at the bracket that closes the
			 * collection it is in, or at a comma of that one. */
			if (*p == '[' || *p == '{') {
				depth++;
			} else if (*p == ']' || *p == '}') {
				if (depth == 0)
					break;
				depth--;
			} else if (*p == ',' && depth == 0) {
				break;
			}
		}
		n = ci_utf8_len(p, NULL);
		p += n ? n : 1;
		width++;
		if (p[-1] != ' ' && p[-1] != '\t')
			used = width;
	}
	if (used == 0)
		return column + 1;
	return column + used;
}
