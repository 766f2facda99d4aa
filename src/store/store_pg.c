/*
 * The PostgreSQL backend, over libpq.  Portable `?` placeholders are
 * rewritten to `$n`; each distinct SQL text is prepared once per
 * connection under a generated name and cached, keyed by the SQL text.
 * Parameters and results travel as text.  SQLSTATEs are mapped onto the
 * error catalogue; server messages go to the debug log, never to clients.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "../core/buf.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "store_int.h"

#define PG_CACHE_BUCKETS	256
/* Distinct statements kept prepared per connection; beyond, unnamed. */
#define PG_CACHE_MAX		1024
/* Arguments formatted on the stack; more go to the heap. */
#define PG_STACK_ARGS		16
#define PG_INT_LEN		24	/* "-9223372036854775808" + NUL */

struct pg_stmt {
	struct pg_stmt	*next;		/* hash chain */
	char		*sql;		/* the portable text: the cache key */
	char		 name[24];	/* server-side statement name */
	int		 nparams;
};

struct pg_conn {
	PGconn		*pg;
	int		 in_tx;
	int		 tx_err;	/* first error inside the transaction */
	unsigned	 nstmts;
	unsigned	 serial;	/* for statement names */
	struct pg_stmt	*cache[PG_CACHE_BUCKETS];
};

struct pg_rows {
	PGresult	*res;
	int		 row;		/* current row, -1 before the first */
	int		 nrows;
	int		 ncols;
};

/* Length of a libpq message without its trailing newlines, for "%.*s". */
static int
pg_msglen(const char *msg)
{
	size_t	n = strlen(msg);

	while (n > 0 && msg[n - 1] == '\n')
		n--;
	return n > 1000 ? 1000 : (int)n;
}

static void
pg_notice(void *arg, const char *msg)
{
	/* Notices ("... already exists, skipping") are debug chatter. */
	log_debug("postgres: %.*s", pg_msglen(msg), msg);
}

/*
 * Map a failed result (res may be NULL: the connection is gone or libpq
 * ran out of memory) onto the catalogue.  The SQLSTATE and the server's
 * message are logged at debug; e only ever gets a catalogue text.
 */
static int
pg_err(struct pg_conn *c, const PGresult *res, struct err *e)
{
	const char	*state = NULL, *msg = NULL;
	int		 rc;

	/* The primary message only: DETAIL may quote the values. */
	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	if (msg == NULL)
		msg = PQerrorMessage(c->pg);
	log_debug("postgres: %s: %.*s", state ? state : "no SQLSTATE",
	    pg_msglen(msg), msg);

	if (PQstatus(c->pg) == CONNECTION_BAD)
		rc = err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable");
	else if (state == NULL)
		rc = err_set(e, ERR_STORE, NULL, NULL);
	else if (strcmp(state, "23505") == 0)
		rc = err_set(e, ERR_CONFLICT, NULL, NULL);
	else if (strncmp(state, "08", 2) == 0 ||
	    strcmp(state, "57P01") == 0 ||	/* admin_shutdown */
	    strcmp(state, "57P02") == 0 ||	/* crash_shutdown */
	    strcmp(state, "57P03") == 0)	/* cannot_connect_now */
		rc = err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable");
	else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		rc = err_set(e, ERR_UNAVAILABLE, NULL,
		    "database busy, try again");
	else if (strcmp(state, "53100") == 0 ||	/* disk_full */
	    strcmp(state, "58030") == 0 ||	/* io_error */
	    strcmp(state, "XX001") == 0 ||	/* data_corrupted */
	    strcmp(state, "XX002") == 0)	/* index_corrupted */
		/* As SQLite's IOERR/FULL/CORRUPT: fatal for the caller. */
		rc = err_set(e, ERR_IO, NULL, NULL);
	else
		rc = err_set(e, ERR_STORE, NULL, NULL);
	if (c->in_tx && c->tx_err == 0)
		c->tx_err = rc;
	return rc;
}

/* Run a command without parameters or rows (BEGIN, SET, ...). */
static int
pg_simple(struct pg_conn *c, const char *sql, struct err *e)
{
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(c->pg, sql);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_err(c, res, e);
	PQclear(res);
	return rc;
}

