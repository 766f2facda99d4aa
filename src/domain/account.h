/*
 * The account module: users, roles and permissions, jurisdictions, the
 * password policy, logins and sessions, TOTP, and the separation of the
 * three administrators (三员分立).  The rules of SECURITY.md A-1..A-7 and
 * Z-2, and the module rules ACC-xxx of docs/modules/account.md, are
 * enforced here rather than in the API, so the CLI gets them too.
 *
 * Unless a contract says otherwise, a function that changes something
 * runs inside the caller's open transaction and appends exactly one audit
 * entry there; on failure nothing has been written and the caller rolls
 * back.  Ids travel as int64; JSON views give them as strings.
 */
#ifndef FW_ACCOUNT_H
#define FW_ACCOUNT_H

#include <stdint.h>

#include <jansson.h>

#include "../crypto/crypto.h"
#include "../store/store.h"
#include "actor.h"

/* Limits and timings. */
#define ACCOUNT_LOGIN_MIN	3
#define ACCOUNT_LOGIN_MAX	32
#define ACCOUNT_NAME_MAX	64	/* code points */
#define ACCOUNT_PW_MIN		8
#define ACCOUNT_PW_MIN_ADMIN	12
#define ACCOUNT_PW_MAX		128	/* code points */
#define ACCOUNT_PW_HISTORY	5
#define ACCOUNT_MAX_FAILS	5	/* consecutive, per user */
#define ACCOUNT_LOCK_SECS	1800
#define ACCOUNT_IP_MAX_FAILS	20	/* per IP within ACCOUNT_IP_WINDOW */
#define ACCOUNT_IP_WINDOW	900
#define ACCOUNT_IDLE_ADMIN	900	/* holders of a 三员 role */
#define ACCOUNT_IDLE_USER	1800
#define ACCOUNT_SESSION_MAX	43200	/* absolute session lifetime */
#define ACCOUNT_SEEN_EVERY	60	/* last_seen_at write interval */
#define ACCOUNT_ROTATION_DAYS	90	/* default; 0 switches rotation off */
#define ACCOUNT_MAX_ROLES	12
#define ACCOUNT_MAX_PERMS	64
#define ACCOUNT_ROLE_ID_MAX	16
#define ACCOUNT_PERM_MAX	48
#define ACCOUNT_TOKEN_HEX	64	/* 32 random bytes */
#define ACCOUNT_DEFAULT_COMMON	"data/common-passwords.txt"

/*
 * The catalogue of known permissions.  admin_kind is "sys", "sec" or
 * "audit" for a permission that only that 三员 role may hold;
 * admin_ok is 1 for a permission a 三员 role may hold besides its own.
 */
struct account_perm {
	const char	*perm;
	const char	*admin_kind;
	int		 admin_ok;
	const char	*title_zh;
	const char	*title_en;
};
/* Terminated by a row whose perm is NULL. */
extern const struct account_perm	account_permissions[];

/* The catalogue entry for perm, or NULL. */
const struct account_perm *account_perm_find(const char *perm);
/* The catalogue as [{"perm","admin_kind","title_zh","title_en"}]. */
json_t	*account_permissions_json(void);

/*
 * Start-up configuration.  Call before serving; not thread-safe against
 * concurrent logins.
 *
 * account_set_data_key(): the 48-byte key (crypto_seal) under which TOTP
 * secrets are stored.  Without it TOTP enrolment and TOTP logins fail
 * with ERR_CRYPTO.  The key is copied.
 *
 * account_set_common_passwords(): load the common-password list (one per
 * line, '#' comments, compared case-insensitively) from path, or from
 * ACCOUNT_DEFAULT_COMMON when path is NULL.  If the file cannot be read
 * the built-in short list stays in force and ERR_IO is returned (the
 * caller logs it); the policy never runs without a list.
 *
 * account_set_rotation_days(): passwords older than this must be changed
 * at the next login (must_change in the session); 0 = no rotation.
 */
void	account_set_data_key(const unsigned char key[CRYPTO_SEAL_KEY_LEN]);
int	account_set_common_passwords(const char *path, struct err *e);
void	account_set_rotation_days(int days);
/*
 * with enforcement on (the default) a session of an administrator or
 * approver who has not enrolled TOTP is marked totp_missing and the HTTP
 * layer lets it do nothing but enrol, change its password or log out.
 * Off only for deployments in a documented grace period, and for tests
 * that are not about the second factor.
 */
