/*
 * Unit tests for src/domain/calendar against the shipped 2025 and 2026
 * files (data/calendar): the holidays and make-up working days of the
 * State Council notices, the year boundary, missing years, strict dates,
 * rejected calendar files, agreement of the fast paths with day-by-day
 * stepping, and readers running while the calendar is reloaded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/mem.h"
#include "domain/calendar.h"

static char	cal_dir[4096];

/* The shipped data: $FIREWARDEN_DATA/calendar, or data/calendar above us. */
static const char *
data_dir(void)
{
	static const char	*up[] = { "", "../", "../../", "../../../",
				    NULL };
	const char		*env = getenv("FIREWARDEN_DATA");
	char			 probe[4200];
	int			 i;

	if (cal_dir[0] != '\0')
		return cal_dir;
	if (env != NULL && *env) {
		snprintf(cal_dir, sizeof(cal_dir), "%s/calendar", env);
		return cal_dir;
	}
	for (i = 0; up[i] != NULL; i++) {
		snprintf(probe, sizeof(probe), "%sdata/calendar/CN-2026.json",
		    up[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(cal_dir, sizeof(cal_dir), "%sdata/calendar",
			    up[i]);
			return cal_dir;
		}
	}
	fail_msg("data/calendar not found; set FIREWARDEN_DATA");
	return NULL;
}

static int
load_shipped(void **state)
{
	struct err	e;

	err_clear(&e);
	if (calendar_load_dir(data_dir(), &e) < 0) {
		fprintf(stderr, "calendar_load_dir: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static void
add_is(const char *date, int n, const char *want)
{
	struct err	e;
	char		out[CALENDAR_DATE_LEN + 1];

	err_clear(&e);
	if (calendar_add_workdays(date, n, out, &e) < 0)
		fail_msg("%s + %d: %s", date, n, e.msg);
	assert_string_equal(out, want);
}

static void
add_err(const char *date, int n, const char *msg)
{
	struct err	e;
	char		out[CALENDAR_DATE_LEN + 1] = "untouched";

	err_clear(&e);
	assert_int_equal(calendar_add_workdays(date, n, out, &e), ERR_INVALID);
	assert_string_equal(e.msg, msg);
	assert_string_equal(out, "untouched");
}

static void
between_is(const char *a, const char *b, int want)
{
	struct err	e;
	int		n = -12345;

	err_clear(&e);
	if (calendar_workdays_between(a, b, &n, &e) < 0)
		fail_msg("(%s, %s]: %s", a, b, e.msg);
	assert_int_equal(n, want);
}

static void
between_err(const char *a, const char *b, const char *msg)
{
	struct err	e;
	int		n = -12345;

	err_clear(&e);
	assert_int_equal(calendar_workdays_between(a, b, &n, &e), ERR_INVALID);
	assert_string_equal(e.msg, msg);
	assert_int_equal(n, -12345);
}

static void
work_is(const char *date, int want)
{
	struct err	e;
	int		rc;

	err_clear(&e);
	rc = calendar_is_workday(date, &e);
	if (rc < 0)
		fail_msg("%s: %s", date, e.msg);
	if (rc != want)
		fail_msg("%s: working day %d, want %d", date, rc, want);
}

/* CAL-001, CAL-002: 2026 Spring Festival, Feb 15-23 off, Feb 14/28 work. */
static void
test_calendar__spring_festival_2026_CAL001(void **state)
{
	char	d[CALENDAR_DATE_LEN + 1];
	int	i;

	work_is("2026-02-13", 1);
	work_is("2026-02-14", 1);		/* Saturday, make-up */
	for (i = 15; i <= 23; i++) {
		snprintf(d, sizeof(d), "2026-02-%02d", i);
		work_is(d, 0);
	}
	work_is("2026-02-24", 1);
	work_is("2026-02-28", 1);		/* Saturday, make-up */
	work_is("2026-03-01", 0);		/* ordinary Sunday */
	add_is("2026-02-13", 1, "2026-02-14");
	add_is("2026-02-14", 1, "2026-02-24");
	add_is("2026-02-13", 2, "2026-02-24");
	add_is("2026-02-15", 1, "2026-02-24");	/* start on a day off */
	add_is("2026-02-27", 1, "2026-02-28");
	add_is("2026-02-27", 2, "2026-03-02");
	between_is("2026-02-13", "2026-02-24", 2);
	between_is("2026-02-13", "2026-03-02", 7);
}

/* CAL-001, CAL-002: 2026 Mid-Autumn and National Day. */
static void
test_calendar__national_day_2026_CAL001(void **state)
{
	work_is("2026-09-20", 1);		/* Sunday, make-up */
	work_is("2026-09-25", 0);		/* 中秋节 Friday */
	work_is("2026-10-01", 0);
	work_is("2026-10-07", 0);
	work_is("2026-10-08", 1);
	work_is("2026-10-10", 1);		/* Saturday, make-up */
	work_is("2026-10-11", 0);
	add_is("2026-09-19", 1, "2026-09-20");
	add_is("2026-09-24", 1, "2026-09-28");
	add_is("2026-09-30", 1, "2026-10-08");
	add_is("2026-10-09", 1, "2026-10-10");
	add_is("2026-10-09", 2, "2026-10-12");
	between_is("2026-09-28", "2026-10-04", 2);
	between_is("2026-09-30", "2026-10-10", 3);
}

/* CAL-001: 2025, the other shipped year, spot checks. */
static void
test_calendar__schedule_2025_CAL001(void **state)
{
	work_is("2025-01-01", 0);
	work_is("2025-01-26", 1);		/* Sunday, make-up */
	work_is("2025-01-28", 0);
	work_is("2025-02-04", 0);
	work_is("2025-02-05", 1);
	work_is("2025-02-08", 1);		/* Saturday, make-up */
	work_is("2025-04-27", 1);		/* Sunday, make-up */
	work_is("2025-05-05", 0);
	work_is("2025-06-02", 0);
	work_is("2025-09-28", 1);
	work_is("2025-10-08", 0);
	work_is("2025-10-11", 1);
	add_is("2025-09-30", 1, "2025-10-09");
	/* Both notices give 248 working days. */
	between_is("2025-01-01", "2025-12-31", 248);
}

/*
 * CAL-001: the 2025/2026 boundary.  Jan 1-3 2026 are off and Sunday Jan 4
 * is a make-up working day, so the next working day after 2025-12-31 is
 * 2026-01-04 (official schedule, FACTS §9).
 */
static void
test_calendar__year_boundary_CAL001(void **state)
{
	work_is("2025-12-31", 1);
	work_is("2026-01-03", 0);
	work_is("2026-01-04", 1);
	add_is("2025-12-31", 1, "2026-01-04");
	add_is("2025-12-31", 2, "2026-01-05");
	add_is("2025-12-30", 2, "2026-01-04");
	between_is("2025-12-31", "2026-01-04", 1);
	between_is("2025-12-26", "2026-01-09", 9);
	between_is("2025-01-01", "2026-12-31", 496);
	add_is("2025-01-01", 496, "2026-12-31");
}

/* CAL-006: n = 0 gives the date itself, working day or not. */
static void
test_calendar__n_zero_CAL006(void **state)
{
	add_is("2026-02-15", 0, "2026-02-15");
	add_is("2026-02-24", 0, "2026-02-24");
	add_err("2026-02-15", -1, "number of working days must be 0 or more");
}

/* CAL-006: (a, b], with a holiday in the week, and reversed. */
static void
test_calendar__between_CAL006(void **state)
{
	/* May 1-5 off, May 6-8 and Saturday May 9 work, Sunday May 10 off. */
	between_is("2026-04-30", "2026-05-10", 4);
	between_is("2026-05-10", "2026-04-30", -4);
	between_is("2026-05-06", "2026-05-06", 0);
	/* Qingming: Mon Apr 6 off, so Apr 3 (Fri) to Apr 10 (Fri) is 4. */
	between_is("2026-04-03", "2026-04-10", 4);
	/* An ordinary week. */
	between_is("2026-03-06", "2026-03-13", 5);
}

/* CAL-003: years with no file are refused, naming the year. */
static void
test_calendar__missing_year_CAL003(void **state)
{
	struct err	e;

	err_clear(&e);
	assert_int_equal(calendar_is_workday("2028-01-04", &e), ERR_INVALID);
	assert_string_equal(e.msg, "no working-day calendar for 2028");
	add_err("2028-03-01", 0, "no working-day calendar for 2028");
	add_err("2027-12-31", 1, "no working-day calendar for 2028");
	/* 248 working days after 2026-01-01 in 2026, 248 in 2027. */
	add_is("2026-01-01", 496, "2027-12-31");
	add_err("2026-01-01", 497, "no working-day calendar for 2028");
	add_err("2024-12-31", 1, "no working-day calendar for 2024");
	between_err("2027-12-01", "2028-01-10",
	    "no working-day calendar for 2028");
	between_err("2028-01-10", "2027-12-01",
	    "no working-day calendar for 2028");
	between_err("2023-12-01", "2025-01-10",
	    "no working-day calendar for 2023");
}

/*
 * CAL-008: the shipped 2027 file is provisional: the statutory days of
 * 《全国年节及纪念日放假办法》 (2024) with a compensating weekday for each
 * that falls on a weekend, and no make-up working days.
 */
static void
test_calendar__provisional_2027_CAL008(void **state)
{
	static const char *const off[] = { "2027-01-01", "2027-02-05",
	    "2027-02-08", "2027-02-09", "2027-02-10", "2027-04-05",
	    "2027-05-03", "2027-05-04", "2027-06-09", "2027-09-15",
	    "2027-10-01", "2027-10-04", "2027-10-05", NULL };
	int	i;

	(void)state;
	for (i = 0; off[i] != NULL; i++)
		work_is(off[i], 0);
	work_is("2027-01-04", 1);
	work_is("2027-02-11", 1);
	work_is("2027-10-06", 1);
	/* 261 weekdays less 13 days off, as in 2025 and 2026. */
	between_is("2026-12-31", "2027-12-31", 248);
	add_is("2027-02-04", 1, "2027-02-11");
	add_is("2026-12-31", 1, "2027-01-04");
	assert_int_equal(calendar_provisional("2026-12-01", "2027-01-10"),
	    2027);
	assert_int_equal(calendar_provisional("2027-03-01", "2026-12-01"),
	    2027);
	assert_int_equal(calendar_provisional("2027-06-01", "2027-06-01"),
	    2027);
	assert_int_equal(calendar_provisional("2025-01-01", "2026-12-31"), 0);
	assert_int_equal(calendar_provisional("20260203", "2027-01-01"), 0);
}

/* CAL-004: strict YYYY-MM-DD naming a real date. */
static void
test_calendar__malformed_dates_CAL004(void **state)
{
	struct err	e;

	add_err("2026-02-30", 1, "2026-02-30 is not a real date");
	add_err("2026-2-3", 1, "date must be YYYY-MM-DD");
	add_err("", 1, "date must be YYYY-MM-DD");
	add_err(NULL, 1, "date must be YYYY-MM-DD");
	add_err("2026-02-03 ", 1, "date must be YYYY-MM-DD");
	add_err("2026/02/03", 1, "date must be YYYY-MM-DD");
	add_err("+026-02-03", 1, "date must be YYYY-MM-DD");
	add_err("2026-13-01", 1, "2026-13-01 is not a real date");
	add_err("2026-00-10", 1, "2026-00-10 is not a real date");
	add_err("2025-02-29", 1, "2025-02-29 is not a real date");
	between_err("2026-01-01", "2026-04-31",
	    "2026-04-31 is not a real date");
	err_clear(&e);
	assert_int_equal(calendar_is_workday("20260203", &e), ERR_INVALID);
	assert_string_equal(e.field, "date");
}

/* Reference: step one day at a time with calendar_is_workday(). */
static void
step_next(char d[CALENDAR_DATE_LEN + 1])
{
	static const int	md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };
	char			buf[48];
	int			y, m, dd, dim;

	assert_int_equal(sscanf(d, "%d-%d-%d", &y, &m, &dd), 3);
	dim = md[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 || y % 400 == 0));
	if (++dd > dim) {
		dd = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, dd);
	memcpy(d, buf, CALENDAR_DATE_LEN + 1);
}

/* CAL-006: the bitset paths agree with stepping for every start date. */
static void
test_calendar__agrees_with_stepping_CAL006(void **state)
{
	static const int	ns[] = { 1, 2, 3, 5, 7, 10, 15, 20, 30, 60,
				    100 };
	struct err		e;
	char			start[CALENDAR_DATE_LEN + 1] = "2025-01-01";
	char			d[CALENDAR_DATE_LEN + 1];
	char			got[CALENDAR_DATE_LEN + 1];
	size_t			i;
	int			k, cnt, w;

	err_clear(&e);
	for (; strcmp(start, "2026-07-01") != 0; step_next(start)) {
		memcpy(d, start, sizeof(d));
		cnt = 0;
		for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
			while (cnt < ns[i]) {
				step_next(d);
				if ((w = calendar_is_workday(d, &e)) < 0)
					fail_msg("%s: %s", d, e.msg);
				cnt += w;
			}
			assert_int_equal(calendar_add_workdays(start, ns[i],
			    got, &e), 0);
			if (strcmp(got, d) != 0)
				fail_msg("%s + %d: %s, stepping gives %s",
				    start, ns[i], got, d);
			assert_int_equal(calendar_workdays_between(start, d, &k,
			    &e), 0);
			assert_int_equal(k, ns[i]);
		}
	}
}

/* Temporary calendar directories for the file tests. */
static char	tmp_dir[64];

static void
tmp_put(const char *name, const char *text)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", tmp_dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
tmp_clear(void)
{
	static const char	*names[] = { "CN-2030.json", "CN-2031.json",
				    "README.md", "CN-2030.json.bak", NULL };
	char			 path[128];
	int			 i;

	for (i = 0; names[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmp_dir, names[i]);
		unlink(path);
	}
}

static int
tmp_setup(void **state)
{
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/fw-cal-XXXXXX");
	if (mkdtemp(tmp_dir) == NULL)
		return -1;
	return load_shipped(state);
}

static int
tmp_teardown(void **state)
{
	tmp_clear();
	rmdir(tmp_dir);
	return load_shipped(state);
}

#define HEAD	"{\"year\":2030,\"source\":\"test\",\"holidays\":["

/* CAL-005: every malformed file is refused, naming it; nothing changes. */
static void
test_calendar__bad_files_rejected_CAL005(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} bad[] = {
		{ "{\"year\":2030,", "CN-2030.json: line 1: " },
		{ "[]", "CN-2030.json: not a JSON object" },
		{ "{\"year\":2031,\"source\":\"x\",\"holidays\":[]}",
		  "CN-2030.json: \"year\" must be 2030, as in the file name" },
		{ "{\"year\":\"2030\",\"source\":\"x\",\"holidays\":[]}",
		  "CN-2030.json: \"year\" must be 2030, as in the file name" },
		{ "{\"year\":2030,\"status\":\"draft\",\"source\":\"x\","
		  "\"holidays\":[]}", "CN-2030.json: \"status\" must be "
		  "\"official\" or \"provisional\"" },
		{ "{\"year\":2030,\"status\":1,\"source\":\"x\","
		  "\"holidays\":[]}", "CN-2030.json: \"status\" must be "
		  "\"official\" or \"provisional\"" },
		{ "{\"year\":2030,\"holidays\":[]}",
		  "CN-2030.json: \"source\" must name the notice the dates "
		  "come from" },
		{ "{\"year\":2030,\"source\":\"\",\"holidays\":[]}",
		  "CN-2030.json: \"source\" must name the notice the dates "
		  "come from" },
		{ "{\"year\":2030,\"source\":\"x\"}",
		  "CN-2030.json: \"holidays\" must be an array" },
		{ "{\"year\":2030,\"year\":2030,\"source\":\"x\","
		  "\"holidays\":[]}", "CN-2030.json: line 1: " },
		{ "{\"year\":2030,\"source\":\"x\",\"holidays\":[],\"x\":1}",
		  "CN-2030.json: unknown key \"x\"" },
		{ HEAD "1]}", "CN-2030.json: holidays[0] must be an object" },
		{ HEAD "{\"off\":[\"2030-01-01\"]}]}",
		  "CN-2030.json: holidays[0]: \"name\" is required" },
		{ HEAD "{\"name\":\"a\",\"off\":[\"2030-01-01\"],\"when\":1}]}",
		  "CN-2030.json: holidays[0]: unknown key \"when\"" },
		{ HEAD "{\"name\":\"a\",\"off\":[]}]}",
		  "CN-2030.json: holidays[0]: \"off\" must be a non-empty "
		  "array of dates" },
		{ HEAD "{\"name\":\"a\",\"off\":[\"2030-01-01\"],"
		  "\"workdays\":\"2030-01-05\"}]}",
		  "CN-2030.json: holidays[0]: \"workdays\" must be an array "
		  "of dates" },
		{ HEAD "{\"name\":\"a\",\"off\":[\"2030-02-30\"]}]}",
		  "CN-2030.json: holidays[0].off[0]: 2030-02-30 is not a real "
		  "date" },
		{ HEAD "{\"name\":\"a\",\"off\":[\"2030-1-1\"]}]}",
		  "CN-2030.json: holidays[0].off[0]: dates must be "
		  "YYYY-MM-DD" },
		{ HEAD "{\"name\":\"a\",\"off\":[20300101]}]}",
		  "CN-2030.json: holidays[0].off[0]: dates must be strings" },
		{ HEAD "{\"name\":\"a\",\"off\":[\"2029-12-31\"]}]}",
		  "CN-2030.json: holidays[0].off[0]: 2029-12-31 is not in "
		  "2030" },
		{ HEAD "{\"name\":\"a\",\"off\":[\"2030-01-01\"]},"
		  "{\"name\":\"b\",\"off\":[\"2030-01-01\"]}]}",
		  "CN-2030.json: holidays[1].off[0]: 2030-01-01 is listed "
		  "more than once" },
		/* 2030-01-05 is a Saturday. */
		{ HEAD "{\"name\":\"a\",\"off\":[\"2030-01-05\"]},"
		  "{\"name\":\"b\",\"off\":[\"2030-01-01\"],"
		  "\"workdays\":[\"2030-01-05\"]}]}",
		  "CN-2030.json: holidays[1].workdays[0]: 2030-01-05 is "
		  "listed both as a day off and as a working day" },
		/* 2030-01-02 is a Wednesday. */
		{ HEAD "{\"name\":\"a\",\"off\":[\"2030-01-01\"],"
		  "\"workdays\":[\"2030-01-02\"]}]}",
		  "CN-2030.json: holidays[0].workdays[0]: 2030-01-02 is a "
		  "weekday, not a make-up working day" },
	};
	struct err	e;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tmp_clear();
		tmp_put("CN-2030.json", bad[i].text);
		err_clear(&e);
		assert_int_equal(calendar_load_dir(tmp_dir, &e), ERR_INVALID);
		if (strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, e.msg,
			    bad[i].msg);
		assert_string_equal(e.field, "CN-2030.json");
		/* The shipped calendar stays in force. */
		work_is("2026-02-14", 1);
	}
}

