/*
 * Grid patrols and police stations' fire checks (PAT-001..012;
 * docs/modules/patrol.md): checklists per trade as data, patrol records
 * with results, photos, signatures and position, each failed item either
 * corrected on the spot or a hazard of the item's type; ledgers (台账) per
 * unit, grid and town; the re-check view beside the previous record;
 * monthly coverage per grid and the police stations' yearly coverage of
 * special-industry places.
 */
#ifndef FW_PATROL_H
#define FW_PATROL_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

/*
 * PAT-001: load the checklists (data/patrol/checklists.json) strictly:
 * unknown keys, duplicate codes, an item naming a hazard type the
 * catalogue lacks (load the hazard catalogue first).
 */
int	patrol_checklists_load(const char *path, struct err *e);
int	patrol_checklists_json(json_t **out, struct err *e);

/* PAT-002..007: record a patrol (POST /api/v1/patrols). */
int	patrol_new(struct store *st, struct actor *who, const json_t *in,
	    json_t **out, struct err *e);
/* PAT-008: one record with its hazards and the previous record of the
 * unit (the re-check view). */
int	patrol_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
int	patrol_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

struct patrol_filter {
	int64_t		 unit_id;
	int64_t		 grid_id;
	const char	*town;
	const char	*kind;
	const char	*from, *to;
	const char	*outcome;
};
/* PAT-009: the ledger, newest first, in who's jurisdiction. */
int	patrol_list(struct store *st, struct actor *who,
	    const struct patrol_filter *f, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
int	patrol_export(struct store *st, struct actor *who,
	    const struct patrol_filter *f, const char *format, int64_t max,
	    struct buf *out, const char **ctype, struct err *e);
/* PAT-010: per grid of who's scope, the share of active units visited
 * in month (YYYY-MM). */
int	patrol_coverage(struct store *st, struct actor *who, const char *month,
	    const char *town, json_t **out, struct err *e);
/* PAT-011: per town, special-industry units with a police check in year;
 * PAT-012: the units still due (paged). */
int	patrol_police_coverage(struct store *st, struct actor *who,
	    const char *year, json_t **out, struct err *e);
int	patrol_police_due(struct store *st, struct actor *who,
	    const char *year, const char *town, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
/* PAT-013: the month's round: three-small places and rental houses of
 * who's grids not yet visited in month (YYYY-MM), longest unvisited
 * first (paged). */
int	patrol_due(struct store *st, struct actor *who, const char *month,
	    int64_t grid_id, int64_t offset, int64_t limit, json_t **items,
	    int64_t *total, struct err *e);
/* Files attached to a patrol record: who sees the record may read. */
int	patrol_can_read(struct store *st, struct actor *who, int64_t id,
	    struct err *e);

#endif
