/*
 * The SQLite backend.  WAL, a busy timeout for other processes, and one
 * process-wide mutex around write transactions so that worker threads
 * queue for the write lock instead of sleeping in SQLite's busy handler.
 * Prepared statements are cached per connection, keyed by SQL text.
 *
 * Durability (SECURITY.md R-1) uses group commit: SQLite itself runs with
 * synchronous=NORMAL (no fsync at COMMIT), and store_commit() returns only
 * after an fdatasync() of the WAL file that started after its COMMIT had
 * written its frames.  One fdatasync thus covers every transaction that
 * committed while the previous one ran, and the next writer does not wait
 * for this one's flush.  An acknowledged commit is therefore on disk, as
 * with synchronous=FULL; a failed fdatasync is fatal.  The WAL file
 * is kept (SQLITE_FCNTL_PERSIST_WAL) so that the descriptor stays valid.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../core/log.h"
#include "../core/mem.h"
#include "store_int.h"

#define SQLITE_CACHE_SLOTS	128

struct sqlite_cached {
	char		*sql;
	sqlite3_stmt	*stmt;
	int		 in_use;
};

/* Group commit state of one database file (see the top of the file). */
struct sqlite_gc {
	char			*wal_path;
	int			 fd;
	ino_t			 ino;
	uint64_t		 committed;	/* commits written to the WAL */
	uint64_t		 synced;	/* commits known on disk */
	int			 syncing;
	pthread_cond_t		 cv;
	struct sqlite_gc	*next;
};

struct sqlite_conn {
	sqlite3			*db;
	struct sqlite_gc	*gc;		/* NULL for :memory: */
	int			 holds_lock;
	struct sqlite_cached	 cache[SQLITE_CACHE_SLOTS];
};

struct sqlite_rows {
	sqlite3_stmt		*stmt;
	struct sqlite_cached	*slot;	/* NULL: stmt is ours to finalize */
	sqlite3			*db;
};

static pthread_mutex_t	sqlite_write_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t	sqlite_gc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sqlite_gc	*sqlite_gcs;

/* The group-commit state of path's database (created on first use). */
static struct sqlite_gc *
sqlite_gc_for(const char *path)
{
	struct sqlite_gc	*g;
	char			*wal = xasprintf("%s-wal", path);

	pthread_mutex_lock(&sqlite_gc_lock);
	for (g = sqlite_gcs; g != NULL; g = g->next)
		if (strcmp(g->wal_path, wal) == 0)
			break;
	if (g == NULL) {
		g = xcalloc(1, sizeof(*g));
		g->wal_path = wal;
		wal = NULL;
		g->fd = -1;
		pthread_cond_init(&g->cv, NULL);
		g->next = sqlite_gcs;
		sqlite_gcs = g;
	}
	pthread_mutex_unlock(&sqlite_gc_lock);
	free(wal);
	return g;
}

/* fdatasync the WAL file; called without sqlite_gc_lock held. */
static int
sqlite_gc_flush(struct sqlite_gc *g)
{
	struct stat	sb;

	/* Reopen if the WAL file is new (another process deleted it). */
	if (g->fd >= 0 && (stat(g->wal_path, &sb) < 0 || sb.st_ino != g->ino)) {
		close(g->fd);
		g->fd = -1;
	}
	if (g->fd < 0) {
		g->fd = open(g->wal_path, O_RDONLY | O_CLOEXEC);
		if (g->fd < 0)
			return -1;
		if (fstat(g->fd, &sb) == 0)
			g->ino = sb.st_ino;
	}
	return fdatasync(g->fd);
}

/*
 * Wait until the commit just made is on disk: become the flusher if none
 * is running, else wait for a flush that started after this commit.
 */
static int
sqlite_gc_wait(struct sqlite_gc *g, struct err *e)
{
	uint64_t	mine, target;
	int		rc = 0;

	pthread_mutex_lock(&sqlite_gc_lock);
	mine = ++g->committed;
	while (g->synced < mine) {
		if (g->syncing) {
			pthread_cond_wait(&g->cv, &sqlite_gc_lock);
			continue;
		}
		g->syncing = 1;
		target = g->committed;
		pthread_mutex_unlock(&sqlite_gc_lock);
		rc = sqlite_gc_flush(g);
		pthread_mutex_lock(&sqlite_gc_lock);
		g->syncing = 0;
		if (rc == 0)
			g->synced = target;
		pthread_cond_broadcast(&g->cv);
		if (rc < 0)
			break;
	}
	pthread_mutex_unlock(&sqlite_gc_lock);
	if (rc < 0)
		return err_set(e, ERR_IO, NULL, "cannot flush the WAL");
	return 0;
}

