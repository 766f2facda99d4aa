/*
 * Unit tests for src/domain/merkle: the Certificate Transparency
 * reference vectors (SHA-256), exhaustive proof generation and
 * verification for every tree up to 64 leaves against a naive transcription
 * of the RFC 9162 definitions, rejection of tampered proofs, the streaming
 * root builder, the same with SM3, and the callback cost of proofs in a
 * tree of a million leaves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/merkle.h"

#define HL		MERKLE_HASH_LEN
#define PATH_ROOM	(MERKLE_MAX_PATH + 2)

typedef const unsigned char	(*cpath_t)[HL];

/*
 * An in-memory tree: lv[l][i] is the hash of the complete subtree of 2^l
 * leaves starting at leaf i * 2^l, so the subtree callback is a lookup.
 * calls counts callback invocations; once calls reaches fail_after
 * (if >= 0) the callback fails with ERR_STORE.
 */
struct tree {
	merkle_hash_fn	  h;
	uint64_t	  n;
	unsigned char	(*lv[64])[HL];
	uint64_t	  calls;
	int64_t		  fail_after;
};

static int
tree_subtree(void *ctx, uint64_t start, uint64_t size, unsigned char out[HL])
{
	struct tree	*t = ctx;
	int		 l;

	/* The contract merkle.c relies on: complete, aligned, inside. */
	assert_true(size != 0 && (size & (size - 1)) == 0);
	assert_int_equal(start % size, 0);
	assert_true(start + size <= t->n);
	if (t->fail_after >= 0 && (int64_t)t->calls >= t->fail_after)
		return ERR_STORE;
	t->calls++;
	l = __builtin_ctzll(size);
	memcpy(out, t->lv[l][start >> l], HL);
	return 0;
}

/* Build the level table over the given leaf hashes. */
static void
tree_init(struct tree *t, merkle_hash_fn h, const unsigned char (*leaves)[HL],
    uint64_t n)
{
	uint64_t	cnt, i;
	int		l;

	memset(t, 0, sizeof(*t));
	t->fail_after = -1;
	t->h = h;
	t->n = n;
	t->lv[0] = xmalloc((size_t)(n ? n : 1) * HL);
	memcpy(t->lv[0], leaves, (size_t)n * HL);
	for (l = 1; l < 64 && (n >> l) > 0; l++) {
		cnt = n >> l;
		t->lv[l] = xmalloc((size_t)cnt * HL);
		for (i = 0; i < cnt; i++)
			merkle_node_hash(h, t->lv[l - 1][2 * i],
			    t->lv[l - 1][2 * i + 1], t->lv[l][i]);
	}
}

static void
tree_free(struct tree *t)
{
	int	l;

	for (l = 0; l < 64; l++)
		free(t->lv[l]);
}

static struct merkle_src
tree_src(struct tree *t)
{
	struct merkle_src	s = { t->h, t, tree_subtree };

	return s;
}

/* Leaf hashes of n leaves whose data is "leaf <i>". */
static unsigned char (*
make_leaves(merkle_hash_fn h, uint64_t n))[HL]
{
	unsigned char	(*lh)[HL];
	char		  buf[32];
	uint64_t	  i;
	int		  len;

	lh = xmalloc((size_t)(n ? n : 1) * HL);
	for (i = 0; i < n; i++) {
		len = snprintf(buf, sizeof(buf), "leaf %llu",
		    (unsigned long long)i);
		merkle_leaf_hash(h, buf, (size_t)len, lh[i]);
	}
	return lh;
}

/*
 * The reference: RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 transcribed
 * literally (recursion over leaf-hash arrays, its own split and node
 * hash), to compare merkle.c's iterative, callback-driven code against.
 */
static uint64_t
ref_split(uint64_t n)
{
	uint64_t	k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static void
ref_node(merkle_hash_fn h, const unsigned char *l, const unsigned char *r,
    unsigned char out[HL])
{
	static const unsigned char	one = 1;
	struct crypto_part		parts[3] = {
		{ &one, 1 }, { l, HL }, { r, HL },
	};

	h(parts, 3, out);
}

static void
ref_mth(merkle_hash_fn h, const unsigned char (*d)[HL], uint64_t n,
    unsigned char out[HL])
{
	unsigned char	l[HL], r[HL];
	uint64_t	k;

	if (n == 0) {
		h(NULL, 0, out);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], HL);
		return;
	}
	k = ref_split(n);
	ref_mth(h, d, k, l);
	ref_mth(h, d + k, n - k, r);
	ref_node(h, l, r, out);
}

