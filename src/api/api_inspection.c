/*
 * Random-inspection endpoints: sampling rules, plans and their steps
 * (approve, commit, beacon, cancel, close), tasks, the draw bundle, and
 * the public pages of 双随机一公开.  The rules (INS-0xx) live in
 * domain/inspection*.c; handlers read the path, query and If-Match, make
 * one call and render.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../domain/inspection.h"
#include "api.h"
#include "api_shape.h"

static const struct field api_ins_f_rules[] = {
	{ "rules",	F_LIST,		1, 1, 100, NULL },
	{ "note",	F_STRING,	0, 0, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* Plan bodies; the domain checks towns, team and beacon (INS-021). */
#define API_INS_PLAN(req) \
	{ "name",		F_STRING,	req, 1, 100, NULL }, \
	{ "towns",		F_STRINGS,	req, 9, 9, NULL }, \
	{ "categories",		F_STRINGS,	0, 1, 32, NULL }, \
	{ "period_start",	F_STRING,	req, 10, 10, NULL }, \
	{ "period_end",		F_STRING,	req, 10, 10, NULL }, \
	{ "due_days",		F_INT,		0, 1, 60, NULL }, \
	{ "team",		F_LIST,		req, 1, 4, NULL }, \
	{ "max_load",		F_INT,		req, 1, 1000, NULL }, \
	{ "beacon",		F_OBJECT,	req, 0, 0, NULL }, \
	{ NULL, 0, 0, 0, 0, NULL }

static const struct field api_ins_f_plan_new[] = {
	API_INS_PLAN(1)
};

static const struct field api_ins_f_plan_patch[] = {
	API_INS_PLAN(0)
};

