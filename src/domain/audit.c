/*
 * The audit trail (specs/audit-log-v1.md): append, tree heads, proofs and
 * verification.  Entries and the hashes of every complete aligned subtree
 * live in audit_entries and audit_nodes; appending one entry writes its
 * leaf and the nodes it completes (two rows on average), so any proof
 * needs O(log n) reads.  A batch (imports) writes the same rows, keeping
 * the tree's right edge in memory and bumping the head once.  Rule IDs:
 * L-1 (same transaction), L-2 (verify).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "audit.h"

#define AUDIT_HEX	(2 * CRYPTO_SM3_LEN + 1)
#define AUDIT_PAGE_MAX	1000

static const char sql_head_bump[] =
    "UPDATE audit_head SET size = size + 1 WHERE id = 1 RETURNING size";
static const char sql_head_lock[] =
    "UPDATE audit_head SET size = size WHERE id = 1 RETURNING size";
static const char sql_head_set[] =
    "UPDATE audit_head SET size = ? WHERE id = 1 AND size = ?";
static const char sql_head_size[] =
    "SELECT size FROM audit_head WHERE id = 1";
static const char sql_entry_ins[] =
    "INSERT INTO audit_entries (seq, entry, at, actor, action, object, state)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_node_ins[] =
    "INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)";
static const char sql_node_get[] =
    "SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?";

void
audit_state_hash(const json_t *record, char out[AUDIT_HEX])
{
	char	*s = jx_canonical(record);

	crypto_sm3_hex(s, strlen(s), out);
	free(s);
}

static int
audit_node(struct store *st, int level, int64_t idx,
    unsigned char out[MERKLE_HASH_LEN], struct err *e)
{
	char	*hex = NULL;
	int	 rc;

	rc = store_query_text(st, sql_node_get,
	    STORE_ARGS(SV_I(level), SV_I(idx)), &hex, e);
	if (rc == ERR_NOT_FOUND)
		rc = err_set(e, ERR_INTERNAL, NULL, "audit node %d/%lld missing",
		    level, (long long)idx);
	if (rc == 0 && (hex == NULL ||
	    str_unhex(hex, out, MERKLE_HASH_LEN) < 0))
		rc = err_set(e, ERR_INTERNAL, NULL, "audit node corrupt");
	free(hex);
	return rc;
}

static int
audit_put_node(struct store *st, int level, int64_t idx,
    const unsigned char h[MERKLE_HASH_LEN], struct err *e)
{
	char	hex[AUDIT_HEX];

	str_hex(h, MERKLE_HASH_LEN, hex);
	return store_exec(st, sql_node_ins,
	    STORE_ARGS(SV_I(level), SV_I(idx), SV_S(hex)), NULL, e);
}

/*
 * ,"key":"s" as jx_dump() writes a json_string(s) set into an object: a
 * NULL or invalid UTF-8 s makes no value, and json_object_set_new() then
 * leaves the key out.
 */
static void
audit_put_field(struct buf *b, const char *key, const char *s)
{
	size_t	n;

	if (s == NULL || !str_utf8_valid(s, n = strlen(s)))
		return;
	jx_put_key(b, key);
	jx_put_strn(b, s, n);
}

/*
 * The text of entry seq, as it is stored and hashed: key order is the
 * spec's; the bytes are jx_dump() of the object these keys make.
 */
static void
audit_entry_text(struct buf *text, const struct actor *who, int64_t seq,
    int64_t at, const char *actor, const char *action, const char *object,
    const char *state)
{
	buf_addc(text, '{');
	jx_put_key(text, "seq");
	jx_put_int(text, seq);
	jx_put_key(text, "at");
	jx_put_int(text, at);
	audit_put_field(text, "actor", actor);
	audit_put_field(text, "action", action);
	audit_put_field(text, "object", object);
	audit_put_field(text, "request_id", who->request_id);
	audit_put_field(text, "ip", who->ip);
	audit_put_field(text, "state", state);
	buf_addc(text, '}');
}

/*
 * Write entry seq (its row, its leaf and the nodes it completes) with
 * state (SM3 hex of the record, or NULL).  The left siblings come from
 * edge (the batch's right edge of the tree) when it is given, else from
 * audit_nodes; edge, when given, is advanced to the tree of seq + 1
 * leaves.
 */
