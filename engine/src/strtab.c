/* strtab.c - string interning and string-keyed hash maps. */
#include "strtab.h"
#include "alloc.h"

#include <stdbool.h>
#include <string.h>

uint32_t str_hash_bytes(const char *s, size_t len)
{
	/* Eight bytes a step, each word mixed in with a multiply; ids and
	 * keys are short, so the tail and the final mix dominate. */
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = (uint64_t)len * k, w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * k;
	}
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* Write the length of a text of len bytes at p, right before where the
 * text goes, and return that place. */
static char *put_len(char *p, uint32_t len)
{
	if (len < STR_LONG) {
		*p = (char)len;
		return p + 1;
	}
	memcpy(p, &len, sizeof len);
	p[sizeof len] = (char)STR_LONG;
	return p + sizeof len + 1;
}

/* A copy of s[0..len) after a head of hash bytes (0 or 4) and its
 * length. */
static char *copy_with_head(arena *a, const char *s, size_t len, bool hash)
{
	size_t head = (hash ? sizeof(uint32_t) : 0) + str_len_size(len);
	char *p;

	if (len > UINT32_MAX - 64)
		return NULL;
	p = arena_alloc_bytes(a, head + len + 1);
	if (!p)
		return NULL;
	if (hash) {
		uint32_t h = str_hash_bytes(s, len);

		memcpy(p, &h, sizeof h);
		p += sizeof h;
	}
	p = put_len(p, (uint32_t)len);
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *str_copy(arena *a, const char *s, size_t len)
{
	return copy_with_head(a, s, len, true);
}

char *str_copy_id(arena *a, const char *s, size_t len)
{
	return copy_with_head(a, s, len, false);
}

/* Tables of a national plan reach several MiB; those come in big blocks
 * (fewer page faults, see pc_big_alloc). Mid-size ones are whole pages,
 * so that the table a rehash replaces goes back to the system instead of
 * staying resident in malloc's heap (pc_page_alloc): on the 63-province
 * benchmark plan the outgrown tables were 3 MiB. All are zero-filled. */
static void *table_alloc(size_t count, size_t elem)
{
	size_t bytes = count * elem;

	if (bytes >= PC_BIG_BLOCK)
		return pc_big_alloc(bytes);
	if (bytes >= PC_PAGE_BLOCK)
		return pc_page_alloc(bytes);
	return pc_calloc(count, elem);
}

static void table_free(void *p, size_t count, size_t elem)
{
	size_t bytes = count * elem;

	if (bytes >= PC_BIG_BLOCK)
		pc_big_free(p, bytes);
	else if (bytes >= PC_PAGE_BLOCK)
		pc_page_free(p, bytes);
	else
		pc_free(p);
}

void strtab_init(strtab *t, arena *a)
{
	memset(t, 0, sizeof *t);
	t->arena = a;
}

void strtab_free(strtab *t)
{
	table_free(t->slots, t->cap, sizeof *t->slots);
	table_free(t->hashes, t->cap, sizeof *t->hashes);
	t->slots = NULL;
	t->hashes = NULL;
	t->count = t->cap = 0;
}

/* Grow at three quarters full. The hashes sit in their own array, so a
 * probe reads four bytes a slot and touches a string only when its hash
 * matches. */
static int strtab_rehash(strtab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024, i, j;
	const char **ns = table_alloc(ncap, sizeof *ns);
	uint32_t *nh = table_alloc(ncap, sizeof *nh);

	if (!ns || !nh) {
		table_free(ns, ncap, sizeof *ns);
		table_free(nh, ncap, sizeof *nh);
		return -1;
	}
	for (i = 0; i < t->cap; i++) {
		const char *s = t->slots[i];
		if (!s)
			continue;
		for (j = t->hashes[i] & (ncap - 1); ns[j]; j = (j + 1) & (ncap - 1))
			;
		ns[j] = s;
		nh[j] = t->hashes[i];
	}
	table_free(t->slots, t->cap, sizeof *t->slots);
	table_free(t->hashes, t->cap, sizeof *t->hashes);
	t->slots = ns;
	t->hashes = nh;
	t->cap = ncap;
	return 0;
}

const char *strtab_intern(strtab *t, const char *s, size_t len)
{
	uint32_t h;
	size_t i;
	char *p;

	if (len > UINT32_MAX - 64)
		return NULL;
	if ((t->count + 1) * 4 > t->cap * 3 && strtab_rehash(t) < 0)
		return NULL;
	h = str_hash_bytes(s, len);
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1)) {
		const char *q = t->slots[i];
		if (t->hashes[i] == h && str_len(q) == len &&
		    memcmp(q, s, len) == 0)
			return q;
	}
	p = str_copy(t->arena, s, len);
	if (!p)
		return NULL;
	t->slots[i] = p;
	t->hashes[i] = h;
	t->count++;
	return p;
}

