/*
 * The working-day calendar.  calendar_load_dir() validates every
 * CN-YYYY.json file and builds one immutable set of per-year bitsets (bit
 * = day of year, 1 = working day), then publishes it with one atomic
 * store; readers load the pointer and never lock.  Rule IDs (CAL-0xx) are
 * listed in docs/modules/calendar.md.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "calendar.h"
#include "rec.h"

#define CAL_WORDS	6		/* 6 * 64 >= 366 */
#define CAL_MIN_YEAR	1900
#define CAL_MAX_YEAR	9999
#define CAL_MAX_FILES	200		/* CN-YYYY.json files in a directory */
#define CAL_MAX_BYTES	(64 * 1024)	/* per file */
#define CAL_FIELD	"date"

struct cal_year {
	int		 loaded;
	int		 provisional;	/* CAL-008: "status": "provisional" */
	int		 ndays;
	uint64_t	 work[CAL_WORDS];
};

/*
 * A loaded set: years[i] describes year first + i.  Never changed once
 * published.  A set replaced by a reload moves to the retired list and is
 * kept until exit, since a reader may still be walking it; reloads are
 * operator actions and a set is a few hundred bytes per year.
 */
struct cal_set {
	int		 first;
	int		 n;
	struct cal_year	*years;
	struct cal_set	*retired;
};

struct cal_date {
	int	y;
	int	doy;		/* 0-based day of year */
};

static _Atomic(struct cal_set *)	 cal_cur;
static struct cal_set		*cal_retired;
static pthread_mutex_t		 cal_lock = PTHREAD_MUTEX_INITIALIZER;

static const int	cal_cum[12] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

