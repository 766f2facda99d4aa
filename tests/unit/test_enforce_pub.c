/*
 * Unit tests of the enforcement documents, publication and flags
 * without a database: every document kind laid out from a fabricated
 * case and read back with poppler (pdftotext, pdfinfo) and zbar, the
 * capital amount (大写), the redaction of published text (P-3) over many
 * forms of ID numbers, phones and addresses, and the robust statistics
 * of the outlier flags (all equal, too few samples, one extreme, MAD 0).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "domain/enforce.h"
#include "domain/enforce_pub.h"

static char	test_dir[] = "/tmp/fw-test-enfpub.XXXXXX";
static char	rules_path[512];

/* ---- helpers ------------------------------------------------------------ */

static char *
test_run(const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		*cmd, chunk[4096];
	size_t		 n;
	FILE		*p;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	assert_non_null(p = popen(cmd, "r"));
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(&b, chunk, n);
	if (pclose(p) != 0)
		fail_msg("failed: %s", cmd);
	free(cmd);
	return buf_release(&b);
}

/* Text of a PDF without white space (pdftotext breaks lines). */
static char *
test_pdf_text(const char *path)
{
	char	*s = test_run("pdftotext -enc UTF-8 '%s' -", path), *r, *w;

	for (r = w = s; *r; r++)
		if (strchr(" \t\r\n\f", *r) == NULL)
			*w++ = *r;
	*w = '\0';
	return s;
}

static int
test_pdf_pages(const char *path)
{
	char	*info = test_run("pdfinfo '%s'", path), *p;
	int	 n;

	assert_non_null(p = strstr(info, "\nPages:"));
	n = atoi(p + 7);
	free(info);
	return n;
}

/* A fabricated case as enforce_case_full gives it (party unsealed). */
static const char test_case[] = "{"
    "\"id\": \"77\", \"no\": \"东消立字〔2026〕第5号\", \"procedure\": \"general\","
    "\"party_type\": \"individual\", \"party_name\": \"张三丰\","
    "\"party_idno\": \"44030019900101123X\", \"party_phone\": \"13812345678\","
    "\"party_address\": \"东莞市东城街道梨川路88号\", \"town\": \"441900003\","
    "\"facts\": \"当事人在出租屋内违规使用液化石油气，占用疏散通道。\","
    "\"status\": \"decided\", \"notice_no\": \"东消罚告字〔2026〕第3号\","
    "\"notified_on\": \"2026-11-02\", \"statement_due\": \"2026-11-09\","
    "\"outcome\": \"fine\", \"decision_no\": \"东消行罚决字〔2026〕第12号\","
    "\"decided_on\": \"2026-11-20\", \"served_on\": \"2026-11-23\","
    "\"decision_hash\": \"5b3cfe9a0c1f4f2e8d6a7b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a\","
    "\"fine_fen\": 123450,"
    "\"violations\": [{\"item\": \"FPL-60-3\", \"tier\": \"general\","
    "  \"facts\": \"占用疏散通道\", \"outcome\": \"fine\", \"amount_fen\": 123450,"
    "  \"amount_check\": \"above_range\", \"justification\": \"屡教不改\","
    "  \"first_exempt\": false, \"status\": \"active\","
    "  \"query\": {\"item\": \"FPL-60-3\"},"
    "  \"suggestion\": {\"name\": \"占用、堵塞、封闭疏散通道、安全出口\","
    "    \"basis\": \"《中华人民共和国消防法》第六十条第一款第（三）项\","
    "    \"range\": {\"min\": 500, \"max\": 1000},"
    "    \"rules\": [{\"status\": \"applied\", \"reason\": \"一般档次 30–70%\"}]}},"
    "  {\"item\": \"FPL-60-2\", \"tier\": \"minor\", \"facts\": \"撤回的违法行为\","
    "  \"outcome\": \"fine\", \"amount_fen\": 50000, \"status\": \"withdrawn\","
    "  \"suggestion\": {\"basis\": \"撤回\"}}],"
    "\"evidence\": [{\"kind\": \"record\", \"description\": \"现场检查笔录\","
    "  \"collected_on\": \"2026-10-30\"}],"
    "\"hearings\": [{\"requested_on\": \"2026-11-04\", \"notice_on\": \"2026-11-05\","
    "  \"hearing_on\": \"2026-11-18\", \"place\": \"支队三楼听证室\","
    "  \"host_name\": \"李听证\", \"status\": \"scheduled\"}],"
    "\"payments\": [{\"code\": \"4419202600000007\", \"amount_fen\": 123450,"
    "  \"due\": \"2026-12-08\", \"status\": \"open\"}]"
    "}";

