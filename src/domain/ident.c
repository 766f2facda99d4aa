/*
 * Identifier checks: the unified social credit code (GB 32100-2015) with
 * the organisation code embedded in it (GB 11714-1997), and the resident
 * identity card number (GB 11643-1999).  Pure functions over short
 * strings: no allocation, no I/O; only the birth-date check reads the
 * clock.  Rule IDs (ID-0xx) are listed in docs/modules/ident.md.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../core/clock.h"
#include "ident.h"

/* GB 32100 character set: values 0..30 in this order (no I O S V Z). */
static const char	ident_uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* 3^(i-1) mod 31 for positions 1..17 (ID-003). */
static const int	ident_uscc_w[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/* GB 11714 weights over the first 8 characters of the organisation code. */
static const int	ident_org_w[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };

/* 2^(18-i) mod 11 for positions 1..17 (ID-013). */
static const int	ident_id_w[17] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
};

/* Check character for sum mod 11 = 0..10 (ID-013). */
static const char	ident_id_check[] = "10X98765432";

#define IDENT_SHANGHAI_OFFSET	(8 * 3600)
#define IDENT_MIN_BIRTH_YEAR	1880

static int
ident_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Trim surrounding white space and upper-case into out when the trimmed
 * length is exactly want; returns the trimmed length (so callers can
 * report a wrong one) and leaves out untouched otherwise.
 */
static size_t
ident_trim_upper(const char *s, char *out, size_t want)
{
	size_t	n, i;

	if (s == NULL)
		return 0;
	while (ident_isspace(*s))
		s++;
	n = strlen(s);
	while (n > 0 && ident_isspace(s[n - 1]))
		n--;
	if (n != want)
		return n;
	for (i = 0; i < n; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') :
		    s[i];
	out[n] = '\0';
	return n;
}

/* Value of c in the GB 32100 set, or -1. */
static int
ident_uscc_val(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(ident_uscc_set, c)) == NULL)
		return -1;
	return (int)(p - ident_uscc_set);
}

/* ID-004: GB 11714 check over positions 9..17; 1 if it holds. */
static int
ident_org_ok(const char *org)
{
	int	i, v, sum = 0, c;
	char	want;

	for (i = 0; i < 8; i++) {
		if (org[i] >= '0' && org[i] <= '9')
			v = org[i] - '0';
		else if (org[i] >= 'A' && org[i] <= 'Z')
			v = org[i] - 'A' + 10;
		else
			return 0;
		sum += v * ident_org_w[i];
	}
	c = 11 - sum % 11;
	if (c == 10)
		want = 'X';
	else if (c == 11)
		want = '0';
	else
		want = (char)('0' + c);
	return org[8] == want;
}

