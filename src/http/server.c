/*
 * libmicrohttpd glue.  A request is answered on the access handler's
 * second (or later) call, never the first, so that keep-alive is kept
 * (TOOLCHAIN.md): the first call only allocates the per-request state.
 * Each worker thread opens its own database connection on first use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../domain/audit.h"
#include "../domain/job.h"
#include "metrics.h"
#include "router.h"
#include "server.h"

/*
 * libmicrohttpd's memory per connection (request line, headers, read
 * buffer, response header): it zeroes all of it after every request, so
 * its default of 32 KiB was 3.7 % of a unit read.  16 KiB still takes a
 * request line of 9 000 characters (an ECERT code in the query) and
 * headers several times a browser's; 8 KiB would not.
 */
#define SERVER_CONN_MEMORY	(16u * 1024u)

struct conn_state {
	struct buf	body;
	size_t		limit;		/* body limit of the route reached */
	int		limit_known;
	int		too_large;
	int64_t		t0;
};

static const struct server_conf	*srv;
static pthread_key_t			 srv_store_key;
static volatile sig_atomic_t		 srv_stop;
/* The worker's connection while a request uses it (store_enter()). */
static _Thread_local struct store	*srv_entered;

/* A worker's kept read transaction (store_keep_reads()) ends when the
 * worker has served nothing for this long. */
#define SERVER_KEPT_IDLE_US	1000000
/* How often the scheduler tidies them and copies the WAL back. */
#define SERVER_TIDY_PER_S	10

static const char	srv_csp[] = "default-src 'self'; img-src 'self' data: "
    "blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'";

const char *
req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* A worker's connection is closed when the thread ends. */
static void
server_store_gone(void *p)
{
	store_close(p);
	metrics_db_conns(-1);
}

static struct store *
server_store(struct err *e)
{
	struct store	*st = pthread_getspecific(srv_store_key);

	if (st == NULL) {
		if (store_open(srv->db_url, &st, e) < 0)
			return NULL;
		pthread_setspecific(srv_store_key, st);
		metrics_db_conns(1);
		store_keep_reads(st);
	}
	/* Until the end of the request (server_access()). */
	if (srv_entered == NULL) {
		store_enter(st);
		srv_entered = st;
	}
	return st;
}

static enum MHD_Result
server_query_cb(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct req	*r = cls;

	if (r->nquery < REQ_MAX_QUERY) {
		r->query[r->nquery].key = key;
		r->query[r->nquery].val = value ? value : "";
		r->nquery++;
	}
	return MHD_YES;
}