void	account_set_totp_enforced(int on);
/*
 * The node-local session cache (ACC-015): a session checked within the
 * last ms milliseconds is answered from memory (default 1000; 0 turns
 * the cache off).  account_session_cache_flush() invalidates every entry;
 * the HTTP layer calls it after every committed write, so a node never
 * answers from memory about a change it made itself.  Other nodes see a
 * change within the TTL.  account_session_cached_me() returns a new
 * reference to the cached /me view of who's session, or NULL;
 * account_session_cache_me() stores one.
 */
void	account_set_session_cache_ms(int ms);
void	account_session_cache_flush(void);
json_t	*account_session_cached_me(const struct actor *who);
void	account_session_cache_me(const struct actor *who, json_t *me);

/*
 * Check a new password against A-1 for a user with this login (admin:
 * the user holds a 三员 role).  Does not check the history.  0 or
 * ERR_POLICY naming field "password" with a message citing the rule.
 */
int	account_password_check(const char *login, const char *password,
	    int admin, struct err *e);

/* A user as the domain hands it out; secrets are never loaded into it. */
struct account_user {
	int64_t	 id;
	char	 login[ACCOUNT_LOGIN_MAX + 1];
	char	 display_name[4 * ACCOUNT_NAME_MAX + 1];
	char	 jurisdiction[80];
	char	 status[12];			/* active | disabled */
	int	 nroles;
	char	 roles[ACCOUNT_MAX_ROLES][ACCOUNT_ROLE_ID_MAX];	/* sorted */
	char	 admin_kind[8];			/* of a 三员 role, or "" */
	int	 must_change;			/* the stored flag */
	int	 password_expired;		/* rotation (at load time) */
	int	 totp_enabled;
	int	 totp_required;			/* A-6 role and not enrolled */
	int	 failed_count;
	int64_t	 locked_until;
	int64_t	 password_changed_at;
	int64_t	 version;
	int64_t	 created_at;
	int64_t	 updated_at;
	char	 credential[17];		/* SM3(password hash), 16 hex */
};

/* The API view: no secrets; id as a string. */
json_t	*account_user_json(const struct account_user *u);
void	 account_user_free(struct account_user *u);

/*
 * What create and update take.  For update, a NULL string or has_roles
 * == 0 leaves that attribute unchanged.
 */
struct account_user_input {
	const char		*login;		/* create only */
	const char		*display_name;
	const char		*jurisdiction;	/* NULL on create: "city" for a
						 * 三员 role, else required */
	int			 has_roles;
	const char *const	*roles;
	int			 nroles;
};

/*
 * Create a user with an initial password that must be changed at first
 * login (must_change = 1).  Needs account:write; a 三员 role can only be
 * given by the system actor (ACC-005).  Audit "user.create".  Errors:
 * ERR_INVALID / ERR_MISSING naming the field, ERR_CONFLICT (login),
 * ERR_POLICY (roles, jurisdiction, password), ERR_FORBIDDEN.
 */
int	account_user_create(struct store *st, struct actor *who,
	    const struct account_user_input *in, const char *password,
	    struct account_user **out, struct err *e);
/* One user, if within who's jurisdiction (Z-2); else ERR_NOT_FOUND. */
int	account_user_get(struct store *st, struct actor *who, int64_t id,
	    struct account_user **out, struct err *e);

struct account_user_query {
	const char	*q;		/* substring of login or display name */
	const char	*role;		/* role id */
	const char	*status;	/* active | disabled */
	const char	*sort;		/* [-]login|display_name|status|
					 * created_at|updated_at */
	int64_t		 offset;
	int64_t		 limit;
};
/*
 * Users within who's jurisdiction (Z-2), as an array of API views, and
 * the total matching.  ERR_INVALID naming sort, role or status.
 */
int	account_user_list(struct store *st, struct actor *who,
	    const struct account_user_query *q, json_t **items, int64_t *total,
	    struct err *e);
/*
 * Change display name, roles and/or jurisdiction of a user at version
 * expected (ERR_STALE otherwise).  Audit "user.update".
 */
int	account_user_update(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const struct account_user_input *in,
	    struct account_user **out, struct err *e);
/* Disable (ending every session) or enable (clearing a lock) a user.
 * Audit "user.disable" / "user.enable". */
int	account_user_disable(struct store *st, struct actor *who, int64_t id,
	    struct account_user **out, struct err *e);
