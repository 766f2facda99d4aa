/*
 * Enforcement cases, the ground they stand on (ENF-001..004, ENF-013,
 * ENF-014, ENF-018, ENF-019): the rules as data (clocks, thresholds, numbers, measures),
 * officers' enforcement certificates and recorded conflicts, the case
 * row within the caller's jurisdiction, its timeline, the art. 29 fine
 * and review requirements of a case, and the sealed decision record.
 * The case itself (create, violations, evidence, measures, officers) is
 * enforce_case.c's.
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
#include "../crypto/crypto.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "enforce.h"
#include "enforce_int.h"
#include "enforce_pub.h"
#include "penalty.h"
#include "pii.h"
#include "rec.h"
#include "risk.h"
#include "permit.h"
#include "registry_int.h"

/* The rules (ENF-001). */

static const char *const enf_clock_names[] = {
	"decision_days", "extension_max_days", "statement_workdays",
	"hearing_notice_workdays", "service_workdays", "payment_days",
	"publish_workdays", "review_workdays", NULL,
};
#define ENF_NCLOCKS	8
static const char *const enf_series[] = {
	"case", "notice", "decision", "no_penalty", "simple", "hearing",
	"payment", NULL,
};
#define ENF_NSERIES	7
#define ENF_MEASURES_MAX	32
#define ENF_GROUNDS_MAX		8

struct enf_rules {
	json_t			*doc;
	int			 clocks[ENF_NCLOCKS];
	int64_t			 simple[2], hearing[2], review[2], discuss[2];
	const char		*review_m[ENF_MEASURES_MAX + 1];
	const char		*discuss_m[ENF_MEASURES_MAX + 1];
	const char		*numbers[ENF_NSERIES];
	const char		*issuer;
	int			 permille;
	int			 outlier_min;
	double			 outlier_z;
	struct enforce_measure	 measures[ENF_MEASURES_MAX];
	const char		*grounds[ENF_MEASURES_MAX][ENF_GROUNDS_MAX + 1];
	int			 nmeasures;
};

static struct enf_rules	*enf;

static void
enf_rules_free(struct enf_rules *r)
{
	if (r == NULL)
		return;
	json_decref(r->doc);
	free(r);
}

/* "individual" → 1, "unit" → 0 (the index of the pairs above), else -1. */
static int
enf_party_ix(const char *party)
{
	if (party == NULL)
		return -1;
	if (strcmp(party, "unit") == 0)
		return 0;
	if (strcmp(party, "individual") == 0)
		return 1;
	return -1;
}

/* {individual, unit} yuan pair at o (with the other allowed keys). */
static int
enf_pair(const json_t *o, const char *const *keys, const char *where,
    int64_t out[2], struct err *e)
{
	const json_t	*v;
	int		 i;

	if (rec_data_keys(o, keys, where, e) < 0)
		return e->code;
	for (i = 0; i < 2; i++) {
		v = json_object_get(o, i ? "individual" : "unit");
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > PENALTY_YUAN_MAX)
			return err_set(e, ERR_INVALID, NULL, "%s.%s: whole yuan "
			    "from 0", where, i ? "individual" : "unit");
		out[i] = json_integer_value(v);
	}
	return 0;
}

static int
enf_kinds(const json_t *o, const struct enf_rules *r, const char *where,
    const char **out, struct err *e)
{
	const json_t	*v;
	size_t		 i;
	int		 j, n = 0;

	if (!json_is_array(o) || json_array_size(o) > ENF_MEASURES_MAX)
		return err_set(e, ERR_INVALID, NULL, "%s: a list of measure "
		    "kinds", where);
	json_array_foreach(o, i, v) {
		for (j = 0; j < r->nmeasures; j++)
			if (json_is_string(v) && strcmp(json_string_value(v),
			    r->measures[j].kind) == 0)
				break;
		if (j == r->nmeasures)
			return err_set(e, ERR_INVALID, NULL, "%s[%zu]: not a "
			    "measure kind of the rules", where, i);
		out[n++] = r->measures[j].kind;
	}
	out[n] = NULL;
	return 0;
}

static int
enf_parse_measures(struct enf_rules *r, struct err *e)
{
	static const char *const mk[] = { "kind", "name_zh", "coercive",
	    "grounds", "status", "note", NULL };
	const json_t	*o = json_object_get(r->doc, "measures"), *m, *g;
	char		 where[40];
	const char	*s;
	size_t		 i, k;
	int		 j;

	if (!json_is_array(o) || json_array_size(o) == 0 ||
	    json_array_size(o) > ENF_MEASURES_MAX)
		return err_set(e, ERR_INVALID, NULL, "measures: a list of 1 to "
		    "%d measures", ENF_MEASURES_MAX);
	json_array_foreach(o, i, m) {
		struct enforce_measure	*em = &r->measures[i];

		snprintf(where, sizeof(where), "measures[%zu]", i);
		if (rec_data_keys(m, mk, where, e) < 0)
			return e->code;
		if ((em->kind = rec_data_str(m, "kind", 40, where, e)) == NULL ||
		    (em->name_zh = rec_data_str(m, "name_zh", 100, where,
		    e)) == NULL)
			return e->code;
		for (s = em->kind; *s; s++)
			if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
				return err_set(e, ERR_INVALID, NULL, "%s.kind: "
				    "a-z and _ only", where);
		for (j = 0; j < (int)i; j++)
			if (strcmp(r->measures[j].kind, em->kind) == 0)
				return err_set(e, ERR_INVALID, NULL, "%s.kind: "
				    "%s given twice", where, em->kind);
		if (!json_is_boolean(json_object_get(m, "coercive")))
			return err_set(e, ERR_INVALID, NULL, "%s.coercive: true "
			    "or false", where);
		em->coercive = json_is_true(json_object_get(m, "coercive"));
		g = json_object_get(m, "grounds");
		/* ENF-016: a coercive measure names its legal grounds. */
		if (em->coercive != (g != NULL) || (g != NULL &&
		    (!json_is_array(g) || json_array_size(g) == 0 ||
		    json_array_size(g) > ENF_GROUNDS_MAX)))
			return err_set(e, ERR_INVALID, NULL, "%s.grounds: 1 to %d "
			    "legal grounds for a coercive measure, none "
			    "otherwise", where, ENF_GROUNDS_MAX);
		for (k = 0; g != NULL && k < json_array_size(g); k++) {
			s = json_string_value(json_array_get(g, k));
			if (s == NULL || *s == '\0' || strlen(s) > 100)
				return err_set(e, ERR_INVALID, NULL, "%s.grounds"
				    "[%zu]: text of 1 to 100 bytes", where, k);
			r->grounds[i][k] = s;
		}
		r->grounds[i][k] = NULL;
		em->grounds = r->grounds[i];
		r->nmeasures++;
	}
	return 0;
}

