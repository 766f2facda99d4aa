/*
 * The steps of an enforcement case after filing: notify, statement,
 * hearing, submit, review, discussion, extend, decide, serve, close,
 * cancel.  Each takes If-Match with the case version and answers the
 * case; the rules (ENF-020..029) are domain/enforce_flow.c's.
 */
#include <string.h>

#include "../domain/enforce_flow.h"
#include "api.h"
#include "api_shape.h"

static const char *const api_ef_reviews[] = { "approve", "amend", "return",
    NULL };
static const char *const api_ef_discussions[] = { "approve", "amend",
    "no_penalty", "return", NULL };
static const char *const api_ef_methods[] = { "on_spot", "direct", "post",
    "electronic", "notice", NULL };

static const struct field api_ef_f_statement[] = {
	{ "text",	F_STRING,	1, 1, 5000, NULL },
	{ "waive",	F_BOOL,		0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_request[] = {
	{ "requested_on", F_STRING,	0, 10, 10, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_schedule[] = {
	{ "hearing_on",	F_STRING,	1, 10, 10, NULL },
	{ "place",	F_STRING,	1, 2, 200, NULL },
	{ "host_id",	F_ID,		1, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_hold[] = {
	{ "record",	F_STRING,	1, 2, 20000, NULL },
	{ "opinion",	F_STRING,	1, 2, 5000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_review[] = {
	{ "conclusion",	F_STRING,	1, 5, 7, api_ef_reviews },
	{ "opinion",	F_STRING,	1, 2, 5000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_discussion[] = {
	{ "held_on",	F_STRING,	1, 10, 10, NULL },
	{ "chair_id",	F_ID,		1, 0, 0, NULL },
	{ "participants", F_LIST,	1, 3, 50, NULL },
	{ "conclusion",	F_STRING,	1, 5, 10, api_ef_discussions },
	{ "minutes",	F_STRING,	1, 2, 20000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_extend[] = {
	{ "days",	F_INT,		1, 1, 366, NULL },
	{ "reason",	F_STRING,	1, 2, 500, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_serve[] = {
	{ "method",	F_STRING,	1, 4, 10, api_ef_methods },
	{ "served_on",	F_STRING,	0, 10, 10, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_close[] = {
	{ "reason",	F_STRING,	0, 2, 500, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_ef_f_cancel[] = {
	{ "reason",	F_STRING,	1, 2, 500, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/*
 * Every step: the case id, If-Match (428 without, 412 stale) and the
 * step's name, what follows /cases/{id}/ in the path the router matched.
 */
static int
api_ef_step(struct req *r, struct resp *w)
{
	const char	*step = strchr(r->path + strlen("/api/v1/cases/"), '/');
	json_t		*j = NULL;
	int64_t		 id, version;
	int		 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_if_match(r, &version, &r->err)) < 0)
		return rc;
	if ((rc = enforce_flow_step(r->st, r->who, step ? step + 1 : "", id,
	    version, r->json, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

#define API_EF_P	"/api/v1/cases/{id}/"

const struct route api_enforce_flow_routes[] = {
	{ "POST", API_EF_P "notify", "case:write", ROUTE_WRITE, api_ef_step,
	    "Notify the party of the intended penalty (告知, ENF-021; "
	    "If-Match)", NULL },
	{ "POST", API_EF_P "statement", "case:write", ROUTE_WRITE,
	    api_ef_step, "Record the party's statement and defence, or "
	    "their waiver (ENF-022; If-Match)", api_ef_f_statement },
	{ "POST", API_EF_P "hearing/request", "case:write", ROUTE_WRITE,
	    api_ef_step, "Record a request for a hearing within the "
	    "statement window (ENF-023; If-Match)", api_ef_f_request },
	{ "POST", API_EF_P "hearing/schedule", "case:write", ROUTE_WRITE,
	    api_ef_step, "Schedule the hearing: date, place, host "
	    "(ENF-023; If-Match)", api_ef_f_schedule },
	{ "POST", API_EF_P "hearing/hold", "case:write", ROUTE_WRITE,
	    api_ef_step, "Record the hearing held (ENF-023; If-Match)",
	    api_ef_f_hold },
	{ "POST", API_EF_P "hearing/waive", "case:write", ROUTE_WRITE,
	    api_ef_step, "Record that the party waives the hearing "
	    "(ENF-023; If-Match)", NULL },
	{ "POST", API_EF_P "submit", "case:write", ROUTE_WRITE, api_ef_step,
	    "Submit for review or decision (ENF-022; If-Match)", NULL },
	{ "POST", API_EF_P "review", "case:review", ROUTE_WRITE,
	    api_ef_step, "Legal review (法制审核, ENF-024; If-Match)",
	    api_ef_f_review },
	{ "POST", API_EF_P "discussion", "case:discuss", ROUTE_WRITE,
	    api_ef_step, "Collective discussion (集体讨论, ENF-025; "
	    "If-Match)", api_ef_f_discussion },
	{ "POST", API_EF_P "extend", "case:approve", ROUTE_WRITE,
	    api_ef_step, "Extend the decision deadline (ENF-028; "
	    "If-Match)", api_ef_f_extend },
	{ "POST", API_EF_P "decide", "case:write", ROUTE_WRITE, api_ef_step,
	    "Decide: penalty or no penalty, sealed into the audit trail "
	    "(ENF-026; If-Match)", NULL },
	{ "POST", API_EF_P "serve", "case:write", ROUTE_WRITE, api_ef_step,
	    "Record service of the decision; a fine's payment notice opens "
	    "(ENF-027; If-Match)", api_ef_f_serve },
	{ "POST", API_EF_P "close", "case:write", ROUTE_WRITE, api_ef_step,
	    "Close the case (ENF-029; If-Match)", api_ef_f_close },
	{ "POST", API_EF_P "cancel", "case:write", ROUTE_WRITE, api_ef_step,
	    "Cancel the case before the decision (撤销立案, ENF-029; "
	    "If-Match)", api_ef_f_cancel },
	ROUTE_END
};
