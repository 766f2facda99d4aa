/*
 * Unit tests of the document renderer (src/doc): the sample notice read
 * back with poppler (text without boxes, the embedded WenQuanYi TrueType
 * font and the size, the page count against the footer), its QR code
 * rasterised and decoded by zbar, byte-identical renders in one thread
 * and in four at once, tables across pages, markup shown literally, and
 * every bad input refused with an error rather than a crash.  The tools
 * (pdftotext, pdffonts, pdfinfo, pdftoppm, zbarimg; scripts/setup
 * installs them) are required: a missing one fails the tests.
 */
#include <math.h>
#include <pthread.h>
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
#include "core/mem.h"
#include "doc/doc.h"

#define TEST_THREADS	4
#define TEST_ROUNDS	3

static char	test_dir[] = "/tmp/fw-test-doc.XXXXXX";

/* ---- helpers ---------------------------------------------------------- */

/* Run a shell command and return its standard output (caller frees). */
static char *
test_doc_run(const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		*cmd, chunk[4096];
	FILE		*p;
	size_t		 n;
	int		 len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	cmd = xmalloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(cmd, (size_t)len + 1, fmt, ap);
	va_end(ap);
	buf_init(&b);
	buf_adds(&b, "");
	if ((p = popen(cmd, "r")) == NULL)
		fail_msg("cannot run %s", cmd);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(&b, chunk, n);
	if (pclose(p) != 0)
		fail_msg("failed: %s", cmd);
	free(cmd);
	return buf_release(&b);
}

/* s without any ASCII whitespace, in place (pdftotext breaks lines). */
static char *
test_doc_squash(char *s)
{
	char	*r, *w;

	for (r = w = s; *r != '\0'; r++)
		if (strchr(" \t\r\n\f", *r) == NULL)
			*w++ = *r;
	*w = '\0';
	return s;
}

static size_t
test_doc_count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Render d, which must succeed, into a fresh buffer. */
static void
test_doc_render(const struct doc *d, struct buf *out)
{
	struct err	e;
	int		rc;

	buf_init(out);
	err_clear(&e);
	rc = doc_render_pdf(d, out, &e);
	if (rc != 0)
		fail_msg("render: %d %s: %s", rc, e.field, e.msg);
	assert_true(out->len > 1000);
	assert_memory_equal(out->data, "%PDF-", 5);
}

/* Write pdf to test_dir/name.pdf; returns the path (caller frees). */
static char *
test_doc_save(const struct buf *pdf, const char *name)
{
	char	*path = xasprintf("%s/%s.pdf", test_dir, name);
	FILE	*f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(pdf->data, 1, pdf->len, f), pdf->len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/*
 * The QR codes zbar finds on every page of path rasterised at 150 dpi, one
 * line each (caller frees).  zbarimg exits 4 for a page without a code.
 */
static char *
test_doc_qr_codes(const char *path)
{
	free(test_doc_run("rm -f '%s'/qr-*.png && pdftoppm -r 150 -png '%s' "
	    "'%s/qr'", test_dir, path, test_dir));
	return test_doc_run("for f in '%s'/qr-*.png; do zbarimg --raw -q "
	    "\"$f\" 2>/dev/null; rc=$?; [ $rc = 0 ] || [ $rc = 4 ] || exit 1; "
	    "done", test_dir);
}

/* Text of a PDF with all whitespace removed (caller frees). */
static char *
test_doc_text(const char *path)
{
	return test_doc_squash(test_doc_run("pdftotext -enc UTF-8 '%s' -",
	    path));
}

/* The same for one page. */
static char *
test_doc_page_text(const char *path, int page)
{
	return test_doc_squash(test_doc_run("pdftotext -enc UTF-8 -f %d "
	    "-l %d '%s' -", page, page, path));
}

static int
test_doc_pages(const char *path)
{
	char	*info = test_doc_run("pdfinfo '%s'", path), *p;
	int	 n;

	p = strstr(info, "\nPages:");
	assert_non_null(p);
	n = atoi(p + 7);
	free(info);
	return n;
}

/* Expect builder or render error code with a message. */
static void
test_doc_expect_fail(const struct doc *d, int code)
{
	struct buf	out;
	struct err	e;

	buf_init(&out);
	buf_adds(&out, "kept");
	err_clear(&e);
	assert_int_equal(doc_render_pdf(d, &out, &e), code);
	assert_int_equal(e.code, code);
	assert_true(e.msg[0] != '\0');
	/* Nothing written on failure. */
	assert_string_equal(out.data, "kept");
	assert_int_equal(out.len, 4);
	buf_free(&out);
}

static int
test_doc_setup(void **state)
{
	static const char *const	tools[] = {
		"pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "zbarimg",
	};
	char				cmd[128];
	size_t				i;

	(void)state;
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null",
		    tools[i]);
		if (system(cmd) != 0) {
			fprintf(stderr, "test_doc: %s is missing: run "
			    "scripts/setup (poppler-utils, zbar-tools)\n",
			    tools[i]);
			return -1;
		}
	}
	if (mkdtemp(test_dir) == NULL)
		return -1;
	return 0;
}

