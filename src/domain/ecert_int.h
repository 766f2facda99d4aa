/*
 * What the ecert files share and nobody else needs: the checks of text
 * and dates used by the content builders and the registry.
 */
#ifndef FW_ECERT_INT_H
#define FW_ECERT_INT_H

#include <stddef.h>

#include "../core/err.h"

struct crypto_sm2;

#define ECERT_DATE_LEN	10

/* 1 if s is YYYY-MM-DD and a real day of the years 1949..2099. */
int	ecert_date_ok(const char *s);
/* Today in Asia/Shanghai (UTC+8, no daylight saving) as YYYY-MM-DD. */
void	ecert_today(char out[ECERT_DATE_LEN + 1]);
/*
 * Text that goes on a certificate: present (ERR_MISSING), valid UTF-8
 * (ERR_INVALID), 1..max code points (ERR_RANGE), no control character
 * and no space at either end (ERR_INVALID).  Errors name field.
 */
int	ecert_text_check(const char *field, const char *s, size_t max,
	    struct err *e);

/* The key set by ecert_key_set_signer(), or NULL. */
const struct crypto_sm2	*ecert_key_signer(void);

#endif
