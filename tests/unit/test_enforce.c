/*
 * The core of enforcement cases (src/domain/enforce.c): the rules as
 * shipped and their strict loading (ENF-001: every bad value named by its
 * place, a refused file leaving the loaded rules in force), the dates of
 * enforce_int.h, and the officer check on the edges of a certificate's
 * validity and of a conflict's period (ENF-003, ENF-004), on SQLite and,
 * with FIREWARDEN_TEST_PG, on PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jx.h"
#include "domain/enforce.h"
#include "domain/enforce_int.h"
#include "fx_store.h"

static char		 rules_path[4096];
static char		 tmp_path[4096];
static const char	*fx_url;

/* data/enforce/rules.json of the source tree. */
static void
find_data(void)
{
	char	*p;

	snprintf(rules_path, sizeof(rules_path), "%s", __FILE__);
	if ((p = strstr(rules_path, "tests/unit/test_enforce.c")) != NULL)
		snprintf(p, sizeof(rules_path) - (size_t)(p - rules_path),
		    "data/enforce/rules.json");
	if (access(rules_path, R_OK) == 0)
		return;
	snprintf(rules_path, sizeof(rules_path),
	    "../data/enforce/rules.json");
	if (access(rules_path, R_OK) == 0)
		return;
	snprintf(rules_path, sizeof(rules_path), "data/enforce/rules.json");
}

static void
load_shipped(void)
{
	struct err	e;

	if (enforce_rules_load(rules_path, &e) < 0)
		fail_msg("%s: %s", rules_path, e.msg);
}

static void
test_enforce__enf001_shipped_rules(void **state)
{
	const struct enforce_measure	*m;
	json_t				*j = NULL;
	struct err			 e;

	(void)state;
	load_shipped();
	assert_int_equal(enforce_clock("decision_days"), 90);
	assert_int_equal(enforce_clock("service_workdays"), 7);
	assert_int_equal(enforce_clock("payment_days"), 15);
	assert_int_equal(enforce_clock("statement_workdays"), 5);
	assert_int_equal(enforce_clock("no_such_clock"), -1);
	assert_int_equal(enforce_clock(NULL), -1);
	assert_int_equal(enforce_limit_yuan("simple", "individual"), 200);
	assert_int_equal(enforce_limit_yuan("simple_procedure", "unit"), 3000);
	assert_int_equal(enforce_limit_yuan("hearing", "unit"), 50000);
	assert_int_equal(enforce_limit_yuan("review", "individual"), 2000);
	assert_int_equal(enforce_limit_yuan("discussion", "unit"), 200000);
	assert_int_equal(enforce_limit_yuan("review", "robot"), -1);
	assert_int_equal(enforce_limit_yuan("bribe", "unit"), -1);
	assert_true(enforce_measure_needs("review", "stop_business"));
	assert_true(enforce_measure_needs("discussion", "revoke_permit"));
	assert_false(enforce_measure_needs("discussion", "stop_use"));
	assert_false(enforce_measure_needs("review", "order_correct"));
	assert_false(enforce_measure_needs("other", "stop_business"));
	m = enforce_measure_find("seal");
	assert_non_null(m);
	assert_true(m->coercive);
	assert_string_equal(m->grounds[0], "消防法第54条");
	assert_non_null(m->grounds[1]);
	assert_null(m->grounds[2]);
	m = enforce_measure_find("order_correct");
	assert_non_null(m);
	assert_false(m->coercive);
	assert_null(m->grounds[0]);
	assert_null(enforce_measure_find("nap"));
	assert_int_equal(enforce_late_permille(), 30);
	assert_int_equal(enforce_outlier_min(), 8);
	assert_true(enforce_outlier_z() > 3.49 && enforce_outlier_z() < 3.51);
	assert_string_equal(enforce_issuer(), "东莞市消防救援支队");
	assert_int_equal(enforce_rules_json(&j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "format")),
	    "firewarden-enforce-rules-v1");
	json_decref(j);
}

/* Load the shipped rules with one change (a JSON path set to value, or
 * removed when value is NULL): refused with where in the message, the
 * shipped rules still in force. */
