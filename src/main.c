/*
 * The firewarden command: one binary, subcommands for serving, schema
 * migration, accounts and audit verification.  Exit codes: 0 success,
 * 1 a check failed (audit verify found a problem), 2 usage error,
 * 3 database or I/O error, 4 rejected input (policy, conflict).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/jx.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/ecert.h"
#include "domain/files.h"
#include "domain/hazard.h"
#include "domain/hazard_judge.h"
#include "domain/patrol.h"
#include "domain/permit.h"
#include "domain/enforce.h"
#include "domain/enforce_pay.h"
#include "domain/penalty.h"
#include "domain/inspection.h"
#include "domain/notice.h"
#include "domain/inspection_dir.h"
#include "domain/iot.h"
#include "domain/job.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "domain/registry_io.h"
#include "domain/risk.h"
#include "gateway/gw.h"
#include "http/server.h"
#include "store/store.h"

#define EXIT_CHECK	1
#define EXIT_USAGE	2
#define EXIT_DB		3
#define EXIT_INPUT	4

#define DEFAULT_DB	"sqlite:var/firewarden.db"
#define DEFAULT_LISTEN	"127.0.0.1:8080"
#define DEFAULT_KEYS	"var/keys"
#define DEFAULT_WEB	"web/dist"

/* Object types whose records `audit verify --deep` recomputes. */
static const struct audit_type	main_audit_types[] = {
	{ "user", account_user_record },
	{ "role", account_role_record },
	{ "town", registry_town_record },
	{ "grid", registry_grid_record },
	{ "unit", registry_unit_record },
	{ "building", registry_building_record },
	{ "place", registry_place_record },
	{ "unmask", registry_unmask_record },
	{ "classification", registry_class_record },
	{ "import", registry_import_record },
	{ "export", registry_export_record },
	{ "seed", registry_seed_record },
	{ "inspection_plan", inspection_plan_record },
	{ "inspection_task", inspection_task_record },
	{ "inspection_rules", inspection_rules_record },
	{ "inspection_check", inspection_check_record },
	{ "hazard", hazard_record },
	{ "hazard_transfer", hazard_transfer_record },
	{ "hazard_judgement", hazard_judgement_record },
	{ "hazard_listing", hazard_listing_record },
	{ "hazard_listing_report", hazard_listing_report_record },
	{ "hazard_seal", hazard_seal_record },
	{ "patrol_record", patrol_record },
	{ "inspection_item", inspection_dir_item_record },
	{ "inspector", inspection_dir_inspector_record },
	{ "inspector_conflict", inspection_dir_conflict_record },
	{ "file", files_record },
	{ "risk_event", risk_event_record },
	{ "risk_run", risk_run_record },
	{ "notice", notice_record },
	{ "ecert", ecert_record },
	{ "ecert_key", ecert_key_record },
	{ "permit", permit_record },
	{ "credit_event", permit_credit_event_record },
	{ "iot_device", iot_device_record },
	{ "iot_alarm", iot_alarm_record },
	{ "iot_condition", iot_condition_record },
	{ "officer_cert", enforce_cert_record },
	{ "officer_conflict", enforce_conflict_record },
	{ "case", enforce_case_record },
	{ "case_decision", enforce_decision_record },
	{ "case_payment", enforce_pay_record },
	{ "payment_callback", enforce_pay_callback_record },
	{ NULL, NULL },
};

/*
 * Record types that files attach to, and who may read them (files.h):
 * a module that calls files_attach() adds its row here.
 */
static const struct files_owner	main_file_owners[] = {
	{ "inspection_check", inspection_check_can_read },
	{ "hazard", hazard_can_read },
	{ "patrol_record", patrol_can_read },
	{ "permit", permit_can_read },
	{ "case", enforce_case_files_can_read },
	{ NULL, NULL },
};

/* Background jobs of `serve` and `job run` (job.h, docs/modules/job.md). */
static const struct job		main_jobs[] = {
	{ "files.sweep", 3600, 0, files_job_sweep },
	{ "risk.recompute", 0, 2 * 3600, risk_job_recompute },
	{ "hazard.escalate", 0, 1 * 3600, hazard_job_escalate },
	/* IoT monitoring (IOT-006, IOT-009, IOT-010, IOT-004). */
	{ "iot.offline", 60, 0, iot_job_offline },
	{ "iot.conditions", 60, 0, iot_job_conditions },
	{ "iot.escalate", 60, 0, iot_job_escalate },
	{ "iot.retention", 0, 3 * 3600 + 1800, iot_job_retention },
	/* Publication of penalty decisions due (ENF-055). */
	{ "enforce.publish", 0, 1 * 3600 + 1800, enforce_job_publish },
	/* Unpaid fines overdue, late fees accrued (ENF-038). */
	{ "enforce.payments", 0, 1800, enforce_job_payments },
	/* Overdue steps of enforcement cases (ENF-020). */
	{ "enforce.clocks", 0, 1 * 3600 + 900, enforce_job_clocks },
	/* The working-day calendar's end in sight (CAL-007). */
	{ "calendar.horizon", 0, 600, calendar_job_horizon },
	{ NULL, 0, 0, NULL },
};

