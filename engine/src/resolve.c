/* resolve.c - after load.c's one pass: references, the unit tree, and the
 * indexes the rules use (positions per person, owners per task).
 *
 * Everything here is linear in the size of the plan, apart from matching
 * each task's applies_to against each unit: ids are found through the
 * plan's idmaps, never by a scan, and the tree is walked without
 * recursion, so a deep hierarchy cannot exhaust the stack.
 *
 * Problems go to the problem sink given to plan_resolve; the plan loader's
 * sink appends them to plan->findings, and report_on() then names the
 * finding's target.
 *
 * Choices:
 *   - An unknown parent or into is reported at the unit's mapping (the
 *     model keeps no position for those keys); the unit becomes a root,
 *     or merges into nothing.
 *   - A parent chain that loops is reported once, at the loop's first
 *     unit in document order, and cut there: that unit becomes a root.
 *   - A regular expression of a task's applies_to that hits its match
 *     limit is reported once per task (plan/bad-value) and is not run
 *     again for that task: the unit it could not judge and the units
 *     after it in document order do not owe the task. */
#include "model.h"
#include "alloc.h"
#include "problems.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct resolver {
	pc_plan *plan;
	problems *probs;
	unit **doc;              /* the units in document order */
	uint32_t n;
	/* What the places of the unit map refer to: rs->doc until the
	 * tree is built, plan->units (pre-order) from then on, when
	 * plan_resolve rebuilds the map so that selectors' `under`
	 * (plan_unit) finds units while tasks are linked. */
	unit **placed;
	uint32_t *doc_at;        /* by pre-order place: the document index */
} resolver;

/* The unit whose id is id[0..len), or NULL. */
static unit *find_unit(const resolver *rs, const char *id, size_t len)
{
	return idindex_get(&rs->plan->unit_ids, (void *const *)rs->placed, id,
			   len);
}

static void report_on(resolver *rs, prob_kind kind, loc where,
		      pc_target_type type, const char *id, const char *fmt,
		      ...) __attribute__((format(printf, 6, 7)));

/* The location of a node of the plan being resolved. */
#define PLOC(w) plan_loc(rs->plan, (w))

static void report_on(resolver *rs, prob_kind kind, loc where,
		      pc_target_type type, const char *id, const char *fmt,
		      ...)
{
	pc_plan *plan = rs->plan;
	size_t before = plan->nfindings;
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	prob_report(rs->probs, kind, where.line, where.col, "%s", buf);
	if (plan->nfindings == before + 1) {
		plan->findings[before].target_type = type;
		plan->findings[before].target_id = id ? id : "";
	}
}

/* ---- the unit tree ------------------------------------------------------- */

/* The flat form: each unit that names a parent hangs from it. Only a unit
 * that is not nested names one (load.c reports the others), at the end
 * of its mapping: the loader lists them in document order, which is the
 * order problems are reported in. */
static void link_parents(resolver *rs, const unit_parent *parents,
			 size_t nparents)
{
	size_t k;

	for (k = 0; k < nparents; k++) {
		unit *u = parents[k].u;
		const char *id = parents[k].parent_id;

		/* A unit left out (no id, or a duplicate) is not at its
		 * place any more. */
		if (u->index >= rs->n || rs->doc[u->index] != u || u->parent)
			continue;
		u->parent = find_unit(rs, id, str_len(id));
		if (!u->parent)
			report_on(rs, PROB_UNKNOWN_REF, PLOC(u->where),
				  PC_TARGET_UNIT, u->id,
				  "parent '%s' is not a unit id defined in "
				  "this plan", id);
	}
}

/* Report the cycle through start once and cut it at its first unit in
 * document order, which becomes a root. */
