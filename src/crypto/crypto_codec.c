/*
 * Base64 (RFC 4648 section 4, with padding), base64url (section 5,
 * without padding) and base32 (section 6, without padding).  Decoders are
 * strict: no whitespace, no foreign characters, no misplaced padding and
 * no non-zero unused bits, so that every byte string has exactly one
 * accepted encoding.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "crypto.h"

static const char	b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char	b64url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char	b32_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Standard base64 of p[0..n) with padding, in a new string. */
char *
crypto_base64_encode(const void *p, size_t n)
{
	const unsigned char	*s = p;
	char			*out, *o;
	uint32_t		 v;
	size_t			 i;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 2)
		abort();
	out = o = xmalloc((n + 2) / 3 * 4 + 1);
	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*o++ = b64_alpha[v >> 18];
		*o++ = b64_alpha[(v >> 12) & 0x3f];
		*o++ = b64_alpha[(v >> 6) & 0x3f];
		*o++ = b64_alpha[v & 0x3f];
	}
	if (n - i == 1) {
		v = (uint32_t)s[i] << 16;
		*o++ = b64_alpha[v >> 18];
		*o++ = b64_alpha[(v >> 12) & 0x3f];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		*o++ = b64_alpha[v >> 18];
		*o++ = b64_alpha[(v >> 12) & 0x3f];
		*o++ = b64_alpha[(v >> 6) & 0x3f];
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int
b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode standard padded base64.  On success *out is a new buffer of
 * *outlen bytes (at least one byte is allocated, so an empty input gives
 * a valid pointer and length 0).  ERR_INVALID if s is not the canonical
 * encoding of some byte string.
 */
int
crypto_base64_decode(const char *s, unsigned char **out, size_t *outlen,
    struct err *e)
{
	unsigned char	*buf = NULL;
	size_t		 len, i, o = 0, pad = 0;
	uint32_t	 v;
	int		 c, k, rc;

	if (s == NULL) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed base64");
		goto out;
	}
	len = strlen(s);
	if (len % 4 != 0) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed base64");
		goto out;
	}
	if (len > 0 && s[len - 1] == '=')
		pad = (len > 1 && s[len - 2] == '=') ? 2 : 1;
	buf = xmalloc(len / 4 * 3 + 1);
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			if (i + (size_t)k >= len - pad) {
				/* Padding: only in the last group. */
				v <<= 6;
				continue;
			}
			if ((c = b64_val(s[i + k])) < 0) {
				rc = err_set(e, ERR_INVALID, NULL,
				    "malformed base64");
				goto out;
			}
			v = v << 6 | (uint32_t)c;
		}
		buf[o++] = (unsigned char)(v >> 16);
		if (i + 4 < len || pad < 2)
			buf[o++] = (unsigned char)(v >> 8);
		if (i + 4 < len || pad < 1)
			buf[o++] = (unsigned char)v;
		/* The bits under the padding must be zero (canonical form). */
		if (i + 4 == len && ((pad == 1 && (v & 0xff) != 0) ||
		    (pad == 2 && (v & 0xffff) != 0))) {
			rc = err_set(e, ERR_INVALID, NULL, "malformed base64");
			goto out;
		}
	}
	*out = buf;
	*outlen = o;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Unpadded base64url (RFC 4648 section 5) of p[0..n), in a new string. */
char *
crypto_base64url_encode(const void *p, size_t n)
{
	const unsigned char	*s = p;
	char			*out, *o;
	uint32_t		 v;
	size_t			 i;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 2)
		abort();
	out = o = xmalloc((n + 2) / 3 * 4 + 1);
	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*o++ = b64url_alpha[v >> 18];
		*o++ = b64url_alpha[(v >> 12) & 0x3f];
		*o++ = b64url_alpha[(v >> 6) & 0x3f];
		*o++ = b64url_alpha[v & 0x3f];
	}
	if (n - i == 1) {
		v = (uint32_t)s[i] << 16;
		*o++ = b64url_alpha[v >> 18];
		*o++ = b64url_alpha[(v >> 12) & 0x3f];
	} else if (n - i == 2) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		*o++ = b64url_alpha[v >> 18];
		*o++ = b64url_alpha[(v >> 12) & 0x3f];
		*o++ = b64url_alpha[(v >> 6) & 0x3f];
	}
	*o = '\0';
	return out;
}

static int
b64url_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/*
 * Decode unpadded base64url from s[0..n) (s need not be NUL-terminated).
 * On success *out is a new buffer of *outlen bytes plus a NUL byte not
 * counted in *outlen.  ERR_INVALID on any character outside the
 * alphabet ('=', '+', '/', whitespace, NUL), an impossible length (1
 * modulo 4) or non-zero unused trailing bits.
 */
int
crypto_base64url_decode(const char *s, size_t n, unsigned char **out,
    size_t *outlen, struct err *e)
{
	unsigned char	*buf = NULL;
	size_t		 i, o = 0;
	uint32_t	 acc = 0;
	int		 bits = 0, c, rc;

	if (s == NULL || n % 4 == 1) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed base64url");
		goto out;
	}
	buf = xmalloc(n / 4 * 3 + 3);
	for (i = 0; i < n; i++) {
		if ((c = b64url_val(s[i])) < 0) {
			rc = err_set(e, ERR_INVALID, NULL,
			    "malformed base64url");
			goto out;
		}
		acc = (acc << 6 | (uint32_t)c) & 0xfff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* The bits of an incomplete last group must be zero (canonical). */
	if ((acc & ((1u << bits) - 1)) != 0) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed base64url");
		goto out;
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}

/* RFC 4648 base32 of p[0..n) without padding, in a new string. */
char *
crypto_base32_encode(const void *p, size_t n)
{
	const unsigned char	*s = p;
	char			*out, *o;
	uint32_t		 acc = 0;
	size_t			 i;
	int			 bits = 0;

	if (n > (SIZE_MAX - 8) / 8)
		abort();
	out = o = xmalloc((n * 8 + 4) / 5 + 1);
	for (i = 0; i < n; i++) {
		acc = (acc << 8 | s[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*o++ = b32_alpha[(acc >> bits) & 0x1f];
		}
	}
	if (bits > 0)
		*o++ = b32_alpha[(acc << (5 - bits)) & 0x1f];
	*o = '\0';
	return out;
}

static int
b32_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/*
 * Decode unpadded base32 (either letter case, as people type TOTP
 * secrets both ways).  On success *out is a new buffer of *outlen bytes.
 * ERR_INVALID on a foreign character (including '=' and whitespace), an
 * impossible length (1, 3 or 6 characters modulo 8) or non-zero unused
 * trailing bits.
 */
int
crypto_base32_decode(const char *s, unsigned char **out, size_t *outlen,
    struct err *e)
{
	unsigned char	*buf = NULL;
	size_t		 len, i, o = 0;
	uint32_t	 acc = 0;
	int		 bits = 0, c, rc;

	if (s == NULL) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed base32");
		goto out;
	}
	len = strlen(s);
	if (len % 8 == 1 || len % 8 == 3 || len % 8 == 6) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed base32");
		goto out;
	}
	buf = xmalloc(len * 5 / 8 + 1);
	for (i = 0; i < len; i++) {
		if ((c = b32_val(s[i])) < 0) {
			rc = err_set(e, ERR_INVALID, NULL, "malformed base32");
			goto out;
		}
		acc = (acc << 5 | (uint32_t)c) & 0x1fff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed base32");
		goto out;
	}
	*out = buf;
	*outlen = o;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}