/* CAL-005: a good file among bad ones still fails the whole load. */
static void
test_calendar__one_bad_file_fails_all_CAL005(void **state)
{
	struct err	e;

	tmp_clear();
	tmp_put("CN-2030.json", HEAD "]}");
	tmp_put("CN-2031.json", "{\"year\":2031}");
	err_clear(&e);
	assert_int_equal(calendar_load_dir(tmp_dir, &e), ERR_INVALID);
	assert_string_equal(e.field, "CN-2031.json");
	work_is("2026-02-14", 1);
}

/* CAL-005: directories that cannot be used. */
static void
test_calendar__bad_dirs_CAL005(void **state)
{
	struct err	e;

	tmp_clear();
	err_clear(&e);
	assert_int_equal(calendar_load_dir("/nonexistent/fw-calendar", &e),
	    ERR_IO);
	assert_non_null(strstr(e.msg, "/nonexistent/fw-calendar"));
	/* Only CN-YYYY.json names count. */
	tmp_put("README.md", "# calendars\n");
	tmp_put("CN-2030.json.bak", "garbage");
	err_clear(&e);
	assert_int_equal(calendar_load_dir(tmp_dir, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "no CN-YYYY.json calendar files"));
	work_is("2026-02-14", 1);
}

/* CAL-005: a good directory replaces what was loaded. */
static void
test_calendar__reload_replaces_CAL005(void **state)
{
	struct err	e;

	tmp_clear();
	/* Tue 1 Jan off; Sat 5 Jan worked. */
	tmp_put("CN-2030.json", HEAD "{\"name\":\"元旦\",\"off\":"
	    "[\"2030-01-01\"],\"workdays\":[\"2030-01-05\"]}]}");
	tmp_put("README.md", "# calendars\n");
	tmp_put("CN-2030.json.bak", "garbage");
	err_clear(&e);
	assert_int_equal(calendar_load_dir(tmp_dir, &e), 0);
	work_is("2030-01-01", 0);
	work_is("2030-01-05", 1);
	work_is("2030-01-06", 0);
	add_is("2030-01-01", 0, "2030-01-01");
	add_is("2030-01-01", 4, "2030-01-05");
	add_err("2026-02-14", 1, "no working-day calendar for 2026");
}

