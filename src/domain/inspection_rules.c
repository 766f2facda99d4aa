/*
 * The sampling rules of random inspections (一细则, INS-020, INS-023):
 * which share of each stratum (class of unit × risk grade) a plan draws,
 * as a versioned JSON document in inspection_rules.  Version 1 comes from
 * data/inspection/rules.json; the security administrator adds versions
 * (inspection:rules); a plan records the version it was approved with.
 * No ratio is written in this file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "inspection.h"
#include "inspection_int.h"
#include "registry_int.h"

#define INS_RULES_MAX		100
#define INS_SOURCE_MAX		500
#define INS_NOTE_MAX		2000

static const char *const ins_classes[] = {
	"key_crowded", "high_risk", "key", "public_gathering", "crowded",
	"special_industry", "three_small", "rental", "general", NULL,
};
static const char *const ins_grades[] = {
	"high", "medium_high", "medium", "low", "none", NULL,
};

static const char ins_sql_get[] =
    "SELECT version, rules, note, created_at, created_by FROM "
    "inspection_rules WHERE version = ?";
static const char ins_sql_current[] =
    "SELECT COALESCE(MAX(version), 0) FROM inspection_rules";
static const char ins_sql_ins[] =
    "INSERT INTO inspection_rules (version, rules, note, created_at, "
    "created_by) VALUES (?, ?, ?, ?, ?)";

const char *
ins_class_of(int c)
{
	if ((c & INS_CAT_KEY) && (c & INS_CAT_CROWDED))
		return "key_crowded";
	if (c & INS_CAT_HIGH_RISK)
		return "high_risk";
	if (c & INS_CAT_KEY)
		return "key";
	if (c & INS_CAT_PUBLIC)
		return "public_gathering";
	if (c & INS_CAT_CROWDED)
		return "crowded";
	if (c & INS_CAT_SPECIAL)
		return "special_industry";
	if (c & INS_CAT_THREE_SMALL)
		return "three_small";
	if (c & INS_CAT_RENTAL)
		return "rental";
	return "general";
}

int
ins_class_valid(const char *s, int wild)
{
	return (wild && strcmp(s, "*") == 0) || reg_choice(ins_classes, s);
}

int
ins_grade_valid(const char *s, int wild)
{
	return (wild && strcmp(s, "*") == 0) || reg_choice(ins_grades, s);
}

void
ins_today(char out[11])
{
	time_t		t = (time_t)clock_now() + 8 * 3600;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A percentage with at most two decimals, 0..100, in basis points. */
static int
ins_ratio(const json_t *v, const char *path, int64_t *bp, struct err *e)
{
	double	d, diff;
	int64_t	r;

	if (!json_is_number(v))
		return err_set(e, ERR_TYPE, path, "%s must be a number", path);
	d = json_number_value(v);
	if (!(d >= 0 && d <= 100))
		return err_set(e, ERR_RANGE, path, "%s must be 0 to 100", path);
	r = (int64_t)(d * 100.0 + 0.5);
	diff = d * 100.0 - (double)r;
	if (diff > 1e-6 || diff < -1e-6)
		return err_set(e, ERR_INVALID, path, "%s has more than two "
		    "decimals", path);
	*bp = r;
	return 0;
}

