/*
 * Unit tests of the account module on SQLite and, when FIREWARDEN_TEST_PG
 * is set, PostgreSQL: the password policy (A-1), lockout and the per-IP
 * limit (A-3), sessions (A-4), bootstrap (A-5), TOTP (A-6), 三员分立
 * (A-7), jurisdiction scoping (Z-2), optimistic locking, and one audit
 * entry per change (L-1, L-4).  Expiry is tested by shifting the clock.
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
#include "domain/account.h"
#include "domain/audit.h"
#include "store/store.h"
#include "fx_store.h"

/* The shared helpers (fx_store.h) on a fixture. */
#define begin(f)	fx_begin((f)->st)
#define end(f, rc)	fx_end((f)->st, (rc))
#define count(f, sql)	fx_count((f)->st, (sql))

#define PW	"Fire#2026ok"		/* meets the business policy */
#define PW2	"Blaze*7781xy"
#define PWA	"Fire#2026okAdmin"	/* meets the administrator policy */
#define IP	"10.0.0.1"
#define TOWN_A	"town:441900001"
#define TOWN_B	"town:441900002"

struct fx {
	struct store	*st;
	struct actor	 sys;
};

static const char	*fx_url;

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));

	clock_set_offset(0);
	account_set_rotation_days(ACCOUNT_ROTATION_DAYS);
	f->st = fx_store_fresh(fx_url);
	actor_system(&f->sys, "t-sys");
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	clock_set_offset(0);
	account_set_rotation_days(ACCOUNT_ROTATION_DAYS);
	store_close(f->st);
	free(f);
	return 0;
}

/* Commit on success, roll back on failure; returns rc. */

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

static int64_t
add_user(struct fx *f, const char *login, const char *role, const char *jur,
    const char *pw)
{
	struct err	 e;
	int64_t		 id = 0;
	char		*gen = NULL;

	if (account_user_add(f->st, &f->sys, login, role, jur, pw, 0, &id, &gen,
	    &e) < 0)
		fail_msg("add %s: %s (%s)", login, e.msg, e.field);
	free(gen);
	return id;
}

/* Log in as the HTTP router would: failures that audited are committed. */
static int
do_login(struct fx *f, const char *login, const char *pw, const char *otp,
    const char *ip, struct account_session *s, struct err *e)
{
	struct actor	pub;
	int		rc;

	actor_public(&pub, "t-login", ip);
	begin(f);
	rc = account_login(f->st, &pub, login, pw, otp, ip, "cmocka/1.1", s, e);
	if (rc == 0 || pub.audit_count > 0)
		assert_int_equal(store_commit(f->st, NULL), 0);
	else
		store_rollback(f->st);
	return rc;
}

static int
check(struct fx *f, const char *token, struct actor *a, struct err *e)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->request_id, sizeof(a->request_id), "t-req");
	snprintf(a->ip, sizeof(a->ip), IP);
	return account_session_check(f->st, token, IP, a, e);
}

/* Log in and authenticate the new session into a; token (may be NULL). */
static void
sign_in(struct fx *f, const char *login, const char *pw, struct actor *a,
    char token[ACCOUNT_TOKEN_HEX + 1])
{
	struct account_session	s;
	struct err		e;

	if (do_login(f, login, pw, NULL, IP, &s, &e) < 0)
		fail_msg("login %s: %s", login, e.msg);
	if (token != NULL)
		memcpy(token, s.token, ACCOUNT_TOKEN_HEX + 1);
	if (check(f, s.token, a, &e) < 0)
		fail_msg("check %s: %s", login, e.msg);
	account_session_clear(&s);
}

/* A user actor without a session, for domain calls that need no session. */
static void
user_actor(struct actor *a, int64_t id, const char *jur, const char *kind,
    const char *const *perms)
{
	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_USER;
	a->user_id = id;
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "%s", jur);
	snprintf(a->admin_kind, sizeof(a->admin_kind), "%s", kind);
	snprintf(a->request_id, sizeof(a->request_id), "t-user");
	snprintf(a->ip, sizeof(a->ip), IP);
	for (; perms && *perms; perms++)
		actor_add_perm(a, *perms);
}

static int
create(struct fx *f, struct actor *who, const char *login, const char *jur,
    const char *const *roles, int nroles, const char *pw,
    struct account_user **out, struct err *e)
{
	struct account_user_input	in;
	int				rc;

	memset(&in, 0, sizeof(in));
	in.login = login;
	in.display_name = login;
	in.jurisdiction = jur;
	in.has_roles = 1;
	in.roles = roles;
	in.nroles = nroles;
	begin(f);
	rc = account_user_create(f->st, who, &in, pw, out, e);
	return end(f, rc);
}

static int
policy(const char *login, const char *pw, int admin, struct err *e)
{
	err_clear(e);
	return account_password_check(login, pw, admin, e);
}

/* Load data/common-passwords.txt as seen from where tests run. */
static int
load_common(void)
{
	const char	*cands[] = { NULL, "../data/common-passwords.txt",
	    "data/common-passwords.txt" };
	char		 buf[512], *p;
	struct err	 e;
	size_t		 i;

	snprintf(buf, sizeof(buf), "%s", __FILE__);
	if ((p = strstr(buf, "tests/unit/test_account.c")) != NULL) {
		snprintf(p, sizeof(buf) - (size_t)(p - buf),
		    "data/common-passwords.txt");
		cands[0] = buf;
	}
	for (i = 0; i < 3; i++)
		if (cands[i] != NULL && account_set_common_passwords(cands[i],
		    &e) == 0)
			return 0;
	return -1;
}

/* A-1: at least 8 characters, 12 for administrators, at most 128. */
static void
test_account__a1_length(void **state)
{
	char		long_pw[200];
	struct err	e;

	(void)state;
	assert_int_equal(policy("zhang", "Xk9#mPq", 0, &e), ERR_POLICY);
	assert_string_equal(e.field, "password");
	assert_non_null(strstr(e.msg, "at least 8"));
	assert_int_equal(policy("zhang", "Xk9#mPq2", 0, &e), 0);
	assert_int_equal(policy("zhang", "Xk9#mPq2wvz", 1, &e), ERR_POLICY);
	assert_non_null(strstr(e.msg, "at least 12"));
	assert_int_equal(policy("zhang", "Xk9#mPq2wvzr", 1, &e), 0);
	/* Code points, not bytes: 4 Chinese characters are 4, not 12. */
	assert_int_equal(policy("zhang", "消防Ab1", 0, &e), ERR_POLICY);
	assert_int_equal(policy("zhang", "消防安全Ab12", 0, &e), 0);
	memset(long_pw, 'a', 129);
	memcpy(long_pw, "Xk9#", 4);
	long_pw[129] = '\0';
	assert_int_equal(policy("zhang", long_pw, 0, &e), ERR_POLICY);
	assert_non_null(strstr(e.msg, "at most 128"));
	long_pw[128] = '\0';
	assert_int_equal(policy("zhang", long_pw, 0, &e), 0);
}

/* A-1: three of four character classes. */
static void
test_account__a1_classes(void **state)
{
	struct err	e;

	(void)state;
	assert_int_equal(policy("zhang", "abcdefgh12", 0, &e), ERR_POLICY);
	assert_string_equal(e.field, "password");
	assert_non_null(strstr(e.msg, "3 of"));
	assert_int_equal(policy("zhang", "ABCDEFGH!!", 0, &e), ERR_POLICY);
	assert_int_equal(policy("zhang", "abcdefG12x", 0, &e), 0);
	assert_int_equal(policy("zhang", "abcdef#12x", 0, &e), 0);
	assert_int_equal(policy("zhang", "ABCDEF#12X", 0, &e), 0);
	/* A Chinese character counts as "other". */
	assert_int_equal(policy("zhang", "abcdef火12x", 0, &e), 0);
}

/* A-1: not the login, not the login reversed, ignoring case. */
static void
test_account__a1_not_login_or_reverse(void **state)
{
	struct err	e;

	(void)state;
	assert_int_equal(policy("zhang.san1", "Zhang.San1", 0, &e), ERR_POLICY);
	assert_non_null(strstr(e.msg, "login"));
	assert_int_equal(policy("zhang.san1", "1NAS.gnahz", 0, &e), ERR_POLICY);
	assert_int_equal(policy("zhang.san1", "Zhang.San12", 0, &e), 0);
}

/* A-1: the common-password list, and the built-in list as fallback. */
static void
test_account__a1_common_passwords(void **state)
{
	struct err	e;

	(void)state;
	assert_int_equal(load_common(), 0);
	assert_int_equal(policy("zhang", "Aa123456", 0, &e), ERR_POLICY);
	assert_string_equal(e.field, "password");
	assert_non_null(strstr(e.msg, "common"));
	assert_int_equal(policy("zhang", "Woaini1314", 0, &e), ERR_POLICY);
	assert_int_equal(policy("zhang", "QQ123456x", 0, &e), 0);
	assert_int_equal(policy("zhang", "P@ssw0rd1234", 1, &e), ERR_POLICY);
	/* Only in the file, not in the built-in list. */
	assert_int_equal(policy("zhang", "Dongguan@123", 0, &e), ERR_POLICY);
	/* A missing file: ERR_IO, and the built-in list is in force. */
	assert_int_equal(account_set_common_passwords("/nonexistent/list",
	    &e), ERR_IO);
	assert_int_equal(policy("zhang", "Admin@123", 0, &e), ERR_POLICY);
	assert_int_equal(policy("zhang", "Dongguan@123", 0, &e), 0);
	assert_int_equal(load_common(), 0);
}

