/*
 * The registry of certificates (ECERT-008..011): issue (build, sign,
 * store, audit), revoke, supersede by a reissue, look-ups, and the
 * online check that adds the registry's status to the offline
 * verification.  Writes run in the caller's transaction with one audit
 * entry per certificate changed; the caller has checked its permission
 * and jurisdiction over the subject.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "ecert.h"
#include "ecert_int.h"

#define ECERT_REASON_MAX	200
#define ECERT_SUBJECT_MAX	32

#define ECERT_COLS \
    "id, no, type, subject_type, subject_id, kid, content, signature, " \
    "code, status, issued_on, revoked_on, revoke_reason, superseded_by, " \
    "created_at, created_by, updated_at, version"

static json_t *
ecert_text_or_null(struct store_rows *r, int col)
{
	return store_isnull(r, col) ? json_null() :
	    json_string(store_text(r, col));
}

static json_t *
ecert_row(struct store_rows *r)
{
	return json_pack("{s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, "
	    "s:s, s:o, s:o, s:o, s:I, s:s, s:I, s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "no", store_text(r, 1),
	    "type", store_text(r, 2),
	    "subject_type", store_text(r, 3),
	    "subject_id", jx_id(store_int(r, 4)),
	    "kid", store_text(r, 5),
	    "content", store_text(r, 6),
	    "signature", store_text(r, 7),
	    "code", store_text(r, 8),
	    "status", store_text(r, 9),
	    "issued_on", store_text(r, 10),
	    "revoked_on", ecert_text_or_null(r, 11),
	    "revoke_reason", ecert_text_or_null(r, 12),
	    "superseded_by", store_isnull(r, 13) ? json_null() :
	    jx_id(store_int(r, 13)),
	    "created_at", (json_int_t)store_int(r, 14),
	    "created_by", store_text(r, 15),
	    "updated_at", (json_int_t)store_int(r, 16),
	    "version", (json_int_t)store_int(r, 17));
}

/* The record WHERE col = the value; ERR_NOT_FOUND if none. */
static int
ecert_load(struct store *st, const char *col, struct store_val v,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	char			*sql;
	int			 rc;

	sql = xasprintf("SELECT " ECERT_COLS " FROM certificates WHERE %s = ?",
	    col);
	rc = store_query(st, sql, &v, 1, &r, e);
	free(sql);
	if (rc < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = ecert_row(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such certificate");
	return rc < 0 ? rc : 0;
}

int
ecert_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	return ecert_load(st, "id", SV_I(id), out, e);
}

int
ecert_get_by_no(struct store *st, const char *no, json_t **out,
    struct err *e)
{
	if (no == NULL)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such certificate");
	return ecert_load(st, "no", SV_S(no), out, e);
}

int
ecert_get_by_code(struct store *st, const char *code, json_t **out,
    struct err *e)
{
	struct ecert_code	*c = NULL;
	json_t			*rec = NULL;
	int			 rc;

	if ((rc = ecert_code_decode(code, &c, e)) < 0)
		return rc;
	rc = ecert_get_by_no(st, json_string_value(json_object_get(c->json,
	    "no")), &rec, e);
	if (rc == 0 && strcmp(json_string_value(json_object_get(rec, "code")),
	    code) != 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such certificate");
	if (rc == 0) {
		*out = rec;
		rec = NULL;
	}
	json_decref(rec);
	ecert_code_free(c);
	return rc;
}

int
ecert_record(struct store *st, const char *id, json_t **out, struct err *e)
{
	int64_t	n;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &n) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such certificate");
	return ecert_get(st, n, out, e);
}

/* Append the record after a change; *out (may be NULL) receives it. */
static int
ecert_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = ecert_get(st, id, &rec, e)) < 0)
		return rc;
	if ((rc = audit_append_id(st, who, action, "ecert", id, rec, e)) == 0 &&
	    out != NULL) {
		*out = rec;
		rec = NULL;
	}
	json_decref(rec);
	return rc;
}