/* FW_TEST_KEEP=1 keeps the PDFs and images for a look. */
static int
test_doc_teardown(void **state)
{
	char	*cmd = xasprintf("rm -rf '%s'", test_dir);
	int	 rc = 0;

	(void)state;
	if (getenv("FW_TEST_KEEP") != NULL)
		fprintf(stderr, "test_doc: kept %s\n", test_dir);
	else
		rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* ---- the sample notice through poppler and zbar ------------------------ */

static void
test_doc__sample_text_no_tofu(void **state)
{
	struct doc	*d = doc_sample(2);
	struct buf	 pdf;
	char		*path, *text, date[DOC_DATE_CN_MAX];

	(void)state;
	test_doc_render(d, &pdf);
	path = test_doc_save(&pdf, "sample2");
	text = test_doc_text(path);
	/* Chinese text and the number come back as text: the glyphs carry
	 * their Unicode, so nothing was drawn as boxes. */
	assert_non_null(strstr(text, "东莞市消防救援支队"));
	assert_non_null(strstr(text, "责令改正通知书"));
	assert_non_null(strstr(text, DOC_SAMPLE_NUMBER));
	assert_non_null(strstr(text, "东莞市示例电子科技有限公司："));
	assert_non_null(strstr(text, "根据《中华人民共和国消防法》第五十三条"
	    "的规定，我支队于2026年11月27日对你单位（场所）进行消防监督检查"));
	assert_non_null(strstr(text, "火灾自动报警系统主机显示12处故"));
	assert_non_null(strstr(text, "联系人：王某某（消防监督员）"));
	assert_non_null(strstr(text, "扫码核验本通知书真伪"));
	assert_non_null(strstr(text, DOC_SAMPLE_QR));
	assert_int_equal(doc_date_cn("2026-11-29", date, NULL), 0);
	assert_non_null(strstr(text, date));
	assert_non_null(strstr(text, "如不服本通知"));
	assert_null(strstr(text, "\xef\xbf\xbd"));	/* U+FFFD */
	free(text);
	free(path);
	buf_free(&pdf);
	doc_free(d);
}

static void
test_doc__sample_fonts_and_size(void **state)
{
	struct doc	*d;
	struct buf	 pdf;
	char		*path, *fonts, *line, *save = NULL;
	int		 pages, p, nfonts = 0;

	(void)state;
	for (pages = 1; pages <= 2; pages++) {
		d = doc_sample(pages);
		test_doc_render(d, &pdf);
		path = test_doc_save(&pdf, pages == 1 ? "fonts1" : "fonts2");
		p = test_doc_pages(path);
		assert_int_equal(p, pages);
		print_message("sample, %d page(s): %zu bytes, %zu bytes/page\n",
		    p, pdf.len, pdf.len / (size_t)p);
		/* Noto CJK would be over a megabyte a page (TOOLCHAIN.md). */
		assert_true(pdf.len / (size_t)p < 80 * 1024);
		fonts = test_doc_run("pdffonts '%s'", path);
		/* Two header lines, then one line per font: every font is
		 * an embedded subset of WenQuanYi, TrueType, with Unicode
		 * (not Type 3, not outlines converted to a "CairoFont"). */
		line = strtok_r(fonts, "\n", &save);
		line = strtok_r(NULL, "\n", &save);
		nfonts = 0;
		while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
			nfonts++;
			assert_non_null(strstr(line, "+WenQuanYiMicroHei"));
			assert_non_null(strstr(line, "TrueType"));
			assert_null(strstr(line, "Type 3"));
			assert_non_null(strstr(line, " yes yes yes "));
		}
		assert_true(nfonts >= 1);
		free(fonts);
		free(path);
		buf_free(&pdf);
		doc_free(d);
	}
}

