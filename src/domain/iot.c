/*
 * The device registry of the iot module (IOT-001..003): devices bound to
 * a unit and optionally one of its buildings, found by protocol and
 * source address, in the jurisdiction of their unit; the systems and
 * components they reported, their events, the addresses heard but not
 * registered.  Also what the module's files share: event kind names, the
 * de-duplication key, the scope of lists, the device loader and the risk
 * events of IoT records.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "iot_int.h"
#include "risk.h"

static const char *const iot_kind_names[IOT_EV__N] = {
	"heartbeat", "alarm", "fault", "restore", "state", "pressure",
	"leakage_current", "temperature", "analog", "operation", "config",
	"info", "raw",
};

const char *
iot_kind_name(int kind)
{
	return kind >= 0 && kind < IOT_EV__N ? iot_kind_names[kind] : "raw";
}

int
iot_kind_of(const char *name)
{
	int	i;

	for (i = 0; name != NULL && i < IOT_EV__N; i++)
		if (strcmp(iot_kind_names[i], name) == 0)
			return i;
	return -1;
}

const char *
iot_protocol_name(int protocol)
{
	return protocol == IOT_MQTT ? "mqtt" : "gb26875";
}

int64_t
iot_dedup_key(const void *p, size_t n, unsigned index)
{
	unsigned char	h[CRYPTO_SM3_LEN];
	uint64_t	v = 0;
	int		i;

	crypto_sm3(p, n, h);
	for (i = 0; i < 8; i++)
		v = v << 8 | h[i];
	/* The object's index in the low byte: a frame of 255 objects keeps
	 * 55 bits of its digest. */
	v = (v & ~(uint64_t)0xFF) | (index & 0xFF);
	return (int64_t)(v & INT64_MAX);
}

/* Scope. */

int
iot_sees(const struct actor *who, const char *town, int64_t grid,
    int64_t unit)
{
	struct reg_scope	s;

	reg_scope_of(who, &s);
	return reg_scope_sees(&s, town, grid, unit);
}

void
iot_scope_where(const struct actor *who, const char *t,
    struct reg_scope *s, struct buf *b, struct store_val *args, int *n)
{
	reg_scope_of(who, s);
	switch (s->kind) {
	case RS_ALL:
		break;
	case RS_TOWN:
		buf_printf(b, " AND %s.town = ?", t);
		args[(*n)++] = SV_S(s->town);
		break;
	case RS_GRID:
		buf_printf(b, " AND %s.grid_id = ?", t);
		args[(*n)++] = SV_I(s->id);
		break;
	case RS_UNIT:
		buf_printf(b, " AND %s.unit_id = ?", t);
		args[(*n)++] = SV_I(s->id);
		break;
	default:
		buf_adds(b, " AND 1 = 0");
	}
}

/* Devices as the ingest and the rules see them. */

#define IOT_DEV_COLS "id, unit_id, grid_id, building_id, protocol, online, " \
    "last_seen_at, created_at, town, kind, name, source, thresholds, status "

static int
iot_dev_row(struct store_rows *r, struct iot_dev *d, struct err *e)
{
	memset(d, 0, sizeof(*d));
	d->id = store_int(r, 0);
	d->unit_id = store_int(r, 1);
	d->grid_id = store_isnull(r, 2) ? 0 : store_int(r, 2);
	d->building_id = store_isnull(r, 3) ? 0 : store_int(r, 3);
	d->protocol = strcmp(store_text(r, 4), "mqtt") == 0 ? IOT_MQTT :
	    IOT_GB26875;
	d->online = (int)store_int(r, 5);
	d->last_seen = store_isnull(r, 6) ? 0 : store_int(r, 6);
	d->created_at = store_int(r, 7);
	snprintf(d->town, sizeof(d->town), "%s", store_text(r, 8));
	snprintf(d->kind, sizeof(d->kind), "%s", store_text(r, 9));
	snprintf(d->name, sizeof(d->name), "%s", store_text(r, 10));
	snprintf(d->source, sizeof(d->source), "%s", store_text(r, 11));
	return iot_thresholds_of(d->kind, store_text(r, 12), &d->th, e);
}

int
iot_dev_by_source(struct store *st, int protocol, const char *source,
    struct iot_dev *out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT " IOT_DEV_COLS "FROM iot_devices "
	    "WHERE protocol = ? AND source = ? AND status = 'active'",
	    STORE_ARGS(SV_S(iot_protocol_name(protocol)), SV_S(source)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1 && iot_dev_row(r, out, e) < 0)
		rc = e->code;
	store_rows_free(r);
	return rc;
}