struct opts {
	const char	*db;
	const char	*listen;
	const char	*keys;
	const char	*web;
	const char	*origins;
	const char	*blobs;		/* uploaded files (files.h) */
	const char	*login;
	const char	*role;
	const char	*jurisdiction;
	const char	*gb_listen;	/* serve --gb26875-listen */
	const char	*mqtt;		/* serve --mqtt */
	int		 password_stdin;
	int		 deep;
	int		 threads;
	int		 trust_proxy;
	int		 quiet;
	int		 allow_no_totp;
	int		 no_jobs;	/* serve without background jobs */
	int		 session_cache_ms;
	int64_t		 seed_demo;	/* serve --seed-demo-if-empty N */
	int		 help;
};

static const char	*main_prog = "firewarden";

static void
usage(FILE *f)
{
	fprintf(f,
"usage: firewarden <command> [options]\n"
"\n"
"commands:\n"
"  serve [--db URL] [--listen ADDR:PORT] [--keys DIR] [--web DIR]\n"
"        [--threads N] [--trust-proxy] [--origins LIST] [--quiet]\n"
"        [--allow-no-totp] [--seed-demo-if-empty N] [--session-cache-ms N]\n"
"        [--no-jobs]      (no background jobs on this node: tests, extra nodes)\n"
"        [--blobs DIR]    (uploaded files, default var/blobs)\n"
"        [--gb26875-listen ADDR:PORT] [--mqtt mqtt://HOST[:PORT]]\n"
"                         (the IoT gateway inside serve, docs/modules/iot.md)\n"
"                         migrate, create the administrators on first start,\n"
"                         fill an empty registry with N demo units (REG-030),\n"
"                         and serve HTTP until SIGINT or SIGTERM\n"
"  migrate [--db URL]     apply pending database migrations\n"
"  user add --login L --role R [--jurisdiction J] [--password-stdin]\n"
"  user passwd --login L  set a one-time password (read from stdin with\n"
"                         --password-stdin, else generated and printed)\n"
"  user list              list users\n"
"  audit verify [--deep]  check the audit trail (and, with --deep, that\n"
"                         every record matches its latest audit entry)\n"
"  audit sign [--keys DIR] sign a tree head for the current size\n"
"  job list | job run NAME  background jobs: last runs, or run one now\n"
"  check uscc CODE | check idcard NUMBER\n"
"                         print valid or the reason; exit 0 if valid, 1 if not\n"
"  workdays add DATE N | workdays between A B\n"
"                         working-day arithmetic on the official calendar\n"
"  import units FILE [--dry-run]\n"
"                         import units from CSV (see import --help)\n"
"  export units [--format csv|xlsx] [filters]\n"
"                         write a unit list (see export --help)\n"
"  seed-demo [--units N] [--seed S]\n"
"                         fill an empty registry with a demo city\n"
"  inspection load-items FILE\n"
"                         load the inspection item list (see inspection --help)\n"
"  draw verify BUNDLE.json | draw run [--public] INPUT.json\n"
"                         check or make a random-draw bundle (--help)\n"
"  gb26875 decode HEX | gb26875 encode KIND   GB/T 26875.3 frames (--help)\n"
"  gateway --listen ADDR:PORT [--db URL] [--mqtt URL]\n"
"                         the IoT gateway on its own (gateway --help)\n"
"  doc sample [--pages 1|2] OUT.pdf\n"
"                         write the sample notice PDF (doc --help)\n"
"  ecert verify [--key PEM_FILE] CODE | ecert keys | ecert rotate-key\n"
"        | ecert sign --key PRIVATE_PEM CONTENT_JSON\n"
"                         check a certificate's QR text (exit 0 valid,\n"
"                         1 invalid, 2 not a certificate code), the\n"
"                         certificate keys (--help)\n"
"  hazard judge --edition E --place P --elements LIST | hazard editions\n"
"                         GB 35181 major-fire-hazard judgement (--help)\n"
"  penalty suggest --item ITEM --party P --tier T [facts] | penalty items\n"
"                         discretion engine: suggested penalty (--help)\n"
"  payment key PLATFORM | payment sign --key HEX [FILE]\n"
"        | payment late-fee --fine YUAN --due DATE --paid DATE\n"
"                         payment platforms' keys, callback signatures,\n"
"                         late fees of fines (--help)\n"
"\n"
"--db takes sqlite:PATH (default %s) or a postgres:// URL;\n"
"environment: FIREWARDEN_DB, FIREWARDEN_LISTEN, FIREWARDEN_KEYS,\n"
"FIREWARDEN_BLOBS, FIREWARDEN_MQTT.\n"
"exit codes: 0 ok, 1 check failed, 2 usage, 3 database/I-O, 4 rejected input\n",
	    DEFAULT_DB);
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option	longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "keys", required_argument, NULL, 'k' },
		{ "web", required_argument, NULL, 'w' },
		{ "origins", required_argument, NULL, 'O' },
		{ "blobs", required_argument, NULL, 'B' },
		{ "login", required_argument, NULL, 'L' },
		{ "role", required_argument, NULL, 'r' },
		{ "jurisdiction", required_argument, NULL, 'j' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "deep", no_argument, NULL, 'D' },
		{ "threads", required_argument, NULL, 't' },
		{ "trust-proxy", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "allow-no-totp", no_argument, NULL, 'A' },
		{ "no-jobs", no_argument, NULL, 'J' },
		{ "session-cache-ms", required_argument, NULL, 'C' },
		{ "seed-demo-if-empty", required_argument, NULL, 'S' },
		{ "gb26875-listen", required_argument, NULL, 'G' },
		{ "mqtt", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int64_t	v;
	int	c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'k': o->keys = optarg; break;
		case 'w': o->web = optarg; break;
		case 'O': o->origins = optarg; break;
		case 'B': o->blobs = optarg; break;
		case 'L': o->login = optarg; break;
		case 'r': o->role = optarg; break;
		case 'j': o->jurisdiction = optarg; break;
		case 'p': o->password_stdin = 1; break;
		case 'D': o->deep = 1; break;
		case 'T': o->trust_proxy = 1; break;
		case 'q': o->quiet = 1; break;
		case 'A': o->allow_no_totp = 1; break;
		case 'J': o->no_jobs = 1; break;
		case 'G': o->gb_listen = optarg; break;
		case 'M': o->mqtt = optarg; break;
		case 'C':
			if (str_to_i64(optarg, 0, 60000, &v) < 0) {
				fprintf(stderr, "%s: --session-cache-ms must be "
				    "0..60000\n", main_prog);
				return -1;
			}
			o->session_cache_ms = (int)v;
			break;
		case 'S':
			if (str_to_i64(optarg, 0, REGISTRY_SEED_UNITS_MAX, &v) <
			    0) {
				fprintf(stderr, "%s: --seed-demo-if-empty must be "
				    "0..%d\n", main_prog,
				    REGISTRY_SEED_UNITS_MAX);
				return -1;
			}
			o->seed_demo = v;
			break;
		case 't':
			if (str_to_i64(optarg, 1, 256, &v) < 0) {
				fprintf(stderr, "%s: --threads must be 1..256\n",
				    main_prog);
				return -1;
			}
			o->threads = (int)v;
			break;
		case 'h': o->help = 1; break;
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument %s\n", main_prog,
		    argv[optind]);
		return -1;
	}
	return 0;
}