static void
test_doc__sample_qr_decodes(void **state)
{
	struct doc	*d;
	struct buf	 pdf;
	char		*path, *out, *want;
	int		 pages;

	(void)state;
	for (pages = 1; pages <= 2; pages++) {
		d = doc_sample(pages);
		test_doc_render(d, &pdf);
		path = test_doc_save(&pdf, "qr");
		/* Every page; exactly one code, the payload. */
		out = test_doc_qr_codes(path);
		want = xasprintf("%s\n", DOC_SAMPLE_QR);
		assert_string_equal(out, want);
		free(want);
		free(out);
		free(path);
		buf_free(&pdf);
		doc_free(d);
	}
}

static void
test_doc__page_count_matches_footer(void **state)
{
	struct doc	*d;
	struct buf	 pdf;
	char		*path, *text, want[64];
	int		 i, n = 5;

	(void)state;
	/* The sample: two pages, two footers saying so. */
	d = doc_sample(2);
	test_doc_render(d, &pdf);
	path = test_doc_save(&pdf, "pages");
	assert_int_equal(test_doc_pages(path), 2);
	text = test_doc_text(path);
	assert_int_equal(test_doc_count(text, "页共2页"), 2);
	assert_non_null(strstr(text, "第1页共2页"));
	assert_non_null(strstr(text, "第2页共2页"));
	free(text);
	free(path);
	buf_free(&pdf);
	doc_free(d);

	/* Forced breaks: n pages; a break at a page top adds none. */
	d = doc_new("pages");
	for (i = 0; i < n; i++) {
		if (i > 0) {
			doc_page_break(d);
			doc_page_break(d);
		}
		doc_para(d, "本页正文。");
	}
	doc_page_break(d);	/* trailing: no empty page */
	test_doc_render(d, &pdf);
	path = test_doc_save(&pdf, "breaks");
	assert_int_equal(test_doc_pages(path), n);
	text = test_doc_text(path);
	for (i = 1; i <= n; i++) {
		snprintf(want, sizeof(want), "第%d页共%d页", i, n);
		assert_non_null(strstr(text, want));
	}
	free(text);
	free(path);
	buf_free(&pdf);
	doc_free(d);

	/* An empty document is one page with its footer. */
	d = doc_new(NULL);
	test_doc_render(d, &pdf);
	path = test_doc_save(&pdf, "empty");
	assert_int_equal(test_doc_pages(path), 1);
	free(path);
	buf_free(&pdf);
	doc_free(d);
}

/* ---- determinism and threads ------------------------------------------ */

