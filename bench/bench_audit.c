/*
 * Benchmarks of audited writes, outside HTTP:
 *   bench_audit writes URL SECONDS THREADS  one small record + its audit
 *       entry per transaction, as a request does; prints writes/s
 *   bench_audit fill URL N                  append N entries in large
 *       transactions (to prepare `audit verify` runs); prints entries/s
 * Measures only; asserts nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/jx.h"
#include "domain/audit.h"
#include "store/store.h"

struct worker {
	const char	*url;
	double		 seconds;
	long		 done;
	int		 failed;
};

static const char	sql_ins[] =
    "INSERT INTO bench_records (id, name, version) VALUES (?, ?, 1)";

static int
write_one(struct store *st, struct actor *who, long i, struct err *e)
{
	json_t	*rec;
	char	 name[48];
	int64_t	 id = id_next();
	int	 rc;

	snprintf(name, sizeof(name), "record %ld", i);
	if ((rc = store_begin(st, e)) < 0)
		return rc;
	if ((rc = store_exec(st, sql_ins, STORE_ARGS(SV_I(id), SV_S(name)),
	    NULL, e)) < 0)
		goto fail;
	rec = json_pack("{s:o, s:s, s:i}", "id", jx_id(id), "name", name,
	    "version", 1);
	rc = audit_append_id(st, who, "bench.create", "bench", id, rec, e);
	json_decref(rec);
	if (rc < 0)
		goto fail;
	return store_commit(st, e);
fail:
	store_rollback(st);
	return rc;
}

static void *
worker_run(void *arg)
{
	struct worker	*w = arg;
	struct store	*st = NULL;
	struct actor	 who;
	struct err	 e;
	int64_t		 end;

	actor_system(&who, "bench");
	if (store_open(w->url, &st, &e) < 0) {
		fprintf(stderr, "open: %s\n", e.msg);
		w->failed = 1;
		return NULL;
	}
	end = clock_mono_us() + (int64_t)(w->seconds * 1e6);
	while (clock_mono_us() < end) {
		if (write_one(st, &who, w->done, &e) < 0) {
			fprintf(stderr, "write: %s\n", e.msg);
			w->failed = 1;
			break;
		}
		w->done++;
	}
	store_close(st);
	return NULL;
}

static int
prepare(const char *url)
{
	struct store	*st = NULL;
	struct err	 e;
	int		 rc;

	if (store_open(url, &st, &e) < 0 || store_migrate(st, NULL, &e) < 0) {
		fprintf(stderr, "prepare: %s\n", e.msg);
		store_close(st);
		return -1;
	}
	rc = store_exec(st, "CREATE TABLE IF NOT EXISTS bench_records (id BIGINT "
	    "PRIMARY KEY, name TEXT NOT NULL, version BIGINT NOT NULL)",
	    STORE_NOARGS, NULL, &e);
	store_close(st);
	return rc;
}

static int
cmd_writes(const char *url, double seconds, int nthreads)
{
	struct worker	*w = calloc((size_t)nthreads, sizeof(*w));
	pthread_t	*th = calloc((size_t)nthreads, sizeof(*th));
	int64_t		 t0, t1;
	long		 total = 0;
	int		 i, failed = 0;

	for (i = 0; i < nthreads; i++) {
		w[i].url = url;
		w[i].seconds = seconds;
	}
	t0 = clock_mono_us();
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker_run, &w[i]);
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		total += w[i].done;
		failed |= w[i].failed;
	}
	t1 = clock_mono_us();
	printf("audited writes: %ld in %.2f s with %d thread(s): %.0f/s\n",
	    total, (double)(t1 - t0) / 1e6, nthreads,
	    (double)total / ((double)(t1 - t0) / 1e6));
	free(w);
	free(th);
	return failed;
}

static int
cmd_fill(const char *url, long n)
{
	struct store	*st = NULL;
	struct actor	 who;
	struct err	 e;
	json_t		*rec;
	int64_t		 t0, id;
	long		 i;
	char		 name[48];

	actor_system(&who, "bench");
	if (store_open(url, &st, &e) < 0)
		return 1;
	t0 = clock_mono_us();
	for (i = 0; i < n; i++) {
		if (i % 10000 == 0 && store_begin(st, &e) < 0)
			goto fail;
		id = id_next();
		snprintf(name, sizeof(name), "record %ld", i);
		if (store_exec(st, sql_ins, STORE_ARGS(SV_I(id), SV_S(name)),
		    NULL, &e) < 0)
			goto fail;
		rec = json_pack("{s:o, s:s, s:i}", "id", jx_id(id), "name",
		    name, "version", 1);
		if (audit_append_id(st, &who, "bench.create", "bench", id, rec,
		    &e) < 0) {
			json_decref(rec);
			goto fail;
		}
		json_decref(rec);
		if ((i + 1) % 10000 == 0 || i + 1 == n)
			if (store_commit(st, &e) < 0)
				goto fail;
	}
	printf("filled %ld entries in %.2f s\n", n,
	    (double)(clock_mono_us() - t0) / 1e6);
	store_close(st);
	return 0;
fail:
	fprintf(stderr, "fill: %s\n", e.msg);
	store_close(st);
	return 1;
}

int
main(int argc, char **argv)
{
	jx_init();
	if (argc == 5 && strcmp(argv[1], "writes") == 0) {
		if (prepare(argv[2]) < 0)
			return 1;
		return cmd_writes(argv[2], atof(argv[3]), atoi(argv[4]));
	}
	if (argc == 4 && strcmp(argv[1], "fill") == 0) {
		if (prepare(argv[2]) < 0)
			return 1;
		return cmd_fill(argv[2], atol(argv[3]));
	}
	fprintf(stderr, "usage: bench_audit writes URL SECONDS THREADS | "
	    "fill URL N\n");
	return 2;
}
