/*
 * Checks (INS-032..036): an inspector on a task goes through the item
 * list on a phone — pass, fail or not applicable, notes and photos for
 * what fails, a minor failure corrected on the spot — both inspectors
 * sign, the phone's position is kept when it gives one, and the check
 * closes as compliant, ordered to correct (a hazard with a deadline in
 * working days for each failure not corrected on the spot) or referred
 * for a case.  The hazards go to the `hazards` table the hazard module
 * takes over.
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
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "calendar.h"
#include "files.h"
#include "inspection.h"
#include "inspection_int.h"
#include "inspection_plan.h"
#include "registry_int.h"
#include "risk.h"
#include "notice.h"
#include "geo.h"
#include "hazard.h"

#define INS_PHOTOS_MAX		9
#define INS_NOTE_MAX		500
#define INS_SUMMARY_MAX		2000
#define INS_ITEMS_MAX		200

struct ins_item {
	int64_t	 id;
	char	*code, *name, *legal_basis;
	char	 department[16];
	/* The result given for it. */
	int	 given;
	char	 result[8];
	char	*note;
	int	 on_spot;
	int	 deadline_days;
	int64_t	 photos[INS_PHOTOS_MAX];
	int	 nphotos;
};

static void
ins_items_free(struct ins_item *it, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		free(it[i].code);
		free(it[i].name);
		free(it[i].legal_basis);
		free(it[i].note);
	}
	free(it);
}

/* The active items that apply to a unit of these categories. */
static int
ins_items_for(struct store *st, int categories, struct ins_item **out,
    int *n, struct err *e)
{
	struct store_rows	*r = NULL;
	struct ins_item		*it;
	int			 k = 0, rc;

	it = xcalloc(INS_ITEMS_MAX, sizeof(*it));
	if ((rc = store_query(st, "SELECT id, code, name, legal_basis, "
	    "categories, department FROM inspection_items WHERE status = 'active' ORDER BY "
	    "code", STORE_NOARGS, &r, e)) < 0) {
		free(it);
		return rc;
	}
	while ((rc = store_next(r, e)) == 1 && k < INS_ITEMS_MAX) {
		int	c = (int)store_int(r, 4);

		if (c != 0 && (c & categories) == 0)
			continue;
		it[k].id = store_int(r, 0);
		it[k].code = xstrdup(store_text(r, 1));
		it[k].name = xstrdup(store_text(r, 2));
		it[k].legal_basis = xstrdup(store_text(r, 3));
		snprintf(it[k].department, sizeof(it[k].department), "%s",
		    store_text(r, 5));
		k++;
	}
	store_rows_free(r);
	if (rc < 0) {
		ins_items_free(it, k);
		return rc;
	}
	*out = it;
	*n = k;
	return 0;
}

/* The task, its plan and unit, and whether who is one of its inspectors. */
struct ins_ctx {
	int64_t	 task_id, plan_id, unit_id, version;
	char	 status[16];
	char	 plan_status[16];
	int	 categories;
	int64_t	 my_inspector;		/* who's directory entry on the task */
	int64_t	 inspectors[16];
	int	 ninspectors;
};

