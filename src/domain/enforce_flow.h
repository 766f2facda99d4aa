/*
 * The steps of an enforcement case after filing (ENF-020..029,
 * docs/modules/enforce_flow.md): notification of the intended penalty,
 * the party's statement, the hearing, submission, legal review
 * (法制审核), collective discussion (集体讨论), extension, decision,
 * service, closure and cancellation.  Each step takes the case version
 * the caller saw (If-Match), checks permission, jurisdiction, state and
 * the acting officer, writes the row, the timeline and the audit entry
 * in the caller's transaction and answers the case as GET /cases/{id}.
 */
#ifndef FW_ENFORCE_FLOW_H
#define FW_ENFORCE_FLOW_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"
#include "calendar.h"

struct store;
struct actor;

/*
 * The last day of clock (a key of the rules' "clocks") started on from:
 * working days on the holiday calendar for a "*_workdays" clock (from
 * itself not counted), natural days otherwise.  ERR_INTERNAL for an
 * unknown clock; the calendar's error for a year without a calendar.
 */
int	enforce_clock_due(const char *from, const char *clock,
	    char out[CALENDAR_DATE_LEN + 1], struct err *e);

/*
 * Take step name of case id: "notify", "statement" {text, waive?},
 * "hearing/request" {requested_on?}, "hearing/schedule" {hearing_on,
 * place, host_id}, "hearing/hold" {record, opinion}, "hearing/waive",
 * "submit", "review" {conclusion, opinion} (case:review), "discussion"
 * {held_on, chair_id, participants, conclusion, minutes} (case:discuss),
 * "extend" {days, reason} (case:approve), "decide", "serve" {method,
 * served_on?}, "close" {reason?}, "cancel" {reason}; the others
 * case:write.  expected is the version the caller saw (ERR_STALE naming
 * "version" when it changed); in the body (NULL for none).  Answers the
 * updated case in *out as GET /cases/{id}.  ERR_NOT_FOUND when who may
 * not see the case; ERR_POLICY naming "status" when the step is not
 * allowed in the case's state, "officers" when who is not an active
 * officer of the case (case:write steps), or the body field that breaks
 * a rule; ERR_MISSING, ERR_INVALID … naming the field of a bad body.
 * Runs in the caller's transaction: the row, its timeline step and the
 * audit entry "case.<step>" (ENF-020..029, docs/modules/enforce_flow.md).
 */
int	enforce_flow_step(struct store *st, struct actor *who, const char *name,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);

#endif
