/*
 * Merkle tree hashing in the style of RFC 9162 (Certificate Transparency
 * v2): MTH, inclusion proofs and consistency proofs, generation and
 * verification, over any 32-byte hash.  The audit log uses SM3; tests use
 * SHA-256 to compare with RFC 9162 / CT reference values.  Pure functions:
 * no I/O; stored nodes are reached through a callback.
 */
#ifndef FW_MERKLE_H
#define FW_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "../crypto/crypto.h"

#define MERKLE_HASH_LEN		32
#define MERKLE_MAX_PATH		64

/* The hash: H(concatenation of parts). */
typedef void (*merkle_hash_fn)(const struct crypto_part *parts, int nparts,
    unsigned char out[MERKLE_HASH_LEN]);

/*
 * Where tree nodes come from.  subtree(ctx, start, size, out) must give
 * MTH(D[start..start+size)) for size a power of two and start a multiple
 * of size (a complete, aligned subtree; size 1 is a leaf hash).  Returns 0
 * or a negative ERR_*.
 */
struct merkle_src {
	merkle_hash_fn	  hash;
	void		 *ctx;
	int		(*subtree)(void *ctx, uint64_t start, uint64_t size,
			    unsigned char out[MERKLE_HASH_LEN]);
};

/* leaf = H(0x00 || d) */
void	merkle_leaf_hash(merkle_hash_fn h, const void *d, size_t n,
	    unsigned char out[MERKLE_HASH_LEN]);
/* node = H(0x01 || l || r) */
void	merkle_node_hash(merkle_hash_fn h, const unsigned char *l,
	    const unsigned char *r, unsigned char out[MERKLE_HASH_LEN]);
/* Largest power of two strictly smaller than n (n >= 2). */
uint64_t merkle_split(uint64_t n);

/* MTH(D[0..n)); for n = 0, H of the empty string. */
int	merkle_root(const struct merkle_src *s, uint64_t n,
	    unsigned char out[MERKLE_HASH_LEN]);
/* MTH(D[start..end)) for any 0 <= start < end. */
int	merkle_range(const struct merkle_src *s, uint64_t start, uint64_t end,
	    unsigned char out[MERKLE_HASH_LEN]);

/*
 * Inclusion proof of leaf index in the tree of size n (RFC 9162 2.1.3.1).
 * Writes at most MERKLE_MAX_PATH hashes to path and their count to *len.
 * ERR_RANGE if index >= n.
 */
int	merkle_inclusion_proof(const struct merkle_src *s, uint64_t index,
	    uint64_t n, unsigned char path[][MERKLE_HASH_LEN], size_t *len);
/* Consistency proof between sizes m and n, 0 < m <= n (RFC 9162 2.1.4.1). */
int	merkle_consistency_proof(const struct merkle_src *s, uint64_t m,
	    uint64_t n, unsigned char path[][MERKLE_HASH_LEN], size_t *len);

/* RFC 9162 2.1.3.2; 0 if the proof holds, ERR_CRYPTO if not. */
int	merkle_verify_inclusion(merkle_hash_fn h, uint64_t index, uint64_t n,
	    const unsigned char leaf[MERKLE_HASH_LEN],
	    const unsigned char path[][MERKLE_HASH_LEN], size_t len,
	    const unsigned char root[MERKLE_HASH_LEN]);
/* RFC 9162 2.1.4.2; 0 if the proof holds, ERR_CRYPTO if not. */
int	merkle_verify_consistency(merkle_hash_fn h, uint64_t m, uint64_t n,
	    const unsigned char root_m[MERKLE_HASH_LEN],
	    const unsigned char root_n[MERKLE_HASH_LEN],
	    const unsigned char path[][MERKLE_HASH_LEN], size_t len);

/*
 * A streaming root builder: feed leaf hashes in order, read the root of
 * the prefix seen so far at any point.  Used by `audit verify` to check a
 * million entries in one pass with O(log n) memory.
 */
struct merkle_stream {
	merkle_hash_fn	h;
	uint64_t	n;
	unsigned char	stack[64][MERKLE_HASH_LEN];	/* stack[i]: subtree of 2^i */
};
void	merkle_stream_init(struct merkle_stream *ms, merkle_hash_fn h);
void	merkle_stream_add(struct merkle_stream *ms,
	    const unsigned char leaf[MERKLE_HASH_LEN]);
void	merkle_stream_root(const struct merkle_stream *ms,
	    unsigned char out[MERKLE_HASH_LEN]);

#endif
