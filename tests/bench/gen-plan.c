/*
 * gen-plan.c - write a national-scale restructuring plan (plan/1) for the
 * benchmark.
 *
 *   gen-plan [-p PROVINCES] [-s SEED] [-q] OUTPUT
 *
 * The plan has the shape of Vietnam's 2018-2021 restructuring at any
 * scale. Per province: some 20 departments (sở, ban) with their divisions
 * and public-service units, some 11 districts with their divisions,
 * public-service units and about 160 communes; leadership positions with
 * holders, vacancies and reduced baselines; staff figures; merged,
 * dissolved and new units; people holding merged titles; tasks with
 * progress; a few waivers. 63 provinces give about 31,000 units and
 * 100,000 people. The figures break the rules of bench-rules.yaml now
 * and then, as a real plan would, so every kind of rule has findings.
 *
 * The output depends on the arguments alone: a seeded generator drives
 * every choice, and nothing reads the clock or the environment.
 *
 * People come before units in the file but are created while units are
 * generated, so the generator runs twice over the same random stream:
 * the first pass writes only people, the second only units. No random
 * draw may depend on the pass; a person's own attributes come from a
 * hash of the person's number instead of the stream.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROVINCES 9999
#define MAX_WAIVERS 4096

/* ---- Random numbers ---------------------------------------------------- */

