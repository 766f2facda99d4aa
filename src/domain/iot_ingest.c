/*
 * The ingest of decoded events (IOT-004..013): a batch from the gateway
 * or the MQTT client is stored in one transaction, de-duplicated by
 * (device, dedup) (IOT-004), the devices' liveness and the components
 * they report kept, and the rules applied to every new event: a fire
 * alarm raises an alarm record (IOT-005), a state report opens or clears
 * device conditions (IOT-008), a reading is judged against the device's
 * thresholds.  Events from addresses no active device has are counted
 * and a few kept for registration (IOT-013).
 *
 * A context caches devices (by protocol and source, IOT_CACHE_TTL_S) and
 * the components already known with their last state, so that a steady
 * stream costs one insert per event; last_seen_at is written at most
 * every IOT_SEEN_FLUSH_S per device.  A device also keeps the targets
 * ("S1.1.C655370") that may have an open condition, so that a normal
 * report of another target does not look for conditions to clear.  The
 * caches are hints: what the database says wins, and a failed batch
 * drops them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "iot_int.h"

/* A cached device, or the knowledge that a source has none. */
struct iot_cdev {
	uint64_t	 h;
	int		 protocol;
	char		 source[IOT_SOURCE_MAX + 1];
	int		 known;
	struct iot_dev	 dev;
	int64_t		 loaded_us;	/* monotonic */
	int64_t		 flushed;	/* last_seen_at written */
	int		 open_conds;	/* open conditions but offline (hint) */
	/* Hashes of the targets those may be at (a superset within the
	 * cache's life); ntarg > IOT_TARG_MAX: too many to tell. */
	uint64_t	*targ;
	size_t		 ntarg;
	int		 has_offline;
	int		 unknown_kept;	/* frames of an unknown source kept */
	/* this batch */
	int		 touched;
	int64_t		 seen_at;
	int64_t		 unknown_n;
	int64_t		 unknown_first;
};

/* A known component with its last kind and state. */
struct iot_ccomp {
	uint64_t	 h;
	int64_t		 device_id;
	int		 sys_type, sys_addr;
	int64_t		 comp_addr;
	uint64_t	 desc;		/* hash of its description, 0 none */
	int		 kind;
	int		 state;
	int		 dirty;		/* kind/state not written yet */
	int64_t		 dirtied;
};

/*
 * Open addressing over pointers whose first member is their hash; the
 * hashes are kept beside the pointers too, so that a probe reads one
 * array and follows only the pointer it is after.
 */
struct iot_map {
	void		**slot;
	uint64_t	 *hs;
	size_t		  cap;
	size_t		  n;
};

#define IOT_TARG_MAX	64

struct iot_ingest {
	struct store	*tuned;		/* the connection set up for ingest */
	struct iot_map	 devs;
	struct iot_map	 comps;
	/* Components whose last state waits to be written, oldest first. */
	struct iot_ccomp **dq;
	size_t		 dq_head, dq_len, dq_cap;
	struct iot_cdev	**touched;
	size_t		 ntouched, cap_touched;
};

static uint64_t
iot_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

static uint64_t
iot_hash_source(int protocol, const char *s)
{
	uint64_t	h = 1469598103934665603ULL ^ (uint64_t)protocol;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return iot_mix(h, 0);
}

static uint64_t
iot_hash_comp(int64_t dev, int sys_type, int sys_addr, int64_t comp)
{
	return iot_mix(iot_mix(iot_mix((uint64_t)dev, (uint64_t)sys_type),
	    (uint64_t)sys_addr), (uint64_t)comp);
}

static void	iot_map_put(struct iot_map *m, void *v);

