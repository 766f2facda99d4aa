/*
 * A fast MQTT publisher for the IoT benchmark (bench/iot.sh):
 *
 *   mqtt_pub PORT MESSAGES DEVICES [QOS [FIRST [WINDOW]]]
 *
 * publishes MESSAGES readings of the schema of docs/modules/iot.md
 * ({"ts","kind":"pressure","value","unit":"kPa","seq"}) round-robin to
 * fw/v1/devices/bench-<FIRST + i>/events, i < DEVICES, on
 * 127.0.0.1:PORT with QoS 1 (default), as fast as the broker takes them,
 * and prints the messages per second it published (acknowledged by the
 * broker for QoS 1).  Several publishers take distinct FIRSTs.
 *
 * It speaks MQTT 3.1.1 itself (src/proto/mqtt.c): many PUBLISH packets
 * go out in one write, with at most WINDOW (default 4 096) waiting for
 * their PUBACK, so that the publisher is not what bounds the broker and
 * the gateway on the two cores they share.  Measures only.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fdio.h"
#include "proto/mqtt.h"

#define PUB_WRITE	(64 * 1024)	/* bytes queued before a write */

static double
pub_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
pub_connect(int port)
{
	struct sockaddr_in	sa;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* The broker's packets in in[0..*n): PUBACKs counted in *acked, a
 * CONNACK's return code checked; what is left is moved to the front. */
static int
pub_read(int fd, unsigned char *in, size_t cap, size_t *n, long *acked,
    int *connected)
{
	struct mqtt_packet	pk;
	ssize_t			r, k;
	size_t			at = 0;

	if ((r = read(fd, in + *n, cap - *n)) <= 0)
		return r == 0 || errno != EINTR ? -1 : 0;
	*n += (size_t)r;
	while ((k = mqtt_packet_next(in + at, *n - at, &pk)) > 0) {
		if (pk.type == MQTT_PUBACK)
			(*acked)++;
		else if (pk.type == MQTT_CONNACK) {
			if (pk.len < 2 || pk.body[1] != 0) {
				fprintf(stderr, "mqtt_pub: connection refused\n");
				return -1;
			}
			*connected = 1;
		}
		at += (size_t)k;
	}
	if (k < 0)
		return -1;
	memmove(in, in + at, *n - at);
	*n -= at;
	return 0;
}

int
main(int argc, char **argv)
{
	static unsigned char	 in[64 * 1024];
	struct buf		 out;
	struct pollfd		 pfd;
	char			 topic[64], msg[160];
	long			 n, devices, first = 0, window = 4096, i = 0;
	long			 acked = 0;
	size_t			 inn = 0;
	double			 t0, t;
	unsigned		 pid = 0;
	int			 port, qos = 1, fd, connected = 0, tl, ml;

	if (argc < 4) {
		fprintf(stderr, "usage: mqtt_pub PORT MESSAGES DEVICES "
		    "[QOS [FIRST [WINDOW]]]\n");
		return 2;
	}
	port = atoi(argv[1]);
	n = atol(argv[2]);
	devices = atol(argv[3]);
	if (argc > 4)
		qos = atoi(argv[4]);
	if (argc > 5)
		first = atol(argv[5]);
	if (argc > 6)
		window = atol(argv[6]);
	if (port <= 0 || n <= 0 || devices <= 0 || qos < 0 || qos > 1 ||
	    window < 1 || window > 65535)
		return 2;
	if ((fd = pub_connect(port)) < 0) {
		perror("mqtt_pub: connect");
		return 1;
	}
	buf_init(&out);
	mqtt_put_connect(&out, "", 1, 60);
	if (fd_write_all(fd, out.data, out.len) < 0)
		return 1;
	buf_reset(&out);
	while (!connected)
		if (pub_read(fd, in, sizeof(in), &inn, &acked, &connected) < 0)
			return 1;
	pfd.fd = fd;
	t0 = pub_now();
	while (i < n || (qos == 1 && acked < n)) {
		/* Queue what the window allows, up to one write's worth. */
		while (i < n && out.len < PUB_WRITE &&
		    (qos == 0 || i - acked < window)) {
			tl = snprintf(topic, sizeof(topic),
			    "fw/v1/devices/bench-%ld/events", first + i % devices);
			ml = snprintf(msg, sizeof(msg), "{\"ts\":%lld,\"kind\":"
			    "\"pressure\",\"value\":%ld,\"unit\":\"kPa\","
			    "\"seq\":%ld}", (long long)time(NULL) * 1000,
			    300 + i % 200, i / devices);
			pid = pid % 65535 + 1;
			mqtt_put_publish(&out, topic, (size_t)tl, (unsigned)qos,
			    pid, msg, (size_t)ml);
			i++;
		}
		if (out.len > 0) {
			if (fd_write_all(fd, out.data, out.len) < 0) {
				perror("mqtt_pub: write");
				return 1;
			}
			buf_reset(&out);
		}
		if (qos == 0)
			continue;
		/* Acknowledgements: wait for some only when the window is
		 * full or everything is sent. */
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, i < n && i - acked < window ? 0 : 1000) > 0 &&
		    pub_read(fd, in, sizeof(in), &inn, &acked, &connected) < 0) {
			fprintf(stderr, "mqtt_pub: the broker closed the "
			    "connection after %ld acknowledgements\n", acked);
			return 1;
		}
	}
	t = pub_now() - t0;
	printf("{\"messages\":%ld,\"seconds\":%.3f,\"published_per_s\":%.0f}\n",
	    n, t, (double)n / t);
	buf_reset(&out);
	mqtt_put_empty(&out, MQTT_DISCONNECT);
	(void)fd_write_all(fd, out.data, out.len);
	buf_free(&out);
	close(fd);
	return 0;
}
