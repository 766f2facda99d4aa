/*
 * The store conformance suite: every case runs against an in-memory
 * SQLite and, when FIREWARDEN_TEST_PG holds a postgres:// URL, against
 * that PostgreSQL database (whose public schema is dropped and recreated
 * before each case, so point it at a throw-away database only).
 */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "store/store.h"
#include "store/store_int.h"

#define CONC_THREADS	4
#define CONC_TX		200

struct fx {
	const char	*label;
	enum store_kind	 kind;
	char		*url;		/* NULL: backend not available, skip */
	struct store	*st;
	char		 dir[64];	/* temporary directory, "" if none */
};

static struct fx	fx_sqlite = { .label = "sqlite", .kind = STORE_SQLITE };
static struct fx	fx_pg = { .label = "pg", .kind = STORE_PG };

static int
fx_setup(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	const char	*pg;

	f->st = NULL;
	f->dir[0] = '\0';
	free(f->url);
	f->url = NULL;
	if (f->kind == STORE_SQLITE)
		f->url = strdup("sqlite::memory:");
	else if ((pg = getenv("FIREWARDEN_TEST_PG")) != NULL && *pg != '\0')
		f->url = strdup(pg);
	if (f->url == NULL)
		return 0;
	if (store_open(f->url, &f->st, &e) < 0) {
		fprintf(stderr, "store_open %s: %s\n", f->label, e.msg);
		return -1;
	}
	if (f->kind == STORE_PG &&
	    (store_exec(f->st, "DROP SCHEMA public CASCADE", STORE_NOARGS,
	    NULL, &e) < 0 ||
	    store_exec(f->st, "CREATE SCHEMA public", STORE_NOARGS, NULL,
	    &e) < 0)) {
		fprintf(stderr, "resetting the schema: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;
	char		 path[128];

	store_close(f->st);
	f->st = NULL;
	if (f->dir[0] != '\0') {
		snprintf(path, sizeof(path), "%s/c.db", f->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/c.db-wal", f->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/c.db-shm", f->dir);
		unlink(path);
		rmdir(f->dir);
		f->dir[0] = '\0';
	}
	free(f->url);
	f->url = NULL;
	return 0;
}

/* The fixture of a case; skips the case when its backend is absent. */
static struct fx *
fx_get(void **state)
{
	struct fx	*f = *state;

	if (f->st == NULL)
		skip();
	return f;
}

static void
fx_migrate(struct fx *f)
{
	struct err	e;
	int		n = -1;

	assert_int_equal(store_migrate(f->st, &n, &e), 0);
	assert_int_equal(n, store_nmigrations);
}

/*
 * A scratch table for the value round-trips.  NOT NULL on the key: SQLite
 * lets a non-INTEGER PRIMARY KEY hold NULL, PostgreSQL does not.
 */
static void
fx_table(struct fx *f)
{
	struct err	e;

	assert_int_equal(store_exec(f->st, "CREATE TABLE t (id BIGINT "
	    "NOT NULL PRIMARY KEY, i BIGINT, s TEXT)", STORE_NOARGS, NULL,
	    &e), 0);
}

/* An error shown to clients names no SQL and no schema object. */
static void
assert_clean_msg(const struct err *e, const char *const *words)
{
	for (; *words != NULL; words++) {
		if (strstr(e->msg, *words) != NULL)
			fail_msg("error message \"%s\" contains \"%s\"",
			    e->msg, *words);
	}
}

static void
test_store__migrate(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	int64_t		 v;
	int		 n = -1;

	assert_int_equal(store_migrate(f->st, &n, &e), 0);
	assert_int_equal(n, store_nmigrations);
	assert_true(n >= 1);
	n = -1;
	assert_int_equal(store_migrate(f->st, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM "
	    "schema_migrations", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, store_nmigrations);
	assert_int_equal(store_query_int(f->st, "SELECT size FROM audit_head "
	    "WHERE id = 1", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 0);
	assert_false(store_in_tx(f->st));
}

static void
test_store__schema_version(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	int64_t		 v = -1;

	assert_int_equal(store_schema_version(f->st, &v, &e), 0);
	assert_int_equal(v, 0);
	fx_migrate(f);
	assert_int_equal(store_schema_version(f->st, &v, &e), 0);
	assert_int_equal(v, store_migrations[store_nmigrations - 1].number);
	/* Asking again (CREATE TABLE IF NOT EXISTS) changes nothing. */
	assert_int_equal(store_schema_version(f->st, &v, &e), 0);
	assert_int_equal(v, store_nmigrations);
}

static void
test_store__ints(void **state)
{
	static const int64_t	 vals[] = { INT64_MIN + 1, INT64_MIN,
				    INT64_MAX, -1, 0, 1, 42,
				    -123456789012345, 4294967296 };
	struct fx		*f = fx_get(state);
	struct store_rows	*r = NULL;
	struct err		 e;
	int64_t			 v;
	size_t			 i;

	fx_table(f);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i) "
		    "VALUES (?, ?)", STORE_ARGS(SV_I((int64_t)i),
		    SV_I(vals[i])), NULL, &e), 0);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		assert_int_equal(store_query_int(f->st, "SELECT i FROM t "
		    "WHERE id = ?", STORE_ARGS(SV_I((int64_t)i)), &v, &e), 0);
		assert_true(v == vals[i]);
		/* And as a parameter compared on the server. */
		assert_int_equal(store_query_int(f->st, "SELECT id FROM t "
		    "WHERE i = ?", STORE_ARGS(SV_I(vals[i])), &v, &e), 0);
		assert_true(v == (int64_t)i);
	}
	assert_int_equal(store_query(f->st, "SELECT id, i FROM t ORDER BY id",
	    STORE_NOARGS, &r, &e), 0);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		assert_int_equal(store_next(r, &e), 1);
		assert_true(store_int(r, 0) == (int64_t)i);
		assert_true(store_int(r, 1) == vals[i]);
		assert_false(store_isnull(r, 1));
	}
	assert_int_equal(store_next(r, &e), 0);
	store_rows_free(r);
}