static int
audit_put(struct store *st, struct actor *who, int64_t seq,
    const char *action, const char *type, const char *id, const char *state,
    unsigned char (*edge)[MERKLE_HASH_LEN], struct err *e)
{
	struct buf	 text;
	char		*object = NULL;
	char		 actor[24];
	unsigned char	 h[MERKLE_HASH_LEN], left[MERKLE_HASH_LEN];
	int64_t		 at, idx;
	int		 level, rc;

	buf_init(&text);
	at = clock_now();
	actor_audit_name(who, actor);
	if (type != NULL)
		object = xasprintf("%s/%s", type, id ? id : "");

	audit_entry_text(&text, who, seq, at, actor, action, object, state);

	if ((rc = store_exec(st, sql_entry_ins, STORE_ARGS(SV_I(seq),
	    SV_S(text.data), SV_I(at), SV_S(actor), SV_S(action),
	    SV_S(object), SV_S(state)), NULL, e)) < 0)
		goto out;
	merkle_leaf_hash(crypto_sm3_parts, text.data, text.len, h);
	if ((rc = audit_put_node(st, 0, seq, h, e)) < 0)
		goto out;
	/* Store every subtree this leaf completes. */
	for (level = 1, idx = seq; (idx & 1) == 1; level++, idx >>= 1) {
		if (edge != NULL)
			memcpy(left, edge[level - 1], sizeof(left));
		else if ((rc = audit_node(st, level - 1, idx - 1, left, e)) < 0)
			goto out;
		merkle_node_hash(crypto_sm3_parts, left, h, h);
		if ((rc = audit_put_node(st, level, idx >> 1, h, e)) < 0)
			goto out;
	}
	/* The subtrees below level are now inside the one just made. */
	if (edge != NULL)
		memcpy(edge[level - 1], h, sizeof(h));
	who->audit_count++;
	rc = 0;
out:
	buf_free(&text);
	free(object);
	return rc;
}

int
audit_append(struct store *st, struct actor *who, const char *action,
    const char *type, const char *id, const json_t *record, struct err *e)
{
	char	state[AUDIT_HEX];
	int64_t	size;
	int	rc;

	if (!store_in_tx(st))
		return err_set(e, ERR_INTERNAL, NULL,
		    "audit entry outside a transaction");
	if ((rc = store_query_int(st, sql_head_bump, STORE_NOARGS, &size,
	    e)) < 0)
		return rc;
	if (record != NULL)
		audit_state_hash(record, state);
	return audit_put(st, who, size - 1, action, type, id,
	    record ? state : NULL, NULL, e);
}

int
audit_batch_begin(struct store *st, struct audit_batch *b, struct err *e)
{
	int64_t	size;
	int	level, rc;

	memset(b, 0, sizeof(*b));
	if (!store_in_tx(st))
		return err_set(e, ERR_INTERNAL, NULL,
		    "audit entry outside a transaction");
	/* An update, not a select: PostgreSQL locks the head row here, so
	 * that concurrent appenders queue behind the batch as they queue
	 * behind a single append. */
	if ((rc = store_query_int(st, sql_head_lock, STORE_NOARGS, &size,
	    e)) < 0)
		return rc;
	/* The right edge: one complete subtree per bit of size. */
	for (level = 0; level < 63 && (size >> level) != 0; level++) {
		if (((size >> level) & 1) == 0)
			continue;
		if ((rc = audit_node(st, level, (size >> level) - 1,
		    b->edge[level], e)) < 0)
			return rc;
	}
	b->st = st;
	b->start = size;
	b->size = size;
	return 0;
}

static int
audit_batch_put(struct audit_batch *b, struct actor *who,
    const char *action, const char *type, const char *id, const char *state,
    struct err *e)
{
	int	rc;

	if (b->st == NULL || !store_in_tx(b->st))
		return err_set(e, ERR_INTERNAL, NULL,
		    "audit batch outside its transaction");
	if ((rc = audit_put(b->st, who, b->size, action, type, id, state,
	    b->edge, e)) < 0)
		return rc;
	b->size++;
	return 0;
}

int
audit_batch_append(struct audit_batch *b, struct actor *who,
    const char *action, const char *type, const char *id,
    const json_t *record, struct err *e)
{
	char	state[AUDIT_HEX];

	if (record != NULL)
		audit_state_hash(record, state);
	return audit_batch_put(b, who, action, type, id,
	    record ? state : NULL, e);
}

int
audit_batch_append_canon(struct audit_batch *b, struct actor *who,
    const char *action, const char *type, const char *id,
    const char *canonical, struct err *e)
{
	char	state[AUDIT_HEX];

	crypto_sm3_hex(canonical, strlen(canonical), state);
	return audit_batch_put(b, who, action, type, id, state, e);
}

int
audit_batch_append_id(struct audit_batch *b, struct actor *who,
    const char *action, const char *type, int64_t id, const json_t *record,
    struct err *e)
{
	char	tmp[24];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	return audit_batch_append(b, who, action, type, tmp, record, e);
}

int
audit_batch_prepare(const struct audit_batch *b,
    const struct audit_prepared *after, const struct actor *who,
    const char *action, const char *type, size_t n,
    const char *const *ids, const char *const *states,
    struct audit_prepared *p)
{
	struct audit_prepared_entry	*en;
	struct buf			 text;
	unsigned char			 h[MERKLE_HASH_LEN];
	int64_t				 seq, idx;
	size_t				 i, cap;
	int				 level;

