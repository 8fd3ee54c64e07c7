/* yread.c - pull reader over libyaml events: positions, limits, aliases,
 * merge keys, duplicate keys. See yread.h for the contract. */
#include "yread.h"
#include "alloc.h"
#include "arena.h"
#include "strtab.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* What is rare (errors, anchors, aliases) is kept out of the way of the
 * functions that every event passes through, which are inlined into the
 * loops. */
#define YR_LIKELY(x) __builtin_expect(!!(x), 1)
#define YR_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define YR_COLD __attribute__((cold, noinline))
#define YR_HOT inline __attribute__((always_inline))

/* The live event as the reader uses it, whichever thread parsed it. */
typedef struct live_ev {
	yaml_event_type_t type;
	bool plain;              /* scalar: plain and not tagged !!str */
	const char *text;        /* scalar value or alias name, else "" */
	size_t len;
	const char *anchor;      /* a node's anchor, or NULL */
	uint32_t line, col;      /* 1-based start */
} live_ev;

typedef struct ypipe ypipe;

/* One event of an anchored node, kept for replay. */
typedef struct rec_ev {
	const char *text;
	uint32_t len;
	uint32_t line, col;
	uint32_t alias;          /* YR_ALIAS: the recording it refers to */
	uint8_t type;
	uint8_t plain;
} rec_ev;

/* A recorded node: events [start, end) of the log. */
typedef struct recording {
	size_t start, end;
	const char *name;        /* the anchor; NULL for an inline merge value */
	bool open;
} recording;

typedef struct open_rec {
	uint32_t rec;
	size_t depth;            /* depth before the node's first event */
} open_rec;

typedef struct frame {
	uint32_t rec;
	size_t pos;
	uint32_t line, col;      /* the alias (or merging mapping) replaying it */
} frame;

typedef struct keyent {
	const char *text;
	size_t len;
	uint32_t hash;
	uint32_t line;           /* where the key was first seen */
} keyent;

/* A chunk of the key copies' stack; its bytes follow the header. */
typedef struct scratch_chunk scratch_chunk;
struct scratch_chunk {
	scratch_chunk *prev;
	size_t size, used;
};

struct yreader {
	/* libyaml's thread, when there is one, writes these (see the pipe
	 * below). */
	yaml_parser_t parser;
	FILE *fp;
	const char *text;        /* string input (NULL for a file) */
	size_t text_len;
	size_t text_pos;         /* bytes of text handed to libyaml */
	uint64_t bytes_read;
	bool over_size;
	bool over_scan;          /* see scan_too_far() */
	int io_errno;
	yaml_mark_t event_end;   /* where the last live event ended */
	/* The limits libyaml's side reads, copied to this side of apart:
	 * limits below shares a cache line with live, which the reader
	 * writes on every event, and reading it there for every scalar
	 * made libyaml's thread take a tenth more time on a large plan. */
	uint64_t file_max;       /* limits.max_file_size */
	uint64_t scalar_max;     /* limits.max_scalar_len */
	uint64_t scan_max;       /* scan_budget() */
	/* A cache line between what the two threads write, so that neither
	 * takes the other's line away on every event. */
	/* cppcheck-suppress unusedStructMember */
	char apart[64];

	bool parser_ready;
	yaml_event_t cur;        /* the last live event when libyaml runs on
				   the reader's thread (zeroed when none:
				   yaml_event_delete takes that) */
	live_ev live;            /* the last live event */
	ypipe *pipe;             /* NULL, or libyaml's thread (see below) */
	pc_limits limits;
	problems *probs;
	pc_errors *errors;
	const char *file;
	int status;

	arena arena;             /* recorded texts, anchor names */
	strtab names;
	idmap anchors;           /* anchor name -> recording number + 1 */

	rec_ev *log;
	size_t nlog, log_cap;
	recording *recs;
	size_t nrecs, recs_cap;
	open_rec *open;
	size_t nopen, open_cap;
	frame *frames;
	size_t nframes, frames_cap;
	bool from_replay;        /* the last event next_raw returned came
				   from a recording */
	bool slow;               /* status < 0, nframes or nopen > 0: one
				   test keeps an event off the fast path */
	uint32_t alias_rec;      /* the recording of the last live alias */

	uint64_t alias_events;
	size_t depth;

	keyent *keys;
	size_t nkeys, keys_cap;
	scratch_chunk *scratch;  /* never NULL: scratch_base at the bottom */
	scratch_chunk *spare;
	scratch_chunk scratch_base; /* no bytes: spares the tests for NULL */
};

/* ---- errors ------------------------------------------------------------ */

