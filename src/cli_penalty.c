/*
 * `firewarden penalty`: the discretion engine (裁量基准) from the command
 * line — suggest the penalty for one violation and its facts, list the
 * loaded violation items, or choose among several norms for one act
 * (行政处罚法 art. 29).  It touches no database; the items are read from
 * --data, $FIREWARDEN_DATA/penalty or data/penalty.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "domain/penalty.h"

/* The exit codes documented in main.c. */
#define PN_EXIT_USAGE	2
#define PN_EXIT_IO	3

static void
cli_penalty_usage(FILE *f)
{
	fputs(
"usage: firewarden penalty suggest --item ITEM --party unit|individual\n"
"           --tier minor|general|serious [--first] [--corrected]\n"
"           [--harm none|minor|serious] [--self-found] [--no-fault]\n"
"           [--mitigating GROUND...] [--age N] [--band B | --area M2]\n"
"           [--reduce] [--amount YUAN] [--version V] [--data DIR] [--pretty]\n"
"       firewarden penalty items [--version V] [--data DIR] [--pretty]\n"
"       firewarden penalty higher --party P --items A,B[,...] [--version V]\n"
"           [--data DIR] [--pretty]\n"
"\n"
"suggest  print the suggestion for one violation as JSON: item, basis,\n"
"         statutory {min, max}, outcome (no-penalty | fine | warning),\n"
"         range {min, max}, the rules that applied, ...\n"
"         --item        e.g. FPL-60-3, GD-49 (see penalty items)\n"
"         --first       first violation within the look-back window\n"
"         --corrected   corrected in time (on the spot; by the deadline\n"
"                       for items fined only after one)\n"
"         --harm        the harm caused (default none)\n"
"         --self-found  found and being fixed before the inspection\n"
"         --no-fault    the party proved no subjective fault\n"
"         --mitigating  grounds of 行政处罚法 art. 32, by commas, spaces or\n"
"                       repeated: eliminated_harm, coerced, confessed,\n"
"                       meritorious, other_statutory\n"
"         --age         an individual's age at the act (art. 30)\n"
"         --band, --area  the statutory band where an item has several\n"
"                       (e.g. GD-47 by floor area in m²)\n"
"         --reduce      the officer chooses reduced punishment (减轻)\n"
"         --amount      also check a decided amount against the range\n"
"items    print the loaded items and their statutory ranges as JSON\n"
"higher   one act under several norms: the item with the higher fine\n"
"\n"
"The items are read from --data DIR, else $FIREWARDEN_DATA/penalty, else\n"
"data/penalty (every items-<version>.json there).\n"
"exit codes: 0 ok, 2 usage or an unknown item, party, tier, band or\n"
"ground, 3 the data files cannot be loaded\n", f);
}

static int
cli_penalty_fail(const char *what)
{
	fprintf(stderr, "firewarden: penalty: %s\n", what);
	fputs("usage: firewarden penalty suggest|items|higher ... (see "
	    "firewarden penalty --help)\n", stderr);
	return PN_EXIT_USAGE;
}

/* Load dir, else $FIREWARDEN_DATA/penalty, else data/penalty. */
static int
cli_penalty_load(const char *dir)
{
	const char	*data = getenv("FIREWARDEN_DATA");
	struct err	 e;
	char		*def = NULL;
	int		 rc = 0;

	if (dir == NULL)
		dir = def = xasprintf("%s/penalty", data && *data ? data :
		    "data");
	err_clear(&e);
	if (penalty_load_dir(dir, &e) < 0) {
		fprintf(stderr, "firewarden: penalty: %s\n", e.msg);
		rc = PN_EXIT_IO;
	}
	free(def);
	return rc;
}

