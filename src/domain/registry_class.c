/*
 * Key-unit classification (REG-023, REG-024): the thresholds of the
 * national 2001 and Guangdong 2023 key-unit standards and of the
 * Guangdong high-risk criteria are data (data/rules/key-units.json, see
 * docs/modules/registry.md); this file loads them into a small matcher,
 * proposes categories for a unit from its active places and buildings,
 * and records an officer's decision with the rule ids, the version and
 * the SM3 of the rules file.  No threshold is written in this file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "audit.h"
#include "registry_int.h"
#include "registry_io.h"

#define RC_WHERE_MAX	8
#define RC_SUB_MAX	8
#define RC_DEPTH_MAX	3
#define RC_CITE_MAX	64		/* rule ids cited in a decision */

/* The measures a rule may test, on places and on buildings. */
enum rc_field {
	RCF_AREA, RCF_ROOMS, RCF_BEDS, RCF_SEATS, RCF_OCCUPANCY,
	RCF_UNDERGROUND, RCF_HEIGHT, RCF_FLOORS_ABOVE, RCF_FLOORS_BELOW,
	RCF__N,
};

static const struct {
	const char	*name;
	int		 on_places;
	int		 on_buildings;
} rc_fields[RCF__N] = {
	{ "floor_area_m2",	1, 1 },
	{ "rooms",		1, 0 },
	{ "beds",		1, 0 },
	{ "seats",		1, 0 },
	{ "occupancy",		1, 1 },
	{ "underground",	1, 0 },
	{ "height_cm",		0, 1 },
	{ "floors_above",	0, 1 },
	{ "floors_below",	0, 1 },
};

enum rc_op { RCO_GT, RCO_GTE, RCO_LT, RCO_LTE, RCO_EQ };
static const char *const rc_op_keys[] = { "gt", "gte", "lt", "lte", NULL };
static const char *const rc_op_signs[] = { ">", "≥", "<", "≤", "=" };

enum rc_agg { RCA_NONE, RCA_SUM, RCA_MAX };

struct rc_cond {
	int		 field;
	int		 op;
	int64_t		 value;
};

struct rc_leaf {
	int		 buildings;	/* 0: places, 1: buildings */
	uint64_t	 kinds;		/* bit i: kind or use i */
	struct rc_cond	 where[RC_WHERE_MAX];
	int		 nwhere;
	int		 agg;
	struct rc_cond	 test;		/* with agg */
};

enum rc_mkind { RCM_LEAF, RCM_ANY, RCM_ALL };

struct rc_match {
	int		 kind;
	struct rc_leaf	 leaf;
	struct rc_match	*sub;
	int		 nsub;
};

struct rc_rule {
	const char	*id;		/* into doc */
	const char	*edition;
	const char	*category;
	int		 bit;
	int		 applied;	/* edition listed in "apply" */
	int		 judge;
	struct rc_match	*match;		/* NULL: cited by hand only */
	json_t		*json;		/* the rule as in the file (borrowed) */
	json_t		*ed;		/* its edition (borrowed) */
};

struct rc_rules {
	json_t		*doc;
	char		 sm3[2 * CRYPTO_SM3_LEN + 1];
	const char	*version;
	struct rc_rule	*r;
	int		 n;
	int		 classifiable;	/* bits of the categories rules decide */
};

static struct rc_rules	*rc_loaded;

static const char rc_sql_places[] =
    "SELECT kind, floor_area_m2, rooms, beds, seats, occupancy, underground "
    "FROM places WHERE unit_id = ? AND status = 'active'";
static const char rc_sql_buildings[] =
    "SELECT use, floor_area_m2, occupancy, height_cm, floors_above, "
    "floors_below FROM buildings WHERE unit_id = ? AND status = 'active'";
static const char rc_sql_ins[] =
    "INSERT INTO unit_classifications (id, unit_id, unit_version, "
    "categories, proposed, rule_ids, rules_version, rules_sha, note, actor, "
    "at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char rc_sql_get[] =
    "SELECT id, unit_id, unit_version, categories, proposed, rule_ids, "
    "rules_version, rules_sha, note, actor, at FROM unit_classifications "
    "WHERE id = ?";
static const char rc_sql_latest[] =
    "SELECT id FROM unit_classifications WHERE unit_id = ? "
    "ORDER BY id DESC LIMIT 1";

/* Loading. */

/* Free what a match owns (its children, recursively), not m itself. */
static void
rc_match_clear(struct rc_match *m)
{
	int	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nsub; i++)
		rc_match_clear(&m->sub[i]);
	free(m->sub);
}

