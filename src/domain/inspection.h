/*
 * 双随机、一公开 random inspections: the sampling rules (一细则), plans and
 * their life (draft → approved → committed → drawn → in_progress → closed,
 * or cancelled), the frozen roster and the verifiable draw of
 * specs/draw-v1.md, the tasks a draw creates, and what the public sees.
 * The directories (items, inspectors, conflicts) are inspection_dir.h.
 * Rules INS-020 and up; docs/modules/inspection.md.
 *
 * Every function takes the caller's transaction where it writes (like the
 * registry) unless it says otherwise; every write appends its audit
 * entries; reads are limited to the caller's jurisdiction.
 */
#ifndef FW_INSPECTION_H
#define FW_INSPECTION_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

#define INSPECTION_PAGE_MAX	200
#define INSPECTION_REASON_MIN	4
#define INSPECTION_REASON_MAX	500

/* Sampling rules (一细则, INS-020). */

/*
 * Load data/inspection/rules.json as version 1 when no version exists
 * (start-up, CLI), audited as the system.  ERR_IO / ERR_INVALID naming
 * the file and key.
 */
int	inspection_rules_sync(struct store *st, const char *path,
	    struct err *e);
/* The current version (highest), or a given one (version > 0). */
int	inspection_rules_get(struct store *st, struct actor *who, int version,
	    json_t **out, struct err *e);
/* Every version, newest first: {version, note, created_at, created_by}. */
int	inspection_rules_list(struct store *st, struct actor *who,
	    json_t **out, struct err *e);
/*
 * A new version from in {"rules": [...], "note"} (inspection:rules).
 * ERR_INVALID naming the path of the bad entry ("rules[2].ratio_pct").
 */
int	inspection_rules_put(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);

/* Plans (INS-021 …). */

int	inspection_plan_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
int	inspection_plan_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/* Draft plans only (INS-022); expected is the If-Match version. */
int	inspection_plan_update(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);

struct inspection_plan_query {
	const char	*status;
	const char	*q;		/* name substring */
	int64_t		 offset;
	int64_t		 limit;
};
int	inspection_plan_list(struct store *st, struct actor *who,
	    const struct inspection_plan_query *q, json_t **items,
	    int64_t *total, struct err *e);

/*
 * The strata the plan's scope makes today and the quotas the rules give
 * them (INS-023): [{stratum, town, class, grade, population, count,
 * rule}], with the rule version.  Read-only; any status.
 */
int	inspection_plan_preview(struct store *st, struct actor *who,
	    int64_t id, json_t **out, struct err *e);
/* draft → approved (inspection:approve, not by its author; INS-022). */
int	inspection_plan_approve(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, json_t **out, struct err *e);
/*
 * approved → committed (INS-024..026): freeze the roster, compute the
 * quotas with the approved rule version, the hashes, and append the
 * commit entry.  Long for a large scope; runs in the caller's
 * transaction.
 */
int	inspection_plan_commit(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, json_t **out, struct err *e);
/*
 * A beacon value entered by who (inspection:draw; INS-027).  The second
 * identical value from another user draws the plan (INS-028) and *drawn
 * is set; a different value is refused (ERR_CONFLICT naming "value").
 */
int	inspection_plan_beacon(struct store *st, struct actor *who,
	    int64_t id, const char *value, int *drawn, json_t **out,
	    struct err *e);
/* Any state but closed and cancelled → cancelled, with a reason. */
int	inspection_plan_cancel(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const char *reason, json_t **out,
	    struct err *e);
/* in_progress (or drawn) → closed when no task is left assigned. */
int	inspection_plan_close(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, json_t **out, struct err *e);

/*
 * The draw bundle of a drawn plan (spec section 6) as JSON text in out:
 * public form for anyone, full form (inspectors and conflicts) with
 * audit:read (INS-031).  Rebuilt from the frozen roster and checked
 * against the stored seed and tasks.
 */
int	inspection_plan_bundle(struct store *st, struct actor *who,
	    int64_t id, int full, struct buf *out, struct err *e);

/* Tasks (INS-029). */

struct inspection_task_query {
	int64_t		 plan_id;	/* 0: any */
	int		 mine;		/* only tasks of who's inspector entry */
	const char	*status;
	int64_t		 offset;
	int64_t		 limit;
};
int	inspection_task_list(struct store *st, struct actor *who,
	    const struct inspection_task_query *q, json_t **items,
	    int64_t *total, struct err *e);
int	inspection_task_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/*
 * Assign inspectors by hand to an unassigned task, or replace one who
 * cannot go (sick leave …), with a reason: in {"inspectors": [ids],
 * "reason"}; the team, conflicts, certificates and max_load still hold.
 */
int	inspection_task_reassign(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);

/* Checks (INS-032..036). */

/* The task with the items of its unit's checklist and can_check. */
int	inspection_task_checklist(struct store *st, struct actor *who,
	    int64_t task_id, json_t **out, struct err *e);
/*
 * The check of a task by one of its inspectors (inspection:check), at
 * the task's version expected: in {"results": [{item, result, note,
 * photos, on_spot, deadline_days}], "signatures": [{inspector, file}],
 * "outcome", "summary", "location": {lat, lng, accuracy_m, at}}.  Photos
 * and signatures are uploaded files (files.h) attached to the check; a
 * failure not corrected on the spot becomes a hazard with its deadline.
 */
int	inspection_check_submit(struct store *st, struct actor *who,
	    int64_t task_id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
/*
 * files_owner hook (files.h): 1 if who may read check_id (they see its
 * task), 0 if not, or a negative ERR_*.
 */
int	inspection_check_can_read(struct store *st, struct actor *who,
	    int64_t check_id, struct err *e);
/* The check of a task who may see. */
int	inspection_check_get(struct store *st, struct actor *who,
	    int64_t task_id, json_t **out, struct err *e);

/* Publication (INS-030): no login, no personal data. */
int	inspection_public_plans(struct store *st, int64_t offset,
	    int64_t limit, json_t **items, int64_t *total, struct err *e);
int	inspection_public_plan(struct store *st, int64_t id, json_t **out,
	    struct err *e);
int	inspection_public_results(struct store *st, int64_t plan_id,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    struct err *e);

/* Canonical records for audit verify --deep. */
int	inspection_plan_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	inspection_task_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	inspection_rules_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
int	inspection_check_record(struct store *st, const char *id,
	    json_t **out, struct err *e);

#endif