static void
test_doc__deterministic(void **state)
{
	struct doc	*d;
	struct buf	 a, b;

	(void)state;
	d = doc_sample(2);
	test_doc_render(d, &a);
	test_doc_render(d, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* The date given is the only date in the file. */
	assert_non_null(memmem(a.data, a.len, "/CreationDate (20261129000000"
	    "+08'00)", 36));
	buf_free(&a);
	buf_free(&b);
	doc_free(d);

	/* Without doc_set_date no date at all (cairo would stamp now). */
	d = doc_new("无日期");
	doc_para(d, "正文");
	test_doc_render(d, &a);
	assert_null(memmem(a.data, a.len, "CreationDate", 12));
	assert_null(memmem(a.data, a.len, "ModDate", 7));
	buf_free(&a);
	doc_free(d);
}

struct test_doc_worker {
	const struct doc	*shared;
	const struct buf	*want;
	int			 bad;
};

static void *
test_doc_thread(void *arg)
{
	struct test_doc_worker	*w = arg;
	struct doc		*d;
	struct buf		 pdf;
	struct err		 e;
	int			 i;

	/* Each thread builds its own document, as HTTP workers do, and
	 * renders the shared one too (rendering only reads it). */
	for (i = 0; i < 2 * TEST_ROUNDS; i++) {
		d = i % 2 == 0 ? doc_sample(2) : NULL;
		buf_init(&pdf);
		if (doc_render_pdf(d != NULL ? d : w->shared, &pdf, &e) != 0 ||
		    pdf.len != w->want->len ||
		    memcmp(pdf.data, w->want->data, pdf.len) != 0)
			w->bad++;
		buf_free(&pdf);
		doc_free(d);
	}
	return NULL;
}

static void
test_doc__threads(void **state)
{
	struct test_doc_worker	 w[TEST_THREADS];
	pthread_t		 th[TEST_THREADS];
	struct doc		*d = doc_sample(2);
	struct buf		 want;
	int			 i;

	(void)state;
	test_doc_render(d, &want);
	for (i = 0; i < TEST_THREADS; i++) {
		w[i].shared = d;
		w[i].want = &want;
		w[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, test_doc_thread,
		    &w[i]), 0);
	}
	for (i = 0; i < TEST_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].bad, 0);
	}
	buf_free(&want);
	doc_free(d);
}

/* ---- layout ----------------------------------------------------------- */

static void
test_doc__markup_is_literal(void **state)
{
	static const char	 nasty[] = "<b>粗体</b>&amp;<span "
	    "foreground=\"red\">红</span>&lt;&";
	struct doc		*d = doc_new("<title> & co");
	struct buf		 pdf;
	char			*path, *text, *info;
	const char		*cells[2] = { "<i>", "a&b" };
	struct doc_col		 cols[2] = {
		{ "<u>列</u>", 1, DOC_LEFT }, { "&", 1, DOC_RIGHT },
	};

	(void)state;
	doc_addressee(d, "<b>公司</b>");
	doc_para(d, nasty);
	doc_field(d, "<x>", "&y;");
	doc_table(d, cols, 2);
	doc_row(d, cells);
	doc_note(d, "</span>");
	test_doc_render(d, &pdf);
	path = test_doc_save(&pdf, "markup");
	text = test_doc_text(path);
	assert_non_null(strstr(text, "<b>公司</b>："));
	assert_non_null(strstr(text, "<b>粗体</b>&amp;<span"
	    "foreground=\"red\">红</span>&lt;&"));
	assert_non_null(strstr(text, "<x>：&y;"));
	assert_non_null(strstr(text, "<u>列</u>"));
	assert_non_null(strstr(text, "a&b"));
	assert_non_null(strstr(text, "</span>"));
	info = test_doc_run("pdfinfo '%s'", path);
	assert_non_null(strstr(info, "<title> & co"));
	free(info);
	free(text);
	free(path);
	buf_free(&pdf);
	doc_free(d);
}