int	account_user_enable(struct store *st, struct actor *who, int64_t id,
	    struct account_user **out, struct err *e);
/*
 * Set a one-time password (must_change = 1), clear a lock, end every
 * session of the user; with reset_totp also remove the second factor.
 * Audit "user.reset_password".
 */
int	account_user_reset_password(struct store *st, struct actor *who,
	    int64_t id, const char *password, int reset_totp,
	    struct account_user **out, struct err *e);

/*
 * Canonical records for `audit verify --deep` (struct audit_type.load):
 * "user": {id, login, display_name, jurisdiction, status, roles (sorted),
 * must_change, totp_enabled, version, created_at, updated_at,
 * credential}; "role": {id, name_zh, name_en, admin_kind, permissions
 * (sorted), version, updated_at}.  id is the object id as in the audit
 * entry.  ERR_NOT_FOUND when there is no such object.
 */
int	account_user_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	account_role_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

struct account_role {
	char	 id[ACCOUNT_ROLE_ID_MAX];
	char	 name_zh[64];
	char	 name_en[64];
	char	 admin_kind[8];
	int	 nperms;
	char	 perms[ACCOUNT_MAX_PERMS][ACCOUNT_PERM_MAX];	/* sorted */
	int64_t	 version;
	int64_t	 updated_at;
};

json_t	*account_role_json(const struct account_role *r);
void	 account_role_free(struct account_role *r);
/* Every role with its permissions, as an array of role views. */
int	account_role_list(struct store *st, struct actor *who, json_t **out,
	    struct err *e);
int	account_role_get(struct store *st, struct actor *who, const char *id,
	    struct account_role **out, struct err *e);
/*
 * Replace a role's permissions at version expected.  Needs role:write.
 * Unknown or repeated permission: ERR_INVALID (field permissions);
 * a 三员 permission on another role, a business permission on a 三员
 * role, or a 三员 role losing its own permission: ERR_POLICY (A-7,
 * ACC-008).  Audit "role.update".
 */
int	account_role_set_permissions(struct store *st, struct actor *who,
	    const char *id, int64_t expected, const char *const *perms,
	    int nperms, struct account_role **out, struct err *e);

/*
 * The result of a login.  token is the session cookie value: returned
 * once, never stored (only its SM3).  account_session_clear() wipes the
 * secrets and frees user.  On ERR_RATE_LIMITED and ERR_LOCKED, and only
 * then, retry_after is set (seconds) although the call failed.
 */
struct account_session {
	char			 token[ACCOUNT_TOKEN_HEX + 1];
	char			 csrf[ACCOUNT_TOKEN_HEX + 1];
	int64_t			 session_id;
	int			 must_change;	/* incl. rotation */
	int			 totp_required;
	int			 retry_after;
	struct account_user	*user;
};
void	account_session_clear(struct account_session *s);

/*
 * Log in inside the caller's transaction.  Every attempt
 * is recorded in login_attempts and appends one audit entry: "auth.login",
 * "auth.login_failed", or "auth.locked" for the failure that locks the
 * account; the failure entries are meant to be committed although the
 * call fails (account_login_run() commits them).  who is the public actor
 * of the request.  Errors: ERR_RATE_LIMITED (> 20 failures from ip in 15 min;
 * out->retry_after), ERR_BAD_LOGIN (unknown login, wrong password or
 * wrong/replayed code: indistinguishable), ERR_LOCKED (out->retry_after),
 * ERR_OTP_REQUIRED (password right, TOTP enabled, otp empty),
 * ERR_FORBIDDEN (password right, account disabled).
 */
int	account_login(struct store *st, struct actor *who, const char *login,
	    const char *password, const char *otp, const char *ip,
	    const char *user_agent, struct account_session *out,
	    struct err *e);

/*
 * The login as the API runs it: the scrypt work (checking the password,
 * or the equal dummy work for an unknown login) is done first, outside
 * any transaction, so that a login does not hold the database's write
 * lock for the ~70 ms of scrypt; then account_login() runs in its own
 * transaction using that result (re-checked against the stored hash, in
 * case the password changed meanwhile).  The transaction is committed
 * even when the login fails, provided it recorded the attempt (failures
 * must be kept, A-3).  Must be called with no transaction open.  Same
 * results as account_login().
 */
int	account_login_run(struct store *st, struct actor *who, const char *login,
	    const char *password, const char *otp, const char *ip,
	    const char *user_agent, struct account_session *out,
	    struct err *e);

