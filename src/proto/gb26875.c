/*
 * GB/T 26875.3 frames: the envelope (markers, length, checksum), the
 * control unit, time labels, and the application data unit decoded by
 * the layout table below, one row per known type flag.  Objects whose
 * sizes do not add up to the unit's length are not guessed at: the unit
 * is kept raw, as is any type not in the table.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "gb26875.h"
#include "gb26875_int.h"

#define GB_OFF(m)	((uint16_t)offsetof(struct gb26875_object, m))
#define GB_F(key, kind, m)	{ key, kind, GB_OFF(m), 0, NULL }
#define GB_FB(key, kind, m, b)	{ key, kind, GB_OFF(m), 0, b }
#define GB_FA(key, m, m2)	{ key, GB_FK_ANALOG, GB_OFF(m), GB_OFF(m2), \
				    NULL }
#define GB_ROW(t, name, size, timed, f) \
	{ t, name, size, timed, sizeof(f) / sizeof(f[0]), f }

/* Flag names, bit 0 first. */
static const char *const gb_sys_bits[16] = {
	"normal", "fire_alarm", "fault", "shielded", "supervisory",
	"started", "feedback", "delay", "main_power_fault",
	"backup_power_fault", "bus_fault", "manual_mode", "config_changed",
	"reset", "bit14", "bit15",
};
static const char *const gb_comp_bits[16] = {
	"normal", "fire_alarm", "fault", "shielded", "supervisory",
	"started", "feedback", "delay", "power_fault", "bit9", "bit10",
	"bit11", "bit12", "bit13", "bit14", "bit15",
};
static const char *const gb_sys_op_bits[8] = {
	"reset", "silence", "manual_alarm", "alarm_cleared", "self_test",
	"confirm", "test", "bit7",
};
static const char *const gb_uitd_op_bits[8] = {
	"reset", "silence", "manual_alarm", "alarm_cleared", "self_test",
	"inspection_answered", "test", "bit7",
};
static const char *const gb_uitd_bits[8] = {
	"normal", "fire_alarm", "fault", "main_power_fault",
	"backup_power_fault", "link_fault", "line_fault", "bit7",
};

