/* strbuf.h - a growable byte buffer for building output. An allocation
 * failure is remembered (failed) and later appends do nothing. */
#ifndef PC_STRBUF_H
#define PC_STRBUF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct strbuf {
	char *data;
	size_t len, cap;
	bool failed;
} strbuf;

void sb_init(strbuf *b);
void sb_free(strbuf *b);
void sb_add(strbuf *b, const char *s, size_t len);
void sb_puts(strbuf *b, const char *s);
void sb_putc(strbuf *b, char c);
void sb_printf(strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Room for n more bytes and a NUL after them: where to write them, or
 * NULL when out of memory (the buffer has failed). Write at most n bytes,
 * then sb_commit the number written. For writers that would otherwise
 * append a few bytes at a time. */
char *sb_reserve(strbuf *b, size_t n);
static inline void sb_commit(strbuf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}
/* The decimal text of n, as printf's "%" PRId64 writes it. */
void sb_int(strbuf *b, int64_t n);
/* The same into buf (at least 21 bytes), NUL-terminated; its length. */
size_t format_int64(int64_t n, char *buf);
/* A JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void sb_json_str(strbuf *b, const char *s);
/* The same for s[0..len), which holds no NUL byte. */
void sb_json_strn(strbuf *b, const char *s, size_t len);
/* Write the buffer to out; 0, or PC_EIO (also when the buffer failed). */
int sb_write(const strbuf *b, FILE *out);
#endif
