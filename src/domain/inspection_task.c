/*
 * Inspection tasks: one per unit a draw selected, with its inspectors and
 * due date; reassignment by hand with a reason (INS-029); and what the
 * public sees of plans and results (INS-030).  Checks are recorded
 * against tasks by inspection_check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "inspection.h"
#include "inspection_int.h"
#include "inspection_plan.h"
#include "rec.h"
#include "registry_int.h"

#define INS_TASK_COLS \
    "t.id, t.plan_id, t.unit_id, t.rank, t.draw_key, t.inspectors, " \
    "t.status, t.due_on, t.outcome, t.checked_on, t.reassigned, " \
    "t.reassign_reason, t.version, t.created_at, t.updated_at"

/* The task columns as its record (audit state). */
static json_t *
ins_task_row(struct store_rows *r)
{
	return json_pack("{s:o, s:o, s:o, s:i, s:s, s:o, s:s, s:s, s:o, s:o,"
	    " s:b, s:o, s:I, s:I, s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "plan_id", jx_id(store_int(r, 1)),
	    "unit_id", jx_id(store_int(r, 2)),
	    "rank", (int)store_int(r, 3),
	    "draw_key", store_text(r, 4),
	    "inspectors", ins_csv_json(store_text(r, 5)),
	    "status", store_text(r, 6),
	    "due_on", store_text(r, 7),
	    "outcome", store_isnull(r, 8) ? json_null() :
	    json_string(store_text(r, 8)),
	    "checked_on", store_isnull(r, 9) ? json_null() :
	    json_string(store_text(r, 9)),
	    "reassigned", (int)store_int(r, 10),
	    "reassign_reason", store_isnull(r, 11) ? json_null() :
	    json_string(store_text(r, 11)),
	    "version", (json_int_t)store_int(r, 12),
	    "created_at", (json_int_t)store_int(r, 13),
	    "updated_at", (json_int_t)store_int(r, 14));
}

/* A task read by its id; its record is also its view. */
static const struct rec_kind ins_task_kind = {
	.sql = "SELECT " INS_TASK_COLS " FROM inspection_tasks t WHERE "
	    "t.id = ?",
	.rec = ins_task_row,
	.view = ins_task_row,
	.type = "inspection_task",
	.missing = "no such task",
};

int
inspection_task_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return rec_fetch_text(st, &ins_task_kind, id, out, e);
}

int
ins_task_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, struct err *e)
{
	return rec_audit(st, &ins_task_kind, who, action, id, e);
}

int
ins_task_set_status(struct store *st, struct actor *who, int64_t id,
    const char *status, const char *action, struct err *e)
{
	int	rc;

	if ((rc = store_exec(st, "UPDATE inspection_tasks SET status = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ?",
	    STORE_ARGS(SV_S(status), SV_I(clock_now()), SV_I(id)), NULL,
	    e)) < 0)
		return rc;
	return ins_task_audit(st, who, action, id, e);
}

/* A task's view: its record plus the unit's name and town. */
static json_t *
ins_task_view(struct store_rows *r)
{
	json_t	*j = ins_task_row(r);

	json_object_set_new(j, "unit_name", json_string(store_text(r, 15)));
	json_object_set_new(j, "town", json_string(store_text(r, 16)));
	json_object_set_new(j, "plan_name", json_string(store_text(r, 17)));
	return j;
}

#define INS_TASK_VIEW_SQL \
    "SELECT " INS_TASK_COLS ", u.name, u.town_code, p.name FROM " \
    "inspection_tasks t JOIN units u ON u.id = t.unit_id JOIN " \
    "inspection_plans p ON p.id = t.plan_id "

/*
 * Add inspector_names {id: name} to each task of a page, in one query
 * (the ids come from the database, so they are inlined as numbers).
 */
