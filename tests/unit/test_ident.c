/*
 * Unit tests for src/domain/ident: the published USCC vectors and their
 * negatives (GB 32100-2015, the GB 11714 warning), the GB 11643 ID card
 * vectors, normalisation, 15-digit conversion and birth-date rules.  Test
 * names carry the rule IDs of docs/modules/ident.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "domain/ident.h"

/* Independent transcription of the GB 11643 check, for building inputs. */
static char
idcheck(const char *d17)
{
	static const int	w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9,
				    10, 5, 8, 4, 2 };
	int			i, s = 0;

	for (i = 0; i < 17; i++)
		s += (d17[i] - '0') * w[i];
	return "10X98765432"[s % 11];
}

/* An 18-character number with a correct check character. */
static void
idmake(const char *d17, char out[19])
{
	memcpy(out, d17, 17);
	out[17] = idcheck(d17);
	out[18] = '\0';
}

static void
uscc_ok(const char *code, const char *want, int want_warning)
{
	struct err	e;
	char		norm[IDENT_USCC_LEN + 1];
	int		warning = -1;

	err_clear(&e);
	assert_int_equal(ident_uscc_check(code, "uscc", norm, &warning, &e), 0);
	assert_string_equal(norm, want);
	assert_int_equal(warning, want_warning);
}

static void
uscc_bad(const char *code, const char *msg)
{
	struct err	e;
	char		norm[IDENT_USCC_LEN + 1] = "untouched";
	int		warning = -1;

	err_clear(&e);
	assert_int_equal(ident_uscc_check(code, "uscc", norm, &warning, &e),
	    ERR_INVALID);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "uscc");
	assert_string_equal(e.msg, msg);
	/* Outputs are written only on success. */
	assert_string_equal(norm, "untouched");
	assert_int_equal(warning, -1);
}

static void
id_ok(const char *num, const char *want)
{
	struct err	e;
	char		norm[IDENT_IDCARD_LEN + 1];

	err_clear(&e);
	assert_int_equal(ident_idcard_check(num, "id_number", norm, &e), 0);
	assert_string_equal(norm, want);
}

