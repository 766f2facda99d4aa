/*
 * Merkle tree hashing after RFC 9162 section 2.1: MTH (2.1.1), inclusion
 * proofs PATH (2.1.3.1) and consistency proofs PROOF/SUBPROOF (2.1.4.1),
 * and their verification by the algorithms of 2.1.3.2 and 2.1.4.2.
 * Pure: stored nodes come through the merkle_src callback, which is only
 * ever asked for complete, aligned subtrees.
 */
#include <string.h>

#include "merkle.h"

/*
 * Proof generation keeps its nodes in a local array until it is complete
 * (outputs are written only on success).  A consistency proof has at most
 * one node per level plus one, so one spare slot.
 */
#define MERKLE_TMP_MAX	(MERKLE_MAX_PATH + 1)

/* H(0x00 || d[0..n)) */
void
merkle_leaf_hash(merkle_hash_fn h, const void *d, size_t n,
    unsigned char out[MERKLE_HASH_LEN])
{
	static const unsigned char	pfx = 0x00;
	struct crypto_part		parts[2] = { { &pfx, 1 }, { d, n } };

	h(parts, 2, out);
}

/* H(0x01 || l || r); out may alias l or r. */
void
merkle_node_hash(merkle_hash_fn h, const unsigned char *l,
    const unsigned char *r, unsigned char out[MERKLE_HASH_LEN])
{
	static const unsigned char	pfx = 0x01;
	struct crypto_part		parts[3] = {
		{ &pfx, 1 }, { l, MERKLE_HASH_LEN }, { r, MERKLE_HASH_LEN },
	};
	unsigned char			tmp[MERKLE_HASH_LEN];

	h(parts, 3, tmp);
	memcpy(out, tmp, MERKLE_HASH_LEN);
}