static int fail(yreader *r, int code, uint32_t line, uint32_t col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(yreader *r, int code, uint32_t line, uint32_t col,
		const char *fmt, ...)
{
	va_list ap;

	if (r->status < 0)
		return r->status;
	r->status = code;
	r->slow = true;
	va_start(ap, fmt);
	if (errors_addv(r->errors, r->file, line, col, fmt, ap) < 0)
		r->status = PC_ENOMEM;
	va_end(ap);
	return r->status;
}

static int oom(yreader *r)
{
	return fail(r, PC_ENOMEM, 0, 0, "out of memory");
}

/* After nframes or nopen went down. */
static void set_slow(yreader *r)
{
	r->slow = r->status < 0 || r->nframes || r->nopen;
}

bool yr_parse_thread(const yreader *r)
{
	return r->pipe != NULL;
}

int yr_status(const yreader *r)
{
	return r->status;
}

const char *yr_file(const yreader *r)
{
	return r->file;
}

/* ---- opening ------------------------------------------------------------ */

/* libyaml hands a scalar over only once it holds all of it in memory, so
 * max_scalar_len checked on the event alone would let one 200 MiB scalar
 * cost 200 MiB and seconds before it is refused. The input handlers stop
 * the scanner instead once it has gone SCAN_FACTOR times that limit (at
 * least SCAN_FLOOR characters) past the end of the last event. What it
 * reads between two events takes no memory except a token, so only a
 * scalar (or an anchor or tag) over the limit gets that far, or a block of
 * comments or blank lines as long, which no plan has. */
#define SCAN_FACTOR 8
#define SCAN_FLOOR ((uint64_t)1 << 20)

static uint64_t scan_budget(const pc_limits *limits)
{
	uint64_t n = limits->max_scalar_len;

	if (n > UINT64_MAX / SCAN_FACTOR)
		return UINT64_MAX;
	n *= SCAN_FACTOR;
	return n < SCAN_FLOOR ? SCAN_FLOOR : n;
}

static bool scan_too_far(yreader *r)
{
	size_t at = r->parser.mark.index, end = r->event_end.index;

	if (at > end && at - end > r->scan_max) {
		r->over_scan = true;
		return true;
	}
	return false;
}

static int read_handler(void *data, unsigned char *buffer, size_t size,
			size_t *size_read)
{
	yreader *r = data;
	size_t n;

	if (scan_too_far(r))
		return 0;
	n = fread(buffer, 1, size, r->fp);
	if (n == 0 && ferror(r->fp)) {
		r->io_errno = errno ? errno : EIO;
		return 0;
	}
	r->bytes_read += n;
	if (r->bytes_read > r->file_max) {
		r->over_size = true;
		return 0;
	}
	*size_read = n;
	return 1;
}

/* libyaml's own string input, plus the scan check. */
static int string_handler(void *data, unsigned char *buffer, size_t size,
			  size_t *size_read)
{
	yreader *r = data;
	size_t n = r->text_len - r->text_pos;

	if (scan_too_far(r))
		return 0;
	if (n > size)
		n = size;
	memcpy(buffer, r->text + r->text_pos, n);
	r->text_pos += n;
	*size_read = n;
	return 1;
}

/* ---- the live event -------------------------------------------------------- */

/* The fields of a libyaml event that the reader reads. */
static YR_HOT void live_from_event(live_ev *l, const yaml_event_t *e)
{
	l->type = e->type;
	l->line = (uint32_t)e->start_mark.line + 1;
	l->col = (uint32_t)e->start_mark.column + 1;
	if (YR_LIKELY(e->type == YAML_SCALAR_EVENT)) {
		const char *tag = (const char *)e->data.scalar.tag;

		l->text = (const char *)e->data.scalar.value;
		l->len = e->data.scalar.length;
		l->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (YR_UNLIKELY(tag != NULL) && l->plain)
			l->plain = strcmp(tag, "tag:yaml.org,2002:str") != 0;
		l->anchor = (const char *)e->data.scalar.anchor;
		return;
	}
	l->text = "";
	l->len = 0;
	l->plain = false;
	l->anchor = NULL;
	if (e->type == YAML_MAPPING_START_EVENT)
		l->anchor = (const char *)e->data.mapping_start.anchor;
	else if (e->type == YAML_SEQUENCE_START_EVENT)
		l->anchor = (const char *)e->data.sequence_start.anchor;
	else if (e->type == YAML_ALIAS_EVENT) {
		l->text = (const char *)e->data.alias.anchor;
		l->len = strlen(l->text);
	}
}

/* ---- libyaml on a thread of its own ----------------------------------------
 *
 * Loading a large plan spends about two thirds of its time in libyaml,
 * and the reader cannot take an event before libyaml has made it. For a
 * large input (pc_limits parse_thread_min), libyaml runs on a second
 * thread up to a few batches of events ahead of the reader, so that the
 * two halves of the work overlap: a load then takes little more
 * wall-clock time than the parse alone. The events cross over in batches
 * with their texts copied, so that the threads meet once a batch, not
 * once an event, and each frees only what it allocated. An event is
 * written in as few bytes as it takes (pipe_put), about 9 on a plan
 * against 37 as a fixed record with its text: the batches in flight are
 * resident while a large plan loads, and in this form they hold as many
 * events, milliseconds of libyaml's work, in a fifth of the memory.
 *
 * The parser thread owns the parser, the input and the fields its read
 * handler sets (bytes_read, over_size, over_scan, io_errno, event_end)
 * until it hands over the batch that ends the stream; the reader looks at
 * them only after it has taken that batch (the acquire of head). */
#define PIPE_BATCHES 4                  /* batches in flight */
#define PIPE_BYTES ((size_t)64 << 10)   /* of a batch: ~7000 events, ~1 ms */
#define PIPE_STACK ((size_t)256 << 10)  /* libyaml does not recurse */

/* An event in a batch, byte by byte:
 *   the type (4 bits), plain (1), the text's kind (2), has an anchor (1);
 *   the line, less the previous event's in the batch (modulo 2^32: libyaml
 *   may go back), and the column, each in 7-bit groups, low first, the
 *   top bit saying another follows;
 *   with a text: its length, so, then the scalar's value or the alias's
 *   name, NUL-ended (an empty one for a node start with an anchor);
 *   with an anchor: the anchor, NUL-ended.
 * On a plan, most events take one byte for each of the first four. */
#define PIPE_HEAD_MAX (1 + 5 + 5 + 10)  /* the most before the texts */
_Static_assert(YAML_STREAM_START_EVENT < 16 && YAML_STREAM_END_EVENT < 16 &&
	       YAML_DOCUMENT_START_EVENT < 16 && YAML_DOCUMENT_END_EVENT < 16 &&
	       YAML_ALIAS_EVENT < 16 && YAML_SCALAR_EVENT < 16 &&
	       YAML_SEQUENCE_START_EVENT < 16 && YAML_SEQUENCE_END_EVENT < 16 &&
	       YAML_MAPPING_START_EVENT < 16 && YAML_MAPPING_END_EVENT < 16,
	       "an event's type fits in the 4 bits a batch gives it");

/* A scalar over max_scalar_len is passed on as "" with its length, which
 * is all the reader needs to report it. */
enum { TEXT_NONE, TEXT_FULL, TEXT_CUT };

/* How a batch leaves the stream: open, ended, or stopped after its events
 * because libyaml failed (its parser says why) or memory ran out. */
enum { PIPE_MORE, PIPE_END, PIPE_FAILED, PIPE_NOMEM };

typedef struct pipe_batch {
	char *buf;               /* the events */
	size_t used, size;
	uint32_t line;           /* of the last event put in */
	int end;
} pipe_batch;

struct ypipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t emptied;  /* tail moved, or stop */
	atomic_size_t head;      /* batches filled: stored under the lock,
				    read without it */
	size_t tail;             /* batches given back (head - tail <=
				    PIPE_BATCHES): the reader alone writes
				    it, under the lock */
	bool stop;               /* the reader is closing */
	bool parser_waits;       /* for emptied */
	pipe_batch b[PIPE_BATCHES];
	/* cppcheck-suppress unusedStructMember */
	char apart[64];          /* as in struct yreader */
	/* The reader's side alone. */
	pipe_batch *cur;         /* the batch being read; NULL before one */
	size_t pos;
	uint32_t line;           /* of the last event taken from cur */
};

