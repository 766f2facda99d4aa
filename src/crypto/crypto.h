/*
 * The only interface to OpenSSL.  ShangMi algorithms (SM2 signatures with
 * SM3, SM3 hashes, SM4 encryption), scrypt password hashing, HMAC, TOTP
 * (RFC 6238), base64 and the system random generator.  Nothing outside
 * src/crypto includes an OpenSSL header.
 */
#ifndef FW_CRYPTO_H
#define FW_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

#define CRYPTO_SM3_LEN		32
#define CRYPTO_SHA256_LEN	32

/* A piece of a message for the vectored hash functions. */
struct crypto_part {
	const void	*p;
	size_t		 n;
};

/* SM3 (GB/T 32905) of the concatenation of parts[0..nparts). */
void	crypto_sm3_parts(const struct crypto_part *parts, int nparts,
	    unsigned char out[CRYPTO_SM3_LEN]);
void	crypto_sm3(const void *p, size_t n, unsigned char out[CRYPTO_SM3_LEN]);
/* SM3 as 64 lowercase hex digits plus NUL. */
void	crypto_sm3_hex(const void *p, size_t n, char out[2 * CRYPTO_SM3_LEN + 1]);
/* SHA-256 of the concatenation (used to check Merkle code against RFC 9162). */
void	crypto_sha256_parts(const struct crypto_part *parts, int nparts,
	    unsigned char out[CRYPTO_SHA256_LEN]);

/* HMAC-SM3 and HMAC-SHA1 (the latter only for TOTP). */
void	crypto_hmac_sm3(const void *key, size_t klen, const void *msg,
	    size_t mlen, unsigned char out[CRYPTO_SM3_LEN]);
void	crypto_hmac_sha1(const void *key, size_t klen, const void *msg,
	    size_t mlen, unsigned char out[20]);

/* Fill p with n bytes from the operating system's CSPRNG; aborts on failure. */
void	crypto_random(void *p, size_t n);
/* n random bytes as 2n hex digits in a new string owned by the caller. */
char	*crypto_random_hex(size_t n);

/* Standard base64 with padding; results are new strings / buffers. */
char	*crypto_base64_encode(const void *p, size_t n);
int	 crypto_base64_decode(const char *s, unsigned char **out, size_t *outlen,
	    struct err *e);
/*
 * base64url (RFC 4648 section 5) without padding, for certificate codes:
 * the decoder takes s[0..n), accepts only the canonical encoding and
 * NUL-terminates the buffer it returns (the NUL is not in *outlen).
 */
char	*crypto_base64url_encode(const void *p, size_t n);
int	 crypto_base64url_decode(const char *s, size_t n, unsigned char **out,
	    size_t *outlen, struct err *e);
/* RFC 4648 base32 without padding (TOTP secrets). */
char	*crypto_base32_encode(const void *p, size_t n);
int	 crypto_base32_decode(const char *s, unsigned char **out, size_t *outlen,
	    struct err *e);

/*
 * Passwords (SECURITY.md A-2): scrypt with a 16-byte random salt.  The
 * stored string records its parameters:
 *   $scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>
 * crypto_password_set_cost() changes ln for new hashes (tests use a low
 * value); verification always uses the parameters in the string.
 */
void	 crypto_password_set_cost(int ln);
int	 crypto_password_hash(const char *password, char **out, struct err *e);
/* 0 if password matches, ERR_BAD_LOGIN if not, other negative on bad input. */
int	 crypto_password_verify(const char *password, const char *stored,
	    struct err *e);

/*
 * TOTP (RFC 6238) with HMAC-SHA1, 30-second steps, 6 digits.
 * crypto_totp_code() writes the code for time t; crypto_totp_check()
 * accepts the codes of steps t-1, t, t+1 and returns the matching step
 * (>= 0) or ERR_BAD_LOGIN.
 */
void	 crypto_totp_code(const unsigned char *key, size_t klen, int64_t t,
	    char out[7]);
int64_t	 crypto_totp_check(const unsigned char *key, size_t klen, int64_t t,
	    const char *code);

/*
 * SM2 keys and signatures.  Signatures are SM2 with SM3 and the identifier
 * "1234567812345678", DER-encoded.  A key id is the SM3 hex of the DER
 * SubjectPublicKeyInfo.
 */
struct crypto_sm2;

int	 crypto_sm2_generate(struct crypto_sm2 **out, struct err *e);
/* Load a private key (PEM, PKCS#8) from path. */
int	 crypto_sm2_load(const char *path, struct crypto_sm2 **out, struct err *e);
/* Write the private key as PEM to path, created with mode 0600 (fails if it exists). */
int	 crypto_sm2_save(const struct crypto_sm2 *k, const char *path, struct err *e);
/* Load a public key from a PEM SubjectPublicKeyInfo string. */
int	 crypto_sm2_from_public_pem(const char *pem, struct crypto_sm2 **out,
	    struct err *e);