static const struct gb26875_field gb_f_sys_state[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, sys_state.sys_type),
	GB_F("system_address", GB_FK_U8, sys_state.sys_addr),
	GB_FB("state", GB_FK_FLAGS16, sys_state.state, gb_sys_bits),
	GB_F("time", GB_FK_TIME, sys_state.time),
};
static const struct gb26875_field gb_f_comp_state[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, comp_state.sys_type),
	GB_F("system_address", GB_FK_U8, comp_state.sys_addr),
	GB_F("component_type", GB_FK_COMP_TYPE, comp_state.comp_type),
	GB_F("component_address", GB_FK_COMP_ADDR, comp_state.comp_addr),
	GB_FB("state", GB_FK_FLAGS16, comp_state.state, gb_comp_bits),
	GB_F("description", GB_FK_DESC, comp_state.desc),
	GB_F("time", GB_FK_TIME, comp_state.time),
};
static const struct gb26875_field gb_f_analog[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, analog.sys_type),
	GB_F("system_address", GB_FK_U8, analog.sys_addr),
	GB_F("component_type", GB_FK_COMP_TYPE, analog.comp_type),
	GB_F("component_address", GB_FK_COMP_ADDR, analog.comp_addr),
	GB_FA("analog_type", analog.analog_type, analog.value),
	GB_F("time", GB_FK_TIME, analog.time),
};
static const struct gb26875_field gb_f_sys_op[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, sys_op.sys_type),
	GB_F("system_address", GB_FK_U8, sys_op.sys_addr),
	GB_FB("operation", GB_FK_FLAGS8, sys_op.op, gb_sys_op_bits),
	GB_F("operator", GB_FK_U8, sys_op.operator_no),
	GB_F("time", GB_FK_TIME, sys_op.time),
};
static const struct gb26875_field gb_f_sys_version[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, sys_version.sys_type),
	GB_F("system_address", GB_FK_U8, sys_version.sys_addr),
	GB_F("version", GB_FK_VERSION, sys_version.major),
};
static const struct gb26875_field gb_f_sys_config[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, sys_config.sys_type),
	GB_F("system_address", GB_FK_U8, sys_config.sys_addr),
	GB_F("configuration", GB_FK_TEXT, sys_config.text),
};
static const struct gb26875_field gb_f_comp_config[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, comp_config.sys_type),
	GB_F("system_address", GB_FK_U8, comp_config.sys_addr),
	GB_F("component_type", GB_FK_COMP_TYPE, comp_config.comp_type),
	GB_F("component_address", GB_FK_COMP_ADDR, comp_config.comp_addr),
	GB_F("description", GB_FK_DESC, comp_config.desc),
};
static const struct gb26875_field gb_f_sys_time[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, sys_time.sys_type),
	GB_F("system_address", GB_FK_U8, sys_time.sys_addr),
	GB_F("time", GB_FK_TIME, sys_time.time),
};
static const struct gb26875_field gb_f_uitd_state[] = {
	GB_FB("state", GB_FK_FLAGS8, uitd_state.state, gb_uitd_bits),
	GB_F("time", GB_FK_TIME, uitd_state.time),
};
static const struct gb26875_field gb_f_uitd_op[] = {
	GB_FB("operation", GB_FK_FLAGS8, uitd_op.op, gb_uitd_op_bits),
	GB_F("operator", GB_FK_U8, uitd_op.operator_no),
	GB_F("time", GB_FK_TIME, uitd_op.time),
};
static const struct gb26875_field gb_f_uitd_version[] = {
	GB_F("version", GB_FK_VERSION, uitd_version.major),
};
static const struct gb26875_field gb_f_uitd_config[] = {
	GB_F("configuration", GB_FK_TEXT, uitd_config.text),
};
static const struct gb26875_field gb_f_clock[] = {
	GB_F("time", GB_FK_TIME, clock.time),
};
static const struct gb26875_field gb_f_sys_ref[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, sys_ref.sys_type),
	GB_F("system_address", GB_FK_U8, sys_ref.sys_addr),
};
static const struct gb26875_field gb_f_comp_ref[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, comp_ref.sys_type),
	GB_F("system_address", GB_FK_U8, comp_ref.sys_addr),
	GB_F("component_address", GB_FK_COMP_ADDR, comp_ref.comp_addr),
};
static const struct gb26875_field gb_f_sys_log_req[] = {
	GB_F("system_type", GB_FK_SYS_TYPE, sys_log_req.sys_type),
	GB_F("system_address", GB_FK_U8, sys_log_req.sys_addr),
	GB_F("count", GB_FK_U8, sys_log_req.count),
	GB_F("start_time", GB_FK_TIME, sys_log_req.start),
};
static const struct gb26875_field gb_f_uitd_log_req[] = {
	GB_F("count", GB_FK_U8, uitd_log_req.count),
	GB_F("start_time", GB_FK_TIME, uitd_log_req.start),
};
static const struct gb26875_field gb_f_reserved[] = {
	GB_F("reserved", GB_FK_U8, reserved.reserved),
};
static const struct gb26875_field gb_f_inspect[] = {
	GB_F("timeout_minutes", GB_FK_U8, inspect.timeout_min),
};

/*
 * Type flag -> object layout (PROTOCOL.md §4).  size is the object's wire
 * size; timed says its last field is a time label that some devices leave
 * out (type 21 sent as a heartbeat without one, for instance).
 */