static YR_HOT unsigned char *pipe_put_num(unsigned char *o, uint64_t v)
{
	while (v >= 0x80) {
		*o++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*o++ = (unsigned char)v;
	return o;
}

static YR_HOT uint64_t pipe_get_num(const unsigned char **in)
{
	const unsigned char *s = *in;
	uint64_t v = *s & 0x7f;
	unsigned shift = 7;

	while (*s++ & 0x80) {
		v |= (uint64_t)(*s & 0x7f) << shift;
		shift += 7;
	}
	*in = s;
	return v;
}

/* How libyaml's thread writes a batch. The reader has just read the
 * batch that the parser fills next, so its cache lines are in the other
 * processor's cache, and a plain store must first take its line back:
 * that cost libyaml's thread a twentieth of its time on a large plan.
 * An event is encoded first into a stage of the thread's own, which stays
 * in its cache; whole 16-byte pieces go on to the batch with stores that
 * bypass the cache, where the processor has them (SSE2), and the reader
 * reads them from memory. stage.buf[0] is the batch's byte at base, a
 * multiple of 16, and the batch's bytes from base to used are in buf. */
#define STAGE_FLUSH ((size_t)4 << 10)   /* pass on once this much is kept */
#define STAGE_BYTES (2 * STAGE_FLUSH)

typedef struct pipe_stage {
	_Alignas(64) unsigned char buf[STAGE_BYTES];
	size_t base;
} pipe_stage;

/* The stage's whole pieces into b; with all, the rest too, by plain
 * stores, while buf keeps it (it begins the next piece). */
static void stage_flush(pipe_stage *st, pipe_batch *b, bool all)
{
	size_t fill = b->used - st->base, whole = fill & ~(size_t)15;
	unsigned char *to = (unsigned char *)b->buf + st->base;

#if defined(__SSE2__)
	if (((uintptr_t)to & 15) == 0) {
		size_t i;

		for (i = 0; i < whole; i += 16)
			_mm_stream_si128((__m128i *)(void *)(to + i),
					 _mm_load_si128((const __m128i *)(const void *)(st->buf + i)));
	} else
		memcpy(to, st->buf, whole);
#else
	memcpy(to, st->buf, whole);
#endif
	if (all)
		memcpy(to + whole, st->buf + whole, fill - whole);
	memmove(st->buf, st->buf + whole, fill - whole);
	st->base += whole;
}

/* The whole batch is in b->buf, and the stores that bypass the cache are
 * done, before the batch is handed over. */
static void stage_end(pipe_stage *st, pipe_batch *b)
{
	stage_flush(st, b, true);
#if defined(__SSE2__)
	_mm_sfence();
#endif
	st->base = 0;
}

/* e into b through st: 0; 1 when it does not fit in what is left of a
 * batch that has events (e goes first into the next one); -1 out of
 * memory. The parser thread allocates with malloc, as libyaml does on it:
 * pc_malloc's fault injection counts allocations of one thread. */
static int pipe_put(yreader *r, pipe_batch *b, pipe_stage *st,
		    const yaml_event_t *e)
{
	live_ev l;
	size_t tlen = 0, alen = 0, need;
	unsigned kind = TEXT_NONE;
	unsigned char *start, *o;
	bool direct;

	live_from_event(&l, e);
	if (l.anchor)
		alen = strlen(l.anchor) + 1;
	if (l.type == YAML_SCALAR_EVENT || l.type == YAML_ALIAS_EVENT || alen) {
		kind = TEXT_FULL;
		tlen = l.len + 1;
		if (l.type == YAML_SCALAR_EVENT &&
		    l.len > r->scalar_max) {
			kind = TEXT_CUT;
			tlen = 1;
		}
	}
	/* Room for the longest head, not the one written: one comparison,
	 * and a batch gives up at most a few bytes. */
	need = PIPE_HEAD_MAX + tlen + alen;
	if (need > b->size - b->used) {
		char *t;

		if (b->used)
			return 1;
		/* Alone in the batch and still too long: a long scalar. */
		t = realloc(b->buf, need); /* NOLINT(cppcoreguidelines-no-malloc) */
		if (!t)
			return -1;
		b->buf = t;
		b->size = need;
	}
	/* An event longer than the stage goes to the batch as it is. */
	if (b->used - st->base + need > STAGE_BYTES)
		stage_flush(st, b, true);
	direct = b->used - st->base + need > STAGE_BYTES;
	start = direct ? (unsigned char *)b->buf + st->base : st->buf;
	o = start + (b->used - st->base);
	*o++ = (unsigned char)((unsigned)l.type | (unsigned)l.plain << 4 |
			       kind << 5 | (unsigned)(alen != 0) << 7);
	o = pipe_put_num(o, (uint32_t)(l.line - b->line));
	b->line = l.line;
	o = pipe_put_num(o, l.col);
	if (kind != TEXT_NONE) {
		o = pipe_put_num(o, l.len);
		if (kind == TEXT_FULL) {
			memcpy(o, l.text, l.len);
			o += l.len;
		}
		*o++ = '\0';
	}
	if (alen) {
		memcpy(o, l.anchor, alen);
		o += alen;
	}
	b->used = st->base + (size_t)(o - start);
	if (direct) {
		/* The stage goes on from the piece the event ended in. */
		st->base = b->used & ~(size_t)15;
		memcpy(st->buf, b->buf + st->base, b->used - st->base);
	} else if (b->used - st->base >= STAGE_FLUSH)
		stage_flush(st, b, false);
	return 0;
}

static void *pipe_main(void *arg)
{
	yreader *r = arg;
	ypipe *p = r->pipe;
	yaml_event_t e;
	pipe_stage st;
	bool have = false;       /* e is an event not yet in a batch */
	int end = PIPE_MORE;

	while (end == PIPE_MORE) {
		pipe_batch *b, w;
		size_t head;

		pthread_mutex_lock(&p->lock);
		head = atomic_load_explicit(&p->head, memory_order_relaxed);
		while (head - p->tail == PIPE_BATCHES && !p->stop) {
			p->parser_waits = true;
			pthread_cond_wait(&p->emptied, &p->lock);
			p->parser_waits = false;
		}
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		b = &p->b[head % PIPE_BATCHES];
		pthread_mutex_unlock(&p->lock);
		/* Filled in a copy of its own: the batch headers share cache
		 * lines with the one the reader is on. */
		w = *b;
		w.used = 0;
		w.line = 0;
		st.base = 0;
		if (w.size > PIPE_BYTES) {
			/* Grown for a long scalar: back to the usual size, or
			 * the batches after it would fill all of it. */
			char *t = realloc(w.buf, PIPE_BYTES); /* NOLINT(cppcoreguidelines-no-malloc) */

			if (t) {
				w.buf = t;
				w.size = PIPE_BYTES;
			}
		}
		for (;;) {
			yaml_event_type_t type;
			int rc;

			if (!have) {
				if (!yaml_parser_parse(&r->parser, &e)) {
					end = PIPE_FAILED;
					break;
				}
				r->event_end = e.end_mark;
				have = true;
			}
			if ((rc = pipe_put(r, &w, &st, &e)) != 0) {
				if (rc < 0)
					end = PIPE_NOMEM;
				break;
			}
			type = e.type;
			yaml_event_delete(&e);
			have = false;
			if (type == YAML_STREAM_END_EVENT) {
				end = PIPE_END;
				break;
			}
		}
		stage_end(&st, &w);
		w.end = end;
		pthread_mutex_lock(&p->lock);
		*b = w;
		/* The reader looks for it (pipe_turn): waking a thread is a
		 * system call, and a slow one on a virtual machine, here on
		 * the thread that sets the pace. */
		atomic_store_explicit(&p->head, head + 1, memory_order_release);
		pthread_mutex_unlock(&p->lock);
	}
	if (have)
		yaml_event_delete(&e);
	return NULL;
}

static void pipe_free(ypipe *p)
{
	size_t i;

	for (i = 0; i < PIPE_BATCHES; i++)
		/* Allocated by pc_malloc, or resized by realloc on the
		 * parser thread: both are the C library's. */
		pc_free(p->b[i].buf);
	pc_free(p);
}

/* Start libyaml's thread once the input is set, if the input is large
 * enough to gain from it. Whatever fails here only leaves libyaml on the
 * reader's thread: an allocation failure that the reader absorbs, on
 * purpose, since the events and the result are the same either way (the
 * fault sweep's rule that no failure is swallowed allows this one). */
static void pipe_start(yreader *r, uint64_t size)
{
	pthread_attr_t attr;
	bool has_attr;
	ypipe *p;
	size_t i;
	int rc;

	if (!r->limits.parse_thread_min || size < r->limits.parse_thread_min)
		return;
	if (!(p = pc_calloc(1, sizeof *p)))
		return;
	atomic_init(&p->head, 0);
	for (i = 0; i < PIPE_BATCHES; i++) {
		p->b[i].buf = pc_malloc(PIPE_BYTES);
		p->b[i].size = PIPE_BYTES;
		if (!p->b[i].buf) {
			pipe_free(p);
			return;
		}
	}
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		pipe_free(p);
		return;
	}
	if (pthread_cond_init(&p->emptied, NULL) != 0)
		goto no_emptied;
	has_attr = pthread_attr_init(&attr) == 0;
	if (has_attr)
		(void)pthread_attr_setstacksize(&attr, PIPE_STACK);
	r->pipe = p;
	rc = pthread_create(&p->thread, has_attr ? &attr : NULL, pipe_main, r);
	if (has_attr)
		pthread_attr_destroy(&attr);
	if (rc == 0)
		return;
	r->pipe = NULL;
	pthread_cond_destroy(&p->emptied);
no_emptied:
	pthread_mutex_destroy(&p->lock);
	pipe_free(p);
}

/* Stop and join libyaml's thread: it ends the batch it is on. */
static void pipe_stop(yreader *r)
{
	ypipe *p = r->pipe;

	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->emptied);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->emptied);
	pthread_mutex_destroy(&p->lock);
	pipe_free(p);
	r->pipe = NULL;
}

/* How long the reader sleeps between looks for a batch. A batch takes
 * libyaml about a millisecond, and a wake-up of a sleeping thread costs
 * the one that wakes it: on a virtual machine, looking every 50 µs made
 * a check of the 63-province plan take more time (wall clock) than
 * looking every 500 µs, and a third more processor time. */
static const struct timespec pipe_nap = { 0, 500000 };

/* Give back the batch read to its end and wait for the next one: 0 with
 * an event in it, or how the stream ended (PIPE_END, PIPE_FAILED,
 * PIPE_NOMEM). */
static YR_COLD int pipe_turn(yreader *r)
{
	ypipe *p = r->pipe;

	for (;;) {
		if (p->cur) {
			if (p->cur->end != PIPE_MORE)
				return p->cur->end;
			pthread_mutex_lock(&p->lock);
			p->tail++;
			if (p->parser_waits)
				pthread_cond_signal(&p->emptied);
			pthread_mutex_unlock(&p->lock);
		}
		/* Only this thread moves tail. The reader is the faster of
		 * the two, so it waits for nearly every batch: a short sleep
		 * between looks costs it nothing that matters. */
		while (atomic_load_explicit(&p->head, memory_order_acquire) ==
		       p->tail)
			nanosleep(&pipe_nap, NULL);
		p->cur = &p->b[p->tail % PIPE_BATCHES];
		p->pos = 0;
		p->line = 0;
		if (p->cur->used)
			return 0;
	}
}