static void
cli_penalty_print(json_t *j, int pretty)
{
	char	*s;

	s = json_dumps(j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
	puts(s != NULL ? s : "null");
	free(s);
}

/* An engine error: the field and the message, exit 2. */
static int
cli_penalty_refused(const struct err *e)
{
	fprintf(stderr, "firewarden: penalty: %s: %s\n", e->field, e->msg);
	return PN_EXIT_USAGE;
}

/* The grounds of list (commas and spaces) added to *grounds. */
static int
cli_penalty_grounds(const char *list, unsigned *grounds, struct err *e)
{
	char		*copy = xstrdup(list), *p, *save = NULL;
	unsigned	 g;
	int		 rc = 0, n = 0;

	for (p = strtok_r(copy, ", \t", &save); p != NULL && rc == 0;
	    p = strtok_r(NULL, ", \t", &save)) {
		if ((rc = penalty_ground_parse(p, &g, e)) == 0)
			*grounds |= g;
		n++;
	}
	if (rc == 0 && n == 0)
		rc = err_set(e, ERR_INVALID, "mitigating", "give a ground");
	free(copy);
	return rc;
}

/* A whole number of at most max for option name. */
static int
cli_penalty_number(const char *s, int64_t max, const char *name,
    int64_t *out)
{
	char	msg[80];

	if (str_to_i64(s, 0, max, out) < 0) {
		snprintf(msg, sizeof(msg), "%s must be a whole number from 0 "
		    "to %lld", name, (long long)max);
		return cli_penalty_fail(msg);
	}
	return 0;
}

static int
cli_penalty_suggest(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "item", required_argument, NULL, 'i' },
		{ "party", required_argument, NULL, 'p' },
		{ "tier", required_argument, NULL, 't' },
		{ "first", no_argument, NULL, 'f' },
		{ "corrected", no_argument, NULL, 'c' },
		{ "harm", required_argument, NULL, 'H' },
		{ "self-found", no_argument, NULL, 's' },
		{ "no-fault", no_argument, NULL, 'n' },
		{ "mitigating", required_argument, NULL, 'm' },
		{ "age", required_argument, NULL, 'a' },
		{ "band", required_argument, NULL, 'b' },
		{ "area", required_argument, NULL, 'A' },
		{ "reduce", no_argument, NULL, 'r' },
		{ "amount", required_argument, NULL, 'M' },
		{ "version", required_argument, NULL, 'V' },
		{ "data", required_argument, NULL, 'd' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct penalty_query		 q;
	struct err			 e;
	json_t				*out;
	const char			*party = NULL, *tier = NULL;
	const char			*harm = NULL, *dir = NULL;
	int64_t				 n, yuan = -1;
	int				 c, i, pretty = 0, mitigating = 0, rc;

	penalty_query_init(&q);
	err_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': q.item = optarg; break;
		case 'p': party = optarg; break;
		case 't': tier = optarg; break;
		case 'f': q.first = 1; break;
		case 'c': q.corrected = 1; break;
		case 'H': harm = optarg; break;
		case 's': q.self_found = 1; break;
		case 'n': q.no_fault = 1; break;
		case 'm':
			mitigating = 1;
			if (cli_penalty_grounds(optarg, &q.grounds, &e) < 0)
				return cli_penalty_refused(&e);
			break;
		case 'a':
			if ((rc = cli_penalty_number(optarg, PENALTY_AGE_MAX,
			    "--age", &n)) != 0)
				return rc;
			q.age = (int)n;
			break;
		case 'b': q.band = optarg; break;
		case 'A':
			if ((rc = cli_penalty_number(optarg, PENALTY_AREA_MAX,
			    "--area", &q.area)) != 0)
				return rc;
			break;
		case 'r': q.reduce = 1; break;
		case 'M':
			if ((rc = cli_penalty_number(optarg, PENALTY_YUAN_MAX,
			    "--amount", &yuan)) != 0)
				return rc;
			break;
		case 'V': q.version = optarg; break;
		case 'd': dir = optarg; break;
		case 'P': pretty = 1; break;
		case 'h':
			cli_penalty_usage(stdout);
			return 0;
		default:
			return cli_penalty_fail("unknown option");
		}
	}
	/* --mitigating a b: the words after the options are more grounds. */
	for (i = optind; i < argc; i++) {
		if (!mitigating)
			return cli_penalty_fail("unexpected argument");
		if (cli_penalty_grounds(argv[i], &q.grounds, &e) < 0)
			return cli_penalty_refused(&e);
	}
	if (q.item == NULL)
		return cli_penalty_fail("--item is required");
	if (party == NULL)
		return cli_penalty_fail("--party is required");
	if (tier == NULL)
		return cli_penalty_fail("--tier is required");
	if (penalty_party_parse(party, &q.party, &e) < 0 ||
	    penalty_tier_parse(tier, &q.tier, &e) < 0 ||
	    (harm != NULL && penalty_harm_parse(harm, &q.harm, &e) < 0))
		return cli_penalty_refused(&e);
	if ((rc = cli_penalty_load(dir)) != 0)
		return rc;
	if (penalty_answer_json(&q, yuan, &out, &e) < 0)
		rc = cli_penalty_refused(&e);
	else {
		cli_penalty_print(out, pretty);
		json_decref(out);
		rc = 0;
	}
	penalty_unload();
	return rc;
}

