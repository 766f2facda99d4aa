/*
 * `firewarden doc sample [--pages 1|2] OUT.pdf`: write the sample
 * rectification notice of src/doc, so that developers can look at the
 * layout and the tests can check a PDF made by a fresh process (for
 * instance one whose fontconfig finds no WenQuanYi).  No database.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/err.h"
#include "doc/doc.h"

/* The exit codes documented in main.c. */
#define DOC_EXIT_USAGE	2
#define DOC_EXIT_IO	3

static void
cli_doc_usage(FILE *f)
{
	fputs(
"usage: firewarden doc sample [--pages 1|2] OUT.pdf\n"
"\n"
"Write the sample rectification notice (责令改正通知书) as PDF: one page,\n"
"or with --pages 2 a longer one that runs to a second page.  OUT.pdf may\n"
"be - for standard output.\n"
"exit codes: 0 ok, 2 usage, 3 rendering or I/O error (e.g. the font\n"
"WenQuanYi Micro Hei missing)\n", f);
}

int
cli_doc(int argc, char **argv)
{
	struct doc	*d = NULL;
	struct buf	 pdf;
	struct err	 e;
	FILE		*f = NULL;
	const char	*path = NULL;
	int		 i, pages = 1, rc = DOC_EXIT_IO;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		cli_doc_usage(stdout);
		return 0;
	}
	if (argc < 3 || strcmp(argv[1], "sample") != 0)
		goto usage;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--pages") == 0 && i + 1 < argc &&
		    (strcmp(argv[i + 1], "1") == 0 ||
		    strcmp(argv[i + 1], "2") == 0))
			pages = argv[++i][0] - '0';
		else if (path == NULL && (argv[i][0] != '-' ||
		    strcmp(argv[i], "-") == 0))
			path = argv[i];
		else
			goto usage;
	}
	if (path == NULL)
		goto usage;
	buf_init(&pdf);
	err_clear(&e);
	d = doc_sample(pages);
	if (doc_render_pdf(d, &pdf, &e) < 0) {
		fprintf(stderr, "firewarden: doc: %s%s%s\n", e.field,
		    e.field[0] != '\0' ? ": " : "", e.msg);
		goto out;
	}
	if (strcmp(path, "-") == 0)
		f = stdout;
	else if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		goto out;
	}
	if (fwrite(pdf.data, 1, pdf.len, f) != pdf.len ||
	    (f != stdout ? fclose(f) : fflush(f)) != 0) {
		perror(path);
		f = NULL;
		goto out;
	}
	f = NULL;
	rc = 0;
out:
	if (f != NULL && f != stdout)
		fclose(f);
	buf_free(&pdf);
	doc_free(d);
	return rc;
usage:
	cli_doc_usage(stderr);
	return DOC_EXIT_USAGE;
}
