/*
 * Layout and PDF drawing of a document (doc.h) with cairo and pango: the
 * blocks are laid out twice with the same code, once to count the pages
 * and once to draw them with the "第 N 页 共 M 页" footer.  Text lines sit
 * on a fixed pitch per style, so a page holds a whole number of lines and
 * page breaks fall between lines.  The only place cairo and pango headers
 * are included (with doc_qr.c for libqrencode).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "../core/mem.h"
#include "doc_int.h"

#define MM		(72.0 / 25.4)	/* points per millimetre */
#define PAGE_W		(210.0 * MM)	/* A4 portrait */
#define PAGE_H		(297.0 * MM)
/* Margins after GB/T 9704 (版心 156 mm x 225 mm). */
#define MARGIN_TOP	(37.0 * MM)
#define MARGIN_BOTTOM	(35.0 * MM)
#define MARGIN_LEFT	(28.0 * MM)
#define MARGIN_RIGHT	(26.0 * MM)
#define TEXT_LEFT	MARGIN_LEFT
#define TEXT_RIGHT	(PAGE_W - MARGIN_RIGHT)
#define TEXT_W		(TEXT_RIGHT - TEXT_LEFT)
#define TEXT_TOP	MARGIN_TOP
#define TEXT_BOTTOM	(PAGE_H - MARGIN_BOTTOM)
#define TEXT_H		(TEXT_BOTTOM - TEXT_TOP)
/* Body type: 三号 (16 pt), 22 lines to the page as in GB/T 9704. */
#define BODY_PT		16.0
#define BODY_PITCH	(TEXT_H / 22)
/* The footer's top, where GB/T 9704 puts the page number. */
#define FOOTER_TOP	(TEXT_BOTTOM + 7.0 * MM)
#define CELL_PADX	(1.5 * MM)
#define CELL_PADY	(1.2 * MM)
#define RULE_W		0.6		/* table rules, points */
#define EPS		1e-6

#define RGB_BLACK	0x000000
#define RGB_RED		0xcc0000	/* the issuer's name */

/* Text styles: every piece of text in a document has one. */
enum doc_role {
	R_ISSUER,
	R_TITLE,
	R_NUMBER,
	R_BODY,		/* addressee, paragraphs, fields, signature */
	R_NOTE,
	R_HEAD,		/* table header cells */
	R_CELL,
	R_QR_TEXT,	/* the payload under a QR code */
	R_CAPTION,
	R_FOOTER,
	R__COUNT
};

struct doc_style {
	double		size;		/* points */
	double		pitch;		/* line to line, points */
	double		before;		/* space above the block, points */
	double		after;		/* space below it */
	uint32_t	rgb;
	int		mono;
};

static const struct doc_style	doc_styles[R__COUNT] = {
	[R_ISSUER] = { 24, 36, 0, 4 * MM, RGB_RED, 0 },
	[R_TITLE] = { 22, 34, 0, 2 * MM, RGB_BLACK, 0 },
	[R_NUMBER] = { BODY_PT, BODY_PITCH, 0, BODY_PITCH / 2, RGB_BLACK, 0 },
	[R_BODY] = { BODY_PT, BODY_PITCH, 0, 0, RGB_BLACK, 0 },
	[R_NOTE] = { 12, 20, 2 * MM, 0, RGB_BLACK, 0 },
	[R_HEAD] = { 12, 18, 2 * MM, 2 * MM, RGB_BLACK, 0 },
	[R_CELL] = { 12, 18, 0, 0, RGB_BLACK, 0 },
	[R_QR_TEXT] = { 8, 11, 0, 2 * MM, RGB_BLACK, 1 },
	[R_CAPTION] = { 12, 18, 0, 0, RGB_BLACK, 0 },
	[R_FOOTER] = { 10.5, 14, 0, 0, RGB_BLACK, 0 },
};

