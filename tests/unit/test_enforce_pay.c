/*
 * Unit tests of payments of fines (src/domain/enforce_pay.c; ENF-030..
 * 039): the late fee of 行政处罚法 art. 72 at its edges, the platforms'
 * keys and the constant-time signature check, the strict callback body,
 * and, on SQLite and (with FIREWARDEN_TEST_PG) PostgreSQL, the notice,
 * the callback's results, its idempotence and the job enforce.payments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "domain/actor.h"
#include "domain/enforce.h"
#include "domain/enforce_pay.h"
#include "store/store.h"
#include "fx_store.h"

static const char	*fx_url;
static char		 rules_path[512];	/* data/enforce/rules.json */
static char		 key_dir[256];		/* a fresh <keys>/payment */
static unsigned char	 key_acme[ENFORCE_PAY_KEY_LEN];

/* ---- the late fee (ENF-033) ------------------------------------------- */

/* A late fee and the fee expected (ERR_INVALID for a bad date). */
struct late_case {
	int64_t		 fine;
	const char	*due;
	const char	*paid;
	int		 permille;
	int64_t		 want;
	const char	*what;
};

static void
late_cases(const struct late_case *c, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (enforce_late_fee(c[i].fine, c[i].due, c[i].paid,
		    c[i].permille) != c[i].want)
			fail_msg("%s: %lld, expected %lld", c[i].what,
			    (long long)enforce_late_fee(c[i].fine, c[i].due,
			    c[i].paid, c[i].permille), (long long)c[i].want);
}

static void
test_enforce_pay__enf033_late_fee_edges(void **state)
{
	/* 1 000 yuan = 100 000 fen; 3 % a day = 30 permille. */
	static const struct late_case	c[] = {
		{ 100000, "2026-03-10", "2026-03-01", 30, 0, "paid early" },
		{ 100000, "2026-03-10", "2026-03-10", 30, 0, "on the due day" },
		{ 100000, "2026-03-10", "2026-03-11", 30, 3000, "1 day: 3 %" },
		{ 100000, "2026-03-10", "2026-04-12", 30, 99000, "33 days" },
		{ 100000, "2026-03-10", "2026-04-13", 30, 100000,
		    "34 days: capped at the fine" },
		{ 100000, "2026-03-10", "2027-03-10", 30, 100000, "a year" },
		{ 100000, "2026-03-10", "2099-12-31", 30, 100000, "decades" },
	};

	(void)state;
	late_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
test_enforce_pay__enf033_floor_and_calendar(void **state)
{
	static const struct late_case	c[] = {
		{ 333, "2026-01-01", "2026-01-02", 30, 9,
		    "3.33 yuan one day late: 9.99 fen rounded down" },
		{ 1, "2026-01-01", "2026-01-20", 30, 0, "1 fen, 19 days" },
		{ 1, "2026-01-01", "2026-02-20", 30, 1, "1 fen, capped" },
		{ 100000, "2028-02-28", "2028-03-01", 30, 6000, "leap day" },
		{ 100000, "2027-02-28", "2027-03-01", 30, 3000, "no leap day" },
		{ 100000, "2026-12-31", "2027-01-01", 30, 3000, "year end" },
		{ 100000, "2026-01-01", "2026-01-03", 5, 1000, "another rate" },
		{ 0, "2026-01-01", "2026-01-03", 30, 0, "no fine" },
		/* Bad dates are an error, never a guess. */
		{ 100, "2026-02-30", "2026-03-01", 30, ERR_INVALID, "02-30" },
		{ 100, "2026-01-01", "2026-1-2", 30, ERR_INVALID, "short" },
		{ 100, NULL, "2026-01-02", 30, ERR_INVALID, "no due" },
		{ 100, "2026-01-01", "2026-01-02x", 30, ERR_INVALID, "long" },
	};

	(void)state;
	late_cases(c, sizeof(c) / sizeof(c[0]));
}

static void
test_enforce_pay__enf033_late_json(void **state)
{
	struct err	 e;
	json_t		*j = NULL;

	(void)state;
	assert_int_equal(enforce_pay_late_json(20000, "2026-03-10",
	    "2026-03-12", 30, &j, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "days_late")), 2);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "late_fee_fen")), 1200);
	assert_int_equal(json_integer_value(json_object_get(j, "total_fen")),
	    21200);
	assert_false(json_is_true(json_object_get(j, "capped")));
	json_decref(j);
	assert_int_equal(enforce_pay_late_json(20000, "2026-03-10",
	    "2026-05-12", 30, &j, &e), 0);
	assert_true(json_is_true(json_object_get(j, "capped")));
	json_decref(j);
	assert_int_equal(enforce_pay_late_json(20000, "2026-13-10",
	    "2026-05-12", 30, &j, &e), ERR_INVALID);
	assert_string_equal(e.field, "due");
	assert_int_equal(enforce_pay_late_json(20000, "2026-03-10", "x", 30, &j,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "paid");
	assert_int_equal(enforce_pay_late_json(-1, "2026-03-10", "2026-03-10",
	    30, &j, &e), ERR_RANGE);
	assert_string_equal(e.field, "fine");
}