static void
test_store__text(void **state)
{
	static const char	*vals[] = {
		"消防安全检查：隐患整改 火🔥",
		"",
		"O'Brien said \"why?\" -- not a comment /* ? */ '?' $1",
		"plain",
	};
	struct fx		*f = fx_get(state);
	struct store_rows	*r = NULL;
	struct err		 e;
	char			*s = NULL;
	size_t			 i;

	fx_table(f);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		assert_int_equal(store_exec(f->st, "INSERT INTO t (id, s) "
		    "VALUES (?, ?)", STORE_ARGS(SV_I((int64_t)i),
		    SV_S(vals[i])), NULL, &e), 0);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		assert_int_equal(store_query_text(f->st, "SELECT s FROM t "
		    "WHERE id = ?", STORE_ARGS(SV_I((int64_t)i)), &s, &e), 0);
		assert_non_null(s);
		assert_string_equal(s, vals[i]);
		free(s);
		s = NULL;
		/* Text parameters compare as text on the server. */
		assert_int_equal(store_query_text(f->st, "SELECT s FROM t "
		    "WHERE s = ?", STORE_ARGS(SV_S(vals[i])), &s, &e), 0);
		assert_string_equal(s, vals[i]);
		free(s);
		s = NULL;
	}
	/* The empty string is not NULL. */
	assert_int_equal(store_query(f->st, "SELECT s FROM t WHERE id = 1",
	    STORE_NOARGS, &r, &e), 0);
	assert_int_equal(store_next(r, &e), 1);
	assert_false(store_isnull(r, 0));
	assert_string_equal(store_text(r, 0), "");
	store_rows_free(r);
}

static void
test_store__null(void **state)
{
	struct fx		*f = fx_get(state);
	struct store_rows	*r = NULL;
	struct err		 e;
	static char		 sentinel[] = "x";
	char			*s = sentinel;
	int64_t			 v;

	fx_table(f);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i, s) "
	    "VALUES (?, ?, ?)", STORE_ARGS(SV_I(1), SV_N, SV_S(NULL)), NULL,
	    &e), 0);
	assert_int_equal(store_query(f->st, "SELECT i, s FROM t WHERE id = ?",
	    STORE_ARGS(SV_I(1)), &r, &e), 0);
	assert_int_equal(store_next(r, &e), 1);
	assert_true(store_isnull(r, 0));
	assert_true(store_isnull(r, 1));
	assert_int_equal(store_int(r, 0), 0);
	assert_string_equal(store_text(r, 1), "");
	/* A column that is not there reads as NULL, not as a crash. */
	assert_true(store_isnull(r, 7));
	assert_string_equal(store_text(r, 7), "");
	assert_int_equal(store_int(r, 7), 0);
	assert_int_equal(store_next(r, &e), 0);
	store_rows_free(r);
	assert_int_equal(store_query_text(f->st, "SELECT s FROM t WHERE "
	    "id = 1", STORE_NOARGS, &s, &e), 0);
	assert_null(s);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t "
	    "WHERE i IS NULL AND s IS NULL", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 1);
}

/*
 * The portable way to test a parameter for NULL: PostgreSQL cannot infer
 * the type of a bare `? IS NULL`, so the SQL names it with CAST.
 */
static void
test_store__typed_null_param(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	int64_t		 v;

	assert_int_equal(store_query_int(f->st, "SELECT CASE WHEN "
	    "CAST(? AS TEXT) IS NULL THEN 1 ELSE 0 END", STORE_ARGS(SV_N),
	    &v, &e), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_query_int(f->st, "SELECT CASE WHEN "
	    "CAST(? AS BIGINT) IS NULL THEN 1 ELSE 0 END",
	    STORE_ARGS(SV_I(INT64_MAX)), &v, &e), 0);
	assert_int_equal(v, 0);
}

static void
test_store__literal_question_mark(void **state)
{
	struct fx		*f = fx_get(state);
	struct store_rows	*r = NULL;
	struct err		 e;

	assert_int_equal(store_query(f->st,
	    "SELECT '?', 'it''s ?', ? /* ? */, \"q?\" -- ? in a comment\n"
	    "FROM (SELECT 7 AS \"q?\") x -- ?", STORE_ARGS(SV_S("arg")), &r,
	    &e), 0);
	assert_int_equal(store_next(r, &e), 1);
	assert_string_equal(store_text(r, 0), "?");
	assert_string_equal(store_text(r, 1), "it's ?");
	assert_string_equal(store_text(r, 2), "arg");
	assert_int_equal(store_int(r, 3), 7);
	assert_int_equal(store_next(r, &e), 0);
	store_rows_free(r);
}

static void
test_store__unique_conflict(void **state)
{
	static const char	*words[] = { "INSERT", "users", "login",
				    "duplicate", "constraint", NULL };
	struct fx		*f = fx_get(state);
	struct err		 e;
	int64_t			 v;

	fx_migrate(f);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO users (id, login, "
	    "display_name, jurisdiction, status, created_at, updated_at) "
	    "VALUES (?, ?, 'A', 'city', 'active', 0, 0)",
	    STORE_ARGS(SV_I(1), SV_S("ann")), NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO users (id, login, "
	    "display_name, jurisdiction, status, created_at, updated_at) "
	    "VALUES (?, ?, 'A', 'city', 'active', 0, 0)",
	    STORE_ARGS(SV_I(2), SV_S("ann")), NULL, &e), ERR_CONFLICT);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_clean_msg(&e, words);
	store_rollback(f->st);
	assert_false(store_in_tx(f->st));

	/* A new transaction works, and the old one left nothing. */
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM users",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO users (id, login, "
	    "display_name, jurisdiction, status, created_at, updated_at) "
	    "VALUES (?, ?, 'A', 'city', 'active', 0, 0)",
	    STORE_ARGS(SV_I(2), SV_S("ann")), NULL, &e), 0);
	assert_int_equal(store_commit(f->st, &e), 0);

	/* Outside a transaction too; the connection stays usable. */
	assert_int_equal(store_exec(f->st, "INSERT INTO users (id, login, "
	    "display_name, jurisdiction, status, created_at, updated_at) "
	    "VALUES (?, ?, 'A', 'city', 'active', 0, 0)",
	    STORE_ARGS(SV_I(2), SV_S("bob")), NULL, &e), ERR_CONFLICT);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM users",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 1);
}

