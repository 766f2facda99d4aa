/*
 * Internals shared by the hazard module's files (hazard.c: catalogue,
 * records, lists; hazard_flow.c: the steps; hazard_transfer.c: other
 * departments; hazard_job.c: escalation).
 */
#ifndef FW_HAZARD_INT_H
#define FW_HAZARD_INT_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"
#include "rec.h"
#include "registry_int.h"

struct store;
struct actor;

#define HZ_DATE_LEN	REC_DATE_LEN
#define HZ_NOTE_MAX	2000
#define HZ_REASON_MIN	4
#define HZ_PHOTOS_MAX	REC_PHOTOS_MAX

/* Who sees which hazards: the registry's scope, or a department. */
struct hz_scope {
	struct reg_scope rs;
	int		 is_dept;	/* jurisdiction dept:CODE[:TOWN] */
	char		 dept[16];
	char		 dtown[REG_TOWN_LEN + 1];	/* "" for every town */
};

/* The columns of a hazard the steps need. */
struct hz {
	int64_t	 id;
	int64_t	 unit_id;
	int64_t	 grid_id;
	int64_t	 version;
	char	 no[48];
	char	 town[REG_TOWN_LEN + 1];
	char	 status[16];
	char	 dept[16];
	char	 level[12];
	char	 type_code[32];
	char	 found_on[HZ_DATE_LEN + 1];
	char	 deadline[HZ_DATE_LEN + 1];
	char	 step_due[HZ_DATE_LEN + 1];
	int	 returns;
};

void	hz_scope_of(const struct actor *who, struct hz_scope *s);
/*
 * Load hazard id if who may see it (ERR_NOT_FOUND otherwise, so that a
 * hazard outside one's jurisdiction is not revealed); with expected > 0
 * also check the version (ERR_STALE naming "version").
 */
int	hz_load(struct store *st, const struct actor *who, int64_t id,
	    int64_t expected, struct hz *out, struct err *e);
/* Append a step to the timeline (photos: comma-separated ids or ""). */
int	hz_step(struct store *st, const struct actor *who, int64_t hid,
	    const char *action, const char *from, const char *to,
	    const char *note, const char *photos, const char *due,
	    struct err *e);
/* One more hazard closed this year in town (HAZ-018). */
int	hz_closed_count(struct store *st, const char *town, struct err *e);
/* Audit the hazard's stored record after a change. */
int	hz_audit(struct store *st, struct actor *who, const char *action,
	    int64_t hid, struct err *e);
/* An ERR_POLICY naming "status" for a step not allowed now. */
int	hz_bad_state(const char *step, const char *status, const char *rule,
	    struct err *e);

#endif
