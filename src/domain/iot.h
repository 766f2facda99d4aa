/*
 * IoT remote monitoring (远程监控, 物联网在线监测; IOT-001..016,
 * docs/modules/iot.md): the registry of devices bound to a unit, the
 * ingest of decoded events from the GB/T 26875.3 gateway and MQTT (one
 * transaction per batch, de-duplicated, liveness and components kept),
 * the rules that turn them into fire alarms with a confirmation clock and
 * into device conditions that open and close automatic hazards, the jobs
 * (offline detection, escalation, persistent conditions, retention) and
 * the statistics that feed the risk score.  Thresholds are data
 * (data/iot/rules.json).  Reads need iot:read and the jurisdiction of the
 * device's unit (town, grid, own unit); registering needs iot:write;
 * confirming an alarm or a repair needs iot:confirm (the unit) or
 * iot:write (an officer).
 */
#ifndef FW_IOT_H
#define FW_IOT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

#define IOT_RULES_FILE		"iot/rules.json"	/* under data/ */
#define IOT_SOURCE_MAX		64	/* bytes of a source (MQTT id) */
#define IOT_GB_SOURCE_LEN	12	/* hex digits of a GB address */
#define IOT_DESC_MAX		100	/* bytes of a component description */
#define IOT_DETAIL_MAX		2200	/* bytes of an event's detail */
#define IOT_SEEN_FLUSH_S	30	/* last_seen_at is at most this stale */
#define IOT_CACHE_TTL_S		30	/* a registration reaches the ingest */
#define IOT_COUNT_CAP		10000	/* event totals stop counting here */

enum iot_protocol { IOT_GB26875 = 1, IOT_MQTT = 2 };

/* What an event is (iot_events.kind). */
enum iot_kind {
	IOT_EV_HEARTBEAT = 0,	/* liveness only: never stored */
	IOT_EV_ALARM,		/* fire alarm (火警) */
	IOT_EV_FAULT,		/* fault, power fault */
	IOT_EV_RESTORE,		/* back to normal */
	IOT_EV_STATE,		/* other state bits (shielded, started …) */
	IOT_EV_PRESSURE,	/* kPa */
	IOT_EV_LEAKAGE,		/* leakage (residual) current, mA */
	IOT_EV_TEMPERATURE,	/* °C */
	IOT_EV_ANALOG,		/* another analog quantity */
	IOT_EV_OPERATION,	/* reset, silence, self-test, 查岗应答 … */
	IOT_EV_CONFIG,		/* a component's configuration */
	IOT_EV_INFO,		/* versions, clocks, configuration text */
	IOT_EV_RAW,		/* a unit of data kept raw (vendor type) */
	IOT_EV__N,
};

/* Device conditions, as bits (iot_conditions.kind). */
#define IOT_C_FAULT		0x01
#define IOT_C_POWER		0x02	/* main power */
#define IOT_C_LOW_PRESSURE	0x04
#define IOT_C_LEAKAGE		0x08
#define IOT_C_OVERHEAT		0x10
#define IOT_C_OFFLINE		0x20
#define IOT_C__N		6

/*
 * One decoded event, as the gateway or the MQTT client hands it over.
 * Systems, components and their addresses are GB/T 26875.3's (-1 when
 * the event has none; an MQTT event is about the device itself).
 * asserts / clears say which conditions a state report shows present or
 * absent for its target (set by whoever decoded the protocol); a
 * measurement (pressure, leakage, temperature) is judged against the
 * device's thresholds by the ingest.
 */
struct iot_event {
	int		 protocol;		/* enum iot_protocol */
	char		 source[IOT_SOURCE_MAX + 1];
	int64_t		 at_ms;			/* receipt, Unix ms */
	int64_t		 device_at;		/* device's time, s; 0 none */
	int		 kind;			/* enum iot_kind */
	int		 sys_type, sys_addr, comp_type;
	int64_t		 comp_addr;
	int		 state;			/* status bits, -1 none */
	unsigned	 asserts, clears;	/* IOT_C_* */
	int		 has_value;
	int64_t		 value;			/* thousandths */
	int64_t		 dedup;			/* unique per distinct event */
	char		 desc[IOT_DESC_MAX + 1];	/* component, UTF-8 */
	const char	*detail;		/* caller's, or NULL */
};

/* The name of a kind ("alarm" …), and the kind of a name (-1). */
const char	*iot_kind_name(int kind);
int		 iot_kind_of(const char *name);
/* The name of one condition bit ("fault" …), NULL for none. */
const char	*iot_cond_name(unsigned bit);
/*
 * IOT-004: a de-duplication key from the bytes that make an event
 * distinct and its index among the frame's objects: 63 bits of SM3.
 */
int64_t	iot_dedup_key(const void *p, size_t n, unsigned index);

/*
 * IOT-014: load the rules (thresholds per device kind, hazard types,
 * retention) from path, or when NULL from $FIREWARDEN_DATA/IOT_RULES_FILE
 * (data/ without it).  Strict: unknown keys, missing values, numbers out
 * of range are ERR_INVALID naming the key; the previous rules stay then.
 * Call at start-up, before other threads ingest.
 */