static int
enf_parse(struct enf_rules *r, struct err *e)
{
	static const char *const top[] = { "format", "version", "source",
	    "note", "clocks", "simple_procedure", "hearing_threshold_yuan",
	    "review", "discussion", "late_fee", "measures", "numbers",
	    "issuer", "payment_platforms_note", "outliers", NULL };
	static const char *const ck[] = { "value", "unit", "status", "note",
	    NULL };
	static const char *const sk[] = { "status", "note", "max_yuan", NULL };
	static const char *const pk[] = { "individual", "unit", NULL };
	static const char *const hk[] = { "status", "note", "individual",
	    "unit", NULL };
	static const char *const rk[] = { "status", "note", "fine_yuan",
	    "measures", NULL };
	static const char *const lk[] = { "status", "note", "permille_per_day",
	    "cap", NULL };
	static const char *const nk[] = { "template", "status", "note", NULL };
	static const char *const ik[] = { "name", "status", "note", NULL };
	static const char *const ok[] = { "status", "note", "min_samples",
	    "z_threshold", NULL };
	const json_t	*o, *v;
	const char	*s, *unit;
	int		 j;

	if (rec_data_keys(r->doc, top, "rules", e) < 0)
		return e->code;
	s = json_string_value(json_object_get(r->doc, "format"));
	if (s == NULL || strcmp(s, "firewarden-enforce-rules-v1") != 0)
		return err_set(e, ERR_INVALID, NULL, "format must be "
		    "firewarden-enforce-rules-v1");
	if (rec_data_str(r->doc, "version", 40, "rules", e) == NULL)
		return e->code;
	o = json_object_get(r->doc, "clocks");
	if (rec_data_keys(o, enf_clock_names, "clocks", e) < 0)
		return e->code;
	for (j = 0; enf_clock_names[j] != NULL; j++) {
		v = json_object_get(o, enf_clock_names[j]);
		if (v == NULL || rec_data_keys(v, ck, enf_clock_names[j], e) < 0)
			return err_set(e, ERR_INVALID, NULL, "clocks.%s: "
			    "{value, unit, status, note}", enf_clock_names[j]);
		unit = json_string_value(json_object_get(v, "unit"));
		if (!json_is_integer(json_object_get(v, "value")) ||
		    json_integer_value(json_object_get(v, "value")) < 1 ||
		    json_integer_value(json_object_get(v, "value")) > 366 ||
		    unit == NULL || (strcmp(unit, "days") != 0 &&
		    strcmp(unit, "workdays") != 0))
			return err_set(e, ERR_INVALID, NULL, "clocks.%s: value "
			    "1 to 366 in days or workdays", enf_clock_names[j]);
		/* The suffix says the unit: a wrong one would count the
		 * legal clock in the wrong days. */
		if ((strstr(enf_clock_names[j], "workdays") != NULL) !=
		    (strcmp(unit, "workdays") == 0))
			return err_set(e, ERR_INVALID, NULL, "clocks.%s: unit "
			    "must be %s", enf_clock_names[j],
			    strstr(enf_clock_names[j], "workdays") ?
			    "workdays" : "days");
		r->clocks[j] = (int)json_integer_value(json_object_get(v,
		    "value"));
	}
	o = json_object_get(r->doc, "simple_procedure");
	if (rec_data_keys(o, sk, "simple_procedure", e) < 0 ||
	    enf_pair(json_object_get(o, "max_yuan"), pk,
	    "simple_procedure.max_yuan", r->simple, e) < 0 ||
	    enf_pair(json_object_get(r->doc, "hearing_threshold_yuan"), hk,
	    "hearing_threshold_yuan", r->hearing, e) < 0)
		return e->code;
	if ((j = enf_parse_measures(r, e)) < 0)
		return j;
	o = json_object_get(r->doc, "review");
	if (rec_data_keys(o, rk, "review", e) < 0 ||
	    enf_pair(json_object_get(o, "fine_yuan"), pk, "review.fine_yuan",
	    r->review, e) < 0 || enf_kinds(json_object_get(o, "measures"), r,
	    "review.measures", r->review_m, e) < 0)
		return e->code;
	o = json_object_get(r->doc, "discussion");
	if (rec_data_keys(o, rk, "discussion", e) < 0 ||
	    enf_pair(json_object_get(o, "fine_yuan"), pk,
	    "discussion.fine_yuan", r->discuss, e) < 0 ||
	    enf_kinds(json_object_get(o, "measures"), r,
	    "discussion.measures", r->discuss_m, e) < 0)
		return e->code;
	o = json_object_get(r->doc, "late_fee");
	if (rec_data_keys(o, lk, "late_fee", e) < 0)
		return e->code;
	v = json_object_get(o, "permille_per_day");
	s = json_string_value(json_object_get(o, "cap"));
	/* ENF-033: 行政处罚法 art. 72 caps the late fee at the fine. */
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > 1000 || s == NULL || strcmp(s, "fine") != 0)
		return err_set(e, ERR_INVALID, NULL, "late_fee: permille_per_day "
		    "1 to 1000 and cap \"fine\"");
	r->permille = (int)json_integer_value(v);
	o = json_object_get(r->doc, "numbers");
	if (rec_data_keys(o, enf_series, "numbers", e) < 0)
		return e->code;
	for (j = 0; enf_series[j] != NULL; j++) {
		v = json_object_get(o, enf_series[j]);
		if (v == NULL || rec_data_keys(v, nk, enf_series[j], e) < 0 ||
		    (s = json_string_value(json_object_get(v, "template"))) ==
		    NULL || strstr(s, "{seq") == NULL || strlen(s) > 80)
			return err_set(e, ERR_INVALID, NULL, "numbers.%s: a "
			    "template with {seq}", enf_series[j]);
		r->numbers[j] = s;
	}
	o = json_object_get(r->doc, "issuer");
	if (rec_data_keys(o, ik, "issuer", e) < 0 ||
	    (r->issuer = rec_data_str(o, "name", 200, "issuer", e)) == NULL)
		return e->code;
	o = json_object_get(r->doc, "outliers");
	if (rec_data_keys(o, ok, "outliers", e) < 0)
		return e->code;
	v = json_object_get(o, "min_samples");
	if (!json_is_integer(v) || json_integer_value(v) < 3 ||
	    json_integer_value(v) > 100000)
		return err_set(e, ERR_INVALID, NULL, "outliers.min_samples: 3 "
		    "to 100000");
	r->outlier_min = (int)json_integer_value(v);
	v = json_object_get(o, "z_threshold");
	if (!json_is_number(v) || json_number_value(v) <= 0 ||
	    json_number_value(v) > 100)
		return err_set(e, ERR_INVALID, NULL, "outliers.z_threshold: a "
		    "number above 0");
	r->outlier_z = json_number_value(v);
	return 0;
}

static int
enf_parse_cb(void *ctx, struct err *e)
{
	return enf_parse(ctx, e);
}

int
enforce_rules_load(const char *path, struct err *e)
{
	struct enf_rules	*r = xcalloc(1, sizeof(*r));
	int			 rc;

	if ((rc = rec_data_load(path, &r->doc, enf_parse_cb, r, e)) < 0) {
		enf_rules_free(r);
		return rc;
	}
	/* Loaded at start-up, before requests read the rules. */
	enf_rules_free(enf);
	enf = r;
	return 0;
}

int
enforce_rules_json(json_t **out, struct err *e)
{
	if (enf == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the enforcement rules "
		    "are not loaded");
	*out = json_deep_copy(enf->doc);
	return 0;
}

int
enforce_clock(const char *name)
{
	int	i;

	for (i = 0; enf != NULL && name != NULL && enf_clock_names[i]; i++)
		if (strcmp(enf_clock_names[i], name) == 0)
			return enf->clocks[i];
	return -1;
}

int64_t
enforce_limit_yuan(const char *which, const char *party)
{
	int	p = enf_party_ix(party);

	if (enf == NULL || which == NULL || p < 0)
		return -1;
	if (strcmp(which, "simple") == 0 ||
	    strcmp(which, "simple_procedure") == 0)
		return enf->simple[p];
	if (strcmp(which, "hearing") == 0 ||
	    strcmp(which, "hearing_threshold") == 0 ||
	    strcmp(which, "hearing_threshold_yuan") == 0)
		return enf->hearing[p];
	if (strcmp(which, "review") == 0)
		return enf->review[p];
	if (strcmp(which, "discussion") == 0)
		return enf->discuss[p];
	return -1;
}

int
enforce_measure_needs(const char *which, const char *kind)
{
	const char *const	*l;

	if (enf == NULL || which == NULL || kind == NULL)
		return 0;
	l = strcmp(which, "review") == 0 ? enf->review_m :
	    strcmp(which, "discussion") == 0 ? enf->discuss_m : NULL;
	for (; l != NULL && *l != NULL; l++)
		if (strcmp(*l, kind) == 0)
			return 1;
	return 0;
}

const struct enforce_measure *
enforce_measure_find(const char *kind)
{
	int	i;

	for (i = 0; enf != NULL && kind != NULL && i < enf->nmeasures; i++)
		if (strcmp(enf->measures[i].kind, kind) == 0)
			return &enf->measures[i];
	return NULL;
}

int
enforce_late_permille(void)
{
	return enf ? enf->permille : 0;
}

int
enforce_outlier_min(void)
{
	return enf ? enf->outlier_min : 0;
}

double
enforce_outlier_z(void)
{
	return enf ? enf->outlier_z : 0;
}

const char *
enforce_issuer(void)
{
	return enf ? enf->issuer : "";
}

int
enforce_next_no(struct store *st, const char *series, int year, char **out,
    struct err *e)
{
	char	name[32];
	int	i;

	if (enf == NULL)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the enforcement rules "
		    "are not loaded");
	for (i = 0; series != NULL && enf_series[i] != NULL; i++)
		if (strcmp(enf_series[i], series) == 0) {
			/* doc_counters is shared by every module. */
			snprintf(name, sizeof(name), "enforce_%s", series);
			return rec_next_no(st, name, enf->numbers[i], year, out,
			    e);
		}
	return err_set(e, ERR_INTERNAL, NULL, "no number series %s",
	    series ? series : "(null)");
}

/* Dates. */

