/*
 * Opening permits of public gathering places (PRM-001..016): the rules
 * as data, the application by either route, inspection, decision (the
 * permit number and the e-certificate of ecert.c) or refusal, the
 * verification of a commitment, notice, re-check and revocation after a
 * mismatch (with a credit event), and the reissue of a lost certificate.
 * Every clock counts working days on the calendar (calendar.c).
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
#include "calendar.h"
#include "ecert.h"
#include "files.h"
#include "notice.h"
#include "permit.h"
#include "rec.h"
#include "registry_int.h"

/* The rules. */

static const char *const prm_clock_names[] = {
	"decide_online_days", "verify_days", "inspect_days",
	"decide_after_inspection_days", "notice_days", "recheck_days",
	"rectify_default_days", "max_deadline_days", NULL,
};
static const char *const prm_series[] = {
	"application", "permit", "refusal", "notice", "revocation", NULL,
};
static const char *const prm_grades[] = {
	"high", "medium_high", "medium", "low", NULL,
};

struct prm_rules {
	json_t	*doc;
	int	 clocks[8];
	int	 grade_days[4];
	char	*numbers[5];
	char	*issuer;
	char	*verify_path;
	char	*commitment_version;
	json_t	*uses;			/* borrowed from doc */
};

static struct prm_rules	*prm;
static char		 prm_public_url[256] = "http://127.0.0.1:8080";

static void
prm_free(struct prm_rules *r)
{
	int	i;

	if (r == NULL)
		return;
	for (i = 0; i < 5; i++)
		free(r->numbers[i]);
	free(r->issuer);
	free(r->verify_path);
	free(r->commitment_version);
	json_decref(r->doc);
	free(r);
}


static int
prm_parse(struct prm_rules *r, struct err *e)
{
	static const char *const top[] = { "format", "version", "source",
	    "note", "clocks", "verify_days_by_grade", "numbers", "issuer",
	    "verify_url", "uses", "commitment", NULL };
	static const char *const ck[] = { "value", "status", "note", NULL };
	static const char *const nk[] = { "template", "status", "note", NULL };
	static const char *const gk[] = { "status", "note", "high",
	    "medium_high", "medium", "low", NULL };
	const json_t	*o, *v;
	const char	*s;
	size_t		 i;
	int		 j;

	if (rec_data_keys(r->doc, top, "rules", e) < 0)
		return e->code;
	s = json_string_value(json_object_get(r->doc, "format"));
	if (s == NULL || strcmp(s, "firewarden-permit-rules-v1") != 0)
		return err_set(e, ERR_INVALID, NULL, "format must be "
		    "firewarden-permit-rules-v1");
	o = json_object_get(r->doc, "clocks");
	if (rec_data_keys(o, prm_clock_names, "clocks", e) < 0)
		return e->code;
	for (j = 0; prm_clock_names[j] != NULL; j++) {
		v = json_object_get(o, prm_clock_names[j]);
		if (v == NULL || rec_data_keys(v, ck, prm_clock_names[j], e) < 0 ||
		    !json_is_integer(json_object_get(v, "value")) ||
		    json_integer_value(json_object_get(v, "value")) < 1 ||
		    json_integer_value(json_object_get(v, "value")) > 366)
			return err_set(e, ERR_INVALID, NULL, "clocks.%s: value "
			    "must be 1 to 366", prm_clock_names[j]);
		r->clocks[j] = (int)json_integer_value(json_object_get(v,
		    "value"));
	}
	o = json_object_get(r->doc, "verify_days_by_grade");
	if (rec_data_keys(o, gk, "verify_days_by_grade", e) < 0)
		return e->code;
	for (j = 0; prm_grades[j] != NULL; j++) {
		v = json_object_get(o, prm_grades[j]);
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > r->clocks[1])
			return err_set(e, ERR_INVALID, NULL, "verify_days_by_grade"
			    ".%s must be 1 to verify_days (%d)", prm_grades[j],
			    r->clocks[1]);
		r->grade_days[j] = (int)json_integer_value(v);
	}
	o = json_object_get(r->doc, "numbers");
	if (rec_data_keys(o, prm_series, "numbers", e) < 0)
		return e->code;
	for (j = 0; prm_series[j] != NULL; j++) {
		v = json_object_get(o, prm_series[j]);
		if (v == NULL || rec_data_keys(v, nk, prm_series[j], e) < 0 ||
		    (s = json_string_value(json_object_get(v, "template"))) ==
		    NULL || strstr(s, "{seq") == NULL || strlen(s) > 60)
			return err_set(e, ERR_INVALID, NULL, "numbers.%s: a "
			    "template with {seq}", prm_series[j]);
		r->numbers[j] = xstrdup(s);
	}
	s = json_string_value(json_object_get(json_object_get(r->doc,
	    "issuer"), "name"));
	if (s == NULL || *s == '\0')
		return err_set(e, ERR_INVALID, NULL, "issuer.name is required");
	r->issuer = xstrdup(s);
	s = json_string_value(json_object_get(json_object_get(r->doc,
	    "verify_url"), "template"));
	if (s == NULL || s[0] != '/' || strlen(s) > 100 || strchr(s, ' '))
		return err_set(e, ERR_INVALID, NULL, "verify_url.template: a path "
		    "starting with / (the public check page)");
	r->verify_path = xstrdup(s);
	r->uses = json_object_get(r->doc, "uses");
	if (!json_is_array(r->uses) || json_array_size(r->uses) == 0)
		return err_set(e, ERR_INVALID, NULL, "uses: a list of uses");
	json_array_foreach(r->uses, i, v)
		if (!json_is_string(v))
			return err_set(e, ERR_INVALID, NULL, "uses[%zu]: a "
			    "string", i);
	s = json_string_value(json_object_get(json_object_get(r->doc,
	    "commitment"), "version"));
	if (s == NULL || json_string_value(json_object_get(
	    json_object_get(r->doc, "commitment"), "text")) == NULL)
		return err_set(e, ERR_INVALID, NULL, "commitment: version and "
		    "text are required");
	r->commitment_version = xstrdup(s);
	return 0;
}

static int
prm_parse_cb(void *ctx, struct err *e)
{
	return prm_parse(ctx, e);
}

int
permit_rules_load(const char *path, struct err *e)
{
	struct prm_rules	*r = xcalloc(1, sizeof(*r));
	int			 rc;

	if ((rc = rec_data_load(path, &r->doc, prm_parse_cb, r, e)) < 0) {
		prm_free(r);
		return rc;
	}
	/* Loaded at start-up, before requests read the rules. */
	prm_free(prm);
	prm = r;
	return 0;
}