static void
server_client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;
	const char			*fwd;

	snprintf(out, n, "unknown");
	if (srv->trust_proxy &&
	    (fwd = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Real-IP")) != NULL && strlen(fwd) < n) {
		snprintf(out, n, "%s", fwd);
		return;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static void
server_headers(struct MHD_Response *mr, int api)
{
	MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(mr, "Content-Security-Policy", srv_csp);
	MHD_add_response_header(mr, "X-Frame-Options", "DENY");
	if (api)
		MHD_add_response_header(mr, "Cache-Control", "no-store");
}

static enum MHD_Result
server_send(struct MHD_Connection *c, int status, const char *ctype,
    char *data, size_t len, int api, const struct resp *w, const char *rid)
{
	struct MHD_Response	*mr;
	enum MHD_Result		 ret;
	char			 tmp[32];

	mr = MHD_create_response_from_buffer(len, data,
	    MHD_RESPMEM_MUST_FREE);
	if (mr == NULL) {
		free(data);
		return MHD_NO;
	}
	server_headers(mr, api);
	MHD_add_response_header(mr, "Content-Type", ctype);
	if (rid)
		MHD_add_response_header(mr, "X-Request-Id", rid);
	if (w != NULL) {
		if (w->set_cookie)
			MHD_add_response_header(mr, "Set-Cookie",
			    w->set_cookie);
		if (w->etag)
			MHD_add_response_header(mr, "ETag", w->etag);
		if (w->attachment) {
			char	*cd = xasprintf("%s; filename=\"%s\"",
			    w->inline_file ? "inline" : "attachment",
			    w->attachment);

			MHD_add_response_header(mr, "Content-Disposition", cd);
			free(cd);
		}
		/* A stricter policy for what must never run (I-5). */
		if (w->csp) {
			MHD_del_response_header(mr, "Content-Security-Policy",
			    srv_csp);
			MHD_add_response_header(mr, "Content-Security-Policy",
			    w->csp);
		}
		if (w->retry_after > 0) {
			snprintf(tmp, sizeof(tmp), "%d", w->retry_after);
			MHD_add_response_header(mr, "Retry-After", tmp);
		}
	}
	ret = MHD_queue_response(c, (unsigned)status, mr);
	MHD_destroy_response(mr);
	return ret;
}

/* s as a JSON string literal; "?" when it is not valid UTF-8. */
static char *
server_json_str(const char *s)
{
	json_t	*j = json_string(s);
	char	*out = j ? jx_dump(j) : xstrdup("\"?\"");

	json_decref(j);
	return out;
}

static void
server_access_log(const char *rid, const char *ip, const char *method,
    const char *path, int route, int status, int64_t us, const char *user)
{
	struct buf	b;
	char		*ps, *ms, *is;

	if (!srv->access_log)
		return;
	/* The client chooses the method, the path and (through a trusted
	 * proxy) the address: escaped, so it cannot forge fields (I-6). */
	ps = server_json_str(path);
	ms = server_json_str(method);
	is = server_json_str(ip);
	buf_init(&b);
	buf_printf(&b, "{\"ts\":%lld,\"rid\":\"%s\",\"ip\":%s,"
	    "\"method\":%s,\"path\":%s,\"route\":%d,\"status\":%d,"
	    "\"us\":%lld,\"user\":\"%s\"}", (long long)clock_now(), rid, is,
	    ms, ps, route, status, (long long)us, user);
	log_line(b.data);
	buf_free(&b);
	free(ps);
	free(ms);
	free(is);
}

static const char *
server_ctype(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".woff", "font/woff" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".map", "application/json" },
	};
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Open a file below the web root; -1 if absent or not a regular file. */
static int
server_open_static(const char *url, char **pathp, struct stat *sb)
{
	char	*path;
	int	 fd;

	if (strstr(url, "..") != NULL || strchr(url, '\\') != NULL)
		return -1;
	path = xasprintf("%s%s", srv->web_root, url);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, sb) < 0 || !S_ISREG(sb->st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		free(path);
	else
		*pathp = path;
	return fd;
}

static enum MHD_Result
server_static(struct MHD_Connection *c, const char *url, int *status)
{
	struct MHD_Response	*mr;
	struct stat		 sb;
	const char		*last;
	char			*path = NULL, *msg;
	enum MHD_Result		 ret;
	int			 fd = -1;

	if (strcmp(url, "/") != 0)
		fd = server_open_static(url, &path, &sb);
	last = strrchr(url, '/');
	/* Single-page app: extension-less paths are console routes. */
	if (fd < 0 && (last == NULL || strchr(last, '.') == NULL))
		fd = server_open_static("/index.html", &path, &sb);
	if (fd < 0) {
		*status = 404;
		msg = xstrdup("not found\n");
		return server_send(c, 404, "text/plain; charset=utf-8", msg,
		    strlen(msg), 0, NULL, NULL);
	}
	mr = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	if (mr == NULL) {
		close(fd);
		free(path);
		return MHD_NO;
	}
	server_headers(mr, 0);
	MHD_add_response_header(mr, "Content-Type", server_ctype(path));
	/* Vite puts content hashes in asset names: cache those for long. */
	if (strncmp(url, "/assets/", 8) == 0)
		MHD_add_response_header(mr, "Cache-Control",
		    "public, max-age=31536000, immutable");
	else
		MHD_add_response_header(mr, "Cache-Control", "no-cache");
	*status = 200;
	ret = MHD_queue_response(c, MHD_HTTP_OK, mr);
	MHD_destroy_response(mr);
	free(path);
	return ret;
}

static int
server_is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

/* /healthz, /readyz, /metrics: operational, outside the API tables. */
static int
server_ops(struct MHD_Connection *c, const char *url, const char *ip,
    enum MHD_Result *ret, int *status)
{
	struct store	*st;
	struct err	 e;
	struct buf	 b;
	int64_t		 v = 0;

	if (strcmp(url, "/healthz") == 0) {
		*status = 200;
		*ret = server_send(c, 200, "application/json",
		    xstrdup("{\"status\":\"ok\"}"), 15, 1, NULL, NULL);
		return 1;
	}
	if (strcmp(url, "/readyz") == 0) {
		err_clear(&e);
		st = server_store(&e);
		*status = st && store_schema_version(st, &v, &e) == 0 &&
		    v > 0 ? 200 : 503;
		*ret = server_send(c, *status, "application/json",
		    xstrdup(*status == 200 ? "{\"status\":\"ready\"}" :
		    "{\"status\":\"unavailable\"}"), *status == 200 ? 18 : 24,
		    1, NULL, NULL);
		return 1;
	}
	if (strcmp(url, "/metrics") == 0) {
		if (!server_is_loopback(ip)) {
			*status = 403;
			*ret = server_send(c, 403, "text/plain; charset=utf-8",
			    xstrdup("forbidden\n"), 10, 1, NULL, NULL);
			return 1;
		}
		buf_init(&b);
		metrics_render(&b);
		if ((st = server_store(&e)) != NULL &&
		    audit_size(st, &v, &e) == 0)
			buf_printf(&b, "# HELP firewarden_audit_tree_size "
			    "Entries in the audit log.\n# TYPE "
			    "firewarden_audit_tree_size gauge\n"
			    "firewarden_audit_tree_size %lld\n", (long long)v);
		if (srv->metrics_extra != NULL)
			srv->metrics_extra(&b);
		*status = 200;
		v = (int64_t)b.len;
		*ret = server_send(c, 200, "text/plain; version=0.0.4",
		    buf_release(&b), (size_t)v, 1, NULL, NULL);
		return 1;
	}
	return 0;
}

static enum MHD_Result
server_api(struct MHD_Connection *c, const char *url, const char *method,
    struct conn_state *cs, const char *rid, const char *ip, int *status,
    int *route, char *user, size_t userlen)
{
	struct actor	 who;
	struct req	 r;
	struct resp	 w;
	enum MHD_Result	 ret;
	char		*text;
	int		 rc;

	memset(&r, 0, sizeof(r));
	memset(&w, 0, sizeof(w));
	actor_public(&who, rid, ip);
	r.method = method;
	r.path = url;
	r.conn = c;
	r.who = &who;
	r.body = cs->body.data;
	r.body_len = cs->body.len;
	r.if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "If-Match");
	r.user_agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "User-Agent");
	if (r.user_agent == NULL)
		r.user_agent = "";
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, server_query_cb,
	    &r);

	if (cs->too_large)
		rc = err_set(&r.err, ERR_TOO_LARGE, "", "request body larger "
		    "than %zu bytes", cs->limit);
	else if ((r.st = server_store(&r.err)) == NULL)
		rc = err_set(&r.err, ERR_UNAVAILABLE, NULL, NULL);
	else
		rc = router_handle(&r, &w, route);
	if (rc < 0) {
		router_error(&w, rc, &r.err, rid);
		if (rc == ERR_RATE_LIMITED && w.retry_after == 0)
			w.retry_after = 60;
		if (err_http_status(rc) >= 500)
			log_error("%s %s: %s (request %s)", method, url,
			    r.err.msg, rid);
	}
	if (w.status == 0)
		w.status = 200;
	if (who.kind == ACTOR_USER)
		snprintf(user, userlen, "%lld", (long long)who.user_id);
	*status = w.status;
	if (w.raw != NULL) {
		ret = server_send(c, w.status, w.content_type, w.raw,
		    w.raw_len, 1, &w, rid);
		w.raw = NULL;
	} else {
		text = jx_dump(w.body ? w.body : json_object());
		ret = server_send(c, w.status, "application/json", text,
		    strlen(text), 1, &w, rid);
	}
	json_decref(w.body);
	json_decref(r.json);
	free(w.set_cookie);
	free(w.etag);
	free(w.attachment);
	return ret;
}

