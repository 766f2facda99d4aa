/*
 * The major-fire-hazard (重大火灾隐患) judgement of GB 35181 as data: the
 * editions loaded from data/hazard/gb35181-<edition>.json (HAZ-J01), the
 * edition in force on a date (HAZ-J02), and the judgement itself —
 * exclusions (HAZ-J03), direct elements (HAZ-J04), composite counting per
 * place category (HAZ-J05).  Pure: no database, no I/O but loading.
 * Loaded once, read-only after: the judgement may run in many threads.
 */
#ifndef FW_HAZARD_JUDGE_H
#define FW_HAZARD_JUDGE_H

#include <jansson.h>

#include "../core/err.h"

#define HAZARD_ELEMENTS_MAX	100	/* elements of one edition */
#define HAZARD_INPUT_MAX	1000	/* element codes given to a judgement */
#define HAZARD_REASON_MAX	1536

enum hazard_outcome {
	HAZARD_NOT_MAJOR,
	HAZARD_MAJOR,
	HAZARD_EXCLUDED,
};

enum hazard_method {
	HAZARD_METHOD_NONE,	/* excluded or not major */
	HAZARD_METHOD_DIRECT,
	HAZARD_METHOD_COMPOSITE,
};

/*
 * A judgement.  The strings point into the loaded editions and stay
 * valid until hazard_judge_unload(); nothing in it is to be freed.
 * counted and threshold are -1 when excluded or direct; otherwise they
 * are the rule that fired or, when none did, the rule closest to firing
 * (the smallest threshold − counted, the first in the file on a tie).
 */
struct hazard_judgement {
	const char		*edition;
	enum hazard_outcome	 outcome;
	enum hazard_method	 method;
	const char		*elements[HAZARD_ELEMENTS_MAX];	/* sorted */
	int			 nelements;
	int			 counted;
	int			 threshold;
	char			 reason[HAZARD_REASON_MAX];
};

/*
 * Load every gb35181-*.json of dir, each checked strictly (HAZ-J01),
 * replacing the editions loaded before only when all of them load.
 * ERR_IO if dir cannot be read or holds no such file; ERR_INVALID naming
 * the file and the key path (in the message; the path in e->field) for a
 * bad file.  Safe against concurrent judgements: a replaced set is kept
 * until hazard_judge_unload().
 */
int	hazard_judge_load_dir(const char *dir, struct err *e);
/*
 * Free every loaded edition.  Only when no judgement runs or holds a
 * result (tests, exit).
 */
void	hazard_judge_unload(void);
/*
 * The loaded editions, ordered by effective date, as a new JSON list of
 * {edition, standard, title, title_en, effective, effective_confirmed,
 * superseded, template}; an empty list when nothing is loaded.
 */
json_t	*hazard_judge_editions(void);
/*
 * A copy of an edition's whole file into *out (the caller decrefs), for
 * a console that shows the element lists.  ERR_INVALID (field "edition")
 * for an edition not loaded.
 */
int	hazard_judge_edition_json(const char *edition, json_t **out,
	    struct err *e);
/*
 * The edition in force on date (YYYY-MM-DD): the latest effective on or
 * before date, unless it is superseded on or before date (HAZ-J02).
 * *out points into the loaded editions.  ERR_INVALID (field "date") for
 * a malformed date, ERR_NOT_FOUND (field "date") when no loaded edition
 * is in force then.
 */
int	hazard_judge_edition_on(const char *date, const char **out,
	    struct err *e);
/*
 * Judge the elements (codes, in any order, duplicates counted once) found
 * in a place of category place under edition; exclusion is NULL or the
 * code of a 5.1.3 exclusion (HAZ-J03..J05).  ERR_INVALID naming the field
 * ("edition", "place", "elements", "exclusion") and the bad value for an
 * unknown value; ERR_UNAVAILABLE when nothing is loaded.  out is written
 * only on success.
 */
int	hazard_judge(const char *edition, const char *place,
	    const char *const *elements, int n, const char *exclusion,
	    struct hazard_judgement *out, struct err *e);
/*
 * The judgement as a new JSON object with the keys, in order, edition,
 * outcome ("major", "not-major", "excluded"), method ("direct",
 * "composite" or null), elements, counted and threshold (null when
 * excluded or direct) and reason.
 */
json_t	*hazard_judgement_json(const struct hazard_judgement *j);
/* "major", "not-major" or "excluded" (a static string). */
const char	*hazard_outcome_str(enum hazard_outcome o);

#endif
