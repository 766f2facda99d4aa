/*
 * Unit tests of the registry on SQLite and, when FIREWARDEN_TEST_PG is
 * set, PostgreSQL: towns from the data file (REG-001), grids, units and
 * their rules (REG-002..REG-022), personal data sealed, indexed and
 * masked (P-1, P-2), jurisdiction (Z-2, Z-3), optimistic locking, the
 * status lifecycle, buildings and places, one audit entry per change and
 * `audit verify --deep` over the canonical records.  Each test carries
 * the rule it checks in its name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/audit.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "store/store.h"
#include "fx_store.h"

/* The shared helpers (fx_store.h) on a fixture. */
#define begin(f)	fx_begin((f)->st)
#define end(f, rc)	fx_end((f)->st, (rc))
#define count(f, sql)	fx_count((f)->st, (sql))

#define TOWN_A	"441900003"	/* 东城街道 */
#define TOWN_B	"441900121"	/* 虎门镇 */
#define PHONE	"13800135678"
#define IDNO	"11010519491231002X"

struct fx {
	struct store	*st;
	struct actor	 sys;
};

static const char	*fx_url;
static char		 towns_path[512];

/* The 36 codes of FACTS.md §8.1, in their order. */
static const char *const fact_codes[] = {
	"441900003", "441900004", "441900005", "441900006", "441900101",
	"441900102", "441900103", "441900104", "441900105", "441900106",
	"441900107", "441900108", "441900109", "441900110", "441900111",
	"441900112", "441900113", "441900114", "441900115", "441900116",
	"441900117", "441900118", "441900119", "441900121", "441900122",
	"441900123", "441900124", "441900125", "441900126", "441900127",
	"441900128", "441900129", "441900401", "441900402", "441900403",
	"441900404", NULL,
};

static const struct audit_type	reg_types[] = {
	{ "town", registry_town_record },
	{ "grid", registry_grid_record },
	{ "unit", registry_unit_record },
	{ "building", registry_building_record },
	{ "place", registry_place_record },
	{ "unmask", registry_unmask_record },
	{ NULL, NULL },
};

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;

	clock_set_offset(0);
	f->st = fx_store_fresh(fx_url);
	if (registry_sync_towns(f->st, towns_path, &e) < 0)
		fail_msg("towns: %s", e.msg);
	actor_system(&f->sys, "t-sys");
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	store_close(f->st);
	free(f);
	return 0;
}

static int64_t
asize(struct fx *f)
{
	struct err	e;
	int64_t		n = -1;

	assert_int_equal(audit_size(f->st, &n, &e), 0);
	return n;
}

static char *
last_action(struct fx *f)
{
	struct err	 e;
	char		*s = NULL;

	assert_int_equal(store_query_text(f->st, "SELECT action FROM "
	    "audit_entries ORDER BY seq DESC LIMIT 1", STORE_NOARGS, &s, &e),
	    0);
	return s;
}

static void
assert_last_action(struct fx *f, const char *want)
{
	char	*s = last_action(f);

	assert_string_equal(s, want);
	free(s);
}

/* A user actor with a jurisdiction and a space-separated permission list. */
static void
user(struct actor *a, int64_t uid, const char *jur, const char *perms)
{
	char	buf[256], *p, *save = NULL;

	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_USER;
	a->user_id = uid;
	snprintf(a->login, sizeof(a->login), "u%lld", (long long)uid);
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "%s", jur);
	snprintf(a->request_id, sizeof(a->request_id), "t-%lld",
	    (long long)uid);
	snprintf(a->ip, sizeof(a->ip), "10.0.0.9");
	snprintf(buf, sizeof(buf), "%s", perms);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		actor_add_perm(a, p);
}

static const char	 uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* A valid Dongguan USCC (GB 32100, with a valid GB 11714 org code). */
static void
make_uscc(unsigned n, char out[19])
{
	static const int	ow[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	static const int	uw[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29,
	    25, 13, 8, 24, 10, 30, 28 };
	int			 i, s = 0, c;

	snprintf(out, 19, "91441900%08u", n % 100000000u);
	for (i = 0; i < 8; i++)
		s += (out[8 + i] - '0') * ow[i];
	c = 11 - s % 11;
	out[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	s = 0;
	for (i = 0; i < 17; i++)
		s += (int)(strchr(uscc_set, out[i]) - uscc_set) * uw[i];
	c = 31 - s % 31;
	out[17] = uscc_set[c == 31 ? 0 : c];
	out[18] = '\0';
}

/* A valid ID number born 1990-01-01 in 440300 with sequence seq. */
static void
make_idno(unsigned seq, char out[19])
{
	static const int	w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9,
	    10, 5, 8, 4, 2 };
	int			i, s = 0;

	snprintf(out, 19, "44030019900101%03u", seq % 1000);
	for (i = 0; i < 17; i++)
		s += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[s % 11];
	out[18] = '\0';
}

/* Create a unit from JSON text as who; returns rc, *id set on success. */
static int
mk(struct fx *f, struct actor *who, const char *json, int64_t *id,
    struct err *e)
{
	json_error_t	 je;
	json_t		*in = json_loads(json, 0, &je), *out = NULL;
	int		 rc;

	if (in == NULL)
		fail_msg("bad test JSON %s: %s", json, je.text);
	begin(f);
	rc = end(f, registry_unit_create(f->st, who, in, &out, e));
	if (rc == 0 && id != NULL)
		str_to_i64(json_string_value(json_object_get(out, "id")), 1,
		    INT64_MAX, id);
	json_decref(out);
	json_decref(in);
	return rc;
}

static int64_t
mk_ok(struct fx *f, const char *json)
{
	struct err	e;
	int64_t		id = 0;

	if (mk(f, &f->sys, json, &id, &e) < 0)
		fail_msg("create %s: %s (%s)", json, e.msg, e.field);
	return id;
}

static int
upd(struct fx *f, struct actor *who, int64_t id, int64_t version,
    const char *json, json_t **out, struct err *e)
{
	json_t	*in = json_loads(json, 0, NULL), *o = NULL;
	int	 rc;

	assert_non_null(in);
	begin(f);
	rc = end(f, registry_unit_update(f->st, who, id, version, in, &o, e));
	json_decref(in);
	if (out != NULL)
		*out = o;
	else
		json_decref(o);
	return rc;
}

static json_t *
get(struct fx *f, struct actor *who, int64_t id)
{
	struct err	 e;
	json_t		*j = NULL;

	if (registry_unit_get(f->st, who, id, &j, &e) < 0)
		fail_msg("get: %s", e.msg);
	return j;
}

static const char *
sget(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static int64_t
version_of(struct fx *f, int64_t id)
{
	json_t	*j = get(f, &f->sys, id);
	int64_t	 v = json_integer_value(json_object_get(j, "version"));

	json_decref(j);
	return v;
}

/* A list query; returns rc, *total and the ids in *items. */
static int
list(struct fx *f, struct actor *who, struct registry_unit_query *q,
    json_t **items, int64_t *total, struct err *e)
{
	int	exact;

	if (q->limit == 0)
		q->limit = 50;
	return registry_unit_list(f->st, who, q, items, total, &exact, e);
}

static int64_t
list_total(struct fx *f, struct actor *who, struct registry_unit_query *q)
{
	struct err	 e;
	json_t		*items = NULL;
	int64_t		 total = -1;

	if (list(f, who, q, &items, &total, &e) < 0)
		fail_msg("list: %s (%s)", e.msg, e.field);
	assert_int_equal((int64_t)json_array_size(items) <= total, 1);
	json_decref(items);
	return total;
}

/* Tests. */

/* REG-001: the 36 towns of FACTS §8.1 from the data file, synced once. */
static void
test_registry__reg001_towns_from_data_file(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*towns = NULL, *t;
	int64_t		 a0, n, pop = 0;
	size_t		 i;
	char		 path[600];
	FILE		*fp;

	assert_int_equal(count(f, "SELECT COUNT(*) FROM towns"), 36);
	assert_int_equal(registry_town_list(f->st, &f->sys, &towns, &e), 0);
	assert_int_equal(json_array_size(towns), 36);
	json_array_foreach(towns, i, t) {
		assert_string_equal(sget(t, "code"), fact_codes[i]);
		if (json_is_integer(json_object_get(t, "population")))
			pop += json_integer_value(json_object_get(t,
			    "population"));
	}
	/* FACTS §8.2: the 33 census figures add up to the city total. */
	assert_int_equal(pop, 10466625);
	assert_string_equal(sget(json_array_get(towns, 0), "name"), "东城街道");
	assert_string_equal(sget(json_array_get(towns, 0), "kind"), "street");
	assert_string_equal(sget(json_array_get(towns, 32), "kind"), "area");
	assert_true(json_is_null(json_object_get(json_array_get(towns, 35),
	    "population")));
	json_decref(towns);
	/* Every town got one audit entry; a second sync changes nothing. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'town.sync'"), 36);
	a0 = asize(f);
	assert_int_equal(registry_sync_towns(f->st, towns_path, &e), 0);
	assert_int_equal(asize(f), a0);
	/* A changed row: version + 1 and one entry. */
	snprintf(path, sizeof(path), "/tmp/fw-towns-%d.csv", (int)getpid());
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "code,name,kind,population\n441900003,东城街道,street,"
	    "600000\n");
	fclose(fp);
	assert_int_equal(registry_sync_towns(f->st, path, &e), 0);
	assert_int_equal(asize(f), a0 + 1);
	assert_int_equal(count(f, "SELECT version FROM towns WHERE code = "
	    "'441900003'"), 2);
	assert_int_equal(count(f, "SELECT population FROM towns WHERE code = "
	    "'441900003'"), 600000);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM towns"), 36);
	/* A bad file writes nothing. */
	fp = fopen(path, "w");
	fprintf(fp, "441900004,南城,street,1\n44190000X,坏,town,1\n");
	fclose(fp);
	assert_int_equal(registry_sync_towns(f->st, path, &e), ERR_INVALID);
	assert_string_equal(e.field, "line 2");
	assert_int_equal(count(f, "SELECT population FROM towns WHERE code = "
	    "'441900004'"), 418288);
	fp = fopen(path, "w");
	fprintf(fp, "441900004,南城,village,1\n");
	fclose(fp);
	assert_int_equal(registry_sync_towns(f->st, path, &e), ERR_INVALID);
	unlink(path);
	assert_int_equal(registry_sync_towns(f->st, "/nonexistent/t.csv", &e),
	    ERR_IO);
	/* A unit in an unknown town is refused, naming the field. */
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"甲\",\"address\":\"某路\","
	    "\"town\":\"441900001\"}", NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "town");
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"甲\",\"address\":\"某路\","
	    "\"town\":\"4419\"}", NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "town");
	n = count(f, "SELECT COUNT(*) FROM units");
	assert_int_equal(n, 0);
	assert_int_equal(registry_town_record(f->st, "441900121", &t, &e), 0);
	assert_string_equal(sget(t, "name"), "虎门镇");
	json_decref(t);
	assert_int_equal(registry_town_record(f->st, "441900120", &t, &e),
	    ERR_NOT_FOUND);
}

