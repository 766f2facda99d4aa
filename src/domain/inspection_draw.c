/*
 * The verifiable part of a plan (specs/draw-v1.md): the commit that
 * freezes the roster and publishes its hashes before the randomness
 * exists (INS-024..026), the beacon value entered twice by two people
 * (INS-027), the draw that turns it into tasks exactly once (INS-028),
 * and the bundle anyone can re-run (INS-031).  The arithmetic is
 * draw.c's; this file gathers the roster from the registry and the
 * inspector directory, stores it, and rebuilds it for the bundle.
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
#include "draw.h"
#include "inspection.h"
#include "inspection_int.h"
#include "inspection_plan.h"
#include "notice.h"
#include "registry_int.h"

/* Growable arrays of the roster; strings live in an arena list. */
struct ins_roster {
	struct draw_candidate	*cands;
	size_t			 nc, capc;
	struct draw_inspector	*insps;
	size_t			 ni, capi;
	struct draw_conflict	*confs;
	const char		**conf_reason;
	size_t			 nx, capx;
	struct draw_quota	*quotas;
	size_t			 nq;
	struct draw_member	*team;
	size_t			 nt;
	char			**strs;
	size_t			 ns, caps;
	json_t			*quota_json;	/* [{stratum, population, count, rule}] */
};

static char *
ins_keep(struct ins_roster *r, char *s)
{
	if (r->ns == r->caps) {
		r->caps = r->caps ? 2 * r->caps : 1024;
		r->strs = xrealloc(r->strs, r->caps * sizeof(*r->strs));
	}
	r->strs[r->ns++] = s;
	return s;
}

static void
ins_roster_free(struct ins_roster *r)
{
	size_t	i;

	for (i = 0; i < r->ns; i++)
		free(r->strs[i]);
	for (i = 0; i < r->ni; i++)
		free(r->insps[i].areas);
	free(r->strs);
	free(r->cands);
	free(r->insps);
	free(r->confs);
	free(r->conf_reason);
	free(r->quotas);
	free(r->team);
	json_decref(r->quota_json);
	memset(r, 0, sizeof(*r));
}

static void
ins_add_cand(struct ins_roster *r, const char *id, const char *stratum,
    const char *area)
{
	if (r->nc == r->capc) {
		r->capc = r->capc ? 2 * r->capc : 4096;
		r->cands = xrealloc(r->cands, r->capc * sizeof(*r->cands));
	}
	r->cands[r->nc].id = ins_keep(r, xstrdup(id));
	r->cands[r->nc].stratum = ins_keep(r, xstrdup(stratum));
	r->cands[r->nc].area = ins_keep(r, xstrdup(area));
	r->nc++;
}

/* areas: comma-separated; only those in keep (a comma list) if set. */
static void
ins_add_insp(struct ins_roster *r, const char *id, const char *dep,
    const char *areas, const char *keep)
{
	struct draw_inspector	*x;
	char			*copy, *p, *tok;
	char			*wrapped = keep ? xasprintf(",%s,", keep) : NULL;

	if (r->ni == r->capi) {
		r->capi = r->capi ? 2 * r->capi : 256;
		r->insps = xrealloc(r->insps, r->capi * sizeof(*r->insps));
	}
	x = &r->insps[r->ni];
	x->id = ins_keep(r, xstrdup(id));
	x->department = ins_keep(r, xstrdup(dep));
	x->areas = xcalloc(strlen(areas) / 2 + 2, sizeof(*x->areas));
	x->nareas = 0;
	copy = ins_keep(r, xstrdup(areas));
	for (p = copy; (tok = strsep(&p, ",")) != NULL;) {
		char	pat[32];

		if (*tok == '\0')
			continue;
		snprintf(pat, sizeof(pat), ",%s,", tok);
		if (wrapped == NULL || strstr(wrapped, pat) != NULL)
			x->areas[x->nareas++] = tok;
	}
	free(wrapped);
	r->ni++;
}

static void
ins_add_conf(struct ins_roster *r, const char *insp, const char *cand,
    const char *reason)
{
	if (r->nx == r->capx) {
		r->capx = r->capx ? 2 * r->capx : 256;
		r->confs = xrealloc(r->confs, r->capx * sizeof(*r->confs));
		r->conf_reason = xrealloc(r->conf_reason, r->capx *
		    sizeof(*r->conf_reason));
	}
	r->confs[r->nx].inspector = ins_keep(r, xstrdup(insp));
	r->confs[r->nx].candidate = ins_keep(r, xstrdup(cand));
	r->conf_reason[r->nx] = reason;
	r->nx++;
}

