/*
 * Device conditions of the iot module (IOT-008..012) and the jobs that
 * watch the clock: a fault, a main-power fault, low water pressure,
 * leakage current or temperature over the limit, a device gone silent
 * (iot.offline).  A condition lasting past its device kind's threshold
 * opens an automatic hazard with the device evidence (iot.conditions);
 * the device reporting normal again marks it restored, and the unit's (or
 * an officer's) confirmation closes the hazard (hazard_iot.c).  Raw events
 * older than the retention period are deleted (iot.retention), the one
 * documented exception to "no row is hard-deleted".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../proto/gb26875.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "hazard.h"
#include "iot_int.h"
#include "notice.h"

#define IOT_JOB_BATCH		200
#define IOT_DELETE_BATCH	10000
#define IOT_UNKNOWN_DAYS	30

static const char *const iot_cond_states[] = { "pending", "hazard",
    "restored", "closed", "cleared", NULL };

static const char *
iot_cond_zh(const char *kind)
{
	static const struct { const char *k, *zh; } t[] = {
		{ "fault", "故障" }, { "power", "主电源故障" },
		{ "low_pressure", "水压低于下限" },
		{ "leakage", "剩余电流超过报警值" },
		{ "overheat", "温度超过上限" }, { "offline", "离线" },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].k, kind) == 0)
			return t[i].zh;
	return kind;
}

#define IOT_CO_COLS "c.id, c.device_id, c.unit_id, c.kind, c.target, " \
    "c.sys_type, c.sys_addr, c.comp_type, c.comp_addr, c.description, " \
    "c.since_at, c.state, c.hazard_id, c.restored_at, c.closed_at, " \
    "c.closed_by, c.note, c.version, c.created_at, c.town, c.grid_id, " \
    "c.last_at, c.value, d.name, d.source, u.name, h.no, h.status "
#define IOT_CO_FROM " FROM iot_conditions c JOIN iot_devices d ON " \
    "d.id = c.device_id JOIN units u ON u.id = c.unit_id LEFT JOIN " \
    "hazards h ON h.id = c.hazard_id"

/* The record (audited): not the latest reading nor the town. */
static json_t *
iot_cond_rec(struct store_rows *r)
{
	static const char *const names[] = { "id", "device_id", "unit_id",
	    "kind", "target", "sys_type", "sys_addr", "comp_type",
	    "comp_addr", "description", "since_at", "state", "hazard_id",
	    "restored_at", "closed_at", "closed_by", "note", "version",
	    "created_at", NULL };

	return rec_row_obj(r, names, "iiissnnnnsnsinnssnn");
}

static json_t *
iot_cond_view(struct store_rows *r)
{
	json_t	*o = iot_cond_rec(r);

	json_object_set_new(o, "kind_name", json_string(iot_cond_zh(
	    store_text(r, 3))));
	json_object_set_new(o, "town", json_string(store_text(r, 19)));
	json_object_set_new(o, "grid_id", store_isnull(r, 20) ? json_null() :
	    jx_id(store_int(r, 20)));
	json_object_set_new(o, "last_at", json_integer(store_int(r, 21)));
	json_object_set_new(o, "value", store_isnull(r, 22) ? json_null() :
	    json_real((double)store_int(r, 22) / 1000.0));
	json_object_set_new(o, "device_name", json_string(store_text(r, 23)));
	json_object_set_new(o, "device_source", json_string(store_text(r,
	    24)));
	json_object_set_new(o, "unit_name", json_string(store_text(r, 25)));
	json_object_set_new(o, "hazard_no", store_isnull(r, 26) ? json_null() :
	    json_string(store_text(r, 26)));
	json_object_set_new(o, "hazard_status", store_isnull(r, 27) ?
	    json_null() : json_string(store_text(r, 27)));
	return o;
}

static const struct rec_kind	iot_cond_kind = {
	"SELECT " IOT_CO_COLS IOT_CO_FROM " WHERE c.id = ?",
	iot_cond_rec, iot_cond_view, "iot_condition", "no such condition",
};

int
iot_condition_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return rec_fetch_text(st, &iot_cond_kind, id, out, e);
}

int
iot_cond_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, struct err *e)
{
	return rec_audit(st, &iot_cond_kind, who, action, id, e);
}

/* The rules applied by the ingest. */

