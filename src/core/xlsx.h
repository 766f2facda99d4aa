/*
 * Excel workbooks (.xlsx) of one sheet of text cells, for exports: a bold
 * header row that stays in place when scrolling, set column widths, and
 * rows streamed to a temporary file by libxlsxwriter in its constant-
 * memory mode (so a 200 000-row export does not hold every cell in
 * memory).  The only place xlsxwriter.h is included.
 */
#ifndef FW_XLSX_H
#define FW_XLSX_H

#include <stddef.h>

#include "err.h"

#define XLSX_ROWS_MAX	1048575		/* Excel's limit, less the header */

struct xlsx;

/*
 * Start a workbook with one sheet named sheet: headers[0..ncols-1] in
 * bold in row 1 (frozen), column i widths[i] characters wide.  The file
 * is written under $TMPDIR (default /tmp) and removed by xlsx_finish() or
 * xlsx_free().  ERR_IO when it cannot be created.  *out belongs to the
 * caller (xlsx_free).
 */
int	xlsx_open(const char *sheet, const char *const *headers,
	    const double *widths, int ncols, struct xlsx **out, struct err *e);
/*
 * Append one row of ncols cells (NULL or "" leaves a cell empty); text
 * is written as text, never as a formula.  ERR_RANGE past XLSX_ROWS_MAX,
 * ERR_IO on a write failure.
 */
int	xlsx_row(struct xlsx *x, const char *const *cells, struct err *e);
/*
 * Close the workbook and hand its bytes to the caller (*data, free());
 * the temporary file is removed.  ERR_IO on failure.
 */
int	xlsx_finish(struct xlsx *x, char **data, size_t *len, struct err *e);
/* Accepts NULL; removes the temporary file if still there. */
void	xlsx_free(struct xlsx *x);

#endif
