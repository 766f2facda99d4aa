/*
 * Payments of fines (ENF-030..039; docs/modules/enforce_pay.md): the
 * payment notice with its code, opened when a fine is served; the late
 * fee of 行政处罚法 art. 72; the payment platforms' shared keys and their
 * signed callbacks (HMAC-SM3 over the raw body, idempotent on the
 * platform's transaction id, a wrong amount recorded and not accepted);
 * a case's payments, the public look-up of a code, and the job
 * enforce.payments that marks unpaid fines overdue and accrues the fee.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "enforce.h"
#include "enforce_int.h"
#include "enforce_pay.h"
#include "rec.h"

#define PAY_TZ_S	(8 * 3600)		/* Asia/Shanghai */
#define PAY_PAID_MIN	1577836800LL		/* 2020-01-01T00:00:00Z */
#define PAY_PAID_SKEW	600			/* seconds ahead of us */
#define PAY_JOB_BATCH	200

/* ---- dates ------------------------------------------------------------ */

/* A real day written YYYY-MM-DD (enf_date_ok) as days since 1970. */
static int
pay_day(const char *s, int64_t *out)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (!enf_date_ok(s) || strptime(s, "%Y-%m-%d", &tm) == NULL)
		return ERR_INVALID;
	*out = (int64_t)timegm(&tm) / 86400;
	return 0;
}

/* The Asia/Shanghai day of Unix time t. */
static void
pay_day_of(int64_t t, char out[REC_DATE_LEN + 1])
{
	time_t		s = (time_t)(t + PAY_TZ_S);
	struct tm	tm;

	gmtime_r(&s, &tm);
	strftime(out, REC_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

/* ---- the late fee (ENF-033) ------------------------------------------- */

int64_t
enforce_late_fee(int64_t fine_fen, const char *due, const char *paid_on,
    int permille_per_day)
{
	int64_t	d0, d1, days, pm;

	if (pay_day(due, &d0) < 0 || pay_day(paid_on, &d1) < 0)
		return ERR_INVALID;
	days = d1 - d0;
	/* Paid on the last day or before: nothing (art. 72 counts the days
	 * after the time limit). */
	if (days <= 0 || fine_fen <= 0 || permille_per_day <= 0)
		return 0;
	/* Capped at the fine itself; days is below 1e5 here. */
	if (days >= 1000)
		return fine_fen;
	pm = days * permille_per_day;
	if (pm >= 1000)
		return fine_fen;
	/* Whole fen, rounded down (the party never owes a fraction). */
	return (int64_t)((__int128)fine_fen * pm / 1000);
}

int
enforce_pay_late_json(int64_t fine_fen, const char *due, const char *paid_on,
    int permille, json_t **out, struct err *e)
{
	int64_t	d0, d1, fee;

	if (fine_fen < 0 || fine_fen > ENFORCE_PAY_FEN_MAX)
		return err_set(e, ERR_RANGE, "fine", "the fine must be 0 to "
		    "%lld fen", (long long)ENFORCE_PAY_FEN_MAX);
	if (pay_day(due, &d0) < 0)
		return err_set(e, ERR_INVALID, "due", "due must be a date "
		    "YYYY-MM-DD");
	if (pay_day(paid_on, &d1) < 0)
		return err_set(e, ERR_INVALID, "paid", "paid must be a date "
		    "YYYY-MM-DD");
	if (permille <= 0)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the enforcement rules "
		    "are not loaded");
	fee = enforce_late_fee(fine_fen, due, paid_on, permille);
	*out = json_pack("{s:I, s:s, s:s, s:I, s:i, s:I, s:I, s:b}",
	    "fine_fen", (json_int_t)fine_fen, "due", due, "paid_on", paid_on,
	    "days_late", (json_int_t)(d1 > d0 ? d1 - d0 : 0),
	    "permille_per_day", permille, "late_fee_fen", (json_int_t)fee,
	    "total_fen", (json_int_t)(fine_fen + fee),
	    "capped", fee > 0 && fee == fine_fen);
	return 0;
}

/* The rules' permille, or ERR_UNAVAILABLE when they are not loaded. */
static int
pay_permille(int *out, struct err *e)
{
	int	p = enforce_late_permille();

	/* 0 until the rules load (they require 1..1000). */
	if (p <= 0)
		return err_set(e, ERR_UNAVAILABLE, NULL, "the enforcement rules "
		    "are not loaded");
	*out = p;
	return 0;
}

/* ---- records ---------------------------------------------------------- */

static const char *const pay_names[] = { "id", "case_id", "code",
    "amount_fen", "due", "status", "paid_fen", "late_fee_fen", "paid_on",
    "platform", "txn_id", "version", "created_at", "updated_at", NULL };
#define PAY_TYPES "iisnssnnsssnnn"
#define PAY_COLS "id, case_id, code, amount_fen, due, status, paid_fen, " \
    "late_fee_fen, paid_on, platform, txn_id, version, created_at, " \
    "updated_at"

static const char *const cb_names[] = { "id", "platform", "txn_id", "code",
    "amount_fen", "paid_at", "result", "note", "body_sm3", "received_at",
    NULL };
#define CB_TYPES "isssnnsssn"
#define CB_COLS "id, platform, txn_id, code, amount_fen, paid_at, result, " \
    "note, body_sm3, received_at"

/* The first row of sql (one argument) as an object; ERR_NOT_FOUND. */
static int
pay_row(struct store *st, const char *sql, const struct store_val *args,
    int nargs, const char *const *names, const char *types, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	*out = NULL;
	if ((rc = store_query(st, sql, args, nargs, &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = rec_row_obj(r, names, types);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such payment");
	return rc < 0 ? rc : 0;
}

static int
pay_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	return pay_row(st, "SELECT " PAY_COLS " FROM case_payments WHERE "
	    "id = ?", STORE_ARGS(SV_I(id)), pay_names, PAY_TYPES, out, e);
}

static int
pay_cb_get(struct store *st, int64_t id, json_t **out, struct err *e)
{
	return pay_row(st, "SELECT " CB_COLS " FROM payment_callbacks WHERE "
	    "id = ?", STORE_ARGS(SV_I(id)), cb_names, CB_TYPES, out, e);
}

/* The record of "<type>/<id>" for `audit verify --deep`. */
static int
pay_record(struct store *st, const char *id, int callback, json_t **out,
    struct err *e)
{
	int64_t	n;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &n) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such payment");
	return callback ? pay_cb_get(st, n, out, e) : pay_get(st, n, out, e);
}

int
enforce_pay_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return pay_record(st, id, 0, out, e);
}

int
enforce_pay_callback_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	return pay_record(st, id, 1, out, e);
}