/* A-1: a new password differs from the last five. */
static void
test_account__a1_history_of_5(void **state)
{
	struct fx	*f = *state;
	static const char *const pws[] = { "Hist#0pass", "Hist#1pass",
	    "Hist#2pass", "Hist#3pass", "Hist#4pass", "Hist#5pass" };
	struct actor	 a;
	struct err	 e;
	int		 i, rc;

	add_user(f, "hist", "officer", TOWN_A, pws[0]);
	sign_in(f, "hist", pws[0], &a, NULL);
	/* The current password counts as one of the five. */
	begin(f);
	rc = account_password_change(f->st, &a, pws[0], pws[0], &e);
	assert_int_equal(end(f, rc), ERR_POLICY);
	assert_string_equal(e.field, "new_password");
	for (i = 1; i < 6; i++) {
		begin(f);
		rc = account_password_change(f->st, &a, pws[i - 1], pws[i], &e);
		if (end(f, rc) < 0)
			fail_msg("change %d: %s", i, e.msg);
	}
	/* Remembered: pws[1..5]; pws[0] has dropped out. */
	for (i = 1; i < 6; i++) {
		begin(f);
		rc = account_password_change(f->st, &a, pws[5], pws[i], &e);
		assert_int_equal(end(f, rc), ERR_POLICY);
		assert_non_null(strstr(e.msg, "last 5"));
	}
	begin(f);
	rc = account_password_change(f->st, &a, pws[5], pws[0], &e);
	assert_int_equal(end(f, rc), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM password_history"), 7);
}

/* A-1: rotation makes must_change effective at login; 0 switches it off. */
static void
test_account__a1_rotation(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct actor		 a;
	struct err		 e;

	add_user(f, "rot", "officer", TOWN_A, PW);
	clock_set_offset(89 * 86400);
	assert_int_equal(do_login(f, "rot", PW, NULL, IP, &s, &e), 0);
	assert_false(s.must_change);
	account_session_clear(&s);
	clock_set_offset(91 * 86400);
	assert_int_equal(do_login(f, "rot", PW, NULL, IP, &s, &e), 0);
	assert_true(s.must_change);
	assert_int_equal(check(f, s.token, &a, &e), 0);
	assert_true(a.must_change);
	account_session_clear(&s);
	account_set_rotation_days(0);
	assert_int_equal(do_login(f, "rot", PW, NULL, IP, &s, &e), 0);
	assert_false(s.must_change);
	account_session_clear(&s);
}

/* The policy applies on create, reset and change, naming the field. */
static void
test_account__a1_applied_everywhere(void **state)
{
	struct fx		*f = *state;
	static const char *const officer[] = { "officer" };
	static const char *const sysadmin[] = { "sysadmin" };
	struct account_user	*u = NULL;
	struct actor		 a;
	struct err		 e;
	int64_t			 id;
	int			 rc;

	assert_int_equal(create(f, &f->sys, "weak", TOWN_A, officer, 1,
	    "short1A", &u, &e), ERR_POLICY);
	assert_string_equal(e.field, "password");
	/* Administrators need 12. */
	assert_int_equal(create(f, &f->sys, "sys2", "city", sysadmin, 1, PW,
	    &u, &e), ERR_POLICY);
	assert_non_null(strstr(e.msg, "12"));
	id = add_user(f, "pol", "officer", TOWN_A, PW);
	begin(f);
	rc = account_user_reset_password(f->st, &f->sys, id, "pol", 0, &u, &e);
	assert_int_equal(end(f, rc), ERR_POLICY);
	assert_string_equal(e.field, "password");
	sign_in(f, "pol", PW, &a, NULL);
	begin(f);
	rc = account_password_change(f->st, &a, PW, "abcdefgh", &e);
	assert_int_equal(end(f, rc), ERR_POLICY);
	assert_string_equal(e.field, "new_password");
	begin(f);
	rc = account_password_change(f->st, &a, "wrong", PW2, &e);
	assert_int_equal(end(f, rc), ERR_POLICY);
	assert_string_equal(e.field, "old_password");
}

/* A-2: stored hashes are scrypt strings with parameters; never in views. */
static void
test_account__a2_hash_stored_not_shown(void **state)
{
	struct fx		*f = *state;
	struct account_user	*u = NULL;
	struct err		 e;
	json_t			*j;
	char			*hash = NULL, *text;
	int64_t			 id;

	id = add_user(f, "hashy", "officer", TOWN_A, PW);
	assert_int_equal(store_query_text(f->st, "SELECT password_hash FROM "
	    "users WHERE login = 'hashy'", STORE_NOARGS, &hash, &e), 0);
	assert_memory_equal(hash, "$scrypt$ln=", 11);
	assert_int_equal(account_user_get(f->st, &f->sys, id, &u, &e), 0);
	j = account_user_json(u);
	text = jx_dump(j);
	assert_null(strstr(text, "$scrypt$"));
	assert_null(strstr(text, "password_hash"));
	assert_null(strstr(text, "credential"));
	assert_null(strstr(text, "totp_secret"));
	free(text);
	json_decref(j);
	account_user_free(u);
	free(hash);
}

/* A-3: five consecutive failures lock for 30 minutes. */
static void
test_account__a3_lockout_after_5_unlock_after_30_min(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct err		 e;
	int			 i;

	add_user(f, "lock", "officer", TOWN_A, PW);
	for (i = 0; i < 4; i++)
		assert_int_equal(do_login(f, "lock", "Wrong#pass1", NULL, IP,
		    &s, &e), ERR_BAD_LOGIN);
	assert_last_action(f, "auth.login_failed");
	assert_int_equal(do_login(f, "lock", "Wrong#pass1", NULL, IP, &s, &e),
	    ERR_LOCKED);
	assert_int_equal(s.retry_after, ACCOUNT_LOCK_SECS);
	assert_last_action(f, "auth.locked");
	clock_set_offset(ACCOUNT_LOCK_SECS - 5);
	assert_int_equal(do_login(f, "lock", PW, NULL, IP, &s, &e), ERR_LOCKED);
	assert_true(s.retry_after > 0 && s.retry_after <= 5);
	clock_set_offset(ACCOUNT_LOCK_SECS + 1);
	assert_int_equal(do_login(f, "lock", PW, NULL, IP, &s, &e), 0);
	assert_last_action(f, "auth.login");
	account_session_clear(&s);
	/* A success resets the count: four more failures do not lock. */
	for (i = 0; i < 4; i++)
		assert_int_equal(do_login(f, "lock", "Wrong#pass1", NULL,
		    "10.9.9.9", &s, &e), ERR_BAD_LOGIN);
	assert_int_equal(do_login(f, "lock", PW, NULL, IP, &s, &e), 0);
	account_session_clear(&s);
}

/* A-3: while locked, even the right password is refused. */
static void
test_account__a3_locked_refuses_right_password(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct err		 e;
	int			 i;

	add_user(f, "lock2", "officer", TOWN_A, PW);
	for (i = 0; i < 5; i++)
		do_login(f, "lock2", "Wrong#pass1", NULL, IP, &s, &e);
	assert_int_equal(do_login(f, "lock2", PW, NULL, IP, &s, &e),
	    ERR_LOCKED);
	assert_int_equal(e.code, ERR_LOCKED);
	assert_int_equal(s.token[0], '\0');
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions"), 0);
}

/* A-3: more than 20 failures from one IP in 15 minutes: 429. */
static void
test_account__a3_ip_rate_limit(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct err		 e;
	char			 login[32];
	int			 i;

	add_user(f, "victim", "officer", TOWN_A, PW);
	for (i = 0; i < ACCOUNT_IP_MAX_FAILS; i++) {
		snprintf(login, sizeof(login), "nobody%d", i);
		assert_int_equal(do_login(f, login, PW, NULL, "192.0.2.7", &s,
		    &e), ERR_BAD_LOGIN);
	}
	assert_int_equal(do_login(f, "victim", PW, NULL, "192.0.2.7", &s, &e),
	    ERR_RATE_LIMITED);
	assert_true(s.retry_after > 0 && s.retry_after <= ACCOUNT_IP_WINDOW);
	assert_last_action(f, "auth.login_failed");
	/* Refused attempts are recorded but do not extend the window. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM login_attempts "
	    "WHERE ok = 2"), 1);
	/* Another address is not affected. */
	assert_int_equal(do_login(f, "victim", PW, NULL, "192.0.2.8", &s, &e),
	    0);
	account_session_clear(&s);
	clock_set_offset(ACCOUNT_IP_WINDOW + 1);
	assert_int_equal(do_login(f, "victim", PW, NULL, "192.0.2.7", &s, &e),
	    0);
	account_session_clear(&s);
}

/* A-3: an unknown login and a wrong password look the same. */
static void
test_account__a3_unknown_login_same_as_wrong_password(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct err		 e1, e2;
	int64_t			 n0;

	add_user(f, "known", "officer", TOWN_A, PW);
	n0 = asize(f);
	assert_int_equal(do_login(f, "known", "Wrong#pass1", NULL, IP, &s, &e1),
	    ERR_BAD_LOGIN);
	assert_int_equal(do_login(f, "unknown", "Wrong#pass1", NULL, IP, &s,
	    &e2), ERR_BAD_LOGIN);
	assert_int_equal(e1.code, e2.code);
	assert_string_equal(e1.msg, e2.msg);
	assert_string_equal(e1.field, e2.field);
	/* Both recorded and audited. */
	assert_int_equal(asize(f), n0 + 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM login_attempts "
	    "WHERE ok = 0"), 2);
}

