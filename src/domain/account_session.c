/*
 * Logins and sessions (SECURITY.md ): the per-IP limit, the
 * account lock, TOTP with single-use codes, session tokens stored only as
 * their SM3, idle and absolute expiry, logout, the user's own session
 * list, password change and TOTP enrolment.  Every attempt and every
 * ending of a session is audited (L-4).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "account_int.h"
#include "audit.h"

#define ACCOUNT_TOTP_KEY_LEN	20	/* RFC 4226's recommended 160 bits */

static const char account_sql_attempt_ins[] =
    "INSERT INTO login_attempts (id, ip, login, at, ok) "
    "VALUES (?, ?, ?, ?, ?)";
static const char account_sql_ip_fails[] =
    "SELECT COUNT(*) FROM login_attempts WHERE ip = ? AND ok = 0 AND at > ?";
static const char account_sql_ip_nth[] =
    "SELECT at FROM login_attempts WHERE ip = ? AND ok = 0 AND at > ? "
    "ORDER BY at DESC LIMIT 1 OFFSET ?";
static const char account_sql_fail_inc[] =
    "UPDATE users SET failed_count = failed_count + 1 WHERE id = ?";
static const char account_sql_fail_get[] =
    "SELECT failed_count FROM users WHERE id = ?";
static const char account_sql_lock[] =
    "UPDATE users SET failed_count = 0, locked_until = ? WHERE id = ?";
static const char account_sql_ok_upd[] =
    "UPDATE users SET failed_count = 0, locked_until = 0 WHERE id = ?";
static const char account_sql_totp_get[] =
    "SELECT totp_secret, totp_last_step, totp_pending FROM users "
    "WHERE id = ?";
static const char account_sql_totp_step[] =
    "UPDATE users SET totp_last_step = ? WHERE id = ?";
static const char account_sql_totp_pending[] =
    "UPDATE users SET totp_pending = ? WHERE id = ?";
static const char account_sql_totp_enable[] =
    "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, "
    "totp_enabled = 1, totp_last_step = ?, version = version + 1, "
    "updated_at = ? WHERE id = ?";
static const char account_sql_session_ins[] =
    "INSERT INTO sessions (id, token_hash, user_id, csrf, ip, user_agent, "
    "created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char account_sql_session_hash[] =
    "SELECT id, user_id, csrf, created_at, last_seen_at, ended_at "
    "FROM sessions WHERE token_hash = ?";
static const char account_sql_session_end[] =
    "UPDATE sessions SET ended_at = ?, end_reason = ? "
    "WHERE id = ? AND ended_at IS NULL";
static const char account_sql_session_seen[] =
    "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?";
static const char account_sql_sessions_end_all[] =
    "UPDATE sessions SET ended_at = ?, end_reason = ? "
    "WHERE user_id = ? AND id <> ? AND ended_at IS NULL";
static const char account_sql_perms[] =
    "SELECT DISTINCT rp.permission FROM user_roles ur "
    "JOIN role_permissions rp ON rp.role_id = ur.role_id "
    "WHERE ur.user_id = ?";
static const char account_sql_sessions_user[] =
    "SELECT id, created_at, last_seen_at, ip, user_agent FROM sessions "
    "WHERE user_id = ? AND ended_at IS NULL "
    "ORDER BY created_at DESC, id DESC";
static const char account_sql_session_owner[] =
    "SELECT user_id FROM sessions WHERE id = ? AND ended_at IS NULL";
static const char account_sql_pw_set[] =
    "UPDATE users SET password_hash = ?, password_changed_at = ?, "
    "must_change = 0, version = version + 1, updated_at = ? WHERE id = ?";

/*
 * Copy outside text (IP, User-Agent, a typed login) for storage: at most
 * size - 1 bytes of printable ASCII, anything else as '?', so that both
 * backends accept it and it cannot forge lines in a report.
 */
static void
account_clip(const char *s, char *out, size_t size)
{
	size_t	i;

	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < size; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
}

void
account_session_clear(struct account_session *s)
{
	if (s == NULL)
		return;
	account_user_free(s->user);
	mem_wipe(s, sizeof(*s));
}

/* Record one login attempt and its audit entry (A-3, L-4). */
static int
account_attempt(struct store *st, struct actor *who, const char *ip,
    const char *login, int ok, const char *action, int64_t uid,
    int64_t now, struct err *e)
{
	int	rc;

	if ((rc = store_exec(st, account_sql_attempt_ins,
	    STORE_ARGS(SV_I(id_next()), SV_S(ip), SV_S(login), SV_I(now),
	    SV_I(ok)), NULL, e)) < 0)
		return rc;
	if (uid > 0)
		return audit_append_id(st, who, action, "user", uid, NULL, e);
	return audit_append(st, who, action, NULL, NULL, NULL, e);
}

