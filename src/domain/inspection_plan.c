/*
 * Inspection plans: what a plan holds (scope, period, team, load, the
 * beacon that will give its randomness), its states before the draw
 * (draft → approved → committed; cancelled with a reason), the quota
 * preview, the views and canonical records.  The commit, the beacon and
 * the draw are in inspection_draw.c; tasks in inspection_task.c.
 * Rules INS-021 (input), INS-022 (states), INS-023 (quotas).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "inspection.h"
#include "inspection_int.h"
#include "inspection_plan.h"
#include "registry_int.h"

static const struct {
	const char	*name;
	int		 bit;
} ins_cats[] = {
	{ "key", INS_CAT_KEY }, { "high_risk", INS_CAT_HIGH_RISK },
	{ "public_gathering", INS_CAT_PUBLIC }, { "crowded", INS_CAT_CROWDED },
	{ "three_small", INS_CAT_THREE_SMALL }, { "rental", INS_CAT_RENTAL },
	{ "special_industry", INS_CAT_SPECIAL }, { NULL, 0 },
};

/* Departments a team may draw from (the inspector directory's). */
const char *const ins_departments[] = {
	"fire", "market", "housing", "emergency", "urban", "power", "police",
	"other", NULL,
};

static const char *const ins_plan_keys[] = {
	"name", "towns", "categories", "period_start", "period_end",
	"due_days", "team", "max_load", "beacon", NULL,
};

#define INS_PLAN_COLS \
    "id, name, owner, towns, categories, period_start, period_end, " \
    "due_days, team, max_load, beacon_source, beacon_round, rule_version, " \
    "quotas, status, cancel_reason, approved_by, approved_at, " \
    "candidates_hash, roster_hash, committed_at, commit_seq, beacon_value, " \
    "seed, drawn_at, ncandidates, ninspectors, nselected, nunassigned, " \
    "version, created_at, updated_at, created_by"

static const char ins_sql_plan_get[] =
    "SELECT " INS_PLAN_COLS " FROM inspection_plans WHERE id = ?";
static const char ins_sql_plan_ins[] =
    "INSERT INTO inspection_plans (id, name, owner, towns, categories, "
    "period_start, period_end, due_days, team, max_load, beacon_source, "
    "beacon_round, status, version, created_at, updated_at, created_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', 1, ?, ?, ?)";
static const char ins_sql_plan_upd[] =
    "UPDATE inspection_plans SET name = ?, towns = ?, categories = ?, "
    "period_start = ?, period_end = ?, due_days = ?, team = ?, "
    "max_load = ?, beacon_source = ?, beacon_round = ?, "
    "version = version + 1, updated_at = ? WHERE id = ? AND version = ?";

void
ins_plan_free(struct ins_plan *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->owner);
	free(p->towns);
	free(p->period_start);
	free(p->period_end);
	free(p->team);
	free(p->beacon_source);
	free(p->beacon_round);
	free(p->quotas);
	free(p->status);
	free(p->cancel_reason);
	free(p->approved_by);
	free(p->candidates_hash);
	free(p->roster_hash);
	free(p->beacon_value);
	free(p->seed);
	free(p->created_by);
	free(p);
}

static char *
ins_col(struct store_rows *r, int c)
{
	return store_isnull(r, c) ? NULL : xstrdup(store_text(r, c));
}

static int64_t
ins_icol(struct store_rows *r, int c)
{
	return store_isnull(r, c) ? 0 : store_int(r, c);
}

int
ins_plan_fetch(struct store *st, int64_t id, struct ins_plan **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	struct ins_plan		*p;
	int			 rc;

	if ((rc = store_query(st, ins_sql_plan_get, STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) <= 0) {
		store_rows_free(r);
		return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, NULL,
		    "no such plan");
	}
	p = xcalloc(1, sizeof(*p));
	p->id = store_int(r, 0);
	p->name = ins_col(r, 1);
	p->owner = ins_col(r, 2);
	p->towns = ins_col(r, 3);
	p->categories = (int)store_int(r, 4);
	p->period_start = ins_col(r, 5);
	p->period_end = ins_col(r, 6);
	p->due_days = (int)store_int(r, 7);
	p->team = ins_col(r, 8);
	p->max_load = store_int(r, 9);
	p->beacon_source = ins_col(r, 10);
	p->beacon_round = ins_col(r, 11);
	p->rule_version = (int)ins_icol(r, 12);
	p->quotas = ins_col(r, 13);
	p->status = ins_col(r, 14);
	p->cancel_reason = ins_col(r, 15);
	p->approved_by = ins_col(r, 16);
	p->approved_at = ins_icol(r, 17);
	p->candidates_hash = ins_col(r, 18);
	p->roster_hash = ins_col(r, 19);
	p->committed_at = ins_icol(r, 20);
	p->commit_seq = store_isnull(r, 21) ? -1 : store_int(r, 21);
	p->beacon_value = ins_col(r, 22);
	p->seed = ins_col(r, 23);
	p->drawn_at = ins_icol(r, 24);
	p->ncandidates = store_int(r, 25);
	p->ninspectors = store_int(r, 26);
	p->nselected = store_int(r, 27);
	p->nunassigned = store_int(r, 28);
	p->version = store_int(r, 29);
	p->created_at = store_int(r, 30);
	p->updated_at = store_int(r, 31);
	p->created_by = ins_col(r, 32);
	store_rows_free(r);
	*out = p;
	return 0;
}