static void
ref_path(merkle_hash_fn h, uint64_t m, const unsigned char (*d)[HL],
    uint64_t n, unsigned char (*out)[HL], size_t *len)
{
	uint64_t	k;

	if (n == 1) {
		*len = 0;
		return;
	}
	k = ref_split(n);
	if (m < k) {
		ref_path(h, m, d, k, out, len);
		ref_mth(h, d + k, n - k, out[(*len)++]);
	} else {
		ref_path(h, m - k, d + k, n - k, out, len);
		ref_mth(h, d, k, out[(*len)++]);
	}
}

static void
ref_subproof(merkle_hash_fn h, uint64_t m, const unsigned char (*d)[HL],
    uint64_t n, int b, unsigned char (*out)[HL], size_t *len)
{
	uint64_t	k;

	if (m == n) {
		if (!b)
			ref_mth(h, d, m, out[(*len)++]);
		return;
	}
	k = ref_split(n);
	if (m <= k) {
		ref_subproof(h, m, d, k, b, out, len);
		ref_mth(h, d + k, n - k, out[(*len)++]);
	} else {
		ref_subproof(h, m - k, d + k, n - k, 0, out, len);
		ref_mth(h, d, k, out[(*len)++]);
	}
}

static size_t
unhex(const char *hex, unsigned char *out)
{
	size_t	n = strlen(hex) / 2;

	assert_int_equal(str_unhex(hex, out, n), 0);
	return n;
}

static void
assert_hex(const unsigned char *got, const char *want)
{
	char	hex[2 * HL + 1];

	str_hex(got, HL, hex);
	assert_string_equal(hex, want);
}

/*
 * The reference tree of the Certificate Transparency implementations:
 * leaf inputs, the roots of sizes 1..8, and known inclusion and
 * consistency proofs.  Taken from google/certificate-transparency,
 * cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots,
 * kSHA256Paths, kSHA256Proofs; commit
 * 0e901cacd1388fa16f78b184612f6cd16e5ceec1), whose values
 * transparency-dev/merkle proof/verify_test.go (commit
 * 02194e9afb6c1d95b5381350007963aa70fff472) repeats and extends with the
 * 6 -> 7 consistency proof.  In both sources leaf numbers in the path
 * vectors are 1-based; here they are 0-based indices.
 */
static const char	*ct_leaves[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};

static const char	*ct_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static const char	*ct_empty =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static const struct {
	uint64_t	 index, size;
	size_t		 len;
	const char	*path[3];
} ct_inclusion[] = {
	{ 0, 1, 0, { NULL } },
	{ 0, 8, 3, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	} },
	{ 5, 8, 3, {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	} },
	{ 2, 3, 1, {
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	} },
	{ 1, 5, 3, {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	} },
};

static const struct {
	uint64_t	 m, n;
	size_t		 len;
	const char	*path[3];
} ct_consistency[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	} },
	{ 6, 8, 3, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	} },
	{ 2, 5, 2, {
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	} },
	{ 6, 7, 3, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	} },
};

static void
ct_tree(struct tree *t)
{
	unsigned char	lh[8][HL], data[16];
	size_t		i, n;

	for (i = 0; i < 8; i++) {
		n = unhex(ct_leaves[i], data);
		merkle_leaf_hash(crypto_sha256_parts, data, n, lh[i]);
	}
	tree_init(t, crypto_sha256_parts, (const unsigned char (*)[HL])lh, 8);
}

static void
test_merkle__split(void **state)
{
	(void)state;
	assert_int_equal(merkle_split(0), 0);
	assert_int_equal(merkle_split(1), 0);
	assert_int_equal(merkle_split(2), 1);
	assert_int_equal(merkle_split(3), 2);
	assert_int_equal(merkle_split(4), 2);
	assert_int_equal(merkle_split(5), 4);
	assert_int_equal(merkle_split(8), 4);
	assert_int_equal(merkle_split(9), 8);
	assert_int_equal(merkle_split(1000000), 524288);
	assert_true(merkle_split(((uint64_t)1 << 63) + 1) ==
	    (uint64_t)1 << 63);
	assert_true(merkle_split(UINT64_MAX) == (uint64_t)1 << 63);
	assert_true(merkle_split((uint64_t)1 << 63) == (uint64_t)1 << 62);
}

