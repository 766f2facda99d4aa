/*
 * Metrics storage and the Prometheus text format.  Statuses are counted
 * in a fixed table of the codes the server can produce; anything else
 * lands in "other".
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "metrics.h"
#include "router.h"

static const int	metrics_codes[] = { 200, 201, 204, 206, 301, 304, 400,
	401, 403, 404, 405, 409, 412, 413, 415, 422, 423, 428, 429, 500, 503,
	0 };
#define METRICS_NCODES	(sizeof(metrics_codes) / sizeof(metrics_codes[0]))

static const double	metrics_bounds[] = { 0.0005, 0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define METRICS_NB	(sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

static int			 metrics_nroutes;
static _Atomic uint64_t		*metrics_count;	/* (nroutes+1) x NCODES */
static _Atomic uint64_t		 metrics_hist[METRICS_NB + 1];
static _Atomic uint64_t		 metrics_sum_us;
static _Atomic uint64_t		 metrics_total;
static _Atomic int		 metrics_conns;

void
metrics_init(int nroutes)
{
	metrics_nroutes = nroutes;
	metrics_count = xcalloc((size_t)(nroutes + 1) * METRICS_NCODES,
	    sizeof(*metrics_count));
}

void
metrics_observe(int route, int status, int64_t micros)
{
	size_t	c, b;
	double	s = (double)micros / 1e6;

	if (metrics_count == NULL)
		return;
	for (c = 0; c + 1 < METRICS_NCODES; c++)
		if (metrics_codes[c] == status)
			break;
	if (route < 0 || route >= metrics_nroutes)
		route = metrics_nroutes;
	atomic_fetch_add(&metrics_count[(size_t)route * METRICS_NCODES + c], 1);
	for (b = 0; b < METRICS_NB; b++)
		if (s <= metrics_bounds[b])
			break;
	atomic_fetch_add(&metrics_hist[b], 1);
	atomic_fetch_add(&metrics_sum_us, (uint64_t)(micros > 0 ? micros : 0));
	atomic_fetch_add(&metrics_total, 1);
}

void
metrics_db_conns(int delta)
{
	atomic_fetch_add(&metrics_conns, delta);
}

void
metrics_render(struct buf *b)
{
	const struct route	*rt;
	uint64_t		 v, cum = 0;
	size_t			 c, i;
	int			 r;

	buf_adds(b, "# HELP firewarden_http_requests_total HTTP requests by "
	    "route and status.\n# TYPE firewarden_http_requests_total counter\n");
	for (r = 0; r <= metrics_nroutes; r++) {
		rt = r < metrics_nroutes ? router_route(r) : NULL;
		for (c = 0; c < METRICS_NCODES; c++) {
			v = atomic_load(&metrics_count[(size_t)r * METRICS_NCODES
			    + c]);
			if (v == 0)
				continue;
			buf_printf(b, "firewarden_http_requests_total{method=\"%s\","
			    "route=\"%s\",status=\"", rt ? rt->method : "",
			    rt ? rt->pattern : "other");
			if (metrics_codes[c])
				buf_printf(b, "%d", metrics_codes[c]);
			else
				buf_adds(b, "other");
			buf_printf(b, "\"} %llu\n", (unsigned long long)v);
		}
	}
	buf_adds(b, "# HELP firewarden_http_request_duration_seconds Request "
	    "latency.\n# TYPE firewarden_http_request_duration_seconds "
	    "histogram\n");
	for (i = 0; i < METRICS_NB; i++) {
		cum += atomic_load(&metrics_hist[i]);
		buf_printf(b, "firewarden_http_request_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", metrics_bounds[i],
		    (unsigned long long)cum);
	}
	cum += atomic_load(&metrics_hist[METRICS_NB]);
	buf_printf(b, "firewarden_http_request_duration_seconds_bucket"
	    "{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	buf_printf(b, "firewarden_http_request_duration_seconds_sum %.6f\n",
	    (double)atomic_load(&metrics_sum_us) / 1e6);
	buf_printf(b, "firewarden_http_request_duration_seconds_count %llu\n",
	    (unsigned long long)atomic_load(&metrics_total));
	buf_printf(b, "# HELP firewarden_db_connections Open database "
	    "connections of this node.\n# TYPE firewarden_db_connections gauge\n"
	    "firewarden_db_connections %d\n", atomic_load(&metrics_conns));
}
