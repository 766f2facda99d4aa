/*
 * The legal clocks of enforcement cases (ENF-020, enforce_clock_due in
 * src/domain/enforce_flow.c) against the shipped rules and the 2026
 * holiday calendar: the working-day clocks (statement, hearing notice,
 * service, publication, review; 行政处罚法 art. 85) jump the National
 * Day holiday (2026-10-01..07 off) and count its make-up working day
 * (Saturday 2026-10-10); the natural-day clocks (decision, payment,
 * extension) do not.  A year without a calendar is an error, never a
 * guess.  Then a case run through its steps on an in-memory SQLite (and
 * PostgreSQL with FIREWARDEN_TEST_PG) with the clock set to those days:
 * notified on Monday 2026-09-28, decided and served on Wednesday
 * 2026-09-30, its statement, service, publication and payment days are
 * the ones computed here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/jx.h"
#include "crypto/crypto.h"
#include "domain/actor.h"
#include "domain/calendar.h"
#include "domain/enforce.h"
#include "domain/enforce_flow.h"
#include "domain/penalty.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "fx_store.h"

#define TOWN_A	"441900003"

static const char	*fx_url;

static char	data[4096];

/* $FIREWARDEN_DATA, or data/ above us. */
static void
find_data(void)
{
	static const char	*up[] = { "", "../", "../../", "../../../",
				    NULL };
	const char		*env = getenv("FIREWARDEN_DATA");
	char			 probe[4200];
	int			 i;

	if (env != NULL && *env) {
		snprintf(data, sizeof(data), "%s", env);
		return;
	}
	for (i = 0; up[i] != NULL; i++) {
		snprintf(probe, sizeof(probe), "%sdata/enforce/rules.json",
		    up[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(data, sizeof(data), "%sdata", up[i]);
			return;
		}
	}
	fail_msg("data/ not found; set FIREWARDEN_DATA");
}

static int
setup(void **state)
{
	struct err	e;
	char		p[4200];

	(void)state;
	find_data();
	snprintf(p, sizeof(p), "%s/calendar", data);
	if (calendar_load_dir(p, &e) < 0)
		fail_msg("calendar: %s", e.msg);
	snprintf(p, sizeof(p), "%s/enforce/rules.json", data);
	if (enforce_rules_load(p, &e) < 0)
		fail_msg("rules: %s", e.msg);
	snprintf(p, sizeof(p), "%s/penalty", data);
	if (penalty_load_dir(p, &e) < 0)
		fail_msg("penalty items: %s", e.msg);
	return 0;
}

static void
due_is(const char *from, const char *clock, const char *want)
{
	struct err	e;
	char		out[CALENDAR_DATE_LEN + 1];

	memset(&e, 0, sizeof(e));
	if (enforce_clock_due(from, clock, out, &e) < 0)
		fail_msg("%s from %s: %s", clock, from, e.msg);
	if (strcmp(out, want) != 0)
		fail_msg("%s from %s: %s, want %s", clock, from, out, want);
}

/* The shipped values the expectations below are computed with. */
static void
test_enforce_clock__shipped_values_ENF020(void **state)
{
	(void)state;
	assert_int_equal(enforce_clock("statement_workdays"), 5);
	assert_int_equal(enforce_clock("hearing_notice_workdays"), 7);
	assert_int_equal(enforce_clock("service_workdays"), 7);
	assert_int_equal(enforce_clock("payment_days"), 15);
	assert_int_equal(enforce_clock("decision_days"), 90);
}

/* Notified Monday 2026-09-28: Tue 29, Wed 30, (Oct 1-7 off), Thu 8,
 * Fri 9, Sat 10 (make-up) — the fifth working day is 2026-10-10. */
static void
test_enforce_clock__statement_skips_national_day_ENF021(void **state)
{
	(void)state;
	due_is("2026-09-28", "statement_workdays", "2026-10-10");
	/* Notified on the last day before the holiday. */
	due_is("2026-09-30", "statement_workdays", "2026-10-13");
	/* Notified during the holiday: counting starts on Oct 8. */
	due_is("2026-10-03", "statement_workdays", "2026-10-13");
	/* An ordinary week for comparison: Mon + 5 = next Mon. */
	due_is("2026-11-02", "statement_workdays", "2026-11-09");
}

/* Decided Wednesday 2026-09-30: Oct 8, 9, 10, 12, 13, 14, 15. */
static void
test_enforce_clock__service_skips_national_day_ENF026(void **state)
{
	(void)state;
	due_is("2026-09-30", "service_workdays", "2026-10-15");
	due_is("2026-09-30", "publish_workdays", "2026-10-15");
	/* A hearing notified on Sep 29 is held at the earliest Oct 14. */
	due_is("2026-09-29", "hearing_notice_workdays", "2026-10-14");
	due_is("2026-09-30", "review_workdays", "2026-10-13");
}

/* Natural days run through the holiday (art. 60, 67). */
static void
test_enforce_clock__natural_days_ENF027(void **state)
{
	(void)state;
	due_is("2026-09-30", "payment_days", "2026-10-15");
	due_is("2026-10-01", "payment_days", "2026-10-16");
	due_is("2026-09-30", "decision_days", "2026-12-29");
	due_is("2026-02-27", "payment_days", "2026-03-14");
}

static void
test_enforce_clock__errors_ENF020(void **state)
{
	struct err	e;
	char		out[CALENDAR_DATE_LEN + 1] = "unchanged";

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(enforce_clock_due("2026-09-30", "no_such_days", out,
	    &e), ERR_INTERNAL);
	/* No calendar for 2031: a working-day clock is refused... */
	assert_true(enforce_clock_due("2031-03-02", "service_workdays", out,
	    &e) < 0);
	/* ... a natural-day one needs none. */
	due_is("2031-03-02", "payment_days", "2031-03-17");
}

/* ---- a case through its steps across the holiday ------------------------ */

struct fx {
	struct store	*st;
	struct actor	 off;
	int64_t		 unit;
};

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
sql(struct store *st, const char *q, const struct store_val *args, int n)
{
	struct err	e;

	if (store_exec(st, q, args, n, NULL, &e) < 0)
		fail_msg("%s: %s", q, e.msg);
}

/* An officer of town A (role officer) with a certificate valid all year. */
static void
officer(struct store *st, int64_t uid)
{
	char	login[24], no[24];

	snprintf(login, sizeof(login), "off%lld", (long long)uid);
	snprintf(no, sizeof(no), "4419-2026-%lld", (long long)uid);
	sql(st, "INSERT INTO users (id, login, display_name, jurisdiction, "
	    "status, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', 0, "
	    "0)", STORE_ARGS(SV_I(uid), SV_S(login), SV_S(login),
	    SV_S("town:" TOWN_A)));
	sql(st, "INSERT INTO user_roles (user_id, role_id) VALUES (?, "
	    "'officer')", STORE_ARGS(SV_I(uid)));
	sql(st, "INSERT INTO officer_certs (id, user_id, cert_no, issued_on, "
	    "valid_to, status, created_at, updated_at, created_by) VALUES (?, "
	    "?, ?, '2026-01-01', '2026-12-31', 'active', 0, 0, 'test')",
	    STORE_ARGS(SV_I(uid + 100), SV_I(uid), SV_S(no)));
}

static int
fx_setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	struct err	 e;
	json_t		*in, *out = NULL;
	char		 p[4200];
	const char	*perms[] = { "registry:read", "registry:write",
	    "case:read", "case:write", NULL };
	int		 i;

	assert_non_null(f);
	set_day("2026-09-28");
	f->st = fx_store_fresh(fx_url);
	snprintf(p, sizeof(p), "%s/towns/dongguan.csv", data);
	if (registry_sync_towns(f->st, p, &e) < 0)
		fail_msg("towns: %s", e.msg);
	officer(f->st, 7);
	officer(f->st, 8);
	f->off.kind = ACTOR_USER;
	f->off.user_id = 7;
	snprintf(f->off.login, sizeof(f->off.login), "off7");
	snprintf(f->off.jurisdiction, sizeof(f->off.jurisdiction),
	    "town:" TOWN_A);
	snprintf(f->off.request_id, sizeof(f->off.request_id), "t-7");
	for (i = 0; perms[i] != NULL; i++)
		actor_add_perm(&f->off, perms[i]);
	in = json_pack("{s:s, s:s, s:s}", "name", "节前执法测试商场有限公司",
	    "address", "东莞市东城街道节前路9号", "town", TOWN_A);
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

	if (s == NULL)
		fail_msg("no %s", k);
	return s;
}

