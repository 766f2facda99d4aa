/*
 * Registry endpoints: towns, grids, units with their history and the
 * unmasking of personal data, and the buildings and places of a unit.
 * Handlers check the query string and If-Match, make one call into
 * domain/registry and render; the rules (REG-xxx, Z-2/Z-3, P-1/P-2) live
 * in the domain.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/mem.h"
#include "../domain/registry.h"
#include "../domain/registry_io.h"
#include "api.h"
#include "api_shape.h"

static const struct field api_registry_f_grid_new[] = {
	{ "town",	F_STRING,	1, 9, 9, NULL },
	{ "code",	F_STRING,	1, 1, REGISTRY_GRID_CODE_MAX, NULL },
	{ "name",	F_STRING,	1, 1, REGISTRY_GRID_NAME_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_registry_f_grid_patch[] = {
	{ "code",	F_STRING,	0, 1, REGISTRY_GRID_CODE_MAX, NULL },
	{ "name",	F_STRING,	0, 1, REGISTRY_GRID_NAME_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

#define API_REGISTRY_PERSON(p) \
	{ p "_name",	  F_STRING, 0, 1, REGISTRY_PERSON_MAX, NULL }, \
	{ p "_phone",	  F_STRING, 0, 1, REGISTRY_PHONE_MAX, NULL }, \
	{ p "_id_number", F_STRING, 0, 1, REGISTRY_IDNO_MAX, NULL }

/* Unit bodies; req is 1 for the fields a new unit needs. */
#define API_REGISTRY_UNIT(req) \
	{ "name",	F_STRING,	req, 1, REGISTRY_NAME_MAX, NULL }, \
	{ "uscc",	F_STRING,	0, 1, 32, NULL }, \
	{ "address",	F_STRING,	req, 1, REGISTRY_ADDRESS_MAX, NULL }, \
	{ "town",	F_STRING,	req, 9, 9, NULL }, \
	{ "grid_id",	F_ID,		0, 0, 0, NULL }, \
	{ "industry",	F_STRING,	0, 1, REGISTRY_INDUSTRY_MAX, NULL }, \
	{ "registered_address", F_STRING, 0, 1, REGISTRY_ADDRESS_MAX, NULL }, \
	{ "registered_on", F_STRING,	0, 10, 10, NULL }, \
	{ "categories",	F_STRINGS,	0, 1, 32, registry_category_names }, \
	{ "three_small_kind", F_STRING,	0, 1, 16, registry_three_small_kinds }, \
	API_REGISTRY_PERSON("legal_rep"), \
	API_REGISTRY_PERSON("responsible"), \
	API_REGISTRY_PERSON("manager"), \
	{ NULL, 0, 0, 0, 0, NULL }

static const struct field api_registry_f_unit_new[] = {
	API_REGISTRY_UNIT(1)
};

static const struct field api_registry_f_unit_patch[] = {
	API_REGISTRY_UNIT(0)
};