/* ---- keys and signatures (ENF-031) ------------------------------------ */

static void
key_dir_fresh(void)
{
	char	cmd[300];

	snprintf(key_dir, sizeof(key_dir), "/tmp/fw-paykeys-%ld/payment",
	    (long)getpid());
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/fw-paykeys-%ld",
	    (long)getpid());
	assert_int_equal(system(cmd), 0);
}

/* A key for acme in a fresh directory, loaded. */
static void
keys_acme(void)
{
	struct err	e;
	unsigned char	raw[ENFORCE_PAY_KEY_LEN];
	char		hex[ENFORCE_PAY_SIG_HEX + 1];
	int		created = 0;

	key_dir_fresh();
	assert_int_equal(enforce_pay_key_file(key_dir, "acme", hex, &created,
	    &e), 0);
	assert_int_equal(created, 1);
	assert_int_equal(str_unhex(hex, raw, sizeof(raw)), 0);
	assert_int_equal(enforce_pay_keys_load(key_dir, &e), 0);
}

static void
test_enforce_pay__enf031_key_file(void **state)
{
	struct stat	sb;
	struct err	e;
	char		hex[ENFORCE_PAY_SIG_HEX + 1], again[ENFORCE_PAY_SIG_HEX + 1];
	char		path[320];
	int		created = 0;

	(void)state;
	keys_acme();
	snprintf(path, sizeof(path), "%s/acme.key", key_dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* Asked again: the same key, not a new one. */
	assert_int_equal(enforce_pay_key_file(key_dir, "acme", hex, &created,
	    &e), 0);
	assert_int_equal(created, 0);
	assert_int_equal(enforce_pay_key_file(key_dir, "acme", again, NULL,
	    &e), 0);
	assert_string_equal(hex, again);
	/* Bad names are refused before any file is touched. */
	assert_int_equal(enforce_pay_key_file(key_dir, "Acme", hex, NULL, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "platform");
	assert_int_equal(enforce_pay_key_file(key_dir, "../x", hex, NULL, &e),
	    ERR_INVALID);
	assert_int_equal(enforce_pay_key_file(key_dir,
	    "a23456789012345678901234567890123", hex, NULL, &e), ERR_INVALID);
	assert_true(enforce_pay_platform_ok("a2345678901234567890123456789012"));
	assert_true(enforce_pay_platform_ok("union-pay_2"));
	assert_false(enforce_pay_platform_ok(""));
	assert_false(enforce_pay_platform_ok("a b"));
	assert_false(enforce_pay_platform_ok(NULL));
}

static void
test_enforce_pay__enf031_keys_load_refuses_bad_files(void **state)
{
	struct err	 e;
	char		 path[320];
	FILE		*f;

	(void)state;
	keys_acme();
	/* A key readable by others. */
	snprintf(path, sizeof(path), "%s/acme.key", key_dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(enforce_pay_keys_load(key_dir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	/* A damaged key. */
	snprintf(path, sizeof(path), "%s/bank.key", key_dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("abcd\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(enforce_pay_keys_load(key_dir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "64 hex"));
	unlink(path);
	/* A file whose name is no platform name. */
	snprintf(path, sizeof(path), "%s/Bank.key", key_dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(enforce_pay_keys_load(key_dir, &e), ERR_INVALID);
	unlink(path);
	/* Other files are not keys; a missing directory means none. */
	snprintf(path, sizeof(path), "%s/README", key_dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(enforce_pay_keys_load(key_dir, &e), 0);
	assert_int_equal(enforce_pay_keys_load("/nonexistent/payment", &e), 0);
}

/* The signature of body under acme's key (read back from its file). */
static void
sign(const char *body, char sig[ENFORCE_PAY_SIG_HEX + 1])
{
	enforce_pay_sign(key_acme, sizeof(key_acme), body, strlen(body), sig);
}

static void
acme_key_read(void)
{
	struct err	e;
	char		hex[ENFORCE_PAY_SIG_HEX + 1];

	assert_int_equal(enforce_pay_key_file(key_dir, "acme", hex, NULL, &e),
	    0);
	assert_int_equal(str_unhex(hex, key_acme, sizeof(key_acme)), 0);
}

static void
test_enforce_pay__enf031_signature(void **state)
{
	const char	*body = "{\"txn_id\":\"t1\",\"code\":\"c\","
	    "\"amount_fen\":1,\"paid_at\":1700000000}";
	struct err	 e;
	char		 sig[ENFORCE_PAY_SIG_HEX + 1], up[ENFORCE_PAY_SIG_HEX + 1];
	size_t		 i;

	(void)state;
	keys_acme();
	acme_key_read();
	sign(body, sig);
	assert_int_equal(enforce_pay_verify("acme", sig, body, strlen(body),
	    &e), 0);
	/* Upper-case hex is the same signature. */
	for (i = 0; i <= ENFORCE_PAY_SIG_HEX; i++)
		up[i] = (char)(sig[i] >= 'a' && sig[i] <= 'f' ? sig[i] - 32 :
		    sig[i]);
	assert_int_equal(enforce_pay_verify("acme", up, body, strlen(body),
	    &e), 0);
	/* One byte of the body more, or one digit of the signature wrong. */
	assert_int_equal(enforce_pay_verify("acme", sig, body, strlen(body) - 1,
	    &e), ERR_UNAUTHENTICATED);
	assert_string_equal(e.field, "signature");
	sig[10] = sig[10] == '0' ? '1' : '0';
	assert_int_equal(enforce_pay_verify("acme", sig, body, strlen(body),
	    &e), ERR_UNAUTHENTICATED);
	sign(body, sig);
	/* Unknown or missing platform, missing or malformed signature. */
	assert_int_equal(enforce_pay_verify("bank", sig, body, strlen(body),
	    &e), ERR_UNAUTHENTICATED);
	assert_string_equal(e.field, "signature");
	assert_int_equal(enforce_pay_verify(NULL, sig, body, strlen(body), &e),
	    ERR_UNAUTHENTICATED);
	assert_int_equal(enforce_pay_verify("acme", NULL, body, strlen(body),
	    &e), ERR_UNAUTHENTICATED);
	sig[63] = '\0';
	assert_int_equal(enforce_pay_verify("acme", sig, body, strlen(body),
	    &e), ERR_UNAUTHENTICATED);
	sign(body, sig);
	sig[0] = 'g';
	assert_int_equal(enforce_pay_verify("acme", sig, body, strlen(body),
	    &e), ERR_UNAUTHENTICATED);
	/* With no directory, no platform at all. */
	assert_int_equal(enforce_pay_keys_load("/nonexistent/payment", &e), 0);
	sign(body, sig);
	assert_int_equal(enforce_pay_verify("acme", sig, body, strlen(body),
	    &e), ERR_UNAUTHENTICATED);
}

/* ---- the body (ENF-032) ----------------------------------------------- */

static int
parse(const char *body, struct enforce_pay_cb *cb, struct err *e)
{
	return enforce_pay_parse(body, strlen(body), cb, e);
}

static void
bad(const char *body, int code, const char *field)
{
	struct enforce_pay_cb	cb;
	struct err		e;

	err_clear(&e);
	assert_int_equal(parse(body, &cb, &e), code);
	if (field != NULL)
		assert_string_equal(e.field, field);
}

static void
test_enforce_pay__enf032_body(void **state)
{
	struct enforce_pay_cb	 cb;
	struct err		 e;
	char			 body[300];

	(void)state;
	assert_int_equal(parse("{\"txn_id\":\"UP-2026:0001.a_b\",\"code\":"
	    "\"4419202600000001\",\"amount_fen\":20000,\"paid_at\":1767225600}",
	    &cb, &e), 0);
	assert_string_equal(cb.txn_id, "UP-2026:0001.a_b");
	assert_string_equal(cb.code, "4419202600000001");
	assert_int_equal(cb.amount_fen, 20000);
	assert_int_equal(cb.paid_at, 1767225600);
	/* Each field missing, of another type, or out of its limits. */
	bad("{\"code\":\"c\",\"amount_fen\":1,\"paid_at\":1767225600}",
	    ERR_MISSING, "txn_id");
	bad("{\"txn_id\":\"t\",\"amount_fen\":1,\"paid_at\":1767225600}",
	    ERR_MISSING, "code");
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"paid_at\":1767225600}",
	    ERR_MISSING, "amount_fen");
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"amount_fen\":1}",
	    ERR_MISSING, "paid_at");
	bad("{\"txn_id\":1,\"code\":\"c\",\"amount_fen\":1,\"paid_at\":"
	    "1767225600}", ERR_TYPE, "txn_id");
	bad("{\"txn_id\":\"t 1\",\"code\":\"c\",\"amount_fen\":1,\"paid_at\":"
	    "1767225600}", ERR_INVALID, "txn_id");
	bad("{\"txn_id\":\"\",\"code\":\"c\",\"amount_fen\":1,\"paid_at\":"
	    "1767225600}", ERR_INVALID, "txn_id");
	bad("{\"txn_id\":\"t\",\"code\":\"c/1\",\"amount_fen\":1,\"paid_at\":"
	    "1767225600}", ERR_INVALID, "code");
	bad("{\"txn_id\":\"t\",\"code\":\"123456789012345678901234567890123\","
	    "\"amount_fen\":1,\"paid_at\":1767225600}", ERR_INVALID, "code");
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"amount_fen\":\"1\",\"paid_at\":"
	    "1767225600}", ERR_TYPE, "amount_fen");
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"amount_fen\":1.0,\"paid_at\":"
	    "1767225600}", ERR_TYPE, "amount_fen");
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"amount_fen\":0,\"paid_at\":"
	    "1767225600}", ERR_RANGE, "amount_fen");
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"amount_fen\":-5,\"paid_at\":"
	    "1767225600}", ERR_RANGE, "amount_fen");
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"amount_fen\":1,\"paid_at\":"
	    "1500000000}", ERR_RANGE, "paid_at");
	snprintf(body, sizeof(body), "{\"txn_id\":\"t\",\"code\":\"c\","
	    "\"amount_fen\":1,\"paid_at\":%lld}", (long long)clock_now() + 3600);
	bad(body, ERR_RANGE, "paid_at");
	/* Unknown and duplicate keys, not an object, not JSON, empty. */
	bad("{\"txn_id\":\"t\",\"code\":\"c\",\"amount_fen\":1,\"paid_at\":"
	    "1767225600,\"payer\":\"x\"}", ERR_UNKNOWN_FIELD, "payer");
	bad("{\"txn_id\":\"t\",\"txn_id\":\"u\",\"code\":\"c\",\"amount_fen\":1,"
	    "\"paid_at\":1767225600}", ERR_DUP_KEY, NULL);
	bad("[1]", ERR_BAD_JSON, NULL);
	bad("{\"txn_id\":", ERR_BAD_JSON, NULL);
	bad("", ERR_RANGE, "body");
}

/* ---- on a database ---------------------------------------------------- */

struct fx {
	struct store	*st;
	struct actor	 sys;
	struct actor	 pub;
	int64_t		 case_id;
	char		 code[ENFORCE_PAY_CODE_MAX + 1];
};

/* A decided case of 200 yuan whose payment is due on due. */
static void
fx_case(struct fx *f, const char *due)
{
	struct err	 e;
	json_t		*p = NULL;

	f->case_id = id_next();
	fx_begin(f->st);
	assert_int_equal(store_exec(f->st, "INSERT INTO cases (id, no, "
	    "procedure, source, party_type, party_name, town, facts, found_on, "
	    "filed_on, status, decision_due, outcome, decision_no, decided_on, "
	    "fine_fen, served_on, pay_status, payment_due, created_at, "
	    "updated_at, created_by) VALUES (?, ?, 'simple', 'on_spot', "
	    "'individual', '张三', '441900003', '堵塞疏散通道', '2026-01-05', "
	    "'2026-01-05', 'served', '2026-04-05', 'fine', ?, '2026-01-05', "
	    "20000, '2026-01-05', 'due', ?, 1, 1, 'test')",
	    STORE_ARGS(SV_I(f->case_id), SV_S("东消立字〔2026〕第1号"),
	    SV_S("东消当罚字〔2026〕第1号"), SV_S(due)), NULL, &e), 0);
	assert_int_equal(fx_end(f->st, enforce_pay_open(f->st, f->case_id,
	    20000, due, &p, &e)), 0);
	assert_string_equal(json_string_value(json_object_get(p, "status")),
	    "open");
	assert_int_equal(json_integer_value(json_object_get(p, "amount_fen")),
	    20000);
	snprintf(f->code, sizeof(f->code), "%s",
	    json_string_value(json_object_get(p, "code")));
	json_decref(p);
}

static int
db_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;

	f->st = fx_store_fresh(fx_url);
	actor_system(&f->sys, "t-sys");
	actor_public(&f->pub, "t-pub", "127.0.0.1");
	if (enforce_rules_load(rules_path, &e) < 0)
		fail_msg("rules: %s", e.msg);
	keys_acme();
	acme_key_read();
	*state = f;
	return 0;
}

static int
db_teardown(void **state)
{
	struct fx	*f = *state;

	store_close(f->st);
	free(f);
	clock_set_offset(0);
	return 0;
}

/* Sign and send body as acme: the result, or the error. */
static int
send_cb(struct fx *f, const char *body, json_t **out, struct err *e)
{
	char	sig[ENFORCE_PAY_SIG_HEX + 1];
	int	rc;

	sign(body, sig);
	*out = NULL;
	fx_begin(f->st);
	f->pub.audit_count = 0;
	rc = enforce_pay_callback(f->st, &f->pub, "acme", sig, body,
	    strlen(body), out, e);
	fx_end(f->st, rc);
	if (rc == 0)
		assert_true(f->pub.audit_count > 0);
	return rc;
}

static char *
cb_body(const char *txn, const char *code, int64_t fen, int64_t at)
{
	return xasprintf("{\"txn_id\":\"%s\",\"code\":\"%s\",\"amount_fen\":"
	    "%lld,\"paid_at\":%lld}", txn, code, (long long)fen, (long long)at);
}

static char *
q_text(struct store *st, const char *sql, int64_t id)
{
	struct err	 e;
	char		*s = NULL;

	assert_int_equal(store_query_text(st, sql, STORE_ARGS(SV_I(id)), &s,
	    &e), 0);
	return s;
}

static const char *
js(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void
test_enforce_pay__enf030_open_once(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p = NULL;

	fx_case(f, "2026-01-20");
	assert_int_equal(strlen(f->code), 16);
	assert_int_equal(strncmp(f->code, "4419", 4), 0);
	/* A second open notice of the same case is refused. */
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, enforce_pay_open(f->st, f->case_id,
	    20000, "2026-01-20", &p, &e)), ERR_POLICY);
	assert_string_equal(e.field, "payments");
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, enforce_pay_open(f->st, f->case_id, 0,
	    "2026-01-20", &p, &e)), ERR_RANGE);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, enforce_pay_open(f->st, f->case_id, 100,
	    "2026-01-32", &p, &e)), ERR_INVALID);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM case_payments"),
	    1);
}

