/* alloc.h - the library's one allocation seam. Every heap allocation goes
 * through these so a test can fail the Nth one (pc_fault_inject). */
#ifndef PC_ALLOC_H
#define PC_ALLOC_H
#include <stddef.h>

void *pc_malloc(size_t size);
void *pc_calloc(size_t count, size_t size);
void *pc_realloc(void *ptr, size_t size);
void pc_free(void *ptr);
/* Grow *ptr (an array of *cap elements of elem bytes) to hold need
 * elements. 0 or -1 (out of memory or overflow; *ptr unchanged). */
/* Allocations left before the injected failure (0: none pending, either
 * because injection is off or because the failure already happened). */
unsigned long pc_fault_pending(void);
int pc_grow(void *ptr, size_t *cap, size_t need, size_t elem);
#endif
