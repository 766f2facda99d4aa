/*
 * The documents of an enforcement case as PDF through src/doc (ENF-040..
 * 046; docs/modules/enforce_doc.md): the notification of the intended
 * penalty (行政处罚告知书), the decision (行政处罚决定书, or the simple
 * procedure's 当场行政处罚决定书), the decision not to penalise (不予行政
 * 处罚决定书), the payment notice (缴款通知书) and the hearing notice
 * (听证通知书).  They are served on the party, so they carry its data
 * unsealed.  The layout takes the case as JSON and touches no database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/mem.h"
#include "../doc/doc.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "enforce.h"
#include "enforce_int.h"
#include "enforce_pub.h"

#define ENF_DOC_RIGHTS "如不服本决定，可以在收到本决定书之日起六十日内依法" \
    "向东莞市人民政府申请行政复议，或者在六个月内依法向人民法院提起行政" \
    "诉讼。行政复议和行政诉讼期间，本决定不停止执行，法律另有规定的除外" \
    "（《中华人民共和国行政处罚法》第七十三条）。"

static const char *const enf_doc_kinds[] = { "notice", "decision",
    "no_penalty", "payment", "hearing", NULL };

static const struct doc_col enf_doc_vcols[] = {
	{ "序号", 1, DOC_CENTER },
	{ "违法行为", 5, DOC_LEFT },
	{ "处罚依据", 4, DOC_LEFT },
	{ "处罚", 2, DOC_CENTER },
};

static const struct doc_col enf_doc_ecols[] = {
	{ "序号", 1, DOC_CENTER },
	{ "证据", 7, DOC_LEFT },
	{ "收集日期", 2, DOC_CENTER },
};

/* ---- helpers ------------------------------------------------------------- */

/* ERR_NOT_FOUND naming "kind" unless kind is a document of a case. */
static int
enf_doc_kind(const char *kind, struct err *e)
{
	size_t	i;

	for (i = 0; enf_doc_kinds[i] != NULL; i++)
		if (kind != NULL && strcmp(kind, enf_doc_kinds[i]) == 0)
			return 0;
	return err_set(e, ERR_NOT_FOUND, "kind", "no such document: notice, "
	    "decision, no_penalty, payment or hearing");
}

/* A flag of o: true, or a non-zero number. */
static int
enf_doc_flag(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k)) || enf_i(o, k) != 0;
}

/* o[k] as an object: stored JSON text is parsed (*tmp to free). */
static const json_t *
enf_doc_obj(const json_t *o, const char *k, json_t **tmp)
{
	const json_t	*v = json_object_get(o, k);

	*tmp = NULL;
	if (json_is_string(v))
		v = *tmp = json_loads(json_string_value(v), 0, NULL);
	return json_is_object(v) ? v : NULL;
}

char *
enforce_doc_yuan(int64_t fen)
{
	if (fen % 100 == 0)
		return xasprintf("%lld", (long long)(fen / 100));
	return xasprintf("%lld.%02lld", (long long)(fen / 100),
	    (long long)(fen % 100));
}

static const char *const enf_doc_cn[] = { "零", "壹", "贰", "叁", "肆", "伍",
    "陆", "柒", "捌", "玖" };

/* One group of four digits (1..9999) in capitals, zeros inside folded. */
static void
enf_doc_group(struct buf *b, int v, int lead_zero)
{
	static const char *const	unit[] = { "仟", "佰", "拾", "" };
	int				d[4], i, any = 0, zero = lead_zero;

	d[0] = v / 1000;
	d[1] = v / 100 % 10;
	d[2] = v / 10 % 10;
	d[3] = v % 10;
	for (i = 0; i < 4; i++) {
		if (d[i] == 0) {
			if (any)
				zero = 1;
			continue;
		}
		if (zero)
			buf_adds(b, "零");
		buf_adds(b, enf_doc_cn[d[i]]);
		buf_adds(b, unit[i]);
		any = 1;
		zero = 0;
	}
}