static void
test_enforce_pay__enf035_accepted_and_replayed(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a = NULL, *b = NULL, *items = NULL;
	char		*body, *s, *ca, *cbs;
	int64_t		 audits;

	fx_case(f, "2026-01-20");
	/* Paid on the last day (12:00 in Shanghai): no late fee. */
	body = cb_body("T-1", f->code, 20000, 1768881600);
	assert_int_equal(send_cb(f, body, &a, &e), 0);
	assert_string_equal(js(a, "result"), "accepted");
	assert_int_equal(strlen(js(a, "body_sm3")), 64);
	s = q_text(f->st, "SELECT pay_status FROM cases WHERE id = ?",
	    f->case_id);
	assert_string_equal(s, "paid");
	free(s);
	s = q_text(f->st, "SELECT paid_on FROM cases WHERE id = ?", f->case_id);
	assert_string_equal(s, "2026-01-20");
	free(s);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM case_steps "
	    "WHERE action = 'paid'"), 1);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM audit_entries "
	    "WHERE action = 'case.paid'"), 1);
	/* The same callback again: the same answer, nothing changed. */
	audits = fx_count(f->st, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "state IS NOT NULL");
	assert_int_equal(send_cb(f, body, &b, &e), 0);
	ca = jx_canonical(a);
	cbs = jx_canonical(b);
	assert_string_equal(ca, cbs);
	free(ca);
	free(cbs);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM "
	    "payment_callbacks"), 1);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM audit_entries "
	    "WHERE state IS NOT NULL"), audits);
	json_decref(b);
	free(body);
	/* The same txn_id with another amount: a conflict, nothing stored. */
	body = cb_body("T-1", f->code, 20001, 1768881600);
	assert_int_equal(send_cb(f, body, &b, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "txn_id");
	free(body);
	/* Another transaction for a paid code: already_paid, recorded. */
	body = cb_body("T-2", f->code, 20000, 1768881600);
	assert_int_equal(send_cb(f, body, &b, &e), 0);
	assert_string_equal(js(b, "result"), "already_paid");
	json_decref(b);
	free(body);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM "
	    "payment_callbacks"), 2);
	/* The case's payments list both callbacks. */
	assert_int_equal(enforce_pay_case(f->st, &f->sys, f->case_id, &items,
	    &e), 0);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(js(json_array_get(items, 0), "status"), "paid");
	assert_int_equal(json_array_size(json_object_get(json_array_get(items,
	    0), "callbacks")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    items, 0), "due_today_fen")), 0);
	json_decref(items);
	json_decref(a);
}