static void break_cycle(resolver *rs, unit *start)
{
	char ids[512];
	size_t used = 0;
	unit *v, *first = start;
	int shown = 0;

	v = start;
	do {
		if (v->index < first->index)
			first = v;
		v = v->parent;
	} while (v != start);
	v = first;
	do {
		if (shown++ < 8 && used < sizeof ids)
			used += (size_t)snprintf(ids + used, sizeof ids - used,
						 "%s -> ", v->id);
		v = v->parent;
	} while (v != first);
	if (used < sizeof ids)
		snprintf(ids + used, sizeof ids - used, "%s",
			 shown > 8 ? "... -> " : "");
	report_on(rs, PROB_CYCLE, PLOC(first->where), PC_TARGET_UNIT, first->id,
		  "parent chain loops: %s%s; the link from '%s' to its parent "
		  "is ignored", ids, first->id, first->id);
	first->parent = NULL;
}

/* Each parent chain is walked once: a walk stops at a unit an earlier walk
 * reached (its chain is known to end at a root) or finds a cycle. */
static int break_cycles(resolver *rs)
{
	uint32_t *walk = pc_calloc(rs->n ? rs->n : 1, sizeof *walk);
	uint32_t i;

	if (!walk)
		return PC_ENOMEM;
	for (i = 0; i < rs->n; i++) {
		unit *v = rs->doc[i];

		while (v && !walk[v->index]) {
			walk[v->index] = i + 1;
			v = v->parent;
		}
		if (v && walk[v->index] == i + 1)
			break_cycle(rs, v);
	}
	pc_free(walk);
	return 0;
}

/* u's class (plan->class_at), numbering a new pair if need be. */
static unsigned char unit_class_of(pc_plan *plan, const unit *u)
{
	uint32_t c;

	for (c = 0; c < plan->nclasses; c++)
		if (plan->class_level[c] == u->level &&
		    plan->class_kind[c] == u->kind)
			return (unsigned char)c;
	if (c == UNIT_CLASS_NONE)
		return UNIT_CLASS_NONE;
	/* Levels and kinds are interned: equal texts, equal pointers. */
	plan->class_level[c] = u->level;
	plan->class_kind[c] = u->kind;
	plan->nclasses++;
	return (unsigned char)c;
}

/* Roots, pre-order numbers (u->index, from here on its place in
 * plan->units) and u->post, plan->units in pre-order, children visited
 * in document order, and what parent_at, status_at and class_at keep of
 * each unit. The
 * children lists are needed only here: kept aside by document index
 * (u->index until now), not on the units. */
static int build_tree(resolver *rs)
{
	pc_plan *plan = rs->plan;
	arena *a = &plan->arena;
	unit **order;
	uint32_t *first = NULL, *at = NULL, *kids = NULL, *stack = NULL;
	uint32_t i, n = rs->n, nroots = 0, top = 0, next = 0;
	int rc = PC_ENOMEM;

	plan->nroots = 0;
	plan->roots = NULL;
	plan->units = NULL;
	plan->nclasses = 0;
	if (!n)
		return 0;
	/* What stays first, then what goes: the C library gives back only
	 * the top of its heap, which a block that stays would hold up. */
	order = arena_alloc(a, (size_t)n * sizeof *order);
	plan->parent_at = arena_alloc(a, (size_t)n * (sizeof *plan->parent_at +
						       2));
	plan->class_level = arena_alloc(a, UNIT_CLASS_NONE *
					sizeof *plan->class_level);
	plan->class_kind = arena_alloc(a, UNIT_CLASS_NONE *
				       sizeof *plan->class_kind);
	if (!order || !plan->parent_at || !plan->class_level ||
	    !plan->class_kind)
		goto out;
	plan->status_at = (unsigned char *)(plan->parent_at + n);
	plan->class_at = plan->status_at + n;
	/* kids[first[d] .. first[d + 1]): the document indexes of the
	 * children of rs->doc[d], in document order. */
	first = pc_calloc((size_t)n + 1, sizeof *first);
	at = pc_malloc((size_t)n * sizeof *at);
	kids = pc_malloc((size_t)n * sizeof *kids);
	stack = pc_malloc((size_t)n * sizeof *stack);
	if (!first || !at || !kids || !stack)
		goto out;
	for (i = 0; i < n; i++) {
		const unit *u = rs->doc[i];

		if (u->parent)
			first[u->parent->index + 1]++;
		else
			nroots++;
	}
	for (i = 0; i < n; i++) {
		first[i + 1] += first[i];
		at[i] = first[i];
	}
	plan->roots = nroots ? arena_alloc(a, nroots * sizeof *plan->roots)
			     : NULL;
	if (nroots && !plan->roots)
		goto out;
	for (i = 0; i < n; i++) {
		unit *u = rs->doc[i];

		if (u->parent)
			kids[at[u->parent->index]++] = i;
		else
			plan->roots[plan->nroots++] = u;
	}
	/* The stack holds document indexes: u->index changes on the way
	 * (a unit's is still its document index until it is visited).
	 * at, done with, becomes rs->doc_at. */
	for (i = nroots; i-- > 0;)
		stack[top++] = plan->roots[i]->index;
	while (top) {
		uint32_t d = stack[--top], k;
		unit *u = rs->doc[d];

		u->index = u->post = next;
		/* A parent comes first: its index is its place already. */
		plan->parent_at[next] = u->parent ? u->parent->index
						     : NO_UNIT;
		plan->status_at[next] = (unsigned char)u->status;
		plan->class_at[next] = unit_class_of(plan, u);
		at[next] = d;
		order[next++] = u;
		for (k = first[d + 1]; k-- > first[d];)
			stack[top++] = kids[k];
	}
	/* Reverse pre-order visits every descendant before its ancestor. */
	for (i = next; i-- > 0;) {
		unit *u = order[i];
		if (u->parent && u->post > u->parent->post)
			u->parent->post = u->post;
	}
	plan->units = order;
	rs->doc_at = at;
	at = NULL;
	rc = 0;
out:
	pc_free(first);
	pc_free(at);
	pc_free(kids);
	pc_free(stack);
	return rc;
}

