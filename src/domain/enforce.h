/*
 * Enforcement cases (执法办案; ENF-001..; docs/modules/enforce.md): the
 * rules (clocks, thresholds, numbers) as data, officers' certificates and
 * conflicts, cases under the simple and the general procedure, their
 * violations with the discretion engine's suggestion (penalty.h), evidence,
 * notification and hearing, legal review and collective discussion, the
 * decision bound into the audit trail by its hash, service, payment with
 * late fees, publication, measures, closure and the archive.
 *
 * Files: enforce.c (rules, numbers, officers, create, read, list,
 * violations, evidence, measures), enforce_flow.c (the steps after
 * filing), enforce_job.c (the clocks), enforce_pay.c (payment notices,
 * callbacks, late fees), enforce_doc.c (PDF documents), enforce_pub.c
 * (publication), enforce_flag.c (out-of-range and outlier flags).
 */
#ifndef FW_ENFORCE_H
#define FW_ENFORCE_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

/* ---- rules (enforce.c) ------------------------------------------------ */

/* Load data/enforce/rules.json strictly (errors name the place). */
int	enforce_rules_load(const char *path, struct err *e);
/* The rules as served at GET /api/v1/cases/rules. */
int	enforce_rules_json(json_t **out, struct err *e);
/* A clock of the rules ("decision_days", "service_workdays" …) or -1. */
int	enforce_clock(const char *name);
/* simple_procedure.max_yuan, hearing_threshold_yuan, review.fine_yuan,
 * discussion.fine_yuan for party "unit" | "individual"; -1 if unknown. */
int64_t	enforce_limit_yuan(const char *which, const char *party);
/* 1 if the measure kind is listed in review.measures / discussion.measures
 * (which: "review" | "discussion"). */
int	enforce_measure_needs(const char *which, const char *kind);
/* The measure kind of the rules, or NULL: coercive and grounds. */
struct enforce_measure {
	const char	*kind;
	const char	*name_zh;
	int		 coercive;
	const char	*const *grounds;	/* NULL-terminated */
};
const struct enforce_measure *enforce_measure_find(const char *kind);
/* late_fee.permille_per_day (30 = 3 %). */
int	enforce_late_permille(void);
/* outliers.min_samples and outliers.z_threshold. */
int	enforce_outlier_min(void);
double	enforce_outlier_z(void);
/* The issuing authority (issuer.name). */
const char *enforce_issuer(void);
/*
 * The next number of a series of the rules' "numbers" ("case", "notice",
 * "decision", "no_penalty", "simple", "hearing", "payment") for year, in
 * the caller's transaction; *out is new.
 */
int	enforce_next_no(struct store *st, const char *series, int year,
	    char **out, struct err *e);

/* ---- officers (enforce.c) --------------------------------------------- */

/*
 * ENF-003/004: may user act in a case of this party on day?  A valid
 * certificate (active, issued_on <= day <= valid_to) is required and no
 * active conflict with the party (unit_id, or party_name of an individual
 * when unit_id is 0).  On success the certificate's number is copied to
 * cert_no.  ERR_POLICY naming "officers" with a message that names the
 * officer's login and the reason otherwise.
 */
int	enforce_officer_check(struct store *st, int64_t user_id,
	    int64_t unit_id, const char *party_name, const char *day,
	    char cert_no[64], struct err *e);
/*
 * ENF-003/004 records (officer:manage; a town's manager only its own
 * officers): certificates {user_id, cert_no, issued_on, valid_to},
 * revoked with {reason}; conflicts {user_id, unit_id | party_name,
 * relation, note?, from_on?, to_on?}, ended with {note?}.  Audited as
 * officer_cert.* / officer_conflict.*.
 */
