/*
 * The parsers of uploaded bytes (SECURITY.md I-5, R-3): the kind from the
 * magic bytes, a walk of the whole JPEG or PNG structure (and the ends of
 * a PDF), the image size for the pixel cap, and the display copy without
 * metadata.  Pure functions over a buffer: no I/O, no database, nothing
 * allocated but the caller's output buffer.  tests/fuzz/fuzz_files.c runs
 * them on its corpus under ASan/UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/err.h"
#include "files.h"

#define FILES_PDF_TAIL	1024	/* %%EOF must be this close to the end */

static const unsigned char	files_png_sig[8] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
};

static uint32_t
files_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static unsigned
files_be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | (unsigned)p[1];
}

const char *
files_kind_name(enum files_kind k)
{
	switch (k) {
	case FILES_JPEG:
		return "jpeg";
	case FILES_PNG:
		return "png";
	case FILES_PDF:
		return "pdf";
	default:
		return "";
	}
}

const char *
files_kind_media(enum files_kind k)
{
	switch (k) {
	case FILES_JPEG:
		return "image/jpeg";
	case FILES_PNG:
		return "image/png";
	case FILES_PDF:
		return "application/pdf";
	default:
		return "application/octet-stream";
	}
}

enum files_kind
files_kind_of_name(const char *name)
{
	if (name != NULL && strcmp(name, "jpeg") == 0)
		return FILES_JPEG;
	if (name != NULL && strcmp(name, "png") == 0)
		return FILES_PNG;
	if (name != NULL && strcmp(name, "pdf") == 0)
		return FILES_PDF;
	return FILES_NONE;
}

enum files_kind
files_kind_of_media(const char *media)
{
	static const enum files_kind	kinds[] = { FILES_JPEG, FILES_PNG,
		FILES_PDF };
	const char			*t;
	size_t				 i, n;

	if (media == NULL)
		return FILES_NONE;
	while (*media == ' ' || *media == '\t')
		media++;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		t = files_kind_media(kinds[i]);
		n = strlen(t);
		if (strncasecmp(media, t, n) == 0 && (media[n] == '\0' ||
		    media[n] == ';' || media[n] == ' ' || media[n] == '\t'))
			return kinds[i];
	}
	return FILES_NONE;
}

/* ---- JPEG (ITU-T T.81 Annex B) ---- */

/* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
static int
files_jpeg_is_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/*
 * Metadata a display copy leaves out: APP0..APP15 (JFIF and its
 * thumbnail, EXIF with GPS, XMP, ICC, maker notes) except the Adobe APP14
 * segment, whose transform flag decoders need to get colours right, and
 * COM comments.
 */
static int
files_jpeg_drop(unsigned m, const unsigned char *seg, size_t slen)
{
	if (m == 0xfe)
		return 1;
	if (m < 0xe0 || m > 0xef)
		return 0;
	return !(m == 0xee && slen >= 5 && memcmp(seg, "Adobe", 5) == 0);
}

static int
files_jpeg_bad(struct err *e, const char *what, size_t off)
{
	return err_set(e, ERR_INVALID, "body", "the JPEG is damaged: %s at "
	    "offset %zu (FILE-002)", what, off);
}

/*
 * Walk SOI, the marker segments, every scan's entropy-coded data and EOI.
 * Bytes after EOI (phones append motion-photo videos there) are allowed
 * in the original and left out of the copy.  With out, the display copy
 * is appended to it.
 */
static int
files_jpeg_walk(const unsigned char *p, size_t n, struct files_info *info,
    struct buf *out, struct err *e)
{
	const unsigned char	*seg;
	size_t			 i = 2, start, len, slen, j;
	unsigned		 m, nf, ns, prec;
	unsigned char		 mk[2];
	int			 sof = 0, sos = 0;