/* Open a sealed TOTP secret stored as hex. */
static int
account_totp_open(const char *hex, unsigned char **key, size_t *klen,
    struct err *e)
{
	const unsigned char	*dk = account_data_key();
	unsigned char		*raw = NULL;
	size_t			 n = hex ? strlen(hex) / 2 : 0;
	int			 rc;

	if (dk == NULL)
		return err_set(e, ERR_CRYPTO, NULL, "no data key configured");
	if (n == 0)
		return err_set(e, ERR_CRYPTO, NULL, "no TOTP secret");
	raw = xmalloc(n);
	if (str_unhex(hex, raw, n) < 0)
		rc = err_set(e, ERR_CRYPTO, NULL, "corrupt TOTP secret");
	else
		rc = crypto_open(dk, raw, n, key, klen, e);
	free(raw);
	return rc;
}

/*
 * The step of a valid, unused code of uid's enabled secret; ERR_BAD_LOGIN
 * for a wrong code or one of a step already used (ACC-010).
 */
static int64_t
account_totp_verify(struct store *st, int64_t uid, const char *otp,
    int64_t now, struct err *e)
{
	struct store_rows	*r = NULL;
	unsigned char		*key = NULL;
	size_t			 klen = 0;
	int64_t			 last, step = 0;
	int			 rc;

	if ((rc = store_query(st, account_sql_totp_get, STORE_ARGS(SV_I(uid)),
	    &r, e)) < 0)
		goto out;
	if ((rc = store_next(r, e)) <= 0) {
		if (rc == 0)
			rc = err_set(e, ERR_BAD_LOGIN, NULL, NULL);
		goto out;
	}
	last = store_int(r, 1);
	if ((rc = account_totp_open(store_text(r, 0), &key, &klen, e)) < 0)
		goto out;
	step = crypto_totp_check(key, klen, now, otp);
	if (step < 0 || step <= last) {
		rc = err_set(e, ERR_BAD_LOGIN, "otp", NULL);
		goto out;
	}
	store_rows_free(r);
	r = NULL;
	if ((rc = store_exec(st, account_sql_totp_step,
	    STORE_ARGS(SV_I(step), SV_I(uid)), NULL, e)) < 0)
		goto out;
	rc = 0;
out:
	store_rows_free(r);
	if (key != NULL) {
		mem_wipe(key, klen);
		free(key);
	}
	return rc < 0 ? rc : step;
}

/* A wrong password or code for an existing user: count it, maybe lock. */
static int
account_login_fail(struct store *st, struct actor *who,
    const struct account_user *u, const char *ip, const char *login,
    int64_t now, struct account_session *out, struct err *e)
{
	const char	*action = "auth.login_failed";
	int64_t		 until = 0, fails;
	int		 rc;

	/* Incremented in place and read back under the row lock, so that
	 * concurrent failures (PostgreSQL) cannot lose a count. */
	if ((rc = store_exec(st, account_sql_fail_inc, STORE_ARGS(SV_I(u->id)),
	    NULL, e)) < 0 ||
	    (rc = store_query_int(st, account_sql_fail_get,
	    STORE_ARGS(SV_I(u->id)), &fails, e)) < 0)
		return rc;
	/* the fifth consecutive failure locks for 30 minutes; the
	 * count starts again when the lock ends. */
	if (fails >= ACCOUNT_MAX_FAILS) {
		until = now + ACCOUNT_LOCK_SECS;
		action = "auth.locked";
		if ((rc = store_exec(st, account_sql_lock,
		    STORE_ARGS(SV_I(until), SV_I(u->id)), NULL, e)) < 0)
			return rc;
	}
	if ((rc = account_attempt(st, who, ip, login, 0, action, u->id, now,
	    e)) < 0)
		return rc;
	if (until > 0) {
		out->retry_after = ACCOUNT_LOCK_SECS;
		return err_set(e, ERR_LOCKED, NULL, "too many failed logins: "
		    "the account is locked for %d minutes (A-3)",
		    ACCOUNT_LOCK_SECS / 60);
	}
	return err_set(e, ERR_BAD_LOGIN, NULL, NULL);
}

static int	account_totp_enforced = 1;

void
account_set_totp_enforced(int on)
{
	account_totp_enforced = on;
}

/*
 * A password verified outside the transaction by account_login_run():
 * the SM3 of the hash it was checked against and the verdict.  Thread
 * local, valid only for the account_login() call that follows.
 */