int
iot_dev_by_id(struct store *st, int64_t id, struct iot_dev *out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT " IOT_DEV_COLS "FROM iot_devices "
	    "WHERE id = ?", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1 && iot_dev_row(r, out, e) < 0)
		rc = e->code;
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such device");
	return rc < 0 ? rc : 0;
}

int
iot_risk(struct store *st, struct actor *who, int64_t unit_id,
    const char *kind, const char *ref_type, const char *ref, int once,
    int64_t at, struct err *e)
{
	struct reg_unit_loc	 loc;
	struct actor		 sys;
	int64_t			 now = clock_now();
	int			 rc;

	/* RISK-008: recorded by the platform whoever acted; an archived
	 * unit keeps its history as it was (REG-013). */
	actor_system(&sys, who->request_id);
	if ((rc = reg_unit_loc(st, &sys, unit_id, &loc, e)) < 0)
		return rc;
	if (strcmp(loc.status, "archived") == 0)
		return 0;
	if (once && (rc = risk_event_has(st, unit_id, kind, ref_type, ref,
	    e)) != 0)
		return rc < 0 ? rc : 0;
	rc = risk_event_add(st, &sys, unit_id, kind, ref_type, ref,
	    at > now ? now : at, NULL, e);
	who->audit_count += sys.audit_count;
	return rc;
}

/* The registry. */

static const char *const iot_protocols[] = { "gb26875", "mqtt", NULL };
static const char *const iot_statuses[] = { "active", "retired", NULL };

#define IOT_REC_COLS "d.id, d.protocol, d.source, d.unit_id, d.building_id, " \
    "d.town, d.grid_id, d.name, d.kind, d.thresholds, d.status, " \
    "d.retired_at, d.version, d.created_at, d.updated_at, d.created_by, " \
    "d.online, d.last_seen_at, u.name, b.name "

/* The record (audited): everything but the telemetry (online, last seen). */
static json_t *
iot_dev_rec(struct store_rows *r)
{
	json_t	*th = json_loads(store_text(r, 9), 0, NULL);

	return json_pack("{s:o, s:s, s:s, s:o, s:o, s:s, s:o, s:s, s:s, s:o, "
	    "s:s, s:o, s:I, s:I, s:I, s:s}",
	    "id", jx_id(store_int(r, 0)),
	    "protocol", store_text(r, 1),
	    "source", store_text(r, 2),
	    "unit_id", jx_id(store_int(r, 3)),
	    "building_id", store_isnull(r, 4) ? json_null() :
	    jx_id(store_int(r, 4)),
	    "town", store_text(r, 5),
	    "grid_id", store_isnull(r, 6) ? json_null() :
	    jx_id(store_int(r, 6)),
	    "name", store_text(r, 7),
	    "kind", store_text(r, 8),
	    "thresholds", th ? th : json_object(),
	    "status", store_text(r, 10),
	    "retired_at", store_isnull(r, 11) ? json_null() :
	    json_integer(store_int(r, 11)),
	    "version", (json_int_t)store_int(r, 12),
	    "created_at", (json_int_t)store_int(r, 13),
	    "updated_at", (json_int_t)store_int(r, 14),
	    "created_by", store_text(r, 15));
}

/* The view: the record, its live state and names. */
static json_t *
iot_dev_view(struct store_rows *r)
{
	json_t	*o = iot_dev_rec(r);

	json_object_set_new(o, "online", json_boolean(store_int(r, 16)));
	json_object_set_new(o, "last_seen_at", store_isnull(r, 17) ?
	    json_null() : json_integer(store_int(r, 17)));
	json_object_set_new(o, "unit_name", json_string(store_text(r, 18)));
	json_object_set_new(o, "building_name", store_isnull(r, 19) ?
	    json_null() : json_string(store_text(r, 19)));
	json_object_set_new(o, "kind_name", json_string(iot_kind_zh(
	    store_text(r, 8))));
	return o;
}

static int
iot_dev_fetch(struct store *st, int64_t id, int view, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT " IOT_REC_COLS "FROM iot_devices d "
	    "JOIN units u ON u.id = d.unit_id LEFT JOIN buildings b ON "
	    "b.id = d.building_id WHERE d.id = ?", STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = view ? iot_dev_view(r) : iot_dev_rec(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such device");
	return rc < 0 ? rc : 0;
}

int
iot_device_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	int64_t	did;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &did) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such device");
	return iot_dev_fetch(st, did, 0, out, e);
}

