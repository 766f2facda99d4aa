/*
 * Certificate codes (specs/ecert-v1.md "Signature", "QR code text"):
 * signing canonical content with SM2, the QR text
 * FWC1.<base64url(content)>.<base64url(signature)>, its strict parser and
 * offline verification with a given public key (ECERT-001, ECERT-003..006).
 * A text that does not parse is "not a certificate code"; one that parses
 * is valid or invalid, with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "ecert.h"

#define ECERT_PREFIX_LEN	(sizeof(ECERT_PREFIX) - 1)

void
ecert_code_free(struct ecert_code *c)
{
	if (c == NULL)
		return;
	free(c->text);
	free(c->content);
	free(c->sig);
	json_decref(c->json);
	free(c);
}

/*
 * ECERT-001: what canonical content may hold: no floating-point number,
 * strings of UTF-8 without NUL.  path names the offending value ("" for
 * the content itself).
 */
static int
ecert_code_value_ok(const json_t *v, const char *path, struct err *e)
{
	const char	*k;
	json_t		*x;
	char		 sub[ERR_FIELD_MAX];
	size_t		 i;
	int		 rc;

	switch (json_typeof(v)) {
	case JSON_REAL:
		return err_set(e, ERR_TYPE, path, "%s: no floating-point "
		    "numbers on a certificate", path);
	case JSON_STRING:
		if (strlen(json_string_value(v)) != json_string_length(v) ||
		    !str_utf8_valid(json_string_value(v),
		    json_string_length(v)))
			return err_set(e, ERR_INVALID, path, "%s is not UTF-8 "
			    "text without NUL", path);
		return 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, x) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if ((rc = ecert_code_value_ok(x, sub, e)) < 0)
				return rc;
		}
		return 0;
	case JSON_OBJECT:
		json_object_foreach((json_t *)(uintptr_t)v, k, x) {
			snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." :
			    "", k);
			if ((rc = ecert_code_value_ok(x, sub, e)) < 0)
				return rc;
		}
		return 0;
	default:
		return 0;
	}
}

/* FWC1.<b64url(content)>.<b64url(sig)> as a new string. */
static char *
ecert_code_text(const char *content, size_t n, const unsigned char *sig,
    size_t siglen)
{
	char	*a, *b, *t;

	a = crypto_base64url_encode(content, n);
	b = crypto_base64url_encode(sig, siglen);
	t = xasprintf("%s%s.%s", ECERT_PREFIX, a, b);
	free(a);
	free(b);
	return t;
}

int
ecert_code_sign(const struct crypto_sm2 *k, const json_t *content,
    struct ecert_code **out, struct err *e)
{
	struct ecert_code	*c = NULL;
	const char		*kid;
	char			 want[ECERT_KID_LEN + 1];
	int			 rc;

	if (!json_is_object(content)) {
		rc = err_set(e, ERR_TYPE, "content", "content must be a JSON "
		    "object");
		goto out;
	}
	crypto_sm2_key_id(k, want);
	kid = json_string_value(json_object_get(content, "kid"));
	if (kid == NULL || strcmp(kid, want) != 0) {
		rc = err_set(e, ERR_INVALID, "kid", "kid must be the signing "
		    "key's id %s", want);
		goto out;
	}
	if ((rc = ecert_code_value_ok(content, "", e)) < 0)
		goto out;
	c = xcalloc(1, sizeof(*c));
	/* ECERT-001: the signed bytes are the canonical text, nothing else. */
	c->content = jx_canonical(content);
	c->content_len = strlen(c->content);
	/* ECERT-003: SM2 with SM3, identifier 1234567812345678, DER. */
	if ((rc = crypto_sm2_sign(k, c->content, c->content_len, &c->sig,
	    &c->siglen, e)) < 0)
		goto out;
	c->text = ecert_code_text(c->content, c->content_len, c->sig,
	    c->siglen);
	/* ECERT-006: it must fit one QR code at level M. */
	if (strlen(c->text) > ECERT_CODE_MAX) {
		rc = err_set(e, ERR_RANGE, "content", "the certificate code "
		    "would be %zu characters, more than the %d a QR code "
		    "holds", strlen(c->text), ECERT_CODE_MAX);
		goto out;
	}
	c->json = json_deep_copy(content);
	c->kid = json_string_value(json_object_get(c->json, "kid"));
	c->canonical = 1;
	*out = c;
	c = NULL;
	rc = 0;
out:
	ecert_code_free(c);
	return rc;
}