static void
rc_rules_free(struct rc_rules *rs)
{
	int	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++) {
		rc_match_clear(rs->r[i].match);
		free(rs->r[i].match);
	}
	free(rs->r);
	json_decref(rs->doc);
	free(rs);
}

void
registry_class_unload(void)
{
	rc_rules_free(rc_loaded);
	rc_loaded = NULL;
}

static int
rc_bad(struct err *e, const char *id, const char *what)
{
	return err_set(e, ERR_INVALID, "rules", "rule %.40s: %s", id, what);
}

static int
rc_field_find(const char *name, int buildings)
{
	int	i;

	for (i = 0; i < RCF__N; i++)
		if (strcmp(rc_fields[i].name, name) == 0)
			return (buildings ? rc_fields[i].on_buildings :
			    rc_fields[i].on_places) ? i : -1;
	return -1;
}

/* {"gt": n} etc. into c (field already set). */
static int
rc_cmp_parse(json_t *v, struct rc_cond *c)
{
	const char	*k;
	json_t		*x;
	int		 i;

	if (!json_is_object(v) || json_object_size(v) != 1)
		return -1;
	json_object_foreach(v, k, x) {
		for (i = 0; rc_op_keys[i]; i++)
			if (strcmp(rc_op_keys[i], k) == 0)
				break;
		if (rc_op_keys[i] == NULL || !json_is_integer(x))
			return -1;
		c->op = i;
		c->value = json_integer_value(x);
	}
	return 0;
}

static int
rc_leaf_parse(json_t *m, const char *id, struct rc_leaf *l, struct err *e)
{
	const char *const	*names;
	const char		*k;
	json_t			*kinds, *x, *w;
	size_t			 i;
	int			 j, f, found;

	memset(l, 0, sizeof(*l));
	json_object_foreach(m, k, x)
		if (strcmp(k, "places") && strcmp(k, "buildings") &&
		    strcmp(k, "where") && strcmp(k, "sum") &&
		    strcmp(k, "max") && strcmp(k, "gt") && strcmp(k, "gte"))
			return rc_bad(e, id, "unknown key in match");
	if ((kinds = json_object_get(m, "places")) != NULL) {
		if (json_object_get(m, "buildings") != NULL)
			return rc_bad(e, id, "a match is on places or on "
			    "buildings, not both");
		names = registry_place_kinds;
	} else if ((kinds = json_object_get(m, "buildings")) != NULL) {
		l->buildings = 1;
		names = registry_building_uses;
	} else
		return rc_bad(e, id, "a match needs places or buildings");
	if (json_is_string(kinds) && strcmp(json_string_value(kinds), "*")
	    == 0)
		l->kinds = ~(uint64_t)0;
	else if (json_is_array(kinds) && json_array_size(kinds) > 0) {
		json_array_foreach(kinds, i, x) {
			found = 0;
			for (j = 0; names[j] && j < 64; j++)
				if (json_is_string(x) && strcmp(names[j],
				    json_string_value(x)) == 0) {
					l->kinds |= (uint64_t)1 << j;
					found = 1;
				}
			if (!found)
				return rc_bad(e, id, "unknown place kind or "
				    "building use");
		}
	} else
		return rc_bad(e, id, "places/buildings must be a list or "
		    "\"*\"");
	if ((w = json_object_get(m, "where")) != NULL) {
		if (!json_is_object(w))
			return rc_bad(e, id, "where must be an object");
		json_object_foreach(w, k, x) {
			if (l->nwhere == RC_WHERE_MAX)
				return rc_bad(e, id, "too many conditions");
			if ((f = rc_field_find(k, l->buildings)) < 0)
				return rc_bad(e, id, "unknown field in where");
			l->where[l->nwhere].field = f;
			if (f == RCF_UNDERGROUND) {
				if (!json_is_boolean(x))
					return rc_bad(e, id, "underground "
					    "must be true or false");
				l->where[l->nwhere].op = RCO_EQ;
				l->where[l->nwhere].value = json_is_true(x);
			} else if (rc_cmp_parse(x, &l->where[l->nwhere]) < 0)
				return rc_bad(e, id, "a condition must be "
				    "{\"gt\"|\"gte\"|\"lt\"|\"lte\": integer}");
			l->nwhere++;
		}
	}
	x = json_object_get(m, "sum");
	w = json_object_get(m, "max");
	if (x != NULL || w != NULL) {
		if (x != NULL && w != NULL)
			return rc_bad(e, id, "sum or max, not both");
		l->agg = x != NULL ? RCA_SUM : RCA_MAX;
		if (x == NULL)
			x = w;
		if (!json_is_string(x) || (f = rc_field_find(
		    json_string_value(x), l->buildings)) < 0 ||
		    f == RCF_UNDERGROUND)
			return rc_bad(e, id, "unknown measure");
		l->test.field = f;
		if ((x = json_object_get(m, "gt")) != NULL)
			l->test.op = RCO_GT;
		else if ((x = json_object_get(m, "gte")) != NULL)
			l->test.op = RCO_GTE;
		if (x == NULL || !json_is_integer(x) ||
		    (json_object_get(m, "gt") && json_object_get(m, "gte")))
			return rc_bad(e, id, "a measure needs one threshold, "
			    "gt or gte");
		l->test.value = json_integer_value(x);
	} else if (json_object_get(m, "gt") || json_object_get(m, "gte"))
		return rc_bad(e, id, "a threshold needs sum or max");
	return 0;
}

