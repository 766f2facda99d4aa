/*
 * The job hazard.escalate (HAZ-019): a hazard whose current step is past
 * its due date is escalated to its town (escalation 1); still open
 * escalate_city_days working days later, to the city (2).  A transfer
 * past its due date is flagged for the town as well.  Every escalation is
 * an audited change by the platform; the supervision view and the lists
 * show them (?escalated=1).  Work goes in batches, one transaction each,
 * so a run over millions of hazards holds no long lock.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "calendar.h"
#include "hazard.h"
#include "hazard_int.h"

#define HZ_JOB_BATCH	500

/* The latest date c with at least n working days in (c, today]. */
static int
hz_cutoff(const char *today, int n, char out[HZ_DATE_LEN + 1],
    struct err *e)
{
	struct tm	tm;
	time_t		t0;
	char		c[HZ_DATE_LEN + 1];
	int		i, k, rc;

	memset(&tm, 0, sizeof(tm));
	if (strptime(today, "%Y-%m-%d", &tm) == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "bad date %s", today);
	t0 = timegm(&tm);
	for (i = 1; i <= 400; i++) {
		time_t	t = t0 - (time_t)i * 86400;

		gmtime_r(&t, &tm);
		strftime(c, sizeof(c), "%Y-%m-%d", &tm);
		if ((rc = calendar_workdays_between(c, today, &k, e)) < 0)
			return rc;
		if (k >= n) {
			memcpy(out, c, HZ_DATE_LEN + 1);
			return 0;
		}
	}
	return err_set(e, ERR_INTERNAL, NULL, "no cutoff within 400 days");
}

/* One batch of hazards matching sql escalated to level; *n counts. */
static int
hz_escalate_batch(struct store *st, struct actor *who, const char *sql,
    const struct store_val *args, int nargs, int level, const char *today,
    int64_t *n, int *more, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 ids[HZ_JOB_BATCH];
	int			 k = 0, i, rc;

	if ((rc = store_begin(st, e)) < 0)
		return rc;
	if ((rc = store_query(st, sql, args, nargs, &r, e)) < 0)
		goto fail;
	while (k < HZ_JOB_BATCH && (rc = store_next(r, e)) == 1)
		ids[k++] = store_int(r, 0);
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	for (i = 0; i < k; i++) {
		if ((rc = store_exec(st, "UPDATE hazards SET escalation = ?, "
		    "escalated_on = ?, version = version + 1, updated_at = ? "
		    "WHERE id = ?", STORE_ARGS(SV_I(level), SV_S(today),
		    SV_I(clock_now()), SV_I(ids[i])), NULL, e)) < 0 ||
		    (rc = hz_step(st, who, ids[i], level == 1 ?
		    "escalate_town" : "escalate_city", NULL, "escalated",
		    level == 1 ? "逾期，升级至镇街督办" : "逾期，升级至市级督办",
		    "", NULL, e)) < 0 ||
		    (rc = hz_audit(st, who, "hazard.escalate", ids[i], e)) < 0)
			goto fail;
	}
	if ((rc = store_commit(st, e)) < 0)
		return rc;
	*n += k;
	*more = k == HZ_JOB_BATCH;
	return 0;
fail:
	store_rollback(st);
	return rc;
}

static int
hz_escalate_transfers(struct store *st, struct actor *who, const char *today,
    int64_t *n, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 ids[HZ_JOB_BATCH];
	json_t			*rec;
	char			 ts[24];
	int			 k, i, rc;

	do {
		k = 0;
		if ((rc = store_begin(st, e)) < 0)
			return rc;
		if ((rc = store_query(st, "SELECT id FROM hazard_transfers "
		    "WHERE status IN ('pending', 'accepted', 'disputed') AND "
		    "due < ? AND escalation = 0 ORDER BY id LIMIT ?",
		    STORE_ARGS(SV_S(today), SV_I(HZ_JOB_BATCH)), &r, e)) < 0)
			goto fail;
		while (k < HZ_JOB_BATCH && (rc = store_next(r, e)) == 1)
			ids[k++] = store_int(r, 0);
		store_rows_free(r);
		if (rc < 0)
			goto fail;
		for (i = 0; i < k; i++) {
			if ((rc = store_exec(st, "UPDATE hazard_transfers SET "
			    "escalation = 1, version = version + 1, "
			    "updated_at = ? WHERE id = ?",
			    STORE_ARGS(SV_I(clock_now()), SV_I(ids[i])), NULL,
			    e)) < 0)
				goto fail;
			snprintf(ts, sizeof(ts), "%lld", (long long)ids[i]);
			if ((rc = hazard_transfer_record(st, ts, &rec, e)) < 0)
				goto fail;
			rc = audit_append_id(st, who, "hazard_transfer.escalate",
			    "hazard_transfer", ids[i], rec, e);
			json_decref(rec);
			if (rc < 0)
				goto fail;
		}
		if ((rc = store_commit(st, e)) < 0)
			return rc;
		*n += k;
	} while (k == HZ_JOB_BATCH);
	return 0;
fail:
	store_rollback(st);
	return rc;
}

int
hazard_job_escalate(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	char	today[HZ_DATE_LEN + 1], cutoff[HZ_DATE_LEN + 1];
	int64_t	town = 0, city = 0, transfers = 0;
	int	more, rc;

	rec_today(today);
	do {
		if ((rc = hz_escalate_batch(st, who, "SELECT id FROM hazards "
		    "WHERE status <> 'closed' AND step_due < ? AND "
		    "escalation = 0 ORDER BY id LIMIT 500",
		    STORE_ARGS(SV_S(today)), 1, today, &town, &more, e)) < 0)
			return rc;
	} while (more);
	if ((rc = hz_cutoff(today, hazard_clock("escalate_city_days"), cutoff,
	    e)) < 0)
		return rc;
	do {
		if ((rc = hz_escalate_batch(st, who, "SELECT id FROM hazards "
		    "WHERE status <> 'closed' AND step_due < ? AND "
		    "escalation = 1 AND escalated_on <= ? ORDER BY id "
		    "LIMIT 500", STORE_ARGS(SV_S(today), SV_S(cutoff)), 2,
		    today, &city, &more, e)) < 0)
			return rc;
	} while (more);
	if ((rc = hz_escalate_transfers(st, who, today, &transfers, e)) < 0)
		return rc;
	buf_printf(detail, "escalated %lld to town, %lld to city, %lld "
	    "transfers", (long long)town, (long long)city,
	    (long long)transfers);
	return 0;
}