static int
ecert_not_code(struct err *e, const char *why)
{
	return err_set(e, ERR_INVALID, "code", "not a certificate code: %s",
	    why);
}

int
ecert_code_decode(const char *text, struct ecert_code **out, struct err *e)
{
	struct ecert_code	*c = NULL;
	const char		*p, *dot;
	json_error_t		 je;
	unsigned char		*bytes = NULL;
	char			*again = NULL;
	size_t			 n;
	int			 rc;

	/* ECERT-005: everything below is "not a certificate code". */
	if (text == NULL || (n = strnlen(text, ECERT_TEXT_MAX + 1)) == 0) {
		rc = err_set(e, ERR_MISSING, "code", "code is required");
		goto out;
	}
	if (n > ECERT_TEXT_MAX) {
		rc = ecert_not_code(e, "longer than 8192 characters");
		goto out;
	}
	if (strncmp(text, ECERT_PREFIX, ECERT_PREFIX_LEN) != 0) {
		rc = ecert_not_code(e, "it does not start with " ECERT_PREFIX);
		goto out;
	}
	p = text + ECERT_PREFIX_LEN;
	if ((dot = strchr(p, '.')) == NULL || strchr(dot + 1, '.') != NULL) {
		rc = ecert_not_code(e, "it must have exactly three parts "
		    "separated by dots");
		goto out;
	}
	if (dot == p || dot[1] == '\0') {
		rc = ecert_not_code(e, "a part is empty");
		goto out;
	}
	c = xcalloc(1, sizeof(*c));
	if (crypto_base64url_decode(p, (size_t)(dot - p), &bytes,
	    &c->content_len, NULL) < 0) {
		rc = ecert_not_code(e, "the content is not unpadded base64url");
		goto out;
	}
	c->content = (char *)bytes;
	if (crypto_base64url_decode(dot + 1, strlen(dot + 1), &c->sig,
	    &c->siglen, NULL) < 0) {
		rc = ecert_not_code(e, "the signature is not unpadded "
		    "base64url");
		goto out;
	}
	/*
	 * A NUL byte is never JSON, but jansson may stop reading at one.
	 * Duplicate keys parse (the last wins) and fail the canonical test.
	 */
	if (memchr(c->content, '\0', c->content_len) != NULL ||
	    (c->json = json_loadb(c->content, c->content_len, 0, &je)) ==
	    NULL) {
		rc = ecert_not_code(e, "the content is not JSON");
		goto out;
	}
	if (!json_is_object(c->json)) {
		rc = ecert_not_code(e, "the content is not a JSON object");
		goto out;
	}
	if ((c->kid = json_string_value(json_object_get(c->json, "kid"))) ==
	    NULL) {
		rc = ecert_not_code(e, "the content has no kid");
		goto out;
	}
	/* ECERT-001: canonical means it re-encodes to the very same bytes. */
	again = jx_canonical(c->json);
	c->canonical = strlen(again) == c->content_len &&
	    memcmp(again, c->content, c->content_len) == 0 &&
	    ecert_code_value_ok(c->json, "", NULL) == 0;
	c->text = xstrdup(text);
	*out = c;
	c = NULL;
	rc = 0;
out:
	free(again);
	ecert_code_free(c);
	return rc;
}

enum ecert_verdict
ecert_code_verify(const struct ecert_code *c, const struct crypto_sm2 *k)
{
	if (crypto_sm2_verify(k, c->content, c->content_len, c->sig,
	    c->siglen, NULL) < 0)
		return ECERT_BAD_SIGNATURE;
	if (!c->canonical)
		return ECERT_NOT_CANONICAL;
	return ECERT_VALID;
}

const char *
ecert_verdict_reason(enum ecert_verdict v)
{
	switch (v) {
	case ECERT_VALID:
		return "valid";
	case ECERT_UNKNOWN_KEY:
		return "unknown_key";
	case ECERT_BAD_SIGNATURE:
		return "bad_signature";
	case ECERT_NOT_CANONICAL:
		return "not_canonical";
	}
	return "invalid";
}

const char *
ecert_verdict_message(enum ecert_verdict v)
{
	switch (v) {
	case ECERT_VALID:
		return "the signature is valid";
	case ECERT_UNKNOWN_KEY:
		return "the signing key (kid) is not one of the platform's "
		    "certificate keys";
	case ECERT_BAD_SIGNATURE:
		return "the signature does not match the content: the "
		    "certificate was altered or not issued by the platform";
	case ECERT_NOT_CANONICAL:
		return "the content is not in canonical form";
	}
	return "invalid";
}