/* Readers keep getting right answers while another thread reloads. */
struct reader {
	atomic_int	*stop;
	int		 bad;
	long		 rounds;
};

static void *
reader_run(void *arg)
{
	struct reader	*r = arg;
	struct err	 e;
	char		 out[CALENDAR_DATE_LEN + 1];
	int		 n;

	while (!atomic_load(r->stop)) {
		err_clear(&e);
		if (calendar_add_workdays("2026-02-14", 1, out, &e) < 0 ||
		    strcmp(out, "2026-02-24") != 0)
			r->bad++;
		if (calendar_workdays_between("2025-12-31", "2026-01-04", &n,
		    &e) < 0 || n != 1)
			r->bad++;
		r->rounds++;
	}
	return NULL;
}

static void
test_calendar__reload_under_readers(void **state)
{
	pthread_t	th[4];
	struct reader	rd[4];
	struct err	e;
	atomic_int	stop = 0;
	int		i;

	for (i = 0; i < 4; i++) {
		memset(&rd[i], 0, sizeof(rd[i]));
		rd[i].stop = &stop;
		assert_int_equal(pthread_create(&th[i], NULL, reader_run,
		    &rd[i]), 0);
	}
	for (i = 0; i < 50; i++) {
		err_clear(&e);
		assert_int_equal(calendar_load_dir(data_dir(), &e), 0);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(rd[i].bad, 0);
	}
}

