/*
 * The GB/T 26875.3 listener (IOT-017): one thread, epoll, edge-triggered
 * connections.  Each connection has its streaming parser (frames split
 * across reads, several in one read, garbage skipped), a frame-rate
 * token bucket (held back, not dropped, when it runs out: TCP slows the
 * device), a cap on the bytes it may hold and on the replies waiting to
 * be written, and an idle timeout.  A send-data frame with data is queued
 * for the ingest and confirmed (command 3) when its events are committed;
 * a heartbeat (send-data without data) is confirmed at once and keeps the
 * device online; a candidate with a bad checksum is denied (command 6);
 * a reserved command byte is denied.  Nothing here touches the database.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/clock.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "gw_int.h"

#define GW_READ_CHUNK	16384
#define GW_READ_BUDGET	(4 * GW_READ_CHUNK)	/* per turn, for fairness */
#define GW_OUT_MAX	(64 * 1024)		/* replies not yet written */
#define GW_TICK_US	100000
#define GW_EV_LISTEN	UINT64_MAX
#define GW_EV_WAKE	(UINT64_MAX - 1)

struct gw_conn {
	int			 fd;
	uint32_t		 slot, gen;
	struct gb26875_parser	 p;
	uint64_t		 skipped, bad;	/* parser stats reported */
	int64_t			 last_rx_us;
	double			 tokens;
	int			 throttled;
	int			 in_ready;	/* in the ready list */
	int			 more;		/* more may be waiting */
	int			 hup;		/* the device closed its side */
	int			 closing;
	int			 dirty;		/* replies to write */
	unsigned char		*out;
	size_t			 outlen;
};

struct gw_loop {
	int			 lfd, epfd;
	struct gw_conn		**conns;	/* by slot */
	uint32_t		*gens;		/* generation of each slot */
	uint32_t		*free_slots;
	size_t			 nfree;
	uint32_t		*dirty;		/* slots with replies queued */
	size_t			 ndirty;
	uint32_t		*ready;		/* slots to read from (a
						 * closed slot's stale entry
						 * may be there too) */
	size_t			 nready;
	int64_t			 last_tick, last_sweep;
	int64_t			 reply_s;	/* the time replies carry */
	struct gb26875_time	 reply_time;
	struct gb26875_frame	*frame;
	struct iot_event	*ev;
	size_t			 doff[GW_MAP_MAX];
	const char		*det[GW_MAP_MAX];
	struct buf		 arena;
	unsigned char		 rbuf[GW_READ_CHUNK];
};

static int
gw_parse_listen(const char *listen, struct sockaddr_in *sa, struct err *e)
{
	char		 host[64];
	const char	*colon = strrchr(listen, ':');
	int64_t		 port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host) ||
	    str_to_i64(colon + 1, 0, 65535, &port) < 0)
		return err_set(e, ERR_INVALID, "listen", "the GB/T 26875.3 "
		    "address must be ADDR:PORT");
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return err_set(e, ERR_INVALID, "listen", "the GB/T 26875.3 "
		    "address must be an IPv4 address and port");
	return 0;
}

static void	gw_ready_add(struct gw_loop *l, struct gw_conn *c);

void
gw_loop_wake(struct gw *g)
{
	uint64_t	one = 1;
	ssize_t		n;

	if (g->efd >= 0)
		n = write(g->efd, &one, sizeof(one));
	(void)n;
}

static void
gw_close(struct gw_loop *l, struct gw_conn *c)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	gb26875_parser_free(&c->p);
	free(c->out);
	l->conns[c->slot] = NULL;
	l->gens[c->slot]++;
	l->free_slots[l->nfree++] = c->slot;
	atomic_fetch_sub(&gw_m.conns, 1);
	free(c);
}

/*
 * Replies are queued on the connection and written once per turn
 * (gw_flush): a batch of confirms to one device is one write.
 */
