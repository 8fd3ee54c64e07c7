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

char *sb_reserve(strbuf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (n >= b->cap - b->len || !b->data) {
		if (b->len + n + 1 < b->len ||
		    pc_grow(&b->data, &b->cap, b->len + n + 1, 1) < 0) {
			b->failed = true;
			return NULL;
		}
	}
	return b->data + b->len;
}

size_t format_int64(int64_t n, char *buf)
{
	char tmp[20], *q = buf;
	uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	size_t k = 0;

	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		*q++ = '-';
	while (k)
		*q++ = tmp[--k];
	*q = '\0';
	return (size_t)(q - buf);
}

void sb_int(strbuf *b, int64_t n)
{
	char *q = sb_reserve(b, 21);

	if (q)
		sb_commit(b, format_int64(n, q));
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0;
		if (s[0] == 0xed && s[1] > 0x9f)
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
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
	sb_json_strn(b, s, strlen(s));
}

/*
 * Written straight into reserved room, not appended a run at a time: the
 * JSON report is mostly short strings, where the calls cost more than the
 * copying. No byte takes more than 6 bytes out ("\u001f"; U+FFFD for a
 * bad byte is 3), so len * 6 + 2 is always room enough.
 */
void sb_json_strn(strbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint64_t ones = 0x0101010101010101u;
	const uint64_t high = 0x8080808080808080u;
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	const unsigned char *stop;
	char *start, *q;

	if (len > (SIZE_MAX - 2) / 6) {
		b->failed = true;
		return;
	}
	start = q = sb_reserve(b, len * 6 + 2);
	if (!q)
		return;
	*q++ = '"';
	while (p < end) {
		/* Eight plain bytes at a time (no control character, quote,
		 * backslash or byte of a multibyte sequence): ids, numbers
		 * and English text are mostly such runs. */
		while (end - p >= 8) {
			uint64_t x, quote, bslash;

			memcpy(&x, p, 8);
			quote = x ^ (ones * '"');
			bslash = x ^ (ones * '\\');
			if ((x & high) ||
			    ((x - ones * 0x20) & ~x & high) ||
			    ((quote - ones) & ~quote & high) ||
			    ((bslash - ones) & ~bslash & high))
				break;
			memcpy(q, p, 8);
			q += 8;
			p += 8;
		}
		/* Then the next eight bytes (or what is left) one by one. */
		stop = end - p > 8 ? p + 8 : end;
		while (p < stop) {
			unsigned char c = *p;
			size_t n;

			if (c >= 0x20 && c < 0x80) {
				if (c == '"' || c == '\\')
					*q++ = '\\';
				*q++ = (char)c;
				p++;
				continue;
			}
			if (c < 0x20) {
				*q++ = '\\';
				switch (c) {
				case '\n': *q++ = 'n'; break;
				case '\r': *q++ = 'r'; break;
				case '\t': *q++ = 't'; break;
				default:
					*q++ = 'u';
					*q++ = '0';
					*q++ = '0';
					*q++ = hex[c >> 4];
					*q++ = hex[c & 15];
					break;
				}
				p++;
				continue;
			}
			n = utf8_len(p, (size_t)(end - p));
			if (n == 0) {
				/* U+FFFD */
				*q++ = (char)0xef;
				*q++ = (char)0xbf;
				*q++ = (char)0xbd;
				p++;
				continue;
			}
			memcpy(q, p, n);
			q += n;
			p += n;
		}
	}
	*q++ = '"';
	sb_commit(b, (size_t)(q - start));
}

int sb_write(const strbuf *b, FILE *out)
{
	if (b->failed)
		return PC_ENOMEM;
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return PC_EIO;
	return 0;
}
