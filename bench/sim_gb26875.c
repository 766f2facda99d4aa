/*
 * A simulator of GB/T 26875.3 user information transmission devices, for
 * the gateway's tests and benchmark (docs/modules/iot.md):
 *
 *   sim_gb26875 --port P [--host 127.0.0.1] [--devices N] [--base ADDR]
 *       [--rate FRAMES_PER_S] [--duration S] [--window W] [--seed S]
 *       [--split PCT] [--merge PCT] [--alarms PER_MILLE]
 *   sim_gb26875 --port P --scenario alarm|fault|restore|heartbeat|config
 *       [--index K] [--base ADDR]
 *
 * Opens N TCP connections, one device each with its own source address
 * (base + i), and plays traffic: heartbeats (send-data without data),
 * component state changes, analog values (pipe pressure), system states
 * with faults and their restores, and now and then a fire alarm; some
 * frames are written in two or three pieces and some several in one
 * write.  Each device keeps at most W frames waiting for their confirm
 * (real devices wait for one; W > 1 lets a benchmark push harder).  The
 * confirm replies are read and matched by serial number.  A scenario
 * sends one frame from device K and waits for its reply.  Prints one
 * JSON object: frames, events, confirms, denies, the event rate and the
 * latency from sending a frame to its confirm (which the gateway sends
 * once the frame's events are committed).  Measures only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/str.h"
#include "proto/gb26875.h"

#define SIM_WMAX	64
#define SIM_COMPS	24
#define SIM_PEND_MAX	(4 * GB26875_FRAME_MAX)

static const char *const sim_desc[] = {
	"一层大堂烟感", "二层东侧走廊烟感", "地下车库B区手报", "三层配电房温感",
	"消防泵房压力开关", "五层会议室烟感", "六层厨房温感", "屋顶水箱液位",
};
static const uint8_t sim_comp_types[] = { 40, 42, 23, 30, 99, 96, 97, 24 };

struct sim_out {
	uint16_t	serial;
	int64_t		t;
};

struct sim_dev {
	int			 fd;
	int			 connected;
	uint64_t		 addr;
	uint16_t		 serial;
	int64_t			 next_us;
	struct sim_out		 win[SIM_WMAX];
	int			 nwin;
	struct gb26875_parser	 p;
	unsigned char		 pend[SIM_PEND_MAX];	/* rest of a split */
	size_t			 npend;
	int64_t			 pend_at;
	uint16_t		 comp_state[SIM_COMPS];
	int			 faulty;		/* system main power */
	uint64_t		 rng;
	int			 heap;			/* index in the heap */
	int			 in_pl;
};

struct sim {
	struct sim_dev		*d;
	int			*pl, npl;	/* devices with bytes pending */
	int			 n, *heap, nheap;
	int			 epfd;
	int			 window;
	double			 rate;
	int			 split, merge, alarms;
	uint64_t		 frames, data_frames, events, heartbeats;
	uint64_t		 confirms, denies, splits, merges, errors;
	double			*lat;
	size_t			 nlat, caplat;
	struct gb26875_frame	*rx;
};

static int64_t
sim_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t
sim_rand(struct sim_dev *d)
{
	d->rng ^= d->rng << 13;
	d->rng ^= d->rng >> 7;
	d->rng ^= d->rng << 17;
	return d->rng;
}

static void
sim_die(const char *what)
{
	fprintf(stderr, "sim_gb26875: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The heap of devices by the time of their next frame. */
static void
sim_heap_swap(struct sim *s, int a, int b)
{
	int	t = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->d[s->heap[a]].heap = a;
	s->d[s->heap[b]].heap = b;
}

static void
sim_heap_down(struct sim *s, int i)
{
	int	l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < s->nheap && s->d[s->heap[l]].next_us <
		    s->d[s->heap[m]].next_us)
			m = l;
		if (r < s->nheap && s->d[s->heap[r]].next_us <
		    s->d[s->heap[m]].next_us)
			m = r;
		if (m == i)
			return;
		sim_heap_swap(s, i, m);
		i = m;
	}
}

