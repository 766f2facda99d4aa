/*
 * Out-of-range and outlier flags of decided fines for supervision (执法
 * 监督, ENF-060..062; docs/modules/enforce_flag.md): a decision whose
 * amount lies outside the discretion engine's sub-range, with the
 * written justification; and, per item, party type and tier, a fine far
 * from the distribution of similar decisions by the robust z value
 * |x − median| / (1.4826 × MAD).  The statistics are pure functions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "enforce.h"
#include "enforce_pub.h"
#include "pii.h"
#include "registry_int.h"

#define ENF_MAD_K	1.4826		/* MAD → σ for a normal sample */
#define ENF_MEANAD_K	1.253314	/* mean absolute deviation → σ */

/* Decided: a decision exists and was not undone. */
#define ENF_DECIDED "c.decided_on IS NOT NULL AND c.status IN ('decided', " \
    "'served', 'closed')"

static int
enf_cmp_d(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
enf_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), enf_cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
enforce_flag_stats(const int64_t *x, size_t n, size_t min_samples,
    struct enforce_stats *out)
{
	double	*v;
	double	 sum = 0;
	size_t	 i;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->method = "few";
	if (n == 0 || n < min_samples)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = (double)x[i];
	out->median = enf_median(v, n);
	for (i = 0; i < n; i++) {
		v[i] = fabs((double)x[i] - out->median);
		sum += v[i];
	}
	out->mad = enf_median(v, n);
	free(v);
	out->ok = 1;
	if (out->mad > 0) {
		out->scale = ENF_MAD_K * out->mad;
		out->method = "mad";
	} else if (sum > 0) {
		/* More than half the sample is the median itself: the MAD
		 * says nothing of the spread; the mean absolute deviation
		 * still does (ENF-061). */
		out->scale = ENF_MEANAD_K * (sum / (double)n);
		out->method = "meanad";
	} else {
		out->scale = 0;
		out->method = "equal";
	}
}

double
enforce_flag_z(const struct enforce_stats *s, int64_t x)
{
	if (!s->ok || s->scale <= 0)
		return 0;
	return fabs((double)x - s->median) / s->scale;
}

/* Where who may look: "" for everywhere, a town code, or NULL (nowhere). */
static const char *
enf_flag_town(const struct actor *who, struct reg_scope *s)
{
	reg_scope_of(who, s);
	if (s->kind == RS_ALL)
		return "";
	if (s->kind == RS_TOWN)
		return s->town;
	return NULL;
}

/* The officers of case id as [{user_id, login, name, role, status}]. */
static int
enf_flag_officers(struct store *st, int64_t id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT o.user_id, u.login, u.display_name, "
	    "o.role, o.status FROM case_officers o JOIN users u ON u.id = "
	    "o.user_id WHERE o.case_id = ? ORDER BY o.role DESC, o.added_at, "
	    "o.user_id", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	*out = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*out, json_pack("{s:o, s:s, s:s, s:s, "
		    "s:s}", "user_id", jx_id(store_int(r, 0)), "login",
		    store_text(r, 1), "name", store_text(r, 2), "role",
		    store_text(r, 3), "status", store_text(r, 4)));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The party as supervisors see it: an individual's name masked (P-2). */
static json_t *
enf_flag_party(const char *type, const char *name)
{
	char	*m;
	json_t	*j;

	if (strcmp(type, "individual") != 0)
		return json_string(name);
	m = pii_mask_name(name);
	j = json_string(m);
	free(m);
	return j;
}

/* A range {min, max} of the suggestion's key, or null. */
static json_t *
enf_flag_range(const json_t *sug, const char *key)
{
	const json_t	*r = json_object_get(sug, key);

	if (!json_is_object(r))
		return json_null();
	return json_pack("{s:O?, s:O?}", "min", json_object_get(r, "min"),
	    "max", json_object_get(r, "max"));
}

#define ENF_FLAG_COLS "c.id, c.no, c.decision_no, c.decided_on, c.town, " \
    "c.party_type, c.party_name, v.id, v.item, v.tier, v.amount_fen, " \
    "v.amount_check, v.justification, v.suggestion, v.outcome "

/* The common part of a flag from a row of ENF_FLAG_COLS. */
static json_t *
enf_flag_row(struct store_rows *r)
{
	json_t	*sug, *j;

	sug = json_loads(store_text(r, 13), 0, NULL);
	j = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, "
	    "s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:O?, s:O?}",
	    "case_id", jx_id(store_int(r, 0)), "case_no", store_text(r, 1),
	    "decision_no", store_text(r, 2), "decided_on", store_text(r, 3),
	    "town", store_text(r, 4), "party_type", store_text(r, 5),
	    "party_name", enf_flag_party(store_text(r, 5), store_text(r, 6)),
	    "violation_id", jx_id(store_int(r, 7)), "item", store_text(r, 8),
	    "tier", store_text(r, 9), "amount_fen", (json_int_t)store_int(r,
	    10), "amount_yuan", (json_int_t)(store_int(r, 10) / 100),
	    "amount_check", store_text(r, 11), "outcome", store_text(r, 14),
	    "justification", jx_str_or_null(store_isnull(r, 12) ? NULL :
	    store_text(r, 12)), "range", enf_flag_range(sug, "range"),
	    "tier_range", enf_flag_range(sug, "tier_range"),
	    "basis", json_object_get(sug, "basis"),
	    "name_zh", json_object_get(sug, "name"));
	json_decref(sug);
	return j;
}