static int
ecert_subject_ok(const char *s)
{
	size_t	n, i;

	if (s == NULL || (n = strlen(s)) == 0 || n > ECERT_SUBJECT_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return 0;
	return 1;
}

/* Build, sign and store a certificate as valid; *id receives its id. */
static int
ecert_insert(struct store *st, struct actor *who, const struct ecert_new *n,
    int64_t *id, struct err *e)
{
	const struct crypto_sm2	*k = ecert_key_signer();
	struct ecert_code	*c = NULL;
	json_t			*content = NULL;
	const char		*no;
	char			 kid[ECERT_KID_LEN + 1], by[24], *sig = NULL;
	int64_t			 live = 0, have = 0, now;
	int			 rc;

	if (!ecert_subject_ok(n->subject_type)) {
		rc = err_set(e, ERR_INVALID, "subject_type", "subject_type "
		    "must be 1 to %d characters a-z _", ECERT_SUBJECT_MAX);
		goto out;
	}
	if (n->subject_id <= 0) {
		rc = err_set(e, ERR_INVALID, "subject_id", "subject_id must be "
		    "an id");
		goto out;
	}
	if (k == NULL) {
		rc = err_set(e, ERR_UNAVAILABLE, NULL, "no certificate key");
		goto out;
	}
	crypto_sm2_key_id(k, kid);
	if ((rc = ecert_content(n->type, n->fields, kid, &content, e)) < 0)
		goto out;
	/* ECERT-007: a retired key signs nothing more. */
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM ecert_keys WHERE "
	    "kid = ? AND retired_at IS NULL", STORE_ARGS(SV_S(kid)), &live,
	    e)) < 0)
		goto out;
	if (live == 0) {
		rc = err_set(e, ERR_UNAVAILABLE, NULL, "the certificate key is "
		    "retired or unknown: restart with the current key");
		goto out;
	}
	no = json_string_value(json_object_get(content, "no"));
	/* ECERT-008: numbers are unique (checked first: a failed insert
	 * would end a PostgreSQL transaction). */
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM certificates "
	    "WHERE no = ?", STORE_ARGS(SV_S(no)), &have, e)) < 0)
		goto out;
	if (have > 0) {
		rc = err_set(e, ERR_CONFLICT, "no", "certificate %s exists",
		    no);
		goto out;
	}
	if ((rc = ecert_code_sign(k, content, &c, e)) < 0)
		goto out;
	sig = crypto_base64url_encode(c->sig, c->siglen);
	actor_audit_name(who, by);
	*id = id_next();
	now = clock_now();
	rc = store_exec(st, "INSERT INTO certificates (id, no, type, "
	    "subject_type, subject_id, kid, content, signature, code, status, "
	    "issued_on, created_at, created_by, updated_at) VALUES (?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?, ?)", STORE_ARGS(SV_I(*id),
	    SV_S(no), SV_S(n->type), SV_S(n->subject_type), SV_I(n->subject_id),
	    SV_S(kid), SV_S(c->content), SV_S(sig), SV_S(c->text),
	    SV_S(json_string_value(json_object_get(content, "issued"))),
	    SV_I(now), SV_S(by), SV_I(now)), NULL, e);
	if (rc == ERR_CONFLICT)
		err_set(e, ERR_CONFLICT, "no", "certificate %s exists", no);
out:
	free(sig);
	ecert_code_free(c);
	json_decref(content);
	return rc;
}

int
ecert_issue(struct store *st, struct actor *who, const struct ecert_new *n,
    json_t **out, struct err *e)
{
	int64_t	id = 0;
	int	rc;

	if ((rc = ecert_insert(st, who, n, &id, e)) < 0)
		return rc;
	return ecert_audit(st, who, "ecert.issue", id, out, e);
}

/* The record of a valid certificate at version (0: any), for a change. */
static int
ecert_changeable(struct store *st, int64_t id, int64_t version,
    json_t **out, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = ecert_get(st, id, &rec, e)) < 0)
		return rc;
	if (strcmp(json_string_value(json_object_get(rec, "status")),
	    "valid") != 0)
		rc = err_set(e, ERR_POLICY, "status", "the certificate is %s; "
		    "only a valid one changes",
		    json_string_value(json_object_get(rec, "status")));
	else if (version != 0 && json_integer_value(json_object_get(rec,
	    "version")) != version)
		rc = err_set(e, ERR_STALE, NULL, NULL);
	if (rc < 0) {
		json_decref(rec);
		return rc;
	}
	*out = rec;
	return 0;
}

int
ecert_revoke(struct store *st, struct actor *who, int64_t id,
    int64_t version, const char *date, const char *reason, json_t **out,
    struct err *e)
{
	json_t		*rec = NULL;
	const char	*issued;
	char		 today[ECERT_DATE_LEN + 1];
	int64_t		 changed = 0;
	int		 rc;

	/* ECERT-009: a date and a reason, checked before anything is read. */
	if (date == NULL) {
		rc = err_set(e, ERR_MISSING, "revoked_on", "revoked_on is "
		    "required");
		goto out;
	}
	if (!ecert_date_ok(date)) {
		rc = err_set(e, ERR_INVALID, "revoked_on", "revoked_on must be "
		    "a date YYYY-MM-DD");
		goto out;
	}
	if ((rc = ecert_text_check("revoke_reason", reason, ECERT_REASON_MAX,
	    e)) < 0)
		goto out;
	if ((rc = ecert_changeable(st, id, version, &rec, e)) < 0)
		goto out;
	issued = json_string_value(json_object_get(rec, "issued_on"));
	ecert_today(today);
	if (strcmp(date, issued) < 0 || strcmp(date, today) > 0) {
		rc = err_set(e, ERR_INVALID, "revoked_on", "revoked_on must be "
		    "from the issue date %s to today %s", issued, today);
		goto out;
	}
	if ((rc = store_exec(st, "UPDATE certificates SET status = 'revoked', "
	    "revoked_on = ?, revoke_reason = ?, updated_at = ?, version = "
	    "version + 1 WHERE id = ? AND version = ? AND status = 'valid'",
	    STORE_ARGS(SV_S(date), SV_S(reason), SV_I(clock_now()), SV_I(id),
	    SV_I(json_integer_value(json_object_get(rec, "version")))),
	    &changed, e)) < 0)
		goto out;
	if (changed == 0) {
		rc = err_set(e, ERR_STALE, NULL, NULL);
		goto out;
	}
	rc = ecert_audit(st, who, "ecert.revoke", id, out, e);
out:
	json_decref(rec);
	return rc;
}

