/*
 * Personal data at rest and on display (SECURITY.md P-1, P-2): values are
 * sealed with SM4-CTR + HMAC-SM3 under the data key and stored as hex; a
 * keyed SM3 index (HMAC-SM3 under a key derived from the data key) allows
 * exact look-up without storing the clear value; masks hide all but a
 * few characters.  Used by the registry and by later modules that hold
 * ID numbers, phone numbers or tip-off identities.
 */
#ifndef FW_PII_H
#define FW_PII_H

#include "../core/err.h"
#include "../crypto/crypto.h"

#define PII_INDEX_HEX	(2 * CRYPTO_SM3_LEN)	/* hex digits of an index */

/*
 * Set the 48-byte data key (the one account_set_data_key gets) and derive
 * the index key HMAC-SM3(key, "firewarden-pii-index-v1").  Call once at
 * start-up, before serving; the key is copied.  Without it, seal, open
 * and index fail with ERR_CRYPTO.
 */
void	pii_set_key(const unsigned char key[CRYPTO_SEAL_KEY_LEN]);
/* 1 if a key has been set. */
int	pii_have_key(void);

/*
 * Seal a NUL-terminated value; *hex (owned by the caller, free()) is the
 * lowercase hex of IV || ciphertext || tag.  ERR_CRYPTO without a key.
 */
int	pii_seal(const char *plain, char **hex, struct err *e);
/*
 * Open a sealed hex value; *plain is a new NUL-terminated string owned by
 * the caller (free with mem_free_secret).  ERR_CRYPTO when the value is
 * not hex, was altered, or was sealed under another key.
 */
int	pii_open(const char *hex, char **plain, struct err *e);
/*
 * pii_open() into the caller's out[0..cap), NUL-terminated, *len bytes
 * before the NUL, without allocating for short values; the caller wipes
 * out (mem_wipe).  ERR_CRYPTO as pii_open(), also when the value does not
 * fit (a sealed hex value of h digits opens to h / 2 - 48 bytes).
 */
int	pii_open_into(const char *hex, char *out, size_t cap, size_t *len,
	    struct err *e);
/*
 * The keyed index of a normalised value of one kind ("phone", "idno"):
 * hex of HMAC-SM3(index key, kind || 0x00 || value) into out.  The kind
 * keeps equal strings of different kinds apart.  ERR_CRYPTO without a
 * key.
 */
int	pii_index(const char *kind, const char *value,
	    char out[PII_INDEX_HEX + 1], struct err *e);

/*
 * Masks (P-2), into a new string owned by the caller; NULL in, NULL out.
 * ID number: first 3 and last 4 characters, the rest '*'
 * (440***********1234).  Phone: first 3 and last 4, the rest '*'
 * (138****5678).  Name: the first character and "**" (张**).  Values too
 * short to keep anything are all stars.
 */
/*
 * The same masks of s[0..n) into out, which has room for n + 3 bytes
 * (a mask is never longer than n + 2); returns the mask's length and
 * NUL-terminates it.  what: PII_NAME, PII_PHONE, PII_IDNO.
 */
enum pii_what { PII_NAME, PII_PHONE, PII_IDNO };
size_t	pii_mask_into(enum pii_what what, const char *s, size_t n, char *out);
char	*pii_mask_idno(const char *s);
char	*pii_mask_phone(const char *s);
char	*pii_mask_name(const char *s);

#endif