static void
pg_cache_clear(struct pg_conn *c)
{
	struct pg_stmt	*s, *next;
	int		 i;

	for (i = 0; i < PG_CACHE_BUCKETS; i++) {
		for (s = c->cache[i]; s != NULL; s = next) {
			next = s->next;
			free(s->sql);
			free(s);
		}
		c->cache[i] = NULL;
	}
	c->nstmts = 0;
}

/*
 * Per-session settings, after connecting and after every reconnect
 * (client_encoding and application_name are connection parameters).
 */
static int
pg_session(struct pg_conn *c, struct err *e)
{
	PQsetNoticeProcessor(c->pg, pg_notice, NULL);
	return pg_simple(c, "SET TimeZone = 'UTC'", e);
}

/*
 * Make sure the connection is usable before a statement.  A connection
 * lost outside a transaction is re-established (the server has then
 * forgotten our prepared statements); inside one the transaction is lost
 * and the caller has to roll back first.
 */
static int
pg_ready(struct pg_conn *c, struct err *e)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	if (c->in_tx)
		return err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable");
	pg_cache_clear(c);
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		log_debug("postgres: reconnect failed: %.*s",
		    pg_msglen(PQerrorMessage(c->pg)), PQerrorMessage(c->pg));
		return err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable");
	}
	return pg_session(c, e);
}