static int
gw_queue_out(struct gw_conn *c, const void *data, size_t n)
{
	/* A device that does not read its replies is cut off. */
	if (c->outlen + n > GW_OUT_MAX) {
		atomic_fetch_add(&gw_m.closed_limit, 1);
		return -1;
	}
	if (c->out == NULL)
		c->out = xmalloc(GW_OUT_MAX);
	memcpy(c->out + c->outlen, data, n);
	c->outlen += n;
	return 0;
}

/* Write what is queued; what the socket does not take waits for
 * EPOLLOUT.  -1 when the connection failed. */
static int
gw_flush(struct gw_conn *c)
{
	ssize_t	w;
	size_t	off = 0;

	c->dirty = 0;
	while (off < c->outlen) {
		w = write(c->fd, c->out + off, c->outlen - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		return -1;
	}
	if (off > 0) {
		memmove(c->out, c->out + off, c->outlen - off);
		c->outlen -= off;
	}
	return 0;
}

static void
gw_dirty(struct gw_loop *l, struct gw_conn *c)
{
	if (!c->dirty) {
		c->dirty = 1;
		l->dirty[l->ndirty++] = c->slot;
	}
}

/* Flush every connection with replies queued this turn. */
static void
gw_flush_dirty(struct gw_loop *l)
{
	struct gw_conn	*c;
	size_t		 i;

	for (i = 0; i < l->ndirty; i++) {
		if ((c = l->conns[l->dirty[i]]) == NULL || !c->dirty)
			continue;
		if (gw_flush(c) < 0) {
			c->closing = 1;
			gw_ready_add(l, c);	/* closed in the next turn */
		}
	}
	l->ndirty = 0;
}

static void
gw_reply(struct gw_loop *l, struct gw_conn *c,
    const struct gb26875_header *rx, int cmd)
{
	unsigned char		out[GB26875_FRAME_MIN];
	int64_t			now = clock_now();
	size_t			n = 0;
	int			rc;

	/* The time label of the second, converted once per second. */
	if (now != l->reply_s) {
		gb26875_time_from_epoch(&l->reply_time, now, NULL);
		l->reply_s = now;
	}
	rc = cmd == GB26875_CMD_CONFIRM ?
	    gb26875_encode_confirm(rx, &l->reply_time, out, sizeof(out), &n,
	    NULL) :
	    gb26875_encode_deny(rx, &l->reply_time, out, sizeof(out), &n,
	    NULL);
	if (rc < 0)
		return;
	if (gw_queue_out(c, out, n) < 0) {
		c->closing = 1;
		gw_ready_add(l, c);	/* closed in the next turn */
	} else {
		gw_dirty(l, c);
		atomic_fetch_add(cmd == GB26875_CMD_CONFIRM ? &gw_m.confirms :
		    &gw_m.denies, 1);
	}
}

/* One frame: queue its events, reply as the standard says. */
static void
gw_frame(struct gw *g, struct gw_loop *l, struct gw_conn *c, int64_t at_ms,
    int64_t now_us)
{
	const struct gb26875_frame	*f = l->frame;
	struct gw_item			 it;
	size_t				 n, i;
	int				 reply, cmd = f->hdr.command;

	atomic_fetch_add(&gw_m.frames, 1);
	reply = gb26875_reply_command(&f->hdr);
	if (cmd != GB26875_CMD_SEND && cmd != GB26875_CMD_ANSWER) {
		/* Controls from a device, confirms, denies, requests, vendor
		 * commands: no data for us; liveness is the next frame's. */
		if (reply != 0)
			gw_reply(l, c, &f->hdr, reply);
		return;
	}
	buf_reset(&l->arena);
	n = gw_map_frame(f, at_ms, l->ev, &l->arena, l->doff);
	for (i = 0; i < n; i++)
		l->det[i] = l->doff[i] == SIZE_MAX ? NULL : l->arena.data +
		    l->doff[i];
	memset(&it, 0, sizeof(it));
	it.slot = c->slot;
	it.gen = c->gen;
	it.hdr = f->hdr;
	it.arrival_us = now_us;
	if (gb26875_frame_is_heartbeat(f)) {
		/* IOT-009: liveness; nothing to store, confirmed at once. */
		atomic_fetch_add(&gw_m.heartbeats, 1);
		it.confirm = 0;
		gw_enqueue(g, &it, l->ev, n, l->det);
		gw_reply(l, c, &f->hdr, GB26875_CMD_CONFIRM);
		return;
	}
	/* Confirmed (reply 3) once the events are committed. */
	it.confirm = reply == GB26875_CMD_CONFIRM;
	gw_enqueue(g, &it, l->ev, n, l->det);
}

/* Report the parser's skips to the metrics. */
static void
gw_parser_stats(struct gw_conn *c)
{
	const struct gb26875_stats	*s = &c->p.stats;
	uint64_t			 bad = s->bad_length + s->bad_end +
	    s->bad_checksum;

	if (s->skipped > c->skipped) {
		atomic_fetch_add(&gw_m.garbage, s->skipped - c->skipped);
		c->skipped = s->skipped;
	}
	if (bad > c->bad) {
		atomic_fetch_add(&gw_m.bad_frames, bad - c->bad);
		c->bad = bad;
	}
}

static void
gw_drain_frames(struct gw *g, struct gw_loop *l, struct gw_conn *c)
{
	struct err	e;
	int64_t		at_ms = clock_now_ms(), now_us = clock_mono_us();
	int		rc;

	for (;;) {
		err_clear(&e);
		rc = gb26875_parser_next(&c->p, l->frame, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* Checksum failed: the standard wants a deny. */
			gw_reply(l, c, &c->p.rejected, GB26875_CMD_DENY);
			continue;
		}
		c->tokens -= 1;
		gw_frame(g, l, c, at_ms, now_us);
	}
	gw_parser_stats(c);
}

/* Read what the connection has, within the turn's budget. */
static void
gw_read(struct gw *g, struct gw_loop *l, struct gw_conn *c)
{
	size_t	budget = GW_READ_BUDGET;
	ssize_t	n;

	c->more = 1;
	while (budget > 0 && !c->closing) {
		if (c->tokens < 1) {
			/* IOT-017: over its frame rate: held back until the
			 * next tick; TCP slows the device down. */
			if (!c->throttled)
				atomic_fetch_add(&gw_m.throttled, 1);
			c->throttled = 1;
			c->more = 0;
			return;
		}
		n = read(c->fd, l->rbuf, sizeof(l->rbuf));
		if (n > 0) {
			c->last_rx_us = clock_mono_us();
			atomic_fetch_add(&gw_m.bytes, (uint64_t)n);
			gb26875_parser_feed(&c->p, l->rbuf, (size_t)n);
			gw_drain_frames(g, l, c);
			if (gb26875_parser_pending(&c->p) > g->conf.buf_max) {
				atomic_fetch_add(&gw_m.closed_limit, 1);
				c->closing = 1;
			}
			budget -= (size_t)n < budget ? (size_t)n : budget;
			/* Edge-triggered: a short read emptied the socket,
			 * and what comes next is a new edge — no read just to
			 * be told EAGAIN.  After a hang-up the end is read. */
			if ((size_t)n < sizeof(l->rbuf) && !c->hup) {
				c->more = 0;
				return;
			}
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			/* Closed by the device: what it sent is handled. */
			gb26875_parser_finish(&c->p);
			gw_drain_frames(g, l, c);
			c->closing = 1;
			return;
		}
		if (errno == EAGAIN) {
			c->more = 0;	/* epoll tells when more comes */
			return;
		}
	}
}

static void
gw_ready_add(struct gw_loop *l, struct gw_conn *c)
{
	if (c->in_ready)
		return;
	c->in_ready = 1;
	l->ready[l->nready++] = c->slot;
}

static void
gw_accept(struct gw *g, struct gw_loop *l)
{
	struct epoll_event	 ev;
	struct gw_conn		*c;
	int			 fd, one = 1;

	for (;;) {
		fd = accept4(l->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (l->nfree == 0) {
			atomic_fetch_add(&gw_m.refused, 1);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->slot = l->free_slots[--l->nfree];
		c->gen = l->gens[c->slot];
		gb26875_parser_init(&c->p, 0);
		c->last_rx_us = clock_mono_us();
		c->tokens = g->conf.frames_per_s;
		l->conns[c->slot] = c;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
		ev.data.u64 = c->slot;
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			atomic_fetch_add(&gw_m.conns, 1);
			gw_close(l, c);
			continue;
		}
		atomic_fetch_add(&gw_m.conns, 1);
		atomic_fetch_add(&gw_m.accepted, 1);
		gw_ready_add(l, c);
	}
}

/* Frames committed: confirm them (IOT-017). */
static void
gw_completions(struct gw *g, struct gw_loop *l)
{
	struct gw_done	*d;
	struct gw_conn	*c;
	uint64_t	 v;
	size_t		 n, i;
	ssize_t		 r;

	r = read(g->efd, &v, sizeof(v));
	(void)r;
	pthread_mutex_lock(&g->done_mu);
	d = g->done;
	n = g->ndone;
	g->done = NULL;
	g->ndone = g->capdone = 0;
	pthread_mutex_unlock(&g->done_mu);
	for (i = 0; i < n; i++) {
		if (d[i].slot >= g->conf.max_conns ||
		    (c = l->conns[d[i].slot]) == NULL || c->gen != d[i].gen ||
		    c->closing)
			continue;	/* gone: the device will resend */
		gw_reply(l, c, &d[i].hdr, GB26875_CMD_CONFIRM);
	}
	free(d);
}

/* Every tick: refill the buckets; every second: the idle timeout. */
static void
gw_tick(struct gw *g, struct gw_loop *l, int64_t now)
{
	struct gw_conn	*c;
	double		 dt = (double)(now - l->last_tick) / 1e6, cap;
	size_t		 i;
	int		 sweep = now - l->last_sweep >= 1000000;

	l->last_tick = now;
	if (sweep)
		l->last_sweep = now;
	cap = g->conf.frames_per_s;
	for (i = 0; i < g->conf.max_conns; i++) {
		if ((c = l->conns[i]) == NULL)
			continue;
		c->tokens += dt * cap;
		if (c->tokens > cap)
			c->tokens = cap;
		if (c->throttled && c->tokens >= 1) {
			c->throttled = 0;
			gw_ready_add(l, c);
		}
		if (sweep && now - c->last_rx_us > (int64_t)g->conf.idle_s *
		    1000000) {
			/* A partial frame left too long is given up. */
			atomic_fetch_add(&gw_m.closed_idle, 1);
			gb26875_parser_finish(&c->p);
			gw_drain_frames(g, l, c);
			gw_close(l, c);
		}
	}
}

static void *
gw_loop_run(void *arg)
{
	struct gw		*g = arg;
	struct gw_loop		*l = g->loop;
	struct epoll_event	 evs[256];
	struct gw_conn		*c;
	uint32_t		*work;
	size_t			 nwork, i;
	int64_t			 now;
	int			 n, k, paused;

	work = xcalloc(2 * (size_t)g->conf.max_conns, sizeof(*work));
	l->last_tick = l->last_sweep = clock_mono_us();
	while (!atomic_load(&g->stop)) {
		/* Back-pressure: while the ingest is far behind, connections
		 * wait in the ready list (their data in the kernel). */
		paused = atomic_load(&g->queued) > GW_QUEUE_MAX;
		n = epoll_wait(l->epfd, evs, 256, l->nready > 0 && !paused ?
		    0 : paused ? 10 : GW_TICK_US / 1000);
		for (k = 0; k < n; k++) {
			if (evs[k].data.u64 == GW_EV_LISTEN) {
				gw_accept(g, l);
				continue;
			}
			if (evs[k].data.u64 == GW_EV_WAKE) {
				gw_completions(g, l);
				continue;
			}
			if ((c = l->conns[evs[k].data.u64]) == NULL)
				continue;
			if (evs[k].events & EPOLLOUT && c->outlen > 0 &&
			    gw_flush(c) < 0) {
				c->closing = 1;
				gw_ready_add(l, c);
			}
			if (evs[k].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				c->hup = 1;
			if (evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
			    EPOLLERR) && !c->throttled)
				gw_ready_add(l, c);
		}
		if (!paused && l->nready > 0) {
			/* This turn's list; who still has data goes on. */
			memcpy(work, l->ready, l->nready * sizeof(*work));
			nwork = l->nready;
			l->nready = 0;
			for (i = 0; i < nwork; i++) {
				if ((c = l->conns[work[i]]) == NULL ||
				    !c->in_ready)
					continue;	/* closed, or twice */
				c->in_ready = 0;
				gw_read(g, l, c);
				if (c->closing)
					gw_close(l, c);
				else if (c->more)
					gw_ready_add(l, c);	/* budget spent */
			}
		}
		gw_flush_dirty(l);
		now = clock_mono_us();
		if (now - l->last_tick >= GW_TICK_US)
			gw_tick(g, l, now);
	}
	free(work);
	return NULL;
}

int
gw_loop_start(struct gw *g, struct err *e)
{
	struct gw_loop		*l;
	struct sockaddr_in	 sa;
	socklen_t		 slen = sizeof(sa);
	struct epoll_event	 ev;
	uint32_t		 i;
	int			 one = 1, rc;

	if ((rc = gw_parse_listen(g->conf.listen, &sa, e)) < 0)
		return rc;
	l = xcalloc(1, sizeof(*l));
	l->lfd = l->epfd = -1;
	g->loop = l;
	l->frame = xmalloc(sizeof(*l->frame));
	l->ev = xcalloc(GW_MAP_MAX, sizeof(*l->ev));
	buf_init(&l->arena);
	l->conns = xcalloc(g->conf.max_conns, sizeof(*l->conns));
	l->gens = xcalloc(g->conf.max_conns, sizeof(*l->gens));
	l->free_slots = xcalloc(g->conf.max_conns, sizeof(*l->free_slots));
	l->ready = xcalloc(2 * (size_t)g->conf.max_conns, sizeof(*l->ready));
	l->dirty = xcalloc(2 * (size_t)g->conf.max_conns, sizeof(*l->dirty));
	for (i = 0; i < g->conf.max_conns; i++)
		l->free_slots[i] = g->conf.max_conns - 1 - i;
	l->nfree = g->conf.max_conns;
	if ((l->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(l->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) < 0 ||
	    bind(l->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l->lfd, 4096) < 0)
		return err_set(e, ERR_IO, "listen", "cannot listen on %s: %s",
		    g->conf.listen, strerror(errno));
	if (getsockname(l->lfd, (struct sockaddr *)&sa, &slen) == 0)
		g->port = ntohs(sa.sin_port);
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (g->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		return err_set(e, ERR_IO, NULL, "epoll: %s", strerror(errno));
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = GW_EV_LISTEN;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->lfd, &ev) < 0)
		return err_set(e, ERR_IO, NULL, "epoll: %s", strerror(errno));
	ev.data.u64 = GW_EV_WAKE;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, g->efd, &ev) < 0)
		return err_set(e, ERR_IO, NULL, "epoll: %s", strerror(errno));
	if (pthread_create(&g->loop_th, NULL, gw_loop_run, g) != 0)
		return err_set(e, ERR_INTERNAL, NULL, "cannot start the "
		    "GB/T 26875.3 loop");
	g->have_loop = 1;
	log_info("GB/T 26875.3 gateway listening on %s", g->conf.listen);
	return 0;
}

void
gw_loop_stop(struct gw *g)
{
	struct gw_loop	*l = g->loop;
	size_t		 i;

	if (l == NULL)
		return;
	if (g->have_loop)
		pthread_join(g->loop_th, NULL);
	for (i = 0; i < g->conf.max_conns && l->conns != NULL; i++)
		if (l->conns[i] != NULL)
			gw_close(l, l->conns[i]);
	if (l->lfd >= 0)
		close(l->lfd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->conns);
	free(l->gens);
	free(l->free_slots);
	free(l->ready);
	free(l->dirty);
	free(l->frame);
	free(l->ev);
	buf_free(&l->arena);
	free(l);
	g->loop = NULL;
}
