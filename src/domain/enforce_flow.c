/*
 * The steps of an enforcement case after filing (ENF-020..029; docs/
 * modules/enforce_flow.md): notification of the intended penalty (告知),
 * the party's statement (陈述申辩), the hearing (听证), submission, legal
 * review (法制审核), collective discussion (集体讨论), extension of the
 * decision deadline, the decision sealed into the audit trail, service
 * (送达) with the payment notice of a fine, closure and cancellation.
 * Each step checks permission, jurisdiction, version, state and the
 * acting officer, then writes the row, the timeline and the audit entry
 * in the caller's transaction (enforce_case_step) and answers the case.
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
#include "enforce.h"
#include "enforce_flow.h"
#include "enforce_int.h"
#include "permit.h"
#include "rec.h"
#include "risk.h"

#define EF_TEXT_MAX	5000
#define EF_RECORD_MAX	20000
#define EF_REASON_MAX	500
#define EF_PEOPLE_MIN	3		/* art. 57: a collective discussion */
#define EF_PEOPLE_MAX	50

/* The states before the decision: cancel and extend work in these. */
static const char *const ef_open_states[] = { "filed", "notified",
    "hearing", "review", "discussion", NULL };
/* Measures that make a case hearing-eligible (行政处罚法 art. 63:
 * 责令停产停业、吊销许可证件 and the like). */
static const char *const ef_hearing_measures[] = { "stop_business",
    "stop_use", "stop_construction", "revoke_permit", NULL };
static const char *const ef_methods[] = { "on_spot", "direct", "post",
    "electronic", "notice", NULL };
static const char *const ef_review_ends[] = { "approve", "amend", "return",
    NULL };
static const char *const ef_discussion_ends[] = { "approve", "amend",
    "no_penalty", "return", NULL };

int
enforce_clock_due(const char *from, const char *clock,
    char out[CALENDAR_DATE_LEN + 1], struct err *e)
{
	size_t	n = strlen(clock);
	int	days = enforce_clock(clock);

	if (days < 0)
		return err_set(e, ERR_INTERNAL, NULL, "no clock %s", clock);
	/* ENF-020: "N 日" of the law are working days (art. 85), the
	 * decision and payment clocks natural days. */
	if (n > 9 && strcmp(clock + n - 9, "_workdays") == 0)
		return calendar_add_workdays(from, days, out, e);
	enf_date_add(from, days, out);
	return 0;
}

static int
ef_in(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int
ef_bad_state(const json_t *rec, const char *what, const char *rule,
    struct err *e)
{
	return err_set(e, ERR_POLICY, "status", "a case %s (step %s) cannot "
	    "be %s (%s)", enf_s(rec, "status"), *enf_s(rec, "step") ?
	    enf_s(rec, "step") : "none", what, rule);
}

/* A flag of the row (review_required …): a boolean or 0/1. */
static int
ef_flag(const json_t *rec, const char *key)
{
	const json_t	*v = json_object_get(rec, key);

	return json_is_true(v) || (json_is_integer(v) &&
	    json_integer_value(v) != 0);
}

/* The decision deadline now: extended_to after an extension. */
static const char *
ef_decision_due(const json_t *rec)
{
	return *enf_s(rec, "extended_to") ? enf_s(rec, "extended_to") :
	    enf_s(rec, "decision_due");
}

/* 1 if user is (or was) one of the case's officers. */
static int
ef_is_officer(struct store *st, int64_t case_id, int64_t user_id,
    int active_only, struct err *e)
{
	int64_t	n = 0;
	int	rc;

	if ((rc = store_query_int(st, active_only ? "SELECT COUNT(*) FROM "
	    "case_officers WHERE case_id = ? AND user_id = ? AND "
	    "status = 'active'" : "SELECT COUNT(*) FROM case_officers WHERE "
	    "case_id = ? AND user_id = ?", STORE_ARGS(SV_I(case_id),
	    SV_I(user_id)), &n, e)) < 0)
		return rc;
	return n > 0;
}

/* ENF-020: the acting user is an active officer of the case holding a
 * certificate valid today, without a conflict with the party. */
static int
ef_officer(struct store *st, struct actor *who, const json_t *rec,
    struct err *e)
{
	char	today[REC_DATE_LEN + 1], cert[64];
	int	rc;

	if ((rc = ef_is_officer(st, enf_i(rec, "id"), who->user_id, 1,
	    e)) < 0)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_POLICY, "officers", "only an active "
		    "officer of case %s may take this step (ENF-020)",
		    enf_s(rec, "no"));
	rec_today(today);
	return enforce_officer_check(st, who->user_id,
	    strcmp(enf_s(rec, "party_type"), "unit") == 0 ?
	    enf_i(rec, "unit_id") : 0, enf_s(rec, "party_name"), today, cert,
	    e);
}

/* A required text field: ERR_MISSING when absent. */
static int
ef_text(const json_t *in, const char *key, size_t min, size_t max,
    char **out, struct err *e)
{
	int	rc;

	if ((rc = rec_opt_text(in, key, min, max, out, e)) < 0)
		return rc;
	if (*out == NULL)
		return err_set(e, ERR_MISSING, key, "%s is required", key);
	return 0;
}

/* An optional day in[key] (def when absent) as YYYY-MM-DD. */
static int
ef_date(const json_t *in, const char *key, const char *def,
    char out[REC_DATE_LEN + 1], struct err *e)
{
	const json_t	*v = in ? json_object_get(in, key) : NULL;
	const char	*s;

	if (v == NULL || json_is_null(v)) {
		if (def == NULL)
			return err_set(e, ERR_MISSING, key, "%s is required",
			    key);
		snprintf(out, REC_DATE_LEN + 1, "%s", def);
		return 0;
	}
	if ((s = json_string_value(v)) == NULL)
		return err_set(e, ERR_TYPE, key, "%s must be a date "
		    "YYYY-MM-DD", key);
	/* A real day: it comes back unchanged from the calendar (2026-13-01
	 * or 2026-02-30 would roll over). */
	if (enf_date_ok(s))
		enf_date_add(s, 0, out);
	if (!enf_date_ok(s) || strcmp(out, s) != 0)
		return err_set(e, ERR_INVALID, key, "%s must be a real day "
		    "YYYY-MM-DD", key);
	return 0;
}