/* SplitMix64: tiny, fast, and good enough to scatter choices evenly. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

typedef struct rng {
	uint64_t state;
} rng;

static uint64_t rng_next(rng *r)
{
	r->state += 0x9E3779B97F4A7C15ull;
	return mix64(r->state);
}

/* A number in lo..hi, both included. */
static int rng_range(rng *r, int lo, int hi)
{
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* True n times in a thousand. */
static bool rng_permille(rng *r, int n)
{
	return (int)(rng_next(r) % 1000) < n;
}

static const char *rng_pick(rng *r, const char *const *list, size_t n)
{
	return list[rng_next(r) % n];
}

#define PICK(r, list) rng_pick((r), (list), sizeof(list) / sizeof((list)[0]))

/* ---- Names --------------------------------------------------------------- */

static const char *const family_names[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
	"Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương",
	"Lâm", "Mai", "Tạ", "Cao", "Quách", "Châu"
};

static const char *const middle_names[] = {
	"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân",
	"Thu", "Công", "Hoài", "Kim", "Bảo", "Đình", "Trọng"
};

static const char *const given_names[] = {
	"An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu",
	"Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh",
	"Nam", "Nga", "Phong", "Phúc", "Phương", "Quang", "Sơn", "Tâm",
	"Thảo", "Thắng", "Thủy", "Trung", "Tuấn", "Tùng", "Vân", "Việt",
	"Yến", "Đạt", "Ánh", "Châu"
};

static const char *const place_syllables[] = {
	"An", "Bình", "Phú", "Tân", "Hòa", "Long", "Thạnh", "Đông", "Tây",
	"Nam", "Bắc", "Hưng", "Lộc", "Phước", "Mỹ", "Thuận", "Vĩnh", "Quang",
	"Sơn", "Hải", "Thành", "Lợi", "Đức", "Hiệp", "Trung", "Khánh", "Thới",
	"Điền", "Xuân", "Hậu", "Giang", "Định", "Thủy", "Lâm", "Cát", "Kim"
};

/* Draws go into locals first: the order in which a call's arguments are
 * evaluated is unspecified, and would make gcc and clang builds write
 * different plans. */
static void place_name(rng *r, char *buf, size_t size, const char *prefix)
{
	const char *first = PICK(r, place_syllables);
	const char *second = PICK(r, place_syllables);

	snprintf(buf, size, "%s %s %s", prefix, first, second);
}

/* Departments of a province (sở and the party's boards), most common
 * first: a province has the first 17 to 23 of them. */
static const struct department_kind {
	const char *name, *kind;
} departments[] = {
	{ "Sở Nội vụ", "state" },
	{ "Sở Tư pháp", "state" },
	{ "Sở Kế hoạch và Đầu tư", "state" },
	{ "Sở Tài chính", "state" },
	{ "Sở Công Thương", "state" },
	{ "Sở Nông nghiệp và Phát triển nông thôn", "state" },
	{ "Sở Giao thông vận tải", "state" },
	{ "Sở Xây dựng", "state" },
	{ "Sở Tài nguyên và Môi trường", "state" },
	{ "Sở Thông tin và Truyền thông", "state" },
	{ "Sở Lao động - Thương binh và Xã hội", "state" },
	{ "Sở Văn hóa, Thể thao và Du lịch", "state" },
	{ "Sở Khoa học và Công nghệ", "state" },
	{ "Sở Giáo dục và Đào tạo", "state" },
	{ "Sở Y tế", "state" },
	{ "Thanh tra tỉnh", "state" },
	{ "Văn phòng UBND tỉnh", "state" },
	{ "Ban Tổ chức Tỉnh ủy", "party" },
	{ "Ban Tuyên giáo Tỉnh ủy", "party" },
	{ "Ban Dân vận Tỉnh ủy", "party" },
	{ "Ủy ban Kiểm tra Tỉnh ủy", "party" },
	{ "Sở Ngoại vụ", "state" },
	{ "Ban Dân tộc", "state" }
};

#define NDEPARTMENTS (sizeof(departments) / sizeof(departments[0]))

static const char *const department_divisions[] = {
	"Văn phòng", "Thanh tra", "Phòng Tổ chức cán bộ",
	"Phòng Kế hoạch - Tài chính", "Phòng Pháp chế", "Phòng Quản lý chuyên ngành",
	"Phòng Nghiệp vụ", "Phòng Hành chính - Tổng hợp", "Phòng Kỹ thuật"
};

/* A district's divisions: the first four always exist, since merged
 * titles and forbidden combinations are set up in them. */
enum { DIV_DAN_VAN, DIV_TUYEN_GIAO, DIV_KIEM_TRA, DIV_TAI_CHINH, DIV_FIRST_PLAIN };

static const struct district_division {
	const char *name, *kind, *head_title;
} district_divisions[] = {
	{ "Ban Dân vận Huyện ủy", "party", "dan-van-head" },
	{ "Ban Tuyên giáo Huyện ủy", "party", "propaganda-head" },
	{ "Ủy ban Kiểm tra Huyện ủy", "party", "inspection-chief" },
	{ "Phòng Tài chính - Kế hoạch", "state", "finance-head" },
	{ "Phòng Nội vụ", "state", "division-head" },
	{ "Phòng Tư pháp", "state", "division-head" },
	{ "Phòng Tài nguyên và Môi trường", "state", "division-head" },
	{ "Phòng Lao động - Thương binh và Xã hội", "state", "division-head" },
	{ "Phòng Văn hóa và Thông tin", "state", "division-head" },
	{ "Phòng Giáo dục và Đào tạo", "state", "division-head" },
	{ "Phòng Y tế", "state", "division-head" },
	{ "Thanh tra huyện", "state", "division-head" },
	{ "Phòng Nông nghiệp và Phát triển nông thôn", "state", "division-head" },
	{ "Văn phòng HĐND và UBND", "state", "division-head" }
};

static const char *const district_services[] = {
	"Trung tâm Chính trị", "Trung tâm Y tế", "Trung tâm Văn hóa - Thể thao",
	"Ban Quản lý dự án đầu tư xây dựng", "Trung tâm Dịch vụ nông nghiệp",
	"Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên"
};

static const char *const province_services[] = {
	"Đài Phát thanh và Truyền hình", "Trường Chính trị tỉnh",
	"Bệnh viện Đa khoa tỉnh", "Trung tâm Xúc tiến đầu tư",
	"Trung tâm Phục vụ hành chính công", "Trung tâm Kiểm soát bệnh tật",
	"Trung tâm Lưu trữ lịch sử", "Trung tâm Công nghệ thông tin"
};

static const char *const classes[] = { "I", "II", "III" };

/* ---- Output ------------------------------------------------------------ */

enum pass { PASS_PEOPLE, PASS_UNITS };

/* What a person is picked for; it decides the person's attributes. */
enum {
	P_PARTY = 1,            /* party_member: true */
	P_NOT_PARTY = 2,        /* party_member: false */
	P_STANDING = 4,         /* standing_committee: true */
	P_NOT_STANDING = 8      /* standing_committee: false */
};

typedef struct waiver {
	const char *rule;
	char target[32];
	bool expired;
} waiver;

typedef struct gen {
	FILE *out;
	enum pass pass;
	uint64_t seed;
	uint32_t people;        /* people created so far in this pass */
	uint32_t units;
	uint32_t positions;
	waiver waivers[MAX_WAIVERS];
	size_t nwaivers;
} gen;

/* Write a line (units pass only), indented by ind spaces. */
static void line(gen *g, int ind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(gen *g, int ind, const char *fmt, ...)
{
	va_list ap;

	if (g->pass != PASS_UNITS)
		return;
	fprintf(g->out, "%*s", ind, "");
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
	fputc('\n', g->out);
}

static void person_id(char buf[16], uint32_t n)
{
	snprintf(buf, 16, "N%07" PRIu32, n);
}

/* People pass: the person's entry. Name and birth date come from the
 * person's number; party membership and the board from flags. */
static void person_write(gen *g, uint32_t n, unsigned flags)
{
	rng r = { mix64(g->seed * 0x2545F4914F6CDD1Dull + n) };
	const char *family = PICK(&r, family_names);
	const char *middle = PICK(&r, middle_names);
	const char *given = PICK(&r, given_names);
	int year = rng_range(&r, 1960, 1990);
	int month = rng_range(&r, 1, 12);
	int day = rng_range(&r, 1, 28);
	bool born = rng_permille(&r, 800);
	bool party = (flags & P_NOT_PARTY) ? false :
		     (flags & P_PARTY) ? true : rng_permille(&r, 850);
	char id[16];

	person_id(id, n);
	fprintf(g->out, "  - id: %s\n    name: %s %s %s\n", id, family, middle,
		given);
	fprintf(g->out, "    attrs: {party_member: %s", party ? "true" : "false");
	if (flags & (P_STANDING | P_NOT_STANDING))
		fprintf(g->out, ", standing_committee: %s",
			(flags & P_STANDING) ? "true" : "false");
	if (born)
		fprintf(g->out, ", born: %04d-%02d-%02d", year, month, day);
	fputs("}\n", g->out);
}

static uint32_t person_new(gen *g, unsigned flags)
{
	uint32_t n = ++g->people;

	if (g->pass == PASS_PEOPLE)
		person_write(g, n, flags);
	return n;
}

/* One position entry. holders may be shorter than slots (vacancies);
 * slots and baseline are written only when they differ from the
 * defaults. Every fourth entry is written in block style, the rest in
 * flow style, as hand-written and exported plans mix both. */
static void position(gen *g, int ind, const char *title, const uint32_t *holders,
		     int nholders, int slots, int baseline)
{
	char buf[512], id[16];
	size_t len = 0;
	int i;

	g->positions++;
	if (g->pass != PASS_UNITS)
		return;
	if (g->positions % 4 == 0) {
		line(g, ind, "- title: %s", title);
		if (nholders == 0) {
			line(g, ind, "  holders: []");
		} else {
			line(g, ind, "  holders:");
			for (i = 0; i < nholders; i++) {
				person_id(id, holders[i]);
				line(g, ind, "    - %s", id);
			}
		}
		if (slots != nholders)
			line(g, ind, "  slots: %d", slots);
		if (baseline != slots)
			line(g, ind, "  baseline: %d", baseline);
		return;
	}
	len += (size_t)snprintf(buf + len, sizeof buf - len,
				"- {title: %s, holders: [", title);
	for (i = 0; i < nholders; i++) {
		person_id(id, holders[i]);
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
					i ? ", " : "", id);
	}
	len += (size_t)snprintf(buf + len, sizeof buf - len, "]");
	if (slots != nholders)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
					", slots: %d", slots);
	if (baseline != slots)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
					", baseline: %d", baseline);
	snprintf(buf + len, sizeof buf - len, "}");
	line(g, ind, "%s", buf);
}