static void
id_bad(const char *num, const char *msg)
{
	struct err	e;
	char		norm[IDENT_IDCARD_LEN + 1] = "untouched";

	err_clear(&e);
	assert_int_equal(ident_idcard_check(num, "id_number", norm, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "id_number");
	assert_string_equal(e.msg, msg);
	assert_string_equal(norm, "untouched");
}

/* ID-003: published codes (FACTS §10.1) pass both checks. */
static void
test_ident__uscc_valid_vectors_ID003(void **state)
{
	uscc_ok("914403001922038216", "914403001922038216", 0);
	uscc_ok("9144030071526726XG", "9144030071526726XG", 0);
	uscc_ok("91440300708461136T", "91440300708461136T", 0);
}

/* ID-003 */
static void
test_ident__uscc_wrong_check_ID003(void **state)
{
	uscc_bad("914403001922038217", "USCC check character should be 6");
	uscc_bad("9144030071526726XH", "USCC check character should be G");
	/* A swapped pair of characters is caught. */
	uscc_bad("914403001922038261", "USCC check character should be M");
}

/* ID-004: passes GB 32100, fails GB 11714: valid with a warning. */
static void
test_ident__uscc_org_code_warning_ID004(void **state)
{
	struct err	e;
	char		norm[IDENT_USCC_LEN + 1];

	uscc_ok("91441900MAC8G9H0J1", "91441900MAC8G9H0J1", 1);
	/* warning may be NULL. */
	err_clear(&e);
	assert_int_equal(ident_uscc_check("91441900MAC8G9H0J1", "uscc", norm,
	    NULL, &e), 0);
}

/* ID-001 */
static void
test_ident__uscc_length_ID001(void **state)
{
	uscc_bad("", "USCC must be 18 characters");
	uscc_bad(NULL, "USCC must be 18 characters");
	uscc_bad("   ", "USCC must be 18 characters");
	uscc_bad("91440300192203821", "USCC must be 18 characters");
	uscc_bad("9144030019220382160", "USCC must be 18 characters");
	uscc_bad("9144030019 22038216", "USCC must be 18 characters");
}

/* ID-002: each of the five excluded letters, upper and lower case. */
static void
test_ident__uscc_forbidden_letters_ID002(void **state)
{
	static const char	bad[] = "IOSVZiosvz";
	char			code[IDENT_USCC_LEN + 1];
	size_t			i;

	for (i = 0; i < sizeof(bad) - 1; i++) {
		memcpy(code, "914403001922038216", sizeof(code));
		code[12] = bad[i];
		uscc_bad(code, "USCC contains I, O, S, V or Z");
	}
	uscc_bad("Z14403001922038216", "USCC contains I, O, S, V or Z");
	uscc_bad("91440300192203821-", "USCC may contain only digits and "
	    "letters");
	uscc_bad("9144030019220382\xc3\xa9", "USCC may contain only digits "
	    "and letters");
}

/* ID-005: positions 3-8 are the administrative division code. */
static void
test_ident__uscc_division_digits_ID005(void **state)
{
	uscc_bad("9144A3001922038216", "USCC positions 3 to 8 must be digits "
	    "(administrative division code)");
}

/* ID-001: case and surrounding space are normalised. */
static void
test_ident__uscc_lowercase_trim_ID001(void **state)
{
	uscc_ok("9144030071526726xg", "9144030071526726XG", 0);
	uscc_ok("  91440300708461136t\t\n", "91440300708461136T", 0);
	uscc_ok("91441900mac8g9h0j1", "91441900MAC8G9H0J1", 1);
}

/* ID-013: the standard's example and its negative. */
static void
test_ident__idcard_vectors_ID013(void **state)
{
	id_ok("11010519491231002X", "11010519491231002X");
	id_bad("110105194912310021", "ID card check character should be X");
}

/* ID-011: lower-case x and surrounding space. */
static void
test_ident__idcard_lowercase_x_ID011(void **state)
{
	id_ok("11010519491231002x", "11010519491231002X");
	id_ok(" 11010519491231002x ", "11010519491231002X");
}

/* ID-010, ID-011 */
static void
test_ident__idcard_format_ID010(void **state)
{
	id_bad("", "ID card number must be 18 characters (or 15 digits)");
	id_bad(NULL, "ID card number must be 18 characters (or 15 digits)");
	id_bad("11010519491231002", "ID card number must be 18 characters "
	    "(or 15 digits)");
	id_bad("11010519491231002XX", "ID card number must be 18 characters "
	    "(or 15 digits)");
	id_bad("1101051949123100X2", "ID card number must be 17 digits "
	    "followed by a digit or X");
	id_bad("11010519491231002Y", "ID card number must be 17 digits "
	    "followed by a digit or X");
	id_bad("11010549123100X", "a 15-digit ID card number must be all "
	    "digits");
}

/* ID-014: a 15-digit number gains 19 and its check character. */
static void
test_ident__idcard_legacy_15_ID014(void **state)
{
	char	want[19];

	id_ok("110105491231002", "11010519491231002X");
	idmake("44030119800101123", want);
	id_ok("440301800101123", want);
	/* 15-digit numbers are checked for their birth date too. */
	id_bad("110105490230002", "ID card birth date 1949-02-30 is not a "
	    "real date");
}

/* ID-012: impossible dates, even with a correct check character. */
static void
test_ident__idcard_impossible_birth_date_ID012(void **state)
{
	char	num[19];

	idmake("11010519490230002", num);
	id_bad(num, "ID card birth date 1949-02-30 is not a real date");
	idmake("11010519491301002", num);
	id_bad(num, "ID card birth date 1949-13-01 is not a real date");
	idmake("11010519490000002", num);
	id_bad(num, "ID card birth date 1949-00-00 is not a real date");
	idmake("11010519000229002", num);	/* 1900 is not a leap year */
	id_bad(num, "ID card birth date 1900-02-29 is not a real date");
	idmake("11010520000229002", num);	/* 2000 is */
	id_ok(num, num);
}

/* ID-012: not before 1880, not in the future (Asia/Shanghai). */
static void
test_ident__idcard_birth_range_ID012(void **state)
{
	char	num[19];

	idmake("44052418800101001", num);
	id_ok(num, num);
	idmake("44052418791231001", num);
	id_bad(num, "ID card birth date 1879-12-31 is before 1880");
	idmake("11010520990101002", num);
	id_bad(num, "ID card birth date 2099-01-01 is in the future");

	/*
	 * With the clock at 2020-01-01 00:30 in Shanghai (2019-12-31 16:30
	 * UTC), someone born that day is fine and the next day is future.
	 */
	clock_set_offset(0);
	clock_set_offset(1577809800 - clock_now());
	idmake("11010520200101002", num);
	id_ok(num, num);
	idmake("11010520200102002", num);
	id_bad(num, "ID card birth date 2020-01-02 is in the future");
	clock_set_offset(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident__uscc_valid_vectors_ID003),
		cmocka_unit_test(test_ident__uscc_wrong_check_ID003),
		cmocka_unit_test(test_ident__uscc_org_code_warning_ID004),
		cmocka_unit_test(test_ident__uscc_length_ID001),
		cmocka_unit_test(test_ident__uscc_forbidden_letters_ID002),
		cmocka_unit_test(test_ident__uscc_division_digits_ID005),
		cmocka_unit_test(test_ident__uscc_lowercase_trim_ID001),
		cmocka_unit_test(test_ident__idcard_vectors_ID013),
		cmocka_unit_test(test_ident__idcard_lowercase_x_ID011),
		cmocka_unit_test(test_ident__idcard_format_ID010),
		cmocka_unit_test(test_ident__idcard_legacy_15_ID014),
		cmocka_unit_test(
		    test_ident__idcard_impossible_birth_date_ID012),
		cmocka_unit_test(test_ident__idcard_birth_range_ID012),
	};

	return cmocka_run_group_tests_name("ident", tests, NULL, NULL);
}