static int64_t
mk_grid(struct fx *f, struct actor *who, const char *town, const char *code,
    struct err *e)
{
	json_t	*in, *out = NULL;
	int64_t	 id = 0;
	int	 rc;

	in = json_pack("{s:s, s:s, s:s}", "town", town, "code", code, "name",
	    "网格");
	begin(f);
	rc = end(f, registry_grid_create(f->st, who, in, &out, e));
	json_decref(in);
	if (rc < 0)
		return rc;
	str_to_i64(sget(out, "id"), 1, INT64_MAX, &id);
	json_decref(out);
	return id;
}

/* REG-002 and REG-019: grids belong to a town; codes unique in a town. */
static void
test_registry__reg002_reg019_grids(void **state)
{
	struct fx	*f = *state;
	struct actor	 ta, tb, g;
	struct err	 e;
	json_t		*items = NULL, *j = NULL, *in;
	int64_t		 ga, gb, total, a0;
	char		 json[256];

	user(&ta, 11, "town:" TOWN_A, "registry:read registry:write");
	user(&tb, 12, "town:" TOWN_B, "registry:read registry:write");
	ga = mk_grid(f, &ta, TOWN_A, "DC-001", &e);
	assert_true(ga > 0);
	assert_last_action(f, "grid.create");
	gb = mk_grid(f, &f->sys, TOWN_B, "DC-001", &e);
	assert_true(gb > 0);
	/* REG-019 */
	assert_int_equal(mk_grid(f, &f->sys, TOWN_A, "DC-001", &e),
	    ERR_CONFLICT);
	assert_string_equal(e.field, "code");
	assert_int_equal(mk_grid(f, &f->sys, TOWN_A, "DC 1", &e), ERR_INVALID);
	assert_string_equal(e.field, "code");
	/* REG-011: a town makes grids only in its own town. */
	assert_int_equal(mk_grid(f, &ta, TOWN_B, "X-1", &e), ERR_FORBIDDEN);
	assert_string_equal(e.field, "town");
	assert_int_equal(mk_grid(f, &f->sys, "441900999", "X-1", &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "town");
	/* Z-2: lists and reads are scoped. */
	assert_int_equal(registry_grid_list(f->st, &ta, NULL, NULL, 0, 50,
	    &items, &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(registry_grid_get(f->st, &ta, gb, &j, &e),
	    ERR_NOT_FOUND);
	user(&g, 13, "grid:0", "registry:read");
	snprintf(g.jurisdiction, sizeof(g.jurisdiction), "grid:%lld",
	    (long long)ga);
	assert_int_equal(registry_grid_list(f->st, &g, NULL, NULL, 0, 50,
	    &items, &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(registry_grid_list(f->st, &f->sys, TOWN_B, NULL, 0,
	    50, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(registry_grid_list(f->st, &f->sys, NULL, "nope", 0,
	    50, &items, &total, &e), ERR_INVALID);
	/* REG-002: a unit's grid is a grid of its town. */
	snprintf(json, sizeof(json), "{\"name\":\"甲\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"grid_id\":\"%lld\"}", TOWN_A, (long long)gb);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "grid_id");
	snprintf(json, sizeof(json), "{\"name\":\"甲\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"grid_id\":\"999\"}", TOWN_A);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "grid_id");
	snprintf(json, sizeof(json), "{\"name\":\"甲\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"grid_id\":\"%lld\"}", TOWN_A, (long long)ga);
	assert_true(mk_ok(f, json) > 0);
	/* Update and archive with versions; an archived grid takes no unit. */
	in = json_pack("{s:s}", "name", "东城一格");
	begin(f);
	assert_int_equal(end(f, registry_grid_update(f->st, &ta, ga, 2, in,
	    &j, &e)), ERR_STALE);
	begin(f);
	assert_int_equal(end(f, registry_grid_update(f->st, &ta, ga, 1, in,
	    &j, &e)), 0);
	assert_string_equal(sget(j, "name"), "东城一格");
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	json_decref(in);
	in = json_pack("{s:s}", "town", TOWN_B);
	begin(f);
	assert_int_equal(end(f, registry_grid_update(f->st, &ta, ga, 2, in,
	    &j, &e)), ERR_UNKNOWN_FIELD);
	json_decref(in);
	a0 = asize(f);
	begin(f);
	assert_int_equal(end(f, registry_grid_archive(f->st, &ta, ga, 0, &j,
	    &e)), 0);
	assert_string_equal(sget(j, "status"), "archived");
	json_decref(j);
	assert_int_equal(asize(f), a0 + 1);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "grid_id");
	begin(f);
	assert_int_equal(end(f, registry_grid_archive(f->st, &ta, ga, 0, &j,
	    &e)), ERR_POLICY);
}

/* REG-003 and REG-004: USCC checked, normalised and unique. */
static void
test_registry__reg003_reg004_uscc(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*j;
	char		 code[19], lower[19], json[256];
	int64_t		 id, id2;
	size_t		 i;

	make_uscc(12345678, code);
	for (i = 0; i < 19; i++)
		lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ?
		    code[i] - 'A' + 'a' : code[i]);
	snprintf(json, sizeof(json), "{\"name\":\"甲公司\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"uscc\":\" %s \"}", TOWN_A, lower);
	id = mk_ok(f, json);
	j = get(f, &f->sys, id);
	assert_string_equal(sget(j, "uscc"), code);
	assert_false(json_is_true(json_object_get(j, "uscc_warning")));
	json_decref(j);
	/* REG-004: the same code again, in any case. */
	snprintf(json, sizeof(json), "{\"name\":\"乙公司\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"uscc\":\"%s\"}", TOWN_B, code);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "uscc");
	/* REG-003: a wrong check character, length, forbidden letter. */
	snprintf(json, sizeof(json), "{\"name\":\"丙\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"uscc\":\"914403001922038217\"}", TOWN_A);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "uscc");
	snprintf(json, sizeof(json), "{\"name\":\"丙\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"uscc\":\"91440300192203821\"}", TOWN_A);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "uscc");
	snprintf(json, sizeof(json), "{\"name\":\"丙\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"uscc\":\"9144030019220382I6\"}", TOWN_A);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "uscc");
	/* A real published code passes; the org-code warning is shown. */
	snprintf(json, sizeof(json), "{\"name\":\"华为\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"uscc\":\"914403001922038216\"}", TOWN_A);
	id2 = mk_ok(f, json);
	snprintf(json, sizeof(json), "{\"name\":\"假\",\"address\":\"某路\","
	    "\"town\":\"%s\",\"uscc\":\"91441900MAC8G9H0J1\"}", TOWN_A);
	id = mk_ok(f, json);
	j = get(f, &f->sys, id);
	assert_true(json_is_true(json_object_get(j, "uscc_warning")));
	json_decref(j);
	/* Without a USCC (rental houses): any number of units. */
	snprintf(json, sizeof(json), "{\"name\":\"出租屋1\",\"address\":\"某村\","
	    "\"town\":\"%s\"}", TOWN_A);
	mk_ok(f, json);
	mk_ok(f, json);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE uscc IS "
	    "NULL"), 2);
	/* Taking another unit's USCC on update is a conflict too. */
	snprintf(json, sizeof(json), "{\"uscc\":\"%s\"}", code);
	assert_int_equal(upd(f, &f->sys, id2, 1, json, NULL, &e),
	    ERR_CONFLICT);
	assert_string_equal(e.field, "uscc");
	/* Clearing it with null. */
	assert_int_equal(upd(f, &f->sys, id2, 1, "{\"uscc\":null}", &j, &e), 0);
	assert_true(json_is_null(json_object_get(j, "uscc")));
	json_decref(j);
}

static char *
person_json(const char *phone, const char *idno)
{
	return xasprintf("{\"name\":\"某厂\",\"address\":\"某路1号\","
	    "\"town\":\"%s\",\"legal_rep_name\":\"张三丰\","
	    "\"legal_rep_phone\":\"%s\",\"legal_rep_id_number\":\"%s\","
	    "\"manager_name\":\"李四\",\"manager_phone\":\"0769-22221234\"}",
	    TOWN_A, phone, idno);
}