static int64_t
pay_i(const json_t *o, const char *k)
{
	const json_t	*v = json_object_get(o, k);

	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) :
	    json_integer_value(v);
}

static const char *
pay_s(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* ---- opening a notice (ENF-030) --------------------------------------- */

int
enforce_pay_open(struct store *st, int64_t case_id, int64_t fine_fen,
    const char *due, json_t **out, struct err *e)
{
	char	*code = NULL;
	int64_t	 id, n = 0, day;
	int	 rc;

	if (fine_fen <= 0 || fine_fen > ENFORCE_PAY_FEN_MAX)
		return err_set(e, ERR_RANGE, "amount", "a payment notice needs "
		    "a fine of 1 to %lld fen", (long long)ENFORCE_PAY_FEN_MAX);
	if (pay_day(due, &day) < 0)
		return err_set(e, ERR_INVALID, "due", "due must be a date "
		    "YYYY-MM-DD");
	/* One open notice per case: a second serve must not bill twice. */
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM case_payments "
	    "WHERE case_id = ? AND status = 'open'", STORE_ARGS(SV_I(case_id)),
	    &n, e)) < 0)
		return rc;
	if (n > 0)
		return err_set(e, ERR_POLICY, "payments", "the case already has "
		    "an open payment notice");
	if ((rc = enforce_next_no(st, "payment", rec_year(), &code, e)) < 0)
		return rc;
	id = id_next();
	rc = store_exec(st, "INSERT INTO case_payments (id, case_id, code, "
	    "amount_fen, due, status, created_at, updated_at) VALUES (?, ?, ?, "
	    "?, ?, 'open', ?, ?)", STORE_ARGS(SV_I(id), SV_I(case_id),
	    SV_S(code), SV_I(fine_fen), SV_S(due), SV_I(clock_now()),
	    SV_I(clock_now())), NULL, e);
	free(code);
	if (rc < 0)
		return rc;
	if (out != NULL)
		return pay_get(st, id, out, e);
	return 0;
}

/* ---- platform keys (ENF-031) ------------------------------------------ */

struct pay_platform {
	char		name[ENFORCE_PAY_NAME_MAX + 1];
	unsigned char	key[ENFORCE_PAY_KEY_LEN];
};

/* Loaded once at start-up, before requests, like the rules. */
static struct pay_platform	*pay_keys;
static size_t			 pay_nkeys;