static void
refused(const char *const *path, json_t *value, const char *where)
{
	json_t		*doc, *o;
	json_error_t	 je;
	struct err	 e;
	int		 i;

	doc = json_load_file(rules_path, 0, &je);
	assert_non_null(doc);
	o = doc;
	for (i = 0; path[i + 1] != NULL; i++) {
		o = isdigit((unsigned char)path[i][0]) ? json_array_get(o,
		    (size_t)atoi(path[i])) : json_object_get(o, path[i]);
		assert_non_null(o);
	}
	if (json_is_array(o))
		json_array_set_new(o, (size_t)atoi(path[i]), value);
	else if (value == NULL)
		json_object_del(o, path[i]);
	else
		json_object_set_new(o, path[i], value);
	assert_int_equal(json_dump_file(doc, tmp_path, 0), 0);
	json_decref(doc);
	memset(&e, 0, sizeof(e));
	assert_int_equal(enforce_rules_load(tmp_path, &e), ERR_INVALID);
	if (strstr(e.msg, where) == NULL)
		fail_msg("expected %s in: %s", where, e.msg);
	assert_int_equal(enforce_clock("decision_days"), 90);
}

#define P(...)	((const char *const []){ __VA_ARGS__, NULL })

static void
test_enforce__enf001_strict_loading(void **state)
{
	struct err	e;
	FILE		*f;

	(void)state;
	load_shipped();
	refused(P("colour"), json_string("red"), "colour");
	refused(P("format"), json_string("v0"), "format");
	refused(P("clocks", "decision_days", "value"), json_integer(0),
	    "clocks.decision_days");
	refused(P("clocks", "decision_days", "unit"), json_string("workdays"),
	    "clocks.decision_days");
	refused(P("clocks", "service_workdays", "unit"), json_string("days"),
	    "clocks.service_workdays");
	refused(P("clocks", "review_workdays"), NULL, "clocks.review_workdays");
	refused(P("clocks", "lunch_days"), json_pack("{s:i, s:s}", "value", 1,
	    "unit", "days"), "lunch_days");
	refused(P("simple_procedure", "max_yuan", "unit"), json_integer(-1),
	    "simple_procedure.max_yuan.unit");
	refused(P("hearing_threshold_yuan", "individual"), json_string("2000"),
	    "hearing_threshold_yuan.individual");
	refused(P("review", "measures"), json_pack("[s]", "nap"),
	    "review.measures[0]");
	refused(P("discussion", "measures"), json_string("stop_business"),
	    "discussion.measures");
	refused(P("late_fee", "cap"), json_string("none"), "late_fee");
	refused(P("late_fee", "permille_per_day"), json_integer(0), "late_fee");
	refused(P("measures", "6", "grounds"), NULL, "measures[6].grounds");
	refused(P("measures", "0", "grounds"), json_pack("[s]", "消防法第1条"),
	    "measures[0].grounds");
	refused(P("measures", "1", "kind"), json_string("order_correct"),
	    "measures[1].kind");
	refused(P("measures", "1", "kind"), json_string("Order-X"),
	    "measures[1].kind");
	refused(P("measures", "2", "price"), json_integer(1), "price");
	refused(P("numbers", "decision", "template"), json_string("决字第号"),
	    "numbers.decision");
	refused(P("numbers", "receipt"), json_pack("{s:s}", "template",
	    "{seq}"), "receipt");
	refused(P("issuer", "name"), NULL, "issuer");
	refused(P("outliers", "min_samples"), json_integer(1),
	    "outliers.min_samples");
	refused(P("outliers", "z_threshold"), json_integer(0),
	    "outliers.z_threshold");
	/* Not JSON, duplicate keys, a missing file: refused too. */
	f = fopen(tmp_path, "w");
	assert_non_null(f);
	fputs("{\"format\": \"firewarden-enforce-rules-v1\", \"format\": "
	    "\"x\"}", f);
	fclose(f);
	assert_true(enforce_rules_load(tmp_path, &e) < 0);
	assert_true(enforce_rules_load("/nonexistent/rules.json", &e) < 0);
	assert_int_equal(enforce_clock("decision_days"), 90);
}