char *
enforce_doc_capital(int64_t fen)
{
	static const char *const	sect[] = { "亿", "万", "" };
	struct buf			b;
	int64_t				y = fen / 100;
	int				g[3], i, jiao = (int)(fen / 10 % 10);
	int				f = (int)(fen % 10), out = 0, gap = 0;

	if (fen <= 0)
		return xstrdup("零元整");
	buf_init(&b);
	g[0] = (int)(y / 100000000 % 10000);
	g[1] = (int)(y / 10000 % 10000);
	g[2] = (int)(y % 10000);
	for (i = 0; i < 3; i++) {
		if (g[i] == 0) {
			gap = out;
			continue;
		}
		/* 壹万零伍元: a zero between groups, or a group under 1000
		 * after a higher one. */
		enf_doc_group(&b, g[i], out && (gap || g[i] < 1000));
		buf_adds(&b, sect[i]);
		out = 1;
		gap = 0;
	}
	if (y > 0)
		buf_adds(&b, "元");
	if (jiao == 0 && f == 0) {
		buf_adds(&b, "整");
		return buf_release(&b);
	}
	if (jiao > 0) {
		buf_adds(&b, enf_doc_cn[jiao]);
		buf_adds(&b, "角");
	} else if (y > 0)
		buf_adds(&b, "零");
	if (f > 0) {
		buf_adds(&b, enf_doc_cn[f]);
		buf_adds(&b, "分");
	} else
		buf_adds(&b, "整");
	return buf_release(&b);
}

/* The person or unit the document is for, with what identifies it. */
static void
enf_doc_party(struct doc *d, const json_t *c)
{
	if (strcmp(enf_s(c, "party_type"), "individual") == 0) {
		doc_field(d, "当事人", enf_s(c, "party_name"));
		if (*enf_s(c, "party_idno"))
			doc_field(d, "公民身份号码", enf_s(c, "party_idno"));
		if (*enf_s(c, "party_address"))
			doc_field(d, "住址", enf_s(c, "party_address"));
	} else {
		doc_field(d, "当事人", enf_s(c, "party_name"));
		if (*enf_s(c, "party_code"))
			doc_field(d, "统一社会信用代码",
			    enf_s(c, "party_code"));
		if (*enf_s(c, "unit_address"))
			doc_field(d, "地址", enf_s(c, "unit_address"));
	}
}

/* The penalty of one violation in words. */
static char *
enf_doc_vpenalty(const json_t *v)
{
	const char	*o = enf_s(v, "outcome");
	char		*y, *t;

	if (strcmp(o, "no_penalty") == 0)
		return xstrdup("不予处罚");
	if (strcmp(o, "warning") == 0 || enf_i(v, "amount_fen") == 0)
		return xstrdup("警告");
	y = enforce_doc_yuan(enf_i(v, "amount_fen"));
	t = xasprintf("罚款%s元", y);
	free(y);
	return t;
}

/* The violations as a table: act, basis, penalty. */
static void
enf_doc_violations(struct doc *d, const json_t *c)
{
	const json_t	*v, *sug;
	json_t		*tmp;
	const char	*row[4];
	char		 no[24], *act, *pen;
	size_t		 i;
	int		 k = 0;

	doc_table(d, enf_doc_vcols, 4);
	json_array_foreach(json_object_get(c, "violations"), i, v) {
		if (strcmp(enf_s(v, "status"), "withdrawn") == 0)
			continue;
		sug = enf_doc_obj(v, "suggestion", &tmp);
		snprintf(no, sizeof(no), "%d", ++k);
		act = xasprintf("%s（%s）：%s", enf_s(sug, "name"),
		    enf_s(v, "item"), enf_s(v, "facts"));
		pen = enf_doc_vpenalty(v);
		row[0] = no;
		row[1] = act;
		row[2] = enf_s(sug, "basis");
		row[3] = pen;
		doc_row(d, row);
		free(act);
		free(pen);
		json_decref(tmp);
	}
}