/* The next event from libyaml's thread into r->live: 0, or as pipe_turn. */
static YR_HOT int pipe_fetch(yreader *r)
{
	ypipe *p = r->pipe;
	live_ev *l = &r->live;
	const unsigned char *s;
	unsigned head, kind;
	int rc;

	if (YR_UNLIKELY(!p->cur || p->pos == p->cur->used) &&
	    (rc = pipe_turn(r)) != 0)
		return rc;
	s = (const unsigned char *)p->cur->buf + p->pos;
	head = *s++;
	kind = head >> 5 & 3;
	l->type = (yaml_event_type_t)(head & 0xf);
	l->plain = head >> 4 & 1;
	p->line += (uint32_t)pipe_get_num(&s);
	l->line = p->line;
	l->col = (uint32_t)pipe_get_num(&s);
	l->len = 0;
	l->text = "";
	l->anchor = NULL;
	if (kind != TEXT_NONE) {
		l->len = (size_t)pipe_get_num(&s);
		l->text = (const char *)s;
		s += (kind == TEXT_FULL ? l->len : 0) + 1;
	}
	if (head & 0x80) {
		l->anchor = (const char *)s;
		s += strlen(l->anchor) + 1;
	}
	p->pos = (size_t)((const char *)s - p->cur->buf);
	return 0;
}

static int reader_new(yreader **out, const char *name, const pc_limits *limits,
		      problems *probs, pc_errors *errors)
{
	yreader *r = pc_calloc(1, sizeof *r);

	*out = NULL;
	if (!r) {
		errors_add(errors, name, 0, 0, "out of memory");
		return PC_ENOMEM;
	}
	if (limits)
		r->limits = *limits;
	else
		pc_limits_default(&r->limits);
	r->file_max = r->limits.max_file_size;
	r->scalar_max = r->limits.max_scalar_len;
	r->scan_max = scan_budget(&r->limits);
	r->probs = probs;
	r->errors = errors;
	r->scratch = &r->scratch_base;
	arena_init(&r->arena);
	strtab_init(&r->names, &r->arena);
	idmap_init(&r->anchors);
	r->file = arena_strdup(&r->arena, name);
	if (!r->file || !yaml_parser_initialize(&r->parser)) {
		yr_close(r);
		errors_add(errors, name, 0, 0, "out of memory");
		return PC_ENOMEM;
	}
	r->parser_ready = true;
	*out = r;
	return 0;
}

/* strerror() may hand every thread one shared buffer (POSIX allows it),
 * and plans are loaded on several threads at once (check -j): the text
 * goes to the caller's buffer instead. */
static const char *error_text(int code, char *buf, size_t len)
{
	if (strerror_r(code, buf, len) != 0)
		snprintf(buf, len, "error %d", code);
	return buf;
}

int yr_open_file(yreader **out, const char *path, const pc_limits *limits,
		 problems *probs, pc_errors *errors)
{
	yreader *r;
	struct stat st;
	uint64_t size = 0;
	int rc = reader_new(&r, path, limits, probs, errors);

	if (rc < 0)
		return rc;
	r->fp = fopen(path, "rb");
	if (!r->fp) {
		char msg[128];

		rc = errno;
		errors_add(errors, path, 0, 0, "cannot open file: %s",
			   error_text(rc, msg, sizeof msg));
		yr_close(r);
		return PC_EIO;
	}
	if (fstat(fileno(r->fp), &st) == 0) {
		/* Only a regular file's size is known before reading it. */
		if (S_ISREG(st.st_mode))
			size = (uint64_t)st.st_size;
		if (S_ISDIR(st.st_mode)) {
			errors_add(errors, path, 0, 0,
				   "is a directory, not a YAML file");
			yr_close(r);
			return PC_EIO;
		}
		if (S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size > r->limits.max_file_size) {
			errors_add(errors, path, 0, 0,
				   "file is %llu bytes, over the limit of %llu "
				   "bytes (raise it with --max-file-size)",
				   (unsigned long long)st.st_size,
				   (unsigned long long)r->limits.max_file_size);
			yr_close(r);
			return PC_ELIMIT;
		}
	}
	yaml_parser_set_input(&r->parser, read_handler, r);
	pipe_start(r, size);
	*out = r;
	return 0;
}

int yr_open_string(yreader **out, const char *name, const char *text,
		   size_t len, const pc_limits *limits, problems *probs,
		   pc_errors *errors)
{
	yreader *r;
	int rc = reader_new(&r, name, limits, probs, errors);

	if (rc < 0)
		return rc;
	if (len > r->limits.max_file_size) {
		errors_add(errors, name, 0, 0,
			   "input is %zu bytes, over the limit of %llu bytes "
			   "(raise it with --max-file-size)",
			   len, (unsigned long long)r->limits.max_file_size);
		yr_close(r);
		return PC_ELIMIT;
	}
	r->text = text;
	r->text_len = len;
	yaml_parser_set_input(&r->parser, string_handler, r);
	pipe_start(r, len);
	*out = r;
	return 0;
}

void yr_close(yreader *r)
{
	scratch_chunk *c, *prev;

	if (!r)
		return;
	if (r->pipe)
		pipe_stop(r);
	yaml_event_delete(&r->cur);
	if (r->parser_ready)
		yaml_parser_delete(&r->parser);
	if (r->fp)
		fclose(r->fp);
	for (c = r->scratch; c && c != &r->scratch_base; c = prev) {
		prev = c->prev;
		pc_free(c);
	}
	pc_free(r->spare);
	pc_free(r->log);
	pc_free(r->recs);
	pc_free(r->open);
	pc_free(r->frames);
	pc_free(r->keys);
	idmap_free(&r->anchors);
	strtab_free(&r->names);
	arena_free(&r->arena);
	pc_free(r);
}

/* ---- live events --------------------------------------------------------- */

/* Count lines and characters in one chunk of input up to its end. */
static void count_position(const char *s, size_t n, uint32_t *line,
			   uint32_t *col, bool *after_cr)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r') {
			if (!(c == '\n' && *after_cr))
				(*line)++;
			*col = 1;
			*after_cr = c == '\r';
			continue;
		}
		*after_cr = false;
		if ((c & 0xC0) != 0x80)
			(*col)++;
	}
}

/* The 1-based line and column of a byte offset of the input. libyaml's
 * reader errors (bad encoding) carry only the offset: the text is decoded
 * ahead of the scanner, whose mark is elsewhere. */
static void offset_position(yreader *r, size_t offset, uint32_t *line,
			    uint32_t *col)
{
	bool after_cr = false;
	char buf[4096];

	*line = 1;
	*col = 1;
	if (r->text) {
		count_position(r->text, offset < r->text_len ? offset
							     : r->text_len,
			       line, col, &after_cr);
		return;
	}
	if (!r->fp || fseek(r->fp, 0, SEEK_SET) != 0)
		return;
	while (offset) {
		size_t want = offset < sizeof buf ? offset : sizeof buf;
		size_t got = fread(buf, 1, want, r->fp);

		count_position(buf, got, line, col, &after_cr);
		/* Short at end of file or on an error, whatever cppcheck
		 * assumes of fread. */
		/* cppcheck-suppress knownConditionTrueFalse */
		if (got < want)
			return;
		offset -= got;
	}
}

static int syntax_error(yreader *r)
{
	yaml_parser_t *p = &r->parser;
	uint32_t line, col;

	if (r->over_size)
		return fail(r, PC_ELIMIT, 0, 0,
			    "input is over the limit of %llu bytes (raise it "
			    "with --max-file-size)",
			    (unsigned long long)r->limits.max_file_size);
	if (r->over_scan)
		return fail(r, PC_ELIMIT, (uint32_t)r->event_end.line + 1,
			    (uint32_t)r->event_end.column + 1,
			    "more than %llu characters from here without the "
			    "end of a YAML node: a scalar over the limit of "
			    "%llu bytes (or a block of comments that long); "
			    "shorten it",
			    (unsigned long long)r->scan_max,
			    (unsigned long long)r->limits.max_scalar_len);
	if (r->io_errno) {
		char msg[128];

		return fail(r, PC_EIO, 0, 0, "read error: %s",
			    error_text(r->io_errno, msg, sizeof msg));
	}
	if (p->error == YAML_MEMORY_ERROR)
		return oom(r);
	if (p->error == YAML_READER_ERROR) {
		offset_position(r, p->problem_offset, &line, &col);
		return fail(r, PC_ESYNTAX, line, col,
			    "not valid YAML text: %s (at byte %zu)",
			    p->problem ? p->problem : "unreadable input",
			    p->problem_offset);
	}
	line = (uint32_t)p->problem_mark.line + 1;
	col = (uint32_t)p->problem_mark.column + 1;
	if (p->context)
		return fail(r, PC_ESYNTAX, line, col,
			    "YAML syntax error: %s %s (line %zu)",
			    p->problem ? p->problem : "error", p->context,
			    p->context_mark.line + 1);
	return fail(r, PC_ESYNTAX, line, col, "YAML syntax error: %s",
		    p->problem ? p->problem : "unknown error");
}

