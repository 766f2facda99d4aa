/*
 * The document builders of doc.h: checked copies of the caller's text in
 * a list of blocks, and the first error kept in the document.  Also the
 * Chinese-numeral date.  Layout and drawing are in doc_render.c, QR codes
 * in doc_qr.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "doc_int.h"

static const char *const doc_kind_names[DOC_K__COUNT] = {
	[DOC_K_ISSUER] = "issuer",
	[DOC_K_TITLE] = "title",
	[DOC_K_NUMBER] = "number",
	[DOC_K_ADDRESSEE] = "addressee",
	[DOC_K_PARA] = "para",
	[DOC_K_FIELD] = "field",
	[DOC_K_TABLE] = "table",
	[DOC_K_QR] = "qr",
	[DOC_K_SIGN] = "sign",
	[DOC_K_NOTE] = "note",
	[DOC_K_SPACE] = "space",
	[DOC_K_BREAK] = "break",
};

/* Chinese numerals for the date: 〇 一 ... 九. */
static const char *const doc_cn_digit[10] = {
	"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九",
};

const char *
doc_kind_name(enum doc_kind k)
{
	return (unsigned)k < DOC_K__COUNT ? doc_kind_names[k] : "?";
}

int
doc_fail(struct doc *d, int code, const char *fmt, ...)
{
	va_list	ap;

	if (d->err.code != 0)
		return d->err.code;
	d->err.code = code;
	memcpy(d->err.field, d->at, sizeof(d->err.field));
	va_start(ap, fmt);
	vsnprintf(d->err.msg, sizeof(d->err.msg), fmt, ap);
	va_end(ap);
	return code;
}

int
doc_begin(struct doc *d, enum doc_kind k, size_t idx)
{
	if (d->err.code != 0)
		return d->err.code;
	snprintf(d->at, sizeof(d->at), "block %zu (%s)", idx,
	    doc_kind_name(k));
	return 0;
}

int
doc_check_text(struct doc *d, const char *what, const char *text,
    int required)
{
	const unsigned char	*p;
	size_t			 n;

	if (text == NULL)
		return required ? doc_fail(d, ERR_MISSING, "%s is missing",
		    what) : 0;
	n = strlen(text);
	if (n > DOC_TEXT_MAX)
		return doc_fail(d, ERR_RANGE, "%s is longer than %d bytes",
		    what, DOC_TEXT_MAX);
	if (!str_utf8_valid(text, n))
		return doc_fail(d, ERR_INVALID, "%s is not valid UTF-8", what);
	/* Control characters (C0 but newline and tab, DEL, C1 as
	 * U+0080..U+009F) would print as boxes or vanish. */
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ||
		    (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return doc_fail(d, ERR_INVALID, "%s holds a control "
			    "character", what);
	return 0;
}

struct doc_block *
doc_push(struct doc *d, enum doc_kind k)
{
	struct doc_block	*b;

	if (d->nblocks >= DOC_BLOCKS_MAX) {
		doc_fail(d, ERR_RANGE, "more than %d blocks", DOC_BLOCKS_MAX);
		return NULL;
	}
	if (d->nblocks == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->blocks = xrealloc(d->blocks, d->cap * sizeof(*d->blocks));
	}
	b = &d->blocks[d->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = k;
	return b;
}

struct doc *
doc_new(const char *title)
{
	struct doc	*d = xcalloc(1, sizeof(*d));

	snprintf(d->at, sizeof(d->at), "title");
	if (doc_check_text(d, "title", title, 0) == 0 && title != NULL)
		d->title = xstrdup(title);
	return d;
}

static void
doc_block_clear(struct doc_block *b)
{
	size_t	i;

	free(b->text);
	free(b->text2);
	for (i = 0; b->heads != NULL && i < b->ncols; i++)
		free(b->heads[i]);
	free(b->heads);
	for (i = 0; i < b->nrows * b->ncols; i++)
		free(b->cells[i]);
	free(b->cells);
	free(b->widths);
	free(b->aligns);
	free(b->qr);
}

void
doc_free(struct doc *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nblocks; i++)
		doc_block_clear(&d->blocks[i]);
	free(d->blocks);
	free(d->title);
	free(d->date);
	free(d);
}

/* Parse YYYY-MM-DD (years 1000..9999) into its parts; 0 or ERR_INVALID. */
static int
doc_ymd(const char *s, int *y, int *m, int *dd)
{
	static const int	mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	int			i, leap, max;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return ERR_INVALID;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return ERR_INVALID;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*dd = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1000 || *m < 1 || *m > 12 || *dd < 1)
		return ERR_INVALID;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	max = mdays[*m - 1] + (*m == 2 && leap);
	return *dd <= max ? 0 : ERR_INVALID;
}

