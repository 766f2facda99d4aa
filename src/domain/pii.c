/*
 * Personal data helpers (P-1, P-2): sealing and opening under the data
 * key, the keyed look-up index, and display masks.  The keys live in this
 * file only and are set once at start-up by pii_set_key().
 */
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "pii.h"

#define PII_INDEX_LABEL	"firewarden-pii-index-v1"

static unsigned char	pii_key[CRYPTO_SEAL_KEY_LEN];
static unsigned char	pii_ikey[CRYPTO_SM3_LEN];
static int		pii_have;

void
pii_set_key(const unsigned char key[CRYPTO_SEAL_KEY_LEN])
{
	memcpy(pii_key, key, CRYPTO_SEAL_KEY_LEN);
	/* A separate key for the index, so that knowing index values says
	 * nothing about the sealing keys and the other way round. */
	crypto_hmac_sm3(pii_key, sizeof(pii_key), PII_INDEX_LABEL,
	    strlen(PII_INDEX_LABEL), pii_ikey);
	pii_have = 1;
}

int
pii_have_key(void)
{
	return pii_have;
}

static int
pii_nokey(struct err *e)
{
	return err_set(e, ERR_CRYPTO, NULL, "no data key for personal data");
}

int
pii_seal(const char *plain, char **hex, struct err *e)
{
	unsigned char	*buf = NULL;
	size_t		 n = 0;
	char		*h;
	int		 rc;

	if (!pii_have)
		return pii_nokey(e);
	if ((rc = crypto_seal(pii_key, plain, strlen(plain), &buf, &n, e)) < 0)
		return rc;
	h = xmalloc(2 * n + 1);
	str_hex(buf, n, h);
	free(buf);
	*hex = h;
	return 0;
}

int
pii_open_into(const char *hex, char *out, size_t cap, size_t *len,
    struct err *e)
{
	unsigned char	 small[512], *raw = small;
	size_t		 n, outlen = 0;
	int		 rc;

	if (!pii_have)
		return pii_nokey(e);
	n = strlen(hex);
	if (n % 2 != 0 || n == 0) {
		rc = err_set(e, ERR_CRYPTO, NULL, "sealed value damaged");
		goto out;
	}
	if (n / 2 > sizeof(small))
		raw = xmalloc(n / 2);
	if (str_unhex(hex, raw, n / 2) < 0) {
		rc = err_set(e, ERR_CRYPTO, NULL, "sealed value damaged");
		goto out;
	}
	if (cap == 0 || (rc = crypto_open_into(pii_key, raw, n / 2,
	    (unsigned char *)out, cap - 1, &outlen, e)) < 0) {
		if (cap == 0 || rc != ERR_CRYPTO)
			rc = err_set(e, ERR_CRYPTO, NULL, "sealed value "
			    "damaged");
		goto out;
	}
	out[outlen] = '\0';
	if (strlen(out) != outlen) {
		mem_wipe(out, outlen);
		rc = err_set(e, ERR_CRYPTO, NULL, "sealed value damaged");
		goto out;
	}
	*len = outlen;
	rc = 0;
out:
	if (raw != small)
		free(raw);
	return rc;
}

int
pii_open(const char *hex, char **plain, struct err *e)
{
	size_t	 n = strlen(hex), cap, len;
	char	*s;
	int	 rc;

	if (!pii_have)
		return pii_nokey(e);
	/* Room for what the value can open to, and the NUL. */
	cap = n / 2 + 1;
	s = xmalloc(cap);
	if ((rc = pii_open_into(hex, s, cap, &len, e)) < 0) {
		mem_wipe(s, cap);
		free(s);
		return rc;
	}
	*plain = s;
	return 0;
}

int
pii_index(const char *kind, const char *value, char out[PII_INDEX_HEX + 1],
    struct err *e)
{
	unsigned char	 mac[CRYPTO_SM3_LEN];
	size_t		 k = strlen(kind), v = strlen(value);
	char		*msg;

	if (!pii_have)
		return pii_nokey(e);
	msg = xmalloc(k + 1 + v);
	memcpy(msg, kind, k);
	msg[k] = '\0';
	memcpy(msg + k + 1, value, v);
	crypto_hmac_sm3(pii_ikey, sizeof(pii_ikey), msg, k + 1 + v, mac);
	mem_wipe(msg, k + 1 + v);
	free(msg);
	str_hex(mac, sizeof(mac), out);
	return 0;
}

/* Bytes of the UTF-8 sequence starting with c. */
static size_t
pii_cp_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	return 4;
}

/*
 * Keep the first head and last tail code points of s[0..n), stars in
 * between, into out (room for n + 1); the length.
 */
static size_t
pii_mask_keep_into(const char *s, size_t n, size_t head, size_t tail,
    char *out)
{
	size_t	 cps, i, pos = 0, start_tail = 0, len;

	cps = str_utf8_len(s);
	if (cps <= head + tail) {
		memset(out, '*', cps);
		out[cps] = '\0';
		return cps;
	}
	/* Byte offsets of the end of the head and the start of the tail. */
	for (i = 0; i < cps - tail; i++) {
		if (i == head)
			start_tail = pos;
		pos += pii_cp_len((unsigned char)s[pos]);
	}
	len = start_tail + (cps - head - tail) + (n - pos);
	memmove(out, s, start_tail);
	memset(out + start_tail, '*', cps - head - tail);
	memmove(out + start_tail + (cps - head - tail), s + pos, n - pos);
	out[len] = '\0';
	return len;
}

/* The first character and "**" of s[0..n) into out (room for n + 3). */
static size_t
pii_mask_name_into(const char *s, size_t n, char *out)
{
	size_t	k;

	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	/* A fixed "**" also hides the length of the name. */
	k = pii_cp_len((unsigned char)*s);
	if (k > n)
		k = n;
	memcpy(out, s, k);
	memcpy(out + k, "**", 3);
	return k + 2;
}

size_t
pii_mask_into(enum pii_what what, const char *s, size_t n, char *out)
{
	if (what == PII_NAME)
		return pii_mask_name_into(s, n, out);
	return pii_mask_keep_into(s, n, 3, 4, out);
}

static char *
pii_mask_alloc(enum pii_what what, const char *s)
{
	size_t	 n;
	char	*out;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	out = xmalloc(n + 3);
	pii_mask_into(what, s, n, out);
	return out;
}

char *
pii_mask_idno(const char *s)
{
	return pii_mask_alloc(PII_IDNO, s);
}

char *
pii_mask_phone(const char *s)
{
	return pii_mask_alloc(PII_PHONE, s);
}

char *
pii_mask_name(const char *s)
{
	return pii_mask_alloc(PII_NAME, s);
}