static int
enf_date_tm(const char *s, struct tm *tm)
{
	int	y, m, d;
	char	tail;

	if (s == NULL || strlen(s) != ENF_DATE_LEN || s[4] != '-' ||
	    s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = 12;
	return 0;
}

/*
 * A fine on a unit counts in its risk and credit record (ENF-026): a risk
 * event 'penalty' (once per case) and a credit event, both audited.
 */
int
enf_penalty_events(struct store *st, struct actor *who, int64_t case_id,
    int64_t unit, const char *no, int64_t fine_fen, const char *today,
    struct err *e)
{
	struct actor	 sys;
	json_t		*ce = NULL;
	char		 ref[24], *why = NULL;
	int64_t		 cid = id_next();
	int		 rc;

	snprintf(ref, sizeof(ref), "%lld", (long long)case_id);
	if ((rc = risk_event_has(st, unit, "penalty", "case", ref, e)) < 0)
		return rc;
	if (rc == 0) {
		actor_system(&sys, who->request_id);
		rc = risk_event_add(st, &sys, unit, "penalty", "case", ref,
		    clock_now(), NULL, e);
		who->audit_count += sys.audit_count;
		if (rc < 0)
			return rc;
	}
	why = xasprintf("行政处罚决定 %s：罚款 %lld.%02lld 元", no,
	    (long long)(fine_fen / 100), (long long)(fine_fen % 100));
	if ((rc = store_exec(st, "INSERT INTO credit_events (id, unit_id, "
	    "kind, ref_type, ref_id, occurred_on, note, created_at) VALUES "
	    "(?, ?, 'penalty', 'case', ?, ?, ?, ?)", STORE_ARGS(SV_I(cid),
	    SV_I(unit), SV_I(case_id), SV_S(today), SV_S(why),
	    SV_I(clock_now())), NULL, e)) < 0)
		goto out;
	snprintf(ref, sizeof(ref), "%lld", (long long)cid);
	if ((rc = permit_credit_event_record(st, ref, &ce, e)) < 0)
		goto out;
	rc = audit_append_id(st, who, "credit_event.create", "credit_event",
	    cid, ce, e);
out:
	json_decref(ce);
	free(why);
	return rc;
}

int
enf_text_clean(const char *field, const char *text, struct err *e)
{
	char	*r;
	int	 same;

	if (text == NULL)
		return 0;
	r = enforce_redact(text, NULL);
	same = r != NULL && strcmp(r, text) == 0;
	free(r);
	if (!same)
		return err_set(e, ERR_INVALID, field, "%s holds an ID number or "
		    "a phone number: record them in the party's fields, where "
		    "they are sealed (P-1)", field);
	return 0;
}

int
enf_date_ok(const char *s)
{
	struct tm	tm, chk;
	time_t		t;
	int		i;

	for (i = 0; s != NULL && i < ENF_DATE_LEN; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (enf_date_tm(s, &tm) < 0 || tm.tm_year < 49 || tm.tm_year > 199)
		return 0;
	/* timegm() normalises its argument: compare with a copy. */
	chk = tm;
	t = timegm(&chk);
	gmtime_r(&t, &chk);
	return chk.tm_year == tm.tm_year && chk.tm_mon == tm.tm_mon &&
	    chk.tm_mday == tm.tm_mday;
}

void
enf_date_add(const char *date, int n, char out[ENF_DATE_LEN + 1])
{
	struct tm	tm;
	time_t		t;

	if (enf_date_tm(date, &tm) < 0) {
		snprintf(out, ENF_DATE_LEN + 1, "%s", date ? date : "");
		return;
	}
	t = timegm(&tm) + (time_t)n * 86400;
	gmtime_r(&t, &tm);
	strftime(out, ENF_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

const char *
enf_s(const json_t *rec, const char *key)
{
	const char	*s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

int64_t
enf_i(const json_t *rec, const char *key)
{
	const json_t	*v = json_object_get(rec, key);

	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) :
	    json_integer_value(v);
}

/* Officers: users, certificates and conflicts (ENF-002..004). */

struct enf_user {
	char	login[64];
	char	jurisdiction[80];
	char	status[16];
	int	writes;		/* holds case:write */
};

static int
enf_user(struct store *st, int64_t id, struct enf_user *u, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT u.login, u.jurisdiction, u.status, "
	    "(SELECT COUNT(*) FROM user_roles ur JOIN role_permissions rp ON "
	    "rp.role_id = ur.role_id WHERE ur.user_id = u.id AND "
	    "rp.permission = 'case:write') FROM users u WHERE u.id = ?",
	    STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		snprintf(u->login, sizeof(u->login), "%s", store_text(r, 0));
		snprintf(u->jurisdiction, sizeof(u->jurisdiction), "%s",
		    store_text(r, 1));
		snprintf(u->status, sizeof(u->status), "%s", store_text(r, 2));
		u->writes = store_int(r, 3) > 0;
	}
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "user_id", "no such user");
	return rc < 0 ? rc : 0;
}

/* 1 if who may manage the officer u (a city manager all; a town's only
 * the officers of its town). */
static int
enf_manages(const struct actor *who, const struct enf_user *u)
{
	struct reg_scope	s;

	reg_scope_of(who, &s);
	if (s.kind == RS_ALL)
		return 1;
	return s.kind == RS_TOWN && strncmp(u->jurisdiction, "town:", 5) == 0 &&
	    strcmp(u->jurisdiction + 5, s.town) == 0;
}

/* A user id of the body the manager may manage, with case:write. */
static int
enf_officer_user(struct store *st, struct actor *who, const json_t *in,
    int64_t *uid, struct enf_user *u, struct err *e)
{
	const json_t	*v = json_object_get(in, "user_id");
	int		 rc;

	if (v == NULL)
		return err_set(e, ERR_MISSING, "user_id", "user_id is required");
	if ((rc = reg_json_id(v, "user_id", uid, e)) < 0)
		return rc;
	if ((rc = enf_user(st, *uid, u, e)) < 0)
		return rc;
	if (!enf_manages(who, u))
		return err_set(e, ERR_NOT_FOUND, "user_id", "no such user");
	if (!u->writes || strcmp(u->status, "active") != 0)
		return err_set(e, ERR_POLICY, "user_id", "%s is not an active "
		    "enforcement officer (case:write)", u->login);
	return 0;
}

int
enf_day(const json_t *in, const char *key, int flags,
    char out[ENF_DATE_LEN + 1], struct err *e)
{
	const json_t	*v = json_object_get(in, key);
	char		 today[REC_DATE_LEN + 1];

	out[0] = '\0';
	rec_today(today);
	if (v == NULL || json_is_null(v)) {
		if (flags & ENF_DAY_REQUIRED)
			return err_set(e, ERR_MISSING, key, "%s is required",
			    key);
		if (flags & ENF_DAY_TODAY)
			snprintf(out, ENF_DATE_LEN + 1, "%s", today);
		return 0;
	}
	if (!json_is_string(v))
		return err_set(e, ERR_TYPE, key, "%s must be a date YYYY-MM-DD",
		    key);
	if (!enf_date_ok(json_string_value(v)))
		return err_set(e, ERR_INVALID, key, "%s must be a real day "
		    "written YYYY-MM-DD", key);
	if ((flags & ENF_DAY_PAST) && strcmp(json_string_value(v), today) > 0)
		return err_set(e, ERR_INVALID, key, "%s is in the future", key);
	snprintf(out, ENF_DATE_LEN + 1, "%s", json_string_value(v));
	return 0;
}

static const char *const enf_cert_names[] = { "id", "user_id", "cert_no",
    "issued_on", "valid_to", "status", "revoked_on", "revoke_reason",
    "version", "created_at", "updated_at", "created_by", NULL };
#define ENF_CERT_COLS "c.id, c.user_id, c.cert_no, c.issued_on, c.valid_to, " \
    "c.status, c.revoked_on, c.revoke_reason, c.version, c.created_at, " \
    "c.updated_at, c.created_by"
#define ENF_CERT_TYPES "iissssssnnns"

static const char *const enf_conf_names[] = { "id", "user_id", "unit_id",
    "party_name", "relation", "note", "from_on", "to_on", "status",
    "version", "created_at", "updated_at", "created_by", NULL };
#define ENF_CONF_COLS "c.id, c.user_id, c.unit_id, c.party_name, " \
    "c.relation, c.note, c.from_on, c.to_on, c.status, c.version, " \
    "c.created_at, c.updated_at, c.created_by"
#define ENF_CONF_TYPES "iiissssssnnns"

static int
enf_row(struct store *st, const char *sql, const char *id,
    const char *const *names, const char *types, const char *what,
    json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 n;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &n) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", what);
	if ((rc = store_query(st, sql, STORE_ARGS(SV_I(n)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = rec_row_obj(r, names, types);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", what);
	return rc < 0 ? rc : 0;
}

int
enforce_cert_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return enf_row(st, "SELECT " ENF_CERT_COLS " FROM officer_certs c "
	    "WHERE c.id = ?", id, enf_cert_names, ENF_CERT_TYPES,
	    "certificate", out, e);
}

int
enforce_conflict_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return enf_row(st, "SELECT " ENF_CONF_COLS " FROM officer_conflicts c "
	    "WHERE c.id = ?", id, enf_conf_names, ENF_CONF_TYPES,
	    "conflict", out, e);
}

/* The stored record, audited as <action> and answered. */
static int
enf_officer_done(struct store *st, struct actor *who, int cert, int64_t id,
    const char *action, json_t **out, struct err *e)
{
	char	ids[24];
	int	rc;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if ((rc = cert ? enforce_cert_record(st, ids, out, e) :
	    enforce_conflict_record(st, ids, out, e)) < 0)
		return rc;
	return audit_append_id(st, who, action, cert ? "officer_cert" :
	    "officer_conflict", id, *out, e);
}

int
enforce_cert_create(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "user_id", "cert_no",
	    "issued_on", "valid_to", NULL };
	struct enf_user	 u;
	const char	*p;
	char		*no = NULL, from[ENF_DATE_LEN + 1], to[ENF_DATE_LEN + 1];
	char		 by[24];
	int64_t		 uid, id, dup = 0, now = clock_now();
	int		 rc;

	if ((rc = reg_need(who, "officer:manage", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enf_officer_user(st, who, in, &uid, &u, e)) < 0)
		return rc;
	if (json_object_get(in, "cert_no") == NULL)
		return err_set(e, ERR_MISSING, "cert_no", "cert_no is required");
	if ((rc = reg_text(json_object_get(in, "cert_no"), "cert_no", 4, 40,
	    &no, e)) < 0)
		return rc;
	for (p = no; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || *p == '-')) {
			rc = err_set(e, ERR_INVALID, "cert_no", "cert_no: letters, "
			    "digits and - only");
			goto out;
		}
	if ((rc = enf_day(in, "issued_on", ENF_DAY_REQUIRED, from, e)) < 0 ||
	    (rc = enf_day(in, "valid_to", ENF_DAY_REQUIRED, to, e)) < 0)
		goto out;
	if (strcmp(to, from) < 0) {
		rc = err_set(e, ERR_INVALID, "valid_to", "valid_to is before "
		    "issued_on");
		goto out;
	}
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM officer_certs "
	    "WHERE cert_no = ?", STORE_ARGS(SV_S(no)), &dup, e)) < 0)
		goto out;
	if (dup > 0) {
		rc = err_set(e, ERR_CONFLICT, "cert_no", "certificate %s is "
		    "already recorded", no);
		goto out;
	}
	id = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO officer_certs (id, user_id, "
	    "cert_no, issued_on, valid_to, status, version, created_at, "
	    "updated_at, created_by) VALUES (?, ?, ?, ?, ?, 'active', 1, ?, ?, "
	    "?)", STORE_ARGS(SV_I(id), SV_I(uid), SV_S(no), SV_S(from),
	    SV_S(to), SV_I(now), SV_I(now), SV_S(by)), NULL, e)) < 0)
		goto out;
	rc = enf_officer_done(st, who, 1, id, "officer_cert.create", out, e);