/* "a,b,c" as a JSON list. */
json_t *
ins_csv_json(const char *s)
{
	json_t		*a = json_array();
	const char	*p = s, *q;

	while (p != NULL && *p != '\0') {
		q = strchr(p, ',');
		json_array_append_new(a, json_stringn(p, q ? (size_t)(q - p) :
		    strlen(p)));
		p = q ? q + 1 : NULL;
	}
	return a;
}

static json_t *
ins_cats_json(int bits)
{
	json_t	*a = json_array();
	int	 i;

	for (i = 0; ins_cats[i].name != NULL; i++)
		if (bits & ins_cats[i].bit)
			json_array_append_new(a, json_string(ins_cats[i].name));
	return a;
}

static json_t *
ins_json_or_null(const char *text)
{
	json_t	*j = text ? json_loads(text, 0, NULL) : NULL;

	return j ? j : json_null();
}

static json_t *
ins_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The record (audit state) and the view share this shape (INS-022). */
json_t *
ins_plan_json(const struct ins_plan *p)
{
	json_t	*j;

	j = json_pack("{s:o, s:s, s:s, s:o, s:o, s:s, s:s, s:i, s:o, s:I,"
	    " s:{s:s, s:s, s:o}, s:o, s:o, s:s, s:o}",
	    "id", jx_id(p->id),
	    "name", p->name,
	    "owner", p->owner,
	    "towns", ins_csv_json(p->towns),
	    "categories", ins_cats_json(p->categories),
	    "period_start", p->period_start,
	    "period_end", p->period_end,
	    "due_days", p->due_days,
	    "team", ins_json_or_null(p->team),
	    "max_load", (json_int_t)p->max_load,
	    "beacon", "source", p->beacon_source, "round", p->beacon_round,
	    "value", ins_str_or_null(p->beacon_value),
	    "rule_version", p->rule_version ? json_integer(p->rule_version) :
	    json_null(),
	    "quotas", ins_json_or_null(p->quotas),
	    "status", p->status,
	    "cancel_reason", ins_str_or_null(p->cancel_reason));
	json_object_set_new(j, "approved_by",
	    ins_str_or_null(p->approved_by));
	json_object_set_new(j, "approved_at", p->approved_at ?
	    json_integer(p->approved_at) : json_null());
	json_object_set_new(j, "candidates_hash",
	    ins_str_or_null(p->candidates_hash));
	json_object_set_new(j, "roster_hash", ins_str_or_null(p->roster_hash));
	json_object_set_new(j, "committed_at", p->committed_at ?
	    json_integer(p->committed_at) : json_null());
	json_object_set_new(j, "commit_seq", p->commit_seq >= 0 ?
	    json_integer(p->commit_seq) : json_null());
	json_object_set_new(j, "seed", ins_str_or_null(p->seed));
	json_object_set_new(j, "drawn_at", p->drawn_at ?
	    json_integer(p->drawn_at) : json_null());
	json_object_set_new(j, "counts", json_pack("{s:I, s:I, s:I, s:I}",
	    "candidates", (json_int_t)p->ncandidates,
	    "inspectors", (json_int_t)p->ninspectors,
	    "selected", (json_int_t)p->nselected,
	    "unassigned", (json_int_t)p->nunassigned));
	json_object_set_new(j, "version", json_integer(p->version));
	json_object_set_new(j, "created_at", json_integer(p->created_at));
	json_object_set_new(j, "updated_at", json_integer(p->updated_at));
	json_object_set_new(j, "created_by", json_string(p->created_by));
	return j;
}

int
inspection_plan_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct ins_plan	*p = NULL;
	int64_t		 pid;
	int		 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &pid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such plan");
	if ((rc = ins_plan_fetch(st, pid, &p, e)) < 0)
		return rc;
	*out = ins_plan_json(p);
	ins_plan_free(p);
	return 0;
}

/*
 * Who sees a plan (Z-2): the city sees all; a town sees plans that cover
 * it; others none.
 */
