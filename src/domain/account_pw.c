/*
 * The password policy (SECURITY.md A-1): length, character classes, not
 * the login, not a common password, not one of the last five, rotation.
 * The common-password list is loaded at start-up; a built-in short list
 * stands in when the file is missing, so the rule never switches off.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/id.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "account_int.h"

/* Used when data/common-passwords.txt cannot be read. */
static const char *const account_pw_builtin[] = {
	"000000", "111111", "112233", "121212", "123123", "123321",
	"1234", "12345", "123456", "1234567", "12345678", "123456789",
	"1234567890", "123456a", "147258369", "1q2w3e4r", "520520",
	"5201314", "654321", "666666", "888888", "987654321", "a123456",
	"a123456789", "aa123456", "abc123", "abc123456", "admin",
	"admin123", "admin@123", "admin@123456", "iloveyou", "p@ssw0rd",
	"passw0rd", "password", "password1", "password123", "password@123",
	"qq123456", "qwe123", "qwerty", "qwerty123", "woaini", "woaini1314",
	"zxcvbnm",
};

static char	**account_common;	/* sorted, lowercase; NULL: built-in */
static size_t	  account_ncommon;
static int	  account_rotation = ACCOUNT_ROTATION_DAYS;

static int
account_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
account_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Back to the built-in list. */
static void
account_common_free(void)
{
	size_t	i;

	for (i = 0; i < account_ncommon; i++)
		free(account_common[i]);
	free(account_common);
	account_common = NULL;
	account_ncommon = 0;
}

int
account_set_common_passwords(const char *path, struct err *e)
{
	FILE	 *f;
	char	  line[256], **list = NULL;
	size_t	  n = 0, cap = 0, len, i, j;

	if (path == NULL)
		path = ACCOUNT_DEFAULT_COMMON;
	if ((f = fopen(path, "r")) == NULL) {
		account_common_free();
		return err_set(e, ERR_IO, "common_passwords",
		    "cannot read %s: using the built-in list", path);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 512;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[n] = xstrdup(line);
		account_lower(list[n++]);
	}
	fclose(f);
	if (n == 0) {
		free(list);
		account_common_free();
		return err_set(e, ERR_IO, "common_passwords",
		    "%s is empty: using the built-in list", path);
	}
	qsort(list, n, sizeof(*list), account_cmp_str);
	for (i = j = 0; i < n; i++) {
		if (j > 0 && strcmp(list[j - 1], list[i]) == 0)
			free(list[i]);
		else
			list[j++] = list[i];
	}
	account_common_free();
	account_common = list;
	account_ncommon = j;
	return 0;
}

void
account_set_rotation_days(int days)
{
	account_rotation = days < 0 ? 0 : days;
}

int
account_pw_expired(int64_t changed_at, int64_t now)
{
	return account_rotation > 0 &&
	    now - changed_at > (int64_t)account_rotation * 86400;
}

static int
account_is_common(const char *lower)
{
	const char	*key = lower;
	size_t		 i;

	if (account_common != NULL)
		return bsearch(&key, account_common, account_ncommon,
		    sizeof(*account_common), account_cmp_str) != NULL;
	for (i = 0; i < sizeof(account_pw_builtin) /
	    sizeof(account_pw_builtin[0]); i++)
		if (strcmp(account_pw_builtin[i], lower) == 0)
			return 1;
	return 0;
}

