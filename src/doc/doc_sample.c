/*
 * The sample rectification notice (责令改正通知书) of doc.h: fixed text
 * exercising every block kind, for the tests, the benchmark and
 * `firewarden doc sample`.  Invented names; not a template for real
 * notices, whose wording belongs to the enforce module.
 */
#include <stddef.h>

#include "doc.h"

static const struct doc_col	doc_sample_cols[] = {
	{ "序号", 1, DOC_CENTER },
	{ "检查发现的问题", 5, DOC_LEFT },
	{ "违反的规定", 3, DOC_LEFT },
	{ "改正期限", 2, DOC_CENTER },
};

static const char *const	doc_sample_rows[][4] = {
	{ "1", "二层东侧疏散通道堆放纸箱等杂物，占用疏散通道。",
	    "《中华人民共和国消防法》第二十八条", "立即改正" },
	{ "2", "一层仓库内3具手提式干粉灭火器压力不足，未保持完好有效。",
	    "《中华人民共和国消防法》第十六条第一款第二项",
	    "2026年12月13日前" },
	{ "3", "火灾自动报警系统主机显示12处故障未及时排除。",
	    "《机关、团体、企业、事业单位消防安全管理规定》第二十七条",
	    "2026年12月13日前" },
	/* The rows below only in the two-page sample. */
	{ "4", "三层生产车间安全出口上锁，且疏散指示标志损坏2处。",
	    "《中华人民共和国消防法》第二十八条", "立即改正" },
	{ "5", "消防控制室值班人员未持证上岗，夜间仅1人值班。",
	    "《消防控制室通用技术要求》（GB 25506—2010）第4.2.1条",
	    "2026年12月13日前" },
	{ "6", "室内消火栓箱内水带、水枪缺失，屋顶试验消火栓无水。",
	    "《中华人民共和国消防法》第十六条第一款第二项",
	    "2026年12月13日前" },
};

struct doc *
doc_sample(int pages)
{
	struct doc	*d;
	char		 date[DOC_DATE_CN_MAX];
	size_t		 i, nrows = pages > 1 ? 4 : 1;

	d = doc_new("责令改正通知书 " DOC_SAMPLE_NUMBER);
	doc_set_date(d, "2026-11-29");
	doc_issuer(d, "东莞市消防救援支队");
	doc_title(d, "责令改正通知书");
	doc_number(d, DOC_SAMPLE_NUMBER);
	doc_addressee(d, "东莞市示例电子科技有限公司");
	doc_para(d, "根据《中华人民共和国消防法》第五十三条的规定，我支队于"
	    "2026年11月27日对你单位（场所）进行消防监督检查，发现你单位"
	    "（场所）存在下列违反消防法律法规的行为：");
	doc_table(d, doc_sample_cols, 4);
	for (i = 0; i < nrows; i++)
		doc_row(d, doc_sample_rows[i]);
	if (pages > 1) {
		doc_para(d, "上述问题中，疏散通道被占用、安全出口上锁属于直接"
		    "影响人员安全疏散的行为，一旦发生火灾，极易造成人员伤亡。"
		    "你单位（场所）应当立即清理疏散通道内的杂物，打开上锁的"
		    "安全出口，修复损坏的疏散指示标志；对消防设施的故障，应当"
		    "委托消防技术服务机构维修，并将维修记录存档备查。");
		doc_para(d, "根据《中华人民共和国消防法》第六十条的规定，现责令"
		    "你单位（场所）对上述问题按期改正。改正完毕后，请向我支队"
		    "书面报告；逾期不改正的，将依法予以处罚。");
	} else
		doc_para(d, "现责令你单位（场所）于2026年12月13日前改正上述"
		    "问题；逾期不改正的，将依法予以处罚。");
	if (pages > 1)
		doc_field(d, "联系人", "王某某（消防监督员），电话0769-22000000"
		    "，地址：东莞市南城街道示例路1号东莞市消防救援支队"
		    "防火监督科");
	doc_qr(d, DOC_SAMPLE_QR, 28, DOC_LEFT, "扫码核验本通知书真伪");
	doc_date_cn("2026-11-29", date, NULL);
	doc_sign(d, "东莞市消防救援支队", date);
	doc_note(d, "如不服本通知，可以在收到本通知书之日起六十日内依法申请"
	    "行政复议，或者在六个月内依法向人民法院提起行政诉讼。");
	return d;
}
