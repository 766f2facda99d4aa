/*
 * The tamper-evident audit trail of specs/audit-log-v1.md: entries
 * appended in the same transaction as the change they describe, an SM3
 * Merkle tree over them, SM2-signed tree heads, proofs and verification.
 */
#ifndef FW_AUDIT_H
#define FW_AUDIT_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../crypto/crypto.h"
#include "../store/store.h"
#include "actor.h"
#include "merkle.h"

/*
 * Append one entry inside the caller's open transaction.  action is like
 * "user.create"; the object is "<type>/<id>" (type and id may be NULL for
 * operations on no object); record is the object's canonical record after
 * the change (NULL when no record changed).  Increments who->audit_count.
 * Fails with ERR_INTERNAL when no transaction is open (L-1).
 */
int	audit_append(struct store *st, struct actor *who, const char *action,
	    const char *type, const char *id, const json_t *record,
	    struct err *e);
/* Same, for an object with a numeric id. */
int	audit_append_id(struct store *st, struct actor *who, const char *action,
	    const char *type, int64_t id, const json_t *record, struct err *e);

/*
 * Many appends in one transaction (imports): the same entries, nodes and
 * head as the same audit_append() calls, with one head update for the
 * batch and the tree's right edge kept here instead of read back.
 * audit_batch_begin() locks the head and loads the edge inside the
 * caller's open transaction; audit_batch_append() appends one entry like
 * audit_append(); audit_batch_end() writes the new size (the batch is
 * then closed whatever the result; ERR_INTERNAL if the head moved).
 * No audit_append() may run on the same store between begin and end (its
 * seq would collide with the batch's and fail).  A batch holds no
 * resources: when the caller rolls back, it is simply dropped.
 */
struct audit_batch {
	struct store	*st;
	int64_t		 start;		/* size at begin */
	int64_t		 size;		/* size after the entries so far */
	/* edge[l]: the subtree of 2^l leaves ending at the edge, where bit l
	 * of size is set. */
	unsigned char	 edge[64][MERKLE_HASH_LEN];
};

int	audit_batch_begin(struct store *st, struct audit_batch *b,
	    struct err *e);
int	audit_batch_append(struct audit_batch *b, struct actor *who,
	    const char *action, const char *type, const char *id,
	    const json_t *record, struct err *e);
/* Same, with the record given as its canonical text: byte for byte
 * jx_canonical() of the record (compact, keys sorted). */
int	audit_batch_append_canon(struct audit_batch *b, struct actor *who,
	    const char *action, const char *type, const char *id,
	    const char *canonical, struct err *e);
int	audit_batch_append_id(struct audit_batch *b, struct actor *who,
	    const char *action, const char *type, int64_t id,
	    const json_t *record, struct err *e);
int	audit_batch_end(struct audit_batch *b, struct err *e);

/*
 * Entries of a batch made ahead (imports): audit_batch_prepare() builds
 * the text, leaf and node hashes of n entries (action on type/ids[i],
 * states[i] the SM3 hex of each record or NULL) for the batch's next
 * seqs (after NULL), or for the seqs that follow the entries prepared in
 * after, as audit_batch_append_state() would, without the database, so
 * that another thread may run it while the batch's transaction writes
 * other rows (the entries' "at" is the time they are prepared).  Only
 * after's n, start and edge are read.
 * audit_batch_put_prepared() then writes them, if nothing was appended
 * to the batch meanwhile (else ERR_INTERNAL); audit_prepared_free()
 * frees them.
 */
struct audit_prepared_entry {
	char		*text;
	int64_t		 at;
	char		*object;
	char		 state[2 * CRYPTO_SM3_LEN + 1];
	int		 has_state;
};
struct audit_prepared_node {
	int		 level;
	int64_t		 idx;
	char		 hex[2 * MERKLE_HASH_LEN + 1];
};
struct audit_prepared {
	size_t				 n;
	int64_t				 start;
	char				 actor[24];
	const char			*action;
	struct audit_prepared_entry	*entries;
	struct audit_prepared_node	*nodes;
	size_t				 nnodes;
	unsigned char			 edge[64][MERKLE_HASH_LEN];
};
int	audit_batch_prepare(const struct audit_batch *b,
	    const struct audit_prepared *after, const struct actor *who, const char *action, const char *type,
	    size_t n, const char *const *ids, const char *const *states,
	    struct audit_prepared *p);
