/*
 * Publication of penalty decisions (行政处罚决定公开, ENF-050..055;
 * docs/modules/enforce_pub.md; SECURITY.md P-3): the public record of a
 * fine or a warning — decision number and day, the party (a unit by name
 * and USCC, a person by masked name only), the facts and violations with
 * every ID number, phone number and the party's home address removed,
 * the penalty, the basis, the issuer — written once into
 * case_publications; the job enforce.publish; the public list and read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "enforce.h"
#include "enforce_int.h"
#include "enforce_pub.h"
#include "pii.h"
#include "rec.h"
#include "registry_int.h"

#define ENF_PUB_BATCH	200
#define ENF_PUB_Q_MAX	100

/* ---- redaction (ENF-052) --------------------------------------------- */

/* Bytes of the digit at s (ASCII or full-width), 0 if none. */
static int
enf_dig(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	if (u[0] >= '0' && u[0] <= '9')
		return 1;
	if (u[0] == 0xef && u[1] == 0xbc && u[2] >= 0x90 && u[2] <= 0x99)
		return 3;
	return 0;
}

/* The first byte of the digit at s ('0'..'9'), s being a digit. */
static char
enf_dig_val(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	return u[0] < 0x80 ? (char)u[0] : (char)('0' + (u[2] - 0x90));
}

/* Exactly n digits at s: their bytes, or -1. */
static int
enf_digits(const char *s, int n)
{
	int	k, b = 0, i;

	for (i = 0; i < n; i++) {
		if ((k = enf_dig(s + b)) == 0)
			return -1;
		b += k;
	}
	return b;
}

/* An optional separator inside a phone number: '-', ' ', '－'. */
static int
enf_sep(const char *s)
{
	if (*s == '-' || *s == ' ')
		return 1;
	if (strncmp(s, "\xef\xbc\x8d", 3) == 0)	/* － */
		return 3;
	return 0;
}

/* 1 if the character ending just before s (s > start) is a digit. */
static int
enf_dig_before(const char *start, const char *s)
{
	if (s > start && s[-1] >= '0' && s[-1] <= '9')
		return 1;
	return s - start >= 3 && enf_dig(s - 3) == 3;
}

/* A run of 15 or more digits at s (an 18th X allowed): bytes or 0. */
static int
enf_m_idno(const char *s)
{
	int	b = 0, n = 0, k;

	while ((k = enf_dig(s + b)) != 0) {
		b += k;
		n++;
	}
	if (n < 15)
		return 0;
	if (n == 17) {
		if (s[b] == 'X' || s[b] == 'x')
			b++;
		else if (strncmp(s + b, "\xef\xbc\xb8", 3) == 0 ||
		    strncmp(s + b, "\xef\xbd\x98", 3) == 0)	/* Ｘ ｘ */
			b += 3;
	}
	return b;
}

/* A mobile number 1[3-9]x(-)xxxx(-)xxxx at s, no prefix: bytes or 0. */
static int
enf_m_mobile_at(const char *s)
{
	int	b, k;

	if (enf_dig(s) == 0 || enf_dig_val(s) != '1')
		return 0;
	b = enf_dig(s);
	if (enf_dig(s + b) == 0 || enf_dig_val(s + b) < '3')
		return 0;
	if ((k = enf_digits(s + b, 2)) < 0)
		return 0;
	b += k;
	b += enf_sep(s + b);
	if ((k = enf_digits(s + b, 4)) < 0)
		return 0;
	b += k;
	b += enf_sep(s + b);
	if ((k = enf_digits(s + b, 4)) < 0)
		return 0;
	b += k;
	return enf_dig(s + b) ? 0 : b;
}

/* A mobile with an optional +86, 0086 or 86 prefix: bytes or 0. */
static int
enf_m_mobile(const char *s)
{
	static const char *const	pre[] = { "+86", "0086", "86", NULL };
	int				i, p, k;

	if ((k = enf_m_mobile_at(s)) > 0)
		return k;
	for (i = 0; pre[i] != NULL; i++) {
		p = (int)strlen(pre[i]);
		if (strncmp(s, pre[i], (size_t)p) != 0)
			continue;
		p += enf_sep(s + p);
		if ((k = enf_m_mobile_at(s + p)) > 0)
			return p + k;
	}
	return 0;
}

