/*
 * Enforcement cases, before the decision (ENF-005..019): opening a case
 * under the simple or the general procedure with its party, source and
 * officers, violations weighed by the discretion engine (penalty.h),
 * evidence, measures, officers added and recused, the list and its
 * export, and the engine's suggestion over HTTP.  The rules, officers'
 * certificates and the shared case functions are enforce.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "enforce.h"
#include "enforce_int.h"
#include "files.h"
#include "hazard.h"
#include "ident.h"
#include "penalty.h"
#include "pii.h"
#include "rec.h"
#include "registry_int.h"

#define ENF_VIOLATIONS_MAX	20
#define ENF_OFFICERS_MAX	10

/* e->field becomes <prefix>.<field> (violations[1].item). */
static int
enf_in(const char *prefix, int rc, struct err *e)
{
	struct buf	b;

	if (rc < 0 && prefix != NULL && *prefix) {
		buf_init(&b);
		buf_printf(&b, "%s%s%s", prefix, *e->field ? "." : "",
		    e->field);
		if (b.len >= sizeof(e->field))
			b.len = sizeof(e->field) - 1;
		memcpy(e->field, b.data, b.len);
		e->field[b.len] = '\0';
		buf_free(&b);
	}
	return rc;
}

static int
enf_bool(const json_t *in, const char *key, int *out, struct err *e)
{
	const json_t	*v = json_object_get(in, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return err_set(e, ERR_TYPE, key, "%s must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

static int
enf_int(const json_t *in, const char *key, int64_t min, int64_t max,
    int64_t def, int64_t *out, struct err *e)
{
	const json_t	*v = json_object_get(in, key);

	*out = def;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return err_set(e, ERR_TYPE, key, "%s must be a whole number", key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return err_set(e, ERR_RANGE, key, "%s must be %lld to %lld", key,
		    (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

/*
 * The engine's query from a body (the facts of one violation): strings
 * point into in.  party and age come from the case (or the body of
 * /penalty/suggest).
 */
static int
enf_query(const json_t *in, struct penalty_query *q, json_t **qj,
    struct err *e)
{
	const json_t	*v, *x;
	const char	*s;
	size_t		 i;
	int		 rc;

	if ((s = json_string_value(json_object_get(in, "item"))) == NULL)
		return err_set(e, json_object_get(in, "item") ? ERR_TYPE :
		    ERR_MISSING, "item", "item is required (e.g. FPL-60-3)");
	q->item = s;
	if ((s = json_string_value(json_object_get(in, "tier"))) == NULL)
		return err_set(e, json_object_get(in, "tier") ? ERR_TYPE :
		    ERR_MISSING, "tier", "tier is required: minor, general or "
		    "serious");
	if ((rc = penalty_tier_parse(s, &q->tier, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "band")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, "band", "band must be text");
		q->band = json_string_value(v);
	}
	if ((rc = enf_int(in, "area", 0, PENALTY_AREA_MAX, -1, &q->area,
	    e)) < 0)
		return rc;
	if ((rc = enf_bool(in, "first", &q->first, e)) < 0 ||
	    (rc = enf_bool(in, "corrected", &q->corrected, e)) < 0 ||
	    (rc = enf_bool(in, "self_found", &q->self_found, e)) < 0 ||
	    (rc = enf_bool(in, "no_fault", &q->no_fault, e)) < 0 ||
	    (rc = enf_bool(in, "reduce", &q->reduce, e)) < 0)
		return rc;
	if ((v = json_object_get(in, "harm")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, "harm", "harm must be none, "
			    "minor or serious");
		if ((rc = penalty_harm_parse(json_string_value(v), &q->harm,
		    e)) < 0)
			return rc;
	}
	if ((v = json_object_get(in, "mitigating")) != NULL &&
	    !json_is_null(v)) {
		if (!json_is_array(v) || json_array_size(v) > 5)
			return err_set(e, ERR_INVALID, "mitigating", "mitigating "
			    "must be a list of grounds of 行政处罚法 art. 32");
		json_array_foreach(v, i, x) {
			unsigned	g;

			if (!json_is_string(x))
				return err_set(e, ERR_TYPE, "mitigating",
				    "mitigating: grounds are text");
			if ((rc = penalty_ground_parse(json_string_value(x), &g,
			    e)) < 0)
				return rc;
			q->grounds |= g;
		}
	}
	*qj = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:b, s:b, s:s, s:b, s:b, "
	    "s:O?, s:o, s:b}", "item", q->item, "party",
	    penalty_party_str(q->party), "tier", penalty_tier_str(q->tier),
	    "band", q->band, "area", q->area >= 0 ? json_integer(q->area) :
	    json_null(), "first", q->first,
	    "corrected", q->corrected, "harm", penalty_harm_str(q->harm),
	    "self_found", q->self_found, "no_fault", q->no_fault,
	    "mitigating", json_object_get(in, "mitigating"),
	    "age", q->age >= 0 ? json_integer(q->age) : json_null(),
	    "reduce", q->reduce);
	return 0;
}

int
enforce_penalty_suggest(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "item", "party", "tier", "band",
	    "area", "first", "corrected", "harm", "self_found", "no_fault",
	    "mitigating", "age", "reduce", "amount", NULL };
	struct penalty_query		 q;
	const char			*party;
	json_t				*qj = NULL, *j = NULL;
	int64_t				 age, yuan;
	int				 rc;

	(void)st;
	if ((rc = reg_need(who, "case:read", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	penalty_query_init(&q);
	if ((party = json_string_value(json_object_get(in, "party"))) == NULL)
		return err_set(e, ERR_MISSING, "party", "party is required: unit "
		    "or individual");
	if ((rc = penalty_party_parse(party, &q.party, e)) < 0 ||
	    (rc = enf_int(in, "age", 0, PENALTY_AGE_MAX, -1, &age, e)) < 0 ||
	    (rc = enf_int(in, "amount", 0, PENALTY_YUAN_MAX, -1, &yuan, e)) < 0)
		return rc;
	q.age = (int)age;
	if ((rc = enf_query(in, &q, &qj, e)) < 0)
		return rc;
	/* The JSON of `firewarden penalty suggest` (penalty_answer_json). */
	if ((rc = penalty_answer_json(&q, yuan, &j, e)) < 0)
		goto out;
	*out = j;
	j = NULL;
out:
	json_decref(qj);
	json_decref(j);
	return rc;
}

/* One violation as stored (ENF-009..013). */
struct enf_vin {
	int64_t		 act;
	const char	*item;
	const char	*version;
	const char	*tier;
	char		*facts;
	char		*query;
	char		*suggestion;
	const char	*outcome;
	int64_t		 amount_fen;
	const char	*check;
	char		*justification;
	int		 first_exempt;
	char		*exempt_reason;
	int		 warning_lawful;
};

static void
enf_vin_free(struct enf_vin *v)
{
	free(v->facts);
	free(v->query);
	free(v->suggestion);
	free(v->justification);
	free(v->exempt_reason);
	memset(v, 0, sizeof(*v));
}

/*
 * Weigh one violation of a case of party (age -1: unknown): the engine's
 * suggestion from the facts, and what the officer proposes checked
 * against it.  Field errors name the key (the caller prefixes them).
 */
static int
enf_violation(const json_t *in, const char *party, int age,
    struct enf_vin *v, struct err *e)
{
	static const char *const allowed[] = { "act", "item", "tier", "band",
	    "area", "first", "corrected", "harm", "self_found", "no_fault",
	    "mitigating", "reduce", "facts", "amount", "warning",
	    "first_exempt", "exempt_reason", "justification", NULL };
	struct penalty_suggestion	*s = xmalloc(sizeof(*s));
	struct penalty_query		 q;
	enum penalty_amount_check	 chk;
	json_t				*qj = NULL, *sj = NULL;
	int64_t				 yuan;
	int				 warn, rc;

	memset(v, 0, sizeof(*v));
	penalty_query_init(&q);
	q.age = age;
	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = penalty_party_parse(party, &q.party, e)) < 0 ||
	    (rc = enf_int(in, "act", 1, 100, 0, &v->act, e)) < 0 ||
	    (rc = enf_query(in, &q, &qj, e)) < 0)
		goto out;
	if (json_object_get(in, "facts") == NULL) {
		rc = err_set(e, ERR_MISSING, "facts", "facts is required");
		goto out;
	}
	if ((rc = reg_text(json_object_get(in, "facts"), "facts", 2, 2000,
	    &v->facts, e)) < 0 ||
	    (rc = enf_text_clean("facts", v->facts, e)) < 0 ||
	    (rc = enf_int(in, "amount", 0, PENALTY_YUAN_MAX, -1, &yuan,
	    e)) < 0 || (rc = enf_bool(in, "warning", &warn, e)) < 0 ||
	    (rc = enf_bool(in, "first_exempt", &v->first_exempt, e)) < 0 ||
	    (rc = rec_opt_text(in, "exempt_reason", 2, 500, &v->exempt_reason,
	    e)) < 0 || (rc = rec_opt_text(in, "justification", 2, 2000,
	    &v->justification, e)) < 0)
		goto out;
	/* ENF-009: the engine decides the basis and the range. */
	if ((rc = penalty_suggest(&q, s, e)) < 0)
		goto out;
	v->item = s->item;
	v->version = s->version;
	v->tier = penalty_tier_str(q.tier);
	v->warning_lawful = s->warning;
	sj = penalty_suggestion_json(s);
	v->check = "not_due";
	if (s->outcome == PENALTY_NO_PENALTY) {
		/* ENF-010: 不予处罚 is mandatory (art. 33 para. 1). */
		if (yuan > 0 || warn) {
			rc = err_set(e, ERR_POLICY, yuan > 0 ? "amount" :
			    "warning", "no penalty is due for these facts "
			    "(不予处罚, 行政处罚法 art. 33; ENF-010)");
			goto out;
		}
		v->outcome = "no_penalty";
	} else if (v->first_exempt) {
		/* ENF-011: 首违不罚 is the officer's, with a reason, only
		 * where the engine proposes it. */
		if (!s->first_exemption) {
			rc = err_set(e, ERR_POLICY, "first_exempt", "首违不罚 does "
			    "not apply: the engine does not propose it for "
			    "these facts (first violation, minor harm, "
			    "corrected in time; ENF-011)");
			goto out;
		}
		if (v->exempt_reason == NULL) {
			rc = err_set(e, ERR_POLICY, "exempt_reason", "say why the "
			    "first violation goes unpunished (首违不罚, "
			    "行政处罚法 art. 33; ENF-011)");
			goto out;
		}
		if (yuan > 0 || warn) {
			rc = err_set(e, ERR_POLICY, yuan > 0 ? "amount" :
			    "warning", "an exempted violation has no penalty");
			goto out;
		}
		v->outcome = "no_penalty";
	} else if (warn || s->outcome == PENALTY_WARNING) {
		if (!s->warning) {
			rc = err_set(e, ERR_POLICY, "warning", "%s does not "
			    "allow a warning", s->item);
			goto out;
		}
		if (yuan > 0) {
			rc = err_set(e, ERR_POLICY, "amount", "a warning has no "
			    "amount");
			goto out;
		}
		v->outcome = "warning";
	} else {
		if (yuan < 0) {
			rc = err_set(e, ERR_MISSING, "amount", "amount (yuan) is "
			    "required: the suggested range is %lld to %lld",
			    (long long)s->range.min, (long long)s->range.max);
			goto out;
		}
		if ((rc = penalty_check_amount(s, yuan, &chk, e)) < 0)
			goto out;
		switch (chk) {
		case PENALTY_AMOUNT_BELOW_MINIMUM:
		case PENALTY_AMOUNT_ABOVE_MAXIMUM:
			/* ENF-012: never outside the law's range. */
			rc = err_set(e, ERR_POLICY, "amount", "%lld yuan is "
			    "outside the statutory range %lld to %lld of %s "
			    "(ENF-012)", (long long)yuan, (long long)
			    s->statutory.min, (long long)s->statutory.max,
			    s->item);
			goto out;
		case PENALTY_AMOUNT_NOT_DUE:
			rc = err_set(e, ERR_POLICY, "amount", "no fine is due "
			    "for these facts");
			goto out;
		case PENALTY_AMOUNT_BELOW_RANGE:
		case PENALTY_AMOUNT_ABOVE_RANGE:
			/* ENF-012: outside the suggested range, only with a
			 * written justification, and legal review follows. */
			if (v->justification == NULL) {
				rc = err_set(e, ERR_POLICY, "justification",
				    "%lld yuan is outside the suggested range "
				    "%lld to %lld: give a justification "
				    "(ENF-012)", (long long)yuan,
				    (long long)s->range.min,
				    (long long)s->range.max);
				goto out;
			}
			break;
		default:
			break;
		}
		/* The schema's words: in_range, below_range, above_range. */
		v->check = chk == PENALTY_AMOUNT_BELOW_RANGE ? "below_range" :
		    chk == PENALTY_AMOUNT_ABOVE_RANGE ? "above_range" :
		    "in_range";
		v->outcome = "fine";
		v->amount_fen = yuan * 100;
	}
	if (json_object_get(in, "exempt_reason") != NULL && !v->first_exempt) {
		rc = err_set(e, ERR_INVALID, "exempt_reason", "exempt_reason "
		    "goes with first_exempt");
		goto out;
	}
	json_object_set_new(qj, "version", json_string(s->version));
	v->query = jx_dump(qj);
	v->suggestion = jx_dump(sj);
	rc = 0;
out:
	json_decref(qj);
	json_decref(sj);
	free(s);
	if (rc < 0)
		enf_vin_free(v);
	return rc;
}

/* Store a weighed violation as the next of case id; without an act
 * number it is an act of its own, numbered above floor. */
static int
enf_violation_store(struct store *st, struct actor *who, int64_t case_id,
    struct enf_vin *v, int64_t floor, struct err *e)
{
	int64_t	seq = 0, act = v->act, same = 0;
	char	by[24];
	int	rc;

	if ((rc = store_query_int(st, "SELECT COALESCE(MAX(seq), 0) FROM "
	    "case_violations WHERE case_id = ?", STORE_ARGS(SV_I(case_id)),
	    &seq, e)) < 0)
		return rc;
	if (act == 0) {
		if ((rc = store_query_int(st, "SELECT COALESCE(MAX(act), 0) "
		    "FROM case_violations WHERE case_id = ?",
		    STORE_ARGS(SV_I(case_id)), &act, e)) < 0)
			return rc;
		act = (act > floor ? act : floor) + 1;
	}
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM case_violations "
	    "WHERE case_id = ? AND act = ? AND item = ? AND status = 'active'",
	    STORE_ARGS(SV_I(case_id), SV_I(act), SV_S(v->item)), &same,
	    e)) < 0)
		return rc;
	if (same > 0)
		return err_set(e, ERR_POLICY, "item", "act %lld already has a "
		    "violation of %s", (long long)act, v->item);
	actor_audit_name(who, by);
	return store_exec(st, "INSERT INTO case_violations (id, case_id, seq, "
	    "act, item, items_version, tier, query, facts, suggestion, "
	    "outcome, amount_fen, amount_check, justification, first_exempt, "
	    "exempt_reason, status, created_at, created_by) VALUES (?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
	    STORE_ARGS(SV_I(id_next()), SV_I(case_id), SV_I(seq + 1),
	    SV_I(act), SV_S(v->item), SV_S(v->version), SV_S(v->tier),
	    SV_S(v->query), SV_S(v->facts), SV_S(v->suggestion),
	    SV_S(v->outcome), SV_I(v->amount_fen), SV_S(v->check),
	    SV_S(v->justification), SV_I(v->first_exempt),
	    SV_S(v->exempt_reason), SV_I(clock_now()), SV_S(by)), NULL, e);
}

/* The review requirements and the proposed fine, recomputed (ENF-014). */
static int
enf_recompute(struct store *st, const json_t *rec, struct err *e)
{
	struct enf_need	nd;
	int		rc;

	if ((rc = enf_case_need(st, enf_i(rec, "id"), &nd, e)) < 0)
		return rc;
	return enf_case_set(st, rec, "review_required = ?, review_reasons = "
	    "?, discussion_required = ?, fine_fen = ?",
	    (struct store_val[]){ SV_I(nd.review), *nd.reasons ?
	    SV_S(nd.reasons) : SV_N, SV_I(nd.discussion), SV_I(nd.fine_fen) },
	    4, e);
}

/* The full case answered after a change, with its audit entry. */
static int
enf_done(struct store *st, struct actor *who, int64_t id, const char *action,
    const char *note, const char *due, json_t **out, struct err *e)
{
	int	rc;

	if ((rc = enforce_case_step(st, who, id, action, note, due, e)) < 0)
		return rc;
	return enforce_case_full(st, id, 0, out, e);
}

/* A phone: a mobile number or a landline with its area code. */
static int
enf_phone_ok(const char *s)
{
	size_t	n = strlen(s), i, dash = 0;

	if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9') {
		for (i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return 1;
	}
	if (n < 10 || n > 20 || s[0] != '0')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '-' && i > 2 && dash++ < 2)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return 1;
}

/* The sealed personal data of an individual party (P-1). */
struct enf_party {
	char	*name;
	char	*idno;		/* sealed */
	char	 idno_idx[PII_INDEX_HEX + 1];
	char	*phone;		/* sealed */
	char	*address;	/* sealed */
	int64_t	 age;
	char	*code;		/* USCC of a unit */
};

static void
enf_party_free(struct enf_party *p)
{
	free(p->name);
	free(p->idno);
	free(p->phone);
	free(p->address);
	free(p->code);
}

static int
enf_party_individual(const json_t *in, struct enf_party *p, struct err *e)
{
	const json_t	*v;
	char		 norm[IDENT_IDCARD_LEN + 1], *plain = NULL;
	int		 rc;

	if ((v = json_object_get(in, "party_name")) == NULL)
		return err_set(e, ERR_MISSING, "party_name", "party_name is "
		    "required for an individual party");
	if ((rc = reg_text(v, "party_name", 2, 50, &p->name, e)) < 0 ||
	    (rc = enf_int(in, "party_age", 0, PENALTY_AGE_MAX, -1, &p->age,
	    e)) < 0)
		return rc;
	if ((v = json_object_get(in, "party_idno")) != NULL &&
	    !json_is_null(v)) {
		if (!json_is_string(v) || json_string_length(v) > 18)
			return err_set(e, ERR_INVALID, "party_idno", "party_idno "
			    "must be an ID card number");
		/* GB 11643: check character and birth date. */
		if ((rc = ident_idcard_check(json_string_value(v), "party_idno",
		    norm, e)) < 0)
			return rc;
		rc = pii_seal(norm, &p->idno, e);
		if (rc == 0)
			rc = pii_index("idno", norm, p->idno_idx, e);
		mem_wipe(norm, sizeof(norm));
		if (rc < 0)
			return rc;
	}
	if ((rc = rec_opt_text(in, "party_phone", 7, 20, &plain, e)) < 0)
		return rc;
	if (plain != NULL) {
		if (!enf_phone_ok(plain)) {
			mem_free_secret(plain);
			return err_set(e, ERR_INVALID, "party_phone", "party_phone "
			    "must be a mobile number of 11 digits or a "
			    "landline like 0769-22221234");
		}
		rc = pii_seal(plain, &p->phone, e);
		mem_free_secret(plain);
		plain = NULL;
		if (rc < 0)
			return rc;
	}
	if ((rc = rec_opt_text(in, "party_address", 2, 200, &plain, e)) < 0)
		return rc;
	if (plain != NULL) {
		rc = pii_seal(plain, &p->address, e);
		mem_free_secret(plain);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ENF-007: the source record exists and is of the same unit. */
static int
enf_source(struct store *st, const json_t *in, const char *source,
    int64_t unit_id, int64_t *sid, struct err *e)
{
	static const struct { const char *src, *table; } t[] = {
		{ "hazard", "hazards" },
		{ "inspection", "inspection_checks" },
		{ "permit", "permits" },
	};
	const json_t	*v = json_object_get(in, "source_id");
	char		*sql;
	int64_t		 n = 0;
	size_t		 i;
	int		 rc;

	*sid = 0;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].src, source) == 0)
			break;
	if (i == sizeof(t) / sizeof(t[0])) {
		if (v != NULL && !json_is_null(v))
			return err_set(e, ERR_INVALID, "source_id", "a %s case "
			    "names no source record", source);
		return 0;
	}
	if (v == NULL || json_is_null(v))
		return err_set(e, ERR_MISSING, "source_id", "source_id is "
		    "required: the %s the case comes from", source);
	if ((rc = reg_json_id(v, "source_id", sid, e)) < 0)
		return rc;
	sql = xasprintf("SELECT COUNT(*) FROM %s WHERE id = ? AND unit_id = ?",
	    t[i].table);
	rc = store_query_int(st, sql, STORE_ARGS(SV_I(*sid), SV_I(unit_id)),
	    &n, e);
	free(sql);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "source_id", "no %s %lld of "
		    "this unit", source, (long long)*sid);
	return 0;
}