int
enforce_pay_platform_ok(const char *name)
{
	size_t	i, n;

	if (name == NULL || (n = strlen(name)) == 0 || n > ENFORCE_PAY_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
		    name[i] == '-'))
			return 0;
	return 1;
}

/*
 * Read the key file path: 64 hex digits and an optional newline, not
 * readable by group or others.  fd is open on it.
 */
static int
pay_key_read(int fd, const char *path, unsigned char key[ENFORCE_PAY_KEY_LEN],
    char hex[ENFORCE_PAY_SIG_HEX + 1], struct err *e)
{
	struct stat	sb;
	char		buf[ENFORCE_PAY_SIG_HEX + 2];
	ssize_t		n;
	int		rc = 0;

	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return err_set(e, ERR_INVALID, "platform", "%s is not a file",
		    path);
	if (sb.st_mode & 077)
		return err_set(e, ERR_INVALID, "platform", "%s is readable by "
		    "others (chmod 600)", path);
	n = read(fd, buf, sizeof(buf));
	if (n == ENFORCE_PAY_SIG_HEX + 1 && buf[ENFORCE_PAY_SIG_HEX] == '\n')
		n--;
	if (n != ENFORCE_PAY_SIG_HEX)
		rc = err_set(e, ERR_INVALID, "platform", "%s must hold 64 hex "
		    "digits", path);
	else {
		buf[ENFORCE_PAY_SIG_HEX] = '\0';
		if (str_unhex(buf, key, ENFORCE_PAY_KEY_LEN) < 0)
			rc = err_set(e, ERR_INVALID, "platform", "%s must hold "
			    "64 hex digits", path);
		else if (hex != NULL)
			str_hex(key, ENFORCE_PAY_KEY_LEN, hex);
	}
	mem_wipe(buf, sizeof(buf));
	return rc;
}

int
enforce_pay_keys_load(const char *dir, struct err *e)
{
	struct pay_platform	*keys = NULL;
	struct dirent		*de;
	DIR			*d;
	size_t			 n = 0, len;
	char			*path, name[ENFORCE_PAY_NAME_MAX + 8];
	int			 fd, rc = 0;

	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			return err_set(e, ERR_IO, NULL, "%s: %s", dir,
			    strerror(errno));
		/* No directory, no platforms: every callback is refused. */
		goto swap;
	}
	keys = xcalloc(ENFORCE_PAY_PLATFORMS, sizeof(*keys));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".key") != 0)
			continue;
		name[0] = '\0';
		if (len - 4 <= ENFORCE_PAY_NAME_MAX)
			snprintf(name, sizeof(name), "%.*s", (int)(len - 4),
			    de->d_name);
		if (!enforce_pay_platform_ok(name)) {
			rc = err_set(e, ERR_INVALID, "platform", "%s/%s: a "
			    "platform name is [a-z0-9_-]{1,32}", dir,
			    de->d_name);
			break;
		}
		if (n == ENFORCE_PAY_PLATFORMS) {
			rc = err_set(e, ERR_INVALID, "platform", "%s: more than "
			    "%d platforms", dir, ENFORCE_PAY_PLATFORMS);
			break;
		}
		path = xasprintf("%s/%s", dir, de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			rc = err_set(e, ERR_IO, "platform", "%s: %s", path,
			    strerror(errno));
		else {
			rc = pay_key_read(fd, path, keys[n].key, NULL, e);
			close(fd);
		}
		free(path);
		if (rc < 0)
			break;
		memcpy(keys[n].name, name, strlen(name) + 1);
		n++;
	}
	closedir(d);
	if (rc < 0) {
		mem_wipe(keys, ENFORCE_PAY_PLATFORMS * sizeof(*keys));
		free(keys);
		return rc;
	}
swap:
	if (pay_keys != NULL) {
		mem_wipe(pay_keys, ENFORCE_PAY_PLATFORMS * sizeof(*pay_keys));
		free(pay_keys);
	}
	pay_keys = keys;
	pay_nkeys = n;
	return 0;
}

