/*
 * Prometheus metrics of this node: requests by route and status, a
 * latency histogram, open database connections.  Counters are atomics
 * updated by the worker threads; rendering reads them without locks.
 */
#ifndef FW_METRICS_H
#define FW_METRICS_H

#include <stdint.h>

#include "../core/buf.h"

void	metrics_init(int nroutes);
/* route -1 stands for requests that matched no API route (static files). */
void	metrics_observe(int route, int status, int64_t micros);
void	metrics_db_conns(int delta);
/* Append the text exposition format; extra gauges are added by caller. */
void	metrics_render(struct buf *b);

#endif
