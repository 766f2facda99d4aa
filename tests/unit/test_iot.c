/*
 * Unit tests of the iot module (docs/modules/iot.md) on SQLite and, when
 * FIREWARDEN_TEST_PG is set, PostgreSQL: the rules file, the registry
 * and its jurisdiction, the ingest (de-duplication, liveness,
 * components, unknown sources), the alarm clock and its escalation, the
 * conditions that open automatic hazards and close them when the device
 * is restored and the unit confirms, offline detection, retention, the
 * risk events, and the gateway's mapping of GB/T 26875.3 frames and MQTT
 * messages.  Time moves with clock_set_offset().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/actor.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/hazard.h"
#include "domain/iot.h"
#include "domain/job.h"
#include "domain/notice.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "domain/risk.h"
#include "gateway/gw_int.h"
#include "fx_store.h"

#define TOWN_A	"441900003"	/* 东城街道 */
#define TOWN_B	"441900121"	/* 虎门镇 */
#define HOUR	3600

struct fx {
	struct store	*st;
	struct actor	 sys;
	struct actor	 off;		/* officer, town A */
	struct actor	 offb;		/* officer, town B */
	struct actor	 unit;		/* the unit's own account */
	struct actor	 leader;	/* city, iot:read only */
	int64_t		 u;		/* a unit of town A */
	int64_t		 ub;		/* a unit of town B */
	int64_t		 dev;		/* a GB/T 26875.3 device of u */
	char		 src[16];
	int64_t		 t0;		/* clock offset of the test's start */
	char		 tmp[64];
};

static const char	*fx_url;
static char		 data_dir[512];

static const struct audit_type	iot_types[] = {
	{ "unit", registry_unit_record },
	{ "building", registry_building_record },
	{ "hazard", hazard_record },
	{ "risk_event", risk_event_record },
	{ "notice", notice_record },
	{ "iot_device", iot_device_record },
	{ "iot_alarm", iot_alarm_record },
	{ "iot_condition", iot_condition_record },
	{ NULL, NULL },
};

static char *
data_path(const char *rel)
{
	return xasprintf("%s/%s", data_dir, rel);
}

static void
find_data(void)
{
	const char	*v = getenv("FIREWARDEN_DATA");
	const char	*up[] = { "", "../", "../../", "../../../" };
	char		 probe[600];
	size_t		 i;

	if (v != NULL && *v) {
		snprintf(data_dir, sizeof(data_dir), "%s", v);
		return;
	}
	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(probe, sizeof(probe), "%sdata/iot/rules.json", up[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(data_dir, sizeof(data_dir), "%sdata", up[i]);
			return;
		}
	}
	fail_msg("data/ not found; set FIREWARDEN_DATA");
}

static void
user(struct actor *a, int64_t uid, const char *jur, const char *perms)
{
	char	buf[256], *p, *save = NULL;

	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_USER;
	a->user_id = uid;
	snprintf(a->login, sizeof(a->login), "u%lld", (long long)uid);
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "%s", jur);
	snprintf(a->request_id, sizeof(a->request_id), "t-%lld",
	    (long long)uid);
	snprintf(buf, sizeof(buf), "%s", perms);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		actor_add_perm(a, p);
}

/* Move the clock to s seconds after the test's start. */
static void
at(struct fx *f, int64_t s)
{
	clock_set_offset(f->t0 + s);
}

static int64_t
id_of(const json_t *o)
{
	const char	*s = json_string_value(json_object_get(o, "id"));

	assert_non_null(s);
	return strtoll(s, NULL, 10);
}

static const char *
jstr(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	assert_non_null(s);
	return s;
}

static int64_t
jint(const json_t *o, const char *k)
{
	assert_true(json_is_integer(json_object_get(o, k)));
	return json_integer_value(json_object_get(o, k));
}

static int64_t
count(struct fx *f, const char *sql)
{
	return fx_count(f->st, sql);
}

static int64_t
mk_unit(struct fx *f, struct actor *who, const char *name, const char *town)
{
	struct err	 e;
	json_t		*in, *out = NULL;
	int64_t		 id;

	in = json_pack("{s:s, s:s, s:s}", "name", name, "address",
	    "东莞市物联测试路1号", "town", town);
	fx_begin(f->st);
	if (fx_end(f->st, registry_unit_create(f->st, who, in, &out, &e)) < 0)
		fail_msg("unit: %s", e.msg);
	id = id_of(out);
	json_decref(in);
	json_decref(out);
	return id;
}

/* Register a device (rc expected); its id, or 0. */
static int64_t
mk_dev(struct fx *f, struct actor *who, json_t *in, int want, const char *field)
{
	struct err	 e;
	json_t		*out = NULL;
	int64_t		 id = 0;
	int		 rc;

	err_clear(&e);
	fx_begin(f->st);
	rc = fx_end(f->st, iot_device_create(f->st, who, in, &out, &e));
	json_decref(in);
	if (rc != want)
		fail_msg("device: %d (%s: %s), want %d", rc, e.field, e.msg,
		    want);
	if (field != NULL)
		assert_string_equal(e.field, field);
	if (rc == 0) {
		id = id_of(out);
		json_decref(out);
	}
	return id;
}