static int
ins_ctx_load(struct store *st, struct actor *who, int64_t task_id,
    struct ins_ctx *c, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	memset(c, 0, sizeof(*c));
	if ((rc = store_query(st, "SELECT t.id, t.plan_id, t.unit_id, "
	    "t.version, t.status, p.status, u.categories, t.inspectors FROM "
	    "inspection_tasks "
	    "t JOIN inspection_plans p ON p.id = t.plan_id JOIN units u ON "
	    "u.id = t.unit_id WHERE t.id = ?", STORE_ARGS(SV_I(task_id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		c->task_id = store_int(r, 0);
		c->plan_id = store_int(r, 1);
		c->unit_id = store_int(r, 2);
		c->version = store_int(r, 3);
		snprintf(c->status, sizeof(c->status), "%s", store_text(r, 4));
		snprintf(c->plan_status, sizeof(c->plan_status), "%s",
		    store_text(r, 5));
		c->categories = (int)store_int(r, 6);
		/* The task's inspectors in team order, as the draw gave them. */
		{
			const char	*s = store_text(r, 7);

			while (*s != '\0' && c->ninspectors < 16) {
				c->inspectors[c->ninspectors++] =
				    strtoll(s, NULL, 10);
				s += strcspn(s, ",");
				if (*s == ',')
					s++;
			}
		}
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such task");
	if ((rc = store_query(st, "SELECT ti.inspector_id, i.user_id FROM "
	    "inspection_task_inspectors ti JOIN inspectors i ON i.id = "
	    "ti.inspector_id WHERE ti.task_id = ? ORDER BY ti.inspector_id",
	    STORE_ARGS(SV_I(task_id)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1)
		if (who->user_id > 0 && !store_isnull(r, 1) &&
		    store_int(r, 1) == who->user_id)
			c->my_inspector = store_int(r, 0);
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int
inspection_task_checklist(struct store *st, struct actor *who,
    int64_t task_id, json_t **out, struct err *e)
{
	struct ins_item	*it = NULL;
	json_t		*task = NULL, *a;
	int		 n = 0, i, rc;
	struct ins_ctx	 c;

	if ((rc = inspection_task_get(st, who, task_id, &task, e)) < 0)
		return rc;
	if ((rc = ins_ctx_load(st, who, task_id, &c, e)) < 0)
		goto out;
	if ((rc = ins_items_for(st, c.categories, &it, &n, e)) < 0)
		goto out;
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:s, s:s, s:s}",
		    "id", jx_id(it[i].id), "code", it[i].code,
		    "name", it[i].name, "legal_basis", it[i].legal_basis));
	json_object_set_new(task, "items", a);
	json_object_set_new(task, "can_check", json_boolean(
	    c.my_inspector != 0 && actor_can(who, "inspection:check") &&
	    strcmp(c.status, "assigned") == 0));
	*out = task;
	task = NULL;
	rc = 0;
out:
	json_decref(task);
	ins_items_free(it, n);
	return rc;
}

/* A list of file ids (strings of digits), at most max. */
static int
ins_file_ids(const json_t *v, const char *path, int64_t *ids, int max,
    int *n, struct err *e)
{
	json_t	*x;
	size_t	 i;

	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || (int)json_array_size(v) > max)
		return err_set(e, ERR_INVALID, path, "%s must be a list of at "
		    "most %d file ids", path, max);
	json_array_foreach(v, i, x)
		if (reg_json_id(x, path, &ids[(*n)++], e) < 0)
			return e->code;
	return 0;
}

/* Check one result against its item (INS-033). */
static int
ins_result(const json_t *r, size_t k, struct ins_item *it, int nit,
    struct err *e)
{
	static const char *const keys[] = { "item", "result", "note",
	    "photos", "on_spot", "deadline_days", NULL };
	static const char *const results[] = { "pass", "fail", "na", NULL };
	struct ins_item	*x = NULL;
	const char	*key;
	json_t		*v;
	char		 path[48];
	int64_t		 id;
	int		 i, rc;

	if (!json_is_object(r))
		return err_set(e, ERR_TYPE, "results", "results[%zu] must be "
		    "an object", k);
	json_object_foreach((json_t *)(uintptr_t)r, key, v)
		if (!reg_choice(keys, key)) {
			snprintf(path, sizeof(path), "results[%zu].%s", k, key);
			return err_set(e, ERR_UNKNOWN_FIELD, path, "unknown "
			    "field %s", path);
		}
	snprintf(path, sizeof(path), "results[%zu].item", k);
	if ((v = json_object_get(r, "item")) == NULL)
		return err_set(e, ERR_MISSING, path, "%s is required", path);
	if ((rc = reg_json_id(v, path, &id, e)) < 0)
		return rc;
	for (i = 0; i < nit; i++)
		if (it[i].id == id)
			x = &it[i];
	if (x == NULL)
		return err_set(e, ERR_INVALID, path, "%s is not an item of this "
		    "unit's checklist", path);
	if (x->given)
		return err_set(e, ERR_INVALID, path, "item %s is answered "
		    "twice", x->code);
	x->given = 1;
	snprintf(path, sizeof(path), "results[%zu].result", k);
	v = json_object_get(r, "result");
	if (!json_is_string(v) || !reg_choice(results, json_string_value(v)))
		return err_set(e, v ? ERR_INVALID : ERR_MISSING, path, "%s must "
		    "be pass, fail or na", path);
	snprintf(x->result, sizeof(x->result), "%s", json_string_value(v));
	if ((v = json_object_get(r, "note")) != NULL && !json_is_null(v)) {
		snprintf(path, sizeof(path), "results[%zu].note", k);
		if ((rc = reg_text(v, path, 1, INS_NOTE_MAX, &x->note, e)) < 0)
			return rc;
	}
	snprintf(path, sizeof(path), "results[%zu].photos", k);
	if ((rc = ins_file_ids(json_object_get(r, "photos"), path, x->photos,
	    INS_PHOTOS_MAX, &x->nphotos, e)) < 0)
		return rc;
	if ((v = json_object_get(r, "on_spot")) != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return err_set(e, ERR_TYPE, "results", "results[%zu]."
			    "on_spot must be true or false", k);
		x->on_spot = json_is_true(v);
	}
	if ((v = json_object_get(r, "deadline_days")) != NULL &&
	    !json_is_null(v)) {
		snprintf(path, sizeof(path), "results[%zu].deadline_days", k);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 60)
			return err_set(e, ERR_RANGE, path, "%s must be 1 to 60 "
			    "working days", path);
		x->deadline_days = (int)json_integer_value(v);
	}
	if (strcmp(x->result, "fail") == 0) {
		/* A failure says what was found, and when it is due. */
		if (x->note == NULL) {
			snprintf(path, sizeof(path), "results[%zu].note", k);
			return err_set(e, ERR_MISSING, path, "a failed item "
			    "says what was found (INS-033)");
		}
		if (!x->on_spot && x->deadline_days == 0) {
			snprintf(path, sizeof(path), "results[%zu]."
			    "deadline_days", k);
			return err_set(e, ERR_MISSING, path, "a failure not "
			    "corrected on the spot needs a deadline in working "
			    "days (INS-035)");
		}
	} else if (x->on_spot || x->deadline_days != 0)
		return err_set(e, ERR_INVALID, "results", "results[%zu]: only "
		    "a failed item is corrected on the spot or given a "
		    "deadline", k);
	return 0;
}

static json_t *
ins_check_row(struct store_rows *r)
{
	json_t	*j;

	j = json_pack("{s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:s, s:s, s:I, s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "task_id", jx_id(store_int(r, 1)),
	    "unit_id", jx_id(store_int(r, 2)),
	    "results", json_loads(store_text(r, 3), 0, NULL),
	    "outcome", store_text(r, 4),
	    "summary", store_isnull(r, 5) ? json_null() :
	    json_string(store_text(r, 5)),
	    "signatures", json_loads(store_text(r, 6), 0, NULL),
	    "checked_on", store_text(r, 11),
	    "submitted_by", store_text(r, 12),
	    "submitted_at", (json_int_t)store_int(r, 13),
	    "version", (json_int_t)store_int(r, 14));
	if (!store_isnull(r, 7))
		json_object_set_new(j, "location", json_pack("{s:f, s:f, s:o,"
		    " s:o}", "lat", (double)store_int(r, 7) / 1e6,
		    "lng", (double)store_int(r, 8) / 1e6,
		    "accuracy_m", store_isnull(r, 9) ? json_null() :
		    json_integer(store_int(r, 9)),
		    "at", store_isnull(r, 10) ? json_null() :
		    json_integer(store_int(r, 10))));
	else
		json_object_set_new(j, "location", json_null());
	return j;
}

#define INS_CHECK_COLS \
    "id, task_id, unit_id, results, outcome, summary, signatures, lat_e6, " \
    "lng_e6, accuracy_m, located_at, checked_on, submitted_by, " \
    "submitted_at, version"

static int
ins_check_fetch(struct store *st, const char *col, int64_t v, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	char			 sql[512];
	int			 rc;

	snprintf(sql, sizeof(sql), "SELECT " INS_CHECK_COLS " FROM "
	    "inspection_checks WHERE %s = ?", col);
	if ((rc = store_query(st, sql, STORE_ARGS(SV_I(v)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = ins_check_row(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such check");
	return rc < 0 ? rc : 0;
}

int
inspection_check_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	int64_t	cid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &cid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such check");
	return ins_check_fetch(st, "id", cid, out, e);
}

/* The check's entry, stating its stored record. */
static int
ins_audit_check(struct store *st, struct actor *who, int64_t cid,
    struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = ins_check_fetch(st, "id", cid, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, "inspection_check.submit",
	    "inspection_check", cid, rec, e);
	json_decref(rec);
	return rc;
}

int
inspection_check_submit(struct store *st, struct actor *who, int64_t task_id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const keys[] = { "results", "signatures",
	    "outcome", "summary", "location", NULL };
	static const char *const outcomes[] = { "compliant", "ordered",
	    "referred", NULL };
	struct ins_ctx	 c;
	struct ins_item	*it = NULL;
	struct hazard_new hn;
	json_t		*v, *x, *results = NULL, *sigs = NULL;
	const char	*k, *outcome;
	char		*summary = NULL, *rtext = NULL, *stext = NULL;
	char		 today[11], due[CALENDAR_DATE_LEN + 1], by[24];
	int64_t		 sig_file[16], cid, hid, lat = 0, lng = 0, acc = -1;
	int64_t		 at = 0, now = clock_now();
	size_t		 i;
	int		 nit = 0, j, open = 0, has_loc = 0, rc;

	if ((rc = reg_need(who, "inspection:check", e)) < 0)
		return rc;
	if ((rc = ins_ctx_load(st, who, task_id, &c, e)) < 0)
		return rc;
	/* INS-032: an inspector on the task, while the plan runs. */
	if (c.my_inspector == 0) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "only an inspector "
		    "assigned to this task records its check (INS-032)");
		goto out;
	}
	if (c.version != expected) {
		rc = err_set(e, ERR_STALE, "version", "the task was changed by "
		    "someone else (now version %lld)", (long long)c.version);
		goto out;
	}
	if (strcmp(c.status, "assigned") != 0 ||
	    (strcmp(c.plan_status, "drawn") != 0 &&
	    strcmp(c.plan_status, "in_progress") != 0)) {
		rc = err_set(e, ERR_POLICY, "status", "a %s task of a %s plan "
		    "takes no check (INS-032)", c.status, c.plan_status);
		goto out;
	}
	json_object_foreach((json_t *)(uintptr_t)in, k, v)
		if (!reg_choice(keys, k)) {
			rc = err_set(e, ERR_UNKNOWN_FIELD, k, "unknown field "
			    "%s", k);
			goto out;
		}
	if ((rc = ins_items_for(st, c.categories, &it, &nit, e)) < 0)
		goto out;
	/* INS-033: one result for every item of the unit's checklist. */
	v = json_object_get(in, "results");
	if (!json_is_array(v)) {
		rc = err_set(e, v ? ERR_TYPE : ERR_MISSING, "results",
		    "results must be a list, one per checklist item");
		goto out;
	}
	json_array_foreach(v, i, x)
		if ((rc = ins_result(x, i, it, nit, e)) < 0)
			goto out;
	for (j = 0; j < nit; j++)
		if (!it[j].given) {
			rc = err_set(e, ERR_MISSING, "results", "item %s (%s) "
			    "has no result (INS-033)", it[j].code, it[j].name);
			goto out;
		}
	/* INS-034: every inspector on the task signs. */
	v = json_object_get(in, "signatures");
	if (!json_is_array(v)) {
		rc = err_set(e, v ? ERR_TYPE : ERR_MISSING, "signatures",
		    "signatures must be a list of {inspector, file}");
		goto out;
	}
	if ((int)json_array_size(v) != c.ninspectors) {
		rc = err_set(e, ERR_POLICY, "signatures", "all %d inspectors "
		    "of the task sign (INS-034)", c.ninspectors);
		goto out;
	}
	for (j = 0; j < c.ninspectors; j++)
		sig_file[j] = 0;
	json_array_foreach(v, i, x) {
		int64_t	insp, file;

		if (!json_is_object(x) || json_object_size(x) != 2 ||
		    reg_json_id(json_object_get(x, "inspector"), "signatures",
		    &insp, e) < 0 || reg_json_id(json_object_get(x, "file"),
		    "signatures", &file, e) < 0) {
			rc = err_set(e, ERR_INVALID, "signatures",
			    "signatures[%zu] must be {\"inspector\": id, "
			    "\"file\": id}", i);
			goto out;
		}
		for (j = 0; j < c.ninspectors; j++)
			if (c.inspectors[j] == insp)
				break;
		if (j == c.ninspectors || sig_file[j] != 0) {
			rc = err_set(e, ERR_POLICY, "signatures", "signatures"
			    "[%zu]: inspector %lld is not on the task or signs "
			    "twice (INS-034)", i, (long long)insp);
			goto out;
		}
		sig_file[j] = file;
	}
	/* INS-035: the outcome agrees with the results. */
	for (j = 0; j < nit; j++)
		open += strcmp(it[j].result, "fail") == 0 && !it[j].on_spot;
	v = json_object_get(in, "outcome");
	if (!json_is_string(v) || !reg_choice(outcomes, json_string_value(v))) {
		rc = err_set(e, v ? ERR_INVALID : ERR_MISSING, "outcome",
		    "outcome must be compliant, ordered or referred");
		goto out;
	}
	outcome = json_string_value(v);
	if ((strcmp(outcome, "compliant") == 0) != (open == 0)) {
		rc = err_set(e, ERR_POLICY, "outcome", open ? "%d failed items "
		    "were not corrected on the spot: the outcome is ordered or "
		    "referred (INS-035)" : "nothing is left to correct: the "
		    "outcome is compliant (INS-035)", open);
		goto out;
	}
	if ((v = json_object_get(in, "summary")) != NULL && !json_is_null(v) &&
	    (rc = reg_text(v, "summary", 1, INS_SUMMARY_MAX, &summary, e)) < 0)
		goto out;
	if ((rc = geo_position(json_object_get(in, "location"), &lat, &lng,
	    &acc, &at, &has_loc, e)) < 0)
		goto out;
	/* The record: results with the item codes, as checked. */
	results = json_array();
	for (j = 0; j < nit; j++) {
		json_t	*pj = json_array();
		int	 q;

		for (q = 0; q < it[j].nphotos; q++)
			json_array_append_new(pj, jx_id(it[j].photos[q]));
		json_array_append_new(results, json_pack("{s:o, s:s, s:s, s:o,"
		    " s:o, s:b, s:o}", "item", jx_id(it[j].id),
		    "code", it[j].code, "result", it[j].result,
		    "note", it[j].note ? json_string(it[j].note) : json_null(),
		    "photos", pj, "on_spot", it[j].on_spot,
		    "deadline_days", it[j].deadline_days ?
		    json_integer(it[j].deadline_days) : json_null()));
	}
	sigs = json_array();
	for (j = 0; j < c.ninspectors; j++)
		json_array_append_new(sigs, json_pack("{s:o, s:o}",
		    "inspector", jx_id(c.inspectors[j]),
		    "file", jx_id(sig_file[j])));
	rtext = jx_dump(results);
	stext = jx_dump(sigs);
	ins_today(today);
	reg_actor_name(who, by);
	cid = id_next();
	if ((rc = store_exec(st, "INSERT INTO inspection_checks (id, task_id, "
	    "unit_id, results, outcome, summary, signatures, lat_e6, lng_e6, "
	    "accuracy_m, located_at, checked_on, submitted_by, submitted_at, "
	    "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
	    STORE_ARGS(SV_I(cid), SV_I(task_id), SV_I(c.unit_id), SV_S(rtext),
	    SV_S(outcome), SV_S(summary), SV_S(stext),
	    has_loc ? SV_I(lat) : SV_N, has_loc ? SV_I(lng) : SV_N,
	    has_loc && acc >= 0 ? SV_I(acc) : SV_N,
	    has_loc && at ? SV_I(at) : SV_N, SV_S(today), SV_S(by),
	    SV_I(now)), NULL, e)) < 0)
		goto out;
	/* Photos and signatures become the check's evidence (I-5). */
	for (j = 0; j < nit; j++)
		if (it[j].nphotos > 0 && (rc = files_attach(st, who,
		    it[j].photos, it[j].nphotos, "inspection_check", cid,
		    "photo", e)) < 0) {
			snprintf(e->field, sizeof(e->field), "results");
			goto out;
		}
	if ((rc = files_attach(st, who, sig_file, c.ninspectors,
	    "inspection_check", cid, "signature", e)) < 0) {
		snprintf(e->field, sizeof(e->field), "signatures");
		goto out;
	}
	if ((rc = ins_audit_check(st, who, cid, e)) < 0)
		goto out;
	/* INS-036: a hazard for each failure not corrected on the spot. */
	for (j = 0; j < nit; j++) {
		char	*desc;

		if (strcmp(it[j].result, "fail") != 0 || it[j].on_spot)
			continue;
		desc = xasprintf("%s：%s", it[j].name, it[j].note);
		memset(&hn, 0, sizeof(hn));
		hn.unit_id = c.unit_id;
		hn.source = "inspection";
		hn.source_id = cid;
		hn.item_code = it[j].code;
		hn.description = desc;
		hn.legal_basis = it[j].legal_basis;
		hn.photos = it[j].photos;
		hn.nphotos = it[j].nphotos;
		hn.deadline_days = it[j].deadline_days;
		/* A department the catalogue does not know stays with
		 * the fire service, which may transfer it. */
		hn.dept = hazard_dept_known(it[j].department) ?
		    it[j].department : NULL;
		rc = hazard_create(st, who, &hn, &hid, e);
		free(desc);
		if (rc < 0)
			goto out;
	}
	/* NOT-001: the unit learns the outcome and its deadlines. */
	{
		struct buf	nb;
		const char	*what = strcmp(outcome, "compliant") == 0 ?
		    "合格" : strcmp(outcome, "ordered") == 0 ? "责令改正" :
		    "移送立案";

		buf_init(&nb);
		buf_printf(&nb, "%s 的消防监督检查结论：%s。", today, what);
		for (j = 0; j < nit; j++)
			if (strcmp(it[j].result, "fail") == 0 && !it[j].on_spot &&
			    calendar_add_workdays(today, it[j].deadline_days,
			    due, e) == 0)
				buf_printf(&nb, "\n%s：%s，请于 %s 前整改。",
				    it[j].name, it[j].note, due);
		rc = notice_unit(st, who, c.unit_id, "inspection.result",
		    "消防检查结果通知", nb.data, "inspection_check", cid, e);
		buf_free(&nb);
		if (rc < 0)
			goto out;
	}
	if ((rc = store_exec(st, "UPDATE inspection_tasks SET status = 'done', "
	    "outcome = ?, checked_on = ?, version = version + 1, updated_at = ? "
	    "WHERE id = ?", STORE_ARGS(SV_S(outcome), SV_S(today), SV_I(now),
	    SV_I(task_id)), NULL, e)) < 0)
		goto out;
	if ((rc = ins_task_audit(st, who, "inspection_task.check", task_id,
	    e)) < 0)
		goto out;
	if (strcmp(c.plan_status, "drawn") == 0) {
		if ((rc = store_exec(st, "UPDATE inspection_plans SET status = "
		    "'in_progress', version = version + 1, updated_at = ? WHERE "
		    "id = ?", STORE_ARGS(SV_I(now), SV_I(c.plan_id)), NULL,
		    e)) < 0)
			goto out;
		if ((rc = ins_plan_audit(st, who, "inspection_plan.start",
		    c.plan_id, NULL, e)) < 0)
			goto out;
	}
	rc = ins_check_fetch(st, "id", cid, out, e);
out:
	json_decref(results);
	json_decref(sigs);
	free(rtext);
	free(stext);
	free(summary);
	ins_items_free(it, nit);
	return rc;
}

int
inspection_check_can_read(struct store *st, struct actor *who,
    int64_t check_id, struct err *e)
{
	json_t	*chk = NULL, *task = NULL;
	int64_t	 tid;
	int	 rc;

	if ((rc = ins_check_fetch(st, "id", check_id, &chk, e)) < 0)
		return rc == ERR_NOT_FOUND ? 0 : rc;
	rc = str_to_i64(json_string_value(json_object_get(chk, "task_id")), 1,
	    INT64_MAX, &tid);
	json_decref(chk);
	if (rc < 0)
		return 0;
	if ((rc = inspection_task_get(st, who, tid, &task, e)) < 0)
		return rc == ERR_NOT_FOUND || rc == ERR_FORBIDDEN ? 0 : rc;
	json_decref(task);
	return 1;
}

int
inspection_check_get(struct store *st, struct actor *who, int64_t task_id,
    json_t **out, struct err *e)
{
	json_t	*task = NULL;
	int	 rc;

	/* Who sees the task sees its check. */
	if ((rc = inspection_task_get(st, who, task_id, &task, e)) < 0)
		return rc;
	json_decref(task);
	return ins_check_fetch(st, "task_id", task_id, out, e);
}
