/*
 * 一单两库 of 双随机、一公开: the list of inspection items (随机抽查事项清单,
 * what a check covers and on which legal basis), the directory of
 * inspectors (执法检查人员名录库, fire officers and partner-department
 * inspectors with their enforcement certificates and areas) and the
 * declared conflicts that exclude an inspector from a unit (回避).  The
 * other directory, of the units that may be drawn, is the registry.
 * Rules INS-001 to INS-019: docs/modules/inspection_dir.md.
 *
 * Records travel as JSON objects with the keys of the API.  A function
 * that changes something runs in the caller's open transaction and
 * appends exactly one audit entry with the record's canonical form; on
 * failure nothing has been written and the caller rolls back.  Reads need
 * inspection:read, changes inspection:write; a record outside the
 * caller's jurisdiction is ERR_NOT_FOUND, as if absent (INS-011).
 */
#ifndef FW_INSPECTION_DIR_H
#define FW_INSPECTION_DIR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../store/store.h"
#include "actor.h"

/* Limits (INS-001, INS-002, INS-007, INS-008, INS-013); text in code
 * points. */
#define INSPECTION_DIR_CODE_MIN		2
#define INSPECTION_DIR_CODE_MAX		16
#define INSPECTION_DIR_NAME_MAX		100	/* item name */
#define INSPECTION_DIR_BASIS_MAX	1000
#define INSPECTION_DIR_CONTENT_MAX	2000
#define INSPECTION_DIR_METHOD_MAX	200
#define INSPECTION_DIR_PERSON_MAX	50	/* inspector name */
#define INSPECTION_DIR_CERT_MAX		32
#define INSPECTION_DIR_SPECIALTY_MAX	100
#define INSPECTION_DIR_AREAS_MAX	36
#define INSPECTION_DIR_NOTE_MIN		4	/* kind "other" */
#define INSPECTION_DIR_NOTE_MAX		500
#define INSPECTION_DIR_Q_MAX		64
#define INSPECTION_DIR_PAGE_MAX		200
#define INSPECTION_DIR_EXPIRING_MAX	3650	/* days */
#define INSPECTION_DIR_EXPORT_MAX	100000	/* rows of one export */
#define INSPECTION_DIR_FILE_MAX		(1 << 20) /* bytes of an items file */
#define INSPECTION_DIR_FILE_ITEMS	1000	/* items in one file */
#define INSPECTION_DIR_ITEMS_FILE	"data/inspection/items.json"
#define INSPECTION_DIR_ITEMS_FORMAT	"firewarden-inspection-items-v1"
#define INSPECTION_DIR_SEED_INSPECTORS	40

/* The departments that inspect (INS-002, INS-007): JSON value and name. */
struct inspection_department {
	const char	*name;
	const char	*title_zh;
	const char	*title_en;
};
/* Terminated by a row whose name is NULL. */
extern const struct inspection_department	inspection_departments[];

/* Values of the enumerations, NULL-terminated (for the API tables). */
extern const char *const	inspection_department_names[];
extern const char *const	inspection_item_statuses[];
extern const char *const	inspection_inspector_statuses[];
extern const char *const	inspection_conflict_kinds[];
extern const char *const	inspection_conflict_statuses[];
/* The registry's category names an item may name (all but "general"). */
extern const char *const	inspection_item_categories[];

/*
 * Items (检查事项).  Input keys: code (2-16 of A-Z 0-9 '-', lower-case
 * letters upper-cased; unique, INS-001), name, legal_basis, content,
 * method (INS-002), department (one of inspection_department_names),
 * categories (registry category names but "general", distinct; [] or
 * absent = every unit, INS-003).  Changes need inspection:write and a
 * city jurisdiction (ERR_FORBIDDEN otherwise, INS-004).  ERR_CONFLICT
 * (code) for a code taken, ERR_POLICY (status) for an archived item
 * (INS-005), ERR_STALE when expected is not the current version
 * (INS-006).  Audit "inspection_item.create|update|archive".  The view
 * is the canonical record: {id, code, name, legal_basis, content,
 * method, department, categories, status, version, created_at,
 * updated_at, created_by}.
 */
