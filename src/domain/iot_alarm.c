/*
 * Fire alarms of the iot module (IOT-005..007, IOT-015): a detector's
 * fire alarm becomes an alarm record with a confirmation deadline
 * (confirm_minutes of the device kind), shown on the duty officer's and
 * the unit's alarm board; the unit (or an officer) confirms it real or
 * false; the job iot.escalate escalates those left unconfirmed past
 * their deadline.  Every alarm raised, every false alarm and every real
 * one is a risk event of the unit (RISK-008); per-unit statistics over
 * 30 and 90 days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "iot_int.h"

#define IOT_BOARD_MAX	200	/* alarms an answer of the board holds */
#define IOT_BOARD_LAG_MS 5000	/* changes re-sent: commits land late */
#define IOT_JOB_BATCH	500

static const char *const iot_alarm_states[] = { "open", "escalated",
    "confirmed_real", "confirmed_false", NULL };

#define IOT_AL_COLS "a.id, a.device_id, a.unit_id, a.building_id, " \
    "a.event_id, a.target, a.sys_type, a.sys_addr, a.comp_type, " \
    "a.comp_addr, a.description, a.raised_at, a.device_at, " \
    "a.deadline_at, a.state, a.escalated_at, a.confirmed_at, " \
    "a.confirmed_by, a.note, a.version, a.created_at, a.updated_at, " \
    "a.town, a.grid_id, a.repeats, a.last_at, a.rev, u.name, b.name, " \
    "d.name, d.source, d.kind "
#define IOT_AL_FROM " FROM iot_alarms a JOIN units u ON u.id = a.unit_id " \
    "JOIN iot_devices d ON d.id = a.device_id LEFT JOIN buildings b ON " \
    "b.id = a.building_id"

/* The record (audited): the alarm, not its telemetry nor its town. */
static json_t *
iot_alarm_rec(struct store_rows *r)
{
	static const char *const names[] = { "id", "device_id", "unit_id",
	    "building_id", "event_id", "target", "sys_type", "sys_addr",
	    "comp_type", "comp_addr", "description", "raised_at", "device_at",
	    "deadline_at", "state", "escalated_at", "confirmed_at",
	    "confirmed_by", "note", "version", "created_at", "updated_at",
	    NULL };

	return rec_row_obj(r, names, "iiiiisnnnnsnnnsnnssnnn");
}

/* The view: the record with where it is and what it is called. */
static json_t *
iot_alarm_view(struct store_rows *r, int64_t now)
{
	json_t		*o = iot_alarm_rec(r);
	const char	*state = store_text(r, 14);
	int64_t		 ca;

	json_object_set_new(o, "town", json_string(store_text(r, 22)));
	json_object_set_new(o, "grid_id", store_isnull(r, 23) ? json_null() :
	    jx_id(store_int(r, 23)));
	json_object_set_new(o, "repeats", json_integer(store_int(r, 24)));
	json_object_set_new(o, "last_at", json_integer(store_int(r, 25)));
	json_object_set_new(o, "rev", jx_id(store_int(r, 26)));
	json_object_set_new(o, "unit_name", json_string(store_text(r, 27)));
	json_object_set_new(o, "building_name", store_isnull(r, 28) ?
	    json_null() : json_string(store_text(r, 28)));
	json_object_set_new(o, "device_name", json_string(store_text(r, 29)));
	json_object_set_new(o, "device_source", json_string(store_text(r,
	    30)));
	json_object_set_new(o, "device_kind", json_string(store_text(r, 31)));
	if (!store_isnull(r, 6)) {
		json_object_set_new(o, "system_name", json_string(
		    gb26875_system_type_name((int)store_int(r, 6))));
		json_object_set_new(o, "system_name_zh", json_string(
		    gb26875_system_type_name_zh((int)store_int(r, 6))));
	}
	if (!store_isnull(r, 8)) {
		json_object_set_new(o, "component_name", json_string(
		    gb26875_component_type_name((int)store_int(r, 8))));
		json_object_set_new(o, "component_name_zh", json_string(
		    gb26875_component_type_name_zh((int)store_int(r, 8))));
	}
	/* 区号 and 位号: the two little-endian halves of the address, as
	 * most devices use it (PROTOCOL.md §4.2). */
	if (!store_isnull(r, 9)) {
		ca = store_int(r, 9);
		json_object_set_new(o, "zone", json_integer(ca & 0xFFFF));
		json_object_set_new(o, "point", json_integer(ca >> 16 & 0xFFFF));
	}
	json_object_set_new(o, "unconfirmed", json_boolean(
	    strcmp(state, "open") == 0 || strcmp(state, "escalated") == 0));
	json_object_set_new(o, "overdue", json_boolean(strcmp(state, "open") ==
	    0 && store_int(r, 13) < now));
	return o;
}