out:
	free(no);
	return rc;
}

/* The certificate or conflict id if who manages its officer. */
static int
enf_officer_load(struct store *st, struct actor *who, int cert, int64_t id,
    int64_t expected, json_t **rec, struct err *e)
{
	struct enf_user	 u;
	char		 ids[24];
	int		 rc;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if ((rc = cert ? enforce_cert_record(st, ids, rec, e) :
	    enforce_conflict_record(st, ids, rec, e)) < 0)
		return rc;
	if ((rc = enf_user(st, enf_i(*rec, "user_id"), &u, e)) < 0 ||
	    !enf_manages(who, &u)) {
		json_decref(*rec);
		*rec = NULL;
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", cert ?
		    "certificate" : "conflict");
	}
	if (expected > 0 && json_integer_value(json_object_get(*rec,
	    "version")) != expected) {
		json_decref(*rec);
		*rec = NULL;
		return err_set(e, ERR_STALE, "version", "the record was changed "
		    "by someone else");
	}
	return 0;
}

/* Revoke a certificate (cert 1) or end a conflict (cert 0). */
static int
enf_officer_close(struct store *st, struct actor *who, int cert, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	static const char *const ra[] = { "reason", NULL };
	static const char *const ea[] = { "note", NULL };
	json_t		*rec = NULL;
	char		*why = NULL, today[REC_DATE_LEN + 1];
	int64_t		 ch = 0;
	int		 rc;

	if ((rc = reg_need(who, "officer:manage", e)) < 0 ||
	    (rc = rec_only(in, cert ? ra : ea, e)) < 0)
		return rc;
	if (cert && json_object_get(in, "reason") == NULL)
		return err_set(e, ERR_MISSING, "reason", "say why the "
		    "certificate is revoked");
	if ((rc = rec_opt_text(in, cert ? "reason" : "note", 2, 500, &why,
	    e)) < 0 || (rc = enf_officer_load(st, who, cert, id, expected, &rec,
	    e)) < 0)
		goto out;
	if (strcmp(enf_s(rec, "status"), "active") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "the %s is already %s",
		    cert ? "certificate" : "conflict", enf_s(rec, "status"));
		goto out;
	}
	rec_today(today);
	if (cert)
		rc = store_exec(st, "UPDATE officer_certs SET status = "
		    "'revoked', revoked_on = ?, revoke_reason = ?, version = "
		    "version + 1, updated_at = ? WHERE id = ? AND version = ?",
		    STORE_ARGS(SV_S(today), SV_S(why), SV_I(clock_now()),
		    SV_I(id), SV_I(enf_i(rec, "version"))), &ch, e);
	else
		/* Ended today: it no longer bars the officer from tomorrow;
		 * an end date already past stays. */
		rc = store_exec(st, "UPDATE officer_conflicts SET status = "
		    "'ended', to_on = CASE WHEN to_on IS NOT NULL AND to_on < ? "
		    "THEN to_on ELSE ? END, note = COALESCE(?, note), version = "
		    "version + 1, updated_at = ? WHERE id = ? AND version = ?",
		    STORE_ARGS(SV_S(today), SV_S(today), SV_S(why),
		    SV_I(clock_now()), SV_I(id), SV_I(enf_i(rec, "version"))),
		    &ch, e);
	if (rc < 0)
		goto out;
	if (ch != 1) {
		rc = err_set(e, ERR_STALE, "version", "the record was changed "
		    "by someone else");
		goto out;
	}
	rc = enf_officer_done(st, who, cert, id, cert ? "officer_cert.revoke" :
	    "officer_conflict.end", out, e);
out:
	json_decref(rec);
	free(why);
	return rc;
}

int
enforce_cert_revoke(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	return enf_officer_close(st, who, 1, id, expected, in, out, e);
}

int
enforce_conflict_end(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	return enf_officer_close(st, who, 0, id, expected, in, out, e);
}

