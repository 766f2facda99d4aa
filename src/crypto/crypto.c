/*
 * Hashes (SM3, SHA-256), HMAC (HMAC-SM3, HMAC-SHA1), the system random
 * generator and TOTP (RFC 6238).  Digests are fetched once per process;
 * these functions cannot fail on valid input, so an OpenSSL failure here
 * means a broken installation and aborts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "crypto.h"

#define TOTP_STEP	30
#define TOTP_DIGITS	6
#define TOTP_MOD	1000000u
#define CRYPTO_SM3_NATIVE_MAX	256	/* bytes hashed natively */

static pthread_once_t	 crypto_md_once = PTHREAD_ONCE_INIT;
static EVP_MD		*crypto_md_sm3;
static EVP_MD		*crypto_md_sha256;
static EVP_MD		*crypto_md_sha1;
static pthread_key_t	 crypto_ctx_key;

static void
crypto_fatal(const char *what)
{
	fprintf(stderr, "firewarden: OpenSSL failure in %s\n", what);
	abort();
}

static void
crypto_ctx_free(void *p)
{
	EVP_MD_CTX_free(p);
}

static void
crypto_md_fetch(void)
{
	crypto_md_sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
	crypto_md_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	crypto_md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	if (crypto_md_sm3 == NULL || crypto_md_sha256 == NULL ||
	    crypto_md_sha1 == NULL)
		crypto_fatal("EVP_MD_fetch");
	if (pthread_key_create(&crypto_ctx_key, crypto_ctx_free) != 0)
		crypto_fatal("pthread_key_create");
}

/*
 * The calling thread's digest context, made on first use and freed when
 * the thread ends: allocating one per hash cost more than hashing a
 * short record (bench/RESULTS.md).
 */
static EVP_MD_CTX *
crypto_thread_ctx(void)
{
	EVP_MD_CTX	*ctx;

	if (pthread_once(&crypto_md_once, crypto_md_fetch) != 0)
		crypto_fatal("pthread_once");
	if ((ctx = pthread_getspecific(crypto_ctx_key)) != NULL)
		return ctx;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		crypto_fatal("EVP_MD_CTX_new");
	if (pthread_setspecific(crypto_ctx_key, ctx) != 0)
		crypto_fatal("pthread_setspecific");
	return ctx;
}

/* Digest of the concatenation of parts with an already fetched md. */
static void
crypto_digest_parts(const EVP_MD *md, const struct crypto_part *parts,
    int nparts, unsigned char *out)
{
	EVP_MD_CTX	*ctx = crypto_thread_ctx();
	int		 i;

	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		crypto_fatal("EVP_DigestInit_ex2");
	for (i = 0; i < nparts; i++) {
		if (parts[i].n == 0)
			continue;
		if (EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) != 1)
			crypto_fatal("EVP_DigestUpdate");
	}
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		crypto_fatal("EVP_DigestFinal_ex");
}

/*
 * SM3 of the concatenation of parts[0..nparts).  nparts may be 0 (the
 * hash of the empty string); a part with n == 0 may have p == NULL.
 */
void
crypto_sm3_parts(const struct crypto_part *parts, int nparts,
    unsigned char out[CRYPTO_SM3_LEN])
{
	size_t	n = 0;
	int	i;

	/* Short messages (tokens, ids, tree nodes) on the native SM3: the
	 * EVP setup around one or two compressions cost as much as they
	 * did.  Long ones stay with OpenSSL. */
	for (i = 0; i < nparts; i++)
		n += parts[i].n;
	if (n <= CRYPTO_SM3_NATIVE_MAX) {
		crypto_sm3_native_parts(parts, nparts, out);
		return;
	}
	if (pthread_once(&crypto_md_once, crypto_md_fetch) != 0)
		crypto_fatal("pthread_once");
	crypto_digest_parts(crypto_md_sm3, parts, nparts, out);
}

void
crypto_sm3_openssl_parts(const struct crypto_part *parts, int nparts,
    unsigned char out[CRYPTO_SM3_LEN])
{
	if (pthread_once(&crypto_md_once, crypto_md_fetch) != 0)
		crypto_fatal("pthread_once");
	crypto_digest_parts(crypto_md_sm3, parts, nparts, out);
}

/* SM3 of p[0..n). */
void
crypto_sm3(const void *p, size_t n, unsigned char out[CRYPTO_SM3_LEN])
{
	struct crypto_part	part = { p, n };

	crypto_sm3_parts(&part, 1, out);
}

/* SM3 of p[0..n) as 64 lowercase hex digits and a NUL in out. */
void
crypto_sm3_hex(const void *p, size_t n, char out[2 * CRYPTO_SM3_LEN + 1])
{
	unsigned char	md[CRYPTO_SM3_LEN];

	crypto_sm3(p, n, md);
	str_hex(md, sizeof(md), out);
}

/* SHA-256 of the concatenation of parts[0..nparts); as crypto_sm3_parts. */
void
crypto_sha256_parts(const struct crypto_part *parts, int nparts,
    unsigned char out[CRYPTO_SHA256_LEN])
{
	if (pthread_once(&crypto_md_once, crypto_md_fetch) != 0)
		crypto_fatal("pthread_once");
	crypto_digest_parts(crypto_md_sha256, parts, nparts, out);
}