static int
iot_dev_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = iot_dev_fetch(st, id, 0, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, "iot_device", id, rec, e);
	json_decref(rec);
	if (rc < 0 || out == NULL)
		return rc;
	return iot_dev_fetch(st, id, 1, out, e);
}

/* A device who may see (ERR_NOT_FOUND otherwise), as the rules see it,
 * with its status and version. */
static int
iot_dev_load(struct store *st, const struct actor *who, int64_t id,
    struct iot_dev *d, char status[12], int64_t *version, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT " IOT_DEV_COLS ", version FROM "
	    "iot_devices WHERE id = ?", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		memset(d, 0, sizeof(*d));
		d->id = store_int(r, 0);
		d->unit_id = store_int(r, 1);
		d->grid_id = store_isnull(r, 2) ? 0 : store_int(r, 2);
		d->building_id = store_isnull(r, 3) ? 0 : store_int(r, 3);
		snprintf(d->town, sizeof(d->town), "%s", store_text(r, 8));
		snprintf(d->kind, sizeof(d->kind), "%s", store_text(r, 9));
		snprintf(status, 12, "%s", store_text(r, 13));
		*version = store_int(r, 14);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0 || !iot_sees(who, d->town, d->grid_id, d->unit_id))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such device");
	return 0;
}

/* IOT-002: a GB/T 26875.3 address is 12 hex digits (stored upper-case);
 * an MQTT device id is one topic level of [A-Za-z0-9_.-]. */
static int
iot_source_check(const char *protocol, const char *in, char *out,
    struct err *e)
{
	size_t	n = strlen(in), i;

	if (strcmp(protocol, "gb26875") == 0) {
		if (n != IOT_GB_SOURCE_LEN)
			return err_set(e, ERR_INVALID, "source", "a GB/T 26875.3 "
			    "source address is 12 hex digits (IOT-002)");
		for (i = 0; i < n; i++) {
			if (!isxdigit((unsigned char)in[i]))
				return err_set(e, ERR_INVALID, "source", "a GB/T "
				    "26875.3 source address is 12 hex digits "
				    "(IOT-002)");
			out[i] = (char)toupper((unsigned char)in[i]);
		}
		out[n] = '\0';
		return 0;
	}
	if (n == 0 || n > IOT_SOURCE_MAX)
		return err_set(e, ERR_INVALID, "source", "an MQTT device id is 1 "
		    "to %d characters (IOT-002)", IOT_SOURCE_MAX);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)in[i]) && strchr("_.-", in[i]) ==
		    NULL)
			return err_set(e, ERR_INVALID, "source", "an MQTT device "
			    "id is letters, digits, _ . and - (IOT-002)");
	memcpy(out, in, n + 1);
	return 0;
}

/* The building, if any, is an active building of the unit (IOT-003). */
static int
iot_building_check(struct store *st, const json_t *v, int64_t unit_id,
    int64_t *out, struct err *e)
{
	int64_t	n = 0;
	int	rc;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if ((rc = reg_json_id(v, "building_id", out, e)) < 0)
		return rc;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM buildings WHERE "
	    "id = ? AND unit_id = ? AND status = 'active'", STORE_ARGS(
	    SV_I(*out), SV_I(unit_id)), &n, e)) < 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_INVALID, "building_id", "building_id must "
		    "be an active building of the unit (IOT-003)");
	return 0;
}

static int
iot_text(const json_t *in, const char *key, size_t min, size_t max,
    char **out, struct err *e)
{
	json_t	*v = json_object_get(in, key);

	if (v == NULL)
		return err_set(e, ERR_MISSING, key, "%s is required", key);
	return reg_text(v, key, min, max, out, e);
}

static int
iot_kind_check(const json_t *in, char **out, struct err *e)
{
	int	rc;

	if ((rc = iot_text(in, "kind", 1, 23, out, e)) < 0)
		return rc;
	if (!iot_rules_kind_known(*out))
		return err_set(e, ERR_INVALID, "kind", "no device kind %s in the "
		    "rules (IOT-014)", *out);
	return 0;
}

/* thresholds as stored: the object's canonical text ("{}" for none). */
static int
iot_th_text(const json_t *in, char **out, struct err *e)
{
	json_t	*v = json_object_get(in, "thresholds");
	int	 rc;

	if ((rc = iot_thresholds_check(v, e)) < 0)
		return rc;
	*out = v && !json_is_null(v) ? jx_canonical(v) : xstrdup("{}");
	return 0;
}