int	inspection_dir_item_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
int	inspection_dir_item_get(struct store *st, struct actor *who,
	    int64_t id, json_t **out, struct err *e);
int	inspection_dir_item_update(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
/* active -> archived; expected = 0 skips the version check. */
int	inspection_dir_item_archive(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, json_t **out, struct err *e);

struct inspection_item_query {
	const char	*q;		/* substring of code or name */
	const char	*department;
	const char	*status;
	const char	*category;	/* items that apply to this category */
	const char	*sort;		/* [-]code|name|department|created_at|
					 * updated_at */
	int64_t		 offset;
	int64_t		 limit;		/* 1..INSPECTION_DIR_PAGE_MAX */
};
/*
 * Items matching q (every jurisdiction sees every department, INS-004)
 * and the exact total.  ERR_INVALID naming the parameter for a bad
 * filter, sort, offset or limit (INS-016).
 */
int	inspection_dir_item_list(struct store *st, struct actor *who,
	    const struct inspection_item_query *q, json_t **items,
	    int64_t *total, struct err *e);
/*
 * The published list (INS-017): active items only, as {code, name,
 * legal_basis, content, method, department, department_name, categories,
 * updated_at}; q's status is ignored.  No actor: anyone may read it.
 */
int	inspection_dir_item_public(struct store *st,
	    const struct inspection_item_query *q, json_t **items,
	    int64_t *total, struct err *e);

/*
 * Inspectors (执法检查人员).  Input keys: name (1-50), department, cert_no
 * (1-32, unique within the department, ERR_CONFLICT cert_no), cert_valid_
 * until (YYYY-MM-DD, a real day of 1990-2099) (INS-007), areas (1-36
 * distinct town codes, stored sorted, INS-008), specialty (optional,
 * 1-100), user_id (optional: an existing user who is not one of the 三员,
 * linked to one inspector at most, INS-009); on update also status
 * (active or suspended).  A present key with JSON null clears specialty
 * and user_id.  Town users create and change only inspectors whose areas
 * are their town alone (ERR_FORBIDDEN areas, INS-012).  Audit
 * "inspector.create|update|archive".  The view is the record {id,
 * user_id, name, department, cert_no, cert_valid_until, areas, specialty,
 * status, version, created_at, updated_at, created_by} with cert_valid
 * (INS-010), user_login and conflicts_active.
 */
int	inspection_dir_inspector_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
int	inspection_dir_inspector_get(struct store *st, struct actor *who,
	    int64_t id, json_t **out, struct err *e);
int	inspection_dir_inspector_update(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
/* active or suspended -> archived; expected = 0 skips the version check. */
int	inspection_dir_inspector_archive(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, json_t **out, struct err *e);

struct inspection_inspector_query {
	const char	*q;		/* substring of name or cert_no */
	const char	*department;
	const char	*area;		/* a town code */
	const char	*status;
	const char	*cert;		/* valid | expired */
	const char	*expiring;	/* N days: today <= until <= today+N */
	const char	*sort;		/* [-]name|department|cert_valid_until|
					 * created_at|updated_at */
	int64_t		 offset;
	int64_t		 limit;
};
/* Inspectors visible to who (INS-011) matching q, and the exact total. */
int	inspection_dir_inspector_list(struct store *st, struct actor *who,
	    const struct inspection_inspector_query *q, json_t **items,
	    int64_t *total, struct err *e);

/*
 * Conflicts (回避关系) of a visible inspector (INS-013).  Input keys:
 * unit_id (a unit within who's jurisdiction, else ERR_INVALID unit_id),
 * kind (relative | former_employer | interest | other), note (up to 500;
 * 4-500 and required for "other").  ERR_POLICY for an archived
 * inspector, ERR_CONFLICT (unit_id) when an active declaration for the
 * same unit exists.  Audit "inspector_conflict.declare".  The view:
 * {id, inspector_id, unit_id, kind, note, status, version, created_at,
 * updated_at, created_by, inspector_name, inspector_department,
 * unit_name, unit_town}; the record has no names.
 */
int	inspection_dir_conflict_declare(struct store *st, struct actor *who,
	    int64_t inspector_id, const json_t *in, json_t **out,
	    struct err *e);
/*
 * active -> withdrawn (INS-014) at version expected (ERR_STALE);
 * ERR_POLICY when already withdrawn.  Audit "inspector_conflict.withdraw".
 */
int	inspection_dir_conflict_withdraw(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, json_t **out, struct err *e);
/*
 * The conflicts of one inspector (unit_id 0) or of one unit
 * (inspector_id 0), newest first, optionally of one status; only those
 * whose inspector and unit are both visible to who (INS-014).  The
 * inspector or unit itself must be visible (ERR_NOT_FOUND).
 */
int	inspection_dir_conflict_list(struct store *st, struct actor *who,
	    int64_t inspector_id, int64_t unit_id, const char *status,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    struct err *e);

/*
 * Exports (INS-018): what the list would select (paging ignored) as a
 * file, format "csv" (UTF-8 with a byte-order mark, CRLF, Chinese
 * headers, formula cells neutralised) or "xlsx".  ERR_POLICY past
 * INSPECTION_DIR_EXPORT_MAX rows.  Appended as "inspection_item.export" /
 * "inspector.export" (no object) in a transaction of its own, or the
 * caller's.  *data (free()) and *len are the file, *rows its rows.
 */
int	inspection_dir_item_export(struct store *st, struct actor *who,
	    const struct inspection_item_query *q, const char *format,
	    char **data, size_t *len, int64_t *rows, struct err *e);
int	inspection_dir_inspector_export(struct store *st, struct actor *who,
	    const struct inspection_inspector_query *q, const char *format,
	    char **data, size_t *len, int64_t *rows, struct err *e);
/* The media type of an export format. */
const char *inspection_dir_export_ctype(const char *format);

/*
 * Load an items file (INS-019; format docs/modules/inspection_dir.md) as
 * who (inspection:write, city), idempotent by code: a new code is
 * created, a known one updated when the file differs, an equal one left;
 * codes of archived items are skipped.  With if_empty, nothing happens
 * when any item exists.  All or nothing, in a transaction of its own (or
 * the caller's).  ERR_IO when unreadable, ERR_INVALID naming the item
 * ("items[3].code") for a bad file.  *report: {loaded, version, items,
 * created, updated, unchanged, skipped, unconfirmed: [codes of status U]}.
 */
int	inspection_dir_items_load(struct store *st, struct actor *who,
	    const char *path, int if_empty, json_t **report, struct err *e);
/*
 * The demo directories for `seed-demo` (INS-019): the items file into an
 * empty item list, and INSPECTION_DIR_SEED_INSPECTORS inspectors into an
 * empty directory, names from the word lists in words (surnames.txt,
 * given.txt), certificates, areas, departments and specialties from
 * seed, certificate dates relative to today.  Each record is audited as
 * any other.  One transaction of its own; the system actor only.
 * *report: {items: <load report>, inspectors: N (0 when not empty)}.
 */
int	inspection_dir_seed_demo(struct store *st, struct actor *who,
	    uint64_t seed, const char *items_path, const char *words,
	    json_t **report, struct err *e);

/* Canonical records for `audit verify --deep`, by the audit object id. */
int	inspection_dir_item_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
int	inspection_dir_inspector_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
int	inspection_dir_conflict_record(struct store *st, const char *id,
	    json_t **out, struct err *e);

#endif
