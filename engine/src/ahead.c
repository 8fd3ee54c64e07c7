/* ahead.c - libyaml's parser on a thread of its own (see ahead.h).
 *
 * The parser thread copies each event into a ring of bytes as a compact
 * record (the fields below, then the anchor, tag and value with their
 * NULs) and deletes libyaml's event at once, while it is still in its own
 * cache. The reader takes the records in order and sees them as
 * yaml_event_t values whose strings point into the ring. Handing the
 * reader libyaml's own events instead costs more than it saves: the
 * reader pulls every event's allocations into its core's cache, and the
 * parser thread then frees them from there.
 *
 * Offsets only grow: head is the end of what the parser thread has
 * published, tail the start of the first record the reader still needs;
 * byte o lives at buf[o % RING]. A record never wraps: when one does not
 * fit before the end of the ring, a record of size 0 says "go on at the
 * start". A record whose text would take more than a quarter of the ring
 * keeps its text in a block of its own (see record), freed by the parser
 * thread once the reader has passed it.
 *
 * Both sides publish their offset every BATCH bytes, and at once before
 * they wait. A side waits on the condition variable only when the ring
 * is empty (the reader) or full (the parser), and then until WAKE bytes
 * are ready for it (or the end): a side that slept whenever one record
 * was missing would cost a pair of system calls every batch. It sets its
 * bit in `waiting` under the mutex and looks at the other side's offset
 * again before it sleeps; the other side stores its offset and then reads
 * `waiting`. All four are sequentially consistent, so one of the two sees
 * the other's store and no wake-up is lost.
 */
#include "ahead.h"
#include "alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define RING ((size_t)1 << 18)  /* bytes */
#define BATCH ((size_t)4096)
#define WAKE (RING / 8)
#define BIG (RING / 4)          /* text over this goes to a block of its own */
#define NONE UINT32_MAX         /* a NULL string */

enum { WAIT_READER = 1, WAIT_PARSER = 2 };
enum { RUNNING, FINISHED, FAILED };

/* One event in the ring: 28 bytes, then its text. Half the bytes the
 * parser thread writes and the reader reads are these headers, so they
 * are small; an event whose numbers do not fit them, or whose text is
 * big, has a record_big after the header (at the next multiple of 8) and
 * its text in a block of its own. */
typedef struct record {
	uint32_t size;          /* bytes, this header included; 0: wrap */
	uint8_t type;           /* yaml_event_type_t */
	uint8_t style;          /* scalar, sequence or mapping style;
				   the encoding of a stream start */
	uint8_t implicit;       /* implicit, or plain_implicit */
	uint8_t quoted_implicit : 1, big : 1;
	uint32_t line, column;  /* the start mark */
	uint32_t anchor_len, tag_len;   /* NONE: NULL */
	uint32_t value_len;     /* scalars */
} record;

typedef struct record_big {
	size_t line, column, value_len;
	char *text;
} record_big;

#define ALIGN(n) (((n) + 7) & ~(size_t)7)

/* Text blocks of big records, oldest first: freed when tail passes. */
typedef struct big_block {
	size_t end;             /* offset just past the record */
	char *text;
} big_block;

/* Each side's own fields sit apart from the shared ones (CACHE_LINE
 * bytes of padding between): the reader writes its fields at every
 * event, and sharing a cache line with them would make the parser
 * thread fetch that line back at every event. */
#define CACHE_LINE 64

struct ahead {
	yaml_parser_t *parser;
	yaml_mark_t *last_end;
	char *buf;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* cppcheck-suppress unusedStructMember */
	char pad0[CACHE_LINE];
	/* shared */
	atomic_size_t head;
	atomic_size_t tail;
	atomic_int waiting;
	atomic_size_t reader_until; /* the sleeping reader wants head here */
	atomic_size_t parser_until; /* the sleeping parser wants tail here */
	atomic_int state;       /* set after the last head is published */
	atomic_bool stop;
	/* cppcheck-suppress unusedStructMember */
	char pad1[CACHE_LINE];
	/* the parser thread's own */
	big_block *bigs;
	size_t nbigs, bigs_first, bigs_cap;
	/* cppcheck-suppress unusedStructMember */
	char pad2[CACHE_LINE];
	/* the reader's own */
	size_t next;            /* offset of the next record */
	size_t seen_head;       /* head as last read */
	size_t told_tail;       /* tail as last published */
};

