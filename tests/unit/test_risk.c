/*
 * Unit tests of the risk module on SQLite and, when FIREWARDEN_TEST_PG is
 * set, PostgreSQL: the model file checked strictly (RISK-001), each
 * factor's effect (RISK-002..004), the cut-offs at their boundaries and
 * the score cap (RISK-005), the 12-month window moved with
 * clock_set_offset, the registry's refresh after a unit, building or
 * place change, the recompute of every unit equal to the per-unit
 * refresh and writing only what changed (RISK-006, RISK-007), events and
 * their bad inputs (RISK-008, RISK-009), jurisdiction (RISK-010) and the
 * summary (RISK-011).  Weights are read from the loaded model, never
 * written here, so the tests hold for an operator's own numbers too.
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
#include "domain/risk.h"
#include "store/store.h"
#include "fx_store.h"

/* The shared helpers (fx_store.h) on a fixture. */
#define begin(f)	fx_begin((f)->st)
#define end(f, rc)	fx_end((f)->st, (rc))

#define TOWN_A	"441900003"	/* 东城街道 */
#define TOWN_B	"441900121"	/* 虎门镇 */
#define DAY	86400

struct fx {
	struct store	*st;
	struct actor	 sys;
	char		 tmp[64];	/* a scratch model file */
};

static const char	*fx_url;
static char		 data_dir[512];

static const struct audit_type	risk_types[] = {
	{ "town", registry_town_record },
	{ "unit", registry_unit_record },
	{ "building", registry_building_record },
	{ "place", registry_place_record },
	{ "risk_event", risk_event_record },
	{ "risk_run", risk_run_record },
	{ NULL, NULL },
};

static char *
data_path(const char *rel)
{
	return xasprintf("%s/%s", data_dir, rel);
}

static void
load_default_model(void)
{
	struct err	 e;
	char		*p = data_path("rules/risk-v1.json");

	if (risk_model_load(p, &e) < 0)
		fail_msg("model %s: %s", p, e.msg);
	free(p);
}

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;
	char		*towns;
	int		 fd;

	clock_set_offset(0);
	f->st = fx_store_fresh(fx_url);
	towns = data_path("towns/dongguan.csv");
	if (registry_sync_towns(f->st, towns, &e) < 0)
		fail_msg("towns: %s", e.msg);
	free(towns);
	actor_system(&f->sys, "t-sys");
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/fw-risk-XXXXXX");
	assert_true((fd = mkstemp(f->tmp)) >= 0);
	close(fd);
	load_default_model();
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	clock_set_offset(0);
	unlink(f->tmp);
	store_close(f->st);
	free(f);
	return 0;
}

static int64_t
qint(struct fx *f, const char *sql, int64_t id)
{
	struct err	e;
	int64_t		n = -1;
	int		rc;

	rc = id != 0 ? store_query_int(f->st, sql, STORE_ARGS(SV_I(id)), &n,
	    &e) : store_query_int(f->st, sql, STORE_NOARGS, &n, &e);
	if (rc < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
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
	struct err	 e;
	char		*s = NULL;

	assert_int_equal(store_query_text(f->st, "SELECT action FROM "
	    "audit_entries ORDER BY seq DESC LIMIT 1", STORE_NOARGS, &s, &e),
	    0);
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
	snprintf(buf, sizeof(buf), "%s", perms);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		actor_add_perm(a, p);
}

static json_t *
jparse(const char *s)
{
	json_error_t	 je;
	json_t		*j = json_loads(s, 0, &je);

	if (j == NULL)
		fail_msg("bad test JSON %s: %s", s, je.text);
	return j;
}

/* A unit in town with the categories given as JSON list text. */
static int64_t
mk_unit(struct fx *f, const char *town, const char *cats)
{
	struct err	 e;
	json_t		*in, *out = NULL;
	char		*s;
	int64_t		 id = 0;

	s = xasprintf("{\"name\":\"风险测试单位\",\"address\":\"东莞大道1号\","
	    "\"town\":\"%s\",\"categories\":%s%s}", town, cats,
	    strstr(cats, "three_small") ? ",\"three_small_kind\":\"shop\"" :
	    "");
	in = jparse(s);
	begin(f);
	if (end(f, registry_unit_create(f->st, &f->sys, in, &out, &e)) < 0)
		fail_msg("unit %s: %s (%s)", s, e.msg, e.field);
	str_to_i64(json_string_value(json_object_get(out, "id")), 1,
	    INT64_MAX, &id);
	json_decref(out);
	json_decref(in);
	free(s);
	return id;
}

/* A building (places = 0) or place of a unit; returns its id. */
static int64_t
mk_part(struct fx *f, int place, int64_t unit, const char *json)
{
	struct err	 e;
	json_t		*in = jparse(json), *out = NULL;
	int64_t		 id = 0;
	int		 rc;

	begin(f);
	rc = place ? registry_place_create(f->st, &f->sys, unit, in, &out, &e) :
	    registry_building_create(f->st, &f->sys, unit, in, &out, &e);
	if (end(f, rc) < 0)
		fail_msg("part %s: %s (%s)", json, e.msg, e.field);
	str_to_i64(json_string_value(json_object_get(out, "id")), 1,
	    INT64_MAX, &id);
	json_decref(out);
	json_decref(in);
	return id;
}

static void
upd_building(struct fx *f, int64_t id, const char *json)
{
	struct err	 e;
	json_t		*in = jparse(json), *cur = NULL, *out = NULL;

	assert_int_equal(registry_building_get(f->st, &f->sys, id, &cur, &e),
	    0);
	begin(f);
	if (end(f, registry_building_update(f->st, &f->sys, id,
	    json_integer_value(json_object_get(cur, "version")), in, &out,
	    &e)) < 0)
		fail_msg("building %s: %s", json, e.msg);
	json_decref(cur);
	json_decref(out);
	json_decref(in);
}

static int
add_event(struct fx *f, struct actor *who, int64_t unit, const char *kind,
    const char *ref_type, const char *ref_id, int64_t at, struct err *e)
{
	begin(f);
	return end(f, risk_event_add(f->st, who, unit, kind, ref_type, ref_id,
	    at, NULL, e));
}

static void
add_event_ok(struct fx *f, int64_t unit, const char *kind, int64_t at)
{
	static int	seq;
	struct err	e;
	char		ref[32];

	snprintf(ref, sizeof(ref), "H-%d", ++seq);
	if (add_event(f, &f->sys, unit, kind, "hazard", ref, at, &e) < 0)
		fail_msg("event %s: %s (%s)", kind, e.msg, e.field);
}

static json_t *
risk_of(struct fx *f, int64_t unit)
{
	struct err	 e;
	json_t		*j = NULL;

	if (risk_unit_get(f->st, &f->sys, unit, &j, &e) < 0)
		fail_msg("risk: %s", e.msg);
	return j;
}

static int64_t
score_of(struct fx *f, int64_t unit)
{
	json_t	*j = risk_of(f, unit);
	int64_t	 s = json_integer_value(json_object_get(j, "score"));

	json_decref(j);
	return s;
}

/* The factor id of a view, or NULL. */
static json_t *
factor(json_t *view, const char *id)
{
	json_t	*x;
	size_t	 i;

	json_array_foreach(json_object_get(view, "factors"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0)
			return x;
	return NULL;
}

/* Points of factor id in unit's risk (0 when it does not contribute). */
static int64_t
points_of(struct fx *f, int64_t unit, const char *id, int64_t *value)
{
	json_t	*j = risk_of(f, unit), *x = factor(j, id);
	int64_t	 p = x ? json_integer_value(json_object_get(x, "points")) : 0;

	if (value != NULL)
		*value = x ? json_integer_value(json_object_get(x, "value")) :
		    -1;
	json_decref(j);
	return p;
}

/* The loaded model's factor id (borrowed from *doc, which the caller
 * frees). */
static json_t *
model_factor(json_t **doc, const char *id)
{
	struct err	 e;
	json_t		*x;
	size_t		 i;

	if (*doc == NULL)
		assert_int_equal(risk_model_json(doc, &e), 0);
	json_array_foreach(json_object_get(*doc, "factors"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0)
			return x;
	fail_msg("no factor %s in the model", id);
	return NULL;
}

static int64_t
mint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The shipped model, for editing into variants. */
static json_t *
model_doc(void)
{
	json_error_t	 je;
	json_t		*j;
	char		*p = data_path("rules/risk-v1.json");

	if ((j = json_load_file(p, 0, &je)) == NULL)
		fail_msg("%s: %s", p, je.text);
	free(p);
	return j;
}

static json_t *
doc_factor(json_t *doc, const char *id)
{
	json_t	*x;
	size_t	 i;

	json_array_foreach(json_object_get(doc, "factors"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "id")), id) == 0)
			return x;
	return NULL;
}

/* Write doc to the scratch file and load it; the load's result. */
static int
load_doc(struct fx *f, json_t *doc, struct err *e)
{
	assert_int_equal(json_dump_file(doc, f->tmp, JSON_INDENT(1)), 0);
	return risk_model_load(f->tmp, e);
}

static int
load_text(struct fx *f, const char *text, struct err *e)
{
	FILE	*fp = fopen(f->tmp, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return risk_model_load(f->tmp, e);
}

static int
recompute(struct fx *f, char *detail, size_t n)
{
	struct buf	 b;
	struct err	 e;
	int		 rc;

	buf_init(&b);
	if ((rc = risk_recompute_all(f->st, &f->sys, &b, &e)) < 0)
		fail_msg("recompute: %s", e.msg);
	if (detail != NULL)
		snprintf(detail, n, "%s", b.data ? b.data : "");
	buf_free(&b);
	return rc;
}

/* "N changed" of a recompute's detail line. */
static int64_t
recompute_changed(struct fx *f)
{
	char		 d[256], *p;
	long long	 n = -1;

	recompute(f, d, sizeof(d));
	if ((p = strstr(d, "units, ")) == NULL ||
	    sscanf(p, "units, %lld changed", &n) != 1)
		fail_msg("detail: %s", d);
	return n;
}

/* units.risk_grade equals unit_risk.grade for every unit. */
static void
assert_grades_in_sync(struct fx *f)
{
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM units u LEFT JOIN "
	    "unit_risk r ON r.unit_id = u.id WHERE r.grade IS NULL OR "
	    "u.risk_grade IS NULL OR r.grade <> u.risk_grade", 0), 0);
}