/* Render kind of c and return its text; the PDF must be sound. */
static char *
test_render(const json_t *c, const char *kind)
{
	struct buf	 out;
	struct err	 e;
	char		*name = NULL, *path, *text;
	FILE		*f;
	int		 rc;

	buf_init(&out);
	err_clear(&e);
	rc = enforce_doc_layout(c, kind, &out, &name, &e);
	if (rc != 0)
		fail_msg("%s: %d %s: %s", kind, rc, e.field, e.msg);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "%PDF-", 5);
	assert_non_null(strstr(name, kind));
	path = xasprintf("%s/%s.pdf", test_dir, kind);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
	assert_int_equal(fclose(f), 0);
	assert_true(test_pdf_pages(path) >= 1);
	text = test_pdf_text(path);
	/* No tofu: every character had a glyph. */
	assert_null(strstr(text, "\xef\xbf\xbd"));
	free(path);
	free(name);
	buf_free(&out);
	return text;
}

static json_t *
test_case_json(void)
{
	json_error_t	 je;
	json_t		*c = json_loads(test_case, 0, &je);

	if (c == NULL)
		fail_msg("case JSON: %s at %d", je.text, je.line);
	return c;
}

/* ---- documents ---------------------------------------------------------- */

static void
test_enforce_pub__enf041_notice(void **state)
{
	json_t	*c = test_case_json();
	char	*t;

	(void)state;
	t = test_render(c, "notice");
	assert_non_null(strstr(t, "行政处罚告知书"));
	assert_non_null(strstr(t, "东消罚告字〔2026〕第3号"));
	assert_non_null(strstr(t, "东莞市消防救援支队"));
	assert_non_null(strstr(t, "陈述、申辩或者书面要求举行听证"));
	assert_non_null(strstr(t, "二〇二六年十一月九日前"));
	assert_non_null(strstr(t, "合计拟罚款人民币1234.50元"));
	assert_non_null(strstr(t, "第六十条第一款第（三）项"));
	assert_non_null(strstr(t, "占用、堵塞、封闭疏散通道、安全出口（FPL-60-3）"));
	/* A withdrawn violation is not in the document. */
	assert_null(strstr(t, "撤回的违法行为"));
	free(t);
	json_decref(c);
}

