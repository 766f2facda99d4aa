/*
 * Official documents (公文: rectification notices, seal decisions, permits,
 * penalty decisions) rendered to PDF.  A caller builds a document block by
 * block, top to bottom, then renders it: A4 portrait, GB/T 9704-style
 * margins, automatic page breaks, a "第 N 页 共 M 页" footer, CJK text in
 * WenQuanYi Micro Hei, and verification QR codes.  The only place cairo,
 * pango and libqrencode are used (docs/modules/doc.md).
 */
#ifndef FW_DOC_H
#define FW_DOC_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"

/* Limits on what callers control (ERR_RANGE beyond them). */
#define DOC_TEXT_MAX	(64 * 1024)	/* bytes of one text argument */
#define DOC_BLOCKS_MAX	4096		/* blocks of one document */
#define DOC_COLS_MAX	12		/* columns of one table */
#define DOC_ROWS_MAX	2000		/* body rows of one table */
#define DOC_PAGES_MAX	200		/* pages of one rendered document */
#define DOC_QR_MAX	1024		/* bytes of one QR payload */
#define DOC_QR_MM_MIN	15.0		/* side of a QR code, without its */
#define DOC_QR_MM_MAX	80.0		/*  quiet zone, in millimetres */
#define DOC_QR_MODULE_MIN 0.4		/* smallest QR module, mm */
#define DOC_SPACE_MM_MAX 200.0		/* one doc_space */
#define DOC_DATE_CN_MAX	40		/* doc_date_cn output, with NUL */

/* The fonts, chosen by family name; rendering fails if either is missing. */
#define DOC_FONT	"WenQuanYi Micro Hei"
#define DOC_FONT_MONO	"WenQuanYi Micro Hei Mono"

enum doc_align {
	DOC_LEFT,
	DOC_CENTER,
	DOC_RIGHT,
};

/* One column of a table. */
struct doc_col {
	const char	*title;		/* header cell */
	double		 width;		/* relative width, > 0 */
	enum doc_align	 align;		/* of the body cells */
};

struct doc;

/*
 * Builders.  Each appends one block and returns 0, or a negative ERR_*
 * without appending anything: ERR_MISSING for a NULL required argument,
 * ERR_INVALID for text that is not UTF-8 or holds control characters
 * other than newline and tab, ERR_RANGE past a limit above.  Like a cairo
 * context, a document keeps its first error: later builder calls return
 * it again and do nothing, and doc_render_pdf() reports it with its
 * message (the field names the block, e.g. "block 12 (para)").  A caller
 * may therefore check only the render.  Text is shown literally: it is
 * never parsed as markup.  Strings are copied.
 */

/*
 * A new empty document; title (UTF-8, may be NULL) becomes the PDF's
 * Title metadata.  Never NULL (allocation aborts); an invalid title is the
 * document's first error.  The caller frees it with doc_free().
 */
struct doc	*doc_new(const char *title);
/* Accepts NULL. */
void		 doc_free(struct doc *d);
/*
 * The PDF's CreationDate: ymd (YYYY-MM-DD) at 00:00 Beijing time.
 * Without it the PDF carries no date, so the same blocks always give the
 * same bytes.  ERR_INVALID for a malformed or impossible date.
 */
int		 doc_set_date(struct doc *d, const char *ymd);

/* The issuing authority's name (发文机关), large, red, centred. */
int		 doc_issuer(struct doc *d, const char *name);
/* The document's name (e.g. 责令改正通知书), large, centred. */
int		 doc_title(struct doc *d, const char *title);
/* The document number (文号), centred under the title. */
int		 doc_number(struct doc *d, const char *number);
/* The addressee flush left, followed by a full-width colon (added). */
int		 doc_addressee(struct doc *d, const char *name);
/* A body paragraph: first line indented two characters, justified. */
int		 doc_para(struct doc *d, const char *text);
/*
 * "label：value" in body type; wrapped lines of the value hang under its
 * first character (unless the label is wider than half the line).
 */
