/*
 * Wall and monotonic clocks with a test offset.
 */
#include <stdatomic.h>
#include <time.h>

#include "clock.h"

static _Atomic int64_t	clock_offset;

int64_t
clock_now(void)
{
	return clock_now_ms() / 1000;
}

int64_t
clock_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	    atomic_load(&clock_offset) * 1000;
}

int64_t
clock_mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
clock_set_offset(int64_t delta)
{
	atomic_store(&clock_offset, delta);
}
