/*
 * CSV-or-Excel export writer (sheet.h).
 */
#include <string.h>

#include "csvwrite.h"
#include "sheet.h"
#include "xlsx.h"

int
sheet_row(struct sheet *sh, const char *const *cells, struct err *e)
{
	if (sh->xlsx)
		return xlsx_row(sh->xl, cells, e);
	csvw_row(&sh->out, cells, sh->ncols);
	return 0;
}

int
sheet_open(struct sheet *sh, const char *format, const char *name,
    const char *const *headers, const double *widths, int ncols,
    struct err *e)
{
	memset(sh, 0, sizeof(*sh));
	buf_init(&sh->out);
	sh->ncols = ncols;
	if (format == NULL || (strcmp(format, "csv") != 0 &&
	    strcmp(format, "xlsx") != 0))
		return err_set(e, ERR_INVALID, "format", "format must be csv or "
		    "xlsx");
	sh->xlsx = strcmp(format, "xlsx") == 0;
	if (sh->xlsx)
		return xlsx_open(name, headers, widths, ncols, &sh->xl, e);
	buf_adds(&sh->out, "\xef\xbb\xbf");
	return sheet_row(sh, headers, e);
}

int
sheet_finish(struct sheet *sh, char **data, size_t *len, struct err *e)
{
	/* The workbook is freed (its file removed) by sheet_free(). */
	if (sh->xlsx)
		return xlsx_finish(sh->xl, data, len, e);
	*len = sh->out.len;
	*data = buf_release(&sh->out);
	return 0;
}

void
sheet_free(struct sheet *sh)
{
	xlsx_free(sh->xl);
	buf_free(&sh->out);
	memset(sh, 0, sizeof(*sh));
}

const char *
sheet_ctype(const char *format)
{
	if (format != NULL && strcmp(format, "xlsx") == 0)
		return "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet";
	return "text/csv; charset=utf-8";
}
