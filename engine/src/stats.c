/* stats.c - the figures a progress report states, computed from the plan.
 *
 * One pass over the units (units, leaders, staff), one over the people
 * (merged titles) and one over each task's owners. Groups are found
 * through hash maps keyed by interned strings, so the work is linear in
 * the size of the plan; only the groups themselves (a handful of levels,
 * kinds and title combinations) are sorted at the end. */
#include "stats.h"
#include "alloc.h"
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

/* One level while counting: its units and its heads and deputies. */
typedef struct level_acc {
	const char *level;
	int64_t start, after;
	bool has_lead[2];               /* [0] head, [1] deputy */
	int64_t lead_start[2], lead_after[2];
} level_acc;

typedef struct stats_build {
	pc_stats *st;
	strtab keys;                    /* group keys, in st->arena */
	idmap levels, kinds, combos;    /* key -> index + 1 */
	level_acc *lv;
	size_t nlv, lv_cap;
	size_t staff_cap, merged_cap;
	const char **scratch;           /* one person's title ids */
	size_t scratch_cap;
} stats_build;

const char *stats_leadership_name(leadership lead)
{
	return lead == LEAD_HEAD ? "head" : "deputy";
}

/* The interned key for s (NULL counts as ""), or NULL when out of memory. */
static const char *key_of(stats_build *b, const char *s)
{
	if (!s)
		s = "";
	return strtab_intern(&b->keys, s, strlen(s));
}

/* The accumulator of u's level; NULL when out of memory. */
static level_acc *level_of(stats_build *b, const unit *u)
{
	const char *key = key_of(b, u->level);
	void *found;
	size_t i;

	if (!key)
		return NULL;
	found = idmap_get_str(&b->levels, key);
	if (found)
		return &b->lv[(uintptr_t)found - 1];
	if (pc_grow(&b->lv, &b->lv_cap, b->nlv + 1, sizeof *b->lv) < 0)
		return NULL;
	i = b->nlv;
	if (idmap_put(&b->levels, key, (void *)(uintptr_t)(i + 1), NULL) < 0)
		return NULL;
	memset(&b->lv[i], 0, sizeof b->lv[i]);
	b->lv[i].level = key;
	b->nlv++;
	return &b->lv[i];
}

static stats_staff *staff_of(stats_build *b, const unit *u)
{
	pc_stats *st = b->st;
	const char *key = key_of(b, u->kind);
	void *found;
	size_t i;

	if (!key)
		return NULL;
	found = idmap_get_str(&b->kinds, key);
	if (found)
		return &st->staff[(uintptr_t)found - 1];
	if (pc_grow(&st->staff, &b->staff_cap, st->nstaff + 1,
		    sizeof *st->staff) < 0)
		return NULL;
	i = st->nstaff;
	if (idmap_put(&b->kinds, key, (void *)(uintptr_t)(i + 1), NULL) < 0)
		return NULL;
	memset(&st->staff[i], 0, sizeof st->staff[i]);
	st->staff[i].kind = key;
	st->nstaff++;
	return &st->staff[i];
}

