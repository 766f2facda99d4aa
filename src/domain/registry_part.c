/*
 * Buildings and places of a unit.  Both have the same shape (a parent
 * unit, plain typed attributes, version, status active|archived), so
 * each is a table of fields plus its SQL, and one engine creates, reads,
 * lists, changes and archives them.  Jurisdiction comes from the parent
 * unit (REG-010, REG-011); an archived unit takes no new parts and an
 * archived part no changes (REG-013, REG-020).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "audit.h"
#include "registry_int.h"
#include "risk.h"

/* Columns of the SELECTs before the fields, in this order. */
#define REG_PART_BASE	7	/* id, unit_id, status, version, created_at,
				 * updated_at, created_by */
#define REG_PART_ARGS	32

struct reg_part {
	const char		*type;		/* audit type, messages */
	const struct reg_field	*fields;
	const char		*sql_get;
	const char		*sql_list;
	const char		*sql_count;
	const char		*sql_ins;
	const char		*sql_upd;
	const char		*sql_archive;
	/* Rules across fields and against the database, or NULL. */
	int			(*rules)(struct store *, const struct reg_unit_loc *,
				    const json_t *, struct err *);
};

/* REG-014: sane limits (height in cm, areas in m²). */
static const struct reg_field reg_building_fields[] = {
	{ "name", RF_TEXT, 1, 1, REGISTRY_PART_NAME_MAX, NULL, NULL },
	{ "floors_above", RF_INT, 0, 0, REGISTRY_FLOORS_MAX, NULL, NULL },
	{ "floors_below", RF_INT, 0, 0, REGISTRY_FLOORS_BELOW_MAX, NULL, NULL },
	{ "height_cm", RF_INT, 0, 0, REGISTRY_HEIGHT_CM_MAX, NULL, NULL },
	{ "floor_area_m2", RF_INT, 0, 0, REGISTRY_AREA_MAX, NULL, NULL },
	{ "use", RF_TEXT, 1, 1, 16, registry_building_uses, NULL },
	{ "fire_resistance_rating", RF_TEXT, 0, 1, 4, registry_fire_ratings,
	    NULL },
	{ "occupancy", RF_INT, 0, 0, REGISTRY_PEOPLE_MAX, NULL, NULL },
	{ "has_control_room", RF_BOOL, 0, 0, 0, NULL, NULL },
	{ "has_sprinklers", RF_BOOL, 0, 0, 0, NULL, NULL },
	{ "has_auto_alarm", RF_BOOL, 0, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL },
};

#define REG_BUILDING_COLS \
    "name, floors_above, floors_below, height_cm, floor_area_m2, use, " \
    "fire_resistance_rating, occupancy, has_control_room, has_sprinklers, " \
    "has_auto_alarm"
#define REG_BUILDING_SEL \
    "SELECT id, unit_id, status, version, created_at, updated_at, " \
    "created_by, " REG_BUILDING_COLS " FROM buildings "

static const struct reg_field reg_place_fields[] = {
	{ "name", RF_TEXT, 1, 1, REGISTRY_PART_NAME_MAX, NULL, NULL },
	{ "kind", RF_TEXT, 1, 1, 32, registry_place_kinds, NULL },
	{ "building_id", RF_ID, 0, 0, 0, NULL, NULL },
	{ "floor_area_m2", RF_INT, 0, 0, REGISTRY_AREA_MAX, NULL, NULL },
	{ "rooms", RF_INT, 0, 0, REGISTRY_ROOMS_MAX, NULL, NULL },
	{ "beds", RF_INT, 0, 0, REGISTRY_ROOMS_MAX, NULL, NULL },
	{ "seats", RF_INT, 0, 0, REGISTRY_PEOPLE_MAX, NULL, NULL },
	{ "occupancy", RF_INT, 0, 0, REGISTRY_PEOPLE_MAX, NULL, NULL },
	{ "underground", RF_BOOL, 0, 0, 0, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL },
};

#define REG_PLACE_COLS \
    "name, kind, building_id, floor_area_m2, rooms, beds, seats, " \
    "occupancy, underground"
#define REG_PLACE_SEL \
    "SELECT id, unit_id, status, version, created_at, updated_at, " \
    "created_by, " REG_PLACE_COLS " FROM places "

