/*
 * What the enforce_*.c files share and nobody else sees: dates, the case
 * row loaded within the caller's jurisdiction, the versioned update of a
 * case, the timeline row, the art. 29 fine of a case and its review
 * requirements, and the sealed decision record (ENF-018).  Everything
 * here runs in the caller's transaction.
 */
#ifndef FW_ENFORCE_INT_H
#define FW_ENFORCE_INT_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

struct store;
struct store_val;
struct actor;

#define ENF_DATE_LEN	10

/* 1 if s is a real day written YYYY-MM-DD (1949..2099). */
/* ENF-026: a fine on a unit → its risk event and credit event. */
int	enf_penalty_events(struct store *st, struct actor *who,
	    int64_t case_id, int64_t unit, const char *no, int64_t fine_fen,
	    const char *today, struct err *e);
/*
 * ENF-019 (P-1): free text of a case (facts, descriptions, statements)
 * must not hold an ID number or a phone number — those are kept sealed in
 * the party fields.  ERR_INVALID naming field when text holds one.
 */
int	enf_text_clean(const char *field, const char *text, struct err *e);
int	enf_date_ok(const char *s);
/*
 * The day in[key] into out: ERR_MISSING (ENF_DAY_REQUIRED) when absent,
 * else today (ENF_DAY_TODAY) or ""; ERR_TYPE / ERR_INVALID naming key
 * unless a real day YYYY-MM-DD, not after today with ENF_DAY_PAST.
 */
#define ENF_DAY_REQUIRED	0x1
#define ENF_DAY_TODAY		0x2
#define ENF_DAY_PAST		0x4
int	enf_day(const json_t *in, const char *key, int flags,
	    char out[ENF_DATE_LEN + 1], struct err *e);
/* The day n natural days after date (n may be negative) into out. */
void	enf_date_add(const char *date, int n, char out[ENF_DATE_LEN + 1]);

/*
 * The case row (the columns of the cases table as JSON, sealed columns
 * left out) if who may see it (enforce_case_can_read); ERR_NOT_FOUND
 * otherwise; with expected > 0 ERR_STALE (field "version") unless the
 * case is at that version.  *rec is new.
 */
int	enf_case_load(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, json_t **rec, struct err *e);
/*
 * UPDATE cases SET <set>, version = version + 1, updated_at = now WHERE
 * id AND version (of rec, as loaded): ERR_STALE naming "version" unless
 * exactly one row changed.  vals are set's n arguments (n <= 20).
 */
int	enf_case_set(struct store *st, const json_t *rec, const char *set,
	    const struct store_val *vals, int n, struct err *e);
/* A timeline row of the case, without an audit entry. */
int	enf_step_row(struct store *st, struct actor *who, int64_t id,
	    const char *action, const char *note, const char *due,
	    struct err *e);
/* ENF-002: ERR_POLICY naming "officers" unless user is an active officer
 * (case:write) of the city or of town. */
int	enf_officer_fits(struct store *st, int64_t user_id, const char *town,
	    struct err *e);
/* rec[key] as a string ("" when absent or null) and as an integer (ids
 * are strings in JSON). */
const char *enf_s(const json_t *rec, const char *key);
int64_t	enf_i(const json_t *rec, const char *key);

/*
 * The money and the requirements of the case's active violations and
 * measures now (ENF-013, ENF-014, ENF-017): the fine under art. 29 (of
 * the violations of one act only the higher norm's amount counts), the
 * outcome (fine when the fine is > 0, else warning when a violation is a
 * warning, else no_penalty), whether legal review and collective
 * discussion are required and why (reasons comma-separated: major,
 * hearing, out_of_range, and the measure kinds listed by the rules).
 */
struct enf_need {
	int64_t	 fine_fen;
	char	 outcome[16];
	int	 review;
	int	 discussion;
	int	 hearing;		/* the fine reaches the hearing threshold */
	char	 reasons[200];
};
int	enf_case_need(struct store *st, int64_t id, struct enf_need *n,
	    struct err *e);

/*
 * ENF-018: seal the decision of case id: its canonical record (case no,
 * decision_no, kind, the party in masked form, the active violations
 * with item, basis and amounts, the art. 29 total fine, measures,
 * decided_on, officers) is stored in cases.decision with its SM3 hash
 * (audit_state_hash) in cases.decision_hash, together with decision_no,
 * decided_on, outcome and fine_fen, and appended to the audit trail as
 * "case.decide" on object case_decision/<id>.  kind is "decision"
 * (行政处罚决定书), "simple" (当场处罚决定书) or "no_penalty"
 * (不予行政处罚决定书).  It does not change the status, step or version:
 * the caller does, and records the case's own entry afterwards.  *out
 * (may be NULL) is the record (new).
 */
int	enf_decision_seal(struct store *st, struct actor *who, int64_t case_id,
	    const char *kind, const char *decision_no, const char *decided_on,
	    json_t **out, struct err *e);

#endif
