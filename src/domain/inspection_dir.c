/*
 * 一单两库 of the random inspections: the item list, the inspector
 * directory and declared conflicts (回避).  Input checked key by key with
 * the registry's field-table engine, jurisdiction from the registry's
 * scopes (an inspector belongs to the towns of its areas), optimistic
 * locking, archive instead of delete, searchable lists, and the canonical
 * record of every change in the audit trail.  Exports, the items file and
 * the demo directories are in inspection_dir_io.c.  Rules INS-001 to
 * INS-019: docs/modules/inspection_dir.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "audit.h"
#include "inspection_dir_int.h"
#include "registry_int.h"

/* INS-002: who inspects.  The order is the console's. */
const struct inspection_department inspection_departments[] = {
	{ "fire",	"消防救援机构",		"Fire and rescue" },
	{ "market",	"市场监督管理部门",	"Market regulation" },
	{ "housing",	"住房和城乡建设部门",	"Housing and construction" },
	{ "emergency",	"应急管理部门",		"Emergency management" },
	{ "urban",	"城市管理和综合执法部门", "Urban management" },
	{ "power",	"供电部门",		"Power supply" },
	{ "police",	"公安机关",		"Police" },
	{ "other",	"其他部门",		"Other department" },
	{ NULL, NULL, NULL },
};

const char *const inspection_department_names[] = {
	"fire", "market", "housing", "emergency", "urban", "power", "police",
	"other", NULL,
};
const char *const inspection_item_statuses[] = { "active", "archived", NULL };
const char *const inspection_inspector_statuses[] = {
	"active", "suspended", "archived", NULL,
};
const char *const inspection_conflict_kinds[] = {
	"relative", "former_employer", "interest", "other", NULL,
};
const char *const inspection_conflict_statuses[] = {
	"active", "withdrawn", NULL,
};
/* INS-003: registry_category_names without "general". */
const char *const inspection_item_categories[] = {
	"high_risk", "key", "public_gathering", "crowded", "special_industry",
	"three_small", "rental", NULL,
};

/* Statuses a PATCH may set (INS-005). */
static const char *const insd_settable[] = { "active", "suspended", NULL };

/* Days and dates. */

#define INSD_TZ_S	(8 * 3600)