int
permit_rules_json(json_t **out, struct err *e)
{
	if (prm == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the permit rules are "
		    "not loaded");
	*out = json_deep_copy(prm->doc);
	return 0;
}

const char *
permit_issuer(void)
{
	return prm ? prm->issuer : "";
}

void
permit_set_public_url(const char *url)
{
	size_t	n;

	if (url == NULL || *url == '\0')
		return;
	snprintf(prm_public_url, sizeof(prm_public_url), "%s", url);
	n = strlen(prm_public_url);
	while (n > 0 && prm_public_url[n - 1] == '/')
		prm_public_url[--n] = '\0';
}

static int
prm_clock(const char *name)
{
	int	i;

	for (i = 0; prm_clock_names[i] != NULL; i++)
		if (strcmp(prm_clock_names[i], name) == 0)
			return prm->clocks[i];
	return 1;
}

static int
prm_no(struct store *st, const char *series, char **out, struct err *e)
{
	int	i;

	for (i = 0; prm_series[i] != NULL; i++)
		if (strcmp(prm_series[i], series) == 0)
			return rec_next_no(st, series[0] == 'n' ?
			    "permit_notice" : series, prm->numbers[i],
			    rec_year(), out, e);
	return err_set(e, ERR_INTERNAL, NULL, "no series %s", series);
}

/* Records. */

static const char *const prm_names[] = { "id", "no", "unit_id", "town",
    "place_name", "address", "use", "area_m2", "capacity", "route",
    "commitment_version", "documents", "status", "step_due",
    "submitted_on", "inspected_on", "inspection", "permit_no", "decided_on",
    "refusal_no", "refusal_reasons", "cert_id", "verify_status",
    "verify_due", "verified_on", "verification", "notice_no",
    "rectify_deadline", "recheck_due", "revocation_no", "revoked_on",
    "revoke_reason", "previous_id", "version", "created_at", "updated_at",
    "created_by", "place_id", NULL };
#define PRM_TYPES "isissssnnssjssssjssssisssjssssssinnnsi"
#define PRM_COLS "id, no, unit_id, town, place_name, address, use, " \
    "area_m2, capacity, route, commitment_version, documents, status, " \
    "step_due, submitted_on, inspected_on, inspection, permit_no, " \
    "decided_on, refusal_no, refusal_reasons, cert_id, verify_status, " \
    "verify_due, verified_on, verification, notice_no, rectify_deadline, " \
    "recheck_due, revocation_no, revoked_on, revoke_reason, previous_id, " \
    "version, created_at, updated_at, created_by, place_id"

