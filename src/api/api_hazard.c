/*
 * Hazards: the catalogue, recording, lists and exports, the town
 * summary, one hazard with its history, the steps (order, report,
 * re-check, dismiss) and transfers to other departments.  The rules
 * (HAZ-001..019) are domain/hazard*.c's.
 */
#include <string.h>

#include "../core/clock.h"
#include "../core/mem.h"
#include "../domain/hazard.h"
#include "api.h"
#include "api_shape.h"

static const char *const api_hz_results[] = { "pass", "fail", NULL };
static const char *const api_hz_sources[] = { "officer", "patrol", "police",
    NULL };
static const char *const api_hz_decisions[] = { "upheld", "released", NULL };

static const struct field api_hz_f_new[] = {
	{ "unit_id",		F_ID,		1, 0, 0, NULL },
	{ "type_code",		F_STRING,	1, 1, 31, NULL },
	{ "description",	F_STRING,	1, 2, 2000, NULL },
	{ "location",		F_STRING,	0, 1, 200, NULL },
	{ "photos",		F_STRINGS,	0, 1, 20, NULL },
	{ "on_spot",		F_BOOL,		0, 0, 0, NULL },
	{ "deadline_days",	F_INT,		0, 1, 366, NULL },
	{ "decide_later",	F_BOOL,		0, 0, 0, NULL },
	{ "source",		F_STRING,	0, 1, 16, api_hz_sources },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_order[] = {
	{ "deadline_days",	F_INT,		0, 1, 366, NULL },
	{ "note",		F_STRING,	0, 1, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_report[] = {
	{ "note",		F_STRING,	1, 2, 2000, NULL },
	{ "photos",		F_STRINGS,	1, 1, 20, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_recheck[] = {
	{ "result",		F_STRING,	1, 4, 4, api_hz_results },
	{ "note",		F_STRING,	1, 2, 2000, NULL },
	{ "photos",		F_STRINGS,	0, 1, 20, NULL },
	{ "deadline_days",	F_INT,		0, 1, 366, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_reason[] = {
	{ "reason",		F_STRING,	1, 4, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_transfer[] = {
	{ "dept",		F_STRING,	1, 1, 15, NULL },
	{ "note",		F_STRING,	0, 1, 2000, NULL },
	{ "deadline_days",	F_INT,		0, 1, 366, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_note_opt[] = {
	{ "note",		F_STRING,	0, 1, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_note[] = {
	{ "note",		F_STRING,	1, 2, 2000, NULL },
	{ "photos",		F_STRINGS,	0, 1, 20, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_dispute[] = {
	{ "note",		F_STRING,	1, 4, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_decide[] = {
	{ "decision",		F_STRING,	1, 6, 8, api_hz_decisions },
	{ "note",		F_STRING,	1, 4, 2000, NULL },
	{ "deadline_days",	F_INT,		0, 1, 366, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_hz_catalogue(struct req *r, struct resp *w)
{
	json_t	*c = NULL;
	int	 rc;

	if ((rc = hazard_catalogue_json(&c, &r->err)) < 0)
		return rc;
	return api_out(w, c, 0);
}

/* The list's filters from the query string. */
static int
api_hz_filter(struct req *r, struct hazard_filter *f)
{
	const char	*v;
	int64_t		 id;

	memset(f, 0, sizeof(*f));
	f->status = req_query(r, "status");
	f->town = req_query(r, "town");
	f->source = req_query(r, "source");
	f->level = req_query(r, "level");
	f->dept = req_query(r, "dept");
	f->q = req_query(r, "q");
	f->from = req_query(r, "from");
	f->to = req_query(r, "to");
	f->sort = req_query(r, "sort");
	v = req_query(r, "overdue");
	f->overdue = v != NULL && (strcmp(v, "1") == 0 ||
	    strcmp(v, "true") == 0);
	v = req_query(r, "escalated");
	f->escalated = v != NULL && (strcmp(v, "1") == 0 ||
	    strcmp(v, "true") == 0);
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
api_hz_list(struct req *r, struct resp *w)
{
	struct hazard_filter	 f;
	json_t			*items = NULL;
	int64_t			 offset, limit, total = 0;
	int			 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = api_hz_filter(r, &f)) < 0)
		return rc;
	if ((rc = hazard_list(r->st, r->who, &f, offset, limit, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

#define API_HZ_EXPORT_MAX	200000

static int
api_hz_export(struct req *r, struct resp *w)
{
	struct hazard_filter	 f;
	struct buf		 out;
	const char		*format = req_query(r, "format"), *ctype = NULL;
	size_t			 len;
	char			*data;
	int			 rc;

	if ((rc = api_hz_filter(r, &f)) < 0)
		return rc;
	buf_init(&out);
	if ((rc = hazard_export(r->st, r->who, &f, format ? format : "csv",
	    API_HZ_EXPORT_MAX, &out, &ctype, &r->err)) < 0) {
		buf_free(&out);
		return rc;
	}
	len = out.len;
	data = buf_release(&out);
	w->attachment = xasprintf("hazards-%lld.%s", (long long)clock_now(),
	    format && strcmp(format, "xlsx") == 0 ? "xlsx" : "csv");
	return resp_raw(w, 200, ctype, data, len);
}

static int
api_hz_summary(struct req *r, struct resp *w)
{
	return api_all(r, w, hazard_summary);
}

static int
api_hz_new(struct req *r, struct resp *w)
{
	return api_create(r, w, hazard_new_api);
}

static int
api_hz_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, hazard_get);
}

static int
api_hz_order(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_order);
}

static int
api_hz_report(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_report);
}

static int
api_hz_recheck(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_recheck);
}

static int
api_hz_dismiss(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_dismiss);
}

static int
api_hz_transfer(struct req *r, struct resp *w)
{
	return api_child(r, w, hazard_transfer);
}

static int
api_hzt_list(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = hazard_transfer_list(r->st, r->who, req_query(r, "status"),
	    offset, limit, &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_hzt_accept(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_transfer_accept);
}

static int
api_hzt_return(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_transfer_return);
}

static int
api_hzt_complete(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_transfer_complete);
}

static int
api_hzt_dispute(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_transfer_dispute);
}

static int
api_hzt_decide(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_transfer_decide);
}

const struct route api_hazard_routes[] = {
	{ "GET", "/api/v1/hazards/catalogue", "hazard:read", 0,
	    api_hz_catalogue, "The hazard catalogue: types, departments, "
	    "clocks (HAZ-001)", NULL },
	{ "GET", "/api/v1/hazards/export", "hazard:read", 0, api_hz_export,
	    "Export the hazard list as CSV or XLSX (?format=)", NULL },
	{ "GET", "/api/v1/hazards/summary", "hazard:read", 0, api_hz_summary,
	    "Per town: open, overdue, escalated, major, closed this year",
	    NULL },
	{ "GET", "/api/v1/hazards", "hazard:read", 0, api_hz_list,
	    "Hazards in one's jurisdiction: filters, sort, paging", NULL },
	{ "POST", "/api/v1/hazards", "hazard:write", ROUTE_WRITE, api_hz_new,
	    "Record a hazard (officer, grid patrol, police station)",
	    api_hz_f_new },
	{ "GET", "/api/v1/hazards/{id}", "hazard:read", 0, api_hz_get,
	    "A hazard with its steps, transfers, judgements, listings, "
	    "seals", NULL },
	{ "POST", "/api/v1/hazards/{id}/order", "hazard:write", ROUTE_WRITE,
	    api_hz_order, "Order a found hazard corrected by a deadline "
	    "(If-Match)", api_hz_f_order },
	{ "POST", "/api/v1/hazards/{id}/report", "hazard:report", ROUTE_WRITE,
	    api_hz_report, "The unit reports its rectification with photos "
	    "(If-Match)", api_hz_f_report },
	{ "POST", "/api/v1/hazards/{id}/recheck", "hazard:write", ROUTE_WRITE,
	    api_hz_recheck, "Re-check: pass closes, fail sends back with a "
	    "new deadline (If-Match)", api_hz_f_recheck },
	{ "POST", "/api/v1/hazards/{id}/dismiss", "hazard:write", ROUTE_WRITE,
	    api_hz_dismiss, "Close a found hazard as not a hazard (If-Match)",
	    api_hz_f_reason },
	{ "POST", "/api/v1/hazards/{id}/transfers", "hazard:write",
	    ROUTE_WRITE, api_hz_transfer, "Transfer a hazard to another "
	    "department", api_hz_f_transfer },
	{ "GET", "/api/v1/hazard-transfers", "hazard:read", 0, api_hzt_list,
	    "Transfers: a department's inbox, a town's view (?status=)",
	    NULL },
	{ "POST", "/api/v1/hazard-transfers/{id}/accept", "hazard:dept",
	    ROUTE_WRITE, api_hzt_accept, "The department accepts "
	    "(If-Match)", api_hz_f_note_opt },
	{ "POST", "/api/v1/hazard-transfers/{id}/return", "hazard:dept",
	    ROUTE_WRITE, api_hzt_return, "The department returns it with a "
	    "reason (If-Match)", api_hz_f_reason },
	{ "POST", "/api/v1/hazard-transfers/{id}/complete", "hazard:dept",
	    ROUTE_WRITE, api_hzt_complete, "The department reports it done "
	    "(If-Match)", api_hz_f_note },
	{ "POST", "/api/v1/hazard-transfers/{id}/dispute", "hazard:write",
	    ROUTE_WRITE, api_hzt_dispute, "The fire service disputes a "
	    "return (If-Match)", api_hz_f_dispute },
	{ "POST", "/api/v1/hazard-transfers/{id}/decide", "hazard:decide",
	    ROUTE_WRITE, api_hzt_decide, "The town safety office decides a "
	    "dispute (If-Match)", api_hz_f_decide },
	ROUTE_END
};
