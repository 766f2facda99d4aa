/*
 * A reader of comma-separated values (RFC 4180) as other offices hand
 * them over: UTF-8 with or without a byte-order mark, or GB18030 (found
 * by looking at the text, converted to UTF-8 with iconv); quoted fields
 * with doubled quotes and line breaks; CRLF, LF or CR line ends.  It reads
 * a buffer in memory (a request body, a mapped file) and hands out one
 * record at a time; a record it cannot read is handed out with a reason,
 * and reading goes on with the next one.  Every size is bounded.
 */
#ifndef FW_CSVREAD_H
#define FW_CSVREAD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CSVREAD_RECORD_MAX	65536	/* bytes of one record, default */
#define CSVREAD_FIELDS_MAX	64	/* fields of one record, default */
#define CSVREAD_SAMPLE		(1 << 20) /* bytes looked at to find the encoding */

enum csvread_enc {
	CSVREAD_DETECT = 0,
	CSVREAD_UTF8,		/* no byte-order mark */
	CSVREAD_UTF8_BOM,
	CSVREAD_GB18030,
};

struct csvread_opts {
	size_t			 max_record;	/* 0: CSVREAD_RECORD_MAX */
	size_t			 max_fields;	/* 0: CSVREAD_FIELDS_MAX */
	enum csvread_enc	 encoding;	/* CSVREAD_DETECT, or forced */
};

/*
 * One record.  field[0..nfield-1] are NUL-terminated UTF-8 strings owned
 * by the reader, valid until the next csvread_next().  row counts records
 * from 1 (the header is row 1), blank lines included, as a spreadsheet
 * numbers its rows.  When error is not NULL the record could not be read
 * (not valid in the file's encoding, a NUL byte, an unclosed quote, text
 * after a closing quote, too long, too many fields) and nfield is 0.
 */
struct csvread_row {
	char		**field;
	size_t		  nfield;
	int64_t		  row;
	const char	 *error;
};

struct csvread;

/*
 * A reader over p[0..n-1], which must stay valid while the reader is in
 * use.  The encoding is found from the first CSVREAD_SAMPLE bytes unless
 * forced: a UTF-8 byte-order mark means UTF-8; otherwise the text is
 * GB18030 when more of its lines with non-ASCII bytes are invalid UTF-8
 * than valid, else UTF-8.  ERR_INVALID (field "encoding") for a UTF-16
 * or UTF-32 file.  *out belongs to the caller (csvread_free).
 */
int		 csvread_new(const char *p, size_t n,
		    const struct csvread_opts *o, struct csvread **out,
		    struct err *e);
/* The next record into *row: 1, or 0 at the end of the input. */
int		 csvread_next(struct csvread *c, struct csvread_row *row);
/* The encoding in use (never CSVREAD_DETECT), and its name. */
enum csvread_enc csvread_encoding(const struct csvread *c);
const char	*csvread_encoding_name(enum csvread_enc enc);
void		 csvread_free(struct csvread *c);

#endif
