/*
 * Unit tests of 一单两库 (src/domain/inspection_dir*.c) on SQLite and,
 * when FIREWARDEN_TEST_PG is set, PostgreSQL: the item list (codes,
 * fields, categories, city-only writes), the inspector directory
 * (certificates, areas, linked users, certificate validity, jurisdiction
 * of towns), declared conflicts, versions, archive instead of delete,
 * one audit entry per change and `audit verify --deep`, bad input stored
 * nowhere, the published list, exports, the items file and the demo
 * directories.  Each test carries its rule (INS-0xx) in its name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/inspection_dir.h"
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
#define TOWN_C	"441900004"	/* 南城街道 */

struct fx {
	struct store	*st;
	struct actor	 sys;
	struct actor	 city;		/* officer, city */
	struct actor	 ta;		/* officer, town A */
	struct actor	 tb;		/* officer, town B */
	struct actor	 reader;	/* town role, town A: read only */
	struct actor	 grid;		/* grid account */
	struct actor	 none;		/* no inspection permission */
};

static const char	*fx_url;
static char		 root[512];	/* the source tree, with a '/' */

static const struct audit_type	insd_types[] = {
	{ "inspection_item", inspection_dir_item_record },
	{ "inspector", inspection_dir_inspector_record },
	{ "inspector_conflict", inspection_dir_conflict_record },
	{ "unit", registry_unit_record },
	{ "town", registry_town_record },
	{ NULL, NULL },
};

static char *
path_of(const char *rel)
{
	return xasprintf("%s%s", root, rel);
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

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;
	char		*towns = path_of("data/towns/dongguan.csv");

	clock_set_offset(0);
	f->st = fx_store_fresh(fx_url);
	if (registry_sync_towns(f->st, towns, &e) < 0)
		fail_msg("towns: %s", e.msg);
	free(towns);
	actor_system(&f->sys, "t-sys");
	user(&f->city, 11, "city", "inspection:read inspection:write "
	    "registry:read registry:write");
	user(&f->ta, 12, "town:" TOWN_A, "inspection:read inspection:write "
	    "registry:read registry:write");
	user(&f->tb, 13, "town:" TOWN_B, "inspection:read inspection:write "
	    "registry:read registry:write");
	user(&f->reader, 14, "town:" TOWN_A, "inspection:read registry:read");
	user(&f->grid, 15, "grid:7", "inspection:read registry:read");
	user(&f->none, 16, "city", "registry:read");
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	clock_set_offset(0);
	store_close(f->st);
	free(f);
	return 0;
}