/* The failures of the functions that fill an event set its type to
 * YR_NONE first: fail() is variadic, so the static analyser does not see
 * that it returns a negative code, and would take *ev as used unset. */
static void no_event(yr_event *ev)
{
	ev->type = YR_NONE;
	ev->text = "";
	ev->len = 0;
	ev->plain = false;
}

static YR_COLD int parse_failed(yreader *r, yr_event *ev)
{
	if (ev)
		no_event(ev);
	/* yr_close deletes the current event whatever it holds. */
	memset(&r->cur, 0, sizeof r->cur);
	return syntax_error(r);
}

/* The end of the stream from libyaml's thread: what libyaml itself would
 * have said on this thread. */
static YR_COLD int pipe_ended(yreader *r, yr_event *ev, int how)
{
	if (how == PIPE_END) {
		/* libyaml gives an empty event after the stream's end, which
		 * live_from_event places at 1:1. */
		memset(&r->live, 0, sizeof r->live);
		r->live.type = YAML_NO_EVENT;
		r->live.text = "";
		r->live.line = r->live.col = 1;
		return 0;
	}
	if (ev)
		no_event(ev);
	if (how == PIPE_NOMEM)
		return oom(r);
	return syntax_error(r);
}

/* The next live event into r->live; ev (or NULL) is the event the caller
 * fills from it. */
static YR_HOT int live_fetch(yreader *r, yr_event *ev)
{
	int rc;

	if (r->pipe) {
		if (YR_UNLIKELY((rc = pipe_fetch(r)) != 0))
			return pipe_ended(r, ev, rc);
		return 0;
	}
	/* The current event is all zero before the first one, which
	 * yaml_event_delete takes. */
	yaml_event_delete(&r->cur);
	if (YR_UNLIKELY(!yaml_parser_parse(&r->parser, &r->cur)))
		return parse_failed(r, ev);
	r->event_end = r->cur.end_mark;
	live_from_event(&r->live, &r->cur);
	return 0;
}

static int log_full(yreader *r, uint32_t line, uint32_t col)
{
	const recording *outer = r->nopen ? &r->recs[r->open[0].rec] : NULL;
	const char *name = outer && outer->name ? outer->name : NULL;

	if (outer) {
		line = r->log[outer->start].line;
		col = r->log[outer->start].col;
	}
	return fail(r, PC_ELIMIT, line, col,
		    "anchored nodes hold more than %llu YAML events, the limit "
		    "of alias expansion, so no alias of them could be "
		    "expanded: remove the anchor%s%s or anchor a smaller node",
		    (unsigned long long)r->limits.max_alias_events,
		    name ? " &" : "", name ? name : "");
}

static int log_append(yreader *r, yr_type type, const char *text, size_t len,
		      bool plain, uint32_t line, uint32_t col, uint32_t alias)
{
	rec_ev *e;

	/* A recording longer than the alias budget could never be replayed
	 * whole, and each event kept costs some 40 bytes: without this cap
	 * an anchor on a big node would cost many times the file's size. */
	if (r->nlog >= r->limits.max_alias_events)
		return log_full(r, line, col);
	if (pc_grow(&r->log, &r->log_cap, r->nlog + 1, sizeof *r->log) < 0)
		return oom(r);
	e = &r->log[r->nlog];
	e->text = "";
	if (len) {
		e->text = arena_strndup(&r->arena, text, len);
		if (!e->text)
			return oom(r);
	}
	e->len = (uint32_t)len;
	e->line = line;
	e->col = col;
	e->alias = alias;
	e->type = (uint8_t)type;
	e->plain = plain;
	r->nlog++;
	return 0;
}

/* Register an anchor for a recording that starts at log index start. */
static int anchor_define(yreader *r, const char *name, size_t start, bool open)
{
	const char *key;
	uint32_t idx;

	if (pc_grow(&r->recs, &r->recs_cap, r->nrecs + 1, sizeof *r->recs) < 0)
		return oom(r);
	idx = (uint32_t)r->nrecs++;
	r->recs[idx].start = start;
	r->recs[idx].end = start + 1;
	r->recs[idx].open = open;
	key = strtab_intern(&r->names, name, strlen(name));
	if (!key)
		return oom(r);
	r->recs[idx].name = key;
	/* A later anchor of the same name replaces the earlier one. */
	if (idmap_set(&r->anchors, key, (void *)(uintptr_t)(idx + 1)) < 0)
		return oom(r);
	if (open) {
		if (pc_grow(&r->open, &r->open_cap, r->nopen + 1, sizeof *r->open) < 0)
			return oom(r);
		r->open[r->nopen].rec = idx;
		r->open[r->nopen].depth = r->depth;
		r->nopen++;
		r->slow = true;
	}
	return (int)idx;
}

static YR_COLD int too_deep(yreader *r, uint32_t line, uint32_t col)
{
	return fail(r, PC_ELIMIT, line, col,
		    "nesting deeper than the limit of %u levels: a plan "
		    "or rule pack needs far fewer, so look for brackets "
		    "left open or runaway indentation here",
		    (unsigned)r->limits.max_depth);
}

static YR_HOT int depth_in(yreader *r, uint32_t line, uint32_t col)
{
	if (YR_UNLIKELY(++r->depth > r->limits.max_depth))
		return too_deep(r, line, col);
	return 0;
}

/* The next event of the innermost expansion: 0 (an event in *ev, a
 * YR_ALIAS one with its recording in *alias), 1 when no expansion is left
 * (the next event is live), or negative. */
static int next_replayed(yreader *r, yr_event *ev, uint32_t *alias)
{
	while (r->nframes) {
		frame *f = &r->frames[r->nframes - 1];
		const rec_ev *re;

		if (f->pos >= r->recs[f->rec].end) {
			r->nframes--;
			set_slow(r);
			continue;
		}
		re = &r->log[f->pos++];
		ev->type = (yr_type)re->type;
		ev->text = re->text;
		ev->len = re->len;
		ev->plain = re->plain;
		ev->line = re->line;
		ev->col = re->col;
		r->from_replay = true;
		if (ev->type == YR_ALIAS) {
			*alias = re->alias;
			return 0;
		}
		/* Named where the document says it: at the alias that
		 * started this expansion, not inside the anchored node. */
		if (++r->alias_events > r->limits.max_alias_events)
			return fail(r, PC_ELIMIT, r->frames[0].line,
				    r->frames[0].col,
				    "aliases expand to more than %llu YAML "
				    "events (a \"billion laughs\" document?), "
				    "the limit that stops runaway expansion: "
				    "alias fewer or smaller nodes",
				    (unsigned long long)r->limits.max_alias_events);
		if (ev->type == YR_SEQ_START || ev->type == YR_MAP_START)
			return depth_in(r, ev->line, ev->col);
		if (ev->type == YR_SEQ_END || ev->type == YR_MAP_END)
			r->depth--;
		return 0;
	}
	return 1;
}

/* An alias in the input: its recording in r->alias_rec. */
static YR_COLD int live_alias(yreader *r, yr_event *ev)
{
	const char *name = r->live.text;
	void *v = idmap_get(&r->anchors, name, strlen(name));
	uint32_t idx;

	no_event(ev);
	if (!v)
		return fail(r, PC_ESYNTAX, ev->line, ev->col,
			    "alias *%s refers to no anchor defined "
			    "before it (define &%s first)", name, name);
	idx = (uint32_t)((uintptr_t)v - 1);
	if (r->recs[idx].open)
		return fail(r, PC_ESYNTAX, ev->line, ev->col,
			    "alias *%s refers to the node that "
			    "contains it (a recursive alias)", name);
	if (r->nopen && log_append(r, YR_ALIAS, NULL, 0, false, ev->line,
				   ev->col, idx) < 0)
		return r->status;
	ev->type = YR_ALIAS;
	r->alias_rec = idx;
	return 0;
}