int	iot_rules_load(const char *path, struct err *e);
void	iot_rules_unload(void);
/* GET /api/v1/iot/rules: the file as loaded (ERR_UNAVAILABLE if none). */
int	iot_rules_json(json_t **out, struct err *e);

/* Devices (iot.c). */
/* IOT-001..003: register a device (iot:write, the unit in one's
 * jurisdiction), audited iot_device.create. */
int	iot_device_create(struct store *st, struct actor *who, const json_t *in,
	    json_t **out, struct err *e);
int	iot_device_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/* name, kind, building_id, thresholds (If-Match), audited. */
int	iot_device_update(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
/* active → retired (its address may be registered again), audited. */
int	iot_device_retire(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, json_t **out, struct err *e);

struct iot_device_filter {
	int64_t		 unit_id;
	const char	*town;
	const char	*kind;
	const char	*protocol;
	const char	*status;
	int		 online;		/* -1 any, 0, 1 */
	const char	*q;			/* name or source */
	const char	*sort;			/* created_at, name, last_seen_at */
};
int	iot_device_list(struct store *st, struct actor *who,
	    const struct iot_device_filter *f, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
/* The systems and components a device reported, paged. */
int	iot_device_components(struct store *st, struct actor *who, int64_t id,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    struct err *e);
/* Its events, newest first, in [from, to] (Unix s, 0 open), of a kind. */
int	iot_device_events(struct store *st, struct actor *who, int64_t id,
	    int64_t from, int64_t to, const char *kind, int64_t offset,
	    int64_t limit, json_t **items, int64_t *total, struct err *e);
/* Addresses heard but not registered (iot:write), with recent frames. */
int	iot_unknown_list(struct store *st, struct actor *who, int64_t offset,
	    int64_t limit, json_t **items, int64_t *total, struct err *e);
/* A unit moved: its devices, open alarms and conditions follow it,
 * the devices audited as iot_device.relocate. */
int	iot_unit_moved(struct store *st, struct actor *who, int64_t unit_id,
	    const char *town, int64_t grid_id, struct err *e);

/* Ingest (iot_ingest.c). */
struct iot_ingest;
struct iot_ingest_stats {
	uint64_t	stored;		/* events written */
	uint64_t	duplicates;	/* de-duplicated (IOT-004) */
	uint64_t	unknown;	/* from no active device (IOT-013) */
	uint64_t	heartbeats;
	uint64_t	alarms;		/* new alarm records */
	uint64_t	conditions;	/* conditions opened */
};
/* An ingest context: caches of devices and components for one thread. */
struct iot_ingest *iot_ingest_new(void);
void	iot_ingest_free(struct iot_ingest *x);
/*
 * IOT-004..013: store the batch ev[0..n-1] in one transaction of its
 * own (call outside one): de-duplicate, keep liveness and components,
 * apply the rules (alarms, conditions), record unknown sources; adds to
 * *stats.  On failure nothing is stored and the caches are dropped.
 */
int	iot_ingest_run(struct store *st, struct iot_ingest *x,
	    const struct iot_event *ev, size_t n,
	    struct iot_ingest_stats *stats, struct err *e);

/* Alarms (iot_alarm.c). */
struct iot_alarm_filter {
	const char	*state;		/* open | escalated | confirmed_real … */
	int64_t		 unit_id;
	const char	*town;
	int64_t		 from, to;	/* raised_at, Unix s; 0 open */
};
/* IOT-007: alarms who may see, unconfirmed first, newest first. */
int	iot_alarm_list(struct store *st, struct actor *who,
	    const struct iot_alarm_filter *f, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
/*
 * IOT-007: the alarm board: the alarms changed after cursor (the
 * unconfirmed ones when cursor is 0), oldest change first, and the cursor
 * to ask with next: {"alarms": [...], "cursor": "…", "unconfirmed": N}.
 */
int	iot_alarm_board(struct store *st, struct actor *who, int64_t cursor,
	    json_t **out, struct err *e);
int	iot_alarm_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/* IOT-006: real or false, by the unit (iot:confirm) or an officer
 * (iot:write), If-Match; audited; a risk event. */
int	iot_alarm_confirm(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
/* IOT-015: alarms, false-alarm rate, faults of a unit over 30 and 90
 * days. */
int	iot_unit_stats(struct store *st, struct actor *who, int64_t unit_id,
	    json_t **out, struct err *e);

/* Conditions (iot_cond.c). */
int	iot_condition_list(struct store *st, struct actor *who,
	    const char *state, int64_t unit_id, int64_t device_id,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    struct err *e);
int	iot_condition_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/* IOT-011: a restored condition confirmed repaired closes its hazard. */
int	iot_condition_confirm(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);

/* Jobs (job.h): every minute, and daily for the retention. */
int	iot_job_offline(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);
int	iot_job_conditions(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);
int	iot_job_escalate(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);
int	iot_job_retention(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);

/* Canonical records for audit verify --deep. */
int	iot_device_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	iot_alarm_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	iot_condition_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

#endif
