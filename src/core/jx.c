/*
 * jansson glue.  Duplicate keys are rejected by jansson itself with
 * JSON_REJECT_DUPLICATES; depth is checked after parsing because
 * jansson 2.14's own limit is a compile-time constant of 2048.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jx.h"
#include "mem.h"

void
jx_init(void)
{
	json_set_alloc_funcs(xmalloc, free);
}

static int
jx_depth_ok(const json_t *j, int depth)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	if (depth > JX_MAX_DEPTH)
		return 0;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)(uintptr_t)j, k, v)
			if (!jx_depth_ok(v, depth + 1))
				return 0;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (!jx_depth_ok(v, depth + 1))
				return 0;
	}
	return 1;
}

int
jx_parse_body(const char *p, size_t n, json_t **out, struct err *e)
{
	json_error_t	 je;
	json_t		*j;
	const char	*q;

	j = json_loadb(p, n, JSON_REJECT_DUPLICATES,
	    &je);
	if (j == NULL) {
		if (strstr(je.text, "duplicate object key") != NULL) {
			/* jansson says: duplicate object key near '"name"' */
			char	 key[ERR_FIELD_MAX];
			size_t	 kl;

			key[0] = '\0';
			if ((q = strstr(je.text, "near '\"")) != NULL) {
				q += 7;
				kl = strcspn(q, "\"");
				if (kl >= sizeof(key))
					kl = sizeof(key) - 1;
				memcpy(key, q, kl);
				key[kl] = '\0';
			}
			return err_set(e, ERR_DUP_KEY, key, "duplicate key %s in "
			    "JSON object", key);
		}
		return err_set(e, ERR_BAD_JSON, "",
		    "malformed JSON at line %d column %d", je.line, je.column);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, ERR_BAD_JSON, "", "body must be a JSON object");
	}
	if (!jx_depth_ok(j, 1)) {
		json_decref(j);
		return err_set(e, ERR_BAD_JSON, "", "JSON nested too deeply");
	}
	*out = j;
	return 0;
}

char *
jx_canonical(const json_t *j)
{
	char	*s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_ENCODE_ANY);

	return s ? s : xstrdup("null");
}

char *
jx_dump(const json_t *j)
{
	char	*s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	return s ? s : xstrdup("null");
}

json_t *
jx_id(int64_t id)
{
	char	tmp[24];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	return json_string(tmp);
}

json_t *
jx_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}