/* Public key as a PEM string owned by the caller. */
char	*crypto_sm2_public_pem(const struct crypto_sm2 *k);
void	 crypto_sm2_key_id(const struct crypto_sm2 *k,
	    char out[2 * CRYPTO_SM3_LEN + 1]);
int	 crypto_sm2_sign(const struct crypto_sm2 *k, const void *msg, size_t n,
	    unsigned char **sig, size_t *siglen, struct err *e);
/* 0 if valid, ERR_CRYPTO if not. */
int	 crypto_sm2_verify(const struct crypto_sm2 *k, const void *msg, size_t n,
	    const unsigned char *sig, size_t siglen, struct err *e);
void	 crypto_sm2_free(struct crypto_sm2 *k);

/*
 * Personal data at rest (SECURITY.md P-1): SM4-CTR then HMAC-SM3
 * (encrypt-then-MAC).  The key is 48 bytes: 16 for SM4, 32 for the MAC.
 * Sealed form: 16-byte IV || ciphertext || 32-byte tag.
 */
#define CRYPTO_SEAL_KEY_LEN	48
int	 crypto_seal(const unsigned char key[CRYPTO_SEAL_KEY_LEN],
	    const void *p, size_t n, unsigned char **out, size_t *outlen,
	    struct err *e);
int	 crypto_open(const unsigned char key[CRYPTO_SEAL_KEY_LEN],
	    const void *p, size_t n, unsigned char **out, size_t *outlen,
	    struct err *e);
/*
 * crypto_open() into the caller's out[0..cap): *outlen = n - 48 bytes are
 * written (nothing when the tag does not match).  ERR_CRYPTO as
 * crypto_open(), ERR_INVALID when cap < n - 48.  The caller wipes out.
 */
int	 crypto_open_into(const unsigned char key[CRYPTO_SEAL_KEY_LEN],
	    const void *p, size_t n, unsigned char *out, size_t cap,
	    size_t *outlen, struct err *e);

/*
 * SM3 with a reusable context (crypto_sm3.c, a native implementation that
 * tests check against OpenSSL's), for millions of short messages.  _new()
 * returns a context ready for a message; _final() writes the digest and
 * makes the context ready for the next one; _digest() is update + final;
 * _copy() duplicates the state (the hash of a prefix, continued twice).
 * One thread at a time; _free() accepts NULL.  Cannot fail.
 */
struct crypto_sm3_ctx;

struct crypto_sm3_ctx	*crypto_sm3_ctx_new(void);
void	 crypto_sm3_ctx_update(struct crypto_sm3_ctx *c, const void *p,
	    size_t n);
void	 crypto_sm3_ctx_final(struct crypto_sm3_ctx *c,
	    unsigned char out[CRYPTO_SM3_LEN]);
void	 crypto_sm3_ctx_digest(struct crypto_sm3_ctx *c, const void *p,
	    size_t n, unsigned char out[CRYPTO_SM3_LEN]);
void	 crypto_sm3_ctx_copy(struct crypto_sm3_ctx *dst,
	    const struct crypto_sm3_ctx *src);
void	 crypto_sm3_ctx_free(struct crypto_sm3_ctx *c);
/*
 * HMAC-SM3 with the native SM3 (crypto_hmac_sm3() uses it): the inner and
 * outer states of the last key used by the calling thread are kept, so a
 * MAC under the same key again costs the message's blocks and one more
 * compression instead of four.  Any key length.
 */
void	 crypto_sm3_hmac(const void *key, size_t klen, const void *msg,
	    size_t mlen, unsigned char out[CRYPTO_SM3_LEN]);
/* OpenSSL's SM3 of the parts, whatever their length (tests compare the
 * native SM3 against it). */
void	 crypto_sm3_openssl_parts(const struct crypto_part *parts,
	    int nparts, unsigned char out[CRYPTO_SM3_LEN]);
/* crypto_sm3_parts() on the native SM3 (which it uses for short input). */
void	 crypto_sm3_native_parts(const struct crypto_part *parts,
	    int nparts, unsigned char out[CRYPTO_SM3_LEN]);

/*
 * SM3 of n independent messages, out[i] = SM3(msg[i][0..len[i])), hashed
 * several at a time in vector registers (crypto_sm3.c): for the millions
 * of short keys of the random draw.  Any lengths; cannot fail.
 */
void	 crypto_sm3_many(const unsigned char *const *msg, const size_t *len,
	    size_t n, unsigned char (*out)[CRYPTO_SM3_LEN]);
/* For tests: 1 keeps crypto_sm3_many on its portable path even with AVX2. */
void	 crypto_sm3_many_portable(int on);

#endif