int
ins_plan_visible(const struct actor *who, const struct ins_plan *p)
{
	struct reg_scope	s;
	char			pat[16];
	char			*wrapped;
	int			ok;

	reg_scope_of(who, &s);
	if (s.kind == RS_ALL)
		return 1;
	if (s.kind != RS_TOWN)
		return 0;
	snprintf(pat, sizeof(pat), ",%s,", s.town);
	wrapped = xasprintf(",%s,", p->towns);
	ok = strstr(wrapped, pat) != NULL;
	free(wrapped);
	return ok;
}

/* Load a plan who may read (inspection:read and scope), else NOT_FOUND. */
int
ins_plan_load(struct store *st, struct actor *who, int64_t id,
    struct ins_plan **out, struct err *e)
{
	struct ins_plan	*p = NULL;
	int		 rc;

	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		return rc;
	if ((rc = ins_plan_fetch(st, id, &p, e)) < 0)
		return rc;
	if (!ins_plan_visible(who, p)) {
		ins_plan_free(p);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such plan");
	}
	*out = p;
	return 0;
}

/* A plan who may change: also its owner's scope (a town its own). */
static int
ins_plan_target(struct store *st, struct actor *who, int64_t id,
    const char *perm, struct ins_plan **out, struct err *e)
{
	struct reg_scope	 s;
	struct ins_plan		*p = NULL;
	int			 rc;

	if ((rc = reg_need(who, perm, e)) < 0)
		return rc;
	if ((rc = ins_plan_load(st, who, id, &p, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (s.kind != RS_ALL && strcmp(p->owner, who->jurisdiction) != 0) {
		ins_plan_free(p);
		return err_set(e, ERR_FORBIDDEN, NULL, "the plan belongs to "
		    "%s", strcmp(p->owner, "city") == 0 ? "the city" :
		    "another town");
	}
	*out = p;
	return 0;
}

int
ins_plan_target_state(struct store *st, struct actor *who, int64_t id,
    const char *perm, int64_t expected, const char *const *states,
    struct ins_plan **out, struct err *e)
{
	struct ins_plan	*p = NULL;
	int		 rc;

	if ((rc = ins_plan_target(st, who, id, perm, &p, e)) < 0)
		return rc;
	if (expected >= 0 && p->version != expected) {
		rc = err_set(e, ERR_STALE, "version", "the plan was changed by "
		    "someone else (now version %lld)", (long long)p->version);
		ins_plan_free(p);
		return rc;
	}
	if (states != NULL && !reg_choice(states, p->status)) {
		rc = err_set(e, ERR_POLICY, "status", "not possible while the "
		    "plan is %s (INS-022)", p->status);
		ins_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Append the plan's audit entry with its current record. */
int
ins_plan_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **view, struct err *e)
{
	struct ins_plan	*p = NULL;
	json_t		*rec;
	int		 rc;

	if ((rc = ins_plan_fetch(st, id, &p, e)) < 0)
		return rc;
	rec = ins_plan_json(p);
	rc = audit_append_id(st, who, action, "inspection_plan", id, rec, e);
	if (rc == 0 && view != NULL)
		*view = json_incref(rec);
	json_decref(rec);
	ins_plan_free(p);
	return rc;
}

/* Input (INS-021). */

struct ins_plan_in {
	char	*name;
	char	*towns;		/* sorted, comma-separated */
	int	 categories;
	char	 start[11], end[11];
	int	 due_days;
	char	*team;		/* canonical JSON */
	int64_t	 max_load;
	char	*source, *round;
};

static void
ins_plan_in_free(struct ins_plan_in *x)
{
	free(x->name);
	free(x->towns);
	free(x->team);
	free(x->source);
	free(x->round);
}

static int
ins_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ins_in_towns(struct store *st, struct actor *who, const json_t *v,
    char **out, struct err *e)
{
	struct reg_scope	 s;
	const char		*t[64];
	struct buf		 b;
	json_t			*x;
	size_t			 i, n;
	int			 rc;

	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "towns", "towns must be a list of "
		    "town codes");
	n = json_array_size(v);
	if (n < 1 || n > 64)
		return err_set(e, ERR_RANGE, "towns", "towns must name 1 to "
		    "64 towns");
	reg_scope_of(who, &s);
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(e, ERR_TYPE, "towns", "towns must be "
			    "a list of town codes");
		if ((rc = reg_town_exists(st, json_string_value(x), "towns",
		    e)) < 0)
			return rc;
		/* A town's plan covers that town only. */
		if (!reg_scope_sees(&s, json_string_value(x), 0, 0))
			return err_set(e, ERR_FORBIDDEN, "towns", "town %s is "
			    "outside your jurisdiction", json_string_value(x));
		t[i] = json_string_value(x);
	}
	qsort(t, n, sizeof(*t), ins_strcmp);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(t[i], t[i - 1]) == 0) {
			buf_free(&b);
			return err_set(e, ERR_INVALID, "towns", "town %s is "
			    "named twice", t[i]);
		}
		buf_printf(&b, "%s%s", i ? "," : "", t[i]);
	}
	*out = buf_release(&b);
	return 0;
}

