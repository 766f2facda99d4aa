/*
 * Identifier checks: the unified social credit code (统一社会信用代码,
 * GB 32100-2015) with its embedded organisation code (GB 11714-1997), and
 * the resident identity card number (居民身份证号码, GB 11643-1999).
 * Pure functions, used by the registry, imports, the CLI and later
 * modules.
 */
#ifndef FW_IDENT_H
#define FW_IDENT_H

#include "../core/err.h"

#define IDENT_USCC_LEN		18
#define IDENT_IDCARD_LEN	18

/*
 * Check a USCC.  Lower case is normalised to upper case and surrounding
 * spaces trimmed; *norm (size >= 19) receives the normalised code on
 * success.  *warning (may be NULL) is set to 1 when the code passes the
 * USCC check but its embedded organisation code fails GB 11714 (a
 * warning, not an error).  ERR_INVALID with a message naming the reason
 * (length, character set, check character) and field `field`.
 */
int	ident_uscc_check(const char *code, const char *field,
	    char norm[IDENT_USCC_LEN + 1], int *warning, struct err *e);
/*
 * Check an 18-digit ID card number (x normalised to X; a 15-digit legacy
 * number is converted to 18 digits); also checks the birth date.  Same
 * conventions as ident_uscc_check.
 */
int	ident_idcard_check(const char *number, const char *field,
	    char norm[IDENT_IDCARD_LEN + 1], struct err *e);

#endif