int
iot_device_create(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "protocol", "source", "unit_id",
	    "building_id", "name", "kind", "thresholds", NULL };
	struct reg_unit_loc	 loc;
	struct iot_thresholds	 th;
	json_t			*v;
	char			*name = NULL, *kind = NULL, *ths = NULL;
	char			*proto = NULL, *src = NULL, by[24];
	char			 source[IOT_SOURCE_MAX + 1];
	int64_t			 unit_id, building = 0, id, n = 0;
	int64_t			 now = clock_now();
	int			 rc;

	if ((rc = reg_need(who, "iot:write", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = iot_rules_ready(e)) < 0)
		return rc;
	if ((rc = iot_text(in, "protocol", 1, 16, &proto, e)) < 0)
		goto out;
	if (!reg_choice(iot_protocols, proto)) {
		rc = err_set(e, ERR_INVALID, "protocol", "protocol must be "
		    "gb26875 or mqtt");
		goto out;
	}
	if ((rc = iot_text(in, "source", 1, IOT_SOURCE_MAX, &src, e)) < 0 ||
	    (rc = iot_source_check(proto, src, source, e)) < 0)
		goto out;
	if ((v = json_object_get(in, "unit_id")) == NULL) {
		rc = err_set(e, ERR_MISSING, "unit_id", "unit_id is required");
		goto out;
	}
	if ((rc = reg_json_id(v, "unit_id", &unit_id, e)) < 0 ||
	    (rc = iot_text(in, "name", 1, 100, &name, e)) < 0 ||
	    (rc = iot_kind_check(in, &kind, e)) < 0 ||
	    (rc = iot_th_text(in, &ths, e)) < 0 ||
	    (rc = iot_thresholds_of(kind, ths, &th, e)) < 0)
		goto out;
	/* IOT-003: a unit who may see, not archived. */
	if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0) {
		if (rc == ERR_NOT_FOUND)
			snprintf(e->field, sizeof(e->field), "unit_id");
		goto out;
	}
	if (strcmp(loc.status, "archived") == 0) {
		rc = err_set(e, ERR_POLICY, "unit_id", "the unit is archived "
		    "(REG-013)");
		goto out;
	}
	if ((rc = iot_building_check(st, json_object_get(in, "building_id"),
	    unit_id, &building, e)) < 0)
		goto out;
	/* IOT-001: one active device per address. */
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM iot_devices WHERE "
	    "protocol = ? AND source = ? AND status = 'active'", STORE_ARGS(
	    SV_S(proto), SV_S(source)), &n, e)) < 0)
		goto out;
	if (n > 0) {
		rc = err_set(e, ERR_CONFLICT, "source", "an active device already "
		    "has %s address %s (IOT-001)", proto, source);
		goto out;
	}
	id = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO iot_devices (id, protocol, "
	    "source, unit_id, building_id, town, grid_id, name, kind, "
	    "thresholds, status, online, version, created_at, updated_at, "
	    "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 0, 1, "
	    "?, ?, ?)", STORE_ARGS(SV_I(id), SV_S(proto), SV_S(source),
	    SV_I(unit_id), building ? SV_I(building) : SV_N, SV_S(loc.town),
	    loc.grid ? SV_I(loc.grid) : SV_N, SV_S(name), SV_S(kind),
	    SV_S(ths), SV_I(now), SV_I(now), SV_S(by)), NULL, e)) < 0)
		goto out;
	rc = iot_dev_audit(st, who, "iot_device.create", id, out, e);
out:
	free(proto);
	free(src);
	free(name);
	free(kind);
	free(ths);
	return rc;
}

int
iot_device_get(struct store *st, struct actor *who, int64_t id, json_t **out,
    struct err *e)
{
	struct iot_dev	d;
	char		status[12];
	int64_t		version;
	int		rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0 ||
	    (rc = iot_dev_load(st, who, id, &d, status, &version, e)) < 0)
		return rc;
	return iot_dev_fetch(st, id, 1, out, e);
}

