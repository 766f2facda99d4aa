/*
 * The discretion engine of fire penalties.  Loading: every
 * data/penalty/items-<version>.json, checked strictly and all or nothing
 * (PEN-001).  Suggesting: the statutory range of an item for a party
 * (PEN-003), the grounds for no penalty (PEN-004..PEN-008), the tier's
 * sub-range (PEN-009), the first-violation exemption as a proposal
 * (PEN-010), lighter and reduced punishment (PEN-011..PEN-013), warnings
 * and the simple procedure (PEN-014, PEN-015); one act under several
 * norms (PEN-016) and the check of a decided amount (PEN-017).  No figure
 * is written in this file: they are all in the data.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "penalty.h"
#include "dck.h"
#include "rec.h"

#define PN_FORMAT	"firewarden-penalty-items-v1"
#define PN_PREFIX	"items-"
#define PN_SUFFIX	".json"
#define PN_FILE_MAX	(1 << 20)	/* bytes of one data file */
#define PN_VERSION_LEN	16		/* [A-Za-z0-9-] */
#define PN_ITEMS_MAX	200
#define PN_BANDS_MAX	8		/* statutory bands of one party */
#define PN_ID_LEN	16
#define PN_CODE_LEN	32		/* band and threshold codes */
#define PN_TEXT_MAX	300		/* names, bases: code points */
#define PN_SOURCE_MAX	2000
#define PN_NOTE_MAX	8000
#define PN_WINDOW_MAX	120		/* months */

enum pn_condition {
	PN_COND_NONE,		/* fined for the act itself */
	PN_COND_DEADLINE,	/* fined when not corrected by the deadline */
	PN_COND_REFUSAL,	/* fined when refusing to correct at once */
};

struct pn_tiers {
	int	from[PENALTY_TIER__COUNT];
	int	to[PENALTY_TIER__COUNT];
	int	confirmed;
};

struct pn_band {
	const char	*code;
	int64_t		 min;
	int64_t		 max;
	int		 warning;
	int		 confirmed;
	int		 has_area;
	int64_t		 area_lo;	/* -1: no lower bound */
	int		 lo_incl;
	int64_t		 area_hi;	/* -1: no upper bound */
	int		 hi_incl;
};

struct pn_item {
	const char		*id;
	const char		*name_zh;
	const char		*basis;
	const char		*authority;
	const char		*measures;
	int			 fire;
	int			 fine_optional;
	int			 reducible;
	int			 confirmed;
	enum pn_condition	 cond;
	struct pn_band		 band[PENALTY_PARTY__COUNT][PN_BANDS_MAX];
	int			 nband[PENALTY_PARTY__COUNT];
	int			 on_the_spot;
	struct penalty_limit	 lim[PENALTY_LIMITS_MAX];
	int			 nlim;
	int			 own_tiers;
	struct pn_tiers		 tiers;
};

struct pn_file {
	json_t			*doc;		/* the strings point into it */
	const char		*version;
	const char		*effective;
	int			 template;
	struct pn_tiers		 tiers;
	int			 lighter_share;
	int			 floor_pct;
	int			 mitigation_confirmed;
	int			 window_months;
	enum penalty_tier	 first_max_tier;
	int			 first_confirmed;
	int64_t			 simple[PENALTY_PARTY__COUNT];
	struct pn_item		*items;
	int			 nitems;
	int			*order;		/* item indexes by id */
};

static int	pn_file_load(const char *dir, const char *name,
		    const char *version, void **out, struct err *e);
static const char	*pn_effective(const void *f);
static const char	*pn_version_of(const void *f);
static void		 pn_file_free(void *f);

/* The loaded versions, by effective date (rec_dated). */
static struct rec_dated	pn_files = {
	.prefix = PN_PREFIX,
	.suffix = PN_SUFFIX,
	.field = "penalty",
	.what = "version",
	.part_max = PN_VERSION_LEN,
	.load = pn_file_load,
	.effective = pn_effective,
	.part = pn_version_of,
	.free = pn_file_free,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static const char *const pn_party_names[PENALTY_PARTY__COUNT] = {
	"unit", "individual",
};
static const char *const pn_party_keys[] = { "unit", "individual", NULL };
static const char *const pn_tier_names[PENALTY_TIER__COUNT] = {
	"minor", "general", "serious",
};
static const char *const pn_harm_names[] = { "none", "minor", "serious" };
static const char *const pn_ground_names[] = {
	"eliminated_harm", "coerced", "confessed", "meritorious",
	"other_statutory",
};
#define PN_NGROUNDS	((int)(sizeof(pn_ground_names) / \
			    sizeof(pn_ground_names[0])))

static const struct rec_dated_set *
pn_current(void)
{
	return rec_dated_current(&pn_files);
}

/* Version i of set s. */
static const struct pn_file *
pn_f(const struct rec_dated_set *s, int i)
{
	return s->ed[i];
}

static int
pn_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int
pn_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

/*
 * An item id: FPL-<article> or GD-<article>, the article 1 to 3 digits,
 * then perhaps -<item> of 1 to 4 of [0-9A-Za-z] (FPL-60-3, FPL-58-P3,
 * FPL-69-1a).
 */
static int
pn_id_ok(const char *s)
{
	size_t	i, n;

	if (strncmp(s, "FPL-", 4) == 0)
		s += 4;
	else if (strncmp(s, "GD-", 3) == 0)
		s += 3;
	else
		return 0;
	for (n = 0; pn_isdigit(s[n]); n++)
		;
	if (n == 0 || n > 3 || s[0] == '0')
		return 0;
	s += n;
	if (*s == '\0')
		return 1;
	if (*s++ != '-')
		return 0;
	for (i = 0; s[i]; i++)
		if (!pn_isdigit(s[i]) && !pn_islower(s[i]) &&
		    !(s[i] >= 'A' && s[i] <= 'Z'))
			return 0;
	return i >= 1 && i <= 4;
}

/* A band or threshold code: [a-z0-9][a-z0-9-]*, at most PN_CODE_LEN. */
static int
pn_code_ok(const char *s)
{
	size_t	i;

	if (!pn_islower(*s) && !pn_isdigit(*s))
		return 0;
	for (i = 1; s[i]; i++)
		if (!pn_islower(s[i]) && !pn_isdigit(s[i]) && s[i] != '-')
			return 0;
	return i <= PN_CODE_LEN;
}


/* x * pct / 100 rounded half up, for 0 <= x <= PENALTY_YUAN_MAX. */
static int64_t
pn_share(int64_t x, int pct)
{
	return (x * pct + 50) / 100;
}

/* Loading (PEN-001). */

struct pn_ck {
	struct dck	 d;		/* the file and the error */
	const char	*unconfirmed;	/* the first status other than C */
	char		 unconfirmed_at[DCK_PATH];
};

/* o["status"]: "C", "P" or "U" (FACTS.md); remembers the first not C. */
static int
pn_status(struct pn_ck *c, const char *path, const json_t *o, int *confirmed)
{
	static const char *const names[] = { "C", "P", "U" };
	int	rc, k;

	if ((rc = dck_enum(&c->d, path, o, "status", names, 3, &k)) < 0)
		return rc;
	*confirmed = k == 0;
	if (k != 0 && c->unconfirmed == NULL) {
		snprintf(c->unconfirmed_at, sizeof(c->unconfirmed_at), "%s",
		    *path ? path : "(file)");
		c->unconfirmed = c->unconfirmed_at;
	}
	return 0;
}

/*
 * A tier split: three bands minor, general, serious in this order, from
 * 0 to 100 % without gap or overlap.
 */
static int
pn_tiers_parse(struct pn_ck *c, const char *path, json_t *o,
    struct pn_tiers *t)
{
	static const char *const keys[] = { "status", "source", "bands",
	    NULL };
	static const char *const bkeys[] = { "tier", "name_zh", "from", "to",
	    NULL };
	const char	*s;
	json_t		*bands, *b;
	char		 p[DCK_PATH], q[DCK_PATH];
	size_t		 i;
	int64_t		 from, to;
	int		 k, rc;