/* A user id in[key] of an active user. */
static int
ef_user(struct store *st, const json_t *in, const char *key, int64_t *uid,
    struct err *e)
{
	const json_t	*v = json_object_get(in, key);
	char		*status = NULL;
	int		 rc;

	if (v == NULL)
		return err_set(e, ERR_MISSING, key, "%s is required", key);
	if (!json_is_string(v) || str_to_i64(json_string_value(v), 1,
	    INT64_MAX, uid) < 0)
		return err_set(e, ERR_TYPE, key, "%s must be a user id", key);
	rc = store_query_text(st, "SELECT status FROM users WHERE id = ?",
	    STORE_ARGS(SV_I(*uid)), &status, e);
	if (rc == ERR_NOT_FOUND || (rc == 0 && (status == NULL ||
	    strcmp(status, "active") != 0)))
		rc = err_set(e, ERR_INVALID, key, "%s is not an active user",
		    key);
	free(status);
	return rc;
}

/* 1 if user uid holds permission perm through one of their roles. */
static int
ef_user_can(struct store *st, int64_t uid, const char *perm, struct err *e)
{
	int64_t	n = 0;
	int	rc;

	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM user_roles u "
	    "JOIN role_permissions p ON p.role_id = u.role_id WHERE "
	    "u.user_id = ? AND p.permission = ?", STORE_ARGS(SV_I(uid),
	    SV_S(perm)), &n, e)) < 0)
		return rc;
	return n > 0;
}

/* "罚款 N 元" / "警告" / "不予行政处罚" of an outcome. */
static char *
ef_penalty_text(const char *outcome, int64_t fine_fen)
{
	if (strcmp(outcome, "fine") == 0)
		return xasprintf("罚款 %lld.%02lld 元", (long long)(fine_fen /
		    100), (long long)(fine_fen % 100));
	if (strcmp(outcome, "warning") == 0)
		return xstrdup("警告");
	return xstrdup("不予行政处罚");
}

/* ---- the steps -------------------------------------------------------- */

/*
 * What a step works with: the case row as loaded (rec), the needs of its
 * violations when the step asks for them, today; the step sets the
 * timeline note (new) and the due day it shows.
 */
struct ef_ctx {
	struct store	*st;
	struct actor	*who;
	int64_t		 id;
	const json_t	*in;
	json_t		*rec;
	struct enf_need	 need;
	char		 today[REC_DATE_LEN + 1];
	char		 due[REC_DATE_LEN + 1];
	char		*note;
	struct err	*e;
};

#define C_S(c, k)	enf_s((c)->rec, (k))
#define C_SET(c, set, ...)						\
	enf_case_set((c)->st, (c)->rec, (set),				\
	    (struct store_val[]){ __VA_ARGS__ },			\
	    (int)(sizeof((struct store_val[]){ __VA_ARGS__ }) /	\
	    sizeof(struct store_val)), (c)->e)

/* ENF-021: the notice (告知) of the intended penalty. */
static int
ef_notify(struct ef_ctx *c)
{
	char	*no = NULL, *pen = NULL;
	int	 rc;

	/* A case without penalty is decided directly (不予行政处罚决定). */
	if (strcmp(c->need.outcome, "no_penalty") == 0)
		return err_set(c->e, ERR_POLICY, "violations", "no active "
		    "violation carries a fine or a warning: decide the case "
		    "without penalty instead (ENF-021)");
	if ((rc = enforce_clock_due(c->today, "statement_workdays", c->due,
	    c->e)) < 0 ||
	    (rc = enforce_next_no(c->st, "notice", rec_year(), &no, c->e)) < 0)
		return rc;
	if ((rc = C_SET(c, "status = 'notified', step = 'statement', "
	    "step_due = ?, overdue = 0, notice_no = ?, notified_on = ?, "
	    "statement_due = ?, statement = NULL, hearing_status = 'none'",
	    SV_S(c->due), SV_S(no), SV_S(c->today), SV_S(c->due))) == 0) {
		pen = ef_penalty_text(c->need.outcome, c->need.fine_fen);
		c->note = xasprintf("行政处罚告知书 %s：拟%s；陈述申辩%s期限 %s",
		    no, pen, c->need.hearing ? "、要求听证" : "", c->due);
	}
	free(no);
	free(pen);
	return rc;
}

/* ENF-022: the party's statement (陈述申辩), or their waiver. */
static int
ef_statement(struct ef_ctx *c)
{
	const json_t	*wv = json_object_get(c->in, "waive");
	char		*text = NULL, *all = NULL;
	int		 rc, waive = json_is_true(wv);

	if (wv != NULL && !json_is_boolean(wv))
		return err_set(c->e, ERR_TYPE, "waive", "waive must be true or "
		    "false");
	if ((rc = ef_text(c->in, "text", 1, EF_TEXT_MAX, &text, c->e)) < 0)
		return rc;
	if ((rc = enf_text_clean("text", text, c->e)) < 0) {
		free(text);
		return rc;
	}
	/* A hearing already asked for is withdrawn with hearing/waive. */
	if (waive && strcmp(C_S(c, "hearing_status"), "none") != 0) {
		rc = err_set(c->e, ERR_POLICY, "waive", "a hearing was already "
		    "asked for (%s): withdraw it with hearing/waive",
		    C_S(c, "hearing_status"));
		goto out;
	}
	all = *C_S(c, "statement") ? xasprintf("%s\n[%s] %s",
	    C_S(c, "statement"), c->today, text) : xasprintf("[%s] %s",
	    c->today, text);
	rc = waive ? C_SET(c, "statement = ?, hearing_status = 'waived', "
	    "step = 'submit', step_due = ?, overdue = 0", SV_S(all),
	    SV_S(ef_decision_due(c->rec))) : C_SET(c, "statement = ?",
	    SV_S(all));
	c->note = xstrdup(waive ? "当事人陈述申辩，并放弃陈述申辩和听证权利" :
	    "当事人陈述申辩");
out:
	free(text);
	free(all);
	return rc;
}