static void
test_enforce__dates(void **state)
{
	char	out[ENF_DATE_LEN + 1];

	(void)state;
	assert_true(enf_date_ok("2026-11-29"));
	assert_true(enf_date_ok("2028-02-29"));
	assert_false(enf_date_ok("2026-02-29"));
	assert_false(enf_date_ok("2026-02-30"));
	assert_false(enf_date_ok("2026-13-01"));
	assert_false(enf_date_ok("2026-1-01"));
	assert_false(enf_date_ok("2026-01-011"));
	assert_false(enf_date_ok("2026/01/01"));
	assert_false(enf_date_ok("+026-01-01"));
	assert_false(enf_date_ok("1900-01-01"));
	assert_false(enf_date_ok(""));
	assert_false(enf_date_ok(NULL));
	enf_date_add("2026-11-29", 90, out);
	assert_string_equal(out, "2027-02-27");
	enf_date_add("2028-02-28", 1, out);
	assert_string_equal(out, "2028-02-29");
	enf_date_add("2026-01-01", -1, out);
	assert_string_equal(out, "2025-12-31");
	enf_date_add("2026-03-01", 0, out);
	assert_string_equal(out, "2026-03-01");
}

/* The officer check on a database. */

struct fx {
	struct store	*st;
	int64_t		 user;
	int64_t		 unit;
};

static int
db_setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	struct err	 e;

	f->st = fx_store_fresh(fx_url);
	f->user = 1001;
	f->unit = 2001;
	load_shipped();
	fx_begin(f->st);
	assert_int_equal(store_exec(f->st, "INSERT INTO users (id, login, "
	    "display_name, jurisdiction, status, created_at, updated_at) "
	    "VALUES (?, 'off.t', 'Officer T', 'town:441900003', 'active', 0, "
	    "0)", STORE_ARGS(SV_I(f->user)), NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO user_roles (user_id, "
	    "role_id) VALUES (?, 'officer')", STORE_ARGS(SV_I(f->user)), NULL,
	    &e), 0);
	assert_int_equal(fx_end(f->st, 0), 0);
	*state = f;
	return 0;
}

static int
db_teardown(void **state)
{
	struct fx	*f = *state;

	store_close(f->st);
	free(f);
	return 0;
}

static void
cert(struct fx *f, int64_t id, const char *no, const char *from,
    const char *to, const char *status)
{
	struct err	e;

	assert_int_equal(store_exec(f->st, "INSERT INTO officer_certs (id, "
	    "user_id, cert_no, issued_on, valid_to, status, created_at, "
	    "updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 'test')",
	    STORE_ARGS(SV_I(id), SV_I(f->user), SV_S(no), SV_S(from), SV_S(to),
	    SV_S(status)), NULL, &e), 0);
}

/* enforce_officer_check for the unit (or the named individual) on day:
 * 0 with the certificate number, or ERR_POLICY naming officers with
 * why in the message. */
static void
check(struct fx *f, int64_t unit, const char *name, const char *day,
    const char *want_no, const char *why)
{
	struct err	e;
	char		no[64] = "";
	int		rc;

	memset(&e, 0, sizeof(e));
	rc = enforce_officer_check(f->st, f->user, unit, name, day, no, &e);
	if (want_no != NULL) {
		if (rc != 0)
			fail_msg("%s: %s", day, e.msg);
		assert_string_equal(no, want_no);
		return;
	}
	assert_int_equal(rc, ERR_POLICY);
	assert_string_equal(e.field, "officers");
	if (strstr(e.msg, why) == NULL)
		fail_msg("expected %s in: %s", why, e.msg);
}

