/*
 * Hazards (火灾隐患) from every source tracked to closure (HAZ-001..019;
 * docs/modules/hazard.md): the catalogue of hazard types, the lifecycle
 * found → ordered → reported → closed (or returned to ordered), on-the-
 * spot corrections, transfers to other departments with their own
 * clocks and disputes, overdue detection and escalation.
 */
#ifndef FW_HAZARD_H
#define FW_HAZARD_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

/* A hazard type of the catalogue (data/hazard/catalogue.json). */
struct hazard_type {
	char	 code[32];
	char	*name;
	char	*legal_basis;
	char	 dept[16];
	int	 deadline_days;
	int	 on_spot;		/* may be corrected on the spot */
	char	 status[2];		/* C | P | U */
};

/*
 * Load the catalogue (HAZ-001): clocks, number templates, departments
 * and types; strict (unknown keys, duplicate codes, a type naming an
 * unknown department, days out of range are errors naming the place).
 * Replaces what was loaded; readers see the old or the new catalogue.
 */
int	hazard_catalogue_load(const char *path, struct err *e);
/* The catalogue as served at GET /api/v1/hazards/catalogue. */
int	hazard_catalogue_json(json_t **out, struct err *e);
/* The type with this code (valid until the next load), or NULL. */
const struct hazard_type *hazard_type_find(const char *code);
/* 1 if code names a department of the catalogue. */
int	hazard_dept_known(const char *code);
/* The issuing authority of the documents (catalogue issuer.name). */
const char *hazard_issuer(void);
/*
 * HAZ-033: the rectification notice (责令改正通知书) of a hazard ordered
 * corrected, as PDF bytes appended to out; who must see the hazard.
 * ERR_POLICY naming "status" for a hazard never ordered.
 */
int	hazard_notice_pdf(struct store *st, struct actor *who, int64_t id,
	    struct buf *out, char **name, struct err *e);
/* HAZ-034: the temporary seal decision (临时查封决定书) as PDF. */
int	hazard_seal_pdf(struct store *st, struct actor *who, int64_t sid,
	    struct buf *out, char **name, struct err *e);
/*
 * HAZ-036: an enforcement case opened on hazard id is on the hazard's
 * timeline — a step "case" with the case number, status unchanged,
 * audited (hazard.case) — in the caller's transaction.  The caller has
 * checked that the case and the hazard are of the same unit.
 */
int	hazard_note_case(struct store *st, struct actor *who, int64_t id,
	    const char *case_no, struct err *e);
/* A clock of the catalogue in days ("recheck_days" …), -1 if unknown. */
int	hazard_clock(const char *name);

/*
 * The next business number of a series ("hazard", "notice", "listing",
 * "seal") for a year, formatted with the catalogue's template, in the
 * caller's transaction (HAZ-008).  out is a new string.
 */
int	hazard_next_no(struct store *st, const char *series, int year,
	    char **out, struct err *e);

/* A hazard to record (hazard_create). */
struct hazard_new {
	int64_t		 unit_id;
	const char	*type_code;	/* catalogue type, or NULL */
	const char	*source;	/* inspection | patrol | police | tipoff
					 * | self | iot | officer */
	int64_t		 source_id;	/* the source record, 0 for none */
	const char	*item_code;	/* checklist item, or NULL */
	const char	*description;
	const char	*legal_basis;	/* NULL: the type's */
	const char	*location;	/* where in the place, or NULL */
	const int64_t	*photos;	/* file ids (already attached or to
					 * attach: see attach_photos) */
	int		 nphotos;
	int		 attach_photos;	/* attach the photos to the hazard */
	int		 on_spot;	/* corrected on the spot: closed */
	/* > 0 ordered with this deadline; 0 the type's default (ordered);
	 * -1 found, the officer decides later. */
	int		 deadline_days;
	const char	*dept;		/* NULL: the type's, else fire */
};

/*
 * HAZ-002..005: record a hazard in the caller's transaction, numbered,
 * with its first step, audited (hazard.create) and, unless corrected on
 * the spot, a risk event for the unit.  The caller has checked that who
 * may see the unit.  *id receives the new id.
 */
int	hazard_create(struct store *st, struct actor *who,
	    const struct hazard_new *h, int64_t *id, struct err *e);

/* POST /api/v1/hazards: a hazard an officer, grid worker or police
 * station records directly (source officer|patrol|police). */
int	hazard_new_api(struct store *st, struct actor *who, const json_t *in,
	    json_t **out, struct err *e);

/* The stored record (audit verify --deep and every answer). */
int	hazard_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

/*
 * HAZ-006: one hazard with its steps, transfers, judgements, listings
 * and seals, if who may see it (town, grid, unit, or a department it was
 * transferred to); else ERR_NOT_FOUND.
 */
int	hazard_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);

/* Filters of the hazard list. */
struct hazard_filter {
	const char	*status;	/* one status, or NULL */
	const char	*town;
	int64_t		 unit_id;
	int64_t		 grid_id;
	const char	*source;
	const char	*level;		/* general | major */
	const char	*dept;
	const char	*q;		/* number or description text */
	int		 overdue;	/* only those past their step's due */
	int		 escalated;
	const char	*from, *to;	/* found_on range */
	const char	*sort;		/* found_on | -found_on | step_due … */
};