/*
 * Authenticate a session token.  Runs outside a business
 * transaction: it opens its own short one when it must write (ending an
 * expired session, or last_seen_at at most every ACCOUNT_SEEN_EVERY s);
 * inside an open transaction it writes there.  On success fills out's
 * kind, user_id, session_id, login, jurisdiction, admin_kind,
 * must_change (incl. rotation), csrf and permissions, keeping request_id
 * and setting ip.  ERR_UNAUTHENTICATED for a bad, unknown, ended, idle
 * (15 min for 三员, else 30), older than 12 h session or a disabled user;
 * ERR_STORE / ERR_UNAVAILABLE on database trouble.
 */
int	account_session_check(struct store *st, const char *token,
	    const char *ip, struct actor *out, struct err *e);
/* End who's current session.  Audit "auth.logout". */
int	account_logout(struct store *st, struct actor *who, struct err *e);
/* who's active sessions: [{id, created_at, last_seen_at, ip, user_agent,
 * current}], newest first. */
int	account_sessions_list(struct store *st, struct actor *who,
	    json_t **out, struct err *e);
/* End one of who's own active sessions, else ERR_NOT_FOUND.  Audit
 * "auth.session_end". */
int	account_session_end(struct store *st, struct actor *who, int64_t id,
	    struct err *e);
/*
 * Change who's password: old must match (ERR_POLICY field old_password),
 * new must pass A-1 and not be one of the last 5.  Clears must_change,
 * ends who's other sessions.  Audit "user.password_change".
 */
int	account_password_change(struct store *st, struct actor *who,
	    const char *old_password, const char *new_password,
	    struct err *e);
/*
 * Start TOTP enrolment: a new secret stored sealed as pending; *out is
 * {"secret": base32, "uri": otpauth://...}.  ERR_CONFLICT if already
 * enabled.  Audit "user.totp_start".
 */
int	account_totp_start(struct store *st, struct actor *who, json_t **out,
	    struct err *e);
/* Enable the pending secret if otp is its current code (else
 * ERR_BAD_LOGIN field otp).  Audit "user.totp_enable". */
int	account_totp_confirm(struct store *st, struct actor *who,
	    const char *otp, struct err *e);
/*
 * {user, roles, permissions, jurisdiction, admin_kind, must_change,
 * totp_enabled, totp_required, menu: [{key, title_zh, title_en, path,
 * perm}]} for the signed-in actor.
 */
int	account_me(struct store *st, struct actor *who, json_t **out,
	    struct err *e);

/*
 * First start: for each of sysadmin, secadmin, auditor that no user
 * holds, create a user of that login and role, jurisdiction city, with a
 * random 16-character one-time password (admin policy) and must_change.
 * Idempotent: returns 0 with out->n = 0 when all three are held.  Also
 * gives every role that has no audit entry yet (roles are seeded by the
 * migrations) a "role.seed" entry with its record, so that
 * `audit verify --deep` can check them.  Opens
 * its own transaction when none is open.  The caller prints the
 * passwords once and then calls account_bootstrap_clear().  ERR_CONFLICT
 * if such a login exists without the role.  Audit "user.create" each.
 */
struct account_bootstrap {
	int	n;
	struct {
		char	login[ACCOUNT_LOGIN_MAX + 1];
		char	password[17];
		int64_t	id;
	} acct[3];
};
int	account_bootstrap(struct store *st, struct actor *who,
	    struct account_bootstrap *out, struct err *e);
void	account_bootstrap_clear(struct account_bootstrap *b);
/*
 * Give every role without an audit entry a "role.seed" entry; with
 * after_migration (call it only when migrations were just applied) also
 * record a "role.migrate" entry for each role a migration changed.
 * Opens its own transaction when none is open.
 */
int	account_audit_roles(struct store *st, struct actor *who,
	    int after_migration, struct err *e);

/*
 * `firewarden user add`: create a user with one role; display name =
 * login; jurisdiction NULL means "city".  With password NULL a random
 * one-time password is generated into *password_out (caller frees with
 * mem_free_secret) and must_change is forced on; a given password passes
 * the policy and must_change is as asked.  Opens its own transaction
 * when none is open.  Same errors as account_user_create.
 */
int	account_user_add(struct store *st, struct actor *who, const char *login,
	    const char *role, const char *jurisdiction, const char *password,
	    int must_change, int64_t *id_out, char **password_out,
	    struct err *e);

#endif