/* ENF-002..005: the officers of a new case, checked on day. */
struct enf_off {
	int64_t	 user_id;
	int	 lead;
	char	 cert_no[64];
};

static int
enf_officers(struct store *st, const json_t *list, const char *town,
    int64_t unit_id, const char *party_name, const char *day,
    struct enf_off *o, int *n, struct err *e)
{
	static const char *const ok[] = { "user_id", "role", NULL };
	const json_t	*x;
	const char	*role;
	char		 f[40];
	size_t		 i;
	int		 j, leads = 0, rc;

	*n = 0;
	if (!json_is_array(list) || json_array_size(list) > ENF_OFFICERS_MAX)
		return err_set(e, list ? ERR_INVALID : ERR_MISSING, "officers",
		    "officers: a list of at least two officers");
	/* ENF-005: two officers at least (行政处罚法 art. 42). */
	if (json_array_size(list) < 2)
		return err_set(e, ERR_POLICY, "officers", "a case names at "
		    "least two enforcement officers (ENF-005, 行政处罚法 "
		    "art. 42)");
	json_array_foreach(list, i, x) {
		snprintf(f, sizeof(f), "officers[%zu]", i);
		if ((rc = rec_only(x, ok, e)) < 0 || !json_is_object(x))
			return err_set(e, ERR_INVALID, f, "%s: {user_id, role}",
			    f);
		if ((rc = reg_json_id(json_object_get(x, "user_id"), f,
		    &o[i].user_id, e)) < 0)
			return rc;
		role = json_string_value(json_object_get(x, "role"));
		if (role == NULL || (strcmp(role, "lead") != 0 &&
		    strcmp(role, "assist") != 0))
			return err_set(e, ERR_INVALID, f, "%s.role must be lead "
			    "or assist", f);
		o[i].lead = strcmp(role, "lead") == 0;
		leads += o[i].lead;
		for (j = 0; j < (int)i; j++)
			if (o[j].user_id == o[i].user_id)
				return err_set(e, ERR_POLICY, "officers", "an "
				    "officer is named twice");
	}
	if (leads != 1)
		return err_set(e, ERR_INVALID, "officers", "one officer leads "
		    "(role lead), the others assist");
	for (j = 0; j < (int)json_array_size(list); j++)
		if ((rc = enf_officer_fits(st, o[j].user_id, town, e)) < 0 ||
		    (rc = enforce_officer_check(st, o[j].user_id, unit_id,
		    party_name, day, o[j].cert_no, e)) < 0)
			return rc;
	*n = (int)json_array_size(list);
	return 0;
}

