/*
 * From the wire to iot events (IOT-004, IOT-008, IOT-017): the objects of
 * a decoded GB/T 26875.3 frame — system and component states with the
 * conditions their bits show present or absent, analog values scaled to
 * kPa, mA and °C, operations, configuration — and the JSON messages of
 * the MQTT topic fw/v1/devices/{device_id}/events, checked strictly.
 * The de-duplication key of a frame's object is the digest of the frame's
 * serial and data (and, when the frame carries no usable time, the five
 * minutes it arrived in), led by the time of its objects when they have
 * one, so a frame resent is the same event.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jx.h"
#include "../core/str.h"
#include "gw_int.h"

#define GW_ZERO_TIME_BUCKET_S	300

void
gw_map_source(const uint8_t a[GB26875_ADDR_LEN], char out[IOT_SOURCE_MAX + 1])
{
	snprintf(out, IOT_SOURCE_MAX + 1, "%012llX",
	    (unsigned long long)gb26875_addr(a));
}

static int64_t
gw_time(const struct gb26875_time *t)
{
	int64_t	s = 0;

	if (gb26875_time_to_epoch(t, &s, NULL) < 0)
		return 0;
	return s;
}

/* Conditions a facility system's state shows (type 1), as bits. */
static void
gw_sys_conds(unsigned state, unsigned *present, unsigned *absent)
{
	*present = 0;
	if (state & (GB26875_SYS_FAULT | GB26875_SYS_BACKUP_POWER |
	    GB26875_SYS_BUS_FAULT))
		*present |= IOT_C_FAULT;
	if (state & GB26875_SYS_MAIN_POWER)
		*present |= IOT_C_POWER;
	*absent = (IOT_C_FAULT | IOT_C_POWER) & ~*present;
}

/* A component's (type 2): b2 fault, b8 power fault. */
static void
gw_comp_conds(unsigned state, unsigned *present, unsigned *absent)
{
	*present = 0;
	if (state & GB26875_SYS_FAULT)
		*present |= IOT_C_FAULT;
	if (state & GB26875_COMP_POWER_FAULT)
		*present |= IOT_C_POWER;
	*absent = (IOT_C_FAULT | IOT_C_POWER) & ~*present;
}

/* The UITD's own (type 21). */
static void
gw_uitd_conds(unsigned state, unsigned *present, unsigned *absent)
{
	*present = 0;
	if (state & (GB26875_UITD_FAULT | GB26875_UITD_BACKUP_POWER |
	    GB26875_UITD_LINK_FAULT | GB26875_UITD_LINE_FAULT))
		*present |= IOT_C_FAULT;
	if (state & GB26875_UITD_MAIN_POWER)
		*present |= IOT_C_POWER;
	*absent = (IOT_C_FAULT | IOT_C_POWER) & ~*present;
}

/* The kind of a state report: fire first, then faults, then normal. */
static int
gw_state_kind(unsigned state, unsigned fire, unsigned present,
    unsigned normal_mask)
{
	if (state & fire)
		return IOT_EV_ALARM;
	if (present)
		return IOT_EV_FAULT;
	if ((state & ~normal_mask) == 0)
		return IOT_EV_RESTORE;
	return IOT_EV_STATE;
}

/* An analog value into the event: kPa, mA, °C where it is one of those. */
static void
gw_analog(const struct gb26875_comp_analog *a, struct iot_event *ev)
{
	const char	*q, *u;
	int		 div;

	ev->has_value = 1;
	switch (a->analog_type) {
	case 5:		/* kPa, 0.1 */
		ev->kind = IOT_EV_PRESSURE;
		ev->value = (int64_t)a->value * 100;
		return;
	case 4:		/* MPa, 0.1 */
		ev->kind = IOT_EV_PRESSURE;
		ev->value = (int64_t)a->value * 100000;
		return;
	case 3:		/* °C, 0.1 */
		ev->kind = IOT_EV_TEMPERATURE;
		ev->value = (int64_t)a->value * 100;
		return;
	case 9:		/* A, 0.1: leakage current of a residual-current
			 * detector (component type 17) in mA */
		if (a->comp_type == 17) {
			ev->kind = IOT_EV_LEAKAGE;
			ev->value = (int64_t)a->value * 100000;
			return;
		}
		break;
	default:
		break;
	}
	ev->kind = IOT_EV_ANALOG;
	div = gb26875_analog_scale(a->analog_type, &q, &u);
	ev->value = div > 0 ? (int64_t)a->value * 1000 / div :
	    (int64_t)a->value * 1000;
}