static json_t *
dev_in(int64_t unit, const char *protocol, const char *source,
    const char *kind)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:s}", "protocol", protocol,
	    "source", source, "unit_id", jx_id(unit), "name", "测试设备",
	    "kind", kind);
}

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;
	char		*p;

	clock_set_offset(0);
	f->st = fx_store_fresh(fx_url);
	p = data_path("towns/dongguan.csv");
	if (registry_sync_towns(f->st, p, &e) < 0)
		fail_msg("towns: %s", e.msg);
	free(p);
	p = data_path("calendar");
	if (calendar_load_dir(p, &e) < 0)
		fail_msg("calendar: %s", e.msg);
	free(p);
	p = data_path("hazard/catalogue.json");
	if (hazard_catalogue_load(p, &e) < 0)
		fail_msg("catalogue: %s", e.msg);
	free(p);
	p = data_path("rules/risk-v1.json");
	if (risk_model_load(p, &e) < 0)
		fail_msg("risk model: %s", e.msg);
	free(p);
	p = data_path("iot/rules.json");
	if (iot_rules_load(p, &e) < 0)
		fail_msg("iot rules: %s", e.msg);
	free(p);
	actor_system(&f->sys, "t-sys");
	user(&f->off, 7, "town:" TOWN_A, "registry:read registry:write "
	    "hazard:read hazard:write iot:read iot:write");
	user(&f->offb, 8, "town:" TOWN_B, "registry:read registry:write "
	    "iot:read iot:write");
	user(&f->leader, 9, "city", "registry:read iot:read");
	f->u = mk_unit(f, &f->off, "物联测试商场", TOWN_A);
	f->ub = mk_unit(f, &f->offb, "虎门物联测试酒店", TOWN_B);
	{
		char	jur[40];

		snprintf(jur, sizeof(jur), "unit:%lld", (long long)f->u);
		user(&f->unit, 10, jur, "iot:read iot:confirm hazard:read "
		    "notice:read");
	}
	snprintf(f->src, sizeof(f->src), "000000000379");
	f->dev = mk_dev(f, &f->off, dev_in(f->u, "gb26875", f->src, "uitd"), 0,
	    NULL);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	clock_set_offset(0);
	if (f->tmp[0])
		unlink(f->tmp);
	store_close(f->st);
	free(f);
	return 0;
}

/* An event of device src now, of a kind, at a GB/T 26875.3 target. */
static struct iot_event
ev_of(const char *src, int kind, int sys, int64_t comp, int64_t dedup)
{
	struct iot_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.protocol = IOT_GB26875;
	snprintf(ev.source, sizeof(ev.source), "%s", src);
	ev.at_ms = clock_now_ms();
	ev.kind = kind;
	ev.sys_type = sys;
	ev.sys_addr = sys >= 0 ? 1 : -1;
	ev.comp_type = comp >= 0 ? 40 : -1;
	ev.comp_addr = comp;
	ev.state = -1;
	ev.dedup = dedup;
	return ev;
}

static void
ingest(struct fx *f, struct iot_ingest *x, const struct iot_event *ev,
    size_t n, struct iot_ingest_stats *s)
{
	struct err	e;

	if (iot_ingest_run(f->st, x, ev, n, s, &e) < 0)
		fail_msg("ingest: %s", e.msg);
}

static int
run_job(struct fx *f, int (*fn)(struct store *, struct actor *,
    struct buf *, struct err *), char *detail, size_t n)
{
	struct buf	b;
	struct err	e;
	int		rc;

	buf_init(&b);
	err_clear(&e);
	rc = fn(f->st, &f->sys, &b, &e);
	if (rc < 0)
		fail_msg("job: %s", e.msg);
	if (detail != NULL)
		snprintf(detail, n, "%s", b.data ? b.data : "");
	buf_free(&b);
	return rc;
}

static void
deep_verify(struct fx *f)
{
	struct buf	report;
	struct err	e;
	int64_t		n = 0;

	buf_init(&report);
	if (audit_verify(f->st, iot_types, &report, &n, &e) != 0)
		fail_msg("audit verify --deep: %s", report.data ? report.data :
		    e.msg);
	buf_free(&report);
}

/* IOT-014: the rules file is checked strictly, the key named. */
static void
test_iot__iot014_rules_checked(void **state)
{
	static const struct { const char *from, *to, *field; } bad[] = {
		{ "\"low_kpa\":         { \"value\": 100,",
		  "\"low_kpa\":         { \"value\": 0,",
		  "kinds.water_pressure.low_kpa" },
		{ "\"power_hours\":     { \"value\": 8,",
		  "\"power_hourz\":     { \"value\": 8,",
		  "kinds.uitd.power_hourz" },
		{ "\"status\": \"P\", \"note\": \"心跳",
		  "\"status\": \"X\", \"note\": \"心跳",
		  "kinds.uitd.offline_minutes" },
		{ "\"low_minutes\":     { \"value\": 30, \"status\": \"U\", "
		  "\"note\": \"低于下限持续多久生成隐患\" }",
		  "\"low_minutes_x\":   { \"value\": 30, \"status\": \"U\" }",
		  "kinds.water_pressure.low_minutes_x" },
		{ "firewarden-iot-rules-v1", "firewarden-iot-rules-v0",
		  "format" },
	};
	struct fx	*f = *state;
	struct err	 e;
	char		*p = data_path("iot/rules.json"), *text, *at_;
	FILE		*fp;
	size_t		 i, n;
	long		 len;
	int		 fd;

	fp = fopen(p, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	text = xmalloc((size_t)len + 1);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	text[len] = '\0';
	fclose(fp);
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/fwiot-rules-XXXXXX");
	fd = mkstemp(f->tmp);
	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf	b;

		at_ = strstr(text, bad[i].from);
		if (at_ == NULL)
			fail_msg("fixture %zu: %s not in the rules", i,
			    bad[i].from);
		buf_init(&b);
		buf_add(&b, text, (size_t)(at_ - text));
		buf_adds(&b, bad[i].to);
		buf_adds(&b, at_ + strlen(bad[i].from));
		fp = fopen(f->tmp, "wb");
		n = fwrite(b.data, 1, b.len, fp);
		assert_int_equal(n, b.len);
		fclose(fp);
		buf_free(&b);
		err_clear(&e);
		assert_int_equal(iot_rules_load(f->tmp, &e), ERR_INVALID);
		assert_string_equal(e.field, bad[i].field);
	}
	/* The rules loaded before stay. */
	{
		json_t	*j = NULL;

		assert_int_equal(iot_rules_json(&j, &e), 0);
		assert_string_equal(jstr(j, "format"),
		    "firewarden-iot-rules-v1");
		json_decref(j);
	}
	free(text);
	free(p);
}

