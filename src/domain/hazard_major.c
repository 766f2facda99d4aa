/*
 * Major hazards (重大火灾隐患): the GB 35181 judgement recorded with the
 * collective discussion or expert review that made it (HAZ-020..023),
 * listing for supervision (挂牌督办) with progress reports, publication
 * and delisting after verification (HAZ-024..027), and temporary seals
 * (临时查封) of the dangerous part with extension and the unit's online
 * application to lift (HAZ-028..032).
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
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "files.h"
#include "hazard.h"
#include "hazard_int.h"
#include "hazard_judge.h"
#include "risk.h"

#define HZ_PEOPLE_MAX	50
#define HZ_DISCUSSION_MIN	3	/* GB 35181-2017 ch.4 b) */
#define HZ_EXPERTS_MIN		7	/* GB 35181-2017 ch.4 c) */

/* Generic: a record of table by id as JSON (names/types as in hazard.c). */
static int
hzm_record(struct store *st, const char *sql, const char *id,
    const char *const *names, const char *types, const char *what,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 rid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &rid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", what);
	if ((rc = store_query(st, sql, STORE_ARGS(SV_I(rid)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = rec_row_obj(r, names, types);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", what);
	return rc < 0 ? rc : 0;
}

static int
hzm_audit(struct store *st, struct actor *who, const char *action,
    const char *type, int64_t id,
    int (*load)(struct store *, const char *, json_t **, struct err *),
    json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	char	 s[24];
	int	 rc;

	snprintf(s, sizeof(s), "%lld", (long long)id);
	if ((rc = load(st, s, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, type, id, rec, e);
	if (rc == 0 && out != NULL)
		*out = rec;
	else
		json_decref(rec);
	return rc;
}

/* A list of 1..max strings of 1..40 characters into a JSON array. */
static int
hzm_names(const json_t *v, const char *key, json_t **out, struct err *e)
{
	json_t	*x;
	size_t	 i;
	char	*s;
	int	 rc;

	if (v == NULL)
		return err_set(e, ERR_MISSING, key, "%s is required", key);
	if (!json_is_array(v) || json_array_size(v) > HZ_PEOPLE_MAX)
		return err_set(e, ERR_INVALID, key, "%s must be a list of at "
		    "most %d names", key, HZ_PEOPLE_MAX);
	*out = json_array();
	json_array_foreach(v, i, x) {
		if ((rc = reg_text(x, key, 1, 40, &s, e)) < 0) {
			json_decref(*out);
			return rc;
		}
		json_array_append_new(*out, json_string(s));
		free(s);
	}
	return 0;
}

static int
hzm_date_opt(const json_t *in, const char *key, char out[HZ_DATE_LEN + 1],
    struct err *e)
{
	const char	*s = json_string_value(json_object_get(in, key));
	struct tm	 tm;
	char		 back[HZ_DATE_LEN + 1];

	if (s == NULL)
		return err_set(e, json_object_get(in, key) ? ERR_TYPE :
		    ERR_MISSING, key, "%s must be a date YYYY-MM-DD", key);
	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != HZ_DATE_LEN || strptime(s, "%Y-%m-%d", &tm) == NULL)
		return err_set(e, ERR_INVALID, key, "%s must be a date "
		    "YYYY-MM-DD", key);
	/* A real day: it survives the round trip. */
	{
		time_t	t = timegm(&tm);

		gmtime_r(&t, &tm);
		strftime(back, sizeof(back), "%Y-%m-%d", &tm);
	}
	if (strcmp(back, s) != 0)
		return err_set(e, ERR_INVALID, key, "%s is not a real day", key);
	memcpy(out, s, HZ_DATE_LEN + 1);
	return 0;
}

static void
hzm_add_days(const char *d, int n, char out[HZ_DATE_LEN + 1])
{
	struct tm	tm;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	strptime(d, "%Y-%m-%d", &tm);
	t = timegm(&tm) + (time_t)n * 86400;
	gmtime_r(&t, &tm);
	strftime(out, HZ_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

/* Judgements. */

static const char *const hzj_names[] = { "id", "hazard_id", "edition",
    "place", "elements", "exclusion", "outcome", "method", "counted",
    "threshold", "reason", "procedure", "participants", "agreeing",
    "conclusion", "judged_on", "created_at", "created_by", NULL };

int
hazard_judgement_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return hzm_record(st, "SELECT id, hazard_id, edition, place, elements, "
	    "exclusion, outcome, method, counted, threshold, reason, "
	    "procedure, participants, agreeing, conclusion, judged_on, "
	    "created_at, created_by FROM hazard_judgements WHERE id = ?", id,
	    hzj_names, "iissjsssnnssjnssns", "judgement", out, e);
}

int
hazard_judge_api(struct store *st, struct actor *who, int64_t id,
    const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "edition", "place", "elements",
	    "exclusion", "procedure", "participants", "agreeing",
	    "conclusion", NULL };
	struct hazard_judgement	 j;
	struct hz		 h;
	json_t			*v, *x, *people = NULL, *els = NULL, *res = NULL;
	const char		*edition, *place, *procedure, *excl = NULL;
	const char		*codes[HAZARD_INPUT_MAX];
	char			*conclusion = NULL, *elstr = NULL, *ptext = NULL;
	char			 today[HZ_DATE_LEN + 1], by[24];
	int64_t			 jid, agreeing = -1;
	size_t			 i, n;
	int			 rc;

	if ((rc = reg_need(who, "hazard:judge", e)) < 0 ||
	    (rc = hz_load(st, who, id, 0, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	/* HAZ-020: hazards still open; both methods count only what could
	 * not be corrected on the spot. */
	if (strcmp(h.status, "closed") == 0)
		return hz_bad_state("judged", h.status, "HAZ-020", e);
	if ((edition = json_string_value(json_object_get(in, "edition"))) ==
	    NULL)
		return err_set(e, ERR_MISSING, "edition", "edition is required");
	if ((place = json_string_value(json_object_get(in, "place"))) == NULL)
		return err_set(e, ERR_MISSING, "place", "place is required");
	v = json_object_get(in, "elements");
	if (!json_is_array(v) || json_array_size(v) > HAZARD_INPUT_MAX)
		return err_set(e, v ? ERR_INVALID : ERR_MISSING, "elements",
		    "elements must be a list of element codes");
	n = json_array_size(v);
	json_array_foreach(v, i, x)
		if ((codes[i] = json_string_value(x)) == NULL)
			return err_set(e, ERR_TYPE, "elements", "elements must "
			    "be strings");
	if ((x = json_object_get(in, "exclusion")) != NULL &&
	    !json_is_null(x) && (excl = json_string_value(x)) == NULL)
		return err_set(e, ERR_TYPE, "exclusion", "exclusion must be a "
		    "string");
	procedure = json_string_value(json_object_get(in, "procedure"));
	if (procedure == NULL || (strcmp(procedure, "discussion") != 0 &&
	    strcmp(procedure, "expert") != 0))
		return err_set(e, json_object_get(in, "procedure") ?
		    ERR_INVALID : ERR_MISSING, "procedure", "procedure must be "
		    "discussion (集体讨论) or expert (专家论证)");
	if ((rc = hzm_names(json_object_get(in, "participants"),
	    "participants", &people, e)) < 0)
		return rc;
	/* HAZ-021: at least 3 in a discussion; at least 7 experts of whom
	 * at least two thirds agree. */
	if (strcmp(procedure, "discussion") == 0) {
		if (json_array_size(people) < HZ_DISCUSSION_MIN) {
			rc = err_set(e, ERR_POLICY, "participants", "a "
			    "collective discussion has at least %d "
			    "participants (HAZ-021)", HZ_DISCUSSION_MIN);
			goto out;
		}
		if (json_object_get(in, "agreeing") != NULL) {
			rc = err_set(e, ERR_INVALID, "agreeing", "agreeing is "
			    "for an expert review");
			goto out;
		}
	} else {
		if (json_array_size(people) < HZ_EXPERTS_MIN) {
			rc = err_set(e, ERR_POLICY, "participants", "an expert "
			    "review has at least %d experts (HAZ-021)",
			    HZ_EXPERTS_MIN);
			goto out;
		}
		x = json_object_get(in, "agreeing");
		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) > (json_int_t)json_array_size(
		    people)) {
			rc = err_set(e, x ? ERR_INVALID : ERR_MISSING,
			    "agreeing", "agreeing is the number of experts "
			    "agreeing, 0 to %zu", json_array_size(people));
			goto out;
		}
		agreeing = json_integer_value(x);
		if (3 * agreeing < 2 * (int64_t)json_array_size(people)) {
			rc = err_set(e, ERR_POLICY, "agreeing", "an expert "
			    "conclusion needs at least two thirds agreeing "
			    "(HAZ-021)");
			goto out;
		}
	}
	if ((x = json_object_get(in, "conclusion")) == NULL) {
		rc = err_set(e, ERR_MISSING, "conclusion", "conclusion is "
		    "required");
		goto out;
	}
	if ((rc = reg_text(x, "conclusion", 2, HZ_NOTE_MAX, &conclusion,
	    e)) < 0)
		goto out;
	/* HAZ-022: the engine of hazard_judge.c, naming its edition. */
	if ((rc = hazard_judge(edition, place, codes, (int)n, excl, &j,
	    e)) < 0)
		goto out;
	res = hazard_judgement_json(&j);
	els = json_object_get(res, "elements");
	elstr = jx_dump(els);
	ptext = jx_dump(people);
	rec_today(today);
	actor_audit_name(who, by);
	jid = id_next();
	if ((rc = store_exec(st, "INSERT INTO hazard_judgements (id, "
	    "hazard_id, edition, place, elements, exclusion, outcome, method, "
	    "counted, threshold, reason, procedure, participants, agreeing, "
	    "conclusion, judged_on, created_at, created_by) VALUES (?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", STORE_ARGS(
	    SV_I(jid), SV_I(id), SV_S(j.edition), SV_S(place), SV_S(elstr),
	    excl ? SV_S(excl) : SV_N, SV_S(hazard_outcome_str(j.outcome)),
	    j.method == HAZARD_METHOD_DIRECT ? SV_S("direct") :
	    j.method == HAZARD_METHOD_COMPOSITE ? SV_S("composite") : SV_N,
	    j.counted >= 0 ? SV_I(j.counted) : SV_N,
	    j.threshold >= 0 ? SV_I(j.threshold) : SV_N, SV_S(j.reason),
	    SV_S(procedure), SV_S(ptext), agreeing >= 0 ? SV_I(agreeing) : SV_N,
	    SV_S(conclusion), SV_S(today), SV_I(clock_now()), SV_S(by)), NULL,
	    e)) < 0)
		goto out;
	if ((rc = hz_step(st, who, id, "judge", h.status, h.status,
	    j.reason, "", NULL, e)) < 0)
		goto out;
	/* HAZ-023: a major outcome makes the hazard major, an event for the
	 * unit's risk; a later judgement may make it general again. */
	{
		const char	*level = j.outcome == HAZARD_MAJOR ? "major" :
		    "general";

		if (strcmp(level, h.level) != 0) {
			if ((rc = store_exec(st, "UPDATE hazards SET level = ?, "
			    "version = version + 1, updated_at = ? WHERE "
			    "id = ?", STORE_ARGS(SV_S(level),
			    SV_I(clock_now()), SV_I(id)), NULL, e)) < 0 ||
			    (rc = hz_audit(st, who, "hazard.level", id, e)) < 0)
				goto out;
			if (j.outcome == HAZARD_MAJOR) {
				struct actor	sys;
				char		ref[24];

				actor_system(&sys, who->request_id);
				snprintf(ref, sizeof(ref), "%lld",
				    (long long)id);
				if ((rc = risk_event_add(st, &sys, h.unit_id,
				    "major_hazard", "hazard", ref, clock_now(),
				    NULL, e)) < 0)
					goto out;
				who->audit_count += sys.audit_count;
			}
		}
	}
	rc = hzm_audit(st, who, "hazard_judgement.create", "hazard_judgement",
	    jid, hazard_judgement_record, out, e);
out:
	json_decref(people);
	json_decref(res);
	free(conclusion);
	free(elstr);
	free(ptext);
	return rc;
}

/* Listings (挂牌督办). */

static const char *const hzl_names[] = { "id", "hazard_id", "no", "level",
    "body", "deadline", "status", "published", "listed_on", "delisted_on",
    "delist_note", "version", "created_at", "updated_at", "created_by",
    NULL };
#define HZL_SQL "SELECT id, hazard_id, no, level, body, deadline, status, " \
    "published, listed_on, delisted_on, delist_note, version, created_at, " \
    "updated_at, created_by FROM hazard_listings "

int
hazard_listing_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return hzm_record(st, HZL_SQL "WHERE id = ?", id, hzl_names,
	    "iisssssbsssnnns", "listing", out, e);
}

/* A progress report is a step on the hazard's timeline too. */
static int
rec_step_listing(struct store *st, struct actor *who, int64_t hid,
    const char *text, const char *photos, struct err *e)
{
	struct hz	h;
	int		rc;

	if ((rc = hz_load(st, who, hid, 0, &h, e)) < 0)
		return rc;
	return hz_step(st, who, hid, "listing_report", h.status, h.status,
	    text, photos, NULL, e);
}

static const char *const hzr_names[] = { "id", "listing_id", "text",
    "photos", "reported_on", "created_at", "created_by", NULL };

int
hazard_listing_report_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return hzm_record(st, "SELECT id, listing_id, text, photos, "
	    "reported_on, created_at, created_by FROM hazard_listing_reports "
	    "WHERE id = ?", id, hzr_names, "iispsns", "report", out, e);
}

/*
 * A listing or seal (for a step) if who sees its hazard: its record by
 * load(), the hazard into h, the version checked against expected.
 */
static int
hzm_load(struct store *st, const struct actor *who, int64_t id,
    int64_t expected,
    int (*load)(struct store *, const char *, json_t **, struct err *),
    const char *what, json_t **rec, struct hz *h, struct err *e)
{
	char	s[24];
	int	rc;

	snprintf(s, sizeof(s), "%lld", (long long)id);
	if ((rc = load(st, s, rec, e)) < 0)
		return rc;
	rc = hz_load(st, who, strtoll(json_string_value(json_object_get(*rec,
	    "hazard_id")), NULL, 10), 0, h, e);
	if (rc == 0 && expected > 0 && expected != json_integer_value(
	    json_object_get(*rec, "version")))
		rc = err_set(e, ERR_STALE, "version", "the %s was changed by "
		    "someone else", what);
	if (rc < 0) {
		json_decref(*rec);
		*rec = NULL;
		return rc == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND, NULL,
		    "no such %s", what) : rc;
	}
	return 0;
}

#define hzl_load(st, who, id, ex, rec, h, e) \
	hzm_load(st, who, id, ex, hazard_listing_record, "listing", rec, h, e)

int
hazard_listing_new(struct store *st, struct actor *who, int64_t id,
    const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "level", "body", "deadline",
	    "publish", NULL };
	struct hz	 h;
	struct hz_scope	 s;
	const char	*level;
	char		*body = NULL, *no = NULL, today[HZ_DATE_LEN + 1], by[24];
	char		 deadline[HZ_DATE_LEN + 1];
	json_t		*v;
	int64_t		 lid, n = 0, now = clock_now();
	int		 rc, publish;

	if ((rc = reg_need(who, "hazard:list", e)) < 0 ||
	    (rc = hz_load(st, who, id, 0, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	/* HAZ-024: only a hazard judged major, open, listed once. */
	if (strcmp(h.level, "major") != 0)
		return err_set(e, ERR_POLICY, "level", "only a hazard judged "
		    "major is listed for supervision (HAZ-024)");
	if (strcmp(h.status, "closed") == 0)
		return hz_bad_state("listed", h.status, "HAZ-024", e);
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM hazard_listings "
	    "WHERE hazard_id = ? AND status = 'listed'", STORE_ARGS(SV_I(id)),
	    &n, e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "hazard_id", "the hazard is "
		    "already listed");
	level = json_string_value(json_object_get(in, "level"));
	if (level == NULL || (strcmp(level, "town") != 0 &&
	    strcmp(level, "city") != 0))
		return err_set(e, json_object_get(in, "level") ? ERR_INVALID :
		    ERR_MISSING, "level", "level must be town or city");
	/* HAZ-025: the city lists at city level; a town at town level. */
	hz_scope_of(who, &s);
	if (strcmp(level, "city") == 0 && s.rs.kind != RS_ALL)
		return err_set(e, ERR_POLICY, "level", "only the city lists "
		    "at city level (HAZ-025)");
	if ((v = json_object_get(in, "publish")) != NULL && !json_is_boolean(v))
		return err_set(e, ERR_TYPE, "publish", "publish must be true or "
		    "false");
	publish = json_is_true(v);
	if ((v = json_object_get(in, "body")) == NULL)
		return err_set(e, ERR_MISSING, "body", "name the supervising "
		    "body");
	if ((rc = reg_text(v, "body", 2, 100, &body, e)) < 0)
		return rc;
	rec_today(today);
	if ((rc = hzm_date_opt(in, "deadline", deadline, e)) < 0)
		goto out;
	if (strcmp(deadline, today) <= 0) {
		rc = err_set(e, ERR_INVALID, "deadline", "the deadline is after "
		    "today");
		goto out;
	}
	if ((rc = hazard_next_no(st, "listing", rec_year(), &no, e)) < 0)
		goto out;
	lid = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO hazard_listings (id, hazard_id, "
	    "no, level, body, deadline, status, published, listed_on, "
	    "version, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, "
	    "?, ?, 'listed', ?, ?, 1, ?, ?, ?)", STORE_ARGS(SV_I(lid), SV_I(id),
	    SV_S(no), SV_S(level), SV_S(body), SV_S(deadline), SV_I(publish),
	    SV_S(today), SV_I(now), SV_I(now), SV_S(by)), NULL, e)) < 0 ||
	    (rc = hz_step(st, who, id, "list", h.status, h.status, body, "",
	    deadline, e)) < 0)
		goto out;
	rc = hzm_audit(st, who, "hazard_listing.create", "hazard_listing", lid,
	    hazard_listing_record, out, e);
out:
	free(body);
	free(no);
	return rc;
}

static const char *const hzl_list_names[] = { "id", "hazard_id", "no",
    "level", "body", "deadline", "status", "published", "listed_on",
    "delisted_on", "version", "hazard_no", "description", "hazard_status",
    "unit_name", "town", "reports", NULL };

int
hazard_listing_list(struct store *st, struct actor *who, const char *status,
    const char *level, int64_t offset, int64_t limit, json_t **items,
    int64_t *total, struct err *e)
{
	struct store_val	 args[8];
	struct hz_scope		 s;
	struct buf		 w;
	int			 n = 0, rc;

	if ((rc = reg_need(who, "hazard:read", e)) < 0)
		return rc;
	if (status != NULL && strcmp(status, "listed") != 0 &&
	    strcmp(status, "delisted") != 0)
		return err_set(e, ERR_INVALID, "status", "status must be listed "
		    "or delisted");
	if (level != NULL && strcmp(level, "town") != 0 &&
	    strcmp(level, "city") != 0)
		return err_set(e, ERR_INVALID, "level", "level must be town or "
		    "city");
	buf_init(&w);
	hz_scope_of(who, &s);
	buf_adds(&w, " WHERE 1 = 1");
	if (s.rs.kind == RS_TOWN) {
		buf_adds(&w, " AND h.town = ?");
		args[n++] = SV_S(s.rs.town);
	} else if (s.rs.kind == RS_UNIT) {
		buf_adds(&w, " AND h.unit_id = ?");
		args[n++] = SV_I(s.rs.id);
	} else if (s.rs.kind != RS_ALL || s.is_dept)
		buf_adds(&w, " AND 1 = 0");
	if (status != NULL) {
		buf_adds(&w, " AND l.status = ?");
		args[n++] = SV_S(status);
	}
	if (level != NULL) {
		buf_adds(&w, " AND l.level = ?");
		args[n++] = SV_S(level);
	}
	rc = rec_page(st, "l.id, l.hazard_id, l.no, l.level, l.body, "
	    "l.deadline, l.status, l.published, l.listed_on, l.delisted_on, "
	    "l.version, h.no, h.description, h.status, u.name, h.town, "
	    "(SELECT COUNT(*) FROM hazard_listing_reports p WHERE "
	    "p.listing_id = l.id)", "hazard_listings l JOIN hazards h ON "
	    "h.id = l.hazard_id JOIN units u ON u.id = h.unit_id", w.data,
	    " ORDER BY l.listed_on DESC, l.id DESC", args, n, offset, limit,
	    hzl_list_names, "iisssssbssnsssssn", items, total, e);
	buf_free(&w);
	return rc;
}

int
hazard_listing_report(struct store *st, struct actor *who, int64_t lid,
    const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "text", "photos", NULL };
	struct hz	 h;
	json_t		*rec = NULL, *v;
	char		*text = NULL, *csv = NULL, today[HZ_DATE_LEN + 1], by[24];
	int64_t		 photos[HZ_PHOTOS_MAX], pid, hid;
	int		 rc, n;

	/* HAZ-026: the officers and the unit itself report progress. */
	if ((rc = reg_need(who, "hazard:progress", e)) < 0)
		return rc;
	if ((rc = hzl_load(st, who, lid, 0, &rec, &h, e)) < 0)
		return rc;
	if ((rc = rec_only(in, allowed, e)) < 0)
		goto out;
	if (strcmp(json_string_value(json_object_get(rec, "status")),
	    "listed") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "a delisted listing takes "
		    "no more reports (HAZ-026)");
		goto out;
	}
	if ((v = json_object_get(in, "text")) == NULL) {
		rc = err_set(e, ERR_MISSING, "text", "text is required");
		goto out;
	}
	if ((rc = reg_text(v, "text", 2, HZ_NOTE_MAX, &text, e)) < 0 ||
	    (rc = rec_photos(in, "photos", photos, &n, &csv, e)) < 0)
		goto out;
	hid = h.id;
	if (n > 0 && (rc = files_attach(st, who, photos, n, "hazard", hid,
	    "photo", e)) < 0) {
		snprintf(e->field, sizeof(e->field), "photos");
		goto out;
	}
	rec_today(today);
	actor_audit_name(who, by);
	pid = id_next();
	if ((rc = store_exec(st, "INSERT INTO hazard_listing_reports (id, "
	    "listing_id, text, photos, reported_on, created_at, created_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", STORE_ARGS(SV_I(pid), SV_I(lid),
	    SV_S(text), SV_S(csv), SV_S(today), SV_I(clock_now()), SV_S(by)),
	    NULL, e)) < 0)
		goto out;
	if ((rc = rec_step_listing(st, who, hid, text, csv, e)) < 0)
		goto out;
	rc = hzm_audit(st, who, "hazard_listing.report",
	    "hazard_listing_report", pid, hazard_listing_report_record, out,
	    e);
out:
	json_decref(rec);
	free(text);
	free(csv);
	return rc;
}

