/*
 * QR code blocks: the payload is checked and encoded with libqrencode when
 * the block is added, so that a payload too long for its size fails at
 * the builder call; the renderer only draws the module matrix.  The only
 * place qrencode.h is included.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "../core/mem.h"
#include "doc_int.h"

/*
 * libqrencode is thread-safe only when built with pthread (Debian's is);
 * encoding is rare and fast, so one lock makes that not matter.
 */
static pthread_mutex_t	doc_qr_lock = PTHREAD_MUTEX_INITIALIZER;

int
doc_qr_encode(const char *payload, unsigned char **modules, int *width,
    struct err *e)
{
	QRcode		*q;
	unsigned char	*m;
	size_t		 i, n;
	int		 saved;

	pthread_mutex_lock(&doc_qr_lock);
	/* QR_MODE_8 as the hint: numeric and alphanumeric runs are still
	 * packed; version 0 lets the library take the smallest version. */
	q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	saved = errno;
	pthread_mutex_unlock(&doc_qr_lock);
	if (q == NULL)
		return saved == ERANGE ? err_set(e, ERR_RANGE, NULL, "the QR "
		    "payload is too long for a QR code") : err_set(e,
		    ERR_INTERNAL, NULL, "cannot encode the QR code");
	n = (size_t)q->width * (size_t)q->width;
	m = xmalloc(n);
	/* Bit 0 of each byte is the module's colour; the rest is metadata. */
	for (i = 0; i < n; i++)
		m[i] = q->data[i] & 1;
	*width = q->width;
	*modules = m;
	QRcode_free(q);
	return 0;
}

int
doc_qr(struct doc *d, const char *payload, double size_mm,
    enum doc_align align, const char *caption)
{
	struct doc_block	*b;
	struct err		 e;
	unsigned char		*m = NULL;
	const unsigned char	*p;
	size_t			 n;
	int			 rc, w;

	if ((rc = doc_begin(d, DOC_K_QR, d->nblocks)) < 0)
		return rc;
	if (payload == NULL)
		return doc_fail(d, ERR_MISSING, "QR payload is missing");
	n = strlen(payload);
	if (n == 0 || n > DOC_QR_MAX)
		return doc_fail(d, ERR_RANGE, "QR payload must be 1 to %d "
		    "bytes", DOC_QR_MAX);
	/* A QR code names no charset: only what every reader agrees on. */
	for (p = (const unsigned char *)payload; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			return doc_fail(d, ERR_INVALID, "QR payload must be "
			    "printable ASCII");
	if (!(size_mm >= DOC_QR_MM_MIN && size_mm <= DOC_QR_MM_MAX))
		return doc_fail(d, ERR_RANGE, "QR code must be %.0f to %.0f mm",
		    DOC_QR_MM_MIN, DOC_QR_MM_MAX);
	if (align != DOC_LEFT && align != DOC_CENTER && align != DOC_RIGHT)
		return doc_fail(d, ERR_INVALID, "unknown alignment");
	if ((rc = doc_check_text(d, "caption", caption, 0)) < 0)
		return rc;
	if ((rc = doc_qr_encode(payload, &m, &w, &e)) < 0)
		return doc_fail(d, rc, "%s", e.msg);
	if (size_mm / w < DOC_QR_MODULE_MIN) {
		free(m);
		return doc_fail(d, ERR_RANGE, "QR code of %d modules needs at "
		    "least %.0f mm", w, DOC_QR_MODULE_MIN * w + 0.5);
	}
	if ((b = doc_push(d, DOC_K_QR)) == NULL) {
		free(m);
		return d->err.code;
	}
	b->text = xstrdup(payload);
	b->text2 = caption != NULL ? xstrdup(caption) : NULL;
	b->mm = size_mm;
	b->align = align;
	b->qr = m;
	b->qrw = w;
	return 0;
}