static int
enf_officer_insert(struct store *st, int64_t case_id, const struct enf_off *o,
    struct err *e)
{
	return store_exec(st, "INSERT INTO case_officers (case_id, user_id, "
	    "role, cert_no, status, added_at) VALUES (?, ?, ?, ?, 'active', ?)",
	    STORE_ARGS(SV_I(case_id), SV_I(o->user_id), SV_S(o->lead ? "lead" :
	    "assist"), SV_S(o->cert_no), SV_I(clock_now())), NULL, e);
}

/* The days of a case: found_on not after today, occurred_on not after
 * found_on, and within the limitation period (ENF-008). */
static int
enf_days(const json_t *in, char found[ENF_DATE_LEN + 1],
    char occurred[ENF_DATE_LEN + 1], struct err *e)
{
	char	lim[32];
	int	rc;

	if ((rc = enf_day(in, "found_on", ENF_DAY_REQUIRED | ENF_DAY_PAST,
	    found, e)) < 0 || (rc = enf_day(in, "occurred_on", ENF_DAY_PAST,
	    occurred, e)) < 0)
		return rc;
	if (*occurred && strcmp(occurred, found) > 0)
		return err_set(e, ERR_INVALID, "occurred_on", "occurred_on is "
		    "after found_on");
	/* ENF-008: 行政处罚法 art. 36 — not found within two years, no
	 * penalty may be imposed. */
	if (*occurred) {
		char	y[12];

		snprintf(y, sizeof(y), "%04d", atoi(found) - 2);
		snprintf(lim, sizeof(lim), "%s%s", y, found + 4);
		if (strcmp(lim + 4, "-02-29") == 0)
			memcpy(lim + 4, "-02-28", 6);
		if (strcmp(occurred, lim) < 0)
			return err_set(e, ERR_POLICY, "occurred_on", "the act of "
			    "%s was found more than two years later (%s): no "
			    "penalty may be imposed (行政处罚法 art. 36; "
			    "ENF-008)", occurred, found);
	}
	return 0;
}