static const struct field api_registry_f_unmask[] = {
	{ "reason",	F_STRING,	1, REGISTRY_REASON_MIN,
	    REGISTRY_REASON_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_registry_f_lookup[] = {
	{ "phone",	F_STRING,	0, 1, REGISTRY_PHONE_MAX, NULL },
	{ "id_number",	F_STRING,	0, 1, REGISTRY_IDNO_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

#define API_REGISTRY_BUILDING(req) \
	{ "name",	   F_STRING, req, 1, REGISTRY_PART_NAME_MAX, NULL }, \
	{ "floors_above",  F_INT, 0, 0, REGISTRY_FLOORS_MAX, NULL }, \
	{ "floors_below",  F_INT, 0, 0, REGISTRY_FLOORS_BELOW_MAX, NULL }, \
	{ "height_cm",	   F_INT, 0, 0, REGISTRY_HEIGHT_CM_MAX, NULL }, \
	{ "floor_area_m2", F_INT, 0, 0, REGISTRY_AREA_MAX, NULL }, \
	{ "use",	   F_STRING, req, 1, 16, registry_building_uses }, \
	{ "fire_resistance_rating", F_STRING, 0, 1, 4, \
	    registry_fire_ratings }, \
	{ "occupancy",	   F_INT, 0, 0, REGISTRY_PEOPLE_MAX, NULL }, \
	{ "has_control_room", F_BOOL, 0, 0, 0, NULL }, \
	{ "has_sprinklers", F_BOOL, 0, 0, 0, NULL }, \
	{ "has_auto_alarm", F_BOOL, 0, 0, 0, NULL }, \
	{ NULL, 0, 0, 0, 0, NULL }

static const struct field api_registry_f_building_new[] = {
	API_REGISTRY_BUILDING(1)
};

static const struct field api_registry_f_building_patch[] = {
	API_REGISTRY_BUILDING(0)
};

#define API_REGISTRY_PLACE(req) \
	{ "name",	   F_STRING, req, 1, REGISTRY_PART_NAME_MAX, NULL }, \
	{ "kind",	   F_STRING, req, 1, 32, registry_place_kinds }, \
	{ "building_id",   F_ID, 0, 0, 0, NULL }, \
	{ "floor_area_m2", F_INT, 0, 0, REGISTRY_AREA_MAX, NULL }, \
	{ "rooms",	   F_INT, 0, 0, REGISTRY_ROOMS_MAX, NULL }, \
	{ "beds",	   F_INT, 0, 0, REGISTRY_ROOMS_MAX, NULL }, \
	{ "seats",	   F_INT, 0, 0, REGISTRY_PEOPLE_MAX, NULL }, \
	{ "occupancy",	   F_INT, 0, 0, REGISTRY_PEOPLE_MAX, NULL }, \
	{ "underground",   F_BOOL, 0, 0, 0, NULL }, \
	{ NULL, 0, 0, 0, 0, NULL }

static const struct field api_registry_f_place_new[] = {
	API_REGISTRY_PLACE(1)
};

static const struct field api_registry_f_place_patch[] = {
	API_REGISTRY_PLACE(0)
};

/* REG-024: an officer's key-unit decision. */
static const struct field api_registry_f_classify[] = {
	{ "categories",	F_STRINGS,	1, 1, 32, registry_category_names },
	{ "rule_ids",	F_STRINGS,	1, 1, 40, NULL },
	{ "note",	F_STRING,	0, REGISTRY_REASON_MIN,
	    REGISTRY_NOTE_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static int
api_registry_towns(struct req *r, struct resp *w)
{
	return api_all(r, w, registry_town_list);
}

static int
api_registry_grids(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = registry_grid_list(r->st, r->who, req_query(r, "town"),
	    req_query(r, "status"), offset, limit, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_registry_grid_create(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = registry_grid_create(r->st, r->who, r->json, &j,
	    &r->err)) < 0)
		return rc;
	return api_out(w, j, 1);
}

static int
api_registry_grid_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, registry_grid_get);
}

static int
api_registry_grid_patch(struct req *r, struct resp *w)
{
	return api_update(r, w, registry_grid_update);
}

static int
api_registry_grid_archive(struct req *r, struct resp *w)
{
	return api_state(r, w, registry_grid_archive);
}

/* The filters and sort of a unit list (paging aside). */
static void
api_registry_unit_query(struct req *r, struct registry_unit_query *q)
{
	q->q = req_query(r, "q");
	q->prefix = req_query(r, "prefix");
	q->town = req_query(r, "town");
	q->grid = req_query(r, "grid");
	q->category = req_query(r, "category");
	q->primary_category = req_query(r, "primary_category");
	q->status = req_query(r, "status");
	q->industry = req_query(r, "industry");
	q->risk_grade = req_query(r, "risk_grade");
	q->sort = req_query(r, "sort");
}

static int
api_registry_units(struct req *r, struct resp *w)
{
	struct registry_unit_query	 q;
	json_t				*items = NULL;
	int64_t				 total = 0;
	int				 exact = 1, rc;

	memset(&q, 0, sizeof(q));
	if ((rc = req_page(r, &q.offset, &q.limit, &r->err)) < 0)
		return rc;
	api_registry_unit_query(r, &q);
	if ((rc = registry_unit_list(r->st, r->who, &q, &items, &total,
	    &exact, &r->err)) < 0)
		return rc;
	return resp_list_bounded(w, items, q.offset, q.limit, total, exact);
}

/* REG-029: the list as a file; the filters are the list's. */
static int
api_registry_unit_export(struct req *r, struct resp *w)
{
	struct registry_unit_query	 q;
	const char			*format = req_query(r, "format");
	char				*data = NULL;
	size_t				 len = 0;
	int64_t				 rows = 0;
	int				 rc;

	memset(&q, 0, sizeof(q));
	api_registry_unit_query(r, &q);
	if ((rc = registry_export_units(r->st, r->who, &q,
	    format ? format : "csv", &data, &len, &rows, &r->err)) < 0)
		return rc;
	/* The server-chosen name is ASCII; the console may rename it. */
	w->attachment = xasprintf("units-%lld.%s", (long long)clock_now(),
	    format && strcmp(format, "xlsx") == 0 ? "xlsx" : "csv");
	return resp_raw(w, 200, registry_export_ctype(format), data, len);
}

/* The charset parameter of a text/csv Content-Type, if any. */
static enum csvread_enc
api_registry_charset(struct req *r)
{
	const char	*ct = req_header(r, "Content-Type");
	const char	*cs = ct ? strcasestr(ct, "charset=") : NULL;

	if (cs == NULL)
		return CSVREAD_DETECT;
	cs += strlen("charset=");
	if (*cs == '"')
		cs++;
	if (strncasecmp(cs, "utf-8", 5) == 0)
		return CSVREAD_UTF8;
	if (strncasecmp(cs, "gb18030", 7) == 0 ||
	    strncasecmp(cs, "gbk", 3) == 0 || strncasecmp(cs, "gb2312", 6) == 0)
		return CSVREAD_GB18030;
	return CSVREAD_DETECT;
}

/* REG-025: a CSV body of units, ?mode=dry-run or ?mode=commit. */
static int
api_registry_unit_import(struct req *r, struct resp *w)
{
	struct registry_import_opts	 o;
	const char			*mode = req_query(r, "mode");
	json_t				*rep = NULL;
	int				 rc;

	memset(&o, 0, sizeof(o));
	if (mode != NULL && strcmp(mode, "dry-run") == 0)
		o.mode = REGISTRY_IMPORT_DRY_RUN;
	else if (mode != NULL && strcmp(mode, "commit") == 0)
		o.mode = REGISTRY_IMPORT_COMMIT;
	else
		return err_set(&r->err, ERR_INVALID, "mode", "mode must be "
		    "dry-run or commit");
	o.via = "http";
	o.max_rows = REGISTRY_IMPORT_ROWS_HTTP;
	o.encoding = api_registry_charset(r);
	if ((rc = registry_import_units(r->st, r->who, r->body, r->body_len,
	    &o, &rep, &r->err)) < 0)
		return rc;
	return resp_data(w, rep);
}

static int
api_registry_unit_proposal(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = registry_class_propose(r->st, r->who, id, &j, &r->err)) < 0)
		return rc;
	return resp_data(w, j);
}

static int
api_registry_unit_classify(struct req *r, struct resp *w)
{
	return api_update_new(r, w, registry_class_confirm);
}

static int
api_registry_unit_create(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = registry_unit_create(r->st, r->who, r->json, &j,
	    &r->err)) < 0)
		return rc;
	return api_out(w, j, 1);
}

