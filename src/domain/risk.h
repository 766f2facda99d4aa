/*
 * Risk model v1 (风险分级): a score from 0 to score_max and a grade (高 /
 * 较高 / 一般 / 低 = high / medium_high / medium / low) for every unit, from
 * its categories, its active buildings and places, and the risk events of
 * the last window_days (365) days.  The weights are data
 * (data/rules/risk-v1.json, an operator-editable template, RISK-001); each
 * score is stored with the factors that produced it (unit_risk), and
 * units.risk_grade follows unit_risk.grade.  Rule IDs RISK-xxx:
 * docs/modules/risk.md.
 *
 * Reads follow the registry: registry:read and the unit's jurisdiction
 * (another jurisdiction's unit is ERR_NOT_FOUND).  Recording an event
 * needs risk:write.  Functions that write run in the caller's open
 * transaction unless they say otherwise.
 */
#ifndef FW_RISK_H
#define FW_RISK_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../store/store.h"
#include "actor.h"

#define RISK_MODEL_FILE		"rules/risk-v1.json"	/* under data/ */
#define RISK_MODEL_MAX		(256 * 1024)	/* bytes of the model file */
#define RISK_BATCH		50000	/* units a recompute transaction */
#define RISK_REF_TYPE_MAX	32
#define RISK_REF_ID_MAX		64
#define RISK_AT_MIN		946684800	/* 2000-01-01T00:00:00Z */
#define RISK_PAGE_MAX		200

/* Event kinds and grades (best first), NULL-terminated. */
extern const char *const	risk_event_kinds[];
extern const char *const	risk_grades[];

/*
 * Load the model (RISK-001) from path, or when path is NULL from
 * $FIREWARDEN_DATA/RISK_MODEL_FILE (data/RISK_MODEL_FILE without it),
 * replacing the model loaded before.  The file is checked strictly:
 * format firewarden-risk-v1, every key known, every factor of the
 * catalogue present once, numbers integers within their limits, bands
 * ascending, cut-offs descending to 0.  ERR_IO when unreadable;
 * ERR_INVALID with e->field the key path (e.g. "factors[category.key].
 * points") and the message naming it; the previous model stays then.
 * Call before other threads use the model (start-up, tests).
 */
int	risk_model_load(const char *path, struct err *e);
/* Forget the loaded model (tests, leak checks). */
void	risk_model_unload(void);
/* The loaded model's version, or NULL. */
const char *risk_model_version(void);
/*
 * The loaded model as GET /risk/model shows it: {format, version,
 * template, status, about, sm3, window_days, score_max, grades, factors}.
 * ERR_UNAVAILABLE when none is loaded.
 */
int	risk_model_json(json_t **out, struct err *e);

/*
 * Recompute one unit's risk from its current row, buildings, places and
 * events (RISK-002..RISK-005) and store it when it changed (RISK-006),
 * with units.risk_grade (never the unit's version).  For registry code,
 * inside the caller's transaction, after a unit, building or place was
 * created, changed or archived; no jurisdiction check and no audit entry
 * of its own (the caller's change is audited; the score follows from it).
 * Does nothing when no model is loaded.  ERR_NOT_FOUND for no such unit.
 */
int	risk_unit_refresh(struct store *st, int64_t unit_id, struct err *e);

/*
 * A visible unit's risk (registry:read + jurisdiction, RISK-010):
 * {unit_id, score, grade, grade_name_zh, grade_name_en, factors: [{id,
 * name_zh, name_en, value, points[, gte]}], model_version,
 * current_model_version, inputs_hash, computed_at, stored}.  A unit
 * never computed yet is computed now without storing it ("stored":
 * false, computed_at null).  ERR_UNAVAILABLE without a model.
 */
int	risk_unit_get(struct store *st, struct actor *who, int64_t unit_id,
	    json_t **out, struct err *e);

/*
 * Record an event of a visible, not archived unit (risk:write, RISK-008,
 * RISK-009): kind one of risk_event_kinds; ref_type 1 to 32 of [a-z0-9_]
 * starting with a letter; ref_id 1 to 64 characters of text without
 * control characters (trimmed); at a Unix time from RISK_AT_MIN to now.
 * Errors name the field; ERR_CONFLICT (ref_id) when the unit already has
 * that kind of event from that record.  Refreshes the unit's risk and
 * appends "risk_event.create" for risk_event/<id>.  *out (may be NULL)
 * receives the event's view.
 */
int	risk_event_add(struct store *st, struct actor *who, int64_t unit_id,
	    const char *kind, const char *ref_type, const char *ref_id,
	    int64_t at, json_t **out, struct err *e);
/*
 * 1 if the unit already has an event of kind from that record, else 0
 * (for callers that record at most one and must not meet the unique
 * index inside their transaction).
 */
int	risk_event_has(struct store *st, int64_t unit_id, const char *kind,
	    const char *ref_type, const char *ref_id, struct err *e);
/*
 * Events of a visible unit, newest first, paged (limit 1..RISK_PAGE_MAX):
 * [{id, unit_id, kind, ref_type, ref_id, at, created_at, created_by,
 * counted}] where counted says whether it is within the window now.
 */
int	risk_event_list(struct store *st, struct actor *who, int64_t unit_id,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    struct err *e);

/*
 * Units per grade within who's jurisdiction (registry:read, RISK-011),
 * archived units left out, optionally of one town (a filter never widens
 * the view; ERR_INVALID naming town for a malformed code):
 * {scope, town, total, grades: {high, medium_high, medium, low, none}}.
 */
int	risk_summary(struct store *st, struct actor *who, const char *town,
	    json_t **out, struct err *e);

/*
 * Recompute every unit (RISK-006, RISK-007): streams units with their
 * building, place and event aggregates in id order, RISK_BATCH units a
 * transaction (opens its own; call outside one), writes only the rows
 * whose inputs or result changed and units.risk_grade where it differs.
 * When anything changed, records the run in risk_runs and appends one
 * "risk.recompute" entry for risk_run/<id> with the model version,
 * counts and the SM3 of the sorted "unit_id\tscore\tgrade\n" lines.
 * Appends one line to detail.  ERR_UNAVAILABLE without a model.
 */
int	risk_recompute_all(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);
/* The job "risk.recompute" (job.h): loads the model when none is, then
 * risk_recompute_all(). */
int	risk_job_recompute(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);

/* Canonical records for `audit verify --deep`: "risk_event" (the event's
 * view without counted) and "risk_run" (the run's row). */
int	risk_event_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	risk_run_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

#endif