static const struct gb26875_layout gb_layouts[] = {
	GB_ROW(1, "system_state", 10, 1, gb_f_sys_state),
	GB_ROW(2, "component_state", 46, 1, gb_f_comp_state),
	GB_ROW(3, "component_analog", 16, 1, gb_f_analog),
	GB_ROW(4, "system_operation", 10, 1, gb_f_sys_op),
	GB_ROW(5, "system_version", 4, 0, gb_f_sys_version),
	GB_ROW(6, "system_config", 0, 0, gb_f_sys_config),
	GB_ROW(7, "component_config", 38, 0, gb_f_comp_config),
	GB_ROW(8, "system_time", 8, 0, gb_f_sys_time),
	GB_ROW(21, "uitd_state", 7, 1, gb_f_uitd_state),
	GB_ROW(24, "uitd_operation", 8, 1, gb_f_uitd_op),
	GB_ROW(25, "uitd_version", 2, 0, gb_f_uitd_version),
	GB_ROW(26, "uitd_config", 0, 0, gb_f_uitd_config),
	GB_ROW(28, "uitd_time", 6, 0, gb_f_clock),
	GB_ROW(61, "read_system_state", 2, 0, gb_f_sys_ref),
	GB_ROW(62, "read_component_state", 6, 0, gb_f_comp_ref),
	GB_ROW(63, "read_component_analog", 6, 0, gb_f_comp_ref),
	GB_ROW(64, "read_system_operations", 9, 0, gb_f_sys_log_req),
	GB_ROW(65, "read_system_version", 2, 0, gb_f_sys_ref),
	GB_ROW(66, "read_system_config", 2, 0, gb_f_sys_ref),
	GB_ROW(67, "read_component_config", 6, 0, gb_f_comp_ref),
	GB_ROW(68, "read_system_time", 2, 0, gb_f_sys_ref),
	GB_ROW(81, "read_uitd_state", 1, 0, gb_f_reserved),
	GB_ROW(84, "read_uitd_operations", 7, 0, gb_f_uitd_log_req),
	GB_ROW(85, "read_uitd_version", 1, 0, gb_f_reserved),
	GB_ROW(86, "read_uitd_config", 1, 0, gb_f_reserved),
	GB_ROW(88, "read_uitd_time", 1, 0, gb_f_reserved),
	GB_ROW(89, "init_uitd", 1, 0, gb_f_reserved),
	GB_ROW(90, "sync_clock", 6, 0, gb_f_clock),
	GB_ROW(91, "inspect", 1, 0, gb_f_inspect),
};

#define GB_NLAYOUT	(sizeof(gb_layouts) / sizeof(gb_layouts[0]))

const struct gb26875_layout *
gb26875_layout_of(int type)
{
	size_t	i;

	for (i = 0; i < GB_NLAYOUT; i++)
		if (gb_layouts[i].type == type)
			return &gb_layouts[i];
	return NULL;
}

size_t
gb26875_field_size(int kind)
{
	switch (kind) {
	case GB_FK_COMP_ADDR:
		return 4;
	case GB_FK_FLAGS16:
	case GB_FK_VERSION:
		return 2;
	case GB_FK_ANALOG:
		return 3;
	case GB_FK_TIME:
		return 6;
	case GB_FK_DESC:
		return GB26875_DESC_LEN;
	case GB_FK_TEXT:
		return 0;
	default:
		return 1;
	}
}

/* ---- time labels ---- */

static int
gb_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
gb_mdays(int y, int m)
{
	static const uint8_t	days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return m == 2 && gb_leap(y) ? 29 : days[m - 1];
}

/* y is the full year. */
static int
gb_date_ok(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 2000 && y <= 2099 && mo >= 1 && mo <= 12 && d >= 1 &&
	    d <= gb_mdays(y, mo) && h >= 0 && h <= 23 && mi >= 0 &&
	    mi <= 59 && s >= 0 && s <= 59;
}

static int
gb_bcd(unsigned char c)
{
	return (c >> 4) > 9 || (c & 15) > 9 ? -1 : (c >> 4) * 10 + (c & 15);
}

void
gb26875_time_decode(const unsigned char raw[6], int prefer_bcd,
    struct gb26875_time *t)
{
	int	b[6], i, bin_ok, bcd_ok = 1;