static void
test_enforce__enf003_certificate_edges(void **state)
{
	struct fx	*f = *state;

	check(f, f->unit, NULL, "2026-06-01", NULL, "none recorded");
	cert(f, 1, "ZF-OLD", "2024-01-01", "2025-12-31", "active");
	cert(f, 2, "ZF-NEW", "2026-01-01", "2026-12-31", "active");
	check(f, f->unit, NULL, "2025-12-31", "ZF-OLD", NULL);
	check(f, f->unit, NULL, "2026-01-01", "ZF-NEW", NULL);
	check(f, f->unit, NULL, "2026-12-31", "ZF-NEW", NULL);
	check(f, f->unit, NULL, "2027-01-01", NULL, "expired or not yet valid");
	check(f, f->unit, NULL, "2023-12-31", NULL, "expired or not yet valid");
	check(f, f->unit, NULL, "2027-01-01", NULL, "off.t");
	{
		struct err	e;

		assert_int_equal(store_exec(f->st, "UPDATE officer_certs SET "
		    "status = 'revoked'", STORE_NOARGS, NULL, &e), 0);
	}
	check(f, f->unit, NULL, "2026-06-01", NULL, "revoked");
}

static void
test_enforce__enf004_conflict_edges(void **state)
{
	struct fx	*f = *state;
	struct err	 e;

	cert(f, 1, "ZF-1", "2020-01-01", "2030-12-31", "active");
	assert_int_equal(store_exec(f->st, "INSERT INTO towns (code, name, "
	    "kind, sort_order, updated_at) VALUES ('441900003', '东城街道', "
	    "'street', 1, 0)", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO units (id, name, "
	    "name_key, address, town_code, primary_category, status, "
	    "created_at, updated_at, created_by) VALUES (?, '甲公司', 'k', "
	    "'某路', '441900003', 'general', 'active', 0, 0, 'test')",
	    STORE_ARGS(SV_I(f->unit)), NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO officer_conflicts (id, "
	    "user_id, unit_id, relation, from_on, to_on, status, created_at, "
	    "updated_at, created_by) VALUES (1, ?, ?, 'relative', "
	    "'2026-03-01', '2026-03-31', 'active', 0, 0, 'test')",
	    STORE_ARGS(SV_I(f->user), SV_I(f->unit)), NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO officer_conflicts (id, "
	    "user_id, party_name, relation, from_on, status, created_at, "
	    "updated_at, created_by) VALUES (2, ?, '张三', 'interest', "
	    "'2026-05-01', 'active', 0, 0, 'test')", STORE_ARGS(SV_I(f->user)),
	    NULL, &e), 0);
	check(f, f->unit, NULL, "2026-02-28", "ZF-1", NULL);
	check(f, f->unit, NULL, "2026-03-01", NULL, "conflict");
	check(f, f->unit, NULL, "2026-03-31", NULL, "conflict");
	check(f, f->unit, NULL, "2026-04-01", "ZF-1", NULL);
	/* An individual's conflict is by name, not the place's unit. */
	check(f, 0, "张三", "2026-04-30", "ZF-1", NULL);
	check(f, 0, "张三", "2026-05-01", NULL, "conflict");
	check(f, 0, "张三", "2029-05-01", NULL, "conflict");
	check(f, 0, "李四", "2026-05-01", "ZF-1", NULL);
	check(f, f->unit, "张三", "2026-05-01", "ZF-1", NULL);
	assert_int_equal(store_exec(f->st, "UPDATE officer_conflicts SET "
	    "status = 'ended'", STORE_NOARGS, NULL, &e), 0);
	check(f, 0, "张三", "2026-05-01", "ZF-1", NULL);
	check(f, f->unit, NULL, "2026-03-15", "ZF-1", NULL);
}

static int
run_db(const char *url, const char *name)
{
	const struct CMUnitTest	tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, db_setup, db_teardown)
		T(test_enforce__enf003_certificate_edges),
		T(test_enforce__enf004_conflict_edges),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_enforce__enf001_shipped_rules),
		cmocka_unit_test(test_enforce__enf001_strict_loading),
		cmocka_unit_test(test_enforce__dates),
	};
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	int		 rc;

	jx_init();
	find_data();
	snprintf(tmp_path, sizeof(tmp_path), "/tmp/fw-enforce-rules-%ld.json",
	    (long)getpid());
	rc = cmocka_run_group_tests_name("enforce", tests, NULL, NULL);
	rc |= run_db("sqlite::memory:", "enforce (SQLite)");
	if (pg && *pg)
		rc |= run_db(pg, "enforce (PostgreSQL)");
	else
		printf("enforce (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	unlink(tmp_path);
	return rc;
}
