/*
 * `firewarden import units`, `firewarden export units` and
 * `firewarden seed-demo`: the registry's bulk commands (docs/modules/
 * registry.md, "Import", "Export", "Demo city").  They open the database
 * as `serve` does (cli_open_db() in main.c: migrations, towns, the data
 * key) and act as the system actor; the domain functions do the work and
 * the auditing.  Exit codes as in main.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "domain/inspection_dir.h"
#include "domain/registry_io.h"
#include "store/store.h"

#define CLI_EXIT_CHECK	1
#define CLI_EXIT_USAGE	2
#define CLI_EXIT_IO	3
#define CLI_EXIT_INPUT	4

static int
cli_reg_exit(int rc)
{
	switch (rc) {
	case ERR_STORE:
	case ERR_IO:
	case ERR_UNAVAILABLE:
	case ERR_INTERNAL:
	case ERR_CRYPTO:
		return CLI_EXIT_IO;
	default:
		return CLI_EXIT_INPUT;
	}
}

static void
cli_reg_fail(const struct err *e)
{
	fprintf(stderr, "firewarden: %s%s%s\n", e->field[0] ? e->field : "",
	    e->field[0] ? ": " : "", e->msg);
}

/* The system actor of one run, with a request id the entries share. */
static void
cli_reg_actor(struct actor *who, const char *what)
{
	char	rid[40];

	snprintf(rid, sizeof(rid), "%s-%llx", what,
	    (unsigned long long)id_next());
	actor_system(who, rid);
}

/* $FIREWARDEN_DATA/<rel>, else data/<rel>. */
static char *
cli_reg_data(const char *rel)
{
	const char	*d = getenv("FIREWARDEN_DATA");

	return xasprintf("%s/%s", d && *d ? d : "data", rel);
}

/* import */

static void
cli_import_usage(FILE *f)
{
	fprintf(f,
"usage: firewarden import units FILE [--dry-run] [--encoding utf-8|gb18030]\n"
"                               [--db URL] [--keys DIR]\n"
"\n"
"Import units from a CSV file as market supervision hands it over: a header\n"
"row (name, uscc, legal_rep, registered_address, business_address, town,\n"
"industry, registered_on, or their Chinese titles), then one unit a row.\n"
"Units are matched by USCC: new ones are created, known ones updated when\n"
"the file differs, and importing the same file again changes nothing.\n"
"UTF-8 (with or without BOM) or GB18030, found from the text unless\n"
"--encoding says.  Rows are committed %d at a time (an interrupted import\n"
"keeps the transactions it committed; run it again to finish); each\n"
"rejected row is printed to stderr as \"row N: field: reason\".  --dry-run\n"
"checks and counts and changes nothing.\n"
"exit codes: 0 every row accepted, 1 some rows rejected (the others were\n"
"imported), 2 usage, 3 database or I/O error, 4 the file was refused\n",
	    REGISTRY_IMPORT_TX_ROWS);
}

static void
cli_import_reject(void *ctx, int64_t row, const char *field,
    const char *reason)
{
	(void)ctx;
	fprintf(stderr, "row %lld: %s: %s\n", (long long)row,
	    field && *field ? field : "row", reason);
}