static void
test_doc__no_widows_or_orphans(void **state)
{
	static const struct {
		int		 fill;		/* one-line paragraphs first */
		const char	*para;		/* then this one */
		const char	*page1, *page2;	/* its lines on each page */
	} cases[] = {
		/* 2 lines free, 4 to place: 2 + 2, not 3 + 1. */
		{ 19, "一行\n二行\n三行\n四行", "一行二行", "三行四行" },
		/* 2 lines free, 3 to place: 1 + 2 would orphan. */
		{ 20, "一行\n二行\n三行", NULL, "一行二行三行" },
		/* 1 line free, 2 to place. */
		{ 21, "一行\n二行", NULL, "一行二行" },
		/* 2 lines free, 2 to place: they fit. */
		{ 20, "一行\n二行", "一行二行", NULL },
	};
	struct doc	*d;
	struct buf	 pdf;
	char		*path, *p1, *p2;
	size_t		 k;
	int		 i;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		/* A page holds 22 body lines. */
		d = doc_new("lines");
		for (i = 0; i < cases[k].fill; i++)
			doc_para(d, "填充");
		doc_para(d, cases[k].para);
		doc_para(d, "尾");
		test_doc_render(d, &pdf);
		path = test_doc_save(&pdf, "lines");
		p1 = test_doc_page_text(path, 1);
		p2 = test_doc_page_text(path, 2);
		assert_int_equal(test_doc_count(p1, "填充"),
		    (size_t)cases[k].fill);
		if (cases[k].page1 != NULL)
			assert_non_null(strstr(p1, cases[k].page1));
		else
			assert_null(strstr(p1, "一行"));
		if (cases[k].page2 != NULL)
			assert_non_null(strstr(p2, cases[k].page2));
		else
			assert_null(strstr(p2, "一行"));
		if (cases[k].page1 != NULL && cases[k].page2 != NULL)
			assert_null(strstr(p1, "三行"));
		free(p1);
		free(p2);
		free(path);
		buf_free(&pdf);
		doc_free(d);
	}
}

static void
test_doc__table_across_pages(void **state)
{
	static const struct doc_col	 cols[3] = {
		{ "序号", 1, DOC_CENTER }, { "隐患描述", 6, DOC_LEFT },
		{ "金额（元）", 2, DOC_RIGHT },
	};
	struct doc			*d = doc_new("table");
	struct buf			 pdf;
	char				*path, *text, no[16], *tall, *p1;
	const char			*cells[3];
	int				 i, k, pages;

	(void)state;
	doc_title(d, "隐患清单");
	doc_table(d, cols, 3);
	for (i = 1; i <= 80; i++) {
		snprintf(no, sizeof(no), "%d", i);
		cells[0] = no;
		cells[1] = i % 7 == 0 ? "楼梯间防火门闭门器损坏，常闭式防火门"
		    "处于开启状态，不能保证火灾时自行关闭。" : "灭火器过期";
		cells[2] = "5000";
		assert_int_equal(doc_row(d, cells), 0);
	}
	/* A row taller than a page is split between its lines. */
	tall = xmalloc(6 * 1000 + 1);
	tall[0] = '\0';
	for (i = 0; i < 1000; i++)
		strcat(tall, "长");
	cells[0] = "81";
	cells[1] = tall;
	cells[2] = NULL;
	assert_int_equal(doc_row(d, cells), 0);
	free(tall);
	test_doc_render(d, &pdf);
	path = test_doc_save(&pdf, "table");
	pages = test_doc_pages(path);
	assert_true(pages >= 4);
	text = test_doc_text(path);
	/* The header row on every page. */
	assert_int_equal(test_doc_count(text, "隐患描述"), (size_t)pages);
	assert_non_null(strstr(text, "80灭火器过期5000"));
	free(text);
	free(path);
	buf_free(&pdf);
	doc_free(d);

	/* Two body lines free: a header with a one-line row stays, a
	 * header whose first row has three lines moves with it. */
	for (i = 1; i <= 3; i += 2) {
		d = doc_new("table start");
		for (k = 0; k < 20; k++)
			doc_para(d, "填充");
		doc_table(d, cols, 3);
		cells[0] = "1";
		cells[1] = i == 1 ? "一行" : "一行\n二行\n三行";
		cells[2] = "9";
		doc_row(d, cells);
		test_doc_render(d, &pdf);
		path = test_doc_save(&pdf, "tstart");
		p1 = test_doc_page_text(path, 1);
		if (i == 1) {
			assert_int_equal(test_doc_pages(path), 1);
			assert_non_null(strstr(p1, "隐患描述"));
		} else {
			assert_int_equal(test_doc_pages(path), 2);
			assert_null(strstr(p1, "隐患描述"));
			text = test_doc_page_text(path, 2);
			assert_non_null(strstr(text, "隐患描述"));
			assert_non_null(strstr(text, "一行二行三行"));
			free(text);
		}
		free(p1);
		free(path);
		buf_free(&pdf);
		doc_free(d);
	}
}

