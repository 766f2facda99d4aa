/*
 * Internals shared by the draw files (draw.c, draw_bundle.c,
 * draw_verify.c): the canonical orders a commit carries.  Indices are
 * uint32_t: every list is at most DRAW_LIST_MAX < 2^32 entries long.
 */
#ifndef FW_DRAW_INT_H
#define FW_DRAW_INT_H

#include <stddef.h>
#include <stdint.h>

#include "draw.h"

/* A conflict resolved to indices; idx is its position in in->conflicts. */
struct draw_pair {
	uint32_t	insp;
	uint32_t	cand;
	uint32_t	idx;
};

/*
 * The canonical orders of a commit: candidate indices by id, each
 * candidate's quota, quota indices by stratum, each quota's number of
 * candidates, inspector indices by id, each inspector's areas sorted (at
 * area[area_first[i] .. area_first[i + 1])), the conflicts in X-line
 * order.
 */
struct draw_canon {
	uint32_t		*cand;
	uint32_t		*cand_quota;
	uint32_t		*quota;
	size_t			*quota_size;
	uint32_t		*insp;
	size_t			*area_first;
	uint32_t		*area;
	struct draw_pair	*pair;
	size_t			 npair;
};

#endif