/* REG-005 and REG-006: ID numbers (GB 11643) and phone numbers. */
static void
test_registry__reg005_reg006_id_and_phone(void **state)
{
	struct fx	*f = *state;
	static const char *const good_phones[] = { "13800135678",
	    "19912345678", "0769-22221234", "020-8888888", "0769-22221234-801",
	    NULL };
	static const char *const bad_phones[] = { "12800135678", "1380013567",
	    "138001356789", "+8613800135678", "0769 22221234", "076922221234",
	    "0769-1234567", "0769-222212345", "0769-22221234-", "00769-2222123",
	    "138-0013-5678", NULL };
	struct err	 e;
	json_t		*j;
	char		*s, idno[19], lower[19];
	int64_t		 id;
	int		 i;

	for (i = 0; good_phones[i]; i++) {
		make_idno((unsigned)i, idno);
		s = person_json(good_phones[i], idno);
		assert_int_equal(mk(f, &f->sys, s, NULL, &e), 0);
		free(s);
	}
	for (i = 0; bad_phones[i]; i++) {
		s = person_json(bad_phones[i], IDNO);
		if (mk(f, &f->sys, s, NULL, &e) != ERR_INVALID)
			fail_msg("phone %s accepted", bad_phones[i]);
		assert_string_equal(e.field, "legal_rep_phone");
		free(s);
	}
	/* REG-005: check character, birth date, length. */
	s = person_json(PHONE, "110105194912310021");
	assert_int_equal(mk(f, &f->sys, s, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "legal_rep_id_number");
	free(s);
	s = person_json(PHONE, "11010519491331002X");
	assert_int_equal(mk(f, &f->sys, s, NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "legal_rep_id_number");
	free(s);
	s = person_json(PHONE, "1101051949123100");
	assert_int_equal(mk(f, &f->sys, s, NULL, &e), ERR_INVALID);
	free(s);
	/* Lower-case x is normalised. */
	snprintf(lower, sizeof(lower), "%s", IDNO);
	lower[17] = 'x';
	s = person_json(PHONE, lower);
	id = 0;
	assert_int_equal(mk(f, &f->sys, s, &id, &e), 0);
	free(s);
	begin(f);
	assert_int_equal(end(f, registry_unit_unmask(f->st, &f->sys, id,
	    "核对身份", &j, &e)), 0);
	assert_string_equal(sget(j, "legal_rep_id_number"), IDNO);
	json_decref(j);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 6);
}

/* P-1 (REG-007): sealed at rest, keyed index for exact look-up. */
static void
test_registry__p1_reg007_sealed_and_indexed(void **state)
{
	struct fx		*f = *state;
	struct store_rows	*r = NULL;
	struct actor		 tb;
	struct err		 e;
	json_t			*items = NULL;
	char			*s, *plain = NULL, idx[PII_INDEX_HEX + 1];
	int64_t			 id, a0;
	int			 rows = 0;

	s = person_json(PHONE, IDNO);
	id = mk_ok(f, s);
	free(s);
	assert_int_equal(store_query(f->st, "SELECT role, name_sealed, "
	    "phone_sealed, phone_index, idno_sealed, idno_index FROM "
	    "unit_contacts ORDER BY role", STORE_NOARGS, &r, &e), 0);
	while (store_next(r, &e) == 1) {
		int	c;

		rows++;
		for (c = 1; c < 6; c++) {
			const char	*v = store_text(r, c);

			assert_null(strstr(v, PHONE));
			assert_null(strstr(v, IDNO));
			assert_null(strstr(v, "张三丰"));
			assert_null(strstr(v, "22221234"));
		}
		if (strcmp(store_text(r, 0), "legal_rep") == 0) {
			assert_int_equal(pii_open(store_text(r, 2), &plain,
			    &e), 0);
			assert_string_equal(plain, PHONE);
			mem_free_secret(plain);
			assert_int_equal(pii_index("phone", PHONE, idx, &e), 0);
			assert_string_equal(store_text(r, 3), idx);
			assert_int_equal(pii_index("idno", IDNO, idx, &e), 0);
			assert_string_equal(store_text(r, 5), idx);
		} else {
			assert_string_equal(store_text(r, 0), "manager");
			assert_true(store_isnull(r, 4));
		}
	}
	store_rows_free(r);
	assert_int_equal(rows, 2);
	/* No clear personal data in any audit entry either. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "entry LIKE '%13800135678%' OR entry LIKE '%1002X%'"), 0);
	/* Exact look-up by the keyed index, within the jurisdiction. */
	a0 = asize(f);
	begin(f);
	assert_int_equal(end(f, registry_unit_lookup(f->st, &f->sys, "phone",
	    PHONE, &items, &e)), 0);
	assert_int_equal(json_array_size(items), 1);
	s = xasprintf("%lld", (long long)id);
	assert_string_equal(sget(json_array_get(items, 0), "id"), s);
	free(s);
	assert_null(json_object_get(json_array_get(items, 0),
	    "legal_rep_phone"));
	json_decref(items);
	assert_int_equal(asize(f), a0 + 1);
	assert_last_action(f, "unit.lookup");
	begin(f);
	assert_int_equal(end(f, registry_unit_lookup(f->st, &f->sys,
	    "id_number", "11010519491231002x", &items, &e)), 0);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	begin(f);
	assert_int_equal(end(f, registry_unit_lookup(f->st, &f->sys, "phone",
	    "0769-22221234", &items, &e)), 0);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	user(&tb, 21, "town:" TOWN_B, "registry:read");
	begin(f);
	assert_int_equal(end(f, registry_unit_lookup(f->st, &tb, "phone",
	    PHONE, &items, &e)), 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	begin(f);
	assert_int_equal(end(f, registry_unit_lookup(f->st, &f->sys, "phone",
	    "1234", &items, &e)), ERR_INVALID);
	assert_string_equal(e.field, "phone");
	begin(f);
	assert_int_equal(end(f, registry_unit_lookup(f->st, &f->sys, "email",
	    "x", &items, &e)), ERR_INVALID);
}

/* P-1: the bytes of a SQLite database file hold no clear personal data. */
static void
test_registry__p1_database_file_has_no_clear_values(void **state)
{
	struct fx	*f = *state;
	struct store	*st = NULL;
	struct actor	 sys;
	struct err	 e;
	json_t		*in, *out = NULL;
	char		 path[128], *url, *buf;
	FILE		*fp;
	size_t		 n;
	long		 len;

	(void)f;
	snprintf(path, sizeof(path), "/tmp/fw-reg-p1-%d.db", (int)getpid());
	unlink(path);
	url = xasprintf("sqlite:%s", path);
	assert_int_equal(store_open(url, &st, &e), 0);
	assert_int_equal(store_migrate(st, NULL, &e), 0);
	assert_int_equal(registry_sync_towns(st, towns_path, &e), 0);
	actor_system(&sys, "t-p1");
	in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", "某店",
	    "address", "某路", "town", TOWN_A, "responsible_name", "王五六",
	    "responsible_phone", PHONE, "responsible_id_number", IDNO,
	    "legal_rep_phone", "13912345678");
	assert_int_equal(store_begin(st, &e), 0);
	assert_int_equal(registry_unit_create(st, &sys, in, &out, &e), 0);
	assert_int_equal(store_commit(st, &e), 0);
	json_decref(in);
	json_decref(out);
	store_close(st);
	free(url);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc((size_t)len);
	n = fread(buf, 1, (size_t)len, fp);
	fclose(fp);
	assert_int_equal(n, (size_t)len);
	assert_null(memmem(buf, n, PHONE, strlen(PHONE)));
	assert_null(memmem(buf, n, IDNO, strlen(IDNO)));
	assert_null(memmem(buf, n, "13912345678", 11));
	assert_null(memmem(buf, n, "王五六", strlen("王五六")));
	/* The non-personal data is there, so the scan did see the rows. */
	assert_non_null(memmem(buf, n, "某店", strlen("某店")));
	free(buf);
	unlink(path);
}

/* P-2 (REG-008, REG-009): masked by default; unmask needs a permission
 * and a reason, and is recorded. */
static void
test_registry__p2_reg008_reg009_mask_and_unmask(void **state)
{
	struct fx	*f = *state;
	struct actor	 off, lead;
	struct err	 e;
	json_t		*j = NULL, *rec = NULL;
	char		*s, *mid = NULL;
	int64_t		 id, a0;

	s = person_json(PHONE, IDNO);
	id = mk_ok(f, s);
	free(s);
	user(&off, 31, "city", "registry:read registry:write");
	user(&lead, 32, "city", "registry:read registry:unmask");
	j = get(f, &off, id);
	assert_string_equal(sget(j, "legal_rep_name"), "张**");
	assert_string_equal(sget(j, "legal_rep_phone"), "138****5678");
	assert_string_equal(sget(j, "legal_rep_id_number"),
	    "110***********002X");
	assert_string_equal(sget(j, "manager_name"), "李**");
	assert_string_equal(sget(j, "manager_phone"), "076******1234");
	assert_true(json_is_null(json_object_get(j, "manager_id_number")));
	assert_true(json_is_null(json_object_get(j, "responsible_name")));
	assert_true(json_is_true(json_object_get(j, "masked")));
	s = json_dumps(j, 0);
	assert_null(strstr(s, PHONE));
	assert_null(strstr(s, IDNO));
	free(s);
	json_decref(j);
	a0 = asize(f);
	/* No permission. */
	begin(f);
	assert_int_equal(end(f, registry_unit_unmask(f->st, &off, id,
	    "执法检查需要", &j, &e)), ERR_FORBIDDEN);
	/* No or too short a reason. */
	begin(f);
	assert_int_equal(end(f, registry_unit_unmask(f->st, &lead, id, NULL,
	    &j, &e)), ERR_MISSING);
	assert_string_equal(e.field, "reason");
	begin(f);
	assert_int_equal(end(f, registry_unit_unmask(f->st, &lead, id, " 核查 ",
	    &j, &e)), ERR_INVALID);
	assert_string_equal(e.field, "reason");
	assert_int_equal(asize(f), a0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM unit_unmasks"), 0);
	begin(f);
	assert_int_equal(end(f, registry_unit_unmask(f->st, &lead, id,
	    "执法检查需要核实", &j, &e)), 0);
	assert_string_equal(sget(j, "legal_rep_name"), "张三丰");
	assert_string_equal(sget(j, "legal_rep_phone"), PHONE);
	assert_string_equal(sget(j, "legal_rep_id_number"), IDNO);
	assert_string_equal(sget(j, "manager_phone"), "0769-22221234");
	assert_false(json_is_true(json_object_get(j, "masked")));
	json_decref(j);
	assert_int_equal(asize(f), a0 + 1);
	assert_last_action(f, "unit.unmask");
	assert_int_equal(store_query_text(f->st, "SELECT object FROM "
	    "audit_entries ORDER BY seq DESC LIMIT 1", STORE_NOARGS, &mid, &e),
	    0);
	assert_int_equal(strncmp(mid, "unmask/", 7), 0);
	assert_int_equal(registry_unmask_record(f->st, mid + 7, &rec, &e), 0);
	assert_string_equal(sget(rec, "reason"), "执法检查需要核实");
	assert_string_equal(sget(rec, "actor"), "32");
	assert_int_equal(json_integer_value(json_object_get(rec,
	    "unit_version")), 1);
	json_decref(rec);
	free(mid);
	/* Masks of the helper itself. */
	s = pii_mask_idno("440301199001011234");
	assert_string_equal(s, "440***********1234");
	free(s);
	s = pii_mask_phone("13812345678");
	assert_string_equal(s, "138****5678");
	free(s);
	s = pii_mask_name("张三");
	assert_string_equal(s, "张**");
	free(s);
	s = pii_mask_name("A");
	assert_string_equal(s, "A**");
	free(s);
	s = pii_mask_phone("123");
	assert_string_equal(s, "***");
	free(s);
	assert_null(pii_mask_name(NULL));
}

/* P-1: sealing is authenticated; the index separates kinds. */
static void
test_registry__p1_seal_open_index(void **state)
{
	struct err	 e;
	char		*hex = NULL, *plain = NULL, a[PII_INDEX_HEX + 1];
	char		 b[PII_INDEX_HEX + 1], *h2 = NULL;

	(void)state;
	assert_int_equal(pii_seal("13800135678", &hex, &e), 0);
	assert_int_equal(pii_seal("13800135678", &h2, &e), 0);
	/* A fresh IV every time. */
	assert_string_not_equal(hex, h2);
	assert_int_equal(pii_open(hex, &plain, &e), 0);
	assert_string_equal(plain, "13800135678");
	mem_free_secret(plain);
	hex[40] = hex[40] == '0' ? '1' : '0';
	assert_int_equal(pii_open(hex, &plain, &e), ERR_CRYPTO);
	assert_int_equal(pii_open("zz", &plain, &e), ERR_CRYPTO);
	assert_int_equal(pii_open("abc", &plain, &e), ERR_CRYPTO);
	/* Into the caller's buffer: exactly the room, then a byte less. */
	{
		char	out[12];
		size_t	n = 0;

		assert_int_equal(pii_open_into(h2, out, sizeof(out), &n, &e),
		    0);
		assert_int_equal(n, 11);
		assert_string_equal(out, "13800135678");
		assert_int_equal(pii_open_into(h2, out, sizeof(out) - 1, &n,
		    &e), ERR_CRYPTO);
		assert_int_equal(pii_open_into(hex, out, sizeof(out), &n, &e),
		    ERR_CRYPTO);
		/* The masks into a buffer equal the allocating ones. */
		assert_int_equal(pii_mask_into(PII_PHONE, "13812345678", 11,
		    out), 11);
		assert_string_equal(out, "138****5678");
		assert_int_equal(pii_mask_into(PII_NAME, "张三", 6, out), 5);
		assert_string_equal(out, "张**");
		assert_int_equal(pii_mask_into(PII_NAME, "", 0, out), 0);
		assert_string_equal(out, "");
		assert_int_equal(pii_mask_into(PII_IDNO, "4403", 4, out), 4);
		assert_string_equal(out, "****");
	}
	free(hex);
	free(h2);
	assert_int_equal(pii_index("phone", "13800135678", a, &e), 0);
	assert_int_equal(pii_index("phone", "13800135678", b, &e), 0);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), PII_INDEX_HEX);
	assert_int_equal(pii_index("idno", "13800135678", b, &e), 0);
	assert_string_not_equal(a, b);
}

