/*
 * The legal clocks of hazards and opening permits across a holiday, on
 * SQLite and, when FIREWARDEN_TEST_PG is set, PostgreSQL: the clock is
 * set to Wednesday 2026-09-30, the day before the National Day holiday
 * (2026-10-01..07 off, Saturday 2026-10-10 a make-up working day), so
 * every deadline counted in working days must jump the holiday and count
 * the make-up day.  Also the escalation job run on a later day.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
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
#include "crypto/crypto.h"
#include "domain/actor.h"
#include "domain/calendar.h"
#include "domain/hazard.h"
#include "domain/permit.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "fx_store.h"

#define TOWN_A	"441900003"

struct fx {
	struct store	*st;
	struct actor	 sys;
	struct actor	 off;
	int64_t		 unit;
};

static const char	*fx_url;
static char		 data_dir[512];

static char *
data_path(const char *rel)
{
	return xasprintf("%s/%s", data_dir, rel);
}

static void
find_data(void)
{
	const char	*v = getenv("FIREWARDEN_DATA");
	const char	*up[] = { "", "../", "../../", "../../../" };
	char		 probe[600];
	size_t		 i;

	if (v != NULL && *v) {
		snprintf(data_dir, sizeof(data_dir), "%s", v);
		return;
	}
	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(probe, sizeof(probe), "%sdata/permit/rules.json", up[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(data_dir, sizeof(data_dir), "%sdata", up[i]);
			return;
		}
	}
	fail_msg("data/ not found; set FIREWARDEN_DATA");
}

/* Noon of day in Asia/Shanghai. */
static void
set_day(const char *day)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(day, "%Y-%m-%d", &tm));
	tm.tm_hour = 4;
	clock_set_offset(0);
	clock_set_offset((int64_t)timegm(&tm) - clock_now());
}

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

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;
	json_t		*in, *out = NULL;
	char		*p;

	set_day("2026-09-30");
	f->st = fx_store_fresh(fx_url);
	p = data_path("towns/dongguan.csv");
	if (registry_sync_towns(f->st, p, &e) < 0)
		fail_msg("towns: %s", e.msg);
	free(p);
	p = data_path("calendar");
	if (calendar_load_dir(p, &e) < 0)
		fail_msg("calendar: %s", e.msg);
	free(p);
	p = data_path("hazard/catalogue.json");
	if (hazard_catalogue_load(p, &e) < 0)
		fail_msg("catalogue: %s", e.msg);
	free(p);
	p = data_path("permit/rules.json");
	if (permit_rules_load(p, &e) < 0)
		fail_msg("permit rules: %s", e.msg);
	free(p);
	actor_system(&f->sys, "t-sys");
	user(&f->off, 7, "town:" TOWN_A, "registry:read registry:write "
	    "hazard:read hazard:write permit:read permit:apply permit:decide "
	    "permit:verify");
	in = json_pack("{s:s, s:s, s:s}", "name", "节前测试酒店有限公司",
	    "address", "东莞市东城街道节前路1号", "town", TOWN_A);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, registry_unit_create(f->st, &f->off,
	    in, &out, &e)), 0);
	f->unit = strtoll(json_string_value(json_object_get(out, "id")), NULL,
	    10);
	json_decref(in);
	json_decref(out);
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

static const char *
jstr(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	assert_non_null(s);
	return s;
}

/* A hazard ordered with deadline_days (0: the type's) on today. */
static json_t *
hazard(struct fx *f, const char *type, int days)
{
	struct hazard_new	 h;
	struct err		 e;
	json_t			*out = NULL;
	int64_t			 id = 0;
	char			 s[24];

	memset(&h, 0, sizeof(h));
	h.unit_id = f->unit;
	h.type_code = type;
	h.source = "officer";
	h.description = "节前检查发现";
	h.deadline_days = days;
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, hazard_create(f->st, &f->off, &h, &id,
	    &e)), 0);
	snprintf(s, sizeof(s), "%lld", (long long)id);
	assert_int_equal(hazard_record(f->st, s, &out, &e), 0);
	return out;
}

/* HAZ-005: a rectification deadline in working days jumps the holiday. */
static void
test_deadlines__hazard_deadline_across_national_day(void **state)
{
	struct fx	*f = *state;
	json_t		*h;

	/* 1 working day after 09-30: 10-08 (10-01..07 off). */
	h = hazard(f, "HZ-EXIT", 1);
	assert_string_equal(jstr(h, "found_on"), "2026-09-30");
	assert_string_equal(jstr(h, "deadline"), "2026-10-08");
	assert_string_equal(jstr(h, "step_due"), "2026-10-08");
	json_decref(h);
	/* 3: 10-08, 10-09, then Saturday 10-10, a make-up working day. */
	h = hazard(f, "HZ-EXIT", 3);
	assert_string_equal(jstr(h, "deadline"), "2026-10-10");
	json_decref(h);
	/* The type's default (HZ-FACILITY: 10): 10-08..10-10 (3), 10-12..16
	 * (8), 10-19, 10-20. */
	h = hazard(f, "HZ-FACILITY", 0);
	assert_string_equal(jstr(h, "deadline"), "2026-10-20");
	json_decref(h);
}

/* HAZ-019: the escalation job on the day after a deadline, then
 * escalate_city_days (5) working days later. */