int
ecert_supersede(struct store *st, struct actor *who, int64_t id,
    int64_t version, const json_t *fields, json_t **out, struct err *e)
{
	struct ecert_new	 n;
	json_t			*rec = NULL, *nrec = NULL;
	int64_t			 nid = 0, changed = 0;
	int			 rc;

	if ((rc = ecert_changeable(st, id, version, &rec, e)) < 0)
		goto out;
	/* ECERT-010: same type and subject, a new number. */
	memset(&n, 0, sizeof(n));
	n.type = json_string_value(json_object_get(rec, "type"));
	n.fields = fields;
	n.subject_type = json_string_value(json_object_get(rec,
	    "subject_type"));
	str_to_i64(json_string_value(json_object_get(rec, "subject_id")), 1,
	    INT64_MAX, &n.subject_id);
	if ((rc = ecert_insert(st, who, &n, &nid, e)) < 0)
		goto out;
	if ((rc = ecert_audit(st, who, "ecert.issue", nid, &nrec, e)) < 0)
		goto out;
	if ((rc = store_exec(st, "UPDATE certificates SET status = "
	    "'superseded', superseded_by = ?, updated_at = ?, version = "
	    "version + 1 WHERE id = ? AND version = ? AND status = 'valid'",
	    STORE_ARGS(SV_I(nid), SV_I(clock_now()), SV_I(id),
	    SV_I(json_integer_value(json_object_get(rec, "version")))),
	    &changed, e)) < 0)
		goto out;
	if (changed == 0) {
		rc = err_set(e, ERR_STALE, NULL, NULL);
		goto out;
	}
	if ((rc = ecert_audit(st, who, "ecert.supersede", id, NULL, e)) < 0)
		goto out;
	*out = nrec;
	nrec = NULL;
out:
	json_decref(nrec);
	json_decref(rec);
	return rc;
}

/* Status of c in the registry: only for the very content it holds. */
static int
ecert_status(struct store *st, const struct ecert_code *c, json_t *ans,
    struct err *e)
{
	struct store_rows	*r = NULL;
	const char		*no;
	char			*newno = NULL;
	int64_t			 by = 0;
	int			 rc;

	if ((no = json_string_value(json_object_get(c->json, "no"))) == NULL)
		return 0;
	if ((rc = store_query(st, "SELECT status, revoked_on, revoke_reason, "
	    "superseded_by, content FROM certificates WHERE no = ?",
	    STORE_ARGS(SV_S(no)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1 &&
	    strcmp(store_text(r, 4), c->content) == 0) {
		json_object_set_new(ans, "status",
		    json_string(store_text(r, 0)));
		json_object_set_new(ans, "revoked_on",
		    ecert_text_or_null(r, 1));
		json_object_set_new(ans, "revoke_reason",
		    ecert_text_or_null(r, 2));
		by = store_isnull(r, 3) ? 0 : store_int(r, 3);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (by != 0) {
		if ((rc = store_query_text(st, "SELECT no FROM certificates "
		    "WHERE id = ?", STORE_ARGS(SV_I(by)), &newno, e)) < 0)
			return rc;
		json_object_set_new(ans, "superseded_by_no",
		    json_string(newno));
		free(newno);
	}
	return 0;
}

int
ecert_check(struct store *st, const char *text, json_t **out, struct err *e)
{
	struct ecert_code	*c = NULL;
	enum ecert_verdict	 v;
	json_t			*ans = NULL;
	int			 rc;

	if ((rc = ecert_code_decode(text, &c, e)) < 0)
		goto out;
	if ((rc = ecert_key_verify(st, c, &v, e)) < 0)
		goto out;
	/* ECERT-011: "valid" is the signature's; status the registry's. */
	ans = json_pack("{s:b, s:O, s:s, s:n, s:n, s:n}",
	    "valid", v == ECERT_VALID,
	    "content", c->json,
	    "status", "unknown",
	    "revoked_on",
	    "revoke_reason",
	    "superseded_by_no");
	if (v != ECERT_VALID) {
		json_object_set_new(ans, "reason",
		    json_string(ecert_verdict_reason(v)));
		json_object_set_new(ans, "message",
		    json_string(ecert_verdict_message(v)));
	} else if ((rc = ecert_status(st, c, ans, e)) < 0)
		goto out;
	*out = ans;
	ans = NULL;
	rc = 0;
out:
	json_decref(ans);
	ecert_code_free(c);
	return rc;
}
