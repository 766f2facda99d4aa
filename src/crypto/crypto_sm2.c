/*
 * SM2 keys and signatures (GB/T 32918) with SM3 and the distinguishing
 * identifier "1234567812345678".  OpenSSL 3.0 signs with an empty
 * identifier unless told otherwise, so every sign and verify context gets
 * the identifier set on its EVP_PKEY_CTX before EVP_DigestSign/VerifyInit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../core/fdio.h"
#include "../core/mem.h"
#include "crypto.h"

#define SM2_ID		"1234567812345678"
#define SM2_ID_LEN	16
#define SM2_PEM_MAX	(64 * 1024)

struct crypto_sm2 {
	EVP_PKEY	*pkey;
	int		 has_private;	/* 1 if pkey holds the private key */
};

static struct crypto_sm2 *
sm2_wrap(EVP_PKEY *pkey, int has_private)
{
	struct crypto_sm2	*k;

	k = xcalloc(1, sizeof(*k));
	k->pkey = pkey;
	k->has_private = has_private;
	return k;
}

/*
 * Generate a new SM2 key pair.  On success *out is a new key owned by the
 * caller (crypto_sm2_free).  ERR_CRYPTO if OpenSSL fails.
 */
int
crypto_sm2_generate(struct crypto_sm2 **out, struct err *e)
{
	EVP_PKEY	*pkey;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2")) == NULL) {
		ERR_clear_error();
		return err_set(e, ERR_CRYPTO, NULL, "SM2 key generation failed");
	}
	*out = sm2_wrap(pkey, 1);
	return 0;
}

/*
 * Load an SM2 private key (PEM, unencrypted PKCS#8 or SEC1) from path.
 * ERR_IO if the file cannot be read, ERR_CRYPTO if it holds no SM2
 * private key.  On success *out is owned by the caller.
 */
int
crypto_sm2_load(const char *path, struct crypto_sm2 **out, struct err *e)
{
	BIO		*bio = NULL;
	EVP_PKEY	*pkey = NULL;
	int		 rc;

	if ((bio = BIO_new_file(path, "r")) == NULL) {
		rc = err_set(e, ERR_IO, NULL, "cannot read key file %s", path);
		goto out;
	}
	/* An empty passphrase: an encrypted key fails instead of prompting. */
	if ((pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, NULL, (void *)"",
	    NULL, NULL)) == NULL || !EVP_PKEY_is_a(pkey, "SM2")) {
		rc = err_set(e, ERR_CRYPTO, NULL, "no SM2 private key in %s",
		    path);
		goto out;
	}
	*out = sm2_wrap(pkey, 1);
	pkey = NULL;
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return rc;
}

/*
 * Write k's private key as unencrypted PKCS#8 PEM to path, which is
 * created with mode 0600 and must not exist (O_EXCL; a symbolic link is
 * not followed).  ERR_INVALID if k has no private key, ERR_IO if the
 * file exists or cannot be written (a partly written file is removed),
 * ERR_CRYPTO if encoding fails.  The PEM text is wiped from memory.
 */
int
crypto_sm2_save(const struct crypto_sm2 *k, const char *path, struct err *e)
{
	BIO	*bio = NULL;
	char	*pem = NULL;
	long	 len = 0;
	int	 fd = -1, created = 0, rc;

	if (!k->has_private) {
		rc = err_set(e, ERR_INVALID, NULL, "not a private key");
		goto out;
	}
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 || (len = BIO_get_mem_data(bio, &pem)) <= 0) {
		rc = err_set(e, ERR_CRYPTO, NULL, "cannot encode SM2 key");
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0) {
		rc = err_set(e, ERR_IO, NULL, "cannot create %s: %s", path,
		    strerror(errno));
		goto out;
	}
	created = 1;
	/* The umask can only remove bits, but make the mode explicit. */
	if (fchmod(fd, 0600) < 0 || fd_write_all(fd, pem, (size_t)len) < 0 ||
	    fsync(fd) < 0) {
		rc = err_set(e, ERR_IO, NULL, "cannot write %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = err_set(e, ERR_IO, NULL, "cannot write %s: %s", path,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && created)
		unlink(path);
	if (pem != NULL && len > 0)
		mem_wipe(pem, (size_t)len);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

/*
 * Load an SM2 public key from a PEM SubjectPublicKeyInfo string.  The
 * result can verify but not sign.  ERR_INVALID if pem is too long,
 * ERR_CRYPTO if it holds no SM2 public key.
 */
int
crypto_sm2_from_public_pem(const char *pem, struct crypto_sm2 **out,
    struct err *e)
{
	BIO		*bio = NULL;
	EVP_PKEY	*pkey = NULL;
	size_t		 len;
	int		 rc;

	if (pem == NULL || (len = strlen(pem)) > SM2_PEM_MAX) {
		rc = err_set(e, ERR_INVALID, "pem", "bad public key");
		goto out;
	}
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (pkey = PEM_read_bio_PUBKEY_ex(bio, NULL, NULL, NULL, NULL,
	    NULL)) == NULL || !EVP_PKEY_is_a(pkey, "SM2")) {
		rc = err_set(e, ERR_CRYPTO, "pem", "no SM2 public key");
		goto out;
	}
	*out = sm2_wrap(pkey, 0);
	pkey = NULL;
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return rc;
}

/*
 * The public key as a PEM SubjectPublicKeyInfo string owned by the
 * caller.  Encoding a valid key cannot fail short of a broken OpenSSL,
 * which aborts.
 */
char *
crypto_sm2_public_pem(const struct crypto_sm2 *k)
{
	BIO	*bio;
	char	*data, *pem;
	long	 len;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, k->pkey) != 1 ||
	    (len = BIO_get_mem_data(bio, &data)) <= 0)
		abort();
	pem = xstrndup(data, (size_t)len);
	BIO_free(bio);
	return pem;
}

