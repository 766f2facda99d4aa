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
 *
 * Kept reads (store_keep_reads(), for the HTTP workers' connections): the
 * read transaction of an autocommit SELECT stays open after it, and the
 * next read-only statement runs in it if nothing has been committed since
 * its snapshot was taken, i.e. the WAL-index header in shared memory
 * (sqlite.org/walformat.html; every commit changes it) is byte for byte
 * the one it had then.  A fresh read transaction would then see exactly
 * the same data; beginning and ending one (the shared-memory read locks:
 * fcntl calls and a mutex the workers contend for) was about 4.5 us of a
 * 24 us unit read.  A write, BEGIN, a script or a statement that is not
 * read-only ends the kept transaction first; store_release_idle() ends
 * those of connections idle for a while, so that an idle worker does not
 * hold back checkpoints.  Such a connection is used only between
 * store_enter() and store_leave(), under its own mutex.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../core/clock.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "store_int.h"

#define SQLITE_CACHE_SLOTS	128
#define SQLITE_WALHDR		48	/* the WAL-index header's first copy */
#define SQLITE_WAL_MXFRAME	4	/* its mxFrame, in 32-bit words */
#define SQLITE_WAL_NBACKFILL	24	/* the checkpoint info's nBackfill */
#define SQLITE_SHM_REGION	32768	/* a wal-index region (walformat.html) */

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
	/* Kept reads (see the top of the file). */
	int			 keep;		/* enabled for this connection */
	int			 kept;		/* a kept transaction is open */
	int			 kept_pending;	/* its snapshot not yet seen */
	uint32_t		 kept_hdr[SQLITE_WALHDR / 4];	/* 0: stale */
	uint32_t		 pre_hdr[SQLITE_WALHDR / 4];
	const volatile uint32_t	*shm;		/* wal-index region 0 */
	pthread_mutex_t		 use;		/* held from enter to leave */
	int64_t			 last_use;	/* mono us of the last leave */
	struct sqlite_conn	*keep_next;
	sqlite3_stmt		*kept_begin;	/* BEGIN and COMMIT */
	sqlite3_stmt		*kept_commit;
	/* The WAL-index header at the last sqlite_checkpoint(). */
	uint32_t		 ckpt_hdr[SQLITE_WALHDR / 4];
};

struct sqlite_rows {
	sqlite3_stmt		*stmt;
	struct sqlite_cached	*slot;	/* NULL: stmt is ours to finalize */
	sqlite3			*db;
	struct sqlite_conn	*c;
	int			 snap;	/* began c's kept transaction */
};

static pthread_mutex_t	sqlite_write_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t	sqlite_gc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sqlite_gc	*sqlite_gcs;
static pthread_mutex_t	sqlite_keep_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sqlite_conn *sqlite_keeps;	/* connections with kept reads */

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

/*
 * The WAL-index header as it is now, into out; -1 if the shared memory
 * cannot be seen (then nothing is kept).  Read a word at a time, as
 * SQLite's readers do; a header torn by a commit under way differs from
 * the kept one, which only ends the kept transaction.
 */
