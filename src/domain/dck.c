#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/str.h"
#include "dck.h"

int
dck_bad(const struct dck *c, const char *path, const char *fmt, ...)
{
	char	msg[ERR_MSG_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(c->e, ERR_INVALID, path, "%s: %s: %s", c->file, path,
	    msg);
}

const char *
dck_path(char p[DCK_PATH], const char *path, const char *key)
{
	snprintf(p, DCK_PATH, "%.110s%s%.40s", path, *path ? "." : "", key);
	return p;
}

const char *
dck_show(const char *s, char out[DCK_SHOW])
{
	size_t	i;

	if (s == NULL)
		return "(null)";
	for (i = 0; s[i] && i < DCK_SHOW - 4; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

static int
dck_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

int
dck_date_ok(const char *s)
{
	static const int	mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			i, y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !dck_isdigit(s[i]))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)));
}

int
dck_keys(const struct dck *c, const char *path, json_t *o,
    const char *const *keys)
{
	const char	*k;
	json_t		*v;
	char		 p[DCK_PATH], shown[DCK_SHOW];
	int		 i, found;

	if (!json_is_object(o))
		return dck_bad(c, *path ? path : "(file)", "must be an object");
	json_object_foreach(o, k, v) {
		for (i = 0, found = 0; keys[i] && !found; i++)
			found = strcmp(keys[i], k) == 0;
		if (!found)
			return dck_bad(c, dck_path(p, path, dck_show(k, shown)),
			    "unknown key");
	}
	return 0;
}

int
dck_text(const struct dck *c, const char *path, const json_t *o,
    const char *key, size_t max, int opt, const char **out)
{
	json_t	*v = json_object_get(o, key);
	char	 p[DCK_PATH];
	size_t	 n;

	*out = NULL;
	if (v == NULL && opt)
		return 0;
	if (v == NULL)
		return dck_bad(c, dck_path(p, path, key), "missing");
	if (!json_is_string(v) || (n = str_utf8_len(json_string_value(v))) ==
	    0 || n > max)
		return dck_bad(c, dck_path(p, path, key), "must be text of 1 "
		    "to %zu characters", max);
	*out = json_string_value(v);
	return 0;
}

int
dck_date(const struct dck *c, const char *path, const json_t *o,
    const char *key, int opt, const char **out)
{
	char	p[DCK_PATH];
	int	rc;

	if ((rc = dck_text(c, path, o, key, 10, opt, out)) < 0)
		return rc;
	if (*out != NULL && !dck_date_ok(*out))
		return dck_bad(c, dck_path(p, path, key), "must be a date "
		    "YYYY-MM-DD");
	return 0;
}

int
dck_bool(const struct dck *c, const char *path, const json_t *o,
    const char *key, int *out)
{
	json_t	*v = json_object_get(o, key);
	char	 p[DCK_PATH];

	if (!json_is_boolean(v))
		return dck_bad(c, dck_path(p, path, key), "must be true or "
		    "false");
	if (out != NULL)
		*out = json_is_true(v);
	return 0;
}

int
dck_int(const struct dck *c, const char *path, const json_t *o,
    const char *key, int64_t min, int64_t max, int opt, int64_t *out)
{
	json_t	*v = json_object_get(o, key);
	char	 p[DCK_PATH];

	if (v == NULL && opt)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return dck_bad(c, dck_path(p, path, key), "must be an integer "
		    "from %lld to %lld", (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

int
dck_enum(const struct dck *c, const char *path, const json_t *o,
    const char *key, const char *const *names, int n, int *out)
{
	json_t	*v = json_object_get(o, key);
	char	 p[DCK_PATH], list[120];
	size_t	 len = 0;
	int	 i;

	for (i = 0; json_is_string(v) && i < n; i++)
		if (strcmp(json_string_value(v), names[i]) == 0) {
			*out = i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
		    "%s%s", i > 0 ? ", " : "", names[i]);
	return dck_bad(c, dck_path(p, path, key), "must be one of %s", list);
}

int
dck_list(const struct dck *c, const char *path, const json_t *o,
    const char *key, size_t min, size_t max, json_t **out)
{
	json_t	*v = json_object_get(o, key);
	char	 p[DCK_PATH];

	if (!json_is_array(v) || json_array_size(v) < min ||
	    json_array_size(v) > max)
		return dck_bad(c, dck_path(p, path, key), "must be a list of "
		    "%zu to %zu items", min, max);
	*out = v;
	return 0;
}
