/*
 * Account endpoints: login and logout, the signed-in user's own view
 * (profile, password, sessions, TOTP), users, roles and the permission
 * catalogue.  Handlers validate, make one call into domain/account and
 * render; the rules (A-1..A-7, Z-2) live in the domain.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../domain/account.h"
#include "api.h"
#include "api_shape.h"

/*
 * The session cookie.  Secure is left out for now because the
 * server speaks plain HTTP on loopback behind nginx, which terminates TLS.
 * Browsers keep a __Host- cookie only with Secure: see "Transport" in
 * docs/modules/account.md before a browser depends on this.
 */
/*
 * Always Secure: a __Host- cookie without it is dropped by browsers, and
 * browsers accept Secure cookies from http://localhost and 127.0.0.1;
 * everywhere else the console is served over HTTPS (nginx, I-7).
 */
#define API_ACCOUNT_COOKIE \
	"__Host-sid=%s; Path=/; Secure; HttpOnly; SameSite=Strict"
#define API_ACCOUNT_NOCOOKIE \
	"__Host-sid=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"

static const struct field api_account_f_login[] = {
	{ "login",	F_STRING,	1, 1, 64, NULL },
	{ "password",	F_STRING,	1, 1, ACCOUNT_PW_MAX, NULL },
	{ "otp",	F_STRING,	0, 0, 8, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_account_f_password[] = {
	{ "old_password", F_STRING,	1, 1, ACCOUNT_PW_MAX, NULL },
	{ "new_password", F_STRING,	1, 1, ACCOUNT_PW_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_account_f_otp[] = {
	{ "otp",	F_STRING,	1, 6, 6, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_account_f_user_new[] = {
	{ "login",	  F_STRING,	1, ACCOUNT_LOGIN_MIN, ACCOUNT_LOGIN_MAX,
	    NULL },
	{ "display_name", F_STRING,	1, 1, ACCOUNT_NAME_MAX, NULL },
	{ "roles",	  F_STRINGS,	1, 1, ACCOUNT_ROLE_ID_MAX - 1, NULL },
	{ "jurisdiction", F_STRING,	0, 4, 79, NULL },
	{ "password",	  F_STRING,	1, 1, ACCOUNT_PW_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_account_f_user_patch[] = {
	{ "display_name", F_STRING,	0, 1, ACCOUNT_NAME_MAX, NULL },
	{ "roles",	  F_STRINGS,	0, 1, ACCOUNT_ROLE_ID_MAX - 1, NULL },
	{ "jurisdiction", F_STRING,	0, 4, 79, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_account_f_reset[] = {
	{ "password",	F_STRING,	1, 1, ACCOUNT_PW_MAX, NULL },
	{ "reset_totp",	F_BOOL,		0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_account_f_perms[] = {
	{ "permissions", F_STRINGS,	1, 1, ACCOUNT_PERM_MAX - 1, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/*
 * The strings of a checked F_STRINGS body field into out (at most max);
 * the pointers live as long as r->json.  Returns the count, or -1 when
 * the field is absent.
 */
static int
api_account_strings(struct req *r, const char *key, const char **out, int max)
{
	json_t	*a = json_object_get(r->json, key), *v;
	size_t	 i;
	int	 n = 0;

	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v)
		if (n < max)
			out[n++] = json_string_value(v);
	return n;
}

static int
api_account_bool(struct req *r, const char *key)
{
	return json_is_true(json_object_get(r->json, key));
}

/* A user as a single record: data plus its ETag. */
static int
api_account_user_out(struct resp *w, struct account_user *u, int created)
{
	resp_etag(w, u->version);
	if (created)
		return resp_created(w, account_user_json(u));
	return resp_data(w, account_user_json(u));
}

static int
api_account_login(struct req *r, struct resp *w)
{
	struct account_session	s;
	int			rc;

	rc = account_login_run(r->st, r->who, req_str(r, "login"),
	    req_str(r, "password"), req_str(r, "otp"), r->who->ip,
	    r->user_agent, &s, &r->err);
	if (rc < 0) {
		/* 429 and 423 carry Retry-After. */
		w->retry_after = s.retry_after;
		goto out;
	}
	w->set_cookie = xasprintf(API_ACCOUNT_COOKIE, s.token);
	rc = resp_data(w, json_pack("{s:s, s:o, s:b, s:b}", "csrf", s.csrf,
	    "user", account_user_json(s.user), "must_change", s.must_change,
	    "totp_required", s.totp_required));
out:
	account_session_clear(&s);
	return rc;
}

static int
api_account_logout(struct req *r, struct resp *w)
{
	int	rc;

	if ((rc = account_logout(r->st, r->who, &r->err)) < 0)
		return rc;
	w->set_cookie = xstrdup(API_ACCOUNT_NOCOOKIE);
	return resp_data(w, NULL);
}

static int
api_account_me(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = account_me(r->st, r->who, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_account_password(struct req *r, struct resp *w)
{
	int	rc;

	if ((rc = account_password_change(r->st, r->who,
	    req_str(r, "old_password"), req_str(r, "new_password"),
	    &r->err)) < 0)
		return rc;
	return resp_data(w, NULL);
}

static int
api_account_sessions(struct req *r, struct resp *w)
{
	return api_all(r, w, account_sessions_list);
}

static int
api_account_session_end(struct req *r, struct resp *w)
{
	int64_t	id;
	int	rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = account_session_end(r->st, r->who, id, &r->err)) < 0)
		return rc;
	return resp_data(w, NULL);
}

static int
api_account_totp(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = account_totp_start(r->st, r->who, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_account_totp_confirm(struct req *r, struct resp *w)
{
	int	rc;

	if ((rc = account_totp_confirm(r->st, r->who, req_str(r, "otp"),
	    &r->err)) < 0)
		return rc;
	return resp_data(w, NULL);
}

static int
api_account_users(struct req *r, struct resp *w)
{
	struct account_user_query	 q;
	json_t				*items = NULL;
	int64_t				 total = 0;
	int				 rc;

	memset(&q, 0, sizeof(q));
	if ((rc = req_page(r, &q.offset, &q.limit, &r->err)) < 0)
		return rc;
	q.q = req_query(r, "q");
	q.role = req_query(r, "role");
	q.status = req_query(r, "status");
	q.sort = req_query(r, "sort");
	if ((rc = account_user_list(r->st, r->who, &q, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, q.offset, q.limit, total);
}

static int
api_account_user_create(struct req *r, struct resp *w)
{
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	const char			*roles[ACCOUNT_MAX_ROLES + 1];
	int				 rc;

	memset(&in, 0, sizeof(in));
	in.login = req_str(r, "login");
	in.display_name = req_str(r, "display_name");
	in.jurisdiction = req_str(r, "jurisdiction");
	in.nroles = api_account_strings(r, "roles", roles,
	    ACCOUNT_MAX_ROLES + 1);
	in.has_roles = 1;
	in.roles = roles;
	if ((rc = account_user_create(r->st, r->who, &in,
	    req_str(r, "password"), &u, &r->err)) < 0)
		return rc;
	rc = api_account_user_out(w, u, 1);
	account_user_free(u);
	return rc;
}

static int
api_account_user_get(struct req *r, struct resp *w)
{
	struct account_user	*u = NULL;
	int64_t			 id;
	int			 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = account_user_get(r->st, r->who, id, &u, &r->err)) < 0)
		return rc;
	rc = api_account_user_out(w, u, 0);
	account_user_free(u);
	return rc;
}

static int
api_account_user_patch(struct req *r, struct resp *w)
{
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	const char			*roles[ACCOUNT_MAX_ROLES + 1];
	int64_t				 id, version;
	int				 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_if_match(r, &version, &r->err)) < 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.display_name = req_str(r, "display_name");
	in.jurisdiction = req_str(r, "jurisdiction");
	in.nroles = api_account_strings(r, "roles", roles,
	    ACCOUNT_MAX_ROLES + 1);
	in.has_roles = in.nroles >= 0;
	in.roles = roles;
	if ((rc = account_user_update(r->st, r->who, id, version, &in, &u,
	    &r->err)) < 0)
		return rc;
	rc = api_account_user_out(w, u, 0);
	account_user_free(u);
	return rc;
}

/* Disable and enable share one shape; fn is the domain call. */
static int
api_account_user_state(struct req *r, struct resp *w,
    int (*fn)(struct store *, struct actor *, int64_t, struct account_user **,
    struct err *))
{
	struct account_user	*u = NULL;
	int64_t			 id;
	int			 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = fn(r->st, r->who, id, &u, &r->err)) < 0)
		return rc;
	rc = api_account_user_out(w, u, 0);
	account_user_free(u);
	return rc;
}

static int
api_account_user_disable(struct req *r, struct resp *w)
{
	return api_account_user_state(r, w, account_user_disable);
}

static int
api_account_user_enable(struct req *r, struct resp *w)
{
	return api_account_user_state(r, w, account_user_enable);
}

static int
api_account_user_reset(struct req *r, struct resp *w)
{
	struct account_user	*u = NULL;
	int64_t			 id;
	int			 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = account_user_reset_password(r->st, r->who, id,
	    req_str(r, "password"), api_account_bool(r, "reset_totp"), &u,
	    &r->err)) < 0)
		return rc;
	rc = api_account_user_out(w, u, 0);
	account_user_free(u);
	return rc;
}

static int
api_account_roles(struct req *r, struct resp *w)
{
	return api_all(r, w, account_role_list);
}

static int
api_account_role_get(struct req *r, struct resp *w)
{
	struct account_role	*ro = NULL;
	int			 rc;

	if ((rc = account_role_get(r->st, r->who, req_param(r, "id"), &ro,
	    &r->err)) < 0)
		return rc;
	resp_etag(w, ro->version);
	rc = resp_data(w, account_role_json(ro));
	account_role_free(ro);
	return rc;
}

static int
api_account_role_perms(struct req *r, struct resp *w)
{
	struct account_role	*ro = NULL;
	const char		*perms[ACCOUNT_MAX_PERMS + 1];
	int64_t			 version;
	int			 n, rc;

	if ((rc = req_if_match(r, &version, &r->err)) < 0)
		return rc;
	n = api_account_strings(r, "permissions", perms,
	    ACCOUNT_MAX_PERMS + 1);
	if ((rc = account_role_set_permissions(r->st, r->who,
	    req_param(r, "id"), version, perms, n, &ro, &r->err)) < 0)
		return rc;
	resp_etag(w, ro->version);
	rc = resp_data(w, account_role_json(ro));
	account_role_free(ro);
	return rc;
}

static int
api_account_permissions(struct req *r, struct resp *w)
{
	json_t	*j = account_permissions_json();
	int64_t	 n = (int64_t)json_array_size(j);

	return resp_list(w, j, 0, n, n);
}

const struct route api_account_routes[] = {
	{ "POST", "/api/v1/auth/login", "public",
	    ROUTE_WRITE | ROUTE_PUBLIC | ROUTE_NO_CSRF | ROUTE_OWN_TX,
	    api_account_login, "Log in; sets the session cookie",
	    api_account_f_login },
	{ "POST", "/api/v1/auth/logout", "login",
	    ROUTE_WRITE | ROUTE_PENDING_OK, api_account_logout,
	    "End the current session", NULL },
	{ "GET", "/api/v1/me", "login", ROUTE_PENDING_OK, api_account_me,
	    "The signed-in user, permissions and console menu", NULL },
	{ "POST", "/api/v1/me/password", "login",
	    ROUTE_WRITE | ROUTE_PENDING_OK, api_account_password,
	    "Change one's own password", api_account_f_password },
	{ "GET", "/api/v1/me/sessions", "login", 0, api_account_sessions,
	    "One's own active sessions", NULL },
	{ "DELETE", "/api/v1/me/sessions/{id}", "login", ROUTE_WRITE,
	    api_account_session_end, "End one of one's own sessions", NULL },
	{ "POST", "/api/v1/me/totp", "login", ROUTE_WRITE | ROUTE_PENDING_OK,
	    api_account_totp,
	    "Start TOTP enrolment", NULL },
	{ "POST", "/api/v1/me/totp/confirm", "login",
	    ROUTE_WRITE | ROUTE_PENDING_OK,
	    api_account_totp_confirm, "Confirm TOTP enrolment with a code",
	    api_account_f_otp },
	{ "GET", "/api/v1/users", "account:read", 0, api_account_users,
	    "List users within one's jurisdiction", NULL },
	{ "POST", "/api/v1/users", "account:write", ROUTE_WRITE,
	    api_account_user_create, "Create a user", api_account_f_user_new },
	{ "GET", "/api/v1/users/{id}", "account:read", 0,
	    api_account_user_get, "Get a user", NULL },
	{ "PATCH", "/api/v1/users/{id}", "account:write", ROUTE_WRITE,
	    api_account_user_patch, "Change a user (If-Match)",
	    api_account_f_user_patch },
	{ "POST", "/api/v1/users/{id}/disable", "account:write", ROUTE_WRITE,
	    api_account_user_disable, "Disable a user", NULL },
	{ "POST", "/api/v1/users/{id}/enable", "account:write", ROUTE_WRITE,
	    api_account_user_enable, "Enable a user", NULL },
	{ "POST", "/api/v1/users/{id}/reset-password", "account:write",
	    ROUTE_WRITE, api_account_user_reset,
	    "Set a one-time password", api_account_f_reset },
	{ "GET", "/api/v1/roles", "role:read", 0, api_account_roles,
	    "List roles with their permissions", NULL },
	{ "GET", "/api/v1/roles/{id}", "role:read", 0, api_account_role_get,
	    "Get a role", NULL },
	{ "PUT", "/api/v1/roles/{id}/permissions", "role:write", ROUTE_WRITE,
	    api_account_role_perms, "Replace a role's permissions (If-Match)",
	    api_account_f_perms },
	{ "GET", "/api/v1/permissions", "role:read", 0,
	    api_account_permissions, "The permission catalogue", NULL },
	ROUTE_END
};
