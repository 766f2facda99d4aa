/*
 * Benchmark of certificate codes (src/domain/ecert.h):
 *   bench_ecert [N]
 * (default 5 000).  Times, on one thread, (a) building and signing N
 * permit certificates (ecert_permit_content + ecert_code_sign: canonical
 * JSON, SM2-with-SM3, base64url), (b) decoding and verifying the N codes
 * (ecert_code_decode + ecert_code_verify), (c) verifying with the public
 * key parsed from PEM for every code, (d) the online check (ecert_check:
 * decode, the key looked up in an in-memory SQLite database, verify, the
 * registry's status).  Prints certificates per second of CPU time, i.e.
 * per core.  Measures only; asserts nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "crypto/crypto.h"
#include "domain/ecert.h"
#include "store/store.h"

static double
cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const struct err *e)
{
	fprintf(stderr, "bench_ecert: %s: %s\n", what, e->msg);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct ecert_permit	  p = {
		.holder = "东莞市明珠娱乐有限公司",
		.uscc = "91441900MAC8G9H0J1",
		.place = "明珠KTV",
		.address = "东莞市南城街道鸿福路88号",
		.use = "歌舞娱乐",
		.area_m2 = 1250,
		.route = "commitment",
		.issued = "2026-03-15",
		.issuer = "东莞市消防救援支队",
		.url = "https://fw.example.cn/v/0001",
	};
	struct crypto_sm2	 *key = NULL, *pub = NULL;
	struct ecert_code	**codes, *d;
	struct store		 *st = NULL;
	struct err		  e;
	json_t			 *content, *ans;
	char			  kid[ECERT_KID_LEN + 1], no[64], *pem;
	size_t			  n = 5000, i, bytes = 0;
	double			  t, ts, tv, tp, tc;

	if (argc > 1)
		n = strtoul(argv[1], NULL, 10);
	if (n == 0)
		n = 1;
	jx_init();
	if (crypto_sm2_generate(&key, &e) < 0)
		die("key", &e);
	crypto_sm2_key_id(key, kid);
	pem = crypto_sm2_public_pem(key);
	codes = xcalloc(n, sizeof(*codes));

	t = cpu();
	for (i = 0; i < n; i++) {
		snprintf(no, sizeof(no), "东消投字〔2026〕第%06zu号", i);
		p.no = no;
		if (ecert_permit_content(&p, kid, &content, &e) < 0)
			die("content", &e);
		if (ecert_code_sign(key, content, &codes[i], &e) < 0)
			die("sign", &e);
		json_decref(content);
		bytes += strlen(codes[i]->text);
	}
	ts = cpu() - t;

	t = cpu();
	for (i = 0; i < n; i++) {
		if (ecert_code_decode(codes[i]->text, &d, &e) < 0)
			die("decode", &e);
		if (ecert_code_verify(d, key) != ECERT_VALID) {
			fprintf(stderr, "bench_ecert: code %zu does not verify\n",
			    i);
			return 1;
		}
		ecert_code_free(d);
	}
	tv = cpu() - t;

	t = cpu();
	for (i = 0; i < n; i++) {
		if (crypto_sm2_from_public_pem(pem, &pub, &e) < 0)
			die("pem", &e);
		if (ecert_code_decode(codes[i]->text, &d, &e) < 0)
			die("decode", &e);
		if (ecert_code_verify(d, pub) != ECERT_VALID)
			return 1;
		ecert_code_free(d);
		crypto_sm2_free(pub);
	}
	tp = cpu() - t;

	if (store_open("sqlite::memory:", &st, &e) < 0 ||
	    store_migrate(st, NULL, &e) < 0 ||
	    store_exec(st, "INSERT INTO ecert_keys (kid, pem, created_at) "
	    "VALUES (?, ?, 1)", STORE_ARGS(SV_S(kid), SV_S(pem)), NULL, &e) < 0)
		die("store", &e);
	t = cpu();
	for (i = 0; i < n; i++) {
		if (ecert_check(st, codes[i]->text, &ans, &e) < 0)
			die("check", &e);
		if (!json_is_true(json_object_get(ans, "valid")))
			return 1;
		json_decref(ans);
	}
	tc = cpu() - t;
	store_close(st);

	printf("certificates: %zu gathering-place permits, code %zu bytes on "
	    "average\n", n, bytes / n);
	printf("sign   (content, SM2, code):   %8.0f /s per core (%.1f us each)\n",
	    (double)n / ts, ts * 1e6 / (double)n);
	printf("verify (decode, SM2):          %8.0f /s per core (%.1f us each)\n",
	    (double)n / tv, tv * 1e6 / (double)n);
	printf("verify with PEM parsed each:   %8.0f /s per core (%.1f us each)\n",
	    (double)n / tp, tp * 1e6 / (double)n);
	printf("online check (SQLite):         %8.0f /s per core (%.1f us each)\n",
	    (double)n / tc, tc * 1e6 / (double)n);
	printf("sign + verify:                 %8.0f /s per core\n",
	    (double)n / (ts + tv));
	for (i = 0; i < n; i++)
		ecert_code_free(codes[i]);
	free(codes);
	free(pem);
	crypto_sm2_free(key);
	return 0;
}