/* IOT-001..003, Z-2: registering, bad inputs named, nothing stored. */
static void
test_iot__iot001_iot003_register(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*in, *out = NULL, *items = NULL;
	int64_t		 n0, other, id, total = 0;
	struct iot_device_filter flt;

	n0 = count(f, "SELECT COUNT(*) FROM iot_devices");
	/* IOT-002: the address of each protocol. */
	mk_dev(f, &f->off, dev_in(f->u, "gb26875", "12345", "uitd"),
	    ERR_INVALID, "source");
	mk_dev(f, &f->off, dev_in(f->u, "gb26875", "00000000037G", "uitd"),
	    ERR_INVALID, "source");
	mk_dev(f, &f->off, dev_in(f->u, "mqtt", "pump/1", "water_pressure"),
	    ERR_INVALID, "source");
	mk_dev(f, &f->off, dev_in(f->u, "zigbee", "x1", "uitd"), ERR_INVALID,
	    "protocol");
	mk_dev(f, &f->off, dev_in(f->u, "mqtt", "p-1", "toaster"), ERR_INVALID,
	    "kind");
	/* IOT-014: thresholds known, in range, paired. */
	in = dev_in(f->u, "mqtt", "p-1", "water_pressure");
	json_object_set_new(in, "thresholds", json_pack("{s:i}", "low_psi", 3));
	mk_dev(f, &f->off, in, ERR_INVALID, "thresholds");
	in = dev_in(f->u, "mqtt", "p-1", "water_pressure");
	json_object_set_new(in, "thresholds", json_pack("{s:i}", "low_kpa", 0));
	mk_dev(f, &f->off, in, ERR_RANGE, "thresholds");
	in = dev_in(f->u, "mqtt", "p-1", "uitd");
	json_object_set_new(in, "thresholds", json_pack("{s:i}", "low_kpa",
	    100));
	mk_dev(f, &f->off, in, ERR_INVALID, "thresholds");
	in = dev_in(f->u, "mqtt", "p-1", "uitd");
	json_object_set_new(in, "hostname", json_string("x"));
	mk_dev(f, &f->off, in, ERR_UNKNOWN_FIELD, "hostname");
	/* IOT-003: the building is the unit's. */
	{
		json_t	*b = json_pack("{s:s, s:s}", "name", "虎门主楼", "use",
		    "public");

		fx_begin(f->st);
		assert_int_equal(fx_end(f->st, registry_building_create(f->st,
		    &f->offb, f->ub, b, &out, &e)), 0);
		json_decref(b);
		other = id_of(out);
		json_decref(out);
		out = NULL;
	}
	in = dev_in(f->u, "mqtt", "p-1", "water_pressure");
	json_object_set_new(in, "building_id", jx_id(other));
	mk_dev(f, &f->off, in, ERR_INVALID, "building_id");
	/* Z-2: another town's unit is not there for this officer. */
	mk_dev(f, &f->off, dev_in(f->ub, "mqtt", "p-1", "water_pressure"),
	    ERR_NOT_FOUND, "unit_id");
	/* Unit accounts and readers register nothing. */
	mk_dev(f, &f->unit, dev_in(f->u, "mqtt", "p-1", "water_pressure"),
	    ERR_FORBIDDEN, NULL);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_devices"), n0);
	/* IOT-001: one active device per address, any case. */
	mk_dev(f, &f->off, dev_in(f->u, "gb26875", "00000000037a", "uitd"), 0,
	    NULL);
	mk_dev(f, &f->off, dev_in(f->u, "gb26875", "00000000037A", "uitd"),
	    ERR_CONFLICT, "source");
	in = dev_in(f->u, "mqtt", "p-1", "water_pressure");
	json_object_set_new(in, "thresholds", json_pack("{s:i, s:i}",
	    "low_kpa", 150, "low_minutes", 5));
	id = mk_dev(f, &f->off, in, 0, NULL);
	/* Retired, its address is free again. */
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_device_retire(f->st, &f->off, id, 1,
	    &out, &e)), 0);
	assert_string_equal(jstr(out, "status"), "retired");
	json_decref(out);
	mk_dev(f, &f->off, dev_in(f->u, "mqtt", "p-1", "water_pressure"), 0,
	    NULL);
	/* Z-2 reads: the other town's officer sees none of it. */
	assert_int_equal(iot_device_get(f->st, &f->offb, f->dev, &out, &e),
	    ERR_NOT_FOUND);
	memset(&flt, 0, sizeof(flt));
	flt.online = -1;
	assert_int_equal(iot_device_list(f->st, &f->offb, &flt, 0, 50, &items,
	    &total, &e), 0);
	assert_int_equal(total, 0);
	json_decref(items);
	/* The unit's own account sees its devices; the leader the city's. */
	assert_int_equal(iot_device_list(f->st, &f->unit, &flt, 0, 50, &items,
	    &total, &e), 0);
	assert_int_equal(total, 4);
	json_decref(items);
	assert_int_equal(iot_device_get(f->st, &f->leader, f->dev, &out, &e),
	    0);
	assert_string_equal(jstr(out, "source"), f->src);
	assert_false(json_is_true(json_object_get(out, "online")));
	json_decref(out);
	/* Every registration audited, records matching. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "object LIKE 'iot_device/%'"), 5);
	deep_verify(f);
}

/* IOT-004, IOT-009: a frame resent is stored once; liveness; components. */
static void
test_iot__iot004_dedup_liveness_components(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev[4];
	struct err		 e;
	json_t			*items = NULL, *d = NULL;
	int64_t			 total = 0;

	memset(&s, 0, sizeof(s));
	ev[0] = ev_of(f->src, IOT_EV_HEARTBEAT, -1, -1, 0);
	ev[1] = ev_of(f->src, IOT_EV_STATE, 1, 10 | 2 << 16, 77);
	ev[1].state = 0x0009;
	snprintf(ev[1].desc, sizeof(ev[1].desc), "二层东侧走廊烟感");
	ev[2] = ev[1];		/* the same again in the batch */
	ev[3] = ev_of(f->src, IOT_EV_CONFIG, 1, 11 | 2 << 16, 78);
	snprintf(ev[3].desc, sizeof(ev[3].desc), "二层西侧走廊烟感");
	ingest(f, x, ev, 4, &s);
	assert_int_equal(s.stored, 2);
	assert_int_equal(s.duplicates, 1);
	assert_int_equal(s.heartbeats, 1);
	/* Sent again in another batch: nothing new (QoS 1, a resend). */
	ingest(f, x, ev + 1, 1, &s);
	assert_int_equal(s.stored, 2);
	assert_int_equal(s.duplicates, 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_events"), 2);
	/* Online and seen. */
	assert_int_equal(iot_device_get(f->st, &f->off, f->dev, &d, &e), 0);
	assert_true(json_is_true(json_object_get(d, "online")));
	assert_true(jint(d, "last_seen_at") >= clock_now() - 2);
	json_decref(d);
	/* The detectors appear as they report, with their descriptions. */
	assert_int_equal(iot_device_components(f->st, &f->off, f->dev, 0, 50,
	    &items, &total, &e), 0);
	assert_int_equal(total, 2);
	assert_string_equal(jstr(json_array_get(items, 0), "description"),
	    "二层东侧走廊烟感");
	assert_int_equal(jint(json_array_get(items, 0), "last_state"), 9);
	json_decref(items);
	/* The events, newest first, by kind. */
	assert_int_equal(iot_device_events(f->st, &f->off, f->dev, 0, 0,
	    "state", 0, 50, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(iot_device_events(f->st, &f->off, f->dev, 0, 0,
	    "heartbeat", 0, 50, &items, &total, &e), ERR_INVALID);
	assert_int_equal(iot_device_events(f->st, &f->offb, f->dev, 0, 0,
	    NULL, 0, 50, &items, &total, &e), ERR_NOT_FOUND);
	iot_ingest_free(x);
}

/* IOT-005..007, IOT-016: an alarm, its repeats, the board, confirmed. */
static void
test_iot__iot005_iot007_alarm_board_confirm(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev;
	struct err		 e;
	json_t			*b = NULL, *a, *in, *out = NULL;
	int64_t			 aid, cursor, t;

	memset(&s, 0, sizeof(s));
	ev = ev_of(f->src, IOT_EV_ALARM, 1, 3 | 7 << 16, 1);
	ev.state = 0x0003;
	snprintf(ev.desc, sizeof(ev.desc), "三区七号烟感");
	t = clock_now();
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(s.alarms, 1);
	/* The same detector again: a repeat, not a second alarm. */
	ev.dedup = 2;
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(s.alarms, 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_alarms"), 1);
	/* The board: the unconfirmed alarm with where it is. */
	assert_int_equal(iot_alarm_board(f->st, &f->off, 0, &b, &e), 0);
	assert_int_equal(jint(b, "unconfirmed"), 1);
	a = json_array_get(json_object_get(b, "alarms"), 0);
	assert_non_null(a);
	assert_string_equal(jstr(a, "description"), "三区七号烟感");
	assert_int_equal(jint(a, "zone"), 3);
	assert_int_equal(jint(a, "point"), 7);
	assert_int_equal(jint(a, "repeats"), 1);
	assert_string_equal(jstr(a, "state"), "open");
	/* IOT-005: the confirmation clock is the kind's minutes. */
	assert_int_equal(jint(a, "deadline_at") - jint(a, "raised_at"), 3 * 60);
	assert_true(jint(a, "raised_at") >= t);
	aid = id_of(a);
	cursor = strtoll(jstr(b, "cursor"), NULL, 10);
	json_decref(b);
	/* Another town sees an empty board. */
	assert_int_equal(iot_alarm_board(f->st, &f->offb, 0, &b, &e), 0);
	assert_int_equal(jint(b, "unconfirmed"), 0);
	json_decref(b);
	/* IOT-006: confirmed by the unit, with the version it saw. */
	in = json_pack("{s:s, s:s}", "result", "false", "note", "厨房油烟");
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_alarm_confirm(f->st, &f->unit, aid,
	    7, in, &out, &e)), ERR_STALE);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_alarm_confirm(f->st, &f->leader,
	    aid, 1, in, &out, &e)), ERR_FORBIDDEN);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_alarm_confirm(f->st, &f->offb, aid,
	    1, in, &out, &e)), ERR_NOT_FOUND);
	json_object_set_new(in, "result", json_string("maybe"));
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_alarm_confirm(f->st, &f->unit, aid,
	    1, in, &out, &e)), ERR_INVALID);
	assert_string_equal(e.field, "result");
	json_object_set_new(in, "result", json_string("false"));
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_alarm_confirm(f->st, &f->unit, aid,
	    1, in, &out, &e)), 0);
	assert_string_equal(jstr(out, "state"), "confirmed_false");
	assert_string_equal(jstr(out, "note"), "厨房油烟");
	json_decref(out);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_alarm_confirm(f->st, &f->unit, aid,
	    2, in, &out, &e)), ERR_POLICY);
	json_decref(in);
	/* The board's next answer has the change; the cursor moves on. */
	assert_int_equal(iot_alarm_board(f->st, &f->off, cursor, &b, &e), 0);
	a = json_array_get(json_object_get(b, "alarms"), 0);
	assert_non_null(a);
	assert_string_equal(jstr(a, "state"), "confirmed_false");
	assert_int_equal(jint(b, "unconfirmed"), 0);
	assert_true(strtoll(jstr(b, "cursor"), NULL, 10) >= cursor);
	json_decref(b);
	/* IOT-016: the alarm and the false alarm feed the unit's risk. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM risk_events WHERE "
	    "kind = 'fire_alarm'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM risk_events WHERE "
	    "kind = 'false_alarm'"), 1);
	{
		json_t	*r = NULL;

		assert_int_equal(iot_unit_stats(f->st, &f->off, f->u, &r, &e),
		    0);
		a = json_object_get(r, "days30");
		assert_int_equal(jint(a, "alarms"), 1);
		assert_int_equal(jint(a, "confirmed_false"), 1);
		assert_true(json_real_value(json_object_get(a,
		    "false_alarm_rate")) == 1.0);
		json_decref(r);
		assert_int_equal(iot_unit_stats(f->st, &f->offb, f->u, &r, &e),
		    ERR_NOT_FOUND);
	}
	deep_verify(f);
	iot_ingest_free(x);
}

/* IOT-006: unconfirmed past the deadline, escalated by the job; a real
 * alarm is a fire of the unit. */
