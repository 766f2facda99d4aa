/*
 * The MQTT 3.1.1 packets of src/proto/mqtt.c (IOT-018): the remaining
 * length at its boundaries (§2.2.3: 127, 128, 16 383, 16 384 …), a stream
 * cut at every byte, PUBLISH taken apart at QoS 0 and 1 and refused when
 * malformed, and the bytes of the packets the gateway writes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "proto/mqtt.h"

static void
test_mqtt__remaining_length_boundaries(void **state)
{
	static const size_t	lens[] = { 0, 1, 127, 128, 16383, 16384,
	    200000 };
	static const size_t	hdr[] = { 2, 2, 2, 3, 3, 4, 4 };
	struct mqtt_packet	pk;
	struct buf		b;
	size_t			i, k;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		/* A PUBLISH-typed packet with lens[i] bytes of body. */
		buf_init(&b);
		buf_addc(&b, 0x30);
		k = lens[i];
		do {
			buf_addc(&b, (char)((k & 0x7F) | (k > 0x7F ? 0x80 : 0)));
			k >>= 7;
		} while (k > 0);
		assert_int_equal(b.len, hdr[i]);
		for (k = 0; k < lens[i]; k++)
			buf_addc(&b, 'x');
		assert_int_equal(mqtt_packet_next((unsigned char *)b.data,
		    b.len, &pk), (ssize_t)(hdr[i] + lens[i]));
		assert_int_equal(pk.type, MQTT_PUBLISH);
		assert_int_equal(pk.len, lens[i]);
		/* One byte short: wait for it. */
		assert_int_equal(mqtt_packet_next((unsigned char *)b.data,
		    b.len - 1, &pk), 0);
		buf_free(&b);
	}
}

static void
test_mqtt__refused_lengths(void **state)
{
	static const unsigned char	five[] = { 0x30, 0x80, 0x80, 0x80,
	    0x80, 0x01 };
	/* 268 435 455, the largest MQTT allows, over our 1 MiB. */
	static const unsigned char	big[] = { 0x30, 0xFF, 0xFF, 0xFF, 0x7F };
	struct mqtt_packet		pk;

	(void)state;
	assert_int_equal(mqtt_packet_next(five, sizeof(five), &pk), -1);
	assert_int_equal(mqtt_packet_next(big, sizeof(big), &pk), -1);
	assert_int_equal(mqtt_packet_next(big, 1, &pk), 0);
}

/* Three packets, fed cut at every byte, come out the same. */
static void
test_mqtt__stream_cut_anywhere(void **state)
{
	static const unsigned char	s[] = {
	    0x20, 0x02, 0x00, 0x00,				/* CONNACK */
	    0x90, 0x03, 0x00, 0x01, 0x01,			/* SUBACK */
	    0x32, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x12, 0x34,
	    '{', '}', '!',					/* PUBLISH */
	};
	static const unsigned	types[] = { MQTT_CONNACK, MQTT_SUBACK,
	    MQTT_PUBLISH };
	struct mqtt_packet	pk;
	size_t			cut, at, got;
	ssize_t			n;

	(void)state;
	for (cut = 0; cut <= sizeof(s); cut++) {
		/* What the first read (s[0..cut)) yields, then the rest. */
		at = 0;
		got = 0;
		while ((n = mqtt_packet_next(s + at, cut - at, &pk)) > 0) {
			assert_int_equal(pk.type, types[got]);
			at += (size_t)n;
			got++;
		}
		assert_int_equal(n, 0);
		while ((n = mqtt_packet_next(s + at, sizeof(s) - at, &pk)) >
		    0) {
			assert_int_equal(pk.type, types[got]);
			at += (size_t)n;
			got++;
		}
		assert_int_equal(got, 3);
		assert_int_equal(at, sizeof(s));
	}
}

static void
test_mqtt__publish_parse(void **state)
{
	/* QoS 1, topic "a/b", packet id 0x1234, payload "{}!". */
	static const unsigned char	q1[] = { 0x32, 0x0A, 0x00, 0x03, 'a',
	    '/', 'b', 0x12, 0x34, '{', '}', '!' };
	/* QoS 0: no packet id. */
	static const unsigned char	q0[] = { 0x30, 0x06, 0x00, 0x01, 't',
	    'x', 'y', 'z' };
	static const struct {
		unsigned char	b[8];
		size_t		n;
		const char	*why;
	} bad[] = {
		{ { 0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x01 }, 7, "QoS 3" },
		{ { 0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00 }, 7,
		    "packet id 0" },
		{ { 0x32, 0x04, 0x00, 0x01, 't', 0x00 }, 6, "no packet id" },
		{ { 0x30, 0x03, 0x00, 0x05, 't' }, 5, "topic past the end" },
		{ { 0x30, 0x02, 0x00, 0x00 }, 4, "empty topic" },
		{ { 0x30, 0x01, 0x00 }, 3, "no topic length" },
		{ { 0x40, 0x02, 0x00, 0x01 }, 4, "a PUBACK" },
	};
	struct mqtt_packet	pk;
	struct mqtt_publish	m;
	size_t			i;

	(void)state;
	assert_true(mqtt_packet_next(q1, sizeof(q1), &pk) > 0);
	assert_int_equal(mqtt_publish_parse(&pk, &m), 0);
	assert_int_equal(m.qos, 1);
	assert_int_equal(m.pid, 0x1234);
	assert_int_equal(m.topic_len, 3);
	assert_memory_equal(m.topic, "a/b", 3);
	assert_int_equal(m.payload_len, 3);
	assert_memory_equal(m.payload, "{}!", 3);
	assert_true(mqtt_packet_next(q0, sizeof(q0), &pk) > 0);
	assert_int_equal(mqtt_publish_parse(&pk, &m), 0);
	assert_int_equal(m.qos, 0);
	assert_int_equal(m.topic_len, 1);
	assert_int_equal(m.payload_len, 3);
	assert_memory_equal(m.payload, "xyz", 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(mqtt_packet_next(bad[i].b, bad[i].n, &pk) > 0);
		if (mqtt_publish_parse(&pk, &m) != -1)
			fail_msg("accepted: %s", bad[i].why);
	}
}