int
account_pw_policy(const char *login, const char *password, int admin,
    const char *field, struct err *e)
{
	char	*lower = NULL, *rev = NULL;
	size_t	 n, cps, i, llen;
	int	 lo = 0, up = 0, dig = 0, oth = 0, min, rc;

	min = admin ? ACCOUNT_PW_MIN_ADMIN : ACCOUNT_PW_MIN;
	if (password == NULL)
		return err_set(e, ERR_MISSING, field, "%s is required", field);
	n = strlen(password);
	if (!str_utf8_valid(password, n))
		return err_set(e, ERR_INVALID, field,
		    "the password contains invalid characters");
	cps = str_utf8_len(password);
	/* length. */
	if (cps < (size_t)min)
		return err_set(e, ERR_POLICY, field, "the password must be at "
		    "least %d characters long (A-1)", min);
	if (cps > ACCOUNT_PW_MAX)
		return err_set(e, ERR_POLICY, field, "the password must be at "
		    "most %d characters long (A-1)", ACCOUNT_PW_MAX);
	/* three of four character classes. */
	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)password[i];

		if (c >= 'a' && c <= 'z')
			lo = 1;
		else if (c >= 'A' && c <= 'Z')
			up = 1;
		else if (c >= '0' && c <= '9')
			dig = 1;
		else
			oth = 1;
	}
	if (lo + up + dig + oth < 3)
		return err_set(e, ERR_POLICY, field, "the password must mix at "
		    "least 3 of: lower-case letters, upper-case letters, "
		    "digits, other characters (A-1)");
	/* not the login or the login reversed, ignoring case. */
	lower = xstrdup(password);
	account_lower(lower);
	if (login != NULL && *login != '\0') {
		llen = strlen(login);
		rev = xmalloc(llen + 1);
		for (i = 0; i < llen; i++)
			rev[i] = login[llen - 1 - i];
		rev[llen] = '\0';
		account_lower(rev);
		if (strcasecmp(lower, login) == 0 || strcmp(lower, rev) == 0) {
			rc = err_set(e, ERR_POLICY, field, "the password must "
			    "not be the login or the login reversed (A-1)");
			goto out;
		}
	}
	/* not a common password. */
	if (account_is_common(lower)) {
		rc = err_set(e, ERR_POLICY, field, "the password is too "
		    "common: it is on the list of passwords attackers try "
		    "first (A-1)");
		goto out;
	}
	rc = 0;
out:
	mem_free_secret(lower);
	free(rev);
	return rc;
}

int
account_password_check(const char *login, const char *password, int admin,
    struct err *e)
{
	return account_pw_policy(login, password, admin, "password", e);
}

static const char account_sql_history[] =
    "SELECT hash FROM password_history WHERE user_id = ? "
    "ORDER BY created_at DESC, id DESC LIMIT 5";
static const char account_sql_history_ins[] =
    "INSERT INTO password_history (user_id, hash, created_at, id) "
    "VALUES (?, ?, ?, ?)";

int
account_pw_history_check(struct store *st, int64_t uid, const char *password,
    const char *field, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc, hit = 0;

	if ((rc = store_query(st, account_sql_history, STORE_ARGS(SV_I(uid)),
	    &r, e)) < 0)
		goto out;
	/* Check all five even after a hit: the time does not tell which. */
	while ((rc = store_next(r, e)) == 1)
		if (crypto_password_verify(password, store_text(r, 0),
		    NULL) == 0)
			hit = 1;
	if (rc < 0)
		goto out;
	if (hit) {
		rc = err_set(e, ERR_POLICY, field, "the password must differ "
		    "from the last %d passwords (A-1)", ACCOUNT_PW_HISTORY);
		goto out;
	}
	rc = 0;
out:
	store_rows_free(r);
	return rc;
}

int
account_pw_remember(struct store *st, int64_t uid, const char *hash,
    int64_t now, struct err *e)
{
	return store_exec(st, account_sql_history_ins, STORE_ARGS(SV_I(uid),
	    SV_S(hash), SV_I(now), SV_I(id_next())), NULL, e);
}

/* A uniform index below n (n <= 256) from random bytes, without bias. */
static unsigned
account_pw_pick(unsigned n)
{
	unsigned char	b;
	unsigned	lim = 256 - 256 % n;

	do
		crypto_random(&b, 1);
	while (b >= lim);
	return b % n;
}

void
account_pw_random(char out[17])
{
	/* No look-alikes (0/O, 1/l/I): a printed password gets typed. */
	static const char	set[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	    "abcdefghijkmnpqrstuvwxyz" "23456789" "-_.!@#%+=";
	int			i, lo, up, dig, oth;
	char			c;

	do {
		lo = up = dig = oth = 0;
		for (i = 0; i < 16; i++) {
			c = set[account_pw_pick(sizeof(set) - 1)];
			out[i] = c;
			if (islower((unsigned char)c))
				lo = 1;
			else if (isupper((unsigned char)c))
				up = 1;
			else if (isdigit((unsigned char)c))
				dig = 1;
			else
				oth = 1;
		}
		out[16] = '\0';
	} while (!(lo && up && dig && oth));
}