static int
rc_match_parse(json_t *m, const char *id, int depth, struct rc_match *out,
    struct err *e)
{
	json_t	*list, *x;
	size_t	 i;
	int	 rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(m))
		return rc_bad(e, id, "match must be an object or null");
	if ((list = json_object_get(m, "any")) != NULL ||
	    (list = json_object_get(m, "all")) != NULL) {
		out->kind = json_object_get(m, "any") ? RCM_ANY : RCM_ALL;
		if (json_object_size(m) != 1 || !json_is_array(list) ||
		    json_array_size(list) == 0 ||
		    json_array_size(list) > RC_SUB_MAX || depth >= RC_DEPTH_MAX)
			return rc_bad(e, id, "any/all must be the only key, "
			    "with 1 to 8 matches");
		out->sub = xcalloc(json_array_size(list), sizeof(*out->sub));
		json_array_foreach(list, i, x) {
			out->nsub++;
			if ((rc = rc_match_parse(x, id, depth + 1,
			    &out->sub[i], e)) < 0)
				return rc;
		}
		return 0;
	}
	out->kind = RCM_LEAF;
	return rc_leaf_parse(m, id, &out->leaf, e);
}

static const char *const rc_rule_keys[] = {
	"id", "edition", "item", "category", "status", "title", "match",
	"judge", "note", "source", NULL,
};
static const char *const rc_statuses[] = { "C", "P", "U", NULL };

static int
rc_rule_parse(struct rc_rules *rs, json_t *j, struct rc_rule *r,
    struct err *e)
{
	const struct registry_category	*c;
	const char			*k, *id;
	json_t				*v, *eds, *ed, *apply;
	size_t				 i;
	int				 n;

	memset(r, 0, sizeof(*r));
	r->json = j;
	if (!json_is_object(j) || (id = json_string_value(json_object_get(j,
	    "id"))) == NULL || *id == '\0' || strlen(id) > 40)
		return err_set(e, ERR_INVALID, "rules", "every rule needs an "
		    "id of 1 to 40 characters");
	r->id = id;
	json_object_foreach(j, k, v)
		if (!reg_choice(rc_rule_keys, k))
			return rc_bad(e, id, "unknown key");
	if (!json_is_string(json_object_get(j, "title")) ||
	    !json_is_string(json_object_get(j, "status")) ||
	    !reg_choice(rc_statuses, json_string_value(json_object_get(j,
	    "status"))))
		return rc_bad(e, id, "needs a title and a status C, P or U");
	for (k = "judge", n = 0; n < 2; n++, k = "note")
		if ((v = json_object_get(j, k)) != NULL && !json_is_string(v))
			return rc_bad(e, id, "judge and note are text");
	r->judge = json_object_get(j, "judge") != NULL;
	r->category = json_string_value(json_object_get(j, "category"));
	for (c = registry_categories; c->name && r->category; c++)
		if (c->bit != 0 && strcmp(c->name, r->category) == 0)
			break;
	if (r->category == NULL || c->name == NULL)
		return rc_bad(e, id, "category must be a registry category "
		    "other than general");
	r->bit = c->bit;
	r->edition = json_string_value(json_object_get(j, "edition"));
	eds = json_object_get(rs->doc, "editions");
	json_array_foreach(eds, i, ed)
		if (r->edition && strcmp(r->edition, json_string_value(
		    json_object_get(ed, "edition"))) == 0)
			r->ed = ed;
	if (r->ed == NULL)
		return rc_bad(e, id, "unknown edition");
	apply = json_object_get(rs->doc, "apply");
	json_array_foreach(apply, i, v)
		if (strcmp(json_string_value(v), r->edition) == 0)
			r->applied = 1;
	if ((v = json_object_get(j, "match")) == NULL)
		return rc_bad(e, id, "match is required (null: cited by hand)");
	if (json_is_null(v))
		return 0;
	r->match = xcalloc(1, sizeof(*r->match));
	return rc_match_parse(v, id, 0, r->match, e);
}

