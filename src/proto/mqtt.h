/*
 * MQTT 3.1.1 packets, the part a QoS 1 subscriber needs (OASIS MQTT
 * 3.1.1, §2 and §3): splitting a byte stream into packets, reading a
 * PUBLISH, and writing CONNECT, SUBSCRIBE, PUBLISH, PUBACK, PINGREQ and
 * DISCONNECT.  Pure: no I/O, src/core only; the gateway's client
 * (src/gateway/gw_mqtt.c), the fuzz target and the benchmark's
 * publisher (bench/mqtt_pub.c) use it.
 */
#ifndef FW_MQTT_H
#define FW_MQTT_H

#include <stddef.h>
#include <sys/types.h>

#include "../core/buf.h"

#define MQTT_PACKET_MAX	(1024 * 1024)	/* larger bodies: refused */

enum mqtt_type {
	MQTT_CONNECT = 1, MQTT_CONNACK = 2, MQTT_PUBLISH = 3, MQTT_PUBACK = 4,
	MQTT_SUBSCRIBE = 8, MQTT_SUBACK = 9, MQTT_PINGREQ = 12,
	MQTT_PINGRESP = 13, MQTT_DISCONNECT = 14,
};

struct mqtt_packet {
	unsigned		 type;		/* high nibble of byte 1 */
	unsigned		 flags;		/* low nibble */
	const unsigned char	*body;		/* after the fixed header */
	size_t			 len;
};

/*
 * The packet at the start of p[0..n): its whole size (> 0) with *pk set,
 * 0 when more bytes are needed, -1 when the stream is not MQTT (a
 * remaining length of more than four bytes, or a body over
 * MQTT_PACKET_MAX).
 */
ssize_t	mqtt_packet_next(const unsigned char *p, size_t n,
	    struct mqtt_packet *pk);

struct mqtt_publish {
	const char		*topic;		/* not NUL-terminated */
	size_t			 topic_len;
	unsigned		 qos;		/* 0, 1 or 2 */
	unsigned		 pid;		/* when qos > 0 */
	const unsigned char	*payload;
	size_t			 payload_len;
};

/*
 * A PUBLISH packet's parts (§3.3): -1 when it is not one, its QoS is 3,
 * its topic runs past the body or is empty, or a QoS > 0 message has no
 * packet id or packet id 0.
 */
int	mqtt_publish_parse(const struct mqtt_packet *pk,
	    struct mqtt_publish *out);

/* Packets into b. */
void	mqtt_put_connect(struct buf *b, const char *client_id, int clean,
	    unsigned keepalive_s);
void	mqtt_put_subscribe(struct buf *b, unsigned pid, const char *filter,
	    unsigned qos);
/* A PUBLISH (§3.3) with DUP and RETAIN 0; pid is written when qos > 0.
 * topic_len must fit 16 bits. */
void	mqtt_put_publish(struct buf *b, const char *topic, size_t topic_len,
	    unsigned qos, unsigned pid, const void *payload,
	    size_t payload_len);
void	mqtt_put_puback(struct buf *b, unsigned pid);
/* A packet with no body: PINGREQ, DISCONNECT. */
void	mqtt_put_empty(struct buf *b, enum mqtt_type type);

#endif
