/*
 * The HTTP server: libmicrohttpd with an internal thread pool over epoll,
 * one database connection per worker thread, static files of the console
 * with single-page-app fallback, /healthz, /readyz and /metrics, one JSON
 * access-log line per request.  The only place microhttpd.h is included.
 */
#ifndef FW_SERVER_H
#define FW_SERVER_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../crypto/crypto.h"

struct job;

struct server_conf {
	const char		*db_url;
	const char		*listen;	/* ADDR:PORT */
	const char		*web_root;	/* built console, may not exist */
	const char		*origins;	/* extra allowed Origins, or NULL */
	int			 threads;	/* worker threads */
	size_t			 max_body;	/* bytes */
	size_t			 max_csv_body;	/* bytes, ROUTE_CSV routes */
	unsigned		 conn_limit;
	unsigned		 timeout_s;	/* idle connection timeout */
	int			 trust_proxy;	/* take X-Real-IP from nginx */
	int			 access_log;	/* 1: one JSON line per request */
	int			 sth_interval_s;/* tree head signing period */
	const struct crypto_sm2	*audit_key;
	const struct job	*jobs;		/* NULL-terminated, or NULL */
	const char		*node;		/* lease holder name of this node */
	/* More metrics for /metrics (the IoT gateway's), or NULL. */
	void			(*metrics_extra)(struct buf *b);
};

/*
 * Serve until SIGINT or SIGTERM.  Returns 0 after a clean stop, or a
 * negative ERR_* when the server could not start (e.g. the address is in
 * use), with detail in e.
 */
int	server_run(const struct server_conf *c, struct err *e);

#endif