/* Z-2, Z-3 (REG-010): reads are scoped to the jurisdiction. */
static void
test_registry__z2_reg010_reads_scoped(void **state)
{
	struct fx			*f = *state;
	struct registry_unit_query	 q;
	struct actor			 ta, tb, g, u, nobody, pub;
	struct err			 e;
	json_t				*j = NULL, *items = NULL;
	char				 json[256];
	int64_t				 ga, a1, a2, b1, total;

	ga = mk_grid(f, &f->sys, TOWN_A, "A-1", &e);
	snprintf(json, sizeof(json), "{\"name\":\"东城甲\",\"address\":\"路\","
	    "\"town\":\"%s\",\"grid_id\":\"%lld\"}", TOWN_A, (long long)ga);
	a1 = mk_ok(f, json);
	a2 = mk_ok(f, "{\"name\":\"东城乙\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}");
	b1 = mk_ok(f, "{\"name\":\"虎门甲\",\"address\":\"路\",\"town\":\""
	    TOWN_B "\"}");
	user(&ta, 41, "town:" TOWN_A, "registry:read");
	user(&tb, 42, "town:" TOWN_B, "registry:read");
	user(&g, 43, "city", "registry:read");
	snprintf(g.jurisdiction, sizeof(g.jurisdiction), "grid:%lld",
	    (long long)ga);
	user(&u, 44, "city", "registry:read");
	snprintf(u.jurisdiction, sizeof(u.jurisdiction), "unit:%lld",
	    (long long)a2);
	user(&nobody, 45, "city", "");
	actor_public(&pub, "t", "1.2.3.4");

	memset(&q, 0, sizeof(q));
	assert_int_equal(list_total(f, &ta, &q), 2);
	assert_int_equal(list_total(f, &tb, &q), 1);
	assert_int_equal(list_total(f, &g, &q), 1);
	assert_int_equal(list_total(f, &u, &q), 1);
	assert_int_equal(list_total(f, &f->sys, &q), 3);
	/* A filter never widens the view. */
	q.town = TOWN_B;
	assert_int_equal(list_total(f, &ta, &q), 0);
	q.town = NULL;
	q.q = "虎门";
	assert_int_equal(list_total(f, &ta, &q), 0);
	q.q = NULL;
	/* Another town's unit does not exist for the caller. */
	assert_int_equal(registry_unit_get(f->st, &ta, b1, &j, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(registry_unit_get(f->st, &tb, a1, &j, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(registry_unit_get(f->st, &g, a2, &j, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(registry_unit_get(f->st, &u, a1, &j, &e),
	    ERR_NOT_FOUND);
	json_decref(get(f, &g, a1));
	json_decref(get(f, &u, a2));
	json_decref(get(f, &ta, a1));
	assert_int_equal(registry_unit_history(f->st, &tb, a1, 0, 20, &items,
	    &total, &e), ERR_NOT_FOUND);
	assert_int_equal(registry_unit_history(f->st, &ta, a1, 0, 20, &items,
	    &total, &e), 0);
	assert_int_equal(total, 1);
	assert_string_equal(sget(json_array_get(items, 0), "action"),
	    "unit.create");
	json_decref(items);
	assert_int_equal(registry_building_list(f->st, &tb, a1, 0, 20, &items,
	    &total, &e), ERR_NOT_FOUND);
	/* No permission, no jurisdiction, the public: nothing. */
	assert_int_equal(registry_unit_get(f->st, &nobody, a1, &j, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(list(f, &nobody, &q, &items, &total, &e),
	    ERR_FORBIDDEN);
	actor_add_perm(&pub, "registry:read");
	assert_int_equal(list(f, &pub, &q, &items, &total, &e), ERR_FORBIDDEN);
	assert_int_equal(registry_unit_get(f->st, &pub, a1, &j, &e),
	    ERR_NOT_FOUND);
	snprintf(nobody.jurisdiction, sizeof(nobody.jurisdiction), "moon");
	actor_add_perm(&nobody, "registry:read");
	assert_int_equal(list(f, &nobody, &q, &items, &total, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(registry_town_list(f->st, &pub, &items, &e),
	    ERR_UNAUTHENTICATED);
}

/* Z-2, Z-3 (REG-011): writes stay within the jurisdiction. */
static void
test_registry__z2_reg011_writes_scoped(void **state)
{
	struct fx	*f = *state;
	struct actor	 ta, g, u;
	struct err	 e;
	json_t		*j = NULL;
	char		 json[256];
	int64_t		 ga, gb, id, b1, n0;

	user(&ta, 51, "town:" TOWN_A, "registry:read registry:write");
	ga = mk_grid(f, &f->sys, TOWN_A, "A-1", &e);
	gb = mk_grid(f, &f->sys, TOWN_A, "A-2", &e);
	n0 = count(f, "SELECT COUNT(*) FROM units");
	assert_int_equal(mk(f, &ta, "{\"name\":\"甲\",\"address\":\"路\","
	    "\"town\":\"" TOWN_B "\"}", NULL, &e), ERR_FORBIDDEN);
	assert_string_equal(e.field, "town");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), n0);
	id = 0;
	assert_int_equal(mk(f, &ta, "{\"name\":\"甲\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\"}", &id, &e), 0);
	/* Moving a unit to another town is leaving the jurisdiction. */
	assert_int_equal(upd(f, &ta, id, 1, "{\"town\":\"" TOWN_B "\"}", NULL,
	    &e), ERR_FORBIDDEN);
	b1 = mk_ok(f, "{\"name\":\"虎门\",\"address\":\"路\",\"town\":\""
	    TOWN_B "\"}");
	assert_int_equal(upd(f, &ta, b1, 1, "{\"name\":\"x\"}", NULL, &e),
	    ERR_NOT_FOUND);
	begin(f);
	assert_int_equal(end(f, registry_unit_archive(f->st, &ta, b1, 0, &j,
	    &e)), ERR_NOT_FOUND);
	/* A grid account registers in its own grid (the default). */
	user(&g, 52, "city", "registry:read registry:write");
	snprintf(g.jurisdiction, sizeof(g.jurisdiction), "grid:%lld",
	    (long long)ga);
	id = 0;
	assert_int_equal(mk(f, &g, "{\"name\":\"格甲\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\"}", &id, &e), 0);
	j = get(f, &g, id);
	snprintf(json, sizeof(json), "%lld", (long long)ga);
	assert_string_equal(sget(j, "grid_id"), json);
	json_decref(j);
	snprintf(json, sizeof(json), "{\"name\":\"格乙\",\"address\":\"路\","
	    "\"town\":\"%s\",\"grid_id\":\"%lld\"}", TOWN_A, (long long)gb);
	assert_int_equal(mk(f, &g, json, NULL, &e), ERR_FORBIDDEN);
	assert_string_equal(e.field, "grid_id");
	snprintf(json, sizeof(json), "{\"grid_id\":\"%lld\"}", (long long)gb);
	assert_int_equal(upd(f, &g, id, 1, json, NULL, &e), ERR_FORBIDDEN);
	/* A unit account keeps its own unit but registers none. */
	user(&u, 53, "city", "registry:read registry:write");
	snprintf(u.jurisdiction, sizeof(u.jurisdiction), "unit:%lld",
	    (long long)id);
	assert_int_equal(mk(f, &u, "{\"name\":\"单位\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\"}", NULL, &e), ERR_FORBIDDEN);
	assert_int_equal(upd(f, &u, id, 1, "{\"industry\":\"C18\"}", NULL, &e),
	    0);
	assert_int_equal(upd(f, &u, id, 2, "{\"town\":\"" TOWN_B "\"}", NULL,
	    &e), ERR_FORBIDDEN);
	assert_int_equal(upd(f, &u, b1, 1, "{\"industry\":\"C18\"}", NULL, &e),
	    ERR_NOT_FOUND);
	/* Read-only roles write nothing. */
	user(&ta, 54, "town:" TOWN_A, "registry:read");
	assert_int_equal(mk(f, &ta, "{\"name\":\"甲\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\"}", NULL, &e), ERR_FORBIDDEN);
	assert_int_equal(upd(f, &ta, id, 2, "{\"name\":\"x\"}", NULL, &e),
	    ERR_FORBIDDEN);
}

/* REG-012: categories, the three-small subtype, the primary category. */
static void
test_registry__reg012_categories(void **state)
{
	struct fx			*f = *state;
	struct registry_unit_query	 q;
	struct err			 e;
	json_t				*j;
	int64_t				 id;

	id = mk_ok(f, "{\"name\":\"商场\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\",\"categories\":[\"crowded\",\"key\","
	    "\"public_gathering\"]}");
	j = get(f, &f->sys, id);
	assert_string_equal(sget(j, "primary_category"), "key");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(j, "categories"), 0)), "key");
	assert_int_equal(json_array_size(json_object_get(j, "categories")), 3);
	json_decref(j);
	assert_int_equal(count(f, "SELECT categories FROM units"), 1 + 4 + 8);
	id = mk_ok(f, "{\"name\":\"小店\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\",\"categories\":[\"three_small\"],"
	    "\"three_small_kind\":\"shop\"}");
	mk_ok(f, "{\"name\":\"高危\",\"address\":\"路\",\"town\":\"" TOWN_A
	    "\",\"categories\":[\"key\",\"high_risk\"]}");
	mk_ok(f, "{\"name\":\"一般\",\"address\":\"路\",\"town\":\"" TOWN_A
	    "\",\"categories\":[\"general\"]}");
	mk_ok(f, "{\"name\":\"无\",\"address\":\"路\",\"town\":\"" TOWN_A
	    "\"}");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE "
	    "primary_category = 'high_risk'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE "
	    "primary_category = 'general'"), 2);
	memset(&q, 0, sizeof(q));
	q.category = "key";
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.category = "crowded";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.category = "general";
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.category = NULL;
	q.primary_category = "key";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.primary_category = "nope";
	assert_int_equal(list(f, &f->sys, &q, &j, &id, &e), ERR_INVALID);
	assert_string_equal(e.field, "primary_category");
	q.primary_category = NULL;
	q.category = "vip";
	assert_int_equal(list(f, &f->sys, &q, &j, &id, &e), ERR_INVALID);
	assert_string_equal(e.field, "category");
	/* Bad sets. */
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"x\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\",\"categories\":[\"vip\"]}", NULL, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "categories");
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"x\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\",\"categories\":[\"key\",\"key\"]}", NULL,
	    &e), ERR_INVALID);
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"x\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\",\"categories\":[\"general\",\"key\"]}",
	    NULL, &e), ERR_INVALID);
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"x\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\",\"categories\":\"key\"}", NULL, &e),
	    ERR_TYPE);
	id = mk_ok(f, "{\"name\":\"空\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\",\"categories\":null}");
	j = get(f, &f->sys, id);
	assert_string_equal(sget(j, "primary_category"), "general");
	json_decref(j);
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"x\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\",\"categories\":[\"three_small\"]}", NULL,
	    &e), ERR_MISSING);
	assert_string_equal(e.field, "three_small_kind");
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"x\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\",\"three_small_kind\":\"shop\"}", NULL,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "three_small_kind");
	assert_int_equal(mk(f, &f->sys, "{\"name\":\"x\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\",\"categories\":[\"three_small\"],"
	    "\"three_small_kind\":\"bar\"}", NULL, &e), ERR_INVALID);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 6);
}