	memset(p, 0, sizeof(*p));
	if (b->st == NULL)
		return ERR_INTERNAL;
	if (after != NULL) {
		memcpy(p->edge, after->edge, sizeof(p->edge));
		p->start = after->start + (int64_t)after->n;
	} else {
		memcpy(p->edge, b->edge, sizeof(p->edge));
		p->start = b->size;
	}
	p->entries = xcalloc(n ? n : 1, sizeof(*p->entries));
	cap = 2 * n + 64;
	p->nodes = xcalloc(cap, sizeof(*p->nodes));
	actor_audit_name(who, p->actor);
	p->action = action;
	buf_init(&text);
	for (i = 0; i < n; i++) {
		seq = p->start + (int64_t)i;
		en = &p->entries[i];
		en->at = clock_now();
		en->object = xasprintf("%s/%s", type, ids[i]);
		snprintf(en->state, sizeof(en->state), "%s",
		    states[i] ? states[i] : "");
		en->has_state = states[i] != NULL;
		buf_reset(&text);
		audit_entry_text(&text, who, seq, en->at, p->actor, action,
		    en->object, en->has_state ? en->state : NULL);
		en->text = xstrdup(text.data);
		merkle_leaf_hash(crypto_sm3_parts, text.data, text.len, h);
		/* The leaf and every subtree it completes, as audit_put. */
		for (level = 0, idx = seq;; level++, idx >>= 1) {
			if (p->nnodes == cap) {
				cap *= 2;
				p->nodes = xrealloc(p->nodes, cap *
				    sizeof(*p->nodes));
			}
			p->nodes[p->nnodes].level = level;
			p->nodes[p->nnodes].idx = idx;
			str_hex(h, MERKLE_HASH_LEN, p->nodes[p->nnodes].hex);
			p->nnodes++;
			if ((idx & 1) == 0)
				break;
			merkle_node_hash(crypto_sm3_parts, p->edge[level], h,
			    h);
		}
		memcpy(p->edge[level], h, sizeof(h));
	}
	buf_free(&text);
	p->n = n;
	return 0;
}

#define AUDIT_PUT_ROWS	128	/* rows an INSERT of prepared entries */

int
audit_batch_put_prepared(struct audit_batch *b, struct actor *who,
    const struct audit_prepared *p, struct err *e)
{
	const struct audit_prepared_entry	*en;
	struct store_val			 args[AUDIT_PUT_ROWS * 7];
	struct buf				 sql;
	size_t					 i, j, k;
	int					 rc = 0;

	if (b->st == NULL || !store_in_tx(b->st))
		return err_set(e, ERR_INTERNAL, NULL,
		    "audit batch outside its transaction");
	if (p->start != b->size)
		return err_set(e, ERR_INTERNAL, NULL,
		    "prepared audit entries out of place");
	/* The same rows as audit_put(), AUDIT_PUT_ROWS to a statement. */
	buf_init(&sql);
	for (i = 0; i < p->n; i += k) {
		k = p->n - i < AUDIT_PUT_ROWS ? p->n - i : AUDIT_PUT_ROWS;
		for (j = 0; j < k; j++) {
			en = &p->entries[i + j];
			args[7 * j] = SV_I(p->start + (int64_t)(i + j));
			args[7 * j + 1] = SV_S(en->text);
			args[7 * j + 2] = SV_I(en->at);
			args[7 * j + 3] = SV_S(p->actor);
			args[7 * j + 4] = SV_S(p->action);
			args[7 * j + 5] = SV_S(en->object);
			args[7 * j + 6] = SV_S(en->has_state ? en->state :
			    NULL);
		}
		store_sql_rows(&sql, sql_entry_ins, (int)k);
		if ((rc = store_exec(b->st, sql.data, args, (int)(7 * k), NULL,
		    e)) < 0)
			goto out;
	}
	for (i = 0; i < p->nnodes; i += k) {
		k = p->nnodes - i < AUDIT_PUT_ROWS ? p->nnodes - i :
		    AUDIT_PUT_ROWS;
		for (j = 0; j < k; j++) {
			args[3 * j] = SV_I(p->nodes[i + j].level);
			args[3 * j + 1] = SV_I(p->nodes[i + j].idx);
			args[3 * j + 2] = SV_S(p->nodes[i + j].hex);
		}
		store_sql_rows(&sql, sql_node_ins, (int)k);
		if ((rc = store_exec(b->st, sql.data, args, (int)(3 * k), NULL,
		    e)) < 0)
			goto out;
	}
out:
	buf_free(&sql);
	if (rc < 0)
		return rc;
	memcpy(b->edge, p->edge, sizeof(b->edge));
	b->size += (int64_t)p->n;
	who->audit_count += (int)p->n;
	return 0;
}

void
audit_prepared_free(struct audit_prepared *p)
{
	size_t	i;

	if (p->entries != NULL)
		for (i = 0; i < p->n; i++) {
			free(p->entries[i].text);
			free(p->entries[i].object);
		}
	free(p->entries);
	free(p->nodes);
	memset(p, 0, sizeof(*p));
}