/*
 * HMAC (RFC 2104) with an already fetched md whose block is 64 bytes (SM3
 * and SHA-1 both are) and output outlen bytes, on the thread's digest
 * context: EVP_Q_mac() fetched the algorithm and built a context on every
 * call, which made an unmask cost more than the rest of a request.
 */
static void
crypto_hmac(const EVP_MD *md, const void *key, size_t klen,
    const void *msg, size_t mlen, unsigned char *out, size_t outlen)
{
	enum { BLOCK = 64 };
	unsigned char		 k[BLOCK], pad[BLOCK], inner[EVP_MAX_MD_SIZE];
	struct crypto_part	 parts[2];
	size_t			 i;

	memset(k, 0, sizeof(k));
	if (klen > BLOCK) {
		parts[0] = (struct crypto_part){ key, klen };
		crypto_digest_parts(md, parts, 1, k);
	} else if (klen > 0)
		memcpy(k, key, klen);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	parts[0] = (struct crypto_part){ pad, BLOCK };
	parts[1] = (struct crypto_part){ msg, msg != NULL ? mlen : 0 };
	crypto_digest_parts(md, parts, 2, inner);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	parts[1] = (struct crypto_part){ inner, outlen };
	crypto_digest_parts(md, parts, 2, out);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
}

/* HMAC-SM3 of msg under key; out receives 32 bytes. */
void
crypto_hmac_sm3(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[CRYPTO_SM3_LEN])
{
	/* The native SM3 with the key's states kept per thread (crypto_sm3.c);
	 * tests check it against OpenSSL's HMAC. */
	crypto_sm3_hmac(key, klen, msg, mlen, out);
}

/* HMAC-SHA1 of msg under key (TOTP only); out receives 20 bytes. */
void
crypto_hmac_sha1(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[20])
{
	if (pthread_once(&crypto_md_once, crypto_md_fetch) != 0)
		crypto_fatal("pthread_once");
	crypto_hmac(crypto_md_sha1, key, klen, msg, mlen, out, 20);
}

/*
 * n bytes from getrandom(2), which blocks only until the kernel pool is
 * first initialised.  Any other failure aborts: a caller that asked for
 * key material must never continue with predictable bytes.
 */
void
crypto_random(void *p, size_t n)
{
	unsigned char	*q = p;
	ssize_t		 r;

	while (n > 0) {
		r = getrandom(q, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			crypto_fatal("getrandom");
		}
		q += r;
		n -= (size_t)r;
	}
}

/* n random bytes as 2n lowercase hex digits; the caller frees the string. */
char *
crypto_random_hex(size_t n)
{
	unsigned char	*raw;
	char		*hex;

	raw = xmalloc(n);
	crypto_random(raw, n);
	hex = xmalloc(2 * n + 1);
	str_hex(raw, n, hex);
	mem_wipe(raw, n);
	free(raw);
	return hex;
}

/* The RFC 6238 time step of t: floor(t / 30), also for t < 0. */
static int64_t
totp_step(int64_t t)
{
	if (t >= 0)
		return t / TOTP_STEP;
	return -((-(t + 1)) / TOTP_STEP) - 1;
}

/* RFC 4226 HOTP value of counter c, reduced to TOTP_DIGITS digits. */
static uint32_t
totp_value(const unsigned char *key, size_t klen, uint64_t c)
{
	unsigned char	msg[8], mac[20];
	uint32_t	bin;
	int		i, off;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(c & 0xff);
		c >>= 8;
	}
	crypto_hmac_sha1(key, klen, msg, sizeof(msg), mac);
	off = mac[19] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) |
	    ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) |
	    (uint32_t)mac[off + 3];
	mem_wipe(mac, sizeof(mac));
	return bin % TOTP_MOD;
}

/*
 * The 6-digit TOTP code (HMAC-SHA1, 30-second steps, T0 = 0) for Unix
 * time t, written with its NUL into out.
 */
void
crypto_totp_code(const unsigned char *key, size_t klen, int64_t t,
    char out[7])
{
	snprintf(out, 7, "%06u",
	    (unsigned)totp_value(key, klen, (uint64_t)totp_step(t)));
}

/*
 * Check a TOTP code against the steps of t-30, t and t+30 seconds.
 * Returns the matching step (floor(t/30) - 1 .. + 1, the latest if more
 * than one matches) or ERR_BAD_LOGIN, also when code is not exactly six
 * digits.  All three candidates are always computed and compared in
 * constant time, so the timing does not reveal which step matched.
 */
int64_t
crypto_totp_check(const unsigned char *key, size_t klen, int64_t t,
    const char *code)
{
	char		want[7];
	int64_t		step, found = ERR_BAD_LOGIN;
	int		i, d;

	if (code == NULL)
		return ERR_BAD_LOGIN;
	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return ERR_BAD_LOGIN;
	if (code[TOTP_DIGITS] != '\0')
		return ERR_BAD_LOGIN;
	step = totp_step(t);
	for (d = -1; d <= 1; d++) {
		snprintf(want, sizeof(want), "%06u",
		    (unsigned)totp_value(key, klen, (uint64_t)(step + d)));
		if (CRYPTO_memcmp(want, code, TOTP_DIGITS) == 0)
			found = step + d;
	}
	mem_wipe(want, sizeof(want));
	return found;
}
