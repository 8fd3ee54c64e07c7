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

/* One event as text: type, marks and value, enough to tell any two
 * different events apart. */
static void describe(const yaml_event_t *e, char *buf, size_t len)
{
	const char *value = "";
	size_t vlen = 0;

	if (e->type == YAML_SCALAR_EVENT) {
		value = (const char *)e->data.scalar.value;
		vlen = e->data.scalar.length;
	} else if (e->type == YAML_ALIAS_EVENT) {
		value = (const char *)e->data.alias.anchor;
		vlen = strlen(value);
	}
	snprintf(buf, len, "%d %zu:%zu-%zu:%zu %.*s", (int)e->type,
		 e->start_mark.line, e->start_mark.column, e->end_mark.line,
		 e->end_mark.column, (int)vlen, value);
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
			strcat(line, "\n");
		}
		l = strlen(line);
		while (n + l + 1 > cap) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
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
	strcpy(s + n, tail);
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

static void test_stop_early(void **state)
{
	char *s = big_document(20000, "");
	size_t stops[] = { 1, 2, 100, 4095, 4096, 4097, 50000 };
	size_t i;

	(void)state;
	/* The thread is stopped wherever it is: running, or waiting for
	 * room in a full ring. No leak, no hang (sanitizers and valgrind
	 * run this test). */
	for (i = 0; i < sizeof stops / sizeof stops[0]; i++)
		free(events(s, strlen(s), 1, stops[i]));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_documents),
		cmocka_unit_test(test_big_document),
		cmocka_unit_test(test_error_after_many_events),
		cmocka_unit_test(test_error_at_once),
		cmocka_unit_test(test_stop_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
