/*
 * Enforcement cases of the demo city (`make run`: serve
 * --seed-demo-if-empty N; docs/modules/enforce_seed.md): two demo
 * officers of one town with their certificates and a demo legal reviewer,
 * and eight cases on that town's units, one in every state the console
 * shows.  Deterministic, through the modules' own functions (so numbered
 * and audited as any other change), and only into an empty cases table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../crypto/crypto.h"
#include "../store/store.h"
#include "account.h"
#include "actor.h"
#include "enforce.h"
#include "enforce_flow.h"
#include "enforce_int.h"
#include "rec.h"

/* The town of the demo officers, if it has active units (东城街道). */
#define ENS_TOWN	"441900003"

static const struct {
	const char	*login;
	const char	*name;
	const char	*role;
	int		 town;		/* jurisdiction the town, else city */
} ens_accts[ENFORCE_SEED_ACCTS] = {
	{ "demo-officer-a", "示例监督员甲", "officer", 1 },
	{ "demo-officer-b", "示例监督员乙", "officer", 1 },
	{ "demo-legal", "示例法制审核员", "legal", 0 },
};

/*
 * The cases: a violation each and the steps taken after filing, in
 * order ("statement" waives statement and hearing, "review" is the
 * reviewer's approval, "publish" enforce_publish).  A party name makes
 * the party an individual at the unit's premises.
 */
static const struct {
	int		 cat;		/* units.categories bits wanted; 0
					 * a general unit, -1 any */
	const char	*procedure;
	const char	*party;
	const char	*facts;
	const char	*item;
	const char	*tier;
	int		 amount;	/* yuan; 0 none */
	int		 first_corrected;
	const char	*vfacts;
	const char	*steps;
} ens_cases[] = {
	{ -1, "general", NULL, "检查发现单位消防设施未保持完好有效",
	    "FPL-60-1", "general", 20000, 0,
	    "自动喷水灭火系统末端试水装置压力为零，湿式报警阀组被关闭", "" },
	{ 16, "general", NULL, "检查发现单位疏散通道被占用",
	    "FPL-60-3", "general", 22000, 0,
	    "一楼疏散通道堆放货物约二十平方米，安全出口被锁闭", "notify" },
	{ 4, "general", NULL, "公众聚集场所未经消防安全检查擅自投入使用、营业",
	    "FPL-58-4", "minor", 60000, 0,
	    "该场所未取得公众聚集场所投入使用、营业前消防安全检查合格证即营业",
	    "notify statement submit" },
	{ 4, "general", NULL, "公众聚集场所未经消防安全检查擅自营业，经责令后仍未停止",
	    "FPL-58-4", "minor", 80000, 0,
	    "该场所未经消防安全检查擅自营业，营业面积约八百平方米",
	    "notify statement submit review decide" },
	{ 0, "general", NULL, "检查发现消防车通道被占用",
	    "FPL-60-5", "general", 20000, 0,
	    "厂区消防车通道设置固定隔离桩，妨碍消防车通行",
	    "notify statement submit decide serve" },
	{ -1, "simple", "示例责任人", "单位消防安全责任人逾期未改正消防安全职责问题",
	    "FPL-67", "minor", 0, 0,
	    "责令限期改正期满后，单位仍未建立消防安全制度", "serve close" },
	{ -1, "general", NULL, "检查发现灭火器被挪用，当场改正",
	    "FPL-60-2", "minor", 0, 1,
	    "二楼灭火器两具被挪作门挡，检查时当场归位，未造成危害",
	    "decide serve close" },
	{ -1, "general", NULL, "检查发现消火栓被圈占",
	    "FPL-60-4", "minor", 10000, 0,
	    "室外消火栓被临时围挡圈占，无法正常使用",
	    "notify statement submit decide serve publish" },
};

/* A user actor of user u with the permissions of its roles, acting as a
 * session of that user would (the flow checks the acting officer). */