/* The top of the file: format, version, editions, apply. */
static int
rc_doc_check(json_t *doc, struct err *e)
{
	static const char *const keys[] = { "format", "version", "about",
	    "apply", "editions", "rules", NULL };
	static const char *const ekeys[] = { "edition", "title", "issuer",
	    "effective", "status", "source", "note", NULL };
	const char	*k, *name;
	json_t		*v, *ed, *a, *x;
	size_t		 i, j;
	int		 found;

	if (!json_is_object(doc))
		return err_set(e, ERR_INVALID, "rules", "not a JSON object");
	json_object_foreach(doc, k, v)
		if (!reg_choice(keys, k))
			return err_set(e, ERR_INVALID, "rules", "unknown key "
			    "%.40s", k);
	if (!json_is_string(json_object_get(doc, "format")) ||
	    strcmp(json_string_value(json_object_get(doc, "format")),
	    "firewarden-key-units-v1") != 0)
		return err_set(e, ERR_INVALID, "rules", "format must be "
		    "firewarden-key-units-v1");
	v = json_object_get(doc, "version");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > 40)
		return err_set(e, ERR_INVALID, "rules", "version must be text "
		    "of 1 to 40 characters");
	if (!json_is_array(json_object_get(doc, "editions")) ||
	    !json_is_array(json_object_get(doc, "apply")) ||
	    !json_is_array(json_object_get(doc, "rules")))
		return err_set(e, ERR_INVALID, "rules", "editions, apply and "
		    "rules must be lists");
	json_array_foreach(json_object_get(doc, "editions"), i, ed) {
		if (!json_is_object(ed) || (name = json_string_value(
		    json_object_get(ed, "edition"))) == NULL ||
		    !json_is_string(json_object_get(ed, "title")) ||
		    !json_is_string(json_object_get(ed, "source")) ||
		    !json_is_string(json_object_get(ed, "effective")))
			return err_set(e, ERR_INVALID, "rules", "edition %zu "
			    "needs edition, title, effective and source", i);
		json_object_foreach(ed, k, v)
			if (!reg_choice(ekeys, k) || !json_is_string(v))
				return err_set(e, ERR_INVALID, "rules",
				    "edition %.20s: bad key %.40s", name, k);
	}
	json_array_foreach(json_object_get(doc, "apply"), i, a) {
		found = 0;
		json_array_foreach(json_object_get(doc, "editions"), j, x)
			if (json_is_string(a) && strcmp(json_string_value(a),
			    json_string_value(json_object_get(x, "edition")))
			    == 0)
				found = 1;
		if (!found)
			return err_set(e, ERR_INVALID, "rules", "apply names an "
			    "unknown edition");
	}
	return 0;
}

