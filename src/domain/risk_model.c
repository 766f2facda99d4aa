/*
 * The risk model as data (RISK-001): loading and strictly checking
 * data/rules/risk-v1.json, and the arithmetic that turns a unit's
 * measured inputs into contributing factors, a score and a grade
 * (RISK-002..RISK-005), the inputs hash that says when a stored score
 * must be rewritten (RISK-006), and the stored form of the factors.  No
 * weight or threshold is written in this file: the catalogue below only
 * says which factors exist and what each one measures.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "dck.h"
#include "registry.h"
#include "risk.h"
#include "risk_int.h"

const char *const risk_event_kinds[] = {
	"hazard", "major_hazard", "penalty", "complaint_upheld", "fire",
	"fire_alarm", "false_alarm", "device_fault", NULL,
};
const char *const risk_grades[] = {
	"high", "medium_high", "medium", "low", NULL,
};

/* The catalogue; bits are filled from registry_categories at load. */
const struct rk_def rk_defs[RK__N] = {
	{ "category.high_risk", RKK_CATEGORY, "high_risk", 0, 0, 0 },
	{ "category.key", RKK_CATEGORY, "key", 0, 0, 0 },
	{ "category.public_gathering", RKK_CATEGORY, "public_gathering", 0, 0,
	    0 },
	{ "category.crowded", RKK_CATEGORY, "crowded", 0, 0, 0 },
	{ "category.special_industry", RKK_CATEGORY, "special_industry", 0, 0,
	    0 },
	{ "category.three_small", RKK_CATEGORY, "three_small", 0, 0, 0 },
	{ "category.rental", RKK_CATEGORY, "rental", 0, 0, 0 },
	{ "building.height", RKK_BANDS, "height_cm", RKM_HEIGHT, 0, 0 },
	{ "building.floors_below", RKK_BANDS, "floors_below", RKM_FLOORS_BELOW,
	    0, 0 },
	{ "building.floor_area", RKK_BANDS, "floor_area_m2", RKM_FLOOR_AREA, 0,
	    0 },
	{ "building.occupancy", RKK_BANDS, "occupancy", RKM_OCCUPANCY, 0, 0 },
	{ "building.no_sprinklers", RKK_MISSING, NULL, RKM_NO_SPRINKLERS, 0,
	    0 },
	{ "building.no_auto_alarm", RKK_MISSING, NULL, RKM_NO_AUTO_ALARM, 0,
	    0 },
	{ "history.hazard", RKK_EVENTS, "hazard", 0, 0, 0 },
	{ "history.major_hazard", RKK_EVENTS, "major_hazard", 0, 0, 1 },
	{ "history.penalty", RKK_EVENTS, "penalty", 0, 0, 2 },
	{ "history.complaint_upheld", RKK_EVENTS, "complaint_upheld", 0, 0, 3 },
	{ "history.fire", RKK_EVENTS, "fire", 0, 0, 4 },
	/* IoT monitoring (IOT-016): alarms raised, false alarms, faults. */
	{ "history.fire_alarm", RKK_EVENTS, "fire_alarm", 0, 0, 5 },
	{ "history.false_alarm", RKK_EVENTS, "false_alarm", 0, 0, 6 },
	{ "history.device_fault", RKK_EVENTS, "device_fault", 0, 0, 7 },
};

/* Limits of the numbers in the file. */
#define RK_WINDOW_MAX	3650
#define RK_SCORE_MAX	10000
#define RK_GTE_MAX	1000000000LL
#define RK_TEXT_MAX	64		/* names, code points */
#define RK_SOURCE_MAX	2000
#define RK_PATH		192		/* a key path (cut to ERR_FIELD_MAX) */

static struct rk_model *_Atomic	rk_loaded;
static pthread_mutex_t		rk_lock = PTHREAD_MUTEX_INITIALIZER;
/* Category bits by catalogue row (the registry's, looked up once). */
static int			rk_bits[RK__N];

const struct rk_model *
rk_model(void)
{
	return atomic_load(&rk_loaded);
}

const char *
risk_model_version(void)
{
	const struct rk_model	*m = rk_model();

	return m != NULL ? m->version : NULL;
}

int
rk_grade_index(const char *s)
{
	int	i;

	for (i = 0; s != NULL && risk_grades[i]; i++)
		if (strcmp(s, risk_grades[i]) == 0)
			return i;
	return -1;
}

