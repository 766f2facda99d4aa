/*
 * Grid patrols (网格巡查) and police stations' fire checks (PAT-001..012):
 * checklists per trade as data, records of a visit with the checklist's
 * results, photos, signatures and the phone's position; failed items
 * become hazards of the item's type (hazard.c) or are recorded as
 * corrected on the spot; ledgers, the re-check view, monthly coverage per
 * grid and the yearly police coverage of special-industry places.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/sheet.h"
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "files.h"
#include "geo.h"
#include "hazard.h"
#include "hazard_int.h"
#include "notice.h"
#include "patrol.h"
#include "registry.h"

#define PAT_ITEMS_MAX	60
#define PAT_PHOTOS_MAX	9
#define PAT_NOTE_MAX	500

struct pat_item {
	char	 code[24];
	char	*text;
	char	 hazard_type[32];
};

struct pat_template {
	char		 code[24];
	char		*name;
	char		 kind[8];		/* patrol | police */
	char		 three_small[16];	/* applies to this kind */
	int		 category_bit;		/* or this category */
	int		 is_default;
	struct pat_item	*items;
	int		 nitems;
};

struct pat_set {
	json_t			*doc;
	char			 version[32];
	struct pat_template	*t;
	int			 n;
};

static struct pat_set	*pat_cur;

static void
pat_set_free(struct pat_set *s)
{
	int	i, j;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->t[i].nitems; j++)
			free(s->t[i].items[j].text);
		free(s->t[i].items);
		free(s->t[i].name);
	}
	free(s->t);
	json_decref(s->doc);
	free(s);
}



static int
pat_applies(struct pat_template *t, const json_t *a, const char *where,
    struct err *e)
{
	static const char *const akeys[] = { "three_small_kind", "category",
	    "default", NULL };
	const char	*s;
	int		 i;

	if (rec_data_keys(a, akeys, where, e) < 0)
		return e->code;
	if ((s = json_string_value(json_object_get(a, "three_small_kind"))))
		snprintf(t->three_small, sizeof(t->three_small), "%s", s);
	if ((s = json_string_value(json_object_get(a, "category")))) {
		for (i = 0; registry_categories[i].name != NULL; i++)
			if (strcmp(registry_categories[i].name, s) == 0)
				t->category_bit = registry_categories[i].bit;
		if (t->category_bit == 0)
			return err_set(e, ERR_INVALID, NULL, "%s: unknown "
			    "category %s", where, s);
	}
	t->is_default = json_is_true(json_object_get(a, "default"));
	if (!*t->three_small && !t->category_bit && !t->is_default)
		return err_set(e, ERR_INVALID, NULL, "%s: applies to nothing",
		    where);
	return 0;
}

static int
pat_parse(struct pat_set *s, struct err *e)
{
	static const char *const top[] = { "format", "version", "source",
	    "note", "templates", NULL };
	static const char *const tkeys[] = { "code", "name", "applies",
	    "kind", "items", NULL };
	static const char *const ikeys[] = { "code", "text", "hazard_type",
	    NULL };
	const json_t	*ts, *t, *items, *it;
	const char	*v;
	size_t		 i, j;
	int		 k, m;
	char		 where[80];

	if (rec_data_keys(s->doc, top, "checklists", e) < 0)
		return e->code;
	v = json_string_value(json_object_get(s->doc, "format"));
	if (v == NULL || strcmp(v, "firewarden-patrol-checklists-v1") != 0)
		return err_set(e, ERR_INVALID, NULL, "format must be "
		    "firewarden-patrol-checklists-v1");
	if ((v = rec_data_str(s->doc, "version", sizeof(s->version) - 1,
	    "checklists", e)) == NULL)
		return e->code;
	snprintf(s->version, sizeof(s->version), "%s", v);
	ts = json_object_get(s->doc, "templates");
	if (!json_is_array(ts) || json_array_size(ts) == 0 ||
	    json_array_size(ts) > 50)
		return err_set(e, ERR_INVALID, NULL, "templates: 1 to 50");
	s->t = xcalloc(json_array_size(ts), sizeof(*s->t));
	json_array_foreach(ts, i, t) {
		struct pat_template	*pt = &s->t[s->n];

		snprintf(where, sizeof(where), "templates[%zu]", i);
		if (rec_data_keys(t, tkeys, where, e) < 0 ||
		    (v = rec_data_str(t, "code", sizeof(pt->code) - 1, where,
		    e)) == NULL)
			return e->code;
		snprintf(pt->code, sizeof(pt->code), "%s", v);
		for (k = 0; k < s->n; k++)
			if (strcmp(s->t[k].code, pt->code) == 0)
				return err_set(e, ERR_INVALID, NULL, "template "
				    "%s listed twice", v);
		snprintf(where, sizeof(where), "template %s", pt->code);
		if ((v = rec_data_str(t, "name", 100, where, e)) == NULL)
			return e->code;
		pt->name = xstrdup(v);
		s->n++;
		if ((v = rec_data_str(t, "kind", 7, where, e)) == NULL)
			return e->code;
		if (strcmp(v, "patrol") != 0 && strcmp(v, "police") != 0)
			return err_set(e, ERR_INVALID, NULL, "%s: kind must be "
			    "patrol or police", where);
		snprintf(pt->kind, sizeof(pt->kind), "%s", v);
		if (pat_applies(pt, json_object_get(t, "applies"), where,
		    e) < 0)
			return e->code;
		items = json_object_get(t, "items");
		if (!json_is_array(items) || json_array_size(items) == 0 ||
		    json_array_size(items) > PAT_ITEMS_MAX)
			return err_set(e, ERR_INVALID, NULL, "%s: items: 1 to "
			    "%d", where, PAT_ITEMS_MAX);
		pt->items = xcalloc(json_array_size(items),
		    sizeof(*pt->items));
		json_array_foreach(items, j, it) {
			struct pat_item	*pi = &pt->items[pt->nitems];
			char		 iw[128];

			snprintf(iw, sizeof(iw), "%s items[%zu]", where, j);
			if (rec_data_keys(it, ikeys, iw, e) < 0 ||
			    (v = rec_data_str(it, "code", sizeof(pi->code) - 1, iw,
			    e)) == NULL)
				return e->code;
			snprintf(pi->code, sizeof(pi->code), "%s", v);
			for (m = 0; m < pt->nitems; m++)
				if (strcmp(pt->items[m].code, pi->code) == 0)
					return err_set(e, ERR_INVALID, NULL,
					    "%s: item %s listed twice", where,
					    v);
			if ((v = rec_data_str(it, "text", 400, iw, e)) == NULL)
				return e->code;
			pi->text = xstrdup(v);
			pt->nitems++;
			if ((v = rec_data_str(it, "hazard_type",
			    sizeof(pi->hazard_type) - 1, iw, e)) == NULL)
				return e->code;
			if (hazard_type_find(v) == NULL)
				return err_set(e, ERR_INVALID, NULL, "%s: hazard "
				    "type %s is not in the hazard catalogue",
				    iw, v);
			snprintf(pi->hazard_type, sizeof(pi->hazard_type), "%s",
			    v);
		}
	}
	return 0;
}