static void
iot_map_grow(struct iot_map *m)
{
	void	**old = m->slot;
	uint64_t *ohs = m->hs;
	size_t	  ocap = m->cap, i;

	m->cap = m->cap ? m->cap * 2 : 256;
	m->slot = xcalloc(m->cap, sizeof(*m->slot));
	m->hs = xcalloc(m->cap, sizeof(*m->hs));
	m->n = 0;
	for (i = 0; i < ocap; i++)
		if (old[i] != NULL)
			iot_map_put(m, old[i]);
	free(old);
	free(ohs);
}

static void
iot_map_put(struct iot_map *m, void *v)
{
	uint64_t	h = *(uint64_t *)v;
	size_t		i;

	if ((m->n + 1) * 10 > m->cap * 7)
		iot_map_grow(m);
	for (i = h & (m->cap - 1); m->slot[i] != NULL; i = (i + 1) &
	    (m->cap - 1))
		;
	m->slot[i] = v;
	m->hs[i] = h;
	m->n++;
}

/* The first slot from which to look for h (the map may be empty). */
static size_t
iot_map_start(const struct iot_map *m, uint64_t h)
{
	return m->cap ? h & (m->cap - 1) : 0;
}

/* The next entry of hash h from slot *i on, or NULL. */
static void *
iot_map_next(const struct iot_map *m, uint64_t h, size_t *i)
{
	size_t	k;

	if (m->cap == 0)
		return NULL;
	for (k = *i; m->slot[k] != NULL; k = (k + 1) & (m->cap - 1))
		if (m->hs[k] == h) {
			*i = (k + 1) & (m->cap - 1);
			return m->slot[k];
		}
	*i = k;
	return NULL;
}

static void
iot_map_clear(struct iot_map *m, int devs)
{
	size_t	i;

	for (i = 0; i < m->cap; i++) {
		if (devs && m->slot[i] != NULL)
			free(((struct iot_cdev *)m->slot[i])->targ);
		free(m->slot[i]);
	}
	free(m->slot);
	free(m->hs);
	memset(m, 0, sizeof(*m));
}

struct iot_ingest *
iot_ingest_new(void)
{
	return xcalloc(1, sizeof(struct iot_ingest));
}

static void
iot_ingest_drop(struct iot_ingest *x)
{
	iot_map_clear(&x->devs, 1);
	iot_map_clear(&x->comps, 0);
	x->ntouched = 0;
	x->dq_head = x->dq_len = 0;
}

void
iot_ingest_free(struct iot_ingest *x)
{
	if (x == NULL)
		return;
	iot_ingest_drop(x);
	free(x->touched);
	free(x->dq);
	free(x);
}

/* Devices. */

static uint64_t	iot_hash_text(const char *t);

/* A target that may have an open condition. */
static void
iot_targ_add(struct iot_cdev *c, uint64_t h)
{
	size_t	i;

	if (c->ntarg > IOT_TARG_MAX)
		return;
	for (i = 0; i < c->ntarg; i++)
		if (c->targ[i] == h)
			return;
	if (c->ntarg == IOT_TARG_MAX) {
		c->ntarg++;	/* too many: every target may have one */
		return;
	}
	if (c->targ == NULL)
		c->targ = xcalloc(IOT_TARG_MAX, sizeof(*c->targ));
	c->targ[c->ntarg++] = h;
}

/* Whether the target of hash h may have an open condition. */
static int
iot_targ_may(const struct iot_cdev *c, uint64_t h)
{
	size_t	i;

	if (c->open_conds <= 0)
		return 0;
	if (c->ntarg > IOT_TARG_MAX)
		return 1;
	for (i = 0; i < c->ntarg; i++)
		if (c->targ[i] == h)
			return 1;
	return 0;
}