int
hazard_listing_delist(struct store *st, struct actor *who, int64_t lid,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "note", NULL };
	struct hz	 h;
	json_t		*rec = NULL, *v;
	char		*note = NULL, today[HZ_DATE_LEN + 1];
	int64_t		 ch = 0;
	int		 rc;

	if ((rc = reg_need(who, "hazard:list", e)) < 0 ||
	    (rc = hzl_load(st, who, lid, expected, &rec, &h, e)) < 0)
		return rc;
	if ((rc = rec_only(in, allowed, e)) < 0)
		goto out;
	if (strcmp(json_string_value(json_object_get(rec, "status")),
	    "listed") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "the listing is already "
		    "delisted");
		goto out;
	}
	/* HAZ-027: delisted only after the hazard is verified removed. */
	if (strcmp(h.status, "closed") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "the hazard must be "
		    "verified removed (closed) before delisting (HAZ-027)");
		goto out;
	}
	if ((v = json_object_get(in, "note")) == NULL) {
		rc = err_set(e, ERR_MISSING, "note", "say how it was verified");
		goto out;
	}
	if ((rc = reg_text(v, "note", HZ_REASON_MIN, HZ_NOTE_MAX, &note,
	    e)) < 0)
		goto out;
	rec_today(today);
	if ((rc = store_exec(st, "UPDATE hazard_listings SET status = "
	    "'delisted', delisted_on = ?, delist_note = ?, version = version "
	    "+ 1, updated_at = ? WHERE id = ? AND version = ?",
	    STORE_ARGS(SV_S(today), SV_S(note), SV_I(clock_now()), SV_I(lid),
	    SV_I(json_integer_value(json_object_get(rec, "version")))), &ch,
	    e)) < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_STALE, "version", "the listing was changed "
		    "by someone else");
		goto out;
	}
	if ((rc = hz_step(st, who, h.id, "delist", h.status, h.status, note,
	    "", NULL, e)) < 0)
		goto out;
	rc = hzm_audit(st, who, "hazard_listing.delist", "hazard_listing", lid,
	    hazard_listing_record, out, e);
