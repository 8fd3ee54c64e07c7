/* test_ahead.c - the parser thread gives exactly what libyaml gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ahead.h"

/* One event as text: every field the ring carries (type, start line and
 * column, anchor, tag, style, implicit flags, value), so any two events
 * that differ in one of them differ here. Long values are summed up by
 * their length and ends. */
static void describe(const yaml_event_t *e, char *buf, size_t len)
{
	const yaml_char_t *anchor = NULL, *tag = NULL, *value = NULL;
	size_t vlen = 0;
	int style = 0, implicit = 0, quoted = 0;

	switch (e->type) {
	case YAML_STREAM_START_EVENT:
		style = (int)e->data.stream_start.encoding;
		break;
	case YAML_DOCUMENT_START_EVENT:
		implicit = e->data.document_start.implicit;
		break;
	case YAML_DOCUMENT_END_EVENT:
		implicit = e->data.document_end.implicit;
		break;
	case YAML_ALIAS_EVENT:
		anchor = e->data.alias.anchor;
		break;
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor;
		tag = e->data.scalar.tag;
		value = e->data.scalar.value;
		vlen = e->data.scalar.length;
		style = (int)e->data.scalar.style;
		implicit = e->data.scalar.plain_implicit;
		quoted = e->data.scalar.quoted_implicit;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = e->data.sequence_start.anchor;
		tag = e->data.sequence_start.tag;
		style = (int)e->data.sequence_start.style;
		implicit = e->data.sequence_start.implicit;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = e->data.mapping_start.anchor;
		tag = e->data.mapping_start.tag;
		style = (int)e->data.mapping_start.style;
		implicit = e->data.mapping_start.implicit;
		break;
	default:
		break;
	}
	snprintf(buf, len, "%d %zu:%zu s%d i%d q%d &%.40s!%.40s (%zu) %.*s%s%.*s",
		 (int)e->type, e->start_mark.line, e->start_mark.column,
		 style, implicit, quoted,
		 anchor ? (const char *)anchor : "-",
		 tag ? (const char *)tag : "-", vlen,
		 (int)(vlen > 60 ? 30 : vlen), value ? (const char *)value : "",
		 vlen > 60 ? "..." : "",
		 (int)(vlen > 60 ? 30 : 0),
		 value && vlen > 60 ? (const char *)value + vlen - 30 : "");
	if (anchor && strlen((const char *)anchor) > 40)
		snprintf(buf + strlen(buf), len - strlen(buf), " (anchor %zu)",
			 strlen((const char *)anchor));
}

/* Every event of text, one line each, then "ERROR problem line:col" if
 * the parser fails. With ahead, the reader stops after stop_after events (0: never)
 * and lets ahead_stop clean up. */
static char *events(const char *text, size_t len, int with_ahead,
		    size_t stop_after)
{
	yaml_parser_t parser;
	yaml_mark_t last_end;
	ahead *a = NULL;
	bool ended = false;
	size_t cap = 1 << 16, n = 0, count = 0;
	char *out = malloc(cap), line[256];

	assert_non_null(out);
	out[0] = '\0';
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	if (with_ahead)
		assert_int_equal(ahead_start(&a, &parser, &last_end), 0);
	for (;;) {
		yaml_event_t ev;
		int ok;
		size_t l;

		if (with_ahead)
			ok = ahead_next(a, &ev);
		else
			ok = yaml_parser_parse(&parser, &ev);
		if (!ok) {
			snprintf(line, sizeof line, "ERROR %s %zu:%zu\n",
				 parser.problem ? parser.problem : "?",
				 parser.problem_mark.line,
				 parser.problem_mark.column);
		} else {
			describe(&ev, line, sizeof line - 1);
			l = strlen(line);
			line[l] = '\n';
			line[l + 1] = '\0';
		}
		l = strlen(line);
		while (n + l + 1 > cap) {
			char *bigger = realloc(out, cap * 2);

			assert_non_null(bigger);
			out = bigger;
			cap *= 2;
		}
		memcpy(out + n, line, l + 1);
		n += l;
		if (!ok)
			break;
		if (with_ahead) {
			/* The event last given stays whole until the next
			 * call, whatever the parser thread does meanwhile. */
			if (ev.type == YAML_STREAM_END_EVENT) {
				ended = true;
				break;
			}
			if (stop_after && ++count == stop_after)
				break;
		} else {
			yaml_event_type_t type = ev.type;

			yaml_event_delete(&ev);
			if (type == YAML_STREAM_END_EVENT)
				break;
		}
	}
	if (with_ahead) {
		yaml_event_t after;

		/* After the stream end, empty events, as from libyaml. */
		if (ended) {
			assert_int_equal(ahead_next(a, &after), 1);
			assert_int_equal(after.type, YAML_NO_EVENT);
		}
		ahead_stop(a);
	}
	yaml_parser_delete(&parser);
	return out;
}

