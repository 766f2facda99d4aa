/*
 * Helpers the domain modules share for their records (rec.h): today and
 * this year in Asia/Shanghai, strict bodies (only known keys, optional
 * texts, photo lists, working-day counts), rows as JSON objects, and
 * business numbers from per-series, per-year counters.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../store/store.h"
#include "audit.h"
#include "rec.h"
#include "registry_int.h"

void
rec_today(char out[REC_DATE_LEN + 1])
{
	time_t		t = (time_t)clock_now() + 8 * 3600;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, REC_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

int
rec_year(void)
{
	char	d[REC_DATE_LEN + 1];

	rec_today(d);
	return atoi(d);
}

int
rec_only(const json_t *in, const char *const *allowed, struct err *e)
{
	const char	*k;
	json_t		*v;
	int		 i;

	if (in == NULL)
		return 0;
	if (!json_is_object(in))
		return err_set(e, ERR_TYPE, NULL, "the body must be an object");
	json_object_foreach((json_t *)(uintptr_t)in, k, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k) == 0)
				break;
		if (allowed[i] == NULL)
			return err_set(e, ERR_UNKNOWN_FIELD, k, "unknown field "
			    "%s", k);
	}
	return 0;
}

int
rec_opt_text(const json_t *in, const char *key, size_t min, size_t max,
    char **out, struct err *e)
{
	json_t	*v = in ? json_object_get(in, key) : NULL;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	return reg_text(v, key, min, max, out, e);
}

int
rec_photos(const json_t *in, const char *key, int64_t *ids, int *n,
    char **csv, struct err *e)
{
	json_t		*v = in ? json_object_get(in, key) : NULL, *x;
	struct buf	 b;
	size_t		 i;
	int		 j, rc;

	*n = 0;
	*csv = NULL;
	if (v == NULL || json_is_null(v)) {
		*csv = xstrdup("");
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > REC_PHOTOS_MAX)
		return err_set(e, ERR_INVALID, key, "%s must be a list of at "
		    "most %d file ids", key, REC_PHOTOS_MAX);
	buf_init(&b);
	json_array_foreach(v, i, x) {
		if ((rc = reg_json_id(x, key, &ids[i], e)) < 0) {
			buf_free(&b);
			return rc;
		}
		for (j = 0; j < (int)i; j++)
			if (ids[j] == ids[i]) {
				buf_free(&b);
				return err_set(e, ERR_INVALID, key, "file %lld "
				    "is listed twice", (long long)ids[i]);
			}
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
	}
	*n = (int)json_array_size(v);
	*csv = b.data ? buf_release(&b) : xstrdup("");
	return 0;
}

int
rec_days(const json_t *in, const char *key, int def, int max, int *days,
    struct err *e)
{
	json_t	*v = in ? json_object_get(in, key) : NULL;

	if (v == NULL || json_is_null(v)) {
		if (def == 0)
			return err_set(e, ERR_MISSING, key, "%s is required",
			    key);
		*days = def;
		return 0;
	}
	if (!json_is_integer(v))
		return err_set(e, ERR_TYPE, key, "%s must be a whole number of "
		    "working days", key);
	if (json_integer_value(v) < 1 || json_integer_value(v) > max)
		return err_set(e, ERR_RANGE, key, "%s must be 1 to %d working "
		    "days", key, max);
	*days = (int)json_integer_value(v);
	return 0;
}

json_t *
rec_csv_ids(const char *s)
{
	json_t		*a = json_array();
	const char	*p = s;
	char		*end;
	long long	 v;

	while (p != NULL && *p != '\0') {
		v = strtoll(p, &end, 10);
		if (end == p)
			break;
		json_array_append_new(a, jx_id(v));
		p = *end == ',' ? end + 1 : end;
	}
	return a;
}

json_t *
rec_row_obj(struct store_rows *r, const char *const *names, const char *types)
{
	json_t	*o = json_object(), *v;
	int	 i;

	for (i = 0; names[i] != NULL; i++) {
		if (store_isnull(r, i))
			v = json_null();
		else if (types[i] == 'i')
			v = jx_id(store_int(r, i));
		else if (types[i] == 'n')
			v = json_integer(store_int(r, i));
		else if (types[i] == 'b')
			v = json_boolean(store_int(r, i));
		else if (types[i] == 'p')
			v = rec_csv_ids(store_text(r, i));
		else if (types[i] == 'j')
			v = json_loads(store_text(r, i), 0, NULL);
		else
			v = json_string(store_text(r, i));
		json_object_set_new(o, names[i], v ? v : json_null());
	}
	return o;
}

static const char rec_sql_next_no[] =
    "INSERT INTO doc_counters (series, year, last) VALUES (?, ?, 1) "
    "ON CONFLICT (series, year) DO UPDATE SET last = doc_counters.last + 1 "
    "RETURNING last";

int
rec_next_no(struct store *st, const char *series, const char *t, int year,
    char **out, struct err *e)
{
	struct buf	 b;
	const char	*p;
	int64_t		 seq;
	int		 rc, width;

	if ((rc = store_query_int(st, rec_sql_next_no, STORE_ARGS(
	    SV_S(series), SV_I(year)), &seq, e)) < 0)
		return rc;
	buf_init(&b);
	for (p = t; *p != '\0'; p++) {
		if (strncmp(p, "{year}", 6) == 0) {
			buf_printf(&b, "%04d", year);
			p += 5;
		} else if (strncmp(p, "{seq}", 5) == 0) {
			buf_printf(&b, "%lld", (long long)seq);
			p += 4;
		} else if (strncmp(p, "{seq:0", 6) == 0 && p[6] >= '1' &&
		    p[6] <= '9' && p[7] == '}') {
			width = p[6] - '0';
			buf_printf(&b, "%0*lld", width, (long long)seq);
			p += 7;
		} else
			buf_addc(&b, *p);
	}
	*out = buf_release(&b);
	return 0;
}

int
rec_page(struct store *st, const char *cols, const char *from,
    const char *where, const char *order, struct store_val *args, int n,
    int64_t offset, int64_t limit, const char *const *names,
    const char *types, json_t **items, int64_t *total, struct err *e)
{
	struct store_rows	*r = NULL;
	struct buf		 q;
	int			 rc;

	buf_init(&q);
	buf_printf(&q, "SELECT COUNT(*) FROM %s%s", from, where);
	if ((rc = store_query_int(st, q.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&q);
	buf_printf(&q, "SELECT %s FROM %s%s%s LIMIT ? OFFSET ?", cols, from,
	    where, order);
	args[n] = SV_I(limit);
	args[n + 1] = SV_I(offset);
	if ((rc = store_query(st, q.data, args, n + 2, &r, e)) < 0)
		goto out;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, rec_row_obj(r, names, types));
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
rec_data_keys(const json_t *o, const char *const *allowed, const char *where,
    struct err *e)
{
	const char	*k;
	json_t		*v;
	int		 i;

	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, NULL, "%s: not an object", where);
	json_object_foreach((json_t *)(uintptr_t)o, k, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k) == 0)
				break;
		if (allowed[i] == NULL)
			return err_set(e, ERR_INVALID, NULL, "%s: unknown key "
			    "%s", where, k);
	}
	return 0;
}

const char *
rec_data_str(const json_t *o, const char *key, size_t max, const char *where,
    struct err *e)
{
	const char	*s = json_string_value(json_object_get(o, key));

	if (s == NULL || *s == '\0' || strlen(s) > max) {
		err_set(e, ERR_INVALID, NULL, "%s: %s must be a string of 1 to "
		    "%zu bytes", where, key, max);
		return NULL;
	}
	return s;
}

int
rec_data_load(const char *path, json_t **doc,
    int (*parse)(void *ctx, struct err *e), void *ctx, struct err *e)
{
	json_error_t	 je;
	char		 msg[sizeof(e->msg)];

	if ((*doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return err_set(e, ERR_IO, NULL, "%s: %s (line %d)", path,
		    je.text, je.line);
	if (parse(ctx, e) < 0) {
		snprintf(msg, sizeof(msg), "%s", e->msg);
		return err_set(e, ERR_INVALID, NULL, "%s: %s", path, msg);
	}
	return 0;
}

int
rec_data_read(const char *dir, const char *name, size_t max,
    const char *field, json_t **out, struct err *e)
{
	json_error_t	 je;
	FILE		*f;
	char		*path, *text = NULL;
	size_t		 n;
	int		 rc = 0;

	*out = NULL;
	path = xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		rc = err_set(e, ERR_IO, field, "cannot read %.120s: %s", path,
		    strerror(errno));
		goto out;
	}
	text = xmalloc(max + 1);
	n = fread(text, 1, max + 1, f);
	if (ferror(f) || n > max) {
		rc = err_set(e, ferror(f) ? ERR_IO : ERR_INVALID, field, "%s: "
		    "unreadable or larger than %zu bytes", name, max);
		goto out;
	}
	if ((*out = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je)) == NULL)
		rc = err_set(e, ERR_INVALID, field, "%s line %d: %.100s", name,
		    je.line, je.text);
out:
	if (f != NULL)
		fclose(f);
	free(text);
	free(path);
	return rc;
}

/* 1 if s[0..n) is 1..max of [A-Za-z0-9-]. */
static int
rec_part_ok(const char *s, size_t n, size_t max)
{
	size_t	i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' &&
		    s[i] <= 'Z') && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
			return 0;
	return 1;
}