static int
ins_in_categories(const json_t *v, int *bits, struct err *e)
{
	json_t	*x;
	size_t	 i;
	int	 k;

	*bits = 0;
	if (json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "categories", "categories must be "
		    "a list");
	json_array_foreach(v, i, x) {
		for (k = 0; ins_cats[k].name != NULL; k++)
			if (json_is_string(x) &&
			    strcmp(json_string_value(x), ins_cats[k].name) == 0)
				break;
		if (ins_cats[k].name == NULL)
			return err_set(e, ERR_INVALID, "categories", "unknown "
			    "category (key, high_risk, public_gathering, "
			    "crowded, three_small, rental, special_industry)");
		*bits |= ins_cats[k].bit;
	}
	return 0;
}

/* INS-021: 1 to 4 rows, known departments once each, ≥ 2 inspectors. */
static int
ins_in_team(const json_t *v, char **out, struct err *e)
{
	json_t		*x, *d, *c, *team;
	const char	*seen[4];
	size_t		 i, j;
	int64_t		 total = 0;

	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "team", "team must be a list of "
		    "{department, count}");
	if (json_array_size(v) < 1 || json_array_size(v) > 4)
		return err_set(e, ERR_RANGE, "team", "team must have 1 to 4 "
		    "rows");
	team = json_array();
	json_array_foreach(v, i, x) {
		d = json_object_get(x, "department");
		c = json_object_get(x, "count");
		if (!json_is_object(x) || json_object_size(x) != 2 ||
		    !json_is_string(d) || !json_is_integer(c)) {
			json_decref(team);
			return err_set(e, ERR_INVALID, "team", "team[%zu] must "
			    "be {\"department\": text, \"count\": number}", i);
		}
		if (!reg_choice(ins_departments, json_string_value(d))) {
			json_decref(team);
			return err_set(e, ERR_INVALID, "team", "team[%zu]: "
			    "unknown department %s", i, json_string_value(d));
		}
		for (j = 0; j < i; j++)
			if (strcmp(seen[j], json_string_value(d)) == 0) {
				json_decref(team);
				return err_set(e, ERR_INVALID, "team", "team "
				    "names department %s twice", seen[j]);
			}
		seen[i] = json_string_value(d);
		if (json_integer_value(c) < 1 || json_integer_value(c) > 5) {
			json_decref(team);
			return err_set(e, ERR_RANGE, "team", "team[%zu].count "
			    "must be 1 to 5", i);
		}
		total += json_integer_value(c);
		json_array_append_new(team, json_pack("{s:s, s:I}",
		    "department", json_string_value(d),
		    "count", json_integer_value(c)));
	}
	if (total < 2) {
		json_decref(team);
		return err_set(e, ERR_POLICY, "team", "a check needs at least "
		    "two inspectors (INS-021; 行政处罚法 art. 42)");
	}
	*out = jx_dump(team);
	json_decref(team);
	return 0;
}

static int
ins_in_text(const json_t *v, const char *field, size_t max, char **out,
    struct err *e)
{
	char	*s = NULL;
	int	 rc;

	if ((rc = reg_text(v, field, 1, max, &s, e)) < 0)
		return rc;
	/* The draw's character rules (spec "Inputs"). */
	if (strpbrk(s, "\t\n\r") != NULL) {
		free(s);
		return err_set(e, ERR_INVALID, field, "%s may not contain "
		    "tabs or line breaks", field);
	}
	free(*out);
	*out = s;
	return 0;
}

/* Fill x from in (create: every required key; update: those given). */
static int
ins_plan_in(struct store *st, struct actor *who, const json_t *in,
    struct ins_plan_in *x, int create, struct err *e)
{
	const char	*k;
	json_t		*v, *b;
	int		 i, known, rc;