int
ident_uscc_check(const char *code, const char *field,
    char norm[IDENT_USCC_LEN + 1], int *warning, struct err *e)
{
	char	buf[IDENT_USCC_LEN + 1];
	int	i, v, sum = 0, c;

	/* ID-001 */
	if (ident_trim_upper(code, buf, IDENT_USCC_LEN) != IDENT_USCC_LEN)
		return err_set(e, ERR_INVALID, field,
		    "USCC must be 18 characters");
	/* ID-002 */
	for (i = 0; i < IDENT_USCC_LEN; i++)
		if (buf[i] != '\0' && strchr("IOSVZ", buf[i]) != NULL)
			return err_set(e, ERR_INVALID, field,
			    "USCC contains I, O, S, V or Z");
	for (i = 0; i < IDENT_USCC_LEN; i++)
		if (ident_uscc_val(buf[i]) < 0)
			return err_set(e, ERR_INVALID, field,
			    "USCC may contain only digits and letters");
	/* ID-005: positions 3-8 are a GB/T 2260 division code. */
	for (i = 2; i < 8; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return err_set(e, ERR_INVALID, field,
			    "USCC positions 3 to 8 must be digits "
			    "(administrative division code)");
	/* ID-003 */
	for (i = 0; i < IDENT_USCC_LEN - 1; i++) {
		v = ident_uscc_val(buf[i]);
		sum += v * ident_uscc_w[i];
	}
	c = 31 - sum % 31;
	if (c == 31)
		c = 0;
	if (buf[IDENT_USCC_LEN - 1] != ident_uscc_set[c])
		return err_set(e, ERR_INVALID, field,
		    "USCC check character should be %c", ident_uscc_set[c]);
	memcpy(norm, buf, sizeof(buf));
	/* ID-004: a warning only; seen in fabricated data, never in real. */
	if (warning != NULL)
		*warning = !ident_org_ok(buf + 8);
	return 0;
}

static int
ident_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
ident_mdays(int y, int m)
{
	static const int	md[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return m == 2 && ident_leap(y) ? 29 : md[m - 1];
}

/* Today in Asia/Shanghai (UTC+8, no DST) as YYYYMMDD. */
static long
ident_today(void)
{
	struct tm	tm;
	time_t		t = (time_t)(clock_now() + IDENT_SHANGHAI_OFFSET);

	memset(&tm, 0, sizeof(tm));
	if (gmtime_r(&t, &tm) == NULL)
		return 99991231;
	return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

/* ID-012: digits 7..14 are a real date, 1880 or later, not after today. */
static int
ident_birth_check(const char *num, const char *field, struct err *e)
{
	int	y, m, d, i;
	long	ymd = 0;

	for (i = 6; i < 14; i++)
		ymd = ymd * 10 + (num[i] - '0');
	y = (int)(ymd / 10000);
	m = (int)(ymd / 100 % 100);
	d = (int)(ymd % 100);
	if (m < 1 || m > 12 || d < 1 || d > ident_mdays(y, m))
		return err_set(e, ERR_INVALID, field, "ID card birth date "
		    "%.4s-%.2s-%.2s is not a real date", num + 6, num + 10,
		    num + 12);
	if (y < IDENT_MIN_BIRTH_YEAR)
		return err_set(e, ERR_INVALID, field, "ID card birth date "
		    "%04d-%02d-%02d is before %d", y, m, d,
		    IDENT_MIN_BIRTH_YEAR);
	if (ymd > ident_today())
		return err_set(e, ERR_INVALID, field, "ID card birth date "
		    "%04d-%02d-%02d is in the future", y, m, d);
	return 0;
}

int
ident_idcard_check(const char *number, const char *field,
    char norm[IDENT_IDCARD_LEN + 1], struct err *e)
{
	char	buf[IDENT_IDCARD_LEN + 1], old[16];
	int	i, rc, sum = 0;
	char	want;

	/* ID-010, ID-011 */
	if (ident_trim_upper(number, buf, IDENT_IDCARD_LEN) ==
	    IDENT_IDCARD_LEN) {
		for (i = 0; i < IDENT_IDCARD_LEN - 1; i++)
			if (buf[i] < '0' || buf[i] > '9')
				return err_set(e, ERR_INVALID, field,
				    "ID card number must be 17 digits "
				    "followed by a digit or X");
		if ((buf[17] < '0' || buf[17] > '9') && buf[17] != 'X')
			return err_set(e, ERR_INVALID, field,
			    "ID card number must be 17 digits followed by "
			    "a digit or X");
	} else if (ident_trim_upper(number, old, 15) == 15) {
		/* ID-014: 15-digit legacy number, born 19YY. */
		for (i = 0; i < 15; i++)
			if (old[i] < '0' || old[i] > '9')
				return err_set(e, ERR_INVALID, field,
				    "a 15-digit ID card number must be all "
				    "digits");
		memcpy(buf, old, 6);
		buf[6] = '1';
		buf[7] = '9';
		memcpy(buf + 8, old + 6, 9);
		buf[17] = '\0';
		buf[18] = '\0';
	} else
		return err_set(e, ERR_INVALID, field,
		    "ID card number must be 18 characters (or 15 digits)");
	if ((rc = ident_birth_check(buf, field, e)) < 0)
		return rc;
	/* ID-013 */
	for (i = 0; i < IDENT_IDCARD_LEN - 1; i++)
		sum += (buf[i] - '0') * ident_id_w[i];
	want = ident_id_check[sum % 11];
	if (buf[17] == '\0')
		buf[17] = want;
	else if (buf[17] != want)
		return err_set(e, ERR_INVALID, field,
		    "ID card check character should be %c", want);
	memcpy(norm, buf, sizeof(buf));
	return 0;
}
