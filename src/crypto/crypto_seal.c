/*
 * Personal data at rest (SECURITY.md P-1): SM4-CTR with a random 16-byte
 * IV, then HMAC-SM3 over IV || ciphertext (encrypt-then-MAC; this
 * OpenSSL has no SM4-GCM).  The tag is checked in constant time before
 * anything is decrypted.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "../core/mem.h"
#include "crypto.h"

#define SEAL_ENC_KEY_LEN	16
#define SEAL_IV_LEN		16
#define SEAL_TAG_LEN		CRYPTO_SM3_LEN
#define SEAL_OVERHEAD		(SEAL_IV_LEN + SEAL_TAG_LEN)
#define SEAL_CHUNK		(1 << 30)

/*
 * SM4-CTR of in[0..n) into out under key and iv (the same operation
 * encrypts and decrypts).  0 or -1.  EVP takes int lengths, so long
 * inputs go through in chunks.
 */
static pthread_once_t	 seal_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER	*seal_cipher;
static pthread_key_t	 seal_ctx_key;

/*
 * A thread's cipher context and the key it was last set up with: the
 * same key again (the data key, nearly always) only needs a new IV, not
 * a new key schedule.
 */
struct seal_tctx {
	EVP_CIPHER_CTX	*ctx;
	int		 keyed;
	unsigned char	 key[SEAL_ENC_KEY_LEN];
};

static void
seal_ctx_free(void *p)
{
	struct seal_tctx	*t = p;

	EVP_CIPHER_CTX_free(t->ctx);
	mem_wipe(t, sizeof(*t));
	free(t);
}

/* SM4-CTR is fetched once; a legacy EVP_sm4_ctr() re-fetched per call. */
static void
seal_init(void)
{
	seal_cipher = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	if (pthread_key_create(&seal_ctx_key, seal_ctx_free) != 0)
		seal_cipher = NULL;
}

/* The calling thread's cipher context, made on first use, or NULL. */
static struct seal_tctx *
seal_thread_ctx(void)
{
	struct seal_tctx	*t;

	if (pthread_once(&seal_once, seal_init) != 0 || seal_cipher == NULL)
		return NULL;
	if ((t = pthread_getspecific(seal_ctx_key)) != NULL)
		return t;
	t = xcalloc(1, sizeof(*t));
	if ((t->ctx = EVP_CIPHER_CTX_new()) == NULL) {
		free(t);
		return NULL;
	}
	if (pthread_setspecific(seal_ctx_key, t) != 0) {
		EVP_CIPHER_CTX_free(t->ctx);
		free(t);
		return NULL;
	}
	return t;
}

static int
seal_ctr(const unsigned char *key, const unsigned char *iv,
    const unsigned char *in, size_t n, unsigned char *out)
{
	struct seal_tctx	*t;
	size_t			 done = 0, chunk;
	int			 len, rc = -1;

	if ((t = seal_thread_ctx()) == NULL)
		return -1;
	if (t->keyed && CRYPTO_memcmp(t->key, key, SEAL_ENC_KEY_LEN) == 0) {
		/* Same key: a new IV restarts the counter stream. */
		if (EVP_EncryptInit_ex2(t->ctx, NULL, NULL, iv, NULL) != 1)
			goto out;
	} else {
		t->keyed = 0;
		if (EVP_EncryptInit_ex2(t->ctx, seal_cipher, key, iv,
		    NULL) != 1)
			goto out;
		memcpy(t->key, key, SEAL_ENC_KEY_LEN);
		t->keyed = 1;
	}
	while (done < n) {
		chunk = n - done > SEAL_CHUNK ? SEAL_CHUNK : n - done;
		if (EVP_EncryptUpdate(t->ctx, out + done, &len, in + done,
		    (int)chunk) != 1 || (size_t)len != chunk)
			goto out;
		done += chunk;
	}
	if (EVP_EncryptFinal_ex(t->ctx, out + done, &len) != 1 || len != 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		/* Start from a clean context next time. */
		EVP_CIPHER_CTX_reset(t->ctx);
		mem_wipe(t->key, sizeof(t->key));
		t->keyed = 0;
	}
	return rc;
}