static void
test_iot__iot006_escalation(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev;
	struct err		 e;
	json_t			*in, *out = NULL;
	char			 det[200];
	int64_t			 aid;

	memset(&s, 0, sizeof(s));
	ev = ev_of(f->src, IOT_EV_ALARM, 1, 5, 1);
	ingest(f, x, &ev, 1, &s);
	aid = fx_count(f->st, "SELECT id FROM iot_alarms");
	at(f, 2 * 60);
	run_job(f, iot_job_escalate, det, sizeof(det));
	assert_string_equal(det, "escalated 0 alarm(s)");
	at(f, 3 * 60 + 5);
	run_job(f, iot_job_escalate, det, sizeof(det));
	assert_string_equal(det, "escalated 1 alarm(s)");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_alarms WHERE "
	    "state = 'escalated' AND escalated_at IS NOT NULL"), 1);
	/* Still confirmable: a real fire. */
	in = json_pack("{s:s}", "result", "real");
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_alarm_confirm(f->st, &f->off, aid,
	    2, in, &out, &e)), 0);
	assert_string_equal(jstr(out, "state"), "confirmed_real");
	assert_int_equal(json_integer_value(json_object_get(out,
	    "escalated_at")) > 0, 1);
	json_decref(out);
	json_decref(in);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM risk_events WHERE "
	    "kind = 'fire'"), 1);
	/* A new alarm of the same detector is a new record now. */
	ev.dedup = 2;
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_alarms"), 2);
	deep_verify(f);
	iot_ingest_free(x);
}

