/*
 * The rules of the iot module as data (IOT-014, data/iot/rules.json):
 * thresholds per device kind (confirmation minutes, offline, fault and
 * main-power fault hours, low pressure, leakage current and temperature
 * limits), the hazard type of each condition, the retention of raw
 * events.  Loaded and checked strictly at start-up; a device's own
 * thresholds override its kind's, checked against the same limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "iot_int.h"

#define IOT_KINDS_MAX	16

/* Every threshold: its key, limits, and whether every kind needs it. */
static const struct {
	const char	*key;
	int64_t		 min, max;
	int		 required;
	int		 pair;		/* the threshold that goes with it */
} iot_th_defs[IOT_TH__N] = {
	[IOT_TH_CONFIRM_MIN] = { "confirm_minutes", 1, 1440, 1, -1 },
	[IOT_TH_OFFLINE_MIN] = { "offline_minutes", 1, 10080, 1, -1 },
	[IOT_TH_OFFLINE_H] = { "offline_hours", 1, 8760, 1, -1 },
	[IOT_TH_FAULT_H] = { "fault_hours", 1, 8760, 1, -1 },
	[IOT_TH_POWER_H] = { "power_hours", 1, 8760, 1, -1 },
	[IOT_TH_LOW_KPA] = { "low_kpa", 1, 100000, 0, IOT_TH_LOW_MIN },
	[IOT_TH_LOW_MIN] = { "low_minutes", 1, 10080, 0, IOT_TH_LOW_KPA },
	[IOT_TH_LEAKAGE_MA] = { "leakage_ma", 1, 100000, 0,
	    IOT_TH_LEAKAGE_MIN },
	[IOT_TH_LEAKAGE_MIN] = { "leakage_minutes", 1, 10080, 0,
	    IOT_TH_LEAKAGE_MA },
	[IOT_TH_OVERHEAT_C] = { "overheat_c", 1, 1000, 0,
	    IOT_TH_OVERHEAT_MIN },
	[IOT_TH_OVERHEAT_MIN] = { "overheat_minutes", 1, 10080, 0,
	    IOT_TH_OVERHEAT_C },
};

static const char *const iot_cond_names[IOT_C__N] = {
	"fault", "power", "low_pressure", "leakage", "overheat", "offline",
};

struct iot_kind_rules {
	char			 kind[24];
	const char		*name_zh;	/* into doc */
	struct iot_thresholds	 th;
};

struct iot_rules {
	json_t			*doc;
	const char		*version;
	int			 retention_days;
	int			 unknown_keep;
	char			 hazard_type[IOT_C__N][32];
	struct iot_kind_rules	 kinds[IOT_KINDS_MAX];
	int			 nkinds;
};

static struct iot_rules	*iot_rules;

const char *
iot_th_key(int th)
{
	return th >= 0 && th < IOT_TH__N ? iot_th_defs[th].key : NULL;
}

const char *
iot_cond_name(unsigned bit)
{
	int	i;

	for (i = 0; i < IOT_C__N; i++)
		if (bit == (1u << i))
			return iot_cond_names[i];
	return NULL;
}

unsigned
iot_cond_bit(const char *name)
{
	int	i;

	for (i = 0; name != NULL && i < IOT_C__N; i++)
		if (strcmp(name, iot_cond_names[i]) == 0)
			return 1u << i;
	return 0;
}

int
iot_rules_ready(struct err *e)
{
	if (iot_rules == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the IoT rules (%s) "
		    "are not loaded", IOT_RULES_FILE);
	return 0;
}

const char *
iot_rules_version(void)
{
	return iot_rules ? iot_rules->version : "";
}

int
iot_rules_retention_days(void)
{
	return iot_rules ? iot_rules->retention_days : 400;
}

int
iot_rules_unknown_keep(void)
{
	return iot_rules ? iot_rules->unknown_keep : 50;
}

static const struct iot_kind_rules *
iot_kind_find(const char *kind)
{
	int	i;

	for (i = 0; iot_rules != NULL && kind != NULL &&
	    i < iot_rules->nkinds; i++)
		if (strcmp(iot_rules->kinds[i].kind, kind) == 0)
			return &iot_rules->kinds[i];
	return NULL;
}