/*
 * Encrypt p[0..n) under key (16 bytes SM4 key, then 32 bytes MAC key).
 * On success *out is a new buffer IV || ciphertext || tag of *outlen =
 * n + 48 bytes.  ERR_INVALID if n is absurdly large, ERR_CRYPTO if
 * OpenSSL fails.
 */
int
crypto_seal(const unsigned char key[CRYPTO_SEAL_KEY_LEN], const void *p,
    size_t n, unsigned char **out, size_t *outlen, struct err *e)
{
	unsigned char	*buf = NULL;
	size_t		 len;
	int		 rc;

	if (n > SIZE_MAX - SEAL_OVERHEAD) {
		rc = err_set(e, ERR_INVALID, NULL, "data too large to seal");
		goto out;
	}
	len = n + SEAL_OVERHEAD;
	buf = xmalloc(len);
	crypto_random(buf, SEAL_IV_LEN);
	if (seal_ctr(key, buf, p, n, buf + SEAL_IV_LEN) < 0) {
		rc = err_set(e, ERR_CRYPTO, NULL, "SM4 encryption failed");
		goto out;
	}
	crypto_hmac_sm3(key + SEAL_ENC_KEY_LEN, CRYPTO_SEAL_KEY_LEN -
	    SEAL_ENC_KEY_LEN, buf, SEAL_IV_LEN + n, buf + SEAL_IV_LEN + n);
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();
	free(buf);
	return rc;
}

/*
 * Check and decrypt a sealed buffer p[0..n) made by crypto_seal() under
 * the same key into out[0..cap).  ERR_CRYPTO if the input is shorter than
 * 48 bytes or the tag does not match (wrong key, or IV, ciphertext or tag
 * changed); nothing is decrypted then.  ERR_INVALID if out is too small.
 */
int
crypto_open_into(const unsigned char key[CRYPTO_SEAL_KEY_LEN], const void *p,
    size_t n, unsigned char *out, size_t cap, size_t *outlen, struct err *e)
{
	const unsigned char	*in = p;
	unsigned char		 tag[SEAL_TAG_LEN];
	size_t			 len = 0;
	int			 rc;

	if (n < SEAL_OVERHEAD) {
		rc = err_set(e, ERR_CRYPTO, NULL, "sealed data too short");
		goto out;
	}
	len = n - SEAL_OVERHEAD;
	if (len > cap) {
		rc = err_set(e, ERR_INVALID, NULL, "sealed data too long");
		goto out;
	}
	crypto_hmac_sm3(key + SEAL_ENC_KEY_LEN, CRYPTO_SEAL_KEY_LEN -
	    SEAL_ENC_KEY_LEN, in, SEAL_IV_LEN + len, tag);
	if (CRYPTO_memcmp(tag, in + SEAL_IV_LEN + len, SEAL_TAG_LEN) != 0) {
		rc = err_set(e, ERR_CRYPTO, NULL, "sealed data was altered");
		goto out;
	}
	if (seal_ctr(key, in, in + SEAL_IV_LEN, len, out) < 0) {
		mem_wipe(out, len);
		rc = err_set(e, ERR_CRYPTO, NULL, "SM4 decryption failed");
		goto out;
	}
	*outlen = len;
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();
	mem_wipe(tag, sizeof(tag));
	return rc;
}

/*
 * As crypto_open_into(), into a new buffer *out of *outlen = n - 48
 * plaintext bytes (at least one byte is allocated).
 */
int
crypto_open(const unsigned char key[CRYPTO_SEAL_KEY_LEN], const void *p,
    size_t n, unsigned char **out, size_t *outlen, struct err *e)
{
	unsigned char	*buf;
	size_t		 len = n >= SEAL_OVERHEAD ? n - SEAL_OVERHEAD : 0;
	int		 rc;

	buf = xmalloc(len > 0 ? len : 1);
	if ((rc = crypto_open_into(key, p, n, buf, len, outlen, e)) < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	return 0;
}