static void
test_merkle__ct_roots(void **state)
{
	struct tree		t;
	struct merkle_src	s;
	struct merkle_stream	ms;
	unsigned char		out[HL];
	uint64_t		k;

	(void)state;
	ct_tree(&t);
	s = tree_src(&t);
	/* RFC 9162 2.1.1: the empty tree hashes the empty string. */
	assert_int_equal(merkle_root(&s, 0, out), 0);
	assert_hex(out, ct_empty);
	merkle_stream_init(&ms, crypto_sha256_parts);
	merkle_stream_root(&ms, out);
	assert_hex(out, ct_empty);
	for (k = 1; k <= 8; k++) {
		assert_int_equal(merkle_root(&s, k, out), 0);
		assert_hex(out, ct_roots[k - 1]);
		merkle_stream_add(&ms, t.lv[0][k - 1]);
		merkle_stream_root(&ms, out);
		assert_hex(out, ct_roots[k - 1]);
	}
	/* The single-leaf tree is the leaf hash H(0x00 || ""). */
	assert_hex(t.lv[0][0], ct_roots[0]);
	tree_free(&t);
}

static void
test_merkle__ct_inclusion_vectors(void **state)
{
	struct tree		t;
	struct merkle_src	s;
	unsigned char		path[PATH_ROOM][HL], want[3][HL], root[HL];
	size_t			i, j, len;

	(void)state;
	ct_tree(&t);
	s = tree_src(&t);
	for (i = 0; i < sizeof(ct_inclusion) / sizeof(ct_inclusion[0]); i++) {
		len = 99;
		assert_int_equal(merkle_inclusion_proof(&s,
		    ct_inclusion[i].index, ct_inclusion[i].size, path, &len), 0);
		assert_int_equal(len, ct_inclusion[i].len);
		for (j = 0; j < len; j++) {
			unhex(ct_inclusion[i].path[j], want[j]);
			assert_memory_equal(path[j], want[j], HL);
		}
		unhex(ct_roots[ct_inclusion[i].size - 1], root);
		assert_int_equal(merkle_verify_inclusion(crypto_sha256_parts,
		    ct_inclusion[i].index, ct_inclusion[i].size,
		    t.lv[0][ct_inclusion[i].index], (cpath_t)want, len, root),
		    0);
		/* The CT verifier tests' wrong index / size probes. */
		if (ct_inclusion[i].index > 0)
			assert_int_equal(merkle_verify_inclusion(
			    crypto_sha256_parts, ct_inclusion[i].index - 1,
			    ct_inclusion[i].size, t.lv[0][ct_inclusion[i].index],
			    (cpath_t)want, len, root), ERR_CRYPTO);
		assert_int_equal(merkle_verify_inclusion(crypto_sha256_parts,
		    ct_inclusion[i].index + 1, ct_inclusion[i].size,
		    t.lv[0][ct_inclusion[i].index], (cpath_t)want, len, root),
		    ERR_CRYPTO);
		assert_int_equal(merkle_verify_inclusion(crypto_sha256_parts,
		    ct_inclusion[i].index ^ 2, ct_inclusion[i].size,
		    t.lv[0][ct_inclusion[i].index], (cpath_t)want, len, root),
		    ERR_CRYPTO);
		assert_int_equal(merkle_verify_inclusion(crypto_sha256_parts,
		    ct_inclusion[i].index, ct_inclusion[i].size * 2,
		    t.lv[0][ct_inclusion[i].index], (cpath_t)want, len, root),
		    ERR_CRYPTO);
		assert_int_equal(merkle_verify_inclusion(crypto_sha256_parts,
		    ct_inclusion[i].index, ct_inclusion[i].size / 2,
		    t.lv[0][ct_inclusion[i].index], (cpath_t)want, len, root),
		    ERR_CRYPTO);
	}
	tree_free(&t);
}