out:
	json_decref(rec);
	free(note);
	return rc;
}

int
hazard_listing_public(struct store *st, int64_t offset, int64_t limit,
    json_t **items, int64_t *total, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	/* HAZ-024: the published listings still in force; no personal
	 * data (the unit, its address, the hazard, the body, dates). */
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM hazard_listings "
	    "WHERE status = 'listed' AND published = 1", STORE_NOARGS, total,
	    e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT l.no, l.level, l.body, l.deadline, "
	    "l.listed_on, u.name, u.address, h.town, h.description, "
	    "h.type_code, t.name FROM hazard_listings l JOIN hazards h ON "
	    "h.id = l.hazard_id JOIN units u ON u.id = h.unit_id LEFT JOIN "
	    "towns t ON t.code = h.town WHERE "
	    "l.status = 'listed' AND l.published = 1 ORDER BY l.listed_on "
	    "DESC, l.id DESC LIMIT ? OFFSET ?", STORE_ARGS(SV_I(limit),
	    SV_I(offset)), &r, e)) < 0)
		return rc;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1) {
		const struct hazard_type *ty = hazard_type_find(store_text(r,
		    9));

		json_array_append_new(*items, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}",
		    "no", store_text(r, 0), "level", store_text(r, 1),
		    "body", store_text(r, 2), "deadline", store_text(r, 3),
		    "listed_on", store_text(r, 4), "unit_name",
		    store_text(r, 5), "address", store_text(r, 6),
		    "town", store_text(r, 7), "description",
		    store_text(r, 8), "type", ty ? ty->name : NULL,
		    "town_name", store_isnull(r, 10) ? NULL :
		    store_text(r, 10)));
	}
	store_rows_free(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

/* Seals (临时查封). */

static const char *const hzs_names[] = { "id", "hazard_id", "unit_id", "no",
    "scope", "reason", "start_on", "end_on", "extended", "status",
    "lift_request", "lift_requested_at", "lift_note", "lifted_on",
    "version", "created_at", "updated_at", "created_by", NULL };
#define HZS_SQL "SELECT id, hazard_id, unit_id, no, scope, reason, start_on, " \
    "end_on, extended, status, lift_request, lift_requested_at, lift_note, " \
    "lifted_on, version, created_at, updated_at, created_by FROM " \
    "hazard_seals "

int
hazard_seal_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return hzm_record(st, HZS_SQL "WHERE id = ?", id, hzs_names,
	    "iiisssssbssnssnnns", "seal", out, e);
}

