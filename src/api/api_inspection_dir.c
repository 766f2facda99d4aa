/*
 * Endpoints of 一单两库: the inspection item list (and its published
 * form), the inspector directory and declared conflicts.  Handlers read
 * the query string and If-Match, make one call into domain/inspection_dir
 * and render; the rules (INS-001 to INS-019, Z-2) live in the domain.
 */
#include <string.h>

#include "../core/clock.h"
#include "../core/mem.h"
#include "../domain/inspection_dir.h"
#include "../domain/registry.h"
#include "api.h"
#include "api_shape.h"

/* Item bodies; req is 1 for the fields a new item needs (INS-001..003). */
#define API_INSD_ITEM(req) \
	{ "code",	 F_STRING, req, INSPECTION_DIR_CODE_MIN, \
	    INSPECTION_DIR_CODE_MAX, NULL }, \
	{ "name",	 F_STRING, req, 1, INSPECTION_DIR_NAME_MAX, NULL }, \
	{ "legal_basis", F_STRING, req, 1, INSPECTION_DIR_BASIS_MAX, NULL }, \
	{ "content",	 F_STRING, req, 1, INSPECTION_DIR_CONTENT_MAX, NULL }, \
	{ "method",	 F_STRING, req, 1, INSPECTION_DIR_METHOD_MAX, NULL }, \
	{ "department",	 F_STRING, req, 1, 16, inspection_department_names }, \
	{ "categories",	 F_STRINGS, 0, 1, 32, registry_category_names }, \
	{ NULL, 0, 0, 0, 0, NULL }

static const struct field api_insd_f_item_new[] = {
	API_INSD_ITEM(1)
};

static const struct field api_insd_f_item_patch[] = {
	API_INSD_ITEM(0)
};

/* Inspector bodies (INS-007..009); status only on PATCH. */
#define API_INSD_INSPECTOR(req) \
	{ "name",	 F_STRING, req, 1, INSPECTION_DIR_PERSON_MAX, NULL }, \
	{ "department",	 F_STRING, req, 1, 16, inspection_department_names }, \
	{ "cert_no",	 F_STRING, req, 1, INSPECTION_DIR_CERT_MAX, NULL }, \
	{ "cert_valid_until", F_STRING, req, 10, 10, NULL }, \
	{ "areas",	 F_STRINGS, req, 9, 9, NULL }, \
	{ "specialty",	 F_STRING, 0, 1, INSPECTION_DIR_SPECIALTY_MAX, NULL }, \
	{ "user_id",	 F_ID, 0, 0, 0, NULL }