static void
test_merkle__ct_consistency_vectors(void **state)
{
	struct tree		t;
	struct merkle_src	s;
	unsigned char		path[PATH_ROOM][HL], want[3][HL];
	unsigned char		rm[HL], rn[HL];
	size_t			i, j, len;
	uint64_t		m, n;

	(void)state;
	ct_tree(&t);
	s = tree_src(&t);
	for (i = 0; i < sizeof(ct_consistency) / sizeof(ct_consistency[0]);
	    i++) {
		m = ct_consistency[i].m;
		n = ct_consistency[i].n;
		len = 99;
		assert_int_equal(merkle_consistency_proof(&s, m, n, path, &len),
		    0);
		assert_int_equal(len, ct_consistency[i].len);
		for (j = 0; j < len; j++) {
			unhex(ct_consistency[i].path[j], want[j]);
			assert_memory_equal(path[j], want[j], HL);
		}
		unhex(ct_roots[m - 1], rm);
		unhex(ct_roots[n - 1], rn);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m, n, rm, rn, (cpath_t)want, len), 0);
		if (len == 0)
			continue;
		/* The CT verifier tests' probes. */
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m - 1, n, rm, rn, (cpath_t)want, len), ERR_CRYPTO);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m + 1, n, rm, rn, (cpath_t)want, len), ERR_CRYPTO);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m ^ 2, n, rm, rn, (cpath_t)want, len), ERR_CRYPTO);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m, n * 2, rm, rn, (cpath_t)want, len), ERR_CRYPTO);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m, n / 2, rm, rn, (cpath_t)want, len), ERR_CRYPTO);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m, n, rn, rm, (cpath_t)want, len), ERR_CRYPTO);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    m, n, rm, rn, (cpath_t)want, 0), ERR_CRYPTO);
	}
	tree_free(&t);
}

/* Copy path without element drop (drop >= len: copy all). */
static size_t
path_without(cpath_t path, size_t len, size_t drop, unsigned char (*out)[HL])
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++)
		if (i != drop)
			memcpy(out[o++], path[i], HL);
	return o;
}

/* Copy path with extra inserted before position at. */
static size_t
path_with(cpath_t path, size_t len, size_t at, const unsigned char *extra,
    unsigned char (*out)[HL])
{
	size_t	i, o = 0;

	for (i = 0; i <= len; i++) {
		if (i == at)
			memcpy(out[o++], extra, HL);
		if (i < len)
			memcpy(out[o++], path[i], HL);
	}
	return o;
}

/*
 * For every tree of 1..64 leaves and every index: the proof equals the
 * reference, verifies, and every tampering is rejected: each byte of each
 * hash flipped (every byte if all_bytes, else first, middle and last), a
 * hash dropped or inserted anywhere, any other index, any other size with
 * that size's root, twice and half the size with the right root, a wrong
 * leaf, a wrong root, index >= size.
 */
