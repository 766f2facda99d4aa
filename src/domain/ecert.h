/*
 * Electronic certificates (电子证照) of specs/ecert-v1.md: canonical
 * content, the SM2 signature, the QR text FWC1.<content>.<signature>,
 * offline verification, the certificate keys and the registry of issued
 * certificates with their status (ECERT-001..; docs/modules/ecert.md).
 * The functions that change certificates are a library for the modules
 * that certify something (the permit module): those check the caller's
 * permission and jurisdiction over the subject, then call these in their
 * own transaction.
 */
#ifndef FW_ECERT_H
#define FW_ECERT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"
#include "../crypto/crypto.h"

struct store;
struct actor;

#define ECERT_VERSION		1
#define ECERT_PREFIX		"FWC1."
#define ECERT_KID_LEN		(2 * CRYPTO_SM3_LEN)
#define ECERT_TYPE_PERMIT	"gathering-place-permit"
/* The longest code issued: the byte capacity of a QR code of version 40
 * at error correction level M (ECERT-006). */
#define ECERT_CODE_MAX		2331
/* The longest text ecert_code_decode() looks at. */
#define ECERT_TEXT_MAX		8192
/* Certificate numbers (the registry's `no`). */
#define ECERT_NO_MAX		64

/*
 * Content (ecert_content.c).
 *
 * The fields of a public-gathering-place opening permit (公众聚集场所投入
 * 使用、营业前消防安全检查), the spec's keys other than v, type and kid.
 * Strings are UTF-8; issued is YYYY-MM-DD; route is "commitment" or
 * "inspection".
 */
struct ecert_permit {
	const char	*no;
	const char	*holder;
	const char	*uscc;
	const char	*place;
	const char	*address;
	const char	*use;
	int64_t		 area_m2;
	const char	*route;
	const char	*issued;
	const char	*issuer;
	const char	*url;
};

/*
 * The fields object of a permit (ECERT-002): every field checked, the
 * USCC upper-cased.  On success *out is a new object owned by the caller.
 * ERR_MISSING / ERR_INVALID / ERR_RANGE naming the field.
 */
int	ecert_permit_fields(const struct ecert_permit *p, json_t **out,
	    struct err *e);
/*
 * The content of a certificate of type from its type-specific fields
 * (ECERT-001, ECERT-002): fields plus "v": 1, "type" and "kid".  Every
 * type needs "no" (1..ECERT_NO_MAX characters) and "issued"
 * (YYYY-MM-DD); a type with a field table (gathering-place-permit) must
 * have exactly its fields, each checked; other types may add fields whose
 * keys are [a-z0-9_] and whose values are non-empty strings without
 * control characters, integers, booleans, or arrays and objects of them,
 * never floating-point numbers nor null.  fields may not hold v, type or
 * kid.  On success *out is a new object owned by the caller; errors name
 * the field (ERR_MISSING, ERR_INVALID, ERR_TYPE, ERR_RANGE,
 * ERR_UNKNOWN_FIELD).
 */
int	ecert_content(const char *type, const json_t *fields, const char *kid,
	    json_t **out, struct err *e);
/* ecert_permit_fields() then ecert_content(): the whole permit content. */
int	ecert_permit_content(const struct ecert_permit *p, const char *kid,
	    json_t **out, struct err *e);

/*
 * A certificate code: the QR text and its decoded parts (ecert_code.c).
 */
struct ecert_code {
	char		*text;		/* FWC1.<content>.<sig>, base64url */
	char		*content;	/* the content bytes, NUL-terminated */
	size_t		 content_len;
	unsigned char	*sig;		/* DER SM2 signature */
	size_t		 siglen;
	json_t		*json;		/* the content parsed */
	const char	*kid;		/* "kid" of json */
	int		 canonical;	/* the content is in canonical form */
};

