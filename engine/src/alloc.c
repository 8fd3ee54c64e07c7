/* alloc.c - allocation seam with optional fault injection. */
/* MAP_ANONYMOUS and madvise are not in POSIX 2008: glibc shows them
 * with this feature macro, whose name the C standard reserves for the
 * system to read.
 * NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
#define _DEFAULT_SOURCE
#include "alloc.h"
#include "plancheck.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef PC_FAULT_INJECTION
#include <stdatomic.h>

/* 0: off. While it is off (always, outside tests) an allocation only
 * reads it. The countdown is atomic, so that should two threads allocate
 * through pc_malloc while it is on, exactly one allocation is the Nth,
 * whichever thread makes it. (libyaml's thread allocates with malloc.) */
static atomic_ulong fault_countdown;

static int fault_now(void)
{
	unsigned long n = atomic_load_explicit(&fault_countdown,
					       memory_order_relaxed);

	while (n != 0) {
		if (atomic_compare_exchange_weak_explicit(&fault_countdown, &n,
							  n - 1,
							  memory_order_relaxed,
							  memory_order_relaxed))
			return n == 1;
	}
	return 0;
}

int pc_fault_inject(unsigned long nth)
{
	atomic_store(&fault_countdown, nth);
	return 0;
}

unsigned long pc_fault_pending(void)
{
	return atomic_load(&fault_countdown);
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

/* Whole pages, in runs aligned to PC_BIG_BLOCK and marked for huge
 * pages. Building a national plan's model writes tens of MiB of fresh
 * memory; with 4 KiB pages every one of them is a page fault, and on a
 * virtual machine a fault costs several microseconds: about a tenth of a
 * second of system time on the 63-province benchmark plan, against a few
 * milliseconds with 2 MiB pages. The kernel falls back to small pages by
 * itself when it has no huge page to give. */
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
void *pc_big_alloc(size_t size)
{
	size_t align = PC_BIG_BLOCK, len;
	char *p, *q;

	if (fault_now())
		return NULL;
	if (size == 0 || size > SIZE_MAX - 2 * align)
		return NULL;
	size = (size + align - 1) & ~(align - 1);
	len = size + align;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Trim to an aligned run: huge pages need 2 MiB alignment. */
	q = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (q > p)
		munmap(p, (size_t)(q - p));
	if (q + size < p + len)
		munmap(q + size, (size_t)(p + len - (q + size)));
	(void)madvise(q, size, MADV_HUGEPAGE);
	return q;
}

void pc_big_free(void *ptr, size_t size)
{
	size_t align = PC_BIG_BLOCK;

	if (ptr)
		munmap(ptr, (size + align - 1) & ~(align - 1));
}

void pc_big_release(void *ptr, size_t size)
{
	long sz = sysconf(_SC_PAGESIZE);
	uintptr_t page = sz > 0 ? (uintptr_t)sz : 4096;
	uintptr_t from = (uintptr_t)ptr, to = from + size;

	from = (from + page - 1) & ~(page - 1);
	to &= ~(page - 1);
	if (from >= to)
		return;
	/* Small pages from here on, or the kernel's background collapsing
	 * could make a huge page of the range again, resident whole. */
	(void)madvise((void *)from, to - from, MADV_NOHUGEPAGE);
	(void)madvise((void *)from, to - from, MADV_DONTNEED);
}

void *pc_page_alloc(size_t size)
{
	void *p;

	if (fault_now())
		return NULL;
	if (size == 0 || size > SIZE_MAX / 2)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void pc_page_free(void *ptr, size_t size)
{
	if (ptr)
		munmap(ptr, size);
}
#else
void *pc_big_alloc(size_t size)
{
	return pc_calloc(1, size);
}

void pc_big_free(void *ptr, size_t size)
{
	(void)size;
	pc_free(ptr);
}

void pc_big_release(void *ptr, size_t size)
{
	(void)ptr;
	(void)size;
}

void *pc_page_alloc(size_t size)
{
	return pc_calloc(1, size);
}

void pc_page_free(void *ptr, size_t size)
{
	(void)size;
	pc_free(ptr);
}
#endif

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