static void
test_enforce_pay__enf034_mismatch_and_unknown(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a = NULL;
	char		*body, *s;

	fx_case(f, "2026-01-20");
	/* One day late (2026-01-21 in Shanghai) without the 3 % fee. */
	body = cb_body("T-9", f->code, 20000, 1768968000);
	assert_int_equal(send_cb(f, body, &a, &e), 0);
	assert_string_equal(js(a, "result"), "mismatch");
	assert_non_null(strstr(js(a, "note"), "due 20600 fen"));
	json_decref(a);
	free(body);
	s = q_text(f->st, "SELECT pay_status FROM cases WHERE id = ?",
	    f->case_id);
	assert_string_equal(s, "mismatch");
	free(s);
	s = q_text(f->st, "SELECT status FROM case_payments WHERE case_id = ?",
	    f->case_id);
	assert_string_equal(s, "open");
	free(s);
	/* With the fee: accepted, the fee recorded. */
	body = cb_body("T-10", f->code, 20600, 1768968000);
	assert_int_equal(send_cb(f, body, &a, &e), 0);
	assert_string_equal(js(a, "result"), "accepted");
	json_decref(a);
	free(body);
	s = q_text(f->st, "SELECT late_fee_fen FROM cases WHERE id = ?",
	    f->case_id);
	assert_string_equal(s, "600");
	free(s);
	/* A code nobody issued. */
	body = cb_body("T-11", "4419209999999999", 100, 1768968000);
	assert_int_equal(send_cb(f, body, &a, &e), 0);
	assert_string_equal(js(a, "result"), "unknown_code");
	json_decref(a);
	free(body);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM "
	    "payment_callbacks"), 3);
}