/*
 * Sign content with k (ECERT-003, ECERT-004): its canonical bytes
 * (compact, keys sorted bytewise, UTF-8 unescaped, integers only), SM2
 * with SM3 and the identifier 1234567812345678, DER, and the QR text.
 * content must be an object whose "kid" is k's key id (ERR_INVALID
 * naming kid) and hold no floating-point number (ERR_TYPE naming it);
 * the code must fit ECERT_CODE_MAX (ERR_RANGE naming content).  On
 * success *out is owned by the caller (ecert_code_free).
 */
int	ecert_code_sign(const struct crypto_sm2 *k, const json_t *content,
	    struct ecert_code **out, struct err *e);
/*
 * Parse a QR text strictly (ECERT-005): at most ECERT_TEXT_MAX bytes,
 * the prefix FWC1., exactly three non-empty parts, each the canonical
 * unpadded base64url of its bytes, the content a JSON object with a
 * string "kid".  Whether the content is canonical is recorded, not
 * refused (a signed content that is not canonical is an invalid
 * certificate, not a malformed code).  Anything else is not a
 * certificate code: ERR_INVALID naming the field "code" with the reason.
 * On success *out is owned by the caller.
 */
int	ecert_code_decode(const char *text, struct ecert_code **out,
	    struct err *e);
/* Free c; accepts NULL. */
void	ecert_code_free(struct ecert_code *c);

/* What a verification found (ECERT-005). */
enum ecert_verdict {
	ECERT_VALID = 0,
	ECERT_UNKNOWN_KEY,	/* no published key has the content's kid */
	ECERT_BAD_SIGNATURE,	/* the signature does not verify */
	ECERT_NOT_CANONICAL,	/* signed, but not canonical content */
};

/*
 * Verify c with the public key k: the signature over the exact content
 * bytes, then the canonical form.  The content's kid is not compared
 * with k's (the caller chose the key: `ecert verify --key`).
 */
enum ecert_verdict	ecert_code_verify(const struct ecert_code *c,
			    const struct crypto_sm2 *k);
/* A stable code for the verdict ("bad_signature") and an English sentence. */
const char	*ecert_verdict_reason(enum ecert_verdict v);
const char	*ecert_verdict_message(enum ecert_verdict v);

/*
 * Keys (ecert_key.c).  The certificate key is separate from the audit
 * key: <dir>/ecert-sm2.pem, mode 0600.  Its id (kid) is the SM3 hex of
 * the DER SubjectPublicKeyInfo, as for the audit key.  Every key ever
 * used is kept in ecert_keys so that certificates signed with a retired
 * key still verify (ECERT-007).
 */

/*
 * Load <dir>/ecert-sm2.pem, or create it (and dir, 0700) on first use;
 * finish or undo a rotation that was interrupted; register the public
 * key in ecert_keys (audited ecert_key.create, as the system, the first
 * time).  Runs its own transactions.  On success *out is owned by the
 * caller.  ERR_IO naming "keys", ERR_CRYPTO, or a store error.
 */
int	ecert_key_open(struct store *st, const char *dir,
	    struct crypto_sm2 **out, struct err *e);
/* The key ecert_issue() signs with; set at start-up, not owned (NULL: none). */
void	ecert_key_set_signer(const struct crypto_sm2 *k);
/*
 * Rotate (ECERT-007): a new key becomes <dir>/ecert-sm2.pem; the old
 * one is marked retired in ecert_keys (it still verifies) and its file
 * renamed ecert-sm2-<first 16 hex of its kid>.retired.pem.  When dir has
 * no key yet this only creates one.  Audited ecert_key.retire and
 * ecert_key.create by who; runs its own transaction.  A running server
 * keeps its old key until restarted, and ecert_issue() refuses a retired
 * key.  kid receives the new key's id.
 */
int	ecert_key_rotate(struct store *st, struct actor *who, const char *dir,
	    char kid[ECERT_KID_LEN + 1], struct err *e);