/* REG-015: a place's building is an active building of the same unit. */
static int
reg_place_rules(struct store *st, const struct reg_unit_loc *loc,
    const json_t *rec, struct err *e)
{
	struct store_rows	*r = NULL;
	const char		*b;
	int64_t			 bid;
	int			 rc;

	b = json_string_value(json_object_get(rec, "building_id"));
	if (b == NULL || str_to_i64(b, 1, INT64_MAX, &bid) < 0)
		return 0;
	if ((rc = store_query(st, "SELECT unit_id, status FROM buildings "
	    "WHERE id = ?", STORE_ARGS(SV_I(bid)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		if (store_int(r, 0) != loc->id)
			rc = err_set(e, ERR_INVALID, "building_id", "the "
			    "building belongs to another unit (REG-015)");
		else if (strcmp(store_text(r, 1), "active") != 0)
			rc = err_set(e, ERR_INVALID, "building_id", "the "
			    "building is archived (REG-015)");
		else
			rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_INVALID, "building_id", "no such building "
		    "(REG-015)");
	store_rows_free(r);
	return rc;
}

static const struct reg_part reg_buildings = {
	"building",
	reg_building_fields,
	REG_BUILDING_SEL "WHERE id = ?",
	REG_BUILDING_SEL "WHERE unit_id = ? ORDER BY id LIMIT ? OFFSET ?",
	"SELECT COUNT(*) FROM buildings WHERE unit_id = ?",
	"INSERT INTO buildings (id, unit_id, status, version, created_at, "
	"updated_at, created_by, " REG_BUILDING_COLS ") VALUES (?, ?, "
	"'active', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	"UPDATE buildings SET name = ?, floors_above = ?, floors_below = ?, "
	"height_cm = ?, floor_area_m2 = ?, use = ?, fire_resistance_rating = ?,"
	" occupancy = ?, has_control_room = ?, has_sprinklers = ?, "
	"has_auto_alarm = ?, version = version + 1, updated_at = ? "
	"WHERE id = ? AND version = ?",
	"UPDATE buildings SET status = 'archived', version = version + 1, "
	"updated_at = ? WHERE id = ? AND version = ?",
	NULL,
};

static const struct reg_part reg_places = {
	"place",
	reg_place_fields,
	REG_PLACE_SEL "WHERE id = ?",
	REG_PLACE_SEL "WHERE unit_id = ? ORDER BY id LIMIT ? OFFSET ?",
	"SELECT COUNT(*) FROM places WHERE unit_id = ?",
	"INSERT INTO places (id, unit_id, status, version, created_at, "
	"updated_at, created_by, " REG_PLACE_COLS ") VALUES (?, ?, "
	"'active', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	"UPDATE places SET name = ?, kind = ?, building_id = ?, "
	"floor_area_m2 = ?, rooms = ?, beds = ?, seats = ?, occupancy = ?, "
	"underground = ?, version = version + 1, updated_at = ? "
	"WHERE id = ? AND version = ?",
	"UPDATE places SET status = 'archived', version = version + 1, "
	"updated_at = ? WHERE id = ? AND version = ?",
	reg_place_rules,
};

/* A part from a row of its SELECT: view and canonical record alike. */
static json_t *
reg_part_row(const struct reg_part *pt, struct store_rows *r)
{
	json_t	*j;

	j = json_pack("{s:o, s:o, s:s, s:I, s:I, s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "unit_id", jx_id(store_int(r, 1)),
	    "status", store_text(r, 2),
	    "version", (json_int_t)store_int(r, 3),
	    "created_at", (json_int_t)store_int(r, 4),
	    "updated_at", (json_int_t)store_int(r, 5),
	    "created_by", store_text(r, 6));
	reg_fields_read(pt->fields, r, REG_PART_BASE, j);
	return j;
}

static int
reg_part_fetch(struct store *st, const struct reg_part *pt, int64_t id,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, pt->sql_get, STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = reg_part_row(pt, r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such %s", pt->type);
	store_rows_free(r);
	return rc;
}

static int
reg_part_record(struct store *st, const struct reg_part *pt, const char *id,
    json_t **out, struct err *e)
{
	int64_t	pid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &pid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", pt->type);
	return reg_part_fetch(st, pt, pid, out, e);
}

static int64_t
reg_part_unit(const json_t *j)
{
	int64_t	id = 0;

	str_to_i64(json_string_value(json_object_get(j, "unit_id")), 1,
	    INT64_MAX, &id);
	return id;
}

/* A part who may read, with its unit's location (REG-010). */
static int
reg_part_load(struct store *st, const struct reg_part *pt,
    const struct actor *who, int64_t id, json_t **out,
    struct reg_unit_loc *loc, struct err *e)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = reg_need(who, "registry:read", e)) < 0)
		return rc;
	if ((rc = reg_part_fetch(st, pt, id, &j, e)) < 0)
		return rc;
	if ((rc = reg_unit_loc(st, who, reg_part_unit(j), loc, e)) < 0) {
		json_decref(j);
		if (rc == ERR_NOT_FOUND)
			err_set(e, rc, NULL, "no such %s", pt->type);
		return rc;
	}
	*out = j;
	return 0;
}

/* REG-011 for parts: unit accounts may keep their own unit's parts. */
static int
reg_part_writable(const struct actor *who, const struct reg_unit_loc *loc,
    struct err *e)
{
	int	rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		return rc;
	if (strcmp(loc->status, "archived") == 0)
		return err_set(e, ERR_POLICY, "status", "the unit is archived "
		    "(REG-020)");
	return 0;
}

static int
reg_part_audit(struct store *st, struct actor *who, const struct reg_part *pt,
    const char *verb, int64_t id, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	char	 action[32];
	int	 rc;

	if ((rc = reg_part_fetch(st, pt, id, &rec, e)) < 0)
		return rc;
	snprintf(action, sizeof(action), "%s.%s", pt->type, verb);
	if ((rc = audit_append_id(st, who, action, pt->type, id, rec, e)) < 0 ||
	    (rc = risk_unit_refresh(st, reg_part_unit(rec), e)) < 0) {
		json_decref(rec);
		return rc;
	}
	if (out != NULL)
		*out = rec;
	else
		json_decref(rec);
	return 0;
}

static int
reg_part_create(struct store *st, struct actor *who, const struct reg_part *pt,
    int64_t unit_id, const json_t *in, json_t **out, struct err *e)
{
	struct reg_unit_loc	 loc;
	struct store_val	 args[REG_PART_ARGS];
	json_t			*rec = NULL;
	char			 by[24];
	int64_t			 id, now = clock_now();
	int			 n = 0, rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		goto out;
	if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
		goto out;
	if ((rc = reg_part_writable(who, &loc, e)) < 0)
		goto out;
	rec = reg_fields_defaults(pt->fields);
	if ((rc = reg_fields_apply(pt->fields, in, rec, 1, NULL, e)) < 0)
		goto out;
	if (pt->rules != NULL && (rc = pt->rules(st, &loc, rec, e)) < 0)
		goto out;
	id = id_next();
	reg_actor_name(who, by);
	args[n++] = SV_I(id);
	args[n++] = SV_I(unit_id);
	args[n++] = SV_I(now);
	args[n++] = SV_I(now);
	args[n++] = SV_S(by);
	reg_fields_bind(pt->fields, rec, args, &n);
	if ((rc = store_exec(st, pt->sql_ins, args, n, NULL, e)) < 0)
		goto out;
	rc = reg_part_audit(st, who, pt, "create", id, out, e);
out:
	json_decref(rec);
	return rc;
}

static int
reg_part_get(struct store *st, struct actor *who, const struct reg_part *pt,
    int64_t id, json_t **out, struct err *e)
{
	struct reg_unit_loc	loc;

	return reg_part_load(st, pt, who, id, out, &loc, e);
}

static int
reg_part_list(struct store *st, struct actor *who, const struct reg_part *pt,
    int64_t unit_id, int64_t offset, int64_t limit, json_t **items,
    int64_t *total, struct err *e)
{
	struct reg_unit_loc	 loc;
	struct store_rows	*r = NULL;
	json_t			*a = NULL;
	int			 rc;

	if ((rc = reg_need(who, "registry:read", e)) < 0)
		return rc;
	if (offset < 0 || limit < 1 || limit > REGISTRY_PAGE_MAX)
		return err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d "
		    "(REG-021)", REGISTRY_PAGE_MAX);
	if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
		return rc;
	if ((rc = store_query_int(st, pt->sql_count,
	    STORE_ARGS(SV_I(unit_id)), total, e)) < 0)
		return rc;
	if ((rc = store_query(st, pt->sql_list, STORE_ARGS(SV_I(unit_id),
	    SV_I(limit), SV_I(offset)), &r, e)) < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, reg_part_row(pt, r));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*items = a;
	return 0;
}