static void
test_enforce_pay__enf031_bad_signature_records_nothing(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a = NULL;
	char		*body, sig[ENFORCE_PAY_SIG_HEX + 1];
	int64_t		 n0;
	int		 rc;

	fx_case(f, "2026-01-20");
	n0 = fx_count(f->st, "SELECT COUNT(*) FROM audit_entries");
	body = cb_body("T-1", f->code, 20000, 1768881600);
	sign(body, sig);
	sig[0] = sig[0] == 'a' ? 'b' : 'a';
	fx_begin(f->st);
	rc = enforce_pay_callback(f->st, &f->pub, "acme", sig, body,
	    strlen(body), &a, &e);
	fx_end(f->st, rc);
	assert_int_equal(rc, ERR_UNAUTHENTICATED);
	assert_string_equal(e.field, "signature");
	/* A signed but malformed body: 400, nothing either. */
	free(body);
	body = xasprintf("{\"txn_id\":\"T-1\",\"code\":\"%s\",\"amount_fen\":"
	    "\"20000\",\"paid_at\":1768881600}", f->code);
	assert_int_equal(send_cb(f, body, &a, &e), ERR_TYPE);
	assert_string_equal(e.field, "amount_fen");
	free(body);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM "
	    "payment_callbacks"), 0);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM audit_entries"),
	    n0);
}

