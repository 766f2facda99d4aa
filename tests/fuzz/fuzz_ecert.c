/*
 * Fuzz target of certificate codes (src/domain/ecert_code.c): every input
 * is (1) decoded as a QR text, which when it decodes must be the one
 * encoding of its content and signature and whose canonical flag must
 * agree with a re-encoding; (2) wrapped as the content of a code, to
 * reach the JSON checks; (3) decoded as base64url, which when accepted
 * must encode back to the same text.  Built with the standalone driver
 * replay.c for the test suite, and as a libFuzzer binary when the
 * compiler is clang (tests/fuzz/meson.build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jx.h"
#include "core/mem.h"
#include "crypto/crypto.h"
#include "domain/ecert.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct crypto_sm2	*fz_key;

static void
fz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ecert: %s\n", what);
		abort();
	}
}

/* A decoded code: its text is the encoding of its parts, nothing else. */
static void
fz_decoded(const char *text, const struct ecert_code *c)
{
	char	*a, *b, *again, *t;

	a = crypto_base64url_encode(c->content, c->content_len);
	b = crypto_base64url_encode(c->sig, c->siglen);
	t = xasprintf("FWC1.%s.%s", a, b);
	fz_check(strcmp(t, text) == 0, "a code decodes from two encodings");
	fz_check(json_is_object(c->json) && c->kid != NULL, "decoded no kid");
	fz_check(strlen(c->content) == c->content_len, "NUL in content");
	again = jx_canonical(c->json);
	if (c->canonical)
		fz_check(strcmp(again, c->content) == 0, "canonical flag wrong");
	fz_check(ecert_code_verify(c, fz_key) != ECERT_VALID,
	    "a random input verifies");
	free(again);
	free(t);
	free(a);
	free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char	 sig[] = { 0x30, 0x06, 0x02, 0x01, 0x01,
		0x02, 0x01, 0x01 };
	struct ecert_code		*c = NULL;
	struct err			 e;
	unsigned char			*d = NULL;
	size_t				 n;
	char				*text, *a, *b, *t;

	if (fz_key == NULL) {
		jx_init();
		if (crypto_sm2_generate(&fz_key, &e) < 0)
			abort();
	}
	text = xstrndup((const char *)data, size);
	if (ecert_code_decode(text, &c, &e) == 0) {
		fz_decoded(text, c);
		ecert_code_free(c);
		c = NULL;
	} else
		fz_check(strcmp(e.field, "code") == 0, "error names no field");

	/* The input as content. */
	a = crypto_base64url_encode(data, size);
	b = crypto_base64url_encode(sig, sizeof(sig));
	t = xasprintf("FWC1.%s.%s", a, b);
	if (ecert_code_decode(t, &c, &e) == 0) {
		fz_decoded(t, c);
		ecert_code_free(c);
	}

	/* base64url: accepted text encodes back to itself. */
	if (crypto_base64url_decode(text, strlen(text), &d, &n, &e) == 0) {
		char	*s = crypto_base64url_encode(d, n);

		fz_check(strcmp(s, text) == 0, "base64url not canonical");
		free(s);
		free(d);
	}
	free(t);
	free(a);
	free(b);
	free(text);
	return 0;
}