int
iot_rules_kind_known(const char *kind)
{
	return iot_kind_find(kind) != NULL;
}

const char *
iot_kind_zh(const char *kind)
{
	const struct iot_kind_rules	*k = iot_kind_find(kind);

	return k && k->name_zh ? k->name_zh : kind;
}

const char *
iot_cond_hazard_type(unsigned bit)
{
	int	i;

	for (i = 0; iot_rules != NULL && i < IOT_C__N; i++)
		if (bit == (1u << i))
			return iot_rules->hazard_type[i];
	return NULL;
}

int64_t
iot_cond_minutes(const struct iot_thresholds *t, unsigned bit)
{
	const int64_t	*v = t->v;

	switch (bit) {
	case IOT_C_FAULT:
		return v[IOT_TH_FAULT_H] < 0 ? -1 : v[IOT_TH_FAULT_H] * 60;
	case IOT_C_POWER:
		return v[IOT_TH_POWER_H] < 0 ? -1 : v[IOT_TH_POWER_H] * 60;
	case IOT_C_OFFLINE:
		return v[IOT_TH_OFFLINE_H] < 0 ? -1 : v[IOT_TH_OFFLINE_H] * 60;
	case IOT_C_LOW_PRESSURE:
		return v[IOT_TH_LOW_MIN];
	case IOT_C_LEAKAGE:
		return v[IOT_TH_LEAKAGE_MIN];
	case IOT_C_OVERHEAT:
		return v[IOT_TH_OVERHEAT_MIN];
	default:
		return -1;
	}
}

/* Loading. */

static int
iot_keys(const json_t *o, const char *const *allowed, const char *where,
    struct err *e)
{
	const char	*k;
	json_t		*v;
	int		 i;

	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, where, "%s: not an object", where);
	json_object_foreach((json_t *)(uintptr_t)o, k, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k) == 0)
				break;
		if (allowed[i] == NULL)
			return err_set(e, ERR_INVALID, where, "%s: unknown key "
			    "%s", where, k);
	}
	return 0;
}

/* {"value": N, "status": "C|P|U", "note": "…"} with N in min..max. */
static int
iot_valued(const json_t *o, const char *where, int64_t min, int64_t max,
    int64_t *out, struct err *e)
{
	static const char *const vk[] = { "value", "status", "note", NULL };
	const char	*s;
	json_t		*v;

	if (iot_keys(o, vk, where, e) < 0)
		return e->code;
	v = json_object_get(o, "value");
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return err_set(e, ERR_INVALID, where, "%s: value must be an "
		    "integer from %lld to %lld", where, (long long)min,
		    (long long)max);
	s = json_string_value(json_object_get(o, "status"));
	if (s == NULL || strlen(s) != 1 || strchr("CPU", s[0]) == NULL)
		return err_set(e, ERR_INVALID, where, "%s: status must be C, P "
		    "or U", where);
	if (json_object_get(o, "note") != NULL &&
	    !json_is_string(json_object_get(o, "note")))
		return err_set(e, ERR_INVALID, where, "%s: note must be text",
		    where);
	*out = json_integer_value(v);
	return 0;
}

static int
iot_rules_kind(struct iot_rules *r, const char *kind, const json_t *o,
    struct err *e)
{
	struct iot_kind_rules	*k;
	const char		*key;
	json_t			*v;
	char			 where[96];
	int			 i, j;