/* Make clock_now() answer t. */
static void
at(int64_t t)
{
	clock_set_offset(0);
	clock_set_offset(t - clock_now());
}

static void
test_enforce_pay__enf038_job_overdue_and_fee(void **state)
{
	struct fx	*f = *state;
	struct buf	 d;
	struct err	 e;
	json_t		*pub = NULL;
	char		*s;
	int64_t		 steps;

	fx_case(f, "2026-01-20");
	buf_init(&d);
	/* On the due day nothing is late. */
	at(1768881600);
	assert_int_equal(enforce_job_payments(f->st, &f->sys, &d, &e), 0);
	s = q_text(f->st, "SELECT pay_status FROM cases WHERE id = ?",
	    f->case_id);
	assert_string_equal(s, "due");
	free(s);
	/* Three days later: overdue, 9 % accrued, one timeline step. */
	at(1768881600 + 3 * 86400);
	buf_reset(&d);
	assert_int_equal(enforce_job_payments(f->st, &f->sys, &d, &e), 0);
	assert_non_null(strstr(d.data, "1 case(s) overdue"));
	s = q_text(f->st, "SELECT pay_status FROM cases WHERE id = ?",
	    f->case_id);
	assert_string_equal(s, "overdue");
	free(s);
	s = q_text(f->st, "SELECT late_fee_fen FROM case_payments WHERE "
	    "case_id = ?", f->case_id);
	assert_string_equal(s, "1800");
	free(s);
	steps = fx_count(f->st, "SELECT COUNT(*) FROM case_steps WHERE action "
	    "= 'pay_overdue'");
	assert_int_equal(steps, 1);
	/* Run again the same day: nothing changes. */
	buf_reset(&d);
	assert_int_equal(enforce_job_payments(f->st, &f->sys, &d, &e), 0);
	assert_non_null(strstr(d.data, "0 case(s) overdue, 0 late fee(s)"));
	/* The public look-up shows the fee to date and no party. */
	assert_int_equal(enforce_pay_public(f->st, f->code, &pub, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(pub,
	    "late_fee_today_fen")), 1800);
	assert_int_equal(json_integer_value(json_object_get(pub,
	    "due_today_fen")), 21800);
	assert_string_equal(js(pub, "decision_no"), "东消当罚字〔2026〕第1号");
	s = jx_canonical(pub);
	assert_null(strstr(s, "张三"));
	assert_null(strstr(s, "party"));
	free(s);
	json_decref(pub);
	assert_int_equal(enforce_pay_public(f->st, "4419000000000000", &pub,
	    &e), ERR_NOT_FOUND);
	assert_int_equal(enforce_pay_public(f->st, "a b", &pub, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "code");
	/* 40 days late: capped at the fine. */
	at(1768881600 + 40 * 86400);
	buf_reset(&d);
	assert_int_equal(enforce_job_payments(f->st, &f->sys, &d, &e), 0);
	s = q_text(f->st, "SELECT late_fee_fen FROM case_payments WHERE "
	    "case_id = ?", f->case_id);
	assert_string_equal(s, "20000");
	free(s);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM case_steps "
	    "WHERE action = 'pay_overdue'"), 1);
	buf_free(&d);
}