/* Tests. */

/* RISK-001: the shipped template loads and says what it is. */
static void
test_risk__risk001_template_loads(void **state)
{
	struct err	 e;
	json_t		*m = NULL;

	(void)state;
	assert_int_equal(risk_model_json(&m, &e), 0);
	assert_string_equal(json_string_value(json_object_get(m, "format")),
	    "firewarden-risk-v1");
	assert_true(json_is_true(json_object_get(m, "template")));
	assert_string_equal(json_string_value(json_object_get(m, "status")),
	    "U");
	assert_int_equal(mint(m, "window_days"), 365);
	/* 18, and the three of the IoT monitoring (IOT-016). */
	assert_int_equal(json_array_size(json_object_get(m, "factors")), 21);
	assert_int_equal(strlen(json_string_value(json_object_get(m, "sm3"))),
	    64);
	assert_string_equal(risk_model_version(), json_string_value(
	    json_object_get(m, "version")));
	json_decref(m);
	risk_model_unload();
	assert_null(risk_model_version());
	assert_int_equal(risk_model_json(&m, &e), ERR_UNAVAILABLE);
	load_default_model();
}

/* RISK-001: a bad file is refused naming the key; the model stays. */
static void
test_risk__risk001_bad_model_rejected_naming_the_key(void **state)
{
	static const struct {
		const char	*factor;	/* NULL: top level */
		const char	*key;		/* set to value (NULL: delete) */
		const char	*value;		/* JSON */
		const char	*field;
	} bad[] = {
		{ NULL, "weights", "{}", "weights" },
		{ NULL, "window_days", "0", "window_days" },
		{ NULL, "window_days", "365.5", "window_days" },
		{ NULL, "score_max", "\"100\"", "score_max" },
		{ NULL, "format", "\"firewarden-risk-v0\"", "format" },
		{ NULL, "template", "1", "template" },
		{ NULL, "status", "\"Q\"", "status" },
		{ NULL, "version", NULL, "version" },
		{ "category.key", "points", "\"20\"", "factors[category.key].points" },
		{ "category.key", "points", "-1", "factors[category.key].points" },
		{ "category.key", "points", "1.5", "factors[category.key].points" },
		{ "category.key", "points", "1001", "factors[category.key].points" },
		{ "category.key", "weight", "3", "factors[category.key].weight" },
		{ "category.key", "source", NULL, "factors[category.key].source" },
		{ "building.height", "measure", "\"height_m\"",
		    "factors[building.height].measure" },
		{ "building.height", "bands", "[{\"gte\":5000,\"points\":1},"
		    "{\"gte\":2400,\"points\":2}]",
		    "factors[building.height].bands[1].gte" },
		{ "building.height", "bands", "[{\"gte\":0,\"points\":1}]",
		    "factors[building.height].bands[0].gte" },
		{ "building.height", "bands", "[{\"gte\":1,\"pts\":1}]",
		    "factors[building.height].bands[0].pts" },
		{ "building.height", "bands", "[]", "factors[building.height].bands" },
		{ "building.no_sprinklers", "large", "{\"floor_area_m2\":5000}",
		    "factors[building.no_sprinklers].large.height_cm" },
		{ "history.fire", "event", "\"blaze\"", "factors[history.fire].event" },
		{ "history.fire", "cap", "\"x\"", "factors[history.fire].cap" },
	};
	struct fx	*f = *state;
	struct err	 e;
	json_t		*doc, *o, *v, *list;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		doc = model_doc();
		o = bad[i].factor ? doc_factor(doc, bad[i].factor) : doc;
		assert_non_null(o);
		if (bad[i].value == NULL)
			json_object_del(o, bad[i].key);
		else {
			v = json_loads(bad[i].value, JSON_DECODE_ANY, NULL);
			assert_non_null(v);
			json_object_set_new(o, bad[i].key, v);
		}
		err_clear(&e);
		if (load_doc(f, doc, &e) != ERR_INVALID)
			fail_msg("bad model %zu loaded", i);
		if (strcmp(e.field, bad[i].field) != 0)
			fail_msg("bad model %zu: field %s, want %s (%s)", i,
			    e.field, bad[i].field, e.msg);
		/* The message names the key too. */
		assert_non_null(strstr(e.msg, bad[i].field));
		json_decref(doc);
	}
	/* A factor missing, listed twice, unknown. */
	doc = model_doc();
	list = json_object_get(doc, "factors");
	json_array_remove(list, json_array_size(list) - 1);
	assert_int_equal(load_doc(f, doc, &e), ERR_INVALID);
	assert_string_equal(e.field, "factors[history.device_fault]");
	json_array_append(list, json_array_get(list, 0));
	assert_int_equal(load_doc(f, doc, &e), ERR_INVALID);
	assert_string_equal(e.field, "factors[category.high_risk]");
	json_object_set_new(json_array_get(list, json_array_size(list) - 1),
	    "id", json_string("category.castle"));
	assert_int_equal(load_doc(f, doc, &e), ERR_INVALID);
	assert_string_equal(e.field, "factors[category.castle]");
	json_decref(doc);
	/* Cut-offs: descending, ending at 0, in grade order. */
	doc = model_doc();
	o = json_array_get(json_object_get(json_object_get(doc, "grades"),
	    "cutoffs"), 2);
	json_object_set_new(o, "min_score", json_integer(45));
	assert_int_equal(load_doc(f, doc, &e), ERR_INVALID);
	assert_string_equal(e.field, "grades.cutoffs[2].min_score");
	json_object_set_new(o, "min_score", json_integer(20));
	o = json_array_get(json_object_get(json_object_get(doc, "grades"),
	    "cutoffs"), 3);
	json_object_set_new(o, "min_score", json_integer(5));
	assert_int_equal(load_doc(f, doc, &e), ERR_INVALID);
	assert_string_equal(e.field, "grades.cutoffs[3].min_score");
	json_object_set_new(o, "min_score", json_integer(0));
	json_object_set_new(o, "grade", json_string("lowest"));
	assert_int_equal(load_doc(f, doc, &e), ERR_INVALID);
	assert_string_equal(e.field, "grades.cutoffs[3].grade");
	json_decref(doc);
	/* Not JSON, duplicate keys, unreadable. */
	assert_int_equal(load_text(f, "{\"format\":", &e), ERR_INVALID);
	assert_string_equal(e.field, "model");
	assert_int_equal(load_text(f, "{\"format\":\"a\",\"format\":\"b\"}", &e),
	    ERR_INVALID);
	assert_int_equal(risk_model_load("/nonexistent/risk-v1.json", &e),
	    ERR_IO);
	/* The model loaded before is still the one in force. */
	assert_string_equal(risk_model_version(), "2026.1-template");
	/* An operator's own numbers and version load. */
	doc = model_doc();
	json_object_set_new(doc, "version", json_string("2027.1-own"));
	json_object_set_new(doc_factor(doc, "category.key"), "points",
	    json_integer(0));
	assert_int_equal(load_doc(f, doc, &e), 0);
	assert_string_equal(risk_model_version(), "2027.1-own");
	json_decref(doc);
}

