/*
 * Opening permits of public gathering places (公众聚集场所投入使用、营业前
 * 消防安全检查) by commitment (告知承诺) or by inspection (PRM-001..016;
 * docs/modules/permit.md): the application, the decision with its number
 * and e-certificate, the verification of a commitment and what a mismatch
 * brings (notice, re-check, revocation, a credit event), reissue of a
 * lost certificate.
 */
#ifndef FW_PERMIT_H
#define FW_PERMIT_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

/* PRM-001: the rules (clocks, numbers, uses, the commitment text). */
int	permit_rules_load(const char *path, struct err *e);
int	permit_rules_json(json_t **out, struct err *e);
/* The platform's public address for the certificates' url (e.g.
 * https://xf.example.cn); the verification page is <url>/public/ecert. */
void	permit_set_public_url(const char *url);

/* The issuing authority of the rules (issuer.name). */
const char *permit_issuer(void);
/*
 * PRM-017: a document of the application as PDF appended to out: kind
 * certificate | refusal | notice | revocation.  ERR_POLICY naming
 * "status" when the application has no such document; *name is the
 * download name (new).
 */
int	permit_pdf(struct store *st, struct actor *who, int64_t id,
	    const char *kind, struct buf *out, char **name, struct err *e);

int	permit_apply(struct store *st, struct actor *who, const json_t *in,
	    json_t **out, struct err *e);
int	permit_inspect(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	permit_issue(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	permit_refuse(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	permit_verify(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	permit_recheck(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);
int	permit_reissue(struct store *st, struct actor *who, int64_t id,
	    int64_t expected, const json_t *in, json_t **out, struct err *e);

int	permit_get(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
int	permit_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

struct permit_filter {
	const char	*status;
	const char	*route;
	const char	*verify_status;
	const char	*town;
	int64_t		 unit_id;
	int		 overdue;
	const char	*q;
	const char	*sort;		/* -created | step_due | verify_due */
};
int	permit_list(struct store *st, struct actor *who,
	    const struct permit_filter *f, int64_t offset, int64_t limit,
	    json_t **items, int64_t *total, struct err *e);
/* The canonical record of a credit event (audit verify --deep). */
int	permit_credit_event_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
/* Files attached to an application: who sees it may read them. */
int	permit_can_read(struct store *st, struct actor *who, int64_t id,
	    struct err *e);
/* The certificate of an issued permit as the PDF renderer needs it. */
int	permit_certificate(struct store *st, struct actor *who, int64_t id,
	    json_t **permit, json_t **cert, struct err *e);

#endif
