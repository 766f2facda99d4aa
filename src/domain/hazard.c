/*
 * Hazards: the catalogue (HAZ-001), numbers (HAZ-008), who sees what
 * (HAZ-006), recording a hazard from any source (HAZ-002..005), the
 * record, one hazard with its history, lists, exports and the town
 * summary (HAZ-007, HAZ-018).  The steps are in hazard_flow.c and
 * hazard_transfer.c, escalation in hazard_job.c.
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
#include "calendar.h"
#include "files.h"
#include "hazard.h"
#include "hazard_int.h"
#include "risk.h"

/* The catalogue. */

struct hz_clock {
	char	 name[32];
	int	 days;
};

struct hz_catalogue {
	json_t			*doc;		/* as loaded, for the API */
	struct hazard_type	*types;
	int			 ntypes;
	struct hz_clock		 clocks[16];
	int			 nclocks;
	char			*numbers[4];	/* hazard notice listing seal */
	char			 depts[16][16];
	int			 ndepts;
};

static const char *const hz_series[] = {
	"hazard", "notice", "listing", "seal", NULL,
};
static const char *const hz_clock_names[] = {
	"decide_days", "recheck_days", "transfer_accept_days",
	"dispute_decide_days", "escalate_city_days", "max_deadline_days",
	"seal_max_days", "police_check_per_year", NULL,
};

static struct hz_catalogue	*hz_cat;

static void
hz_cat_free(struct hz_catalogue *c)
{
	int	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ntypes; i++) {
		free(c->types[i].name);
		free(c->types[i].legal_basis);
	}
	free(c->types);
	for (i = 0; i < 4; i++)
		free(c->numbers[i]);
	json_decref(c->doc);
	free(c);
}



static int
hz_cat_types(struct hz_catalogue *c, const json_t *types, struct err *e)
{
	static const char *const tkeys[] = { "code", "name", "legal_basis",
	    "deadline_days", "dept", "on_spot", "status", "note", NULL };
	const json_t	*t;
	size_t		 i;
	int		 j, d;
	char		 where[64];

	if (!json_is_array(types) || json_array_size(types) == 0 ||
	    json_array_size(types) > 500)
		return err_set(e, ERR_INVALID, NULL, "types: 1 to 500 entries");
	c->types = xcalloc(json_array_size(types), sizeof(*c->types));
	json_array_foreach(types, i, t) {
		struct hazard_type	*ty = &c->types[c->ntypes];
		const char		*code, *name, *basis, *dept, *st;

		snprintf(where, sizeof(where), "types[%zu]", i);
		if (rec_data_keys(t, tkeys, where, e) < 0 ||
		    (code = rec_data_str(t, "code", sizeof(ty->code) - 1, where,
		    e)) == NULL ||
		    (name = rec_data_str(t, "name", 400, where, e)) == NULL ||
		    (basis = rec_data_str(t, "legal_basis", 400, where,
		    e)) == NULL ||
		    (dept = rec_data_str(t, "dept", 15, where, e)) == NULL ||
		    (st = rec_data_str(t, "status", 1, where, e)) == NULL)
			return e->code;
		snprintf(where, sizeof(where), "type %s", code);
		for (j = 0; j < c->ntypes; j++)
			if (strcmp(c->types[j].code, code) == 0)
				return err_set(e, ERR_INVALID, NULL, "%s: listed "
				    "twice", where);
		for (j = 0; j < c->ndepts; j++)
			if (strcmp(c->depts[j], dept) == 0)
				break;
		if (j == c->ndepts)
			return err_set(e, ERR_INVALID, NULL, "%s: unknown "
			    "department %s", where, dept);
		d = (int)json_integer_value(json_object_get(t,
		    "deadline_days"));
		if (!json_is_integer(json_object_get(t, "deadline_days")) ||
		    d < 1 || d > 60)
			return err_set(e, ERR_INVALID, NULL, "%s: deadline_days "
			    "must be 1 to 60", where);
		if (!json_is_boolean(json_object_get(t, "on_spot")))
			return err_set(e, ERR_INVALID, NULL, "%s: on_spot must "
			    "be true or false", where);
		if (strchr("CPU", st[0]) == NULL)
			return err_set(e, ERR_INVALID, NULL, "%s: status must "
			    "be C, P or U", where);
		snprintf(ty->code, sizeof(ty->code), "%s", code);
		ty->name = xstrdup(name);
		ty->legal_basis = xstrdup(basis);
		snprintf(ty->dept, sizeof(ty->dept), "%s", dept);
		ty->deadline_days = d;
		ty->on_spot = json_is_true(json_object_get(t, "on_spot"));
		ty->status[0] = st[0];
		c->ntypes++;
	}
	return 0;
}

