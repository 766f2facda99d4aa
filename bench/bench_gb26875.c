/*
 * Benchmark of GB/T 26875.3 decoding on one core:
 *   bench_gb26875 [SECONDS]
 * builds a realistic mix of 1 000 frames (half heartbeats, a quarter
 * component-state uploads of 1 to 4 objects with Chinese descriptions, a
 * quarter system-state uploads of 1 or 2 objects), then measures frames
 * per second for the streaming parser fed in 4 KiB reads (what a
 * connection does), for gb26875_frame_parse on whole frames, and, for
 * scale, for the JSON rendering.  Measures only; asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "proto/gb26875.h"

#define NFRAMES	1000
#define READ_SZ	4096

static const char *const bench_desc[] = {
	"一层大堂烟感", "二层东侧走廊", "地下车库B区手报", "三层配电房温感",
	"消防泵房压力开关", "五层会议室烟感",
};

static double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
bench_die(const char *what, const struct err *e)
{
	fprintf(stderr, "bench_gb26875: %s: %s\n", what, e->msg);
	exit(1);
}

/* Frame i of the mix into out; returns its length. */
static size_t
bench_frame(unsigned i, unsigned char *out)
{
	struct gb26875_header	h;
	struct gb26875_object	o[4];
	struct err		e;
	unsigned char		adu[GB26875_ADU_MAX];
	size_t			alen = 0, len, n = 0, k;
	int			type = 0;

	memset(&h, 0, sizeof(h));
	h.serial = (uint16_t)i;
	h.version_main = h.version_user = 1;
	h.command = GB26875_CMD_SEND;
	gb26875_addr_set(h.source, 1000 + i % 50);
	gb26875_addr_set(h.destination, 88888);
	if (gb26875_time_from_epoch(&h.time, 1767225600 + i * 7, &e) < 0)
		bench_die("time", &e);
	memset(o, 0, sizeof(o));
	switch (i % 4) {
	case 1:
		type = GB26875_COMP_STATE;
		n = 1 + i / 4 % 4;
		for (k = 0; k < n; k++) {
			o[k].comp_state.sys_type = 1;
			o[k].comp_state.sys_addr = 1;
			o[k].comp_state.comp_type = 42;
			o[k].comp_state.comp_addr = (uint32_t)(i * 4 + k);
			o[k].comp_state.state = k == 0 ? GB26875_SYS_FIRE :
			    GB26875_SYS_NORMAL;
			o[k].comp_state.desc = bench_desc[(i + k) % 6];
			o[k].comp_state.time = h.time;
		}
		break;
	case 3:
		type = GB26875_SYS_STATE;
		n = 1 + i / 4 % 2;
		for (k = 0; k < n; k++) {
			o[k].sys_state.sys_type = k == 0 ? 1 : 11;
			o[k].sys_state.sys_addr = 1;
			o[k].sys_state.state = GB26875_SYS_NORMAL |
			    (i % 3 == 0 ? GB26875_SYS_FAULT : 0);
			o[k].sys_state.time = h.time;
		}
		break;
	default:
		break;	/* heartbeat */
	}
	if (type != 0 && gb26875_encode_adu(type, o, n, adu, sizeof(adu),
	    &alen, &e) < 0)
		bench_die("encode_adu", &e);
	if (gb26875_encode_frame(&h, adu, alen, out, GB26875_FRAME_MAX, &len,
	    &e) < 0)
		bench_die("encode_frame", &e);
	return len;
}

int
main(int argc, char **argv)
{
	struct gb26875_parser	 p;
	struct gb26875_frame	*f = xmalloc(sizeof(*f));
	struct err		 e;
	unsigned char		*stream;
	size_t			 off[NFRAMES + 1], total = 0, i, piece;
	double			 secs = 2, t0, t, rate;
	long			 rounds, objects = 0;
	json_t			*j;
	char			*s;
	int			 rc;

	if (argc > 1 && (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_gb26875 [SECONDS]\n");
		return 2;
	}
	jx_init();
	stream = xmalloc((size_t)NFRAMES * GB26875_FRAME_MAX);
	for (i = 0; i < NFRAMES; i++) {
		off[i] = total;
		total += bench_frame((unsigned)i, stream + total);
	}
	off[NFRAMES] = total;
	printf("mix: %d frames, %zu bytes (%.1f bytes/frame): 50%% "
	    "heartbeats, 25%% component state x1-4, 25%% system state x1-2\n",
	    NFRAMES, total, (double)total / NFRAMES);

	/* Streaming parser, 4 KiB reads. */
	gb26875_parser_init(&p, 0);
	t0 = bench_now();
	rounds = 0;
	do {
		for (i = 0; i < total; i += piece) {
			piece = total - i < READ_SZ ? total - i : READ_SZ;
			gb26875_parser_feed(&p, stream + i, piece);
			while ((rc = gb26875_parser_next(&p, f, &e)) == 1)
				objects += f->nobj;
			if (rc < 0)
				bench_die("parser", &e);
		}
		rounds++;
	} while ((t = bench_now() - t0) < secs);
	rate = (double)rounds * NFRAMES / t;
	printf("stream parse (4 KiB reads): %.0f frames/s, %.1f MB/s, "
	    "%.0f ns/frame (%llu frames, %ld objects)\n", rate,
	    rate * total / NFRAMES / 1e6, 1e9 / rate,
	    (unsigned long long)p.stats.frames, objects);
	gb26875_parser_free(&p);

	/* Whole frames, no stream. */
	t0 = bench_now();
	rounds = 0;
	do {
		for (i = 0; i < NFRAMES; i++)
			if (gb26875_frame_parse(stream + off[i],
			    off[i + 1] - off[i], f, &e) < 0)
				bench_die("frame_parse", &e);
		rounds++;
	} while ((t = bench_now() - t0) < secs);
	rate = (double)rounds * NFRAMES / t;
	printf("frame_parse: %.0f frames/s, %.0f ns/frame\n", rate, 1e9 / rate);

	/* JSON rendering of the decoded frames, for scale. */
	t0 = bench_now();
	rounds = 0;
	do {
		for (i = 0; i < NFRAMES; i++) {
			gb26875_frame_parse(stream + off[i],
			    off[i + 1] - off[i], f, &e);
			j = gb26875_frame_json(f);
			s = json_dumps(j, JSON_COMPACT);
			free(s);
			json_decref(j);
		}
		rounds++;
	} while ((t = bench_now() - t0) < secs / 2);
	rate = (double)rounds * NFRAMES / t;
	printf("frame_parse + JSON: %.0f frames/s, %.0f ns/frame\n", rate,
	    1e9 / rate);
	free(stream);
	free(f);
	return 0;
}
