/* test_strbuf.c - the output buffer: JSON string escaping (plain runs
 * taken eight bytes at a time, escapes and UTF-8 at any offset), decimal
 * integers, reserved room, and a failed allocation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "plancheck.h"
#include "strbuf.h"

/* The escaping as cli.md describes it, a byte at a time: the reference
 * the fast path must agree with. */
static void reference(char *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	*out++ = '"';
	while (*p) {
		unsigned char c = *p;

		if (c == '"' || c == '\\') {
			*out++ = '\\';
			*out++ = (char)c;
			p++;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			*out++ = '\\';
			*out++ = (char)(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
			p++;
		} else if (c < 0x20) {
			out += sprintf(out, "\\u%04x", c);
			p++;
		} else if (c < 0x80) {
			*out++ = (char)c;
			p++;
		} else if (c >= 0xc2 && c <= 0xdf && (p[1] & 0xc0) == 0x80) {
			memcpy(out, p, 2);
			out += 2;
			p += 2;
		} else if (c >= 0xe1 && c <= 0xec && (p[1] & 0xc0) == 0x80 &&
			   (p[2] & 0xc0) == 0x80) {
			memcpy(out, p, 3);
			out += 3;
			p += 3;
		} else {
			/* Every other lead byte the tests use is invalid. */
			memcpy(out, "\xef\xbf\xbd", 3);
			out += 3;
			p++;
		}
	}
	*out++ = '"';
	*out = '\0';
}

static void expect_json(const char *in, const char *want)
{
	strbuf b;

	sb_init(&b);
	sb_json_str(&b, in);
	assert_false(b.failed);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	sb_free(&b);
}

static void test_json_plain_and_escapes(void **state)
{
	(void)state;
	expect_json("", "\"\"");
	expect_json("T001-S02-P03", "\"T001-S02-P03\"");
	expect_json("exactly8", "\"exactly8\"");
	expect_json("sixteen bytes ok", "\"sixteen bytes ok\"");
	expect_json("a \"quoted\" word", "\"a \\\"quoted\\\" word\"");
	expect_json("C:\\path\\to", "\"C:\\\\path\\\\to\"");
	expect_json("line\none\ttab\rcr", "\"line\\none\\ttab\\rcr\"");
	expect_json("bell\x07 and \x1f", "\"bell\\u0007 and \\u001f\"");
	expect_json("del\x7f", "\"del\x7f\"");
	expect_json("Xã Tân Phú", "\"Xã Tân Phú\"");
	/* A lone continuation byte, a cut sequence, an overlong form. */
	expect_json("ab\x80" "cd", "\"ab\xef\xbf\xbd" "cd\"");
	expect_json("end\xe1\xbb", "\"end\xef\xbf\xbd\xef\xbf\xbd\"");
	expect_json("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
}

/* Every special byte at every offset of a 24-byte string, so it falls in
 * the first, a middle and the last eight-byte chunk and in the tail. */
static void test_json_every_offset(void **state)
{
	static const char *const specials[] = {
		"\"", "\\", "\n", "\x01", "\x1f", "\xc3\xa3", "\xe1\xbb\x87",
		"\x80", "\xff", " ", "~"
	};
	char in[64], want[512];
	size_t k, at, len;
	strbuf b;

	(void)state;
	for (k = 0; k < sizeof specials / sizeof *specials; k++) {
		for (len = 1; len <= 24; len++) {
			for (at = 0; at < len; at++) {
				size_t sl = strlen(specials[k]);

				memset(in, 'x', len);
				memcpy(in + at, specials[k], sl);
				in[at + sl > len ? at + sl : len] = '\0';
				reference(want, in);
				sb_init(&b);
				sb_json_str(&b, in);
				assert_string_equal(b.data, want);
				sb_free(&b);
			}
		}
	}
}

static void test_json_appends(void **state)
{
	strbuf b;

	(void)state;
	sb_init(&b);
	sb_puts(&b, "{");
	sb_json_str(&b, "k");
	sb_puts(&b, ": ");
	sb_json_strn(&b, "value with more", 5);
	sb_putc(&b, '}');
	assert_string_equal(b.data, "{\"k\": \"value\"}");
	sb_free(&b);
}

static void test_int(void **state)
{
	static const int64_t cases[] = {
		0, 1, -1, 9, 10, -10, 123456789, -987654321,
		INT64_MAX, INT64_MIN, INT64_MIN + 1
	};
	char want[32];
	size_t i;
	strbuf b;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		sb_init(&b);
		sb_puts(&b, "n=");
		sb_int(&b, cases[i]);
		snprintf(want, sizeof want, "n=%" PRId64, cases[i]);
		assert_string_equal(b.data, want);
		sb_free(&b);
	}
}

static void test_reserve_commit(void **state)
{
	strbuf b;
	char *q;

	(void)state;
	sb_init(&b);
	q = sb_reserve(&b, 100);
	assert_non_null(q);
	q[0] = 'a';
	q[1] = 'b';
	q[2] = 'c';
	sb_commit(&b, 3);
	q = sb_reserve(&b, 5000);
	assert_non_null(q);
	q[0] = 'd';
	q[1] = 'e';
	sb_commit(&b, 2);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "abcde");
	assert_true(b.cap > 5005);
	sb_free(&b);
}

/* A failed growth is remembered: later writes do nothing, sb_write says
 * so. */
static void test_out_of_memory(void **state)
{
	strbuf b;

	(void)state;
	if (pc_fault_inject(0) < 0)
		skip();
	sb_init(&b);
	pc_fault_inject(1);
	sb_json_str(&b, "text");
	pc_fault_inject(0);
	assert_true(b.failed);
	assert_null(sb_reserve(&b, 1));
	sb_int(&b, 42);
	sb_json_str(&b, "more");
	assert_int_equal(b.len, 0);
	assert_int_equal(sb_write(&b, stdout), PC_ENOMEM);
	sb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_plain_and_escapes),
		cmocka_unit_test(test_json_every_offset),
		cmocka_unit_test(test_json_appends),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_reserve_commit),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