int
ins_rules_compile(const json_t *doc, struct ins_rules *out, struct err *e)
{
	static const char *const keys[] = { "class", "grade", "ratio_pct",
	    "min", "source", NULL };
	const json_t	*list, *r, *v;
	const char	*k;
	char		 path[64];
	size_t		 i;
	int		 j, known;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(doc))
		return err_set(e, ERR_TYPE, "rules", "the rules must be an "
		    "object");
	json_object_foreach((json_t *)(uintptr_t)doc, k, v)
		if (strcmp(k, "rules") != 0 && strcmp(k, "note") != 0)
			return err_set(e, ERR_UNKNOWN_FIELD, k, "unknown "
			    "field %s", k);
	list = json_object_get(doc, "rules");
	if (list == NULL)
		return err_set(e, ERR_MISSING, "rules", "rules is required");
	if (!json_is_array(list))
		return err_set(e, ERR_TYPE, "rules", "rules must be a list");
	if (json_array_size(list) < 1 || json_array_size(list) >
	    INS_RULES_MAX)
		return err_set(e, ERR_RANGE, "rules", "rules must hold 1 to "
		    "%d entries", INS_RULES_MAX);
	v = json_object_get(doc, "note");
	if (v != NULL && (!json_is_string(v) ||
	    json_string_length(v) > INS_NOTE_MAX))
		return err_set(e, ERR_INVALID, "note", "note must be text of "
		    "at most %d bytes", INS_NOTE_MAX);
	out->rules = xcalloc(json_array_size(list), sizeof(*out->rules));
	json_array_foreach(list, i, r) {
		struct ins_rule	*x = &out->rules[out->n];

		snprintf(path, sizeof(path), "rules[%zu]", i);
		if (!json_is_object(r)) {
			ins_rules_free(out);
			return err_set(e, ERR_TYPE, path, "%s must be an "
			    "object", path);
		}
		json_object_foreach((json_t *)(uintptr_t)r, k, v) {
			for (j = 0, known = 0; keys[j] != NULL; j++)
				known |= strcmp(keys[j], k) == 0;
			if (!known) {
				snprintf(path, sizeof(path), "rules[%zu].%s", i,
				    k);
				ins_rules_free(out);
				return err_set(e, ERR_UNKNOWN_FIELD, path,
				    "unknown field %s", path);
			}
		}
		snprintf(path, sizeof(path), "rules[%zu].class", i);
		v = json_object_get(r, "class");
		if (!json_is_string(v) || !ins_class_valid(json_string_value(v),
		    1)) {
			ins_rules_free(out);
			return err_set(e, v ? ERR_INVALID : ERR_MISSING, path,
			    "%s must be * or one of key_crowded, high_risk, "
			    "key, public_gathering, crowded, special_industry, "
			    "three_small, rental, general", path);
		}
		snprintf(x->cls, sizeof(x->cls), "%s", json_string_value(v));
		snprintf(path, sizeof(path), "rules[%zu].grade", i);
		v = json_object_get(r, "grade");
		if (!json_is_string(v) || !ins_grade_valid(json_string_value(v),
		    1)) {
			ins_rules_free(out);
			return err_set(e, v ? ERR_INVALID : ERR_MISSING, path,
			    "%s must be * or one of high, medium_high, medium, "
			    "low, none", path);
		}
		snprintf(x->grade, sizeof(x->grade), "%s",
		    json_string_value(v));
		snprintf(path, sizeof(path), "rules[%zu].ratio_pct", i);
		if ((v = json_object_get(r, "ratio_pct")) == NULL) {
			ins_rules_free(out);
			return err_set(e, ERR_MISSING, path, "%s is required",
			    path);
		}
		if (ins_ratio(v, path, &x->ratio_bp, e) < 0) {
			ins_rules_free(out);
			return e->code;
		}
		snprintf(path, sizeof(path), "rules[%zu].min", i);
		v = json_object_get(r, "min");
		if (v != NULL && (!json_is_integer(v) ||
		    json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000000)) {
			ins_rules_free(out);
			return err_set(e, ERR_RANGE, path, "%s must be a whole "
			    "number 0 to 1000000", path);
		}
		x->min = v ? json_integer_value(v) : 0;
		snprintf(path, sizeof(path), "rules[%zu].source", i);
		v = json_object_get(r, "source");
		if (!json_is_string(v) || json_string_length(v) < 1 ||
		    json_string_length(v) > INS_SOURCE_MAX) {
			ins_rules_free(out);
			return err_set(e, v ? ERR_RANGE : ERR_MISSING, path,
			    "%s must say where the rule comes from (1 to %d "
			    "bytes)", path, INS_SOURCE_MAX);
		}
		x->index = (int)i;
		out->n++;
	}
	return 0;
}