/* data/enforce/rules.json of the source tree. */
static void
find_data(void)
{
	char	*p;

	snprintf(rules_path, sizeof(rules_path), "%s", __FILE__);
	if ((p = strstr(rules_path, "tests/unit/test_enforce_pay.c")) != NULL)
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

static int
run_db(const char *url, const char *name)
{
	const struct CMUnitTest	tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, db_setup, db_teardown)
		T(test_enforce_pay__enf030_open_once),
		T(test_enforce_pay__enf035_accepted_and_replayed),
		T(test_enforce_pay__enf034_mismatch_and_unknown),
		T(test_enforce_pay__enf031_bad_signature_records_nothing),
		T(test_enforce_pay__enf038_job_overdue_and_fee),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_enforce_pay__enf033_late_fee_edges),
		cmocka_unit_test(test_enforce_pay__enf033_floor_and_calendar),
		cmocka_unit_test(test_enforce_pay__enf033_late_json),
		cmocka_unit_test(test_enforce_pay__enf031_key_file),
		cmocka_unit_test(test_enforce_pay__enf031_keys_load_refuses_bad_files),
		cmocka_unit_test(test_enforce_pay__enf031_signature),
		cmocka_unit_test(test_enforce_pay__enf032_body),
	};
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	char		 cmd[300];
	int		 rc;

	jx_init();
	find_data();
	rc = cmocka_run_group_tests_name("enforce_pay", tests, NULL, NULL);
	rc |= run_db("sqlite::memory:", "enforce_pay (SQLite)");
	if (pg && *pg)
		rc |= run_db(pg, "enforce_pay (PostgreSQL)");
	else
		printf("enforce_pay (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	snprintf(cmd, sizeof(cmd), "rm -rf /tmp/fw-paykeys-%ld",
	    (long)getpid());
	if (system(cmd) != 0)
		rc |= 1;
	return rc;
}
