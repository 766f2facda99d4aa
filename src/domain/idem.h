/*
 * Idempotency keys (DESIGN.md "Concurrency"): a POST retried with the
 * same Idempotency-Key returns the first response and creates nothing.
 * The stored response is written in the same transaction as the change.
 */
#ifndef FW_IDEM_H
#define FW_IDEM_H

#include <stdint.h>

#include "../store/store.h"

#define IDEM_KEY_MAX	128

/*
 * Look up (user, key).  Returns 1 and fills *status / *response (owned by
 * the caller) when a response is stored for the same method, path and
 * body hash; 0 when the key is new; ERR_CONFLICT when the key was used for
 * a different request.
 */
int	idem_lookup(struct store *st, int64_t user_id, const char *key,
	    const char *method, const char *path, const char *body_hash,
	    int *status, char **response, struct err *e);
/* Record the response inside the caller's transaction. */
int	idem_store(struct store *st, int64_t user_id, const char *key,
	    const char *method, const char *path, const char *body_hash,
	    int status, const char *response, struct err *e);

#endif