int
enforce_conflict_create(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	static const char *const allowed[] = { "user_id", "unit_id",
	    "party_name", "relation", "note", "from_on", "to_on", NULL };
	static const char *const relations[] = { "relative", "employment",
	    "interest", "other", NULL };
	struct enf_user		 u;
	struct reg_unit_loc	 loc;
	const json_t		*v;
	const char		*rel;
	char			*name = NULL, *note = NULL, by[24];
	char			 from[ENF_DATE_LEN + 1], to[ENF_DATE_LEN + 1];
	int64_t			 uid, unit = 0, id, now = clock_now();
	int			 rc;

	if ((rc = reg_need(who, "officer:manage", e)) < 0 ||
	    (rc = rec_only(in, allowed, e)) < 0 ||
	    (rc = enf_officer_user(st, who, in, &uid, &u, e)) < 0)
		return rc;
	/* ENF-004: a unit, or an individual by name — one of them. */
	if ((v = json_object_get(in, "unit_id")) != NULL && !json_is_null(v)) {
		if ((rc = reg_json_id(v, "unit_id", &unit, e)) < 0)
			return rc;
		if ((rc = reg_unit_loc(st, who, unit, &loc, e)) < 0)
			return err_set(e, rc, "unit_id", "no such unit");
	}
	if ((rc = rec_opt_text(in, "party_name", 2, 50, &name, e)) < 0)
		return rc;
	if ((unit != 0) == (name != NULL)) {
		rc = err_set(e, unit ? ERR_INVALID : ERR_MISSING, unit ?
		    "party_name" : "unit_id", "name either the unit (unit_id) "
		    "or the individual (party_name)");
		goto out;
	}
	rel = json_string_value(json_object_get(in, "relation"));
	if (rel == NULL || !reg_choice(relations, rel)) {
		rc = err_set(e, json_object_get(in, "relation") ? ERR_INVALID :
		    ERR_MISSING, "relation", "relation must be relative, "
		    "employment, interest or other");
		goto out;
	}
	if ((rc = rec_opt_text(in, "note", 1, 500, &note, e)) < 0 ||
	    (rc = enf_day(in, "from_on", ENF_DAY_TODAY, from, e)) < 0 ||
	    (rc = enf_day(in, "to_on", 0, to, e)) < 0)
		goto out;
	if (to[0] != '\0' && strcmp(to, from) < 0) {
		rc = err_set(e, ERR_INVALID, "to_on", "to_on is before from_on");
		goto out;
	}
	id = id_next();
	actor_audit_name(who, by);
	if ((rc = store_exec(st, "INSERT INTO officer_conflicts (id, user_id, "
	    "unit_id, party_name, relation, note, from_on, to_on, status, "
	    "version, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?, 'active', 1, ?, ?, ?)", STORE_ARGS(SV_I(id),
	    SV_I(uid), unit ? SV_I(unit) : SV_N, SV_S(name), SV_S(rel),
	    SV_S(note), SV_S(from), to[0] ? SV_S(to) : SV_N, SV_I(now),
	    SV_I(now), SV_S(by)), NULL, e)) < 0)
		goto out;
	rc = enf_officer_done(st, who, 0, id, "officer_conflict.create", out, e);
out:
	free(name);
	free(note);
	return rc;
}

/* The officers who sees: the city all, a town its own (jur holds the
 * argument). */
static void
enf_officer_scope(const struct actor *who, struct buf *w,
    struct store_val *args, int *n, char jur[REG_TOWN_LEN + 6])
{
	struct reg_scope	s;

	reg_scope_of(who, &s);
	if (s.kind == RS_TOWN) {
		snprintf(jur, REG_TOWN_LEN + 6, "town:%s", s.town);
		buf_adds(w, " AND u.jurisdiction = ?");
		args[(*n)++] = SV_S(jur);
	} else if (s.kind != RS_ALL)
		buf_adds(w, " AND 1 = 0");
}

int
enforce_officer_list(struct store *st, struct actor *who, int cert,
    const struct enforce_officer_filter *f, int64_t offset, int64_t limit,
    json_t **items, int64_t *total, struct err *e)
{
	static const char *const cs[] = { "active", "revoked", NULL };
	static const char *const ks[] = { "active", "ended", NULL };
	struct store_val	 args[12];
	struct buf		 w;
	const char *const	*names;
	char			*cols = NULL, jur[REG_TOWN_LEN + 6];
	int			 n = 0, rc, k;

	if (!actor_can(who, "officer:manage") && !actor_can(who, "case:read"))
		return reg_need(who, "officer:manage", e);
	buf_init(&w);
	buf_adds(&w, " WHERE 1 = 1");
	enf_officer_scope(who, &w, args, &n, jur);
	if (f->user_id > 0) {
		buf_adds(&w, " AND c.user_id = ?");
		args[n++] = SV_I(f->user_id);
	}
	if (f->unit_id > 0 && !cert) {
		buf_adds(&w, " AND c.unit_id = ?");
		args[n++] = SV_I(f->unit_id);
	}
	if (f->status != NULL) {
		if (!reg_choice(cert ? cs : ks, f->status)) {
			rc = err_set(e, ERR_INVALID, "status", "status must be %s",
			    cert ? "active or revoked" : "active or ended");
			goto out;
		}
		buf_adds(&w, " AND c.status = ?");
		args[n++] = SV_S(f->status);
	}
	if (f->valid_on != NULL && cert) {
		if (!enf_date_ok(f->valid_on)) {
			rc = err_set(e, ERR_INVALID, "valid_on", "valid_on must be "
			    "YYYY-MM-DD");
			goto out;
		}
		buf_adds(&w, " AND c.status = 'active' AND c.issued_on <= ? "
		    "AND c.valid_to >= ?");
		args[n++] = SV_S(f->valid_on);
		args[n++] = SV_S(f->valid_on);
	}
	names = cert ? enf_cert_names : enf_conf_names;
	cols = xasprintf("%s, u.login", cert ? ENF_CERT_COLS : ENF_CONF_COLS);
	{
		const char	*nm[16];
		char		 types[20];

		for (k = 0; names[k] != NULL; k++)
			nm[k] = names[k];
		nm[k++] = "login";
		nm[k] = NULL;
		snprintf(types, sizeof(types), "%ss", cert ? ENF_CERT_TYPES :
		    ENF_CONF_TYPES);
		rc = rec_page(st, cols, cert ? "officer_certs c JOIN users u ON "
		    "u.id = c.user_id" : "officer_conflicts c JOIN users u ON "
		    "u.id = c.user_id", w.data, cert ? " ORDER BY c.valid_to "
		    "DESC, c.id" : " ORDER BY c.created_at DESC, c.id", args, n,
		    offset, limit, nm, types, items, total, e);
	}
out:
	free(cols);
	buf_free(&w);
	return rc;
}

int
enforce_officer_check(struct store *st, int64_t user_id, int64_t unit_id,
    const char *party_name, const char *day, char cert_no[64],
    struct err *e)
{
	struct enf_user	 u;
	char		*no = NULL;
	int64_t		 any = 0, revoked = 0, conflicts = 0;
	int		 rc;

	if ((rc = enf_user(st, user_id, &u, e)) < 0)
		return err_set(e, ERR_POLICY, "officers", "officer %lld is not "
		    "a user", (long long)user_id);
	/* ENF-003: a certificate valid on the day (行政处罚法 art. 42). */
	if ((rc = store_query_text(st, "SELECT cert_no FROM officer_certs "
	    "WHERE user_id = ? AND status = 'active' AND issued_on <= ? AND "
	    "valid_to >= ? ORDER BY valid_to DESC, id LIMIT 1",
	    STORE_ARGS(SV_I(user_id), SV_S(day), SV_S(day)), &no, e)) < 0 &&
	    rc != ERR_NOT_FOUND)
		return rc;
	if (no == NULL) {
		err_clear(e);
		if ((rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "officer_certs WHERE user_id = ?", STORE_ARGS(SV_I(user_id)),
		    &any, e)) < 0 || (rc = store_query_int(st, "SELECT COUNT(*) "
		    "FROM officer_certs WHERE user_id = ? AND status = 'revoked'",
		    STORE_ARGS(SV_I(user_id)), &revoked, e)) < 0)
			return rc;
		return err_set(e, ERR_POLICY, "officers", "officer %s has no "
		    "enforcement certificate valid on %s (%s; ENF-003, 行政处罚法 "
		    "art. 42)", u.login, day, any == 0 ? "none recorded" :
		    revoked == any ? "revoked" : "expired or not yet valid");
	}
	/* ENF-004: no recorded conflict with the party (art. 43). */
	if (unit_id > 0)
		rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "officer_conflicts WHERE user_id = ? AND unit_id = ? AND "
		    "status = 'active' AND from_on <= ? AND (to_on IS NULL OR "
		    "to_on >= ?)", STORE_ARGS(SV_I(user_id), SV_I(unit_id),
		    SV_S(day), SV_S(day)), &conflicts, e);
	else
		rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "officer_conflicts WHERE user_id = ? AND unit_id IS NULL AND "
		    "party_name = ? AND status = 'active' AND from_on <= ? AND "
		    "(to_on IS NULL OR to_on >= ?)", STORE_ARGS(SV_I(user_id),
		    SV_S(party_name ? party_name : ""), SV_S(day), SV_S(day)),
		    &conflicts, e);
	if (rc < 0) {
		free(no);
		return rc;
	}
	if (conflicts > 0) {
		free(no);
		return err_set(e, ERR_POLICY, "officers", "officer %s has a "
		    "recorded conflict of interest with the party and must "
		    "withdraw (ENF-004, 行政处罚法 art. 43)", u.login);
	}
	snprintf(cert_no, 64, "%s", no);
	free(no);
	return 0;
}

/*
 * ENF-002: may user act in a case of town?  Active, holding case:write
 * (the officer role) and with the city or that town as jurisdiction.
 */
int
enf_officer_fits(struct store *st, int64_t user_id, const char *town,
    struct err *e)
{
	struct enf_user	 u;
	int		 rc;