int
enforce_case_create(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "procedure", "source",
	    "source_id", "party_type", "unit_id", "party_name", "party_idno",
	    "party_phone", "party_address", "party_age", "town", "facts",
	    "occurred_on", "found_on", "officers", "violations", NULL };
	static const char *const unit_only[] = { "party_name", "party_idno",
	    "party_phone", "party_address", "party_age", "town", NULL };
	struct enf_vin		 vin[ENF_VIOLATIONS_MAX];
	struct enf_off		 offs[ENF_OFFICERS_MAX];
	struct enf_party	 p;
	struct reg_scope	 sc;
	struct reg_unit_loc	 loc;
	const json_t		*v, *vl;
	const char		*proc, *source, *ptype;
	char			*facts = NULL, *no = NULL, *dno = NULL;
	char			*town = NULL, today[REC_DATE_LEN + 1], by[24];
	char			 found[ENF_DATE_LEN + 1], occ[ENF_DATE_LEN + 1];
	char			 due[ENF_DATE_LEN + 1], sdue[ENF_DATE_LEN + 1];
	char			 pdue[ENF_DATE_LEN + 1];
	struct enf_need		 nd;
	char			 f[40];
	int64_t			 unit_id = 0, sid = 0, cid, now = clock_now();
	int64_t			 acts = 0;
	int			 nv = 0, no_off = 0, i, rc, simple;

	memset(&p, 0, sizeof(p));
	memset(vin, 0, sizeof(vin));
	p.age = -1;
	if ((rc = reg_need(who, "case:write", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0)
		return rc;
	if (enforce_clock("decision_days") < 0)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the enforcement rules "
		    "are not loaded");
	proc = json_string_value(json_object_get(in, "procedure"));
	if (proc == NULL || (strcmp(proc, "simple") != 0 &&
	    strcmp(proc, "general") != 0))
		return err_set(e, proc ? ERR_INVALID : ERR_MISSING, "procedure",
		    "procedure must be simple or general");
	simple = strcmp(proc, "simple") == 0;
	source = json_string_value(json_object_get(in, "source"));
	if (source == NULL || (strcmp(source, "inspection") != 0 &&
	    strcmp(source, "hazard") != 0 && strcmp(source, "permit") != 0 &&
	    strcmp(source, "referral") != 0 && strcmp(source, "on_spot") != 0))
		return err_set(e, source ? ERR_INVALID : ERR_MISSING, "source",
		    "source must be inspection, hazard, permit, referral or "
		    "on_spot");
	ptype = json_string_value(json_object_get(in, "party_type"));
	if (ptype == NULL || (strcmp(ptype, "unit") != 0 &&
	    strcmp(ptype, "individual") != 0))
		return err_set(e, ptype ? ERR_INVALID : ERR_MISSING,
		    "party_type", "party_type must be unit or individual");
	/* ENF-019: the party; a unit's name and code from the registry, an
	 * individual's personal data sealed (P-1). */
	if ((v = json_object_get(in, "unit_id")) != NULL && !json_is_null(v)) {
		if ((rc = reg_json_id(v, "unit_id", &unit_id, e)) < 0)
			return rc;
		if ((rc = reg_unit_loc(st, who, unit_id, &loc, e)) < 0)
			return err_set(e, rc, "unit_id", "no such unit");
		town = xstrdup(loc.town);
	}
	if (strcmp(ptype, "unit") == 0) {
		if (unit_id == 0)
			return err_set(e, ERR_MISSING, "unit_id", "unit_id is "
			    "required for a unit party");
		for (i = 0; unit_only[i] != NULL; i++)
			if (json_object_get(in, unit_only[i]) != NULL) {
				rc = err_set(e, ERR_INVALID, unit_only[i], "a "
				    "unit party takes its name and town from "
				    "the registry: no %s", unit_only[i]);
				goto out;
			}
		{
			struct store_rows	*r = NULL;

			if ((rc = store_query(st, "SELECT name, uscc FROM units "
			    "WHERE id = ?", STORE_ARGS(SV_I(unit_id)), &r,
			    e)) < 0)
				goto out;
			if ((rc = store_next(r, e)) == 1) {
				p.name = xstrdup(store_text(r, 0));
				p.code = store_isnull(r, 1) ? NULL :
				    xstrdup(store_text(r, 1));
			}
			store_rows_free(r);
			if (rc <= 0) {
				rc = rc < 0 ? rc : err_set(e, ERR_NOT_FOUND,
				    "unit_id", "no such unit");
				goto out;
			}
		}
	} else {
		if ((rc = enf_party_individual(in, &p, e)) < 0)
			goto out;
		if (town == NULL) {
			if ((v = json_object_get(in, "town")) == NULL) {
				rc = err_set(e, ERR_MISSING, "town", "town (or "
				    "unit_id, the place) is required for an "
				    "individual party");
				goto out;
			}
			if (!json_is_string(v) ||
			    !reg_town_syntax(json_string_value(v))) {
				rc = err_set(e, ERR_INVALID, "town", "town must "
				    "be a 9-digit code");
				goto out;
			}
			if ((rc = reg_town_exists(st, json_string_value(v),
			    "town", e)) < 0)
				goto out;
			town = xstrdup(json_string_value(v));
		} else if (json_object_get(in, "town") != NULL) {
			rc = err_set(e, ERR_INVALID, "town", "the town is the "
			    "place's (unit_id)");
			goto out;
		}
	}
	/* Z-2: a town's officer opens cases of his town only. */
	reg_scope_of(who, &sc);
	if (!reg_scope_sees(&sc, town, 0, 0)) {
		rc = err_set(e, ERR_NOT_FOUND, "town", "no such town in your "
		    "jurisdiction");
		goto out;
	}
	if ((rc = enf_source(st, in, source, unit_id, &sid, e)) < 0)
		goto out;
	if (json_object_get(in, "facts") == NULL) {
		rc = err_set(e, ERR_MISSING, "facts", "facts is required");
		goto out;
	}
	if ((rc = reg_text(json_object_get(in, "facts"), "facts", 2, 4000,
	    &facts, e)) < 0 || (rc = enf_text_clean("facts", facts, e)) < 0)
		goto out;
	rec_today(today);
	if ((rc = enf_days(in, found, occ, e)) < 0)
		goto out;
	/* ENF-006: a simple case is decided on the spot with its
	 * violations; a general one may get them later. */
	vl = json_object_get(in, "violations");
	if (vl != NULL && !json_is_null(vl) && (!json_is_array(vl) ||
	    json_array_size(vl) > ENF_VIOLATIONS_MAX)) {
		rc = err_set(e, ERR_INVALID, "violations", "violations: a list "
		    "of at most %d", ENF_VIOLATIONS_MAX);
		goto out;
	}
	if (simple && json_array_size(vl) == 0) {
		rc = err_set(e, ERR_MISSING, "violations", "the simple procedure "
		    "decides on the spot: give its violations");
		goto out;
	}
	for (nv = 0; nv < (int)json_array_size(vl); nv++) {
		snprintf(f, sizeof(f), "violations[%d]", nv);
		if ((rc = enf_in(f, enf_violation(json_array_get(vl,
		    (size_t)nv), ptype, (int)p.age, &vin[nv], e), e)) < 0)
			goto out;
	}
	if (simple) {
		int64_t	max = enforce_limit_yuan("simple", ptype), sum = 0;

		/* ENF-006: 行政处罚法 art. 51. */
		for (i = 0; i < nv; i++) {
			if (strcmp(vin[i].outcome, "no_penalty") == 0) {
				rc = err_set(e, ERR_POLICY, "procedure", "the "
				    "simple procedure decides a warning or a "
				    "small fine, not %s", "不予处罚");
				goto out;
			}
			sum += vin[i].amount_fen;
			if (vin[i].amount_fen > max * 100 || sum > max * 100) {
				rc = err_set(e, ERR_POLICY, "procedure", "the "
				    "simple procedure allows a warning or a "
				    "fine of at most %lld yuan for %s party "
				    "(行政处罚法 art. 51; ENF-006)",
				    (long long)max, strcmp(ptype, "unit") ==
				    0 ? "a unit" : "an individual");
				goto out;
			}
		}
	}
	if ((rc = enf_officers(st, json_object_get(in, "officers"), town,
	    strcmp(ptype, "unit") == 0 ? unit_id : 0, p.name, today, offs,
	    &no_off, e)) < 0)
		goto out;
	if ((rc = enforce_next_no(st, "case", rec_year(), &no, e)) < 0)
		goto out;
	enf_date_add(today, enforce_clock("decision_days"), due);
	cid = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO cases (id, no, procedure, "
	    "source, source_id, party_type, unit_id, party_name, party_code, "
	    "party_idno, party_idno_idx, party_phone, party_address, "
	    "party_age, town, facts, occurred_on, found_on, filed_on, status, "
	    "step, step_due, decision_due, version, created_at, updated_at, "
	    "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, 'filed', 'decide', ?, ?, 1, ?, ?, ?)",
	    STORE_ARGS(SV_I(cid), SV_S(no), SV_S(proc), SV_S(source),
	    sid ? SV_I(sid) : SV_N, SV_S(ptype), unit_id ? SV_I(unit_id) :
	    SV_N, SV_S(p.name), SV_S(p.code), SV_S(p.idno), p.idno ?
	    SV_S(p.idno_idx) : SV_N, SV_S(p.phone), SV_S(p.address),
	    p.age >= 0 ? SV_I(p.age) : SV_N, SV_S(town), SV_S(facts),
	    *occ ? SV_S(occ) : SV_N, SV_S(found), SV_S(today), SV_S(due),
	    SV_S(due), SV_I(now), SV_I(now), SV_S(by)), NULL, e)) < 0)
		goto out;
	for (i = 0; i < no_off; i++)
		if ((rc = enf_officer_insert(st, cid, &offs[i], e)) < 0)
			goto out;
	/* Numbered acts first named by the officer; the others after. */
	for (i = 0; i < nv; i++)
		if (vin[i].act > acts)
			acts = vin[i].act;
	for (i = 0; i < nv; i++) {
		snprintf(f, sizeof(f), "violations[%d]", i);
		if ((rc = enf_in(f, enf_violation_store(st, who, cid, &vin[i],
		    acts, e), e)) < 0)
			goto out;
	}
	if ((rc = enf_case_need(st, cid, &nd, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE cases SET review_required = ?, "
	    "review_reasons = ?, discussion_required = ?, fine_fen = ? "
	    "WHERE id = ?", STORE_ARGS(SV_I(nd.review), *nd.reasons ?
	    SV_S(nd.reasons) : SV_N, SV_I(nd.discussion),
	    SV_I(nd.fine_fen), SV_I(cid)), NULL, e)) < 0)
		goto out;
	if ((rc = enforce_case_step(st, who, cid, "create", NULL, due, e)) < 0)
		goto out;
	/* The hazard's timeline says a case was opened on it (HAZ-036). */
	if (strcmp(source, "hazard") == 0 &&
	    (rc = hazard_note_case(st, who, sid, no, e)) < 0)
		goto out;
	if (simple) {
		/* ENF-006, ENF-018: decided on the spot, served next. */
		if ((rc = enforce_next_no(st, "simple", rec_year(), &dno,
		    e)) < 0 || (rc = enf_decision_seal(st, who, cid, "simple",
		    dno, today, NULL, e)) < 0 ||
		    (rc = calendar_add_workdays(today,
		    enforce_clock("service_workdays"), sdue, e)) < 0 ||
		    (rc = calendar_add_workdays(today,
		    enforce_clock("publish_workdays"), pdue, e)) < 0)
			goto out;
		if ((rc = store_exec(st, "UPDATE cases SET status = 'decided', "
		    "step = 'serve', step_due = ?, service_due = ?, "
		    "publish_due = ?, version = version + 1 WHERE id = ?",
		    STORE_ARGS(SV_S(sdue), SV_S(sdue), SV_S(pdue), SV_I(cid)),
		    NULL, e)) < 0)
			goto out;
		if (nd.fine_fen > 0 && unit_id > 0 &&
		    strcmp(ptype, "unit") == 0 && (rc = enf_penalty_events(st,
		    who, cid, unit_id, dno, nd.fine_fen, today, e)) < 0)
			goto out;
		rc = enf_done(st, who, cid, "decide", dno, sdue, out, e);
		goto out;
	}
	rc = enforce_case_full(st, cid, 0, out, e);
