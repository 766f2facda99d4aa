/*
 * Opening permits: the rules, applying, inspecting, deciding, verifying a
 * commitment, re-checking, reissuing; lists and one permit with its
 * certificate.  The rules (PRM-001..016) are domain/permit.c's.
 */
#include <string.h>

#include "../domain/permit.h"
#include "api.h"
#include "api_shape.h"

static const char *const api_prm_routes[] = { "commitment", "inspection",
    NULL };
static const char *const api_prm_results[] = { "pass", "fail", NULL };

static const struct field api_prm_f_apply[] = {
	{ "unit_id",	F_ID,		0, 0, 0, NULL },
	{ "place_id",	F_ID,		0, 0, 0, NULL },
	{ "place_name",	F_STRING,	1, 2, 100, NULL },
	{ "address",	F_STRING,	1, 2, 200, NULL },
	{ "use",	F_STRING,	1, 1, 40, NULL },
	{ "area_m2",	F_INT,		1, 1, 10000000, NULL },
	{ "capacity",	F_INT,		1, 1, 1000000, NULL },
	{ "route",	F_STRING,	1, 10, 10, api_prm_routes },
	{ "commitment",	F_OBJECT,	0, 0, 0, NULL },
	{ "documents",	F_OBJECT,	1, 0, 0, NULL },
	{ "previous_id", F_ID,		0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_prm_f_inspect[] = {
	{ "result",	F_STRING,	1, 4, 4, api_prm_results },
	{ "items",	F_LIST,		0, 0, 100, NULL },
	{ "note",	F_STRING,	1, 2, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_prm_f_note[] = {
	{ "note",	F_STRING,	0, 1, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_prm_f_refuse[] = {
	{ "reasons",	F_STRING,	1, 4, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_prm_f_verify[] = {
	{ "items",	F_LIST,		1, 1, 100, NULL },
	{ "note",	F_STRING,	0, 1, 2000, NULL },
	{ "rectify_days", F_INT,	0, 1, 366, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_prm_f_recheck[] = {
	{ "fixed",	F_BOOL,		1, 0, 0, NULL },
	{ "note",	F_STRING,	1, 2, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_prm_f_reissue[] = {
	{ "reason",	F_STRING,	1, 2, 200, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_prm_rules(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = permit_rules_json(&j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_prm_list(struct req *r, struct resp *w)
{
	struct permit_filter	 f;
	json_t			*items = NULL;
	const char		*v;
	int64_t			 offset, limit, total = 0, id;
	int			 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	memset(&f, 0, sizeof(f));
	f.status = req_query(r, "status");
	f.route = req_query(r, "route");
	f.verify_status = req_query(r, "verify_status");
	f.town = req_query(r, "town");
	f.q = req_query(r, "q");
	f.sort = req_query(r, "sort");
	v = req_query(r, "overdue");
	f.overdue = v != NULL && (strcmp(v, "1") == 0 ||
	    strcmp(v, "true") == 0);
	if (req_query(r, "unit_id") != NULL) {
		if (req_query_int(r, "unit_id", 1, INT64_MAX, 0, &id,
		    &r->err) < 0)
			return r->err.code;
		f.unit_id = id;
	}
	if ((rc = permit_list(r->st, r->who, &f, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_prm_apply(struct req *r, struct resp *w)
{
	return api_create(r, w, permit_apply);
}

static int
api_prm_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, permit_get);
}

static int
api_prm_inspect(struct req *r, struct resp *w)
{
	return api_update(r, w, permit_inspect);
}

static int
api_prm_issue(struct req *r, struct resp *w)
{
	return api_update(r, w, permit_issue);
}

static int
api_prm_refuse(struct req *r, struct resp *w)
{
	return api_update(r, w, permit_refuse);
}

static int
api_prm_verify(struct req *r, struct resp *w)
{
	return api_update(r, w, permit_verify);
}

static int
api_prm_recheck(struct req *r, struct resp *w)
{
	return api_update(r, w, permit_recheck);
}

static int
api_prm_reissue(struct req *r, struct resp *w)
{
	return api_update(r, w, permit_reissue);
}

static int
api_prm_pdf(struct req *r, struct resp *w)
{
	struct buf	 out;
	char		*name = NULL;
	size_t		 len;
	int64_t		 id;
	int		 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	buf_init(&out);
	if ((rc = permit_pdf(r->st, r->who, id, req_param(r, "kind"), &out,
	    &name, &r->err)) < 0) {
		buf_free(&out);
		return rc;
	}
	len = out.len;
	w->attachment = name;
	return resp_raw(w, 200, "application/pdf", buf_release(&out), len);
}

const struct route api_permit_routes[] = {
	{ "GET", "/api/v1/permits/rules", "permit:read", 0, api_prm_rules,
	    "Clocks, uses and the commitment text (PRM-001)", NULL },
	{ "GET", "/api/v1/permits", "permit:read", 0, api_prm_list,
	    "Applications and permits (?status, route, verify_status, town, "
	    "unit_id, overdue, q, sort)", NULL },
	{ "POST", "/api/v1/permits", "permit:apply", ROUTE_WRITE,
	    api_prm_apply, "Apply by commitment or by inspection",
	    api_prm_f_apply },
	{ "GET", "/api/v1/permits/{id}", "permit:read", 0, api_prm_get,
	    "One application with its steps and certificate", NULL },
	{ "GET", "/api/v1/permits/{id}/documents/{kind}", "permit:read", 0,
	    api_prm_pdf, "A document as PDF: certificate, refusal, notice, "
	    "revocation", NULL },
	{ "POST", "/api/v1/permits/{id}/inspect", "permit:decide",
	    ROUTE_WRITE, api_prm_inspect, "Record the inspection (If-Match)",
	    api_prm_f_inspect },
	{ "POST", "/api/v1/permits/{id}/issue", "permit:decide", ROUTE_WRITE,
	    api_prm_issue, "Issue the permit and its e-certificate "
	    "(If-Match)", api_prm_f_note },
	{ "POST", "/api/v1/permits/{id}/refuse", "permit:decide",
	    ROUTE_WRITE, api_prm_refuse, "Refuse with reasons (If-Match)",
	    api_prm_f_refuse },
	{ "POST", "/api/v1/permits/{id}/verify", "permit:verify",
	    ROUTE_WRITE, api_prm_verify, "Verify the place against the "
	    "commitment (If-Match)", api_prm_f_verify },
	{ "POST", "/api/v1/permits/{id}/recheck", "permit:verify",
	    ROUTE_WRITE, api_prm_recheck, "Re-check after a mismatch: "
	    "rectified or revoked (If-Match)", api_prm_f_recheck },
	{ "POST", "/api/v1/permits/{id}/reissue", "permit:decide",
	    ROUTE_WRITE, api_prm_reissue, "Reissue a lost certificate "
	    "(If-Match)", api_prm_f_reissue },
	ROUTE_END
};