static void
inclusion_all(merkle_hash_fn h, int all_bytes)
{
	static const size_t	 some[] = { 0, HL / 2, HL - 1 };
	unsigned char		(*lh)[HL];
	unsigned char		 path[PATH_ROOM][HL], want[PATH_ROOM][HL];
	unsigned char		 bad[PATH_ROOM][HL], roots[66][HL];
	unsigned char		 zero[HL];
	struct tree		 t;
	struct merkle_src	 s;
	uint64_t		 n, i, j;
	size_t			 len, wlen, blen, p, q, b, nb;

	memset(zero, 0, sizeof(zero));
	lh = make_leaves(h, 65);
	tree_init(&t, h, (const unsigned char (*)[HL])lh, 65);
	s = tree_src(&t);
	for (n = 0; n <= 65; n++)
		ref_mth(h, (const unsigned char (*)[HL])lh, n, roots[n]);
	for (n = 1; n <= 64; n++) {
		for (i = 0; i < n; i++) {
			assert_int_equal(merkle_inclusion_proof(&s, i, n, path,
			    &len), 0);
			wlen = 0;
			ref_path(h, i, (const unsigned char (*)[HL])lh, n, want,
			    &wlen);
			assert_int_equal(len, wlen);
			assert_memory_equal(path, want, len * HL);
			assert_int_equal(merkle_verify_inclusion(h, i, n, lh[i],
			    (cpath_t)path, len, roots[n]), 0);

			nb = all_bytes ? HL : 3;
			for (p = 0; p < len; p++) {
				for (b = 0; b < nb; b++) {
					q = all_bytes ? b : some[b];
					path[p][q] ^= 0xff;
					assert_int_equal(
					    merkle_verify_inclusion(h, i, n,
					    lh[i], (cpath_t)path, len,
					    roots[n]), ERR_CRYPTO);
					path[p][q] ^= 0xff;
				}
			}
			for (p = 0; p < len; p++) {
				blen = path_without((cpath_t)path, len, p, bad);
				assert_int_equal(merkle_verify_inclusion(h, i,
				    n, lh[i], (cpath_t)bad, blen, roots[n]),
				    ERR_CRYPTO);
			}
			for (p = 0; p <= len; p++) {
				blen = path_with((cpath_t)path, len, p,
				    roots[n], bad);
				assert_int_equal(merkle_verify_inclusion(h, i,
				    n, lh[i], (cpath_t)bad, blen, roots[n]),
				    ERR_CRYPTO);
				blen = path_with((cpath_t)path, len, p, zero,
				    bad);
				assert_int_equal(merkle_verify_inclusion(h, i,
				    n, lh[i], (cpath_t)bad, blen, roots[n]),
				    ERR_CRYPTO);
			}
			for (j = 0; j < n + 2; j++)
				if (j != i)
					assert_int_equal(
					    merkle_verify_inclusion(h, j, n,
					    lh[i], (cpath_t)path, len,
					    roots[n]), ERR_CRYPTO);
			for (j = i + 1; j <= 65; j++)
				if (j != n)
					assert_int_equal(
					    merkle_verify_inclusion(h, i, j,
					    lh[i], (cpath_t)path, len,
					    roots[j]), ERR_CRYPTO);
			assert_int_equal(merkle_verify_inclusion(h, i, 2 * n,
			    lh[i], (cpath_t)path, len, roots[n]), ERR_CRYPTO);
			assert_int_equal(merkle_verify_inclusion(h, i, n / 2,
			    lh[i], (cpath_t)path, len, roots[n]), ERR_CRYPTO);
			assert_int_equal(merkle_verify_inclusion(h, i, n,
			    lh[(i + 1) % 65], (cpath_t)path, len, roots[n]),
			    ERR_CRYPTO);
			assert_int_equal(merkle_verify_inclusion(h, i, n, lh[i],
			    (cpath_t)path, len, roots[n - 1]), ERR_CRYPTO);
			assert_int_equal(merkle_verify_inclusion(h, n, n, lh[i],
			    (cpath_t)path, len, roots[n]), ERR_CRYPTO);
			assert_int_equal(merkle_verify_inclusion(h, i, 0, lh[i],
			    (cpath_t)path, len, roots[n]), ERR_CRYPTO);
		}
		/* Generation refuses index >= size. */
		len = 777;
		assert_int_equal(merkle_inclusion_proof(&s, n, n, path, &len),
		    ERR_RANGE);
		assert_int_equal(merkle_inclusion_proof(&s, n + 5, n, path,
		    &len), ERR_RANGE);
		assert_int_equal(len, 777);
	}
	assert_int_equal(merkle_inclusion_proof(&s, 0, 0, path, &len),
	    ERR_RANGE);
	tree_free(&t);
	free(lh);
}

/*
 * For every 1 <= m <= n <= 64: the proof equals the reference, verifies,
 * and every tampering is rejected: hash bytes flipped, a hash dropped or
 * inserted anywhere (including into the empty m = n proof), any other m
 * with the same roots, any other n with that size's root, twice n, roots
 * swapped or from other sizes, m = 0, m > n.
 *
 * A different n with the *same* second root can verify where the two
 * tree shapes agree along the proof (1 -> 3 and 1 -> 4 both hash as
 * "leaf, then a right sibling, then a right sibling"); the RFC algorithm
 * checks a proof against a (size, root) pair, which a signed tree head
 * binds, so that probe pairs the wrong size with its own root.  The same
 * holds for inclusion proofs.
 */