static void
defaults(struct opts *o)
{
	const char	*v;

	memset(o, 0, sizeof(*o));
	o->db = (v = getenv("FIREWARDEN_DB")) && *v ? v : DEFAULT_DB;
	o->listen = (v = getenv("FIREWARDEN_LISTEN")) && *v ? v :
	    DEFAULT_LISTEN;
	o->keys = (v = getenv("FIREWARDEN_KEYS")) && *v ? v : DEFAULT_KEYS;
	o->web = DEFAULT_WEB;
	o->blobs = (v = getenv("FIREWARDEN_BLOBS")) && *v ? v :
	    FILES_DIR_DEFAULT;
	o->mqtt = (v = getenv("FIREWARDEN_MQTT")) && *v ? v : NULL;
	o->threads = 4;
	o->session_cache_ms = 1000;
}

/* For sqlite:var/x.db make sure var/ exists (mode 0750). */
static void
make_db_dir(const char *url)
{
	char	*path, *slash;

	if (strncmp(url, "sqlite:", 7) != 0 || strcmp(url, "sqlite::memory:") == 0)
		return;
	path = xstrdup(url + 7);
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		if (*path)
			mkdir(path, 0750);
	}
	free(path);
}

static int
open_db(const struct opts *o, int migrate, struct store **st)
{
	struct err	e;
	int		applied = 0;

	err_clear(&e);
	make_db_dir(o->db);
	if (store_open(o->db, st, &e) < 0) {
		fprintf(stderr, "%s: %s\n", main_prog, e.msg);
		return EXIT_DB;
	}
	if (migrate && store_migrate(*st, &applied, &e) < 0) {
		fprintf(stderr, "%s: migration failed: %s\n", main_prog, e.msg);
		store_close(*st);
		*st = NULL;
		return EXIT_DB;
	}
	if (applied > 0) {
		/* Migrations may change audited records (role permissions):
		 * record their new state, attributed to the system. */
		struct actor	sys;

		actor_system(&sys, "migrate");
		if (account_audit_roles(*st, &sys, 1, &e) < 0) {
			fprintf(stderr, "%s: recording migrated roles: %s\n",
			    main_prog, e.msg);
			store_close(*st);
			*st = NULL;
			return EXIT_DB;
		}
		log_info("applied %d migration(s)", applied);
	}
	return 0;
}

/* Read or create the 48-byte data key (0600) for personal data (P-1). */
static int
load_data_key(const char *dir, unsigned char key[CRYPTO_SEAL_KEY_LEN])
{
	char	*path = xasprintf("%s/data.key", dir);
	ssize_t	 n;
	int	 fd, rc = -1;

	mkdir(dir, 0700);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, key, CRYPTO_SEAL_KEY_LEN);
		close(fd);
		if (n == CRYPTO_SEAL_KEY_LEN)
			rc = 0;
		else
			fprintf(stderr, "%s: %s is damaged\n", main_prog, path);
		goto out;
	}
	crypto_random(key, CRYPTO_SEAL_KEY_LEN);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, key, CRYPTO_SEAL_KEY_LEN) !=
	    CRYPTO_SEAL_KEY_LEN || fsync(fd) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", main_prog, path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	free(path);
	return rc;
}

/* The calendar from $FIREWARDEN_DATA/calendar, else data/calendar. */
static int
load_calendar(struct err *e)
{
	const char	*data = getenv("FIREWARDEN_DATA");
	char		*dir;
	int		 rc;

	dir = xasprintf("%s/calendar", data && *data ? data : "data");
	rc = calendar_load_dir(dir, e);
	free(dir);
	return rc;
}