/* One frame of the device's traffic (or of a scenario) into out. */
static size_t
sim_frame(struct sim *s, struct sim_dev *d, const char *scenario,
    unsigned char *out, int *nevents)
{
	struct gb26875_header	h;
	struct gb26875_object	o[4];
	struct err		e;
	unsigned char		adu[GB26875_ADU_MAX];
	size_t			alen = 0, len = 0, k, n = 0;
	uint64_t		r = sim_rand(d) % 1000;
	int			type = -1, c;

	memset(&h, 0, sizeof(h));
	h.serial = ++d->serial;
	h.version_main = h.version_user = 1;
	h.command = GB26875_CMD_SEND;
	gb26875_addr_set(h.source, d->addr);
	gb26875_addr_set(h.destination, 88888);
	gb26875_time_from_epoch(&h.time, (int64_t)time(NULL), &e);
	memset(o, 0, sizeof(o));
	if (scenario != NULL) {
		if (strcmp(scenario, "heartbeat") == 0)
			r = 0;
		else if (strcmp(scenario, "alarm") == 0)
			r = 999;
		else if (strcmp(scenario, "fault") == 0) {
			d->faulty = 0;
			r = 990;
		} else if (strcmp(scenario, "restore") == 0) {
			d->faulty = 1;
			r = 990;
		} else
			r = 985;	/* config */
	} else if (r >= 1000 - (uint64_t)s->alarms)
		r = 999;
	else if (r >= 995)
		r = 990;
	if (r < 100) {
		type = -1;		/* heartbeat */
	} else if (r < 700) {
		/* Components changing state: 1 to 3 of them. */
		type = GB26875_COMP_STATE;
		n = 1 + sim_rand(d) % 3;
		for (k = 0; k < n; k++) {
			/* Mostly equipment started and stopped (a pump, a
			 * fan, with its feedback); a fault now and then, and
			 * back to normal after it. */
			c = (int)(sim_rand(d) % SIM_COMPS);
			if (d->comp_state[c] & GB26875_SYS_FAULT)
				d->comp_state[c] = GB26875_SYS_NORMAL;
			else if (sim_rand(d) % 100 < 3)
				d->comp_state[c] = GB26875_SYS_NORMAL |
				    GB26875_SYS_FAULT;
			else
				d->comp_state[c] = d->comp_state[c] ==
				    GB26875_SYS_NORMAL ? GB26875_SYS_NORMAL |
				    GB26875_SYS_STARTED | GB26875_SYS_FEEDBACK :
				    GB26875_SYS_NORMAL;
			o[k].comp_state.sys_type = 1;
			o[k].comp_state.sys_addr = 1;
			o[k].comp_state.comp_type = sim_comp_types[c % 8];
			o[k].comp_state.comp_addr = (uint32_t)((c / 8 + 1) |
			    (c % 8 + 1) << 16);
			o[k].comp_state.state = d->comp_state[c];
			o[k].comp_state.desc = sim_desc[c % 8];
			o[k].comp_state.time = h.time;
		}
	} else if (r < 950) {
		/* Pipe pressure in kPa (0.1 kPa units), 1 to 4 sensors. */
		type = GB26875_COMP_ANALOG;
		n = 1 + sim_rand(d) % 4;
		for (k = 0; k < n; k++) {
			o[k].analog.sys_type = 11;
			o[k].analog.sys_addr = 1;
			o[k].analog.comp_type = 99;
			o[k].analog.comp_addr = (uint32_t)(k + 1);
			o[k].analog.analog_type = 5;
			o[k].analog.value = (int16_t)(3000 + sim_rand(d) % 2000);
			o[k].analog.time = h.time;
		}
	} else if (r < 985) {
		type = GB26875_SYS_STATE;
		n = 1;
		o[0].sys_state.sys_type = 1;
		o[0].sys_state.sys_addr = 1;
		o[0].sys_state.state = GB26875_SYS_NORMAL |
		    (d->faulty ? GB26875_SYS_MAIN_POWER : 0);
		o[0].sys_state.time = h.time;
	} else if (r < 990) {
		/* A component's configuration: its description. */
		type = GB26875_COMP_CONFIG;
		n = 1;
		o[0].comp_config.sys_type = 1;
		o[0].comp_config.sys_addr = 1;
		o[0].comp_config.comp_type = 40;
		o[0].comp_config.comp_addr = 3 | 7 << 16;
		o[0].comp_config.desc = "三区七号烟感";
	} else if (r < 999) {
		/* A main-power fault of the fire alarm system, or its end. */
		type = GB26875_SYS_STATE;
		n = 1;
		d->faulty = !d->faulty;
		o[0].sys_state.sys_type = 1;
		o[0].sys_state.sys_addr = 1;
		o[0].sys_state.state = GB26875_SYS_NORMAL |
		    (d->faulty ? GB26875_SYS_MAIN_POWER : 0);
		o[0].sys_state.time = h.time;
	} else {
		/* A fire alarm: zone 3, point 7, a smoke detector. */
		type = GB26875_COMP_STATE;
		n = 1;
		o[0].comp_state.sys_type = 1;
		o[0].comp_state.sys_addr = 1;
		o[0].comp_state.comp_type = 40;
		o[0].comp_state.comp_addr = 3 | 7 << 16;
		o[0].comp_state.state = GB26875_SYS_NORMAL | GB26875_SYS_FIRE;
		o[0].comp_state.desc = "三区七号烟感";
		o[0].comp_state.time = h.time;
	}
	if (type >= 0 && gb26875_encode_adu(type, o, n, adu, sizeof(adu),
	    &alen, &e) < 0) {
		fprintf(stderr, "sim_gb26875: encode: %s\n", e.msg);
		exit(2);
	}
	if (gb26875_encode_frame(&h, type >= 0 ? adu : NULL, alen, out,
	    GB26875_FRAME_MAX, &len, &e) < 0) {
		fprintf(stderr, "sim_gb26875: encode: %s\n", e.msg);
		exit(2);
	}
	*nevents = (int)n;
	return len;
}

