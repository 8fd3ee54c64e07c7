/* test_template.c - message templates: parsing, errors with columns,
 * expansion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "problems.h"

/* A sink that keeps what was reported. */
typedef struct seen {
	unsigned n;
	uint32_t line[16], col[16];
	char msg[16][512];
} seen;

static void keep(void *ctx, prob_kind kind, const char *file, uint32_t line,
		 uint32_t col, const char *msg)
{
	seen *s = ctx;

	(void)kind;
	(void)file;
	if (s->n < 16) {
		s->line[s->n] = line;
		s->col[s->n] = col;
		snprintf(s->msg[s->n], sizeof s->msg[0], "%s", msg);
	}
	s->n++;
}

typedef struct fixture {
	arena a;
	seen s;
	problems probs;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	arena_init(&f->a);
	f->probs.report = keep;
	f->probs.ctx = &f->s;
	f->probs.file = "rules.yaml";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	arena_free(&f->a);
	free(f);
	return 0;
}

static int parse(fixture *f, const char *text, uint32_t line, uint32_t col,
		 tmpl *t)
{
	return tmpl_parse(&f->a, text, strlen(text), &f->probs, line, col, t);
}

static void test_every_placeholder(void **state)
{
	fixture *f = *state;
	const char *text =
		"{unit.id}|{unit.name}|{person.id}|{person.name}|{task.id}|"
		"{task.name}|{value}|{limit}|{due}|{days}|{titles}|"
		"{percent}|{expected}";
	tmpl_args args = {
		.unit_id = "LA-TAN-AN", .unit_name = "Thành phố Tân An",
		.person_id = "P0001", .person_name = "Nguyễn Văn An",
		.task_id = "merge-x", .task_name = "Nhất thể hóa",
		.titles = "party-secretary, pc-chair", .due = "2019-12-31",
		.has_value = true, .value = 4,
		.has_limit = true, .limit = 3,
		.has_days = true, .days = 181,
		.has_percent = true, .percent = 60,
		.has_expected = true, .expected = 75,
	};
	tmpl t;
	char *out;
	uint32_t i, holders = 0;

	assert_int_equal(parse(f, text, 1, 1, &t), 0);
	assert_int_equal(f->s.n, 0);
	for (i = 0; i < t.nparts; i++)
		holders += t.parts[i].is_placeholder;
	assert_int_equal(holders, PH_COUNT_);
	assert_int_equal(t.parts[0].ph, PH_UNIT_ID);
	assert_int_equal(t.parts[t.nparts - 1].ph, PH_EXPECTED);
	out = tmpl_expand(&f->a, &t, &args);
	assert_non_null(out);
	assert_string_equal(out,
		"LA-TAN-AN|Thành phố Tân An|P0001|Nguyễn Văn An|merge-x|"
		"Nhất thể hóa|4|3|2019-12-31|181|party-secretary, pc-chair|"
		"60|75");
}

static void test_unset_values_print_nothing(void **state)
{
	fixture *f = *state;
	tmpl_args args = { .unit_name = "Huyện Đức Hòa", .has_value = false,
			   .value = 99, .has_days = true, .days = -5 };
	tmpl t;
	char *out;

	assert_int_equal(parse(f, "[{unit.name}][{unit.id}][{value}][{days}]",
			       1, 1, &t), 0);
	out = tmpl_expand(&f->a, &t, &args);
	assert_string_equal(out, "[Huyện Đức Hòa][][][-5]");
	out = tmpl_expand(&f->a, &t, NULL);
	assert_string_equal(out, "[][][][]");
}

static void test_braces(void **state)
{
	fixture *f = *state;
	tmpl_args args = { .has_value = true, .value = 7 };
	tmpl t;

	assert_int_equal(parse(f, "{{value}} = {value}, {{}} }}{{", 1, 1, &t), 0);
	assert_int_equal(f->s.n, 0);
	assert_string_equal(tmpl_expand(&f->a, &t, &args),
			    "{value} = 7, {} }{");
	assert_int_equal(parse(f, "{{{value}}}", 1, 1, &t), 0);
	assert_string_equal(tmpl_expand(&f->a, &t, &args), "{7}");
}

static void test_plain_and_empty(void **state)
{
	fixture *f = *state;
	tmpl t;

	assert_int_equal(parse(f, "", 1, 1, &t), 0);
	assert_int_equal(t.nparts, 0);
	assert_string_equal(tmpl_expand(&f->a, &t, NULL), "");
	assert_int_equal(parse(f, "no placeholders here", 1, 1, &t), 0);
	assert_int_equal(t.nparts, 1);
	assert_string_equal(tmpl_expand(&f->a, &t, NULL),
			    "no placeholders here");
}

static void test_unknown_placeholder(void **state)
{
	fixture *f = *state;
	tmpl t;

	/* Text starting at line 7, column 14: the `{` is 3 characters in. */
	assert_int_equal(parse(f, "ab {unit.nam} c", 7, 14, &t), -1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.line[0], 7);
	assert_int_equal(f->s.col[0], 17);
	assert_non_null(strstr(f->s.msg[0], "unknown placeholder {unit.nam}"));
	assert_non_null(strstr(f->s.msg[0], "did you mean {unit.name}?"));
	assert_int_equal(t.nparts, 0);
}