static void link_into(resolver *rs)
{
	uint32_t i;

	for (i = 0; i < rs->n; i++) {
		unit *u = rs->doc[i];
		unit_extra *x = u->extra;

		if (!x || !x->into_id)
			continue;
		x->into = find_unit(rs, x->into_id, str_len(x->into_id));
		if (!x->into)
			report_on(rs, PROB_UNKNOWN_REF, PLOC(u->where),
				  PC_TARGET_UNIT, u->id,
				  "into '%s' is not a unit id defined in this "
				  "plan", x->into_id);
		else if (x->into == u) {
			report_on(rs, PROB_BAD_VALUE, PLOC(u->where), PC_TARGET_UNIT,
				  u->id, "a unit cannot merge into itself");
			x->into = NULL;
		}
	}
}

/* ---- positions ------------------------------------------------------------ */

/* Titles of positions, and each person's positions in document order. */
static int link_positions(resolver *rs)
{
	pc_plan *plan = rs->plan;
	char *all = NULL;
	uint32_t i, k, h;
	size_t total = 0;

	if (plan->ntitle_refs &&
	    !(plan->ref_title = arena_alloc(&plan->arena, plan->ntitle_refs *
					    sizeof *plan->ref_title)))
		return PC_ENOMEM;
	for (i = 0; i < plan->ntitle_refs; i++) {
		const title *t = idmap_get_str(&plan->title_ids,
					       plan->title_refs[i]);

		plan->ref_title[i] = t ? t->index : NO_TITLE;
	}
	for (i = 0; i < rs->n; i++) {
		unit *u = rs->doc[i];

		for (k = 0; k < u->npositions; k++) {
			position *p = &u->positions[k];

			if (p->title_ref != NO_TITLE_REF &&
			    plan->ref_title[p->title_ref] == NO_TITLE)
				report_on(rs, PROB_UNKNOWN_REF, PLOC(p->where),
					  PC_TARGET_UNIT, u->id,
					  "title '%s' is not a title id defined "
					  "in this plan",
					  plan->title_refs[p->title_ref]);
			p->unit_at = u->index;
			for (h = 0; h < position_nholders(p); h++)
				position_holder(p, h)->held.count++;
		}
	}
	/* A person with one position keeps it in place (most people of a
	 * national plan); the others get a counted list, all of them in
	 * one block, filled in document order. */
	for (i = 0; i < plan->npeople; i++) {
		uintptr_t c = plan_person(plan, i)->held.count;

		if (c > 1)
			total += offsetof(positions_held, items) +
				 c * sizeof(position *);
	}
	if (total && !(all = arena_alloc(&plan->arena, total)))
		return PC_ENOMEM;
	for (i = 0; i < plan->npeople; i++) {
		person *p = plan_person(plan, i);
		uintptr_t c = p->held.count;

		p->held.tagged = NULL;
		if (c > 1 && all) {
			positions_held *l = (positions_held *)(void *)all;

			l->n = 0;
			p->held.tagged = held_mark(l);
			all += offsetof(positions_held, items) +
			       c * sizeof(position *);
		}
	}
	for (i = 0; i < rs->n; i++) {
		unit *u = rs->doc[i];

		for (k = 0; k < u->npositions; k++) {
			position *p = &u->positions[k];

			for (h = 0; h < position_nholders(p); h++) {
				person *who = position_holder(p, h);
				positions_held *l = held_as_list(who->held.tagged);

				if (l)
					l->items[l->n++] = p;
				else
					who->held.tagged = p;
			}
		}
	}
	return 0;
}

