/*
 * Hazards outside the fire service's remit (HAZ-013..017): a transfer to
 * the responsible department (住建, 供电, 市监, 城管, 应急 …) with its
 * own clock.  The department accepts it (then completes it) or returns
 * it with a reason; the fire service may dispute a return, and the town
 * safety office (镇街消安委办) decides: upheld (the department must act)
 * or released (the fire service keeps it).  A department user (account
 * jurisdiction dept:CODE or dept:CODE:TOWN) sees only what was
 * transferred to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "calendar.h"
#include "files.h"
#include "hazard.h"
#include "hazard_int.h"

struct hzt {
	int64_t	 id;
	int64_t	 hazard_id;
	int64_t	 version;
	char	 dept[16];
	char	 town[REG_TOWN_LEN + 1];
	char	 status[16];
	char	 complete_due[HZ_DATE_LEN + 1];
};

static const char hzt_sql_record[] =
    "SELECT id, hazard_id, dept, town, status, note, return_reason, "
    "dispute_note, decision, decision_note, due, complete_due, escalation, "
    "version, created_at, updated_at, created_by FROM hazard_transfers "
    "WHERE id = ?";

static json_t *
hzt_text(struct store_rows *r, int c)
{
	return store_isnull(r, c) ? json_null() : json_string(store_text(r, c));
}

static json_t *
hzt_row_json(struct store_rows *r)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", jx_id(store_int(r, 0)));
	json_object_set_new(o, "hazard_id", jx_id(store_int(r, 1)));
	json_object_set_new(o, "dept", json_string(store_text(r, 2)));
	json_object_set_new(o, "town", json_string(store_text(r, 3)));
	json_object_set_new(o, "status", json_string(store_text(r, 4)));
	json_object_set_new(o, "note", hzt_text(r, 5));
	json_object_set_new(o, "return_reason", hzt_text(r, 6));
	json_object_set_new(o, "dispute_note", hzt_text(r, 7));
	json_object_set_new(o, "decision", hzt_text(r, 8));
	json_object_set_new(o, "decision_note", hzt_text(r, 9));
	json_object_set_new(o, "due", json_string(store_text(r, 10)));
	json_object_set_new(o, "complete_due", hzt_text(r, 11));
	json_object_set_new(o, "escalation", json_integer(store_int(r, 12)));
	json_object_set_new(o, "version", json_integer(store_int(r, 13)));
	json_object_set_new(o, "created_at", json_integer(store_int(r, 14)));
	json_object_set_new(o, "updated_at", json_integer(store_int(r, 15)));
	json_object_set_new(o, "created_by", json_string(store_text(r, 16)));
	return o;
}

int
hazard_transfer_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 tid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &tid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such transfer");
	if ((rc = store_query(st, hzt_sql_record, STORE_ARGS(SV_I(tid)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = hzt_row_json(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such transfer");
	return rc < 0 ? rc : 0;
}

static int
hzt_audit(struct store *st, struct actor *who, const char *action,
    int64_t tid, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	char	 ts[24];
	int	 rc;

	snprintf(ts, sizeof(ts), "%lld", (long long)tid);
	if ((rc = hazard_transfer_record(st, ts, &rec, e)) < 0)
		return rc;
	if ((rc = audit_append_id(st, who, action, "hazard_transfer", tid, rec,
	    e)) < 0) {
		json_decref(rec);
		return rc;
	}
	if (out != NULL)
		*out = rec;
	else
		json_decref(rec);
	return 0;
}

/*
 * Load a transfer.  A department user may act on it only when it is
 * addressed to their department (and town); others must see its hazard.
 * ERR_NOT_FOUND otherwise; ERR_STALE on a version mismatch.
 */
