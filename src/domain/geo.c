/*
 * Positions a phone gives with a record (geo.h).
 */
#include <stdint.h>
#include <string.h>

#include "../core/clock.h"
#include "geo.h"

/* The optional position a phone gave: WGS-84 degrees, accuracy, time. */
int
geo_position(const json_t *v, int64_t *lat, int64_t *lng, int64_t *acc,
    int64_t *at, int *has, struct err *e)
{
	json_t		*x;
	const char	*k;
	double		 d;

	*has = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return err_set(e, ERR_TYPE, "location", "location must be "
		    "{lat, lng, accuracy_m, at}");
	json_object_foreach((json_t *)(uintptr_t)v, k, x)
		if (strcmp(k, "lat") && strcmp(k, "lng") &&
		    strcmp(k, "accuracy_m") && strcmp(k, "at"))
			return err_set(e, ERR_UNKNOWN_FIELD, "location",
			    "location takes lat, lng, accuracy_m and at");
	x = json_object_get(v, "lat");
	if (!json_is_number(x) || (d = json_number_value(x)) < -90 || d > 90)
		return err_set(e, ERR_RANGE, "location.lat", "location.lat "
		    "must be -90 to 90");
	*lat = (int64_t)(d * 1e6);
	x = json_object_get(v, "lng");
	if (!json_is_number(x) || (d = json_number_value(x)) < -180 ||
	    d > 180)
		return err_set(e, ERR_RANGE, "location.lng", "location.lng "
		    "must be -180 to 180");
	*lng = (int64_t)(d * 1e6);
	*acc = -1;
	if ((x = json_object_get(v, "accuracy_m")) != NULL) {
		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) > 100000)
			return err_set(e, ERR_RANGE, "location.accuracy_m",
			    "location.accuracy_m must be 0 to 100000");
		*acc = json_integer_value(x);
	}
	*at = 0;
	if ((x = json_object_get(v, "at")) != NULL) {
		/* The phone's clock within a day of ours. */
		if (!json_is_integer(x) ||
		    json_integer_value(x) < clock_now() - 86400 ||
		    json_integer_value(x) > clock_now() + 86400)
			return err_set(e, ERR_RANGE, "location.at", "location.at "
			    "must be a Unix time within a day of now");
		*at = json_integer_value(x);
	}
	*has = 1;
	return 0;
}

