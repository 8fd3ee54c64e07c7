/* ahead.h - libyaml's parser on a thread of its own, ahead of the reader.
 *
 * Parsing is most of the work of loading a big plan: libyaml checks and
 * copies every character, and builds an event with fresh allocations for
 * every node. On a machine with a second core that work can run beside
 * the building of the model. The parser thread fills a bounded ring with
 * copies of the events; the reader takes them in order. What the reader
 * sees is what yaml_parser_parse would have given it, event for event,
 * error for error, except for what the reader has no use for: of the
 * marks only the start's line and column (the end marks are for the
 * parser's input handler, which gets them through last_end on the parser
 * thread), and no %YAML or %TAG directives of a document start. */
#ifndef PC_AHEAD_H
#define PC_AHEAD_H
#include <yaml.h>

typedef struct ahead ahead;

/* Start parsing with parser, whose input is set, on a new thread. After
 * each event the thread stores the event's end mark in *last_end: the
 * parser's input handler, which runs on that thread, may read it there.
 * 0, or -1 when there is no memory or no thread (nothing started: the
 * caller parses by itself). */
int ahead_start(ahead **out, yaml_parser_t *parser, yaml_mark_t *last_end);

/* The next event in *ev, whose strings stay valid until the next call
 * (they are the ring's: do not delete the event). 1: an event (after the
 * stream end, empty events, as from yaml_parser_parse); 0: the parser
 * failed, and its error fields may be read now. */
int ahead_next(ahead *a, yaml_event_t *ev);

/* Stop the thread (wherever it is in the input), wait for it, free a.
 * The parser may then be deleted. NULL is a no-op. */
void ahead_stop(ahead *a);
#endif
