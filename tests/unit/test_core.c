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
#include <stdio.h>
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

/*
 * jx_canonical()/jx_dump() must equal jansson's own json_dumps() byte for
 * byte (stored audit state hashes were made by either): generated
 * documents with controls, quotes, backslashes, multi-byte UTF-8 (U+007F,
 * U+2028, a 4-byte emoji), extreme integers, reals, and keys sharing
 * prefixes.
 */
static unsigned long jx_rng = 12345;

static unsigned
jx_rand(unsigned n)
{
	jx_rng = jx_rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((jx_rng >> 33) % n);
}

static json_t *
jx_gen_string(void)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r",
		"\t", "\x01", "\x1f", "\x7f", "\u00e9", "\u2028", "\u6d88",
		"\u9632", "\U0001F525", "key", "ke", "k",
	};
	char	tmp[256];
	size_t	n = 0, l;
	int	i, parts = (int)jx_rand(8);

	for (i = 0; i < parts; i++) {
		const char *p = pieces[jx_rand(sizeof(pieces) / sizeof(*pieces))];

		l = strlen(p);
		memcpy(tmp + n, p, l);
		n += l;
	}
	tmp[n] = '\0';
	return json_string(tmp);
}

static json_t *
jx_gen(int depth)
{
	static const json_int_t ints[] = { 0, -1, 1, 42, -9007199254740993LL,
	    INT64_MAX, INT64_MIN };
	json_t	*j;
	int	 i, n;

	switch (jx_rand(depth > 3 ? 6 : 8)) {
	case 0: return json_null();
	case 1: return json_boolean(jx_rand(2));
	case 2: return json_integer(ints[jx_rand(7)]);
	case 3: return json_real((double)jx_rand(100000) / 7.0 - 5000.0);
	case 4:
	case 5: return jx_gen_string();
	case 6:
		j = json_array();
		n = (int)jx_rand(5);
		for (i = 0; i < n; i++)
			json_array_append_new(j, jx_gen(depth + 1));
		return j;
	default:
		j = json_object();
		n = (int)jx_rand(20);
		for (i = 0; i < n; i++) {
			json_t	*k = jx_gen_string();

			json_object_set_new(j, json_string_value(k),
			    jx_gen(depth + 1));
			json_decref(k);
		}
		return j;
	}
}

static void
test_core__jx_writer_matches_jansson(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		json_t	*j = jx_gen(0);
		char	*a = jx_canonical(j);
		char	*b = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS |
		    JSON_ENCODE_ANY);
		char	*c = jx_dump(j);
		char	*d = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

		assert_non_null(b);
		assert_string_equal(a, b);
		assert_string_equal(c, d);
		free(a);
		free(b);
		free(c);
		free(d);
		json_decref(j);
	}
}

/*
 * The streaming writer (jx_put_*) gives the bytes jx_dump() gives for the
 * same values: generated strings, extreme integers, ids, booleans, an
 * object and an array with their commas; invalid UTF-8 is null, as
 * json_string() refuses it.
 */
static void
test_core__jx_put_matches_jansson(void **state)
{
	static const int64_t	 ints[] = { 0, -1, 1, 42, 1795963656,
	    -9007199254740993LL, INT64_MAX, INT64_MIN };
	struct buf		 b;
	json_t			*o, *a, *j;
	char			*want;
	size_t			 i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		j = jx_gen_string();
		buf_init(&b);
		jx_put_str(&b, json_string_value(j));
		want = jx_dump(j);
		assert_string_equal(b.data, want);
		free(want);
		buf_free(&b);
		json_decref(j);
	}
	o = json_object();
	a = json_array();
	buf_init(&b);
	buf_addc(&b, '{');
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		char	key[16];

		snprintf(key, sizeof(key), "i%zu", i);
		jx_put_key(&b, key);
		jx_put_int(&b, ints[i]);
		json_object_set_new(o, key, json_integer(ints[i]));
		snprintf(key, sizeof(key), "d%zu", i);
		jx_put_key(&b, key);
		jx_put_id(&b, ints[i], 0);
		json_object_set_new(o, key, jx_id(ints[i]));
	}
	jx_put_key(&b, "grid");
	jx_put_id(&b, 0, 1);
	json_object_set_new(o, "grid", json_null());
	jx_put_key(&b, "none");
	jx_put_str(&b, NULL);
	json_object_set_new(o, "none", jx_str_or_null(NULL));
	jx_put_key(&b, "bad");
	jx_put_str(&b, "a\xff");
	json_object_set_new(o, "bad", json_null());
	jx_put_key(&b, "t");
	jx_put_bool(&b, 7);
	json_object_set_new(o, "t", json_true());
	jx_put_key(&b, "f");
	jx_put_bool(&b, 0);
	json_object_set_new(o, "f", json_false());
	jx_put_key(&b, "list");
	buf_addc(&b, '[');
	for (i = 0; i < 3; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		jx_put_str(&b, "x\"y");
		json_array_append_new(a, json_string("x\"y"));
	}
	buf_addc(&b, ']');
	json_object_set_new(o, "list", a);
	buf_addc(&b, '}');
	want = jx_dump(o);
	assert_string_equal(b.data, want);
	free(want);
	buf_free(&b);
	json_decref(o);
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
		cmocka_unit_test(test_core__jx_writer_matches_jansson),
		cmocka_unit_test(test_core__jx_put_matches_jansson),
		cmocka_unit_test(test_core__id_monotonic_unique),
		cmocka_unit_test(test_core__id_node_bits),
	};

	jx_init();
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