/* The hazard catalogue (HAZ-001) from $FIREWARDEN_DATA/hazard, else
 * data/hazard. */
static int
load_hazard_catalogue(struct err *e)
{
	const char	*data = getenv("FIREWARDEN_DATA");
	char		*path;
	int		 rc;

	path = xasprintf("%s/hazard/catalogue.json",
	    data && *data ? data : "data");
	rc = hazard_catalogue_load(path, e);
	free(path);
	if (rc < 0)
		return rc;
	/* GB 35181 editions (HAZ-J01) beside it. */
	path = xasprintf("%s/hazard", data && *data ? data : "data");
	rc = hazard_judge_load_dir(path, e);
	free(path);
	if (rc < 0)
		return rc;
	/* Patrol checklists name hazard types (PAT-001). */
	path = xasprintf("%s/patrol/checklists.json",
	    data && *data ? data : "data");
	rc = patrol_checklists_load(path, e);
	free(path);
	if (rc < 0)
		return rc;
	/* Opening permits (PRM-001). */
	path = xasprintf("%s/permit/rules.json", data && *data ? data : "data");
	rc = permit_rules_load(path, e);
	free(path);
	if (rc < 0)
		return rc;
	/* Enforcement cases (ENF-001) and the discretion engine's items
	 * their violations are weighed by (PEN-001). */
	path = xasprintf("%s/enforce/rules.json", data && *data ? data : "data");
	rc = enforce_rules_load(path, e);
	free(path);
	if (rc < 0)
		return rc;
	path = xasprintf("%s/penalty", data && *data ? data : "data");
	rc = penalty_load_dir(path, e);
	free(path);
	return rc;
}

/*
 * `job run` with FIREWARDEN_TODAY=YYYY-MM-DD runs as if it were noon of
 * that day in Asia/Shanghai: how tests and operators replay a day's
 * deadline clocks without waiting for it.
 */
static int
job_today(struct err *e)
{
	const char	*d = getenv("FIREWARDEN_TODAY");
	struct tm	 tm;

	if (d == NULL || *d == '\0')
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (strlen(d) != 10 || strptime(d, "%Y-%m-%d", &tm) == NULL)
		return err_set(e, ERR_INVALID, "FIREWARDEN_TODAY", "FIREWARDEN_TODAY "
		    "must be YYYY-MM-DD");
	tm.tm_hour = 4;		/* 12:00 in Asia/Shanghai */
	clock_set_offset((int64_t)timegm(&tm) - clock_now());
	return 0;
}

/*
 * Reference data the database starts with: towns (REG-001) and the first
 * sampling rules (INS-020), from $FIREWARDEN_DATA, else data/.
 */
static void
load_towns(struct store *st)
{
	const char	*data = getenv("FIREWARDEN_DATA");
	char		*path;
	struct err	 e;

	path = xasprintf("%s/towns/dongguan.csv",
	    data && *data ? data : "data");
	if (registry_sync_towns(st, path, &e) < 0)
		log_warn("towns: %s", e.msg);
	free(path);
	path = xasprintf("%s/inspection/rules.json",
	    data && *data ? data : "data");
	if (inspection_rules_sync(st, path, &e) < 0)
		log_warn("inspection rules: %s", e.msg);
	free(path);
}

static int
read_password_stdin(char *buf, size_t n)
{
	size_t	len;

	if (fgets(buf, (int)n, stdin) == NULL)
		return -1;
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return len > 0 ? 0 : -1;
}

static int
exit_for(int rc)
{
	switch (rc) {
	case ERR_STORE:
	case ERR_IO:
	case ERR_UNAVAILABLE:
	case ERR_INTERNAL:
		return EXIT_DB;
	default:
		return EXIT_INPUT;
	}
}

/* Key-unit rules (REG-023) from $FIREWARDEN_DATA/rules, else data/rules. */
static void
load_key_rules(void)
{
	const char	*data = getenv("FIREWARDEN_DATA");
	char		*path;
	struct err	 e;

	path = xasprintf("%s/rules/key-units.json",
	    data && *data ? data : "data");
	if (registry_class_load(path, &e) < 0)
		log_warn("key-unit rules: %s: classification proposals are "
		    "unavailable until they load", e.msg);
	free(path);
}