/* RISK-002: each category adds its points, once; several add up. */
static void
test_risk__risk002_categories(void **state)
{
	static const char *const cats[] = { "high_risk", "key",
	    "public_gathering", "crowded", "special_industry", "three_small",
	    "rental", NULL };
	struct fx	*f = *state;
	json_t		*m = NULL;
	char		 list[64], id[64];
	int64_t		 u, v, sum = 0, want, max;
	int		 i;

	for (i = 0; cats[i]; i++) {
		snprintf(list, sizeof(list), "[\"%s\"]", cats[i]);
		u = mk_unit(f, TOWN_A, list);
		snprintf(id, sizeof(id), "category.%s", cats[i]);
		want = mint(model_factor(&m, id), "points");
		assert_int_equal(points_of(f, u, id, &v), want);
		assert_int_equal(v, want > 0 ? 1 : -1);
		assert_int_equal(score_of(f, u), want);
	}
	/* general: no category factor. */
	u = mk_unit(f, TOWN_A, "[]");
	assert_int_equal(score_of(f, u), 0);
	/* key + crowded + rental add up, capped at score_max. */
	u = mk_unit(f, TOWN_A, "[\"key\",\"crowded\",\"rental\"]");
	sum = mint(model_factor(&m, "category.key"), "points") +
	    mint(model_factor(&m, "category.crowded"), "points") +
	    mint(model_factor(&m, "category.rental"), "points");
	max = mint(m, "score_max");
	assert_int_equal(score_of(f, u), sum < max ? sum : max);
	assert_grades_in_sync(f);
	json_decref(m);
}

/* Bands of a factor: [gte, points] pairs from the model. */
static int
bands(json_t **m, const char *id, int64_t gte[8], int64_t pts[8])
{
	json_t	*x;
	size_t	 i;

	json_array_foreach(json_object_get(model_factor(m, id), "bands"), i,
	    x) {
		gte[i] = mint(x, "gte");
		pts[i] = mint(x, "points");
	}
	return (int)json_array_size(json_object_get(model_factor(m, id),
	    "bands"));
}

/* RISK-003: height, floors below, area and occupancy at each band's
 * boundary: one below gives the band under it, the boundary its own. */
