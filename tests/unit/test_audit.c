/*
 * Unit tests of the audit trail (specs/audit-log-v1.md) on SQLite and,
 * when FIREWARDEN_TEST_PG is set, PostgreSQL: entries in the caller's
 * transaction only (L-1), proofs that verify against signed heads, and
 * `audit verify` catching every kind of tampering (L-2).
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
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "domain/audit.h"
#include "domain/merkle.h"
#include "store/store.h"
#include "fx_store.h"

struct fx {
	struct store		*st;
	struct crypto_sm2	*key;
	char			 keydir[64];
};

static const char	*fx_url;

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;

	f->st = fx_store_fresh(fx_url);
	assert_int_equal(store_exec(f->st, "CREATE TABLE things (id BIGINT "
	    "PRIMARY KEY, name TEXT NOT NULL)", STORE_NOARGS, NULL, &e), 0);
	snprintf(f->keydir, sizeof(f->keydir), "/tmp/fw-audit-test.XXXXXX");
	assert_non_null(mkdtemp(f->keydir));
	rmdir(f->keydir);
	assert_int_equal(audit_key_open(f->st, f->keydir, &f->key, &e), 0);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;
	char		*p;

	store_close(f->st);
	crypto_sm2_free(f->key);
	p = xasprintf("%s/audit-sm2.pem", f->keydir);
	unlink(p);
	free(p);
	rmdir(f->keydir);
	free(f);
	return 0;
}

static json_t *
thing_json(int64_t id, const char *name)
{
	return json_pack("{s:o, s:s}", "id", jx_id(id), "name", name);
}

static int
thing_load(struct store *st, const char *id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 v;
	int			 rc;

	if (str_to_i64(id, 1, INT64_MAX, &v) < 0)
		return ERR_NOT_FOUND;
	if ((rc = store_query(st, "SELECT id, name FROM things WHERE id = ?",
	    STORE_ARGS(SV_I(v)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = thing_json(store_int(r, 0), store_text(r, 1));
		rc = 0;
	} else if (rc == 0)
		rc = ERR_NOT_FOUND;
	store_rows_free(r);
	return rc;
}

static const struct audit_type	thing_types[] = {
	{ "thing", thing_load },
	{ NULL, NULL },
};

/* n changes, each a thing row and its entry in one transaction. */
static void
add_things(struct fx *f, int from, int n)
{
	struct actor	 who;
	struct err	 e;
	json_t		*rec;
	char		 name[32];
	int		 i;

	actor_system(&who, "test");
	for (i = from; i < from + n; i++) {
		snprintf(name, sizeof(name), "thing %d 消防", i);
		assert_int_equal(store_begin(f->st, &e), 0);
		assert_int_equal(store_exec(f->st, "INSERT INTO things (id, name)"
		    " VALUES (?, ?)", STORE_ARGS(SV_I(i + 1), SV_S(name)), NULL,
		    &e), 0);
		rec = thing_json(i + 1, name);
		assert_int_equal(audit_append_id(f->st, &who, "thing.create",
		    "thing", i + 1, rec, &e), 0);
		json_decref(rec);
		assert_int_equal(store_commit(f->st, &e), 0);
	}
}

static int
verify(struct fx *f, const struct audit_type *types, struct buf *report)
{
	struct err	e;
	int64_t		n;

	buf_reset(report);
	return audit_verify(f->st, types, report, &n, &e);
}

static void
test_audit__needs_transaction(void **state)
{
	struct fx	*f = *state;
	struct actor	 who;
	struct err	 e;
	int64_t		 size;

	actor_system(&who, "test");
	/* L-1: an entry cannot be written outside the change's transaction. */
	assert_int_equal(audit_append(f->st, &who, "x.y", NULL, NULL, NULL,
	    &e), ERR_INTERNAL);
	assert_int_equal(audit_size(f->st, &size, &e), 0);
	assert_int_equal(size, 0);
	/* A rolled-back change leaves no entry. */
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(audit_append(f->st, &who, "x.y", NULL, NULL, NULL,
	    &e), 0);
	assert_int_equal(who.audit_count, 1);
	store_rollback(f->st);
	assert_int_equal(audit_size(f->st, &size, &e), 0);
	assert_int_equal(size, 0);
}

