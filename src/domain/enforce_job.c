/*
 * The job enforce.clocks (ENF-020; docs/modules/enforce_job.md): every
 * open case whose running step is past its last day, whose decision
 * deadline (90 days from filing, or the extension) has passed before a
 * decision, or that was decided late and is not yet served, is flagged
 * overdue; a flag whose cause is gone (a new step, an extension, the
 * case closed) is cleared.  Each change bumps the case version and is a
 * timeline step with its audit entry by the platform; work goes in
 * batches, one transaction each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "enforce.h"
#include "enforce_int.h"
#include "rec.h"

#define EJ_BATCH	500

/* The overdue condition of a case on day ? (given twice). */
#define EJ_DUE "(status NOT IN ('closed', 'cancelled') AND (" \
    "COALESCE(step_due, '9999-12-31') < ? OR " \
    "(status IN ('filed', 'notified', 'hearing', 'review', 'discussion') " \
    "AND COALESCE(extended_to, decision_due) < ?) OR " \
    "(status = 'decided' AND COALESCE(decided_on, '') > " \
    "COALESCE(extended_to, decision_due))))"

/* One batch of cases matching sql set to overdue = flag; *n counts. */
static int
ej_batch(struct store *st, struct actor *who, const char *sql,
    const struct store_val *args, int nargs, int flag, int64_t *n,
    int *more, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 ids[EJ_BATCH], ch;
	char			 steps[EJ_BATCH][16], dues[EJ_BATCH][16];
	char			*note;
	int			 k = 0, i, rc;

	if ((rc = store_begin(st, e)) < 0)
		return rc;
	if ((rc = store_query(st, sql, args, nargs, &r, e)) < 0)
		goto fail;
	while (k < EJ_BATCH && (rc = store_next(r, e)) == 1) {
		ids[k] = store_int(r, 0);
		snprintf(steps[k], sizeof(steps[k]), "%s", store_text(r, 1));
		snprintf(dues[k], sizeof(dues[k]), "%s", store_text(r, 2));
		k++;
	}
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	for (i = 0; i < k; i++) {
		ch = 0;
		if ((rc = store_exec(st, "UPDATE cases SET overdue = ?, "
		    "version = version + 1, updated_at = ? WHERE id = ? AND "
		    "overdue <> ?", STORE_ARGS(SV_I(flag), SV_I(clock_now()),
		    SV_I(ids[i]), SV_I(flag)), &ch, e)) < 0)
			goto fail;
		if (ch != 1)
			continue;
		note = flag ? *dues[i] ? xasprintf("逾期：%s 步骤期限 %s 已过",
		    *steps[i] ? steps[i] : "decide", dues[i]) :
		    xasprintf("逾期：决定期限已过") : xasprintf("逾期提示解除");
		rc = enforce_case_step(st, who, ids[i], flag ? "overdue" :
		    "overdue_clear", note, NULL, e);
		free(note);
		if (rc < 0)
			goto fail;
		(*n)++;
	}
	if ((rc = store_commit(st, e)) < 0)
		return rc;
	*more = k == EJ_BATCH;
	return 0;
fail:
	store_rollback(st);
	return rc;
}

int
enforce_job_clocks(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	char	today[REC_DATE_LEN + 1];
	int64_t	flagged = 0, cleared = 0;
	int	more, rc;

	rec_today(today);
	do {
		if ((rc = ej_batch(st, who, "SELECT id, step, CASE WHEN "
		    "COALESCE(step_due, '9999-12-31') < ? THEN step_due ELSE "
		    "COALESCE(extended_to, decision_due) END FROM cases WHERE "
		    "overdue = 0 AND " EJ_DUE " ORDER BY id LIMIT ?",
		    STORE_ARGS(SV_S(today), SV_S(today), SV_S(today),
		    SV_I(EJ_BATCH)), 1, &flagged, &more, e)) < 0)
			return rc;
	} while (more);
	do {
		if ((rc = ej_batch(st, who, "SELECT id, step, step_due FROM "
		    "cases WHERE overdue = 1 AND NOT " EJ_DUE " ORDER BY id "
		    "LIMIT ?", STORE_ARGS(SV_S(today), SV_S(today),
		    SV_I(EJ_BATCH)), 0, &cleared, &more, e)) < 0)
			return rc;
	} while (more);
	buf_printf(detail, "flagged %lld cases overdue, cleared %lld",
	    (long long)flagged, (long long)cleared);
	return 0;
}
