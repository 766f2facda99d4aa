/*
 * Unit tests of background jobs (src/domain/job.c) on SQLite and, when
 * FIREWARDEN_TEST_PG is set, PostgreSQL: when a job is due (every N
 * seconds, daily at an hour in Asia/Shanghai), the lease that keeps a
 * second node out (JOB-001), and the record of every run (JOB-002).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/jx.h"
#include "core/mem.h"
#include "domain/actor.h"
#include "domain/job.h"
#include "store/store.h"
#include "fx_store.h"

static const char	*fx_url;
static int		 calls_a, calls_b, fail_b;

static int
job_a(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	(void)st;
	(void)e;
	assert_int_equal(who->kind, ACTOR_SYSTEM);
	calls_a++;
	buf_printf(detail, "a ran %d", calls_a);
	return 0;
}

static int
job_b(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	(void)who;
	calls_b++;
	/* A job that leaves a transaction open and fails. */
	if (fail_b) {
		assert_int_equal(store_begin(st, e), 0);
		buf_adds(detail, "half done");
		return err_set(e, ERR_IO, NULL, "disk on fire");
	}
	return 0;
}

/* a every 60 s; b daily at 02:30 Asia/Shanghai (18:30 UTC). */
static const struct job	jobs[] = {
	{ "test.a", 60, 0, job_a },
	{ "test.b", 0, 2 * 3600 + 1800, job_b },
	{ NULL, 0, 0, NULL },
};

static int
fx_setup(void **state)
{
	struct store	*st;

	st = fx_store_fresh(fx_url);
	calls_a = calls_b = fail_b = 0;
	*state = st;
	return 0;
}

static int
fx_teardown(void **state)
{
	store_close(*state);
	clock_set_offset(0);
	return 0;
}

/* Move the clock to Unix time t. */
static void
at(int64_t t)
{
	clock_set_offset(0);
	clock_set_offset(t - clock_now());
}

static int64_t
runs(struct store *st, const char *job)
{
	struct err	e;
	int64_t		n = -1;

	assert_int_equal(store_query_int(st, "SELECT COUNT(*) FROM job_runs "
	    "WHERE job = ?", STORE_ARGS(SV_S(job)), &n, &e), 0);
	return n;
}

/* 2026-03-02 00:00:00 UTC = 08:00 Asia/Shanghai. */
#define T0	1772409600

static void
test_job__every_period(void **state)
{
	struct store	*st = *state;
	struct job_run	 last;
	struct err	 e;

	at(T0);
	assert_int_equal(job_last_run(st, "test.a", &last, &e), ERR_NOT_FOUND);
	/* Never run: both are due at once. */
	assert_int_equal(job_tick(st, jobs, "node1", &e), 2);
	assert_int_equal(calls_a, 1);
	assert_int_equal(calls_b, 1);
	/* Within the period nothing is due. */
	at(T0 + 59);
	assert_int_equal(job_tick(st, jobs, "node1", &e), 0);
	at(T0 + 60);
	assert_int_equal(job_tick(st, jobs, "node1", &e), 1);
	assert_int_equal(calls_a, 2);
	assert_int_equal(job_last_run(st, "test.a", &last, &e), 0);
	assert_int_equal(last.started_at, T0 + 60);
	assert_int_equal(last.ok, 1);
	assert_string_equal(last.detail, "a ran 2");
	assert_int_equal(runs(st, "test.a"), 2);
}

static void
test_job__daily_in_shanghai(void **state)
{
	struct store	*st = *state;
	struct err	 e;

	at(T0);				/* 08:00 on 2 March */
	assert_int_equal(job_tick(st, jobs, "node1", &e), 2);
	/* Later that day, and at 02:29 on 3 March: not due. */
	at(T0 + 12 * 3600);
	job_tick(st, jobs, "node1", &e);
	assert_int_equal(calls_b, 1);
	at(T0 + 18 * 3600 + 29 * 60);	/* 02:29 on 3 March */
	job_tick(st, jobs, "node1", &e);
	assert_int_equal(calls_b, 1);
	at(T0 + 18 * 3600 + 30 * 60);	/* 02:30 */
	job_tick(st, jobs, "node1", &e);
	assert_int_equal(calls_b, 2);
	at(T0 + 20 * 3600);
	job_tick(st, jobs, "node1", &e);
	assert_int_equal(calls_b, 2);
}