static void
test_enforce_pub__enf042_decision(void **state)
{
	json_t	*c = test_case_json();
	char	*t, *qr, *path;

	(void)state;
	t = test_render(c, "decision");
	assert_non_null(strstr(t, "行政处罚决定书"));
	assert_null(strstr(t, "当场行政处罚决定书"));
	assert_non_null(strstr(t, "东消行罚决字〔2026〕第12号"));
	/* The party in clear: the document is served on it. */
	assert_non_null(strstr(t, "张三丰"));
	assert_non_null(strstr(t, "44030019900101123X"));
	assert_non_null(strstr(t, "梨川路88号"));
	assert_non_null(strstr(t, "现场检查笔录"));
	assert_non_null(strstr(t, "罚款人民币1234.50元（大写：壹仟贰佰叁拾肆元伍"
	    "角整）"));
	assert_non_null(strstr(t, "偏离裁量基准的理由：屡教不改"));
	assert_non_null(strstr(t, "裁量基准建议罚款500元至1000元"));
	assert_non_null(strstr(t, "百分之三加处罚款"));
	assert_non_null(strstr(t, "第七十二条"));
	assert_non_null(strstr(t, "六十日内"));
	assert_non_null(strstr(t, "六个月内"));
	assert_non_null(strstr(t, "4419202600000007"));
	assert_non_null(strstr(t, "二〇二六年十一月二十日"));
	assert_non_null(strstr(t, "5b3cfe9a0c1f4f2e8d6a7b9c0d1e2f3a"));
	/* The QR code carries the SM3 of the decision record. */
	path = xasprintf("%s/decision.pdf", test_dir);
	qr = test_run("rm -f '%s'/qr-*.png && pdftoppm -r 150 -png '%s' "
	    "'%s/qr' && for f in '%s'/qr-*.png; do zbarimg --raw -q \"$f\" "
	    "2>/dev/null; rc=$?; [ $rc = 0 ] || [ $rc = 4 ] || exit 1; done",
	    test_dir, path, test_dir, test_dir);
	assert_non_null(strstr(qr, "FWDEC1 77 SM3:5b3cfe9a0c1f4f2e8d6a7b9c0d1e2"
	    "f3a4b5c6d7e8f90a1b2c3d4e5f60718293a"));
	free(qr);
	free(path);
	free(t);
	/* The simple procedure's title. */
	json_object_set_new(c, "procedure", json_string("simple"));
	t = test_render(c, "decision");
	assert_non_null(strstr(t, "当场行政处罚决定书"));
	free(t);
	/* A warning: no fine, no payment text. */
	json_object_set_new(c, "outcome", json_string("warning"));
	json_object_set_new(c, "fine_fen", json_integer(0));
	t = test_render(c, "decision");
	assert_non_null(strstr(t, "给予警告"));
	assert_null(strstr(t, "加处罚款"));
	free(t);
	json_decref(c);
}

static void
test_enforce_pub__enf043_no_penalty(void **state)
{
	json_t	*c = test_case_json(), *v;
	char	*t;

	(void)state;
	json_object_set_new(c, "outcome", json_string("no_penalty"));
	json_object_set_new(c, "fine_fen", json_integer(0));
	json_object_set_new(c, "decision_no",
	    json_string("东消不罚字〔2026〕第2号"));
	v = json_array_get(json_object_get(c, "violations"), 0);
	json_object_set_new(v, "outcome", json_string("no_penalty"));
	json_object_set_new(v, "amount_fen", json_integer(0));
	t = test_render(c, "no_penalty");
	assert_non_null(strstr(t, "不予行政处罚决定书"));
	assert_non_null(strstr(t, "东消不罚字〔2026〕第2号"));
	assert_non_null(strstr(t, "没有造成危害后果"));
	assert_non_null(strstr(t, "第三十三条第三款"));
	assert_non_null(strstr(t, "进行消防安全教育"));
	free(t);
	/* 首违不罚 with its reason; no fault. */
	json_object_set_new(v, "first_exempt", json_true());
	json_object_set_new(v, "exempt_reason", json_string("首次发现且当场改正"));
	t = test_render(c, "no_penalty");
	assert_non_null(strstr(t, "首违不罚"));
	assert_non_null(strstr(t, "首次发现且当场改正"));
	free(t);
	json_object_set_new(v, "first_exempt", json_false());
	json_object_set_new(v, "query", json_pack("{s:b}", "no_fault", 1));
	t = test_render(c, "no_penalty");
	assert_non_null(strstr(t, "没有主观过错"));
	free(t);
	json_decref(c);
}

