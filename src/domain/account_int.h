/*
 * What the account_*.c files share and nobody else sees: the start-up
 * configuration, loading a user row, the password history, and ending
 * sessions.  Everything here follows the contracts of account.h.
 */
#ifndef FW_ACCOUNT_INT_H
#define FW_ACCOUNT_INT_H

#include "account.h"

/* The TOTP data key, or NULL when account_set_data_key() was not called. */
const unsigned char	*account_data_key(void);
/* 1 if a password changed at changed_at is past rotation at now. */
int	 account_pw_expired(int64_t changed_at, int64_t now);

/*
 * Load a user by id (login NULL) or by login, with roles and derived
 * flags.  *hash_out (may be NULL) receives the stored password hash,
 * owned by the caller.  ERR_NOT_FOUND when absent.
 */
int	 account_user_fetch(struct store *st, int64_t id, const char *login,
	    struct account_user **out, char **hash_out, struct err *e);
/* The canonical audit record of a loaded user (account_user_record). */
json_t	*account_user_record_json(const struct account_user *u);
/*
 * Reload user id after a change, append the audit entry action with its
 * canonical record, and hand the user out (out may be NULL).
 */
int	 account_user_audit(struct store *st, struct actor *who,
	    const char *action, int64_t id, struct account_user **out,
	    struct err *e);
/* 1 if who may see a record of jurisdiction jur (Z-2, ACC-009). */
int	 account_covers(const struct actor *who, const char *jur);

/* A-1 with the error naming field (the API's body key). */
int	 account_pw_policy(const char *login, const char *password, int admin,
	    const char *field, struct err *e);
/* A-1 history: ERR_POLICY (field) if password is one of the last 5. */
int	 account_pw_history_check(struct store *st, int64_t uid,
	    const char *password, const char *field, struct err *e);
/* Remember a newly set hash in password_history. */
int	 account_pw_remember(struct store *st, int64_t uid, const char *hash,
	    int64_t now, struct err *e);
/* A random 16-character password meeting the administrator policy. */
void	 account_pw_random(char out[17]);

/*
 * End every active session of uid except keep (0 = none) with reason.
 */
int	 account_sessions_end_all(struct store *st, int64_t uid, int64_t keep,
	    const char *reason, int64_t now, struct err *e);

#endif
