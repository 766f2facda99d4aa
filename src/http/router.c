/*
 * Route matching and the request pipeline (see router.h).  Writes run in
 * one transaction that must append at least one audit entry (L-1); a
 * commit that fails with an I/O error ends the process, since the
 * database can no longer be trusted to have what it acknowledged.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../api/api.h"
#include "../core/jx.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "../domain/account.h"
#include "../domain/audit.h"
#include "../domain/idem.h"
#include "router.h"

#define ROUTER_MAX_SEGS	16
#define ROUTER_SID	"__Host-sid"

static struct router_conf	router_cf;

void
router_configure(const struct router_conf *c)
{
	router_cf = *c;
}

/*
 * The route tables flattened once, each pattern split into its segments
 * (a {name} segment is a capture): matching a request then compares
 * segment counts and strings, without walking the tables from the start
 * for every route or allocating the names of captures.
 */
struct router_pat {
	const struct route	*rt;
	int			 nsegs;		/* -1: too many, never matches */
	const char		*seg[ROUTER_MAX_SEGS];	/* literal or name */
	unsigned		 param;		/* bit i: seg[i] is a capture */
};

static pthread_once_t		 router_once = PTHREAD_ONCE_INIT;
static struct router_pat	*router_pats;
static int			 router_npats;

static void
router_index(void)
{
	const struct route	*const *t, *rt;
	struct router_pat	*pt;
	const char		*p, *end;
	size_t			 len;
	int			 n = 0;

	for (t = api_tables; *t; t++)
		for (rt = *t; rt->method; rt++)
			n++;
	router_pats = xcalloc((size_t)n + 1, sizeof(*router_pats));
	for (t = api_tables; *t; t++)
		for (rt = *t; rt->method; rt++) {
			pt = &router_pats[router_npats++];
			pt->rt = rt;
			for (p = rt->pattern ? rt->pattern : ""; *p == '/'; p++)
				;
			while (*p) {
				end = strchr(p, '/');
				len = end ? (size_t)(end - p) : strlen(p);
				if (pt->nsegs == ROUTER_MAX_SEGS) {
					pt->nsegs = -1;
					break;
				}
				if (len >= 2 && p[0] == '{' &&
				    p[len - 1] == '}') {
					pt->param |= 1u << pt->nsegs;
					pt->seg[pt->nsegs++] =
					    xstrndup(p + 1, len - 2);
				} else
					pt->seg[pt->nsegs++] = xstrndup(p, len);
				for (p += len; *p == '/'; p++)
					;
			}
		}
}

static void
router_indexed(void)
{
	pthread_once(&router_once, router_index);
}

int
router_nroutes(void)
{
	router_indexed();
	return router_npats;
}

const struct route *
router_route(int idx)
{
	router_indexed();
	return idx >= 0 && idx < router_npats ? router_pats[idx].rt : NULL;
}