/* Add each flag's officers (only the page is asked for them). */
static int
enf_flag_add_officers(struct store *st, json_t *items, const char *kind,
    struct err *e)
{
	struct buf	 names;
	json_t		*f, *o, *x;
	size_t		 i, j;
	int		 rc;

	json_array_foreach(items, i, f) {
		if ((rc = enf_flag_officers(st, strtoll(json_string_value(
		    json_object_get(f, "case_id")), NULL, 10), &o, e)) < 0)
			return rc;
		/* "officer": the acting officers in one line, for lists. */
		buf_init(&names);
		json_array_foreach(o, j, x) {
			if (strcmp(json_string_value(json_object_get(x,
			    "status")), "active") != 0)
				continue;
			if (names.len)
				buf_adds(&names, "、");
			buf_adds(&names, json_string_value(json_object_get(x,
			    "name")));
		}
		json_object_set_new(f, "kind", json_string(kind));
		json_object_set_new(f, "officers", o);
		json_object_set_new(f, "officer", json_string(names.len ?
		    names.data : ""));
		buf_free(&names);
	}
	return 0;
}

/*
 * ENF-060: a decided violation whose amount is not within the suggested
 * range (below_range, above_range, or a fine where none was due).  A
 * violation without a fine (no penalty, warning) is not_due by nature
 * and is not an amount out of range.
 */
static int
enf_flag_out_of_range(struct store *st, const char *town, int64_t offset,
    int64_t limit, json_t **items, int64_t *total, struct err *e)
{
	static const char	 where[] = " FROM case_violations v JOIN cases "
	    "c ON c.id = v.case_id WHERE v.status = 'active' AND " ENF_DECIDED
	    " AND v.amount_check NOT IN ('in_range', 'in-range') AND NOT "
	    "(v.amount_check IN ('not_due', 'not-due') AND v.amount_fen = 0) "
	    "AND (? = '' OR c.town = ?)";
	struct store_rows	*r = NULL;
	char			*sql;
	int			 rc;

	sql = xasprintf("SELECT COUNT(*)%s", where);
	rc = store_query_int(st, sql, STORE_ARGS(SV_S(town), SV_S(town)),
	    total, e);
	free(sql);
	if (rc < 0)
		return rc;
	sql = xasprintf("SELECT " ENF_FLAG_COLS "%s ORDER BY c.decided_on "
	    "DESC, c.id DESC, v.seq LIMIT ? OFFSET ?", where);
	rc = store_query(st, sql, STORE_ARGS(SV_S(town), SV_S(town),
	    SV_I(limit), SV_I(offset)), &r, e);
	free(sql);
	if (rc < 0)
		return rc;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, enf_flag_row(r));
	store_rows_free(r);
	if (rc == 0)
		rc = enf_flag_add_officers(st, *items, "out_of_range", e);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

static int
enf_cmp_z(const void *a, const void *b)
{
	const json_t	*p = *(json_t *const *)a, *q = *(json_t *const *)b;
	double		 x = json_real_value(json_object_get(p, "z"));
	double		 y = json_real_value(json_object_get(q, "z"));

	if (x != y)
		return x > y ? -1 : 1;
	return (int)(json_integer_value(json_object_get(p, "_pos")) -
	    json_integer_value(json_object_get(q, "_pos")));
}

/* The flags, most extreme first (ties: the order they were read in). */
static void
enf_flag_sort(json_t *a)
{
	size_t	 i, n = json_array_size(a);
	json_t	**v = xcalloc(n ? n : 1, sizeof(*v));

	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	/* qsort is not stable: break ties by the position read. */
	for (i = 0; i < n; i++)
		json_object_set_new(v[i], "_pos", json_integer((json_int_t)i));
	qsort(v, n, sizeof(*v), enf_cmp_z);
	json_array_clear(a);
	for (i = 0; i < n; i++) {
		json_object_del(v[i], "_pos");
		json_array_append_new(a, v[i]);
	}
	free(v);
}

/* One group of similar decisions (same item, party type, tier). */
struct enf_group {
	int64_t	*amounts;
	size_t	 n, cap;
};