static void
test_job__job001_lease_keeps_other_nodes_out(void **state)
{
	struct store	*st = *state;
	struct err	 e;
	int64_t		 id = 0;

	at(T0);
	/* node2 holds test.a's lease (it is running there). */
	assert_int_equal(store_exec(st, "INSERT INTO job_leases (job, holder, "
	    "expires_at) VALUES ('test.a', 'node2', ?)",
	    STORE_ARGS(SV_I(T0 + 600)), NULL, &e), 0);
	assert_int_equal(job_tick(st, jobs, "node1", &e), 1);	/* b only */
	assert_int_equal(calls_a, 0);
	assert_int_equal(job_run_now(st, jobs, "test.a", "node1", &id, &e),
	    ERR_CONFLICT);
	assert_int_equal(runs(st, "test.a"), 0);
	/* The holder itself may run it; a lapsed lease is taken over. */
	assert_int_equal(job_run_now(st, jobs, "test.a", "node2", &id, &e), 0);
	assert_int_equal(calls_a, 1);
	assert_int_equal(store_exec(st, "UPDATE job_leases SET holder = "
	    "'node2', expires_at = ? WHERE job = 'test.a'",
	    STORE_ARGS(SV_I(T0 - 1)), NULL, &e), 0);
	assert_int_equal(job_run_now(st, jobs, "test.a", "node1", &id, &e), 0);
	assert_int_equal(calls_a, 2);
	assert_int_equal(job_run_now(st, jobs, "nope", "node1", &id, &e),
	    ERR_NOT_FOUND);
	assert_string_equal(e.field, "job");
}

static void
test_job__job002_failures_recorded_and_retried(void **state)
{
	struct store	*st = *state;
	struct job_run	 last;
	struct err	 e;
	int64_t		 id = 0;

	at(T0);
	fail_b = 1;
	assert_int_equal(job_run_now(st, jobs, "test.b", "node1", &id, &e),
	    ERR_IO);
	assert_false(store_in_tx(st));	/* rolled back for the job */
	assert_int_equal(job_last_run(st, "test.b", &last, &e), 0);
	assert_int_equal(last.id, id);
	assert_int_equal(last.ok, 0);
	assert_string_equal(last.detail, "half done; failed: disk on fire");
	/* Retried after five minutes, although its period has not passed. */
	at(T0 + 299);
	job_tick(st, jobs, "node1", &e);
	assert_int_equal(calls_b, 1);
	fail_b = 0;
	at(T0 + 300);
	job_tick(st, jobs, "node1", &e);
	assert_int_equal(calls_b, 2);
	assert_int_equal(job_last_run(st, "test.b", &last, &e), 0);
	assert_int_equal(last.ok, 1);
	/* The lease was released after each run. */
	assert_int_equal(store_query_int(st, "SELECT COUNT(*) FROM job_leases "
	    "WHERE expires_at > 0", STORE_NOARGS, &id, &e), 0);
	assert_int_equal(id, 0);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest	tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_job__every_period),
		T(test_job__daily_in_shanghai),
		T(test_job__job001_lease_keeps_other_nodes_out),
		T(test_job__job002_failures_recorded_and_retried),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

int
main(void)
{
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	int		 rc;

	jx_init();
	rc = run("sqlite::memory:", "job (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "job (PostgreSQL)");
	else
		printf("job (PostgreSQL): skipped, FIREWARDEN_TEST_PG unset\n");
	return rc;
}
