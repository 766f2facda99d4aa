/*
 * Grid patrols and police checks: checklists, recording, the ledger and
 * its exports, one record beside the previous one, coverage.  The rules
 * (PAT-001..012) are domain/patrol.c's.
 */
#include <string.h>

#include "../core/clock.h"
#include "../core/mem.h"
#include "../domain/patrol.h"
#include "api.h"
#include "api_shape.h"

static const char *const api_pat_kinds[] = { "patrol", "police", NULL };

static const struct field api_pat_f_new[] = {
	{ "unit_id",	F_ID,		1, 0, 0, NULL },
	{ "kind",	F_STRING,	0, 6, 6, api_pat_kinds },
	{ "template",	F_STRING,	0, 1, 23, NULL },
	{ "results",	F_LIST,		1, 1, 60, NULL },
	{ "note",	F_STRING,	0, 1, 2000, NULL },
	{ "signatures",	F_OBJECT,	1, 0, 0, NULL },
	{ "location",	F_OBJECT,	0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_pat_checklists(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = patrol_checklists_json(&j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_pat_new(struct req *r, struct resp *w)
{
	return api_create(r, w, patrol_new);
}

static int
api_pat_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, patrol_get);
}

static int
api_pat_filter(struct req *r, struct patrol_filter *f)
{
	int64_t	id;

	memset(f, 0, sizeof(*f));
	f->town = req_query(r, "town");
	f->kind = req_query(r, "kind");
	f->from = req_query(r, "from");
	f->to = req_query(r, "to");
	f->outcome = req_query(r, "outcome");
	if (req_query(r, "unit_id") != NULL) {
		if (req_query_int(r, "unit_id", 1, INT64_MAX, 0, &id,
		    &r->err) < 0)
			return r->err.code;
		f->unit_id = id;
	}
	if (req_query(r, "grid_id") != NULL) {
		if (req_query_int(r, "grid_id", 1, INT64_MAX, 0, &id,
		    &r->err) < 0)
			return r->err.code;
		f->grid_id = id;
	}
	return 0;
}

static int
api_pat_list(struct req *r, struct resp *w)
{
	struct patrol_filter	 f;
	json_t			*items = NULL;
	int64_t			 offset, limit, total = 0;
	int			 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = api_pat_filter(r, &f)) < 0 ||
	    (rc = patrol_list(r->st, r->who, &f, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_pat_export(struct req *r, struct resp *w)
{
	struct patrol_filter	 f;
	struct buf		 out;
	const char		*format = req_query(r, "format"), *ctype = NULL;
	size_t			 len;
	int			 rc;

	if ((rc = api_pat_filter(r, &f)) < 0)
		return rc;
	buf_init(&out);
	if ((rc = patrol_export(r->st, r->who, &f, format ? format : "csv",
	    200000, &out, &ctype, &r->err)) < 0) {
		buf_free(&out);
		return rc;
	}
	len = out.len;
	w->attachment = xasprintf("patrols-%lld.%s", (long long)clock_now(),
	    format && strcmp(format, "xlsx") == 0 ? "xlsx" : "csv");
	return resp_raw(w, 200, ctype, buf_release(&out), len);
}

static int
api_pat_coverage(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 n;
	int	 rc;

	if ((rc = patrol_coverage(r->st, r->who, req_query(r, "month"),
	    req_query(r, "town"), &j, &r->err)) < 0)
		return rc;
	n = (int64_t)json_array_size(j);
	return resp_list(w, j, 0, n, n);
}

static int
api_pat_police(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 n;
	int	 rc;

	if ((rc = patrol_police_coverage(r->st, r->who, req_query(r, "year"),
	    &j, &r->err)) < 0)
		return rc;
	n = (int64_t)json_array_size(j);
	return resp_list(w, j, 0, n, n);
}

static int
api_pat_police_due(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = patrol_police_due(r->st, r->who, req_query(r, "year"),
	    req_query(r, "town"), offset, limit, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_pat_due(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0, grid = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if (req_query(r, "grid_id") != NULL && (rc = req_query_int(r,
	    "grid_id", 1, INT64_MAX, 0, &grid, &r->err)) < 0)
		return rc;
	if ((rc = patrol_due(r->st, r->who, req_query(r, "month"), grid,
	    offset, limit, &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

const struct route api_patrol_routes[] = {
	{ "GET", "/api/v1/patrols/checklists", "patrol:read", 0,
	    api_pat_checklists, "Checklists per trade (PAT-001)", NULL },
	{ "GET", "/api/v1/patrols/export", "patrol:read", 0, api_pat_export,
	    "Export the ledger as CSV or XLSX", NULL },
	{ "GET", "/api/v1/patrols/coverage", "patrol:read", 0,
	    api_pat_coverage, "Share of units visited per grid or town in a "
	    "month (?month=YYYY-MM&town=)", NULL },
	{ "GET", "/api/v1/patrols/due", "patrol:read", 0, api_pat_due,
	    "The month's round: places not yet visited (?month=&grid_id=)",
	    NULL },
	{ "GET", "/api/v1/patrols/police-coverage", "patrol:read", 0,
	    api_pat_police, "Special-industry places checked by the police "
	    "this year, per town (?year=)", NULL },
	{ "GET", "/api/v1/patrols/police-due", "patrol:read", 0,
	    api_pat_police_due, "Special-industry places still due a police "
	    "check this year (?year=&town=)", NULL },
	{ "GET", "/api/v1/patrols", "patrol:read", 0, api_pat_list,
	    "The patrol ledger (台账): unit, grid, town, kind, dates", NULL },
	{ "POST", "/api/v1/patrols", "patrol:write", ROUTE_WRITE, api_pat_new,
	    "Record a patrol or police check", api_pat_f_new },
	{ "GET", "/api/v1/patrols/{id}", "patrol:read", 0, api_pat_get,
	    "A record with its hazards and the previous record", NULL },
	ROUTE_END
};
