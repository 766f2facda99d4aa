/*
 * Inside the inspection module: strata, compiled sampling rules and the
 * helpers its files share.  Not for other modules.
 */
#ifndef FW_INSPECTION_INT_H
#define FW_INSPECTION_INT_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

struct store;
struct actor;

/* Unit category bits (db/0003_registry.sql). */
#define INS_CAT_KEY		1
#define INS_CAT_HIGH_RISK	2
#define INS_CAT_PUBLIC		4
#define INS_CAT_CROWDED		8
#define INS_CAT_THREE_SMALL	16
#define INS_CAT_RENTAL		32
#define INS_CAT_SPECIAL		64

/*
 * The sampling class of a unit (INS-023): one per unit, the first that
 * applies of key_crowded, high_risk, key, public_gathering, crowded,
 * special_industry, three_small, rental, general.
 */
const char	*ins_class_of(int categories);
/* 1 if s names a class (or "*" when wild is set). */
int		 ins_class_valid(const char *s, int wild);
/* Risk grades as the risk module stores them, plus "none". */
int		 ins_grade_valid(const char *s, int wild);

/* One compiled rule: class and grade ("*" = any), ratio in basis points. */
struct ins_rule {
	char	 cls[24];
	char	 grade[16];
	int64_t	 ratio_bp;	/* 1 % = 100 */
	int64_t	 min;
	int	 index;		/* position in the document */
};

struct ins_rules {
	int		 version;
	struct ins_rule	*rules;
	int		 n;
};

/*
 * Check and compile a rules document {"rules": [...], "note"} (INS-020).
 * ERR_INVALID / ERR_TYPE / ERR_RANGE / ERR_MISSING naming the path
 * ("rules[2].ratio_pct").  Free with ins_rules_free.
 */
int	ins_rules_compile(const json_t *doc, struct ins_rules *out,
	    struct err *e);
void	ins_rules_free(struct ins_rules *r);
/* The rules of a stored version (0 = current) compiled. */
int	ins_rules_load(struct store *st, int version, struct ins_rules *out,
	    struct err *e);
/*
 * The quota of a stratum of population units (INS-023): among the rules
 * matching class and grade, the one with the highest ratio (the first on
 * a tie); count = max(min, ceil(population × ratio)), at most population.
 * *rule receives the rule's index, -1 if none matched (count 0).
 */
int64_t	ins_quota(const struct ins_rules *r, const char *cls,
	    const char *grade, int64_t population, int *rule);

/* Today in Asia/Shanghai as YYYY-MM-DD. */
void	ins_today(char out[11]);

#endif