static YR_COLD int scalar_too_long(yreader *r, yr_event *ev)
{
	no_event(ev);
	return fail(r, PC_ELIMIT, ev->line, ev->col,
		    "a scalar of %zu bytes is over the limit "
		    "of %llu bytes: shorten it (no field of a "
		    "plan or rule pack needs that much text)",
		    r->live.len,
		    (unsigned long long)r->limits.max_scalar_len);
}

static YR_COLD int boundary(yreader *r, yr_event *ev)
{
	no_event(ev);
	return fail(r, PC_ESYNTAX, ev->line, ev->col,
		    "unexpected YAML document or stream boundary");
}

/* A live scalar or node start while a recording is open or with an
 * anchor of its own: keep it in the log. */
static YR_COLD int record_live(yreader *r, const yr_event *ev,
			       const char *anchor)
{
	if (log_append(r, ev->type, ev->text, ev->len, ev->plain, ev->line,
		       ev->col, 0) < 0)
		return r->status;
	if (anchor && anchor_define(r, anchor, r->nlog - 1,
				    ev->type != YR_SCALAR) < 0)
		return r->status;
	return 0;
}

/* A live node end while a recording is open: log it and close the
 * recordings of the nodes it ends. */
static YR_COLD int record_end(yreader *r, const yr_event *ev)
{
	if (log_append(r, ev->type, NULL, 0, false, ev->line, ev->col, 0) < 0)
		return r->status;
	while (r->nopen && r->open[r->nopen - 1].depth == r->depth) {
		recording *rec = &r->recs[r->open[r->nopen - 1].rec];
		rec->end = r->nlog;
		rec->open = false;
		r->nopen--;
	}
	set_slow(r);
	return 0;
}

/* The next event of the input, r->status not negative. A YR_ALIAS event
 * leaves its recording in r->alias_rec. unrecorded: the caller knows that
 * no recording is open (the fast path), so only an anchor is looked for. */
static YR_HOT int next_live(yreader *r, yr_event *ev, bool unrecorded)
{
	const live_ev *e = &r->live;
	const char *anchor;
	int rc;

	if ((rc = live_fetch(r, ev)) < 0)
		return rc;
	ev->line = e->line;
	ev->col = e->col;
	anchor = e->anchor;
	/* Two events in three are scalars: tested before the switch. */
	if (YR_LIKELY(e->type == YAML_SCALAR_EVENT)) {
		if (YR_UNLIKELY(e->len > r->limits.max_scalar_len))
			return scalar_too_long(r, ev);
		ev->type = YR_SCALAR;
		ev->text = e->text;
		ev->len = e->len;
		ev->plain = e->plain;
		if (YR_UNLIKELY((!unrecorded && r->nopen) || anchor))
			return record_live(r, ev, anchor);
		return 0;
	}
	switch (e->type) {
	case YAML_MAPPING_START_EVENT:
		ev->type = YR_MAP_START;
		goto start;
	case YAML_SEQUENCE_START_EVENT:
		ev->type = YR_SEQ_START;
start:
		ev->text = "";
		ev->len = 0;
		ev->plain = false;
		if (YR_UNLIKELY((!unrecorded && r->nopen) || anchor) &&
		    (rc = record_live(r, ev, anchor)) < 0)
			return rc;
		return depth_in(r, ev->line, ev->col);
	case YAML_MAPPING_END_EVENT:
		ev->type = YR_MAP_END;
		goto end;
	case YAML_SEQUENCE_END_EVENT:
		ev->type = YR_SEQ_END;
end:
		ev->text = "";
		ev->len = 0;
		ev->plain = false;
		r->depth--;
		if (YR_UNLIKELY(!unrecorded && r->nopen))
			return record_end(r, ev);
		return 0;
	case YAML_ALIAS_EVENT:
		return live_alias(r, ev);
	default:
		return boundary(r, ev);
	}
}

/* The next event without expanding aliases: a YR_ALIAS event carries its
 * recording in *alias. */
static int next_raw(yreader *r, yr_event *ev, uint32_t *alias)
{
	int rc;

	if (r->status < 0)
		return r->status;
	if (r->nframes && (rc = next_replayed(r, ev, alias)) <= 0)
		return rc;
	/* Set here, not in next_live: record_inline asks only after this
	 * function, and the loops spare a store per event. */
	r->from_replay = false;
	if ((rc = next_live(r, ev, false)) == 0 && ev->type == YR_ALIAS)
		*alias = r->alias_rec;
	return rc;
}

static int push_frame(yreader *r, uint32_t rec, uint32_t line, uint32_t col)
{
	if (r->nframes >= r->limits.max_depth)
		return fail(r, PC_ELIMIT, line, col,
			    "aliases nested deeper than the limit of %u "
			    "levels: alias fewer or smaller nodes",
			    (unsigned)r->limits.max_depth);
	if (pc_grow(&r->frames, &r->frames_cap, r->nframes + 1,
		    sizeof *r->frames) < 0)
		return oom(r);
	r->frames[r->nframes].rec = rec;
	r->frames[r->nframes].pos = r->recs[rec].start;
	r->frames[r->nframes].line = line;
	r->frames[r->nframes].col = col;
	r->nframes++;
	r->slow = true;
	return 0;
}

/* yr_next off the fast path; after_alias: *ev is a live alias, its
 * recording in r->alias_rec, to expand first. */
static YR_COLD int next_expanded(yreader *r, yr_event *ev, bool after_alias)
{
	uint32_t rec = 0;
	int rc;

	if (after_alias &&
	    (rc = push_frame(r, r->alias_rec, ev->line, ev->col)) < 0)
		return rc;
	for (;;) {
		if ((rc = next_raw(r, ev, &rec)) < 0)
			return rc;
		if (ev->type != YR_ALIAS)
			return 0;
		if ((rc = push_frame(r, rec, ev->line, ev->col)) < 0)
			return rc;
	}
}

/* yr_next, inlined into this file's loops. */
static YR_HOT int next_event(yreader *r, yr_event *ev)
{
	int rc;

	if (YR_LIKELY(!r->slow)) {
		if ((rc = next_live(r, ev, true)) < 0)
			return rc;
		if (YR_LIKELY(ev->type != YR_ALIAS))
			return 0;
		return next_expanded(r, ev, true);
	}
	return next_expanded(r, ev, false);
}

int yr_next(yreader *r, yr_event *ev)
{
	return next_event(r, ev);
}

int yr_skip(yreader *r, const yr_event *first)
{
	size_t level;
	yr_event ev;
	int rc;

	if (first->type != YR_SEQ_START && first->type != YR_MAP_START)
		return r->status;
	level = 1;
	while (level) {
		if ((rc = next_event(r, &ev)) < 0)
			return rc;
		if (ev.type == YR_SEQ_START || ev.type == YR_MAP_START)
			level++;
		else if (ev.type == YR_SEQ_END || ev.type == YR_MAP_END)
			level--;
	}
	return 0;
}

int yr_begin(yreader *r, yr_event *root)
{
	int rc;

	if ((rc = live_fetch(r, NULL)) < 0)
		return rc;
	if (r->live.type != YAML_STREAM_START_EVENT)
		return fail(r, PC_ESYNTAX, 1, 1, "not a YAML stream");
	if ((rc = live_fetch(r, NULL)) < 0)
		return rc;
	if (r->live.type == YAML_STREAM_END_EVENT)
		return 0;
	if (r->live.type != YAML_DOCUMENT_START_EVENT)
		return fail(r, PC_ESYNTAX, 1, 1, "not a YAML document");
	if ((rc = yr_next(r, root)) < 0)
		return rc;
	return 1;
}

int yr_finish(yreader *r)
{
	int rc;

	if (r->status < 0)
		return r->status;
	if ((rc = live_fetch(r, NULL)) < 0)
		return rc;
	if (r->live.type != YAML_DOCUMENT_END_EVENT)
		return fail(r, PC_ESYNTAX, r->live.line, r->live.col,
			    "unexpected content after the document");
	if ((rc = live_fetch(r, NULL)) < 0)
		return rc;
	if (r->live.type == YAML_DOCUMENT_START_EVENT)
		return fail(r, PC_EINVALID, r->live.line, r->live.col,
			    "a second YAML document: a file holds exactly one "
			    "(split it into two files)");
	return 0;
}