/* IOT-008, IOT-010, IOT-011: a main-power fault past its hours opens a
 * hazard; restored and confirmed, the hazard closes. */
static void
test_iot__iot008_iot011_fault_hazard_restore(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev;
	struct err		 e;
	json_t			*c = NULL, *h = NULL, *in, *items = NULL;
	char			 det[200], hs[24];
	int64_t			 cid, hid, total = 0;

	memset(&s, 0, sizeof(s));
	ev = ev_of(f->src, IOT_EV_FAULT, 1, -1, 1);
	ev.state = 0x0101;
	ev.asserts = IOT_C_POWER;
	ev.clears = IOT_C_FAULT;
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(s.conditions, 1);
	cid = fx_count(f->st, "SELECT id FROM iot_conditions");
	/* Reported again: the same condition. */
	ev.dedup = 2;
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM risk_events WHERE "
	    "kind = 'device_fault'"), 1);
	/* 8 hours for a UITD's main power: not yet at 7. */
	at(f, 7 * HOUR);
	run_job(f, iot_job_conditions, det, sizeof(det));
	assert_string_equal(det, "opened 0 hazard(s)");
	at(f, 8 * HOUR + 60);
	run_job(f, iot_job_conditions, det, sizeof(det));
	assert_string_equal(det, "opened 1 hazard(s)");
	assert_int_equal(iot_condition_get(f->st, &f->unit, cid, &c, &e), 0);
	assert_string_equal(jstr(c, "state"), "hazard");
	hid = strtoll(jstr(c, "hazard_id"), NULL, 10);
	json_decref(c);
	snprintf(hs, sizeof(hs), "%lld", (long long)hid);
	assert_int_equal(hazard_record(f->st, hs, &h, &e), 0);
	assert_string_equal(jstr(h, "source"), "iot");
	assert_string_equal(jstr(h, "type_code"), "HZ-FACILITY");
	assert_string_equal(jstr(h, "status"), "ordered");
	assert_int_equal(strtoll(jstr(h, "source_id"), NULL, 10), cid);
	assert_non_null(strstr(jstr(h, "description"), "主电源故障"));
	assert_non_null(strstr(jstr(h, "description"), f->src));
	json_decref(h);
	/* IOT-011: not before the device itself says it is normal. */
	in = json_pack("{s:s}", "note", "已更换电源模块");
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_condition_confirm(f->st, &f->unit,
	    cid, 2, in, &c, &e)), ERR_POLICY);
	/* Normal again: restored, and the unit told. */
	ev = ev_of(f->src, IOT_EV_RESTORE, 1, -1, 3);
	ev.state = 0x0001;
	ev.clears = IOT_C_FAULT | IOT_C_POWER;
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(iot_condition_list(f->st, &f->unit, "restored", 0, 0, 0,
	    20, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	json_decref(items);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM notices WHERE kind = "
	    "'iot.restored'"), 1);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_condition_confirm(f->st, &f->offb,
	    cid, 3, in, &c, &e)), ERR_NOT_FOUND);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, iot_condition_confirm(f->st, &f->unit,
	    cid, 3, in, &c, &e)), 0);
	assert_string_equal(jstr(c, "state"), "closed");
	assert_string_equal(jstr(c, "hazard_status"), "closed");
	json_decref(c);
	json_decref(in);
	assert_int_equal(hazard_record(f->st, hs, &h, &e), 0);
	assert_string_equal(jstr(h, "close_reason"), "restored");
	json_decref(h);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM hazard_steps WHERE "
	    "action = 'restored'"), 1);
	assert_int_equal(count(f, "SELECT SUM(n) FROM hazard_closed"), 1);
	deep_verify(f);
	iot_ingest_free(x);
}

