/*
 * Idempotency-Key storage.  Keys are per user; a key reused with another
 * request is refused rather than silently replaying the wrong answer.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/mem.h"
#include "idem.h"

int
idem_lookup(struct store *st, int64_t user_id, const char *key,
    const char *method, const char *path, const char *body_hash,
    int *status, char **response, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT method, path, body_hash, status, "
	    "response FROM idempotency WHERE user_id = ? AND idem_key = ?",
	    STORE_ARGS(SV_I(user_id), SV_S(key)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) <= 0)
		goto out;
	if (strcmp(store_text(r, 0), method) != 0 ||
	    strcmp(store_text(r, 1), path) != 0 ||
	    strcmp(store_text(r, 2), body_hash) != 0) {
		rc = err_set(e, ERR_CONFLICT, "Idempotency-Key",
		    "this Idempotency-Key was used for a different request");
		goto out;
	}
	*status = (int)store_int(r, 3);
	*response = xstrdup(store_text(r, 4));
	rc = 1;
out:
	store_rows_free(r);
	return rc;
}

int
idem_store(struct store *st, int64_t user_id, const char *key,
    const char *method, const char *path, const char *body_hash,
    int status, const char *response, struct err *e)
{
	return store_exec(st, "INSERT INTO idempotency (user_id, idem_key, "
	    "method, path, body_hash, status, response, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", STORE_ARGS(SV_I(user_id), SV_S(key),
	    SV_S(method), SV_S(path), SV_S(body_hash), SV_I(status),
	    SV_S(response), SV_I(clock_now())), NULL, e);
}