out:
	for (i = 0; i < ENF_VIOLATIONS_MAX; i++)
		enf_vin_free(&vin[i]);
	enf_party_free(&p);
	free(facts);
	free(no);
	free(dno);
	free(town);
	return rc;
}

int
enforce_case_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	int	rc;

	if ((rc = reg_need(who, "case:read", e)) < 0 ||
	    (rc = enforce_case_can_read(st, who, id, e)) < 0)
		return rc;
	return enforce_case_full(st, id, 0, out, e);
}

int
enforce_case_unmask(struct store *st, struct actor *who, int64_t id,
    const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "reason", NULL };
	char	*why = NULL;
	int	 rc;

	if ((rc = reg_need(who, "registry:unmask", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enforce_case_can_read(st, who, id, e)) < 0)
		return rc;
	if (json_object_get(in, "reason") == NULL)
		return err_set(e, ERR_MISSING, "reason", "a reason is required "
		    "to see personal data (P-2)");
	if ((rc = reg_text(json_object_get(in, "reason"), "reason", 4, 200,
	    &why, e)) < 0)
		return rc;
	/* P-2, L-4: who saw which case's personal data, and why. */
	if ((rc = enf_step_row(st, who, id, "unmask", why, NULL, e)) < 0 ||
	    (rc = audit_append_id(st, who, "case.unmask", "case_unmask", id,
	    NULL, e)) < 0 || (rc = enforce_case_full(st, id, 1, out, e)) < 0)
		goto out;
out:
	free(why);
	return rc;
}

/* Changes of a case before its decision. */

/* The case at expected, who holding perm and seeing it; status one of
 * the NULL-terminated list (else 422 naming "status"). */
static int
enf_open(struct store *st, struct actor *who, const char *perm, int64_t id,
    int64_t expected, const char *const *statuses, json_t **rec,
    struct err *e)
{
	int	rc, i;