static void
test_risk__risk003_building_bands_at_boundaries(void **state)
{
	static const struct {
		const char	*factor;
		const char	*key;
	} f_[] = {
		{ "building.height", "height_cm" },
		{ "building.floors_below", "floors_below" },
		{ "building.floor_area", "floor_area_m2" },
		{ "building.occupancy", "occupancy" },
	};
	struct fx	*f = *state;
	json_t		*m = NULL;
	char		 json[160];
	int64_t		 gte[8], pts[8], u, b, v;
	size_t		 k;
	int		 n, i;

	for (k = 0; k < sizeof(f_) / sizeof(f_[0]); k++) {
		n = bands(&m, f_[k].factor, gte, pts);
		u = mk_unit(f, TOWN_A, "[]");
		b = mk_part(f, 0, u, "{\"name\":\"1号楼\",\"use\":\"public\","
		    "\"has_sprinklers\":true,\"has_auto_alarm\":true}");
		assert_int_equal(points_of(f, u, f_[k].factor, NULL), 0);
		for (i = 0; i < n; i++) {
			/* Limits of the registry (REG-014) bound the test. */
			if (strcmp(f_[k].key, "floors_below") == 0 && gte[i] > 20)
				break;
			snprintf(json, sizeof(json), "{\"%s\":%lld}", f_[k].key,
			    (long long)(gte[i] - 1));
			upd_building(f, b, json);	/* refresh (registry) */
			assert_int_equal(points_of(f, u, f_[k].factor, &v),
			    i > 0 ? pts[i - 1] : 0);
			snprintf(json, sizeof(json), "{\"%s\":%lld}", f_[k].key,
			    (long long)gte[i]);
			upd_building(f, b, json);
			assert_int_equal(points_of(f, u, f_[k].factor, &v),
			    pts[i]);
			assert_int_equal(v, gte[i]);
		}
	}
	assert_grades_in_sync(f);
	json_decref(m);
}

/* RISK-003: measures over all active buildings, places counted where
 * they say more, archived parts left out, refreshed on every change. */
static void
test_risk__risk003_parts_and_refresh(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*m = NULL, *out = NULL;
	int64_t		 gte[8], pts[8], u, b1, b2, p, v;
	char		 json[200];

	bands(&m, "building.floor_area", gte, pts);
	u = mk_unit(f, TOWN_A, "[]");
	/* Two buildings whose areas add up to the first band. */
	snprintf(json, sizeof(json), "{\"name\":\"A\",\"use\":\"factory\","
	    "\"floor_area_m2\":%lld,\"has_sprinklers\":true,"
	    "\"has_auto_alarm\":true}", (long long)(gte[0] / 2));
	b1 = mk_part(f, 0, u, json);
	assert_int_equal(points_of(f, u, "building.floor_area", NULL), 0);
	snprintf(json, sizeof(json), "{\"name\":\"B\",\"use\":\"factory\","
	    "\"floor_area_m2\":%lld,\"has_sprinklers\":true,"
	    "\"has_auto_alarm\":true}", (long long)(gte[0] - gte[0] / 2));
	b2 = mk_part(f, 0, u, json);
	assert_int_equal(points_of(f, u, "building.floor_area", &v), pts[0]);
	assert_int_equal(v, gte[0]);
	/* Archiving one takes it out (refresh after archive). */
	begin(f);
	assert_int_equal(end(f, registry_building_archive(f->st, &f->sys, b2,
	    0, &out, &e)), 0);
	json_decref(out);
	assert_int_equal(points_of(f, u, "building.floor_area", NULL), 0);
	/* A place larger than the buildings counts instead. */
	snprintf(json, sizeof(json), "{\"name\":\"商场\",\"kind\":\"mall\","
	    "\"floor_area_m2\":%lld}", (long long)gte[1]);
	p = mk_part(f, 1, u, json);
	assert_int_equal(points_of(f, u, "building.floor_area", &v), pts[1]);
	assert_int_equal(v, gte[1]);
	begin(f);
	assert_int_equal(end(f, registry_place_archive(f->st, &f->sys, p, 0,
	    &out, &e)), 0);
	json_decref(out);
	assert_int_equal(points_of(f, u, "building.floor_area", NULL), 0);
	/* An underground place counts as one floor below ground. */
	bands(&m, "building.floors_below", gte, pts);
	assert_int_equal(points_of(f, u, "building.floors_below", NULL), 0);
	mk_part(f, 1, u, "{\"name\":\"地下超市\",\"kind\":\"shop\","
	    "\"underground\":true}");
	assert_int_equal(points_of(f, u, "building.floors_below", &v),
	    gte[0] <= 1 ? pts[0] : 0);
	/* A unit change refreshes too: categories added. */
	begin(f);
	assert_int_equal(registry_unit_get(f->st, &f->sys, u, &out, &e), 0);
	v = mint(out, "version");
	json_decref(out);
	out = jparse("{\"categories\":[\"key\"]}");
	assert_int_equal(end(f, registry_unit_update(f->st, &f->sys, u, v, out,
	    NULL, &e)), 0);
	json_decref(out);
	assert_int_equal(points_of(f, u, "category.key", NULL),
	    mint(model_factor(&m, "category.key"), "points"));
	(void)b1;
	assert_grades_in_sync(f);
	json_decref(m);
}

/* RISK-003: a large building without sprinklers or automatic alarm. */
static void
test_risk__risk003_missing_systems(void **state)
{
	struct fx	*f = *state;
	json_t		*m = NULL, *fs, *fa;
	char		 json[240];
	int64_t		 u, b, v;

	fs = model_factor(&m, "building.no_sprinklers");
	fa = model_factor(&m, "building.no_auto_alarm");
	u = mk_unit(f, TOWN_A, "[]");
	/* Small: nothing whatever it lacks. */
	snprintf(json, sizeof(json), "{\"name\":\"仓库\",\"use\":\"warehouse\","
	    "\"floor_area_m2\":%lld}", (long long)(mint(json_object_get(fs,
	    "large"), "floor_area_m2") - 1));
	b = mk_part(f, 0, u, json);
	if (mint(json_object_get(fa, "large"), "floor_area_m2") >
	    mint(json_object_get(fs, "large"), "floor_area_m2") - 1)
		assert_int_equal(points_of(f, u, "building.no_auto_alarm",
		    NULL), 0);
	assert_int_equal(points_of(f, u, "building.no_sprinklers", NULL), 0);
	/* Large by area: both count, with the number of such buildings. */
	snprintf(json, sizeof(json), "{\"floor_area_m2\":%lld}",
	    (long long)mint(json_object_get(fs, "large"), "floor_area_m2"));
	upd_building(f, b, json);
	assert_int_equal(points_of(f, u, "building.no_sprinklers", &v),
	    mint(fs, "points"));
	assert_int_equal(v, 1);
	/* Large by height only. */
	snprintf(json, sizeof(json), "{\"floor_area_m2\":1,\"height_cm\":%lld}",
	    (long long)mint(json_object_get(fa, "large"), "height_cm"));
	upd_building(f, b, json);
	assert_int_equal(points_of(f, u, "building.no_auto_alarm", &v),
	    mint(fa, "points"));
	/* Fitted: gone. */
	upd_building(f, b, "{\"has_sprinklers\":true,\"has_auto_alarm\":true}");
	assert_int_equal(points_of(f, u, "building.no_sprinklers", NULL), 0);
	assert_int_equal(points_of(f, u, "building.no_auto_alarm", NULL), 0);
	json_decref(m);
}

