/*
 * The working-day calendar: official days off and make-up working days
 * per year, loaded from data/calendar/CN-YYYY.json.  Every legal deadline
 * in the platform counts working days with these functions.  Dates are
 * YYYY-MM-DD in Asia/Shanghai; a date in a year with no loaded calendar is
 * an error naming that year, never a guess.
 */
#ifndef FW_CALENDAR_H
#define FW_CALENDAR_H

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

#endif