/*
 * The body limit of the request: that of JSON bodies, raised for a route
 * that takes a CSV file (ROUTE_CSV) or an upload (ROUTE_RAW, its own
 * limit) — looked up only once a body grows past the JSON limit, so
 * ordinary requests pay nothing for it.
 */
static size_t
server_limit(struct conn_state *cs, const char *method, const char *url)
{
	const struct route	*rt;
	const struct field	*raw;

	if (!cs->limit_known) {
		cs->limit_known = 1;
		if (strncmp(url, "/api/", 5) == 0 &&
		    (rt = router_find(method, url)) != NULL &&
		    (raw = router_raw_body(rt)) != NULL)
			cs->limit = raw->max > 0 ? (size_t)raw->max :
			    srv->max_csv_body;
	}
	return cs->limit;
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct conn_state	*cs = *con_cls;
	enum MHD_Result		 ret;
	const char		*clen;
	char			 rid[24], ip[64], user[24] = "";
	int			 status = 0, route = -1;
	int64_t			 v;

	if (cs == NULL) {
		cs = xcalloc(1, sizeof(*cs));
		buf_init(&cs->body);
		cs->t0 = clock_mono_us();
		cs->limit = srv->max_body;
		clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Content-Length");
		if (clen && (str_to_i64(clen, 0, INT64_MAX, &v) < 0 ||
		    ((size_t)v > cs->limit &&
		    (size_t)v > server_limit(cs, method, url))))
			cs->too_large = 1;
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!cs->too_large &&
		    (cs->body.len + *upload_data_size <= cs->limit ||
		    cs->body.len + *upload_data_size <= server_limit(cs, method,
		    url)))
			buf_add(&cs->body, upload_data, *upload_data_size);
		else
			cs->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}

	snprintf(rid, sizeof(rid), "%llx", (unsigned long long)id_next());
	server_client_ip(c, ip, sizeof(ip));
	if (server_ops(c, url, ip, &ret, &status))
		;
	else if (strncmp(url, "/api/", 5) == 0)
		ret = server_api(c, url, method, cs, rid, ip, &status, &route,
		    user, sizeof(user));
	else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		ret = server_static(c, url, &status);
	else {
		status = 405;
		ret = server_send(c, 405, "text/plain; charset=utf-8",
		    xstrdup("method not allowed\n"), 19, 0, NULL, rid);
	}
	if (srv_entered != NULL) {
		store_leave(srv_entered);
		srv_entered = NULL;
	}
	v = clock_mono_us() - cs->t0;
	metrics_observe(route, status, v);
	server_access_log(rid, ip, method, url, route, status, v, user);
	return ret;
}