/* The discretion of each violation: the rules that applied and why. */
static void
enf_doc_discretion(struct doc *d, const json_t *c)
{
	static const char *const	tiers[][2] = { { "minor", "较轻" },
	    { "general", "一般" }, { "serious", "严重" } };
	const json_t			*v, *sug, *rule, *rg;
	json_t				*tmp;
	struct buf			 b;
	const char			*tz;
	char				*lo, *hi;
	size_t				 i, j, t;

	json_array_foreach(json_object_get(c, "violations"), i, v) {
		if (strcmp(enf_s(v, "status"), "withdrawn") == 0)
			continue;
		sug = enf_doc_obj(v, "suggestion", &tmp);
		tz = enf_s(v, "tier");
		for (t = 0; t < 3; t++)
			if (strcmp(tiers[t][0], tz) == 0)
				tz = tiers[t][1];
		buf_init(&b);
		buf_printf(&b, "%s：裁量档次为“%s”", enf_s(v, "item"), tz);
		rg = json_object_get(sug, "range");
		if (json_is_object(rg) && strcmp(enf_s(v, "outcome"),
		    "fine") == 0) {
			lo = enforce_doc_yuan(100 * enf_i(rg, "min"));
			hi = enforce_doc_yuan(100 * enf_i(rg, "max"));
			buf_printf(&b, "，裁量基准建议罚款%s元至%s元", lo, hi);
			free(lo);
			free(hi);
		}
		json_array_foreach(json_object_get(sug, "rules"), j, rule) {
			if (strcmp(enf_s(rule, "status"), "applied") != 0)
				continue;
			buf_printf(&b, "；%s", enf_s(rule, "reason"));
		}
		if (enf_doc_flag(v, "first_exempt"))
			buf_printf(&b, "；适用首违不罚：%s", enf_s(v,
			    "exempt_reason"));
		if (*enf_s(v, "justification"))
			buf_printf(&b, "；偏离裁量基准的理由：%s", enf_s(v,
			    "justification"));
		buf_adds(&b, "。");
		doc_para(d, b.data);
		buf_free(&b);
		json_decref(tmp);
	}
}

/* The evidence as a table (the list enforce_pdf adds). */
static void
enf_doc_evidence(struct doc *d, const json_t *c)
{
	const json_t	*ev = json_object_get(c, "evidence"), *x;
	const char	*row[3];
	char		 no[24];
	size_t		 i;

	if (json_array_size(ev) == 0) {
		doc_para(d, "证据：现场检查笔录、询问笔录及现场照片等（见案卷）。");
		return;
	}
	doc_para(d, "以上事实有下列证据证明：");
	doc_table(d, enf_doc_ecols, 3);
	json_array_foreach(ev, i, x) {
		snprintf(no, sizeof(no), "%zu", i + 1);
		row[0] = no;
		row[1] = enf_s(x, "description");
		row[2] = enf_s(x, "collected_on");
		doc_row(d, row);
	}
}

/* The header every document shares; the day is checked first. */
static int
enf_doc_start(struct doc **dp, const char *title, const char *no,
    const char *day, const char *addressee, char dcn[DOC_DATE_CN_MAX],
    struct err *e)
{
	char	*t;
	int	 rc;

	if ((rc = doc_date_cn(day, dcn, e)) < 0)
		return rc;
	t = xasprintf("%s %s", title, no);
	*dp = doc_new(t);
	free(t);
	doc_set_date(*dp, day);
	doc_issuer(*dp, enforce_issuer());
	doc_title(*dp, title);
	doc_number(*dp, no);
	doc_addressee(*dp, addressee);
	return 0;
}

/* The head of a decision: number, party, facts and the evidence. */
static int
enf_doc_decided(struct doc **dp, const char *title, const json_t *c,
    char dcn[DOC_DATE_CN_MAX], struct err *e)
{
	char	*t;
	int	 rc;

	if ((rc = enf_doc_start(dp, title, enf_s(c, "decision_no"),
	    enf_s(c, "decided_on"), enf_s(c, "party_name"), dcn, e)) < 0)
		return rc;
	enf_doc_party(*dp, c);
	t = xasprintf("经查，%s", enf_s(c, "facts"));
	doc_para(*dp, t);
	free(t);
	enf_doc_evidence(*dp, c);
	return 0;
}

/* The payment notice of c in force, or NULL. */
static const json_t *
enf_doc_payment_of(const json_t *c)
{
	const json_t	*p = NULL, *x;
	size_t		 i;

	json_array_foreach(json_object_get(c, "payments"), i, x)
		if (strcmp(enf_s(x, "status"), "cancelled") != 0 &&
		    *enf_s(x, "code") != '\0')
			p = x;
	return p;
}