/* "2026-05-01 10:00" in Asia/Shanghai. */
static void
iot_when(int64_t t, char out[20])
{
	time_t		s = (time_t)(t + 8 * 3600);
	struct tm	tm;

	gmtime_r(&s, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

static int
iot_cond_insert(struct store *st, struct actor *who, const struct iot_dev *dev,
    unsigned bit, const struct iot_target *t, int64_t since, int64_t at,
    int has_value, int64_t value, struct err *e)
{
	int64_t	id = id_next();
	int	hasc = t->sys_type >= 0, rc;

	if ((rc = store_exec(st, "INSERT INTO iot_conditions (id, device_id, "
	    "unit_id, town, grid_id, kind, target, sys_type, sys_addr, "
	    "comp_type, comp_addr, description, since_at, last_at, value, "
	    "state, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?, ?)", STORE_ARGS(
	    SV_I(id), SV_I(dev->id), SV_I(dev->unit_id), SV_S(dev->town),
	    dev->grid_id ? SV_I(dev->grid_id) : SV_N,
	    SV_S(iot_cond_name(bit)), SV_S(t->key),
	    hasc ? SV_I(t->sys_type) : SV_N, hasc ? SV_I(t->sys_addr) : SV_N,
	    hasc && t->comp_type >= 0 ? SV_I(t->comp_type) : SV_N,
	    hasc && t->comp_addr >= 0 ? SV_I(t->comp_addr) : SV_N,
	    SV_S(t->desc), SV_I(since), SV_I(at), has_value ? SV_I(value) :
	    SV_N, SV_I(at), SV_I(at)), NULL, e)) < 0)
		return rc;
	/*
	 * IOT-016: faults count toward the unit's fault rate, as the days
	 * on which a device had one: a device going in and out of a fault
	 * all day is one fault day, not hundreds of events.
	 */
	if (bit == IOT_C_FAULT || bit == IOT_C_POWER) {
		char	when[20], ref[48];

		iot_when(at, when);
		snprintf(ref, sizeof(ref), "%lld:%.10s", (long long)dev->id,
		    when);
		return iot_risk(st, who, dev->unit_id, "device_fault",
		    "iot_device_day", ref, 1, at, e);
	}
	return 0;
}

int
iot_cond_present(struct store *st, struct actor *who,
    const struct iot_dev *dev, unsigned bit, const struct iot_target *t,
    int64_t at, int has_value, int64_t value, int *opened, struct err *e)
{
	struct store_rows	*r = NULL;
	char			 state[12] = "", *hst = NULL;
	int64_t			 id = 0, hid = 0;
	int			 rc;

	*opened = 0;
	if ((rc = store_query(st, "SELECT id, state, hazard_id FROM "
	    "iot_conditions WHERE device_id = ? AND kind = ? AND target = ? "
	    "AND state IN ('pending', 'hazard', 'restored')", STORE_ARGS(
	    SV_I(dev->id), SV_S(iot_cond_name(bit)), SV_S(t->key)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		id = store_int(r, 0);
		snprintf(state, sizeof(state), "%s", store_text(r, 1));
		hid = store_isnull(r, 2) ? 0 : store_int(r, 2);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (id != 0 && strcmp(state, "restored") != 0) {
		/* Still there: the latest time and the worst reading. */
		return store_exec(st, "UPDATE iot_conditions SET last_at = ?, "
		    "value = CASE WHEN ? = 0 THEN value WHEN value IS NULL THEN "
		    "? WHEN ? = 1 AND ? < value THEN ? WHEN ? = 0 AND ? > value "
		    "THEN ? ELSE value END WHERE id = ?", STORE_ARGS(SV_I(at),
		    SV_I(has_value), SV_I(value), SV_I(bit ==
		    IOT_C_LOW_PRESSURE), SV_I(value), SV_I(value), SV_I(bit ==
		    IOT_C_LOW_PRESSURE), SV_I(value), SV_I(value), SV_I(id)),
		    NULL, e);
	}
	if (id != 0) {
		/* IOT-012: it came back before the repair was confirmed. */
		if (hid != 0 && (rc = store_query_text(st, "SELECT status FROM "
		    "hazards WHERE id = ?", STORE_ARGS(SV_I(hid)), &hst, e)) < 0)
			return rc;
		rc = hst != NULL && strcmp(hst, "closed") != 0;
		free(hst);
		if (rc) {
			if ((rc = store_exec(st, "UPDATE iot_conditions SET "
			    "state = 'hazard', restored_at = NULL, last_at = ?, "
			    "version = version + 1, updated_at = ? WHERE id = ?",
			    STORE_ARGS(SV_I(at), SV_I(at), SV_I(id)), NULL,
			    e)) < 0)
				return rc;
			return iot_cond_audit(st, who, "iot_condition.refault",
			    id, e);
		}
		/* Its hazard was closed meanwhile: this one ends, a new
		 * condition starts. */
		if ((rc = store_exec(st, "UPDATE iot_conditions SET state = "
		    "'closed', closed_at = ?, closed_by = 'system', version = "
		    "version + 1, updated_at = ? WHERE id = ?", STORE_ARGS(
		    SV_I(at), SV_I(at), SV_I(id)), NULL, e)) < 0 ||
		    (rc = iot_cond_audit(st, who, "iot_condition.close", id,
		    e)) < 0)
			return rc;
	}
	if ((rc = iot_cond_insert(st, who, dev, bit, t, at, at, has_value,
	    value, e)) < 0)
		return rc;
	*opened = 1;
	return 0;
}

int
iot_cond_absent(struct store *st, struct actor *who, const struct iot_dev *dev,
    unsigned bits, const struct iot_target *t, int64_t at, struct err *e)
{
	struct store_rows	*r = NULL;
	struct { int64_t id; int hazard; } c[IOT_C__N];
	char			*msg = NULL;
	int			 n = 0, i, rc;

	/* The partial index's own predicate, so that it is used. */
	if ((rc = store_query(st, "SELECT id, kind, state FROM iot_conditions "
	    "WHERE device_id = ? AND target = ? AND state IN ('pending', "
	    "'hazard', 'restored') AND state <> 'restored'", STORE_ARGS(
	    SV_I(dev->id), SV_S(t->key)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1)
		if ((iot_cond_bit(store_text(r, 1)) & bits) && n < IOT_C__N) {
			c[n].id = store_int(r, 0);
			c[n++].hazard = strcmp(store_text(r, 2), "hazard") == 0;
		}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (!c[i].hazard) {
			/* Over before it lasted: nothing to audit. */
			if ((rc = store_exec(st, "UPDATE iot_conditions SET "
			    "state = 'cleared', restored_at = ?, updated_at = ? "
			    "WHERE id = ?", STORE_ARGS(SV_I(at), SV_I(at),
			    SV_I(c[i].id)), NULL, e)) < 0)
				return rc;
			continue;
		}
		/* IOT-011: restored; the unit confirms the repair. */
		if ((rc = store_exec(st, "UPDATE iot_conditions SET state = "
		    "'restored', restored_at = ?, version = version + 1, "
		    "updated_at = ? WHERE id = ?", STORE_ARGS(SV_I(at), SV_I(at),
		    SV_I(c[i].id)), NULL, e)) < 0 ||
		    (rc = iot_cond_audit(st, who, "iot_condition.restore",
		    c[i].id, e)) < 0)
			return rc;
		msg = xasprintf("物联网设备 %s 已恢复正常，请确认整改完成以销号。",
		    dev->name);
		rc = notice_unit(st, who, dev->unit_id, "iot.restored",
		    "物联网监测：设备恢复正常", msg, "iot_condition", c[i].id, e);
		free(msg);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Reads and the confirmation. */

static int
iot_cond_load(struct store *st, const struct actor *who, int64_t id,
    char state[12], int64_t *version, int64_t *hazard, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc, sees = 0;

	if ((rc = store_query(st, "SELECT state, version, hazard_id, town, "
	    "grid_id, unit_id FROM iot_conditions WHERE id = ?", STORE_ARGS(
	    SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		snprintf(state, 12, "%s", store_text(r, 0));
		*version = store_int(r, 1);
		*hazard = store_isnull(r, 2) ? 0 : store_int(r, 2);
		sees = iot_sees(who, store_text(r, 3), store_isnull(r, 4) ? 0 :
		    store_int(r, 4), store_int(r, 5));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (!sees)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such condition");
	return 0;
}

int
iot_condition_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	char	state[12];
	int64_t	version, hazard;
	int	rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0 ||
	    (rc = iot_cond_load(st, who, id, state, &version, &hazard, e)) < 0)
		return rc;
	return rec_fetch(st, &iot_cond_kind, id, 1, out, e);
}

int
iot_condition_list(struct store *st, struct actor *who, const char *state,
    int64_t unit_id, int64_t device_id, int64_t offset, int64_t limit,
    json_t **items, int64_t *total, struct err *e)
{
	struct store_val	 args[12];
	struct reg_scope	 sc;
	struct store_rows	*r = NULL;
	struct buf		 w, q;
	int			 n = 0, rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0)
		return rc;
	buf_init(&w);
	buf_init(&q);
	buf_adds(&w, " WHERE 1 = 1");
	iot_scope_where(who, "c", &sc, &w, args, &n);
	if (state != NULL) {
		if (!reg_choice(iot_cond_states, state)) {
			rc = err_set(e, ERR_INVALID, "state", "state must be "
			    "pending, hazard, restored, closed or cleared");
			goto out;
		}
		buf_adds(&w, " AND c.state = ?");
		args[n++] = SV_S(state);
	}
	if (unit_id > 0) {
		buf_adds(&w, " AND c.unit_id = ?");
		args[n++] = SV_I(unit_id);
	}
	if (device_id > 0) {
		buf_adds(&w, " AND c.device_id = ?");
		args[n++] = SV_I(device_id);
	}
	buf_printf(&q, "SELECT COUNT(*) FROM iot_conditions c%s", w.data);
	if ((rc = store_query_int(st, q.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&q);
	buf_printf(&q, "SELECT " IOT_CO_COLS IOT_CO_FROM "%s ORDER BY CASE WHEN "
	    "c.state IN ('pending', 'hazard', 'restored') THEN 0 ELSE 1 END, "
	    "c.since_at DESC, c.id DESC LIMIT ? OFFSET ?", w.data);
	args[n] = SV_I(limit);
	args[n + 1] = SV_I(offset);
	if ((rc = store_query(st, q.data, args, n + 2, &r, e)) < 0)
		goto out;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, iot_cond_view(r));
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	} else
		rc = 0;
out:
	store_rows_free(r);
	buf_free(&w);
	buf_free(&q);
	return rc;
}

int
iot_condition_confirm(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "note", NULL };
	char		 state[12], by[24], *note = NULL;
	int64_t		 version, hazard, ch = 0, now = clock_now();
	int		 rc;

	if (!actor_can(who, "iot:confirm") && !actor_can(who, "iot:write"))
		return err_set(e, ERR_FORBIDDEN, NULL, "permission iot:confirm "
		    "or iot:write required");
	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = iot_cond_load(st, who, id, state, &version, &hazard, e)) < 0)
		return rc;
	if (expected != version)
		return err_set(e, ERR_STALE, "version", "the condition was "
		    "changed by someone else (now version %lld)",
		    (long long)version);
	/* IOT-011: only once the device itself says it is normal. */
	if (strcmp(state, "restored") != 0)
		return err_set(e, ERR_POLICY, "status", "the device has not "
		    "reported normal again (IOT-011)");
	if ((rc = rec_opt_text(in, "note", 1, 2000, &note, e)) < 0)
		return rc;
	if (hazard != 0 && (rc = hazard_iot_close(st, who, hazard, note ? note :
	    "设备恢复正常，单位确认整改完成", e)) < 0)
		goto out;
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "UPDATE iot_conditions SET state = 'closed', "
	    "closed_at = ?, closed_by = ?, note = ?, version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?", STORE_ARGS(SV_I(now),
	    SV_S(by), SV_S(note), SV_I(now), SV_I(id), SV_I(version)), &ch,
	    e)) < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_STALE, "version", "the condition was changed "
		    "by someone else");
		goto out;
	}
	if ((rc = iot_cond_audit(st, who, "iot_condition.close", id, e)) < 0)
		goto out;
	rc = rec_fetch(st, &iot_cond_kind, id, 1, out, e);
out:
	free(note);
	return rc;
}

/* Jobs. */


/* IOT-009: a device silent past its offline_minutes goes offline, with
 * an offline condition from the time it was last heard. */
static int
iot_offline_one(struct store *st, struct actor *who, int64_t id, int64_t now,
    int *n, struct err *e)
{
	struct iot_target	 t;
	struct iot_dev		 d;
	int64_t			 since, ch = 0, open = 0;
	int			 rc;

	if ((rc = iot_dev_by_id(st, id, &d, e)) < 0)
		return rc;
	since = d.last_seen ? d.last_seen : d.created_at;
	if (now - since < d.th.v[IOT_TH_OFFLINE_MIN] * 60)
		return 0;
	if (d.online && ((rc = store_exec(st, "UPDATE iot_devices SET online = "
	    "0 WHERE id = ? AND online = 1 AND COALESCE(last_seen_at, 0) = ?",
	    STORE_ARGS(SV_I(id), SV_I(d.last_seen)), &ch, e)) < 0 || ch == 0))
		return rc;	/* heard from meanwhile */
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM iot_conditions "
	    "WHERE device_id = ? AND kind = 'offline' AND state IN ('pending', "
	    "'hazard', 'restored') AND state <> 'restored'", STORE_ARGS(
	    SV_I(id)), &open, e)) < 0)
		return rc;
	(*n)++;
	if (open > 0)
		return 0;
	memset(&t, 0, sizeof(t));
	t.key = "D";
	t.sys_type = t.sys_addr = t.comp_type = -1;
	t.comp_addr = -1;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM iot_conditions "
	    "WHERE device_id = ? AND kind = 'offline' AND state IN ('pending', "
	    "'hazard', 'restored')", STORE_ARGS(SV_I(id)), &open, e)) < 0)
		return rc;
	/* Silent again before its repair was confirmed (IOT-012). */
	if (open > 0)
		return iot_cond_present(st, who, &d, IOT_C_OFFLINE, &t, now, 0,
		    0, &rc, e);
	return iot_cond_insert(st, who, &d, IOT_C_OFFLINE, &t, since, now, 0,
	    0, e);
}

