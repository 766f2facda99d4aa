/*
 * The demo city's enforcement cases (src/domain/enforce_seed.c,
 * docs/modules/enforce_seed.md) on a small seeded city, on an in-memory
 * SQLite (and PostgreSQL with FIREWARDEN_TEST_PG): the demo accounts
 * with one-time passwords that log in and must be changed, their
 * certificates, eight cases of town 441900003 in every state, made by
 * the demo officer (not the system) and numbered; `audit verify --deep`
 * over it all; a second call adds nothing; the same city gives the same
 * cases; a city without units of that town uses the town of its first
 * active unit, and an empty one gets nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "crypto/crypto.h"
#include "domain/account.h"
#include "domain/actor.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/enforce.h"
#include "domain/enforce_pay.h"
#include "domain/penalty.h"
#include "domain/permit.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "domain/registry_io.h"
#include "domain/risk.h"
#include "fx_store.h"

static const char	*fx_url;
static char		 data[4096];

static const struct audit_type	ens_types[] = {
	{ "user", account_user_record },
	{ "role", account_role_record },
	{ "town", registry_town_record },
	{ "grid", registry_grid_record },
	{ "unit", registry_unit_record },
	{ "building", registry_building_record },
	{ "place", registry_place_record },
	{ "classification", registry_class_record },
	{ "seed", registry_seed_record },
	{ "risk_event", risk_event_record },
	{ "credit_event", permit_credit_event_record },
	{ "officer_cert", enforce_cert_record },
	{ "case", enforce_case_record },
	{ "case_decision", enforce_decision_record },
	{ "case_payment", enforce_pay_record },
	{ NULL, NULL },
};

/* $FIREWARDEN_DATA, or data/ above us. */
static void
find_data(void)
{
	static const char	*up[] = { "", "../", "../../", "../../../",
				    NULL };
	const char		*env = getenv("FIREWARDEN_DATA");
	char			 probe[4200], src[1024], *p;
	int			 i;

	if (env != NULL && *env) {
		snprintf(data, sizeof(data), "%s", env);
		return;
	}
	/* The source tree from this file's path. */
	snprintf(src, sizeof(src), "%s", __FILE__);
	if ((p = strstr(src, "tests/unit/test_enforce_seed.c")) != NULL) {
		snprintf(p, sizeof(src) - (size_t)(p - src),
		    "data/enforce/rules.json");
		if (access(src, R_OK) == 0) {
			p[4] = '\0';
			snprintf(data, sizeof(data), "%s", src);
			return;
		}
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

/* The reference data serve loads before it seeds. */
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
	snprintf(p, sizeof(p), "%s/rules/key-units.json", data);
	if (registry_class_load(p, &e) < 0)
		fail_msg("key-unit rules: %s", e.msg);
	return 0;
}

/* A fresh store with the towns and, units > 0, a demo city of seed 1. */
static struct store *
city(int64_t units)
{
	struct registry_seed_opts	 o;
	struct store			*st;
	struct actor			 sys;
	struct err			 e;
	json_t				*rep = NULL;
	char				 p[4200];

	st = fx_store_fresh(fx_url);
	snprintf(p, sizeof(p), "%s/towns/dongguan.csv", data);
	if (registry_sync_towns(st, p, &e) < 0)
		fail_msg("towns: %s", e.msg);
	if (units == 0)
		return st;
	snprintf(p, sizeof(p), "%s/demo", data);
	memset(&o, 0, sizeof(o));
	o.units = units;
	o.seed = 1;
	o.if_empty = 1;
	o.words = p;
	actor_system(&sys, "t-seed");
	if (registry_seed_demo(st, &sys, &o, &rep, &e) < 0)
		fail_msg("seed-demo: %s", e.msg);
	json_decref(rep);
	return st;
}

/* enforce_seed_demo in its own transaction, as serve runs it. */
static int
seed(struct store *st, struct enforce_seed *out, struct err *e)
{
	struct actor	sys;

	actor_system(&sys, "seed-demo");
	fx_begin(st);
	return fx_end(st, enforce_seed_demo(st, &sys, out, e));
}

static int64_t
count(struct store *st, const char *sql, const char *arg)
{
	struct err	e;
	int64_t		n = -1;

	if (store_query_int(st, sql, STORE_ARGS(SV_S(arg)), &n, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

/* The cases as text without ids and times: what must not vary. */
static char *
cases_text(struct store *st)
{
	struct store_rows	*r = NULL;
	struct err		 e;
	struct buf		 b;
	int			 i;

	buf_init(&b);
	if (store_query(st, "SELECT c.no, c.procedure, c.party_type, "
	    "c.party_name, c.town, u.name, c.status, COALESCE(c.step, ''), "
	    "COALESCE(c.outcome, ''), c.fine_fen, c.pay_status, "
	    "COALESCE(c.decision_no, ''), COALESCE(c.notice_no, '') "
	    "FROM cases c JOIN units u ON u.id = c.unit_id ORDER BY c.no",
	    STORE_NOARGS, &r, &e) < 0)
		fail_msg("cases: %s", e.msg);
	while (store_next(r, &e) == 1) {
		for (i = 0; i < 13; i++)
			buf_printf(&b, "%s|", store_text(r, i));
		buf_addc(&b, '\n');
	}
	store_rows_free(r);
	return buf_release(&b);
}

static void
deep_verify(struct store *st)
{
	struct buf	report;
	struct err	e;
	int64_t		n = 0;

	buf_init(&report);
	if (audit_verify(st, ens_types, &report, &n, &e) != 0)
		fail_msg("audit verify --deep: %s", report.data ? report.data :
		    e.msg);
	buf_free(&report);
}

static void
test_enforce_seed__every_state_once(void **state)
{
	struct store		*st;
	struct enforce_seed	 s;
	struct err		 e;
	struct actor		 pub;
	struct account_session	 ses;
	int64_t			 audit0, audit1, users, pg;
	char			*t0, *t1;
	int			 i;

	(void)state;
	st = city(300);
	assert_int_equal(seed(st, &s, &e), 0);
	assert_int_equal(s.cases, 8);
	assert_int_equal(s.naccts, 3);

	/* One case in every state the console shows, all of 东城街道. */
#define N(w) count(st, "SELECT COUNT(*) FROM cases WHERE " w, "")
	assert_int_equal(N("? = '' AND town = '441900003'"), 8);
	assert_int_equal(N("? = '' AND status = 'filed' AND fine_fen > 0 AND "
	    "EXISTS (SELECT 1 FROM case_violations v WHERE v.case_id = "
	    "cases.id)"), 1);
	assert_int_equal(N("? = '' AND status = 'notified' AND "
	    "notice_no IS NOT NULL"), 1);
	assert_int_equal(N("? = '' AND status = 'review'"), 1);
	assert_int_equal(N("? = '' AND status = 'decided' AND outcome = "
	    "'fine' AND decision_hash IS NOT NULL"), 1);
	assert_int_equal(N("? = '' AND status = 'served' AND pay_status = "
	    "'due' AND outcome = 'fine'"), 2);
	assert_int_equal(N("? = '' AND status = 'closed' AND procedure = "
	    "'simple' AND outcome = 'warning' AND party_type = "
	    "'individual'"), 1);
	assert_int_equal(N("? = '' AND status = 'closed' AND outcome = "
	    "'no_penalty' AND decision_no IS NOT NULL"), 1);
	assert_int_equal(N("? = '' AND published_on IS NOT NULL"), 1);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM case_publications "
	    "WHERE status = ?", "published"), 1);
	/* The decided case passed the demo reviewer's approval. */
	assert_int_equal(count(st, "SELECT COUNT(*) FROM audit_entries a "
	    "JOIN users u ON a.actor = CAST(u.id AS TEXT) WHERE a.action = "
	    "'case.review' AND u.login = ?", "demo-legal"), 1);
	/* Made by the demo officer, not by the system. */
	assert_int_equal(count(st, "SELECT COUNT(*) FROM audit_entries a "
	    "JOIN users u ON a.actor = CAST(u.id AS TEXT) WHERE a.action = "
	    "'case.create' AND u.login = ?", "demo-officer-a"), 8);
	/* Distinct units; the unlicensed-opening cases (FPL-58-4) on
	 * public gathering places as far as the town has them. */
	pg = count(st, "SELECT COUNT(*) FROM units WHERE status = 'active' "
	    "AND (categories & 4) <> 0 AND town_code = ?", "441900003");
	assert_int_equal(count(st, "SELECT COUNT(DISTINCT unit_id) FROM cases "
	    "WHERE town = ?", "441900003"), 8);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM cases c JOIN units u "
	    "ON u.id = c.unit_id JOIN case_violations v ON v.case_id = c.id "
	    "WHERE v.item = 'FPL-58-4' AND (u.categories & 4) <> 0 AND "
	    "c.town = ?", "441900003"), pg < 2 ? pg : 2);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM case_payments WHERE "
	    "status = ?", "open"), 2);

	/* The accounts: demo display names, certificates, no default
	 * password — a random one-time one that works and must change. */
	assert_int_equal(count(st, "SELECT COUNT(*) FROM users WHERE "
	    "display_name LIKE '示例%' AND must_change = 1 AND login LIKE ?",
	    "demo-%"), 3);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM officer_certs c JOIN "
	    "users u ON u.id = c.user_id WHERE c.status = 'active' AND "
	    "u.jurisdiction = ?", "town:441900003"), 2);
	assert_string_equal(s.acct[0].login, "demo-officer-a");
	assert_string_equal(s.acct[2].login, "demo-legal");
	assert_string_not_equal(s.acct[0].password, s.acct[1].password);
	for (i = 0; i < 3; i++) {
		assert_int_equal(strlen(s.acct[i].password), 20);
		actor_public(&pub, "t-login", "10.0.0.1");
		memset(&ses, 0, sizeof(ses));
		assert_int_equal(account_login_run(st, &pub, s.acct[i].login,
		    s.acct[i].password, "", "10.0.0.1", "t", &ses, &e), 0);
		assert_int_equal(ses.must_change, 1);
		account_session_clear(&ses);
	}
	deep_verify(st);

	/* A second call adds nothing. */
	t0 = cases_text(st);
	audit0 = count(st, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "? = ''", "");
	users = count(st, "SELECT COUNT(*) FROM users WHERE ? = ''", "");
	assert_int_equal(seed(st, &s, &e), 0);
	assert_int_equal(s.cases, 0);
	assert_int_equal(s.naccts, 0);
	audit1 = count(st, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "? = ''", "");
	assert_int_equal(audit1, audit0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM users WHERE ? = ''",
	    ""), users);
	t1 = cases_text(st);
	assert_string_equal(t0, t1);
	free(t1);
	store_close(st);

	/* The same city gives the same cases. */
	st = city(300);
	assert_int_equal(seed(st, &s, &e), 0);
	t1 = cases_text(st);
	assert_string_equal(t0, t1);
	free(t0);
	free(t1);
	enforce_seed_clear(&s);
	store_close(st);