static int
ens_actor(struct store *st, const struct actor *who,
    const struct account_user *u, struct actor *a, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_USER;
	a->user_id = u->id;
	snprintf(a->login, sizeof(a->login), "%s", u->login);
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "%s",
	    u->jurisdiction);
	snprintf(a->request_id, sizeof(a->request_id), "%s", who->request_id);
	if ((rc = store_query(st, "SELECT DISTINCT rp.permission FROM "
	    "user_roles ur JOIN role_permissions rp ON rp.role_id = "
	    "ur.role_id WHERE ur.user_id = ? ORDER BY 1",
	    STORE_ARGS(SV_I(u->id)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1)
		actor_add_perm(a, store_text(r, 0));
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* no default password; a random one-time one, to be changed. */
static int
ens_account(struct store *st, struct actor *who, int k, const char *town,
    struct enforce_seed *out, struct actor *a, struct err *e)
{
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	const char			*roles[1] = { ens_accts[k].role };
	char				 jur[80], *hex;
	int				 rc;

	snprintf(jur, sizeof(jur), "town:%s", town);
	memset(&in, 0, sizeof(in));
	in.login = ens_accts[k].login;
	in.display_name = ens_accts[k].name;
	in.jurisdiction = ens_accts[k].town ? jur : "city";
	in.has_roles = 1;
	in.roles = roles;
	in.nroles = 1;
	hex = crypto_random_hex(8);
	snprintf(out->acct[k].password, sizeof(out->acct[k].password),
	    "Fw-%s!", hex);
	mem_free_secret(hex);
	snprintf(out->acct[k].login, sizeof(out->acct[k].login), "%s",
	    in.login);
	if ((rc = account_user_create(st, who, &in, out->acct[k].password, &u,
	    e)) == 0)
		rc = ens_actor(st, who, u, a, e);
	account_user_free(u);
	return rc;
}

/* ENF-003: a certificate valid from a year ago for three years. */
static int
ens_cert(struct store *st, struct actor *who, const struct actor *off,
    int k, const char *town, const char *today, struct err *e)
{
	json_t	*in, *out = NULL;
	char	 uid[24], no[40], from[ENF_DATE_LEN + 1], to[ENF_DATE_LEN + 1];
	int	 rc;

	snprintf(uid, sizeof(uid), "%lld", (long long)off->user_id);
	snprintf(no, sizeof(no), "DEMO-%s-%02d", town, k + 1);
	enf_date_add(today, -365, from);
	enf_date_add(today, 3 * 365, to);
	in = json_pack("{s:s, s:s, s:s, s:s}", "user_id", uid, "cert_no", no,
	    "issued_on", from, "valid_to", to);
	rc = enforce_cert_create(st, who, in, &out, e);
	json_decref(in);
	json_decref(out);
	return rc;
}

/* The body of POST /cases for case k on unit. */
static json_t *
ens_body(size_t k, int64_t unit, const struct actor *lead,
    const struct actor *assist, const char *today)
{
	json_t	*in, *v;
	char	 u[24], a[24], b[24], on[ENF_DATE_LEN + 1];

	snprintf(u, sizeof(u), "%lld", (long long)unit);
	snprintf(a, sizeof(a), "%lld", (long long)lead->user_id);
	snprintf(b, sizeof(b), "%lld", (long long)assist->user_id);
	enf_date_add(today, -(int)(k + 2), on);
	v = json_pack("{s:s, s:s, s:s}", "item", ens_cases[k].item, "tier",
	    ens_cases[k].tier, "facts", ens_cases[k].vfacts);
	if (ens_cases[k].amount > 0)
		json_object_set_new(v, "amount",
		    json_integer(ens_cases[k].amount));
	if (ens_cases[k].first_corrected) {
		json_object_set_new(v, "first", json_true());
		json_object_set_new(v, "corrected", json_true());
	}
	in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}, "
	    "{s:s, s:s}], s:[o]}", "procedure", ens_cases[k].procedure,
	    "source", "on_spot", "party_type", ens_cases[k].party ?
	    "individual" : "unit", "unit_id", u, "facts", ens_cases[k].facts,
	    "occurred_on", on, "found_on", today, "officers", "user_id", a,
	    "role", "lead", "user_id", b, "role", "assist", "violations", v);
	if (ens_cases[k].party != NULL)
		json_object_set_new(in, "party_name",
		    json_string(ens_cases[k].party));
	return in;
}

/* Take step of the case *c (replaced by the answer). */
static int
ens_step(struct store *st, const struct actor *off,
    const struct actor *legal, const char *step, json_t **c, struct err *e)
{
	struct actor	 a = *off;
	json_t		*in = NULL, *out = NULL;
	const char	*name = step;
	int64_t		 id = enf_i(*c, "id");
	int64_t		 v = json_integer_value(json_object_get(*c, "version"));
	int		 rc;

	if (strcmp(step, "publish") == 0)
		return enforce_publish(st, &a, id, e);
	if (strcmp(step, "statement") == 0)
		in = json_pack("{s:s, s:b}", "text", "当事人对违法事实无异议，"
		    "放弃陈述、申辩和听证", "waive", 1);
	else if (strcmp(step, "review") == 0) {
		a = *legal;
		in = json_pack("{s:s, s:s}", "conclusion", "approve", "opinion",
		    "事实清楚，证据确实充分，适用依据正确，程序合法，"
		    "处罚裁量适当，同意");
	} else if (strcmp(step, "serve") == 0)
		in = json_pack("{s:s}", "method", strcmp(enf_s(*c, "procedure"),
		    "simple") == 0 ? "on_spot" : "direct");
	else if (strcmp(step, "close") == 0)
		in = json_pack("{s:s}", "reason", "已送达，依法结案");
	rc = enforce_flow_step(st, &a, name, id, v, in, &out, e);
	json_decref(in);
	if (rc == 0) {
		json_decref(*c);
		*c = out;
	}
	return rc;
}

/* 1 if a unit of categories cat suits case k (of a category). */
static int
ens_fits(size_t k, int64_t cat)
{
	return ens_cases[k].cat == 0 ? cat == 0 : (cat & ens_cases[k].cat) != 0;
}

/*
 * The unit of each case among the active units of town (the first 5 000
 * by id): the first not yet taken that suits the case's category, else
 * the first not yet taken, else round robin.  *n is the number of units
 * (0: the town has none, units untouched).
 */
static int
ens_units(struct store *st, const char *town, int64_t *units, size_t *n,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			*ids = NULL, *cats = NULL;
	char			*taken = NULL;
	size_t			 k, j, cap = 0, nc = sizeof(ens_cases) /
				    sizeof(ens_cases[0]);
	int			 pass, rc;

	*n = 0;
	if ((rc = store_query(st, "SELECT id, categories FROM units WHERE "
	    "status = 'active' AND town_code = ? ORDER BY id LIMIT 5000",
	    STORE_ARGS(SV_S(town)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			ids = xrealloc(ids, cap * sizeof(*ids));
			cats = xrealloc(cats, cap * sizeof(*cats));
		}
		ids[*n] = store_int(r, 0);
		cats[(*n)++] = store_int(r, 1);
	}
	store_rows_free(r);
	if (rc < 0 || *n == 0)
		goto out;
	taken = xcalloc(*n, 1);
	for (k = 0; k < nc; k++)
		units[k] = 0;
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < nc; k++) {
			/* Cases of a category choose first. */
			if (units[k] != 0 || (pass == 0 && ens_cases[k].cat < 0))
				continue;
			for (j = 0; j < *n; j++)
				if (!taken[j] && (pass == 1 ||
				    ens_fits(k, cats[j])))
					break;
			if (j < *n) {
				taken[j] = 1;
				units[k] = ids[j];
			}
		}
	for (k = 0; k < nc; k++)
		if (units[k] == 0)
			units[k] = ids[k % *n];
out:
	free(ids);
	free(cats);
	free(taken);
	return rc < 0 ? rc : 0;
}

int
enforce_seed_demo(struct store *st, struct actor *who,
    struct enforce_seed *out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct actor		 acts[ENFORCE_SEED_ACCTS];
	json_t			*in, *c = NULL;
	int64_t			 have = 0, units[sizeof(ens_cases) /
				    sizeof(ens_cases[0])];
	size_t			 n = 0, k;
	char			 town[16] = ENS_TOWN, today[REC_DATE_LEN + 1];
	char			 step[24];
	const char		*p, *q;
	int			 i, rc;

	memset(out, 0, sizeof(*out));
	memset(acts, 0, sizeof(acts));
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM cases",
	    STORE_NOARGS, &have, e)) < 0)
		return rc;
	if (have > 0)
		return 0;
	if ((rc = ens_units(st, town, units, &n, e)) < 0)
		return rc;
	/* A city without that town: the town of its first active unit. */
	if (n == 0) {
		if ((rc = store_query(st, "SELECT town_code FROM units WHERE "
		    "status = 'active' ORDER BY id", STORE_NOARGS, &r, e)) < 0)
			return rc;
		if ((rc = store_next(r, e)) == 1)
			snprintf(town, sizeof(town), "%s", store_text(r, 0));
		store_rows_free(r);
		if (rc <= 0)
			return rc;
		if ((rc = ens_units(st, town, units, &n, e)) < 0)
			return rc;
	}
	rec_today(today);
	for (i = 0; i < ENFORCE_SEED_ACCTS; i++) {
		if ((rc = ens_account(st, who, i, town, out, &acts[i], e)) < 0)
			goto out;
		out->naccts = i + 1;
		if (strcmp(ens_accts[i].role, "officer") == 0 &&
		    (rc = ens_cert(st, who, &acts[i], i, town, today, e)) < 0)
			goto out;
	}
	for (k = 0; k < sizeof(ens_cases) / sizeof(ens_cases[0]); k++) {
		in = ens_body(k, units[k], &acts[0], &acts[1], today);
		rc = enforce_case_create(st, &acts[0], in, &c, e);
		json_decref(in);
		if (rc < 0)
			goto out;
		out->cases++;
		for (p = ens_cases[k].steps; *p; p = *q ? q + 1 : q) {
			q = p + strcspn(p, " ");
			snprintf(step, sizeof(step), "%.*s", (int)(q - p), p);
			if ((rc = ens_step(st, &acts[0], &acts[2], step, &c,
			    e)) < 0)
				goto out;
		}
		json_decref(c);
		c = NULL;
	}
	rc = 0;
out:
	json_decref(c);
	if (rc < 0)
		enforce_seed_clear(out);
	return rc;
}

void
enforce_seed_clear(struct enforce_seed *s)
{
	if (s != NULL)
		mem_wipe(s, sizeof(*s));
}
