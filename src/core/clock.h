/*
 * Time.  Instants are int64 Unix seconds (or milliseconds where a spec
 * says so).  Tests may shift the clock with clock_set_offset() so that
 * expiry rules can be exercised without sleeping.
 */
#ifndef FW_CLOCK_H
#define FW_CLOCK_H

#include <stdint.h>

int64_t	clock_now(void);	/* Unix seconds */
int64_t	clock_now_ms(void);	/* Unix milliseconds */
int64_t	clock_mono_us(void);	/* monotonic microseconds */
/* Add delta seconds to every later clock_now(); for tests only. */
void	clock_set_offset(int64_t delta);

#endif