#define hzs_load(st, who, id, ex, rec, h, e) \
	hzm_load(st, who, id, ex, hazard_seal_record, "seal", rec, h, e)

int
hazard_seal_new(struct store *st, struct actor *who, int64_t id,
    const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "scope", "reason", "start_on",
	    "days", NULL };
	struct hz	 h;
	json_t		*v;
	char		*scope = NULL, *why = NULL, *no = NULL, by[24];
	char		 today[HZ_DATE_LEN + 1], start[HZ_DATE_LEN + 1];
	char		 end[HZ_DATE_LEN + 1], latest[HZ_DATE_LEN + 1];
	int64_t		 sid, now = clock_now();
	int		 rc, days, max = hazard_clock("seal_max_days");

	if ((rc = reg_need(who, "hazard:seal", e)) < 0 ||
	    (rc = hz_load(st, who, id, 0, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	/* HAZ-028: a hazard not removed (Fire Protection Law art. 54). */
	if (strcmp(h.status, "closed") == 0)
		return hz_bad_state("sealed", h.status, "HAZ-028", e);
	if ((v = json_object_get(in, "scope")) == NULL)
		return err_set(e, ERR_MISSING, "scope", "name the part or place "
		    "sealed");
	if ((rc = reg_text(v, "scope", 2, 200, &scope, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "reason")) == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "reason is required");
		goto out;
	}
	if ((rc = reg_text(v, "reason", HZ_REASON_MIN, HZ_NOTE_MAX, &why,
	    e)) < 0 || (rc = hzm_date_opt(in, "start_on", start, e)) < 0)
		goto out;
	rec_today(today);
	hzm_add_days(today, 30, latest);
	if (strcmp(start, today) < 0 || strcmp(start, latest) > 0) {
		rc = err_set(e, ERR_INVALID, "start_on", "a seal starts today or "
		    "within 30 days");
		goto out;
	}
	/* HAZ-029: at most one month (the catalogue's seal_max_days). */
	if ((rc = rec_days(in, "days", 0, max, &days, e)) < 0)
		goto out;
	hzm_add_days(start, days, end);
	if ((rc = hazard_next_no(st, "seal", rec_year(), &no, e)) < 0)
		goto out;
	sid = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO hazard_seals (id, hazard_id, "
	    "unit_id, no, scope, reason, start_on, end_on, extended, status, "
	    "version, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?, 0, 'active', 1, ?, ?, ?)", STORE_ARGS(SV_I(sid),
	    SV_I(id), SV_I(h.unit_id), SV_S(no), SV_S(scope), SV_S(why),
	    SV_S(start), SV_S(end), SV_I(now), SV_I(now), SV_S(by)), NULL,
	    e)) < 0 || (rc = hz_step(st, who, id, "seal", h.status, h.status,
	    scope, "", end, e)) < 0)
		goto out;
	rc = hzm_audit(st, who, "hazard_seal.create", "hazard_seal", sid,
	    hazard_seal_record, out, e);