/* A position held by one person. */
static void position1(gen *g, int ind, const char *title, uint32_t holder)
{
	position(g, ind, title, &holder, 1, 1, 1);
}

/* Deputies: n people in n slots (n + vacant), with a baseline of n +
 * cut: the plan cut that many deputy posts. */
static void deputies(gen *g, rng *r, int ind, const char *title, int n)
{
	uint32_t holders[8];
	int i, vacant, cut;

	vacant = rng_permille(r, 60) ? 1 : 0;
	cut = rng_range(r, 0, 2);
	for (i = 0; i < n - vacant; i++)
		holders[i] = person_new(g, P_PARTY);
	position(g, ind, title, holders, n - vacant, n, n + cut);
}

typedef struct unit_head {
	const char *id, *name, *level, *kind;
	const char *parent;     /* flat form: parent id, or NULL when nested */
	const char *status;     /* NULL: active */
	const char *into;
	const char *effective;
	const char *klass;      /* attrs.class, or NULL */
	const char *tag;        /* NULL: no tags */
	int baseline, quota, actual;   /* staff; baseline 0: none */
} unit_head;

/* The unit's scalar keys, up to (not including) positions. */
static void unit_begin(gen *g, int ind, const unit_head *h)
{
	g->units++;
	line(g, ind, "- id: %s", h->id);
	line(g, ind, "  name: %s", h->name);
	line(g, ind, "  level: %s", h->level);
	if (h->kind)
		line(g, ind, "  kind: %s", h->kind);
	if (h->parent)
		line(g, ind, "  parent: %s", h->parent);
	if (h->tag)
		line(g, ind, "  tags: [%s]", h->tag);
	if (h->klass)
		line(g, ind, "  attrs: {class: %s}", h->klass);
	if (h->status) {
		line(g, ind, "  status: %s", h->status);
		if (h->into)
			line(g, ind, "  into: %s", h->into);
		if (h->effective)
			line(g, ind, "  effective: %s", h->effective);
	}
	if (h->baseline > 0)
		line(g, ind, "  staff: {baseline: %d, quota: %d, actual: %d}",
		     h->baseline, h->quota, h->actual);
}

/* Staff: a baseline in lo..hi, the quota cut to about effort percent of
 * it, the actual headcount near the quota. */
static void staff(rng *r, unit_head *h, int lo, int hi, int effort)
{
	h->baseline = rng_range(r, lo, hi);
	h->quota = h->baseline * (effort + rng_range(r, -3, 3)) / 100;
	h->actual = h->quota + rng_range(r, -2, 2) * h->baseline / 50;
	if (h->actual < 0)
		h->actual = 0;
}

static const char *random_class(rng *r, int missing_permille)
{
	if (rng_permille(r, missing_permille))
		return NULL;
	return PICK(r, classes);
}

static void add_waiver(gen *g, const char *rule, const char *target,
		       bool expired)
{
	waiver *w;

	if (g->pass != PASS_UNITS || g->nwaivers == MAX_WAIVERS)
		return;
	w = &g->waivers[g->nwaivers++];
	w->rule = rule;
	snprintf(w->target, sizeof w->target, "%s", target);
	w->expired = expired;
}

/* A unit's progress entries, gathered first: a unit with none has no
 * progress key at all (an empty one would be null, not a map). */
typedef struct progress_list {
	char entry[2][96];
	int n;
} progress_list;