static int
sqlite_err(sqlite3 *db, int src, struct err *e)
{
	int	ext = sqlite3_extended_errcode(db);

	log_debug("sqlite: %s (%d)", sqlite3_errmsg(db), ext);
	if (ext == SQLITE_CONSTRAINT_UNIQUE ||
	    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(e, ERR_CONFLICT, NULL, NULL);
	if ((src & 0xff) == SQLITE_IOERR || (src & 0xff) == SQLITE_FULL ||
	    (src & 0xff) == SQLITE_CORRUPT)
		return err_set(e, ERR_IO, NULL, NULL);
	if ((src & 0xff) == SQLITE_BUSY || (src & 0xff) == SQLITE_LOCKED)
		return err_set(e, ERR_UNAVAILABLE, NULL, "database busy");
	return err_set(e, ERR_STORE, NULL, NULL);
}

/* SQLite's memory statistics take a global mutex on every allocation;
 * nothing here reads them.  Must run before SQLite initialises. */
static pthread_once_t	sqlite_cfg_once = PTHREAD_ONCE_INIT;

static void
sqlite_cfg(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int
sqlite_open(const char *target, void **out, struct err *e)
{
	struct sqlite_conn	*c;
	sqlite3			*db = NULL;
	int			 rc, persist;

	pthread_once(&sqlite_cfg_once, sqlite_cfg);
	rc = sqlite3_open_v2(target, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_STORE, "db", "cannot open SQLite database %s: %s",
		    target, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return ERR_STORE;
	}
	sqlite3_busy_timeout(db, 10000);
	rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_STORE, "db", "cannot configure SQLite: %s",
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return ERR_STORE;
	}
	c = xcalloc(1, sizeof(*c));
	c->db = db;
	if (strcmp(target, ":memory:") != 0 && strncmp(target, "file:", 5)) {
		persist = 1;
		sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL,
		    &persist);
		c->gc = sqlite_gc_for(target);
	}
	*out = c;
	return 0;
}

static void
sqlite_close(void *conn)
{
	struct sqlite_conn	*c = conn;
	int			 i;

	for (i = 0; i < SQLITE_CACHE_SLOTS; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		free(c->cache[i].sql);
	}
	if (c->holds_lock)
		pthread_mutex_unlock(&sqlite_write_lock);
	sqlite3_close(c->db);
	free(c);
}

static int
sqlite_begin(void *conn, struct err *e)
{
	struct sqlite_conn	*c = conn;
	int			 rc;

	pthread_mutex_lock(&sqlite_write_lock);
	c->holds_lock = 1;
	rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		c->holds_lock = 0;
		pthread_mutex_unlock(&sqlite_write_lock);
		return sqlite_err(c->db, rc, e);
	}
	return 0;
}

static void
sqlite_unlock(struct sqlite_conn *c)
{
	if (c->holds_lock) {
		c->holds_lock = 0;
		pthread_mutex_unlock(&sqlite_write_lock);
	}
}

static int
sqlite_commit(void *conn, struct err *e)
{
	struct sqlite_conn	*c = conn;
	int			 rc;

	rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rc = sqlite_err(c->db, rc, e);
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite_unlock(c);
		return rc;
	}
	/* The next writer may go on while this commit is being flushed. */
	sqlite_unlock(c);
	return c->gc ? sqlite_gc_wait(c->gc, e) : 0;
}

static void
sqlite_rollback(void *conn)
{
	struct sqlite_conn	*c = conn;

	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite_unlock(c);
}

/* The statement cache's slot of an SQL text, eight bytes at a time (a
 * byte at a time was 1-2 % of a unit read). */
static unsigned
sqlite_hash(const char *s)
{
	size_t		n = strlen(s), i;
	uint64_t	h = UINT64_C(0x9e3779b97f4a7c15) ^ n, w;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 32;
	return (unsigned)h;
}

/* A prepared statement for sql: from the cache when free, else a new one. */
static int
sqlite_prepare(struct sqlite_conn *c, const char *sql,
    sqlite3_stmt **out, struct sqlite_cached **slotp, struct err *e)
{
	struct sqlite_cached	*slot;
	sqlite3_stmt		*stmt = NULL;
	int			 rc;

	slot = &c->cache[sqlite_hash(sql) % SQLITE_CACHE_SLOTS];
	if (slot->sql != NULL && !slot->in_use && strcmp(slot->sql, sql) == 0) {
		slot->in_use = 1;
		*out = slot->stmt;
		*slotp = slot;
		return 0;
	}
	rc = sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return sqlite_err(c->db, rc, e);
	if (!slot->in_use) {
		sqlite3_finalize(slot->stmt);
		free(slot->sql);
		slot->sql = xstrdup(sql);
		slot->stmt = stmt;
		slot->in_use = 1;
		*slotp = slot;
	} else
		*slotp = NULL;
	*out = stmt;
	return 0;
}