/* IOT-012: back before the repair was confirmed: the hazard again. */
static void
test_iot__iot012_refault(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev;
	json_t			*c = NULL;
	struct err		 e;
	int64_t			 cid;

	memset(&s, 0, sizeof(s));
	ev = ev_of(f->src, IOT_EV_FAULT, 1, 9, 1);
	ev.asserts = IOT_C_FAULT;
	ingest(f, x, &ev, 1, &s);
	cid = fx_count(f->st, "SELECT id FROM iot_conditions");
	at(f, 25 * HOUR);
	run_job(f, iot_job_conditions, NULL, 0);
	ev = ev_of(f->src, IOT_EV_RESTORE, 1, 9, 2);
	ev.clears = IOT_C_FAULT | IOT_C_POWER;
	ingest(f, x, &ev, 1, &s);
	ev = ev_of(f->src, IOT_EV_FAULT, 1, 9, 3);
	ev.asserts = IOT_C_FAULT;
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(iot_condition_get(f->st, &f->off, cid, &c, &e), 0);
	assert_string_equal(jstr(c, "state"), "hazard");
	assert_true(json_is_null(json_object_get(c, "restored_at")));
	json_decref(c);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM hazards"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'iot_condition.refault'"), 1);
	/* A pending fault cleared before it lasted leaves no trace of a
	 * hazard. */
	ev = ev_of(f->src, IOT_EV_FAULT, 1, 10, 4);
	ev.asserts = IOT_C_FAULT;
	ingest(f, x, &ev, 1, &s);
	ev = ev_of(f->src, IOT_EV_RESTORE, 1, 10, 5);
	ev.clears = IOT_C_FAULT;
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions WHERE "
	    "state = 'cleared'"), 1);
	deep_verify(f);
	iot_ingest_free(x);
}

/* IOT-010: water pressure below the device's own limit for its minutes. */
static void
test_iot__iot010_low_pressure(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev;
	json_t			*in;
	char			 det[200];

	memset(&s, 0, sizeof(s));
	in = dev_in(f->u, "mqtt", "pump-7", "water_pressure");
	json_object_set_new(in, "thresholds", json_pack("{s:i}", "low_kpa",
	    150));
	mk_dev(f, &f->off, in, 0, NULL);
	ev = ev_of("pump-7", IOT_EV_PRESSURE, -1, -1, 1);
	ev.protocol = IOT_MQTT;
	ev.has_value = 1;
	ev.value = 140000;		/* 140 kPa, under 150 */
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions WHERE "
	    "kind = 'low_pressure' AND state = 'pending'"), 1);
	ev.dedup = 2;
	ev.value = 90000;		/* worse */
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT value FROM iot_conditions"), 90000);
	ev.dedup = 3;
	ev.value = 160000;		/* back up: cleared */
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions WHERE "
	    "state = 'cleared'"), 1);
	ev.dedup = 4;
	ev.at_ms = clock_now_ms();
	ev.value = 100000;
	ingest(f, x, &ev, 1, &s);
	/* The kind's 30 minutes. */
	at(f, 29 * 60);
	run_job(f, iot_job_conditions, det, sizeof(det));
	assert_string_equal(det, "opened 0 hazard(s)");
	at(f, 31 * 60);
	run_job(f, iot_job_conditions, det, sizeof(det));
	assert_string_equal(det, "opened 1 hazard(s)");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM hazards WHERE "
	    "description LIKE '%水压低于下限%' AND description LIKE "
	    "'%100.000%'"), 1);
	iot_ingest_free(x);
}

/* IOT-009: silent past offline_minutes, offline; past offline_hours, a
 * hazard; heard again, restored. */
