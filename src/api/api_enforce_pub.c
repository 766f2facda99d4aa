/*
 * Routes of the enforcement documents, publication and flags: a case's
 * documents as PDF, publishing its decision, the public decisions, and
 * the out-of-range and outlier flags for supervision.  The rules
 * (ENF-040..069) are domain/enforce_doc.c, enforce_pub.c, enforce_flag.c's.
 */
#include <string.h>

#include "../domain/enforce.h"
#include "../domain/enforce_pub.h"
#include "api.h"
#include "api_shape.h"

/* GET /cases/{id}/documents/{kind}.pdf */
static int
api_enfp_pdf(struct req *r, struct resp *w)
{
	struct buf	 out;
	const char	*k = req_param(r, "kind");
	char		*name = NULL, kind[32];
	size_t		 len, n;
	int64_t		 id;
	int		 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	n = k ? strlen(k) : 0;
	if (n <= 4 || n - 4 >= sizeof(kind) || strcmp(k + n - 4, ".pdf") != 0)
		return err_set(&r->err, ERR_NOT_FOUND, "kind", "no such "
		    "document: {kind}.pdf");
	memcpy(kind, k, n - 4);
	kind[n - 4] = '\0';
	buf_init(&out);
	if ((rc = enforce_pdf(r->st, r->who, id, kind, &out, &name,
	    &r->err)) < 0) {
		buf_free(&out);
		return rc;
	}
	len = out.len;
	w->attachment = name;
	return resp_raw(w, 200, "application/pdf", buf_release(&out), len);
}

/* POST /cases/{id}/publish: 201 with the public record. */
static int
api_enfp_publish(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 created = 0, rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = enforce_pub_publish(r->st, r->who, id, &created, &j,
	    &r->err)) < 0)
		return rc;
	if (!created) {
		/* Published once (ENF-051): nothing to record again. */
		rc = err_set(&r->err, ERR_POLICY, "published_on", "the decision "
		    "was published on %s", json_string_value(json_object_get(j,
		    "published_on")));
		json_decref(j);
		return rc;
	}
	return api_out(w, j, 1);
}

/* GET /public/decisions?q&town&year */
static int
api_enfp_public_list(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = enforce_pub_list(r->st, req_query(r, "q"),
	    req_query(r, "town"), req_query(r, "year"), offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_enfp_public_get(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = enforce_pub_get(r->st, id, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

/* GET /cases/flags?kind=out_of_range|outlier */
static int
api_enfp_flags(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = enforce_flags(r->st, r->who, req_query(r, "kind"), offset,
	    limit, &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

/* Listed before api_enforce_routes: /cases/flags is not /cases/{id}. */
const struct route api_enforce_pub_routes[] = {
	{ "GET", "/api/v1/cases/flags", "case:supervise", 0, api_enfp_flags,
	    "Out-of-range and outlier fines for supervision "
	    "(?kind=out_of_range|outlier)", NULL },
	{ "GET", "/api/v1/cases/{id}/documents/{kind}", "case:read", 0,
	    api_enfp_pdf, "A document as PDF: notice.pdf, decision.pdf, "
	    "no_penalty.pdf, payment.pdf, hearing.pdf", NULL },
	{ "POST", "/api/v1/cases/{id}/publish", "case:write", ROUTE_WRITE,
	    api_enfp_publish, "Publish the decision now (行政处罚决定公开)",
	    NULL },
	{ "GET", "/api/v1/public/decisions", "public", ROUTE_PUBLIC,
	    api_enfp_public_list, "Published penalty decisions (?q, town, "
	    "year)", NULL },
	{ "GET", "/api/v1/public/decisions/{id}", "public", ROUTE_PUBLIC,
	    api_enfp_public_get, "One published penalty decision", NULL },
	ROUTE_END
};
