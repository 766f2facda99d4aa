/*
 * `firewarden gateway`: the IoT gateway on its own, for scale (a city's
 * transmission devices on a machine of their own, writing to the same
 * database as the `serve` nodes, which run the jobs and the API).  It
 * prints a line of metrics every --stats seconds and on SIGUSR1 to
 * standard error, and stops on SIGINT or SIGTERM after storing what it
 * received.  Exit codes as in main.c.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <getopt.h>

#include "cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/str.h"
#include "domain/iot.h"
#include "domain/risk.h"
#include "gateway/gw.h"
#include "store/store.h"

static volatile sig_atomic_t	gwc_stop, gwc_report;

static void
gwc_on_stop(int sig)
{
	(void)sig;
	gwc_stop = 1;
}

static void
gwc_on_usr1(int sig)
{
	(void)sig;
	gwc_report = 1;
}

static void
gwc_usage(FILE *f)
{
	fprintf(f,
"usage: firewarden gateway [--listen ADDR:PORT] [--mqtt URL] [--db URL]\n"
"         [--keys DIR] [--max-conns N] [--idle-s N] [--frames-per-s N]\n"
"         [--batch-ms N] [--batch-max N] [--stats S]\n"
"\n"
"  --listen ADDR:PORT  GB/T 26875.3 over TCP (devices connect here)\n"
"  --mqtt URL          mqtt://HOST[:PORT][?client_id=ID] (or FIREWARDEN_MQTT):\n"
"                      subscribe to fw/v1/devices/+/events with QoS 1\n"
"  --max-conns N       connections at most (default 20000)\n"
"  --idle-s N          a connection silent this long is closed (300)\n"
"  --frames-per-s N    per connection; more is held back (200)\n"
"  --batch-ms N, --batch-max N\n"
"                      events are stored every N ms or N events (50, 2000)\n"
"  --stats S           a metrics line every S seconds (10; 0: only on\n"
"                      SIGUSR1)\n"
"Writes to the database of `serve` (which runs the jobs: offline, alarms,\n"
"conditions); the node number of its ids is FIREWARDEN_NODE, else taken\n"
"from the process id.  See docs/modules/iot.md.\n");
}

static int
gwc_num(const char *opt, const char *v, int64_t min, int64_t max,
    int64_t *out)
{
	if (str_to_i64(v, min, max, out) < 0) {
		fprintf(stderr, "firewarden: %s must be %lld to %lld\n", opt,
		    (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

int
cli_gateway(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "mqtt", required_argument, NULL, 'm' },
		{ "db", required_argument, NULL, 'd' },
		{ "keys", required_argument, NULL, 'k' },
		{ "max-conns", required_argument, NULL, 'c' },
		{ "idle-s", required_argument, NULL, 'i' },
		{ "frames-per-s", required_argument, NULL, 'f' },
		{ "batch-ms", required_argument, NULL, 'b' },
		{ "batch-max", required_argument, NULL, 'B' },
		{ "stats", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gw_conf		 c;
	struct gw		*g = NULL;
	struct store		*st = NULL;
	struct sigaction	 act;
	struct err		 e;
	struct buf		 line;
	const char		*db = getenv("FIREWARDEN_DB"), *keys = NULL;
	const char		*node = getenv("FIREWARDEN_NODE");
	int64_t			 v, stats = 10, last;
	int			 ch, rc;

	memset(&c, 0, sizeof(c));
	c.mqtt = getenv("FIREWARDEN_MQTT");
	if (c.mqtt != NULL && *c.mqtt == '\0')
		c.mqtt = NULL;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': c.listen = optarg; break;
		case 'm': c.mqtt = optarg; break;
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'c':
			if (gwc_num("--max-conns", optarg, 1, 1000000, &v) < 0)
				return 2;
			c.max_conns = (unsigned)v;
			break;
		case 'i':
			if (gwc_num("--idle-s", optarg, 1, 86400, &v) < 0)
				return 2;
			c.idle_s = (unsigned)v;
			break;
		case 'f':
			if (gwc_num("--frames-per-s", optarg, 1, 100000, &v) < 0)
				return 2;
			c.frames_per_s = (unsigned)v;
			break;
		case 'b':
			if (gwc_num("--batch-ms", optarg, 1, 10000, &v) < 0)
				return 2;
			c.batch_ms = (unsigned)v;
			break;
		case 'B':
			if (gwc_num("--batch-max", optarg, 1, 100000, &v) < 0)
				return 2;
			c.batch_max = (unsigned)v;
			break;
		case 's':
			if (gwc_num("--stats", optarg, 0, 86400, &stats) < 0)
				return 2;
			break;
		case 'h':
			gwc_usage(stdout);
			return 0;
		default:
			gwc_usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (c.listen == NULL && c.mqtt == NULL)) {
		gwc_usage(stderr);
		return 2;
	}
	/* Ids unique beside the serve nodes writing the same tables. */
	if (node != NULL && str_to_i64(node, 0, ID_NODE_MAX, &v) == 0)
		id_set_node((int)v);
	else
		id_set_node(1 + (int)(getpid() % ID_NODE_MAX));
	/* The schema as serve has it (migrations, towns). */
	if ((rc = cli_open_db(db, keys, &st)) != 0)
		return rc;
	store_close(st);
	err_clear(&e);
	if (iot_rules_load(NULL, &e) < 0) {
		fprintf(stderr, "firewarden: IoT rules: %s\n", e.msg);
		return 2;
	}
	/* Alarms and faults are risk events (IOT-016). */
	if (risk_model_load(NULL, &e) < 0)
		log_warn("risk model: %s: risk scores are not refreshed by the "
		    "gateway", e.msg);
	c.db_url = db != NULL && *db ? db : "sqlite:var/firewarden.db";
	memset(&act, 0, sizeof(act));
	act.sa_handler = gwc_on_stop;
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	act.sa_handler = gwc_on_usr1;
	sigaction(SIGUSR1, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (gw_start(&c, &g, &e) < 0) {
		fprintf(stderr, "firewarden: gateway: %s\n", e.msg);
		return e.code == ERR_INVALID ? 2 : 3;
	}
	if (c.listen != NULL)
		fprintf(stderr, "firewarden: gateway listening on port %d\n",
		    gw_port(g));
	buf_init(&line);
	last = clock_mono_us();
	while (!gwc_stop) {
		usleep(100000);
		if (gwc_report || (stats > 0 && clock_mono_us() - last >=
		    stats * 1000000)) {
			gwc_report = 0;
			last = clock_mono_us();
			buf_reset(&line);
			gw_metrics_line(&line);
			log_info("gateway: %s", line.data);
		}
	}
	gw_stop(g);
	buf_reset(&line);
	gw_metrics_line(&line);
	log_info("gateway stopped: %s", line.data);
	buf_free(&line);
	return 0;
}