static char *
text(struct fx *f, const char *sql)
{
	struct err	 e;
	char		*s = NULL;

	if (store_query_text(f->st, sql, STORE_NOARGS, &s, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return s;
}

static int64_t
asize(struct fx *f)
{
	struct err	e;
	int64_t		n = -1;

	assert_int_equal(audit_size(f->st, &n, &e), 0);
	return n;
}

static void
assert_last_action(struct fx *f, const char *want)
{
	char	*s = text(f, "SELECT action FROM audit_entries ORDER BY seq DESC "
	    "LIMIT 1");

	assert_string_equal(s, want);
	free(s);
}

static json_t *
J(const char *s)
{
	json_error_t	 je;
	json_t		*j = json_loads(s, 0, &je);

	if (j == NULL)
		fail_msg("bad test JSON %s: %s", s, je.text);
	return j;
}

static const char *
sget(const json_t *j, const char *k)
{
	return json_string_value(json_object_get(j, k));
}

static int64_t
iget(const json_t *j, const char *k)
{
	return json_integer_value(json_object_get(j, k));
}

static int64_t
jid(const json_t *j)
{
	int64_t	id = 0;

	assert_int_equal(str_to_i64(sget(j, "id"), 1, INT64_MAX, &id), 0);
	return id;
}

/* An item body with code; extra (a JSON object text or NULL) merged in. */
static json_t *
item_in(const char *code, const char *extra)
{
	json_t	*j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "code", code, "name", "疏散通道、安全出口畅通",
	    "legal_basis", "《中华人民共和国消防法》第二十八条",
	    "content", "疏散通道、安全出口是否畅通", "method", "现场检查",
	    "department", "fire");
	json_t	*x;

	if (extra != NULL) {
		x = J(extra);
		json_object_update(j, x);
		json_decref(x);
	}
	return j;
}

static json_t *
insp_in(const char *name, const char *cert, const char *areas,
    const char *extra)
{
	json_t	*j, *x;
	char	*s;

	s = xasprintf("{\"name\": \"%s\", \"department\": \"fire\", "
	    "\"cert_no\": \"%s\", \"cert_valid_until\": \"2030-12-31\", "
	    "\"areas\": %s}", name, cert, areas);
	j = J(s);
	free(s);
	if (extra != NULL) {
		x = J(extra);
		json_object_update(j, x);
		json_decref(x);
	}
	return j;
}

/* Each call steals in and runs in its own transaction. */
static int
item_create(struct fx *f, struct actor *who, json_t *in, json_t **out,
    struct err *e)
{
	int	rc;

	begin(f);
	rc = inspection_dir_item_create(f->st, who, in, out, e);
	json_decref(in);
	return end(f, rc);
}

static int
item_update(struct fx *f, struct actor *who, int64_t id, int64_t v,
    json_t *in, json_t **out, struct err *e)
{
	int	rc;

	begin(f);
	rc = inspection_dir_item_update(f->st, who, id, v, in, out, e);
	json_decref(in);
	return end(f, rc);
}

static int
item_archive(struct fx *f, struct actor *who, int64_t id, int64_t v,
    json_t **out, struct err *e)
{
	begin(f);
	return end(f, inspection_dir_item_archive(f->st, who, id, v, out, e));
}

static int
insp_create(struct fx *f, struct actor *who, json_t *in, json_t **out,
    struct err *e)
{
	int	rc;

	begin(f);
	rc = inspection_dir_inspector_create(f->st, who, in, out, e);
	json_decref(in);
	return end(f, rc);
}

static int
insp_update(struct fx *f, struct actor *who, int64_t id, int64_t v,
    json_t *in, json_t **out, struct err *e)
{
	int	rc;

	begin(f);
	rc = inspection_dir_inspector_update(f->st, who, id, v, in, out, e);
	json_decref(in);
	return end(f, rc);
}

static int
insp_archive(struct fx *f, struct actor *who, int64_t id, int64_t v,
    json_t **out, struct err *e)
{
	begin(f);
	return end(f, inspection_dir_inspector_archive(f->st, who, id, v, out,
	    e));
}

static int
declare(struct fx *f, struct actor *who, int64_t insp, json_t *in,
    json_t **out, struct err *e)
{
	int	rc;

	begin(f);
	rc = inspection_dir_conflict_declare(f->st, who, insp, in, out, e);
	json_decref(in);
	return end(f, rc);
}

static int
withdraw(struct fx *f, struct actor *who, int64_t id, int64_t v,
    json_t **out, struct err *e)
{
	begin(f);
	return end(f, inspection_dir_conflict_withdraw(f->st, who, id, v, out,
	    e));
}

/* A unit of a town, by the system. */
static int64_t
mkunit(struct fx *f, const char *town, const char *name)
{
	struct err	 e;
	json_t		*in, *out = NULL;
	int64_t		 id;

	in = json_pack("{s:s, s:s, s:s}", "name", name, "address", "测试路1号",
	    "town", town);
	begin(f);
	if (end(f, registry_unit_create(f->st, &f->sys, in, &out, &e)) < 0)
		fail_msg("unit: %s", e.msg);
	json_decref(in);
	id = jid(out);
	json_decref(out);
	return id;
}

static json_t *
mkinsp(struct fx *f, struct actor *who, const char *name, const char *cert,
    const char *areas)
{
	struct err	 e;
	json_t		*out = NULL;

	if (insp_create(f, who, insp_in(name, cert, areas, NULL), &out, &e) < 0)
		fail_msg("inspector %s: %s: %s", name, e.field, e.msg);
	return out;
}

static json_t *
mkitem(struct fx *f, const char *code, const char *extra)
{
	struct err	 e;
	json_t		*out = NULL;

	if (item_create(f, &f->city, item_in(code, extra), &out, &e) < 0)
		fail_msg("item %s: %s: %s", code, e.field, e.msg);
	return out;
}

static int64_t
items_total(struct fx *f, struct actor *who,
    const struct inspection_item_query *q0)
{
	struct inspection_item_query	 q = *q0;
	struct err			 e;
	json_t				*items = NULL;
	int64_t				 total = -1;

	if (q.limit == 0)
		q.limit = 200;
	if (inspection_dir_item_list(f->st, who, &q, &items, &total, &e) < 0)
		fail_msg("item list: %s: %s", e.field, e.msg);
	json_decref(items);
	return total;
}

static int64_t
insp_total(struct fx *f, struct actor *who,
    const struct inspection_inspector_query *q0)
{
	struct inspection_inspector_query	 q = *q0;
	struct err				 e;
	json_t					*items = NULL;
	int64_t					 total = -1;

	if (q.limit == 0)
		q.limit = 200;
	if (inspection_dir_inspector_list(f->st, who, &q, &items, &total,
	    &e) < 0)
		fail_msg("inspector list: %s: %s", e.field, e.msg);
	json_decref(items);
	return total;
}

/* Today in Asia/Shanghai, plus n days. */
static void
day(int n, char out[11])
{
	time_t		t = (time_t)(clock_now() + 8 * 3600 + (int64_t)n * 86400);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* INS-001: codes checked, upper-cased and unique. */
static void
test_inspection_dir__ins001_item_code(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a, *b, *out = NULL;
	static const char *const bad[] = { "X", "XF_01", "XF 01", "消防-1",
	    "ABCDEFGHIJKLMNOPQ", NULL };
	int		 i;

	a = mkitem(f, "xf-01", NULL);
	assert_string_equal(sget(a, "code"), "XF-01");
	assert_int_equal(item_create(f, &f->city, item_in("XF-01", NULL), &out,
	    &e), ERR_CONFLICT);
	assert_string_equal(e.field, "code");
	assert_int_equal(item_create(f, &f->city, item_in("Xf-01", NULL), &out,
	    &e), ERR_CONFLICT);
	for (i = 0; bad[i]; i++) {
		assert_true(item_create(f, &f->city, item_in(bad[i], NULL),
		    &out, &e) < 0);
		assert_string_equal(e.field, "code");
	}
	assert_int_equal(item_create(f, &f->city, item_in("X", NULL), &out,
	    &e), ERR_RANGE);
	assert_int_equal(item_create(f, &f->city, item_in("XF_01", NULL),
	    &out, &e), ERR_INVALID);
	b = mkitem(f, "XF-02", NULL);
	/* A change to another item's code is refused; one's own is fine. */
	assert_int_equal(item_update(f, &f->city, jid(b), 1,
	    J("{\"code\": \"xf-01\"}"), &out, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "code");
	assert_int_equal(item_update(f, &f->city, jid(b), 1,
	    J("{\"code\": \"XF-02\", \"name\": \"改名\"}"), &out, &e), 0);
	assert_string_equal(sget(out, "name"), "改名");
	assert_int_equal(iget(out, "version"), 2);
	json_decref(out);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspection_items"), 2);
	json_decref(a);
	json_decref(b);
}

/* INS-002: texts bounded and single-line; department from the list. */
static void
test_inspection_dir__ins002_item_fields(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*in, *out = NULL;
	char		 longname[INSPECTION_DIR_NAME_MAX * 3 + 8];
	int		 i;

	in = item_in("XF-01", NULL);
	json_object_del(in, "name");
	assert_int_equal(item_create(f, &f->city, in, &out, &e), ERR_MISSING);
	assert_string_equal(e.field, "name");
	longname[0] = '\0';
	for (i = 0; i <= INSPECTION_DIR_NAME_MAX; i++)
		strcat(longname, "检");
	in = item_in("XF-01", NULL);
	json_object_set_new(in, "name", json_string(longname));
	assert_int_equal(item_create(f, &f->city, in, &out, &e), ERR_RANGE);
	assert_string_equal(e.field, "name");
	assert_int_equal(item_create(f, &f->city, item_in("XF-01",
	    "{\"content\": \"第一行\\n第二行\"}"), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "content");
	assert_int_equal(item_create(f, &f->city, item_in("XF-01",
	    "{\"department\": \"fire2\"}"), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "department");
	assert_int_equal(item_create(f, &f->city, item_in("XF-01",
	    "{\"name\": 7}"), &out, &e), ERR_TYPE);
	assert_string_equal(e.field, "name");
	assert_int_equal(item_create(f, &f->city, item_in("XF-01",
	    "{\"method\": null}"), &out, &e), ERR_TYPE);
	assert_string_equal(e.field, "method");
	assert_int_equal(item_create(f, &f->city, item_in("XF-01",
	    "{\"status\": \"archived\"}"), &out, &e), ERR_UNKNOWN_FIELD);
	assert_string_equal(e.field, "status");
	/* Surrounding white space is trimmed. */
	out = mkitem(f, "XF-01", "{\"name\": \"  防火检查  \"}");
	assert_string_equal(sget(out, "name"), "防火检查");
	assert_string_equal(sget(out, "department"), "fire");
	assert_string_equal(sget(out, "status"), "active");
	json_decref(out);
}

/* INS-003: categories by name, rank order, no "general"; the filter
 * includes the items for every unit. */
static void
test_inspection_dir__ins003_item_categories(void **state)
{
	struct fx			*f = *state;
	struct inspection_item_query	 q;
	struct err			 e;
	json_t				*a, *out = NULL;
	int64_t				 total = 0;
	int				 i, n;

	/* The list is the registry's without "general". */
	for (i = 0, n = 0; registry_category_names[i]; i++) {
		if (strcmp(registry_category_names[i], "general") == 0)
			continue;
		assert_non_null(inspection_item_categories[n]);
		assert_string_equal(inspection_item_categories[n],
		    registry_category_names[i]);
		n++;
	}
	assert_null(inspection_item_categories[n]);
	a = mkitem(f, "XF-01", "{\"categories\": [\"crowded\", \"key\"]}");
	assert_int_equal(json_array_size(json_object_get(a, "categories")), 2);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(a, "categories"), 0)), "key");
	json_decref(a);
	assert_int_equal(item_create(f, &f->city, item_in("XF-02",
	    "{\"categories\": [\"general\"]}"), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "categories");
	assert_int_equal(item_create(f, &f->city, item_in("XF-02",
	    "{\"categories\": [\"key\", \"key\"]}"), &out, &e), ERR_INVALID);
	assert_int_equal(item_create(f, &f->city, item_in("XF-02",
	    "{\"categories\": [\"nope\"]}"), &out, &e), ERR_INVALID);
	assert_int_equal(item_create(f, &f->city, item_in("XF-02",
	    "{\"categories\": \"key\"}"), &out, &e), ERR_TYPE);
	a = mkitem(f, "XF-02", "{\"categories\": []}");
	assert_int_equal(json_array_size(json_object_get(a, "categories")), 0);
	json_decref(a);
	json_decref(mkitem(f, "XF-03", "{\"categories\": [\"rental\"]}"));
	memset(&q, 0, sizeof(q));
	q.category = "key";
	assert_int_equal(items_total(f, &f->city, &q), 2);	/* 01, 02 */
	q.category = "rental";
	assert_int_equal(items_total(f, &f->city, &q), 2);	/* 02, 03 */
	q.category = "general";
	assert_int_equal(items_total(f, &f->city, &q), 1);	/* 02 */
	q.category = "nope";
	q.limit = 20;
	assert_int_equal(inspection_dir_item_list(f->st, &f->city, &q, &a,
	    &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "category");
}

/* INS-004: the list is kept by the city, read by every jurisdiction. */
static void
test_inspection_dir__ins004_item_city_only(void **state)
{
	struct fx			*f = *state;
	struct inspection_item_query	 q;
	struct err			 e;
	json_t				*a, *out = NULL, *items = NULL;
	int64_t				 total;

	a = mkitem(f, "XF-01", NULL);
	json_decref(mkitem(f, "SJ-01", "{\"department\": \"market\"}"));
	assert_int_equal(item_create(f, &f->ta, item_in("XF-09", NULL), &out,
	    &e), ERR_FORBIDDEN);
	assert_int_equal(item_update(f, &f->ta, jid(a), 1,
	    J("{\"name\": \"x\"}"), &out, &e), ERR_FORBIDDEN);
	assert_int_equal(item_archive(f, &f->ta, jid(a), 0, &out, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(item_create(f, &f->reader, item_in("XF-09", NULL),
	    &out, &e), ERR_FORBIDDEN);
	memset(&q, 0, sizeof(q));
	assert_int_equal(items_total(f, &f->reader, &q), 2);
	assert_int_equal(items_total(f, &f->tb, &q), 2);
	q.department = "market";
	assert_int_equal(items_total(f, &f->reader, &q), 1);
	assert_int_equal(inspection_dir_item_get(f->st, &f->grid, jid(a), &out,
	    &e), 0);
	json_decref(out);
	q.limit = 20;
	assert_int_equal(inspection_dir_item_list(f->st, &f->none, &q, &items,
	    &total, &e), ERR_FORBIDDEN);
	assert_int_equal(inspection_dir_item_get(f->st, &f->none, jid(a), &out,
	    &e), ERR_FORBIDDEN);
	assert_int_equal(inspection_dir_item_get(f->st, &f->city, 424242,
	    &out, &e), ERR_NOT_FOUND);
	json_decref(a);
}

/* INS-005: archived records are read-only; statuses as listed. */
static void
test_inspection_dir__ins005_archive_readonly(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a, *p, *out = NULL;
	int64_t		 u;

	a = mkitem(f, "XF-01", NULL);
	assert_int_equal(item_archive(f, &f->city, jid(a), 0, &out, &e), 0);
	assert_string_equal(sget(out, "status"), "archived");
	json_decref(out);
	assert_int_equal(item_update(f, &f->city, jid(a), 2,
	    J("{\"name\": \"x\"}"), &out, &e), ERR_POLICY);
	assert_string_equal(e.field, "status");
	assert_int_equal(item_archive(f, &f->city, jid(a), 0, &out, &e),
	    ERR_POLICY);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspection_items"), 1);
	json_decref(a);

	p = mkinsp(f, &f->city, "检查员甲", "粤消执 2024-0001", "[\""
	    TOWN_A "\"]");
	assert_int_equal(insp_update(f, &f->city, jid(p), 1,
	    J("{\"status\": \"suspended\"}"), &out, &e), 0);
	assert_string_equal(sget(out, "status"), "suspended");
	json_decref(out);
	assert_int_equal(insp_update(f, &f->city, jid(p), 2,
	    J("{\"status\": \"archived\"}"), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "status");
	assert_int_equal(insp_update(f, &f->city, jid(p), 2,
	    J("{\"status\": \"active\"}"), &out, &e), 0);
	json_decref(out);
	assert_int_equal(insp_archive(f, &f->city, jid(p), 3, &out, &e), 0);
	assert_string_equal(sget(out, "status"), "archived");
	json_decref(out);
	assert_int_equal(insp_update(f, &f->city, jid(p), 4,
	    J("{\"name\": \"x\"}"), &out, &e), ERR_POLICY);
	u = mkunit(f, TOWN_A, "某某商场");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(u), "kind", "relative"), &out, &e), ERR_POLICY);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspectors"), 1);
	json_decref(p);
}

/* INS-006: the version the caller saw, or nothing changes. */
static void
test_inspection_dir__ins006_versions(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a, *p, *out = NULL;
	int64_t		 n;

	a = mkitem(f, "XF-01", NULL);
	assert_int_equal(item_update(f, &f->city, jid(a), 1,
	    J("{\"name\": \"一\"}"), &out, &e), 0);
	json_decref(out);
	n = asize(f);
	assert_int_equal(item_update(f, &f->city, jid(a), 1,
	    J("{\"name\": \"二\"}"), &out, &e), ERR_STALE);
	assert_string_equal(e.field, "version");
	assert_int_equal(item_archive(f, &f->city, jid(a), 1, &out, &e),
	    ERR_STALE);
	assert_int_equal(asize(f), n);
	assert_int_equal(item_archive(f, &f->city, jid(a), 2, &out, &e), 0);
	json_decref(out);
	p = mkinsp(f, &f->city, "检查员乙", "粤消执 2024-0002", "[\""
	    TOWN_A "\"]");
	assert_int_equal(insp_update(f, &f->city, jid(p), 7,
	    J("{\"name\": \"x\"}"), &out, &e), ERR_STALE);
	assert_int_equal(insp_archive(f, &f->city, jid(p), 7, &out, &e),
	    ERR_STALE);
	assert_int_equal(insp_archive(f, &f->city, jid(p), 0, &out, &e), 0);
	json_decref(out);
	json_decref(a);
	json_decref(p);
}

/* INS-007: inspector fields; certificates unique per department. */
static void
test_inspection_dir__ins007_inspector_fields(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p, *in, *out = NULL;
	static const char *const bad_dates[] = { "2026-02-30", "2025-02-29",
	    "2026/01/01", "2026-1-01", "1989-12-31", "2100-01-01", "tomorrow",
	    NULL };
	int		 i;

	p = mkinsp(f, &f->city, " 检查员丙 ", "粤消执 2024-0003", "[\""
	    TOWN_A "\"]");
	assert_string_equal(sget(p, "name"), "检查员丙");
	assert_string_equal(sget(p, "cert_valid_until"), "2030-12-31");
	assert_true(json_is_null(json_object_get(p, "specialty")));
	assert_true(json_is_null(json_object_get(p, "user_id")));
	assert_int_equal(insp_create(f, &f->city, insp_in("另一人",
	    "粤消执 2024-0003", "[\"" TOWN_B "\"]", NULL), &out, &e),
	    ERR_CONFLICT);
	assert_string_equal(e.field, "cert_no");
	/* The same number in another department is another certificate. */
	assert_int_equal(insp_create(f, &f->city, insp_in("另一人",
	    "粤消执 2024-0003", "[\"" TOWN_B "\"]",
	    "{\"department\": \"market\"}"), &out, &e), 0);
	json_decref(out);
	for (i = 0; bad_dates[i]; i++) {
		in = insp_in("丁", "C-1", "[\"" TOWN_A "\"]", NULL);
		json_object_set_new(in, "cert_valid_until",
		    json_string(bad_dates[i]));
		assert_int_equal(insp_create(f, &f->city, in, &out, &e),
		    ERR_INVALID);
		assert_string_equal(e.field, "cert_valid_until");
	}
	in = insp_in("丁", "C-1", "[\"" TOWN_A "\"]", NULL);
	json_object_del(in, "cert_no");
	assert_int_equal(insp_create(f, &f->city, in, &out, &e), ERR_MISSING);
	assert_string_equal(e.field, "cert_no");
	assert_int_equal(insp_create(f, &f->city, insp_in("丁", "C-1", "[\""
	    TOWN_A "\"]", "{\"department\": \"navy\"}"), &out, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "department");
	assert_int_equal(insp_create(f, &f->city, insp_in("丁", "C-1", "[\""
	    TOWN_A "\"]", "{\"status\": \"active\"}"), &out, &e),
	    ERR_UNKNOWN_FIELD);
	assert_int_equal(insp_create(f, &f->city, insp_in(
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一", "C-1", "[\"" TOWN_A
	    "\"]", NULL), &out, &e), ERR_RANGE);
	assert_string_equal(e.field, "name");
	/* specialty set, then cleared with null. */
	assert_int_equal(insp_update(f, &f->city, jid(p), 1,
	    J("{\"specialty\": \"建筑防火\"}"), &out, &e), 0);
	assert_string_equal(sget(out, "specialty"), "建筑防火");
	json_decref(out);
	assert_int_equal(insp_update(f, &f->city, jid(p), 2,
	    J("{\"specialty\": null}"), &out, &e), 0);
	assert_true(json_is_null(json_object_get(out, "specialty")));
	json_decref(out);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspectors"), 2);
	json_decref(p);
}

/* INS-008: areas are known towns, distinct, stored sorted. */
static void
test_inspection_dir__ins008_areas(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p, *out = NULL, *many;
	char		*s;
	int		 i;

	p = mkinsp(f, &f->city, "戊", "粤消执 2024-0005", "[\"" TOWN_B "\", \""
	    TOWN_A "\"]");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(p, "areas"), 0)), TOWN_A);
	s = text(f, "SELECT areas FROM inspectors");
	assert_string_equal(s, TOWN_A "," TOWN_B);
	free(s);
	assert_int_equal(insp_create(f, &f->city, insp_in("己", "X-1", "[\""
	    TOWN_A "\", \"" TOWN_A "\"]", NULL), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "areas");
	assert_int_equal(insp_create(f, &f->city, insp_in("己", "X-1",
	    "[\"441900999\"]", NULL), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "areas");
	assert_int_equal(insp_create(f, &f->city, insp_in("己", "X-1", "[]",
	    NULL), &out, &e), ERR_RANGE);
	assert_int_equal(insp_create(f, &f->city, insp_in("己", "X-1", "[9]",
	    NULL), &out, &e), ERR_TYPE);
	assert_int_equal(insp_create(f, &f->city, insp_in("己", "X-1",
	    "\"" TOWN_A "\"", NULL), &out, &e), ERR_TYPE);
	many = json_array();
	for (i = 0; i < 37; i++)
		json_array_append_new(many, json_string(TOWN_A));
	s = jx_dump(many);
	assert_int_equal(insp_create(f, &f->city, insp_in("己", "X-1", s,
	    NULL), &out, &e), ERR_RANGE);
	free(s);
	json_decref(many);
	assert_int_equal(insp_update(f, &f->city, jid(p), 1,
	    J("{\"areas\": [\"" TOWN_C "\"]}"), &out, &e), 0);
	s = text(f, "SELECT areas FROM inspectors");
	assert_string_equal(s, TOWN_C);
	free(s);
	json_decref(out);
	json_decref(p);
}

/* INS-009: a linked user exists, is no administrator, links once. */
static void
test_inspection_dir__ins009_user_link(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p, *out = NULL;
	char		*gen = NULL, *ex;
	int64_t		 uid = 0, admin = 0;

	assert_int_equal(account_user_add(f->st, &f->sys, "insp.off",
	    "officer", "city", NULL, 1, &uid, &gen, &e), 0);
	mem_free_secret(gen);
	gen = NULL;
	assert_int_equal(account_user_add(f->st, &f->sys, "insp.adm",
	    "auditor", "city", NULL, 1, &admin, &gen, &e), 0);
	mem_free_secret(gen);
	ex = xasprintf("{\"user_id\": \"%lld\"}", (long long)uid);
	assert_int_equal(insp_create(f, &f->city, insp_in("庚", "U-1", "[\""
	    TOWN_A "\"]", ex), &p, &e), 0);
	assert_int_equal(insp_create(f, &f->city, insp_in("辛", "U-2", "[\""
	    TOWN_A "\"]", ex), &out, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "user_id");
	free(ex);
	assert_string_equal(sget(p, "user_login"), "insp.off");
	ex = xasprintf("{\"user_id\": \"%lld\"}", (long long)admin);
	assert_int_equal(insp_create(f, &f->city, insp_in("辛", "U-2", "[\""
	    TOWN_A "\"]", ex), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "user_id");
	free(ex);
	assert_int_equal(insp_create(f, &f->city, insp_in("辛", "U-2", "[\""
	    TOWN_A "\"]", "{\"user_id\": \"987654321\"}"), &out, &e),
	    ERR_INVALID);
	assert_int_equal(insp_create(f, &f->city, insp_in("辛", "U-2", "[\""
	    TOWN_A "\"]", "{\"user_id\": 5}"), &out, &e), ERR_TYPE);
	/* Unlinked with null, the user may be linked elsewhere. */
	assert_int_equal(insp_update(f, &f->city, jid(p), 1,
	    J("{\"user_id\": null}"), &out, &e), 0);
	assert_true(json_is_null(json_object_get(out, "user_id")));
	json_decref(out);
	ex = xasprintf("{\"user_id\": \"%lld\"}", (long long)uid);
	assert_int_equal(insp_create(f, &f->city, insp_in("辛", "U-2", "[\""
	    TOWN_A "\"]", ex), &out, &e), 0);
	free(ex);
	json_decref(out);
	json_decref(p);
}

/* INS-010: valid through its last day in Asia/Shanghai; filters. */
static void
test_inspection_dir__ins010_cert_validity(void **state)
{
	struct fx				*f = *state;
	struct inspection_inspector_query	 q;
	struct err				 e;
	json_t					*out = NULL, *items = NULL;
	char					 d[11], *ex;
	int64_t					 total;
	static const int			 offs[] = { -1, 0, 10, 31,
	    400 };
	static const char *const		 bad[] = { "-1", "3651", "x",
	    "1.5", NULL };
	int					 i;

	for (i = 0; i < 5; i++) {
		day(offs[i], d);
		ex = xasprintf("{\"cert_valid_until\": \"%s\"}", d);
		out = NULL;
		assert_int_equal(insp_create(f, &f->city, insp_in("壬",
		    i == 0 ? "V-0" : i == 1 ? "V-1" : i == 2 ? "V-2" :
		    i == 3 ? "V-3" : "V-4", "[\"" TOWN_A "\"]", ex), &out,
		    &e), 0);
		assert_int_equal(json_is_true(json_object_get(out,
		    "cert_valid")), offs[i] >= 0);
		free(ex);
		json_decref(out);
	}
	memset(&q, 0, sizeof(q));
	q.cert = "valid";
	assert_int_equal(insp_total(f, &f->city, &q), 4);
	q.cert = "expired";
	assert_int_equal(insp_total(f, &f->city, &q), 1);
	q.cert = NULL;
	q.expiring = "30";
	assert_int_equal(insp_total(f, &f->city, &q), 2);	/* 0, 10 */
	q.expiring = "0";
	assert_int_equal(insp_total(f, &f->city, &q), 1);
	q.expiring = "31";
	assert_int_equal(insp_total(f, &f->city, &q), 3);
	q.limit = 20;
	for (i = 0; bad[i]; i++) {
		q.expiring = bad[i];
		assert_int_equal(inspection_dir_inspector_list(f->st, &f->city,
		    &q, &items, &total, &e), ERR_INVALID);
		assert_string_equal(e.field, "expiring");
	}
	q.expiring = NULL;
	q.cert = "soon";
	assert_int_equal(inspection_dir_inspector_list(f->st, &f->city, &q,
	    &items, &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "cert");
	/* A day later the certificate of today has run out. */
	clock_set_offset(86400);
	q.cert = "valid";
	q.limit = 0;
	assert_int_equal(insp_total(f, &f->city, &q), 3);
}

/* INS-011: a town sees the inspectors of its areas; 404 otherwise. */
static void
test_inspection_dir__ins011_inspector_scope(void **state)
{
	struct fx				*f = *state;
	struct inspection_inspector_query	 q;
	struct err				 e;
	json_t					*pa, *pb, *pab, *out = NULL;

	pa = mkinsp(f, &f->city, "甲一", "S-1", "[\"" TOWN_A "\"]");
	pb = mkinsp(f, &f->city, "乙一", "S-2", "[\"" TOWN_B "\"]");
	pab = mkinsp(f, &f->city, "丙一", "S-3", "[\"" TOWN_A "\", \"" TOWN_B
	    "\"]");
	memset(&q, 0, sizeof(q));
	assert_int_equal(insp_total(f, &f->city, &q), 3);
	assert_int_equal(insp_total(f, &f->reader, &q), 2);
	assert_int_equal(insp_total(f, &f->tb, &q), 2);
	assert_int_equal(insp_total(f, &f->grid, &q), 0);
	q.area = TOWN_B;
	assert_int_equal(insp_total(f, &f->reader, &q), 1);	/* never widens */
	assert_int_equal(insp_total(f, &f->city, &q), 2);
	q.area = NULL;
	assert_int_equal(inspection_dir_inspector_get(f->st, &f->reader,
	    jid(pb), &out, &e), ERR_NOT_FOUND);
	assert_int_equal(inspection_dir_inspector_get(f->st, &f->reader,
	    jid(pab), &out, &e), 0);
	json_decref(out);
	assert_int_equal(inspection_dir_inspector_get(f->st, &f->grid,
	    jid(pa), &out, &e), ERR_NOT_FOUND);
	assert_int_equal(inspection_dir_inspector_get(f->st, &f->none,
	    jid(pa), &out, &e), ERR_FORBIDDEN);
	/* Writes to an invisible inspector look the same. */
	assert_int_equal(insp_update(f, &f->ta, jid(pb), 1,
	    J("{\"name\": \"x\"}"), &out, &e), ERR_NOT_FOUND);
	assert_int_equal(insp_archive(f, &f->ta, jid(pb), 0, &out, &e),
	    ERR_NOT_FOUND);
	json_decref(pa);
	json_decref(pb);
	json_decref(pab);
}

/* INS-012: a town keeps only inspectors of its town alone. */
static void
test_inspection_dir__ins012_town_keeps_own(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*own, *both, *out = NULL;
	int64_t		 n;

	own = mkinsp(f, &f->ta, "东城甲", "T-1", "[\"" TOWN_A "\"]");
	assert_string_equal(sget(own, "created_by"), "12");
	n = asize(f);
	assert_int_equal(insp_create(f, &f->ta, insp_in("越界", "T-2", "[\""
	    TOWN_A "\", \"" TOWN_B "\"]", NULL), &out, &e), ERR_FORBIDDEN);
	assert_string_equal(e.field, "areas");
	assert_int_equal(insp_create(f, &f->ta, insp_in("越界", "T-2", "[\""
	    TOWN_B "\"]", NULL), &out, &e), ERR_FORBIDDEN);
	assert_int_equal(insp_create(f, &f->reader, insp_in("越界", "T-2",
	    "[\"" TOWN_A "\"]", NULL), &out, &e), ERR_FORBIDDEN);
	assert_int_equal(insp_create(f, &f->grid, insp_in("越界", "T-2",
	    "[\"" TOWN_A "\"]", NULL), &out, &e), ERR_FORBIDDEN);
	assert_int_equal(insp_update(f, &f->ta, jid(own), 1,
	    J("{\"areas\": [\"" TOWN_A "\", \"" TOWN_B "\"]}"), &out, &e),
	    ERR_FORBIDDEN);
	both = mkinsp(f, &f->city, "两镇", "T-3", "[\"" TOWN_A "\", \"" TOWN_B
	    "\"]");
	n = asize(f);
	assert_int_equal(insp_update(f, &f->ta, jid(both), 1,
	    J("{\"name\": \"x\"}"), &out, &e), ERR_FORBIDDEN);
	assert_int_equal(insp_archive(f, &f->ta, jid(both), 0, &out, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(asize(f), n);
	assert_int_equal(insp_update(f, &f->ta, jid(own), 1,
	    J("{\"specialty\": \"电气防火\"}"), &out, &e), 0);
	json_decref(out);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspectors"), 2);
	json_decref(own);
	json_decref(both);
}

/* INS-013: declaring a conflict. */
static void
test_inspection_dir__ins013_conflict_declare(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p, *c = NULL, *out = NULL;
	int64_t		 ua, ub, n;

	ua = mkunit(f, TOWN_A, "东城某商场");
	ub = mkunit(f, TOWN_B, "虎门某酒店");
	p = mkinsp(f, &f->city, "回避甲", "R-1", "[\"" TOWN_A "\", \"" TOWN_B
	    "\"]");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s, "
	    "s:s}", "unit_id", jx_id(ua), "kind", "relative", "note",
	    "配偶任该单位消防安全管理人"), &c, &e), 0);
	assert_string_equal(sget(c, "status"), "active");
	assert_string_equal(sget(c, "kind"), "relative");
	assert_string_equal(sget(c, "unit_name"), "东城某商场");
	assert_string_equal(sget(c, "unit_town"), TOWN_A);
	assert_string_equal(sget(c, "inspector_name"), "回避甲");
	n = asize(f);
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ua), "kind", "interest"), &out, &e),
	    ERR_CONFLICT);
	assert_string_equal(e.field, "unit_id");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ub), "kind", "other"), &out, &e), ERR_MISSING);
	assert_string_equal(e.field, "note");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s, "
	    "s:s}", "unit_id", jx_id(ub), "kind", "other", "note", "同学"),
	    &out, &e), ERR_RANGE);
	assert_string_equal(e.field, "note");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ub), "kind", "friend"), &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "kind");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:s, s:s}",
	    "unit_id", "9999999", "kind", "relative"), &out, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "unit_id");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:i, s:s}",
	    "unit_id", 5, "kind", "relative"), &out, &e), ERR_TYPE);
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:s}",
	    "kind", "relative"), &out, &e), ERR_MISSING);
	assert_string_equal(e.field, "unit_id");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s, "
	    "s:b}", "unit_id", jx_id(ub), "kind", "relative", "x", 1), &out,
	    &e), ERR_UNKNOWN_FIELD);
	/* Town B sees the inspector but not a unit of town A: looks absent. */
	assert_int_equal(declare(f, &f->tb, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ua), "kind", "former_employer"), &out, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "unit_id");
	assert_int_equal(declare(f, &f->reader, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ua), "kind", "interest"), &out, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(asize(f), n);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspector_conflicts"),
	    1);
	assert_int_equal(declare(f, &f->tb, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ub), "kind", "former_employer"), &out, &e), 0);
	assert_true(json_is_null(json_object_get(out, "note")));
	json_decref(out);
	assert_int_equal(inspection_dir_inspector_get(f->st, &f->city, jid(p),
	    &out, &e), 0);
	assert_int_equal(iget(out, "conflicts_active"), 2);
	json_decref(out);
	json_decref(c);
	json_decref(p);
}