/* The current time's view of a row (rec_kind). */
static json_t *
iot_alarm_view_now(struct store_rows *r)
{
	return iot_alarm_view(r, clock_now());
}

static const struct rec_kind	iot_alarm_kind = {
	"SELECT " IOT_AL_COLS IOT_AL_FROM " WHERE a.id = ?",
	iot_alarm_rec, iot_alarm_view_now, "iot_alarm", "no such alarm",
};

int
iot_alarm_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return rec_fetch_text(st, &iot_alarm_kind, id, out, e);
}

int
iot_alarm_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, struct err *e)
{
	return rec_audit(st, &iot_alarm_kind, who, action, id, e);
}

int
iot_alarm_raise(struct store *st, struct actor *who, const struct iot_dev *dev,
    const struct iot_target *t, int64_t event_id, int64_t at,
    int64_t device_at, int *created, struct err *e)
{
	struct store_rows	*r = NULL;
	char			*desc = NULL, ref[24];
	int64_t			 id = 0, minutes;
	int			 rc, hasc = t->sys_type >= 0;

	*created = 0;
	if ((rc = store_query(st, "SELECT id FROM iot_alarms WHERE device_id = "
	    "? AND target = ? AND state IN ('open', 'escalated')", STORE_ARGS(
	    SV_I(dev->id), SV_S(t->key)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		id = store_int(r, 0);
	store_rows_free(r);
	if (rc < 0)
		return rc;
	/* IOT-005: one open alarm per detector; it keeps reporting. */
	if (id != 0)
		return store_exec(st, "UPDATE iot_alarms SET repeats = repeats + "
		    "1, last_at = ?, rev = ? WHERE id = ?", STORE_ARGS(SV_I(at),
		    SV_I(id_next()), SV_I(id)), NULL, e);
	/* The description the component gave when it was configured. */
	if (t->desc == NULL && hasc && (rc = store_query_text(st, "SELECT "
	    "description FROM iot_components WHERE device_id = ? AND "
	    "sys_type = ? AND sys_addr = ? AND comp_addr = ?", STORE_ARGS(
	    SV_I(dev->id), SV_I(t->sys_type), SV_I(t->sys_addr),
	    SV_I(t->comp_addr)), &desc, e)) < 0 && rc != ERR_NOT_FOUND)
		return rc;
	minutes = dev->th.v[IOT_TH_CONFIRM_MIN];
	id = id_next();
	rc = store_exec(st, "INSERT INTO iot_alarms (id, device_id, unit_id, "
	    "building_id, town, grid_id, event_id, target, sys_type, sys_addr, "
	    "comp_type, comp_addr, description, raised_at, device_at, "
	    "deadline_at, state, repeats, last_at, rev, version, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, 'open', 0, ?, ?, 1, ?, ?)", STORE_ARGS(SV_I(id),
	    SV_I(dev->id), SV_I(dev->unit_id), dev->building_id ?
	    SV_I(dev->building_id) : SV_N, SV_S(dev->town), dev->grid_id ?
	    SV_I(dev->grid_id) : SV_N, SV_I(event_id), SV_S(t->key),
	    hasc ? SV_I(t->sys_type) : SV_N, hasc ? SV_I(t->sys_addr) : SV_N,
	    hasc && t->comp_type >= 0 ? SV_I(t->comp_type) : SV_N,
	    hasc && t->comp_addr >= 0 ? SV_I(t->comp_addr) : SV_N,
	    t->desc ? SV_S(t->desc) : SV_S(desc), SV_I(at),
	    device_at > 0 ? SV_I(device_at) : SV_N,
	    SV_I(at + minutes * 60), SV_I(at), SV_I(id), SV_I(at), SV_I(at)),
	    NULL, e);
	free(desc);
	if (rc < 0 || (rc = iot_alarm_audit(st, who, "iot_alarm.create", id,
	    e)) < 0)
		return rc;
	/* IOT-016: every alarm counts toward the unit's alarm rate. */
	snprintf(ref, sizeof(ref), "%lld", (long long)id);
	if ((rc = iot_risk(st, who, dev->unit_id, "fire_alarm", "iot_alarm",
	    ref, 0, at, e)) < 0)
		return rc;
	*created = 1;
	return 0;
}

/* An alarm who may see (ERR_NOT_FOUND otherwise). */
static int
iot_alarm_load(struct store *st, const struct actor *who, int64_t id,
    char state[20], int64_t *version, int64_t *unit, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc, sees = 0;

	if ((rc = store_query(st, "SELECT state, version, unit_id, town, "
	    "grid_id FROM iot_alarms WHERE id = ?", STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		snprintf(state, 20, "%s", store_text(r, 0));
		*version = store_int(r, 1);
		*unit = store_int(r, 2);
		sees = iot_sees(who, store_text(r, 3), store_isnull(r, 4) ? 0 :
		    store_int(r, 4), *unit);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (!sees)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such alarm");
	return 0;
}

int
iot_alarm_get(struct store *st, struct actor *who, int64_t id, json_t **out,
    struct err *e)
{
	char	state[20];
	int64_t	version, unit;
	int	rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0 ||
	    (rc = iot_alarm_load(st, who, id, state, &version, &unit, e)) < 0)
		return rc;
	return rec_fetch(st, &iot_alarm_kind, id, 1, out, e);
}

int
iot_alarm_confirm(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "result", "note", NULL };
	const char	*result;
	json_t		*v;
	char		 state[20], by[24], ref[24], *note = NULL;
	int64_t		 version, unit, ch = 0, now = clock_now();
	int		 rc, real;

	/* IOT-006: the unit confirms its own alarms; an officer may too. */
	if (!actor_can(who, "iot:confirm") && !actor_can(who, "iot:write"))
		return err_set(e, ERR_FORBIDDEN, NULL, "permission iot:confirm "
		    "or iot:write required");
	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = iot_alarm_load(st, who, id, state, &version, &unit, e)) < 0)
		return rc;
	if (expected != version)
		return err_set(e, ERR_STALE, "version", "the alarm was changed "
		    "by someone else (now version %lld)", (long long)version);
	if (strcmp(state, "open") != 0 && strcmp(state, "escalated") != 0)
		return err_set(e, ERR_POLICY, "status", "the alarm was already "
		    "confirmed (IOT-006)");
	v = json_object_get(in, "result");
	if (v == NULL)
		return err_set(e, ERR_MISSING, "result", "result is required");
	result = json_string_value(v);
	if (result == NULL || (strcmp(result, "real") != 0 &&
	    strcmp(result, "false") != 0))
		return err_set(e, ERR_INVALID, "result", "result must be real or "
		    "false");
	real = strcmp(result, "real") == 0;
	if ((rc = rec_opt_text(in, "note", 1, 2000, &note, e)) < 0)
		return rc;
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "UPDATE iot_alarms SET state = ?, "
	    "confirmed_at = ?, confirmed_by = ?, note = ?, rev = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ? AND "
	    "version = ?", STORE_ARGS(SV_S(real ? "confirmed_real" :
	    "confirmed_false"), SV_I(now), SV_S(by), SV_S(note),
	    SV_I(id_next()), SV_I(now), SV_I(id), SV_I(version)), &ch, e)) < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_STALE, "version", "the alarm was changed by "
		    "someone else");
		goto out;
	}
	if ((rc = iot_alarm_audit(st, who, "iot_alarm.confirm", id, e)) < 0)
		goto out;
	/* IOT-016: a real alarm is a fire of the unit; a false one counts
	 * toward its false-alarm rate. */
	snprintf(ref, sizeof(ref), "%lld", (long long)id);
	if ((rc = iot_risk(st, who, unit, real ? "fire" : "false_alarm",
	    "iot_alarm", ref, 0, now, e)) < 0)
		goto out;
	rc = rec_fetch(st, &iot_alarm_kind, id, 1, out, e);