	memcpy(t->raw, raw, 6);
	if ((raw[0] | raw[1] | raw[2] | raw[3] | raw[4] | raw[5]) == 0) {
		t->kind = GB26875_TIME_ZERO;
		goto none;
	}
	bin_ok = gb_date_ok(2000 + raw[5], raw[4], raw[3], raw[2], raw[1],
	    raw[0]);
	if (!bin_ok || prefer_bcd) {
		for (i = 0; i < 6; i++)
			if ((b[i] = gb_bcd(raw[i])) < 0)
				bcd_ok = 0;
		bcd_ok = bcd_ok && gb_date_ok(2000 + b[5], b[4], b[3], b[2],
		    b[1], b[0]);
		if (bcd_ok) {
			t->kind = GB26875_TIME_BCD;
			t->second = (uint8_t)b[0];
			t->minute = (uint8_t)b[1];
			t->hour = (uint8_t)b[2];
			t->day = (uint8_t)b[3];
			t->month = (uint8_t)b[4];
			t->year = (uint16_t)(2000 + b[5]);
			return;
		}
	}
	if (bin_ok) {
		t->kind = GB26875_TIME_BINARY;
		t->second = raw[0];
		t->minute = raw[1];
		t->hour = raw[2];
		t->day = raw[3];
		t->month = raw[4];
		t->year = (uint16_t)(2000 + raw[5]);
		return;
	}
	t->kind = GB26875_TIME_INVALID;
none:
	t->second = t->minute = t->hour = t->day = t->month = 0;
	t->year = 0;
}

static unsigned char
gb_to_bcd(int v)
{
	return (unsigned char)(v / 10 << 4 | v % 10);
}

int
gb26875_time_encode(const struct gb26875_time *t, unsigned char out[6],
    const char *field, struct err *e)
{
	int	v[6], i;

	switch (t->kind) {
	case GB26875_TIME_BINARY:
	case GB26875_TIME_BCD:
		if (!gb_date_ok(t->year, t->month, t->day, t->hour, t->minute,
		    t->second))
			return err_set(e, ERR_RANGE, field, "%s is not a date "
			    "and time in 2000..2099", field);
		v[0] = t->second;
		v[1] = t->minute;
		v[2] = t->hour;
		v[3] = t->day;
		v[4] = t->month;
		v[5] = t->year - 2000;
		for (i = 0; i < 6; i++)
			out[i] = t->kind == GB26875_TIME_BCD ? gb_to_bcd(v[i]) :
			    (unsigned char)v[i];
		return 0;
	case GB26875_TIME_INVALID:
		memcpy(out, t->raw, 6);
		return 0;
	case GB26875_TIME_ZERO:
	case GB26875_TIME_ABSENT:
		memset(out, 0, 6);
		return 0;
	default:
		return err_set(e, ERR_INVALID, field, "%s has an unknown kind",
		    field);
	}
}