	if ((rc = enf_user(st, user_id, &u, e)) < 0)
		return err_set(e, ERR_POLICY, "officers", "officer %lld is not "
		    "a user", (long long)user_id);
	if (strcmp(u.status, "active") != 0 || !u.writes)
		return err_set(e, ERR_POLICY, "officers", "%s is not an active "
		    "enforcement officer (ENF-002)", u.login);
	if (strcmp(u.jurisdiction, "city") != 0 &&
	    !(strncmp(u.jurisdiction, "town:", 5) == 0 &&
	    strcmp(u.jurisdiction + 5, town) == 0))
		return err_set(e, ERR_POLICY, "officers", "%s may not act in "
		    "town %s (ENF-002)", u.login, town);
	return 0;
}

/* The case row. */

static const char *const enf_case_names[] = { "id", "no", "procedure",
    "source", "source_id", "party_type", "unit_id", "party_name",
    "party_code", "party_age", "town", "facts", "occurred_on", "found_on",
    "filed_on", "status", "step", "step_due", "overdue", "decision_due",
    "extended_to", "extension_reason", "notice_no", "notified_on",
    "statement_due", "statement", "hearing_status", "review_required",
    "review_reasons", "discussion_required", "outcome", "decision_no",
    "decided_on", "decision_hash", "fine_fen", "service_due", "served_on",
    "service_method", "pay_status", "payment_due", "paid_fen",
    "late_fee_fen", "paid_on", "publish_due", "published_on", "closed_on",
    "close_reason", "version", "created_at", "updated_at", "created_by",
    "has_idno", "has_phone", "has_address", NULL };
#define ENF_CASE_TYPES "isssisissnssssssssbssssssssbsbssssnsssssnnsssssnnnsbbb"
#define ENF_CASE_COLS "id, no, procedure, source, source_id, party_type, " \
    "unit_id, party_name, party_code, party_age, town, facts, occurred_on, " \
    "found_on, filed_on, status, step, step_due, overdue, decision_due, " \
    "extended_to, extension_reason, notice_no, notified_on, statement_due, " \
    "statement, hearing_status, review_required, review_reasons, " \
    "discussion_required, outcome, decision_no, decided_on, decision_hash, " \
    "fine_fen, service_due, served_on, service_method, pay_status, " \
    "payment_due, paid_fen, late_fee_fen, paid_on, publish_due, " \
    "published_on, closed_on, close_reason, version, created_at, " \
    "updated_at, created_by, CASE WHEN party_idno IS NULL THEN 0 ELSE 1 " \
    "END, CASE WHEN party_phone IS NULL THEN 0 ELSE 1 END, CASE WHEN " \
    "party_address IS NULL THEN 0 ELSE 1 END"

int
enforce_case_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return enf_row(st, "SELECT " ENF_CASE_COLS " FROM cases WHERE id = ?",
	    id, enf_case_names, ENF_CASE_TYPES, "case", out, e);
}

int
enforce_decision_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	char	*d = NULL;
	int64_t	 n;
	int	 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &n) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such decision");
	if ((rc = store_query_text(st, "SELECT decision FROM cases WHERE id = "
	    "?", STORE_ARGS(SV_I(n)), &d, e)) < 0)
		return rc;
	if (d == NULL || (*out = json_loads(d, 0, NULL)) == NULL) {
		free(d);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such decision");
	}
	free(d);
	return 0;
}

/* Z-2, Z-3: the city all cases, a town its own, a unit those whose party
 * it is. */
static int
enf_case_sees(const struct actor *who, const json_t *rec)
{
	struct reg_scope	s;

	reg_scope_of(who, &s);
	return reg_scope_sees(&s, enf_s(rec, "town"), 0,
	    strcmp(enf_s(rec, "party_type"), "unit") == 0 ?
	    enf_i(rec, "unit_id") : 0);
}

int
enf_case_load(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **rec, struct err *e)
{
	char	ids[24];
	int	rc;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if (!actor_can(who, "case:read") && who->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such case");
	if ((rc = enforce_case_record(st, ids, rec, e)) < 0)
		return rc;
	if (!enf_case_sees(who, *rec)) {
		json_decref(*rec);
		*rec = NULL;
		return err_set(e, ERR_NOT_FOUND, NULL, "no such case");
	}
	if (expected > 0 && enf_i(*rec, "version") != expected) {
		rc = err_set(e, ERR_STALE, "version", "the case was changed by "
		    "someone else (now version %lld)", (long long)enf_i(*rec,
		    "version"));
		json_decref(*rec);
		*rec = NULL;
		return rc;
	}
	return 0;
}

int
enforce_case_can_read(struct store *st, struct actor *who, int64_t id,
    struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = enf_case_load(st, who, id, 0, &rec, e)) < 0)
		return rc;
	json_decref(rec);
	return 0;
}

int
enforce_case_files_can_read(struct store *st, struct actor *who, int64_t id,
    struct err *e)
{
	int	rc = enforce_case_can_read(st, who, id, e);

	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		return 0;
	}
	return rc < 0 ? rc : 1;
}

int
enf_case_set(struct store *st, const json_t *rec, const char *set,
    const struct store_val *vals, int nvals, struct err *e)
{
	struct store_val	 args[24];
	char			*sql;
	int64_t			 ch = 0;
	int			 i, n = 0, rc;

	if (nvals > 20)
		return err_set(e, ERR_INTERNAL, NULL, "too many values");
	for (i = 0; i < nvals; i++)
		args[n++] = vals[i];
	args[n++] = SV_I(clock_now());
	args[n++] = SV_I(enf_i(rec, "id"));
	args[n++] = SV_I(enf_i(rec, "version"));
	sql = xasprintf("UPDATE cases SET %s%sversion = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?", set, *set ? ", " :
	    "");
	rc = store_exec(st, sql, args, n, &ch, e);
	free(sql);
	if (rc == 0 && ch != 1)
		rc = err_set(e, ERR_STALE, "version", "the case was changed by "
		    "someone else");
	return rc;
}

int
enf_step_row(struct store *st, struct actor *who, int64_t id,
    const char *action, const char *note, const char *due, struct err *e)
{
	char	by[24];

	actor_audit_name(who, by);
	return store_exec(st, "INSERT INTO case_steps (id, case_id, action, "
	    "note, due, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    STORE_ARGS(SV_I(id_next()), SV_I(id), SV_S(action),
	    note ? SV_S(note) : SV_N, due && *due ? SV_S(due) : SV_N, SV_S(by),
	    SV_I(clock_now())), NULL, e);
}

int
enforce_case_step(struct store *st, struct actor *who, int64_t id,
    const char *action, const char *note, const char *due, struct err *e)
{
	json_t	*rec = NULL;
	char	 ids[24], act[48];
	int	 rc;

	if ((rc = enf_step_row(st, who, id, action, note, due, e)) < 0)
		return rc;
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if ((rc = enforce_case_record(st, ids, &rec, e)) < 0)
		return rc;
	snprintf(act, sizeof(act), "case.%s", action);
	rc = audit_append_id(st, who, act, "case", id, rec, e);
	json_decref(rec);
	return rc;
}

/* The art. 29 fine and the review requirements (ENF-013, ENF-014). */

struct enf_viol {
	int64_t	 act;
	char	 item[40];
	char	 version[40];
	char	 outcome[16];
	int64_t	 fen;
	int	 out_of_range;
};

int
enf_case_need(struct store *st, int64_t id, struct enf_need *nd,
    struct err *e)
{
	struct store_rows	*r = NULL;
	struct enf_viol		*v = NULL;
	enum penalty_party	 party;
	char			*pt = NULL;
	int			 n = 0, cap = 0, i, j, warn = 0, rc;