/* ENF-023: 1 if the intended penalty is one a hearing may be asked for
 * (art. 63): a fine reaching the threshold or a listed measure. */
static int
ef_hearing_eligible(struct ef_ctx *c)
{
	struct store_rows	*r = NULL;
	int			 rc, yes = c->need.hearing;

	if (yes)
		return 1;
	if ((rc = store_query(c->st, "SELECT kind FROM case_measures WHERE "
	    "case_id = ?", STORE_ARGS(SV_I(c->id)), &r, c->e)) < 0)
		return rc;
	while (!yes && (rc = store_next(r, c->e)) == 1)
		yes = ef_in(ef_hearing_measures, store_text(r, 0));
	store_rows_free(r);
	return rc < 0 ? rc : yes;
}

static int
ef_hearing_request(struct ef_ctx *c)
{
	char	on[REC_DATE_LEN + 1], by[24];
	int	rc;

	if ((rc = ef_date(c->in, "requested_on", c->today, on, c->e)) < 0)
		return rc;
	if (strcmp(on, c->today) > 0 || strcmp(on, C_S(c, "notified_on")) < 0)
		return err_set(c->e, ERR_INVALID, "requested_on", "requested_on "
		    "must lie between the notice (%s) and today",
		    C_S(c, "notified_on"));
	/* ENF-023: within the statement window (art. 64: 5 working days). */
	if (strcmp(on, C_S(c, "statement_due")) > 0)
		return err_set(c->e, ERR_POLICY, "requested_on", "a hearing "
		    "must be asked for by %s, within %d working days of the "
		    "notice (art. 64, ENF-023)", C_S(c, "statement_due"),
		    enforce_clock("statement_workdays"));
	if ((rc = ef_hearing_eligible(c)) < 0)
		return rc;
	if (rc == 0)
		return err_set(c->e, ERR_POLICY, "violations", "the intended "
		    "penalty is not one a hearing may be asked for: a fine "
		    "below %lld yuan and no order to stop business or revoke "
		    "a permit (art. 63, ENF-023)", (long long)
		    enforce_limit_yuan("hearing", C_S(c, "party_type")));
	actor_audit_name(c->who, by);
	if ((rc = store_exec(c->st, "INSERT INTO case_hearings (id, case_id, "
	    "requested_on, status, created_at, created_by) VALUES (?, ?, ?, "
	    "'requested', ?, ?)", STORE_ARGS(SV_I(id_next()), SV_I(c->id),
	    SV_S(on), SV_I(clock_now()), SV_S(by)), NULL, c->e)) < 0 ||
	    (rc = C_SET(c, "status = 'hearing', hearing_status = 'requested', "
	    "step = 'hearing', step_due = ?, overdue = 0",
	    SV_S(ef_decision_due(c->rec)))) < 0)
		return rc;
	c->note = xasprintf("当事人于 %s 要求听证", on);
	return 0;
}

static int
ef_hearing_schedule(struct ef_ctx *c)
{
	char	 on[REC_DATE_LEN + 1], min[REC_DATE_LEN + 1], *place = NULL;
	int64_t	 host = 0;
	int	 rc;

	if ((rc = ef_date(c->in, "hearing_on", NULL, on, c->e)) < 0 ||
	    (rc = ef_text(c->in, "place", 2, 200, &place, c->e)) < 0 ||
	    (rc = ef_user(c->st, c->in, "host_id", &host, c->e)) < 0 ||
	    (rc = enforce_clock_due(c->today, "hearing_notice_workdays", min,
	    c->e)) < 0)
		goto out;
	/* ENF-023: the party is told 7 days before (art. 64 (2)). */
	if (strcmp(on, min) < 0) {
		rc = err_set(c->e, ERR_POLICY, "hearing_on", "the hearing is "
		    "held at the earliest on %s, %d working days after the "
		    "notice (art. 64, ENF-023)", min,
		    enforce_clock("hearing_notice_workdays"));
		goto out;
	}
	/* ENF-023: the host is not an investigating officer (art. 64 (4)). */
	if ((rc = ef_is_officer(c->st, c->id, host, 0, c->e)) < 0)
		goto out;
	if (rc == 1) {
		rc = err_set(c->e, ERR_POLICY, "host_id", "the hearing host "
		    "must not be an investigating officer of the case (art. "
		    "64, ENF-023)");
		goto out;
	}
	if ((rc = store_exec(c->st, "UPDATE case_hearings SET notice_on = ?, "
	    "hearing_on = ?, place = ?, host_id = ?, status = 'scheduled' "
	    "WHERE case_id = ? AND status IN ('requested', 'scheduled')",
	    STORE_ARGS(SV_S(c->today), SV_S(on), SV_S(place), SV_I(host),
	    SV_I(c->id)), NULL, c->e)) < 0 ||
	    (rc = C_SET(c, "hearing_status = 'scheduled', step = 'hearing', "
	    "step_due = ?, overdue = 0", SV_S(on))) < 0)
		goto out;
	snprintf(c->due, sizeof(c->due), "%s", on);
	c->note = xasprintf("听证定于 %s 在%s举行", on, place);
out:
	free(place);
	return rc;
}