void
insd_today(char out[INSD_DATE_LEN + 1])
{
	time_t		t = (time_t)(clock_now() + INSD_TZ_S);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, INSD_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

void
insd_day_add(const char *day, int n, char out[INSD_DATE_LEN + 1])
{
	struct tm	tm;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(day) - 1900;
	tm.tm_mon = atoi(day + 5) - 1;
	tm.tm_mday = atoi(day + 8) + n;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, INSD_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

int
insd_date_ok(const char *s, int lo, int hi)
{
	static const int	mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			i, y, m, d;

	if (s == NULL || strlen(s) != INSD_DATE_LEN || s[4] != '-' ||
	    s[7] != '-')
		return 0;
	for (i = 0; i < INSD_DATE_LEN; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < lo || y > hi || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return 0;
	return 1;
}

/* Small helpers. */

static int
insd_given(const char *s)
{
	return s != NULL && *s != '\0';
}

static const char *
insd_keep(struct insd_filter *x, char *s)
{
	x->keep[x->nkeep++] = s;
	return s;
}

void
insd_filter_free(struct insd_filter *x)
{
	int	i;

	for (i = 0; i < x->nkeep; i++)
		free(x->keep[i]);
	buf_free(&x->where);
	buf_free(&x->order);
	memset(x, 0, sizeof(*x));
}

/* A list filter's text value: valid UTF-8, at most max code points. */
static int
insd_filter_text(const char *v, const char *field, size_t max, struct err *e)
{
	size_t	n = strlen(v), i;

	if (!str_utf8_valid(v, n) || str_utf8_len(v) > max)
		return err_set(e, ERR_INVALID, field, "%s must be at most %zu "
		    "characters (INS-016)", field, max);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return err_set(e, ERR_INVALID, field, "%s contains "
			    "control characters", field);
	return 0;
}

/* A sort key of an allow-list (INS-016): "{d}" in the pattern becomes
 * " DESC" for a leading '-'. */
struct insd_sort {
	const char	*key;
	const char	*order;
};

static int
insd_sort_build(const struct insd_sort *sorts, const char *sort,
    const char *def, struct buf *b, struct err *e)
{
	const char	*p, *pat = NULL;
	int		 desc = 0, i;

	if (!insd_given(sort))
		sort = def;
	if (*sort == '-') {
		desc = 1;
		sort++;
	}
	for (i = 0; sorts[i].key; i++)
		if (strcmp(sorts[i].key, sort) == 0)
			pat = sorts[i].order;
	if (pat == NULL)
		return err_set(e, ERR_INVALID, "sort", "cannot sort by %.40s "
		    "(INS-016)", sort);
	for (p = pat; *p; p++) {
		if (strncmp(p, "{d}", 3) == 0) {
			if (desc)
				buf_adds(b, " DESC");
			p += 2;
		} else
			buf_addc(b, *p);
	}
	return 0;
}

static int
insd_page_ok(int64_t offset, int64_t limit, struct err *e)
{
	if (offset < 0 || offset > INT32_MAX)
		return err_set(e, ERR_INVALID, "offset", "bad offset");
	if (limit < 1 || limit > INSPECTION_DIR_PAGE_MAX)
		return err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d "
		    "(INS-016)", INSPECTION_DIR_PAGE_MAX);
	return 0;
}

/* '%,' town ',%': areas are stored sorted and comma-separated. */
static char *
insd_area_like(const char *town)
{
	return xasprintf("%%,%s,%%", town);
}

/* 1 if the comma-separated areas hold town. */
static int
insd_areas_have(const char *areas, const char *town)
{
	size_t		 n = strlen(town);
	const char	*p;

	for (p = areas; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 :
	    NULL)
		if (strncmp(p, town, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

static int
insd_stale(int64_t have, struct err *e)
{
	return err_set(e, ERR_STALE, "version", "the record was changed by "
	    "someone else (now version %lld, INS-006)", (long long)have);
}

static int64_t
insd_version(const json_t *j)
{
	return json_integer_value(json_object_get(j, "version"));
}

static const char *
insd_str(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/* Categories (INS-003). */

static const struct registry_category *
insd_cat_find(const char *name)
{
	const struct registry_category	*c;

	for (c = registry_categories; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
insd_cat_bits(const json_t *names)
{
	const struct registry_category	*c;
	json_t				*x;
	size_t				 i;
	int				 b = 0;

	json_array_foreach(names, i, x)
		if (json_is_string(x) &&
		    (c = insd_cat_find(json_string_value(x))) != NULL)
			b |= c->bit;
	return b;
}

/* Category names of bits in rank order; [] for 0 (every unit). */
static json_t *
insd_cat_names(int bits)
{
	const struct registry_category	*c;
	json_t				*a = json_array();

	for (c = registry_categories; c->name; c++)
		if (c->bit != 0 && (bits & c->bit) != 0)
			json_array_append_new(a, json_string(c->name));
	return a;
}

static int
insd_cats_parse(const json_t *v, json_t **out, struct err *e)
{
	json_t		*x;
	size_t		 i;
	int		 bits = 0, bit;
	const char	*s;

	if (json_is_null(v)) {
		*out = json_array();
		return 0;
	}
	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "categories", "categories must be "
		    "a list of strings");
	if (json_array_size(v) > 16)
		return err_set(e, ERR_RANGE, "categories", "categories has too "
		    "many items");
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(e, ERR_TYPE, "categories", "categories "
			    "must be a list of strings");
		s = json_string_value(x);
		if (strcmp(s, "general") == 0)
			return err_set(e, ERR_INVALID, "categories", "general "
			    "cannot be named: an empty list applies to every "
			    "unit (INS-003)");
		if (!reg_choice(inspection_item_categories, s))
			return err_set(e, ERR_INVALID, "categories", "unknown "
			    "category %.32s (INS-003)", s);
		bit = insd_cat_find(s)->bit;
		if (bits & bit)
			return err_set(e, ERR_INVALID, "categories", "category "
			    "%s is listed twice (INS-003)", s);
		bits |= bit;
	}
	*out = insd_cat_names(bits);
	return 0;
}

/* Items. */

static const struct reg_field insd_item_fields[] = {
	{ "code", RF_TEXT, 1, INSPECTION_DIR_CODE_MIN, INSPECTION_DIR_CODE_MAX,
	    NULL, NULL },
	{ "name", RF_TEXT, 1, 1, INSPECTION_DIR_NAME_MAX, NULL, NULL },
	{ "legal_basis", RF_TEXT, 1, 1, INSPECTION_DIR_BASIS_MAX, NULL, NULL },
	{ "content", RF_TEXT, 1, 1, INSPECTION_DIR_CONTENT_MAX, NULL, NULL },
	{ "method", RF_TEXT, 1, 1, INSPECTION_DIR_METHOD_MAX, NULL, NULL },
	{ "department", RF_TEXT, 1, 1, 16, inspection_department_names, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL },
};

static const char insd_sql_item_get[] = INSD_ITEM_SELECT "WHERE id = ?";
static const char insd_sql_item_by_code[] = INSD_ITEM_SELECT "WHERE code = ?";
static const char insd_sql_item_ins[] =
    "INSERT INTO inspection_items (id, code, name, legal_basis, content, "
    "method, department, categories, status, version, created_at, "
    "updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, "
    "?, ?, ?)";
static const char insd_sql_item_upd[] =
    "UPDATE inspection_items SET code = ?, name = ?, legal_basis = ?, "
    "content = ?, method = ?, department = ?, categories = ?, "
    "version = version + 1, updated_at = ? WHERE id = ? AND version = ?";
static const char insd_sql_item_archive[] =
    "UPDATE inspection_items SET status = 'archived', version = version + 1,"
    " updated_at = ? WHERE id = ? AND version = ?";
static const char insd_sql_item_code_taken[] =
    "SELECT COUNT(*) FROM inspection_items WHERE code = ? AND id <> ?";

json_t *
insd_item_row(struct store_rows *r)
{
	return json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, "
	    "s:I, s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "code", store_text(r, 1),
	    "name", store_text(r, 2),
	    "legal_basis", store_text(r, 3),
	    "content", store_text(r, 4),
	    "method", store_text(r, 5),
	    "department", store_text(r, 6),
	    "categories", insd_cat_names((int)store_int(r, 7)),
	    "status", store_text(r, 8),
	    "version", (json_int_t)store_int(r, 9),
	    "created_at", (json_int_t)store_int(r, 10),
	    "updated_at", (json_int_t)store_int(r, 11),
	    "created_by", store_text(r, 12));
}

static int
insd_item_query1(struct store *st, const char *sql, struct store_val arg,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, sql, &arg, 1, &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = insd_item_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such item");
	store_rows_free(r);
	return rc;
}

static int
insd_item_fetch(struct store *st, int64_t id, json_t **out, struct err *e)
{
	return insd_item_query1(st, insd_sql_item_get, SV_I(id), out, e);
}

int
insd_item_by_code(struct store *st, const char *code, json_t **out,
    struct err *e)
{
	return insd_item_query1(st, insd_sql_item_by_code, SV_S(code), out, e);
}

int
inspection_dir_item_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	int64_t	iid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &iid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such item");
	return insd_item_fetch(st, iid, out, e);
}

json_t *
insd_item_blank(void)
{
	json_t	*rec = reg_fields_defaults(insd_item_fields);

	json_object_set_new(rec, "categories", json_array());
	return rec;
}

/* INS-001: 2-16 of A-Z 0-9 '-', lower-case letters upper-cased. */
static int
insd_code_norm(json_t *rec, struct err *e)
{
	const char	*s = insd_str(rec, "code");
	char		*c, *p;
	int		 rc = 0;

	c = xstrdup(s ? s : "");
	for (p = c; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-')) {
			rc = err_set(e, ERR_INVALID, "code", "code may only "
			    "contain A-Z, 0-9 and '-' (INS-001)");
			break;
		}
	}
	if (rc == 0)
		json_object_set_new(rec, "code", json_string(c));
	free(c);
	return rc;
}

int
insd_item_apply(const json_t *in, json_t *rec, int create,
    const char *const *extra, struct err *e)
{
	const char	*ex[16];
	json_t		*v, *cats = NULL;
	int		 n = 0, rc;

	/* categories here, the caller's extra keys by the caller. */
	ex[n++] = "categories";
	while (extra != NULL && *extra != NULL && n < 15)
		ex[n++] = *extra++;
	ex[n] = NULL;
	if ((rc = reg_fields_apply(insd_item_fields, in, rec, create, ex,
	    e)) < 0)
		return rc;
	if (json_object_get(in, "code") != NULL &&
	    (rc = insd_code_norm(rec, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "categories")) != NULL) {
		if ((rc = insd_cats_parse(v, &cats, e)) < 0)
			return rc;
		json_object_set_new(rec, "categories", cats);
	}
	return 0;
}

/*
 * INS-004: the item list is kept city-wide.  Checked after the input and
 * the record's existence, as the registry checks a unit's town (REG-011).
 */
static int
insd_item_city(const struct actor *who, struct err *e)
{
	struct reg_scope	s;

	reg_scope_of(who, &s);
	if (s.kind != RS_ALL)
		return err_set(e, ERR_FORBIDDEN, NULL, "the item list is kept "
		    "by the city (INS-004)");
	return 0;
}

static int
insd_item_code_free(struct store *st, const char *code, int64_t id,
    struct err *e)
{
	int64_t	n;
	int	rc;

	if ((rc = store_query_int(st, insd_sql_item_code_taken,
	    STORE_ARGS(SV_S(code), SV_I(id)), &n, e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "code", "another item has code "
		    "%s (INS-001)", code);
	return 0;
}

/* Append the entry with the record after the change; *out the view. */
static int
insd_item_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = insd_item_fetch(st, id, &rec, e)) < 0)
		return rc;
	if ((rc = audit_append_id(st, who, action, "inspection_item", id, rec,
	    e)) < 0) {
		json_decref(rec);
		return rc;
	}
	if (out != NULL)
		*out = rec;
	else
		json_decref(rec);
	return 0;
}

int
inspection_dir_item_create(struct store *st, struct actor *who,
    const json_t *in, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	char	 by[24];
	int64_t	 id, now = clock_now();
	int	 rc;

	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		goto out;
	rec = insd_item_blank();
	if ((rc = insd_item_apply(in, rec, 1, NULL, e)) < 0)
		goto out;
	if ((rc = insd_item_city(who, e)) < 0)
		goto out;
	if ((rc = insd_item_code_free(st, insd_str(rec, "code"), 0, e)) < 0)
		goto out;
	id = id_next();
	reg_actor_name(who, by);
	if ((rc = store_exec(st, insd_sql_item_ins, STORE_ARGS(SV_I(id),
	    SV_S(insd_str(rec, "code")), SV_S(insd_str(rec, "name")),
	    SV_S(insd_str(rec, "legal_basis")), SV_S(insd_str(rec, "content")),
	    SV_S(insd_str(rec, "method")), SV_S(insd_str(rec, "department")),
	    SV_I(insd_cat_bits(json_object_get(rec, "categories"))),
	    SV_I(now), SV_I(now), SV_S(by)), NULL, e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "code", "another item has code "
			    "%s (INS-001)", insd_str(rec, "code"));
		goto out;
	}
	rc = insd_item_audit(st, who, "inspection_item.create", id, out, e);
out:
	json_decref(rec);
	return rc;
}

int
inspection_dir_item_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	int	rc;

	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		return rc;
	return insd_item_fetch(st, id, out, e);
}

/* An item who may change: city writer, not archived (INS-005). */
static int
insd_item_target(struct store *st, struct actor *who, int64_t id,
    json_t **cur, struct err *e)
{
	int	rc;

	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		return rc;
	if ((rc = insd_item_fetch(st, id, cur, e)) < 0)
		return rc;
	if ((rc = insd_item_city(who, e)) < 0 ||
	    (strcmp(insd_str(*cur, "status"), "archived") == 0 &&
	    (rc = err_set(e, ERR_POLICY, "status", "the item is archived and "
	    "can no longer be changed (INS-005)")) < 0)) {
		json_decref(*cur);
		*cur = NULL;
		return rc;
	}
	return 0;
}

int
inspection_dir_item_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	json_t	*cur = NULL, *rec = NULL;
	int64_t	 ch;
	int	 rc;

	if ((rc = insd_item_target(st, who, id, &cur, e)) < 0)
		goto out;
	rec = json_deep_copy(cur);
	if ((rc = insd_item_apply(in, rec, 0, NULL, e)) < 0)
		goto out;
	if ((rc = insd_item_code_free(st, insd_str(rec, "code"), id, e)) < 0)
		goto out;
	/* INS-006: the version the caller saw, or nothing changes. */
	if (insd_version(cur) != expected) {
		rc = insd_stale(insd_version(cur), e);
		goto out;
	}
	if ((rc = store_exec(st, insd_sql_item_upd, STORE_ARGS(
	    SV_S(insd_str(rec, "code")), SV_S(insd_str(rec, "name")),
	    SV_S(insd_str(rec, "legal_basis")), SV_S(insd_str(rec, "content")),
	    SV_S(insd_str(rec, "method")), SV_S(insd_str(rec, "department")),
	    SV_I(insd_cat_bits(json_object_get(rec, "categories"))),
	    SV_I(clock_now()), SV_I(id), SV_I(expected)), &ch, e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "code", "another item has code "
			    "%s (INS-001)", insd_str(rec, "code"));
		goto out;
	}
	if (ch == 0) {
		rc = insd_stale(insd_version(cur), e);
		goto out;
	}
	rc = insd_item_audit(st, who, "inspection_item.update", id, out, e);
out:
	json_decref(cur);
	json_decref(rec);
	return rc;
}

int
inspection_dir_item_archive(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	json_t	*cur = NULL;
	int64_t	 ch, have;
	int	 rc;

	if ((rc = insd_item_target(st, who, id, &cur, e)) < 0)
		return rc;
	have = insd_version(cur);
	json_decref(cur);
	if (expected != 0 && have != expected)
		return insd_stale(have, e);
	if ((rc = store_exec(st, insd_sql_item_archive, STORE_ARGS(
	    SV_I(clock_now()), SV_I(id), SV_I(have)), &ch, e)) < 0)
		return rc;
	if (ch == 0)
		return insd_stale(have, e);
	return insd_item_audit(st, who, "inspection_item.archive", id, out, e);
}

static const struct insd_sort insd_item_sorts[] = {
	{ "code", "code{d}, id{d}" },
	{ "name", "name{d}, code{d}, id{d}" },
	{ "department", "department{d}, code{d}, id{d}" },
	{ "created_at", "created_at{d}, id{d}" },
	{ "updated_at", "updated_at{d}, id{d}" },
	{ NULL, NULL },
};

int
insd_item_filter(const struct inspection_item_query *q, int public,
    struct insd_filter *x, struct err *e)
{
	const struct registry_category	*c;
	char				*f;
	int				 rc;

	memset(x, 0, sizeof(*x));
	buf_init(&x->where);
	buf_init(&x->order);
	if ((rc = insd_sort_build(insd_item_sorts, q->sort, "code", &x->order,
	    e)) < 0)
		return rc;
	buf_adds(&x->where, "WHERE 1 = 1");
	if (public)
		buf_adds(&x->where, " AND status = 'active'");
	else if (insd_given(q->status)) {
		if (!reg_choice(inspection_item_statuses, q->status))
			return err_set(e, ERR_INVALID, "status", "status must "
			    "be active or archived");
		buf_adds(&x->where, " AND status = ?");
		x->args[x->n++] = SV_S(q->status);
	}
	if (insd_given(q->department)) {
		if (!reg_choice(inspection_department_names, q->department))
			return err_set(e, ERR_INVALID, "department", "unknown "
			    "department (INS-002)");
		buf_adds(&x->where, " AND department = ?");
		x->args[x->n++] = SV_S(q->department);
	}
	if (insd_given(q->category)) {
		/* INS-003: items that apply to units of the category, which
		 * includes those that apply to every unit. */
		if ((c = insd_cat_find(q->category)) == NULL)
			return err_set(e, ERR_INVALID, "category", "unknown "
			    "category (INS-003)");
		if (c->bit == 0)
			buf_adds(&x->where, " AND categories = 0");
		else {
			buf_adds(&x->where, " AND (categories = 0 OR "
			    "(categories & ?) <> 0)");
			x->args[x->n++] = SV_I(c->bit);
		}
	}
	if (insd_given(q->q)) {
		if ((rc = insd_filter_text(q->q, "q", INSPECTION_DIR_Q_MAX,
		    e)) < 0)
			return rc;
		f = reg_fold(q->q);
		buf_adds(&x->where, " AND (LOWER(code) LIKE ? ESCAPE '\\' OR "
		    "LOWER(name) LIKE ? ESCAPE '\\')");
		x->args[x->n] = SV_S(insd_keep(x, reg_like(f, 0)));
		x->args[x->n + 1] = x->args[x->n];
		x->n += 2;
		free(f);
	}
	return 0;
}

static int
insd_item_select(struct store *st, const struct inspection_item_query *q,
    int public, json_t **items, int64_t *total, struct err *e)
{
	struct insd_filter	 x;
	struct store_rows	*r = NULL;
	struct buf		 sql;
	json_t			*a = NULL;
	int			 rc;

	buf_init(&sql);
	memset(&x, 0, sizeof(x));
	if ((rc = insd_page_ok(q->offset, q->limit, e)) < 0)
		goto out;
	if ((rc = insd_item_filter(q, public, &x, e)) < 0)
		goto out;
	buf_printf(&sql, "SELECT COUNT(*) FROM inspection_items %s",
	    x.where.data);
	if ((rc = store_query_int(st, sql.data, x.args, x.n, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "%s%s ORDER BY %s LIMIT ? OFFSET ?", INSD_ITEM_SELECT,
	    x.where.data, x.order.data);
	x.args[x.n++] = SV_I(q->limit);
	x.args[x.n++] = SV_I(q->offset);
	if ((rc = store_query(st, sql.data, x.args, x.n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, insd_item_row(r));
	if (rc < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	insd_filter_free(&x);
	json_decref(a);
	store_rows_free(r);
	buf_free(&sql);
	return rc;
}

int
inspection_dir_item_list(struct store *st, struct actor *who,
    const struct inspection_item_query *q, json_t **items, int64_t *total,
    struct err *e)
{
	int	rc;

	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		return rc;
	return insd_item_select(st, q, 0, items, total, e);
}

static const char *
insd_dept_title(const char *name)
{
	const struct inspection_department	*d;

	for (d = inspection_departments; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d->title_zh;
	return name;
}

int
inspection_dir_item_public(struct store *st,
    const struct inspection_item_query *q, json_t **items, int64_t *total,
    struct err *e)
{
	static const char *const	 keep[] = { "code", "name",
	    "legal_basis", "content", "method", "department", "categories",
	    "updated_at", NULL };
	json_t				*all = NULL, *a, *it, *p;
	size_t				 i;
	int				 k, rc;

	/* INS-017: the published list carries no ids and no people. */
	if ((rc = insd_item_select(st, q, 1, &all, total, e)) < 0)
		return rc;
	a = json_array();
	json_array_foreach(all, i, it) {
		p = json_object();
		for (k = 0; keep[k]; k++)
			json_object_set(p, keep[k], json_object_get(it, keep[k]));
		json_object_set_new(p, "department_name", json_string(
		    insd_dept_title(insd_str(it, "department"))));
		json_array_append_new(a, p);
	}
	json_decref(all);
	*items = a;
	return 0;
}

/* Inspectors. */

static const struct reg_field insd_inspector_fields[] = {
	{ "name", RF_TEXT, 1, 1, INSPECTION_DIR_PERSON_MAX, NULL, NULL },
	{ "department", RF_TEXT, 1, 1, 16, inspection_department_names, NULL },
	{ "cert_no", RF_TEXT, 1, 1, INSPECTION_DIR_CERT_MAX, NULL, NULL },
	{ "cert_valid_until", RF_TEXT, 1, 1, INSD_DATE_LEN, NULL, NULL },
	{ "specialty", RF_TEXT, 0, 1, INSPECTION_DIR_SPECIALTY_MAX, NULL,
	    NULL },
	{ "user_id", RF_ID, 0, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL },
};

static const char insd_sql_inspector_get[] = INSD_INSPECTOR_SELECT
    "WHERE i.id = ?";
static const char insd_sql_inspector_ins[] =
    "INSERT INTO inspectors (id, user_id, name, department, cert_no, "
    "cert_valid_until, areas, specialty, status, version, created_at, "
    "updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, "
    "?, ?, ?)";
static const char insd_sql_inspector_upd[] =
    "UPDATE inspectors SET user_id = ?, name = ?, department = ?, "
    "cert_no = ?, cert_valid_until = ?, areas = ?, specialty = ?, "
    "status = ?, version = version + 1, updated_at = ? "
    "WHERE id = ? AND version = ?";
static const char insd_sql_inspector_archive[] =
    "UPDATE inspectors SET status = 'archived', version = version + 1, "
    "updated_at = ? WHERE id = ? AND version = ?";
static const char insd_sql_cert_taken[] =
    "SELECT COUNT(*) FROM inspectors WHERE department = ? AND cert_no = ? "
    "AND id <> ?";
static const char insd_sql_user_taken[] =
    "SELECT COUNT(*) FROM inspectors WHERE user_id = ? AND id <> ?";
static const char insd_sql_user_exists[] =
    "SELECT COUNT(*) FROM users WHERE id = ?";
static const char insd_sql_user_admin[] =
    "SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
    "WHERE ur.user_id = ? AND r.admin_kind IS NOT NULL";

static json_t *
insd_areas_json(const char *csv)
{
	json_t		*a = json_array();
	const char	*p = csv, *c;

	while (p != NULL && *p != '\0') {
		c = strchr(p, ',');
		json_array_append_new(a, json_stringn(p, c ? (size_t)(c - p) :
		    strlen(p)));
		p = c ? c + 1 : NULL;
	}
	return a;
}

/* The areas of a record as stored: sorted, comma-separated. */
static char *
insd_areas_csv(const json_t *areas)
{
	struct buf	 b;
	json_t		*x;
	size_t		 i;

	buf_init(&b);
	json_array_foreach(areas, i, x) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, json_string_value(x));
	}
	return buf_release(&b);
}

json_t *
insd_inspector_row(struct store_rows *r, int view, const char *today)
{
	json_t	*j;

	j = json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:I,"
	    " s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "user_id", store_isnull(r, 1) ? json_null() :
	    jx_id(store_int(r, 1)),
	    "name", store_text(r, 2),
	    "department", store_text(r, 3),
	    "cert_no", store_text(r, 4),
	    "cert_valid_until", store_text(r, 5),
	    "areas", insd_areas_json(store_text(r, 6)),
	    "specialty", store_isnull(r, 7) ? json_null() :
	    json_string(store_text(r, 7)),
	    "status", store_text(r, 8),
	    "version", (json_int_t)store_int(r, 9),
	    "created_at", (json_int_t)store_int(r, 10),
	    "updated_at", (json_int_t)store_int(r, 11),
	    "created_by", store_text(r, 12));
	if (view) {
		/* INS-010: valid through its last day, in Asia/Shanghai. */
		json_object_set_new(j, "cert_valid", json_boolean(
		    strcmp(store_text(r, 5), today) >= 0));
		json_object_set_new(j, "user_login", store_isnull(r, 13) ?
		    json_null() : json_string(store_text(r, 13)));
		json_object_set_new(j, "conflicts_active",
		    json_integer(store_int(r, 14)));
	}
	return j;
}

static int
insd_inspector_fetch(struct store *st, int64_t id, int view, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	char			 today[INSD_DATE_LEN + 1];
	int			 rc;

	insd_today(today);
	if ((rc = store_query(st, insd_sql_inspector_get, STORE_ARGS(SV_I(id)),
	    &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = insd_inspector_row(r, view, today);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such inspector");
	store_rows_free(r);
	return rc;
}

int
inspection_dir_inspector_record(struct store *st, const char *id,
    json_t **out, struct err *e)
{
	int64_t	iid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &iid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such inspector");
	return insd_inspector_fetch(st, iid, 0, out, e);
}

/* INS-011: the city sees every inspector, a town those of its areas. */
static int
insd_inspector_sees(const struct reg_scope *s, const char *areas)
{
	switch (s->kind) {
	case RS_ALL:
		return 1;
	case RS_TOWN:
		return insd_areas_have(areas, s->town);
	default:
		return 0;
	}
}

/* INS-012: the city changes any inspector, a town only its own. */
static int
insd_inspector_keeps(const struct reg_scope *s, const json_t *areas)
{
	if (s->kind == RS_ALL)
		return 1;
	return s->kind == RS_TOWN && json_array_size(areas) == 1 &&
	    strcmp(json_string_value(json_array_get(areas, 0)), s->town) == 0;
}

/* A visible inspector (inspection:read, INS-011) as its view. */
static int
insd_inspector_load(struct store *st, const struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	struct reg_scope	 s;
	json_t			*j = NULL;
	char			*csv;
	int			 rc, sees;

	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		return rc;
	if ((rc = insd_inspector_fetch(st, id, 1, &j, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	csv = insd_areas_csv(json_object_get(j, "areas"));
	sees = insd_inspector_sees(&s, csv);
	free(csv);
	if (!sees) {
		json_decref(j);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such inspector");
	}
	*out = j;
	return 0;
}

int
inspection_dir_inspector_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	return insd_inspector_load(st, who, id, out, e);
}

static int
insd_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* INS-008: 1-36 distinct known towns, sorted. */
static int
insd_areas_parse(struct store *st, const json_t *v, json_t **out,
    struct err *e)
{
	const char	*codes[INSPECTION_DIR_AREAS_MAX];
	json_t		*x, *a;
	size_t		 i, n;
	int		 rc;

	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "areas", "areas must be a list of "
		    "town codes");
	n = json_array_size(v);
	if (n < 1 || n > INSPECTION_DIR_AREAS_MAX)
		return err_set(e, ERR_RANGE, "areas", "areas must list 1 to %d "
		    "towns (INS-008)", INSPECTION_DIR_AREAS_MAX);
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(e, ERR_TYPE, "areas", "areas must be a "
			    "list of town codes");
		if ((rc = reg_town_exists(st, json_string_value(x), "areas",
		    e)) < 0)
			return rc;
		codes[i] = json_string_value(x);
	}
	qsort(codes, n, sizeof(codes[0]), insd_str_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(codes[i - 1], codes[i]) == 0)
			return err_set(e, ERR_INVALID, "areas", "town %s is "
			    "listed twice (INS-008)", codes[i]);
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(codes[i]));
	*out = a;
	return 0;
}

/*
 * Apply in to rec (create: defaults; update: the current record): the
 * plain fields by the table, then areas (INS-008) and, on update, status
 * (INS-005).
 */
static int
insd_inspector_apply(struct store *st, const json_t *in, json_t *rec,
    int create, struct err *e)
{
	static const char *const	 ex_new[] = { "areas", NULL };
	static const char *const	 ex_upd[] = { "areas", "status", NULL };
	json_t				*v, *areas = NULL;
	const char			*s;
	int				 rc;

	if ((rc = reg_fields_apply(insd_inspector_fields, in, rec, create,
	    create ? ex_new : ex_upd, e)) < 0)
		return rc;
	s = insd_str(rec, "cert_valid_until");
	if (json_object_get(in, "cert_valid_until") != NULL &&
	    !insd_date_ok(s, 1990, 2099))
		return err_set(e, ERR_INVALID, "cert_valid_until",
		    "cert_valid_until must be a real day YYYY-MM-DD of 1990 "
		    "to 2099 (INS-007)");
	if ((v = json_object_get(in, "areas")) != NULL) {
		if ((rc = insd_areas_parse(st, v, &areas, e)) < 0)
			return rc;
		json_object_set_new(rec, "areas", areas);
	} else if (create)
		return err_set(e, ERR_MISSING, "areas", "areas is required");
	if (!create && (v = json_object_get(in, "status")) != NULL) {
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, "status", "status must be a "
			    "string");
		if (!reg_choice(insd_settable, json_string_value(v)))
			return err_set(e, ERR_INVALID, "status", "status may be "
			    "set to active or suspended; archive with "
			    "/archive (INS-005)");
		json_object_set_new(rec, "status",
		    json_string(json_string_value(v)));
	}
	return 0;
}

static int64_t
insd_id_of(const json_t *v)
{
	int64_t	id = 0;

	if (json_is_string(v))
		str_to_i64(json_string_value(v), 1, INT64_MAX, &id);
	return id;
}

/*
 * Rules across fields and against the database: INS-012 (a town keeps
 * only its own inspectors), INS-007 (certificate unique in the
 * department), INS-009 (the linked user).
 */
static int
insd_inspector_rules(struct store *st, const struct actor *who,
    const json_t *rec, int64_t id, struct err *e)
{
	struct reg_scope	 s;
	int64_t			 n, uid;
	int			 rc;

	reg_scope_of(who, &s);
	if (!insd_inspector_keeps(&s, json_object_get(rec, "areas")))
		return err_set(e, ERR_FORBIDDEN, "areas", "a town keeps only "
		    "inspectors whose area is that town alone (INS-012)");
	if ((rc = store_query_int(st, insd_sql_cert_taken, STORE_ARGS(
	    SV_S(insd_str(rec, "department")), SV_S(insd_str(rec, "cert_no")),
	    SV_I(id)), &n, e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "cert_no", "another inspector "
		    "of this department has certificate %s (INS-007)",
		    insd_str(rec, "cert_no"));
	if ((uid = insd_id_of(json_object_get(rec, "user_id"))) == 0)
		return 0;
	if ((rc = store_query_int(st, insd_sql_user_exists,
	    STORE_ARGS(SV_I(uid)), &n, e)) < 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_INVALID, "user_id", "no such user "
		    "(INS-009)");
	if ((rc = store_query_int(st, insd_sql_user_admin,
	    STORE_ARGS(SV_I(uid)), &n, e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_INVALID, "user_id", "an administrator "
		    "(三员) cannot be an inspector (INS-009, A-7)");
	if ((rc = store_query_int(st, insd_sql_user_taken,
	    STORE_ARGS(SV_I(uid), SV_I(id)), &n, e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "user_id", "the user is already "
		    "linked to another inspector (INS-009)");
	return 0;
}

static struct store_val
insd_id_val(const json_t *v)
{
	int64_t	id = insd_id_of(v);

	return id != 0 ? SV_I(id) : SV_N;
}

static int
insd_inspector_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = insd_inspector_fetch(st, id, 0, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, "inspector", id, rec, e);
	json_decref(rec);
	if (rc < 0)
		return rc;
	return out != NULL ? insd_inspector_fetch(st, id, 1, out, e) : 0;
}

int
inspection_dir_inspector_create(struct store *st, struct actor *who,
    const json_t *in, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	char	 by[24], *csv = NULL;
	int64_t	 id, now = clock_now();
	int	 rc;

	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		goto out;
	rec = reg_fields_defaults(insd_inspector_fields);
	json_object_set_new(rec, "areas", json_array());
	if ((rc = insd_inspector_apply(st, in, rec, 1, e)) < 0)
		goto out;
	if ((rc = insd_inspector_rules(st, who, rec, 0, e)) < 0)
		goto out;
	id = id_next();
	reg_actor_name(who, by);
	csv = insd_areas_csv(json_object_get(rec, "areas"));
	if ((rc = store_exec(st, insd_sql_inspector_ins, STORE_ARGS(SV_I(id),
	    insd_id_val(json_object_get(rec, "user_id")),
	    SV_S(insd_str(rec, "name")), SV_S(insd_str(rec, "department")),
	    SV_S(insd_str(rec, "cert_no")),
	    SV_S(insd_str(rec, "cert_valid_until")), SV_S(csv),
	    SV_S(insd_str(rec, "specialty")), SV_I(now), SV_I(now), SV_S(by)),
	    NULL, e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "cert_no", "conflicts with "
			    "another inspector (INS-007, INS-009)");
		goto out;
	}
	rc = insd_inspector_audit(st, who, "inspector.create", id, out, e);
out:
	free(csv);
	json_decref(rec);
	return rc;
}

/* An inspector who may change: visible, kept by who, not archived. */
static int
insd_inspector_target(struct store *st, struct actor *who, int64_t id,
    json_t **cur, struct err *e)
{
	struct reg_scope	s;
	int			rc;

	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		return rc;
	if ((rc = insd_inspector_load(st, who, id, cur, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (!insd_inspector_keeps(&s, json_object_get(*cur, "areas")))
		rc = err_set(e, ERR_FORBIDDEN, "areas", "an inspector of "
		    "several towns is kept by the city (INS-012)");
	else if (strcmp(insd_str(*cur, "status"), "archived") == 0)
		rc = err_set(e, ERR_POLICY, "status", "the inspector is "
		    "archived and can no longer be changed (INS-005)");
	if (rc < 0) {
		json_decref(*cur);
		*cur = NULL;
	}
	return rc;
}

int
inspection_dir_inspector_update(struct store *st, struct actor *who,
    int64_t id, int64_t expected, const json_t *in, json_t **out,
    struct err *e)
{
	static const char *const	 view_only[] = { "cert_valid",
	    "user_login", "conflicts_active", NULL };
	json_t				*cur = NULL, *rec = NULL;
	char				*csv = NULL;
	int64_t				 ch;
	int				 i, rc;

	if ((rc = insd_inspector_target(st, who, id, &cur, e)) < 0)
		goto out;
	rec = json_deep_copy(cur);
	for (i = 0; view_only[i]; i++)
		json_object_del(rec, view_only[i]);
	if ((rc = insd_inspector_apply(st, in, rec, 0, e)) < 0)
		goto out;
	if ((rc = insd_inspector_rules(st, who, rec, id, e)) < 0)
		goto out;
	if (insd_version(cur) != expected) {
		rc = insd_stale(insd_version(cur), e);
		goto out;
	}
	csv = insd_areas_csv(json_object_get(rec, "areas"));
	if ((rc = store_exec(st, insd_sql_inspector_upd, STORE_ARGS(
	    insd_id_val(json_object_get(rec, "user_id")),
	    SV_S(insd_str(rec, "name")), SV_S(insd_str(rec, "department")),
	    SV_S(insd_str(rec, "cert_no")),
	    SV_S(insd_str(rec, "cert_valid_until")), SV_S(csv),
	    SV_S(insd_str(rec, "specialty")), SV_S(insd_str(rec, "status")),
	    SV_I(clock_now()), SV_I(id), SV_I(expected)), &ch, e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "cert_no", "conflicts with "
			    "another inspector (INS-007, INS-009)");
		goto out;
	}
	if (ch == 0) {
		rc = insd_stale(insd_version(cur), e);
		goto out;
	}
	rc = insd_inspector_audit(st, who, "inspector.update", id, out, e);
out:
	free(csv);
	json_decref(cur);
	json_decref(rec);
	return rc;
}

int
inspection_dir_inspector_archive(struct store *st, struct actor *who,
    int64_t id, int64_t expected, json_t **out, struct err *e)
{
	json_t	*cur = NULL;
	int64_t	 ch, have;
	int	 rc;

	if ((rc = insd_inspector_target(st, who, id, &cur, e)) < 0)
		return rc;
	have = insd_version(cur);
	json_decref(cur);
	if (expected != 0 && have != expected)
		return insd_stale(have, e);
	if ((rc = store_exec(st, insd_sql_inspector_archive, STORE_ARGS(
	    SV_I(clock_now()), SV_I(id), SV_I(have)), &ch, e)) < 0)
		return rc;
	if (ch == 0)
		return insd_stale(have, e);
	return insd_inspector_audit(st, who, "inspector.archive", id, out, e);
}

static const struct insd_sort insd_inspector_sorts[] = {
	{ "name", "i.name{d}, i.id{d}" },
	{ "department", "i.department{d}, i.name{d}, i.id{d}" },
	{ "cert_valid_until", "i.cert_valid_until{d}, i.name{d}, i.id{d}" },
	{ "created_at", "i.created_at{d}, i.id{d}" },
	{ "updated_at", "i.updated_at{d}, i.id{d}" },
	{ NULL, NULL },
};

int
insd_inspector_filter(struct store *st, const struct actor *who,
    const struct inspection_inspector_query *q, const char *today,
    struct insd_filter *x, struct err *e)
{
	struct reg_scope	 s;
	char			*f, until[INSD_DATE_LEN + 1];
	int64_t			 days;
	int			 rc;

	memset(x, 0, sizeof(*x));
	buf_init(&x->where);
	buf_init(&x->order);
	if ((rc = insd_sort_build(insd_inspector_sorts, q->sort, "name",
	    &x->order, e)) < 0)
		return rc;
	buf_adds(&x->where, "WHERE 1 = 1");
	/* INS-011 */
	reg_scope_of(who, &s);
	if (s.kind == RS_TOWN) {
		buf_adds(&x->where, " AND (',' || i.areas || ',') LIKE ?");
		x->args[x->n++] = SV_S(insd_keep(x, insd_area_like(s.town)));
	} else if (s.kind != RS_ALL)
		buf_adds(&x->where, " AND 1 = 0");
	if (insd_given(q->department)) {
		if (!reg_choice(inspection_department_names, q->department))
			return err_set(e, ERR_INVALID, "department", "unknown "
			    "department (INS-002)");
		buf_adds(&x->where, " AND i.department = ?");
		x->args[x->n++] = SV_S(q->department);
	}
	if (insd_given(q->area)) {
		if ((rc = reg_town_exists(st, q->area, "area", e)) < 0)
			return rc;
		buf_adds(&x->where, " AND (',' || i.areas || ',') LIKE ?");
		x->args[x->n++] = SV_S(insd_keep(x, insd_area_like(q->area)));
	}
	if (insd_given(q->status)) {
		if (!reg_choice(inspection_inspector_statuses, q->status))
			return err_set(e, ERR_INVALID, "status", "status must "
			    "be active, suspended or archived");
		buf_adds(&x->where, " AND i.status = ?");
		x->args[x->n++] = SV_S(q->status);
	}
	/* INS-010 */
	if (insd_given(q->cert)) {
		if (strcmp(q->cert, "valid") == 0)
			buf_adds(&x->where, " AND i.cert_valid_until >= ?");
		else if (strcmp(q->cert, "expired") == 0)
			buf_adds(&x->where, " AND i.cert_valid_until < ?");
		else
			return err_set(e, ERR_INVALID, "cert", "cert must be "
			    "valid or expired (INS-010)");
		x->args[x->n++] = SV_S(insd_keep(x, xstrdup(today)));
	}
	if (insd_given(q->expiring)) {
		if (str_to_i64(q->expiring, 0, INSPECTION_DIR_EXPIRING_MAX,
		    &days) < 0)
			return err_set(e, ERR_INVALID, "expiring", "expiring "
			    "must be 0 to %d days (INS-010)",
			    INSPECTION_DIR_EXPIRING_MAX);
		insd_day_add(today, (int)days, until);
		buf_adds(&x->where, " AND i.cert_valid_until >= ? AND "
		    "i.cert_valid_until <= ?");
		x->args[x->n++] = SV_S(insd_keep(x, xstrdup(today)));
		x->args[x->n++] = SV_S(insd_keep(x, xstrdup(until)));
	}
	if (insd_given(q->q)) {
		if ((rc = insd_filter_text(q->q, "q", INSPECTION_DIR_Q_MAX,
		    e)) < 0)
			return rc;
		f = reg_fold(q->q);
		buf_adds(&x->where, " AND (LOWER(i.name) LIKE ? ESCAPE '\\' OR "
		    "LOWER(i.cert_no) LIKE ? ESCAPE '\\')");
		x->args[x->n] = SV_S(insd_keep(x, reg_like(f, 0)));
		x->args[x->n + 1] = x->args[x->n];
		x->n += 2;
		free(f);
	}
	return 0;
}

int
inspection_dir_inspector_list(struct store *st, struct actor *who,
    const struct inspection_inspector_query *q, json_t **items,
    int64_t *total, struct err *e)
{
	struct insd_filter	 x;
	struct store_rows	*r = NULL;
	struct buf		 sql;
	json_t			*a = NULL;
	char			 today[INSD_DATE_LEN + 1];
	int			 rc;

	buf_init(&sql);
	memset(&x, 0, sizeof(x));
	insd_today(today);
	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		goto out;
	if ((rc = insd_page_ok(q->offset, q->limit, e)) < 0)
		goto out;
	if ((rc = insd_inspector_filter(st, who, q, today, &x, e)) < 0)
		goto out;
	buf_printf(&sql, "SELECT COUNT(*) FROM inspectors i %s", x.where.data);
	if ((rc = store_query_int(st, sql.data, x.args, x.n, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "%s%s ORDER BY %s LIMIT ? OFFSET ?",
	    INSD_INSPECTOR_SELECT, x.where.data, x.order.data);
	x.args[x.n++] = SV_I(q->limit);
	x.args[x.n++] = SV_I(q->offset);
	if ((rc = store_query(st, sql.data, x.args, x.n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, insd_inspector_row(r, 1, today));
	if (rc < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	insd_filter_free(&x);
	json_decref(a);
	store_rows_free(r);
	buf_free(&sql);
	return rc;
}

/* Conflicts. */

#define INSD_CONFLICT_SELECT \
    "SELECT c.id, c.inspector_id, c.unit_id, c.kind, c.note, c.status, " \
    "c.version, c.created_at, c.updated_at, c.created_by, i.name, " \
    "i.department, i.areas, u.name, u.town_code, u.grid_id " \
    "FROM inspector_conflicts c JOIN inspectors i ON i.id = " \
    "c.inspector_id JOIN units u ON u.id = c.unit_id "

static const char insd_sql_conflict_get[] = INSD_CONFLICT_SELECT
    "WHERE c.id = ?";
static const char insd_sql_conflict_ins[] =
    "INSERT INTO inspector_conflicts (id, inspector_id, unit_id, kind, note,"
    " status, version, created_at, updated_at, created_by) "
    "VALUES (?, ?, ?, ?, ?, 'active', 1, ?, ?, ?)";
static const char insd_sql_conflict_dup[] =
    "SELECT COUNT(*) FROM inspector_conflicts WHERE inspector_id = ? AND "
    "unit_id = ? AND status = 'active'";
static const char insd_sql_conflict_withdraw[] =
    "UPDATE inspector_conflicts SET status = 'withdrawn', "
    "version = version + 1, updated_at = ? WHERE id = ? AND version = ?";

static const struct reg_field insd_conflict_fields[] = {
	{ "unit_id", RF_ID, 1, 0, 0, NULL, NULL },
	{ "kind", RF_TEXT, 1, 1, 24, inspection_conflict_kinds, NULL },
	{ "note", RF_TEXT, 0, 1, INSPECTION_DIR_NOTE_MAX, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL },
};

/* A conflict from a row of INSD_CONFLICT_SELECT: record or view. */
static json_t *
insd_conflict_row(struct store_rows *r, int view)
{
	json_t	*j;

	j = json_pack("{s:o, s:o, s:o, s:s, s:o, s:s, s:I, s:I, s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "inspector_id", jx_id(store_int(r, 1)),
	    "unit_id", jx_id(store_int(r, 2)),
	    "kind", store_text(r, 3),
	    "note", store_isnull(r, 4) ? json_null() :
	    json_string(store_text(r, 4)),
	    "status", store_text(r, 5),
	    "version", (json_int_t)store_int(r, 6),
	    "created_at", (json_int_t)store_int(r, 7),
	    "updated_at", (json_int_t)store_int(r, 8),
	    "created_by", store_text(r, 9));
	if (view) {
		json_object_set_new(j, "inspector_name",
		    json_string(store_text(r, 10)));
		json_object_set_new(j, "inspector_department",
		    json_string(store_text(r, 11)));
		json_object_set_new(j, "unit_name",
		    json_string(store_text(r, 13)));
		json_object_set_new(j, "unit_town",
		    json_string(store_text(r, 14)));
	}
	return j;
}

/* The conflict (record or view) and whether who sees it (INS-014). */
static int
insd_conflict_fetch(struct store *st, int64_t id, int view,
    const struct actor *who, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct reg_scope	 s;
	int			 rc, sees = 1;

	if ((rc = store_query(st, insd_sql_conflict_get, STORE_ARGS(SV_I(id)),
	    &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		if (who != NULL) {
			reg_scope_of(who, &s);
			sees = insd_inspector_sees(&s, store_text(r, 12)) &&
			    reg_scope_sees(&s, store_text(r, 14),
			    store_isnull(r, 15) ? 0 : store_int(r, 15),
			    store_int(r, 2));
		}
		if (sees) {
			*out = insd_conflict_row(r, view);
			rc = 0;
		} else
			rc = err_set(e, ERR_NOT_FOUND, NULL, "no such "
			    "conflict");
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such conflict");
	store_rows_free(r);
	return rc;
}

int
inspection_dir_conflict_record(struct store *st, const char *id,
    json_t **out, struct err *e)
{
	int64_t	cid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &cid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such conflict");
	return insd_conflict_fetch(st, cid, 0, NULL, out, e);
}

static int
insd_conflict_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = insd_conflict_fetch(st, id, 0, NULL, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, "inspector_conflict", id, rec, e);
	json_decref(rec);
	if (rc < 0)
		return rc;
	return out != NULL ? insd_conflict_fetch(st, id, 1, NULL, out, e) : 0;
}

int
inspection_dir_conflict_declare(struct store *st, struct actor *who,
    int64_t inspector_id, const json_t *in, json_t **out, struct err *e)
{
	struct reg_unit_loc	 loc;
	json_t			*insp = NULL, *rec = NULL;
	const char		*kind, *note;
	char			 by[24];
	int64_t			 id, uid, n, now = clock_now();
	int			 rc;

	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		goto out;
	if ((rc = insd_inspector_load(st, who, inspector_id, &insp, e)) < 0)
		goto out;
	if (strcmp(insd_str(insp, "status"), "archived") == 0) {
		rc = err_set(e, ERR_POLICY, "status", "the inspector is "
		    "archived (INS-005)");
		goto out;
	}
	rec = reg_fields_defaults(insd_conflict_fields);
	if ((rc = reg_fields_apply(insd_conflict_fields, in, rec, 1, NULL,
	    e)) < 0)
		goto out;
	kind = insd_str(rec, "kind");
	note = insd_str(rec, "note");
	/* INS-013: "other" says what the relationship is. */
	if (strcmp(kind, "other") == 0 && (note == NULL ||
	    str_utf8_len(note) < INSPECTION_DIR_NOTE_MIN)) {
		rc = err_set(e, note == NULL ? ERR_MISSING : ERR_RANGE, "note",
		    "a conflict of kind other needs a note of %d to %d "
		    "characters (INS-013)", INSPECTION_DIR_NOTE_MIN,
		    INSPECTION_DIR_NOTE_MAX);
		goto out;
	}
	/* INS-013: a unit that exists within the declarer's jurisdiction;
	 * one outside it looks absent (Z-2). */
	uid = insd_id_of(json_object_get(rec, "unit_id"));
	if ((rc = reg_unit_loc(st, who, uid, &loc, e)) < 0) {
		if (rc == ERR_NOT_FOUND)
			rc = err_set(e, ERR_INVALID, "unit_id", "no such unit "
			    "within your jurisdiction (INS-013)");
		goto out;
	}
	if ((rc = store_query_int(st, insd_sql_conflict_dup, STORE_ARGS(
	    SV_I(inspector_id), SV_I(uid)), &n, e)) < 0)
		goto out;
	if (n > 0) {
		rc = err_set(e, ERR_CONFLICT, "unit_id", "the inspector already "
		    "has an active declaration for this unit (INS-013)");
		goto out;
	}
	id = id_next();
	reg_actor_name(who, by);
	if ((rc = store_exec(st, insd_sql_conflict_ins, STORE_ARGS(SV_I(id),
	    SV_I(inspector_id), SV_I(uid), SV_S(kind), SV_S(note), SV_I(now),
	    SV_I(now), SV_S(by)), NULL, e)) < 0)
		goto out;
	rc = insd_conflict_audit(st, who, "inspector_conflict.declare", id,
	    out, e);
out:
	json_decref(insp);
	json_decref(rec);
	return rc;
}

int
inspection_dir_conflict_withdraw(struct store *st, struct actor *who,
    int64_t id, int64_t expected, json_t **out, struct err *e)
{
	json_t	*c = NULL;
	int64_t	 ch, have;
	int	 rc;

	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		return rc;
	if ((rc = insd_conflict_fetch(st, id, 0, who, &c, e)) < 0)
		return rc;
	have = insd_version(c);
	rc = strcmp(insd_str(c, "status"), "active") != 0 ?
	    err_set(e, ERR_POLICY, "status", "the declaration is already "
	    "withdrawn (INS-014)") : 0;
	json_decref(c);
	if (rc < 0)
		return rc;
	if (expected != 0 && have != expected)
		return insd_stale(have, e);
	if ((rc = store_exec(st, insd_sql_conflict_withdraw, STORE_ARGS(
	    SV_I(clock_now()), SV_I(id), SV_I(have)), &ch, e)) < 0)
		return rc;
	if (ch == 0)
		return insd_stale(have, e);
	return insd_conflict_audit(st, who, "inspector_conflict.withdraw", id,
	    out, e);
}

int
inspection_dir_conflict_list(struct store *st, struct actor *who,
    int64_t inspector_id, int64_t unit_id, const char *status,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	struct reg_unit_loc	 loc;
	struct reg_scope	 s;
	struct store_val	 args[8];
	struct store_rows	*r = NULL;
	struct buf		 where, sql;
	json_t			*a = NULL, *insp = NULL;
	char			*like = NULL;
	int			 n = 0, rc;

	buf_init(&where);
	buf_init(&sql);
	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		goto out;
	if ((rc = insd_page_ok(offset, limit, e)) < 0)
		goto out;
	if ((inspector_id == 0) == (unit_id == 0)) {
		rc = err_set(e, ERR_INTERNAL, NULL, "one inspector or one unit");
		goto out;
	}
	reg_scope_of(who, &s);
	if (inspector_id != 0) {
		if ((rc = insd_inspector_load(st, who, inspector_id, &insp,
		    e)) < 0)
			goto out;
		buf_adds(&where, "WHERE c.inspector_id = ?");
		args[n++] = SV_I(inspector_id);
		/* INS-014: only units of who's jurisdiction. */
		switch (s.kind) {
		case RS_ALL:
			break;
		case RS_TOWN:
			buf_adds(&where, " AND u.town_code = ?");
			args[n++] = SV_S(s.town);
			break;
		case RS_GRID:
			buf_adds(&where, " AND u.grid_id = ?");
			args[n++] = SV_I(s.id);
			break;
		case RS_UNIT:
			buf_adds(&where, " AND u.id = ?");
			args[n++] = SV_I(s.id);
			break;
		default:
			buf_adds(&where, " AND 1 = 0");
			break;
		}
	} else {
		if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
			goto out;
		buf_adds(&where, "WHERE c.unit_id = ?");
		args[n++] = SV_I(unit_id);
		/* INS-014: only inspectors of who's jurisdiction. */
		if (s.kind == RS_TOWN) {
			like = insd_area_like(s.town);
			buf_adds(&where, " AND (',' || i.areas || ',') LIKE ?");
			args[n++] = SV_S(like);
		} else if (s.kind != RS_ALL)
			buf_adds(&where, " AND 1 = 0");
	}
	if (insd_given(status)) {
		if (!reg_choice(inspection_conflict_statuses, status)) {
			rc = err_set(e, ERR_INVALID, "status", "status must be "
			    "active or withdrawn");
			goto out;
		}
		buf_adds(&where, " AND c.status = ?");
		args[n++] = SV_S(status);
	}
	buf_printf(&sql, "SELECT COUNT(*) FROM inspector_conflicts c JOIN "
	    "inspectors i ON i.id = c.inspector_id JOIN units u ON u.id = "
	    "c.unit_id %s", where.data);
	if ((rc = store_query_int(st, sql.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "%s%s ORDER BY c.created_at DESC, c.id DESC "
	    "LIMIT ? OFFSET ?", INSD_CONFLICT_SELECT, where.data);
	args[n++] = SV_I(limit);
	args[n++] = SV_I(offset);
	if ((rc = store_query(st, sql.data, args, n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, insd_conflict_row(r, 1));
	if (rc < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	free(like);
	json_decref(insp);
	json_decref(a);
	store_rows_free(r);
	buf_free(&where);
	buf_free(&sql);
	return rc;
}