static void
test_audit__entry_format(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a = NULL, *ent;
	const char	*text;
	char		 hex[65];
	json_t		*rec;

	add_things(f, 0, 1);
	assert_int_equal(audit_entries_json(f->st, 0, 1, &a, &e), 0);
	assert_int_equal(json_array_size(a), 1);
	text = json_string_value(json_object_get(json_array_get(a, 0),
	    "entry"));
	assert_non_null(text);
	/* Keys in the spec's order, compact, exact bytes. */
	assert_true(strncmp(text, "{\"seq\":0,\"at\":", 14) == 0);
	assert_non_null(strstr(text, ",\"actor\":\"system\",\"action\":"
	    "\"thing.create\",\"object\":\"thing/1\",\"request_id\":\"test\","));
	ent = json_loads(text, 0, NULL);
	assert_non_null(ent);
	rec = thing_json(1, "thing 0 消防");
	audit_state_hash(rec, hex);
	assert_string_equal(json_string_value(json_object_get(ent, "state")),
	    hex);
	json_decref(rec);
	json_decref(ent);
	json_decref(a);
}

static void
test_audit__proofs_against_heads(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*sth_a = NULL, *sth_b = NULL, *inc = NULL, *con = NULL;
	json_t		*ents = NULL, *p;
	unsigned char	 root_a[32], root_b[32], leaf[32];
	unsigned char	 path[MERKLE_MAX_PATH][32];
	const char	*text;
	int64_t		 sa, sb, i;
	size_t		 k, len;

	add_things(f, 0, 13);
	assert_int_equal(audit_sign_head(f->st, f->key, 0, &sa, &e), 0);
	assert_int_equal(sa, 13);
	add_things(f, 13, 22);
	assert_int_equal(audit_sign_head(f->st, f->key, 0, &sb, &e), 0);
	assert_int_equal(sb, 35);
	/* Not grown: no new head unless forced. */
	assert_int_equal(audit_sign_head(f->st, f->key, 0, &sb, &e), 0);
	assert_int_equal(sb, -1);

	assert_int_equal(audit_sth_json(f->st, 13, &sth_a, &e), 0);
	assert_int_equal(audit_sth_json(f->st, -1, &sth_b, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(sth_b,
	    "tree_size")), 35);
	assert_int_equal(str_unhex(json_string_value(json_object_get(sth_a,
	    "root_hash")), root_a, 32), 0);
	assert_int_equal(str_unhex(json_string_value(json_object_get(sth_b,
	    "root_hash")), root_b, 32), 0);

	assert_int_equal(audit_entries_json(f->st, 0, 35, &ents, &e), 0);
	for (i = 0; i < 35; i++) {
		assert_int_equal(audit_inclusion_json(f->st, i, 35, &inc, &e), 0);
		p = json_object_get(inc, "path");
		len = json_array_size(p);
		for (k = 0; k < len; k++)
			assert_int_equal(str_unhex(json_string_value(
			    json_array_get(p, k)), path[k], 32), 0);
		text = json_string_value(json_object_get(json_array_get(ents,
		    (size_t)i), "entry"));
		merkle_leaf_hash(crypto_sm3_parts, text, strlen(text), leaf);
		assert_int_equal(merkle_verify_inclusion(crypto_sm3_parts,
		    (uint64_t)i, 35, leaf, (const unsigned char (*)[32])path,
		    len, root_b), 0);
		json_decref(inc);
	}
	assert_int_equal(audit_consistency_json(f->st, 13, 35, &con, &e), 0);
	p = json_object_get(con, "path");
	len = json_array_size(p);
	for (k = 0; k < len; k++)
		assert_int_equal(str_unhex(json_string_value(json_array_get(p,
		    k)), path[k], 32), 0);
	assert_int_equal(merkle_verify_consistency(crypto_sm3_parts, 13, 35,
	    root_a, root_b, (const unsigned char (*)[32])path, len), 0);
	/* Out of range requests name the parameter. */
	assert_int_equal(audit_consistency_json(f->st, 13, 36, &con, &e),
	    ERR_RANGE);
	assert_string_equal(e.field, "second");
	assert_int_equal(audit_inclusion_json(f->st, 35, 35, &inc, &e),
	    ERR_RANGE);
	assert_string_equal(e.field, "index");
	json_decref(con);
	json_decref(ents);
	json_decref(sth_a);
	json_decref(sth_b);
}