int
audit_batch_end(struct audit_batch *b, struct err *e)
{
	int64_t	ch = 0;
	int	rc = 0;

	if (b->st != NULL && b->size != b->start) {
		/* A single append in between would have taken a seq of the
		 * batch and failed on it; the guard is for anything else. */
		if ((rc = store_exec(b->st, sql_head_set, STORE_ARGS(
		    SV_I(b->size), SV_I(b->start)), &ch, e)) == 0 && ch != 1)
			rc = err_set(e, ERR_INTERNAL, NULL,
			    "audit head moved during a batch");
	}
	memset(b, 0, sizeof(*b));
	return rc;
}

int
audit_append_id(struct store *st, struct actor *who, const char *action,
    const char *type, int64_t id, const json_t *record, struct err *e)
{
	char	tmp[24];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	return audit_append(st, who, action, type, tmp, record, e);
}

int
audit_size(struct store *st, int64_t *out, struct err *e)
{
	return store_query_int(st, sql_head_size, STORE_NOARGS, out, e);
}

/* merkle_src callback: complete aligned subtrees come from audit_nodes. */
static int
audit_subtree(void *ctx, uint64_t start, uint64_t size,
    unsigned char out[MERKLE_HASH_LEN])
{
	struct store	*st = ctx;
	int		 level = 0;

	while ((1ULL << level) < size)
		level++;
	return audit_node(st, level, (int64_t)(start >> level), out, NULL);
}

static void
audit_src(struct store *st, struct merkle_src *s)
{
	s->hash = crypto_sm3_parts;
	s->ctx = st;
	s->subtree = audit_subtree;
}

static char *
audit_sth_text(int64_t size, const char *root_hex, int64_t ts)
{
	return xasprintf("firewarden-sth-v1\n%lld\n%s\n%lld\n",
	    (long long)size, root_hex, (long long)ts);
}

int
audit_key_open(struct store *st, const char *dir, struct crypto_sm2 **out,
    struct err *e)
{
	struct crypto_sm2	*k = NULL;
	char			*path = NULL, *pem = NULL;
	char			 kid[AUDIT_HEX];
	int			 rc;

	path = xasprintf("%s/audit-sm2.pem", dir);
	if (access(path, F_OK) == 0) {
		if ((rc = crypto_sm2_load(path, &k, e)) < 0)
			goto out;
	} else {
		if (mkdir(dir, 0700) < 0 && access(dir, W_OK) < 0) {
			rc = err_set(e, ERR_IO, "keys",
			    "cannot create key directory %s", dir);
			goto out;
		}
		if ((rc = crypto_sm2_generate(&k, e)) < 0)
			goto out;
		if ((rc = crypto_sm2_save(k, path, e)) < 0)
			goto out;
	}
	crypto_sm2_key_id(k, kid);
	pem = crypto_sm2_public_pem(k);
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	rc = store_exec(st, "INSERT INTO audit_keys (key_id, pem, created_at)"
	    " VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING",
	    STORE_ARGS(SV_S(kid), SV_S(pem), SV_I(clock_now())), NULL, e);
	if (rc == 0)
		rc = store_commit(st, e);
	else
		store_rollback(st);
	if (rc < 0)
		goto out;
	*out = k;
	k = NULL;
out:
	crypto_sm2_free(k);
	free(path);
	free(pem);
	return rc;
}

static const struct crypto_sm2	*audit_signer;

void
audit_set_signer(const struct crypto_sm2 *key)
{
	audit_signer = key;
}

/* Sign the current size inside an open transaction. */
static int
audit_sign_tx(struct store *st, const struct crypto_sm2 *key, int force,
    int64_t *signed_size, struct err *e)
{
	struct merkle_src	 src;
	unsigned char		 root[MERKLE_HASH_LEN], *sig = NULL;
	char			 root_hex[AUDIT_HEX], kid[AUDIT_HEX];
	char			*text = NULL, *sig64 = NULL;
	int64_t			 size, last = -1, ts;
	size_t			 siglen = 0;
	int			 rc;

	*signed_size = -1;
	if ((rc = audit_size(st, &size, e)) < 0)
		goto out;
	if ((rc = store_query_int(st, "SELECT COALESCE(MAX(tree_size), -1) "
	    "FROM audit_sth", STORE_NOARGS, &last, e)) < 0)
		goto out;
	if (!force && last == size)
		goto out;
	audit_src(st, &src);
	if ((rc = merkle_root(&src, (uint64_t)size, root)) < 0)
		goto out;
	str_hex(root, sizeof(root), root_hex);
	ts = clock_now_ms();
	text = audit_sth_text(size, root_hex, ts);
	if ((rc = crypto_sm2_sign(key, text, strlen(text), &sig, &siglen,
	    e)) < 0)
		goto out;
	sig64 = crypto_base64_encode(sig, siglen);
	crypto_sm2_key_id(key, kid);
	if ((rc = store_exec(st, "INSERT INTO audit_sth (id, tree_size, "
	    "root_hash, timestamp, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)",
	    STORE_ARGS(SV_I(id_next()), SV_I(size), SV_S(root_hex), SV_I(ts),
	    SV_S(kid), SV_S(sig64)), NULL, e)) < 0)
		goto out;
	*signed_size = size;
out:
	free(text);
	free(sig);
	free(sig64);
	return rc;
}