/* Judge the group just read: its flagged rows appended to flagged. */
static void
enf_flag_judge(json_t *rows, const int64_t *amounts, size_t n,
    json_t *flagged)
{
	struct enforce_stats	 s;
	json_t			*row;
	double			 z, thr = enforce_outlier_z();
	size_t			 i;
	int			 min = enforce_outlier_min();

	enforce_flag_stats(amounts, n, min > 0 ? (size_t)min : 1, &s);
	if (!s.ok)
		return;
	for (i = 0; i < n; i++) {
		z = enforce_flag_z(&s, amounts[i]);
		if (!(z > thr))
			continue;
		row = json_array_get(rows, i);
		if (row == NULL || json_is_null(row))
			continue;	/* outside the scope: compared only */
		json_object_set_new(row, "median_fen", json_real(s.median));
		json_object_set_new(row, "median_yuan",
		    json_real(s.median / 100));
		json_object_set_new(row, "mad_fen", json_real(s.mad));
		json_object_set_new(row, "scale_fen", json_real(s.scale));
		json_object_set_new(row, "method", json_string(s.method));
		json_object_set_new(row, "samples", json_integer((json_int_t)n));
		json_object_set_new(row, "z", json_real(round(z * 100) / 100));
		json_object_set_new(row, "threshold", json_real(thr));
		json_array_append(flagged, row);
	}
}

/*
 * ENF-061: per (item, party type, tier), every decided fine of the city
 * is compared with the others; those of who's scope beyond the threshold
 * are listed, most extreme first.
 */
static int
enf_flag_outliers(struct store *st, const char *town, int64_t offset,
    int64_t limit, json_t **items, int64_t *total, struct err *e)
{
	struct store_rows	*r = NULL;
	struct enf_group	 g = { NULL, 0, 0 };
	json_t			*rows = NULL, *flagged = json_array(), *page;
	char			 key[256] = "", k[256];
	size_t			 i;
	int			 rc;

	if ((rc = store_query(st, "SELECT " ENF_FLAG_COLS ", c.party_type "
	    "FROM case_violations v JOIN cases c ON c.id = v.case_id WHERE "
	    "v.status = 'active' AND v.outcome = 'fine' AND v.amount_fen > 0 "
	    "AND " ENF_DECIDED " ORDER BY v.item, c.party_type, v.tier, "
	    "v.id", STORE_NOARGS, &r, e)) < 0)
		goto out;
	rows = json_array();
	while ((rc = store_next(r, e)) == 1) {
		snprintf(k, sizeof(k), "%s\x1f%s\x1f%s", store_text(r, 8),
		    store_text(r, 5), store_text(r, 9));
		if (strcmp(k, key) != 0) {
			enf_flag_judge(rows, g.amounts, g.n, flagged);
			json_array_clear(rows);
			g.n = 0;
			memcpy(key, k, sizeof(key));
		}
		if (g.n == g.cap) {
			g.cap = g.cap ? 2 * g.cap : 64;
			g.amounts = xrealloc(g.amounts, g.cap *
			    sizeof(*g.amounts));
		}
		g.amounts[g.n++] = store_int(r, 10);
		/* Rows outside the scope are part of the sample only. */
		json_array_append_new(rows, *town == '\0' ||
		    strcmp(store_text(r, 4), town) == 0 ? enf_flag_row(r) :
		    json_null());
	}
	store_rows_free(r);
	if (rc < 0)
		goto out;
	enf_flag_judge(rows, g.amounts, g.n, flagged);
	enf_flag_sort(flagged);
	*total = (int64_t)json_array_size(flagged);
	page = json_array();
	for (i = (size_t)offset; i < json_array_size(flagged) &&
	    (int64_t)json_array_size(page) < limit; i++)
		json_array_append(page, json_array_get(flagged, i));
	if ((rc = enf_flag_add_officers(st, page, "outlier", e)) < 0) {
		json_decref(page);
		goto out;
	}
	*items = page;
out:
	free(g.amounts);
	json_decref(rows);
	json_decref(flagged);
	return rc;
}

int
enforce_flags(struct store *st, struct actor *who, const char *kind,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	struct reg_scope	 s;
	const char		*town;
	int			 rc;

	if ((rc = reg_need(who, "case:supervise", e)) < 0)
		return rc;
	if (kind == NULL || *kind == '\0')
		return err_set(e, ERR_MISSING, "kind", "kind is required: "
		    "out_of_range or outlier");
	if (strcmp(kind, "out_of_range") != 0 && strcmp(kind, "outlier") != 0)
		return err_set(e, ERR_INVALID, "kind", "kind must be "
		    "out_of_range or outlier");
	if ((town = enf_flag_town(who, &s)) == NULL) {
		*items = json_array();
		*total = 0;
		return 0;
	}
	if (strcmp(kind, "out_of_range") == 0)
		return enf_flag_out_of_range(st, town, offset, limit, items,
		    total, e);
	return enf_flag_outliers(st, town, offset, limit, items, total, e);
}
