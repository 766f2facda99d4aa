/*
 * Enforcement cases, the core routes: the rules, the discretion engine
 * (items and a suggestion), officers' certificates and conflicts, cases
 * (create, list and export, one case, unmask) and what is added to a
 * case before the decision (violations, evidence, measures, officers,
 * recusal).  The rules (ENF-001..019) are domain/enforce*.c's.
 */
#include <string.h>

#include "../core/clock.h"
#include "../core/mem.h"
#include "../domain/enforce.h"
#include "../domain/penalty.h"
#include "api.h"
#include "api_shape.h"

static const char *const api_enf_procedures[] = { "simple", "general",
    NULL };
static const char *const api_enf_sources[] = { "inspection", "hazard",
    "permit", "referral", "on_spot", NULL };
static const char *const api_enf_parties[] = { "unit", "individual", NULL };
static const char *const api_enf_tiers[] = { "minor", "general", "serious",
    NULL };
static const char *const api_enf_harms[] = { "none", "minor", "serious",
    NULL };
static const char *const api_enf_relations[] = { "relative", "employment",
    "interest", "other", NULL };
static const char *const api_enf_evidence[] = { "document", "photo", "video",
    "statement", "record", "inspection", "hazard", NULL };
static const char *const api_enf_roles[] = { "lead", "assist", NULL };