static void
test_iot__iot009_offline(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev;
	char			 det[200];

	memset(&s, 0, sizeof(s));
	ev = ev_of(f->src, IOT_EV_HEARTBEAT, -1, -1, 0);
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT online FROM iot_devices WHERE "
	    "source = '000000000379'"), 1);
	at(f, 2 * 60);
	run_job(f, iot_job_offline, det, sizeof(det));
	assert_string_equal(det, "0 device(s) offline");
	at(f, 3 * 60 + 30);
	run_job(f, iot_job_offline, det, sizeof(det));
	assert_string_equal(det, "1 device(s) offline");
	assert_int_equal(count(f, "SELECT online FROM iot_devices WHERE "
	    "source = '000000000379'"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions WHERE "
	    "kind = 'offline' AND state = 'pending'"), 1);
	/* Run again: nothing more. */
	run_job(f, iot_job_offline, det, sizeof(det));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions"), 1);
	at(f, 24 * HOUR + 60);
	run_job(f, iot_job_conditions, det, sizeof(det));
	assert_string_equal(det, "opened 1 hazard(s)");
	/* Back: online, the condition restored. */
	ev = ev_of(f->src, IOT_EV_HEARTBEAT, -1, -1, 0);
	iot_ingest_free(x);
	x = iot_ingest_new();
	ingest(f, x, &ev, 1, &s);
	assert_int_equal(count(f, "SELECT online FROM iot_devices WHERE "
	    "source = '000000000379'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions WHERE "
	    "kind = 'offline' AND state = 'restored'"), 1);
	/* IOT-012: silent again before the repair was confirmed. */
	at(f, 24 * HOUR + 10 * 60);
	run_job(f, iot_job_offline, det, sizeof(det));
	assert_string_equal(det, "1 device(s) offline");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_conditions WHERE "
	    "state = 'hazard'"), 1);
	deep_verify(f);
	iot_ingest_free(x);
}

/* IOT-013: an address no device has: counted, a few frames kept. */
static void
test_iot__iot013_unknown(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev[60];
	struct err		 e;
	json_t			*items = NULL;
	int64_t			 total = 0;
	int			 i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 60; i++) {
		ev[i] = ev_of("0000000ABCDE", IOT_EV_STATE, 1, i, i + 1);
		snprintf(ev[i].desc, sizeof(ev[i].desc), "未登记设备%d", i);
	}
	ingest(f, x, ev, 60, &s);
	assert_int_equal(s.unknown, 60);
	assert_int_equal(s.stored, 0);
	assert_int_equal(count(f, "SELECT frames FROM iot_unknown"), 60);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_unknown_frames"),
	    50);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_events"), 0);
	assert_int_equal(iot_unknown_list(f->st, &f->off, 0, 20, &items,
	    &total, &e), 0);
	assert_int_equal(total, 1);
	assert_string_equal(jstr(json_array_get(items, 0), "source"),
	    "0000000ABCDE");
	assert_int_equal(json_array_size(json_object_get(json_array_get(items,
	    0), "recent")), 5);
	json_decref(items);
	assert_int_equal(iot_unknown_list(f->st, &f->unit, 0, 20, &items,
	    &total, &e), ERR_FORBIDDEN);
	/* Registered, it is no longer unknown. */
	mk_dev(f, &f->off, dev_in(f->u, "gb26875", "0000000abcde", "uitd"), 0,
	    NULL);
	assert_int_equal(iot_unknown_list(f->st, &f->off, 0, 20, &items,
	    &total, &e), 0);
	assert_int_equal(total, 0);
	json_decref(items);
	iot_ingest_free(x);
}

