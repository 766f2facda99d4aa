/*
 * Public endpoints of electronic certificates (specs/ecert-v1.md,
 * docs/modules/ecert.md): the published certificate keys, and the online
 * check of a QR text.  A text that is not a certificate code is a bad
 * request (400 naming `code`); a code whose signature does not verify is
 * an answer (200, "valid": false with the reason), as is its status.
 */
#include "../domain/ecert.h"
#include "api.h"

static int
api_ecert_keys(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = ecert_key_list(r->st, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_ecert_verify(struct req *r, struct resp *w)
{
	const char	*code = req_query(r, "code");
	json_t		*j = NULL;
	int		 rc;

	if (code == NULL)
		return err_set(&r->err, ERR_MISSING, "code",
		    "code is required");
	if ((rc = ecert_check(r->st, code, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

const struct route api_ecert_routes[] = {
	{ "GET", "/api/v1/public/ecert/keys", "public", ROUTE_PUBLIC,
	    api_ecert_keys, "Certificate keys, current and retired, as PEM",
	    NULL },
	{ "GET", "/api/v1/public/ecert/verify", "public", ROUTE_PUBLIC,
	    api_ecert_verify, "Check a certificate code (?code=FWC1....): "
	    "signature and status", NULL },
	ROUTE_END
};
