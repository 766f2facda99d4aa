/*
 * Backend-independent part of the store: choosing the backend by URL,
 * dispatch through the ops struct, transaction bookkeeping, convenience
 * queries and migrations.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/mem.h"
#include "store_int.h"

int
store_open(const char *url, struct store **out, struct err *e)
{
	const struct store_ops	*ops;
	const char		*target;
	struct store		*st;
	void			*conn = NULL;
	int			 rc;

	if (strncmp(url, "sqlite:", 7) == 0) {
		ops = &store_sqlite_ops;
		target = url + 7;
	} else if (strncmp(url, "postgres://", 11) == 0 ||
	    strncmp(url, "postgresql://", 13) == 0) {
		ops = &store_pg_ops;
		target = url;
	} else
		return err_set(e, ERR_INVALID, "db",
		    "database URL must start with sqlite: or postgres://");
	if (*target == '\0')
		return err_set(e, ERR_INVALID, "db", "empty database path");
	if ((rc = ops->open(target, &conn, e)) < 0)
		return rc;
	st = xcalloc(1, sizeof(*st));
	st->ops = ops;
	st->conn = conn;
	st->url = xstrdup(url);
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->in_tx)
		store_rollback(st);
	st->ops->close(st->conn);
	free(st->url);
	free(st);
}

enum store_kind
store_kind(const struct store *st)
{
	return st->ops->kind;
}

const char *
store_url(const struct store *st)
{
	return st->url;
}

void
store_keep_reads(struct store *st)
{
	if (st->ops->keep_reads != NULL)
		st->ops->keep_reads(st->conn);
}

void
store_enter(struct store *st)
{
	if (st->ops->enter != NULL)
		st->ops->enter(st->conn);
}

void
store_leave(struct store *st)
{
	if (st->ops->leave != NULL)
		st->ops->leave(st->conn);
}

void
store_release_idle(int64_t idle_us)
{
	store_sqlite_release_idle(idle_us);
}

int
store_checkpoint(struct store *st, struct err *e)
{
	if (st->in_tx || st->ops->checkpoint == NULL)
		return 0;
	return st->ops->checkpoint(st->conn, e);
}

int
store_begin(struct store *st, struct err *e)
{
	int	rc;

	if (st->in_tx)
		return err_set(e, ERR_INTERNAL, NULL, "nested transaction");
	if ((rc = st->ops->begin(st->conn, e)) < 0)
		return rc;
	st->in_tx = 1;
	st->tx_err = 0;
	return 0;
}

int
store_commit(struct store *st, struct err *e)
{
	int	rc;

	if (!st->in_tx)
		return err_set(e, ERR_INTERNAL, NULL, "no transaction");
	/*
	 * A statement failed in this transaction: PostgreSQL has aborted
	 * it, so SQLite must not commit the rest either.
	 */
	if (st->tx_err < 0) {
		rc = err_set(e, st->tx_err, NULL, NULL);
		st->ops->rollback(st->conn);
		st->in_tx = 0;
		return rc;
	}
	rc = st->ops->commit(st->conn, e);
	if (rc < 0)
		st->ops->rollback(st->conn);
	st->in_tx = 0;
	return rc;
}

void
store_rollback(struct store *st)
{
	if (!st->in_tx)
		return;
	st->ops->rollback(st->conn);
	st->in_tx = 0;
}

int
store_in_tx(const struct store *st)
{
	return st->in_tx;
}

int
store_begin_own(struct store *st, int *own, struct err *e)
{
	*own = !st->in_tx;
	return *own ? store_begin(st, e) : 0;
}

int
store_end_own(struct store *st, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc < 0) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, e);
}

/* Remember the first statement failure of an open transaction. */
static void
store_note(struct store *st, int rc)
{
	if (rc < 0 && st->in_tx && st->tx_err == 0)
		st->tx_err = rc;
}

int
store_exec(struct store *st, const char *sql, const struct store_val *args,
    int nargs, int64_t *changes, struct err *e)
{
	int	rc = st->ops->exec(st->conn, sql, args, nargs, changes, e);

	store_note(st, rc);
	return rc;
}

int
store_query(struct store *st, const char *sql, const struct store_val *args,
    int nargs, struct store_rows **out, struct err *e)
{
	struct store_rows	*r;
	void			*rows = NULL;
	int			 rc;

	if ((rc = st->ops->query(st->conn, sql, args, nargs, &rows, e)) < 0) {
		store_note(st, rc);
		return rc;
	}
	r = xmalloc(sizeof(*r));
	r->ops = st->ops;
	r->st = st;
	r->rows = rows;
	*out = r;
	return 0;
}