static int
ef_hearing_hold(struct ef_ctx *c)
{
	char	*record = NULL, *opinion = NULL, *on = NULL;
	int	 rc;

	if (strcmp(C_S(c, "hearing_status"), "scheduled") != 0)
		return ef_bad_state(c->rec, "heard before the hearing is "
		    "scheduled", "ENF-023", c->e);
	if ((rc = ef_text(c->in, "record", 2, EF_RECORD_MAX, &record,
	    c->e)) < 0 ||
	    (rc = ef_text(c->in, "opinion", 2, EF_TEXT_MAX, &opinion,
	    c->e)) < 0 ||
	    (rc = store_query_text(c->st, "SELECT hearing_on FROM "
	    "case_hearings WHERE case_id = ? AND status = 'scheduled'",
	    STORE_ARGS(SV_I(c->id)), &on, c->e)) < 0)
		goto out;
	if (on == NULL || strcmp(c->today, on) < 0) {
		rc = err_set(c->e, ERR_POLICY, "hearing_on", "the hearing is "
		    "scheduled for %s (ENF-023)", on ? on : "?");
		goto out;
	}
	if ((rc = store_exec(c->st, "UPDATE case_hearings SET held_on = ?, "
	    "record = ?, opinion = ?, status = 'held' WHERE case_id = ? AND "
	    "status = 'scheduled'", STORE_ARGS(SV_S(c->today), SV_S(record),
	    SV_S(opinion), SV_I(c->id)), NULL, c->e)) < 0 ||
	    (rc = C_SET(c, "status = 'notified', hearing_status = 'held', "
	    "step = 'submit', step_due = ?, overdue = 0",
	    SV_S(ef_decision_due(c->rec)))) < 0)
		goto out;
	c->note = xstrdup("听证已举行");
out:
	free(record);
	free(opinion);
	free(on);
	return rc;
}

/* The party waives the hearing, or withdraws a request. */
static int
ef_hearing_waive(struct ef_ctx *c)
{
	int	rc;

	if (strcmp(C_S(c, "status"), "notified") == 0 &&
	    strcmp(C_S(c, "step"), "statement") != 0)
		return ef_bad_state(c->rec, "given a hearing waiver",
		    "ENF-023", c->e);
	if ((rc = store_exec(c->st, "UPDATE case_hearings SET status = "
	    "'withdrawn' WHERE case_id = ? AND status IN ('requested', "
	    "'scheduled')", STORE_ARGS(SV_I(c->id)), NULL, c->e)) < 0 ||
	    (rc = C_SET(c, "status = 'notified', hearing_status = 'waived', "
	    "step = 'submit', step_due = ?, overdue = 0",
	    SV_S(ef_decision_due(c->rec)))) < 0)
		return rc;
	c->note = xstrdup("当事人放弃听证");
	return 0;
}

/* ENF-022: submission after the statement window, to review, discussion
 * or the decision. */
static int
ef_submit(struct ef_ctx *c)
{
	const char	*status = C_S(c, "status"), *step = C_S(c, "step");
	int		 rc, review, discuss;

	review = c->need.review || ef_flag(c->rec, "review_required");
	discuss = c->need.discussion || ef_flag(c->rec, "discussion_required");
	/* After the window, or once the hearing was held or waived; a
	 * case without penalty needs no notice but may need review. */
	if (strcmp(status, "filed") == 0) {
		if (strcmp(c->need.outcome, "no_penalty") != 0 || (!review &&
		    !discuss))
			return ef_bad_state(c->rec, "submitted before the party "
			    "is notified", "ENF-022", c->e);
	} else if (strcmp(step, "submit") != 0 &&
	    strcmp(step, "statement") != 0)
		return ef_bad_state(c->rec, "submitted", "ENF-022", c->e);
	else if (strcmp(step, "statement") == 0 &&
	    strcmp(c->today, C_S(c, "statement_due")) <= 0)
		return err_set(c->e, ERR_POLICY, "status", "the party may "
		    "state a defence or ask for a hearing until %s (art. 64, "
		    "ENF-022)", C_S(c, "statement_due"));
	if (review) {
		if ((rc = enforce_clock_due(c->today, "review_workdays", c->due,
		    c->e)) < 0)
			return rc;
		rc = C_SET(c, "status = 'review', step = 'review', step_due = "
		    "?, overdue = 0, review_required = 1, review_reasons = "
		    "COALESCE(?, review_reasons), discussion_required = ?",
		    SV_S(c->due), *c->need.reasons ? SV_S(c->need.reasons) :
		    SV_N, SV_I(discuss));
	} else {
		snprintf(c->due, sizeof(c->due), "%s",
		    ef_decision_due(c->rec));
		rc = discuss ? C_SET(c, "status = 'discussion', step = "
		    "'discussion', step_due = ?, overdue = 0, "
		    "discussion_required = 1", SV_S(c->due)) : C_SET(c,
		    "step = 'decide', step_due = ?, overdue = 0",
		    SV_S(c->due));
	}
	if (rc == 0)
		c->note = xstrdup(review ? "提交法制审核" : discuss ?
		    "提交集体讨论" : "调查终结，待作出决定");
	return rc;
}

/*
 * The end of a review or discussion: approve → the discussion when it
 * is still required (to_discussion), else the decision; otherwise back
 * to filed, its violations editable, the party notified again of what
 * is then intended.
 */
static int
ef_concluded(struct ef_ctx *c, const char *end, int to_discussion)
{
	const char	*due = ef_decision_due(c->rec);

	if (strcmp(end, "approve") != 0)
		return C_SET(c, "status = 'filed', step = 'decide', step_due = "
		    "?, overdue = 0", SV_S(due));
	if (to_discussion)
		return C_SET(c, "status = 'discussion', step = 'discussion', "
		    "step_due = ?, overdue = 0", SV_S(due));
	return C_SET(c, "step = 'decide', step_due = ?, overdue = 0",
	    SV_S(due));
}

/* A conclusion in[key], one of ends. */
static int
ef_end(const json_t *in, const char *const *ends, const char **end,
    struct err *e)
{
	const json_t	*v = json_object_get(in, "conclusion");

	*end = json_string_value(v);
	if (*end == NULL || !ef_in(ends, *end))
		return err_set(e, v == NULL ? ERR_MISSING : ERR_INVALID,
		    "conclusion", "conclusion is one of %s, %s, %s%s%s", ends[0],
		    ends[1], ends[2], ends[3] ? ", " : "", ends[3] ? ends[3] :
		    "");
	return 0;
}