	if (!json_is_object(in))
		return err_set(e, ERR_BAD_JSON, "", "body must be an object");
	json_object_foreach((json_t *)(uintptr_t)in, k, v) {
		for (i = 0, known = 0; ins_plan_keys[i] != NULL; i++)
			known |= strcmp(ins_plan_keys[i], k) == 0;
		if (!known)
			return err_set(e, ERR_UNKNOWN_FIELD, k, "unknown field "
			    "%s", k);
	}
	if (create)
		for (i = 0; ins_plan_keys[i] != NULL; i++)
			if (strcmp(ins_plan_keys[i], "categories") != 0 &&
			    strcmp(ins_plan_keys[i], "due_days") != 0 &&
			    json_object_get(in, ins_plan_keys[i]) == NULL)
				return err_set(e, ERR_MISSING,
				    ins_plan_keys[i], "%s is required",
				    ins_plan_keys[i]);
	if ((v = json_object_get(in, "name")) != NULL &&
	    (rc = ins_in_text(v, "name", 100, &x->name, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "towns")) != NULL) {
		free(x->towns);
		x->towns = NULL;
		if ((rc = ins_in_towns(st, who, v, &x->towns, e)) < 0)
			return rc;
	}
	if ((v = json_object_get(in, "categories")) != NULL &&
	    (rc = ins_in_categories(v, &x->categories, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "period_start")) != NULL) {
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, "period_start",
			    "period_start must be a date");
		if ((rc = ins_date(json_string_value(v), "period_start",
		    x->start, e)) < 0)
			return rc;
	}
	if ((v = json_object_get(in, "period_end")) != NULL) {
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, "period_end",
			    "period_end must be a date");
		if ((rc = ins_date(json_string_value(v), "period_end", x->end,
		    e)) < 0)
			return rc;
	}
	if (strcmp(x->start, x->end) > 0)
		return err_set(e, ERR_INVALID, "period_end", "period_end is "
		    "before period_start");
	if ((v = json_object_get(in, "due_days")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 60)
			return err_set(e, ERR_RANGE, "due_days", "due_days must "
			    "be 1 to 60 working days");
		x->due_days = (int)json_integer_value(v);
	}
	if ((v = json_object_get(in, "team")) != NULL) {
		free(x->team);
		x->team = NULL;
		if ((rc = ins_in_team(v, &x->team, e)) < 0)
			return rc;
	}
	if ((v = json_object_get(in, "max_load")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 1000)
			return err_set(e, ERR_RANGE, "max_load", "max_load must "
			    "be 1 to 1000");
		x->max_load = json_integer_value(v);
	}
	if ((b = json_object_get(in, "beacon")) != NULL) {
		if (!json_is_object(b))
			return err_set(e, ERR_TYPE, "beacon", "beacon must be "
			    "{source, round}");
		json_object_foreach(b, k, v)
			if (strcmp(k, "source") != 0 && strcmp(k, "round") != 0)
				return err_set(e, ERR_UNKNOWN_FIELD, "beacon",
				    "beacon takes source and round (the value "
				    "is entered after the commit)");
		if ((v = json_object_get(b, "source")) == NULL && create)
			return err_set(e, ERR_MISSING, "beacon.source",
			    "beacon.source is required");
		if (v != NULL && (rc = ins_in_text(v, "beacon.source", 200,
		    &x->source, e)) < 0)
			return rc;
		if ((v = json_object_get(b, "round")) == NULL && create)
			return err_set(e, ERR_MISSING, "beacon.round",
			    "beacon.round is required");
		if (v != NULL && (rc = ins_in_text(v, "beacon.round", 200,
		    &x->round, e)) < 0)
			return rc;
	}
	return 0;
}

int
ins_date(const char *s, const char *field, char out[11], struct err *e)
{
	int	y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3
	    || n != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789-") != 10 || y < 2000 || y > 2999 ||
	    m < 1 || m > 12 || d < 1 || d > 31 ||
	    (d > 30 && (m == 4 || m == 6 || m == 9 || m == 11)) ||
	    (m == 2 && d > ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ?
	    29 : 28)))
		return err_set(e, ERR_INVALID, field, "%s must be a date like "
		    "2026-03-01", field);
	memcpy(out, s, 11);
	return 0;
}

int
inspection_plan_create(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	struct reg_scope	s;
	struct ins_plan_in	x;
	char			by[24];
	int64_t			id, now = clock_now();
	int			rc;

	memset(&x, 0, sizeof(x));
	x.due_days = 20;
	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		goto out;
	reg_scope_of(who, &s);
	if (s.kind != RS_ALL && s.kind != RS_TOWN) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "plans are made by the "
		    "city or a town");
		goto out;
	}
	if ((rc = ins_plan_in(st, who, in, &x, 1, e)) < 0)
		goto out;
	id = id_next();
	reg_actor_name(who, by);
	if ((rc = store_exec(st, ins_sql_plan_ins, STORE_ARGS(SV_I(id),
	    SV_S(x.name), SV_S(s.kind == RS_ALL ? "city" : who->jurisdiction),
	    SV_S(x.towns), SV_I(x.categories), SV_S(x.start), SV_S(x.end),
	    SV_I(x.due_days), SV_S(x.team), SV_I(x.max_load), SV_S(x.source),
	    SV_S(x.round), SV_I(now), SV_I(now), SV_S(by)), NULL, e)) < 0)
		goto out;
	rc = ins_plan_audit(st, who, "inspection_plan.create", id, out, e);