/* Run calendar.horizon at noon of day (Asia/Shanghai) into out. */
static void
horizon_on(const char *day, struct buf *out)
{
	struct tm	tm;
	struct err	e;

	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(day, "%Y-%m-%d", &tm));
	tm.tm_hour = 4;		/* 12:00 +08:00 */
	clock_set_offset(0);
	clock_set_offset((int64_t)timegm(&tm) - clock_now());
	buf_init(out);
	err_clear(&e);
	assert_int_equal(calendar_job_horizon(NULL, NULL, out, &e), 0);
	clock_set_offset(0);
}

/* CAL-007: the calendar's end in sight is told, with the file to add. */
static void
test_calendar__horizon_CAL007(void **state)
{
	struct buf	d;

	(void)state;
	assert_int_equal(calendar_last_year("2025-03-01"), 2027);
	assert_int_equal(calendar_last_year("2026-12-31"), 2027);
	assert_int_equal(calendar_last_year("2027-01-01"), 2027);
	assert_int_equal(calendar_last_year("2028-01-01"), -1);
	assert_int_equal(calendar_last_year("2024-05-01"), -1);
	assert_int_equal(calendar_last_year("2026-13-01"), -1);
	/* CAL-008: the provisional 2027 does not count as covered. */
	horizon_on("2026-11-29", &d);
	assert_string_equal(d.data, "calendar official to 2026-12-31, 32 days "
	    "left; CN-2027.json is provisional (statutory days only): replace "
	    "data/calendar/CN-2027.json with the State Council's notice");
	buf_free(&d);
	horizon_on("2026-11-02", &d);
	assert_string_equal(d.data, "calendar official to 2026-12-31, 59 days "
	    "left; CN-2027.json is provisional (statutory days only): replace "
	    "data/calendar/CN-2027.json with the State Council's notice");
	buf_free(&d);
	horizon_on("2026-11-01", &d);
	assert_string_equal(d.data, "calendar covers to 2026-12-31 (60 days)");
	buf_free(&d);
	horizon_on("2025-06-01", &d);
	assert_string_equal(d.data, "calendar covers to 2026-12-31 (578 days)");
	buf_free(&d);
	horizon_on("2027-01-05", &d);
	assert_string_equal(d.data, "calendar for 2027 is provisional "
	    "(statutory days only): replace data/calendar/CN-2027.json with "
	    "the State Council's notice");
	buf_free(&d);
	horizon_on("2028-01-05", &d);
	assert_string_equal(d.data, "no calendar for 2028: every working-day "
	    "deadline fails; add data/calendar/CN-2028.json");
	buf_free(&d);
}