	if (r->nkinds == IOT_KINDS_MAX)
		return err_set(e, ERR_INVALID, "kinds", "kinds: at most %d",
		    IOT_KINDS_MAX);
	if (strlen(kind) == 0 || strlen(kind) >= sizeof(k->kind) ||
	    strspn(kind, "abcdefghijklmnopqrstuvwxyz_") != strlen(kind))
		return err_set(e, ERR_INVALID, "kinds", "kinds: %s must be 1 to "
		    "23 of a-z and _", kind);
	k = &r->kinds[r->nkinds];
	snprintf(k->kind, sizeof(k->kind), "%s", kind);
	for (i = 0; i < IOT_TH__N; i++)
		k->th.v[i] = -1;
	snprintf(where, sizeof(where), "kinds.%s", kind);
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, where, "%s: not an object", where);
	json_object_foreach((json_t *)(uintptr_t)o, key, v) {
		snprintf(where, sizeof(where), "kinds.%s.%s", kind, key);
		if (strcmp(key, "name_zh") == 0 || strcmp(key, "name_en") == 0) {
			if (!json_is_string(v) || json_string_length(v) == 0)
				return err_set(e, ERR_INVALID, where, "%s must be "
				    "text", where);
			if (key[5] == 'z')
				k->name_zh = json_string_value(v);
			continue;
		}
		for (i = 0; i < IOT_TH__N; i++)
			if (strcmp(iot_th_defs[i].key, key) == 0)
				break;
		if (i == IOT_TH__N)
			return err_set(e, ERR_INVALID, where, "%s: unknown key",
			    where);
		if (iot_valued(v, where, iot_th_defs[i].min,
		    iot_th_defs[i].max, &k->th.v[i], e) < 0)
			return e->code;
	}
	for (i = 0; i < IOT_TH__N; i++) {
		snprintf(where, sizeof(where), "kinds.%s.%s", kind,
		    iot_th_defs[i].key);
		if (iot_th_defs[i].required && k->th.v[i] < 0)
			return err_set(e, ERR_INVALID, where, "%s is missing",
			    where);
		j = iot_th_defs[i].pair;
		if (j >= 0 && (k->th.v[i] < 0) != (k->th.v[j] < 0))
			return err_set(e, ERR_INVALID, where, "%s and %s go "
			    "together", where, iot_th_defs[j].key);
	}
	if (k->name_zh == NULL)
		return err_set(e, ERR_INVALID, "kinds", "kinds.%s.name_zh is "
		    "missing", kind);
	r->nkinds++;
	return 0;
}

static int
iot_rules_parse(struct iot_rules *r, struct err *e)
{
	static const char *const top[] = { "format", "version", "source",
	    "note", "retention_days", "unknown_keep", "hazard_types", "kinds",
	    NULL };
	static const char *const hk[] = { "status", "note", "fault", "power",
	    "low_pressure", "offline", "leakage", "overheat", NULL };
	const char	*s, *key;
	json_t		*o, *v;
	int64_t		 n;
	int		 i;

	if (iot_keys(r->doc, top, "rules", e) < 0)
		return e->code;
	s = json_string_value(json_object_get(r->doc, "format"));
	if (s == NULL || strcmp(s, "firewarden-iot-rules-v1") != 0)
		return err_set(e, ERR_INVALID, "format", "format must be "
		    "firewarden-iot-rules-v1");
	r->version = json_string_value(json_object_get(r->doc, "version"));
	if (r->version == NULL || *r->version == '\0' ||
	    strlen(r->version) > 60)
		return err_set(e, ERR_INVALID, "version", "version must be 1 to "
		    "60 characters");
	if (iot_valued(json_object_get(r->doc, "retention_days"),
	    "retention_days", 1, 36500, &n, e) < 0)
		return e->code;
	r->retention_days = (int)n;
	if (iot_valued(json_object_get(r->doc, "unknown_keep"),
	    "unknown_keep", 1, 1000, &n, e) < 0)
		return e->code;
	r->unknown_keep = (int)n;
	o = json_object_get(r->doc, "hazard_types");
	if (iot_keys(o, hk, "hazard_types", e) < 0)
		return e->code;
	for (i = 0; i < IOT_C__N; i++) {
		s = json_string_value(json_object_get(o, iot_cond_names[i]));
		if (s == NULL || *s == '\0' || strlen(s) >= 32)
			return err_set(e, ERR_INVALID, "hazard_types",
			    "hazard_types.%s must name a hazard type",
			    iot_cond_names[i]);
		snprintf(r->hazard_type[i], 32, "%s", s);
	}
	o = json_object_get(r->doc, "kinds");
	if (!json_is_object(o) || json_object_size(o) == 0)
		return err_set(e, ERR_INVALID, "kinds", "kinds: at least one "
		    "device kind");
	json_object_foreach(o, key, v)
		if (iot_rules_kind(r, key, v, e) < 0)
			return e->code;
	return 0;
}