int		 doc_field(struct doc *d, const char *label, const char *value);
/*
 * Start a table of ncols (1..DOC_COLS_MAX) columns, full text width, the
 * widths shared in proportion to cols[i].width.  Rows follow with
 * doc_row().  Rows that do not fit go to the next page, where the header
 * row is repeated; a row taller than a page is split between its lines.
 */
int		 doc_table(struct doc *d, const struct doc_col *cols,
		     size_t ncols);
/*
 * Append a row to the table just started: cells[0..ncols-1], NULL meaning
 * empty.  ERR_INVALID if the last block is not a table.
 */
int		 doc_row(struct doc *d, const char *const *cells);
/*
 * A QR code of payload (printable ASCII, 1..DOC_QR_MAX bytes; a QR code
 * carries no charset, so nothing else is accepted) at error-correction
 * level M, size_mm wide (DOC_QR_MM_MIN..DOC_QR_MM_MAX, plus a quiet zone
 * of four modules on each side), placed per align.  The payload is
 * printed underneath in small monospace type so it can be typed, then
 * caption (may be NULL).  ERR_RANGE if the payload does not fit a QR code
 * or its modules would be smaller than DOC_QR_MODULE_MIN mm (make the
 * code larger or the payload shorter).  Never split across pages.
 */
int		 doc_qr(struct doc *d, const char *payload, double size_mm,
		     enum doc_align align, const char *caption);
/*
 * The signature block, kept on one page: date (may be NULL; e.g. from
 * doc_date_cn()) right-aligned four characters from the right margin,
 * authority centred over it.
 */
int		 doc_sign(struct doc *d, const char *authority,
		     const char *date);
/* A note in small type (rights to appeal and the like). */
int		 doc_note(struct doc *d, const char *text);
/*
 * Vertical space of mm (0..DOC_SPACE_MM_MAX), cut short at the page
 * bottom and dropped at the top of any page but the first.
 */
int		 doc_space(struct doc *d, double mm);
/*
 * Start the next block on a new page: nothing at the top of a page, and
 * no empty page when nothing follows.
 */
int		 doc_page_break(struct doc *d);

/*
 * Lay the document out and render it as PDF; on success the bytes are
 * appended to out (initialised by the caller), otherwise out is left as it
 * was.  The same document gives the same bytes every time, in every
 * thread and process.  Safe to call from several threads at once, on one
 * document or many: it only reads d, and each thread lays out with its
 * own pango font map.  Errors: the document's first builder error;
 * ERR_INVALID for a character no installed font can show (the field names
 * the block); ERR_RANGE past DOC_PAGES_MAX pages, or for a QR code or a
 * signature taller than a page; ERR_INTERNAL when DOC_FONT or
 * DOC_FONT_MONO is not installed (Debian: fonts-wqy-microhei) or cairo
 * fails.
 */
int		 doc_render_pdf(const struct doc *d, struct buf *out,
		     struct err *e);

/*
 * Write the date ymd (YYYY-MM-DD, 1000..9999) in Chinese numerals into
 * out (DOC_DATE_CN_MAX bytes): 2026-11-29 -> 二〇二六年十一月二十九日.
 * ERR_INVALID for a malformed or impossible date; out is then untouched.
 */
int		 doc_date_cn(const char *ymd, char *out, struct err *e);

/*
 * The sample rectification notice (责令改正通知书) used by the tests, the
 * benchmark and `firewarden doc sample`: pages 1 gives a one-page notice,
 * 2 adds text and table rows so that it runs to a second page.  The caller
 * frees it.  Its number and QR payload are below.
 */
struct doc	*doc_sample(int pages);
#define DOC_SAMPLE_NUMBER	"东莞消限字〔2026〕第000123号"
#define DOC_SAMPLE_QR		"FWC1.eyJpc3N1ZWQiOiIyMDI2LTExLTI5Iiwia2lk" \
	"IjoiZG9jMjAyNiIsIm5vIjoiMDAwMTIzIiwidHlwZSI6InJlY3RpZmljYXRpb24t" \
	"bm90aWNlIiwidiI6MX0.MEUCIQDd3k9f2aQ7Lr1VbXn8cT0oYwZpJ6sKe4GuhB5m" \
	"N1AiIA"

#endif