/* CAL-007: with no file for the next year, the one to add is named. */
static void
test_calendar__horizon_add_CAL007(void **state)
{
	struct buf	d;
	struct err	e;

	tmp_clear();
	tmp_put("CN-2030.json", HEAD "{\"name\":\"元旦\",\"off\":"
	    "[\"2030-01-01\"]}]}");
	err_clear(&e);
	assert_int_equal(calendar_load_dir(tmp_dir, &e), 0);
	horizon_on("2030-11-29", &d);
	assert_string_equal(d.data, "calendar ends 2030-12-31, 32 days left: "
	    "add data/calendar/CN-2031.json");
	buf_free(&d);
	/* CAL-008: "official" said outright is the same as no status. */
	tmp_put("CN-2031.json", "{\"year\":2031,\"status\":\"official\","
	    "\"source\":\"test\",\"holidays\":[]}");
	assert_int_equal(calendar_load_dir(tmp_dir, &e), 0);
	horizon_on("2030-11-29", &d);
	assert_string_equal(d.data, "calendar covers to 2031-12-31 (397 days)");
	buf_free(&d);
	assert_int_equal(calendar_provisional("2030-01-01", "2031-12-31"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar__spring_festival_2026_CAL001),
		cmocka_unit_test(test_calendar__national_day_2026_CAL001),
		cmocka_unit_test(test_calendar__schedule_2025_CAL001),
		cmocka_unit_test(test_calendar__year_boundary_CAL001),
		cmocka_unit_test(test_calendar__n_zero_CAL006),
		cmocka_unit_test(test_calendar__between_CAL006),
		cmocka_unit_test(test_calendar__missing_year_CAL003),
		cmocka_unit_test(test_calendar__malformed_dates_CAL004),
		cmocka_unit_test(test_calendar__agrees_with_stepping_CAL006),
		cmocka_unit_test(test_calendar__horizon_CAL007),
		cmocka_unit_test(test_calendar__provisional_2027_CAL008),
		cmocka_unit_test_setup_teardown(
		    test_calendar__horizon_add_CAL007, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(
		    test_calendar__bad_files_rejected_CAL005, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(
		    test_calendar__one_bad_file_fails_all_CAL005, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(
		    test_calendar__bad_dirs_CAL005, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(
		    test_calendar__reload_replaces_CAL005, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test(test_calendar__reload_under_readers),
	};

	return cmocka_run_group_tests_name("calendar", tests, load_shipped,
	    NULL);
}