int
gb26875_time_set(struct gb26875_time *t, int year, int month, int day,
    int hour, int minute, int second, struct err *e)
{
	if (!gb_date_ok(year, month, day, hour, minute, second))
		return err_set(e, ERR_RANGE, "time", "not a date and time in "
		    "2000..2099");
	t->year = (uint16_t)year;
	t->month = (uint8_t)month;
	t->day = (uint8_t)day;
	t->hour = (uint8_t)hour;
	t->minute = (uint8_t)minute;
	t->second = (uint8_t)second;
	t->kind = GB26875_TIME_BINARY;
	t->raw[0] = (uint8_t)second;
	t->raw[1] = (uint8_t)minute;
	t->raw[2] = (uint8_t)hour;
	t->raw[3] = (uint8_t)day;
	t->raw[4] = (uint8_t)month;
	t->raw[5] = (uint8_t)(year - 2000);
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
gb_days(int y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

#define GB_UTC_OFFSET	(8 * 3600)

int
gb26875_time_from_epoch(struct gb26875_time *t, int64_t secs, struct err *e)
{
	int64_t	z, era, doe, yoe, y, doy, mp, d, m, sod;

	secs += GB_UTC_OFFSET;
	z = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	sod = secs - z * 86400;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 2000 || y > 2099)
		return err_set(e, ERR_RANGE, "time", "time labels hold the "
		    "years 2000..2099 only");
	return gb26875_time_set(t, (int)y, (int)m, (int)d, (int)(sod / 3600),
	    (int)(sod / 60 % 60), (int)(sod % 60), e);
}

int
gb26875_time_to_epoch(const struct gb26875_time *t, int64_t *secs,
    struct err *e)
{
	if ((t->kind != GB26875_TIME_BINARY && t->kind != GB26875_TIME_BCD) ||
	    !gb_date_ok(t->year, t->month, t->day, t->hour, t->minute,
	    t->second))
		return err_set(e, ERR_INVALID, "time", "the time label holds "
		    "no date");
	*secs = gb_days(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
	    t->minute * 60 + t->second - GB_UTC_OFFSET;
	return 0;
}

char *
gb26875_time_format(const struct gb26875_time *t, char buf[GB26875_TIME_STR])
{
	if (t->kind != GB26875_TIME_BINARY && t->kind != GB26875_TIME_BCD) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, GB26875_TIME_STR, "%04u-%02u-%02uT%02u:%02u:%02u+08:00",
	    (unsigned)t->year % 10000, (unsigned)t->month % 100,
	    (unsigned)t->day % 100, (unsigned)t->hour % 100,
	    (unsigned)t->minute % 100, (unsigned)t->second % 100);
	return buf;
}

/* ---- addresses, commands ---- */

uint64_t
gb26875_addr(const uint8_t a[GB26875_ADDR_LEN])
{
	uint64_t	v = 0;
	int		i;

	for (i = GB26875_ADDR_LEN - 1; i >= 0; i--)
		v = v << 8 | a[i];
	return v;
}

void
gb26875_addr_set(uint8_t a[GB26875_ADDR_LEN], uint64_t v)
{
	int	i;

	for (i = 0; i < GB26875_ADDR_LEN; i++, v >>= 8)
		a[i] = (uint8_t)(v & 0xff);
}

int
gb26875_reply_command(const struct gb26875_header *h)
{
	if (h->command == GB26875_CMD_CONTROL || h->command == GB26875_CMD_SEND)
		return GB26875_CMD_CONFIRM;
	if (h->command == 0 || (h->command >= 7 && h->command <= 127))
		return GB26875_CMD_DENY;
	return 0;
}

int
gb26875_type_command(int type)
{
	if (gb26875_layout_of(type) == NULL)
		return 0;
	if (type >= GB26875_INIT_UITD)
		return GB26875_CMD_CONTROL;
	if (type >= GB26875_READ_SYS_STATE)
		return GB26875_CMD_REQUEST;
	return GB26875_CMD_SEND;
}

/* ---- the envelope ---- */

uint8_t
gb26875_sum(const unsigned char *p, size_t n)
{
	unsigned	s = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		s += p[i];
	return (uint8_t)s;
}

void
gb26875_header_read(const unsigned char *p, struct gb26875_header *h)
{
	h->serial = gb26875_le16(p + 2);
	h->version_main = p[4];
	h->version_user = p[5];
	gb26875_time_decode(p + 6, 0, &h->time);
	memcpy(h->source, p + 12, GB26875_ADDR_LEN);
	memcpy(h->destination, p + 18, GB26875_ADDR_LEN);
	h->adu_len = gb26875_le16(p + 24);
	h->command = p[26];
	h->checksum = p[27 + h->adu_len];
}

/* Markers and length of the frame p[0..len-1]; 0 or ERR_INVALID. */
static int
gb_envelope(const unsigned char *p, size_t len, struct err *e)
{
	size_t	l;

	if (len < GB26875_FRAME_MIN)
		return err_set(e, ERR_INVALID, "frame", "frame is %zu bytes, "
		    "shorter than the %d-byte minimum", len, GB26875_FRAME_MIN);
	if (p[0] != '@' || p[1] != '@')
		return err_set(e, ERR_INVALID, "start", "start marker is "
		    "%02X%02X, not 4040 (@@)", p[0], p[1]);
	l = gb26875_le16(p + 24);
	if (l > GB26875_ADU_MAX)
		return err_set(e, ERR_INVALID, "length", "data length %zu is "
		    "over the %d-byte limit", l, GB26875_ADU_MAX);
	if (len != GB26875_FRAME_MIN + l)
		return err_set(e, ERR_INVALID, "length", "frame is %zu bytes "
		    "but its length field (%zu) makes %zu", len, l,
		    GB26875_FRAME_MIN + l);
	if (p[28 + l] != '#' || p[29 + l] != '#')
		return err_set(e, ERR_INVALID, "end", "end marker is %02X%02X, "
		    "not 2323 (##)", p[28 + l], p[29 + l]);
	return 0;
}

int
gb26875_header_peek(const void *buf, size_t len, struct gb26875_header *h,
    struct err *e)
{
	const unsigned char	*p = buf;
	int			 rc;

	if ((rc = gb_envelope(p, len, e)) < 0)
		return rc;
	gb26875_header_read(p, h);
	return 0;
}

/* ---- the application data unit ---- */

/*
 * Decode n objects of layout l from p (exactly end - p bytes), with or
 * without their trailing time labels.  0, or -1 if a variable-length
 * object runs past the end or leaves bytes over.
 */
static int
gb_objects(struct gb26875_frame *f, const struct gb26875_layout *l,
    unsigned n, const unsigned char *p, const unsigned char *end,
    int with_time, int prefer_bcd, unsigned *flags)
{
	const struct gb26875_field	*fd;
	struct gb26875_object		*o;
	struct gb26875_time		*t;
	const char			*s;
	unsigned			 i, k, nf;
	uint32_t			 u32;
	uint16_t			 u16;
	int16_t				 i16;
	size_t				 tl;
	int				 lossy;

	nf = l->nfield - (with_time ? 0 : 1);
	for (i = 0; i < n; i++) {
		o = &f->obj[i];
		for (k = 0; k < nf; k++) {
			fd = &l->fields[k];
			tl = gb26875_field_size(fd->kind);
			if (fd->kind == GB_FK_TEXT) {
				if (p >= end || (size_t)(end - p) < 1u + *p)
					return -1;
				tl = 1u + *p;
			} else if ((size_t)(end - p) < tl)
				return -1;
			switch (fd->kind) {
			case GB_FK_COMP_ADDR:
				u32 = gb26875_le32(p);
				memcpy((char *)o + fd->off, &u32, sizeof(u32));
				break;
			case GB_FK_FLAGS16:
				u16 = gb26875_le16(p);
				memcpy((char *)o + fd->off, &u16, sizeof(u16));
				break;
			case GB_FK_ANALOG:
				*((uint8_t *)o + fd->off) = p[0];
				i16 = (int16_t)gb26875_le16(p + 1);
				memcpy((char *)o + fd->off2, &i16, sizeof(i16));
				break;
			case GB_FK_VERSION:
				*((uint8_t *)o + fd->off) = p[0];
				*((uint8_t *)o + fd->off + 1) = p[1];
				break;
			case GB_FK_TIME:
				t = (struct gb26875_time *)((char *)o +
				    fd->off);
				gb26875_time_decode(p, prefer_bcd, t);
				if (t->kind != GB26875_TIME_BINARY)
					*flags |= GB26875_F_TIME_QUIRK;
				break;
			case GB_FK_DESC:
			case GB_FK_TEXT:
				lossy = 0;
				s = f->text + f->text_len;
				f->text_len += gb26875_text_decode(
				    fd->kind == GB_FK_TEXT ? p + 1 : p,
				    fd->kind == GB_FK_TEXT ? tl - 1 : tl,
				    f->text + f->text_len, &lossy) + 1;
				memcpy((char *)o + fd->off, &s, sizeof(s));
				if (lossy)
					*flags |= GB26875_F_TEXT_LOSSY;
				break;
			default:
				*((uint8_t *)o + fd->off) = p[0];
				break;
			}
			p += tl;
		}
		if (!with_time) {
			t = (struct gb26875_time *)((char *)o +
			    l->fields[nf].off);
			memset(t, 0, sizeof(*t));
			t->kind = GB26875_TIME_ABSENT;
		}
	}
	return p == end ? 0 : -1;
}

/* Decode the unit adu[0..len-1] (inside f->raw) into f. */
static void
gb_adu(struct gb26875_frame *f, const unsigned char *adu, size_t len,
    int prefer_bcd)
{
	const struct gb26875_layout	*l;
	unsigned			 n, flags = 0;
	size_t				 body;
	int				 with_time = 1;

	f->adu = adu;
	f->adu_len = len;
	f->nobj = 0;
	f->count = 0;
	f->text_len = 0;
	f->adu_note = NULL;
	if (len == 0) {
		f->type = -1;
		f->adu_state = GB26875_ADU_EMPTY;
		return;
	}
	f->type = adu[0];
	l = gb26875_layout_of(f->type);
	if (len < 2) {
		/* No unit of the standard: a vendor's one-byte message. */
		f->adu_state = GB26875_ADU_UNKNOWN;
		f->adu_note = "no object count after the type flag";
		return;
	}
	f->adu_state = l ? GB26875_ADU_MISMATCH : GB26875_ADU_UNKNOWN;
	n = f->count = adu[1];
	if (l == NULL) {
		f->adu_note = "type not defined by the standard";
		return;
	}
	body = len - 2;
	if (l->size != 0 && body != (size_t)n * l->size) {
		if (l->timed && n > 0 && body == (size_t)n * (l->size - 6u)) {
			with_time = 0;
			flags |= GB26875_F_NO_OBJTIME;
		} else {
			f->adu_note = "length does not match the object count";
			return;
		}
	}
	if (gb_objects(f, l, n, adu + 2, adu + len, with_time, prefer_bcd,
	    &flags) < 0) {
		f->text_len = 0;
		f->adu_note = "text lengths do not match the data length";
		return;
	}
	f->nobj = n;
	f->flags |= flags;
	f->adu_state = GB26875_ADU_DECODED;
}

void
gb26875_frame_load(struct gb26875_frame *f, const unsigned char *p,
    size_t len)
{
	memcpy(f->raw, p, len);
	f->raw_len = len;
	gb26875_header_read(f->raw, &f->hdr);
	f->flags = 0;
	if (f->hdr.time.kind != GB26875_TIME_BINARY)
		f->flags |= GB26875_F_TIME_QUIRK;
	if (f->hdr.command == GB26875_CMD_SEND && f->hdr.adu_len == 0)
		f->flags |= GB26875_F_HEARTBEAT;
	gb_adu(f, f->raw + 27, f->hdr.adu_len,
	    f->hdr.time.kind == GB26875_TIME_BCD);
}

int
gb26875_frame_parse(const void *buf, size_t len, struct gb26875_frame *f,
    struct err *e)
{
	const unsigned char	*p = buf;
	uint8_t			 sum;
	int			 rc;

	if ((rc = gb_envelope(p, len, e)) < 0)
		return rc;
	sum = gb26875_sum(p + 2, len - 5);
	if (sum != p[len - 3])
		return err_set(e, ERR_INVALID, "checksum", "checksum is %02X, "
		    "computed %02X", p[len - 3], sum);
	gb26875_frame_load(f, p, len);
	return 0;
}

int
gb26875_frame_decode(const void *buf, size_t len, struct gb26875_frame **out,
    struct err *e)
{
	struct gb26875_frame	*f;
	int			 rc;

	f = xmalloc(sizeof(*f));
	if ((rc = gb26875_frame_parse(buf, len, f, e)) < 0) {
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void
gb26875_frame_free(struct gb26875_frame *f)
{
	free(f);
}

int
gb26875_adu_parse(const void *adu, size_t len, struct gb26875_frame *f,
    struct err *e)
{
	if (len > GB26875_ADU_MAX)
		return err_set(e, ERR_RANGE, "adu", "data unit is %zu bytes, "
		    "over the %d-byte limit", len, GB26875_ADU_MAX);
	memset(&f->hdr, 0, sizeof(f->hdr));
	f->hdr.adu_len = (uint16_t)len;
	f->hdr.time.kind = GB26875_TIME_ZERO;
	if (len > 0)
		memcpy(f->raw, adu, len);
	f->raw_len = len;
	f->flags = GB26875_F_ADU_ONLY;
	gb_adu(f, f->raw, len, 0);
	return 0;
}

int
gb26875_frame_check(const struct gb26875_frame *f, struct err *e)
{
	if (f->adu_state == GB26875_ADU_MISMATCH)
		return err_set(e, ERR_INVALID, "adu", "type %d with %u "
		    "object(s): %s", f->type, f->count, f->adu_note);
	return 0;
}

int
gb26875_frame_is_heartbeat(const struct gb26875_frame *f)
{
	return (f->flags & GB26875_F_HEARTBEAT) != 0;
}