static void
gw_detail(struct buf *arena, size_t *doff, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
gw_detail(struct buf *arena, size_t *doff, const char *fmt, ...)
{
	char	tmp[IOT_DETAIL_MAX + 1];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	*doff = arena->len;
	buf_add(arena, tmp, strlen(tmp) + 1);
}

static void
gw_desc(struct iot_event *ev, const char *s)
{
	if (s != NULL)
		snprintf(ev->desc, sizeof(ev->desc), "%s", s);
}

static void
gw_one(const struct gb26875_frame *f, unsigned i, struct iot_event *ev,
    struct buf *arena, size_t *doff)
{
	const struct gb26875_object	*o = &f->obj[i];
	unsigned			 p, a;
	char				 t[GB26875_TIME_STR];

	switch (f->type) {
	case GB26875_SYS_STATE:
		ev->sys_type = o->sys_state.sys_type;
		ev->sys_addr = o->sys_state.sys_addr;
		ev->state = o->sys_state.state;
		gw_sys_conds(ev->state, &p, &a);
		ev->kind = gw_state_kind((unsigned)ev->state, GB26875_SYS_FIRE, p,
		    GB26875_SYS_NORMAL);
		ev->asserts = p;
		ev->clears = a;
		ev->device_at = gw_time(&o->sys_state.time);
		break;
	case GB26875_COMP_STATE:
		ev->sys_type = o->comp_state.sys_type;
		ev->sys_addr = o->comp_state.sys_addr;
		ev->comp_type = o->comp_state.comp_type;
		ev->comp_addr = o->comp_state.comp_addr;
		ev->state = o->comp_state.state;
		gw_comp_conds(ev->state, &p, &a);
		ev->kind = gw_state_kind((unsigned)ev->state, GB26875_SYS_FIRE, p,
		    GB26875_SYS_NORMAL);
		ev->asserts = p;
		ev->clears = a;
		gw_desc(ev, o->comp_state.desc);
		ev->device_at = gw_time(&o->comp_state.time);
		break;
	case GB26875_COMP_ANALOG:
		ev->sys_type = o->analog.sys_type;
		ev->sys_addr = o->analog.sys_addr;
		ev->comp_type = o->analog.comp_type;
		ev->comp_addr = o->analog.comp_addr;
		gw_analog(&o->analog, ev);
		if (ev->kind == IOT_EV_ANALOG)
			gw_detail(arena, doff, "analog_type=%u",
			    o->analog.analog_type);
		ev->device_at = gw_time(&o->analog.time);
		break;
	case GB26875_SYS_OP:
		ev->kind = IOT_EV_OPERATION;
		ev->sys_type = o->sys_op.sys_type;
		ev->sys_addr = o->sys_op.sys_addr;
		ev->state = o->sys_op.op;
		gw_detail(arena, doff, "operator=%u", o->sys_op.operator_no);
		ev->device_at = gw_time(&o->sys_op.time);
		break;
	case GB26875_UITD_OP:
		ev->kind = IOT_EV_OPERATION;
		ev->state = o->uitd_op.op;
		gw_detail(arena, doff, "operator=%u", o->uitd_op.operator_no);
		ev->device_at = gw_time(&o->uitd_op.time);
		break;
	case GB26875_UITD_STATE:
		ev->state = o->uitd_state.state;
		gw_uitd_conds(ev->state, &p, &a);
		ev->kind = gw_state_kind((unsigned)ev->state, GB26875_UITD_FIRE,
		    p, GB26875_UITD_NORMAL);
		ev->asserts = p;
		ev->clears = a;
		ev->device_at = gw_time(&o->uitd_state.time);
		break;
	case GB26875_COMP_CONFIG:
		/* "its detectors appear as they report": the description. */
		ev->kind = IOT_EV_CONFIG;
		ev->sys_type = o->comp_config.sys_type;
		ev->sys_addr = o->comp_config.sys_addr;
		ev->comp_type = o->comp_config.comp_type;
		ev->comp_addr = o->comp_config.comp_addr;
		gw_desc(ev, o->comp_config.desc);
		break;
	case GB26875_SYS_VERSION:
		ev->kind = IOT_EV_INFO;
		ev->sys_type = o->sys_version.sys_type;
		ev->sys_addr = o->sys_version.sys_addr;
		gw_detail(arena, doff, "version %u.%u", o->sys_version.major,
		    o->sys_version.minor);
		break;
	case GB26875_SYS_CONFIG:
		ev->kind = IOT_EV_INFO;
		ev->sys_type = o->sys_config.sys_type;
		ev->sys_addr = o->sys_config.sys_addr;
		gw_detail(arena, doff, "config %s", o->sys_config.text ?
		    o->sys_config.text : "");
		break;
	case GB26875_SYS_TIME:
		ev->kind = IOT_EV_INFO;
		ev->sys_type = o->sys_time.sys_type;
		ev->sys_addr = o->sys_time.sys_addr;
		gw_detail(arena, doff, "time %s", gb26875_time_format(
		    &o->sys_time.time, t));
		break;
	case GB26875_UITD_VERSION:
		ev->kind = IOT_EV_INFO;
		gw_detail(arena, doff, "version %u.%u", o->uitd_version.major,
		    o->uitd_version.minor);
		break;
	case GB26875_UITD_CONFIG:
		ev->kind = IOT_EV_INFO;
		gw_detail(arena, doff, "config %s", o->uitd_config.text ?
		    o->uitd_config.text : "");
		break;
	case GB26875_UITD_TIME:
		ev->kind = IOT_EV_INFO;
		gw_detail(arena, doff, "time %s", gb26875_time_format(
		    &o->clock.time, t));
		break;
	default:
		/* A centre's request or control sent by a device: kept. */
		ev->kind = IOT_EV_INFO;
		gw_detail(arena, doff, "type %d (%s)", f->type,
		    gb26875_type_name(f->type));
		break;
	}
}

/*
 * IOT-004: the key of a frame whose objects carry a time leads with that
 * time, in GW_DEDUP_STEP_S steps (22 bits: wrapping every 388 days, about
 * the retention), over 33 bits of its digest and the object's index.  A
 * resend has the same data unit, so the same object times and the same
 * keys; and a device's keys now grow with time, so that the unique index
 * (device_id, dedup) takes a new event at the end of the device's range,
 * in a page the last batches wrote, instead of in any of its pages — one
 * page read and written per event once the index is larger than the cache.
 * Two different frames of a device collide only within the same 8 s and
 * 33 bits: at 10 frames a second about as likely as two of 55 bits over
 * a year's events, as before.  Objects without a time keep the digest.
 */
#define GW_DEDUP_STEP_S		8
#define GW_DEDUP_TIME_BITS	22
#define GW_DEDUP_LOW_BITS	(63 - GW_DEDUP_TIME_BITS)

static int64_t
gw_dedup_timed(int64_t digest, const struct iot_event *ev, size_t n)
{
	uint64_t	t;
	size_t		i;

	for (i = 0; i < n; i++)
		if (ev[i].device_at > 0)
			break;
	if (i == n)
		return digest;
	t = (uint64_t)(ev[i].device_at / GW_DEDUP_STEP_S) &
	    ((1ULL << GW_DEDUP_TIME_BITS) - 1);
	return (int64_t)(t << GW_DEDUP_LOW_BITS | ((uint64_t)digest &
	    ((1ULL << GW_DEDUP_LOW_BITS) - 1)));
}

size_t
gw_map_frame(const struct gb26875_frame *f, int64_t at_ms,
    struct iot_event *ev, struct buf *arena, size_t *doff)
{
	unsigned char	 key[2 + GB26875_ADU_MAX + 8];
	char		 src[IOT_SOURCE_MAX + 1];
	size_t		 klen = 0, n = 0, i, hex;
	int64_t		 bucket, base;

	gw_map_source(f->hdr.source, src);
	/* IOT-004: what makes a frame the same frame. */
	key[klen++] = (unsigned char)(f->hdr.serial & 0xFF);
	key[klen++] = (unsigned char)(f->hdr.serial >> 8);
	memcpy(key + klen, f->adu, f->adu_len);
	klen += f->adu_len;
	if (f->hdr.time.kind != GB26875_TIME_BINARY &&
	    f->hdr.time.kind != GB26875_TIME_BCD) {
		bucket = at_ms / 1000 / GW_ZERO_TIME_BUCKET_S;
		memcpy(key + klen, &bucket, sizeof(bucket));
		klen += sizeof(bucket);
	}
	if (f->adu_state == GB26875_ADU_EMPTY) {
		memset(&ev[0], 0, sizeof(ev[0]));
		ev[0].kind = IOT_EV_HEARTBEAT;
		n = 1;
	} else if (f->adu_state != GB26875_ADU_DECODED) {
		memset(&ev[0], 0, sizeof(ev[0]));
		ev[0].kind = IOT_EV_RAW;
		ev[0].sys_type = -1;
		/* The unit as it came, in hex, as far as it fits. */
		hex = f->adu_len * 2 + 1 < IOT_DETAIL_MAX - 40 ? f->adu_len :
		    (IOT_DETAIL_MAX - 41) / 2;
		doff[0] = arena->len;
		buf_printf(arena, "type %d %s: ", f->type, f->adu_note ?
		    f->adu_note : "");
		buf_reserve(arena, hex * 2 + 1);
		str_hex(f->adu, hex, arena->data + arena->len);
		arena->len += hex * 2;
		buf_add(arena, "", 1);
		n = 1;
	} else {
		for (i = 0; i < f->nobj && i < GB26875_OBJ_MAX; i++) {
			memset(&ev[n], 0, sizeof(ev[n]));
			doff[n] = SIZE_MAX;
			ev[n].sys_type = ev[n].sys_addr = -1;
			ev[n].comp_type = -1;
			ev[n].comp_addr = -1;
			ev[n].state = -1;
			gw_one(f, (unsigned)i, &ev[n], arena, &doff[n]);
			n++;
		}
	}
	/* One digest per frame; the object's index in its low byte. */
	base = gw_dedup_timed(iot_dedup_key(key, klen, 0), ev, n);
	for (i = 0; i < n; i++) {
		ev[i].protocol = IOT_GB26875;
		memcpy(ev[i].source, src, sizeof(src));
		ev[i].at_ms = at_ms;
		if (ev[i].kind == IOT_EV_HEARTBEAT || ev[i].kind == IOT_EV_RAW) {
			ev[i].sys_type = ev[i].sys_addr = ev[i].comp_type = -1;
			ev[i].comp_addr = -1;
			ev[i].state = -1;
			if (ev[i].kind == IOT_EV_HEARTBEAT)
				doff[i] = SIZE_MAX;
		}
		ev[i].dedup = (base & ~(int64_t)0xFF) | (int64_t)(i & 0xFF);
	}
	return n;
}

/* MQTT (IOT-017). */

static const char *const gw_mqtt_kinds[] = { "alarm", "fault", "restore",
    "pressure", "leakage_current", "temperature", "heartbeat", NULL };

/* The value in thousandths of the kind's unit from value and unit. */
static int
gw_mqtt_value(const char *kind, double x, const char *unit, int64_t *out,
    struct err *e)
{
	double	mul;

	if (!isfinite(x) || fabs(x) > 1e9)
		return err_set(e, ERR_INVALID, "value", "value out of range");
	if (strcmp(kind, "pressure") == 0) {
		if (unit == NULL || strcmp(unit, "kPa") == 0)
			mul = 1000;
		else if (strcmp(unit, "MPa") == 0)
			mul = 1e6;
		else
			return err_set(e, ERR_INVALID, "unit", "pressure is in "
			    "kPa or MPa");
	} else if (strcmp(kind, "leakage_current") == 0) {
		if (unit == NULL || strcmp(unit, "mA") == 0)
			mul = 1000;
		else if (strcmp(unit, "A") == 0)
			mul = 1e6;
		else
			return err_set(e, ERR_INVALID, "unit", "leakage current "
			    "is in mA or A");
	} else if (strcmp(kind, "temperature") == 0) {
		if (unit == NULL || strcmp(unit, "C") == 0 ||
		    strcmp(unit, "°C") == 0 || strcmp(unit, "℃") == 0)
			mul = 1000;
		else
			return err_set(e, ERR_INVALID, "unit", "temperature is "
			    "in °C");
	} else
		mul = 1000;
	*out = (int64_t)llround(x * mul);
	return 0;
}

/*
 * The members of a message, as the checks see them: absent, a whole
 * number, a real number, text, null, or something else.
 */
enum { MQ_TS, MQ_KIND, MQ_VALUE, MQ_UNIT, MQ_SEQ, MQ__N };
enum { MQ_ABSENT, MQ_INT, MQ_REAL, MQ_STR, MQ_NULL, MQ_OTHER };

struct gw_mq_val {
	int		 t;
	json_int_t	 i;
	double		 d;
	const char	*s;
	char		 buf[24];	/* text read by gw_mq_fast */
};

static const char *const gw_mq_keys[] = { "ts", "kind", "value", "unit",
    "seq", NULL };

static const char *
gw_mq_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/* A JSON number at *pp (its grammar exactly), as jansson reads it. */
static int
gw_mq_number(const char **pp, const char *end, struct gw_mq_val *v)
{
	const char	*p = *pp, *b = p;
	char		 tmp[64], *te;
	int		 real = 0, neg = 0;
	size_t		 nd = 0;
	json_int_t	 x = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
		return -1;
	/* Past 18 digits the JSON parser's words are wanted (and x would
	 * overflow): stop adding up, refuse the fast path. */
	for (; p < end && *p >= '0' && *p <= '9'; p++, nd++)
		if (nd < 18)
			x = x * 10 + (*p - '0');
	if (nd > 18)
		return -1;
	if (p < end && *p == '.') {
		real = 1;
		if (++p >= end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = 1;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (!real) {
		v->t = MQ_INT;
		v->i = neg ? -x : x;
		*pp = p;
		return 0;
	}
	if ((size_t)(p - b) >= sizeof(tmp))
		return -1;
	memcpy(tmp, b, (size_t)(p - b));
	tmp[p - b] = '\0';
	errno = 0;
	v->d = strtod(tmp, &te);
	if (*te != '\0' || ((v->d == HUGE_VAL || v->d == -HUGE_VAL) &&
	    errno == ERANGE))
		return -1;
	v->t = MQ_REAL;
	*pp = p;
	return 0;
}

/*
 * The usual message read without a JSON tree: an object of the known
 * members, each once, numbers, null and short printable ASCII text
 * without escapes.  -1 for anything else (the JSON parser then reads it
 * and says what is wrong), so that both ways accept and refuse the same.
 */
static int
gw_mq_fast(const char *p, size_t len, struct gw_mq_val *f)
{
	const char	*end = p + len, *k;
	size_t		 kl, i, n;

	for (i = 0; i < MQ__N; i++)
		f[i].t = MQ_ABSENT;
	p = gw_mq_ws(p, end);
	if (p >= end || *p++ != '{')
		return -1;
	p = gw_mq_ws(p, end);
	if (p < end && *p == '}')
		goto close;
	for (;;) {
		if (p >= end || *p++ != '"')
			return -1;
		for (k = p; p < end && *p >= 'a' && *p <= 'z'; p++)
			;
		if (p >= end || *p != '"')
			return -1;
		kl = (size_t)(p++ - k);
		for (i = 0; gw_mq_keys[i] != NULL; i++)
			if (strlen(gw_mq_keys[i]) == kl &&
			    memcmp(gw_mq_keys[i], k, kl) == 0)
				break;
		if (gw_mq_keys[i] == NULL || f[i].t != MQ_ABSENT)
			return -1;	/* unknown, or twice */
		p = gw_mq_ws(p, end);
		if (p >= end || *p++ != ':')
			return -1;
		p = gw_mq_ws(p, end);
		if (p >= end)
			return -1;
		if (*p == '"') {
			for (n = 0, p++; p < end && *p != '"'; p++, n++)
				if ((unsigned char)*p < 0x20 ||
				    (unsigned char)*p > 0x7e || *p == '\\' ||
				    n + 1 >= sizeof(f[i].buf))
					return -1;
			if (p >= end)
				return -1;
			memcpy(f[i].buf, p - n, n);
			f[i].buf[n] = '\0';
			f[i].s = f[i].buf;
			f[i].t = MQ_STR;
			p++;
		} else if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
			f[i].t = MQ_NULL;
			p += 4;
		} else if (gw_mq_number(&p, end, &f[i]) < 0)
			return -1;
		p = gw_mq_ws(p, end);
		if (p < end && *p == ',') {
			p = gw_mq_ws(p + 1, end);
			continue;
		}
		break;
	}
	if (p >= end || *p != '}')
		return -1;
close:
	p = gw_mq_ws(p + 1, end);
	return p == end ? 0 : -1;
}

static int
gw_mq_is_num(const struct gw_mq_val *v)
{
	return v->t == MQ_INT || v->t == MQ_REAL;
}

/* The checks of a message's members into ev (after the topic's). */
static int
gw_mq_check(const struct gw_mq_val *f, struct iot_event *ev, struct err *e)
{
	const char	*kind, *unit = NULL;
	int		 ki, rc;

	kind = f[MQ_KIND].t == MQ_STR ? f[MQ_KIND].s : NULL;
	for (ki = 0; kind != NULL && gw_mqtt_kinds[ki] != NULL; ki++)
		if (strcmp(gw_mqtt_kinds[ki], kind) == 0)
			break;
	if (kind == NULL || gw_mqtt_kinds[ki] == NULL)
		return err_set(e, ERR_INVALID, "kind", "kind must be alarm, "
		    "fault, restore, pressure, leakage_current, temperature or "
		    "heartbeat");
	ev->kind = iot_kind_of(kind);
	if (f[MQ_TS].t != MQ_INT || f[MQ_TS].i <= 0 ||
	    f[MQ_TS].i > ((json_int_t)1 << 53))
		return err_set(e, ERR_INVALID, "ts", "ts must be Unix time in "
		    "milliseconds");
	ev->device_at = f[MQ_TS].i / 1000;
	if (f[MQ_SEQ].t == MQ_ABSENT && ev->kind != IOT_EV_HEARTBEAT)
		return err_set(e, ERR_MISSING, "seq", "seq is required");
	if (f[MQ_SEQ].t != MQ_ABSENT && (f[MQ_SEQ].t != MQ_INT ||
	    f[MQ_SEQ].i < 0))
		return err_set(e, ERR_INVALID, "seq", "seq must be a whole "
		    "number from 0");
	ev->dedup = f[MQ_SEQ].t != MQ_ABSENT ? f[MQ_SEQ].i : 0;
	if (f[MQ_UNIT].t != MQ_ABSENT) {
		if (f[MQ_UNIT].t != MQ_STR)
			return err_set(e, ERR_TYPE, "unit", "unit must be text");
		unit = f[MQ_UNIT].s;
	}
	if (ev->kind == IOT_EV_PRESSURE || ev->kind == IOT_EV_LEAKAGE ||
	    ev->kind == IOT_EV_TEMPERATURE) {
		if (!gw_mq_is_num(&f[MQ_VALUE]))
			return err_set(e, ERR_MISSING, "value", "a %s needs a "
			    "number value", kind);
	} else if (f[MQ_VALUE].t != MQ_ABSENT && !gw_mq_is_num(&f[MQ_VALUE]) &&
	    f[MQ_VALUE].t != MQ_NULL)
		return err_set(e, ERR_TYPE, "value", "value must be a number");
	if (gw_mq_is_num(&f[MQ_VALUE])) {
		if ((rc = gw_mqtt_value(kind, f[MQ_VALUE].t == MQ_INT ?
		    (double)f[MQ_VALUE].i : f[MQ_VALUE].d, unit, &ev->value,
		    e)) < 0)
			return rc;
		ev->has_value = 1;
	}
	/* What a fault and a restore say about the device itself. */
	if (ev->kind == IOT_EV_FAULT)
		ev->asserts = IOT_C_FAULT;
	else if (ev->kind == IOT_EV_RESTORE)
		ev->clears = IOT_C_FAULT | IOT_C_POWER;
	return 0;
}

int
gw_map_mqtt(const char *topic, const void *payload, size_t len, int64_t at_ms,
    struct iot_event *ev, struct err *e)
{
	static const char pre[] = "fw/v1/devices/", post[] = "/events";
	struct gw_mq_val f[MQ__N];
	const char	*id, *end, *k;
	json_t		*o = NULL, *v;
	size_t		 n, i;
	int		 rc = 0;

	memset(ev, 0, sizeof(*ev));
	ev->sys_type = ev->sys_addr = ev->comp_type = -1;
	ev->comp_addr = -1;
	ev->state = -1;
	if (strncmp(topic, pre, sizeof(pre) - 1) != 0)
		return err_set(e, ERR_INVALID, "topic", "not a device topic");
	id = topic + sizeof(pre) - 1;
	if ((end = strchr(id, '/')) == NULL || strcmp(end, post) != 0)
		return err_set(e, ERR_INVALID, "topic", "not a device topic");
	n = (size_t)(end - id);
	if (n == 0 || n > IOT_SOURCE_MAX)
		return err_set(e, ERR_INVALID, "topic", "device id of 1 to %d "
		    "characters", IOT_SOURCE_MAX);
	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' &&
		    id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
		    strchr("_.-", id[i]) != NULL))
			return err_set(e, ERR_INVALID, "topic", "device id of "
			    "letters, digits, _ . -");
	memcpy(ev->source, id, n);
	ev->source[n] = '\0';
	ev->protocol = IOT_MQTT;
	ev->at_ms = at_ms;
	if (len > 1024)
		return err_set(e, ERR_TOO_LARGE, "payload", "payload over 1024 "
		    "bytes");
	/* The usual message, read directly; anything else through the
	 * JSON parser, which tells what is wrong with it. */
	if (gw_mq_fast(payload, len, f) == 0)
		return gw_mq_check(f, ev, e);
	if ((rc = jx_parse_body(payload, len, &o, e)) < 0)
		return rc;
	json_object_foreach(o, k, v) {
		for (i = 0; gw_mq_keys[i] != NULL; i++)
			if (strcmp(gw_mq_keys[i], k) == 0)
				break;
		if (gw_mq_keys[i] == NULL) {
			rc = err_set(e, ERR_UNKNOWN_FIELD, k, "unknown field %s",
			    k);
			goto out;
		}
	}
	for (i = 0; i < MQ__N; i++) {
		v = json_object_get(o, gw_mq_keys[i]);
		memset(&f[i], 0, sizeof(f[i]));
		if (v == NULL)
			f[i].t = MQ_ABSENT;
		else if (json_is_integer(v)) {
			f[i].t = MQ_INT;
			f[i].i = json_integer_value(v);
		} else if (json_is_real(v)) {
			f[i].t = MQ_REAL;
			f[i].d = json_real_value(v);
		} else if (json_is_string(v)) {
			f[i].t = MQ_STR;
			f[i].s = json_string_value(v);
		} else if (json_is_null(v))
			f[i].t = MQ_NULL;
		else
			f[i].t = MQ_OTHER;
	}
	rc = gw_mq_check(f, ev, e);
out:
	json_decref(o);
	return rc;
}
