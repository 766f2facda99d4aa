/*
 * The risk of units, stored: reading a range of units with their
 * building, place and event aggregates in a few set-based queries,
 * writing the rows whose inputs or result changed (unit_risk and
 * units.risk_grade), the per-unit refresh the registry calls, the nightly
 * recompute of every unit, the event feed, and the views.  The model and
 * its arithmetic are in risk_model.c; rule IDs RISK-xxx are in
 * docs/modules/risk.md.
 *
 * Concurrency (PostgreSQL, several nodes): the refresh takes the unit's
 * row lock (units) before it reads what it computes from; the recompute
 * reads without it and writes a row only if its inputs_hash is still the
 * one it read, so a score computed from stale inputs never replaces a
 * newer one.  On SQLite writers are serialised anyway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "audit.h"
#include "registry_int.h"
#include "risk.h"
#include "risk_int.h"

#define RK_DAY		86400
#define RK_HEX		(2 * CRYPTO_SM3_LEN + 1)

static const char rk_sql_units[] =
    "SELECT id, categories, risk_grade FROM units WHERE id >= ? AND id <= ? "
    "ORDER BY id LIMIT ?";
static const char rk_sql_cur[] =
    "SELECT unit_id, score, grade, inputs_hash FROM unit_risk "
    "WHERE unit_id >= ? AND unit_id <= ? ORDER BY unit_id";
/*
 * RISK-003: the active buildings and places of a range of units, row by
 * row in unit order; the measures are summed up in C (an SQL GROUP BY
 * with these aggregates costs twice as much on SQLite).
 */
static const char rk_sql_buildings[] =
    "SELECT unit_id, height_cm, floors_below, floor_area_m2, occupancy, "
    "has_sprinklers, has_auto_alarm FROM buildings "
    "WHERE unit_id >= ? AND unit_id <= ? AND status = 'active' "
    "ORDER BY unit_id";
static const char rk_sql_places[] =
    "SELECT unit_id, floor_area_m2, occupancy, underground FROM places "
    "WHERE unit_id >= ? AND unit_id <= ? AND status = 'active' "
    "ORDER BY unit_id";
/* RISK-004: events within the window [now - window_days, now]. */
static const char rk_sql_events[] =
    "SELECT unit_id, kind, COUNT(*) FROM risk_events "
    "WHERE unit_id >= ? AND unit_id <= ? AND at >= ? AND at <= ? "
    "GROUP BY unit_id, kind ORDER BY unit_id";
/* Take the unit's row lock before reading (PostgreSQL; see above). */
static const char rk_sql_lock[] =
    "UPDATE units SET risk_grade = risk_grade WHERE id = ?";
static const char rk_sql_upd[] =
    "UPDATE unit_risk SET score = ?, grade = ?, factors = ?, "
    "model_version = ?, inputs_hash = ?, computed_at = ? "
    "WHERE unit_id = ? AND inputs_hash = ?";
/* A grade from the unit's stored risk; never the unit's version (the
 * grade is not in the unit's record). */
static const char rk_sql_grade_sync[] =
    "UPDATE units SET risk_grade = (SELECT r.grade FROM unit_risk r "
    "WHERE r.unit_id = units.id) WHERE id = ?";
static const char rk_sql_get[] =
    "SELECT score, grade, factors, model_version, inputs_hash, computed_at "
    "FROM unit_risk WHERE unit_id = ?";
static const char rk_sql_ev_ins[] =
    "INSERT INTO risk_events (id, unit_id, kind, ref_type, ref_id, at, "
    "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
#define RK_EV_COLS \
    "id, unit_id, kind, ref_type, ref_id, at, created_at, created_by"
static const char rk_sql_ev_get[] =
    "SELECT " RK_EV_COLS " FROM risk_events WHERE id = ?";
static const char rk_sql_ev_list[] =
    "SELECT " RK_EV_COLS " FROM risk_events WHERE unit_id = ? "
    "ORDER BY at DESC, id DESC LIMIT ? OFFSET ?";
static const char rk_sql_ev_count[] =
    "SELECT COUNT(*) FROM risk_events WHERE unit_id = ?";
static const char rk_sql_run_ins[] =
    "INSERT INTO risk_runs (id, model_version, model_sm3, units, changed, "
    "digest, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char rk_sql_run_get[] =
    "SELECT id, model_version, model_sm3, units, changed, digest, actor, at "
    "FROM risk_runs WHERE id = ?";

/* A unit of a batch: what was read, and what is stored. */
struct rk_row {
	int64_t			 id;
	int			 ugrade;	/* units.risk_grade: index, -1 */
	int			 has_cur;
	int			 cur_score;
	int			 cur_grade;
	char			 cur_hash[RK_HEX];
	struct rk_inputs	 in;
	int64_t			 parea, pocc;	/* places, summed apart */
	int			 punder;
};