out:
	ins_plan_in_free(&x);
	return rc;
}

int
inspection_plan_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	struct ins_plan	*p = NULL;
	int		 rc;

	if ((rc = ins_plan_load(st, who, id, &p, e)) < 0)
		return rc;
	*out = ins_plan_json(p);
	ins_plan_free(p);
	return 0;
}

static const char *const ins_st_draft[] = { "draft", NULL };
static const char *const ins_st_open[] = { "draft", "approved",
    "committed", "drawn", "in_progress", NULL };
static const char *const ins_st_closable[] = { "drawn", "in_progress",
    NULL };

int
inspection_plan_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	struct ins_plan		*p = NULL;
	struct ins_plan_in	 x;
	int64_t			 ch = 0;
	int			 rc;

	memset(&x, 0, sizeof(x));
	if ((rc = ins_plan_target_state(st, who, id, "inspection:write",
	    expected, ins_st_draft, &p, e)) < 0)
		return rc;
	x.name = xstrdup(p->name);
	x.towns = xstrdup(p->towns);
	x.categories = p->categories;
	snprintf(x.start, sizeof(x.start), "%s", p->period_start);
	snprintf(x.end, sizeof(x.end), "%s", p->period_end);
	x.due_days = p->due_days;
	x.team = xstrdup(p->team);
	x.max_load = p->max_load;
	x.source = xstrdup(p->beacon_source);
	x.round = xstrdup(p->beacon_round);
	if ((rc = ins_plan_in(st, who, in, &x, 0, e)) < 0)
		goto out;
	if ((rc = store_exec(st, ins_sql_plan_upd, STORE_ARGS(SV_S(x.name),
	    SV_S(x.towns), SV_I(x.categories), SV_S(x.start), SV_S(x.end),
	    SV_I(x.due_days), SV_S(x.team), SV_I(x.max_load), SV_S(x.source),
	    SV_S(x.round), SV_I(clock_now()), SV_I(id), SV_I(expected)), &ch,
	    e)) < 0)
		goto out;
	if (ch == 0) {
		rc = err_set(e, ERR_STALE, "version", "the plan was changed by "
		    "someone else");
		goto out;
	}
	rc = ins_plan_audit(st, who, "inspection_plan.update", id, out, e);
out:
	ins_plan_in_free(&x);
	ins_plan_free(p);
	return rc;
}

int
inspection_plan_list(struct store *st, struct actor *who,
    const struct inspection_plan_query *q, json_t **items, int64_t *total,
    struct err *e)
{
	struct reg_scope	 s;
	struct store_val	 args[6];
	struct store_rows	*r = NULL;
	struct buf		 w, sql;
	char			 pat[16], *like = NULL;
	json_t			*a = NULL;
	int			 n = 0, rc;