static int
cli_penalty_items(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "version", required_argument, NULL, 'V' },
		{ "data", required_argument, NULL, 'd' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct err	 e;
	const char	*dir = NULL, *version = NULL;
	json_t		*list = NULL;
	int		 c, pretty = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'V': version = optarg; break;
		case 'd': dir = optarg; break;
		case 'P': pretty = 1; break;
		case 'h':
			cli_penalty_usage(stdout);
			return 0;
		default:
			return cli_penalty_fail("unknown option");
		}
	}
	if (optind != argc)
		return cli_penalty_fail("unexpected argument");
	if ((rc = cli_penalty_load(dir)) != 0)
		return rc;
	err_clear(&e);
	if (penalty_items_json(version, &list, &e) < 0)
		rc = cli_penalty_refused(&e);
	else
		cli_penalty_print(list, pretty);
	json_decref(list);
	penalty_unload();
	return rc;
}

static int
cli_penalty_higher(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "party", required_argument, NULL, 'p' },
		{ "items", required_argument, NULL, 'i' },
		{ "version", required_argument, NULL, 'V' },
		{ "data", required_argument, NULL, 'd' },
		{ "pretty", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum penalty_party	 party;
	struct err		 e;
	const char		*dir = NULL, *version = NULL, *ps = NULL;
	const char		*list[PENALTY_NORMS_MAX + 1];
	char			*copy = NULL, *p, *save = NULL;
	json_t			*out, *given;
	int			 c, n = 0, chosen, pretty = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': ps = optarg; break;
		case 'i':
			free(copy);
			copy = xstrdup(optarg);
			break;
		case 'V': version = optarg; break;
		case 'd': dir = optarg; break;
		case 'P': pretty = 1; break;
		case 'h':
			free(copy);
			cli_penalty_usage(stdout);
			return 0;
		default:
			free(copy);
			return cli_penalty_fail("unknown option");
		}
	}
	err_clear(&e);
	if (optind != argc)
		rc = cli_penalty_fail("unexpected argument");
	else if (ps == NULL)
		rc = cli_penalty_fail("--party is required");
	else if (copy == NULL)
		rc = cli_penalty_fail("--items is required");
	else if (penalty_party_parse(ps, &party, &e) < 0)
		rc = cli_penalty_refused(&e);
	else
		rc = 0;
	if (rc != 0)
		goto out;
	for (p = strtok_r(copy, ", \t", &save); p != NULL && n <=
	    PENALTY_NORMS_MAX; p = strtok_r(NULL, ", \t", &save))
		list[n++] = p;
	if ((rc = cli_penalty_load(dir)) != 0)
		goto out;
	if (penalty_higher_norm(version, list, n, party, &chosen, &e) < 0) {
		rc = cli_penalty_refused(&e);
		goto unload;
	}
	out = json_object();
	json_object_set_new(out, "party", json_string(penalty_party_str(
	    party)));
	given = json_array();
	for (c = 0; c < n; c++)
		json_array_append_new(given, json_string(list[c]));
	json_object_set_new(out, "items", given);
	json_object_set_new(out, "chosen", json_string(list[chosen]));
	json_object_set_new(out, "rule", json_string("PEN-016"));
	json_object_set_new(out, "source", json_string("行政处罚法 art. 29"));
	cli_penalty_print(out, pretty);
	json_decref(out);
	rc = 0;
unload:
	penalty_unload();
out:
	free(copy);
	return rc;
}

int
cli_penalty(int argc, char **argv)
{
	if (argc < 2) {
		cli_penalty_usage(stderr);
		return PN_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_penalty_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "suggest") == 0)
		return cli_penalty_suggest(argc - 1, argv + 1);
	if (strcmp(argv[1], "items") == 0)
		return cli_penalty_items(argc - 1, argv + 1);
	if (strcmp(argv[1], "higher") == 0)
		return cli_penalty_higher(argc - 1, argv + 1);
	return cli_penalty_fail("unknown command (suggest, items or higher)");
}
