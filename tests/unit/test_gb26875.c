/*
 * Unit tests of the GB/T 26875.3 library (src/proto): the public frames,
 * negative frames and ADU-only vectors of the protocol notes decoded to
 * the meaning given there; the streaming parser fed in one piece, split
 * at every byte and with garbage between frames; encode -> decode round
 * trips of every type the library encodes; the replies; time labels and
 * text quirks; and bad inputs, which must never crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "proto/gb26875.h"
#include "proto/gb26875_int.h"

/* Section A of vectors.txt: valid frames, in the file's order. */
static const char *const valid_frames[] = {
	/* 0: send-data, type 2 component fire alarm (ActorLancer doc) */
	"404001000101203A091A090C790300000000385B010000003000020201010128"
	"0A00020002002020202020202020202020202020202020202020202020202020"
	"2020202000023A091A090C462323",
	/* 1: centre confirm of serial 1 */
	"404001000101233A091A090C385B01000000790300000000000003AB2323",
	/* 2: centre deny of serial 1 */
	"404001000101233A091A090C385B01000000790300000000000006AE2323",
	/* 3: type 21, main power fault */
	"404001000101203A091A090C790300000000385B01000000090002150108023A"
	"091A090C422323",
	/* 4: type 24, inspection answered */
	"404001000101203A091A090C790300000000385B010000000A00021801200102"
	"3A091A090C5F2323",
	/* 5: type 25, V1.1 */
	"404001000101203A091A090C790300000000385B0100000004000219010101C7"
	"2323",
	/* 6: type 28, UITD time */
	"404001000101203A091A090C790300000000385B010000000800021C01023A09"
	"1A090C402323",
	/* 7: request 81 */
	"404001000101203A091A090C385B01000000790300000000030004510100FE23"
	"23",
	/* 8: answer type 21 */
	"404001000101203A091A090C790300000000385B01000000090005150108023A"
	"091A090C452323",
	/* 9: UITD deny */
	"404001000101233A091A090C790300000000385B01000000000006AE2323",
	/* 10: request 85 */
	"404001000101203A091A090C385B010000007903000000000300045501000223"
	"23",
	/* 11: answer type 25 */
	"404001000101203A091A090C790300000000385B0100000004000519010101CA"
	"2323",
	/* 12: request 88 */
	"404001000101203A091A090C385B010000007903000000000300045801000523"
	"23",
	/* 13: answer type 28 */
	"404001000101203A091A090C790300000000385B010000000800051C01023A09"
	"1A090C432323",
	/* 14: control 89, initialise */
	"404001000101203A091A090C385B010000007903000000000300015901000323"
	"23",
	/* 15: UITD confirm */
	"404001000101233A091A090C790300000000385B01000000000003AB2323",
	/* 16: control 90, clock sync */
	"404001000101203A091A090C385B010000007903000000000800015A01023A09"
	"1A090C7D2323",
	/* 17: control 91, inspection, 10 minutes */
	"404001000101203A091A090C385B010000007903000000000300015B010A0F23"
	"23",
	/* 18: type 2 with GB18030 text (shootingfans) */
	"404000000101180D11160A140000000000000605040302013000020201010300"
	"D90006000200A3C1C7F8A3B1B2E3DFC8B2B8D7DFC0C800000000000000000000"
	"0000000000301213010814682323",
};
#define NVALID	(sizeof(valid_frames) / sizeof(valid_frames[0]))

/* The header of each valid frame: serial, command, type, count, source. */
static const struct {
	unsigned	serial, cmd;
	int		type;
	unsigned	count;
	uint64_t	src, dst;
} valid_hdr[NVALID] = {
	{ 1, 2, 2, 1, 889, 88888 },
	{ 1, 3, -1, 0, 88888, 889 },
	{ 1, 6, -1, 0, 88888, 889 },
	{ 1, 2, 21, 1, 889, 88888 },
	{ 1, 2, 24, 1, 889, 88888 },
	{ 1, 2, 25, 1, 889, 88888 },
	{ 1, 2, 28, 1, 889, 88888 },
	{ 1, 4, 81, 1, 88888, 889 },
	{ 1, 5, 21, 1, 889, 88888 },
	{ 1, 6, -1, 0, 889, 88888 },
	{ 1, 4, 85, 1, 88888, 889 },
	{ 1, 5, 25, 1, 889, 88888 },
	{ 1, 4, 88, 1, 88888, 889 },
	{ 1, 5, 28, 1, 889, 88888 },
	{ 1, 1, 89, 1, 88888, 889 },
	{ 1, 3, -1, 0, 889, 88888 },
	{ 1, 1, 90, 1, 88888, 889 },
	{ 1, 1, 91, 1, 88888, 889 },
	{ 0, 2, 2, 1, 0, 0x010203040506ULL },
};

/* Section B: negative frames, all failing their checksum. */
static const char *const bad_checksum_frames[] = {
	"404000000101180D11160A140000000000000605040302013000020201010300"
	"D90006000200A3C1C7F8A3B1B2E3DFC8B2B8D7DFC0C800000000000000000000"
	"0000000000301213010814632323",
	"4040690010000A110E030615AC103CD56D1D00000000000001000317302323",
	"4040000901002E070A190B13009A243BE6360000000000013000020201010081"
	"0000036500020000000000000000000000000000000000000000000000000000"
	"00000000002E070A190B13002323",
};

/* Hex (no spaces) into out; returns the byte count. */
static size_t
unhex(const char *s, unsigned char *out)
{
	size_t	n = strlen(s) / 2;
	char	*copy = xstrndup(s, 2 * n);

	assert_int_equal(strlen(s) % 2, 0);
	assert_int_equal(str_unhex(copy, out, n), 0);
	free(copy);
	return n;
}

static struct gb26875_frame *
parse_ok(const char *hex)
{
	struct gb26875_frame	*f = NULL;
	struct err		 e;
	unsigned char		 b[GB26875_FRAME_MAX + 64];
	size_t			 n = unhex(hex, b);

	if (gb26875_frame_decode(b, n, &f, &e) != 0)
		fail_msg("%s: %s", hex, e.msg);
	return f;
}

static struct gb26875_frame *
adu_ok(const char *hex)
{
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct err		 e;
	unsigned char		 b[GB26875_ADU_MAX + 64];
	size_t			 n = unhex(hex, b);

	assert_int_equal(gb26875_adu_parse(b, n, f, &e), 0);
	return f;
}

static void
assert_time(const struct gb26875_time *t, int y, int mo, int d, int h,
    int mi, int s)
{
	assert_int_equal(t->kind, GB26875_TIME_BINARY);
	assert_int_equal(t->year, y);
	assert_int_equal(t->month, mo);
	assert_int_equal(t->day, d);
	assert_int_equal(t->hour, h);
	assert_int_equal(t->minute, mi);
	assert_int_equal(t->second, s);
}

static char *
frame_json(const struct gb26875_frame *f)
{
	json_t	*j = gb26875_frame_json(f);
	char	*s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_REAL_PRECISION(15));

	json_decref(j);
	assert_non_null(s);
	return s;
}

static void
test_gb26875__vectors_headers(void **state)
{
	struct gb26875_frame	*f;
	size_t			 i;

	(void)state;
	for (i = 0; i < NVALID; i++) {
		f = parse_ok(valid_frames[i]);
		assert_int_equal(f->hdr.serial, valid_hdr[i].serial);
		assert_int_equal(f->hdr.command, valid_hdr[i].cmd);
		assert_int_equal(f->type, valid_hdr[i].type);
		assert_int_equal(f->count, valid_hdr[i].count);
		assert_int_equal(gb26875_addr(f->hdr.source), valid_hdr[i].src);
		assert_int_equal(gb26875_addr(f->hdr.destination),
		    valid_hdr[i].dst);
		assert_int_equal(f->hdr.version_main, 1);
		assert_int_equal(f->hdr.version_user, 1);
		assert_int_equal(f->adu_state, valid_hdr[i].type < 0 ?
		    GB26875_ADU_EMPTY : GB26875_ADU_DECODED);
		assert_int_equal(f->nobj, valid_hdr[i].count);
		assert_int_equal(f->raw_len, strlen(valid_frames[i]) / 2);
		assert_int_equal(f->hdr.adu_len, f->raw_len - 30);
		/* No heartbeat among them: those with no ADU are replies. */
		assert_false(gb26875_frame_is_heartbeat(f));
		gb26875_frame_free(f);
	}
}