static int
pg_open(const char *target, void **out, struct err *e)
{
	/*
	 * The URL is expanded in place of dbname.  Entries before it are
	 * defaults the URL may override; entries after it always win.
	 */
	const char	*keys[] = { "application_name", "connect_timeout",
			    "dbname", "client_encoding", NULL };
	const char	*vals[] = { "firewarden", "10", target, "UTF8", NULL };
	struct pg_conn	*c = NULL;
	PGconn		*pg;
	int		 rc;

	pg = PQconnectdbParams(keys, vals, 1);
	if (pg == NULL)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if (PQstatus(pg) != CONNECTION_OK) {
		/* May name the host and user: debug log only. */
		log_debug("postgres: connect failed: %.*s",
		    pg_msglen(PQerrorMessage(pg)), PQerrorMessage(pg));
		PQfinish(pg);
		return err_set(e, ERR_UNAVAILABLE, "db",
		    "cannot connect to PostgreSQL");
	}
	c = xcalloc(1, sizeof(*c));
	c->pg = pg;
	if ((rc = pg_session(c, e)) < 0) {
		PQfinish(pg);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static void
pg_close(void *conn)
{
	struct pg_conn	*c = conn;

	if (c == NULL)
		return;
	pg_cache_clear(c);
	PQfinish(c->pg);
	free(c);
}

static int
pg_begin(void *conn, struct err *e)
{
	struct pg_conn	*c = conn;
	int		 rc;

	if ((rc = pg_ready(c, e)) < 0)
		return rc;
	/* Explicit, so that a server-wide default cannot change it. */
	if ((rc = pg_simple(c, "BEGIN ISOLATION LEVEL READ COMMITTED", e)) < 0)
		return rc;
	c->in_tx = 1;
	c->tx_err = 0;
	return 0;
}

static int
pg_commit(void *conn, struct err *e)
{
	struct pg_conn	*c = conn;
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(c->pg, "COMMIT");
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_err(c, res, e);
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		/*
		 * COMMIT of a transaction in which a statement failed
		 * succeeds as a ROLLBACK: report the failure, not success.
		 */
		log_debug("postgres: COMMIT answered %s", PQcmdStatus(res));
		rc = c->tx_err ? c->tx_err : ERR_STORE;
		err_set(e, rc, NULL, NULL);
	}
	PQclear(res);
	c->in_tx = 0;
	c->tx_err = 0;
	return rc;
}

static void
pg_rollback(void *conn)
{
	struct pg_conn	*c = conn;
	PGresult	*res;

	if (PQstatus(c->pg) == CONNECTION_OK &&
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		res = PQexec(c->pg, "ROLLBACK");
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
			log_debug("postgres: ROLLBACK failed: %.*s",
			    pg_msglen(PQerrorMessage(c->pg)),
			    PQerrorMessage(c->pg));
		PQclear(res);
	}
	c->in_tx = 0;
	c->tx_err = 0;
}

/*
 * Rewrite `?` to `$1, $2, ...` outside single-quoted literals,
 * double-quoted identifiers and comments.  Portable SQL uses neither E''
 * strings nor dollar quoting, so those are not recognised.
 */
static char *
pg_rewrite(const char *sql, int *nparams)
{
	struct buf	 b;
	const char	*p = sql, *end;
	int		 n = 0, depth;

	buf_init(&b);
	buf_reserve(&b, strlen(sql) + 16);
	while (*p != '\0') {
		if (*p == '\'' || *p == '"') {
			/* A doubled quote inside closes and reopens: no harm. */
			end = strchr(p + 1, *p);
			end = end ? end + 1 : p + strlen(p);
		} else if (p[0] == '-' && p[1] == '-') {
			end = strchr(p, '\n');
			end = end ? end + 1 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '*') {
			/* PostgreSQL's block comments nest. */
			depth = 1;
			for (end = p + 2; *end != '\0' && depth > 0; end++) {
				if (end[0] == '/' && end[1] == '*') {
					depth++;
					end++;
				} else if (end[0] == '*' && end[1] == '/') {
					depth--;
					end++;
				}
			}
		} else if (*p == '?') {
			buf_printf(&b, "$%d", ++n);
			p++;
			continue;
		} else
			end = p + 1;
		buf_add(&b, p, (size_t)(end - p));
		p = end;
	}
	*nparams = n;
	return buf_release(&b);
}

static unsigned
pg_hash(const char *s)
{
	unsigned	h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * Find or prepare the statement for sql.  On success *name is the
 * server-side name ("" for an unnamed statement when the cache is full;
 * *text then holds the rewritten SQL, which the caller frees).
 */
static int
pg_prepare(struct pg_conn *c, const char *sql, const char **name,
    int *nparams, char **text, struct err *e)
{
	struct pg_stmt	*s;
	PGresult	*res = NULL;
	unsigned	 h = pg_hash(sql) % PG_CACHE_BUCKETS;
	char		*q = NULL;
	int		 n, rc;

	*text = NULL;
	for (s = c->cache[h]; s != NULL; s = s->next) {
		if (strcmp(s->sql, sql) == 0) {
			*name = s->name;
			*nparams = s->nparams;
			return 0;
		}
	}
	q = pg_rewrite(sql, &n);
	if (c->nstmts >= PG_CACHE_MAX) {
		/* Executed with PQexecParams: parsed again each time. */
		*name = "";
		*nparams = n;
		*text = q;
		return 0;
	}
	s = xcalloc(1, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "fw%u", ++c->serial);
	res = PQprepare(c->pg, s->name, q, 0, NULL);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_err(c, res, e);
		free(s);
		goto out;
	}
	s->sql = xstrdup(sql);
	s->nparams = n;
	s->next = c->cache[h];
	c->cache[h] = s;
	c->nstmts++;
	*name = s->name;
	*nparams = n;
	rc = 0;
out:
	PQclear(res);
	free(q);
	return rc;
}

/* Prepare (or find) sql, bind args as text and run it. */
static int
pg_run(struct pg_conn *c, const char *sql, const struct store_val *args,
    int nargs, PGresult **out, struct err *e)
{
	const char	*sv[PG_STACK_ARGS], **vals = sv;
	char		 si[PG_STACK_ARGS][PG_INT_LEN], (*ints)[PG_INT_LEN] = si;
	const char	*name = "";
	char		*text = NULL;
	PGresult	*res = NULL;
	int		 i, n = 0, rc;

	if ((rc = pg_ready(c, e)) < 0)
		return rc;
	if ((rc = pg_prepare(c, sql, &name, &n, &text, e)) < 0)
		return rc;
	if (nargs != n || (nargs > 0 && args == NULL)) {
		log_debug("postgres: %d arguments for %d placeholders",
		    nargs, n);
		rc = err_set(e, ERR_INTERNAL, NULL, "SQL argument count");
		goto out;
	}
	if (nargs > PG_STACK_ARGS) {
		vals = xcalloc((size_t)nargs, sizeof(*vals));
		ints = xcalloc((size_t)nargs, sizeof(*ints));
	}
	for (i = 0; i < nargs; i++) {
		switch (args[i].t) {
		case SV_INT:
			snprintf(ints[i], sizeof(ints[i]), "%" PRId64,
			    args[i].i);
			vals[i] = ints[i];
			break;
		case SV_TEXT:
			vals[i] = args[i].s;	/* NULL pointer: SQL NULL */
			break;
		default:
			vals[i] = NULL;
			break;
		}
	}
	if (*name != '\0')
		res = PQexecPrepared(c->pg, name, nargs, vals, NULL, NULL, 0);
	else
		res = PQexecParams(c->pg, text, nargs, NULL, vals, NULL, NULL,
		    0);
	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)) {
		rc = pg_err(c, res, e);
		PQclear(res);
		goto out;
	}
	*out = res;
	rc = 0;
