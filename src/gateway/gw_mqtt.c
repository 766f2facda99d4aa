/*
 * The MQTT subscriber (IOT-017, libmosquitto, the only file that includes
 * mosquitto.h): subscribes with QoS 1 to fw/v1/devices/+/events on the
 * broker of --mqtt / FIREWARDEN_MQTT and queues each well-formed message
 * for the ingest, which de-duplicates by (device, seq).  A malformed
 * message is counted and logged (at most once a second), never stored.
 * libmosquitto runs its own network thread and reconnects by itself; a
 * client_id in the URL asks for a persistent session, so that messages
 * published while firewarden is down are delivered when it is back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mosquitto.h>

#include "../core/clock.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "gw_int.h"

#define GW_MQTT_TOPIC	"fw/v1/devices/+/events"

struct gw_mqtt {
	struct mosquitto	*m;
	char			 host[256];
	int			 port;
	char			 client_id[128];
	int			 persistent;
	int64_t			 log_us;	/* last malformed logged */
	uint64_t		 unlogged;
	struct gw		*g;
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

static void
gw_mqtt_on_connect(struct mosquitto *m, void *obj, int rc)
{
	int	mid;

	if (rc != 0) {
		log_warn("mqtt: connection refused: %s",
		    mosquitto_connack_string(rc));
		return;
	}
	atomic_store(&gw_m.mqtt_connected, 1);
	if ((rc = mosquitto_subscribe(m, &mid, GW_MQTT_TOPIC, 1)) !=
	    MOSQ_ERR_SUCCESS)
		log_warn("mqtt: subscribe: %s", mosquitto_strerror(rc));
	else
		log_info("mqtt: subscribed to %s", GW_MQTT_TOPIC);
	(void)obj;
}

static void
gw_mqtt_on_disconnect(struct mosquitto *m, void *obj, int rc)
{
	atomic_store(&gw_m.mqtt_connected, 0);
	if (rc != 0)
		log_warn("mqtt: disconnected (%s); reconnecting",
		    mosquitto_strerror(rc));
	(void)m;
	(void)obj;
}

static void
gw_mqtt_on_message(struct mosquitto *m, void *obj,
    const struct mosquitto_message *msg)
{
	struct gw_mqtt		*q = obj;
	struct iot_event	 ev;
	struct gw_item		 it;
	struct err		 e;
	int64_t			 now = clock_mono_us();

	(void)m;
	atomic_fetch_add(&gw_m.mqtt_messages, 1);
	err_clear(&e);
	if (msg->topic == NULL || msg->payloadlen < 0 ||
	    gw_map_mqtt(msg->topic, msg->payload, (size_t)msg->payloadlen,
	    clock_now_ms(), &ev, &e) < 0) {
		/* IOT-017: counted and logged, never stored. */
		atomic_fetch_add(&gw_m.mqtt_malformed, 1);
		if (now - q->log_us >= 1000000) {
			log_warn("mqtt: malformed message on %s: %s%s%s "
			    "(%llu more since the last one logged)",
			    msg->topic ? msg->topic : "?", e.field,
			    e.field[0] ? ": " : "", e.msg,
			    (unsigned long long)q->unlogged);
			q->log_us = now;
			q->unlogged = 0;
		} else
			q->unlogged++;
		return;
	}
	memset(&it, 0, sizeof(it));
	it.slot = GW_NO_CONN;
	it.arrival_us = now;
	/* Back-pressure: the broker keeps what this thread does not read. */
	while (gw_enqueue(q->g, &it, &ev, 1, NULL) > GW_QUEUE_MAX &&
	    !atomic_load(&q->g->stop))
		usleep(10000);
}

int
gw_mqtt_start(struct gw *g, struct err *e)
{
	struct gw_mqtt	*q = xcalloc(1, sizeof(*q));
	int		 rc;

	q->g = g;
	if ((rc = gw_mqtt_url(q, g->conf.mqtt, e)) < 0) {
		free(q);
		return rc;
	}
	mosquitto_lib_init();
	if ((q->m = mosquitto_new(q->client_id, !q->persistent, q)) == NULL) {
		mosquitto_lib_cleanup();
		free(q);
		return err_set(e, ERR_INTERNAL, "mqtt", "cannot create the MQTT "
		    "client");
	}
	g->mqtt = q;
	mosquitto_connect_callback_set(q->m, gw_mqtt_on_connect);
	mosquitto_disconnect_callback_set(q->m, gw_mqtt_on_disconnect);
	mosquitto_message_callback_set(q->m, gw_mqtt_on_message);
	mosquitto_reconnect_delay_set(q->m, 1, 30, true);
	if ((rc = mosquitto_loop_start(q->m)) != MOSQ_ERR_SUCCESS)
		return err_set(e, ERR_INTERNAL, "mqtt", "MQTT thread: %s",
		    mosquitto_strerror(rc));
	/* Connected in the background; refused or absent, it retries. */
	if ((rc = mosquitto_connect_async(q->m, q->host, q->port, 30)) !=
	    MOSQ_ERR_SUCCESS)
		log_warn("mqtt: %s:%d: %s (retrying)", q->host, q->port,
		    mosquitto_strerror(rc));
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
	mosquitto_disconnect(q->m);
	mosquitto_loop_stop(q->m, false);
	mosquitto_destroy(q->m);
	mosquitto_lib_cleanup();
	atomic_store(&gw_m.mqtt_connected, 0);
	free(q);
	g->mqtt = NULL;
}