static void test_unknown_placeholder_without_hint(void **state)
{
	fixture *f = *state;
	tmpl t;

	assert_int_equal(parse(f, "{organisation}", 2, 3, &t), -1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.col[0], 3);
	assert_non_null(strstr(f->s.msg[0], "unknown placeholder {organisation}"));
	assert_null(strstr(f->s.msg[0], "did you mean"));
	assert_non_null(strstr(f->s.msg[0], "known: {unit.id}"));
}

static void test_unterminated(void **state)
{
	fixture *f = *state;
	tmpl t;

	assert_int_equal(parse(f, "abc {unit.id", 1, 10, &t), -1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.col[0], 14);
	assert_non_null(strstr(f->s.msg[0],
			       "unterminated placeholder '{unit.id'"));
}

static void test_unterminated_then_good(void **state)
{
	fixture *f = *state;
	tmpl t;

	/* The second `{` opens a good placeholder: one problem only. */
	assert_int_equal(parse(f, "{unit.id{value}", 1, 1, &t), -1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.col[0], 1);
	assert_non_null(strstr(f->s.msg[0], "unterminated placeholder"));
}

static void test_lone_closing_brace(void **state)
{
	fixture *f = *state;
	tmpl t;

	assert_int_equal(parse(f, "x } y", 4, 5, &t), -1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.line[0], 4);
	assert_int_equal(f->s.col[0], 7);
	assert_non_null(strstr(f->s.msg[0], "lone '}'"));
}

static void test_every_problem_reported(void **state)
{
	fixture *f = *state;
	tmpl t;

	assert_int_equal(parse(f, "{a} {value} {b} }{", 1, 1, &t), -1);
	assert_int_equal(f->s.n, 4);
	assert_int_equal(f->s.col[0], 1);
	assert_int_equal(f->s.col[1], 13);
	assert_int_equal(f->s.col[2], 17);
	assert_non_null(strstr(f->s.msg[2], "lone '}'"));
	assert_int_equal(f->s.col[3], 18);
	assert_non_null(strstr(f->s.msg[3], "unterminated"));
}

static void test_columns_count_characters(void **state)
{
	fixture *f = *state;
	tmpl t;

	/* "Đơn vị " is 7 characters and 10 bytes. */
	assert_int_equal(parse(f, "Đơn vị {đơn.vị}", 3, 1, &t), -1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.col[0], 8);
	assert_non_null(strstr(f->s.msg[0], "{đơn.vị}"));
}

static void test_after_line_break(void **state)
{
	fixture *f = *state;
	tmpl t;

	/* Past a line break the message's own position is reported. */
	assert_int_equal(parse(f, "first line\n  {nope}", 5, 12, &t), -1);
	assert_int_equal(f->s.n, 1);
	assert_int_equal(f->s.line[0], 5);
	assert_int_equal(f->s.col[0], 12);
}

static void test_newline_ends_placeholder(void **state)
{
	fixture *f = *state;
	tmpl t;

	assert_int_equal(parse(f, "{value\n}", 1, 1, &t), -1);
	/* The `{` is unterminated, and the `}` on the next line is lone. */
	assert_int_equal(f->s.n, 2);
	assert_non_null(strstr(f->s.msg[0], "unterminated"));
	assert_non_null(strstr(f->s.msg[1], "lone"));
}

static void test_vietnamese_byte_for_byte(void **state)
{
	fixture *f = *state;
	const char *text = "Đơn vị {unit.name} có {value} phó trưởng phòng, "
			   "vượt mức {limit} — “Nghị định 107/2020/NĐ-CP”";
	const char *want = "Đơn vị Phòng Nội vụ – Sở Tư pháp có 4 phó trưởng "
			   "phòng, vượt mức 3 — “Nghị định 107/2020/NĐ-CP”";
	tmpl_args args = { .unit_name = "Phòng Nội vụ – Sở Tư pháp",
			   .has_value = true, .value = 4,
			   .has_limit = true, .limit = 3 };
	tmpl t;
	char *out;

	assert_int_equal(parse(f, text, 1, 1, &t), 0);
	out = tmpl_expand(&f->a, &t, &args);
	assert_non_null(out);
	assert_int_equal(strlen(out), strlen(want));
	assert_memory_equal(out, want, strlen(want));
}

static void test_parts_point_into_text(void **state)
{
	fixture *f = *state;
	const char *text = "a {due} b";
	tmpl t;

	assert_int_equal(parse(f, text, 1, 1, &t), 0);
	assert_int_equal(t.nparts, 3);
	assert_true(t.parts[1].is_placeholder);
	assert_ptr_equal(t.parts[1].text, text + 2);
	assert_int_equal(t.parts[1].len, 5);
}

static void test_out_of_memory(void **state)
{
	fixture *f = *state;
	unsigned long n;
	int rc = -1;
	tmpl t;

	if (pc_fault_inject(0) < 0)
		skip();
	for (n = 1; n < 20 && rc < 0; n++) {
		arena a;
		arena_init(&a);
		pc_fault_inject(n);
		rc = tmpl_parse(&a, "x {value} y", 11, &f->probs, 1, 1, &t);
		pc_fault_inject(0);
		if (rc < 0) {
			/* Out of memory is not reported as a problem. */
			assert_int_equal(f->s.n, 0);
		} else {
			assert_non_null(tmpl_expand(&a, &t, NULL));
		}
		arena_free(&a);
	}
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_placeholder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unset_values_print_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_braces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_placeholder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_placeholder_without_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated_then_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lone_closing_brace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_problem_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_count_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_line_break, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newline_ends_placeholder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vietnamese_byte_for_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_point_into_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
