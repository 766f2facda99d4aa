/*
 * The rectification notice of a hazard (责令改正通知书, HAZ-033) as a PDF
 * document through src/doc: the notice number, the unit, what was found
 * with its legal basis and deadline, the issuing authority and the date
 * the order was given, the rights of appeal.  The same data as the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/mem.h"
#include "../doc/doc.h"
#include "../store/store.h"
#include "hazard.h"
#include "hazard_int.h"

static const struct doc_col hzd_cols[] = {
	{ "序号", 1, DOC_CENTER },
	{ "发现的问题", 5, DOC_LEFT },
	{ "违反的规定", 3, DOC_LEFT },
	{ "改正期限", 2, DOC_CENTER },
};

/* The day (Asia/Shanghai) of the hazard's latest order. */
static int
hzd_order_day(struct store *st, int64_t id, char out[HZ_DATE_LEN + 1],
    struct err *e)
{
	time_t		 t;
	struct tm	 tm;
	int64_t		 at = 0;
	int		 rc;

	if ((rc = store_query_int(st, "SELECT MAX(at) FROM hazard_steps WHERE "
	    "hazard_id = ? AND to_status = 'ordered'", STORE_ARGS(SV_I(id)),
	    &at, e)) < 0)
		return rc;
	t = (time_t)at + 8 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, HZ_DATE_LEN + 1, "%Y-%m-%d", &tm);
	return 0;
}

int
hazard_notice_pdf(struct store *st, struct actor *who, int64_t id,
    struct buf *out, char **name, struct err *e)
{
	json_t		*h = NULL;
	struct doc	*d = NULL;
	const char	*notice, *row[4];
	char		 day[HZ_DATE_LEN + 1], dcn[DOC_DATE_CN_MAX];
	char		 dl[DOC_DATE_CN_MAX], *para = NULL, *title = NULL;
	int		 rc;

	if ((rc = hazard_get(st, who, id, &h, e)) < 0)
		return rc;
	notice = json_string_value(json_object_get(h, "notice_no"));
	if (notice == NULL || json_string_value(json_object_get(h,
	    "deadline")) == NULL) {
		rc = err_set(e, ERR_POLICY, "status", "the hazard was never "
		    "ordered corrected: it has no notice (HAZ-033)");
		goto out;
	}
	if ((rc = hzd_order_day(st, id, day, e)) < 0 ||
	    (rc = doc_date_cn(day, dcn, e)) < 0 ||
	    (rc = doc_date_cn(json_string_value(json_object_get(h,
	    "deadline")), dl, e)) < 0)
		goto out;
	title = xasprintf("责令改正通知书 %s", notice);
	d = doc_new(title);
	doc_set_date(d, day);
	doc_issuer(d, hazard_issuer());
	doc_title(d, "责令改正通知书");
	doc_number(d, notice);
	doc_addressee(d, json_string_value(json_object_get(h, "unit_name")));
	para = xasprintf("根据《中华人民共和国消防法》第五十三条、第五十四条的"
	    "规定，经检查发现你单位（场所）存在下列火灾隐患（隐患编号 %s，"
	    "发现日期 %s）：", json_string_value(json_object_get(h, "no")),
	    json_string_value(json_object_get(h, "found_on")));
	doc_para(d, para);
	doc_table(d, hzd_cols, 4);
	row[0] = "1";
	row[1] = json_string_value(json_object_get(h, "description"));
	row[2] = json_string_value(json_object_get(h, "legal_basis"));
	row[3] = dl;
	doc_row(d, row);
	free(para);
	para = xasprintf("现责令你单位（场所）于%s前改正上述问题，改正后向我单位"
	    "报告；逾期不改正的，将依照《中华人民共和国消防法》的有关规定予以"
	    "处罚。", dl);
	doc_para(d, para);
	doc_sign(d, hazard_issuer(), dcn);
	doc_note(d, "如不服本通知，可以在收到本通知书之日起六十日内依法申请"
	    "行政复议，或者在六个月内依法向人民法院提起行政诉讼。");
	if ((rc = doc_render_pdf(d, out, e)) < 0)
		goto out;
	*name = xasprintf("notice-%s.pdf", json_string_value(json_object_get(h,
	    "no")));
out:
	doc_free(d);
	json_decref(h);
	free(para);
	free(title);
	return rc;
}