static void
test_enforce_pub__enf045_payment_enf046_hearing(void **state)
{
	json_t	*c = test_case_json();
	char	*t;

	(void)state;
	t = test_render(c, "payment");
	assert_non_null(strstr(t, "缴款通知书"));
	assert_non_null(strstr(t, "4419202600000007"));
	assert_non_null(strstr(t, "壹仟贰佰叁拾肆元伍角整"));
	assert_non_null(strstr(t, "二〇二六年十二月八日"));
	assert_non_null(strstr(t, "百分之三"));
	free(t);
	t = test_render(c, "hearing");
	assert_non_null(strstr(t, "听证通知书"));
	assert_non_null(strstr(t, "支队三楼听证室"));
	assert_non_null(strstr(t, "李听证"));
	assert_non_null(strstr(t, "二〇二六年十一月十八日"));
	assert_non_null(strstr(t, "东消立字〔2026〕第5号"));
	free(t);
	json_decref(c);
}

/* ENF-040: a document that does not exist yet is refused naming kind. */
static void
test_enforce_pub__enf040_not_yet(void **state)
{
	static const char *const	kinds[] = { "notice", "decision",
	    "no_penalty", "payment", "hearing" };
	json_t				*c;
	struct buf			 out;
	struct err			 e;
	char				*name = NULL;
	size_t				 i;

	(void)state;
	c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:[]}", "id", "1",
	    "no", "东消立字〔2026〕第1号", "party_type", "unit", "party_name",
	    "某公司", "status", "filed", "violations", "hearings", "payments");
	for (i = 0; i < 5; i++) {
		buf_init(&out);
		err_clear(&e);
		assert_int_equal(enforce_doc_layout(c, kinds[i], &out, &name,
		    &e), ERR_POLICY);
		assert_string_equal(e.field, "kind");
		assert_int_equal(out.len, 0);
		assert_null(name);
		buf_free(&out);
	}
	err_clear(&e);
	buf_init(&out);
	assert_int_equal(enforce_doc_layout(c, "receipt", &out, &name, &e),
	    ERR_NOT_FOUND);
	assert_string_equal(e.field, "kind");
	/* A decision not to penalise has no 行政处罚决定书, and a fine no
	 * 不予行政处罚决定书. */
	json_object_set_new(c, "decision_no", json_string("东消不罚字〔2026〕第1号"));
	json_object_set_new(c, "decided_on", json_string("2026-11-20"));
	json_object_set_new(c, "outcome", json_string("no_penalty"));
	err_clear(&e);
	assert_int_equal(enforce_doc_layout(c, "decision", &out, &name, &e),
	    ERR_POLICY);
	json_object_set_new(c, "outcome", json_string("fine"));
	err_clear(&e);
	assert_int_equal(enforce_doc_layout(c, "no_penalty", &out, &name, &e),
	    ERR_POLICY);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	json_decref(c);
}

static void
test_enforce_pub__enf042_capital(void **state)
{
	static const struct { int64_t fen; const char *want; } t[] = {
		{ 0, "零元整" },
		{ 5, "伍分" },
		{ 50, "伍角整" },
		{ 100, "壹元整" },
		{ 1005, "壹拾元零伍分" },
		{ 123450, "壹仟贰佰叁拾肆元伍角整" },
		{ 100000, "壹仟元整" },
		{ 300000, "叁仟元整" },
		{ 1000100, "壹万零壹元整" },
		{ 2005000, "贰万零伍拾元整" },
		{ 10000000, "壹拾万元整" },
		{ 100100000, "壹佰万壹仟元整" },
		{ 100010000, "壹佰万零壹佰元整" },
		{ 30000000000LL, "叁亿元整" },
		{ 10000000100LL, "壹亿零壹元整" },
		{ 12345678912LL, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分" },
	};
	size_t	i;
	char	*s;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = enforce_doc_capital(t[i].fen);
		if (strcmp(s, t[i].want) != 0)
			fail_msg("%lld: %s, want %s", (long long)t[i].fen, s,
			    t[i].want);
		free(s);
	}
}

/* ---- redaction (ENF-052, P-3) --------------------------------------------- */