static int
pat_parse_cb(void *ctx, struct err *e)
{
	return pat_parse(ctx, e);
}

int
patrol_checklists_load(const char *path, struct err *e)
{
	struct pat_set	*s = xcalloc(1, sizeof(*s));
	int		 rc;

	if ((rc = rec_data_load(path, &s->doc, pat_parse_cb, s, e)) < 0) {
		pat_set_free(s);
		return rc;
	}
	/* Loaded at start-up, before requests read it. */
	pat_set_free(pat_cur);
	pat_cur = s;
	return 0;
}

int
patrol_checklists_json(json_t **out, struct err *e)
{
	if (pat_cur == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the patrol checklists "
		    "are not loaded");
	*out = json_deep_copy(pat_cur->doc);
	return 0;
}

static const struct pat_template *
pat_find(const char *code)
{
	int	i;

	for (i = 0; pat_cur != NULL && i < pat_cur->n; i++)
		if (strcmp(pat_cur->t[i].code, code) == 0)
			return &pat_cur->t[i];
	return NULL;
}

/* PAT-002: the checklist for a unit: its three-small kind, else its
 * categories, else the default, among the templates of kind. */
static const struct pat_template *
pat_choose(const char *kind, int categories, const char *three_small)
{
	const struct pat_template	*def = NULL;
	int				 i;

	for (i = 0; pat_cur != NULL && i < pat_cur->n; i++) {
		const struct pat_template *t = &pat_cur->t[i];

		if (strcmp(t->kind, kind) != 0)
			continue;
		if (*t->three_small && strcmp(t->three_small, three_small) == 0)
			return t;
	}
	for (i = 0; pat_cur != NULL && i < pat_cur->n; i++) {
		const struct pat_template *t = &pat_cur->t[i];

		if (strcmp(t->kind, kind) != 0)
			continue;
		if (t->category_bit && (categories & t->category_bit))
			return t;
		if (t->is_default && def == NULL)
			def = t;
	}
	return def;
}

/* Results of one item. */
struct pat_res {
	const struct pat_item	*item;
	int			 given;
	char			 result[8];
	char			*note;
	int64_t			 photos[PAT_PHOTOS_MAX];
	int			 nphotos;
	int			 on_spot;
	int			 deadline_days;
	int64_t			 hazard_id;
};

static int
pat_result(const json_t *x, size_t i, const struct pat_template *t,
    struct pat_res *res, struct err *e)
{
	static const char *const keys[] = { "code", "result", "note",
	    "photos", "on_spot", "deadline_days", NULL };
	struct pat_res			*r = NULL;
	const char			*code, *result, *k;
	json_t				*v;
	char				 f[48];
	size_t				 j;
	int				 n;

	snprintf(f, sizeof(f), "results[%zu]", i);
	if (!json_is_object(x))
		return err_set(e, ERR_TYPE, f, "%s must be an object", f);
	json_object_foreach((json_t *)(uintptr_t)x, k, v)
		if (!reg_choice(keys, k))
			return err_set(e, ERR_UNKNOWN_FIELD, f, "%s: unknown "
			    "field %s", f, k);
	code = json_string_value(json_object_get(x, "code"));
	for (n = 0; code != NULL && n < t->nitems; n++)
		if (strcmp(t->items[n].code, code) == 0)
			r = &res[n];
	if (r == NULL)
		return err_set(e, ERR_INVALID, f, "%s: code must be an item of "
		    "checklist %s", f, t->code);
	if (r->given)
		return err_set(e, ERR_INVALID, f, "item %s has two results",
		    code);
	r->given = 1;
	result = json_string_value(json_object_get(x, "result"));
	if (result == NULL || (strcmp(result, "pass") != 0 &&
	    strcmp(result, "fail") != 0 && strcmp(result, "na") != 0))
		return err_set(e, ERR_INVALID, f, "%s: result must be pass, fail "
		    "or na", f);
	snprintf(r->result, sizeof(r->result), "%s", result);
	if ((v = json_object_get(x, "note")) != NULL && !json_is_null(v) &&
	    reg_text(v, f, 1, PAT_NOTE_MAX, &r->note, e) < 0)
		return e->code;
	if ((v = json_object_get(x, "photos")) != NULL && !json_is_null(v)) {
		if (!json_is_array(v) || json_array_size(v) > PAT_PHOTOS_MAX)
			return err_set(e, ERR_INVALID, f, "%s: at most %d "
			    "photos", f, PAT_PHOTOS_MAX);
		for (j = 0; j < json_array_size(v); j++)
			if (reg_json_id(json_array_get(v, j), f,
			    &r->photos[j], e) < 0)
				return e->code;
		r->nphotos = (int)json_array_size(v);
	}
	if (strcmp(result, "fail") != 0)
		return 0;
	/* PAT-004: a failure says what and shows it. */
	if (r->note == NULL)
		return err_set(e, ERR_MISSING, f, "%s: a failed item says what "
		    "was found (PAT-004)", f);
	if (r->nphotos == 0)
		return err_set(e, ERR_MISSING, f, "%s: a failed item has at "
		    "least one photo (PAT-004)", f);
	return 0;
}

