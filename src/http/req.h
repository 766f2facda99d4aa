/*
 * A request as handlers see it, and the response they fill in.  No
 * libmicrohttpd types appear here: the server fills these structures and
 * api/ handlers use only the req_* and resp_* helpers declared below.
 */
#ifndef FW_REQ_H
#define FW_REQ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../domain/actor.h"
#include "../store/store.h"

#define REQ_MAX_PARAMS		8
#define REQ_MAX_QUERY		32
#define REQ_PAGE_MAX		200
#define REQ_PAGE_DEFAULT	20

struct req_kv {
	const char	*key;
	const char	*val;
};

struct req {
	const char	*method;
	const char	*path;
	struct req_kv	 params[REQ_MAX_PARAMS];	/* {name} captures */
	int		 nparams;
	struct req_kv	 query[REQ_MAX_QUERY];
	int		 nquery;
	const char	*body;
	size_t		 body_len;
	json_t		*json;		/* parsed body of write routes, or NULL */
	const char	*if_match;	/* raw header or NULL */
	const char	*user_agent;
	struct store	*st;
	struct actor	*who;
	struct err	 err;
	void		*conn;		/* server-private */
};

struct resp {
	int		 status;
	json_t		*body;		/* {"data": ...} or NULL */
	char		*raw;		/* a non-JSON body (owned) */
	size_t		 raw_len;
	const char	*content_type;	/* for raw */
	char		*set_cookie;	/* owned */
	char		*etag;		/* owned */
	int		 retry_after;	/* seconds, 0 = none */
	char		*attachment;	/* download file name (ASCII), owned */
	int		 inline_file;	/* with attachment: shown, not saved */
	const char	*csp;		/* replaces the default CSP (static) */
};

/* The value of header name (case-insensitive), or NULL. */
const char	*req_header(struct req *r, const char *name);
/* The value of cookie name, or NULL. */
const char	*req_cookie(struct req *r, const char *name);
/* A {name} path capture; NULL if absent. */
const char	*req_param(struct req *r, const char *name);
/* A {name} path capture parsed as a positive id; ERR_NOT_FOUND if not one. */
int		 req_param_id(struct req *r, const char *name, int64_t *out,
		    struct err *e);
/* A query-string value, or NULL. */
const char	*req_query(struct req *r, const char *name);
/* A query-string integer in [min, max], def when absent; ERR_INVALID names it. */
int		 req_query_int(struct req *r, const char *name, int64_t min,
		    int64_t max, int64_t def, int64_t *out, struct err *e);
/* offset/limit paging from the query string (limit <= REQ_PAGE_MAX). */
int		 req_page(struct req *r, int64_t *offset, int64_t *limit,
		    struct err *e);
/*
 * The If-Match version: ERR_PRECONDITION (428) when absent, ERR_INVALID
 * when not a version.  Accepts `"3"`, `W/"3"` and `3`.
 */
int		 req_if_match(struct req *r, int64_t *version, struct err *e);

/*
 * Body validation against a table of accepted fields (SECURITY.md I-1):
 * unknown fields, missing required ones, wrong types, lengths, ranges and
 * enums are rejected with the field named.
 */
/*
 * F_OBJECT and F_LIST check only the JSON type and, for F_LIST, min..max
 * entries: their content is the domain's to check, which names the path
 * of a bad entry (e.g. "team[1].count").
 */
/*
 * F_RAW describes the raw body of a ROUTE_RAW route (route.h), never a
 * JSON field.
 */
enum field_type { F_STRING, F_INT, F_BOOL, F_ID, F_STRINGS, F_OBJECT,
	F_LIST, F_RAW };

struct field {
	const char		 *key;
	enum field_type		  type;
	int			  required;
	int64_t			  min;	/* string: code points; int: value */
	int64_t			  max;
	const char *const	 *choices;	/* NULL-terminated, or NULL */
};
int		 req_body_check(struct req *r, const struct field *fields,
		    struct err *e);
/*
 * A GET whose query string carries what a body would (a calculation that
 * changes nothing): the query's parameters typed by fields into r->json —
 * F_STRING as it is, F_INT as a decimal integer, F_BOOL as true/false/1/0,
 * F_STRINGS as a comma-separated list — then req_body_check().  A
 * parameter not in fields, or given twice, is named (I-1).
 */
int		 req_query_object(struct req *r, const struct field *fields,
		    struct err *e);
/* Accessors for a checked body; NULL / def when absent. */
const char	*req_str(struct req *r, const char *key);
int64_t		 req_int(struct req *r, const char *key, int64_t def);

/* {"data": data} with status 200 (201 for resp_created); steals data. */
int		 resp_data(struct resp *w, json_t *data);
int		 resp_created(struct resp *w, json_t *data);
/* {"data": [...], "page": {offset, limit, total, total_exact}}; steals items. */
int		 resp_list(struct resp *w, json_t *items, int64_t offset,
		    int64_t limit, int64_t total);
/*
 * The same with "total_exact": 0 when the total is only a lower bound
 * (a list that stops counting at a cap); resp_list() says 1.
 */
int		 resp_list_bounded(struct resp *w, json_t *items,
		    int64_t offset, int64_t limit, int64_t total, int exact);
/* A raw body with a content type; takes ownership of p. */
int		 resp_raw(struct resp *w, int status, const char *ctype, char *p,
		    size_t n);
/* ETag "version" for a record. */
void		 resp_etag(struct resp *w, int64_t version);

#endif