static void
sim_close(struct sim *s, struct sim_dev *d)
{
	if (d->fd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, d->fd, NULL);
		close(d->fd);
	}
	d->fd = -1;
	d->connected = 0;
	s->errors++;
}

static void
sim_pending(struct sim *s, struct sim_dev *d)
{
	if (!d->in_pl) {
		d->in_pl = 1;
		s->pl[s->npl++] = (int)(d - s->d);
	}
}

static void
sim_write(struct sim *s, struct sim_dev *d, const unsigned char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(d->fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			/* The gateway holds us back: keep the rest. */
			if (d->npend + n > sizeof(d->pend)) {
				sim_close(s, d);
				return;
			}
			memmove(d->pend + n, d->pend, d->npend);
			memmove(d->pend, p, n);
			d->npend += n;
			d->pend_at = 0;
			sim_pending(s, d);
			return;
		}
		sim_close(s, d);
		return;
	}
}

/* Send the device's next frames: one, a split one, or several. */
static void
sim_send(struct sim *s, struct sim_dev *d, const char *scenario, int64_t now)
{
	unsigned char	buf[4 * GB26875_FRAME_MAX];
	size_t		len = 0, l, cut;
	int		k, nf = 1, ev;

	if (scenario == NULL && (int)(sim_rand(d) % 100) < s->merge)
		nf = 2 + (int)(sim_rand(d) % 2);
	for (k = 0; k < nf && d->nwin < s->window; k++) {
		l = sim_frame(s, d, scenario, buf + len, &ev);
		s->frames++;
		if (l > GB26875_FRAME_MIN) {
			s->data_frames++;
			s->events += (uint64_t)ev;
		} else
			s->heartbeats++;
		d->win[d->nwin].serial = d->serial;
		d->win[d->nwin].t = now;
		d->nwin++;
		len += l;
	}
	if (k > 1)
		s->merges++;
	if (scenario == NULL && nf == 1 && d->npend == 0 &&
	    (int)(sim_rand(d) % 100) < s->split) {
		/* The rest a moment later, as a slow link delivers it. */
		cut = 1 + sim_rand(d) % (len - 1);
		sim_write(s, d, buf, cut);
		if (d->fd >= 0 && len - cut <= sizeof(d->pend) - d->npend) {
			memcpy(d->pend + d->npend, buf + cut, len - cut);
			d->npend += len - cut;
			d->pend_at = now + 2000;
			sim_pending(s, d);
		}
		s->splits++;
		return;
	}
	sim_write(s, d, buf, len);
}

static void
sim_lat(struct sim *s, double ms)
{
	if (s->nlat == s->caplat) {
		s->caplat = s->caplat ? s->caplat * 2 : 65536;
		s->lat = xrealloc(s->lat, s->caplat * sizeof(*s->lat));
	}
	s->lat[s->nlat++] = ms;
}

static void
sim_read(struct sim *s, struct sim_dev *d)
{
	unsigned char	buf[8192];
	struct err	e;
	ssize_t		n;
	int		i, rc;

	for (;;) {
		n = read(d->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			sim_close(s, d);
			return;
		}
		gb26875_parser_feed(&d->p, buf, (size_t)n);
		while ((rc = gb26875_parser_next(&d->p, s->rx, &e)) != 0) {
			if (rc < 0)
				continue;
			if (s->rx->hdr.command == GB26875_CMD_DENY)
				s->denies++;
			else if (s->rx->hdr.command != GB26875_CMD_CONFIRM)
				continue;
			else
				s->confirms++;
			for (i = 0; i < d->nwin; i++)
				if (d->win[i].serial == s->rx->hdr.serial)
					break;
			if (i == d->nwin)
				continue;
			sim_lat(s, (double)(sim_now() - d->win[i].t) / 1000.0);
			d->win[i] = d->win[--d->nwin];
		}
	}
}