	if ((rc = reg_need(who, perm, e)) < 0 ||
	    (rc = enf_case_load(st, who, id, expected, rec, e)) < 0)
		return rc;
	for (i = 0; statuses[i] != NULL; i++)
		if (strcmp(statuses[i], enf_s(*rec, "status")) == 0)
			return 0;
	rc = err_set(e, ERR_POLICY, "status", "not allowed while the case is "
	    "%s", enf_s(*rec, "status"));
	json_decref(*rec);
	*rec = NULL;
	return rc;
}

static const char *const enf_filed[] = { "filed", NULL };
static const char *const enf_before_decision[] = { "filed", "notified",
    "hearing", "review", "discussion", NULL };
static const char *const enf_not_closed[] = { "filed", "notified",
    "hearing", "review", "discussion", "decided", "served", NULL };

int
enforce_case_add_violation(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	struct enf_vin	 v;
	json_t		*rec = NULL;
	char		 note[80];
	int		 rc;

	memset(&v, 0, sizeof(v));
	/* ENF-009: violations change only while the case is filed. */
	if ((rc = enf_open(st, who, "case:write", id, expected, enf_filed,
	    &rec, e)) < 0)
		return rc;
	if ((rc = enf_violation(in, enf_s(rec, "party_type"),
	    json_is_integer(json_object_get(rec, "party_age")) ?
	    (int)enf_i(rec, "party_age") : -1, &v, e)) < 0 ||
	    (rc = enf_violation_store(st, who, id, &v, 0, e)) < 0 ||
	    (rc = enf_recompute(st, rec, e)) < 0)
		goto out;
	snprintf(note, sizeof(note), "%s %s", v.item, v.outcome);
	rc = enf_done(st, who, id, "violation", note, NULL, out, e);
out:
	enf_vin_free(&v);
	json_decref(rec);
	return rc;
}

int
enforce_case_withdraw_violation(struct store *st, struct actor *who,
    int64_t id, int64_t vid, int64_t expected, const json_t *in, json_t **out,
    struct err *e)
{
	static const char *const allowed[] = { "reason", NULL };
	json_t	*rec = NULL;
	char	*why = NULL, *note = NULL;
	int64_t	 ch = 0;
	int	 rc;

	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enf_open(st, who, "case:write", id, expected, enf_filed,
	    &rec, e)) < 0)
		return rc;
	if (json_object_get(in, "reason") == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "say why the violation is "
		    "withdrawn");
		goto out;
	}
	if ((rc = reg_text(json_object_get(in, "reason"), "reason", 2, 500,
	    &why, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE case_violations SET status = "
	    "'withdrawn' WHERE id = ? AND case_id = ? AND status = 'active'",
	    STORE_ARGS(SV_I(vid), SV_I(id)), &ch, e)) < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_NOT_FOUND, "vid", "no active violation %lld "
		    "in this case", (long long)vid);
		goto out;
	}
	if ((rc = enf_recompute(st, rec, e)) < 0)
		goto out;
	note = xasprintf("%lld: %s", (long long)vid, why);
	rc = enf_done(st, who, id, "violation_withdraw", note, NULL, out, e);
out:
	json_decref(rec);
	free(why);
	free(note);
	return rc;
}

int
enforce_case_add_evidence(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "kind", "file_id", "ref_id",
	    "description", "collected_on", NULL };
	static const char *const kinds[] = { "document", "photo", "video",
	    "statement", "record", "inspection", "hazard", NULL };
	json_t		*rec = NULL;
	const json_t	*v;
	const char	*kind;
	char		*desc = NULL, day[ENF_DATE_LEN + 1], by[24];
	int64_t		 fid = 0, ref = 0, eid, n = 0;
	int		 records, rc;

	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enf_open(st, who, "case:write", id, expected,
	    enf_not_closed, &rec, e)) < 0)
		return rc;
	kind = json_string_value(json_object_get(in, "kind"));
	if (kind == NULL || !reg_choice(kinds, kind)) {
		rc = err_set(e, kind ? ERR_INVALID : ERR_MISSING, "kind", "kind "
		    "must be document, photo, video, statement, record, "
		    "inspection or hazard");
		goto out;
	}
	/* ENF-015: files are uploaded files; records are the unit's. */
	records = strcmp(kind, "inspection") == 0 || strcmp(kind, "hazard") == 0;
	if ((v = json_object_get(in, "file_id")) != NULL && !json_is_null(v)) {
		if (records) {
			rc = err_set(e, ERR_INVALID, "file_id", "%s evidence "
			    "names a record (ref_id), not a file", kind);
			goto out;
		}
		if ((rc = reg_json_id(v, "file_id", &fid, e)) < 0)
			goto out;
	} else if (!records && strcmp(kind, "statement") != 0 &&
	    strcmp(kind, "record") != 0) {
		rc = err_set(e, ERR_MISSING, "file_id", "%s evidence is a file: "
		    "file_id is required", kind);
		goto out;
	}
	if ((v = json_object_get(in, "ref_id")) != NULL && !json_is_null(v)) {
		if (!records) {
			rc = err_set(e, ERR_INVALID, "ref_id", "only inspection or "
			    "hazard evidence names a record");
			goto out;
		}
		if ((rc = reg_json_id(v, "ref_id", &ref, e)) < 0)
			goto out;
	} else if (records) {
		rc = err_set(e, ERR_MISSING, "ref_id", "ref_id is required: the "
		    "%s record", kind);
		goto out;
	}
	if (json_object_get(in, "description") == NULL) {
		rc = err_set(e, ERR_MISSING, "description", "description is "
		    "required");
		goto out;
	}
	if ((rc = reg_text(json_object_get(in, "description"), "description",
	    2, 1000, &desc, e)) < 0 ||
	    (rc = enf_text_clean("description", desc, e)) < 0)
		goto out;
	if ((rc = enf_day(in, "collected_on", ENF_DAY_TODAY | ENF_DAY_PAST, day,
	    e)) < 0)
		goto out;
	if (ref != 0) {
		if ((rc = store_query_int(st, strcmp(kind, "hazard") == 0 ?
		    "SELECT COUNT(*) FROM hazards WHERE id = ? AND unit_id = ?" :
		    "SELECT COUNT(*) FROM inspection_checks WHERE id = ? AND "
		    "unit_id = ?", STORE_ARGS(SV_I(ref), SV_I(enf_i(rec,
		    "unit_id"))), &n, e)) < 0)
			goto out;
		if (n == 0) {
			rc = err_set(e, ERR_NOT_FOUND, "ref_id", "no %s %lld of "
			    "the case's unit", kind, (long long)ref);
			goto out;
		}
	}
	eid = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO case_evidence (id, case_id, kind, "
	    "file_id, ref_id, description, collected_on, created_at, "
	    "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", STORE_ARGS(
	    SV_I(eid), SV_I(id), SV_S(kind), fid ? SV_I(fid) : SV_N,
	    ref ? SV_I(ref) : SV_N, SV_S(desc), SV_S(day), SV_I(clock_now()),
	    SV_S(by)), NULL, e)) < 0)
		goto out;
	if (fid != 0 && (rc = files_attach(st, who, &fid, 1, "case", id,
	    strcmp(kind, "photo") == 0 ? "photo" : "document", e)) < 0) {
		snprintf(e->field, sizeof(e->field), "file_id");
		goto out;
	}
	if ((rc = enf_case_set(st, rec, "", NULL, 0, e)) < 0)
		goto out;
	rc = enf_done(st, who, id, "evidence", kind, NULL, out, e);
out:
	json_decref(rec);
	free(desc);
	return rc;
}