/* IOT-004: raw events past the retention are deleted, the run audited. */
static void
test_iot__iot004_retention(void **state)
{
	struct fx		*f = *state;
	struct iot_ingest	*x = iot_ingest_new();
	struct iot_ingest_stats	 s;
	struct iot_event	 ev;
	char			 det[200];

	memset(&s, 0, sizeof(s));
	ev = ev_of(f->src, IOT_EV_STATE, 1, 1, 1);
	ingest(f, x, &ev, 1, &s);
	at(f, 200 * 86400);
	ev = ev_of(f->src, IOT_EV_STATE, 1, 1, 2);
	ingest(f, x, &ev, 1, &s);
	at(f, 401 * 86400);
	run_job(f, iot_job_retention, det, sizeof(det));
	assert_non_null(strstr(det, "deleted 1 event(s)"));
	assert_int_equal(count(f, "SELECT COUNT(*) FROM iot_events"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'iot.retention'"), 1);
	iot_ingest_free(x);
}

/* Z-2: a unit moved to another town takes its devices along. */
static void
test_iot__z2_devices_follow_their_unit(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*u = NULL, *in, *out = NULL;

	assert_int_equal(registry_unit_get(f->st, &f->off, f->u, &u, &e), 0);
	in = json_pack("{s:s}", "town", TOWN_B);
	fx_begin(f->st);
	assert_int_equal(fx_end(f->st, registry_unit_update(f->st, &f->sys,
	    f->u, jint(u, "version"), in, &out, &e)), 0);
	json_decref(in);
	json_decref(out);
	json_decref(u);
	assert_int_equal(iot_device_get(f->st, &f->off, f->dev, &out, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(iot_device_get(f->st, &f->offb, f->dev, &out, &e), 0);
	assert_string_equal(jstr(out, "town"), TOWN_B);
	json_decref(out);
	deep_verify(f);
}

/* IOT-017: a GB/T 26875.3 frame as events; a resend the same keys. */
static void
test_iot__iot017_gateway_map_frame(void **state)
{
	static const char fire[] = "404001000101203A091A090C790300000000385B01"
	    "00000030000202010101280A0002000200202020202020202020202020202020"
	    "20202020202020202020202020202000023A091A090C462323";
	struct gb26875_frame	*fr = xmalloc(sizeof(*fr));
	struct iot_event	 ev[GW_MAP_MAX], ev2[GW_MAP_MAX];
	unsigned char		 raw[200];
	size_t			 doff[GW_MAP_MAX], n, len = strlen(fire) / 2;
	struct buf		 arena;
	struct err		 e;

	(void)state;
	buf_init(&arena);
	assert_int_equal(str_unhex(fire, raw, len), 0);
	assert_int_equal(gb26875_frame_parse(raw, len, fr, &e), 0);
	n = gw_map_frame(fr, 1700000000000LL, ev, &arena, doff);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, IOT_EV_ALARM);
	assert_string_equal(ev[0].source, "000000000379");
	assert_int_equal(ev[0].sys_type, 1);
	assert_int_equal(ev[0].comp_type, 40);
	assert_int_equal(ev[0].comp_addr, 10 | 2 << 16);
	assert_int_equal(ev[0].state, 2);
	assert_true(ev[0].device_at > 0);
	/* The same frame later: the same event (IOT-004). */
	n = gw_map_frame(fr, 1700000090000LL, ev2, &arena, doff);
	assert_int_equal(ev2[0].dedup, ev[0].dedup);
	/* Resent with the time of its sending: still the same. */
	fr->hdr.time.second = (uint8_t)((fr->hdr.time.second + 7) % 60);
	n = gw_map_frame(fr, 1700000090000LL, ev2, &arena, doff);
	assert_int_equal(ev2[0].dedup, ev[0].dedup);
	/* The key leads with the object's time (8 s steps), so that a
	 * device's keys grow with time. */
	assert_true(ev[0].dedup > 0);
	assert_int_equal((uint64_t)ev[0].dedup >> 41,
	    (uint64_t)(ev[0].device_at / 8) & 0x3FFFFF);
	/* Another serial: another event. */
	fr->hdr.serial = 2;
	n = gw_map_frame(fr, 1700000000000LL, ev2, &arena, doff);
	assert_true(ev2[0].dedup != ev[0].dedup);
	/* A heartbeat: send-data without data. */
	{
		struct gb26875_header	h = fr->hdr;

		assert_int_equal(gb26875_encode_frame(&h, NULL, 0, raw,
		    sizeof(raw), &len, &e), 0);
		assert_int_equal(len, 30);
	}
	assert_int_equal(gb26875_frame_parse(raw, 30, fr, &e), 0);
	n = gw_map_frame(fr, 1700000000000LL, ev, &arena, doff);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, IOT_EV_HEARTBEAT);
	buf_free(&arena);
	free(fr);
}

/* IOT-017: MQTT messages, strictly. */
static void
test_iot__iot017_gateway_map_mqtt(void **state)
{
	static const struct { const char *topic, *payload; int rc;
	    const char *field; } t[] = {
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"pressure\",\"value\":0.35,\"unit\":\"MPa\",\"seq\":7}", 0,
		  NULL },
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"heartbeat\"}", 0, NULL },
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"alarm\",\"seq\":1,\"extra\":1}", ERR_UNKNOWN_FIELD, "extra" },
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"flood\",\"seq\":1}", ERR_INVALID, "kind" },
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"pressure\",\"seq\":1}", ERR_MISSING, "value" },
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"pressure\",\"value\":1,\"unit\":\"bar\",\"seq\":1}",
		  ERR_INVALID, "unit" },
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"fault\"}", ERR_MISSING, "seq" },
		{ "fw/v1/devices/p-1/events", "{\"ts\":1700000000000,\"kind\":"
		  "\"fault\",\"seq\":-1}", ERR_INVALID, "seq" },
		{ "fw/v1/devices/p-1/events", "{\"kind\":\"fault\",\"seq\":1}",
		  ERR_INVALID, "ts" },
		{ "fw/v1/devices/p-1/events", "not json", ERR_BAD_JSON, NULL },
		{ "fw/v1/devices/p-1/events", "{\"seq\":1,\"seq\":2}",
		  ERR_DUP_KEY, NULL },
		{ "fw/v1/devices/a/b/events", "{}", ERR_INVALID, "topic" },
		{ "fw/v2/devices/p-1/events", "{}", ERR_INVALID, "topic" },
	};
	struct iot_event	ev;
	struct err		e;
	size_t			i;
	int			rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err_clear(&e);
		rc = gw_map_mqtt(t[i].topic, t[i].payload, strlen(t[i].payload),
		    1700000001000LL, &ev, &e);
		if (rc != t[i].rc)
			fail_msg("%zu: %d (%s), want %d", i, rc, e.msg, t[i].rc);
		if (t[i].field != NULL)
			assert_string_equal(e.field, t[i].field);
	}
	assert_int_equal(gw_map_mqtt(t[0].topic, t[0].payload,
	    strlen(t[0].payload), 1700000001000LL, &ev, &e), 0);
	assert_string_equal(ev.source, "p-1");
	assert_int_equal(ev.kind, IOT_EV_PRESSURE);
	assert_int_equal(ev.value, 350000);	/* 350 kPa */
	assert_int_equal(ev.dedup, 7);
	assert_int_equal(ev.device_at, 1700000000);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
		T(test_iot__iot014_rules_checked),
		T(test_iot__iot001_iot003_register),
		T(test_iot__iot004_dedup_liveness_components),
		T(test_iot__iot005_iot007_alarm_board_confirm),
		T(test_iot__iot006_escalation),
		T(test_iot__iot008_iot011_fault_hazard_restore),
		T(test_iot__iot012_refault),
		T(test_iot__iot010_low_pressure),
		T(test_iot__iot009_offline),
		T(test_iot__iot013_unknown),
		T(test_iot__iot004_retention),
		T(test_iot__z2_devices_follow_their_unit),
		cmocka_unit_test(test_iot__iot017_gateway_map_frame),
		cmocka_unit_test(test_iot__iot017_gateway_map_mqtt),
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

int
main(void)
{
	static const unsigned char	key[CRYPTO_SEAL_KEY_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	};
	const char			*pg = getenv("FIREWARDEN_TEST_PG");
	int				 rc;

	jx_init();
	pii_set_key(key);
	find_data();
	rc = run("sqlite::memory:", "iot (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "iot (PostgreSQL)");
	else
		printf("iot (PostgreSQL): skipped, FIREWARDEN_TEST_PG unset\n");
	iot_rules_unload();
	risk_model_unload();
	return rc;
}