static void
test_audit__verify_clean_and_deep(void **state)
{
	struct fx	*f = *state;
	struct buf	 rep;
	struct err	 e;

	buf_init(&rep);
	assert_int_equal(verify(f, NULL, &rep), 0);	/* empty log */
	add_things(f, 0, 70);
	assert_int_equal(audit_sign_head(f->st, f->key, 0, NULL, &e), 0);
	add_things(f, 70, 5);
	assert_int_equal(verify(f, NULL, &rep), 0);
	assert_int_equal(verify(f, thing_types, &rep), 0);

	/* A record edited behind the log's back: only --deep sees it. */
	assert_int_equal(store_exec(f->st, "UPDATE things SET name = 'forged' "
	    "WHERE id = 42", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), 0);
	assert_int_equal(verify(f, thing_types, &rep), ERR_CRYPTO);
	assert_non_null(strstr(rep.data, "thing/42"));
	buf_free(&rep);
}

static void
test_audit__verify_detects_tampering(void **state)
{
	struct fx	*f = *state;
	struct buf	 rep;
	struct err	 e;

	buf_init(&rep);
	add_things(f, 0, 20);
	assert_int_equal(audit_sign_head(f->st, f->key, 0, NULL, &e), 0);

	/* An entry's text rewritten. */
	assert_int_equal(store_exec(f->st, "UPDATE audit_entries SET entry = "
	    "replace(entry, 'thing.create', 'thing.delete') WHERE seq = 7",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), ERR_CRYPTO);
	assert_non_null(strstr(rep.data, "entry 7"));
	assert_int_equal(store_exec(f->st, "UPDATE audit_entries SET entry = "
	    "replace(entry, 'thing.delete', 'thing.create') WHERE seq = 7",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), 0);

	/* Leaf and its stored hash rewritten together: the head catches it. */
	assert_int_equal(store_exec(f->st, "UPDATE audit_entries SET entry = "
	    "replace(entry, 'thing.create', 'thing.delete') WHERE seq = 3",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "DELETE FROM audit_nodes",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), ERR_CRYPTO);
	buf_free(&rep);
}