/*
 * After a failed statement PostgreSQL has aborted the transaction: a
 * commit must not report success.  (SQLite keeps the transaction open
 * and commits the statements that did succeed; portable callers roll
 * back on any error inside a transaction.)
 */
static void
test_store__commit_after_error(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	int64_t		 v;

	fx_table(f);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (1)",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (?)",
	    STORE_ARGS(SV_I(2)), NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (?)",
	    STORE_ARGS(SV_I(1)), NULL, &e), ERR_CONFLICT);
	if (f->kind != STORE_PG) {
		store_rollback(f->st);
		return;
	}
	assert_int_equal(store_commit(f->st, &e), ERR_CONFLICT);
	assert_false(store_in_tx(f->st));
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 1);
}

static void
test_store__rollback_discards(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	int64_t		 v;

	fx_table(f);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_true(store_in_tx(f->st));
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i) VALUES "
	    "(?, ?)", STORE_ARGS(SV_I(1), SV_I(10)), NULL, &e), 0);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 1);
	store_rollback(f->st);
	assert_false(store_in_tx(f->st));
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 0);
	/* Rolling back with no transaction open is harmless. */
	store_rollback(f->st);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_begin(f->st, &e), ERR_INTERNAL);
	store_rollback(f->st);
	assert_int_equal(store_commit(f->st, &e), ERR_INTERNAL);
}

static void
test_store__commit_keeps(void **state)
{
	struct fx	*f = fx_get(state);
	struct store	*other = NULL;
	struct err	 e;
	int64_t		 v;

	fx_table(f);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i) VALUES "
	    "(?, ?)", STORE_ARGS(SV_I(1), SV_I(10)), NULL, &e), 0);
	assert_int_equal(store_exec(f->st, "UPDATE t SET i = i + ? WHERE "
	    "id = ?", STORE_ARGS(SV_I(5), SV_I(1)), NULL, &e), 0);
	assert_int_equal(store_commit(f->st, &e), 0);
	assert_false(store_in_tx(f->st));
	assert_int_equal(store_query_int(f->st, "SELECT i FROM t WHERE id = 1",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 15);
	/* Visible to another connection (not for a private :memory:). */
	if (f->kind == STORE_PG) {
		assert_int_equal(store_open(f->url, &other, &e), 0);
		assert_int_equal(store_query_int(other, "SELECT i FROM t "
		    "WHERE id = 1", STORE_NOARGS, &v, &e), 0);
		assert_int_equal(v, 15);
		store_close(other);
	}
}

static void
test_store__query_helpers(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	int64_t		 v = 99;
	char		*s = NULL;

	fx_table(f);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i, s) VALUES "
	    "(?, ?, ?)", STORE_ARGS(SV_I(1), SV_I(-7), SV_S("seven")), NULL,
	    &e), 0);
	assert_int_equal(store_query_int(f->st, "SELECT i FROM t WHERE id = ?",
	    STORE_ARGS(SV_I(1)), &v, &e), 0);
	assert_int_equal(v, -7);
	assert_int_equal(store_query_text(f->st, "SELECT s FROM t WHERE "
	    "id = ?", STORE_ARGS(SV_I(1)), &s, &e), 0);
	assert_string_equal(s, "seven");
	free(s);
	s = NULL;

	v = 99;
	assert_int_equal(store_query_int(f->st, "SELECT i FROM t WHERE id = ?",
	    STORE_ARGS(SV_I(2)), &v, &e), ERR_NOT_FOUND);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(v, 99);		/* untouched on error */
	assert_int_equal(store_query_text(f->st, "SELECT s FROM t WHERE "
	    "id = ?", STORE_ARGS(SV_I(2)), &s, &e), ERR_NOT_FOUND);
	assert_null(s);
	/* An aggregate always has a row. */
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t "
	    "WHERE id = ?", STORE_ARGS(SV_I(2)), &v, &e), 0);
	assert_int_equal(v, 0);
}