static const struct field api_enf_f_cert[] = {
	{ "user_id",	F_ID,		1, 0, 0, NULL },
	{ "cert_no",	F_STRING,	1, 4, 40, NULL },
	{ "issued_on",	F_STRING,	1, 10, 10, NULL },
	{ "valid_to",	F_STRING,	1, 10, 10, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_revoke[] = {
	{ "reason",	F_STRING,	1, 2, 500, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_conflict[] = {
	{ "user_id",	F_ID,		1, 0, 0, NULL },
	{ "unit_id",	F_ID,		0, 0, 0, NULL },
	{ "party_name",	F_STRING,	0, 2, 50, NULL },
	{ "relation",	F_STRING,	1, 1, 20, api_enf_relations },
	{ "note",	F_STRING,	0, 1, 500, NULL },
	{ "from_on",	F_STRING,	0, 10, 10, NULL },
	{ "to_on",	F_STRING,	0, 10, 10, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_end[] = {
	{ "note",	F_STRING,	0, 2, 500, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_case[] = {
	{ "procedure",	F_STRING,	1, 6, 7, api_enf_procedures },
	{ "source",	F_STRING,	1, 6, 10, api_enf_sources },
	{ "source_id",	F_ID,		0, 0, 0, NULL },
	{ "party_type",	F_STRING,	1, 4, 10, api_enf_parties },
	{ "unit_id",	F_ID,		0, 0, 0, NULL },
	{ "party_name",	F_STRING,	0, 2, 50, NULL },
	{ "party_idno",	F_STRING,	0, 15, 18, NULL },
	{ "party_phone", F_STRING,	0, 7, 20, NULL },
	{ "party_address", F_STRING,	0, 2, 200, NULL },
	{ "party_age",	F_INT,		0, 0, PENALTY_AGE_MAX, NULL },
	{ "town",	F_STRING,	0, 9, 9, NULL },
	{ "facts",	F_STRING,	1, 2, 4000, NULL },
	{ "occurred_on", F_STRING,	0, 10, 10, NULL },
	{ "found_on",	F_STRING,	1, 10, 10, NULL },
	{ "officers",	F_LIST,		1, 0, 10, NULL },
	{ "violations",	F_LIST,		0, 0, 20, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* The facts the discretion engine weighs (a violation, a suggestion). */
#define API_ENF_ENGINE_FIELDS \
	{ "item",	F_STRING,	1, 1, 40, NULL }, \
	{ "tier",	F_STRING,	1, 5, 7, api_enf_tiers }, \
	{ "band",	F_STRING,	0, 1, 40, NULL }, \
	{ "area",	F_INT,		0, 0, PENALTY_AREA_MAX, NULL }, \
	{ "first",	F_BOOL,		0, 0, 0, NULL }, \
	{ "corrected",	F_BOOL,		0, 0, 0, NULL }, \
	{ "harm",	F_STRING,	0, 4, 7, api_enf_harms }, \
	{ "self_found",	F_BOOL,		0, 0, 0, NULL }, \
	{ "no_fault",	F_BOOL,		0, 0, 0, NULL }, \
	{ "mitigating",	F_STRINGS,	0, 1, 40, NULL }, \
	{ "reduce",	F_BOOL,		0, 0, 0, NULL }, \
	{ "amount",	F_INT,		0, 0, PENALTY_YUAN_MAX, NULL }

static const struct field api_enf_f_violation[] = {
	API_ENF_ENGINE_FIELDS,
	{ "act",	F_INT,		0, 1, 100, NULL },
	{ "facts",	F_STRING,	1, 2, 2000, NULL },
	{ "warning",	F_BOOL,		0, 0, 0, NULL },
	{ "first_exempt", F_BOOL,	0, 0, 0, NULL },
	{ "exempt_reason", F_STRING,	0, 2, 500, NULL },
	{ "justification", F_STRING,	0, 2, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_withdraw[] = {
	{ "reason",	F_STRING,	1, 2, 500, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_evidence[] = {
	{ "kind",	F_STRING,	1, 4, 10, api_enf_evidence },
	{ "file_id",	F_ID,		0, 0, 0, NULL },
	{ "ref_id",	F_ID,		0, 0, 0, NULL },
	{ "description", F_STRING,	1, 2, 1000, NULL },
	{ "collected_on", F_STRING,	0, 10, 10, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_measure[] = {
	{ "kind",	F_STRING,	1, 1, 40, NULL },
	{ "legal_ground", F_STRING,	0, 1, 100, NULL },
	{ "note",	F_STRING,	0, 1, 1000, NULL },
	{ "decided_on",	F_STRING,	0, 10, 10, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_officer[] = {
	{ "user_id",	F_ID,		1, 0, 0, NULL },
	{ "role",	F_STRING,	0, 4, 6, api_enf_roles },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_reason[] = {
	{ "reason",	F_STRING,	1, 2, 500, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_unmask[] = {
	{ "reason",	F_STRING,	1, 4, 200, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_enf_f_suggest[] = {
	API_ENF_ENGINE_FIELDS,
	{ "party",	F_STRING,	1, 4, 10, api_enf_parties },
	{ "age",	F_INT,		0, 0, PENALTY_AGE_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_enf_rules(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = enforce_rules_json(&j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_enf_items(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = penalty_items_json(req_query(r, "version"), &j,
	    &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_enf_suggest(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = req_query_object(r, api_enf_f_suggest, &r->err)) < 0 ||
	    (rc = enforce_penalty_suggest(r->st, r->who, r->json, &j,
	    &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

/* ?user_id, unit_id, status, valid_on with paging. */
static int
api_enf_officers(struct req *r, struct resp *w, int cert)
{
	struct enforce_officer_filter	 f;
	json_t				*items = NULL;
	int64_t				 offset, limit, total = 0, id;
	int				 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	memset(&f, 0, sizeof(f));
	f.status = req_query(r, "status");
	f.valid_on = req_query(r, "valid_on");
	if (req_query(r, "user_id") != NULL) {
		if ((rc = req_query_int(r, "user_id", 1, INT64_MAX, 0, &id,
		    &r->err)) < 0)
			return rc;
		f.user_id = id;
	}
	if (req_query(r, "unit_id") != NULL) {
		if ((rc = req_query_int(r, "unit_id", 1, INT64_MAX, 0, &id,
		    &r->err)) < 0)
			return rc;
		f.unit_id = id;
	}
	if ((rc = enforce_officer_list(r->st, r->who, cert, &f, offset, limit,
	    &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_enf_certs(struct req *r, struct resp *w)
{
	return api_enf_officers(r, w, 1);
}

static int
api_enf_conflicts(struct req *r, struct resp *w)
{
	return api_enf_officers(r, w, 0);
}

static int
api_enf_cert_new(struct req *r, struct resp *w)
{
	return api_create(r, w, enforce_cert_create);
}

static int
api_enf_conflict_new(struct req *r, struct resp *w)
{
	return api_create(r, w, enforce_conflict_create);
}

/* A change of the record in {id} with the body, If-Match optional. */
static int
api_enf_change(struct req *r, struct resp *w, api_upd_fn fn)
{
	json_t	*j = NULL;
	int64_t	 id, version;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = api_if_match_opt(r, &version)) < 0)
		return rc;
	if ((rc = fn(r->st, r->who, id, version, r->json, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_enf_cert_revoke(struct req *r, struct resp *w)
{
	return api_enf_change(r, w, enforce_cert_revoke);
}

static int
api_enf_conflict_end(struct req *r, struct resp *w)
{
	return api_enf_change(r, w, enforce_conflict_end);
}

/* Cases. */

static int
api_enf_filter(struct req *r, struct enforce_case_filter *f)
{
	const char	*v;
	int64_t		 id;
	int		 rc;

	memset(f, 0, sizeof(*f));
	f->status = req_query(r, "status");
	f->procedure = req_query(r, "procedure");
	f->source = req_query(r, "source");
	f->town = req_query(r, "town");
	f->q = req_query(r, "q");
	f->sort = req_query(r, "sort");
	v = req_query(r, "overdue");
	f->overdue = v != NULL && (strcmp(v, "1") == 0 ||
	    strcmp(v, "true") == 0);
	v = req_query(r, "mine");
	f->mine = v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	if (req_query(r, "unit_id") != NULL) {
		if ((rc = req_query_int(r, "unit_id", 1, INT64_MAX, 0, &id,
		    &r->err)) < 0)
			return rc;
		f->unit_id = id;
	}
	return 0;
}

#define API_ENF_EXPORT_MAX	100000

static int
api_enf_list(struct req *r, struct resp *w)
{
	struct enforce_case_filter	 f;
	struct buf			 out;
	json_t				*items = NULL;
	const char			*format = req_query(r, "format");
	const char			*ctype = NULL;
	int64_t				 offset, limit, total = 0;
	size_t				 len;
	int				 rc;

	if ((rc = api_enf_filter(r, &f)) < 0)
		return rc;
	if (format != NULL) {
		buf_init(&out);
		if ((rc = enforce_case_export(r->st, r->who, &f, format,
		    API_ENF_EXPORT_MAX, &out, &ctype, &r->err)) < 0) {
			buf_free(&out);
			return rc;
		}
		len = out.len;
		w->attachment = xasprintf("cases-%lld.%s", (long long)
		    clock_now(), strcmp(format, "xlsx") == 0 ? "xlsx" : "csv");
		return resp_raw(w, 200, ctype, buf_release(&out), len);
	}
	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = enforce_case_list(r->st, r->who, &f, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_enf_new(struct req *r, struct resp *w)
{
	return api_create(r, w, enforce_case_create);
}

static int
api_enf_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, enforce_case_get);
}

static int
api_enf_archive(struct req *r, struct resp *w)
{
	return api_by_id(r, w, enforce_archive);
}

static int
api_enf_unmask(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = enforce_case_unmask(r->st, r->who, id, r->json, &j,
	    &r->err)) < 0)
		return rc;
	/* Not a change of the case: no ETag. */
	return resp_data(w, j);
}

static int
api_enf_violation(struct req *r, struct resp *w)
{
	return api_update_new(r, w, enforce_case_add_violation);
}

static int
api_enf_evidence_new(struct req *r, struct resp *w)
{
	return api_update_new(r, w, enforce_case_add_evidence);
}

static int
api_enf_measure(struct req *r, struct resp *w)
{
	return api_update_new(r, w, enforce_case_add_measure);
}

static int
api_enf_officer(struct req *r, struct resp *w)
{
	return api_update_new(r, w, enforce_case_add_officer);
}

/* A change of a part ({sub}) of the case in {id}: If-Match required. */
static int
api_enf_sub(struct req *r, struct resp *w, const char *sub,
    int (*fn)(struct store *, struct actor *, int64_t, int64_t, int64_t,
    const json_t *, json_t **, struct err *))
{
	json_t	*j = NULL;
	int64_t	 id, sid, version;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_param_id(r, sub, &sid, &r->err)) < 0 ||
	    (rc = req_if_match(r, &version, &r->err)) < 0)
		return rc;
	if ((rc = fn(r->st, r->who, id, sid, version, r->json, &j,
	    &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_enf_withdraw(struct req *r, struct resp *w)
{
	return api_enf_sub(r, w, "vid", enforce_case_withdraw_violation);
}

static int
api_enf_recuse(struct req *r, struct resp *w)
{
	return api_enf_sub(r, w, "uid", enforce_case_recuse);
}

const struct route api_enforce_routes[] = {
	{ "GET", "/api/v1/cases/rules", "case:read", 0, api_enf_rules,
	    "Clocks, thresholds, numbers and measures of enforcement "
	    "(ENF-001)", NULL },
	{ "GET", "/api/v1/penalty/items", "case:read", 0, api_enf_items,
	    "The violation items of the discretion engine (?version)", NULL },
	{ "GET", "/api/v1/penalty/suggest", "case:read", 0,
	    api_enf_suggest,
	    "The discretion engine's suggestion for one violation (the JSON "
	    "of `firewarden penalty suggest`); the facts in the query string "
	    "(item, party, tier, band, area, first, corrected, harm, "
	    "self_found, no_fault, mitigating=a,b, reduce, age, amount); "
	    "changes nothing", NULL },
	{ "GET", "/api/v1/officer-certs", "case:read", 0, api_enf_certs,
	    "Enforcement certificates (?user_id, status, valid_on)", NULL },
	{ "POST", "/api/v1/officer-certs", "officer:manage", ROUTE_WRITE,
	    api_enf_cert_new, "Record an officer's enforcement certificate "
	    "(ENF-003)", api_enf_f_cert },
	{ "POST", "/api/v1/officer-certs/{id}/revoke", "officer:manage",
	    ROUTE_WRITE, api_enf_cert_revoke, "Revoke a certificate",
	    api_enf_f_revoke },
	{ "GET", "/api/v1/officer-conflicts", "case:read", 0,
	    api_enf_conflicts, "Recorded conflicts of interest (?user_id, "
	    "unit_id, status)", NULL },
	{ "POST", "/api/v1/officer-conflicts", "officer:manage", ROUTE_WRITE,
	    api_enf_conflict_new, "Record a conflict of interest (ENF-004)",
	    api_enf_f_conflict },
	{ "POST", "/api/v1/officer-conflicts/{id}/end", "officer:manage",
	    ROUTE_WRITE, api_enf_conflict_end, "End a conflict",
	    api_enf_f_end },
	{ "GET", "/api/v1/cases", "case:read", 0, api_enf_list,
	    "Cases (?status, procedure, source, town, unit_id, mine, overdue, "
	    "q, sort, offset, limit; format=csv|xlsx exports)", NULL },
	{ "POST", "/api/v1/cases", "case:write", ROUTE_WRITE, api_enf_new,
	    "Open a case under the simple or the general procedure",
	    api_enf_f_case },
	{ "GET", "/api/v1/cases/{id}", "case:read", 0, api_enf_get,
	    "One case with officers, violations, evidence, measures and "
	    "timeline (personal data masked)", NULL },
	{ "GET", "/api/v1/cases/{id}/archive", "case:read", 0,
	    api_enf_archive, "The case file (一案一档): catalogue, documents, "
	    "evidence with SM3, the decision checked against its seal, audit "
	    "entries", NULL },
	{ "POST", "/api/v1/cases/{id}/unmask", "registry:unmask", ROUTE_WRITE,
	    api_enf_unmask, "The case with the party's personal data in "
	    "clear, for a reason (P-2)", api_enf_f_unmask },
	{ "POST", "/api/v1/cases/{id}/violations", "case:write", ROUTE_WRITE,
	    api_enf_violation, "Add a violation weighed by the discretion "
	    "engine (If-Match)", api_enf_f_violation },
	{ "POST", "/api/v1/cases/{id}/violations/{vid}/withdraw",
	    "case:write", ROUTE_WRITE, api_enf_withdraw, "Withdraw a "
	    "violation (If-Match)", api_enf_f_withdraw },
	{ "POST", "/api/v1/cases/{id}/evidence", "case:write", ROUTE_WRITE,
	    api_enf_evidence_new, "Add evidence: files or records (If-Match)",
	    api_enf_f_evidence },
	{ "POST", "/api/v1/cases/{id}/measures", "case:write", ROUTE_WRITE,
	    api_enf_measure, "Add a measure; a coercive one with its legal "
	    "ground (If-Match)", api_enf_f_measure },
	{ "POST", "/api/v1/cases/{id}/officers", "case:write", ROUTE_WRITE,
	    api_enf_officer, "Add an officer with a valid certificate "
	    "(If-Match)", api_enf_f_officer },
	{ "POST", "/api/v1/cases/{id}/officers/{uid}/recuse", "case:approve",
	    ROUTE_WRITE, api_enf_recuse, "Recuse an officer (回避; If-Match)",
	    api_enf_f_reason },
	ROUTE_END
};
