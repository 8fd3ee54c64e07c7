/* arena.c - bump allocator with cleanup hooks. */
#include "arena.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ARENA_ALIGN 8
#define ARENA_CHUNK ((size_t)64 * 1024)
/* An arena made with arena_init_big that has grown past this takes its
 * chunks in big blocks (pc_big_alloc): a national plan's model is tens
 * of MiB, and big blocks cost one page fault per 2 MiB instead of one
 * per 4 KiB. Small plans never get there. */
#define ARENA_BIG_AFTER ((size_t)1024 * 1024)

struct arena_chunk {
	arena_chunk *next;
	size_t size;            /* bytes of data */
	int big;                /* from pc_big_alloc */
	/* data follows, aligned */
};

struct arena_hook {
	arena_hook *next;
	void (*fn)(void *);
	void *ptr;
};

#define CHUNK_HEADER ((sizeof(arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

void arena_init(arena *a)
{
	memset(a, 0, sizeof *a);
}

void arena_init_big(arena *a)
{
	arena_init(a);
	a->big = 1;
}

void arena_free(arena *a)
{
	arena_hook *h;
	arena_chunk *c, *next;

	if (!a)
		return;
	/* Hooks live in the arena; run them all before any chunk goes. */
	for (h = a->hooks; h; h = h->next)
		h->fn(h->ptr);
	for (c = a->chunks; c; c = next) {
		next = c->next;
		if (c->big)
			pc_big_free(c, CHUNK_HEADER + c->size);
		else
			pc_free(c);
	}
	arena_init(a);
}

void arena_trim(arena *a)
{
	if (a->chunks && a->chunks->big && a->cur < a->end)
		pc_big_release(a->cur, (size_t)(a->end - a->cur));
}

void arena_stop_big(arena *a)
{
	a->big = 0;
}

void *arena_alloc(arena *a, size_t size)
{
	arena_chunk *c;
	size_t want;
	char *p;

	/* The cursor is aligned unless arena_alloc_bytes moved it. */
	size_t pad = (size_t)(-(uintptr_t)a->cur & (ARENA_ALIGN - 1));

	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if ((size_t)(a->end - a->cur) >= pad + size) {
		p = a->cur + pad;
		a->cur = p + size;
		return p;
	}
	if (size > SIZE_MAX - CHUNK_HEADER - ARENA_CHUNK)
		return NULL;
	if (size > ARENA_CHUNK / 4)
		want = size;
	else if (a->big && a->total >= ARENA_BIG_AFTER)
		want = PC_BIG_BLOCK - CHUNK_HEADER;
	else
		want = ARENA_CHUNK;
	if (CHUNK_HEADER + want >= PC_BIG_BLOCK) {
		c = pc_big_alloc(CHUNK_HEADER + want);
		if (!c)
			return NULL;
		c->big = 1;
	} else {
		c = pc_malloc(CHUNK_HEADER + want);
		if (!c)
			return NULL;
		c->big = 0;
	}
	c->size = want;
	a->total += CHUNK_HEADER + want;
	p = (char *)c + CHUNK_HEADER;
	if (want == size) {
		/* A big block: keep the current chunk for small ones. */
		if (a->chunks) {
			c->next = a->chunks->next;
			a->chunks->next = c;
		} else {
			c->next = NULL;
			a->chunks = c;
		}
		return p;
	}
	c->next = a->chunks;
	a->chunks = c;
	a->cur = p + size;
	a->end = p + want;
	return p;
}

void *arena_alloc_bytes(arena *a, size_t size)
{
	char *p;

	if (size && (size_t)(a->end - a->cur) >= size) {
		p = a->cur;
		a->cur += size;
		return p;
	}
	/* A new chunk: give back the rounding if p starts it. */
	p = arena_alloc(a, size);
	if (p && a->cur == p + ((size + ARENA_ALIGN - 1) &
				~(size_t)(ARENA_ALIGN - 1)))
		a->cur = p + size;
	return p;
}

void *arena_zalloc(arena *a, size_t size)
{
	void *p = arena_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = arena_alloc_bytes(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int arena_on_free(arena *a, void (*fn)(void *), void *ptr)
{
	arena_hook *h = arena_alloc(a, sizeof *h);

	if (!h) {
		fn(ptr);
		return -1;
	}
	h->fn = fn;
	h->ptr = ptr;
	h->next = a->hooks;
	a->hooks = h;
	return 0;
}