int
registry_class_load(const char *path, struct err *e)
{
	struct rc_rules	*rs = NULL;
	json_error_t	 je;
	FILE		*f = NULL;
	char		*text = NULL;
	json_t		*list, *j;
	size_t		 n, i;
	int		 k, rc;

	if (path == NULL)
		path = REGISTRY_RULES_DEFAULT;
	if ((f = fopen(path, "rb")) == NULL)
		return err_set(e, ERR_IO, "rules", "cannot read %s: %s", path,
		    strerror(errno));
	text = xmalloc(REGISTRY_RULES_MAX + 1);
	n = fread(text, 1, REGISTRY_RULES_MAX + 1, f);
	if (ferror(f) || n > REGISTRY_RULES_MAX) {
		rc = err_set(e, ferror(f) ? ERR_IO : ERR_INVALID, "rules",
		    "%s: unreadable or larger than %d bytes", path,
		    REGISTRY_RULES_MAX);
		goto out;
	}
	rs = xcalloc(1, sizeof(*rs));
	crypto_sm3_hex(text, n, rs->sm3);
	if ((rs->doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		rc = err_set(e, ERR_INVALID, "rules", "%s line %d: %.80s",
		    path, je.line, je.text);
		goto out;
	}
	if ((rc = rc_doc_check(rs->doc, e)) < 0)
		goto out;
	rs->version = json_string_value(json_object_get(rs->doc, "version"));
	list = json_object_get(rs->doc, "rules");
	rs->r = xcalloc(json_array_size(list) + 1, sizeof(*rs->r));
	json_array_foreach(list, i, j) {
		rs->n++;
		if ((rc = rc_rule_parse(rs, j, &rs->r[i], e)) < 0)
			goto out;
		for (k = 0; k < (int)i; k++)
			if (strcmp(rs->r[k].id, rs->r[i].id) == 0) {
				rc = rc_bad(e, rs->r[i].id, "listed twice");
				goto out;
			}
		if (rs->r[i].match != NULL)
			rs->classifiable |= rs->r[i].bit;
	}
	if (rs->n == 0) {
		rc = err_set(e, ERR_INVALID, "rules", "%s has no rules", path);
		goto out;
	}
	rc_rules_free(rc_loaded);
	rc_loaded = rs;
	rs = NULL;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	free(text);
	rc_rules_free(rs);
	return rc;
}

int
registry_class_rules(json_t **out, struct err *e)
{
	const struct rc_rules	*rs = rc_loaded;

	if (rs == NULL)
		return err_set(e, ERR_UNAVAILABLE, "rules", "the key-unit rules "
		    "are not loaded");
	*out = json_pack("{s:s, s:s, s:O, s:O, s:O}",
	    "version", rs->version, "sm3", rs->sm3,
	    "apply", json_object_get(rs->doc, "apply"),
	    "editions", json_object_get(rs->doc, "editions"),
	    "rules", json_object_get(rs->doc, "rules"));
	return 0;
}

/* Matching. */

/* A place or a building, reduced to what rules test. */
struct rc_item {
	int		 building;
	int		 kind;		/* index of kind or use */
	int64_t		 v[RCF__N];
};

struct rc_items {
	struct rc_item	*it;
	int		 n;
	int		 cap;
};

static int
rc_cmp(int64_t a, int op, int64_t b)
{
	switch (op) {
	case RCO_GT:	return a > b;
	case RCO_GTE:	return a >= b;
	case RCO_LT:	return a < b;
	case RCO_LTE:	return a <= b;
	default:	return a == b;
	}
}

static int
rc_leaf_eval(const struct rc_leaf *l, const struct rc_items *items,
    json_t *evidence)
{
	const struct rc_item	*it;
	int64_t			 sum = 0, max = 0, val;
	int			 i, k, count = 0, ok;

	for (i = 0; i < items->n; i++) {
		it = &items->it[i];
		if (it->building != l->buildings ||
		    !((l->kinds >> it->kind) & 1))
			continue;
		for (k = 0, ok = 1; k < l->nwhere && ok; k++)
			ok = rc_cmp(it->v[l->where[k].field], l->where[k].op,
			    l->where[k].value);
		if (!ok)
			continue;
		if (l->agg != RCA_NONE) {
			val = it->v[l->test.field];
			sum += val;
			if (count == 0 || val > max)
				max = val;
		}
		count++;
	}
	if (l->agg == RCA_NONE) {
		if (count == 0)
			return 0;
		json_array_append_new(evidence, json_pack("{s:s, s:i}",
		    "of", l->buildings ? "buildings" : "places",
		    "count", count));
		return 1;
	}
	val = l->agg == RCA_SUM ? sum : max;
	if (count == 0 || !rc_cmp(val, l->test.op, l->test.value))
		return 0;
	json_array_append_new(evidence, json_pack("{s:s, s:s, s:s, s:I, s:s,"
	    " s:I, s:i}",
	    "of", l->buildings ? "buildings" : "places",
	    "measure", rc_fields[l->test.field].name,
	    "agg", l->agg == RCA_SUM ? "sum" : "max",
	    "value", (json_int_t)val,
	    "op", rc_op_signs[l->test.op],
	    "threshold", (json_int_t)l->test.value,
	    "count", count));
	return 1;
}

static int
rc_match_eval(const struct rc_match *m, const struct rc_items *items,
    json_t *evidence)
{
	size_t	mark = json_array_size(evidence);
	int	i;

	if (m->kind == RCM_LEAF)
		return rc_leaf_eval(&m->leaf, items, evidence);
	for (i = 0; i < m->nsub; i++) {
		if (rc_match_eval(&m->sub[i], items, evidence)) {
			if (m->kind == RCM_ANY)
				return 1;
		} else if (m->kind == RCM_ALL) {
			while (json_array_size(evidence) > mark)
				json_array_remove(evidence,
				    json_array_size(evidence) - 1);
			return 0;
		}
	}
	return m->kind == RCM_ALL;
}

static void
rc_items_add(struct rc_items *s, const struct rc_item *it)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->it = xrealloc(s->it, (size_t)s->cap * sizeof(*s->it));
	}
	s->it[s->n++] = *it;
}

