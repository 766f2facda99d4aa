/*
 * The draw engine after firewarden-draw-v1: validation of the inputs, the
 * canonical roster and its two hashes (spec sections 1 and 2), the seed
 * (3), the selection of candidates per stratum (4) and the assignment of
 * inspectors (5).  A draw of two million candidates hashes millions of
 * short keys: they go to SM3 in batches (crypto_sm3_many), and indices
 * are uint32_t (DRAW_LIST_MAX < 2^32).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "draw.h"
#include "draw_int.h"

#define DRAW_NONE	UINT32_MAX
#define DRAW_CHUNK	65536
#define DRAW_BATCH	64	/* keys hashed together (crypto_sm3_many) */
#define DRAW_MSG_MAX	(DRAW_HASH_LEN + 2 + 2 * DRAW_NAME_MAX)

/* Why a name breaks the character rules ("Inputs" of the spec). */
enum draw_bad {
	DRAW_OK,
	DRAW_EMPTY,
	DRAW_LONG,
	DRAW_TAB,
	DRAW_NEWLINE,
	DRAW_COMMA,
	DRAW_BYTE,
};

/* A name and its index, for sorting by name. */
struct draw_skey {
	const char	*s;
	uint32_t	 i;
};

/* A candidate or an inspector with its key, ordered by (key, id). */
struct draw_kent {
	unsigned char	 key[DRAW_HASH_LEN];
	const char	*id;
	uint32_t	 i;
};

/* Open addressing from a string to an index. */
struct draw_map {
	const char	**key;
	uint32_t	 *val;
	size_t		  mask;
};

/*
 * Keys waiting to be hashed together: key(c) = SM3(seed || 0x01 || c.id)
 * and key(c, i) = SM3(seed || 0x02 || c.id || 0x00 || i.id) are millions
 * of independent short messages.
 */
struct draw_batch {
	unsigned char		 msg[DRAW_BATCH][DRAW_MSG_MAX];
	const unsigned char	*ptr[DRAW_BATCH];
	size_t			 len[DRAW_BATCH];
	unsigned char		 out[DRAW_BATCH][DRAW_HASH_LEN];
	uint32_t		 idx[DRAW_BATCH];
	size_t			 n;
};

/* SM3 over a stream of lines, fed in chunks. */
struct draw_lines {
	struct crypto_sm3_ctx	*ctx;
	size_t			 len;
	char			 buf[DRAW_CHUNK];
};

static enum draw_bad
draw_name_bad(const char *s, unsigned char *byte)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; p[i] != '\0'; i++) {
		if (i >= DRAW_NAME_MAX)
			return DRAW_LONG;
		if (p[i] >= 0x20 && p[i] <= 0x7e && p[i] != ',')
			continue;
		*byte = p[i];
		if (p[i] == '\t')
			return DRAW_TAB;
		if (p[i] == '\n')
			return DRAW_NEWLINE;
		return p[i] == ',' ? DRAW_COMMA : DRAW_BYTE;
	}
	return i == 0 ? DRAW_EMPTY : DRAW_OK;
}