static void
test_audit__verify_detects_bad_head(void **state)
{
	struct fx	*f = *state;
	struct buf	 rep;
	struct err	 e;

	buf_init(&rep);
	add_things(f, 0, 9);
	assert_int_equal(audit_sign_head(f->st, f->key, 0, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), 0);
	/* A head whose signature no longer matches its text. */
	assert_int_equal(store_exec(f->st, "UPDATE audit_sth SET timestamp = "
	    "timestamp + 1", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), ERR_CRYPTO);
	assert_non_null(strstr(rep.data, "signature"));
	/* An entry removed from the end. */
	assert_int_equal(store_exec(f->st, "UPDATE audit_sth SET timestamp = "
	    "timestamp - 1", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), 0);
	assert_int_equal(store_exec(f->st, "DELETE FROM audit_entries WHERE "
	    "seq = 8", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(verify(f, NULL, &rep), ERR_CRYPTO);
	buf_free(&rep);
}

static void
test_audit__search(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*a = NULL;
	int64_t		 total = 0;

	add_things(f, 0, 12);
	assert_int_equal(audit_search_json(f->st, "system", "thing.", NULL, 0,
	    0, 0, 5, &a, &total, &e), 0);
	assert_int_equal(total, 12);
	assert_int_equal(json_array_size(a), 5);
	/* Newest first. */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(a,
	    0), "index")), 11);
	json_decref(a);
	assert_int_equal(audit_object_json(f->st, "thing", "3", 0, 10, &a,
	    &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(a);
	assert_int_equal(audit_search_json(f->st, NULL, "nothing", NULL, 0,
	    0, 0, 5, &a, &total, &e), 0);
	assert_int_equal(total, 0);
	json_decref(a);
}

/* The entries of a tree of n without their times (which differ by the
 * second they were written in). */
static json_t *
entries_sans_at(struct store *st, int64_t n)
{
	struct err	 e;
	json_t		*a = NULL, *out = json_array(), *ent;
	int64_t		 i;
	size_t		 k;
	char		*s;

	for (i = 0; i < n; i += 1000) {
		assert_int_equal(audit_entries_json(st, i, i + 1000 < n ?
		    i + 1000 : n, &a, &e), 0);
		for (k = 0; k < json_array_size(a); k++) {
			ent = json_loads(json_string_value(json_object_get(
			    json_array_get(a, k), "entry")), 0, NULL);
			assert_non_null(ent);
			json_object_del(ent, "at");
			s = jx_dump(ent);
			json_array_append_new(out, json_string(s));
			free(s);
			json_decref(ent);
		}
		json_decref(a);
	}
	return out;
}

/* One thing and its entry: single (b == NULL) or into the batch b. */
static void
put_thing(struct fx *f, struct audit_batch *b, int i)
{
	struct actor	 who;
	struct err	 e;
	json_t		*rec;
	char		 name[32], *canon;

	actor_system(&who, "test");
	snprintf(name, sizeof(name), "thing %d \"消防\"", i);
	assert_int_equal(store_exec(f->st, "INSERT INTO things (id, name) "
	    "VALUES (?, ?)", STORE_ARGS(SV_I(i + 1), SV_S(name)), NULL, &e), 0);
	rec = thing_json(i + 1, name);
	if (b == NULL)
		assert_int_equal(audit_append_id(f->st, &who, "thing.create",
		    "thing", i + 1, rec, &e), 0);
	else if (i % 2 == 0)
		assert_int_equal(audit_batch_append_id(b, &who, "thing.create",
		    "thing", i + 1, rec, &e), 0);
	else {
		canon = jx_canonical(rec);
		snprintf(name, sizeof(name), "%d", i + 1);
		assert_int_equal(audit_batch_append_canon(b, &who,
		    "thing.create", "thing", name, canon, &e), 0);
		free(canon);
	}
	assert_int_equal(who.audit_count, 1);
	json_decref(rec);
}

/*
 * runs[0..nruns) things appended one by one in f, a transaction each:
 * their entries without times, and the count of stored nodes.
 */
static int64_t
singles(struct fx *f, const int *runs, size_t nruns, json_t **entries)
{
	struct err	e;
	int64_t		size, nodes;
	size_t		r;
	int		i = 0, k;

	for (r = 0; r < nruns; r++)
		for (k = 0; k < runs[r]; k++, i++) {
			assert_int_equal(store_begin(f->st, &e), 0);
			put_thing(f, NULL, i);
			assert_int_equal(store_commit(f->st, &e), 0);
		}
	assert_int_equal(audit_size(f->st, &size, &e), 0);
	assert_int_equal(size, i);
	*entries = entries_sans_at(f->st, i);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM "
	    "audit_nodes", STORE_NOARGS, &nodes, &e), 0);
	return nodes;
}

/*
 * g holds n entries that are those of singles() (entries ea, which this
 * frees, and na nodes) but for their times, the same number of stored
 * nodes, and a trail that verifies leaf by leaf and node by node.
 */