static int
sim_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
sim_pct(const struct sim *s, double q)
{
	size_t	i;

	if (s->nlat == 0)
		return 0;
	i = (size_t)(q * (double)(s->nlat - 1) + 0.5);
	return s->lat[i];
}

static void
sim_connect_all(struct sim *s, const struct sockaddr_in *sa)
{
	struct epoll_event	ev, evs[512];
	int			i, n, k, pending = 0, one = 1, err;
	socklen_t		el;
	int64_t			deadline = sim_now() + 30000000;

	for (i = 0; i < s->n; i++) {
		struct sim_dev	*d = &s->d[i];

		if ((d->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) < 0)
			sim_die("socket (raise ulimit -n)");
		setsockopt(d->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(d->fd, (const struct sockaddr *)sa, sizeof(*sa)) <
		    0 && errno != EINPROGRESS)
			sim_die("connect");
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP | EPOLLET;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, d->fd, &ev) < 0)
			sim_die("epoll_ctl");
		pending++;
		/* Not all SYNs at once. */
		while (pending >= 512 || (i == s->n - 1 && pending > 0)) {
			n = epoll_wait(s->epfd, evs, 512, 1000);
			for (k = 0; k < n; k++) {
				struct sim_dev	*x = &s->d[evs[k].data.u32];

				if (x->connected || x->fd < 0)
					continue;
				el = sizeof(err);
				if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err,
				    &el) < 0 || err != 0) {
					errno = err;
					sim_die("connect");
				}
				x->connected = 1;
				pending--;
			}
			if (sim_now() > deadline)
				sim_die("connect timeout");
		}
	}
}