/* on_spot and deadline_days of a failed item (after the item is known). */
static int
pat_fail_terms(const json_t *x, size_t i, struct pat_res *r, struct err *e)
{
	const struct hazard_type	*ty = hazard_type_find(
	    r->item->hazard_type);
	json_t				*v;
	char				 f[48];

	snprintf(f, sizeof(f), "results[%zu]", i);
	v = json_object_get(x, "on_spot");
	if (v != NULL && !json_is_boolean(v))
		return err_set(e, ERR_TYPE, f, "%s: on_spot must be true or "
		    "false", f);
	r->on_spot = json_is_true(v);
	if (r->on_spot && strcmp(r->result, "fail") != 0)
		return err_set(e, ERR_INVALID, f, "%s: only a failed item is "
		    "corrected on the spot", f);
	/* PAT-005: the hazard type decides whether it can be. */
	if (r->on_spot && (ty == NULL || !ty->on_spot))
		return err_set(e, ERR_POLICY, f, "%s: %s cannot be corrected "
		    "on the spot (PAT-005)", f, r->item->hazard_type);
	v = json_object_get(x, "deadline_days");
	if (v != NULL && (strcmp(r->result, "fail") != 0 || r->on_spot))
		return err_set(e, ERR_INVALID, f, "%s: a deadline is for a "
		    "failed item not corrected on the spot", f);
	r->deadline_days = 0;
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > hazard_clock("max_deadline_days"))
			return err_set(e, ERR_RANGE, f, "%s: deadline_days must "
			    "be 1 to %d", f, hazard_clock("max_deadline_days"));
		r->deadline_days = (int)json_integer_value(v);
	}
	return 0;
}

