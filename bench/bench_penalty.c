/*
 * Benchmark of the discretion engine (penalty) in-process:
 *   bench_penalty [SECONDS [THREADS [DATA_DIR]]]
 * loads data/penalty (or DATA_DIR), builds a mix of queries — every item,
 * party and band of the shipped file, each tier, with the facts varied
 * (plain, corrected + first, a ground of art. 32, self-found, reduced,
 * no fault) — and measures suggestions per second for penalty_suggest
 * alone, then with the JSON rendering the CLI and the API do, on THREADS
 * threads (default 1).  Measures only; asserts nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jx.h"
#include "core/mem.h"
#include "domain/penalty.h"

#define NQUERIES_MAX	4096
#define THREADS_MAX	16

/* The strings of the mix, freed at the end. */
static char	*bench_owned[2 * NQUERIES_MAX];
static int	 bench_nowned;

static const char *
bench_dup(const char *s)
{
	return bench_owned[bench_nowned++] = xstrdup(s);
}

struct bench_job {
	const struct penalty_query	*q;
	int				 n;
	double				 secs;
	int				 json;
	long				 done;
	long				 failed;
};

static double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Query x: item, party, band, tier t and fact set v (0..5). */
static void
bench_fill(struct penalty_query *x, const char *item, const char *party,
    const char *band, int t, int v)
{
	penalty_query_init(x);
	x->item = bench_dup(item);
	x->party = strcmp(party, "unit") == 0 ? PENALTY_UNIT :
	    PENALTY_INDIVIDUAL;
	x->band = band != NULL ? bench_dup(band) : NULL;
	x->tier = (enum penalty_tier)t;
	x->first = x->corrected = v == 1;
	x->harm = v == 1 ? PENALTY_HARM_MINOR : PENALTY_HARM_NONE;
	x->grounds = v == 2 || v == 4 ? PENALTY_GROUND_CONFESSED : 0;
	x->self_found = v == 3;
	x->reduce = v == 4;
	x->no_fault = v == 5;
}

/* The mix: every item, party and band of the loaded items, varied. */
static int
bench_mix(struct penalty_query *q, int max)
{
	struct err	 e;
	json_t		*doc, *it, *bands, *b;
	const char	*party, *id, *band;
	size_t		 i, k;
	int		 n = 0, t, v;

	if (penalty_items_json(NULL, &doc, &e) < 0) {
		fprintf(stderr, "bench_penalty: %s\n", e.msg);
		exit(1);
	}
	json_array_foreach(json_object_get(doc, "items"), i, it) {
		id = json_string_value(json_object_get(it, "id"));
		json_object_foreach(json_object_get(it, "parties"), party,
		    bands) {
			json_array_foreach(bands, k, b) {
				band = json_array_size(bands) == 1 ? NULL :
				    json_string_value(json_object_get(b,
				    "band"));
				for (t = 0; t < PENALTY_TIER__COUNT; t++)
					for (v = 0; v < 6 && n < max; v++)
						bench_fill(&q[n++], id, party,
						    band, t, v);
			}
		}
	}
	json_decref(doc);
	return n;
}

static void *
bench_run(void *arg)
{
	struct bench_job		*j = arg;
	struct penalty_suggestion	*s = xmalloc(sizeof(*s));
	struct err			 e;
	json_t				*o;
	char				*text;
	double				 t0 = bench_now();
	int				 i;

	do {
		for (i = 0; i < j->n; i++) {
			if (penalty_suggest(&j->q[i], s, &e) < 0) {
				/* 减轻 on an item without a minimum. */
				j->failed++;
				continue;
			}
			if (j->json) {
				o = penalty_suggestion_json(s);
				text = json_dumps(o, JSON_COMPACT);
				free(text);
				json_decref(o);
			}
		}
		j->done += j->n;
	} while (bench_now() - t0 < j->secs);
	free(s);
	return NULL;
}

static void
bench_phase(const char *name, struct penalty_query *q, int n, double secs,
    int threads, int json)
{
	struct bench_job	job[THREADS_MAX];
	pthread_t		t[THREADS_MAX];
	double			t0, el;
	long			done = 0, failed = 0;
	int			i;

	t0 = bench_now();
	for (i = 0; i < threads; i++) {
		memset(&job[i], 0, sizeof(job[i]));
		job[i].q = q;
		job[i].n = n;
		job[i].secs = secs;
		job[i].json = json;
		if (pthread_create(&t[i], NULL, bench_run, &job[i]) != 0) {
			fprintf(stderr, "bench_penalty: pthread_create\n");
			exit(1);
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		done += job[i].done;
		failed += job[i].failed;
	}
	el = bench_now() - t0;
	/* Refused calls (减轻 without a minimum) are counted apart. */
	printf("%s, %d thread(s): %.0f suggestions/s, %.0f ns per call "
	    "(%ld answered, %ld refused by design, in %.2f s)\n", name,
	    threads, (done - failed) / el, 1e9 * el * threads / (double)done,
	    done - failed, failed, el);
}

int
main(int argc, char **argv)
{
	struct penalty_query	*q;
	struct err		 e;
	const char		*dir = "data/penalty";
	double			 secs = 2;
	int			 n, threads = 1;

	if ((argc > 1 && (secs = atof(argv[1])) <= 0) || (argc > 2 &&
	    ((threads = atoi(argv[2])) < 1 || threads > THREADS_MAX))) {
		fprintf(stderr, "usage: bench_penalty [SECONDS [THREADS "
		    "[DATA_DIR]]]\n");
		return 2;
	}
	if (argc > 3)
		dir = argv[3];
	jx_init();
	if (penalty_load_dir(dir, &e) < 0) {
		fprintf(stderr, "bench_penalty: %s\n", e.msg);
		return 1;
	}
	q = xcalloc(NQUERIES_MAX, sizeof(*q));
	n = bench_mix(q, NQUERIES_MAX);
	printf("mix: %d queries (every item, party and band x 3 tiers x 6 "
	    "fact sets)\n", n);
	bench_phase("penalty_suggest", q, n, secs, threads, 0);
	bench_phase("penalty_suggest + JSON text", q, n, secs / 2, threads,
	    1);
	while (bench_nowned > 0)
		free(bench_owned[--bench_nowned]);
	free(q);
	penalty_unload();
	return 0;
}