/* A landline (0AA[A])-?NNNNNNN[N] at s: bytes or 0. */
static int
enf_m_landline(const char *s)
{
	int	a, b, k, n, open = 0;

	if (*s == '(')
		open = 1;
	else if (strncmp(s, "\xef\xbc\x88", 3) == 0)	/* （ */
		open = 3;
	for (a = 3; a >= 2; a--) {
		b = open;
		if (enf_dig(s + b) == 0 || enf_dig_val(s + b) != '0')
			continue;
		b += enf_dig(s + b);
		if ((k = enf_digits(s + b, a)) < 0)
			continue;
		b += k;
		if (open == 1 && s[b] == ')')
			b++;
		else if (open == 3 && strncmp(s + b, "\xef\xbc\x89", 3) == 0)
			b += 3;
		else if (open)
			continue;
		else if (enf_dig(s + b) == 0 && enf_sep(s + b) == 0)
			continue;
		b += enf_sep(s + b);
		for (n = 0; n < 8 && (k = enf_dig(s + b)) != 0; n++)
			b += k;
		if (n >= 7 && enf_dig(s + b) == 0)
			return b;
	}
	return 0;
}

/* Every occurrence of lit in text replaced by rep (a new string). */
static char *
enf_replace(const char *text, const char *lit, const char *rep)
{
	struct buf	 b;
	const char	*p = text, *q;
	size_t		 n = strlen(lit);

	buf_init(&b);
	while ((q = strstr(p, lit)) != NULL) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, rep);
		p = q + n;
	}
	buf_adds(&b, p);
	return buf_release(&b);
}

/* Code points of s. */
static size_t
enf_cps(const char *s)
{
	size_t	n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

char *
enforce_redact(const char *text, const struct enforce_pii *p)
{
	struct buf	 b;
	const char	*lits[3], *s;
	char		*t, *u, *m;
	int		 i, k;

	t = xstrdup(text ? text : "");
	if (p != NULL) {
		/* The party's own values first, whatever their form: the
		 * address may hold digits the patterns would cut apart. */
		lits[0] = p->address;
		lits[1] = p->idno;
		lits[2] = p->phone;
		for (i = 0; i < 3; i++) {
			if (lits[i] == NULL || enf_cps(lits[i]) < 2)
				continue;
			u = enf_replace(t, lits[i], "***");
			free(t);
			t = u;
		}
		if (p->name != NULL && enf_cps(p->name) >= 2) {
			m = pii_mask_name(p->name);
			u = enf_replace(t, p->name, m);
			free(m);
			free(t);
			t = u;
		}
	}
	buf_init(&b);
	for (s = t; *s != '\0'; ) {
		if (!enf_dig_before(t, s) && ((k = enf_m_idno(s)) > 0 ||
		    (k = enf_m_mobile(s)) > 0 || (k = enf_m_landline(s)) > 0)) {
			buf_adds(&b, "***");
			s += k;
			continue;
		}
		buf_addc(&b, *s++);
	}
	free(t);
	return buf_release(&b);
}

/* ---- the public record (ENF-051) -------------------------------------- */

/* The name of town code, or NULL. */
static char *
enf_pub_town_name(struct store *st, const char *town, struct err *e)
{
	char	*name = NULL;

	if (store_query_text(st, "SELECT name FROM towns WHERE code = ?",
	    STORE_ARGS(SV_S(town)), &name, e) < 0)
		return NULL;
	return name;
}

/* The public content of case c (enforce_case_full, unsealed). */
static json_t *
enf_pub_content(const json_t *c, const char *today, const char *town_name)
{
	struct enforce_pii	 pii;
	const json_t		*vs = json_object_get(c, "violations"), *v, *sug;
	json_t			*out, *list = json_array(), *party;
	struct buf		 basis;
	const char		*ptype = enf_s(c, "party_type");
	char			*t, *y, *m;
	size_t			 i;
	int			 person = strcmp(ptype, "individual") == 0;

	memset(&pii, 0, sizeof(pii));
	if (person) {
		pii.name = enf_s(c, "party_name");
		pii.idno = enf_s(c, "party_idno");
		pii.phone = enf_s(c, "party_phone");
		pii.address = enf_s(c, "party_address");
		m = pii_mask_name(pii.name);
		party = json_pack("{s:s, s:s}", "type", ptype, "name", m);
		free(m);
	} else {
		pii.phone = enf_s(c, "party_phone");
		party = json_pack("{s:s, s:s, s:s?}", "type", ptype, "name",
		    enf_s(c, "party_name"), "code",
		    json_string_value(json_object_get(c, "party_code")));
	}
	buf_init(&basis);
	json_array_foreach(vs, i, v) {
		if (strcmp(enf_s(v, "status"), "withdrawn") == 0)
			continue;
		sug = json_object_get(v, "suggestion");
		t = enforce_redact(enf_s(v, "facts"), &pii);
		y = enforce_doc_yuan(enf_i(v, "amount_fen"));
		json_array_append_new(list, json_pack("{s:s, s:s?, s:s?, s:s, "
		    "s:s, s:s, s:s}", "item", enf_s(v, "item"), "name_zh",
		    json_string_value(json_object_get(sug, "name")), "basis",
		    json_string_value(json_object_get(sug, "basis")), "tier",
		    enf_s(v, "tier"), "facts", t, "outcome",
		    enf_s(v, "outcome"), "amount_yuan", y));
		if (json_string_value(json_object_get(sug, "basis")) != NULL &&
		    strstr(basis.len ? basis.data : "", json_string_value(
		    json_object_get(sug, "basis"))) == NULL) {
			if (basis.len)
				buf_adds(&basis, "；");
			buf_adds(&basis, json_string_value(json_object_get(sug,
			    "basis")));
		}
		free(t);
		free(y);
	}
	t = enforce_redact(enf_s(c, "facts"), &pii);
	y = enforce_doc_yuan(enf_i(c, "fine_fen"));
	m = strcmp(enf_s(c, "outcome"), "fine") == 0 ?
	    xasprintf("罚款人民币%s元", y) : xstrdup("警告");
	out = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:o, s:s, s:o, "
	    "s:{s:s, s:I, s:s, s:s}, s:s, s:s}",
	    "decision_no", enf_s(c, "decision_no"),
	    "decided_on", enf_s(c, "decided_on"),
	    "published_on", today,
	    "town", enf_s(c, "town"), "town_name", town_name,
	    "procedure", enf_s(c, "procedure"),
	    "party", party, "facts", t, "violations", list,
	    "penalty", "outcome", enf_s(c, "outcome"), "fine_fen",
	    (json_int_t)enf_i(c, "fine_fen"), "fine_yuan", y, "text", m,
	    "basis", basis.len ? basis.data : "",
	    "issuer", enforce_issuer() ? enforce_issuer() : "");
	free(t);
	free(y);
	free(m);
	buf_free(&basis);
	return out;
}