int
permit_record(struct store *st, const char *id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 pid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &pid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such permit");
	if ((rc = store_query(st, "SELECT " PRM_COLS " FROM permits WHERE "
	    "id = ?", STORE_ARGS(SV_I(pid)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = rec_row_obj(r, prm_names, PRM_TYPES);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such permit");
	return rc < 0 ? rc : 0;
}

/* The record if who may see it: the unit's own account, or the town's or
 * the city's (ERR_NOT_FOUND otherwise); with expected > 0 the version. */
static int
prm_load(struct store *st, const struct actor *who, int64_t id,
    int64_t expected, json_t **rec, struct err *e)
{
	struct reg_scope	s;
	char			ps[24];
	int			rc;

	snprintf(ps, sizeof(ps), "%lld", (long long)id);
	if ((rc = permit_record(st, ps, rec, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (!reg_scope_sees(&s, json_string_value(json_object_get(*rec,
	    "town")), 0, strtoll(json_string_value(json_object_get(*rec,
	    "unit_id")), NULL, 10))) {
		json_decref(*rec);
		*rec = NULL;
		return err_set(e, ERR_NOT_FOUND, NULL, "no such permit");
	}
	if (expected > 0 && json_integer_value(json_object_get(*rec,
	    "version")) != expected) {
		rc = err_set(e, ERR_STALE, "version", "the permit was changed by "
		    "someone else (now version %lld)", (long long)
		    json_integer_value(json_object_get(*rec, "version")));
		json_decref(*rec);
		*rec = NULL;
		return rc;
	}
	return 0;
}

static const char *
prm_s(const json_t *rec, const char *k)
{
	const char	*s = json_string_value(json_object_get(rec, k));

	return s ? s : "";
}

static int64_t
prm_i(const json_t *rec, const char *k)
{
	const json_t	*v = json_object_get(rec, k);

	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) :
	    json_integer_value(v);
}

static int
prm_step(struct store *st, const struct actor *who, int64_t pid,
    const char *action, const char *note, const char *due, struct err *e)
{
	char	by[24];

	actor_audit_name(who, by);
	return store_exec(st, "INSERT INTO permit_steps (id, permit_id, "
	    "action, note, due, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    STORE_ARGS(SV_I(id_next()), SV_I(pid), SV_S(action),
	    note ? SV_S(note) : SV_N, due && *due ? SV_S(due) : SV_N, SV_S(by),
	    SV_I(clock_now())), NULL, e);
}

/* The step, the audit entry, the stored record answered. */
static int
prm_done(struct store *st, struct actor *who, int64_t pid, const char *action,
    const char *note, const char *due, json_t **out, struct err *e)
{
	char	ps[24], act[40];
	int	rc;

	if ((rc = prm_step(st, who, pid, action, note, due, e)) < 0)
		return rc;
	snprintf(ps, sizeof(ps), "%lld", (long long)pid);
	if ((rc = permit_record(st, ps, out, e)) < 0)
		return rc;
	snprintf(act, sizeof(act), "permit.%s", action);
	return audit_append_id(st, who, act, "permit", pid, *out, e);
}

/* UPDATE permits SET <set>, version + 1 WHERE id AND version; ERR_STALE
 * unless exactly one row changed. */
static int
prm_set(struct store *st, const json_t *rec, const char *set,
    const struct store_val *vals, int nvals, struct err *e)
{
	struct store_val	 args[24];
	char			*sql;
	int64_t			 ch = 0;
	int			 i, n = 0, rc;

	for (i = 0; i < nvals; i++)
		args[n++] = vals[i];
	args[n++] = SV_I(clock_now());
	args[n++] = SV_I(prm_i(rec, "id"));
	args[n++] = SV_I(json_integer_value(json_object_get(rec, "version")));
	sql = xasprintf("UPDATE permits SET %s, version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?", set);
	rc = store_exec(st, sql, args, n, &ch, e);
	free(sql);
	if (rc == 0 && ch != 1)
		rc = err_set(e, ERR_STALE, "version", "the permit was changed by "
		    "someone else");
	return rc;
}

static int
prm_notify(struct store *st, struct actor *who, const json_t *rec,
    const char *kind, const char *title, const char *body, struct err *e)
{
	return notice_unit(st, who, prm_i(rec, "unit_id"), kind, title, body,
	    "permit", prm_i(rec, "id"), e);
}

/* Applying. */

static int
prm_doc_id(const json_t *docs, const char *key, int required, int64_t *id,
    struct err *e)
{
	json_t	*v = json_object_get(docs, key);
	char	 f[32];

	snprintf(f, sizeof(f), "documents.%s", key);
	*id = 0;
	if (v == NULL || json_is_null(v))
		return required ? err_set(e, ERR_MISSING, f, "%s is required "
		    "(PRM-003)", f) : 0;
	return reg_json_id(v, f, id, e);
}

int
permit_apply(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "unit_id", "place_id",
	    "place_name", "address", "use", "area_m2", "capacity", "route",
	    "commitment", "documents", "previous_id", NULL };
	static const char *const dk[] = { "licence", "rules", "plans",
	    "other", NULL };
	struct reg_unit_loc	 loc;
	struct reg_scope	 sc;
	json_t			*v, *docs, *x, *dj = NULL, *prev = NULL;
	const char		*route, *use;
	char			*place = NULL, *addr = NULL, *no = NULL;
	char			*dtext = NULL, today[REC_DATE_LEN + 1], by[24];
	char			 due[REC_DATE_LEN + 1];
	int64_t			 unit_id = 0, area, cap, pid, lic, rul, prev_id = 0;
	int64_t			 place_id = 0;
	int64_t			 files[24], now = clock_now();
	size_t			 i;
	int			 nf = 0, rc, ok = 0;

	if ((rc = reg_need(who, "permit:apply", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (prm == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the permit rules are "
		    "not loaded");
	/* PRM-002: a unit applies for itself; an officer at the window for
	 * a unit of their jurisdiction. */
	reg_scope_of(who, &sc);
	if ((v = json_object_get(in, "unit_id")) != NULL) {
		if ((rc = reg_json_id(v, "unit_id", &unit_id, e)) < 0)
			return rc;
	} else if (sc.kind == RS_UNIT)
		unit_id = sc.id;
	else
		return err_set(e, ERR_MISSING, "unit_id", "unit_id is required");
	if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0) {
		if (rc == ERR_NOT_FOUND)
			snprintf(e->field, sizeof(e->field), "unit_id");
		return rc;
	}
	if (strcmp(loc.status, "active") != 0)
		return err_set(e, ERR_POLICY, "unit_id", "the unit is %s",
		    loc.status);
	/* PRM-018: the registered place, one of the unit's active ones. */
	if ((v = json_object_get(in, "place_id")) != NULL &&
	    !json_is_null(v)) {
		int64_t	found = 0;

		if ((rc = reg_json_id(v, "place_id", &place_id, e)) < 0 ||
		    (rc = store_query_int(st, "SELECT COUNT(*) FROM places "
		    "WHERE id = ? AND unit_id = ? AND status = 'active'",
		    STORE_ARGS(SV_I(place_id), SV_I(unit_id)), &found, e)) < 0)
			return rc;
		if (found == 0)
			return err_set(e, ERR_NOT_FOUND, "place_id", "no active "
			    "place %lld of this unit", (long long)place_id);
	}
	if ((v = json_object_get(in, "place_name")) == NULL)
		return err_set(e, ERR_MISSING, "place_name", "place_name is "
		    "required");
	if ((rc = reg_text(v, "place_name", 2, 100, &place, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "address")) == NULL) {
		rc = err_set(e, ERR_MISSING, "address", "address is required");
		goto out;
	}
	if ((rc = reg_text(v, "address", 2, 200, &addr, e)) < 0)
		goto out;
	use = json_string_value(json_object_get(in, "use"));
	json_array_foreach(prm->uses, i, x)
		if (use != NULL && strcmp(json_string_value(x), use) == 0)
			ok = 1;
	if (!ok) {
		rc = err_set(e, use ? ERR_INVALID : ERR_MISSING, "use", "use must "
		    "be one of the public gathering places of the rules");
		goto out;
	}
	v = json_object_get(in, "area_m2");
	if (!json_is_integer(v) || (area = json_integer_value(v)) < 1 ||
	    area > 10000000) {
		rc = err_set(e, v ? ERR_RANGE : ERR_MISSING, "area_m2", "area_m2 "
		    "must be a whole number of square metres, 1 to 10000000");
		goto out;
	}
	v = json_object_get(in, "capacity");
	if (!json_is_integer(v) || (cap = json_integer_value(v)) < 1 ||
	    cap > 1000000) {
		rc = err_set(e, v ? ERR_RANGE : ERR_MISSING, "capacity",
		    "capacity must be 1 to 1000000 people");
		goto out;
	}
	route = json_string_value(json_object_get(in, "route"));
	if (route == NULL || (strcmp(route, "commitment") != 0 &&
	    strcmp(route, "inspection") != 0)) {
		rc = err_set(e, json_object_get(in, "route") ? ERR_INVALID :
		    ERR_MISSING, "route", "route must be commitment (告知承诺) or "
		    "inspection");
		goto out;
	}
	/* PRM-003: the commitment signed, in the version in force. */
	v = json_object_get(in, "commitment");
	if (strcmp(route, "commitment") == 0) {
		static const char *const ck[] = { "version", "accepted", NULL };
		const char	*ver;

		if (v == NULL) {
			rc = err_set(e, ERR_MISSING, "commitment", "the "
			    "commitment route needs the signed commitment "
			    "(PRM-003)");
			goto out;
		}
		if ((rc = rec_only(v, ck, e)) < 0) {
			snprintf(e->field, sizeof(e->field), "commitment");
			goto out;
		}
		ver = json_string_value(json_object_get(v, "version"));
		if (ver == NULL || strcmp(ver, prm->commitment_version) != 0) {
			rc = err_set(e, ERR_INVALID, "commitment.version", "sign "
			    "the commitment text of version %s",
			    prm->commitment_version);
			goto out;
		}
		if (!json_is_true(json_object_get(v, "accepted"))) {
			rc = err_set(e, ERR_INVALID, "commitment.accepted", "the "
			    "commitment must be accepted");
			goto out;
		}
	} else if (v != NULL) {
		rc = err_set(e, ERR_INVALID, "commitment", "the inspection route "
		    "takes no commitment");
		goto out;
	}
	/* PRM-003: the business licence always; the fire-safety rules and
	 * evacuation plan with the application; floor plans may follow. */
	docs = json_object_get(in, "documents");
	if (docs == NULL || !json_is_object(docs)) {
		rc = err_set(e, docs ? ERR_TYPE : ERR_MISSING, "documents",
		    "documents must be {licence, rules, plans, other}");
		goto out;
	}
	if ((rc = rec_only(docs, dk, e)) < 0) {
		snprintf(e->field, sizeof(e->field), "documents");
		goto out;
	}
	if ((rc = prm_doc_id(docs, "licence", 1, &lic, e)) < 0 ||
	    (rc = prm_doc_id(docs, "rules", 1, &rul, e)) < 0)
		goto out;
	files[nf++] = lic;
	files[nf++] = rul;
	dj = json_pack("{s:o, s:o, s:[], s:[]}", "licence", jx_id(lic),
	    "rules", jx_id(rul), "plans", "other");
	{
		static const char *const lists[] = { "plans", "other", NULL };
		int	 k;

		for (k = 0; lists[k] != NULL; k++) {
			char	f[32];

			snprintf(f, sizeof(f), "documents.%s", lists[k]);
			v = json_object_get(docs, lists[k]);
			if (v == NULL || json_is_null(v))
				continue;
			if (!json_is_array(v) || json_array_size(v) > 10) {
				rc = err_set(e, ERR_INVALID, f, "%s: at most 10 "
				    "files", f);
				goto out;
			}
			json_array_foreach(v, i, x) {
				if ((rc = reg_json_id(x, f, &files[nf], e)) < 0)
					goto out;
				json_array_append_new(json_object_get(dj,
				    lists[k]), jx_id(files[nf]));
				nf++;
			}
		}
	}
	/* PRM-004: a re-application names the permit it replaces. */
	if ((v = json_object_get(in, "previous_id")) != NULL) {
		if ((rc = reg_json_id(v, "previous_id", &prev_id, e)) < 0 ||
		    (rc = prm_load(st, who, prev_id, 0, &prev, e)) < 0) {
			snprintf(e->field, sizeof(e->field), "previous_id");
			goto out;
		}
		if (prm_i(prev, "unit_id") != unit_id ||
		    strcmp(prm_s(prev, "status"), "issued") != 0) {
			rc = err_set(e, ERR_INVALID, "previous_id", "a "
			    "re-application replaces an issued permit of the "
			    "same unit (PRM-004)");
			goto out;
		}
	}
	rec_today(today);
	if ((rc = calendar_add_workdays(today, strcmp(route, "commitment") ==
	    0 ? prm_clock("decide_online_days") : prm_clock("inspect_days"),
	    due, e)) < 0 || (rc = prm_no(st, "application", &no, e)) < 0)
		goto out;
	dtext = jx_dump(dj);
	pid = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO permits (id, no, unit_id, town, "
	    "place_name, address, use, area_m2, capacity, route, "
	    "commitment_version, documents, status, step_due, submitted_on, "
	    "previous_id, place_id, version, created_at, updated_at, "
	    "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "'submitted', ?, ?, ?, ?, 1, ?, ?, ?)", STORE_ARGS(SV_I(pid), SV_S(no), SV_I(unit_id),
	    SV_S(loc.town), SV_S(place), SV_S(addr), SV_S(use), SV_I(area),
	    SV_I(cap), SV_S(route), strcmp(route, "commitment") == 0 ?
	    SV_S(prm->commitment_version) : SV_N, SV_S(dtext), SV_S(due),
	    SV_S(today), prev_id ? SV_I(prev_id) : SV_N,
	    place_id ? SV_I(place_id) : SV_N, SV_I(now), SV_I(now),
	    SV_S(by)), NULL, e)) < 0)
		goto out;
	if ((rc = files_attach(st, who, files, nf, "permit", pid, "document",
	    e)) < 0) {
		snprintf(e->field, sizeof(e->field), "documents");
		goto out;
	}
	rc = prm_done(st, who, pid, "apply", NULL, due, out, e);
out:
	json_decref(dj);
	json_decref(prev);
	free(place);
	free(addr);
	free(no);
	free(dtext);
	return rc;
}

int
permit_inspect(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "result", "items", "note",
	    NULL };
	json_t		*rec = NULL, *v, *ins = NULL;
	const char	*result;
	char		*note = NULL, *itext = NULL, today[REC_DATE_LEN + 1];
	char		 due[REC_DATE_LEN + 1];
	int		 rc;

	if ((rc = reg_need(who, "permit:decide", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = prm_load(st, who, id, expected, &rec, e)) < 0)
		return rc;
	/* PRM-006: the inspection route, inspected once. */
	if (strcmp(prm_s(rec, "route"), "inspection") != 0 ||
	    strcmp(prm_s(rec, "status"), "submitted") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "only a submitted "
		    "application of the inspection route is inspected "
		    "(PRM-006)");
		goto out;
	}
	result = json_string_value(json_object_get(in, "result"));
	if (result == NULL || (strcmp(result, "pass") != 0 &&
	    strcmp(result, "fail") != 0)) {
		rc = err_set(e, json_object_get(in, "result") ? ERR_INVALID :
		    ERR_MISSING, "result", "result must be pass or fail");
		goto out;
	}
	if ((v = json_object_get(in, "note")) == NULL) {
		rc = err_set(e, ERR_MISSING, "note", "note is required");
		goto out;
	}
	if ((rc = reg_text(v, "note", 2, 2000, &note, e)) < 0)
		goto out;
	v = json_object_get(in, "items");
	if (v != NULL && (!json_is_array(v) || json_array_size(v) > 100)) {
		rc = err_set(e, ERR_INVALID, "items", "items: a list of at most "
		    "100 findings");
		goto out;
	}
	ins = json_pack("{s:s, s:s, s:O}", "result", result, "note", note,
	    "items", v ? v : json_array());
	if (v == NULL)
		json_decref(json_object_get(ins, "items"));
	itext = jx_dump(ins);
	rec_today(today);
	if ((rc = calendar_add_workdays(today,
	    prm_clock("decide_after_inspection_days"), due, e)) < 0 ||
	    (rc = prm_set(st, rec, "status = 'inspected', inspected_on = ?, "
	    "inspection = ?, step_due = ?", (struct store_val[]){ SV_S(today),
	    SV_S(itext), SV_S(due) }, 3, e)) < 0)
		goto out;
	rc = prm_done(st, who, id, "inspect", note, due, out, e);
out:
	json_decref(rec);
	json_decref(ins);
	free(note);
	free(itext);
	return rc;
}

/* The unit's name, USCC and risk grade for the certificate and clocks. */
static int
prm_unit(struct store *st, int64_t unit_id, char **name, char **uscc,
    char grade[16], struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT name, uscc, risk_grade FROM units "
	    "WHERE id = ?", STORE_ARGS(SV_I(unit_id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*name = xstrdup(store_text(r, 0));
		*uscc = store_isnull(r, 1) ? NULL : xstrdup(store_text(r, 1));
		snprintf(grade, 16, "%s", store_text(r, 2));
	}
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "unit_id", "no such unit");
	return rc < 0 ? rc : 0;
}

/* The certificate's fields for the permit record rec. */
static int
prm_cert_fields(struct store *st, const json_t *rec, const char *permit_no,
    const char *issued, json_t **fields, struct err *e)
{
	struct ecert_permit	 p;
	char			*name = NULL, *uscc = NULL, grade[16], *url;
	int			 rc;

	if ((rc = prm_unit(st, prm_i(rec, "unit_id"), &name, &uscc, grade,
	    e)) < 0)
		return rc;
	/* PRM-008: a certificate names its holder by USCC. */
	if (uscc == NULL) {
		free(name);
		return err_set(e, ERR_POLICY, "uscc", "the unit has no unified "
		    "social credit code; record it before the permit is "
		    "issued (PRM-008)");
	}
	url = xasprintf("%s%s", prm_public_url, prm->verify_path);
	memset(&p, 0, sizeof(p));
	p.no = permit_no;
	p.holder = name;
	p.uscc = uscc;
	p.place = prm_s(rec, "place_name");
	p.address = prm_s(rec, "address");
	p.use = prm_s(rec, "use");
	p.area_m2 = json_integer_value(json_object_get(rec, "area_m2"));
	p.route = prm_s(rec, "route");
	p.issued = issued;
	p.issuer = prm->issuer;
	p.url = url;
	rc = ecert_permit_fields(&p, fields, e);
	free(name);
	free(uscc);
	free(url);
	return rc;
}

int
permit_issue(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "note", NULL };
	struct ecert_new	 n;
	json_t			*rec = NULL, *fields = NULL, *cert = NULL;
	const char		*route, *status;
	char			*note = NULL, *pno = NULL, *msg = NULL;
	char			 today[REC_DATE_LEN + 1], due[REC_DATE_LEN + 1];
	char			 grade[16] = "", *uname = NULL, *uscc = NULL;
	int			 rc, g, days;

	if ((rc = reg_need(who, "permit:decide", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = prm_load(st, who, id, expected, &rec, e)) < 0)
		return rc;
	route = prm_s(rec, "route");
	status = prm_s(rec, "status");
	/* PRM-005 (commitment: the materials complete, decided at once) and
	 * PRM-007 (inspection: only after a passed inspection). */
	if (strcmp(route, "commitment") == 0 ? strcmp(status, "submitted") != 0 :
	    (strcmp(status, "inspected") != 0 || strcmp(prm_s(json_object_get(
	    rec, "inspection"), "result"), "pass") != 0)) {
		rc = err_set(e, ERR_POLICY, "status", "a %s application of the "
		    "%s route cannot be issued (%s)", status, route,
		    strcmp(route, "commitment") == 0 ? "PRM-005" : "PRM-007");
		goto out;
	}
	if ((rc = rec_opt_text(in, "note", 1, 2000, &note, e)) < 0)
		goto out;
	rec_today(today);
	if ((rc = prm_no(st, "permit", &pno, e)) < 0 ||
	    (rc = prm_cert_fields(st, rec, pno, today, &fields, e)) < 0)
		goto out;
	memset(&n, 0, sizeof(n));
	n.type = ECERT_TYPE_PERMIT;
	n.fields = fields;
	n.subject_type = "permit";
	n.subject_id = id;
	if ((rc = ecert_issue(st, who, &n, &cert, e)) < 0)
		goto out;
	if (strcmp(route, "commitment") == 0) {
		/* PRM-009: verified on site within verify_days; sooner the
		 * higher the unit's risk grade. */
		if ((rc = prm_unit(st, prm_i(rec, "unit_id"), &uname, &uscc,
		    grade, e)) < 0)
			goto out;
		days = prm_clock("verify_days");
		for (g = 0; prm_grades[g] != NULL; g++)
			if (strcmp(prm_grades[g], grade) == 0)
				days = prm->grade_days[g];
		if ((rc = calendar_add_workdays(today, days, due, e)) < 0 ||
		    (rc = prm_set(st, rec, "status = 'issued', permit_no = ?, "
		    "decided_on = ?, cert_id = ?, verify_status = 'pending', "
		    "verify_due = ?, step_due = ?", (struct store_val[]){
		    SV_S(pno), SV_S(today), SV_I(prm_i(cert, "id")), SV_S(due),
		    SV_S(due) }, 5, e)) < 0)
			goto out;
	} else {
		*due = '\0';
		if ((rc = prm_set(st, rec, "status = 'issued', permit_no = ?, "
		    "decided_on = ?, cert_id = ?, step_due = NULL",
		    (struct store_val[]){ SV_S(pno), SV_S(today),
		    SV_I(prm_i(cert, "id")) }, 3, e)) < 0)
			goto out;
	}
	msg = xasprintf("%s 的投入使用、营业前消防安全检查申请已许可，文号 %s；"
	    "电子证书可在平台下载。%s%s", prm_s(rec, "place_name"), pno,
	    *due ? "消防救援机构将于以下日期前到场核查：" : "", due);
	if ((rc = prm_notify(st, who, rec, "permit.issued", "许可决定", msg,
	    e)) < 0)
		goto out;
	rc = prm_done(st, who, id, "issue", note, due, out, e);
out:
	json_decref(rec);
	json_decref(fields);
	json_decref(cert);
	free(note);
	free(pno);
	free(msg);
	free(uname);
	free(uscc);
	return rc;
}

int
permit_refuse(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "reasons", NULL };
	json_t		*rec = NULL, *v;
	const char	*status;
	char		*why = NULL, *rno = NULL, today[REC_DATE_LEN + 1], *msg;
	int		 rc;

	if ((rc = reg_need(who, "permit:decide", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = prm_load(st, who, id, expected, &rec, e)) < 0)
		return rc;
	status = prm_s(rec, "status");
	/* PRM-010: refused before a decision, with reasons. */
	if (strcmp(status, "submitted") != 0 && strcmp(status,
	    "inspected") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "a %s application cannot "
		    "be refused (PRM-010)", status);
		goto out;
	}
	if ((v = json_object_get(in, "reasons")) == NULL) {
		rc = err_set(e, ERR_MISSING, "reasons", "a refusal gives its "
		    "reasons (PRM-010)");
		goto out;
	}
	if ((rc = reg_text(v, "reasons", 4, 2000, &why, e)) < 0)
		goto out;
	rec_today(today);
	if ((rc = prm_no(st, "refusal", &rno, e)) < 0 ||
	    (rc = prm_set(st, rec, "status = 'refused', refusal_no = ?, "
	    "refusal_reasons = ?, decided_on = ?, step_due = NULL",
	    (struct store_val[]){ SV_S(rno), SV_S(why), SV_S(today) }, 3,
	    e)) < 0)
		goto out;
	msg = xasprintf("%s 的申请不予许可（%s）：%s", prm_s(rec, "place_name"),
	    rno, why);
	rc = prm_notify(st, who, rec, "permit.refused", "不予许可决定", msg, e);
	free(msg);
	if (rc < 0)
		goto out;
	rc = prm_done(st, who, id, "refuse", why, NULL, out, e);
out:
	json_decref(rec);
	free(why);
	free(rno);
	return rc;
}