/* Append n (1..31) as 一 .. 十 .. 三十一 to p; returns the new end. */
static char *
doc_cn_number(char *p, int n)
{
	if (n >= 20)
		p = stpcpy(p, doc_cn_digit[n / 10]);
	if (n >= 10)
		p = stpcpy(p, "十");
	if (n % 10 != 0 || n < 10)
		p = stpcpy(p, doc_cn_digit[n % 10]);
	return p;
}

int
doc_date_cn(const char *ymd, char *out, struct err *e)
{
	char	 tmp[DOC_DATE_CN_MAX], *p = tmp;
	int	 y, m, dd, i;

	if (doc_ymd(ymd, &y, &m, &dd) < 0)
		return err_set(e, ERR_INVALID, "date", "not a date "
		    "(YYYY-MM-DD)");
	/* The year digit by digit (二〇二六), month and day as numbers. */
	for (i = 0; i < 4; i++)
		p = stpcpy(p, doc_cn_digit[ymd[i] - '0']);
	p = stpcpy(p, "年");
	p = doc_cn_number(p, m);
	p = stpcpy(p, "月");
	p = doc_cn_number(p, dd);
	stpcpy(p, "日");
	memcpy(out, tmp, strlen(tmp) + 1);
	return 0;
}

int
doc_set_date(struct doc *d, const char *ymd)
{
	int	y, m, dd;

	if (d->err.code != 0)
		return d->err.code;
	snprintf(d->at, sizeof(d->at), "date");
	if (doc_ymd(ymd, &y, &m, &dd) < 0)
		return doc_fail(d, ERR_INVALID, "document date is not a date "
		    "(YYYY-MM-DD)");
	free(d->date);
	d->date = xasprintf("%sT00:00:00+08:00", ymd);
	return 0;
}

/*
 * One block of kind k holding text (required) and text2 (optional
 * unless need2); what and what2 name them in messages.
 */
static int
doc_text_block(struct doc *d, enum doc_kind k, const char *what,
    const char *text, const char *what2, const char *text2, int need2)
{
	struct doc_block	*b;
	int			 rc;

	if ((rc = doc_begin(d, k, d->nblocks)) < 0 ||
	    (rc = doc_check_text(d, what, text, 1)) < 0 ||
	    (rc = doc_check_text(d, what2, text2, need2)) < 0)
		return rc;
	if ((b = doc_push(d, k)) == NULL)
		return d->err.code;
	b->text = xstrdup(text);
	b->text2 = text2 != NULL ? xstrdup(text2) : NULL;
	return 0;
}

int
doc_issuer(struct doc *d, const char *name)
{
	return doc_text_block(d, DOC_K_ISSUER, "issuer", name, NULL, NULL,
	    0);
}

int
doc_title(struct doc *d, const char *title)
{
	return doc_text_block(d, DOC_K_TITLE, "title", title, NULL, NULL, 0);
}

int
doc_number(struct doc *d, const char *number)
{
	return doc_text_block(d, DOC_K_NUMBER, "number", number, NULL, NULL,
	    0);
}

int
doc_addressee(struct doc *d, const char *name)
{
	return doc_text_block(d, DOC_K_ADDRESSEE, "addressee", name, NULL,
	    NULL, 0);
}

int
doc_para(struct doc *d, const char *text)
{
	return doc_text_block(d, DOC_K_PARA, "text", text, NULL, NULL, 0);
}

int
doc_field(struct doc *d, const char *label, const char *value)
{
	return doc_text_block(d, DOC_K_FIELD, "label", label, "value", value,
	    1);
}

int
doc_sign(struct doc *d, const char *authority, const char *date)
{
	return doc_text_block(d, DOC_K_SIGN, "authority", authority, "date",
	    date, 0);
}