/* ---- tasks ------------------------------------------------------------------ */

typedef struct unit_progress {
	unit *u;
	progress *entry;
} unit_progress;

/* Every unit's progress entries, grouped by task (a counting sort):
 * by_task[start[t] .. start[t + 1]). Unknown tasks are reported. */
static int group_progress(resolver *rs, unit_progress **out, size_t **start)
{
	pc_plan *plan = rs->plan;
	unit_progress *by_task = NULL;
	size_t *first, total = 0;
	uint32_t i, k;

	*out = NULL;
	first = pc_calloc(plan->ntasks + 2, sizeof *first);
	if (!first)
		return PC_ENOMEM;
	for (i = 0; i < rs->n; i++) {
		unit *u = rs->doc[i];

		for (k = 0; k < u->nprogress; k++) {
			progress *pr = &u->progress[k];

			pr->task = idmap_get_str(&plan->task_ids, pr->task_id);
			if (!pr->task) {
				report_on(rs, PROB_UNKNOWN_REF, PLOC(pr->where),
					  PC_TARGET_UNIT, u->id,
					  "progress for '%s', which is not a "
					  "task id defined in this plan",
					  pr->task_id);
				continue;
			}
			first[pr->task->index + 2]++;
			total++;
		}
	}
	for (i = 0; i < plan->ntasks; i++)
		first[i + 2] += first[i + 1];
	if (total && !(by_task = pc_malloc(total * sizeof *by_task))) {
		pc_free(first);
		return PC_ENOMEM;
	}
	for (i = 0; i < rs->n; i++) {
		unit *u = rs->doc[i];

		for (k = 0; k < u->nprogress; k++) {
			progress *pr = &u->progress[k];
			unit_progress *slot;

			if (!pr->task)
				continue;
			slot = &by_task[first[pr->task->index + 1]++];
			slot->u = u;
			slot->entry = pr;
		}
	}
	*out = by_task;
	*start = first;
	return 0;
}

/* The units of plan that applies_to s selects, as bits by document index
 * in picked (zeroed first). Without a regular expression nothing can
 * fail, so the units are taken by place, from plan->status_at and
 * plan->class_at, and only those a class leaves in doubt are visited. */
static void pick_by_class(const resolver *rs, const selector *s,
			  uint64_t *picked)
{
	const pc_plan *plan = rs->plan;
	unsigned char answer[UNIT_CLASS_NONE];
	bool simple = selector_simple(s);
	uint32_t i, c, d, a;

	for (c = 0; c < plan->nclasses; c++)
		answer[c] = (unsigned char)selector_pair_answer(s, simple,
			plan->class_level[c], plan->class_kind[c]);
	memset(picked, 0, (size_t)(rs->n + 63) / 64 * sizeof *picked);
	for (i = 0; i < rs->n; i++) {
		if (!(s->status_mask & STATUS_BIT(plan->status_at[i])))
			continue;
		c = plan->class_at[i];
		a = c == UNIT_CLASS_NONE ? SELECT_ASK : answer[c];
		if (a == 0 || (a == SELECT_ASK &&
			       selector_match(s, plan, plan->units[i]) != 1))
			continue;
		d = rs->doc_at[i];
		picked[d / 64] |= UINT64_C(1) << (d % 64);
	}
}