/* [{"kid","pem","created_at","retired_at"|null}], oldest first. */
int	ecert_key_list(struct store *st, json_t **out, struct err *e);
/* The public key of kid; ERR_NOT_FOUND if none.  *out owned by the caller. */
int	ecert_key_get(struct store *st, const char *kid,
	    struct crypto_sm2 **out, struct err *e);
/*
 * Verify c with the published key of its kid: *v receives the verdict.
 * Returns 0, or a store error.
 */
int	ecert_key_verify(struct store *st, const struct ecert_code *c,
	    enum ecert_verdict *v, struct err *e);
/* The canonical record of key kid for audit verify --deep. */
int	ecert_key_record(struct store *st, const char *kid, json_t **out,
	    struct err *e);

/*
 * The registry (ecert.c): every certificate issued, with its status
 * valid, revoked or superseded (ECERT-008..011).  Records are JSON:
 * {"id","no","type","subject_type","subject_id","kid","content",
 *  "signature","code","status","issued_on","revoked_on","revoke_reason",
 *  "superseded_by","created_at","created_by","updated_at","version"}
 * with ids as strings, content the exact signed text and signature its
 * unpadded base64url.
 */
struct ecert_new {
	const char	*type;		/* ECERT_TYPE_PERMIT, ... */
	const json_t	*fields;	/* as for ecert_content() */
	const char	*subject_type;	/* what it certifies: "permit", ... */
	int64_t		 subject_id;
};

/*
 * Issue a certificate: content built and checked (nothing stored when a
 * field is refused), signed with the signer key, stored as valid and
 * audited ecert.issue, in the caller's transaction.  ERR_UNAVAILABLE when
 * no signer is set or it is retired, ERR_CONFLICT naming "no" when the
 * number exists, ERR_INVALID naming subject_type / subject_id.  *out
 * receives the record.
 */
int	ecert_issue(struct store *st, struct actor *who,
	    const struct ecert_new *n, json_t **out, struct err *e);
/*
 * Revoke certificate id (ECERT-009): date YYYY-MM-DD not before its issue
 * date nor after today (Asia/Shanghai), reason 1..200 characters.  Only a
 * valid certificate is revoked (ERR_POLICY naming status); version 0
 * takes any version, else ERR_STALE when it differs.  Audited
 * ecert.revoke in the caller's transaction.  The certificate still
 * verifies offline; online it answers revoked.  *out: the record.
 */
int	ecert_revoke(struct store *st, struct actor *who, int64_t id,
	    int64_t version, const char *date, const char *reason,
	    json_t **out, struct err *e);
/*
 * Reissue certificate id (ECERT-010): a new certificate of the same type
 * and subject from fields (with a new number) is issued as ecert_issue()
 * does, and the old one becomes superseded, pointing to it (audited
 * ecert.supersede).  Only a valid certificate is superseded.  *out: the
 * new record.
 */
int	ecert_supersede(struct store *st, struct actor *who, int64_t id,
	    int64_t version, const json_t *fields, json_t **out,
	    struct err *e);
/* One record by id, by number or by QR text; ERR_NOT_FOUND if none. */
int	ecert_get(struct store *st, int64_t id, json_t **out, struct err *e);
int	ecert_get_by_no(struct store *st, const char *no, json_t **out,
	    struct err *e);
int	ecert_get_by_code(struct store *st, const char *code, json_t **out,
	    struct err *e);
/* The canonical record of certificate id for audit verify --deep. */
int	ecert_record(struct store *st, const char *id, json_t **out,
	    struct err *e);
/*
 * The online check (ECERT-011): decode text (ERR_INVALID naming "code"
 * when it is not a certificate code), verify with the published keys and
 * look the certificate up.  *out: {"valid", "reason" and "message" (when
 * not valid), "content", "status" (valid | revoked | superseded |
 * unknown), "revoked_on", "revoke_reason", "superseded_by_no"}.  The
 * status comes from the registry only for a valid signature over the
 * very content the registry holds under that number; else "unknown".
 */
int	ecert_check(struct store *st, const char *text, json_t **out,
	    struct err *e);

#endif