/* serve --seed-demo-if-empty N: a demo city on first start (REG-030). */
static int
seed_demo_if_empty(struct store *st, int64_t units)
{
	struct registry_seed_opts	 so;
	struct actor			 sys;
	struct err			 e;
	const char			*data = getenv("FIREWARDEN_DATA");
	char				*words;
	json_t				*rep = NULL;
	int				 rc;

	memset(&so, 0, sizeof(so));
	so.units = units;
	so.seed = 1;
	so.if_empty = 1;
	so.words = words = xasprintf("%s/demo", data && *data ? data : "data");
	actor_system(&sys, "seed-demo");
	if ((rc = registry_seed_demo(st, &sys, &so, &rep, &e)) < 0)
		fprintf(stderr, "%s: seed-demo: %s\n", main_prog, e.msg);
	else if (json_is_true(json_object_get(rep, "seeded")))
		log_info("seeded a demo city of %lld units (digest %s)",
		    (long long)units, json_string_value(json_object_get(rep,
		    "digest")));
	/* The inspection directories of the demo city (INS-019). */
	if (rc == 0 && json_is_true(json_object_get(rep, "seeded"))) {
		char	*items = xasprintf("%s/inspection/items.json",
		    data && *data ? data : "data");
		json_t	*ins = NULL;

		if ((rc = inspection_dir_seed_demo(st, &sys, so.seed, items,
		    words, &ins, &e)) < 0)
			fprintf(stderr, "%s: seed-demo: %s\n", main_prog, e.msg);
		json_decref(ins);
		free(items);
	}
	/* Its hazards, in every state (hazard_seed.c). */
	if (rc == 0 && json_is_true(json_object_get(rep, "seeded"))) {
		int64_t	made = 0;

		if ((rc = store_begin(st, &e)) == 0) {
			rc = hazard_seed_demo(st, &sys, 50, &made, &e);
			rc = rc == 0 ? store_commit(st, &e) :
			    (store_rollback(st), rc);
		}
		if (rc < 0)
			fprintf(stderr, "%s: seed-demo hazards: %s\n",
			    main_prog, e.msg);
		else
			log_info("seeded %lld demo hazards", (long long)made);
	}
	/* Its enforcement cases and their demo accounts (enforce_seed.c);
	 * their one-time passwords shown once, like the admins'. */
	if (rc == 0 && json_is_true(json_object_get(rep, "seeded"))) {
		struct enforce_seed	es;
		int			i;

		if ((rc = store_begin(st, &e)) == 0) {
			rc = enforce_seed_demo(st, &sys, &es, &e);
			rc = rc == 0 ? store_commit(st, &e) :
			    (store_rollback(st), rc);
		}
		if (rc < 0)
			fprintf(stderr, "%s: seed-demo cases: %s\n",
			    main_prog, e.msg);
		else {
			log_info("seeded %lld demo cases", (long long)es.cases);
			for (i = 0; i < es.naccts; i++)
				fprintf(stderr, "firewarden: created demo user "
				    "%-14s one-time password: %s\n",
				    es.acct[i].login, es.acct[i].password);
		}
		enforce_seed_clear(&es);
	}
	json_decref(rep);
	free(words);
	return rc < 0 ? exit_for(rc) : 0;
}

const char *
cli_keys_dir(const char *keys)
{
	const char	*v;

	if (keys != NULL)
		return keys;
	return (v = getenv("FIREWARDEN_KEYS")) && *v ? v : DEFAULT_KEYS;
}

int
cli_open_db(const char *db, const char *keys, struct store **st)
{
	struct opts	 o;
	unsigned char	 dkey[CRYPTO_SEAL_KEY_LEN];
	int		 rc;

	defaults(&o);
	if (db != NULL)
		o.db = db;
	if (keys != NULL)
		o.keys = keys;
	if ((rc = open_db(&o, 1, st)) != 0)
		return rc;
	load_towns(*st);
	if (load_data_key(o.keys, dkey) < 0) {
		store_close(*st);
		*st = NULL;
		return EXIT_DB;
	}
	pii_set_key(dkey);
	mem_wipe(dkey, sizeof(dkey));
	return 0;
}

static int
cmd_migrate(const struct opts *o)
{
	struct store	*st = NULL;
	struct err	 e;
	int64_t		 v = 0;
	int		 rc;

	if ((rc = open_db(o, 1, &st)) != 0)
		return rc;
	load_towns(st);
	err_clear(&e);
	store_schema_version(st, &v, &e);
	printf("schema version %lld\n", (long long)v);
	store_close(st);
	return 0;
}

/* This node's name as a job lease holder: host and process id. */
static void
main_node_name(char *out, size_t n)
{
	char	host[64];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "node");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "%s:%ld", host, (long)getpid());
}

/*
 * job list: every job with its schedule and last run.  job run NAME: run
 * it now under its lease, recorded like a scheduled run (exit 1 if it
 * fails, 4 if another node holds the lease).
 */