	if ((rc = dck_keys(&c->d, path, o, keys)) < 0 ||
	    (rc = pn_status(c, path, o, &t->confirmed)) < 0 ||
	    (rc = dck_text(&c->d, path, o, "source", PN_SOURCE_MAX, 0, &s)) < 0 ||
	    (rc = dck_list(&c->d, path, o, "bands", PENALTY_TIER__COUNT,
	    PENALTY_TIER__COUNT, &bands)) < 0)
		return rc;
	json_array_foreach(bands, i, b) {
		snprintf(p, sizeof(p), "%.100s.bands[%zu]", path, i);
		if ((rc = dck_keys(&c->d, p, b, bkeys)) < 0 ||
		    (rc = dck_enum(&c->d, p, b, "tier", pn_tier_names,
		    PENALTY_TIER__COUNT, &k)) < 0)
			return rc;
		if (k != (int)i)
			return dck_bad(&c->d, dck_path(q, p, "tier"), "must be %s "
			    "(the bands are minor, general, serious in this "
			    "order)", pn_tier_names[i]);
		if ((rc = dck_text(&c->d, p, b, "name_zh", 16, 0, &s)) < 0 ||
		    (rc = dck_int(&c->d, p, b, "from", 0, 100, 0, &from)) < 0 ||
		    (rc = dck_int(&c->d, p, b, "to", 0, 100, 0, &to)) < 0)
			return rc;
		if (i == 0 && from != 0)
			return dck_bad(&c->d, dck_path(q, p, "from"), "must be 0: "
			    "the bands cover 0 to 100 %%");
		if (i > 0 && from != t->to[i - 1])
			return dck_bad(&c->d, dck_path(q, p, "from"), "must be %d, "
			    "where %s ends: the bands cover 0 to 100 %% "
			    "without gap or overlap", t->to[i - 1],
			    pn_tier_names[i - 1]);
		if (to <= from)
			return dck_bad(&c->d, dck_path(q, p, "to"), "must be above "
			    "from (%lld)", (long long)from);
		if (i == PENALTY_TIER__COUNT - 1 && to != 100)
			return dck_bad(&c->d, dck_path(q, p, "to"), "must be 100: "
			    "the bands cover 0 to 100 %%");
		t->from[i] = (int)from;
		t->to[i] = (int)to;
	}
	return 0;
}

/* The area bounds of a band: {gt|ge, lt|le}, at least one of them. */
static int
pn_area_parse(struct pn_ck *c, const char *path, json_t *o,
    struct pn_band *b)
{
	static const char *const keys[] = { "gt", "ge", "lt", "le", NULL };
	char	p[DCK_PATH];
	int64_t	v;
	int	rc;

	dck_path(p, path, "area");
	if ((rc = dck_keys(&c->d, p, o, keys)) < 0)
		return rc;
	if ((json_object_get(o, "gt") && json_object_get(o, "ge")) ||
	    (json_object_get(o, "lt") && json_object_get(o, "le")))
		return dck_bad(&c->d, p, "give at most one lower bound (gt, ge) "
		    "and one upper bound (lt, le)");
	if (json_object_size(o) == 0)
		return dck_bad(&c->d, p, "give a lower bound (gt, ge), an upper "
		    "bound (lt, le) or both");
	b->has_area = 1;
	b->area_lo = b->area_hi = -1;
	v = -1;
	if ((rc = dck_int(&c->d, p, o, "gt", 0, PENALTY_AREA_MAX, 1, &v)) < 0)
		return rc;
	if (v >= 0) {
		b->area_lo = v;
		b->lo_incl = 0;
	}
	v = -1;
	if ((rc = dck_int(&c->d, p, o, "ge", 0, PENALTY_AREA_MAX, 1, &v)) < 0)
		return rc;
	if (v >= 0) {
		b->area_lo = v;
		b->lo_incl = 1;
	}
	v = -1;
	if ((rc = dck_int(&c->d, p, o, "lt", 1, PENALTY_AREA_MAX, 1, &v)) < 0)
		return rc;
	if (v >= 0) {
		b->area_hi = v;
		b->hi_incl = 0;
	}
	v = -1;
	if ((rc = dck_int(&c->d, p, o, "le", 0, PENALTY_AREA_MAX, 1, &v)) < 0)
		return rc;
	if (v >= 0) {
		b->area_hi = v;
		b->hi_incl = 1;
	}
	if (b->area_lo >= 0 && b->area_hi >= 0 && (b->area_hi < b->area_lo ||
	    (b->area_hi == b->area_lo && !(b->lo_incl && b->hi_incl))))
		return dck_bad(&c->d, p, "the bounds leave no area");
	return 0;
}

static int
pn_area_in(const struct pn_band *b, int64_t a)
{
	if (b->area_lo >= 0 && (a < b->area_lo || (a == b->area_lo &&
	    !b->lo_incl)))
		return 0;
	if (b->area_hi >= 0 && (a > b->area_hi || (a == b->area_hi &&
	    !b->hi_incl)))
		return 0;
	return 1;
}

/* Whether two area bands share an area (bounds are whole m²). */
static int
pn_area_overlap(const struct pn_band *a, const struct pn_band *b)
{
	int64_t	alo, ahi, blo, bhi;

	alo = a->area_lo < 0 ? 0 : a->area_lo + !a->lo_incl;
	ahi = a->area_hi < 0 ? PENALTY_AREA_MAX : a->area_hi - !a->hi_incl;
	blo = b->area_lo < 0 ? 0 : b->area_lo + !b->lo_incl;
	bhi = b->area_hi < 0 ? PENALTY_AREA_MAX : b->area_hi - !b->hi_incl;
	return alo <= bhi && blo <= ahi;
}

/* The statutory bands of one party of an item. */
static int
pn_bands_parse(struct pn_ck *c, const char *path, json_t *list,
    struct pn_item *it, int party)
{
	static const char *const keys[] = { "band", "name_zh", "area", "min",
	    "max", "warning", "status", NULL };
	struct pn_band	*b;
	const char	*s;
	json_t		*x, *area;
	char		 p[DCK_PATH], q[DCK_PATH];
	size_t		 i;
	int		 k, rc;

	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > PN_BANDS_MAX)
		return dck_bad(&c->d, path, "must be a list of 1 to %d bands",
		    PN_BANDS_MAX);
	json_array_foreach(list, i, x) {
		b = &it->band[party][i];
		snprintf(p, sizeof(p), "%.100s[%zu]", path, i);
		if (!json_is_object(x))
			return dck_bad(&c->d, p, "must be an object");
		if ((rc = dck_text(&c->d, p, x, "band", PN_CODE_LEN, 0,
		    &b->code)) < 0)
			return rc;
		if (!pn_code_ok(b->code))
			return dck_bad(&c->d, dck_path(q, p, "band"), "must be "
			    "[a-z0-9][a-z0-9-]*");
		snprintf(p, sizeof(p), "%.100s[%s]", path, b->code);
		for (k = 0; k < (int)i; k++)
			if (strcmp(it->band[party][k].code, b->code) == 0)
				return dck_bad(&c->d, p, "duplicate band");
		if ((rc = dck_keys(&c->d, p, x, keys)) < 0 ||
		    (rc = dck_text(&c->d, p, x, "name_zh", PN_TEXT_MAX, 1,
		    &s)) < 0 ||
		    (rc = dck_int(&c->d, p, x, "min", 0, PENALTY_YUAN_MAX, 0,
		    &b->min)) < 0 ||
		    (rc = dck_int(&c->d, p, x, "max", 0, PENALTY_YUAN_MAX, 0,
		    &b->max)) < 0 ||
		    (rc = dck_bool(&c->d, p, x, "warning", &b->warning)) < 0 ||
		    (rc = pn_status(c, p, x, &b->confirmed)) < 0)
			return rc;
		if (b->min > b->max)
			return dck_bad(&c->d, dck_path(q, p, "min"), "%lld is above "
			    "max (%lld)", (long long)b->min,
			    (long long)b->max);
		if (b->max == 0 && !b->warning)
			return dck_bad(&c->d, dck_path(q, p, "max"), "0 (no fine) "
			    "needs warning true: a band must allow some "
			    "penalty");
		if ((area = json_object_get(x, "area")) != NULL &&
		    (rc = pn_area_parse(c, p, area, b)) < 0)
			return rc;
		for (k = 0; b->has_area && k < (int)i; k++)
			if (it->band[party][k].has_area &&
			    pn_area_overlap(&it->band[party][k], b))
				return dck_bad(&c->d, dck_path(q, p, "area"),
				    "overlaps the area of band %s",
				    it->band[party][k].code);
		it->nband[party]++;
	}
	return 0;
}

static int
pn_parties_parse(struct pn_ck *c, const char *path, json_t *o,
    struct pn_item *it)
{
	json_t	*list;
	char	 p[DCK_PATH];
	int	 k, rc, n = 0;