/* Format a field name into f (ERR_FIELD_MAX bytes) and return f. */
static const char *
draw_field(char *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *
draw_field(char *f, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(f, ERR_FIELD_MAX, fmt, ap);
	va_end(ap);
	return f;
}

/*
 * Record a problem with the field named by fmt: e->field is the name, the
 * message starts with it.  Field names are built only here, on failure,
 * so that the loops over millions of entries never format one.
 */
static int
draw_fail(struct err *e, int code, const char *why, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
draw_fail(struct err *e, int code, const char *why, const char *fmt, ...)
{
	char	field[ERR_FIELD_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(field, sizeof(field), fmt, ap);
	va_end(ap);
	return err_set(e, code, field, "%s: %s", field, why);
}

/* Check a name against the character rules; fmt names the field. */
static int
draw_name_check(const char *s, struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
draw_name_check(const char *s, struct err *e, const char *fmt, ...)
{
	char		why[64], field[ERR_FIELD_MAX];
	unsigned char	byte = 0;
	enum draw_bad	bad;
	va_list		ap;
	int		code = ERR_INVALID;

	if (s == NULL) {
		code = ERR_MISSING;
		snprintf(why, sizeof(why), "missing");
	} else if ((bad = draw_name_bad(s, &byte)) == DRAW_OK)
		return 0;
	else if (bad == DRAW_EMPTY)
		snprintf(why, sizeof(why), "must not be empty");
	else if (bad == DRAW_LONG) {
		code = ERR_RANGE;
		snprintf(why, sizeof(why), "longer than %d bytes",
		    DRAW_NAME_MAX);
	} else if (bad == DRAW_TAB)
		snprintf(why, sizeof(why), "contains a tab");
	else if (bad == DRAW_NEWLINE)
		snprintf(why, sizeof(why), "contains a newline");
	else if (bad == DRAW_COMMA)
		snprintf(why, sizeof(why), "contains a comma");
	else
		snprintf(why, sizeof(why), "contains the byte 0x%02x (only "
		    "printable ASCII is allowed)", byte);
	va_start(ap, fmt);
	vsnprintf(field, sizeof(field), fmt, ap);
	va_end(ap);
	return err_set(e, code, field, "%s: %s", field, why);
}

/* Beacon text: present, non-empty, valid UTF-8, at most DRAW_TEXT_MAX. */
static int
draw_text_check(const char *s, const char *field, struct err *e)
{
	size_t	n;

	if (s == NULL)
		return draw_fail(e, ERR_MISSING, "missing", "%s", field);
	n = strlen(s);
	if (n == 0)
		return draw_fail(e, ERR_INVALID, "must not be empty", "%s",
		    field);
	if (n > DRAW_TEXT_MAX)
		return draw_fail(e, ERR_RANGE, "longer than 4096 bytes", "%s",
		    field);
	if (!str_utf8_valid(s, n))
		return draw_fail(e, ERR_INVALID, "must be valid UTF-8", "%s",
		    field);
	return 0;
}

static int
draw_list_check(size_t n, const char *field, struct err *e)
{
	if (n > DRAW_LIST_MAX)
		return draw_fail(e, ERR_RANGE, "more than 10000000 entries",
		    "%s", field);
	return 0;
}

/* ---------------------------------------------------------------- maps */

static uint64_t
draw_hash_str(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static void
draw_map_init(struct draw_map *m, size_t n)
{
	size_t	size = 16;

	while (size < 2 * n)
		size *= 2;
	m->key = xcalloc(size, sizeof(*m->key));
	m->val = xcalloc(size, sizeof(*m->val));
	m->mask = size - 1;
}

static void
draw_map_free(struct draw_map *m)
{
	free(m->key);
	free(m->val);
	m->key = NULL;
	m->val = NULL;
}

static uint32_t
draw_map_get(const struct draw_map *m, const char *s)
{
	size_t	i = (size_t)draw_hash_str(s) & m->mask;

	for (; m->key[i] != NULL; i = (i + 1) & m->mask)
		if (strcmp(m->key[i], s) == 0)
			return m->val[i];
	return DRAW_NONE;
}

/* The value of s if present (v is not stored), else store v: DRAW_NONE. */
static uint32_t
draw_map_put(struct draw_map *m, const char *s, uint32_t v)
{
	size_t	i = (size_t)draw_hash_str(s) & m->mask;

	for (; m->key[i] != NULL; i = (i + 1) & m->mask)
		if (strcmp(m->key[i], s) == 0)
			return m->val[i];
	m->key[i] = s;
	m->val[i] = v;
	return DRAW_NONE;
}

/* -------------------------------------------------------------- sorting */

/* Bytewise, as the spec orders ids; ties by position (stable). */
static int
draw_skey_cmp(const void *a, const void *b)
{
	const struct draw_skey	*x = a, *y = b;
	int			 c = strcmp(x->s, y->s);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* A name's 8 bytes after the common prefix, big-endian, zero-padded. */
struct draw_rkey {
	uint64_t	key;
	uint32_t	i;
};

/*
 * Sort many names: LSD radix on the 8 bytes that follow the prefix all
 * names share (ids of one city share "91441900"), then strcmp within runs
 * of equal radix keys.  Zero padding sorts a name that ends before the
 * others' bytes first, as bytewise order does.
 */
static void
draw_skey_radix(struct draw_skey *k, size_t n)
{
	struct draw_rkey	*a, *b, *t;
	struct draw_skey	*out;
	size_t			 lcp, i, j, cnt[256], sum;
	int			 pass, shift;

	lcp = strlen(k[0].s);
	for (i = 1; i < n && lcp > 0; i++)
		for (j = 0; j < lcp; j++)
			if (k[i].s[j] != k[0].s[j]) {
				lcp = j;
				break;
			}
	a = xmalloc(n * sizeof(*a));
	b = xmalloc(n * sizeof(*b));
	for (i = 0; i < n; i++) {
		const unsigned char	*p;
		uint64_t		 v = 0;

		p = (const unsigned char *)k[i].s + lcp;
		for (j = 0; j < 8; j++) {
			v = v << 8 | p[0];
			if (p[0] != '\0')
				p++;
		}
		a[i].key = v;
		a[i].i = (uint32_t)i;
	}
	for (pass = 0; pass < 8; pass++) {
		shift = 8 * pass;
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[a[i].key >> shift & 0xff]++;
		if (cnt[a[0].key >> shift & 0xff] == n)
			continue;	/* the same byte everywhere */
		for (i = 0, sum = 0; i < 256; i++) {
			j = cnt[i];
			cnt[i] = sum;
			sum += j;
		}
		for (i = 0; i < n; i++)
			b[cnt[a[i].key >> shift & 0xff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	out = xmalloc(n * sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = k[a[i].i];
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && a[j].key == a[i].key; j++)
			;
		if (j - i > 1)
			qsort(out + i, j - i, sizeof(*out), draw_skey_cmp);
	}
	memcpy(k, out, n * sizeof(*k));
	free(out);
	free(a);
	free(b);
}

/*
 * Sort k[0..n) by name (strcmp compares bytes as unsigned char, the
 * spec's bytewise order), ties by position.  Rosters often arrive sorted
 * already: a linear check saves the sort.
 */
static void
draw_skey_sort(struct draw_skey *k, size_t n)
{
	size_t	i;

	for (i = 1; i < n; i++)
		if (draw_skey_cmp(&k[i - 1], &k[i]) > 0)
			break;
	if (i == n)
		return;
	if (n < 4096)
		qsort(k, n, sizeof(*k), draw_skey_cmp);
	else
		draw_skey_radix(k, n);
}

/*
 * After draw_skey_sort: the first position in input order whose name
 * repeats an earlier one, or DRAW_NONE if the names are unique.  (Equal
 * names are sorted by position, so the later of each adjacent equal pair
 * is a repeat.)
 */
static uint32_t
draw_skey_dup(const struct draw_skey *k, size_t n)
{
	uint32_t	best = DRAW_NONE;
	size_t		i;

	for (i = 1; i < n; i++)
		if (strcmp(k[i - 1].s, k[i].s) == 0 &&
		    (best == DRAW_NONE || k[i].i < best))
			best = k[i].i;
	return best;
}

/*
 * The index of the entry whose id is s, given the entries in order of id;
 * or DRAW_NONE.  id must be the first member of the entries' struct
 * (draw_candidate, draw_inspector), of size stride.
 */
static uint32_t
draw_find_id(const void *base, size_t stride, const uint32_t *order,
    size_t n, const char *s)
{
	const char	*id;
	size_t		 lo = 0, hi = n, mid;
	int		 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		memcpy(&id, (const char *)base + stride * order[mid],
		    sizeof(id));
		if ((c = strcmp(id, s)) == 0)
			return order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return DRAW_NONE;
}

/* A conflict with its two ids, for sorting into X line order. */
struct draw_xkey {
	const char		*insp;
	const char		*cand;
	struct draw_pair	 p;
};

/*
 * The order of X lines.  The ids contain no tab and every other allowed
 * byte is above the tab, so comparing "X\t<i>\t<c>\n" bytewise is the
 * same as comparing the inspector ids, then the candidate ids.
 */
static int
draw_xkey_cmp(const void *a, const void *b)
{
	const struct draw_xkey	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->insp, y->insp)) != 0)
		return c;
	if ((c = strcmp(x->cand, y->cand)) != 0)
		return c;
	return x->p.idx < y->p.idx ? -1 : x->p.idx > y->p.idx;
}

/* By candidate index, for the per-candidate lookup of section 5. */
static int
draw_pair_cand_cmp(const void *a, const void *b)
{
	const struct draw_pair	*x = a, *y = b;

	if (x->cand != y->cand)
		return x->cand < y->cand ? -1 : 1;
	return x->insp < y->insp ? -1 : x->insp > y->insp;
}

/* (key, id) ascending: the order of spec sections 4 and 5. */
static int
draw_kent_cmp(const void *a, const void *b)
{
	const struct draw_kent	*x = a, *y = b;
	int			 c = memcmp(x->key, y->key, DRAW_HASH_LEN);

	return c != 0 ? c : strcmp(x->id, y->id);
}

/* --------------------------------------------------------- validation */

static void
draw_canon_free(struct draw_canon *k)
{
	if (k == NULL)
		return;
	free(k->cand);
	free(k->cand_quota);
	free(k->quota);
	free(k->quota_size);
	free(k->insp);
	free(k->area_first);
	free(k->area);
	free(k->pair);
	free(k);
}

static int
draw_check_head(const struct draw_input *in, struct err *e)
{
	size_t	i;
	int	rc;

	if ((rc = draw_name_check(in->plan_id, e, "plan_id")) < 0)
		return rc;
	if ((rc = draw_text_check(in->beacon.source, "beacon.source", e)) < 0 ||
	    (rc = draw_text_check(in->beacon.round, "beacon.round", e)) < 0)
		return rc;
	/* The value exists only after the commit (spec section 2). */
	if (in->beacon.value != NULL &&
	    (rc = draw_text_check(in->beacon.value, "beacon.value", e)) < 0)
		return rc;
	if (in->max_load < 1)
		return draw_fail(e, ERR_RANGE, "must be 1 or more", "max_load");
	if (in->nteam == 0)
		return draw_fail(e, ERR_MISSING, "must name at least one "
		    "department", "team");
	if ((rc = draw_list_check(in->nteam, "team", e)) < 0)
		return rc;
	for (i = 0; i < in->nteam; i++) {
		if ((rc = draw_name_check(in->team[i].department, e,
		    "team[%zu].department", i)) < 0)
			return rc;
		if (in->team[i].count < 1)
			return draw_fail(e, ERR_RANGE, "must be 1 or more",
			    "team[%zu].count", i);
	}
	if (in->withheld && (in->roster_hash == NULL ||
	    strlen(in->roster_hash) != DRAW_HEX_LEN ||
	    strspn(in->roster_hash, "0123456789abcdef") != DRAW_HEX_LEN))
		return draw_fail(e, ERR_INVALID, "must be 64 lowercase hex "
		    "digits", "roster_hash");
	return 0;
}

/* Quotas and candidates: names, duplicates, a quota for every stratum. */
static int
draw_check_candidates(const struct draw_input *in, struct draw_canon *k,
    struct err *e)
{
	struct draw_map		 strata;
	struct draw_skey	*sk = NULL;
	char			 f[ERR_FIELD_MAX];
	uint32_t		 q, dup;
	size_t			 i;
	int			 rc;

	memset(&strata, 0, sizeof(strata));
	if ((rc = draw_list_check(in->nquotas, "quotas", e)) < 0 ||
	    (rc = draw_list_check(in->ncandidates, "candidates", e)) < 0)
		return rc;
	draw_map_init(&strata, in->nquotas);
	for (i = 0; i < in->nquotas; i++) {
		if ((rc = draw_name_check(in->quotas[i].stratum, e,
		    "quotas[%zu].stratum", i)) < 0)
			goto out;
		if (in->quotas[i].count < 0) {
			rc = draw_fail(e, ERR_RANGE, "must be 0 or more",
			    "quotas[%zu].count", i);
			goto out;
		}
		if (draw_map_put(&strata, in->quotas[i].stratum,
		    (uint32_t)i) != DRAW_NONE) {
			rc = err_set(e, ERR_INVALID, draw_field(f,
			    "quotas[%zu].stratum", i), "%s: a second quota for "
			    "stratum \"%.64s\"", f, in->quotas[i].stratum);
			goto out;
		}
	}
	if (in->ncandidates == 0) {
		rc = draw_fail(e, ERR_MISSING, "must not be empty",
		    "candidates");
		goto out;
	}
	k->cand_quota = xmalloc(in->ncandidates * sizeof(*k->cand_quota));
	k->quota_size = xcalloc(in->nquotas ? in->nquotas : 1,
	    sizeof(*k->quota_size));
	for (i = 0; i < in->ncandidates; i++) {
		const struct draw_candidate	*c = &in->candidates[i];

		if ((rc = draw_name_check(c->id, e, "candidates[%zu].id",
		    i)) < 0 ||
		    (rc = draw_name_check(c->stratum, e,
		    "candidates[%zu].stratum", i)) < 0 ||
		    (rc = draw_name_check(c->area, e, "candidates[%zu].area",
		    i)) < 0)
			goto out;
		if ((q = draw_map_get(&strata, c->stratum)) == DRAW_NONE) {
			rc = err_set(e, ERR_INVALID, draw_field(f,
			    "candidates[%zu].stratum", i), "%s: no quota for "
			    "stratum \"%.64s\"", f, c->stratum);
			goto out;
		}
		k->cand_quota[i] = q;
		k->quota_size[q]++;
	}
	/* A quota the ratio rules made for no candidate means a roster lost. */
	for (i = 0; i < in->nquotas; i++)
		if (k->quota_size[i] == 0) {
			rc = err_set(e, ERR_INVALID, draw_field(f,
			    "quotas[%zu].stratum", i), "%s: no candidate has "
			    "stratum \"%.64s\"", f, in->quotas[i].stratum);
			goto out;
		}
	sk = xmalloc(in->ncandidates * sizeof(*sk));
	for (i = 0; i < in->ncandidates; i++) {
		sk[i].s = in->candidates[i].id;
		sk[i].i = (uint32_t)i;
	}
	draw_skey_sort(sk, in->ncandidates);
	if ((dup = draw_skey_dup(sk, in->ncandidates)) != DRAW_NONE) {
		rc = err_set(e, ERR_INVALID, draw_field(f, "candidates[%u].id",
		    (unsigned)dup), "%s: duplicate candidate id \"%.64s\"", f,
		    in->candidates[dup].id);
		goto out;
	}
	k->cand = xmalloc(in->ncandidates * sizeof(*k->cand));
	for (i = 0; i < in->ncandidates; i++)
		k->cand[i] = sk[i].i;
	rc = 0;
out:
	free(sk);
	draw_map_free(&strata);
	return rc;
}

/* The order of quotas in a bundle: by stratum. */
static void
draw_order_quotas(const struct draw_input *in, struct draw_canon *k)
{
	struct draw_skey	*sk;
	size_t			 i;

	sk = xmalloc((in->nquotas ? in->nquotas : 1) * sizeof(*sk));
	for (i = 0; i < in->nquotas; i++) {
		sk[i].s = in->quotas[i].stratum;
		sk[i].i = (uint32_t)i;
	}
	draw_skey_sort(sk, in->nquotas);
	k->quota = xmalloc((in->nquotas ? in->nquotas : 1) *
	    sizeof(*k->quota));
	for (i = 0; i < in->nquotas; i++)
		k->quota[i] = sk[i].i;
	free(sk);
}

/* Inspectors: names, areas (a set), duplicate ids; sorted orders. */
static int
draw_check_inspectors(const struct draw_input *in, struct draw_canon *k,
    struct err *e)
{
	struct draw_skey	*sk = NULL, *ak = NULL;
	char			 f[ERR_FIELD_MAX];
	size_t			 i, j, total = 0, maxa = 0;
	uint32_t		 dup;
	int			 rc;

	if ((rc = draw_list_check(in->ninspectors, "inspectors", e)) < 0)
		return rc;
	for (i = 0; i < in->ninspectors; i++) {
		const struct draw_inspector	*p = &in->inspectors[i];

		if ((rc = draw_name_check(p->id, e, "inspectors[%zu].id",
		    i)) < 0 ||
		    (rc = draw_name_check(p->department, e,
		    "inspectors[%zu].department", i)) < 0)
			return rc;
		if (p->nareas > DRAW_LIST_MAX)
			return draw_fail(e, ERR_RANGE, "more than 10000000 "
			    "entries", "inspectors[%zu].areas", i);
		for (j = 0; j < p->nareas; j++)
			if ((rc = draw_name_check(p->areas[j], e,
			    "inspectors[%zu].areas[%zu]", i, j)) < 0)
				return rc;
		total += p->nareas;
		if (p->nareas > maxa)
			maxa = p->nareas;
	}
	k->area_first = xmalloc((in->ninspectors + 1) * sizeof(*k->area_first));
	k->area = xmalloc((total ? total : 1) * sizeof(*k->area));
	ak = xmalloc((maxa ? maxa : 1) * sizeof(*ak));
	total = 0;
	for (i = 0; i < in->ninspectors; i++) {
		const struct draw_inspector	*p = &in->inspectors[i];

		k->area_first[i] = total;
		for (j = 0; j < p->nareas; j++) {
			ak[j].s = p->areas[j];
			ak[j].i = (uint32_t)j;
		}
		draw_skey_sort(ak, p->nareas);
		if ((dup = draw_skey_dup(ak, p->nareas)) != DRAW_NONE) {
			rc = err_set(e, ERR_INVALID, draw_field(f,
			    "inspectors[%zu].areas[%u]", i, (unsigned)dup),
			    "%s: area \"%.64s\" listed twice", f,
			    p->areas[dup]);
			goto out;
		}
		for (j = 0; j < p->nareas; j++)
			k->area[total++] = ak[j].i;
	}
	k->area_first[in->ninspectors] = total;
	sk = xmalloc((in->ninspectors ? in->ninspectors : 1) * sizeof(*sk));
	for (i = 0; i < in->ninspectors; i++) {
		sk[i].s = in->inspectors[i].id;
		sk[i].i = (uint32_t)i;
	}
	draw_skey_sort(sk, in->ninspectors);
	if ((dup = draw_skey_dup(sk, in->ninspectors)) != DRAW_NONE) {
		rc = err_set(e, ERR_INVALID, draw_field(f, "inspectors[%u].id",
		    (unsigned)dup), "%s: duplicate inspector id \"%.64s\"", f,
		    in->inspectors[dup].id);
		goto out;
	}
	k->insp = xmalloc((in->ninspectors ? in->ninspectors : 1) *
	    sizeof(*k->insp));
	for (i = 0; i < in->ninspectors; i++)
		k->insp[i] = sk[i].i;
	rc = 0;
out:
	free(ak);
	free(sk);
	return rc;
}

/* Conflicts: names, both ends in the roster, no pair twice; X order. */
static int
draw_check_conflicts(const struct draw_input *in, struct draw_canon *k,
    struct err *e)
{
	struct draw_xkey	*xk = NULL;
	char			 f[ERR_FIELD_MAX];
	size_t			 i;
	int			 rc;

	if ((rc = draw_list_check(in->nconflicts, "conflicts", e)) < 0)
		return rc;
	xk = xmalloc((in->nconflicts ? in->nconflicts : 1) * sizeof(*xk));
	for (i = 0; i < in->nconflicts; i++) {
		const struct draw_conflict	*x = &in->conflicts[i];
		struct draw_xkey		*p = &xk[i];

		if ((rc = draw_name_check(x->inspector, e,
		    "conflicts[%zu].inspector", i)) < 0 ||
		    (rc = draw_name_check(x->candidate, e,
		    "conflicts[%zu].candidate", i)) < 0)
			goto out;
		/* A conflict naming nobody would protect nobody: a typo. */
		p->p.insp = draw_find_id(in->inspectors,
		    sizeof(*in->inspectors), k->insp, in->ninspectors,
		    x->inspector);
		if (p->p.insp == DRAW_NONE) {
			rc = err_set(e, ERR_INVALID, draw_field(f,
			    "conflicts[%zu].inspector", i), "%s: no inspector "
			    "\"%.64s\" in the roster", f, x->inspector);
			goto out;
		}
		p->p.cand = draw_find_id(in->candidates,
		    sizeof(*in->candidates), k->cand, in->ncandidates,
		    x->candidate);
		if (p->p.cand == DRAW_NONE) {
			rc = err_set(e, ERR_INVALID, draw_field(f,
			    "conflicts[%zu].candidate", i), "%s: no candidate "
			    "\"%.64s\" in the roster", f, x->candidate);
			goto out;
		}
		p->p.idx = (uint32_t)i;
		p->insp = x->inspector;
		p->cand = x->candidate;
	}
	qsort(xk, in->nconflicts, sizeof(*xk), draw_xkey_cmp);
	for (i = 1; i < in->nconflicts; i++)
		if (xk[i].p.insp == xk[i - 1].p.insp &&
		    xk[i].p.cand == xk[i - 1].p.cand) {
			rc = err_set(e, ERR_INVALID, draw_field(f,
			    "conflicts[%u]", (unsigned)xk[i].p.idx),
			    "%s: the same conflict twice (\"%.64s\", "
			    "\"%.64s\")", f, xk[i].insp, xk[i].cand);
			goto out;
		}
	k->pair = xmalloc((in->nconflicts ? in->nconflicts : 1) *
	    sizeof(*k->pair));
	for (i = 0; i < in->nconflicts; i++)
		k->pair[i] = xk[i].p;
	k->npair = in->nconflicts;
	rc = 0;
out:
	free(xk);
	return rc;
}

/* All checks; on success *out holds the canonical orders. */
static int
draw_canon_build(const struct draw_input *in, struct draw_canon **out,
    struct err *e)
{
	struct draw_canon	*k = xcalloc(1, sizeof(*k));
	int			 rc;

	if ((rc = draw_check_head(in, e)) < 0)
		goto out;
	if ((rc = draw_check_candidates(in, k, e)) < 0)
		goto out;
	draw_order_quotas(in, k);
	if (!in->withheld) {
		if ((rc = draw_check_inspectors(in, k, e)) < 0)
			goto out;
		if ((rc = draw_check_conflicts(in, k, e)) < 0)
			goto out;
	}
	*out = k;
	k = NULL;
	rc = 0;
out:
	draw_canon_free(k);
	return rc;
}

int
draw_validate(const struct draw_input *in, struct err *e)
{
	struct draw_canon	*k = NULL;
	int			 rc;

	rc = draw_canon_build(in, &k, e);
	draw_canon_free(k);
	return rc;
}

/* ------------------------------------------------------------ the commit */

static void
draw_lines_flush(struct draw_lines *h)
{
	crypto_sm3_ctx_update(h->ctx, h->buf, h->len);
	h->len = 0;
}

static void
draw_lines_add(struct draw_lines *h, const char *s, size_t n)
{
	if (h->len + n > sizeof(h->buf))
		draw_lines_flush(h);
	memcpy(h->buf + h->len, s, n);
	h->len += n;
}

static void
draw_lines_adds(struct draw_lines *h, const char *s)
{
	draw_lines_add(h, s, strlen(s));
}

/*
 * Spec section 1.  The roster begins with the C lines, so the state after
 * them, finished on a copy, gives candidates_hash: the lines are hashed
 * once for both.
 */
static void
draw_hash_roster(const struct draw_input *in, const struct draw_canon *k,
    struct draw_commit *c)
{
	struct draw_lines	*h = xmalloc(sizeof(*h));
	struct crypto_sm3_ctx	*cands;
	unsigned char		 md[DRAW_HASH_LEN];
	size_t			 i, j;

	h->ctx = crypto_sm3_ctx_new();
	h->len = 0;
	for (i = 0; i < in->ncandidates; i++) {
		const struct draw_candidate	*p;

		p = &in->candidates[k->cand[i]];
		draw_lines_add(h, "C\t", 2);
		draw_lines_adds(h, p->id);
		draw_lines_add(h, "\t", 1);
		draw_lines_adds(h, p->stratum);
		draw_lines_add(h, "\t", 1);
		draw_lines_adds(h, p->area);
		draw_lines_add(h, "\n", 1);
	}
	draw_lines_flush(h);
	cands = crypto_sm3_ctx_new();
	crypto_sm3_ctx_copy(cands, h->ctx);
	crypto_sm3_ctx_final(cands, md);
	crypto_sm3_ctx_free(cands);
	str_hex(md, sizeof(md), c->candidates_hash);
	if (in->withheld) {
		memcpy(c->roster_hash, in->roster_hash, DRAW_HEX_LEN + 1);
		goto out;
	}
	for (i = 0; i < in->ninspectors; i++) {
		uint32_t			 ix = k->insp[i];
		const struct draw_inspector	*p = &in->inspectors[ix];

		draw_lines_add(h, "I\t", 2);
		draw_lines_adds(h, p->id);
		draw_lines_add(h, "\t", 1);
		draw_lines_adds(h, p->department);
		draw_lines_add(h, "\t", 1);
		for (j = k->area_first[ix]; j < k->area_first[ix + 1]; j++) {
			if (j > k->area_first[ix])
				draw_lines_add(h, ",", 1);
			draw_lines_adds(h, p->areas[k->area[j]]);
		}
		draw_lines_add(h, "\n", 1);
	}
	for (i = 0; i < k->npair; i++) {
		draw_lines_add(h, "X\t", 2);
		draw_lines_adds(h, in->inspectors[k->pair[i].insp].id);
		draw_lines_add(h, "\t", 1);
		draw_lines_adds(h, in->candidates[k->pair[i].cand].id);
		draw_lines_add(h, "\n", 1);
	}
	draw_lines_flush(h);
	crypto_sm3_ctx_final(h->ctx, md);
	str_hex(md, sizeof(md), c->roster_hash);
out:
	crypto_sm3_ctx_free(h->ctx);
	free(h);
}

int
draw_commit(const struct draw_input *in, struct draw_commit **out,
    struct err *e)
{
	struct draw_commit	*c = xcalloc(1, sizeof(*c));
	int			 rc;

	if ((rc = draw_canon_build(in, &c->canon, e)) < 0)
		goto out;
	c->withheld = in->withheld;
	draw_hash_roster(in, c->canon, c);
	*out = c;
	c = NULL;
out:
	draw_commit_free(c);
	return rc;
}

void
draw_commit_free(struct draw_commit *c)
{
	if (c == NULL)
		return;
	draw_canon_free(c->canon);
	free(c);
}

/* -------------------------------------------------------------- the draw */

void
draw_seed(const char *plan_id, const char *roster_hash_hex,
    const char *beacon_value, unsigned char seed[DRAW_HASH_LEN])
{
	static const unsigned char	 zero = 0x00;
	struct crypto_part		 parts[7] = {
		{ DRAW_VERSION, sizeof(DRAW_VERSION) - 1 },
		{ &zero, 1 },
		{ plan_id, strlen(plan_id) },
		{ &zero, 1 },
		{ roster_hash_hex, strlen(roster_hash_hex) },
		{ &zero, 1 },
		{ beacon_value, strlen(beacon_value) },
	};

	crypto_sm3_parts(parts, 7, seed);
}

/* Max-heap on (key, id): the root is the largest of the kept keys. */
static void
draw_heap_push(struct draw_kent *h, size_t n, const struct draw_kent *x)
{
	size_t	i = n, up;

	while (i > 0) {
		up = (i - 1) / 2;
		if (draw_kent_cmp(&h[up], x) >= 0)
			break;
		h[i] = h[up];
		i = up;
	}
	h[i] = *x;
}

static void
draw_heap_replace_top(struct draw_kent *h, size_t n, const struct draw_kent *x)
{
	size_t	i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && draw_kent_cmp(&h[c + 1], &h[c]) > 0)
			c++;
		if (draw_kent_cmp(&h[c], x) <= 0)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = *x;
}

static struct draw_batch *
draw_batch_new(void)
{
	struct draw_batch	*bt = xmalloc(sizeof(*bt));
	size_t			 i;

	for (i = 0; i < DRAW_BATCH; i++)
		bt->ptr[i] = bt->msg[i];
	bt->n = 0;
	return bt;
}

/* Add prefix[0..np) || name to the batch for entry idx. */
static void
draw_batch_add(struct draw_batch *bt, const unsigned char *prefix, size_t np,
    const char *name, uint32_t idx)
{
	size_t	n = strlen(name);

	memcpy(bt->msg[bt->n], prefix, np);
	memcpy(bt->msg[bt->n] + np, name, n);
	bt->len[bt->n] = np + n;
	bt->idx[bt->n++] = idx;
}

static void
draw_batch_hash(struct draw_batch *bt)
{
	crypto_sm3_many(bt->ptr, bt->len, bt->n, bt->out);
}

/* Offer the batch's candidates to their strata's heaps; empty it. */
static void
draw_select_flush(const struct draw_input *in, const struct draw_canon *k,
    struct draw_batch *bt, struct draw_kent *heap, const size_t *base,
    size_t *fill, const size_t *cap)
{
	struct draw_kent	x;
	size_t			j, q;

	draw_batch_hash(bt);
	for (j = 0; j < bt->n; j++) {
		x.i = bt->idx[j];
		x.id = in->candidates[x.i].id;
		memcpy(x.key, bt->out[j], DRAW_HASH_LEN);
		q = k->cand_quota[x.i];
		if (fill[q] < cap[q])
			draw_heap_push(heap + base[q], fill[q]++, &x);
		else if (draw_kent_cmp(&x, &heap[base[q]]) < 0)
			draw_heap_replace_top(heap + base[q], fill[q], &x);
	}
	bt->n = 0;
}

/*
 * Spec section 4.  Each stratum keeps a bounded max-heap of its count
 * smallest (key, id), so a stratum costs one comparison per candidate
 * once its heap is full.  The kept entries of all strata, sorted by
 * (key, id), are the assignment order of section 5.
 */
static void
draw_select(const struct draw_input *in, const struct draw_commit *c,
    struct draw_batch *bt, struct draw_result *r)
{
	const struct draw_canon	*k = c->canon;
	struct draw_kent	*heap;
	size_t			*base, *fill, *cap, total = 0, i, q;
	unsigned char		 prefix[DRAW_HASH_LEN + 1];

	base = xcalloc(in->nquotas, sizeof(*base));
	fill = xcalloc(in->nquotas, sizeof(*fill));
	cap = xcalloc(in->nquotas, sizeof(*cap));
	for (q = 0; q < in->nquotas; q++) {
		cap[q] = (uint64_t)in->quotas[q].count < k->quota_size[q] ?
		    (size_t)in->quotas[q].count : k->quota_size[q];
		base[q] = total;
		total += cap[q];
	}
	heap = xmalloc((total ? total : 1) * sizeof(*heap));
	memcpy(prefix, r->seed, DRAW_HASH_LEN);
	prefix[DRAW_HASH_LEN] = 0x01;
	for (i = 0; i < in->ncandidates; i++) {
		if (cap[k->cand_quota[i]] == 0)
			continue;
		draw_batch_add(bt, prefix, sizeof(prefix),
		    in->candidates[i].id, (uint32_t)i);
		if (bt->n == DRAW_BATCH)
			draw_select_flush(in, k, bt, heap, base, fill, cap);
	}
	draw_select_flush(in, k, bt, heap, base, fill, cap);
	qsort(heap, total, sizeof(*heap), draw_kent_cmp);
	r->picks = xcalloc(total ? total : 1, sizeof(*r->picks));
	r->npicks = total;
	for (i = 0; i < total; i++) {
		r->picks[i].candidate = heap[i].i;
		memcpy(r->picks[i].key, heap[i].key, DRAW_HASH_LEN);
	}
	free(heap);
	free(base);
	free(fill);
	free(cap);
}

/* The inspectors of the team's departments in each area, as pools. */
struct draw_pools {
	uint32_t	*dslot;		/* per team row: its department */
	size_t		 ndept;
	struct draw_map	 areas;		/* area -> area index */
	size_t		 narea;
	size_t		*start;		/* pool p = dept * narea + area */
	size_t		*len;		/* shrinks as inspectors fill up */
	uint32_t	*member;
};

static void
draw_pools_build(const struct draw_input *in, const struct draw_commit *c,
    struct draw_pools *P)
{
	const struct draw_canon	*k = c->canon;
	const char		**dname;
	uint32_t		 *idept, a;
	size_t			  i, j, d, np, total = 0;

	P->dslot = xmalloc(in->nteam * sizeof(*P->dslot));
	dname = xmalloc(in->nteam * sizeof(*dname));
	P->ndept = 0;
	for (i = 0; i < in->nteam; i++) {
		for (d = 0; d < P->ndept; d++)
			if (strcmp(dname[d], in->team[i].department) == 0)
				break;
		if (d == P->ndept)
			dname[P->ndept++] = in->team[i].department;
		P->dslot[i] = (uint32_t)d;
	}
	/* Per inspector: its department's slot, or DRAW_NONE if off-team. */
	idept = xmalloc((in->ninspectors ? in->ninspectors : 1) *
	    sizeof(*idept));
	for (i = 0; i < in->ninspectors; i++) {
		idept[i] = DRAW_NONE;
		for (d = 0; d < P->ndept; d++)
			if (strcmp(dname[d], in->inspectors[i].department) == 0)
				idept[i] = (uint32_t)d;
		if (idept[i] != DRAW_NONE)
			total += k->area_first[i + 1] - k->area_first[i];
	}
	draw_map_init(&P->areas, total);
	P->narea = 0;
	for (i = 0; i < in->ninspectors; i++) {
		if (idept[i] == DRAW_NONE)
			continue;
		for (j = 0; j < in->inspectors[i].nareas; j++)
			if (draw_map_put(&P->areas, in->inspectors[i].areas[j],
			    (uint32_t)P->narea) == DRAW_NONE)
				P->narea++;
	}
	np = P->ndept * P->narea;
	P->start = xcalloc(np + 1, sizeof(*P->start));
	P->len = xcalloc(np + 1, sizeof(*P->len));
	P->member = xmalloc((total ? total : 1) * sizeof(*P->member));
	for (i = 0; i < in->ninspectors; i++) {
		if (idept[i] == DRAW_NONE)
			continue;
		for (j = 0; j < in->inspectors[i].nareas; j++) {
			a = draw_map_get(&P->areas, in->inspectors[i].areas[j]);
			P->start[idept[i] * P->narea + a + 1]++;
		}
	}
	for (i = 0; i < np; i++)
		P->start[i + 1] += P->start[i];
	for (i = 0; i < in->ninspectors; i++) {
		if (idept[i] == DRAW_NONE)
			continue;
		for (j = 0; j < in->inspectors[i].nareas; j++) {
			a = draw_map_get(&P->areas, in->inspectors[i].areas[j]);
			d = idept[i] * P->narea + a;
			P->member[P->start[d] + P->len[d]++] = (uint32_t)i;
		}
	}
	free(idept);
	free(dname);
}

static void
draw_pools_free(struct draw_pools *P)
{
	free(P->dslot);
	draw_map_free(&P->areas);
	free(P->start);
	free(P->len);
	free(P->member);
}

/* Insert x into best[0..*n), sorted by (key, id), keeping at most k. */
static void
draw_best_add(struct draw_kent *best, size_t *n, size_t k,
    const struct draw_kent *x)
{
	size_t	i = *n;

	if (i == k) {
		if (draw_kent_cmp(x, &best[k - 1]) >= 0)
			return;
		i = k - 1;
	} else
		(*n)++;
	while (i > 0 && draw_kent_cmp(x, &best[i - 1]) < 0) {
		best[i] = best[i - 1];
		i--;
	}
	best[i] = *x;
}

/* Hash the batch's inspectors and keep the need best; empty it. */
static void
draw_assign_flush(const struct draw_input *in, struct draw_batch *bt,
    struct draw_kent *best, size_t *nb, size_t need)
{
	struct draw_kent	x;
	size_t			j;

	draw_batch_hash(bt);
	for (j = 0; j < bt->n; j++) {
		x.i = bt->idx[j];
		x.id = in->inspectors[x.i].id;
		memcpy(x.key, bt->out[j], DRAW_HASH_LEN);
		draw_best_add(best, nb, need, &x);
	}
	bt->n = 0;
}

/*
 * Spec section 5.  Loads are checked against their values before the
 * candidate and change only when every team row is filled: an
 * unassignable candidate gets nobody and changes nobody's load.  An
 * inspector at max_load leaves the pools for good, so later candidates
 * do not hash them again.
 */
static void
draw_assign(const struct draw_input *in, const struct draw_commit *c,
    struct draw_batch *bt, struct draw_result *r)
{
	const struct draw_canon	*k = c->canon;
	struct draw_pools	 P;
	struct draw_pair	*bycand;
	struct draw_kent	*best;
	uint32_t		*load, *conf_mark, *pick_mark, a, ii, tick;
	uint32_t		*chosen, *mem;
	size_t			 maxk = 0, nchosen, cap = 0, t, j, p, lo, hi,
				 mid, nb, cl, pool, need;
	unsigned char		 prefix[DRAW_HASH_LEN + 2 + DRAW_NAME_MAX];
	int			 ok;

	draw_pools_build(in, c, &P);
	/* A row needs at most every inspector; more is never filled. */
	for (t = 0; t < in->nteam; t++)
		if ((uint64_t)in->team[t].count > maxk)
			maxk = (uint64_t)in->team[t].count > in->ninspectors ?
			    in->ninspectors : (size_t)in->team[t].count;
	best = xmalloc((maxk + 1) * sizeof(*best));
	chosen = xmalloc((in->ninspectors + 1) * sizeof(*chosen));
	load = xcalloc(in->ninspectors + 1, sizeof(*load));
	conf_mark = xcalloc(in->ninspectors + 1, sizeof(*conf_mark));
	pick_mark = xcalloc(in->ninspectors + 1, sizeof(*pick_mark));
	bycand = xmalloc((k->npair ? k->npair : 1) * sizeof(*bycand));
	/* Conflicts by candidate index, for a range lookup per pick. */
	for (j = 0; j < k->npair; j++)
		bycand[j] = k->pair[j];
	qsort(bycand, k->npair, sizeof(*bycand), draw_pair_cand_cmp);
	memcpy(prefix, r->seed, DRAW_HASH_LEN);
	prefix[DRAW_HASH_LEN] = 0x02;
	r->inspectors = NULL;
	r->ninspectors = 0;
	for (p = 0; p < r->npicks; p++) {
		struct draw_pick		*pk = &r->picks[p];
		const struct draw_candidate	*cd;

		cd = &in->candidates[pk->candidate];
		tick = (uint32_t)p + 1;
		lo = 0;
		hi = k->npair;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (bycand[mid].cand < pk->candidate)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < k->npair && bycand[lo].cand == pk->candidate; lo++)
			conf_mark[bycand[lo].insp] = tick;
		cl = strlen(cd->id);
		memcpy(prefix + DRAW_HASH_LEN + 1, cd->id, cl);
		prefix[DRAW_HASH_LEN + 1 + cl] = 0x00;
		a = draw_map_get(&P.areas, cd->area);
		nchosen = 0;
		ok = 1;
		for (t = 0; t < in->nteam && ok; t++) {
			if (a == DRAW_NONE ||
			    (uint64_t)in->team[t].count > maxk) {
				ok = 0;
				break;
			}
			need = (size_t)in->team[t].count;
			nb = 0;
			pool = P.dslot[t] * P.narea + a;
			mem = P.member + P.start[pool];
			j = 0;
			while (j < P.len[pool]) {
				ii = mem[j];
				if (load[ii] >= (uint64_t)in->max_load) {
					/* Full for good: out of the pool. */
					mem[j] = mem[--P.len[pool]];
					continue;
				}
				j++;
				if (conf_mark[ii] == tick ||
				    pick_mark[ii] == tick)
					continue;
				draw_batch_add(bt, prefix,
				    DRAW_HASH_LEN + 2 + cl,
				    in->inspectors[ii].id, ii);
				if (bt->n == DRAW_BATCH)
					draw_assign_flush(in, bt, best, &nb,
					    need);
			}
			draw_assign_flush(in, bt, best, &nb, need);
			if (nb < need) {
				ok = 0;
				break;
			}
			for (j = 0; j < nb; j++) {
				pick_mark[best[j].i] = tick;
				chosen[nchosen++] = best[j].i;
			}
		}
		pk->first = r->ninspectors;
		if (!ok) {
			pk->unassigned = 1;
			r->nunassigned++;
			continue;
		}
		if (r->ninspectors + nchosen > cap) {
			while (r->ninspectors + nchosen > cap)
				cap = cap ? 2 * cap : 1024;
			r->inspectors = xrealloc(r->inspectors,
			    cap * sizeof(*r->inspectors));
		}
		for (j = 0; j < nchosen; j++) {
			load[chosen[j]]++;
			r->inspectors[r->ninspectors++] = chosen[j];
		}
		pk->ninspectors = nchosen;
	}
	r->assigned = 1;
	free(best);
	free(chosen);
	free(load);
	free(conf_mark);
	free(pick_mark);
	free(bycand);
	draw_pools_free(&P);
}

int
draw_run(const struct draw_input *in, const struct draw_commit *c,
    struct draw_result **out, struct err *e)
{
	struct draw_result	*r = NULL;
	struct draw_batch	*bt = NULL;
	int			 rc;

	if ((rc = draw_text_check(in->beacon.value, "beacon.value", e)) < 0)
		goto out;
	r = xcalloc(1, sizeof(*r));
	draw_seed(in->plan_id, c->roster_hash, in->beacon.value, r->seed);
	str_hex(r->seed, DRAW_HASH_LEN, r->seed_hex);
	bt = draw_batch_new();
	draw_select(in, c, bt, r);
	if (!c->withheld)
		draw_assign(in, c, bt, r);
	*out = r;
	r = NULL;
out:
	free(bt);
	draw_result_free(r);
	return rc;
}

void
draw_result_free(struct draw_result *r)
{
	if (r == NULL)
		return;
	free(r->picks);
	free(r->inspectors);
	free(r);
}
