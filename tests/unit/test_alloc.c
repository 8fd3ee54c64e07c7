/* test_alloc.c - big blocks (pc_big_alloc), page blocks (pc_page_alloc),
 * the arena's switch to big blocks, and hash tables (idmap, strtab,
 * idindex) growing through all three kinds of table. */
/* mincore and sysconf's page size are not in C11: glibc shows them with
 * this feature macro.
 * NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "plancheck.h"
#include "alloc.h"
#include "arena.h"
#include "strtab.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* Zero-filled and writable to its size, whatever the size. */
static void page_block(void **state)
{
	size_t sizes[] = { 1, 4095, PC_PAGE_BLOCK, PC_PAGE_BLOCK + 1,
			   PC_BIG_BLOCK - 1 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		unsigned char *p = pc_page_alloc(sizes[i]);

		assert_non_null(p);
		for (j = 0; j < sizes[i]; j += 1024)
			assert_int_equal(p[j], 0);
		assert_int_equal(p[sizes[i] - 1], 0);
		memset(p, 0x5a, sizes[i]);
		pc_page_free(p, sizes[i]);
	}
	assert_null(pc_page_alloc(0));
	pc_page_free(NULL, 0);
	if (pc_fault_inject(1) < 0)
		skip();
	assert_null(pc_page_alloc(PC_PAGE_BLOCK));
	assert_int_equal(pc_fault_pending(), 0);
}

/* A map and a string table grown from empty past 2 MiB of table (malloc,
 * then page blocks, then big blocks): every key is found, with its own
 * value, after every rehash; absent keys are not; the string table gives
 * the same pointer for the same text. */
static void tables_grow_through_every_kind(void **state)
{
	enum { N = 150000 };
	arena a;
	strtab t;
	idmap m;
	const char **keys;
	char buf[32];
	size_t i;

	(void)state;
	arena_init(&a);
	strtab_init(&t, &a);
	idmap_init(&m);
	keys = arena_alloc(&a, N * sizeof *keys);
	assert_non_null(keys);
	for (i = 0; i < N; i++) {
		int len = snprintf(buf, sizeof buf, "P%07zu", i * 7919);

		keys[i] = strtab_intern(&t, buf, (size_t)len);
		assert_non_null(keys[i]);
		assert_ptr_equal(strtab_intern(&t, buf, (size_t)len), keys[i]);
		assert_int_equal(idmap_put(&m, keys[i], (void *)(keys + i),
					   NULL), 0);
	}
	/* Past the big-block size: the person map of a national plan. */
	assert_true(m.cap * sizeof *m.ents >= PC_BIG_BLOCK);
	assert_int_equal(m.count, N);
	assert_int_equal(t.count, N);
	for (i = 0; i < N; i++) {
		void *old = NULL;

		assert_ptr_equal(idmap_get(&m, keys[i], str_len(keys[i])),
				 keys + i);
		assert_int_equal(idmap_put(&m, keys[i], NULL, &old), 1);
		assert_ptr_equal(old, keys + i);
	}
	assert_null(idmap_get(&m, "P0000001", 8));
	assert_null(idmap_get(&m, "Q0000000", 8));
	idmap_free(&m);
	assert_int_equal(m.cap, 0);
	assert_null(idmap_get(&m, "P0000000", 8));
	strtab_free(&t);
	arena_free(&a);
}

/* An entity as idindex wants it: the id first. */
typedef struct thing {
	const char *id;
	size_t n;
} thing;

/* An id index grown from empty past the big-block size, its entities'
 * array growing (moving) meanwhile: every id finds its own entity, a
 * repeated id gives the first one's place, other text finds nothing. */