static void
sim_usage(void)
{
	fprintf(stderr, "usage: sim_gb26875 --port P [--host H] [--devices N] "
	    "[--base ADDR] [--rate R] [--duration S] [--window W] [--seed S] "
	    "[--split PCT] [--merge PCT] [--alarms PER_MILLE] "
	    "[--scenario alarm|fault|restore|heartbeat|config --index K]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option	lo[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "devices", required_argument, NULL, 'n' },
		{ "base", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "window", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 's' },
		{ "split", required_argument, NULL, 'S' },
		{ "merge", required_argument, NULL, 'M' },
		{ "alarms", required_argument, NULL, 'a' },
		{ "scenario", required_argument, NULL, 'c' },
		{ "index", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim		 s;
	struct sockaddr_in	 sa;
	struct epoll_event	 evs[1024];
	const char		*host = "127.0.0.1", *scenario = NULL;
	double			 duration = 5, elapsed;
	uint64_t		 base = 0x100000, seed = 1;
	int64_t			 start, end, now, wait_ms, t_end;
	int			 port = 0, index = 0, ch, i, k, n;

	memset(&s, 0, sizeof(s));
	s.n = 10;
	s.window = 1;
	s.rate = 10;
	s.split = 5;
	s.merge = 5;
	s.alarms = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'H': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': s.n = atoi(optarg); break;
		case 'b': base = strtoull(optarg, NULL, 0); break;
		case 'r': s.rate = atof(optarg); break;
		case 'd': duration = atof(optarg); break;
		case 'w': s.window = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'S': s.split = atoi(optarg); break;
		case 'M': s.merge = atoi(optarg); break;
		case 'a': s.alarms = atoi(optarg); break;
		case 'c': scenario = optarg; break;
		case 'i': index = atoi(optarg); break;
		default: sim_usage();
		}
	}
	if (port <= 0 || s.n < 1 || s.window < 1 || s.window > SIM_WMAX ||
	    s.rate <= 0 || index < 0)
		sim_usage();
	if (scenario != NULL)
		s.n = index + 1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		sim_usage();
	s.d = xcalloc((size_t)s.n, sizeof(*s.d));
	s.heap = xcalloc((size_t)s.n, sizeof(*s.heap));
	s.pl = xcalloc((size_t)s.n, sizeof(*s.pl));
	s.rx = xmalloc(sizeof(*s.rx));
	if ((s.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		sim_die("epoll");
	for (i = 0; i < s.n; i++) {
		s.d[i].fd = -1;
		s.d[i].addr = base + (uint64_t)i;
		s.d[i].rng = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)i * 7919 + 1;
		for (k = 0; k < SIM_COMPS; k++)
			s.d[i].comp_state[k] = GB26875_SYS_NORMAL;
		gb26875_parser_init(&s.d[i].p, 0);
	}
	if (scenario != NULL) {
		/* Only device index connects. */
		struct sim_dev	tmp = s.d[index];

		s.d[0] = tmp;
		s.n = 1;
	}
	sim_connect_all(&s, &sa);
	start = sim_now();
	for (i = 0; i < s.n; i++) {
		/* Staggered over the first period. */
		s.d[i].next_us = start + (int64_t)((double)i / s.n * 1e6 /
		    s.rate);
		s.heap[i] = i;
		s.d[i].heap = i;
	}
	s.nheap = s.n;
	for (i = s.nheap / 2 - 1; i >= 0; i--)
		sim_heap_down(&s, i);
	end = scenario ? start : start + (int64_t)(duration * 1e6);
	if (scenario != NULL)
		sim_send(&s, &s.d[0], scenario, start);
	t_end = end;
	for (;;) {
		now = sim_now();
		/* Sending time over: wait for the last confirms (5 s). */
		if (now >= end) {
			int	waiting = 0;

			for (i = 0; i < s.n; i++)
				waiting += s.d[i].fd >= 0 && (s.d[i].nwin > 0 ||
				    s.d[i].npend > 0);
			if (waiting == 0 || now >= end + 5000000)
				break;
		}
		while (now < end && s.nheap > 0 &&
		    s.d[s.heap[0]].next_us <= now) {
			struct sim_dev	*d = &s.d[s.heap[0]];

			if (d->fd >= 0 && d->nwin < s.window && d->npend == 0)
				sim_send(&s, d, NULL, now);
			d->next_us += (int64_t)(1e6 / s.rate);
			if (d->next_us < now - 1000000)
				d->next_us = now;	/* fell behind */
			sim_heap_down(&s, 0);
		}
		/* The second halves of split frames, what waited. */
		for (i = 0, k = s.npl, s.npl = 0; i < k; i++) {
			struct sim_dev	*d = &s.d[s.pl[i]];
			size_t		 m;

			d->in_pl = 0;
			if (d->npend == 0 || d->fd < 0)
				continue;
			if (d->pend_at > now) {
				sim_pending(&s, d);
				continue;
			}
			m = d->npend;
			d->npend = 0;
			sim_write(&s, d, d->pend, m);
		}
		wait_ms = now < end && s.nheap > 0 ?
		    (s.d[s.heap[0]].next_us - now) / 1000 : 5;
		if (wait_ms < 0)
			wait_ms = 0;
		if (wait_ms > 5)
			wait_ms = 5;
		n = epoll_wait(s.epfd, evs, 1024, (int)wait_ms);
		for (k = 0; k < n; k++) {
			struct sim_dev	*d = &s.d[evs[k].data.u32];

			if (d->fd < 0)
				continue;
			if (evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
			    EPOLLERR))
				sim_read(&s, d);
		}
	}
	t_end = sim_now();
	elapsed = (double)((scenario ? t_end : end) - start) / 1e6;
	qsort(s.lat, s.nlat, sizeof(*s.lat), sim_cmp);
	printf("{\"devices\":%d,\"seconds\":%.3f,\"frames\":%llu,"
	    "\"data_frames\":%llu,\"heartbeats\":%llu,\"events\":%llu,"
	    "\"confirms\":%llu,\"denies\":%llu,\"split\":%llu,\"merged\":%llu,"
	    "\"errors\":%llu,\"events_per_s\":%.1f,\"frames_per_s\":%.1f,"
	    "\"latency_ms\":{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,"
	    "\"max\":%.2f}}\n", s.n, elapsed, (unsigned long long)s.frames,
	    (unsigned long long)s.data_frames,
	    (unsigned long long)s.heartbeats, (unsigned long long)s.events,
	    (unsigned long long)s.confirms, (unsigned long long)s.denies,
	    (unsigned long long)s.splits, (unsigned long long)s.merges,
	    (unsigned long long)s.errors,
	    elapsed > 0 ? (double)s.events / elapsed : 0,
	    elapsed > 0 ? (double)s.frames / elapsed : 0,
	    sim_pct(&s, 0.5), sim_pct(&s, 0.9), sim_pct(&s, 0.99),
	    s.nlat ? s.lat[s.nlat - 1] : 0.0);
	for (i = 0; i < s.n; i++) {
		if (s.d[i].fd >= 0)
			close(s.d[i].fd);
		gb26875_parser_free(&s.d[i].p);
	}
	free(s.d);
	free(s.heap);
	free(s.pl);
	free(s.rx);
	free(s.lat);
	close(s.epfd);
	return s.errors > 0 ? 1 : 0;
}