static json_t *
pat_results_json(const struct pat_template *t, const struct pat_res *res)
{
	json_t	*a = json_array(), *o, *p;
	int	 i, j;

	for (i = 0; i < t->nitems; i++) {
		p = json_array();
		for (j = 0; j < res[i].nphotos; j++)
			json_array_append_new(p, jx_id(res[i].photos[j]));
		o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:o}",
		    "code", t->items[i].code, "text", t->items[i].text,
		    "hazard_type", t->items[i].hazard_type,
		    "result", res[i].result,
		    "note", jx_str_or_null(res[i].note), "photos", p,
		    "on_spot", res[i].on_spot,
		    "deadline_days", res[i].deadline_days > 0 ?
		    json_integer(res[i].deadline_days) : json_null(),
		    "hazard_id", res[i].hazard_id ? jx_id(res[i].hazard_id) :
		    json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static const char *const pat_names[] = { "id", "unit_id", "town", "grid_id",
    "kind", "template", "template_version", "results", "outcome",
    "failures", "note", "signatures", "lat_e6", "lng_e6", "accuracy_m",
    "located_at", "patrolled_on", "created_at", "created_by", "version",
    NULL };

int
patrol_record(struct store *st, const char *id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 pid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &pid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such patrol");
	if ((rc = store_query(st, "SELECT id, unit_id, town, grid_id, kind, "
	    "template, template_version, results, outcome, failures, note, "
	    "signatures, lat_e6, lng_e6, accuracy_m, located_at, "
	    "patrolled_on, created_at, created_by, version FROM "
	    "patrol_records WHERE id = ?", STORE_ARGS(SV_I(pid)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = rec_row_obj(r, pat_names, "iisisssjsnsjnnnnsnsn");
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such patrol");
	return rc < 0 ? rc : 0;
}

int
patrol_new(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "unit_id", "kind", "template",
	    "results", "note", "signatures", "location", NULL };
	const struct pat_template	*t;
	struct pat_res			*res = NULL;
	struct reg_unit_loc		 loc;
	struct store_rows		*r = NULL;
	json_t				*v, *x, *sig = NULL, *rj = NULL;
	const char			*kind = "patrol", *outcome;
	char				*note = NULL, *refused = NULL, *rtext = NULL;
	char				*stext = NULL, today[HZ_DATE_LEN + 1];
	char				 three[16] = "", by[24], ps[24];
	int64_t				 unit_id, pid, sigp = 0, sigu = 0;
	int64_t				 lat = 0, lng = 0, acc = -1, at = 0;
	int64_t				 now = clock_now();
	size_t				 i;
	int				 rc, cats = 0, has_loc = 0, fails = 0;
	int				 open = 0, j;

	if ((rc = reg_need(who, "patrol:write", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (pat_cur == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the patrol checklists "
		    "are not loaded");
	if ((v = json_object_get(in, "kind")) != NULL) {
		kind = json_string_value(v);
		if (kind == NULL || (strcmp(kind, "patrol") != 0 &&
		    strcmp(kind, "police") != 0))
			return err_set(e, ERR_INVALID, "kind", "kind must be "
			    "patrol or police");
	}
	/* PAT-003: a police check is a police station's. */
	if (strcmp(kind, "police") == 0 && (rc = reg_need(who,
	    "patrol:police", e)) < 0)
		return rc;
	if ((v = json_object_get(in, "unit_id")) == NULL)
		return err_set(e, ERR_MISSING, "unit_id", "unit_id is required");
	if ((rc = reg_json_id(v, "unit_id", &unit_id, e)) < 0)
		return rc;
	if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0) {
		if (rc == ERR_NOT_FOUND)
			snprintf(e->field, sizeof(e->field), "unit_id");
		return rc;
	}
	if (strcmp(loc.status, "active") != 0)
		return err_set(e, ERR_POLICY, "unit_id", "the unit is %s",
		    loc.status);
	if ((rc = store_query(st, "SELECT categories, three_small_kind FROM "
	    "units WHERE id = ?", STORE_ARGS(SV_I(unit_id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		cats = (int)store_int(r, 0);
		snprintf(three, sizeof(three), "%s", store_text(r, 1));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	/* PAT-002: the checklist of the place's trade, or the one named. */
	if ((v = json_object_get(in, "template")) != NULL) {
		if (!json_is_string(v) ||
		    (t = pat_find(json_string_value(v))) == NULL)
			return err_set(e, ERR_INVALID, "template", "no such "
			    "checklist");
		if (strcmp(t->kind, kind) != 0)
			return err_set(e, ERR_INVALID, "template", "checklist "
			    "%s is for kind %s", t->code, t->kind);
	} else if ((t = pat_choose(kind, cats, three)) == NULL)
		return err_set(e, ERR_INVALID, "template", "no checklist of "
		    "kind %s applies to this unit", kind);
	res = xcalloc((size_t)t->nitems, sizeof(*res));
	for (j = 0; j < t->nitems; j++)
		res[j].item = &t->items[j];
	v = json_object_get(in, "results");
	if (!json_is_array(v)) {
		rc = err_set(e, v ? ERR_TYPE : ERR_MISSING, "results", "results "
		    "must be a list of {code, result, …}");
		goto out;
	}
	json_array_foreach(v, i, x)
		if ((rc = pat_result(x, i, t, res, e)) < 0)
			goto out;
	json_array_foreach(v, i, x) {
		const char	*code = json_string_value(json_object_get(x,
		    "code"));

		for (j = 0; j < t->nitems; j++)
			if (strcmp(t->items[j].code, code) == 0 &&
			    (rc = pat_fail_terms(x, i, &res[j], e)) < 0)
				goto out;
	}
	/* PAT-004: every item of the checklist has a result. */
	for (j = 0; j < t->nitems; j++)
		if (!res[j].given) {
			rc = err_set(e, ERR_MISSING, "results", "item %s (%s) "
			    "has no result (PAT-004)", t->items[j].code,
			    t->items[j].text);
			goto out;
		}
	if ((rc = rec_opt_text(in, "note", 1, 2000, &note, e)) < 0)
		goto out;
	/* PAT-006: both parties sign, or the unit's refusal is recorded. */
	sig = json_object_get(in, "signatures");
	if (!json_is_object(sig)) {
		rc = err_set(e, sig ? ERR_TYPE : ERR_MISSING, "signatures",
		    "signatures must be {patroller, unit | unit_refused}");
		goto out;
	}
	{
		static const char *const sk[] = { "patroller", "unit",
		    "unit_refused", NULL };

		if ((rc = rec_only(sig, sk, e)) < 0) {
			snprintf(e->field, sizeof(e->field), "signatures");
			goto out;
		}
	}
	if ((x = json_object_get(sig, "patroller")) == NULL) {
		rc = err_set(e, ERR_MISSING, "signatures", "the patroller signs "
		    "(PAT-006)");
		goto out;
	}
	if ((rc = reg_json_id(x, "signatures", &sigp, e)) < 0)
		goto out;
	if ((x = json_object_get(sig, "unit")) != NULL && !json_is_null(x) &&
	    (rc = reg_json_id(x, "signatures", &sigu, e)) < 0)
		goto out;
	if ((rc = rec_opt_text(sig, "unit_refused", 2, 200, &refused, e)) < 0) {
		snprintf(e->field, sizeof(e->field), "signatures");
		goto out;
	}
	if ((sigu == 0) == (refused == NULL)) {
		rc = err_set(e, ERR_MISSING, "signatures", "the unit signs, or "
		    "its refusal to sign is recorded (PAT-006)");
		goto out;
	}
	if ((rc = geo_position(json_object_get(in, "location"), &lat, &lng,
	    &acc, &at, &has_loc, e)) < 0)
		goto out;
	/* PAT-007: hazards for the failures; on the spot ones are closed. */
	pid = id_next();
	for (j = 0; j < t->nitems; j++) {
		struct hazard_new	 hn;
		char			*desc;

		if (strcmp(res[j].result, "fail") != 0)
			continue;
		fails++;
		if (!res[j].on_spot)
			open++;
		desc = xasprintf("%s：%s", t->items[j].text, res[j].note);
		memset(&hn, 0, sizeof(hn));
		hn.unit_id = unit_id;
		hn.type_code = t->items[j].hazard_type;
		hn.source = kind;
		hn.source_id = pid;
		hn.item_code = t->items[j].code;
		hn.description = desc;
		hn.photos = res[j].photos;
		hn.nphotos = res[j].nphotos;
		hn.on_spot = res[j].on_spot;
		hn.deadline_days = res[j].deadline_days;
		rc = hazard_create(st, who, &hn, &res[j].hazard_id, e);
		free(desc);
		if (rc < 0) {
			snprintf(e->field, sizeof(e->field), "results");
			goto out;
		}
	}
	outcome = fails == 0 ? "compliant" : open == 0 ? "corrected" :
	    "hazards";
	rj = pat_results_json(t, res);
	rtext = jx_dump(rj);
	{
		json_t	*s = json_pack("{s:o, s:o, s:o}", "patroller",
		    jx_id(sigp), "unit", sigu ? jx_id(sigu) : json_null(),
		    "unit_refused", jx_str_or_null(refused));

		stext = jx_dump(s);
		json_decref(s);
	}
	rec_today(today);
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO patrol_records (id, unit_id, "
	    "town, grid_id, kind, template, template_version, results, "
	    "outcome, failures, note, signatures, lat_e6, lng_e6, accuracy_m, "
	    "located_at, patrolled_on, created_at, created_by, version) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "1)", STORE_ARGS(SV_I(pid), SV_I(unit_id), SV_S(loc.town),
	    loc.grid ? SV_I(loc.grid) : SV_N, SV_S(kind), SV_S(t->code),
	    SV_S(pat_cur->version), SV_S(rtext), SV_S(outcome), SV_I(fails),
	    note ? SV_S(note) : SV_N, SV_S(stext),
	    has_loc ? SV_I(lat) : SV_N, has_loc ? SV_I(lng) : SV_N,
	    has_loc && acc >= 0 ? SV_I(acc) : SV_N,
	    has_loc && at ? SV_I(at) : SV_N, SV_S(today), SV_I(now), SV_S(by)),
	    NULL, e)) < 0)
		goto out;
	/* Photos and signatures become the record's evidence (I-5). */
	for (j = 0; j < t->nitems; j++)
		if (res[j].nphotos > 0 && (rc = files_attach(st, who,
		    res[j].photos, res[j].nphotos, "patrol_record", pid,
		    "photo", e)) < 0) {
			snprintf(e->field, sizeof(e->field), "results");
			goto out;
		}
	{
		int64_t	sigs[2] = { sigp, sigu };

		if ((rc = files_attach(st, who, sigs, sigu ? 2 : 1,
		    "patrol_record", pid, "signature", e)) < 0) {
			snprintf(e->field, sizeof(e->field), "signatures");
			goto out;
		}
	}
	if (open > 0) {
		char	*msg = xasprintf("%s 的%s发现 %d 处火灾隐患，请按期整改。",
		    today, strcmp(kind, "police") == 0 ? "派出所消防检查" :
		    "网格巡查", open);

		rc = notice_unit(st, who, unit_id, "patrol.result",
		    "巡查发现火灾隐患", msg, "patrol_record", pid, e);
		free(msg);
		if (rc < 0)
			goto out;
	}
	snprintf(ps, sizeof(ps), "%lld", (long long)pid);
	if ((rc = patrol_record(st, ps, out, e)) < 0)
		goto out;
	rc = audit_append_id(st, who, "patrol.create", "patrol_record", pid,
	    *out, e);
out:
	if (res != NULL)
		for (j = 0; j < t->nitems; j++)
			free(res[j].note);
	free(res);
	free(note);
	free(refused);
	free(rtext);
	free(stext);
	json_decref(rj);
	return rc;
}

/* Who sees a record: the registry's scope on its town, grid and unit. */
static int
pat_sees(const struct actor *who, const json_t *rec)
{
	struct reg_scope	s;
	const json_t		*g = json_object_get(rec, "grid_id");

	reg_scope_of(who, &s);
	return reg_scope_sees(&s, json_string_value(json_object_get(rec,
	    "town")), g && json_is_string(g) ? strtoll(json_string_value(g),
	    NULL, 10) : 0, strtoll(json_string_value(json_object_get(rec,
	    "unit_id")), NULL, 10));
}

int
patrol_can_read(struct store *st, struct actor *who, int64_t id,
    struct err *e)
{
	json_t	*rec = NULL;
	char	 s[24];
	int	 rc, ok;

	if (!actor_can(who, "patrol:read") && !actor_can(who, "hazard:read"))
		return 0;
	snprintf(s, sizeof(s), "%lld", (long long)id);
	if ((rc = patrol_record(st, s, &rec, e)) < 0)
		return rc == ERR_NOT_FOUND ? 0 : rc;
	ok = pat_sees(who, rec);
	json_decref(rec);
	return ok;
}

int
patrol_get(struct store *st, struct actor *who, int64_t id, json_t **out,
    struct err *e)
{
	static const char *const hn[] = { "id", "no", "status", "deadline",
	    "item_code", NULL };
	struct store_rows	*r = NULL;
	json_t			*rec = NULL, *a, *prev = NULL;
	char			 s[24];
	int64_t			 unit, pid = 0;
	int			 rc;

	if ((rc = reg_need(who, "patrol:read", e)) < 0)
		return rc;
	snprintf(s, sizeof(s), "%lld", (long long)id);
	if ((rc = patrol_record(st, s, &rec, e)) < 0)
		return rc;
	if (!pat_sees(who, rec)) {
		json_decref(rec);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such patrol");
	}
	if ((rc = store_query(st, "SELECT id, no, status, deadline, item_code "
	    "FROM hazards WHERE source IN ('patrol', 'police') AND "
	    "source_id = ? ORDER BY id", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		goto fail;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, rec_row_obj(r, hn, "issss"));
	store_rows_free(r);
	r = NULL;
	json_object_set_new(rec, "hazards", a);
	if (rc < 0)
		goto fail;
	{
		char	*un = NULL, *gn = NULL;
		int64_t	 uid = strtoll(json_string_value(json_object_get(rec,
		    "unit_id")), NULL, 10);
		const json_t *g = json_object_get(rec, "grid_id");

		if ((rc = store_query_text(st, "SELECT name FROM units WHERE "
		    "id = ?", STORE_ARGS(SV_I(uid)), &un, e)) < 0)
			goto fail;
		if (json_is_string(g) && (rc = store_query_text(st, "SELECT "
		    "name FROM grids WHERE id = ?", STORE_ARGS(SV_I(strtoll(
		    json_string_value(g), NULL, 10))), &gn, e)) < 0) {
			free(un);
			goto fail;
		}
		json_object_set_new(rec, "unit_name", jx_str_or_null(un));
		json_object_set_new(rec, "grid_name", jx_str_or_null(gn));
		free(un);
		free(gn);
	}
	/* PAT-008: the unit's record before this one, for the re-check. */
	unit = strtoll(json_string_value(json_object_get(rec, "unit_id")),
	    NULL, 10);
	if ((rc = store_query(st, "SELECT id FROM patrol_records WHERE "
	    "unit_id = ? AND (created_at < ? OR (created_at = ? AND id < ?)) "
	    "ORDER BY created_at DESC, id DESC LIMIT 1", STORE_ARGS(SV_I(unit),
	    SV_I(json_integer_value(json_object_get(rec, "created_at"))),
	    SV_I(json_integer_value(json_object_get(rec, "created_at"))),
	    SV_I(id)), &r, e)) < 0)
		goto fail;
	if ((rc = store_next(r, e)) == 1)
		pid = store_int(r, 0);
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	if (pid) {
		snprintf(s, sizeof(s), "%lld", (long long)pid);
		if ((rc = patrol_record(st, s, &prev, e)) < 0)
			goto fail;
	}
	json_object_set_new(rec, "previous", prev ? prev : json_null());
	*out = rec;
	return 0;
fail:
	json_decref(rec);
	return rc;
}

/* The list's WHERE clause; the arguments point into f and s. */
static int
pat_where(const struct actor *who, const struct patrol_filter *f,
    struct reg_scope *s, struct buf *w, struct store_val *args, int *nargs,
    struct err *e)
{
	char	d[REG_DATE_LEN + 1];
	int	n = 0;

	reg_scope_of(who, s);
	buf_adds(w, " WHERE 1 = 1");
	switch (s->kind) {
	case RS_ALL:
		break;
	case RS_TOWN:
		buf_adds(w, " AND p.town = ?");
		args[n++] = SV_S(s->town);
		break;
	case RS_GRID:
		buf_adds(w, " AND p.grid_id = ?");
		args[n++] = SV_I(s->id);
		break;
	case RS_UNIT:
		buf_adds(w, " AND p.unit_id = ?");
		args[n++] = SV_I(s->id);
		break;
	default:
		buf_adds(w, " AND 1 = 0");
	}
	if (f->unit_id > 0) {
		buf_adds(w, " AND p.unit_id = ?");
		args[n++] = SV_I(f->unit_id);
	}
	if (f->grid_id > 0) {
		buf_adds(w, " AND p.grid_id = ?");
		args[n++] = SV_I(f->grid_id);
	}
	if (f->town != NULL) {
		if (!reg_town_syntax(f->town))
			return err_set(e, ERR_INVALID, "town", "town must be a "
			    "9-digit code");
		buf_adds(w, " AND p.town = ?");
		args[n++] = SV_S(f->town);
	}
	if (f->kind != NULL) {
		if (strcmp(f->kind, "patrol") != 0 &&
		    strcmp(f->kind, "police") != 0)
			return err_set(e, ERR_INVALID, "kind", "kind must be "
			    "patrol or police");
		buf_adds(w, " AND p.kind = ?");
		args[n++] = SV_S(f->kind);
	}
	if (f->outcome != NULL) {
		if (strcmp(f->outcome, "compliant") != 0 &&
		    strcmp(f->outcome, "corrected") != 0 &&
		    strcmp(f->outcome, "hazards") != 0)
			return err_set(e, ERR_INVALID, "outcome", "outcome must "
			    "be compliant, corrected or hazards");
		buf_adds(w, " AND p.outcome = ?");
		args[n++] = SV_S(f->outcome);
	}
	if (f->from != NULL) {
		if (reg_date_parse(f->from, 0, "from", d, e) < 0)
			return e->code;
		buf_adds(w, " AND p.patrolled_on >= ?");
		args[n++] = SV_S(f->from);
	}
	if (f->to != NULL) {
		if (reg_date_parse(f->to, 0, "to", d, e) < 0)
			return e->code;
		buf_adds(w, " AND p.patrolled_on <= ?");
		args[n++] = SV_S(f->to);
	}
	*nargs = n;
	return 0;
}

#define PAT_LIST_COLS "p.id, p.unit_id, u.name, p.town, p.grid_id, " \
    "p.kind, p.template, p.outcome, p.failures, p.patrolled_on, " \
    "p.created_by"
#define PAT_LIST_FROM "patrol_records p JOIN units u ON u.id = p.unit_id"
#define PAT_LIST_SQL "SELECT " PAT_LIST_COLS " FROM " PAT_LIST_FROM

int
patrol_list(struct store *st, struct actor *who, const struct patrol_filter *f,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	static const char *const names[] = { "id", "unit_id", "unit_name",
	    "town", "grid_id", "kind", "template", "outcome", "failures",
	    "patrolled_on", "created_by", NULL };
	struct store_val	 args[16];
	struct reg_scope	 s;
	struct buf		 w;
	int			 n = 0, rc;

	if ((rc = reg_need(who, "patrol:read", e)) < 0)
		return rc;
	buf_init(&w);
	if ((rc = pat_where(who, f, &s, &w, args, &n, e)) == 0)
		rc = rec_page(st, PAT_LIST_COLS, PAT_LIST_FROM, w.data,
		    " ORDER BY p.patrolled_on DESC, p.id DESC", args, n, offset,
		    limit, names, "iississsnss", items, total, e);
	buf_free(&w);
	return rc;
}

int
patrol_export(struct store *st, struct actor *who,
    const struct patrol_filter *f, const char *format, int64_t max,
    struct buf *out, const char **ctype, struct err *e)
{
	static const char *const headers[] = { "巡查日期", "单位", "镇街",
	    "类型", "检查表", "结论", "不合格项", "巡查人" };
	static const double widths[] = { 12, 30, 12, 12, 16, 10, 10, 12 };
	struct store_val	 args[16];
	struct store_rows	*r = NULL;
	struct reg_scope	 s;
	struct sheet		 sh;
	struct buf		 w, q;
	char			*data = NULL, nf[24];
	size_t			 len;
	int			 n = 0, rc;

	memset(&sh, 0, sizeof(sh));
	if ((rc = reg_need(who, "patrol:read", e)) < 0)
		return rc;
	buf_init(&w);
	buf_init(&q);
	if ((rc = pat_where(who, f, &s, &w, args, &n, e)) < 0 ||
	    (rc = sheet_open(&sh, format, "巡查台账", headers, widths, 8,
	    e)) < 0)
		goto out;
	buf_printf(&q, PAT_LIST_SQL "%s ORDER BY p.patrolled_on DESC, p.id "
	    "DESC LIMIT ?", w.data);
	args[n] = SV_I(max);
	if ((rc = store_query(st, q.data, args, n + 1, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		const struct pat_template *t = pat_find(store_text(r, 6));
		const char	*o = store_text(r, 7);
		const char	*cells[8];

		snprintf(nf, sizeof(nf), "%lld", (long long)store_int(r, 8));
		cells[0] = store_text(r, 9);
		cells[1] = store_text(r, 2);
		cells[2] = store_text(r, 3);
		cells[3] = strcmp(store_text(r, 5), "police") == 0 ?
		    "派出所检查" : "网格巡查";
		cells[4] = t ? t->name : store_text(r, 6);
		cells[5] = strcmp(o, "compliant") == 0 ? "合格" :
		    strcmp(o, "corrected") == 0 ? "当场整改" : "发现隐患";
		cells[6] = nf;
		cells[7] = store_text(r, 10);
		if ((rc = sheet_row(&sh, cells, e)) < 0)
			goto out;
	}
	if (rc < 0 || (rc = sheet_finish(&sh, &data, &len, e)) < 0)
		goto out;
	buf_add(out, data, len);
	free(data);
	*ctype = sheet_ctype(format);
	rc = 0;
out:
	store_rows_free(r);
	sheet_free(&sh);
	buf_free(&w);
	buf_free(&q);
	return rc;
}

/* YYYY-MM into the first days of that month and the next. */
static int
pat_month(const char *m, char from[11], char to[11], struct err *e)
{
	unsigned	y, mo;

	if (m == NULL || strlen(m) != 7 || sscanf(m, "%4u-%2u", &y, &mo) != 2 ||
	    m[4] != '-' || y < 2000 || y > 2100 || mo < 1 || mo > 12)
		return err_set(e, ERR_INVALID, "month", "month must be YYYY-MM");
	snprintf(from, 11, "%04u-%02u-01", y % 10000, mo % 100);
	snprintf(to, 11, "%04u-%02u-01", (mo == 12 ? y + 1 : y) % 10000,
	    (mo == 12 ? 1 : mo + 1) % 100);
	return 0;
}

int
patrol_coverage(struct store *st, struct actor *who, const char *month,
    const char *town, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct reg_scope	 s;
	char			 from[11], to[11], cur[8], today[11];
	int			 rc, by_town;

	if ((rc = reg_need(who, "patrol:read", e)) < 0)
		return rc;
	if (month == NULL) {
		rec_today(today);
		memcpy(cur, today, 7);
		cur[7] = '\0';
		month = cur;
	}
	if ((rc = pat_month(month, from, to, e)) < 0)
		return rc;
	if (town != NULL && !reg_town_syntax(town))
		return err_set(e, ERR_INVALID, "town", "town must be a 9-digit "
		    "code");
	reg_scope_of(who, &s);
	/* PAT-010: the city sees towns (or one town's grids), a town its
	 * grids, a grid worker their grid. */
	if (s.kind == RS_TOWN) {
		if (town != NULL && strcmp(town, s.town) != 0)
			return err_set(e, ERR_NOT_FOUND, "town", "another "
			    "town's coverage");
		town = s.town;
	} else if (s.kind != RS_ALL && s.kind != RS_GRID)
		return err_set(e, ERR_POLICY, NULL, "coverage is for the "
		    "city, towns and grids");
	by_town = s.kind == RS_ALL && town == NULL;
	if (by_town)
		rc = store_query(st, "SELECT t.code, t.name, (SELECT COUNT(*) "
		    "FROM units u WHERE u.town_code = t.code AND u.status = "
		    "'active' AND u.grid_id IS NOT NULL), (SELECT COUNT(DISTINCT "
		    "p.unit_id) FROM patrol_records p WHERE p.town = t.code AND "
		    "p.kind = 'patrol' AND p.patrolled_on >= ? AND "
		    "p.patrolled_on < ?) FROM towns t ORDER BY t.sort_order",
		    STORE_ARGS(SV_S(from), SV_S(to)), &r, e);
	else
		rc = store_query(st, "SELECT g.id, g.name, (SELECT COUNT(*) "
		    "FROM units u WHERE u.grid_id = g.id AND u.status = "
		    "'active'), (SELECT COUNT(DISTINCT p.unit_id) FROM "
		    "patrol_records p WHERE p.grid_id = g.id AND p.kind = "
		    "'patrol' AND p.patrolled_on >= ? AND p.patrolled_on < ?), "
		    "g.code, g.town_code FROM grids g WHERE g.status = 'active' "
		    "AND (CAST(? AS BIGINT) = 0 OR g.id = ?) AND (? = '' OR g.town_code = ?) "
		    "ORDER BY g.town_code, g.code", STORE_ARGS(SV_S(from),
		    SV_S(to), SV_I(s.kind == RS_GRID ? s.id : 0),
		    SV_I(s.kind == RS_GRID ? s.id : 0), SV_S(town ? town : ""),
		    SV_S(town ? town : "")), &r, e);
	if (rc < 0)
		return rc;
	*out = json_array();
	while ((rc = store_next(r, e)) == 1) {
		int64_t	units = store_int(r, 2), seen = store_int(r, 3);
		json_t	*o;

		o = json_pack("{s:s, s:I, s:I, s:I}", "name", store_text(r, 1),
		    "units", (json_int_t)units, "visited", (json_int_t)seen,
		    "share_pct_x10", (json_int_t)(units ? seen * 1000 / units :
		    0));
		if (by_town)
			json_object_set_new(o, "town", json_string(
			    store_text(r, 0)));
		else {
			json_object_set_new(o, "grid_id",
			    jx_id(store_int(r, 0)));
			json_object_set_new(o, "code", json_string(
			    store_text(r, 4)));
			json_object_set_new(o, "town", json_string(
			    store_text(r, 5)));
		}
		json_object_set_new(o, "month", json_string(month));
		json_array_append_new(*out, o);
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

static int
pat_year(const char *y, char from[11], char to[11], struct err *e)
{
	char	today[11];
	int	v;

	if (y == NULL) {
		rec_today(today);
		v = atoi(today);
	} else if (strlen(y) != 4 || (v = atoi(y)) < 2000 || v > 2100)
		return err_set(e, ERR_INVALID, "year", "year must be YYYY");
	snprintf(from, 11, "%04d-01-01", v);
	snprintf(to, 11, "%04d-12-31", v);
	return 0;
}

int
patrol_police_coverage(struct store *st, struct actor *who, const char *year,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct reg_scope	 s;
	char			 from[11], to[11];
	int			 rc;

	if ((rc = reg_need(who, "patrol:read", e)) < 0 ||
	    (rc = pat_year(year, from, to, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (s.kind != RS_ALL && s.kind != RS_TOWN)
		return err_set(e, ERR_POLICY, NULL, "coverage is for the "
		    "city and towns");
	/* PAT-011: special-industry units (bit 64) checked by the police
	 * at least police_check_per_year times this year. */
	if ((rc = store_query(st, "SELECT t.code, t.name, (SELECT COUNT(*) "
	    "FROM units u WHERE u.town_code = t.code AND u.status = 'active' "
	    "AND (u.categories & 64) <> 0), (SELECT COUNT(*) FROM units u "
	    "WHERE u.town_code = t.code AND u.status = 'active' AND "
	    "(u.categories & 64) <> 0 AND (SELECT COUNT(*) FROM "
	    "patrol_records p WHERE p.unit_id = u.id AND p.kind = 'police' "
	    "AND p.patrolled_on >= ? AND p.patrolled_on <= ?) >= ?) FROM "
	    "towns t WHERE (? = '' OR t.code = ?) ORDER BY t.sort_order",
	    STORE_ARGS(SV_S(from), SV_S(to),
	    SV_I(hazard_clock("police_check_per_year")),
	    SV_S(s.kind == RS_TOWN ? s.town : ""),
	    SV_S(s.kind == RS_TOWN ? s.town : "")), &r, e)) < 0)
		return rc;
	*out = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*out, json_pack("{s:s, s:s, s:I, s:I, "
		    "s:s#}", "town", store_text(r, 0), "name", store_text(r, 1),
		    "units", (json_int_t)store_int(r, 2),
		    "checked", (json_int_t)store_int(r, 3), "year", from,
		    (size_t)4));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int
patrol_police_due(struct store *st, struct actor *who, const char *year,
    const char *town, int64_t offset, int64_t limit, json_t **items,
    int64_t *total, struct err *e)
{
	static const char *const names[] = { "id", "name", "address",
	    "town", NULL };
	struct store_rows	*r = NULL;
	struct reg_scope	 s;
	char			 from[11], to[11];
	int			 rc;

	if ((rc = reg_need(who, "patrol:read", e)) < 0 ||
	    (rc = pat_year(year, from, to, e)) < 0)
		return rc;
	if (town != NULL && !reg_town_syntax(town))
		return err_set(e, ERR_INVALID, "town", "town must be a 9-digit "
		    "code");
	reg_scope_of(who, &s);
	if (s.kind == RS_TOWN) {
		if (town != NULL && strcmp(town, s.town) != 0)
			return err_set(e, ERR_NOT_FOUND, "town", "another "
			    "town's list");
		town = s.town;
	} else if (s.kind != RS_ALL)
		return err_set(e, ERR_POLICY, NULL, "the list is for the "
		    "city and towns");
	/* PAT-012: still due this year, by name. */
#define PAT_DUE_WHERE "FROM units u WHERE u.status = 'active' AND " \
    "(u.categories & 64) <> 0 AND (? = '' OR u.town_code = ?) AND " \
    "(SELECT COUNT(*) FROM patrol_records p WHERE p.unit_id = u.id AND " \
    "p.kind = 'police' AND p.patrolled_on >= ? AND p.patrolled_on <= ?) < ?"
	if ((rc = store_query_int(st, "SELECT COUNT(*) " PAT_DUE_WHERE,
	    STORE_ARGS(SV_S(town ? town : ""), SV_S(town ? town : ""),
	    SV_S(from), SV_S(to), SV_I(hazard_clock("police_check_per_year"))),
	    total, e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT u.id, u.name, u.address, "
	    "u.town_code " PAT_DUE_WHERE " ORDER BY u.name_key, u.id LIMIT ? "
	    "OFFSET ?", STORE_ARGS(SV_S(town ? town : ""),
	    SV_S(town ? town : ""), SV_S(from), SV_S(to),
	    SV_I(hazard_clock("police_check_per_year")), SV_I(limit),
	    SV_I(offset)), &r, e)) < 0)
		return rc;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, rec_row_obj(r, names, "isss"));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

int
patrol_due(struct store *st, struct actor *who, const char *month,
    int64_t grid_id, int64_t offset, int64_t limit, json_t **items,
    int64_t *total, struct err *e)
{
	static const char *const names[] = { "id", "name", "address",
	    "town", "grid_id", "last_patrolled_on", NULL };
	struct store_val	 args[8];
	struct reg_scope	 s;
	struct buf		 w;
	char			 from[11], to[11], cur[8], today[11];
	int			 n = 0, rc;

	if ((rc = reg_need(who, "patrol:read", e)) < 0)
		return rc;
	if (month == NULL) {
		rec_today(today);
		memcpy(cur, today, 7);
		cur[7] = '\0';
		month = cur;
	}
	if ((rc = pat_month(month, from, to, e)) < 0)
		return rc;
	/* PAT-013: the month's round of a grid: its three-small places and
	 * rental houses (categories 16 | 32) not yet visited by a patrol
	 * this month, the longest unvisited first. */
	reg_scope_of(who, &s);
	buf_init(&w);
	buf_adds(&w, " WHERE u.status = 'active' AND (u.categories & 48) <> 0 "
	    "AND u.grid_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
	    "patrol_records p WHERE p.unit_id = u.id AND p.kind = 'patrol' AND "
	    "p.patrolled_on >= ? AND p.patrolled_on < ?)");
	args[n++] = SV_S(from);
	args[n++] = SV_S(to);
	switch (s.kind) {
	case RS_ALL:
		break;
	case RS_TOWN:
		buf_adds(&w, " AND u.town_code = ?");
		args[n++] = SV_S(s.town);
		break;
	case RS_GRID:
		buf_adds(&w, " AND u.grid_id = ?");
		args[n++] = SV_I(s.id);
		break;
	default:
		buf_free(&w);
		return err_set(e, ERR_POLICY, NULL, "the round is for the city, "
		    "towns and grids");
	}
	if (grid_id > 0) {
		buf_adds(&w, " AND u.grid_id = ?");
		args[n++] = SV_I(grid_id);
	}
	rc = rec_page(st, "u.id, u.name, u.address, u.town_code, u.grid_id, "
	    "(SELECT MAX(p.patrolled_on) FROM patrol_records p WHERE "
	    "p.unit_id = u.id AND p.kind = 'patrol')", "units u", w.data,
	    " ORDER BY 6 NULLS FIRST, u.id", args, n, offset, limit, names,
	    "isssis",
	    items, total, e);
	buf_free(&w);
	return rc;
}