static int
iot_cdev_load(struct store *st, struct iot_cdev *c, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 n = 0;
	int			 rc;

	c->loaded_us = clock_mono_us();
	if ((rc = iot_dev_by_source(st, c->protocol, c->source, &c->dev,
	    e)) < 0)
		return rc;
	c->known = rc == 1;
	if (!c->known) {
		/* IOT-013: how many of its frames are kept already. */
		if ((rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "iot_unknown_frames WHERE protocol = ? AND source = ?",
		    STORE_ARGS(SV_S(iot_protocol_name(c->protocol)),
		    SV_S(c->source)), &n, e)) < 0)
			return rc;
		c->unknown_kept = (int)n;
		return 0;
	}
	c->flushed = c->dev.last_seen;
	c->open_conds = 0;
	c->ntarg = 0;
	if ((rc = store_query(st, "SELECT target FROM iot_conditions "
	    "WHERE device_id = ? AND state IN ('pending', 'hazard', "
	    "'restored') AND kind <> 'offline'", STORE_ARGS(SV_I(c->dev.id)),
	    &r, e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		c->open_conds++;
		iot_targ_add(c, iot_hash_text(store_text(r, 0)));
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM iot_conditions "
	    "WHERE device_id = ? AND kind = 'offline' AND state IN ('pending', "
	    "'hazard', 'restored') AND state <> 'restored'", STORE_ARGS(
	    SV_I(c->dev.id)), &n, e)) < 0)
		return rc;
	c->has_offline = n > 0;
	return 0;
}

static int
iot_cdev_get(struct store *st, struct iot_ingest *x, int protocol,
    const char *source, struct iot_cdev **out, struct err *e)
{
	struct iot_cdev	*c = NULL;
	uint64_t	 h = iot_hash_source(protocol, source);
	size_t		 i;
	int		 rc;

	i = iot_map_start(&x->devs, h);
	while ((c = iot_map_next(&x->devs, h, &i)) != NULL)
		if (c->protocol == protocol && strcmp(c->source, source) == 0)
			break;
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->h = h;
		c->protocol = protocol;
		snprintf(c->source, sizeof(c->source), "%s", source);
		iot_map_put(&x->devs, c);
	} else if (clock_mono_us() - c->loaded_us < IOT_CACHE_TTL_S *
	    1000000LL || c->touched) {
		*out = c;
		return 0;
	}
	if ((rc = iot_cdev_load(st, c, e)) < 0)
		return rc;
	*out = c;
	return 0;
}

static void
iot_touch(struct iot_ingest *x, struct iot_cdev *c, int64_t at)
{
	if (!c->touched) {
		if (x->ntouched == x->cap_touched) {
			x->cap_touched = x->cap_touched ? x->cap_touched * 2 : 64;
			x->touched = xrealloc(x->touched, x->cap_touched *
			    sizeof(*x->touched));
		}
		x->touched[x->ntouched++] = c;
		c->touched = 1;
		c->seen_at = at;
		c->unknown_n = 0;
		c->unknown_first = at;
	} else if (at > c->seen_at)
		c->seen_at = at;
}

/* Components. */

static uint64_t
iot_hash_text(const char *t)
{
	uint64_t	h = 1469598103934665603ULL;

	if (*t == '\0')
		return 0;
	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 1099511628211ULL;
	return h | 1;
}

static void
iot_dq_push(struct iot_ingest *x, struct iot_ccomp *c)
{
	if (x->dq_head > 0 && x->dq_head + x->dq_len == x->dq_cap) {
		memmove(x->dq, x->dq + x->dq_head, x->dq_len * sizeof(*x->dq));
		x->dq_head = 0;
	}
	if (x->dq_head + x->dq_len == x->dq_cap) {
		x->dq_cap = x->dq_cap ? x->dq_cap * 2 : 1024;
		x->dq = xrealloc(x->dq, x->dq_cap * sizeof(*x->dq));
	}
	x->dq[x->dq_head + x->dq_len++] = c;
}

/*
 * "Its detectors appear as they report": a component is written when
 * first seen or described anew; its latest kind and state at most every
 * IOT_SEEN_FLUSH_S (the events have every change; a component that
 * changes state every second is one write in 30 s, not 30).
 */
