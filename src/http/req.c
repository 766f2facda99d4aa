/*
 * Request helpers used by handlers: path and query parameters, paging,
 * If-Match, body validation against a field table (SECURITY.md I-1), and
 * the response envelope.  Nothing here touches libmicrohttpd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "req.h"

const char *
req_param(struct req *r, const char *name)
{
	int	i;

	for (i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].key, name) == 0)
			return r->params[i].val;
	return NULL;
}

int
req_param_id(struct req *r, const char *name, int64_t *out, struct err *e)
{
	const char	*v = req_param(r, name);

	if (v == NULL || str_to_i64(v, 1, INT64_MAX, out) < 0)
		return err_set(e, ERR_NOT_FOUND, name, "no such record");
	return 0;
}

const char *
req_query(struct req *r, const char *name)
{
	int	i;

	for (i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, name) == 0)
			return r->query[i].val;
	return NULL;
}

int
req_query_int(struct req *r, const char *name, int64_t min, int64_t max,
    int64_t def, int64_t *out, struct err *e)
{
	const char	*v = req_query(r, name);

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (str_to_i64(v, min, max, out) < 0)
		return err_set(e, ERR_INVALID, name,
		    "%s must be an integer from %lld to %lld", name,
		    (long long)min, (long long)max);
	return 0;
}

int
req_page(struct req *r, int64_t *offset, int64_t *limit, struct err *e)
{
	int	rc;

	if ((rc = req_query_int(r, "offset", 0, INT32_MAX, 0, offset, e)) < 0)
		return rc;
	return req_query_int(r, "limit", 1, REQ_PAGE_MAX, REQ_PAGE_DEFAULT,
	    limit, e);
}

int
req_if_match(struct req *r, int64_t *version, struct err *e)
{
	const char	*v = r->if_match;
	char		 tmp[32];
	size_t		 n;

	if (v == NULL || *v == '\0')
		return err_set(e, ERR_PRECONDITION, "If-Match",
		    "If-Match header with the record's version required");
	if (strncmp(v, "W/", 2) == 0)
		v += 2;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(tmp))
		return err_set(e, ERR_INVALID, "If-Match", "bad If-Match");
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	if (str_to_i64(tmp, 1, INT64_MAX, version) < 0)
		return err_set(e, ERR_INVALID, "If-Match", "bad If-Match");
	return 0;
}

static int
req_choice_ok(const char *const *choices, const char *s)
{
	for (; *choices; choices++)
		if (strcmp(*choices, s) == 0)
			return 1;
	return 0;
}

static int
req_string_ok(const struct field *f, const char *key, json_t *v,
    struct err *e)
{
	const char	*s = json_string_value(v);
	size_t		 n = json_string_length(v), cps;

	if (strlen(s) != n || !str_utf8_valid(s, n))
		return err_set(e, ERR_INVALID, key, "%s contains invalid "
		    "characters", key);
	cps = str_utf8_len(s);
	if ((int64_t)cps < f->min || (int64_t)cps > f->max)
		return err_set(e, ERR_RANGE, key, "%s must be %lld to %lld "
		    "characters long", key, (long long)f->min,
		    (long long)f->max);
	if (f->choices && !req_choice_ok(f->choices, s))
		return err_set(e, ERR_INVALID, key, "%s has an unknown value",
		    key);
	return 0;
}

static int
req_field_ok(const struct field *f, json_t *v, struct err *e)
{
	json_t	*x;
	size_t	 i;
	int64_t	 id;
	int	 rc;

	switch (f->type) {
	case F_STRING:
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be a "
			    "string", f->key);
		return req_string_ok(f, f->key, v, e);
	case F_INT:
		if (!json_is_integer(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be an "
			    "integer", f->key);
		if (json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max)
			return err_set(e, ERR_RANGE, f->key, "%s must be from "
			    "%lld to %lld", f->key, (long long)f->min,
			    (long long)f->max);
		return 0;
	case F_BOOL:
		if (!json_is_boolean(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be true or "
			    "false", f->key);
		return 0;
	case F_ID:
		if (!json_is_string(v) ||
		    str_to_i64(json_string_value(v), 1, INT64_MAX, &id) < 0)
			return err_set(e, ERR_TYPE, f->key, "%s must be an id "
			    "(a string of digits)", f->key);
		return 0;
	case F_STRINGS:
		if (!json_is_array(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be a list "
			    "of strings", f->key);
		if (json_array_size(v) > 64)
			return err_set(e, ERR_RANGE, f->key, "%s has too many "
			    "items", f->key);
		json_array_foreach(v, i, x) {
			if (!json_is_string(x))
				return err_set(e, ERR_TYPE, f->key, "%s must be "
				    "a list of strings", f->key);
			if ((rc = req_string_ok(f, f->key, x, e)) < 0)
				return rc;
		}
		return 0;
	case F_OBJECT:
		if (!json_is_object(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be an "
			    "object", f->key);
		return 0;
	case F_LIST:
		if (!json_is_array(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be a list",
			    f->key);
		if ((int64_t)json_array_size(v) < f->min ||
		    (int64_t)json_array_size(v) > f->max)
			return err_set(e, ERR_RANGE, f->key, "%s must have %lld "
			    "to %lld entries", f->key, (long long)f->min,
			    (long long)f->max);
		return 0;
	case F_RAW:
		/* A raw body is checked by the router, never as JSON. */
		break;
	}
	return err_set(e, ERR_INTERNAL, f->key, NULL);
}