int
iot_device_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "name", "kind", "building_id",
	    "thresholds", NULL };
	struct iot_thresholds	 th;
	struct iot_dev		 d;
	struct store_rows	*r = NULL;
	char			 status[12];
	char			*name = NULL, *kind = NULL, *ths = NULL;
	int64_t			 version, building, ch = 0;
	int			 rc;

	if ((rc = reg_need(who, "iot:write", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = iot_rules_ready(e)) < 0 ||
	    (rc = iot_dev_load(st, who, id, &d, status, &version, e)) < 0)
		return rc;
	if (expected != version)
		return err_set(e, ERR_STALE, "version", "the device was changed "
		    "by someone else (now version %lld)", (long long)version);
	if (strcmp(status, "active") != 0)
		return err_set(e, ERR_POLICY, "status", "a retired device is "
		    "kept as it was");
	/* What the body leaves out stays as it is. */
	if ((rc = store_query(st, "SELECT name, kind, thresholds, building_id "
	    "FROM iot_devices WHERE id = ?", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		name = xstrdup(store_text(r, 0));
		kind = xstrdup(store_text(r, 1));
		ths = xstrdup(store_text(r, 2));
		building = store_isnull(r, 3) ? 0 : store_int(r, 3);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such device");
	store_rows_free(r);
	if (rc < 0)
		goto out;
	if (json_object_get(in, "name") != NULL) {
		free(name);
		name = NULL;
		if ((rc = iot_text(in, "name", 1, 100, &name, e)) < 0)
			goto out;
	}
	if (json_object_get(in, "kind") != NULL) {
		free(kind);
		kind = NULL;
		if ((rc = iot_kind_check(in, &kind, e)) < 0)
			goto out;
	}
	if (json_object_get(in, "thresholds") != NULL) {
		free(ths);
		ths = NULL;
		if ((rc = iot_th_text(in, &ths, e)) < 0)
			goto out;
	}
	if (json_object_get(in, "building_id") != NULL &&
	    (rc = iot_building_check(st, json_object_get(in, "building_id"),
	    d.unit_id, &building, e)) < 0)
		goto out;
	if ((rc = iot_thresholds_of(kind, ths, &th, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE iot_devices SET name = ?, kind = ?, "
	    "thresholds = ?, building_id = ?, version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?", STORE_ARGS(
	    SV_S(name), SV_S(kind), SV_S(ths), building ? SV_I(building) :
	    SV_N, SV_I(clock_now()), SV_I(id), SV_I(expected)), &ch, e)) < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_STALE, "version", "the device was changed by "
		    "someone else");
		goto out;
	}
	rc = iot_dev_audit(st, who, "iot_device.update", id, out, e);
out:
	free(name);
	free(kind);
	free(ths);
	return rc;
}

int
iot_device_retire(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	struct iot_dev	d;
	char		status[12];
	int64_t		version, ch = 0, now = clock_now();
	int		rc;

	if ((rc = reg_need(who, "iot:write", e)) < 0 ||
	    (rc = iot_dev_load(st, who, id, &d, status, &version, e)) < 0)
		return rc;
	if (expected > 0 && expected != version)
		return err_set(e, ERR_STALE, "version", "the device was changed "
		    "by someone else (now version %lld)", (long long)version);
	if (strcmp(status, "active") != 0)
		return err_set(e, ERR_POLICY, "status", "the device is already "
		    "retired");
	if ((rc = store_exec(st, "UPDATE iot_devices SET status = 'retired', "
	    "online = 0, retired_at = ?, version = version + 1, updated_at = ? "
	    "WHERE id = ? AND version = ?", STORE_ARGS(SV_I(now), SV_I(now),
	    SV_I(id), SV_I(version)), &ch, e)) < 0)
		return rc;
	if (ch != 1)
		return err_set(e, ERR_STALE, "version", "the device was changed "
		    "by someone else");
	/* Conditions that never became a hazard end with the device; a
	 * hazard already opened stays for people to handle. */
	if ((rc = store_exec(st, "UPDATE iot_conditions SET state = 'cleared', "
	    "updated_at = ? WHERE device_id = ? AND state = 'pending'",
	    STORE_ARGS(SV_I(now), SV_I(id)), NULL, e)) < 0)
		return rc;
	return iot_dev_audit(st, who, "iot_device.retire", id, out, e);
}

static const char *
iot_dev_order(const char *sort, struct err *e)
{
	static const struct { const char *key, *sql; } sorts[] = {
		{ "-created_at", " ORDER BY d.created_at DESC, d.id DESC" },
		{ "created_at", " ORDER BY d.created_at, d.id" },
		{ "name", " ORDER BY d.name, d.id" },
		{ "-name", " ORDER BY d.name DESC, d.id DESC" },
		{ "last_seen_at", " ORDER BY d.last_seen_at, d.id" },
		{ "-last_seen_at", " ORDER BY d.last_seen_at DESC, d.id DESC" },
	};
	size_t	i;

	if (sort == NULL)
		return sorts[0].sql;
	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
		if (strcmp(sorts[i].key, sort) == 0)
			return sorts[i].sql;
	err_set(e, ERR_INVALID, "sort", "sort must be created_at, name or "
	    "last_seen_at, with - for descending");
	return NULL;
}

int
iot_device_list(struct store *st, struct actor *who,
    const struct iot_device_filter *f, int64_t offset, int64_t limit,
    json_t **items, int64_t *total, struct err *e)
{
	struct store_val	 args[20];
	struct reg_scope	 sc;
	struct store_rows	*r = NULL;
	struct buf		 w, q;
	char			*like = NULL;
	const char		*order = NULL;
	int			 n = 0, rc;

	buf_init(&w);
	buf_init(&q);
	if ((rc = reg_need(who, "iot:read", e)) < 0)
		return rc;
	buf_adds(&w, " WHERE 1 = 1");
	iot_scope_where(who, "d", &sc, &w, args, &n);
	if (f->unit_id > 0) {
		buf_adds(&w, " AND d.unit_id = ?");
		args[n++] = SV_I(f->unit_id);
	}
	if (f->town != NULL) {
		if (!reg_town_syntax(f->town)) {
			rc = err_set(e, ERR_INVALID, "town", "town must be a "
			    "9-digit code");
			goto out;
		}
		buf_adds(&w, " AND d.town = ?");
		args[n++] = SV_S(f->town);
	}
	if (f->kind != NULL) {
		buf_adds(&w, " AND d.kind = ?");
		args[n++] = SV_S(f->kind);
	}
	if (f->protocol != NULL) {
		if (!reg_choice(iot_protocols, f->protocol)) {
			rc = err_set(e, ERR_INVALID, "protocol", "protocol must "
			    "be gb26875 or mqtt");
			goto out;
		}
		buf_adds(&w, " AND d.protocol = ?");
		args[n++] = SV_S(f->protocol);
	}
	if (f->status != NULL) {
		if (!reg_choice(iot_statuses, f->status)) {
			rc = err_set(e, ERR_INVALID, "status", "status must be "
			    "active or retired");
			goto out;
		}
		buf_adds(&w, " AND d.status = ?");
		args[n++] = SV_S(f->status);
	}
	if (f->online >= 0) {
		buf_adds(&w, " AND d.online = ?");
		args[n++] = SV_I(f->online);
	}
	if (f->q != NULL && *f->q != '\0') {
		if (strlen(f->q) > 100) {
			rc = err_set(e, ERR_RANGE, "q", "q is at most 100 "
			    "characters");
			goto out;
		}
		like = reg_like(f->q, 0);
		buf_adds(&w, " AND (d.source = ? OR d.name LIKE ? ESCAPE '\\')");
		args[n++] = SV_S(f->q);
		args[n++] = SV_S(like);
	}
	if ((order = iot_dev_order(f->sort, e)) == NULL) {
		rc = e->code;
		goto out;
	}
	buf_printf(&q, "SELECT COUNT(*) FROM iot_devices d%s", w.data);
	if ((rc = store_query_int(st, q.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&q);
	buf_printf(&q, "SELECT " IOT_REC_COLS "FROM iot_devices d JOIN units u "
	    "ON u.id = d.unit_id LEFT JOIN buildings b ON b.id = d.building_id"
	    "%s%s LIMIT ? OFFSET ?", w.data, order);
	args[n] = SV_I(limit);
	args[n + 1] = SV_I(offset);
	if ((rc = store_query(st, q.data, args, n + 2, &r, e)) < 0)
		goto out;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, iot_dev_view(r));
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	} else
		rc = 0;
out:
	store_rows_free(r);
	free(like);
	buf_free(&w);
	buf_free(&q);
	return rc;
}

int
iot_device_components(struct store *st, struct actor *who, int64_t id,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	static const char *const names[] = { "id", "sys_type", "sys_addr",
	    "comp_type", "comp_addr", "description", "last_kind",
	    "last_state", "first_seen_at", "last_seen_at", NULL };
	struct store_rows	*r = NULL;
	struct iot_dev		 d;
	char			 status[12];
	int64_t			 version;
	int			 rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0 ||
	    (rc = iot_dev_load(st, who, id, &d, status, &version, e)) < 0)
		return rc;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM iot_components "
	    "WHERE device_id = ?", STORE_ARGS(SV_I(id)), total, e)) < 0 ||
	    (rc = store_query(st, "SELECT id, sys_type, sys_addr, comp_type, "
	    "comp_addr, description, last_kind, last_state, first_seen_at, "
	    "last_seen_at FROM iot_components WHERE device_id = ? ORDER BY "
	    "sys_type, sys_addr, comp_addr LIMIT ? OFFSET ?", STORE_ARGS(
	    SV_I(id), SV_I(limit), SV_I(offset)), &r, e)) < 0)
		return rc;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, rec_row_obj(r, names,
		    "innnnssnnn"));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