/* RISK-004: events count each, up to the cap; the window is 365 days. */
static void
test_risk__risk004_history_each_and_cap(void **state)
{
	static const char *const kinds[] = { "hazard", "major_hazard",
	    "penalty", "complaint_upheld", "fire", "fire_alarm", "false_alarm",
	    "device_fault", NULL };
	struct fx	*f = *state;
	json_t		*m = NULL, *x;
	char		 id[64];
	int64_t		 u, now = clock_now(), v, each, cap, n;
	int		 i;

	for (i = 0; kinds[i]; i++) {
		u = mk_unit(f, TOWN_A, "[]");
		snprintf(id, sizeof(id), "history.%s", kinds[i]);
		x = model_factor(&m, id);
		each = mint(x, "each");
		cap = mint(x, "cap");
		add_event_ok(f, u, kinds[i], now - DAY);
		assert_int_equal(points_of(f, u, id, &v), each < cap ? each :
		    cap);
		assert_int_equal(v, 1);
		/* Past the cap. */
		for (n = 1; n * each <= cap; n++)
			add_event_ok(f, u, kinds[i], now - DAY);
		assert_int_equal(points_of(f, u, id, &v), cap);
		assert_int_equal(v, n);
	}
	json_decref(m);
}

/* RISK-004: the window, with clock_set_offset: 364 days counts, 365
 * (the edge) counts, 366 does not; time passing takes events out. */
