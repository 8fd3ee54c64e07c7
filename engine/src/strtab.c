/* strtab.c - string interning and string-keyed hash maps. */
#include "strtab.h"
#include "alloc.h"

#include <string.h>

uint32_t str_hash_bytes(const char *s, size_t len)
{
	/* FNV-1a, folded to 32 bits; ids are short. */
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

void strtab_init(strtab *t, arena *a)
{
	memset(t, 0, sizeof *t);
	t->arena = a;
}

void strtab_free(strtab *t)
{
	pc_free(t->slots);
	t->slots = NULL;
	t->count = t->cap = 0;
}

static int strtab_rehash(strtab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024, i, j;
	const char **ns = pc_calloc(ncap, sizeof *ns);

	if (!ns)
		return -1;
	for (i = 0; i < t->cap; i++) {
		const char *s = t->slots[i];
		if (!s)
			continue;
		for (j = str_hash(s) & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = s;
	}
	pc_free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

const char *strtab_intern(strtab *t, const char *s, size_t len)
{
	uint32_t h;
	size_t i;
	char *p;
	str_head *head;

	if (len > UINT32_MAX - 64)
		return NULL;
	if ((t->count + 1) * 2 > t->cap && strtab_rehash(t) < 0)
		return NULL;
	h = str_hash_bytes(s, len);
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		const char *q = t->slots[i];
		if (str_hash(q) == h && str_len(q) == len && memcmp(q, s, len) == 0)
			return q;
	}
	p = arena_alloc(t->arena, sizeof(str_head) + len + 1);
	if (!p)
		return NULL;
	head = (str_head *)(void *)p;
	head->len = (uint32_t)len;
	head->hash = h;
	p += sizeof(str_head);
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	t->slots[i] = p;
	t->count++;
	return p;
}

void idmap_init(idmap *m)
{
	memset(m, 0, sizeof *m);
}

void idmap_free(idmap *m)
{
	pc_free(m->keys);
	pc_free(m->vals);
	idmap_init(m);
}

static int idmap_rehash(idmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i, j;
	const char **nk = pc_calloc(ncap, sizeof *nk);
	void **nv = pc_calloc(ncap, sizeof *nv);

	if (!nk || !nv) {
		pc_free(nk);
		pc_free(nv);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		for (j = str_hash(m->keys[i]) & (ncap - 1); nk[j]; j = (j + 1) & (ncap - 1))
			;
		nk[j] = m->keys[i];
		nv[j] = m->vals[i];
	}
	pc_free(m->keys);
	pc_free(m->vals);
	m->keys = nk;
	m->vals = nv;
	m->cap = ncap;
	return 0;
}

int idmap_put(idmap *m, const char *key, void *val, void **existing)
{
	size_t i;
	uint32_t h = str_hash(key), len = str_len(key);

	if ((m->count + 1) * 2 > m->cap && idmap_rehash(m) < 0)
		return -1;
	for (i = h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		const char *q = m->keys[i];
		if (q == key || (str_hash(q) == h && str_len(q) == len &&
				 memcmp(q, key, len) == 0)) {
			if (existing)
				*existing = m->vals[i];
			return 1;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return 0;
}

int idmap_set(idmap *m, const char *key, void *val)
{
	size_t i;
	uint32_t h = str_hash(key), len = str_len(key);

	if ((m->count + 1) * 2 > m->cap && idmap_rehash(m) < 0)
		return -1;
	for (i = h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		const char *q = m->keys[i];
		if (q == key || (str_hash(q) == h && str_len(q) == len &&
				 memcmp(q, key, len) == 0)) {
			m->vals[i] = val;
			return 0;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return 0;
}

void *idmap_get(const idmap *m, const char *text, size_t len)
{
	size_t i;
	uint32_t h;

	if (!m->cap)
		return NULL;
	h = str_hash_bytes(text, len);
	for (i = h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		const char *q = m->keys[i];
		if (str_hash(q) == h && str_len(q) == len && memcmp(q, text, len) == 0)
			return m->vals[i];
	}
	return NULL;
}