static void
test_enforce_pub__enf052_redact_patterns(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		/* ID numbers: 18 with a digit or X, 15, full-width. */
		{ "身份证440300199001011234。", "身份证***。" },
		{ "身份证44030019900101123X", "身份证***" },
		{ "身份证44030019900101123x号", "身份证***号" },
		{ "旧证440300900101123，", "旧证***，" },
		{ "ID:440300199001011234;", "ID:***;" },
		{ "４４０３００１９９００１０１１２３４", "***" },
		/* A longer number may hold one: cut whole. */
		{ "账号6222021234567890123", "账号***" },
		/* Mobiles, with prefixes and separators. */
		{ "电话13812345678", "电话***" },
		{ "电话138-1234-5678。", "电话***。" },
		{ "电话138 1234 5678", "电话***" },
		{ "电话+8613812345678", "电话***" },
		{ "电话+86 13812345678", "电话***" },
		{ "电话8613912345678", "电话***" },
		{ "电话19912345678和15012345678", "电话***和***" },
		{ "１３８１２３４５６７８", "***" },
		/* Landlines. */
		{ "座机0769-22334455", "座机***" },
		{ "座机076922334455", "座机***" },
		{ "座机020-1234567", "座机***" },
		{ "座机(0769)22334455", "座机***" },
		{ "座机（0769）22334455", "座机***" },
		{ "座机0769 22334455", "座机***" },
		/* Not personal numbers: kept. */
		{ "罚款3000元，2026-11-29", "罚款3000元，2026-11-29" },
		{ "第12号，面积1200平方米", "第12号，面积1200平方米" },
		{ "12812345678", "12812345678" },
		{ "10:30在3楼", "10:30在3楼" },
		{ "", "" },
	};
	size_t	i;
	char	*s;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = enforce_redact(t[i].in, NULL);
		if (strcmp(s, t[i].want) != 0)
			fail_msg("%s -> %s, want %s", t[i].in, s, t[i].want);
		free(s);
	}
	s = enforce_redact(NULL, NULL);
	assert_string_equal(s, "");
	free(s);
}

static void
test_enforce_pub__enf052_redact_party(void **state)
{
	struct enforce_pii	p = { "张三丰", "44030019900101123X",
	    "13812345678", "东莞市东城街道梨川路88号" };
	char			*s;

	(void)state;
	s = enforce_redact("张三丰住东莞市东城街道梨川路88号，身份证"
	    "44030019900101123X，电话13812345678，在东城街道某商场内吸烟。",
	    &p);
	assert_string_equal(s, "张**住***，身份证***，电话***，在东城街道某商场"
	    "内吸烟。");
	free(s);
	/* The address whatever the digits around it. */
	s = enforce_redact("现住东莞市东城街道梨川路88号2楼", &p);
	assert_string_equal(s, "现住***2楼");
	free(s);
	/* Values too short to mean anything are not replaced. */
	p.name = "张";
	p.address = "1";
	s = enforce_redact("张先生在1楼", &p);
	assert_string_equal(s, "张先生在1楼");
	free(s);
}

/* ---- statistics (ENF-061) -------------------------------------------------- */

static void
test_enforce_pub__enf061_stats_all_equal(void **state)
{
	int64_t			x[10];
	struct enforce_stats	s;
	size_t			i;

	(void)state;
	for (i = 0; i < 10; i++)
		x[i] = 500000;
	enforce_flag_stats(x, 10, 8, &s);
	assert_true(s.ok);
	assert_string_equal(s.method, "equal");
	assert_true(s.median == 500000);
	assert_true(enforce_flag_z(&s, 500000) == 0);
}

static void
test_enforce_pub__enf061_stats_too_few(void **state)
{
	int64_t			x[] = { 1, 2, 3, 1000000, 5, 6, 7 };
	struct enforce_stats	s;

	(void)state;
	enforce_flag_stats(x, 7, 8, &s);
	assert_false(s.ok);
	assert_string_equal(s.method, "few");
	assert_true(enforce_flag_z(&s, 1000000) == 0);
	enforce_flag_stats(x, 0, 0, &s);
	assert_false(s.ok);
}