static int
rc_kind_index(const char *const *names, const char *s)
{
	int	i;

	for (i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* The active places and buildings of a unit. */
static int
rc_items_load(struct store *st, int64_t unit, struct rc_items *s,
    struct err *e)
{
	struct store_rows	*r = NULL;
	struct rc_item		 it;
	int			 rc;

	if ((rc = store_query(st, rc_sql_places, STORE_ARGS(SV_I(unit)), &r,
	    e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		memset(&it, 0, sizeof(it));
		if ((it.kind = rc_kind_index(registry_place_kinds,
		    store_text(r, 0))) < 0)
			continue;
		it.v[RCF_AREA] = store_int(r, 1);
		it.v[RCF_ROOMS] = store_int(r, 2);
		it.v[RCF_BEDS] = store_int(r, 3);
		it.v[RCF_SEATS] = store_int(r, 4);
		it.v[RCF_OCCUPANCY] = store_int(r, 5);
		it.v[RCF_UNDERGROUND] = store_int(r, 6) != 0;
		rc_items_add(s, &it);
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		return rc;
	if ((rc = store_query(st, rc_sql_buildings, STORE_ARGS(SV_I(unit)), &r,
	    e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		memset(&it, 0, sizeof(it));
		it.building = 1;
		if ((it.kind = rc_kind_index(registry_building_uses,
		    store_text(r, 0))) < 0)
			continue;
		it.v[RCF_AREA] = store_int(r, 1);
		it.v[RCF_OCCUPANCY] = store_int(r, 2);
		it.v[RCF_HEIGHT] = store_int(r, 3);
		it.v[RCF_FLOORS_ABOVE] = store_int(r, 4);
		it.v[RCF_FLOORS_BELOW] = store_int(r, 5);
		rc_items_add(s, &it);
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

static json_t *
rc_bits_json(int bits)
{
	const struct registry_category	*c;
	json_t				*a = json_array();

	for (c = registry_categories; c->name; c++)
		if (c->bit != 0 && (bits & c->bit) != 0)
			json_array_append_new(a, json_string(c->name));
	return a;
}

static int
rc_name_bit(const char *name)
{
	const struct registry_category	*c;

	for (c = registry_categories; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c->bit;
	return -1;
}

/* The bitmask of a view's "categories" list. */
static int
rc_view_bits(const json_t *view)
{
	json_t	*x;
	size_t	 i;
	int	 bits = 0, b;

	json_array_foreach(json_object_get(view, "categories"), i, x)
		if ((b = rc_name_bit(json_string_value(x))) > 0)
			bits |= b;
	return bits;
}

static json_t *
rc_rule_out(const struct rc_rule *r, json_t *evidence)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O}",
	    "rule_id", r->id, "edition", r->edition, "category", r->category,
	    "status", json_object_get(r->json, "status"),
	    "title", json_object_get(r->json, "title"),
	    "source", json_object_get(r->ed, "source"));
	if (json_object_get(r->json, "judge") != NULL)
		json_object_set(o, "judge", json_object_get(r->json, "judge"));
	if (json_object_get(r->json, "note") != NULL)
		json_object_set(o, "note", json_object_get(r->json, "note"));
	json_object_set_new(o, "evidence", evidence);
	return o;
}

/*
 * Evaluate the applied rules over the items: matched rules into matched,
 * rules needing a person into to_check; *proposed the union of the
 * matched rules' categories.
 */
static void
rc_evaluate(const struct rc_rules *rs, const struct rc_items *items,
    json_t *matched, json_t *to_check, int *proposed)
{
	const struct rc_rule	*r;
	json_t			*ev;
	int			 i;

	*proposed = 0;
	for (i = 0; i < rs->n; i++) {
		r = &rs->r[i];
		if (!r->applied || r->match == NULL)
			continue;
		ev = json_array();
		if (!rc_match_eval(r->match, items, ev)) {
			json_decref(ev);
			continue;
		}
		if (r->judge)
			json_array_append_new(to_check, rc_rule_out(r, ev));
		else {
			json_array_append_new(matched, rc_rule_out(r, ev));
			*proposed |= r->bit;
		}
	}
}

/* Records. */

static json_t *
rc_record_row(struct store_rows *r)
{
	json_t	*ids;

	ids = json_loads(store_text(r, 5), JSON_REJECT_DUPLICATES, NULL);
	if (ids == NULL)
		ids = json_string(store_text(r, 5));
	return json_pack("{s:o, s:o, s:I, s:o, s:o, s:o, s:s, s:s, s:o, s:s,"
	    " s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "unit_id", jx_id(store_int(r, 1)),
	    "unit_version", (json_int_t)store_int(r, 2),
	    "categories", rc_bits_json((int)store_int(r, 3)),
	    "proposed", rc_bits_json((int)store_int(r, 4)),
	    "rule_ids", ids,
	    "rules_version", store_text(r, 6),
	    "rules_sm3", store_text(r, 7),
	    "note", store_isnull(r, 8) ? json_null() :
	    json_string(store_text(r, 8)),
	    "actor", store_text(r, 9),
	    "at", (json_int_t)store_int(r, 10));
}

static int
rc_record_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, rc_sql_get, STORE_ARGS(SV_I(id)), &r, e)) <
	    0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = rc_record_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such classification");
	store_rows_free(r);
	return rc;
}

int
registry_class_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	int64_t	cid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &cid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such classification");
	return rc_record_get(st, cid, out, e);
}

/* The proposal of a visible unit; *view (may be NULL) gets its view. */
static int
rc_propose(struct store *st, struct actor *who, int64_t unit_id,
    json_t **out, json_t **view, int *proposed, struct err *e)
{
	const struct rc_rules	*rs = rc_loaded;
	struct rc_items		 items;
	json_t			*v = NULL, *matched = NULL, *check = NULL;
	json_t			*dec = NULL;
	int64_t			 last = 0;
	int			 bits, rc;

	memset(&items, 0, sizeof(items));
	if (rs == NULL)
		return err_set(e, ERR_UNAVAILABLE, "rules", "the key-unit rules "
		    "are not loaded (data/rules/key-units.json)");
	if ((rc = registry_unit_get(st, who, unit_id, &v, e)) < 0)
		goto out;
	if ((rc = rc_items_load(st, unit_id, &items, e)) < 0)
		goto out;
	matched = json_array();
	check = json_array();
	rc_evaluate(rs, &items, matched, check, proposed);
	rc = store_query_int(st, rc_sql_latest, STORE_ARGS(SV_I(unit_id)),
	    &last, e);
	if (rc == ERR_NOT_FOUND)
		last = 0;
	else if (rc < 0)
		goto out;
	if (last != 0 && (rc = rc_record_get(st, last, &dec, e)) < 0)
		goto out;
	bits = rc_view_bits(v);
	*out = json_pack("{s:O, s:O, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "unit_id", json_object_get(v, "id"),
	    "unit_version", json_object_get(v, "version"),
	    "rules_version", rs->version,
	    "rules_sm3", rs->sm3,
	    "classifiable", rc_bits_json(rs->classifiable),
	    "current", rc_bits_json(bits & rs->classifiable),
	    "proposed", rc_bits_json(*proposed),
	    "matched", matched,
	    "to_check", check,
	    "decision", dec ? dec : json_null());
	matched = check = dec = NULL;
	if (view != NULL) {
		*view = v;
		v = NULL;
	}
	rc = 0;
out:
	free(items.it);
	json_decref(v);
	json_decref(matched);
	json_decref(check);
	json_decref(dec);
	return rc;
}

int
registry_class_propose(struct store *st, struct actor *who, int64_t unit_id,
    json_t **out, struct err *e)
{
	int	proposed;

	return rc_propose(st, who, unit_id, out, NULL, &proposed, e);
}

static const struct rc_rule *
rc_rule_find(const struct rc_rules *rs, const char *id)
{
	int	i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].id, id) == 0)
			return &rs->r[i];
	return NULL;
}