/* pick_by_class for an applies_to with a regular expression, which may
 * hit its limit: after a hit the expression is not run again (it
 * backtracks without end, and each run costs a full match budget,
 * minutes over a big plan), and the units after the one that hit it in
 * document order are left out, so the units are taken in that order. */
static void pick_in_order(resolver *rs, const task *tk, uint64_t *picked)
{
	const pc_plan *plan = rs->plan;
	uint32_t d;

	memset(picked, 0, (size_t)(rs->n + 63) / 64 * sizeof *picked);
	for (d = 0; d < rs->n; d++) {
		const unit *u = rs->doc[d];
		int m = selector_match(&tk->applies_to, plan, u);

		if (m < 0) {
			loc at = { plan->file, tk->applies_to.line,
				   tk->applies_to.col };

			report_on(rs, PROB_BAD_VALUE, at, PC_TARGET_TASK,
				  tk->id, "a regular expression of applies_to "
				  "hit its match limit on unit '%s'; that unit "
				  "and those after it are left out: simplify "
				  "the expression", u->id);
			break;
		}
		if (m == 1)
			picked[d / 64] |= UINT64_C(1) << (d % 64);
	}
}

/* The units each task applies to, in document order, with their progress
 * entries; progress for a unit that does not owe the task is reported.
 * A task's units are found as bits by document index; a unit's place
 * among them is the number of bits before its own (rank[] counts them
 * up to each word). */
static int link_tasks(resolver *rs)
{
	pc_plan *plan = rs->plan;
	uint64_t *picked = NULL;
	uint32_t *rank = NULL;
	unit_progress *by_task = NULL;
	size_t *start = NULL, j;
	uint32_t i, t, words = (rs->n + 63) / 64;
	int rc;

	if ((rc = group_progress(rs, &by_task, &start)) < 0)
		return rc;
	rc = PC_ENOMEM;
	if (!(picked = pc_malloc(words * sizeof *picked)) ||
	    !(rank = pc_malloc(words * sizeof *rank)))
		goto out;
	for (t = 0; t < plan->ntasks; t++) {
		task *tk = plan->tasks[t];
		uint32_t n = 0;

		/* An `under` naming no unit would make the task silently
		 * apply to nothing: say so. */
		if (tk->applies_to.under &&
		    !find_unit(rs, tk->applies_to.under,
			      strlen(tk->applies_to.under))) {
			loc at = { plan->file, tk->applies_to.line,
				   tk->applies_to.col };
			report_on(rs, PROB_UNKNOWN_REF, at, PC_TARGET_TASK,
				  tk->id, "applies_to: `under` names unit '%s', "
				  "which is not a unit of this plan",
				  tk->applies_to.under);
		}
		if (selector_has_regex(&tk->applies_to))
			pick_in_order(rs, tk, picked);
		else
			pick_by_class(rs, &tk->applies_to, picked);
		for (i = 0; i < words; i++) {
			rank[i] = n;
			n += (uint32_t)__builtin_popcountll(picked[i]);
		}
		tk->nowners = n;
		if (n) {
			uint32_t k = 0;

			tk->owners = arena_alloc(&plan->arena,
						 n * sizeof *tk->owners);
			tk->owner_progress = arena_zalloc(&plan->arena,
				n * sizeof *tk->owner_progress);
			if (!tk->owners || !tk->owner_progress)
				goto out;
			for (i = 0; i < words; i++) {
				uint64_t w = picked[i];

				for (; w; w &= w - 1)
					tk->owners[k++] = rs->doc[i * 64 +
						(uint32_t)__builtin_ctzll(w)];
			}
		}
		/* Progress entries belong to units: where there are
		 * entries there are units, so by_task and doc_at are
		 * allocated, which the analyser cannot see through
		 * group_progress.
		 * NOLINTBEGIN(clang-analyzer-core.NullDereference) */
		for (j = start[t]; j < start[t + 1]; j++) {
			const unit *u = by_task[j].u;
			uint32_t d = rs->doc_at[u->index];
			uint64_t bit = UINT64_C(1) << (d % 64);

			if (picked[d / 64] & bit)
				tk->owner_progress[rank[d / 64] +
					(uint32_t)__builtin_popcountll(
						picked[d / 64] & (bit - 1))] =
					by_task[j].entry;
			else
				report_on(rs, PROB_PROGRESS_NA,
					  PLOC(by_task[j].entry->where),
					  PC_TARGET_UNIT, u->id,
					  "progress for task '%s', which does "
					  "not apply to this unit (its "
					  "applies_to does not select it)",
					  tk->id);
		}
		/* NOLINTEND(clang-analyzer-core.NullDereference) */
	}
	rc = 0;
out:
	pc_free(picked);
	pc_free(rank);
	pc_free(by_task);
	pc_free(start);
	return rc;
}