/* A-3, L-4: every attempt is recorded and audited once. */
static void
test_account__a3_every_attempt_audited(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct err		 e;
	int64_t			 n0;

	add_user(f, "aud", "officer", TOWN_A, PW);
	n0 = asize(f);
	assert_int_equal(do_login(f, "AUD", PW, NULL, IP, &s, &e), 0);
	account_session_clear(&s);
	assert_int_equal(asize(f), n0 + 1);
	assert_last_action(f, "auth.login");
	assert_int_equal(do_login(f, "aud", "Nope#12345", NULL, IP, &s, &e),
	    ERR_BAD_LOGIN);
	assert_int_equal(asize(f), n0 + 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM login_attempts"), 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM login_attempts "
	    "WHERE ok = 1"), 1);
}

/* A-4: a 256-bit token, stored only as its SM3; a separate CSRF token. */
static void
test_account__a4_token_stored_hashed(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct actor		 a;
	struct err		 e;
	char			 hex[2 * CRYPTO_SM3_LEN + 1], *stored = NULL;

	add_user(f, "tok", "officer", TOWN_A, PW);
	assert_int_equal(do_login(f, "tok", PW, NULL, IP, &s, &e), 0);
	assert_int_equal(strlen(s.token), ACCOUNT_TOKEN_HEX);
	assert_int_equal(strlen(s.csrf), ACCOUNT_TOKEN_HEX);
	assert_string_not_equal(s.token, s.csrf);
	assert_int_equal(store_query_text(f->st, "SELECT token_hash FROM "
	    "sessions", STORE_NOARGS, &stored, &e), 0);
	crypto_sm3_hex(s.token, strlen(s.token), hex);
	assert_string_equal(stored, hex);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions WHERE "
	    "token_hash = csrf"), 0);
	assert_int_equal(check(f, s.token, &a, &e), 0);
	assert_string_equal(a.csrf, s.csrf);
	assert_int_equal(a.kind, ACTOR_USER);
	assert_string_equal(a.login, "tok");
	assert_string_equal(a.jurisdiction, TOWN_A);
	assert_string_equal(a.request_id, "t-req");
	assert_true(actor_can(&a, "registry:write"));
	assert_false(actor_can(&a, "account:read"));
	/* A wrong or malformed token. */
	s.token[0] = s.token[0] == 'a' ? 'b' : 'a';
	assert_int_equal(check(f, s.token, &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(check(f, "short", &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(check(f, NULL, &a, &e), ERR_UNAUTHENTICATED);
	free(stored);
	account_session_clear(&s);
}

/* A-4: idle timeout 15 minutes for administrators, 30 for others. */
static void
test_account__a4_idle_timeout_admin_15_user_30(void **state)
{
	struct fx	*f = *state;
	struct actor	 a;
	struct err	 e;
	char		 ta[ACCOUNT_TOKEN_HEX + 1], tu[ACCOUNT_TOKEN_HEX + 1];
	char		*reason = NULL;

	add_user(f, "admin1", "sysadmin", "city", PWA);
	add_user(f, "user1", "officer", TOWN_A, PW);
	sign_in(f, "admin1", PWA, &a, ta);
	assert_string_equal(a.admin_kind, "sys");
	sign_in(f, "user1", PW, &a, tu);
	clock_set_offset(ACCOUNT_IDLE_ADMIN - 100);
	assert_int_equal(check(f, ta, &a, &e), 0);
	assert_int_equal(check(f, tu, &a, &e), 0);
	/* 1001 s idle: too long for an administrator, not for a user. */
	clock_set_offset(2 * ACCOUNT_IDLE_ADMIN + 1);
	assert_int_equal(check(f, ta, &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(check(f, tu, &a, &e), 0);
	clock_set_offset(2 * ACCOUNT_IDLE_ADMIN + 1 + ACCOUNT_IDLE_USER + 1);
	assert_int_equal(check(f, tu, &a, &e), ERR_UNAUTHENTICATED);
	/* Ended on the server, once, and audited. */
	assert_int_equal(store_query_text(f->st, "SELECT DISTINCT end_reason "
	    "FROM sessions", STORE_NOARGS, &reason, &e), 0);
	assert_string_equal(reason, "idle");
	free(reason);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'auth.session_expired'"), 2);
	assert_int_equal(check(f, tu, &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'auth.session_expired'"), 2);
}

/* A-4: 12 hours at most, however active. */
static void
test_account__a4_absolute_12h(void **state)
{
	struct fx	*f = *state;
	struct actor	 a;
	struct err	 e;
	char		 t[ACCOUNT_TOKEN_HEX + 1], *reason = NULL;
	int64_t		 off;

	add_user(f, "busy", "officer", TOWN_A, PW);
	sign_in(f, "busy", PW, &a, t);
	/* A minute short of the limit at the last check: the loop itself
	 * takes real seconds on a loaded machine (PostgreSQL). */
	for (off = 1200; off <= ACCOUNT_SESSION_MAX - 60; off += 1200) {
		clock_set_offset(off);
		if (check(f, t, &a, &e) < 0)
			fail_msg("expired early at %lld", (long long)off);
	}
	clock_set_offset(ACCOUNT_SESSION_MAX - 60);
	assert_int_equal(check(f, t, &a, &e), 0);
	clock_set_offset(ACCOUNT_SESSION_MAX + 60);
	assert_int_equal(check(f, t, &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(store_query_text(f->st, "SELECT end_reason FROM "
	    "sessions", STORE_NOARGS, &reason, &e), 0);
	assert_string_equal(reason, "expired");
	free(reason);
}

/* ACC-011: last_seen_at is written at most once a minute. */
static void
test_account__acc011_last_seen_once_a_minute(void **state)
{
	struct fx	*f = *state;
	struct actor	 a;
	struct err	 e;
	char		 t[ACCOUNT_TOKEN_HEX + 1];
	int64_t		 seen0, seen1;

	add_user(f, "seen", "officer", TOWN_A, PW);
	sign_in(f, "seen", PW, &a, t);
	seen0 = count(f, "SELECT last_seen_at FROM sessions");
	clock_set_offset(30);
	assert_int_equal(check(f, t, &a, &e), 0);
	assert_int_equal(count(f, "SELECT last_seen_at FROM sessions"), seen0);
	clock_set_offset(61);
	assert_int_equal(check(f, t, &a, &e), 0);
	seen1 = count(f, "SELECT last_seen_at FROM sessions");
	assert_true(seen1 >= seen0 + 61);
	/* Inside an open transaction it writes there. */
	clock_set_offset(200);
	begin(f);
	assert_int_equal(check(f, t, &a, &e), 0);
	assert_int_equal(end(f, 0), 0);
	assert_true(count(f, "SELECT last_seen_at FROM sessions") >=
	    seen0 + 200);
}

/* A-4: logout ends the session on the server. */
static void
test_account__a4_logout_ends_session(void **state)
{
	struct fx	*f = *state;
	struct actor	 a;
	struct err	 e;
	char		 t[ACCOUNT_TOKEN_HEX + 1], *reason = NULL;
	int64_t		 n0;
	int		 rc;

	add_user(f, "bye", "officer", TOWN_A, PW);
	sign_in(f, "bye", PW, &a, t);
	n0 = asize(f);
	begin(f);
	rc = account_logout(f->st, &a, &e);
	assert_int_equal(end(f, rc), 0);
	assert_int_equal(asize(f), n0 + 1);
	assert_last_action(f, "auth.logout");
	assert_int_equal(check(f, t, &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(store_query_text(f->st, "SELECT end_reason FROM "
	    "sessions", STORE_NOARGS, &reason, &e), 0);
	assert_string_equal(reason, "logout");
	free(reason);
}

/* A-4: users list and end their own sessions, not others'. */
static void
test_account__a4_list_and_end_own_sessions(void **state)
{
	struct fx	*f = *state;
	struct actor	 a, b, o;
	struct err	 e;
	json_t		*list = NULL, *it;
	char		 ta[ACCOUNT_TOKEN_HEX + 1], tb[ACCOUNT_TOKEN_HEX + 1];
	size_t		 i;
	int		 rc, current = 0;

	add_user(f, "multi", "officer", TOWN_A, PW);
	add_user(f, "other", "officer", TOWN_A, PW);
	sign_in(f, "multi", PW, &a, ta);
	sign_in(f, "multi", PW, &b, tb);
	sign_in(f, "other", PW, &o, NULL);
	assert_int_equal(account_sessions_list(f->st, &a, &list, &e), 0);
	assert_int_equal(json_array_size(list), 2);
	json_array_foreach(list, i, it) {
		assert_true(json_is_string(json_object_get(it, "id")));
		assert_string_equal(json_string_value(json_object_get(it,
		    "ip")), IP);
		assert_string_equal(json_string_value(json_object_get(it,
		    "user_agent")), "cmocka/1.1");
		if (json_is_true(json_object_get(it, "current")))
			current++;
	}
	assert_int_equal(current, 1);
	json_decref(list);
	/* Someone else's session does not exist for a. */
	begin(f);
	rc = account_session_end(f->st, &a, o.session_id, &e);
	assert_int_equal(end(f, rc), ERR_NOT_FOUND);
	begin(f);
	rc = account_session_end(f->st, &a, b.session_id, &e);
	assert_int_equal(end(f, rc), 0);
	assert_last_action(f, "auth.session_end");
	assert_int_equal(check(f, tb, &b, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(check(f, ta, &a, &e), 0);
	assert_int_equal(check(f, ta, &o, &e), 0);
	begin(f);
	rc = account_session_end(f->st, &a, b.session_id, &e);
	assert_int_equal(end(f, rc), ERR_NOT_FOUND);
}

/* A-1/A-4: a password change clears must_change and ends other sessions. */
static void
test_account__a4_password_change_ends_other_sessions(void **state)
{
	struct fx		*f = *state;
	struct account_user	*u = NULL;
	struct actor		 a, b;
	struct err		 e;
	char			 ta[ACCOUNT_TOKEN_HEX + 1];
	char			 tb[ACCOUNT_TOKEN_HEX + 1];
	int64_t			 id;
	int			 rc;

	id = add_user(f, "chg", "officer", TOWN_A, PW);
	begin(f);
	rc = account_user_reset_password(f->st, &f->sys, id, PW2, 0, &u, &e);
	assert_int_equal(end(f, rc), 0);
	assert_true(u->must_change);
	account_user_free(u);
	sign_in(f, "chg", PW2, &a, ta);
	assert_true(a.must_change);
	sign_in(f, "chg", PW2, &b, tb);
	begin(f);
	rc = account_password_change(f->st, &a, PW2, "Another#Pw9", &e);
	assert_int_equal(end(f, rc), 0);
	assert_false(a.must_change);
	assert_int_equal(check(f, ta, &a, &e), 0);
	assert_false(a.must_change);
	assert_int_equal(check(f, tb, &b, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM sessions WHERE "
	    "end_reason = 'password_changed'"), 1);
}

/* ACC-012: disabling ends sessions and refuses logins; enable undoes it. */
static void
test_account__acc012_disabled_user(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct account_user	*u = NULL;
	struct actor		 a;
	struct err		 e;
	char			 t[ACCOUNT_TOKEN_HEX + 1];
	int64_t			 id;
	int			 rc;

	id = add_user(f, "gone", "officer", TOWN_A, PW);
	sign_in(f, "gone", PW, &a, t);
	begin(f);
	rc = account_user_disable(f->st, &f->sys, id, &u, &e);
	assert_int_equal(end(f, rc), 0);
	assert_string_equal(u->status, "disabled");
	account_user_free(u);
	assert_int_equal(check(f, t, &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(do_login(f, "gone", PW, NULL, IP, &s, &e),
	    ERR_FORBIDDEN);
	assert_int_equal(do_login(f, "gone", "Wrong#pass1", NULL, IP, &s, &e),
	    ERR_BAD_LOGIN);
	begin(f);
	rc = account_user_enable(f->st, &f->sys, id, &u, &e);
	assert_int_equal(end(f, rc), 0);
	account_user_free(u);
	assert_int_equal(do_login(f, "gone", PW, NULL, IP, &s, &e), 0);
	account_session_clear(&s);
}

/* A-6: TOTP required once enabled; a code is good only once. */
static void
test_account__a6_totp_required_and_replay_rejected(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct actor		 a;
	struct err		 e;
	json_t			*j = NULL;
	unsigned char		*key = NULL;
	size_t			 klen = 0;
	char			 code[7], code2[7], *sec = NULL;
	int			 rc;

	add_user(f, "boss", "leader", "city", PW);
	assert_int_equal(do_login(f, "boss", PW, NULL, IP, &s, &e), 0);
	assert_true(s.totp_required);
	assert_int_equal(check(f, s.token, &a, &e), 0);
	account_session_clear(&s);
	begin(f);
	rc = account_totp_start(f->st, &a, &j, &e);
	assert_int_equal(end(f, rc), 0);
	assert_non_null(strstr(json_string_value(json_object_get(j, "uri")),
	    "otpauth://totp/Firewarden:boss?secret="));
	assert_int_equal(crypto_base32_decode(json_string_value(
	    json_object_get(j, "secret")), &key, &klen, &e), 0);
	json_decref(j);
	/* Stored sealed, not as the secret itself. */
	assert_int_equal(store_query_text(f->st, "SELECT totp_pending FROM "
	    "users WHERE login = 'boss'", STORE_NOARGS, &sec, &e), 0);
	assert_true(strlen(sec) > 2 * klen);
	free(sec);
	/* A wrong code does not enable it. */
	begin(f);
	rc = account_totp_confirm(f->st, &a, "000000", &e);
	crypto_totp_code(key, klen, clock_now(), code);
	if (strcmp(code, "000000") != 0)
		assert_int_equal(end(f, rc), ERR_INVALID);
	else
		end(f, rc);
	begin(f);
	rc = account_totp_confirm(f->st, &a, code, &e);
	assert_int_equal(end(f, rc), 0);
	assert_last_action(f, "user.totp_enable");

	assert_int_equal(do_login(f, "boss", PW, NULL, IP, &s, &e),
	    ERR_OTP_REQUIRED);
	assert_string_equal(e.field, "otp");
	assert_int_equal(do_login(f, "boss", PW, "", IP, &s, &e),
	    ERR_OTP_REQUIRED);
	assert_int_equal(do_login(f, "boss", PW, "12345x", IP, &s, &e),
	    ERR_BAD_LOGIN);
	/* The code used to confirm cannot log in. */
	assert_int_equal(do_login(f, "boss", PW, code, IP, &s, &e),
	    ERR_BAD_LOGIN);
	clock_set_offset(30);
	crypto_totp_code(key, klen, clock_now(), code2);
	assert_int_equal(do_login(f, "boss", PW, code2, IP, &s, &e), 0);
	assert_false(s.totp_required);
	account_session_clear(&s);
	/* Replay of the code just used. */
	assert_int_equal(do_login(f, "boss", PW, code2, IP, &s, &e),
	    ERR_BAD_LOGIN);
	/* The wrong password with a good code is still wrong. */
	clock_set_offset(60);
	crypto_totp_code(key, klen, clock_now(), code2);
	assert_int_equal(do_login(f, "boss", "Wrong#pass1", code2, IP, &s, &e),
	    ERR_BAD_LOGIN);
	assert_int_equal(do_login(f, "boss", PW, code2, IP, &s, &e), 0);
	account_session_clear(&s);
	/* Enrolling again needs a reset first. */
	begin(f);
	rc = account_totp_start(f->st, &a, &j, &e);
	assert_int_equal(end(f, rc), ERR_CONFLICT);
	mem_wipe(key, klen);
	free(key);
}

/* A-6: admins and approvers must enrol; others need not. */
static void
test_account__a6_totp_required_roles(void **state)
{
	struct fx	*f = *state;
	static const struct {
		const char	*role;
		int		 required;
	} cases[] = {
		{ "sysadmin", 1 }, { "secadmin", 1 }, { "auditor", 1 },
		{ "leader", 1 }, { "legal", 1 }, { "officer", 0 },
		{ "town", 0 }, { "grid", 0 }, { "unit", 0 },
	};
	struct actor	 a;
	struct err	 e;
	json_t		*me = NULL;
	char		 login[32];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(login, sizeof(login), "r-%s", cases[i].role);
		add_user(f, login, cases[i].role, "city", PWA);
		sign_in(f, login, PWA, &a, NULL);
		assert_int_equal(account_me(f->st, &a, &me, &e), 0);
		assert_int_equal(json_is_true(json_object_get(me,
		    "totp_required")), cases[i].required);
		json_decref(me);
	}
}

/* A-7: a 三员 role is held alone. */
static void
test_account__a7_admin_roles_exclusive(void **state)
{
	struct fx		*f = *state;
	static const char *const admins[] = { "sysadmin", "secadmin",
	    "auditor" };
	static const char *const all[] = { "sysadmin", "secadmin", "auditor",
	    "officer", "legal", "leader", "town", "grid", "police", "dept",
	    "unit", "agency" };
	struct account_user_input in;
	struct account_user	*u = NULL;
	const char		*pair[2];
	struct err		 e;
	char			 login[32];
	int64_t			 n0, id;
	size_t			 i, j;
	int			 k = 0, rc;

	n0 = asize(f);
	for (i = 0; i < 3; i++)
		for (j = 0; j < 12; j++) {
			if (strcmp(admins[i], all[j]) == 0)
				continue;
			snprintf(login, sizeof(login), "combo%d", k++);
			pair[0] = admins[i];
			pair[1] = all[j];
			assert_int_equal(create(f, &f->sys, login, "city", pair,
			    2, PWA, &u, &e), ERR_POLICY);
			assert_string_equal(e.field, "roles");
			pair[0] = all[j];
			pair[1] = admins[i];
			assert_int_equal(create(f, &f->sys, login, "city", pair,
			    2, PWA, &u, &e), ERR_POLICY);
		}
	assert_int_equal(k, 33);
	assert_int_equal(asize(f), n0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), 0);
	/* Two business roles together are fine. */
	pair[0] = "officer";
	pair[1] = "legal";
	assert_int_equal(create(f, &f->sys, "both", "city", pair, 2, PW, &u,
	    &e), 0);
	id = u->id;
	account_user_free(u);
	/* And the rule holds on update. */
	memset(&in, 0, sizeof(in));
	pair[1] = "auditor";
	in.has_roles = 1;
	in.roles = pair;
	in.nroles = 2;
	begin(f);
	rc = account_user_update(f->st, &f->sys, id, 1, &in, &u, &e);
	assert_int_equal(end(f, rc), ERR_POLICY);
	assert_string_equal(e.field, "roles");
}

/* A-7: administrators are city-wide. */
static void
test_account__a7_admin_jurisdiction_city(void **state)
{
	struct fx		*f = *state;
	static const char *const sec[] = { "secadmin" };
	struct account_user	*u = NULL;
	struct err		 e;

	assert_int_equal(create(f, &f->sys, "sec1", TOWN_A, sec, 1, PWA, &u,
	    &e), ERR_POLICY);
	assert_string_equal(e.field, "jurisdiction");
	assert_int_equal(create(f, &f->sys, "sec1", NULL, sec, 1, PWA, &u, &e),
	    0);
	assert_string_equal(u->jurisdiction, "city");
	account_user_free(u);
}

/* A-7: no super-user; each administrator only its own duty. */
static void
test_account__a7_no_superuser(void **state)
{
	struct fx		*f = *state;
	static const char *const officer[] = { "officer" };
	static const char *const perms[] = { "registry:read" };
	struct account_user	*u = NULL;
	struct account_role	*ro = NULL;
	struct actor		 sys, sec, aud;
	struct err		 e;
	int			 rc;

	add_user(f, "sys1", "sysadmin", NULL, PWA);
	add_user(f, "sec", "secadmin", NULL, PWA);
	add_user(f, "aud", "auditor", NULL, PWA);
	sign_in(f, "sys1", PWA, &sys, NULL);
	sign_in(f, "sec", PWA, &sec, NULL);
	sign_in(f, "aud", PWA, &aud, NULL);
	assert_true(actor_can(&sys, "account:write"));
	assert_false(actor_can(&sys, "role:write"));
	assert_false(actor_can(&sys, "audit:read"));
	assert_true(actor_can(&sec, "role:write"));
	assert_false(actor_can(&sec, "account:write"));
	assert_true(actor_can(&aud, "audit:read"));
	assert_false(actor_can(&aud, "account:read"));
	/* The system administrator creates users but not permissions. */
	assert_int_equal(create(f, &sys, "newbie", TOWN_A, officer, 1, PW, &u,
	    &e), 0);
	account_user_free(u);
	begin(f);
	rc = account_role_set_permissions(f->st, &sys, "officer", 1, perms, 1,
	    &ro, &e);
	assert_int_equal(end(f, rc), ERR_FORBIDDEN);
	/* The security administrator the reverse. */
	assert_int_equal(create(f, &sec, "newbie2", TOWN_A, officer, 1, PW, &u,
	    &e), ERR_FORBIDDEN);
	begin(f);
	rc = account_role_set_permissions(f->st, &sec, "officer", 1, perms, 1,
	    &ro, &e);
	assert_int_equal(end(f, rc), 0);
	account_role_free(ro);
	/* The auditor neither. */
	assert_int_equal(create(f, &aud, "newbie3", TOWN_A, officer, 1, PW, &u,
	    &e), ERR_FORBIDDEN);
	begin(f);
	rc = account_role_set_permissions(f->st, &aud, "officer", 2, perms, 1,
	    &ro, &e);
	assert_int_equal(end(f, rc), ERR_FORBIDDEN);
}

/* ACC-005: 三员 accounts are managed from the command line only. */
static void
test_account__acc005_admin_accounts_cli_only(void **state)
{
	struct fx		*f = *state;
	static const char *const sec[] = { "secadmin" };
	static const char *const officer[] = { "officer" };
	struct account_user_input in;
	struct account_user	*u = NULL;
	struct actor		 sys;
	struct err		 e;
	int64_t			 secid, offid;
	int			 rc;

	add_user(f, "sys1", "sysadmin", NULL, PWA);
	secid = add_user(f, "sec", "secadmin", NULL, PWA);
	offid = add_user(f, "off", "officer", "city", PW);
	sign_in(f, "sys1", PWA, &sys, NULL);
	assert_int_equal(create(f, &sys, "sec2", NULL, sec, 1, PWA, &u, &e),
	    ERR_FORBIDDEN);
	begin(f);
	rc = account_user_reset_password(f->st, &sys, secid, "Take#over12345",
	    0, &u, &e);
	assert_int_equal(end(f, rc), ERR_FORBIDDEN);
	begin(f);
	rc = account_user_disable(f->st, &sys, secid, &u, &e);
	assert_int_equal(end(f, rc), ERR_FORBIDDEN);
	/* Nor promote a business user. */
	memset(&in, 0, sizeof(in));
	in.has_roles = 1;
	in.roles = sec;
	in.nroles = 1;
	begin(f);
	rc = account_user_update(f->st, &sys, offid, 1, &in, &u, &e);
	assert_int_equal(end(f, rc), ERR_FORBIDDEN);
	/* The system actor (the CLI) may. */
	in.roles = officer;
	begin(f);
	rc = account_user_update(f->st, &f->sys, secid, 1, &in, &u, &e);
	assert_int_equal(end(f, rc), 0);
	assert_string_equal(u->roles[0], "officer");
	assert_string_equal(u->admin_kind, "");
	account_user_free(u);
}

/* A-7: a 三员 permission cannot go to another role. */
static void
test_account__a7_admin_permissions_not_grantable(void **state)
{
	struct fx		*f = *state;
	static const struct {
		const char	*role;
		const char	*perms[3];
		int		 n;
	} bad[] = {
		{ "officer",  { "registry:read", "account:write" }, 2 },
		{ "officer",  { "audit:read" }, 1 },
		{ "leader",   { "role:write" }, 1 },
		{ "secadmin", { "role:write", "account:write" }, 2 },
		{ "auditor",  { "audit:read", "role:write" }, 2 },
		{ "sysadmin", { "account:write", "registry:write" }, 2 },
		{ "sysadmin", { "account:read" }, 1 },
		{ "secadmin", { "role:read" }, 1 },
	};
	struct account_role	*ro = NULL;
	struct actor		 sec;
	struct err		 e;
	int64_t			 n0;
	size_t			 i;
	int			 rc;

	add_user(f, "sec", "secadmin", NULL, PWA);
	sign_in(f, "sec", PWA, &sec, NULL);
	n0 = asize(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin(f);
		rc = account_role_set_permissions(f->st, &sec, bad[i].role, 1,
		    bad[i].perms, bad[i].n, &ro, &e);
		if (end(f, rc) != ERR_POLICY)
			fail_msg("case %zu: %d", i, rc);
		assert_string_equal(e.field, "permissions");
	}
	assert_int_equal(asize(f), n0);
	/* Read permissions may be shared with a business role (Z-2 then
	 * limits what they show). */
	{
		static const char *const ok[] = { "registry:read",
		    "account:read", "role:read" };

		begin(f);
		rc = account_role_set_permissions(f->st, &sec, "town", 1, ok, 3,
		    &ro, &e);
		assert_int_equal(end(f, rc), 0);
		assert_int_equal(ro->nperms, 3);
		account_role_free(ro);
	}
}

/* ACC-008: only catalogued permissions, each once. */
static void
test_account__acc008_unknown_permission_rejected(void **state)
{
	struct fx		*f = *state;
	static const char *const unk[] = { "registry:read", "registry:delete" };
	static const char *const dup[] = { "registry:read", "registry:read" };
	struct account_role	*ro = NULL;
	struct err		 e;
	int			 rc;

	begin(f);
	rc = account_role_set_permissions(f->st, &f->sys, "officer", 1, unk, 2,
	    &ro, &e);
	assert_int_equal(end(f, rc), ERR_INVALID);
	assert_string_equal(e.field, "permissions");
	assert_non_null(strstr(e.msg, "registry:delete"));
	begin(f);
	rc = account_role_set_permissions(f->st, &f->sys, "officer", 1, dup, 2,
	    &ro, &e);
	assert_int_equal(end(f, rc), ERR_INVALID);
	begin(f);
	rc = account_role_set_permissions(f->st, &f->sys, "nosuch", 1, dup, 1,
	    &ro, &e);
	assert_int_equal(end(f, rc), ERR_NOT_FOUND);
	assert_non_null(account_perm_find("registry:write"));
	assert_null(account_perm_find("registry:delete"));
}

/* The seeded roles and permissions agree with the catalogue. */
static void
test_account__seed_roles_and_permissions(void **state)
{
	struct fx		*f = *state;
	struct store_rows	*r = NULL;
	struct err		 e;
	json_t			*roles = NULL;
	int			 rc;

	assert_int_equal(count(f, "SELECT COUNT(*) FROM roles"), 12);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM roles WHERE "
	    "admin_kind IS NOT NULL"), 3);
	assert_int_equal(store_query(f->st, "SELECT role_id, permission FROM "
	    "role_permissions", STORE_NOARGS, &r, &e), 0);
	while ((rc = store_next(r, &e)) == 1)
		if (account_perm_find(store_text(r, 1)) == NULL)
			fail_msg("seeded %s for %s is not catalogued",
			    store_text(r, 1), store_text(r, 0));
	assert_int_equal(rc, 0);
	store_rows_free(r);
	assert_int_equal(account_role_list(f->st, &f->sys, &roles, &e), 0);
	assert_int_equal(json_array_size(roles), 12);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    roles, 0), "id")), "sysadmin");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    roles, 3), "name_zh")), "监督员");
	json_decref(roles);
}

/* A-5: bootstrap creates the three administrators once. */
static void
test_account__a5_bootstrap_once(void **state)
{
	struct fx		*f = *state;
	struct account_bootstrap b;
	struct account_session	 s;
	struct err		 e;
	int64_t			 n0;
	int			 i;

	int64_t			 nroles, seeded;

	n0 = asize(f);
	assert_int_equal(account_bootstrap(f->st, &f->sys, &b, &e), 0);
	assert_int_equal(b.n, 3);
	/* Three users, and a role.seed entry for every seeded role (L-2). */
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM roles",
	    STORE_NOARGS, &nroles, &e), 0);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM "
	    "audit_entries WHERE action = 'role.seed'", STORE_NOARGS, &seeded,
	    &e), 0);
	assert_int_equal(seeded, nroles);
	assert_int_equal(asize(f), n0 + 3 + nroles);
	assert_string_equal(b.acct[0].login, "sysadmin");
	assert_string_equal(b.acct[1].login, "secadmin");
	assert_string_equal(b.acct[2].login, "auditor");
	for (i = 0; i < 3; i++) {
		assert_int_equal(strlen(b.acct[i].password), 16);
		assert_int_equal(account_password_check(b.acct[i].login,
		    b.acct[i].password, 1, &e), 0);
		assert_int_equal(do_login(f, b.acct[i].login,
		    b.acct[i].password, NULL, IP, &s, &e), 0);
		assert_true(s.must_change);
		assert_true(s.totp_required);
		account_session_clear(&s);
	}
	assert_string_not_equal(b.acct[0].password, b.acct[1].password);
	account_bootstrap_clear(&b);
	n0 = asize(f);
	assert_int_equal(account_bootstrap(f->st, &f->sys, &b, &e), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(asize(f), n0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), 3);
}