static int
rec_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rec_data_names(const char *dir, const char *prefix, const char *suffix,
    const char *field, const char *what, size_t part_max, size_t max,
    char **names, size_t *n, struct err *e)
{
	DIR		*dp;
	struct dirent	*de;
	size_t		 len, pre = strlen(prefix), suf = strlen(suffix), i;
	int		 rc = 0;

	*n = 0;
	if ((dp = opendir(dir)) == NULL)
		return err_set(e, ERR_IO, field, "%s data directory %.120s: %s",
		    field, dir, strerror(errno));
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < pre + suf || strncmp(de->d_name, prefix, pre) != 0 ||
		    strcmp(de->d_name + len - suf, suffix) != 0)
			continue;
		if (!rec_part_ok(de->d_name + pre, len - pre - suf, part_max)) {
			rc = err_set(e, ERR_INVALID, field, "%.80s: the %s in the "
			    "name must be 1 to %zu of [A-Za-z0-9-]", de->d_name,
			    what, part_max);
			break;
		}
		if (*n == max) {
			rc = err_set(e, ERR_INVALID, field, "more than %zu %ss in "
			    "%.120s", max, what, dir);
			break;
		}
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (rc == 0 && *n == 0)
		rc = err_set(e, ERR_IO, field, "no %s*%s file in %.120s", prefix,
		    suffix, dir);
	if (rc < 0) {
		for (i = 0; i < *n; i++)
			free(names[i]);
		*n = 0;
		return rc;
	}
	qsort(names, *n, sizeof(names[0]), rec_name_cmp);
	return 0;
}