static int
iot_comp_seen(struct store *st, struct iot_ingest *x, const struct iot_dev *d,
    const struct iot_event *ev, int64_t at, struct err *e)
{
	struct iot_ccomp	*c = NULL;
	uint64_t		 h, dh = iot_hash_text(ev->desc);
	size_t			 i;
	int			 state = ev->kind == IOT_EV_CONFIG ? -1 : ev->state;
	int			 rc;

	if (ev->sys_type < 0)
		return 0;
	h = iot_hash_comp(d->id, ev->sys_type, ev->sys_addr, ev->comp_addr);
	i = iot_map_start(&x->comps, h);
	while ((c = iot_map_next(&x->comps, h, &i)) != NULL)
		if (c->device_id == d->id && c->sys_type == ev->sys_type &&
		    c->sys_addr == ev->sys_addr &&
		    c->comp_addr == ev->comp_addr)
			break;
	if (c != NULL && (dh == 0 || dh == c->desc)) {
		if (ev->kind == IOT_EV_CONFIG || (c->kind == ev->kind &&
		    c->state == state))
			return 0;
		c->kind = ev->kind;
		c->state = state;
		if (!c->dirty) {
			c->dirty = 1;
			c->dirtied = at;
			iot_dq_push(x, c);
		}
		return 0;
	}
	/* First seen here, or described anew: the row, created or brought
	 * up to date. */
	if ((rc = store_exec(st, "INSERT INTO iot_components (id, device_id, "
	    "sys_type, sys_addr, comp_type, comp_addr, description, "
	    "last_kind, last_state, first_seen_at, last_seen_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, "
	    "sys_type, sys_addr, comp_addr) DO UPDATE SET comp_type = "
	    "excluded.comp_type, description = COALESCE("
	    "excluded.description, iot_components.description), "
	    "last_kind = excluded.last_kind, last_state = COALESCE("
	    "excluded.last_state, iot_components.last_state), "
	    "last_seen_at = excluded.last_seen_at", STORE_ARGS(
	    SV_I(id_next()), SV_I(d->id), SV_I(ev->sys_type),
	    SV_I(ev->sys_addr), SV_I(ev->comp_type), SV_I(ev->comp_addr),
	    ev->desc[0] ? SV_S(ev->desc) : SV_N,
	    SV_S(iot_kind_name(ev->kind)), state >= 0 ? SV_I(state) : SV_N,
	    SV_I(at), SV_I(at)), NULL, e)) < 0)
		return rc;
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->h = h;
		c->device_id = d->id;
		c->sys_type = ev->sys_type;
		c->sys_addr = ev->sys_addr;
		c->comp_addr = ev->comp_addr;
		iot_map_put(&x->comps, c);
	}
	if (dh != 0)
		c->desc = dh;
	c->kind = ev->kind;
	c->state = state;
	c->dirty = 0;
	return 0;
}

/* Write the latest state of components that waited long enough. */
static int
iot_comp_flush(struct store *st, struct iot_ingest *x, int64_t now,
    struct err *e)
{
	struct iot_ccomp	*c;
	int			 rc;

	while (x->dq_len > 0) {
		c = x->dq[x->dq_head];
		if (c->dirty && now - c->dirtied < IOT_SEEN_FLUSH_S)
			break;
		x->dq_head++;
		x->dq_len--;
		if (!c->dirty)
			continue;
		c->dirty = 0;
		if ((rc = store_exec(st, "UPDATE iot_components SET last_kind = "
		    "?, last_state = COALESCE(?, last_state), last_seen_at = ? "
		    "WHERE device_id = ? AND sys_type = ? AND sys_addr = ? AND "
		    "comp_addr = ?", STORE_ARGS(SV_S(iot_kind_name(c->kind)),
		    c->state >= 0 ? SV_I(c->state) : SV_N, SV_I(now),
		    SV_I(c->device_id), SV_I(c->sys_type), SV_I(c->sys_addr),
		    SV_I(c->comp_addr)), NULL, e)) < 0)
			return rc;
	}
	if (x->dq_len == 0)
		x->dq_head = 0;
	return 0;
}