static void
test_store__changes(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	int64_t		 n = -1;
	int		 i;

	fx_table(f);
	for (i = 1; i <= 5; i++) {
		n = -1;
		assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i) "
		    "VALUES (?, 0)", STORE_ARGS(SV_I(i)), &n, &e), 0);
		assert_int_equal(n, 1);
	}
	assert_int_equal(store_exec(f->st, "UPDATE t SET i = i + 1 WHERE "
	    "id > ?", STORE_ARGS(SV_I(2)), &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_exec(f->st, "UPDATE t SET i = i + 1 WHERE "
	    "id > ?", STORE_ARGS(SV_I(100)), &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_exec(f->st, "DELETE FROM t WHERE id <= ?",
	    STORE_ARGS(SV_I(4)), &n, &e), 0);
	assert_int_equal(n, 4);
	/* NULL for changes is allowed. */
	assert_int_equal(store_exec(f->st, "UPDATE t SET i = 0",
	    STORE_NOARGS, NULL, &e), 0);
}

static void
test_store__nested_same_sql(void **state)
{
	static const char	 q[] = "SELECT id FROM t WHERE id >= ? "
				    "ORDER BY id";
	struct fx		*f = fx_get(state);
	struct store_rows	*outer = NULL, *inner = NULL;
	struct err		 e;
	int64_t			 id, sum = 0, rows = 0;
	int			 i, rc;

	fx_table(f);
	for (i = 1; i <= 4; i++)
		assert_int_equal(store_exec(f->st, "INSERT INTO t (id) "
		    "VALUES (?)", STORE_ARGS(SV_I(i)), NULL, &e), 0);
	assert_int_equal(store_query(f->st, q, STORE_ARGS(SV_I(1)), &outer,
	    &e), 0);
	while ((rc = store_next(outer, &e)) == 1) {
		id = store_int(outer, 0);
		rows++;
		assert_int_equal(store_query(f->st, q, STORE_ARGS(SV_I(id)),
		    &inner, &e), 0);
		while ((rc = store_next(inner, &e)) == 1)
			sum += store_int(inner, 0);
		assert_int_equal(rc, 0);
		store_rows_free(inner);
		inner = NULL;
	}
	assert_int_equal(rc, 0);
	store_rows_free(outer);
	assert_int_equal(rows, 4);
	/* (1+2+3+4) + (2+3+4) + (3+4) + 4 */
	assert_int_equal(sum, 30);
	/* And the statement is reusable afterwards. */
	assert_int_equal(store_query_int(f->st, q, STORE_ARGS(SV_I(4)), &id,
	    &e), 0);
	assert_int_equal(id, 4);
}

static void
test_store__wrong_arg_count(void **state)
{
	struct fx		*f = fx_get(state);
	struct store_rows	*r = NULL;
	struct err		 e;
	int64_t			 v;

	fx_table(f);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i) VALUES "
	    "(?, ?)", STORE_ARGS(SV_I(1)), NULL, &e), ERR_INTERNAL);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id, i) VALUES "
	    "(?, ?)", STORE_ARGS(SV_I(1), SV_I(2), SV_I(3)), NULL, &e),
	    ERR_INTERNAL);
	assert_int_equal(store_query(f->st, "SELECT i FROM t WHERE id = ?",
	    STORE_NOARGS, &r, &e), ERR_INTERNAL);
	assert_null(r);
	assert_int_equal(store_query_int(f->st, "SELECT 1", STORE_ARGS(SV_I(1)),
	    &v, &e), ERR_INTERNAL);
	/* Nothing was inserted and the connection still works. */
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 0);
}

/* More arguments than a backend keeps on its stack. */
static void
test_store__many_args(void **state)
{
	struct fx		*f = fx_get(state);
	struct store_val	 args[40];
	struct err		 e;
	char			 sql[512];
	size_t			 len;
	int64_t			 v;
	int			 i;

	fx_table(f);
	len = (size_t)snprintf(sql, sizeof(sql),
	    "INSERT INTO t (id, i) VALUES (?, ?)");
	for (i = 0; i < 20; i++) {
		args[2 * i] = SV_I(i);
		args[2 * i + 1] = SV_I(INT64_MAX - i);
		if (i > 0)
			len += (size_t)snprintf(sql + len, sizeof(sql) - len,
			    ", (?, ?)");
	}
	assert_true(len < sizeof(sql));
	assert_int_equal(store_exec(f->st, sql, args, 40, &v, &e), 0);
	assert_int_equal(v, 20);
	assert_int_equal(store_query_int(f->st, "SELECT i FROM t WHERE id = 19",
	    STORE_NOARGS, &v, &e), 0);
	assert_true(v == INT64_MAX - 19);
}

static void
test_store__update_returning(void **state)
{
	static const char	 q[] = "UPDATE audit_head SET size = size + 1 "
				    "WHERE id = 1 RETURNING size";
	struct fx		*f = fx_get(state);
	struct store_rows	*r = NULL;
	struct err		 e;
	int64_t			 v;

	fx_migrate(f);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_query(f->st, q, STORE_NOARGS, &r, &e), 0);
	assert_int_equal(store_next(r, &e), 1);
	assert_int_equal(store_int(r, 0), 1);
	assert_int_equal(store_next(r, &e), 0);
	store_rows_free(r);
	r = NULL;
	/* Freed before its end: the update still counts. */
	assert_int_equal(store_query_int(f->st, q, STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 2);
	assert_int_equal(store_commit(f->st, &e), 0);
	assert_int_equal(store_query_int(f->st, "SELECT size FROM audit_head "
	    "WHERE id = 1", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 2);
}

static void
test_store__error_hides_sql(void **state)
{
	static const char	*words[] = { "SELEC", "nowhere", "FROM",
				    "syntax", "relation", "column", "nope",
				    "NULL", NULL };
	struct fx		*f = fx_get(state);
	struct store_rows	*r = NULL;
	struct err		 e;
	int			 rc;

	fx_table(f);
	err_clear(&e);
	assert_int_equal(store_exec(f->st, "SELEC 1 FROM nowhere",
	    STORE_NOARGS, NULL, &e), ERR_STORE);
	assert_clean_msg(&e, words);
	err_clear(&e);
	rc = store_query(f->st, "SELECT nope FROM nowhere", STORE_NOARGS, &r,
	    &e);
	assert_int_equal(rc, ERR_STORE);
	assert_clean_msg(&e, words);
	err_clear(&e);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (NULL)",
	    STORE_NOARGS, NULL, &e), ERR_STORE);
	assert_clean_msg(&e, words);
	assert_string_equal(e.msg, err_default_msg(ERR_STORE));
}

struct conc {
	const char	*url;
	int		 failures;
	int		 first_err;
	char		 msg[ERR_MSG_MAX];
};

static void *
conc_worker(void *arg)
{
	struct conc	*c = arg;
	struct store	*st = NULL;
	struct err	 e;
	int64_t		 size;
	int		 i, rc;

	if ((rc = store_open(c->url, &st, &e)) < 0)
		goto fail;
	for (i = 0; i < CONC_TX; i++) {
		if ((rc = store_begin(st, &e)) < 0)
			goto fail;
		if ((rc = store_query_int(st, "UPDATE audit_head SET "
		    "size = size + 1 WHERE id = 1 RETURNING size",
		    STORE_NOARGS, &size, &e)) < 0 ||
		    (rc = store_exec(st, "INSERT INTO audit_entries (seq, "
		    "entry, at, actor, action) VALUES (?, ?, ?, ?, ?)",
		    STORE_ARGS(SV_I(size), SV_S("e"), SV_I(i), SV_S("t"),
		    SV_S("conc")), NULL, &e)) < 0 ||
		    (rc = store_commit(st, &e)) < 0) {
			store_rollback(st);
			goto fail;
		}
	}
	store_close(st);
	return NULL;
fail:
	c->failures++;
	c->first_err = rc;
	snprintf(c->msg, sizeof(c->msg), "%s", e.msg);
	store_close(st);
	return NULL;
}