int	audit_batch_put_prepared(struct audit_batch *b, struct actor *who,
	    const struct audit_prepared *p, struct err *e);
void	audit_prepared_free(struct audit_prepared *p);

/* SM3 hex of a record's canonical JSON (compact, keys sorted). */
void	audit_state_hash(const json_t *record, char out[2 * CRYPTO_SM3_LEN + 1]);

/*
 * A loader of canonical records for one object type, used by
 * `audit verify --deep`.  load() gives the record as the API shows it to
 * an auditor, or ERR_NOT_FOUND.
 */
struct audit_type {
	const char	*type;
	int		(*load)(struct store *st, const char *id, json_t **out,
			    struct err *e);
};

/* The signing key: loaded from, or generated into, dir/audit-sm2.pem. */
int	audit_key_open(struct store *st, const char *dir, struct crypto_sm2 **out,
	    struct err *e);

/* Current tree size. */
int	audit_size(struct store *st, int64_t *out, struct err *e);
/*
 * Sign a new tree head for the current size if the tree grew since the
 * last head (or always, if force).  Runs its own transaction.
 * *signed_size (may be NULL) receives the size signed, or -1 if none.
 */
int	audit_sign_head(struct store *st, const struct crypto_sm2 *key,
	    int force, int64_t *signed_size, struct err *e);

/*
 * The key used by audit_sign_now(); set once at start-up (NULL: signing
 * on demand answers ERR_UNAVAILABLE).
 */
void	audit_set_signer(const struct crypto_sm2 *key);
/*
 * Sign a head for the current size inside the caller's transaction and
 * record who asked ("audit.sign"); *out gets the head as JSON.
 */
int	audit_sign_now(struct store *st, struct actor *who, json_t **out,
	    struct err *e);

/* The latest signed head (size < 0) or the latest one of that size. */
int	audit_sth_json(struct store *st, int64_t size, json_t **out,
	    struct err *e);
/* [{"key_id", "pem"}, ...] */
int	audit_keys_json(struct store *st, json_t **out, struct err *e);
/* {"first","second","path"} */
int	audit_consistency_json(struct store *st, int64_t first, int64_t second,
	    json_t **out, struct err *e);
/* {"index","tree_size","path"} */
int	audit_inclusion_json(struct store *st, int64_t index, int64_t size,
	    json_t **out, struct err *e);
/* [{"index","entry"}] for start <= index < end (end - start <= 1000). */
int	audit_entries_json(struct store *st, int64_t start, int64_t end,
	    json_t **out, struct err *e);
/* Entries of one object, oldest first, paged. */
int	audit_object_json(struct store *st, const char *type, const char *id,
	    int64_t offset, int64_t limit, json_t **out, int64_t *total,
	    struct err *e);
/*
 * Search entries by actor, action prefix, object and time (any may be
 * NULL/0), newest first, paged.
 */
int	audit_search_json(struct store *st, const char *actor,
	    const char *action, const char *object, int64_t from, int64_t to,
	    int64_t offset, int64_t limit, json_t **out, int64_t *total,
	    struct err *e);

/*
 * Verify the whole trail: recompute every leaf and stored node, the root
 * of every signed head and its signature.  With types (NULL-terminated by
 * a {NULL, NULL} row), also recompute the canonical record of every object
 * and compare it with the state of its latest entry.  Problems are written
 * to report (one line each, first failure first); returns 0 if none,
 * ERR_CRYPTO if the trail does not verify.
 */
int	audit_verify(struct store *st, const struct audit_type *types,
	    struct buf *report, int64_t *entries, struct err *e);

#endif