	memset(nd, 0, sizeof(*nd));
	if ((rc = store_query_text(st, "SELECT party_type FROM cases WHERE id "
	    "= ?", STORE_ARGS(SV_I(id)), &pt, e)) < 0)
		return rc;
	party = pt != NULL && strcmp(pt, "individual") == 0 ?
	    PENALTY_INDIVIDUAL : PENALTY_UNIT;
	if ((rc = store_query(st, "SELECT act, item, items_version, outcome, "
	    "amount_fen, amount_check FROM case_violations WHERE case_id = ? "
	    "AND status = 'active' ORDER BY act, seq", STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			v = xrealloc(v, (size_t)cap * sizeof(*v));
		}
		v[n].act = store_int(r, 0);
		snprintf(v[n].item, sizeof(v[n].item), "%s", store_text(r, 1));
		snprintf(v[n].version, sizeof(v[n].version), "%s",
		    store_text(r, 2));
		snprintf(v[n].outcome, sizeof(v[n].outcome), "%s",
		    store_text(r, 3));
		v[n].fen = store_int(r, 4);
		v[n].out_of_range = strcmp(store_text(r, 5), "below_range") ==
		    0 || strcmp(store_text(r, 5), "above_range") == 0;
		if (strcmp(v[n].outcome, "warning") == 0)
			warn = 1;
		n++;
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		goto out;
	/* ENF-013: of one act under several norms only the higher norm's
	 * fine counts (行政处罚法 art. 29, penalty_higher_norm). */
	for (i = 0; i < n; i = j) {
		const char	*items[PENALTY_NORMS_MAX];
		int64_t		 best = v[i].fen;
		int		 k, m = 0, chosen;

		for (j = i; j < n && v[j].act == v[i].act; j++) {
			if (v[j].out_of_range)
				nd->review = 1;
			if (v[j].fen > best)
				best = v[j].fen;
			for (k = 0; k < m; k++)
				if (strcmp(items[k], v[j].item) == 0)
					break;
			if (k == m && m < PENALTY_NORMS_MAX)
				items[m++] = v[j].item;
		}
		if (m >= 2 && penalty_higher_norm(v[i].version, items, m, party,
		    &chosen, NULL) == 0) {
			best = 0;
			for (k = i; k < j; k++)
				if (strcmp(v[k].item, items[chosen]) == 0 &&
				    v[k].fen > best)
					best = v[k].fen;
		}
		nd->fine_fen += best;
	}
	for (i = 0; i < n; i++)
		if (v[i].out_of_range) {
			nd->review = 1;
			strcat(nd->reasons, "out_of_range");
			break;
		}
	{
		const char	*ps = party == PENALTY_INDIVIDUAL ? "individual" :
		    "unit";
		int64_t		 lim;

		/* ENF-014: 法制审核 (art. 58) and 集体讨论 (art. 57). */
		if ((lim = enforce_limit_yuan("review", ps)) >= 0 &&
		    nd->fine_fen > 0 && nd->fine_fen >= lim * 100) {
			nd->review = 1;
			snprintf(nd->reasons + strlen(nd->reasons),
			    sizeof(nd->reasons) - strlen(nd->reasons), "%smajor",
			    *nd->reasons ? "," : "");
		}
		if ((lim = enforce_limit_yuan("hearing", ps)) >= 0 &&
		    nd->fine_fen > 0 && nd->fine_fen >= lim * 100) {
			nd->review = nd->hearing = 1;
			snprintf(nd->reasons + strlen(nd->reasons),
			    sizeof(nd->reasons) - strlen(nd->reasons),
			    "%shearing", *nd->reasons ? "," : "");
		}
		if ((lim = enforce_limit_yuan("discussion", ps)) >= 0 &&
		    nd->fine_fen > 0 && nd->fine_fen >= lim * 100)
			nd->discussion = 1;
	}
	if ((rc = store_query(st, "SELECT DISTINCT kind FROM case_measures "
	    "WHERE case_id = ? ORDER BY kind", STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		const char	*k = store_text(r, 0);

		if (enforce_measure_needs("review", k)) {
			nd->review = 1;
			snprintf(nd->reasons + strlen(nd->reasons),
			    sizeof(nd->reasons) - strlen(nd->reasons), "%s%s",
			    *nd->reasons ? "," : "", k);
		}
		if (enforce_measure_needs("discussion", k))
			nd->discussion = 1;
	}
	if (rc < 0)
		goto out;
	snprintf(nd->outcome, sizeof(nd->outcome), "%s", nd->fine_fen > 0 ?
	    "fine" : warn ? "warning" : "no_penalty");
	rc = 0;
out:
	store_rows_free(r);
	free(v);
	free(pt);
	return rc;
}

/* The full case (documents, payments, publication, the detail view). */

static char *
enf_mask_address(const char *s)
{
	size_t	i = 0, cps = 0;

	if (s == NULL)
		return NULL;
	/* The first six characters (the city and district), the rest
	 * hidden (P-2). */
	while (s[i] && cps < 6) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		cps++;
	}
	return xasprintf("%.*s****", (int)i, s);
}

/* The personal data of the party into rec: clear (unseal) or masked. */
static int
enf_party_data(struct store *st, int64_t id, int unseal, json_t *rec,
    struct err *e)
{
	static const char *const keys[] = { "party_idno", "party_phone",
	    "party_address" };
	struct store_rows	*r = NULL;
	char			*plain[3] = { NULL, NULL, NULL }, *m;
	int			 i, rc;

	if ((rc = store_query(st, "SELECT party_idno, party_phone, "
	    "party_address FROM cases WHERE id = ?", STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		for (i = 0; i < 3 && rc >= 0; i++)
			if (!store_isnull(r, i) && (rc = pii_open(store_text(r,
			    i), &plain[i], e)) < 0)
				break;
	store_rows_free(r);
	if (rc < 0)
		goto out;
	for (i = 0; i < 3; i++) {
		m = unseal || plain[i] == NULL ? NULL : i == 0 ?
		    pii_mask_idno(plain[i]) : i == 1 ? pii_mask_phone(plain[i]) :
		    enf_mask_address(plain[i]);
		json_object_set_new(rec, keys[i], jx_str_or_null(unseal ?
		    plain[i] : m));
		free(m);
	}
	json_object_set_new(rec, "masked", json_boolean(!unseal));
	rc = 0;
out:
	for (i = 0; i < 3; i++)
		if (plain[i] != NULL)
			mem_free_secret(plain[i]);
	return rc;
}

/* The rows of one query as a list of objects under key. */
static int
enf_list_into(struct store *st, json_t *rec, const char *key, const char *sql,
    int64_t id, const char *const *names, const char *types, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a = json_array();
	int			 rc;

	json_object_set_new(rec, key, a);
	if ((rc = store_query(st, sql, STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, rec_row_obj(r, names, types));
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

int
enforce_case_full(struct store *st, int64_t id, int unseal, json_t **out,
    struct err *e)
{
	static const char *const on[] = { "user_id", "login", "name", "role",
	    "cert_no", "status", "recusal_reason", "recused_by", "added_at",
	    NULL };
	static const char *const vn[] = { "id", "seq", "act", "item",
	    "items_version", "tier", "query", "facts", "suggestion", "outcome",
	    "amount_fen", "amount_check", "justification", "first_exempt",
	    "exempt_reason", "status", "created_at", "created_by", NULL };
	static const char *const en[] = { "id", "kind", "file_id", "ref_id",
	    "description", "collected_on", "created_at", "created_by", NULL };
	static const char *const mn[] = { "id", "kind", "coercive",
	    "legal_ground", "note", "decided_on", "created_at", "created_by",
	    NULL };
	static const char *const sn[] = { "id", "action", "note", "due",
	    "actor", "at", NULL };
	static const char *const hn[] = { "id", "requested_on", "notice_on",
	    "hearing_on", "place", "host_id", "held_on", "record", "opinion",
	    "status", "created_at", "created_by", NULL };
	static const char *const rn[] = { "id", "reviewer_id", "reviewer_name",
	    "conclusion", "opinion", "reviewed_on", "created_at", NULL };
	static const char *const dn[] = { "id", "held_on", "chair_id",
	    "chair_name", "participants", "conclusion", "minutes",
	    "created_at", "created_by", NULL };
	static const char *const pn[] = { "id", "code", "amount_fen", "due",
	    "status", "paid_fen", "late_fee_fen", "paid_on", "platform",
	    "txn_id", "version", "created_at", "updated_at", NULL };
	json_t	*rec = NULL;
	char	 ids[24], *d = NULL, *un = NULL;
	int	 rc;

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if ((rc = enforce_case_record(st, ids, &rec, e)) < 0)
		return rc;
	if ((rc = enf_party_data(st, id, unseal, rec, e)) < 0 ||
	    (rc = enf_list_into(st, rec, "officers", "SELECT o.user_id, "
	    "u.login, u.display_name, o.role, o.cert_no, o.status, "
	    "o.recusal_reason, o.recused_by, o.added_at FROM case_officers o "
	    "JOIN users u ON u.id = o.user_id WHERE o.case_id = ? ORDER BY "
	    "CASE o.role WHEN 'lead' THEN 0 ELSE 1 END, o.added_at, o.user_id",
	    id, on, "isssssssn", e)) < 0 ||
	    (rc = enf_list_into(st, rec, "violations", "SELECT id, seq, act, "
	    "item, items_version, tier, query, facts, suggestion, outcome, "
	    "amount_fen, amount_check, justification, first_exempt, "
	    "exempt_reason, status, created_at, created_by FROM "
	    "case_violations WHERE case_id = ? ORDER BY seq", id, vn,
	    "innsssjsjsnssbssns", e)) < 0 ||
	    (rc = enf_list_into(st, rec, "evidence", "SELECT id, kind, "
	    "file_id, ref_id, description, collected_on, created_at, "
	    "created_by FROM case_evidence WHERE case_id = ? ORDER BY id", id,
	    en, "isiissns", e)) < 0 ||
	    (rc = enf_list_into(st, rec, "measures", "SELECT id, kind, "
	    "coercive, legal_ground, note, decided_on, created_at, created_by "
	    "FROM case_measures WHERE case_id = ? ORDER BY created_at, id", id,
	    mn, "isbsssns", e)) < 0 ||
	    (rc = enf_list_into(st, rec, "steps", "SELECT id, action, note, "
	    "due, actor, at FROM case_steps WHERE case_id = ? ORDER BY at, id",
	    id, sn, "issssn", e)) < 0 ||
	    (rc = enf_list_into(st, rec, "hearings", "SELECT id, "
	    "requested_on, notice_on, hearing_on, place, host_id, held_on, "
	    "record, opinion, status, created_at, created_by FROM "
	    "case_hearings WHERE case_id = ? ORDER BY created_at, id", id, hn,
	    "issssisssssns", e)) < 0 ||
	    (rc = enf_list_into(st, rec, "reviews", "SELECT r.id, "
	    "r.reviewer_id, u.display_name, r.conclusion, r.opinion, "
	    "r.reviewed_on, r.created_at FROM case_reviews r JOIN users u ON "
	    "u.id = r.reviewer_id WHERE r.case_id = ? ORDER BY r.created_at, "
	    "r.id", id, rn, "iissssn", e)) < 0 ||
	    (rc = enf_list_into(st, rec, "discussions", "SELECT d.id, "
	    "d.held_on, d.chair_id, u.display_name, d.participants, "
	    "d.conclusion, d.minutes, d.created_at, d.created_by FROM "
	    "case_discussions d JOIN users u ON u.id = d.chair_id WHERE "
	    "d.case_id = ? ORDER BY d.created_at, d.id", id, dn, "isisjssns",
	    e)) < 0 ||
	    (rc = enf_list_into(st, rec, "payments", "SELECT id, code, "
	    "amount_fen, due, status, paid_fen, late_fee_fen, paid_on, "
	    "platform, txn_id, version, created_at, updated_at FROM "
	    "case_payments WHERE case_id = ? ORDER BY created_at, id", id, pn,
	    "isnssnnsssnnn", e)) < 0)
		goto fail;
	if ((rc = store_query_text(st, "SELECT decision FROM cases WHERE id = "
	    "?", STORE_ARGS(SV_I(id)), &d, e)) < 0)
		goto fail;
	json_object_set_new(rec, "decision", d ? json_loads(d, 0, NULL) :
	    json_null());
	free(d);
	if (enf_i(rec, "unit_id") != 0) {
		if ((rc = store_query_text(st, "SELECT name FROM units WHERE "
		    "id = ?", STORE_ARGS(SV_I(enf_i(rec, "unit_id"))), &un,
		    e)) < 0)
			goto fail;
		json_object_set_new(rec, "unit_name", jx_str_or_null(un));
		free(un);
	} else
		json_object_set_new(rec, "unit_name", json_null());
	json_object_set_new(rec, "fine_yuan", json_integer(enf_i(rec,
	    "fine_fen") / 100));
	*out = rec;
	return 0;
fail:
	json_decref(rec);
	return rc;
}

/* The decision record (ENF-018). */

int
enf_decision_seal(struct store *st, struct actor *who, int64_t case_id,
    const char *kind, const char *decision_no, const char *decided_on,
    json_t **out, struct err *e)
{
	struct enf_need	 nd;
	json_t		*full = NULL, *d = NULL, *vs, *os, *ms, *v;
	char		 hash[2 * CRYPTO_SM3_LEN + 1], *text = NULL, ids[24];
	size_t		 i;
	int64_t		 ch = 0;
	int		 rc;

	if ((rc = enf_case_need(st, case_id, &nd, e)) < 0 ||
	    (rc = enforce_case_full(st, case_id, 0, &full, e)) < 0)
		return rc;
	vs = json_array();
	json_array_foreach(json_object_get(full, "violations"), i, v) {
		json_t	*sg = json_object_get(v, "suggestion");

		if (strcmp(enf_s(v, "status"), "active") != 0)
			continue;
		json_array_append_new(vs, json_pack("{s:I, s:s, s:s?, s:s?, "
		    "s:s, s:s, s:O?, s:O?, s:s, s:I, s:s, s:b, s:s?, s:s?}",
		    "act", (json_int_t)enf_i(v, "act"), "item", enf_s(v, "item"),
		    "name", json_string_value(json_object_get(sg, "name")),
		    "basis", json_string_value(json_object_get(sg, "basis")),
		    "tier", enf_s(v, "tier"), "facts", enf_s(v, "facts"),
		    "statutory", json_object_get(sg, "statutory"),
		    "range", json_object_get(sg, "range"),
		    "outcome", enf_s(v, "outcome"),
		    "amount_fen", (json_int_t)enf_i(v, "amount_fen"),
		    "amount_check", enf_s(v, "amount_check"),
		    "first_exempt", json_is_true(json_object_get(v,
		    "first_exempt")),
		    "exempt_reason", json_string_value(json_object_get(v,
		    "exempt_reason")),
		    "justification", json_string_value(json_object_get(v,
		    "justification"))));
	}
	os = json_array();
	json_array_foreach(json_object_get(full, "officers"), i, v)
		if (strcmp(enf_s(v, "status"), "active") == 0)
			json_array_append_new(os, json_pack("{s:s, s:s, s:s, "
			    "s:s}", "user_id", enf_s(v, "user_id"), "name",
			    enf_s(v, "name"), "role", enf_s(v, "role"),
			    "cert_no", enf_s(v, "cert_no")));
	ms = json_array();
	json_array_foreach(json_object_get(full, "measures"), i, v)
		json_array_append_new(ms, json_pack("{s:s, s:b, s:s?, s:s?}",
		    "kind", enf_s(v, "kind"), "coercive",
		    json_is_true(json_object_get(v, "coercive")),
		    "legal_ground", json_string_value(json_object_get(v,
		    "legal_ground")), "note", json_string_value(
		    json_object_get(v, "note"))));
	/* The party as every copy shows it: masked (P-2). */
	d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s?, s:s?, "
	    "s:s?, s:s?}, s:s, s:s, s:o, s:I, s:s, s:o, s:o, s:s}",
	    "case_no", enf_s(full, "no"), "decision_no", decision_no,
	    "kind", kind, "procedure", enf_s(full, "procedure"),
	    "issuer", enforce_issuer(),
	    "party", "type", enf_s(full, "party_type"), "name",
	    enf_s(full, "party_name"), "code", json_string_value(
	    json_object_get(full, "party_code")), "idno", json_string_value(
	    json_object_get(full, "party_idno")), "phone", json_string_value(
	    json_object_get(full, "party_phone")), "address",
	    json_string_value(json_object_get(full, "party_address")),
	    "town", enf_s(full, "town"), "facts", enf_s(full, "facts"),
	    "violations", vs, "fine_fen", (json_int_t)nd.fine_fen,
	    "outcome", nd.outcome, "measures", ms, "officers", os,
	    "decided_on", decided_on);
	if (d == NULL) {
		rc = err_set(e, ERR_INTERNAL, NULL, "the decision record");
		goto out;
	}
	audit_state_hash(d, hash);
	text = jx_canonical(d);
	if ((rc = store_exec(st, "UPDATE cases SET decision = ?, "
	    "decision_hash = ?, decision_no = ?, decided_on = ?, outcome = ?, "
	    "fine_fen = ? WHERE id = ?", STORE_ARGS(SV_S(text), SV_S(hash),
	    SV_S(decision_no), SV_S(decided_on), SV_S(nd.outcome),
	    SV_I(nd.fine_fen), SV_I(case_id)), &ch, e)) < 0)
		goto out;
	snprintf(ids, sizeof(ids), "%lld", (long long)case_id);
	json_decref(d);
	d = NULL;
	/* The record as stored is what the trail binds. */
	if ((rc = enforce_decision_record(st, ids, &d, e)) < 0 ||
	    (rc = audit_append_id(st, who, "case.decide", "case_decision",
	    case_id, d, e)) < 0)
		goto out;
	if (out != NULL) {
		*out = d;
		d = NULL;
	}
out:
	json_decref(full);
	json_decref(d);
	free(text);
	return rc;
}
