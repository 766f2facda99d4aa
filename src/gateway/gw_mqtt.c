/*
 * The MQTT subscriber (IOT-017): an MQTT 3.1.1 client of its own, on one
 * thread, that subscribes with QoS 1 to fw/v1/devices/+/events on the
 * broker of --mqtt / FIREWARDEN_MQTT and queues each message for the
 * ingest, which de-duplicates by (device, seq).
 *
 * A QoS 1 message is acknowledged (PUBACK) only once the batch holding
 * it is committed (SECURITY.md R-1), and acknowledgements go out in the
 * order the messages came (MQTT 3.1.1 §4.6).  libmosquitto, which this
 * file used before, acknowledges as soon as its message callback returns,
 * before anything is stored, and has no manual acknowledgement in the
 * version Debian 12 ships (2.0.11); a crash then lost what the broker
 * believed delivered.  With the acknowledgement after the commit, the
 * broker keeps every message not yet stored and sends it again on the
 * next connection (persistent session: client_id in the URL).
 *
 * A malformed message is counted and logged (at most once a second),
 * never stored; it is queued as an item without events so that its
 * acknowledgement keeps its place in the order.  A batch that fails
 * drops the connection: nothing after it is acknowledged, and the broker
 * resends.  Reconnection backs off from 1 s to 30 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/clock.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../proto/mqtt.h"
#include "gw_int.h"

#define GW_MQTT_TOPIC		"fw/v1/devices/+/events"
#define GW_MQTT_KEEPALIVE	30		/* seconds */
#define GW_MQTT_READ		(64 * 1024)

struct gw_mqtt {
	char		 host[256];
	int		 port;
	char		 client_id[128];
	int		 persistent;
	int64_t		 log_us;	/* last malformed logged */
	uint64_t	 unlogged;
	struct gw	*g;
	pthread_t	 th;
	int		 have_th;
	int		 efd;		/* completions, stop */
	int		 fd;		/* the connection, or -1 */
	uint32_t	 gen;		/* connection number */
	int		 subscribed;
	int64_t		 sent_us;	/* last packet sent */
	int64_t		 ping_us;	/* PINGREQ unanswered since, or 0 */
	unsigned char	*rb;		/* input not yet parsed */
	size_t		 rlen, rcap;
	struct buf	 wb;		/* output not yet written */
	/* Completions from the ingest thread (under mu). */
	pthread_mutex_t	 mu;
	uint16_t	*acks;
	size_t		 nacks, capacks;
	uint32_t	 acks_gen;	/* the connection they belong to */
	int		 failed;	/* a message of acks_gen not stored */
};