	if (out != NULL)
		buf_add(out, p, 2);
	for (;;) {
		if (i >= n)
			return files_jpeg_bad(e, "the file ends before EOI", i);
		if (p[i] != 0xff)
			return files_jpeg_bad(e, "no marker", i);
		start = i;
		/* Any number of 0xFF fill bytes may precede a marker (B.1.1.2). */
		while (i < n && p[i] == 0xff)
			i++;
		if (i >= n)
			return files_jpeg_bad(e, "the file ends in a marker",
			    start);
		m = p[i++];
		if (m == 0xd9) {
			if (!sof || !sos)
				return files_jpeg_bad(e, "EOI before any image "
				    "data", start);
			if (out != NULL)
				buf_add(out, "\xff\xd9", 2);
			break;
		}
		/* Standalone markers have no place between segments. */
		if (m == 0x00 || m == 0x01 || m == 0xd8 ||
		    (m >= 0xd0 && m <= 0xd7))
			return files_jpeg_bad(e, "an unexpected marker", start);
		if (n - i < 2)
			return files_jpeg_bad(e, "a segment is cut short", start);
		len = files_be16(p + i);
		if (len < 2 || len > n - i)
			return files_jpeg_bad(e, "a segment runs past the end",
			    start);
		seg = p + i + 2;
		slen = len - 2;
		if (files_jpeg_is_sof(m)) {
			if (sof)
				return files_jpeg_bad(e, "a second frame header",
				    start);
			if (slen < 6)
				return files_jpeg_bad(e, "a short frame header",
				    start);
			prec = seg[0];
			info->height = files_be16(seg + 1);
			info->width = files_be16(seg + 3);
			nf = seg[5];
			if (prec < 2 || prec > 16 || nf < 1 || nf > 4 ||
			    slen != 6 + 3 * (size_t)nf)
				return files_jpeg_bad(e, "a bad frame header",
				    start);
			/* A height of 0 defers to a DNL segment: not taken. */
			if (info->width == 0 || info->height == 0)
				return files_jpeg_bad(e, "a frame without a size",
				    start);
			sof = 1;
		}
		if (m == 0xda) {
			if (!sof)
				return files_jpeg_bad(e, "a scan before the frame "
				    "header", start);
			ns = slen > 0 ? seg[0] : 0;
			if (ns < 1 || ns > 4 || slen != 4 + 2 * (size_t)ns)
				return files_jpeg_bad(e, "a bad scan header",
				    start);
			sos = 1;
		}
		if (out != NULL && !files_jpeg_drop(m, seg, slen)) {
			mk[0] = 0xff;
			mk[1] = (unsigned char)m;
			buf_add(out, mk, 2);
			buf_add(out, p + i, len);
		}
		i += len;
		if (m != 0xda)
			continue;
		/*
		 * Entropy-coded data runs to the next marker: 0xFF is followed
		 * by 0x00 (a stuffed byte) or RSTn inside it.
		 */
		for (j = i; j + 1 < n; j++) {
			if (p[j] != 0xff)
				continue;
			if (p[j + 1] == 0x00 || (p[j + 1] >= 0xd0 &&
			    p[j + 1] <= 0xd7)) {
				j++;
				continue;
			}
			if (p[j + 1] != 0xff)
				break;
		}
		if (j + 1 >= n)
			return files_jpeg_bad(e, "a scan runs past the end", i);
		if (out != NULL)
			buf_add(out, p + i, j - i);
		i = j;
	}
	info->kind = FILES_JPEG;
	return 0;
}

/* ---- PNG (ISO/IEC 15948, W3C PNG 3rd edition) ---- */

/* The CRC-32 of ISO 3309 that PNG chunks carry (polynomial 0xEDB88320). */
static void
files_crc_table(uint32_t t[256])
{
	uint32_t	c;
	int		i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		t[i] = c;
	}
}