/* An event row as JSON: value in its unit (thousandths stored). */
static json_t *
iot_event_json(struct store_rows *r)
{
	static const char *const names[] = { "id", "at", "device_at", "kind",
	    "sys_type", "sys_addr", "comp_type", "comp_addr", "state", NULL };
	json_t	*o = rec_row_obj(r, names, "innsnnnnn");

	json_object_set_new(o, "value", store_isnull(r, 9) ? json_null() :
	    json_real((double)store_int(r, 9) / 1000.0));
	json_object_set_new(o, "detail", store_isnull(r, 10) ? json_null() :
	    json_string(store_text(r, 10)));
	return o;
}

int
iot_device_events(struct store *st, struct actor *who, int64_t id,
    int64_t from, int64_t to, const char *kind, int64_t offset,
    int64_t limit, json_t **items, int64_t *total, struct err *e)
{
	struct store_rows	*r = NULL;
	struct iot_dev		 d;
	struct buf		 q;
	char			 status[12];
	int64_t			 version;
	int			 rc;

	if ((rc = reg_need(who, "iot:read", e)) < 0 ||
	    (rc = iot_dev_load(st, who, id, &d, status, &version, e)) < 0)
		return rc;
	if (kind != NULL && (iot_kind_of(kind) <= IOT_EV_HEARTBEAT))
		return err_set(e, ERR_INVALID, "kind", "unknown event kind");
	if (from > 0 && to > 0 && from > to)
		return err_set(e, ERR_RANGE, "from", "from must not be after to");
	buf_init(&q);
	/* The total stops counting at IOT_COUNT_CAP + 1: a device may have
	 * millions of events in the retention period. */
	buf_printf(&q, "SELECT COUNT(*) FROM (SELECT 1 FROM iot_events WHERE "
	    "device_id = ? AND at >= ? AND at <= ?%s LIMIT %d) x",
	    kind ? " AND kind = ?" : "", IOT_COUNT_CAP + 1);
	{
		struct store_val	a[4] = { SV_I(id), SV_I(from),
		    SV_I(to > 0 ? to : INT64_MAX), SV_S(kind) };

		rc = store_query_int(st, q.data, a, kind ? 4 : 3, total, e);
	}
	if (rc < 0)
		goto out;
	buf_reset(&q);
	buf_printf(&q, "SELECT id, at, device_at, kind, sys_type, sys_addr, "
	    "comp_type, comp_addr, state, value, detail FROM iot_events WHERE "
	    "device_id = ? AND at >= ? AND at <= ?%s ORDER BY at DESC, id DESC "
	    "LIMIT ? OFFSET ?", kind ? " AND kind = ?" : "");
	if (kind)
		rc = store_query(st, q.data, STORE_ARGS(SV_I(id), SV_I(from),
		    SV_I(to > 0 ? to : INT64_MAX), SV_S(kind), SV_I(limit),
		    SV_I(offset)), &r, e);
	else
		rc = store_query(st, q.data, STORE_ARGS(SV_I(id), SV_I(from),
		    SV_I(to > 0 ? to : INT64_MAX), SV_I(limit), SV_I(offset)),
		    &r, e);
	if (rc < 0)
		goto out;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, iot_event_json(r));
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	} else
		rc = 0;
