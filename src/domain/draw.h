/*
 * The random draw (双随机: random inspection targets, random inspectors)
 * after firewarden-draw-v1 (specs/draw-v1.md; docs/modules/draw.md): the
 * canonical roster and its hashes (the commit), the seed, the selection of
 * candidates per stratum, the assignment of inspectors, the bundle that
 * publishes a draw and its verification.  Pure: no database, no I/O, no
 * logging; the caller supplies the roster and publishes the results.
 */
#ifndef FW_DRAW_H
#define FW_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "../core/buf.h"
#include "../core/err.h"

#define DRAW_VERSION	"firewarden-draw-v1"
#define DRAW_HASH_LEN	32
#define DRAW_HEX_LEN	(2 * DRAW_HASH_LEN)

/*
 * Limits on what a caller or a bundle controls (docs/modules/draw.md):
 * bytes of a name (id, stratum, area, department), bytes of a beacon
 * field, entries of any list.
 */
#define DRAW_NAME_MAX	256
#define DRAW_TEXT_MAX	4096
#define DRAW_LIST_MAX	10000000

/* stratum: the group a quota applies to; area: who may inspect it. */
struct draw_candidate {
	const char	*id;
	const char	*stratum;
	const char	*area;
};

/* areas: a set, no area twice. */
struct draw_inspector {
	const char	 *id;
	const char	 *department;
	const char	**areas;
	size_t		  nareas;
};

/* inspector must never be assigned to candidate. */
struct draw_conflict {
	const char	*inspector;
	const char	*candidate;
};

/* count >= 0; more than the stratum has selects all of it. */
struct draw_quota {
	const char	*stratum;
	int64_t		 count;
};

/* A row of the team: count (>= 1) inspectors of department each. */
struct draw_member {
	const char	*department;
	int64_t		 count;
};

/*
 * Where the randomness comes from ("drand quicknet", "public ceremony"),
 * which round, and its value, known only after the commit.
 */
struct draw_beacon {
	const char	*source;
	const char	*round;
	const char	*value;
};

/*
 * Everything a draw is made from.  A view: the caller owns the arrays and
 * strings and keeps them alive while the draw functions use them.  With
 * withheld set (a public bundle) inspectors and conflicts are unknown
 * (NULL, 0) and roster_hash is the published roster hash; otherwise
 * roster_hash is ignored.
 */
struct draw_input {
	const char			*plan_id;
	struct draw_beacon		 beacon;
	const struct draw_quota		*quotas;
	size_t				 nquotas;
	const struct draw_member	*team;		/* in order */
	size_t				 nteam;
	int64_t				 max_load;
	const struct draw_candidate	*candidates;
	size_t				 ncandidates;
	const struct draw_inspector	*inspectors;
	size_t				 ninspectors;
	const struct draw_conflict	*conflicts;
	size_t				 nconflicts;
	int				 withheld;
	const char			*roster_hash;
};

/*
 * Check in against every rule of docs/modules/draw.md ("Validation"):
 * character rules, lengths, duplicate ids, quotas, team, max_load,
 * conflicts that name nobody.  The beacon value may still be NULL (the
 * commit comes before it).  0, or the first problem found as ERR_INVALID /
 * ERR_MISSING / ERR_RANGE with e->field naming the entry
 * ("candidates[7].id") and e->msg beginning with that name.
 */
int	 draw_validate(const struct draw_input *in, struct err *e);

/*
 * The commit (spec sections 1 and 2): the canonical roster's hashes as
 * lowercase hex, and the canonical orders that draw_run() and
 * draw_bundle_write() use.  For a withheld input only candidates_hash is
 * computed and roster_hash is copied from the input.
 */
struct draw_canon;
struct draw_commit {
	char			 candidates_hash[DRAW_HEX_LEN + 1];
	char			 roster_hash[DRAW_HEX_LEN + 1];
	int			 withheld;
	struct draw_canon	*canon;		/* private */
};

/*
 * Validate in (as draw_validate) and compute its commit into a new
 * *out owned by the caller (draw_commit_free).  The commit refers to in,
 * which must stay unchanged while the commit is used.  Errors as
 * draw_validate.
 */
int	 draw_commit(const struct draw_input *in, struct draw_commit **out,
	    struct err *e);
void	 draw_commit_free(struct draw_commit *c);

/*
 * The seed (spec section 3):
 * SM3("firewarden-draw-v1" || 0x00 || plan_id || 0x00 || roster_hash_hex
 *     || 0x00 || beacon_value).
 */
void	 draw_seed(const char *plan_id, const char *roster_hash_hex,
	    const char *beacon_value, unsigned char seed[DRAW_HASH_LEN]);

/*
 * One selected candidate, in the assignment order of spec section 5:
 * its index in in->candidates, key(c) (section 4), whether it is
 * unassigned (no inspectors: for manual assignment), and its inspectors,
 * result->inspectors[first .. first + ninspectors).
 */