/* ENF-024: legal review (法制审核, art. 58). */
static int
ef_review(struct ef_ctx *c)
{
	const char	*end;
	char		*opinion = NULL;
	int		 rc;

	if ((rc = ef_end(c->in, ef_review_ends, &end, c->e)) < 0 ||
	    (rc = ef_text(c->in, "opinion", 2, EF_TEXT_MAX, &opinion,
	    c->e)) < 0)
		return rc;
	/* The reviewer is not one of the investigators. */
	if ((rc = ef_is_officer(c->st, c->id, c->who->user_id, 0, c->e)) < 0)
		goto out;
	if (rc == 1) {
		rc = err_set(c->e, ERR_POLICY, "officers", "an officer of the "
		    "case cannot review it (art. 58, ENF-024)");
		goto out;
	}
	if ((rc = store_exec(c->st, "INSERT INTO case_reviews (id, case_id, "
	    "reviewer_id, conclusion, opinion, reviewed_on, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", STORE_ARGS(SV_I(id_next()),
	    SV_I(c->id), SV_I(c->who->user_id), SV_S(end), SV_S(opinion),
	    SV_S(c->today), SV_I(clock_now())), NULL, c->e)) < 0 ||
	    (rc = ef_concluded(c, end, ef_flag(c->rec,
	    "discussion_required"))) < 0)
		goto out;
	c->note = xasprintf("法制审核%s：%s", strcmp(end, "approve") == 0 ?
	    "同意" : strcmp(end, "amend") == 0 ? "建议修改" : "退回", opinion);
out:
	free(opinion);
	return rc;
}

/* e names entry i of the participants: "participants[i].<field>". */
static int
ef_at(struct err *e, size_t i, int rc)
{
	char	*f = *e->field ? xasprintf("participants[%zu].%s", i,
	    e->field) : xasprintf("participants[%zu]", i);

	snprintf(e->field, sizeof(e->field), "%s", f);
	free(f);
	return rc;
}

/* The participants of a discussion as stored: [{user_id?, name, title}],
 * EF_PEOPLE_MIN..EF_PEOPLE_MAX of them, errors naming the entry. */
static int
ef_participants(struct store *st, const json_t *in, json_t **out,
    struct err *e)
{
	static const char *const keys[] = { "user_id", "name", "title", NULL };
	const json_t	*v = json_object_get(in, "participants"), *p;
	json_t		*list = NULL, *o;
	char		*name = NULL, *title = NULL;
	size_t		 i;
	int64_t		 uid;
	int		 rc = 0;

	if (v == NULL)
		return err_set(e, ERR_MISSING, "participants", "participants "
		    "are required");
	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "participants", "participants is "
		    "a list");
	/* ENF-025: a collective discussion (art. 57) by at least three. */
	if (json_array_size(v) < EF_PEOPLE_MIN ||
	    json_array_size(v) > EF_PEOPLE_MAX)
		return err_set(e, ERR_POLICY, "participants", "a collective "
		    "discussion has %d to %d participants (art. 57, ENF-025)",
		    EF_PEOPLE_MIN, EF_PEOPLE_MAX);
	list = json_array();
	json_array_foreach(v, i, p) {
		if (!json_is_object(p)) {
			rc = ef_at(e, i, err_set(e, ERR_TYPE, NULL, "a "
			    "participant is an object {user_id?, name, title}"));
			goto out;
		}
		if ((rc = rec_only(p, keys, e)) < 0 ||
		    (json_object_get(p, "user_id") != NULL &&
		    (rc = ef_user(st, p, "user_id", &uid, e)) < 0) ||
		    (rc = ef_text(p, "name", 1, 50, &name, e)) < 0 ||
		    (rc = ef_text(p, "title", 1, 50, &title, e)) < 0) {
			rc = ef_at(e, i, rc);
			goto out;
		}
		o = json_pack("{s:s, s:s}", "name", name, "title", title);
		if (json_object_get(p, "user_id") != NULL)
			json_object_set_new(o, "user_id", jx_id(uid));
		json_array_append_new(list, o);
		free(name);
		free(title);
		name = title = NULL;
	}
	*out = list;
	list = NULL;
out:
	json_decref(list);
	free(name);
	free(title);
	return rc;
}