/* REG-013: active -> closed -> archived; archived is read-only; no row
 * is ever deleted. */
static void
test_registry__reg013_status_lifecycle(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*j = NULL;
	int64_t		 id, id2, a0;

	id = mk_ok(f, "{\"name\":\"甲\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}");
	id2 = mk_ok(f, "{\"name\":\"乙\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}");
	begin(f);
	assert_int_equal(end(f, registry_unit_close(f->st, &f->sys, id, 2, &j,
	    &e)), ERR_STALE);
	begin(f);
	assert_int_equal(end(f, registry_unit_close(f->st, &f->sys, id, 1, &j,
	    &e)), 0);
	assert_string_equal(sget(j, "status"), "closed");
	json_decref(j);
	assert_last_action(f, "unit.close");
	begin(f);
	assert_int_equal(end(f, registry_unit_close(f->st, &f->sys, id, 0, &j,
	    &e)), ERR_POLICY);
	/* A closed unit can still be corrected. */
	assert_int_equal(upd(f, &f->sys, id, 2, "{\"industry\":\"F52\"}", NULL,
	    &e), 0);
	begin(f);
	assert_int_equal(end(f, registry_unit_archive(f->st, &f->sys, id, 0,
	    &j, &e)), 0);
	assert_string_equal(sget(j, "status"), "archived");
	json_decref(j);
	assert_last_action(f, "unit.archive");
	begin(f);
	assert_int_equal(end(f, registry_unit_archive(f->st, &f->sys, id2, 0,
	    &j, &e)), 0);
	json_decref(j);
	a0 = asize(f);
	assert_int_equal(upd(f, &f->sys, id, 4, "{\"name\":\"丙\"}", NULL, &e),
	    ERR_POLICY);
	assert_string_equal(e.field, "status");
	begin(f);
	assert_int_equal(end(f, registry_unit_archive(f->st, &f->sys, id, 0,
	    &j, &e)), ERR_POLICY);
	begin(f);
	assert_int_equal(end(f, registry_unit_close(f->st, &f->sys, id2, 0,
	    &j, &e)), ERR_POLICY);
	assert_int_equal(asize(f), a0);
	/* Still there, readable, and listed under its status. */
	j = get(f, &f->sys, id);
	assert_string_equal(sget(j, "status"), "archived");
	assert_string_equal(sget(j, "industry"), "F52");
	json_decref(j);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 2);
}

static int
mk_part(struct fx *f, struct actor *who, int place, int64_t unit,
    const char *json, json_t **out, struct err *e)
{
	json_t	*in = json_loads(json, 0, NULL), *o = NULL;
	int	 rc;

	if (in == NULL)
		fail_msg("bad JSON %s", json);
	begin(f);
	rc = end(f, place ? registry_place_create(f->st, who, unit, in, &o,
	    e) : registry_building_create(f->st, who, unit, in, &o, e));
	json_decref(in);
	if (out != NULL)
		*out = o;
	else
		json_decref(o);
	return rc;
}