struct account_pwcheck {
	int	valid;
	int	ok;
	char	hash_sm3[2 * CRYPTO_SM3_LEN + 1];
};
static _Thread_local struct account_pwcheck	account_pre;

/* The verdict for hash: from the pre-check when it matches, else scrypt. */
static int
account_pw_ok(const char *password, const char *hash)
{
	char	d[2 * CRYPTO_SM3_LEN + 1];

	if (account_pre.valid) {
		crypto_sm3_hex(hash, strlen(hash), d);
		if (strcmp(d, account_pre.hash_sm3) == 0)
			return account_pre.ok;
	}
	return crypto_password_verify(password, hash, NULL) == 0;
}

int
account_login(struct store *st, struct actor *who, const char *login,
    const char *password, const char *otp, const char *ip,
    const char *user_agent, struct account_session *out, struct err *e)
{
	struct account_user	*u = NULL;
	char			*hash = NULL, *tok = NULL, *csrf = NULL;
	char			*scratch = NULL, *p;
	char			 lg[65], ipb[64], ua[256];
	char			 th[2 * CRYPTO_SM3_LEN + 1];
	int64_t			 now = clock_now(), n, t, sid, step;
	int			 rc, pwok, wait;

	memset(out, 0, sizeof(*out));
	if (!store_in_tx(st))
		return err_set(e, ERR_INTERNAL, NULL,
		    "login outside a transaction");
	account_clip(login, lg, sizeof(lg));
	/* Logins are lower case (ACC-001); accept what a phone capitalised. */
	for (p = lg; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	account_clip(ip ? ip : who->ip, ipb, sizeof(ipb));
	account_clip(user_agent, ua, sizeof(ua));
	if (password == NULL)
		password = "";
	if (otp == NULL)
		otp = "";

	/* the per-IP limit comes first, so a flood costs no scrypt. */
	if ((rc = store_query_int(st, account_sql_ip_fails,
	    STORE_ARGS(SV_S(ipb), SV_I(now - ACCOUNT_IP_WINDOW)), &n, e)) < 0)
		goto out;
	if (n >= ACCOUNT_IP_MAX_FAILS) {
		/* Wait until the oldest failure that keeps the count at the
		 * limit leaves the window. */
		if ((rc = store_query_int(st, account_sql_ip_nth,
		    STORE_ARGS(SV_S(ipb), SV_I(now - ACCOUNT_IP_WINDOW),
		    SV_I(ACCOUNT_IP_MAX_FAILS - 1)), &t, e)) < 0)
			goto out;
		wait = (int)(t + ACCOUNT_IP_WINDOW - now);
		if (wait < 1)
			wait = 1;
		/* Recorded as refused (ok = 2): it does not extend the
		 * window, so obeying Retry-After is enough. */
		if ((rc = account_attempt(st, who, ipb, lg, 2,
		    "auth.login_failed", 0, now, e)) < 0)
			goto out;
		out->retry_after = wait;
		rc = err_set(e, ERR_RATE_LIMITED, NULL, "too many failed "
		    "logins from this address: try again in %d seconds (A-3)",
		    wait);
		goto out;
	}

	rc = account_user_fetch(st, 0, lg, &u, &hash, e);
	if (rc < 0 && rc != ERR_NOT_FOUND)
		goto out;
	if (rc == ERR_NOT_FOUND || hash == NULL) {
		/* ACC-013: spend the scrypt time of a real check, then answer
		 * as for a wrong password (account_login_run() spent it
		 * already, outside the transaction). */
		if (!account_pre.valid &&
		    crypto_password_hash(password, &scratch, NULL) < 0)
			scratch = NULL;
		if ((rc = account_attempt(st, who, ipb, lg, 0,
		    "auth.login_failed", u ? u->id : 0, now, e)) < 0)
			goto out;
		rc = err_set(e, ERR_BAD_LOGIN, NULL, NULL);
		goto out;
	}
	pwok = account_pw_ok(password, hash);
	/* locked means locked, whatever the password. */
	if (u->locked_until > now) {
		if ((rc = account_attempt(st, who, ipb, lg, 0,
		    "auth.login_failed", u->id, now, e)) < 0)
			goto out;
		wait = (int)(u->locked_until - now);
		out->retry_after = wait;
		rc = err_set(e, ERR_LOCKED, NULL, "the account is locked after "
		    "repeated failures: try again in %d minutes (A-3)",
		    (wait + 59) / 60);
		goto out;
	}
	if (!pwok) {
		rc = account_login_fail(st, who, u, ipb, lg, now, out, e);
		goto out;
	}
	if (strcmp(u->status, "active") != 0) {
		if ((rc = account_attempt(st, who, ipb, lg, 0,
		    "auth.login_failed", u->id, now, e)) < 0)
			goto out;
		rc = err_set(e, ERR_FORBIDDEN, NULL, "the account is disabled");
		goto out;
	}
	/* the second factor, once enrolled. */
	if (u->totp_enabled) {
		if (*otp == '\0') {
			if ((rc = account_attempt(st, who, ipb, lg, 0,
			    "auth.login_failed", u->id, now, e)) < 0)
				goto out;
			rc = err_set(e, ERR_OTP_REQUIRED, "otp", NULL);
			goto out;
		}
		step = account_totp_verify(st, u->id, otp, now, e);
		if (step == ERR_BAD_LOGIN) {
			rc = account_login_fail(st, who, u, ipb, lg, now, out,
			    e);
			goto out;
		}
		if (step < 0) {
			rc = (int)step;
			goto out;
		}
	}

	if ((u->failed_count != 0 || u->locked_until != 0) &&
	    (rc = store_exec(st, account_sql_ok_upd, STORE_ARGS(SV_I(u->id)),
	    NULL, e)) < 0)
		goto out;
	/* a new 256-bit token; only its SM3 is stored. */
	tok = crypto_random_hex(ACCOUNT_TOKEN_HEX / 2);
	csrf = crypto_random_hex(ACCOUNT_TOKEN_HEX / 2);
	crypto_sm3_hex(tok, strlen(tok), th);
	sid = id_next();
	if ((rc = store_exec(st, account_sql_session_ins, STORE_ARGS(SV_I(sid),
	    SV_S(th), SV_I(u->id), SV_S(csrf), SV_S(ipb), SV_S(ua), SV_I(now),
	    SV_I(now)), NULL, e)) < 0)
		goto out;
	if ((rc = account_attempt(st, who, ipb, lg, 1, "auth.login", u->id,
	    now, e)) < 0)
		goto out;
	snprintf(out->token, sizeof(out->token), "%s", tok);
	snprintf(out->csrf, sizeof(out->csrf), "%s", csrf);
	out->session_id = sid;
	out->must_change = u->must_change || u->password_expired;
	out->totp_required = u->totp_required;
	out->user = u;
	u = NULL;
	rc = 0;
out:
	mem_free_secret(hash);
	mem_free_secret(tok);
	mem_free_secret(csrf);
	mem_free_secret(scratch);
	account_user_free(u);
	return rc;
}

int
account_login_run(struct store *st, struct actor *who, const char *login,
    const char *password, const char *otp, const char *ip,
    const char *user_agent, struct account_session *out, struct err *e)
{
	struct account_user	*u = NULL;
	char			*hash = NULL, *scratch = NULL, *p;
	char			 lg[65];
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (store_in_tx(st))
		return err_set(e, ERR_INTERNAL, NULL,
		    "account_login_run inside a transaction");
	account_clip(login, lg, sizeof(lg));
	for (p = lg; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	/* The expensive part, with no lock held. */
	memset(&account_pre, 0, sizeof(account_pre));
	rc = account_user_fetch(st, 0, lg, &u, &hash, e);
	if (rc < 0 && rc != ERR_NOT_FOUND)
		goto out;
	if (rc == 0 && hash != NULL) {
		account_pre.ok = crypto_password_verify(password ? password :
		    "", hash, NULL) == 0;
		crypto_sm3_hex(hash, strlen(hash), account_pre.hash_sm3);
	} else if (crypto_password_hash(password ? password : "", &scratch,
	    NULL) < 0)
		scratch = NULL;
	account_pre.valid = 1;

	if ((rc = store_begin(st, e)) < 0)
		goto out;
	who->audit_count = 0;
	rc = account_login(st, who, login, password, otp, ip, user_agent, out,
	    e);
	if (rc == 0 || who->audit_count > 0) {
		/* Failures are kept: the attempt and its audit entry. */
		struct err	ce;
		int		crc = store_commit(st, &ce);

		if (crc < 0) {
			account_session_clear(out);
			rc = err_set(e, crc, NULL, "%s", ce.msg);
		}
	} else
		store_rollback(st);
out:
	memset(&account_pre, 0, sizeof(account_pre));
	mem_free_secret(hash);
	mem_free_secret(scratch);
	account_user_free(u);
	return rc;
}

/* End an expired session server-side and audit it. */
static int
account_session_expire(struct store *st, const struct actor *ctx,
    const char *ip, int64_t sid, int64_t uid, const char *reason,
    int64_t now, struct err *e)
{
	struct actor	sys;
	int64_t		changes = 0;
	int		own, rc;

	actor_system(&sys, ctx->request_id);
	snprintf(sys.ip, sizeof(sys.ip), "%s", ip ? ip : ctx->ip);
	if ((rc = store_begin_own(st, &own, e)) < 0)
		return rc;
	rc = store_exec(st, account_sql_session_end, STORE_ARGS(SV_I(now),
	    SV_S(reason), SV_I(sid)), &changes, e);
	/* A concurrent request may have ended it first. */
	if (rc == 0 && changes > 0)
		rc = audit_append_id(st, &sys, "auth.session_expired", "user",
		    uid, NULL, e);
	return store_end_own(st, own, rc, e);
}

static int
account_token_ok(const char *t)
{
	size_t	i;

	if (t == NULL || strlen(t) != ACCOUNT_TOKEN_HEX)
		return 0;
	for (i = 0; i < ACCOUNT_TOKEN_HEX; i++)
		if (!((t[i] >= '0' && t[i] <= '9') ||
		    (t[i] >= 'a' && t[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * A node-local cache of authenticated sessions (ACC-015).  A hit within
 * account_sc_ttl_us skips the database entirely; any committed write on
 * this node flushes the whole cache (account_session_cache_flush(), called
 * by the HTTP layer), so this node never serves a stale answer about its
 * own changes, and other nodes see a logout or a disabled user within the
 * TTL (1 s by default).  Direct-mapped; a collision just evicts.
 */
#define ACCOUNT_SC_SLOTS	1024

struct account_sc {
	pthread_mutex_t	 mu;
	uint64_t	 gen;
	int64_t		 at_us;
	char		 th[2 * CRYPTO_SM3_LEN + 1];
	struct actor	 a;
	json_t		*me;
};

static struct account_sc	*account_sc_tab;
static pthread_once_t		 account_sc_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t		 account_sc_gen = 1;
static int64_t			 account_sc_ttl_us = 1000000;

static void
account_sc_init(void)
{
	int	i;

	account_sc_tab = xcalloc(ACCOUNT_SC_SLOTS, sizeof(*account_sc_tab));
	for (i = 0; i < ACCOUNT_SC_SLOTS; i++)
		pthread_mutex_init(&account_sc_tab[i].mu, NULL);
}

void
account_set_session_cache_ms(int ms)
{
	account_sc_ttl_us = ms > 0 ? (int64_t)ms * 1000 : 0;
}

void
account_session_cache_flush(void)
{
	atomic_fetch_add(&account_sc_gen, 1);
}

static struct account_sc *
account_sc_slot(const char *th)
{
	unsigned	h = 0;
	int		i;

	pthread_once(&account_sc_once, account_sc_init);
	for (i = 0; i < 8; i++)
		h = h << 4 | (unsigned)(th[i] <= '9' ? th[i] - '0' :
		    th[i] - 'a' + 10);
	return &account_sc_tab[h % ACCOUNT_SC_SLOTS];
}

/*
 * The session fields of a cached actor into out, keeping out's request
 * id; the permissions in use only (an actor is 6.5 KB, most of it empty
 * permission slots: copying all of it was 1 % of a unit read).
 */
static void
account_sc_copy(struct actor *out, const struct actor *a, const char *ip)
{
	/* Everything before the permissions, then the ones in use; of the
	 * members after them, the request's own id stays. */
	memcpy(out, a, offsetof(struct actor, perms));
	memcpy(out->perms, a->perms, (size_t)a->nperms * sizeof(a->perms[0]));
	out->audit_count = a->audit_count;
	if (ip != NULL)
		snprintf(out->ip, sizeof(out->ip), "%s", ip);
	else
		memcpy(out->ip, a->ip, sizeof(out->ip));
}

/* Fresh entry for th: copy its actor to out (keeping request fields). */
static int
account_sc_get(const char *th, const char *ip, struct actor *out)
{
	struct account_sc	*s = account_sc_slot(th);
	int			 hit = 0;

	pthread_mutex_lock(&s->mu);
	if (s->gen == atomic_load(&account_sc_gen) &&
	    clock_mono_us() - s->at_us < account_sc_ttl_us &&
	    strcmp(s->th, th) == 0) {
		account_sc_copy(out, &s->a, ip);
		hit = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return hit;
}

static void
account_sc_put(const char *th, uint64_t gen, const struct actor *a)
{
	struct account_sc	*s = account_sc_slot(th);

	pthread_mutex_lock(&s->mu);
	json_decref(s->me);
	s->me = NULL;
	s->gen = gen;
	s->at_us = clock_mono_us();
	snprintf(s->th, sizeof(s->th), "%s", th);
	s->a = *a;
	pthread_mutex_unlock(&s->mu);
}

json_t *
account_session_cached_me(const struct actor *who)
{
	struct account_sc	*s;
	json_t			*me = NULL;

	if (account_sc_ttl_us == 0 || who->token_hash[0] == '\0')
		return NULL;
	s = account_sc_slot(who->token_hash);
	pthread_mutex_lock(&s->mu);
	if (s->me != NULL && s->gen == atomic_load(&account_sc_gen) &&
	    clock_mono_us() - s->at_us < account_sc_ttl_us &&
	    strcmp(s->th, who->token_hash) == 0)
		me = json_incref(s->me);
	pthread_mutex_unlock(&s->mu);
	return me;
}

void
account_session_cache_me(const struct actor *who, json_t *me)
{
	struct account_sc	*s;

	if (account_sc_ttl_us == 0 || who->token_hash[0] == '\0')
		return;
	s = account_sc_slot(who->token_hash);
	pthread_mutex_lock(&s->mu);
	if (s->me == NULL && strcmp(s->th, who->token_hash) == 0 &&
	    s->gen == atomic_load(&account_sc_gen))
		s->me = json_incref(me);
	pthread_mutex_unlock(&s->mu);
}

int
account_session_check(struct store *st, const char *token, const char *ip,
    struct actor *out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct account_user	*u = NULL;
	struct actor		*a = NULL;
	const char		*reason = NULL;
	char			 th[2 * CRYPTO_SM3_LEN + 1], csrf[72];
	int64_t			 now = clock_now(), sid, uid, created, seen;
	int64_t			 idle;
	uint64_t		 gen;
	int			 ended, own, rc;

	if (!account_token_ok(token))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, NULL);
	crypto_sm3_hex(token, ACCOUNT_TOKEN_HEX, th);
	/* Read the generation first: a flush during the lookup below then
	 * makes the entry stale at once. */
	gen = atomic_load(&account_sc_gen);
	if (account_sc_ttl_us > 0 && account_sc_get(th, ip, out))
		return 0;
	if ((rc = store_query(st, account_sql_session_hash,
	    STORE_ARGS(SV_S(th)), &r, e)) < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_UNAUTHENTICATED, NULL, NULL);
		goto out;
	}
	sid = store_int(r, 0);
	uid = store_int(r, 1);
	snprintf(csrf, sizeof(csrf), "%s", store_text(r, 2));
	created = store_int(r, 3);
	seen = store_int(r, 4);
	ended = !store_isnull(r, 5);
	store_rows_free(r);
	r = NULL;
	if (ended) {
		rc = err_set(e, ERR_UNAUTHENTICATED, NULL, "session ended");
		goto out;
	}
	rc = account_user_fetch(st, uid, NULL, &u, NULL, e);
	if (rc == ERR_NOT_FOUND)
		rc = err_set(e, ERR_UNAUTHENTICATED, NULL, NULL);
	if (rc < 0)
		goto out;

	/* idle 15 min for the 三员, 30 for others; 12 h at most. */
	idle = u->admin_kind[0] ? ACCOUNT_IDLE_ADMIN : ACCOUNT_IDLE_USER;
	if (strcmp(u->status, "active") != 0)
		reason = "disabled";
	else if (now - created > ACCOUNT_SESSION_MAX)
		reason = "expired";
	else if (now - seen > idle)
		reason = "idle";
	if (reason != NULL) {
		if ((rc = account_session_expire(st, out, ip, sid, uid, reason,
		    now, e)) < 0)
			goto out;
		rc = err_set(e, ERR_UNAUTHENTICATED, NULL, "session %s",
		    strcmp(reason, "disabled") == 0 ? "ended" : "expired");
		goto out;
	}
	/* ACC-011: note activity at most once a minute, not per request. */
	if (now - seen >= ACCOUNT_SEEN_EVERY) {
		if ((rc = store_begin_own(st, &own, e)) < 0)
			goto out;
		rc = store_exec(st, account_sql_session_seen,
		    STORE_ARGS(SV_I(now), SV_I(sid), SV_I(now)), NULL, e);
		if ((rc = store_end_own(st, own, rc, e)) < 0)
			goto out;
	}

	a = xcalloc(1, sizeof(*a));
	a->kind = ACTOR_USER;
	a->user_id = uid;
	a->session_id = sid;
	snprintf(a->login, sizeof(a->login), "%s", u->login);
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "%s",
	    u->jurisdiction);
	snprintf(a->admin_kind, sizeof(a->admin_kind), "%s", u->admin_kind);
	a->must_change = u->must_change || u->password_expired;
	a->totp_missing = u->totp_required && account_totp_enforced;
	snprintf(a->csrf, sizeof(a->csrf), "%s", csrf);
	snprintf(a->request_id, sizeof(a->request_id), "%s", out->request_id);
	snprintf(a->ip, sizeof(a->ip), "%s", ip ? ip : out->ip);
	if ((rc = store_query(st, account_sql_perms, STORE_ARGS(SV_I(uid)), &r,
	    e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1)
		actor_add_perm(a, store_text(r, 0));
	if (rc < 0)
		goto out;
	snprintf(a->token_hash, sizeof(a->token_hash), "%s", th);
	if (account_sc_ttl_us > 0)
		account_sc_put(th, gen, a);
	*out = *a;
	rc = 0;
out:
	store_rows_free(r);
	account_user_free(u);
	if (a != NULL) {
		mem_wipe(a->csrf, sizeof(a->csrf));
		free(a);
	}
	mem_wipe(csrf, sizeof(csrf));
	return rc;
}

int
account_sessions_end_all(struct store *st, int64_t uid, int64_t keep,
    const char *reason, int64_t now, struct err *e)
{
	return store_exec(st, account_sql_sessions_end_all,
	    STORE_ARGS(SV_I(now), SV_S(reason), SV_I(uid), SV_I(keep)), NULL,
	    e);
}

static int
account_need_user(const struct actor *who, struct err *e)
{
	if (who->kind != ACTOR_USER || who->session_id == 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, NULL);
	return 0;
}

int
account_logout(struct store *st, struct actor *who, struct err *e)
{
	int	rc;

	if ((rc = account_need_user(who, e)) < 0)
		return rc;
	if ((rc = store_exec(st, account_sql_session_end,
	    STORE_ARGS(SV_I(clock_now()), SV_S("logout"),
	    SV_I(who->session_id)), NULL, e)) < 0)
		return rc;
	return audit_append_id(st, who, "auth.logout", "user", who->user_id,
	    NULL, e);
}

int
account_sessions_list(struct store *st, struct actor *who, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a = NULL;
	int64_t			 now = clock_now(), id, created, seen, idle;
	int			 rc;

	if ((rc = account_need_user(who, e)) < 0)
		return rc;
	idle = who->admin_kind[0] ? ACCOUNT_IDLE_ADMIN : ACCOUNT_IDLE_USER;
	if ((rc = store_query(st, account_sql_sessions_user,
	    STORE_ARGS(SV_I(who->user_id)), &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1) {
		id = store_int(r, 0);
		created = store_int(r, 1);
		seen = store_int(r, 2);
		/* Expired but not yet noticed: already dead, not listed. */
		if (now - created > ACCOUNT_SESSION_MAX || now - seen > idle)
			continue;
		json_array_append_new(a, json_pack("{s:o, s:I, s:I, s:s, s:s, "
		    "s:b}", "id", jx_id(id), "created_at", (json_int_t)created,
		    "last_seen_at", (json_int_t)seen, "ip", store_text(r, 3),
		    "user_agent", store_text(r, 4), "current",
		    id == who->session_id));
	}
	if (rc < 0)
		goto out;
	*out = a;
	a = NULL;
	rc = 0;
out:
	json_decref(a);
	store_rows_free(r);
	return rc;
}

int
account_session_end(struct store *st, struct actor *who, int64_t id,
    struct err *e)
{
	int64_t	owner;
	int	rc;

	if ((rc = account_need_user(who, e)) < 0)
		return rc;
	rc = store_query_int(st, account_sql_session_owner,
	    STORE_ARGS(SV_I(id)), &owner, e);
	/* Another user's session does not exist for who. */
	if (rc == ERR_NOT_FOUND || (rc == 0 && owner != who->user_id))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such session");
	if (rc < 0)
		return rc;
	if ((rc = store_exec(st, account_sql_session_end,
	    STORE_ARGS(SV_I(clock_now()), SV_S("ended_by_user"), SV_I(id)),
	    NULL, e)) < 0)
		return rc;
	return audit_append_id(st, who, "auth.session_end", "user",
	    who->user_id, NULL, e);
}

int
account_password_change(struct store *st, struct actor *who,
    const char *old_password, const char *new_password, struct err *e)
{
	struct account_user	*u = NULL;
	char			*hash = NULL, *nh = NULL;
	int64_t			 now = clock_now();
	int			 rc;

	if ((rc = account_need_user(who, e)) < 0)
		return rc;
	if ((rc = account_user_fetch(st, who->user_id, NULL, &u, &hash,
	    e)) < 0)
		goto out;
	if (old_password == NULL || hash == NULL ||
	    crypto_password_verify(old_password, hash, NULL) != 0) {
		rc = err_set(e, ERR_POLICY, "old_password",
		    "the current password is wrong");
		goto out;
	}
	if ((rc = account_pw_policy(u->login, new_password,
	    u->admin_kind[0] != '\0', "new_password", e)) < 0)
		goto out;
	if ((rc = account_pw_history_check(st, u->id, new_password,
	    "new_password", e)) < 0)
		goto out;
	if ((rc = crypto_password_hash(new_password, &nh, e)) < 0)
		goto out;
	if ((rc = store_exec(st, account_sql_pw_set, STORE_ARGS(SV_S(nh),
	    SV_I(now), SV_I(now), SV_I(u->id)), NULL, e)) < 0)
		goto out;
	if ((rc = account_pw_remember(st, u->id, nh, now, e)) < 0)
		goto out;
	/* Whoever else holds a session of this user is out. */
	if ((rc = account_sessions_end_all(st, u->id, who->session_id,
	    "password_changed", now, e)) < 0)
		goto out;
	if ((rc = account_user_audit(st, who, "user.password_change", u->id,
	    NULL, e)) < 0)
		goto out;
	who->must_change = 0;
	rc = 0;
out:
	mem_free_secret(hash);
	mem_free_secret(nh);
	account_user_free(u);
	return rc;
}

int
account_totp_start(struct store *st, struct actor *who, json_t **out,
    struct err *e)
{
	struct account_user	*u = NULL;
	const unsigned char	*dk = account_data_key();
	unsigned char		 key[ACCOUNT_TOTP_KEY_LEN], *sealed = NULL;
	size_t			 slen = 0;
	char			*hex = NULL, *b32 = NULL, *uri = NULL;
	int			 rc;

	if ((rc = account_need_user(who, e)) < 0)
		return rc;
	if (dk == NULL)
		return err_set(e, ERR_CRYPTO, NULL, "no data key configured");
	if ((rc = account_user_fetch(st, who->user_id, NULL, &u, NULL, e)) < 0)
		goto out;
	if (u->totp_enabled) {
		rc = err_set(e, ERR_CONFLICT, "otp", "two-factor login is "
		    "already enabled");
		goto out;
	}
	crypto_random(key, sizeof(key));
	if ((rc = crypto_seal(dk, key, sizeof(key), &sealed, &slen, e)) < 0)
		goto out;
	hex = xmalloc(2 * slen + 1);
	str_hex(sealed, slen, hex);
	if ((rc = store_exec(st, account_sql_totp_pending,
	    STORE_ARGS(SV_S(hex), SV_I(u->id)), NULL, e)) < 0)
		goto out;
	if ((rc = account_user_audit(st, who, "user.totp_start", u->id, NULL,
	    e)) < 0)
		goto out;
	b32 = crypto_base32_encode(key, sizeof(key));
	uri = xasprintf("otpauth://totp/Firewarden:%s?secret=%s"
	    "&issuer=Firewarden&algorithm=SHA1&digits=6&period=30",
	    u->login, b32);
	*out = json_pack("{s:s, s:s}", "secret", b32, "uri", uri);
	rc = 0;
out:
	mem_wipe(key, sizeof(key));
	free(sealed);
	free(hex);
	mem_free_secret(b32);
	mem_free_secret(uri);
	account_user_free(u);
	return rc;
}

int
account_totp_confirm(struct store *st, struct actor *who, const char *otp,
    struct err *e)
{
	struct store_rows	*r = NULL;
	unsigned char		*key = NULL;
	size_t			 klen = 0;
	int64_t			 step, now = clock_now();
	int			 rc;

	if ((rc = account_need_user(who, e)) < 0)
		return rc;
	if ((rc = store_query(st, account_sql_totp_get,
	    STORE_ARGS(SV_I(who->user_id)), &r, e)) < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0 || store_isnull(r, 2)) {
		rc = err_set(e, ERR_CONFLICT, "otp",
		    "start the enrolment first");
		goto out;
	}
	if ((rc = account_totp_open(store_text(r, 2), &key, &klen, e)) < 0)
		goto out;
	store_rows_free(r);
	r = NULL;
	step = crypto_totp_check(key, klen, now, otp);
	if (step < 0) {
		rc = err_set(e, ERR_INVALID, "otp", "wrong one-time code");
		goto out;
	}
	if ((rc = store_exec(st, account_sql_totp_enable, STORE_ARGS(SV_I(step),
	    SV_I(now), SV_I(who->user_id)), NULL, e)) < 0)
		goto out;
	rc = account_user_audit(st, who, "user.totp_enable", who->user_id, NULL,
	    e);
out:
	store_rows_free(r);
	if (key != NULL) {
		mem_wipe(key, klen);
		free(key);
	}
	return rc;
}