/* PROTOCOL.md §7: the worked decode. */
static void
test_gb26875__vector_component_fire_alarm(void **state)
{
	struct gb26875_frame		*f;
	const struct gb26875_comp_state	*c;

	(void)state;
	f = parse_ok(valid_frames[0]);
	assert_time(&f->hdr.time, 2012, 9, 26, 9, 58, 32);
	assert_int_equal(f->hdr.adu_len, 48);
	assert_int_equal(f->hdr.checksum, 0x46);
	assert_int_equal(f->type, GB26875_COMP_STATE);
	c = &f->obj[0].comp_state;
	assert_int_equal(c->sys_type, 1);
	assert_int_equal(c->sys_addr, 1);
	assert_int_equal(c->comp_type, 40);
	/* 0A 00 02 00: zone 10, point 2 as two LE u16. */
	assert_int_equal(c->comp_addr, 0x0002000a);
	assert_int_equal(c->comp_addr & 0xffff, 10);
	assert_int_equal(c->comp_addr >> 16, 2);
	/* 02 00 is the fire alarm bit, not 0x0200 (byte order). */
	assert_int_equal(c->state, GB26875_SYS_FIRE);
	assert_string_equal(c->desc, "");
	assert_time(&c->time, 2012, 9, 26, 9, 58, 2);
	assert_int_equal(gb26875_reply_command(&f->hdr), GB26875_CMD_CONFIRM);
	assert_int_equal(f->flags, 0);
	gb26875_frame_free(f);
}

static void
test_gb26875__vector_gb18030_description(void **state)
{
	struct gb26875_frame		*f;
	const struct gb26875_comp_state	*c;

	(void)state;
	f = parse_ok(valid_frames[18]);
	assert_time(&f->hdr.time, 2020, 10, 22, 17, 13, 24);
	c = &f->obj[0].comp_state;
	assert_int_equal(c->sys_type, 1);
	assert_int_equal(c->sys_addr, 3);
	assert_int_equal(c->comp_type, 0);
	assert_int_equal(c->comp_addr, 0x000600d9);
	assert_int_equal(c->state, GB26875_SYS_FIRE);
	assert_string_equal(c->desc, "Ａ区１层呷哺走廊");
	assert_time(&c->time, 2020, 8, 1, 19, 18, 48);
	assert_int_equal(f->flags & GB26875_F_TEXT_LOSSY, 0);
	gb26875_frame_free(f);
}

static void
test_gb26875__vector_uitd_objects(void **state)
{
	struct gb26875_frame	*f;

	(void)state;
	/* Type 21: main power fault; as an answer (cmd 5) too. */
	f = parse_ok(valid_frames[3]);
	assert_int_equal(f->obj[0].uitd_state.state, GB26875_UITD_MAIN_POWER);
	assert_time(&f->obj[0].uitd_state.time, 2012, 9, 26, 9, 58, 2);
	gb26875_frame_free(f);
	f = parse_ok(valid_frames[8]);
	assert_int_equal(f->hdr.command, GB26875_CMD_ANSWER);
	assert_int_equal(f->obj[0].uitd_state.state, GB26875_UITD_MAIN_POWER);
	assert_int_equal(gb26875_reply_command(&f->hdr), 0);
	gb26875_frame_free(f);
	/* Type 24: inspection answered by operator 1. */
	f = parse_ok(valid_frames[4]);
	assert_int_equal(f->obj[0].uitd_op.op, GB26875_OP_CONFIRM);
	assert_int_equal(f->obj[0].uitd_op.operator_no, 1);
	assert_time(&f->obj[0].uitd_op.time, 2012, 9, 26, 9, 58, 2);
	gb26875_frame_free(f);
	/* Type 25: V1.1, sent and answered. */
	f = parse_ok(valid_frames[5]);
	assert_int_equal(f->obj[0].uitd_version.major, 1);
	assert_int_equal(f->obj[0].uitd_version.minor, 1);
	gb26875_frame_free(f);
	f = parse_ok(valid_frames[11]);
	assert_int_equal(f->obj[0].uitd_version.major, 1);
	assert_int_equal(f->obj[0].uitd_version.minor, 1);
	gb26875_frame_free(f);
	/* Type 28: the UITD's clock. */
	f = parse_ok(valid_frames[6]);
	assert_time(&f->obj[0].clock.time, 2012, 9, 26, 9, 58, 2);
	gb26875_frame_free(f);
	f = parse_ok(valid_frames[13]);
	assert_time(&f->obj[0].clock.time, 2012, 9, 26, 9, 58, 2);
	gb26875_frame_free(f);
}

static void
test_gb26875__vector_centre_commands(void **state)
{
	struct gb26875_frame	*f;
	static const int	 reqs[][2] = { { 7, 81 }, { 10, 85 },
	    { 12, 88 }, { 14, 89 } };
	size_t			 i;

	(void)state;
	for (i = 0; i < 4; i++) {
		f = parse_ok(valid_frames[reqs[i][0]]);
		assert_int_equal(f->type, reqs[i][1]);
		assert_int_equal(f->obj[0].reserved.reserved, 0);
		assert_int_equal(f->hdr.command,
		    gb26875_type_command(reqs[i][1]));
		gb26875_frame_free(f);
	}
	f = parse_ok(valid_frames[16]);
	assert_int_equal(f->type, GB26875_SYNC_CLOCK);
	assert_int_equal(f->hdr.command, GB26875_CMD_CONTROL);
	assert_time(&f->obj[0].clock.time, 2012, 9, 26, 9, 58, 2);
	gb26875_frame_free(f);
	f = parse_ok(valid_frames[17]);
	assert_int_equal(f->type, GB26875_INSPECT);
	assert_int_equal(f->obj[0].inspect.timeout_min, 10);
	gb26875_frame_free(f);
	/* Confirms and denies carry nothing and get no reply. */
	f = parse_ok(valid_frames[1]);
	assert_time(&f->hdr.time, 2012, 9, 26, 9, 58, 35);
	assert_int_equal(gb26875_reply_command(&f->hdr), 0);
	gb26875_frame_free(f);
}

static void
test_gb26875__vectors_negative(void **state)
{
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct gb26875_header	 h;
	struct err		 e;
	unsigned char		 b[GB26875_FRAME_MAX + 64];
	size_t			 i, n;

	(void)state;
	for (i = 0; i < 3; i++) {
		n = unhex(bad_checksum_frames[i], b);
		assert_int_equal(gb26875_frame_parse(b, n, f, &e),
		    ERR_INVALID);
		assert_string_equal(e.field, "checksum");
		/* The envelope is right, so it can be denied. */
		assert_int_equal(gb26875_header_peek(b, n, &h, &e), 0);
	}
	assert_non_null(strstr(e.msg, "00"));
	assert_non_null(strstr(e.msg, "2D"));
	/* Shorter than 30 bytes. */
	n = unhex(valid_frames[1], b);
	assert_int_equal(gb26875_frame_parse(b, 29, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "frame");
	assert_int_equal(gb26875_frame_parse(b, 0, f, &e), ERR_INVALID);
	/* Start marker. */
	b[1] = 0x41;
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "start");
	b[1] = 0x40;
	/* End marker (## checked where the length puts it). */
	b[n - 1] = 0x24;
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "end");
	assert_int_equal(gb26875_header_peek(b, n, &h, &e), ERR_INVALID);
	b[n - 1] = 0x23;
	/* Length field and actual length disagree. */
	n = unhex(valid_frames[3], b);
	assert_int_equal(gb26875_frame_parse(b, n - 1, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "length");
	assert_int_equal(gb26875_frame_parse(b, n + 1, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "length");
	b[24] = 8;
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "length");
	/* Over the 1024-byte limit. */
	b[24] = 0x01;
	b[25] = 0x04;
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "length");
	assert_non_null(strstr(e.msg, "1025"));
	free(f);
}