/* The hearing of c scheduled last, or NULL. */
static const json_t *
enf_doc_hearing_of(const json_t *c)
{
	const json_t	*h = NULL, *x;
	size_t		 i;

	json_array_foreach(json_object_get(c, "hearings"), i, x)
		if (*enf_s(x, "hearing_on") != '\0' &&
		    strcmp(enf_s(x, "status"), "withdrawn") != 0)
			h = x;
	return h;
}

int
enforce_doc_ready(const json_t *c, const char *kind, struct err *e)
{
	int	rc;

	if ((rc = enf_doc_kind(kind, e)) < 0)
		return rc;
	if (strcmp(kind, "notice") == 0 && (*enf_s(c, "notice_no") == '\0' ||
	    *enf_s(c, "notified_on") == '\0'))
		return err_set(e, ERR_POLICY, "kind", "the party was not "
		    "notified yet: there is no notice (ENF-041)");
	if (strcmp(kind, "no_penalty") == 0 && (*enf_s(c, "decision_no") ==
	    '\0' || strcmp(enf_s(c, "outcome"), "no_penalty") != 0))
		return err_set(e, ERR_POLICY, "kind", "the case has no decision "
		    "not to penalise (ENF-043)");
	if (strcmp(kind, "decision") == 0 && *enf_s(c, "decision_no") == '\0')
		return err_set(e, ERR_POLICY, "kind", "the case is not decided "
		    "yet: there is no decision (ENF-042)");
	if (strcmp(kind, "decision") == 0 &&
	    strcmp(enf_s(c, "outcome"), "no_penalty") == 0)
		return err_set(e, ERR_POLICY, "kind", "the decision is not to "
		    "penalise: its document is no_penalty (ENF-043)");
	if (strcmp(kind, "payment") == 0 && enf_doc_payment_of(c) == NULL)
		return err_set(e, ERR_POLICY, "kind", "no payment notice was "
		    "issued for this case (ENF-045)");
	if (strcmp(kind, "hearing") == 0 && enf_doc_hearing_of(c) == NULL)
		return err_set(e, ERR_POLICY, "kind", "no hearing is scheduled "
		    "for this case (ENF-046)");
	return 0;
}

/* ---- the documents ------------------------------------------------------- */

/* ENF-041: 行政处罚告知书. */
static int
enf_doc_notice(const json_t *c, struct doc **dp, struct err *e)
{
	struct doc	*d;
	char		 dcn[DOC_DATE_CN_MAX], due[DOC_DATE_CN_MAX], *t, *y;
	int		 rc;

	if ((rc = doc_date_cn(enf_s(c, "statement_due"), due, e)) < 0 ||
	    (rc = enf_doc_start(dp, "行政处罚告知书", enf_s(c, "notice_no"),
	    enf_s(c, "notified_on"), enf_s(c, "party_name"), dcn,
	    e)) < 0)
		return rc;
	d = *dp;
	enf_doc_party(d, c);
	t = xasprintf("经查，%s", enf_s(c, "facts"));
	doc_para(d, t);
	free(t);
	doc_para(d, "上述行为违反了消防法律法规的规定。本机关拟对你（单位）"
	    "作出如下行政处罚：");
	enf_doc_violations(d, c);
	y = enforce_doc_yuan(enf_i(c, "fine_fen"));
	t = enf_i(c, "fine_fen") > 0 ? xasprintf("合计拟罚款人民币%s元。"
	    "一个违法行为违反多个法律规范应当给予罚款处罚的，按照罚款数额高"
	    "的规定处罚（《中华人民共和国行政处罚法》第二十九条）。", y) :
	    xstrdup("拟不予罚款。");
	doc_para(d, t);
	free(t);
	free(y);
	t = xasprintf("根据《中华人民共和国行政处罚法》第四十四条、第四十五条、"
	    "第六十三条、第六十四条的规定，你（单位）有权进行陈述和申辩；对"
	    "较大数额罚款等行政处罚，有权要求举行听证。你（单位）可以在收到本"
	    "告知书之日起五个工作日内，即%s前，向本机关提出陈述、申辩或者书面"
	    "要求举行听证；逾期未提出的，视为放弃上述权利。本机关不因你（单位）"
	    "陈述、申辩而给予更重的处罚。", due);
	doc_para(d, t);
	free(t);
	doc_sign(d, enforce_issuer(), dcn);
	return 0;
}

