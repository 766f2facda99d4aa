/*
 * Payments of fines (enforce_pay.c; ENF-030..039, docs/modules/
 * enforce_pay.md): the parts the API, the CLI and the unit tests call
 * beyond enforce.h — platform names and their shared keys (HMAC-SM3),
 * the signature check and the strict body of a payment platform's
 * callback, the callback itself, a case's payments and the public
 * look-up of a payment code.  enforce.h holds enforce_pay_open(),
 * enforce_late_fee(), enforce_pay_keys_load() and the job.
 */
#ifndef FW_ENFORCE_PAY_H
#define FW_ENFORCE_PAY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

struct store;
struct actor;

#define ENFORCE_PAY_KEY_LEN	32		/* bytes of a platform key */
#define ENFORCE_PAY_NAME_MAX	32		/* [a-z0-9_-]{1,32} */
#define ENFORCE_PAY_PLATFORMS	64		/* platforms loaded at most */
#define ENFORCE_PAY_BODY_MAX	4096		/* bytes of a callback body */
#define ENFORCE_PAY_TXN_MAX	64		/* [A-Za-z0-9._:-]{1,64} */
#define ENFORCE_PAY_CODE_MAX	32		/* [A-Za-z0-9-]{1,32} */
#define ENFORCE_PAY_FEN_MAX	100000000000000LL	/* 1e12 yuan */
#define ENFORCE_PAY_SIG_HEX	(2 * ENFORCE_PAY_KEY_LEN)

/* 1 if name is a platform name: [a-z0-9_-]{1,32}. */
int	enforce_pay_platform_ok(const char *name);

/*
 * The key file dir/<platform>.key (dir: <keys>/payment): read it when it
 * exists, else create it (dir too, 0700) with 32 random bytes as 64 hex
 * digits and a newline, mode 0600.  hex receives the key; *created (may
 * be NULL) whether this call made it.  ERR_INVALID naming "platform"
 * for a bad name or a damaged file, ERR_IO when it cannot be written.
 */
int	enforce_pay_key_file(const char *dir, const char *platform,
	    char hex[ENFORCE_PAY_SIG_HEX + 1], int *created, struct err *e);

/* The signature of body: hex of HMAC-SM3(key, body[0..n)). */
void	enforce_pay_sign(const unsigned char *key, size_t klen,
	    const void *body, size_t n, char out[ENFORCE_PAY_SIG_HEX + 1]);

/*
 * ENF-031: the signature sig (64 hex digits) of body[0..n) under the key
 * of platform, compared in constant time; an unknown platform costs the
 * same work.  0, or ERR_UNAUTHENTICATED naming "signature" (missing or
 * unknown platform, missing, malformed or wrong signature alike).
 */
int	enforce_pay_verify(const char *platform, const char *sig,
	    const void *body, size_t n, struct err *e);

/* A callback's body, checked strictly by enforce_pay_parse(). */
struct enforce_pay_cb {
	char	txn_id[ENFORCE_PAY_TXN_MAX + 1];
	char	code[ENFORCE_PAY_CODE_MAX + 1];
	int64_t	amount_fen;
	int64_t	paid_at;		/* Unix seconds */
};

/*
 * ENF-032: parse body[0..n) as {"txn_id","code","amount_fen","paid_at"}:
 * one JSON object, no other or duplicate keys, txn_id
 * [A-Za-z0-9._:-]{1,64}, code [A-Za-z0-9-]{1,32}, amount_fen an integer
 * 1..ENFORCE_PAY_FEN_MAX, paid_at an integer from 2020-01-01 to ten
 * minutes after now.  The 4xx names the field.
 */
int	enforce_pay_parse(const char *body, size_t n,
	    struct enforce_pay_cb *out, struct err *e);

/*
 * ENF-031..035: a platform's callback, in the caller's transaction: the
 * signature first (nothing read or written before it verifies), then the
 * body, then idempotence on (platform, txn_id) — the same fields again
 * answer the stored result and change nothing, other fields ERR_CONFLICT
 * naming "txn_id" — then the result: accepted (amount = fine + late fee
 * as of the Asia/Shanghai day of paid_at: the payment and the case paid),
 * mismatch (recorded, the case's pay_status "mismatch"), unknown_code,
 * already_paid.  Every new callback is stored with the SM3 of the body
 * and audited.  *out is the callback as answered.
 */
int	enforce_pay_callback(struct store *st, struct actor *who,
	    const char *platform, const char *sig, const char *body, size_t n,
	    json_t **out, struct err *e);

/*
 * ENF-036: the payment notices of case id (who must be able to read it;
 * ERR_NOT_FOUND otherwise), oldest first, each with its callbacks and,
 * while open, the late fee and the amount due today.
 */
int	enforce_pay_case(struct store *st, struct actor *who, int64_t id,
	    json_t **items, struct err *e);

/*
 * ENF-037 (P-3): what a party needs to pay code: the decision number,
 * the issuer, the fine, the late fee and the total as of today, the last
 * day, the status; no party data.  ERR_INVALID naming "code" for a
 * malformed code, ERR_NOT_FOUND for an unknown one.
 */
int	enforce_pay_public(struct store *st, const char *code, json_t **out,
	    struct err *e);

/*
 * The late fee of enforce_late_fee() as JSON (the CLI's answer): fine,
 * days late, fee, total, permille per day.  ERR_INVALID naming "due" or
 * "paid" for a bad date, "fine" for a negative amount.
 */
int	enforce_pay_late_json(int64_t fine_fen, const char *due,
	    const char *paid_on, int permille, json_t **out, struct err *e);

/*
 * Canonical records for `audit verify --deep`: case_payment/<id> (the
 * notice as GET /cases/{id}/payments shows it, without the figures of
 * today) and payment_callback/<id> (the callback as answered).
 */
int	enforce_pay_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
int	enforce_pay_callback_record(struct store *st, const char *id,
	    json_t **out, struct err *e);

#endif