/* The rules of one new event (IOT-005, IOT-008). */
static int
iot_rules_apply(struct store *st, struct actor *who, struct iot_cdev *c,
    const struct iot_event *ev, int64_t event_id, int64_t at,
    struct iot_ingest_stats *stats, struct err *e)
{
	const struct iot_thresholds	*th = &c->dev.th;
	struct iot_target		 t;
	unsigned			 present = ev->asserts, absent = ev->clears;
	unsigned			 bit;
	uint64_t			 kh;
	char				 key[48];
	int				 created = 0, opened, rc;

	if (ev->sys_type < 0)
		snprintf(key, sizeof(key), "D");
	else if (ev->comp_addr < 0)
		snprintf(key, sizeof(key), "S%d.%d", ev->sys_type, ev->sys_addr);
	else
		snprintf(key, sizeof(key), "S%d.%d.C%lld", ev->sys_type,
		    ev->sys_addr, (long long)ev->comp_addr);
	t.key = key;
	t.sys_type = ev->sys_type;
	t.sys_addr = ev->sys_addr;
	t.comp_type = ev->comp_type;
	t.comp_addr = ev->comp_addr;
	t.desc = ev->desc[0] ? ev->desc : NULL;
	if (ev->kind == IOT_EV_ALARM) {
		if ((rc = iot_alarm_raise(st, who, &c->dev, &t, event_id, at,
		    ev->device_at, &created, e)) < 0)
			return rc;
		stats->alarms += (uint64_t)created;
	}
	/* IOT-010: readings against the device's limits. */
	if (ev->has_value) {
		if (ev->kind == IOT_EV_PRESSURE &&
		    th->v[IOT_TH_LOW_KPA] > 0) {
			if (ev->value < th->v[IOT_TH_LOW_KPA] * 1000)
				present |= IOT_C_LOW_PRESSURE;
			else
				absent |= IOT_C_LOW_PRESSURE;
		} else if (ev->kind == IOT_EV_LEAKAGE &&
		    th->v[IOT_TH_LEAKAGE_MA] > 0) {
			if (ev->value > th->v[IOT_TH_LEAKAGE_MA] * 1000)
				present |= IOT_C_LEAKAGE;
			else
				absent |= IOT_C_LEAKAGE;
		} else if (ev->kind == IOT_EV_TEMPERATURE &&
		    th->v[IOT_TH_OVERHEAT_C] > 0) {
			if (ev->value > th->v[IOT_TH_OVERHEAT_C] * 1000)
				present |= IOT_C_OVERHEAT;
			else
				absent |= IOT_C_OVERHEAT;
		}
	}
	present &= ~(unsigned)IOT_C_OFFLINE;
	absent &= ~(present | IOT_C_OFFLINE);
	for (bit = 1; bit < (1u << IOT_C__N); bit <<= 1) {
		if (!(present & bit))
			continue;
		opened = 0;
		if ((rc = iot_cond_present(st, who, &c->dev, bit, &t, at,
		    ev->has_value, ev->value, &opened, e)) < 0)
			return rc;
		c->open_conds += opened;
		stats->conditions += (uint64_t)opened;
		iot_targ_add(c, iot_hash_text(key));
	}
	/* Nothing open at this target: nothing to clear (the hints may be
	 * high, never low, within the cache's life). */
	if (absent && c->open_conds > 0) {
		kh = iot_hash_text(key);
		if (iot_targ_may(c, kh) && (rc = iot_cond_absent(st, who,
		    &c->dev, absent, &t, at, e)) < 0)
			return rc;
	}
	return 0;
}

