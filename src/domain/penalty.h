/*
 * The discretion engine (裁量基准) of fire penalties: the violation items
 * of the Fire Protection Law and the Guangdong measures as versioned data
 * (data/penalty/items-<version>.json, PEN-001), and the suggestion for one
 * violation — statutory range, tier sub-range, no penalty, the
 * first-violation exemption, lighter and reduced punishment — with the
 * rules that applied (PEN-002..PEN-017).  Pure: no database, no clock, no
 * I/O but loading.  Loaded once, read-only after: any number of threads
 * may ask for suggestions.  Amounts are whole yuan (int64_t); the checks
 * of a decided amount also take fen, the platform's unit for money.
 */
#ifndef FW_PENALTY_H
#define FW_PENALTY_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

#define PENALTY_RULES_MAX	16	/* rules in one suggestion */
#define PENALTY_REASON_MAX	320	/* one rule's reason, bytes */
#define PENALTY_LIMITS_MAX	16	/* minor thresholds of one item */
#define PENALTY_NORMS_MAX	16	/* items compared under art. 29 */
#define PENALTY_AGE_MAX		150
#define PENALTY_AREA_MAX	100000000	/* m² */
#define PENALTY_YUAN_MAX	1000000000	/* any amount, yuan */

enum penalty_party {
	PENALTY_UNIT,
	PENALTY_INDIVIDUAL,
	PENALTY_PARTY__COUNT,
};

enum penalty_tier {
	PENALTY_TIER_MINOR,	/* 较轻 */
	PENALTY_TIER_GENERAL,	/* 一般 */
	PENALTY_TIER_SERIOUS,	/* 严重 */
	PENALTY_TIER__COUNT,
};

enum penalty_harm {
	PENALTY_HARM_NONE,
	PENALTY_HARM_MINOR,
	PENALTY_HARM_SERIOUS,
};

/* The grounds of 行政处罚法 art. 32 (bits of penalty_query.grounds). */
enum penalty_ground {
	PENALTY_GROUND_ELIMINATED_HARM	= 1 << 0,	/* (1) */
	PENALTY_GROUND_COERCED		= 1 << 1,	/* (2) */
	PENALTY_GROUND_CONFESSED	= 1 << 2,	/* (3) */
	PENALTY_GROUND_MERITORIOUS	= 1 << 3,	/* (4) */
	PENALTY_GROUND_OTHER_STATUTORY	= 1 << 4,	/* (5) */
};
#define PENALTY_GROUNDS_ALL	0x1f

enum penalty_outcome {
	PENALTY_NO_PENALTY,	/* 不予处罚 */
	PENALTY_FINE,		/* a fine (or a warning where allowed) */
	PENALTY_WARNING,	/* the item's only penalty is a warning */
};

enum penalty_rule_status {
	PENALTY_RULE_APPLIED,
	PENALTY_RULE_PROPOSED,		/* the officer decides (首违不罚) */
	PENALTY_RULE_AVAILABLE,		/* the officer may choose it (减轻) */
	PENALTY_RULE_NOT_AVAILABLE,	/* asked for or due, impossible here */
};

/* What a decided amount is, against a suggestion (PEN-017). */
enum penalty_amount_check {
	PENALTY_AMOUNT_IN_RANGE,	/* within the suggested range */
	PENALTY_AMOUNT_BELOW_RANGE,	/* lawful, below it: justify */
	PENALTY_AMOUNT_ABOVE_RANGE,	/* lawful, above it: justify */
	PENALTY_AMOUNT_BELOW_MINIMUM,	/* below the law's minimum: unlawful */
	PENALTY_AMOUNT_ABOVE_MAXIMUM,	/* above the law's maximum: unlawful */
	PENALTY_AMOUNT_NOT_DUE,		/* a fine where no penalty is due */
};

/*
 * One violation and its facts.  band is NULL for an item's only band, or
 * when area (m², -1: not given) chooses it; first: the first violation
 * within the look-back window; corrected: in time (by the deadline, for
 * items fined only after one); self_found: found and being fixed by the
 * party before the inspection; age: an individual's at the act (-1: not
 * given); reduce: the officer chooses 减轻 over 从轻.
 * penalty_query_init() gives the defaults: the latest version, no band,
 * no area, no age, harm none, subjective fault, every flag 0.
 */
struct penalty_query {
	const char		*version;	/* NULL: the latest loaded */
	const char		*item;		/* e.g. "FPL-60-3" */
	enum penalty_party	 party;
	enum penalty_tier	 tier;
	const char		*band;
	int64_t			 area;
	int			 first;
	int			 corrected;
	enum penalty_harm	 harm;
	int			 self_found;
	int			 no_fault;	/* proved no subjective fault */
	unsigned		 grounds;	/* enum penalty_ground bits */
	int			 age;
	int			 reduce;
};

struct penalty_range {
	int64_t	min;
	int64_t	max;
};

struct penalty_rule {
	const char			*id;		/* "PEN-007" */
	const char			*rule;		/* "lighter", ... */
	enum penalty_rule_status	 status;
	const char			*source;	/* the law, in words */
	char				 reason[PENALTY_REASON_MAX];
};

struct penalty_limit {
	const char	*code;
	const char	*text_zh;
	int64_t		 limit;		/* -1: none given */
	int		 confirmed;	/* status C */
};

/*
 * A suggestion.  The strings point into the loaded data and stay valid
 * until penalty_unload(); nothing in it is to be freed.  range is the
 * suggestion when outcome is PENALTY_FINE (else 0, 0); tier_range is the
 * tier's sub-range before lighter or reduced punishment; reduction is the
 * 减轻 range when reducible.
 */