#undef N
}

static void
test_enforce_seed__other_town_or_nothing(void **state)
{
	struct store		*st;
	struct enforce_seed	 s;
	struct err		 e;
	char			*town = NULL;
	struct store_rows	*r = NULL;

	(void)state;
	/* No unit at all: no cases, no accounts. */
	st = city(0);
	assert_int_equal(seed(st, &s, &e), 0);
	assert_int_equal(s.cases, 0);
	assert_int_equal(s.naccts, 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM users WHERE login "
	    "LIKE ?", "demo-%"), 0);
	store_close(st);

	/* No active unit of 东城街道: the town of the first active unit. */
	st = city(300);
	fx_begin(st);
	assert_int_equal(fx_end(st, store_exec(st, "UPDATE units SET status = "
	    "'closed' WHERE town_code = ?", STORE_ARGS(SV_S("441900003")),
	    NULL, &e)), 0);
	assert_int_equal(store_query(st, "SELECT town_code FROM units WHERE "
	    "status = 'active' ORDER BY id", STORE_NOARGS, &r, &e), 0);
	assert_int_equal(store_next(r, &e), 1);
	town = xstrdup(store_text(r, 0));
	store_rows_free(r);
	assert_int_equal(seed(st, &s, &e), 0);
	assert_int_equal(s.cases, 8);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM cases WHERE town = ?",
	    town), 8);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM users WHERE "
	    "jurisdiction = 'town:' || ?", town), 2);
	enforce_seed_clear(&s);
	free(town);
	store_close(st);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enforce_seed__every_state_once),
		cmocka_unit_test(test_enforce_seed__other_town_or_nothing),
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, setup, NULL);
}

int
main(void)
{
	static const unsigned char	key[CRYPTO_SEAL_KEY_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	};
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	int		 rc;

	jx_init();
	pii_set_key(key);
	account_set_data_key(key);
	account_set_totp_enforced(0);
	rc = run("sqlite::memory:", "demo cases (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "demo cases (PostgreSQL)");
	else
		printf("demo cases (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	return rc;
}