static int
cmd_job(int argc, char **argv)
{
	const struct job	*j;
	struct job_run		 last;
	struct store		*st = NULL;
	struct opts		 o;
	struct err		 e;
	char			 node[96];
	int64_t			 id = 0;
	int			 rc, shift;

	defaults(&o);
	if (argc < 2 || (strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "run") != 0)) {
		fprintf(stderr, "usage: %s job list | job run NAME [--db URL]\n",
		    main_prog);
		return EXIT_USAGE;
	}
	shift = strcmp(argv[1], "run") == 0 ? 2 : 1;
	if (argc <= shift || (shift == 2 && argv[2][0] == '-') ||
	    parse_opts(argc - shift, argv + shift, &o) < 0) {
		fprintf(stderr, "usage: %s job list | job run NAME [--db URL]\n",
		    main_prog);
		return EXIT_USAGE;
	}
	if ((rc = open_db(&o, 0, &st)) != 0)
		return rc;
	err_clear(&e);
	if (shift == 1) {
		for (j = main_jobs; j->name != NULL; j++) {
			if (j->every_s > 0)
				printf("%-24s every %llds", j->name,
				    (long long)j->every_s);
			else
				printf("%-24s daily at %02lld:%02lld", j->name,
				    (long long)(j->daily_at / 3600),
				    (long long)(j->daily_at / 60 % 60));
			rc = job_last_run(st, j->name, &last, &e);
			if (rc == 0)
				printf("  last %lld %s: %s\n",
				    (long long)last.started_at,
				    last.ok ? "ok" : "FAILED", last.detail);
			else
				printf("  never run\n");
		}
		rc = 0;
		goto out;
	}
	main_node_name(node, sizeof(node));
	if (load_calendar(&e) < 0 || load_hazard_catalogue(&e) < 0 ||
	    iot_rules_load(NULL, &e) < 0 || job_today(&e) < 0) {
		fprintf(stderr, "%s: %s\n", main_prog, e.msg);
		rc = EXIT_USAGE;
		goto out;
	}
	if (files_configure(o.blobs, o.web, main_file_owners, &e) < 0) {
		fprintf(stderr, "%s: %s\n", main_prog, e.msg);
		rc = EXIT_DB;
		goto out;
	}
	rc = job_run_now(st, main_jobs, argv[2], node, &id, &e);
	/* The run just made (a FIREWARDEN_TODAY before an earlier run's
	 * would make another one the latest). */
	if (rc == 0 && job_run_get(st, id, &last, &e) == 0)
		printf("%s: %s\n", argv[2], last.detail);
	else if (rc != 0) {
		fprintf(stderr, "%s: %s\n", main_prog, e.msg);
		rc = rc == ERR_NOT_FOUND ? EXIT_USAGE : rc == ERR_CONFLICT ?
		    EXIT_INPUT : EXIT_CHECK;
	}
out:
	store_close(st);
	return rc;
}

static int
cmd_serve(const struct opts *o)
{
	struct server_conf		 c;
	struct store			*st = NULL;
	struct crypto_sm2		*key = NULL, *ekey = NULL;
	struct account_bootstrap	 boot;
	struct actor			 sys;
	struct err			 e;
	struct gw_conf			 gc;
	struct gw			*gw = NULL;
	unsigned char			 dkey[CRYPTO_SEAL_KEY_LEN];
	char				 node[96];
	int				 i, rc;

	err_clear(&e);
	memset(&boot, 0, sizeof(boot));
	if ((rc = open_db(o, 1, &st)) != 0)
		return rc;
	if (load_data_key(o->keys, dkey) < 0) {
		rc = EXIT_DB;
		goto out;
	}
	account_set_data_key(dkey);
	account_set_session_cache_ms(o->session_cache_ms);
	if (files_configure(o->blobs, o->web, main_file_owners, &e) < 0) {
		fprintf(stderr, "%s: %s\n", main_prog, e.msg);
		rc = EXIT_DB;
		goto out;
	}
	if (o->allow_no_totp) {
		account_set_totp_enforced(0);
		log_warn("--allow-no-totp: administrators and approvers may work "
		    "without a second factor (A-6 not enforced)");
	}
	pii_set_key(dkey);
	mem_wipe(dkey, sizeof(dkey));
	load_towns(st);
	load_key_rules();
	/* RISK-001: $FIREWARDEN_DATA/rules/risk-v1.json, checked strictly. */
	if (risk_model_load(NULL, &e) < 0)
		log_warn("risk model: %s: risk scores are unavailable until it "
		    "loads", e.msg);
	if (load_calendar(&e) < 0)
		log_warn("working-day calendar: %s: deadlines cannot be counted "
		    "until it loads", e.msg);
	if (load_hazard_catalogue(&e) < 0)
		log_warn("hazard catalogue: %s: hazards cannot be recorded "
		    "until it loads", e.msg);
	/* IOT-014: $FIREWARDEN_DATA/iot/rules.json. */
	if (iot_rules_load(NULL, &e) < 0)
		log_warn("IoT rules: %s: devices cannot be registered nor "
		    "events stored until they load", e.msg);
	/* The demo city after the reference data its hazards need. */
	if (o->seed_demo > 0 && (rc = seed_demo_if_empty(st, o->seed_demo)) != 0)
		goto out;
	if (account_set_common_passwords(NULL, &e) < 0)
		log_warn("common-password list: %s", e.msg);
	if (audit_key_open(st, o->keys, &key, &e) < 0) {
		fprintf(stderr, "%s: audit signing key: %s\n", main_prog, e.msg);
		rc = EXIT_DB;
		goto out;
	}
	audit_set_signer(key);
	actor_system(&sys, "serve");
	if (account_bootstrap(st, &sys, &boot, &e) < 0) {
		fprintf(stderr, "%s: creating administrators: %s\n", main_prog,
		    e.msg);
		rc = exit_for(e.code);
		goto out;
	}
	/* shown once, never stored in clear, must be changed. */
	for (i = 0; i < boot.n; i++)
		fprintf(stderr, "firewarden: created administrator %-9s "
		    "one-time password: %s\n", boot.acct[i].login,
		    boot.acct[i].password);
	account_bootstrap_clear(&boot);
	/* ECERT-007: the certificate key, made and published on first start. */
	if (ecert_key_open(st, o->keys, &ekey, &e) < 0) {
		fprintf(stderr, "%s: certificate key: %s\n", main_prog, e.msg);
		rc = EXIT_DB;
		goto out;
	}
	ecert_key_set_signer(ekey);
	/* ENF-031: the payment platforms' keys; none, every callback 401. */
	{
		char	*pdir = xasprintf("%s/payment", o->keys);

		if (enforce_pay_keys_load(pdir, &e) < 0)
			log_warn("payment keys: %s: payment callbacks are "
			    "refused until they load", e.msg);
		free(pdir);
	}
	if (audit_sign_head(st, key, 0, NULL, &e) < 0)
		log_warn("signing the first tree head: %s", e.msg);
	store_close(st);
	st = NULL;

	memset(&c, 0, sizeof(c));
	c.db_url = o->db;
	c.listen = o->listen;
	/* The address printed in certificates (PRM-008): where the public
	 * reaches this platform, FIREWARDEN_PUBLIC_URL, else the listener. */
	{
		const char	*pu = getenv("FIREWARDEN_PUBLIC_URL");
		char		*u = pu && *pu ? xstrdup(pu) :
		    xasprintf("http://%s", o->listen);

		permit_set_public_url(u);
		free(u);
	}
	c.web_root = o->web;
	c.origins = o->origins;
	c.threads = o->threads;
	c.max_body = 1 << 20;
	c.max_csv_body = 16 << 20;
	c.conn_limit = 4096;
	c.timeout_s = 60;
	c.trust_proxy = o->trust_proxy;
	c.access_log = !o->quiet;
	c.sth_interval_s = 10;
	c.audit_key = key;
	/* Jobs hold leases, so other nodes run them when this one does not. */
	c.jobs = o->no_jobs ? NULL : main_jobs;
	main_node_name(node, sizeof(node));
	c.node = node;
	/* The IoT gateway beside the HTTP server, on the same database. */
	if (o->gb_listen != NULL || o->mqtt != NULL) {
		memset(&gc, 0, sizeof(gc));
		gc.db_url = o->db;
		gc.listen = o->gb_listen;
		gc.mqtt = o->mqtt;
		if (gw_start(&gc, &gw, &e) < 0) {
			fprintf(stderr, "%s: gateway: %s\n", main_prog, e.msg);
			rc = e.code == ERR_INVALID ? EXIT_USAGE : EXIT_DB;
			goto out;
		}
		c.metrics_extra = gw_metrics_render;
	}
	if (server_run(&c, &e) < 0) {
		fprintf(stderr, "%s: %s\n", main_prog, e.msg);
		rc = EXIT_DB;
		goto out;
	}
	rc = 0;
out:
	gw_stop(gw);
	account_bootstrap_clear(&boot);
	ecert_key_set_signer(NULL);
	crypto_sm2_free(ekey);
	crypto_sm2_free(key);
	store_close(st);
	return rc;
}

