/*
 * The registry (户籍化管理): towns and streets, grids, units with their
 * categories and personal contacts, and the buildings and places of each
 * unit.  Every other module points at these records.  The rules REG-xxx
 * of docs/modules/registry.md, and the jurisdiction rules Z-2/Z-3 and the
 * personal-data rules P-1/P-2 of SECURITY.md, are enforced here, so the
 * API, the CLI and imports get the same answers.
 *
 * Records travel as JSON objects: inputs use the keys of the API (each
 * function lists them) and outputs are the API views.  A function that
 * changes something runs in the caller's open transaction and appends
 * exactly one audit entry with the record's canonical form; on failure
 * nothing has been written and the caller rolls back.  Reads need
 * registry:read, changes registry:write; a record outside the caller's
 * jurisdiction is ERR_NOT_FOUND, as if absent (REG-010).
 */
#ifndef FW_REGISTRY_H
#define FW_REGISTRY_H

#include <stdint.h>

#include <jansson.h>

#include "../store/store.h"
#include "actor.h"

/* Limits (REG-018, REG-014).  Text lengths are in code points. */
#define REGISTRY_NAME_MAX		200	/* unit name */
#define REGISTRY_ADDRESS_MAX		200
#define REGISTRY_INDUSTRY_MAX		64
#define REGISTRY_PERSON_MAX		50	/* a person's name */
#define REGISTRY_PHONE_MAX		20
#define REGISTRY_IDNO_MAX		20
#define REGISTRY_GRID_CODE_MAX		32
#define REGISTRY_GRID_NAME_MAX		64
#define REGISTRY_PART_NAME_MAX		100	/* building or place name */
#define REGISTRY_RISK_MAX		16
#define REGISTRY_REASON_MIN		4
#define REGISTRY_REASON_MAX		200
#define REGISTRY_Q_MAX			64
#define REGISTRY_PAGE_MAX		200
/*
 * A list counts its matches up to this many past the page's start
 * (REG-031): a prefix that matches half a town would otherwise walk tens
 * of thousands of index entries on every page.
 */
#define REGISTRY_COUNT_CAP		2000
#define REGISTRY_FLOORS_MAX		200
#define REGISTRY_FLOORS_BELOW_MAX	20
#define REGISTRY_HEIGHT_CM_MAX		100000		/* 1 000 m */
#define REGISTRY_AREA_MAX		10000000	/* m² */
#define REGISTRY_PEOPLE_MAX		1000000		/* occupancy, seats */
#define REGISTRY_ROOMS_MAX		100000		/* rooms, beds */
#define REGISTRY_DEFAULT_TOWNS		"data/towns/dongguan.csv"

/*
 * Unit categories (REG-012).  A unit holds any set of them; none means
 * "general".  The rank orders them for primary_category (1 = highest).
 */
struct registry_category {
	const char	*name;		/* JSON value */
	int		 bit;		/* in units.categories; 0 for general */
	int		 rank;
	const char	*title_zh;
};
/* Terminated by a row whose name is NULL; "general" is the last one. */
extern const struct registry_category	registry_categories[];

/* Values of the enumerations, NULL-terminated (for the API tables). */
extern const char *const	registry_category_names[];
extern const char *const	registry_three_small_kinds[];
extern const char *const	registry_unit_statuses[];
extern const char *const	registry_building_uses[];
extern const char *const	registry_fire_ratings[];
extern const char *const	registry_place_kinds[];

/*
 * Load towns from a CSV file (header code,name,kind,population; default
 * REGISTRY_DEFAULT_TOWNS when path is NULL) into the towns table: new
 * towns are inserted, changed ones updated (version + 1); towns missing
 * from the file are kept (units point at them).  Each town inserted or
 * changed appends a "town.sync" audit entry as the system actor.  Opens
 * its own transaction.  ERR_IO when the file cannot be read, ERR_INVALID
 * (field "line N") for a bad row; nothing is written then.
 */
int	registry_sync_towns(struct store *st, const char *path, struct err *e);
/* Every town, in sort order: [{code, name, kind, population}].  Any
 * signed-in actor. */
int	registry_town_list(struct store *st, struct actor *who, json_t **out,
	    struct err *e);

/*
 * Grids.  Input keys: town (9-digit code; create only), code (1-32 of
 * A-Z a-z 0-9 _ -), name.  Creating needs a city jurisdiction or the
 * grid's own town (else ERR_FORBIDDEN field town).  ERR_CONFLICT (field
 * code) when the town already has that code (REG-019).  Audit
 * "grid.create", "grid.update", "grid.archive".
 */
int	registry_grid_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
int	registry_grid_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/* Grids visible to who, optionally of one town and one status, by town
 * and code. */
int	registry_grid_list(struct store *st, struct actor *who,
	    const char *town, const char *status, int64_t offset,
	    int64_t limit, json_t **items, int64_t *total, struct err *e);