struct doc_run {
	const struct doc	*d;
	cairo_t			*cr;
	PangoContext		*ctx;
	PangoFontDescription	*desc[R__COUNT];
	PangoAttrList		*attrs;		/* for every layout */
	int			 draw;		/* 0: the counting pass */
	int			 page;		/* current page, from 1 */
	int			 npages;	/* known in the drawing pass */
	double			 y;		/* top of the next line */
	size_t			 bi;		/* block being laid out */
	struct err		*e;
};

static cairo_status_t
doc_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void
doc_rgb(cairo_t *cr, uint32_t rgb)
{
	cairo_set_source_rgb(cr, (rgb >> 16 & 0xff) / 255.0,
	    (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/* An error in the block being laid out, which the field names. */
static int
doc_run_fail(struct doc_run *r, int code, const char *msg)
{
	char	field[ERR_FIELD_MAX];

	snprintf(field, sizeof(field), "block %zu (%s)", r->bi,
	    doc_kind_name(r->d->blocks[r->bi].kind));
	return err_set(r->e, code, field, "%s", msg);
}

/*
 * A layout of text in role's style: wrapped to width (no wrapping when
 * width <= 0), aligned, the first line indented by indent points (a
 * negative indent hangs the other lines).  Text is set as text, never as
 * markup.  Fails when a character has no glyph in any installed font.
 */
static int
doc_run_layout(struct doc_run *r, enum doc_role role, const char *text,
    double width, PangoAlignment align, int justify, double indent,
    PangoLayout **out)
{
	PangoLayout	*l;
	PangoLayoutIter	*it;
	PangoLayoutRun	*run;
	char		 cp[16] = "?", msg[80];
	int		 i;

	l = pango_layout_new(r->ctx);
	pango_layout_set_auto_dir(l, FALSE);
	pango_layout_set_font_description(l, r->desc[role]);
	pango_layout_set_attributes(l, r->attrs);
	if (width > 0) {
		pango_layout_set_width(l, pango_units_from_double(width));
		/* Words first; a long run without breaks (a code, a URL)
		 * is cut between characters rather than overflow.  A QR
		 * payload fills its lines evenly, whatever its characters. */
		pango_layout_set_wrap(l, role == R_QR_TEXT ? PANGO_WRAP_CHAR :
		    PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, align);
	pango_layout_set_justify(l, justify);
	pango_layout_set_indent(l, pango_units_from_double(indent));
	pango_layout_set_text(l, text, -1);
	if (pango_layout_get_unknown_glyphs_count(l) == 0) {
		*out = l;
		return 0;
	}
	/* An unknown glyph carries its code point: name it. */
	it = pango_layout_get_iter(l);
	do {
		if ((run = pango_layout_iter_get_run_readonly(it)) == NULL)
			continue;
		for (i = 0; i < run->glyphs->num_glyphs; i++)
			if (run->glyphs->glyphs[i].glyph &
			    PANGO_GLYPH_UNKNOWN_FLAG) {
				snprintf(cp, sizeof(cp), "U+%04X",
				    (unsigned)(run->glyphs->glyphs[i].glyph &
				    ~PANGO_GLYPH_UNKNOWN_FLAG));
				break;
			}
	} while (cp[0] == '?' && pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	snprintf(msg, sizeof(msg), "character %s cannot be shown: no "
	    "installed font has it", cp);
	return doc_run_fail(r, ERR_INVALID, msg);
}

/* Natural width of a layout, points. */
static double
doc_layout_width(PangoLayout *l)
{
	PangoRectangle	log;

	pango_layout_get_extents(l, NULL, &log);
	return (double)log.width / PANGO_SCALE;
}

/*
 * Draw lines [from, to) of l, the first with its top at y, pitch apart,
 * each centred vertically in its pitch; x is the layout's left edge.
 */
static void
doc_run_show(struct doc_run *r, PangoLayout *l, enum doc_role role,
    double x, double y, int from, int to)
{
	const struct doc_style	*st = &doc_styles[role];
	PangoLayoutIter		*it;
	PangoLayoutLine		*line;
	PangoRectangle		 log, lr;
	int			 i = 0;

	if (!r->draw || from >= to)
		return;
	doc_rgb(r->cr, st->rgb);
	it = pango_layout_get_iter(l);
	do {
		if (i >= from && i < to) {
			line = pango_layout_iter_get_line_readonly(it);
			/* x of the line in the layout (alignment, indent)
			 * and its own ascent and height. */
			pango_layout_iter_get_line_extents(it, NULL, &log);
			pango_layout_line_get_extents(line, NULL, &lr);
			cairo_move_to(r->cr, x + (double)log.x / PANGO_SCALE,
			    y + (i - from) * st->pitch +
			    (st->pitch - (double)lr.height / PANGO_SCALE) / 2 -
			    (double)lr.y / PANGO_SCALE);
			pango_cairo_show_layout_line(r->cr, line);
		}
		i++;
	} while (i < to && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	/* pango leaves a current point behind: no stray lines later. */
	cairo_new_path(r->cr);
}

static void
doc_run_footer(struct doc_run *r)
{
	PangoLayout	*l;
	char		*s;

	s = xasprintf("第 %d 页 共 %d 页", r->page, r->npages);
	/* The fonts were checked: this text always has its glyphs. */
	if (doc_run_layout(r, R_FOOTER, s, TEXT_W, PANGO_ALIGN_CENTER, 0, 0,
	    &l) == 0) {
		doc_run_show(r, l, R_FOOTER, TEXT_LEFT, FOOTER_TOP, 0, 1);
		g_object_unref(l);
	}
	free(s);
}

static int
doc_run_newpage(struct doc_run *r)
{
	if (r->draw) {
		doc_run_footer(r);
		cairo_show_page(r->cr);
	}
	if (r->page >= DOC_PAGES_MAX)
		return err_set(r->e, ERR_RANGE, NULL, "the document runs to "
		    "more than %d pages", DOC_PAGES_MAX);
	r->page++;
	r->y = TEXT_TOP;
	return 0;
}

static int
doc_run_at_top(const struct doc_run *r)
{
	return r->y <= TEXT_TOP + EPS;
}

/* Make room for h points: a new page unless they fit or cannot fit. */
static int
doc_run_need(struct doc_run *r, double h)
{
	if (r->y + h <= TEXT_BOTTOM + EPS || doc_run_at_top(r))
		return 0;
	return doc_run_newpage(r);
}

/* Whole lines of pitch that fit between y and the text bottom. */
static int
doc_run_room(const struct doc_run *r, double pitch, double extra)
{
	double	n = (TEXT_BOTTOM - r->y - extra) / pitch + EPS;

	/* Truncation is floor() here: n < 0 is answered first. */
	return n < 0 ? 0 : (int)n;
}

static void
doc_run_skip(struct doc_run *r, double h)
{
	if (doc_run_at_top(r))
		return;
	r->y += h;
	if (r->y > TEXT_BOTTOM)
		r->y = TEXT_BOTTOM;
}

/* Let the lines of l flow down the pages from the left edge x. */
static int
doc_run_flow(struct doc_run *r, PangoLayout *l, enum doc_role role,
    double x)
{
	double	pitch = doc_styles[role].pitch;
	int	n = pango_layout_get_line_count(l), i = 0, take, rc;

	while (i < n) {
		if ((rc = doc_run_need(r, pitch)) < 0)
			return rc;
		if ((take = doc_run_room(r, pitch, 0)) < 1)
			take = 1;
		if (take > n - i)
			take = n - i;
		/* No line alone at either end of a page (no orphan, no
		 * widow) when the paragraph has lines to spare. */
		if (take < n - i && n - i - take == 1 && take > 1)
			take--;
		if (i == 0 && take == 1 && n > 1 && !doc_run_at_top(r)) {
			if ((rc = doc_run_newpage(r)) < 0)
				return rc;
			continue;
		}
		doc_run_show(r, l, role, x, r->y, i, i + take);
		r->y += take * pitch;
		i += take;
		/* What is left goes over, even where a line would fit. */
		if (i < n && (rc = doc_run_newpage(r)) < 0)
			return rc;
	}
	return 0;
}

/* A block of flowing text in role's style, with its space around. */
static int
doc_run_text(struct doc_run *r, enum doc_role role, const char *text,
    PangoAlignment align, int justify, double indent)
{
	const struct doc_style	*st = &doc_styles[role];
	PangoLayout		*l;
	int			 rc;

	if ((rc = doc_run_layout(r, role, text, TEXT_W, align, justify,
	    indent, &l)) < 0)
		return rc;
	doc_run_skip(r, st->before);
	rc = doc_run_flow(r, l, role, TEXT_LEFT);
	g_object_unref(l);
	if (rc == 0)
		doc_run_skip(r, st->after);
	return rc;
}

static int
doc_run_field(struct doc_run *r, const struct doc_block *b)
{
	PangoLayout	*l;
	char		*label, *all;
	double		 lw;
	int		 rc;

	label = xasprintf("%s：", b->text);
	all = xasprintf("%s%s", label, b->text2);
	if ((rc = doc_run_layout(r, R_BODY, label, 0, PANGO_ALIGN_LEFT, 0, 0,
	    &l)) < 0)
		goto out;
	lw = doc_layout_width(l);
	g_object_unref(l);
	/* Wrapped value lines hang under the value, unless the label
	 * would leave too little room for them. */
	if (lw > TEXT_W / 2)
		lw = 0;
	if ((rc = doc_run_layout(r, R_BODY, all, TEXT_W, PANGO_ALIGN_LEFT, 0,
	    -lw, &l)) < 0)
		goto out;
	rc = doc_run_flow(r, l, R_BODY, TEXT_LEFT);
	g_object_unref(l);
out:
	free(label);
	free(all);
	return rc;
}

/*
 * Date right-aligned four characters in from the right edge, the
 * authority centred over it (as GB/T 9704 sets them), kept together.
 */
static int
doc_run_sign(struct doc_run *r, const struct doc_block *b)
{
	PangoLayout	*la = NULL, *ld = NULL;
	double		 aw, dw = 0, centre, ax, dx = 0, h, pitch = BODY_PITCH;
	double		 shift = 4 * BODY_PT;
	int		 na, nd = 0, rc;

	if ((rc = doc_run_layout(r, R_BODY, b->text, 0, PANGO_ALIGN_LEFT, 0,
	    0, &la)) < 0)
		goto out;
	if (b->text2 != NULL && (rc = doc_run_layout(r, R_BODY, b->text2, 0,
	    PANGO_ALIGN_LEFT, 0, 0, &ld)) < 0)
		goto out;
	aw = doc_layout_width(la);
	if (ld != NULL) {
		dw = doc_layout_width(ld);
		if (dw + shift > TEXT_W)
			shift = 0;
		dx = TEXT_RIGHT - shift - dw;
		if (dx < TEXT_LEFT) {
			/* Too wide for one line: wrap it flush right. */
			g_object_unref(ld);
			ld = NULL;
			if ((rc = doc_run_layout(r, R_BODY, b->text2, TEXT_W,
			    PANGO_ALIGN_RIGHT, 0, 0, &ld)) < 0)
				goto out;
			dx = TEXT_LEFT;
			dw = TEXT_W;
		}
		centre = dx + dw / 2;
	} else
		centre = TEXT_RIGHT - 2 * BODY_PT - aw / 2;
	ax = centre - aw / 2;
	if (ax + aw > TEXT_RIGHT)
		ax = TEXT_RIGHT - aw;
	if (ax < TEXT_LEFT) {
		g_object_unref(la);
		la = NULL;
		if ((rc = doc_run_layout(r, R_BODY, b->text, TEXT_W,
		    PANGO_ALIGN_RIGHT, 0, 0, &la)) < 0)
			goto out;
		ax = TEXT_LEFT;
	}
	na = pango_layout_get_line_count(la);
	nd = ld != NULL ? pango_layout_get_line_count(ld) : 0;
	h = (na + nd) * pitch;
	if (h > TEXT_H) {
		rc = doc_run_fail(r, ERR_RANGE, "the signature does not "
		    "fit on a page");
		goto out;
	}
	if ((rc = doc_run_need(r, h)) < 0)
		goto out;
	doc_run_show(r, la, R_BODY, ax, r->y, 0, na);
	if (ld != NULL)
		doc_run_show(r, ld, R_BODY, dx, r->y + na * pitch, 0, nd);
	r->y += h;
out:
	if (la != NULL)
		g_object_unref(la);
	if (ld != NULL)
		g_object_unref(ld);
	return rc;
}

static int
doc_run_qr(struct doc_run *r, const struct doc_block *b)
{
	PangoLayout	*lp = NULL, *lc = NULL;
	PangoAlignment	 align;
	double		 side = b->mm * MM, mod = side / b->qrw;
	double		 quiet = 4 * mod, x, y, h, hp, hc;
	int		 np, nc = 0, row, col, end, rc;

	align = b->align == DOC_LEFT ? PANGO_ALIGN_LEFT : b->align ==
	    DOC_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER;
	x = b->align == DOC_LEFT ? TEXT_LEFT : b->align == DOC_RIGHT ?
	    TEXT_RIGHT - side : TEXT_LEFT + (TEXT_W - side) / 2;
	if ((rc = doc_run_layout(r, R_QR_TEXT, b->text, TEXT_W, align, 0, 0,
	    &lp)) < 0)
		goto out;
	if (b->text2 != NULL && (rc = doc_run_layout(r, R_CAPTION, b->text2,
	    TEXT_W, align, 0, 0, &lc)) < 0)
		goto out;
	np = pango_layout_get_line_count(lp);
	nc = lc != NULL ? pango_layout_get_line_count(lc) : 0;
	hp = np * doc_styles[R_QR_TEXT].pitch;
	hc = nc * doc_styles[R_CAPTION].pitch;
	h = quiet + side + quiet + hp + hc;
	if (h > TEXT_H) {
		rc = doc_run_fail(r, ERR_RANGE, "the QR code and its text "
		    "do not fit on a page");
		goto out;
	}
	if ((rc = doc_run_need(r, h)) < 0)
		goto out;
	y = r->y + quiet;
	if (r->draw) {
		/* One path of horizontal runs of dark modules, filled once:
		 * no seams between modules when rasterised. */
		cairo_new_path(r->cr);
		doc_rgb(r->cr, RGB_BLACK);
		for (row = 0; row < b->qrw; row++)
			for (col = 0; col < b->qrw; col = end) {
				for (end = col; end < b->qrw &&
				    b->qr[row * b->qrw + end]; end++)
					;
				if (end > col)
					cairo_rectangle(r->cr, x + col * mod,
					    y + row * mod, (end - col) * mod,
					    mod);
				else
					end = col + 1;
			}
		cairo_fill(r->cr);
	}
	y += side + quiet;
	doc_run_show(r, lp, R_QR_TEXT, TEXT_LEFT, y, 0, np);
	if (lc != NULL)
		doc_run_show(r, lc, R_CAPTION, TEXT_LEFT, y + hp, 0, nc);
	r->y += h;
	doc_run_skip(r, doc_styles[R_QR_TEXT].after);
out:
	if (lp != NULL)
		g_object_unref(lp);
	if (lc != NULL)
		g_object_unref(lc);
	return rc;
}

/* The cells of one table row (or of the header) as layouts. */
struct doc_trow {
	PangoLayout	*l[DOC_COLS_MAX];
	int		 lines;		/* of the tallest cell */
};

static void
doc_trow_free(struct doc_trow *t, size_t ncols)
{
	size_t	i;

	for (i = 0; i < ncols; i++)
		if (t->l[i] != NULL) {
			g_object_unref(t->l[i]);
			t->l[i] = NULL;
		}
}

static int
doc_trow_make(struct doc_run *r, const struct doc_block *b,
    char *const *cells, enum doc_role role, const double *cx,
    struct doc_trow *t)
{
	static const PangoAlignment	map[] = {
		[DOC_LEFT] = PANGO_ALIGN_LEFT,
		[DOC_CENTER] = PANGO_ALIGN_CENTER,
		[DOC_RIGHT] = PANGO_ALIGN_RIGHT,
	};
	size_t				i;
	int				rc, n;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < b->ncols; i++) {
		if ((rc = doc_run_layout(r, role, cells[i], cx[i + 1] - cx[i] -
		    2 * CELL_PADX, role == R_HEAD ? PANGO_ALIGN_CENTER :
		    map[b->aligns[i]], 0, 0, &t->l[i])) < 0) {
			doc_trow_free(t, b->ncols);
			return rc;
		}
		n = pango_layout_get_line_count(t->l[i]);
		if (n > t->lines)
			t->lines = n;
	}
	return 0;
}

/*
 * Lines [from, from + n) of a row at the current y, with the rules
 * around its cells; y moves past it.
 */
static void
doc_trow_draw(struct doc_run *r, const struct doc_block *b,
    const struct doc_trow *t, enum doc_role role, const double *cx,
    int from, int n)
{
	double	h = n * doc_styles[role].pitch + 2 * CELL_PADY;
	size_t	i;

	if (r->draw) {
		for (i = 0; i < b->ncols; i++)
			doc_run_show(r, t->l[i], role, cx[i] + CELL_PADX,
			    r->y + CELL_PADY, from, from + n);
		doc_rgb(r->cr, RGB_BLACK);
		cairo_set_line_width(r->cr, RULE_W);
		for (i = 0; i < b->ncols; i++)
			cairo_rectangle(r->cr, cx[i], r->y, cx[i + 1] - cx[i],
			    h);
		cairo_stroke(r->cr);
	}
	r->y += h;
}

static int
doc_run_table(struct doc_run *r, const struct doc_block *b)
{
	struct doc_trow	 head, row;
	double		 cx[DOC_COLS_MAX + 1], sum = 0, hh, pitch, below, first;
	size_t		 i, k;
	int		 rc, done, room, take;

	memset(&row, 0, sizeof(row));
	pitch = doc_styles[R_CELL].pitch;
	for (i = 0; i < b->ncols; i++)
		sum += b->widths[i];
	cx[0] = TEXT_LEFT;
	for (i = 0; i < b->ncols; i++)
		cx[i + 1] = cx[i] + TEXT_W * b->widths[i] / sum;
	cx[b->ncols] = TEXT_RIGHT;
	if ((rc = doc_trow_make(r, b, b->heads, R_HEAD, cx, &head)) < 0)
		return rc;
	hh = head.lines * doc_styles[R_HEAD].pitch + 2 * CELL_PADY;
	/* The header and one line of a row must fit on a page. */
	if (hh + pitch + 2 * CELL_PADY > TEXT_H) {
		rc = doc_run_fail(r, ERR_RANGE, "the table header does "
		    "not fit on a page");
		goto out;
	}
	/* The header goes with the first row, or with a line of it when
	 * the row is taller than a page. */
	first = pitch;
	if (b->nrows > 0) {
		if ((rc = doc_trow_make(r, b, b->cells, R_CELL, cx, &row)) < 0)
			goto out;
		if (hh + row.lines * pitch + 2 * CELL_PADY <= TEXT_H)
			first = row.lines * pitch;
	}
	doc_run_skip(r, doc_styles[R_HEAD].before);
	if ((rc = doc_run_need(r, hh + first + 2 * CELL_PADY)) < 0)
		goto out;
	doc_trow_draw(r, b, &head, R_HEAD, cx, 0, head.lines);
	below = r->y;		/* just under the header on this page */
	for (k = 0; k < b->nrows; k++) {
		if (k > 0 && (rc = doc_trow_make(r, b, b->cells + k *
		    b->ncols, R_CELL, cx, &row)) < 0)
			goto out;
		for (done = 0; done < row.lines; done += take) {
			room = doc_run_room(r, pitch, 2 * CELL_PADY);
			take = row.lines - done;
			/* A row that would fit on a page of its own moves
			 * there whole; a taller one is split. */
			if (room < 1 || (done == 0 && room < take &&
			    r->y > below + EPS &&
			    hh + take * pitch + 2 * CELL_PADY <= TEXT_H)) {
				if ((rc = doc_run_newpage(r)) < 0)
					break;
				doc_trow_draw(r, b, &head, R_HEAD, cx, 0,
				    head.lines);
				below = r->y;
				take = 0;
				continue;
			}
			if (take > room)
				take = room;
			doc_trow_draw(r, b, &row, R_CELL, cx, done, take);
		}
		doc_trow_free(&row, b->ncols);
		if (rc < 0)
			goto out;
	}
	doc_run_skip(r, doc_styles[R_HEAD].after);
out:
	doc_trow_free(&row, b->ncols);
	doc_trow_free(&head, b->ncols);
	return rc;
}

static int
doc_run_block(struct doc_run *r, const struct doc_block *b)
{
	char	*s;
	int	 rc;

	switch (b->kind) {
	case DOC_K_ISSUER:
		return doc_run_text(r, R_ISSUER, b->text, PANGO_ALIGN_CENTER,
		    0, 0);
	case DOC_K_TITLE:
		return doc_run_text(r, R_TITLE, b->text, PANGO_ALIGN_CENTER, 0,
		    0);
	case DOC_K_NUMBER:
		return doc_run_text(r, R_NUMBER, b->text, PANGO_ALIGN_CENTER,
		    0, 0);
	case DOC_K_ADDRESSEE:
		s = xasprintf("%s：", b->text);
		rc = doc_run_text(r, R_BODY, s, PANGO_ALIGN_LEFT, 0, 0);
		free(s);
		return rc;
	case DOC_K_PARA:
		return doc_run_text(r, R_BODY, b->text, PANGO_ALIGN_LEFT, 1,
		    2 * doc_styles[R_BODY].size);
	case DOC_K_NOTE:
		return doc_run_text(r, R_NOTE, b->text, PANGO_ALIGN_LEFT, 1,
		    2 * doc_styles[R_NOTE].size);
	case DOC_K_FIELD:
		return doc_run_field(r, b);
	case DOC_K_TABLE:
		return doc_run_table(r, b);
	case DOC_K_QR:
		return doc_run_qr(r, b);
	case DOC_K_SIGN:
		return doc_run_sign(r, b);
	case DOC_K_SPACE:
		/* Space at the top of a later page would only push text
		 * down; on the first page it is what the caller wants. */
		if (r->page == 1 || !doc_run_at_top(r)) {
			r->y += b->mm * MM;
			if (r->y > TEXT_BOTTOM)
				r->y = TEXT_BOTTOM;
		}
		return 0;
	case DOC_K_BREAK:
		/* The page is full: whatever comes next starts a new one,
		 * and if nothing does, there is no empty last page. */
		if (!doc_run_at_top(r))
			r->y = TEXT_BOTTOM;
		return 0;
	default:
		return err_set(r->e, ERR_INTERNAL, NULL, "unknown block");
	}
}

/* One pass over every block; r->page ends as the number of pages. */
static int
doc_run_pass(struct doc_run *r)
{
	int	rc;

	r->page = 1;
	r->y = TEXT_TOP;
	for (r->bi = 0; r->bi < r->d->nblocks; r->bi++)
		if ((rc = doc_run_block(r, &r->d->blocks[r->bi])) < 0)
			return rc;
	if (r->draw) {
		doc_run_footer(r);
		cairo_show_page(r->cr);
	}
	return 0;
}

/*
 * Make sure family is what fontconfig gives for it, not a substitute:
 * a substitute would mean other metrics, or boxes for every Chinese
 * character.
 */
static int
doc_font_check(PangoFontMap *fm, PangoContext *ctx,
    PangoFontDescription *desc, const char *family, struct err *e)
{
	PangoFont		*font;
	PangoFontDescription	*got = NULL;
	const char		*name = NULL;
	int			 ok;

	if ((font = pango_font_map_load_font(fm, ctx, desc)) != NULL) {
		got = pango_font_describe(font);
		name = pango_font_description_get_family(got);
	}
	ok = name != NULL && strcasecmp(name, family) == 0;
	if (got != NULL)
		pango_font_description_free(got);
	if (font != NULL)
		g_object_unref(font);
	return ok ? 0 : err_set(e, ERR_INTERNAL, NULL, "font \"%s\" is not "
	    "installed (Debian: fonts-wqy-microhei)", family);
}

int
doc_render_pdf(const struct doc *d, struct buf *out, struct err *e)
{
	struct doc_run		 r;
	struct buf		 pdf;
	cairo_surface_t		*surface = NULL;
	cairo_font_options_t	*fo = NULL;
	PangoFontMap		*fm;
	cairo_status_t		 st;
	int			 i, rc;

	if (d->err.code != 0) {
		if (e != NULL)
			*e = d->err;
		return d->err.code;
	}
	memset(&r, 0, sizeof(r));
	r.d = d;
	r.e = e;
	buf_init(&pdf);
	surface = cairo_pdf_surface_create_for_stream(doc_write, &pdf, PAGE_W,
	    PAGE_H);
	if (d->title != NULL)
		cairo_pdf_surface_set_metadata(surface,
		    CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
	    "Firewarden");
	/* cairo 1.16 stamps the current time unless told a date; an empty
	 * one leaves the date out, so the bytes depend on the input only. */
	cairo_pdf_surface_set_metadata(surface,
	    CAIRO_PDF_METADATA_CREATE_DATE, d->date != NULL ? d->date : "");
	r.cr = cairo_create(surface);
	/*
	 * Pango's default font map is per thread (pango >= 1.32): each
	 * worker thread keeps its own font caches and nothing is shared
	 * but fontconfig and cairo's font cache, which lock for themselves.
	 */
	fm = pango_cairo_font_map_get_default();
	r.ctx = pango_font_map_create_context(fm);
	pango_cairo_update_context(r.cr, r.ctx);
	/* Outlines unhinted and positions unrounded: the PDF is scaled. */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(r.ctx, fo);
	pango_context_set_round_glyph_positions(r.ctx, FALSE);
	pango_context_set_language(r.ctx, pango_language_from_string("zh-cn"));
	pango_context_set_base_dir(r.ctx, PANGO_DIRECTION_LTR);
	/* A hyphen added where a word is cut would change a number or a
	 * code that people copy from the page. */
	r.attrs = pango_attr_list_new();
	pango_attr_list_insert(r.attrs, pango_attr_insert_hyphens_new(FALSE));
	for (i = 0; i < R__COUNT; i++) {
		r.desc[i] = pango_font_description_new();
		pango_font_description_set_family_static(r.desc[i],
		    doc_styles[i].mono ? DOC_FONT_MONO : DOC_FONT);
		pango_font_description_set_absolute_size(r.desc[i],
		    doc_styles[i].size * PANGO_SCALE);
	}
	if ((rc = doc_font_check(fm, r.ctx, r.desc[R_BODY], DOC_FONT, e)) < 0 ||
	    (rc = doc_font_check(fm, r.ctx, r.desc[R_QR_TEXT], DOC_FONT_MONO,
	    e)) < 0)
		goto out;
	if ((rc = doc_run_pass(&r)) < 0)
		goto out;
	r.npages = r.page;
	r.draw = 1;
	if ((rc = doc_run_pass(&r)) < 0)
		goto out;
	st = cairo_status(r.cr);
	cairo_destroy(r.cr);
	r.cr = NULL;
	cairo_surface_finish(surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		rc = err_set(e, ERR_INTERNAL, NULL, "cairo: %s",
		    cairo_status_to_string(st));
		goto out;
	}
	buf_add(out, pdf.data, pdf.len);
out:
	for (i = 0; i < R__COUNT; i++)
		if (r.desc[i] != NULL)
			pango_font_description_free(r.desc[i]);
	if (r.attrs != NULL)
		pango_attr_list_unref(r.attrs);
	if (fo != NULL)
		cairo_font_options_destroy(fo);
	if (r.ctx != NULL)
		g_object_unref(r.ctx);
	if (r.cr != NULL)
		cairo_destroy(r.cr);
	cairo_surface_destroy(surface);
	buf_free(&pdf);
	return rc;
}