/* Progress on a task: done on a day around the due date (done_permille
 * of the time), nothing yet (none_permille), else part done. */
static void progress_add(progress_list *p, rng *r, const char *task,
			 int done_permille, int none_permille, int due_year)
{
	int pick = rng_range(r, 0, 999);
	int month = rng_range(r, 1, 12), day = rng_range(r, 1, 28);
	int year = due_year - 1 + rng_range(r, 0, 1);
	int percent = rng_range(r, 10, 95);

	if (pick < done_permille)
		snprintf(p->entry[p->n++], sizeof p->entry[0],
			 "%s: {done: %04d-%02d-%02d}", task, year, month, day);
	else if (pick < 1000 - none_permille)
		snprintf(p->entry[p->n++], sizeof p->entry[0],
			 "%s: {percent: %d}", task, percent);
}

static void progress_add_done(progress_list *p, const char *task, int year,
			      int month, int day)
{
	snprintf(p->entry[p->n++], sizeof p->entry[0],
		 "%s: {done: %04d-%02d-%02d}", task, year, month, day);
}

static void progress_write(gen *g, int ind, const progress_list *p)
{
	int i;

	if (p->n == 0)
		return;
	line(g, ind, "  progress:");
	for (i = 0; i < p->n; i++)
		line(g, ind + 4, "%s", p->entry[i]);
}

/* ---- Units ------------------------------------------------------------- */

typedef struct province {
	const char *id;         /* T001 */
	int index;
	int effort;             /* staff quota as a percentage of baseline */
} province;

static void public_service(gen *g, rng *r, int ind, const province *pv,
			   const char *id, const char *name,
			   const char *parent)
{
	unit_head h = { .id = id, .name = name, .level = "public-service",
			.kind = "public-service", .parent = parent };
	bool gone;
	int size;

	h.klass = random_class(r, 30);
	gone = rng_permille(r, 40);
	if (gone) {
		h.status = "dissolved";
		h.effective = "2019-01-01";
	}
	size = h.klass == NULL ? 80 : h.klass[1] == '\0' ? 300 :
	       h.klass[2] == '\0' ? 150 : 70;
	staff(r, &h, size / 4, size, pv->effort);
	unit_begin(g, ind, &h);
	line(g, ind, "  positions:");
	position1(g, ind + 4, "psu-director", person_new(g, 0));
	deputies(g, r, ind + 4, "psu-deputy", rng_range(r, 1, 3));
	/* psu-autonomy applies to class I units that exist after the plan. */
	if (!gone && h.klass && strcmp(h.klass, "I") == 0) {
		progress_list p = { .n = 0 };

		progress_add(&p, r, "psu-autonomy", 300, 100, 2020);
		progress_write(g, ind, &p);
	}
}

/* A division of a department or a district. Four deputies break
 * max-deputies-division; some of those are waived. */
static void division(gen *g, rng *r, int ind, const province *pv,
		     const char *id, const char *name, const char *kind,
		     const char *head_title, uint32_t head,
		     const char *merge_into)
{
	unit_head h = { .id = id, .name = name, .level = "division",
			.kind = kind };
	int ndeputies;

	if (merge_into && rng_permille(r, 40)) {
		h.status = "merged";
		h.into = merge_into;
		h.effective = "2019-07-01";
	} else if (merge_into && rng_permille(r, 50)) {
		h.status = "dissolved";
		h.effective = "2019-01-01";
	}
	staff(r, &h, 6, 25, pv->effort);
	unit_begin(g, ind, &h);
	line(g, ind, "  positions:");
	if (head == 0 && rng_permille(r, 30))
		position(g, ind + 4, head_title, NULL, 0, 1, 1);
	else
		position1(g, ind + 4, head_title,
			  head ? head : person_new(g, P_PARTY));
	ndeputies = rng_permille(r, 40) ? 4 : rng_range(r, 1, 3);
	deputies(g, r, ind + 4, "deputy-head", ndeputies);
	if (ndeputies == 4 && rng_permille(r, 150) && !h.status)
		add_waiver(g, "max-deputies-division", id, rng_permille(r, 250));
}

/* last_active names the last department that stays ("" before the
 * first); a merged department joins it, and an active one replaces it. */
