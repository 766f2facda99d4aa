/*
 * The CSV reader of csvread.h.  Records are split on the raw bytes: the
 * delimiters (comma, quote, CR, LF) are ASCII and can never be part of a
 * multi-byte character in UTF-8 or GB18030 (whose trailing bytes are
 * 0x30-0x39 or 0x40-0xFE), so the same state machine serves both; each
 * field is then checked (UTF-8) or converted (GB18030) on its own, so a
 * damaged line costs that line only.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csvread.h"
#include "mem.h"
#include "str.h"

struct csvread {
	const char		*p;		/* next unread byte */
	const char		*end;
	enum csvread_enc	 enc;
	iconv_t			 cd;		/* GB18030 -> UTF-8 */
	size_t			 max_record;
	size_t			 max_fields;
	int64_t			 row;
	struct buf		 raw;		/* fields, each NUL-terminated */
	size_t			*off;		/* field offsets into raw */
	size_t			*len;
	size_t			 nf;
	size_t			 cap;
	struct buf		 conv;		/* converted fields (GB18030) */
	char			**out;
	char			 msg[96];
};

static const char *const csvread_enc_names[] = {
	"detect", "UTF-8", "UTF-8 (BOM)", "GB18030",
};

const char *
csvread_encoding_name(enum csvread_enc enc)
{
	return (unsigned)enc < 4 ? csvread_enc_names[enc] : "?";
}

enum csvread_enc
csvread_encoding(const struct csvread *c)
{
	return c->enc;
}

/*
 * Decide the encoding from the first CSVREAD_SAMPLE bytes: lines holding
 * bytes >= 0x80 vote UTF-8 when they are valid UTF-8, GB18030 when not.
 * Chinese text in GB18030 is practically never valid UTF-8 (a lead byte
 * 0xC2-0xF4 would need 0x80-0xBF after it, where GB18030 puts 0x40-0xFE
 * or a digit), and a UTF-8 file with a few damaged lines still has more
 * good ones.
 */
static enum csvread_enc
csvread_detect(const char *p, size_t n)
{
	const char	*q, *nl, *end;
	size_t		 i, len;
	long		 good = 0, bad = 0;
	int		 high;

	if (n > CSVREAD_SAMPLE)
		n = CSVREAD_SAMPLE;
	end = p + n;
	for (q = p; q < end; q = nl + 1) {
		if ((nl = memchr(q, '\n', (size_t)(end - q))) == NULL) {
			/* The sample may cut the last line in a character. */
			if (n == CSVREAD_SAMPLE)
				break;
			nl = end;
		}
		len = (size_t)(nl - q);
		for (i = 0, high = 0; i < len && !high; i++)
			high = (unsigned char)q[i] >= 0x80;
		if (high) {
			if (str_utf8_valid(q, len))
				good++;
			else
				bad++;
		}
		if (nl == end)
			break;
	}
	return bad > good ? CSVREAD_GB18030 : CSVREAD_UTF8;
}

int
csvread_new(const char *p, size_t n, const struct csvread_opts *o,
    struct csvread **out, struct err *e)
{
	struct csvread		*c;
	const unsigned char	*u = (const unsigned char *)p;
	enum csvread_enc	 enc = o ? o->encoding : CSVREAD_DETECT;

	if ((n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) ||
	    (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff))
		return err_set(e, ERR_INVALID, "encoding", "the file is UTF-16 "
		    "or UTF-32; save it as CSV in UTF-8 (or GB18030)");
	c = xcalloc(1, sizeof(*c));
	c->p = p;
	c->end = p + n;
	c->cd = (iconv_t)-1;
	c->max_record = o && o->max_record ? o->max_record : CSVREAD_RECORD_MAX;
	c->max_fields = o && o->max_fields ? o->max_fields : CSVREAD_FIELDS_MAX;
	buf_init(&c->raw);
	buf_init(&c->conv);
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		c->p += 3;
		if (enc == CSVREAD_DETECT || enc == CSVREAD_UTF8)
			enc = CSVREAD_UTF8_BOM;
	}
	if (enc == CSVREAD_DETECT)
		enc = csvread_detect(c->p, (size_t)(c->end - c->p));
	c->enc = enc;
	if (enc == CSVREAD_GB18030 &&
	    (c->cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1) {
		csvread_free(c);
		return err_set(e, ERR_INTERNAL, "encoding", "no GB18030 "
		    "converter on this system");
	}
	*out = c;
	return 0;
}

void
csvread_free(struct csvread *c)
{
	if (c == NULL)
		return;
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	buf_free(&c->raw);
	buf_free(&c->conv);
	free(c->off);
	free(c->len);
	free(c->out);
	free(c);
}

/* State of one record being split. */
struct csvread_rec {
	size_t		 bytes;		/* field bytes seen */
	size_t		 start;		/* offset of the open field in raw */
	const char	*error;
};

static void
csvread_add(struct csvread *c, struct csvread_rec *r, const char *p,
    size_t n)
{
	if (r->bytes + n > c->max_record) {
		if (r->error == NULL) {
			snprintf(c->msg, sizeof(c->msg), "the row is longer "
			    "than %zu bytes", c->max_record);
			r->error = c->msg;
		}
		r->bytes = c->max_record + 1;
		return;
	}
	r->bytes += n;
	if (r->error == NULL)
		buf_add(&c->raw, p, n);
}