void
ins_rules_free(struct ins_rules *r)
{
	if (r == NULL)
		return;
	free(r->rules);
	r->rules = NULL;
	r->n = 0;
}

static int
ins_matches(const char *pat, const char *s)
{
	return strcmp(pat, "*") == 0 || strcmp(pat, s) == 0;
}

int64_t
ins_quota(const struct ins_rules *r, const char *cls, const char *grade,
    int64_t population, int *rule)
{
	const struct ins_rule	*best = NULL;
	int64_t			 n;
	int			 i;

	*rule = -1;
	for (i = 0; i < r->n; i++) {
		const struct ins_rule	*x = &r->rules[i];

		if (!ins_matches(x->cls, cls) || !ins_matches(x->grade, grade))
			continue;
		if (best == NULL || x->ratio_bp > best->ratio_bp)
			best = x;
	}
	if (best == NULL || population <= 0)
		return 0;
	*rule = best->index;
	/* ceil(population × bp / 10000) without floating point. */
	n = (population * best->ratio_bp + 9999) / 10000;
	if (n < best->min)
		n = best->min;
	return n > population ? population : n;
}

/* The stored document of a version (0 = current) and its number. */
static int
ins_rules_fetch(struct store *st, int version, json_t **doc, int *got,
    json_t **meta, struct err *e)
{
	struct store_rows	*r = NULL;
	json_error_t		 je;
	int64_t			 cur;
	int			 rc;

	if (version <= 0) {
		if ((rc = store_query_int(st, ins_sql_current, STORE_NOARGS,
		    &cur, e)) < 0)
			return rc;
		if (cur == 0)
			return err_set(e, ERR_NOT_FOUND, NULL, "no sampling "
			    "rules are loaded (data/inspection/rules.json)");
		version = (int)cur;
	}
	if ((rc = store_query(st, ins_sql_get, STORE_ARGS(SV_I(version)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) <= 0) {
		store_rows_free(r);
		return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "version",
		    "no rules version %d", version);
	}
	*got = (int)store_int(r, 0);
	*doc = json_loads(store_text(r, 1), 0, &je);
	if (meta != NULL)
		*meta = json_pack("{s:i, s:s, s:I, s:s}", "version", *got,
		    "note", store_text(r, 2),
		    "created_at", (json_int_t)store_int(r, 3),
		    "created_by", store_text(r, 4));
	store_rows_free(r);
	if (*doc == NULL) {
		if (meta != NULL) {
			json_decref(*meta);
			*meta = NULL;
		}
		return err_set(e, ERR_INTERNAL, NULL, "rules version %d is "
		    "not JSON", *got);
	}
	return 0;
}

int
ins_rules_load(struct store *st, int version, struct ins_rules *out,
    struct err *e)
{
	json_t	*doc = NULL;
	int	 got = 0, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ins_rules_fetch(st, version, &doc, &got, NULL, e)) < 0)
		return rc;
	rc = ins_rules_compile(doc, out, e);
	json_decref(doc);
	if (rc == 0)
		out->version = got;
	return rc;
}

/* The canonical record of a version: the document with its metadata. */
int
inspection_rules_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	json_t	*doc = NULL, *meta = NULL;
	int64_t	 v;
	int	 got, rc;

	if (id == NULL || str_to_i64(id, 1, INT32_MAX, &v) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such rules version");
	if ((rc = ins_rules_fetch(st, (int)v, &doc, &got, &meta, e)) < 0)
		return rc;
	json_object_set(meta, "rules", json_object_get(doc, "rules"));
	json_decref(doc);
	*out = meta;
	return 0;
}