void idmap_init(idmap *m)
{
	memset(m, 0, sizeof *m);
}

void idmap_free(idmap *m)
{
	table_free(m->ents, m->cap, sizeof *m->ents);
	idmap_init(m);
}

/* Keys and values side by side: a probe that finds its key reads one
 * cache line of the table, then the key's text. */
static int idmap_rehash(idmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i, j;
	idmap_ent *ne = table_alloc(ncap, sizeof *ne);

	if (!ne)
		return -1;
	for (i = 0; i < m->cap; i++) {
		const char *k = m->ents[i].key;
		if (!k)
			continue;
		for (j = str_hash(k) & (ncap - 1); ne[j].key; j = (j + 1) & (ncap - 1))
			;
		ne[j] = m->ents[i];
	}
	table_free(m->ents, m->cap, sizeof *m->ents);
	m->ents = ne;
	m->cap = ncap;
	return 0;
}

/* The slot of key, or the empty slot where it would go. */
static size_t idmap_slot(const idmap *m, const char *key, uint32_t h,
			 uint32_t len)
{
	size_t i;

	for (i = h & (m->cap - 1); m->ents[i].key; i = (i + 1) & (m->cap - 1)) {
		const char *q = m->ents[i].key;
		if (q == key || (str_hash(q) == h && str_len(q) == len &&
				 memcmp(q, key, len) == 0))
			break;
	}
	return i;
}

int idmap_put(idmap *m, const char *key, void *val, void **existing)
{
	size_t i;

	if ((m->count + 1) * 2 > m->cap && idmap_rehash(m) < 0)
		return -1;
	i = idmap_slot(m, key, str_hash(key), str_len(key));
	if (m->ents[i].key) {
		if (existing)
			*existing = m->ents[i].val;
		return 1;
	}
	m->ents[i].key = key;
	m->ents[i].val = val;
	m->count++;
	return 0;
}

int idmap_set(idmap *m, const char *key, void *val)
{
	size_t i;

	if ((m->count + 1) * 2 > m->cap && idmap_rehash(m) < 0)
		return -1;
	i = idmap_slot(m, key, str_hash(key), str_len(key));
	if (!m->ents[i].key) {
		m->ents[i].key = key;
		m->count++;
	}
	m->ents[i].val = val;
	return 0;
}

void *idmap_get(const idmap *m, const char *text, size_t len)
{
	size_t i;
	uint32_t h;

	if (!m->cap || len > UINT32_MAX)
		return NULL;
	h = str_hash_bytes(text, len);
	for (i = h & (m->cap - 1); m->ents[i].key; i = (i + 1) & (m->cap - 1)) {
		const char *q = m->ents[i].key;
		if (str_hash(q) == h && str_len(q) == len &&
		    memcmp(q, text, len) == 0)
			return m->ents[i].val;
	}
	return NULL;
}

void idindex_init(idindex *m)
{
	memset(m, 0, sizeof *m);
}

void idindex_free(idindex *m)
{
	table_free(m->slots, m->cap, sizeof *m->slots);
	idindex_init(m);
}

#define SLOT_HASH(s) ((uint32_t)((s) >> 32))
#define SLOT_PLACE(s) ((uint32_t)(s) - 1)

/* Put slot s in the first free slot of its run (slots has room). */
static void slot_insert(uint64_t *slots, size_t cap, uint64_t s)
{
	size_t j;

	for (j = SLOT_HASH(s) & (cap - 1); slots[j]; j = (j + 1) & (cap - 1))
		;
	slots[j] = s;
}