/* INS-014: withdrawals and what each jurisdiction sees of conflicts. */
static void
test_inspection_dir__ins014_withdraw_and_lists(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p, *pb, *ca = NULL, *cb = NULL, *out = NULL, *items = NULL;
	int64_t		 ua, ub, total;

	ua = mkunit(f, TOWN_A, "东城某厂");
	ub = mkunit(f, TOWN_B, "虎门某厂");
	p = mkinsp(f, &f->city, "两镇员", "W-1", "[\"" TOWN_A "\", \"" TOWN_B
	    "\"]");
	pb = mkinsp(f, &f->city, "虎门员", "W-2", "[\"" TOWN_B "\"]");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ua), "kind", "interest"), &ca, &e), 0);
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ub), "kind", "interest"), &cb, &e), 0);
	json_decref(out);
	out = NULL;
	assert_int_equal(declare(f, &f->city, jid(pb), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ua), "kind", "relative"), &out, &e), 0);
	json_decref(out);
	/* By inspector: the city sees both units, town A only its own. */
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->city, jid(p),
	    0, NULL, 0, 50, &items, &total, &e), 0);
	assert_int_equal(total, 2);
	json_decref(items);
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->reader,
	    jid(p), 0, NULL, 0, 50, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	assert_string_equal(sget(json_array_get(items, 0), "unit_town"),
	    TOWN_A);
	json_decref(items);
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->reader,
	    jid(pb), 0, NULL, 0, 50, &items, &total, &e), ERR_NOT_FOUND);
	/* By unit: town A does not see the conflict of town B's inspector. */
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->city, 0, ua,
	    NULL, 0, 50, &items, &total, &e), 0);
	assert_int_equal(total, 2);
	json_decref(items);
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->reader, 0, ua,
	    NULL, 0, 50, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->reader, 0, ub,
	    NULL, 0, 50, &items, &total, &e), ERR_NOT_FOUND);
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->city, 0, ua,
	    "gone", 0, 50, &items, &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "status");
	/* Withdraw: the version, once, and only where both are seen. */
	assert_int_equal(withdraw(f, &f->city, jid(ca), 5, &out, &e),
	    ERR_STALE);
	assert_int_equal(withdraw(f, &f->tb, jid(ca), 1, &out, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(withdraw(f, &f->reader, jid(ca), 1, &out, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(withdraw(f, &f->ta, jid(ca), 1, &out, &e), 0);
	assert_string_equal(sget(out, "status"), "withdrawn");
	assert_int_equal(iget(out, "version"), 2);
	json_decref(out);
	assert_last_action(f, "inspector_conflict.withdraw");
	assert_int_equal(withdraw(f, &f->city, jid(ca), 2, &out, &e),
	    ERR_POLICY);
	assert_int_equal(inspection_dir_conflict_list(f->st, &f->city, jid(p),
	    0, "active", 0, 50, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	/* A withdrawn declaration can be made anew. */
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(ua), "kind", "relative"), &out, &e), 0);
	json_decref(out);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspector_conflicts"),
	    4);
	json_decref(ca);
	json_decref(cb);
	json_decref(p);
	json_decref(pb);
}

/* INS-015: one entry per change with the record; --deep recomputes. */
static void
test_inspection_dir__ins015_audit_and_deep_verify(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	struct buf	 report;
	json_t		*a, *p, *c = NULL, *out = NULL, *rec = NULL;
	int64_t		 n, u, entries;
	char		 st[2 * CRYPTO_SM3_LEN + 1], *s;

	n = asize(f);
	a = mkitem(f, "XF-01", NULL);
	assert_int_equal(asize(f), n + 1);
	assert_last_action(f, "inspection_item.create");
	/* The entry's state is the SM3 of the record, which is the view. */
	assert_int_equal(inspection_dir_item_record(f->st, sget(a, "id"), &rec,
	    &e), 0);
	assert_true(json_equal(rec, a));
	audit_state_hash(rec, st);
	s = text(f, "SELECT state FROM audit_entries ORDER BY seq DESC "
	    "LIMIT 1");
	assert_string_equal(s, st);
	free(s);
	json_decref(rec);
	assert_int_equal(item_update(f, &f->city, jid(a), 1,
	    J("{\"method\": \"查阅资料\"}"), &out, &e), 0);
	json_decref(out);
	assert_last_action(f, "inspection_item.update");
	assert_int_equal(item_archive(f, &f->city, jid(a), 0, &out, &e), 0);
	json_decref(out);
	assert_last_action(f, "inspection_item.archive");
	p = mkinsp(f, &f->city, "审计甲", "A-1", "[\"" TOWN_A "\"]");
	assert_last_action(f, "inspector.create");
	assert_int_equal(insp_update(f, &f->city, jid(p), 1,
	    J("{\"name\": \"审计乙\"}"), &out, &e), 0);
	json_decref(out);
	assert_last_action(f, "inspector.update");
	u = mkunit(f, TOWN_A, "审计单位");
	assert_int_equal(declare(f, &f->city, jid(p), json_pack("{s:o, s:s}",
	    "unit_id", jx_id(u), "kind", "relative"), &c, &e), 0);
	assert_last_action(f, "inspector_conflict.declare");
	assert_int_equal(withdraw(f, &f->city, jid(c), 1, &out, &e), 0);
	json_decref(out);
	assert_int_equal(insp_archive(f, &f->city, jid(p), 0, &out, &e), 0);
	json_decref(out);
	assert_last_action(f, "inspector.archive");
	/* 3 item, 3 inspector, 2 conflict entries, 1 of the unit. */
	assert_int_equal(asize(f), n + 9);
	assert_int_equal(inspection_dir_inspector_record(f->st, "x", &rec, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(inspection_dir_conflict_record(f->st, "0", &rec, &e),
	    ERR_NOT_FOUND);
	buf_init(&report);
	assert_int_equal(audit_verify(f->st, insd_types, &report, &entries,
	    &e), 0);
	assert_int_equal(entries, asize(f));
	/* A direct edit of each kind of record is seen. */
	assert_int_equal(store_exec(f->st, "UPDATE inspection_items SET "
	    "legal_basis = 'x'", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, insd_types, &report, &entries,
	    &e), ERR_CRYPTO);
	assert_non_null(strstr(report.data, "inspection_item/"));
	buf_reset(&report);
	assert_int_equal(store_exec(f->st, "UPDATE inspection_items SET "
	    "legal_basis = '《中华人民共和国消防法》第二十八条'", STORE_NOARGS,
	    NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, insd_types, &report, &entries,
	    &e), 0);
	assert_int_equal(store_exec(f->st, "UPDATE inspectors SET areas = '"
	    TOWN_A "," TOWN_B "'", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, insd_types, &report, &entries,
	    &e), ERR_CRYPTO);
	assert_non_null(strstr(report.data, "inspector/"));
	buf_reset(&report);
	assert_int_equal(store_exec(f->st, "UPDATE inspectors SET areas = '"
	    TOWN_A "'", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "UPDATE inspector_conflicts SET "
	    "status = 'active'", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, insd_types, &report, &entries,
	    &e), ERR_CRYPTO);
	assert_non_null(strstr(report.data, "inspector_conflict/"));
	buf_free(&report);
	json_decref(a);
	json_decref(p);
	json_decref(c);
}

/* INS-016: bad input and bad list parameters store nothing. */
static void
test_inspection_dir__ins016_bad_input_stores_nothing(void **state)
{
	struct fx				*f = *state;
	struct inspection_item_query		 iq;
	struct inspection_inspector_query	 pq;
	struct err				 e;
	json_t					*p, *out = NULL, *items = NULL;
	int64_t					 n, ni, np, total;
	static const char *const		 bad_items[] = {
		"{}", "[]", "{\"code\": \"XF-1\"}",
		"{\"code\": \"XF-1\", \"name\": \"n\", \"legal_basis\": \"b\", "
		"\"content\": \"c\", \"method\": \"m\", \"department\": "
		"\"fire\", \"categories\": [1]}",
		"{\"code\": \"XF-1\", \"name\": \"\", \"legal_basis\": \"b\", "
		"\"content\": \"c\", \"method\": \"m\", \"department\": "
		"\"fire\"}",
		"{\"code\": \"XF-1\", \"name\": \"n\\u0001\", \"legal_basis\": "
		"\"b\", \"content\": \"c\", \"method\": \"m\", \"department\": "
		"\"fire\"}",
		NULL };
	static const char *const		 item_sorts[] = { "id",
	    "code; DROP TABLE inspection_items", "--code", NULL };
	int					 i;

	p = mkinsp(f, &f->city, "输入甲", "I-1", "[\"" TOWN_A "\"]");
	n = asize(f);
	ni = count(f, "SELECT COUNT(*) FROM inspection_items");
	np = count(f, "SELECT version FROM inspectors");
	for (i = 0; bad_items[i]; i++) {
		assert_true(item_create(f, &f->city, J(bad_items[i]), &out,
		    &e) < 0);
		assert_true(e.field[0] != '\0' || strcmp(bad_items[i], "[]") ==
		    0);
	}
	assert_int_equal(insp_update(f, &f->city, jid(p), 1,
	    J("{\"cert_valid_until\": \"2030-02-31\", \"name\": \"新\"}"), &out,
	    &e), ERR_INVALID);
	assert_int_equal(insp_update(f, &f->city, jid(p), 1,
	    J("{\"name\": \"新\", \"areas\": [\"441900999\"]}"), &out, &e),
	    ERR_INVALID);
	assert_int_equal(asize(f), n);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspection_items"), ni);
	assert_int_equal(count(f, "SELECT version FROM inspectors"), np);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspectors WHERE "
	    "name = '输入甲'"), 1);
	memset(&iq, 0, sizeof(iq));
	iq.limit = 20;
	for (i = 0; item_sorts[i]; i++) {
		iq.sort = item_sorts[i];
		assert_int_equal(inspection_dir_item_list(f->st, &f->city, &iq,
		    &items, &total, &e), ERR_INVALID);
		assert_string_equal(e.field, "sort");
	}
	iq.sort = "-updated_at";
	assert_int_equal(inspection_dir_item_list(f->st, &f->city, &iq, &items,
	    &total, &e), 0);
	json_decref(items);
	iq.sort = NULL;
	iq.limit = 201;
	assert_int_equal(inspection_dir_item_list(f->st, &f->city, &iq, &items,
	    &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "limit");
	iq.limit = 20;
	iq.offset = -1;
	assert_int_equal(inspection_dir_item_list(f->st, &f->city, &iq, &items,
	    &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "offset");
	iq.offset = 0;
	iq.status = "deleted";
	assert_int_equal(inspection_dir_item_list(f->st, &f->city, &iq, &items,
	    &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "status");
	iq.status = NULL;
	iq.q = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五";
	assert_int_equal(inspection_dir_item_list(f->st, &f->city, &iq, &items,
	    &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "q");
	memset(&pq, 0, sizeof(pq));
	pq.limit = 20;
	pq.area = "441900999";
	assert_int_equal(inspection_dir_inspector_list(f->st, &f->city, &pq,
	    &items, &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "area");
	pq.area = NULL;
	pq.department = "navy";
	assert_int_equal(inspection_dir_inspector_list(f->st, &f->city, &pq,
	    &items, &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "department");
	pq.department = NULL;
	pq.sort = "cert_no";
	assert_int_equal(inspection_dir_inspector_list(f->st, &f->city, &pq,
	    &items, &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "sort");
	/* Search: substrings of name or certificate, % and _ as themselves. */
	memset(&pq, 0, sizeof(pq));
	pq.q = "I-1";
	assert_int_equal(insp_total(f, &f->city, &pq), 1);
	pq.q = "i-1";
	assert_int_equal(insp_total(f, &f->city, &pq), 1);
	pq.q = "输入";
	assert_int_equal(insp_total(f, &f->city, &pq), 1);
	pq.q = "%";
	assert_int_equal(insp_total(f, &f->city, &pq), 0);
	pq.q = "_";
	assert_int_equal(insp_total(f, &f->city, &pq), 0);
	assert_int_equal(asize(f), n);
	json_decref(p);
}

/* INS-017: the published list: active items, no people, no ids. */
static void
test_inspection_dir__ins017_public_items(void **state)
{
	struct fx			*f = *state;
	struct inspection_item_query	 q;
	struct err			 e;
	json_t				*a, *items = NULL, *it, *out = NULL;
	int64_t				 total;
	const char			*key;
	json_t				*v;
	static const char *const	 allowed[] = { "code", "name",
	    "legal_basis", "content", "method", "department",
	    "department_name", "categories", "updated_at", NULL };
	int				 i, ok;

	a = mkitem(f, "XF-01", NULL);
	json_decref(mkitem(f, "XF-02", "{\"categories\": [\"key\"]}"));
	json_decref(mkitem(f, "SJ-01", "{\"department\": \"market\"}"));
	assert_int_equal(item_archive(f, &f->city, jid(a), 0, &out, &e), 0);
	json_decref(out);
	memset(&q, 0, sizeof(q));
	q.limit = 50;
	q.status = "archived";		/* ignored */
	assert_int_equal(inspection_dir_item_public(f->st, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 2);
	assert_int_equal(json_array_size(items), 2);
	json_array_foreach(items, i, it) {
		json_object_foreach(it, key, v) {
			ok = 0;
			for (int k = 0; allowed[k]; k++)
				ok |= strcmp(allowed[k], key) == 0;
			assert_true(ok);
		}
		assert_null(json_object_get(it, "id"));
		assert_null(json_object_get(it, "created_by"));
	}
	assert_string_equal(sget(json_array_get(items, 0), "code"), "SJ-01");
	assert_string_equal(sget(json_array_get(items, 0), "department_name"),
	    "市场监督管理部门");
	json_decref(items);
	q.department = "fire";
	assert_int_equal(inspection_dir_item_public(f->st, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	q.department = "x";
	assert_int_equal(inspection_dir_item_public(f->st, &q, &items, &total,
	    &e), ERR_INVALID);
	json_decref(a);
}

/* INS-018: exports follow the list, guard formulas, are audited. */
static void
test_inspection_dir__ins018_export(void **state)
{
	struct fx				*f = *state;
	struct inspection_item_query		 iq;
	struct inspection_inspector_query	 pq;
	struct err				 e;
	char					*data = NULL;
	size_t					 len = 0;
	int64_t					 rows = 0, n;

	json_decref(mkitem(f, "XF-01", "{\"name\": \"=HYPERLINK(1)\"}"));
	json_decref(mkitem(f, "XF-02", "{\"categories\": [\"key\", "
	    "\"rental\"]}"));
	json_decref(mkinsp(f, &f->city, "导出甲", "E-1", "[\"" TOWN_A "\"]"));
	json_decref(mkinsp(f, &f->city, "导出乙", "E-2", "[\"" TOWN_B "\"]"));
	memset(&iq, 0, sizeof(iq));
	n = asize(f);
	assert_int_equal(inspection_dir_item_export(f->st, &f->city, &iq, "csv",
	    &data, &len, &rows, &e), 0);
	assert_int_equal(rows, 2);
	assert_int_equal(asize(f), n + 1);
	assert_last_action(f, "inspection_item.export");
	assert_memory_equal(data, "\xef\xbb\xbf事项编码,", strlen(
	    "\xef\xbb\xbf事项编码,"));
	assert_non_null(strstr(data, "\"'=HYPERLINK(1)\""));
	assert_non_null(strstr(data, "消防安全重点单位、出租屋"));
	assert_non_null(strstr(data, "全部单位"));
	assert_non_null(strstr(data, "消防救援机构"));
	free(data);
	data = NULL;
	assert_int_equal(inspection_dir_item_export(f->st, &f->city, &iq,
	    "xlsx", &data, &len, &rows, &e), 0);
	assert_true(len > 100);
	assert_memory_equal(data, "PK", 2);
	free(data);
	data = NULL;
	assert_int_equal(inspection_dir_item_export(f->st, &f->city, &iq, "pdf",
	    &data, &len, &rows, &e), ERR_INVALID);
	assert_string_equal(e.field, "format");
	assert_int_equal(inspection_dir_item_export(f->st, &f->none, &iq, "csv",
	    &data, &len, &rows, &e), ERR_FORBIDDEN);
	iq.sort = "bogus";
	assert_int_equal(inspection_dir_item_export(f->st, &f->city, &iq, "csv",
	    &data, &len, &rows, &e), ERR_INVALID);
	/* Inspectors: within the jurisdiction, town names. */
	memset(&pq, 0, sizeof(pq));
	n = asize(f);
	assert_int_equal(inspection_dir_inspector_export(f->st, &f->reader, &pq,
	    "csv", &data, &len, &rows, &e), 0);
	assert_int_equal(rows, 1);
	assert_non_null(strstr(data, "导出甲"));
	assert_null(strstr(data, "导出乙"));
	assert_non_null(strstr(data, "东城街道"));
	assert_non_null(strstr(data, "有效"));
	free(data);
	data = NULL;
	assert_last_action(f, "inspector.export");
	assert_int_equal(asize(f), n + 1);
	assert_int_equal(inspection_dir_inspector_export(f->st, &f->city, &pq,
	    "xlsx", &data, &len, &rows, &e), 0);
	assert_int_equal(rows, 2);
	assert_memory_equal(data, "PK", 2);
	free(data);
}

/* The item with code, found through the list's search. */
static int
insd_by_code(struct fx *f, const char *code, json_t **out)
{
	struct inspection_item_query	 q;
	struct err			 e;
	json_t				*items = NULL, *it;
	int64_t				 total;
	size_t				 i;
	int				 rc = ERR_NOT_FOUND;

	memset(&q, 0, sizeof(q));
	q.q = code;
	q.limit = 50;
	if (inspection_dir_item_list(f->st, &f->city, &q, &items, &total,
	    &e) < 0)
		fail_msg("list: %s", e.msg);
	json_array_foreach(items, i, it)
		if (strcmp(sget(it, "code"), code) == 0) {
			*out = json_incref(it);
			rc = 0;
		}
	json_decref(items);
	return rc;
}

/* A copy of the items file with one replacement, in a temporary file. */
static char *
items_variant(const char *from, const char *to)
{
	char	*src = path_of("data/inspection/items.json"), *s, *p, *out;
	FILE	*fp;
	long	 n;
	struct buf b;

	fp = fopen(src, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	s = xmalloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	buf_init(&b);
	if (from != NULL && (p = strstr(s, from)) != NULL) {
		buf_add(&b, s, (size_t)(p - s));
		buf_adds(&b, to);
		buf_adds(&b, p + strlen(from));
	} else {
		assert_null(from);
		buf_adds(&b, s);
	}
	out = xasprintf("/tmp/insd-items-%d-%lld.json", (int)getpid(),
	    (long long)clock_mono_us());
	fp = fopen(out, "wb");
	assert_non_null(fp);
	fwrite(b.data, 1, b.len, fp);
	fclose(fp);
	buf_free(&b);
	free(s);
	free(src);
	return out;
}

static int
load(struct fx *f, const char *path, int if_empty, json_t **rep,
    struct err *e)
{
	return inspection_dir_items_load(f->st, &f->sys, path, if_empty, rep,
	    e);
}

/* INS-019: the items file, loaded idempotently by code, all or nothing. */
static void
test_inspection_dir__ins019_items_file(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*rep = NULL, *it = NULL, *out = NULL;
	char		*path = path_of("data/inspection/items.json"), *v;
	int64_t		 n, id;
	size_t		 i;
	static const struct {
		const char	*from, *to, *field;
		int		 code;
	} bad[] = {
		{ "firewarden-inspection-items-v1", "v0", "format",
		    ERR_INVALID },
		{ "\"code\": \"XF-02\"", "\"code\": \"XF-01\"",
		    "items[1].code", ERR_INVALID },
		{ "\"department\": \"fire\"", "\"department\": \"fires\"",
		    "items[0].department", ERR_INVALID },
		{ "\"status\": \"P\"", "\"status\": \"maybe\"",
		    "items[0].status", ERR_INVALID },
		{ "\"method\": \"查阅资料、询问\",", "", "items[0].method",
		    ERR_MISSING },
		{ "\"source\":", "\"sauce\":", "file", ERR_INVALID },
		{ "\"categories\": [\"high_risk\", \"key\"],",
		    "\"categories\": [\"general\"],", "items[1].categories",
		    ERR_INVALID },
		{ "\"note\": \"status:", "\"note\": 5, \"x\": \"", "file",
		    ERR_INVALID },
		{ "\"source\": \"", "\"source\": 1, \"y\": \"", "file",
		    ERR_INVALID },
		{ "\"name\": \"消防安全责任制落实\"", "\"name\": \"\"",
		    "items[0].name", ERR_RANGE },
		{ "\"items\": [", "\"items\": [1, ", "items", ERR_INVALID },
		{ "{", "[", "file", ERR_INVALID },
	};

	/* The shipped file: every item valid, codes unique. */
	assert_int_equal(load(f, path, 0, &rep, &e), 0);
	n = iget(rep, "items");
	assert_true(n >= 12 && n <= 24);
	assert_int_equal(iget(rep, "created"), n);
	assert_true(json_array_size(json_object_get(rep, "unconfirmed")) >= 1);
	json_decref(rep);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspection_items"), n);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'inspection_item.create'"), n);
	/* Again: nothing changes, nothing is appended. */
	n = asize(f);
	assert_int_equal(load(f, path, 0, &rep, &e), 0);
	assert_int_equal(iget(rep, "created"), 0);
	assert_int_equal(iget(rep, "updated"), 0);
	assert_int_equal(iget(rep, "unchanged"), iget(rep, "items"));
	json_decref(rep);
	assert_int_equal(asize(f), n);
	/* A changed text updates that item only; an archived one stays. */
	assert_int_equal(insd_by_code(f, "XF-05", &it), 0);
	assert_int_equal(str_to_i64(sget(it, "id"), 1, INT64_MAX, &id), 0);
	json_decref(it);
	assert_int_equal(item_archive(f, &f->city, id, 0, &out, &e), 0);
	json_decref(out);
	v = items_variant("\"name\": \"防火检查和火灾隐患整改\"",
	    "\"name\": \"防火检查及隐患整改\"");
	n = asize(f);
	assert_int_equal(load(f, v, 0, &rep, &e), 0);
	assert_int_equal(iget(rep, "updated"), 1);
	assert_int_equal(iget(rep, "skipped"), 1);
	json_decref(rep);
	assert_int_equal(asize(f), n + 1);
	assert_last_action(f, "inspection_item.update");
	assert_int_equal(insd_by_code(f, "XF-04", &it), 0);
	assert_string_equal(sget(it, "name"), "防火检查及隐患整改");
	assert_int_equal(iget(it, "version"), 2);
	json_decref(it);
	unlink(v);
	free(v);
	/* if_empty: nothing when the list has items. */
	assert_int_equal(load(f, path, 1, &rep, &e), 0);
	assert_false(json_is_true(json_object_get(rep, "loaded")));
	json_decref(rep);
	/* Bad files are refused whole, naming the place. */
	n = asize(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = items_variant(bad[i].from, bad[i].to);
		rep = NULL;
		assert_int_equal(load(f, v, 0, &rep, &e), bad[i].code);
		assert_null(rep);
		if (strcmp(e.field, bad[i].field) != 0)
			fail_msg("%s -> %s: field %s (%s), want %s",
			    bad[i].from, bad[i].to, e.field, e.msg,
			    bad[i].field);
		unlink(v);
		free(v);
	}
	assert_int_equal(load(f, "/nonexistent/items.json", 0, &rep, &e),
	    ERR_IO);
	assert_int_equal(inspection_dir_items_load(f->st, &f->ta, path, 0,
	    &rep, &e), ERR_FORBIDDEN);
	assert_int_equal(asize(f), n);
	free(path);
}

/* The records of the inspectors seed-demo makes, without ids and times. */
static char *
demo_content(struct fx *f)
{
	struct err		 e;
	struct store_rows	*r = NULL;
	struct buf		 b;

	buf_init(&b);
	assert_int_equal(store_query(f->st, "SELECT name, department, cert_no,"
	    " cert_valid_until, areas, specialty, status FROM inspectors "
	    "ORDER BY cert_no", STORE_NOARGS, &r, &e), 0);
	while (store_next(r, &e) == 1)
		buf_printf(&b, "%s|%s|%s|%s|%s|%s|%s\n", store_text(r, 0),
		    store_text(r, 1), store_text(r, 2), store_text(r, 3),
		    store_text(r, 4), store_text(r, 5), store_text(r, 6));
	store_rows_free(r);
	return buf_release(&b);
}

/* INS-019: the demo directories, deterministic, only into empty ones. */
static void
test_inspection_dir__ins019_seed_demo(void **state)
{
	struct fx				*f = *state;
	struct inspection_inspector_query	 q;
	struct err				 e;
	struct buf				 report;
	json_t					*rep = NULL;
	char					*items = path_of(
	    "data/inspection/items.json"), *words = path_of("data/demo");
	char					*c1, *c2, *c3;
	int64_t					 n, entries;
	int					 i;

	assert_int_equal(inspection_dir_seed_demo(f->st, &f->city, 1, items,
	    words, &rep, &e), ERR_FORBIDDEN);
	assert_int_equal(inspection_dir_seed_demo(f->st, &f->sys, 7, items,
	    words, &rep, &e), 0);
	assert_int_equal(iget(rep, "inspectors"), INSPECTION_DIR_SEED_INSPECTORS);
	assert_true(iget(json_object_get(rep, "items"), "created") >= 12);
	json_decref(rep);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspectors"),
	    INSPECTION_DIR_SEED_INSPECTORS);
	/* Every town has two active fire officers to draw from. */
	memset(&q, 0, sizeof(q));
	q.department = "fire";
	q.status = "active";
	q.cert = "valid";
	{
		struct store_rows	*r = NULL;
		char			 codes[40][10];
		int			 k = 0;

		assert_int_equal(store_query(f->st, "SELECT code FROM towns",
		    STORE_NOARGS, &r, &e), 0);
		while (store_next(r, &e) == 1 && k < 40)
			snprintf(codes[k++], sizeof(codes[0]), "%s",
			    store_text(r, 0));
		store_rows_free(r);
		assert_int_equal(k, 36);
		for (i = 0; i < k; i++) {
			q.area = codes[i];
			if (insp_total(f, &f->city, &q) < 2)
				fail_msg("town %s has fewer than 2 fire "
				    "officers", codes[i]);
		}
	}
	assert_true(count(f, "SELECT COUNT(*) FROM inspectors WHERE "
	    "department = 'market'") >= 5);
	assert_true(count(f, "SELECT COUNT(*) FROM inspectors WHERE "
	    "cert_no LIKE '粤消执 20__-____'") >= 20);
	c1 = demo_content(f);
	/* Not into a directory that has inspectors. */
	n = asize(f);
	assert_int_equal(inspection_dir_seed_demo(f->st, &f->sys, 7, items,
	    words, &rep, &e), 0);
	assert_int_equal(iget(rep, "inspectors"), 0);
	assert_false(json_is_true(json_object_get(json_object_get(rep,
	    "items"), "loaded")));
	json_decref(rep);
	assert_int_equal(asize(f), n);
	buf_init(&report);
	assert_int_equal(audit_verify(f->st, insd_types, &report, &entries,
	    &e), 0);
	buf_free(&report);
	/* The same seed again on an empty directory: the same people. */
	assert_int_equal(store_exec(f->st, "DELETE FROM inspectors",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(inspection_dir_seed_demo(f->st, &f->sys, 7, items,
	    words, &rep, &e), 0);
	json_decref(rep);
	c2 = demo_content(f);
	assert_string_equal(c1, c2);
	assert_int_equal(store_exec(f->st, "DELETE FROM inspectors",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(inspection_dir_seed_demo(f->st, &f->sys, 8, items,
	    words, &rep, &e), 0);
	json_decref(rep);
	c3 = demo_content(f);
	assert_string_not_equal(c1, c3);
	/* Missing word lists: nothing is written. */
	assert_int_equal(store_exec(f->st, "DELETE FROM inspectors",
	    STORE_NOARGS, NULL, &e), 0);
	n = asize(f);
	assert_int_equal(inspection_dir_seed_demo(f->st, &f->sys, 8, items,
	    "/nonexistent", &rep, &e), ERR_IO);
	assert_int_equal(asize(f), n);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM inspectors"), 0);
	free(c1);
	free(c2);
	free(c3);
	free(items);
	free(words);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_inspection_dir__ins001_item_code),
		T(test_inspection_dir__ins002_item_fields),
		T(test_inspection_dir__ins003_item_categories),
		T(test_inspection_dir__ins004_item_city_only),
		T(test_inspection_dir__ins005_archive_readonly),
		T(test_inspection_dir__ins006_versions),
		T(test_inspection_dir__ins007_inspector_fields),
		T(test_inspection_dir__ins008_areas),
		T(test_inspection_dir__ins009_user_link),
		T(test_inspection_dir__ins010_cert_validity),
		T(test_inspection_dir__ins011_inspector_scope),
		T(test_inspection_dir__ins012_town_keeps_own),
		T(test_inspection_dir__ins013_conflict_declare),
		T(test_inspection_dir__ins014_withdraw_and_lists),
		T(test_inspection_dir__ins015_audit_and_deep_verify),
		T(test_inspection_dir__ins016_bad_input_stores_nothing),
		T(test_inspection_dir__ins017_public_items),
		T(test_inspection_dir__ins018_export),
		T(test_inspection_dir__ins019_items_file),
		T(test_inspection_dir__ins019_seed_demo),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

/* The source tree from this file's path, else the working directory. */
static void
find_root(void)
{
	char	*p, probe[600];

	snprintf(root, sizeof(root), "%s", __FILE__);
	if ((p = strstr(root, "tests/unit/test_inspection_dir.c")) != NULL)
		*p = '\0';
	else
		root[0] = '\0';
	snprintf(probe, sizeof(probe), "%sdata/inspection/items.json", root);
	if (access(probe, R_OK) == 0)
		return;
	snprintf(root, sizeof(root), "../");
	snprintf(probe, sizeof(probe), "%sdata/inspection/items.json", root);
	if (access(probe, R_OK) == 0)
		return;
	root[0] = '\0';
}

int
main(void)
{
	static const unsigned char	key[CRYPTO_SEAL_KEY_LEN] = {
		9, 8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12, 13, 14, 15, 16,
	};
	const char			*pg = getenv("FIREWARDEN_TEST_PG");
	struct err			 e;
	int				 rc;

	jx_init();
	pii_set_key(key);
	find_root();
	{
		char	*cp = path_of("data/common-passwords.txt");

		account_set_common_passwords(cp, &e);
		free(cp);
	}
	rc = run("sqlite::memory:", "inspection_dir (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "inspection_dir (PostgreSQL)");
	else
		printf("inspection_dir (PostgreSQL): skipped, "
		    "FIREWARDEN_TEST_PG unset\n");
	return rc;
}