struct penalty_suggestion {
	const char		*version;
	const char		*item;
	const char		*name_zh;
	const char		*basis;
	const char		*authority;
	const char		*measures;
	const char		*band;		/* NULL: the item's only band */
	int			 fire_service_decides;
	enum penalty_party	 party;
	enum penalty_tier	 tier;
	struct penalty_range	 statutory;
	int			 warning;	/* a warning is lawful */
	enum penalty_outcome	 outcome;
	struct penalty_range	 tier_range;
	struct penalty_range	 range;
	int			 lighter;	/* 从轻 applied */
	int			 reducible;	/* 减轻 available */
	int			 reduced;	/* 减轻 applied */
	struct penalty_range	 reduction;
	int			 first_exemption;	/* 首违不罚 proposed */
	int			 simple_procedure;	/* art. 51 possible */
	int			 window_months;
	int			 template;	/* used a figure not C */
	int			 on_the_spot;	/* minor: corrected at once */
	struct penalty_limit	 limits[PENALTY_LIMITS_MAX];
	int			 nlimits;
	struct penalty_rule	 rules[PENALTY_RULES_MAX];
	int			 nrules;
};

/*
 * Load every items-<version>.json of dir, each checked strictly (PEN-001),
 * replacing the versions loaded before only when all of them load.
 * ERR_IO if dir cannot be read or holds no such file; ERR_INVALID naming
 * the file and the key path (in the message; the path in e->field) for a
 * bad file.  Safe against concurrent suggestions: a replaced set is kept
 * until penalty_unload().
 */
int	penalty_load_dir(const char *dir, struct err *e);
/* Free every loaded version.  Only when no suggestion runs or is held. */
void	penalty_unload(void);
/*
 * The loaded version (NULL: the latest) as a new JSON object {version,
 * effective, template, tiers, first_violation, items: [...]} for lists and
 * a console (*out to decref).  ERR_UNAVAILABLE when nothing is loaded,
 * ERR_INVALID (field "version") for a version not loaded.
 */
int	penalty_items_json(const char *version, json_t **out, struct err *e);

/* The defaults of a query (see struct penalty_query). */
void	penalty_query_init(struct penalty_query *q);
/*
 * "unit" or "individual", "minor", "general" or "serious", "none", "minor"
 * or "serious", and a ground code ("eliminated_harm", "coerced",
 * "confessed", "meritorious", "other_statutory") into *out (a ground's
 * bit).  ERR_INVALID naming "party", "tier", "harm" or "mitigating" and
 * the value otherwise.
 */
int	penalty_party_parse(const char *s, enum penalty_party *out,
	    struct err *e);
int	penalty_tier_parse(const char *s, enum penalty_tier *out,
	    struct err *e);
int	penalty_harm_parse(const char *s, enum penalty_harm *out,
	    struct err *e);
int	penalty_ground_parse(const char *s, unsigned *out, struct err *e);

/*
 * The suggestion for q (PEN-002..PEN-015) into *out.  ERR_INVALID naming
 * the field ("version", "item", "party", "tier", "harm", "mitigating",
 * "band", "area", "age", "reduce") and the value for anything unknown or
 * inconsistent, nothing decided; ERR_UNAVAILABLE when nothing is loaded.
 * out is written only on success.
 */
int	penalty_suggest(const struct penalty_query *q,
	    struct penalty_suggestion *out, struct err *e);
/*
 * The suggestion as a new JSON object; keys in order: version, item,
 * name, basis, authority, fire_service_decides, party, band, tier,
 * statutory {min, max, warning}, outcome, range {min, max} or null,
 * tier_range, reduction (null unless reducible), warning,
 * simple_procedure, measures, minor {on_the_spot, limits}, template,
 * rules [{id, rule, status, source, reason}].
 */
json_t	*penalty_suggestion_json(const struct penalty_suggestion *s);
/*
 * The answer of `firewarden penalty suggest` and of POST
 * /api/v1/penalty/suggest: the suggestion for q as JSON and, when yuan >=
 * 0, "amount": {yuan, check} (PEN-017).  The errors of penalty_suggest()
 * and penalty_check_amount(); *out is new.
 */
int	penalty_answer_json(const struct penalty_query *q, int64_t yuan,
	    json_t **out, struct err *e);

/*
 * Check a decided amount against a suggestion (PEN-017), in yuan or in
 * fen.  ERR_INVALID (field "amount") for a negative or too large amount.
 */
int	penalty_check_amount(const struct penalty_suggestion *s,
	    int64_t yuan, enum penalty_amount_check *out, struct err *e);
int	penalty_check_amount_fen(const struct penalty_suggestion *s,
	    int64_t fen, enum penalty_amount_check *out, struct err *e);

/*
 * One act under several norms (行政处罚法 art. 29, PEN-016): of the n
 * items (2..PENALTY_NORMS_MAX, distinct, each with a range for party),
 * the one whose highest fine is the greatest; on a tie the one whose
 * lowest fine is greater, then the first given.  *chosen is its index.
 * ERR_INVALID naming "items", "party" or "version".
 */
int	penalty_higher_norm(const char *version, const char *const *items,
	    int n, enum penalty_party party, int *chosen, struct err *e);

/* Static strings for the enums, as in the JSON. */
const char	*penalty_party_str(enum penalty_party p);
const char	*penalty_tier_str(enum penalty_tier t);
const char	*penalty_harm_str(enum penalty_harm h);
const char	*penalty_outcome_str(enum penalty_outcome o);
const char	*penalty_rule_status_str(enum penalty_rule_status s);
const char	*penalty_amount_check_str(enum penalty_amount_check c);

#endif
