/*
 * What the iot module's files share (iot.c: devices; iot_rules.c: the
 * thresholds; iot_ingest.c: events and the rules applied to them;
 * iot_alarm.c: alarms; iot_cond.c: conditions and the jobs).  Follows the
 * contracts of iot.h.
 */
#ifndef FW_IOT_INT_H
#define FW_IOT_INT_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"
#include "iot.h"
#include "rec.h"
#include "registry_int.h"

struct store;
struct actor;

/* Thresholds of a device kind; -1 where the kind has none. */
enum iot_th {
	IOT_TH_CONFIRM_MIN, IOT_TH_OFFLINE_MIN, IOT_TH_OFFLINE_H,
	IOT_TH_FAULT_H, IOT_TH_POWER_H, IOT_TH_LOW_KPA, IOT_TH_LOW_MIN,
	IOT_TH_LEAKAGE_MA, IOT_TH_LEAKAGE_MIN, IOT_TH_OVERHEAT_C,
	IOT_TH_OVERHEAT_MIN,
	IOT_TH__N,
};

struct iot_thresholds {
	int64_t	 v[IOT_TH__N];
};

/* The key of a threshold ("low_kpa"), or NULL. */
const char	*iot_th_key(int th);
/* The rules are loaded (else ERR_UNAVAILABLE naming what needs them). */
int	iot_rules_ready(struct err *e);
/* 1 if kind is a device kind of the rules. */
int	iot_rules_kind_known(const char *kind);
/* The rules' version, or "". */
const char *iot_rules_version(void);
/*
 * The thresholds of a device of kind with the overrides of its JSON
 * thresholds text (NULL or "{}" for none).  ERR_INVALID naming
 * "thresholds" (or "kind") when it does not fit the rules.
 */
int	iot_thresholds_of(const char *kind, const char *json,
	    struct iot_thresholds *out, struct err *e);
/* Check a thresholds object of a request (keys, integers in range). */
int	iot_thresholds_check(const json_t *o, struct err *e);
/* Minutes a condition must last to open a hazard (-1: never). */
int64_t	iot_cond_minutes(const struct iot_thresholds *t, unsigned bit);
/* The hazard type of a condition, or NULL. */
const char *iot_cond_hazard_type(unsigned bit);
/* The bit of a condition name, 0 for none. */
unsigned iot_cond_bit(const char *name);
/* Retention of raw events (days) and unknown frames kept per address. */
int	iot_rules_retention_days(void);
int	iot_rules_unknown_keep(void);
/* The name of a device kind in Chinese, or the kind. */
const char *iot_kind_zh(const char *kind);

/* Who sees which records: the registry's scope. */
int	iot_sees(const struct actor *who, const char *town, int64_t grid,
	    int64_t unit);
/*
 * The scope part of a WHERE clause for a table aliased t with columns
 * town, grid_id, unit_id: appended to b with its arguments at args[*n].
 */
void	iot_scope_where(const struct actor *who, const char *t,
	    struct reg_scope *keep, struct buf *b, struct store_val *args,
	    int *n);

/* A device as the ingest and the rules see it. */
struct iot_dev {
	int64_t			 id;
	int64_t			 unit_id;
	int64_t			 grid_id;
	int64_t			 building_id;
	int			 protocol;
	int			 online;
	int64_t			 last_seen;
	int64_t			 created_at;
	char			 town[REG_TOWN_LEN + 1];
	char			 kind[24];
	char			 name[104];
	char			 source[IOT_SOURCE_MAX + 1];
	struct iot_thresholds	 th;
};
/* The active device of a protocol and source: 1 found, 0 none. */
int	iot_dev_by_source(struct store *st, int protocol, const char *source,
	    struct iot_dev *out, struct err *e);
/* A device by id (any status): ERR_NOT_FOUND. */
int	iot_dev_by_id(struct store *st, int64_t id, struct iot_dev *out,
	    struct err *e);
const char *iot_protocol_name(int protocol);

/* Audit the stored record of an alarm / condition / device. */
int	iot_alarm_audit(struct store *st, struct actor *who, const char *action,
	    int64_t id, struct err *e);
int	iot_cond_audit(struct store *st, struct actor *who, const char *action,
	    int64_t id, struct err *e);
/*
 * A risk event for a unit by the platform (RISK-008) from an IoT record
 * (ref_type, ref), skipped for an archived unit and, when once is set,
 * when the unit has it already; who's audit count follows.
 */
int	iot_risk(struct store *st, struct actor *who, int64_t unit_id,
	    const char *kind, const char *ref_type, const char *ref, int once,
	    int64_t at, struct err *e);

/*
 * Rules applied by the ingest (iot_cond.c): a condition seen present at
 * a target of dev (opened pending, kept, or back to hazard), or absent
 * (pending → cleared, hazard → restored, audited).  value is the
 * reading (thousandths), has_value 0 for none.  *opened is set to 1 when
 * a condition was opened.
 */
struct iot_target {
	const char	*key;		/* "D", "S1.1", "S1.1.C655370" */
	int		 sys_type, sys_addr, comp_type;
	int64_t		 comp_addr;
	const char	*desc;
};
int	iot_cond_present(struct store *st, struct actor *who,
	    const struct iot_dev *dev, unsigned bit,
	    const struct iot_target *t, int64_t at, int has_value,
	    int64_t value, int *opened, struct err *e);
int	iot_cond_absent(struct store *st, struct actor *who,
	    const struct iot_dev *dev, unsigned bits,
	    const struct iot_target *t, int64_t at, struct err *e);
/* A fire alarm at a target of dev (iot_alarm.c): a new alarm record
 * (audited, *created 1) or a repeat of the open one. */
int	iot_alarm_raise(struct store *st, struct actor *who,
	    const struct iot_dev *dev, const struct iot_target *t,
	    int64_t event_id, int64_t at, int64_t device_at, int *created,
	    struct err *e);

#endif