static int
sqlite_walhdr(struct sqlite_conn *c, uint32_t out[SQLITE_WALHDR / 4])
{
	sqlite3_file	*f = NULL;
	void volatile	*p = NULL;
	size_t		 i;

	if (c->shm == NULL) {
		if (sqlite3_file_control(c->db, "main",
		    SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || f == NULL ||
		    f->pMethods == NULL || f->pMethods->iVersion < 2 ||
		    f->pMethods->xShmMap(f, 0, SQLITE_SHM_REGION, 0,
		    &p) != SQLITE_OK || p == NULL)
			return -1;
		c->shm = p;
	}
	atomic_thread_fence(memory_order_acquire);
	for (i = 0; i < SQLITE_WALHDR / 4; i++)
		out[i] = c->shm[i];
	atomic_thread_fence(memory_order_acquire);
	return 0;
}

/*
 * Whether the WAL is entirely copied back into the database (hdr: the
 * header just read), or empty.  A read transaction that begins then reads
 * the database file alone, under read lock 0, which neither holds back
 * the copying of WAL frames that are not there nor the rewinding of the
 * WAL by the next writer; a reader of WAL frames, under another read
 * lock, would hold back both for as long as it is kept.
 */
static int
sqlite_wal_backfilled(const struct sqlite_conn *c, const uint32_t *hdr)
{
	uint32_t	n = c->shm[SQLITE_WAL_NBACKFILL];

	atomic_thread_fence(memory_order_acquire);
	return n == hdr[SQLITE_WAL_MXFRAME];
}

/* End the kept read transaction, if one is open. */
static void
sqlite_kept_end(struct sqlite_conn *c)
{
	if (!c->kept)
		return;
	c->kept = 0;
	c->kept_pending = 0;
	/* Read-only: COMMIT only ends it (statements still stepping go on
	 * as they would in autocommit mode). */
	if (sqlite3_get_autocommit(c->db))
		return;
	sqlite3_step(c->kept_commit);
	if (sqlite3_reset(c->kept_commit) != SQLITE_OK)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* 1 if the kept transaction's snapshot is still the latest. */
static int
sqlite_kept_fresh(struct sqlite_conn *c)
{
	uint32_t	now[SQLITE_WALHDR / 4];

	return !c->kept_pending && c->kept_hdr[0] != 0 &&
	    sqlite_walhdr(c, now) == 0 &&
	    memcmp(now, c->kept_hdr, sizeof(now)) == 0;
}

/*
 * Before a read-only statement in autocommit mode: go on in the kept
 * transaction if nothing was committed since its snapshot, else end it;
 * begin one to keep when the WAL holds nothing left to copy back (1: the
 * statement takes its snapshot).  With frames to copy back, the statement
 * runs in autocommit mode, as without kept reads.
 */
static int
sqlite_kept_read(struct sqlite_conn *c)
{
	if (c->kept) {
		if (sqlite_kept_fresh(c))
			return 0;
		sqlite_kept_end(c);
	}
	if (!sqlite3_get_autocommit(c->db) ||
	    sqlite_walhdr(c, c->pre_hdr) < 0 ||
	    !sqlite_wal_backfilled(c, c->pre_hdr))
		return 0;
	sqlite3_step(c->kept_begin);
	if (sqlite3_reset(c->kept_begin) != SQLITE_OK)
		return 0;
	c->kept = 1;
	c->kept_pending = 1;
	return 1;
}

/*
 * After the first step of the statement that began the kept transaction:
 * its snapshot is the header seen before BEGIN if the header is still
 * that one (no commit in between; and with the WAL copied back then and
 * now, it was when SQLite looked, nBackfill only growing while the header
 * stays); otherwise it is not known, and it ends with the request.
 */
static void
sqlite_kept_snap(struct sqlite_conn *c)
{
	uint32_t	now[SQLITE_WALHDR / 4];

	if (!c->kept || !c->kept_pending)
		return;
	c->kept_pending = 0;
	if (sqlite_walhdr(c, now) == 0 &&
	    memcmp(now, c->pre_hdr, sizeof(now)) == 0 &&
	    sqlite_wal_backfilled(c, now))
		memcpy(c->kept_hdr, now, sizeof(now));
	else
		memset(c->kept_hdr, 0, sizeof(c->kept_hdr));
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
	struct sqlite_conn	**pp;
	int			 i;

	if (c->keep) {
		pthread_mutex_lock(&sqlite_keep_lock);
		for (pp = &sqlite_keeps; *pp != NULL; pp = &(*pp)->keep_next)
			if (*pp == c) {
				*pp = c->keep_next;
				break;
			}
		pthread_mutex_unlock(&sqlite_keep_lock);
		pthread_mutex_destroy(&c->use);
	}
	sqlite_kept_end(c);
	sqlite3_finalize(c->kept_begin);
	sqlite3_finalize(c->kept_commit);
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

	sqlite_kept_end(c);
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

	c->kept = 0;
	c->kept_pending = 0;
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

	sqlite_kept_end(c);
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
	int			 rc, snap = 0;

	if ((rc = sqlite_prepare(c, sql, &stmt, &slot, e)) < 0)
		return rc;
	if ((rc = sqlite_bind(c, stmt, args, nargs, e)) < 0) {
		sqlite_release(stmt, slot);
		return rc;
	}
	/* INSERT ... RETURNING comes here too: only a read-only statement
	 * runs in a kept transaction. */
	if (c->keep && !c->holds_lock) {
		if (sqlite3_stmt_readonly(stmt))
			snap = sqlite_kept_read(c);
		else
			sqlite_kept_end(c);
	}
	r = xmalloc(sizeof(*r));
	r->stmt = stmt;
	r->slot = slot;
	r->db = c->db;
	r->c = c;
	r->snap = snap;
	*out = r;
	return 0;
}

static int
sqlite_next(void *rows, struct err *e)
{
	struct sqlite_rows	*r = rows;
	int			 rc;

	rc = sqlite3_step(r->stmt);
	if (r->snap) {
		r->snap = 0;
		sqlite_kept_snap(r->c);
	}
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	/* A failure in a kept transaction: the next statement begins anew. */
	memset(r->c->kept_hdr, 0, sizeof(r->c->kept_hdr));
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

	sqlite_kept_end(c);
	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sqlite_err(c->db, rc, e);
}

/* Kept reads for this connection: a file database in WAL mode only. */
static void
sqlite_keep_reads(void *conn)
{
	struct sqlite_conn	*c = conn;
	sqlite3_stmt		*stmt = NULL;
	uint32_t		 hdr[SQLITE_WALHDR / 4];
	int			 wal = 0;

	if (c->keep || c->gc == NULL)
		return;
	if (sqlite3_prepare_v2(c->db, "PRAGMA journal_mode", -1, &stmt,
	    NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		wal = strcmp((const char *)sqlite3_column_text(stmt, 0),
		    "wal") == 0;
	sqlite3_finalize(stmt);
	if (!wal || sqlite_walhdr(c, hdr) < 0 ||
	    sqlite3_prepare_v2(c->db, "BEGIN", -1, &c->kept_begin,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "COMMIT", -1, &c->kept_commit,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(c->kept_begin);
		c->kept_begin = NULL;
		return;
	}
	pthread_mutex_init(&c->use, NULL);
	c->last_use = clock_mono_us();
	c->keep = 1;
	pthread_mutex_lock(&sqlite_keep_lock);
	c->keep_next = sqlite_keeps;
	sqlite_keeps = c;
	pthread_mutex_unlock(&sqlite_keep_lock);
}

static void
sqlite_enter(void *conn)
{
	struct sqlite_conn	*c = conn;

	if (c->keep)
		pthread_mutex_lock(&c->use);
}

static void
sqlite_leave(void *conn)
{
	struct sqlite_conn	*c = conn;

	if (c->keep) {
		/* Kept past the request only while still the latest: a stale
		 * one would hold back the copying of the WAL. */
		if (c->kept && !sqlite_kept_fresh(c))
			sqlite_kept_end(c);
		c->last_use = clock_mono_us();
		pthread_mutex_unlock(&c->use);
	}
}

/*
 * Once nothing has been committed since the last call, copy what the WAL
 * still holds back into the database, as far as no reader needs it and
 * without waiting for anyone.  While commits go on, SQLite's own
 * checkpoints (every 1 000 pages) do, as before.
 */
static int
sqlite_checkpoint(void *conn, struct err *e)
{
	struct sqlite_conn	*c = conn;
	uint32_t		 now[SQLITE_WALHDR / 4];
	int			 rc, quiet;

	if (c->gc == NULL || sqlite_walhdr(c, now) < 0)
		return 0;
	quiet = memcmp(now, c->ckpt_hdr, sizeof(now)) == 0;
	memcpy(c->ckpt_hdr, now, sizeof(now));
	if (!quiet || sqlite_wal_backfilled(c, now))
		return 0;
	sqlite_kept_end(c);
	rc = sqlite3_wal_checkpoint_v2(c->db, "main",
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 :
	    sqlite_err(c->db, rc, e);
}

void
store_sqlite_release_idle(int64_t idle_us)
{
	struct sqlite_conn	*c;
	int64_t			 now = clock_mono_us();

	pthread_mutex_lock(&sqlite_keep_lock);
	for (c = sqlite_keeps; c != NULL; c = c->keep_next) {
		if (pthread_mutex_trylock(&c->use) != 0)
			continue;
		if (c->kept && (now - c->last_use >= idle_us ||
		    !sqlite_kept_fresh(c)))
			sqlite_kept_end(c);
		pthread_mutex_unlock(&c->use);
	}
	pthread_mutex_unlock(&sqlite_keep_lock);
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
	.checkpoint = sqlite_checkpoint,
	.keep_reads = sqlite_keep_reads,
	.enter = sqlite_enter,
	.leave = sqlite_leave,
};