int
enforce_case_add_measure(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "kind", "legal_ground", "note",
	    "decided_on", NULL };
	const struct enforce_measure	*m;
	json_t				*rec = NULL;
	char				*ground = NULL, *note = NULL, by[24];
	char				 day[ENF_DATE_LEN + 1];
	int				 i, rc;

	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enf_open(st, who, "case:write", id, expected,
	    enf_before_decision, &rec, e)) < 0)
		return rc;
	m = enforce_measure_find(json_string_value(json_object_get(in,
	    "kind")));
	if (m == NULL) {
		rc = err_set(e, json_object_get(in, "kind") ? ERR_INVALID :
		    ERR_MISSING, "kind", "kind must be a measure of the rules "
		    "(GET /api/v1/cases/rules)");
		goto out;
	}
	if ((rc = rec_opt_text(in, "legal_ground", 1, 100, &ground, e)) < 0 ||
	    (rc = rec_opt_text(in, "note", 1, 1000, &note, e)) < 0)
		goto out;
	/* ENF-016: a coercive measure only on one of its legal grounds
	 * (行政强制法 art. 5: the least coercive means that suffices). */
	if (m->coercive) {
		for (i = 0; ground != NULL && m->grounds[i] != NULL; i++)
			if (strcmp(m->grounds[i], ground) == 0)
				break;
		if (ground == NULL || m->grounds[i] == NULL) {
			rc = err_set(e, ERR_POLICY, "legal_ground", "%s (%s) is "
			    "coercive: name its legal ground, one of the rules' "
			    "grounds for it (ENF-016)", m->kind, m->name_zh);
			goto out;
		}
	}
	if ((rc = enf_day(in, "decided_on", ENF_DAY_TODAY | ENF_DAY_PAST, day,
	    e)) < 0)
		goto out;
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO case_measures (id, case_id, kind, "
	    "coercive, legal_ground, note, decided_on, created_at, created_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", STORE_ARGS(SV_I(id_next()),
	    SV_I(id), SV_S(m->kind), SV_I(m->coercive), SV_S(ground),
	    SV_S(note), SV_S(day), SV_I(clock_now()), SV_S(by)), NULL, e)) < 0 ||
	    (rc = enf_recompute(st, rec, e)) < 0)
		goto out;
	rc = enf_done(st, who, id, "measure", m->kind, NULL, out, e);
out:
	json_decref(rec);
	free(ground);
	free(note);
	return rc;
}

int
enforce_case_add_officer(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const allowed[] = { "user_id", "role", NULL };
	struct enf_off	 o;
	json_t		*rec = NULL;
	const char	*role;
	char		 today[REC_DATE_LEN + 1], note[40];
	int64_t		 had = 0;
	int		 rc;

	memset(&o, 0, sizeof(o));
	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enf_open(st, who, "case:write", id, expected,
	    enf_before_decision, &rec, e)) < 0)
		return rc;
	if (json_object_get(in, "user_id") == NULL) {
		rc = err_set(e, ERR_MISSING, "user_id", "user_id is required");
		goto out;
	}
	if ((rc = reg_json_id(json_object_get(in, "user_id"), "user_id",
	    &o.user_id, e)) < 0)
		goto out;
	role = json_string_value(json_object_get(in, "role"));
	if (role != NULL && strcmp(role, "assist") != 0) {
		rc = err_set(e, ERR_INVALID, "role", "an added officer assists");
		goto out;
	}
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM case_officers "
	    "WHERE case_id = ? AND user_id = ?", STORE_ARGS(SV_I(id),
	    SV_I(o.user_id)), &had, e)) < 0)
		goto out;
	if (had > 0) {
		rc = err_set(e, ERR_POLICY, "officers", "this officer is or was "
		    "already in the case (a recused officer does not return)");
		goto out;
	}
	rec_today(today);
	if ((rc = enf_officer_fits(st, o.user_id, enf_s(rec, "town"), e)) < 0 ||
	    (rc = enforce_officer_check(st, o.user_id,
	    strcmp(enf_s(rec, "party_type"), "unit") == 0 ? enf_i(rec,
	    "unit_id") : 0, enf_s(rec, "party_name"), today, o.cert_no,
	    e)) < 0 || (rc = enf_officer_insert(st, id, &o, e)) < 0 ||
	    (rc = enf_case_set(st, rec, "", NULL, 0, e)) < 0)
		goto out;
	snprintf(note, sizeof(note), "%lld", (long long)o.user_id);
	rc = enf_done(st, who, id, "officer_add", note, NULL, out, e);
out:
	json_decref(rec);
	return rc;
}

int
enforce_case_recuse(struct store *st, struct actor *who, int64_t id,
    int64_t uid, int64_t expected, const json_t *in, json_t **out,
    struct err *e)
{
	static const char *const allowed[] = { "reason", NULL };
	json_t	*rec = NULL;
	char	*why = NULL, *note = NULL, by[24];
	int64_t	 active = 0, ch = 0, lead = 0;
	int	 rc;

	if ((rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enf_open(st, who, "case:approve", id, expected,
	    enf_before_decision, &rec, e)) < 0)
		return rc;
	if (json_object_get(in, "reason") == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "say why the officer "
		    "withdraws (回避)");
		goto out;
	}
	if ((rc = reg_text(json_object_get(in, "reason"), "reason", 2, 500,
	    &why, e)) < 0)
		goto out;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM case_officers "
	    "WHERE case_id = ? AND status = 'active'", STORE_ARGS(SV_I(id)),
	    &active, e)) < 0 || (rc = store_query_int(st, "SELECT COUNT(*) "
	    "FROM case_officers WHERE case_id = ? AND user_id = ? AND role = "
	    "'lead'", STORE_ARGS(SV_I(id), SV_I(uid)), &lead, e)) < 0)
		goto out;
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "UPDATE case_officers SET status = 'recused', "
	    "recusal_reason = ?, recused_by = ? WHERE case_id = ? AND user_id "
	    "= ? AND status = 'active'", STORE_ARGS(SV_S(why), SV_S(by),
	    SV_I(id), SV_I(uid)), &ch, e)) < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_NOT_FOUND, "uid", "no active officer %lld in "
		    "this case", (long long)uid);
		goto out;
	}
	/* ENF-017: two officers remain (art. 42): add one first. */
	if (active - 1 < 2) {
		rc = err_set(e, ERR_POLICY, "officers", "the case would keep "
		    "fewer than two officers: add an officer before the "
		    "recusal (ENF-017, 行政处罚法 art. 42)");
		goto out;
	}
	/* The lead's recusal hands the lead to the longest-serving
	 * officer left. */
	if (lead > 0 && (rc = store_exec(st, "UPDATE case_officers SET role = "
	    "'lead' WHERE case_id = ? AND user_id = (SELECT user_id FROM "
	    "case_officers WHERE case_id = ? AND status = 'active' ORDER BY "
	    "added_at, user_id LIMIT 1)", STORE_ARGS(SV_I(id), SV_I(id)), NULL,
	    e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE case_officers SET role = 'assist' "
	    "WHERE case_id = ? AND user_id = ?", STORE_ARGS(SV_I(id),
	    SV_I(uid)), NULL, e)) < 0 ||
	    (rc = enf_case_set(st, rec, "", NULL, 0, e)) < 0)
		goto out;
	note = xasprintf("%lld: %s", (long long)uid, why);
	rc = enf_done(st, who, id, "recuse", note, NULL, out, e);
out:
	json_decref(rec);
	free(why);
	free(note);
	return rc;
}

/* The list and its export (ENF-019). */

struct enf_where {
	struct store_val	 args[24];
	int			 n;
	struct buf		 w;
	char			*keep[4];
	int			 nkeep;
	const char		*order;
};

static void
enf_where_free(struct enf_where *x)
{
	int	i;

	for (i = 0; i < x->nkeep; i++)
		free(x->keep[i]);
	buf_free(&x->w);
}

static int
enf_where(const struct actor *who, const struct enforce_case_filter *f,
    struct enf_where *x, struct err *e)
{
	static const char *const statuses[] = { "filed", "notified", "hearing",
	    "review", "discussion", "decided", "served", "closed", "cancelled",
	    NULL };
	static const char *const procs[] = { "simple", "general", NULL };
	static const char *const sources[] = { "inspection", "hazard",
	    "permit", "referral", "on_spot", NULL };
	struct reg_scope	s;
	char			today[REC_DATE_LEN + 1];

