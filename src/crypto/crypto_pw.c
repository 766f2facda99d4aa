/*
 * Password hashing (SECURITY.md A-2): scrypt with a 16-byte random salt
 * and a 32-byte derived key, stored as
 *   $scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>
 * Verification reads the parameters from the string, within fixed bounds
 * so that a stored string cannot ask for unbounded memory or time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "../core/mem.h"
#include "crypto.h"

#define PW_SALT_LEN	16
#define PW_HASH_LEN	32
#define PW_LN_DEFAULT	15
#define PW_LN_MIN	1
#define PW_LN_MAX	20
#define PW_R		8
#define PW_R_MAX	16
#define PW_P		1
#define PW_P_MAX	4
#define PW_PREFIX	"$scrypt$"

static int	pw_ln = PW_LN_DEFAULT;

/*
 * Set log2(N) for hashes made from now on (tests use a low value).
 * Values outside 1..20 are clamped so that every new hash verifies.
 */
void
crypto_password_set_cost(int ln)
{
	if (ln < PW_LN_MIN)
		ln = PW_LN_MIN;
	if (ln > PW_LN_MAX)
		ln = PW_LN_MAX;
	pw_ln = ln;
}

/*
 * scrypt(password, salt, N = 2^ln, r, p) into key[PW_HASH_LEN].
 * maxmem covers the 128*r*N bytes of V plus the 128*r*p bytes of B with
 * 1 MiB to spare (OpenSSL's default cap of 32 MiB is too small for ln 15).
 */
static int
pw_scrypt(const char *password, const unsigned char *salt, int ln, int r,
    int p, unsigned char key[PW_HASH_LEN], struct err *e)
{
	uint64_t	N = (uint64_t)1 << ln;
	uint64_t	maxmem;

	maxmem = 128 * (uint64_t)r * (N + 2) + 128 * (uint64_t)r * p +
	    (1u << 20);
	if (EVP_PBE_scrypt(password, strlen(password), salt, PW_SALT_LEN, N,
	    (uint64_t)r, (uint64_t)p, maxmem, key, PW_HASH_LEN) != 1) {
		ERR_clear_error();
		return err_set(e, ERR_CRYPTO, NULL, "scrypt failed");
	}
	return 0;
}

/*
 * Hash password with a fresh salt and the current cost.  On success *out
 * is a new string in the format above, owned by the caller.
 * ERR_INVALID if password is NULL, ERR_CRYPTO if scrypt fails.
 */
int
crypto_password_hash(const char *password, char **out, struct err *e)
{
	unsigned char	 salt[PW_SALT_LEN], key[PW_HASH_LEN];
	char		*salt64 = NULL, *key64 = NULL;
	int		 rc;

	if (password == NULL) {
		rc = err_set(e, ERR_INVALID, "password", NULL);
		goto out;
	}
	crypto_random(salt, sizeof(salt));
	if ((rc = pw_scrypt(password, salt, pw_ln, PW_R, PW_P, key, e)) < 0)
		goto out;
	salt64 = crypto_base64_encode(salt, sizeof(salt));
	key64 = crypto_base64_encode(key, sizeof(key));
	*out = xasprintf(PW_PREFIX "ln=%d,r=%d,p=%d$%s$%s", pw_ln, PW_R, PW_P,
	    salt64, key64);
	rc = 0;
out:
	mem_wipe(key, sizeof(key));
	mem_free_secret(key64);
	free(salt64);
	return rc;
}

/*
 * Parse "<name>=<decimal>" at *sp, the decimal without sign or leading
 * zero and within [min, max]; advance *sp past it.  0 or -1.
 */
static int
pw_param(const char **sp, const char *name, int min, int max, int *val)
{
	const char	*s = *sp;
	size_t		 nl = strlen(name);
	int		 v = 0, digits = 0;

	if (strncmp(s, name, nl) != 0 || s[nl] != '=')
		return -1;
	s += nl + 1;
	if (*s == '0')
		return -1;
	while (*s >= '0' && *s <= '9') {
		if (++digits > 3)
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	if (digits == 0 || v < min || v > max)
		return -1;
	*val = v;
	*sp = s;
	return 0;
}

/*
 * Split a stored hash string into its parameters, salt and hash.  On
 * success *salt and *want are new buffers of PW_SALT_LEN and PW_HASH_LEN
 * bytes.  0, or -1 if the string is malformed in any way.
 */
static int
pw_parse(const char *stored, int *ln, int *r, int *p, unsigned char **salt,
    unsigned char **want)
{
	unsigned char	*sb = NULL, *wb = NULL;
	size_t		 sl = 0, wl = 0;
	const char	*s, *dollar;
	char		*salt64 = NULL;
	int		 rc = -1;

	if (strncmp(stored, PW_PREFIX, strlen(PW_PREFIX)) != 0)
		goto out;
	s = stored + strlen(PW_PREFIX);
	if (pw_param(&s, "ln", PW_LN_MIN, PW_LN_MAX, ln) < 0 || *s++ != ',')
		goto out;
	if (pw_param(&s, "r", 1, PW_R_MAX, r) < 0 || *s++ != ',')
		goto out;
	if (pw_param(&s, "p", 1, PW_P_MAX, p) < 0 || *s++ != '$')
		goto out;
	if ((dollar = strchr(s, '$')) == NULL)
		goto out;
	salt64 = xstrndup(s, (size_t)(dollar - s));
	if (crypto_base64_decode(salt64, &sb, &sl, NULL) < 0 ||
	    sl != PW_SALT_LEN)
		goto out;
	/* The rest, up to the NUL, is the hash: a further '$' fails here. */
	if (crypto_base64_decode(dollar + 1, &wb, &wl, NULL) < 0 ||
	    wl != PW_HASH_LEN)
		goto out;
	*salt = sb;
	*want = wb;
	sb = wb = NULL;
	rc = 0;
out:
	free(sb);
	free(wb);
	free(salt64);
	return rc;
}

/*
 * 0 if password matches stored, ERR_BAD_LOGIN if it does not,
 * ERR_INVALID if stored is not a well-formed hash string (unknown scheme,
 * parameters out of bounds, bad base64, wrong salt or hash length,
 * trailing bytes), ERR_CRYPTO if scrypt fails.  The comparison takes the
 * same time wherever the hashes differ.
 */
int
crypto_password_verify(const char *password, const char *stored,
    struct err *e)
{
	unsigned char	*salt = NULL, *want = NULL, key[PW_HASH_LEN];
	int		 ln, r, p, rc;

	if (password == NULL) {
		rc = err_set(e, ERR_INVALID, "password", NULL);
		goto out;
	}
	if (stored == NULL ||
	    pw_parse(stored, &ln, &r, &p, &salt, &want) < 0) {
		rc = err_set(e, ERR_INVALID, NULL, "malformed password hash");
		goto out;
	}
	if ((rc = pw_scrypt(password, salt, ln, r, p, key, e)) < 0)
		goto out;
	if (CRYPTO_memcmp(key, want, PW_HASH_LEN) != 0) {
		rc = err_set(e, ERR_BAD_LOGIN, NULL, NULL);
		goto out;
	}
	rc = 0;
out:
	mem_wipe(key, sizeof(key));
	if (want != NULL)
		mem_wipe(want, PW_HASH_LEN);
	free(want);
	free(salt);
	return rc;
}
