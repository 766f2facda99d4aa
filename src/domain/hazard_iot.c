/*
 * Automatic hazards of the iot module closed by the device itself
 * (HAZ-035, IOT-011): when the device that showed the condition reports
 * normal again and the unit (or an officer) confirms the repair, its
 * hazard is closed as restored, with a step on its timeline, counted
 * among the town's closed hazards (HAZ-018) and audited.  The iot module
 * checks who may confirm; this file only closes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../store/store.h"
#include "actor.h"
#include "hazard.h"
#include "hazard_int.h"

int
hazard_iot_close(struct store *st, struct actor *who, int64_t id,
    const char *note, struct err *e)
{
	struct hz	 h;
	char		*source = NULL, today[HZ_DATE_LEN + 1];
	int64_t		 ch = 0;
	int		 rc;

	if ((rc = hz_load(st, who, id, 0, &h, e)) < 0)
		return rc;
	if ((rc = store_query_text(st, "SELECT source FROM hazards WHERE id = "
	    "?", STORE_ARGS(SV_I(id)), &source, e)) < 0)
		return rc;
	rc = source != NULL && strcmp(source, "iot") == 0;
	free(source);
	if (!rc)
		return err_set(e, ERR_POLICY, "source", "only a hazard the "
		    "monitoring opened closes when its device is restored "
		    "(HAZ-035)");
	/* Closed already (a re-check passed): nothing more to do. */
	if (strcmp(h.status, "closed") == 0)
		return 0;
	if (strcmp(h.status, "transferred") == 0)
		return hz_bad_state("closed as restored", h.status, "HAZ-035", e);
	rec_today(today);
	if ((rc = store_exec(st, "UPDATE hazards SET status = 'closed', "
	    "step_due = NULL, close_reason = 'restored', closed_on = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ? AND "
	    "version = ?", STORE_ARGS(SV_S(today), SV_I(clock_now()), SV_I(id),
	    SV_I(h.version)), &ch, e)) < 0)
		return rc;
	if (ch != 1)
		return err_set(e, ERR_STALE, "version", "the hazard was changed "
		    "by someone else");
	if ((rc = hz_closed_count(st, h.town, e)) < 0 ||
	    (rc = hz_step(st, who, id, "restored", h.status, "closed", note, "",
	    NULL, e)) < 0)
		return rc;
	return hz_audit(st, who, "hazard.close", id, e);
}
