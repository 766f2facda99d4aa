/*
 * The demo city (REG-030): `firewarden seed-demo` fills an empty registry
 * with a plausible, deterministic Dongguan.  Units are spread over the
 * towns by census population (towns.population, FACTS.md §8.2), take a
 * profile (key unit, hotel, shop, rental house …) in the proportions of
 * reg_seed_profiles[] below, get valid Dongguan USCCs, names and addresses
 * from the word lists in data/demo/, buildings and places whose numbers
 * agree with the key-unit thresholds of data/rules/key-units.json (a key
 * hotel has 50 rooms or more, a three-small shop 300 m² or less), and
 * people whose personal data is sealed as any other (P-1).
 *
 * Every unit draws from its own random stream (splitmix64 of the seed and
 * its number), so the same seed gives the same city.  Rows go in with
 * prepared statements in one transaction, with one audit entry for the
 * whole set ("registry.seed_demo", object seed/<id>, whose record holds
 * the SM3 digest of the generated content).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "audit.h"
#include "ident.h"
#include "pii.h"
#include "registry_int.h"
#include "registry_io.h"

#define SEED_GRIDS_MAX		8
#define SEED_BLOCK		1000	/* units a digest block */
#define SEED_NO_POPULATION	40000	/* weight of areas without a census
					 * figure (东莞港, 生态园, 滨海湾) */
#define SEED_WORDS_MAX		4096	/* entries of one word list */

/* Category bits (db/0003_registry.sql). */
#define C_KEY	1
#define C_HR	2
#define C_PG	4
#define C_CR	8
#define C_3S	16
#define C_RENT	32
#define C_SPEC	64

/* A word list; each entry has up to 3 tab-separated fields. */
struct seed_list {
	char	**f[3];
	int	 n;
};

struct seed_words {
	struct seed_list	surnames, given, brands, roads, villages, trades,
				shops, workshops, fun;
};

struct seed_town {
	char	 code[REG_TOWN_LEN + 1];
	char	 name[96];
	char	 brief[96];		/* 虎门 for 虎门镇 */
	int64_t	 weight;
	int64_t	 units;
	int	 ngrids;
	int64_t	 grid[SEED_GRIDS_MAX];
	char	 gcode[SEED_GRIDS_MAX][16];
};

struct seed_building {
	char		 name[256];
	const char	*use;
	int64_t		 floors_above, floors_below, height_cm, area;
	const char	*rating;
	int64_t		 occupancy;
	int		 control_room, sprinklers, alarm;
};

struct seed_place {
	char		 name[128];
	const char	*kind;
	int64_t		 area, rooms, beds, seats, occupancy;
	int		 underground;
};

struct seed_person {
	char	 name[32];
	char	 phone[16];
	char	 idno[20];
};

struct seed_unit {
	char			 name[256];
	char			 uscc[IDENT_USCC_LEN + 1];
	char			 address[256];
	const char		*industry;
	const char		*tsk;		/* three-small kind */
	int			 cats;
	int			 grid;		/* index in the town */
	struct seed_person	 p[3];		/* legal_rep, responsible, manager */
	int			 np;
	struct seed_building	 b;
	int			 nb;
	struct seed_place	 pl[2];
	int			 npl;
};

struct seed_rng {
	uint64_t	s;
};

struct seed_ctx {
	struct store		*st;
	struct actor		*who;
	const struct registry_seed_opts *o;
	struct seed_words	 w;
	struct seed_town	*towns;
	int			 ntowns;
	char			 by[24];
	int64_t			 now;
	int64_t			 units, grids, buildings, places, people;
	unsigned char		 digest[CRYPTO_SM3_LEN];
	struct buf		 block;
	int			 inblock;
};

static const char reg_seed_sql_town[] =
    "SELECT code, name, population FROM towns ORDER BY sort_order, code";
static const char reg_seed_sql_any[] = "SELECT id FROM units LIMIT 1";
static const char reg_seed_sql_grid_ins[] =
    "INSERT INTO grids (id, town_code, code, name, status, version, "
    "created_at, updated_at, created_by) VALUES (?, ?, ?, ?, 'active', 1, "
    "?, ?, ?) ON CONFLICT (town_code, code) DO NOTHING";
static const char reg_seed_sql_grid_id[] =
    "SELECT id FROM grids WHERE town_code = ? AND code = ?";
static const char reg_seed_sql_unit[] =
    "INSERT INTO units (id, name, name_key, uscc, address, town_code, "
    "grid_id, industry, categories, primary_category, three_small_kind, "
    "status, version, created_at, updated_at, created_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?, ?)";
static const char reg_seed_sql_contact[] =
    "INSERT INTO unit_contacts (unit_id, role, name_sealed, phone_sealed, "
    "phone_index, idno_sealed, idno_index) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char reg_seed_sql_building[] =
    "INSERT INTO buildings (id, unit_id, name, floors_above, floors_below, "
    "height_cm, floor_area_m2, use, fire_resistance_rating, occupancy, "
    "has_control_room, has_sprinklers, has_auto_alarm, status, version, "
    "created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, 'active', 1, ?, ?, ?)";
static const char reg_seed_sql_place[] =
    "INSERT INTO places (id, unit_id, building_id, name, kind, "
    "floor_area_m2, rooms, beds, seats, occupancy, underground, status, "
    "version, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, 'active', 1, ?, ?, ?)";
static const char reg_seed_sql_rec_ins[] =
    "INSERT INTO demo_seeds (id, actor, at, seed, units, grids, buildings, "
    "places, people, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char reg_seed_sql_rec_get[] =
    "SELECT id, actor, at, seed, units, grids, buildings, places, people, "
    "digest FROM demo_seeds WHERE id = ?";

/* Randomness: splitmix64, one stream a unit. */