static void
test_doc__qr_sizes_decode(void **state)
{
	static const struct {
		size_t		len;	/* 0: the short payload */
		double		mm;
		enum doc_align	align;
	} cases[] = {
		{ 0, 20, DOC_LEFT }, { 0, 35, DOC_CENTER },
		{ 0, 60, DOC_RIGHT },
		/* Certificate-sized payloads at about the smallest module
		 * allowed (0.4 mm, 2.4 pixels at 150 dpi): version 15 (77
		 * modules) and version 26 (121 modules). */
		{ 400, 31, DOC_RIGHT }, { 1024, 49, DOC_CENTER },
	};
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	struct doc		*d;
	struct buf		 pdf;
	char			 payload[DOC_QR_MAX + 1], *path, *out, *want;
	size_t			 i, k, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((n = cases[i].len) == 0)
			strcpy(payload, "FWC1.abc.xyz");
		else {
			memcpy(payload, "FWC1.", 5);
			for (k = 5; k < n; k++)
				payload[k] = b64[(k * 7) % 64];
			payload[n / 2] = '.';
			payload[n] = '\0';
		}
		d = doc_new("qr");
		assert_int_equal(doc_qr(d, payload, cases[i].mm, cases[i].align,
		    n > 0 ? "核验" : NULL), 0);
		test_doc_render(d, &pdf);
		path = test_doc_save(&pdf, "qrsize");
		out = test_doc_qr_codes(path);
		want = xasprintf("%s\n", payload);
		assert_string_equal(out, want);
		free(want);
		free(out);
		free(path);
		buf_free(&pdf);
		doc_free(d);
	}
}

/* ---- bad input --------------------------------------------------------- */

static void
test_doc__bad_utf8_refused(void **state)
{
	static const char *const	bad[] = {
		"\xff", "abc\xfe", "\xc0\xaf", "\xe4\xb8", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xe4\xb8\xad\x80", "ok\x01", "\x7f",
		"\xc2\x85", "\x1b[31m",
	};
	struct doc			*d;
	struct doc_col			 col = { "列", 1, DOC_LEFT };
	const char			*cells[1];
	size_t				 i;
	int				 want;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = doc_new("bad");
		assert_int_equal(doc_title(d, "好"), 0);
		want = ERR_INVALID;
		switch (i % 5) {
		case 0:
			assert_int_equal(doc_para(d, bad[i]), want);
			break;
		case 1:
			assert_int_equal(doc_field(d, "标签", bad[i]), want);
			break;
		case 2:
			assert_int_equal(doc_table(d, &col, 1), 0);
			cells[0] = bad[i];
			assert_int_equal(doc_row(d, cells), want);
			break;
		case 3:
			assert_int_equal(doc_sign(d, "机关", bad[i]), want);
			break;
		default:
			assert_int_equal(doc_qr(d, "FWC1.a.b", 25, DOC_LEFT,
			    bad[i]), want);
			break;
		}
		/* The first error sticks: later calls return it. */
		assert_int_equal(doc_para(d, "好的"), want);
		test_doc_expect_fail(d, want);
		doc_free(d);
	}
	/* A bad title is the document's first error. */
	d = doc_new("\xff");
	assert_int_equal(doc_para(d, "正文"), ERR_INVALID);
	test_doc_expect_fail(d, ERR_INVALID);
	doc_free(d);
	/* Newlines and tabs are text. */
	d = doc_new("ok");
	assert_int_equal(doc_para(d, "第一行\n第二行\t制表"), 0);
	doc_free(d);
}