static const char iot_sql_event[] =
    "INSERT INTO iot_events (id, device_id, unit_id, at, device_at, kind, "
    "sys_type, sys_addr, comp_type, comp_addr, state, value, detail, dedup) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (device_id, dedup) DO NOTHING";

static int
iot_event_one(struct store *st, struct iot_ingest *x, struct actor *who,
    const struct iot_event *ev, struct iot_ingest_stats *stats,
    struct err *e)
{
	struct iot_cdev	*c;
	int64_t		 at = ev->at_ms / 1000, id, ch = 0;
	int		 rc, hasc;

	if ((rc = iot_cdev_get(st, x, ev->protocol, ev->source, &c, e)) < 0)
		return rc;
	iot_touch(x, c, at);
	if (!c->known) {
		/* IOT-013: counted, and a few kept to tell what it is. */
		stats->unknown++;
		c->unknown_n++;
		if (ev->kind == IOT_EV_HEARTBEAT ||
		    c->unknown_kept >= iot_rules_unknown_keep())
			return 0;
		c->unknown_kept++;
		return store_exec(st, "INSERT INTO iot_unknown_frames (id, "
		    "protocol, source, at, kind, detail) VALUES (?, ?, ?, ?, ?, "
		    "?)", STORE_ARGS(SV_I(id_next()),
		    SV_S(iot_protocol_name(ev->protocol)), SV_S(ev->source),
		    SV_I(at), SV_S(iot_kind_name(ev->kind)), ev->detail ?
		    SV_S(ev->detail) : ev->desc[0] ? SV_S(ev->desc) : SV_N),
		    NULL, e);
	}
	if (ev->kind == IOT_EV_HEARTBEAT) {
		stats->heartbeats++;
		return 0;
	}
	hasc = ev->sys_type >= 0;
	id = id_next();
	if ((rc = store_exec(st, iot_sql_event, STORE_ARGS(SV_I(id),
	    SV_I(c->dev.id), SV_I(c->dev.unit_id), SV_I(at),
	    ev->device_at > 0 ? SV_I(ev->device_at) : SV_N,
	    SV_S(iot_kind_name(ev->kind)), hasc ? SV_I(ev->sys_type) : SV_N,
	    hasc ? SV_I(ev->sys_addr) : SV_N, hasc && ev->comp_type >= 0 ?
	    SV_I(ev->comp_type) : SV_N, hasc && ev->comp_addr >= 0 ?
	    SV_I(ev->comp_addr) : SV_N, ev->state >= 0 ? SV_I(ev->state) :
	    SV_N, ev->has_value ? SV_I(ev->value) : SV_N, ev->detail ?
	    SV_S(ev->detail) : ev->desc[0] ? SV_S(ev->desc) : SV_N,
	    SV_I(ev->dedup)), &ch, e)) < 0)
		return rc;
	/* IOT-004: the same event again (a frame resent, a message
	 * redelivered) changes nothing. */
	if (ch == 0) {
		stats->duplicates++;
		return 0;
	}
	stats->stored++;
	if ((rc = iot_comp_seen(st, x, &c->dev, ev, at, e)) < 0)
		return rc;
	return iot_rules_apply(st, who, c, ev, id, at, stats, e);
}

/* Liveness of the devices of the batch, and the unknown sources. */
static int
iot_flush_seen(struct store *st, struct iot_ingest *x, struct actor *who,
    struct err *e)
{
	struct iot_target	 t;
	struct iot_cdev		*c;
	size_t			 i;
	int			 rc = 0;