static void
test_risk__risk004_twelve_month_window(void **state)
{
	struct fx	*f = *state;
	int64_t		 u, w, now = clock_now(), v;

	u = mk_unit(f, TOWN_A, "[]");
	add_event_ok(f, u, "hazard", now - 364 * DAY);
	add_event_ok(f, u, "penalty", now - 366 * DAY);
	/* The edge, a few seconds inside it: the clock may tick between
	 * this line and the computation (a flake seen under load). */
	add_event_ok(f, u, "fire", now - 365 * DAY + 5);
	assert_int_not_equal(points_of(f, u, "history.hazard", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(points_of(f, u, "history.penalty", NULL), 0);
	assert_int_not_equal(points_of(f, u, "history.fire", NULL), 0);
	/* An event of today, then a year and a bit later. */
	w = mk_unit(f, TOWN_A, "[]");
	add_event_ok(f, w, "major_hazard", now);
	clock_set_offset(364 * DAY);
	assert_int_not_equal(recompute_changed(f), 0);	/* the others aged */
	assert_int_not_equal(points_of(f, w, "history.major_hazard", NULL), 0);
	assert_int_equal(points_of(f, u, "history.hazard", NULL), 0);
	clock_set_offset(366 * DAY);
	recompute(f, NULL, 0);
	assert_int_equal(points_of(f, w, "history.major_hazard", NULL), 0);
	assert_int_equal(score_of(f, w), 0);
	assert_grades_in_sync(f);
}

/* A model like the template with cut-offs, cap and one weight set. */
static void
load_grading_model(struct fx *f, int rental, int score_max)
{
	struct err	 e;
	json_t		*doc = model_doc();

	json_object_set_new(doc, "score_max", json_integer(score_max));
	json_object_set_new(doc_factor(doc, "category.rental"), "points",
	    json_integer(rental));
	if (load_doc(f, doc, &e) < 0)
		fail_msg("model: %s (%s)", e.msg, e.field);
	json_decref(doc);
}

/* RISK-005: each cut-off at its boundary, and the score cap. */
static void
test_risk__risk005_cutoffs_at_boundaries(void **state)
{
	static const char *const want[] = { "high", "medium_high", "medium",
	    "low" };
	struct fx	*f = *state;
	json_t		*m = NULL, *cut, *j;
	int64_t		 u, min;
	size_t		 i;
	int		 d;

	assert_int_equal(risk_model_json(&m, NULL), 0);
	cut = json_object_get(json_object_get(m, "grades"), "cutoffs");
	u = mk_unit(f, TOWN_A, "[\"rental\"]");
	for (i = 0; i < json_array_size(cut); i++) {
		min = mint(json_array_get(cut, i), "min_score");
		for (d = -1; d <= 0; d++) {
			if (min + d < 0)
				continue;
			load_grading_model(f, (int)(min + d), 100);
			recompute(f, NULL, 0);
			j = risk_of(f, u);
			assert_int_equal(mint(j, "score"), min + d);
			assert_string_equal(json_string_value(json_object_get(j,
			    "grade")), d == 0 ? want[i] : want[i + 1]);
			assert_string_equal(json_string_value(json_object_get(j,
			    "grade_name_zh")), json_string_value(
			    json_object_get(json_array_get(cut, d == 0 ? i :
			    i + 1), "name_zh")));
			json_decref(j);
		}
	}
	/* The cap: points above score_max count as score_max. */
	load_grading_model(f, 90, 70);
	recompute(f, NULL, 0);
	j = risk_of(f, u);
	assert_int_equal(mint(j, "score"), 70);
	assert_int_equal(mint(factor(j, "category.rental"), "points"), 90);
	json_decref(j);
	assert_grades_in_sync(f);
	json_decref(m);
}

/* Snapshot of every stored risk row, in unit order. */
static char *
snapshot(struct fx *f)
{
	struct store_rows	*r = NULL;
	struct buf		 b;
	struct err		 e;

	buf_init(&b);
	assert_int_equal(store_query(f->st, "SELECT u.id, r.score, r.grade, "
	    "r.factors, r.model_version, r.inputs_hash, u.risk_grade "
	    "FROM units u LEFT JOIN unit_risk r ON r.unit_id = u.id "
	    "ORDER BY u.id", STORE_NOARGS, &r, &e), 0);
	while (store_next(r, &e) == 1)
		buf_printf(&b, "%lld|%lld|%s|%s|%s|%s|%s\n",
		    (long long)store_int(r, 0), (long long)store_int(r, 1),
		    store_text(r, 2), store_text(r, 3), store_text(r, 4),
		    store_text(r, 5), store_text(r, 6));
	store_rows_free(r);
	return buf_release(&b);
}

/* A little city: every kind of factor somewhere. */
static void
mk_city(struct fx *f, int64_t ids[6])
{
	int64_t	now = clock_now();

	ids[0] = mk_unit(f, TOWN_A, "[\"key\",\"public_gathering\"]");
	mk_part(f, 0, ids[0], "{\"name\":\"主楼\",\"use\":\"public\","
	    "\"height_cm\":5600,\"floors_below\":2,\"floor_area_m2\":22000,"
	    "\"occupancy\":1800,\"has_sprinklers\":true}");
	ids[1] = mk_unit(f, TOWN_A, "[\"three_small\"]");
	mk_part(f, 1, ids[1], "{\"name\":\"档口\",\"kind\":\"shop\","
	    "\"floor_area_m2\":80,\"occupancy\":12}");
	ids[2] = mk_unit(f, TOWN_B, "[\"rental\"]");
	add_event_ok(f, ids[2], "hazard", now - 10 * DAY);
	add_event_ok(f, ids[2], "complaint_upheld", now - 20 * DAY);
	ids[3] = mk_unit(f, TOWN_B, "[\"high_risk\",\"key\",\"crowded\"]");
	mk_part(f, 0, ids[3], "{\"name\":\"厂房\",\"use\":\"factory\","
	    "\"height_cm\":1500,\"floor_area_m2\":12000,\"occupancy\":600}");
	add_event_ok(f, ids[3], "major_hazard", now - 30 * DAY);
	add_event_ok(f, ids[3], "penalty", now - 40 * DAY);
	ids[4] = mk_unit(f, TOWN_A, "[]");
	ids[5] = mk_unit(f, TOWN_B, "[\"special_industry\"]");
	add_event_ok(f, ids[5], "fire", now - 50 * DAY);
}

/*
 * RISK-006: the recompute of every unit gives what the per-unit refresh
 * gave; a second run writes nothing; only a unit whose inputs changed
 * is rewritten, and a grade edited behind the module's back is repaired.
 */
static void
test_risk__risk006_recompute_equals_refresh_only_changed(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	char		*before, *after;
	int64_t		 ids[6], a0, t0, t1;

	mk_city(f, ids);
	assert_grades_in_sync(f);
	before = snapshot(f);
	/* Forget everything, then recompute the whole city. */
	assert_int_equal(store_exec(f->st, "DELETE FROM unit_risk",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "UPDATE units SET risk_grade = NULL",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(recompute_changed(f), 6);
	after = snapshot(f);
	assert_string_equal(after, before);
	free(after);
	/* Nothing changed: nothing written, no audit entry. */
	clock_set_offset(60);
	a0 = asize(f);
	t0 = qint(f, "SELECT computed_at FROM unit_risk WHERE unit_id = ?",
	    ids[4]);
	assert_int_equal(recompute_changed(f), 0);
	assert_int_equal(asize(f), a0);
	assert_int_equal(qint(f, "SELECT computed_at FROM unit_risk WHERE "
	    "unit_id = ?", ids[4]), t0);
	/* One unit's building changed behind the registry's back. */
	assert_int_equal(store_exec(f->st, "UPDATE buildings SET height_cm = "
	    "11000 WHERE unit_id = ?", STORE_ARGS(SV_I(ids[0])), NULL, &e), 0);
	clock_set_offset(120);
	t1 = qint(f, "SELECT computed_at FROM unit_risk WHERE unit_id = ?",
	    ids[0]);
	assert_true(t1 < clock_now());
	assert_int_equal(recompute_changed(f), 1);
	assert_int_equal(qint(f, "SELECT computed_at FROM unit_risk WHERE "
	    "unit_id = ?", ids[0]), clock_now());
	assert_int_equal(qint(f, "SELECT computed_at FROM unit_risk WHERE "
	    "unit_id = ?", ids[4]), t0);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM unit_risk WHERE "
	    "computed_at = ?", clock_now()), 1);
	/* A grade edited directly is put back, counted as a change. */
	assert_int_equal(store_exec(f->st, "UPDATE units SET risk_grade = 'A' "
	    "WHERE id = ?", STORE_ARGS(SV_I(ids[1])), NULL, &e), 0);
	assert_int_equal(recompute_changed(f), 1);
	assert_grades_in_sync(f);
	/* The refresh keeps the unit's version and its record. */
	assert_int_equal(qint(f, "SELECT version FROM units WHERE id = ?",
	    ids[4]), 1);
	free(before);
}

/*
 * RISK-007: one risk.recompute entry per run that changed something,
 * with the digest of the sorted "unit_id\tscore\tgrade\n" lines; deep
 * verification recomputes runs and events.
 */
static void
test_risk__risk007_run_audited_with_digest(void **state)
{
	struct fx		*f = *state;
	struct store_rows	*r = NULL;
	struct buf		 lines, report;
	struct err		 e;
	unsigned char		 d[CRYPTO_SM3_LEN];
	char			 hex[2 * CRYPTO_SM3_LEN + 1], detail[256], *s;
	char			 rid[32];
	json_t			*rec = NULL;
	int64_t			 ids[6], a0, entries;

	mk_city(f, ids);
	assert_int_equal(store_exec(f->st, "DELETE FROM unit_risk",
	    STORE_NOARGS, NULL, &e), 0);
	a0 = asize(f);
	recompute(f, detail, sizeof(detail));
	assert_int_equal(asize(f), a0 + 1);
	assert_last_action(f, "risk.recompute");
	/* The digest over the lines, computed here from the table. */
	buf_init(&lines);
	assert_int_equal(store_query(f->st, "SELECT unit_id, score, grade FROM "
	    "unit_risk ORDER BY unit_id", STORE_NOARGS, &r, &e), 0);
	while (store_next(r, &e) == 1)
		buf_printf(&lines, "%lld\t%lld\t%s\n", (long long)store_int(r, 0),
		    (long long)store_int(r, 1), store_text(r, 2));
	store_rows_free(r);
	crypto_sm3(lines.data, lines.len, d);
	str_hex(d, sizeof(d), hex);
	buf_free(&lines);
	assert_non_null(strstr(detail, hex));
	assert_non_null(strstr(detail, "6 units, 6 changed"));
	snprintf(rid, sizeof(rid), "%lld", (long long)qint(f, "SELECT id FROM "
	    "risk_runs ORDER BY id DESC LIMIT 1", 0));
	assert_int_equal(risk_run_record(f->st, rid, &rec, &e), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "digest")),
	    hex);
	assert_int_equal(mint(rec, "units"), 6);
	assert_int_equal(mint(rec, "changed"), 6);
	assert_string_equal(json_string_value(json_object_get(rec,
	    "model_version")), risk_model_version());
	json_decref(rec);
	assert_int_equal(store_query_text(f->st, "SELECT object FROM "
	    "audit_entries ORDER BY seq DESC LIMIT 1", STORE_NOARGS, &s, &e),
	    0);
	assert_true(strncmp(s, "risk_run/", 9) == 0);
	assert_string_equal(s + 9, rid);
	free(s);
	buf_init(&report);
	assert_int_equal(audit_verify(f->st, risk_types, &report, &entries,
	    &e), 0);
	/* An edit of a stored run or event is seen. */
	assert_int_equal(store_exec(f->st, "UPDATE risk_runs SET changed = 5",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, risk_types, &report, &entries,
	    &e), ERR_CRYPTO);
	assert_non_null(strstr(report.data, rid));
	assert_int_equal(store_exec(f->st, "UPDATE risk_runs SET changed = 6",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "UPDATE risk_events SET at = at - 1 "
	    "WHERE kind = 'fire'", STORE_NOARGS, NULL, &e), 0);
	buf_reset(&report);
	assert_int_equal(audit_verify(f->st, risk_types, &report, &entries,
	    &e), ERR_CRYPTO);
	buf_free(&report);
	assert_int_equal(risk_run_record(f->st, "1", &rec, &e), ERR_NOT_FOUND);
	assert_int_equal(risk_event_record(f->st, "x", &rec, &e),
	    ERR_NOT_FOUND);
}