static uint64_t
seed_next(struct seed_rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* lo..hi inclusive. */
static int64_t
seed_in(struct seed_rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(seed_next(r) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability pct %. */
static int
seed_pct(struct seed_rng *r, int pct)
{
	return (int)(seed_next(r) % 100) < pct;
}

static const char *
seed_pick(struct seed_rng *r, const struct seed_list *l, int field)
{
	return l->f[field][seed_next(r) % (uint64_t)l->n];
}

static int
seed_pick_i(struct seed_rng *r, const struct seed_list *l)
{
	return (int)(seed_next(r) % (uint64_t)l->n);
}

/* Word lists. */

static void
seed_list_free(struct seed_list *l)
{
	int	i, k;

	/* Fields 1 and 2 point into field 0's string. */
	for (i = 0; i < l->n; i++)
		free(l->f[0][i]);
	for (k = 0; k < 3; k++)
		free(l->f[k]);
	memset(l, 0, sizeof(*l));
}

static void
seed_words_free(struct seed_words *w)
{
	seed_list_free(&w->surnames);
	seed_list_free(&w->given);
	seed_list_free(&w->brands);
	seed_list_free(&w->roads);
	seed_list_free(&w->villages);
	seed_list_free(&w->trades);
	seed_list_free(&w->shops);
	seed_list_free(&w->workshops);
	seed_list_free(&w->fun);
}

/* Read dir/name: entries with at least nf fields (the first non-empty). */
static int
seed_list_read(const char *dir, const char *name, int nf,
    struct seed_list *l, struct err *e)
{
	FILE	*f;
	char	*path, line[512], *p, *t;
	size_t	 len;
	int	 k, cap = 0, lineno = 0, rc = 0;

	path = xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL) {
		rc = err_set(e, ERR_IO, "words", "cannot read %s: %s", path,
		    strerror(errno));
		free(path);
		return rc;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (!str_utf8_valid(line, len) || l->n == SEED_WORDS_MAX) {
			rc = err_set(e, ERR_INVALID, "words", "%s line %d: not "
			    "UTF-8, or too many entries", path, lineno);
			break;
		}
		if (l->n == cap) {
			cap = cap ? 2 * cap : 64;
			for (k = 0; k < 3; k++)
				l->f[k] = xrealloc(l->f[k], (size_t)cap *
				    sizeof(char *));
		}
		p = xstrdup(line);
		l->f[0][l->n] = p;
		l->f[1][l->n] = l->f[2][l->n] = NULL;
		for (k = 1; k < 3; k++) {
			if ((t = strchr(p, '\t')) == NULL)
				break;
			*t = '\0';
			p = t + 1;
			l->f[k][l->n] = p;
		}
		l->n++;
		if (k < nf) {
			rc = err_set(e, ERR_INVALID, "words", "%s line %d: want "
			    "%d tab-separated fields", path, lineno, nf);
			break;
		}
	}
	fclose(f);
	if (rc == 0 && l->n == 0)
		rc = err_set(e, ERR_INVALID, "words", "%s has no entries",
		    path);
	free(path);
	return rc;
}

static int
seed_words_read(const char *dir, struct seed_words *w, struct err *e)
{
	int	rc;

	if ((rc = seed_list_read(dir, "surnames.txt", 1, &w->surnames, e)) < 0 ||
	    (rc = seed_list_read(dir, "given.txt", 1, &w->given, e)) < 0 ||
	    (rc = seed_list_read(dir, "brands.txt", 1, &w->brands, e)) < 0 ||
	    (rc = seed_list_read(dir, "roads.txt", 1, &w->roads, e)) < 0 ||
	    (rc = seed_list_read(dir, "villages.txt", 1, &w->villages, e)) < 0 ||
	    (rc = seed_list_read(dir, "trades.txt", 2, &w->trades, e)) < 0 ||
	    (rc = seed_list_read(dir, "shops.txt", 2, &w->shops, e)) < 0 ||
	    (rc = seed_list_read(dir, "workshops.txt", 2, &w->workshops,
	    e)) < 0 ||
	    (rc = seed_list_read(dir, "fun.txt", 3, &w->fun, e)) < 0)
		return rc;
	return 0;
}

/* Identifiers. */

static const char seed_uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/*
 * A valid USCC (GB 32100) for unit number idx: registration type kind
 * ("91" enterprise, "92" individual business, "12" public institution,
 * "52" private non-enterprise unit), Dongguan's division code 441900, an
 * organisation code (GB 11714) unique per idx (an affine bijection of
 * idx < 10^7: "MA" + 6 characters of the code set, or a digit and 7
 * digits) with its check character, and the check character of the
 * whole.
 */
static void
seed_uscc(const char *kind, uint64_t idx, uint64_t salt, int numeric,
    char out[IDENT_USCC_LEN + 1])
{
	static const int	ow[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	static const int	uw[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29,
	    25, 13, 8, 24, 10, 30, 28 };
	char			 body[9];
	uint64_t		 v;
	int			 i, s = 0, c, x;

	if (numeric) {
		/* Older codes: a leading 3, 5, 6 or 7, then seven digits;
		 * 10000019 is prime to 10^7: a bijection of 0..10^7-1. */
		v = (idx * 10000019ULL + salt) % 10000000ULL;
		snprintf(body, sizeof(body), "%c%07llu",
		    "3567"[(idx ^ salt) & 3], (unsigned long long)v);
	} else {
		/* 31^6 = 887503681; 3^18 is prime to it. */
		v = (idx * 387420489ULL + salt) % 887503681ULL;
		body[0] = 'M';
		body[1] = 'A';
		for (i = 7; i >= 2; i--) {
			body[i] = seed_uscc_set[v % 31];
			v /= 31;
		}
		body[8] = '\0';
	}
	snprintf(out, IDENT_USCC_LEN + 1, "%s441900%s", kind, body);
	for (i = 0; i < 8; i++) {
		x = body[i];
		s += (x >= '0' && x <= '9' ? x - '0' : x - 'A' + 10) * ow[i];
	}
	c = 11 - s % 11;
	out[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	s = 0;
	for (i = 0; i < 17; i++)
		s += (int)(strchr(seed_uscc_set, out[i]) - seed_uscc_set) *
		    uw[i];
	c = 31 - s % 31;
	out[17] = seed_uscc_set[c == 31 ? 0 : c];
	out[18] = '\0';
}

/* A valid ID number (GB 11643) of someone born 1960-1999 in Dongguan. */
static void
seed_idno(struct seed_rng *r, char out[20])
{
	static const int	w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9,
	    10, 5, 8, 4, 2 };
	int			 i, s = 0;

	snprintf(out, 20, "441900%04d%02d%02d%03d",
	    (int)seed_in(r, 1960, 1999), (int)seed_in(r, 1, 12),
	    (int)seed_in(r, 1, 28), (int)seed_in(r, 1, 999));
	for (i = 0; i < 17; i++)
		s += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[s % 11];
	out[18] = '\0';
}

static void
seed_person(struct seed_ctx *c, struct seed_rng *r, struct seed_person *p,
    int phone, int idno)
{
	static const char *const	pre[] = { "135", "136", "137", "138",
	    "139", "150", "152", "158", "159", "186", "188", "189", "133",
	    "180", "177", "199" };

	snprintf(p->name, sizeof(p->name), "%s%s%s",
	    seed_pick(r, &c->w.surnames, 0), seed_pick(r, &c->w.given, 0),
	    seed_pct(r, 70) ? seed_pick(r, &c->w.given, 0) : "");
	p->phone[0] = p->idno[0] = '\0';
	if (phone)
		snprintf(p->phone, sizeof(p->phone), "%s%08d",
		    pre[seed_next(r) % 16], (int)seed_in(r, 0, 99999999));
	if (idno)
		seed_idno(r, p->idno);
}

/* Profiles. */

enum seed_kind {
	/* 火灾高危单位 (also key units) */
	SK_HR_MALL, SK_HR_HOTEL, SK_HR_HOSPITAL, SK_HR_FACTORY, SK_HR_FUN,
	/* 消防安全重点单位 */
	SK_KEY_HOTEL, SK_KEY_MALL, SK_KEY_HOSPITAL, SK_KEY_SCHOOL,
	SK_KEY_KINDER, SK_KEY_ELDERLY, SK_KEY_FACTORY, SK_KEY_FUN,
	SK_KEY_FUEL, SK_KEY_CHEM, SK_KEY_STATION, SK_KEY_OFFICE,
	/* 公众聚集场所 below the key thresholds */
	SK_RESTAURANT, SK_HOTEL, SK_MARKET, SK_NETCAFE,
	/* 人员密集场所 below the key thresholds */
	SK_SCHOOL, SK_KINDER, SK_CLINIC, SK_ELDERLY, SK_FACTORY_DORM,
	/* 特种行业 */
	SK_CAR_REPAIR, SK_PAWN, SK_SEAL, SK_SCRAP,
	/* 三小场所 */
	SK_SHOP, SK_WORKSHOP, SK_FUN,
	SK_RENTAL,
	SK_COMPANY, SK_COMPANY_FACTORY,
};

/*
 * Shares per 100 000 units.  Key units ≈ 0.2 % and high-risk units ≈
 * 0.05 % (Dongguan listed 2 213 key and 155 high-risk units in 2018,
 * FACTS.md §8.3); three-small places ≈ 34 % (580 000 of 1.73 million
 * market entities) and rental houses ≈ 22 % (386 000 under grid
 * management) follow the grid-management figures of §8.3; the rest are
 * ordinary companies, a fifth of them with a factory building.
 */
static const struct {
	int	kind;
	int	share;
} reg_seed_profiles[] = {
	{ SK_HR_MALL, 10 }, { SK_HR_HOTEL, 10 }, { SK_HR_HOSPITAL, 10 },
	{ SK_HR_FACTORY, 10 }, { SK_HR_FUN, 10 },
	{ SK_KEY_HOTEL, 40 }, { SK_KEY_MALL, 30 }, { SK_KEY_HOSPITAL, 15 },
	{ SK_KEY_SCHOOL, 20 }, { SK_KEY_KINDER, 10 }, { SK_KEY_ELDERLY, 10 },
	{ SK_KEY_FACTORY, 35 }, { SK_KEY_FUN, 15 }, { SK_KEY_FUEL, 10 },
	{ SK_KEY_CHEM, 5 }, { SK_KEY_STATION, 3 }, { SK_KEY_OFFICE, 7 },
	{ SK_RESTAURANT, 1500 }, { SK_HOTEL, 700 }, { SK_MARKET, 500 },
	{ SK_NETCAFE, 300 },
	{ SK_SCHOOL, 300 }, { SK_KINDER, 400 }, { SK_CLINIC, 300 },
	{ SK_ELDERLY, 100 }, { SK_FACTORY_DORM, 400 },
	{ SK_CAR_REPAIR, 500 }, { SK_PAWN, 100 }, { SK_SEAL, 100 },
	{ SK_SCRAP, 300 },
	{ SK_SHOP, 20000 }, { SK_WORKSHOP, 9000 }, { SK_FUN, 5000 },
	{ SK_RENTAL, 22000 },
	{ SK_COMPANY, 30000 }, { SK_COMPANY_FACTORY, 8250 },
	{ -1, 0 },
};

static int
seed_profile(struct seed_rng *r)
{
	int64_t	x = seed_in(r, 0, 99999), acc = 0;
	int	i;

	for (i = 0; reg_seed_profiles[i].kind >= 0; i++) {
		acc += reg_seed_profiles[i].share;
		if (x < acc)
			return reg_seed_profiles[i].kind;
	}
	return SK_COMPANY;
}

static void
seed_b(struct seed_unit *u, const char *name, const char *use, int64_t above,
    int64_t below, int64_t height_cm, int64_t area, const char *rating,
    int64_t occ, int systems)
{
	struct seed_building	*b = &u->b;

	snprintf(b->name, sizeof(b->name), "%s", name);
	b->use = use;
	b->floors_above = above;
	b->floors_below = below;
	b->height_cm = height_cm;
	b->area = area;
	b->rating = rating;
	b->occupancy = occ;
	b->control_room = systems;
	b->sprinklers = systems;
	b->alarm = systems;
	u->nb = 1;
}

static struct seed_place *
seed_p(struct seed_unit *u, const char *name, const char *kind, int64_t area)
{
	struct seed_place	*p = &u->pl[u->npl++];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->kind = kind;
	p->area = area;
	return p;
}

/* A building of floors storeys about 3.2 m high (centimetres). */
static int64_t
seed_height(struct seed_rng *r, int64_t floors)
{
	return floors * 320 + seed_in(r, 0, 150);
}

/* A company name: 东莞市华兴五金制品有限公司, 华兴（东莞）服装有限公司. */
static void
seed_company(struct seed_ctx *c, struct seed_rng *r, const char *brand,
    const char *trade, char *out, size_t n)
{
	static const char *const	sfx[] = { "有限公司", "实业有限公司",
	    "有限公司", "科技有限公司" };
	const char			*s = sfx[seed_next(r) % 4];

	if (strstr(trade, "科技") != NULL && strstr(s, "科技") != NULL)
		s = "有限公司";
	if (seed_pct(r, 10))
		snprintf(out, n, "%s（东莞）%s有限公司", brand, trade);
	else
		snprintf(out, n, "东莞市%s%s%s", brand, trade, s);
	(void)c;
}

static const char *
seed_rating(struct seed_rng *r, int big)
{
	static const char *const	big_r[] = { "一级", "二级" };
	static const char *const	small_r[] = { "二级", "二级", "三级" };

	return big ? big_r[seed_next(r) % 2] : small_r[seed_next(r) % 3];
}

/*
 * Make unit number idx of town t.  The numbers stay on the right side of
 * the thresholds in data/rules/key-units.json: key and high-risk units
 * meet a key rule (and only high-risk ones a high-risk rule), the others
 * meet none.
 */
static void
seed_unit_make(struct seed_ctx *c, const struct seed_town *t, uint64_t idx,
    struct seed_rng *r, struct seed_unit *u)
{
	const char	*brand = seed_pick(r, &c->w.brands, 0);
	const char	*road = seed_pick(r, &c->w.roads, 0);
	const char	*village = seed_pick(r, &c->w.villages, 0);
	const char	*uk = "91", *w;
	char		 tmp[160];
	int64_t		 num = seed_in(r, 1, 388), fl, x, y;
	int		 kind = seed_profile(r), i, people = 0, idno = 0;
	struct seed_place *p;

	memset(u, 0, sizeof(*u));
	u->grid = (int)seed_in(r, 0, t->ngrids - 1);
	if (seed_pct(r, 50))
		snprintf(u->address, sizeof(u->address), "东莞市%s%s社区%s%lld号",
		    t->name, village, road, (long long)num);
	else
		snprintf(u->address, sizeof(u->address), "东莞市%s%s%lld号",
		    t->name, road, (long long)num);
	switch (kind) {
	case SK_HR_MALL:
		u->cats = C_HR | C_KEY | C_PG;
		u->industry = "F52";
		snprintf(u->name, sizeof(u->name), "东莞%s购物广场", brand);
		x = seed_in(r, 12000, 60000);
		fl = seed_in(r, 4, 8);
		seed_b(u, u->name, "public", fl, 2, seed_height(r, fl),
		    x + x / 4, seed_rating(r, 1), x / 3, 1);
		p = seed_p(u, "商场", "mall", x);
		p->occupancy = x / 3;
		people = idno = 1;
		break;
	case SK_HR_HOTEL:
		u->cats = C_HR | C_KEY | C_PG | C_SPEC;
		u->industry = "H61";
		snprintf(u->name, sizeof(u->name), "东莞%s大酒店", brand);
		x = seed_in(r, 150, 400);
		fl = seed_in(r, 18, 40);
		seed_b(u, "主楼", "public", fl, 2, seed_height(r, fl), x * 90,
		    "一级", x * 2, 1);
		p = seed_p(u, "客房部", "hotel", x * 45);
		p->rooms = x;
		p->beds = x * 16 / 10 + 1;
		p->occupancy = p->beds;
		people = idno = 1;
		break;
	case SK_HR_HOSPITAL:
		u->cats = C_HR | C_KEY | C_CR;
		u->industry = "Q84";
		uk = "12";
		snprintf(u->name, sizeof(u->name), "东莞%s%s医院", t->brief,
		    brand);
		x = seed_in(r, 250, 1200);
		fl = seed_in(r, 8, 20);
		seed_b(u, "住院楼", "public", fl, 1, seed_height(r, fl), x * 80,
		    "一级", x * 3, 1);
		p = seed_p(u, "住院部", "hospital", x * 60);
		p->beds = x;
		p->occupancy = x * 2;
		people = idno = 1;
		break;
	case SK_HR_FACTORY:
		u->cats = C_HR | C_KEY | C_CR;
		i = seed_pick_i(r, &c->w.trades);
		while (c->w.trades.f[2][i] == NULL)
			i = (i + 1) % c->w.trades.n;
		u->industry = c->w.trades.f[1][i];
		seed_company(c, r, brand, c->w.trades.f[0][i], u->name,
		    sizeof(u->name));
		x = seed_in(r, 2600, 9000);
		fl = seed_in(r, 3, 6);
		seed_b(u, "1号厂房", "factory", fl, 0, seed_height(r, fl),
		    x * fl, "二级", seed_in(r, 150, 900), 1);
		p = seed_p(u, "生产车间", "factory", x);
		p->occupancy = u->b.occupancy;
		people = idno = 1;
		break;
	case SK_HR_FUN:
		u->cats = C_HR | C_KEY | C_PG;
		u->industry = "R90";
		snprintf(u->name, sizeof(u->name), "%s娱乐城", brand);
		x = seed_in(r, 2200, 6000);
		seed_b(u, u->name, "public", 4, 1, seed_height(r, 4), x * 2,
		    "一级", x / 2, 1);
		p = seed_p(u, "KTV", "entertainment", x);
		p->occupancy = x / 2;
		people = idno = 1;
		break;
	case SK_KEY_HOTEL:
		u->cats = C_KEY | C_PG | C_SPEC;
		u->industry = "H61";
		snprintf(u->name, sizeof(u->name), seed_pct(r, 50) ?
		    "东莞%s酒店" : "%s大酒店", brand);
		x = seed_in(r, 60, 120);
		fl = seed_in(r, 6, 14);
		seed_b(u, "主楼", "public", fl, 1, seed_height(r, fl), x * 70,
		    seed_rating(r, 1), x * 2, 1);
		p = seed_p(u, "客房部", "hotel", x * 40);
		p->rooms = x;
		p->beds = x * 3 / 2;
		p->occupancy = p->beds;
		people = idno = 1;
		break;
	case SK_KEY_MALL:
		u->cats = C_KEY | C_PG;
		u->industry = "F52";
		snprintf(u->name, sizeof(u->name), "%s%s商业广场", t->brief,
		    brand);
		x = seed_in(r, 1200, 9500);
		fl = seed_in(r, 2, 6);
		seed_b(u, u->name, "public", fl, 1, seed_height(r, fl), x + x / 5,
		    seed_rating(r, 1), x / 3, 1);
		p = seed_p(u, "卖场", "mall", x);
		p->occupancy = x / 3;
		people = idno = 1;
		break;
	case SK_KEY_HOSPITAL:
		u->cats = C_KEY | C_CR;
		u->industry = "Q84";
		uk = seed_pct(r, 50) ? "12" : "91";
		snprintf(u->name, sizeof(u->name), "东莞%s%s医院", t->brief,
		    brand);
		x = seed_in(r, 60, 190);
		fl = seed_in(r, 4, 7);
		seed_b(u, "住院楼", "public", fl, 1, seed_height(r, fl), x * 70,
		    seed_rating(r, 1), x * 3, 1);
		p = seed_p(u, "住院部", "hospital", x * 50);
		p->beds = x;
		p->occupancy = x * 2;
		people = idno = 1;
		break;
	case SK_KEY_SCHOOL:
		u->cats = C_KEY | C_CR;
		u->industry = "P83";
		uk = seed_pct(r, 60) ? "12" : "52";
		snprintf(u->name, sizeof(u->name), "东莞市%s%s学校", t->brief,
		    brand);
		x = seed_in(r, 150, 900);
		seed_b(u, "学生宿舍楼", "public", 6, 0, seed_height(r, 6), x * 12,
		    "二级", x, 1);
		p = seed_p(u, "宿舍", "school", x * 8);
		p->beds = x;
		p->occupancy = x * 2;
		people = idno = 1;
		break;
	case SK_KEY_KINDER:
		u->cats = C_KEY | C_CR;
		u->industry = "P83";
		uk = "52";
		snprintf(u->name, sizeof(u->name), "东莞市%s%s幼儿园", t->brief,
		    brand);
		x = seed_in(r, 60, 150);
		seed_b(u, "教学楼", "public", 3, 0, seed_height(r, 3), x * 25,
		    "二级", x * 3, 1);
		p = seed_p(u, "寄宿部", "kindergarten", x * 10);
		p->beds = x;
		p->occupancy = seed_in(r, 150, 400);
		people = idno = 1;
		break;
	case SK_KEY_ELDERLY:
		u->cats = C_KEY | C_CR;
		u->industry = "Q85";
		uk = "52";
		snprintf(u->name, sizeof(u->name), "东莞市%s%s养老院", t->brief,
		    brand);
		x = seed_in(r, 60, 190);
		seed_b(u, "颐养楼", "public", 5, 0, seed_height(r, 5), x * 40,
		    "二级", x * 2, 1);
		p = seed_p(u, "护理区", "elderly_care", x * 30);
		p->beds = x;
		p->occupancy = x + x / 2;
		people = idno = 1;
		break;
	case SK_KEY_FACTORY:
		u->cats = C_KEY | C_CR;
		i = seed_pick_i(r, &c->w.trades);
		while (c->w.trades.f[2][i] == NULL)
			i = (i + 1) % c->w.trades.n;
		u->industry = c->w.trades.f[1][i];
		seed_company(c, r, brand, c->w.trades.f[0][i], u->name,
		    sizeof(u->name));
		x = seed_in(r, 120, 600);
		y = seed_in(r, 800, 2400);
		fl = seed_in(r, 2, 5);
		seed_b(u, "1号厂房", "factory", fl, 0, seed_height(r, fl), y * fl,
		    "二级", x, 1);
		p = seed_p(u, "生产车间", "factory", y);
		p->occupancy = x;
		p = seed_p(u, "员工宿舍", "dormitory", x * 6);
		p->beds = x;
		people = idno = 1;
		break;
	case SK_KEY_FUN:
		u->cats = C_KEY | C_PG;
		u->industry = "R90";
		snprintf(u->name, sizeof(u->name), "%s%sKTV", t->brief, brand);
		x = seed_in(r, 250, 1900);
		seed_b(u, u->name, "public", 3, 0, seed_height(r, 3), x * 3,
		    "二级", x / 2, 1);
		p = seed_p(u, "歌舞厅", "entertainment", x);
		p->occupancy = x / 2;
		people = idno = 1;
		break;
	case SK_KEY_FUEL:
		u->cats = C_KEY;
		u->industry = "F52";
		snprintf(u->name, sizeof(u->name), "东莞%s%s加油站", t->brief,
		    brand);
		seed_b(u, "站房", "public", 1, 0, 550, seed_in(r, 150, 400),
		    "二级", 10, 0);
		seed_p(u, "加油区", "fuel_station", seed_in(r, 300, 1500));
		people = idno = 1;
		break;
	case SK_KEY_CHEM:
		u->cats = C_KEY;
		u->industry = "C26";
		snprintf(u->name, sizeof(u->name), "东莞市%s化工有限公司", brand);
		seed_b(u, "甲类仓库", "warehouse", 1, 0, 750,
		    seed_in(r, 500, 3000), "一级", 20, 1);
		seed_p(u, "危化品仓库", "chemical", u->b.area);
		people = idno = 1;
		break;
	case SK_KEY_STATION:
		u->cats = C_KEY | C_PG;
		u->industry = "G54";
		snprintf(u->name, sizeof(u->name), "东莞%s汽车客运站", t->brief);
		x = seed_in(r, 600, 3000);
		seed_b(u, "候车楼", "public", 2, 0, seed_height(r, 2), x * 2,
		    "二级", x, 1);
		p = seed_p(u, "候车厅", "station", x);
		p->occupancy = x;
		people = idno = 1;
		break;
	case SK_KEY_OFFICE:
		u->cats = C_KEY;
		u->industry = "L72";
		snprintf(u->name, sizeof(u->name), "东莞市%s投资有限公司", brand);
		fl = seed_in(r, 9, 15);
		snprintf(tmp, sizeof(tmp), "%s大厦", brand);
		/* Above 24 m, not above 50 m: key, not high-risk. */
		seed_b(u, tmp, "public", fl, 2, 2600 + fl * 150, fl * 1500,
		    "一级", fl * 120, 1);
		p = seed_p(u, "写字楼", "office", fl * 1300);
		p->occupancy = fl * 120;
		people = idno = 1;
		break;
	case SK_RESTAURANT:
		u->cats = C_PG;
		u->industry = "H62";
		snprintf(u->name, sizeof(u->name), seed_pct(r, 50) ? "%s酒家" :
		    "%s海鲜酒楼", brand);
		x = seed_in(r, 120, 1500);
		seed_b(u, u->name, "mixed", 3, 0, seed_height(r, 3), x * 2,
		    seed_rating(r, 0), x / 2, 0);
		p = seed_p(u, "餐厅", "restaurant", x);
		p->seats = x / 2;
		p->occupancy = x / 2;
		people = 1;
		break;
	case SK_HOTEL:
		u->cats = C_PG | C_SPEC;
		u->industry = "H61";
		snprintf(u->name, sizeof(u->name), seed_pct(r, 50) ? "%s宾馆" :
		    "%s商务酒店", brand);
		x = seed_in(r, 8, 45);
		fl = seed_in(r, 2, 7);
		seed_b(u, u->name, "public", fl, 0, seed_height(r, fl), x * 45,
		    seed_rating(r, 0), x * 2, 0);
		p = seed_p(u, "客房", "hotel", x * 30);
		p->rooms = x;
		p->beds = x * 3 / 2;
		p->occupancy = p->beds;
		people = 1;
		break;
	case SK_MARKET:
		u->cats = C_PG;
		u->industry = "F52";
		snprintf(u->name, sizeof(u->name), "%s%s农贸市场", t->brief,
		    village);
		x = seed_in(r, 200, 950);
		seed_b(u, u->name, "public", 1, 0, 600, x, "二级", x / 4, 0);
		p = seed_p(u, "市场", "market", x);
		p->occupancy = x / 4;
		people = 1;
		break;
	case SK_NETCAFE:
		u->cats = C_PG;
		u->industry = "R90";
		uk = "92";
		snprintf(u->name, sizeof(u->name), "%s%s网咖", t->brief, brand);
		x = seed_in(r, 100, 190);
		seed_b(u, u->name, "mixed", 3, 0, seed_height(r, 3), x * 3,
		    seed_rating(r, 0), x / 2, 0);
		p = seed_p(u, "网吧", "internet_cafe", x);
		p->seats = x / 3;
		p->occupancy = x / 3;
		people = 1;
		break;
	case SK_SCHOOL:
		u->cats = C_CR;
		u->industry = "P83";
		uk = "12";
		snprintf(u->name, sizeof(u->name), "东莞市%s%s小学", t->brief,
		    village);
		x = seed_in(r, 300, 2000);
		seed_b(u, "教学楼", "public", 5, 0, seed_height(r, 5), x * 6,
		    "二级", x, 0);
		p = seed_p(u, "校舍", "school", x * 5);
		p->beds = seed_in(r, 0, 90);
		p->occupancy = x;
		people = 1;
		break;
	case SK_KINDER:
		u->cats = C_CR;
		u->industry = "P83";
		uk = "52";
		snprintf(u->name, sizeof(u->name), "东莞市%s%s幼儿园", t->brief,
		    brand);
		x = seed_in(r, 60, 190);
		seed_b(u, "教学楼", "public", 3, 0, seed_height(r, 3), x * 12,
		    "二级", x + 20, 0);
		p = seed_p(u, "园舍", "kindergarten", x * 8);
		p->beds = seed_in(r, 0, 40);
		p->occupancy = x;
		people = 1;
		break;
	case SK_CLINIC:
		u->cats = C_CR;
		u->industry = "Q84";
		snprintf(u->name, sizeof(u->name), "东莞%s%s门诊部", t->brief,
		    brand);
		x = seed_in(r, 0, 45);
		seed_b(u, u->name, "mixed", 3, 0, seed_height(r, 3),
		    seed_in(r, 300, 1500), seed_rating(r, 0), 60, 0);
		p = seed_p(u, "诊区", "hospital", seed_in(r, 200, 1200));
		p->beds = x;
		p->occupancy = 60;
		people = 1;
		break;
	case SK_ELDERLY:
		u->cats = C_CR;
		u->industry = "Q85";
		uk = "52";
		snprintf(u->name, sizeof(u->name), "东莞市%s%s颐养院", t->brief,
		    brand);
		x = seed_in(r, 10, 45);
		seed_b(u, "颐养楼", "public", 3, 0, seed_height(r, 3), x * 40,
		    "二级", x * 2, 0);
		p = seed_p(u, "护理区", "elderly_care", x * 25);
		p->beds = x;
		p->occupancy = x + 10;
		people = 1;
		break;
	case SK_FACTORY_DORM:
		u->cats = C_CR;
		i = seed_pick_i(r, &c->w.trades);
		u->industry = c->w.trades.f[1][i];
		seed_company(c, r, brand, c->w.trades.f[0][i], u->name,
		    sizeof(u->name));
		x = seed_in(r, 30, 95);
		y = seed_in(r, 300, 2000);
		seed_b(u, "厂房", "factory", 3, 0, seed_height(r, 3), y * 3,
		    seed_rating(r, 0), x, 0);
		p = seed_p(u, "生产车间", "factory", y);
		p->occupancy = x;
		p = seed_p(u, "员工宿舍", "dormitory", x * 5);
		p->beds = x;
		people = 1;
		break;
	case SK_CAR_REPAIR:
	case SK_PAWN:
	case SK_SEAL:
		u->cats = C_SPEC;
		uk = kind == SK_PAWN ? "91" : "92";
		u->industry = kind == SK_PAWN ? "J66" : kind == SK_SEAL ? "O81" :
		    "O81";
		w = kind == SK_PAWN ? "典当行" : kind == SK_SEAL ? "刻章店" :
		    "汽车维修中心";
		if (kind == SK_PAWN)
			snprintf(u->name, sizeof(u->name), "东莞市%s典当有限公司",
			    brand);
		else
			snprintf(u->name, sizeof(u->name), "%s%s%s", t->brief,
			    brand, w);
		x = kind == SK_CAR_REPAIR ? seed_in(r, 80, 300) :
		    seed_in(r, 10, 120);
		seed_b(u, u->name, "mixed", 2, 0, seed_height(r, 2), x * 2,
		    seed_rating(r, 0), 10, 0);
		seed_p(u, w, "shop", x);
		break;
	case SK_SCRAP:
		u->cats = C_SPEC;
		uk = "92";
		u->industry = "F51";
		snprintf(u->name, sizeof(u->name), "东莞市%s%s废旧物资回收站",
		    t->brief, brand);
		x = seed_in(r, 200, 1500);
		seed_b(u, "仓库", "warehouse", 1, 0, 600, x, "三级", 8, 0);
		seed_p(u, "堆场", "warehouse", x);
		break;
	case SK_SHOP:
		u->cats = C_3S;
		u->tsk = "shop";
		uk = "92";
		i = seed_pick_i(r, &c->w.shops);
		u->industry = c->w.shops.f[1][i];
		if (seed_pct(r, 40))
			snprintf(u->name, sizeof(u->name), "%s%s记%s", t->brief,
			    seed_pick(r, &c->w.surnames, 0),
			    c->w.shops.f[0][i]);
		else
			snprintf(u->name, sizeof(u->name), "%s%s%s", t->brief,
			    brand, c->w.shops.f[0][i]);
		fl = seed_in(r, 2, 6);
		x = seed_in(r, 15, 300);
		seed_b(u, "临街楼", seed_pct(r, 60) ? "mixed" : "residential", fl,
		    0, seed_height(r, fl), seed_in(r, 150, 250) * fl,
		    seed_rating(r, 0), 5, 0);
		p = seed_p(u, c->w.shops.f[0][i], "shop", x);
		p->occupancy = x / 10 + 2;
		break;
	case SK_WORKSHOP:
		u->cats = C_3S;
		u->tsk = "workshop";
		uk = "92";
		i = seed_pick_i(r, &c->w.workshops);
		u->industry = c->w.workshops.f[1][i];
		snprintf(u->name, sizeof(u->name), "东莞市%s%s%s", t->brief,
		    brand, c->w.workshops.f[0][i]);
		/* 小作坊: at most 24 m high, at most 250 m² a floor. */
		fl = seed_in(r, 1, 4);
		y = seed_in(r, 80, 250);
		seed_b(u, "厂房", "factory", fl, 0, seed_height(r, fl), y * fl,
		    seed_rating(r, 0), seed_in(r, 5, 40), 0);
		p = seed_p(u, "加工场", "workshop", y * fl);
		p->occupancy = u->b.occupancy;
		break;
	case SK_FUN:
		u->cats = C_3S;
		u->tsk = "entertainment";
		uk = "92";
		i = seed_pick_i(r, &c->w.fun);
		u->industry = c->w.fun.f[1][i];
		snprintf(u->name, sizeof(u->name), "%s%s%s", t->brief, brand,
		    c->w.fun.f[0][i]);
		/* 小娱乐场所: below 200 m² (200 m² makes a key unit). */
		x = seed_in(r, 30, 190);
		seed_b(u, "临街楼", "mixed", 3, 0, seed_height(r, 3), x * 3,
		    seed_rating(r, 0), x / 4, 0);
		p = seed_p(u, c->w.fun.f[0][i], c->w.fun.f[2][i], x);
		p->occupancy = x / 4 + 2;
		break;
	case SK_RENTAL:
		u->cats = C_RENT;
		uk = NULL;
		u->industry = "K70";
		snprintf(u->address, sizeof(u->address), "东莞市%s%s村%s%lld号",
		    t->name, village, road, (long long)num);
		snprintf(u->name, sizeof(u->name), "%s村%s%lld号出租屋", village,
		    road, (long long)num);
		fl = seed_in(r, 3, 7);
		x = seed_in(r, 6, 40);
		seed_b(u, "出租屋", "residential", fl, 0, seed_height(r, fl),
		    seed_in(r, 80, 200) * fl, seed_rating(r, 0), x * 2, 0);
		p = seed_p(u, "出租房间", "rental_housing", x * 20);
		p->rooms = x;
		p->occupancy = x * 3 / 2;
		break;
	case SK_COMPANY_FACTORY:
		i = seed_pick_i(r, &c->w.trades);
		u->industry = c->w.trades.f[1][i];
		seed_company(c, r, brand, c->w.trades.f[0][i], u->name,
		    sizeof(u->name));
		fl = seed_in(r, 1, 5);
		y = seed_in(r, 300, 2400);
		seed_b(u, "厂房", "factory", fl, 0, seed_height(r, fl), y * fl,
		    seed_rating(r, 0), seed_in(r, 10, 95), 0);
		p = seed_p(u, "车间", "factory", y);
		p->occupancy = u->b.occupancy;
		break;
	default:
		i = seed_pick_i(r, &c->w.trades);
		u->industry = c->w.trades.f[1][i];
		seed_company(c, r, brand, c->w.trades.f[0][i], u->name,
		    sizeof(u->name));
		break;
	}
	if (uk != NULL)
		seed_uscc(uk, idx, c->o->seed % 1000003ULL, seed_pct(r, 35),
		    u->uscc);
	/* 法定代表人 (or the landlord), and for the units the law makes
	 * answerable the 消防安全责任人 and 管理人 (P-1: sealed below). */
	seed_person(c, r, &u->p[0], seed_pct(r, 40), 0);
	u->np = 1;
	if (people) {
		seed_person(c, r, &u->p[1], 1, idno);
		seed_person(c, r, &u->p[2], 1, 0);
		u->np = 3;
	}
}

/* Towns and grids. */

static int
seed_towns(struct seed_ctx *c, struct err *e)
{
	struct store_rows	*r = NULL;
	struct seed_town	*t;
	const char		*sfx[] = { "街道", "镇", NULL };
	size_t			 n, k;
	int			 cap = 0, i, rc;

	if ((rc = store_query(c->st, reg_seed_sql_town, STORE_NOARGS, &r,
	    e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if (c->ntowns == cap) {
			cap = cap ? 2 * cap : 64;
			c->towns = xrealloc(c->towns, (size_t)cap *
			    sizeof(*c->towns));
		}
		t = &c->towns[c->ntowns++];
		memset(t, 0, sizeof(*t));
		snprintf(t->code, sizeof(t->code), "%s", store_text(r, 0));
		snprintf(t->name, sizeof(t->name), "%s", store_text(r, 1));
		snprintf(t->brief, sizeof(t->brief), "%s", t->name);
		n = strlen(t->brief);
		for (i = 0; sfx[i]; i++) {
			k = strlen(sfx[i]);
			if (n > k && strcmp(t->brief + n - k, sfx[i]) == 0)
				t->brief[n - k] = '\0';
		}
		t->weight = store_isnull(r, 2) ? SEED_NO_POPULATION :
		    store_int(r, 2);
		if (t->weight <= 0)
			t->weight = SEED_NO_POPULATION;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (c->ntowns == 0)
		return err_set(e, ERR_INVALID, "towns", "no towns: load "
		    "data/towns first (REG-001)");
	return 0;
}

/* Units a town by weight, by the largest remainder (exact total). */
static void
seed_allocate(struct seed_ctx *c, int64_t total)
{
	int64_t	sum = 0, given = 0, best, rem;
	int	i, bi;
	char	*done;

	for (i = 0; i < c->ntowns; i++)
		sum += c->towns[i].weight;
	for (i = 0; i < c->ntowns; i++) {
		c->towns[i].units = total * c->towns[i].weight / sum;
		given += c->towns[i].units;
	}
	done = xcalloc((size_t)c->ntowns, 1);
	while (given < total) {
		best = -1;
		bi = 0;
		for (i = 0; i < c->ntowns; i++) {
			rem = total * c->towns[i].weight % sum;
			if (!done[i] && rem > best) {
				best = rem;
				bi = i;
			}
		}
		done[bi] = 1;
		c->towns[bi].units++;
		given++;
	}
	free(done);
}

/* A few grids a town (3 to 8 by population), named after villages. */
static int
seed_grids(struct seed_ctx *c, struct err *e)
{
	struct seed_town	*t;
	struct seed_rng		 r;
	char			 name[128];
	int64_t			 id, ch;
	int			 i, g, rc;

	for (i = 0; i < c->ntowns; i++) {
		t = &c->towns[i];
		r.s = c->o->seed * 0x2545f4914f6cdd1dULL + 7919ULL * (uint64_t)i;
		t->ngrids = (int)(2 + t->weight / 150000);
		if (t->ngrids > SEED_GRIDS_MAX)
			t->ngrids = SEED_GRIDS_MAX;
		if (t->ngrids < 3)
			t->ngrids = 3;
		for (g = 0; g < t->ngrids; g++) {
			snprintf(t->gcode[g], sizeof(t->gcode[g]), "D%02d",
			    g + 1);
			snprintf(name, sizeof(name), "%s%s社区网格", t->brief,
			    seed_pick(&r, &c->w.villages, 0));
			id = id_next();
			if ((rc = store_exec(c->st, reg_seed_sql_grid_ins,
			    STORE_ARGS(SV_I(id), SV_S(t->code),
			    SV_S(t->gcode[g]), SV_S(name), SV_I(c->now),
			    SV_I(c->now), SV_S(c->by)), &ch, e)) < 0)
				return rc;
			c->grids += ch;
			/* A grid of that code may exist already: use it. */
			if ((rc = store_query_int(c->st, reg_seed_sql_grid_id,
			    STORE_ARGS(SV_S(t->code), SV_S(t->gcode[g])),
			    &t->grid[g], e)) < 0)
				return rc;
		}
	}
	return 0;
}

/* Writing. */

static int
seed_contact(struct seed_ctx *c, int64_t unit, const char *role,
    const struct seed_person *p, struct err *e)
{
	char	*name = NULL, *phone = NULL, *idno = NULL;
	char	 pidx[PII_INDEX_HEX + 1], iidx[PII_INDEX_HEX + 1];
	int	 rc;

	/* P-1, REG-007: sealed and indexed as the API does. */
	if ((rc = pii_seal(p->name, &name, e)) < 0)
		goto out;
	if (p->phone[0] != '\0' &&
	    ((rc = pii_seal(p->phone, &phone, e)) < 0 ||
	    (rc = pii_index("phone", p->phone, pidx, e)) < 0))
		goto out;
	if (p->idno[0] != '\0' &&
	    ((rc = pii_seal(p->idno, &idno, e)) < 0 ||
	    (rc = pii_index("idno", p->idno, iidx, e)) < 0))
		goto out;
	rc = store_exec(c->st, reg_seed_sql_contact, STORE_ARGS(SV_I(unit),
	    SV_S(role), SV_S(name), SV_S(phone), SV_S(phone ? pidx : NULL),
	    SV_S(idno), SV_S(idno ? iidx : NULL)), NULL, e);
	c->people++;
out:
	free(name);
	free(phone);
	free(idno);
	return rc;
}

static const char *
seed_primary(int bits)
{
	const struct registry_category	*k;

	for (k = registry_categories; k->name; k++)
		if (k->bit != 0 && (bits & k->bit) != 0)
			return k->name;
	return "general";
}

/* digest = SM3(digest || block), SEED_BLOCK units a block. */
static void
seed_digest_flush(struct seed_ctx *c)
{
	struct crypto_part	parts[2] = {
		{ c->digest, sizeof(c->digest) },
		{ c->block.data, c->block.len },
	};

	crypto_sm3_parts(parts, 2, c->digest);
	buf_reset(&c->block);
	c->inblock = 0;
}

/* The canonical line of a unit for the digest: content only. */
static void
seed_digest_line(struct seed_ctx *c, const struct seed_town *t,
    const struct seed_unit *u)
{
	struct buf	*b = &c->block;
	int		 i;

	buf_printf(b, "%s|%s|%s|%s|%s|%s|%d|%s", u->name, u->uscc, u->address,
	    t->code, t->gcode[u->grid], u->industry ? u->industry : "",
	    u->cats, u->tsk ? u->tsk : "");
	for (i = 0; i < u->np; i++)
		buf_printf(b, "|%s,%s,%s", u->p[i].name, u->p[i].phone,
		    u->p[i].idno);
	if (u->nb)
		buf_printf(b, "|B:%s,%s,%lld,%lld,%lld,%lld,%s,%lld,%d",
		    u->b.name, u->b.use, (long long)u->b.floors_above,
		    (long long)u->b.floors_below, (long long)u->b.height_cm,
		    (long long)u->b.area, u->b.rating,
		    (long long)u->b.occupancy, u->b.sprinklers);
	for (i = 0; i < u->npl; i++)
		buf_printf(b, "|P:%s,%s,%lld,%lld,%lld,%lld,%lld,%d",
		    u->pl[i].name, u->pl[i].kind, (long long)u->pl[i].area,
		    (long long)u->pl[i].rooms, (long long)u->pl[i].beds,
		    (long long)u->pl[i].seats, (long long)u->pl[i].occupancy,
		    u->pl[i].underground);
	buf_addc(b, '\n');
	if (++c->inblock == SEED_BLOCK)
		seed_digest_flush(c);
}

static int
seed_unit_write(struct seed_ctx *c, const struct seed_town *t,
    const struct seed_unit *u, struct err *e)
{
	static const char *const	roles[3] = { "legal_rep", "responsible",
	    "manager" };
	char				 key[REG_KEY_HEX];
	int64_t				 id = id_next(), bid = 0, pid;
	int				 i, rc;

	reg_name_key(u->name, key);
	if ((rc = store_exec(c->st, reg_seed_sql_unit, STORE_ARGS(SV_I(id),
	    SV_S(u->name), SV_S(key), SV_S(u->uscc[0] ? u->uscc : NULL),
	    SV_S(u->address), SV_S(t->code), SV_I(t->grid[u->grid]),
	    SV_S(u->industry), SV_I(u->cats), SV_S(seed_primary(u->cats)),
	    SV_S(u->tsk), SV_I(c->now), SV_I(c->now), SV_S(c->by)), NULL,
	    e)) < 0)
		return rc;
	c->units++;
	for (i = 0; i < u->np; i++)
		if ((rc = seed_contact(c, id, roles[i], &u->p[i], e)) < 0)
			return rc;
	if (u->nb) {
		bid = id_next();
		if ((rc = store_exec(c->st, reg_seed_sql_building, STORE_ARGS(
		    SV_I(bid), SV_I(id), SV_S(u->b.name),
		    SV_I(u->b.floors_above), SV_I(u->b.floors_below),
		    SV_I(u->b.height_cm), SV_I(u->b.area), SV_S(u->b.use),
		    SV_S(u->b.rating), SV_I(u->b.occupancy),
		    SV_I(u->b.control_room), SV_I(u->b.sprinklers),
		    SV_I(u->b.alarm), SV_I(c->now), SV_I(c->now),
		    SV_S(c->by)), NULL, e)) < 0)
			return rc;
		c->buildings++;
	}
	for (i = 0; i < u->npl; i++) {
		pid = id_next();
		if ((rc = store_exec(c->st, reg_seed_sql_place, STORE_ARGS(
		    SV_I(pid), SV_I(id), bid ? SV_I(bid) : SV_N,
		    SV_S(u->pl[i].name), SV_S(u->pl[i].kind),
		    SV_I(u->pl[i].area), SV_I(u->pl[i].rooms),
		    SV_I(u->pl[i].beds), SV_I(u->pl[i].seats),
		    SV_I(u->pl[i].occupancy), SV_I(u->pl[i].underground),
		    SV_I(c->now), SV_I(c->now), SV_S(c->by)), NULL, e)) < 0)
			return rc;
		c->places++;
	}
	return 0;
}

/* Records. */

static json_t *
seed_record_row(struct store_rows *r)
{
	char	seed[24];

	/* The seed is an unsigned 64-bit number: as text. */
	snprintf(seed, sizeof(seed), "%llu",
	    (unsigned long long)(uint64_t)store_int(r, 3));
	return json_pack("{s:o, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "actor", store_text(r, 1),
	    "at", (json_int_t)store_int(r, 2),
	    "seed", seed,
	    "units", (json_int_t)store_int(r, 4),
	    "grids", (json_int_t)store_int(r, 5),
	    "buildings", (json_int_t)store_int(r, 6),
	    "places", (json_int_t)store_int(r, 7),
	    "people", (json_int_t)store_int(r, 8),
	    "digest", store_text(r, 9));
}

int
registry_seed_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 sid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &sid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such seed run");
	if ((rc = store_query(st, reg_seed_sql_rec_get, STORE_ARGS(SV_I(sid)),
	    &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = seed_record_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such seed run");
	store_rows_free(r);
	return rc;
}

static int
seed_finish(struct seed_ctx *c, int64_t *sid, char hex[2 * CRYPTO_SM3_LEN
    + 1], struct err *e)
{
	json_t	*rec = NULL;
	char	 tmp[24];
	int	 rc;

	if (c->inblock > 0)
		seed_digest_flush(c);
	str_hex(c->digest, sizeof(c->digest), hex);
	*sid = id_next();
	if ((rc = store_exec(c->st, reg_seed_sql_rec_ins, STORE_ARGS(
	    SV_I(*sid), SV_S(c->by), SV_I(c->now), SV_I((int64_t)c->o->seed),
	    SV_I(c->units), SV_I(c->grids), SV_I(c->buildings),
	    SV_I(c->places), SV_I(c->people), SV_S(hex)), NULL, e)) < 0)
		return rc;
	snprintf(tmp, sizeof(tmp), "%lld", (long long)*sid);
	if ((rc = registry_seed_record(c->st, tmp, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(c->st, c->who, "registry.seed_demo", "seed", *sid,
	    rec, e);
	json_decref(rec);
	return rc;
}

int
registry_seed_demo(struct store *st, struct actor *who,
    const struct registry_seed_opts *o, json_t **report, struct err *e)
{
	struct seed_ctx		 c;
	struct seed_unit	 u;
	struct seed_rng		 r;
	struct seed_town	*t;
	char			 hex[2 * CRYPTO_SM3_LEN + 1], seedtxt[24];
	int64_t			 any = 0, sid = 0, k;
	uint64_t		 idx = 0;
	int			 i, rc, tx = 0;

	memset(&c, 0, sizeof(c));
	c.st = st;
	c.who = who;
	c.o = o;
	c.now = clock_now();
	buf_init(&c.block);
	reg_actor_name(who, c.by);
	if ((rc = reg_need(who, "registry:write", e)) < 0)
		goto out;
	if (who->kind != ACTOR_SYSTEM) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "the demo city is made "
		    "from the command line");
		goto out;
	}
	if (o->units < 1 || o->units > REGISTRY_SEED_UNITS_MAX) {
		rc = err_set(e, ERR_RANGE, "units", "units must be 1 to %d",
		    REGISTRY_SEED_UNITS_MAX);
		goto out;
	}
	if (store_in_tx(st)) {
		rc = err_set(e, ERR_INTERNAL, NULL, "seed-demo runs its own "
		    "transaction");
		goto out;
	}
	if (!pii_have_key()) {
		rc = err_set(e, ERR_CRYPTO, NULL, "no data key for personal "
		    "data");
		goto out;
	}
	rc = store_query_int(st, reg_seed_sql_any, STORE_NOARGS, &any, e);
	if (rc == 0) {
		if (o->if_empty) {
			*report = json_pack("{s:b}", "seeded", 0);
			goto out;
		}
		rc = err_set(e, ERR_POLICY, "units", "the registry already has "
		    "units; seed-demo fills an empty one (REG-030)");
		goto out;
	}
	if (rc != ERR_NOT_FOUND)
		goto out;
	if ((rc = seed_words_read(o->words ? o->words : REGISTRY_SEED_WORDS,
	    &c.w, e)) < 0)
		goto out;
	if ((rc = seed_towns(&c, e)) < 0)
		goto out;
	seed_allocate(&c, o->units);
	/* Millions of rows go into seven indexes of units at random
	 * places: SQLite's default page cache (2 MB) would make that a
	 * disk seek a row.  This connection gets 256 MB while it seeds. */
	if (store_kind(st) == STORE_SQLITE &&
	    (rc = store_exec(st, "PRAGMA cache_size = -262144", STORE_NOARGS,
	    NULL, e)) < 0)
		goto out;
	/* L-1: the set and its one audit entry commit together. */
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	tx = 1;
	if ((rc = seed_grids(&c, e)) < 0)
		goto out;
	for (i = 0; i < c.ntowns; i++) {
		t = &c.towns[i];
		for (k = 0; k < t->units; k++, idx++) {
			r.s = o->seed * 0x9e3779b97f4a7c15ULL ^
			    (idx + 1) * 0xd1b54a32d192ed03ULL;
			seed_unit_make(&c, t, idx, &r, &u);
			seed_digest_line(&c, t, &u);
			if ((rc = seed_unit_write(&c, t, &u, e)) < 0)
				goto out;
		}
	}
	if ((rc = seed_finish(&c, &sid, hex, e)) < 0)
		goto out;
	tx = 0;
	if ((rc = store_commit(st, e)) < 0)
		goto out;
	snprintf(seedtxt, sizeof(seedtxt), "%llu", (unsigned long long)o->seed);
	*report = json_pack("{s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:o}",
	    "seeded", 1, "seed", seedtxt,
	    "units", (json_int_t)c.units, "grids", (json_int_t)c.grids,
	    "buildings", (json_int_t)c.buildings,
	    "places", (json_int_t)c.places, "people", (json_int_t)c.people,
	    "digest", hex, "seed_id", jx_id(sid));
	rc = 0;
out:
	if (tx)
		store_rollback(st);
	if (store_kind(st) == STORE_SQLITE)
		store_exec(st, "PRAGMA cache_size = -2000", STORE_NOARGS, NULL,
		    NULL);
	seed_words_free(&c.w);
	free(c.towns);
	buf_free(&c.block);
	return rc;
}