/* A publication row (id, content, published_on, decision_no, town) as
 * served: the record's keys and its public content. */
static json_t *
enf_pub_row(struct store_rows *r)
{
	json_t	*c = json_loads(store_text(r, 1), 0, NULL);

	return json_pack("{s:o, s:s, s:s, s:s, s:O?, s:o}", "id",
	    jx_id(store_int(r, 0)), "decision_no", store_text(r, 3),
	    "published_on", store_text(r, 2), "town", store_text(r, 4),
	    "town_name", json_object_get(c, "town_name"), "content",
	    c ? c : json_object());
}

/* The published entry of that id (col "id"), or the publication of case
 * id whatever its status (col "case_id"); ERR_NOT_FOUND (e untouched)
 * when there is none. */
static int
enf_pub_one(struct store *st, const char *col, int64_t id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	char			*sql;
	int			 rc;

	sql = xasprintf("SELECT id, content, published_on, decision_no, town "
	    "FROM case_publications WHERE %s", strcmp(col, "id") == 0 ?
	    "id = ? AND status = 'published'" : "case_id = ?");
	rc = store_query(st, sql, STORE_ARGS(SV_I(id)), &r, e);
	free(sql);
	if (rc < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = enf_pub_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = ERR_NOT_FOUND;
	store_rows_free(r);
	return rc;
}

int
enforce_pub_publish(struct store *st, struct actor *who, int64_t id,
    int *created, json_t **out, struct err *e)
{
	json_t		*c = NULL, *content = NULL, *pub = NULL;
	const char	*status, *outcome;
	char		 today[REC_DATE_LEN + 1], *text = NULL, *tn = NULL;
	int64_t		 pid;
	int		 own = 0, rc;

	*created = 0;
	if (who->kind != ACTOR_SYSTEM &&
	    (rc = enforce_case_can_read(st, who, id, e)) < 0)
		return rc;
	if ((rc = store_begin_own(st, &own, e)) < 0)
		return rc;
	/* Idempotent: a published case stays as it was published. */
	if ((rc = enf_pub_one(st, "case_id", id, &pub, e)) == 0)
		goto done;
	if (rc != ERR_NOT_FOUND)
		goto out;
	if ((rc = enforce_case_full(st, id, 1, &c, e)) < 0)
		goto out;
	status = enf_s(c, "status");
	outcome = enf_s(c, "outcome");
	/* ENF-050: only a decision is published. */
	if (*enf_s(c, "decision_no") == '\0' ||
	    (strcmp(status, "decided") != 0 && strcmp(status, "served") != 0 &&
	    strcmp(status, "closed") != 0)) {
		rc = err_set(e, ERR_POLICY, "status", "the case has no decision "
		    "to publish (status %s)", status);
		goto out;
	}
	/* ENF-053: fines and warnings are published; a decision not to
	 * penalise is not. */
	if (strcmp(outcome, "fine") != 0 && strcmp(outcome, "warning") != 0) {
		rc = err_set(e, ERR_POLICY, "outcome", "a decision not to "
		    "penalise (不予行政处罚) is not published (ENF-053)");
		goto out;
	}
	rec_today(today);
	if ((tn = enf_pub_town_name(st, enf_s(c, "town"), e)) == NULL &&
	    e->code != 0 && e->code != ERR_NOT_FOUND) {
		rc = e->code;
		goto out;
	}
	err_clear(e);
	content = enf_pub_content(c, today, tn);
	text = jx_dump(content);
	pid = id_next();
	if ((rc = store_exec(st, "INSERT INTO case_publications (id, case_id, "
	    "decision_no, published_on, town, content, status, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, 'published', ?)", STORE_ARGS(SV_I(pid),
	    SV_I(id), SV_S(enf_s(c, "decision_no")), SV_S(today),
	    SV_S(enf_s(c, "town")), SV_S(text), SV_I(clock_now())), NULL,
	    e)) < 0 ||
	    (rc = store_exec(st, "UPDATE cases SET published_on = ?, version = "
	    "version + 1, updated_at = ? WHERE id = ?", STORE_ARGS(SV_S(today),
	    SV_I(clock_now()), SV_I(id)), NULL, e)) < 0 ||
	    (rc = enforce_case_step(st, who, id, "publish", enf_s(c,
	    "decision_no"), NULL, e)) < 0)
		goto out;
	if ((rc = enf_pub_one(st, "case_id", id, &pub, e)) < 0)
		goto out;
	*created = 1;
done:
	rc = 0;
out:
	rc = store_end_own(st, own, rc, e);
	if (rc == 0 && out != NULL) {
		*out = pub;
		pub = NULL;
	}
	if (rc < 0)
		*created = 0;
	json_decref(pub);
	json_decref(c);
	json_decref(content);
	free(text);
	free(tn);
	return rc;
}

int
enforce_publish(struct store *st, struct actor *who, int64_t id,
    struct err *e)
{
	int	created;

	return enforce_pub_publish(st, who, id, &created, NULL, e);
}

/* ---- the public side (ENF-054) ---------------------------------------- */

int
enforce_pub_list(struct store *st, const char *q, const char *town,
    const char *year, int64_t offset, int64_t limit, json_t **items,
    int64_t *total, struct err *e)
{
	struct store_rows	*r = NULL;
	struct store_val	 args[8];
	struct buf		 w;
	char			*like = NULL, *sql = NULL, from[12], to[12];
	int			 n = 0, rc, i;

	if (q != NULL && *q == '\0')
		q = NULL;
	if (town != NULL && *town == '\0')
		town = NULL;
	if (year != NULL && *year == '\0')
		year = NULL;
	if (q != NULL && enf_cps(q) > ENF_PUB_Q_MAX)
		return err_set(e, ERR_RANGE, "q", "q is at most %d characters",
		    ENF_PUB_Q_MAX);
	if (town != NULL && !reg_town_syntax(town))
		return err_set(e, ERR_INVALID, "town", "town is a town code "
		    "of 9 digits");
	if (year != NULL) {
		for (i = 0; year[i] != '\0'; i++)
			if (year[i] < '0' || year[i] > '9')
				break;
		if (i != 4 || year[i] != '\0' || strcmp(year, "2000") < 0 ||
		    strcmp(year, "2099") > 0)
			return err_set(e, ERR_INVALID, "year", "year is "
			    "YYYY (2000..2099)");
	}
	buf_init(&w);
	buf_adds(&w, " FROM case_publications p JOIN cases c ON c.id = "
	    "p.case_id WHERE p.status = 'published'");
	if (q != NULL) {
		/* The published text only: a search never reaches what
		 * was not published (an individual's real name). */
		like = reg_like(q, 0);
		buf_adds(&w, " AND (p.decision_no = ? OR p.content LIKE ? "
		    "ESCAPE '\\')");
		args[n++] = SV_S(q);
		args[n++] = SV_S(like);
	}
	if (town != NULL) {
		buf_adds(&w, " AND p.town = ?");
		args[n++] = SV_S(town);
	}
	if (year != NULL) {
		snprintf(from, sizeof(from), "%s-01-01", year);
		snprintf(to, sizeof(to), "%s-12-31", year);
		buf_adds(&w, " AND c.decided_on >= ? AND c.decided_on <= ?");
		args[n++] = SV_S(from);
		args[n++] = SV_S(to);
	}
	sql = xasprintf("SELECT COUNT(*)%s", w.data);
	if ((rc = store_query_int(st, sql, args, n, total, e)) < 0)
		goto out;
	free(sql);
	sql = xasprintf("SELECT p.id, p.content, p.published_on, "
	    "p.decision_no, p.town%s ORDER BY "
	    "p.published_on DESC, p.id DESC LIMIT ? OFFSET ?", w.data);
	args[n] = SV_I(limit);
	args[n + 1] = SV_I(offset);
	if ((rc = store_query(st, sql, args, n + 2, &r, e)) < 0)
		goto out;
	*items = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(*items, enf_pub_row(r));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
out:
	buf_free(&w);
	free(like);
	free(sql);
	return rc;
}

int
enforce_pub_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	int	rc = enf_pub_one(st, "id", id, out, e);

	if (rc == ERR_NOT_FOUND)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such published "
		    "decision");
	return rc;
}