static void
server_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn_state	*cs = *con_cls;

	if (cs == NULL)
		return;
	buf_free(&cs->body);
	free(cs);
	*con_cls = NULL;
}

static void
server_thread_gone(void *cls, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode toe)
{
}

static int
server_parse_listen(const char *listen, struct sockaddr_in *sa,
    struct err *e)
{
	char		 host[64];
	const char	*colon = strrchr(listen, ':');
	int64_t		 port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host) ||
	    str_to_i64(colon + 1, 1, 65535, &port) < 0)
		return err_set(e, ERR_INVALID, "listen",
		    "listen address must be ADDR:PORT");
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return err_set(e, ERR_INVALID, "listen",
		    "listen address must be an IPv4 address and port");
	return 0;
}

/* Background work: sign tree heads while the log grows; end the kept
 * read transactions of idle workers and copy the WAL back. */
static void *
server_scheduler(void *arg)
{
	struct store	*st = NULL;
	struct err	 e;
	int		 tick = 0, i, ckpt_warned = 0;

	(void)arg;
	while (!srv_stop) {
		/*
		 * Workers keep reads only while the WAL has been copied back
		 * (store_keep_reads()): ten times a second, end the kept
		 * reads that a commit made stale (they would hold the copy
		 * back), and copy the WAL back once commits pause, rather
		 * than when it has grown to SQLite's threshold.
		 */
		for (i = 0; i < SERVER_TIDY_PER_S && !srv_stop; i++) {
			usleep(1000000 / SERVER_TIDY_PER_S);
			store_release_idle(SERVER_KEPT_IDLE_US);
			err_clear(&e);
			if (st != NULL && store_checkpoint(st, &e) < 0 &&
			    !ckpt_warned) {
				log_warn("scheduler: checkpoint: %s", e.msg);
				ckpt_warned = 1;
			}
		}
		tick++;
		err_clear(&e);
		if (st == NULL && store_open(srv->db_url, &st, &e) < 0) {
			if (tick >= srv->sth_interval_s) {
				tick = 0;
				log_warn("scheduler: %s", e.msg);
			}
			continue;
		}
		if (tick < srv->sth_interval_s)
			continue;
		tick = 0;
		if (srv->audit_key &&
		    audit_sign_head(st, srv->audit_key, 0, NULL, &e) < 0)
			log_warn("scheduler: signing tree head: %s", e.msg);
	}
	store_close(st);
	return NULL;
}