int
rk_event_index(const char *s)
{
	int	i;

	for (i = 0; s != NULL && risk_event_kinds[i]; i++)
		if (strcmp(s, risk_event_kinds[i]) == 0)
			return i;
	return -1;
}

/* Loading. */

/* o[key] as an integer in [min, max]. */
static int
rk_int(const struct dck *c, const char *path, const json_t *o, const char *key,
    int64_t min, int64_t max, int64_t *out)
{
	json_t	*v = json_object_get(o, key);
	char	 p[RK_PATH];

	snprintf(p, sizeof(p), "%.100s%s%.20s", path, *path ? "." : "", key);
	if (v == NULL)
		return dck_bad(c, p, "missing");
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return dck_bad(c, p, "must be an integer from %lld to %lld",
		    (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

/* o[key] as text of 1..max code points (absent is an error unless opt). */
static int
rk_text(const struct dck *c, const char *path, const json_t *o, const char *key,
    size_t max, int opt, const char **out)
{
	json_t	*v = json_object_get(o, key);
	char	 p[RK_PATH];
	size_t	 n;

	snprintf(p, sizeof(p), "%.100s%s%.20s", path, *path ? "." : "", key);
	if (v == NULL && opt) {
		if (out != NULL)
			*out = NULL;
		return 0;
	}
	if (v == NULL)
		return dck_bad(c, p, "missing");
	if (!json_is_string(v) || (n = str_utf8_len(json_string_value(v))) ==
	    0 || n > max)
		return dck_bad(c, p, "must be text of 1 to %zu characters", max);
	if (out != NULL)
		*out = json_string_value(v);
	return 0;
}

/* o[key] is "C", "P" or "U" (FACTS.md status tags). */
static int
rk_status(const struct dck *c, const char *path, const json_t *o)
{
	const char	*s;
	char		 p[RK_PATH];
	int		 rc;

	if ((rc = rk_text(c, path, o, "status", 1, 0, &s)) < 0)
		return rc;
	if (strcmp(s, "C") != 0 && strcmp(s, "P") != 0 && strcmp(s, "U") != 0) {
		snprintf(p, sizeof(p), "%.100s%sstatus", path, *path ? "." : "");
		return dck_bad(c, p, "must be C, P or U");
	}
	return 0;
}

static int
rk_grades_parse(const struct dck *c, json_t *g, struct rk_model *m)
{
	static const char *const keys[] = { "status", "source", "cutoffs",
	    NULL };
	static const char *const ckeys[] = { "grade", "name_zh", "name_en",
	    "min_score", NULL };
	const char	*s;
	json_t		*list, *x;
	char		 p[RK_PATH];
	int64_t		 v;
	size_t		 i;
	int		 rc;

	if (!json_is_object(g))
		return dck_bad(c, "grades", "must be an object");
	if ((rc = dck_keys(c, "grades", g, keys)) < 0 ||
	    (rc = rk_status(c, "grades", g)) < 0 ||
	    (rc = rk_text(c, "grades", g, "source", RK_SOURCE_MAX, 0,
	    NULL)) < 0)
		return rc;
	list = json_object_get(g, "cutoffs");
	if (!json_is_array(list) || json_array_size(list) != RK_GRADES)
		return dck_bad(c, "grades.cutoffs", "must list the %d grades "
		    "high, medium_high, medium, low", RK_GRADES);
	json_array_foreach(list, i, x) {
		snprintf(p, sizeof(p), "grades.cutoffs[%zu]", i);
		if (!json_is_object(x))
			return dck_bad(c, p, "must be an object");
		if ((rc = dck_keys(c, p, x, ckeys)) < 0 ||
		    (rc = rk_text(c, p, x, "grade", 16, 0, &s)) < 0)
			return rc;
		if (strcmp(s, risk_grades[i]) != 0) {
			snprintf(p, sizeof(p), "grades.cutoffs[%zu].grade", i);
			return dck_bad(c, p, "must be %s (grades run high, "
			    "medium_high, medium, low)", risk_grades[i]);
		}
		if ((rc = rk_text(c, p, x, "name_zh", RK_TEXT_MAX, 0,
		    &m->grade_zh[i])) < 0 ||
		    (rc = rk_text(c, p, x, "name_en", RK_TEXT_MAX, 0,
		    &m->grade_en[i])) < 0 ||
		    (rc = rk_int(c, p, x, "min_score", 0, m->score_max,
		    &v)) < 0)
			return rc;
		m->min_score[i] = (int)v;
		snprintf(p, sizeof(p), "grades.cutoffs[%zu].min_score", i);
		if (i > 0 && m->min_score[i] >= m->min_score[i - 1])
			return dck_bad(c, p, "must be below the grade above's");
		if (i == RK_GRADES - 1 && m->min_score[i] != 0)
			return dck_bad(c, p, "must be 0 (every score has a "
			    "grade)");
	}
	return 0;
}

/* bands: [{gte, points}, ...], gte ascending. */
static int
rk_bands_parse(const struct dck *c, const char *path, json_t *fo,
    struct rk_factor *f)
{
	static const char *const keys[] = { "gte", "points", NULL };
	json_t	*list = json_object_get(fo, "bands"), *x;
	char	 p[RK_PATH];
	int64_t	 v;
	size_t	 i;
	int	 rc;

	snprintf(p, sizeof(p), "%.100s.bands", path);
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > RK_BANDS_MAX)
		return dck_bad(c, p, "must list 1 to %d bands", RK_BANDS_MAX);
	json_array_foreach(list, i, x) {
		snprintf(p, sizeof(p), "%.100s.bands[%zu]", path, i);
		if (!json_is_object(x))
			return dck_bad(c, p, "must be an object");
		if ((rc = dck_keys(c, p, x, keys)) < 0 ||
		    (rc = rk_int(c, p, x, "gte", 1, RK_GTE_MAX, &f->gte[i])) <
		    0 || (rc = rk_int(c, p, x, "points", 0, RK_POINTS_MAX,
		    &v)) < 0)
			return rc;
		f->band_points[i] = (int)v;
		if (i > 0 && f->gte[i] <= f->gte[i - 1]) {
			snprintf(p, sizeof(p), "%.100s.bands[%zu].gte", path, i);
			return dck_bad(c, p, "must be above the previous band's");
		}
		f->nbands = (int)i + 1;
	}
	return 0;
}

static int
rk_factor_parse(const struct dck *c, json_t *fo, int fid, struct rk_factor *f)
{
	static const char *const kcat[] = { "id", "name_zh", "name_en",
	    "status", "source", "note", "points", NULL };
	static const char *const kbands[] = { "id", "name_zh", "name_en",
	    "status", "source", "note", "measure", "bands", NULL };
	static const char *const kmissing[] = { "id", "name_zh", "name_en",
	    "status", "source", "note", "large", "points", NULL };
	static const char *const kevents[] = { "id", "name_zh", "name_en",
	    "status", "source", "note", "event", "each", "cap", NULL };
	static const char *const klarge[] = { "floor_area_m2", "height_cm",
	    NULL };
	static const char *const *const keys[] = { kcat, kbands, kmissing,
	    kevents };
	const struct rk_def	*d = &rk_defs[fid];
	const char		*s;
	json_t			*large;
	char			 path[RK_PATH], p[RK_PATH];
	int64_t			 v;
	int			 rc;

	snprintf(path, sizeof(path), "factors[%s]", d->id);
	if ((rc = dck_keys(c, path, fo, keys[d->kind])) < 0 ||
	    (rc = rk_text(c, path, fo, "name_zh", RK_TEXT_MAX, 0,
	    &f->name_zh)) < 0 ||
	    (rc = rk_text(c, path, fo, "name_en", RK_TEXT_MAX, 0,
	    &f->name_en)) < 0 ||
	    (rc = rk_status(c, path, fo)) < 0 ||
	    (rc = rk_text(c, path, fo, "source", RK_SOURCE_MAX, 0, NULL)) < 0 ||
	    (rc = rk_text(c, path, fo, "note", RK_SOURCE_MAX, 1, NULL)) < 0)
		return rc;
	switch (d->kind) {
	case RKK_CATEGORY:
		if ((rc = rk_int(c, path, fo, "points", 0, RK_POINTS_MAX,
		    &v)) < 0)
			return rc;
		f->points = (int)v;
		return 0;
	case RKK_BANDS:
		if ((rc = rk_text(c, path, fo, "measure", 32, 0, &s)) < 0)
			return rc;
		if (strcmp(s, d->arg) != 0) {
			snprintf(p, sizeof(p), "%.100s.measure", path);
			return dck_bad(c, p, "must be %s", d->arg);
		}
		return rk_bands_parse(c, path, fo, f);
	case RKK_MISSING:
		snprintf(p, sizeof(p), "%.100s.large", path);
		large = json_object_get(fo, "large");
		if (!json_is_object(large))
			return dck_bad(c, p, "must be {\"floor_area_m2\", "
			    "\"height_cm\"}");
		if ((rc = dck_keys(c, p, large, klarge)) < 0 ||
		    (rc = rk_int(c, p, large, "floor_area_m2", 1, RK_GTE_MAX,
		    &f->large_area)) < 0 ||
		    (rc = rk_int(c, p, large, "height_cm", 1, RK_GTE_MAX,
		    &f->large_height)) < 0 ||
		    (rc = rk_int(c, path, fo, "points", 0, RK_POINTS_MAX,
		    &v)) < 0)
			return rc;
		f->points = (int)v;
		return 0;
	default:
		if ((rc = rk_text(c, path, fo, "event", 32, 0, &s)) < 0)
			return rc;
		if (strcmp(s, d->arg) != 0) {
			snprintf(p, sizeof(p), "%.100s.event", path);
			return dck_bad(c, p, "must be %s", d->arg);
		}
		if ((rc = rk_int(c, path, fo, "each", 0, RK_POINTS_MAX, &v)) <
		    0)
			return rc;
		f->each = (int)v;
		if ((rc = rk_int(c, path, fo, "cap", 0, RK_POINTS_MAX, &v)) < 0)
			return rc;
		f->cap = (int)v;
		return 0;
	}
}

static int
rk_factors_parse(const struct dck *c, json_t *list, struct rk_model *m)
{
	const char	*id;
	json_t		*x;
	char		 p[RK_PATH];
	int		 seen[RK__N] = { 0 };
	size_t		 i;
	int		 k, rc;

	if (!json_is_array(list))
		return dck_bad(c, "factors", "must be a list");
	json_array_foreach(list, i, x) {
		snprintf(p, sizeof(p), "factors[%zu]", i);
		if (!json_is_object(x))
			return dck_bad(c, p, "must be an object");
		if ((rc = rk_text(c, p, x, "id", 40, 0, &id)) < 0)
			return rc;
		for (k = 0; k < RK__N; k++)
			if (strcmp(rk_defs[k].id, id) == 0)
				break;
		if (k == RK__N) {
			snprintf(p, sizeof(p), "factors[%.40s]", id);
			return dck_bad(c, p, "unknown factor");
		}
		if (seen[k]++) {
			snprintf(p, sizeof(p), "factors[%s]", id);
			return dck_bad(c, p, "listed twice");
		}
		if ((rc = rk_factor_parse(c, x, k, &m->f[k])) < 0)
			return rc;
	}
	for (k = 0; k < RK__N; k++)
		if (!seen[k]) {
			snprintf(p, sizeof(p), "factors[%s]", rk_defs[k].id);
			return dck_bad(c, p, "missing (every factor of the "
			    "catalogue is listed, with 0 points to switch it "
			    "off)");
		}
	return 0;
}

static int
rk_doc_parse(const struct dck *c, json_t *doc, struct rk_model *m)
{
	static const char *const keys[] = { "format", "version", "template",
	    "status", "about", "window_days", "score_max", "grades",
	    "factors", NULL };
	const char	*s;
	int64_t		 v;
	int		 rc;

	if (!json_is_object(doc))
		return dck_bad(c, "format", "the file is not a JSON object");
	if ((rc = dck_keys(c, "", doc, keys)) < 0 ||
	    (rc = rk_text(c, "", doc, "format", 40, 0, &s)) < 0)
		return rc;
	if (strcmp(s, "firewarden-risk-v1") != 0)
		return dck_bad(c, "format", "must be firewarden-risk-v1");
	if ((rc = rk_text(c, "", doc, "version", 40, 0, &m->version)) < 0 ||
	    (rc = rk_status(c, "", doc)) < 0 ||
	    (rc = rk_text(c, "", doc, "about", RK_SOURCE_MAX * 4, 0,
	    NULL)) < 0)
		return rc;
	if (!json_is_boolean(json_object_get(doc, "template")))
		return dck_bad(c, "template", "must be true or false");
	if ((rc = rk_int(c, "", doc, "window_days", 1, RK_WINDOW_MAX,
	    &m->window_days)) < 0 ||
	    (rc = rk_int(c, "", doc, "score_max", 1, RK_SCORE_MAX, &v)) < 0)
		return rc;
	m->score_max = (int)v;
	if ((rc = rk_grades_parse(c, json_object_get(doc, "grades"), m)) < 0)
		return rc;
	return rk_factors_parse(c, json_object_get(doc, "factors"), m);
}

static void
rk_model_free(struct rk_model *m)
{
	if (m == NULL)
		return;
	json_decref(m->doc);
	free(m);
}

/* The category bits of the catalogue, from the registry's table. */
static void
rk_bits_init(void)
{
	const struct registry_category	*rc;
	int				 k;

	for (k = 0; k < RK__N; k++) {
		if (rk_defs[k].kind != RKK_CATEGORY)
			continue;
		for (rc = registry_categories; rc->name; rc++)
			if (strcmp(rc->name, rk_defs[k].arg) == 0)
				rk_bits[k] = rc->bit;
	}
}

/* $FIREWARDEN_DATA/RISK_MODEL_FILE, else data/RISK_MODEL_FILE. */
static char *
rk_default_path(void)
{
	const char	*d = getenv("FIREWARDEN_DATA");

	return xasprintf("%s/%s", d && *d ? d : "data", RISK_MODEL_FILE);
}

static int
rk_load(const char *path, struct err *e)
{
	struct rk_model	*m = NULL, *old;
	struct dck	 c;
	json_error_t	 je;
	FILE		*f = NULL;
	unsigned char	 h[CRYPTO_SM3_LEN];
	const char	*base;
	char		*text = NULL, *def = NULL;
	size_t		 n;
	int		 rc;

	if (path == NULL)
		path = def = rk_default_path();
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	c.file = base;
	c.e = e;
	if ((f = fopen(path, "rb")) == NULL) {
		rc = err_set(e, ERR_IO, "model", "cannot read %s: %s", path,
		    strerror(errno));
		goto out;
	}
	text = xmalloc(RISK_MODEL_MAX + 1);
	n = fread(text, 1, RISK_MODEL_MAX + 1, f);
	if (ferror(f) || n > RISK_MODEL_MAX) {
		rc = err_set(e, ferror(f) ? ERR_IO : ERR_INVALID, "model",
		    "%s: unreadable or larger than %d bytes", base,
		    RISK_MODEL_MAX);
		goto out;
	}
	m = xcalloc(1, sizeof(*m));
	crypto_sm3(text, n, h);
	memcpy(m->key, h, RK_MODEL_KEY);
	str_hex(h, sizeof(h), m->sm3);
	if ((m->doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		rc = err_set(e, ERR_INVALID, "model", "%s line %d: %.80s", base,
		    je.line, je.text);
		goto out;
	}
	if ((rc = rk_doc_parse(&c, m->doc, m)) < 0)
		goto out;
	rk_bits_init();
	old = atomic_exchange(&rk_loaded, m);
	rk_model_free(old);
	m = NULL;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	free(text);
	free(def);
	rk_model_free(m);
	return rc;
}

int
risk_model_load(const char *path, struct err *e)
{
	int	rc;

	pthread_mutex_lock(&rk_lock);
	rc = rk_load(path, e);
	pthread_mutex_unlock(&rk_lock);
	return rc;
}

int
rk_model_ensure(struct err *e)
{
	int	rc = 0;

	pthread_mutex_lock(&rk_lock);
	if (atomic_load(&rk_loaded) == NULL)
		rc = rk_load(NULL, e);
	pthread_mutex_unlock(&rk_lock);
	return rc;
}

void
risk_model_unload(void)
{
	pthread_mutex_lock(&rk_lock);
	rk_model_free(atomic_exchange(&rk_loaded, NULL));
	pthread_mutex_unlock(&rk_lock);
}

int
risk_model_json(json_t **out, struct err *e)
{
	const struct rk_model	*m = rk_model();
	json_t			*j;

	if (m == NULL)
		return err_set(e, ERR_UNAVAILABLE, "model", "the risk model is "
		    "not loaded");
	j = json_deep_copy(m->doc);
	json_object_set_new(j, "sm3", json_string(m->sm3));
	*out = j;
	return 0;
}

/* The arithmetic. */

void
rk_eval(const struct rk_model *m, const struct rk_inputs *in,
    struct rk_result *out)
{
	const struct rk_def	*d;
	const struct rk_factor	*f;
	struct rk_hit		*h;
	int64_t			 value, gte;
	int			 k, b, pts, sum = 0;

	out->n = 0;
	for (k = 0; k < RK__N; k++) {
		d = &rk_defs[k];
		f = &m->f[k];
		pts = 0;
		gte = -1;
		switch (d->kind) {
		case RKK_CATEGORY:	/* RISK-002 */
			value = (in->categories & rk_bits[k]) != 0;
			if (value)
				pts = f->points;
			break;
		case RKK_BANDS:		/* RISK-003: the highest band reached */
			value = in->m[d->measure];
			for (b = f->nbands - 1; b >= 0; b--)
				if (value >= f->gte[b]) {
					pts = f->band_points[b];
					gte = f->gte[b];
					break;
				}
			break;
		case RKK_MISSING:	/* RISK-003: large and without */
			value = in->m[d->measure];
			if (value > 0)
				pts = f->points;
			break;
		default:		/* RISK-004: each, up to the cap */
			value = in->ev[d->event];
			if (value > f->cap)
				pts = f->cap;
			else if (value > 0)
				pts = (int)(value * f->each > f->cap ? f->cap :
				    value * f->each);
			break;
		}
		if (pts <= 0)
			continue;
		h = &out->hit[out->n++];
		h->fid = k;
		h->value = value;
		h->points = pts;
		h->gte = gte;
		sum += pts;
	}
	/* RISK-005: the score is capped; the first cut-off reached grades. */
	out->score = sum > m->score_max ? m->score_max : sum;
	for (k = 0; k < RK_GRADES - 1; k++)
		if (out->score >= m->min_score[k])
			break;
	out->grade = k;
}

/* Decimal digits of v (v >= 0 in practice; a sign is kept) into p. */
static size_t
rk_itoa(int64_t v, char *p)
{
	char		tmp[24];
	uint64_t	u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t		n = 0, i = 0;

	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		p[i++] = '-';
	while (n > 0)
		p[i++] = tmp[--n];
	return i;
}

void
rk_hash(const struct rk_model *m, const struct rk_inputs *in,
    struct crypto_sm3_ctx *ctx, unsigned char out[CRYPTO_SM3_LEN])
{
	struct crypto_sm3_ctx	*own = NULL;
	char			 line[RK_MODEL_KEY + 16 * 24];
	size_t			 n;
	int			 i;

	/*
	 * The model's key, then "<categories> <measures…> <events…>\n":
	 * one SM3 block for most units (the recompute hashes millions).
	 */
	memcpy(line, m->key, RK_MODEL_KEY);
	n = RK_MODEL_KEY;
	n += rk_itoa(in->categories, line + n);
	for (i = 0; i < RKM__N; i++) {
		line[n++] = ' ';
		n += rk_itoa(in->m[i], line + n);
	}
	for (i = 0; i < RK_EVENTS; i++) {
		line[n++] = ' ';
		n += rk_itoa(in->ev[i], line + n);
	}
	line[n++] = '\n';
	if (ctx == NULL)
		ctx = own = crypto_sm3_ctx_new();
	crypto_sm3_ctx_digest(ctx, line, n, out);
	crypto_sm3_ctx_free(own);
}

size_t
rk_digest_line(int64_t id, int score, int grade, char out[RK_LINE_MAX])
{
	size_t	n;

	n = rk_itoa(id, out);
	out[n++] = '\t';
	n += rk_itoa(score, out + n);
	out[n++] = '\t';
	memcpy(out + n, risk_grades[grade], strlen(risk_grades[grade]));
	n += strlen(risk_grades[grade]);
	out[n++] = '\n';
	return n;
}

void
rk_factors_text(const struct rk_result *r, struct buf *b)
{
	char	num[24];
	int	i;

	buf_addc(b, '[');
	for (i = 0; i < r->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_adds(b, "{\"id\":\"");
		buf_adds(b, rk_defs[r->hit[i].fid].id);
		buf_adds(b, "\",\"value\":");
		buf_add(b, num, rk_itoa(r->hit[i].value, num));
		buf_adds(b, ",\"points\":");
		buf_add(b, num, rk_itoa(r->hit[i].points, num));
		if (r->hit[i].gte >= 0) {
			buf_adds(b, ",\"gte\":");
			buf_add(b, num, rk_itoa(r->hit[i].gte, num));
		}
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}