static void
test_doc__error_names_block(void **state)
{
	struct doc	*d = doc_new("x");
	struct buf	 out;
	struct err	 e;

	(void)state;
	doc_title(d, "标题");
	doc_para(d, "正文");
	doc_para(d, "坏\xff");
	buf_init(&out);
	assert_int_equal(doc_render_pdf(d, &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "block 2 (para)");
	assert_non_null(strstr(e.msg, "UTF-8"));
	buf_free(&out);
	doc_free(d);
}

static void
test_doc__unshowable_character_refused(void **state)
{
	struct doc	*d;
	struct buf	 out;
	struct err	 e;

	(void)state;
	/* Private-use characters that no installed font has: refused
	 * rather than printed as an empty box. */
	d = doc_new("tofu");
	doc_para(d, "正文");
	doc_para(d, "名称\xee\x80\x80有限公司");		/* U+E000 */
	buf_init(&out);
	assert_int_equal(doc_render_pdf(d, &out, &e), ERR_INVALID);
	assert_string_equal(e.field, "block 1 (para)");
	assert_non_null(strstr(e.msg, "U+E000"));
	assert_int_equal(out.len, 0);
	buf_free(&out);
	doc_free(d);
	d = doc_new("tofu");
	doc_sign(d, "机关\xf4\x8f\xbf\xbd", NULL);		/* U+10FFFD */
	test_doc_expect_fail(d, ERR_INVALID);
	doc_free(d);
}

static void
test_doc__limits(void **state)
{
	struct doc_col	 cols[DOC_COLS_MAX + 1];
	struct doc	*d;
	char		*big, dense[801];
	size_t		 i;

	(void)state;
	for (i = 0; i <= DOC_COLS_MAX; i++) {
		cols[i].title = "列";
		cols[i].width = 1;
		cols[i].align = DOC_LEFT;
	}
	big = xmalloc(DOC_TEXT_MAX + 2);
	memset(big, 'a', DOC_TEXT_MAX + 1);
	big[DOC_TEXT_MAX + 1] = '\0';
	memset(dense, 'A', 800);
	dense[800] = '\0';

#define FRESH(call, want) do {					\
	d = doc_new("limits");					\
	assert_int_equal((call), (want));			\
	test_doc_expect_fail(d, (want));			\
	doc_free(d);						\
} while (0)
	FRESH(doc_para(d, big), ERR_RANGE);
	FRESH(doc_para(d, NULL), ERR_MISSING);
	FRESH(doc_field(d, "标签", NULL), ERR_MISSING);
	FRESH(doc_table(d, cols, 0), ERR_RANGE);
	FRESH(doc_table(d, cols, DOC_COLS_MAX + 1), ERR_RANGE);
	FRESH(doc_table(d, NULL, 1), ERR_MISSING);
	cols[0].width = 0;
	FRESH(doc_table(d, cols, 2), ERR_RANGE);
	cols[0].width = NAN;
	FRESH(doc_table(d, cols, 2), ERR_RANGE);
	cols[0].width = 1;
	cols[1].align = (enum doc_align)7;
	FRESH(doc_table(d, cols, 2), ERR_INVALID);
	cols[1].align = DOC_LEFT;
	FRESH(doc_row(d, (const char *const[]){ "x" }), ERR_INVALID);
	FRESH(doc_space(d, -1), ERR_RANGE);
	FRESH(doc_space(d, NAN), ERR_RANGE);
	FRESH(doc_space(d, DOC_SPACE_MM_MAX + 1), ERR_RANGE);
	FRESH(doc_set_date(d, "2026-02-30"), ERR_INVALID);
	FRESH(doc_qr(d, "中文", 30, DOC_LEFT, NULL), ERR_INVALID);
	FRESH(doc_qr(d, "tab\there", 30, DOC_LEFT, NULL), ERR_INVALID);
	FRESH(doc_qr(d, "", 30, DOC_LEFT, NULL), ERR_RANGE);
	FRESH(doc_qr(d, NULL, 30, DOC_LEFT, NULL), ERR_MISSING);
	FRESH(doc_qr(d, "FWC1.a.b", DOC_QR_MM_MIN - 1, DOC_LEFT, NULL),
	    ERR_RANGE);
	FRESH(doc_qr(d, "FWC1.a.b", DOC_QR_MM_MAX + 1, DOC_LEFT, NULL),
	    ERR_RANGE);
	FRESH(doc_qr(d, "FWC1.a.b", 30, (enum doc_align)9, NULL), ERR_INVALID);
	/* 800 characters need a large version: too dense at 20 mm. */
	FRESH(doc_qr(d, dense, 20, DOC_LEFT, NULL), ERR_RANGE);
#undef FRESH
	/* ...and fine at 60 mm. */
	d = doc_new("dense");
	assert_int_equal(doc_qr(d, dense, 60, DOC_LEFT, NULL), 0);
	doc_free(d);

	/* Too many blocks. */
	d = doc_new("blocks");
	for (i = 0; i < DOC_BLOCKS_MAX; i++)
		assert_int_equal(doc_space(d, 0), 0);
	assert_int_equal(doc_space(d, 0), ERR_RANGE);
	doc_free(d);

	/* Too many pages: refused at render. */
	d = doc_new("pages");
	for (i = 0; i <= DOC_PAGES_MAX; i++) {
		doc_para(d, "一页");
		doc_page_break(d);
	}
	test_doc_expect_fail(d, ERR_RANGE);
	doc_free(d);
	free(big);
}