static void
test_gb26875__adu_vectors(void **state)
{
	struct gb26875_frame	*f;
	char			*j;

	(void)state;
	/* Type 1: fault + backup power fault, bit 0 clear (test mode). */
	f = adu_ok("010101020402040009020715");
	assert_int_equal(f->adu_state, GB26875_ADU_DECODED);
	assert_int_equal(f->obj[0].sys_state.sys_type, 1);
	assert_int_equal(f->obj[0].sys_state.sys_addr, 2);
	assert_int_equal(f->obj[0].sys_state.state,
	    GB26875_SYS_FAULT | GB26875_SYS_BACKUP_POWER);
	assert_time(&f->obj[0].sys_state.time, 2021, 7, 2, 9, 0, 4);
	j = frame_json(f);
	assert_non_null(strstr(j, "\"state_flags\":[\"fault\","
	    "\"backup_power_fault\"]"));
	assert_null(strstr(j, "serial"));
	free(j);
	free(f);
	f = adu_ok("0102010204020400090207150D030501050009020715");
	assert_int_equal(f->nobj, 2);
	assert_int_equal(f->obj[1].sys_state.sys_type, 13);
	assert_int_equal(f->obj[1].sys_state.sys_addr, 3);
	assert_int_equal(f->obj[1].sys_state.state, GB26875_SYS_NORMAL |
	    GB26875_SYS_FAULT | GB26875_SYS_MAIN_POWER);
	assert_time(&f->obj[1].sys_state.time, 2021, 7, 2, 9, 0, 5);
	free(f);
	/* Type 2 with GB18030 text. */
	f = adu_ok("0201010279010203040402D5E2CAC7D2BBB8F6D7AAC2EBB2E2CAD4"
	    "000000000000000000000000000000040009020715");
	assert_int_equal(f->obj[0].comp_state.comp_type, 121);
	assert_int_equal(f->obj[0].comp_state.comp_addr, 0x04030201);
	assert_int_equal(f->obj[0].comp_state.state, 0x0204);
	assert_string_equal(f->obj[0].comp_state.desc, "这是一个转码测试");
	assert_time(&f->obj[0].comp_state.time, 2021, 7, 2, 9, 0, 4);
	free(f);
	/* Type 3: 80.0 °C, then 204.81 m. */
	f = adu_ok("030101022801020304032003040009020715");
	assert_int_equal(f->obj[0].analog.comp_type, 40);
	assert_int_equal(f->obj[0].analog.comp_addr, 0x04030201);
	assert_int_equal(f->obj[0].analog.analog_type, 3);
	assert_int_equal(f->obj[0].analog.value, 800);
	j = frame_json(f);
	assert_non_null(strstr(j, "\"value\":80.0"));
	assert_non_null(strstr(j, "\"unit\":\"°C\""));
	free(j);
	free(f);
	f = adu_ok("0302010228010203040320030400090207150D0379030405060201"
	    "50050009020715");
	assert_int_equal(f->nobj, 2);
	assert_int_equal(f->obj[1].analog.sys_type, 13);
	assert_int_equal(f->obj[1].analog.comp_type, 121);
	assert_int_equal(f->obj[1].analog.comp_addr, 0x06050403);
	assert_int_equal(f->obj[1].analog.analog_type, 2);
	assert_int_equal(f->obj[1].analog.value, 20481);
	j = frame_json(f);
	assert_non_null(strstr(j, "\"value\":204.81"));
	free(j);
	free(f);
	/* Type 4: manual alarm + reserved bit 7, operator 250. */
	f = adu_ok("0401010284FA040009020715");
	assert_int_equal(f->obj[0].sys_op.op, 0x84);
	assert_int_equal(f->obj[0].sys_op.operator_no, 250);
	assert_time(&f->obj[0].sys_op.time, 2021, 7, 2, 9, 0, 4);
	j = frame_json(f);
	assert_non_null(strstr(j, "[\"manual_alarm\",\"bit7\"]"));
	free(j);
	free(f);
	/* Type 5: no time label. */
	f = adu_ok("050101020304");
	assert_int_equal(f->obj[0].sys_version.sys_addr, 2);
	assert_int_equal(f->obj[0].sys_version.major, 3);
	assert_int_equal(f->obj[0].sys_version.minor, 4);
	free(f);
	f = adu_ok("08010102040009020715");
	assert_int_equal(f->obj[0].sys_time.sys_type, 1);
	assert_time(&f->obj[0].sys_time.time, 2021, 7, 2, 9, 0, 4);
	free(f);
	f = adu_ok("150108040009020715");
	assert_int_equal(f->obj[0].uitd_state.state, 0x08);
	free(f);
	/* Type 24: reset + self-test + inspection answered. */
	f = adu_ok("180131FA040009020715");
	assert_int_equal(f->obj[0].uitd_op.op, GB26875_OP_RESET |
	    GB26875_OP_SELF_TEST | GB26875_OP_CONFIRM);
	assert_int_equal(f->obj[0].uitd_op.operator_no, 250);
	free(f);
	f = adu_ok("19010304");
	assert_int_equal(f->obj[0].uitd_version.major, 3);
	assert_int_equal(f->obj[0].uitd_version.minor, 4);
	free(f);
	f = adu_ok("1C01050009020715");
	assert_time(&f->obj[0].clock.time, 2021, 7, 2, 9, 0, 5);
	free(f);
	/* Downlink 61 and 62 (no component type in 62). */
	f = adu_ok("3D0201010D02");
	assert_int_equal(f->nobj, 2);
	assert_int_equal(f->obj[1].sys_ref.sys_type, 13);
	assert_int_equal(f->obj[1].sys_ref.sys_addr, 2);
	free(f);
	f = adu_ok("3E020101030211010D0378563412");
	assert_int_equal(f->obj[0].comp_ref.comp_addr, 0x01110203);
	assert_int_equal(f->obj[1].comp_ref.sys_type, 13);
	assert_int_equal(f->obj[1].comp_ref.sys_addr, 3);
	assert_int_equal(f->obj[1].comp_ref.comp_addr, 0x12345678);
	free(f);
	/* Type 64 as given is a prefix without its start time: kept raw. */
	f = adu_ok("400101010A");
	assert_int_equal(f->adu_state, GB26875_ADU_MISMATCH);
	assert_int_equal(f->type, 64);
	assert_non_null(f->adu_note);
	j = frame_json(f);
	assert_non_null(strstr(j, "\"adu\":\"400101010a\""));
	free(j);
	free(f);
	f = adu_ok("400101010A040009020715");
	assert_int_equal(f->adu_state, GB26875_ADU_DECODED);
	assert_int_equal(f->obj[0].sys_log_req.sys_type, 1);
	assert_int_equal(f->obj[0].sys_log_req.sys_addr, 1);
	assert_int_equal(f->obj[0].sys_log_req.count, 10);
	assert_time(&f->obj[0].sys_log_req.start, 2021, 7, 2, 9, 0, 4);
	free(f);
}

/* A stream of all valid frames; *n its length, offsets in off[]. */
static unsigned char *
all_frames(size_t *n, size_t off[NVALID + 1])
{
	unsigned char	*s = xmalloc(NVALID * GB26875_FRAME_MAX);
	size_t		 i, len = 0;

	for (i = 0; i < NVALID; i++) {
		off[i] = len;
		len += unhex(valid_frames[i], s + len);
	}
	off[NVALID] = len;
	*n = len;
	return s;
}

/*
 * Drain p into the frames seen so far, checking each against the valid
 * frame expected next; returns the count now seen.
 */
static size_t
drain(struct gb26875_parser *p, struct gb26875_frame *f, size_t seen,
    const unsigned char *stream, const size_t *off)
{
	struct err	e;
	int		rc;

	while ((rc = gb26875_parser_next(p, f, &e)) != 0) {
		assert_int_equal(rc, 1);
		assert_true(seen < NVALID);
		assert_int_equal(f->raw_len, off[seen + 1] - off[seen]);
		assert_memory_equal(f->raw, stream + off[seen], f->raw_len);
		seen++;
	}
	return seen;
}

static void
test_gb26875__stream_one_piece_and_every_split(void **state)
{
	struct gb26875_parser	 p;
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	unsigned char		*s;
	size_t			 off[NVALID + 1], n, k, seen;

	(void)state;
	s = all_frames(&n, off);
	gb26875_parser_init(&p, 0);
	gb26875_parser_feed(&p, s, n);
	assert_int_equal(drain(&p, f, 0, s, off), NVALID);
	assert_int_equal(p.stats.frames, NVALID);
	assert_int_equal(p.stats.skipped, 0);
	assert_int_equal(gb26875_parser_pending(&p), 0);
	gb26875_parser_free(&p);
	/* Two pieces, split at every offset. */
	for (k = 0; k <= n; k++) {
		gb26875_parser_init(&p, 0);
		gb26875_parser_feed(&p, s, k);
		seen = drain(&p, f, 0, s, off);
		gb26875_parser_feed(&p, s + k, n - k);
		assert_int_equal(drain(&p, f, seen, s, off), NVALID);
		assert_int_equal(p.stats.skipped, 0);
		gb26875_parser_free(&p);
	}
	/* One byte at a time. */
	gb26875_parser_init(&p, 0);
	for (k = 0, seen = 0; k < n; k++) {
		gb26875_parser_feed(&p, s + k, 1);
		seen = drain(&p, f, seen, s, off);
	}
	assert_int_equal(seen, NVALID);
	assert_int_equal(p.stats.skipped, 0);
	gb26875_parser_free(&p);
	free(s);
	free(f);
}

