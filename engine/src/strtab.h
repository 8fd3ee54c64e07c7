/* strtab.h - interned strings and id maps.
 *
 * An interned string is a NUL-terminated char array owned by the table's
 * arena, with its length and hash stored just before it: two interned
 * strings of one table are equal exactly when their pointers are. */
#ifndef PC_STRTAB_H
#define PC_STRTAB_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "arena.h"

/* The length is last, right before the text, in one byte when it is
 * under STR_LONG, else as STR_LONG after the four bytes of the length:
 * most ids and names are short, and a national plan has 145,000 ids.
 * A str_copy has the 32-bit hash in front of that; an id copy
 * (str_copy_id) has only the length. The head is not aligned (strings
 * are packed, see arena_alloc_bytes): it is read with memcpy, which
 * compiles to a plain load. */
#define STR_LONG 0xffu

/* Bytes of the length in front of a text of len bytes. */
static inline size_t str_len_size(size_t len)
{
	return len < STR_LONG ? 1 : 1 + sizeof(uint32_t);
}

static inline uint32_t str_len(const char *s)
{
	uint32_t len = (unsigned char)s[-1];

	if (len == STR_LONG)
		memcpy(&len, s - 1 - sizeof len, sizeof len);
	return len;
}

/* Not for an id copy (str_copy_id), which has no hash. */
static inline uint32_t str_hash(const char *s)
{
	uint32_t hash;
	size_t at = (unsigned char)s[-1] == STR_LONG ? 1 + sizeof hash : 1;

	memcpy(&hash, s - at - sizeof hash, sizeof hash);
	return hash;
}

uint32_t str_hash_bytes(const char *s, size_t len);
/* A copy of s[0..len) in a with its length and hash in front, like an
 * interned string but not interned: str_len and str_hash work on it, and
 * it may be an idmap key, but it is not pointer-equal to equal text.
 * For free text (names, reasons) that is never compared by pointer. NULL
 * when out of memory. */
char *str_copy(arena *a, const char *s, size_t len);
/* A copy of s[0..len) with only its length in front: str_len works on
 * it, str_hash does not. For the ids of units and people, which are
 * found through an idindex (which keeps their hashes itself) and are
 * never idmap keys: a national plan has 145,000 of them. NULL when out
 * of memory. */
char *str_copy_id(arena *a, const char *s, size_t len);

typedef struct strtab {
	arena *arena;
	const char **slots;
	uint32_t *hashes;       /* parallel to slots */
	size_t count, cap;
} strtab;

void strtab_init(strtab *t, arena *a);
void strtab_free(strtab *t);
/* The interned copy of s[0..len); NULL when out of memory or len is over
 * UINT32_MAX - 64. */
const char *strtab_intern(strtab *t, const char *s, size_t len);

/* A map from strings to pointers, open addressing. Keys are interned
 * strings (see above); lookups may use any text. */
typedef struct idmap_ent {
	const char *key;
	void *val;
} idmap_ent;

typedef struct idmap {
	idmap_ent *ents;
	size_t count, cap;
} idmap;

void idmap_init(idmap *m);
void idmap_free(idmap *m);
/* Insert key -> val. Returns 0 (inserted), 1 (key present: *existing set,
 * map unchanged), -1 (out of memory). */
int idmap_put(idmap *m, const char *interned_key, void *val, void **existing);
/* Insert or replace. 0 or -1 (out of memory). */
int idmap_set(idmap *m, const char *interned_key, void *val);
void *idmap_get(const idmap *m, const char *text, size_t len);
static inline void *idmap_get_str(const idmap *m, const char *interned)
{
	return idmap_get(m, interned, str_len(interned));
}

/* A map from ids to places in an array of entities, for the big maps of
 * a plan (people, units). The array (items) holds pointers to structs
 * whose first member is the entity's id, a string with at least its
 * length in front (str_copy_id); the
 * map keeps only each id's hash and place: 8 bytes a slot, against an
 * idmap's 16, and a probe reads an entity only when the hash matches.
 * The caller passes the array to every call, so it may move (grow) as
 * long as places stay. */
typedef struct idindex {
	uint64_t *slots;        /* 0: empty; else hash << 32 | (place + 1) */
	size_t count, cap;
} idindex;

void idindex_init(idindex *m);
void idindex_free(idindex *m);
/* Insert id (a string with its length in front) at place, where the entity will
 * be: items[place] need not exist yet. 0 (inserted), 1 (id present:
 * *existing set to its place, map unchanged), -1 (out of memory, or
 * place is UINT32_MAX - 1 or more). */
int idindex_put(idindex *m, void *const *items, const char *id,
		uint32_t place, uint32_t *existing);
/* Forget every place and index items[0..n) instead: their ids must be
 * distinct, and n no more than the ids the map held. For when the array
 * is compacted or put in another order. */
void idindex_rebuild(idindex *m, void *const *items, uint32_t n);
/* The entity items[place] whose id is text[0..len), or NULL. */
void *idindex_get(const idindex *m, void *const *items, const char *text,
		  size_t len);

/* The same for entities kept some other way than in an array of
 * pointers (the people, in blocks: model.h): id_at(items, place) gives
 * the id of the entity at place. */
typedef const char *idindex_id_fn(const void *items, uint32_t place);
int idindex_put_by(idindex *m, idindex_id_fn *id_at, const void *items,
		   const char *id, uint32_t place, uint32_t *existing);
/* The place of the entity whose id is text[0..len), or UINT32_MAX. */
uint32_t idindex_find_by(const idindex *m, idindex_id_fn *id_at,
			 const void *items, const char *text, size_t len);
#endif
