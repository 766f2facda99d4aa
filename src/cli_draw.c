/*
 * `firewarden draw`: verify the published bundle of a random draw, or run
 * a draw from its inputs and print the bundle (src/domain/draw.h,
 * docs/modules/draw.md).  Neither touches the database: a bundle is all a
 * verifier needs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/err.h"
#include "domain/draw.h"

/* The exit codes documented in main.c. */
#define CLI_EXIT_CHECK	1
#define CLI_EXIT_USAGE	2
#define CLI_EXIT_IO	3
#define CLI_EXIT_INPUT	4

/* Larger than the bundle of DRAW_LIST_MAX candidates. */
#define CLI_DRAW_MAX_BYTES	((size_t)4 << 30)

static void
cli_draw_usage(FILE *f)
{
	fputs(
"usage: firewarden draw verify BUNDLE.json\n"
"       firewarden draw run [--public] INPUT.json\n"
"\n"
"verify  recompute the hashes, the seed, the selection and the assignment\n"
"        of a published draw bundle (firewarden-draw-v1) and compare them\n"
"        with the bundle: prints \"valid\" and a summary, or \"invalid:\"\n"
"        and the first difference.  A public bundle (inspectors and\n"
"        conflicts null) is checked as far as the withheld roster allows.\n"
"run     read the inputs of a draw (a bundle without candidates_hash,\n"
"        roster_hash, seed, selected and unassigned) and print the full\n"
"        bundle, or with --public the public one\n"
"\n"
"A file name of - reads standard input.\n"
"exit codes: 0 valid (verify) or printed (run), 1 does not verify,\n"
"2 usage, unreadable file or not JSON, 3 output error, 4 inputs rejected\n",
	    f);
}

/* The whole of path ("-": stdin) into b; 0 or ERR_IO / ERR_TOO_LARGE. */
static int
cli_draw_read(const char *path, struct buf *b, struct err *e)
{
	FILE	*f;
	size_t	 n;
	int	 rc = 0;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL)
		return err_set(e, ERR_IO, "", "%s", strerror(errno));
	for (;;) {
		buf_reserve(b, 1 << 20);
		n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
		b->len += n;
		b->data[b->len] = '\0';
		if (b->len > CLI_DRAW_MAX_BYTES) {
			rc = err_set(e, ERR_TOO_LARGE, "", "larger than 4 GiB");
			break;
		}
		if (n == 0) {
			if (ferror(f))
				rc = err_set(e, ERR_IO, "", "%s",
				    strerror(errno));
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

/* Text that cannot be read or is not JSON is a usage matter (exit 2). */
static int
cli_draw_unreadable(int rc)
{
	return rc == ERR_IO || rc == ERR_TOO_LARGE || rc == ERR_BAD_JSON ||
	    rc == ERR_DUP_KEY;
}

static int
cli_draw_verify(const char *path)
{
	struct draw_bundle	*b = NULL;
	struct draw_summary	 sum;
	struct buf		 text;
	struct err		 e;
	int			 rc;

	err_clear(&e);
	buf_init(&text);
	if ((rc = cli_draw_read(path, &text, &e)) < 0 ||
	    (rc = draw_bundle_parse(text.data, text.len, DRAW_PARSE_BUNDLE,
	    &b, &e)) < 0) {
		if (cli_draw_unreadable(rc)) {
			fprintf(stderr, "firewarden: %s: %s\n", path, e.msg);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		printf("invalid: %s\n", e.msg);
		rc = CLI_EXIT_CHECK;
		goto out;
	}
	buf_free(&text);
	if ((rc = draw_verify(b, &sum, &e)) < 0) {
		printf("invalid: %s\n", e.msg);
		rc = CLI_EXIT_CHECK;
		goto out;
	}
	printf("valid\n");
	printf("plan %s: %zu selected, %zu unassigned, %s\n", b->in.plan_id,
	    sum.nselected, sum.nunassigned, sum.withheld ? "public bundle "
	    "(inspectors and conflicts withheld: roster_hash and the "
	    "assignment not recomputed)" : "full bundle");
	rc = 0;
out:
	buf_free(&text);
	draw_bundle_free(b);
	return rc;
}

static int
cli_draw_run(const char *path, int public)
{
	struct draw_bundle	*b = NULL;
	struct draw_commit	*c = NULL;
	struct draw_result	*r = NULL;
	struct buf		 text, out;
	struct err		 e;
	int			 rc;

	err_clear(&e);
	buf_init(&text);
	buf_init(&out);
	if ((rc = cli_draw_read(path, &text, &e)) < 0 ||
	    (rc = draw_bundle_parse(text.data, text.len, DRAW_PARSE_INPUT,
	    &b, &e)) < 0) {
		fprintf(stderr, "firewarden: %s: %s\n", path, e.msg);
		rc = cli_draw_unreadable(rc) ? CLI_EXIT_USAGE : CLI_EXIT_INPUT;
		goto out;
	}
	buf_free(&text);
	if (b->version != NULL && strcmp(b->version, DRAW_VERSION) != 0) {
		fprintf(stderr, "firewarden: %s: version: must be %s\n", path,
		    DRAW_VERSION);
		rc = CLI_EXIT_INPUT;
		goto out;
	}
	if ((rc = draw_commit(&b->in, &c, &e)) < 0 ||
	    (rc = draw_run(&b->in, c, &r, &e)) < 0) {
		fprintf(stderr, "firewarden: %s: %s\n", path, e.msg);
		rc = CLI_EXIT_INPUT;
		goto out;
	}
	draw_bundle_write(&b->in, c, r, public, &out);
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "firewarden: writing the bundle: %s\n",
		    strerror(errno));
		rc = CLI_EXIT_IO;
		goto out;
	}
	rc = 0;
out:
	buf_free(&text);
	buf_free(&out);
	draw_result_free(r);
	draw_commit_free(c);
	draw_bundle_free(b);
	return rc;
}

int
cli_draw(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "help") == 0) {
			cli_draw_usage(stdout);
			return 0;
		}
	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return cli_draw_verify(argv[2]);
	if (argc == 3 && strcmp(argv[1], "run") == 0)
		return cli_draw_run(argv[2], 0);
	if (argc == 4 && strcmp(argv[1], "run") == 0 &&
	    strcmp(argv[2], "--public") == 0)
		return cli_draw_run(argv[3], 1);
	if (argc >= 2 && strcmp(argv[1], "verify") != 0 &&
	    strcmp(argv[1], "run") != 0)
		fprintf(stderr, "firewarden: unknown draw command %s\n",
		    argv[1]);
	cli_draw_usage(stderr);
	return CLI_EXIT_USAGE;
}
