/*
 * One writer for table exports in either format a user asks for: CSV
 * (UTF-8 with a byte-order mark so that Excel opens Chinese text
 * correctly) or an Excel workbook through xlsx.c.  Modules describe the
 * columns once and stream rows.
 */
#ifndef FW_SHEET_H
#define FW_SHEET_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct xlsx;

struct sheet {
	int		 xlsx;
	int		 ncols;
	struct xlsx	*xl;
	struct buf	 out;
};

/*
 * Start a sheet in format "csv" or "xlsx" (else ERR_INVALID naming
 * "format") with a header row; sheet names the Excel sheet, widths are
 * Excel column widths in characters.
 */
int	sheet_open(struct sheet *sh, const char *format, const char *name,
	    const char *const *headers, const double *widths, int ncols,
	    struct err *e);
/* One row of ncols cells (NULL for empty). */
int	sheet_row(struct sheet *sh, const char *const *cells, struct err *e);
/* The bytes, owned by the caller (free()). */
int	sheet_finish(struct sheet *sh, char **data, size_t *len,
	    struct err *e);
/* Accepts a sheet never opened or already finished. */
void	sheet_free(struct sheet *sh);
/* The Content-Type of a format ("xlsx", else CSV). */
const char *sheet_ctype(const char *format);

#endif