/* Grow at seven eighths full: a probe compares hashes within the
 * table (eight slots a cache line) and reads an entity only on a match,
 * so longer runs cost little, and the table of a national plan's
 * 114,153 people is 1 MiB instead of 2. The hashes are in the slots, so
 * a rehash reads no entity. */
#define IDINDEX_ROOM(count, cap) (((count) + 1) * 8 <= (cap) * 7)
static int idindex_rehash(idindex *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	uint64_t *ns = table_alloc(ncap, sizeof *ns);

	if (!ns)
		return -1;
	for (i = 0; i < m->cap; i++)
		if (m->slots[i])
			slot_insert(ns, ncap, m->slots[i]);
	table_free(m->slots, m->cap, sizeof *m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

static const char *entity_id(const void *items, uint32_t place)
{
	const char *const *first_member = ((void *const *)items)[place];

	return *first_member;
}

/* Probe for text (its hash h): true with its slot in *at, or false with
 * the empty slot that ends the probe in *at. Inlined with a constant
 * id_at, the call goes too. */
static inline bool slot_find(const idindex *m, idindex_id_fn *id_at,
			     const void *items, uint32_t h, const char *text,
			     size_t len, size_t *at)
{
	size_t i;

	for (i = h & (m->cap - 1); m->slots[i]; i = (i + 1) & (m->cap - 1)) {
		uint64_t s = m->slots[i];
		const char *q;

		if (SLOT_HASH(s) != h)
			continue;
		q = id_at(items, SLOT_PLACE(s));
		if (q == text || (str_len(q) == len &&
				  memcmp(q, text, len) == 0)) {
			*at = i;
			return true;
		}
	}
	*at = i;
	return false;
}

static inline int put_by(idindex *m, idindex_id_fn *id_at, const void *items,
			 const char *id, uint32_t place, uint32_t *existing)
{
	uint32_t h = str_hash_bytes(id, str_len(id));
	size_t i;

	if (place >= UINT32_MAX - 1)
		return -1;
	if (!IDINDEX_ROOM(m->count, m->cap) && idindex_rehash(m) < 0)
		return -1;
	if (slot_find(m, id_at, items, h, id, str_len(id), &i)) {
		if (existing)
			*existing = SLOT_PLACE(m->slots[i]);
		return 1;
	}
	m->slots[i] = (uint64_t)h << 32 | (uint64_t)(place + 1);
	m->count++;
	return 0;
}

static inline uint32_t find_by(const idindex *m, idindex_id_fn *id_at,
			       const void *items, const char *text, size_t len)
{
	size_t i;

	if (!m->cap || len > UINT32_MAX)
		return UINT32_MAX;
	if (!slot_find(m, id_at, items, str_hash_bytes(text, len), text, len,
		       &i))
		return UINT32_MAX;
	return SLOT_PLACE(m->slots[i]);
}

int idindex_put(idindex *m, void *const *items, const char *id,
		uint32_t place, uint32_t *existing)
{
	return put_by(m, entity_id, items, id, place, existing);
}

void *idindex_get(const idindex *m, void *const *items, const char *text,
		  size_t len)
{
	uint32_t at = find_by(m, entity_id, items, text, len);

	return at == UINT32_MAX ? NULL : items[at];
}

int idindex_put_by(idindex *m, idindex_id_fn *id_at, const void *items,
		   const char *id, uint32_t place, uint32_t *existing)
{
	return put_by(m, id_at, items, id, place, existing);
}

uint32_t idindex_find_by(const idindex *m, idindex_id_fn *id_at,
			 const void *items, const char *text, size_t len)
{
	return find_by(m, id_at, items, text, len);
}

void idindex_rebuild(idindex *m, void *const *items, uint32_t n)
{
	uint32_t k;

	if (!m->cap)
		return;
	memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->count = 0;
	for (k = 0; k < n && IDINDEX_ROOM(m->count, m->cap); k++) {
		const char *id = entity_id(items, k);
		uint64_t h = str_hash_bytes(id, str_len(id));

		slot_insert(m->slots, m->cap, h << 32 | (uint64_t)(k + 1));
		m->count++;
	}
}