out:
	store_rows_free(r);
	buf_free(&q);
	return rc;
}

int
iot_unknown_list(struct store *st, struct actor *who, int64_t offset,
    int64_t limit, json_t **items, int64_t *total, struct err *e)
{
	static const char *const fn[] = { "at", "kind", "detail", NULL };
	static const char unregistered[] = " WHERE NOT EXISTS (SELECT 1 FROM "
	    "iot_devices d WHERE d.protocol = k.protocol AND d.source = "
	    "k.source AND d.status = 'active')";
	struct store_rows	*r = NULL, *fr = NULL;
	json_t			*o, *frames;
	struct buf		 q;
	size_t			 i;
	int			 rc;

	if ((rc = reg_need(who, "iot:write", e)) < 0)
		return rc;
	buf_init(&q);
	buf_printf(&q, "SELECT COUNT(*) FROM iot_unknown k%s", unregistered);
	if ((rc = store_query_int(st, q.data, STORE_NOARGS, total, e)) < 0)
		goto out;
	buf_reset(&q);
	buf_printf(&q, "SELECT protocol, source, first_seen_at, last_seen_at, "
	    "frames FROM iot_unknown k%s ORDER BY last_seen_at DESC, source "
	    "LIMIT ? OFFSET ?", unregistered);
	if ((rc = store_query(st, q.data, STORE_ARGS(SV_I(limit),
	    SV_I(offset)), &r, e)) < 0)
		goto out;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, json_pack("{s:s, s:s, s:I, s:I, "
		    "s:I}", "protocol", store_text(r, 0), "source",
		    store_text(r, 1), "first_seen_at",
		    (json_int_t)store_int(r, 2), "last_seen_at",
		    (json_int_t)store_int(r, 3), "frames",
		    (json_int_t)store_int(r, 4)));
	store_rows_free(r);
	r = NULL;
	/* The latest frames of each, to tell what the device is. */
	json_array_foreach(*items, i, o) {
		if (rc < 0)
			break;
		if ((rc = store_query(st, "SELECT at, kind, detail FROM "
		    "iot_unknown_frames WHERE protocol = ? AND source = ? ORDER "
		    "BY at DESC, id DESC LIMIT 5", STORE_ARGS(SV_S(
		    json_string_value(json_object_get(o, "protocol"))), SV_S(
		    json_string_value(json_object_get(o, "source")))), &fr,
		    e)) < 0)
			break;
		frames = json_array();
		while ((rc = store_next(fr, e)) == 1)
			json_array_append_new(frames, rec_row_obj(fr, fn, "nss"));
		store_rows_free(fr);
		fr = NULL;
		json_object_set_new(o, "recent", frames);
	}
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	} else
		rc = 0;