static int
hz_cat_parse(struct hz_catalogue *c, struct err *e)
{
	static const char *const top[] = { "format", "version", "source",
	    "note", "issuer", "clocks", "numbers", "departments", "types",
	    NULL };
	static const char *const ckeys[] = { "value", "status", "note", NULL };
	static const char *const nkeys[] = { "template", "status", "note",
	    NULL };
	static const char *const dkeys[] = { "code", "name", NULL };
	const char	*s;
	json_t		*v, *o;
	size_t		 i;
	int		 j;
	char		 where[64];

	if (rec_data_keys(c->doc, top, "catalogue", e) < 0)
		return e->code;
	s = json_string_value(json_object_get(c->doc, "format"));
	if (s == NULL || strcmp(s, "firewarden-hazard-catalogue-v1") != 0)
		return err_set(e, ERR_INVALID, NULL, "format must be "
		    "firewarden-hazard-catalogue-v1");
	o = json_object_get(c->doc, "departments");
	if (!json_is_array(o) || json_array_size(o) == 0 ||
	    json_array_size(o) > 16)
		return err_set(e, ERR_INVALID, NULL, "departments: 1 to 16 "
		    "entries");
	json_array_foreach(o, i, v) {
		snprintf(where, sizeof(where), "departments[%zu]", i);
		if (rec_data_keys(v, dkeys, where, e) < 0 ||
		    (s = rec_data_str(v, "code", 15, where, e)) == NULL ||
		    rec_data_str(v, "name", 200, where, e) == NULL)
			return e->code;
		for (j = 0; s[j] != '\0'; j++)
			if (s[j] < 'a' || s[j] > 'z')
				return err_set(e, ERR_INVALID, NULL, "%s: code "
				    "must be lower-case letters", where);
		for (j = 0; j < c->ndepts; j++)
			if (strcmp(c->depts[j], s) == 0)
				return err_set(e, ERR_INVALID, NULL, "department "
				    "%s listed twice", s);
		snprintf(c->depts[c->ndepts++], 16, "%s", s);
	}
	for (j = 0; j < c->ndepts; j++)
		if (strcmp(c->depts[j], "fire") == 0)
			break;
	if (j == c->ndepts)
		return err_set(e, ERR_INVALID, NULL, "departments: fire (the "
		    "fire service itself) must be listed");
	o = json_object_get(c->doc, "clocks");
	if (rec_data_keys(o, hz_clock_names, "clocks", e) < 0)
		return e->code;
	for (j = 0; hz_clock_names[j] != NULL; j++) {
		v = json_object_get(o, hz_clock_names[j]);
		snprintf(where, sizeof(where), "clocks.%s", hz_clock_names[j]);
		if (v == NULL)
			return err_set(e, ERR_INVALID, NULL, "%s is missing",
			    where);
		if (rec_data_keys(v, ckeys, where, e) < 0)
			return e->code;
		if (!json_is_integer(json_object_get(v, "value")) ||
		    json_integer_value(json_object_get(v, "value")) < 1 ||
		    json_integer_value(json_object_get(v, "value")) > 366)
			return err_set(e, ERR_INVALID, NULL, "%s: value must be "
			    "1 to 366", where);
		snprintf(c->clocks[c->nclocks].name, 32, "%s",
		    hz_clock_names[j]);
		c->clocks[c->nclocks++].days = (int)json_integer_value(
		    json_object_get(v, "value"));
	}
	o = json_object_get(c->doc, "numbers");
	if (rec_data_keys(o, hz_series, "numbers", e) < 0)
		return e->code;
	for (j = 0; hz_series[j] != NULL; j++) {
		v = json_object_get(o, hz_series[j]);
		snprintf(where, sizeof(where), "numbers.%s", hz_series[j]);
		if (v == NULL)
			return err_set(e, ERR_INVALID, NULL, "%s is missing",
			    where);
		if (rec_data_keys(v, nkeys, where, e) < 0 ||
		    (s = rec_data_str(v, "template", 100, where, e)) == NULL)
			return e->code;
		if (strstr(s, "{seq") == NULL)
			return err_set(e, ERR_INVALID, NULL, "%s: the template "
			    "needs {seq} or {seq:0N}", where);
		c->numbers[j] = xstrdup(s);
	}
	s = json_string_value(json_object_get(json_object_get(c->doc,
	    "issuer"), "name"));
	if (s == NULL || *s == '\0' || strlen(s) > 100)
		return err_set(e, ERR_INVALID, NULL, "issuer.name is required");
	return hz_cat_types(c, json_object_get(c->doc, "types"), e);
}

const char *
hazard_issuer(void)
{
	const char	*s = hz_cat ? json_string_value(json_object_get(
	    json_object_get(hz_cat->doc, "issuer"), "name")) : NULL;

	return s ? s : "";
}

static int
hz_cat_parse_cb(void *ctx, struct err *e)
{
	return hz_cat_parse(ctx, e);
}

int
hazard_catalogue_load(const char *path, struct err *e)
{
	struct hz_catalogue	*c;
	int			 rc;

	c = xcalloc(1, sizeof(*c));
	if ((rc = rec_data_load(path, &c->doc, hz_cat_parse_cb, c, e)) < 0) {
		hz_cat_free(c);
		return rc;
	}
	/* Loads happen at start-up (and between tests), never while
	 * requests read the catalogue. */
	hz_cat_free(hz_cat);
	hz_cat = c;
	return 0;
}

int
hazard_catalogue_json(json_t **out, struct err *e)
{
	if (hz_cat == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "the hazard catalogue is "
		    "not loaded");
	*out = json_deep_copy(hz_cat->doc);
	return 0;
}

const struct hazard_type *
hazard_type_find(const char *code)
{
	int	i;

	if (hz_cat == NULL || code == NULL)
		return NULL;
	for (i = 0; i < hz_cat->ntypes; i++)
		if (strcmp(hz_cat->types[i].code, code) == 0)
			return &hz_cat->types[i];
	return NULL;
}

int
hazard_dept_known(const char *code)
{
	int	i;

	if (hz_cat == NULL || code == NULL)
		return 0;
	for (i = 0; i < hz_cat->ndepts; i++)
		if (strcmp(hz_cat->depts[i], code) == 0)
			return 1;
	return 0;
}

int
hazard_clock(const char *name)
{
	int	i;

	if (hz_cat == NULL)
		return -1;
	for (i = 0; i < hz_cat->nclocks; i++)
		if (strcmp(hz_cat->clocks[i].name, name) == 0)
			return hz_cat->clocks[i].days;
	return -1;
}

/* Numbers. */

int
hazard_next_no(struct store *st, const char *series, int year, char **out,
    struct err *e)
{
	const char	*t = NULL;
	int		 i;

	for (i = 0; hz_cat != NULL && hz_series[i] != NULL; i++)
		if (strcmp(hz_series[i], series) == 0)
			t = hz_cat->numbers[i];
	if (t == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "no number series %s",
		    series);
	return rec_next_no(st, series, t, year, out, e);
}

/* Shared helpers. */



void
hz_scope_of(const struct actor *who, struct hz_scope *s)
{
	const char	*j = who->jurisdiction, *c;
	size_t		 n;

	memset(s, 0, sizeof(*s));
	reg_scope_of(who, &s->rs);
	if (who->kind != ACTOR_USER || strncmp(j, "dept:", 5) != 0)
		return;
	c = j + 5;
	n = strcspn(c, ":");
	if (n == 0 || n >= sizeof(s->dept))
		return;
	memcpy(s->dept, c, n);
	s->dept[n] = '\0';
	if (c[n] == ':') {
		if (!reg_town_syntax(c + n + 1))
			return;
		memcpy(s->dtown, c + n + 1, REG_TOWN_LEN + 1);
	}
	s->is_dept = 1;
}

#define HZ_COLS "h.id, h.unit_id, h.grid_id, h.version, h.no, h.town, " \
    "h.status, h.dept, h.level, h.type_code, h.found_on, h.deadline, " \
    "h.step_due, h.returns "

static void
hz_from_row(struct store_rows *r, struct hz *h)
{
	memset(h, 0, sizeof(*h));
	h->id = store_int(r, 0);
	h->unit_id = store_int(r, 1);
	h->grid_id = store_isnull(r, 2) ? 0 : store_int(r, 2);
	h->version = store_int(r, 3);
	snprintf(h->no, sizeof(h->no), "%s", store_text(r, 4));
	snprintf(h->town, sizeof(h->town), "%s", store_text(r, 5));
	snprintf(h->status, sizeof(h->status), "%s", store_text(r, 6));
	snprintf(h->dept, sizeof(h->dept), "%s", store_text(r, 7));
	snprintf(h->level, sizeof(h->level), "%s", store_text(r, 8));
	snprintf(h->type_code, sizeof(h->type_code), "%s", store_text(r, 9));
	snprintf(h->found_on, sizeof(h->found_on), "%s", store_text(r, 10));
	snprintf(h->deadline, sizeof(h->deadline), "%s", store_text(r, 11));
	snprintf(h->step_due, sizeof(h->step_due), "%s", store_text(r, 12));
	h->returns = (int)store_int(r, 13);
}