int	enforce_cert_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
int	enforce_cert_revoke(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	enforce_conflict_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
int	enforce_conflict_end(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
struct enforce_officer_filter {
	int64_t		 user_id;
	int64_t		 unit_id;	/* conflicts */
	const char	*status;
	const char	*valid_on;	/* certificates valid on the day */
};
/* A page of certificates (cert 1) or conflicts (cert 0). */
int	enforce_officer_list(struct store *st, struct actor *who, int cert,
	    const struct enforce_officer_filter *f, int64_t offset,
	    int64_t limit, json_t **items, int64_t *total, struct err *e);
/* Canonical records for `audit verify --deep`: officer_cert,
 * officer_conflict, case (the row without sealed columns) and
 * case_decision (the sealed decision record). */
int	enforce_cert_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	enforce_conflict_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
int	enforce_case_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	enforce_decision_record(struct store *st, const char *id,
	    json_t **out, struct err *e);

/* ---- cases (enforce.c) ------------------------------------------------ */

/*
 * The case as the documents, payments and publication need it: the row
 * with its officers, active violations, measures, hearings, reviews,
 * discussions and payments; personal data unsealed when unseal is 1
 * (documents served on the party), masked otherwise.  No access check:
 * callers check with enforce_case_can_read() first.
 */
int	enforce_case_full(struct store *st, int64_t id, int unseal,
	    json_t **out, struct err *e);
/* ERR_NOT_FOUND unless who may see case id (permission and jurisdiction). */
int	enforce_case_can_read(struct store *st, struct actor *who, int64_t id,
	    struct err *e);
/*
 * Append a timeline step to case id and its audit entry ("case.<action>"
 * with the case's canonical record), in the caller's transaction.
 */
int	enforce_case_step(struct store *st, struct actor *who, int64_t id,
	    const char *action, const char *note, const char *due,
	    struct err *e);
/* files.h owner "case": 1 if who may read case id (its evidence), 0 if
 * not, or a negative ERR_*. */
int	enforce_case_files_can_read(struct store *st, struct actor *who,
	    int64_t id, struct err *e);

/* ---- case records (enforce_case.c; ENF-005..017) ---------------------- */

/* POST /cases: the body of docs/modules/enforce.md; *out the full case. */
int	enforce_case_create(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);
/* GET /cases/{id}: the full case, personal data masked. */
int	enforce_case_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/* The full case with personal data in clear: registry:unmask and
 * {reason} (4..200 characters); audited as case.unmask. */
int	enforce_case_unmask(struct store *st, struct actor *who, int64_t id,
	    const json_t *in, json_t **out, struct err *e);
/* Changes of a case (If-Match: expected), each answering the full case. */
int	enforce_case_add_violation(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	enforce_case_withdraw_violation(struct store *st, struct actor *who,
	    int64_t id, int64_t vid, int64_t expected, const json_t *in,
	    json_t **out, struct err *e);
int	enforce_case_add_evidence(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	enforce_case_add_measure(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	enforce_case_add_officer(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	enforce_case_recuse(struct store *st, struct actor *who, int64_t id,
	    int64_t uid, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
struct enforce_case_filter {
	const char	*status;
	const char	*procedure;
	const char	*source;
	const char	*town;
	int64_t		 unit_id;
	int		 mine;		/* cases where who is an active officer */
	int		 overdue;
	const char	*q;		/* case no, decision no or party name */
	const char	*sort;		/* -created | step_due | -fine | filed_on */
};
int	enforce_case_list(struct store *st, struct actor *who,
	    const struct enforce_case_filter *f, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
/* The same cases as CSV or XLSX (format), at most max rows. */
int	enforce_case_export(struct store *st, struct actor *who,
	    const struct enforce_case_filter *f, const char *format,
	    int64_t max, struct buf *out, const char **ctype, struct err *e);
/* POST /penalty/suggest: the engine's answer for the body, the JSON of
 * `firewarden penalty suggest`. */
int	enforce_penalty_suggest(struct store *st, struct actor *who,
	    const json_t *in, json_t **out, struct err *e);

/* ---- the archive (enforce_archive.c) ---------------------------------- */

/*
 * ENF-070..072: the archive of case id (一案一档) as JSON: the case
 * (masked), the catalogue of the case file in order, the documents that
 * exist with their numbers and addresses, the evidence with each file's
 * SM3, the decision record checked against its sealed hash, and the
 * case's audit entries.  ERR_NOT_FOUND unless who may read the case.
 */
int	enforce_archive(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);

/* ---- payments (enforce_pay.c) ----------------------------------------- */

/*
 * ENF-030: open the payment notice of a served fine in the caller's
 * transaction: a new payment code (numbers.payment), amount fine_fen, due
 * the last day to pay; *out (may be NULL) the payment as JSON.
 */
int	enforce_pay_open(struct store *st, int64_t case_id, int64_t fine_fen,
	    const char *due, json_t **out, struct err *e);
/*
 * ENF-033: the late fee (加处罚款) owed on paid_on for a fine due on due:
 * permille_per_day of the fine for every day after due, capped at the
 * fine (行政处罚法 art. 72).  0 when paid_on <= due.
 */
int64_t	enforce_late_fee(int64_t fine_fen, const char *due, const char *paid_on,
	    int permille_per_day);
/* Load the platforms' shared keys from dir (var/keys/payment). */
int	enforce_pay_keys_load(const char *dir, struct err *e);

/* ---- documents (enforce_doc.c) ---------------------------------------- */

/*
 * ENF-040: a document of the case as PDF bytes appended to out: kind
 * notice (行政处罚告知书) | decision (行政处罚决定书, also the simple
 * procedure's) | no_penalty (不予行政处罚决定书) | payment (缴款通知书) |
 * hearing (听证通知书).  ERR_POLICY naming "kind" when the case has no
 * such document yet; *name is the download name (new).
 */
int	enforce_pdf(struct store *st, struct actor *who, int64_t id,
	    const char *kind, struct buf *out, char **name, struct err *e);

/* ---- publication (enforce_pub.c) -------------------------------------- */

/*
 * ENF-050: publish the decision of case id in the caller's transaction:
 * the public text without ID numbers, phone numbers or home addresses
 * (P-3).  Idempotent: a published case is left as it is.
 */
int	enforce_publish(struct store *st, struct actor *who, int64_t id,
	    struct err *e);

/* ---- jobs --------------------------------------------------------------- */

/* enforce.clocks (enforce_job.c): flag overdue steps, decisions and
 * services; enforce.payments (enforce_pay.c): mark unpaid fines overdue
 * and accrue late fees; enforce.publish (enforce_pub.c): publish the
 * decisions whose publish_due has come. */
int	enforce_job_clocks(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);
int	enforce_job_payments(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);
int	enforce_job_publish(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);

/* ---- the demo city (enforce_seed.c) ------------------------------------ */

/*
 * `serve --seed-demo-if-empty` (docs/modules/enforce_seed.md): only when
 * the cases table is empty, in the caller's transaction, through the
 * modules' own functions (numbered, audited): the users demo-officer-a,
 * demo-officer-b (officers of town 441900003 — or of the town of the
 * first active unit when it has none — with certificates DEMO-<town>-01,
 * -02) and demo-legal (legal reviewer, city), each with a random
 * one-time password that must be changed (A-5; out->acct, to be shown
 * once and wiped with enforce_seed_clear), and eight cases on the town's
 * units: filed, notified, in review, decided, served with the fine due,
 * a simple-procedure warning closed, a no-penalty decision closed and a
 * published decision.  out->cases is the number made (0 when cases
 * existed, or the city has no active unit).
 */
#define ENFORCE_SEED_ACCTS	3
struct enforce_seed {
	int64_t	 cases;
	int	 naccts;
	struct {
		char	login[33];
		char	password[24];
	} acct[ENFORCE_SEED_ACCTS];
};
int	enforce_seed_demo(struct store *st, struct actor *who,
	    struct enforce_seed *out, struct err *e);
void	enforce_seed_clear(struct enforce_seed *s);

#endif
