/*
 * The registry's common parts: categories and enumerations, jurisdiction
 * scopes (Z-2, Z-3), text checks, the field-table engine, towns (loaded
 * from data/towns/<city>.csv) and grids.  Units are in registry_unit.c,
 * buildings and places in registry_part.c.
 */
#include <errno.h>
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
#include "registry_int.h"

/* REG-012: ranks follow the weight of the supervision duty (FACTS §5). */
const struct registry_category registry_categories[] = {
	{ "high_risk",		2,  1, "火灾高危单位" },
	{ "key",		1,  2, "消防安全重点单位" },
	{ "public_gathering",	4,  3, "公众聚集场所" },
	{ "crowded",		8,  4, "人员密集场所" },
	{ "special_industry",	64, 5, "特种行业" },
	{ "three_small",	16, 6, "三小场所" },
	{ "rental",		32, 7, "出租屋" },
	{ "general",		0,  8, "一般单位" },
	{ NULL, 0, 0, NULL },
};

const char *const registry_category_names[] = {
	"high_risk", "key", "public_gathering", "crowded", "special_industry",
	"three_small", "rental", "general", NULL,
};
const char *const registry_three_small_kinds[] = {
	"shop", "workshop", "entertainment", NULL,
};
const char *const registry_unit_statuses[] = {
	"active", "closed", "archived", NULL,
};
const char *const registry_building_uses[] = {
	"residential", "public", "factory", "warehouse", "mixed", "other",
	NULL,
};
const char *const registry_fire_ratings[] = {
	"一级", "二级", "三级", "四级", NULL,
};
const char *const registry_place_kinds[] = {
	"mall", "market", "shop", "hotel", "restaurant", "entertainment",
	"internet_cafe", "sports", "theatre", "hospital", "elderly_care",
	"school", "kindergarten", "library", "museum", "exhibition",
	"station", "office", "factory", "workshop", "warehouse", "chemical",
	"fuel_station", "rental_housing", "dormitory", "residential",
	"government", "heritage", "finance", "broadcast", "metro", "other",
	NULL,
};

static const char *const reg_town_kinds[] = { "street", "town", "area", NULL };
static const char *const reg_grid_statuses[] = { "active", "archived", NULL };

/* Scopes. */

static int
reg_digits(const char *s, size_t min, size_t max)
{
	size_t	n = strlen(s), i;

	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
reg_town_syntax(const char *s)
{
	return s != NULL && reg_digits(s, REG_TOWN_LEN, REG_TOWN_LEN);
}

void
reg_scope_of(const struct actor *who, struct reg_scope *s)
{
	const char	*j = who->jurisdiction;

	memset(s, 0, sizeof(*s));
	s->kind = RS_NONE;
	if (who->kind == ACTOR_SYSTEM) {
		s->kind = RS_ALL;
		return;
	}
	if (who->kind != ACTOR_USER)
		return;
	if (strcmp(j, "city") == 0)
		s->kind = RS_ALL;
	else if (strncmp(j, "town:", 5) == 0 && reg_town_syntax(j + 5)) {
		s->kind = RS_TOWN;
		memcpy(s->town, j + 5, REG_TOWN_LEN + 1);
	} else if (strncmp(j, "grid:", 5) == 0 &&
	    str_to_i64(j + 5, 1, INT64_MAX, &s->id) == 0)
		s->kind = RS_GRID;
	else if (strncmp(j, "unit:", 5) == 0 &&
	    str_to_i64(j + 5, 1, INT64_MAX, &s->id) == 0)
		s->kind = RS_UNIT;
}

int
reg_scope_sees(const struct reg_scope *s, const char *town, int64_t grid,
    int64_t unit)
{
	switch (s->kind) {
	case RS_ALL:
		return 1;
	case RS_TOWN:
		return town != NULL && strcmp(s->town, town) == 0;
	case RS_GRID:
		return grid != 0 && grid == s->id;
	case RS_UNIT:
		return unit != 0 && unit == s->id;
	default:
		return 0;
	}
}

int
reg_need(const struct actor *who, const char *perm, struct err *e)
{
	if (!actor_can(who, perm))
		return err_set(e, ERR_FORBIDDEN, NULL, "permission %s required",
		    perm);
	return 0;
}

void
reg_actor_name(const struct actor *who, char out[24])
{
	actor_audit_name(who, out);
}

/* Text. */

int
reg_choice(const char *const *choices, const char *s)
{
	for (; *choices; choices++)
		if (strcmp(*choices, s) == 0)
			return 1;
	return 0;
}

static int
reg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* REG-018. */
int
reg_text(const json_t *v, const char *field, size_t min, size_t max,
    char **out, struct err *e)
{
	const char	*s;
	size_t		 n, i, cps;

	if (!json_is_string(v))
		return err_set(e, ERR_TYPE, field, "%s must be a string", field);
	s = json_string_value(v);
	n = json_string_length(v);
	if (strlen(s) != n || !str_utf8_valid(s, n))
		return err_set(e, ERR_INVALID, field, "%s contains invalid "
		    "characters", field);
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && !reg_space(s[i])) ||
		    s[i] == 0x7f)
			return err_set(e, ERR_INVALID, field, "%s contains "
			    "control characters", field);
	while (n > 0 && reg_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && reg_space(s[n - 1]))
		n--;
	for (i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\t')
			return err_set(e, ERR_INVALID, field, "%s contains "
			    "control characters", field);
	*out = xstrndup(s, n);
	cps = str_utf8_len(*out);
	if (cps < min || cps > max) {
		free(*out);
		*out = NULL;
		return err_set(e, ERR_RANGE, field, "%s must be %zu to %zu "
		    "characters long", field, min, max);
	}
	return 0;
}