static void
same_as_singles(struct fx *g, int n, json_t *ea, int64_t na, struct buf *rep)
{
	struct err	 e;
	json_t		*eb;
	int64_t		 size, nb;

	assert_int_equal(audit_size(g->st, &size, &e), 0);
	assert_int_equal(size, n);
	eb = entries_sans_at(g->st, n);
	assert_true(json_equal(ea, eb));
	json_decref(ea);
	json_decref(eb);
	assert_int_equal(store_query_int(g->st, "SELECT COUNT(*) FROM "
	    "audit_nodes", STORE_NOARGS, &nb, &e), 0);
	assert_int_equal(na, nb);
	assert_int_equal(verify(g, thing_types, rep), 0);
}

static void
test_audit__batch_same_as_single(void **state)
{
	/* Batches of these sizes, starting at sizes with every kind of
	 * right edge (0, odd, powers of two, one below). */
	static const int	 runs[] = { 1, 2, 5, 8, 16, 1, 31, 64, 3, 100 };
	struct fx		*f = *state, *g = NULL;
	struct audit_batch	 b;
	struct buf		 rep;
	struct err		 e;
	json_t			*ea, *sth;
	int64_t			 size, na;
	size_t			 r;
	int			 i = 0, k;

	buf_init(&rep);
	/* f: every entry alone; then g (a fresh store: on PostgreSQL the
	 * same schema, made anew) the same in batches, one transaction each,
	 * some with a single append before the batch. */
	na = singles(f, runs, sizeof(runs) / sizeof(runs[0]), &ea);
	assert_int_equal(fx_setup((void **)&g), 0);
	for (i = 0, r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		assert_int_equal(store_begin(g->st, &e), 0);
		if (r % 3 == 2) {
			put_thing(g, NULL, i);
			k = 1;
		} else
			k = 0;
		assert_int_equal(audit_batch_begin(g->st, &b, &e), 0);
		for (; k < runs[r]; k++)
			put_thing(g, &b, i + k);
		assert_int_equal(audit_batch_end(&b, &e), 0);
		assert_int_equal(store_commit(g->st, &e), 0);
		i += runs[r];
		/* A signed head at every size, checked by verify. */
		assert_int_equal(audit_sign_head(g->st, g->key, 0, NULL, &e), 0);
	}
	same_as_singles(g, i, ea, na, &rep);
	/* Proofs read the nodes a batch wrote. */
	assert_int_equal(audit_sth_json(g->st, -1, &sth, &e), 0);
	json_decref(sth);
	assert_int_equal(audit_inclusion_json(g->st, 7, i, &sth, &e), 0);
	json_decref(sth);
	assert_int_equal(audit_consistency_json(g->st, 13, i, &sth, &e), 0);
	json_decref(sth);

	/* An empty batch changes nothing; a rolled-back one leaves
	 * nothing. */
	assert_int_equal(store_begin(g->st, &e), 0);
	assert_int_equal(audit_batch_begin(g->st, &b, &e), 0);
	assert_int_equal(audit_batch_end(&b, &e), 0);
	assert_int_equal(audit_batch_begin(g->st, &b, &e), 0);
	put_thing(g, &b, i);
	store_rollback(g->st);
	assert_int_equal(audit_size(g->st, &size, &e), 0);
	assert_int_equal(size, i);
	assert_int_equal(verify(g, thing_types, &rep), 0);
	/* L-1: no batch outside a transaction. */
	assert_int_equal(audit_batch_begin(g->st, &b, &e), ERR_INTERNAL);
	fx_teardown((void **)&g);
	buf_free(&rep);
}


/*
 * Entries prepared ahead (audit_batch_prepare, as an import does on a
 * thread of its own) are the entries and nodes that single appends
 * write; entries appended meanwhile put them out of place.
 */