static void
test_store__concurrent_appends(void **state)
{
	struct fx	*f = fx_get(state);
	struct store	*st = f->st, *own = NULL;
	struct conc	 c[CONC_THREADS];
	pthread_t	 th[CONC_THREADS];
	struct err	 e;
	char		*url = NULL;
	int64_t		 v;
	int		 i;

	if (f->kind == STORE_SQLITE) {
		/* :memory: is private to a connection: use a file. */
		snprintf(f->dir, sizeof(f->dir), "/tmp/fw-test-store-XXXXXX");
		assert_non_null(mkdtemp(f->dir));
		assert_true(asprintf(&url, "sqlite:%s/c.db", f->dir) > 0);
		assert_int_equal(store_open(url, &own, &e), 0);
		st = own;
	} else
		url = strdup(f->url);
	assert_int_equal(store_migrate(st, NULL, &e), 0);

	memset(c, 0, sizeof(c));
	for (i = 0; i < CONC_THREADS; i++) {
		c[i].url = url;
		assert_int_equal(pthread_create(&th[i], NULL, conc_worker,
		    &c[i]), 0);
	}
	for (i = 0; i < CONC_THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < CONC_THREADS; i++)
		if (c[i].failures != 0)
			fail_msg("worker %d: %s (%d)", i, c[i].msg,
			    c[i].first_err);

	assert_int_equal(store_query_int(st, "SELECT size FROM audit_head "
	    "WHERE id = 1", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, CONC_THREADS * CONC_TX);
	assert_int_equal(store_query_int(st, "SELECT COUNT(DISTINCT seq) "
	    "FROM audit_entries", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, CONC_THREADS * CONC_TX);
	assert_int_equal(store_query_int(st, "SELECT MIN(seq) FROM "
	    "audit_entries", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_query_int(st, "SELECT MAX(seq) FROM "
	    "audit_entries", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, CONC_THREADS * CONC_TX);
	store_close(own);
	free(url);
}

/* The text of column s of row id, read on st between enter and leave. */
static char *
kept_get(struct store *st, int64_t id)
{
	struct err	 e;
	char		*v = NULL;

	store_enter(st);
	assert_int_equal(store_query_text(st, "SELECT s FROM t WHERE id = ?",
	    STORE_ARGS(SV_I(id)), &v, &e), 0);
	store_leave(st);
	return v;
}

static void
kept_expect(struct store *st, int64_t id, const char *want)
{
	char	*v = kept_get(st, id);

	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

/* Frames in the WAL after a passive checkpoint (PRAGMA wal_checkpoint's
 * second column); *left: those it could not copy back. */
static int64_t
kept_wal_ckpt(struct store *w, int64_t *left)
{
	struct store_rows	*rows = NULL;
	struct err		 e;
	int64_t			 n;

	assert_int_equal(store_query(w, "PRAGMA wal_checkpoint(PASSIVE)",
	    STORE_NOARGS, &rows, &e), 0);
	assert_int_equal(store_next(rows, &e), 1);
	assert_int_equal(store_int(rows, 0), 0);	/* not busy */
	n = store_int(rows, 1);
	if (left != NULL)
		*left = n - store_int(rows, 2);
	store_rows_free(rows);
	return n;
}

static int64_t
kept_wal_frames(struct store *w)
{
	return kept_wal_ckpt(w, NULL);
}

/*
 * SQLite: once the WAL is copied back entirely, a kept read does not keep
 * the next writer from rewinding it (else the file would only grow while
 * the keeping connection is busy).
 */
static void
kept_wal_rewinds(struct store *w, struct store *r)
{
	struct err	e;
	int64_t		left;
	int		i;

	for (i = 0; i < 50; i++)
		assert_int_equal(store_exec(w, "UPDATE t SET i = i + 1 WHERE "
		    "id = 1", STORE_NOARGS, NULL, &e), 0);
	kept_expect(r, 1, "e");
	assert_true(kept_wal_frames(w) >= 50);	/* all copied back now */
	kept_expect(r, 1, "e");
	assert_int_equal(store_exec(w, "UPDATE t SET s = 'f' WHERE id = 1",
	    STORE_NOARGS, NULL, &e), 0);
	assert_true(kept_wal_frames(w) < 10);	/* rewound */
	kept_expect(r, 1, "f");

	/* A kept read that a commit made stale while its connection was
	 * idle holds the copy back until store_release_idle() ends it. */
	kept_wal_ckpt(w, &left);
	assert_int_equal(left, 0);
	kept_expect(r, 1, "f");
	assert_int_equal(store_exec(w, "UPDATE t SET s = 'g' WHERE id = 1",
	    STORE_NOARGS, NULL, &e), 0);
	kept_wal_ckpt(w, &left);
	assert_true(left > 0);
	store_release_idle(INT64_MAX);		/* stale, not idle for long */
	kept_wal_ckpt(w, &left);
	assert_int_equal(left, 0);
	kept_expect(r, 1, "g");
}

/*
 * Kept reads (store_keep_reads): a read sees every commit made before it,
 * by another connection or its own, and writes on the keeping connection
 * are committed as in autocommit mode, never held in its transaction.
 */
/*
 * The kept-reads tests' databases: a writer *w (on SQLite a file
 * database of its own, *own; elsewhere the fixture's store) holding table
 * t with row (1, 0, 'a'), and a reader *r with kept reads on, both on
 * *url.
 */
static void
kept_setup(struct fx *f, struct store **own, struct store **w,
    struct store **r, char **url)
{
	struct err	e;

	*own = NULL;
	*w = f->st;
	if (f->kind == STORE_SQLITE) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/fw-test-store-XXXXXX");
		assert_non_null(mkdtemp(f->dir));
		assert_true(asprintf(url, "sqlite:%s/c.db", f->dir) > 0);
		assert_int_equal(store_open(*url, own, &e), 0);
		*w = *own;
	} else
		*url = strdup(f->url);
	assert_int_equal(store_exec(*w, "CREATE TABLE t (id BIGINT NOT NULL "
	    "PRIMARY KEY, i BIGINT, s TEXT)", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_exec(*w, "INSERT INTO t (id, i, s) VALUES "
	    "(1, 0, 'a')", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_open(*url, r, &e), 0);
	store_keep_reads(*r);
}

static void
test_store__kept_reads(void **state)
{
	struct fx		*f = fx_get(state);
	struct store		*r, *w, *own;
	struct store_rows	*rows = NULL;
	struct err		 e;
	char			*url = NULL;
	int64_t			 v;
	int			 n;

	kept_setup(f, &own, &w, &r, &url);

	kept_expect(r, 1, "a");
	kept_expect(r, 1, "a");
	/* Another connection's commits, autocommit and explicit. */
	assert_int_equal(store_exec(w, "UPDATE t SET s = 'b' WHERE id = 1",
	    STORE_NOARGS, NULL, &e), 0);
	kept_expect(r, 1, "b");
	assert_int_equal(store_begin(w, &e), 0);
	assert_int_equal(store_exec(w, "UPDATE t SET s = 'c' WHERE id = 1",
	    STORE_NOARGS, NULL, &e), 0);
	kept_expect(r, 1, "b");		/* not committed yet */
	assert_int_equal(store_commit(w, &e), 0);
	kept_expect(r, 1, "c");

	/* The keeping connection's own writes are committed at once. */
	kept_expect(r, 1, "c");
	store_enter(r);
	assert_int_equal(store_exec(r, "UPDATE t SET s = 'd' WHERE id = 1",
	    STORE_NOARGS, NULL, &e), 0);
	store_leave(r);
	kept_expect(w, 1, "d");
	kept_expect(r, 1, "d");
	store_enter(r);
	assert_int_equal(store_query_int(r, "INSERT INTO t (id, i, s) VALUES "
	    "(2, 0, 'x') RETURNING id", STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 2);
	store_leave(r);
	kept_expect(w, 2, "x");
	kept_expect(r, 2, "x");
	store_enter(r);
	assert_int_equal(store_begin(r, &e), 0);
	assert_int_equal(store_exec(r, "UPDATE t SET s = 'e' WHERE id = 1",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_commit(r, &e), 0);
	store_leave(r);
	kept_expect(w, 1, "e");
	/* A write while a kept read's rows are still being read. */
	kept_expect(r, 1, "e");
	store_enter(r);
	assert_int_equal(store_query(r, "SELECT id FROM t ORDER BY id",
	    STORE_NOARGS, &rows, &e), 0);
	n = 0;
	while (store_next(rows, &e) == 1)
		if (n++ == 0)
			assert_int_equal(store_exec(r, "INSERT INTO t (id, i, "
			    "s) VALUES (3, 0, 'y')", STORE_NOARGS, NULL, &e),
			    0);
	store_rows_free(rows);
	store_leave(r);
	assert_true(n >= 2);
	kept_expect(w, 3, "y");
	kept_expect(r, 3, "y");

	/* An idle connection lets go of its snapshot: a checkpoint that
	 * waits for every reader then finishes at once. */
	kept_expect(r, 1, "e");
	store_release_idle(0);
	if (f->kind == STORE_SQLITE) {
		assert_int_equal(store_query_int(w, "PRAGMA "
		    "wal_checkpoint(TRUNCATE)", STORE_NOARGS, &v, &e), 0);
		assert_int_equal(v, 0);		/* not busy */
	}
	kept_expect(r, 1, "e");
	if (f->kind == STORE_SQLITE)
		kept_wal_rewinds(w, r);
	store_close(r);
	store_close(own);
	free(url);
}

#define KEPT_WRITES	2000

struct kept_conc {
	const char		*url;
	_Atomic int64_t		 committed;	/* last value acknowledged */
	_Atomic int		 done;
	int			 failures;
	int64_t			 seen, want;
};

static void *
kept_writer(void *arg)
{
	struct kept_conc	*k = arg;
	struct store		*st = NULL;
	struct err		 e;
	int64_t			 i;

	if (store_open(k->url, &st, &e) < 0) {
		k->failures++;
		atomic_store(&k->done, 1);
		return NULL;
	}
	for (i = 1; i <= KEPT_WRITES; i++) {
		if (store_exec(st, "UPDATE t SET i = ? WHERE id = 1",
		    STORE_ARGS(SV_I(i)), NULL, &e) < 0) {
			k->failures++;
			break;
		}
		atomic_store(&k->committed, i);
	}
	atomic_store(&k->done, 1);
	store_close(st);
	return NULL;
}

/* What the server's scheduler does, all the time. */
static void *
kept_tidier(void *arg)
{
	struct kept_conc	*k = arg;
	struct store		*st = NULL;
	struct err		 e;

	if (store_open(k->url, &st, &e) < 0)
		return NULL;
	while (!atomic_load(&k->done)) {
		store_release_idle(0);
		(void)store_checkpoint(st, &e);
		usleep(200);
	}
	store_close(st);
	return NULL;
}

/*
 * Kept reads under concurrent commits, checkpoints and releases: a read
 * never returns less than what was acknowledged before it began.
 */
static void
test_store__kept_reads_concurrent(void **state)
{
	struct fx		*f = fx_get(state);
	struct store		*w, *own, *r;
	struct kept_conc	 k;
	pthread_t		 wt, tt;
	struct err		 e;
	char			*url = NULL;
	int64_t			 before, v;

	kept_setup(f, &own, &w, &r, &url);

	memset(&k, 0, sizeof(k));
	k.url = url;
	assert_int_equal(pthread_create(&wt, NULL, kept_writer, &k), 0);
	assert_int_equal(pthread_create(&tt, NULL, kept_tidier, &k), 0);
	while (!atomic_load(&k.done)) {
		before = atomic_load(&k.committed);
		store_enter(r);
		assert_int_equal(store_query_int(r, "SELECT i FROM t WHERE "
		    "id = 1", STORE_NOARGS, &v, &e), 0);
		store_leave(r);
		if (v < before && k.failures == 0) {
			k.failures++;
			k.seen = v;
			k.want = before;
		}
	}
	pthread_join(wt, NULL);
	pthread_join(tt, NULL);
	if (k.failures != 0)
		fail_msg("read %lld after %lld was acknowledged",
		    (long long)k.seen, (long long)k.want);
	store_enter(r);
	assert_int_equal(store_query_int(r, "SELECT i FROM t WHERE id = 1",
	    STORE_NOARGS, &v, &e), 0);
	store_leave(r);
	assert_int_equal(v, KEPT_WRITES);
	store_close(r);
	store_close(own);
	free(url);
}

/* PostgreSQL only: SQLSTATEs map onto the catalogue, messages stay out. */
static void
test_store__pg_sqlstate(void **state)
{
	static const struct {
		const char	*state;
		int		 code;
	} map[] = {
		{ "23505", ERR_CONFLICT },
		{ "40001", ERR_UNAVAILABLE },
		{ "40P01", ERR_UNAVAILABLE },
		{ "08006", ERR_UNAVAILABLE },
		{ "53100", ERR_IO },
		{ "22012", ERR_STORE },
		{ "42501", ERR_STORE },
	};
	static const char	*words[] = { "secret-marker", "DO", NULL };
	struct fx		*f = fx_get(state);
	struct err		 e;
	char			 sql[200];
	int64_t			 v;
	size_t			 i;

	if (f->kind != STORE_PG)
		skip();
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		snprintf(sql, sizeof(sql), "DO $$ BEGIN RAISE EXCEPTION "
		    "'secret-marker' USING ERRCODE = '%s'; END $$",
		    map[i].state);
		err_clear(&e);
		assert_int_equal(store_exec(f->st, sql, STORE_NOARGS, NULL,
		    &e), map[i].code);
		assert_clean_msg(&e, words);
		/* Also inside a transaction, which then has to roll back. */
		assert_int_equal(store_begin(f->st, &e), 0);
		assert_int_equal(store_exec(f->st, sql, STORE_NOARGS, NULL,
		    &e), map[i].code);
		store_rollback(f->st);
	}
	assert_int_equal(store_query_int(f->st, "SELECT 1", STORE_NOARGS, &v,
	    &e), 0);
}

/* PostgreSQL only: a dropped connection recovers outside transactions. */
static void
test_store__pg_reconnect(void **state)
{
	struct fx	*f = fx_get(state);
	struct store	*killer = NULL;
	struct err	 e;
	int64_t		 pid, v;

	if (f->kind != STORE_PG)
		skip();
	fx_table(f);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (?)",
	    STORE_ARGS(SV_I(1)), NULL, &e), 0);
	assert_int_equal(store_open(f->url, &killer, &e), 0);

	/* Lost inside a transaction: that transaction fails. */
	assert_int_equal(store_query_int(f->st, "SELECT pg_backend_pid()",
	    STORE_NOARGS, &pid, &e), 0);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_query_int(killer, "SELECT "
	    "CASE WHEN pg_terminate_backend(CAST(? AS INTEGER), 5000) "
	    "THEN 1 "
	    "ELSE 0 END", STORE_ARGS(SV_I(pid)), &v, &e), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (?)",
	    STORE_ARGS(SV_I(2)), NULL, &e), ERR_UNAVAILABLE);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (?)",
	    STORE_ARGS(SV_I(2)), NULL, &e), ERR_UNAVAILABLE);
	assert_true(store_commit(f->st, &e) < 0);
	assert_false(store_in_tx(f->st));

	/* The next statement reconnects and prepares again. */
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_exec(f->st, "INSERT INTO t (id) VALUES (?)",
	    STORE_ARGS(SV_I(2)), NULL, &e), 0);

	/*
	 * Lost between statements outside a transaction: one error, then
	 * the connection is back.
	 */
	assert_int_equal(store_query_int(f->st, "SELECT pg_backend_pid()",
	    STORE_NOARGS, &pid, &e), 0);
	assert_int_equal(store_query_int(killer, "SELECT "
	    "CASE WHEN pg_terminate_backend(CAST(? AS INTEGER), 5000) "
	    "THEN 1 "
	    "ELSE 0 END", STORE_ARGS(SV_I(pid)), &v, &e), 0);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t",
	    STORE_NOARGS, &v, &e), ERR_UNAVAILABLE);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM t",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 2);
	assert_int_equal(store_query_int(f->st, "SELECT CASE WHEN "
	    "current_setting('TimeZone') = 'UTC' THEN 1 ELSE 0 END",
	    STORE_NOARGS, &v, &e), 0);
	assert_int_equal(v, 1);
	store_close(killer);
}