out:
	free(note);
	return rc;
}

int
iot_alarm_list(struct store *st, struct actor *who,
    const struct iot_alarm_filter *f, int64_t offset, int64_t limit,
    json_t **items, int64_t *total, struct err *e)
{
	struct store_val	 args[16];
	struct reg_scope	 sc;
	struct store_rows	*r = NULL;
	struct buf		 w, q;
	int64_t			 now = clock_now();
	int			 n = 0, rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0)
		return rc;
	buf_init(&w);
	buf_init(&q);
	buf_adds(&w, " WHERE 1 = 1");
	iot_scope_where(who, "a", &sc, &w, args, &n);
	if (f->state != NULL) {
		if (!reg_choice(iot_alarm_states, f->state)) {
			rc = err_set(e, ERR_INVALID, "state", "state must be "
			    "open, escalated, confirmed_real or "
			    "confirmed_false");
			goto out;
		}
		buf_adds(&w, " AND a.state = ?");
		args[n++] = SV_S(f->state);
	}
	if (f->unit_id > 0) {
		buf_adds(&w, " AND a.unit_id = ?");
		args[n++] = SV_I(f->unit_id);
	}
	if (f->town != NULL) {
		if (!reg_town_syntax(f->town)) {
			rc = err_set(e, ERR_INVALID, "town", "town must be a "
			    "9-digit code");
			goto out;
		}
		buf_adds(&w, " AND a.town = ?");
		args[n++] = SV_S(f->town);
	}
	if (f->from > 0) {
		buf_adds(&w, " AND a.raised_at >= ?");
		args[n++] = SV_I(f->from);
	}
	if (f->to > 0) {
		buf_adds(&w, " AND a.raised_at <= ?");
		args[n++] = SV_I(f->to);
	}
	buf_printf(&q, "SELECT COUNT(*) FROM iot_alarms a%s", w.data);
	if ((rc = store_query_int(st, q.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&q);
	/* IOT-007: what still needs someone first. */
	buf_printf(&q, "SELECT " IOT_AL_COLS IOT_AL_FROM "%s ORDER BY CASE WHEN "
	    "a.state IN ('open', 'escalated') THEN 0 ELSE 1 END, "
	    "a.raised_at DESC, a.id DESC LIMIT ? OFFSET ?", w.data);
	args[n] = SV_I(limit);
	args[n + 1] = SV_I(offset);
	if ((rc = store_query(st, q.data, args, n + 2, &r, e)) < 0)
		goto out;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, iot_alarm_view(r, now));
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
iot_alarm_board(struct store *st, struct actor *who, int64_t cursor,
    json_t **out, struct err *e)
{
	struct store_val	 args[8];
	struct reg_scope	 sc;
	struct store_rows	*r = NULL;
	struct buf		 w, q;
	json_t			*a = NULL;
	int64_t			 now = clock_now(), next, floor, open = 0;
	int64_t			 max = cursor;
	int			 n = 0, rc, got = 0;

	if ((rc = reg_need(who, "iot:read", e)) < 0)
		return rc;
	buf_init(&w);
	buf_init(&q);
	iot_scope_where(who, "a", &sc, &w, args, &n);
	buf_printf(&q, "SELECT COUNT(*) FROM iot_alarms a WHERE a.state IN "
	    "('open', 'escalated')%s", w.data);
	if ((rc = store_query_int(st, q.data, args, n, &open, e)) < 0)
		goto out;
	/* Changes are stamped with time-ordered ids; one that a slower
	 * transaction took earlier may commit after a later one was read,
	 * so the cursor handed back trails by IOT_BOARD_LAG_MS and a change
	 * may come twice (the board keeps the latest per id). */
	floor = id_next() - ((int64_t)IOT_BOARD_LAG_MS << 22);
	buf_reset(&q);
	if (cursor == 0)
		buf_printf(&q, "SELECT " IOT_AL_COLS IOT_AL_FROM " WHERE "
		    "a.state IN ('open', 'escalated')%s ORDER BY a.rev DESC "
		    "LIMIT %d", w.data, IOT_BOARD_MAX);
	else {
		buf_printf(&q, "SELECT " IOT_AL_COLS IOT_AL_FROM " WHERE "
		    "a.rev > ?%s ORDER BY a.rev LIMIT %d", w.data,
		    IOT_BOARD_MAX);
		memmove(args + 1, args, (size_t)n * sizeof(args[0]));
		args[0] = SV_I(cursor);
		n++;
	}
	if ((rc = store_query(st, q.data, args, n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1) {
		json_array_append_new(a, iot_alarm_view(r, now));
		if (store_int(r, 26) > max)
			max = store_int(r, 26);
		got++;
	}
	if (rc < 0)
		goto out;
	if (cursor == 0)
		next = floor;
	else if (got == IOT_BOARD_MAX)
		next = max;	/* a full page: go on from it */
	else
		next = max < floor ? max : floor;
	if (next < cursor)
		next = cursor;
	*out = json_pack("{s:o, s:o, s:I}", "alarms", a, "cursor",
	    jx_id(next), "unconfirmed", (json_int_t)open);
	a = NULL;
	rc = 0;
out:
	json_decref(a);
	store_rows_free(r);
	buf_free(&w);
	buf_free(&q);
	return rc;
}

/* IOT-015: one window of a unit's statistics. */
static int
iot_stats_window(struct store *st, int64_t unit, int days, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 since = clock_now() - (int64_t)days * 86400;
	int64_t			 all = 0, real = 0, fls = 0, open = 0, esc = 0;
	int64_t			 faults = 0, hazards = 0;
	int			 rc;

	if ((rc = store_query(st, "SELECT COUNT(*), "
	    "SUM(CASE WHEN state = 'confirmed_real' THEN 1 ELSE 0 END), "
	    "SUM(CASE WHEN state = 'confirmed_false' THEN 1 ELSE 0 END), "
	    "SUM(CASE WHEN state IN ('open', 'escalated') THEN 1 ELSE 0 END), "
	    "SUM(CASE WHEN escalated_at IS NOT NULL THEN 1 ELSE 0 END) "
	    "FROM iot_alarms WHERE unit_id = ? AND raised_at >= ?", STORE_ARGS(
	    SV_I(unit), SV_I(since)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		all = store_int(r, 0);
		real = store_int(r, 1);
		fls = store_int(r, 2);
		open = store_int(r, 3);
		esc = store_int(r, 4);
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		return rc;
	if ((rc = store_query(st, "SELECT "
	    "SUM(CASE WHEN kind IN ('fault', 'power') THEN 1 ELSE 0 END), "
	    "SUM(CASE WHEN hazard_id IS NOT NULL THEN 1 ELSE 0 END) "
	    "FROM iot_conditions WHERE unit_id = ? AND since_at >= ?",
	    STORE_ARGS(SV_I(unit), SV_I(since)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		faults = store_int(r, 0);
		hazards = store_int(r, 1);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:I}",
	    "days", days, "alarms", (json_int_t)all,
	    "confirmed_real", (json_int_t)real,
	    "confirmed_false", (json_int_t)fls,
	    "unconfirmed", (json_int_t)open,
	    "escalated", (json_int_t)esc,
	    /* false / confirmed, null while none is confirmed */
	    "false_alarm_rate", real + fls > 0 ?
	    json_real((double)fls / (double)(real + fls)) : json_null(),
	    "faults", (json_int_t)faults,
	    "hazards", (json_int_t)hazards);
	return 0;
}

int
iot_unit_stats(struct store *st, struct actor *who, int64_t unit_id,
    json_t **out, struct err *e)
{
	struct reg_unit_loc	 loc;
	struct store_rows	*r = NULL;
	json_t			*w30 = NULL, *w90 = NULL;
	int64_t			 devices = 0, online = 0;
	int			 rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0 ||
	    (rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT COUNT(*), SUM(online) FROM "
	    "iot_devices WHERE unit_id = ? AND status = 'active'", STORE_ARGS(
	    SV_I(unit_id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		devices = store_int(r, 0);
		online = store_int(r, 1);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if ((rc = iot_stats_window(st, unit_id, 30, &w30, e)) < 0 ||
	    (rc = iot_stats_window(st, unit_id, 90, &w90, e)) < 0) {
		json_decref(w30);
		return rc;
	}
	*out = json_pack("{s:o, s:I, s:I, s:o, s:o}", "unit_id",
	    jx_id(unit_id), "devices", (json_int_t)devices, "online",
	    (json_int_t)online, "days30", w30, "days90", w90);
	return 0;
}

int
iot_job_escalate(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 ids[IOT_JOB_BATCH], now = clock_now(), total = 0;
	int			 n, i, rc;

	/* IOT-006: an alarm nobody confirmed by its deadline goes up. */
	do {
		n = 0;
		if ((rc = store_query(st, "SELECT id FROM iot_alarms WHERE "
		    "state = 'open' AND deadline_at < ? ORDER BY deadline_at "
		    "LIMIT ?", STORE_ARGS(SV_I(now), SV_I(IOT_JOB_BATCH)), &r,
		    e)) < 0)
			return rc;
		while ((rc = store_next(r, e)) == 1)
			ids[n++] = store_int(r, 0);
		store_rows_free(r);
		r = NULL;
		if (rc < 0)
			return rc;
		if (n == 0)
			break;
		if ((rc = store_begin(st, e)) < 0)
			return rc;
		for (i = 0; rc == 0 && i < n; i++)
			if ((rc = store_exec(st, "UPDATE iot_alarms SET state = "
			    "'escalated', escalated_at = ?, rev = ?, version = "
			    "version + 1, updated_at = ? WHERE id = ? AND state = "
			    "'open'", STORE_ARGS(SV_I(now), SV_I(id_next()),
			    SV_I(now), SV_I(ids[i])), NULL, e)) == 0)
				rc = iot_alarm_audit(st, who, "iot_alarm.escalate",
				    ids[i], e);
		if (rc < 0) {
			store_rollback(st);
			return rc;
		}
		if ((rc = store_commit(st, e)) < 0)
			return rc;
		total += n;
	} while (n == IOT_JOB_BATCH);
	buf_printf(detail, "escalated %lld alarm(s)", (long long)total);
	return 0;
}