	memset(x, 0, sizeof(*x));
	buf_init(&x->w);
	buf_adds(&x->w, " WHERE 1 = 1");
	x->order = " ORDER BY c.created_at DESC, c.id DESC";
	/* Z-2, Z-3. */
	reg_scope_of(who, &s);
	if (s.kind == RS_TOWN) {
		buf_adds(&x->w, " AND c.town = ?");
		x->args[x->n++] = SV_S(x->keep[x->nkeep++] = xstrdup(s.town));
	} else if (s.kind == RS_UNIT) {
		buf_adds(&x->w, " AND c.party_type = 'unit' AND c.unit_id = ?");
		x->args[x->n++] = SV_I(s.id);
	} else if (s.kind != RS_ALL)
		buf_adds(&x->w, " AND 1 = 0");
	if (f->status != NULL) {
		if (!reg_choice(statuses, f->status))
			return err_set(e, ERR_INVALID, "status", "unknown status");
		buf_adds(&x->w, " AND c.status = ?");
		x->args[x->n++] = SV_S(f->status);
	}
	if (f->procedure != NULL) {
		if (!reg_choice(procs, f->procedure))
			return err_set(e, ERR_INVALID, "procedure", "procedure "
			    "must be simple or general");
		buf_adds(&x->w, " AND c.procedure = ?");
		x->args[x->n++] = SV_S(f->procedure);
	}
	if (f->source != NULL) {
		if (!reg_choice(sources, f->source))
			return err_set(e, ERR_INVALID, "source", "unknown source");
		buf_adds(&x->w, " AND c.source = ?");
		x->args[x->n++] = SV_S(f->source);
	}
	if (f->town != NULL) {
		if (!reg_town_syntax(f->town))
			return err_set(e, ERR_INVALID, "town", "town must be a "
			    "9-digit code");
		buf_adds(&x->w, " AND c.town = ?");
		x->args[x->n++] = SV_S(f->town);
	}
	if (f->unit_id > 0) {
		buf_adds(&x->w, " AND c.unit_id = ?");
		x->args[x->n++] = SV_I(f->unit_id);
	}
	if (f->mine) {
		buf_adds(&x->w, " AND EXISTS (SELECT 1 FROM case_officers o "
		    "WHERE o.case_id = c.id AND o.user_id = ? AND o.status = "
		    "'active')");
		x->args[x->n++] = SV_I(who->user_id);
	}
	if (f->overdue) {
		rec_today(today);
		buf_adds(&x->w, " AND c.step_due IS NOT NULL AND c.step_due < ?");
		x->args[x->n++] = SV_S(x->keep[x->nkeep++] = xstrdup(today));
	}
	if (f->q != NULL && *f->q) {
		if (strlen(f->q) > 100)
			return err_set(e, ERR_RANGE, "q", "q is at most 100 "
			    "characters");
		buf_adds(&x->w, " AND (c.no = ? OR c.decision_no = ? OR "
		    "c.party_name LIKE ? ESCAPE '\\')");
		x->args[x->n++] = SV_S(f->q);
		x->args[x->n++] = SV_S(f->q);
		x->args[x->n++] = SV_S(x->keep[x->nkeep++] = reg_like(f->q, 0));
	}
	if (f->sort != NULL) {
		if (strcmp(f->sort, "step_due") == 0)
			x->order = " ORDER BY c.step_due, c.id";
		else if (strcmp(f->sort, "-fine") == 0)
			x->order = " ORDER BY c.fine_fen DESC, c.id";
		else if (strcmp(f->sort, "filed_on") == 0)
			x->order = " ORDER BY c.filed_on, c.id";
		else if (strcmp(f->sort, "-created") != 0)
			return err_set(e, ERR_INVALID, "sort", "sort must be "
			    "-created, step_due, -fine or filed_on");
	}
	return 0;
}

#define ENF_LIST_COLS "c.id, c.no, c.procedure, c.source, c.party_type, " \
    "c.unit_id, c.party_name, c.town, c.status, c.step, c.step_due, " \
    "c.overdue, c.filed_on, c.decision_due, c.review_required, " \
    "c.discussion_required, c.outcome, c.decision_no, c.fine_fen, " \
    "c.pay_status, c.version"

int
enforce_case_list(struct store *st, struct actor *who,
    const struct enforce_case_filter *f, int64_t offset, int64_t limit,
    json_t **items, int64_t *total, struct err *e)
{
	static const char *const names[] = { "id", "no", "procedure",
	    "source", "party_type", "unit_id", "party_name", "town", "status",
	    "step", "step_due", "overdue", "filed_on", "decision_due",
	    "review_required", "discussion_required", "outcome", "decision_no",
	    "fine_fen", "pay_status", "version", NULL };
	struct enf_where	x;
	int			rc;

	if ((rc = reg_need(who, "case:read", e)) < 0)
		return rc;
	if ((rc = enf_where(who, f, &x, e)) == 0)
		rc = rec_page(st, ENF_LIST_COLS, "cases c", x.w.data, x.order,
		    x.args, x.n, offset, limit, names, "issssisssssbssbbssnsn",
		    items, total, e);
	enf_where_free(&x);
	return rc;
}

static const char *
enf_status_zh(const char *s)
{
	static const char *const m[][2] = { { "filed", "已立案" },
	    { "notified", "已告知" }, { "hearing", "听证" },
	    { "review", "法制审核" }, { "discussion", "集体讨论" },
	    { "decided", "已决定" }, { "served", "已送达" },
	    { "closed", "已结案" }, { "cancelled", "已撤销" } };
	size_t	i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(m[i][0], s) == 0)
			return m[i][1];
	return s;
}

int
enforce_case_export(struct store *st, struct actor *who,
    const struct enforce_case_filter *f, const char *format, int64_t max,
    struct buf *out, const char **ctype, struct err *e)
{
	static const char *const headers[] = { "立案编号", "程序", "来源",
	    "当事人", "镇街", "状态", "当前步骤", "步骤期限", "立案日期",
	    "决定书编号", "罚款(元)", "法制审核" };
	static const double widths[] = { 24, 8, 10, 30, 12, 10, 10, 12, 12, 26,
	    10, 8 };
	struct enf_where	 x;
	struct store_rows	*r = NULL;
	struct sheet		 sh;
	struct buf		 q;
	char			*data = NULL, *masked = NULL, fine[32];
	size_t			 len;
	int			 rc;

	memset(&sh, 0, sizeof(sh));
	buf_init(&q);
	if ((rc = reg_need(who, "case:read", e)) < 0)
		return rc;
	if ((rc = enf_where(who, f, &x, e)) < 0 ||
	    (rc = sheet_open(&sh, format, "行政处罚案件", headers, widths, 12,
	    e)) < 0)
		goto out;
	buf_printf(&q, "SELECT " ENF_LIST_COLS " FROM cases c%s%s LIMIT ?",
	    x.w.data, x.order);
	x.args[x.n] = SV_I(max);
	if ((rc = store_query(st, q.data, x.args, x.n + 1, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		const char	*cells[12];

		snprintf(fine, sizeof(fine), "%lld", (long long)(store_int(r,
		    18) / 100));
		cells[0] = store_text(r, 1);
		cells[1] = strcmp(store_text(r, 2), "simple") == 0 ? "简易" :
		    "一般";
		cells[2] = store_text(r, 3);
		/* P-4: no bulk export of a person's name in clear. */
		free(masked);
		masked = strcmp(store_text(r, 4), "individual") == 0 ?
		    pii_mask_name(store_text(r, 6)) : NULL;
		cells[3] = masked ? masked : store_text(r, 6);
		cells[4] = store_text(r, 7);
		cells[5] = enf_status_zh(store_text(r, 8));
		cells[6] = store_text(r, 9);
		cells[7] = store_text(r, 10);
		cells[8] = store_text(r, 12);
		cells[9] = store_text(r, 17);
		cells[10] = fine;
		cells[11] = store_int(r, 14) ? "是" : "否";
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
	free(masked);
	store_rows_free(r);
	sheet_free(&sh);
	enf_where_free(&x);
	buf_free(&q);
	return rc;
}
