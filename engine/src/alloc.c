/* alloc.c - allocation seam with optional fault injection. */
#include "alloc.h"
#include "plancheck.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef PC_FAULT_INJECTION
/* 0: off. Written only by pc_fault_inject and, while injection is on, by
 * the allocation that counts down; while it is off (always, outside
 * tests) allocations only read it, so threads allocating at once do not
 * race on it. pc_fault_inject is not for threaded use (plancheck.h). */
static unsigned long fault_countdown;

static int fault_now(void)
{
	if (fault_countdown == 0)
		return 0;
	if (--fault_countdown == 0)
		return 1;
	return 0;
}

int pc_fault_inject(unsigned long nth)
{
	fault_countdown = nth;
	return 0;
}

unsigned long pc_fault_pending(void)
{
	return fault_countdown;
}
#else
unsigned long pc_fault_pending(void) { return 0; }
static int fault_now(void) { return 0; }
int pc_fault_inject(unsigned long nth) { (void)nth; return -1; }
#endif

void *pc_malloc(size_t size)
{
	if (fault_now())
		return NULL;
	return malloc(size ? size : 1);
}

void *pc_calloc(size_t count, size_t size)
{
	if (fault_now())
		return NULL;
	return calloc(count ? count : 1, size ? size : 1);
}

void *pc_realloc(void *ptr, size_t size)
{
	if (fault_now())
		return NULL;
	return realloc(ptr, size ? size : 1);
}

void pc_free(void *ptr)
{
	free(ptr);
}

int pc_grow(void *ptr, size_t *cap, size_t need, size_t elem)
{
	void **p = ptr;
	size_t n = *cap;
	void *q;

	if (need <= n)
		return 0;
	if (n < 8)
		n = 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -1;
		n *= 2;
	}
	if (elem && n > SIZE_MAX / elem)
		return -1;
	q = pc_realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}
