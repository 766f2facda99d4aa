/*
 * `firewarden inspection <command>`: the random-inspection module's
 * commands.  `load-items FILE` loads an items file (docs/modules/
 * inspection_dir.md, INS-019) idempotently by code, as the system actor,
 * with one audit entry per item created or changed.  The database is
 * opened as `serve` does (cli_open_db() in main.c).  Exit codes as in
 * main.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/id.h"
#include "core/jx.h"
#include "domain/inspection_dir.h"
#include "store/store.h"

#define CLI_INS_EXIT_USAGE	2
#define CLI_INS_EXIT_IO		3
#define CLI_INS_EXIT_INPUT	4

static void
cli_ins_usage(FILE *f)
{
	fputs(
"usage: firewarden inspection load-items FILE [--db URL] [--keys DIR]\n"
"\n"
"load-items  load the list of inspection items (检查事项清单) from a JSON\n"
"            file of format firewarden-inspection-items-v1 (the starter\n"
"            list is data/inspection/items.json).  Items are matched by\n"
"            code: new codes are created, known ones updated where the file\n"
"            differs, archived ones left alone; loading the same file again\n"
"            changes nothing.  A bad file is refused whole, naming the item.\n"
"exit codes: 0 ok, 2 usage, 3 database or I/O error, 4 the file was refused\n",
	    f);
}

static int
cli_ins_exit(int rc)
{
	switch (rc) {
	case ERR_STORE:
	case ERR_IO:
	case ERR_UNAVAILABLE:
	case ERR_INTERNAL:
	case ERR_CRYPTO:
		return CLI_INS_EXIT_IO;
	default:
		return CLI_INS_EXIT_INPUT;
	}
}

static int
cli_ins_load_items(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "keys", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store			*st = NULL;
	struct actor			 who;
	struct err			 e;
	const char			*db = NULL, *keys = NULL;
	json_t				*rep = NULL, *u, *x;
	char				 rid[40];
	size_t				 i;
	int				 c, rc;

	err_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'h':
			cli_ins_usage(stdout);
			return 0;
		default:
			cli_ins_usage(stderr);
			return CLI_INS_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_ins_usage(stderr);
		return CLI_INS_EXIT_USAGE;
	}
	if ((rc = cli_open_db(db, keys, &st)) != 0)
		return rc;
	snprintf(rid, sizeof(rid), "load-items-%llx",
	    (unsigned long long)id_next());
	actor_system(&who, rid);
	if ((rc = inspection_dir_items_load(st, &who, argv[optind], 0, &rep,
	    &e)) < 0) {
		fprintf(stderr, "firewarden: %s%s%s\n", e.field[0] ? e.field :
		    "", e.field[0] ? ": " : "", e.msg);
		rc = cli_ins_exit(rc);
		goto out;
	}
	printf("%s (version %s): %lld items, %lld created, %lld updated, "
	    "%lld unchanged, %lld archived and skipped\n", argv[optind],
	    json_string_value(json_object_get(rep, "version")),
	    (long long)json_integer_value(json_object_get(rep, "items")),
	    (long long)json_integer_value(json_object_get(rep, "created")),
	    (long long)json_integer_value(json_object_get(rep, "updated")),
	    (long long)json_integer_value(json_object_get(rep, "unchanged")),
	    (long long)json_integer_value(json_object_get(rep, "skipped")));
	u = json_object_get(rep, "unconfirmed");
	if (json_array_size(u) > 0) {
		printf("citations to confirm (status U):");
		json_array_foreach(u, i, x)
			printf(" %s", json_string_value(x));
		printf("\n");
	}
	rc = 0;
out:
	json_decref(rep);
	store_close(st);
	return rc;
}

int
cli_inspection(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "load-items") == 0)
		return cli_ins_load_items(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		cli_ins_usage(stdout);
		return 0;
	}
	cli_ins_usage(stderr);
	return CLI_INS_EXIT_USAGE;
}