int
router_check(struct buf *report)
{
	const struct route	*rt;
	const struct field	*f;
	int			 i, n = router_nroutes(), bad = 0;

	for (i = 0; i < n; i++) {
		rt = router_route(i);
		if (rt->pattern == NULL || strncmp(rt->pattern, "/api/v1/", 8)) {
			buf_printf(report, "route %d: pattern outside /api/v1\n", i);
			bad++;
			continue;
		}
		if (rt->perm == NULL || *rt->perm == '\0') {
			buf_printf(report, "%s %s: no permission\n", rt->method,
			    rt->pattern);
			bad++;
		} else if ((rt->flags & ROUTE_PUBLIC) !=
		    (strcmp(rt->perm, "public") == 0 ? ROUTE_PUBLIC : 0)) {
			buf_printf(report, "%s %s: public flag and permission "
			    "\"public\" must go together\n", rt->method,
			    rt->pattern);
			bad++;
		} else if (strcmp(rt->perm, "public") != 0 &&
		    strcmp(rt->perm, "login") != 0 &&
		    strchr(rt->perm, ':') == NULL) {
			buf_printf(report, "%s %s: permission %s is not "
			    "<module>:<action>\n", rt->method, rt->pattern,
			    rt->perm);
			bad++;
		}
		if (rt->fn == NULL) {
			buf_printf(report, "%s %s: no handler\n", rt->method,
			    rt->pattern);
			bad++;
		}
		if ((rt->flags & ROUTE_WRITE) && strcmp(rt->method, "GET") == 0) {
			buf_printf(report, "%s %s: GET cannot write\n",
			    rt->method, rt->pattern);
			bad++;
		}
		if ((rt->flags & ROUTE_CSV) && (!(rt->flags & ROUTE_WRITE) ||
		    rt->body != NULL)) {
			buf_printf(report, "%s %s: a CSV route writes and has "
			    "no field table\n", rt->method, rt->pattern);
			bad++;
		}
		if ((rt->flags & ROUTE_RAW) && (!(rt->flags & ROUTE_WRITE) ||
		    (rt->flags & ROUTE_CSV) || rt->body == NULL ||
		    rt->body[0].type != F_RAW || rt->body[0].key == NULL ||
		    rt->body[0].choices == NULL ||
		    rt->body[0].choices[0] == NULL || rt->body[0].max <= 0 ||
		    rt->body[0].min > rt->body[0].max ||
		    rt->body[1].key != NULL)) {
			buf_printf(report, "%s %s: a raw-body route writes and "
			    "has one F_RAW row with media types and a size "
			    "limit\n", rt->method, rt->pattern);
			bad++;
		}
		for (f = rt->body; !(rt->flags & ROUTE_RAW) && f && f->key; f++)
			if (f->type == F_RAW) {
				buf_printf(report, "%s %s: F_RAW outside a "
				    "raw-body route\n", rt->method, rt->pattern);
				bad++;
			}
		if (!(rt->flags & ROUTE_WRITE) && strcmp(rt->method, "GET")) {
			buf_printf(report, "%s %s: only GET may be read-only\n",
			    rt->method, rt->pattern);
			bad++;
		}
	}
	return bad;
}