/* `firewarden user add`: a given password is kept; none means one-time. */
static void
test_account__user_add_cli(void **state)
{
	struct fx		*f = *state;
	struct account_user	*u = NULL;
	struct err		 e;
	int64_t			 id;
	char			*gen = NULL;

	assert_int_equal(account_user_add(f->st, &f->sys, "cli1", "officer",
	    TOWN_A, PW, 0, &id, &gen, &e), 0);
	assert_null(gen);
	assert_int_equal(account_user_get(f->st, &f->sys, id, &u, &e), 0);
	assert_false(u->must_change);
	assert_string_equal(u->display_name, "cli1");
	account_user_free(u);
	assert_int_equal(account_user_add(f->st, &f->sys, "cli2", "grid",
	    "grid:17", NULL, 0, &id, &gen, &e), 0);
	assert_non_null(gen);
	assert_int_equal(strlen(gen), 16);
	assert_int_equal(account_user_get(f->st, &f->sys, id, &u, &e), 0);
	assert_true(u->must_change);
	account_user_free(u);
	mem_free_secret(gen);
	gen = NULL;
	assert_int_equal(account_user_add(f->st, &f->sys, "cli1", "officer",
	    TOWN_A, PW, 0, &id, &gen, &e), ERR_CONFLICT);
	assert_int_equal(account_user_add(f->st, &f->sys, "cli3", "nosuch",
	    TOWN_A, PW, 0, &id, &gen, &e), ERR_INVALID);
	assert_false(store_in_tx(f->st));
}

