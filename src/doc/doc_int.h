/*
 * Inside the document library: the block list that the builders of doc.c
 * and doc_qr.c fill and the renderer of doc_render.c lays out.  Nothing
 * here knows about cairo or pango.
 */
#ifndef FW_DOC_INT_H
#define FW_DOC_INT_H

#include <stddef.h>

#include "doc.h"

enum doc_kind {
	DOC_K_ISSUER,
	DOC_K_TITLE,
	DOC_K_NUMBER,
	DOC_K_ADDRESSEE,
	DOC_K_PARA,
	DOC_K_FIELD,
	DOC_K_TABLE,
	DOC_K_QR,
	DOC_K_SIGN,
	DOC_K_NOTE,
	DOC_K_SPACE,
	DOC_K_BREAK,
	DOC_K__COUNT
};

struct doc_block {
	enum doc_kind	 kind;
	char		*text;		/* main text; QR payload */
	char		*text2;		/* field value, sign date, QR caption */
	double		 mm;		/* space height, QR side */
	enum doc_align	 align;		/* QR placement */
	/* DOC_K_TABLE: ncols column specs, then rows of ncols cells. */
	size_t		 ncols;
	double		*widths;	/* relative, as given */
	enum doc_align	*aligns;
	char		**heads;
	char		**cells;	/* nrows * ncols, never NULL inside */
	size_t		 nrows, cap;
	/* DOC_K_QR: qrw * qrw modules, 1 = dark. */
	unsigned char	*qr;
	int		 qrw;
};

struct doc {
	char		*title;		/* PDF metadata, may be NULL */
	char		*date;		/* PDF CreationDate, or NULL */
	struct doc_block *blocks;
	size_t		 nblocks, cap;
	struct err	 err;		/* the first builder error */
	char		 at[ERR_FIELD_MAX];	/* the block being built */
};

/* Name of a block kind for messages ("para"). */
const char	*doc_kind_name(enum doc_kind k);
/*
 * Start a builder call on block idx of kind k (for messages): the first
 * error if d has one, else 0.
 */
int		 doc_begin(struct doc *d, enum doc_kind k, size_t idx);
/*
 * Check text (NULL allowed when !required) and keep the first error in d
 * otherwise.  Returns 0 or the error code.
 */
int		 doc_check_text(struct doc *d, const char *what,
		     const char *text, int required);
/* Record a first error in d (if none yet); returns d->err.code. */
int		 doc_fail(struct doc *d, int code, const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));
/* Append a zeroed block of kind k; NULL (and an error in d) past the limit. */
struct doc_block *doc_push(struct doc *d, enum doc_kind k);

/*
 * Encode payload (already checked) as a QR code at level M: *modules
 * (width * width bytes, 1 = dark, caller frees) and *width.  ERR_RANGE
 * when it does not fit the largest version, ERR_INTERNAL otherwise.
 */
int		 doc_qr_encode(const char *payload, unsigned char **modules,
		     int *width, struct err *e);

#endif