static void department(gen *g, rng *r, int ind, const province *pv, int k,
		       char *last_active)
{
	const struct department_kind *d = &departments[k];
	char id[32], sub[48];
	unit_head h = { .id = id, .name = d->name, .level = "department",
			.kind = d->kind };
	int i, ndiv, nsvc, ndeputies;
	bool gone = false;
	char first_div[48];

	snprintf(id, sizeof id, "%s-S%02d", pv->id, k + 1);
	h.klass = random_class(r, 20);
	if (last_active[0] && rng_permille(r, 50)) {
		h.status = "merged";
		h.into = last_active;
		h.effective = "2019-01-01";
		gone = true;
	}
	staff(r, &h, 10, 40, pv->effort);
	unit_begin(g, ind, &h);
	line(g, ind, "  positions:");
	position1(g, ind + 4, "director", person_new(g, P_PARTY | P_STANDING));
	ndeputies = rng_permille(r, 30) ? 4 : rng_range(r, 2, 3);
	deputies(g, r, ind + 4, "deputy-director", ndeputies);
	if (!gone) {
		progress_list p = { .n = 0 };

		progress_add(&p, r, "reorganise-departments", 600, 100, 2019);
		progress_write(g, ind, &p);
		snprintf(last_active, 32, "%s", id);
	}
	/* A merged department hands its divisions to the one it joins. */
	if (gone)
		return;
	ndiv = rng_range(r, 3, 8);
	nsvc = rng_range(r, 0, 2);
	line(g, ind, "  units:");
	for (i = 0; i < ndiv; i++) {
		snprintf(sub, sizeof sub, "%s-P%d", id, i + 1);
		if (i == 0)
			snprintf(first_div, sizeof first_div, "%s", sub);
		division(g, r, ind + 4, pv, sub,
			 department_divisions[i % (sizeof(department_divisions) /
						   sizeof(department_divisions[0]))],
			 d->kind, "division-head", 0, i ? first_div : NULL);
	}
	for (i = 0; i < nsvc; i++) {
		char name[160];

		snprintf(sub, sizeof sub, "%s-DV%d", id, i + 1);
		snprintf(name, sizeof name, "Trung tâm %d trực thuộc %s", i + 1,
			 d->name);
		public_service(g, r, ind + 4, pv, sub, name, NULL);
	}
}

/* A commune. prev_secretary is the last commune's party secretary: now
 * and then the same person chairs this commune's people's committee,
 * which no allow entry permits (the positions are in two units). */
static void commune(gen *g, rng *r, int ind, const province *pv,
		    const char *id, const char *parent, int k,
		    char *active, uint32_t *prev_secretary)
{
	char name[96];
	unit_head h = { .id = id, .name = name, .level = "commune",
			.kind = "state", .parent = parent };
	uint32_t secretary, chair, vice[3];
	int nvice, i;
	bool merged_chair, merged_council, gone = false;
	unsigned flags;

	if (k == 0)
		place_name(r, name, sizeof name, "Thị trấn");
	else if (rng_permille(r, 150))
		snprintf(name, sizeof name, "Phường %d", k);
	else if (rng_permille(r, 4))
		place_name(r, name, sizeof name, "xã");  /* breaks commune-name */
	else
		place_name(r, name, sizeof name, "Xã");
	h.klass = random_class(r, 0);
	if (active[0] && rng_permille(r, 70)) {
		h.status = "merged";
		h.into = active;
		h.effective = rng_permille(r, 500) ? "2019-10-01" : "2020-01-01";
		gone = true;
	} else if (rng_permille(r, 10)) {
		h.status = "new";
		h.effective = "2020-01-01";
	}
	staff(r, &h, 18, 25, pv->effort);
	unit_begin(g, ind, &h);

	merged_chair = rng_permille(r, 400);
	merged_council = !merged_chair ? rng_permille(r, 500) :
			 rng_permille(r, 10);   /* three titles: max_positions */
	flags = P_PARTY;
	if (rng_permille(r, 5))
		flags = P_NOT_PARTY;        /* not eligible for the merged titles */
	secretary = person_new(g, flags);
	if (merged_chair)
		chair = secretary;
	else if (*prev_secretary && rng_permille(r, 5))
		chair = *prev_secretary;
	else
		chair = person_new(g, P_PARTY);
	nvice = rng_permille(r, 20) ? 3 : rng_range(r, 1, 2);
	for (i = 0; i < nvice; i++)
		vice[i] = person_new(g, 0);
	line(g, ind, "  positions:");
	position1(g, ind + 4, "party-secretary", secretary);
	position1(g, ind + 4, "pc-chair", chair);
	position(g, ind + 4, "pc-vice-chair", vice, nvice, nvice,
		 nvice + rng_range(r, 0, 1));
	position1(g, ind + 4, "council-chair",
		  merged_council ? secretary : person_new(g, P_PARTY));
	position1(g, ind + 4, "front-chair", person_new(g, 0));
	if (!gone) {
		progress_list p = { .n = 0 };

		if (merged_chair) {
			int month = rng_range(r, 1, 9), day = rng_range(r, 1, 28);

			progress_add_done(&p, "merge-commune-leaders", 2019,
					  month, day);
		} else {
			progress_add(&p, r, "merge-commune-leaders", 500, 150,
				     2019);
		}
		progress_write(g, ind, &p);
		snprintf(active, 48, "%s", id);
	}
	*prev_secretary = secretary;
}

/* A district with its divisions and services, and its communes when
 * they are nested; returns the number of communes. */