int
enforce_pay_key_file(const char *dir, const char *platform,
    char hex[ENFORCE_PAY_SIG_HEX + 1], int *created, struct err *e)
{
	unsigned char	 key[ENFORCE_PAY_KEY_LEN];
	char		*path = NULL, *parent, *slash, line[ENFORCE_PAY_SIG_HEX + 2];
	int		 fd = -1, rc = 0;

	if (created != NULL)
		*created = 0;
	if (!enforce_pay_platform_ok(platform))
		return err_set(e, ERR_INVALID, "platform", "a platform name is "
		    "[a-z0-9_-]{1,32}");
	/* The keys directory and its payment/ below, both private. */
	parent = xstrdup(dir);
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		(void)mkdir(parent, 0700);
	}
	free(parent);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(e, ERR_IO, NULL, "%s: %s", dir, strerror(errno));
	path = xasprintf("%s/%s.key", dir, platform);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
		rc = pay_key_read(fd, path, key, hex, e);
		goto out;
	}
	if (errno != ENOENT) {
		rc = err_set(e, ERR_IO, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	crypto_random(key, sizeof(key));
	str_hex(key, sizeof(key), line);
	line[ENFORCE_PAY_SIG_HEX] = '\n';
	line[ENFORCE_PAY_SIG_HEX + 1] = '\0';
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0 || write(fd, line, ENFORCE_PAY_SIG_HEX + 1) !=
	    ENFORCE_PAY_SIG_HEX + 1 || fsync(fd) < 0) {
		rc = err_set(e, ERR_IO, NULL, "cannot write %s: %s", path,
		    strerror(errno));
		goto out;
	}
	memcpy(hex, line, ENFORCE_PAY_SIG_HEX);
	hex[ENFORCE_PAY_SIG_HEX] = '\0';
	if (created != NULL)
		*created = 1;
out:
	if (fd >= 0)
		close(fd);
	mem_wipe(key, sizeof(key));
	mem_wipe(line, sizeof(line));
	free(path);
	return rc;
}

void
enforce_pay_sign(const unsigned char *key, size_t klen, const void *body,
    size_t n, char out[ENFORCE_PAY_SIG_HEX + 1])
{
	unsigned char	mac[CRYPTO_SM3_LEN];

	crypto_hmac_sm3(key, klen, body, n, mac);
	str_hex(mac, sizeof(mac), out);
}

int
enforce_pay_verify(const char *platform, const char *sig, const void *body,
    size_t n, struct err *e)
{
	static const unsigned char	 nokey[ENFORCE_PAY_KEY_LEN];
	const struct pay_platform	*p = NULL;
	unsigned char			 want[CRYPTO_SM3_LEN];
	unsigned char			 got[CRYPTO_SM3_LEN];
	unsigned			 diff = 0;
	size_t				 i;
	int				 ok = 1;

	if (enforce_pay_platform_ok(platform))
		for (i = 0; i < pay_nkeys; i++)
			if (strcmp(pay_keys[i].name, platform) == 0)
				p = &pay_keys[i];
	if (p == NULL)
		ok = 0;
	memset(got, 0, sizeof(got));
	if (sig == NULL || strlen(sig) != ENFORCE_PAY_SIG_HEX ||
	    str_unhex(sig, got, sizeof(got)) < 0)
		ok = 0;
	/* The same work for an unknown platform: its existence is not
	 * told by the time of the answer. */
	crypto_hmac_sm3(p ? p->key : nokey, ENFORCE_PAY_KEY_LEN, body, n, want);
	for (i = 0; i < sizeof(want); i++)
		diff |= (unsigned)(want[i] ^ got[i]);
	if (!ok || diff != 0)
		return err_set(e, ERR_UNAUTHENTICATED, "signature",
		    "X-Fw-Signature does not verify for the platform named "
		    "in X-Fw-Platform");
	return 0;
}

/* ---- the callback body (ENF-032) -------------------------------------- */

/* s of 1..max characters of [A-Za-z0-9] and the characters of extra. */
static int
pay_token_ok(const char *s, size_t max, const char *extra)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr(extra, s[i]) != NULL))
			return 0;
	return 1;
}

static int
pay_body_str(const json_t *o, const char *key, size_t max, const char *extra,
    const char *what, char *out, struct err *e)
{
	const json_t	*v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return err_set(e, ERR_MISSING, key, "%s is required", key);
	if (!json_is_string(v))
		return err_set(e, ERR_TYPE, key, "%s must be a string", key);
	if (!pay_token_ok(json_string_value(v), max, extra))
		return err_set(e, ERR_INVALID, key, "%s must be %s", key, what);
	memcpy(out, json_string_value(v), strlen(json_string_value(v)) + 1);
	return 0;
}

