/*
 * What risk_model.c (the model file and the arithmetic) and risk.c
 * (storage, events, views, the recompute) share: the factor catalogue,
 * the loaded model, a unit's measured inputs and the result computed
 * from them.  Follows the contracts of risk.h.
 */
#ifndef FW_RISK_INT_H
#define FW_RISK_INT_H

#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../crypto/crypto.h"

/* The factor catalogue, in the order factors are listed everywhere. */
enum rk_fid {
	RK_CAT_HIGH_RISK, RK_CAT_KEY, RK_CAT_PUBLIC_GATHERING, RK_CAT_CROWDED,
	RK_CAT_SPECIAL_INDUSTRY, RK_CAT_THREE_SMALL, RK_CAT_RENTAL,
	RK_HEIGHT, RK_FLOORS_BELOW, RK_FLOOR_AREA, RK_OCCUPANCY,
	RK_NO_SPRINKLERS, RK_NO_AUTO_ALARM,
	RK_EV_HAZARD, RK_EV_MAJOR_HAZARD, RK_EV_PENALTY, RK_EV_COMPLAINT,
	RK_EV_FIRE, RK_EV_FIRE_ALARM, RK_EV_FALSE_ALARM, RK_EV_DEVICE_FAULT,
	RK__N,
};

enum rk_kind { RKK_CATEGORY, RKK_BANDS, RKK_MISSING, RKK_EVENTS };

/* Measured inputs of a unit, in the order of the hashed input line. */
enum rk_measure {
	RKM_HEIGHT, RKM_FLOORS_BELOW, RKM_FLOOR_AREA, RKM_OCCUPANCY,
	RKM_NO_SPRINKLERS, RKM_NO_AUTO_ALARM,
	RKM__N,
};

#define RK_EVENTS	8	/* risk_event_kinds */
#define RK_GRADES	4	/* risk_grades */
#define RK_BANDS_MAX	8
#define RK_POINTS_MAX	1000

struct rk_def {
	const char	*id;		/* "category.key" */
	enum rk_kind	 kind;
	const char	*arg;		/* category, measure key or event kind */
	int		 measure;	/* RKM_* for bands and missing */
	int		 bit;		/* category bit (from the registry) */
	int		 event;		/* index in risk_event_kinds */
};
extern const struct rk_def	rk_defs[RK__N];

struct rk_factor {
	int		 points;	/* category, missing */
	int		 nbands;
	int64_t		 gte[RK_BANDS_MAX];
	int		 band_points[RK_BANDS_MAX];
	int64_t		 large_area;	/* missing: m² */
	int64_t		 large_height;	/* missing: cm */
	int		 each, cap;	/* events */
	const char	*name_zh;	/* into the document */
	const char	*name_en;
};

#define RK_MODEL_KEY	16	/* bytes of the model's SM3 in input hashes */
#define RK_LINE_MAX	64	/* a digest line */

struct rk_model {
	json_t		*doc;
	char		 sm3[2 * CRYPTO_SM3_LEN + 1];
	unsigned char	 key[RK_MODEL_KEY];	/* the SM3's first bytes */
	const char	*version;
	int64_t		 window_days;
	int		 score_max;
	int		 min_score[RK_GRADES];
	const char	*grade_zh[RK_GRADES];
	const char	*grade_en[RK_GRADES];
	struct rk_factor f[RK__N];
};

/* The loaded model or NULL; stays valid until the next load/unload. */
const struct rk_model	*rk_model(void);
/* Load the default model (risk_model_load(NULL)) unless one is loaded. */
int	rk_model_ensure(struct err *e);

struct rk_inputs {
	int64_t		 categories;
	int64_t		 m[RKM__N];
	int64_t		 ev[RK_EVENTS];
};

struct rk_hit {
	int		 fid;
	int64_t		 value;
	int		 points;
	int64_t		 gte;		/* bands: the band reached; else -1 */
};

struct rk_result {
	int		 score;
	int		 grade;		/* index in risk_grades */
	int		 n;
	struct rk_hit	 hit[RK__N];
	unsigned char	 hash[CRYPTO_SM3_LEN];
};

/* Score, grade and contributing factors of in under m (RISK-002..005). */
void	rk_eval(const struct rk_model *m, const struct rk_inputs *in,
	    struct rk_result *out);
/*
 * inputs_hash (RISK-006): SM3 over the first RK_MODEL_KEY bytes of the
 * model file's SM3 and the line "<categories> <height_cm> <floors_below>
 * <floor_area_m2> <occupancy> <no_sprinklers> <no_auto_alarm> <hazard>
 * <major_hazard> <penalty> <complaint_upheld> <fire> <fire_alarm>
 * <false_alarm> <device_fault>\n"; ctx is reused
 * across calls (NULL: a one-off context).
 */
void	rk_hash(const struct rk_model *m, const struct rk_inputs *in,
	    struct crypto_sm3_ctx *ctx, unsigned char out[CRYPTO_SM3_LEN]);
/* "unit_id\tscore\tgrade\n" of the recompute's digest (RISK-007). */
size_t	rk_digest_line(int64_t id, int score, int grade, char out[RK_LINE_MAX]);
/* The stored factors text: [{"id":..,"value":..,"points":..[,"gte":..]}]. */
void	rk_factors_text(const struct rk_result *r, struct buf *b);
/* Index of a grade or event kind name, or -1. */
int	rk_grade_index(const char *s);
int	rk_event_index(const char *s);

#endif