/*
 * The key id: SM3 hex of the DER SubjectPublicKeyInfo of k, into out.
 * Aborts only if OpenSSL cannot encode a valid key.
 */
void
crypto_sm2_key_id(const struct crypto_sm2 *k,
    char out[2 * CRYPTO_SM3_LEN + 1])
{
	unsigned char	*der = NULL;
	int		 len;

	if ((len = i2d_PUBKEY(k->pkey, &der)) <= 0)
		abort();
	crypto_sm3_hex(der, (size_t)len, out);
	OPENSSL_free(der);
}

/*
 * A message digest context for SM2-with-SM3 signing (sign = 1) or
 * verification (sign = 0) with the identifier set.  The EVP_PKEY_CTX is
 * not owned by the EVP_MD_CTX: the caller frees *mctx, then *pctx.
 */
static int
sm2_md_init(const struct crypto_sm2 *k, int sign, EVP_MD_CTX **mctx,
    EVP_PKEY_CTX **pctx)
{
	*pctx = NULL;
	if ((*mctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if ((*pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) == NULL)
		return -1;
	if (EVP_PKEY_CTX_set1_id(*pctx, SM2_ID, SM2_ID_LEN) != 1)
		return -1;
	EVP_MD_CTX_set_pkey_ctx(*mctx, *pctx);
	if (sign)
		return EVP_DigestSignInit_ex(*mctx, NULL, "SM3", NULL, NULL,
		    k->pkey, NULL) == 1 ? 0 : -1;
	return EVP_DigestVerifyInit_ex(*mctx, NULL, "SM3", NULL, NULL,
	    k->pkey, NULL) == 1 ? 0 : -1;
}

/*
 * Sign msg[0..n) with k's private key.  On success *sig is a new buffer
 * holding the DER signature, *siglen its length.  ERR_INVALID if k is
 * public only, ERR_CRYPTO if signing fails.
 */
int
crypto_sm2_sign(const struct crypto_sm2 *k, const void *msg, size_t n,
    unsigned char **sig, size_t *siglen, struct err *e)
{
	EVP_MD_CTX	*mctx = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	int		 rc;

	if (!k->has_private) {
		rc = err_set(e, ERR_INVALID, NULL, "not a private key");
		goto out;
	}
	if (sm2_md_init(k, 1, &mctx, &pctx) < 0 ||
	    EVP_DigestSign(mctx, NULL, &len, msg, n) != 1) {
		rc = err_set(e, ERR_CRYPTO, NULL, "SM2 signing failed");
		goto out;
	}
	buf = xmalloc(len);
	if (EVP_DigestSign(mctx, buf, &len, msg, n) != 1) {
		rc = err_set(e, ERR_CRYPTO, NULL, "SM2 signing failed");
		goto out;
	}
	*sig = buf;
	*siglen = len;
	buf = NULL;
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();
	free(buf);
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

/*
 * 0 if sig is a valid SM2 signature of msg[0..n) under k, ERR_CRYPTO if
 * not (including a malformed signature).
 */
int
crypto_sm2_verify(const struct crypto_sm2 *k, const void *msg, size_t n,
    const unsigned char *sig, size_t siglen, struct err *e)
{
	EVP_MD_CTX	*mctx = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	int		 rc;

	if (sig == NULL || siglen == 0 ||
	    sm2_md_init(k, 0, &mctx, &pctx) < 0 ||
	    EVP_DigestVerify(mctx, sig, siglen, msg, n) != 1) {
		rc = err_set(e, ERR_CRYPTO, "signature", "bad signature");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

/* Free k and its key; accepts NULL. */
void
crypto_sm2_free(struct crypto_sm2 *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}