int
permit_verify(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "items", "note",
	    "rectify_days", NULL };
	static const char *const ik[] = { "item", "committed", "found",
	    "match", NULL };
	json_t		*rec = NULL, *v, *x, *ver = NULL;
	char		*note = NULL, *vtext = NULL, *nno = NULL, *msg = NULL;
	char		 today[REC_DATE_LEN + 1], dl[REC_DATE_LEN + 1];
	char		 rdue[REC_DATE_LEN + 1], f[32];
	size_t		 i;
	int		 rc, bad = 0, days;

	if ((rc = reg_need(who, "permit:verify", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = prm_load(st, who, id, expected, &rec, e)) < 0)
		return rc;
	/* PRM-011: an issued commitment-route permit, verified once. */
	if (strcmp(prm_s(rec, "verify_status"), "pending") != 0 ||
	    strcmp(prm_s(rec, "status"), "issued") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "only an issued permit "
		    "awaiting verification is verified (PRM-011)");
		goto out;
	}
	/* PRM-012: item by item, what was committed against what is found. */
	v = json_object_get(in, "items");
	if (!json_is_array(v) || json_array_size(v) < 1 ||
	    json_array_size(v) > 100) {
		rc = err_set(e, v ? ERR_INVALID : ERR_MISSING, "items", "items: "
		    "1 to 100 comparisons {item, committed, found, match}");
		goto out;
	}
	json_array_foreach(v, i, x) {
		snprintf(f, sizeof(f), "items[%zu]", i);
		if ((rc = rec_only(x, ik, e)) < 0) {
			snprintf(e->field, sizeof(e->field), "%s", f);
			goto out;
		}
		if (!json_is_boolean(json_object_get(x, "match"))) {
			rc = err_set(e, ERR_INVALID, f, "%s needs match (true or "
			    "false)", f);
			goto out;
		}
		/* Texts of clean UTF-8: the item 1..200 characters, what
		 * was committed and what is found up to 500. */
		{
			static const struct { const char *k; size_t min, max;
			    int req; } tf[] = { { "item", 1, 200, 1 },
			    { "committed", 1, 500, 0 }, { "found", 1, 500, 0 } };
			size_t	 t;
			char	*tx = NULL;

			for (t = 0; t < sizeof(tf) / sizeof(tf[0]); t++) {
				json_t	*tv = json_object_get(x, tf[t].k);

				if (tv == NULL && !tf[t].req)
					continue;
				if (tv == NULL || reg_text(tv, f, tf[t].min,
				    tf[t].max, &tx, e) < 0) {
					rc = err_set(e, ERR_INVALID, f, "%s.%s "
					    "must be text of %zu to %zu "
					    "characters", f, tf[t].k,
					    tf[t].min, tf[t].max);
					goto out;
				}
				free(tx);
				tx = NULL;
			}
		}
		if (!json_is_true(json_object_get(x, "match")))
			bad++;
	}
	if ((rc = rec_opt_text(in, "note", 1, 2000, &note, e)) < 0)
		goto out;
	ver = json_pack("{s:O, s:o}", "items", v, "note", jx_str_or_null(note));
	vtext = jx_dump(ver);
	rec_today(today);
	if (bad == 0) {
		if (json_object_get(in, "rectify_days") != NULL) {
			rc = err_set(e, ERR_INVALID, "rectify_days", "a matching "
			    "place has nothing to rectify");
			goto out;
		}
		if ((rc = prm_set(st, rec, "verify_status = 'matched', "
		    "verified_on = ?, verification = ?, step_due = NULL",
		    (struct store_val[]){ SV_S(today), SV_S(vtext) }, 2,
		    e)) < 0)
			goto out;
		rc = prm_done(st, who, id, "verify_matched", note, NULL, out, e);
		goto out;
	}
	/* PRM-013: a mismatch brings the rectification notice (issued now,
	 * within notice_days), a deadline, and the re-check within
	 * recheck_days after it. */
	if ((rc = rec_days(in, "rectify_days", prm_clock("rectify_default_days"),
	    prm_clock("max_deadline_days"), &days, e)) < 0 ||
	    (rc = calendar_add_workdays(today, days, dl, e)) < 0 ||
	    (rc = calendar_add_workdays(dl, prm_clock("recheck_days"), rdue,
	    e)) < 0 || (rc = prm_no(st, "notice", &nno, e)) < 0)
		goto out;
	if ((rc = prm_set(st, rec, "verify_status = 'mismatch', verified_on = ?, "
	    "verification = ?, notice_no = ?, rectify_deadline = ?, "
	    "recheck_due = ?, step_due = ?", (struct store_val[]){ SV_S(today),
	    SV_S(vtext), SV_S(nno), SV_S(dl), SV_S(rdue), SV_S(rdue) }, 6,
	    e)) < 0)
		goto out;
	msg = xasprintf("%s 现场核查发现 %d 项与承诺不符，已下达责令限期改正通知书"
	    "（%s），请于 %s 前改正；逾期未改正的将撤销许可。",
	    prm_s(rec, "place_name"), bad, nno, dl);
	if ((rc = prm_notify(st, who, rec, "permit.mismatch", "告知承诺核查不符",
	    msg, e)) < 0)
		goto out;
	rc = prm_done(st, who, id, "verify_mismatch", note, rdue, out, e);