static void wake(ahead *a)
{
	pthread_mutex_lock(&a->mu);
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void publish_head(ahead *a, size_t h)
{
	atomic_store(&a->head, h);
	if ((atomic_load(&a->waiting) & WAIT_READER) &&
	    h >= atomic_load(&a->reader_until))
		wake(a);
}

static void publish_tail(ahead *a, size_t t)
{
	a->told_tail = t;
	atomic_store(&a->tail, t);
	if ((atomic_load(&a->waiting) & WAIT_PARSER) &&
	    t >= atomic_load(&a->parser_until))
		wake(a);
}

/* Free the text blocks of records the reader has passed. */
static void free_passed(ahead *a, size_t tail)
{
	while (a->bigs_first < a->nbigs && a->bigs[a->bigs_first].end <= tail)
		pc_free(a->bigs[a->bigs_first++].text);
	if (a->bigs_first == a->nbigs)
		a->bigs_first = a->nbigs = 0;
}

/* Room for need bytes at head (wrapping if they do not fit before the
 * end of the ring): the offset to write at, or SIZE_MAX when the reader
 * stops us. */
static size_t make_room(ahead *a, size_t head, size_t need, size_t *room)
{
	size_t at = head, off = head % RING;

	if (off + need > RING)
		at = head + (RING - off);
	while (at + need > *room) {
		size_t tail, until;

		publish_head(a, head);
		tail = atomic_load(&a->tail);
		*room = tail + RING;
		if (at + need <= *room)
			break;
		/* Sleep until the reader has freed need bytes and WAKE more
		 * (but it cannot pass what is published). */
		until = at + need - RING + WAKE;
		if (until > head)
			until = head;
		pthread_mutex_lock(&a->mu);
		atomic_store(&a->parser_until, until);
		atomic_fetch_or(&a->waiting, WAIT_PARSER);
		while (atomic_load(&a->tail) < until &&
		       !atomic_load(&a->stop))
			pthread_cond_wait(&a->cv, &a->mu);
		atomic_fetch_and(&a->waiting, ~WAIT_PARSER);
		pthread_mutex_unlock(&a->mu);
		if (atomic_load(&a->stop))
			return SIZE_MAX;
	}
	free_passed(a, *room - RING);
	if (at != head) {
		record *wrap = (record *)(void *)(a->buf + off);
		wrap->size = 0;
	}
	return at;
}

static size_t text_len(uint32_t n)
{
	return n == NONE ? 0 : (size_t)n + 1;
}

static uint32_t str_len32(const yaml_char_t *s, bool *too_long)
{
	size_t n;

	if (!s)
		return NONE;
	n = strlen((const char *)s);
	if (n >= NONE) {
		*too_long = true;
		return 0;
	}
	return (uint32_t)n;
}

/* Copy anchor, tag and value (each NUL-terminated, absent when NONE). */
static void put_text(char *p, const record *r, size_t value_len,
		     const yaml_char_t *anchor, const yaml_char_t *tag,
		     const yaml_char_t *value)
{
	if (r->anchor_len != NONE) {
		memcpy(p, anchor, r->anchor_len + 1);
		p += r->anchor_len + 1;
	}
	if (r->tag_len != NONE) {
		memcpy(p, tag, r->tag_len + 1);
		p += r->tag_len + 1;
	}
	if (r->type == YAML_SCALAR_EVENT) {
		memcpy(p, value, value_len);
		p[value_len] = '\0';
	}
}

/* Write e at *head as a record: 0, -1 (out of memory: the parse stops as
 * a memory error) or 1 (stopped). */
static int put(ahead *a, const yaml_event_t *e, size_t *head, size_t *room)
{
	record r;
	record_big rb;
	const yaml_char_t *anchor = NULL, *tag = NULL, *value = NULL;
	size_t text, need, at, value_len = 0;
	bool too_long = false;

	memset(&r, 0, sizeof r);
	memset(&rb, 0, sizeof rb);
	r.type = (uint8_t)e->type;
	switch (e->type) {
	case YAML_STREAM_START_EVENT:
		r.style = (uint8_t)e->data.stream_start.encoding;
		break;
	case YAML_DOCUMENT_START_EVENT:
		r.implicit = (uint8_t)e->data.document_start.implicit;
		break;
	case YAML_DOCUMENT_END_EVENT:
		r.implicit = (uint8_t)e->data.document_end.implicit;
		break;
	case YAML_ALIAS_EVENT:
		anchor = e->data.alias.anchor;
		break;
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor;
		tag = e->data.scalar.tag;
		value = e->data.scalar.value;
		value_len = e->data.scalar.length;
		r.implicit = (uint8_t)e->data.scalar.plain_implicit;
		r.quoted_implicit = (uint8_t)e->data.scalar.quoted_implicit;
		r.style = (uint8_t)e->data.scalar.style;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = e->data.sequence_start.anchor;
		tag = e->data.sequence_start.tag;
		r.implicit = (uint8_t)e->data.sequence_start.implicit;
		r.style = (uint8_t)e->data.sequence_start.style;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = e->data.mapping_start.anchor;
		tag = e->data.mapping_start.tag;
		r.implicit = (uint8_t)e->data.mapping_start.implicit;
		r.style = (uint8_t)e->data.mapping_start.style;
		break;
	default:
		break;
	}
	r.anchor_len = str_len32(anchor, &too_long);
	r.tag_len = str_len32(tag, &too_long);
	if (too_long || value_len > SIZE_MAX / 2)
		return -1;
	text = text_len(r.anchor_len) + text_len(r.tag_len) +
	       (e->type == YAML_SCALAR_EVENT ? value_len + 1 : 0);
	if (text > BIG || value_len >= NONE ||
	    e->start_mark.line >= NONE || e->start_mark.column >= NONE) {
		r.big = 1;
		rb.line = e->start_mark.line;
		rb.column = e->start_mark.column;
		rb.value_len = value_len;
		rb.text = pc_malloc(text ? text : 1);
		if (!rb.text)
			return -1;
		if (a->nbigs == a->bigs_cap &&
		    pc_grow(&a->bigs, &a->bigs_cap, a->nbigs + 1,
			    sizeof *a->bigs) < 0) {
			pc_free(rb.text);
			return -1;
		}
		put_text(rb.text, &r, value_len, anchor, tag, value);
		need = ALIGN(sizeof r) + sizeof rb;
	} else {
		r.line = (uint32_t)e->start_mark.line;
		r.column = (uint32_t)e->start_mark.column;
		r.value_len = (uint32_t)value_len;
		need = ALIGN(sizeof r + text);
	}
	at = make_room(a, *head, need, room);
	if (at == SIZE_MAX) {
		pc_free(rb.text);
		return 1;
	}
	r.size = (uint32_t)need;
	memcpy(a->buf + at % RING, &r, sizeof r);
	if (r.big) {
		memcpy(a->buf + at % RING + ALIGN(sizeof r), &rb, sizeof rb);
		a->bigs[a->nbigs++] = (big_block){ at + need, rb.text };
	} else {
		put_text(a->buf + at % RING + sizeof r, &r, value_len, anchor,
			 tag, value);
	}
	*head = at + need;
	return 0;
}

static void *parse_thread(void *arg)
{
	ahead *a = arg;
	size_t head = 0, told = 0, room = RING;

	for (;;) {
		yaml_event_t e;
		yaml_event_type_t type;
		int rc;

		if (atomic_load_explicit(&a->stop, memory_order_relaxed))
			return NULL;
		if (!yaml_parser_parse(a->parser, &e))
			goto failed;
		*a->last_end = e.end_mark;
		rc = put(a, &e, &head, &room);
		type = e.type;
		yaml_event_delete(&e);
		if (rc > 0)
			return NULL;
		if (rc < 0) {
			/* As libyaml reports running out of memory. */
			a->parser->error = YAML_MEMORY_ERROR;
			goto failed;
		}
		if (type == YAML_STREAM_END_EVENT) {
			publish_head(a, head);
			atomic_store(&a->state, FINISHED);
			wake(a);
			return NULL;
		}
		if (head - told >= BATCH) {
			publish_head(a, head);
			told = head;
		}
	}
failed:
	publish_head(a, head);
	atomic_store(&a->state, FAILED);
	wake(a);
	return NULL;
}

int ahead_start(ahead **out, yaml_parser_t *parser, yaml_mark_t *last_end)
{
	ahead *a = pc_calloc(1, sizeof *a);

	*out = NULL;
	if (!a)
		return -1;
	a->buf = pc_malloc(RING);
	if (!a->buf)
		goto fail;
	a->parser = parser;
	a->last_end = last_end;
	atomic_init(&a->head, 0);
	atomic_init(&a->tail, 0);
	atomic_init(&a->waiting, 0);
	atomic_init(&a->reader_until, 0);
	atomic_init(&a->parser_until, 0);
	atomic_init(&a->state, RUNNING);
	atomic_init(&a->stop, false);
	if (pthread_mutex_init(&a->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		goto fail;
	}
	if (pthread_create(&a->thread, NULL, parse_thread, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		goto fail;
	}
	*out = a;
	return 0;
fail:
	pc_free(a->buf);
	pc_free(a);
	return -1;
}

/* Fill ev from the record r: its strings point into the ring (or into
 * the record's own block). */
static void get(record *r, yaml_event_t *ev)
{
	const record_big *rb = (const record_big *)(const void *)
			       ((char *)r + ALIGN(sizeof *r));
	char *p = r->big ? rb->text : (char *)(r + 1);
	yaml_char_t *anchor = NULL, *tag = NULL;

	memset(ev, 0, sizeof *ev);
	ev->type = (yaml_event_type_t)r->type;
	ev->start_mark.line = r->big ? rb->line : r->line;
	ev->start_mark.column = r->big ? rb->column : r->column;
	if (r->anchor_len != NONE) {
		anchor = (yaml_char_t *)p;
		p += r->anchor_len + 1;
	}
	if (r->tag_len != NONE) {
		tag = (yaml_char_t *)p;
		p += r->tag_len + 1;
	}
	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
		ev->data.stream_start.encoding = (yaml_encoding_t)r->style;
		break;
	case YAML_DOCUMENT_START_EVENT:
		ev->data.document_start.implicit = r->implicit;
		break;
	case YAML_DOCUMENT_END_EVENT:
		ev->data.document_end.implicit = r->implicit;
		break;
	case YAML_ALIAS_EVENT:
		ev->data.alias.anchor = anchor;
		break;
	case YAML_SCALAR_EVENT:
		ev->data.scalar.anchor = anchor;
		ev->data.scalar.tag = tag;
		ev->data.scalar.value = (yaml_char_t *)p;
		ev->data.scalar.length = r->big ? rb->value_len : r->value_len;
		ev->data.scalar.plain_implicit = r->implicit;
		ev->data.scalar.quoted_implicit = r->quoted_implicit;
		ev->data.scalar.style = (yaml_scalar_style_t)r->style;
		break;
	case YAML_SEQUENCE_START_EVENT:
		ev->data.sequence_start.anchor = anchor;
		ev->data.sequence_start.tag = tag;
		ev->data.sequence_start.implicit = r->implicit;
		ev->data.sequence_start.style =
			(yaml_sequence_style_t)r->style;
		break;
	case YAML_MAPPING_START_EVENT:
		ev->data.mapping_start.anchor = anchor;
		ev->data.mapping_start.tag = tag;
		ev->data.mapping_start.implicit = r->implicit;
		ev->data.mapping_start.style = (yaml_mapping_style_t)r->style;
		break;
	default:
		break;
	}
}

int ahead_next(ahead *a, yaml_event_t *ev)
{
	size_t at = a->next;
	record *r;

	/* Records before at are done with. */
	if (at - a->told_tail >= BATCH)
		publish_tail(a, at);
	for (;;) {
		if (at >= a->seen_head) {
			a->seen_head = atomic_load(&a->head);
			if (at >= a->seen_head) {
				publish_tail(a, at);
				pthread_mutex_lock(&a->mu);
				atomic_store(&a->reader_until, at + WAKE);
				atomic_fetch_or(&a->waiting, WAIT_READER);
				while (atomic_load(&a->head) < at + WAKE &&
				       atomic_load(&a->state) == RUNNING)
					pthread_cond_wait(&a->cv, &a->mu);
				atomic_fetch_and(&a->waiting, ~WAIT_READER);
				pthread_mutex_unlock(&a->mu);
				/* After the state, head is final. */
				a->seen_head = atomic_load(&a->head);
				if (at >= a->seen_head) {
					memset(ev, 0, sizeof *ev);
					return atomic_load(&a->state) == FAILED
					       ? 0 : 1;
				}
			}
		}
		r = (record *)(void *)(a->buf + at % RING);
		if (r->size)
			break;
		at += RING - at % RING;   /* a wrap */
	}
	get(r, ev);
	a->next = at + r->size;
	return 1;
}

void ahead_stop(ahead *a)
{
	if (!a)
		return;
	atomic_store(&a->stop, true);
	wake(a);
	pthread_join(a->thread, NULL);
	free_passed(a, SIZE_MAX);
	pc_free(a->bigs);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	pc_free(a->buf);
	pc_free(a);
}
