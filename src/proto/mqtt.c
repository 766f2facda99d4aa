/*
 * MQTT 3.1.1 packets for a QoS 1 subscriber (mqtt.h).  The remaining
 * length is the variable-byte integer of §2.2.3 (at most four bytes);
 * strings are a two-byte big-endian length and their bytes (§1.5.3).
 */
#include <string.h>

#include "mqtt.h"

ssize_t
mqtt_packet_next(const unsigned char *p, size_t n, struct mqtt_packet *pk)
{
	size_t		len = 0, k;
	unsigned	shift = 0;

	for (k = 1; ; k++, shift += 7) {
		if (k > 4)
			return -1;
		if (k >= n)
			return 0;
		len |= (size_t)(p[k] & 0x7F) << shift;
		if (!(p[k] & 0x80))
			break;
	}
	k++;
	if (len > MQTT_PACKET_MAX)
		return -1;
	if (n - k < len)
		return 0;
	pk->type = p[0] >> 4;
	pk->flags = p[0] & 0x0F;
	pk->body = p + k;
	pk->len = len;
	return (ssize_t)(k + len);
}

int
mqtt_publish_parse(const struct mqtt_packet *pk, struct mqtt_publish *out)
{
	const unsigned char	*p = pk->body;
	size_t			 n = pk->len, tl, off;

	memset(out, 0, sizeof(*out));
	if (pk->type != MQTT_PUBLISH || n < 2)
		return -1;
	out->qos = pk->flags >> 1 & 3;
	tl = (size_t)p[0] << 8 | p[1];
	if (out->qos == 3 || tl == 0 || tl > n - 2)
		return -1;
	off = 2 + tl;
	if (out->qos > 0) {
		if (n - off < 2)
			return -1;
		out->pid = (unsigned)p[off] << 8 | p[off + 1];
		if (out->pid == 0)
			return -1;
		off += 2;
	}
	out->topic = (const char *)p + 2;
	out->topic_len = tl;
	out->payload = p + off;
	out->payload_len = n - off;
	return 0;
}

static void
mqtt_u16(struct buf *b, unsigned v)
{
	unsigned char	c[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	buf_add(b, c, 2);
}

static void
mqtt_str(struct buf *b, const char *s)
{
	size_t	n = strlen(s);

	mqtt_u16(b, (unsigned)n);
	buf_add(b, s, n);
}

/* The fixed header of a packet whose body is n bytes. */
static void
mqtt_head(struct buf *b, unsigned first, size_t n)
{
	unsigned char	c[5];
	size_t		k = 0;

	c[k++] = (unsigned char)first;
	do {
		c[k] = (unsigned char)(n & 0x7F);
		n >>= 7;
		if (n > 0)
			c[k] |= 0x80;
		k++;
	} while (n > 0);
	buf_add(b, c, k);
}

void
mqtt_put_connect(struct buf *b, const char *client_id, int clean,
    unsigned keepalive_s)
{
	struct buf	v;

	buf_init(&v);
	mqtt_str(&v, "MQTT");
	buf_addc(&v, 4);			/* protocol level 3.1.1 */
	buf_addc(&v, clean ? 0x02 : 0x00);	/* connect flags */
	mqtt_u16(&v, keepalive_s);
	mqtt_str(&v, client_id);
	mqtt_head(b, MQTT_CONNECT << 4, v.len);
	buf_add(b, v.data, v.len);
	buf_free(&v);
}

void
mqtt_put_subscribe(struct buf *b, unsigned pid, const char *filter,
    unsigned qos)
{
	struct buf	v;

	buf_init(&v);
	mqtt_u16(&v, pid);
	mqtt_str(&v, filter);
	buf_addc(&v, (char)qos);
	/* §3.8.1: bits 3..0 of a SUBSCRIBE are 0010. */
	mqtt_head(b, MQTT_SUBSCRIBE << 4 | 0x02, v.len);
	buf_add(b, v.data, v.len);
	buf_free(&v);
}

void
mqtt_put_publish(struct buf *b, const char *topic, size_t topic_len,
    unsigned qos, unsigned pid, const void *payload, size_t payload_len)
{
	/* §3.3.1: DUP 0, RETAIN 0; §3.3.2: the topic, then a packet id
	 * only when QoS > 0. */
	mqtt_head(b, MQTT_PUBLISH << 4 | (qos & 3) << 1,
	    2 + topic_len + (qos > 0 ? 2 : 0) + payload_len);
	mqtt_u16(b, (unsigned)topic_len);
	buf_add(b, topic, topic_len);
	if (qos > 0)
		mqtt_u16(b, pid);
	buf_add(b, payload, payload_len);
}

void
mqtt_put_puback(struct buf *b, unsigned pid)
{
	mqtt_head(b, MQTT_PUBACK << 4, 2);
	mqtt_u16(b, pid);
}

void
mqtt_put_empty(struct buf *b, enum mqtt_type type)
{
	mqtt_head(b, (unsigned)type << 4, 0);
}