/* ENF-025: collective discussion (集体讨论, art. 57). */
static int
ef_discussion(struct ef_ctx *c)
{
	json_t		*people = NULL;
	const char	*end;
	char		 on[REC_DATE_LEN + 1], by[24];
	char		*minutes = NULL, *pj = NULL;
	int64_t		 chair = 0;
	int		 rc;

	if ((rc = ef_date(c->in, "held_on", NULL, on, c->e)) < 0)
		return rc;
	if (strcmp(on, c->today) > 0 || strcmp(on, C_S(c, "filed_on")) < 0)
		return err_set(c->e, ERR_INVALID, "held_on", "held_on lies "
		    "between the filing (%s) and today", C_S(c, "filed_on"));
	if ((rc = ef_end(c->in, ef_discussion_ends, &end, c->e)) < 0 ||
	    (rc = ef_user(c->st, c->in, "chair_id", &chair, c->e)) < 0 ||
	    (rc = ef_participants(c->st, c->in, &people, c->e)) < 0 ||
	    (rc = ef_text(c->in, "minutes", 2, EF_RECORD_MAX, &minutes,
	    c->e)) < 0)
		goto out;
	/* Chaired by a head of the agency (负责人). */
	if ((rc = ef_user_can(c->st, chair, "case:discuss", c->e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(c->e, ERR_POLICY, "chair_id", "the chair must be a "
		    "head of the agency holding case:discuss (art. 57, "
		    "ENF-025)");
		goto out;
	}
	pj = jx_dump(people);
	actor_audit_name(c->who, by);
	if ((rc = store_exec(c->st, "INSERT INTO case_discussions (id, "
	    "case_id, held_on, chair_id, participants, conclusion, minutes, "
	    "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    STORE_ARGS(SV_I(id_next()), SV_I(c->id), SV_S(on), SV_I(chair),
	    SV_S(pj), SV_S(end), SV_S(minutes), SV_I(clock_now()), SV_S(by)),
	    NULL, c->e)) < 0 || (rc = ef_concluded(c, end, 0)) < 0)
		goto out;
	c->note = xasprintf("集体讨论（%s，%zu 人参加）：%s", on,
	    json_array_size(people), strcmp(end, "approve") == 0 ? "同意" :
	    strcmp(end, "no_penalty") == 0 ? "不予处罚，退回修改" :
	    strcmp(end, "amend") == 0 ? "修改" : "退回");
out:
	json_decref(people);
	free(minutes);
	free(pj);
	return rc;
}

/* ENF-028: extension of the decision deadline (art. 60 "unless
 * extended"): once, approved before the deadline runs out. */
static int
ef_extend(struct ef_ctx *c)
{
	const json_t	*v = json_object_get(c->in, "days");
	const char	*step = C_S(c, "step");
	char		*why = NULL;
	int64_t		 days;
	int		 rc, max = enforce_clock("extension_max_days");

	if (v == NULL)
		return err_set(c->e, ERR_MISSING, "days", "days is required");
	if (!json_is_integer(v))
		return err_set(c->e, ERR_TYPE, "days", "days is a whole "
		    "number");
	days = json_integer_value(v);
	if (days < 1 || days > max)
		return err_set(c->e, ERR_RANGE, "days", "days is 1 to %d "
		    "(ENF-028)", max);
	if ((rc = ef_text(c->in, "reason", 2, EF_REASON_MAX, &why, c->e)) < 0)
		return rc;
	if (*C_S(c, "extended_to"))
		rc = err_set(c->e, ERR_POLICY, "days", "the deadline was "
		    "already extended to %s (ENF-028)", C_S(c, "extended_to"));
	else if (strcmp(c->today, C_S(c, "decision_due")) > 0)
		rc = err_set(c->e, ERR_POLICY, "days", "the decision deadline "
		    "%s has passed: an extension is approved before it "
		    "(ENF-028)", C_S(c, "decision_due"));
	if (rc < 0)
		goto out;
	enf_date_add(C_S(c, "decision_due"), (int)days, c->due);
	/* The steps whose clock is the decision deadline follow it. */
	if (strcmp(step, "decide") == 0 || strcmp(step, "submit") == 0 ||
	    strcmp(step, "discussion") == 0 || (strcmp(step, "hearing") == 0 &&
	    strcmp(C_S(c, "hearing_status"), "requested") == 0))
		rc = C_SET(c, "extended_to = ?, extension_reason = ?, "
		    "step_due = ?, overdue = 0", SV_S(c->due), SV_S(why),
		    SV_S(c->due));
	else
		rc = C_SET(c, "extended_to = ?, extension_reason = ?",
		    SV_S(c->due), SV_S(why));
	if (rc == 0)
		c->note = xasprintf("经负责人批准，决定期限延长 %lld 日至 %s：%s",
		    (long long)days, c->due, why);
out:
	free(why);
	return rc;
}

/* ENF-024/025/026: may the case be decided now? */
static int
ef_may_decide(const json_t *rec, const struct enf_need *need,
    struct err *e)
{
	const char	*status = enf_s(rec, "status"), *step = enf_s(rec, "step");
	int		 review = need->review || ef_flag(rec, "review_required");
	int		 discuss = need->discussion ||
			    ef_flag(rec, "discussion_required");

	/* A penalty is decided only after the party was told of it and
	 * heard (art. 44, 62). */
	if (strcmp(need->outcome, "no_penalty") != 0 &&
	    !*enf_s(rec, "notified_on"))
		return err_set(e, ERR_POLICY, "status", "the party must be "
		    "notified of the intended penalty first (art. 44, "
		    "ENF-021)");
	if (strcmp(status, "filed") == 0 && strcmp(need->outcome,
	    "no_penalty") == 0 && !review && !discuss)
		return 0;
	if (review && (strcmp(status, "review") != 0 || strcmp(step,
	    "decide") != 0) && strcmp(status, "discussion") != 0)
		return err_set(e, ERR_POLICY, "status", "legal review (法制审核) "
		    "must approve the decision first (art. 58, ENF-024)");
	if (discuss && (strcmp(status, "discussion") != 0 || strcmp(step,
	    "decide") != 0))
		return err_set(e, ERR_POLICY, "status", "the heads of the "
		    "agency must discuss the case first (集体讨论, art. 57, "
		    "ENF-025)");
	if (strcmp(step, "decide") != 0 || !ef_in(ef_open_states, status))
		return ef_bad_state(rec, "decided", "ENF-026", e);
	return 0;
}

/* A penalty against a unit counts in its risk and credit record. */
/* ENF-026: the decision, sealed into the audit trail. */
static int
ef_decide(struct ef_ctx *c)
{
	const char	*kind;
	char		 pub[REC_DATE_LEN + 1], *no = NULL, *pen = NULL;
	int		 rc, late, penalty;

	if ((rc = ef_may_decide(c->rec, &c->need, c->e)) < 0)
		return rc;
	penalty = strcmp(c->need.outcome, "no_penalty") != 0;
	kind = penalty ? "decision" : "no_penalty";
	/* Deciding after the deadline is allowed, and flagged. */
	late = strcmp(c->today, ef_decision_due(c->rec)) > 0;
	if ((rc = enforce_next_no(c->st, kind, rec_year(), &no, c->e)) < 0 ||
	    (rc = enforce_clock_due(c->today, "service_workdays", c->due,
	    c->e)) < 0 ||
	    (penalty && (rc = enforce_clock_due(c->today, "publish_workdays",
	    pub, c->e)) < 0) ||
	    (rc = enf_decision_seal(c->st, c->who, c->id, kind, no, c->today,
	    NULL, c->e)) < 0 ||
	    (rc = C_SET(c, "status = 'decided', step = 'serve', step_due = ?, "
	    "service_due = ?, publish_due = ?, overdue = ?", SV_S(c->due),
	    SV_S(c->due), penalty ? SV_S(pub) : SV_N, SV_I(late))) < 0)
		goto out;
	if (strcmp(c->need.outcome, "fine") == 0 &&
	    strcmp(C_S(c, "party_type"), "unit") == 0 &&
	    enf_i(c->rec, "unit_id") > 0 && (rc = enf_penalty_events(c->st,
	    c->who, c->id, enf_i(c->rec, "unit_id"), no, c->need.fine_fen,
	    c->today, c->e)) < 0)
		goto out;
	pen = ef_penalty_text(c->need.outcome, c->need.fine_fen);
	c->note = xasprintf("%s %s：%s；送达期限 %s%s%s", penalty ?
	    "行政处罚决定书" : "不予行政处罚决定书", no, pen, c->due,
	    late ? "；逾期作出决定，决定期限 " : "", late ?
	    ef_decision_due(c->rec) : "");
out:
	free(no);
	free(pen);
	return rc;
}

/* ENF-027: service (art. 61); a fine's payment notice opens (art. 67). */
static int
ef_serve(struct ef_ctx *c)
{
	const char	*method = json_string_value(json_object_get(c->in,
			    "method"));
	char		 on[REC_DATE_LEN + 1];
	int64_t		 fine = enf_i(c->rec, "fine_fen");
	int		 rc, late;

	if (method == NULL || !ef_in(ef_methods, method))
		return err_set(c->e, json_object_get(c->in, "method") == NULL ?
		    ERR_MISSING : ERR_INVALID, "method", "method is on_spot, "
		    "direct, post, electronic or notice");
	if ((rc = ef_date(c->in, "served_on", c->today, on, c->e)) < 0)
		return rc;
	if (strcmp(on, c->today) > 0 || strcmp(on, C_S(c, "decided_on")) < 0)
		return err_set(c->e, ERR_INVALID, "served_on", "served_on lies "
		    "between the decision (%s) and today (ENF-027)",
		    C_S(c, "decided_on"));
	late = *C_S(c, "service_due") && strcmp(on, C_S(c, "service_due")) > 0;
	if (strcmp(C_S(c, "outcome"), "fine") == 0 && fine > 0) {
		if ((rc = enforce_clock_due(on, "payment_days", c->due,
		    c->e)) < 0 ||
		    (rc = C_SET(c, "status = 'served', served_on = ?, "
		    "service_method = ?, pay_status = 'due', payment_due = ?, "
		    "step = 'pay', step_due = ?, overdue = 0", SV_S(on),
		    SV_S(method), SV_S(c->due), SV_S(c->due))) < 0 ||
		    (rc = enforce_pay_open(c->st, c->id, fine, c->due, NULL,
		    c->e)) < 0)
			return rc;
		c->note = xasprintf("决定书已送达（%s，%s）；缴款期限 %s%s",
		    method, on, c->due, late ? "；逾期送达" : "");
		return 0;
	}
	if ((rc = C_SET(c, "status = 'served', served_on = ?, "
	    "service_method = ?, step = NULL, step_due = NULL, overdue = 0",
	    SV_S(on), SV_S(method))) < 0)
		return rc;
	c->note = xasprintf("决定书已送达（%s，%s）%s", method, on,
	    late ? "；逾期送达" : "");
	return 0;
}

/* ENF-029: closure; a fine case once the fine is paid. */
static int
ef_close(struct ef_ctx *c)
{
	const char	*outcome = C_S(c, "outcome"), *why;
	char		*reason = NULL;
	int		 rc;

	if ((rc = rec_opt_text(c->in, "reason", 2, EF_REASON_MAX, &reason,
	    c->e)) < 0)
		return rc;
	if (strcmp(outcome, "fine") == 0 && strcmp(C_S(c, "pay_status"),
	    "paid") != 0) {
		rc = err_set(c->e, ERR_POLICY, "pay_status", "the fine is not "
		    "paid (pay status %s): the case closes when it is "
		    "(ENF-029)", C_S(c, "pay_status"));
		goto out;
	}
	why = strcmp(outcome, "fine") == 0 ? "executed" : strcmp(outcome,
	    "warning") == 0 ? "warning" : "no_penalty";
	if ((rc = C_SET(c, "status = 'closed', closed_on = ?, close_reason = "
	    "?, step = NULL, step_due = NULL, overdue = 0", SV_S(c->today),
	    SV_S(why))) < 0)
		goto out;
	c->note = reason ? xasprintf("结案（%s）：%s", why, reason) :
	    xasprintf("结案（%s）", why);
out:
	free(reason);
	return rc;
}

/* ENF-029: 撤销立案, only before the decision. */
static int
ef_cancel(struct ef_ctx *c)
{
	char	*reason = NULL;
	int	 rc;

	if ((rc = ef_text(c->in, "reason", 2, EF_REASON_MAX, &reason,
	    c->e)) < 0)
		return rc;
	if ((rc = store_exec(c->st, "UPDATE case_hearings SET status = "
	    "'withdrawn' WHERE case_id = ? AND status IN ('requested', "
	    "'scheduled')", STORE_ARGS(SV_I(c->id)), NULL, c->e)) == 0 &&
	    (rc = C_SET(c, "status = 'cancelled', closed_on = ?, close_reason "
	    "= 'cancelled', step = NULL, step_due = NULL, overdue = 0",
	    SV_S(c->today))) == 0)
		c->note = xasprintf("撤销立案：%s", reason);
	free(reason);
	return rc;
}

/* ---- the table of steps ------------------------------------------------- */

static const char *const ef_f_none[] = { NULL };
static const char *const ef_f_statement[] = { "text", "waive", NULL };
static const char *const ef_f_request[] = { "requested_on", NULL };
static const char *const ef_f_schedule[] = { "hearing_on", "place",
    "host_id", NULL };
static const char *const ef_f_hold[] = { "record", "opinion", NULL };
static const char *const ef_f_review[] = { "conclusion", "opinion", NULL };
static const char *const ef_f_discussion[] = { "held_on", "chair_id",
    "participants", "conclusion", "minutes", NULL };
static const char *const ef_f_extend[] = { "days", "reason", NULL };
static const char *const ef_f_serve[] = { "method", "served_on", NULL };
static const char *const ef_f_reason[] = { "reason", NULL };

static const char *const ef_s_filed[] = { "filed", NULL };
static const char *const ef_s_notified[] = { "notified", NULL };
static const char *const ef_s_told[] = { "notified", "hearing", NULL };
static const char *const ef_s_hearing[] = { "hearing", NULL };
static const char *const ef_s_review[] = { "review", NULL };
static const char *const ef_s_discussion[] = { "discussion", NULL };
static const char *const ef_s_decided[] = { "decided", NULL };
static const char *const ef_s_served[] = { "served", NULL };

/*
 * Every step: its name (the path and the timeline action), permission,
 * whether the caller must be an active officer of the case, whether it
 * needs the violations' outcome and requirements (enf_case_need), the
 * body keys, the states (and step) it is allowed in (NULL: any of
 * ef_open_states, the step checks the rest), its rule.
 */
static const struct ef_step {
	const char		*name;
	const char		*action;
	const char		*perm;
	int			 officer;
	int			 need;
	const char *const	*fields;
	const char *const	*states;
	const char		*step;
	const char		*what;
	const char		*rule;
	int			(*fn)(struct ef_ctx *);
} ef_steps[] = {
	{ "notify", "notify", "case:write", 1, 1, ef_f_none, ef_s_filed,
	    NULL, "notified", "ENF-021", ef_notify },
	{ "statement", "statement", "case:write", 1, 0, ef_f_statement,
	    ef_s_told, NULL, "given a statement", "ENF-022", ef_statement },
	{ "hearing/request", "hearing_request", "case:write", 1, 1,
	    ef_f_request, ef_s_notified, "statement", "given a hearing "
	    "request", "ENF-023", ef_hearing_request },
	{ "hearing/schedule", "hearing_schedule", "case:write", 1, 0,
	    ef_f_schedule, ef_s_hearing, NULL, "given a hearing date",
	    "ENF-023", ef_hearing_schedule },
	{ "hearing/hold", "hearing_hold", "case:write", 1, 0, ef_f_hold,
	    ef_s_hearing, NULL, "heard", "ENF-023", ef_hearing_hold },
	{ "hearing/waive", "hearing_waive", "case:write", 1, 0, ef_f_none,
	    ef_s_told, NULL, "given a hearing waiver", "ENF-023",
	    ef_hearing_waive },
	{ "submit", "submit", "case:write", 1, 1, ef_f_none, NULL, NULL,
	    "submitted", "ENF-022", ef_submit },
	{ "review", "review", "case:review", 0, 0, ef_f_review, ef_s_review,
	    "review", "reviewed", "ENF-024", ef_review },
	{ "discussion", "discussion", "case:discuss", 0, 0, ef_f_discussion,
	    ef_s_discussion, "discussion", "discussed", "ENF-025",
	    ef_discussion },
	{ "extend", "extend", "case:approve", 0, 0, ef_f_extend, NULL, NULL,
	    "extended after the decision", "ENF-028", ef_extend },
	{ "decide", "decide", "case:write", 1, 1, ef_f_none, NULL, NULL,
	    "decided", "ENF-026", ef_decide },
	{ "serve", "serve", "case:write", 1, 0, ef_f_serve, ef_s_decided,
	    NULL, "served", "ENF-027", ef_serve },
	{ "close", "close", "case:write", 1, 0, ef_f_reason, ef_s_served,
	    NULL, "closed", "ENF-029", ef_close },
	{ "cancel", "cancel", "case:write", 1, 0, ef_f_reason, NULL, NULL,
	    "cancelled", "ENF-029", ef_cancel },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL },
};