int
audit_sign_head(struct store *st, const struct crypto_sm2 *key, int force,
    int64_t *signed_size, struct err *e)
{
	int64_t	size;
	int	rc;

	if ((rc = store_begin(st, e)) < 0)
		return rc;
	if ((rc = audit_sign_tx(st, key, force, &size, e)) < 0) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, e)) < 0)
		return rc;
	if (signed_size)
		*signed_size = size;
	return 0;
}

int
audit_sign_now(struct store *st, struct actor *who, json_t **out,
    struct err *e)
{
	int64_t	size;
	int	rc;

	if (audit_signer == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "no signing key");
	if ((rc = audit_sign_tx(st, audit_signer, 1, &size, e)) < 0)
		return rc;
	if ((rc = audit_sth_json(st, size, out, e)) < 0)
		return rc;
	return audit_append(st, who, "audit.sign", NULL, NULL, NULL, e);
}

static json_t *
audit_sth_row(struct store_rows *r)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s}",
	    "tree_size", (json_int_t)store_int(r, 0),
	    "root_hash", store_text(r, 1),
	    "timestamp", (json_int_t)store_int(r, 2),
	    "key_id", store_text(r, 3),
	    "signature", store_text(r, 4));
}

int
audit_sth_json(struct store *st, int64_t size, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if (size < 0)
		rc = store_query(st, "SELECT tree_size, root_hash, timestamp, "
		    "key_id, signature FROM audit_sth ORDER BY tree_size DESC, "
		    "id DESC LIMIT 1", STORE_NOARGS, &r, e);
	else
		rc = store_query(st, "SELECT tree_size, root_hash, timestamp, "
		    "key_id, signature FROM audit_sth WHERE tree_size = ? "
		    "ORDER BY id DESC LIMIT 1", STORE_ARGS(SV_I(size)), &r, e);
	if (rc < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_NOT_FOUND, "size", "no signed tree head%s",
		    size < 0 ? " yet" : " of that size");
		goto out;
	}
	*out = audit_sth_row(r);
	rc = 0;
out:
	store_rows_free(r);
	return rc;
}