out:
	json_decref(rec);
	json_decref(ver);
	free(note);
	free(vtext);
	free(nno);
	free(msg);
	return rc;
}

int
permit_recheck(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "fixed", "note", NULL };
	json_t		*rec = NULL, *v, *cert = NULL;
	char		*note = NULL, *rno = NULL, *msg = NULL, *why = NULL;
	char		 today[REC_DATE_LEN + 1], by[24];
	int		 rc;

	if ((rc = reg_need(who, "permit:verify", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = prm_load(st, who, id, expected, &rec, e)) < 0)
		return rc;
	if (strcmp(prm_s(rec, "verify_status"), "mismatch") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "only a permit with a "
		    "mismatch is re-checked (PRM-014)");
		goto out;
	}
	v = json_object_get(in, "fixed");
	if (!json_is_boolean(v)) {
		rc = err_set(e, v ? ERR_TYPE : ERR_MISSING, "fixed", "fixed must "
		    "be true or false");
		goto out;
	}
	if ((v = json_object_get(in, "note")) == NULL) {
		rc = err_set(e, ERR_MISSING, "note", "say what the re-check "
		    "found");
		goto out;
	}
	if ((rc = reg_text(v, "note", 2, 2000, &note, e)) < 0)
		goto out;
	rec_today(today);
	if (json_is_true(json_object_get(in, "fixed"))) {
		if ((rc = prm_set(st, rec, "verify_status = 'rectified', "
		    "step_due = NULL", NULL, 0, e)) < 0)
			goto out;
		rc = prm_done(st, who, id, "recheck_fixed", note, NULL, out, e);
		goto out;
	}
	/* PRM-014: still not fixed: the permit is revoked, its certificate
	 * shows revoked everywhere, and the false commitment is recorded
	 * for credit (PRM-015). */
	why = xasprintf("告知承诺核查不符，责令改正（%s）逾期未改正",
	    prm_s(rec, "notice_no"));
	if ((rc = prm_no(st, "revocation", &rno, e)) < 0 ||
	    (rc = ecert_revoke(st, who, prm_i(rec, "cert_id"), 0, today, why,
	    &cert, e)) < 0 ||
	    (rc = prm_set(st, rec, "status = 'revoked', verify_status = "
	    "'revoked', revocation_no = ?, revoked_on = ?, revoke_reason = ?, "
	    "step_due = NULL", (struct store_val[]){ SV_S(rno), SV_S(today),
	    SV_S(why) }, 3, e)) < 0)
		goto out;
	actor_audit_name(who, by);
	{
		int64_t	 cid = id_next();
		json_t	*ce;

		if ((rc = store_exec(st, "INSERT INTO credit_events (id, "
		    "unit_id, kind, ref_type, ref_id, occurred_on, note, "
		    "created_at) VALUES (?, ?, 'false_commitment', 'permit', ?, "
		    "?, ?, ?)", STORE_ARGS(SV_I(cid), SV_I(prm_i(rec,
		    "unit_id")), SV_I(id), SV_S(today), SV_S(why),
		    SV_I(clock_now())), NULL, e)) < 0)
			goto out;
		{
			char	cs[24];

			snprintf(cs, sizeof(cs), "%lld", (long long)cid);
			if ((rc = permit_credit_event_record(st, cs, &ce,
			    e)) < 0)
				goto out;
		}
		rc = audit_append_id(st, who, "credit_event.create",
		    "credit_event", cid, ce, e);
		json_decref(ce);
		if (rc < 0)
			goto out;
	}
	msg = xasprintf("%s 逾期未改正，许可已撤销（%s），电子证书已注销。",
	    prm_s(rec, "place_name"), rno);
	if ((rc = prm_notify(st, who, rec, "permit.revoked", "撤销许可决定", msg,
	    e)) < 0)
		goto out;
	rc = prm_done(st, who, id, "revoke", note, NULL, out, e);