/* 1 if the department scope has a transfer of hazard hid. */
static int
hz_dept_sees(struct store *st, const struct hz_scope *s, int64_t hid,
    struct err *e)
{
	int64_t	n = 0;
	int	rc;

	rc = store_query_int(st, "SELECT COUNT(*) FROM hazard_transfers "
	    "WHERE hazard_id = ? AND dept = ? AND (? = '' OR town = ?)",
	    STORE_ARGS(SV_I(hid), SV_S(s->dept), SV_S(s->dtown),
	    SV_S(s->dtown)), &n, e);
	return rc < 0 ? rc : n > 0;
}

int
hz_load(struct store *st, const struct actor *who, int64_t id,
    int64_t expected, struct hz *out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct hz_scope		 s;
	int			 rc, sees;

	if ((rc = store_query(st, "SELECT " HZ_COLS "FROM hazards h "
	    "WHERE h.id = ?", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		hz_from_row(r, out);
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such hazard");
	hz_scope_of(who, &s);
	if (s.is_dept) {
		if ((sees = hz_dept_sees(st, &s, id, e)) < 0)
			return sees;
	} else
		sees = reg_scope_sees(&s.rs, out->town, out->grid_id,
		    out->unit_id);
	if (!sees)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such hazard");
	if (expected > 0 && expected != out->version)
		return err_set(e, ERR_STALE, "version", "the hazard was changed "
		    "by someone else (now version %lld)",
		    (long long)out->version);
	return 0;
}

int
hz_step(struct store *st, const struct actor *who, int64_t hid,
    const char *action, const char *from, const char *to, const char *note,
    const char *photos, const char *due, struct err *e)
{
	char	by[24];

	actor_audit_name(who, by);
	return store_exec(st, "INSERT INTO hazard_steps (id, hazard_id, "
	    "action, from_status, to_status, note, photos, due, actor, at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", STORE_ARGS(SV_I(id_next()),
	    SV_I(hid), SV_S(action), from ? SV_S(from) : SV_N, SV_S(to),
	    note ? SV_S(note) : SV_N, SV_S(photos ? photos : ""),
	    due && *due ? SV_S(due) : SV_N, SV_S(by), SV_I(clock_now())), NULL,
	    e);
}

int
hazard_note_case(struct store *st, struct actor *who, int64_t id,
    const char *case_no, struct err *e)
{
	char	*status = NULL, *note;
	int	 rc;

	if ((rc = store_query_text(st, "SELECT status FROM hazards WHERE id = "
	    "?", STORE_ARGS(SV_I(id)), &status, e)) < 0)
		return rc;
	note = xasprintf("立案查处：%s", case_no);
	if ((rc = hz_step(st, who, id, "case", status, status, note, "", NULL,
	    e)) == 0)
		rc = hz_audit(st, who, "hazard.case", id, e);
	free(note);
	free(status);
	return rc;
}

int
hz_closed_count(struct store *st, const char *town, struct err *e)
{
	/* HAZ-018: closed per town and year, counted as they close. */
	return store_exec(st, "INSERT INTO hazard_closed (town, year, n) VALUES "
	    "(?, ?, 1) ON CONFLICT (town, year) DO UPDATE SET n = "
	    "hazard_closed.n + 1", STORE_ARGS(SV_S(town), SV_I(rec_year())),
	    NULL, e);
}

int
hz_audit(struct store *st, struct actor *who, const char *action,
    int64_t hid, struct err *e)
{
	json_t	*rec = NULL;
	char	 hs[24];
	int	 rc;

	snprintf(hs, sizeof(hs), "%lld", (long long)hid);
	if ((rc = hazard_record(st, hs, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, "hazard", hid, rec, e);
	json_decref(rec);
	return rc;
}





int
hz_bad_state(const char *step, const char *status, const char *rule,
    struct err *e)
{
	return err_set(e, ERR_POLICY, "status", "a %s hazard cannot be %s "
	    "(%s)", status, step, rule);
}

/* Records. */

static const char hz_sql_record[] =
    "SELECT id, no, unit_id, town, grid_id, type_code, source, source_id, "
    "item_code, description, legal_basis, location, dept, photos, found_on, "
    "deadline, status, step_due, escalation, escalated_on, level, returns, "
    "notice_no, close_reason, closed_on, version, created_at, updated_at, "
    "created_by FROM hazards WHERE id = ?";


static json_t *
hz_text_or_null(struct store_rows *r, int col)
{
	return store_isnull(r, col) ? json_null() :
	    json_string(store_text(r, col));
}

static json_t *
hz_row_json(struct store_rows *r)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", jx_id(store_int(r, 0)));
	json_object_set_new(o, "no", json_string(store_text(r, 1)));
	json_object_set_new(o, "unit_id", jx_id(store_int(r, 2)));
	json_object_set_new(o, "town", json_string(store_text(r, 3)));
	json_object_set_new(o, "grid_id", store_isnull(r, 4) ? json_null() :
	    jx_id(store_int(r, 4)));
	json_object_set_new(o, "type_code", hz_text_or_null(r, 5));
	json_object_set_new(o, "source", json_string(store_text(r, 6)));
	json_object_set_new(o, "source_id", store_isnull(r, 7) ? json_null() :
	    jx_id(store_int(r, 7)));
	json_object_set_new(o, "item_code", hz_text_or_null(r, 8));
	json_object_set_new(o, "description", json_string(store_text(r, 9)));
	json_object_set_new(o, "legal_basis", hz_text_or_null(r, 10));
	json_object_set_new(o, "location", hz_text_or_null(r, 11));
	json_object_set_new(o, "dept", json_string(store_text(r, 12)));
	json_object_set_new(o, "photos", rec_csv_ids(store_text(r, 13)));
	json_object_set_new(o, "found_on", json_string(store_text(r, 14)));
	json_object_set_new(o, "deadline", hz_text_or_null(r, 15));
	json_object_set_new(o, "status", json_string(store_text(r, 16)));
	json_object_set_new(o, "step_due", hz_text_or_null(r, 17));
	json_object_set_new(o, "escalation", json_integer(store_int(r, 18)));
	json_object_set_new(o, "escalated_on", hz_text_or_null(r, 19));
	json_object_set_new(o, "level", json_string(store_text(r, 20)));
	json_object_set_new(o, "returns", json_integer(store_int(r, 21)));
	json_object_set_new(o, "notice_no", hz_text_or_null(r, 22));
	json_object_set_new(o, "close_reason", hz_text_or_null(r, 23));
	json_object_set_new(o, "closed_on", hz_text_or_null(r, 24));
	json_object_set_new(o, "version", json_integer(store_int(r, 25)));
	json_object_set_new(o, "created_at", json_integer(store_int(r, 26)));
	json_object_set_new(o, "updated_at", json_integer(store_int(r, 27)));
	json_object_set_new(o, "created_by", json_string(store_text(r, 28)));
	return o;
}

int
hazard_record(struct store *st, const char *id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 hid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &hid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such hazard");
	if ((rc = store_query(st, hz_sql_record, STORE_ARGS(SV_I(hid)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = hz_row_json(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such hazard");
	return rc < 0 ? rc : 0;
}

/* Recording a hazard. */

static const char *const hz_sources[] = {
	"inspection", "patrol", "police", "tipoff", "self", "iot", "officer",
	NULL,
};

int
hazard_create(struct store *st, struct actor *who, const struct hazard_new *h,
    int64_t *id, struct err *e)
{
	const struct hazard_type	*ty = NULL;
	struct store_rows		*r = NULL;
	char				 today[HZ_DATE_LEN + 1], by[24];
	char				 deadline[HZ_DATE_LEN + 1] = "";
	char				 due[HZ_DATE_LEN + 1] = "";
	char				 town[REG_TOWN_LEN + 1] = "";
	char				*no = NULL, *notice = NULL;
	const char			*status, *dept, *basis;
	struct buf			 ph;
	int64_t				 hid, grid = 0, now = clock_now();
	int				 i, rc, days, max;

	buf_init(&ph);
	if (!reg_choice(hz_sources, h->source))
		return err_set(e, ERR_INVALID, "source", "unknown source");
	if (h->type_code != NULL &&
	    (ty = hazard_type_find(h->type_code)) == NULL)
		return err_set(e, ERR_INVALID, "type_code", "no hazard type "
		    "%s in the catalogue", h->type_code);
	if (h->description == NULL || *h->description == '\0')
		return err_set(e, ERR_MISSING, "description", "description is "
		    "required");
	dept = h->dept ? h->dept : ty ? ty->dept : "fire";
	if (!hazard_dept_known(dept))
		return err_set(e, ERR_INVALID, "dept", "unknown department %s",
		    dept);
	if ((rc = store_query(st, "SELECT town_code, grid_id FROM units WHERE "
	    "id = ?", STORE_ARGS(SV_I(h->unit_id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		snprintf(town, sizeof(town), "%s", store_text(r, 0));
		grid = store_isnull(r, 1) ? 0 : store_int(r, 1);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "unit_id", "no such unit");
	rec_today(today);
	max = hazard_clock("max_deadline_days");
	if (h->on_spot) {
		status = "closed";
	} else if (h->deadline_days < 0) {
		status = "found";
		if ((rc = calendar_add_workdays(today,
		    hazard_clock("decide_days"), due, e)) < 0)
			return rc;
	} else {
		status = "ordered";
		days = h->deadline_days > 0 ? h->deadline_days :
		    ty ? ty->deadline_days : 10;
		if (days < 1 || days > max)
			return err_set(e, ERR_RANGE, "deadline_days", "the "
			    "deadline must be 1 to %d working days", max);
		if ((rc = calendar_add_workdays(today, days, deadline, e)) < 0)
			return rc;
		memcpy(due, deadline, sizeof(due));
		if ((rc = hazard_next_no(st, "notice", rec_year(), &notice,
		    e)) < 0)
			return rc;
	}
	if ((rc = hazard_next_no(st, "hazard", rec_year(), &no, e)) < 0)
		goto out;
	for (i = 0; i < h->nphotos; i++)
		buf_printf(&ph, "%s%lld", i ? "," : "",
		    (long long)h->photos[i]);
	basis = h->legal_basis ? h->legal_basis : ty ? ty->legal_basis : NULL;
	hid = id_next();
	actor_audit_name(who, by);
	rc = store_exec(st, "INSERT INTO hazards (id, no, unit_id, town, "
	    "grid_id, type_code, source, source_id, item_code, description, "
	    "legal_basis, location, dept, photos, found_on, deadline, status, "
	    "step_due, notice_no, close_reason, closed_on, version, "
	    "created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
	    STORE_ARGS(SV_I(hid), SV_S(no), SV_I(h->unit_id), SV_S(town),
	    grid ? SV_I(grid) : SV_N, ty ? SV_S(ty->code) : SV_N,
	    SV_S(h->source), h->source_id ? SV_I(h->source_id) : SV_N,
	    h->item_code ? SV_S(h->item_code) : SV_N, SV_S(h->description),
	    basis ? SV_S(basis) : SV_N, h->location ? SV_S(h->location) : SV_N,
	    SV_S(dept), SV_S(ph.data ? ph.data : ""), SV_S(today),
	    *deadline ? SV_S(deadline) : SV_N, SV_S(status),
	    *due ? SV_S(due) : SV_N, notice ? SV_S(notice) : SV_N,
	    h->on_spot ? SV_S("on_spot") : SV_N,
	    h->on_spot ? SV_S(today) : SV_N, SV_I(now), SV_I(now), SV_S(by)),
	    NULL, e);
	if (rc < 0 || (h->on_spot && (rc = hz_closed_count(st, town, e)) < 0))
		goto out;
	if (h->attach_photos && h->nphotos > 0 &&
	    (rc = files_attach(st, who, h->photos, h->nphotos, "hazard", hid,
	    "photo", e)) < 0) {
		snprintf(e->field, sizeof(e->field), "photos");
		goto out;
	}
	if ((rc = hz_step(st, who, hid, h->on_spot ? "on_spot" : "create", NULL,
	    status, h->description, ph.data ? ph.data : "", due, e)) < 0 ||
	    (rc = hz_audit(st, who, "hazard.create", hid, e)) < 0)
		goto out;
	/* A hazard left open is history for the unit's risk (RISK-008),
	 * recorded by the platform whoever found it. */
	if (!h->on_spot) {
		struct actor	sys;
		char		ref[24];

		actor_system(&sys, who->request_id);
		snprintf(ref, sizeof(ref), "%lld", (long long)hid);
		if ((rc = risk_event_add(st, &sys, h->unit_id, "hazard",
		    "hazard", ref, now, NULL, e)) < 0)
			goto out;
		who->audit_count += sys.audit_count;
	}
	*id = hid;
out:
	free(no);
	free(notice);
	buf_free(&ph);
	return rc;
}

int
hazard_new_api(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "unit_id", "type_code",
	    "description", "location", "photos", "on_spot", "deadline_days",
	    "decide_later", "source", NULL };
	static const char *const direct[] = { "officer", "patrol", "police",
	    NULL };
	const char		*src = "officer";
	struct hazard_new	 h;
	struct reg_unit_loc	 loc;
	const struct hazard_type *ty = NULL;
	json_t			*v;
	char			*desc = NULL, *where = NULL, *csv = NULL, hs[24];
	int64_t			 photos[HZ_PHOTOS_MAX], id = 0;
	int			 rc, n;

	memset(&h, 0, sizeof(h));
	if ((rc = reg_need(who, "hazard:write", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "unit_id")) == NULL)
		return err_set(e, ERR_MISSING, "unit_id", "unit_id is required");
	if ((rc = reg_json_id(v, "unit_id", &h.unit_id, e)) < 0)
		return rc;
	/* HAZ-003: who found it directly: an officer, a grid patrol or a
	 * police station's check. */
	if ((v = json_object_get(in, "source")) != NULL &&
	    (!json_is_string(v) || !reg_choice(direct,
	    (src = json_string_value(v)))))
		return err_set(e, ERR_INVALID, "source", "source must be "
		    "officer, patrol or police");
	if ((v = json_object_get(in, "type_code")) == NULL)
		return err_set(e, ERR_MISSING, "type_code", "type_code is "
		    "required");
	if (!json_is_string(v))
		return err_set(e, ERR_TYPE, "type_code", "type_code must be a "
		    "string");
	if ((ty = hazard_type_find(json_string_value(v))) == NULL)
		return err_set(e, ERR_INVALID, "type_code", "no hazard type %s "
		    "in the catalogue", json_string_value(v));
	if ((v = json_object_get(in, "on_spot")) != NULL &&
	    !json_is_boolean(v))
		return err_set(e, ERR_TYPE, "on_spot", "on_spot must be true or "
		    "false");
	h.on_spot = json_is_true(v);
	/* HAZ-004: only a type that can be corrected on the spot. */
	if (h.on_spot && !ty->on_spot)
		return err_set(e, ERR_POLICY, "on_spot", "a hazard of type %s "
		    "cannot be corrected on the spot (HAZ-004)", ty->code);
	if ((v = json_object_get(in, "decide_later")) != NULL &&
	    !json_is_boolean(v))
		return err_set(e, ERR_TYPE, "decide_later", "decide_later must "
		    "be true or false");
	if (json_is_true(v) && h.on_spot)
		return err_set(e, ERR_INVALID, "decide_later", "a hazard "
		    "corrected on the spot has nothing left to decide");
	if ((rc = rec_days(in, "deadline_days", ty->deadline_days,
	    hazard_clock("max_deadline_days"), &h.deadline_days, e)) < 0)
		return rc;
	if (json_is_true(v))
		h.deadline_days = -1;
	if ((v = json_object_get(in, "description")) == NULL)
		return err_set(e, ERR_MISSING, "description", "description is "
		    "required");
	if ((rc = reg_text(v, "description", 2, HZ_NOTE_MAX, &desc, e)) < 0 ||
	    (rc = rec_opt_text(in, "location", 1, 200, &where, e)) < 0 ||
	    (rc = rec_photos(in, "photos", photos, &n, &csv, e)) < 0)
		goto out;
	/* The unit must be one who sees (HAZ-006). */
	if ((rc = reg_unit_loc(st, who, h.unit_id, &loc, e)) < 0) {
		if (rc == ERR_NOT_FOUND)
			snprintf(e->field, sizeof(e->field), "unit_id");
		goto out;
	}
	h.type_code = ty->code;
	h.source = src;
	h.description = desc;
	h.location = where;
	h.photos = photos;
	h.nphotos = n;
	h.attach_photos = 1;
	if ((rc = hazard_create(st, who, &h, &id, e)) < 0)
		goto out;
	snprintf(hs, sizeof(hs), "%lld", (long long)id);
	rc = hazard_record(st, hs, out, e);
out:
	free(desc);
	free(where);
	free(csv);
	return rc;
}

/* One hazard with its history. */


static json_t *
hz_rows_json(struct store *st, const char *sql, int64_t id,
    const char *const *names, const char *types, int *rcp, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a = json_array();
	int			 rc;

	if ((rc = store_query(st, sql, STORE_ARGS(SV_I(id)), &r, e)) < 0) {
		*rcp = rc;
		return a;
	}
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, rec_row_obj(r, names, types));
	store_rows_free(r);
	*rcp = rc < 0 ? rc : 0;
	return a;
}

static const char *const hz_step_names[] = { "id", "action", "from_status",
    "to_status", "note", "photos", "due", "actor", "at", NULL };
static const char *const hz_transfer_names[] = { "id", "dept", "town",
    "status", "note", "return_reason", "dispute_note", "decision",
    "decision_note", "due", "complete_due", "escalation", "version",
    "created_at", "updated_at", "created_by", NULL };

int
hazard_get(struct store *st, struct actor *who, int64_t id, json_t **out,
    struct err *e)
{
	struct hz	 h;
	json_t		*o = NULL, *a;
	char		 hs[24];
	int		 rc;

	if ((rc = reg_need(who, "hazard:read", e)) < 0 ||
	    (rc = hz_load(st, who, id, 0, &h, e)) < 0)
		return rc;
	snprintf(hs, sizeof(hs), "%lld", (long long)id);
	if ((rc = hazard_record(st, hs, &o, e)) < 0)
		return rc;
	{
		char	*name = NULL;

		if ((rc = store_query_text(st, "SELECT name FROM units WHERE "
		    "id = ?", STORE_ARGS(SV_I(h.unit_id)), &name, e)) < 0)
			goto fail;
		json_object_set_new(o, "unit_name", jx_str_or_null(name));
		free(name);
	}
	a = hz_rows_json(st, "SELECT id, action, from_status, to_status, note, "
	    "photos, due, actor, at FROM hazard_steps WHERE hazard_id = ? "
	    "ORDER BY at, id", id, hz_step_names, "isssspssn", &rc, e);
	json_object_set_new(o, "steps", a);
	if (rc < 0)
		goto fail;
	a = hz_rows_json(st, "SELECT id, dept, town, status, note, "
	    "return_reason, dispute_note, decision, decision_note, due, "
	    "complete_due, escalation, version, created_at, updated_at, "
	    "created_by FROM hazard_transfers WHERE hazard_id = ? ORDER BY "
	    "created_at, id", id, hz_transfer_names, "issssssssssnnnns", &rc,
	    e);
	json_object_set_new(o, "transfers", a);
	if (rc < 0)
		goto fail;
	{
		static const char *const jn[] = { "id", "edition", "place",
		    "elements", "exclusion", "outcome", "method", "counted",
		    "threshold", "reason", "procedure", "participants",
		    "agreeing", "conclusion", "judged_on", "created_by",
		    NULL };

		a = hz_rows_json(st, "SELECT id, edition, place, elements, "
		    "exclusion, outcome, method, counted, threshold, reason, "
		    "procedure, participants, agreeing, conclusion, judged_on, "
		    "created_by FROM hazard_judgements WHERE hazard_id = ? "
		    "ORDER BY created_at, id", id, jn, "issjsssnnssjnsss",
		    &rc, e);
		json_object_set_new(o, "judgements", a);
		if (rc < 0)
			goto fail;
	}
	{
		static const char *const ln[] = { "id", "no", "level", "body",
		    "deadline", "status", "published", "listed_on",
		    "delisted_on", "delist_note", "version", NULL };

		a = hz_rows_json(st, "SELECT id, no, level, body, deadline, "
		    "status, published, listed_on, delisted_on, delist_note, "
		    "version FROM hazard_listings WHERE hazard_id = ? ORDER BY "
		    "created_at, id", id, ln, "isssssbsssn", &rc, e);
		json_object_set_new(o, "listings", a);
		if (rc < 0)
			goto fail;
	}
	{
		static const char *const sn[] = { "id", "no", "scope", "reason",
		    "start_on", "end_on", "extended", "status",
		    "lift_request", "lift_note", "lifted_on", "version",
		    NULL };

		a = hz_rows_json(st, "SELECT id, no, scope, reason, start_on, "
		    "end_on, extended, status, lift_request, lift_note, "
		    "lifted_on, version FROM hazard_seals WHERE hazard_id = ? "
		    "ORDER BY created_at, id", id, sn, "isssssbssssn", &rc, e);
		json_object_set_new(o, "seals", a);
		if (rc < 0)
			goto fail;
	}
	{
		char	today[HZ_DATE_LEN + 1];

		rec_today(today);
		json_object_set_new(o, "overdue", json_boolean(
		    strcmp(h.status, "closed") != 0 && *h.step_due &&
		    strcmp(h.step_due, today) < 0));
	}
	*out = o;
	return 0;
fail:
	json_decref(o);
	return rc;
}

int
hazard_can_read(struct store *st, struct actor *who, int64_t id,
    struct err *e)
{
	struct hz	h;
	int		rc;

	if (!actor_can(who, "hazard:read") && who->kind != ACTOR_SYSTEM)
		return 0;
	if ((rc = hz_load(st, who, id, 0, &h, e)) < 0)
		return rc == ERR_NOT_FOUND ? 0 : rc;
	return 1;
}

/* Lists. */

static const char *const hz_statuses[] = {
	"found", "ordered", "reported", "transferred", "closed", NULL,
};

/* The WHERE clause of a list into b with its arguments. */
static int
hz_where(const struct actor *who, const struct hazard_filter *f,
    struct hz_scope *sp, struct buf *b, struct store_val *args, int *nargs,
    char **like, struct err *e)
{
	int		 n = 0;

	/* The arguments point into the caller's scope. */
	hz_scope_of(who, sp);
	buf_adds(b, " WHERE 1 = 1");
	if (sp->is_dept) {
		buf_adds(b, " AND EXISTS (SELECT 1 FROM hazard_transfers t "
		    "WHERE t.hazard_id = h.id AND t.dept = ?");
		args[n++] = SV_S(sp->dept);
		if (*sp->dtown) {
			buf_adds(b, " AND t.town = ?");
			args[n++] = SV_S(sp->dtown);
		}
		buf_adds(b, ")");
	} else
		switch (sp->rs.kind) {
		case RS_ALL:
			break;
		case RS_TOWN:
			buf_adds(b, " AND h.town = ?");
			args[n++] = SV_S(sp->rs.town);
			break;
		case RS_GRID:
			buf_adds(b, " AND h.grid_id = ?");
			args[n++] = SV_I(sp->rs.id);
			break;
		case RS_UNIT:
			buf_adds(b, " AND h.unit_id = ?");
			args[n++] = SV_I(sp->rs.id);
			break;
		default:
			buf_adds(b, " AND 1 = 0");
		}
	if (f->status != NULL) {
		if (!reg_choice(hz_statuses, f->status))
			return err_set(e, ERR_INVALID, "status", "status must "
			    "be found, ordered, reported, transferred or "
			    "closed");
		buf_adds(b, " AND h.status = ?");
		args[n++] = SV_S(f->status);
	}
	if (f->town != NULL) {
		if (!reg_town_syntax(f->town))
			return err_set(e, ERR_INVALID, "town", "town must be a "
			    "9-digit code");
		buf_adds(b, " AND h.town = ?");
		args[n++] = SV_S(f->town);
	}
	if (f->unit_id > 0) {
		buf_adds(b, " AND h.unit_id = ?");
		args[n++] = SV_I(f->unit_id);
	}
	if (f->grid_id > 0) {
		buf_adds(b, " AND h.grid_id = ?");
		args[n++] = SV_I(f->grid_id);
	}
	if (f->source != NULL) {
		if (!reg_choice(hz_sources, f->source))
			return err_set(e, ERR_INVALID, "source", "unknown "
			    "source");
		buf_adds(b, " AND h.source = ?");
		args[n++] = SV_S(f->source);
	}
	if (f->level != NULL) {
		if (strcmp(f->level, "general") != 0 &&
		    strcmp(f->level, "major") != 0)
			return err_set(e, ERR_INVALID, "level", "level must be "
			    "general or major");
		buf_adds(b, " AND h.level = ?");
		args[n++] = SV_S(f->level);
	}
	if (f->dept != NULL) {
		if (!hazard_dept_known(f->dept))
			return err_set(e, ERR_INVALID, "dept", "unknown "
			    "department");
		buf_adds(b, " AND h.dept = ?");
		args[n++] = SV_S(f->dept);
	}
	if (f->from != NULL) {
		char	d[REG_DATE_LEN + 1];

		if (reg_date_parse(f->from, 0, "from", d, e) < 0)
			return e->code;
		buf_adds(b, " AND h.found_on >= ?");
		args[n++] = SV_S(f->from);
	}
	if (f->to != NULL) {
		char	d[REG_DATE_LEN + 1];

		if (reg_date_parse(f->to, 0, "to", d, e) < 0)
			return e->code;
		buf_adds(b, " AND h.found_on <= ?");
		args[n++] = SV_S(f->to);
	}
	if (f->overdue) {
		char	*t = xcalloc(1, HZ_DATE_LEN + 1);

		rec_today(t);
		buf_adds(b, " AND h.status <> 'closed' AND h.step_due < ?");
		args[n++] = SV_S(t);
		like[1] = t;
	}
	if (f->escalated)
		buf_adds(b, " AND h.status <> 'closed' AND h.escalation > 0");
	if (f->q != NULL && *f->q != '\0') {
		if (strlen(f->q) > 100)
			return err_set(e, ERR_RANGE, "q", "q is at most 100 "
			    "characters");
		like[0] = reg_like(f->q, 0);
		buf_adds(b, " AND (h.no = ? OR h.description LIKE ? ESCAPE "
		    "'\\')");
		args[n++] = SV_S(f->q);
		args[n++] = SV_S(like[0]);
	}
	*nargs = n;
	return 0;
}

static const char *
hz_order(const char *sort, struct err *e)
{
	static const struct { const char *key, *sql; } sorts[] = {
		{ "-found_on", " ORDER BY h.found_on DESC, h.id DESC" },
		{ "found_on", " ORDER BY h.found_on, h.id" },
		{ "step_due", " ORDER BY h.step_due, h.id" },
		{ "-step_due", " ORDER BY h.step_due DESC, h.id DESC" },
		{ "no", " ORDER BY h.no" },
		{ "-no", " ORDER BY h.no DESC" },
	};
	size_t	i;

	if (sort == NULL)
		return sorts[0].sql;
	for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
		if (strcmp(sorts[i].key, sort) == 0)
			return sorts[i].sql;
	err_set(e, ERR_INVALID, "sort", "sort must be found_on, step_due or "
	    "no, with - for descending");
	return NULL;
}

#define HZ_LIST_COLS "h.id, h.no, h.unit_id, u.name, h.town, h.type_code, " \
    "h.source, h.description, h.dept, h.found_on, h.deadline, h.status, " \
    "h.step_due, h.escalation, h.level, h.version "

static json_t *
hz_list_row(struct store_rows *r, const char *today)
{
	const char	*status = store_text(r, 11), *due = store_text(r, 12);

	return json_pack("{s:o, s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:s, s:s, "
	    "s:o, s:s, s:o, s:I, s:s, s:I, s:b}",
	    "id", jx_id(store_int(r, 0)),
	    "no", store_text(r, 1),
	    "unit_id", jx_id(store_int(r, 2)),
	    "unit_name", store_text(r, 3),
	    "town", store_text(r, 4),
	    "type_code", hz_text_or_null(r, 5),
	    "source", store_text(r, 6),
	    "description", store_text(r, 7),
	    "dept", store_text(r, 8),
	    "found_on", store_text(r, 9),
	    "deadline", hz_text_or_null(r, 10),
	    "status", status,
	    "step_due", hz_text_or_null(r, 12),
	    "escalation", (json_int_t)store_int(r, 13),
	    "level", store_text(r, 14),
	    "version", (json_int_t)store_int(r, 15),
	    "overdue", strcmp(status, "closed") != 0 && *due &&
	    strcmp(due, today) < 0);
}

int
hazard_list(struct store *st, struct actor *who, const struct hazard_filter *f,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	struct store_val	 args[24];
	struct hz_scope		 sc;
	struct store_rows	*r = NULL;
	struct buf		 w, q;
	const char		*order;
	char			*like[2] = { NULL, NULL };
	char			 today[HZ_DATE_LEN + 1];
	int			 n = 0, rc;

	buf_init(&w);
	buf_init(&q);
	if ((rc = reg_need(who, "hazard:read", e)) < 0)
		return rc;
	if ((order = hz_order(f->sort, e)) == NULL)
		return e->code;
	if ((rc = hz_where(who, f, &sc, &w, args, &n, like, e)) < 0)
		goto out;
	buf_printf(&q, "SELECT COUNT(*) FROM hazards h%s", w.data);
	if ((rc = store_query_int(st, q.data, args, n, total, e)) < 0)
		goto out;
	buf_reset(&q);
	buf_printf(&q, "SELECT " HZ_LIST_COLS "FROM hazards h JOIN units u ON "
	    "u.id = h.unit_id%s%s LIMIT ? OFFSET ?", w.data, order);
	args[n] = SV_I(limit);
	args[n + 1] = SV_I(offset);
	if ((rc = store_query(st, q.data, args, n + 2, &r, e)) < 0)
		goto out;
	rec_today(today);
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, hz_list_row(r, today));
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	} else
		rc = 0;
out:
	store_rows_free(r);
	free(like[0]);
	free(like[1]);
	buf_free(&w);
	buf_free(&q);
	return rc;
}

static const char *
hz_status_zh(const char *s)
{
	static const struct { const char *k, *zh; } t[] = {
		{ "found", "待处置" }, { "ordered", "限期整改" },
		{ "reported", "待复查" }, { "transferred", "已移送" },
		{ "closed", "已销号" },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].k, s) == 0)
			return t[i].zh;
	return s;
}

int
hazard_export(struct store *st, struct actor *who,
    const struct hazard_filter *f, const char *format, int64_t max,
    struct buf *out, const char **ctype, struct err *e)
{
	static const char *const headers[] = { "隐患编号", "单位", "镇街",
	    "隐患类型", "来源", "隐患描述", "责任部门", "发现日期",
	    "整改期限", "状态", "当前步骤期限", "是否逾期", "级别" };
	static const double widths[] = { 18, 30, 12, 14, 10, 40, 10, 12, 12,
	    10, 14, 8, 8 };
	struct store_val	 args[24];
	struct hz_scope		 sc;
	struct store_rows	*r = NULL;
	struct sheet		 sh;
	struct buf		 w, q;
	const char		*order;
	char			*like[2] = { NULL, NULL }, *data = NULL;
	char			 today[HZ_DATE_LEN + 1];
	size_t			 len;
	int			 n = 0, rc;

	memset(&sh, 0, sizeof(sh));
	buf_init(&w);
	buf_init(&q);
	if ((rc = reg_need(who, "hazard:read", e)) < 0)
		return rc;
	if ((order = hz_order(f->sort, e)) == NULL)
		return e->code;
	if ((rc = hz_where(who, f, &sc, &w, args, &n, like, e)) < 0 ||
	    (rc = sheet_open(&sh, format, "火灾隐患", headers, widths, 13,
	    e)) < 0)
		goto out;
	buf_printf(&q, "SELECT " HZ_LIST_COLS "FROM hazards h JOIN units u ON "
	    "u.id = h.unit_id%s%s LIMIT ?", w.data, order);
	args[n] = SV_I(max);
	if ((rc = store_query(st, q.data, args, n + 1, &r, e)) < 0)
		goto out;
	rec_today(today);
	while ((rc = store_next(r, e)) == 1) {
		const struct hazard_type *ty = hazard_type_find(store_text(r,
		    5));
		const char	*due = store_text(r, 12);
		const char	*cells[13];
		int		 late = strcmp(store_text(r, 11), "closed") != 0 &&
		    *due && strcmp(due, today) < 0;

		cells[0] = store_text(r, 1);
		cells[1] = store_text(r, 3);
		cells[2] = store_text(r, 4);
		cells[3] = ty ? ty->name : store_text(r, 5);
		cells[4] = store_text(r, 6);
		cells[5] = store_text(r, 7);
		cells[6] = store_text(r, 8);
		cells[7] = store_text(r, 9);
		cells[8] = store_text(r, 10);
		cells[9] = hz_status_zh(store_text(r, 11));
		cells[10] = due;
		cells[11] = late ? "是" : "否";
		cells[12] = strcmp(store_text(r, 14), "major") == 0 ?
		    "重大" : "一般";
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
	free(like[0]);
	free(like[1]);
	buf_free(&w);
	buf_free(&q);
	return rc;
}

int
hazard_summary(struct store *st, struct actor *who, json_t **out,
    struct err *e)
{
	struct hazard_filter	 f;
	struct store_val	 args[26];
	struct hz_scope		 sc;
	struct store_rows	*r = NULL;
	struct buf		 w, q;
	json_t			*o;
	char			*like[2] = { NULL, NULL };
	char			 today[HZ_DATE_LEN + 1];
	int			 n = 0, rc;

	memset(&f, 0, sizeof(f));
	buf_init(&w);
	buf_init(&q);
	if ((rc = reg_need(who, "hazard:read", e)) < 0)
		return rc;
	rec_today(today);
	args[0] = SV_S(today);
	if ((rc = hz_where(who, &f, &sc, &w, args + 1, &n, like, e)) < 0)
		goto out;
	/* HAZ-018: open hazards through the covering partial index
	 * hazards_open; the towns' names and closed counts joined after. */
	buf_printf(&q, "SELECT h.town, COUNT(*), "
	    "SUM(CASE WHEN h.step_due < ? THEN 1 ELSE 0 END), "
	    "SUM(CASE WHEN h.escalation > 0 THEN 1 ELSE 0 END), "
	    "SUM(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END) "
	    "FROM hazards h%s AND h.status <> 'closed' GROUP BY h.town",
	    w.data);
	if ((rc = store_query(st, q.data, args, n + 1, &r, e)) < 0)
		goto out;
	o = json_object();
	while ((rc = store_next(r, e)) == 1)
		json_object_set_new(o, store_text(r, 0), json_pack("{s:I, s:I, "
		    "s:I, s:I}", "open", (json_int_t)store_int(r, 1),
		    "overdue", (json_int_t)store_int(r, 2),
		    "escalated", (json_int_t)store_int(r, 3),
		    "major", (json_int_t)store_int(r, 4)));
	store_rows_free(r);
	r = NULL;
	if (rc < 0) {
		json_decref(o);
		goto out;
	}
	/* The towns of the scope, each with its closed count this year. */
	if (sc.is_dept || (sc.rs.kind != RS_ALL && sc.rs.kind != RS_TOWN &&
	    sc.rs.kind != RS_GRID && sc.rs.kind != RS_UNIT)) {
		/* a department: only the towns its hazards are in */
		rc = store_query(st, "SELECT t.code, t.name, 0 FROM towns t "
		    "ORDER BY t.sort_order", STORE_NOARGS, &r, e);
	} else
		rc = store_query(st, "SELECT t.code, t.name, COALESCE((SELECT "
		    "c.n FROM hazard_closed c WHERE c.town = t.code AND "
		    "c.year = ?), 0) FROM towns t ORDER BY t.sort_order",
		    STORE_ARGS(SV_I(rec_year())), &r, e);
	if (rc < 0) {
		json_decref(o);
		goto out;
	}
	*out = json_array();
	while ((rc = store_next(r, e)) == 1) {
		const char	*code = store_text(r, 0);
		json_t		*x = json_object_get(o, code);
		int		 mine;

		switch (sc.is_dept ? RS_NONE : sc.rs.kind) {
		case RS_ALL:
			mine = 1;
			break;
		case RS_TOWN:
			mine = strcmp(sc.rs.town, code) == 0;
			break;
		default:
			/* grid, unit, department: where they have hazards */
			mine = x != NULL;
		}
		if (!mine)
			continue;
		x = x ? json_incref(x) : json_pack("{s:i, s:i, s:i, s:i}",
		    "open", 0, "overdue", 0, "escalated", 0, "major", 0);
		json_object_set_new(x, "town", json_string(code));
		json_object_set_new(x, "town_name", json_string(store_text(r,
		    1)));
		json_object_set_new(x, "closed_this_year", json_integer(
		    sc.rs.kind == RS_ALL || sc.rs.kind == RS_TOWN ?
		    store_int(r, 2) : 0));
		json_array_append_new(*out, x);
	}
	json_decref(o);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	} else
		rc = 0;
out:
	store_rows_free(r);
	free(like[0]);
	free(like[1]);
	buf_free(&w);
	buf_free(&q);
	return rc;
}

int
hazard_unit_moved(struct store *st, struct actor *who, int64_t unit_id,
    const char *town, int64_t grid_id, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			*ids = NULL;
	size_t			 n = 0, cap = 0, i;
	int			 rc;

	/* HAZ-006: open hazards follow their unit to its new town or grid,
	 * so that the new jurisdiction sees them; closed ones stay as they
	 * were found. */
	if ((rc = store_query(st, "SELECT id FROM hazards WHERE unit_id = ? "
	    "AND status <> 'closed' AND (town <> ? OR COALESCE(grid_id, 0) "
	    "<> ?)", STORE_ARGS(SV_I(unit_id), SV_S(town), SV_I(grid_id)), &r,
	    e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = store_int(r, 0);
	}
	store_rows_free(r);
	for (i = 0; rc == 0 && i < n; i++)
		if ((rc = store_exec(st, "UPDATE hazards SET town = ?, "
		    "grid_id = ?, version = version + 1, updated_at = ? WHERE "
		    "id = ?", STORE_ARGS(SV_S(town), grid_id ? SV_I(grid_id) :
		    SV_N, SV_I(clock_now()), SV_I(ids[i])), NULL, e)) == 0)
			rc = hz_audit(st, who, "hazard.relocate", ids[i], e);
	free(ids);
	return rc;
}