/* ---- waivers ---------------------------------------------------------------- */

static void link_waivers(resolver *rs)
{
	pc_plan *plan = rs->plan;
	uint32_t i;

	for (i = 0; i < plan->nwaivers; i++) {
		waiver *w = &plan->waivers[i];
		size_t len = str_len(w->target);

		if (find_unit(rs, w->target, len) ||
		    plan_person_by_id(plan, w->target, len) ||
		    idmap_get(&plan->task_ids, w->target, len) ||
		    idmap_get(&plan->title_ids, w->target, len))
			continue;
		report_on(rs, PROB_UNKNOWN_REF, w->where, PC_TARGET_WAIVER,
			  w->rule, "waiver target '%s' is not the id of a unit, "
			  "person, task or title of this plan", w->target);
	}
}

/*
 * Resolve a freshly loaded plan: plan->units comes in document order and
 * leaves in pre-order (u->index its place there). Returns 0 or PC_ENOMEM; the
 * problems found are reported through probs.
 */
int plan_resolve(pc_plan *plan, problems *probs, const unit_parent *parents,
		 size_t nparents)
{
	resolver rs;
	uint32_t i;
	int rc;

	rs.plan = plan;
	rs.probs = probs;
	rs.doc = plan->units;
	rs.placed = plan->units;
	rs.n = plan->nunits;
	rs.doc_at = NULL;
	for (i = 0; i < rs.n; i++)
		rs.doc[i]->index = i;
	link_parents(&rs, parents, nparents);
	if ((rc = break_cycles(&rs)) < 0 || (rc = build_tree(&rs)) < 0)
		goto out;
	idindex_rebuild(&plan->unit_ids, (void *const *)plan->units,
			plan->nunits);
	rs.placed = plan->units;
	link_into(&rs);
	if ((rc = link_positions(&rs)) < 0)
		goto out;
	/* applies_to may use `under`, which needs the pre-order numbers;
	 * owners are listed in document order, so rs.doc is still used
	 * (u->index, a pre-order number now, only marks units there). */
	if ((rc = link_tasks(&rs)) < 0)
		goto out;
	link_waivers(&rs);
out:
	pc_free(rs.doc_at);
	return rc;
}

/* ---- lookups ------------------------------------------------------------------ */

const char *person_id_at(const void *blocks, uint32_t place)
{
	return person_in_blocks(blocks, place)->id;
}

unit *unit_ancestor_at(unit *u, const char *level)
{
	for (; u; u = u->parent)
		if (u->level == level)
			return u;
	return NULL;
}

const value *attrs_get(const attrs *a, const char *key)
{
	uint32_t i, n = attrs_count(a);

	for (i = 0; i < n; i++) {
		const attr *at = a->list->items[i];

		if (at->key == key || strcmp(at->key, key) == 0)
			return &at->val;
	}
	return NULL;
}
