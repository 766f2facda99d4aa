/*
 * Routes of payments of fines (enforce_pay.c; docs/modules/enforce_pay.md):
 * the payment platforms' signed callback, which needs no session (the
 * HMAC-SM3 signature of the raw body under the platform's shared key is
 * its credential, so the body reaches the handler as bytes and is parsed
 * only after the signature verifies), a case's payments, and the public
 * look-up of a payment code.
 */
#include "../domain/enforce_pay.h"
#include "api.h"

static const char *const	api_pay_json[] = { "application/json", NULL };

/* The raw body: JSON, parsed by enforce_pay_parse() after the signature. */
static const struct field	api_pay_callback_body[] = {
	{ "body", F_RAW, 1, 2, ENFORCE_PAY_BODY_MAX, api_pay_json },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_pay_callback(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = enforce_pay_callback(r->st, r->who, req_header(r,
	    "X-Fw-Platform"), req_header(r, "X-Fw-Signature"), r->body,
	    r->body_len, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_pay_case(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = enforce_pay_case(r->st, r->who, id, &items, &r->err)) < 0)
		return rc;
	return resp_list(w, items, 0, (int64_t)json_array_size(items),
	    (int64_t)json_array_size(items));
}

static int
api_pay_public(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = enforce_pay_public(r->st, req_param(r, "code"), &j,
	    &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

const struct route api_payment_routes[] = {
	{ "POST", "/api/v1/payments/callback", "public",
	    ROUTE_WRITE | ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_RAW,
	    api_pay_callback, "A payment platform's confirmation, signed: "
	    "X-Fw-Platform and X-Fw-Signature (hex HMAC-SM3 of the raw body)",
	    api_pay_callback_body },
	{ "GET", "/api/v1/cases/{id}/payments", "case:read", 0, api_pay_case,
	    "The payment notices of a case with their callbacks and the "
	    "amount due today", NULL },
	{ "GET", "/api/v1/public/payments/{code}", "public", ROUTE_PUBLIC,
	    api_pay_public, "What to pay for a payment code: decision number, "
	    "fine, late fee to date, last day, status", NULL },
	ROUTE_END
};