int
doc_note(struct doc *d, const char *text)
{
	return doc_text_block(d, DOC_K_NOTE, "text", text, NULL, NULL, 0);
}

int
doc_space(struct doc *d, double mm)
{
	struct doc_block	*b;
	int			 rc;

	if ((rc = doc_begin(d, DOC_K_SPACE, d->nblocks)) < 0)
		return rc;
	/* Written so that NaN fails too. */
	if (!(mm >= 0 && mm <= DOC_SPACE_MM_MAX))
		return doc_fail(d, ERR_RANGE, "space must be 0 to %.0f mm",
		    DOC_SPACE_MM_MAX);
	if ((b = doc_push(d, DOC_K_SPACE)) == NULL)
		return d->err.code;
	b->mm = mm;
	return 0;
}

int
doc_page_break(struct doc *d)
{
	int	rc;

	if ((rc = doc_begin(d, DOC_K_BREAK, d->nblocks)) < 0)
		return rc;
	return doc_push(d, DOC_K_BREAK) == NULL ? d->err.code : 0;
}

int
doc_table(struct doc *d, const struct doc_col *cols, size_t ncols)
{
	struct doc_block	*b;
	size_t			 i;
	int			 rc;

	if ((rc = doc_begin(d, DOC_K_TABLE, d->nblocks)) < 0)
		return rc;
	if (cols == NULL)
		return doc_fail(d, ERR_MISSING, "table columns are missing");
	if (ncols < 1 || ncols > DOC_COLS_MAX)
		return doc_fail(d, ERR_RANGE, "a table has 1 to %d columns",
		    DOC_COLS_MAX);
	for (i = 0; i < ncols; i++) {
		if ((rc = doc_check_text(d, "column title", cols[i].title,
		    0)) < 0)
			return rc;
		if (!(cols[i].width > 0 && cols[i].width <= 1e6))
			return doc_fail(d, ERR_RANGE, "column %zu: width must "
			    "be positive", i);
		if (cols[i].align != DOC_LEFT && cols[i].align != DOC_CENTER &&
		    cols[i].align != DOC_RIGHT)
			return doc_fail(d, ERR_INVALID, "column %zu: unknown "
			    "alignment", i);
	}
	if ((b = doc_push(d, DOC_K_TABLE)) == NULL)
		return d->err.code;
	b->ncols = ncols;
	b->widths = xcalloc(ncols, sizeof(*b->widths));
	b->aligns = xcalloc(ncols, sizeof(*b->aligns));
	b->heads = xcalloc(ncols, sizeof(*b->heads));
	for (i = 0; i < ncols; i++) {
		b->widths[i] = cols[i].width;
		b->aligns[i] = cols[i].align;
		b->heads[i] = xstrdup(cols[i].title != NULL ? cols[i].title :
		    "");
	}
	return 0;
}

int
doc_row(struct doc *d, const char *const *cells)
{
	struct doc_block	*b;
	size_t			 i;
	int			 rc;

	if ((rc = doc_begin(d, DOC_K_TABLE,
	    d->nblocks > 0 ? d->nblocks - 1 : 0)) < 0)
		return rc;
	if (d->nblocks == 0 || d->blocks[d->nblocks - 1].kind != DOC_K_TABLE)
		return doc_fail(d, ERR_INVALID, "a row must follow its table");
	b = &d->blocks[d->nblocks - 1];
	if (cells == NULL)
		return doc_fail(d, ERR_MISSING, "row cells are missing");
	if (b->nrows >= DOC_ROWS_MAX)
		return doc_fail(d, ERR_RANGE, "more than %d rows in a table",
		    DOC_ROWS_MAX);
	for (i = 0; i < b->ncols; i++)
		if ((rc = doc_check_text(d, "cell", cells[i], 0)) < 0)
			return rc;
	if (b->nrows == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->cells = xrealloc(b->cells, b->cap * b->ncols *
		    sizeof(*b->cells));
	}
	for (i = 0; i < b->ncols; i++)
		b->cells[b->nrows * b->ncols + i] = xstrdup(cells[i] != NULL ?
		    cells[i] : "");
	b->nrows++;
	return 0;
}
