/* test_alloc.c - big blocks (pc_big_alloc) and the arena's switch to
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "plancheck.h"
#include "alloc.h"
#include "arena.h"

/* Zero-filled, aligned to PC_BIG_BLOCK, writable to the rounded size. */
static void big_block(void **state)
{
	size_t sizes[] = { 1, PC_BIG_BLOCK - 1, PC_BIG_BLOCK,
			   PC_BIG_BLOCK + 1, 3 * PC_BIG_BLOCK };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t round = (sizes[i] + PC_BIG_BLOCK - 1) &
			       ~(PC_BIG_BLOCK - 1);
		unsigned char *p = pc_big_alloc(sizes[i]);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % PC_BIG_BLOCK, 0);
		for (j = 0; j < round; j += 4096)
			assert_int_equal(p[j], 0);
		assert_int_equal(p[round - 1], 0);
		memset(p, 0xa5, round);
		pc_big_free(p, sizes[i]);
	}
	assert_null(pc_big_alloc(0));
	pc_big_free(NULL, 0);
}

/* A failed allocation gives NULL, as pc_malloc does. */
static void big_block_fault(void **state)
{
	(void)state;
	if (pc_fault_inject(1) < 0)
		skip();
	assert_null(pc_big_alloc(PC_BIG_BLOCK));
	assert_int_equal(pc_fault_pending(), 0);
}

/* An arena past 1 MiB takes 2 MiB chunks: every allocation stays whole
 * and apart from the others (sanitizers and valgrind check the rest),
 * small and large ones mixed, and arena_free gives all of it back. */
static void arena_grows_into_big_chunks(void **state)
{
	arena a;
	unsigned char *blocks[2000];
	size_t sizes[2000], i, j;

	(void)state;
	arena_init(&a);
	for (i = 0; i < 2000; i++) {
		sizes[i] = i % 97 == 0 ? 40000 + i : 8 + i % 3000;
		blocks[i] = arena_alloc(&a, sizes[i]);
		assert_non_null(blocks[i]);
		assert_int_equal((uintptr_t)blocks[i] % 8, 0);
		memset(blocks[i], (int)(i & 0xff), sizes[i]);
	}
	/* Past 1 MiB of small chunks, at least one big one. */
	assert_true(a.total >= (size_t)1024 * 1024 + PC_BIG_BLOCK);
	for (i = 0; i < 2000; i++)
		for (j = 0; j < sizes[i]; j += 512)
			assert_int_equal(blocks[i][j], i & 0xff);
	/* A block bigger than a chunk. */
	assert_non_null(arena_zalloc(&a, 5 * PC_BIG_BLOCK));
	arena_free(&a);
	assert_int_equal(a.total, 0);
}

/* Out of memory as the arena asks for its first big chunk (it does once
 * it holds 1 MiB, arena.c): NULL, and the arena stays usable and
 * freeable. */
static void arena_big_chunk_fault(void **state)
{
	arena a;

	(void)state;
	arena_init(&a);
	while (a.total < (size_t)1024 * 1024)
		assert_non_null(arena_alloc(&a, 4000));
	/* Use up the current chunk: the next allocation needs a new one. */
	while ((size_t)(a.end - a.cur) >= 4000)
		assert_non_null(arena_alloc(&a, 4000));
	if (pc_fault_inject(1) < 0) {
		arena_free(&a);
		skip();
	}
	assert_null(arena_alloc(&a, 4000));
	assert_non_null(arena_alloc(&a, 4000));
	assert_true(a.total >= (size_t)1024 * 1024 + PC_BIG_BLOCK);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(big_block),
		cmocka_unit_test(big_block_fault),
		cmocka_unit_test(arena_grows_into_big_chunks),
		cmocka_unit_test(arena_big_chunk_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
