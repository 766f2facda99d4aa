/*
 * IoT monitoring: the device registry, a device's components and events,
 * the alarms with the live board (GET /iot/alarms?since=CURSOR, polled
 * every one or two seconds) and their confirmation, the device
 * conditions and the confirmation of a repair, per-unit statistics, the
 * addresses heard but not registered, the rules.  The rules (IOT-001..
 * 017) are domain/iot*.c's.
 */
#include <string.h>

#include "../domain/iot.h"
#include "api.h"
#include "api_shape.h"

static const char *const api_iot_protocols[] = { "gb26875", "mqtt", NULL };
static const char *const api_iot_results[] = { "real", "false", NULL };

static const struct field api_iot_f_new[] = {
	{ "protocol",		F_STRING,	1, 4, 7, api_iot_protocols },
	{ "source",		F_STRING,	1, 1, 64, NULL },
	{ "unit_id",		F_ID,		1, 0, 0, NULL },
	{ "building_id",	F_ID,		0, 0, 0, NULL },
	{ "name",		F_STRING,	1, 1, 100, NULL },
	{ "kind",		F_STRING,	1, 1, 23, NULL },
	{ "thresholds",		F_OBJECT,	0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_iot_f_upd[] = {
	{ "building_id",	F_ID,		0, 0, 0, NULL },
	{ "name",		F_STRING,	0, 1, 100, NULL },
	{ "kind",		F_STRING,	0, 1, 23, NULL },
	{ "thresholds",		F_OBJECT,	0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_iot_f_alarm[] = {
	{ "result",		F_STRING,	1, 4, 5, api_iot_results },
	{ "note",		F_STRING,	0, 1, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const struct field api_iot_f_repair[] = {
	{ "note",		F_STRING,	0, 1, 2000, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* An optional id or integer of the query string into *out (0 absent). */
static int
api_iot_qnum(struct req *r, const char *key, int64_t min, int64_t *out)
{
	*out = 0;
	if (req_query(r, key) == NULL)
		return 0;
	return req_query_int(r, key, min, INT64_MAX, 0, out, &r->err);
}

static int
api_iot_rules(struct req *r, struct resp *w)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = iot_rules_json(&j, &r->err)) < 0)
		return rc;
	return api_out(w, j, 0);
}

static int
api_iot_devices(struct req *r, struct resp *w)
{
	struct iot_device_filter	 f;
	const char			*v;
	json_t				*items = NULL;
	int64_t				 offset, limit, total = 0;
	int				 rc;

	memset(&f, 0, sizeof(f));
	f.town = req_query(r, "town");
	f.kind = req_query(r, "kind");
	f.protocol = req_query(r, "protocol");
	f.status = req_query(r, "status");
	f.q = req_query(r, "q");
	f.sort = req_query(r, "sort");
	f.online = -1;
	if ((v = req_query(r, "online")) != NULL) {
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			f.online = 1;
		else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
			f.online = 0;
		else
			return err_set(&r->err, ERR_INVALID, "online", "online "
			    "must be true or false");
	}
	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = api_iot_qnum(r, "unit_id", 1, &f.unit_id)) < 0)
		return rc;
	if ((rc = iot_device_list(r->st, r->who, &f, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_iot_device_new(struct req *r, struct resp *w)
{
	return api_create(r, w, iot_device_create);
}

static int
api_iot_device(struct req *r, struct resp *w)
{
	return api_by_id(r, w, iot_device_get);
}

static int
api_iot_device_upd(struct req *r, struct resp *w)
{
	return api_update(r, w, iot_device_update);
}

static int
api_iot_device_retire(struct req *r, struct resp *w)
{
	return api_step(r, w, iot_device_retire);
}

static int
api_iot_components(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 id, offset, limit, total = 0;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = iot_device_components(r->st, r->who, id, offset, limit,
	    &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_iot_events(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 id, offset, limit, from, to, total = 0;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = api_iot_qnum(r, "from", 0, &from)) < 0 ||
	    (rc = api_iot_qnum(r, "to", 0, &to)) < 0)
		return rc;
	if ((rc = iot_device_events(r->st, r->who, id, from, to,
	    req_query(r, "kind"), offset, limit, &items, &total,
	    &r->err)) < 0)
		return rc;
	/* The total stops counting at IOT_COUNT_CAP. */
	return resp_list_bounded(w, items, offset, limit, total,
	    total <= IOT_COUNT_CAP);
}

static int
api_iot_unknown(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = iot_unknown_list(r->st, r->who, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_iot_alarms(struct req *r, struct resp *w)
{
	struct iot_alarm_filter	 f;
	json_t			*items = NULL;
	int64_t			 offset, limit, since, total = 0;
	int			 rc;

	/* IOT-007: the board asks with the cursor of its last answer. */
	if (req_query(r, "since") != NULL) {
		if ((rc = req_query_int(r, "since", 0, INT64_MAX, 0, &since,
		    &r->err)) < 0 ||
		    (rc = iot_alarm_board(r->st, r->who, since, &items,
		    &r->err)) < 0)
			return rc;
		return resp_data(w, items);
	}
	memset(&f, 0, sizeof(f));
	f.state = req_query(r, "state");
	f.town = req_query(r, "town");
	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = api_iot_qnum(r, "unit_id", 1, &f.unit_id)) < 0 ||
	    (rc = api_iot_qnum(r, "from", 0, &f.from)) < 0 ||
	    (rc = api_iot_qnum(r, "to", 0, &f.to)) < 0)
		return rc;
	if ((rc = iot_alarm_list(r->st, r->who, &f, offset, limit, &items,
	    &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_iot_alarm(struct req *r, struct resp *w)
{
	return api_by_id(r, w, iot_alarm_get);
}

static int
api_iot_alarm_confirm(struct req *r, struct resp *w)
{
	return api_update(r, w, iot_alarm_confirm);
}

static int
api_iot_conditions(struct req *r, struct resp *w)
{
	json_t	*items = NULL;
	int64_t	 offset, limit, unit, device, total = 0;
	int	 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0 ||
	    (rc = api_iot_qnum(r, "unit_id", 1, &unit)) < 0 ||
	    (rc = api_iot_qnum(r, "device_id", 1, &device)) < 0)
		return rc;
	if ((rc = iot_condition_list(r->st, r->who, req_query(r, "state"),
	    unit, device, offset, limit, &items, &total, &r->err)) < 0)
		return rc;
	return resp_list(w, items, offset, limit, total);
}

static int
api_iot_condition(struct req *r, struct resp *w)
{
	return api_by_id(r, w, iot_condition_get);
}

static int
api_iot_condition_confirm(struct req *r, struct resp *w)
{
	return api_update(r, w, iot_condition_confirm);
}

static int
api_iot_stats(struct req *r, struct resp *w)
{
	return api_by_id(r, w, iot_unit_stats);
}

const struct route api_iot_routes[] = {
	{ "GET", "/api/v1/iot/rules", "iot:read", 0, api_iot_rules,
	    "Thresholds per device kind, hazard types, retention (IOT-014)",
	    NULL },
	{ "GET", "/api/v1/iot/devices", "iot:read", 0, api_iot_devices,
	    "Devices in one's jurisdiction (?unit_id, town, kind, protocol, "
	    "status, online, q, sort)", NULL },
	{ "POST", "/api/v1/iot/devices", "iot:write", ROUTE_WRITE,
	    api_iot_device_new, "Register a device against a unit "
	    "(IOT-001..003)", api_iot_f_new },
	{ "GET", "/api/v1/iot/devices/{id}", "iot:read", 0, api_iot_device,
	    "A device with its live state", NULL },
	{ "PATCH", "/api/v1/iot/devices/{id}", "iot:write", ROUTE_WRITE,
	    api_iot_device_upd, "Change a device's name, kind, building, "
	    "thresholds (If-Match)", api_iot_f_upd },
	{ "POST", "/api/v1/iot/devices/{id}/retire", "iot:write", ROUTE_WRITE,
	    api_iot_device_retire, "Retire a device (If-Match)", NULL },
	{ "GET", "/api/v1/iot/devices/{id}/components", "iot:read", 0,
	    api_iot_components, "The systems and components it reported",
	    NULL },
	{ "GET", "/api/v1/iot/devices/{id}/events", "iot:read", 0,
	    api_iot_events, "Its events, newest first (?from, to, kind)",
	    NULL },
	{ "GET", "/api/v1/iot/unknown", "iot:write", 0, api_iot_unknown,
	    "Addresses heard but not registered, with recent frames "
	    "(IOT-013)", NULL },
	{ "GET", "/api/v1/iot/alarms", "iot:read", 0, api_iot_alarms,
	    "Alarms, unconfirmed first; ?since=CURSOR: the alarm board's "
	    "changes (IOT-007)", NULL },
	{ "GET", "/api/v1/iot/alarms/{id}", "iot:read", 0, api_iot_alarm,
	    "An alarm", NULL },
	{ "POST", "/api/v1/iot/alarms/{id}/confirm", "iot:read", ROUTE_WRITE,
	    api_iot_alarm_confirm, "Confirm an alarm real or false (the unit: "
	    "iot:confirm; an officer: iot:write; If-Match; IOT-006)",
	    api_iot_f_alarm },
	{ "GET", "/api/v1/iot/conditions", "iot:read", 0, api_iot_conditions,
	    "Device conditions: faults, low pressure, offline … (?state, "
	    "unit_id, device_id)", NULL },
	{ "GET", "/api/v1/iot/conditions/{id}", "iot:read", 0,
	    api_iot_condition, "A device condition with its hazard", NULL },
	{ "POST", "/api/v1/iot/conditions/{id}/confirm", "iot:read",
	    ROUTE_WRITE, api_iot_condition_confirm, "Confirm a restored "
	    "device repaired: its hazard closes (iot:confirm or iot:write; "
	    "If-Match; IOT-011)", api_iot_f_repair },
	{ "GET", "/api/v1/iot/units/{id}/stats", "iot:read", 0, api_iot_stats,
	    "A unit's alarms, false-alarm rate and faults over 30 and 90 days "
	    "(IOT-015)", NULL },
	ROUTE_END
};