int
cli_import(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "encoding", required_argument, NULL, 'E' },
		{ "db", required_argument, NULL, 'd' },
		{ "keys", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct registry_import_opts	 o;
	struct store			*st = NULL;
	struct actor			 who;
	struct stat			 sb;
	struct err			 e;
	const char			*db = NULL, *keys = NULL, *path;
	json_t				*rep = NULL;
	void				*map = MAP_FAILED;
	int64_t				 t0;
	double				 secs;
	int				 c, fd = -1, rc;

	memset(&o, 0, sizeof(o));
	err_clear(&e);
	o.mode = REGISTRY_IMPORT_COMMIT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': o.mode = REGISTRY_IMPORT_DRY_RUN; break;
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'E':
			if (strcasecmp(optarg, "utf-8") == 0)
				o.encoding = CSVREAD_UTF8;
			else if (strcasecmp(optarg, "gb18030") == 0)
				o.encoding = CSVREAD_GB18030;
			else {
				cli_import_usage(stderr);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'h':
			cli_import_usage(stdout);
			return 0;
		default:
			cli_import_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "units") != 0) {
		cli_import_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	path = argv[optind + 1];
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) < 0) {
		fprintf(stderr, "firewarden: %s: %s\n", path, strerror(errno));
		rc = CLI_EXIT_IO;
		goto out;
	}
	/* Read in place: a million rows need not be copied. */
	if (sb.st_size > 0 && (map = mmap(NULL, (size_t)sb.st_size, PROT_READ,
	    MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		fprintf(stderr, "firewarden: %s: %s\n", path, strerror(errno));
		rc = CLI_EXIT_IO;
		goto out;
	}
	if (map != MAP_FAILED)
		madvise(map, (size_t)sb.st_size, MADV_SEQUENTIAL);
	if ((rc = cli_open_db(db, keys, &st)) != 0)
		goto out;
	o.via = "cli";
	o.max_rows = REGISTRY_IMPORT_ROWS_CLI;
	o.batch = REGISTRY_IMPORT_TX_ROWS;
	o.max_errors = 20;
	o.on_reject = cli_import_reject;
	cli_reg_actor(&who, "import");
	t0 = clock_mono_us();
	if ((rc = registry_import_units(st, &who, map == MAP_FAILED ? "" :
	    map, (size_t)sb.st_size, &o, &rep, &e)) < 0) {
		cli_reg_fail(&e);
		rc = cli_reg_exit(rc);
		goto out;
	}
	secs = (double)(clock_mono_us() - t0) / 1e6;
	printf("%s\n", json_string_value(json_object_get(rep, "summary")));
	printf("import %s (%s): %lld rows in %.1f s (%.0f rows/s), %s\n",
	    json_string_value(json_object_get(rep, "import_id")),
	    json_string_value(json_object_get(rep, "mode")),
	    (long long)json_integer_value(json_object_get(rep, "rows")), secs,
	    secs > 0 ? (double)json_integer_value(json_object_get(rep,
	    "rows")) / secs : 0.0,
	    json_string_value(json_object_get(rep, "encoding")));
	rc = json_integer_value(json_object_get(rep, "rejected")) > 0 ?
	    CLI_EXIT_CHECK : 0;
out:
	json_decref(rep);
	if (map != MAP_FAILED)
		munmap(map, (size_t)sb.st_size);
	if (fd >= 0)
		close(fd);
	store_close(st);
	return rc;
}

/* export */

static void
cli_export_usage(FILE *f)
{
	fputs(
"usage: firewarden export units [--format csv|xlsx] [--output FILE]\n"
"                               [--town CODE] [--grid ID] [--category C]\n"
"                               [--primary-category C] [--status S]\n"
"                               [--industry I] [--risk-grade R]\n"
"                               [--prefix NAME] [--q TEXT] [--sort KEY]\n"
"                               [--db URL] [--keys DIR]\n"
"\n"
"Write the units the filters select (those of GET /api/v1/units) as CSV\n"
"(UTF-8 with BOM, Chinese headers) or XLSX to standard output or FILE.\n"
"Personal data is masked; the export is audited; at most 200 000 units.\n"
"exit codes: 0 ok, 2 usage, 3 database or I/O error, 4 refused (filter,\n"
"too many units)\n", f);
}

int
cli_export(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "town", required_argument, NULL, 'T' },
		{ "grid", required_argument, NULL, 'g' },
		{ "category", required_argument, NULL, 'c' },
		{ "primary-category", required_argument, NULL, 'P' },
		{ "status", required_argument, NULL, 's' },
		{ "industry", required_argument, NULL, 'i' },
		{ "risk-grade", required_argument, NULL, 'r' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "q", required_argument, NULL, 'q' },
		{ "sort", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'd' },
		{ "keys", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct registry_unit_query	 q;
	struct store			*st = NULL;
	struct actor			 who;
	struct err			 e;
	const char			*db = NULL, *keys = NULL;
	const char			*format = "csv", *output = NULL;
	char				*data = NULL;
	size_t				 len = 0;
	int64_t				 rows = 0;
	FILE				*f = NULL;
	int				 c, rc;

	memset(&q, 0, sizeof(q));
	err_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'T': q.town = optarg; break;
		case 'g': q.grid = optarg; break;
		case 'c': q.category = optarg; break;
		case 'P': q.primary_category = optarg; break;
		case 's': q.status = optarg; break;
		case 'i': q.industry = optarg; break;
		case 'r': q.risk_grade = optarg; break;
		case 'p': q.prefix = optarg; break;
		case 'q': q.q = optarg; break;
		case 'S': q.sort = optarg; break;
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'h':
			cli_export_usage(stdout);
			return 0;
		default:
			cli_export_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || strcmp(argv[optind], "units") != 0 ||
	    (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)) {
		cli_export_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (output == NULL && strcmp(format, "xlsx") == 0 &&
	    isatty(STDOUT_FILENO)) {
		fprintf(stderr, "firewarden: not writing a workbook to a "
		    "terminal: use --output FILE or redirect\n");
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_open_db(db, keys, &st)) != 0)
		return rc;
	cli_reg_actor(&who, "export");
	if ((rc = registry_export_units(st, &who, &q, format, &data, &len,
	    &rows, &e)) < 0) {
		cli_reg_fail(&e);
		rc = cli_reg_exit(rc);
		goto out;
	}
	f = output ? fopen(output, "wb") : stdout;
	if (f == NULL || fwrite(data, 1, len, f) != len || fflush(f) != 0) {
		fprintf(stderr, "firewarden: %s: %s\n", output ? output :
		    "standard output", strerror(errno));
		rc = CLI_EXIT_IO;
		goto out;
	}
	fprintf(stderr, "exported %lld units (%s, %zu bytes)\n",
	    (long long)rows, format, len);
	rc = 0;
out:
	if (f != NULL && f != stdout)
		fclose(f);
	free(data);
	store_close(st);
	return rc;
}