/* REG-024: the decision's input, checked against the loaded rules. */
static int
rc_decision_parse(const struct rc_rules *rs, const json_t *in, int *bits,
    json_t **ids, char **note, struct err *e)
{
	static const char *const keys[] = { "categories", "rule_ids", "note",
	    NULL };
	const struct rc_rule	*r;
	const char		*k;
	json_t			*v, *x, *y;
	size_t			 i, j;
	int			 b, backed, rc;

	*bits = 0;
	if (!json_is_object(in))
		return err_set(e, ERR_BAD_JSON, "", "a JSON object is required");
	json_object_foreach((json_t *)(uintptr_t)in, k, v)
		if (!reg_choice(keys, k))
			return err_set(e, ERR_UNKNOWN_FIELD, k, "unknown field "
			    "%.40s", k);
	if ((v = json_object_get(in, "categories")) == NULL)
		return err_set(e, ERR_MISSING, "categories", "categories is "
		    "required (an empty list: none of them)");
	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "categories", "categories must be "
		    "a list");
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(e, ERR_TYPE, "categories", "categories "
			    "must be a list of strings");
		b = rc_name_bit(json_string_value(x));
		if (b <= 0 || (b & rs->classifiable) == 0)
			return err_set(e, ERR_INVALID, "categories", "%.32s is "
			    "not decided by the key-unit rules (REG-024)",
			    json_string_value(x));
		if (*bits & b)
			return err_set(e, ERR_INVALID, "categories", "%.32s is "
			    "listed twice", json_string_value(x));
		*bits |= b;
	}
	if ((v = json_object_get(in, "rule_ids")) == NULL)
		return err_set(e, ERR_MISSING, "rule_ids", "rule_ids is "
		    "required (REG-024)");
	if (!json_is_array(v) || json_array_size(v) > RC_CITE_MAX)
		return err_set(e, ERR_TYPE, "rule_ids", "rule_ids must be a "
		    "list of at most %d rule ids", RC_CITE_MAX);
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(e, ERR_TYPE, "rule_ids", "rule_ids must "
			    "be a list of strings");
		if (rc_rule_find(rs, json_string_value(x)) == NULL)
			return err_set(e, ERR_INVALID, "rule_ids", "unknown rule "
			    "%.40s (rules version %s)", json_string_value(x),
			    rs->version);
		for (j = 0; j < i; j++) {
			y = json_array_get(v, j);
			if (strcmp(json_string_value(x), json_string_value(y))
			    == 0)
				return err_set(e, ERR_INVALID, "rule_ids",
				    "rule %.40s is listed twice",
				    json_string_value(x));
		}
	}
	/* Every category decided rests on a rule of that category. */
	for (b = 1; b <= rs->classifiable; b <<= 1) {
		if (!(*bits & b))
			continue;
		backed = 0;
		json_array_foreach(v, i, x)
			if ((r = rc_rule_find(rs, json_string_value(x))) &&
			    r->bit == b)
				backed = 1;
		if (!backed)
			return err_set(e, ERR_INVALID, "rule_ids", "cite a rule "
			    "for each category confirmed (REG-024)");
	}
	*ids = json_deep_copy(v);
	*note = NULL;
	if ((x = json_object_get(in, "note")) != NULL && !json_is_null(x)) {
		if ((rc = reg_text(x, "note", REGISTRY_REASON_MIN,
		    REGISTRY_NOTE_MAX, note, e)) < 0) {
			json_decref(*ids);
			*ids = NULL;
			return rc;
		}
	}
	return 0;
}

