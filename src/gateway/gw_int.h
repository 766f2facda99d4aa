/*
 * What the gateway's files share: the metrics, the queue of decoded
 * events between the producers (the GB/T 26875.3 loop, the MQTT client)
 * and the ingest thread, the completions going back to the loop, and the
 * protocol mappings onto iot events (gw_map.c).
 */
#ifndef FW_GW_INT_H
#define FW_GW_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../domain/iot.h"
#include "../proto/gb26875.h"
#include "gw.h"

#define GW_LAT_BUCKETS	14
#define GW_NO_CONN	UINT32_MAX
#define GW_MQTT_CONN	(UINT32_MAX - 1)	/* an MQTT message (gen, pid) */
#define GW_QUEUE_MAX	200000	/* events queued: the loop stops reading */

/* Counters (monotonic) and gauges, shared by every thread. */
struct gw_metrics {
	_Atomic int64_t		conns;		/* gauge */
	_Atomic uint64_t	accepted;
	_Atomic uint64_t	refused;	/* over max_conns */
	_Atomic uint64_t	closed_idle;
	_Atomic uint64_t	closed_limit;	/* buffer, output */
	_Atomic uint64_t	bytes;
	_Atomic uint64_t	frames;
	_Atomic uint64_t	heartbeats;
	_Atomic uint64_t	bad_frames;	/* checksum, length, end */
	_Atomic uint64_t	garbage;	/* bytes skipped */
	_Atomic uint64_t	confirms;
	_Atomic uint64_t	denies;
	_Atomic uint64_t	throttled;
	_Atomic uint64_t	events;		/* handed to the ingest */
	_Atomic uint64_t	stored;
	_Atomic uint64_t	duplicates;
	_Atomic uint64_t	unknown;
	_Atomic uint64_t	alarms;
	_Atomic uint64_t	batches;
	_Atomic uint64_t	batch_errors;
	_Atomic uint64_t	lost;		/* items that failed alone */
	_Atomic uint64_t	mqtt_messages;
	_Atomic uint64_t	mqtt_malformed;
	_Atomic int64_t		mqtt_connected;	/* gauge */
	_Atomic uint64_t	lat[GW_LAT_BUCKETS + 1];	/* ms buckets */
	_Atomic uint64_t	lat_sum_us;
	_Atomic uint64_t	lat_n;
};
extern struct gw_metrics	gw_m;
extern const int		gw_lat_ms[GW_LAT_BUCKETS];

/* The events of one frame or message, as queued. */
struct gw_item {
	uint32_t		 slot, gen;	/* connection, or GW_NO_CONN */
	struct gb26875_header	 hdr;		/* what the confirm answers */
	uint16_t		 pid;		/* MQTT packet id */
	uint32_t		 first, n;	/* its events in the batch */
	int64_t			 arrival_us;
	int			 confirm;	/* confirm once committed */
};

struct gw_batch {
	struct iot_event	*ev;
	size_t			*doff;		/* detail offsets, or SIZE_MAX */
	size_t			 nev, capev;
	struct gw_item		*it;
	size_t			 nit, capit;
	struct buf		 arena;		/* details */
	int64_t			 first_us;
};

/* A frame committed: the loop confirms it. */
struct gw_done {
	uint32_t		 slot, gen;
	struct gb26875_header	 hdr;
};

struct gw_loop;
struct gw_mqtt;

struct gw {
	struct gw_conf		 conf;
	_Atomic int		 stop;		/* producers */
	_Atomic int		 stop_ingest;
	/* The queue. */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct gw_batch		 bufs[2];
	struct gw_batch		*cur;
	_Atomic size_t		 queued;
	/* Completions for the loop, signalled on efd. */
	pthread_mutex_t		 done_mu;
	struct gw_done		*done;
	size_t			 ndone, capdone;
	int			 efd;
	/* Threads. */
	pthread_t		 loop_th, ingest_th;
	int			 have_loop, have_ingest;
	struct gw_loop		*loop;
	struct gw_mqtt		*mqtt;
	int			 port;
};

/*
 * Queue the item it with its events ev[0..n-1] (details[i] may be NULL):
 * copied, it->first and it->n set.  Wakes the ingest when a batch is
 * full.  Returns the events now queued.
 */
size_t	gw_enqueue(struct gw *g, struct gw_item *it, const struct iot_event *ev,
	    size_t n, const char *const *details);

/* gw_loop.c */
int	gw_loop_start(struct gw *g, struct err *e);
void	gw_loop_stop(struct gw *g);
/* Tell the loop that completions are waiting (any thread). */
void	gw_loop_wake(struct gw *g);

/* gw_mqtt.c */
int	gw_mqtt_start(struct gw *g, struct err *e);
void	gw_mqtt_stop(struct gw *g);
/* An MQTT item's batch is over (ok: committed); from the ingest thread. */
void	gw_mqtt_done(struct gw *g, const struct gw_item *it, int ok);
/* Tell the MQTT thread that completions are waiting. */
void	gw_mqtt_wake(struct gw *g);

/* gw_map.c */
#define GW_MAP_MAX	(GB26875_OBJ_MAX + 1)
/*
 * The events of a decoded GB/T 26875.3 frame received at at_ms into
 * ev[0..GW_MAP_MAX-1], their details (NULL or text in arena, offsets in
 * doff) — one per information object; a heartbeat is one heartbeat
 * event, a unit of data kept raw one raw event.  Returns the count.
 */
size_t	gw_map_frame(const struct gb26875_frame *f, int64_t at_ms,
	    struct iot_event *ev, struct buf *arena, size_t *doff);
/* The source text of a GB/T 26875.3 address: 12 upper-case hex digits. */
void	gw_map_source(const uint8_t a[GB26875_ADDR_LEN],
	    char out[IOT_SOURCE_MAX + 1]);
/*
 * An MQTT message of topic fw/v1/devices/{id}/events into ev: 0, or
 * ERR_INVALID with the reason (malformed; counted, never stored).
 */
int	gw_map_mqtt(const char *topic, const void *payload, size_t len,
	    int64_t at_ms, struct iot_event *ev, struct err *e);

#endif