/* PostgreSQL only: session settings, and one PREPARE per distinct SQL. */
static void
test_store__pg_session(void **state)
{
	static const char	 q[] = "SELECT COUNT(*) FROM pg_prepared_statements "
				    "WHERE statement LIKE ?";
	struct fx		*f = fx_get(state);
	struct err		 e;
	char			*s = NULL;
	int64_t			 v;
	int			 i;

	if (f->kind != STORE_PG)
		skip();
	assert_int_equal(store_query_text(f->st, "SELECT current_setting("
	    "'TimeZone')", STORE_NOARGS, &s, &e), 0);
	assert_string_equal(s, "UTC");
	free(s);
	assert_int_equal(store_query_text(f->st, "SELECT current_setting("
	    "'client_encoding')", STORE_NOARGS, &s, &e), 0);
	assert_string_equal(s, "UTF8");
	free(s);
	assert_int_equal(store_query_text(f->st, "SELECT current_setting("
	    "'application_name')", STORE_NOARGS, &s, &e), 0);
	assert_string_equal(s, "firewarden");
	free(s);
	assert_int_equal(store_query_text(f->st, "SELECT current_setting("
	    "'transaction_isolation')", STORE_NOARGS, &s, &e), 0);
	assert_string_equal(s, "read committed");
	free(s);

	for (i = 0; i < 3; i++)
		assert_int_equal(store_query_int(f->st, "SELECT ? + 1 "
		    "AS fw_prepared_once", STORE_ARGS(SV_I(i)), &v, &e), 0);
	assert_int_equal(v, 3);
	assert_int_equal(store_query_int(f->st, q,
	    STORE_ARGS(SV_S("%$1 + 1 AS fw_prepared_once%")), &v, &e), 0);
	assert_int_equal(v, 1);
	/* Rewritten: the `?` went to the server as $1. */
	assert_int_equal(store_query_int(f->st, q,
	    STORE_ARGS(SV_S("%? + 1 AS fw_prepared_once%")), &v, &e), 0);
	assert_int_equal(v, 0);
}