static void idindex_grows_with_its_array(void **state)
{
	enum { N = 300000 };
	arena a;
	idindex m;
	thing **items = NULL;
	size_t cap = 0, i;
	char buf[32];

	(void)state;
	arena_init(&a);
	idindex_init(&m);
	assert_null(idindex_get(&m, NULL, "x", 1));
	for (i = 0; i < N; i++) {
		int len = snprintf(buf, sizeof buf, "U%zu", i * 31);
		thing *t = arena_alloc(&a, sizeof *t);
		uint32_t first = 7;

		assert_non_null(t);
		t->id = str_copy_id(&a, buf, (size_t)len);
		assert_int_equal(str_len(t->id), len);
		t->n = i;
		assert_int_equal(idindex_put(&m, (void *const *)items, t->id,
					     (uint32_t)i, &first), 0);
		assert_int_equal(first, 7);
		assert_int_equal(pc_grow(&items, &cap, i + 1, sizeof *items), 0);
		items[i] = t;
	}
	assert_true(m.cap * sizeof *m.slots >= PC_BIG_BLOCK);
	assert_int_equal(m.count, N);
	for (i = 0; i < N; i += 7) {
		int len = snprintf(buf, sizeof buf, "U%zu", i * 31);
		const char *again = str_copy(&a, buf, (size_t)len);
		thing *t = idindex_get(&m, (void *const *)items, buf,
				       (size_t)len);
		uint32_t first = 0;

		assert_non_null(t);
		assert_int_equal(t->n, i);
		assert_int_equal(idindex_put(&m, (void *const *)items, again,
					     (uint32_t)N, &first), 1);
		assert_int_equal(first, i);
	}
	assert_int_equal(m.count, N);
	assert_null(idindex_get(&m, (void *const *)items, "U1", 2));
	assert_null(idindex_get(&m, (void *const *)items, "U31x", 4));
	assert_int_equal(idindex_put(&m, (void *const *)items, items[0]->id,
				     UINT32_MAX - 1, NULL), -1);
	/* A rebuild hashes the ids again from their text (an id copy keeps
	 * no hash): every one is found where it is now. */
	for (i = 0; i < N / 2; i++) {
		thing *t = items[i];

		items[i] = items[N - 1 - i];
		items[N - 1 - i] = t;
	}
	idindex_rebuild(&m, (void *const *)items, N);
	assert_int_equal(m.count, N);
	for (i = 0; i < N; i += 13) {
		int len = snprintf(buf, sizeof buf, "U%zu", i * 31);

		assert_ptr_equal(idindex_get(&m, (void *const *)items, buf,
					     (size_t)len), items[N - 1 - i]);
	}
	idindex_free(&m);
	assert_int_equal(m.cap, 0);
	assert_null(idindex_get(&m, (void *const *)items, "U0", 2));
	pc_free(items);
	arena_free(&a);
}

/* A plan's arena (arena_init_big) past 1 MiB takes 2 MiB chunks: every
 * allocation stays whole and apart from the others (sanitizers and
 * valgrind check the rest), small and large ones mixed, and arena_free
 * gives all of it back. */
static void arena_grows_into_big_chunks(void **state)
{
	arena a;
	unsigned char *blocks[2000];
	size_t sizes[2000], i, j;

	(void)state;
	arena_init_big(&a);
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

/* Any other arena stays with 64 KiB chunks, however big it grows:
 * 3 MiB of small blocks cost 3 MiB and a chunk, not a 2 MiB chunk
 * more. */
static void arena_without_big_chunks(void **state)
{
	arena a;
	size_t used = 0;

	(void)state;
	arena_init(&a);
	while (used < (size_t)3 * 1024 * 1024) {
		assert_non_null(arena_alloc(&a, 4000));
		used += 4000;
	}
	assert_true(a.total < used + (size_t)128 * 1024);
	assert_true(a.total - used < PC_BIG_BLOCK / 8);
	arena_free(&a);
}

/* Out of memory as the arena asks for its first big chunk (it does once
 * it holds 1 MiB, arena.c): NULL, and the arena stays usable and
 * freeable. */
static void arena_big_chunk_fault(void **state)
{
	arena a;

	(void)state;
	arena_init_big(&a);
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

/* Text is packed: strings follow each other byte for byte, and the next
 * aligned allocation after them is aligned again. Their heads (length,
 * hash) read back right at any address. */
static void packed_text(void **state)
{
	static const char *const words[] = {
		"N0000001", "a", "", "Lê Hoài Linh", "xyz", "0123456789abcdef"
	};
	const char *s[sizeof words / sizeof words[0]];
	arena a;
	size_t i;
	char *p, *q;
	void *w;

	(void)state;
	arena_init(&a);
	p = arena_alloc_bytes(&a, 3);
	q = arena_alloc_bytes(&a, 5);
	assert_ptr_equal(q, p + 3);
	w = arena_alloc(&a, 8);
	assert_int_equal((uintptr_t)w % 8, 0);
	assert_true((char *)w >= q + 5 && (char *)w < q + 5 + 8);
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t len = strlen(words[i]);

		s[i] = str_copy(&a, words[i], len);
		assert_non_null(s[i]);
		if (i)
			assert_ptr_equal(s[i], s[i - 1] + str_len(s[i - 1]) + 1 +
						 4 + 1);
		assert_int_equal(str_len(s[i]), len);
		assert_int_equal(str_hash(s[i]), str_hash_bytes(words[i], len));
		assert_string_equal(s[i], words[i]);
	}
	w = arena_alloc(&a, sizeof(uint64_t));
	assert_int_equal((uintptr_t)w % 8, 0);
	*(uint64_t *)w = UINT64_MAX;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_string_equal(s[i], words[i]);
	assert_ptr_equal(arena_alloc_bytes(&a, 1), (char *)w + 8);
	p = arena_strndup(&a, "abc", 2);
	assert_string_equal(p, "ab");
	arena_free(&a);
}

/* A text under 255 bytes keeps its length in one byte, a longer one in
 * five: both read back, with the hash of a str_copy, on either side of
 * the edge, and the bytes before a head are not touched. */
static void string_heads(void **state)
{
	static const size_t lens[] = { 0, 1, 200, 254, 255, 256, 1000, 70000 };
	char *text = malloc(70001);
	arena a;
	size_t i, k;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 70000; i++)
		text[i] = (char)('a' + i % 26);
	text[70000] = '\0';
	arena_init(&a);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		for (k = 0; k < 2; k++) {
			char *guard = arena_alloc_bytes(&a, 1);
			const char *s;

			*guard = 'G';
			s = k ? str_copy_id(&a, text, lens[i])
			      : str_copy(&a, text, lens[i]);
			assert_non_null(s);
			assert_int_equal(str_len(s), lens[i]);
			assert_int_equal(strlen(s), lens[i]);
			assert_memory_equal(s, text, lens[i]);
			if (!k)
				assert_int_equal(str_hash(s),
						 str_hash_bytes(text, lens[i]));
			/* The head is right after the guard byte (when
			 * the text fits in the arena's current chunk). */
			if (lens[i] <= 1000)
				assert_ptr_equal(s, guard + 1 + (k ? 0 : 4) +
						    (lens[i] < 255 ? 1 : 5));
			assert_int_equal(*guard, 'G');
		}
	}
	arena_free(&a);
	free(text);
}