int
store_next(struct store_rows *r, struct err *e)
{
	int	rc = r->ops->next(r->rows, e);

	store_note(r->st, rc);
	return rc;
}

int
store_isnull(struct store_rows *r, int col)
{
	return r->ops->isnull(r->rows, col);
}

int64_t
store_int(struct store_rows *r, int col)
{
	return r->ops->intv(r->rows, col);
}

const char *
store_text(struct store_rows *r, int col)
{
	const char	*s = r->ops->text(r->rows, col);

	return s ? s : "";
}

void
store_rows_free(struct store_rows *r)
{
	if (r == NULL)
		return;
	r->ops->rows_free(r->rows);
	free(r);
}

int
store_query_int(struct store *st, const char *sql,
    const struct store_val *args, int nargs, int64_t *out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, sql, args, nargs, &r, e)) < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, NULL);
		goto out;
	}
	*out = store_int(r, 0);
	rc = 0;
out:
	store_rows_free(r);
	return rc;
}

int
store_query_text(struct store *st, const char *sql,
    const struct store_val *args, int nargs, char **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, sql, args, nargs, &r, e)) < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, NULL);
		goto out;
	}
	*out = store_isnull(r, 0) ? NULL : xstrdup(store_text(r, 0));
	rc = 0;
out:
	store_rows_free(r);
	return rc;
}

static const char store_sql_mig_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " number BIGINT NOT NULL PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

/*
 * On PostgreSQL, migrators on several nodes queue on this advisory lock,
 * held to the end of the transaction ("FWMIGR" in ASCII); concurrent
 * CREATE TABLE IF NOT EXISTS is not safe there without it.  SQLite's
 * write lock already serialises them.
 */
#define STORE_MIGRATE_LOCK	INT64_C(0x46574d494752)

static int
store_migrate_lock(struct store *st, struct err *e)
{
	if (store_kind(st) != STORE_PG)
		return 0;
	return store_exec(st, "SELECT pg_advisory_xact_lock(?)",
	    STORE_ARGS(SV_I(STORE_MIGRATE_LOCK)), NULL, e);
}

int
store_schema_version(struct store *st, int64_t *out, struct err *e)
{
	int	rc;

	rc = store_query_int(st,
	    "SELECT COALESCE(MAX(number), 0) FROM schema_migrations",
	    STORE_NOARGS, out, e);
	if (rc < 0 && !st->in_tx) {
		/* No table yet: an empty database. */
		*out = 0;
		return 0;
	}
	return rc;
}

int
store_migrate(struct store *st, int *applied, struct err *e)
{
	const struct store_migration	*m;
	int64_t				 have;
	int				 i, n = 0, rc;

	if ((rc = store_begin(st, e)) < 0)
		return rc;
	if ((rc = store_migrate_lock(st, e)) < 0 ||
	    (rc = st->ops->script(st->conn, store_sql_mig_table, e)) < 0 ||
	    (rc = store_query_int(st, "SELECT COALESCE(MAX(number), 0) FROM "
	    "schema_migrations", STORE_NOARGS, &have, e)) < 0)
		goto fail;
	if ((rc = store_commit(st, e)) < 0)
		return rc;
	for (i = 0; i < store_nmigrations; i++) {
		m = &store_migrations[i];
		if (m->number <= have)
			continue;
		if ((rc = store_begin(st, e)) < 0)
			return rc;
		if ((rc = store_migrate_lock(st, e)) < 0)
			goto fail;
		/* Re-check under the lock: another node may have won. */
		if ((rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "schema_migrations WHERE number = ?",
		    STORE_ARGS(SV_I(m->number)), &have, e)) < 0)
			goto fail;
		if (have > 0) {
			store_rollback(st);
			have = m->number;
			continue;
		}
		if ((rc = st->ops->script(st->conn, m->sql, e)) < 0)
			goto fail;
		if ((rc = store_exec(st, "INSERT INTO schema_migrations "
		    "(number, name, applied_at) VALUES (?, ?, ?)",
		    STORE_ARGS(SV_I(m->number), SV_S(m->name),
		    SV_I(clock_now())), NULL, e)) < 0)
			goto fail;
		if ((rc = store_commit(st, e)) < 0)
			return rc;
		have = m->number;
		n++;
	}
	if (applied)
		*applied = n;
	return 0;
fail:
	store_rollback(st);
	return rc;
}

void
store_sql_rows(struct buf *b, const char *single, int k)
{
	const char	*v = strstr(single, "VALUES ") + 7;
	int		 i;

	buf_reset(b);
	buf_add(b, single, (size_t)(v - single));
	for (i = 0; i < k; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		buf_adds(b, v);
	}
}