/* The reason a violation was not penalised (行政处罚法 art. 33). */
static const char *
enf_doc_no_penalty_reason(const json_t *v)
{
	const json_t	*q;
	json_t		*tmp;
	int		 nf;

	if (enf_doc_flag(v, "first_exempt"))
		return "初次违法且危害后果轻微并及时改正（首违不罚，《中华人民"
		    "共和国行政处罚法》第三十三条第一款）";
	q = enf_doc_obj(v, "query", &tmp);
	nf = q != NULL && json_is_true(json_object_get(q, "no_fault"));
	json_decref(tmp);
	if (nf)
		return "当事人有证据足以证明没有主观过错（《中华人民共和国行政"
		    "处罚法》第三十三条第二款）";
	return "违法行为轻微并及时改正，没有造成危害后果（不予处罚，《中华人"
	    "民共和国行政处罚法》第三十三条第一款）";
}

/* ENF-043: 不予行政处罚决定书. */
static int
enf_doc_no_penalty(const json_t *c, struct doc **dp, struct err *e)
{
	const json_t	*v;
	struct doc	*d;
	struct buf	 b;
	char		 dcn[DOC_DATE_CN_MAX];
	size_t		 i;
	int		 rc;

	if ((rc = enf_doc_decided(dp, "不予行政处罚决定书", c, dcn, e)) < 0)
		return rc;
	d = *dp;
	buf_init(&b);
	json_array_foreach(json_object_get(c, "violations"), i, v) {
		if (strcmp(enf_s(v, "status"), "withdrawn") == 0)
			continue;
		buf_reset(&b);
		buf_printf(&b, "你（单位）的上述行为（%s：%s）属于%s。", enf_s(v,
		    "item"), enf_s(v, "facts"),
		    enf_doc_no_penalty_reason(v));
		if (enf_doc_flag(v, "first_exempt") &&
		    *enf_s(v, "exempt_reason"))
			buf_printf(&b, "理由：%s。", enf_s(v, "exempt_reason"));
		doc_para(d, b.data);
	}
	doc_para(d, "根据《中华人民共和国行政处罚法》第三十三条的规定，本机关"
	    "决定不予行政处罚。");
	doc_para(d, "依照《中华人民共和国行政处罚法》第三十三条第三款的规定，"
	    "本机关已对你（单位）进行消防安全教育：你（单位）应当严格遵守消防"
	    "法律法规，落实消防安全责任，保持已改正的状态；再次发生同类违法"
	    "行为的，将依法予以处罚。");
	buf_free(&b);
	doc_sign(d, enforce_issuer(), dcn);
	doc_note(d, ENF_DOC_RIGHTS);
	return 0;
}

/* The QR code of the decision record's SM3 (ENF-044). */
static void
enf_doc_hash(struct doc *d, const json_t *c)
{
	char	*q;

	if (*enf_s(c, "decision_hash") == '\0')
		return;
	q = xasprintf("FWDEC1 %s SM3:%s", enf_s(c, "id"),
	    enf_s(c, "decision_hash"));
	doc_qr(d, q, 30, DOC_RIGHT, "决定记录 SM3 摘要（已写入审计链，可核验）");
	free(q);
}

