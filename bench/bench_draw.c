/*
 * Benchmark of the random draw (src/domain/draw.h) on a synthetic city:
 *   bench_draw [CANDIDATES [INSPECTORS [BUNDLE.json]]]
 * (default 2 000 000 candidates and 2 000 inspectors; the full bundle is
 * also written to BUNDLE.json if given, for timing `firewarden draw
 * verify` on it).
 * Candidates in 40 areas x 5 classes = 200 strata with a 5 % quota each,
 * inspectors 90 % fire and 10 % market, each covering their own area and
 * one in ten a neighbouring one too, a team of two fire inspectors,
 * max_load 50 and 10 000 conflicts.  Times (a) the commit, (b) the draw
 * (seed, selection, assignment) and (c) the verification of the full
 * bundle including its parsing, each with the peak RSS of the process
 * while it ran.  Measures only; asserts nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/mem.h"
#include "domain/draw.h"

#define NAREA	40
#define NCLASS	5

static const char	*classes[NCLASS] = {
	"key-crowded|high", "key-crowded|low", "general|high", "general|low",
	"small|low",
};

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Forget the peak so far (Linux: clear_refs 5 resets VmHWM). */
static void
rss_reset(void)
{
	FILE	*f = fopen("/proc/self/clear_refs", "w");

	if (f != NULL) {
		fputs("5", f);
		fclose(f);
	}
}

static long
rss_peak_mb(void)
{
	FILE	*f = fopen("/proc/self/status", "r");
	char	 line[256];
	long	 kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb / 1024;
}

static double
now(void)
{
	return (double)clock_mono_us() / 1e6;
}