static int
hzt_load(struct store *st, const struct actor *who, int64_t tid,
    int64_t expected, int dept_step, struct hzt *t, struct err *e)
{
	struct store_rows	*r = NULL;
	struct hz_scope		 s;
	struct hz		 h;
	int			 rc;

	rc = store_query(st, "SELECT id, hazard_id, version, dept, town, "
	    "status, complete_due FROM hazard_transfers WHERE id = ?",
	    STORE_ARGS(SV_I(tid)), &r, e);
	if (rc < 0)
		return rc;
	memset(t, 0, sizeof(*t));
	if ((rc = store_next(r, e)) == 1) {
		t->id = store_int(r, 0);
		t->hazard_id = store_int(r, 1);
		t->version = store_int(r, 2);
		snprintf(t->dept, sizeof(t->dept), "%s", store_text(r, 3));
		snprintf(t->town, sizeof(t->town), "%s", store_text(r, 4));
		snprintf(t->status, sizeof(t->status), "%s", store_text(r, 5));
		snprintf(t->complete_due, sizeof(t->complete_due), "%s",
		    store_text(r, 6));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such transfer");
	hz_scope_of(who, &s);
	if (dept_step && who->kind != ACTOR_SYSTEM) {
		/* HAZ-014: only the department it was transferred to. */
		if (!s.is_dept || strcmp(s.dept, t->dept) != 0 ||
		    (*s.dtown && strcmp(s.dtown, t->town) != 0))
			return err_set(e, ERR_NOT_FOUND, NULL, "no such "
			    "transfer");
	} else if ((rc = hz_load(st, who, t->hazard_id, 0, &h, e)) < 0)
		return rc == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND, NULL,
		    "no such transfer") : rc;
	if (expected > 0 && expected != t->version)
		return err_set(e, ERR_STALE, "version", "the transfer was "
		    "changed by someone else (now version %lld)",
		    (long long)t->version);
	return 0;
}

/* Set the transfer's status and fields; ERR_STALE unless one row. */
static int
hzt_set(struct store *st, const struct hzt *t, const char *status,
    const char *col, const char *val, const char *due,
    const char *complete_due, struct err *e)
{
	char	*sql;
	int64_t	 ch = 0;
	int	 rc;

	sql = xasprintf("UPDATE hazard_transfers SET status = ?, %s%s"
	    "due = COALESCE(?, due), complete_due = COALESCE(?, complete_due), "
	    "escalation = 0, version = version + 1, updated_at = ? "
	    "WHERE id = ? AND version = ?", col ? col : "", col ? " = ?, " : "");
	if (col != NULL)
		rc = store_exec(st, sql, STORE_ARGS(SV_S(status), SV_S(val),
		    due ? SV_S(due) : SV_N, complete_due ? SV_S(complete_due) :
		    SV_N, SV_I(clock_now()), SV_I(t->id), SV_I(t->version)),
		    &ch, e);
	else
		rc = store_exec(st, sql, STORE_ARGS(SV_S(status),
		    due ? SV_S(due) : SV_N, complete_due ? SV_S(complete_due) :
		    SV_N, SV_I(clock_now()), SV_I(t->id), SV_I(t->version)),
		    &ch, e);
	free(sql);
	if (rc == 0 && ch != 1)
		rc = err_set(e, ERR_STALE, "version", "the transfer was changed "
		    "by someone else");
	return rc;
}

/* Transfers of hazard hid still in the departments' hands. */
static int
hzt_active(struct store *st, int64_t hid, int64_t *n, struct err *e)
{
	return store_query_int(st, "SELECT COUNT(*) FROM hazard_transfers "
	    "WHERE hazard_id = ? AND status IN ('pending', 'accepted', "
	    "'disputed')", STORE_ARGS(SV_I(hid)), n, e);
}

/* Move the hazard to status with step_due (NULL: unchanged) and a
 * timeline step, audited. */
static int
hzt_hazard(struct store *st, struct actor *who, int64_t hid,
    const char *status, const char *due, const char *close_reason,
    const char *action, const char *note, const char *photos,
    struct err *e)
{
	struct store_rows	*r = NULL;
	char			 from[16] = "", today[HZ_DATE_LEN + 1];
	char			 town[REG_TOWN_LEN + 1] = "";
	int			 rc;