out:
	json_decref(rec);
	json_decref(cert);
	free(note);
	free(rno);
	free(msg);
	free(why);
	return rc;
}

int
permit_reissue(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "reason", NULL };
	json_t		*rec = NULL, *v, *fields = NULL, *cert = NULL, *old = NULL;
	char		*why = NULL, *pno = NULL, today[REC_DATE_LEN + 1];
	int		 rc;

	if ((rc = reg_need(who, "permit:decide", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = prm_load(st, who, id, expected, &rec, e)) < 0)
		return rc;
	if (strcmp(prm_s(rec, "status"), "issued") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "only an issued permit's "
		    "certificate is reissued (PRM-016)");
		goto out;
	}
	if ((v = json_object_get(in, "reason")) == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "say why (e.g. lost)");
		goto out;
	}
	if ((rc = reg_text(v, "reason", 2, 200, &why, e)) < 0)
		goto out;
	/* PRM-016: a new certificate number; the old one superseded. */
	rec_today(today);
	if ((rc = prm_no(st, "permit", &pno, e)) < 0 ||
	    (rc = prm_cert_fields(st, rec, pno, today, &fields, e)) < 0 ||
	    (rc = ecert_supersede(st, who, prm_i(rec, "cert_id"), 0, fields,
	    &cert, e)) < 0)
		goto out;
	if ((rc = prm_set(st, rec, "permit_no = ?, cert_id = ?",
	    (struct store_val[]){ SV_S(pno), SV_I(prm_i(cert, "id")) }, 2,
	    e)) < 0)
		goto out;
	rc = prm_done(st, who, id, "reissue", why, NULL, out, e);
