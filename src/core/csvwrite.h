/*
 * Writing CSV (RFC 4180) for exports that open in Excel and WPS: CRLF
 * rows, quotes where needed, and a cell that starts like a formula (=
 * + - @, tab, CR) neutralised with a leading apostrophe inside quotes
 * (CSV injection).
 */
#ifndef FW_CSVWRITE_H
#define FW_CSVWRITE_H

#include "buf.h"

/* Append one cell (NULL writes nothing between the commas). */
void	csvw_cell(struct buf *b, const char *s);
/* Append a row of n cells and its CRLF. */
void	csvw_row(struct buf *b, const char *const *cells, int n);

#endif