static int
ins_task_names(struct store *st, json_t *tasks, struct err *e)
{
	struct store_rows	*r = NULL;
	struct buf		 sql;
	json_t			*t;
	size_t			 i;
	int			 rc;

	if (json_array_size(tasks) == 0)
		return 0;
	buf_init(&sql);
	buf_adds(&sql, "SELECT ti.task_id, i.id, i.name FROM "
	    "inspection_task_inspectors ti JOIN inspectors i ON i.id = "
	    "ti.inspector_id WHERE ti.task_id IN (");
	json_array_foreach(tasks, i, t) {
		json_object_set_new(t, "inspector_names", json_object());
		buf_printf(&sql, "%s%s", i ? ", " : "",
		    json_string_value(json_object_get(t, "id")));
	}
	buf_adds(&sql, ")");
	rc = store_query(st, sql.data, STORE_NOARGS, &r, e);
	buf_free(&sql);
	if (rc < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		char	tid[24], iid[24];

		snprintf(tid, sizeof(tid), "%lld", (long long)store_int(r, 0));
		snprintf(iid, sizeof(iid), "%lld", (long long)store_int(r, 1));
		json_array_foreach(tasks, i, t)
			if (strcmp(json_string_value(json_object_get(t, "id")),
			    tid) == 0)
				json_object_set_new(json_object_get(t,
				    "inspector_names"), iid,
				    json_string(store_text(r, 2)));
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int
inspection_task_list(struct store *st, struct actor *who,
    const struct inspection_task_query *q, json_t **items, int64_t *total,
    struct err *e)
{
	static const char *const states[] = { "assigned", "unassigned",
	    "done", "cancelled", NULL };
	struct reg_scope	 s;
	struct store_val	 args[8];
	struct store_rows	*r = NULL;
	struct buf		 w, sql;
	json_t			*a = NULL;
	int			 n = 0, rc;

	buf_init(&w);
	buf_init(&sql);
	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		goto out;
	if (q->limit < 1 || q->limit > INSPECTION_PAGE_MAX || q->offset < 0) {
		rc = err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d",
		    INSPECTION_PAGE_MAX);
		goto out;
	}
	reg_scope_of(who, &s);
	buf_adds(&w, "WHERE 1 = 1");
	if (q->mine) {
		/* Z-3: an inspector sees the tasks they are on. */
		buf_adds(&w, " AND t.id IN (SELECT ti.task_id FROM "
		    "inspection_task_inspectors ti JOIN inspectors i ON i.id = "
		    "ti.inspector_id WHERE i.user_id = ?)");
		args[n++] = SV_I(who->user_id);
	} else if (s.kind == RS_TOWN) {
		buf_adds(&w, " AND u.town_code = ?");
		args[n++] = SV_S(s.town);
	} else if (s.kind != RS_ALL)
		buf_adds(&w, " AND 1 = 0");
	if (q->plan_id > 0) {
		buf_adds(&w, " AND t.plan_id = ?");
		args[n++] = SV_I(q->plan_id);
	}
	if (q->status != NULL && *q->status != '\0') {
		if (!reg_choice(states, q->status)) {
			rc = err_set(e, ERR_INVALID, "status", "status must be "
			    "assigned, unassigned, done or cancelled");
			goto out;
		}
		buf_adds(&w, " AND t.status = ?");
		args[n++] = SV_S(q->status);
	}
	buf_printf(&sql, "SELECT COUNT(*) FROM inspection_tasks t JOIN units u "
	    "ON u.id = t.unit_id %s", w.data);
	if ((rc = store_query_int(st, sql.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, INS_TASK_VIEW_SQL "%s ORDER BY t.due_on, t.plan_id, "
	    "t.rank LIMIT ? OFFSET ?", w.data);
	args[n++] = SV_I(q->limit);
	args[n++] = SV_I(q->offset);
	if ((rc = store_query(st, sql.data, args, n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, ins_task_view(r));
	if (rc < 0)
		goto out;
	store_rows_free(r);
	r = NULL;
	if ((rc = ins_task_names(st, a, e)) < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	json_decref(a);
	store_rows_free(r);
	buf_free(&w);
	buf_free(&sql);
	return rc;
}

/* The task's view if who may see it: its plan, or being on it. */
static int
ins_task_load(struct store *st, struct actor *who, int64_t id, json_t **out,
    int64_t *plan_id, struct err *e)
{
	struct reg_scope	 s;
	struct store_rows	*r = NULL;
	json_t			*v = NULL;
	int64_t			 on = 0;
	int			 rc;

	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		return rc;
	if ((rc = store_query(st, INS_TASK_VIEW_SQL "WHERE t.id = ?",
	    STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		v = ins_task_view(r);
		*plan_id = store_int(r, 1);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (v == NULL)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such task");
	reg_scope_of(who, &s);
	if (s.kind == RS_ALL || (s.kind == RS_TOWN && strcmp(s.town,
	    json_string_value(json_object_get(v, "town"))) == 0)) {
		*out = v;
		return 0;
	}
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM "
	    "inspection_task_inspectors ti JOIN inspectors i ON i.id = "
	    "ti.inspector_id WHERE ti.task_id = ? AND i.user_id = ?",
	    STORE_ARGS(SV_I(id), SV_I(who->user_id)), &on, e)) < 0) {
		json_decref(v);
		return rc;
	}
	if (on == 0) {
		json_decref(v);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such task");
	}
	*out = v;
	return 0;
}

int
inspection_task_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*names;
	int64_t			 plan;
	int			 rc;

	if ((rc = ins_task_load(st, who, id, out, &plan, e)) < 0)
		return rc;
	/* The names of its inspectors, for the people who see the task. */
	if ((rc = store_query(st, "SELECT i.id, i.name FROM "
	    "inspection_task_inspectors ti JOIN inspectors i ON i.id = "
	    "ti.inspector_id WHERE ti.task_id = ?", STORE_ARGS(SV_I(id)), &r,
	    e)) < 0) {
		json_decref(*out);
		return rc;
	}
	names = json_object();
	while ((rc = store_next(r, e)) == 1) {
		char	k[24];

		snprintf(k, sizeof(k), "%lld", (long long)store_int(r, 0));
		json_object_set_new(names, k, json_string(store_text(r, 1)));
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(names);
		json_decref(*out);
		return rc;
	}
	json_object_set_new(*out, "inspector_names", names);
	return 0;
}

/*
 * INS-029: a manual assignment keeps the draw's rules — the team's
 * departments and counts, active inspectors covering the unit's town
 * with a certificate valid until the task is due, no conflict with the
 * unit, no more
 * than max_load tasks in the plan — and says why.
 */
int
inspection_task_reassign(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const open[] = { "drawn", "in_progress", NULL };
	struct ins_plan		*p = NULL;
	struct store_rows	*r = NULL;
	json_t			*task = NULL, *list, *x, *team = NULL, *t;
	char			*why = NULL, today[11], wrapped[16];
	const char		*k, *town;
	struct buf		 ids;
	int64_t			 plan_id = 0, iid[16], load, cnt, ver, unit;
	size_t			 i, j, n;
	int			 rc;

	buf_init(&ids);
	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		return rc;
	if ((rc = ins_task_load(st, who, id, &task, &plan_id, e)) < 0)
		return rc;
	if ((rc = ins_plan_target_state(st, who, plan_id, "inspection:write",
	    -1, open, &p, e)) < 0)
		goto out;
	ver = json_integer_value(json_object_get(task, "version"));
	if (ver != expected) {
		rc = err_set(e, ERR_STALE, "version", "the task was changed by "
		    "someone else (now version %lld)", (long long)ver);
		goto out;
	}
	k = json_string_value(json_object_get(task, "status"));
	if (strcmp(k, "assigned") != 0 && strcmp(k, "unassigned") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "a %s task cannot be "
		    "reassigned (INS-029)", k);
		goto out;
	}
	json_object_foreach((json_t *)(uintptr_t)in, k, x)
		if (strcmp(k, "inspectors") != 0 && strcmp(k, "reason") != 0) {
			rc = err_set(e, ERR_UNKNOWN_FIELD, k, "unknown field "
			    "%s", k);
			goto out;
		}
	if ((x = json_object_get(in, "reason")) == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "a manual assignment "
		    "says why (INS-029)");
		goto out;
	}
	if ((rc = reg_text(x, "reason", INSPECTION_REASON_MIN,
	    INSPECTION_REASON_MAX, &why, e)) < 0)
		goto out;
	list = json_object_get(in, "inspectors");
	if (list == NULL) {
		rc = err_set(e, ERR_MISSING, "inspectors", "inspectors is "
		    "required");
		goto out;
	}
	if (!json_is_array(list) || json_array_size(list) < 1 ||
	    json_array_size(list) > 16) {
		rc = err_set(e, ERR_INVALID, "inspectors", "inspectors must be "
		    "a list of 1 to 16 inspector ids");
		goto out;
	}
	n = json_array_size(list);
	json_array_foreach(list, i, x) {
		if ((rc = reg_json_id(x, "inspectors", &iid[i], e)) < 0)
			goto out;
		for (j = 0; j < i; j++)
			if (iid[j] == iid[i]) {
				rc = err_set(e, ERR_INVALID, "inspectors",
				    "inspector %lld is named twice",
				    (long long)iid[i]);
				goto out;
			}
	}
	unit = strtoll(json_string_value(json_object_get(task, "unit_id")),
	    NULL, 10);
	/* The team: each department exactly its count. */
	team = json_loads(p->team, 0, NULL);
	town = json_string_value(json_object_get(task, "town"));
	snprintf(wrapped, sizeof(wrapped), ",%s,", town);
	/* INS-026: valid until the check is due, as for the draw. */
	snprintf(today, sizeof(today), "%s", json_string_value(
	    json_object_get(task, "due_on")));
	json_array_foreach(team, j, t) {
		const char	*dep = json_string_value(json_object_get(t,
		    "department"));
		int64_t		 want = json_integer_value(json_object_get(t,
		    "count")), have = 0;

		for (i = 0; i < n; i++) {
			char	*areas;
			int	 ok;

			if ((rc = store_query(st, "SELECT department, areas, "
			    "cert_valid_until, status FROM inspectors WHERE "
			    "id = ?", STORE_ARGS(SV_I(iid[i])), &r, e)) < 0)
				goto out;
			if ((rc = store_next(r, e)) != 1) {
				store_rows_free(r);
				r = NULL;
				rc = rc < 0 ? rc : err_set(e, ERR_INVALID,
				    "inspectors", "no inspector %lld",
				    (long long)iid[i]);
				goto out;
			}
			if (strcmp(store_text(r, 0), dep) != 0) {
				store_rows_free(r);
				r = NULL;
				continue;
			}
			areas = xasprintf(",%s,", store_text(r, 1));
			ok = strstr(areas, wrapped) != NULL &&
			    strcmp(store_text(r, 2), today) >= 0 &&
			    strcmp(store_text(r, 3), "active") == 0;
			free(areas);
			store_rows_free(r);
			r = NULL;
			if (!ok) {
				rc = err_set(e, ERR_POLICY, "inspectors",
				    "inspector %lld is not active, does not "
				    "cover town %s, or holds no valid "
				    "certificate (INS-029)", (long long)iid[i],
				    town);
				goto out;
			}
			have++;
		}
		if (have != want) {
			rc = err_set(e, ERR_POLICY, "inspectors", "the team "
			    "needs %lld from %s, the list has %lld (INS-029)",
			    (long long)want, dep, (long long)have);
			goto out;
		}
	}
	for (i = 0, cnt = 0; i < json_array_size(team); i++)
		cnt += json_integer_value(json_object_get(json_array_get(team,
		    i), "count"));
	if ((int64_t)n != cnt) {
		rc = err_set(e, ERR_POLICY, "inspectors", "the team has %lld "
		    "inspectors, the list %zu (INS-029)", (long long)cnt, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* No declared relationship, not the unit's last inspector. */
		if ((rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "inspection_roster_conflicts WHERE plan_id = ? AND "
		    "inspector_id = ? AND unit_id = ?", STORE_ARGS(
		    SV_I(plan_id), SV_I(iid[i]), SV_I(unit)), &cnt, e)) < 0)
			goto out;
		if (cnt == 0 && (rc = store_query_int(st, "SELECT COUNT(*) "
		    "FROM inspector_conflicts WHERE inspector_id = ? AND "
		    "unit_id = ? AND status = 'active'", STORE_ARGS(
		    SV_I(iid[i]), SV_I(unit)), &cnt, e)) < 0)
			goto out;
		if (cnt > 0) {
			rc = err_set(e, ERR_POLICY, "inspectors", "inspector "
			    "%lld must not inspect this unit (回避, INS-025)",
			    (long long)iid[i]);
			goto out;
		}
		if ((rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "inspection_task_inspectors ti JOIN inspection_tasks t ON "
		    "t.id = ti.task_id WHERE t.plan_id = ? AND "
		    "ti.inspector_id = ? AND t.id <> ? AND t.status <> "
		    "'cancelled'", STORE_ARGS(SV_I(plan_id), SV_I(iid[i]),
		    SV_I(id)), &load, e)) < 0)
			goto out;
		if (load >= p->max_load) {
			rc = err_set(e, ERR_POLICY, "inspectors", "inspector "
			    "%lld already has %lld tasks in this plan "
			    "(max_load, INS-029)", (long long)iid[i],
			    (long long)load);
			goto out;
		}
		buf_printf(&ids, "%s%lld", i ? "," : "", (long long)iid[i]);
	}
	if ((rc = store_exec(st, "DELETE FROM inspection_task_inspectors "
	    "WHERE task_id = ?", STORE_ARGS(SV_I(id)), NULL, e)) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = store_exec(st, "INSERT INTO "
		    "inspection_task_inspectors (task_id, inspector_id) VALUES "
		    "(?, ?)", STORE_ARGS(SV_I(id), SV_I(iid[i])), NULL, e)) < 0)
			goto out;
	if ((rc = store_exec(st, "UPDATE inspection_tasks SET inspectors = ?, "
	    "status = 'assigned', reassigned = 1, reassign_reason = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ?",
	    STORE_ARGS(SV_S(ids.data), SV_S(why), SV_I(clock_now()),
	    SV_I(id)), NULL, e)) < 0)
		goto out;
	json_decref(task);
	task = NULL;
	if ((rc = ins_task_audit(st, who, "inspection_task.reassign", id,
	    e)) < 0)
		goto out;
	rc = ins_task_load(st, who, id, out, &plan_id, e);
out:
	store_rows_free(r);
	json_decref(team);
	json_decref(task);
	free(why);
	buf_free(&ids);
	ins_plan_free(p);
	return rc;
}

/* Publication (INS-030). */

/* What the public sees of a plan: no people, no internal ids of users. */
static json_t *
ins_plan_public(const struct ins_plan *p)
{
	json_t	*j = ins_plan_json(p);

	json_object_del(j, "created_by");
	json_object_del(j, "approved_by");
	json_object_del(j, "version");
	return j;
}

int
inspection_public_plans(struct store *st, int64_t offset, int64_t limit,
    json_t **items, int64_t *total, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a;
	int64_t			 ids[INSPECTION_PAGE_MAX];
	int			 n = 0, i, rc;

	if (limit < 1 || limit > INSPECTION_PAGE_MAX || offset < 0)
		return err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d",
		    INSPECTION_PAGE_MAX);
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM inspection_plans "
	    "WHERE status IN ('committed', 'drawn', 'in_progress', 'closed', "
	    "'cancelled') AND committed_at IS NOT NULL", STORE_NOARGS, total,
	    e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT id FROM inspection_plans WHERE "
	    "status IN ('committed', 'drawn', 'in_progress', 'closed', "
	    "'cancelled') AND committed_at IS NOT NULL ORDER BY committed_at "
	    "DESC, id DESC LIMIT ? OFFSET ?", STORE_ARGS(SV_I(limit),
	    SV_I(offset)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1)
		ids[n++] = store_int(r, 0);
	store_rows_free(r);
	if (rc < 0)
		return rc;
	a = json_array();
	for (i = 0; i < n; i++) {
		struct ins_plan	*p = NULL;

		if ((rc = ins_plan_fetch(st, ids[i], &p, e)) < 0) {
			json_decref(a);
			return rc;
		}
		json_array_append_new(a, ins_plan_public(p));
		ins_plan_free(p);
	}
	*items = a;
	return 0;
}