/* The largest power of two strictly smaller than n (n >= 2; else 0). */
uint64_t
merkle_split(uint64_t n)
{
	if (n < 2)
		return 0;
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

static int
is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/*
 * MTH(D[start..end)), start < end.  A complete subtree aligned on its
 * size is one callback; anything else splits as MTH does.  Only the
 * right-hand part of a split can be incomplete, so a range starting at a
 * multiple of a power of two not smaller than its size costs O(log n)
 * callbacks; recursion depth is at most 64.
 */
static int
merkle_range_rec(const struct merkle_src *s, uint64_t start, uint64_t size,
    unsigned char out[MERKLE_HASH_LEN])
{
	unsigned char	l[MERKLE_HASH_LEN], r[MERKLE_HASH_LEN];
	uint64_t	k;
	int		rc;

	if (is_pow2(size) && start % size == 0)
		return s->subtree(s->ctx, start, size, out);
	k = merkle_split(size);
	if ((rc = merkle_range_rec(s, start, k, l)) < 0)
		return rc;
	if ((rc = merkle_range_rec(s, start + k, size - k, r)) < 0)
		return rc;
	merkle_node_hash(s->hash, l, r, out);
	return 0;
}

/*
 * MTH(D[start..end)) for 0 <= start < end: the root of the tree built
 * over those entries alone.  ERR_RANGE if start >= end; otherwise 0 or
 * the callback's error.  out is written only on success.
 */
int
merkle_range(const struct merkle_src *s, uint64_t start, uint64_t end,
    unsigned char out[MERKLE_HASH_LEN])
{
	unsigned char	tmp[MERKLE_HASH_LEN];
	int		rc;

	if (start >= end)
		return ERR_RANGE;
	if ((rc = merkle_range_rec(s, start, end - start, tmp)) < 0)
		return rc;
	memcpy(out, tmp, MERKLE_HASH_LEN);
	return 0;
}

/*
 * MTH(D[0..n)); for n = 0 the hash of the empty string (RFC 9162
 * 2.1.1).  0 or the callback's error; out is written only on success.
 */
int
merkle_root(const struct merkle_src *s, uint64_t n,
    unsigned char out[MERKLE_HASH_LEN])
{
	if (n == 0) {
		s->hash(NULL, 0, out);
		return 0;
	}
	return merkle_range(s, 0, n, out);
}

/*
 * PATH(index, D[0..n)) of RFC 9162 2.1.3.1, leaf to root.  Walking down
 * from the root, each level contributes the sibling of the subtree that
 * holds index; the RFC lists them bottom-up, so they are written in
 * reverse.  ERR_RANGE if index >= n; otherwise 0 or the callback's error.
 * path and *len are written only on success.
 */
int
merkle_inclusion_proof(const struct merkle_src *s, uint64_t index,
    uint64_t n, unsigned char path[][MERKLE_HASH_LEN], size_t *len)
{
	unsigned char	tmp[MERKLE_TMP_MAX][MERKLE_HASH_LEN];
	uint64_t	lo = 0, hi = n, k;
	size_t		cnt = 0, i;
	int		rc;

	if (index >= n)
		return ERR_RANGE;
	while (hi - lo > 1) {
		if (cnt == MERKLE_MAX_PATH)
			return ERR_RANGE;
		k = merkle_split(hi - lo);
		if (index < lo + k) {
			rc = merkle_range(s, lo + k, hi, tmp[cnt++]);
			hi = lo + k;
		} else {
			rc = merkle_range(s, lo, lo + k, tmp[cnt++]);
			lo += k;
		}
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < cnt; i++)
		memcpy(path[i], tmp[cnt - 1 - i], MERKLE_HASH_LEN);
	*len = cnt;
	return 0;
}

/*
 * PROOF(m, D[0..n)) = SUBPROOF(m, D[0..n), true) of RFC 9162 2.1.4.1;
 * empty for m = n.  Walking down, each level contributes one sibling;
 * where SUBPROOF ends with b = false it also yields MTH of the subtree
 * reached, which comes first, followed by the siblings bottom-up.
 * ERR_RANGE unless 0 < m <= n, or if the proof would exceed
 * MERKLE_MAX_PATH hashes (only possible for n > 2^63); otherwise 0 or
 * the callback's error.  path and *len are written only on success.
 */
int
merkle_consistency_proof(const struct merkle_src *s, uint64_t m,
    uint64_t n, unsigned char path[][MERKLE_HASH_LEN], size_t *len)
{
	unsigned char	sib[MERKLE_TMP_MAX][MERKLE_HASH_LEN];
	unsigned char	base[MERKLE_HASH_LEN];
	uint64_t	lo = 0, hi = n, mm = m, k;
	size_t		cnt = 0, i, o = 0;
	int		b = 1, rc;

	if (m == 0 || m > n)
		return ERR_RANGE;
	while (mm != hi - lo) {
		if (cnt == MERKLE_TMP_MAX)
			return ERR_RANGE;
		k = merkle_split(hi - lo);
		if (mm <= k) {
			rc = merkle_range(s, lo + k, hi, sib[cnt++]);
			hi = lo + k;
		} else {
			rc = merkle_range(s, lo, lo + k, sib[cnt++]);
			lo += k;
			mm -= k;
			b = 0;
		}
		if (rc < 0)
			return rc;
	}
	if (cnt + !b > MERKLE_MAX_PATH)
		return ERR_RANGE;
	if (!b && (rc = merkle_range(s, lo, hi, base)) < 0)
		return rc;
	if (!b)
		memcpy(path[o++], base, MERKLE_HASH_LEN);
	for (i = 0; i < cnt; i++)
		memcpy(path[o++], sib[cnt - 1 - i], MERKLE_HASH_LEN);
	*len = o;
	return 0;
}

/*
 * RFC 9162 2.1.3.2, step by step: fn tracks the position of the running
 * hash r in its level, sn the last position of that level.  0 if the
 * proof holds, ERR_CRYPTO if not (including index >= n).
 */
int
merkle_verify_inclusion(merkle_hash_fn h, uint64_t index, uint64_t n,
    const unsigned char leaf[MERKLE_HASH_LEN],
    const unsigned char path[][MERKLE_HASH_LEN], size_t len,
    const unsigned char root[MERKLE_HASH_LEN])
{
	unsigned char	r[MERKLE_HASH_LEN];
	uint64_t	fn, sn;
	size_t		i;

	/* 1. */
	if (index >= n)
		return ERR_CRYPTO;
	/* 2., 3. */
	fn = index;
	sn = n - 1;
	memcpy(r, leaf, MERKLE_HASH_LEN);
	/* 4. */
	for (i = 0; i < len; i++) {
		/* a. */
		if (sn == 0)
			return ERR_CRYPTO;
		/* b. */
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(h, path[i], r, r);
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			merkle_node_hash(h, r, path[i], r);
		/* c. */
		fn >>= 1;
		sn >>= 1;
	}
	/* 5. */
	if (sn != 0 || memcmp(r, root, MERKLE_HASH_LEN) != 0)
		return ERR_CRYPTO;
	return 0;
}

/*
 * RFC 9162 2.1.4.2, step by step, for 0 < m < n.  RFC 9162 defines
 * consistency only for m < n; for m = n (the empty proof that
 * merkle_consistency_proof() gives) the proof holds iff it is empty and
 * the roots are equal.  Step 2's prepending of root_m is done by reading
 * root_m as element 0 instead of copying the path.  0 if the proof holds,
 * ERR_CRYPTO if not (including m = 0 and m > n).
 */
int
merkle_verify_consistency(merkle_hash_fn h, uint64_t m, uint64_t n,
    const unsigned char root_m[MERKLE_HASH_LEN],
    const unsigned char root_n[MERKLE_HASH_LEN],
    const unsigned char path[][MERKLE_HASH_LEN], size_t len)
{
	unsigned char		 fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
	const unsigned char	*c;
	uint64_t		 fn, sn;
	size_t			 i, total;
	int			 pre;

	if (m == 0 || m > n)
		return ERR_CRYPTO;
	if (m == n) {
		if (len != 0 || memcmp(root_m, root_n, MERKLE_HASH_LEN) != 0)
			return ERR_CRYPTO;
		return 0;
	}
	/* 1. */
	if (len == 0)
		return ERR_CRYPTO;
	/* 2. */
	pre = is_pow2(m);
	total = len + (size_t)pre;
#define NODE(j)	(pre ? ((j) == 0 ? root_m : path[(j) - 1]) : path[(j)])
	/* 3. */
	fn = m - 1;
	sn = n - 1;
	/* 4. */
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* 5. */
	memcpy(fr, NODE(0), MERKLE_HASH_LEN);
	memcpy(sr, NODE(0), MERKLE_HASH_LEN);
	/* 6. */
	for (i = 1; i < total; i++) {
		c = NODE(i);
		/* a. */
		if (sn == 0)
			return ERR_CRYPTO;
		/* b. */
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(h, c, fr, fr);
			merkle_node_hash(h, c, sr, sr);
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			merkle_node_hash(h, sr, c, sr);
		/* c. */
		fn >>= 1;
		sn >>= 1;
	}
#undef NODE
	/* 7. */
	if (memcmp(fr, root_m, MERKLE_HASH_LEN) != 0 ||
	    memcmp(sr, root_n, MERKLE_HASH_LEN) != 0 || sn != 0)
		return ERR_CRYPTO;
	return 0;
}

/* Start an empty stream hashing with h. */
void
merkle_stream_init(struct merkle_stream *ms, merkle_hash_fn h)
{
	memset(ms, 0, sizeof(*ms));
	ms->h = h;
}

/*
 * Append one leaf hash.  stack[i] holds the complete subtree of 2^i
 * leaves when bit i of n is set; adding a leaf carries like a binary
 * increment, merging equal-sized subtrees.
 */
void
merkle_stream_add(struct merkle_stream *ms,
    const unsigned char leaf[MERKLE_HASH_LEN])
{
	unsigned char	carry[MERKLE_HASH_LEN];
	int		i = 0;

	memcpy(carry, leaf, MERKLE_HASH_LEN);
	while (i < 63 && (ms->n >> i) & 1) {
		merkle_node_hash(ms->h, ms->stack[i], carry, carry);
		i++;
	}
	memcpy(ms->stack[i], carry, MERKLE_HASH_LEN);
	ms->n++;
}

/*
 * MTH of the leaves added so far (hash of the empty string if none):
 * the complete subtrees, folded from the smallest (rightmost) up.
 */
void
merkle_stream_root(const struct merkle_stream *ms,
    unsigned char out[MERKLE_HASH_LEN])
{
	unsigned char	r[MERKLE_HASH_LEN];
	int		i, have = 0;

	if (ms->n == 0) {
		ms->h(NULL, 0, out);
		return;
	}
	for (i = 0; i < 64; i++) {
		if (((ms->n >> i) & 1) == 0)
			continue;
		if (!have)
			memcpy(r, ms->stack[i], MERKLE_HASH_LEN);
		else
			merkle_node_hash(ms->h, ms->stack[i], r, r);
		have = 1;
	}
	memcpy(out, r, MERKLE_HASH_LEN);
}
