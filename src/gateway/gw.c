/*
 * The gateway's spine: start and stop, the metrics, and the ingest
 * thread.  Producers (the GB/T 26875.3 loop, the MQTT client) queue the
 * events of each frame or message; the ingest thread takes the queue
 * every batch_ms or at batch_max events and writes it with one
 * iot_ingest_run() on its own database connection.  A batch that fails
 * is retried frame by frame so that one bad frame does not hold the
 * others back; frames committed go back to the loop to be confirmed
 * (IOT-017: a device resends what was not confirmed, and the ingest's
 * de-duplication makes that safe).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/clock.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../store/store.h"
#include "gw_int.h"

struct gw_metrics	gw_m;
const int		gw_lat_ms[GW_LAT_BUCKETS] = { 1, 2, 5, 10, 20, 50, 100,
	200, 500, 1000, 2000, 5000, 10000, 30000 };

/* The queue. */

static void
gw_batch_reset(struct gw_batch *b)
{
	b->nev = 0;
	b->nit = 0;
	b->first_us = 0;
	buf_reset(&b->arena);
}

static void
gw_batch_free(struct gw_batch *b)
{
	free(b->ev);
	free(b->doff);
	free(b->it);
	buf_free(&b->arena);
	memset(b, 0, sizeof(*b));
}

size_t
gw_enqueue(struct gw *g, struct gw_item *it, const struct iot_event *ev,
    size_t n, const char *const *details)
{
	struct gw_batch	*b;
	size_t		 i, q;

	pthread_mutex_lock(&g->mu);
	b = g->cur;
	if (b->nev + n > b->capev) {
		b->capev = b->capev ? b->capev * 2 : 1024;
		while (b->capev < b->nev + n)
			b->capev *= 2;
		b->ev = xrealloc(b->ev, b->capev * sizeof(*b->ev));
		b->doff = xrealloc(b->doff, b->capev * sizeof(*b->doff));
	}
	if (b->nit == b->capit) {
		b->capit = b->capit ? b->capit * 2 : 512;
		b->it = xrealloc(b->it, b->capit * sizeof(*b->it));
	}
	it->first = (uint32_t)b->nev;
	it->n = (uint32_t)n;
	for (i = 0; i < n; i++) {
		b->ev[b->nev] = ev[i];
		b->ev[b->nev].detail = NULL;
		if (details != NULL && details[i] != NULL) {
			b->doff[b->nev] = b->arena.len;
			buf_add(&b->arena, details[i], strlen(details[i]) + 1);
		} else
			b->doff[b->nev] = SIZE_MAX;
		b->nev++;
	}
	b->it[b->nit++] = *it;
	if (b->first_us == 0)
		b->first_us = clock_mono_us();
	q = atomic_fetch_add(&g->queued, n) + n;
	atomic_fetch_add(&gw_m.events, n);
	/* The ingest sleeps until the first item, and until the batch is
	 * full or its period is over. */
	if (b->nit == 1 || b->nev >= g->conf.batch_max)
		pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return q;
}

static void
gw_lat_observe(int64_t us)
{
	int	i;

	for (i = 0; i < GW_LAT_BUCKETS; i++)
		if (us <= (int64_t)gw_lat_ms[i] * 1000)
			break;
	atomic_fetch_add(&gw_m.lat[i], 1);
	atomic_fetch_add(&gw_m.lat_sum_us, (uint64_t)(us > 0 ? us : 0));
	atomic_fetch_add(&gw_m.lat_n, 1);
}

/* Frames committed: to the loop, to be confirmed. */
static void
gw_done_add(struct gw *g, const struct gw_item *it)
{
	pthread_mutex_lock(&g->done_mu);
	if (g->ndone == g->capdone) {
		g->capdone = g->capdone ? g->capdone * 2 : 1024;
		g->done = xrealloc(g->done, g->capdone * sizeof(*g->done));
	}
	g->done[g->ndone].slot = it->slot;
	g->done[g->ndone].gen = it->gen;
	g->done[g->ndone].hdr = it->hdr;
	g->ndone++;
	pthread_mutex_unlock(&g->done_mu);
}

