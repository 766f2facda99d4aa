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
#include "../domain/hazard_judge.h"
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

static const char *const api_hz_procedures[] = { "discussion", "expert",
    NULL };
static const char *const api_hz_levels[] = { "town", "city", NULL };

static const struct field api_hz_f_judge[] = {
	{ "edition",		F_STRING,	1, 1, 16, NULL },
	{ "place",		F_STRING,	1, 1, 16, NULL },
	{ "elements",		F_STRINGS,	1, 1, 16, NULL },
	{ "exclusion",		F_STRING,	0, 1, 32, NULL },
	{ "procedure",		F_STRING,	1, 6, 10, api_hz_procedures },
	{ "participants",	F_STRINGS,	1, 1, 40, NULL },
	{ "agreeing",		F_INT,		0, 0, 50, NULL },
	{ "conclusion",		F_STRING,	1, 2, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_listing[] = {
	{ "level",		F_STRING,	1, 4, 4, api_hz_levels },
	{ "body",		F_STRING,	1, 2, 100, NULL },
	{ "deadline",		F_STRING,	1, 10, 10, NULL },
	{ "publish",		F_BOOL,		0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_progress[] = {
	{ "text",		F_STRING,	1, 2, 2000, NULL },
	{ "photos",		F_STRINGS,	0, 1, 20, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_delist[] = {
	{ "note",		F_STRING,	1, 4, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_seal[] = {
	{ "scope",		F_STRING,	1, 2, 200, NULL },
	{ "reason",		F_STRING,	1, 4, 2000, NULL },
	{ "start_on",		F_STRING,	1, 10, 10, NULL },
	{ "days",		F_INT,		1, 1, 366, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_extend[] = {
	{ "days",		F_INT,		1, 1, 366, NULL },
	{ "reason",		F_STRING,	1, 4, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_lift_apply[] = {
	{ "request",		F_STRING,	1, 4, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_hz_f_lift[] = {
	{ "note",		F_STRING,	1, 2, 2000, NULL },
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

static int
api_hz_notice(struct req *r, struct resp *w)
{
	return api_pdf(r, w, hazard_notice_pdf);
}

static int
api_hzs_pdf(struct req *r, struct resp *w)
{
	return api_pdf(r, w, hazard_seal_pdf);
}

static int
api_hz_editions(struct req *r, struct resp *w)
{
	json_t	*j = hazard_judge_editions();
	int64_t	 n = (int64_t)json_array_size(j);

	return resp_list(w, j, 0, n, n);
}

static int
api_hz_edition(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = hazard_judge_edition_json(req_param(r, "edition"), &j,
	    &r->err)) < 0)
		return rc == ERR_INVALID ? err_set(&r->err, ERR_NOT_FOUND, NULL,
		    "no such edition") : rc;
	return api_out(w, j, 0);
}

static int
api_hz_judge(struct req *r, struct resp *w)
{
	return api_child(r, w, hazard_judge_api);
}

static int
api_hz_listing_new(struct req *r, struct resp *w)
{
	return api_child(r, w, hazard_listing_new);
}

static int
api_hzl_list(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = hazard_listing_list(r->st, r->who, req_query(r, "status"),
	    req_query(r, "level"), offset, limit, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_hzl_public(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = hazard_listing_public(r->st, offset, limit, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_hzl_report(struct req *r, struct resp *w)
{
	return api_child(r, w, hazard_listing_report);
}

static int
api_hzl_reports(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0, id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = hazard_listing_reports(r->st, r->who, id, offset, limit,
	    &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_hzl_delist(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_listing_delist);
}

static int
api_hz_seal_new(struct req *r, struct resp *w)
{
	return api_child(r, w, hazard_seal_new);
}

static int
api_hzs_list(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = hazard_seal_list(r->st, r->who, req_query(r, "status"),
	    offset, limit, &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_hzs_extend(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_seal_extend);
}

static int
api_hzs_apply(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_seal_apply_lift);
}

static int
api_hzs_lift(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_seal_lift);
}

static int
api_hzs_refuse(struct req *r, struct resp *w)
{
	return api_update(r, w, hazard_seal_refuse_lift);
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
	{ "GET", "/api/v1/hazards/{id}/notice.pdf", "hazard:read", 0,
	    api_hz_notice, "The rectification notice (责令改正通知书) as PDF",
	    NULL },
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
	{ "GET", "/api/v1/hazard-judge/editions", "hazard:read", 0,
	    api_hz_editions, "GB 35181 editions loaded (HAZ-J01)", NULL },
	{ "GET", "/api/v1/hazard-judge/editions/{edition}", "hazard:read", 0,
	    api_hz_edition, "One edition: places, elements, exclusions",
	    NULL },
	{ "POST", "/api/v1/hazards/{id}/judgements", "hazard:judge",
	    ROUTE_WRITE, api_hz_judge, "Record a major-hazard judgement with "
	    "its discussion or expert review", api_hz_f_judge },
	{ "POST", "/api/v1/hazards/{id}/listings", "hazard:list", ROUTE_WRITE,
	    api_hz_listing_new, "List a major hazard for supervision",
	    api_hz_f_listing },
	{ "GET", "/api/v1/hazard-listings", "hazard:read", 0, api_hzl_list,
	    "Listings (?status=listed|delisted&level=town|city)", NULL },
	{ "GET", "/api/v1/hazard-listings/{id}/reports", "hazard:read", 0,
	    api_hzl_reports, "A listing's progress reports, newest first",
	    NULL },
	{ "POST", "/api/v1/hazard-listings/{id}/reports", "hazard:progress",
	    ROUTE_WRITE, api_hzl_report, "A progress report on a listed "
	    "hazard", api_hz_f_progress },
	{ "POST", "/api/v1/hazard-listings/{id}/delist", "hazard:list",
	    ROUTE_WRITE, api_hzl_delist, "Delist after verification "
	    "(If-Match)", api_hz_f_delist },
	{ "GET", "/api/v1/public/hazard-listings", "public", ROUTE_PUBLIC,
	    api_hzl_public, "Published listings in force (公布一批)", NULL },
	{ "POST", "/api/v1/hazards/{id}/seals", "hazard:seal", ROUTE_WRITE,
	    api_hz_seal_new, "Order a temporary seal (≤ one month)",
	    api_hz_f_seal },
	{ "GET", "/api/v1/hazard-seals", "hazard:read", 0, api_hzs_list,
	    "Seals (?status=active|lift_applied|lifted)", NULL },
	{ "GET", "/api/v1/hazard-seals/{id}/decision.pdf", "hazard:read", 0,
	    api_hzs_pdf, "The temporary seal decision (临时查封决定书) as PDF",
	    NULL },
	{ "POST", "/api/v1/hazard-seals/{id}/extend", "hazard:seal",
	    ROUTE_WRITE, api_hzs_extend, "Extend while the hazard persists "
	    "(If-Match)", api_hz_f_extend },
	{ "POST", "/api/v1/hazard-seals/{id}/apply-lift", "hazard:report",
	    ROUTE_WRITE, api_hzs_apply, "The unit applies to lift "
	    "(If-Match)", api_hz_f_lift_apply },
	{ "POST", "/api/v1/hazard-seals/{id}/lift", "hazard:seal",
	    ROUTE_WRITE, api_hzs_lift, "Lift the seal (If-Match)",
	    api_hz_f_lift },
	{ "POST", "/api/v1/hazard-seals/{id}/refuse-lift", "hazard:seal",
	    ROUTE_WRITE, api_hzs_refuse, "Refuse an application to lift "
	    "(If-Match)", api_hz_f_lift },
	ROUTE_END
};