/* ACC-001: login syntax and uniqueness. */
static void
test_account__acc001_login_syntax_and_unique(void **state)
{
	struct fx		*f = *state;
	static const char *const officer[] = { "officer" };
	static const char *const bad[] = { "ab", "Zhang", "a b", "zhang@x",
	    "张三", "abcdefghijabcdefghijabcdefghijabc", "" };
	struct account_user	*u = NULL;
	struct err		 e;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(create(f, &f->sys, bad[i], TOWN_A, officer, 1,
		    PW, &u, &e), ERR_INVALID);
		assert_string_equal(e.field, "login");
	}
	assert_int_equal(create(f, &f->sys, "a.b-c_9", TOWN_A, officer, 1, PW,
	    &u, &e), 0);
	account_user_free(u);
	assert_int_equal(create(f, &f->sys, "a.b-c_9", TOWN_B, officer, 1, PW,
	    &u, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "login");
}

/* ACC-002: display names. */
static void
test_account__acc002_display_name(void **state)
{
	struct fx			*f = *state;
	static const char *const	 officer[] = { "officer" };
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	struct err			 e;
	char				 name[400];
	int				 i, rc;

	memset(&in, 0, sizeof(in));
	in.login = "named";
	in.jurisdiction = TOWN_A;
	in.has_roles = 1;
	in.roles = officer;
	in.nroles = 1;
	name[0] = '\0';
	for (i = 0; i < 65; i++)
		strcat(name, "消");
	in.display_name = name;
	begin(f);
	rc = account_user_create(f->st, &f->sys, &in, PW, &u, &e);
	assert_int_equal(end(f, rc), ERR_INVALID);
	assert_string_equal(e.field, "display_name");
	in.display_name = "";
	begin(f);
	rc = account_user_create(f->st, &f->sys, &in, PW, &u, &e);
	assert_int_equal(end(f, rc), ERR_INVALID);
	in.display_name = "tab\there";
	begin(f);
	rc = account_user_create(f->st, &f->sys, &in, PW, &u, &e);
	assert_int_equal(end(f, rc), ERR_INVALID);
	name[strlen(name) - 3] = '\0';	/* 64 characters */
	in.display_name = name;
	begin(f);
	rc = account_user_create(f->st, &f->sys, &in, PW, &u, &e);
	assert_int_equal(end(f, rc), 0);
	assert_string_equal(u->display_name, name);
	account_user_free(u);
}