int
reg_town_exists(struct store *st, const char *town, const char *field,
    struct err *e)
{
	int64_t	n;
	int	rc;

	if (!reg_town_syntax(town))
		return err_set(e, ERR_INVALID, field, "%s must be a 9-digit "
		    "town code (REG-001)", field);
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM towns WHERE "
	    "code = ?", STORE_ARGS(SV_S(town)), &n, e)) < 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_INVALID, field, "unknown town %s "
		    "(REG-001)", town);
	return 0;
}

int
reg_json_id(const json_t *v, const char *field, int64_t *out, struct err *e)
{
	if (!json_is_string(v) ||
	    str_to_i64(json_string_value(v), 1, INT64_MAX, out) < 0)
		return err_set(e, ERR_TYPE, field, "%s must be an id (a string "
		    "of digits)", field);
	return 0;
}

char *
reg_fold(const char *s)
{
	char	*f = xstrdup(s), *p;

	for (p = f; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return f;
}

void
reg_name_key(const char *s, char out[REG_KEY_HEX])
{
	char	*f = reg_fold(s);
	size_t	 n = strlen(f);

	if (n > REG_KEY_BYTES) {
		n = REG_KEY_BYTES;
		/* Back off to the start of a code point. */
		while (n > 0 && ((unsigned char)f[n] & 0xc0) == 0x80)
			n--;
	}
	str_hex((const unsigned char *)f, n, out);
	free(f);
}

char *
reg_like(const char *s, int prefix_only)
{
	size_t	 n = strlen(s), i, j = 0;
	char	*p = xmalloc(2 * n + 3);

	if (!prefix_only)
		p[j++] = '%';
	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			p[j++] = '\\';
		p[j++] = s[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

/* The field-table engine. */

int
reg_fields_count(const struct reg_field *fields)
{
	int	n = 0;

	while (fields[n].key != NULL)
		n++;
	return n;
}

json_t *
reg_fields_defaults(const struct reg_field *fields)
{
	const struct reg_field	*f;
	json_t			*rec = json_object();

	for (f = fields; f->key; f++) {
		switch (f->type) {
		case RF_INT:
			json_object_set_new(rec, f->key, json_integer(0));
			break;
		case RF_BOOL:
			json_object_set_new(rec, f->key, json_false());
			break;
		default:
			json_object_set_new(rec, f->key, json_null());
			break;
		}
	}
	return rec;
}

static int
reg_field_one(const struct reg_field *f, json_t *v, json_t *rec,
    struct err *e)
{
	char	*s = NULL;
	int64_t	 id;
	int	 rc;

	if (json_is_null(v)) {
		if (f->required || f->type == RF_INT || f->type == RF_BOOL)
			return err_set(e, ERR_TYPE, f->key, "%s cannot be null",
			    f->key);
		json_object_set_new(rec, f->key, json_null());
		return 0;
	}
	switch (f->type) {
	case RF_TEXT:
		if ((rc = reg_text(v, f->key, (size_t)f->min, (size_t)f->max,
		    &s, e)) < 0)
			return rc;
		if (f->choices && !reg_choice(f->choices, s)) {
			free(s);
			return err_set(e, ERR_INVALID, f->key, "%s has an "
			    "unknown value", f->key);
		}
		json_object_set_new(rec, f->key, json_string(s));
		free(s);
		return 0;
	case RF_INT:
		if (!json_is_integer(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be an "
			    "integer", f->key);
		if (json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max)
			return err_set(e, ERR_RANGE, f->key, "%s must be from "
			    "%lld to %lld (%s)", f->key, (long long)f->min,
			    (long long)f->max, f->rule ? f->rule : "REG-014");
		json_object_set_new(rec, f->key,
		    json_integer(json_integer_value(v)));
		return 0;
	case RF_BOOL:
		if (!json_is_boolean(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be true "
			    "or false", f->key);
		json_object_set_new(rec, f->key, json_boolean(json_is_true(v)));
		return 0;
	case RF_ID:
		if ((rc = reg_json_id(v, f->key, &id, e)) < 0)
			return rc;
		json_object_set_new(rec, f->key, jx_id(id));
		return 0;
	}
	return err_set(e, ERR_INTERNAL, f->key, NULL);
}

int
reg_fields_apply(const struct reg_field *fields, const json_t *in,
    json_t *rec, int create, const char *const *extra, struct err *e)
{
	const struct reg_field	*f;
	const char		*key;
	json_t			*v, *got;
	int			 rc;

	if (!json_is_object(in))
		return err_set(e, ERR_BAD_JSON, "", "a JSON object is required");
	json_object_foreach((json_t *)(uintptr_t)in, key, v) {
		for (f = fields; f->key; f++)
			if (strcmp(f->key, key) == 0)
				break;
		if (f->key == NULL) {
			if (extra != NULL && reg_choice(extra, key))
				continue;
			return err_set(e, ERR_UNKNOWN_FIELD, key,
			    "unknown field %.40s", key);
		}
		if ((rc = reg_field_one(f, v, rec, e)) < 0)
			return rc;
	}
	if (create)
		for (f = fields; f->key; f++) {
			got = json_object_get(in, f->key);
			if (f->required && (got == NULL || json_is_null(got)))
				return err_set(e, ERR_MISSING, f->key,
				    "%s is required", f->key);
		}
	return 0;
}

void
reg_fields_bind(const struct reg_field *fields, const json_t *rec,
    struct store_val *args, int *nargs)
{
	const struct reg_field	*f;
	json_t			*v;
	int64_t			 id;

	for (f = fields; f->key; f++) {
		v = json_object_get(rec, f->key);
		switch (f->type) {
		case RF_TEXT:
			args[(*nargs)++] = SV_S(json_string_value(v));
			break;
		case RF_INT:
			args[(*nargs)++] = SV_I(json_integer_value(v));
			break;
		case RF_BOOL:
			args[(*nargs)++] = SV_I(json_is_true(v) ? 1 : 0);
			break;
		case RF_ID:
			if (json_is_string(v) && str_to_i64(
			    json_string_value(v), 1, INT64_MAX, &id) == 0)
				args[(*nargs)++] = SV_I(id);
			else
				args[(*nargs)++] = SV_N;
			break;
		}
	}
}

void
reg_fields_read(const struct reg_field *fields, struct store_rows *r,
    int col, json_t *rec)
{
	const struct reg_field	*f;
	json_t			*v;

	for (f = fields; f->key; f++, col++) {
		if (store_isnull(r, col))
			v = f->type == RF_INT ? json_integer(0) :
			    f->type == RF_BOOL ? json_false() : json_null();
		else if (f->type == RF_TEXT)
			v = json_string(store_text(r, col));
		else if (f->type == RF_INT)
			v = json_integer(store_int(r, col));
		else if (f->type == RF_BOOL)
			v = json_boolean(store_int(r, col) != 0);
		else
			v = jx_id(store_int(r, col));
		json_object_set_new(rec, f->key, v);
	}
}

/* Towns. */

static const char reg_sql_town_get[] =
    "SELECT code, name, kind, population, sort_order, version, updated_at "
    "FROM towns WHERE code = ?";
static const char reg_sql_town_list[] =
    "SELECT code, name, kind, population, sort_order, version, updated_at "
    "FROM towns ORDER BY sort_order, code";
static const char reg_sql_town_ins[] =
    "INSERT INTO towns (code, name, kind, population, sort_order, version, "
    "updated_at) VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (code) DO NOTHING";
static const char reg_sql_town_upd[] =
    "UPDATE towns SET name = ?, kind = ?, population = ?, sort_order = ?, "
    "version = version + 1, updated_at = ? WHERE code = ? AND version = ?";

static json_t *
reg_town_row(struct store_rows *r)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:I}",
	    "code", store_text(r, 0),
	    "name", store_text(r, 1),
	    "kind", store_text(r, 2),
	    "population", store_isnull(r, 3) ? json_null() :
	    json_integer(store_int(r, 3)),
	    "sort_order", (json_int_t)store_int(r, 4),
	    "version", (json_int_t)store_int(r, 5),
	    "updated_at", (json_int_t)store_int(r, 6));
}

int
registry_town_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if (id == NULL || !reg_town_syntax(id))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such town");
	if ((rc = store_query(st, reg_sql_town_get, STORE_ARGS(SV_S(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = reg_town_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such town");
	store_rows_free(r);
	return rc;
}

int
registry_town_list(struct store *st, struct actor *who, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a = NULL, *t;
	int			 rc;

	if (who->kind == ACTOR_PUBLIC)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, NULL);
	if ((rc = store_query(st, reg_sql_town_list, STORE_NOARGS, &r, e)) < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) == 1) {
		t = reg_town_row(r);
		json_object_del(t, "sort_order");
		json_object_del(t, "version");
		json_object_del(t, "updated_at");
		json_array_append_new(a, t);
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* One town row of the CSV file, checked. */
struct reg_town_in {
	char	 code[REG_TOWN_LEN + 1];
	char	 name[96];
	char	 kind[8];
	int64_t	 population;	/* -1 = unknown */
};

static int
reg_town_parse(char *line, int lineno, struct reg_town_in *t, struct err *e)
{
	char	*f[5], *p = line, field[24];
	int	 n = 0;

	snprintf(field, sizeof(field), "line %d", lineno);
	while (n < 5) {
		f[n++] = p;
		if ((p = strchr(p, ',')) == NULL)
			break;
		*p++ = '\0';
	}
	if (n != 4 || strchr(line, '"') != NULL)
		return err_set(e, ERR_INVALID, field, "%s: want 4 fields "
		    "code,name,kind,population without quotes", field);
	if (!reg_town_syntax(f[0]))
		return err_set(e, ERR_INVALID, field, "%s: code must be 9 "
		    "digits", field);
	if (!str_utf8_valid(f[1], strlen(f[1])) || str_utf8_len(f[1]) < 1 ||
	    strlen(f[1]) >= sizeof(t->name))
		return err_set(e, ERR_INVALID, field, "%s: bad name", field);
	if (!reg_choice(reg_town_kinds, f[2]))
		return err_set(e, ERR_INVALID, field, "%s: kind must be "
		    "street, town or area", field);
	t->population = -1;
	if (*f[3] != '\0' &&
	    str_to_i64(f[3], 0, INT64_C(100000000), &t->population) < 0)
		return err_set(e, ERR_INVALID, field, "%s: bad population",
		    field);
	memcpy(t->code, f[0], REG_TOWN_LEN + 1);
	snprintf(t->name, sizeof(t->name), "%s", f[1]);
	snprintf(t->kind, sizeof(t->kind), "%s", f[2]);
	return 0;
}

static int
reg_town_read(const char *path, struct reg_town_in **out, int *nout,
    struct err *e)
{
	struct reg_town_in	*t = NULL;
	FILE			*fp;
	char			 line[512];
	size_t			 len;
	int			 n = 0, cap = 0, lineno = 0, i, rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return err_set(e, ERR_IO, "towns", "cannot read %s: %s", path,
		    strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, len - 2);
		if (lineno == 1 && strcmp(line, "code,name,kind,population")
		    == 0)
			continue;
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			t = xrealloc(t, (size_t)cap * sizeof(*t));
		}
		if ((rc = reg_town_parse(line, lineno, &t[n], e)) < 0)
			goto out;
		for (i = 0; i < n; i++)
			if (strcmp(t[i].code, t[n].code) == 0) {
				rc = err_set(e, ERR_INVALID, "towns", "line %d:"
				    " town %s listed twice", lineno, t[n].code);
				goto out;
			}
		n++;
	}
	if (ferror(fp))
		rc = err_set(e, ERR_IO, "towns", "cannot read %s", path);
	else if (n == 0)
		rc = err_set(e, ERR_INVALID, "towns", "%s lists no town",
		    path);
out:
	fclose(fp);
	if (rc < 0) {
		free(t);
		return rc;
	}
	*out = t;
	*nout = n;
	return 0;
}

/* Insert or update one town; *changed = 1 when a row was written. */
static int
reg_town_put(struct store *st, const struct reg_town_in *t, int order,
    int64_t now, int *changed, struct err *e)
{
	struct store_rows	*r = NULL;
	struct store_val	 pop = t->population < 0 ? SV_N :
				    SV_I(t->population);
	int64_t			 ch = 0, version;
	int			 rc, same;

	*changed = 0;
	if ((rc = store_query(st, reg_sql_town_get, STORE_ARGS(SV_S(t->code)),
	    &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		store_rows_free(r);
		r = NULL;
		if ((rc = store_exec(st, reg_sql_town_ins, STORE_ARGS(
		    SV_S(t->code), SV_S(t->name), SV_S(t->kind), pop,
		    SV_I(order), SV_I(now)), &ch, e)) < 0)
			goto out;
		*changed = ch > 0;
		rc = 0;
		goto out;
	}
	same = strcmp(store_text(r, 1), t->name) == 0 &&
	    strcmp(store_text(r, 2), t->kind) == 0 &&
	    (store_isnull(r, 3) ? t->population < 0 :
	    store_int(r, 3) == t->population) &&
	    store_int(r, 4) == order;
	version = store_int(r, 5);
	store_rows_free(r);
	r = NULL;
	rc = 0;
	if (same)
		goto out;
	if ((rc = store_exec(st, reg_sql_town_upd, STORE_ARGS(SV_S(t->name),
	    SV_S(t->kind), pop, SV_I(order), SV_I(now), SV_S(t->code),
	    SV_I(version)), &ch, e)) < 0)
		goto out;
	*changed = ch > 0;
out:
	store_rows_free(r);
	return rc;
}

int
registry_sync_towns(struct store *st, const char *path, struct err *e)
{
	struct reg_town_in	*t = NULL;
	struct actor		 sys;
	json_t			*rec = NULL;
	int64_t			 now = clock_now();
	int			 n = 0, i, own = 0, changed, rc;

	if (path == NULL)
		path = REGISTRY_DEFAULT_TOWNS;
	if ((rc = reg_town_read(path, &t, &n, e)) < 0)
		return rc;
	actor_system(&sys, "towns-sync");
	if ((rc = store_begin_own(st, &own, e)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((rc = reg_town_put(st, &t[i], i + 1, now, &changed,
		    e)) < 0)
			break;
		if (!changed)
			continue;
		if ((rc = registry_town_record(st, t[i].code, &rec, e)) < 0)
			break;
		rc = audit_append(st, &sys, "town.sync", "town", t[i].code,
		    rec, e);
		json_decref(rec);
		rec = NULL;
		if (rc < 0)
			break;
	}
	rc = store_end_own(st, own, rc, e);
out:
	free(t);
	return rc;
}

/* Grids. */

#define REG_SQL_GRID \
    "SELECT g.id, g.town_code, g.code, g.name, g.status, g.version, " \
    "g.created_at, g.updated_at, g.created_by, t.name FROM grids g " \
    "JOIN towns t ON t.code = g.town_code "

static const char reg_sql_grid_get[] = REG_SQL_GRID "WHERE g.id = ?";
static const char reg_sql_grid_ins[] =
    "INSERT INTO grids (id, town_code, code, name, status, version, "
    "created_at, updated_at, created_by) "
    "VALUES (?, ?, ?, ?, 'active', 1, ?, ?, ?)";
static const char reg_sql_grid_upd[] =
    "UPDATE grids SET code = ?, name = ?, version = version + 1, "
    "updated_at = ? WHERE id = ? AND version = ?";
static const char reg_sql_grid_archive[] =
    "UPDATE grids SET status = 'archived', version = version + 1, "
    "updated_at = ? WHERE id = ? AND version = ?";
static const char reg_sql_grid_code_taken[] =
    "SELECT COUNT(*) FROM grids WHERE town_code = ? AND code = ? AND id <> ?";

/* The canonical record; the view adds town_name. */
static json_t *
reg_grid_row(struct store_rows *r, int view)
{
	json_t	*g;

	g = json_pack("{s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "town", store_text(r, 1),
	    "code", store_text(r, 2),
	    "name", store_text(r, 3),
	    "status", store_text(r, 4),
	    "version", (json_int_t)store_int(r, 5),
	    "created_at", (json_int_t)store_int(r, 6),
	    "updated_at", (json_int_t)store_int(r, 7),
	    "created_by", store_text(r, 8));
	if (view)
		json_object_set_new(g, "town_name",
		    json_string(store_text(r, 9)));
	return g;
}

static int
reg_grid_fetch(struct store *st, int64_t id, int view, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, reg_sql_grid_get, STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = reg_grid_row(r, view);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such grid");
	store_rows_free(r);
	return rc;
}

int
registry_grid_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	int64_t	gid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &gid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such grid");
	return reg_grid_fetch(st, gid, 0, out, e);
}

static int
reg_grid_sees(const struct reg_scope *s, const json_t *g)
{
	int64_t	id = 0;

	str_to_i64(json_string_value(json_object_get(g, "id")), 1, INT64_MAX,
	    &id);
	return reg_scope_sees(s, json_string_value(json_object_get(g, "town")),
	    id, 0);
}

int
registry_grid_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	struct reg_scope	 s;
	json_t			*g = NULL;
	int			 rc;

	if ((rc = reg_need(who, "registry:read", e)) < 0)
		return rc;
	if ((rc = reg_grid_fetch(st, id, 1, &g, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (!reg_grid_sees(&s, g)) {
		json_decref(g);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such grid");
	}
	*out = g;
	return 0;
}

/* REG-019: 1-32 characters of A-Z a-z 0-9 _ -. */
static int
reg_grid_code_check(const char *code, struct err *e)
{
	const char	*p;

	for (p = code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return err_set(e, ERR_INVALID, "code", "code may only "
			    "contain A-Z, a-z, 0-9, '_' and '-' (REG-019)");
	return 0;
}

static const char *const reg_grid_keys[] = { "town", "code", "name", NULL };

/* Check code and name of in (create: all required) into code, name. */
static int
reg_grid_input(const json_t *in, int create, char **code, char **name,
    struct err *e)
{
	const char	*key;
	json_t		*v;
	int		 rc;

	if (!json_is_object(in))
		return err_set(e, ERR_BAD_JSON, "", "a JSON object is required");
	json_object_foreach((json_t *)(uintptr_t)in, key, v)
		if (!reg_choice(reg_grid_keys, key) ||
		    (!create && strcmp(key, "town") == 0))
			return err_set(e, ERR_UNKNOWN_FIELD, key,
			    "unknown field %.40s", key);
	if ((v = json_object_get(in, "code")) != NULL) {
		if ((rc = reg_text(v, "code", 1, REGISTRY_GRID_CODE_MAX, code,
		    e)) < 0)
			return rc;
		if ((rc = reg_grid_code_check(*code, e)) < 0)
			return rc;
	} else if (create)
		return err_set(e, ERR_MISSING, "code", "code is required");
	if ((v = json_object_get(in, "name")) != NULL) {
		if ((rc = reg_text(v, "name", 1, REGISTRY_GRID_NAME_MAX, name,
		    e)) < 0)
			return rc;
	} else if (create)
		return err_set(e, ERR_MISSING, "name", "name is required");
	return 0;
}

static int
reg_grid_code_free(struct store *st, const char *town, const char *code,
    int64_t id, struct err *e)
{
	int64_t	n;
	int	rc;

	if ((rc = store_query_int(st, reg_sql_grid_code_taken,
	    STORE_ARGS(SV_S(town), SV_S(code), SV_I(id)), &n, e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "code", "town %s already has "
		    "a grid %s (REG-019)", town, code);
	return 0;
}

static int
reg_grid_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = reg_grid_fetch(st, id, 0, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, "grid", id, rec, e);
	json_decref(rec);
	if (rc < 0)
		return rc;
	return out != NULL ? reg_grid_fetch(st, id, 1, out, e) : 0;
}

int
registry_grid_create(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	struct reg_scope	 s;
	const char		*town;
	char			*code = NULL, *name = NULL, by[24];
	int64_t			 id, now = clock_now();
	int			 rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		goto out;
	if ((rc = reg_grid_input(in, 1, &code, &name, e)) < 0)
		goto out;
	town = json_string_value(json_object_get(in, "town"));
	if (town == NULL) {
		rc = err_set(e, json_object_get(in, "town") ? ERR_TYPE :
		    ERR_MISSING, "town", "town is required");
		goto out;
	}
	if ((rc = reg_town_exists(st, town, "town", e)) < 0)
		goto out;
	/* REG-011: grids are made city-wide or by their own town. */
	reg_scope_of(who, &s);
	if (s.kind != RS_ALL && !(s.kind == RS_TOWN &&
	    strcmp(s.town, town) == 0)) {
		rc = err_set(e, ERR_FORBIDDEN, "town", "outside your "
		    "jurisdiction (REG-011)");
		goto out;
	}
	if ((rc = reg_grid_code_free(st, town, code, 0, e)) < 0)
		goto out;
	id = id_next();
	reg_actor_name(who, by);
	if ((rc = store_exec(st, reg_sql_grid_ins, STORE_ARGS(SV_I(id),
	    SV_S(town), SV_S(code), SV_S(name), SV_I(now), SV_I(now),
	    SV_S(by)), NULL, e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "code", "town %s already has "
			    "a grid %s (REG-019)", town, code);
		goto out;
	}
	rc = reg_grid_audit(st, who, "grid.create", id, out, e);
out:
	free(code);
	free(name);
	return rc;
}

/* A grid who may change: visible, writable, not archived. */
static int
reg_grid_target(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **g, struct err *e)
{
	struct reg_scope	 s;
	int			 rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		return rc;
	if ((rc = registry_grid_get(st, who, id, g, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (s.kind != RS_ALL && s.kind != RS_TOWN)
		rc = err_set(e, ERR_FORBIDDEN, NULL, "grids are maintained "
		    "by the city or their town (REG-011)");
	else if (strcmp(json_string_value(json_object_get(*g, "status")),
	    "archived") == 0)
		rc = err_set(e, ERR_POLICY, "status", "the grid is archived "
		    "(REG-013)");
	else if (expected != 0 &&
	    json_integer_value(json_object_get(*g, "version")) != expected)
		rc = err_set(e, ERR_STALE, "version", "the grid was changed "
		    "by someone else");
	if (rc < 0) {
		json_decref(*g);
		*g = NULL;
	}
	return rc;
}

int
registry_grid_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	json_t	*g = NULL;
	char	*code = NULL, *name = NULL;
	int64_t	 ch;
	int	 rc;

	if ((rc = reg_grid_target(st, who, id, 0, &g, e)) < 0)
		goto out;
	if ((rc = reg_grid_input(in, 0, &code, &name, e)) < 0)
		goto out;
	if (code == NULL)
		code = xstrdup(json_string_value(json_object_get(g, "code")));
	if (name == NULL)
		name = xstrdup(json_string_value(json_object_get(g, "name")));
	if ((rc = reg_grid_code_free(st, json_string_value(
	    json_object_get(g, "town")), code, id, e)) < 0)
		goto out;
	if (json_integer_value(json_object_get(g, "version")) != expected) {
		rc = err_set(e, ERR_STALE, "version", "the grid was changed "
		    "by someone else");
		goto out;
	}
	if ((rc = store_exec(st, reg_sql_grid_upd, STORE_ARGS(SV_S(code),
	    SV_S(name), SV_I(clock_now()), SV_I(id), SV_I(expected)), &ch,
	    e)) < 0)
		goto out;
	if (ch == 0) {
		rc = err_set(e, ERR_STALE, "version", NULL);
		goto out;
	}
	rc = reg_grid_audit(st, who, "grid.update", id, out, e);
out:
	json_decref(g);
	free(code);
	free(name);
	return rc;
}

int
registry_grid_archive(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	json_t	*g = NULL;
	int64_t	 ch, version;
	int	 rc;

	if ((rc = reg_grid_target(st, who, id, expected, &g, e)) < 0)
		return rc;
	version = json_integer_value(json_object_get(g, "version"));
	json_decref(g);
	if ((rc = store_exec(st, reg_sql_grid_archive, STORE_ARGS(
	    SV_I(clock_now()), SV_I(id), SV_I(version)), &ch, e)) < 0)
		return rc;
	if (ch == 0)
		return err_set(e, ERR_STALE, "version", NULL);
	return reg_grid_audit(st, who, "grid.archive", id, out, e);
}

int
registry_grid_list(struct store *st, struct actor *who, const char *town,
    const char *status, int64_t offset, int64_t limit, json_t **items,
    int64_t *total, struct err *e)
{
	struct reg_scope	 s;
	struct store_val	 args[6];
	struct store_rows	*r = NULL;
	struct buf		 where, sql;
	json_t			*a = NULL;
	int			 n = 0, rc;

	buf_init(&where);
	buf_init(&sql);
	if ((rc = reg_need(who, "registry:read", e)) < 0)
		goto out;
	if (offset < 0 || limit < 1 || limit > REGISTRY_PAGE_MAX) {
		rc = err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d "
		    "(REG-021)", REGISTRY_PAGE_MAX);
		goto out;
	}
	buf_adds(&where, "WHERE 1 = 1");
	if (town != NULL && *town != '\0') {
		if ((rc = reg_town_exists(st, town, "town", e)) < 0)
			goto out;
		buf_adds(&where, " AND g.town_code = ?");
		args[n++] = SV_S(town);
	}
	if (status != NULL && *status != '\0') {
		if (!reg_choice(reg_grid_statuses, status)) {
			rc = err_set(e, ERR_INVALID, "status", "status must be "
			    "active or archived");
			goto out;
		}
		buf_adds(&where, " AND g.status = ?");
		args[n++] = SV_S(status);
	}
	reg_scope_of(who, &s);
	switch (s.kind) {
	case RS_ALL:
		break;
	case RS_TOWN:
		buf_adds(&where, " AND g.town_code = ?");
		args[n++] = SV_S(s.town);
		break;
	case RS_GRID:
		buf_adds(&where, " AND g.id = ?");
		args[n++] = SV_I(s.id);
		break;
	default:
		buf_adds(&where, " AND 1 = 0");
		break;
	}
	buf_printf(&sql, "SELECT COUNT(*) FROM grids g %s", where.data);
	if ((rc = store_query_int(st, sql.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "%s%s ORDER BY g.town_code, g.code, g.id "
	    "LIMIT ? OFFSET ?", REG_SQL_GRID, where.data);
	args[n++] = SV_I(limit);
	args[n++] = SV_I(offset);
	if ((rc = store_query(st, sql.data, args, n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, reg_grid_row(r, 1));
	if (rc < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	json_decref(a);
	store_rows_free(r);
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

static int
reg_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
reg_date_parse(const char *s, int lenient, const char *field,
    char out[REG_DATE_LEN + 1], struct err *e)
{
	static const int	mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	char			 norm[48], today[48];
	int			 y = 0, m = 0, d = 0, k = 0, n = 0;
	time_t			 t;
	struct tm		 tm;

	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3
	    && n == 10 && s[4] == '-' && s[7] == '-' &&
	    strspn(s, "0123456789-") == 10)
		k = 1;
	else if (lenient && strlen(s) == 8 && strspn(s, "0123456789") == 8)
		k = sscanf(s, "%4d%2d%2d", &y, &m, &d) == 3;
	else if (lenient && (sscanf(s, "%d-%d-%d%n", &y, &m, &d, &n) == 3 ||
	    sscanf(s, "%d/%d/%d%n", &y, &m, &d, &n) == 3 ||
	    sscanf(s, "%d.%d.%d%n", &y, &m, &d, &n) == 3 ||
	    sscanf(s, "%d年%d月%d日%n", &y, &m, &d, &n) == 3) &&
	    s[n] == '\0')
		k = 1;
	if (!k || y < 1949 || y > 2999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && reg_leap(y)))
		return err_set(e, ERR_INVALID, field, "%s must be a date like "
		    "2019-03-28 (REG-032)", field);
	snprintf(norm, sizeof(norm), "%04d-%02d-%02d", y, m, d);
	t = (time_t)clock_now() + 8 * 3600;
	gmtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strcmp(norm, today) > 0)
		return err_set(e, ERR_INVALID, field, "%s is in the future "
		    "(REG-032)", field);
	memcpy(out, norm, REG_DATE_LEN + 1);
	return 0;
}