	if ((rc = store_query(st, "SELECT status, town FROM hazards WHERE "
	    "id = ?", STORE_ARGS(SV_I(hid)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		snprintf(from, sizeof(from), "%s", store_text(r, 0));
		snprintf(town, sizeof(town), "%s", store_text(r, 1));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	rec_today(today);
	if ((rc = store_exec(st, "UPDATE hazards SET status = ?, "
	    "step_due = ?, escalation = 0, escalated_on = NULL, "
	    "close_reason = ?, closed_on = ?, version = version + 1, "
	    "updated_at = ? WHERE id = ?", STORE_ARGS(SV_S(status),
	    due ? SV_S(due) : SV_N, close_reason ? SV_S(close_reason) : SV_N,
	    close_reason ? SV_S(today) : SV_N, SV_I(clock_now()), SV_I(hid)),
	    NULL, e)) < 0)
		return rc;
	if (strcmp(status, "closed") == 0 &&
	    (rc = hz_closed_count(st, town, e)) < 0)
		return rc;
	if ((rc = hz_step(st, who, hid, action, from, status, note, photos,
	    due, e)) < 0)
		return rc;
	return hz_audit(st, who, "hazard.update", hid, e);
}

int
hazard_transfer(struct store *st, struct actor *who, int64_t id,
    const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "dept", "note",
	    "deadline_days", NULL };
	const struct hazard_type *ty;
	struct hz	 h;
	json_t		*v;
	const char	*dept;
	char		*note = NULL, today[HZ_DATE_LEN + 1], by[24];
	char		 due[HZ_DATE_LEN + 1], cdue[HZ_DATE_LEN + 1];
	int64_t		 tid, n = 0, now = clock_now();
	int		 rc, days;

	if ((rc = reg_need(who, "hazard:write", e)) < 0 ||
	    (rc = hz_load(st, who, id, 0, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	/* HAZ-013: found or ordered hazards, to another department. */
	if (strcmp(h.status, "found") != 0 && strcmp(h.status, "ordered") != 0)
		return hz_bad_state("transferred", h.status, "HAZ-013", e);
	if ((v = json_object_get(in, "dept")) == NULL)
		return err_set(e, ERR_MISSING, "dept", "dept is required");
	dept = json_string_value(v);
	if (dept == NULL || !hazard_dept_known(dept))
		return err_set(e, ERR_INVALID, "dept", "dept must be a "
		    "department of the catalogue");
	if (strcmp(dept, "fire") == 0)
		return err_set(e, ERR_INVALID, "dept", "a transfer goes to "
		    "another department than the fire service");
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM hazard_transfers "
	    "WHERE hazard_id = ? AND dept = ? AND status IN ('pending', "
	    "'accepted', 'disputed')", STORE_ARGS(SV_I(id), SV_S(dept)), &n,
	    e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "dept", "the hazard is already "
		    "with this department");
	ty = hazard_type_find(h.type_code);
	if ((rc = rec_days(in, "deadline_days", ty ? ty->deadline_days : 10,
	    hazard_clock("max_deadline_days"), &days, e)) < 0 ||
	    (rc = rec_opt_text(in, "note", 1, HZ_NOTE_MAX, &note, e)) < 0)
		goto out;
	rec_today(today);
	if ((rc = calendar_add_workdays(today,
	    hazard_clock("transfer_accept_days"), due, e)) < 0 ||
	    (rc = calendar_add_workdays(today, days, cdue, e)) < 0)
		goto out;
	tid = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO hazard_transfers (id, hazard_id, "
	    "dept, town, status, note, due, complete_due, escalation, version, "
	    "created_at, updated_at, created_by) VALUES (?, ?, ?, ?, "
	    "'pending', ?, ?, ?, 0, 1, ?, ?, ?)", STORE_ARGS(SV_I(tid),
	    SV_I(id), SV_S(dept), SV_S(h.town), note ? SV_S(note) : SV_N,
	    SV_S(due), SV_S(cdue), SV_I(now), SV_I(now), SV_S(by)), NULL,
	    e)) < 0)
		goto out;
	if ((rc = hzt_audit(st, who, "hazard_transfer.create", tid, out,
	    e)) < 0)
		goto out;
	rc = hzt_hazard(st, who, id, "transferred", cdue, NULL, "transfer",
	    note, "", e);
out:
	free(note);
	return rc;
}

int
hazard_transfer_list(struct store *st, struct actor *who, const char *status,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	static const char *const statuses[] = { "pending", "accepted",
	    "returned", "disputed", "completed", "released", NULL };
	static const char *const names[] = { "id", "hazard_id", "dept",
	    "town", "status", "due", "complete_due", "escalation", "version",
	    "hazard_no", "description", "unit_name", NULL };
	struct store_val	 args[8];
	struct hz_scope		 s;
	struct buf		 w;
	int			 n = 0, rc;

	if ((rc = reg_need(who, "hazard:read", e)) < 0)
		return rc;
	if (status != NULL && !reg_choice(statuses, status))
		return err_set(e, ERR_INVALID, "status", "unknown status");
	buf_init(&w);
	hz_scope_of(who, &s);
	buf_adds(&w, " WHERE 1 = 1");
	if (s.is_dept) {
		buf_adds(&w, " AND t.dept = ?");
		args[n++] = SV_S(s.dept);
		if (*s.dtown) {
			buf_adds(&w, " AND t.town = ?");
			args[n++] = SV_S(s.dtown);
		}
	} else if (s.rs.kind == RS_TOWN) {
		buf_adds(&w, " AND t.town = ?");
		args[n++] = SV_S(s.rs.town);
	} else if (s.rs.kind != RS_ALL)
		buf_adds(&w, " AND 1 = 0");
	if (status != NULL) {
		buf_adds(&w, " AND t.status = ?");
		args[n++] = SV_S(status);
	}
	rc = rec_page(st, "t.id, t.hazard_id, t.dept, t.town, t.status, "
	    "t.due, t.complete_due, t.escalation, t.version, h.no AS hazard_no, "
	    "h.description, u.name", "hazard_transfers t JOIN hazards h ON "
	    "h.id = t.hazard_id JOIN units u ON u.id = h.unit_id", w.data,
	    " ORDER BY t.due, t.id", args, n, offset, limit, names,
	    "iisssssnnsss", items, total, e);
	buf_free(&w);
	return rc;
}

int
hazard_transfer_accept(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "note", NULL };
	struct hzt	 t;
	char		*note = NULL;
	int		 rc;

	if ((rc = reg_need(who, "hazard:dept", e)) < 0 ||
	    (rc = hzt_load(st, who, id, expected, 1, &t, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(t.status, "pending") != 0)
		return err_set(e, ERR_POLICY, "status", "a %s transfer cannot "
		    "be accepted (HAZ-014)", t.status);
	if ((rc = rec_opt_text(in, "note", 1, HZ_NOTE_MAX, &note, e)) < 0)
		return rc;
	if ((rc = hzt_set(st, &t, "accepted", NULL, NULL, t.complete_due,
	    NULL, e)) < 0 ||
	    (rc = hz_step(st, who, t.hazard_id, "transfer_accept",
	    "transferred", "transferred", note, "", t.complete_due, e)) < 0)
		goto out;
	rc = hzt_audit(st, who, "hazard_transfer.accept", t.id, out, e);
out:
	free(note);
	return rc;
}

int
hazard_transfer_return(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "reason", NULL };
	struct hzt	 t;
	json_t		*v;
	char		*why = NULL, today[HZ_DATE_LEN + 1];
	char		 due[HZ_DATE_LEN + 1];
	int64_t		 n = 0;
	int		 rc;

	if ((rc = reg_need(who, "hazard:dept", e)) < 0 ||
	    (rc = hzt_load(st, who, id, expected, 1, &t, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(t.status, "pending") != 0)
		return err_set(e, ERR_POLICY, "status", "a %s transfer cannot "
		    "be returned (HAZ-015)", t.status);
	if ((v = json_object_get(in, "reason")) == NULL)
		return err_set(e, ERR_MISSING, "reason", "a return says why "
		    "(HAZ-015)");
	if ((rc = reg_text(v, "reason", HZ_REASON_MIN, HZ_NOTE_MAX, &why,
	    e)) < 0)
		return rc;
	rec_today(today);
	if ((rc = calendar_add_workdays(today, hazard_clock("decide_days"),
	    due, e)) < 0 ||
	    (rc = hzt_set(st, &t, "returned", "return_reason", why, due, NULL,
	    e)) < 0 || (rc = hzt_active(st, t.hazard_id, &n, e)) < 0)
		goto out;
	/* Back with the fire service, which disputes it or decides. */
	if (n == 0 && (rc = hzt_hazard(st, who, t.hazard_id, "found", due,
	    NULL, "transfer_return", why, "", e)) < 0)
		goto out;
	rc = hzt_audit(st, who, "hazard_transfer.return", t.id, out, e);
out:
	free(why);
	return rc;
}

int
hazard_transfer_complete(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "note", "photos", NULL };
	struct hzt	 t;
	json_t		*v;
	char		*note = NULL, *csv = NULL;
	int64_t		 photos[HZ_PHOTOS_MAX], n = 0;
	int		 rc, np;

	if ((rc = reg_need(who, "hazard:dept", e)) < 0 ||
	    (rc = hzt_load(st, who, id, expected, 1, &t, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(t.status, "accepted") != 0)
		return err_set(e, ERR_POLICY, "status", "a %s transfer cannot "
		    "be completed (HAZ-016)", t.status);
	if ((v = json_object_get(in, "note")) == NULL)
		return err_set(e, ERR_MISSING, "note", "say what was done");
	if ((rc = reg_text(v, "note", 2, HZ_NOTE_MAX, &note, e)) < 0 ||
	    (rc = rec_photos(in, "photos", photos, &np, &csv, e)) < 0)
		goto out;
	if ((rc = hzt_set(st, &t, "completed", "decision_note", note, NULL,
	    NULL, e)) < 0)
		goto out;
	if (np > 0 && (rc = files_attach(st, who, photos, np, "hazard",
	    t.hazard_id, "photo", e)) < 0) {
		snprintf(e->field, sizeof(e->field), "photos");
		goto out;
	}
	if ((rc = hzt_active(st, t.hazard_id, &n, e)) < 0)
		goto out;
	/* HAZ-016: the last department done closes the hazard. */
	if (n == 0)
		rc = hzt_hazard(st, who, t.hazard_id, "closed", NULL,
		    "transferred", "transfer_complete", note, csv, e);
	else
		rc = hz_step(st, who, t.hazard_id, "transfer_complete",
		    "transferred", "transferred", note, csv, NULL, e);
	if (rc < 0)
		goto out;
	rc = hzt_audit(st, who, "hazard_transfer.complete", t.id, out, e);
out:
	free(note);
	free(csv);
	return rc;
}

int
hazard_transfer_dispute(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "note", NULL };
	struct hzt	 t;
	json_t		*v;
	char		*note = NULL, today[HZ_DATE_LEN + 1];
	char		 due[HZ_DATE_LEN + 1];
	int		 rc;

	if ((rc = reg_need(who, "hazard:write", e)) < 0 ||
	    (rc = hzt_load(st, who, id, expected, 0, &t, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(t.status, "returned") != 0)
		return err_set(e, ERR_POLICY, "status", "only a returned "
		    "transfer can be disputed (HAZ-017)");
	if ((v = json_object_get(in, "note")) == NULL)
		return err_set(e, ERR_MISSING, "note", "say why the department "
		    "is responsible (HAZ-017)");
	if ((rc = reg_text(v, "note", HZ_REASON_MIN, HZ_NOTE_MAX, &note,
	    e)) < 0)
		return rc;
	rec_today(today);
	if ((rc = calendar_add_workdays(today,
	    hazard_clock("dispute_decide_days"), due, e)) < 0 ||
	    (rc = hzt_set(st, &t, "disputed", "dispute_note", note, due, NULL,
	    e)) < 0 ||
	    (rc = hzt_hazard(st, who, t.hazard_id, "transferred", due, NULL,
	    "transfer_dispute", note, "", e)) < 0)
		goto out;
	rc = hzt_audit(st, who, "hazard_transfer.dispute", t.id, out, e);
out:
	free(note);
	return rc;
}

int
hazard_transfer_decide(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "decision", "note",
	    "deadline_days", NULL };
	struct hzt	 t;
	json_t		*v;
	const char	*d;
	char		*note = NULL, today[HZ_DATE_LEN + 1];
	char		 due[HZ_DATE_LEN + 1];
	int64_t		 n = 0;
	int		 rc, days;

	if ((rc = reg_need(who, "hazard:decide", e)) < 0 ||
	    (rc = hzt_load(st, who, id, expected, 0, &t, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(t.status, "disputed") != 0)
		return err_set(e, ERR_POLICY, "status", "only a disputed "
		    "transfer is decided (HAZ-017)");
	v = json_object_get(in, "decision");
	if (v == NULL)
		return err_set(e, ERR_MISSING, "decision", "decision is "
		    "required");
	d = json_string_value(v);
	if (d == NULL || (strcmp(d, "upheld") != 0 &&
	    strcmp(d, "released") != 0))
		return err_set(e, ERR_INVALID, "decision", "decision must be "
		    "upheld (the department acts) or released (the fire "
		    "service keeps it)");
	if ((v = json_object_get(in, "note")) == NULL)
		return err_set(e, ERR_MISSING, "note", "a decision gives its "
		    "reasons");
	if ((rc = reg_text(v, "note", HZ_REASON_MIN, HZ_NOTE_MAX, &note,
	    e)) < 0)
		return rc;
	rec_today(today);
	if (strcmp(d, "upheld") == 0) {
		if ((rc = rec_days(in, "deadline_days", 10,
		    hazard_clock("max_deadline_days"), &days, e)) < 0 ||
		    (rc = calendar_add_workdays(today, days, due, e)) < 0)
			goto out;
		if ((rc = store_exec(st, "UPDATE hazard_transfers SET "
		    "decision = 'upheld', decision_note = ? WHERE id = ?",
		    STORE_ARGS(SV_S(note), SV_I(t.id)), NULL, e)) < 0 ||
		    (rc = hzt_set(st, &t, "accepted", NULL, NULL, due, due,
		    e)) < 0 ||
		    (rc = hzt_hazard(st, who, t.hazard_id, "transferred", due,
		    NULL, "transfer_upheld", note, "", e)) < 0)
			goto out;
	} else {
		if (json_object_get(in, "deadline_days") != NULL) {
			rc = err_set(e, ERR_INVALID, "deadline_days", "a "
			    "released transfer sets no deadline");
			goto out;
		}
		if ((rc = calendar_add_workdays(today,
		    hazard_clock("decide_days"), due, e)) < 0 ||
		    (rc = store_exec(st, "UPDATE hazard_transfers SET "
		    "decision = 'released', decision_note = ? WHERE id = ?",
		    STORE_ARGS(SV_S(note), SV_I(t.id)), NULL, e)) < 0 ||
		    (rc = hzt_set(st, &t, "released", NULL, NULL, NULL, NULL,
		    e)) < 0 || (rc = hzt_active(st, t.hazard_id, &n, e)) < 0)
			goto out;
		if (n == 0 && (rc = hzt_hazard(st, who, t.hazard_id, "found",
		    due, NULL, "transfer_released", note, "", e)) < 0)
			goto out;
	}
	rc = hzt_audit(st, who, "hazard_transfer.decide", t.id, out, e);
out:
	free(note);
	return rc;
}
