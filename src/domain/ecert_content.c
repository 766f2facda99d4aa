/*
 * The content of a certificate (specs/ecert-v1.md "Content"): the
 * envelope keys v, type, no and kid, the fields of each type, and their
 * checks (ECERT-001, ECERT-002).  A type with a field table takes exactly
 * its fields; any other type takes the envelope's rules and generic
 * values.  Nothing here touches the database.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../core/str.h"
#include "ecert.h"
#include "ecert_int.h"
#include "ident.h"

#define ECERT_KEY_MAX		32	/* generic field keys */
#define ECERT_TYPE_MAX		40
#define ECERT_DEPTH_MAX		4	/* generic values: nesting */
#define ECERT_GENERIC_TEXT_MAX	500
#define ECERT_AREA_MAX		1000000000

enum ecert_ftype { EF_TEXT, EF_USCC, EF_INT, EF_ROUTE, EF_DATE, EF_URL };

/* A field of a type: key, kind, limit, its place in struct ecert_permit. */
struct ecert_field {
	const char		*key;
	enum ecert_ftype	 type;
	int64_t			 max;	/* text: code points; int: value */
	size_t			 off;
};

#define PF(k, t, m)	{ #k, t, m, offsetof(struct ecert_permit, k) }

/* ECERT-002: the keys of specs/ecert-v1.md besides v, type and kid. */
static const struct ecert_field	ecert_permit_table[] = {
	PF(no, EF_TEXT, ECERT_NO_MAX),
	PF(holder, EF_TEXT, 200),
	PF(uscc, EF_USCC, 0),
	PF(place, EF_TEXT, 200),
	PF(address, EF_TEXT, 200),
	PF(use, EF_TEXT, 50),
	PF(area_m2, EF_INT, ECERT_AREA_MAX),
	PF(route, EF_ROUTE, 0),
	PF(issued, EF_DATE, 0),
	PF(issuer, EF_TEXT, 100),
	PF(url, EF_URL, 300),
	{ NULL, EF_TEXT, 0, 0 },
};

#undef PF

/* Types with a field table; others are generic. */
static const struct {
	const char			*type;
	const struct ecert_field	*fields;
} ecert_types[] = {
	{ ECERT_TYPE_PERMIT, ecert_permit_table },
	{ NULL, NULL },
};

static const char *const	ecert_routes[] = { "commitment", "inspection",
	NULL };