int
req_query_object(struct req *r, const struct field *fields, struct err *e)
{
	const struct field	*f;
	json_t			*o = json_object(), *v, *list;
	const char		*val, *p, *c;
	int64_t			 n;
	int			 i;

	for (i = 0; i < r->nquery; i++) {
		val = r->query[i].val ? r->query[i].val : "";
		for (f = fields; f->key != NULL; f++)
			if (strcmp(f->key, r->query[i].key) == 0)
				break;
		if (f->key == NULL || json_object_get(o, f->key) != NULL) {
			json_decref(o);
			return err_set(e, ERR_UNKNOWN_FIELD, r->query[i].key,
			    f->key == NULL ? "unknown parameter %.40s" :
			    "parameter %.40s given twice", r->query[i].key);
		}
		switch (f->type) {
		case F_INT:
			if (str_to_i64(val, INT64_MIN, INT64_MAX, &n) < 0) {
				json_decref(o);
				return err_set(e, ERR_TYPE, f->key, "%s must be "
				    "an integer", f->key);
			}
			v = json_integer(n);
			break;
		case F_BOOL:
			if (strcmp(val, "true") != 0 && strcmp(val, "1") != 0 &&
			    strcmp(val, "false") != 0 && strcmp(val, "0") != 0) {
				json_decref(o);
				return err_set(e, ERR_TYPE, f->key, "%s must be "
				    "true or false", f->key);
			}
			v = json_boolean(val[0] == 't' || val[0] == '1');
			break;
		case F_STRINGS:
			list = json_array();
			for (p = val; *p != '\0'; p = *c ? c + 1 : c) {
				c = strchr(p, ',');
				if (c == NULL)
					c = p + strlen(p);
				if ((v = json_stringn(p, (size_t)(c - p))) ==
				    NULL)
					break;
				json_array_append_new(list, v);
			}
			if (*p != '\0') {
				json_decref(list);
				list = NULL;
			}
			v = list;
			break;
		default:
			v = json_string(val);
			break;
		}
		if (v == NULL) {
			json_decref(o);
			return err_set(e, ERR_INVALID, f->key, "%s must be valid "
			    "UTF-8", f->key);
		}
		json_object_set_new(o, f->key, v);
	}
	json_decref(r->json);
	r->json = o;
	return req_body_check(r, fields, e);
}

int
req_body_check(struct req *r, const struct field *fields, struct err *e)
{
	const struct field	*f;
	const char		*key;
	json_t			*v;
	int			 rc;

	if (r->json == NULL)
		return err_set(e, ERR_BAD_JSON, "", "a JSON object body is "
		    "required");
	json_object_foreach(r->json, key, v) {
		for (f = fields; f->key != NULL; f++)
			if (strcmp(f->key, key) == 0)
				break;
		if (f->key == NULL)
			return err_set(e, ERR_UNKNOWN_FIELD, key,
			    "unknown field %.40s", key);
		if (json_is_null(v) && !f->required)
			continue;
		if ((rc = req_field_ok(f, v, e)) < 0)
			return rc;
	}
	for (f = fields; f->key != NULL; f++) {
		v = json_object_get(r->json, f->key);
		if (f->required && (v == NULL || json_is_null(v)))
			return err_set(e, ERR_MISSING, f->key, "%s is required",
			    f->key);
	}
	return 0;
}

const char *
req_str(struct req *r, const char *key)
{
	return r->json ? json_string_value(json_object_get(r->json, key)) :
	    NULL;
}

int64_t
req_int(struct req *r, const char *key, int64_t def)
{
	json_t	*v = r->json ? json_object_get(r->json, key) : NULL;

	return json_is_integer(v) ? json_integer_value(v) : def;
}

int
resp_data(struct resp *w, json_t *data)
{
	w->status = 200;
	json_decref(w->body);
	w->body = json_pack("{s:o}", "data", data ? data : json_null());
	return 0;
}

int
resp_created(struct resp *w, json_t *data)
{
	resp_data(w, data);
	w->status = 201;
	return 0;
}

int
resp_list(struct resp *w, json_t *items, int64_t offset, int64_t limit,
    int64_t total)
{
	return resp_list_bounded(w, items, offset, limit, total, 1);
}

int
resp_list_bounded(struct resp *w, json_t *items, int64_t offset,
    int64_t limit, int64_t total, int exact)
{
	w->status = 200;
	json_decref(w->body);
	w->body = json_pack("{s:o, s:{s:I, s:I, s:I, s:b}}", "data", items,
	    "page", "offset", (json_int_t)offset, "limit", (json_int_t)limit,
	    "total", (json_int_t)total, "total_exact", exact);
	return 0;
}

int
resp_raw(struct resp *w, int status, const char *ctype, char *p, size_t n)
{
	w->status = status;
	free(w->raw);
	w->raw = p;
	w->raw_len = n;
	w->content_type = ctype;
	return 0;
}

void
resp_etag(struct resp *w, int64_t version)
{
	char		 tmp[24], *p = tmp + sizeof(tmp);
	uint64_t	 u = version < 0 ? -(uint64_t)version :
			    (uint64_t)version;

	/* "%lld" in quotes, without printf on every read. */
	*--p = '\0';
	*--p = '"';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (version < 0)
		*--p = '-';
	*--p = '"';
	free(w->etag);
	w->etag = xstrdup(p);
}