/* Split a path at '/' in place; returns the number of segments. */
static int
router_split(char *p, char *segs[ROUTER_MAX_SEGS])
{
	int	n = 0;

	while (*p == '/')
		p++;
	while (*p && n < ROUTER_MAX_SEGS) {
		segs[n++] = p;
		while (*p && *p != '/')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return *p ? -1 : n;
}

/*
 * Match a route's pattern against the request's segments, capturing
 * {params} (names owned by the index, values by the segments).  A capture
 * takes any non-empty segment.
 */
static int
router_match(const struct router_pat *pt, char *segs[], int nsegs,
    struct req *r)
{
	int	i;

	r->nparams = 0;
	if (pt->nsegs != nsegs)
		return 0;
	/* The last literal segments tell routes apart soonest. */
	for (i = nsegs - 1; i >= 0; i--)
		if (pt->param & (1u << i)) {
			if (segs[i][0] == '\0')
				return 0;
		} else if (strcmp(pt->seg[i], segs[i]) != 0)
			return 0;
	for (i = 0; i < nsegs; i++)
		if (pt->param & (1u << i)) {
			if (r->nparams >= REQ_MAX_PARAMS) {
				r->nparams = 0;
				return 0;
			}
			r->params[r->nparams].key = pt->seg[i];
			r->params[r->nparams].val = segs[i];
			r->nparams++;
		}
	return 1;
}

static void
router_free_params(struct req *r)
{
	r->nparams = 0;
}

const struct route *
router_find(const char *method, const char *path)
{
	const struct route	*rt, *found = NULL;
	struct req		 r;
	char			*p, *segs[ROUTER_MAX_SEGS];
	int			 i, n, nsegs;

	memset(&r, 0, sizeof(r));
	p = xstrdup(path);
	if ((nsegs = router_split(p, segs)) >= 0) {
		n = router_nroutes();
		for (i = 0; i < n; i++) {
			rt = router_pats[i].rt;
			if (strcmp(rt->method, method) != 0 ||
			    !router_match(&router_pats[i], segs, nsegs, &r))
				continue;
			router_free_params(&r);
			found = rt;
			break;
		}
	}
	free(p);
	return found;
}

unsigned
router_flags_for(const char *method, const char *path)
{
	const struct route	*rt = router_find(method, path);

	return rt ? rt->flags : 0;
}

static const char *const	router_csv_types[] = { "text/csv", NULL };
static const struct field	router_csv_body = {
	"body", F_RAW, 0, 0, 0, router_csv_types,
};

const struct field *
router_raw_body(const struct route *rt)
{
	if (rt->flags & ROUTE_CSV)
		return &router_csv_body;
	if ((rt->flags & ROUTE_RAW) && rt->body != NULL &&
	    rt->body[0].type == F_RAW)
		return &rt->body[0];
	return NULL;
}

void
router_error(struct resp *w, int rc, const struct err *e,
    const char *request_id)
{
	const char	*msg = err_default_msg(rc);
	const char	*field = "";

	if (e && e->code == rc && e->msg[0])
		msg = e->msg;
	if (e && e->code == rc)
		field = e->field;
	/* Internal failures never show their detail (I-6). */
	if (err_http_status(rc) >= 500)
		msg = err_default_msg(rc);
	json_decref(w->body);
	free(w->raw);
	w->raw = NULL;
	w->status = err_http_status(rc);
	w->body = json_pack("{s:{s:s, s:s, s:o}, s:s}",
	    "error", "code", err_code_str(rc), "message", msg,
	    "field", *field ? json_string(field) : json_null(),
	    "request_id", request_id);
}

static int
router_origin_ok(struct req *r)
{
	const char	*origin = req_header(r, "Origin");
	const char	*host = req_header(r, "Host");
	const char	*p, *q;
	char		 self[300];
	size_t		 n;

	/* Non-browser clients send no Origin; they still need the token. */
	if (origin == NULL)
		return 1;
	if (host != NULL) {
		snprintf(self, sizeof(self), "http://%s", host);
		if (strcmp(origin, self) == 0)
			return 1;
		snprintf(self, sizeof(self), "https://%s", host);
		if (strcmp(origin, self) == 0)
			return 1;
	}
	for (p = router_cf.origins; p && *p; p = q ? q + 1 : NULL) {
		q = strchr(p, ',');
		n = q ? (size_t)(q - p) : strlen(p);
		if (n == strlen(origin) && strncmp(p, origin, n) == 0)
			return 1;
		if (q == NULL)
			break;
	}
	return 0;
}

/* 1 if the Content-Type is type, with or without parameters. */
static int
router_media_ok(struct req *r, const char *type)
{
	const char	*ct = req_header(r, "Content-Type");
	size_t		 n = strlen(type);

	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/*
 * A raw body (ROUTE_RAW, ROUTE_CSV) against its F_RAW row: one of the
 * media types, within the sizes.  The bytes are the handler's to read.
 */
static int
router_raw_check(struct req *r, const struct field *raw)
{
	const char *const	*t;
	struct buf		 list;
	int			 rc;

	if (r->body_len == 0) {
		if (raw->min > 0)
			return err_set(&r->err, ERR_MISSING, raw->key, "the "
			    "request has no %s", raw->key);
		return 0;
	}
	for (t = raw->choices; *t != NULL; t++)
		if (router_media_ok(r, *t))
			break;
	if (*t == NULL) {
		buf_init(&list);
		for (t = raw->choices; *t != NULL; t++)
			buf_printf(&list, "%s%s", t == raw->choices ? "" :
			    t[1] == NULL ? " or " : ", ", *t);
		rc = err_set(&r->err, ERR_MEDIA_TYPE, "Content-Type",
		    "Content-Type must be %s", list.data);
		buf_free(&list);
		return rc;
	}
	if ((int64_t)r->body_len < raw->min)
		return err_set(&r->err, ERR_RANGE, raw->key, "the %s must be at "
		    "least %lld bytes", raw->key, (long long)raw->min);
	if (raw->max > 0 && (int64_t)r->body_len > raw->max)
		return err_set(&r->err, ERR_TOO_LARGE, raw->key, "the %s may be "
		    "at most %lld bytes", raw->key, (long long)raw->max);
	return 0;
}

/* Record a refused access in its own transaction (A-7, L-4). */
static void
router_audit_denied(struct req *r, const struct route *rt)
{
	if (store_begin(r->st, NULL) < 0)
		return;
	if (audit_append(r->st, r->who, "access.denied", "route",
	    rt->perm, NULL, NULL) < 0 || store_commit(r->st, NULL) < 0)
		store_rollback(r->st);
}

static void
router_fatal_io(void)
{
	log_error("database I/O error at commit: exiting (R-2)");
	_exit(75);
}

static int
router_write(struct req *r, struct resp *w, const struct route *rt)
{
	const char	*key = NULL;
	char		 body_hash[2 * CRYPTO_SM3_LEN + 1];
	char		*stored = NULL, *text = NULL;
	int		 status = 0, rc, tries;

	if (strcmp(r->method, "POST") == 0 && r->who->kind == ACTOR_USER)
		key = req_header(r, "Idempotency-Key");
	if (key != NULL) {
		if (*key == '\0' || strlen(key) > IDEM_KEY_MAX ||
		    !str_utf8_valid(key, strlen(key)))
			return err_set(&r->err, ERR_INVALID, "Idempotency-Key",
			    "Idempotency-Key must be 1 to %d characters",
			    IDEM_KEY_MAX);
		crypto_sm3_hex(r->body ? r->body : "", r->body_len, body_hash);
	}
	if (rt->flags & ROUTE_OWN_TX) {
		/* The domain call runs its own transaction(s); the audit rule
		 * still holds. */
		r->who->audit_count = 0;
		rc = rt->fn(r, w);
		if (store_in_tx(r->st)) {
			store_rollback(r->st);
			rc = err_set(&r->err, ERR_INTERNAL, NULL, "%s %s left a "
			    "transaction open", rt->method, rt->pattern);
		} else if (rc == 0 && r->who->audit_count == 0)
			rc = err_set(&r->err, ERR_INTERNAL, NULL,
			    "%s %s wrote no audit entry", rt->method,
			    rt->pattern);
		if (r->who->audit_count > 0)
			account_session_cache_flush();
		return rc;
	}
	for (tries = 0; tries < 2; tries++) {
		if (key != NULL) {
			rc = idem_lookup(r->st, r->who->user_id, key, r->method,
			    r->path, body_hash, &status, &stored, &r->err);
			if (rc < 0)
				return rc;
			if (rc == 1) {
				resp_raw(w, status, "application/json", stored,
				    strlen(stored));
				return 0;
			}
		}
		if ((rc = store_begin(r->st, &r->err)) < 0)
			return rc;
		r->who->audit_count = 0;
		rc = rt->fn(r, w);
		if (rc == 0 && r->who->audit_count == 0)
			rc = err_set(&r->err, ERR_INTERNAL, NULL,
			    "%s %s wrote no audit entry", rt->method,
			    rt->pattern);
		if (rc < 0) {
			store_rollback(r->st);
			/* A concurrent twin with the same key may have
			 * committed first, and this one then conflicts with
			 * what it created: answer as the twin did. */
			if (key != NULL && rc == ERR_CONFLICT && tries == 0) {
				json_decref(w->body);
				w->body = NULL;
				continue;
			}
			return rc;
		}
		if (key != NULL) {
			text = jx_dump(w->body);
			rc = idem_store(r->st, r->who->user_id, key, r->method,
			    r->path, body_hash, w->status, text, &r->err);
			free(text);
			if (rc == ERR_CONFLICT) {
				/* A concurrent retry won: answer as it did. */
				store_rollback(r->st);
				json_decref(w->body);
				w->body = NULL;
				continue;
			}
			if (rc < 0) {
				store_rollback(r->st);
				return rc;
			}
		}
		rc = store_commit(r->st, &r->err);
		if (rc == ERR_IO)
			router_fatal_io();
		/* Sessions cached on this node may describe what just
		 * changed (ACC-015). */
		if (rc == 0)
			account_session_cache_flush();
		return rc;
	}
	return err_set(&r->err, ERR_CONFLICT, "Idempotency-Key", NULL);
}

int
router_handle(struct req *r, struct resp *w, int *route_idx)
{
	const struct route	*rt = NULL, *cand;
	const struct field	*raw;
	char			*path = NULL, *segs[ROUTER_MAX_SEGS];
	const char		*sid, *tok;
	int			 nsegs, i, n, idx = -1, method_miss = 0, rc;

	*route_idx = -1;
	path = xstrdup(r->path);
	if ((nsegs = router_split(path, segs)) < 0) {
		rc = err_set(&r->err, ERR_NOT_FOUND, NULL, NULL);
		goto out;
	}
	n = router_nroutes();
	for (i = 0; i < n; i++) {
		cand = router_pats[i].rt;
		if (!router_match(&router_pats[i], segs, nsegs, r))
			continue;
		if (strcmp(cand->method, r->method) != 0) {
			method_miss = 1;
			router_free_params(r);
			continue;
		}
		rt = cand;
		idx = i;
		break;
	}
	if (rt == NULL) {
		rc = err_set(&r->err, method_miss ? ERR_METHOD : ERR_NOT_FOUND,
		    NULL, NULL);
		goto out;
	}
	*route_idx = idx;

	/* Who is asking: the session cookie, never a URL. */
	if (!(rt->flags & ROUTE_PUBLIC)) {
		sid = req_cookie(r, ROUTER_SID);
		if (sid == NULL || *sid == '\0') {
			rc = err_set(&r->err, ERR_UNAUTHENTICATED, NULL, NULL);
			goto out;
		}
		if ((rc = account_session_check(r->st, sid, r->who->ip, r->who,
		    &r->err)) < 0) {
			if (rc != ERR_UNAVAILABLE && rc != ERR_STORE)
				rc = err_set(&r->err, ERR_UNAUTHENTICATED,
				    NULL, NULL);
			goto out;
		}
		/* Deny by default (Z-1).  A session whose password must be
		 * changed gets that answer on every other route, held
		 * or not; a route it does not hold is still audited. */
		if (strcmp(rt->perm, "login") != 0 &&
		    !actor_can(r->who, rt->perm)) {
			router_audit_denied(r, rt);
			if (!r->who->must_change)
				rc = err_set(&r->err, ERR_FORBIDDEN, NULL,
				    "permission %s required", rt->perm);
			else
				rc = err_set(&r->err, ERR_PASSWORD_EXPIRED,
				    "password", NULL);
			goto out;
		}
		if (r->who->must_change && !(rt->flags & ROUTE_PENDING_OK)) {
			rc = err_set(&r->err, ERR_PASSWORD_EXPIRED, "password",
			    NULL);
			goto out;
		}
		/* administrators and approvers enrol TOTP first. */
		if (r->who->totp_missing && !(rt->flags & ROUTE_PENDING_OK)) {
			rc = err_set(&r->err, ERR_TOTP_SETUP, "otp", NULL);
			goto out;
		}
	}
	if (rt->flags & ROUTE_WRITE) {
		/* I-3: the session's token in a header, and a known Origin. */
		if (!(rt->flags & ROUTE_NO_CSRF)) {
			tok = req_header(r, "X-CSRF-Token");
			if (tok == NULL || r->who->csrf[0] == '\0' ||
			    !str_eq_ct(tok, r->who->csrf)) {
				rc = err_set(&r->err, ERR_CSRF, "X-CSRF-Token",
				    NULL);
				goto out;
			}
		}
		if (!router_origin_ok(r)) {
			rc = err_set(&r->err, ERR_CSRF, "Origin",
			    "Origin not allowed");
			goto out;
		}
		/* I-1: JSON bodies only, validated against the route; a
		 * raw-body route (ROUTE_CSV, ROUTE_RAW) takes its media
		 * types, the bytes left to its handler. */
		if ((raw = router_raw_body(rt)) != NULL) {
			if ((rc = router_raw_check(r, raw)) < 0)
				goto out;
		} else if (r->body_len > 0) {
			if (!router_media_ok(r, "application/json")) {
				rc = err_set(&r->err, ERR_MEDIA_TYPE,
				    "Content-Type", NULL);
				goto out;
			}
			if ((rc = jx_parse_body(r->body, r->body_len, &r->json,
			    &r->err)) < 0)
				goto out;
		}
		if (rt->body != NULL && raw == NULL) {
			if (r->json == NULL)
				r->json = json_object();
			if ((rc = req_body_check(r, rt->body, &r->err)) < 0)
				goto out;
		} else if (r->json != NULL && json_object_size(r->json) > 0) {
			rc = err_set(&r->err, ERR_UNKNOWN_FIELD,
			    json_object_iter_key(json_object_iter(r->json)),
			    "this request takes no body");
			goto out;
		}
		rc = router_write(r, w, rt);
	} else
		rc = rt->fn(r, w);
out:
	router_free_params(r);
	free(path);
	return rc;
}