/* REG-014: buildings and places take only sane, typed values. */
static void
test_registry__reg014_building_place_limits(void **state)
{
	struct fx	*f = *state;
	static const struct {
		const char	*json;
		int		 rc;
		const char	*field;
	} bad[] = {
		{ "{\"name\":\"A\",\"use\":\"factory\",\"floor_area_m2\":-1}",
		    ERR_RANGE, "floor_area_m2" },
		{ "{\"name\":\"A\",\"use\":\"factory\",\"floors_above\":201}",
		    ERR_RANGE, "floors_above" },
		{ "{\"name\":\"A\",\"use\":\"factory\",\"floors_below\":-2}",
		    ERR_RANGE, "floors_below" },
		{ "{\"name\":\"A\",\"use\":\"factory\",\"height_cm\":100001}",
		    ERR_RANGE, "height_cm" },
		{ "{\"name\":\"A\",\"use\":\"factory\","
		    "\"floor_area_m2\":10000001}", ERR_RANGE, "floor_area_m2" },
		{ "{\"name\":\"A\",\"use\":\"factory\",\"occupancy\":1.5}",
		    ERR_TYPE, "occupancy" },
		{ "{\"name\":\"A\",\"use\":\"factory\",\"has_sprinklers\":1}",
		    ERR_TYPE, "has_sprinklers" },
		{ "{\"name\":\"A\",\"use\":\"castle\"}", ERR_INVALID, "use" },
		{ "{\"name\":\"A\",\"use\":\"factory\","
		    "\"fire_resistance_rating\":\"五级\"}", ERR_INVALID,
		    "fire_resistance_rating" },
		{ "{\"use\":\"factory\"}", ERR_MISSING, "name" },
		{ "{\"name\":\"A\"}", ERR_MISSING, "use" },
		{ "{\"name\":\"A\",\"use\":\"factory\",\"floors_above\":null}",
		    ERR_TYPE, "floors_above" },
		{ "{\"name\":\"A\",\"use\":\"factory\",\"colour\":\"red\"}",
		    ERR_UNKNOWN_FIELD, "colour" },
		{ "{\"name\":\"\",\"use\":\"factory\"}", ERR_RANGE, "name" },
	};
	struct err	 e;
	json_t		*b = NULL;
	int64_t		 u;
	size_t		 i;

	u = mk_ok(f, "{\"name\":\"厂\",\"address\":\"路\",\"town\":\"" TOWN_A
	    "\"}");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mk_part(f, &f->sys, 0, u, bad[i].json, NULL, &e) !=
		    bad[i].rc)
			fail_msg("%s: %d %s", bad[i].json, e.code, e.msg);
		assert_string_equal(e.field, bad[i].field);
	}
	assert_int_equal(count(f, "SELECT COUNT(*) FROM buildings"), 0);
	/* The limits themselves are accepted; the values come back. */
	assert_int_equal(mk_part(f, &f->sys, 0, u, "{\"name\":\" 1号楼 \","
	    "\"use\":\"factory\",\"floors_above\":200,\"floors_below\":20,"
	    "\"height_cm\":100000,\"floor_area_m2\":10000000,"
	    "\"fire_resistance_rating\":\"二级\",\"occupancy\":1000000,"
	    "\"has_control_room\":true,\"has_sprinklers\":true,"
	    "\"has_auto_alarm\":false}", &b, &e), 0);
	assert_string_equal(sget(b, "name"), "1号楼");
	assert_int_equal(json_integer_value(json_object_get(b, "height_cm")),
	    100000);
	assert_int_equal(json_integer_value(json_object_get(b,
	    "floor_area_m2")), 10000000);
	assert_true(json_is_true(json_object_get(b, "has_control_room")));
	assert_true(json_is_false(json_object_get(b, "has_auto_alarm")));
	assert_string_equal(sget(b, "fire_resistance_rating"), "二级");
	assert_string_equal(sget(b, "status"), "active");
	json_decref(b);
	assert_last_action(f, "building.create");
	/* Places. */
	assert_int_equal(mk_part(f, &f->sys, 1, u, "{\"name\":\"KTV\","
	    "\"kind\":\"entertainment\",\"seats\":-1}", NULL, &e), ERR_RANGE);
	assert_string_equal(e.field, "seats");
	assert_int_equal(mk_part(f, &f->sys, 1, u, "{\"name\":\"KTV\","
	    "\"kind\":\"spa\"}", NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "kind");
	assert_int_equal(mk_part(f, &f->sys, 1, u, "{\"name\":\"KTV\","
	    "\"kind\":\"entertainment\",\"rooms\":100001}", NULL, &e),
	    ERR_RANGE);
	assert_int_equal(mk_part(f, &f->sys, 1, u, "{\"name\":\"KTV\","
	    "\"kind\":\"entertainment\",\"building_id\":12}", NULL, &e),
	    ERR_TYPE);
	assert_string_equal(e.field, "building_id");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM places"), 0);
	/* Unknown unit. */
	assert_int_equal(mk_part(f, &f->sys, 1, 12345, "{\"name\":\"KTV\","
	    "\"kind\":\"entertainment\"}", NULL, &e), ERR_NOT_FOUND);
}

/* REG-015 and REG-020: a place's building is the same unit's; archived
 * units take no parts, archived parts no changes. */