static void
gw_process(struct gw *g, struct store **st, struct iot_ingest *x,
    struct gw_batch *b)
{
	struct iot_ingest_stats	 s;
	struct err		 e;
	int64_t			 now;
	size_t			 i, wake = 0, lost = 0, mqtt = 0;
	int			 rc, fails, *ok;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < b->nev; i++)
		b->ev[i].detail = b->doff[i] == SIZE_MAX ? NULL :
		    b->arena.data + b->doff[i];
	ok = xcalloc(b->nit ? b->nit : 1, sizeof(*ok));
	err_clear(&e);
	if (*st == NULL && store_open(g->conf.db_url, st, &e) < 0) {
		log_warn("gateway: database: %s", e.msg);
		rc = e.code;
	} else
		rc = iot_ingest_run(*st, x, b->ev, b->nev, &s, &e);
	atomic_fetch_add(&gw_m.batches, 1);
	if (rc == 0) {
		for (i = 0; i < b->nit; i++)
			ok[i] = 1;
	} else if (rc == ERR_IO) {
		/* a failed fsync is fatal; the devices resend what was
		 * not confirmed to the restarted gateway. */
		log_error("gateway: database I/O error at commit: exiting (R-2)");
		_exit(75);
	} else if (*st != NULL) {
		/* One frame alone at a time: a bad one is left out (and,
		 * unconfirmed, resent by its device).  Three failures in a
		 * row: the database, not the frames; the rest waits for the
		 * devices to resend, on a new connection. */
		atomic_fetch_add(&gw_m.batch_errors, 1);
		log_warn("gateway: batch of %zu events failed: %s; retrying "
		    "frame by frame", b->nev, e.msg);
		for (i = 0, fails = 0; i < b->nit && fails < 3; i++) {
			err_clear(&e);
			if (iot_ingest_run(*st, x, b->ev + b->it[i].first,
			    b->it[i].n, &s, &e) == 0) {
				ok[i] = 1;
				fails = 0;
				continue;
			}
			fails++;
			lost++;
			log_warn("gateway: a frame of %u events was not stored: "
			    "%s", b->it[i].n, e.msg);
		}
		lost += b->nit - i;
		atomic_fetch_add(&gw_m.lost, lost);
		if (fails >= 3) {
			store_close(*st);
			*st = NULL;
		}
	} else {
		atomic_fetch_add(&gw_m.batch_errors, 1);
		atomic_fetch_add(&gw_m.lost, b->nit);
	}
	now = clock_mono_us();
	for (i = 0; i < b->nit; i++) {
		/* an MQTT message is acknowledged once committed. */
		if (b->it[i].slot == GW_MQTT_CONN) {
			gw_mqtt_done(g, &b->it[i], ok[i]);
			mqtt++;
		}
		if (!ok[i])
			continue;
		gw_lat_observe(now - b->it[i].arrival_us);
		if (b->it[i].confirm && b->it[i].slot != GW_NO_CONN) {
			gw_done_add(g, &b->it[i]);
			wake++;
		}
	}
	free(ok);
	atomic_fetch_add(&gw_m.stored, s.stored);
	atomic_fetch_add(&gw_m.duplicates, s.duplicates);
	atomic_fetch_add(&gw_m.unknown, s.unknown);
	atomic_fetch_add(&gw_m.alarms, s.alarms);
	atomic_fetch_sub(&g->queued, b->nev);
	if (wake > 0)
		gw_loop_wake(g);
	if (mqtt > 0)
		gw_mqtt_wake(g);
}

static void *
gw_ingest(void *arg)
{
	struct gw		*g = arg;
	struct iot_ingest	*x = iot_ingest_new();
	struct store		*st = NULL;
	struct gw_batch		*b;
	struct timespec		 ts;
	int64_t			 due;

	for (;;) {
		pthread_mutex_lock(&g->mu);
		while (!atomic_load(&g->stop_ingest) && g->cur->nit == 0)
			pthread_cond_wait(&g->cv, &g->mu);
		if (g->cur->nit == 0) {
			pthread_mutex_unlock(&g->mu);
			break;
		}
		/* Until the batch is full or its period is over. */
		due = g->cur->first_us + (int64_t)g->conf.batch_ms * 1000;
		while (!atomic_load(&g->stop_ingest) &&
		    g->cur->nev < g->conf.batch_max && clock_mono_us() < due) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec = due / 1000000;
			ts.tv_nsec = (long)(due % 1000000) * 1000;
			pthread_cond_timedwait(&g->cv, &g->mu, &ts);
		}
		b = g->cur;
		g->cur = b == &g->bufs[0] ? &g->bufs[1] : &g->bufs[0];
		pthread_mutex_unlock(&g->mu);
		gw_process(g, &st, x, b);
		gw_batch_reset(b);
	}
	iot_ingest_free(x);
	store_close(st);
	return NULL;
}

/* Start and stop. */