static void
consistency_all(merkle_hash_fn h, int all_bytes)
{
	static const size_t	 some[] = { 0, HL / 2, HL - 1 };
	unsigned char		(*lh)[HL];
	unsigned char		 path[PATH_ROOM][HL], want[PATH_ROOM][HL];
	unsigned char		 bad[PATH_ROOM][HL], roots[66][HL];
	unsigned char		 zero[HL];
	struct tree		 t;
	struct merkle_src	 s;
	uint64_t		 n, m, j;
	size_t			 len, wlen, blen, p, q, b, nb;

	memset(zero, 0, sizeof(zero));
	lh = make_leaves(h, 65);
	tree_init(&t, h, (const unsigned char (*)[HL])lh, 65);
	s = tree_src(&t);
	for (n = 0; n <= 65; n++)
		ref_mth(h, (const unsigned char (*)[HL])lh, n, roots[n]);
	for (n = 1; n <= 64; n++) {
		for (m = 1; m <= n; m++) {
			assert_int_equal(merkle_consistency_proof(&s, m, n,
			    path, &len), 0);
			wlen = 0;
			ref_subproof(h, m, (const unsigned char (*)[HL])lh, n,
			    1, want, &wlen);
			assert_int_equal(len, wlen);
			assert_memory_equal(path, want, len * HL);
			assert_int_equal(merkle_verify_consistency(h, m, n,
			    roots[m], roots[n], (cpath_t)path, len), 0);

			nb = all_bytes ? HL : 3;
			for (p = 0; p < len; p++) {
				for (b = 0; b < nb; b++) {
					q = all_bytes ? b : some[b];
					path[p][q] ^= 0xff;
					assert_int_equal(
					    merkle_verify_consistency(h, m, n,
					    roots[m], roots[n], (cpath_t)path,
					    len), ERR_CRYPTO);
					path[p][q] ^= 0xff;
				}
			}
			for (p = 0; p < len; p++) {
				blen = path_without((cpath_t)path, len, p, bad);
				assert_int_equal(merkle_verify_consistency(h,
				    m, n, roots[m], roots[n], (cpath_t)bad,
				    blen), ERR_CRYPTO);
			}
			for (p = 0; p <= len; p++) {
				blen = path_with((cpath_t)path, len, p,
				    roots[m], bad);
				assert_int_equal(merkle_verify_consistency(h,
				    m, n, roots[m], roots[n], (cpath_t)bad,
				    blen), ERR_CRYPTO);
				blen = path_with((cpath_t)path, len, p, zero,
				    bad);
				assert_int_equal(merkle_verify_consistency(h,
				    m, n, roots[m], roots[n], (cpath_t)bad,
				    blen), ERR_CRYPTO);
			}
			for (j = 0; j <= 65; j++) {
				if (j != m)
					assert_int_equal(
					    merkle_verify_consistency(h, j, n,
					    roots[m], roots[n], (cpath_t)path,
					    len), ERR_CRYPTO);
				if (j != n)
					assert_int_equal(
					    merkle_verify_consistency(h, m, j,
					    roots[m], roots[j], (cpath_t)path,
					    len), ERR_CRYPTO);
				if (j != m)
					assert_int_equal(
					    merkle_verify_consistency(h, m, n,
					    roots[j], roots[n], (cpath_t)path,
					    len), ERR_CRYPTO);
				if (j != n)
					assert_int_equal(
					    merkle_verify_consistency(h, m, n,
					    roots[m], roots[j], (cpath_t)path,
					    len), ERR_CRYPTO);
			}
			if (m != n) {
				assert_int_equal(merkle_verify_consistency(h,
				    m, n, roots[n], roots[m], (cpath_t)path,
				    len), ERR_CRYPTO);
				assert_int_equal(merkle_verify_consistency(h,
				    m, 2 * n, roots[m], roots[n],
				    (cpath_t)path, len), ERR_CRYPTO);
			}
			assert_int_equal(merkle_verify_consistency(h, n + 1, n,
			    roots[m], roots[n], (cpath_t)path, len),
			    ERR_CRYPTO);
			assert_int_equal(merkle_verify_consistency(h, 0, n,
			    roots[0], roots[n], (cpath_t)path, len),
			    ERR_CRYPTO);
		}
		/* Generation refuses m = 0 and m > n. */
		len = 777;
		assert_int_equal(merkle_consistency_proof(&s, 0, n, path,
		    &len), ERR_RANGE);
		assert_int_equal(merkle_consistency_proof(&s, n + 1, n, path,
		    &len), ERR_RANGE);
		assert_int_equal(len, 777);
		/* m = 0 is refused even with an empty proof. */
		assert_int_equal(merkle_verify_consistency(h, 0, n, roots[0],
		    roots[n], (cpath_t)path, 0), ERR_CRYPTO);
	}
	tree_free(&t);
	free(lh);
}

static void
test_merkle__inclusion_all_sha256(void **state)
{
	(void)state;
	inclusion_all(crypto_sha256_parts, 1);
}

static void
test_merkle__inclusion_all_sm3(void **state)
{
	(void)state;
	inclusion_all(crypto_sm3_parts, 0);
}

static void
test_merkle__consistency_all_sha256(void **state)
{
	(void)state;
	consistency_all(crypto_sha256_parts, 1);
}

static void
test_merkle__consistency_all_sm3(void **state)
{
	(void)state;
	consistency_all(crypto_sm3_parts, 0);
}

