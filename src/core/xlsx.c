/*
 * The .xlsx writer of xlsx.h over libxlsxwriter.  libxlsxwriter writes
 * to a named file, so the workbook goes to a fresh temporary file (mode
 * 0600, made with mkstemp) that is read back and removed at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "mem.h"
#include "xlsx.h"

struct xlsx {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	char		*path;
	int		 ncols;
	lxw_row_t	 row;
};

void
xlsx_free(struct xlsx *x)
{
	if (x == NULL)
		return;
	if (x->wb != NULL)
		workbook_close(x->wb);
	if (x->path != NULL) {
		unlink(x->path);
		free(x->path);
	}
	free(x);
}

int
xlsx_open(const char *sheet, const char *const *headers,
    const double *widths, int ncols, struct xlsx **out, struct err *e)
{
	lxw_workbook_options	 opt;
	lxw_format		*bold;
	struct xlsx		*x;
	const char		*tmp = getenv("TMPDIR");
	int			 fd, i;

	x = xcalloc(1, sizeof(*x));
	x->ncols = ncols;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	x->path = xasprintf("%s/fw-export-XXXXXX", tmp);
	if ((fd = mkstemp(x->path)) < 0) {
		free(x->path);
		x->path = NULL;
		xlsx_free(x);
		return err_set(e, ERR_IO, NULL, "cannot create a temporary "
		    "file: %s", strerror(errno));
	}
	close(fd);
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = (char *)(uintptr_t)tmp;
	if ((x->wb = workbook_new_opt(x->path, &opt)) == NULL ||
	    (x->ws = workbook_add_worksheet(x->wb, sheet)) == NULL) {
		xlsx_free(x);
		return err_set(e, ERR_IO, NULL, "cannot start the workbook");
	}
	bold = workbook_add_format(x->wb);
	format_set_bold(bold);
	for (i = 0; i < ncols; i++) {
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
		    widths[i], NULL);
		if (worksheet_write_string(x->ws, 0, (lxw_col_t)i, headers[i],
		    bold) != LXW_NO_ERROR) {
			xlsx_free(x);
			return err_set(e, ERR_IO, NULL, "cannot write the "
			    "header");
		}
	}
	worksheet_freeze_panes(x->ws, 1, 0);
	x->row = 1;
	*out = x;
	return 0;
}

int
xlsx_row(struct xlsx *x, const char *const *cells, struct err *e)
{
	int	i;

	if (x->row > XLSX_ROWS_MAX)
		return err_set(e, ERR_RANGE, NULL, "more than %d rows",
		    XLSX_ROWS_MAX);
	for (i = 0; i < x->ncols; i++) {
		if (cells[i] == NULL || cells[i][0] == '\0')
			continue;
		if (worksheet_write_string(x->ws, x->row, (lxw_col_t)i,
		    cells[i], NULL) != LXW_NO_ERROR)
			return err_set(e, ERR_IO, NULL, "cannot write row %u",
			    (unsigned)x->row);
	}
	x->row++;
	return 0;
}

int
xlsx_finish(struct xlsx *x, char **data, size_t *len, struct err *e)
{
	struct stat	 sb;
	FILE		*f = NULL;
	char		*p = NULL;
	lxw_error	 le;
	int		 rc = 0;

	le = workbook_close(x->wb);
	x->wb = NULL;
	if (le != LXW_NO_ERROR)
		return err_set(e, ERR_IO, NULL, "cannot write the workbook: "
		    "%s", lxw_strerror(le));
	if ((f = fopen(x->path, "rb")) == NULL || fstat(fileno(f), &sb) < 0) {
		rc = err_set(e, ERR_IO, NULL, "cannot read the workbook back");
		goto out;
	}
	p = xmalloc((size_t)sb.st_size + 1);
	if (fread(p, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		free(p);
		rc = err_set(e, ERR_IO, NULL, "cannot read the workbook back");
		goto out;
	}
	*data = p;
	*len = (size_t)sb.st_size;
out:
	if (f != NULL)
		fclose(f);
	return rc;
}
