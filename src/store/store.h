/*
 * What domain code sees of the database.  One struct store is one
 * connection, used by one thread at a time (each HTTP worker opens its
 * own).  SQL is written once, portable between SQLite and PostgreSQL,
 * with `?` placeholders; values are integers, text or NULL.  Backends are
 * chosen by URL: `sqlite:PATH`, `sqlite::memory:`, `postgres://...` or
 * `postgresql://...`.
 */
#ifndef FW_STORE_H
#define FW_STORE_H

#include <stdint.h>

#include "../core/err.h"

struct store;
struct store_rows;

enum store_kind { STORE_SQLITE, STORE_PG };

enum store_vtype { SV_NULL, SV_INT, SV_TEXT };

struct store_val {
	enum store_vtype	 t;
	int64_t			 i;
	const char		*s;
};

#define SV_I(x)		((struct store_val){ .t = SV_INT, .i = (x) })
#define SV_S(x)		store_sv_text(x)
#define SV_N		((struct store_val){ .t = SV_NULL })
/* A text value, or NULL for a NULL string. */
static inline struct store_val
store_sv_text(const char *s)
{
	struct store_val	v = { s ? SV_TEXT : SV_NULL, 0, s };

	return v;
}

/* Build an argument array in place: STORE_ARGS(SV_I(id), SV_S(name)). */
#define STORE_ARGS(...)	(const struct store_val[]){ __VA_ARGS__ }, \
	(int)(sizeof((const struct store_val[]){ __VA_ARGS__ }) / \
	sizeof(struct store_val))
#define STORE_NOARGS	NULL, 0

/*
 * Open a connection.  For SQLite the file is created if missing, WAL and
 * synchronous=FULL are set, and a busy timeout applies.  On success *out
 * belongs to the caller (store_close).
 */
int		 store_open(const char *url, struct store **out, struct err *e);
void		 store_close(struct store *st);
enum store_kind	 store_kind(const struct store *st);
/* The URL the store was opened with (for opening sibling connections). */
const char	*store_url(const struct store *st);

/*
 * Transactions.  store_begin() starts a write transaction (SQLite: BEGIN
 * IMMEDIATE, serialised within the process so writers queue instead of
 * spinning on SQLITE_BUSY).  store_commit() returns ERR_IO when the
 * database reports an I/O error (the caller treats it as fatal, R-2).
 * store_rollback() accepts a store with no open transaction.  When any
 * statement of the transaction failed, store_commit() rolls back and
 * returns that first error, on both backends (PostgreSQL aborts the
 * transaction at the first error; SQLite is made to behave the same).
 */
int		 store_begin(struct store *st, struct err *e);
int		 store_commit(struct store *st, struct err *e);
void		 store_rollback(struct store *st);
int		 store_in_tx(const struct store *st);
/*
 * For functions that may run inside a caller's transaction or alone:
 * store_begin_own() begins one only when none is open (*own says which);
 * store_end_own() then commits it (rc == 0) or rolls it back, and returns
 * rc or the commit's error.  With *own == 0 both leave the caller's
 * transaction alone.
 */
int		 store_begin_own(struct store *st, int *own, struct err *e);
int		 store_end_own(struct store *st, int own, int rc, struct err *e);

/*
 * Run a statement returning no rows.  *changes (may be NULL) receives
 * the number of rows changed.  A unique-constraint violation returns
 * ERR_CONFLICT; other failures ERR_STORE (never the SQL text to clients).
 */
int		 store_exec(struct store *st, const char *sql,
		    const struct store_val *args, int nargs, int64_t *changes,
		    struct err *e);
/*
 * Into b: single, an "INSERT ... VALUES (...)" of one row with nothing
 * after the row, made an INSERT of k rows (bound with k times the
 * arguments, row after row).
 */
struct buf;
void		 store_sql_rows(struct buf *b, const char *single, int k);
/* Run a query; the caller iterates and frees *out. */
int		 store_query(struct store *st, const char *sql,
		    const struct store_val *args, int nargs,
		    struct store_rows **out, struct err *e);
/* 1 if a row is available, 0 at the end, negative on error. */
int		 store_next(struct store_rows *r, struct err *e);
int		 store_isnull(struct store_rows *r, int col);
int64_t		 store_int(struct store_rows *r, int col);
/* Text of a column, "" for NULL; valid until the next store_next/free. */
const char	*store_text(struct store_rows *r, int col);
void		 store_rows_free(struct store_rows *r);

/* First column of the first row as an integer; ERR_NOT_FOUND if no row. */
int		 store_query_int(struct store *st, const char *sql,
		    const struct store_val *args, int nargs, int64_t *out,
		    struct err *e);
/* Same, as a new string owned by the caller (NULL if the value is NULL). */
int		 store_query_text(struct store *st, const char *sql,
		    const struct store_val *args, int nargs, char **out,
		    struct err *e);

/*
 * Kept reads (SQLite in WAL mode; nothing elsewhere): after
 * store_keep_reads(), the connection keeps the read transaction of an
 * autocommit SELECT open and runs the next read-only statement in it as
 * long as nothing has been committed to the database since its snapshot
 * was taken — what it reads is what a fresh transaction would read, and
 * the begin and end of one (shared-memory locks) are saved.  It keeps one
 * only while the WAL holds nothing left to copy into the database (after
 * a checkpoint), so that it holds back neither checkpoints nor the reuse
 * of the WAL.  Any write, store_begin() or script ends it first, and so
 * does store_leave() once a commit made it stale.  Such a connection is
 * used only between store_enter() and store_leave() (other threads may
 * end its kept transaction in between: store_release_idle() does, for
 * the connections not used in the last idle_us microseconds and those
 * whose snapshot is no longer the latest).
 */
void		 store_keep_reads(struct store *st);
void		 store_enter(struct store *st);
void		 store_leave(struct store *st);
void		 store_release_idle(int64_t idle_us);
/* SQLite: when nothing has been committed since the last call on st,
 * copy the WAL back into the database as far as no reader needs it,
 * waiting for nobody (PRAGMA wal_checkpoint(PASSIVE)); elsewhere, or
 * inside a transaction, nothing. */
int		 store_checkpoint(struct store *st, struct err *e);

/*
 * Apply the numbered migrations in db/ that this database has not seen
 * (recorded in schema_migrations).  Each migration runs in its own
 * transaction.  *applied (may be NULL) receives the count applied.
 */
int		 store_migrate(struct store *st, int *applied, struct err *e);
/* Highest migration number applied, 0 for an empty database. */
int		 store_schema_version(struct store *st, int64_t *out,
		    struct err *e);

#endif