static void
test_doc__date_cn(void **state)
{
	static const char *const	good[][2] = {
		{ "2026-11-29", "二〇二六年十一月二十九日" },
		{ "2026-01-01", "二〇二六年一月一日" },
		{ "2030-10-10", "二〇三〇年十月十日" },
		{ "2024-02-29", "二〇二四年二月二十九日" },
		{ "2000-02-29", "二〇〇〇年二月二十九日" },
		{ "2026-12-20", "二〇二六年十二月二十日" },
		{ "2026-03-31", "二〇二六年三月三十一日" },
		{ "2026-05-15", "二〇二六年五月十五日" },
	};
	static const char *const	bad[] = {
		"2023-02-29", "1900-02-29", "2026-04-31", "2026-13-01",
		"2026-00-10", "2026-01-00", "2026-1-01", "2026/01/01",
		"abcd-ef-gh", "0999-01-01", "2026-01-011", "",
	};
	char				out[DOC_DATE_CN_MAX];
	struct err			e;
	size_t				i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(doc_date_cn(good[i][0], out, &e), 0);
		assert_string_equal(out, good[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(out, "untouched");
		assert_int_equal(doc_date_cn(bad[i], out, &e), ERR_INVALID);
		assert_string_equal(out, "untouched");
	}
	assert_int_equal(doc_date_cn(NULL, out, NULL), ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_doc__sample_text_no_tofu),
		cmocka_unit_test(test_doc__sample_fonts_and_size),
		cmocka_unit_test(test_doc__sample_qr_decodes),
		cmocka_unit_test(test_doc__page_count_matches_footer),
		cmocka_unit_test(test_doc__deterministic),
		cmocka_unit_test(test_doc__threads),
		cmocka_unit_test(test_doc__markup_is_literal),
		cmocka_unit_test(test_doc__no_widows_or_orphans),
		cmocka_unit_test(test_doc__table_across_pages),
		cmocka_unit_test(test_doc__qr_sizes_decode),
		cmocka_unit_test(test_doc__bad_utf8_refused),
		cmocka_unit_test(test_doc__error_names_block),
		cmocka_unit_test(test_doc__unshowable_character_refused),
		cmocka_unit_test(test_doc__limits),
		cmocka_unit_test(test_doc__date_cn),
	};

	return cmocka_run_group_tests_name("doc", tests, test_doc_setup,
	    test_doc_teardown);
}
