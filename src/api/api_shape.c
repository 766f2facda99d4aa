/*
 * The shared handler shapes of api_shape.h: each reads the path id and
 * If-Match as its shape needs, makes one domain call and renders.
 */
#include "api_shape.h"

int
api_out(struct resp *w, json_t *j, int created)
{
	json_t	*v = json_object_get(j, "version");

	if (json_is_integer(v))
		resp_etag(w, json_integer_value(v));
	return created ? resp_created(w, j) : resp_data(w, j);
}

int
api_if_match_opt(struct req *r, int64_t *version)
{
	*version = 0;
	if (r->if_match == NULL || *r->if_match == '\0')
		return 0;
	return req_if_match(r, version, &r->err);
}

int
api_create(struct req *r, struct resp *w, api_new_fn fn)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = fn(r->st, r->who, r->json, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 1);
}

int
api_by_id(struct req *r, struct resp *w, api_get_fn fn)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = fn(r->st, r->who, id, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_update_with(struct req *r, struct resp *w, api_upd_fn fn, int created)
{
	json_t	*j = NULL;
	int64_t	 id, version;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_if_match(r, &version, &r->err)) < 0)
		return rc;
	if ((rc = fn(r->st, r->who, id, version, r->json, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, created);
}

int
api_update(struct req *r, struct resp *w, api_upd_fn fn)
{
	return api_update_with(r, w, fn, 0);
}

int
api_update_new(struct req *r, struct resp *w, api_upd_fn fn)
{
	return api_update_with(r, w, fn, 1);
}

static int
api_state_with(struct req *r, struct resp *w, api_state_fn fn, int required)
{
	json_t	*j = NULL;
	int64_t	 id, version;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = required ? req_if_match(r, &version, &r->err) :
	    api_if_match_opt(r, &version)) < 0)
		return rc;
	if ((rc = fn(r->st, r->who, id, version, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

int
api_state(struct req *r, struct resp *w, api_state_fn fn)
{
	return api_state_with(r, w, fn, 0);
}

int
api_step(struct req *r, struct resp *w, api_state_fn fn)
{
	return api_state_with(r, w, fn, 1);
}

int
api_child(struct req *r, struct resp *w, api_child_fn fn)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = fn(r->st, r->who, id, r->json, &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 1);
}

int
api_all(struct req *r, struct resp *w, api_all_fn fn)
{
	json_t	*j = NULL;
	int64_t	 n;
	int	 rc;

	if ((rc = fn(r->st, r->who, &j, &r->err)) < 0)
		return rc;
	n = (int64_t)json_array_size(j);
	return resp_list(w, j, 0, n, n);
}

int
api_pdf(struct req *r, struct resp *w, api_pdf_fn fn)
{
	struct buf	 out;
	char		*name = NULL;
	size_t		 len;
	int64_t		 id;
	int		 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	buf_init(&out);
	if ((rc = fn(r->st, r->who, id, &out, &name, &r->err)) < 0) {
		buf_free(&out);
		return rc;
	}
	len = out.len;
	w->attachment = name;
	return resp_raw(w, 200, "application/pdf", buf_release(&out), len);
}