int
registry_class_confirm(struct store *st, struct actor *who, int64_t unit_id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	const struct rc_rules	*rs = rc_loaded;
	json_t			*prop = NULL, *view = NULL, *ids = NULL;
	json_t			*upd = NULL, *after = NULL, *rec = NULL;
	char			*note = NULL, *idtext = NULL, by[24];
	int64_t			 cid, version;
	int			 bits, proposed = 0, have, now_bits, rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		goto out;
	if (rs == NULL) {
		rc = err_set(e, ERR_UNAVAILABLE, "rules", "the key-unit rules "
		    "are not loaded");
		goto out;
	}
	if ((rc = rc_decision_parse(rs, in, &bits, &ids, &note, e)) < 0)
		goto out;
	if ((rc = rc_propose(st, who, unit_id, &prop, &view, &proposed,
	    e)) < 0)
		goto out;
	version = json_integer_value(json_object_get(view, "version"));
	if (strcmp(json_string_value(json_object_get(view, "status")),
	    "archived") == 0) {
		rc = err_set(e, ERR_POLICY, "status", "the unit is archived "
		    "(REG-013)");
		goto out;
	}
	if (expected != version) {
		rc = err_set(e, ERR_STALE, "version", "the unit was changed by "
		    "someone else (now version %lld)", (long long)version);
		goto out;
	}
	/* REG-024: departing from the proposal takes a reason. */
	if (bits != proposed && note == NULL) {
		rc = err_set(e, ERR_MISSING, "note", "a note of %d to %d "
		    "characters is required when the decision differs from the "
		    "proposal (REG-024)", REGISTRY_REASON_MIN,
		    REGISTRY_NOTE_MAX);
		goto out;
	}
	have = rc_view_bits(view);
	now_bits = (have & ~rs->classifiable) | bits;
	if (now_bits != have) {
		upd = json_pack("{s:o}", "categories", rc_bits_json(now_bits));
		if ((rc = registry_unit_update(st, who, unit_id, expected, upd,
		    &after, e)) < 0)
			goto out;
		version = json_integer_value(json_object_get(after,
		    "version"));
	}
	cid = id_next();
	idtext = jx_canonical(ids);
	reg_actor_name(who, by);
	if ((rc = store_exec(st, rc_sql_ins, STORE_ARGS(SV_I(cid),
	    SV_I(unit_id), SV_I(version), SV_I(bits), SV_I(proposed),
	    SV_S(idtext), SV_S(rs->version), SV_S(rs->sm3), SV_S(note),
	    SV_S(by), SV_I(clock_now())), NULL, e)) < 0)
		goto out;
	if ((rc = rc_record_get(st, cid, &rec, e)) < 0)
		goto out;
	if ((rc = audit_append_id(st, who, "unit.classify", "classification",
	    cid, rec, e)) < 0)
		goto out;
	*out = rec;
	rec = NULL;
	rc = 0;
out:
	json_decref(prop);
	json_decref(view);
	json_decref(ids);
	json_decref(upd);
	json_decref(after);
	json_decref(rec);
	free(note);
	free(idtext);
	return rc;
}