	dck_path(p, path, "parties");
	if ((rc = dck_keys(&c->d, p, o, pn_party_keys)) < 0)
		return rc;
	for (k = 0; k < PENALTY_PARTY__COUNT; k++) {
		if ((list = json_object_get(o, pn_party_names[k])) == NULL)
			continue;
		snprintf(p, sizeof(p), "%.110s%sparties.%s", path,
		    *path ? "." : "", pn_party_names[k]);
		if ((rc = pn_bands_parse(c, p, list, it, k)) < 0)
			return rc;
		n++;
	}
	if (n == 0)
		return dck_bad(&c->d, dck_path(p, path, "parties"), "name unit, "
		    "individual or both");
	return 0;
}

/* The minor thresholds of an item: {on_the_spot, limits}. */
static int
pn_minor_parse(struct pn_ck *c, const char *path, json_t *o,
    struct pn_item *it)
{
	static const char *const keys[] = { "on_the_spot", "limits", NULL };
	static const char *const lkeys[] = { "code", "text_zh", "limit",
	    "status", "source", NULL };
	struct penalty_limit	*l;
	const char		*s;
	json_t			*list, *x;
	char			 p[DCK_PATH], q[DCK_PATH], r[DCK_PATH];
	size_t			 i;
	int			 k, rc;

	dck_path(p, path, "minor");
	if ((rc = dck_keys(&c->d, p, o, keys)) < 0 ||
	    (rc = dck_bool(&c->d, p, o, "on_the_spot", &it->on_the_spot)) < 0 ||
	    (rc = dck_list(&c->d, p, o, "limits", 0, PENALTY_LIMITS_MAX,
	    &list)) < 0)
		return rc;
	json_array_foreach(list, i, x) {
		l = &it->lim[i];
		snprintf(q, sizeof(q), "%.100s.limits[%zu]", p, i);
		if (!json_is_object(x))
			return dck_bad(&c->d, q, "must be an object");
		if ((rc = dck_text(&c->d, q, x, "code", PN_CODE_LEN, 0,
		    &l->code)) < 0)
			return rc;
		if (!pn_code_ok(l->code))
			return dck_bad(&c->d, dck_path(r, q, "code"), "must be "
			    "[a-z0-9][a-z0-9-]*");
		snprintf(q, sizeof(q), "%.100s.limits[%s]", p, l->code);
		for (k = 0; k < (int)i; k++)
			if (strcmp(it->lim[k].code, l->code) == 0)
				return dck_bad(&c->d, q, "duplicate threshold");
		l->limit = -1;
		if ((rc = dck_keys(&c->d, q, x, lkeys)) < 0 ||
		    (rc = dck_text(&c->d, q, x, "text_zh", PN_TEXT_MAX, 0,
		    &l->text_zh)) < 0 ||
		    (rc = dck_int(&c->d, q, x, "limit", 0, PENALTY_AREA_MAX, 1,
		    &l->limit)) < 0 ||
		    (rc = pn_status(c, q, x, &l->confirmed)) < 0 ||
		    (rc = dck_text(&c->d, q, x, "source", PN_SOURCE_MAX, 0, &s)) < 0)
			return rc;
		it->nlim++;
	}
	return 0;
}