/* The state check of step s: its states (and step), or for a step
 * without a list, a case before its decision (decide checks more). */
static int
ef_state_ok(const struct ef_step *s, const json_t *rec)
{
	if (s->states == NULL)
		return s->fn == ef_decide || ef_in(ef_open_states,
		    enf_s(rec, "status"));
	return ef_in(s->states, enf_s(rec, "status")) && (s->step == NULL ||
	    strcmp(enf_s(rec, "step"), s->step) == 0);
}

int
enforce_flow_step(struct store *st, struct actor *who, const char *name,
    int64_t id, int64_t expected, const json_t *in, json_t **out,
    struct err *e)
{
	const struct ef_step	*s;
	struct ef_ctx		 c;
	int			 rc;

	for (s = ef_steps; s->name != NULL && strcmp(s->name, name); s++)
		;
	if (s->name == NULL)
		return err_set(e, ERR_NOT_FOUND, NULL, "no step %s", name);
	if (!actor_can(who, s->perm))
		return err_set(e, ERR_FORBIDDEN, NULL, "permission %s needed",
		    s->perm);
	memset(&c, 0, sizeof(c));
	c.st = st;
	c.who = who;
	c.id = id;
	c.in = in;
	c.e = e;
	rec_today(c.today);
	if ((rc = enf_case_load(st, who, id, expected, &c.rec, e)) < 0)
		return rc;
	if ((rc = rec_only(in, s->fields, e)) < 0 ||
	    (s->officer && (rc = ef_officer(st, who, c.rec, e)) < 0))
		goto out;
	if (!ef_state_ok(s, c.rec)) {
		rc = ef_bad_state(c.rec, s->what, s->rule, e);
		goto out;
	}
	if ((s->need && (rc = enf_case_need(st, id, &c.need, e)) < 0) ||
	    (rc = s->fn(&c)) < 0)
		goto out;
	/* The timeline row with its audit entry, and the case answered. */
	if ((rc = enforce_case_step(st, who, id, s->action, c.note, c.due,
	    e)) == 0)
		rc = enforce_case_get(st, who, id, out, e);
out:
	json_decref(c.rec);
	free(c.note);
	return rc;
}
