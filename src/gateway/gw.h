/*
 * The device gateway (docs/modules/iot.md, "Gateway"): a GB/T 26875.3
 * listener on an epoll event loop (thousands of connections, per-
 * connection reassembly, limits and idle timeouts, confirm and deny
 * replies) and an MQTT subscriber, both handing decoded events to an
 * ingest thread that writes them in batches on a database connection of
 * its own, so that the loop never waits for the database.  A frame with
 * data is confirmed once its events are committed.  Runs inside `serve`
 * (--gb26875-listen, --mqtt) and alone (`firewarden gateway`).  A layer
 * beside src/http: it uses domain, store, proto and core.
 */
#ifndef FW_GW_H
#define FW_GW_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"

struct gw_conf {
	const char	*db_url;
	const char	*listen;	/* ADDR:PORT of GB/T 26875.3, or NULL */
	const char	*mqtt;		/* mqtt://HOST[:PORT][/?client_id=ID] */
	unsigned	 max_conns;	/* 0: 20000 */
	size_t		 buf_max;	/* bytes a connection may hold: 64 KiB */
	unsigned	 frames_per_s;	/* per connection: 200 */
	unsigned	 idle_s;	/* no byte for this long: closed (300) */
	unsigned	 batch_ms;	/* the ingest's batch period (50) */
	unsigned	 batch_max;	/* or this many events (2000) */
};

struct gw;

/*
 * Start the threads (listener loop, ingest, MQTT client) as c says.
 * ERR_INVALID naming "listen" or "mqtt" for a bad address, ERR_IO when
 * the port cannot be bound.  *out belongs to the caller (gw_stop).
 */
int	gw_start(const struct gw_conf *c, struct gw **out, struct err *e);
/* Stop accepting, flush what was received, join, free; g may be NULL. */
void	gw_stop(struct gw *g);
/* The bound port of the listener (when asked for port 0), else 0. */
int	gw_port(const struct gw *g);

/* The gateway's metrics in the Prometheus text format (every process
 * that ran a gateway; zero otherwise). */
void	gw_metrics_render(struct buf *b);
/* One line: connections, frames, events/s since the last line … */
void	gw_metrics_line(struct buf *b);

#endif
