/*
 * The permit's documents as PDF (PRM-017) through src/doc, from the same
 * data as the API: the certificate (公众聚集场所投入使用、营业前消防安全
 * 检查合格证) with its QR code carrying the e-certificate's FWC1 text, the
 * refusal (不同意投入使用、营业决定书), the rectification notice after a
 * mismatch (责令限期改正通知书) and the revocation decision (撤销许可决定书).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/mem.h"
#include "../doc/doc.h"
#include "../store/store.h"
#include "permit.h"
#include "rec.h"

#define PRD_NOTE "如不服本决定，可以在收到本决定书之日起六十日内依法申请" \
    "行政复议，或者在六个月内依法向人民法院提起行政诉讼。"

static const char *
prd_s(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void
prd_fields(struct doc *d, const json_t *p, const json_t *c)
{
	char	area[32];

	snprintf(area, sizeof(area), "%lld 平方米", (long long)
	    json_integer_value(json_object_get(p, "area_m2")));
	doc_field(d, "单位名称", prd_s(c, "holder"));
	doc_field(d, "统一社会信用代码", prd_s(c, "uscc"));
	doc_field(d, "场所名称", prd_s(p, "place_name"));
	doc_field(d, "场所地址", prd_s(p, "address"));
	doc_field(d, "使用性质", prd_s(p, "use"));
	doc_field(d, "建筑面积", area);
	doc_field(d, "许可方式", strcmp(prd_s(p, "route"), "commitment") == 0 ?
	    "告知承诺" : "现场检查");
}

int
permit_pdf(struct store *st, struct actor *who, int64_t id, const char *kind,
    struct buf *out, char **name, struct err *e)
{
	json_t		*p = NULL, *cert = NULL;
	struct doc	*d = NULL;
	const char	*issuer, *no, *day;
	char		 dcn[DOC_DATE_CN_MAX], dl[DOC_DATE_CN_MAX], *t = NULL;
	int		 rc;

	if ((rc = permit_get(st, who, id, &p, e)) < 0)
		return rc;
	cert = json_object_get(p, "certificate");
	if (strcmp(kind, "certificate") == 0) {
		json_t	*ct;

		/* PRM-017: the certificate of a permit issued (a revoked or
		 * superseded one still prints, saying so online). */
		if (!json_is_object(cert)) {
			rc = err_set(e, ERR_POLICY, "status", "no certificate was "
			    "issued for this application");
			goto out;
		}
		/* The printed fields are the signed content's. */
		if ((ct = json_loads(prd_s(cert, "content"), 0, NULL)) ==
		    NULL) {
			rc = err_set(e, ERR_INTERNAL, NULL, "certificate "
			    "content");
			goto out;
		}
		issuer = prd_s(ct, "issuer");
		no = prd_s(ct, "no");
		day = prd_s(ct, "issued");
		if ((rc = doc_date_cn(day, dcn, e)) < 0) {
			json_decref(ct);
			goto out;
		}
		t = xasprintf("公众聚集场所投入使用、营业前消防安全检查合格证 %s",
		    no);
		d = doc_new(t);
		doc_set_date(d, day);
		/* One page: the issuer signs at the foot, not in a header. */
		doc_title(d, "公众聚集场所投入使用、营业前消防安全检查合格证");
		doc_number(d, no);
		prd_fields(d, p, ct);
		doc_qr(d, prd_s(cert, "code"), 42, DOC_CENTER, NULL);
		doc_sign(d, issuer, dcn);
		json_decref(ct);
	} else if (strcmp(kind, "refusal") == 0) {
		if (strcmp(prd_s(p, "status"), "refused") != 0) {
			rc = err_set(e, ERR_POLICY, "status", "the application "
			    "was not refused");
			goto out;
		}
		if ((rc = doc_date_cn(prd_s(p, "decided_on"), dcn, e)) < 0)
			goto out;
		issuer = permit_issuer();
		t = xasprintf("不同意投入使用、营业决定书 %s",
		    prd_s(p, "refusal_no"));
		d = doc_new(t);
		doc_set_date(d, prd_s(p, "decided_on"));
		doc_issuer(d, issuer);
		doc_title(d, "不同意投入使用、营业决定书");
		doc_number(d, prd_s(p, "refusal_no"));
		doc_addressee(d, prd_s(p, "unit_name"));
		free(t);
		t = xasprintf("你单位于%s申请的%s（%s，申请编号 %s）投入使用、营业"
		    "前消防安全检查，经审查，决定不同意投入使用、营业。理由如下：",
		    prd_s(p, "submitted_on"), prd_s(p, "place_name"),
		    prd_s(p, "address"), prd_s(p, "no"));
		doc_para(d, t);
		doc_para(d, prd_s(p, "refusal_reasons"));
		doc_sign(d, issuer, dcn);
		doc_note(d, PRD_NOTE);
	} else if (strcmp(kind, "notice") == 0) {
		if (*prd_s(p, "notice_no") == '\0') {
			rc = err_set(e, ERR_POLICY, "status", "no mismatch was "
			    "found: there is no notice");
			goto out;
		}
		if ((rc = doc_date_cn(prd_s(p, "verified_on"), dcn, e)) < 0 ||
		    (rc = doc_date_cn(prd_s(p, "rectify_deadline"), dl, e)) < 0)
			goto out;
		issuer = permit_issuer();
		t = xasprintf("责令限期改正通知书 %s", prd_s(p, "notice_no"));
		d = doc_new(t);
		doc_set_date(d, prd_s(p, "verified_on"));
		doc_issuer(d, issuer);
		doc_title(d, "责令限期改正通知书");
		doc_number(d, prd_s(p, "notice_no"));
		doc_addressee(d, prd_s(p, "unit_name"));
		free(t);
		t = xasprintf("我单位对你单位以告知承诺方式取得许可（%s）的%s进行"
		    "核查，发现场所的实际情况与承诺内容不符。根据《中华人民共和国"
		    "消防法》第五十八条的规定，责令你单位于%s前改正；逾期不改正"
		    "的，将依法撤销许可。", prd_s(p, "permit_no"),
		    prd_s(p, "place_name"), dl);
		doc_para(d, t);
		doc_sign(d, issuer, dcn);
		doc_note(d, PRD_NOTE);
	} else if (strcmp(kind, "revocation") == 0) {
		if (strcmp(prd_s(p, "status"), "revoked") != 0) {
			rc = err_set(e, ERR_POLICY, "status", "the permit was not "
			    "revoked");
			goto out;
		}
		if ((rc = doc_date_cn(prd_s(p, "revoked_on"), dcn, e)) < 0)
			goto out;
		issuer = permit_issuer();
		t = xasprintf("撤销许可决定书 %s", prd_s(p, "revocation_no"));
		d = doc_new(t);
		doc_set_date(d, prd_s(p, "revoked_on"));
		doc_issuer(d, issuer);
		doc_title(d, "撤销许可决定书");
		doc_number(d, prd_s(p, "revocation_no"));
		doc_addressee(d, prd_s(p, "unit_name"));
		free(t);
		t = xasprintf("你单位%s的公众聚集场所投入使用、营业前消防安全检查"
		    "许可（%s）经核查与承诺内容不符，经责令限期改正（%s）逾期未"
		    "改正。根据《中华人民共和国消防法》第五十八条第一款第（四）项"
		    "的规定，决定撤销该许可，其电子证书同时注销。",
		    prd_s(p, "place_name"), prd_s(p, "permit_no"),
		    prd_s(p, "notice_no"));
		doc_para(d, t);
		doc_sign(d, issuer, dcn);
		doc_note(d, PRD_NOTE);
	} else {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such document");
		goto out;
	}
	if ((rc = doc_render_pdf(d, out, e)) < 0)
		goto out;
	*name = xasprintf("%s-%s.pdf", kind, prd_s(p, "no"));
out:
	doc_free(d);
	json_decref(p);
	free(t);
	return rc;
}