static void
sqlite_release(sqlite3_stmt *stmt, struct sqlite_cached *slot)
{
	if (slot != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		slot->in_use = 0;
	} else
		sqlite3_finalize(stmt);
}

static int
sqlite_bind(struct sqlite_conn *c, sqlite3_stmt *stmt,
    const struct store_val *args, int nargs, struct err *e)
{
	int	i, rc = SQLITE_OK;

	if (sqlite3_bind_parameter_count(stmt) != nargs)
		return err_set(e, ERR_INTERNAL, NULL, "SQL argument count");
	for (i = 0; i < nargs && rc == SQLITE_OK; i++) {
		switch (args[i].t) {
		case SV_INT:
			rc = sqlite3_bind_int64(stmt, i + 1, args[i].i);
			break;
		case SV_TEXT:
			rc = sqlite3_bind_text(stmt, i + 1, args[i].s, -1,
			    SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(stmt, i + 1);
			break;
		}
	}
	return rc == SQLITE_OK ? 0 : sqlite_err(c->db, rc, e);
}

static int
sqlite_exec(void *conn, const char *sql, const struct store_val *args,
    int nargs, int64_t *changes, struct err *e)
{
	struct sqlite_conn	*c = conn;
	struct sqlite_cached	*slot = NULL;
	sqlite3_stmt		*stmt = NULL;
	int			 rc;

	if ((rc = sqlite_prepare(c, sql, &stmt, &slot, e)) < 0)
		return rc;
	if ((rc = sqlite_bind(c, stmt, args, nargs, e)) < 0)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		rc = sqlite_err(c->db, rc, e);
		goto out;
	}
	if (changes)
		*changes = sqlite3_changes64(c->db);
	rc = 0;
out:
	sqlite_release(stmt, slot);
	return rc;
}

static int
sqlite_query(void *conn, const char *sql, const struct store_val *args,
    int nargs, void **out, struct err *e)
{
	struct sqlite_conn	*c = conn;
	struct sqlite_cached	*slot = NULL;
	struct sqlite_rows	*r;
	sqlite3_stmt		*stmt = NULL;
	int			 rc;

	if ((rc = sqlite_prepare(c, sql, &stmt, &slot, e)) < 0)
		return rc;
	if ((rc = sqlite_bind(c, stmt, args, nargs, e)) < 0) {
		sqlite_release(stmt, slot);
		return rc;
	}
	r = xmalloc(sizeof(*r));
	r->stmt = stmt;
	r->slot = slot;
	r->db = c->db;
	*out = r;
	return 0;
}

static int
sqlite_next(void *rows, struct err *e)
{
	struct sqlite_rows	*r = rows;
	int			 rc;

	rc = sqlite3_step(r->stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sqlite_err(r->db, rc, e);
}

static int
sqlite_isnull(void *rows, int col)
{
	struct sqlite_rows	*r = rows;

	return sqlite3_column_type(r->stmt, col) == SQLITE_NULL;
}

static const char *
sqlite_text(void *rows, int col)
{
	struct sqlite_rows	*r = rows;

	return (const char *)sqlite3_column_text(r->stmt, col);
}

static int64_t
sqlite_intv(void *rows, int col)
{
	struct sqlite_rows	*r = rows;

	return sqlite3_column_int64(r->stmt, col);
}

static void
sqlite_rows_free(void *rows)
{
	struct sqlite_rows	*r = rows;

	if (r == NULL)
		return;
	sqlite_release(r->stmt, r->slot);
	free(r);
}

static int
sqlite_script(void *conn, const char *sql, struct err *e)
{
	struct sqlite_conn	*c = conn;
	int			 rc;

	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sqlite_err(c->db, rc, e);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.kind = STORE_SQLITE,
	.open = sqlite_open,
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.exec = sqlite_exec,
	.query = sqlite_query,
	.next = sqlite_next,
	.isnull = sqlite_isnull,
	.text = sqlite_text,
	.intv = sqlite_intv,
	.rows_free = sqlite_rows_free,
	.script = sqlite_script,
};