/* ENF-042: 行政处罚决定书 (当场行政处罚决定书 under the simple procedure). */
static int
enf_doc_decision(const json_t *c, struct doc **dp, struct err *e)
{
	const json_t	*pays, *p;
	struct doc	*d;
	struct buf	 b;
	const char	*title, *code = NULL, *due = NULL;
	char		 dcn[DOC_DATE_CN_MAX], *y, *cap;
	int64_t		 fine = enf_i(c, "fine_fen");
	size_t		 i;
	int		 rc, simple;

	simple = strcmp(enf_s(c, "procedure"), "simple") == 0;
	title = simple ? "当场行政处罚决定书" : "行政处罚决定书";
	if ((rc = enf_doc_decided(dp, title, c, dcn, e)) < 0)
		return rc;
	d = *dp;
	buf_init(&b);
	doc_para(d, "上述行为违反了消防法律法规的规定，依据下列规定：");
	enf_doc_violations(d, c);
	doc_para(d, "裁量理由：");
	enf_doc_discretion(d, c);
	buf_reset(&b);
	if (strcmp(enf_s(c, "outcome"), "fine") == 0 && fine > 0) {
		y = enforce_doc_yuan(fine);
		cap = enforce_doc_capital(fine);
		buf_printf(&b, "本机关决定对你（单位）处罚款人民币%s元（大写：%s）。",
		    y, cap);
		free(y);
		free(cap);
	} else
		buf_adds(&b, "本机关决定对你（单位）给予警告。");
	doc_para(d, b.data);
	if (fine > 0) {
		pays = json_object_get(c, "payments");
		json_array_foreach(pays, i, p) {
			code = enf_s(p, "code");
			due = enf_s(p, "due");
		}
		buf_reset(&b);
		buf_adds(&b, "你（单位）应当自收到本决定书之日起十五日内，持本决定书"
		    "或者缴款通知书到指定银行或者通过电子支付系统缴纳罚款");
		if (code != NULL && *code)
			buf_printf(&b, "（缴款码 %s，缴款期限至 %s）", code, due);
		buf_adds(&b, "（《中华人民共和国行政处罚法》第六十七条）。到期不缴纳"
		    "罚款的，本机关每日按罚款数额的百分之三加处罚款，加处罚款的数额"
		    "不超出罚款的数额，并可以依法申请人民法院强制执行（《中华人民共"
		    "和国行政处罚法》第七十二条）。");
		doc_para(d, b.data);
	}
	buf_free(&b);
	doc_note(d, ENF_DOC_RIGHTS);
	doc_sign(d, enforce_issuer(), dcn);
	enf_doc_hash(d, c);
	return 0;
}

/* ENF-045: 缴款通知书 of the latest payment notice. */
static int
enf_doc_payment(const json_t *c, struct doc **dp, struct err *e)
{
	const json_t	*p;
	struct doc	*d;
	char		 dcn[DOC_DATE_CN_MAX], due[DOC_DATE_CN_MAX];
	char		*y, *cap, *t, day[16];
	int		 rc;

	if ((p = enf_doc_payment_of(c)) == NULL)
		return err_set(e, ERR_INTERNAL, "kind", "no payment notice");
	/* The notice is dated the day of service (it opens the 15 days),
	 * else the decision's. */
	snprintf(day, sizeof(day), "%s", *enf_s(c, "served_on") ?
	    enf_s(c, "served_on") : enf_s(c, "decided_on"));
	if ((rc = doc_date_cn(enf_s(p, "due"), due, e)) < 0 ||
	    (rc = enf_doc_start(dp, "缴款通知书", enf_s(p, "code"), day,
	    enf_s(c, "party_name"), dcn, e)) < 0)
		return rc;
	d = *dp;
	y = enforce_doc_yuan(enf_i(p, "amount_fen"));
	cap = enforce_doc_capital(enf_i(p, "amount_fen"));
	t = xasprintf("根据本机关%s（%s），你（单位）应缴纳罚款，缴款信息如下：",
	    strcmp(enf_s(c, "procedure"), "simple") == 0 ?
	    "当场行政处罚决定书" : "行政处罚决定书", enf_s(c,
	    "decision_no"));
	doc_para(d, t);
	free(t);
	doc_field(d, "缴款码", enf_s(p, "code"));
	t = xasprintf("人民币%s元（大写：%s）", y, cap);
	doc_field(d, "罚款金额", t);
	free(t);
	doc_field(d, "缴款期限", due);
	doc_para(d, "请于缴款期限内凭缴款码通过非税收入缴款平台或者指定银行缴纳"
	    "罚款。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款"
	    "的数额不超出罚款的数额（《中华人民共和国行政处罚法》第七十二条）。");
	free(y);
	free(cap);
	doc_sign(d, enforce_issuer(), dcn);
	return 0;
}