/* A part who may change at version expected (0: any). */
static int
reg_part_target(struct store *st, struct actor *who, const struct reg_part *pt,
    int64_t id, json_t **cur, struct reg_unit_loc *loc, struct err *e)
{
	int	rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		return rc;
	if ((rc = reg_part_load(st, pt, who, id, cur, loc, e)) < 0)
		return rc;
	if ((rc = reg_part_writable(who, loc, e)) < 0 ||
	    (strcmp(json_string_value(json_object_get(*cur, "status")),
	    "archived") == 0 && (rc = err_set(e, ERR_POLICY, "status",
	    "the %s is archived and can no longer be changed (REG-013)",
	    pt->type)) < 0)) {
		json_decref(*cur);
		*cur = NULL;
		return rc;
	}
	return 0;
}

static int
reg_part_update(struct store *st, struct actor *who, const struct reg_part *pt,
    int64_t id, int64_t expected, const json_t *in, json_t **out,
    struct err *e)
{
	struct reg_unit_loc	 loc;
	struct store_val	 args[REG_PART_ARGS];
	json_t			*cur = NULL, *rec = NULL;
	int64_t			 ch, have;
	int			 n = 0, rc;

	if ((rc = reg_part_target(st, who, pt, id, &cur, &loc, e)) < 0)
		goto out;
	rec = json_deep_copy(cur);
	if ((rc = reg_fields_apply(pt->fields, in, rec, 0, NULL, e)) < 0)
		goto out;
	if (pt->rules != NULL && (rc = pt->rules(st, &loc, rec, e)) < 0)
		goto out;
	/* REG-016 */
	have = json_integer_value(json_object_get(cur, "version"));
	if (have != expected) {
		rc = err_set(e, ERR_STALE, "version", "the %s was changed by "
		    "someone else (now version %lld)", pt->type,
		    (long long)have);
		goto out;
	}
	reg_fields_bind(pt->fields, rec, args, &n);
	args[n++] = SV_I(clock_now());
	args[n++] = SV_I(id);
	args[n++] = SV_I(expected);
	if ((rc = store_exec(st, pt->sql_upd, args, n, &ch, e)) < 0)
		goto out;
	if (ch == 0) {
		rc = err_set(e, ERR_STALE, "version", NULL);
		goto out;
	}
	rc = reg_part_audit(st, who, pt, "update", id, out, e);
out:
	json_decref(cur);
	json_decref(rec);
	return rc;
}