static const struct field api_ins_f_beacon[] = {
	{ "value",	F_STRING,	1, 1, 4096, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ins_f_reason[] = {
	{ "reason",	F_STRING,	1, INSPECTION_REASON_MIN,
	    INSPECTION_REASON_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ins_f_reassign[] = {
	{ "inspectors",	F_STRINGS,	1, 1, 20, NULL },
	{ "reason",	F_STRING,	1, INSPECTION_REASON_MIN,
	    INSPECTION_REASON_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ins_f_check[] = {
	{ "results",	F_LIST,		1, 1, 200, NULL },
	{ "signatures",	F_LIST,		1, 1, 16, NULL },
	{ "outcome",	F_STRING,	1, 1, 16, NULL },
	{ "summary",	F_STRING,	0, 1, 2000, NULL },
	{ "location",	F_OBJECT,	0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_ins_rules(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 v = 0;
	int	 rc;

	if ((rc = req_query_int(r, "version", 1, INT32_MAX, 0, &v,
	    &r->err)) < 0)
		return rc;
	if ((rc = inspection_rules_get(r->st, r->who, (int)v, &j,
	    &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_ins_rules_versions(struct req *r, struct resp *w)
{
	return api_all(r, w, inspection_rules_list);
}

static int
api_ins_rules_put(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = inspection_rules_put(r->st, r->who, r->json, &j,
	    &r->err)) < 0)
		return rc;
	return resp_created(w, j);
}

static int
api_ins_plans(struct req *r, struct resp *w)
{
	struct inspection_plan_query	 q;
	json_t				*items = NULL;
	int64_t				 total = 0;
	int				 rc;

	memset(&q, 0, sizeof(q));
	if ((rc = req_page(r, &q.offset, &q.limit, &r->err)) < 0)
		return rc;
	q.status = req_query(r, "status");
	q.q = req_query(r, "q");
	if ((rc = inspection_plan_list(r->st, r->who, &q, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, q.offset, q.limit, total);
}

static int
api_ins_plan_create(struct req *r, struct resp *w)
{
	return api_create(r, w, inspection_plan_create);
}

static int
api_ins_plan_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, inspection_plan_get);
}

static int
api_ins_plan_patch(struct req *r, struct resp *w)
{
	return api_update(r, w, inspection_plan_update);
}

static int
api_ins_plan_preview(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = inspection_plan_preview(r->st, r->who, id, &j,
	    &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_ins_plan_approve(struct req *r, struct resp *w)
{
	return api_step(r, w, inspection_plan_approve);
}

static int
api_ins_plan_commit(struct req *r, struct resp *w)
{
	return api_step(r, w, inspection_plan_commit);
}

static int
api_ins_plan_close(struct req *r, struct resp *w)
{
	return api_step(r, w, inspection_plan_close);
}

static int
api_ins_plan_cancel(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id, version;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_if_match(r, &version, &r->err)) < 0)
		return rc;
	if ((rc = inspection_plan_cancel(r->st, r->who, id, version,
	    req_str(r, "reason"), &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_ins_plan_beacon(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 drawn = 0, rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = inspection_plan_beacon(r->st, r->who, id, req_str(r,
	    "value"), &drawn, &j, &r->err)) < 0)
		return rc;
	json_object_set_new(j, "drawn", json_boolean(drawn));
	return api_out(w, j, 0);
}

static int
api_ins_tasks_q(struct req *r, struct resp *w, int64_t plan_id)
{
	struct inspection_task_query	 q;
	json_t				*items = NULL;
	const char			*mine;
	int64_t				 total = 0;
	int				 rc;

	memset(&q, 0, sizeof(q));
	if ((rc = req_page(r, &q.offset, &q.limit, &r->err)) < 0)
		return rc;
	q.plan_id = plan_id;
	if (plan_id == 0 && (rc = req_query_int(r, "plan_id", 1, INT64_MAX,
	    0, &q.plan_id, &r->err)) < 0)
		return rc;
	q.status = req_query(r, "status");
	mine = req_query(r, "mine");
	q.mine = mine != NULL && (strcmp(mine, "1") == 0 ||
	    strcmp(mine, "true") == 0);
	if ((rc = inspection_task_list(r->st, r->who, &q, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, q.offset, q.limit, total);
}

static int
api_ins_tasks(struct req *r, struct resp *w)
{
	return api_ins_tasks_q(r, w, 0);
}

static int
api_ins_plan_tasks(struct req *r, struct resp *w)
{
	int64_t	id;
	int	rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	return api_ins_tasks_q(r, w, id);
}

static int
api_ins_task_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, inspection_task_get);
}

static int
api_ins_task_reassign(struct req *r, struct resp *w)
{
	return api_update(r, w, inspection_task_reassign);
}

static int
api_ins_task_checklist(struct req *r, struct resp *w)
{
	return api_by_id(r, w, inspection_task_checklist);
}

static int
api_ins_check_submit(struct req *r, struct resp *w)
{
	return api_update_new(r, w, inspection_check_submit);
}

static int
api_ins_check_get(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = inspection_check_get(r->st, r->who, id, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_ins_bundle_form(struct req *r, struct resp *w, int full)
{
	struct buf	b;
	int64_t		id;
	size_t		n;
	int		rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	buf_init(&b);
	if ((rc = inspection_plan_bundle(r->st, r->who, id, full, &b,
	    &r->err)) < 0) {
		buf_free(&b);
		return rc;
	}
	n = b.len;
	return resp_raw(w, 200, "application/json", buf_release(&b), n);
}

static int
api_ins_bundle(struct req *r, struct resp *w)
{
	return api_ins_bundle_form(r, w, 1);
}

static int
api_ins_public_bundle(struct req *r, struct resp *w)
{
	return api_ins_bundle_form(r, w, 0);
}

static int
api_ins_public_plans(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = inspection_public_plans(r->st, offset, limit, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_ins_public_plan(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = inspection_public_plan(r->st, id, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_ins_public_results(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 id, offset, limit, total = 0;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = inspection_public_results(r->st, id, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

const struct route api_inspection_routes[] = {
	/* Published rules: anyone signed in (the security administrator too). */
	{ "GET", "/api/v1/inspection/rules", "login", 0,
	    api_ins_rules, "Sampling rules (一细则), current or ?version=",
	    NULL },
	{ "GET", "/api/v1/inspection/rules/versions", "login", 0,
	    api_ins_rules_versions, "Every version of the sampling rules",
	    NULL },
	{ "POST", "/api/v1/inspection/rules", "inspection:rules", ROUTE_WRITE,
	    api_ins_rules_put, "A new version of the sampling rules",
	    api_ins_f_rules },
	{ "GET", "/api/v1/inspection/plans", "inspection:read", 0,
	    api_ins_plans, "List inspection plans", NULL },
	{ "POST", "/api/v1/inspection/plans", "inspection:write", ROUTE_WRITE,
	    api_ins_plan_create, "Draft a plan", api_ins_f_plan_new },
	{ "GET", "/api/v1/inspection/plans/{id}", "inspection:read", 0,
	    api_ins_plan_get, "Get a plan", NULL },
	{ "PATCH", "/api/v1/inspection/plans/{id}", "inspection:write",
	    ROUTE_WRITE, api_ins_plan_patch, "Change a draft plan (If-Match)",
	    api_ins_f_plan_patch },
	{ "GET", "/api/v1/inspection/plans/{id}/preview", "inspection:read", 0,
	    api_ins_plan_preview, "Strata and quotas the rules give the plan",
	    NULL },
	{ "POST", "/api/v1/inspection/plans/{id}/approve",
	    "inspection:approve", ROUTE_WRITE, api_ins_plan_approve,
	    "Approve a draft plan (If-Match)", NULL },
	{ "POST", "/api/v1/inspection/plans/{id}/commit", "inspection:write",
	    ROUTE_WRITE, api_ins_plan_commit,
	    "Freeze the roster and publish its hashes (If-Match)", NULL },
	{ "POST", "/api/v1/inspection/plans/{id}/beacon", "inspection:draw",
	    ROUTE_WRITE, api_ins_plan_beacon,
	    "Enter the beacon value; the second equal entry draws",
	    api_ins_f_beacon },
	{ "POST", "/api/v1/inspection/plans/{id}/cancel", "inspection:write",
	    ROUTE_WRITE, api_ins_plan_cancel, "Cancel a plan with a reason "
	    "(If-Match)", api_ins_f_reason },
	{ "POST", "/api/v1/inspection/plans/{id}/close", "inspection:write",
	    ROUTE_WRITE, api_ins_plan_close, "Close a plan (If-Match)", NULL },
	{ "GET", "/api/v1/inspection/plans/{id}/tasks", "inspection:read", 0,
	    api_ins_plan_tasks, "The tasks of a plan", NULL },
	{ "GET", "/api/v1/inspection/tasks", "inspection:read", 0,
	    api_ins_tasks, "Tasks (?plan_id, ?status, ?mine=1)", NULL },
	{ "GET", "/api/v1/inspection/tasks/{id}", "inspection:read", 0,
	    api_ins_task_get, "Get a task", NULL },
	{ "POST", "/api/v1/inspection/tasks/{id}/reassign", "inspection:write",
	    ROUTE_WRITE, api_ins_task_reassign,
	    "Assign inspectors by hand, with a reason (If-Match)",
	    api_ins_f_reassign },
	{ "GET", "/api/v1/inspection/tasks/{id}/checklist", "inspection:read",
	    0, api_ins_task_checklist, "A task with its unit's checklist",
	    NULL },
	{ "POST", "/api/v1/inspection/tasks/{id}/check", "inspection:check",
	    ROUTE_WRITE, api_ins_check_submit,
	    "Record the check of a task (If-Match: the task's version)",
	    api_ins_f_check },
	{ "GET", "/api/v1/inspection/tasks/{id}/check", "inspection:read", 0,
	    api_ins_check_get, "The check of a task", NULL },
	{ "GET", "/api/v1/draws/{id}/bundle", "audit:read", 0, api_ins_bundle,
	    "The full draw bundle (inspectors and conflicts)", NULL },
	{ "GET", "/api/v1/public/draws/{id}/bundle", "public", ROUTE_PUBLIC,
	    api_ins_public_bundle, "The public draw bundle", NULL },
	{ "GET", "/api/v1/public/inspection/plans", "public", ROUTE_PUBLIC,
	    api_ins_public_plans, "Committed plans with their hashes", NULL },
	{ "GET", "/api/v1/public/inspection/plans/{id}", "public",
	    ROUTE_PUBLIC, api_ins_public_plan, "A committed plan", NULL },
	{ "GET", "/api/v1/public/inspection/plans/{id}/results", "public",
	    ROUTE_PUBLIC, api_ins_public_results,
	    "Selected units and the outcome of their checks", NULL },
	ROUTE_END
};
