/*
 * Unit tests of src/core: error catalogue, buffers, strings, strict JSON
 * parsing and canonical form, and the id generator (monotonic, unique
 * across threads).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/id.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"

static void
test_core__err_catalogue(void **state)
{
	struct err	e;

	(void)state;
	assert_int_equal(err_http_status(ERR_NOT_FOUND), 404);
	assert_int_equal(err_http_status(ERR_STALE), 412);
	assert_int_equal(err_http_status(ERR_PRECONDITION), 428);
	assert_int_equal(err_http_status(ERR_MEDIA_TYPE), 415);
	assert_int_equal(err_http_status(ERR_RATE_LIMITED), 429);
	assert_int_equal(err_http_status(0), 200);
	assert_string_equal(err_code_str(ERR_CSRF), "csrf");
	/* Out-of-range codes map to internal, never crash. */
	assert_int_equal(err_http_status(-9999), 500);
	assert_int_equal(err_set(&e, ERR_INVALID, "login", "bad %s", "x"),
	    ERR_INVALID);
	assert_string_equal(e.field, "login");
	assert_string_equal(e.msg, "bad x");
	err_set(&e, ERR_MISSING, NULL, NULL);
	assert_string_equal(e.field, "");
	assert_string_equal(e.msg, err_default_msg(ERR_MISSING));
	assert_int_equal(err_set(NULL, ERR_IO, "x", NULL), ERR_IO);
}

static void
test_core__buf(void **state)
{
	struct buf	b;
	char		*s;
	int		 i;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_adds(&b, "abc");
	buf_addc(&b, 'd');
	s = buf_release(&b);
	assert_string_equal(s, "abcd");
	assert_null(b.data);
	free(s);
	buf_free(&b);
}

