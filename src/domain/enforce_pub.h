/*
 * The pure parts of the enforcement documents, publication and flags
 * (enforce_doc.c, enforce_pub.c, enforce_flag.c; docs/modules/
 * enforce_doc.md, enforce_pub.md, enforce_flag.md): the layout of a
 * document from the case as JSON, the redaction of published text (P-3),
 * the robust statistics of the outlier flags, and the database functions
 * behind the public and supervision endpoints.  enforce.h holds the
 * functions the other enforcement files call.
 */
#ifndef FW_ENFORCE_PUB_H
#define FW_ENFORCE_PUB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../core/err.h"

struct store;
struct actor;

/* ---- documents (enforce_doc.c) ---------------------------------------- */

/*
 * ENF-040..046: 0 when case c (enforce_case_full) has the document kind;
 * ERR_NOT_FOUND naming "kind" for an unknown kind, ERR_POLICY naming it
 * when the step that makes it has not happened.
 */
int	enforce_doc_ready(const json_t *c, const char *kind, struct err *e);
/*
 * ENF-040..046: lay out document kind of case c (the JSON of
 * enforce_case_full with "evidence" added) and render it as PDF appended
 * to out; *name the download name (new).  No database: the unit tests
 * render fabricated cases.  ERR_NOT_FOUND naming "kind" for an unknown
 * kind, ERR_POLICY naming "kind" when the case has no such document yet,
 * the renderer's errors otherwise.
 */
int	enforce_doc_layout(const json_t *c, const char *kind, struct buf *out,
	    char **name, struct err *e);
/* fen as yuan in figures, "3000" or "3000.50" (a new string). */
char	*enforce_doc_yuan(int64_t fen);
/*
 * The amount fen in Chinese capital numerals (大写金额), e.g. 123450 →
 * "壹仟贰佰叁拾肆元伍角整", 0 → "零元整"; into a new string.  fen must be
 * 0..999 999 999 999 99 (below a trillion yuan).
 */
char	*enforce_doc_capital(int64_t fen);

/* ---- publication (enforce_pub.c) -------------------------------------- */

/* What of the party's own data is known and must not be published. */
struct enforce_pii {
	const char	*name;		/* an individual's name: masked 张** */
	const char	*idno;
	const char	*phone;
	const char	*address;	/* home address: "***" */
};

/*
 * ENF-052 (P-3): text with every ID number, mobile and landline number
 * and the party's own name, ID number, phone and address replaced (a new
 * string).  Patterns (docs/modules/enforce_pub.md): a run of 15 or more
 * digits, the 18th an X allowed (ID numbers, and longer numbers that
 * may hold one); mobiles 1[3-9] and 9 digits, with an optional +86/86
 * prefix and - or space between the groups 3-4-4; landlines 0 and 2–3
 * digits, an optional - or space or parentheses, 7–8 digits.  A match
 * must not touch another digit on either side.  Full-width digits count
 * as digits.  p may be NULL; its NULL or short (< 2 characters) values
 * are skipped.
 */
char	*enforce_redact(const char *text, const struct enforce_pii *p);

/*
 * ENF-050/051: publish case id (its decision must exist and be a fine or
 * a warning).  *created is 1 when this call published it, 0 when it was
 * already published; *out (may be NULL) the public record.  who must be
 * able to read the case unless it is the system.
 */
int	enforce_pub_publish(struct store *st, struct actor *who, int64_t id,
	    int *created, json_t **out, struct err *e);
/*
 * ENF-054: the published decisions, newest first: q (text of the
 * publication, decision number), town (a town code), year (of the
 * decision), any may be NULL.
 */
int	enforce_pub_list(struct store *st, const char *q, const char *town,
	    const char *year, int64_t offset, int64_t limit, json_t **items,
	    int64_t *total, struct err *e);
/* One published decision by its publication id (ERR_NOT_FOUND). */
int	enforce_pub_get(struct store *st, int64_t id, json_t **out,
	    struct err *e);

/* ---- flags (enforce_flag.c) ------------------------------------------- */

/*
 * The robust z statistics of a sample (ENF-061): the median, the scale
 * 1.4826 × MAD (median absolute deviation from the median), or, when the
 * MAD is 0, 1.253314 × the mean absolute deviation from the median
 * (method "meanad"); scale 0 when every value is equal (method "equal").
 * ok is 0 when n < min_samples (nothing is judged).
 */
struct enforce_stats {
	int		 ok;
	size_t		 n;
	double		 median;
	double		 mad;
	double		 scale;
	const char	*method;	/* "mad" | "meanad" | "equal" | "few" */
};
void	enforce_flag_stats(const int64_t *x, size_t n, size_t min_samples,
	    struct enforce_stats *out);
/* |x − median| / scale; 0 when scale is 0 or the sample is not ok. */
double	enforce_flag_z(const struct enforce_stats *s, int64_t x);

/*
 * ENF-060..062: the flags of the decided cases who supervises (kind
 * "out_of_range" | "outlier"), within who's jurisdiction; ERR_INVALID
 * naming "kind" otherwise.
 */
int	enforce_flags(struct store *st, struct actor *who, const char *kind,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    struct err *e);

#endif