/*
 * PostgreSQL only: SQL built at run time must not grow the server-side
 * statement cache without bound; past the cap statements run unnamed.
 */
static void
test_store__pg_many_statements(void **state)
{
	struct fx	*f = fx_get(state);
	struct err	 e;
	char		 sql[64];
	int64_t		 v;
	int		 i;

	if (f->kind != STORE_PG)
		skip();
	for (i = 0; i < 1100; i++) {
		snprintf(sql, sizeof(sql), "SELECT CAST(? AS BIGINT) + %d", i);
		assert_int_equal(store_query_int(f->st, sql,
		    STORE_ARGS(SV_I(i)), &v, &e), 0);
		assert_int_equal(v, 2 * i);
	}
	/* Cached ones still run, uncached ones still check arguments. */
	assert_int_equal(store_query_int(f->st, "SELECT CAST(? AS BIGINT) + 5",
	    STORE_ARGS(SV_I(1)), &v, &e), 0);
	assert_int_equal(v, 6);
	assert_int_equal(store_query_int(f->st, "SELECT CAST(? AS BIGINT) + "
	    "1099", STORE_ARGS(SV_I(1)), &v, &e), 0);
	assert_int_equal(v, 1100);
	assert_int_equal(store_query_int(f->st, "SELECT CAST(? AS BIGINT) + "
	    "1099", STORE_NOARGS, &v, &e), ERR_INTERNAL);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM "
	    "pg_prepared_statements", STORE_NOARGS, &v, &e), 0);
	assert_true(v <= 1024);
}

