/*
 * Checking the JSON data files that operators edit (hazard-judgement
 * standards, the discretion benchmark): each check either accepts a
 * value or returns ERR_INVALID with a message that names the file and
 * the key path ("FILE: items[3].fine: must be an integer from 0 to …"),
 * so that an operator can find and fix the line.
 */
#ifndef FW_DCK_H
#define FW_DCK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

#define DCK_PATH	160	/* a key path */
#define DCK_SHOW	48	/* a quoted value */

struct dck {
	const char	*file;		/* named in every message */
	struct err	*e;
};

/* ERR_INVALID: "file: path: <fmt>". */
int	dck_bad(const struct dck *c, const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* path.key (key alone when path is empty) into p. */
const char *dck_path(char p[DCK_PATH], const char *path, const char *key);
/* s fit to quote in a message: printable ASCII (anything else ?), cut
 * with "..." past DCK_SHOW - 4 characters; "(null)" for NULL. */
const char *dck_show(const char *s, char out[DCK_SHOW]);
/* 1 if s is YYYY-MM-DD naming a real day from 1900 on. */
int	dck_date_ok(const char *s);

/* o is an object whose every key is one of keys (NULL-terminated). */
int	dck_keys(const struct dck *c, const char *path, json_t *o,
	    const char *const *keys);
/* o[key] as text of 1..max code points; absent is fine when opt (then
 * *out is NULL). */
int	dck_text(const struct dck *c, const char *path, const json_t *o,
	    const char *key, size_t max, int opt, const char **out);
/* o[key] as a date YYYY-MM-DD (dck_date_ok), opt as dck_text. */
int	dck_date(const struct dck *c, const char *path, const json_t *o,
	    const char *key, int opt, const char **out);
/* o[key] as a boolean into *out (out may be NULL). */
int	dck_bool(const struct dck *c, const char *path, const json_t *o,
	    const char *key, int *out);
/* o[key] as an integer in min..max; absent leaves *out when opt. */
int	dck_int(const struct dck *c, const char *path, const json_t *o,
	    const char *key, int64_t min, int64_t max, int opt, int64_t *out);
/* o[key] as one of names (n of them): its index into *out. */
int	dck_enum(const struct dck *c, const char *path, const json_t *o,
	    const char *key, const char *const *names, int n, int *out);
/* o[key] as a list of min..max items. */
int	dck_list(const struct dck *c, const char *path, const json_t *o,
	    const char *key, size_t min, size_t max, json_t **out);

#endif