static int district(gen *g, rng *r, int ind, const province *pv, int k)
{
	char id[32], name[96], sub[48], active_commune[48] = "";
	char plain_division[48] = "";
	unit_head h = { .id = id, .name = name, .level = "district",
			.kind = "state", .parent = pv->id };
	uint32_t secretary, chair, front, propaganda, inspector, prev = 0;
	bool pilot, merged_front, merged_propaganda, forbidden;
	bool nested_communes = pv->index % 2 == 0;
	progress_list p = { .n = 0 };
	int i, ndiv, nsvc, ncommunes;
	unsigned flags;

	snprintf(id, sizeof id, "%s-H%02d", pv->id, k + 1);
	if (k == 0)
		place_name(r, name, sizeof name, "Thành phố");
	else
		place_name(r, name, sizeof name,
			   rng_permille(r, 150) ? "Thị xã" : "Huyện");
	h.klass = random_class(r, 10);
	pilot = rng_permille(r, 150);
	h.tag = pilot ? "pilot" : NULL;
	staff(r, &h, 8, 20, pv->effort);
	unit_begin(g, ind, &h);

	/* The pilot districts merge party secretary and chairman; the
	 * holder must sit on the standing board, and now and then does not. */
	flags = P_PARTY | P_STANDING;
	if (pilot && rng_permille(r, 100))
		flags = P_PARTY | P_NOT_STANDING;
	secretary = person_new(g, flags);
	chair = pilot ? secretary : person_new(g, P_PARTY | P_STANDING);
	merged_front = rng_permille(r, 800);
	front = person_new(g, P_PARTY);
	merged_propaganda = rng_permille(r, 650);
	propaganda = person_new(g, P_PARTY);
	inspector = person_new(g, P_PARTY);
	forbidden = rng_permille(r, 20);
	line(g, ind, "  positions:");
	position1(g, ind + 4, "party-secretary", secretary);
	deputies(g, r, ind + 4, "party-deputy-secretary", rng_range(r, 1, 2));
	position1(g, ind + 4, "pc-chair", chair);
	deputies(g, r, ind + 4, "pc-vice-chair", rng_range(r, 2, 3));
	position1(g, ind + 4, "council-chair",
		  !pilot && rng_permille(r, 400) ? secretary :
		  person_new(g, P_PARTY));
	position1(g, ind + 4, "front-chair", front);
	if (merged_front) {
		int month = rng_range(r, 1, 12), day = rng_range(r, 1, 28);

		progress_add_done(&p, "merge-dan-van-mttq", 2019, month, day);
	} else {
		progress_add(&p, r, "merge-dan-van-mttq", 0, 200, 2019);
	}
	if (merged_propaganda) {
		int month = rng_range(r, 1, 6), day = rng_range(r, 1, 28);

		progress_add_done(&p, "merge-tuyen-giao-ttct", 2019, month, day);
	} else {
		progress_add(&p, r, "merge-tuyen-giao-ttct", 0, 100, 2020);
	}
	progress_write(g, ind, &p);

	line(g, ind, "  units:");
	ndiv = rng_range(r, 10, (int)(sizeof(district_divisions) /
				      sizeof(district_divisions[0])));
	for (i = 0; i < ndiv; i++) {
		const struct district_division *d = &district_divisions[i];
		uint32_t head = 0;

		if (i == DIV_DAN_VAN && merged_front)
			head = front;
		else if (i == DIV_TUYEN_GIAO)
			head = propaganda;
		else if (i == DIV_KIEM_TRA ||
			 (i == DIV_TAI_CHINH && forbidden))
			head = inspector;    /* finance too: breaks the forbid entry */
		snprintf(sub, sizeof sub, "%s-P%02d", id, i + 1);
		division(g, r, ind + 4, pv, sub, d->name, d->kind, d->head_title,
			 head, i > DIV_FIRST_PLAIN ? plain_division : NULL);
		if (i == DIV_FIRST_PLAIN)
			snprintf(plain_division, sizeof plain_division, "%s", sub);
	}
	nsvc = rng_range(r, 3, (int)(sizeof(district_services) /
				     sizeof(district_services[0])));
	for (i = 0; i < nsvc; i++) {
		snprintf(sub, sizeof sub, "%s-DV%d", id, i + 1);
		if (i == 0) {
			/* The political school: its director is the head of
			 * propaganda where the two posts were merged. */
			unit_head s = { .id = sub, .name = district_services[0],
					.level = "public-service",
					.kind = "public-service", .klass = "III" };

			staff(r, &s, 6, 15, pv->effort);
			unit_begin(g, ind + 4, &s);
			line(g, ind + 4, "  positions:");
			position1(g, ind + 8, "political-school-director",
				  merged_propaganda ? propaganda :
				  person_new(g, P_PARTY));
			deputies(g, r, ind + 8, "psu-deputy", 1);
			continue;
		}
		public_service(g, r, ind + 4, pv, sub, district_services[i], NULL);
	}

	/* Communes: nested in even provinces, flat (parent:) in odd ones,
	 * where the caller writes them after the district. */
	ncommunes = rng_range(r, 10, 19);
	for (i = 0; nested_communes && i < ncommunes; i++) {
		snprintf(sub, sizeof sub, "%s-X%03d", id, i + 1);
		commune(g, r, ind + 4, pv, sub, NULL, i, active_commune, &prev);
	}
	return ncommunes;
}

/* The communes of a district in flat form, listed after it. */
static void district_flat_communes(gen *g, rng *r, int ind, const province *pv,
				   int k, int ncommunes)
{
	char id[32], sub[48], active_commune[48] = "";
	uint32_t prev = 0;
	int i;

	snprintf(id, sizeof id, "%s-H%02d", pv->id, k + 1);
	for (i = 0; i < ncommunes; i++) {
		snprintf(sub, sizeof sub, "%s-X%03d", id, i + 1);
		commune(g, r, ind, pv, sub, id, i, active_commune, &prev);
	}
}