/* arena_trim gives back the unused end of a big chunk: its pages are no
 * longer resident (mincore), what was handed out stays, and the arena
 * goes on handing out memory from where it was. */
static void arena_trim_gives_back(void **state)
{
	long sz = sysconf(_SC_PAGESIZE);
	size_t page = sz > 0 ? (size_t)sz : 4096;
	unsigned char vec[PC_BIG_BLOCK / 4096];
	arena a;
	char *p, *q, *tail;
	size_t len, i, resident = 0;

	(void)state;
	arena_init_big(&a);
	/* Past 1 MiB in 64 KiB chunks, then into the first big chunk. */
	while (!(a.chunks && a.total >= PC_BIG_BLOCK)) {
		assert_non_null(p = arena_alloc(&a, 4000));
		memset(p, 1, 4000);
	}
	assert_non_null(p = arena_alloc(&a, 16000));
	memset(p, 0x5a, 16000);
	tail = (char *)(((uintptr_t)a.cur + page - 1) & ~(uintptr_t)(page - 1));
	len = (size_t)(a.end - tail);
	assert_true(len >= 16 * page);
	/* Touch the whole tail, as a huge page would be. */
	memset(tail, 7, len);
	arena_trim(&a);
	assert_int_equal(mincore(tail, len, vec), 0);
	for (i = 0; i < len / page; i++)
		resident += vec[i] & 1;
	assert_int_equal(resident, 0);
	for (i = 0; i < 16000; i++)
		if (p[i] != 0x5a)
			fail_msg("byte %zu lost", i);
	q = arena_alloc(&a, 64);
	assert_ptr_equal(q, p + 16000);
	memset(q, 3, 64);
	assert_int_equal(q[63], 3);
	arena_trim(&a);
	assert_int_equal(q[63], 3);
	arena_free(&a);
}

/* After arena_stop_big, a plan's arena uses up its big chunk, then takes
 * 64 KiB chunks: what a plan allocates once it is read must not make a
 * new 2 MiB block resident. */
static void arena_stop_big_keeps_chunks_small(void **state)
{
	arena a;
	size_t before, used = 0;
	char *end;

	(void)state;
	arena_init_big(&a);
	while (!(a.chunks && a.total >= PC_BIG_BLOCK))
		assert_non_null(arena_alloc(&a, 4000));
	/* In a big chunk now: the next chunk would be another. */
	assert_true((size_t)(a.end - a.cur) > (size_t)1024 * 1024);
	arena_stop_big(&a);
	/* What is left of the big chunk goes first. */
	before = a.total;
	end = a.end;
	while (a.end == end) {
		assert_non_null(arena_alloc(&a, 4000));
		used += 4000;
	}
	assert_true(used > (size_t)1024 * 1024);
	/* Then 64 KiB chunks, however many. */
	while (used < (size_t)4 * 1024 * 1024) {
		assert_non_null(arena_alloc(&a, 4000));
		used += 4000;
	}
	assert_true(a.total - before < (size_t)3 * 1024 * 1024);
	assert_true(a.total - before > (size_t)2 * 1024 * 1024);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(big_block),
		cmocka_unit_test(big_block_fault),
		cmocka_unit_test(page_block),
		cmocka_unit_test(tables_grow_through_every_kind),
		cmocka_unit_test(idindex_grows_with_its_array),
		cmocka_unit_test(arena_grows_into_big_chunks),
		cmocka_unit_test(arena_without_big_chunks),
		cmocka_unit_test(arena_big_chunk_fault),
		cmocka_unit_test(packed_text),
		cmocka_unit_test(string_heads),
		cmocka_unit_test(arena_trim_gives_back),
		cmocka_unit_test(arena_stop_big_keeps_chunks_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