/* The team of a plan (checked JSON) as draw members. */
static int
ins_team(struct ins_roster *r, const char *team, struct err *e)
{
	json_t	*t = json_loads(team, 0, NULL), *x;
	size_t	 i;

	if (!json_is_array(t)) {
		json_decref(t);
		return err_set(e, ERR_INTERNAL, NULL, "stored team is not a "
		    "list");
	}
	r->team = xcalloc(json_array_size(t) + 1, sizeof(*r->team));
	json_array_foreach(t, i, x) {
		r->team[i].department = ins_keep(r, xstrdup(json_string_value(
		    json_object_get(x, "department"))));
		r->team[i].count = json_integer_value(json_object_get(x,
		    "count"));
	}
	r->nt = json_array_size(t);
	json_decref(t);
	return 0;
}

/* 1 if dep is one of the team's departments. */
static int
ins_in_team(const struct ins_roster *r, const char *dep)
{
	size_t	i;

	for (i = 0; i < r->nt; i++)
		if (strcmp(r->team[i].department, dep) == 0)
			return 1;
	return 0;
}

static int
ins_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is s in the sorted array? */
static int
ins_has(const char **sorted, size_t n, const char *s)
{
	return n > 0 && bsearch(&s, sorted, n, sizeof(*sorted),
	    ins_cmp_str) != NULL;
}

/* The IN list of a plan's towns (checked 9-digit codes). */
static void
ins_towns_in(struct buf *b, const char *towns)
{
	size_t	i;

	buf_adds(b, "('");
	for (i = 0; towns[i] != '\0'; i++)
		if (towns[i] == ',')
			buf_adds(b, "', '");
		else
			buf_addc(b, towns[i]);
	buf_adds(b, "')");
}

/*
 * Gather the roster of an approved plan from the registry and the
 * directory (INS-024..026) with its quotas (INS-023).
 */
static int
ins_roster_gather(struct store *st, const struct ins_plan *p,
    struct ins_roster *ro, struct err *e)
{
	struct ins_rules	 rules;
	struct store_rows	*r = NULL;
	struct buf		 sql;
	json_t			*pops = json_object(), *x;
	const char		**cids = NULL, **iids = NULL;
	const char		*grade, *cls;
	char			 stratum[96], id[24], insp[24];
	size_t			 i, j;
	int			 rule, rc;