/* ---- mappings -------------------------------------------------------------- */

static YR_COLD char *scratch_grow(yreader *r, size_t n)
{
	scratch_chunk *c;
	size_t size = n > 16384 ? n : 16384;

	if (r->spare && r->spare->size >= n) {
		c = r->spare;
		r->spare = NULL;
	} else {
		c = pc_malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
	}
	c->used = n;
	c->prev = r->scratch;
	r->scratch = c;
	return (char *)(c + 1);
}

static YR_HOT char *scratch_alloc(yreader *r, size_t n)
{
	scratch_chunk *c = r->scratch;

	if (YR_UNLIKELY(c->size - c->used < n))
		return scratch_grow(r, n);
	c->used += n;
	return (char *)(c + 1) + c->used - n;
}

/* Give back the chunks taken since mark: the largest is kept as spare. */
static YR_COLD void scratch_pop(yreader *r, const void *mark)
{
	while (r->scratch != mark && r->scratch != &r->scratch_base) {
		scratch_chunk *c = r->scratch;
		r->scratch = c->prev;
		if (!r->spare || r->spare->size < c->size) {
			pc_free(r->spare);
			r->spare = c;
		} else {
			pc_free(c);
		}
	}
}

static YR_HOT void scratch_release(yreader *r, const void *mark, size_t off)
{
	if (YR_UNLIKELY(r->scratch != mark))
		scratch_pop(r, mark);
	r->scratch->used = off;
}

void yr_map_begin(yreader *r, yr_map *m, const yr_event *start)
{
	/* Field by field: cheaper than clearing the whole structure first,
	 * and every mapping of the document passes here. */
	m->line = start->line;
	m->col = start->col;
	m->key_base = r->nkeys;
	m->scratch_mark = r->scratch;
	m->scratch_off = r->scratch->used;
	m->index = NULL;
	m->index_cap = 0;
	m->sources = NULL;
	m->nsources = 0;
	m->sources_cap = 0;
	m->cur_source = 0;
	m->phase = 0;
	m->depth = r->depth;
}

static YR_HOT void map_release(yreader *r, yr_map *m)
{
	r->nkeys = m->key_base;
	scratch_release(r, m->scratch_mark, m->scratch_off);
	if (YR_UNLIKELY(m->index || m->sources)) {
		pc_free(m->index);
		pc_free(m->sources);
		m->index = NULL;
		m->sources = NULL;
	}
	m->phase = 2;
}

void yr_map_abort(yreader *r, yr_map *m)
{
	if (m->phase != 2)
		map_release(r, m);
}

#define LINEAR_KEYS 16

static int index_insert(yr_map *m, yreader *r, size_t k)
{
	size_t mask = m->index_cap - 1, i;

	for (i = r->keys[k].hash & mask; m->index[i]; i = (i + 1) & mask)
		;
	m->index[i] = (uint32_t)(k - m->key_base + 1);
	return 0;
}

/* The key of this mapping equal to *key, by a scan (no index yet). The
 * first bytes are compared before memcmp: texts are NUL-terminated, so
 * that holds for empty keys too. */
static YR_HOT const keyent *key_find_linear(const yreader *r, const yr_map *m,
					    const yr_event *key)
{
	size_t i;

	/* Indexes, not pointers: r->keys is NULL until the first key. */
	for (i = m->key_base; i < r->nkeys; i++) {
		const keyent *k = &r->keys[i];

		if (k->len == key->len && k->text[0] == key->text[0] &&
		    memcmp(k->text, key->text, key->len) == 0)
			return k;
	}
	return NULL;
}

/* memcpy of n >= 1 bytes, without a call for the short texts of keys:
 * two overlapping moves of 8 or 4 bytes, or three of one. */
static YR_HOT void copy_short(char *d, const char *s, size_t n)
{
	if (n >= 8 && n <= 16) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else if (n < 4) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	} else {
		memcpy(d, s, n);
	}
}

/* Copy a new key of the current mapping (its text with its NUL) and add
 * it to the key stack; the copy in *copy. 0 or negative. */
static YR_HOT int key_add(yreader *r, const yr_event *key, uint32_t hash,
			  const char **copy)
{
	char *text = scratch_alloc(r, key->len + 1);
	keyent *k;

	if (YR_UNLIKELY(!text))
		return oom(r);
	if (YR_UNLIKELY(r->nkeys == r->keys_cap) &&
	    pc_grow(&r->keys, &r->keys_cap, r->nkeys + 1, sizeof *r->keys) < 0)
		return oom(r);
	/* The entry before the bytes: stores through char may alias the
	 * reader, and would make the compiler load its fields again. */
	k = &r->keys[r->nkeys++];
	k->text = text;
	k->len = key->len;
	k->hash = hash;
	k->line = key->line;
	*copy = text;
	copy_short(text, key->text, key->len + 1);
	return 0;
}

/* Is the key already in this mapping? If not, add it. 1 seen (its first
 * line in *first_line), 0 added. */
static int key_seen_or_add(yreader *r, yr_map *m, const yr_event *key,
			   const char **copy, uint32_t *first_line)
{
	size_t n = r->nkeys - m->key_base, i;
	uint32_t h = 0;
	const keyent *seen;

	/* Up to LINEAR_KEYS keys, length and bytes are compared without
	 * hashing; hashes are taken when the index is built. */
	if (m->index) {
		size_t mask = m->index_cap - 1;
		h = str_hash_bytes(key->text, key->len);
		for (i = h & mask; m->index[i]; i = (i + 1) & mask) {
			keyent *k = &r->keys[m->key_base + m->index[i] - 1];
			if (k->hash == h && k->len == key->len &&
			    memcmp(k->text, key->text, key->len) == 0) {
				*first_line = k->line;
				return 1;
			}
		}
	} else if ((seen = key_find_linear(r, m, key)) != NULL) {
		*first_line = seen->line;
		return 1;
	}
	if (key_add(r, key, h, copy) < 0)
		return r->status;
	n++;
	if (n > LINEAR_KEYS && n * 2 > m->index_cap) {
		size_t cap = m->index_cap ? m->index_cap * 2 : 64;
		uint32_t *idx;
		while (cap < n * 2)
			cap *= 2;
		idx = pc_calloc(cap, sizeof *idx);
		if (!idx)
			return oom(r);
		if (!m->index)
			for (i = m->key_base; i < r->nkeys; i++)
				r->keys[i].hash = str_hash_bytes(r->keys[i].text,
								 r->keys[i].len);
		pc_free(m->index);
		m->index = idx;
		m->index_cap = cap;
		for (i = m->key_base; i < r->nkeys; i++)
			index_insert(m, r, i);
	} else if (m->index) {
		index_insert(m, r, r->nkeys - 1);
	}
	return 0;
}

static void bad_merge(yreader *r, uint32_t line, uint32_t col)
{
	if (r->probs)
		prob_report(r->probs, PROB_BAD_TYPE, line, col,
			    "a merge key `<<` takes a mapping, an alias of "
			    "one (<<: *name), or a list of those");
}

static int add_source(yreader *r, yr_map *m, uint32_t rec, size_t at,
		      uint32_t line, uint32_t col)
{
	if (r->log[r->recs[rec].start].type != YR_MAP_START) {
		bad_merge(r, line, col);
		return 0;
	}
	if (pc_grow(&m->sources, &m->sources_cap, m->nsources + 1,
		    sizeof *m->sources) < 0)
		return oom(r);
	memmove(m->sources + at + 1, m->sources + at,
		(m->nsources - at) * sizeof *m->sources);
	m->sources[at] = rec;
	m->nsources++;
	return 0;
}