/* RISK-008, RISK-009: every bad input names its field; nothing stored. */
static void
test_risk__risk008_event_bad_input_stores_nothing(void **state)
{
	static const struct {
		const char	*kind, *ref_type, *ref_id;
		int64_t		 at;		/* days ago; -1: tomorrow */
		int		 code;
		const char	*field;
	} bad[] = {
		{ "flood", "hazard", "H-1", 1, ERR_INVALID, "kind" },
		{ NULL, "hazard", "H-1", 1, ERR_MISSING, "kind" },
		{ "hazard", "Hazard", "H-1", 1, ERR_INVALID, "ref_type" },
		{ "hazard", "1hazard", "H-1", 1, ERR_INVALID, "ref_type" },
		{ "hazard", "haz ard", "H-1", 1, ERR_INVALID, "ref_type" },
		{ "hazard", "", "H-1", 1, ERR_INVALID, "ref_type" },
		{ "hazard", "abcdefghijabcdefghijabcdefghijabc", "H-1", 1,
		    ERR_INVALID, "ref_type" },
		{ "hazard", NULL, "H-1", 1, ERR_MISSING, "ref_type" },
		{ "hazard", "hazard", "", 1, ERR_RANGE, "ref_id" },
		{ "hazard", "hazard", "   ", 1, ERR_RANGE, "ref_id" },
		{ "hazard", "hazard", "H\001", 1, ERR_INVALID, "ref_id" },
		{ "hazard", "hazard", "\xff\xfe", 1, ERR_INVALID, "ref_id" },
		{ "hazard", "hazard", "12345678901234567890123456789012345678901"
		    "234567890123456789012345", 1, ERR_RANGE, "ref_id" },
		{ "hazard", "hazard", NULL, 1, ERR_MISSING, "ref_id" },
		{ "hazard", "hazard", "H-1", -1, ERR_RANGE, "at" },
		{ "hazard", "hazard", "H-1", 100000, ERR_RANGE, "at" },
	};
	struct fx	*f = *state;
	struct actor	 off, ro;
	struct err	 e;
	json_t		*out = NULL;
	int64_t		 u, a0, n0, s0, now = clock_now();
	size_t		 i;

	u = mk_unit(f, TOWN_A, "[\"rental\"]");
	s0 = score_of(f, u);
	a0 = asize(f);
	n0 = qint(f, "SELECT COUNT(*) FROM risk_events", 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		if (add_event(f, &f->sys, u, bad[i].kind, bad[i].ref_type,
		    bad[i].ref_id, bad[i].at < 0 ? now + DAY : now -
		    bad[i].at * DAY, &e) != bad[i].code)
			fail_msg("bad event %zu: %d %s (%s)", i, e.code, e.msg,
			    e.field);
		assert_string_equal(e.field, bad[i].field);
	}
	/* Permission, jurisdiction, archived unit. */
	user(&ro, 7, "city", "registry:read");
	assert_int_equal(add_event(f, &ro, u, "hazard", "hazard", "H-1",
	    now, &e), ERR_FORBIDDEN);
	user(&off, 8, "town:" TOWN_B, "registry:read risk:write");
	assert_int_equal(add_event(f, &off, u, "hazard", "hazard", "H-1",
	    now, &e), ERR_NOT_FOUND);
	assert_int_equal(add_event(f, &f->sys, 999, "hazard", "hazard", "H-1",
	    now, &e), ERR_NOT_FOUND);
	assert_int_equal(qint(f, "SELECT COUNT(*) FROM risk_events", 0), n0);
	assert_int_equal(asize(f), a0);
	assert_int_equal(score_of(f, u), s0);
	/* A good one: stored, audited, the score refreshed. */
	begin(f);
	assert_int_equal(end(f, risk_event_add(f->st, &f->sys, u, "hazard",
	    "hazard", "  东消隐字〔2026〕第12号 ", now - DAY, &out, &e)), 0);
	assert_string_equal(json_string_value(json_object_get(out, "ref_id")),
	    "东消隐字〔2026〕第12号");
	assert_true(json_is_true(json_object_get(out, "counted")));
	json_decref(out);
	assert_int_equal(asize(f), a0 + 1);
	assert_last_action(f, "risk_event.create");
	assert_true(score_of(f, u) > s0 || score_of(f, u) == 100);
	/* RISK-009: the same record again is a conflict; another kind not. */
	assert_int_equal(add_event(f, &f->sys, u, "hazard", "hazard",
	    "东消隐字〔2026〕第12号", now, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "ref_id");
	assert_int_equal(add_event(f, &f->sys, u, "major_hazard", "hazard",
	    "东消隐字〔2026〕第12号", now, &e), 0);
	/* Archived units take none (REG-013). */
	begin(f);
	assert_int_equal(end(f, registry_unit_archive(f->st, &f->sys, u, 0,
	    &out, &e)), 0);
	json_decref(out);
	a0 = asize(f);
	assert_int_equal(add_event(f, &f->sys, u, "fire", "incident", "F-1",
	    now, &e), ERR_POLICY);
	assert_int_equal(asize(f), a0);
}

/* RISK-010: reads follow the unit's jurisdiction (Z-2, Z-3). */
static void
test_risk__risk010_z2_reads_scoped(void **state)
{
	struct fx	*f = *state;
	struct actor	 ta, tb, un, none;
	struct err	 e;
	json_t		*j = NULL, *items = NULL;
	int64_t		 a, b, total;
	char		 jur[40];

	a = mk_unit(f, TOWN_A, "[\"key\"]");
	b = mk_unit(f, TOWN_B, "[\"key\"]");
	add_event_ok(f, b, "hazard", clock_now() - DAY);
	user(&ta, 1, "town:" TOWN_A, "registry:read");
	user(&tb, 2, "town:" TOWN_B, "registry:read");
	snprintf(jur, sizeof(jur), "unit:%lld", (long long)a);
	user(&un, 3, jur, "registry:read");
	user(&none, 4, "city", "account:read");
	assert_int_equal(risk_unit_get(f->st, &ta, a, &j, &e), 0);
	json_decref(j);
	assert_int_equal(risk_unit_get(f->st, &ta, b, &j, &e), ERR_NOT_FOUND);
	assert_int_equal(risk_unit_get(f->st, &un, b, &j, &e), ERR_NOT_FOUND);
	assert_int_equal(risk_unit_get(f->st, &none, a, &j, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(risk_event_list(f->st, &ta, b, 0, 20, &items, &total,
	    &e), ERR_NOT_FOUND);
	assert_int_equal(risk_event_list(f->st, &tb, b, 0, 20, &items, &total,
	    &e), 0);
	assert_int_equal(total, 1);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    items, 0), "kind")), "hazard");
	json_decref(items);
	assert_int_equal(risk_event_list(f->st, &tb, b, 0, 0, &items, &total,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "limit");
	assert_int_equal(risk_event_list(f->st, &tb, b, -1, 20, &items,
	    &total, &e), ERR_INVALID);
	assert_string_equal(e.field, "offset");
	/* Not stored yet: computed now, said so. */
	assert_int_equal(store_exec(f->st, "DELETE FROM unit_risk WHERE "
	    "unit_id = ?", STORE_ARGS(SV_I(a)), NULL, &e), 0);
	assert_int_equal(risk_unit_get(f->st, &ta, a, &j, &e), 0);
	assert_false(json_is_true(json_object_get(j, "stored")));
	assert_true(json_is_null(json_object_get(j, "computed_at")));
	assert_non_null(factor(j, "category.key"));
	json_decref(j);
	/* No model: unavailable. */
	risk_model_unload();
	assert_int_equal(risk_unit_get(f->st, &ta, a, &j, &e),
	    ERR_UNAVAILABLE);
	/* ... and the registry's refresh does nothing meanwhile. */
	mk_unit(f, TOWN_A, "[\"rental\"]");
	load_default_model();
}