static int
pn_item_find(const struct pn_file *f, const char *id)
{
	int	lo = 0, hi = f->nitems - 1, mid, d;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		d = strcmp(id, f->items[f->order[mid]].id);
		if (d == 0)
			return f->order[mid];
		if (d < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

static int
pn_item_parse(struct pn_ck *c, size_t i, json_t *x, struct pn_file *f)
{
	static const char *const keys[] = { "id", "name_zh", "basis",
	    "authority", "fire_service_decides", "measures", "fine_condition",
	    "fine_optional", "reducible", "status", "source", "note",
	    "parties", "minor", "tiers", NULL };
	static const char *const conds[] = { "none", "deadline", "refusal" };
	struct pn_item	*it = &f->items[f->nitems];
	const char	*s;
	json_t		*v;
	char		 p[DCK_PATH], q[DCK_PATH], shown[DCK_SHOW];
	int		 k, rc;

	snprintf(p, sizeof(p), "items[%zu]", i);
	if (!json_is_object(x))
		return dck_bad(&c->d, p, "must be an object");
	if ((rc = dck_text(&c->d, p, x, "id", PN_ID_LEN, 0, &it->id)) < 0)
		return rc;
	if (!pn_id_ok(it->id))
		return dck_bad(&c->d, dck_path(q, p, "id"), "%s is not FPL-<article>"
		    "[-<item>] or GD-<article>[-<item>]",
		    dck_show(it->id, shown));
	snprintf(p, sizeof(p), "items[%s]", it->id);
	for (k = 0; k < f->nitems; k++)
		if (strcmp(f->items[k].id, it->id) == 0)
			return dck_bad(&c->d, p, "duplicate id");
	if ((rc = dck_keys(&c->d, p, x, keys)) < 0 ||
	    (rc = dck_text(&c->d, p, x, "name_zh", PN_TEXT_MAX, 0,
	    &it->name_zh)) < 0 ||
	    (rc = dck_text(&c->d, p, x, "basis", PN_TEXT_MAX, 0, &it->basis)) < 0 ||
	    (rc = dck_text(&c->d, p, x, "authority", PN_TEXT_MAX, 0,
	    &it->authority)) < 0 ||
	    (rc = dck_bool(&c->d, p, x, "fire_service_decides", &it->fire)) < 0 ||
	    (rc = dck_text(&c->d, p, x, "measures", PN_TEXT_MAX, 0,
	    &it->measures)) < 0 ||
	    (rc = dck_enum(&c->d, p, x, "fine_condition", conds, 3, &k)) < 0 ||
	    (rc = dck_bool(&c->d, p, x, "fine_optional", &it->fine_optional)) < 0 ||
	    (rc = dck_bool(&c->d, p, x, "reducible", &it->reducible)) < 0 ||
	    (rc = pn_status(c, p, x, &it->confirmed)) < 0 ||
	    (rc = dck_text(&c->d, p, x, "source", PN_SOURCE_MAX, 0, &s)) < 0 ||
	    (rc = dck_text(&c->d, p, x, "note", PN_SOURCE_MAX, 1, &s)) < 0)
		return rc;
	it->cond = (enum pn_condition)k;
	if ((v = json_object_get(x, "parties")) == NULL)
		return dck_bad(&c->d, dck_path(q, p, "parties"), "missing");
	if ((rc = pn_parties_parse(c, p, v, it)) < 0)
		return rc;
	if ((v = json_object_get(x, "minor")) == NULL)
		return dck_bad(&c->d, dck_path(q, p, "minor"), "missing");
	if ((rc = pn_minor_parse(c, p, v, it)) < 0)
		return rc;
	if ((v = json_object_get(x, "tiers")) != NULL) {
		if ((rc = pn_tiers_parse(c, dck_path(q, p, "tiers"), v,
		    &it->tiers)) < 0)
			return rc;
		it->own_tiers = 1;
	} else
		it->tiers = f->tiers;
	f->nitems++;
	return 0;
}

static int
pn_doc_parse(struct pn_ck *c, const char *version, struct pn_file *f)
{
	static const char *const keys[] = { "format", "version", "effective",
	    "template", "note", "source", "tiers", "mitigation",
	    "first_violation", "simple_procedure", "items", NULL };
	static const char *const mkeys[] = { "lighter_share_pct",
	    "reduction_floor_pct", "status", "source", NULL };
	static const char *const fkeys[] = { "window_months", "max_tier",
	    "status", "source", NULL };
	static const char *const skeys[] = { "unit", "individual", "status",
	    "source", NULL };
	const char	*s;
	json_t		*doc = f->doc, *o, *list, *x;
	size_t		 i;
	int64_t		 v;
	int		 k, j, rc, confirmed;

	if (!json_is_object(doc))
		return dck_bad(&c->d, "format", "the file is not a JSON object");
	if ((rc = dck_keys(&c->d, "", doc, keys)) < 0 ||
	    (rc = dck_text(&c->d, "", doc, "format", 40, 0, &s)) < 0)
		return rc;
	if (strcmp(s, PN_FORMAT) != 0)
		return dck_bad(&c->d, "format", "must be %s", PN_FORMAT);
	if ((rc = dck_text(&c->d, "", doc, "version", PN_VERSION_LEN, 0,
	    &f->version)) < 0)
		return rc;
	if (strcmp(f->version, version) != 0)
		return dck_bad(&c->d, "version", "must be %s, as in the file name",
		    version);
	if ((rc = dck_text(&c->d, "", doc, "effective", 10, 0, &f->effective)) < 0)
		return rc;
	if (!dck_date_ok(f->effective))
		return dck_bad(&c->d, "effective", "must be a date YYYY-MM-DD");
	if ((rc = dck_bool(&c->d, "", doc, "template", &f->template)) < 0 ||
	    (rc = dck_text(&c->d, "", doc, "note", PN_NOTE_MAX, 0, &s)) < 0 ||
	    (rc = dck_text(&c->d, "", doc, "source", PN_SOURCE_MAX, 0, &s)) < 0)
		return rc;

	if ((o = json_object_get(doc, "tiers")) == NULL)
		return dck_bad(&c->d, "tiers", "missing");
	if ((rc = pn_tiers_parse(c, "tiers", o, &f->tiers)) < 0)
		return rc;

	if ((o = json_object_get(doc, "mitigation")) == NULL)
		return dck_bad(&c->d, "mitigation", "missing");
	if ((rc = dck_keys(&c->d, "mitigation", o, mkeys)) < 0 ||
	    (rc = dck_int(&c->d, "mitigation", o, "lighter_share_pct", 1, 100, 0,
	    &v)) < 0)
		return rc;
	f->lighter_share = (int)v;
	if ((rc = dck_int(&c->d, "mitigation", o, "reduction_floor_pct", 0, 99, 0,
	    &v)) < 0)
		return rc;
	f->floor_pct = (int)v;
	if ((rc = pn_status(c, "mitigation", o, &f->mitigation_confirmed)) <
	    0 || (rc = dck_text(&c->d, "mitigation", o, "source", PN_SOURCE_MAX, 0,
	    &s)) < 0)
		return rc;

	if ((o = json_object_get(doc, "first_violation")) == NULL)
		return dck_bad(&c->d, "first_violation", "missing");
	if ((rc = dck_keys(&c->d, "first_violation", o, fkeys)) < 0 ||
	    (rc = dck_int(&c->d, "first_violation", o, "window_months", 1,
	    PN_WINDOW_MAX, 0, &v)) < 0 ||
	    (rc = dck_enum(&c->d, "first_violation", o, "max_tier", pn_tier_names,
	    PENALTY_TIER__COUNT, &k)) < 0 ||
	    (rc = pn_status(c, "first_violation", o, &f->first_confirmed)) <
	    0 || (rc = dck_text(&c->d, "first_violation", o, "source",
	    PN_SOURCE_MAX, 0, &s)) < 0)
		return rc;
	f->window_months = (int)v;
	f->first_max_tier = (enum penalty_tier)k;

	if ((o = json_object_get(doc, "simple_procedure")) == NULL)
		return dck_bad(&c->d, "simple_procedure", "missing");
	if ((rc = dck_keys(&c->d, "simple_procedure", o, skeys)) < 0)
		return rc;
	for (k = 0; k < PENALTY_PARTY__COUNT; k++)
		if ((rc = dck_int(&c->d, "simple_procedure", o, pn_party_names[k],
		    0, PENALTY_YUAN_MAX, 0, &f->simple[k])) < 0)
			return rc;
	if ((rc = pn_status(c, "simple_procedure", o, &confirmed)) < 0 ||
	    (rc = dck_text(&c->d, "simple_procedure", o, "source", PN_SOURCE_MAX,
	    0, &s)) < 0)
		return rc;

	if ((rc = dck_list(&c->d, "", doc, "items", 1, PN_ITEMS_MAX, &list)) < 0)
		return rc;
	f->items = xcalloc(json_array_size(list), sizeof(*f->items));
	f->order = xcalloc(json_array_size(list), sizeof(*f->order));
	json_array_foreach(list, i, x)
		if ((rc = pn_item_parse(c, i, x, f)) < 0)
			return rc;
	/* order: by id, for the lookups (insertion sort, n <= 200). */
	for (k = 0; k < f->nitems; k++) {
		for (j = k - 1; j >= 0 && strcmp(f->items[k].id,
		    f->items[f->order[j]].id) < 0; j--)
			f->order[j + 1] = f->order[j];
		f->order[j + 1] = k;
	}
	if (!f->template && c->unconfirmed != NULL)
		return dck_bad(&c->d, "template", "must be true: %s is not "
		    "confirmed (status other than C)", c->unconfirmed);
	return 0;
}

static void
pn_file_free(void *p)
{
	struct pn_file	*f = p;

	if (f == NULL)
		return;
	json_decref(f->doc);
	free(f->items);
	free(f->order);
	free(f);
}

static const char *
pn_effective(const void *f)
{
	return ((const struct pn_file *)f)->effective;
}

static const char *
pn_version_of(const void *f)
{
	return ((const struct pn_file *)f)->version;
}

/* dir/name of the given version. */
static int
pn_file_load(const char *dir, const char *name, const char *version,
    void **out, struct err *e)
{
	struct pn_file	*f = NULL;
	struct pn_ck	 c;
	int		 rc;

	memset(&c, 0, sizeof(c));
	c.d.file = name;
	c.d.e = e;
	f = xcalloc(1, sizeof(*f));
	if ((rc = rec_data_read(dir, name, PN_FILE_MAX, "penalty", &f->doc,
	    e)) < 0)
		goto out;
	if ((rc = pn_doc_parse(&c, version, f)) < 0)
		goto out;
	*out = f;
	f = NULL;
	rc = 0;
out:
	pn_file_free(f);
	return rc;
}

int
penalty_load_dir(const char *dir, struct err *e)
{
	return rec_dated_load(&pn_files, dir, e);
}

void
penalty_unload(void)
{
	rec_dated_unload(&pn_files);
}

/* Lookups. */

/* The version named (NULL: the latest), or an error naming "version". */
static int
pn_file_get(const char *version, const struct pn_file **out, struct err *e)
{
	const struct rec_dated_set	*s = pn_current();
	char			 v[DCK_SHOW];
	int			 i;

	if (s == NULL)
		return err_set(e, ERR_UNAVAILABLE, "version", "no penalty "
		    "items are loaded");
	if (version == NULL) {
		*out = pn_f(s, s->n - 1);
		return 0;
	}
	for (i = 0; i < s->n; i++)
		if (strcmp(pn_f(s, i)->version, version) == 0) {
			*out = pn_f(s, i);
			return 0;
		}
	return err_set(e, ERR_INVALID, "version", "unknown version %s of the "
	    "penalty items", dck_show(version, v));
}

static json_t *
pn_range_json(int64_t min, int64_t max)
{
	json_t	*o = json_object();

	json_object_set_new(o, "min", json_integer(min));
	json_object_set_new(o, "max", json_integer(max));
	return o;
}

static json_t *
pn_tiers_json(const struct pn_tiers *t)
{
	json_t	*list = json_array(), *o;
	int	 k;

	for (k = 0; k < PENALTY_TIER__COUNT; k++) {
		o = json_object();
		json_object_set_new(o, "tier", json_string(pn_tier_names[k]));
		json_object_set_new(o, "from", json_integer(t->from[k]));
		json_object_set_new(o, "to", json_integer(t->to[k]));
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *
pn_band_json(const struct pn_band *b)
{
	json_t	*o = json_object(), *a;

	json_object_set_new(o, "band", json_string(b->code));
	json_object_set_new(o, "min", json_integer(b->min));
	json_object_set_new(o, "max", json_integer(b->max));
	json_object_set_new(o, "warning", json_boolean(b->warning));
	if (b->has_area) {
		a = json_object();
		if (b->area_lo >= 0)
			json_object_set_new(a, b->lo_incl ? "ge" : "gt",
			    json_integer(b->area_lo));
		if (b->area_hi >= 0)
			json_object_set_new(a, b->hi_incl ? "le" : "lt",
			    json_integer(b->area_hi));
		json_object_set_new(o, "area", a);
	}
	json_object_set_new(o, "confirmed", json_boolean(b->confirmed));
	return o;
}

int
penalty_items_json(const char *version, json_t **out, struct err *e)
{
	static const char *const conds[] = { "none", "deadline", "refusal" };
	const struct pn_file	*f;
	const struct pn_item	*it;
	json_t			*o, *list, *x, *parties, *bands;
	int			 i, k, b, rc;

	if ((rc = pn_file_get(version, &f, e)) < 0)
		return rc;
	o = json_object();
	json_object_set_new(o, "version", json_string(f->version));
	json_object_set_new(o, "effective", json_string(f->effective));
	json_object_set_new(o, "template", json_boolean(f->template));
	json_object_set_new(o, "tiers", pn_tiers_json(&f->tiers));
	x = json_object();
	json_object_set_new(x, "window_months",
	    json_integer(f->window_months));
	json_object_set_new(x, "max_tier",
	    json_string(pn_tier_names[f->first_max_tier]));
	json_object_set_new(o, "first_violation", x);
	list = json_array();
	for (i = 0; i < f->nitems; i++) {
		it = &f->items[f->order[i]];
		x = json_object();
		json_object_set_new(x, "id", json_string(it->id));
		json_object_set_new(x, "name", json_string(it->name_zh));
		json_object_set_new(x, "basis", json_string(it->basis));
		json_object_set_new(x, "authority",
		    json_string(it->authority));
		json_object_set_new(x, "fire_service_decides",
		    json_boolean(it->fire));
		json_object_set_new(x, "fine_condition",
		    json_string(conds[it->cond]));
		parties = json_object();
		for (k = 0; k < PENALTY_PARTY__COUNT; k++) {
			if (it->nband[k] == 0)
				continue;
			bands = json_array();
			for (b = 0; b < it->nband[k]; b++)
				json_array_append_new(bands,
				    pn_band_json(&it->band[k][b]));
			json_object_set_new(parties, pn_party_names[k], bands);
		}
		json_object_set_new(x, "parties", parties);
		json_object_set_new(x, "minor_limits", json_integer(it->nlim));
		json_object_set_new(x, "own_tiers",
		    json_boolean(it->own_tiers));
		json_array_append_new(list, x);
	}
	json_object_set_new(o, "items", list);
	*out = o;
	return 0;
}

/* Parsing the inputs (PEN-002). */

static int
pn_parse_name(const char *s, const char *const *names, int n,
    const char *field, int *out, struct err *e)
{
	char	v[DCK_SHOW], list[120];
	size_t	len = 0;
	int	i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "%s%s", i > 0 ? ", " : "", names[i]);
	return err_set(e, ERR_INVALID, field, "unknown %s %s (one of %s)",
	    field, dck_show(s, v), list);
}

int
penalty_party_parse(const char *s, enum penalty_party *out, struct err *e)
{
	int	k, rc;

	if ((rc = pn_parse_name(s, pn_party_names, PENALTY_PARTY__COUNT,
	    "party", &k, e)) < 0)
		return rc;
	*out = (enum penalty_party)k;
	return 0;
}

int
penalty_tier_parse(const char *s, enum penalty_tier *out, struct err *e)
{
	int	k, rc;

	if ((rc = pn_parse_name(s, pn_tier_names, PENALTY_TIER__COUNT,
	    "tier", &k, e)) < 0)
		return rc;
	*out = (enum penalty_tier)k;
	return 0;
}

int
penalty_harm_parse(const char *s, enum penalty_harm *out, struct err *e)
{
	int	k, rc;

	if ((rc = pn_parse_name(s, pn_harm_names, 3, "harm", &k, e)) < 0)
		return rc;
	*out = (enum penalty_harm)k;
	return 0;
}

int
penalty_ground_parse(const char *s, unsigned *out, struct err *e)
{
	int	k, rc;

	if ((rc = pn_parse_name(s, pn_ground_names, PN_NGROUNDS,
	    "mitigating", &k, e)) < 0)
		return rc;
	*out = 1u << k;
	return 0;
}

void
penalty_query_init(struct penalty_query *q)
{
	memset(q, 0, sizeof(*q));
	q->party = PENALTY_UNIT;
	q->tier = PENALTY_TIER_GENERAL;
	q->harm = PENALTY_HARM_NONE;
	q->area = -1;
	q->age = -1;
}

/* The suggestion. */

static struct penalty_rule *pn_rule(struct penalty_suggestion *,
		    const char *, const char *, enum penalty_rule_status,
		    const char *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

/* Append a rule to the trace (PENALTY_RULES_MAX is never reached). */
static struct penalty_rule *
pn_rule(struct penalty_suggestion *s, const char *id, const char *rule,
    enum penalty_rule_status status, const char *source, const char *fmt,
    ...)
{
	struct penalty_rule	*r;
	va_list			 ap;

	if (s->nrules == PENALTY_RULES_MAX)
		r = &s->rules[PENALTY_RULES_MAX - 1];
	else
		r = &s->rules[s->nrules++];
	r->id = id;
	r->rule = rule;
	r->status = status;
	r->source = source;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return r;
}

/* The band of the party: by code, by area, or the only one (PEN-002). */
static int
pn_band_choose(const struct pn_item *it, const struct penalty_query *q,
    const struct pn_band **out, struct err *e)
{
	const struct pn_band	*bands = it->band[q->party], *found = NULL;
	char			 v[DCK_SHOW], list[160];
	size_t			 len = 0;
	int			 n = it->nband[q->party], i, area_bands = 0;

	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++) {
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "%s%s", i > 0 ? ", " : "", bands[i].code);
		area_bands += bands[i].has_area;
	}
	if (q->band != NULL && q->area >= 0)
		return err_set(e, ERR_INVALID, "band", "give a band or an "
		    "area, not both");
	if (q->band != NULL) {
		for (i = 0; i < n && found == NULL; i++)
			if (strcmp(bands[i].code, q->band) == 0)
				found = &bands[i];
		if (found == NULL)
			return err_set(e, ERR_INVALID, "band", "unknown band "
			    "%s of %s for %s %s (bands: %s)",
			    dck_show(q->band, v), it->id,
			    q->party == PENALTY_UNIT ? "a" : "an",
			    pn_party_names[q->party], list);
	} else if (q->area >= 0) {
		if (q->area > PENALTY_AREA_MAX)
			return err_set(e, ERR_INVALID, "area", "an area is 0 "
			    "to %d m²", PENALTY_AREA_MAX);
		if (area_bands == 0)
			return err_set(e, ERR_INVALID, "area", "%s has no "
			    "bands by area (bands: %s)", it->id, list);
		for (i = 0; i < n && found == NULL; i++)
			if (bands[i].has_area && pn_area_in(&bands[i],
			    q->area))
				found = &bands[i];
		if (found == NULL)
			return err_set(e, ERR_INVALID, "area", "%lld m² lies "
			    "in no band of %s (bands: %s): the article sets "
			    "no fine for it; the officer decides",
			    (long long)q->area, it->id, list);
	} else if (n == 1)
		found = &bands[0];
	else
		return err_set(e, ERR_INVALID, "band", "%s has several "
		    "statutory bands for %s %s: give one of %s%s", it->id,
		    q->party == PENALTY_UNIT ? "a" : "an",
		    pn_party_names[q->party], list, area_bands > 0 ?
		    " or the area" : "");
	*out = found;
	return 0;
}

/* "eliminated_harm, coerced; age 16 (art. 30)": the mandatory grounds. */
static const char *
pn_grounds_text(const struct penalty_query *q, char *out, size_t size)
{
	size_t	len = 0;
	int	i;

	out[0] = '\0';
	for (i = 0; i < PN_NGROUNDS && len < size; i++)
		if (q->grounds & (1u << i))
			len += (size_t)snprintf(out + len, size - len,
			    "%s%s", len > 0 ? ", " : "art. 32 ",
			    pn_ground_names[i]);
	if (q->party == PENALTY_INDIVIDUAL && q->age >= 14 && q->age < 18 &&
	    len < size)
		snprintf(out + len, size - len, "%sage %d (art. 30)",
		    len > 0 ? "; " : "", q->age);
	return out;
}

/*
 * PEN-013: the range of reduced punishment (减轻) of a band, from the
 * floor (reduction_floor_pct of the minimum, at least 1 yuan: a fine of
 * 0 is no fine) to 1 yuan below the statutory minimum, into *r (may be
 * NULL).  1 if the item allows it and the range holds a whole yuan.
 */
static int
pn_reduction(const struct pn_file *f, const struct pn_item *it,
    const struct pn_band *b, struct penalty_range *r)
{
	struct penalty_range	x;

	x.min = pn_share(b->min, f->floor_pct);
	if (x.min < 1)
		x.min = 1;
	x.max = b->min - 1;
	if (!it->reducible || x.min > x.max)
		return 0;
	if (r != NULL)
		*r = x;
	return 1;
}

/* Every input checked before anything is decided (PEN-002). */
static int
pn_query_check(const struct pn_file *f, const struct penalty_query *q,
    const struct pn_item **itp, const struct pn_band **bp, struct err *e)
{
	const struct pn_item	*it;
	const struct pn_band	*b = NULL;
	char			 v[DCK_SHOW];
	int			 k, rc;

	if (q->item == NULL || (k = pn_item_find(f, q->item)) < 0)
		return err_set(e, ERR_INVALID, "item", "unknown item %s in "
		    "version %s of the penalty items", dck_show(q->item, v),
		    f->version);
	it = &f->items[k];
	if ((int)q->party < 0 || q->party >= PENALTY_PARTY__COUNT)
		return err_set(e, ERR_INVALID, "party", "unknown party");
	if (it->nband[q->party] == 0)
		return err_set(e, ERR_INVALID, "party", "%s sets no penalty "
		    "for %s %s", it->id, q->party == PENALTY_UNIT ? "a" : "an",
		    pn_party_names[q->party]);
	if ((int)q->tier < 0 || q->tier >= PENALTY_TIER__COUNT)
		return err_set(e, ERR_INVALID, "tier", "unknown tier");
	if ((int)q->harm < 0 || q->harm > PENALTY_HARM_SERIOUS)
		return err_set(e, ERR_INVALID, "harm", "unknown harm");
	if (q->grounds & ~(unsigned)PENALTY_GROUNDS_ALL)
		return err_set(e, ERR_INVALID, "mitigating", "unknown ground");
	if (q->age >= 0 && q->party != PENALTY_INDIVIDUAL)
		return err_set(e, ERR_INVALID, "age", "an age is given for an "
		    "individual only (行政处罚法 art. 30)");
	if (q->age < -1 || q->age > PENALTY_AGE_MAX)
		return err_set(e, ERR_INVALID, "age", "an age is 0 to %d",
		    PENALTY_AGE_MAX);
	if ((rc = pn_band_choose(it, q, &b, e)) < 0)
		return rc;
	if (q->reduce) {
		if (q->grounds == 0 && !(q->party == PENALTY_INDIVIDUAL &&
		    q->age >= 14 && q->age < 18))
			return err_set(e, ERR_INVALID, "reduce", "reduced "
			    "punishment (减轻) needs a ground of 行政处罚法 "
			    "art. 32 (mitigating) or an age of 14 to 17 "
			    "(art. 30)");
		if (!it->reducible)
			return err_set(e, ERR_INVALID, "reduce", "%s allows no "
			    "reduced punishment (减轻)", it->id);
		if (b->min == 0)
			return err_set(e, ERR_INVALID, "reduce", "%s sets no "
			    "minimum fine for %s %s: there is nothing to go "
			    "below", it->id, q->party == PENALTY_UNIT ? "a" :
			    "an", pn_party_names[q->party]);
		if (pn_reduction(f, it, b, NULL) == 0)
			return err_set(e, ERR_INVALID, "reduce", "no whole "
			    "yuan lies between the reduction's floor and the "
			    "minimum of %s", it->id);
	}
	*itp = it;
	*bp = b;
	return 0;
}

/* The sub-range of tier over [min, max] (PEN-009). */
static struct penalty_range
pn_tier_range(const struct pn_tiers *t, enum penalty_tier tier,
    int64_t min, int64_t max)
{
	struct penalty_range	r;

	r.min = min + pn_share(max - min, t->from[tier]);
	r.max = min + pn_share(max - min, t->to[tier]);
	return r;
}

int
penalty_suggest(const struct penalty_query *q,
    struct penalty_suggestion *out, struct err *e)
{
	static const char	art30[] = "行政处罚法 art. 30";
	static const char	art32[] = "行政处罚法 art. 32";
	static const char	art33_1[] = "行政处罚法 art. 33 para 1";
	const struct pn_file	*f = NULL;
	const struct pn_item	*it = NULL;
	const struct pn_band	*b = NULL;
	struct penalty_suggestion *s = out;
	char			 grounds[160], range[32];
	int64_t			 lo, hi;
	int			 i, rc, none = 0, mandatory;

	if ((rc = pn_file_get(q->version, &f, e)) < 0 ||
	    (rc = pn_query_check(f, q, &it, &b, e)) < 0)
		return rc;

	memset(s, 0, offsetof(struct penalty_suggestion, rules));
	s->nrules = 0;
	s->version = f->version;
	s->item = it->id;
	s->name_zh = it->name_zh;
	s->basis = it->basis;
	s->authority = it->authority;
	s->measures = it->measures;
	s->band = it->nband[q->party] > 1 ? b->code : NULL;
	s->fire_service_decides = it->fire;
	s->party = q->party;
	s->tier = q->tier;
	s->statutory.min = b->min;
	s->statutory.max = b->max;
	s->warning = b->warning;
	s->window_months = f->window_months;
	s->template = !it->confirmed || !b->confirmed;
	s->on_the_spot = it->on_the_spot;
	for (i = 0; i < it->nlim; i++)
		s->limits[i] = it->lim[i];
	s->nlimits = it->nlim;

	/* PEN-003: the statutory range of the item, party and band. */
	snprintf(range, sizeof(range), "%lld to ", (long long)b->min);
	if (b->max == 0)
		pn_rule(s, "PEN-003", "statutory-range", PENALTY_RULE_APPLIED,
		    it->basis, "%s sets no fine for %s %s: a warning only",
		    it->id, q->party == PENALTY_UNIT ? "a" : "an",
		    pn_party_names[q->party]);
	else
		pn_rule(s, "PEN-003", "statutory-range", PENALTY_RULE_APPLIED,
		    it->basis, "%s for %s %s%s%s: %sa fine of %s%lld yuan",
		    it->id, q->party == PENALTY_UNIT ? "a" : "an",
		    pn_party_names[q->party], s->band != NULL ? ", band " : "",
		    s->band != NULL ? s->band : "", b->warning ?
		    "a warning or " : "", b->min == 0 ? "at most " : range,
		    (long long)b->max);

	/* PEN-004: the article fines only what is not corrected. */
	if (it->cond != PN_COND_NONE && q->corrected) {
		pn_rule(s, "PEN-004", "fine-condition", PENALTY_RULE_APPLIED,
		    it->basis, "%s punishes only %s; the party corrected: "
		    "no penalty under the article", it->id,
		    it->cond == PN_COND_DEADLINE ? "what is not corrected by "
		    "the deadline (逾期不改正)" : "a refusal to correct at "
		    "once (拒不改正)");
		none = 1;
	} else if (it->cond != PN_COND_NONE)
		pn_rule(s, "PEN-004", "fine-condition", PENALTY_RULE_APPLIED,
		    it->basis, "not corrected %s: the penalty of %s is due",
		    it->cond == PN_COND_DEADLINE ? "by the deadline" :
		    "when ordered", it->id);

	/* PEN-005: no penalty without subjective fault. */
	if (q->no_fault) {
		pn_rule(s, "PEN-005", "no-fault", PENALTY_RULE_APPLIED,
		    "行政处罚法 art. 33 para 2", "the party proved it had no "
		    "subjective fault (no law provides otherwise for fire "
		    "violations): no penalty");
		none = 1;
	}

	/* PEN-006: under 14, no penalty. */
	if (q->party == PENALTY_INDIVIDUAL && q->age >= 0 && q->age < 14) {
		pn_rule(s, "PEN-006", "age-under-14", PENALTY_RULE_APPLIED,
		    art30, "aged %d at the act, under 14: no penalty; the "
		    "guardian is ordered to discipline", q->age);
		none = 1;
	}

	/* PEN-007: minor, corrected in time, no harm: no penalty. */
	if (q->tier == PENALTY_TIER_MINOR && q->corrected &&
	    q->harm == PENALTY_HARM_NONE) {
		pn_rule(s, "PEN-007", "minor-corrected-no-harm",
		    PENALTY_RULE_APPLIED, art33_1, "a minor violation, "
		    "corrected in time%s, without harm: no penalty "
		    "(mandatory)%s", it->on_the_spot ? " (on the spot, as the "
		    "item's minor thresholds require)" : "", it->nlim > 0 ?
		    "; minor means within the item's thresholds (see minor)" :
		    "");
		for (i = 0; i < it->nlim; i++)
			s->template |= !it->lim[i].confirmed;
		none = 1;
	}

	if (none) {
		s->outcome = PENALTY_NO_PENALTY;
		pn_rule(s, "PEN-008", "education", PENALTY_RULE_APPLIED,
		    "行政处罚法 art. 33 para 3", "not punished: the party is "
		    "to be educated (批评教育)");
		return 0;
	}

	/* A warning is the only penalty (PEN-014). */
	if (b->max == 0) {
		s->outcome = PENALTY_WARNING;
		pn_rule(s, "PEN-014", "warning", PENALTY_RULE_APPLIED,
		    it->basis, "the penalty of %s is a warning (警告)",
		    it->id);
	} else {
		/* PEN-009: the tier's sub-range. */
		s->outcome = PENALTY_FINE;
		s->tier_range = pn_tier_range(&it->tiers, q->tier, b->min,
		    b->max);
		s->range = s->tier_range;
		s->template |= !it->tiers.confirmed;
		pn_rule(s, "PEN-009", "tier", PENALTY_RULE_APPLIED,
		    "行政处罚法 art. 34 (裁量基准)", "tier %s: %d-%d %% of "
		    "%lld-%lld = %lld to %lld yuan (amount = min + (max - "
		    "min) x pct, whole yuan)%s", pn_tier_names[q->tier],
		    it->tiers.from[q->tier], it->tiers.to[q->tier],
		    (long long)b->min, (long long)b->max,
		    (long long)s->tier_range.min, (long long)s->tier_range.max,
		    it->tiers.confirmed ? "" : "; the split is a template");
	}

	/* PEN-010: the first-violation exemption, proposed only. */
	if (q->first && q->corrected && q->harm != PENALTY_HARM_SERIOUS) {
		if (q->tier <= f->first_max_tier) {
			s->first_exemption = 1;
			s->template |= !f->first_confirmed;
			pn_rule(s, "PEN-010", "first-violation-exemption",
			    PENALTY_RULE_PROPOSED, art33_1, "first violation "
			    "within %d months, harm %s, corrected in time: "
			    "the officer may decide not to punish (首违不罚, "
			    "可以) and records why", f->window_months,
			    pn_harm_names[q->harm]);
		} else
			pn_rule(s, "PEN-010", "first-violation-exemption",
			    PENALTY_RULE_NOT_AVAILABLE, art33_1, "first "
			    "violation, corrected, harm %s, but tier %s is "
			    "above the exemption's limit (%s%s)",
			    pn_harm_names[q->harm], pn_tier_names[q->tier],
			    pn_tier_names[f->first_max_tier],
			    f->first_confirmed ? "" : ", a template");
	}

	if (s->outcome == PENALTY_FINE) {
		mandatory = q->grounds != 0 || (q->party ==
		    PENALTY_INDIVIDUAL && q->age >= 14 && q->age < 18);
		pn_grounds_text(q, grounds, sizeof(grounds));
		lo = s->tier_range.min;
		hi = lo + pn_share(s->tier_range.max - s->tier_range.min,
		    f->lighter_share);

		/* PEN-013: reduced punishment, the officer's choice. */
		if (mandatory)
			s->reducible = pn_reduction(f, it, b, &s->reduction);
		if (mandatory && q->reduce) {
			s->reduced = 1;
			s->range = s->reduction;
			s->template |= !f->mitigation_confirmed;
			pn_rule(s, "PEN-013", "reduction", PENALTY_RULE_APPLIED,
			    q->grounds ? art32 : art30, "reduced punishment "
			    "(减轻) chosen on %s: below the statutory minimum, "
			    "%lld to %lld yuan (floor %d %% of the minimum%s)",
			    grounds, (long long)s->reduction.min,
			    (long long)s->reduction.max, f->floor_pct,
			    f->mitigation_confirmed ? "" : ", a template");
		} else if (mandatory || q->self_found) {
			/* PEN-011, PEN-012: the lower part of the tier. */
			s->lighter = 1;
			s->range.min = lo;
			s->range.max = hi;
			s->template |= !f->mitigation_confirmed;
			if (mandatory)
				pn_rule(s, "PEN-011", "lighter",
				    PENALTY_RULE_APPLIED, q->grounds ? art32 :
				    art30, "lighter punishment (从轻, "
				    "mandatory) on %s: the lower %d %% of the "
				    "tier, %lld to %lld yuan", grounds,
				    f->lighter_share, (long long)lo,
				    (long long)hi);
		}
		if (q->self_found)
			pn_rule(s, "PEN-012", "self-found",
			    PENALTY_RULE_APPLIED, "裁量基准 (自查自纠, FACTS.md "
			    "§2.4)", "found by the party and being fixed "
			    "before the inspection: lighter punishment (从轻)"
			    "%s%lld to %lld yuan", s->reduced ? ", within the "
			    "reduced range " : mandatory ? ", as above, " :
			    ", the lower part of the tier, ",
			    (long long)s->range.min, (long long)s->range.max);
		if (mandatory && !q->reduce) {
			if (s->reducible)
				pn_rule(s, "PEN-013", "reduction",
				    PENALTY_RULE_AVAILABLE, q->grounds ?
				    art32 : art30, "instead of the lighter "
				    "range the officer may reduce (减轻) below "
				    "the statutory minimum: %lld to %lld yuan",
				    (long long)s->reduction.min,
				    (long long)s->reduction.max);
			else
				pn_rule(s, "PEN-013", "reduction",
				    PENALTY_RULE_NOT_AVAILABLE, q->grounds ?
				    art32 : art30, "%s", !it->reducible ?
				    "the item allows no reduced punishment "
				    "(减轻)" : "no statutory minimum fine to "
				    "go below");
		}
	}

	/* PEN-014: a warning instead of a fine, where the law allows it. */
	if (s->outcome == PENALTY_FINE && b->warning)
		pn_rule(s, "PEN-014", "warning", PENALTY_RULE_APPLIED,
		    it->basis, "the law allows a warning (警告) instead of a "
		    "fine");
	if (s->outcome == PENALTY_FINE && it->fine_optional)
		pn_rule(s, "PEN-004", "fine-optional", PENALTY_RULE_APPLIED,
		    it->basis, "the fine may be added (可以并处) to the other "
		    "measures; the officer may order those alone");

	/* PEN-015: the simple procedure (on the spot). */
	if (s->outcome == PENALTY_WARNING || (s->outcome == PENALTY_FINE &&
	    (b->warning || s->range.min <= f->simple[q->party]))) {
		s->simple_procedure = 1;
		if (s->outcome == PENALTY_WARNING)
			pn_rule(s, "PEN-015", "simple-procedure",
			    PENALTY_RULE_APPLIED, "行政处罚法 art. 51", "a "
			    "warning may be decided on the spot (简易程序) "
			    "when the facts are certain");
		else
			pn_rule(s, "PEN-015", "simple-procedure",
			    PENALTY_RULE_APPLIED, "行政处罚法 art. 51", "a "
			    "warning%s or a fine of at most %lld yuan for %s "
			    "may be decided on the spot (简易程序) when the "
			    "facts are certain", b->warning ? " (lawful here)" :
			    "", (long long)f->simple[q->party], q->party ==
			    PENALTY_UNIT ? "an organisation" : "a citizen");
	}
	return 0;
}

const char *
penalty_party_str(enum penalty_party p)
{
	return p == PENALTY_INDIVIDUAL ? "individual" : "unit";
}

const char *
penalty_tier_str(enum penalty_tier t)
{
	return (int)t >= 0 && t < PENALTY_TIER__COUNT ? pn_tier_names[t] :
	    "general";
}

const char *
penalty_harm_str(enum penalty_harm h)
{
	return (int)h >= 0 && h <= PENALTY_HARM_SERIOUS ? pn_harm_names[h] :
	    "none";
}

const char *
penalty_outcome_str(enum penalty_outcome o)
{
	switch (o) {
	case PENALTY_NO_PENALTY:
		return "no-penalty";
	case PENALTY_WARNING:
		return "warning";
	default:
		return "fine";
	}
}

const char *
penalty_rule_status_str(enum penalty_rule_status s)
{
	switch (s) {
	case PENALTY_RULE_PROPOSED:
		return "proposed";
	case PENALTY_RULE_AVAILABLE:
		return "available";
	case PENALTY_RULE_NOT_AVAILABLE:
		return "not-available";
	default:
		return "applied";
	}
}

const char *
penalty_amount_check_str(enum penalty_amount_check c)
{
	switch (c) {
	case PENALTY_AMOUNT_BELOW_RANGE:
		return "below-range";
	case PENALTY_AMOUNT_ABOVE_RANGE:
		return "above-range";
	case PENALTY_AMOUNT_BELOW_MINIMUM:
		return "below-minimum";
	case PENALTY_AMOUNT_ABOVE_MAXIMUM:
		return "above-maximum";
	case PENALTY_AMOUNT_NOT_DUE:
		return "not-due";
	default:
		return "in-range";
	}
}

json_t *
penalty_suggestion_json(const struct penalty_suggestion *s)
{
	const struct penalty_rule	*r;
	json_t				*o = json_object(), *x, *list;
	int				 i, fine;

	fine = s->outcome == PENALTY_FINE;
	json_object_set_new(o, "version", json_string(s->version));
	json_object_set_new(o, "item", json_string(s->item));
	json_object_set_new(o, "name", json_string(s->name_zh));
	json_object_set_new(o, "basis", json_string(s->basis));
	json_object_set_new(o, "authority", json_string(s->authority));
	json_object_set_new(o, "fire_service_decides",
	    json_boolean(s->fire_service_decides));
	json_object_set_new(o, "party", json_string(penalty_party_str(
	    s->party)));
	json_object_set_new(o, "band", s->band != NULL ?
	    json_string(s->band) : json_null());
	json_object_set_new(o, "tier", json_string(penalty_tier_str(s->tier)));
	x = pn_range_json(s->statutory.min, s->statutory.max);
	json_object_set_new(x, "warning", json_boolean(s->warning));
	json_object_set_new(o, "statutory", x);
	json_object_set_new(o, "outcome",
	    json_string(penalty_outcome_str(s->outcome)));
	json_object_set_new(o, "range", fine ? pn_range_json(s->range.min,
	    s->range.max) : json_null());
	json_object_set_new(o, "tier_range", fine ?
	    pn_range_json(s->tier_range.min, s->tier_range.max) :
	    json_null());
	json_object_set_new(o, "reduction", fine && s->reducible ?
	    pn_range_json(s->reduction.min, s->reduction.max) : json_null());
	json_object_set_new(o, "warning", json_boolean(s->outcome ==
	    PENALTY_WARNING || (fine && s->warning)));
	json_object_set_new(o, "simple_procedure",
	    json_boolean(s->simple_procedure));
	json_object_set_new(o, "measures", json_string(s->measures));
	x = json_object();
	json_object_set_new(x, "on_the_spot", json_boolean(s->on_the_spot));
	list = json_array();
	for (i = 0; i < s->nlimits; i++) {
		json_t	*l = json_object();

		json_object_set_new(l, "code", json_string(s->limits[i].code));
		json_object_set_new(l, "text", json_string(
		    s->limits[i].text_zh));
		json_object_set_new(l, "limit", s->limits[i].limit >= 0 ?
		    json_integer(s->limits[i].limit) : json_null());
		json_object_set_new(l, "confirmed",
		    json_boolean(s->limits[i].confirmed));
		json_array_append_new(list, l);
	}
	json_object_set_new(x, "limits", list);
	json_object_set_new(o, "minor", x);
	json_object_set_new(o, "template", json_boolean(s->template));
	list = json_array();
	for (i = 0; i < s->nrules; i++) {
		r = &s->rules[i];
		x = json_object();
		json_object_set_new(x, "id", json_string(r->id));
		json_object_set_new(x, "rule", json_string(r->rule));
		json_object_set_new(x, "status",
		    json_string(penalty_rule_status_str(r->status)));
		json_object_set_new(x, "source", json_string(r->source));
		json_object_set_new(x, "reason", json_string(r->reason));
		json_array_append_new(list, x);
	}
	json_object_set_new(o, "rules", list);
	return o;
}

int
penalty_answer_json(const struct penalty_query *q, int64_t yuan,
    json_t **out, struct err *e)
{
	struct penalty_suggestion	*s = xmalloc(sizeof(*s));
	enum penalty_amount_check	 check;
	int				 rc;

	if ((rc = penalty_suggest(q, s, e)) < 0 || (yuan >= 0 &&
	    (rc = penalty_check_amount(s, yuan, &check, e)) < 0)) {
		free(s);
		return rc;
	}
	*out = penalty_suggestion_json(s);
	if (yuan >= 0)
		json_object_set_new(*out, "amount", json_pack("{s:I, s:s}",
		    "yuan", (json_int_t)yuan, "check",
		    penalty_amount_check_str(check)));
	free(s);
	return 0;
}

/* PEN-017: a decided amount, in fen, against the suggestion. */
int
penalty_check_amount_fen(const struct penalty_suggestion *s, int64_t fen,
    enum penalty_amount_check *out, struct err *e)
{
	int64_t	lo, hi, floor;

	if (fen < 0 || fen > (int64_t)PENALTY_YUAN_MAX * 100)
		return err_set(e, ERR_INVALID, "amount", "an amount is 0 to "
		    "%d yuan", PENALTY_YUAN_MAX);
	if (s->outcome == PENALTY_NO_PENALTY) {
		*out = fen == 0 ? PENALTY_AMOUNT_IN_RANGE :
		    PENALTY_AMOUNT_NOT_DUE;
		return 0;
	}
	if (s->outcome == PENALTY_WARNING) {
		*out = fen == 0 ? PENALTY_AMOUNT_IN_RANGE :
		    PENALTY_AMOUNT_ABOVE_MAXIMUM;
		return 0;
	}
	lo = s->range.min * 100;
	hi = s->range.max * 100;
	if (fen >= lo && fen <= hi)
		*out = PENALTY_AMOUNT_IN_RANGE;
	else if (fen > s->statutory.max * 100)
		*out = PENALTY_AMOUNT_ABOVE_MAXIMUM;
	else if (fen > hi)
		*out = PENALTY_AMOUNT_ABOVE_RANGE;
	else {
		/*
		 * Below the range: lawful down to the statutory minimum (0,
		 * a warning, only where the law allows one), and down to
		 * the reduction's floor when 减轻 is open.
		 */
		floor = s->statutory.min * 100;
		if (floor == 0 && !s->warning)
			floor = 1;
		if (s->reducible && s->reduction.min * 100 < floor)
			floor = s->reduction.min * 100;
		*out = fen >= floor ? PENALTY_AMOUNT_BELOW_RANGE :
		    PENALTY_AMOUNT_BELOW_MINIMUM;
	}
	return 0;
}

int
penalty_check_amount(const struct penalty_suggestion *s, int64_t yuan,
    enum penalty_amount_check *out, struct err *e)
{
	if (yuan < 0 || yuan > PENALTY_YUAN_MAX)
		return err_set(e, ERR_INVALID, "amount", "an amount is 0 to "
		    "%d yuan", PENALTY_YUAN_MAX);
	return penalty_check_amount_fen(s, yuan * 100, out, e);
}

/* PEN-016: the norm with the higher fine. */
int
penalty_higher_norm(const char *version, const char *const *items, int n,
    enum penalty_party party, int *chosen, struct err *e)
{
	const struct pn_file	*f;
	const struct pn_item	*it;
	char			 v[DCK_SHOW];
	int64_t			 max, min, best_max = -1, best_min = -1;
	int			 i, j, k, b, best = -1, rc;

	if ((rc = pn_file_get(version, &f, e)) < 0)
		return rc;
	if ((int)party < 0 || party >= PENALTY_PARTY__COUNT)
		return err_set(e, ERR_INVALID, "party", "unknown party");
	if (n < 2 || n > PENALTY_NORMS_MAX || items == NULL)
		return err_set(e, ERR_INVALID, "items", "give 2 to %d items",
		    PENALTY_NORMS_MAX);
	for (i = 0; i < n; i++) {
		if (items[i] == NULL || (k = pn_item_find(f, items[i])) < 0)
			return err_set(e, ERR_INVALID, "items", "unknown item "
			    "%s in version %s of the penalty items",
			    dck_show(items[i], v), f->version);
		for (j = 0; j < i; j++)
			if (strcmp(items[j], items[i]) == 0)
				return err_set(e, ERR_INVALID, "items", "%s is "
				    "given twice", items[i]);
		it = &f->items[k];
		if (it->nband[party] == 0)
			return err_set(e, ERR_INVALID, "items", "%s sets no "
			    "penalty for %s %s", it->id, party ==
			    PENALTY_UNIT ? "a" : "an", pn_party_names[party]);
		/* A norm's fine: its highest band, then that band's min. */
		max = min = -1;
		for (b = 0; b < it->nband[party]; b++)
			if (it->band[party][b].max > max ||
			    (it->band[party][b].max == max &&
			    it->band[party][b].min > min)) {
				max = it->band[party][b].max;
				min = it->band[party][b].min;
			}
		if (max > best_max || (max == best_max && min > best_min)) {
			best = i;
			best_max = max;
			best_min = min;
		}
	}
	*chosen = best;
	return 0;
}