int
audit_keys_json(struct store *st, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a = json_array();
	int			 rc;

	if ((rc = store_query(st, "SELECT key_id, pem FROM audit_keys "
	    "ORDER BY created_at, key_id", STORE_NOARGS, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) > 0)
		json_array_append_new(a, json_pack("{s:s, s:s}",
		    "key_id", store_text(r, 0), "pem", store_text(r, 1)));
	if (rc < 0)
		goto out;
	*out = a;
	a = NULL;
out:
	json_decref(a);
	store_rows_free(r);
	return rc;
}

static json_t *
audit_path_json(unsigned char path[][MERKLE_HASH_LEN], size_t len)
{
	json_t	*a = json_array();
	char	 hex[AUDIT_HEX];
	size_t	 i;

	for (i = 0; i < len; i++) {
		str_hex(path[i], MERKLE_HASH_LEN, hex);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

int
audit_consistency_json(struct store *st, int64_t first, int64_t second,
    json_t **out, struct err *e)
{
	struct merkle_src	 src;
	unsigned char		 path[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
	size_t			 len = 0;
	int64_t			 size;
	int			 rc;

	if ((rc = audit_size(st, &size, e)) < 0)
		return rc;
	if (first < 1 || first > second)
		return err_set(e, ERR_RANGE, "first",
		    "first must be between 1 and second");
	if (second > size)
		return err_set(e, ERR_RANGE, "second",
		    "second is larger than the tree (%lld)", (long long)size);
	audit_src(st, &src);
	if ((rc = merkle_consistency_proof(&src, (uint64_t)first,
	    (uint64_t)second, path, &len)) < 0)
		return err_set(e, rc, NULL, NULL);
	*out = json_pack("{s:I, s:I, s:o}", "first", (json_int_t)first,
	    "second", (json_int_t)second, "path", audit_path_json(path, len));
	return 0;
}

int
audit_inclusion_json(struct store *st, int64_t index, int64_t size,
    json_t **out, struct err *e)
{
	struct merkle_src	 src;
	unsigned char		 path[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
	size_t			 len = 0;
	int64_t			 have;
	int			 rc;

	if ((rc = audit_size(st, &have, e)) < 0)
		return rc;
	if (size < 1 || size > have)
		return err_set(e, ERR_RANGE, "size",
		    "size must be between 1 and %lld", (long long)have);
	if (index < 0 || index >= size)
		return err_set(e, ERR_RANGE, "index",
		    "index must be below size");
	audit_src(st, &src);
	if ((rc = merkle_inclusion_proof(&src, (uint64_t)index,
	    (uint64_t)size, path, &len)) < 0)
		return err_set(e, rc, NULL, NULL);
	*out = json_pack("{s:I, s:I, s:o}", "index", (json_int_t)index,
	    "tree_size", (json_int_t)size, "path", audit_path_json(path, len));
	return 0;
}

int
audit_entries_json(struct store *st, int64_t start, int64_t end,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a = NULL;
	int			 rc;

	if (start < 0)
		return err_set(e, ERR_RANGE, "start", "start must be >= 0");
	if (end < start || end - start > AUDIT_PAGE_MAX)
		return err_set(e, ERR_RANGE, "end",
		    "end must be within start..start+%d", AUDIT_PAGE_MAX);
	if ((rc = store_query(st, "SELECT seq, entry FROM audit_entries "
	    "WHERE seq >= ? AND seq < ? ORDER BY seq",
	    STORE_ARGS(SV_I(start), SV_I(end)), &r, e)) < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) > 0)
		json_array_append_new(a, json_pack("{s:I, s:s}",
		    "index", (json_int_t)store_int(r, 0),
		    "entry", store_text(r, 1)));
	if (rc == 0) {
		*out = a;
		a = NULL;
	}
	json_decref(a);
	store_rows_free(r);
	return rc;
}

static json_t *
audit_entry_row(struct store_rows *r)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:o, s:o}",
	    "index", (json_int_t)store_int(r, 0),
	    "entry", store_text(r, 1),
	    "at", (json_int_t)store_int(r, 2),
	    "actor", store_text(r, 3),
	    "action", store_text(r, 4),
	    "object", store_isnull(r, 5) ? json_null() :
	    json_string(store_text(r, 5)),
	    "state", store_isnull(r, 6) ? json_null() :
	    json_string(store_text(r, 6)));
}

/*
 * Search with optional filters.  The WHERE clause is assembled from fixed
 * fragments only; every value is a parameter (I-2).
 */
static int
audit_query(struct store *st, const char *actor, const char *action,
    const char *object, int64_t from, int64_t to, int oldest_first,
    int64_t offset, int64_t limit, json_t **out, int64_t *total,
    struct err *e)
{
	struct store_rows	*r = NULL;
	struct store_val	 args[8];
	struct buf		 where, sql;
	json_t			*a = NULL;
	int			 n = 0, rc;

	buf_init(&where);
	buf_init(&sql);
	buf_adds(&where, " WHERE 1 = 1");
	if (actor && *actor) {
		buf_adds(&where, " AND actor = ?");
		args[n++] = SV_S(actor);
	}
	if (action && *action) {
		/* "user." matches every user action; "user.create" one. */
		buf_adds(&where, " AND substr(action, 1, ?) = ?");
		args[n++] = SV_I((int64_t)strlen(action));
		args[n++] = SV_S(action);
	}
	if (object && *object) {
		buf_adds(&where, " AND object = ?");
		args[n++] = SV_S(object);
	}
	if (from > 0) {
		buf_adds(&where, " AND at >= ?");
		args[n++] = SV_I(from);
	}
	if (to > 0) {
		buf_adds(&where, " AND at < ?");
		args[n++] = SV_I(to);
	}
	buf_printf(&sql, "SELECT COUNT(*) FROM audit_entries%s", where.data);
	if ((rc = store_query_int(st, sql.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "SELECT seq, entry, at, actor, action, object, state "
	    "FROM audit_entries%s ORDER BY seq %s LIMIT ? OFFSET ?",
	    where.data, oldest_first ? "ASC" : "DESC");
	args[n++] = SV_I(limit);
	args[n++] = SV_I(offset);
	if ((rc = store_query(st, sql.data, args, n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) > 0)
		json_array_append_new(a, audit_entry_row(r));
	if (rc < 0)
		goto out;
	*out = a;
	a = NULL;
	rc = 0;
out:
	json_decref(a);
	store_rows_free(r);
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

int
audit_object_json(struct store *st, const char *type, const char *id,
    int64_t offset, int64_t limit, json_t **out, int64_t *total,
    struct err *e)
{
	char	*object = xasprintf("%s/%s", type, id);
	int	 rc;

	rc = audit_query(st, NULL, NULL, object, 0, 0, 1, offset, limit, out,
	    total, e);
	free(object);
	return rc;
}

int
audit_search_json(struct store *st, const char *actor, const char *action,
    const char *object, int64_t from, int64_t to, int64_t offset,
    int64_t limit, json_t **out, int64_t *total, struct err *e)
{
	return audit_query(st, actor, action, object, from, to, 0, offset,
	    limit, out, total, e);
}

/* Signed heads in size order, with the keys to check them. */
struct audit_heads {
	int64_t		*size;
	char		**root, **kid, **sig;
	int64_t		*ts;
	size_t		 n, next;
};

static void
audit_heads_free(struct audit_heads *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++) {
		free(h->root[i]);
		free(h->kid[i]);
		free(h->sig[i]);
	}
	free(h->size);
	free(h->root);
	free(h->kid);
	free(h->sig);
	free(h->ts);
}

static int
audit_heads_load(struct store *st, struct audit_heads *h, struct err *e)
{
	struct store_rows	*r = NULL;
	size_t			 cap = 0;
	int			 rc;

	memset(h, 0, sizeof(*h));
	if ((rc = store_query(st, "SELECT tree_size, root_hash, timestamp, "
	    "key_id, signature FROM audit_sth ORDER BY tree_size, id",
	    STORE_NOARGS, &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) > 0) {
		if (h->n == cap) {
			cap = cap ? cap * 2 : 64;
			h->size = xrealloc(h->size, cap * sizeof(*h->size));
			h->ts = xrealloc(h->ts, cap * sizeof(*h->ts));
			h->root = xrealloc(h->root, cap * sizeof(*h->root));
			h->kid = xrealloc(h->kid, cap * sizeof(*h->kid));
			h->sig = xrealloc(h->sig, cap * sizeof(*h->sig));
		}
		h->size[h->n] = store_int(r, 0);
		h->root[h->n] = xstrdup(store_text(r, 1));
		h->ts[h->n] = store_int(r, 2);
		h->kid[h->n] = xstrdup(store_text(r, 3));
		h->sig[h->n] = xstrdup(store_text(r, 4));
		h->n++;
	}
	store_rows_free(r);
	return rc;
}

/* Check the signature of head i against its key from audit_keys. */
static int
audit_head_sig_ok(struct store *st, const struct audit_heads *h, size_t i)
{
	struct crypto_sm2	*k = NULL;
	unsigned char		*sig = NULL;
	char			*pem = NULL, *text = NULL;
	size_t			 siglen = 0;
	int			 ok = 0;

	if (store_query_text(st, "SELECT pem FROM audit_keys WHERE key_id = ?",
	    STORE_ARGS(SV_S(h->kid[i])), &pem, NULL) < 0 || pem == NULL)
		goto out;
	if (crypto_sm2_from_public_pem(pem, &k, NULL) < 0)
		goto out;
	if (crypto_base64_decode(h->sig[i], &sig, &siglen, NULL) < 0)
		goto out;
	text = audit_sth_text(h->size[i], h->root[i], h->ts[i]);
	ok = crypto_sm2_verify(k, text, strlen(text), sig, siglen, NULL) == 0;
out:
	crypto_sm2_free(k);
	free(sig);
	free(pem);
	free(text);
	return ok;
}

/* Compare every head of size n with the root of the first n leaves. */
static int
audit_heads_check(struct store *st, struct audit_heads *h, int64_t n,
    const struct merkle_stream *ms, struct buf *report)
{
	unsigned char	root[MERKLE_HASH_LEN];
	char		hex[AUDIT_HEX];
	int		bad = 0;

	/* Most sizes have no head: skip the root computation for them. */
	if (h->next >= h->n || h->size[h->next] != n)
		return 0;
	merkle_stream_root(ms, root);
	str_hex(root, sizeof(root), hex);
	for (; h->next < h->n && h->size[h->next] == n; h->next++) {
		if (strcmp(hex, h->root[h->next]) != 0) {
			buf_printf(report, "signed tree head of size %lld: root "
			    "%s does not match the entries (%s)\n",
			    (long long)n, h->root[h->next], hex);
			bad = 1;
		} else if (!audit_head_sig_ok(st, h, h->next)) {
			buf_printf(report, "signed tree head of size %lld: bad "
			    "signature\n", (long long)n);
			bad = 1;
		}
	}
	return bad;
}

/*
 * Deep check: the latest stated record of every object against the
 * record as it is now.
 */
static int
audit_verify_deep(struct store *st, const struct audit_type *types,
    struct buf *report, struct err *e)
{
	const struct audit_type	*t;
	struct store_rows	*r = NULL;
	json_t			*rec;
	char			 hex[AUDIT_HEX], *slash;
	char			 object[200];
	int			 bad = 0, rc;

	if ((rc = store_query(st, "SELECT a.seq, a.object, a.state FROM "
	    "audit_entries a JOIN (SELECT object, MAX(seq) AS seq FROM "
	    "audit_entries WHERE object IS NOT NULL AND state IS NOT NULL "
	    "GROUP BY object) m ON a.seq = m.seq ORDER BY a.seq",
	    STORE_NOARGS, &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) > 0) {
		snprintf(object, sizeof(object), "%s", store_text(r, 1));
		if ((slash = strchr(object, '/')) == NULL)
			continue;
		*slash = '\0';
		for (t = types; t->type != NULL; t++)
			if (strcmp(t->type, object) == 0)
				break;
		if (t->type == NULL)
			continue;
		rec = NULL;
		if (t->load(st, slash + 1, &rec, NULL) < 0) {
			buf_printf(report, "object %s/%s: record missing "
			    "(latest audit entry %lld)\n", object, slash + 1,
			    (long long)store_int(r, 0));
			bad = 1;
			continue;
		}
		audit_state_hash(rec, hex);
		json_decref(rec);
		if (strcmp(hex, store_text(r, 2)) != 0) {
			buf_printf(report, "object %s/%s: record does not match "
			    "its latest audit entry %lld\n", object, slash + 1,
			    (long long)store_int(r, 0));
			bad = 1;
		}
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	return bad;
}

int
audit_verify(struct store *st, const struct audit_type *types,
    struct buf *report, int64_t *entries, struct err *e)
{
	struct store_rows	*r = NULL, *nodes[64] = { 0 };
	struct audit_heads	 heads;
	struct merkle_stream	 ms;
	unsigned char		 leaf[MERKLE_HASH_LEN];
	unsigned char		 sub[64][MERKLE_HASH_LEN];
	char			 hex[AUDIT_HEX], prefix[40];
	const char		*entry;
	int64_t			 n = 0, size, idx;
	int			 bad = 0, level, rc, plen;

	memset(&heads, 0, sizeof(heads));
	if ((rc = audit_size(st, &size, e)) < 0)
		return rc;
	if ((rc = audit_heads_load(st, &heads, e)) < 0)
		goto out;
	merkle_stream_init(&ms, crypto_sm3_parts);
	bad |= audit_heads_check(st, &heads, 0, &ms, report);
	if ((rc = store_query(st, "SELECT e.seq, e.entry, n.hash FROM "
	    "audit_entries e LEFT JOIN audit_nodes n ON n.level = 0 AND "
	    "n.idx = e.seq ORDER BY e.seq", STORE_NOARGS, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) > 0) {
		if (store_int(r, 0) != n) {
			buf_printf(report, "entry %lld: missing (found %lld "
			    "next)\n", (long long)n, (long long)store_int(r, 0));
			bad = 1;
			break;
		}
		entry = store_text(r, 1);
		plen = snprintf(prefix, sizeof(prefix), "{\"seq\":%lld,",
		    (long long)n);
		if (strncmp(entry, prefix, (size_t)plen) != 0) {
			buf_printf(report, "entry %lld: its text names another "
			    "index\n", (long long)n);
			bad = 1;
		}
		merkle_leaf_hash(crypto_sm3_parts, entry, strlen(entry), leaf);
		str_hex(leaf, sizeof(leaf), hex);
		if (strcmp(hex, store_text(r, 2)) != 0) {
			buf_printf(report, "entry %lld: leaf hash does not match "
			    "the entry text\n", (long long)n);
			bad = 1;
		}
		/* Stored inner nodes completed by this leaf. */
		memcpy(sub[0], leaf, sizeof(leaf));
		for (level = 1, idx = n; (idx & 1) == 1; level++, idx >>= 1) {
			/* The left sibling is the stream's pending subtree. */
			merkle_node_hash(crypto_sm3_parts, ms.stack[level - 1],
			    sub[level - 1], sub[level]);
			if (nodes[level] == NULL && (rc = store_query(st,
			    "SELECT idx, hash FROM audit_nodes WHERE level = ? "
			    "ORDER BY idx", STORE_ARGS(SV_I(level)),
			    &nodes[level], e)) < 0)
				goto out;
			if ((rc = store_next(nodes[level], e)) < 0)
				goto out;
			str_hex(sub[level], MERKLE_HASH_LEN, hex);
			if (rc == 0 || store_int(nodes[level], 0) != (idx >> 1) ||
			    strcmp(hex, store_text(nodes[level], 1)) != 0) {
				buf_printf(report, "entry %lld: stored tree node "
				    "%d/%lld does not match\n", (long long)n,
				    level, (long long)(idx >> 1));
				bad = 1;
			}
		}
		merkle_stream_add(&ms, leaf);
		n++;
		bad |= audit_heads_check(st, &heads, n, &ms, report);
		if (bad)
			break;
	}
	if (rc < 0)
		goto out;
	if (!bad && n != size) {
		buf_printf(report, "tree size is %lld but %lld entries exist\n",
		    (long long)size, (long long)n);
		bad = 1;
	}
	if (!bad && heads.next < heads.n) {
		buf_printf(report, "signed tree head of size %lld is beyond "
		    "the entries\n", (long long)heads.size[heads.next]);
		bad = 1;
	}
	if (!bad && types != NULL) {
		if ((rc = audit_verify_deep(st, types, report, e)) < 0)
			goto out;
		bad |= rc;
	}
	if (entries)
		*entries = n;
	rc = bad ? err_set(e, ERR_CRYPTO, NULL, "audit trail does not verify")
	    : 0;
out:
	store_rows_free(r);
	for (level = 0; level < 64; level++)
		store_rows_free(nodes[level]);
	audit_heads_free(&heads);
	return rc;
}