static void
test_registry__reg015_reg020_parts(void **state)
{
	struct fx	*f = *state;
	struct actor	 tb, ta;
	struct err	 e;
	json_t		*b = NULL, *p = NULL, *in, *items = NULL;
	char		 json[256];
	const char	*bid;
	int64_t		 u1, u2, pid, b64, total;

	u1 = mk_ok(f, "{\"name\":\"酒店\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}");
	u2 = mk_ok(f, "{\"name\":\"别家\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}");
	assert_int_equal(mk_part(f, &f->sys, 0, u2, "{\"name\":\"B\","
	    "\"use\":\"public\"}", &b, &e), 0);
	snprintf(json, sizeof(json), "{\"name\":\"客房\",\"kind\":\"hotel\","
	    "\"building_id\":\"%s\",\"rooms\":60}", sget(b, "id"));
	json_decref(b);
	assert_int_equal(mk_part(f, &f->sys, 1, u1, json, NULL, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "building_id");
	assert_int_equal(mk_part(f, &f->sys, 0, u1, "{\"name\":\"主楼\","
	    "\"use\":\"public\",\"floors_above\":12}", &b, &e), 0);
	bid = sget(b, "id");
	str_to_i64(bid, 1, INT64_MAX, &b64);
	snprintf(json, sizeof(json), "{\"name\":\"客房\",\"kind\":\"hotel\","
	    "\"building_id\":\"%s\",\"rooms\":60,\"beds\":90,"
	    "\"underground\":false}", bid);
	assert_int_equal(mk_part(f, &f->sys, 1, u1, json, &p, &e), 0);
	assert_string_equal(sget(p, "building_id"), bid);
	assert_int_equal(json_integer_value(json_object_get(p, "rooms")), 60);
	str_to_i64(sget(p, "id"), 1, INT64_MAX, &pid);
	json_decref(p);
	/* Jurisdiction of parts follows the unit. */
	user(&tb, 61, "town:" TOWN_B, "registry:read registry:write");
	user(&ta, 62, "town:" TOWN_A, "registry:read registry:write");
	assert_int_equal(registry_place_get(f->st, &tb, pid, &p, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(registry_building_get(f->st, &tb, b64, &p, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(mk_part(f, &tb, 0, u1, "{\"name\":\"X\","
	    "\"use\":\"public\"}", NULL, &e), ERR_NOT_FOUND);
	assert_int_equal(registry_place_list(f->st, &ta, u1, 0, 20, &items,
	    &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(registry_place_list(f->st, &ta, u1, 0, 201, &items,
	    &total, &e), ERR_INVALID);
	/* Update with versions; archive; archived parts are read-only. */
	in = json_pack("{s:i}", "floors_above", 13);
	begin(f);
	assert_int_equal(end(f, registry_building_update(f->st, &tb, b64, 1,
	    in, &p, &e)), ERR_NOT_FOUND);
	begin(f);
	assert_int_equal(end(f, registry_building_update(f->st, &ta, b64, 2,
	    in, &p, &e)), ERR_STALE);
	begin(f);
	assert_int_equal(end(f, registry_building_update(f->st, &ta, b64, 1,
	    in, &p, &e)), 0);
	assert_int_equal(json_integer_value(json_object_get(p,
	    "floors_above")), 13);
	assert_string_equal(sget(p, "name"), "主楼");
	json_decref(p);
	assert_last_action(f, "building.update");
	begin(f);
	assert_int_equal(end(f, registry_building_archive(f->st, &ta, b64, 0,
	    &p, &e)), 0);
	json_decref(p);
	begin(f);
	assert_int_equal(end(f, registry_building_update(f->st, &ta, b64, 3,
	    in, &p, &e)), ERR_POLICY);
	json_decref(in);
	/* A place cannot move into an archived building. */
	in = json_pack("{s:s}", "building_id", bid);
	begin(f);
	assert_int_equal(end(f, registry_place_update(f->st, &ta, pid, 1, in,
	    &p, &e)), ERR_INVALID);
	json_decref(in);
	in = json_pack("{s:n}", "building_id");
	begin(f);
	assert_int_equal(end(f, registry_place_update(f->st, &ta, pid, 1, in,
	    &p, &e)), 0);
	assert_true(json_is_null(json_object_get(p, "building_id")));
	json_decref(p);
	json_decref(in);
	/* REG-020 */
	begin(f);
	assert_int_equal(end(f, registry_unit_archive(f->st, &f->sys, u1, 0,
	    &p, &e)), 0);
	json_decref(p);
	assert_int_equal(mk_part(f, &f->sys, 0, u1, "{\"name\":\"X\","
	    "\"use\":\"public\"}", NULL, &e), ERR_POLICY);
	begin(f);
	assert_int_equal(end(f, registry_place_archive(f->st, &f->sys, pid, 0,
	    &p, &e)), ERR_POLICY);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM places"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM buildings"), 2);
	json_decref(b);
}

/* REG-016: updates carry the version; a stale one changes nothing. */
static void
test_registry__reg016_optimistic_locking(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*j = NULL;
	int64_t		 id, a0;

	id = mk_ok(f, "{\"name\":\"甲\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}");
	assert_int_equal(upd(f, &f->sys, id, 1, "{\"name\":\"乙\"}", &j, &e),
	    0);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	a0 = asize(f);
	assert_int_equal(upd(f, &f->sys, id, 1, "{\"name\":\"丙\"}", NULL, &e),
	    ERR_STALE);
	assert_string_equal(e.field, "version");
	assert_int_equal(asize(f), a0);
	j = get(f, &f->sys, id);
	assert_string_equal(sget(j, "name"), "乙");
	json_decref(j);
	assert_int_equal(version_of(f, id), 2);
}

/* REG-017: every change is one audit entry whose state is the canonical
 * record; verify --deep recomputes it and sees direct edits. */
static void
test_registry__reg017_audit_and_deep_verify(void **state)
{
	struct fx	*f = *state;
	struct buf	 report;
	struct err	 e;
	json_t		*j = NULL, *rec = NULL;
	char		*s, ids[64];
	int64_t		 id, entries, a0, ga;

	a0 = asize(f);
	ga = mk_grid(f, &f->sys, TOWN_A, "G-1", &e);
	assert_int_equal(asize(f), a0 + 1);
	s = person_json(PHONE, IDNO);
	id = mk_ok(f, s);
	free(s);
	assert_int_equal(asize(f), a0 + 2);
	snprintf(ids, sizeof(ids), "{\"grid_id\":\"%lld\"}", (long long)ga);
	assert_int_equal(upd(f, &f->sys, id, 1, ids, NULL, &e), 0);
	assert_int_equal(asize(f), a0 + 3);
	assert_int_equal(upd(f, &f->sys, id, 2, "{\"manager_phone\":null,"
	    "\"responsible_name\":\"赵六\"}", NULL, &e), 0);
	assert_int_equal(asize(f), a0 + 4);
	assert_int_equal(mk_part(f, &f->sys, 0, id, "{\"name\":\"B\","
	    "\"use\":\"mixed\"}", NULL, &e), 0);
	assert_int_equal(mk_part(f, &f->sys, 1, id, "{\"name\":\"P\","
	    "\"kind\":\"shop\"}", NULL, &e), 0);
	begin(f);
	assert_int_equal(end(f, registry_unit_unmask(f->st, &f->sys, id,
	    "核对信息", &j, &e)), 0);
	json_decref(j);
	assert_int_equal(asize(f), a0 + 7);
	/* The record: hashes of sealed values, never clear text. */
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	assert_int_equal(registry_unit_record(f->st, ids, &rec, &e), 0);
	s = json_dumps(rec, 0);
	assert_null(strstr(s, PHONE));
	assert_null(strstr(s, "张"));
	assert_non_null(strstr(s, "\"contacts\""));
	free(s);
	assert_int_equal(strlen(json_string_value(json_object_get(
	    json_object_get(json_object_get(rec, "contacts"), "legal_rep"),
	    "phone"))), 64);
	assert_true(json_is_null(json_object_get(json_object_get(
	    json_object_get(rec, "contacts"), "manager"), "phone")));
	json_decref(rec);
	assert_int_equal(registry_unit_record(f->st, "1", &rec, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(registry_unit_record(f->st, "x", &rec, &e),
	    ERR_NOT_FOUND);
	buf_init(&report);
	assert_int_equal(audit_verify(f->st, reg_types, &report, &entries, &e),
	    0);
	assert_int_equal(entries, asize(f));
	/* A direct edit of a sealed value, of a name, of a building. */
	assert_int_equal(store_exec(f->st, "UPDATE unit_contacts SET "
	    "phone_index = 'ab' WHERE role = 'legal_rep'", STORE_NOARGS, NULL,
	    &e), 0);
	assert_int_equal(audit_verify(f->st, reg_types, &report, &entries, &e),
	    ERR_CRYPTO);
	assert_non_null(strstr(report.data, ids));
	buf_reset(&report);
	s = person_json(PHONE, IDNO);
	assert_int_equal(store_exec(f->st, "UPDATE unit_contacts SET "
	    "phone_index = NULL WHERE role = 'legal_rep'", STORE_NOARGS, NULL,
	    &e), 0);
	free(s);
	assert_int_equal(audit_verify(f->st, reg_types, &report, &entries, &e),
	    ERR_CRYPTO);
	buf_reset(&report);
	assert_int_equal(store_exec(f->st, "UPDATE buildings SET "
	    "floors_above = 99", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, reg_types, &report, &entries, &e),
	    ERR_CRYPTO);
	assert_non_null(strstr(report.data, "building/"));
	buf_free(&report);
}

/* REG-018: strings bounded, typed; unknown fields; nothing stored. */
static void
test_registry__reg018_bad_input_stores_nothing(void **state)
{
	struct fx	*f = *state;
	static const struct {
		const char	*json;
		int		 rc;
		const char	*field;
	} bad[] = {
		{ "{\"address\":\"路\",\"town\":\"" TOWN_A "\"}", ERR_MISSING,
		    "name" },
		{ "{\"name\":\"甲\",\"town\":\"" TOWN_A "\"}", ERR_MISSING,
		    "address" },
		{ "{\"name\":\"甲\",\"address\":\"路\"}", ERR_MISSING, "town" },
		{ "{\"name\":\"   \",\"address\":\"路\",\"town\":\"" TOWN_A
		    "\"}", ERR_RANGE, "name" },
		{ "{\"name\":\"a\\u0001b\",\"address\":\"路\",\"town\":\""
		    TOWN_A "\"}", ERR_INVALID, "name" },
		{ "{\"name\":\"a\\nb\",\"address\":\"路\",\"town\":\"" TOWN_A
		    "\"}", ERR_INVALID, "name" },
		{ "{\"name\":1,\"address\":\"路\",\"town\":\"" TOWN_A "\"}",
		    ERR_TYPE, "name" },
		{ "{\"name\":null,\"address\":\"路\",\"town\":\"" TOWN_A "\"}",
		    ERR_TYPE, "name" },
		{ "{\"name\":\"甲\",\"address\":\"路\",\"town\":\"" TOWN_A
		    "\",\"owner\":\"x\"}", ERR_UNKNOWN_FIELD, "owner" },
		{ "{\"name\":\"甲\",\"address\":\"路\",\"town\":\"" TOWN_A
		    "\",\"grid_id\":5}", ERR_TYPE, "grid_id" },
		{ "{\"name\":\"甲\",\"address\":\"路\",\"town\":\"" TOWN_A
		    "\",\"legal_rep_name\":\"\"}", ERR_RANGE,
		    "legal_rep_name" },
		{ "{\"name\":\"甲\",\"address\":\"路\",\"town\":\"" TOWN_A
		    "\",\"manager_phone\":13800135678}", ERR_TYPE,
		    "manager_phone" },
		{ "{\"name\":\"甲\",\"address\":\"路\",\"town\":\"" TOWN_A
		    "\",\"industry\":\"\"}", ERR_RANGE, "industry" },
	};
	struct err	 e;
	char		*json, *longname;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mk(f, &f->sys, bad[i].json, NULL, &e) != bad[i].rc)
			fail_msg("%s: %d %s", bad[i].json, e.code, e.msg);
		assert_string_equal(e.field, bad[i].field);
	}
	/* 200 code points is the limit, 201 is over. */
	longname = xmalloc(3 * 201 + 1);
	for (i = 0; i < 201; i++)
		memcpy(longname + 3 * i, "单", 3);
	longname[3 * 201] = '\0';
	json = xasprintf("{\"name\":\"%s\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}", longname);
	assert_int_equal(mk(f, &f->sys, json, NULL, &e), ERR_RANGE);
	assert_string_equal(e.field, "name");
	free(json);
	longname[3 * 200] = '\0';
	json = xasprintf("{\"name\":\"%s\",\"address\":\"路\",\"town\":\""
	    TOWN_A "\"}", longname);
	assert_true(mk_ok(f, json) > 0);
	free(json);
	free(longname);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM unit_contacts"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action LIKE 'unit.%'"), 1);
}

/* REG-021 and REG-022: filters, sort allow-list, paging limits, name
 * prefix by index range (ASCII case-insensitive). */
/*
 * REG-032: registered address (住所) and date of establishment (成立日期):
 * optional, the date strictly YYYY-MM-DD from 1949 up to today, in the
 * view; in the canonical record only when set (older records keep their
 * state hash).
 */
static void
test_registry__reg032_registration_fields(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*j, *rec = NULL;
	char		 tmp[24];
	int64_t		 id, n0;
	static const char *const bad[] = {
		"\"2019-02-30\"", "\"2019/3/28\"", "\"1948-12-31\"",
		"\"2999-01-01\"", "\"20190328\"", "20190328", "\"2019-3-28\"",
	};
	size_t		 i;

	id = mk_ok(f, "{\"name\":\"登记甲\",\"address\":\"经营路1号\","
	    "\"town\":\"" TOWN_A "\",\"registered_address\":\"住所路2号\","
	    "\"registered_on\":\"2019-03-28\"}");
	j = get(f, &f->sys, id);
	assert_string_equal(sget(j, "registered_address"), "住所路2号");
	assert_string_equal(sget(j, "registered_on"), "2019-03-28");
	json_decref(j);
	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	assert_int_equal(registry_unit_record(f->st, tmp, &rec, &e), 0);
	assert_string_equal(sget(rec, "registered_on"), "2019-03-28");
	json_decref(rec);
	/* Without them: null in the view, absent from the record. */
	id = mk_ok(f, "{\"name\":\"登记乙\",\"address\":\"路\","
	    "\"town\":\"" TOWN_A "\"}");
	j = get(f, &f->sys, id);
	assert_true(json_is_null(json_object_get(j, "registered_on")));
	json_decref(j);
	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	assert_int_equal(registry_unit_record(f->st, tmp, &rec, &e), 0);
	assert_null(json_object_get(rec, "registered_on"));
	assert_null(json_object_get(rec, "registered_address"));
	json_decref(rec);
	/* Bad dates: 4xx naming the field, nothing stored. */
	n0 = count(f, "SELECT COUNT(*) FROM units");
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char	json[256];

		snprintf(json, sizeof(json), "{\"name\":\"坏日期\","
		    "\"address\":\"路\",\"town\":\"" TOWN_A "\","
		    "\"registered_on\":%s}", bad[i]);
		assert_true(mk(f, &f->sys, json, NULL, &e) < 0);
		assert_string_equal(e.field, "registered_on");
	}
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), n0);
	/* Cleared by null on update. */
	j = NULL;
	assert_int_equal(upd(f, &f->sys, id, version_of(f, id),
	    "{\"registered_on\":\"2000-02-29\"}", &j, &e), 0);
	assert_string_equal(sget(j, "registered_on"), "2000-02-29");
	json_decref(j);
	assert_int_equal(upd(f, &f->sys, id, version_of(f, id),
	    "{\"registered_on\":null}", &j, &e), 0);
	assert_true(json_is_null(json_object_get(j, "registered_on")));
	json_decref(j);
}

/*
 * REG-031: a list counts exactly up to max(REGISTRY_COUNT_CAP, offset +
 * limit) and says when its total is only that bound.  The units go in by
 * SQL: this is about counting, not about creating.
 */