static void province_units(gen *g, int index)
{
	char id[16], name[96], last_department[32] = "", sub[48];
	province pv = { .id = id, .index = index };
	rng r = { mix64(g->seed) ^ mix64((uint64_t)index + 1) };
	unit_head h = { .id = id, .name = name, .level = "province",
			.kind = "state" };
	int i, ndept, nsvc, ndist;

	snprintf(id, sizeof id, "T%03d", index + 1);
	place_name(&r, name, sizeof name, "Tỉnh");
	pv.effort = rng_range(&r, 84, 93);
	h.klass = random_class(&r, 0);
	staff(&r, &h, 30, 60, pv.effort);
	unit_begin(g, 2, &h);
	line(g, 2, "  positions:");
	{
		uint32_t secretary = person_new(g, P_PARTY | P_STANDING);

		position1(g, 6, "party-secretary", secretary);
		deputies(g, &r, 6, "party-deputy-secretary", rng_range(&r, 2, 3));
		position1(g, 6, "pc-chair", person_new(g, P_PARTY | P_STANDING));
		deputies(g, &r, 6, "pc-vice-chair", rng_range(&r, 3, 4));
		position1(g, 6, "council-chair", rng_permille(&r, 600) ? secretary :
			  person_new(g, P_PARTY | P_STANDING));
	}
	line(g, 2, "  units:");
	ndept = rng_range(&r, 17, (int)NDEPARTMENTS);
	for (i = 0; i < ndept; i++)
		department(g, &r, 6, &pv, i, last_department);
	nsvc = rng_range(&r, 1, 3);
	for (i = 0; i < nsvc; i++) {
		snprintf(sub, sizeof sub, "%s-DV%02d", id, i + 1);
		public_service(g, &r, 6, &pv, sub,
			       province_services[i % (sizeof(province_services) /
						      sizeof(province_services[0]))],
			       NULL);
	}
	/* Units listed flat after the province, by parent id. */
	nsvc = rng_range(&r, 1, 3);
	for (i = 0; i < nsvc; i++) {
		snprintf(sub, sizeof sub, "%s-DV%02d", id, i + 11);
		public_service(g, &r, 2, &pv, sub,
			       province_services[(i + 3) % (sizeof(province_services) /
							    sizeof(province_services[0]))],
			       id);
	}
	ndist = rng_range(&r, 8, 14);
	for (i = 0; i < ndist; i++) {
		int ncommunes = district(g, &r, 2, &pv, i);

		if (pv.index % 2 == 1)
			district_flat_communes(g, &r, 2, &pv, i, ncommunes);
	}
}

/* ---- The plan ------------------------------------------------------------ */

static const char *const titles[] = {
	"{id: party-secretary, name: Bí thư cấp ủy, kind: party, leadership: head}",
	"{id: party-deputy-secretary, name: Phó Bí thư cấp ủy, kind: party, leadership: deputy}",
	"{id: pc-chair, name: Chủ tịch UBND, kind: state, leadership: head}",
	"{id: pc-vice-chair, name: Phó Chủ tịch UBND, kind: state, leadership: deputy}",
	"{id: council-chair, name: Chủ tịch HĐND, kind: state, leadership: head}",
	"{id: front-chair, name: Chủ tịch Ủy ban MTTQ, kind: front, leadership: head}",
	"{id: director, name: Giám đốc sở, kind: state, leadership: head}",
	"{id: deputy-director, name: Phó Giám đốc sở, kind: state, leadership: deputy}",
	"{id: division-head, name: Trưởng phòng, kind: state, leadership: head}",
	"{id: deputy-head, name: Phó trưởng phòng, kind: state, leadership: deputy}",
	"{id: dan-van-head, name: Trưởng Ban Dân vận, kind: party, leadership: head}",
	"{id: propaganda-head, name: Trưởng Ban Tuyên giáo, kind: party, leadership: head}",
	"{id: inspection-chief, name: Chủ nhiệm Ủy ban Kiểm tra, kind: party, leadership: head}",
	"{id: finance-head, name: Trưởng phòng Tài chính - Kế hoạch, kind: state, leadership: head}",
	"{id: political-school-director, name: Giám đốc Trung tâm Chính trị, kind: party, leadership: head}",
	"{id: psu-director, name: Giám đốc đơn vị sự nghiệp, kind: public-service, leadership: head}",
	"{id: psu-deputy, name: Phó Giám đốc đơn vị sự nghiệp, kind: public-service, leadership: deputy}"
};