/* The stream's root after every prefix 0..200 equals merkle_root. */
static void
stream_prefixes(merkle_hash_fn h)
{
	unsigned char		(*lh)[HL], got[HL], want[HL], ref[HL];
	struct merkle_stream	 ms;
	struct tree		 t;
	struct merkle_src	 s;
	uint64_t		 k;

	lh = make_leaves(h, 200);
	tree_init(&t, h, (const unsigned char (*)[HL])lh, 200);
	s = tree_src(&t);
	merkle_stream_init(&ms, h);
	for (k = 0; k <= 200; k++) {
		merkle_stream_root(&ms, got);
		assert_int_equal(merkle_root(&s, k, want), 0);
		ref_mth(h, (const unsigned char (*)[HL])lh, k, ref);
		assert_memory_equal(got, want, HL);
		assert_memory_equal(want, ref, HL);
		if (k < 200)
			merkle_stream_add(&ms, lh[k]);
	}
	tree_free(&t);
	free(lh);
}

static void
test_merkle__stream_sha256(void **state)
{
	(void)state;
	stream_prefixes(crypto_sha256_parts);
}

static void
test_merkle__stream_sm3(void **state)
{
	unsigned char		empty[HL];
	struct merkle_stream	ms;

	(void)state;
	stream_prefixes(crypto_sm3_parts);
	/* The empty SM3 tree is SM3(""). */
	merkle_stream_init(&ms, crypto_sm3_parts);
	merkle_stream_root(&ms, empty);
	assert_hex(empty,
	    "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

/* merkle_range(a, b) is MTH(D[a..b)) for every range, aligned or not. */
static void
test_merkle__range(void **state)
{
	unsigned char		(*lh)[HL], got[HL], want[HL];
	struct tree		 t;
	struct merkle_src	 s;
	uint64_t		 a, b;

	(void)state;
	lh = make_leaves(crypto_sm3_parts, 40);
	tree_init(&t, crypto_sm3_parts, (const unsigned char (*)[HL])lh, 40);
	s = tree_src(&t);
	for (a = 0; a < 40; a++) {
		for (b = a + 1; b <= 40; b++) {
			assert_int_equal(merkle_range(&s, a, b, got), 0);
			ref_mth(crypto_sm3_parts,
			    (const unsigned char (*)[HL])lh + a, b - a, want);
			assert_memory_equal(got, want, HL);
		}
		memset(got, 0x55, HL);
		assert_int_equal(merkle_range(&s, a, a, got), ERR_RANGE);
		assert_int_equal(merkle_range(&s, a + 1, a, got), ERR_RANGE);
		assert_int_equal(got[0], 0x55);
	}
	/* An aligned complete subtree is exactly one callback. */
	t.calls = 0;
	assert_int_equal(merkle_range(&s, 16, 32, got), 0);
	assert_int_equal(t.calls, 1);
	tree_free(&t);
	free(lh);
}

/*
 * A store that fails at the k-th callback, for every k an operation
 * reaches, makes the operation return that error and leaves its outputs
 * alone.
 */
static void
test_merkle__callback_error(void **state)
{
	unsigned char		(*lh)[HL], out[HL], path[PATH_ROOM][HL];
	struct tree		 t;
	struct merkle_src	 s;
	size_t			 len;
	uint64_t		 need;
	int64_t			 k;
	int			 op;

	(void)state;
	lh = make_leaves(crypto_sha256_parts, 50);
	tree_init(&t, crypto_sha256_parts, (const unsigned char (*)[HL])lh,
	    50);
	s = tree_src(&t);
	for (op = 0; op < 4; op++) {
		t.fail_after = -1;
		t.calls = 0;
		switch (op) {
		case 0:
			assert_int_equal(merkle_root(&s, 50, out), 0);
			break;
		case 1:
			assert_int_equal(merkle_range(&s, 3, 47, out), 0);
			break;
		case 2:
			assert_int_equal(merkle_inclusion_proof(&s, 7, 50,
			    path, &len), 0);
			break;
		default:
			assert_int_equal(merkle_consistency_proof(&s, 7, 50,
			    path, &len), 0);
			break;
		}
		need = t.calls;
		assert_true(need >= 3);
		for (k = 0; k < (int64_t)need; k++) {
			t.fail_after = k;
			t.calls = 0;
			memset(out, 0x55, HL);
			len = 777;
			switch (op) {
			case 0:
				assert_int_equal(merkle_root(&s, 50, out),
				    ERR_STORE);
				break;
			case 1:
				assert_int_equal(merkle_range(&s, 3, 47, out),
				    ERR_STORE);
				break;
			case 2:
				assert_int_equal(merkle_inclusion_proof(&s, 7,
				    50, path, &len), ERR_STORE);
				break;
			default:
				assert_int_equal(merkle_consistency_proof(&s,
				    7, 50, path, &len), ERR_STORE);
				break;
			}
			assert_int_equal(out[0], 0x55);
			assert_int_equal(len, 777);
		}
	}
	tree_free(&t);
	free(lh);
}

/*
 * A million leaves: roots and proofs need O(log n) callback calls (about
 * 2 log2 n = 40 at most for a proof, 20 for a root; 200 is a generous
 * bound), and they verify against the streaming root.
 */
static void
test_merkle__million_leaves(void **state)
{
	static const uint64_t	 idx[] = { 0, 1, 2, 500000, 524287, 524288,
	    777777, 999998, 999999 };
	static const uint64_t	 cons[][2] = {
		{ 1, 1000000 }, { 2, 1000000 }, { 3, 1000000 },
		{ 500000, 1000000 }, { 524288, 1000000 },
		{ 524289, 1000000 }, { 999999, 1000000 },
		{ 1000000, 1000000 }, { 123457, 876543 }, { 65535, 65536 },
	};
	const uint64_t		 n = 1000000;
	unsigned char		(*lh)[HL], root[HL], rm[HL], rn[HL];
	unsigned char		 path[PATH_ROOM][HL];
	struct merkle_stream	 ms;
	struct tree		 t;
	struct merkle_src	 s;
	size_t			 i, len;
	uint64_t		 k;

	(void)state;
	lh = make_leaves(crypto_sha256_parts, n);
	tree_init(&t, crypto_sha256_parts, (const unsigned char (*)[HL])lh, n);
	s = tree_src(&t);
	merkle_stream_init(&ms, crypto_sha256_parts);
	for (k = 0; k < n; k++)
		merkle_stream_add(&ms, lh[k]);
	merkle_stream_root(&ms, root);

	t.calls = 0;
	assert_int_equal(merkle_root(&s, n, rn), 0);
	assert_true(t.calls < 200);
	assert_memory_equal(rn, root, HL);

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		t.calls = 0;
		assert_int_equal(merkle_inclusion_proof(&s, idx[i], n, path,
		    &len), 0);
		assert_true(t.calls < 200);
		assert_true(len <= 20);
		assert_int_equal(merkle_verify_inclusion(crypto_sha256_parts,
		    idx[i], n, lh[idx[i]], (cpath_t)path, len, root), 0);
	}
	for (i = 0; i < sizeof(cons) / sizeof(cons[0]); i++) {
		t.calls = 0;
		assert_int_equal(merkle_root(&s, cons[i][0], rm), 0);
		assert_int_equal(merkle_root(&s, cons[i][1], rn), 0);
		assert_int_equal(merkle_consistency_proof(&s, cons[i][0],
		    cons[i][1], path, &len), 0);
		assert_true(t.calls < 200);
		assert_true(len <= 21);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    cons[i][0], cons[i][1], rm, rn, (cpath_t)path, len), 0);
		assert_int_equal(merkle_verify_consistency(crypto_sha256_parts,
		    cons[i][0], cons[i][1], rn, rm, (cpath_t)path, len),
		    cons[i][0] == cons[i][1] ? 0 : ERR_CRYPTO);
	}
	tree_free(&t);
	free(lh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merkle__split),
		cmocka_unit_test(test_merkle__ct_roots),
		cmocka_unit_test(test_merkle__ct_inclusion_vectors),
		cmocka_unit_test(test_merkle__ct_consistency_vectors),
		cmocka_unit_test(test_merkle__inclusion_all_sha256),
		cmocka_unit_test(test_merkle__inclusion_all_sm3),
		cmocka_unit_test(test_merkle__consistency_all_sha256),
		cmocka_unit_test(test_merkle__consistency_all_sm3),
		cmocka_unit_test(test_merkle__stream_sha256),
		cmocka_unit_test(test_merkle__stream_sm3),
		cmocka_unit_test(test_merkle__range),
		cmocka_unit_test(test_merkle__callback_error),
		cmocka_unit_test(test_merkle__million_leaves),
	};

	return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