int
inspection_public_plan(struct store *st, int64_t id, json_t **out,
    struct err *e)
{
	struct ins_plan	*p = NULL;
	int		 rc;

	if ((rc = ins_plan_fetch(st, id, &p, e)) < 0)
		return rc;
	if (p->committed_at == 0) {
		ins_plan_free(p);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such plan");
	}
	*out = ins_plan_public(p);
	ins_plan_free(p);
	return 0;
}

int
inspection_public_results(struct store *st, int64_t plan_id, int64_t offset,
    int64_t limit, json_t **items, int64_t *total, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a;
	int64_t			 committed = 0;
	int			 rc;

	if (limit < 1 || limit > INSPECTION_PAGE_MAX || offset < 0)
		return err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d",
		    INSPECTION_PAGE_MAX);
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM inspection_plans "
	    "WHERE id = ? AND drawn_at IS NOT NULL", STORE_ARGS(SV_I(plan_id)),
	    &committed, e)) < 0)
		return rc;
	if (committed == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no drawn plan %lld",
		    (long long)plan_id);
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM inspection_tasks "
	    "WHERE plan_id = ?", STORE_ARGS(SV_I(plan_id)), total, e)) < 0)
		return rc;
	/* Unit names are public in results; people and inspectors are not. */
	if ((rc = store_query(st, "SELECT t.rank, t.unit_id, u.name, "
	    "u.town_code, t.status, t.outcome, t.checked_on, t.reassigned, "
	    "t.reassign_reason, t.draw_key FROM inspection_tasks t JOIN units "
	    "u ON u.id = t.unit_id WHERE t.plan_id = ? ORDER BY t.rank "
	    "LIMIT ? OFFSET ?", STORE_ARGS(SV_I(plan_id), SV_I(limit),
	    SV_I(offset)), &r, e)) < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, json_pack("{s:i, s:o, s:s, s:s, s:s,"
		    " s:o, s:o, s:b, s:o, s:s}",
		    "rank", (int)store_int(r, 0),
		    "unit_id", jx_id(store_int(r, 1)),
		    "unit_name", store_text(r, 2),
		    "town", store_text(r, 3),
		    "status", store_text(r, 4),
		    "outcome", store_isnull(r, 5) ? json_null() :
		    json_string(store_text(r, 5)),
		    "checked_on", store_isnull(r, 6) ? json_null() :
		    json_string(store_text(r, 6)),
		    "manual", (int)store_int(r, 7),
		    "manual_reason", store_isnull(r, 8) ? json_null() :
		    json_string(store_text(r, 8)),
		    "draw_key", store_text(r, 9)));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*items = a;
	return 0;
}