/* HAZ-034: the temporary seal decision (临时查封决定书). */
int
hazard_seal_pdf(struct store *st, struct actor *who, int64_t sid,
    struct buf *out, char **name, struct err *e)
{
	json_t		*z = NULL, *h = NULL;
	struct doc	*d = NULL;
	const char	*start, *end;
	char		 s[24], dcn[DOC_DATE_CN_MAX], scn[DOC_DATE_CN_MAX];
	char		 ecn[DOC_DATE_CN_MAX], *t = NULL, *para = NULL;
	int		 rc;

	snprintf(s, sizeof(s), "%lld", (long long)sid);
	if ((rc = hazard_seal_record(st, s, &z, e)) < 0)
		return rc;
	/* Who sees the hazard sees its seals. */
	if ((rc = hazard_get(st, who, strtoll(json_string_value(
	    json_object_get(z, "hazard_id")), NULL, 10), &h, e)) < 0) {
		if (rc == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND, NULL, "no such seal");
		goto out;
	}
	start = json_string_value(json_object_get(z, "start_on"));
	end = json_string_value(json_object_get(z, "end_on"));
	if ((rc = doc_date_cn(start, scn, e)) < 0 ||
	    (rc = doc_date_cn(end, ecn, e)) < 0)
		goto out;
	{
		time_t		 at = (time_t)json_integer_value(
		    json_object_get(z, "created_at")) + 8 * 3600;
		struct tm	 tm;
		char		 day[HZ_DATE_LEN + 1];

		gmtime_r(&at, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		if ((rc = doc_date_cn(day, dcn, e)) < 0)
			goto out;
		t = xasprintf("临时查封决定书 %s", json_string_value(
		    json_object_get(z, "no")));
		d = doc_new(t);
		doc_set_date(d, day);
	}
	doc_issuer(d, hazard_issuer());
	doc_title(d, "临时查封决定书");
	doc_number(d, json_string_value(json_object_get(z, "no")));
	doc_addressee(d, json_string_value(json_object_get(h, "unit_name")));
	para = xasprintf("经检查，你单位（场所）存在火灾隐患（隐患编号 %s：%s），"
	    "不及时消除可能严重威胁公共安全。%s根据《中华人民共和国消防法》第"
	    "五十四条的规定，决定对下列危险部位（场所）实施临时查封：",
	    json_string_value(json_object_get(h, "no")),
	    json_string_value(json_object_get(h, "description")),
	    json_string_value(json_object_get(z, "reason")));
	doc_para(d, para);
	doc_field(d, "查封部位（场所）", json_string_value(json_object_get(z,
	    "scope")));
	free(para);
	para = xasprintf("%s至%s", scn, ecn);
	doc_field(d, "查封期限", para);
	doc_para(d, "查封期间，不得擅自启封或者使用被查封的部位（场所）。火灾隐患"
	    "消除后，你单位（场所）可以向我单位申请解除临时查封；查封期限届满"
	    "火灾隐患仍未消除的，可以延长查封期限。");
	doc_sign(d, hazard_issuer(), dcn);
	doc_note(d, "如不服本决定，可以在收到本决定书之日起六十日内依法申请"
	    "行政复议，或者在六个月内依法向人民法院提起行政诉讼。");
	if ((rc = doc_render_pdf(d, out, e)) < 0)
		goto out;
	*name = xasprintf("seal-%s.pdf", json_string_value(json_object_get(h,
	    "no")));
out:
	doc_free(d);
	json_decref(z);
	json_decref(h);
	free(t);
	free(para);
	return rc;
}