struct draw_pick {
	size_t		 candidate;
	unsigned char	 key[DRAW_HASH_LEN];
	int		 unassigned;
	size_t		 first;
	size_t		 ninspectors;
};

struct draw_result {
	unsigned char	  seed[DRAW_HASH_LEN];
	char		  seed_hex[DRAW_HEX_LEN + 1];
	struct draw_pick *picks;
	size_t		  npicks;
	/*
	 * Indices in in->inspectors; a pick's are in team order, and within
	 * one team row by ascending key(c, i).
	 */
	size_t		 *inspectors;
	size_t		  ninspectors;
	size_t		  nunassigned;
	int		  assigned;	/* 0: withheld input, selection only */
};

/*
 * The draw (spec sections 3 to 5) of in, whose commit is c: the seed from
 * c->roster_hash and the beacon value, the selection and, unless the input
 * is withheld, the assignment.  A new *out owned by the caller
 * (draw_result_free).  The only errors concern the beacon value, which
 * may have been set after the commit: ERR_MISSING (NULL), ERR_INVALID
 * (empty, not UTF-8), ERR_RANGE (longer than DRAW_TEXT_MAX).
 */
int	 draw_run(const struct draw_input *in, const struct draw_commit *c,
	    struct draw_result **out, struct err *e);
void	 draw_result_free(struct draw_result *r);

/*
 * Append the bundle (spec section 6) of the draw r of in (committed as c)
 * as JSON text to out: the fields in the order of the spec, one list
 * entry per line, candidates, inspectors (and their areas), conflicts and
 * quotas in canonical order, strings escaped as JSON requires and
 * otherwise written as they are (UTF-8): the layout of
 * tests/draw/reference.py.  With public, inspectors and conflicts are
 * null.  r must be a full draw (r->assigned).
 */
void	 draw_bundle_write(const struct draw_input *in,
	    const struct draw_commit *c, const struct draw_result *r,
	    int public, struct buf *out);

/* A selected entry as a bundle states it (not yet checked). */
struct draw_entry {
	const char	 *candidate;
	const char	 *key;
	const char	**inspectors;
	size_t		  ninspectors;
};

enum draw_parse_mode {
	DRAW_PARSE_BUNDLE,	/* a published bundle: every field present */
	DRAW_PARSE_INPUT,	/* the inputs alone: no computed fields */
};

/*
 * A parsed bundle: the inputs as a view, and the computed fields as the
 * bundle states them (NULL in input mode; version NULL when absent).
 * store, private, owns all of it.
 */
struct draw_store;
struct draw_bundle {
	struct draw_input	 in;
	const char		*version;
	const char		*candidates_hash;
	const char		*roster_hash;
	const char		*seed;
	const struct draw_entry	*selected;
	size_t			 nselected;
	const char		**unassigned;
	size_t			 nunassigned;
	struct draw_store	*store;
};

/*
 * Parse the bundle (or, in DRAW_PARSE_INPUT mode, the inputs of a draw)
 * in the n bytes at p into a new *out owned by the caller
 * (draw_bundle_free).  Strict: one JSON object of valid UTF-8, only the
 * fields of the spec, each of its type.  Errors: ERR_BAD_JSON (not JSON:
 * the message gives line and column), ERR_DUP_KEY, ERR_UNKNOWN_FIELD
 * (also a computed field in input mode), ERR_MISSING, ERR_TYPE, ERR_RANGE
 * (a number beyond int64, a list beyond DRAW_LIST_MAX), ERR_INVALID
 * (inspectors and conflicts not both null or both lists; null in input
 * mode).  Values are not checked here: that is draw_validate's job.
 */
int	 draw_bundle_parse(const char *p, size_t n,
	    enum draw_parse_mode mode, struct draw_bundle **out,
	    struct err *e);
void	 draw_bundle_free(struct draw_bundle *b);

/* withheld: a public bundle, whose assignment could not be recomputed. */
struct draw_summary {
	size_t	nselected;
	size_t	nunassigned;
	int	withheld;
};

/*
 * Verify a parsed bundle (spec "Verifying"): version, the inputs
 * (draw_validate), candidates_hash, roster_hash, seed, every selected
 * entry (candidate, key, inspectors) in order, unassigned.  The spec
 * fixes the order of selected but not the order of the ids within an
 * inspectors list or unassigned: those match in any order.  A public
 * bundle checks candidates_hash, the seed from its roster_hash, the
 * selection (candidates, order, keys) and that its inspector lists and
 * unassigned list agree with the team and max_load.  0 and *sum (may be
 * NULL) filled if everything matches; else ERR_INVALID (or a validation
 * error) for the first difference, e->field naming it and e->msg reading
 * like `selected[3].candidate: expected "u17", bundle has "u19"`.
 */
int	 draw_verify(const struct draw_bundle *b, struct draw_summary *sum,
	    struct err *e);

#endif