out:
	store_rows_free(r);
	buf_free(&q);
	return rc;
}

int
iot_unit_moved(struct store *st, struct actor *who, int64_t unit_id,
    const char *town, int64_t grid_id, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			*ids = NULL, now = clock_now();
	size_t			 n = 0, cap = 0, i;
	int			 rc;

	/* The devices follow their unit to its new jurisdiction (and are
	 * audited: the town is in their record); open alarms and conditions
	 * follow too (town and grid are not in their records). */
	if ((rc = store_query(st, "SELECT id FROM iot_devices WHERE unit_id = ? "
	    "AND (town <> ? OR COALESCE(grid_id, 0) <> ?)", STORE_ARGS(
	    SV_I(unit_id), SV_S(town), SV_I(grid_id)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = store_int(r, 0);
	}
	store_rows_free(r);
	for (i = 0; rc == 0 && i < n; i++)
		if ((rc = store_exec(st, "UPDATE iot_devices SET town = ?, "
		    "grid_id = ?, version = version + 1, updated_at = ? WHERE "
		    "id = ?", STORE_ARGS(SV_S(town), grid_id ? SV_I(grid_id) :
		    SV_N, SV_I(now), SV_I(ids[i])), NULL, e)) == 0)
			rc = iot_dev_audit(st, who, "iot_device.relocate", ids[i],
			    NULL, e);
	free(ids);
	if (rc < 0)
		return rc;
	if ((rc = store_exec(st, "UPDATE iot_alarms SET town = ?, grid_id = ? "
	    "WHERE unit_id = ? AND state IN ('open', 'escalated')", STORE_ARGS(
	    SV_S(town), grid_id ? SV_I(grid_id) : SV_N, SV_I(unit_id)), NULL,
	    e)) < 0)
		return rc;
	return store_exec(st, "UPDATE iot_conditions SET town = ?, grid_id = ? "
	    "WHERE unit_id = ? AND state IN ('pending', 'hazard', 'restored')",
	    STORE_ARGS(SV_S(town), grid_id ? SV_I(grid_id) : SV_N,
	    SV_I(unit_id)), NULL, e);
}