out:
	free(scope);
	free(why);
	free(no);
	return rc;
}

/* Move a seal to status setting col (or none); one step on the hazard. */
static int
hzs_set(struct store *st, struct actor *who, const json_t *rec,
    const struct hz *h, const char *status, const char *sql_set,
    const struct store_val *extra, int nextra, const char *action,
    const char *note, json_t **out, struct err *e)
{
	struct store_val	 args[8];
	char			*sql;
	int64_t			 sid, ch = 0;
	int			 i, n = 0, rc;

	sid = strtoll(json_string_value(json_object_get(rec, "id")), NULL, 10);
	args[n++] = SV_S(status);
	for (i = 0; i < nextra; i++)
		args[n++] = extra[i];
	args[n++] = SV_I(clock_now());
	args[n++] = SV_I(sid);
	args[n++] = SV_I(json_integer_value(json_object_get(rec, "version")));
	sql = xasprintf("UPDATE hazard_seals SET status = ?%s, version = "
	    "version + 1, updated_at = ? WHERE id = ? AND version = ?",
	    sql_set ? sql_set : "");
	rc = store_exec(st, sql, args, n, &ch, e);
	free(sql);
	if (rc < 0)
		return rc;
	if (ch != 1)
		return err_set(e, ERR_STALE, "version", "the seal was changed "
		    "by someone else");
	if ((rc = hz_step(st, who, h->id, action, h->status, h->status, note,
	    "", NULL, e)) < 0)
		return rc;
	return hzm_audit(st, who, "hazard_seal.update", "hazard_seal", sid,
	    hazard_seal_record, out, e);
}