/* Record an inline mapping given as a merge value; *ev is its start. */
static int record_inline(yreader *r, const yr_event *ev, uint32_t *out)
{
	int rc;

	if (r->from_replay) {
		size_t fi = r->nframes - 1;
		size_t start = r->frames[fi].pos - 1;
		if ((rc = yr_skip(r, ev)) < 0)
			return rc;
		if (pc_grow(&r->recs, &r->recs_cap, r->nrecs + 1, sizeof *r->recs) < 0)
			return oom(r);
		r->recs[r->nrecs].start = start;
		r->recs[r->nrecs].end = r->frames[fi].pos;
		r->recs[r->nrecs].name = NULL;
		r->recs[r->nrecs].open = false;
		*out = (uint32_t)r->nrecs++;
		return 0;
	}
	if (!r->nopen && log_append(r, YR_MAP_START, NULL, 0, false, ev->line,
				    ev->col, 0) < 0)
		return r->status;
	if (pc_grow(&r->recs, &r->recs_cap, r->nrecs + 1, sizeof *r->recs) < 0 ||
	    pc_grow(&r->open, &r->open_cap, r->nopen + 1, sizeof *r->open) < 0)
		return oom(r);
	r->recs[r->nrecs].start = r->nlog - 1;
	r->recs[r->nrecs].name = NULL;
	r->recs[r->nrecs].open = true;
	r->open[r->nopen].rec = (uint32_t)r->nrecs;
	r->open[r->nopen].depth = r->depth - 1;
	r->nopen++;
	r->slow = true;
	*out = (uint32_t)r->nrecs++;
	return yr_skip(r, ev);
}

/* The value of a `<<` key: an alias, an inline mapping or a list. */
static int read_merge(yreader *r, yr_map *m, size_t at)
{
	yr_event ev;
	uint32_t rec = 0;
	int rc;

	if ((rc = next_raw(r, &ev, &rec)) < 0)
		return rc;
	if (ev.type == YR_ALIAS)
		return add_source(r, m, rec, at, ev.line, ev.col);
	if (ev.type == YR_MAP_START) {
		if ((rc = record_inline(r, &ev, &rec)) < 0)
			return rc;
		return add_source(r, m, rec, at, ev.line, ev.col);
	}
	if (ev.type != YR_SEQ_START) {
		bad_merge(r, ev.line, ev.col);
		return 0;
	}
	for (;;) {
		if ((rc = next_raw(r, &ev, &rec)) < 0)
			return rc;
		if (ev.type == YR_SEQ_END)
			return 0;
		if (ev.type == YR_ALIAS) {
			if ((rc = add_source(r, m, rec, at++, ev.line, ev.col)) < 0)
				return rc;
			continue;
		}
		if (ev.type == YR_MAP_START) {
			if ((rc = record_inline(r, &ev, &rec)) < 0 ||
			    (rc = add_source(r, m, rec, at++, ev.line, ev.col)) < 0)
				return rc;
			continue;
		}
		bad_merge(r, ev.line, ev.col);
		if ((rc = yr_skip(r, &ev)) < 0)
			return rc;
	}
}

static YR_HOT bool is_merge_key(const yr_event *k)
{
	return k->len == 2 && k->plain && k->text[0] == '<' && k->text[1] == '<';
}

static int skip_value(yreader *r)
{
	yr_event v;
	int rc;

	if ((rc = next_event(r, &v)) < 0)
		return rc;
	return yr_skip(r, &v);
}

/* yr_map_next from its first event *ev on: every case. */
static YR_COLD int map_next_slow(yreader *r, yr_map *m, yr_event *key,
				 yr_event *ev)
{
	const char *copy = NULL;
	uint32_t first_line = 0;
	int rc;

	for (;;) {
		if (ev->type == YR_MAP_END) {
			if (m->phase == 1)
				m->cur_source++;
			if (m->cur_source >= m->nsources) {
				map_release(r, m);
				return 0;
			}
			m->phase = 1;
			/* The next event is the source's YR_MAP_START,
			 * read here and passed over. */
			if ((rc = push_frame(r, m->sources[m->cur_source],
					     m->line, m->col)) < 0 ||
			    (rc = next_event(r, ev)) < 0)
				goto fail;
		} else if (ev->type != YR_SCALAR) {
			if (m->phase == 0 && r->probs)
				prob_report(r->probs, PROB_BAD_TYPE, ev->line,
					    ev->col, "a mapping key must be a "
					    "plain string, not %s",
					    yr_type_name(ev));
			if ((rc = yr_skip(r, ev)) < 0 || (rc = skip_value(r)) < 0)
				goto fail;
		} else if (is_merge_key(ev)) {
			size_t at = m->phase == 1 ? m->cur_source + 1 : m->nsources;
			if ((rc = read_merge(r, m, at)) < 0)
				goto fail;
		} else {
			rc = key_seen_or_add(r, m, ev, &copy, &first_line);
			if (rc < 0)
				goto fail;
			if (rc == 0) {
				*key = *ev;
				key->text = copy;
				return 1;
			}
			if (m->phase == 0 && r->probs)
				prob_report(r->probs, PROB_DUPLICATE_KEY, ev->line,
					    ev->col, "duplicate key '%s' in this "
					    "mapping (first at line %u); the "
					    "later value is ignored", ev->text,
					    (unsigned)first_line);
			if ((rc = skip_value(r)) < 0)
				goto fail;
		}
		if ((rc = next_event(r, ev)) < 0)
			goto fail;
	}
fail:
	map_release(r, m);
	return rc;
}

int yr_map_next(yreader *r, yr_map *m, yr_event *key)
{
	yr_event ev;
	const char *copy = NULL;
	int rc;

	if (m->phase == 2)
		return 0;
	if ((rc = next_event(r, &ev)) < 0)
		goto fail;
	/* Nearly every key: a scalar other than `<<`, new in a mapping of
	 * fewer than LINEAR_KEYS keys (so with no index). */
	if (YR_LIKELY(ev.type == YR_SCALAR) && !is_merge_key(&ev) &&
	    r->nkeys - m->key_base < LINEAR_KEYS &&
	    !key_find_linear(r, m, &ev)) {
		if ((rc = key_add(r, &ev, 0, &copy)) < 0)
			goto fail;
		*key = ev;
		key->text = copy;
		return 1;
	}
	/* The end of a mapping without merge keys. */
	if (ev.type == YR_MAP_END && !m->nsources) {
		map_release(r, m);
		return 0;
	}
	return map_next_slow(r, m, key, &ev);
fail:
	map_release(r, m);
	return rc;
}
/* ---- scalar helpers ---------------------------------------------------------- */

/* The external definition of the inline one in yread.h. */
extern inline bool yr_is_null(const yr_event *ev);

/* Runs on every field that takes a boolean: compared byte by byte, the
 * length ruling out most texts first. */
int yr_bool(const yr_event *ev, bool *out)
{
	const char *s = ev->text;

	if (ev->type != YR_SCALAR || !ev->plain)
		return -1;
	if (ev->len == 4 && (((s[0] == 't' || s[0] == 'T') &&
			      memcmp(s + 1, "rue", 3) == 0) ||
			     memcmp(s, "TRUE", 4) == 0)) {
		*out = true;
		return 0;
	}
	if (ev->len == 5 && (((s[0] == 'f' || s[0] == 'F') &&
			      memcmp(s + 1, "alse", 4) == 0) ||
			     memcmp(s, "FALSE", 5) == 0)) {
		*out = false;
		return 0;
	}
	return -1;
}

/* Up to this many digits no int64_t overflows (10^18 - 1 < 2^63). */
#define SAFE_DIGITS 18

int yr_int(const yr_event *ev, int64_t *out)
{
	const char *s = ev->text;
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;

	if (ev->type != YR_SCALAR || !ev->plain || ev->len == 0)
		return -1;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == ev->len)
		return -1;
	if (ev->len - i <= SAFE_DIGITS) {
		for (; i < ev->len; i++) {
			unsigned d = (unsigned)(unsigned char)s[i] - '0';
			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
	} else {
		lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; i < ev->len; i++) {
			unsigned d;
			if (s[i] < '0' || s[i] > '9')
				return -1;
			d = (unsigned)(s[i] - '0');
			if (v > (lim - d) / 10)
				return -1;
			v = v * 10 + d;
		}
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

const char *yr_type_name(const yr_event *ev)
{
	switch (ev->type) {
	case YR_SCALAR:
		return yr_is_null(ev) ? "null" : "a scalar";
	case YR_SEQ_START:
		return "a list";
	case YR_MAP_START:
		return "a mapping";
	default:
		return "an event";
	}
}
