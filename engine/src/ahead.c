/* ahead.c - libyaml's parser on a thread of its own (see ahead.h).
 *
 * A single-producer, single-consumer ring. The two counters only grow:
 * head counts the events the parser thread has published, tail the events
 * the reader has released. Event e lives in slot e % RING; the parser may
 * write event h when h < tail + RING, that is when event h - RING, the
 * slot's last occupant, is released. The reader releases event e when it
 * asks for e + 1, so the event it was last given stays whole.
 *
 * Both sides publish their counter every BATCH events, and at once before
 * they wait, so the counters' cache line changes hands a few thousand
 * times on a national plan instead of a few million. A side waits on the
 * condition variable only when the ring is empty (the reader) or full
 * (the parser), and then until WAKE events are ready for it (or the end):
 * a side that sleeps whenever one event is missing costs a pair of system
 * calls every BATCH events. It sets its bit in `waiting` under the mutex
 * and looks at the other side's counter again before it sleeps; the
 * other side stores its counter and then reads `waiting`. All four are
 * sequentially consistent, so one of the two sees the other's store and
 * no wake-up is lost.
 */
#include "ahead.h"
#include "alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#define RING ((size_t)4096)     /* events; a power of two */
#define BATCH ((size_t)64)
#define WAKE ((size_t)1024)     /* a side that waits sleeps until this
				   many events are ready for it */

enum { WAIT_READER = 1, WAIT_PARSER = 2 };
enum { RUNNING, FINISHED, FAILED };

struct ahead {
	yaml_parser_t *parser;
	yaml_mark_t *last_end;
	yaml_event_t *ring;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_size_t head;
	atomic_size_t tail;
	atomic_int waiting;
	atomic_size_t reader_until; /* the sleeping reader wants head here */
	atomic_size_t parser_until; /* the sleeping parser wants tail here */
	atomic_int state;       /* set after the last head is published */
	atomic_bool stop;
	/* the reader's own */
	size_t next;            /* events given to the reader */
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

/* Wait until event h may be written (1) or the reader stops us (0). */
static int wait_for_room(ahead *a, size_t h)
{
	size_t until = h + WAKE - RING + 1;

	pthread_mutex_lock(&a->mu);
	atomic_store(&a->parser_until, until);
	atomic_fetch_or(&a->waiting, WAIT_PARSER);
	while (atomic_load(&a->tail) < until && !atomic_load(&a->stop))
		pthread_cond_wait(&a->cv, &a->mu);
	atomic_fetch_and(&a->waiting, ~WAIT_PARSER);
	pthread_mutex_unlock(&a->mu);
	return !atomic_load(&a->stop);
}

static void *parse_thread(void *arg)
{
	ahead *a = arg;
	size_t h = 0, room = RING;  /* events below room may be written */

	for (;;) {
		yaml_event_t *slot;

		if (h >= room) {
			publish_head(a, h);
			room = atomic_load(&a->tail) + RING;
			if (h >= room) {
				if (!wait_for_room(a, h))
					return NULL;
				room = atomic_load(&a->tail) + RING;
			}
		}
		if (atomic_load_explicit(&a->stop, memory_order_relaxed))
			return NULL;
		slot = &a->ring[h % RING];
		yaml_event_delete(slot);   /* event h - RING, released */
		if (!yaml_parser_parse(a->parser, slot)) {
			memset(slot, 0, sizeof *slot);
			publish_head(a, h);
			atomic_store(&a->state, FAILED);
			wake(a);
			return NULL;
		}
		*a->last_end = slot->end_mark;
		h++;
		if (slot->type == YAML_STREAM_END_EVENT) {
			publish_head(a, h);
			atomic_store(&a->state, FINISHED);
			wake(a);
			return NULL;
		}
		if (h % BATCH == 0)
			publish_head(a, h);
	}
}

int ahead_start(ahead **out, yaml_parser_t *parser, yaml_mark_t *last_end)
{
	ahead *a = pc_calloc(1, sizeof *a);

	*out = NULL;
	if (!a)
		return -1;
	a->ring = pc_calloc(RING, sizeof *a->ring);
	if (!a->ring)
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
	pc_free(a->ring);
	pc_free(a);
	return -1;
}

int ahead_next(ahead *a, yaml_event_t *ev)
{
	size_t e = a->next;

	/* Events before e are done with. */
	if (e - a->told_tail >= BATCH)
		publish_tail(a, e);
	if (e >= a->seen_head) {
		a->seen_head = atomic_load(&a->head);
		if (e >= a->seen_head) {
			publish_tail(a, e);
			pthread_mutex_lock(&a->mu);
			atomic_store(&a->reader_until, e + WAKE);
			atomic_fetch_or(&a->waiting, WAIT_READER);
			while (atomic_load(&a->head) < e + WAKE &&
			       atomic_load(&a->state) == RUNNING)
				pthread_cond_wait(&a->cv, &a->mu);
			atomic_fetch_and(&a->waiting, ~WAIT_READER);
			pthread_mutex_unlock(&a->mu);
			/* After the state, head is final. */
			a->seen_head = atomic_load(&a->head);
			if (e >= a->seen_head) {
				memset(ev, 0, sizeof *ev);
				return atomic_load(&a->state) == FAILED ? 0 : 1;
			}
		}
	}
	*ev = a->ring[e % RING];
	a->next = e + 1;
	return 1;
}

void ahead_stop(ahead *a)
{
	size_t i;

	if (!a)
		return;
	atomic_store(&a->stop, true);
	pthread_mutex_lock(&a->mu);
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	for (i = 0; i < RING; i++)
		yaml_event_delete(&a->ring[i]);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	pc_free(a->ring);
	pc_free(a);
}