out:
	json_decref(rec);
	json_decref(fields);
	json_decref(cert);
	json_decref(old);
	free(why);
	free(pno);
	return rc;
}

int
permit_get(struct store *st, struct actor *who, int64_t id, json_t **out,
    struct err *e)
{
	static const char *const sn[] = { "id", "action", "note", "due",
	    "actor", "at", NULL };
	struct store_rows	*r = NULL;
	json_t			*rec = NULL, *a, *cert = NULL;
	char			 today[REC_DATE_LEN + 1];
	int			 rc;

	if ((rc = reg_need(who, "permit:read", e)) < 0 ||
	    (rc = prm_load(st, who, id, 0, &rec, e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT id, action, note, due, actor, at "
	    "FROM permit_steps WHERE permit_id = ? ORDER BY at, id",
	    STORE_ARGS(SV_I(id)), &r, e)) < 0)
		goto fail;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, rec_row_obj(r, sn, "isssn"));
	store_rows_free(r);
	json_object_set_new(rec, "steps", a);
	if (rc < 0)
		goto fail;
	{
		char	*un = NULL;

		if ((rc = store_query_text(st, "SELECT name FROM units WHERE "
		    "id = ?", STORE_ARGS(SV_I(prm_i(rec, "unit_id"))), &un,
		    e)) < 0)
			goto fail;
		json_object_set_new(rec, "unit_name", jx_str_or_null(un));
		free(un);
	}
	if (prm_i(rec, "cert_id") != 0) {
		if ((rc = ecert_get(st, prm_i(rec, "cert_id"), &cert, e)) < 0)
			goto fail;
		json_object_set_new(rec, "certificate", cert);
	} else
		json_object_set_new(rec, "certificate", json_null());
	rec_today(today);
	json_object_set_new(rec, "overdue", json_boolean(*prm_s(rec,
	    "step_due") && strcmp(prm_s(rec, "step_due"), today) < 0));
	*out = rec;
	return 0;
fail:
	json_decref(rec);
	return rc;
}

