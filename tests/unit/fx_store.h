/*
 * What the database-backed unit tests share: a fresh, migrated store for
 * each test (on PostgreSQL a new empty public schema), and the small
 * transaction and counting helpers.  Include after <cmocka.h>.
 */
#ifndef FW_TEST_FX_STORE_H
#define FW_TEST_FX_STORE_H

#include "store/store.h"

/* Open url, empty it (PostgreSQL: drop and recreate public), migrate. */
static inline struct store *
fx_store_fresh(const char *url)
{
	struct store	*st = NULL;
	struct err	 e;

	if (store_open(url, &st, &e) < 0)
		fail_msg("open %s: %s", url, e.msg);
	if (store_kind(st) == STORE_PG) {
		assert_int_equal(store_exec(st, "DROP SCHEMA public CASCADE",
		    STORE_NOARGS, NULL, &e), 0);
		assert_int_equal(store_exec(st, "CREATE SCHEMA public",
		    STORE_NOARGS, NULL, &e), 0);
	}
	assert_int_equal(store_migrate(st, NULL, &e), 0);
	return st;
}

static inline void
fx_begin(struct store *st)
{
	struct err	e;

	assert_int_equal(store_begin(st, &e), 0);
}

/* Commit when rc is 0, else roll back; returns rc. */
static inline int
fx_end(struct store *st, int rc)
{
	struct err	e;

	if (rc == 0)
		assert_int_equal(store_commit(st, &e), 0);
	else
		store_rollback(st);
	return rc;
}

/* The integer a query without arguments answers. */
static inline int64_t
fx_count(struct store *st, const char *sql)
{
	struct err	e;
	int64_t		n = -1;

	if (store_query_int(st, sql, STORE_NOARGS, &n, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

#endif
