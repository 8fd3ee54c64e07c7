/* strbuf.c - growable output buffer. */
#include "strbuf.h"
#include "alloc.h"
#include "plancheck.h"

#include <stdarg.h>
#include <string.h>

void sb_init(strbuf *b)
{
	memset(b, 0, sizeof *b);
}

void sb_free(strbuf *b)
{
	pc_free(b->data);
	sb_init(b);
}

void sb_add(strbuf *b, const char *s, size_t len)
{
	if (b->failed)
		return;
	if (len >= b->cap - b->len || !b->data) {
		if (b->len + len + 1 < b->len ||
		    pc_grow(&b->data, &b->cap, b->len + len + 1, 1) < 0) {
			b->failed = true;
			return;
		}
	}
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void sb_puts(strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_putc(strbuf *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof small) {
		sb_add(b, small, (size_t)n);
		return;
	}
	if (b->failed || pc_grow(&b->data, &b->cap, b->len + (size_t)n + 1, 1) < 0) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0;
		if (s[0] == 0xed && s[1] > 0x9f)
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xf0 && s[1] < 0x90)
			return 0;
		if (s[0] == 0xf4 && s[1] > 0x8f)
			return 0;
		return 4;
	}
	return 0;
}

void sb_json_str(strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_putc(b, '"');
	while (*p) {
		size_t n;
		const unsigned char *run = p;

		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			sb_add(b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': sb_puts(b, "\\\""); p++; continue;
		case '\\': sb_puts(b, "\\\\"); p++; continue;
		case '\n': sb_puts(b, "\\n"); p++; continue;
		case '\r': sb_puts(b, "\\r"); p++; continue;
		case '\t': sb_puts(b, "\\t"); p++; continue;
		default: break;
		}
		if (*p < 0x20) {
			sb_printf(b, "\\u%04x", *p);
			p++;
			continue;
		}
		n = utf8_len(p);
		if (n == 0) {
			sb_puts(b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		sb_add(b, (const char *)p, n);
		p += n;
	}
	sb_putc(b, '"');
}

int sb_write(const strbuf *b, FILE *out)
{
	if (b->failed)
		return PC_ENOMEM;
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return PC_EIO;
	return 0;
}
