/*
 * `firewarden hazard`: the major-fire-hazard (重大火灾隐患) judgement of
 * GB 35181 from the command line — judge a list of elements found in a
 * place, or list the loaded editions.  It touches no database; the
 * editions are read from --data, $FIREWARDEN_DATA/hazard or data/hazard.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "domain/hazard_judge.h"

/* The exit codes documented in main.c. */
#define HZ_EXIT_USAGE	2
#define HZ_EXIT_IO	3

static void
cli_hazard_usage(FILE *f)
{
	fputs(
"usage: firewarden hazard judge (--edition E | --date YYYY-MM-DD)\n"
"           --place P --elements LIST [--exclusion X] [--data DIR] [--pretty]\n"
"       firewarden hazard editions [--data DIR] [--pretty]\n"
"\n"
"judge     judge the elements found (not corrected on the spot) in a place\n"
"          under GB 35181 and print the judgement as JSON: edition,\n"
"          outcome (major | not-major | excluded), method (direct |\n"
"          composite | null), elements, counted, threshold, reason.\n"
"          --edition  the edition, e.g. 2017; or --date, the edition in\n"
"                     force on that day\n"
"          --place    crowded | flammable | important | other (2017)\n"
"          --elements element codes separated by commas, e.g. 6.5,7.3.1;\n"
"                     \"\" for none\n"
"          --exclusion expert-review | stopped | not-capable (5.1.3)\n"
"editions  print the loaded editions as JSON\n"
"\n"
"The editions are read from --data DIR, else $FIREWARDEN_DATA/hazard, else\n"
"data/hazard (every gb35181-<edition>.json there).\n"
"exit codes: 0 ok, 2 usage or an unknown edition, place, element or\n"
"exclusion, 3 the data files cannot be loaded\n", f);
}

static int
cli_hazard_fail(const char *what)
{
	fprintf(stderr, "firewarden: hazard: %s\n", what);
	fputs("usage: firewarden hazard judge|editions ... (see firewarden "
	    "hazard --help)\n", stderr);
	return HZ_EXIT_USAGE;
}

/* Load dir, else $FIREWARDEN_DATA/hazard, else data/hazard. */
static int
cli_hazard_load(const char *dir)
{
	const char	*data = getenv("FIREWARDEN_DATA");
	struct err	 e;
	char		*def = NULL;
	int		 rc = 0;

	if (dir == NULL)
		dir = def = xasprintf("%s/hazard", data && *data ? data :
		    "data");
	err_clear(&e);
	if (hazard_judge_load_dir(dir, &e) < 0) {
		fprintf(stderr, "firewarden: hazard: %s\n", e.msg);
		rc = HZ_EXIT_IO;
	}
	free(def);
	return rc;
}

static void
cli_hazard_print(json_t *j, int pretty)
{
	char	*s;

	s = json_dumps(j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
	puts(s != NULL ? s : "null");
	free(s);
}

/*
 * Split LIST at commas into list (pointers into copy; the caller frees
 * both), spaces around each code dropped.  A blank LIST is no element.
 * -1 for an empty code between commas, -2 for more than the limit.
 */
static int
cli_hazard_split(const char *arg, char **copy, const char ***list, int *n)
{
	char	*p, *end, *next;

	*copy = xstrdup(arg);
	*list = NULL;
	*n = 0;
	p = *copy + strspn(*copy, " \t");
	if (*p == '\0')
		return 0;
	for (; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		p += strspn(p, " \t");
		for (end = p + strlen(p); end > p && (end[-1] == ' ' ||
		    end[-1] == '\t'); end--)
			end[-1] = '\0';
		if (*p == '\0')
			return -1;
		if (*n == HAZARD_INPUT_MAX)
			return -2;
		*list = xrealloc(*list, (size_t)(*n + 1) * sizeof(**list));
		(*list)[(*n)++] = p;
	}
	return 0;
}

static int
cli_hazard_judge(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "edition", required_argument, NULL, 'E' },
		{ "date", required_argument, NULL, 'D' },
		{ "place", required_argument, NULL, 'p' },
		{ "elements", required_argument, NULL, 'e' },
		{ "exclusion", required_argument, NULL, 'x' },
		{ "data", required_argument, NULL, 'd' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hazard_judgement	*j = NULL;
	struct err		 e;
	json_t			*out;
	const char		*edition = NULL, *date = NULL, *place = NULL;
	const char		*elements = NULL, *exclusion = NULL;
	const char		*dir = NULL, **list = NULL;
	char			*copy = NULL;
	int			 c, n = 0, pretty = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'E': edition = optarg; break;
		case 'D': date = optarg; break;
		case 'p': place = optarg; break;
		case 'e': elements = optarg; break;
		case 'x': exclusion = optarg; break;
		case 'd': dir = optarg; break;
		case 'P': pretty = 1; break;
		case 'h':
			cli_hazard_usage(stdout);
			return 0;
		default:
			return cli_hazard_fail("unknown option");
		}
	}
	if (optind != argc)
		return cli_hazard_fail("unexpected argument");
	if ((edition == NULL) == (date == NULL))
		return cli_hazard_fail("give one of --edition and --date");
	if (place == NULL)
		return cli_hazard_fail("--place is required");
	if (elements == NULL)
		return cli_hazard_fail("--elements is required (\"\" for "
		    "none)");
	if ((rc = cli_hazard_split(elements, &copy, &list, &n)) < 0) {
		rc = cli_hazard_fail(rc == -1 ? "--elements: an empty code "
		    "between commas" : "--elements: too many codes");
		goto out;
	}
	if ((rc = cli_hazard_load(dir)) != 0)
		goto out;
	err_clear(&e);
	if (date != NULL && hazard_judge_edition_on(date, &edition, &e) < 0) {
		fprintf(stderr, "firewarden: hazard: %s: %s\n", e.field, e.msg);
		rc = HZ_EXIT_USAGE;
		goto out;
	}
	j = xmalloc(sizeof(*j));
	if (hazard_judge(edition, place, list, n, exclusion, j, &e) < 0) {
		fprintf(stderr, "firewarden: hazard: %s: %s\n", e.field, e.msg);
		rc = HZ_EXIT_USAGE;
		goto out;
	}
	out = hazard_judgement_json(j);
	cli_hazard_print(out, pretty);
	json_decref(out);
	rc = 0;
out:
	free(j);
	free(list);
	free(copy);
	hazard_judge_unload();
	return rc;
}

static int
cli_hazard_editions(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*dir = NULL;
	json_t		*list;
	int		 c, pretty = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'P': pretty = 1; break;
		case 'h':
			cli_hazard_usage(stdout);
			return 0;
		default:
			return cli_hazard_fail("unknown option");
		}
	}
	if (optind != argc)
		return cli_hazard_fail("unexpected argument");
	if ((rc = cli_hazard_load(dir)) != 0)
		return rc;
	list = hazard_judge_editions();
	cli_hazard_print(list, pretty);
	json_decref(list);
	hazard_judge_unload();
	return 0;
}

int
cli_hazard(int argc, char **argv)
{
	if (argc < 2) {
		cli_hazard_usage(stderr);
		return HZ_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_hazard_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "judge") == 0)
		return cli_hazard_judge(argc - 1, argv + 1);
	if (strcmp(argv[1], "editions") == 0)
		return cli_hazard_editions(argc - 1, argv + 1);
	return cli_hazard_fail("unknown command (judge or editions)");
}