int	registry_grid_update(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
/* expected = 0 skips the version check. */
int	registry_grid_archive(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, json_t **out, struct err *e);

/*
 * Units.  Input keys: name, uscc, address, town, grid_id, industry,
 * categories (array of category names), three_small_kind, and for each
 * person p of legal_rep (法定代表人), responsible (消防安全责任人) and
 * manager (消防安全管理人): p_name, p_phone, p_id_number.  On update a
 * present key with JSON null clears an optional value.
 *
 * The view has personal values masked (P-2) and "masked": true.  Errors
 * name the field: ERR_INVALID / ERR_MISSING / ERR_RANGE / ERR_TYPE for
 * bad input, ERR_CONFLICT (uscc) when another unit has the USCC,
 * ERR_FORBIDDEN when the unit would lie outside who's jurisdiction or who
 * is a unit account creating a unit (REG-011), ERR_POLICY for a change
 * that the unit's status refuses (REG-013), ERR_STALE when expected is
 * not the current version.  Audit "unit.create" / "unit.update" /
 * "unit.close" / "unit.archive".
 */
int	registry_unit_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
int	registry_unit_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
struct buf;
/*
 * registry_unit_get()'s view appended to out as compact JSON, the bytes
 * jx_dump() gives for its json_t, and the unit's version (for the ETag).
 * Same errors; out is left as it was on failure.
 */
int	registry_unit_get_text(struct store *st, struct actor *who,
	    int64_t id, struct buf *out, int64_t *version, struct err *e);
int	registry_unit_update(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
/* active -> closed; expected = 0 skips the version check. */
int	registry_unit_close(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, json_t **out, struct err *e);
/* active or closed -> archived; expected = 0 skips the version check. */
int	registry_unit_archive(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, json_t **out, struct err *e);

struct registry_unit_query {
	const char	*q;		/* name/address substring, USCC */
	const char	*prefix;	/* name prefix (indexed) */
	const char	*town;
	const char	*grid;		/* grid id */
	const char	*category;	/* has this category */
	const char	*primary_category;
	const char	*status;
	const char	*industry;
	const char	*risk_grade;
	const char	*sort;		/* [-]name|created_at|updated_at|town */
	int64_t		 offset;
	int64_t		 limit;		/* 1..REGISTRY_PAGE_MAX */
};
/*
 * Units visible to who matching q, as list views (no personal data),
 * and the total matching: exact (*exact = 1) up to
 * max(REGISTRY_COUNT_CAP, offset + limit); when more match, *total is
 * that bound and *exact 0 (REG-031).  ERR_INVALID naming the parameter
 * for a bad filter, sort, offset or limit (REG-021).
 */
int	registry_unit_list(struct store *st, struct actor *who,
	    const struct registry_unit_query *q, json_t **items,
	    int64_t *total, int *exact, struct err *e);
/*
 * Show a unit with its personal data in clear (P-2, REG-009): needs
 * registry:unmask and a reason of 4 to 200 characters (ERR_INVALID field
 * reason).  Records who, why and which version in unit_unmasks and
 * appends "unit.unmask" for object unmask/<id>.
 */
int	registry_unit_unmask(struct store *st, struct actor *who, int64_t id,
	    const char *reason, json_t **out, struct err *e);
/*
 * Units visible to who with a person whose phone (kind "phone") or ID
 * number (kind "id_number") is value, by the keyed index (P-1), as list
 * views.  The value is checked like an input (ERR_INVALID naming kind).
 * Appends "unit.lookup" (no object): a search by personal data is
 * recorded.
 */
int	registry_unit_lookup(struct store *st, struct actor *who,
	    const char *kind, const char *value, json_t **items,
	    struct err *e);
/* The audit entries of a visible unit, oldest first, paged. */
int	registry_unit_history(struct store *st, struct actor *who, int64_t id,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    struct err *e);

/*
 * Buildings of a unit.  Input keys: name, floors_above, floors_below,
 * height_cm, floor_area_m2, use, fire_resistance_rating, occupancy,
 * has_control_room, has_sprinklers, has_auto_alarm.  Places of a unit:
 * name, kind, building_id (a building of the same unit, REG-015),
 * floor_area_m2, rooms, beds, seats, occupancy, underground.  The unit
 * must be visible (else ERR_NOT_FOUND) and, to add or change, not
 * archived (REG-020).  Archived buildings and places are read-only.
 * Audit "building.create|update|archive", "place.create|update|archive".
 */
int	registry_building_create(struct store *st, struct actor *who,
	    int64_t unit_id, const json_t *in, json_t **out, struct err *e);
int	registry_building_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
int	registry_building_list(struct store *st, struct actor *who,
	    int64_t unit_id, int64_t offset, int64_t limit, json_t **items,
	    int64_t *total, struct err *e);
int	registry_building_update(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	registry_building_archive(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, json_t **out, struct err *e);

int	registry_place_create(struct store *st, struct actor *who,
	    int64_t unit_id, const json_t *in, json_t **out, struct err *e);
int	registry_place_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
int	registry_place_list(struct store *st, struct actor *who,
	    int64_t unit_id, int64_t offset, int64_t limit, json_t **items,
	    int64_t *total, struct err *e);
int	registry_place_update(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	registry_place_archive(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, json_t **out, struct err *e);

/*
 * Canonical records for `audit verify --deep` (struct audit_type.load),
 * by the id in the audit entry's object; ERR_NOT_FOUND if absent.
 * "unit": the unit with, for each personal value, the SM3 of its sealed
 * form (never the clear text); "building", "place", "grid", "town"
 * (id = code), "unmask" (who saw which unit version and why).
 */
int	registry_unit_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	registry_building_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
int	registry_place_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	registry_grid_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	registry_town_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	registry_unmask_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

#endif