static void
rec_dated_set_free(const struct rec_dated *d, struct rec_dated_set *s)
{
	int	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		d->free(s->ed[i]);
	free(s);
}

int
rec_dated_load(struct rec_dated *d, const char *dir, struct err *e)
{
	struct rec_dated_set	*s = NULL, *old;
	void			*ed;
	char			*names[REC_DATED_MAX], *part = NULL;
	size_t			 nn = 0, i, len;
	int			 j, rc;

	if ((rc = rec_data_names(dir, d->prefix, d->suffix, d->field,
	    d->what, d->part_max, REC_DATED_MAX, names, &nn, e)) < 0)
		goto out;
	s = xcalloc(1, sizeof(*s));
	for (i = 0; i < nn; i++) {
		len = strlen(names[i]) - strlen(d->prefix) - strlen(d->suffix);
		free(part);
		part = xstrndup(names[i] + strlen(d->prefix), len);
		if ((rc = d->load(dir, names[i], part, &ed, e)) < 0)
			goto out;
		/* Insert by effective date; a date is taken once. */
		for (j = s->n; j > 0 && strcmp(d->effective(ed),
		    d->effective(s->ed[j - 1])) < 0; j--)
			s->ed[j] = s->ed[j - 1];
		s->ed[j] = ed;
		s->n++;
		if (j > 0 && strcmp(d->effective(ed),
		    d->effective(s->ed[j - 1])) == 0) {
			rc = err_set(e, ERR_INVALID, "effective", "%s: "
			    "effective: %s is also the date of %s %s",
			    names[i], d->effective(ed), d->what,
			    d->part(s->ed[j - 1]));
			goto out;
		}
	}
	pthread_mutex_lock(&d->lock);
	old = atomic_exchange_explicit(&d->cur, s, memory_order_acq_rel);
	if (old != NULL) {
		old->retired = d->retired;
		d->retired = old;
	}
	pthread_mutex_unlock(&d->lock);
	s = NULL;
	rc = 0;
out:
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(part);
	rec_dated_set_free(d, s);
	return rc;
}

void
rec_dated_unload(struct rec_dated *d)
{
	struct rec_dated_set	*s, *next;

	pthread_mutex_lock(&d->lock);
	rec_dated_set_free(d, atomic_exchange_explicit(&d->cur, NULL,
	    memory_order_acq_rel));
	for (s = d->retired; s != NULL; s = next) {
		next = s->retired;
		rec_dated_set_free(d, s);
	}
	d->retired = NULL;
	pthread_mutex_unlock(&d->lock);
}

const struct rec_dated_set *
rec_dated_current(struct rec_dated *d)
{
	return atomic_load_explicit(&d->cur, memory_order_acquire);
}

int
rec_fetch(struct store *st, const struct rec_kind *k, int64_t id, int view,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, k->sql, STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = view ? k->view(r) : k->rec(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "%s", k->missing);
	return rc < 0 ? rc : 0;
}

int
rec_fetch_text(struct store *st, const struct rec_kind *k, const char *id,
    json_t **out, struct err *e)
{
	int64_t	v;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &v) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "%s", k->missing);
	return rec_fetch(st, k, v, 0, out, e);
}

int
rec_audit(struct store *st, const struct rec_kind *k, struct actor *who,
    const char *action, int64_t id, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = rec_fetch(st, k, id, 0, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, k->type, id, rec, e);
	json_decref(rec);
	return rc;
}