static void
test_core__str(void **state)
{
	unsigned char	raw[4] = { 0x00, 0x7f, 0xab, 0xff }, back[4];
	char		hex[9];
	int64_t		v;

	(void)state;
	str_hex(raw, 4, hex);
	assert_string_equal(hex, "007fabff");
	assert_int_equal(str_unhex(hex, back, 4), 0);
	assert_memory_equal(raw, back, 4);
	assert_int_equal(str_unhex("007fabf", back, 4), ERR_INVALID);
	assert_int_equal(str_unhex("007fabfg", back, 4), ERR_INVALID);
	assert_int_equal(str_to_i64("123", 0, 200, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(str_to_i64("201", 0, 200, &v), ERR_INVALID);
	assert_int_equal(str_to_i64("12a", 0, 200, &v), ERR_INVALID);
	assert_int_equal(str_to_i64("", 0, 200, &v), ERR_INVALID);
	assert_int_equal(str_to_i64(" 1", 0, 200, &v), ERR_INVALID);
	assert_int_equal(str_to_i64("99999999999999999999", 0, INT64_MAX,
	    &v), ERR_INVALID);
	assert_true(str_eq_ct("abc", "abc"));
	assert_false(str_eq_ct("abc", "abd"));
	assert_false(str_eq_ct("abc", "abcd"));
	assert_true(str_utf8_valid("消防", strlen("消防")));
	assert_false(str_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(str_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(str_utf8_valid("a\0b", 3));
	assert_int_equal(str_utf8_len("消防a"), 3);
}

static void
test_core__jx_strict(void **state)
{
	struct err	 e;
	json_t		*j = NULL;
	char		 deep[200];
	int		 i;

	(void)state;
	assert_int_equal(jx_parse_body("{\"a\":1}", 7, &j, &e), 0);
	json_decref(j);
	assert_int_equal(jx_parse_body("{\"a\":1,\"a\":2}", 13, &j, &e),
	    ERR_DUP_KEY);
	assert_string_equal(e.field, "a");
	assert_int_equal(jx_parse_body("{\"a\":", 5, &j, &e), ERR_BAD_JSON);
	assert_int_equal(jx_parse_body("[1]", 3, &j, &e), ERR_BAD_JSON);
	assert_int_equal(jx_parse_body("{\"a\":1} x", 9, &j, &e),
	    ERR_BAD_JSON);
	assert_int_equal(jx_parse_body("{\"a\":\"\xff\"}", 8, &j, &e),
	    ERR_BAD_JSON);
	assert_int_equal(jx_parse_body("{\"a\":\"\\u0000\"}", 14, &j, &e),
	    ERR_BAD_JSON);
	/* 17 levels of nesting exceed JX_MAX_DEPTH. */
	deep[0] = '\0';
	for (i = 0; i < 16; i++)
		strcat(deep, "{\"a\":");
	strcat(deep, "{}");
	for (i = 0; i < 16; i++)
		strcat(deep, "}");
	assert_int_equal(jx_parse_body(deep, strlen(deep), &j, &e),
	    ERR_BAD_JSON);
}

static void
test_core__jx_canonical(void **state)
{
	json_t	*j;
	char	*s;

	(void)state;
	j = json_pack("{s:i, s:s, s:{s:b, s:n}}", "z", 1, "a", "消防/x",
	    "m", "y", 1, "b");
	s = jx_canonical(j);
	assert_string_equal(s, "{\"a\":\"消防/x\",\"m\":{\"b\":null,"
	    "\"y\":true},\"z\":1}");
	free(s);
	json_decref(j);
	j = jx_id(7301234567890123LL);
	assert_string_equal(json_string_value(j), "7301234567890123");
	json_decref(j);
}

#define ID_THREADS	4
#define ID_PER		20000

static void *
id_worker(void *arg)
{
	int64_t	*out = arg;
	int	 i;

	for (i = 0; i < ID_PER; i++)
		out[i] = id_next();
	return NULL;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_core__id_monotonic_unique(void **state)
{
	pthread_t	 th[ID_THREADS];
	int64_t		*ids, prev, v;
	int		 i;

	(void)state;
	prev = id_next();
	for (i = 0; i < 100000; i++) {
		v = id_next();
		assert_true(v > prev);
		prev = v;
	}
	ids = xcalloc(ID_THREADS * ID_PER, sizeof(*ids));
	for (i = 0; i < ID_THREADS; i++)
		pthread_create(&th[i], NULL, id_worker, ids + i * ID_PER);
	for (i = 0; i < ID_THREADS; i++)
		pthread_join(th[i], NULL);
	/* Within each thread strictly increasing. */
	for (i = 1; i < ID_THREADS * ID_PER; i++)
		if (i % ID_PER)
			assert_true(ids[i] > ids[i - 1]);
	qsort(ids, ID_THREADS * ID_PER, sizeof(*ids), id_cmp);
	for (i = 1; i < ID_THREADS * ID_PER; i++)
		assert_true(ids[i] != ids[i - 1]);
	assert_true(ids[0] > 0);
	free(ids);
}

static void
test_core__id_node_bits(void **state)
{
	int64_t	v, t0 = clock_mono_us();

	(void)state;
	/*
	 * Ids drawn faster than 4096 per millisecond run ahead of the clock
	 * and keep the old node bits until the clock catches up (that keeps
	 * them monotonic); within a second the new node shows.
	 */
	id_set_node(5);
	do
		v = id_next();
	while (((v >> 12) & 0x3ff) != 5 && clock_mono_us() - t0 < 1000000);
	assert_int_equal((v >> 12) & 0x3ff, 5);
	id_set_node(0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_core__err_catalogue),
		cmocka_unit_test(test_core__buf),
		cmocka_unit_test(test_core__str),
		cmocka_unit_test(test_core__jx_strict),
		cmocka_unit_test(test_core__jx_canonical),
		cmocka_unit_test(test_core__id_monotonic_unique),
		cmocka_unit_test(test_core__id_node_bits),
	};

	jx_init();
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
