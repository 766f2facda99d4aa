/*
 * Route tables.  Each api/ module exports one NULL-terminated array of
 * routes; the router matches method and pattern, and the flags and
 * permission say what the router does before and after the handler
 * (authentication, CSRF, body validation, transaction, audit check).
 */
#ifndef FW_ROUTE_H
#define FW_ROUTE_H

#include "req.h"

enum route_flag {
	/* State-changing: runs in a transaction that must append >= 1 audit
	 * entry; needs the CSRF header (unless ROUTE_NO_CSRF); honours
	 * Idempotency-Key on POST. */
	ROUTE_WRITE		= 1 << 0,
	/* No session needed (perm must then be "public"). */
	ROUTE_PUBLIC		= 1 << 1,
	/* No CSRF token (there is no session yet: login). */
	ROUTE_NO_CSRF		= 1 << 2,
	/* Allowed while the user must still change their password. */
	ROUTE_PENDING_OK	= 1 << 3,
	/* The handler's domain call runs its own transactions (login: the
	 * scrypt work must not hold the write lock, and failed attempts
	 * must be committed); the router opens none but still requires an
	 * audit entry.  No Idempotency-Key. */
	ROUTE_OWN_TX		= 1 << 4,
	/* The body is CSV text (Content-Type text/csv, any parameters),
	 * handed to the handler as it came, in r->body; it is not parsed as
	 * JSON and the route has no field table.  Only with ROUTE_WRITE.
	 * Every other write route keeps the JSON rule (SECURITY.md I-1).
	 * It is the raw body below with the media type text/csv, any size
	 * up to the server's CSV limit, empty allowed. */
	ROUTE_CSV		= 1 << 5,
	/* The body is raw bytes (an upload), described by the route's body
	 * table, which then holds one F_RAW row: its key names the body in
	 * errors, min..max are the sizes accepted in bytes (max is also the
	 * server's body limit for the route) and choices the media types
	 * (matched without parameters).  The router answers 415 naming
	 * Content-Type for another type, 400 for an empty body when min >
	 * 0, 413 past max; the handler gets the bytes in r->body.  Only
	 * with ROUTE_WRITE (I-1, I-5). */
	ROUTE_RAW		= 1 << 6,
};

typedef int (*route_fn)(struct req *r, struct resp *w);

struct route {
	const char		*method;
	const char		*pattern;	/* /api/v1/users/{id} */
	/* "<module>:<action>", "login" (any signed-in user) or "public".
	 * A route without one fails the test suite (SECURITY.md Z-1). */
	const char		*perm;
	unsigned		 flags;
	route_fn		 fn;
	const char		*summary;	/* OpenAPI summary */
	const struct field	*body;		/* accepted body, or NULL */
};

#define ROUTE_END	{ NULL, NULL, NULL, 0, NULL, NULL, NULL }

#endif