/* HAZ-007: the hazards who may see, filtered, sorted and paged. */
int	hazard_list(struct store *st, struct actor *who,
	    const struct hazard_filter *f, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
/* The same rows for an export (CSV or Excel), at most max rows. */
int	hazard_export(struct store *st, struct actor *who,
	    const struct hazard_filter *f, const char *format, int64_t max,
	    struct buf *out, const char **ctype, struct err *e);
/* HAZ-018: per town, open / overdue / escalated / major / closed this
 * year — the town heat table. */
int	hazard_summary(struct store *st, struct actor *who, json_t **out,
	    struct err *e);

/* Steps (If-Match: the version the caller saw). */
/* HAZ-009: found → ordered, with deadline_days and a notice number. */
int	hazard_order(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
/* HAZ-010: the unit reports the rectification (note, photos). */
int	hazard_report(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
/* HAZ-011: re-check pass → closed; fail → ordered again (returned). */
int	hazard_recheck(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
/* HAZ-012: a found hazard closed as not a hazard (with a reason). */
int	hazard_dismiss(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);

/* Transfers (HAZ-013..017). */
int	hazard_transfer(struct store *st, struct actor *who, int64_t id,
	    const json_t *in, json_t **out, struct err *e);
int	hazard_transfer_list(struct store *st, struct actor *who,
	    const char *status, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
int	hazard_transfer_accept(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	hazard_transfer_return(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	hazard_transfer_complete(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	hazard_transfer_dispute(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	hazard_transfer_decide(struct store *st, struct actor *who,
	    int64_t id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	hazard_transfer_record(struct store *st, const char *id,
	    json_t **out, struct err *e);

/*
 * The job hazard.escalate (HAZ-019): every open hazard and transfer
 * whose step is past due is escalated to its town (1); one still open
 * escalate_city_days working days after that goes to the city (2).
 * Each escalation is audited.  Appends "escalated N to town, M to city".
 */
int	hazard_job_escalate(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);

/* Major hazards (hazard_major.c): GB 35181 judgements (HAZ-020..023). */
int	hazard_judge_api(struct store *st, struct actor *who, int64_t id,
	    const json_t *in, json_t **out, struct err *e);
int	hazard_judgement_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
/* Listing for supervision, 挂牌督办 (HAZ-024..027). */
int	hazard_listing_new(struct store *st, struct actor *who, int64_t id,
	    const json_t *in, json_t **out, struct err *e);
int	hazard_listing_list(struct store *st, struct actor *who,
	    const char *status, const char *level, int64_t offset,
	    int64_t limit, json_t **items, int64_t *total, struct err *e);
int	hazard_listing_report(struct store *st, struct actor *who,
	    int64_t lid, const json_t *in, json_t **out, struct err *e);
/* The progress reports of a listing, newest first (paged). */
int	hazard_listing_reports(struct store *st, struct actor *who,
	    int64_t lid, int64_t offset, int64_t limit, json_t **items,
	    int64_t *total, struct err *e);
int	hazard_listing_delist(struct store *st, struct actor *who,
	    int64_t lid, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
/* The published listings still in force, for the public portal. */
int	hazard_listing_public(struct store *st, int64_t offset,
	    int64_t limit, json_t **items, int64_t *total, struct err *e);
int	hazard_listing_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
int	hazard_listing_report_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
/* Temporary seals, 临时查封 (HAZ-028..032). */
int	hazard_seal_new(struct store *st, struct actor *who, int64_t id,
	    const json_t *in, json_t **out, struct err *e);
int	hazard_seal_extend(struct store *st, struct actor *who, int64_t sid,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	hazard_seal_apply_lift(struct store *st, struct actor *who,
	    int64_t sid, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	hazard_seal_lift(struct store *st, struct actor *who, int64_t sid,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	hazard_seal_refuse_lift(struct store *st, struct actor *who,
	    int64_t sid, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
int	hazard_seal_list(struct store *st, struct actor *who,
	    const char *status, int64_t offset, int64_t limit, json_t **items,
	    int64_t *total, struct err *e);
int	hazard_seal_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

/* A unit moved to another town or grid: its open hazards follow
 * (HAZ-006), each audited as hazard.relocate. */
int	hazard_unit_moved(struct store *st, struct actor *who, int64_t unit_id,
	    const char *town, int64_t grid_id, struct err *e);

/*
 * The demo city's hazards (hazard_seed.c): one for every every-th active
 * unit (at most 2 000), in the caller's transaction, only into an empty
 * table.  *made receives the count.
 */
int	hazard_seed_demo(struct store *st, struct actor *who, int64_t every,
	    int64_t *made, struct err *e);

/*
 * HAZ-035 (hazard_iot.c): close a hazard the IoT monitoring opened
 * (source iot) as restored, in the caller's transaction: a step, the
 * town's closed count, audited hazard.close.  who must see it (else
 * ERR_NOT_FOUND); the caller checked that who may confirm the repair.
 * A hazard closed already is left as it is (0); ERR_POLICY for another
 * source or a transferred hazard.
 */
int	hazard_iot_close(struct store *st, struct actor *who, int64_t id,
	    const char *note, struct err *e);

/* Files attached to a hazard (photos of findings and reports): who
 * sees the hazard may read them. */
int	hazard_can_read(struct store *st, struct actor *who, int64_t id,
	    struct err *e);

#endif