static int
cal_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
cal_mdays(int y, int m)
{
	static const int	md[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return m == 2 && cal_leap(y) ? 29 : md[m - 1];
}

static int
cal_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * CAL-004: exactly YYYY-MM-DD naming a real date.  Returns 0, or 1 for
 * bad syntax, 2 for a date that does not exist; errors are worded by the
 * caller, which knows whose date it is.
 */
static int
cal_parse(const char *s, struct cal_date *d)
{
	static const int	dig[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	int			i, y, m, dd;

	if (s == NULL || strlen(s) != CALENDAR_DATE_LEN || s[4] != '-' ||
	    s[7] != '-')
		return 1;
	for (i = 0; i < 8; i++)
		if (!cal_isdigit(s[dig[i]]))
			return 1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || dd < 1 || dd > cal_mdays(y, m))
		return 2;
	d->y = y;
	d->doy = cal_cum[m - 1] + (m > 2 && cal_leap(y)) + dd - 1;
	return 0;
}

static int
cal_parse_err(const char *s, struct cal_date *d, struct err *e)
{
	switch (cal_parse(s, d)) {
	case 0:
		return 0;
	case 2:
		return err_set(e, ERR_INVALID, CAL_FIELD,
		    "%s is not a real date", s);
	default:
		return err_set(e, ERR_INVALID, CAL_FIELD,
		    "date must be YYYY-MM-DD");
	}
}

static void
cal_format(const struct cal_date *d, char out[CALENDAR_DATE_LEN + 1])
{
	int	m = 12, md;

	while (m > 1 && d->doy < cal_cum[m - 1] + (m > 2 && cal_leap(d->y)))
		m--;
	md = d->doy - cal_cum[m - 1] - (m > 2 && cal_leap(d->y)) + 1;
	/* By hand: y is 1..9999, so no snprintf truncation to reason about. */
	out[0] = (char)('0' + d->y / 1000);
	out[1] = (char)('0' + d->y / 100 % 10);
	out[2] = (char)('0' + d->y / 10 % 10);
	out[3] = (char)('0' + d->y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + md / 10);
	out[9] = (char)('0' + md % 10);
	out[10] = '\0';
}

/* Day of the week, 0 = Sunday. */
static int
cal_wday(int y, int doy)
{
	int64_t	yy = y - 1;
	int64_t	days = yy * 365 + yy / 4 - yy / 100 + yy / 400 + doy;

	/* 0001-01-01 (proleptic Gregorian) was a Monday. */
	return (int)((days + 1) % 7);
}

/* Working days with day of year in [from, to] (inclusive). */
static int
cal_count(const struct cal_year *cy, int from, int to)
{
	uint64_t	m;
	int		w, lo, hi, n = 0;

	if (from > to)
		return 0;
	for (w = from / 64; w <= to / 64; w++) {
		lo = w == from / 64 ? from % 64 : 0;
		hi = w == to / 64 ? to % 64 : 63;
		m = cy->work[w] >> lo;
		if (hi - lo < 63)
			m &= (UINT64_C(1) << (hi - lo + 1)) - 1;
		n += __builtin_popcountll(m);
	}
	return n;
}

/* Day of year of the k-th (k >= 1) working day at or after from. */
static int
cal_nth(const struct cal_year *cy, int from, int k)
{
	uint64_t	m;
	int		w, c;

	for (w = from / 64; w < CAL_WORDS; w++) {
		m = cy->work[w];
		if (w == from / 64)
			m &= ~UINT64_C(0) << (from % 64);
		c = __builtin_popcountll(m);
		if (k > c) {
			k -= c;
			continue;
		}
		while (--k > 0)
			m &= m - 1;
		return w * 64 + __builtin_ctzll(m);
	}
	return -1;	/* not reached: the caller counted first */
}

static const struct cal_year *
cal_year_get(const struct cal_set *s, int y, struct err *e)
{
	/* CAL-003: never guess a year nobody has published. */
	if (s == NULL || y < s->first || y >= s->first + s->n ||
	    !s->years[y - s->first].loaded) {
		err_set(e, ERR_INVALID, CAL_FIELD,
		    "no working-day calendar for %04d", y);
		return NULL;
	}
	return &s->years[y - s->first];
}

static const struct cal_set *
cal_current(void)
{
	return atomic_load_explicit(&cal_cur, memory_order_acquire);
}

int
calendar_is_workday(const char *date, struct err *e)
{
	const struct cal_year	*cy;
	struct cal_date		 d;
	int			 rc;

	if ((rc = cal_parse_err(date, &d, e)) < 0)
		return rc;
	if ((cy = cal_year_get(cal_current(), d.y, e)) == NULL)
		return ERR_INVALID;
	return (int)(cy->work[d.doy / 64] >> (d.doy % 64) & 1);
}

int
calendar_add_workdays(const char *date, int n,
    char out[CALENDAR_DATE_LEN + 1], struct err *e)
{
	const struct cal_set	*s = cal_current();
	const struct cal_year	*cy;
	struct cal_date		 d;
	int			 rc, from, c;

	if ((rc = cal_parse_err(date, &d, e)) < 0)
		return rc;
	if (n < 0)
		return err_set(e, ERR_INVALID, "n",
		    "number of working days must be 0 or more");
	if ((cy = cal_year_get(s, d.y, e)) == NULL)
		return ERR_INVALID;
	/* CAL-006: the start date itself is not counted. */
	from = d.doy + 1;
	while (n > 0) {
		c = cal_count(cy, from, cy->ndays - 1);
		if (n <= c) {
			d.doy = cal_nth(cy, from, n);
			break;
		}
		n -= c;
		if (d.y >= CAL_MAX_YEAR ||
		    (cy = cal_year_get(s, ++d.y, e)) == NULL)
			return ERR_INVALID;
		from = 0;
	}
	cal_format(&d, out);
	return 0;
}

int
calendar_workdays_between(const char *a, const char *b, int *out,
    struct err *e)
{
	const struct cal_set	*s = cal_current();
	const struct cal_year	*cy;
	struct cal_date		 da, db, t;
	int			 rc, y, sign = 1, n = 0;

	if ((rc = cal_parse_err(a, &da, e)) < 0 ||
	    (rc = cal_parse_err(b, &db, e)) < 0)
		return rc;
	if (db.y < da.y || (db.y == da.y && db.doy < da.doy)) {
		t = da;
		da = db;
		db = t;
		sign = -1;
	}
	/* CAL-006: (a, b], every year touched must be loaded. */
	for (y = da.y; y <= db.y; y++) {
		if ((cy = cal_year_get(s, y, e)) == NULL)
			return ERR_INVALID;
		n += cal_count(cy, y == da.y ? da.doy + 1 : 0,
		    y == db.y ? db.doy : cy->ndays - 1);
	}
	*out = sign * n;
	return 0;
}

/* Loading. */

struct cal_file {
	const char	*name;		/* base name, for messages */
	int		 year;
	struct cal_year	 cy;
	uint64_t	 seen_off[CAL_WORDS];
	uint64_t	 seen_work[CAL_WORDS];
};

static int
cal_bit(const uint64_t *bits, int doy)
{
	return (int)(bits[doy / 64] >> (doy % 64) & 1);
}

static void
cal_setbit(uint64_t *bits, int doy, int on)
{
	if (on)
		bits[doy / 64] |= UINT64_C(1) << (doy % 64);
	else
		bits[doy / 64] &= ~(UINT64_C(1) << (doy % 64));
}

/* CAL-005: check one date of a holiday's off or workdays list. */
static int
cal_file_date(struct cal_file *f, const char *where, json_t *v, int is_off,
    struct err *e)
{
	const char	*s;
	struct cal_date	 d;
	int		 wd;

	if (!json_is_string(v))
		return err_set(e, ERR_INVALID, f->name, "%s: %s: dates must be "
		    "strings", f->name, where);
	s = json_string_value(v);
	switch (cal_parse(s, &d)) {
	case 0:
		break;
	case 2:
		return err_set(e, ERR_INVALID, f->name, "%s: %s: %s is not a "
		    "real date", f->name, where, s);
	default:
		return err_set(e, ERR_INVALID, f->name, "%s: %s: dates must "
		    "be YYYY-MM-DD", f->name, where);
	}
	if (d.y != f->year)
		return err_set(e, ERR_INVALID, f->name, "%s: %s: %s is not in "
		    "%d", f->name, where, s, f->year);
	if (cal_bit(is_off ? f->seen_off : f->seen_work, d.doy))
		return err_set(e, ERR_INVALID, f->name, "%s: %s: %s is listed "
		    "more than once", f->name, where, s);
	if (cal_bit(is_off ? f->seen_work : f->seen_off, d.doy))
		return err_set(e, ERR_INVALID, f->name, "%s: %s: %s is listed "
		    "both as a day off and as a working day", f->name, where,
		    s);
	wd = cal_wday(d.y, d.doy);
	/* CAL-001: a make-up working day is by definition a weekend day. */
	if (!is_off && wd != 0 && wd != 6)
		return err_set(e, ERR_INVALID, f->name, "%s: %s: %s is a "
		    "weekday, not a make-up working day", f->name, where, s);
	cal_setbit(is_off ? f->seen_off : f->seen_work, d.doy, 1);
	/* CAL-001, CAL-002 */
	cal_setbit(f->cy.work, d.doy, !is_off);
	return 0;
}

static int
cal_file_list(struct cal_file *f, int h, json_t *hol, const char *key,
    int required, struct err *e)
{
	json_t	*arr = json_object_get(hol, key), *v;
	char	 where[64];
	size_t	 i;
	int	 rc;

	if (arr == NULL && !required)
		return 0;
	if (!json_is_array(arr) || (required && json_array_size(arr) == 0))
		return err_set(e, ERR_INVALID, f->name, "%s: holidays[%d]: "
		    "\"%s\" must be a%s array of dates", f->name, h, key,
		    required ? " non-empty" : "n");
	json_array_foreach(arr, i, v) {
		snprintf(where, sizeof(where), "holidays[%d].%s[%zu]", h, key,
		    i);
		if ((rc = cal_file_date(f, where, v, required, e)) < 0)
			return rc;
	}
	return 0;
}

/* CAL-005: the whole file, strictly; f->cy is filled in on success. */
static int
cal_file_check(struct cal_file *f, json_t *j, struct err *e)
{
	static const char	*top[] = { "year", "status", "source",
				    "note", "holidays", NULL };
	static const char	*hkeys[] = { "name", "off", "workdays", NULL };
	json_t			*v, *hol, *hs;
	const char		*k;
	size_t			 i, t;
	int			 doy, wd, rc;

	if (!json_is_object(j))
		return err_set(e, ERR_INVALID, f->name, "%s: not a JSON object",
		    f->name);
	json_object_foreach(j, k, v) {
		for (t = 0; top[t] != NULL && strcmp(top[t], k) != 0; t++)
			;
		if (top[t] == NULL)
			return err_set(e, ERR_INVALID, f->name, "%s: unknown "
			    "key \"%.40s\"", f->name, k);
	}
	v = json_object_get(j, "year");
	if (!json_is_integer(v) || json_integer_value(v) != f->year)
		return err_set(e, ERR_INVALID, f->name, "%s: \"year\" must be "
		    "%d, as in the file name", f->name, f->year);
	v = json_object_get(j, "source");
	if (!json_is_string(v) || json_string_length(v) == 0)
		return err_set(e, ERR_INVALID, f->name, "%s: \"source\" must "
		    "name the notice the dates come from", f->name);
	/* CAL-008: absent means official. */
	v = json_object_get(j, "status");
	if (v != NULL && (!json_is_string(v) ||
	    (strcmp(json_string_value(v), "official") != 0 &&
	    strcmp(json_string_value(v), "provisional") != 0)))
		return err_set(e, ERR_INVALID, f->name, "%s: \"status\" must "
		    "be \"official\" or \"provisional\"", f->name);
	f->cy.provisional = v != NULL &&
	    strcmp(json_string_value(v), "provisional") == 0;
	v = json_object_get(j, "note");
	if (v != NULL && !json_is_string(v))
		return err_set(e, ERR_INVALID, f->name, "%s: \"note\" must be "
		    "a string", f->name);
	hs = json_object_get(j, "holidays");
	if (!json_is_array(hs))
		return err_set(e, ERR_INVALID, f->name, "%s: \"holidays\" must "
		    "be an array", f->name);

	/* Start from the plain week: Monday to Friday work. */
	f->cy.loaded = 1;
	f->cy.ndays = cal_leap(f->year) ? 366 : 365;
	for (doy = 0; doy < f->cy.ndays; doy++) {
		wd = cal_wday(f->year, doy);
		cal_setbit(f->cy.work, doy, wd != 0 && wd != 6);
	}
	json_array_foreach(hs, i, hol) {
		if (!json_is_object(hol))
			return err_set(e, ERR_INVALID, f->name, "%s: "
			    "holidays[%zu] must be an object", f->name, i);
		json_object_foreach(hol, k, v) {
			for (t = 0; hkeys[t] != NULL &&
			    strcmp(hkeys[t], k) != 0; t++)
				;
			if (hkeys[t] == NULL)
				return err_set(e, ERR_INVALID, f->name, "%s: "
				    "holidays[%zu]: unknown key \"%.40s\"",
				    f->name, i, k);
		}
		v = json_object_get(hol, "name");
		if (!json_is_string(v) || json_string_length(v) == 0)
			return err_set(e, ERR_INVALID, f->name, "%s: "
			    "holidays[%zu]: \"name\" is required", f->name, i);
		if ((rc = cal_file_list(f, (int)i, hol, "off", 1, e)) < 0 ||
		    (rc = cal_file_list(f, (int)i, hol, "workdays", 0, e)) < 0)
			return rc;
	}
	return 0;
}

/* Read and check dir/name into f. */
static int
cal_file_load(const char *dir, struct cal_file *f, struct err *e)
{
	json_error_t	 je;
	json_t		*j = NULL;
	FILE		*fp = NULL;
	char		*path, *data = NULL;
	size_t		 n;
	int		 rc;

	path = xasprintf("%s/%s", dir, f->name);
	if ((fp = fopen(path, "rb")) == NULL) {
		rc = err_set(e, ERR_IO, f->name, "%s: %s", f->name,
		    strerror(errno));
		goto out;
	}
	data = xmalloc(CAL_MAX_BYTES + 1);
	n = fread(data, 1, CAL_MAX_BYTES + 1, fp);
	if (ferror(fp)) {
		rc = err_set(e, ERR_IO, f->name, "%s: read error", f->name);
		goto out;
	}
	if (n > CAL_MAX_BYTES) {
		rc = err_set(e, ERR_INVALID, f->name, "%s: larger than %d "
		    "bytes", f->name, CAL_MAX_BYTES);
		goto out;
	}
	if ((j = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		rc = err_set(e, ERR_INVALID, f->name, "%s: line %d: %.100s",
		    f->name, je.line, je.text);
		goto out;
	}
	rc = cal_file_check(f, j, e);
out:
	json_decref(j);
	free(data);
	if (fp != NULL)
		fclose(fp);
	free(path);
	return rc;
}

/* The year of a CN-YYYY.json name, or 0 for any other name. */
static int
cal_name_year(const char *name)
{
	int	i, y = 0;

	if (strlen(name) != 12 || strncmp(name, "CN-", 3) != 0 ||
	    strcmp(name + 7, ".json") != 0)
		return 0;
	for (i = 3; i < 7; i++) {
		if (!cal_isdigit(name[i]))
			return 0;
		y = y * 10 + (name[i] - '0');
	}
	return y;
}

static int
cal_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
calendar_load_dir(const char *dir, struct err *e)
{
	DIR		*dp = NULL;
	struct dirent	*de;
	struct cal_set	*s = NULL, *old;
	struct cal_file	*f = NULL;
	char		*names[CAL_MAX_FILES];
	size_t		 nn = 0, i;
	int		 rc, y, lo = CAL_MAX_YEAR, hi = CAL_MIN_YEAR;

	if ((dp = opendir(dir)) == NULL) {
		rc = err_set(e, ERR_IO, "calendar", "calendar directory "
		    "%.120s: %s", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(dp)) != NULL) {
		if ((y = cal_name_year(de->d_name)) == 0)
			continue;
		if (nn == CAL_MAX_FILES) {
			rc = err_set(e, ERR_INVALID, "calendar", "more than %d "
			    "calendar files in %.120s", CAL_MAX_FILES, dir);
			goto out;
		}
		names[nn++] = xstrdup(de->d_name);
	}
	if (nn == 0) {
		rc = err_set(e, ERR_IO, "calendar", "no CN-YYYY.json calendar "
		    "files in %.120s", dir);
		goto out;
	}
	qsort(names, nn, sizeof(names[0]), cal_name_cmp);
	f = xcalloc(nn, sizeof(*f));
	for (i = 0; i < nn; i++) {
		f[i].name = names[i];
		f[i].year = cal_name_year(names[i]);
		if (f[i].year < CAL_MIN_YEAR) {
			rc = err_set(e, ERR_INVALID, names[i], "%s: years "
			    "before %d are not supported", names[i],
			    CAL_MIN_YEAR);
			goto out;
		}
		if ((rc = cal_file_load(dir, &f[i], e)) < 0)
			goto out;
		if (f[i].year < lo)
			lo = f[i].year;
		if (f[i].year > hi)
			hi = f[i].year;
	}

	s = xcalloc(1, sizeof(*s));
	s->first = lo;
	s->n = hi - lo + 1;
	s->years = xcalloc((size_t)s->n, sizeof(*s->years));
	for (i = 0; i < nn; i++)
		s->years[f[i].year - lo] = f[i].cy;

	/* Writers take turns; readers only ever see a complete set. */
	pthread_mutex_lock(&cal_lock);
	old = atomic_exchange_explicit(&cal_cur, s, memory_order_acq_rel);
	if (old != NULL) {
		old->retired = cal_retired;
		cal_retired = old;
	}
	pthread_mutex_unlock(&cal_lock);
	s = NULL;
	rc = 0;
out:
	if (dp != NULL)
		closedir(dp);
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(f);
	if (s != NULL) {
		free(s->years);
		free(s);
	}
	return rc;
}

/* Days from a to b (both valid dates, a <= b within the same era). */
static int
cal_days_between(const char *a, const char *b)
{
	struct cal_date	da, db;
	int		n, y;

	if (cal_parse(a, &da) != 0 || cal_parse(b, &db) != 0)
		return 0;
	n = db.doy - da.doy;
	for (y = da.y; y < db.y; y++)
		n += 365 + cal_leap(y);
	return n;
}

/* Year y of s is loaded (and official, if that is asked for). */
static int
cal_has(const struct cal_set *s, int y, int official)
{
	return s != NULL && y >= s->first && y < s->first + s->n &&
	    s->years[y - s->first].loaded &&
	    (!official || !s->years[y - s->first].provisional);
}

static int
cal_last(const char *today, int official)
{
	const struct cal_set	*s = cal_current();
	struct cal_date		 d;
	int			 y;

	if (cal_parse(today, &d) != 0 || !cal_has(s, d.y, official))
		return -1;
	for (y = d.y; cal_has(s, y + 1, official); y++)
		;
	return y;
}

int
calendar_last_year(const char *today)
{
	return cal_last(today, 0);
}

json_t *
calendar_years_json(void)
{
	const struct cal_set	*s = cal_current();
	json_t			*years = json_array();
	int			 i;

	for (i = 0; s != NULL && i < s->n; i++)
		if (s->years[i].loaded)
			json_array_append_new(years, json_pack("{s:i, s:s}",
			    "year", s->first + i, "status",
			    s->years[i].provisional ? "provisional" :
			    "official"));
	return years;
}

int
calendar_provisional(const char *a, const char *b)
{
	const struct cal_set	*s = cal_current();
	struct cal_date		 da, db;
	int			 y, lo, hi;

	if (cal_parse(a, &da) != 0 || cal_parse(b, &db) != 0)
		return 0;
	lo = da.y < db.y ? da.y : db.y;
	hi = da.y < db.y ? db.y : da.y;
	for (y = lo; y <= hi; y++)
		if (cal_has(s, y, 0) && s->years[y - s->first].provisional)
			return y;
	return 0;
}

int
calendar_job_horizon(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	char	today[CALENDAR_DATE_LEN + 1], end[24];
	int	last, left;

	(void)st;
	(void)who;
	(void)e;
	rec_today(today);
	/* CAL-008: a provisional year does not count as covered. */
	if ((last = cal_last(today, 1)) < 0 &&
	    calendar_provisional(today, today) != 0) {
		log_warn("working-day calendar: CN-%.4s.json is provisional: "
		    "replace it with the State Council's holiday notice",
		    today);
		buf_printf(detail, "calendar for %.4s is provisional "
		    "(statutory days only): replace data/calendar/CN-%.4s.json "
		    "with the State Council's notice", today, today);
		return 0;
	}
	if (last < 0) {
		log_warn("working-day calendar: none for %.4s: add "
		    "data/calendar/CN-%.4s.json", today, today);
		buf_printf(detail, "no calendar for %.4s: every working-day "
		    "deadline fails; add data/calendar/CN-%.4s.json", today,
		    today);
		return 0;
	}
	snprintf(end, sizeof(end), "%04d-12-31", last);
	left = cal_days_between(today, end);
	if (left < CALENDAR_HORIZON_DAYS &&
	    calendar_provisional(end, end) == 0 &&
	    calendar_last_year(today) > last) {
		log_warn("working-day calendar: official to %s (%d days); "
		    "CN-%04d.json is provisional: replace it with the State "
		    "Council's holiday notice", end, left, last + 1);
		buf_printf(detail, "calendar official to %s, %d days left; "
		    "CN-%04d.json is provisional (statutory days only): replace "
		    "data/calendar/CN-%04d.json with the State Council's notice",
		    end, left, last + 1, last + 1);
	} else if (left < CALENDAR_HORIZON_DAYS) {
		log_warn("working-day calendar ends %s (%d days): add "
		    "data/calendar/CN-%04d.json from the State Council's "
		    "holiday notice", end, left, last + 1);
		buf_printf(detail, "calendar ends %s, %d days left: add "
		    "data/calendar/CN-%04d.json", end, left, last + 1);
	} else
		buf_printf(detail, "calendar covers to %s (%d days)", end, left);
	return 0;
}
