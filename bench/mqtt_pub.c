/*
 * A fast MQTT publisher for the IoT benchmark (bench/iot.sh):
 *
 *   mqtt_pub PORT MESSAGES DEVICES [QOS [FIRST]]
 *
 * publishes MESSAGES readings of the schema of docs/modules/iot.md
 * ({"ts","kind":"pressure","value","unit":"kPa","seq"}) round-robin to
 * fw/v1/devices/bench-<FIRST + i>/events, i < DEVICES, on
 * 127.0.0.1:PORT with QoS 1 (default), as fast as the broker takes them,
 * and prints the messages per second it published (acknowledged by the
 * broker for QoS 1).  Several publishers take distinct FIRSTs.
 * Measures only.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mosquitto.h>

static _Atomic long	pub_acked;

static void
pub_on_publish(struct mosquitto *m, void *obj, int mid)
{
	(void)m;
	(void)obj;
	(void)mid;
	atomic_fetch_add(&pub_acked, 1);
}

static double
pub_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct mosquitto	*m;
	char			 topic[64], msg[160];
	long			 n, devices, first = 0, i;
	double			 t0, t;
	int			 port, qos = 1, rc;

	if (argc < 4) {
		fprintf(stderr, "usage: mqtt_pub PORT MESSAGES DEVICES [QOS [FIRST]]\n");
		return 2;
	}
	port = atoi(argv[1]);
	n = atol(argv[2]);
	devices = atol(argv[3]);
	if (argc > 4)
		qos = atoi(argv[4]);
	if (argc > 5)
		first = atol(argv[5]);
	if (port <= 0 || n <= 0 || devices <= 0 || qos < 0 || qos > 1)
		return 2;
	mosquitto_lib_init();
	if ((m = mosquitto_new(NULL, true, NULL)) == NULL)
		return 1;
	mosquitto_publish_callback_set(m, pub_on_publish);
	/* As many in flight as the broker allows (max_inflight_messages 0). */
	mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, 65535);
	mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
	if ((rc = mosquitto_connect(m, "127.0.0.1", port, 60)) !=
	    MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "mqtt_pub: %s\n", mosquitto_strerror(rc));
		return 1;
	}
	/* One thread: publish writes straight to the socket; the loop is
	 * turned between publishes to read the broker's acknowledgements. */
	t0 = pub_now();
	for (i = 0; i < n; i++) {
		snprintf(topic, sizeof(topic), "fw/v1/devices/bench-%ld/events",
		    first + i % devices);
		snprintf(msg, sizeof(msg), "{\"ts\":%lld,\"kind\":\"pressure\","
		    "\"value\":%ld,\"unit\":\"kPa\",\"seq\":%ld}",
		    (long long)time(NULL) * 1000, 300 + i % 200, i / devices);
		while (qos == 1 && i - atomic_load(&pub_acked) > 20000)
			mosquitto_loop(m, 10, 1);
		rc = mosquitto_publish(m, NULL, topic, (int)strlen(msg), msg,
		    qos, false);
		if (i % 64 == 0)
			mosquitto_loop(m, 0, 1);
		if (rc != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "mqtt_pub: %s\n", mosquitto_strerror(rc));
			return 1;
		}
	}
	while (qos == 1 && atomic_load(&pub_acked) < n)
		mosquitto_loop(m, 100, 1);
	t = pub_now() - t0;
	printf("{\"messages\":%ld,\"seconds\":%.3f,\"published_per_s\":%.0f}\n",
	    n, t, (double)n / t);
	mosquitto_disconnect(m);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	return 0;
}