/* Store doc as the next version and audit it. */
static int
ins_rules_store(struct store *st, struct actor *who, const json_t *doc,
    int *version, struct err *e)
{
	json_t		*rec = NULL;
	const json_t	*note = json_object_get(doc, "note");
	char		*text = NULL, by[24], id[16];
	int64_t		 cur;
	int		 rc;

	if ((rc = store_query_int(st, ins_sql_current, STORE_NOARGS, &cur,
	    e)) < 0)
		return rc;
	*version = (int)cur + 1;
	text = jx_canonical(doc);
	reg_actor_name(who, by);
	rc = store_exec(st, ins_sql_ins, STORE_ARGS(SV_I(*version),
	    SV_S(text), SV_S(note ? json_string_value(note) : ""),
	    SV_I(clock_now()), SV_S(by)), NULL, e);
	free(text);
	if (rc < 0)
		return rc;
	snprintf(id, sizeof(id), "%d", *version);
	if ((rc = inspection_rules_record(st, id, &rec, e)) < 0)
		return rc;
	rc = audit_append(st, who, "inspection_rules.create",
	    "inspection_rules", id, rec, e);
	json_decref(rec);
	return rc;
}

int
inspection_rules_sync(struct store *st, const char *path, struct err *e)
{
	struct ins_rules	 r;
	struct actor		 sys;
	json_error_t		 je;
	json_t			*doc;
	int64_t			 cur;
	int			 version, own = 0, rc;

	if ((rc = store_query_int(st, ins_sql_current, STORE_NOARGS, &cur,
	    e)) < 0)
		return rc;
	if (cur > 0)
		return 0;
	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return err_set(e, ERR_IO, "file", "%s: %s (line %d)", path,
		    je.text, je.line);
	if ((rc = ins_rules_compile(doc, &r, e)) < 0) {
		err_set(e, rc, e->field, "%s: %s", path, e->msg);
		json_decref(doc);
		return rc;
	}
	ins_rules_free(&r);
	actor_system(&sys, "inspection-rules-sync");
	if ((rc = store_begin_own(st, &own, e)) == 0) {
		rc = ins_rules_store(st, &sys, doc, &version, e);
		rc = store_end_own(st, own, rc, e);
	}
	json_decref(doc);
	return rc;
}

/*
 * Who reads the rules: anyone signed in.  The 一细则 is published with the
 * item list (双随机一公开), and the security administrator who sets it
 * holds no other inspection permission.
 */
static int
ins_rules_reader(const struct actor *who, struct err *e)
{
	if (who->kind == ACTOR_PUBLIC)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "login required");
	return 0;
}

int
inspection_rules_get(struct store *st, struct actor *who, int version,
    json_t **out, struct err *e)
{
	json_t	*doc = NULL, *meta = NULL;
	int	 got, rc;

	if ((rc = ins_rules_reader(who, e)) < 0)
		return rc;
	if ((rc = ins_rules_fetch(st, version, &doc, &got, &meta, e)) < 0)
		return rc;
	json_object_set(meta, "rules", json_object_get(doc, "rules"));
	json_decref(doc);
	*out = meta;
	return 0;
}

int
inspection_rules_list(struct store *st, struct actor *who, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a;
	int			 rc;

	if ((rc = ins_rules_reader(who, e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT version, note, created_at, "
	    "created_by FROM inspection_rules ORDER BY version DESC",
	    STORE_NOARGS, &r, e)) < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, json_pack("{s:i, s:s, s:I, s:s}",
		    "version", (int)store_int(r, 0), "note", store_text(r, 1),
		    "created_at", (json_int_t)store_int(r, 2),
		    "created_by", store_text(r, 3)));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int
inspection_rules_put(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	struct ins_rules	 r;
	int			 version, rc;

	if ((rc = reg_need(who, "inspection:rules", e)) < 0)
		return rc;
	if ((rc = ins_rules_compile(in, &r, e)) < 0)
		return rc;
	ins_rules_free(&r);
	if ((rc = ins_rules_store(st, who, in, &version, e)) < 0)
		return rc;
	return inspection_rules_get(st, who, version, out, e);
}