/* ENF-046: 听证通知书 of the latest scheduled hearing. */
static int
enf_doc_hearing(const json_t *c, struct doc **dp, struct err *e)
{
	const json_t	*h;
	struct doc	*d;
	char		 dcn[DOC_DATE_CN_MAX], hcn[DOC_DATE_CN_MAX], *t;
	const char	*no, *day;
	int		 rc;

	if ((h = enf_doc_hearing_of(c)) == NULL)
		return err_set(e, ERR_INTERNAL, "kind", "no hearing");
	no = *enf_s(h, "no") ? enf_s(h, "no") : enf_s(c, "no");
	day = *enf_s(h, "notice_on") ? enf_s(h, "notice_on") :
	    enf_s(h, "requested_on");
	if ((rc = doc_date_cn(enf_s(h, "hearing_on"), hcn, e)) < 0 ||
	    (rc = enf_doc_start(dp, "听证通知书", no, day, enf_s(c,
	    "party_name"), dcn, e)) < 0)
		return rc;
	d = *dp;
	t = xasprintf("根据你（单位）的申请，本机关决定就%s一案（%s）举行听证。"
	    "现将有关事项通知如下：", *enf_s(c, "notice_no") ? enf_s(c,
	    "notice_no") : "拟作出的行政处罚", enf_s(c, "no"));
	doc_para(d, t);
	free(t);
	doc_field(d, "听证时间", hcn);
	doc_field(d, "听证地点", enf_s(h, "place"));
	doc_field(d, "听证主持人", *enf_s(h, "host_name") ?
	    enf_s(h, "host_name") : enf_s(h, "host_login"));
	doc_para(d, "你（单位）可以亲自参加听证，也可以委托一至二人代理；认为主持"
	    "人与本案有直接利害关系的，有权申请回避。无正当理由拒不出席听证或者"
	    "未经许可中途退出听证的，视为放弃听证权利（《中华人民共和国行政处罚"
	    "法》第六十四条）。听证不公开举行的情形依法确定。");
	doc_sign(d, enforce_issuer(), dcn);
	return 0;
}

int
enforce_doc_layout(const json_t *c, const char *kind, struct buf *out,
    char **name, struct err *e)
{
	struct doc	*d = NULL;
	int		 rc;

	if ((rc = enforce_doc_ready(c, kind, e)) < 0)
		return rc;
	if (strcmp(kind, "notice") == 0)
		rc = enf_doc_notice(c, &d, e);
	else if (strcmp(kind, "decision") == 0)
		rc = enf_doc_decision(c, &d, e);
	else if (strcmp(kind, "no_penalty") == 0)
		rc = enf_doc_no_penalty(c, &d, e);
	else if (strcmp(kind, "payment") == 0)
		rc = enf_doc_payment(c, &d, e);
	else
		rc = enf_doc_hearing(c, &d, e);
	if (rc == 0 && (rc = doc_render_pdf(d, out, e)) == 0)
		*name = xasprintf("%s-%s.pdf", kind, enf_s(c, "no"));
	doc_free(d);
	return rc;
}

/* ---- with the database --------------------------------------------------- */

/* The case's evidence list and the hearing hosts' names, added to c. */
static int
enf_doc_enrich(struct store *st, int64_t id, json_t *c, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*ev, *h;
	char			*name;
	size_t			 i;
	int			 rc;

	if (!json_is_array(json_object_get(c, "evidence"))) {
		if ((rc = store_query(st, "SELECT kind, description, "
		    "collected_on FROM case_evidence WHERE case_id = ? ORDER BY "
		    "collected_on, id", STORE_ARGS(SV_I(id)), &r, e)) < 0)
			return rc;
		ev = json_array();
		while ((rc = store_next(r, e)) == 1)
			json_array_append_new(ev, json_pack("{s:s, s:s, s:s}",
			    "kind", store_text(r, 0), "description",
			    store_text(r, 1), "collected_on", store_text(r, 2)));
		store_rows_free(r);
		json_object_set_new(c, "evidence", ev);
		if (rc < 0)
			return rc;
	}
	if (strcmp(enf_s(c, "party_type"), "unit") == 0 &&
	    enf_i(c, "unit_id") != 0 && !json_is_string(json_object_get(c,
	    "unit_address"))) {
		name = NULL;
		if ((rc = store_query_text(st, "SELECT address FROM units WHERE "
		    "id = ?", STORE_ARGS(SV_I(enf_i(c, "unit_id"))), &name,
		    e)) < 0 && rc != ERR_NOT_FOUND)
			return rc;
		json_object_set_new(c, "unit_address", name ?
		    json_string(name) : json_null());
		free(name);
	}
	json_array_foreach(json_object_get(c, "hearings"), i, h) {
		if (*enf_s(h, "host_name") != '\0' ||
		    enf_i(h, "host_id") == 0)
			continue;
		name = NULL;
		if ((rc = store_query_text(st, "SELECT display_name FROM users "
		    "WHERE id = ?", STORE_ARGS(SV_I(enf_i(h, "host_id"))),
		    &name, e)) < 0 && rc != ERR_NOT_FOUND)
			return rc;
		if (name != NULL)
			json_object_set_new(h, "host_name", json_string(name));
		free(name);
	}
	return 0;
}