/* RISK-011: grade counts within the jurisdiction, archived left out. */
static void
test_risk__risk011_summary(void **state)
{
	struct fx	*f = *state;
	struct actor	 ta, tb;
	struct err	 e;
	json_t		*s = NULL, *g, *out = NULL;
	int64_t		 ids[6], n;
	int		 k;

	mk_city(f, ids);
	begin(f);
	assert_int_equal(end(f, registry_unit_archive(f->st, &f->sys, ids[4],
	    0, &out, &e)), 0);
	json_decref(out);
	assert_int_equal(risk_summary(f->st, &f->sys, NULL, &s, &e), 0);
	assert_string_equal(json_string_value(json_object_get(s, "scope")),
	    "city");
	assert_int_equal(mint(s, "total"), 5);
	g = json_object_get(s, "grades");
	for (k = 0, n = 0; risk_grades[k]; k++)
		n += mint(g, risk_grades[k]);
	assert_int_equal(n + mint(g, "none"), 5);
	assert_int_equal(mint(g, "none"), 0);
	out = risk_of(f, ids[3]);
	assert_true(mint(g, json_string_value(json_object_get(out,
	    "grade"))) >= 1);
	json_decref(out);
	json_decref(s);
	user(&ta, 1, "town:" TOWN_A, "registry:read");
	user(&tb, 2, "town:" TOWN_B, "registry:read");
	assert_int_equal(risk_summary(f->st, &ta, NULL, &s, &e), 0);
	assert_string_equal(json_string_value(json_object_get(s, "scope")),
	    "town:" TOWN_A);
	assert_int_equal(mint(s, "total"), 2);
	json_decref(s);
	assert_int_equal(risk_summary(f->st, &tb, NULL, &s, &e), 0);
	assert_int_equal(mint(s, "total"), 3);
	json_decref(s);
	/* A filter never widens the view. */
	assert_int_equal(risk_summary(f->st, &tb, TOWN_A, &s, &e), 0);
	assert_int_equal(mint(s, "total"), 0);
	json_decref(s);
	assert_int_equal(risk_summary(f->st, &f->sys, TOWN_B, &s, &e), 0);
	assert_int_equal(mint(s, "total"), 3);
	json_decref(s);
	assert_int_equal(risk_summary(f->st, &f->sys, "4419", &s, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "town");
	assert_int_equal(risk_summary(f->st, &f->sys, "441900999", &s, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "town");
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_risk__risk001_template_loads),
		T(test_risk__risk001_bad_model_rejected_naming_the_key),
		T(test_risk__risk002_categories),
		T(test_risk__risk003_building_bands_at_boundaries),
		T(test_risk__risk003_parts_and_refresh),
		T(test_risk__risk003_missing_systems),
		T(test_risk__risk004_history_each_and_cap),
		T(test_risk__risk004_twelve_month_window),
		T(test_risk__risk005_cutoffs_at_boundaries),
		T(test_risk__risk006_recompute_equals_refresh_only_changed),
		T(test_risk__risk007_run_audited_with_digest),
		T(test_risk__risk008_event_bad_input_stores_nothing),
		T(test_risk__risk010_z2_reads_scoped),
		T(test_risk__risk011_summary),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

/* data/ of the source tree. */
static void
find_data(void)
{
	char	*p;

	snprintf(data_dir, sizeof(data_dir), "%s", __FILE__);
	if ((p = strstr(data_dir, "tests/unit/test_risk.c")) != NULL)
		snprintf(p, sizeof(data_dir) - (size_t)(p - data_dir), "data");
	if (access(data_dir, R_OK) == 0)
		return;
	snprintf(data_dir, sizeof(data_dir), "../data");
	if (access(data_dir, R_OK) == 0)
		return;
	snprintf(data_dir, sizeof(data_dir), "data");
}

int
main(void)
{
	static const unsigned char	key[CRYPTO_SEAL_KEY_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	};
	const char			*pg = getenv("FIREWARDEN_TEST_PG");
	int				 rc;

	jx_init();
	pii_set_key(key);
	find_data();
	rc = run("sqlite::memory:", "risk (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "risk (PostgreSQL)");
	else
		printf("risk (PostgreSQL): skipped, FIREWARDEN_TEST_PG unset\n");
	risk_model_unload();
	return rc;
}
