/*
 * Background jobs: when a job is due, the lease that makes it run once
 * across nodes (JOB-001), and the record of every run (JOB-002).  See
 * job.h for the contract and docs/modules/job.md for the rules.
 */
#include <stdio.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/log.h"
#include "../store/store.h"
#include "actor.h"
#include "job.h"

/* A run holds its lease this long; a crashed node's lease lapses. */
#define JOB_LEASE_S	900
/* A failed run is retried after this long, not only next period. */
#define JOB_RETRY_S	300
/* Asia/Shanghai is UTC+8 all year. */
#define JOB_TZ_S	(8 * 3600)

/*
 * Take the lease when it is free, lapsed, or already ours: the upsert
 * changes a row only then, so the change count says who won.
 */
static const char job_sql_lease[] =
    "INSERT INTO job_leases (job, holder, expires_at) VALUES (?, ?, ?) "
    "ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, "
    "expires_at = excluded.expires_at "
    "WHERE job_leases.expires_at < ? OR job_leases.holder = excluded.holder";
static const char job_sql_release[] =
    "UPDATE job_leases SET expires_at = 0 WHERE job = ? AND holder = ?";
static const char job_sql_run_ins[] =
    "INSERT INTO job_runs (id, job, holder, started_at, finished_at, ok, "
    "detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
#define JOB_SQL_RUN "SELECT id, started_at, finished_at, ok, detail FROM " \
    "job_runs "
static const char job_sql_last[] =
    JOB_SQL_RUN "WHERE job = ? ORDER BY started_at DESC, id DESC LIMIT 1";
static const char job_sql_run[] = JOB_SQL_RUN "WHERE id = ?";

/* Start of the period now falls in (see job.h). */
static int64_t
job_period_start(const struct job *j, int64_t now)
{
	int64_t	day, due;

	if (j->every_s > 0)
		return now - j->every_s;
	day = (now + JOB_TZ_S) / 86400 * 86400 - JOB_TZ_S;
	due = day + j->daily_at;
	return now >= due ? due : due - 86400;
}

static int
job_run_row(struct store *st, const char *sql, struct store_val arg,
    struct job_run *out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_query(st, sql, &arg, 1, &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		out->id = store_int(r, 0);
		out->started_at = store_int(r, 1);
		out->finished_at = store_int(r, 2);
		out->ok = (int)store_int(r, 3);
		snprintf(out->detail, sizeof(out->detail), "%s",
		    store_text(r, 4));
		rc = 0;
	} else if (rc == 0)
		rc = ERR_NOT_FOUND;
	store_rows_free(r);
	return rc;
}

int
job_last_run(struct store *st, const char *name, struct job_run *out,
    struct err *e)
{
	return job_run_row(st, job_sql_last, SV_S(name), out, e);
}

int
job_run_get(struct store *st, int64_t id, struct job_run *out, struct err *e)
{
	return job_run_row(st, job_sql_run, SV_I(id), out, e);
}

/*
 * Due: never run (a fresh database gets its nightly work at start-up),
 * or the last run started before the current period, or it failed and
 * JOB_RETRY_S have passed.
 */
static int
job_due(struct store *st, const struct job *j, int64_t now, int *due,
    struct err *e)
{
	struct job_run	last;
	int		rc;

	*due = 0;
	rc = job_last_run(st, j->name, &last, e);
	if (rc == ERR_NOT_FOUND) {
		*due = 1;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (j->every_s > 0 ? last.started_at <= job_period_start(j, now) :
	    last.started_at < job_period_start(j, now))
		*due = 1;
	else if (!last.ok && now - last.started_at >= JOB_RETRY_S)
		*due = 1;
	return 0;
}

/* The lease for this run: 1 taken, 0 held by another holder. */
static int
job_lease(struct store *st, const char *name, const char *holder,
    int64_t now, int *won, struct err *e)
{
	int64_t	ch = 0;
	int	rc;

	*won = 0;
	if ((rc = store_exec(st, job_sql_lease, STORE_ARGS(SV_S(name),
	    SV_S(holder), SV_I(now + JOB_LEASE_S), SV_I(now)), &ch, e)) < 0)
		return rc;
	*won = ch > 0;
	return 0;
}

/* Run one job under its lease and record the run (JOB-001, JOB-002). */
static int
job_run_one(struct store *st, const struct job *j, const char *holder,
    int64_t *run_id, struct err *e)
{
	struct actor	who;
	struct buf	detail;
	struct err	je, re;
	char		rid[40];
	int64_t		started, id;
	int		won, rc, jrc;

	if (store_in_tx(st))
		return err_set(e, ERR_INTERNAL, NULL, "job %s inside a "
		    "transaction", j->name);
	started = clock_now();
	if ((rc = job_lease(st, j->name, holder, started, &won, e)) < 0)
		return rc;
	if (!won)
		return err_set(e, ERR_CONFLICT, NULL, "job %s is running on "
		    "another node", j->name);
	id = id_next();
	snprintf(rid, sizeof(rid), "job-%lld", (long long)id);
	actor_system(&who, rid);
	buf_init(&detail);
	err_clear(&je);
	jrc = j->fn(st, &who, &detail, &je);
	if (store_in_tx(st))
		store_rollback(st);	/* a job that left one open failed */
	if (jrc < 0) {
		if (detail.len > 0)
			buf_adds(&detail, "; ");
		buf_printf(&detail, "failed: %s", je.msg);
		log_warn("job %s: %s", j->name, je.msg);
	}
	err_clear(&re);
	rc = store_exec(st, job_sql_run_ins, STORE_ARGS(SV_I(id),
	    SV_S(j->name), SV_S(holder), SV_I(started), SV_I(clock_now()),
	    SV_I(jrc == 0), SV_S(detail.data ? detail.data : "")), NULL, &re);
	if (rc < 0)
		log_warn("job %s: recording the run: %s", j->name, re.msg);
	store_exec(st, job_sql_release, STORE_ARGS(SV_S(j->name),
	    SV_S(holder)), NULL, &re);
	buf_free(&detail);
	if (run_id != NULL)
		*run_id = id;
	if (jrc < 0) {
		*e = je;
		return jrc;
	}
	return rc < 0 ? (*e = re, rc) : 0;
}

int
job_tick(struct store *st, const struct job *jobs, const char *holder,
    struct err *e)
{
	struct err	je;
	int64_t		now = clock_now();
	int		n = 0, due, rc;

	for (; jobs->name != NULL; jobs++) {
		if ((rc = job_due(st, jobs, now, &due, e)) < 0)
			return rc;
		if (!due)
			continue;
		err_clear(&je);
		rc = job_run_one(st, jobs, holder, NULL, &je);
		if (rc != ERR_CONFLICT)
			n++;
	}
	return n;
}

int
job_run_now(struct store *st, const struct job *jobs, const char *name,
    const char *holder, int64_t *run_id, struct err *e)
{
	for (; jobs->name != NULL; jobs++)
		if (strcmp(jobs->name, name) == 0)
			return job_run_one(st, jobs, holder, run_id, e);
	return err_set(e, ERR_NOT_FOUND, "job", "no job named %s", name);
}