int
iot_rules_load(const char *path, struct err *e)
{
	struct iot_rules	*r;
	json_error_t		 je;
	const char		*data = getenv("FIREWARDEN_DATA");
	char			*p = NULL, msg[sizeof(e->msg)];
	char			 field[sizeof(e->field)];

	if (path == NULL)
		path = p = xasprintf("%s/%s", data && *data ? data : "data",
		    IOT_RULES_FILE);
	r = xcalloc(1, sizeof(*r));
	if ((r->doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		err_set(e, ERR_IO, NULL, "%s: %s (line %d)", path, je.text,
		    je.line);
		free(r);
		free(p);
		return ERR_IO;
	}
	if (iot_rules_parse(r, e) < 0) {
		snprintf(msg, sizeof(msg), "%s", e->msg);
		snprintf(field, sizeof(field), "%s", e->field);
		err_set(e, ERR_INVALID, field, "%s: %s", path, msg);
		json_decref(r->doc);
		free(r);
		free(p);
		return ERR_INVALID;
	}
	free(p);
	/* Loads happen at start-up (and between tests), never while a
	 * thread ingests. */
	iot_rules_unload();
	iot_rules = r;
	return 0;
}

void
iot_rules_unload(void)
{
	if (iot_rules == NULL)
		return;
	json_decref(iot_rules->doc);
	free(iot_rules);
	iot_rules = NULL;
}

int
iot_rules_json(json_t **out, struct err *e)
{
	if (iot_rules_ready(e) < 0)
		return e->code;
	*out = json_deep_copy(iot_rules->doc);
	return 0;
}

/* Thresholds. */

static int
iot_th_apply(const json_t *o, struct iot_thresholds *t, struct err *e)
{
	const char	*key;
	json_t		*v;
	int		 i;

	if (o == NULL || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return err_set(e, ERR_TYPE, "thresholds", "thresholds must be an "
		    "object");
	json_object_foreach((json_t *)(uintptr_t)o, key, v) {
		for (i = 0; i < IOT_TH__N; i++)
			if (strcmp(iot_th_defs[i].key, key) == 0)
				break;
		if (i == IOT_TH__N)
			return err_set(e, ERR_INVALID, "thresholds", "unknown "
			    "threshold %s", key);
		if (!json_is_integer(v) ||
		    json_integer_value(v) < iot_th_defs[i].min ||
		    json_integer_value(v) > iot_th_defs[i].max)
			return err_set(e, ERR_RANGE, "thresholds", "thresholds."
			    "%s must be an integer from %lld to %lld", key,
			    (long long)iot_th_defs[i].min,
			    (long long)iot_th_defs[i].max);
		if (t != NULL)
			t->v[i] = json_integer_value(v);
	}
	return 0;
}

int
iot_thresholds_check(const json_t *o, struct err *e)
{
	return iot_th_apply(o, NULL, e);
}

int
iot_thresholds_of(const char *kind, const char *text,
    struct iot_thresholds *out, struct err *e)
{
	const struct iot_kind_rules	*k;
	json_t				*o = NULL;
	int				 rc, i, j;

	if (iot_rules_ready(e) < 0)
		return e->code;
	if ((k = iot_kind_find(kind)) == NULL)
		return err_set(e, ERR_INVALID, "kind", "no device kind %s in the "
		    "rules", kind ? kind : "");
	*out = k->th;
	if (text == NULL || *text == '\0')
		return 0;
	if ((o = json_loads(text, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return err_set(e, ERR_INVALID, "thresholds", "thresholds are "
		    "not JSON");
	rc = iot_th_apply(o, out, e);
	json_decref(o);
	if (rc < 0)
		return rc;
	/* A limit and its duration go together (a device cannot have a
	 * low-pressure limit without its minutes). */
	for (i = 0; i < IOT_TH__N; i++) {
		j = iot_th_defs[i].pair;
		if (j >= 0 && (out->v[i] < 0) != (out->v[j] < 0))
			return err_set(e, ERR_INVALID, "thresholds", "thresholds."
			    "%s needs %s", out->v[i] < 0 ? iot_th_defs[j].key :
			    iot_th_defs[i].key, out->v[i] < 0 ?
			    iot_th_defs[i].key : iot_th_defs[j].key);
	}
	return 0;
}