	buf_init(&w);
	buf_init(&sql);
	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		goto out;
	if (q->limit < 1 || q->limit > INSPECTION_PAGE_MAX || q->offset < 0) {
		rc = err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d",
		    INSPECTION_PAGE_MAX);
		goto out;
	}
	reg_scope_of(who, &s);
	buf_adds(&w, "WHERE 1 = 1");
	if (s.kind == RS_TOWN) {
		snprintf(pat, sizeof(pat), "%%,%s,%%", s.town);
		buf_adds(&w, " AND (',' || towns || ',') LIKE ?");
		args[n++] = SV_S(pat);
	} else if (s.kind != RS_ALL)
		buf_adds(&w, " AND 1 = 0");
	if (q->status != NULL && *q->status != '\0') {
		static const char *const all[] = { "draft", "approved",
		    "committed", "drawn", "in_progress", "closed",
		    "cancelled", NULL };

		if (!reg_choice(all, q->status)) {
			rc = err_set(e, ERR_INVALID, "status", "unknown status");
			goto out;
		}
		buf_adds(&w, " AND status = ?");
		args[n++] = SV_S(q->status);
	}
	if (q->q != NULL && *q->q != '\0') {
		if (strlen(q->q) > 100) {
			rc = err_set(e, ERR_RANGE, "q", "q is too long");
			goto out;
		}
		like = xasprintf("%%%s%%", q->q);
		buf_adds(&w, " AND name LIKE ?");
		args[n++] = SV_S(like);
	}
	buf_printf(&sql, "SELECT COUNT(*) FROM inspection_plans %s", w.data);
	if ((rc = store_query_int(st, sql.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "SELECT id FROM inspection_plans %s ORDER BY "
	    "created_at DESC, id DESC LIMIT ? OFFSET ?", w.data);
	args[n++] = SV_I(q->limit);
	args[n++] = SV_I(q->offset);
	if ((rc = store_query(st, sql.data, args, n, &r, e)) < 0)
		goto out;
	a = json_array();
	{
		int64_t	 ids[INSPECTION_PAGE_MAX];
		int	 k = 0, i;

		while ((rc = store_next(r, e)) == 1)
			ids[k++] = store_int(r, 0);
		store_rows_free(r);
		r = NULL;
		if (rc < 0)
			goto out;
		for (i = 0; i < k; i++) {
			struct ins_plan	*p = NULL;

			if ((rc = ins_plan_fetch(st, ids[i], &p, e)) < 0)
				goto out;
			json_array_append_new(a, ins_plan_json(p));
			ins_plan_free(p);
		}
	}
	*items = a;
	a = NULL;
	rc = 0;
out:
	store_rows_free(r);
	json_decref(a);
	free(like);
	buf_free(&w);
	buf_free(&sql);
	return rc;
}

/* Strata (INS-023). */

int
ins_strata(struct store *st, const struct ins_plan *p,
    const struct ins_rules *rules, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct buf		 sql;
	json_t			*a, *x;
	const char		*grade;
	char			 stratum[96];
	int			 rule, rc;
	size_t			 i;

	buf_init(&sql);
	/* towns is a checked list of 9-digit codes: safe to inline. */
	buf_printf(&sql, "SELECT town_code, categories, risk_grade, COUNT(*) "
	    "FROM units WHERE status = 'active' AND town_code IN ('");
	for (i = 0; p->towns[i] != '\0'; i++)
		if (p->towns[i] == ',')
			buf_adds(&sql, "', '");
		else
			buf_addc(&sql, p->towns[i]);
	buf_adds(&sql, "')");
	if (p->categories != 0)
		buf_printf(&sql, " AND (categories & %d) <> 0", p->categories);
	buf_adds(&sql, " GROUP BY town_code, categories, risk_grade");
	rc = store_query(st, sql.data, STORE_NOARGS, &r, e);
	buf_free(&sql);
	if (rc < 0)
		return rc;
	a = json_object();
	while ((rc = store_next(r, e)) == 1) {
		grade = store_isnull(r, 2) ? "none" : store_text(r, 2);
		snprintf(stratum, sizeof(stratum), "%s|%s|%s",
		    store_text(r, 0), ins_class_of((int)store_int(r, 1)),
		    grade);
		if ((x = json_object_get(a, stratum)) == NULL) {
			x = json_pack("{s:s, s:s, s:s, s:s, s:I}",
			    "stratum", stratum, "town", store_text(r, 0),
			    "class", ins_class_of((int)store_int(r, 1)),
			    "grade", grade, "population", (json_int_t)0);
			json_object_set_new(a, stratum, x);
		}
		json_object_set_new(x, "population", json_integer(
		    json_integer_value(json_object_get(x, "population")) +
		    store_int(r, 3)));
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = json_array();
	{
		const char	*k;
		json_t		*v;
		const char	**keys;
		size_t		 n = json_object_size(a), j = 0;

		keys = xcalloc(n ? n : 1, sizeof(*keys));
		json_object_foreach(a, k, v)
			keys[j++] = k;
		qsort(keys, n, sizeof(*keys), ins_strcmp);
		for (j = 0; j < n; j++) {
			x = json_object_get(a, keys[j]);
			json_object_set_new(x, "count", json_integer(
			    ins_quota(rules, json_string_value(
			    json_object_get(x, "class")), json_string_value(
			    json_object_get(x, "grade")), json_integer_value(
			    json_object_get(x, "population")), &rule)));
			json_object_set_new(x, "rule", rule >= 0 ?
			    json_integer(rule) : json_null());
			json_array_append(*out, x);
		}
		free(keys);
	}
	json_decref(a);
	return 0;
}

int
inspection_plan_preview(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	struct ins_plan		*p = NULL;
	struct ins_rules	 rules;
	json_t			*strata = NULL;
	int64_t			 pop = 0, sel = 0;
	size_t			 i;
	int			 rc;

	memset(&rules, 0, sizeof(rules));
	if ((rc = ins_plan_load(st, who, id, &p, e)) < 0)
		return rc;
	if ((rc = ins_rules_load(st, p->rule_version, &rules, e)) < 0)
		goto out;
	if ((rc = ins_strata(st, p, &rules, &strata, e)) < 0)
		goto out;
	for (i = 0; i < json_array_size(strata); i++) {
		pop += json_integer_value(json_object_get(json_array_get(strata,
		    i), "population"));
		sel += json_integer_value(json_object_get(json_array_get(strata,
		    i), "count"));
	}
	*out = json_pack("{s:i, s:o, s:I, s:I}", "rule_version", rules.version,
	    "strata", strata, "population", (json_int_t)pop,
	    "selected", (json_int_t)sel);
	rc = 0;
out:
	ins_rules_free(&rules);
	ins_plan_free(p);
	return rc;
}

int
inspection_plan_approve(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	struct ins_plan		*p = NULL;
	struct ins_rules	 rules;
	char			 by[24];
	int			 rc;

	memset(&rules, 0, sizeof(rules));
	if ((rc = ins_plan_target_state(st, who, id, "inspection:approve",
	    expected, ins_st_draft, &p, e)) < 0)
		return rc;
	reg_actor_name(who, by);
	/* INS-022: four eyes. */
	if (strcmp(by, p->created_by) == 0) {
		rc = err_set(e, ERR_POLICY, NULL, "a plan is approved by "
		    "someone other than its author (INS-022)");
		goto out;
	}
	if ((rc = ins_rules_load(st, 0, &rules, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE inspection_plans SET status = "
	    "'approved', rule_version = ?, approved_by = ?, approved_at = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ?",
	    STORE_ARGS(SV_I(rules.version), SV_S(by), SV_I(clock_now()),
	    SV_I(clock_now()), SV_I(id)), NULL, e)) < 0)
		goto out;
	rc = ins_plan_audit(st, who, "inspection_plan.approve", id, out, e);
out:
	ins_rules_free(&rules);
	ins_plan_free(p);
	return rc;
}

int
inspection_plan_cancel(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const char *reason, json_t **out, struct err *e)
{
	struct ins_plan		*p = NULL;
	struct store_rows	*r = NULL;
	json_t			*v;
	char			*why = NULL;
	int64_t			 tids[1024];
	int			 n, i, rc;

	if ((rc = ins_plan_target_state(st, who, id, "inspection:write",
	    expected, ins_st_open, &p, e)) < 0)
		return rc;
	v = reason ? json_string(reason) : NULL;
	if (v == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "a cancelled plan says "
		    "why (INS-022)");
		goto out;
	}
	rc = reg_text(v, "reason", INSPECTION_REASON_MIN,
	    INSPECTION_REASON_MAX, &why, e);
	json_decref(v);
	if (rc < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE inspection_plans SET status = "
	    "'cancelled', cancel_reason = ?, version = version + 1, "
	    "updated_at = ? WHERE id = ?", STORE_ARGS(SV_S(why),
	    SV_I(clock_now()), SV_I(id)), NULL, e)) < 0)
		goto out;
	/* Its open tasks go with it, each with its own entry. */
	for (;;) {
		if ((rc = store_query(st, "SELECT id FROM inspection_tasks "
		    "WHERE plan_id = ? AND status IN ('assigned', "
		    "'unassigned') ORDER BY rank LIMIT 1024",
		    STORE_ARGS(SV_I(id)), &r, e)) < 0)
			goto out;
		n = 0;
		while ((rc = store_next(r, e)) == 1)
			tids[n++] = store_int(r, 0);
		store_rows_free(r);
		r = NULL;
		if (rc < 0)
			goto out;
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			if ((rc = ins_task_set_status(st, who, tids[i],
			    "cancelled", "inspection_task.cancel", e)) < 0)
				goto out;
	}
	rc = ins_plan_audit(st, who, "inspection_plan.cancel", id, out, e);
out:
	free(why);
	ins_plan_free(p);
	return rc;
}

int
inspection_plan_close(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	struct ins_plan	*p = NULL;
	int64_t		 open = 0;
	int		 rc;

	if ((rc = ins_plan_target_state(st, who, id, "inspection:write",
	    expected, ins_st_closable, &p, e)) < 0)
		return rc;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM inspection_tasks "
	    "WHERE plan_id = ? AND status = 'assigned'", STORE_ARGS(SV_I(id)),
	    &open, e)) < 0)
		goto out;
	if (open > 0) {
		rc = err_set(e, ERR_POLICY, "status", "%lld tasks are still "
		    "to be checked (INS-022)", (long long)open);
		goto out;
	}
	if ((rc = store_exec(st, "UPDATE inspection_plans SET status = "
	    "'closed', version = version + 1, updated_at = ? WHERE id = ?",
	    STORE_ARGS(SV_I(clock_now()), SV_I(id)), NULL, e)) < 0)
		goto out;
	rc = ins_plan_audit(st, who, "inspection_plan.close", id, out, e);
out:
	ins_plan_free(p);
	return rc;
}