	memset(&rules, 0, sizeof(rules));
	buf_init(&sql);
	if ((rc = ins_team(ro, p->team, e)) < 0)
		goto out;
	if ((rc = ins_rules_load(st, p->rule_version, &rules, e)) < 0)
		goto out;
	/* Candidates: the active units of the scope. */
	buf_adds(&sql, "SELECT id, town_code, categories, risk_grade FROM "
	    "units WHERE status = 'active' AND town_code IN ");
	ins_towns_in(&sql, p->towns);
	if (p->categories != 0)
		buf_printf(&sql, " AND (categories & %d) <> 0", p->categories);
	buf_adds(&sql, " ORDER BY id");
	if ((rc = store_query(st, sql.data, STORE_NOARGS, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		grade = store_isnull(r, 3) ? "none" : store_text(r, 3);
		cls = ins_class_of((int)store_int(r, 2));
		snprintf(stratum, sizeof(stratum), "%s|%s|%s",
		    store_text(r, 1), cls, grade);
		snprintf(id, sizeof(id), "%lld", (long long)store_int(r, 0));
		ins_add_cand(ro, id, stratum, store_text(r, 1));
		if ((x = json_object_get(pops, stratum)) == NULL) {
			x = json_pack("{s:s, s:s, s:s, s:I}", "stratum",
			    stratum, "class", cls, "grade", grade,
			    "population", (json_int_t)0);
			json_object_set_new(pops, stratum, x);
		}
		json_object_set_new(x, "population", json_integer(
		    json_integer_value(json_object_get(x, "population")) + 1));
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		goto out;
	/* Quotas of the strata present, in stratum order. */
	{
		const char	*k, **keys;
		json_t		*v;
		size_t		 n = json_object_size(pops);

		keys = xcalloc(n + 1, sizeof(*keys));
		i = 0;
		json_object_foreach(pops, k, v)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), ins_cmp_str);
		ro->quotas = xcalloc(n + 1, sizeof(*ro->quotas));
		ro->quota_json = json_array();
		for (i = 0; i < n; i++) {
			x = json_object_get(pops, keys[i]);
			ro->quotas[i].stratum = ins_keep(ro, xstrdup(keys[i]));
			ro->quotas[i].count = ins_quota(&rules,
			    json_string_value(json_object_get(x, "class")),
			    json_string_value(json_object_get(x, "grade")),
			    json_integer_value(json_object_get(x,
			    "population")), &rule);
			json_array_append_new(ro->quota_json, json_pack(
			    "{s:s, s:I, s:I, s:o}", "stratum", keys[i],
			    "population", json_integer_value(json_object_get(x,
			    "population")), "count",
			    (json_int_t)ro->quotas[i].count, "rule", rule >= 0 ?
			    json_integer(rule) : json_null()));
		}
		ro->nq = n;
		free(keys);
	}
	/*
	 * Inspectors: active, of a team department, covering a town of the
	 * scope, certificate valid to the end of the period (INS-026).
	 */
	if ((rc = store_query(st, "SELECT id, department, areas, "
	    "cert_valid_until FROM inspectors WHERE status = 'active' "
	    "AND cert_valid_until >= ? ORDER BY id",
	    STORE_ARGS(SV_S(p->period_end)), &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		size_t	before = ro->ni;

		if (!ins_in_team(ro, store_text(r, 1)))
			continue;
		snprintf(id, sizeof(id), "%lld", (long long)store_int(r, 0));
		ins_add_insp(ro, id, store_text(r, 1), store_text(r, 2),
		    p->towns);
		if (ro->insps[before].nareas == 0) {
			free(ro->insps[before].areas);
			ro->ni--;
		}
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		goto out;
	/* Conflicts naming a roster inspector and a roster candidate. */
	cids = xcalloc(ro->nc + 1, sizeof(*cids));
	for (i = 0; i < ro->nc; i++)
		cids[i] = ro->cands[i].id;
	qsort(cids, ro->nc, sizeof(*cids), ins_cmp_str);
	iids = xcalloc(ro->ni + 1, sizeof(*iids));
	for (i = 0; i < ro->ni; i++)
		iids[i] = ro->insps[i].id;
	qsort(iids, ro->ni, sizeof(*iids), ins_cmp_str);
	buf_reset(&sql);
	/* INS-025: declared relationships, and the unit's last inspectors. */
	buf_adds(&sql, "SELECT c.inspector_id, c.unit_id, 'declared' FROM "
	    "inspector_conflicts c JOIN units u ON u.id = c.unit_id WHERE "
	    "c.status = 'active' AND u.town_code IN ");
	ins_towns_in(&sql, p->towns);
	buf_adds(&sql, " UNION ALL SELECT ti.inspector_id, t.unit_id, "
	    "'last_inspector' FROM inspection_tasks t JOIN "
	    "inspection_task_inspectors ti ON ti.task_id = t.id JOIN units u "
	    "ON u.id = t.unit_id WHERE t.status = 'done' AND u.town_code IN ");
	ins_towns_in(&sql, p->towns);
	buf_adds(&sql, " AND t.id = (SELECT t2.id FROM inspection_tasks t2 "
	    "WHERE t2.unit_id = t.unit_id AND t2.status = 'done' ORDER BY "
	    "t2.checked_on DESC, t2.id DESC LIMIT 1)");
	if ((rc = store_query(st, sql.data, STORE_NOARGS, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		snprintf(insp, sizeof(insp), "%lld", (long long)store_int(r,
		    0));
		snprintf(id, sizeof(id), "%lld", (long long)store_int(r, 1));
		if (!ins_has(iids, ro->ni, insp) || !ins_has(cids, ro->nc, id))
			continue;
		for (j = 0; j < ro->nx; j++)
			if (strcmp(ro->confs[j].inspector, insp) == 0 &&
			    strcmp(ro->confs[j].candidate, id) == 0)
				break;
		if (j == ro->nx)
			ins_add_conf(ro, insp, id, strcmp(store_text(r, 2),
			    "declared") == 0 ? "declared" : "last_inspector");
	}
	store_rows_free(r);
	r = NULL;
	rc = rc < 0 ? rc : 0;
out:
	free(cids);
	free(iids);
	json_decref(pops);
	ins_rules_free(&rules);
	store_rows_free(r);
	buf_free(&sql);
	return rc;
}

static void
ins_input(const struct ins_plan *p, struct ins_roster *ro,
    struct draw_input *in, char plan_id[24])
{
	memset(in, 0, sizeof(*in));
	snprintf(plan_id, 24, "%lld", (long long)p->id);
	in->plan_id = plan_id;
	in->beacon.source = p->beacon_source;
	in->beacon.round = p->beacon_round;
	in->beacon.value = p->beacon_value;
	in->quotas = ro->quotas;
	in->nquotas = ro->nq;
	in->team = ro->team;
	in->nteam = ro->nt;
	in->max_load = p->max_load;
	in->candidates = ro->cands;
	in->ncandidates = ro->nc;
	in->inspectors = ro->insps;
	in->ninspectors = ro->ni;
	in->conflicts = ro->confs;
	in->nconflicts = ro->nx;
}

static const char *const ins_st_approved[] = { "approved", NULL };
static const char *const ins_st_committed[] = { "committed", NULL };

int
inspection_plan_commit(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	struct ins_plan		*p = NULL;
	struct ins_roster	 ro;
	struct draw_input	 in;
	struct draw_commit	*c = NULL;
	char			 pid[24], *quotas = NULL;
	struct buf		 areas;
	int64_t			 seq, now = clock_now();
	size_t			 i, k;
	int			 rc;

	memset(&ro, 0, sizeof(ro));
	buf_init(&areas);
	if ((rc = ins_plan_target_state(st, who, id, "inspection:write",
	    expected, ins_st_approved, &p, e)) < 0)
		return rc;
	if ((rc = ins_roster_gather(st, p, &ro, e)) < 0)
		goto out;
	if (ro.nc == 0) {
		rc = err_set(e, ERR_POLICY, "towns", "no active unit is in the "
		    "plan's scope");
		goto out;
	}
	ins_input(p, &ro, &in, pid);
	in.beacon.value = NULL;
	if ((rc = draw_commit(&in, &c, e)) < 0)
		goto out;
	/* Freeze the roster (INS-024). */
	for (i = 0; i < ro.nc; i++)
		if ((rc = store_exec(st, "INSERT INTO "
		    "inspection_roster_candidates (plan_id, unit_id, stratum, "
		    "area) VALUES (?, ?, ?, ?)", STORE_ARGS(SV_I(id),
		    SV_I(strtoll(ro.cands[i].id, NULL, 10)),
		    SV_S(ro.cands[i].stratum), SV_S(ro.cands[i].area)), NULL,
		    e)) < 0)
			goto out;
	for (i = 0; i < ro.ni; i++) {
		buf_reset(&areas);
		for (k = 0; k < ro.insps[i].nareas; k++)
			buf_printf(&areas, "%s%s", k ? "," : "",
			    ro.insps[i].areas[k]);
		if ((rc = store_exec(st, "INSERT INTO "
		    "inspection_roster_inspectors (plan_id, inspector_id, "
		    "department, areas) VALUES (?, ?, ?, ?)",
		    STORE_ARGS(SV_I(id), SV_I(strtoll(ro.insps[i].id, NULL,
		    10)), SV_S(ro.insps[i].department), SV_S(areas.data)), NULL,
		    e)) < 0)
			goto out;
	}
	for (i = 0; i < ro.nx; i++)
		if ((rc = store_exec(st, "INSERT INTO "
		    "inspection_roster_conflicts (plan_id, inspector_id, "
		    "unit_id, reason) VALUES (?, ?, ?, ?)", STORE_ARGS(SV_I(id),
		    SV_I(strtoll(ro.confs[i].inspector, NULL, 10)),
		    SV_I(strtoll(ro.confs[i].candidate, NULL, 10)),
		    SV_S(ro.conf_reason[i])), NULL, e)) < 0)
			goto out;
	/* The commit is the next audit entry (spec section 2). */
	if ((rc = audit_size(st, &seq, e)) < 0)
		goto out;
	quotas = jx_dump(ro.quota_json);
	if ((rc = store_exec(st, "UPDATE inspection_plans SET status = "
	    "'committed', quotas = ?, candidates_hash = ?, roster_hash = ?, "
	    "committed_at = ?, commit_seq = ?, ncandidates = ?, "
	    "ninspectors = ?, version = version + 1, updated_at = ? "
	    "WHERE id = ?", STORE_ARGS(SV_S(quotas),
	    SV_S(c->candidates_hash), SV_S(c->roster_hash), SV_I(now),
	    SV_I(seq), SV_I((int64_t)ro.nc), SV_I((int64_t)ro.ni), SV_I(now),
	    SV_I(id)), NULL, e)) < 0)
		goto out;
	rc = ins_plan_audit(st, who, "inspection_plan.commit", id, out, e);
out:
	buf_free(&areas);
	free(quotas);
	draw_commit_free(c);
	ins_roster_free(&ro);
	ins_plan_free(p);
	return rc;
}

/* The frozen roster of a committed plan, back from the database. */
static int
ins_roster_load(struct store *st, const struct ins_plan *p,
    struct ins_roster *ro, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*q, *x;
	char			 id[24], other[24];
	size_t			 i;
	int			 rc;

	if ((rc = ins_team(ro, p->team, e)) < 0)
		return rc;
	q = json_loads(p->quotas ? p->quotas : "", 0, NULL);
	if (!json_is_array(q)) {
		json_decref(q);
		return err_set(e, ERR_INTERNAL, NULL, "plan %lld has no "
		    "quotas", (long long)p->id);
	}
	ro->quotas = xcalloc(json_array_size(q) + 1, sizeof(*ro->quotas));
	json_array_foreach(q, i, x) {
		ro->quotas[i].stratum = ins_keep(ro, xstrdup(json_string_value(
		    json_object_get(x, "stratum"))));
		ro->quotas[i].count = json_integer_value(json_object_get(x,
		    "count"));
	}
	ro->nq = json_array_size(q);
	ro->quota_json = q;
	if ((rc = store_query(st, "SELECT unit_id, stratum, area FROM "
	    "inspection_roster_candidates WHERE plan_id = ? ORDER BY unit_id",
	    STORE_ARGS(SV_I(p->id)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		snprintf(id, sizeof(id), "%lld", (long long)store_int(r, 0));
		ins_add_cand(ro, id, store_text(r, 1), store_text(r, 2));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if ((rc = store_query(st, "SELECT inspector_id, department, areas "
	    "FROM inspection_roster_inspectors WHERE plan_id = ? ORDER BY "
	    "inspector_id", STORE_ARGS(SV_I(p->id)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		snprintf(id, sizeof(id), "%lld", (long long)store_int(r, 0));
		ins_add_insp(ro, id, store_text(r, 1), store_text(r, 2), NULL);
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if ((rc = store_query(st, "SELECT inspector_id, unit_id, reason FROM "
	    "inspection_roster_conflicts WHERE plan_id = ? ORDER BY "
	    "inspector_id, unit_id", STORE_ARGS(SV_I(p->id)), &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		snprintf(id, sizeof(id), "%lld", (long long)store_int(r, 0));
		snprintf(other, sizeof(other), "%lld",
		    (long long)store_int(r, 1));
		ins_add_conf(ro, id, other, strcmp(store_text(r, 2),
		    "declared") == 0 ? "declared" : "last_inspector");
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* Recompute the commit of a stored roster and check it (INS-024). */
static int
ins_recommit(const struct ins_plan *p, const struct draw_input *in,
    struct draw_commit **c, struct err *e)
{
	char	why[sizeof(e->msg)];
	int	rc;

	if ((rc = draw_commit(in, c, e)) < 0) {
		snprintf(why, sizeof(why), "%s", e->msg);
		return err_set(e, ERR_INTERNAL, NULL, "the frozen roster of "
		    "plan %lld no longer validates: %s", (long long)p->id,
		    why);
	}
	if (strcmp((*c)->candidates_hash, p->candidates_hash) != 0 ||
	    strcmp((*c)->roster_hash, p->roster_hash) != 0) {
		draw_commit_free(*c);
		*c = NULL;
		return err_set(e, ERR_INTERNAL, NULL, "the frozen roster of "
		    "plan %lld does not match its committed hashes",
		    (long long)p->id);
	}
	return 0;
}

/* The draw (INS-028): tasks from the result, the plan drawn. */
static int
ins_draw(struct store *st, struct actor *who, struct ins_plan *p,
    const char *value, json_t **out, struct err *e)
{
	struct ins_roster	 ro;
	struct draw_input	 in;
	struct draw_commit	*c = NULL;
	struct draw_result	*res = NULL;
	struct buf		 ids;
	char			 pid[24], today[11], due[CALENDAR_DATE_LEN + 1];
	char			 keyhex[DRAW_HEX_LEN + 1];
	int64_t			 tid, now = clock_now();
	size_t			 i, k;
	int			 rc;

	memset(&ro, 0, sizeof(ro));
	buf_init(&ids);
	if ((rc = ins_roster_load(st, p, &ro, e)) < 0)
		goto out;
	ins_input(p, &ro, &in, pid);
	in.beacon.value = value;
	if ((rc = ins_recommit(p, &in, &c, e)) < 0)
		goto out;
	if ((rc = draw_run(&in, c, &res, e)) < 0)
		goto out;
	ins_today(today);
	if ((rc = calendar_add_workdays(today, p->due_days, due, e)) < 0)
		goto out;
	for (i = 0; i < res->npicks; i++) {
		const struct draw_pick	*pk = &res->picks[i];
		int64_t			 unit;

		unit = strtoll(ro.cands[pk->candidate].id, NULL, 10);
		str_hex(pk->key, DRAW_HASH_LEN, keyhex);
		buf_reset(&ids);
		for (k = 0; k < pk->ninspectors; k++)
			buf_printf(&ids, "%s%s", k ? "," : "",
			    ro.insps[res->inspectors[pk->first + k]].id);
		tid = id_next();
		if ((rc = store_exec(st, "INSERT INTO inspection_tasks (id, "
		    "plan_id, unit_id, rank, draw_key, inspectors, status, "
		    "due_on, version, created_at, updated_at) VALUES (?, ?, ?, "
		    "?, ?, ?, ?, ?, 1, ?, ?)", STORE_ARGS(SV_I(tid),
		    SV_I(p->id), SV_I(unit), SV_I((int64_t)i + 1),
		    SV_S(keyhex), SV_S(ids.data ? ids.data : ""),
		    SV_S(pk->unassigned ? "unassigned" : "assigned"), SV_S(due),
		    SV_I(now), SV_I(now)), NULL, e)) < 0)
			goto out;
		for (k = 0; k < pk->ninspectors; k++)
			if ((rc = store_exec(st, "INSERT INTO "
			    "inspection_task_inspectors (task_id, inspector_id) "
			    "VALUES (?, ?)", STORE_ARGS(SV_I(tid),
			    SV_I(strtoll(ro.insps[res->inspectors[pk->first +
			    k]].id, NULL, 10))), NULL, e)) < 0)
				goto out;
		if ((rc = ins_task_audit(st, who, "inspection_task.create",
		    tid, e)) < 0)
			goto out;
		/* NOT-001: the unit learns it was selected, and by when. */
		{
			char	*body = xasprintf("贵单位被“%s”抽中为双随机"
			    "抽查对象，检查将于 %s 前完成。请配合检查人员开展"
			    "现场检查（检查人员须出示执法证件）。", p->name, due);

			rc = notice_unit(st, who, unit, "inspection.selected",
			    "双随机抽查通知", body, "inspection_task", tid, e);
			free(body);
			if (rc < 0)
				goto out;
		}
	}
	if ((rc = store_exec(st, "UPDATE inspection_plans SET status = "
	    "'drawn', beacon_value = ?, seed = ?, drawn_at = ?, nselected = ?, "
	    "nunassigned = ?, version = version + 1, updated_at = ? WHERE "
	    "id = ? AND status = 'committed'", STORE_ARGS(SV_S(value),
	    SV_S(res->seed_hex), SV_I(now), SV_I((int64_t)res->npicks),
	    SV_I((int64_t)res->nunassigned), SV_I(now), SV_I(p->id)), NULL,
	    e)) < 0)
		goto out;
	rc = ins_plan_audit(st, who, "inspection_plan.draw", p->id, out, e);
out:
	buf_free(&ids);
	draw_result_free(res);
	draw_commit_free(c);
	ins_roster_free(&ro);
	return rc;
}

int
inspection_plan_beacon(struct store *st, struct actor *who, int64_t id,
    const char *value, int *drawn, json_t **out, struct err *e)
{
	struct ins_plan		*p = NULL;
	struct store_rows	*r = NULL;
	json_t			*rec = NULL;
	size_t			 i, n;
	int			 match = 0, rc;

	*drawn = 0;
	if ((rc = ins_plan_target_state(st, who, id, "inspection:draw", -1,
	    ins_st_committed, &p, e)) < 0)
		return rc;
	if (who->user_id <= 0) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "a beacon value is "
		    "entered by a person (INS-027)");
		goto out;
	}
	if (value == NULL) {
		rc = err_set(e, ERR_MISSING, "value", "value is required");
		goto out;
	}
	n = strlen(value);
	if (n < 1 || n > DRAW_TEXT_MAX) {
		rc = err_set(e, ERR_RANGE, "value", "value must be 1 to %d "
		    "bytes", DRAW_TEXT_MAX);
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
			rc = err_set(e, ERR_INVALID, "value", "value may not "
			    "contain control characters");
			goto out;
		}
	/* INS-027: another person's entry must be the same value. */
	if ((rc = store_query(st, "SELECT value FROM "
	    "inspection_beacon_entries WHERE plan_id = ? AND user_id <> ?",
	    STORE_ARGS(SV_I(id), SV_I(who->user_id)), &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		if (strcmp(store_text(r, 0), value) != 0) {
			rc = err_set(e, ERR_CONFLICT, "value", "the value "
			    "differs from the one another person entered; "
			    "check the beacon and enter it again (INS-027)");
			goto out;
		}
		match = 1;
	}
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		goto out;
	if ((rc = store_exec(st, "INSERT INTO inspection_beacon_entries "
	    "(plan_id, user_id, value, entered_at) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT (plan_id, user_id) DO UPDATE SET value = "
	    "excluded.value, entered_at = excluded.entered_at",
	    STORE_ARGS(SV_I(id), SV_I(who->user_id), SV_S(value),
	    SV_I(clock_now())), NULL, e)) < 0)
		goto out;
	rec = ins_plan_json(p);
	if ((rc = audit_append_id(st, who, "inspection_plan.beacon_entry",
	    "inspection_plan", id, rec, e)) < 0)
		goto out;
	if (match) {
		rc = ins_draw(st, who, p, value, out, e);
		if (rc == 0)
			*drawn = 1;
		goto out;
	}
	*out = json_incref(rec);
	rc = 0;
out:
	json_decref(rec);
	store_rows_free(r);
	ins_plan_free(p);
	return rc;
}

int
inspection_plan_bundle(struct store *st, struct actor *who, int64_t id,
    int full, struct buf *out, struct err *e)
{
	struct ins_plan		*p = NULL;
	struct ins_roster	 ro;
	struct draw_input	 in;
	struct draw_commit	*c = NULL;
	struct draw_result	*res = NULL;
	char			 pid[24];
	int			 rc;

	memset(&ro, 0, sizeof(ro));
	/* INS-031: the full form names inspectors and relationships. */
	if (full && (rc = reg_need(who, "audit:read", e)) < 0)
		return rc;
	if ((rc = ins_plan_fetch(st, id, &p, e)) < 0)
		return rc;
	if (p->beacon_value == NULL || p->seed == NULL) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "plan %lld has not been "
		    "drawn", (long long)id);
		goto out;
	}
	if ((rc = ins_roster_load(st, p, &ro, e)) < 0)
		goto out;
	ins_input(p, &ro, &in, pid);
	if ((rc = ins_recommit(p, &in, &c, e)) < 0)
		goto out;
	if ((rc = draw_run(&in, c, &res, e)) < 0)
		goto out;
	if (strcmp(res->seed_hex, p->seed) != 0 ||
	    (int64_t)res->npicks != p->nselected) {
		rc = err_set(e, ERR_INTERNAL, NULL, "plan %lld: the draw does "
		    "not reproduce its stored result", (long long)id);
		goto out;
	}
	draw_bundle_write(&in, c, res, !full, out);
	rc = 0;
out:
	draw_result_free(res);
	draw_commit_free(c);
	ins_roster_free(&ro);
	ins_plan_free(p);
	return rc;
}
