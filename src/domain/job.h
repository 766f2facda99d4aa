/*
 * Background jobs (DESIGN.md "Background work"): deadline clocks and
 * escalations, nightly recomputes, offline detection.  A job is a row in
 * a static table — a name, when it is due, and a function — and the
 * scheduler inside `serve` calls job_tick() once a second.  On several
 * nodes sharing one database a lease in job_leases makes each due run
 * happen once (JOB-001); every run is recorded in job_runs with its
 * outcome and a short detail (JOB-002).  Time comes from clock_now(), so
 * tests move it with clock_set_offset().
 */
#ifndef FW_JOB_H
#define FW_JOB_H

#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

/*
 * The work of a job: runs on its own store connection with a system
 * actor, opens its own transactions, appends to detail what it did (one
 * line, e.g. "recomputed 2000000 units"), returns 0 or a negative ERR_*
 * with e set.  A job must be safe to run again after a failure.
 */
typedef int	(*job_fn)(struct store *st, struct actor *who,
		    struct buf *detail, struct err *e);

struct job {
	const char	*name;		/* e.g. "risk.recompute" */
	/*
	 * Due every every_s seconds, or — when every_s is 0 — once a day
	 * at daily_at seconds after midnight Asia/Shanghai.
	 */
	int64_t		 every_s;
	int64_t		 daily_at;
	job_fn		 fn;
};

/*
 * Run the jobs of the NULL-terminated table that are due at clock_now()
 * and whose lease this holder (a node name) obtains; a job is due when no
 * run of it started in its current period (since now - every_s, or since
 * today's daily_at).  Returns the number of jobs run, or a negative
 * ERR_* when the database cannot be read (job failures are recorded, not
 * returned).
 */
int	job_tick(struct store *st, const struct job *jobs, const char *holder,
	    struct err *e);

/*
 * Run the named job now regardless of its period (operators and tests),
 * with the lease and the record of a scheduled run.  ERR_NOT_FOUND for an
 * unknown name, ERR_CONFLICT when another holder has the lease, else the
 * job's own result.  *run_id, if not NULL, receives the job_runs id.
 */
int	job_run_now(struct store *st, const struct job *jobs, const char *name,
	    const char *holder, int64_t *run_id, struct err *e);

/* The last run of a job: 0, ERR_NOT_FOUND if it never ran. */
struct job_run {
	int64_t		 id;
	int64_t		 started_at;
	int64_t		 finished_at;
	int		 ok;
	char		 detail[512];
};
int	job_last_run(struct store *st, const char *name, struct job_run *out,
	    struct err *e);
/* The run with this id (job_run_now's *run_id): 0 or ERR_NOT_FOUND. */
int	job_run_get(struct store *st, int64_t id, struct job_run *out,
	    struct err *e);

#endif