static int
cmd_user(const char *sub, const struct opts *o)
{
	struct store		*st = NULL;
	struct actor		 sys;
	struct err		 e;
	struct account_user_query q;
	struct account_user	*u = NULL;
	json_t			*items = NULL, *it;
	char			 pw[160], *gen = NULL;
	int64_t			 id = 0, total = 0;
	size_t			 i;
	int			 rc;

	err_clear(&e);
	actor_system(&sys, "cli");
	if (strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 &&
	    strcmp(sub, "list") != 0) {
		fprintf(stderr, "%s: unknown user command %s\n", main_prog, sub);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "list") != 0 && o->login == NULL) {
		fprintf(stderr, "%s: user %s needs --login\n", main_prog, sub);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "add") == 0 && o->role == NULL) {
		fprintf(stderr, "%s: user add needs --role\n", main_prog);
		return EXIT_USAGE;
	}
	pw[0] = '\0';
	if (o->password_stdin && read_password_stdin(pw, sizeof(pw)) < 0) {
		fprintf(stderr, "%s: no password on standard input\n", main_prog);
		return EXIT_USAGE;
	}
	if ((rc = open_db(o, 1, &st)) != 0)
		return rc;
	/* the same common-password list as the server's. */
	if (load_calendar(&e) < 0)
		log_warn("working-day calendar: %s: deadlines cannot be counted "
		    "until it loads", e.msg);
	if (account_set_common_passwords(NULL, &e) < 0)
		log_warn("common-password list: %s", e.msg);
	err_clear(&e);
	if (strcmp(sub, "add") == 0) {
		rc = account_user_add(st, &sys, o->login, o->role,
		    o->jurisdiction, pw[0] ? pw : NULL, 0, &id, &gen, &e);
		if (rc == 0) {
			printf("created user %s (id %lld)\n", o->login,
			    (long long)id);
			if (gen)
				printf("one-time password: %s\n", gen);
		}
	} else if (strcmp(sub, "passwd") == 0) {
		memset(&q, 0, sizeof(q));
		q.q = o->login;
		q.limit = 200;
		rc = account_user_list(st, &sys, &q, &items, &total, &e);
		id = 0;
		json_array_foreach(items, i, it)
			if (strcmp(json_string_value(json_object_get(it,
			    "login")), o->login) == 0)
				str_to_i64(json_string_value(json_object_get(it,
				    "id")), 1, INT64_MAX, &id);
		if (rc == 0 && id == 0)
			rc = err_set(&e, ERR_NOT_FOUND, "login", "no user %s",
			    o->login);
		if (rc == 0 && pw[0] == '\0') {
			gen = crypto_random_hex(8);
			snprintf(pw, sizeof(pw), "Fw-%s!", gen);
			mem_free_secret(gen);
			gen = NULL;
			printf("one-time password: %s\n", pw);
		}
		if (rc == 0 && (rc = store_begin(st, &e)) == 0) {
			rc = account_user_reset_password(st, &sys, id, pw, 0, &u,
			    &e);
			if (rc == 0)
				rc = store_commit(st, &e);
			else
				store_rollback(st);
		}
		if (rc == 0)
			printf("password of %s reset; it must be changed at the "
			    "next login\n", o->login);
	} else {
		memset(&q, 0, sizeof(q));
		q.limit = 200;
		q.sort = "login";
		rc = account_user_list(st, &sys, &q, &items, &total, &e);
		json_array_foreach(items, i, it) {
			char	*roles = jx_dump(json_object_get(it, "roles"));

			printf("%s\t%s\t%s\t%s\t%s\n",
			    json_string_value(json_object_get(it, "id")),
			    json_string_value(json_object_get(it, "login")),
			    roles,
			    json_string_value(json_object_get(it,
			    "jurisdiction")),
			    json_string_value(json_object_get(it, "status")));
			free(roles);
		}
	}
	if (rc < 0) {
		fprintf(stderr, "%s: %s%s%s\n", main_prog, e.field[0] ? e.field :
		    "", e.field[0] ? ": " : "", e.msg);
		rc = exit_for(rc);
	}
	mem_wipe(pw, sizeof(pw));
	mem_free_secret(gen);
	account_user_free(u);
	json_decref(items);
	store_close(st);
	return rc;
}