static int
reg_part_archive(struct store *st, struct actor *who, const struct reg_part *pt,
    int64_t id, int64_t expected, json_t **out, struct err *e)
{
	struct reg_unit_loc	 loc;
	json_t			*cur = NULL;
	int64_t			 ch, have;
	int			 rc;

	if ((rc = reg_part_target(st, who, pt, id, &cur, &loc, e)) < 0)
		return rc;
	have = json_integer_value(json_object_get(cur, "version"));
	json_decref(cur);
	if (expected != 0 && have != expected)
		return err_set(e, ERR_STALE, "version", "the %s was changed by "
		    "someone else (now version %lld)", pt->type,
		    (long long)have);
	if ((rc = store_exec(st, pt->sql_archive, STORE_ARGS(SV_I(clock_now()),
	    SV_I(id), SV_I(have)), &ch, e)) < 0)
		return rc;
	if (ch == 0)
		return err_set(e, ERR_STALE, "version", NULL);
	return reg_part_audit(st, who, pt, "archive", id, out, e);
}

/* The exported functions: one engine, two tables. */

int
registry_building_create(struct store *st, struct actor *who, int64_t unit_id,
    const json_t *in, json_t **out, struct err *e)
{
	return reg_part_create(st, who, &reg_buildings, unit_id, in, out, e);
}

int
registry_building_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	return reg_part_get(st, who, &reg_buildings, id, out, e);
}

int
registry_building_list(struct store *st, struct actor *who, int64_t unit_id,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	return reg_part_list(st, who, &reg_buildings, unit_id, offset, limit,
	    items, total, e);
}

int
registry_building_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	return reg_part_update(st, who, &reg_buildings, id, expected, in, out,
	    e);
}

int
registry_building_archive(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	return reg_part_archive(st, who, &reg_buildings, id, expected, out, e);
}

int
registry_building_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return reg_part_record(st, &reg_buildings, id, out, e);
}

int
registry_place_create(struct store *st, struct actor *who, int64_t unit_id,
    const json_t *in, json_t **out, struct err *e)
{
	return reg_part_create(st, who, &reg_places, unit_id, in, out, e);
}

int
registry_place_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	return reg_part_get(st, who, &reg_places, id, out, e);
}

int
registry_place_list(struct store *st, struct actor *who, int64_t unit_id,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	return reg_part_list(st, who, &reg_places, unit_id, offset, limit,
	    items, total, e);
}

int
registry_place_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	return reg_part_update(st, who, &reg_places, id, expected, in, out, e);
}

int
registry_place_archive(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	return reg_part_archive(st, who, &reg_places, id, expected, out, e);
}

int
registry_place_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return reg_part_record(st, &reg_places, id, out, e);
}
