/*
 * Fuzz target of the MQTT 3.1.1 packets (src/proto/mqtt.c) and of the
 * gateway's reading of a message (gw_map_mqtt, with its fast path for
 * the usual payload): every input is split into packets, which must lie
 * inside the input and not be found in any shorter prefix of themselves
 * (a packet split across reads is waited for, never misread); each
 * PUBLISH is taken apart, its topic and payload must lie inside its body,
 * and the payload is read as a device message twice with the same answer.
 * Encoded PUBACKs read back.  Built with the standalone driver replay.c
 * for the test suite, and as a libFuzzer binary when the compiler is
 * clang (tests/fuzz/meson.build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
#include "gateway/gw_int.h"
#include "proto/mqtt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_mqtt: %s\n", what);
		abort();
	}
}

static void
fz_publish(const struct mqtt_packet *pk)
{
	struct mqtt_publish	 m;
	struct iot_event	 ev1, ev2;
	struct err		 e1, e2;
	char			*topic;
	int			 r1, r2;

	if (mqtt_publish_parse(pk, &m) < 0)
		return;
	fz_check(m.qos <= 2, "QoS 3 accepted");
	fz_check(m.topic_len > 0, "empty topic");
	fz_check((const unsigned char *)m.topic >= pk->body &&
	    (const unsigned char *)m.topic + m.topic_len <= pk->body + pk->len,
	    "topic outside the packet");
	fz_check(m.payload >= pk->body && m.payload + m.payload_len ==
	    pk->body + pk->len, "payload outside the packet");
	fz_check(m.qos == 0 || m.pid != 0, "packet id 0 accepted");
	topic = xmalloc(m.topic_len + 1);
	memcpy(topic, m.topic, m.topic_len);
	topic[m.topic_len] = '\0';
	memset(&ev1, 0, sizeof(ev1));
	memset(&ev2, 0, sizeof(ev2));
	err_clear(&e1);
	err_clear(&e2);
	r1 = gw_map_mqtt(topic, m.payload, m.payload_len, 1767225600000, &ev1,
	    &e1);
	r2 = gw_map_mqtt(topic, m.payload, m.payload_len, 1767225600000, &ev2,
	    &e2);
	fz_check(r1 == r2, "the same message read two ways");
	if (r1 == 0)
		fz_check(ev1.kind == ev2.kind && ev1.dedup == ev2.dedup &&
		    ev1.value == ev2.value && ev1.device_at == ev2.device_at,
		    "the same message, other events");
	else
		fz_check(strcmp(e1.msg, e2.msg) == 0 && e1.msg[0] != '\0',
		    "the same refusal, or none said");
	free(topic);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mqtt_packet	 pk, pk2;
	struct buf		 b;
	size_t			 at = 0, k;
	ssize_t			 n;

	while (at < size) {
		n = mqtt_packet_next(data + at, size - at, &pk);
		if (n <= 0)
			break;
		k = (size_t)n;
		fz_check(k <= size - at, "packet longer than the input");
		fz_check(pk.body > data + at && pk.body + pk.len ==
		    data + at + k, "body outside the packet");
		fz_check(pk.len <= MQTT_PACKET_MAX, "body over the limit");
		/* Cut short, the same bytes are waited for. */
		fz_check(mqtt_packet_next(data + at, k - 1, &pk2) == 0,
		    "a cut packet read as one");
		if (pk.type == MQTT_PUBLISH)
			fz_publish(&pk);
		at += k;
	}
	/* A PUBACK of the first two bytes reads back. */
	buf_init(&b);
	mqtt_put_puback(&b, size >= 2 ? (unsigned)data[0] << 8 | data[1] : 1);
	n = mqtt_packet_next((const unsigned char *)b.data, b.len, &pk);
	fz_check(n == 4 && pk.type == MQTT_PUBACK && pk.len == 2,
	    "PUBACK does not read back");
	buf_free(&b);
	return 0;
}
