/*
 * The ceiling of the IoT ingest on one core, without the network:
 *
 *   bench_iot DB_URL DEVICES EVENTS [BATCH]
 *
 * feeds EVENTS synthetic events (the simulator's mix: component state
 * changes, pressure readings, system states, a fault now and then, one
 * alarm in a thousand) from DEVICES registered GB/T 26875.3 devices
 * (sources 100000 + i in hex, as bench/iot.sh registers them) to
 * iot_ingest_run() in batches of BATCH (500), and prints events stored
 * per second.  Measures only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/jx.h"
#include "core/mem.h"
#include "domain/iot.h"
#include "domain/risk.h"
#include "store/store.h"

static double
bi_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct iot_ingest_stats	 s;
	struct iot_ingest	*x;
	struct iot_event	*ev;
	struct store		*st = NULL;
	struct err		 e;
	uint64_t		 rng = 88172645463325252ULL, r;
	long			 devices, n, batch = 500, i, k;
	int64_t			 base = (int64_t)time(NULL) << 24;
	double			 t0, t;

	if (argc < 4) {
		fprintf(stderr, "usage: bench_iot DB_URL DEVICES EVENTS "
		    "[BATCH]\n");
		return 2;
	}
	devices = atol(argv[2]);
	n = atol(argv[3]);
	if (argc > 4)
		batch = atol(argv[4]);
	if (devices < 1 || n < 1 || batch < 1)
		return 2;
	jx_init();
	if (iot_rules_load(NULL, &e) < 0 || store_open(argv[1], &st, &e) < 0) {
		fprintf(stderr, "bench_iot: %s\n", e.msg);
		return 1;
	}
	risk_model_load(NULL, &e);
	x = iot_ingest_new();
	ev = xcalloc((size_t)batch, sizeof(*ev));
	memset(&s, 0, sizeof(s));
	t0 = bi_now();
	for (i = 0; i < n; i += batch) {
		for (k = 0; k < batch && i + k < n; k++) {
			struct iot_event	*v = &ev[k];

			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			r = rng % 1000;
			memset(v, 0, sizeof(*v));
			v->protocol = IOT_GB26875;
			snprintf(v->source, sizeof(v->source), "%012lX",
			    0x100000 + (long)((rng >> 20) % (uint64_t)devices));
			v->at_ms = clock_now_ms();
			v->sys_type = 1;
			v->sys_addr = 1;
			v->comp_type = 40;
			v->comp_addr = (int64_t)((rng >> 40) % 24 + 1);
			v->state = -1;
			v->dedup = base + i + k;
			if (r < 600) {
				v->kind = r < 20 ? IOT_EV_FAULT : r < 300 ?
				    IOT_EV_STATE : IOT_EV_RESTORE;
				v->state = r < 20 ? 5 : r < 300 ? 0x61 : 1;
				if (r < 20)
					v->asserts = IOT_C_FAULT;
				else
					v->clears = IOT_C_FAULT | IOT_C_POWER;
				snprintf(v->desc, sizeof(v->desc), "一层大堂烟感");
			} else if (r < 999) {
				v->kind = IOT_EV_PRESSURE;
				v->sys_type = 11;
				v->comp_type = 99;
				v->has_value = 1;
				v->value = 300000 + (int64_t)(rng % 200000);
			} else {
				v->kind = IOT_EV_ALARM;
				v->state = 3;
			}
		}
		if (iot_ingest_run(st, x, ev, (size_t)k, &s, &e) < 0) {
			fprintf(stderr, "bench_iot: %s\n", e.msg);
			return 1;
		}
	}
	t = bi_now() - t0;
	printf("{\"events\":%ld,\"stored\":%llu,\"alarms\":%llu,\"conditions\":"
	    "%llu,\"batch\":%ld,\"seconds\":%.3f,\"events_per_s\":%.0f}\n", n,
	    (unsigned long long)s.stored, (unsigned long long)s.alarms,
	    (unsigned long long)s.conditions, batch, t, (double)s.stored / t);
	iot_ingest_free(x);
	free(ev);
	store_close(st);
	iot_rules_unload();
	risk_model_unload();
	return 0;
}