static const struct field api_insd_f_inspector_new[] = {
	API_INSD_INSPECTOR(1),
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_insd_f_inspector_patch[] = {
	API_INSD_INSPECTOR(0),
	{ "status",	 F_STRING, 0, 1, 16, inspection_inspector_statuses },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* INS-013 */
static const struct field api_insd_f_conflict[] = {
	{ "unit_id",	F_ID,		1, 0, 0, NULL },
	{ "kind",	F_STRING,	1, 1, 24, inspection_conflict_kinds },
	{ "note",	F_STRING,	0, 1, INSPECTION_DIR_NOTE_MAX, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* A file download; the server-chosen name is ASCII. */
static int
api_insd_file(struct resp *w, const char *base, const char *format,
    char *data, size_t len)
{
	w->attachment = xasprintf("%s-%lld.%s", base, (long long)clock_now(),
	    format && strcmp(format, "xlsx") == 0 ? "xlsx" : "csv");
	return resp_raw(w, 200, inspection_dir_export_ctype(format), data, len);
}

/* Items. */

static void
api_insd_item_query(struct req *r, struct inspection_item_query *q)
{
	q->q = req_query(r, "q");
	q->department = req_query(r, "department");
	q->status = req_query(r, "status");
	q->category = req_query(r, "category");
	q->sort = req_query(r, "sort");
}

static int
api_insd_items(struct req *r, struct resp *w)
{
	struct inspection_item_query	 q;
	json_t				*items = NULL;
	int64_t				 total = 0;
	int				 rc;

	memset(&q, 0, sizeof(q));
	if ((rc = req_page(r, &q.offset, &q.limit, &r->err)) < 0)
		return rc;
	api_insd_item_query(r, &q);
	if ((rc = inspection_dir_item_list(r->st, r->who, &q, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, q.offset, q.limit, total);
}

/* INS-017: anyone may read the published list. */
static int
api_insd_public_items(struct req *r, struct resp *w)
{
	struct inspection_item_query	 q;
	json_t				*items = NULL;
	int64_t				 total = 0;
	int				 rc;

	memset(&q, 0, sizeof(q));
	if ((rc = req_page(r, &q.offset, &q.limit, &r->err)) < 0)
		return rc;
	api_insd_item_query(r, &q);
	q.status = NULL;
	if ((rc = inspection_dir_item_public(r->st, &q, &items, &total,
	    &r->err)) < 0)
		return rc;
	return resp_list(w, items, q.offset, q.limit, total);
}

static int
api_insd_item_export(struct req *r, struct resp *w)
{
	struct inspection_item_query	 q;
	const char			*format = req_query(r, "format");
	char				*data = NULL;
	size_t				 len = 0;
	int64_t				 rows = 0;
	int				 rc;

	memset(&q, 0, sizeof(q));
	api_insd_item_query(r, &q);
	if (format == NULL)
		format = "csv";
	if ((rc = inspection_dir_item_export(r->st, r->who, &q, format, &data,
	    &len, &rows, &r->err)) < 0)
		return rc;
	return api_insd_file(w, "inspection-items", format, data, len);
}

static int
api_insd_item_create(struct req *r, struct resp *w)
{
	return api_create(r, w, inspection_dir_item_create);
}

static int
api_insd_item_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, inspection_dir_item_get);
}

static int
api_insd_item_patch(struct req *r, struct resp *w)
{
	return api_update(r, w, inspection_dir_item_update);
}

static int
api_insd_item_archive(struct req *r, struct resp *w)
{
	return api_state(r, w, inspection_dir_item_archive);
}

/* Inspectors. */

static void
api_insd_inspector_query(struct req *r, struct inspection_inspector_query *q)
{
	q->q = req_query(r, "q");
	q->department = req_query(r, "department");
	q->area = req_query(r, "area");
	q->status = req_query(r, "status");
	q->cert = req_query(r, "cert");
	q->expiring = req_query(r, "expiring");
	q->sort = req_query(r, "sort");
}

static int
api_insd_inspectors(struct req *r, struct resp *w)
{
	struct inspection_inspector_query	 q;
	json_t					*items = NULL;
	int64_t					 total = 0;
	int					 rc;

	memset(&q, 0, sizeof(q));
	if ((rc = req_page(r, &q.offset, &q.limit, &r->err)) < 0)
		return rc;
	api_insd_inspector_query(r, &q);
	if ((rc = inspection_dir_inspector_list(r->st, r->who, &q, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, q.offset, q.limit, total);
}

static int
api_insd_inspector_export(struct req *r, struct resp *w)
{
	struct inspection_inspector_query	 q;
	const char				*format = req_query(r, "format");
	char					*data = NULL;
	size_t					 len = 0;
	int64_t					 rows = 0;
	int					 rc;

	memset(&q, 0, sizeof(q));
	api_insd_inspector_query(r, &q);
	if (format == NULL)
		format = "csv";
	if ((rc = inspection_dir_inspector_export(r->st, r->who, &q, format,
	    &data, &len, &rows, &r->err)) < 0)
		return rc;
	return api_insd_file(w, "inspectors", format, data, len);
}

static int
api_insd_inspector_create(struct req *r, struct resp *w)
{
	return api_create(r, w, inspection_dir_inspector_create);
}

static int
api_insd_inspector_get(struct req *r, struct resp *w)
{
	return api_by_id(r, w, inspection_dir_inspector_get);
}

static int
api_insd_inspector_patch(struct req *r, struct resp *w)
{
	return api_update(r, w, inspection_dir_inspector_update);
}

static int
api_insd_inspector_archive(struct req *r, struct resp *w)
{
	return api_state(r, w, inspection_dir_inspector_archive);
}

/* Conflicts. */

static int
api_insd_conflicts(struct req *r, struct resp *w, int by_unit)
{
	json_t	*items = NULL;
	int64_t	 id, offset, limit, total = 0;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = inspection_dir_conflict_list(r->st, r->who, by_unit ? 0 : id,
	    by_unit ? id : 0, req_query(r, "status"), offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_insd_inspector_conflicts(struct req *r, struct resp *w)
{
	return api_insd_conflicts(r, w, 0);
}

static int
api_insd_unit_conflicts(struct req *r, struct resp *w)
{
	return api_insd_conflicts(r, w, 1);
}

static int
api_insd_conflict_declare(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0)
		return rc;
	if ((rc = inspection_dir_conflict_declare(r->st, r->who, id, r->json,
	    &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 1);
}

/* INS-014: a withdrawal names the version it withdraws (428/412). */
static int
api_insd_conflict_withdraw(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int64_t	 id, version;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_if_match(r, &version, &r->err)) < 0)
		return rc;
	if ((rc = inspection_dir_conflict_withdraw(r->st, r->who, id, version,
	    &j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

const struct route api_inspection_dir_routes[] = {
	{ "GET", "/api/v1/inspection/items", "inspection:read", 0,
	    api_insd_items, "Search the inspection item list", NULL },
	{ "POST", "/api/v1/inspection/items", "inspection:write", ROUTE_WRITE,
	    api_insd_item_create, "Add an inspection item (city)",
	    api_insd_f_item_new },
	/* Before /items/{id}, which would take "export" for an id. */
	{ "GET", "/api/v1/inspection/items/export", "inspection:read", 0,
	    api_insd_item_export, "Export the item list as CSV or XLSX "
	    "(audited)", NULL },
	{ "GET", "/api/v1/inspection/items/{id}", "inspection:read", 0,
	    api_insd_item_get, "Get an inspection item", NULL },
	{ "PATCH", "/api/v1/inspection/items/{id}", "inspection:write",
	    ROUTE_WRITE, api_insd_item_patch,
	    "Change an inspection item (If-Match)", api_insd_f_item_patch },
	{ "POST", "/api/v1/inspection/items/{id}/archive", "inspection:write",
	    ROUTE_WRITE, api_insd_item_archive,
	    "Archive an inspection item (no deletes)", NULL },
	{ "GET", "/api/v1/public/inspection/items", "public", ROUTE_PUBLIC,
	    api_insd_public_items, "The published list of inspection items",
	    NULL },
	{ "GET", "/api/v1/inspectors", "inspection:read", 0,
	    api_insd_inspectors, "Search the inspector directory", NULL },
	{ "POST", "/api/v1/inspectors", "inspection:write", ROUTE_WRITE,
	    api_insd_inspector_create, "Add an inspector",
	    api_insd_f_inspector_new },
	{ "GET", "/api/v1/inspectors/export", "inspection:read", 0,
	    api_insd_inspector_export, "Export the inspector directory as CSV "
	    "or XLSX (audited)", NULL },
	{ "GET", "/api/v1/inspectors/{id}", "inspection:read", 0,
	    api_insd_inspector_get, "Get an inspector", NULL },
	{ "PATCH", "/api/v1/inspectors/{id}", "inspection:write", ROUTE_WRITE,
	    api_insd_inspector_patch, "Change an inspector (If-Match)",
	    api_insd_f_inspector_patch },
	{ "POST", "/api/v1/inspectors/{id}/archive", "inspection:write",
	    ROUTE_WRITE, api_insd_inspector_archive,
	    "Archive an inspector (no deletes)", NULL },
	{ "GET", "/api/v1/inspectors/{id}/conflicts", "inspection:read", 0,
	    api_insd_inspector_conflicts, "Declared conflicts of an inspector",
	    NULL },
	{ "POST", "/api/v1/inspectors/{id}/conflicts", "inspection:write",
	    ROUTE_WRITE, api_insd_conflict_declare,
	    "Declare a conflict with a unit (回避)", api_insd_f_conflict },
	{ "GET", "/api/v1/units/{id}/conflicts", "inspection:read", 0,
	    api_insd_unit_conflicts, "Declared conflicts with a unit", NULL },
	{ "POST", "/api/v1/inspector-conflicts/{id}/withdraw",
	    "inspection:write", ROUTE_WRITE, api_insd_conflict_withdraw,
	    "Withdraw a declared conflict (If-Match)", NULL },
	ROUTE_END
};
