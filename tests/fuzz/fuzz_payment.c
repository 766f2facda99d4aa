/*
 * Fuzz target of payment callbacks (src/domain/enforce_pay.c, ENF-031/
 * 032): every input is (1) checked as a callback body under a signature
 * that is not its own, which must be refused naming "signature", (2)
 * parsed as the body, which when accepted must hold fields within their
 * limits and, re-serialised, parse to the same fields, and when refused
 * must name a field of the body or none (malformed JSON).  Built with
 * the standalone driver replay.c for the test suite, and as a libFuzzer
 * binary when the compiler is clang (tests/fuzz/meson.build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jx.h"
#include "core/mem.h"
#include "domain/enforce_pay.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_payment: %s\n", what);
		abort();
	}
}

/* 1 if s is one of the NULL-terminated names. */
static int
fz_in(const char *s, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(s, *names) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const	 fields[] = { "", "body", "txn_id",
	    "code", "amount_fen", "paid_at", NULL };
	static int			 init;
	struct enforce_pay_cb		 cb, again;
	struct err			 e;
	json_t				*j;
	char				*text, sig[ENFORCE_PAY_SIG_HEX + 1];

	if (!init) {
		jx_init();
		init = 1;
	}
	/* No platform is loaded: nothing verifies, whatever the bytes. */
	memset(sig, 'a', ENFORCE_PAY_SIG_HEX);
	sig[ENFORCE_PAY_SIG_HEX] = '\0';
	err_clear(&e);
	fz_check(enforce_pay_verify("acme", sig, data, size, &e) ==
	    ERR_UNAUTHENTICATED && strcmp(e.field, "signature") == 0,
	    "an unsigned body verifies");

	err_clear(&e);
	if (enforce_pay_parse((const char *)data, size, &cb, &e) < 0) {
		fz_check(fz_in(e.field, fields) || e.code == ERR_UNKNOWN_FIELD ||
		    e.code == ERR_DUP_KEY, "a refusal names no field of the body");
		return 0;
	}
	fz_check(strlen(cb.txn_id) >= 1 && strlen(cb.txn_id) <=
	    ENFORCE_PAY_TXN_MAX && strlen(cb.code) >= 1 && strlen(cb.code) <=
	    ENFORCE_PAY_CODE_MAX, "a field out of its length");
	fz_check(cb.amount_fen >= 1 && cb.amount_fen <= ENFORCE_PAY_FEN_MAX &&
	    cb.paid_at >= 1577836800, "a number out of its range");
	/* What was accepted reads back the same, written anew. */
	j = json_pack("{s:s, s:s, s:I, s:I}", "txn_id", cb.txn_id, "code",
	    cb.code, "amount_fen", (json_int_t)cb.amount_fen, "paid_at",
	    (json_int_t)cb.paid_at);
	text = jx_dump(j);
	fz_check(enforce_pay_parse(text, strlen(text), &again, &e) == 0 &&
	    memcmp(&cb, &again, sizeof(cb)) == 0, "a body does not read back");
	free(text);
	json_decref(j);
	return 0;
}