static const char tasks[] =
	"tasks:\n"
	"  - id: merge-dan-van-mttq\n"
	"    name: Nhất thể hóa Trưởng Ban Dân vận - Chủ tịch UBMTTQ cấp huyện\n"
	"    applies_to: {level: district}\n"
	"    start: 2018-03-01\n"
	"    due: 2019-12-31\n"
	"  - id: merge-tuyen-giao-ttct\n"
	"    name: Nhất thể hóa Trưởng Ban Tuyên giáo - Giám đốc Trung tâm Chính trị cấp huyện\n"
	"    applies_to: {level: district}\n"
	"    start: 2018-03-01\n"
	"    due: 2020-12-31\n"
	"  - id: merge-commune-leaders\n"
	"    name: Nhất thể hóa Bí thư cấp ủy - Chủ tịch UBND cấp xã\n"
	"    applies_to: {level: commune}\n"
	"    start: 2018-06-01\n"
	"    due: 2019-03-31\n"
	"  - id: reorganise-departments\n"
	"    name: Sắp xếp lại các phòng thuộc sở\n"
	"    applies_to:\n"
	"      level: department\n"
	"    due: 2019-06-30\n"
	"  - id: psu-autonomy\n"
	"    name: Tự chủ tài chính đơn vị sự nghiệp hạng I\n"
	"    applies_to: {level: public-service, attrs: {class: I}}\n"
	"    start: 2018-01-01\n"
	"    due: 2020-12-31\n";

static void write_head(gen *g, int provinces)
{
	size_t i;

	fprintf(g->out,
		"# Written by gen-plan -p %d -s %" PRIu64 " for the benchmark:\n"
		"# a national-scale plan. Regenerate it rather than edit it.\n"
		"plancheck: plan/1\n"
		"plan:\n"
		"  id: bench-%d\n"
		"  name: \"Đề án sắp xếp tổ chức bộ máy - %d tỉnh, thành phố\"\n"
		"  authority: Ban Chỉ đạo Trung ương\n"
		"  start: 2018-01-01\n"
		"  end: 2021-12-31\n"
		"  as_of: 2019-06-30\n"
		"x-generator: {name: gen-plan, provinces: %d, seed: %" PRIu64 "}\n"
		"titles:\n",
		provinces, g->seed, provinces, provinces, provinces, g->seed);
	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		fprintf(g->out, "  - %s\n", titles[i]);
}

static void write_waivers(gen *g)
{
	size_t i;

	fputs("waivers:\n", g->out);
	for (i = 0; i < g->nwaivers; i++) {
		const waiver *w = &g->waivers[i];

		fprintf(g->out,
			"  - rule: %s\n"
			"    target: %s\n"
			"    reason: \"Quyết định %zu/QĐ-UBND cho phép giữ 4 phó trưởng phòng trong thời gian sắp xếp\"\n"
			"    approved_by: UBND tỉnh\n"
			"    expires: %s\n",
			w->rule, w->target, 100 + i,
			w->expired ? "2019-01-01" : "2020-12-31");
	}
	/* One that matches nothing: the first person is a provincial party
	 * secretary, whose merged titles are allowed. */
	fputs("  - rule: merged-titles\n"
	      "    target: N0000001\n"
	      "    reason: Chờ ý kiến Ban Tổ chức Trung ương\n"
	      "    approved_by: Tỉnh ủy\n", g->out);
}

static int usage(void)
{
	fputs("usage: gen-plan [-p PROVINCES] [-s SEED] [-q] OUTPUT\n"
	      "  -p N   number of provinces, 1.." "9999 (default 63)\n"
	      "  -s N   seed of the random choices (default 1)\n"
	      "  -q     no summary on standard error\n", stderr);
	return 2;
}

static bool parse_number(const char *s, unsigned long long max,
			 unsigned long long *out)
{
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return false;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

int main(int argc, char **argv)
{
	static gen g;           /* the waiver table is large */
	unsigned long long provinces = 63, seed = 1;
	const char *path = NULL;
	bool quiet = false;
	long size;
	int i, rc = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0) {
			if (!parse_number(argv[++i], MAX_PROVINCES, &provinces) ||
			    provinces == 0)
				return usage();
		} else if (strcmp(argv[i], "-s") == 0) {
			if (!parse_number(argv[++i], UINT64_MAX, &seed))
				return usage();
		} else if (strcmp(argv[i], "-q") == 0) {
			quiet = true;
		} else if (argv[i][0] == '-' || path) {
			return usage();
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return usage();
	g.out = fopen(path, "w");
	if (!g.out) {
		fprintf(stderr, "gen-plan: %s: %s\n", path, strerror(errno));
		return 1;
	}
	setvbuf(g.out, NULL, _IOFBF, 1 << 20);
	g.seed = seed;

	write_head(&g, (int)provinces);
	fputs("people:\n", g.out);
	g.pass = PASS_PEOPLE;
	for (i = 0; i < (int)provinces; i++)
		province_units(&g, i);
	fputs("units:\n", g.out);
	g.pass = PASS_UNITS;
	g.people = g.units = g.positions = 0;
	for (i = 0; i < (int)provinces; i++)
		province_units(&g, i);
	fputs(tasks, g.out);
	write_waivers(&g);

	size = ftell(g.out);
	if (ferror(g.out) | (fclose(g.out) != 0)) {
		fprintf(stderr, "gen-plan: %s: write failed: %s\n", path,
			strerror(errno));
		goto out;
	}
	if (!quiet)
		fprintf(stderr, "gen-plan: %s: %llu provinces, %" PRIu32 " units, "
			"%" PRIu32 " people, %" PRIu32 " positions, %zu waivers, "
			"%.1f MiB\n", path, provinces, g.units, g.people,
			g.positions, g.nwaivers + 1, (double)size / 1048576.0);
	rc = 0;
out:
	return rc;
}