/* A masked copy: the party's own address and numbers out of the facts
 * too (the fields are masked by enforce_case_full). */
static int
enf_doc_mask_text(struct store *st, int64_t id, json_t *c, struct err *e)
{
	struct enforce_pii	 pii;
	json_t			*cu = NULL, *vs, *v;
	char			*t;
	size_t			 i;
	int			 rc;

	if ((rc = enforce_case_full(st, id, 1, &cu, e)) < 0)
		return rc;
	memset(&pii, 0, sizeof(pii));
	pii.idno = json_string_value(json_object_get(cu, "party_idno"));
	pii.phone = json_string_value(json_object_get(cu, "party_phone"));
	pii.address = json_string_value(json_object_get(cu, "party_address"));
	if ((t = enforce_redact(json_string_value(json_object_get(c, "facts")),
	    &pii)) != NULL)
		json_object_set_new(c, "facts", json_string(t));
	free(t);
	vs = json_object_get(c, "violations");
	json_array_foreach(vs, i, v) {
		if ((t = enforce_redact(json_string_value(json_object_get(v,
		    "facts")), &pii)) != NULL)
			json_object_set_new(v, "facts", json_string(t));
		free(t);
	}
	json_decref(cu);
	return 0;
}

/* 1 in *clear when who may have the party's data in clear (ENF-047). */
static int
enf_doc_clear(struct store *st, struct actor *who, int64_t id, int *clear,
    struct err *e)
{
	int64_t	n = 0;
	char	unit[32];
	int	rc;

	*clear = 0;
	if (who->kind == ACTOR_SYSTEM || actor_can(who, "registry:unmask")) {
		*clear = 1;
		return 0;
	}
	if (who->kind != ACTOR_USER)
		return 0;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM case_officers "
	    "WHERE case_id = ? AND user_id = ? AND status = 'active'",
	    STORE_ARGS(SV_I(id), SV_I(who->user_id)), &n, e)) < 0)
		return rc;
	if (n > 0) {
		*clear = 1;
		return 0;
	}
	if (strncmp(who->jurisdiction, "unit:", 5) != 0)
		return 0;
	snprintf(unit, sizeof(unit), "%s", who->jurisdiction + 5);
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM cases WHERE id = ? "
	    "AND party_type = 'unit' AND CAST(unit_id AS TEXT) = ?",
	    STORE_ARGS(SV_I(id), SV_S(unit)), &n, e)) < 0)
		return rc;
	*clear = n > 0;
	return 0;
}

int
enforce_pdf(struct store *st, struct actor *who, int64_t id,
    const char *kind, struct buf *out, char **name, struct err *e)
{
	json_t	*c = NULL, *rec = NULL;
	int	 rc, clear;

	if ((rc = enf_doc_kind(kind, e)) < 0)
		return rc;
	if ((rc = enforce_case_can_read(st, who, id, e)) < 0)
		return rc;
	/*
	 * ENF-047 (P-2): the party's data in clear only for whom serves the
	 * document (an active officer of the case), the party unit itself
	 * and holders of registry:unmask; masked for every other reader.  A
	 * copy in clear is audited (case.document).
	 */
	if ((rc = enf_doc_clear(st, who, id, &clear, e)) < 0)
		return rc;
	if ((rc = enforce_case_full(st, id, clear, &c, e)) < 0 ||
	    (rc = enf_doc_enrich(st, id, c, e)) < 0 ||
	    (!clear && (rc = enf_doc_mask_text(st, id, c, e)) < 0))
		goto out;
	err_clear(e);
	if ((rc = enforce_doc_layout(c, kind, out, name, e)) < 0 || !clear)
		goto out;
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	rec = json_pack("{s:s, s:b}", "kind", kind, "clear", 1);
	if ((rc = audit_append_id(st, who, "case.document", "case", id, rec,
	    e)) < 0) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, e);
out:
	json_decref(rec);
	json_decref(c);
	return rc;
}