/* The ids a query answers, at most max. */
static int
iot_ids(struct store *st, const char *sql, const struct store_val *args,
    int nargs, int64_t *ids, int max, int *n, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	*n = 0;
	if ((rc = store_query(st, sql, args, nargs, &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1 && *n < max)
		ids[(*n)++] = store_int(r, 0);
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int
iot_job_offline(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	static const char *const kinds_sql =
	    "SELECT DISTINCT kind FROM iot_devices WHERE status = 'active'";
	struct store_rows	*r = NULL;
	struct iot_thresholds	 th;
	char			 kinds[32][24];
	int64_t			 ids[IOT_JOB_BATCH], now = clock_now(), after = 0;
	int			 nk = 0, k, n, i, rc, off = 0, pass;

	if ((rc = iot_rules_ready(e)) < 0)
		return rc;
	if ((rc = store_query(st, kinds_sql, STORE_NOARGS, &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1 && nk < 32)
		snprintf(kinds[nk++], 24, "%s", store_text(r, 0));
	store_rows_free(r);
	if (rc < 0)
		return rc;
	/*
	 * Per kind, the devices silent past the kind's threshold; then those
	 * with their own offline_minutes (few), from a minute on.  Devices
	 * never heard count from their registration.  Each pass goes on by
	 * id, IOT_JOB_BATCH devices a transaction.
	 */
	for (k = 0; k <= nk; k++) {
		int64_t	cutoff;

		if (k < nk) {
			if (iot_thresholds_of(kinds[k], NULL, &th, e) < 0)
				continue;	/* a kind the rules lost */
			cutoff = now - th.v[IOT_TH_OFFLINE_MIN] * 60;
		} else
			cutoff = now - 60;
		for (pass = 0, after = 0; ; pass++) {
			if (k < nk)
				rc = iot_ids(st, "SELECT id FROM iot_devices WHERE "
				    "status = 'active' AND kind = ? AND id > ? AND "
				    "((online = 1 AND last_seen_at < ?) OR "
				    "(last_seen_at IS NULL AND created_at < ? AND "
				    "NOT EXISTS (SELECT 1 FROM iot_conditions c "
				    "WHERE c.device_id = iot_devices.id AND c.kind "
				    "= 'offline' AND c.state IN ('pending', "
				    "'hazard', 'restored')))) ORDER BY id LIMIT ?",
				    STORE_ARGS(SV_S(kinds[k]), SV_I(after),
				    SV_I(cutoff), SV_I(cutoff),
				    SV_I(IOT_JOB_BATCH)), ids, IOT_JOB_BATCH, &n,
				    e);
			else
				rc = iot_ids(st, "SELECT id FROM iot_devices WHERE "
				    "status = 'active' AND thresholds LIKE "
				    "'%offline_minutes%' AND id > ? AND online = 1 "
				    "AND last_seen_at < ? ORDER BY id LIMIT ?",
				    STORE_ARGS(SV_I(after), SV_I(cutoff),
				    SV_I(IOT_JOB_BATCH)), ids, IOT_JOB_BATCH, &n,
				    e);
			if (rc < 0)
				return rc;
			if (n == 0)
				break;
			if ((rc = store_begin(st, e)) < 0)
				return rc;
			for (i = 0; rc == 0 && i < n; i++)
				rc = iot_offline_one(st, who, ids[i], now, &off, e);
			if (rc < 0) {
				store_rollback(st);
				return rc;
			}
			if ((rc = store_commit(st, e)) < 0)
				return rc;
			after = ids[n - 1];
			if (n < IOT_JOB_BATCH)
				break;
		}
	}
	buf_printf(detail, "%d device(s) offline", off);
	return 0;
}

/* IOT-010: a pending condition past its threshold opens a hazard. */
static int
iot_cond_promote(struct store *st, struct actor *who, int64_t id, int64_t now,
    int *opened, struct err *e)
{
	struct store_rows	*r = NULL;
	struct hazard_new	 h;
	struct iot_dev		 d;
	char			 kind[16] = "", target[48] = "", since_s[20];
	char			*desc = NULL, *where = NULL, *building = NULL;
	char			*cdesc = NULL;
	int64_t			 device = 0, since = 0, minutes, hid = 0, ch = 0;
	int64_t			 value = 0, sys_type = -1;
	int			 rc, hasv = 0;
	unsigned		 bit;

	if ((rc = store_query(st, "SELECT device_id, kind, target, since_at, "
	    "value, description, sys_type FROM iot_conditions WHERE "
	    "id = ? AND state = 'pending'", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		device = store_int(r, 0);
		snprintf(kind, sizeof(kind), "%s", store_text(r, 1));
		snprintf(target, sizeof(target), "%s", store_text(r, 2));
		since = store_int(r, 3);
		hasv = !store_isnull(r, 4);
		value = store_int(r, 4);
		cdesc = store_isnull(r, 5) ? NULL : xstrdup(store_text(r, 5));
		sys_type = store_isnull(r, 6) ? -1 : store_int(r, 6);
	}
	store_rows_free(r);
	if (rc <= 0)
		goto out;
	if ((rc = iot_dev_by_id(st, device, &d, e)) < 0)
		goto out;
	bit = iot_cond_bit(kind);
	minutes = iot_cond_minutes(&d.th, bit);
	rc = 0;
	if (minutes < 0 || now - since < minutes * 60)
		goto out;
	if (d.building_id != 0 && (rc = store_query_text(st, "SELECT name FROM "
	    "buildings WHERE id = ?", STORE_ARGS(SV_I(d.building_id)),
	    &building, e)) < 0 && rc != ERR_NOT_FOUND)
		goto out;
	iot_when(since, since_s);
	/* The device evidence goes with the hazard. */
	desc = xasprintf("物联网监测：%s%s%s%s%s持续超过%lld%s（自 %s 起）。"
	    "设备：%s（%s，%s %s）；条件编号 %lld。",
	    sys_type >= 0 ? gb26875_system_type_name((int)sys_type) : "",
	    sys_type >= 0 ? " " : "", cdesc ? cdesc : "", cdesc ? " " : "",
	    iot_cond_zh(kind), (long long)(minutes % 60 ? minutes :
	    minutes / 60), minutes % 60 ? "分钟" : "小时", since_s,
	    d.name, iot_kind_zh(d.kind), iot_protocol_name(d.protocol),
	    d.source, (long long)id);
	if (hasv) {
		char	*v = xasprintf("%s 最不利读数 %.3f。", desc,
		    (double)value / 1000.0);

		free(desc);
		desc = v;
	}
	where = xasprintf("%s%s%s%s", building ? building : "",
	    building ? " " : "", sys_type >= 0 ? "系统 " : "设备本体",
	    sys_type >= 0 ? target : "");
	memset(&h, 0, sizeof(h));
	h.unit_id = d.unit_id;
	h.type_code = iot_cond_hazard_type(bit);
	h.source = "iot";
	h.source_id = id;
	h.description = desc;
	h.location = where;
	h.deadline_days = 0;		/* the catalogue's deadline */
	if ((rc = hazard_create(st, who, &h, &hid, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE iot_conditions SET state = 'hazard', "
	    "hazard_id = ?, version = version + 1, updated_at = ? WHERE id = ? "
	    "AND state = 'pending'", STORE_ARGS(SV_I(hid), SV_I(now), SV_I(id)),
	    &ch, e)) < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_STALE, NULL, "condition %lld changed",
		    (long long)id);
		goto out;
	}
	if ((rc = iot_cond_audit(st, who, "iot_condition.hazard", id, e)) < 0)
		goto out;
	(*opened)++;
out:
	free(cdesc);
	free(desc);
	free(where);
	free(building);
	return rc;
}

int
iot_job_conditions(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	int64_t	ids[IOT_JOB_BATCH], now = clock_now(), after = 0;
	int	n, i, rc, opened = 0;

	if ((rc = iot_rules_ready(e)) < 0)
		return rc;
	for (;;) {
		/* Pending conditions of active devices, oldest first; each
		 * is judged against its own device's thresholds. */
		if ((rc = iot_ids(st, "SELECT c.id FROM iot_conditions c JOIN "
		    "iot_devices d ON d.id = c.device_id WHERE c.state = "
		    "'pending' AND d.status = 'active' AND c.id > ? ORDER BY "
		    "c.id LIMIT ?", STORE_ARGS(SV_I(after),
		    SV_I(IOT_JOB_BATCH)), ids, IOT_JOB_BATCH, &n, e)) < 0)
			return rc;
		if (n == 0)
			break;
		if ((rc = store_begin(st, e)) < 0)
			return rc;
		for (i = 0; rc == 0 && i < n; i++)
			rc = iot_cond_promote(st, who, ids[i], now, &opened, e);
		if (rc < 0) {
			store_rollback(st);
			return rc;
		}
		if ((rc = store_commit(st, e)) < 0)
			return rc;
		after = ids[n - 1];
		if (n < IOT_JOB_BATCH)
			break;
	}
	buf_printf(detail, "opened %d hazard(s)", opened);
	return 0;
}

/* Delete in bounded transactions until fewer than a batch go. */
static int
iot_delete_all(struct store *st, const char *sql, int64_t cutoff,
    int64_t *total, struct err *e)
{
	int64_t	ch;
	int	rc;

	do {
		ch = 0;
		if ((rc = store_begin(st, e)) < 0)
			return rc;
		if ((rc = store_exec(st, sql, STORE_ARGS(SV_I(cutoff),
		    SV_I(IOT_DELETE_BATCH)), &ch, e)) < 0) {
			store_rollback(st);
			return rc;
		}
		if ((rc = store_commit(st, e)) < 0)
			return rc;
		*total += ch;
	} while (ch >= IOT_DELETE_BATCH);
	return 0;
}

int
iot_job_retention(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	json_t	*rec;
	int64_t	 now = clock_now(), days = iot_rules_retention_days();
	int64_t	 cutoff = now - days * 86400, events = 0, frames = 0;
	int	 rc;

	/* IOT-004: raw telemetry past its retention is deleted, the one
	 * exception to keeping every row; what it caused (alarms,
	 * conditions, hazards) is kept.  The run itself is audited. */
	if ((rc = iot_delete_all(st, "DELETE FROM iot_events WHERE id IN "
	    "(SELECT id FROM iot_events WHERE at < ? LIMIT ?)", cutoff, &events,
	    e)) < 0 ||
	    (rc = iot_delete_all(st, "DELETE FROM iot_unknown_frames WHERE id "
	    "IN (SELECT id FROM iot_unknown_frames WHERE at < ? LIMIT ?)",
	    now - IOT_UNKNOWN_DAYS * 86400, &frames, e)) < 0)
		return rc;
	if ((rc = store_begin(st, e)) < 0)
		return rc;
	rec = json_pack("{s:I, s:I, s:I, s:I}", "retention_days",
	    (json_int_t)days, "cutoff", (json_int_t)cutoff, "events",
	    (json_int_t)events, "unknown_frames", (json_int_t)frames);
	rc = audit_append(st, who, "iot.retention", NULL, NULL, rec, e);
	json_decref(rec);
	if (rc < 0) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, e)) < 0)
		return rc;
	buf_printf(detail, "deleted %lld event(s) older than %lld days, %lld "
	    "unknown frame(s)", (long long)events, (long long)days,
	    (long long)frames);
	return 0;
}