static void
test_gb26875__stream_garbage_skipped_and_counted(void **state)
{
	/* A DTU registration string, lone and paired @, a false start. */
	static const char *const junk[] = {
		"REG:860000000000001\r\n", "@", "x@y@", "@@", "##@@##", "\0\0",
	};
	struct gb26875_parser	 p;
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	unsigned char		*s, *g;
	size_t			 off[NVALID + 1], n, gn, k;
	size_t			 jl, junk_total = 0, seen, i;
	struct err		 e;

	(void)state;
	s = all_frames(&n, off);
	g = xmalloc(2 * n + 256);
	gn = 0;
	for (i = 0; i < NVALID; i++) {
		jl = i % 6 == 5 ? 2 : strlen(junk[i % 6]);
		memcpy(g + gn, junk[i % 6], jl);
		gn += jl;
		junk_total += jl;
		memcpy(g + gn, s + off[i], off[i + 1] - off[i]);
		gn += off[i + 1] - off[i];
	}
	memcpy(g + gn, "trailing", 8);
	gn += 8;
	junk_total += 8;
	/* In one piece, and split at every offset. */
	for (k = 0; k <= gn; k += k == 0 ? 1 : (k < 200 ? 1 : 7)) {
		gb26875_parser_init(&p, 0);
		gb26875_parser_feed(&p, g, k);
		seen = drain(&p, f, 0, s, off);
		gb26875_parser_feed(&p, g + k, gn - k);
		seen = drain(&p, f, seen, s, off);
		/* No false start holds a frame back: no finish needed. */
		assert_int_equal(seen, NVALID);
		gb26875_parser_finish(&p);
		assert_int_equal(gb26875_parser_next(&p, f, &e), 0);
		assert_int_equal(p.stats.frames, NVALID);
		assert_int_equal(p.stats.skipped, junk_total);
		/* A gap before every frame, and the trailing one. */
		if (p.stats.garbage != NVALID + 1)
			fail_msg("split at %zu: %llu gaps", k,
			    (unsigned long long)p.stats.garbage);
		assert_int_equal(p.stats.bad_checksum, 0);
		assert_int_equal(gb26875_parser_pending(&p), 0);
		gb26875_parser_free(&p);
	}
	free(g);
	free(s);
	free(f);
}

static void
test_gb26875__stream_bad_checksum_reported_then_resync(void **state)
{
	struct gb26875_parser	 p;
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct gb26875_time	 now;
	struct err		 e;
	unsigned char		 b[3 * GB26875_FRAME_MAX], out[64];
	size_t			 n = 0, bad, len;

	(void)state;
	bad = unhex(bad_checksum_frames[1], b);
	n = bad;
	n += unhex(valid_frames[3], b + n);
	n += unhex(bad_checksum_frames[0], b + n);
	n += unhex(valid_frames[0], b + n);
	gb26875_parser_init(&p, 0);
	gb26875_parser_feed(&p, b, n);
	assert_int_equal(gb26875_parser_next(&p, f, &e), ERR_INVALID);
	assert_string_equal(e.field, "checksum");
	assert_int_equal(p.rejected.serial, 0x0069);
	assert_int_equal(p.rejected.version_main, 0x10);
	assert_int_equal(p.rejected.command, GB26875_CMD_CONFIRM);
	/* The deny goes back to the sender with the same serial. */
	assert_int_equal(gb26875_time_set(&now, 2021, 7, 2, 9, 0, 4, &e), 0);
	assert_int_equal(gb26875_encode_deny(&p.rejected, &now, out,
	    sizeof(out), &len, &e), ERR_INVALID);	/* it was a confirm */
	assert_int_equal(gb26875_parser_next(&p, f, &e), 1);
	assert_int_equal(f->type, 21);
	assert_int_equal(gb26875_parser_next(&p, f, &e), ERR_INVALID);
	assert_int_equal(p.rejected.serial, 0);
	assert_int_equal(p.rejected.command, GB26875_CMD_SEND);
	assert_int_equal(gb26875_encode_deny(&p.rejected, &now, out,
	    sizeof(out), &len, &e), 0);
	assert_int_equal(len, 30);
	assert_int_equal(out[26], GB26875_CMD_DENY);
	assert_memory_equal(out + 12, p.rejected.destination, 6);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 1);
	assert_int_equal(f->type, 2);
	assert_int_equal(f->obj[0].comp_state.comp_addr, 0x0002000a);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 0);
	assert_int_equal(p.stats.bad_checksum, 2);
	assert_int_equal(p.stats.frames, 2);
	assert_int_equal(p.stats.skipped, n - f->raw_len -
	    (strlen(valid_frames[3]) / 2));
	gb26875_parser_free(&p);
	free(f);
}

static void
test_gb26875__stream_false_start_and_limit(void **state)
{
	struct gb26875_parser	 p;
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct err		 e;
	unsigned char		 b[4 * GB26875_FRAME_MAX];
	size_t			 n, fl;

	(void)state;
	/*
	 * "@@" then a length of 1000 (a real frame would need 1030 bytes),
	 * then a frame: the frame comes out without waiting.
	 */
	memset(b, 0, 27);
	b[0] = b[1] = '@';
	b[24] = 1000 & 0xff;
	b[25] = 1000 >> 8;
	fl = unhex(valid_frames[3], b + 27);
	n = 27 + fl;
	gb26875_parser_init(&p, 0);
	gb26875_parser_feed(&p, b, n);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 1);
	assert_int_equal(f->type, 21);
	assert_int_equal(p.stats.skipped, 27);
	assert_int_equal(p.stats.overtaken, 1);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 0);
	gb26875_parser_free(&p);
	/*
	 * With the frame after it incomplete, it waits; told that no more
	 * bytes come, it gives both up and counts them.
	 */
	gb26875_parser_init(&p, 0);
	gb26875_parser_feed(&p, b, n - 1);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 0);
	assert_int_equal(gb26875_parser_pending(&p), n - 1);
	gb26875_parser_finish(&p);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 0);
	assert_int_equal(p.stats.skipped, n - 1);
	assert_int_equal(p.stats.frames, 0);
	assert_int_equal(gb26875_parser_pending(&p), 0);
	/* Feeding the last byte alone now is garbage too. */
	gb26875_parser_feed(&p, b + n - 1, 1);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 0);
	assert_int_equal(p.stats.skipped, n);
	gb26875_parser_free(&p);
	/* The same with a 512-byte limit: over it, skipped at once. */
	gb26875_parser_init(&p, 512);
	gb26875_parser_feed(&p, b, n);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 1);
	assert_int_equal(p.stats.bad_length, 1);
	assert_int_equal(p.stats.skipped, 27);
	gb26875_parser_free(&p);
	/* A frame over 512 bytes is refused by such a parser. */
	gb26875_parser_init(&p, 512);
	memset(b, 0, sizeof(b));
	b[0] = b[1] = '@';
	b[24] = 600 & 0xff;
	b[25] = 600 >> 8;
	b[26] = 2;
	b[27 + 600] = gb26875_sum(b + 2, 25 + 600);
	b[28 + 600] = b[29 + 600] = '#';
	gb26875_parser_feed(&p, b, 630);
	gb26875_parser_finish(&p);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 0);
	assert_int_equal(p.stats.frames, 0);
	assert_int_equal(p.stats.skipped, 630);
	gb26875_parser_free(&p);
	/* ... and accepted (kept raw) by the default one. */
	gb26875_parser_init(&p, 0);
	gb26875_parser_feed(&p, b, 630);
	assert_int_equal(gb26875_parser_next(&p, f, &e), 1);
	assert_int_equal(f->adu_state, GB26875_ADU_UNKNOWN);
	assert_int_equal(f->type, 0);
	gb26875_parser_free(&p);
	gb26875_parser_free(NULL);
	gb26875_frame_free(NULL);
	free(f);
}

/*
 * A frame carried whole inside another's data: the outer one is taken
 * for a false start, in one piece and whatever the split, so the frames
 * found never depend on how the bytes arrived.
 */