static void
test_registry__reg031_count_cap(void **state)
{
	struct fx			*f = *state;
	struct registry_unit_query	 q;
	struct actor			 ta;
	struct err			 e;
	json_t				*items = NULL;
	int64_t				 total, i, n = REGISTRY_COUNT_CAP + 50;
	int				 exact;

	begin(f);
	for (i = 0; i < n; i++) {
		char	name[32], key[64];
		size_t	k;

		/* name_key is the hex of the name (REG-022). */
		snprintf(name, sizeof(name), "cap%06lld", (long long)i);
		for (k = 0; name[k] != '\0'; k++)
			snprintf(key + 2 * k, 3, "%02x", (unsigned char)name[k]);
		assert_int_equal(store_exec(f->st, "INSERT INTO units (id, name, "
		    "name_key, address, town_code, categories, "
		    "primary_category, status, version, created_at, updated_at, "
		    "created_by) VALUES (?, ?, ?, 'x', ?, 0, 'general', "
		    "'active', 1, 0, 0, 't')", STORE_ARGS(SV_I(1000 + i),
		    SV_S(name), SV_S(key), SV_S(TOWN_A)), NULL, &e), 0);
	}
	end(f, 0);
	user(&ta, 11, "town:" TOWN_A, "registry:read");
	memset(&q, 0, sizeof(q));
	q.limit = 20;
	assert_int_equal(registry_unit_list(f->st, &ta, &q, &items, &total,
	    &exact, &e), 0);
	assert_int_equal(total, REGISTRY_COUNT_CAP);
	assert_int_equal(exact, 0);
	assert_int_equal(json_array_size(items), 20);
	json_decref(items);
	/* A page near the bound moves it. */
	q.offset = REGISTRY_COUNT_CAP - 10;
	assert_int_equal(registry_unit_list(f->st, &ta, &q, &items, &total,
	    &exact, &e), 0);
	assert_int_equal(total, REGISTRY_COUNT_CAP + 10);
	assert_int_equal(exact, 0);
	json_decref(items);
	/* Past the last match the count is exact again. */
	q.offset = n - 5;
	assert_int_equal(registry_unit_list(f->st, &ta, &q, &items, &total,
	    &exact, &e), 0);
	assert_int_equal(total, n);
	assert_int_equal(exact, 1);
	assert_int_equal(json_array_size(items), 5);
	json_decref(items);
	/* A narrow filter is exact. */
	memset(&q, 0, sizeof(q));
	q.limit = 20;
	q.prefix = "cap00001";
	assert_int_equal(registry_unit_list(f->st, &ta, &q, &items, &total,
	    &exact, &e), 0);
	assert_int_equal(exact, 1);
	assert_int_equal(total, 10);
	json_decref(items);
}

static void
test_registry__reg021_reg022_search_filter_sort_page(void **state)
{
	struct fx			*f = *state;
	struct registry_unit_query	 q;
	struct err			 e;
	json_t				*items = NULL;
	char				 json[512], code[19], hex[64];
	int64_t				 total, ga, id;
	int				 i;

	ga = mk_grid(f, &f->sys, TOWN_A, "S-1", &e);
	make_uscc(777, code);
	snprintf(json, sizeof(json), "{\"name\":\"ABC Electronics 东莞\","
	    "\"address\":\"东城大道88号\",\"town\":\"%s\",\"uscc\":\"%s\","
	    "\"industry\":\"C39\",\"grid_id\":\"%lld\","
	    "\"categories\":[\"key\"]}", TOWN_A, code, (long long)ga);
	id = mk_ok(f, json);
	mk_ok(f, "{\"name\":\"abd 贸易\",\"address\":\"莞太路1号\",\"town\":\""
	    TOWN_A "\",\"industry\":\"F51\",\"categories\":[\"three_small\"],"
	    "\"three_small_kind\":\"shop\"}");
	mk_ok(f, "{\"name\":\"东莞市某某电子科技有限公司长安分公司一号\","
	    "\"address\":\"长安镇\",\"town\":\"" TOWN_B "\","
	    "\"categories\":[\"rental\"]}");
	mk_ok(f, "{\"name\":\"东莞市某某电子科技有限公司长安分公司二号\","
	    "\"address\":\"长安镇\",\"town\":\"" TOWN_B "\"}");
	mk_ok(f, "{\"name\":\"50%_折扣店\",\"address\":\"路\",\"town\":\""
	    TOWN_B "\"}");
	assert_int_equal(store_exec(f->st, "UPDATE units SET risk_grade = 'A' "
	    "WHERE industry = 'C39'", STORE_NOARGS, NULL, &e), 0);

	memset(&q, 0, sizeof(q));
	assert_int_equal(list_total(f, &f->sys, &q), 5);
	q.town = TOWN_A;
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.town = NULL;
	snprintf(hex, sizeof(hex), "%lld", (long long)ga);
	q.grid = hex;
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.grid = "abc";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "grid");
	q.grid = NULL;
	q.industry = "F51";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.industry = NULL;
	q.risk_grade = "A";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.risk_grade = NULL;
	q.status = "active";
	assert_int_equal(list_total(f, &f->sys, &q), 5);
	q.status = "closed";
	assert_int_equal(list_total(f, &f->sys, &q), 0);
	q.status = "gone";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "status");
	q.status = NULL;
	q.town = "441900999";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "town");
	q.town = NULL;
	/* q: substring of name or address, case-insensitive for ASCII;
	 * a USCC substring; a whole USCC. */
	q.q = "electronics";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.q = "莞太路";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.q = "电子科技";
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.q = code;
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	code[10] = '\0';
	q.q = code + 2;
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	/* % and _ match themselves. */
	q.q = "%";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.q = "_";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.q = NULL;
	/* Prefixes: short, ASCII in any case, longer than the key. */
	q.prefix = "ab";
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.prefix = "ABC";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.prefix = "东莞市";
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.prefix = "东莞市某某电子科技有限公司长安分公司一";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.prefix = "东莞市某某电子科技有限公司长安分公司";
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.prefix = "东莞市某某电子科";
	assert_int_equal(list_total(f, &f->sys, &q), 2);
	q.prefix = "电子";
	assert_int_equal(list_total(f, &f->sys, &q), 0);
	q.prefix = "50%";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	q.town = TOWN_B;
	q.category = "rental";
	q.prefix = "东莞";
	assert_int_equal(list_total(f, &f->sys, &q), 1);
	memset(&q, 0, sizeof(q));
	/* Sort: names by code point, ASCII folded; the allow-list. */
	q.sort = "name";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e), 0);
	assert_string_equal(sget(json_array_get(items, 0), "name"), "50%_折扣店");
	assert_string_equal(sget(json_array_get(items, 1), "name"),
	    "ABC Electronics 东莞");
	assert_string_equal(sget(json_array_get(items, 2), "name"), "abd 贸易");
	json_decref(items);
	q.sort = "-name";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e), 0);
	assert_string_equal(sget(json_array_get(items, 4), "name"), "50%_折扣店");
	json_decref(items);
	q.sort = "town";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e), 0);
	assert_string_equal(sget(json_array_get(items, 0), "town"), TOWN_A);
	assert_string_equal(sget(json_array_get(items, 4), "town"), TOWN_B);
	json_decref(items);
	q.sort = "-created_at";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e), 0);
	assert_string_equal(sget(json_array_get(items, 0), "name"), "50%_折扣店");
	json_decref(items);
	q.sort = "updated_at";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e), 0);
	json_decref(items);
	/* With a substring search every order is a scan, same results. */
	{
		static const char *const sorts[] = { "name", "-name",
		    "created_at", "-created_at", "updated_at", "-updated_at",
		    "town", "-town", NULL };

		q.q = "有限公司";
		for (i = 0; sorts[i]; i++) {
			q.sort = sorts[i];
			assert_int_equal(list(f, &f->sys, &q, &items, &total,
			    &e), 0);
			assert_int_equal(total, 2);
			assert_string_equal(sget(json_array_get(items,
			    sorts[i][0] == '-' ? 1 : 0), "name"),
			    "东莞市某某电子科技有限公司长安分公司一号");
			json_decref(items);
		}
		q.q = NULL;
	}
	q.sort = "uscc";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "sort");
	q.sort = "name; DROP TABLE units";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	q.sort = NULL;
	/* Paging. */
	q.limit = 2;
	for (i = 0; i < 3; i++) {
		q.offset = 2 * i;
		assert_int_equal(list(f, &f->sys, &q, &items, &total, &e), 0);
		assert_int_equal(total, 5);
		assert_int_equal(json_array_size(items), i < 2 ? 2 : 1);
		json_decref(items);
	}
	q.offset = 0;
	q.limit = 201;
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "limit");
	q.limit = 200;
	q.offset = -1;
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "offset");
	q.offset = 0;
	q.q = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五";
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "q");
	q.q = NULL;
	/* The list view carries no personal data. */
	q.limit = 50;
	assert_int_equal(list(f, &f->sys, &q, &items, &total, &e), 0);
	assert_null(json_object_get(json_array_get(items, 0),
	    "legal_rep_name"));
	json_decref(items);
	(void)id;
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_registry__reg001_towns_from_data_file),
		T(test_registry__reg002_reg019_grids),
		T(test_registry__reg003_reg004_uscc),
		T(test_registry__reg005_reg006_id_and_phone),
		T(test_registry__p1_reg007_sealed_and_indexed),
		T(test_registry__p1_database_file_has_no_clear_values),
		T(test_registry__p1_seal_open_index),
		T(test_registry__p2_reg008_reg009_mask_and_unmask),
		T(test_registry__z2_reg010_reads_scoped),
		T(test_registry__z2_reg011_writes_scoped),
		T(test_registry__reg012_categories),
		T(test_registry__reg013_status_lifecycle),
		T(test_registry__reg014_building_place_limits),
		T(test_registry__reg015_reg020_parts),
		T(test_registry__reg016_optimistic_locking),
		T(test_registry__reg017_audit_and_deep_verify),
		T(test_registry__reg018_bad_input_stores_nothing),
		T(test_registry__reg021_reg022_search_filter_sort_page),
		T(test_registry__reg031_count_cap),
		T(test_registry__reg032_registration_fields),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

/* data/towns/dongguan.csv from the source tree. */
static void
find_towns(void)
{
	char	*p;

	snprintf(towns_path, sizeof(towns_path), "%s", __FILE__);
	if ((p = strstr(towns_path, "tests/unit/test_registry.c")) != NULL)
		snprintf(p, sizeof(towns_path) - (size_t)(p - towns_path),
		    "data/towns/dongguan.csv");
	if (access(towns_path, R_OK) == 0)
		return;
	snprintf(towns_path, sizeof(towns_path), "../data/towns/dongguan.csv");
	if (access(towns_path, R_OK) == 0)
		return;
	snprintf(towns_path, sizeof(towns_path), "data/towns/dongguan.csv");
}

int
main(void)
{
	static const unsigned char	key[CRYPTO_SEAL_KEY_LEN] = {
		9, 8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12, 13, 14, 15, 16,
	};
	const char			*pg = getenv("FIREWARDEN_TEST_PG");
	int				 rc;

	jx_init();
	pii_set_key(key);
	find_towns();
	rc = run("sqlite::memory:", "registry (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "registry (PostgreSQL)");
	else
		printf("registry (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	return rc;
}