static int
pay_body_int(const json_t *o, const char *key, int64_t min, int64_t max,
    int64_t *out, struct err *e)
{
	const json_t	*v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return err_set(e, ERR_MISSING, key, "%s is required", key);
	if (!json_is_integer(v))
		return err_set(e, ERR_TYPE, key, "%s must be an integer", key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return err_set(e, ERR_RANGE, key, "%s must be %lld to %lld", key,
		    (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

int
enforce_pay_parse(const char *body, size_t n, struct enforce_pay_cb *out,
    struct err *e)
{
	static const char *const	 keys[] = { "txn_id", "code",
	    "amount_fen", "paid_at", NULL };
	json_t				*j = NULL;
	int				 rc;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > ENFORCE_PAY_BODY_MAX)
		return err_set(e, ERR_RANGE, "body", "the body must be 1 to %d "
		    "bytes", ENFORCE_PAY_BODY_MAX);
	if ((rc = jx_parse_body(body, n, &j, e)) < 0)
		return rc;
	if ((rc = rec_only(j, keys, e)) < 0 ||
	    (rc = pay_body_str(j, "txn_id", ENFORCE_PAY_TXN_MAX, "._:-",
	    "1 to 64 of A-Z a-z 0-9 . _ : -", out->txn_id, e)) < 0 ||
	    (rc = pay_body_str(j, "code", ENFORCE_PAY_CODE_MAX, "-",
	    "a payment code (1 to 32 of A-Z a-z 0-9 -)", out->code, e)) < 0 ||
	    (rc = pay_body_int(j, "amount_fen", 1, ENFORCE_PAY_FEN_MAX,
	    &out->amount_fen, e)) < 0 ||
	    (rc = pay_body_int(j, "paid_at", PAY_PAID_MIN, clock_now() +
	    PAY_PAID_SKEW, &out->paid_at, e)) < 0)
		memset(out, 0, sizeof(*out));
	json_decref(j);
	return rc;
}

/* ---- the callback (ENF-031..035) -------------------------------------- */

/* The case row of a payment: status fields the callback changes. */
static int
pay_case_set(struct store *st, int64_t case_id, const char *set,
    const struct store_val *vals, int nvals, struct err *e)
{
	struct store_val	 args[8];
	char			*sql;
	int			 i, n = 0, rc;

	for (i = 0; i < nvals && n < 6; i++)
		args[n++] = vals[i];
	args[n++] = SV_I(clock_now());
	args[n++] = SV_I(case_id);
	sql = xasprintf("UPDATE cases SET %s, version = version + 1, "
	    "updated_at = ? WHERE id = ?", set);
	rc = store_exec(st, sql, args, n, NULL, e);
	free(sql);
	return rc;
}

/*
 * The result of a new callback cb for its payment code: accepted (and
 * the payment and the case paid), mismatch, unknown_code, already_paid;
 * note says why in words.
 */
static int
pay_settle(struct store *st, struct actor *who, const char *platform,
    const struct enforce_pay_cb *cb, const char **result, char *note,
    size_t nnote, struct err *e)
{
	json_t	*pay = NULL, *rec = NULL;
	char	 paid_on[REC_DATE_LEN + 1], step[200];
	int64_t	 fine, fee, changed = 0, case_id;
	int	 permille = 0, rc;

	pay_day_of(cb->paid_at, paid_on);
	rc = pay_row(st, "SELECT " PAY_COLS " FROM case_payments WHERE code = "
	    "?", STORE_ARGS(SV_S(cb->code)), pay_names, PAY_TYPES, &pay, e);
	if (rc == ERR_NOT_FOUND || (rc == 0 &&
	    strcmp(pay_s(pay, "status"), "cancelled") == 0)) {
		*result = "unknown_code";
		snprintf(note, nnote, "%s", rc == 0 ? "the payment notice was "
		    "cancelled" : "no payment notice has this code");
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	case_id = pay_i(pay, "case_id");
	if (strcmp(pay_s(pay, "status"), "paid") == 0) {
		*result = "already_paid";
		snprintf(note, nnote, "paid on %s under transaction %s of %s",
		    pay_s(pay, "paid_on"), pay_s(pay, "txn_id"),
		    pay_s(pay, "platform"));
		goto out;
	}
	if ((rc = pay_permille(&permille, e)) < 0)
		goto out;
	fine = pay_i(pay, "amount_fen");
	fee = enforce_late_fee(fine, pay_s(pay, "due"), paid_on, permille);
	if (fee < 0) {
		rc = err_set(e, ERR_INTERNAL, NULL, "payment %s has a bad due "
		    "date", cb->code);
		goto out;
	}
	if (cb->amount_fen != fine + fee) {
		/* ENF-034: recorded, not accepted; the case shows it. */
		*result = "mismatch";
		snprintf(note, nnote, "paid %lld fen on %s, due %lld fen (fine "
		    "%lld + late fee %lld)", (long long)cb->amount_fen, paid_on,
		    (long long)(fine + fee), (long long)fine, (long long)fee);
		if ((rc = pay_case_set(st, case_id, "pay_status = 'mismatch'",
		    NULL, 0, e)) < 0)
			goto out;
		snprintf(step, sizeof(step), "缴款金额不符: 缴 %lld 分, 应缴 "
		    "%lld 分 (%s %s)", (long long)cb->amount_fen,
		    (long long)(fine + fee), platform, cb->txn_id);
		rc = enforce_case_step(st, who, case_id, "pay_mismatch", step,
		    NULL, e);
		goto out;
	}
	/* ENF-035: paid.  Only an open notice turns paid (a concurrent
	 * twin under another transaction finds it paid). */
	if ((rc = store_exec(st, "UPDATE case_payments SET status = 'paid', "
	    "paid_fen = ?, late_fee_fen = ?, paid_on = ?, platform = ?, "
	    "txn_id = ?, version = version + 1, updated_at = ? WHERE id = ? "
	    "AND status = 'open'", STORE_ARGS(SV_I(cb->amount_fen), SV_I(fee),
	    SV_S(paid_on), SV_S(platform), SV_S(cb->txn_id), SV_I(clock_now()),
	    SV_I(pay_i(pay, "id"))), &changed, e)) < 0)
		goto out;
	if (changed != 1) {
		*result = "already_paid";
		snprintf(note, nnote, "paid under another transaction");
		goto out;
	}
	*result = "accepted";
	snprintf(note, nnote, "paid %lld fen on %s (fine %lld + late fee %lld)",
	    (long long)cb->amount_fen, paid_on, (long long)fine,
	    (long long)fee);
	if ((rc = pay_case_set(st, case_id, "pay_status = 'paid', paid_fen = "
	    "?, late_fee_fen = ?, paid_on = ?", STORE_ARGS(SV_I(cb->amount_fen),
	    SV_I(fee), SV_S(paid_on)), e)) < 0)
		goto out;
	if ((rc = pay_get(st, pay_i(pay, "id"), &rec, e)) < 0 ||
	    (rc = audit_append_id(st, who, "case_payment.paid", "case_payment",
	    pay_i(pay, "id"), rec, e)) < 0)
		goto out;
	snprintf(step, sizeof(step), "已缴款 %lld 分 (罚款 %lld + 加处罚款 "
	    "%lld; %s %s)", (long long)cb->amount_fen, (long long)fine,
	    (long long)fee, platform, cb->txn_id);
	rc = enforce_case_step(st, who, case_id, "paid", step, NULL, e);
out:
	json_decref(pay);
	json_decref(rec);
	return rc;
}

int
enforce_pay_callback(struct store *st, struct actor *who, const char *platform,
    const char *sig, const char *body, size_t n, json_t **out,
    struct err *e)
{
	struct enforce_pay_cb	 cb;
	struct store_rows	*r = NULL;
	const char		*result = NULL;
	json_t			*rec = NULL;
	char			 sm3[2 * CRYPTO_SM3_LEN + 1], note[300];
	int64_t			 id = 0;
	int			 rc, same = 0;

	/* ENF-031: nothing is read before the signature verifies. */
	if ((rc = enforce_pay_verify(platform, sig, body, n, e)) < 0)
		return rc;
	if ((rc = enforce_pay_parse(body, n, &cb, e)) < 0)
		return rc;
	crypto_sm3_hex(body, n, sm3);
	/* ENF-032: idempotent on (platform, txn_id). */
	if ((rc = store_query(st, "SELECT id, code, amount_fen, paid_at FROM "
	    "payment_callbacks WHERE platform = ? AND txn_id = ?",
	    STORE_ARGS(SV_S(platform), SV_S(cb.txn_id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		id = store_int(r, 0);
		same = strcmp(store_text(r, 1), cb.code) == 0 &&
		    store_int(r, 2) == cb.amount_fen &&
		    store_int(r, 3) == cb.paid_at;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	if (id != 0 && !same)
		return err_set(e, ERR_CONFLICT, "txn_id", "transaction %s was "
		    "reported before with other content", cb.txn_id);
	if (id != 0) {
		/* A replay: the stored answer; only the fact is audited. */
		if ((rc = pay_cb_get(st, id, out, e)) < 0)
			return rc;
		return audit_append_id(st, who, "payment.callback_replay",
		    "payment_callback", id, NULL, e);
	}
	if ((rc = pay_settle(st, who, platform, &cb, &result, note,
	    sizeof(note), e)) < 0)
		return rc;
	id = id_next();
	if ((rc = store_exec(st, "INSERT INTO payment_callbacks (id, platform, "
	    "txn_id, code, amount_fen, paid_at, result, note, body_sm3, "
	    "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    STORE_ARGS(SV_I(id), SV_S(platform), SV_S(cb.txn_id),
	    SV_S(cb.code), SV_I(cb.amount_fen), SV_I(cb.paid_at), SV_S(result),
	    SV_S(note), SV_S(sm3), SV_I(clock_now())), NULL, e)) < 0)
		return rc;
	if ((rc = pay_cb_get(st, id, &rec, e)) < 0)
		return rc;
	if ((rc = audit_append_id(st, who, "payment.callback",
	    "payment_callback", id, rec, e)) < 0) {
		json_decref(rec);
		return rc;
	}
	*out = rec;
	return 0;
}

/* ---- reading (ENF-036, ENF-037) --------------------------------------- */

/* Late fee and amount due today of an open payment p (added to p). */
static int
pay_today(json_t *p, struct err *e)
{
	char	today[REC_DATE_LEN + 1];
	int64_t	fee = 0, fine = pay_i(p, "amount_fen");
	int	permille = 0, rc;

	rec_today(today);
	if (strcmp(pay_s(p, "status"), "open") == 0) {
		if ((rc = pay_permille(&permille, e)) < 0)
			return rc;
		fee = enforce_late_fee(fine, pay_s(p, "due"), today, permille);
		if (fee < 0)
			fee = 0;
	} else
		fine = 0;
	json_object_set_new(p, "today", json_string(today));
	json_object_set_new(p, "late_fee_today_fen", json_integer(fee));
	json_object_set_new(p, "due_today_fen", json_integer(fine + fee));
	json_object_set_new(p, "overdue", json_boolean(strcmp(pay_s(p,
	    "status"), "open") == 0 && strcmp(pay_s(p, "due"), today) < 0));
	return 0;
}

int
enforce_pay_case(struct store *st, struct actor *who, int64_t id,
    json_t **items, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*list = NULL, *p, *cbs;
	size_t			 i;
	int			 rc;

	if ((rc = enforce_case_can_read(st, who, id, e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT " PAY_COLS " FROM case_payments "
	    "WHERE case_id = ? ORDER BY created_at, id", STORE_ARGS(SV_I(id)),
	    &r, e)) < 0)
		return rc;
	list = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(list, rec_row_obj(r, pay_names,
		    PAY_TYPES));
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		goto fail;
	json_array_foreach(list, i, p) {
		if ((rc = pay_today(p, e)) < 0)
			goto fail;
		if ((rc = store_query(st, "SELECT " CB_COLS " FROM "
		    "payment_callbacks WHERE code = ? ORDER BY received_at, id",
		    STORE_ARGS(SV_S(pay_s(p, "code"))), &r, e)) < 0)
			goto fail;
		cbs = json_array();
		while ((rc = store_next(r, e)) == 1)
			json_array_append_new(cbs, rec_row_obj(r, cb_names,
			    CB_TYPES));
		store_rows_free(r);
		r = NULL;
		json_object_set_new(p, "callbacks", cbs);
		if (rc < 0)
			goto fail;
	}
	*items = list;
	return 0;
fail:
	json_decref(list);
	return rc;
}

int
enforce_pay_public(struct store *st, const char *code, json_t **out,
    struct err *e)
{
	static const char *const	 names[] = { "code", "amount_fen",
	    "due", "status", "paid_fen", "late_fee_fen", "paid_on",
	    "decision_no", "decided_on", NULL };
	json_t				*p = NULL;
	char				 yuan[32];
	int				 rc;

	if (code == NULL || !pay_token_ok(code, ENFORCE_PAY_CODE_MAX, "-"))
		return err_set(e, ERR_INVALID, "code", "code must be a payment "
		    "code (1 to 32 of A-Z a-z 0-9 -)");
	/* P-3: the case's number and the amounts only, never the party. */
	rc = pay_row(st, "SELECT p.code, p.amount_fen, p.due, p.status, "
	    "p.paid_fen, p.late_fee_fen, p.paid_on, c.decision_no, "
	    "c.decided_on FROM case_payments p JOIN cases c ON c.id = "
	    "p.case_id WHERE p.code = ? AND p.status <> 'cancelled'",
	    STORE_ARGS(SV_S(code)), names, "snssnnsss", &p, e);
	if (rc == ERR_NOT_FOUND)
		return err_set(e, ERR_NOT_FOUND, "code", "no payment notice has "
		    "this code");
	if (rc < 0)
		return rc;
	if ((rc = pay_today(p, e)) < 0) {
		json_decref(p);
		return rc;
	}
	json_object_set_new(p, "issuer", json_string(enforce_issuer()));
	/* What a person reads out on the phone: yuan with the fen. */
	snprintf(yuan, sizeof(yuan), "%lld.%02lld", (long long)(pay_i(p,
	    "due_today_fen") / 100), (long long)(pay_i(p, "due_today_fen") %
	    100));
	json_object_set_new(p, "due_today_yuan", json_string(yuan));
	*out = p;
	return 0;
}

/* ---- the job enforce.payments (ENF-038) ------------------------------- */

/* One batch of open payments past due after id *after. */
static int
pay_job_batch(struct store *st, struct actor *who, const char *today,
    int permille, int64_t *after, int64_t *nover, int64_t *nfee, int *more,
    struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*rec = NULL;
	char			 note[160];
	int64_t			 ids[PAY_JOB_BATCH], cases[PAY_JOB_BATCH];
	int64_t			 fine[PAY_JOB_BATCH], had[PAY_JOB_BATCH];
	char			 due[PAY_JOB_BATCH][REC_DATE_LEN + 1];
	int			 over[PAY_JOB_BATCH];
	int64_t			 fee, o = 0, f = 0;
	int			 k = 0, i, rc;

	if ((rc = store_begin(st, e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT p.id, p.case_id, p.amount_fen, "
	    "p.due, p.late_fee_fen, c.pay_status FROM case_payments p JOIN "
	    "cases c ON c.id = p.case_id WHERE p.status = 'open' AND p.due < ? "
	    "AND p.id > ? ORDER BY p.id LIMIT ?", STORE_ARGS(SV_S(today),
	    SV_I(*after), SV_I(PAY_JOB_BATCH)), &r, e)) < 0)
		goto fail;
	while (k < PAY_JOB_BATCH && (rc = store_next(r, e)) == 1) {
		ids[k] = store_int(r, 0);
		cases[k] = store_int(r, 1);
		fine[k] = store_int(r, 2);
		snprintf(due[k], sizeof(due[k]), "%s", store_text(r, 3));
		had[k] = store_int(r, 4);
		/* A mismatch stays shown as such: staff must look at it. */
		over[k] = strcmp(store_text(r, 5), "none") == 0 ||
		    strcmp(store_text(r, 5), "due") == 0;
		k++;
	}
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	for (i = 0; i < k; i++) {
		fee = enforce_late_fee(fine[i], due[i], today, permille);
		if (fee >= 0 && fee != had[i]) {
			if ((rc = store_exec(st, "UPDATE case_payments SET "
			    "late_fee_fen = ?, version = version + 1, "
			    "updated_at = ? WHERE id = ?", STORE_ARGS(SV_I(fee),
			    SV_I(clock_now()), SV_I(ids[i])), NULL, e)) < 0 ||
			    (rc = pay_get(st, ids[i], &rec, e)) < 0 ||
			    (rc = audit_append_id(st, who,
			    "case_payment.late_fee", "case_payment", ids[i],
			    rec, e)) < 0)
				goto fail;
			json_decref(rec);
			rec = NULL;
			f++;
		}
		if (over[i]) {
			snprintf(note, sizeof(note), "逾期未缴纳罚款 (缴款期限 "
			    "%s), 每日加处罚款", due[i]);
			if ((rc = pay_case_set(st, cases[i], "pay_status = "
			    "'overdue'", NULL, 0, e)) < 0 ||
			    (rc = enforce_case_step(st, who, cases[i],
			    "pay_overdue", note, NULL, e)) < 0)
				goto fail;
			o++;
		}
	}
	if ((rc = store_commit(st, e)) < 0)
		return rc;
	if (k > 0)
		*after = ids[k - 1];
	*nover += o;
	*nfee += f;
	*more = k == PAY_JOB_BATCH;
	return 0;
fail:
	json_decref(rec);
	store_rollback(st);
	return rc;
}

int
enforce_job_payments(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	char	today[REC_DATE_LEN + 1];
	int64_t	after = 0, nover = 0, nfee = 0;
	int	permille = 0, more = 1, rc;

	if ((rc = pay_permille(&permille, e)) < 0)
		return rc;
	rec_today(today);
	while (more)
		if ((rc = pay_job_batch(st, who, today, permille, &after, &nover,
		    &nfee, &more, e)) < 0)
			return rc;
	buf_printf(detail, "%lld case(s) overdue, %lld late fee(s) accrued to "
	    "%s", (long long)nover, (long long)nfee, today);
	return 0;
}