/* ACC-003: roles must be a non-empty list of known, distinct roles. */
static void
test_account__acc003_roles_validation(void **state)
{
	struct fx		*f = *state;
	static const char *const unk[] = { "officer", "wizard" };
	static const char *const dup[] = { "officer", "officer" };
	struct account_user	*u = NULL;
	struct err		 e;

	assert_int_equal(create(f, &f->sys, "rl1", TOWN_A, unk, 0, PW, &u, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "roles");
	assert_int_equal(create(f, &f->sys, "rl1", TOWN_A, unk, 2, PW, &u, &e),
	    ERR_INVALID);
	assert_non_null(strstr(e.msg, "wizard"));
	assert_int_equal(create(f, &f->sys, "rl1", TOWN_A, dup, 2, PW, &u, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "roles");
}

/* ACC-004: jurisdiction syntax. */
static void
test_account__acc004_jurisdiction_syntax(void **state)
{
	struct fx		*f = *state;
	static const char *const officer[] = { "officer" };
	static const char *const bad[] = { "county", "town:12345678",
	    "town:1234567890", "town:44190000a", "grid:", "grid:0", "grid:007",
	    "grid:abc", "unit:-1", "unit:99999999999999999999", "City", "" };
	static const char *const good[] = { "city", TOWN_A, "grid:7",
	    "unit:7301234567890123" };
	struct account_user	*u = NULL;
	struct err		 e;
	char			 login[16];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (create(f, &f->sys, "jur", bad[i], officer, 1, PW, &u,
		    &e) != ERR_INVALID)
			fail_msg("accepted %s", bad[i]);
		assert_string_equal(e.field, "jurisdiction");
	}
	/* A business user needs one. */
	assert_int_equal(create(f, &f->sys, "jur", NULL, officer, 1, PW, &u,
	    &e), ERR_MISSING);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(login, sizeof(login), "jur%zu", i);
		assert_int_equal(create(f, &f->sys, login, good[i], officer, 1,
		    PW, &u, &e), 0);
		account_user_free(u);
	}
}

/* ACC-006: optimistic locking on users and roles. */
static void
test_account__acc006_stale_version(void **state)
{
	struct fx			*f = *state;
	static const char *const	 perms[] = { "registry:read" };
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	struct account_role		*ro = NULL;
	struct err			 e;
	int64_t				 id;
	int				 rc;

	id = add_user(f, "ver", "officer", TOWN_A, PW);
	memset(&in, 0, sizeof(in));
	in.display_name = "王五";
	begin(f);
	rc = account_user_update(f->st, &f->sys, id, 1, &in, &u, &e);
	assert_int_equal(end(f, rc), 0);
	assert_int_equal(u->version, 2);
	assert_string_equal(u->display_name, "王五");
	assert_string_equal(u->jurisdiction, TOWN_A);
	assert_string_equal(u->roles[0], "officer");
	account_user_free(u);
	in.display_name = "赵六";
	begin(f);
	rc = account_user_update(f->st, &f->sys, id, 1, &in, &u, &e);
	assert_int_equal(end(f, rc), ERR_STALE);
	begin(f);
	rc = account_role_set_permissions(f->st, &f->sys, "grid", 1, perms, 1,
	    &ro, &e);
	assert_int_equal(end(f, rc), 0);
	assert_int_equal(ro->version, 2);
	account_role_free(ro);
	begin(f);
	rc = account_role_set_permissions(f->st, &f->sys, "grid", 1, perms, 1,
	    &ro, &e);
	assert_int_equal(end(f, rc), ERR_STALE);
}