/* seed-demo */

static void
cli_seed_usage(FILE *f)
{
	fputs(
"usage: firewarden seed-demo [--units N] [--seed S] [--words DIR]\n"
"                            [--no-inspection] [--db URL] [--keys DIR]\n"
"\n"
"Fill an empty registry with a demo city: N units (default 20000, at most\n"
"5000000) over Dongguan's towns by population, realistic categories, valid\n"
"USCCs, buildings and places, sealed personal data, a few grids a town.\n"
"The same seed (default 1) gives the same city; the digest printed is that\n"
"of the content.  Word lists: DIR, else $FIREWARDEN_DATA/demo or data/demo.\n"
"The inspection item list (inspection/items.json) and 40 demo inspectors\n"
"are added to empty directories, unless --no-inspection.\n"
"exit codes: 0 ok, 2 usage, 3 database or I/O error, 4 refused (the\n"
"registry is not empty)\n", f);
}

int
cli_seed_demo(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "units", required_argument, NULL, 'u' },
		{ "seed", required_argument, NULL, 's' },
		{ "words", required_argument, NULL, 'w' },
		{ "no-inspection", no_argument, NULL, 'I' },
		{ "db", required_argument, NULL, 'd' },
		{ "keys", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct registry_seed_opts	 o;
	struct store			*st = NULL;
	struct actor			 who;
	struct err			 e;
	const char			*db = NULL, *keys = NULL;
	char				*words = NULL, *end;
	json_t				*rep = NULL;
	int64_t				 t0, v;
	int				 c, rc, no_insp = 0;

	memset(&o, 0, sizeof(o));
	err_clear(&e);
	o.units = REGISTRY_SEED_UNITS;
	o.seed = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (str_to_i64(optarg, 1, REGISTRY_SEED_UNITS_MAX,
			    &v) < 0) {
				fprintf(stderr, "firewarden: --units must be 1 "
				    "to %d\n", REGISTRY_SEED_UNITS_MAX);
				return CLI_EXIT_USAGE;
			}
			o.units = v;
			break;
		case 's':
			errno = 0;
			o.seed = strtoull(optarg, &end, 10);
			if (errno != 0 || *optarg == '\0' || *end != '\0' ||
			    *optarg == '-') {
				fprintf(stderr, "firewarden: --seed must be a "
				    "whole number\n");
				return CLI_EXIT_USAGE;
			}
			break;
		case 'w': o.words = optarg; break;
		case 'I': no_insp = 1; break;
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'h':
			cli_seed_usage(stdout);
			return 0;
		default:
			cli_seed_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_seed_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (o.words == NULL)
		o.words = words = cli_reg_data("demo");
	if ((rc = cli_open_db(db, keys, &st)) != 0)
		goto out;
	cli_reg_actor(&who, "seed-demo");
	t0 = clock_mono_us();
	if ((rc = registry_seed_demo(st, &who, &o, &rep, &e)) < 0) {
		cli_reg_fail(&e);
		rc = cli_reg_exit(rc);
		goto out;
	}
	printf("seeded %lld units (seed %s) in %.1f s: %lld grids, %lld "
	    "buildings, %lld places, %lld people\ndigest %s\n",
	    (long long)json_integer_value(json_object_get(rep, "units")),
	    json_string_value(json_object_get(rep, "seed")),
	    (double)(clock_mono_us() - t0) / 1e6,
	    (long long)json_integer_value(json_object_get(rep, "grids")),
	    (long long)json_integer_value(json_object_get(rep, "buildings")),
	    (long long)json_integer_value(json_object_get(rep, "places")),
	    (long long)json_integer_value(json_object_get(rep, "people")),
	    json_string_value(json_object_get(rep, "digest")));
	if (!no_insp) {
		/* The 一单两库 of the random inspections (INS-019). */
		char	*items = cli_reg_data("inspection/items.json");
		json_t	*ins = NULL;

		rc = inspection_dir_seed_demo(st, &who, o.seed, items, o.words,
		    &ins, &e);
		free(items);
		if (rc < 0) {
			cli_reg_fail(&e);
			rc = cli_reg_exit(rc);
			goto out;
		}
		printf("inspection: %lld items, %lld inspectors\n",
		    (long long)json_integer_value(json_object_get(
		    json_object_get(ins, "items"), "created")),
		    (long long)json_integer_value(json_object_get(ins,
		    "inspectors")));
		json_decref(ins);
	}
	rc = 0;
out:
	json_decref(rep);
	free(words);
	store_close(st);
	return rc;
}