int
gw_start(const struct gw_conf *c, struct gw **out, struct err *e)
{
	struct gw		*g = xcalloc(1, sizeof(*g));
	pthread_condattr_t	 ca;
	int			 rc;

	g->conf = *c;
	if (g->conf.max_conns == 0)
		g->conf.max_conns = 20000;
	if (g->conf.buf_max == 0)
		g->conf.buf_max = 64 * 1024;
	if (g->conf.frames_per_s == 0)
		g->conf.frames_per_s = 200;
	if (g->conf.idle_s == 0)
		g->conf.idle_s = 300;
	if (g->conf.batch_ms == 0)
		g->conf.batch_ms = 50;
	if (g->conf.batch_max == 0)
		g->conf.batch_max = 2000;
	g->efd = -1;
	pthread_mutex_init(&g->mu, NULL);
	pthread_mutex_init(&g->done_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	g->cur = &g->bufs[0];
	if (pthread_create(&g->ingest_th, NULL, gw_ingest, g) != 0) {
		rc = err_set(e, ERR_INTERNAL, NULL, "cannot start the ingest "
		    "thread");
		goto fail;
	}
	g->have_ingest = 1;
	if (c->listen != NULL && (rc = gw_loop_start(g, e)) < 0)
		goto fail;
	if (c->mqtt != NULL && (rc = gw_mqtt_start(g, e)) < 0)
		goto fail;
	*out = g;
	return 0;
fail:
	gw_stop(g);
	return rc;
}

int
gw_port(const struct gw *g)
{
	return g ? g->port : 0;
}

void
gw_stop(struct gw *g)
{
	if (g == NULL)
		return;
	/* Producers first, then the ingest drains what they queued. */
	atomic_store(&g->stop, 1);
	gw_mqtt_stop(g);
	gw_loop_stop(g);
	if (g->have_ingest) {
		pthread_mutex_lock(&g->mu);
		atomic_store(&g->stop_ingest, 1);
		pthread_cond_broadcast(&g->cv);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->ingest_th, NULL);
	}
	gw_batch_free(&g->bufs[0]);
	gw_batch_free(&g->bufs[1]);
	free(g->done);
	pthread_mutex_destroy(&g->mu);
	pthread_mutex_destroy(&g->done_mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

/* Metrics. */

static void
gw_counter(struct buf *b, const char *name, const char *help, uint64_t v)
{
	buf_printf(b, "# HELP firewarden_%s %s\n# TYPE firewarden_%s counter\n"
	    "firewarden_%s %llu\n", name, help, name, name,
	    (unsigned long long)v);
}

static void
gw_gauge(struct buf *b, const char *name, const char *help, int64_t v)
{
	buf_printf(b, "# HELP firewarden_%s %s\n# TYPE firewarden_%s gauge\n"
	    "firewarden_%s %lld\n", name, help, name, name, (long long)v);
}

void
gw_metrics_render(struct buf *b)
{
	uint64_t	cum = 0;
	int		i;

	gw_gauge(b, "gb26875_connections", "Open device connections.",
	    atomic_load(&gw_m.conns));
	gw_counter(b, "gb26875_accepted_total", "Device connections accepted.",
	    atomic_load(&gw_m.accepted));
	gw_counter(b, "gb26875_refused_total", "Connections refused over the "
	    "limit.", atomic_load(&gw_m.refused));
	gw_counter(b, "gb26875_closed_idle_total", "Connections closed when "
	    "idle.", atomic_load(&gw_m.closed_idle));
	gw_counter(b, "gb26875_closed_limit_total", "Connections closed over a "
	    "buffer limit.", atomic_load(&gw_m.closed_limit));
	gw_counter(b, "gb26875_bytes_total", "Bytes received from devices.",
	    atomic_load(&gw_m.bytes));
	gw_counter(b, "gb26875_frames_total", "Valid frames received.",
	    atomic_load(&gw_m.frames));
	gw_counter(b, "gb26875_heartbeats_total", "Heartbeats (empty "
	    "send-data).", atomic_load(&gw_m.heartbeats));
	gw_counter(b, "gb26875_bad_frames_total", "Candidates rejected "
	    "(checksum, length, end marker).", atomic_load(&gw_m.bad_frames));
	gw_counter(b, "gb26875_garbage_bytes_total", "Bytes skipped between "
	    "frames.", atomic_load(&gw_m.garbage));
	gw_counter(b, "gb26875_confirms_total", "Confirm replies sent.",
	    atomic_load(&gw_m.confirms));
	gw_counter(b, "gb26875_denies_total", "Deny replies sent.",
	    atomic_load(&gw_m.denies));
	gw_counter(b, "gb26875_throttled_total", "Times a connection was held "
	    "back by its frame rate.", atomic_load(&gw_m.throttled));
	gw_counter(b, "iot_events_received_total", "Events handed to the "
	    "ingest (GB/T 26875.3 and MQTT).", atomic_load(&gw_m.events));
	gw_counter(b, "iot_events_stored_total", "Events stored.",
	    atomic_load(&gw_m.stored));
	gw_counter(b, "iot_events_duplicate_total", "Events de-duplicated.",
	    atomic_load(&gw_m.duplicates));
	gw_counter(b, "iot_events_unknown_total", "Events from unregistered "
	    "addresses.", atomic_load(&gw_m.unknown));
	gw_counter(b, "iot_alarms_total", "Alarm records raised.",
	    atomic_load(&gw_m.alarms));
	gw_counter(b, "iot_batches_total", "Ingest transactions.",
	    atomic_load(&gw_m.batches));
	gw_counter(b, "iot_batch_errors_total", "Ingest batches that failed.",
	    atomic_load(&gw_m.batch_errors));
	gw_counter(b, "iot_frames_lost_total", "Frames or messages not stored "
	    "(left unconfirmed).", atomic_load(&gw_m.lost));
	gw_counter(b, "mqtt_messages_total", "MQTT messages received.",
	    atomic_load(&gw_m.mqtt_messages));
	gw_counter(b, "mqtt_malformed_total", "MQTT messages refused as "
	    "malformed.", atomic_load(&gw_m.mqtt_malformed));
	gw_gauge(b, "mqtt_connected", "1 while connected to the broker.",
	    atomic_load(&gw_m.mqtt_connected));
	buf_adds(b, "# HELP firewarden_iot_store_seconds From receipt to "
	    "commit.\n# TYPE firewarden_iot_store_seconds histogram\n");
	for (i = 0; i < GW_LAT_BUCKETS; i++) {
		cum += atomic_load(&gw_m.lat[i]);
		buf_printf(b, "firewarden_iot_store_seconds_bucket{le=\"%g\"} "
		    "%llu\n", gw_lat_ms[i] / 1000.0, (unsigned long long)cum);
	}
	cum += atomic_load(&gw_m.lat[GW_LAT_BUCKETS]);
	buf_printf(b, "firewarden_iot_store_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "firewarden_iot_store_seconds_sum %.6f\n"
	    "firewarden_iot_store_seconds_count %llu\n",
	    (unsigned long long)cum,
	    (double)atomic_load(&gw_m.lat_sum_us) / 1e6,
	    (unsigned long long)atomic_load(&gw_m.lat_n));
}

/* The bucket bound under which q of the observations fall (ms). */
static int
gw_lat_quantile(double q)
{
	uint64_t	n = 0, cum = 0, b[GW_LAT_BUCKETS + 1];
	int		i;

	for (i = 0; i <= GW_LAT_BUCKETS; i++)
		n += (b[i] = atomic_load(&gw_m.lat[i]));
	if (n == 0)
		return 0;
	for (i = 0; i < GW_LAT_BUCKETS; i++) {
		cum += b[i];
		if ((double)cum >= q * (double)n)
			return gw_lat_ms[i];
	}
	return -1;
}

void
gw_metrics_line(struct buf *b)
{
	static uint64_t	last_stored, last_frames;
	static int64_t	last_us;
	uint64_t	stored = atomic_load(&gw_m.stored);
	uint64_t	frames = atomic_load(&gw_m.frames);
	int64_t		now = clock_mono_us();
	double		dt = last_us ? (double)(now - last_us) / 1e6 : 0;

	buf_printf(b, "connections %lld, frames %llu (%.0f/s), bad %llu, "
	    "throttled %llu, idle closed %llu, "
	    "events stored %llu (%.0f/s), duplicates %llu, unknown %llu, "
	    "alarms %llu, lost %llu, mqtt %llu (malformed %llu), store "
	    "p50 <= %d ms, p99 <= %d ms",
	    (long long)atomic_load(&gw_m.conns), (unsigned long long)frames,
	    dt > 0 ? (double)(frames - last_frames) / dt : 0,
	    (unsigned long long)atomic_load(&gw_m.bad_frames),
	    (unsigned long long)atomic_load(&gw_m.throttled),
	    (unsigned long long)atomic_load(&gw_m.closed_idle),
	    (unsigned long long)stored,
	    dt > 0 ? (double)(stored - last_stored) / dt : 0,
	    (unsigned long long)atomic_load(&gw_m.duplicates),
	    (unsigned long long)atomic_load(&gw_m.unknown),
	    (unsigned long long)atomic_load(&gw_m.alarms),
	    (unsigned long long)atomic_load(&gw_m.lost),
	    (unsigned long long)atomic_load(&gw_m.mqtt_messages),
	    (unsigned long long)atomic_load(&gw_m.mqtt_malformed),
	    gw_lat_quantile(0.5), gw_lat_quantile(0.99));
	last_stored = stored;
	last_frames = frames;
	last_us = now;
}