out:
	if (vals != sv) {
		free(vals);
		free(ints);
	}
	free(text);
	return rc;
}

static int
pg_exec(void *conn, const char *sql, const struct store_val *args,
    int nargs, int64_t *changes, struct err *e)
{
	PGresult	*res = NULL;
	int		 rc;

	if ((rc = pg_run(conn, sql, args, nargs, &res, e)) < 0)
		return rc;
	/* "" for commands that report no count. */
	if (changes)
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

static int
pg_query(void *conn, const char *sql, const struct store_val *args,
    int nargs, void **out, struct err *e)
{
	struct pg_rows	*r;
	PGresult	*res = NULL;
	int		 rc;

	if ((rc = pg_run(conn, sql, args, nargs, &res, e)) < 0)
		return rc;
	r = xmalloc(sizeof(*r));
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	r->ncols = PQnfields(res);
	*out = r;
	return 0;
}

static int
pg_next(void *rows, struct err *e)
{
	struct pg_rows	*r = rows;

	if (r->row < r->nrows)
		r->row++;
	return r->row < r->nrows;
}

/* 1 if (row, col) names a cell: callers may ask for what is not there. */
static int
pg_cell(const struct pg_rows *r, int col)
{
	return r->row >= 0 && r->row < r->nrows && col >= 0 && col < r->ncols;
}

static int
pg_isnull(void *rows, int col)
{
	struct pg_rows	*r = rows;

	return !pg_cell(r, col) || PQgetisnull(r->res, r->row, col);
}

static const char *
pg_text(void *rows, int col)
{
	struct pg_rows	*r = rows;

	if (!pg_cell(r, col) || PQgetisnull(r->res, r->row, col))
		return NULL;
	return PQgetvalue(r->res, r->row, col);
}

static int64_t
pg_intv(void *rows, int col)
{
	struct pg_rows	*r = rows;

	if (!pg_cell(r, col))
		return 0;
	/* NULL reads as "": 0, as SQLite does. */
	return strtoll(PQgetvalue(r->res, r->row, col), NULL, 10);
}

static void
pg_rows_free(void *rows)
{
	struct pg_rows	*r = rows;

	if (r == NULL)
		return;
	PQclear(r->res);
	free(r);
}

static int
pg_script(void *conn, const char *sql, struct err *e)
{
	struct pg_conn	*c = conn;
	PGresult	*res;
	ExecStatusType	 st;
	int		 rc = 0;

	if ((rc = pg_ready(c, e)) < 0)
		return rc;
	/* PQexec stops at the first failing statement and returns it. */
	res = PQexec(c->pg, sql);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
	    st != PGRES_EMPTY_QUERY)
		rc = pg_err(c, res, e);
	PQclear(res);
	return rc;
}

const struct store_ops store_pg_ops = {
	.name = "pg",
	.kind = STORE_PG,
	.open = pg_open,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
	.next = pg_next,
	.isnull = pg_isnull,
	.text = pg_text,
	.intv = pg_intv,
	.rows_free = pg_rows_free,
	.script = pg_script,
};