static void
test_deadlines__escalation_by_the_job(void **state)
{
	struct fx	*f = *state;
	struct buf	 d;
	struct err	 e;
	json_t		*h, *x = NULL;
	char		 id[24];

	h = hazard(f, "HZ-EXIT", 1);		/* due 10-08 */
	snprintf(id, sizeof(id), "%s", jstr(h, "id"));
	json_decref(h);
	buf_init(&d);
	set_day("2026-10-08");
	assert_int_equal(hazard_job_escalate(f->st, &f->sys, &d, &e), 0);
	assert_int_equal(hazard_record(f->st, id, &x, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "escalation")),
	    0);
	json_decref(x);
	set_day("2026-10-09");
	buf_reset(&d);
	assert_int_equal(hazard_job_escalate(f->st, &f->sys, &d, &e), 0);
	assert_non_null(strstr(d.data, "escalated 1 to town"));
	assert_int_equal(hazard_record(f->st, id, &x, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "escalation")),
	    1);
	assert_string_equal(jstr(x, "escalated_on"), "2026-10-09");
	json_decref(x);
	/* 4 working days after 10-09 (10-10, 12, 13, 14): still the town. */
	set_day("2026-10-14");
	assert_int_equal(hazard_job_escalate(f->st, &f->sys, &d, &e), 0);
	assert_int_equal(hazard_record(f->st, id, &x, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "escalation")),
	    1);
	json_decref(x);
	/* The fifth (10-15): the city. */
	set_day("2026-10-15");
	assert_int_equal(hazard_job_escalate(f->st, &f->sys, &d, &e), 0);
	assert_int_equal(hazard_record(f->st, id, &x, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "escalation")),
	    2);
	json_decref(x);
	buf_free(&d);
}

/* Two document files uploaded by who, pending, for an application. */
static void
docs(struct fx *f, const struct actor *who, int64_t ids[2])
{
	struct err	e;
	char		by[24];
	int		i;

	actor_audit_name(who, by);
	for (i = 0; i < 2; i++) {
		ids[i] = 9000 + (int64_t)i + 10 * (int64_t)fx_count(f->st,
		    "SELECT COUNT(*) FROM files");
		assert_int_equal(store_exec(f->st, "INSERT INTO files (id, sm3, "
		    "kind, bytes, display_sm3, display_bytes, purpose, "
		    "uploaded_by, uploaded_at, status) VALUES (?, 'x', 'pdf', "
		    "10, 'x', 10, 'document', ?, ?, 'pending')",
		    STORE_ARGS(SV_I(ids[i]), SV_S(by), SV_I(clock_now())), NULL,
		    &e), 0);
	}
}

static json_t *
apply(struct fx *f, const char *route)
{
	struct err	 e;
	json_t		*in, *out = NULL, *rules = NULL;
	int64_t		 d[2];
	char		 u[24];

	docs(f, &f->off, d);
	snprintf(u, sizeof(u), "%lld", (long long)f->unit);
	assert_int_equal(permit_rules_json(&rules, &e), 0);
	in = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:{s:o, s:o}}",
	    "unit_id", u, "place_name", "节前测试酒店", "address",
	    "东莞市东城街道节前路1号", "use", "宾馆", "area_m2", 900,
	    "capacity", 120, "route", route, "documents", "licence",
	    jx_id(d[0]), "rules", jx_id(d[1]));
	if (strcmp(route, "commitment") == 0)
		json_object_set_new(in, "commitment", json_pack("{s:O, s:b}",
		    "version", json_object_get(json_object_get(rules,
		    "commitment"), "version"), "accepted", 1));
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, permit_apply(f->st, &f->off, in, &out,
	    &e)), 0);
	json_decref(in);
	json_decref(rules);
	return out;
}

/* PRM-005, PRM-006: the decision clock (1 working day online) and the
 * inspection clock (5, Guangdong) across the holiday. */
static void
test_deadlines__permit_clocks_across_national_day(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p, *q = NULL, *in;
	int64_t		 id, ver;

	p = apply(f, "commitment");
	assert_string_equal(jstr(p, "submitted_on"), "2026-09-30");
	assert_string_equal(jstr(p, "step_due"), "2026-10-08");
	json_decref(p);
	p = apply(f, "inspection");
	/* 10-08, 09, 10 (make-up), 12, 13. */
	assert_string_equal(jstr(p, "step_due"), "2026-10-13");
	id = strtoll(jstr(p, "id"), NULL, 10);
	ver = json_integer_value(json_object_get(p, "version"));
	json_decref(p);
	/* Inspected on 10-09: decided within 3 working days: 10-13. */
	set_day("2026-10-09");
	in = json_pack("{s:s, s:s}", "result", "pass", "note", "检查合格");
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, permit_inspect(f->st, &f->off, id, ver,
	    in, &q, &e)), 0);
	assert_string_equal(jstr(q, "inspected_on"), "2026-10-09");
	assert_string_equal(jstr(q, "step_due"), "2026-10-13");
	json_decref(in);
	json_decref(q);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
		T(test_deadlines__hazard_deadline_across_national_day),
		T(test_deadlines__escalation_by_the_job),
		T(test_deadlines__permit_clocks_across_national_day),
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
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
	rc = run("sqlite::memory:", "deadlines (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "deadlines (PostgreSQL)");
	else
		printf("deadlines (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	return rc;
}