static uint32_t
files_crc(const uint32_t t[256], const unsigned char *p, size_t n)
{
	uint32_t	c = 0xffffffffu;

	while (n-- > 0)
		c = t[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static int
files_png_bad(struct err *e, const char *what, size_t off)
{
	return err_set(e, ERR_INVALID, "body", "the PNG is damaged: %s at "
	    "offset %zu (FILE-002)", what, off);
}

/* Valid bit depths per colour type (PNG table 11.1). */
static int
files_png_depth_ok(unsigned ct, unsigned bd)
{
	switch (ct) {
	case 0:
		return bd == 1 || bd == 2 || bd == 4 || bd == 8 || bd == 16;
	case 3:
		return bd == 1 || bd == 2 || bd == 4 || bd == 8;
	case 2:
	case 4:
	case 6:
		return bd == 8 || bd == 16;
	default:
		return 0;
	}
}

/* Metadata chunks a display copy leaves out: EXIF, texts, time. */
static int
files_png_drop(const unsigned char *type)
{
	static const char *const	drop[] = { "eXIf", "tEXt", "zTXt",
		"iTXt", "tIME", NULL };
	int				i;

	for (i = 0; drop[i]; i++)
		if (memcmp(type, drop[i], 4) == 0)
			return 1;
	return 0;
}

static int
files_png_walk(const unsigned char *p, size_t n, struct files_info *info,
    struct buf *out, struct err *e)
{
	const unsigned char	*type, *d;
	uint32_t		 crc[256], len;
	size_t			 i = 8, k;
	unsigned		 ct = 0;
	int			 first = 1, plte = 0, idat = 0, idat_done = 0;

	files_crc_table(crc);
	if (out != NULL)
		buf_add(out, p, 8);
	for (;;) {
		if (n - i < 12)
			return files_png_bad(e, "a chunk is cut short (no IEND)",
			    i);
		len = files_be32(p + i);
		if (len > 0x7fffffffu || len > n - i - 12)
			return files_png_bad(e, "a chunk runs past the end", i);
		type = p + i + 4;
		d = p + i + 8;
		for (k = 0; k < 4; k++)
			if (!((type[k] >= 'A' && type[k] <= 'Z') ||
			    (type[k] >= 'a' && type[k] <= 'z')))
				return files_png_bad(e, "a chunk type that is "
				    "not four letters", i);
		if (files_be32(d + len) != files_crc(crc, type, (size_t)len + 4))
			return files_png_bad(e, "a chunk with a wrong CRC", i);
		if (idat && memcmp(type, "IDAT", 4) != 0)
			idat_done = 1;
		if (first != (memcmp(type, "IHDR", 4) == 0))
			return files_png_bad(e, first ? "IHDR is not the first "
			    "chunk" : "a second IHDR", i);
		if (first) {
			if (len != 13)
				return files_png_bad(e, "a bad IHDR", i);
			info->width = files_be32(d);
			info->height = files_be32(d + 4);
			ct = d[9];
			if (info->width == 0 || info->height == 0 ||
			    info->width > 0x7fffffff ||
			    info->height > 0x7fffffff ||
			    !files_png_depth_ok(ct, d[8]) || d[10] != 0 ||
			    d[11] != 0 || d[12] > 1)
				return files_png_bad(e, "a bad IHDR", i);
			first = 0;
		} else if (memcmp(type, "PLTE", 4) == 0) {
			if (plte || idat || ct == 0 || ct == 4 || len == 0 ||
			    len % 3 != 0 || len / 3 > 256)
				return files_png_bad(e, "a misplaced or bad PLTE",
				    i);
			plte = 1;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			if (idat_done)
				return files_png_bad(e, "IDAT chunks that are not "
				    "consecutive", i);
			if (ct == 3 && !plte)
				return files_png_bad(e, "a palette image without "
				    "PLTE", i);
			idat = 1;
		} else if (memcmp(type, "IEND", 4) == 0) {
			if (len != 0 || !idat)
				return files_png_bad(e, "IEND before image data or "
				    "with data", i);
			if (i + 12 != n)
				return files_png_bad(e, "bytes after IEND", i + 12);
			if (out != NULL)
				buf_add(out, p + i, 12);
			break;
		} else if (type[0] >= 'A' && type[0] <= 'Z')
			/* A critical chunk decoders would not know. */
			return files_png_bad(e, "an unknown critical chunk", i);
		if (out != NULL && !files_png_drop(type))
			buf_add(out, p + i, (size_t)len + 12);
		i += (size_t)len + 12;
	}
	info->kind = FILES_PNG;
	return 0;
}

/* ---- PDF (ISO 32000-1 §7.5) ---- */

/* The last occurrence of needle in p[0..n), or NULL. */
static const unsigned char *
files_memrmem(const unsigned char *p, size_t n, const char *needle)
{
	size_t	k = strlen(needle), i;

	if (n < k)
		return NULL;
	for (i = n - k + 1; i-- > 0;)
		if (memcmp(p + i, needle, k) == 0)
			return p + i;
	return NULL;
}

static int
files_pdf_bad(struct err *e, const char *what)
{
	return err_set(e, ERR_INVALID, "body", "the PDF is damaged: %s "
	    "(FILE-002)", what);
}

/*
 * The header %PDF-d.d at offset 0 (not merely within the first 1024
 * bytes, as readers allow: a file that is something else first is a
 * polyglot), and "startxref <offset>" then %%EOF within the last 1024
 * bytes, the offset inside the file.
 */
static int
files_pdf_check(const unsigned char *p, size_t n, struct files_info *info,
    struct err *e)
{
	const unsigned char	*tail, *eof, *sx, *q;
	size_t			 tn, off = 0, digits = 0;

	if (n < 8 || p[5] < '1' || p[5] > '2' || p[6] != '.' || p[7] < '0' ||
	    p[7] > '9')
		return files_pdf_bad(e, "no version in the header");
	tn = n < FILES_PDF_TAIL ? n : FILES_PDF_TAIL;
	tail = p + n - tn;
	if ((eof = files_memrmem(tail, tn, "%%EOF")) == NULL)
		return files_pdf_bad(e, "no %%EOF in the last 1024 bytes");
	if ((sx = files_memrmem(tail, (size_t)(eof - tail), "startxref")) ==
	    NULL)
		return files_pdf_bad(e, "no startxref before %%EOF");
	for (q = sx + 9; q < eof && (*q == ' ' || *q == '\r' || *q == '\n' ||
	    *q == '\t'); q++)
		;
	for (; q < eof && *q >= '0' && *q <= '9' && digits < 19; q++, digits++)
		off = off * 10 + (size_t)(*q - '0');
	if (digits == 0 || off >= n)
		return files_pdf_bad(e, "startxref points outside the file");
	info->kind = FILES_PDF;
	info->width = info->height = 0;
	return 0;
}

int
files_sniff(const void *vp, size_t n, struct files_info *out, struct err *e)
{
	const unsigned char	*p = vp;
	struct files_info	 info;
	int			 rc;

	memset(&info, 0, sizeof(info));
	if (n == 0)
		return err_set(e, ERR_MISSING, "body", "the file is empty");
	/* FILE-001: the magic bytes alone say the kind. */
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		rc = files_jpeg_walk(p, n, &info, NULL, e);
	else if (n >= 8 && memcmp(p, files_png_sig, 8) == 0)
		rc = files_png_walk(p, n, &info, NULL, e);
	else if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
		rc = files_pdf_check(p, n, &info, e);
	else
		return err_set(e, ERR_MEDIA_TYPE, "body", "the file is not a "
		    "JPEG, PNG or PDF (FILE-001)");
	if (rc < 0)
		return rc;
	/* FILE-003: what a decoder would allocate. */
	if (info.kind != FILES_PDF && (info.width > FILES_SIDE_MAX ||
	    info.height > FILES_SIDE_MAX ||
	    info.width * info.height > FILES_PIXELS_MAX))
		return err_set(e, ERR_RANGE, "body", "the image is %lld x %lld "
		    "pixels; at most %d a side and %lld in all (FILE-003)",
		    (long long)info.width, (long long)info.height,
		    FILES_SIDE_MAX, (long long)FILES_PIXELS_MAX);
	*out = info;
	return 0;
}

int
files_display_copy(const void *vp, size_t n, enum files_kind k,
    struct buf *out, struct err *e)
{
	const unsigned char	*p = vp;
	struct files_info	 info;

	memset(&info, 0, sizeof(info));
	switch (k) {
	case FILES_JPEG:
		if (n < 3 || p[0] != 0xff || p[1] != 0xd8 || p[2] != 0xff)
			break;
		return files_jpeg_walk(p, n, &info, out, e);
	case FILES_PNG:
		if (n < 8 || memcmp(p, files_png_sig, 8) != 0)
			break;
		return files_png_walk(p, n, &info, out, e);
	case FILES_PDF:
		buf_add(out, p, n);
		return 0;
	default:
		break;
	}
	return err_set(e, ERR_INVALID, "body", "not a %s file",
	    files_kind_name(k));
}
