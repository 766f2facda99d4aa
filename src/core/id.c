/*
 * Time-ordered id generator (see id.h for the layout).  One atomic 64-bit
 * word holds the last id; a compare-and-swap loop makes it lock-free and
 * strictly monotonic even when the wall clock steps backwards or more than
 * 4096 ids are asked for within one millisecond (the time part then runs
 * ahead of the clock until the clock catches up).
 */
#include <stdatomic.h>

#include "clock.h"
#include "id.h"

#define ID_EPOCH_MS	1704067200000LL	/* 2024-01-01T00:00:00Z */

static _Atomic int64_t	id_last;
static int64_t		id_node;

void
id_set_node(int node)
{
	if (node >= 0 && node <= ID_NODE_MAX)
		id_node = node;
}

int64_t
id_next(void)
{
	int64_t	last, now, cand;

	last = atomic_load(&id_last);
	for (;;) {
		now = ((clock_now_ms() - ID_EPOCH_MS) << 22) | (id_node << 12);
		if (now > last)
			cand = now;
		else if ((last & 0xfff) < 0xfff)
			cand = last + 1;
		else
			cand = ((last >> 22) + 1) << 22 | (id_node << 12);
		if (atomic_compare_exchange_weak(&id_last, &last, cand))
			return cand;
	}
}