struct rk_batch {
	struct rk_row	*row;
	int		 n;
	int		 cap;
	int		 pos;		/* merge cursor */
};

/* What a write pass did. */
struct rk_tally {
	int64_t			 units;
	int64_t			 changed;
	struct crypto_sm3_ctx	*digest;	/* NULL: no digest */
};

static void
rk_batch_free(struct rk_batch *b)
{
	free(b->row);
	memset(b, 0, sizeof(*b));
}

/* The row of unit id, advancing the merge cursor; NULL if not in b. */
static struct rk_row *
rk_batch_find(struct rk_batch *b, int64_t id)
{
	while (b->pos < b->n && b->row[b->pos].id < id)
		b->pos++;
	return b->pos < b->n && b->row[b->pos].id == id ? &b->row[b->pos] :
	    NULL;
}

/*
 * Read up to limit units with lo <= id <= hi, in id order, with their
 * stored risk (first: see the concurrency note) and their aggregates.
 */
static int
rk_batch_load(struct store *st, const struct rk_model *m, int64_t lo,
    int64_t hi, int64_t limit, int64_t now, struct rk_batch *b,
    struct err *e)
{
	const struct rk_factor	*fs = &m->f[RK_NO_SPRINKLERS];
	const struct rk_factor	*fa = &m->f[RK_NO_AUTO_ALARM];
	struct store_rows	*r = NULL;
	struct rk_row		*x;
	int64_t			 first, last, v, h, area;
	int			 k, rc;