/* PostgreSQL only, needs no server: an unreachable one is ERR_UNAVAILABLE. */
static void
test_store__pg_unreachable(void **state)
{
	struct store	*st = NULL;
	struct err	 e;

	err_clear(&e);
	assert_int_equal(store_open("postgres://fwuser:hunter2@/nodb?host="
	    "/nonexistent-fw-socket-dir", &st, &e), ERR_UNAVAILABLE);
	assert_null(st);
	assert_null(strstr(e.msg, "hunter2"));
	assert_null(strstr(e.msg, "fwuser"));
	assert_null(strstr(e.msg, "nonexistent"));
}

#define BOTH(fn)							\
	{ .name = #fn "/sqlite", .test_func = fn, .setup_func = fx_setup, \
	  .teardown_func = fx_teardown, .initial_state = &fx_sqlite },	\
	{ .name = #fn "/pg", .test_func = fn, .setup_func = fx_setup,	\
	  .teardown_func = fx_teardown, .initial_state = &fx_pg }
#define PG_ONLY(fn)							\
	{ .name = #fn "/pg", .test_func = fn, .setup_func = fx_setup,	\
	  .teardown_func = fx_teardown, .initial_state = &fx_pg }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_store__migrate),
		BOTH(test_store__schema_version),
		BOTH(test_store__ints),
		BOTH(test_store__text),
		BOTH(test_store__null),
		BOTH(test_store__typed_null_param),
		BOTH(test_store__literal_question_mark),
		BOTH(test_store__unique_conflict),
		BOTH(test_store__commit_after_error),
		BOTH(test_store__rollback_discards),
		BOTH(test_store__commit_keeps),
		BOTH(test_store__query_helpers),
		BOTH(test_store__changes),
		BOTH(test_store__nested_same_sql),
		BOTH(test_store__wrong_arg_count),
		BOTH(test_store__many_args),
		BOTH(test_store__update_returning),
		BOTH(test_store__error_hides_sql),
		BOTH(test_store__concurrent_appends),
		BOTH(test_store__kept_reads),
		BOTH(test_store__kept_reads_concurrent),
		PG_ONLY(test_store__pg_sqlstate),
		PG_ONLY(test_store__pg_reconnect),
		PG_ONLY(test_store__pg_session),
		PG_ONLY(test_store__pg_many_statements),
		cmocka_unit_test(test_store__pg_unreachable),
	};
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	const char	*dbg = getenv("FIREWARDEN_TEST_DEBUG");

	if (dbg != NULL && *dbg != '\0')
		log_set_level(LOG_DEBUG);
	if (pg == NULL || *pg == '\0')
		printf("test_store: FIREWARDEN_TEST_PG is unset: "
		    "the PostgreSQL half is skipped\n");
	else if (strncmp(pg, "postgres://", 11) != 0 &&
	    strncmp(pg, "postgresql://", 13) != 0) {
		fprintf(stderr, "test_store: FIREWARDEN_TEST_PG must be a "
		    "postgres:// URL\n");
		return 1;
	}
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
