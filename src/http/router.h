/*
 * The router: matches a request to a route of the api/ tables and runs
 * the fixed pipeline around the handler — session, permission, password
 * state, CSRF and Origin, media type, body validation, Idempotency-Key,
 * transaction and audit check.  Handlers only validate, call the domain
 * and render.
 */
#ifndef FW_ROUTER_H
#define FW_ROUTER_H

#include "../core/buf.h"
#include "route.h"

struct router_conf {
	/* Comma-separated allowed Origin values; NULL: same host only. */
	const char	*origins;
};

/*
 * Check every table: each route has a method, a pattern under /api/v1, a
 * permission, a handler; public routes use "public".  Problems are
 * written to report; returns their count.
 */
int		 router_check(struct buf *report);
void		 router_configure(const struct router_conf *c);
/* Number of routes over all tables; route indexes are 0..n-1. */
int		 router_nroutes(void);
const struct route *router_route(int idx);

/*
 * Handle an /api/ request.  Fills w (an error envelope is rendered by
 * the caller from the return code when it is negative) and *route_idx
 * (-1 when nothing matched).  The request's actor must be set up by the
 * caller with request id and ip.
 */
int		 router_handle(struct req *r, struct resp *w, int *route_idx);

/*
 * The flags of the route method and path would reach, or 0 when none
 * matches (used by the server to pick a body limit before reading it).
 */
unsigned	 router_flags_for(const char *method, const char *path);
/* The route method and path would reach, or NULL. */
const struct route *router_find(const char *method, const char *path);
/*
 * The raw body a ROUTE_RAW or ROUTE_CSV route takes, as its F_RAW row
 * (route.h), or NULL for a route with a JSON body.  ROUTE_CSV's row is
 * text/csv, empty allowed, max 0: the server's CSV limit.
 */
const struct field *router_raw_body(const struct route *rt);

/* Render the error envelope for rc into w. */
void		 router_error(struct resp *w, int rc, const struct err *e,
		    const char *request_id);

#endif
