/*
 * The working-day calendar: official days off and make-up working days
 * per year, loaded from data/calendar/CN-YYYY.json.  Every legal deadline
 * in the platform counts working days with these functions.  Dates are
 * YYYY-MM-DD in Asia/Shanghai; a date in a year with no loaded calendar is
 * an error naming that year, never a guess.
 */
#ifndef FW_CALENDAR_H
#define FW_CALENDAR_H

#include <jansson.h>

#include "../core/err.h"

#define CALENDAR_DATE_LEN	10

/*
 * Load every CN-YYYY.json file in dir (replacing what was loaded).
 * Thread-safe against concurrent readers (readers see the old or the new
 * set).  ERR_IO / ERR_INVALID naming the file on a bad file.
 */
int	calendar_load_dir(const char *dir, struct err *e);
/* 1 if date is a working day, 0 if not; negative on error. */
int	calendar_is_workday(const char *date, struct err *e);
/*
 * The date n working days after date (date itself not counted; n >= 0;
 * n = 0 gives date).  out receives YYYY-MM-DD.
 */
int	calendar_add_workdays(const char *date, int n,
	    char out[CALENDAR_DATE_LEN + 1], struct err *e);
/* Number of working days d with a < d <= b (negative if b < a). */
int	calendar_workdays_between(const char *a, const char *b, int *out,
	    struct err *e);

/*
 * The last year of the calendar loaded without a gap from today's year
 * (today's year itself when only it is loaded), or -1 when today's year
 * is not loaded.  today is YYYY-MM-DD.
 */
int	calendar_last_year(const char *today);
/*
 * CAL-008: the first year from a to b (either order, both YYYY-MM-DD)
 * whose file is marked "status": "provisional" (the statutory days only,
 * before the State Council's notice is out), or 0 if none.
 */
int	calendar_provisional(const char *a, const char *b);
/* The loaded years, [{"year", "status": "official"|"provisional"}]. */
json_t	*calendar_years_json(void);

#define CALENDAR_HORIZON_DAYS	60

struct buf;
struct store;
struct actor;
/*
 * The job calendar.horizon (CAL-007): the calendar's end against today.
 * Fewer than CALENDAR_HORIZON_DAYS days left, the detail says which
 * year's file to add (data/calendar/CN-YYYY.json, from the State
 * Council's notice) and a warning is logged: every working-day deadline
 * past the end fails, by design (CAL-003).  A provisional year (CAL-008)
 * counts as not covered: the detail asks for its file to be replaced.
 * Never fails itself.
 */
int	calendar_job_horizon(struct store *st, struct actor *who,
	    struct buf *detail, struct err *e);

#endif
