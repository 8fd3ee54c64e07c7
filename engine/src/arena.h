/* arena.h - bump allocator. Everything a plan or a rule set allocates lives
 * in its arena and dies in one arena_free(). Cleanup hooks (compiled
 * regular expressions, hash tables) run at that moment too. */
#ifndef PC_ARENA_H
#define PC_ARENA_H
#include <stddef.h>

typedef struct arena_chunk arena_chunk;
typedef struct arena_hook arena_hook;

typedef struct arena {
	arena_chunk *chunks;
	char *cur, *end;
	arena_hook *hooks;
	size_t total;          /* bytes obtained from the system */
	int big;               /* takes big chunks past 1 MiB (arena_init_big) */
} arena;

void arena_init(arena *a);
/* An arena for a plan's model: once it holds 1 MiB it takes its chunks
 * in big blocks (pc_big_alloc), one page fault per 2 MiB. Its last chunk
 * is resident whole even when little of it is used, which is nothing
 * beside a national plan's model but would double a report's or a rule
 * set's memory: those use arena_init, and 64 KiB chunks throughout. */
void arena_init_big(arena *a);
void arena_free(arena *a);
/* Give back what the current chunk has not handed out yet, when it is a
 * big block (arena_init_big): with huge pages the whole 2 MiB is
 * resident from its first use. For the end of a plan's loading; the
 * arena stays usable. */
void arena_trim(arena *a);
/* No more big blocks: the current one is used up, then chunks are 64 KiB.
 * For what a plan allocates once it is read (a few hundred KiB on a
 * national plan), for which a new big block would make 2 MiB resident
 * at once, however little of it is used, and so set the load's peak. */
void arena_stop_big(arena *a);
/* Aligned to 8 bytes (enough for every type the engine stores: pointers,
 * 64-bit integers, doubles); NULL when out of memory. */
void *arena_alloc(arena *a, size_t size);
void *arena_zalloc(arena *a, size_t size);
/* Not aligned at all: for text, which a national plan has hundreds of
 * thousands of short pieces of (ids of eight characters would take a
 * sixteen-byte slot each). NULL when out of memory. */
void *arena_alloc_bytes(arena *a, size_t size);
/* A NUL-terminated copy. */
char *arena_strndup(arena *a, const char *s, size_t len);
char *arena_strdup(arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Run fn(ptr) when the arena is freed; -1 when out of memory (fn is then
 * run at once, so the caller need not clean up). */
int arena_on_free(arena *a, void (*fn)(void *), void *ptr);
#endif