static int
cmd_audit(const char *sub, const struct opts *o)
{
	struct store		*st = NULL;
	struct crypto_sm2	*key = NULL;
	struct buf		 report;
	struct err		 e;
	int64_t			 n = 0, size = 0;
	int			 rc;

	err_clear(&e);
	buf_init(&report);
	if (strcmp(sub, "verify") != 0 && strcmp(sub, "sign") != 0) {
		fprintf(stderr, "%s: unknown audit command %s\n", main_prog, sub);
		return EXIT_USAGE;
	}
	if ((rc = open_db(o, 0, &st)) != 0)
		return rc;
	if (strcmp(sub, "sign") == 0) {
		if ((rc = audit_key_open(st, o->keys, &key, &e)) == 0)
			rc = audit_sign_head(st, key, 1, &size, &e);
		if (rc == 0)
			printf("signed tree head of size %lld\n",
			    (long long)size);
		else {
			fprintf(stderr, "%s: %s\n", main_prog, e.msg);
			rc = EXIT_DB;
		}
		goto out;
	}
	rc = audit_verify(st, o->deep ? main_audit_types : NULL, &report, &n,
	    &e);
	if (rc == 0) {
		printf("audit trail verified: %lld entries%s\n", (long long)n,
		    o->deep ? ", every record matches" : "");
	} else if (rc == ERR_CRYPTO) {
		fputs(report.data ? report.data : "", stdout);
		fprintf(stderr, "%s: audit trail does NOT verify\n", main_prog);
		rc = EXIT_CHECK;
	} else {
		fprintf(stderr, "%s: %s\n", main_prog, e.msg);
		rc = EXIT_DB;
	}
out:
	buf_free(&report);
	crypto_sm2_free(key);
	store_close(st);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	const char	*cmd, *sub = NULL;
	int		 shift = 1;

	jx_init();
	defaults(&o);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "check") == 0)
		return cli_check(argc - 1, argv + 1);
	if (strcmp(cmd, "workdays") == 0)
		return cli_workdays(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cli_import(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0)
		return cli_export(argc - 1, argv + 1);
	if (strcmp(cmd, "seed-demo") == 0)
		return cli_seed_demo(argc - 1, argv + 1);
	if (strcmp(cmd, "inspection") == 0)
		return cli_inspection(argc - 1, argv + 1);
	if (strcmp(cmd, "draw") == 0)
		return cli_draw(argc - 1, argv + 1);
	if (strcmp(cmd, "gb26875") == 0)
		return cli_gb26875(argc - 1, argv + 1);
	if (strcmp(cmd, "doc") == 0)
		return cli_doc(argc - 1, argv + 1);
	if (strcmp(cmd, "ecert") == 0)
		return cli_ecert(argc - 1, argv + 1);
	if (strcmp(cmd, "hazard") == 0)
		return cli_hazard(argc - 1, argv + 1);
	if (strcmp(cmd, "gateway") == 0)
		return cli_gateway(argc - 1, argv + 1);
	if (strcmp(cmd, "penalty") == 0)
		return cli_penalty(argc - 1, argv + 1);
	if (strcmp(cmd, "payment") == 0)
		return cli_payment(argc - 1, argv + 1);
	if (strcmp(cmd, "job") == 0)
		return cmd_job(argc - 1, argv + 1);
	if ((strcmp(cmd, "user") == 0 || strcmp(cmd, "audit") == 0)) {
		if (argc < 3 || argv[2][0] == '-') {
			usage(argc >= 3 && strcmp(argv[2], "--help") == 0 ?
			    stdout : stderr);
			return argc >= 3 && strcmp(argv[2], "--help") == 0 ?
			    0 : EXIT_USAGE;
		}
		sub = argv[2];
		shift = 2;
	}
	if (parse_opts(argc - shift, argv + shift, &o) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.help) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&o);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(&o);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(sub, &o);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(sub, &o);
	fprintf(stderr, "%s: unknown command %s\n", main_prog, cmd);
	usage(stderr);
	return EXIT_USAGE;
}
