/*
 * System endpoints: the OpenAPI 3.1 document generated from the route
 * tables themselves, so it cannot drift from what the server serves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jx.h"
#include "../core/mem.h"
#include "../domain/calendar.h"
#include "../domain/rec.h"
#include "../http/router.h"
#include "api.h"
#include "api_shape.h"

static const char *
api_system_type(enum field_type t)
{
	switch (t) {
	case F_INT:
		return "integer";
	case F_BOOL:
		return "boolean";
	case F_STRINGS:
	case F_LIST:
		return "array";
	case F_OBJECT:
		return "object";
	default:
		return "string";
	}
}

static json_t *
api_system_schema(const struct field *fields)
{
	const struct field	*f;
	const char *const	*c;
	json_t			*props = json_object(), *req = json_array();
	json_t			*p, *en;

	for (f = fields; f->key; f++) {
		p = json_pack("{s:s}", "type", api_system_type(f->type));
		if (f->type == F_STRING) {
			json_object_set_new(p, "minLength", json_integer(f->min));
			json_object_set_new(p, "maxLength", json_integer(f->max));
		} else if (f->type == F_INT) {
			json_object_set_new(p, "minimum", json_integer(f->min));
			json_object_set_new(p, "maximum", json_integer(f->max));
		} else if (f->type == F_ID)
			json_object_set_new(p, "pattern",
			    json_string("^[1-9][0-9]{0,18}$"));
		else if (f->type == F_STRINGS)
			json_object_set_new(p, "items",
			    json_pack("{s:s}", "type", "string"));
		else if (f->type == F_LIST) {
			json_object_set_new(p, "minItems", json_integer(f->min));
			json_object_set_new(p, "maxItems", json_integer(f->max));
		}
		if (f->choices) {
			en = json_array();
			for (c = f->choices; *c; c++)
				json_array_append_new(en, json_string(*c));
			json_object_set_new(p, "enum", en);
		}
		json_object_set_new(props, f->key, p);
		if (f->required)
			json_array_append_new(req, json_string(f->key));
	}
	return json_pack("{s:s, s:o, s:o, s:b}", "type", "object",
	    "properties", props, "required", req,
	    "additionalProperties", 0);
}

/*
 * A raw body (ROUTE_CSV, ROUTE_RAW): the bytes themselves, in one of its
 * media types, with its size limit when the route has its own.
 */
static json_t *
api_system_raw(const struct field *raw)
{
	const char *const	*t;
	json_t			*content = json_object(), *s;

	for (t = raw->choices; *t; t++) {
		s = json_pack("{s:s, s:s}", "type", "string",
		    "contentMediaType", *t);
		if (raw->max > 0)
			json_object_set_new(s, "x-max-bytes",
			    json_integer(raw->max));
		json_object_set_new(content, *t, json_pack("{s:o}", "schema",
		    s));
	}
	return json_pack("{s:b, s:o}", "required", 1, "content", content);
}

/* "/api/v1/users/{id}" -> path parameters of the operation. */
static json_t *
api_system_params(const char *pattern)
{
	json_t		*a = json_array();
	const char	*p = pattern, *q;
	char		 name[64];

	while ((p = strchr(p, '{')) != NULL && (q = strchr(p, '}')) != NULL) {
		snprintf(name, sizeof(name), "%.*s", (int)(q - p - 1), p + 1);
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:{s:s}}",
		    "name", name, "in", "path", "required", 1, "schema",
		    "type", "string"));
		p = q + 1;
	}
	return a;
}

static int
api_system_openapi(struct req *r, struct resp *w)
{
	const struct route	*rt;
	const struct field	*raw;
	json_t			*doc, *paths, *item, *op, *resp;
	char			 method[8], *text;
	int			 i, n = router_nroutes();
	size_t			 k;

	paths = json_object();
	for (i = 0; i < n; i++) {
		rt = router_route(i);
		if ((item = json_object_get(paths, rt->pattern)) == NULL) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		resp = json_pack("{s:{s:s}, s:{s:s}}",
		    "200", "description", "success",
		    "default", "description", "error envelope");
		op = json_pack("{s:s, s:s, s:o, s:o, s:s}",
		    "summary", rt->summary ? rt->summary : "",
		    "operationId", rt->pattern, "parameters",
		    api_system_params(rt->pattern), "responses", resp,
		    "x-permission", rt->perm);
		json_object_set_new(op, "operationId",
		    json_sprintf("%s %s", rt->method, rt->pattern));
		if (rt->flags & ROUTE_WRITE)
			json_object_set_new(op, "x-audited", json_true());
		if ((raw = router_raw_body(rt)) != NULL)
			json_object_set_new(op, "requestBody",
			    api_system_raw(raw));
		else if (rt->body)
			json_object_set_new(op, "requestBody", json_pack(
			    "{s:b, s:{s:{s:o}}}", "required", 1, "content",
			    "application/json", "schema",
			    api_system_schema(rt->body)));
		for (k = 0; rt->method[k] && k < sizeof(method) - 1; k++)
			method[k] = (char)(rt->method[k] | 0x20);
		method[k] = '\0';
		json_object_set_new(item, method, op);
	}
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o}",
	    "openapi", "3.1.0",
	    "info", "title", "Firewarden API", "version", "1",
	    "description", "Fire-safety supervision and enforcement platform "
	    "(消防监督执法平台). Generated from the server's route tables.",
	    "paths", paths);
	(void)r;
	text = jx_dump(doc);
	json_decref(doc);
	return resp_raw(w, 200, "application/json", text, strlen(text));
}

/*
 * The working-day calendar in force: each loaded year and whether it is
 * official or provisional (CAL-008), and the provisional years from this
 * year on, which the console announces.
 */
static int
api_system_calendar(struct req *r, struct resp *w)
{
	json_t	*years = calendar_years_json(), *prov = json_array(), *v;
	char	 today[CALENDAR_DATE_LEN + 1];
	size_t	 i;

	(void)r;
	rec_today(today);
	json_array_foreach(years, i, v)
		if (strcmp(json_string_value(json_object_get(v, "status")),
		    "provisional") == 0 && json_integer_value(json_object_get(v,
		    "year")) >= atoi(today))
			json_array_append(prov, json_object_get(v, "year"));
	return api_out(w, json_pack("{s:s, s:o, s:o}", "today", today,
	    "years", years, "provisional", prov), 0);
}

const struct route api_system_routes[] = {
	{ "GET", "/api/v1/calendar", "login", 0,
	    api_system_calendar, "The working-day calendar's years (CAL-008)",
	    NULL },
	{ "GET", "/api/v1/openapi.json", "public", ROUTE_PUBLIC,
	    api_system_openapi, "This document", NULL },
	ROUTE_END
};