	b->n = 0;
	if ((rc = store_query(st, rk_sql_units, STORE_ARGS(SV_I(lo), SV_I(hi),
	    SV_I(limit)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if (b->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 1024;
			b->row = xrealloc(b->row, (size_t)b->cap *
			    sizeof(*b->row));
		}
		x = &b->row[b->n++];
		memset(x, 0, sizeof(*x));
		x->id = store_int(r, 0);
		x->in.categories = store_int(r, 1);
		x->ugrade = store_isnull(r, 2) ? -1 :
		    rk_grade_index(store_text(r, 2));
		if (x->ugrade < 0 && !store_isnull(r, 2))
			x->ugrade = -2;		/* not a grade: repaired */
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0 || b->n == 0)
		return rc;
	first = b->row[0].id;
	last = b->row[b->n - 1].id;

	b->pos = 0;
	if ((rc = store_query(st, rk_sql_cur, STORE_ARGS(SV_I(first),
	    SV_I(last)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1)
		if ((x = rk_batch_find(b, store_int(r, 0))) != NULL) {
			x->has_cur = 1;
			x->cur_score = (int)store_int(r, 1);
			x->cur_grade = rk_grade_index(store_text(r, 2));
			snprintf(x->cur_hash, sizeof(x->cur_hash), "%s",
			    store_text(r, 3));
		}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		return rc;

	b->pos = 0;
	if ((rc = store_query(st, rk_sql_buildings, STORE_ARGS(SV_I(first),
	    SV_I(last)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if ((x = rk_batch_find(b, store_int(r, 0))) == NULL)
			continue;
		h = store_int(r, 1);
		area = store_int(r, 3);
		if (h > x->in.m[RKM_HEIGHT])
			x->in.m[RKM_HEIGHT] = h;
		if ((v = store_int(r, 2)) > x->in.m[RKM_FLOORS_BELOW])
			x->in.m[RKM_FLOORS_BELOW] = v;
		x->in.m[RKM_FLOOR_AREA] += area;
		x->in.m[RKM_OCCUPANCY] += store_int(r, 4);
		/* Large by area or by height, and without the system. */
		if (store_int(r, 5) == 0 && (area >= fs->large_area ||
		    h >= fs->large_height))
			x->in.m[RKM_NO_SPRINKLERS]++;
		if (store_int(r, 6) == 0 && (area >= fa->large_area ||
		    h >= fa->large_height))
			x->in.m[RKM_NO_AUTO_ALARM]++;
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		return rc;

	/* Places count where they say more than the buildings (RISK-003):
	 * summed apart, then the larger sum is taken. */
	b->pos = 0;
	if ((rc = store_query(st, rk_sql_places, STORE_ARGS(SV_I(first),
	    SV_I(last)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if ((x = rk_batch_find(b, store_int(r, 0))) == NULL)
			continue;
		x->parea += store_int(r, 1);
		x->pocc += store_int(r, 2);
		if (store_int(r, 3) != 0)
			x->punder = 1;
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		return rc;
	for (k = 0; k < b->n; k++) {
		x = &b->row[k];
		if (x->parea > x->in.m[RKM_FLOOR_AREA])
			x->in.m[RKM_FLOOR_AREA] = x->parea;
		if (x->pocc > x->in.m[RKM_OCCUPANCY])
			x->in.m[RKM_OCCUPANCY] = x->pocc;
		if (x->punder && x->in.m[RKM_FLOORS_BELOW] < 1)
			x->in.m[RKM_FLOORS_BELOW] = 1;
	}

	b->pos = 0;
	if ((rc = store_query(st, rk_sql_events, STORE_ARGS(SV_I(first),
	    SV_I(last), SV_I(now - m->window_days * RK_DAY), SV_I(now)), &r,
	    e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1)
		if ((x = rk_batch_find(b, store_int(r, 0))) != NULL &&
		    (k = rk_event_index(store_text(r, 1))) >= 0)
			x->in.ev[k] = store_int(r, 2);
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/*
 * The writes of a batch, set-based: the grade of the units first (the
 * lock order units -> unit_risk of every writer), then the new rows in
 * multi-row INSERTs, the changed rows one by one (each only if it is
 * still the row that was read), and last the units whose stored row
 * turned out newer than what was computed, or whose grade drifted, set
 * from unit_risk itself.
 */
struct rk_w {
	int64_t		 id;
	int		 score;
	int		 grade;
	int		 ugrade;
	size_t		 foff;		/* factors text in rk_ws.fx */
	char		 hex[RK_HEX];
	const char	*cur_hash;	/* NULL: no stored row */
	int		 done;		/* 1 written, -1 needs a resync */
};

struct rk_ws {
	struct rk_w	*w;
	int		 n;
	int		 cap;
	int64_t		*sync;		/* ids to set from unit_risk */
	int		 nsync;
	struct buf	 fx;		/* NUL-separated factors texts */
	struct buf	 sql;
};

#define RK_INS_ROWS	100	/* rows of a multi-row INSERT */
#define RK_IN_IDS	500	/* ids of an IN list */

/* One more unit whose grade is set from unit_risk. */
static void
rk_ws_sync(struct rk_ws *ws, int64_t id)
{
	if ((ws->nsync & 255) == 0)
		ws->sync = xrealloc(ws->sync, ((size_t)ws->nsync + 256) *
		    sizeof(*ws->sync));
	ws->sync[ws->nsync++] = id;
}
static int
rk_ws_grades(struct store *st, struct rk_ws *ws, struct err *e)
{
	struct store_val	 args[RK_IN_IDS + 1];
	int			 g, i, k, n, rc;

	for (g = 0; g < RK_GRADES; g++) {
		for (i = 0; i < ws->n; ) {
			n = 0;
			args[0] = SV_S(risk_grades[g]);
			for (; i < ws->n && n < RK_IN_IDS; i++)
				if (ws->w[i].grade == g && ws->w[i].ugrade != g)
					args[1 + n++] = SV_I(ws->w[i].id);
			if (n == 0)
				continue;
			buf_reset(&ws->sql);
			buf_adds(&ws->sql, "UPDATE units SET risk_grade = ? "
			    "WHERE id IN (?");
			for (k = 1; k < n; k++)
				buf_adds(&ws->sql, ", ?");
			buf_addc(&ws->sql, ')');
			if ((rc = store_exec(st, ws->sql.data, args, n + 1,
			    NULL, e)) < 0)
				return rc;
		}
	}
	return 0;
}

static int
rk_ws_inserts(struct store *st, const struct rk_model *m, int64_t now,
    struct rk_ws *ws, struct err *e)
{
	struct store_val	 args[RK_INS_ROWS * 7];
	struct store_rows	*r = NULL;
	struct rk_w		*chunk[RK_INS_ROWS];
	int64_t			 id;
	int			 i, j, k, n, next, rc;

	for (i = 0; i < ws->n; ) {
		for (n = 0; i < ws->n && n < RK_INS_ROWS; i++)
			if (ws->w[i].cur_hash == NULL)
				chunk[n++] = &ws->w[i];
		if (n == 0)
			continue;
		buf_reset(&ws->sql);
		buf_adds(&ws->sql, "INSERT INTO unit_risk (unit_id, score, grade, "
		    "factors, model_version, inputs_hash, computed_at) VALUES ");
		for (j = 0; j < n; j++) {
			buf_adds(&ws->sql, j ? ", (?, ?, ?, ?, ?, ?, ?)" :
			    "(?, ?, ?, ?, ?, ?, ?)");
			args[7 * j] = SV_I(chunk[j]->id);
			args[7 * j + 1] = SV_I(chunk[j]->score);
			args[7 * j + 2] = SV_S(risk_grades[chunk[j]->grade]);
			args[7 * j + 3] = SV_S(ws->fx.data + chunk[j]->foff);
			args[7 * j + 4] = SV_S(m->version);
			args[7 * j + 5] = SV_S(chunk[j]->hex);
			args[7 * j + 6] = SV_I(now);
			chunk[j]->done = -1;
		}
		/* A row another writer inserted meanwhile is newer: kept. */
		buf_adds(&ws->sql, " ON CONFLICT (unit_id) DO NOTHING "
		    "RETURNING unit_id");
		if ((rc = store_query(st, ws->sql.data, args, 7 * n, &r, e)) <
		    0)
			return rc;
		/* Rows come back in the order inserted, in practice: look
		 * there first. */
		next = 0;
		while ((rc = store_next(r, e)) == 1) {
			id = store_int(r, 0);
			for (k = 0; k < n; k++) {
				j = (next + k) % n;
				if (chunk[j]->id == id) {
					chunk[j]->done = 1;
					next = j + 1;
					break;
				}
			}
		}
		store_rows_free(r);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
rk_ws_updates(struct store *st, const struct rk_model *m, int64_t now,
    struct rk_ws *ws, struct err *e)
{
	struct rk_w	*w;
	int64_t		 ch;
	int		 i, rc;

	for (i = 0; i < ws->n; i++) {
		w = &ws->w[i];
		if (w->cur_hash == NULL)
			continue;
		if ((rc = store_exec(st, rk_sql_upd, STORE_ARGS(SV_I(w->score),
		    SV_S(risk_grades[w->grade]), SV_S(ws->fx.data + w->foff),
		    SV_S(m->version), SV_S(w->hex), SV_I(now), SV_I(w->id),
		    SV_S(w->cur_hash)), &ch, e)) < 0)
			return rc;
		/* 0 rows: another writer stored a newer result meanwhile. */
		w->done = ch > 0 ? 1 : -1;
	}
	return 0;
}

/*
 * Compute every unit of b and write what changed (RISK-006).  locked:
 * the caller holds the units' row locks already (refresh).
 */
static int
rk_batch_write(struct store *st, const struct rk_model *m,
    struct rk_batch *b, int64_t now, int locked, struct crypto_sm3_ctx *hc,
    struct rk_tally *t, struct err *e)
{
	struct rk_result	 res;
	struct rk_row		*x;
	struct rk_ws		 ws;
	struct rk_w		*w;
	unsigned char		 h[CRYPTO_SM3_LEN];
	char			 hex[RK_HEX], line[RK_LINE_MAX];
	int			 i, pg, rc = 0;

	memset(&ws, 0, sizeof(ws));
	buf_init(&ws.fx);
	buf_init(&ws.sql);
	pg = store_kind(st) == STORE_PG;
	for (i = 0; i < b->n; i++) {
		x = &b->row[i];
		rk_eval(m, &x->in, &res);
		rk_hash(m, &x->in, hc, h);
		str_hex(h, sizeof(h), hex);
		t->units++;
		if (t->digest != NULL)
			crypto_sm3_ctx_update(t->digest, line, rk_digest_line(
			    x->id, res.score, res.grade, line));
		if (x->has_cur && strcmp(x->cur_hash, hex) == 0 &&
		    x->cur_score == res.score && x->cur_grade == res.grade) {
			/* Unchanged; a grade edited behind our back is put
			 * back from unit_risk. */
			if (x->ugrade != x->cur_grade) {
				rk_ws_sync(&ws, x->id);
				t->changed++;
			}
			continue;
		}
		if (ws.n == ws.cap) {
			ws.cap = ws.cap ? 2 * ws.cap : 256;
			ws.w = xrealloc(ws.w, (size_t)ws.cap * sizeof(*ws.w));
		}
		w = &ws.w[ws.n++];
		w->id = x->id;
		w->score = res.score;
		w->grade = res.grade;
		w->ugrade = x->ugrade;
		memcpy(w->hex, hex, sizeof(hex));
		w->cur_hash = x->has_cur ? x->cur_hash : NULL;
		w->done = 0;
		w->foff = ws.fx.len;
		rk_factors_text(&res, &ws.fx);
		buf_addc(&ws.fx, '\0');
	}
	if (ws.n > 0 && ((rc = rk_ws_grades(st, &ws, e)) < 0 ||
	    (rc = rk_ws_inserts(st, m, now, &ws, e)) < 0 ||
	    (rc = rk_ws_updates(st, m, now, &ws, e)) < 0))
		goto out;
	for (i = 0; i < ws.n; i++)
		if (ws.w[i].done > 0)
			t->changed++;
		else
			rk_ws_sync(&ws, ws.w[i].id);
	for (i = 0; i < ws.nsync; i++) {
		if (pg && !locked && (rc = store_exec(st, rk_sql_lock,
		    STORE_ARGS(SV_I(ws.sync[i])), NULL, e)) < 0)
			goto out;
		if ((rc = store_exec(st, rk_sql_grade_sync, STORE_ARGS(
		    SV_I(ws.sync[i])), NULL, e)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(ws.w);
	free(ws.sync);
	buf_free(&ws.fx);
	buf_free(&ws.sql);
	return rc;
}

int
risk_unit_refresh(struct store *st, int64_t unit_id, struct err *e)
{
	const struct rk_model	*m = rk_model();
	struct rk_batch		 b;
	struct rk_tally		 t;
	int			 rc;

	if (m == NULL)
		return 0;
	memset(&b, 0, sizeof(b));
	memset(&t, 0, sizeof(t));
	/* The lock first, so that what is read is what the writer sees. */
	if (store_kind(st) == STORE_PG && (rc = store_exec(st, rk_sql_lock,
	    STORE_ARGS(SV_I(unit_id)), NULL, e)) < 0)
		goto out;
	if ((rc = rk_batch_load(st, m, unit_id, unit_id, 1, clock_now(), &b,
	    e)) < 0)
		goto out;
	if (b.n == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such unit");
		goto out;
	}
	rc = rk_batch_write(st, m, &b, clock_now(), 1, NULL, &t, e);
out:
	rk_batch_free(&b);
	return rc;
}

/* The recompute. */

static json_t *
rk_run_json(int64_t id, const char *version, const char *sm3, int64_t units,
    int64_t changed, const char *digest, const char *actor, int64_t at)
{
	return json_pack("{s:o, s:s, s:s, s:I, s:I, s:s, s:s, s:I}",
	    "id", jx_id(id),
	    "model_version", version,
	    "model_sm3", sm3,
	    "units", (json_int_t)units,
	    "changed", (json_int_t)changed,
	    "digest", digest,
	    "actor", actor,
	    "at", (json_int_t)at);
}

int
risk_recompute_all(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	const struct rk_model	*m = rk_model();
	struct crypto_sm3_ctx	*hc = NULL;
	struct rk_batch		 b;
	struct rk_tally		 t;
	unsigned char		 d[CRYPTO_SM3_LEN];
	char			 digest[RK_HEX], by[24];
	json_t			*rec = NULL;
	int64_t			 now = clock_now(), lo = 1, id;
	int			 rc = 0;

	if (m == NULL)
		return err_set(e, ERR_UNAVAILABLE, "model", "the risk model is "
		    "not loaded");
	if (store_in_tx(st))
		return err_set(e, ERR_INTERNAL, NULL, "risk recompute inside a "
		    "transaction");
	memset(&b, 0, sizeof(b));
	memset(&t, 0, sizeof(t));
	hc = crypto_sm3_ctx_new();
	t.digest = crypto_sm3_ctx_new();
	/* SQLite: a bigger page cache while the whole city is read. */
	if (store_kind(st) == STORE_SQLITE &&
	    (rc = store_exec(st, "PRAGMA cache_size = -131072", STORE_NOARGS,
	    NULL, e)) < 0)
		goto out;
	for (;;) {
		if ((rc = store_begin(st, e)) < 0)
			goto out;
		if ((rc = rk_batch_load(st, m, lo, INT64_MAX, RISK_BATCH, now,
		    &b, e)) < 0 || (b.n > 0 &&
		    (rc = rk_batch_write(st, m, &b, now, 0, hc, &t, e)) < 0)) {
			store_rollback(st);
			goto out;
		}
		if (b.n == 0) {
			store_rollback(st);
			break;
		}
		if ((rc = store_commit(st, e)) < 0)
			goto out;
		lo = b.row[b.n - 1].id + 1;
		if (b.n < RISK_BATCH)
			break;
	}
	crypto_sm3_ctx_final(t.digest, d);
	str_hex(d, sizeof(d), digest);
	if (t.changed > 0) {
		/* RISK-007: one entry for the run, with what it changed. */
		id = id_next();
		actor_audit_name(who, by);
		rec = rk_run_json(id, m->version, m->sm3, t.units, t.changed,
		    digest, by, now);
		if ((rc = store_begin(st, e)) < 0)
			goto out;
		if ((rc = store_exec(st, rk_sql_run_ins, STORE_ARGS(SV_I(id),
		    SV_S(m->version), SV_S(m->sm3), SV_I(t.units),
		    SV_I(t.changed), SV_S(digest), SV_S(by), SV_I(now)), NULL,
		    e)) < 0 ||
		    (rc = audit_append_id(st, who, "risk.recompute", "risk_run",
		    id, rec, e)) < 0) {
			store_rollback(st);
			goto out;
		}
		if ((rc = store_commit(st, e)) < 0)
			goto out;
	}
	buf_printf(detail, "model %s: %lld units, %lld changed, digest %s",
	    m->version, (long long)t.units, (long long)t.changed, digest);
	rc = 0;
out:
	if (store_kind(st) == STORE_SQLITE)
		store_exec(st, "PRAGMA cache_size = -2000", STORE_NOARGS, NULL,
		    NULL);
	json_decref(rec);
	rk_batch_free(&b);
	crypto_sm3_ctx_free(hc);
	crypto_sm3_ctx_free(t.digest);
	return rc;
}

int
risk_job_recompute(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	int	rc;

	if ((rc = rk_model_ensure(e)) < 0)
		return rc;
	return risk_recompute_all(st, who, detail, e);
}

/* Views. */

/* A stored factors text with the names of the loaded model. */
static json_t *
rk_factors_view(const struct rk_model *m, const char *text)
{
	json_t		*a = json_loads(text, 0, NULL), *x;
	const char	*id;
	size_t		 i;
	int		 k;

	if (!json_is_array(a)) {
		json_decref(a);
		return json_array();
	}
	json_array_foreach(a, i, x) {
		id = json_string_value(json_object_get(x, "id"));
		for (k = 0; k < RK__N && id; k++)
			if (strcmp(rk_defs[k].id, id) == 0)
				break;
		json_object_set_new(x, "name_zh", json_string(k < RK__N && id ?
		    m->f[k].name_zh : id ? id : ""));
		json_object_set_new(x, "name_en", json_string(k < RK__N && id ?
		    m->f[k].name_en : id ? id : ""));
	}
	return a;
}

static json_t *
rk_view(const struct rk_model *m, int64_t unit_id, int score, int grade,
    const char *factors, const char *version, const char *hash,
    int64_t computed_at, int stored)
{
	int	g = grade >= 0 ? grade : RK_GRADES - 1;

	return json_pack("{s:o, s:i, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o,"
	    " s:b}",
	    "unit_id", jx_id(unit_id),
	    "score", score,
	    "grade", grade >= 0 ? risk_grades[grade] : "",
	    "grade_name_zh", m->grade_zh[g],
	    "grade_name_en", m->grade_en[g],
	    "factors", rk_factors_view(m, factors),
	    "model_version", version,
	    "current_model_version", m->version,
	    "inputs_hash", hash,
	    "computed_at", stored ? json_integer(computed_at) : json_null(),
	    "stored", stored);
}

int
risk_unit_get(struct store *st, struct actor *who, int64_t unit_id,
    json_t **out, struct err *e)
{
	const struct rk_model	*m = rk_model();
	struct reg_unit_loc	 loc;
	struct store_rows	*r = NULL;
	struct rk_batch		 b;
	struct rk_result	 res;
	struct buf		 fx;
	unsigned char		 h[CRYPTO_SM3_LEN];
	char			 hex[RK_HEX];
	int			 rc;

	memset(&b, 0, sizeof(b));
	buf_init(&fx);
	/* RISK-010: the unit's reader, as GET /units/{id}. */
	if ((rc = reg_need(who, "registry:read", e)) < 0 ||
	    (rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
		return rc;
	if (m == NULL)
		return err_set(e, ERR_UNAVAILABLE, "model", "the risk model is "
		    "not loaded");
	if ((rc = store_query(st, rk_sql_get, STORE_ARGS(SV_I(unit_id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = rk_view(m, unit_id, (int)store_int(r, 0),
		    rk_grade_index(store_text(r, 1)), store_text(r, 2),
		    store_text(r, 3), store_text(r, 4), store_int(r, 5), 1);
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	/* Never computed yet: what it would be now, not stored. */
	if ((rc = rk_batch_load(st, m, unit_id, unit_id, 1, clock_now(), &b,
	    e)) < 0)
		goto out;
	if (b.n == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such unit");
		goto out;
	}
	rk_eval(m, &b.row[0].in, &res);
	rk_hash(m, &b.row[0].in, NULL, h);
	str_hex(h, sizeof(h), hex);
	rk_factors_text(&res, &fx);
	*out = rk_view(m, unit_id, res.score, res.grade, fx.data, m->version,
	    hex, 0, 0);
	rc = 0;
out:
	store_rows_free(r);
	rk_batch_free(&b);
	buf_free(&fx);
	return rc;
}

/* Events. */

static json_t *
rk_event_row(struct store_rows *r)
{
	return json_pack("{s:o, s:o, s:s, s:s, s:s, s:I, s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "unit_id", jx_id(store_int(r, 1)),
	    "kind", store_text(r, 2),
	    "ref_type", store_text(r, 3),
	    "ref_id", store_text(r, 4),
	    "at", (json_int_t)store_int(r, 5),
	    "created_at", (json_int_t)store_int(r, 6),
	    "created_by", store_text(r, 7));
}

static int
rk_event_fetch(struct store *st, int64_t id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, rk_sql_ev_get, STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = rk_event_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such risk event");
	store_rows_free(r);
	return rc;
}

/* Whether an event at this time counts now (RISK-004). */
static void
rk_event_counted(json_t *ev, int64_t now)
{
	const struct rk_model	*m = rk_model();
	int64_t			 at;

	at = json_integer_value(json_object_get(ev, "at"));
	json_object_set_new(ev, "counted", json_boolean(m != NULL &&
	    at >= now - m->window_days * RK_DAY && at <= now));
}

int
risk_event_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	int64_t	eid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &eid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such risk event");
	return rk_event_fetch(st, eid, out, e);
}

/* RISK-008: ref_type is a lower-case identifier. */
static int
rk_ref_type_ok(const char *s)
{
	size_t	i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > RISK_REF_TYPE_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

int
risk_event_has(struct store *st, int64_t unit_id, const char *kind,
    const char *ref_type, const char *ref_id, struct err *e)
{
	int64_t	n = 0;
	int	rc;

	/* RISK-009's unique index answers it. */
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM risk_events WHERE "
	    "unit_id = ? AND kind = ? AND ref_type = ? AND ref_id = ?",
	    STORE_ARGS(SV_I(unit_id), SV_S(kind), SV_S(ref_type),
	    SV_S(ref_id)), &n, e)) < 0)
		return rc;
	return n > 0;
}

int
risk_event_add(struct store *st, struct actor *who, int64_t unit_id,
    const char *kind, const char *ref_type, const char *ref_id, int64_t at,
    json_t **out, struct err *e)
{
	struct reg_unit_loc	 loc;
	json_t			*v = NULL, *rec = NULL;
	char			*rid = NULL, by[24];
	int64_t			 id, now = clock_now();
	int			 rc;

	if ((rc = reg_need(who, "risk:write", e)) < 0)
		goto out;
	/* Z-2: another jurisdiction's unit is as absent. */
	if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
		goto out;
	/* RISK-008: every field checked before anything is written. */
	if (kind == NULL) {
		rc = err_set(e, ERR_MISSING, "kind", "kind is required");
		goto out;
	}
	if (rk_event_index(kind) < 0) {
		rc = err_set(e, ERR_INVALID, "kind", "kind must be one of "
		    "hazard, major_hazard, penalty, complaint_upheld, fire, "
		    "fire_alarm, false_alarm, device_fault");
		goto out;
	}
	if (ref_type == NULL) {
		rc = err_set(e, ERR_MISSING, "ref_type", "ref_type is required");
		goto out;
	}
	if (!rk_ref_type_ok(ref_type)) {
		rc = err_set(e, ERR_INVALID, "ref_type", "ref_type must be 1 to "
		    "%d of a-z 0-9 _ starting with a letter", RISK_REF_TYPE_MAX);
		goto out;
	}
	if (ref_id == NULL) {
		rc = err_set(e, ERR_MISSING, "ref_id", "ref_id is required");
		goto out;
	}
	if (!str_utf8_valid(ref_id, strlen(ref_id))) {
		rc = err_set(e, ERR_INVALID, "ref_id", "ref_id contains invalid "
		    "characters");
		goto out;
	}
	v = json_string(ref_id);
	if ((rc = reg_text(v, "ref_id", 1, RISK_REF_ID_MAX, &rid, e)) < 0)
		goto out;
	if (at < RISK_AT_MIN || at > now) {
		rc = err_set(e, ERR_RANGE, "at", "at must be a Unix time from "
		    "2000-01-01 to now");
		goto out;
	}
	/* REG-013: an archived unit is kept as it was. */
	if (strcmp(loc.status, "archived") == 0) {
		rc = err_set(e, ERR_POLICY, "status", "the unit is archived "
		    "(REG-013)");
		goto out;
	}
	id = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, rk_sql_ev_ins, STORE_ARGS(SV_I(id),
	    SV_I(unit_id), SV_S(kind), SV_S(ref_type), SV_S(rid), SV_I(at),
	    SV_I(now), SV_S(by)), NULL, e)) < 0) {
		/* RISK-009: one event per source record, kind and unit. */
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "ref_id", "the unit already has "
			    "a %s event from %s %s (RISK-009)", kind, ref_type,
			    rid);
		goto out;
	}
	if ((rc = risk_unit_refresh(st, unit_id, e)) < 0 ||
	    (rc = rk_event_fetch(st, id, &rec, e)) < 0 ||
	    (rc = audit_append_id(st, who, "risk_event.create", "risk_event",
	    id, rec, e)) < 0)
		goto out;
	if (out != NULL) {
		rk_event_counted(rec, now);
		*out = rec;
		rec = NULL;
	}
	rc = 0;
out:
	json_decref(v);
	json_decref(rec);
	free(rid);
	return rc;
}

int
risk_event_list(struct store *st, struct actor *who, int64_t unit_id,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	struct reg_unit_loc	 loc;
	struct store_rows	*r = NULL;
	json_t			*a = NULL, *ev;
	int64_t			 now = clock_now();
	int			 rc;

	if ((rc = reg_need(who, "registry:read", e)) < 0)
		return rc;
	if (offset < 0)
		return err_set(e, ERR_INVALID, "offset", "offset must not be "
		    "negative");
	if (limit < 1 || limit > RISK_PAGE_MAX)
		return err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d",
		    RISK_PAGE_MAX);
	if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
		return rc;
	if ((rc = store_query_int(st, rk_sql_ev_count, STORE_ARGS(
	    SV_I(unit_id)), total, e)) < 0)
		return rc;
	if ((rc = store_query(st, rk_sql_ev_list, STORE_ARGS(SV_I(unit_id),
	    SV_I(limit), SV_I(offset)), &r, e)) < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) == 1) {
		ev = rk_event_row(r);
		rk_event_counted(ev, now);
		json_array_append_new(a, ev);
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*items = a;
	return 0;
}

/* The summary (RISK-011). */

int
risk_summary(struct store *st, struct actor *who, const char *town,
    json_t **out, struct err *e)
{
	struct reg_scope	 s;
	struct store_val	 args[2];
	struct store_rows	*r = NULL;
	struct buf		 sql;
	json_t			*g = NULL;
	char			 scope[40];
	int64_t			 n[RK_GRADES + 1] = { 0 }, total = 0, c;
	int			 nargs = 0, k, rc;

	buf_init(&sql);
	if ((rc = reg_need(who, "registry:read", e)) < 0)
		goto out;
	if (town != NULL && !reg_town_syntax(town)) {
		rc = err_set(e, ERR_INVALID, "town", "town must be a 9-digit "
		    "town code");
		goto out;
	}
	if (town != NULL && (rc = reg_town_exists(st, town, "town", e)) < 0)
		goto out;
	buf_adds(&sql, "SELECT risk_grade, COUNT(*) FROM units "
	    "WHERE status <> 'archived'");
	reg_scope_of(who, &s);
	switch (s.kind) {
	case RS_ALL:
		snprintf(scope, sizeof(scope), "city");
		break;
	case RS_TOWN:
		snprintf(scope, sizeof(scope), "town:%s", s.town);
		buf_adds(&sql, " AND town_code = ?");
		args[nargs++] = SV_S(s.town);
		break;
	case RS_GRID:
		snprintf(scope, sizeof(scope), "grid:%lld", (long long)s.id);
		buf_adds(&sql, " AND grid_id = ?");
		args[nargs++] = SV_I(s.id);
		break;
	case RS_UNIT:
		snprintf(scope, sizeof(scope), "unit:%lld", (long long)s.id);
		buf_adds(&sql, " AND id = ?");
		args[nargs++] = SV_I(s.id);
		break;
	default:
		rc = err_set(e, ERR_FORBIDDEN, NULL, "no jurisdiction");
		goto out;
	}
	/* A filter never widens the view (REG-010). */
	if (town != NULL) {
		buf_adds(&sql, " AND town_code = ?");
		args[nargs++] = SV_S(town);
	}
	buf_adds(&sql, " GROUP BY risk_grade");
	if ((rc = store_query(st, sql.data, args, nargs, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		c = store_int(r, 1);
		k = store_isnull(r, 0) ? -1 : rk_grade_index(store_text(r, 0));
		n[k >= 0 ? k : RK_GRADES] += c;
		total += c;
	}
	if (rc < 0)
		goto out;
	g = json_object();
	for (k = 0; k < RK_GRADES; k++)
		json_object_set_new(g, risk_grades[k], json_integer(n[k]));
	json_object_set_new(g, "none", json_integer(n[RK_GRADES]));
	*out = json_pack("{s:s, s:o, s:I, s:o}",
	    "scope", scope,
	    "town", jx_str_or_null(town),
	    "total", (json_int_t)total,
	    "grades", g);
	g = NULL;
	rc = 0;
out:
	store_rows_free(r);
	json_decref(g);
	buf_free(&sql);
	return rc;
}

int
risk_run_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 rid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &rid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such risk run");
	if ((rc = store_query(st, rk_sql_run_get, STORE_ARGS(SV_I(rid)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = rk_run_json(store_int(r, 0), store_text(r, 1),
		    store_text(r, 2), store_int(r, 3), store_int(r, 4),
		    store_text(r, 5), store_text(r, 6), store_int(r, 7));
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such risk run");
	store_rows_free(r);
	return rc;
}