static void
test_enforce_pub__enf061_stats_one_extreme(void **state)
{
	/* Eight ordinary fines and one far above them. */
	int64_t			x[] = { 500000, 520000, 480000, 510000,
	    490000, 505000, 495000, 500000, 3000000 };
	struct enforce_stats	s;
	size_t			i;

	(void)state;
	enforce_flag_stats(x, 9, 8, &s);
	assert_true(s.ok);
	assert_string_equal(s.method, "mad");
	assert_true(s.median == 500000);
	assert_true(s.mad == 10000);
	assert_true(fabs(s.scale - 14826) < 1e-6);
	assert_true(enforce_flag_z(&s, 3000000) > 3.5);
	assert_true(fabs(enforce_flag_z(&s, 3000000) - 2500000 / 14826.0) <
	    1e-9);
	for (i = 0; i < 8; i++)
		assert_true(enforce_flag_z(&s, x[i]) < 3.5);
	/* Below the others as well. */
	x[8] = 10000;
	enforce_flag_stats(x, 9, 8, &s);
	assert_true(enforce_flag_z(&s, 10000) > 3.5);
}

static void
test_enforce_pub__enf061_stats_mad_zero(void **state)
{
	/* Most fines the same: MAD 0, the mean absolute deviation used. */
	int64_t			x[] = { 300000, 300000, 300000, 300000, 300000,
	    300000, 300000, 310000, 2000000 };
	struct enforce_stats	s;
	double			mean = (10000.0 + 1700000.0) / 9;

	(void)state;
	enforce_flag_stats(x, 9, 8, &s);
	assert_true(s.ok);
	assert_true(s.mad == 0);
	assert_string_equal(s.method, "meanad");
	assert_true(fabs(s.scale - 1.253314 * mean) < 1e-6);
	assert_true(enforce_flag_z(&s, 2000000) > 3.5);
	assert_true(enforce_flag_z(&s, 310000) < 3.5);
	assert_true(enforce_flag_z(&s, 300000) == 0);
	/* An even sample: the median is the mean of the middle two. */
	enforce_flag_stats(x, 8, 8, &s);
	assert_true(s.median == 300000);
}

/* ---- setup ---------------------------------------------------------------- */

static int
test_setup(void **state)
{
	struct err	 e;
	char		*p;

	(void)state;
	jx_init();
	snprintf(rules_path, sizeof(rules_path), "%s", __FILE__);
	if ((p = strstr(rules_path, "tests/unit/test_enforce_pub.c")) != NULL)
		snprintf(p, sizeof(rules_path) - (size_t)(p - rules_path),
		    "data/enforce/rules.json");
	if (access(rules_path, R_OK) != 0)
		snprintf(rules_path, sizeof(rules_path),
		    "../data/enforce/rules.json");
	err_clear(&e);
	if (enforce_rules_load(rules_path, &e) < 0) {
		fprintf(stderr, "rules: %s\n", e.msg);
		return -1;
	}
	if (mkdtemp(test_dir) == NULL)
		return -1;
	return 0;
}

static int
test_teardown(void **state)
{
	char	*cmd = xasprintf("rm -rf '%s'", test_dir);

	(void)state;
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", test_dir);
	free(cmd);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_enforce_pub__enf041_notice),
		cmocka_unit_test(test_enforce_pub__enf042_decision),
		cmocka_unit_test(test_enforce_pub__enf043_no_penalty),
		cmocka_unit_test(
		    test_enforce_pub__enf045_payment_enf046_hearing),
		cmocka_unit_test(test_enforce_pub__enf040_not_yet),
		cmocka_unit_test(test_enforce_pub__enf042_capital),
		cmocka_unit_test(test_enforce_pub__enf052_redact_patterns),
		cmocka_unit_test(test_enforce_pub__enf052_redact_party),
		cmocka_unit_test(test_enforce_pub__enf061_stats_all_equal),
		cmocka_unit_test(test_enforce_pub__enf061_stats_too_few),
		cmocka_unit_test(test_enforce_pub__enf061_stats_one_extreme),
		cmocka_unit_test(test_enforce_pub__enf061_stats_mad_zero),
	};

	return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