int
hazard_seal_extend(struct store *st, struct actor *who, int64_t sid,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "days", "reason", NULL };
	struct hz	 h;
	json_t		*rec = NULL, *v;
	const char	*s;
	char		*why = NULL, end[HZ_DATE_LEN + 1];
	int		 rc, days;

	if ((rc = reg_need(who, "hazard:seal", e)) < 0 ||
	    (rc = hzs_load(st, who, sid, expected, &rec, &h, e)) < 0)
		return rc;
	if ((rc = rec_only(in, allowed, e)) < 0)
		goto out;
	s = json_string_value(json_object_get(rec, "status"));
	if (strcmp(s, "lifted") == 0) {
		rc = err_set(e, ERR_POLICY, "status", "a lifted seal cannot be "
		    "extended");
		goto out;
	}
	/* HAZ-030: beyond a month only while the hazard persists. */
	if (strcmp(h.status, "closed") == 0) {
		rc = err_set(e, ERR_POLICY, "status", "the hazard was removed: "
		    "the seal is lifted, not extended (HAZ-030)");
		goto out;
	}
	if ((rc = rec_days(in, "days", 0, hazard_clock("seal_max_days"), &days,
	    e)) < 0)
		goto out;
	if ((v = json_object_get(in, "reason")) == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "reason is required");
		goto out;
	}
	if ((rc = reg_text(v, "reason", HZ_REASON_MIN, HZ_NOTE_MAX, &why,
	    e)) < 0)
		goto out;
	hzm_add_days(json_string_value(json_object_get(rec, "end_on")), days,
	    end);
	rc = hzs_set(st, who, rec, &h, s, ", end_on = ?, extended = 1",
	    (struct store_val[]){ SV_S(end) }, 1, "seal_extend", why, out, e);