/* L-1: every change appends exactly one entry, stating the new record. */
static void
test_account__every_change_one_audit_entry(void **state)
{
	struct fx			*f = *state;
	static const char *const	 officer[] = { "officer" };
	static const char *const	 two[] = { "officer", "legal" };
	static const char *const	 perms[] = { "registry:read" };
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	struct account_role		*ro = NULL;
	struct actor			 a;
	struct err			 e;
	json_t				*rec = NULL, *j = NULL;
	char				 want[2 * CRYPTO_SM3_LEN + 1];
	char				*state_hex = NULL, *obj = NULL, tmp[40];
	int64_t				 n, id = 0;
	int				 rc, step;

	for (step = 0; step < 8; step++) {
		n = asize(f);
		begin(f);
		switch (step) {
		case 0:
			memset(&in, 0, sizeof(in));
			in.login = "every";
			in.display_name = "每一个";
			in.jurisdiction = TOWN_A;
			in.has_roles = 1;
			in.roles = officer;
			in.nroles = 1;
			rc = account_user_create(f->st, &f->sys, &in, PW, &u,
			    &e);
			break;
		case 1:
			memset(&in, 0, sizeof(in));
			in.has_roles = 1;
			in.roles = two;
			in.nroles = 2;
			rc = account_user_update(f->st, &f->sys, id, 1, &in,
			    &u, &e);
			break;
		case 2:
			rc = account_user_disable(f->st, &f->sys, id, &u, &e);
			break;
		case 3:
			rc = account_user_enable(f->st, &f->sys, id, &u, &e);
			break;
		case 4:
			rc = account_user_reset_password(f->st, &f->sys, id,
			    PW2, 1, &u, &e);
			break;
		case 5:
			end(f, 0);
			sign_in(f, "every", PW2, &a, NULL);
			n = asize(f);
			begin(f);
			rc = account_password_change(f->st, &a, PW2,
			    "Third#pass9", &e);
			break;
		case 6:
			rc = account_totp_start(f->st, &a, &j, &e);
			json_decref(j);
			break;
		default:
			rc = account_role_set_permissions(f->st, &f->sys,
			    "dept", 1, perms, 1, &ro, &e);
			break;
		}
		if (end(f, rc) < 0)
			fail_msg("step %d: %s", step, e.msg);
		if (step == 0)
			id = u->id;
		account_user_free(u);
		u = NULL;
		assert_int_equal(asize(f), n + 1);
		/* The entry's state is the hash of the record as it is now. */
		assert_int_equal(store_query_text(f->st, "SELECT state FROM "
		    "audit_entries ORDER BY seq DESC LIMIT 1", STORE_NOARGS,
		    &state_hex, &e), 0);
		assert_int_equal(store_query_text(f->st, "SELECT object FROM "
		    "audit_entries ORDER BY seq DESC LIMIT 1", STORE_NOARGS,
		    &obj, &e), 0);
		if (step == 7) {
			assert_string_equal(obj, "role/dept");
			assert_int_equal(account_role_record(f->st, "dept",
			    &rec, &e), 0);
		} else {
			snprintf(tmp, sizeof(tmp), "user/%lld", (long long)id);
			assert_string_equal(obj, tmp);
			snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
			assert_int_equal(account_user_record(f->st, tmp, &rec,
			    &e), 0);
		}
		audit_state_hash(rec, want);
		assert_string_equal(state_hex, want);
		json_decref(rec);
		free(state_hex);
		free(obj);
	}
	account_role_free(ro);
}

/* I-1: a rejected change stores nothing, not even its audit entry. */
static void
test_account__nothing_stored_on_failure(void **state)
{
	struct fx			*f = *state;
	static const char *const	 officer[] = { "officer" };
	static const char *const	 badroles[] = { "officer", "sysadmin" };
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	struct err			 e;
	int64_t				 id, a0, u0, r0, h0;

	id = add_user(f, "keep", "officer", TOWN_A, PW);
	a0 = asize(f);
	u0 = count(f, "SELECT COUNT(*) FROM users");
	r0 = count(f, "SELECT COUNT(*) FROM user_roles");
	h0 = count(f, "SELECT COUNT(*) FROM password_history");
	/* Checked inside the transaction, before any rollback. */
	memset(&in, 0, sizeof(in));
	in.login = "fresh";
	in.display_name = "fresh";
	in.jurisdiction = TOWN_A;
	in.has_roles = 1;
	in.roles = officer;
	in.nroles = 1;
	begin(f);
	assert_int_equal(account_user_create(f->st, &f->sys, &in, "weakpass",
	    &u, &e), ERR_POLICY);
	in.login = "keep";
	assert_int_equal(account_user_create(f->st, &f->sys, &in, PW, &u, &e),
	    ERR_CONFLICT);
	in.login = NULL;
	in.roles = badroles;
	in.nroles = 2;
	in.display_name = NULL;
	in.jurisdiction = NULL;
	assert_int_equal(account_user_update(f->st, &f->sys, id, 1, &in, &u,
	    &e), ERR_POLICY);
	assert_int_equal(account_user_reset_password(f->st, &f->sys, id, "x",
	    0, &u, &e), ERR_POLICY);
	assert_int_equal(asize(f), a0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM users"), u0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM user_roles"), r0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM password_history"), h0);
	assert_int_equal(count(f, "SELECT MAX(version) FROM users"), 1);
	end(f, -1);
}

/* Z-2: below city level, users of other jurisdictions do not exist. */
static void
test_account__z2_user_reads_scoped(void **state)
{
	struct fx			*f = *state;
	static const char *const	 perms[] = { "account:read", NULL };
	struct account_user_query	 q;
	struct account_user		*u = NULL;
	struct actor			 ta, city;
	struct err			 e;
	json_t				*items = NULL;
	int64_t				 total, ida, idb;

	ida = add_user(f, "usera", "town", TOWN_A, PW);
	idb = add_user(f, "userb", "town", TOWN_B, PW);
	add_user(f, "usera2", "grid", TOWN_A, PW);
	add_user(f, "sys1", "sysadmin", NULL, PWA);
	user_actor(&ta, ida, TOWN_A, "", perms);
	memset(&q, 0, sizeof(q));
	q.limit = 50;
	assert_int_equal(account_user_list(f->st, &ta, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 2);
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	assert_int_equal(account_user_get(f->st, &ta, ida, &u, &e), 0);
	account_user_free(u);
	assert_int_equal(account_user_get(f->st, &ta, idb, &u, &e),
	    ERR_NOT_FOUND);
	/* City level sees everyone. */
	sign_in(f, "sys1", PWA, &city, NULL);
	assert_int_equal(account_user_list(f->st, &city, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 4);
	json_decref(items);
	assert_int_equal(account_user_get(f->st, &city, idb, &u, &e), 0);
	account_user_free(u);
	/* The public sees nobody. */
	actor_public(&ta, "t", IP);
	assert_int_equal(account_user_list(f->st, &ta, &q, &items, &total,
	    &e), ERR_FORBIDDEN);
	assert_int_equal(account_user_get(f->st, &ta, ida, &u, &e),
	    ERR_NOT_FOUND);
}

/* I-2: search, filters, sorting from an allow-list, paging. */
static void
test_account__list_search_filter_sort_page(void **state)
{
	struct fx			*f = *state;
	struct account_user_query	 q;
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	struct err			 e;
	json_t				*items = NULL;
	int64_t				 total, id;
	int				 rc;

	add_user(f, "zhang.san", "officer", TOWN_A, PW);
	add_user(f, "zhang.si", "officer", TOWN_A, PW);
	add_user(f, "li_wei", "grid", TOWN_A, PW);
	id = add_user(f, "wang5", "town", TOWN_B, PW);
	memset(&in, 0, sizeof(in));
	in.display_name = "王消防 100%";
	begin(f);
	rc = account_user_update(f->st, &f->sys, id, 1, &in, &u, &e);
	assert_int_equal(end(f, rc), 0);
	account_user_free(u);
	begin(f);
	rc = account_user_disable(f->st, &f->sys, id, &u, &e);
	assert_int_equal(end(f, rc), 0);
	account_user_free(u);

	memset(&q, 0, sizeof(q));
	q.limit = 10;
	q.q = "ZHANG";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 2);
	json_decref(items);
	q.q = "消防";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	/* % is a character, not a wildcard. */
	q.q = "%";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	q.q = "_";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	q.q = NULL;
	q.role = "officer";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 2);
	json_decref(items);
	q.role = NULL;
	q.status = "disabled";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	q.status = NULL;
	q.sort = "-login";
	q.limit = 2;
	q.offset = 1;
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), 0);
	assert_int_equal(total, 4);
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    items, 0), "login")), "zhang.san");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    items, 1), "login")), "wang5");
	assert_true(json_is_string(json_object_get(json_array_get(items, 0),
	    "id")));
	json_decref(items);
	/* Bad input names its field. */
	q.sort = "password_hash";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "sort");
	q.sort = NULL;
	q.role = "wizard";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "role");
	q.role = NULL;
	q.status = "gone";
	assert_int_equal(account_user_list(f->st, &f->sys, &q, &items, &total,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "status");
}