/* CPU time of the process: what the wall time would be on an idle core. */
static double
cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct draw_input	 in;
	struct draw_candidate	*cand;
	struct draw_inspector	*insp;
	struct draw_conflict	*confl;
	struct draw_quota	*quota;
	struct draw_member	 team[1] = { { "fire", 2 } };
	struct draw_commit	*c = NULL;
	struct draw_result	*r = NULL;
	struct draw_bundle	*b = NULL;
	struct draw_summary	 sum;
	struct buf		 text;
	struct err		 e;
	char			*names, *np, areas[NAREA][16];
	char			 strata[NAREA * NCLASS][48];
	const char		**iareas;
	size_t			 ncand = 2000000, ninsp = 2000, nconfl = 10000;
	size_t			 size[NAREA * NCLASS], i, s;
	double			 t, tc;

	if (argc > 1)
		ncand = strtoul(argv[1], NULL, 10);
	if (argc > 2)
		ninsp = strtoul(argv[2], NULL, 10);
	for (i = 0; i < NAREA; i++)
		snprintf(areas[i], sizeof(areas[i]), "4419%05zu", 100 + 3 * i);
	for (i = 0; i < NAREA * NCLASS; i++) {
		snprintf(strata[i], sizeof(strata[i]), "%s|%s",
		    areas[i / NCLASS], classes[i % NCLASS]);
		size[i] = 0;
	}
	memset(&in, 0, sizeof(in));
	in.plan_id = "DG-2026-Q3-BENCH";
	in.beacon.source = "drand quicknet";
	in.beacon.round = "12345678";
	in.beacon.value = "a5c1e84b2f6d9a0c3e7b1f4d8a2c6e0b"
	    "9d3f7a1c5e9b3d7f1a5c9e3b7d1f5a9c";

	/* Candidates in no particular order, ids like a USCC's 18 chars. */
	cand = xmalloc(ncand * sizeof(*cand));
	names = np = xmalloc(ncand * 20);
	for (i = 0; i < ncand; i++) {
		uint64_t	h = mix(i), a = h % NAREA;
		uint64_t	k = (h >> 20) % 100;

		s = a * NCLASS + (k < 5 ? 0 : k < 15 ? 1 : k < 35 ? 2 :
		    k < 70 ? 3 : 4);
		snprintf(np, 20, "9144%014llX", (unsigned long long)
		    (mix(h) & 0xffffffffffffffULL));
		cand[i].id = np;
		cand[i].stratum = strata[s];
		cand[i].area = areas[a];
		size[s]++;
		np += 19;
	}
	quota = xmalloc(NAREA * NCLASS * sizeof(*quota));
	for (i = 0; i < NAREA * NCLASS; i++) {
		quota[i].stratum = strata[i];
		quota[i].count = (int64_t)((size[i] * 5 + 99) / 100);
	}
	insp = xmalloc(ninsp * sizeof(*insp));
	iareas = xmalloc(2 * ninsp * sizeof(*iareas));
	for (i = 0; i < ninsp; i++) {
		char	*id = xmalloc(32);

		snprintf(id, 32, "%s-%05zu", i % 10 == 9 ? "mkt" : "fire", i);
		insp[i].id = id;
		insp[i].department = i % 10 == 9 ? "market" : "fire";
		insp[i].areas = &iareas[2 * i];
		iareas[2 * i] = areas[i % NAREA];
		iareas[2 * i + 1] = areas[(i + 1) % NAREA];
		insp[i].nareas = mix(i + 7) % 10 == 0 ? 2 : 1;
	}
	confl = xmalloc(nconfl * sizeof(*confl));
	for (i = 0; i < nconfl; i++) {
		confl[i].inspector = insp[mix(3 * i) % ninsp].id;
		confl[i].candidate = cand[mix(3 * i + 1) % ncand].id;
	}
	/* Random pairs may repeat: keep the first of each. */
	for (i = 0, s = 0; i < nconfl; i++) {
		size_t	j;

		for (j = 0; j < s; j++)
			if (confl[j].inspector == confl[i].inspector &&
			    confl[j].candidate == confl[i].candidate)
				break;
		if (j == s)
			confl[s++] = confl[i];
	}
	nconfl = s;
	in.quotas = quota;
	in.nquotas = NAREA * NCLASS;
	in.team = team;
	in.nteam = 1;
	in.max_load = 50;
	in.candidates = cand;
	in.ncandidates = ncand;
	in.inspectors = insp;
	in.ninspectors = ninsp;
	in.conflicts = confl;
	in.nconflicts = nconfl;
	printf("candidates %zu in %d strata, inspectors %zu, conflicts %zu, "
	    "team fire x2, max_load 50\n", ncand, NAREA * NCLASS, ninsp,
	    nconfl);

	rss_reset();
	t = now();
	tc = cpu();
	if (draw_commit(&in, &c, &e) < 0) {
		fprintf(stderr, "commit: %s\n", e.msg);
		return 1;
	}
	printf("(a) commit (validate, sort, hash)  %5.2f s (CPU %5.2f s)  "
	    "peak RSS %4ld MB\n", now() - t, cpu() - tc, rss_peak_mb());

	rss_reset();
	t = now();
	tc = cpu();
	if (draw_run(&in, c, &r, &e) < 0) {
		fprintf(stderr, "draw: %s\n", e.msg);
		return 1;
	}
	printf("(b) draw (seed, select, assign)    %5.2f s (CPU %5.2f s)  "
	    "peak RSS %4ld MB  [%zu selected, %zu unassigned]\n", now() - t,
	    cpu() - tc, rss_peak_mb(), r->npicks, r->nunassigned);

	buf_init(&text);
	t = now();
	draw_bundle_write(&in, c, r, 0, &text);
	printf("    bundle written                 %5.2f s                "
	    "%zu MB of JSON\n", now() - t, text.len >> 20);
	draw_result_free(r);
	draw_commit_free(c);
	if (argc > 3) {
		FILE	*f = fopen(argv[3], "wb");

		if (f == NULL || fwrite(text.data, 1, text.len, f) != text.len ||
		    fclose(f) != 0) {
			fprintf(stderr, "%s: cannot write\n", argv[3]);
			return 1;
		}
	}

	rss_reset();
	t = now();
	tc = cpu();
	if (draw_bundle_parse(text.data, text.len, DRAW_PARSE_BUNDLE, &b,
	    &e) < 0 || draw_verify(b, &sum, &e) < 0) {
		fprintf(stderr, "verify: %s\n", e.msg);
		return 1;
	}
	printf("(c) verify (parse + recompute)     %5.2f s (CPU %5.2f s)  "
	    "peak RSS %4ld MB  [valid]\n", now() - t, cpu() - tc,
	    rss_peak_mb());
	draw_bundle_free(b);
	buf_free(&text);
	free(names);
	free(cand);
	free(quota);
	for (i = 0; i < ninsp; i++)
		free((void *)(uintptr_t)insp[i].id);
	free(insp);
	free(iareas);
	free(confl);
	return 0;
}