out:
	json_decref(rec);
	free(why);
	return rc;
}

int
hazard_seal_apply_lift(struct store *st, struct actor *who, int64_t sid,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "request", NULL };
	struct hz	 h;
	json_t		*rec = NULL, *v;
	char		*req = NULL;
	int		 rc;

	if ((rc = reg_need(who, "hazard:report", e)) < 0 ||
	    (rc = hzs_load(st, who, sid, expected, &rec, &h, e)) < 0)
		return rc;
	if ((rc = rec_only(in, allowed, e)) < 0)
		goto out;
	/* HAZ-031: the unit applies online while the seal is active. */
	if (strcmp(json_string_value(json_object_get(rec, "status")),
	    "active") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "only an active seal can "
		    "be applied to lift (HAZ-031)");
		goto out;
	}
	if ((v = json_object_get(in, "request")) == NULL) {
		rc = err_set(e, ERR_MISSING, "request", "say what was done");
		goto out;
	}
	if ((rc = reg_text(v, "request", HZ_REASON_MIN, HZ_NOTE_MAX, &req,
	    e)) < 0)
		goto out;
	rc = hzs_set(st, who, rec, &h, "lift_applied", ", lift_request = ?, "
	    "lift_requested_at = ?", (struct store_val[]){ SV_S(req),
	    SV_I(clock_now()) }, 2, "seal_apply_lift", req, out, e);
out:
	json_decref(rec);
	free(req);
	return rc;
}

static int
hzs_decide(struct store *st, struct actor *who, int64_t sid,
    int64_t expected, const json_t *in, int lift, json_t **out,
    struct err *e)
{
	static const char *const allowed[] = { "note", NULL };
	struct hz	 h;
	json_t		*rec = NULL, *v;
	const char	*s;
	char		*note = NULL, today[HZ_DATE_LEN + 1];
	int		 rc;