static int
api_registry_unit_get(struct req *r, struct resp *w)
{
	struct buf	 b;
	int64_t		 id, version = 0;
	size_t		 n;
	int		 rc;

	/* The hot read: the view is written as text, not built as a json_t
	 * (the same bytes as api_by_id() with registry_unit_get()). */
	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	buf_init(&b);
	buf_reserve(&b, 1024);		/* a unit's view fits, most often */
	buf_add(&b, "{\"data\":", 8);
	if ((rc = registry_unit_get_text(r->st, r->who, id, &b, &version,
	    &r->err)) < 0) {
		buf_free(&b);
		return rc;
	}
	buf_addc(&b, '}');
	resp_etag(w, version);
	n = b.len;
	return resp_raw(w, 200, "application/json", buf_release(&b), n);
}

static int
api_registry_unit_patch(struct req *r, struct resp *w)
{
	return api_update(r, w, registry_unit_update);
}

static int
api_registry_unit_close(struct req *r, struct resp *w)
{
	return api_state(r, w, registry_unit_close);
}

static int
api_registry_unit_archive(struct req *r, struct resp *w)
{
	return api_state(r, w, registry_unit_archive);
}

static int
api_registry_unit_unmask(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	/* P-1: a replayable response would be stored, in clear, with the
	 * key; so unmasking is never idempotent-by-key. */
	if (req_header(r, "Idempotency-Key") != NULL)
		return err_set(&r->err, ERR_INVALID, "Idempotency-Key",
		    "unmasking takes no Idempotency-Key");
	if ((rc = registry_unit_unmask(r->st, r->who, id,
	    req_str(r, "reason"), &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_registry_unit_lookup(struct req *r, struct resp *w)
{
	json_t		*items = NULL;
	const char	*phone = req_str(r, "phone");
	const char	*idno = req_str(r, "id_number");
	int64_t		 n;
	int		 rc;

	if ((phone == NULL) == (idno == NULL))
		return err_set(&r->err, ERR_MISSING, "phone", "give either "
		    "phone or id_number");
	if ((rc = registry_unit_lookup(r->st, r->who, phone ? "phone" :
	    "id_number", phone ? phone : idno, &items, &r->err)) < 0)
		return rc;
	n = (int64_t)json_array_size(items);
	return resp_list(w, items, 0, REGISTRY_PAGE_MAX, n);
}

static int
api_registry_unit_history(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 id, offset, limit, total = 0;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = registry_unit_history(r->st, r->who, id, offset, limit,
	    &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

/* Lists of a unit's parts. */
static int
api_registry_parts(struct req *r, struct resp *w, int places)
{
	json_t	*items = NULL;
	int64_t	 id, offset, limit, total = 0;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	rc = places ? registry_place_list(r->st, r->who, id, offset, limit,
	    &items, &total, &r->err) : registry_building_list(r->st, r->who,
	    id, offset, limit, &items, &total, &r->err);
	if (rc < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_registry_buildings(struct req *r, struct resp *w)
{
	return api_registry_parts(r, w, 0);
}

static int
api_registry_places(struct req *r, struct resp *w)
{
	return api_registry_parts(r, w, 1);
}

static int
api_registry_building_create(struct req *r, struct resp *w)
{
	return api_child(r, w, registry_building_create);
}

static int
api_registry_place_create(struct req *r, struct resp *w)
{
	return api_child(r, w, registry_place_create);
}

static int
api_registry_building_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, registry_building_get);
}

static int
api_registry_place_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, registry_place_get);
}

static int
api_registry_building_patch(struct req *r, struct resp *w)
{
	return api_update(r, w, registry_building_update);
}

static int
api_registry_place_patch(struct req *r, struct resp *w)
{
	return api_update(r, w, registry_place_update);
}

static int
api_registry_building_archive(struct req *r, struct resp *w)
{
	return api_state(r, w, registry_building_archive);
}

static int
api_registry_place_archive(struct req *r, struct resp *w)
{
	return api_state(r, w, registry_place_archive);
}

const struct route api_registry_routes[] = {
	{ "GET", "/api/v1/towns", "login", 0, api_registry_towns,
	    "Towns and streets with their codes", NULL },
	{ "GET", "/api/v1/grids", "registry:read", 0, api_registry_grids,
	    "List grids within one's jurisdiction", NULL },
	{ "POST", "/api/v1/grids", "registry:write", ROUTE_WRITE,
	    api_registry_grid_create, "Create a grid", api_registry_f_grid_new },
	{ "GET", "/api/v1/grids/{id}", "registry:read", 0,
	    api_registry_grid_get, "Get a grid", NULL },
	{ "PATCH", "/api/v1/grids/{id}", "registry:write", ROUTE_WRITE,
	    api_registry_grid_patch, "Change a grid (If-Match)",
	    api_registry_f_grid_patch },
	{ "POST", "/api/v1/grids/{id}/archive", "registry:write", ROUTE_WRITE,
	    api_registry_grid_archive, "Archive a grid", NULL },
	{ "GET", "/api/v1/units", "registry:read", 0, api_registry_units,
	    "Search units within one's jurisdiction", NULL },
	{ "POST", "/api/v1/units", "registry:write", ROUTE_WRITE,
	    api_registry_unit_create, "Register a unit",
	    api_registry_f_unit_new },
	{ "POST", "/api/v1/units/lookup", "registry:read", ROUTE_WRITE,
	    api_registry_unit_lookup,
	    "Find units by a person's phone or ID number (audited)",
	    api_registry_f_lookup },
	/* Before /units/{id}, which would take "export" for an id. */
	{ "GET", "/api/v1/units/export", "registry:read", 0,
	    api_registry_unit_export,
	    "Export a unit list as CSV or XLSX (masked; audited)", NULL },
	{ "POST", "/api/v1/units/import", "registry:write",
	    ROUTE_WRITE | ROUTE_CSV, api_registry_unit_import,
	    "Import units from CSV (text/csv; ?mode=dry-run|commit)", NULL },
	{ "GET", "/api/v1/units/{id}", "registry:read", 0,
	    api_registry_unit_get, "Get a unit (personal data masked)", NULL },
	{ "GET", "/api/v1/units/{id}/classification/proposal",
	    "registry:read", 0, api_registry_unit_proposal,
	    "Key-unit categories the rules propose, with rule ids", NULL },
	{ "POST", "/api/v1/units/{id}/classification", "registry:write",
	    ROUTE_WRITE, api_registry_unit_classify,
	    "Confirm a unit's key-unit classification (If-Match)",
	    api_registry_f_classify },
	{ "PATCH", "/api/v1/units/{id}", "registry:write", ROUTE_WRITE,
	    api_registry_unit_patch, "Change a unit (If-Match)",
	    api_registry_f_unit_patch },
	{ "POST", "/api/v1/units/{id}/close", "registry:write", ROUTE_WRITE,
	    api_registry_unit_close, "Mark a unit closed", NULL },
	{ "POST", "/api/v1/units/{id}/archive", "registry:write", ROUTE_WRITE,
	    api_registry_unit_archive, "Archive a unit (no deletes)", NULL },
	{ "POST", "/api/v1/units/{id}/unmask", "registry:unmask", ROUTE_WRITE,
	    api_registry_unit_unmask,
	    "Show a unit's personal data in clear, with a reason (audited)",
	    api_registry_f_unmask },
	{ "GET", "/api/v1/units/{id}/history", "registry:read", 0,
	    api_registry_unit_history, "The audit entries of a unit", NULL },
	{ "GET", "/api/v1/units/{id}/buildings", "registry:read", 0,
	    api_registry_buildings, "Buildings of a unit", NULL },
	{ "POST", "/api/v1/units/{id}/buildings", "registry:write",
	    ROUTE_WRITE, api_registry_building_create, "Add a building",
	    api_registry_f_building_new },
	{ "GET", "/api/v1/units/{id}/places", "registry:read", 0,
	    api_registry_places, "Places of a unit", NULL },
	{ "POST", "/api/v1/units/{id}/places", "registry:write", ROUTE_WRITE,
	    api_registry_place_create, "Add a place",
	    api_registry_f_place_new },
	{ "GET", "/api/v1/buildings/{id}", "registry:read", 0,
	    api_registry_building_get, "Get a building", NULL },
	{ "PATCH", "/api/v1/buildings/{id}", "registry:write", ROUTE_WRITE,
	    api_registry_building_patch, "Change a building (If-Match)",
	    api_registry_f_building_patch },
	{ "POST", "/api/v1/buildings/{id}/archive", "registry:write",
	    ROUTE_WRITE, api_registry_building_archive, "Archive a building",
	    NULL },
	{ "GET", "/api/v1/places/{id}", "registry:read", 0,
	    api_registry_place_get, "Get a place", NULL },
	{ "PATCH", "/api/v1/places/{id}", "registry:write", ROUTE_WRITE,
	    api_registry_place_patch, "Change a place (If-Match)",
	    api_registry_f_place_patch },
	{ "POST", "/api/v1/places/{id}/archive", "registry:write",
	    ROUTE_WRITE, api_registry_place_archive, "Archive a place", NULL },
	ROUTE_END
};
