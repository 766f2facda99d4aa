/*
 * The steps of a hazard with the fire service (HAZ-009..012): order a
 * found hazard corrected by a deadline (责令改正, with its notice
 * number), the unit's rectification report with photos, the re-check
 * that closes it or sends it back with a new deadline, and the dismissal
 * of something that turned out not to be a hazard.  Each step checks
 * the permission, the jurisdiction (hz_load), the state and the version,
 * writes the timeline and the audit entry in the caller's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "calendar.h"
#include "files.h"
#include "hazard.h"
#include "hazard_int.h"
#include "notice.h"

/* The audit entry and the stored record answered. */
static int
hz_done(struct store *st, struct actor *who, const char *action, int64_t id,
    json_t **out, struct err *e)
{
	char	hs[24];
	int	rc;

	if ((rc = hz_audit(st, who, action, id, e)) < 0)
		return rc;
	snprintf(hs, sizeof(hs), "%lld", (long long)id);
	return hazard_record(st, hs, out, e);
}

/* ERR_STALE unless exactly one row (the expected version) changed. */
static int
hz_changed(int64_t changes, struct err *e)
{
	if (changes != 1)
		return err_set(e, ERR_STALE, "version", "the hazard was changed "
		    "by someone else");
	return 0;
}

int
hazard_order(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "deadline_days", "note", NULL };
	const struct hazard_type *ty;
	struct hz	 h;
	char		*note = NULL, *notice = NULL, today[HZ_DATE_LEN + 1];
	char		 due[HZ_DATE_LEN + 1], *msg = NULL;
	int64_t		 ch = 0;
	int		 rc, days;

	if ((rc = reg_need(who, "hazard:write", e)) < 0 ||
	    (rc = hz_load(st, who, id, expected, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(h.status, "found") != 0)
		return hz_bad_state("ordered", h.status, "HAZ-009", e);
	ty = hazard_type_find(h.type_code);
	if ((rc = rec_days(in, "deadline_days", ty ? ty->deadline_days : 10,
	    hazard_clock("max_deadline_days"), &days, e)) < 0 ||
	    (rc = rec_opt_text(in, "note", 1, HZ_NOTE_MAX, &note, e)) < 0)
		goto out;
	rec_today(today);
	if ((rc = calendar_add_workdays(today, days, due, e)) < 0 ||
	    (rc = hazard_next_no(st, "notice", rec_year(), &notice, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE hazards SET status = 'ordered', "
	    "deadline = ?, step_due = ?, notice_no = ?, escalation = 0, "
	    "escalated_on = NULL, version = version + 1, updated_at = ? "
	    "WHERE id = ? AND version = ?", STORE_ARGS(SV_S(due), SV_S(due),
	    SV_S(notice), SV_I(clock_now()), SV_I(id), SV_I(h.version)), &ch,
	    e)) < 0 || (rc = hz_changed(ch, e)) < 0)
		goto out;
	if ((rc = hz_step(st, who, id, "order", h.status, "ordered", note, "",
	    due, e)) < 0)
		goto out;
	/* The unit learns the order and its deadline (NOT-001). */
	msg = xasprintf("火灾隐患 %s 已责令限期整改（%s），整改期限 %s。",
	    h.no, notice, due);
	if ((rc = notice_unit(st, who, h.unit_id, "hazard.ordered",
	    "火灾隐患限期整改", msg, "hazard", id, e)) < 0)
		goto out;
	rc = hz_done(st, who, "hazard.order", id, out, e);
out:
	free(note);
	free(notice);
	free(msg);
	return rc;
}

int
hazard_report(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "note", "photos", NULL };
	struct hz	 h;
	json_t		*v;
	char		*note = NULL, *csv = NULL, today[HZ_DATE_LEN + 1];
	char		 due[HZ_DATE_LEN + 1];
	int64_t		 photos[HZ_PHOTOS_MAX], ch = 0;
	int		 rc, n;

	if ((rc = reg_need(who, "hazard:report", e)) < 0 ||
	    (rc = hz_load(st, who, id, expected, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(h.status, "ordered") != 0)
		return hz_bad_state("reported", h.status, "HAZ-010", e);
	if ((v = json_object_get(in, "note")) == NULL)
		return err_set(e, ERR_MISSING, "note", "say what was done");
	if ((rc = reg_text(v, "note", 2, HZ_NOTE_MAX, &note, e)) < 0 ||
	    (rc = rec_photos(in, "photos", photos, &n, &csv, e)) < 0)
		goto out;
	/* HAZ-010: a report shows the rectification. */
	if (n == 0) {
		rc = err_set(e, ERR_MISSING, "photos", "at least one photo of "
		    "the rectification is required (HAZ-010)");
		goto out;
	}
	rec_today(today);
	if ((rc = calendar_add_workdays(today, hazard_clock("recheck_days"),
	    due, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE hazards SET status = 'reported', "
	    "step_due = ?, escalation = 0, escalated_on = NULL, "
	    "version = version + 1, updated_at = ? WHERE id = ? AND "
	    "version = ?", STORE_ARGS(SV_S(due), SV_I(clock_now()), SV_I(id),
	    SV_I(h.version)), &ch, e)) < 0 || (rc = hz_changed(ch, e)) < 0)
		goto out;
	if ((rc = files_attach(st, who, photos, n, "hazard", id, "photo",
	    e)) < 0) {
		snprintf(e->field, sizeof(e->field), "photos");
		goto out;
	}
	if ((rc = hz_step(st, who, id, "report", h.status, "reported", note,
	    csv, due, e)) < 0)
		goto out;
	rc = hz_done(st, who, "hazard.report", id, out, e);
out:
	free(note);
	free(csv);
	return rc;
}

int
hazard_recheck(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "result", "note", "photos",
	    "deadline_days", NULL };
	struct hz	 h;
	json_t		*v;
	const char	*result;
	char		*note = NULL, *csv = NULL, today[HZ_DATE_LEN + 1];
	char		 due[HZ_DATE_LEN + 1];
	int64_t		 photos[HZ_PHOTOS_MAX], ch = 0, now = clock_now();
	int		 rc, n, days;

	if ((rc = reg_need(who, "hazard:write", e)) < 0 ||
	    (rc = hz_load(st, who, id, expected, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(h.status, "reported") != 0 &&
	    strcmp(h.status, "ordered") != 0)
		return hz_bad_state("re-checked", h.status, "HAZ-011", e);
	v = json_object_get(in, "result");
	if (v == NULL)
		return err_set(e, ERR_MISSING, "result", "result is required");
	result = json_string_value(v);
	if (result == NULL || (strcmp(result, "pass") != 0 &&
	    strcmp(result, "fail") != 0))
		return err_set(e, ERR_INVALID, "result", "result must be pass "
		    "or fail");
	if ((v = json_object_get(in, "note")) == NULL)
		return err_set(e, ERR_MISSING, "note", "say what the re-check "
		    "found");
	if ((rc = reg_text(v, "note", 2, HZ_NOTE_MAX, &note, e)) < 0 ||
	    (rc = rec_photos(in, "photos", photos, &n, &csv, e)) < 0)
		goto out;
	rec_today(today);
	if (strcmp(result, "pass") == 0) {
		if (json_object_get(in, "deadline_days") != NULL) {
			rc = err_set(e, ERR_INVALID, "deadline_days", "a passed "
			    "re-check sets no new deadline");
			goto out;
		}
		rc = store_exec(st, "UPDATE hazards SET status = 'closed', "
		    "step_due = NULL, close_reason = 'rectified', "
		    "closed_on = ?, version = version + 1, updated_at = ? "
		    "WHERE id = ? AND version = ?", STORE_ARGS(SV_S(today),
		    SV_I(now), SV_I(id), SV_I(h.version)), &ch, e);
		if (rc == 0 && ch == 1)
			rc = hz_closed_count(st, h.town, e);
		*due = '\0';
	} else {
		/* HAZ-011: sent back with a new deadline. */
		if ((rc = rec_days(in, "deadline_days", 0,
		    hazard_clock("max_deadline_days"), &days, e)) < 0 ||
		    (rc = calendar_add_workdays(today, days, due, e)) < 0)
			goto out;
		rc = store_exec(st, "UPDATE hazards SET status = 'ordered', "
		    "deadline = ?, step_due = ?, returns = returns + 1, "
		    "escalation = 0, escalated_on = NULL, "
		    "version = version + 1, updated_at = ? WHERE id = ? AND "
		    "version = ?", STORE_ARGS(SV_S(due), SV_S(due), SV_I(now),
		    SV_I(id), SV_I(h.version)), &ch, e);
	}
	if (rc < 0 || (rc = hz_changed(ch, e)) < 0)
		goto out;
	if (n > 0 && (rc = files_attach(st, who, photos, n, "hazard", id,
	    "photo", e)) < 0) {
		snprintf(e->field, sizeof(e->field), "photos");
		goto out;
	}
	if ((rc = hz_step(st, who, id, strcmp(result, "pass") == 0 ?
	    "recheck_pass" : "recheck_fail", h.status, strcmp(result,
	    "pass") == 0 ? "closed" : "ordered", note, csv, due, e)) < 0)
		goto out;
	rc = hz_done(st, who, strcmp(result, "pass") == 0 ? "hazard.close" :
	    "hazard.return", id, out, e);
out:
	free(note);
	free(csv);
	return rc;
}

int
hazard_dismiss(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "reason", NULL };
	struct hz	 h;
	json_t		*v;
	char		*why = NULL, today[HZ_DATE_LEN + 1];
	int64_t		 ch = 0;
	int		 rc;

	if ((rc = reg_need(who, "hazard:write", e)) < 0 ||
	    (rc = hz_load(st, who, id, expected, &h, e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (strcmp(h.status, "found") != 0)
		return hz_bad_state("dismissed", h.status, "HAZ-012", e);
	if ((v = json_object_get(in, "reason")) == NULL)
		return err_set(e, ERR_MISSING, "reason", "say why this is not a "
		    "hazard (HAZ-012)");
	if ((rc = reg_text(v, "reason", HZ_REASON_MIN, HZ_NOTE_MAX, &why,
	    e)) < 0)
		return rc;
	rec_today(today);
	if ((rc = store_exec(st, "UPDATE hazards SET status = 'closed', "
	    "step_due = NULL, close_reason = 'not_hazard', closed_on = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ? AND "
	    "version = ?", STORE_ARGS(SV_S(today), SV_I(clock_now()), SV_I(id),
	    SV_I(h.version)), &ch, e)) < 0 || (rc = hz_changed(ch, e)) < 0 ||
	    (rc = hz_closed_count(st, h.town, e)) < 0 ||
	    (rc = hz_step(st, who, id, "dismiss", h.status, "closed", why, "",
	    NULL, e)) < 0)
		goto out;
	rc = hz_done(st, who, "hazard.dismiss", id, out, e);
out:
	free(why);
	return rc;
}