	if ((rc = reg_need(who, "hazard:seal", e)) < 0 ||
	    (rc = hzs_load(st, who, sid, expected, &rec, &h, e)) < 0)
		return rc;
	if ((rc = rec_only(in, allowed, e)) < 0)
		goto out;
	s = json_string_value(json_object_get(rec, "status"));
	/* HAZ-032: lift an active or applied seal; refuse an application. */
	if ((lift && strcmp(s, "lifted") == 0) ||
	    (!lift && strcmp(s, "lift_applied") != 0)) {
		rc = err_set(e, ERR_POLICY, "status", "a %s seal cannot be %s "
		    "(HAZ-032)", s, lift ? "lifted" : "refused");
		goto out;
	}
	if ((v = json_object_get(in, "note")) == NULL) {
		rc = err_set(e, ERR_MISSING, "note", "note is required");
		goto out;
	}
	if ((rc = reg_text(v, "note", 2, HZ_NOTE_MAX, &note, e)) < 0)
		goto out;
	rec_today(today);
	if (lift)
		rc = hzs_set(st, who, rec, &h, "lifted", ", lift_note = ?, "
		    "lifted_on = ?", (struct store_val[]){ SV_S(note),
		    SV_S(today) }, 2, "seal_lift", note, out, e);
	else
		rc = hzs_set(st, who, rec, &h, "active", ", lift_note = ?",
		    (struct store_val[]){ SV_S(note) }, 1, "seal_refuse_lift",
		    note, out, e);
out:
	json_decref(rec);
	free(note);
	return rc;
}

int
hazard_seal_lift(struct store *st, struct actor *who, int64_t sid,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	return hzs_decide(st, who, sid, expected, in, 1, out, e);
}

int
hazard_seal_refuse_lift(struct store *st, struct actor *who, int64_t sid,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	return hzs_decide(st, who, sid, expected, in, 0, out, e);
}

static const char *const hzs_list_names[] = { "id", "hazard_id", "no",
    "scope", "start_on", "end_on", "extended", "status", "version",
    "hazard_no", "unit_name", NULL };

int
hazard_seal_list(struct store *st, struct actor *who, const char *status,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	static const char *const statuses[] = { "active", "lift_applied",
	    "lifted", NULL };
	struct store_val	 args[8];
	struct hz_scope		 s;
	struct buf		 w;
	char			 today[HZ_DATE_LEN + 1];
	int			 n = 0, rc;

	if ((rc = reg_need(who, "hazard:read", e)) < 0)
		return rc;
	if (status != NULL && !reg_choice(statuses, status))
		return err_set(e, ERR_INVALID, "status", "status must be active, "
		    "lift_applied or lifted");
	buf_init(&w);
	hz_scope_of(who, &s);
	buf_adds(&w, " WHERE 1 = 1");
	if (s.is_dept)
		buf_adds(&w, " AND 1 = 0");
	else if (s.rs.kind == RS_TOWN) {
		buf_adds(&w, " AND h.town = ?");
		args[n++] = SV_S(s.rs.town);
	} else if (s.rs.kind == RS_GRID) {
		buf_adds(&w, " AND h.grid_id = ?");
		args[n++] = SV_I(s.rs.id);
	} else if (s.rs.kind == RS_UNIT) {
		buf_adds(&w, " AND h.unit_id = ?");
		args[n++] = SV_I(s.rs.id);
	} else if (s.rs.kind != RS_ALL)
		buf_adds(&w, " AND 1 = 0");
	if (status != NULL) {
		buf_adds(&w, " AND z.status = ?");
		args[n++] = SV_S(status);
	}
	if ((rc = rec_page(st, "z.id, z.hazard_id, z.no, z.scope, z.start_on, "
	    "z.end_on, z.extended, z.status, z.version, h.no, u.name",
	    "hazard_seals z JOIN hazards h ON h.id = z.hazard_id JOIN units u "
	    "ON u.id = z.unit_id", w.data, " ORDER BY z.end_on, z.id", args, n,
	    offset, limit, hzs_list_names, "iissssbsnss", items, total,
	    e)) == 0) {
		json_t	*x;
		size_t	 i;

		/* Past its end and not lifted: expired (HAZ-029). */
		rec_today(today);
		json_array_foreach(*items, i, x)
			json_object_set_new(x, "expired", json_boolean(strcmp(
			    json_string_value(json_object_get(x, "status")),
			    "lifted") != 0 && strcmp(json_string_value(
			    json_object_get(x, "end_on")), today) < 0));
	}
	buf_free(&w);
	return rc;
}

int
hazard_listing_reports(struct store *st, struct actor *who, int64_t lid,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	struct store_val	 args[4];
	struct hz		 h;
	json_t			*rec = NULL;
	int			 rc;

	if ((rc = reg_need(who, "hazard:read", e)) < 0 ||
	    (rc = hzl_load(st, who, lid, 0, &rec, &h, e)) < 0)
		return rc;
	json_decref(rec);
	/* HAZ-026: the progress reports of a listing, newest first. */
	args[0] = SV_I(lid);
	if ((rc = rec_page(st, "id, listing_id, text, photos, reported_on, "
	    "created_at, created_by", "hazard_listing_reports", " WHERE "
	    "listing_id = ?", " ORDER BY created_at DESC, id DESC", args, 1,
	    offset, limit, hzr_names, "iispsns", items, total, e)) < 0)
		return rc;
	return 0;
}