/* A PUBLISH written is the bytes of §3.3 and reads back the same, at
 * QoS 0 and 1 and with a remaining length past one byte. */
static void
test_mqtt__publish_round_trip(void **state)
{
	static const unsigned char	q1[] = { 0x32, 0x0A, 0x00, 0x03, 'a',
	    '/', 'b', 0x12, 0x34, '{', '}', '!' };
	static const unsigned char	q0[] = { 0x30, 0x06, 0x00, 0x01, 't',
	    'x', 'y', 'z' };
	char				big[300];
	struct buf			b;
	struct mqtt_packet		pk;
	struct mqtt_publish		m;

	(void)state;
	buf_init(&b);
	mqtt_put_publish(&b, "a/b", 3, 1, 0x1234, "{}!", 3);
	assert_int_equal(b.len, sizeof(q1));
	assert_memory_equal(b.data, q1, sizeof(q1));
	buf_reset(&b);
	mqtt_put_publish(&b, "t", 1, 0, 0x1234, "xyz", 3);
	assert_int_equal(b.len, sizeof(q0));
	assert_memory_equal(b.data, q0, sizeof(q0));
	buf_reset(&b);
	memset(big, 'p', sizeof(big));
	mqtt_put_publish(&b, "fw/v1/devices/d/events", 22, 1, 65535, big,
	    sizeof(big));
	/* 2 + 22 + 2 + 300 = 326: two length bytes 0xC6 0x02. */
	assert_int_equal(b.len, 1 + 2 + 326);
	assert_int_equal((unsigned char)b.data[1], 0xC6);
	assert_int_equal((unsigned char)b.data[2], 0x02);
	assert_int_equal(mqtt_packet_next((const unsigned char *)b.data, b.len,
	    &pk), (ssize_t)b.len);
	assert_int_equal(mqtt_publish_parse(&pk, &m), 0);
	assert_int_equal(m.qos, 1);
	assert_int_equal(m.pid, 65535);
	assert_int_equal(m.topic_len, 22);
	assert_memory_equal(m.topic, "fw/v1/devices/d/events", 22);
	assert_int_equal(m.payload_len, sizeof(big));
	assert_memory_equal(m.payload, big, sizeof(big));
	buf_free(&b);
}

/* The bytes the gateway writes (§3.1, §3.4, §3.8, §3.12, §3.14). */
static void
test_mqtt__encoded_bytes(void **state)
{
	static const unsigned char	connect[] = { 0x10, 0x0E, 0x00, 0x04,
	    'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x1E, 0x00, 0x02, 'f',
	    'w' };
	static const unsigned char	connect_kept[] = { 0x10, 0x0E, 0x00,
	    0x04, 'M', 'Q', 'T', 'T', 0x04, 0x00, 0x00, 0x1E, 0x00, 0x02,
	    'f', 'w' };
	static const unsigned char	sub[] = { 0x82, 0x08, 0x00, 0x01, 0x00,
	    0x03, 'a', '/', '+', 0x01 };
	static const unsigned char	ack[] = { 0x40, 0x02, 0xAB, 0xCD };
	static const unsigned char	ping[] = { 0xC0, 0x00 };
	static const unsigned char	bye[] = { 0xE0, 0x00 };
	struct buf			b;

	(void)state;
	buf_init(&b);
	mqtt_put_connect(&b, "fw", 1, 30);
	assert_int_equal(b.len, sizeof(connect));
	assert_memory_equal(b.data, connect, sizeof(connect));
	buf_reset(&b);
	mqtt_put_connect(&b, "fw", 0, 30);
	assert_memory_equal(b.data, connect_kept, sizeof(connect_kept));
	buf_reset(&b);
	mqtt_put_subscribe(&b, 1, "a/+", 1);
	assert_int_equal(b.len, sizeof(sub));
	assert_memory_equal(b.data, sub, sizeof(sub));
	buf_reset(&b);
	mqtt_put_puback(&b, 0xABCD);
	assert_memory_equal(b.data, ack, sizeof(ack));
	buf_reset(&b);
	mqtt_put_empty(&b, MQTT_PINGREQ);
	assert_memory_equal(b.data, ping, sizeof(ping));
	buf_reset(&b);
	mqtt_put_empty(&b, MQTT_DISCONNECT);
	assert_memory_equal(b.data, bye, sizeof(bye));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mqtt__remaining_length_boundaries),
		cmocka_unit_test(test_mqtt__refused_lengths),
		cmocka_unit_test(test_mqtt__stream_cut_anywhere),
		cmocka_unit_test(test_mqtt__publish_parse),
		cmocka_unit_test(test_mqtt__publish_round_trip),
		cmocka_unit_test(test_mqtt__encoded_bytes),
	};

	return cmocka_run_group_tests_name("mqtt", tests, NULL, NULL);
}