static int count_unit(stats_build *b, const unit *u)
{
	bool at_start = unit_existed_at_start(u);
	bool after = unit_exists_after(u);
	level_acc *acc = level_of(b, u);
	uint32_t i;

	if (!acc)
		return PC_ENOMEM;
	acc->start += at_start;
	acc->after += after;
	for (i = 0; i < u->npositions; i++) {
		const position *pos = &u->positions[i];
		const title *t = position_title(b->st->plan, pos);
		int l;

		if (!t || t->leadership == LEAD_NONE)
			continue;
		l = t->leadership == LEAD_HEAD ? 0 : 1;
		acc->has_lead[l] = true;
		if (at_start)
			acc->lead_start[l] += pos->baseline;
		if (after)
			acc->lead_after[l] += pos->slots;
	}
	if (u->staff.given) {
		stats_staff *s = staff_of(b, u);

		if (!s)
			return PC_ENOMEM;
		/* A value the plan leaves out adds nothing: the sums are
		 * of what the plan states (documented in the help). */
		if (at_start && u->staff.has_baseline)
			s->baseline += u->staff.baseline;
		if (after && u->staff.has_quota)
			s->quota += u->staff.quota;
		if (after && u->staff.has_actual)
			s->actual += u->staff.actual;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Count person p in the group of the titles they hold after the plan. */
static int count_person(stats_build *b, const person *p)
{
	pc_stats *st = b->st;
	strbuf key;
	const char *ikey;
	size_t nheld = 0, ndistinct = 0, i, g;
	void *found;
	int rc = PC_ENOMEM;

	if (person_npositions(p) < 2)
		return 0;
	if (pc_grow(&b->scratch, &b->scratch_cap, person_npositions(p),
		    sizeof *b->scratch) < 0)
		return PC_ENOMEM;
	for (i = 0; i < person_npositions(p); i++) {
		const position *pos = person_position(p, i);
		const title *t;
		const char *id;

		const unit *u = position_unit(b->st->plan, pos);

		if (!u || !unit_exists_after(u))
			continue;
		t = position_title(b->st->plan, pos);
		id = position_title_id(b->st->plan, pos);
		/* A position written without a title (plan/missing-key)
		 * holds no title to count. */
		if (t || id)
			b->scratch[nheld++] = t ? t->id : id;
	}
	if (nheld < 2)
		return 0;
	qsort(b->scratch, nheld, sizeof *b->scratch, cmp_str);
	for (i = 0; i < nheld; i++)
		if (ndistinct == 0 ||
		    strcmp(b->scratch[ndistinct - 1], b->scratch[i]) != 0)
			b->scratch[ndistinct++] = b->scratch[i];

	/* Title ids are identifiers, so a newline cannot occur in one. */
	sb_init(&key);
	for (i = 0; i < ndistinct; i++) {
		if (i)
			sb_putc(&key, '\n');
		sb_puts(&key, b->scratch[i]);
	}
	if (key.failed)
		goto out;
	ikey = strtab_intern(&b->keys, key.data ? key.data : "", key.len);
	if (!ikey)
		goto out;
	found = idmap_get_str(&b->combos, ikey);
	if (found) {
		st->merged[(uintptr_t)found - 1].people++;
		rc = 0;
		goto out;
	}
	if (pc_grow(&st->merged, &b->merged_cap, st->nmerged + 1,
		    sizeof *st->merged) < 0)
		goto out;
	g = st->nmerged;
	st->merged[g].titles = arena_alloc(&st->arena,
					   ndistinct * sizeof(const char *));
	if (!st->merged[g].titles)
		goto out;
	for (i = 0; i < ndistinct; i++) {
		st->merged[g].titles[i] = key_of(b, b->scratch[i]);
		if (!st->merged[g].titles[i])
			goto out;
	}
	st->merged[g].ntitles = (uint32_t)ndistinct;
	st->merged[g].people = 1;
	if (idmap_put(&b->combos, ikey, (void *)(uintptr_t)(g + 1), NULL) < 0)
		goto out;
	st->nmerged++;
	rc = 0;
out:
	sb_free(&key);
	return rc;
}

static int cmp_units(const void *a, const void *b)
{
	return strcmp(((const stats_units *)a)->level,
		      ((const stats_units *)b)->level);
}

static int cmp_leaders(const void *a, const void *b)
{
	const stats_leaders *x = a, *y = b;
	int c = strcmp(x->level, y->level);

	if (c)
		return c;
	return strcmp(stats_leadership_name(x->leadership),
		      stats_leadership_name(y->leadership));
}

static int cmp_staff(const void *a, const void *b)
{
	return strcmp(((const stats_staff *)a)->kind,
		      ((const stats_staff *)b)->kind);
}

/* Lists of titles compare element by element; a prefix comes first. */
static int cmp_merged(const void *a, const void *b)
{
	const stats_merged *x = a, *y = b;
	uint32_t i;

	for (i = 0; i < x->ntitles && i < y->ntitles; i++) {
		int c = strcmp(x->titles[i], y->titles[i]);
		if (c)
			return c;
	}
	return (x->ntitles > y->ntitles) - (x->ntitles < y->ntitles);
}

static int cmp_tasks(const void *a, const void *b)
{
	return strcmp(((const stats_task *)a)->task->id,
		      ((const stats_task *)b)->task->id);
}

/* Turn the level accumulators into the units and leaders lists. */
static int finish_levels(stats_build *b)
{
	pc_stats *st = b->st;
	size_t i, nlead = 0;
	int l;

	if (b->nlv) {
		st->units = pc_calloc(b->nlv, sizeof *st->units);
		st->leaders = pc_calloc(2 * b->nlv, sizeof *st->leaders);
		if (!st->units || !st->leaders)
			return PC_ENOMEM;
	}
	for (i = 0; i < b->nlv; i++) {
		const level_acc *acc = &b->lv[i];

		st->units[i].level = acc->level;
		st->units[i].start = acc->start;
		st->units[i].after = acc->after;
		for (l = 0; l < 2; l++) {
			if (!acc->has_lead[l])
				continue;
			st->leaders[nlead].level = acc->level;
			st->leaders[nlead].leadership = l ? LEAD_DEPUTY : LEAD_HEAD;
			st->leaders[nlead].start = acc->lead_start[l];
			st->leaders[nlead].after = acc->lead_after[l];
			nlead++;
		}
	}
	st->nunits = b->nlv;
	st->nleaders = nlead;
	return 0;
}

static int count_tasks(pc_stats *st)
{
	const pc_plan *plan = st->plan;
	uint32_t i, j;

	if (!plan->ntasks)
		return 0;
	st->tasks = pc_calloc(plan->ntasks, sizeof *st->tasks);
	if (!st->tasks)
		return PC_ENOMEM;
	for (i = 0; i < plan->ntasks; i++) {
		const task *t = plan->tasks[i];
		stats_task *row = &st->tasks[st->ntasks++];

		row->task = t;
		row->owing = t->nowners;
		for (j = 0; j < t->nowners; j++) {
			const progress *pr = t->owner_progress ?
					     t->owner_progress[j] : NULL;

			if (pr && pr->done != PC_NODATE && pr->done <= st->as_of)
				row->done++;
		}
	}
	return 0;
}

/*
 * Compute the figures of plan as of as_of (PC_NODATE: the plan's as_of,
 * else today). On success *out holds stats the caller frees with
 * pc_stats_free, before the plan. Returns 0 or PC_ENOMEM.
 */
int pc_stats_compute(const pc_plan *plan, pc_date as_of, pc_stats **out)
{
	stats_build b;
	pc_stats *st;
	uint32_t i;
	int rc = PC_ENOMEM;

	*out = NULL;
	memset(&b, 0, sizeof b);
	st = pc_calloc(1, sizeof *st);
	if (!st)
		return PC_ENOMEM;
	arena_init(&st->arena);
	st->plan = plan;
	st->as_of = as_of != PC_NODATE ? as_of :
		    plan->as_of != PC_NODATE ? plan->as_of : pc_date_today();
	b.st = st;
	strtab_init(&b.keys, &st->arena);
	idmap_init(&b.levels);
	idmap_init(&b.kinds);
	idmap_init(&b.combos);

	for (i = 0; i < plan->nunits; i++)
		if ((rc = count_unit(&b, plan->units[i])) < 0)
			goto fail;
	for (i = 0; i < plan->npeople; i++)
		if ((rc = count_person(&b, plan_person(plan, i))) < 0)
			goto fail;
	rc = finish_levels(&b);
	if (rc < 0)
		goto fail;
	rc = count_tasks(st);
	if (rc < 0)
		goto fail;

	if (st->nunits)
		qsort(st->units, st->nunits, sizeof *st->units, cmp_units);
	if (st->nleaders)
		qsort(st->leaders, st->nleaders, sizeof *st->leaders, cmp_leaders);
	if (st->nstaff)
		qsort(st->staff, st->nstaff, sizeof *st->staff, cmp_staff);
	if (st->nmerged)
		qsort(st->merged, st->nmerged, sizeof *st->merged, cmp_merged);
	if (st->ntasks)
		qsort(st->tasks, st->ntasks, sizeof *st->tasks, cmp_tasks);
	*out = st;
	st = NULL;
	rc = 0;
fail:
	/* The interned keys stay in st->arena; only the tables go. */
	idmap_free(&b.levels);
	idmap_free(&b.kinds);
	idmap_free(&b.combos);
	strtab_free(&b.keys);
	pc_free(b.lv);
	pc_free(b.scratch);
	pc_stats_free(st);
	return rc;
}

void pc_stats_free(pc_stats *st)
{
	if (!st)
		return;
	pc_free(st->units);
	pc_free(st->leaders);
	pc_free(st->staff);
	pc_free(st->merged);
	pc_free(st->tasks);
	arena_free(&st->arena);
	pc_free(st);
}