	memset(&t, 0, sizeof(t));
	t.key = "D";
	t.sys_type = t.sys_addr = t.comp_type = -1;
	t.comp_addr = -1;
	for (i = 0; rc == 0 && i < x->ntouched; i++) {
		c = x->touched[i];
		if (!c->known) {
			rc = store_exec(st, "INSERT INTO iot_unknown (protocol, "
			    "source, first_seen_at, last_seen_at, frames) VALUES "
			    "(?, ?, ?, ?, ?) ON CONFLICT (protocol, source) DO "
			    "UPDATE SET last_seen_at = excluded.last_seen_at, "
			    "frames = iot_unknown.frames + excluded.frames",
			    STORE_ARGS(SV_S(iot_protocol_name(c->protocol)),
			    SV_S(c->source), SV_I(c->unknown_first),
			    SV_I(c->seen_at), SV_I(c->unknown_n)), NULL, e);
			continue;
		}
		/* IOT-009: any frame is liveness; written when the device
		 * was offline or the stored time is getting old. */
		if (c->dev.online && c->seen_at - c->flushed < IOT_SEEN_FLUSH_S)
			continue;
		if ((rc = store_exec(st, "UPDATE iot_devices SET last_seen_at = "
		    "?, online = 1 WHERE id = ?", STORE_ARGS(SV_I(c->seen_at),
		    SV_I(c->dev.id)), NULL, e)) < 0)
			break;
		if (c->has_offline && (rc = iot_cond_absent(st, who, &c->dev,
		    IOT_C_OFFLINE, &t, c->seen_at, e)) < 0)
			break;
		c->has_offline = 0;
		c->dev.online = 1;
		c->flushed = c->seen_at;
		c->dev.last_seen = c->seen_at;
	}
	return rc;
}

int
iot_ingest_run(struct store *st, struct iot_ingest *x,
    const struct iot_event *ev, size_t n, struct iot_ingest_stats *stats,
    struct err *e)
{
	struct iot_ingest_stats	 s;
	struct actor		 sys;
	char			 rid[40];
	size_t			 i;
	int			 rc;

	memset(&s, 0, sizeof(s));
	if ((rc = iot_rules_ready(e)) < 0)
		return rc;
	/*
	 * A steady stream touches the same index pages again and again (the
	 * last page of each device's range, see gw_map.c): a page cache of
	 * 64 MiB for this connection instead of 2 (and no spilling of a
	 * large batch's pages into the WAL mid-way), and the WAL
	 * checkpointed every 256 MiB rather than 4, so that a page written
	 * by many batches is copied back once: a batch of a few thousand
	 * events from as many devices writes some 30 MiB to the WAL, and at
	 * 32 MiB nearly every batch was followed by a checkpoint copying
	 * each of its pages back (issue 9: a fifth of the writes, two
	 * thirds of the reads).
	 */
	if (x->tuned != st) {
		if (store_kind(st) == STORE_SQLITE && ((rc = store_exec(st,
		    "PRAGMA cache_size = -65536", STORE_NOARGS, NULL, e)) < 0 ||
		    (rc = store_exec(st, "PRAGMA wal_autocheckpoint = 65536",
		    STORE_NOARGS, NULL, e)) < 0))
			return rc;
		x->tuned = st;
	}
	snprintf(rid, sizeof(rid), "ingest-%lld", (long long)id_next());
	actor_system(&sys, rid);
	if ((rc = store_begin(st, e)) < 0)
		return rc;
	x->ntouched = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = iot_event_one(st, x, &sys, &ev[i], &s, e);
	if (rc == 0)
		rc = iot_flush_seen(st, x, &sys, e);
	if (rc == 0)
		rc = iot_comp_flush(st, x, clock_now(), e);
	for (i = 0; i < x->ntouched; i++)
		x->touched[i]->touched = 0;
	x->ntouched = 0;
	if (rc == 0)
		rc = store_commit(st, e);
	else
		store_rollback(st);
	if (rc < 0) {
		/* What the caches learnt in the rolled-back transaction is
		 * not so. */
		iot_ingest_drop(x);
		return rc;
	}
	stats->stored += s.stored;
	stats->duplicates += s.duplicates;
	stats->unknown += s.unknown;
	stats->heartbeats += s.heartbeats;
	stats->alarms += s.alarms;
	stats->conditions += s.conditions;
	return 0;
}