/* A plan-like document with units entries: far more events than the
 * ring holds, so both sides wait for each other many times. */
static char *big_document(size_t units, const char *tail)
{
	size_t cap = units * 200 + strlen(tail) + 64, n = 0, i;
	char *s = malloc(cap);

	assert_non_null(s);
	n += (size_t)sprintf(s + n, "units:\n");
	for (i = 0; i < units; i++)
		n += (size_t)sprintf(s + n,
			"  - id: U%06zu\n"
			"    name: \"Đơn vị %zu\"\n"
			"    staff: {baseline: %zu, actual: %zu}\n"
			"    tags: [a, b, &t%zu c]\n"
			"    same: *t%zu\n",
			i, i, i % 97, i % 89, i, i);
	memcpy(s + n, tail, strlen(tail) + 1);
	return s;
}

static void assert_same(const char *text)
{
	char *serial = events(text, strlen(text), 0, 0);
	char *threaded = events(text, strlen(text), 1, 0);

	assert_string_equal(threaded, serial);
	free(serial);
	free(threaded);
}

static void test_small_documents(void **state)
{
	(void)state;
	assert_same("");
	assert_same("a: 1\n");
	assert_same("- [1, 2, {x: y}]\n- &a b\n- *a\n");
	assert_same("--- 1\n--- 2\n...\n");
}

static void test_big_document(void **state)
{
	char *s = big_document(20000, "");

	(void)state;
	assert_same(s);
	free(s);
}

static void test_error_after_many_events(void **state)
{
	char *s = big_document(5000, "  - id: broken\n   bad: [\n");
	char *out = events(s, strlen(s), 1, 0);

	(void)state;
	assert_non_null(strstr(out, "ERROR "));
	free(out);
	assert_same(s);
	free(s);
}

static void test_error_at_once(void **state)
{
	(void)state;
	assert_same("a: [\n");
	assert_same("\t- x\n");
}

/* Anchors, tags, scalars of every style, and text too long for the
 * ring, which travels in a block of its own. */
static void test_every_field(void **state)
{
	size_t n = (size_t)600 * 1024, i;
	char *s = malloc(3 * n + 512), *p = s;

	(void)state;
	assert_non_null(s);
	p += sprintf(p, "%%YAML 1.1\n%%TAG !e! tag:example.com,2000:\n--- "
		     "!e!root\nplain: a\nsingle: 'b'\ndouble: \"c\"\n"
		     "lit: |\n  d\nfold: >\n  e\ntagged: !!str 1\n"
		     "local: !x f\nseq: &s !!seq [1, 2]\nmap: &m {k: v}\n"
		     "again: *s\nempty:\n");
	/* A scalar of 600 KiB, then an anchor and an alias of 600 KiB. */
	p += sprintf(p, "big: ");
	for (i = 0; i < n; i++)
		*p++ = (char)('a' + i % 26);
	p += sprintf(p, "\nbiganchor: &");
	for (i = 0; i < n; i++)
		*p++ = (char)('a' + i % 26);
	p += sprintf(p, " x\nbigalias: *");
	for (i = 0; i < n; i++)
		*p++ = (char)('a' + i % 26);
	sprintf(p, "\n...\n--- second\n");
	assert_same(s);
	free(s);
}

static void test_stop_early(void **state)
{
	char *s = big_document(20000, "");
	size_t stops[] = { 1, 2, 100, 4095, 4096, 4097, 30000, 90000 };
	size_t i;

	(void)state;
	/* The thread is stopped wherever it is: running, or waiting for
	 * room in a full ring (it holds some 20,000 of these events). No
	 * leak, no hang (sanitizers and valgrind run this test). */
	for (i = 0; i < sizeof stops / sizeof stops[0]; i++)
		free(events(s, strlen(s), 1, stops[i]));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_documents),
		cmocka_unit_test(test_big_document),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_error_after_many_events),
		cmocka_unit_test(test_error_at_once),
		cmocka_unit_test(test_stop_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
