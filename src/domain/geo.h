/*
 * The position a phone gives with an on-site record (a check, a patrol):
 * WGS-84 degrees stored as integers × 10^6, the accuracy in metres and
 * the phone's time of the fix.
 */
#ifndef FW_GEO_H
#define FW_GEO_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

/*
 * v: null/absent (then *has = 0) or {lat, lng, accuracy_m?, at?}: lat
 * -90..90, lng -180..180, accuracy 0..100000 m (*acc = -1 when absent),
 * at a Unix time within a day of now (*at = 0 when absent).  Errors name
 * "location" or "location.<key>".
 */
int	geo_position(const json_t *v, int64_t *lat, int64_t *lng, int64_t *acc,
	    int64_t *at, int *has, struct err *e);

#endif