/* L-2: the record loaders let `audit verify --deep` see a DB edit. */
static void
test_account__records_detect_direct_edits(void **state)
{
	struct fx			*f = *state;
	static const struct audit_type	 types[] = {
		{ "user", account_user_record },
		{ "role", account_role_record },
		{ NULL, NULL },
	};
	static const char *const	 perms[] = { "registry:read" };
	struct account_role		*ro = NULL;
	struct buf			 report;
	struct err			 e;
	json_t				*rec = NULL;
	int64_t				 entries, id;
	char				 ids[24];
	int				 rc;

	id = add_user(f, "deep", "officer", TOWN_A, PW);
	begin(f);
	rc = account_role_set_permissions(f->st, &f->sys, "police", 1, perms, 1,
	    &ro, &e);
	assert_int_equal(end(f, rc), 0);
	account_role_free(ro);
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	assert_int_equal(account_user_record(f->st, ids, &rec, &e), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "id")), ids);
	assert_int_equal(strlen(json_string_value(json_object_get(rec,
	    "credential"))), 16);
	assert_true(json_is_array(json_object_get(rec, "roles")));
	assert_true(json_is_boolean(json_object_get(rec, "must_change")));
	assert_null(json_object_get(rec, "locked"));
	json_decref(rec);
	assert_int_equal(account_user_record(f->st, "0", &rec, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(account_user_record(f->st, "abc", &rec, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(account_role_record(f->st, "wizard", &rec, &e),
	    ERR_NOT_FOUND);

	buf_init(&report);
	assert_int_equal(audit_verify(f->st, types, &report, &entries, &e), 0);
	/* Logins change no audited record. */
	{
		struct account_session	s;

		assert_int_equal(do_login(f, "deep", "Wrong#pass1", NULL, IP,
		    &s, &e), ERR_BAD_LOGIN);
		assert_int_equal(do_login(f, "deep", PW, NULL, IP, &s, &e), 0);
		account_session_clear(&s);
	}
	assert_int_equal(audit_verify(f->st, types, &report, &entries, &e), 0);
	/* Someone swaps the hash in the database. */
	assert_int_equal(store_exec(f->st, "UPDATE users SET password_hash = "
	    "password_hash || 'x' WHERE login = 'deep'", STORE_NOARGS, NULL,
	    &e), 0);
	assert_int_equal(audit_verify(f->st, types, &report, &entries, &e),
	    ERR_CRYPTO);
	assert_non_null(strstr(report.data, ids));
	buf_reset(&report);
	assert_int_equal(store_exec(f->st, "UPDATE users SET password_hash = "
	    "SUBSTR(password_hash, 1, LENGTH(password_hash) - 1) "
	    "WHERE login = 'deep'", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, types, &report, &entries, &e), 0);
	/* Or grants a permission behind the security administrator's back. */
	assert_int_equal(store_exec(f->st, "INSERT INTO role_permissions "
	    "(role_id, permission) VALUES ('police', 'registry:write')",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, types, &report, &entries, &e),
	    ERR_CRYPTO);
	assert_non_null(strstr(report.data, "role/police"));
	buf_free(&report);
}

/* The console menu and me. */
static void
test_account__me_and_menu(void **state)
{
	struct fx	*f = *state;
	struct actor	 a;
	struct err	 e;
	json_t		*me = NULL, *menu, *it;
	struct buf	 keys;
	size_t		 i;

	add_user(f, "off", "officer", TOWN_A, PW);
	add_user(f, "sys1", "sysadmin", NULL, PWA);
	buf_init(&keys);
	sign_in(f, "off", PW, &a, NULL);
	assert_int_equal(account_me(f->st, &a, &me, &e), 0);
	menu = json_object_get(me, "menu");
	json_array_foreach(menu, i, it)
		buf_printf(&keys, "%s,", json_string_value(json_object_get(it,
		    "key")));
	assert_string_equal(keys.data, "home,units,inspection,hazards,patrols,"
	    "permits,iot,cases,risk,profile,");
	assert_string_equal(json_string_value(json_object_get(me,
	    "jurisdiction")), TOWN_A);
	assert_false(json_is_true(json_object_get(me, "totp_required")));
	/* registry:read/write, inspection:read/write/check, files:write,
	 * files:original, risk:write, hazard:read/write/judge/seal,
	 * hazard:progress, patrol:read, permit:read/apply/decide/verify,
	 * iot:read/write, case:read/write. */
	assert_int_equal(json_array_size(json_object_get(me, "permissions")),
	    22);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    me, "user"), "login")), "off");
	json_decref(me);
	buf_reset(&keys);
	sign_in(f, "sys1", PWA, &a, NULL);
	assert_int_equal(account_me(f->st, &a, &me, &e), 0);
	menu = json_object_get(me, "menu");
	json_array_foreach(menu, i, it)
		buf_printf(&keys, "%s,", json_string_value(json_object_get(it,
		    "key")));
	assert_string_equal(keys.data, "home,users,roles,profile,");
	assert_true(json_is_true(json_object_get(me, "totp_required")));
	assert_string_equal(json_string_value(json_object_get(me,
	    "admin_kind")), "sys");
	json_decref(me);
	buf_free(&keys);
}

/* A reset sets a one-time password, unlocks, and ends sessions. */
static void
test_account__reset_password_unlocks_and_forces_change(void **state)
{
	struct fx		*f = *state;
	struct account_session	 s;
	struct account_user	*u = NULL;
	struct actor		 a;
	struct err		 e;
	char			 t[ACCOUNT_TOKEN_HEX + 1];
	int64_t			 id;
	int			 i, rc;

	id = add_user(f, "forgot", "officer", TOWN_A, PW);
	sign_in(f, "forgot", PW, &a, t);
	for (i = 0; i < 5; i++)
		do_login(f, "forgot", "Wrong#pass1", NULL, IP, &s, &e);
	assert_int_equal(account_user_get(f->st, &f->sys, id, &u, &e), 0);
	assert_true(u->locked_until > clock_now());
	account_user_free(u);
	begin(f);
	rc = account_user_reset_password(f->st, &f->sys, id, PW2, 0, &u, &e);
	assert_int_equal(end(f, rc), 0);
	account_user_free(u);
	assert_int_equal(check(f, t, &a, &e), ERR_UNAUTHENTICATED);
	assert_int_equal(do_login(f, "forgot", PW2, NULL, IP, &s, &e), 0);
	assert_true(s.must_change);
	account_session_clear(&s);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_account__a1_length),
		T(test_account__a1_classes),
		T(test_account__a1_not_login_or_reverse),
		T(test_account__a1_common_passwords),
		T(test_account__a1_history_of_5),
		T(test_account__a1_rotation),
		T(test_account__a1_applied_everywhere),
		T(test_account__a2_hash_stored_not_shown),
		T(test_account__a3_lockout_after_5_unlock_after_30_min),
		T(test_account__a3_locked_refuses_right_password),
		T(test_account__a3_ip_rate_limit),
		T(test_account__a3_unknown_login_same_as_wrong_password),
		T(test_account__a3_every_attempt_audited),
		T(test_account__a4_token_stored_hashed),
		T(test_account__a4_idle_timeout_admin_15_user_30),
		T(test_account__a4_absolute_12h),
		T(test_account__acc011_last_seen_once_a_minute),
		T(test_account__a4_logout_ends_session),
		T(test_account__a4_list_and_end_own_sessions),
		T(test_account__a4_password_change_ends_other_sessions),
		T(test_account__acc012_disabled_user),
		T(test_account__a6_totp_required_and_replay_rejected),
		T(test_account__a6_totp_required_roles),
		T(test_account__a7_admin_roles_exclusive),
		T(test_account__a7_admin_jurisdiction_city),
		T(test_account__a7_no_superuser),
		T(test_account__acc005_admin_accounts_cli_only),
		T(test_account__a7_admin_permissions_not_grantable),
		T(test_account__acc008_unknown_permission_rejected),
		T(test_account__seed_roles_and_permissions),
		T(test_account__a5_bootstrap_once),
		T(test_account__user_add_cli),
		T(test_account__acc001_login_syntax_and_unique),
		T(test_account__acc002_display_name),
		T(test_account__acc003_roles_validation),
		T(test_account__acc004_jurisdiction_syntax),
		T(test_account__acc006_stale_version),
		T(test_account__every_change_one_audit_entry),
		T(test_account__nothing_stored_on_failure),
		T(test_account__z2_user_reads_scoped),
		T(test_account__list_search_filter_sort_page),
		T(test_account__records_detect_direct_edits),
		T(test_account__me_and_menu),
		T(test_account__reset_password_unlocks_and_forces_change),
#undef T
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
	crypto_password_set_cost(4);
	account_set_data_key(key);
	/*
	 * These tests move the wall clock (clock_set_offset) to check expiry;
	 * the session cache (ACC-015) measures real time, so it is off here
	 * and tested through the API (tests/api/session.test.mjs).
	 */
	account_set_session_cache_ms(0);
	if (load_common() < 0)
		printf("data/common-passwords.txt not found\n");
	rc = run("sqlite::memory:", "account (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "account (PostgreSQL)");
	else
		printf("account (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	return rc;
}