static void
test_audit__prepared_same_as_single(void **state)
{
	static const int	 runs[] = { 1, 2, 5, 8, 16, 1, 31, 64, 3, 100 };
	struct fx		*f = *state, *g = NULL;
	struct audit_batch	 b;
	struct audit_prepared	 p, p2;
	struct actor		 who;
	struct buf		 rep;
	struct err		 e;
	json_t			*ea, *rec;
	char			 name[32], ids[100][24], states[100][65];
	const char		*idp[100], *stp[100];
	int64_t			 size, na;
	size_t			 r;
	int			 i = 0, k, h;

	buf_init(&rep);
	actor_system(&who, "test");
	na = singles(f, runs, sizeof(runs) / sizeof(runs[0]), &ea);
	assert_int_equal(fx_setup((void **)&g), 0);
	for (i = 0, r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		assert_int_equal(store_begin(g->st, &e), 0);
		assert_int_equal(audit_batch_begin(g->st, &b, &e), 0);
		for (k = 0; k < runs[r]; k++) {
			snprintf(name, sizeof(name), "thing %d \"消防\"",
			    i + k);
			assert_int_equal(store_exec(g->st, "INSERT INTO things "
			    "(id, name) VALUES (?, ?)", STORE_ARGS(
			    SV_I(i + k + 1), SV_S(name)), NULL, &e), 0);
			rec = thing_json(i + k + 1, name);
			audit_state_hash(rec, states[k]);
			json_decref(rec);
			snprintf(ids[k], sizeof(ids[k]), "%d", i + k + 1);
			idp[k] = ids[k];
			stp[k] = states[k];
		}
		/* In two parts, the second prepared after the first before
		 * either is put (an import's parts; the first may be empty). */
		h = runs[r] / 2;
		assert_int_equal(audit_batch_prepare(&b, NULL, &who,
		    "thing.create", "thing", (size_t)h, idp, stp, &p), 0);
		assert_int_equal(audit_batch_prepare(&b, &p, &who,
		    "thing.create", "thing", (size_t)(runs[r] - h), idp + h,
		    stp + h, &p2), 0);
		who.audit_count = 0;
		assert_int_equal(audit_batch_put_prepared(&b, &who, &p, &e), 0);
		assert_int_equal(audit_batch_put_prepared(&b, &who, &p2, &e),
		    0);
		assert_int_equal(who.audit_count, runs[r]);
		audit_prepared_free(&p);
		audit_prepared_free(&p2);
		assert_int_equal(audit_batch_end(&b, &e), 0);
		assert_int_equal(store_commit(g->st, &e), 0);
		i += runs[r];
	}
	same_as_singles(g, i, ea, na, &rep);

	/* Prepared, then an entry appended before them: refused, and the
	 * transaction rolled back leaves the log as it was. */
	assert_int_equal(store_begin(g->st, &e), 0);
	assert_int_equal(audit_batch_begin(g->st, &b, &e), 0);
	snprintf(ids[0], sizeof(ids[0]), "%d", i + 2);
	assert_int_equal(audit_batch_prepare(&b, NULL, &who, "thing.create",
	    "thing", 1, idp, stp, &p), 0);
	put_thing(g, &b, i);
	assert_int_equal(audit_batch_put_prepared(&b, &who, &p, &e),
	    ERR_INTERNAL);
	audit_prepared_free(&p);
	store_rollback(g->st);
	assert_int_equal(audit_size(g->st, &size, &e), 0);
	assert_int_equal(size, i);
	assert_int_equal(verify(g, thing_types, &rep), 0);
	fx_teardown((void **)&g);
	buf_free(&rep);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_audit__needs_transaction,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit__entry_format,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit__proofs_against_heads,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit__verify_clean_and_deep,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_audit__verify_detects_tampering, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_audit__verify_detects_bad_head, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit__search,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit__batch_same_as_single,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_audit__prepared_same_as_single, fx_setup, fx_teardown),
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

int
main(void)
{
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	int		 rc;

	jx_init();
	rc = run("sqlite::memory:", "audit (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "audit (PostgreSQL)");
	else
		printf("audit (PostgreSQL): skipped, FIREWARDEN_TEST_PG unset\n");
	return rc;
}