static void
csvread_end_field(struct csvread *c, struct csvread_rec *r)
{
	if (r->error != NULL)
		return;
	if (c->nf == c->max_fields) {
		snprintf(c->msg, sizeof(c->msg), "the row has more than %zu "
		    "fields", c->max_fields);
		r->error = c->msg;
		return;
	}
	if (c->nf == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->off = xrealloc(c->off, c->cap * sizeof(*c->off));
		c->len = xrealloc(c->len, c->cap * sizeof(*c->len));
		c->out = xrealloc(c->out, c->cap * sizeof(*c->out));
	}
	c->off[c->nf] = r->start;
	c->len[c->nf] = c->raw.len - r->start;
	c->nf++;
	buf_addc(&c->raw, '\0');
	r->start = c->raw.len;
}

/*
 * Split the next record into c->raw.  Returns 0 at the end of input,
 * else 1 with r->error set when the record cannot be used; *quoted says
 * whether its first field was quoted (to tell "" from a blank line).
 */
static int
csvread_split(struct csvread *c, struct csvread_rec *r, int *first_quoted)
{
	const char	*p = c->p, *end = c->end, *q;
	int		 quoted, fieldno = 0;

	if (p >= end)
		return 0;
	buf_reset(&c->raw);
	c->nf = 0;
	memset(r, 0, sizeof(*r));
	for (;;) {
		quoted = p < end && *p == '"';
		if (fieldno++ == 0)
			*first_quoted = quoted;
		if (quoted) {
			p++;
			for (;;) {
				if ((q = memchr(p, '"', (size_t)(end - p))) ==
				    NULL) {
					csvread_add(c, r, p, (size_t)(end - p));
					p = end;
					if (r->error == NULL)
						r->error = "a quoted field is "
						    "not closed";
					break;
				}
				csvread_add(c, r, p, (size_t)(q - p));
				p = q + 1;
				if (p < end && *p == '"') {
					/* "" is one quote. */
					csvread_add(c, r, p, 1);
					p++;
					continue;
				}
				break;
			}
			if (p < end && *p != ',' && *p != '\r' && *p != '\n' &&
			    r->error == NULL)
				r->error = "text after a closing quote";
		}
		/* Unquoted text, or what follows a bad closing quote; a quote
		 * inside unquoted text is kept as it is. */
		for (q = p; q < end && *q != ',' && *q != '\r' && *q != '\n';
		    q++)
			;
		csvread_add(c, r, p, (size_t)(q - p));
		p = q;
		csvread_end_field(c, r);
		if (p >= end)
			break;
		if (*p == ',') {
			p++;
			if (p >= end) {
				/* "a,b," at the very end: one more empty field. */
				csvread_end_field(c, r);
				break;
			}
			continue;
		}
		if (*p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		p++;
		break;
	}
	c->p = p;
	return 1;
}

/* Check or convert the fields of a split record into c->out. */
static const char *
csvread_convert(struct csvread *c)
{
	size_t	 i, n, inleft, outleft, cap;
	char	*in, *o;

	for (i = 0; i < c->nf; i++)
		if (memchr(c->raw.data + c->off[i], '\0', c->len[i]) != NULL)
			return "the row contains a NUL byte";
	if (c->enc != CSVREAD_GB18030) {
		for (i = 0; i < c->nf; i++) {
			if (!str_utf8_valid(c->raw.data + c->off[i], c->len[i]))
				return "the row is not valid UTF-8 (the file "
				    "is read as UTF-8)";
			c->out[i] = c->raw.data + c->off[i];
		}
		return NULL;
	}
	buf_reset(&c->conv);
	for (i = 0; i < c->nf; i++) {
		/* UTF-8 needs at most 3 bytes per 2 GB18030 bytes. */
		n = c->len[i];
		cap = 2 * n + 4;
		buf_reserve(&c->conv, cap);
		in = c->raw.data + c->off[i];
		inleft = n;
		o = c->conv.data + c->conv.len;
		outleft = cap;
		iconv(c->cd, NULL, NULL, NULL, NULL);
		if (iconv(c->cd, &in, &inleft, &o, &outleft) == (size_t)-1 ||
		    iconv(c->cd, NULL, NULL, &o, &outleft) == (size_t)-1)
			return "the row is not valid GB18030 (the file is "
			    "read as GB18030)";
		c->off[i] = c->conv.len;
		c->conv.len += cap - outleft;
		buf_addc(&c->conv, '\0');
	}
	for (i = 0; i < c->nf; i++)
		c->out[i] = c->conv.data + c->off[i];
	return NULL;
}

int
csvread_next(struct csvread *c, struct csvread_row *row)
{
	struct csvread_rec	 r;
	int			 quoted = 0;

	memset(row, 0, sizeof(*row));
	for (;;) {
		if (!csvread_split(c, &r, &quoted))
			return 0;
		c->row++;
		row->row = c->row;
		if (r.error != NULL) {
			row->error = r.error;
			return 1;
		}
		/* A blank line is a row of the sheet, but no record. */
		if (c->nf == 1 && c->len[0] == 0 && !quoted)
			continue;
		if ((row->error = csvread_convert(c)) != NULL)
			return 1;
		row->field = c->out;
		row->nfield = c->nf;
		return 1;
	}
}