static void
test_gb26875__stream_nested_frame_same_whatever_the_pieces(void **state)
{
	struct gb26875_parser	 p;
	struct gb26875_header	 h;
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct err		 e;
	unsigned char		 inner[64], adu[128], b[256];
	size_t			 il, n, k, got;
	int			 rc;

	(void)state;
	il = unhex(valid_frames[3], inner);
	adu[0] = 0x80;
	adu[1] = 1;
	memcpy(adu + 2, inner, il);
	memset(&h, 0, sizeof(h));
	h.command = GB26875_CMD_SEND;
	h.time.kind = GB26875_TIME_ZERO;
	assert_int_equal(gb26875_encode_frame(&h, adu, il + 2, b, sizeof(b), &n,
	    &e), 0);
	/* As a single frame it is valid: a vendor type, kept raw. */
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_int_equal(f->adu_state, GB26875_ADU_UNKNOWN);
	/* In a stream, split anywhere: the inner frame, and only it. */
	for (k = 0; k <= n; k++) {
		gb26875_parser_init(&p, 0);
		gb26875_parser_feed(&p, b, k);
		got = 0;
		while ((rc = gb26875_parser_next(&p, f, &e)) == 1) {
			assert_memory_equal(f->raw, inner, il);
			got++;
		}
		assert_int_equal(rc, 0);
		gb26875_parser_feed(&p, b + k, n - k);
		gb26875_parser_finish(&p);
		while ((rc = gb26875_parser_next(&p, f, &e)) == 1) {
			assert_memory_equal(f->raw, inner, il);
			got++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(got, 1);
		assert_int_equal(p.stats.overtaken, 1);
		assert_int_equal(p.stats.skipped, n - il);
		gb26875_parser_free(&p);
	}
	free(f);
}

/*
 * Frames the protocol notes describe but vectors.txt does not hold: a
 * heartbeat, a type 21 heartbeat without time, vendor types, a @@ and a
 * ## inside the addresses, all-zero times.
 */
static void
test_gb26875__quirks_heartbeat_vendor_zero_time(void **state)
{
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct gb26875_header	 h;
	struct err		 e;
	unsigned char		 b[GB26875_FRAME_MAX], adu[8];
	size_t			 n;
	char			*j;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.serial = 0x4040;
	h.version_main = 1;
	h.time.kind = GB26875_TIME_ZERO;
	memcpy(h.source, "\x23\x23\x40\x40\x23\x00", 6);
	h.command = GB26875_CMD_SEND;
	assert_int_equal(gb26875_encode_frame(&h, NULL, 0, b, sizeof(b), &n,
	    &e), 0);
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_true(gb26875_frame_is_heartbeat(f));
	assert_int_equal(f->hdr.serial, 0x4040);
	assert_int_equal(f->hdr.time.kind, GB26875_TIME_ZERO);
	assert_true(f->flags & GB26875_F_TIME_QUIRK);
	assert_int_equal(gb26875_reply_command(&f->hdr), GB26875_CMD_CONFIRM);
	j = frame_json(f);
	assert_non_null(strstr(j, "\"heartbeat\":true"));
	assert_non_null(strstr(j, "\"time\":null"));
	assert_non_null(strstr(j, "\"time_kind\":\"zero\""));
	assert_non_null(strstr(j, "\"type\":null"));
	free(j);
	/* Type 21 without its time label: decoded, time absent. */
	memcpy(adu, "\x15\x01\x01", 3);
	assert_int_equal(gb26875_encode_frame(&h, adu, 3, b, sizeof(b), &n,
	    &e), 0);
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_int_equal(f->adu_state, GB26875_ADU_DECODED);
	assert_int_equal(f->obj[0].uitd_state.state, GB26875_UITD_NORMAL);
	assert_int_equal(f->obj[0].uitd_state.time.kind, GB26875_TIME_ABSENT);
	assert_true(f->flags & GB26875_F_NO_OBJTIME);
	assert_false(gb26875_frame_is_heartbeat(f));
	/* A private one-byte "handshake" (type 22): raw, no count. */
	adu[0] = 0x16;
	assert_int_equal(gb26875_encode_frame(&h, adu, 1, b, sizeof(b), &n,
	    &e), 0);
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_int_equal(f->adu_state, GB26875_ADU_UNKNOWN);
	assert_int_equal(f->type, 22);
	assert_int_equal(f->nobj, 0);
	/* A vendor type with a token, and a user-defined command byte. */
	memcpy(adu, "\x3c\x01" "ABCDEF", 8);
	h.command = 0x81;
	assert_int_equal(gb26875_encode_frame(&h, adu, 8, b, sizeof(b), &n,
	    &e), 0);
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_int_equal(f->adu_state, GB26875_ADU_UNKNOWN);
	assert_int_equal(gb26875_frame_check(f, &e), 0);
	assert_int_equal(gb26875_reply_command(&f->hdr), 0);
	j = frame_json(f);
	assert_non_null(strstr(j, "\"adu\":\"3c01414243444546\""));
	assert_non_null(strstr(j, "\"command_name\":\"user_defined\""));
	assert_non_null(strstr(j, "\"type_name\":\"reserved\""));
	free(j);
	/* A reserved command byte is to be denied. */
	h.command = 9;
	assert_int_equal(gb26875_reply_command(&h), GB26875_CMD_DENY);
	h.command = 0;
	assert_int_equal(gb26875_reply_command(&h), GB26875_CMD_DENY);
	/* Known type, wrong length: raw with a note. */
	memcpy(adu, "\x01\x02\x01\x02\x03\x00", 6);
	h.command = GB26875_CMD_SEND;
	assert_int_equal(gb26875_encode_frame(&h, adu, 6, b, sizeof(b), &n,
	    &e), 0);
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_int_equal(f->adu_state, GB26875_ADU_MISMATCH);
	assert_int_equal(f->count, 2);
	assert_int_equal(f->nobj, 0);
	assert_int_equal(gb26875_frame_check(f, &e), ERR_INVALID);
	assert_string_equal(e.field, "adu");
	/* A lone byte of a known type is no standard unit: a vendor's. */
	adu[0] = 0x15;
	assert_int_equal(gb26875_encode_frame(&h, adu, 1, b, sizeof(b), &n,
	    &e), 0);
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_int_equal(f->adu_state, GB26875_ADU_UNKNOWN);
	assert_int_equal(gb26875_frame_check(f, &e), 0);
	free(f);
}

static void
test_gb26875__time_labels(void **state)
{
	struct gb26875_time	 t;
	struct gb26875_header	 h;
	struct gb26875_object	 o;
	struct gb26875_frame	*f;
	struct err		 e;
	unsigned char		 raw[6], adu[16], b[64];
	char			 buf[GB26875_TIME_STR];
	int64_t			 secs;
	size_t			 alen, n;

	(void)state;
	/* Binary wins when both readings are dates. */
	memcpy(raw, "\x12\x30\x09\x15\x06\x21", 6);
	gb26875_time_decode(raw, 0, &t);
	assert_time(&t, 2033, 6, 21, 9, 48, 18);
	/* ... unless the frame's own time was BCD. */
	gb26875_time_decode(raw, 1, &t);
	assert_int_equal(t.kind, GB26875_TIME_BCD);
	assert_int_equal(t.year, 2021);
	assert_int_equal(t.month, 6);
	assert_int_equal(t.day, 15);
	assert_int_equal(t.hour, 9);
	assert_int_equal(t.minute, 30);
	assert_int_equal(t.second, 12);
	/* 2024-12-31 23:59:59 in BCD: month 0x12 = 18 is no binary month. */
	memcpy(raw, "\x59\x59\x23\x31\x12\x24", 6);
	gb26875_time_decode(raw, 0, &t);
	assert_int_equal(t.kind, GB26875_TIME_BCD);
	assert_string_equal(gb26875_time_format(&t, buf),
	    "2024-12-31T23:59:59+08:00");
	/* Neither: invalid, raw kept. */
	memcpy(raw, "\xff\x00\x00\x00\x00\x00", 6);
	gb26875_time_decode(raw, 0, &t);
	assert_int_equal(t.kind, GB26875_TIME_INVALID);
	assert_memory_equal(t.raw, raw, 6);
	assert_string_equal(gb26875_time_format(&t, buf), "");
	assert_int_equal(gb26875_time_to_epoch(&t, &secs, &e), ERR_INVALID);
	/* 30 February. */
	memcpy(raw, "\x00\x00\x00\x1e\x02\x18", 6);
	gb26875_time_decode(raw, 0, &t);
	assert_int_equal(t.kind, GB26875_TIME_INVALID);
	/* 29 February 2024 is real. */
	assert_int_equal(gb26875_time_set(&t, 2024, 2, 29, 0, 0, 0, &e), 0);
	assert_int_equal(gb26875_time_set(&t, 2023, 2, 29, 0, 0, 0, &e),
	    ERR_RANGE);
	assert_int_equal(gb26875_time_set(&t, 2100, 1, 1, 0, 0, 0, &e),
	    ERR_RANGE);
	/* Epoch, as China time. */
	assert_int_equal(gb26875_time_from_epoch(&t, 1348624712, &e), 0);
	assert_time(&t, 2012, 9, 26, 9, 58, 32);
	assert_memory_equal(t.raw, "\x20\x3a\x09\x1a\x09\x0c", 6);
	assert_int_equal(gb26875_time_to_epoch(&t, &secs, &e), 0);
	assert_int_equal(secs, 1348624712);
	assert_int_equal(gb26875_time_from_epoch(&t, 0, &e), ERR_RANGE);
	assert_int_equal(gb26875_time_from_epoch(&t, 946656000, &e), 0);
	assert_time(&t, 2000, 1, 1, 0, 0, 0);
	assert_int_equal(gb26875_time_from_epoch(&t, 946655999, &e), ERR_RANGE);
	/*
	 * A frame whose own time is BCD (day 0x21 is no binary day) reads an
	 * object time valid both ways as BCD too.
	 */
	memset(&h, 0, sizeof(h));
	h.command = GB26875_CMD_SEND;
	assert_int_equal(gb26875_time_set(&h.time, 2012, 9, 21, 9, 5, 21, &e),
	    0);
	h.time.kind = GB26875_TIME_BCD;
	memset(&o, 0, sizeof(o));
	o.uitd_state.state = GB26875_UITD_FIRE;
	assert_int_equal(gb26875_time_set(&o.uitd_state.time, 2012, 9, 15, 9,
	    5, 12, &e), 0);
	o.uitd_state.time.kind = GB26875_TIME_BCD;
	assert_int_equal(gb26875_encode_adu(21, &o, 1, adu, sizeof(adu), &alen,
	    &e), 0);
	assert_memory_equal(adu + 3, "\x12\x05\x09\x15\x09\x12", 6);
	assert_int_equal(gb26875_encode_frame(&h, adu, alen, b, sizeof(b), &n,
	    &e), 0);
	assert_memory_equal(b + 6, "\x21\x05\x09\x21\x09\x12", 6);
	f = xmalloc(sizeof(*f));
	assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
	assert_int_equal(f->hdr.time.kind, GB26875_TIME_BCD);
	assert_int_equal(f->hdr.time.year, 2012);
	assert_int_equal(f->hdr.time.month, 9);
	assert_int_equal(f->hdr.time.day, 21);
	assert_int_equal(f->obj[0].uitd_state.time.kind, GB26875_TIME_BCD);
	assert_int_equal(f->obj[0].uitd_state.time.day, 15);
	assert_int_equal(f->obj[0].uitd_state.time.second, 12);
	assert_true(f->flags & GB26875_F_TIME_QUIRK);
	/* Read alone, the same label is binary: 2018-09-21 09:05:18. */
	assert_int_equal(gb26875_adu_parse(adu, alen, f, &e), 0);
	assert_time(&f->obj[0].uitd_state.time, 2018, 9, 21, 9, 5, 18);
	gb26875_frame_free(f);
}

static void
test_gb26875__text_gb18030(void **state)
{
	char	out[3 * 64 + 1];
	int	lossy = 0;

	(void)state;
	/* Cut at the first NUL, trim spaces. */
	assert_int_equal(gb26875_text_decode((const unsigned char *)
	    "  A\xc7\xf8 \0garbage", 15, out, &lossy), 4);
	assert_string_equal(out, "A区");
	assert_int_equal(lossy, 0);
	/* Four-byte sequences: U+0080 and U+10000. */
	gb26875_text_decode((const unsigned char *)"\x81\x30\x81\x30", 4, out,
	    &lossy);
	assert_string_equal(out, "\xc2\x80");
	gb26875_text_decode((const unsigned char *)"\x90\x30\x81\x30", 4, out,
	    &lossy);
	assert_string_equal(out, "\xf0\x90\x80\x80");
	assert_int_equal(lossy, 0);
	/* Not GB18030: a replacement character, the rest kept. */
	gb26875_text_decode((const unsigned char *)"\x80" "ab\xff\xc7", 5, out,
	    &lossy);
	assert_string_equal(out, "\xef\xbf\xbd" "ab\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(lossy, 1);
	assert_true(str_utf8_valid(out, strlen(out)));
	/* A lead byte followed by a byte that is no trail byte. */
	lossy = 0;
	gb26875_text_decode((const unsigned char *)"\xc7\x20x", 3, out, &lossy);
	assert_string_equal(out, "\xef\xbf\xbd x");
	assert_int_equal(lossy, 1);
	/* All spaces: empty. */
	assert_int_equal(gb26875_text_decode((const unsigned char *)"   ", 3,
	    out, &lossy), 0);
}

/* Encode each centre command, decode it, compare the objects. */
static void
test_gb26875__round_trip_commands(void **state)
{
	static const int	 types[] = { 61, 62, 63, 64, 65, 66, 67, 68, 81,
	    84, 85, 86, 88, 89, 90, 91 };
	struct gb26875_header	 h;
	struct gb26875_object	 obj[3];
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct err		 e;
	unsigned char		 b[GB26875_FRAME_MAX];
	size_t			 n, i, k, nobj;
	char			*j;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.serial = 513;
	h.version_main = 1;
	h.version_user = 1;
	assert_int_equal(gb26875_time_set(&h.time, 2026, 3, 1, 8, 30, 0, &e),
	    0);
	gb26875_addr_set(h.source, 88888);
	gb26875_addr_set(h.destination, 0xa1b2c3d4e5f6ULL);
	h.command = 77;		/* ignored */
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(obj, 0, sizeof(obj));
		nobj = 1;
		switch (types[i]) {
		case 62: case 63: case 67:
			nobj = 3;
			for (k = 0; k < 3; k++) {
				obj[k].comp_ref.sys_type = (uint8_t)(1 + k);
				obj[k].comp_ref.sys_addr = (uint8_t)(200 + k);
				obj[k].comp_ref.comp_addr = 0xfedcba98u - k;
			}
			break;
		case 61: case 65: case 66: case 68:
			nobj = 2;
			obj[0].sys_ref.sys_type = 1;
			obj[0].sys_ref.sys_addr = 1;
			obj[1].sys_ref.sys_type = 13;
			obj[1].sys_ref.sys_addr = 255;
			break;
		case 64:
			obj[0].sys_log_req.sys_type = 1;
			obj[0].sys_log_req.sys_addr = 2;
			obj[0].sys_log_req.count = 102;
			gb26875_time_set(&obj[0].sys_log_req.start, 2026, 2, 28,
			    23, 59, 59, &e);
			break;
		case 84:
			obj[0].uitd_log_req.count = 5;
			gb26875_time_set(&obj[0].uitd_log_req.start, 2025, 12,
			    31, 0, 0, 1, &e);
			break;
		case 90:
			gb26875_time_set(&obj[0].clock.time, 2026, 3, 1, 8, 30,
			    5, &e);
			break;
		case 91:
			obj[0].inspect.timeout_min = 10;
			break;
		default:
			break;
		}
		assert_int_equal(gb26875_encode_command(&h, types[i], obj, nobj,
		    b, sizeof(b), &n, &e), 0);
		assert_int_equal(gb26875_frame_parse(b, n, f, &e), 0);
		assert_int_equal(f->hdr.command, types[i] >= 89 ?
		    GB26875_CMD_CONTROL : GB26875_CMD_REQUEST);
		assert_int_equal(f->hdr.serial, 513);
		assert_int_equal(gb26875_addr(f->hdr.destination),
		    0xa1b2c3d4e5f6ULL);
		assert_int_equal(f->type, types[i]);
		assert_int_equal(f->adu_state, GB26875_ADU_DECODED);
		assert_int_equal(f->nobj, nobj);
		for (k = 0; k < nobj; k++) {
			/* time.raw is filled on decode; compare the rest. */
			switch (types[i]) {
			case 64:
				assert_int_equal(f->obj[k].sys_log_req.count,
				    102);
				assert_time(&f->obj[k].sys_log_req.start, 2026,
				    2, 28, 23, 59, 59);
				break;
			case 84:
				assert_int_equal(f->obj[k].uitd_log_req.count,
				    5);
				assert_time(&f->obj[k].uitd_log_req.start, 2025,
				    12, 31, 0, 0, 1);
				break;
			case 90:
				assert_time(&f->obj[k].clock.time, 2026, 3, 1,
				    8, 30, 5);
				break;
			case 62: case 63: case 67:
				assert_int_equal(f->obj[k].comp_ref.comp_addr,
				    obj[k].comp_ref.comp_addr);
				assert_int_equal(f->obj[k].comp_ref.sys_addr,
				    obj[k].comp_ref.sys_addr);
				break;
			case 61: case 65: case 66: case 68:
				assert_int_equal(f->obj[k].sys_ref.sys_type,
				    obj[k].sys_ref.sys_type);
				assert_int_equal(f->obj[k].sys_ref.sys_addr,
				    obj[k].sys_ref.sys_addr);
				break;
			case 91:
				assert_int_equal(f->obj[k].inspect.timeout_min,
				    10);
				break;
			default:
				assert_int_equal(f->obj[k].reserved.reserved,
				    0);
				break;
			}
		}
		j = frame_json(f);
		assert_non_null(strstr(j, gb26875_type_name(types[i])));
		free(j);
	}
	/* Uploads are not the centre's to send. */
	assert_int_equal(gb26875_encode_command(&h, 2, obj, 1, b, sizeof(b),
	    &n, &e), ERR_INVALID);
	assert_string_equal(e.field, "type");
	assert_int_equal(gb26875_encode_command(&h, 200, obj, 1, b, sizeof(b),
	    &n, &e), ERR_INVALID);
	free(f);
}

/* Encode one unit of type with obj[0..n-1], decode, compare as JSON. */
static void
round_trip_adu(int type, const struct gb26875_object *obj, size_t n,
    const char *expect)
{
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct gb26875_frame	*g = xmalloc(sizeof(*g));
	struct err		 e;
	unsigned char		 b[GB26875_ADU_MAX], c[GB26875_ADU_MAX];
	size_t			 len, len2;
	char			*j1, *j2;

	if (gb26875_encode_adu(type, obj, n, b, sizeof(b), &len, &e) != 0)
		fail_msg("type %d: %s", type, e.msg);
	assert_int_equal(gb26875_adu_parse(b, len, f, &e), 0);
	assert_int_equal(f->adu_state, GB26875_ADU_DECODED);
	assert_int_equal(f->nobj, n);
	j1 = frame_json(f);
	if (expect != NULL && strstr(j1, expect) == NULL)
		fail_msg("type %d: %s lacks %s", type, j1, expect);
	/* Encoding what was decoded gives the same bytes back. */
	assert_int_equal(gb26875_encode_adu(type, f->obj, f->nobj, c,
	    sizeof(c), &len2, &e), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(c, b, len);
	assert_int_equal(gb26875_adu_parse(c, len2, g, &e), 0);
	j2 = frame_json(g);
	assert_string_equal(j1, j2);
	free(j1);
	free(j2);
	free(f);
	free(g);
}

static void
test_gb26875__round_trip_uploads(void **state)
{
	struct gb26875_object	 o[4];
	struct gb26875_time	 t;
	struct err		 e;
	unsigned char		 b[GB26875_ADU_MAX];
	size_t			 len;
	int			 i;

	(void)state;
	assert_int_equal(gb26875_time_set(&t, 2026, 1, 2, 3, 4, 5, &e), 0);
	memset(o, 0, sizeof(o));
	for (i = 0; i < 4; i++) {
		o[i].sys_state.sys_type = 1;
		o[i].sys_state.sys_addr = (uint8_t)i;
		o[i].sys_state.state = (uint16_t)(GB26875_SYS_FIRE << i);
		o[i].sys_state.time = t;
	}
	o[3].sys_state.time.kind = GB26875_TIME_ZERO;
	round_trip_adu(1, o, 4, "\"time_kind\":\"zero\"");
	memset(o, 0, sizeof(o));
	o[0].comp_state.sys_type = 1;
	o[0].comp_state.sys_addr = 1;
	o[0].comp_state.comp_type = 42;
	o[0].comp_state.comp_addr = 0x00050003;
	o[0].comp_state.state = GB26875_SYS_FIRE | GB26875_COMP_POWER_FAULT;
	o[0].comp_state.desc = "三层东侧走廊烟感";
	o[0].comp_state.time = t;
	round_trip_adu(2, o, 1, "\"description\":\"三层东侧走廊烟感\"");
	o[1] = o[0];
	o[1].comp_state.desc = NULL;
	assert_int_equal(gb26875_time_set(&o[1].comp_state.time, 2025, 12, 25,
	    10, 20, 30, &e), 0);
	o[1].comp_state.time.kind = GB26875_TIME_BCD;
	round_trip_adu(2, o, 2, "\"time_kind\":\"bcd\"");
	memset(o, 0, sizeof(o));
	o[0].analog.comp_type = 99;
	o[0].analog.analog_type = 5;
	o[0].analog.value = -3;
	o[0].analog.time = t;
	o[1] = o[0];
	o[1].analog.analog_type = 200;
	o[1].analog.value = 32767;
	round_trip_adu(3, o, 2, "\"value\":-0.3");
	memset(o, 0, sizeof(o));
	o[0].sys_op.op = GB26875_OP_SILENCE;
	o[0].sys_op.operator_no = 7;
	o[0].sys_op.time = t;
	round_trip_adu(4, o, 1, "\"operation_flags\":[\"silence\"]");
	memset(o, 0, sizeof(o));
	o[0].sys_version.major = 2;
	o[0].sys_version.minor = 13;
	round_trip_adu(5, o, 1, "\"version\":\"2.13\"");
	memset(o, 0, sizeof(o));
	o[0].sys_config.sys_type = 1;
	o[0].sys_config.text = "主机 JB-QB-5000，回路 8";
	o[1].sys_config.sys_type = 10;
	o[1].sys_config.text = "";
	round_trip_adu(6, o, 2,
	    "\"configuration\":\"主机 JB-QB-5000，回路 8\"");
	memset(o, 0, sizeof(o));
	o[0].comp_config.comp_type = 23;
	o[0].comp_config.comp_addr = 77;
	o[0].comp_config.desc = "手报 1F";
	round_trip_adu(7, o, 1,
	    "\"component_type_name\":\"manual call point\"");
	memset(o, 0, sizeof(o));
	o[0].sys_time.time = t;
	round_trip_adu(8, o, 1, "\"time\":\"2026-01-02T03:04:05+08:00\"");
	memset(o, 0, sizeof(o));
	o[0].uitd_state.state = GB26875_UITD_NORMAL | GB26875_UITD_LINK_FAULT;
	o[0].uitd_state.time.kind = GB26875_TIME_ABSENT;
	round_trip_adu(21, o, 1, "\"time_kind\":\"absent\"");
	o[0].uitd_state.time = t;
	round_trip_adu(21, o, 1, "[\"normal\",\"link_fault\"]");
	memset(o, 0, sizeof(o));
	o[0].uitd_op.op = GB26875_OP_CONFIRM;
	o[0].uitd_op.operator_no = 3;
	o[0].uitd_op.time = t;
	o[0].uitd_op.time.kind = GB26875_TIME_INVALID;
	memcpy(o[0].uitd_op.time.raw, "\x99\x99\x99\x99\x99\x99", 6);
	round_trip_adu(24, o, 1, "\"time_raw\":\"999999999999\"");
	memset(o, 0, sizeof(o));
	o[0].uitd_version.major = 1;
	round_trip_adu(25, o, 1, "\"version\":\"1.0\"");
	memset(o, 0, sizeof(o));
	o[0].uitd_config.text = "用传 UITD-100";
	round_trip_adu(26, o, 1, NULL);
	memset(o, 0, sizeof(o));
	o[0].clock.time = t;
	round_trip_adu(28, o, 1, NULL);
	/* No objects at all. */
	round_trip_adu(1, o, 0, "\"objects\":[]");
	/* Errors: unknown type, too long a description, not UTF-8. */
	assert_int_equal(gb26875_encode_adu(9, o, 1, b, sizeof(b), &len, &e),
	    ERR_INVALID);
	memset(o, 0, sizeof(o));
	o[0].comp_state.desc = "一二三四五六七八九十一二三四五六";
	o[0].comp_state.time = t;
	assert_int_equal(gb26875_encode_adu(2, o, 1, b, sizeof(b), &len, &e),
	    ERR_RANGE);
	assert_string_equal(e.field, "description");
	o[0].comp_state.desc = "\xff\xfe";
	assert_int_equal(gb26875_encode_adu(2, o, 1, b, sizeof(b), &len, &e),
	    ERR_INVALID);
	o[0].comp_state.desc = "ok";
	o[0].comp_state.time.day = 32;
	assert_int_equal(gb26875_encode_adu(2, o, 1, b, sizeof(b), &len, &e),
	    ERR_RANGE);
	assert_string_equal(e.field, "time");
	/* 23 component objects need 1060 bytes. */
	{
		struct gb26875_object	many[23];

		memset(many, 0, sizeof(many));
		for (i = 0; i < 23; i++)
			many[i].comp_state.time = t;
		assert_int_equal(gb26875_encode_adu(2, many, 22, b, sizeof(b),
		    &len, &e), 0);
		assert_int_equal(len, 2 + 22 * 46);
		assert_int_equal(gb26875_encode_adu(2, many, 23, b, sizeof(b),
		    &len, &e), ERR_RANGE);
		assert_string_equal(e.field, "count");
		assert_int_equal(gb26875_encode_adu(2, many, 1, b, 10, &len,
		    &e), ERR_RANGE);
		assert_string_equal(e.field, "out");
	}
}

static void
test_gb26875__replies(void **state)
{
	struct gb26875_frame	*f;
	struct gb26875_time	 now;
	struct err		 e;
	unsigned char		 out[64], want[64];
	size_t			 len, wl;

	(void)state;
	assert_int_equal(gb26875_time_set(&now, 2012, 9, 26, 9, 58, 35, &e),
	    0);
	/* The centre's confirm and deny of the first frame, as published. */
	f = parse_ok(valid_frames[0]);
	assert_int_equal(gb26875_encode_confirm(&f->hdr, &now, out,
	    sizeof(out), &len, &e), 0);
	wl = unhex(valid_frames[1], want);
	assert_int_equal(len, wl);
	assert_memory_equal(out, want, wl);
	assert_int_equal(gb26875_encode_deny(&f->hdr, &now, out, sizeof(out),
	    &len, &e), 0);
	wl = unhex(valid_frames[2], want);
	assert_memory_equal(out, want, wl);
	gb26875_frame_free(f);
	/* The UITD's confirm of the initialise command. */
	f = parse_ok(valid_frames[14]);
	assert_int_equal(gb26875_reply_command(&f->hdr), GB26875_CMD_CONFIRM);
	assert_int_equal(gb26875_encode_confirm(&f->hdr, &now, out,
	    sizeof(out), &len, &e), 0);
	wl = unhex(valid_frames[15], want);
	assert_memory_equal(out, want, wl);
	gb26875_frame_free(f);
	/* Replies are not confirmed, confirms and denies not denied. */
	f = parse_ok(valid_frames[1]);
	assert_int_equal(gb26875_encode_confirm(&f->hdr, &now, out,
	    sizeof(out), &len, &e), ERR_INVALID);
	assert_string_equal(e.field, "command");
	assert_int_equal(gb26875_encode_deny(&f->hdr, &now, out, sizeof(out),
	    &len, &e), ERR_INVALID);
	/* Too small a buffer. */
	f->hdr.command = GB26875_CMD_SEND;
	assert_int_equal(gb26875_encode_confirm(&f->hdr, &now, out, 29, &len,
	    &e), ERR_RANGE);
	assert_string_equal(e.field, "out");
	gb26875_frame_free(f);
	assert_int_equal(gb26875_type_command(2), GB26875_CMD_SEND);
	assert_int_equal(gb26875_type_command(64), GB26875_CMD_REQUEST);
	assert_int_equal(gb26875_type_command(91), GB26875_CMD_CONTROL);
	assert_int_equal(gb26875_type_command(9), 0);
}

static void
test_gb26875__layout_table_consistent(void **state)
{
	const struct gb26875_layout	*l;
	size_t				 sum, k;
	int				 t, known = 0;

	(void)state;
	for (t = 0; t < 256; t++) {
		if ((l = gb26875_layout_of(t)) == NULL)
			continue;
		known++;
		assert_int_equal(l->type, t);
		for (sum = 0, k = 0; k < l->nfield; k++)
			sum += gb26875_field_size(l->fields[k].kind);
		if (l->size != 0)
			assert_int_equal(sum, l->size);
		if (l->timed)
			assert_int_equal(l->fields[l->nfield - 1].kind,
			    GB_FK_TIME);
	}
	/* 1-8, 21, 24-26, 28, 61-68, 81, 84-86, 88-91. */
	assert_int_equal(known, 29);
	assert_string_equal(gb26875_system_type_name(23), "fire power supply");
	assert_string_equal(gb26875_system_type_name(5), "reserved");
	assert_string_equal(gb26875_system_type_name(200), "user defined");
	assert_string_equal(gb26875_component_type_name(121),
	    "alarm sounder");
	assert_string_equal(gb26875_command_name(2), "send_data");
}

/* A small deterministic generator for the robustness test. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Whatever the bytes, nothing crashes and all text is UTF-8. */
static void
check_any(const unsigned char *b, size_t n, struct gb26875_frame *f)
{
	struct gb26875_parser	 p;
	struct err		 e;
	json_t			*j;
	char			*s;
	size_t			 framed = 0;
	int			 rc;

	if (gb26875_frame_parse(b, n, f, &e) == 0) {
		j = gb26875_frame_json(f);
		s = json_dumps(j, JSON_COMPACT);
		assert_non_null(s);
		free(s);
		json_decref(j);
	}
	if (gb26875_adu_parse(b, n, f, &e) == 0) {
		j = gb26875_frame_json(f);
		s = json_dumps(j, JSON_COMPACT);
		assert_non_null(s);
		free(s);
		json_decref(j);
	}
	gb26875_parser_init(&p, 0);
	gb26875_parser_feed(&p, b, n);
	gb26875_parser_finish(&p);
	while ((rc = gb26875_parser_next(&p, f, &e)) != 0)
		if (rc == 1) {
			framed += f->raw_len;
			j = gb26875_frame_json(f);
			json_decref(j);
		}
	/* Every byte went into a frame or was counted as skipped. */
	assert_int_equal(framed + p.stats.skipped, n);
	assert_int_equal(gb26875_parser_pending(&p), 0);
	gb26875_parser_free(&p);
}

static void
test_gb26875__bad_inputs_never_crash(void **state)
{
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	unsigned char		 b[GB26875_FRAME_MAX + 64];
	uint32_t		 seed = 0x26875;
	size_t			 n, i, k, v;

	(void)state;
	for (i = 0; i < 4000; i++) {
		v = i % NVALID;
		n = unhex(valid_frames[v], b);
		/* Flip a few bytes, then fix the checksum half the time. */
		for (k = rnd(&seed) % 4 + 1; k > 0; k--)
			b[rnd(&seed) % n] = (unsigned char)rnd(&seed);
		if (i & 1 && n >= 30 && gb26875_le16(b + 24) + 30u == n)
			b[n - 3] = gb26875_sum(b + 2, n - 5);
		check_any(b, n, f);
		check_any(b + 27, n - 27, f);
		/* Random bytes with a frame-like start. */
		n = rnd(&seed) % 200;
		for (k = 0; k < n; k++)
			b[k] = (unsigned char)rnd(&seed);
		if (n > 2)
			b[0] = b[1] = '@';
		check_any(b, n, f);
	}
	free(f);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_gb26875__vectors_headers),
		cmocka_unit_test(test_gb26875__vector_component_fire_alarm),
		cmocka_unit_test(test_gb26875__vector_gb18030_description),
		cmocka_unit_test(test_gb26875__vector_uitd_objects),
		cmocka_unit_test(test_gb26875__vector_centre_commands),
		cmocka_unit_test(test_gb26875__vectors_negative),
		cmocka_unit_test(test_gb26875__adu_vectors),
		cmocka_unit_test(
		    test_gb26875__stream_one_piece_and_every_split),
		cmocka_unit_test(
		    test_gb26875__stream_garbage_skipped_and_counted),
		cmocka_unit_test(
		    test_gb26875__stream_bad_checksum_reported_then_resync),
		cmocka_unit_test(test_gb26875__stream_false_start_and_limit),
		cmocka_unit_test(
		    test_gb26875__stream_nested_frame_same_whatever_the_pieces),
		cmocka_unit_test(
		    test_gb26875__quirks_heartbeat_vendor_zero_time),
		cmocka_unit_test(test_gb26875__time_labels),
		cmocka_unit_test(test_gb26875__text_gb18030),
		cmocka_unit_test(test_gb26875__round_trip_commands),
		cmocka_unit_test(test_gb26875__round_trip_uploads),
		cmocka_unit_test(test_gb26875__replies),
		cmocka_unit_test(test_gb26875__layout_table_consistent),
		cmocka_unit_test(test_gb26875__bad_inputs_never_crash),
	};

	jx_init();
	return cmocka_run_group_tests_name("gb26875", tests, NULL, NULL);
}