/* mqtt://HOST[:PORT][/][?client_id=ID] */
static int
gw_mqtt_url(struct gw_mqtt *q, const char *url, struct err *e)
{
	const char	*p, *h, *end, *colon;
	int64_t		 port = 1883;
	size_t		 n;

	if (strncmp(url, "mqtt://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "tcp://", 6) == 0)
		h = url + 6;
	else
		return err_set(e, ERR_INVALID, "mqtt", "the broker is "
		    "mqtt://HOST[:PORT][?client_id=ID]");
	end = h + strcspn(h, "/?");
	colon = memchr(h, ':', (size_t)(end - h));
	n = (size_t)((colon ? colon : end) - h);
	if (n == 0 || n >= sizeof(q->host))
		return err_set(e, ERR_INVALID, "mqtt", "the broker's host is "
		    "missing");
	memcpy(q->host, h, n);
	q->host[n] = '\0';
	if (colon != NULL) {
		char	num[8];

		n = (size_t)(end - colon - 1);
		if (n == 0 || n >= sizeof(num))
			return err_set(e, ERR_INVALID, "mqtt", "bad port");
		memcpy(num, colon + 1, n);
		num[n] = '\0';
		if (str_to_i64(num, 1, 65535, &port) < 0)
			return err_set(e, ERR_INVALID, "mqtt", "bad port");
	}
	q->port = (int)port;
	snprintf(q->client_id, sizeof(q->client_id), "firewarden-%ld",
	    (long)getpid());
	if ((p = strstr(end, "client_id=")) != NULL) {
		p += 10;
		n = strcspn(p, "&");
		if (n == 0 || n >= 24)
			return err_set(e, ERR_INVALID, "mqtt", "client_id must "
			    "be 1 to 23 characters");
		memcpy(q->client_id, p, n);
		q->client_id[n] = '\0';
		q->persistent = 1;
	}
	return 0;
}

/* Connection. */

static void
gw_mqtt_close(struct gw_mqtt *q, const char *why)
{
	if (q->fd < 0)
		return;
	if (why != NULL)
		log_warn("mqtt: %s:%d: %s; reconnecting", q->host, q->port,
		    why);
	close(q->fd);
	q->fd = -1;
	q->rlen = 0;
	buf_reset(&q->wb);
	q->subscribed = 0;
	q->ping_us = 0;
	atomic_store(&gw_m.mqtt_connected, 0);
}

/* Connect and send CONNECT; the CONNACK is read by the loop. */
static int
gw_mqtt_dial(struct gw_mqtt *q)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 port[8];
	int		 fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", q->port);
	if ((rc = getaddrinfo(q->host, port, &hints, &res)) != 0) {
		log_warn("mqtt: %s: %s", q->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		log_warn("mqtt: %s:%d: %s (retrying)", q->host, q->port,
		    strerror(errno));
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	q->fd = fd;
	q->gen++;
	pthread_mutex_lock(&q->mu);
	q->nacks = 0;
	q->failed = 0;
	q->acks_gen = q->gen;
	pthread_mutex_unlock(&q->mu);
	mqtt_put_connect(&q->wb, q->client_id, !q->persistent,
	    GW_MQTT_KEEPALIVE);
	return 0;
}

/* Messages. */

static void
gw_mqtt_malformed(struct gw_mqtt *q, const char *topic, const struct err *e)
{
	int64_t	now = clock_mono_us();

	/* IOT-017: counted and logged, never stored. */
	atomic_fetch_add(&gw_m.mqtt_malformed, 1);
	if (now - q->log_us >= 1000000) {
		log_warn("mqtt: malformed message on %s: %s%s%s (%llu more "
		    "since the last one logged)", topic, e->field,
		    e->field[0] ? ": " : "", e->msg,
		    (unsigned long long)q->unlogged);
		q->log_us = now;
		q->unlogged = 0;
	} else
		q->unlogged++;
}

/* A PUBLISH (§3.3): queued, or -1 when it is not well formed. */
static int
gw_mqtt_publish(struct gw_mqtt *q, const struct mqtt_packet *pk)
{
	struct mqtt_publish	 m;
	struct iot_event	 ev;
	struct gw_item		 it;
	struct err		 e;
	char			*topic;
	int			 ok;

	if (mqtt_publish_parse(pk, &m) < 0)
		return -1;
	topic = xmalloc(m.topic_len + 1);
	memcpy(topic, m.topic, m.topic_len);
	topic[m.topic_len] = '\0';
	atomic_fetch_add(&gw_m.mqtt_messages, 1);
	err_clear(&e);
	ok = strlen(topic) == m.topic_len && gw_map_mqtt(topic,
	    (const char *)m.payload, m.payload_len, clock_now_ms(), &ev,
	    &e) == 0;
	if (!ok)
		gw_mqtt_malformed(q, topic, &e);
	free(topic);
	memset(&it, 0, sizeof(it));
	it.slot = GW_MQTT_CONN;
	it.gen = q->gen;
	it.pid = (uint16_t)m.pid;
	/* QoS 2 is never granted (the subscription asks for 1). */
	it.confirm = m.qos > 0;
	it.arrival_us = clock_mono_us();
	if (ok || it.confirm)
		gw_enqueue(q->g, &it, &ev, ok ? 1 : 0, NULL);
	return 0;
}

/* Parse what was read; -1 on a protocol error. */
static int
gw_mqtt_parse(struct gw_mqtt *q)
{
	struct mqtt_packet	 pk;
	size_t			 at = 0;
	ssize_t			 n;

	while (at < q->rlen) {
		/* Back-pressure: the broker keeps what is not read. */
		if (atomic_load(&q->g->queued) > GW_QUEUE_MAX)
			break;
		if ((n = mqtt_packet_next(q->rb + at, q->rlen - at, &pk)) < 0)
			return -1;
		if (n == 0)
			break;
		switch (pk.type) {
		case MQTT_CONNACK:
			if (pk.len != 2 || pk.body[1] != 0) {
				log_warn("mqtt: connection refused (code %u)",
				    pk.len == 2 ? pk.body[1] : 255u);
				return -1;
			}
			atomic_store(&gw_m.mqtt_connected, 1);
			mqtt_put_subscribe(&q->wb, 1, GW_MQTT_TOPIC, 1);
			break;
		case MQTT_SUBACK:
			if (pk.len < 3 || pk.body[2] == 0x80) {
				log_warn("mqtt: subscription to %s refused",
				    GW_MQTT_TOPIC);
				return -1;
			}
			q->subscribed = 1;
			log_info("mqtt: subscribed to %s", GW_MQTT_TOPIC);
			break;
		case MQTT_PUBLISH:
			if (gw_mqtt_publish(q, &pk) < 0)
				return -1;
			break;
		case MQTT_PINGRESP:
			q->ping_us = 0;
			break;
		default:
			return -1;
		}
		at += (size_t)n;
	}
	memmove(q->rb, q->rb + at, q->rlen - at);
	q->rlen -= at;
	return 0;
}

static int
gw_mqtt_read(struct gw_mqtt *q)
{
	ssize_t	n;

	for (;;) {
		if (q->rcap - q->rlen < GW_MQTT_READ) {
			q->rcap = q->rlen + 2 * GW_MQTT_READ;
			q->rb = xrealloc(q->rb, q->rcap);
		}
		n = read(q->fd, q->rb + q->rlen, q->rcap - q->rlen);
		if (n > 0) {
			q->rlen += (size_t)n;
			if ((size_t)n < GW_MQTT_READ)
				return 0;
			continue;
		}
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
}

static int
gw_mqtt_flush(struct gw_mqtt *q)
{
	ssize_t	n;

	while (q->wb.len > 0) {
		n = write(q->fd, q->wb.data, q->wb.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		memmove(q->wb.data, q->wb.data + n, q->wb.len - (size_t)n);
		q->wb.len -= (size_t)n;
		q->sent_us = clock_mono_us();
	}
	return 0;
}

/* The committed messages' PUBACKs, in order; -1 if one was not stored. */
static int
gw_mqtt_acks(struct gw_mqtt *q)
{
	uint64_t	v;
	size_t		i;
	int		failed;

	if (read(q->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return 0;
	pthread_mutex_lock(&q->mu);
	failed = q->failed;
	if (!failed)
		for (i = 0; i < q->nacks; i++)
			mqtt_put_puback(&q->wb, q->acks[i]);
	q->nacks = 0;
	pthread_mutex_unlock(&q->mu);
	return failed ? -1 : 0;
}

static void *
gw_mqtt_run(void *arg)
{
	struct gw_mqtt	*q = arg;
	struct pollfd	 pf[2];
	int64_t		 now, retry_us = 0, backoff_s = 1;
	int		 n, timeout;

	while (!atomic_load(&q->g->stop)) {
		now = clock_mono_us();
		if (q->fd < 0 && now >= retry_us) {
			if (gw_mqtt_dial(q) < 0) {
				retry_us = now + backoff_s * 1000000;
				backoff_s = backoff_s < 30 ? backoff_s * 2 : 30;
			} else
				backoff_s = 1;
		}
		pf[0].fd = q->efd;
		pf[0].events = POLLIN;
		pf[1].fd = q->fd;
		pf[1].events = (atomic_load(&q->g->queued) <= GW_QUEUE_MAX ?
		    POLLIN : 0) | (q->wb.len > 0 ? POLLOUT : 0);
		timeout = q->fd < 0 ? (int)((retry_us - now) / 1000) + 1 :
		    atomic_load(&q->g->queued) > GW_QUEUE_MAX ? 10 : 1000;
		n = poll(pf, q->fd < 0 ? 1 : 2, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN && gw_mqtt_acks(q) < 0) {
			gw_mqtt_close(q, "a message was not stored");
			continue;
		}
		if (q->fd < 0)
			continue;
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR) &&
		    gw_mqtt_read(q) < 0) {
			gw_mqtt_close(q, "connection closed by the broker");
			continue;
		}
		if (q->rlen > 0 && gw_mqtt_parse(q) < 0) {
			gw_mqtt_close(q, "protocol error");
			continue;
		}
		/* Keep-alive: a PINGREQ when quiet; no answer, reconnect. */
		now = clock_mono_us();
		if (q->ping_us != 0 &&
		    now - q->ping_us > GW_MQTT_KEEPALIVE * 1000000LL) {
			gw_mqtt_close(q, "no answer to PINGREQ");
			continue;
		}
		if (q->ping_us == 0 && q->wb.len == 0 &&
		    now - q->sent_us > GW_MQTT_KEEPALIVE * 500000LL) {
			mqtt_put_empty(&q->wb, MQTT_PINGREQ);
			q->ping_us = now;
		}
		if (q->wb.len > 0 && gw_mqtt_flush(q) < 0)
			gw_mqtt_close(q, "write failed");
	}
	if (q->fd >= 0) {
		buf_reset(&q->wb);
		mqtt_put_empty(&q->wb, MQTT_DISCONNECT);
		gw_mqtt_flush(q);
		gw_mqtt_close(q, NULL);
	}
	return NULL;
}

void
gw_mqtt_done(struct gw *g, const struct gw_item *it, int ok)
{
	struct gw_mqtt	*q = g->mqtt;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	/* Packet ids are per connection: older ones are the broker's to
	 * resend. */
	if (it->gen == q->acks_gen && !q->failed) {
		if (!ok)
			q->failed = 1;
		else if (it->confirm) {
			if (q->nacks == q->capacks) {
				q->capacks = q->capacks ? q->capacks * 2 : 1024;
				q->acks = xrealloc(q->acks, q->capacks *
				    sizeof(*q->acks));
			}
			q->acks[q->nacks++] = it->pid;
		}
	}
	pthread_mutex_unlock(&q->mu);
}

void
gw_mqtt_wake(struct gw *g)
{
	uint64_t	one = 1;

	if (g->mqtt != NULL && write(g->mqtt->efd, &one, sizeof(one)) < 0)
		log_debug("mqtt: wake: %s", strerror(errno));
}

int
gw_mqtt_start(struct gw *g, struct err *e)
{
	struct gw_mqtt	*q = xcalloc(1, sizeof(*q));
	int		 rc;

	q->g = g;
	q->fd = -1;
	if ((rc = gw_mqtt_url(q, g->conf.mqtt, e)) < 0) {
		free(q);
		return rc;
	}
	if ((q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		free(q);
		return err_set(e, ERR_IO, "mqtt", "eventfd: %s",
		    strerror(errno));
	}
	pthread_mutex_init(&q->mu, NULL);
	buf_init(&q->wb);
	g->mqtt = q;
	/* Connected in the background; refused or absent, it retries. */
	if (pthread_create(&q->th, NULL, gw_mqtt_run, q) != 0) {
		g->mqtt = NULL;
		close(q->efd);
		free(q);
		return err_set(e, ERR_INTERNAL, "mqtt", "cannot start the MQTT "
		    "thread");
	}
	q->have_th = 1;
	log_info("mqtt: broker %s:%d, client %s%s", q->host, q->port,
	    q->client_id, q->persistent ? " (persistent session)" : "");
	return 0;
}

void
gw_mqtt_stop(struct gw *g)
{
	struct gw_mqtt	*q = g->mqtt;

	if (q == NULL)
		return;
	if (q->have_th) {
		gw_mqtt_wake(g);
		pthread_join(q->th, NULL);
	}
	g->mqtt = NULL;
	atomic_store(&gw_m.mqtt_connected, 0);
	close(q->efd);
	buf_free(&q->wb);
	free(q->rb);
	free(q->acks);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