/*
 * Background jobs (job.h): once a second, on a connection of their own
 * and a thread of their own, so that a long nightly job never delays
 * the signing of tree heads.
 */
static void *
server_jobs(void *arg)
{
	struct store	*st = NULL;
	struct err	 e;

	(void)arg;
	while (!srv_stop) {
		sleep(1);
		err_clear(&e);
		if (st == NULL && store_open(srv->db_url, &st, &e) < 0) {
			log_warn("jobs: %s", e.msg);
			continue;
		}
		if (job_tick(st, srv->jobs, srv->node, &e) < 0)
			log_warn("jobs: %s", e.msg);
	}
	store_close(st);
	return NULL;
}

static void
server_on_signal(int sig)
{
	(void)sig;
	srv_stop = 1;
}

int
server_run(const struct server_conf *c, struct err *e)
{
	struct MHD_Daemon	*d;
	struct sockaddr_in	 sa;
	struct router_conf	 rc_conf;
	struct sigaction	 act;
	struct buf		 report;
	pthread_t		 sched, jobs;
	int			 rc, have_jobs = 0;

	srv = c;
	if ((rc = server_parse_listen(c->listen, &sa, e)) < 0)
		return rc;
	buf_init(&report);
	if (router_check(&report) > 0) {
		rc = err_set(e, ERR_INTERNAL, NULL, "route tables: %s",
		    report.data);
		buf_free(&report);
		return rc;
	}
	buf_free(&report);
	rc_conf.origins = c->origins;
	router_configure(&rc_conf);
	metrics_init(router_nroutes());
	pthread_key_create(&srv_store_key, server_store_gone);

	memset(&act, 0, sizeof(act));
	act.sa_handler = server_on_signal;
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_TURBO, 0, NULL, NULL, server_access, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
	    MHD_OPTION_CONNECTION_LIMIT, c->conn_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, c->timeout_s,
	    MHD_OPTION_NOTIFY_COMPLETED, server_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, server_thread_gone, NULL,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVER_CONN_MEMORY,
	    MHD_OPTION_END);
	if (d == NULL)
		return err_set(e, ERR_IO, "listen", "cannot listen on %s: %s",
		    c->listen, strerror(errno));
	log_info("listening on http://%s", c->listen);
	if (pthread_create(&sched, NULL, server_scheduler, NULL) != 0) {
		MHD_stop_daemon(d);
		return err_set(e, ERR_INTERNAL, NULL, "cannot start scheduler");
	}
	if (c->jobs != NULL && c->jobs->name != NULL) {
		if (pthread_create(&jobs, NULL, server_jobs, NULL) != 0)
			log_warn("cannot start the job thread: no background "
			    "jobs on this node");
		else
			have_jobs = 1;
	}
	while (!srv_stop)
		usleep(100000);
	log_info("stopping");
	MHD_stop_daemon(d);
	pthread_join(sched, NULL);
	if (have_jobs)
		pthread_join(jobs, NULL);
	return 0;
}