/* ---- the job (ENF-055) ------------------------------------------------ */

/*
 * The decided fines and warnings not yet published whose publish_due
 * (set by the decision under either procedure) has come, in batches.
 */
static int
enf_pub_due(struct store *st, struct actor *who, const char *today,
    int64_t *done, int64_t *failed, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 ids[ENF_PUB_BATCH], last = 0;
	struct err		 e1;
	int			 k, i, rc;

	do {
		k = 0;
		if ((rc = store_query(st, "SELECT id FROM cases WHERE "
		    "publish_due IS NOT NULL AND publish_due <= ? AND "
		    "published_on IS NULL AND decision_no IS NOT NULL AND "
		    "outcome IN ('fine', 'warning') AND status IN ('decided', "
		    "'served', 'closed') AND id > ? ORDER BY id LIMIT ?",
		    STORE_ARGS(SV_S(today), SV_I(last), SV_I(ENF_PUB_BATCH)),
		    &r, e)) < 0)
			return rc;
		while (k < ENF_PUB_BATCH && (rc = store_next(r, e)) == 1)
			ids[k++] = store_int(r, 0);
		store_rows_free(r);
		if (rc < 0)
			return rc;
		for (i = 0; i < k; i++) {
			last = ids[i];
			err_clear(&e1);
			/* One transaction each: one bad case does not hold
			 * back the others. */
			if (enforce_publish(st, who, ids[i], &e1) < 0)
				(*failed)++;
			else
				(*done)++;
		}
	} while (k == ENF_PUB_BATCH);
	return 0;
}

int
enforce_job_publish(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	int64_t	done = 0, failed = 0;
	char	today[REC_DATE_LEN + 1];
	int	rc;

	/* Today honours FIREWARDEN_TODAY through the clock. */
	rec_today(today);
	if ((rc = enf_pub_due(st, who, today, &done, &failed, e)) < 0)
		return rc;
	buf_printf(detail, "published %lld decisions due by %s",
	    (long long)done, today);
	if (failed > 0)
		buf_printf(detail, "; %lld failed", (long long)failed);
	return 0;
}
