/*
 * Audit trail endpoints, exactly the table of specs/audit-log-v1.md plus
 * a search for the console's audit browser and signing on demand.
 */
#include <stdlib.h>
#include <string.h>

#include "../domain/audit.h"
#include "api.h"

static int
api_audit_sth(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 size;
	int	 rc;

	if ((rc = req_query_int(r, "size", 0, INT64_MAX, -1, &size,
	    &r->err)) < 0)
		return rc;
	if ((rc = audit_sth_json(r->st, size, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_audit_keys(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = audit_keys_json(r->st, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_audit_consistency(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 first, second;
	int	 rc;

	if ((rc = req_query_int(r, "first", 1, INT64_MAX, 0, &first,
	    &r->err)) < 0 || (rc = req_query_int(r, "second", 1, INT64_MAX, 0,
	    &second, &r->err)) < 0)
		return rc;
	if (first == 0)
		return err_set(&r->err, ERR_MISSING, "first", "first is required");
	if (second == 0)
		return err_set(&r->err, ERR_MISSING, "second",
		    "second is required");
	if ((rc = audit_consistency_json(r->st, first, second, &j,
	    &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_audit_entries(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 start, end;
	int	 rc;

	if ((rc = req_query_int(r, "start", 0, INT64_MAX, 0, &start,
	    &r->err)) < 0)
		return rc;
	/* A page of 100 by default; start + 100 must not overflow. */
	if ((rc = req_query_int(r, "end", 0, INT64_MAX, start > INT64_MAX -
	    100 ? INT64_MAX : start + 100, &end, &r->err)) < 0)
		return rc;
	if ((rc = audit_entries_json(r->st, start, end, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_audit_inclusion(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 index, size;
	int	 rc;

	if ((rc = req_query_int(r, "index", 0, INT64_MAX, -1, &index,
	    &r->err)) < 0 || (rc = req_query_int(r, "size", 1, INT64_MAX, 0,
	    &size, &r->err)) < 0)
		return rc;
	if (index < 0)
		return err_set(&r->err, ERR_MISSING, "index", "index is required");
	if (size == 0)
		return err_set(&r->err, ERR_MISSING, "size", "size is required");
	if ((rc = audit_inclusion_json(r->st, index, size, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_audit_object(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = audit_object_json(r->st, req_param(r, "type"),
	    req_param(r, "id"), offset, limit, &j, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, j, offset, limit, total);
}

static int
api_audit_check_token(struct req *r, const char *name)
{
	const char	*v = req_query(r, name), *p;

	if (v == NULL)
		return 0;
	if (strlen(v) > 64)
		return err_set(&r->err, ERR_RANGE, name, "%s is too long", name);
	for (p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '/' || *p == '-'))
			return err_set(&r->err, ERR_INVALID, name,
			    "%s has characters other than a-z 0-9 . _ / -",
			    name);
	return 0;
}

static int
api_audit_search(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 offset, limit, from, to, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = req_query_int(r, "from", 0, INT64_MAX, 0, &from,
	    &r->err)) < 0 ||
	    (rc = req_query_int(r, "to", 0, INT64_MAX, 0, &to, &r->err)) < 0 ||
	    (rc = api_audit_check_token(r, "actor")) < 0 ||
	    (rc = api_audit_check_token(r, "action")) < 0 ||
	    (rc = api_audit_check_token(r, "object")) < 0)
		return rc;
	if ((rc = audit_search_json(r->st, req_query(r, "actor"),
	    req_query(r, "action"), req_query(r, "object"), from, to, offset,
	    limit, &j, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, j, offset, limit, total);
}

static int
api_audit_sign(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = audit_sign_now(r->st, r->who, &j, &r->err)) < 0)
		return rc;
	return resp_created(w, j);
}

const struct route api_audit_routes[] = {
	{ "GET", "/api/v1/public/audit/sth", "public", ROUTE_PUBLIC,
	    api_audit_sth, "Latest (or ?size=N) signed tree head", NULL },
	{ "GET", "/api/v1/public/audit/keys", "public", ROUTE_PUBLIC,
	    api_audit_keys, "Public keys of tree-head signers", NULL },
	{ "GET", "/api/v1/public/audit/consistency", "public", ROUTE_PUBLIC,
	    api_audit_consistency, "Consistency proof between two sizes",
	    NULL },
	{ "GET", "/api/v1/audit/entries", "audit:read", 0,
	    api_audit_entries, "Entries start <= index < end", NULL },
	{ "GET", "/api/v1/audit/inclusion", "audit:read", 0,
	    api_audit_inclusion, "Inclusion proof of one entry", NULL },
	{ "GET", "/api/v1/audit/objects/{type}/{id}", "audit:read", 0,
	    api_audit_object, "Entries of one object", NULL },
	{ "GET", "/api/v1/audit/search", "audit:read", 0,
	    api_audit_search, "Search entries by actor, action, object, time",
	    NULL },
	{ "POST", "/api/v1/audit/sth", "audit:read", ROUTE_WRITE,
	    api_audit_sign, "Sign a tree head now", NULL },
	ROUTE_END
};