int
permit_can_read(struct store *st, struct actor *who, int64_t id,
    struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if (!actor_can(who, "permit:read"))
		return 0;
	if ((rc = prm_load(st, who, id, 0, &rec, e)) < 0)
		return rc == ERR_NOT_FOUND ? 0 : rc;
	json_decref(rec);
	return 1;
}

int
permit_certificate(struct store *st, struct actor *who, int64_t id,
    json_t **permit, json_t **cert, struct err *e)
{
	int	rc;

	if ((rc = reg_need(who, "permit:read", e)) < 0 ||
	    (rc = prm_load(st, who, id, 0, permit, e)) < 0)
		return rc;
	if (prm_i(*permit, "cert_id") == 0) {
		json_decref(*permit);
		*permit = NULL;
		return err_set(e, ERR_NOT_FOUND, NULL, "the permit has no "
		    "certificate");
	}
	if ((rc = ecert_get(st, prm_i(*permit, "cert_id"), cert, e)) < 0) {
		json_decref(*permit);
		*permit = NULL;
	}
	return rc;
}

int
permit_list(struct store *st, struct actor *who, const struct permit_filter *f,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	static const char *const statuses[] = { "submitted", "inspected",
	    "issued", "refused", "revoked", NULL };
	static const char *const vstatuses[] = { "pending", "matched",
	    "mismatch", "rectified", "revoked", NULL };
	static const char *const names[] = { "id", "no", "unit_id",
	    "unit_name", "town", "place_name", "use", "area_m2", "route",
	    "status", "step_due", "permit_no", "verify_status", "verify_due",
	    "submitted_on", "version", NULL };
	struct store_val	 args[16];
	struct reg_scope	 s;
	struct buf		 w;
	const char		*order = " ORDER BY p.created_at DESC, p.id DESC";
	char			*like = NULL, today[REC_DATE_LEN + 1];
	int			 n = 0, rc;

	if ((rc = reg_need(who, "permit:read", e)) < 0)
		return rc;
	buf_init(&w);
	reg_scope_of(who, &s);
	buf_adds(&w, " WHERE 1 = 1");
	if (s.kind == RS_TOWN) {
		buf_adds(&w, " AND p.town = ?");
		args[n++] = SV_S(s.town);
	} else if (s.kind == RS_UNIT) {
		buf_adds(&w, " AND p.unit_id = ?");
		args[n++] = SV_I(s.id);
	} else if (s.kind != RS_ALL)
		buf_adds(&w, " AND 1 = 0");
	if (f->status != NULL) {
		if (!reg_choice(statuses, f->status)) {
			rc = err_set(e, ERR_INVALID, "status", "unknown status");
			goto out;
		}
		buf_adds(&w, " AND p.status = ?");
		args[n++] = SV_S(f->status);
	}
	if (f->route != NULL) {
		if (strcmp(f->route, "commitment") != 0 &&
		    strcmp(f->route, "inspection") != 0) {
			rc = err_set(e, ERR_INVALID, "route", "route must be "
			    "commitment or inspection");
			goto out;
		}
		buf_adds(&w, " AND p.route = ?");
		args[n++] = SV_S(f->route);
	}
	if (f->verify_status != NULL) {
		if (!reg_choice(vstatuses, f->verify_status)) {
			rc = err_set(e, ERR_INVALID, "verify_status", "unknown "
			    "verify_status");
			goto out;
		}
		buf_adds(&w, " AND p.verify_status = ?");
		args[n++] = SV_S(f->verify_status);
	}
	if (f->town != NULL) {
		if (!reg_town_syntax(f->town)) {
			rc = err_set(e, ERR_INVALID, "town", "town must be a "
			    "9-digit code");
			goto out;
		}
		buf_adds(&w, " AND p.town = ?");
		args[n++] = SV_S(f->town);
	}
	if (f->unit_id > 0) {
		buf_adds(&w, " AND p.unit_id = ?");
		args[n++] = SV_I(f->unit_id);
	}
	rec_today(today);
	if (f->overdue) {
		buf_adds(&w, " AND p.step_due IS NOT NULL AND p.step_due < ?");
		args[n++] = SV_S(today);
	}
	if (f->q != NULL && *f->q) {
		if (strlen(f->q) > 100) {
			rc = err_set(e, ERR_RANGE, "q", "q is at most 100 "
			    "characters");
			goto out;
		}
		like = reg_like(f->q, 0);
		buf_adds(&w, " AND (p.no = ? OR p.permit_no = ? OR p.place_name "
		    "LIKE ? ESCAPE '\\')");
		args[n++] = SV_S(f->q);
		args[n++] = SV_S(f->q);
		args[n++] = SV_S(like);
	}
	if (f->sort != NULL) {
		if (strcmp(f->sort, "step_due") == 0)
			order = " ORDER BY p.step_due, p.id";
		else if (strcmp(f->sort, "verify_due") == 0)
			/* PRM-009: the verification tasks by due date, the
			 * riskier first on the same day. */
			order = " ORDER BY p.verify_due, CASE u.risk_grade "
			    "WHEN 'high' THEN 0 WHEN 'medium_high' THEN 1 WHEN "
			    "'medium' THEN 2 ELSE 3 END, p.id";
		else if (strcmp(f->sort, "-created") != 0) {
			rc = err_set(e, ERR_INVALID, "sort", "sort must be "
			    "-created, step_due or verify_due");
			goto out;
		}
	}
	if ((rc = rec_page(st, "p.id, p.no, p.unit_id, u.name, p.town, "
	    "p.place_name, p.use, p.area_m2, p.route, p.status, p.step_due, "
	    "p.permit_no, p.verify_status, p.verify_due, p.submitted_on, "
	    "p.version", "permits p JOIN units u ON u.id = p.unit_id", w.data,
	    order, args, n, offset, limit, names, "isissssnsssssssn", items,
	    total, e)) == 0) {
		json_t	*o;
		size_t	 i;

		json_array_foreach(*items, i, o) {
			const char *due = json_string_value(json_object_get(o,
			    "step_due"));

			json_object_set_new(o, "overdue", json_boolean(due &&
			    strcmp(due, today) < 0));
		}
	}
out:
	free(like);
	buf_free(&w);
	return rc;
}

int
permit_credit_event_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	static const char *const names[] = { "id", "unit_id", "kind",
	    "ref_type", "ref_id", "occurred_on", "note", NULL };
	struct store_rows	*r = NULL;
	int64_t			 cid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &cid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such credit event");
	if ((rc = store_query(st, "SELECT id, unit_id, kind, ref_type, ref_id, "
	    "occurred_on, note FROM credit_events WHERE id = ?",
	    STORE_ARGS(SV_I(cid)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = rec_row_obj(r, names, "iississ");
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such credit event");
	return rc < 0 ? rc : 0;
}