int
ecert_date_ok(const char *s)
{
	static const int	mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
		30, 31, 30, 31 };
	int			y, m, d, i, leap;

	if (s == NULL || strlen(s) != ECERT_DATE_LEN || s[4] != '-' ||
	    s[7] != '-')
		return 0;
	for (i = 0; i < ECERT_DATE_LEN; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1949 || y > 2099 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void
ecert_today(char out[ECERT_DATE_LEN + 1])
{
	time_t		t = (time_t)(clock_now() + 8 * 3600);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, ECERT_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

int
ecert_text_check(const char *field, const char *s, size_t max,
    struct err *e)
{
	const unsigned char	*p;
	size_t			 n;

	if (s == NULL)
		return err_set(e, ERR_MISSING, field, "%s is required", field);
	n = strlen(s);
	if (!str_utf8_valid(s, n))
		return err_set(e, ERR_INVALID, field, "%s is not valid UTF-8",
		    field);
	if (n == 0 || str_utf8_len(s) > max)
		return err_set(e, ERR_RANGE, field, "%s must be 1 to %zu "
		    "characters", field, max);
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, ERR_INVALID, field, "%s has a "
			    "control character", field);
	if (s[0] == ' ' || s[n - 1] == ' ')
		return err_set(e, ERR_INVALID, field, "%s begins or ends with "
		    "a space", field);
	return 0;
}

/* A string value of a JSON object, NULL when absent or not one string. */
static int
ecert_str(const json_t *o, const char *key, const char **out, struct err *e)
{
	const json_t	*v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL)
		return err_set(e, ERR_MISSING, key, "%s is required", key);
	if (!json_is_string(v))
		return err_set(e, ERR_TYPE, key, "%s must be a string", key);
	/* A NUL inside would make the C string shorter than the value. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(e, ERR_INVALID, key, "%s has a NUL character",
		    key);
	*out = json_string_value(v);
	return 0;
}

static int
ecert_url_check(const char *key, const char *s, size_t max, struct err *e)
{
	const char	*p;

	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return err_set(e, ERR_INVALID, key, "%s must start with "
		    "https:// or http://", key);
	if (strlen(s) > max)
		return err_set(e, ERR_RANGE, key, "%s is longer than %zu "
		    "characters", key, max);
	for (p = s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return err_set(e, ERR_INVALID, key, "%s must be "
			    "printable ASCII without spaces", key);
	return 0;
}

/*
 * Check one field of a table against o and put its (normalised) value
 * into out.
 */
static int
ecert_field_check(const struct ecert_field *f, const json_t *o, json_t *out,
    struct err *e)
{
	const json_t	*v;
	const char	*s = NULL;
	char		 uscc[IDENT_USCC_LEN + 1];
	int		 rc;

	if (f->type == EF_INT) {
		if ((v = json_object_get(o, f->key)) == NULL)
			return err_set(e, ERR_MISSING, f->key, "%s is required",
			    f->key);
		if (!json_is_integer(v))
			return err_set(e, ERR_TYPE, f->key, "%s must be a "
			    "whole number", f->key);
		if (json_integer_value(v) < 0 || json_integer_value(v) > f->max)
			return err_set(e, ERR_RANGE, f->key, "%s must be 0 to "
			    "%lld", f->key, (long long)f->max);
		json_object_set_new(out, f->key,
		    json_integer(json_integer_value(v)));
		return 0;
	}
	if ((rc = ecert_str(o, f->key, &s, e)) < 0)
		return rc;
	switch (f->type) {
	case EF_TEXT:
		if ((rc = ecert_text_check(f->key, s, (size_t)f->max, e)) < 0)
			return rc;
		break;
	case EF_USCC:
		/* The registry's check (REG-003): GB 32100, upper-cased. */
		if ((rc = ident_uscc_check(s, f->key, uscc, NULL, e)) < 0)
			return rc;
		s = uscc;
		break;
	case EF_ROUTE:
		if (strcmp(s, ecert_routes[0]) != 0 &&
		    strcmp(s, ecert_routes[1]) != 0)
			return err_set(e, ERR_INVALID, f->key, "%s must be "
			    "commitment or inspection", f->key);
		break;
	case EF_DATE:
		if (!ecert_date_ok(s))
			return err_set(e, ERR_INVALID, f->key, "%s must be a "
			    "date YYYY-MM-DD", f->key);
		break;
	case EF_URL:
		if ((rc = ecert_url_check(f->key, s, (size_t)f->max, e)) < 0)
			return rc;
		break;
	default:
		break;
	}
	json_object_set_new(out, f->key, json_string(s));
	return 0;
}

static int
ecert_key_ok(const char *k)
{
	size_t	n = strlen(k), i;

	if (n == 0 || n > ECERT_KEY_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' &&
		    k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

/* A generic value at path: see ecert_content() in ecert.h. */
static int
ecert_value_check(const char *path, const json_t *v, int depth,
    struct err *e)
{
	const char	*k;
	json_t		*x;
	char		 sub[ERR_FIELD_MAX];
	size_t		 i;
	int		 rc;

	if (depth > ECERT_DEPTH_MAX)
		return err_set(e, ERR_INVALID, path, "%s is nested too deeply",
		    path);
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (strlen(json_string_value(v)) != json_string_length(v))
			return err_set(e, ERR_INVALID, path, "%s has a NUL "
			    "character", path);
		return ecert_text_check(path, json_string_value(v),
		    ECERT_GENERIC_TEXT_MAX, e);
	case JSON_INTEGER:
	case JSON_TRUE:
	case JSON_FALSE:
		return 0;
	case JSON_REAL:
		/* ECERT-001: no floating-point numbers. */
		return err_set(e, ERR_TYPE, path, "%s: no floating-point "
		    "numbers on a certificate", path);
	case JSON_ARRAY:
		json_array_foreach(v, i, x) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if ((rc = ecert_value_check(sub, x, depth + 1, e)) < 0)
				return rc;
		}
		return 0;
	case JSON_OBJECT:
		json_object_foreach((json_t *)(uintptr_t)v, k, x) {
			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			if (!ecert_key_ok(k))
				return err_set(e, ERR_INVALID, sub, "%s: keys "
				    "are 1 to %d characters a-z 0-9 _", sub,
				    ECERT_KEY_MAX);
			if ((rc = ecert_value_check(sub, x, depth + 1, e)) < 0)
				return rc;
		}
		return 0;
	default:
		return err_set(e, ERR_TYPE, path, "%s must not be null", path);
	}
}

static const struct ecert_field *
ecert_table(const char *type)
{
	int	i;

	for (i = 0; ecert_types[i].type != NULL; i++)
		if (strcmp(ecert_types[i].type, type) == 0)
			return ecert_types[i].fields;
	return NULL;
}

static int
ecert_type_ok(const char *type)
{
	size_t	n, i;

	if (type == NULL || (n = strlen(type)) == 0 || n > ECERT_TYPE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((type[i] >= 'a' && type[i] <= 'z') || (type[i] >= '0' &&
		    type[i] <= '9') || type[i] == '-'))
			return 0;
	return 1;
}

/* Fields of a type with a table: exactly its keys, each checked. */
static int
ecert_table_check(const struct ecert_field *t, const json_t *fields,
    json_t *out, struct err *e)
{
	const struct ecert_field	*f;
	const char			*k;
	json_t				*v;
	int				 rc;

	json_object_foreach((json_t *)(uintptr_t)fields, k, v) {
		for (f = t; f->key != NULL; f++)
			if (strcmp(f->key, k) == 0)
				break;
		if (f->key == NULL)
			return err_set(e, ERR_UNKNOWN_FIELD, k, "unknown "
			    "field %s", k);
	}
	for (f = t; f->key != NULL; f++)
		if ((rc = ecert_field_check(f, fields, out, e)) < 0)
			return rc;
	return 0;
}

/* Fields of a generic type: no and issued as everywhere, the rest generic. */
static int
ecert_generic_check(const json_t *fields, json_t *out, struct err *e)
{
	static const struct ecert_field	 envelope[] = {
		{ "no", EF_TEXT, ECERT_NO_MAX, 0 },
		{ "issued", EF_DATE, 0, 0 },
		{ NULL, EF_TEXT, 0, 0 },
	};
	const struct ecert_field	*f;
	const char			*k;
	json_t				*v;
	int				 rc;

	for (f = envelope; f->key != NULL; f++)
		if ((rc = ecert_field_check(f, fields, out, e)) < 0)
			return rc;
	json_object_foreach((json_t *)(uintptr_t)fields, k, v) {
		if (json_object_get(out, k) != NULL)
			continue;
		if (!ecert_key_ok(k))
			return err_set(e, ERR_INVALID, k, "%s: keys are 1 to "
			    "%d characters a-z 0-9 _", k, ECERT_KEY_MAX);
		if ((rc = ecert_value_check(k, v, 1, e)) < 0)
			return rc;
		json_object_set_new(out, k, json_deep_copy(v));
	}
	return 0;
}

int
ecert_content(const char *type, const json_t *fields, const char *kid,
    json_t **out, struct err *e)
{
	const struct ecert_field	*t;
	json_t				*c = NULL;
	int				 rc;

	if (!ecert_type_ok(type)) {
		rc = err_set(e, ERR_INVALID, "type", "type must be 1 to %d "
		    "characters a-z 0-9 -", ECERT_TYPE_MAX);
		goto out;
	}
	if (!json_is_object(fields)) {
		rc = err_set(e, ERR_TYPE, "fields", "fields must be an object");
		goto out;
	}
	if (json_object_get(fields, "v") != NULL ||
	    json_object_get(fields, "type") != NULL ||
	    json_object_get(fields, "kid") != NULL) {
		rc = err_set(e, ERR_INVALID, json_object_get(fields, "v") ?
		    "v" : json_object_get(fields, "type") ? "type" : "kid",
		    "v, type and kid are set by the platform");
		goto out;
	}
	if (kid == NULL || strlen(kid) != ECERT_KID_LEN ||
	    strspn(kid, "0123456789abcdef") != ECERT_KID_LEN) {
		rc = err_set(e, ERR_INVALID, "kid", "kid must be a key id");
		goto out;
	}
	c = json_object();
	if ((t = ecert_table(type)) != NULL)
		rc = ecert_table_check(t, fields, c, e);
	else
		rc = ecert_generic_check(fields, c, e);
	if (rc < 0)
		goto out;
	json_object_set_new(c, "v", json_integer(ECERT_VERSION));
	json_object_set_new(c, "type", json_string(type));
	json_object_set_new(c, "kid", json_string(kid));
	*out = c;
	c = NULL;
	rc = 0;
out:
	json_decref(c);
	return rc;
}

int
ecert_permit_fields(const struct ecert_permit *p, json_t **out,
    struct err *e)
{
	const struct ecert_field	*f;
	const char			*s;
	json_t				*raw, *c;
	int				 rc;

	raw = json_object();
	for (f = ecert_permit_table; f->key != NULL; f++) {
		if (f->type == EF_INT) {
			json_object_set_new(raw, f->key, json_integer(
			    *(const int64_t *)(const void *)((const char *)p +
			    f->off)));
			continue;
		}
		s = *(const char *const *)(const void *)((const char *)p +
		    f->off);
		/* Absent stays absent and invalid UTF-8 goes in unchecked:
		 * the table check names either. */
		if (s != NULL)
			json_object_set_new(raw, f->key,
			    json_string_nocheck(s));
	}
	c = json_object();
	if ((rc = ecert_table_check(ecert_permit_table, raw, c, e)) < 0) {
		json_decref(c);
		json_decref(raw);
		return rc;
	}
	json_decref(raw);
	*out = c;
	return 0;
}

int
ecert_permit_content(const struct ecert_permit *p, const char *kid,
    json_t **out, struct err *e)
{
	json_t	*f = NULL;
	int	 rc;

	if ((rc = ecert_permit_fields(p, &f, e)) < 0)
		return rc;
	rc = ecert_content(ECERT_TYPE_PERMIT, f, kid, out, e);
	json_decref(f);
	return rc;
}