/* Step name of case *c (replaced by the answer) with body in (stolen). */
static void
flow(struct fx *f, json_t **c, const char *name, json_t *in)
{
	struct err	 e;
	json_t		*out = NULL;
	int64_t		 id = strtoll(jstr(*c, "id"), NULL, 10);
	int64_t		 v = json_integer_value(json_object_get(*c, "version"));

	memset(&e, 0, sizeof(e));
	fx_begin(f->st);
	if (fx_end(f->st, enforce_flow_step(f->st, &f->off, name, id, v, in,
	    &out, &e)) < 0)
		fail_msg("%s: %s (%s)", name, e.msg, e.field);
	json_decref(in);
	json_decref(*c);
	*c = out;
}

static void
test_enforce_clock__case_across_national_day_ENF021_ENF026_ENF027(
    void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*in, *c = NULL;
	char		 unit[24];

	snprintf(unit, sizeof(unit), "%lld", (long long)f->unit);
	in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, "
	    "s:s}], s:[{s:s, s:s, s:s, s:i}]}", "procedure", "general",
	    "source", "on_spot", "party_type", "unit", "unit_id", unit,
	    "facts", "节前检查发现消防设施未保持完好有效", "found_on",
	    "2026-09-28", "officers", "user_id", "7", "role", "lead",
	    "user_id", "8", "role", "assist", "violations", "item",
	    "FPL-60-1", "tier", "general", "facts", "灭火器压力不足",
	    "amount", 20000);
	memset(&e, 0, sizeof(e));
	fx_begin(f->st);
	if (fx_end(f->st, enforce_case_create(f->st, &f->off, in, &c,
	    &e)) < 0)
		fail_msg("create: %s (%s)", e.msg, e.field);
	json_decref(in);
	assert_string_equal(jstr(c, "filed_on"), "2026-09-28");
	/* Natural days: 90 after 09-28. */
	assert_string_equal(jstr(c, "decision_due"), "2026-12-27");

	/* Notified Monday 09-28: five working days end Saturday 10-10. */
	flow(f, &c, "notify", NULL);
	assert_string_equal(jstr(c, "notified_on"), "2026-09-28");
	assert_string_equal(jstr(c, "statement_due"), "2026-10-10");
	assert_string_equal(jstr(c, "step_due"), "2026-10-10");
	flow(f, &c, "statement", json_pack("{s:s, s:b}", "text",
	    "无异议，放弃陈述申辩和听证", "waive", 1));
	flow(f, &c, "submit", NULL);
	assert_string_equal(jstr(c, "step"), "decide");

	/* Decided Wednesday 09-30: served within seven working days
	 * (10-15), published within seven (10-15). */
	set_day("2026-09-30");
	flow(f, &c, "decide", NULL);
	assert_string_equal(jstr(c, "decided_on"), "2026-09-30");
	assert_string_equal(jstr(c, "service_due"), "2026-10-15");
	assert_string_equal(jstr(c, "publish_due"), "2026-10-15");
	assert_string_equal(jstr(c, "step_due"), "2026-10-15");

	/* Served the same day: fifteen natural days to pay (10-15). */
	flow(f, &c, "serve", json_pack("{s:s}", "method", "direct"));
	assert_string_equal(jstr(c, "payment_due"), "2026-10-15");
	assert_string_equal(jstr(c, "pay_status"), "due");
	json_decref(c);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
		T(test_enforce_clock__case_across_national_day_ENF021_ENF026_ENF027),
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
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enforce_clock__shipped_values_ENF020),
		cmocka_unit_test(
		    test_enforce_clock__statement_skips_national_day_ENF021),
		cmocka_unit_test(
		    test_enforce_clock__service_skips_national_day_ENF026),
		cmocka_unit_test(test_enforce_clock__natural_days_ENF027),
		cmocka_unit_test(test_enforce_clock__errors_ENF020),
	};
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	int		 rc;

	jx_init();
	pii_set_key(key);
	rc = cmocka_run_group_tests_name("clocks", tests, setup, NULL);
	rc |= run("sqlite::memory:", "a case across the holiday (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "a case across the holiday (PostgreSQL)");
	else
		printf("a case across the holiday (PostgreSQL): skipped, "
		    "FIREWARDEN_TEST_PG unset\n");
	return rc;
}
