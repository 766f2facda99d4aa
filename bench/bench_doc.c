/*
 * Benchmark of official-document rendering (src/doc):
 *   bench_doc [SECONDS]
 * renders the sample rectification notice (doc_sample(): one page, and
 * two pages with a table and a QR code) to PDF over and over, in 1 and in
 * 2 threads, each thread with its own document, and prints renders per
 * second (wall clock), CPU milliseconds per render (the thread's CPU
 * time, which other load on the machine disturbs less) and bytes per
 * page.  The first render in a thread (font loading) is timed apart and
 * left out of the rates.  Measures only; asserts nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "doc/doc.h"

#define BENCH_THREADS_MAX	2

struct bench_worker {
	int		 pages;
	double		 seconds;
	long		 done;
	double		 first_ms;	/* the thread's first render */
	double		 cpu;		/* CPU seconds of the others */
	double		 wall;		/* wall seconds of the others */
	size_t		 bytes;		/* of one render */
	int		 npages;
	int		 failed;
};

static double
bench_now(void)
{
	return (double)clock_mono_us() / 1e6;
}

static double
bench_cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
bench_run(void *arg)
{
	struct bench_worker	*w = arg;
	struct doc		*d = doc_sample(w->pages);
	struct buf		 pdf;
	struct err		 e;
	double			 t0, end, c0;
	const char		*p;

	buf_init(&pdf);
	t0 = bench_now();
	if (doc_render_pdf(d, &pdf, &e) < 0) {
		fprintf(stderr, "bench_doc: %s: %s\n", e.field, e.msg);
		w->failed = 1;
		goto out;
	}
	w->first_ms = (bench_now() - t0) * 1e3;
	w->bytes = pdf.len;
	/* Count the page objects, as a reader would. */
	for (p = pdf.data; (p = memmem(p, pdf.len - (size_t)(p - pdf.data),
	    "/Type /Page %", 13)) != NULL; p += 13)
		w->npages++;
	t0 = bench_now();
	end = t0 + w->seconds;
	c0 = bench_cpu();
	while (bench_now() < end) {
		buf_reset(&pdf);
		if (doc_render_pdf(d, &pdf, &e) < 0) {
			w->failed = 1;
			break;
		}
		w->done++;
	}
	w->cpu = bench_cpu() - c0;
	w->wall = bench_now() - t0;
out:
	buf_free(&pdf);
	doc_free(d);
	return NULL;
}

static int
bench_case(int pages, int nthreads, double seconds)
{
	struct bench_worker	w[BENCH_THREADS_MAX];
	pthread_t		th[BENCH_THREADS_MAX];
	double			rate = 0, cpu = 0;
	long			total = 0;
	int			i, failed = 0;

	memset(w, 0, sizeof(w));
	for (i = 0; i < nthreads; i++) {
		w[i].pages = pages;
		w[i].seconds = seconds;
	}
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, bench_run, &w[i]);
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		total += w[i].done;
		cpu += w[i].cpu;
		/* Each thread's own steady window, after its first render. */
		if (w[i].wall > 0)
			rate += (double)w[i].done / w[i].wall;
		failed |= w[i].failed;
	}
	if (failed)
		return 1;
	printf("sample, %d page(s), %d thread(s): %.1f renders/s, "
	    "%.1f ms CPU per render, first render in a thread %.0f ms, "
	    "%zu bytes = %.0f bytes/page\n", w[0].npages, nthreads,
	    rate, cpu * 1e3 / (double)total, w[0].first_ms,
	    w[0].bytes, (double)w[0].bytes / w[0].npages);
	return 0;
}

int
main(int argc, char **argv)
{
	double	secs = 3;
	int	pages, threads;

	if (argc > 1 && (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_doc [SECONDS]\n");
		return 2;
	}
	for (pages = 1; pages <= 2; pages++)
		for (threads = 1; threads <= BENCH_THREADS_MAX; threads++)
			if (bench_case(pages, threads, secs) != 0)
				return 1;
	return 0;
}
