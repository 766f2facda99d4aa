/*
 * `firewarden check` (identifier checks) and `firewarden workdays`
 * (working-day arithmetic on the official calendar).  Neither touches the
 * database.  The calendar is read from $FIREWARDEN_DATA/calendar, or
 * data/calendar relative to the working directory.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "domain/calendar.h"
#include "domain/ident.h"

/* The exit codes documented in main.c. */
#define CLI_EXIT_CHECK	1
#define CLI_EXIT_USAGE	2
#define CLI_EXIT_IO	3
#define CLI_EXIT_INPUT	4

#define CLI_CAL_DEFAULT	"data/calendar"

static void
cli_check_usage(FILE *f)
{
	fputs(
"usage: firewarden check uscc CODE\n"
"       firewarden check idcard NUMBER\n"
"\n"
"Check a unified social credit code (GB 32100) or a resident ID card\n"
"number (GB 11643; a 15-digit number is converted).  Prints \"valid\" and\n"
"exits 0, or prints \"invalid: REASON\" and exits 1.  A USCC whose embedded\n"
"organisation code fails GB 11714 is valid with a warning on stderr.\n"
"exit codes: 0 valid, 1 invalid, 2 usage\n", f);
}

static void
cli_workdays_usage(FILE *f)
{
	fputs(
"usage: firewarden workdays add DATE N\n"
"       firewarden workdays between A B\n"
"\n"
"add      print the date N (>= 0) working days after DATE; DATE itself is\n"
"         not counted and N = 0 prints DATE\n"
"between  print the number of working days d with A < d <= B (negative\n"
"         when B is before A)\n"
"\n"
"Dates are YYYY-MM-DD.  The calendar is read from $FIREWARDEN_DATA/calendar,\n"
"else data/calendar; a date in a year without a calendar file is refused.\n"
"exit codes: 0 ok, 2 usage, 3 calendar files missing or damaged,\n"
"4 date refused (malformed, or no calendar for its year)\n", f);
}

static int
cli_is_help(const char *s)
{
	return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0 ||
	    strcmp(s, "help") == 0;
}

static int
cli_any_help(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc; i++)
		if (cli_is_help(argv[i]))
			return 1;
	return 0;
}

int
cli_check(int argc, char **argv)
{
	struct err	 e;
	char		 uscc[IDENT_USCC_LEN + 1];
	char		 idcard[IDENT_IDCARD_LEN + 1];
	int		 warning = 0, rc;

	err_clear(&e);
	if (cli_any_help(argc, argv)) {
		cli_check_usage(stdout);
		return 0;
	}
	if (argc != 3) {
		cli_check_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "uscc") == 0)
		rc = ident_uscc_check(argv[2], "uscc", uscc, &warning, &e);
	else if (strcmp(argv[1], "idcard") == 0)
		rc = ident_idcard_check(argv[2], "idcard", idcard, &e);
	else {
		fprintf(stderr, "firewarden: unknown check %s\n", argv[1]);
		cli_check_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (rc < 0) {
		printf("invalid: %s\n", e.msg);
		return CLI_EXIT_CHECK;
	}
	printf("valid\n");
	if (warning)
		fprintf(stderr, "warning: embedded organisation code fails "
		    "GB 11714\n");
	return 0;
}

static int
cli_workdays_exit(int rc)
{
	return rc == ERR_IO || rc == ERR_INTERNAL ? CLI_EXIT_IO :
	    CLI_EXIT_INPUT;
}

int
cli_workdays(int argc, char **argv)
{
	struct err	 e;
	const char	*data;
	char		*dir = NULL, out[CALENDAR_DATE_LEN + 1];
	int64_t		 n;
	int		 rc, cnt, y;

	err_clear(&e);
	if (cli_any_help(argc, argv)) {
		cli_workdays_usage(stdout);
		return 0;
	}
	if (argc != 4 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "between") != 0)) {
		cli_workdays_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "add") == 0 &&
	    str_to_i64(argv[3], 0, INT_MAX, &n) < 0) {
		fprintf(stderr, "firewarden: N must be a whole number, 0 or "
		    "more\n");
		cli_workdays_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	data = getenv("FIREWARDEN_DATA");
	dir = data != NULL && *data ? xasprintf("%s/calendar", data) :
	    xstrdup(CLI_CAL_DEFAULT);
	if ((rc = calendar_load_dir(dir, &e)) < 0) {
		fprintf(stderr, "firewarden: %s\n", e.msg);
		rc = CLI_EXIT_IO;
		goto out;
	}
	if (strcmp(argv[1], "add") == 0) {
		if ((rc = calendar_add_workdays(argv[2], (int)n, out, &e)) == 0)
			printf("%s\n", out);
	} else {
		if ((rc = calendar_workdays_between(argv[2], argv[3], &cnt,
		    &e)) == 0)
			printf("%d\n", cnt);
	}
	/* CAL-008: said, not silent, when a provisional year was counted. */
	if (rc == 0 && (y = calendar_provisional(argv[2],
	    strcmp(argv[1], "add") == 0 ? out : argv[3])) != 0)
		fprintf(stderr, "firewarden: warning: the %d calendar is "
		    "provisional (statutory days only, CN-%d.json); the State "
		    "Council's notice may move days\n", y, y);
	if (rc < 0) {
		fprintf(stderr, "firewarden: %s\n", e.msg);
		rc = cli_workdays_exit(rc);
	}
out:
	free(dir);
	return rc;
}
