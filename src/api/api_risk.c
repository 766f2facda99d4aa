/*
 * Risk endpoints: a unit's score and grade with the factors that made
 * them, the unit's risk events (the feed other modules report to), the
 * loaded model, and the grade counts of one's jurisdiction.  Handlers
 * check paging and the query string, make one call into domain/risk and
 * render; the rules (RISK-xxx, Z-2) live in the domain.
 */
#include "../domain/risk.h"
#include "api.h"

/* RISK-008: an event; at is Unix seconds (the domain checks "<= now"). */
static const struct field api_risk_f_event[] = {
	{ "kind",	F_STRING,	1, 1, 32, risk_event_kinds },
	{ "ref_type",	F_STRING,	1, 1, RISK_REF_TYPE_MAX, NULL },
	{ "ref_id",	F_STRING,	1, 1, RISK_REF_ID_MAX, NULL },
	{ "at",		F_INT,		1, RISK_AT_MIN, INT64_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_risk_unit(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = risk_unit_get(r->st, r->who, id, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_risk_events(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 id, offset, limit, total = 0;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = risk_event_list(r->st, r->who, id, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_risk_event_add(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = risk_event_add(r->st, r->who, id, req_str(r, "kind"),
	    req_str(r, "ref_type"), req_str(r, "ref_id"), req_int(r, "at", 0),
	    &j, &r->err)) < 0)
		return rc;
	return resp_created(w, j);
}

static int
api_risk_model(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = risk_model_json(&j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_risk_summary(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = risk_summary(r->st, r->who, req_query(r, "town"), &j,
	    &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

const struct route api_risk_routes[] = {
	{ "GET", "/api/v1/units/{id}/risk", "registry:read", 0, api_risk_unit,
	    "A unit's risk score and grade, with the factors that made them",
	    NULL },
	{ "GET", "/api/v1/units/{id}/risk/events", "registry:read", 0,
	    api_risk_events, "A unit's risk events, newest first", NULL },
	{ "POST", "/api/v1/units/{id}/risk/events", "risk:write", ROUTE_WRITE,
	    api_risk_event_add,
	    "Record a hazard, penalty, upheld complaint or fire of a unit",
	    api_risk_f_event },
	{ "GET", "/api/v1/risk/model", "registry:read", 0, api_risk_model,
	    "The loaded risk model: factors, points, cut-offs, sources", NULL },
	{ "GET", "/api/v1/risk/summary", "registry:read", 0, api_risk_summary,
	    "Units per risk grade within one's jurisdiction (?town=)", NULL },
	ROUTE_END
};
