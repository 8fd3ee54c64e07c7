/* alloc.h - the library's one allocation seam. Every heap allocation goes
 * through these so a test can fail the Nth one (pc_fault_inject). */
#ifndef PC_ALLOC_H
#define PC_ALLOC_H
#include <stddef.h>

void *pc_malloc(size_t size);
void *pc_calloc(size_t count, size_t size);
void *pc_realloc(void *ptr, size_t size);
void pc_free(void *ptr);
/* Allocations left before the injected failure (0: none pending, either
 * because injection is off or because the failure already happened). */
unsigned long pc_fault_pending(void);
/* Grow *ptr (an array of *cap elements of elem bytes) to hold need
 * elements. 0 or -1 (out of memory or overflow; *ptr unchanged). */
int pc_grow(void *ptr, size_t *cap, size_t need, size_t elem);

/* A big zero-filled block straight from the system: size is rounded up
 * to a multiple of PC_BIG_BLOCK, and the block is backed by huge pages
 * where the system offers them. For arena chunks and large tables that
 * are written whole. Free it with pc_big_free and the same size. */
#define PC_BIG_BLOCK ((size_t)2 * 1024 * 1024)
void *pc_big_alloc(size_t size);
void pc_big_free(void *ptr, size_t size);
/* Give the whole pages within [ptr, ptr + size) of a big block back to
 * the system: a huge page, resident whole once touched, is split. They
 * read as zero when touched again. Nothing happens where the system
 * cannot do it. */
void pc_big_release(void *ptr, size_t size);

/* A zero-filled block of whole pages straight from the system, with no
 * huge pages: for tables of a few hundred KiB that are replaced as they
 * grow. malloc keeps what is freed for later mallocs, and a table that
 * outgrew itself would stay resident; these go back to the system at
 * once. Free with pc_page_free and the same size. */
#define PC_PAGE_BLOCK ((size_t)64 * 1024)
void *pc_page_alloc(size_t size);
void pc_page_free(void *ptr, size_t size);
#endif
