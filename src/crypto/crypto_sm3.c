/*
 * SM3 (GB/T 32905-2016) for callers that hash millions of short messages
 * (the random draw, src/domain/draw.c): a reusable context, where a
 * message of one block costs one compression (through EVP the setup
 * around it costs as much again), and a batch function that hashes
 * several independent messages at once in vector registers.  It also
 * serves crypto_sm3_parts() for short messages and HMAC-SM3 (with the
 * key's padded states kept per thread); long messages keep OpenSSL's SM3
 * (crypto.c).  Tests check that all agree with OpenSSL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "crypto.h"

struct crypto_sm3_ctx {
	uint32_t	v[8];		/* the chaining value */
	unsigned char	block[64];	/* a partial block */
	size_t		nblock;
	uint64_t	total;		/* bytes so far */
};

static const uint32_t	sm3_iv[8] = {
	0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600,
	0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
};

/* T_j rotated left by j mod 32 (section 5.3.3), one per round. */
static const uint32_t	sm3_t[64] = {
	0x79cc4519, 0xf3988a32, 0xe7311465, 0xce6228cb,
	0x9cc45197, 0x3988a32f, 0x7311465e, 0xe6228cbc,
	0xcc451979, 0x988a32f3, 0x311465e7, 0x6228cbce,
	0xc451979c, 0x88a32f39, 0x11465e73, 0x228cbce6,
	0x9d8a7a87, 0x3b14f50f, 0x7629ea1e, 0xec53d43c,
	0xd8a7a879, 0xb14f50f3, 0x629ea1e7, 0xc53d43ce,
	0x8a7a879d, 0x14f50f3b, 0x29ea1e76, 0x53d43cec,
	0xa7a879d8, 0x4f50f3b1, 0x9ea1e762, 0x3d43cec5,
	0x7a879d8a, 0xf50f3b14, 0xea1e7629, 0xd43cec53,
	0xa879d8a7, 0x50f3b14f, 0xa1e7629e, 0x43cec53d,
	0x879d8a7a, 0x0f3b14f5, 0x1e7629ea, 0x3cec53d4,
	0x79d8a7a8, 0xf3b14f50, 0xe7629ea1, 0xcec53d43,
	0x9d8a7a87, 0x3b14f50f, 0x7629ea1e, 0xec53d43c,
	0xd8a7a879, 0xb14f50f3, 0x629ea1e7, 0xc53d43ce,
	0x8a7a879d, 0x14f50f3b, 0x29ea1e76, 0x53d43cec,
	0xa7a879d8, 0x4f50f3b1, 0x9ea1e762, 0x3d43cec5,
};

/*
 * The batch hashes SM3_LANES messages side by side, one 32-bit lane of a
 * vector register each: two 128-bit vectors on any processor (SSE2 on
 * x86-64, NEON on arm64), one 256-bit vector where x86-64 has AVX2
 * (checked at run time).  GCC and Clang vector extensions, no intrinsics.
 */
#define SM3_LANES	8
typedef uint32_t sm3_vec4 __attribute__((vector_size(16)));
#if defined(__x86_64__) && defined(__GNUC__)
#define SM3_AVX2	1
typedef uint32_t sm3_vec8 __attribute__((vector_size(32)));
#endif

#define ROTL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))
#define P0(x)		((x) ^ ROTL((x), 9) ^ ROTL((x), 17))
#define P1(x)		((x) ^ ROTL((x), 15) ^ ROTL((x), 23))
#define FF0(x, y, z)	((x) ^ (y) ^ (z))
#define GG0(x, y, z)	((x) ^ (y) ^ (z))
#define FF1(x, y, z)	(((x) & (y)) | (((x) | (y)) & (z)))
#define GG1(x, y, z)	((((y) ^ (z)) & (x)) ^ (z))

/*
 * The message expansion (5.3.2) on the fly: w[] keeps the last 16 words,
 * W[j+4] is computed just before round j needs it.
 */
#define W(j)		w[(j) & 15]
#define EXPAND(j)	(W(j) = P1(W((j) - 16) ^ W((j) - 9) ^		\
			    ROTL(W((j) - 3), 15)) ^ ROTL(W((j) - 13), 7) ^ \
			    W((j) - 6))

/*
 * One round (5.3.3) on words of type T, with the registers renamed
 * instead of shifted: the caller rotates the argument order, so only D,
 * H, B and F are written.
 */
#define ROUND(T, FF, GG, A, B, C, D, E, F, G, H, j) do {		\
	T	wj = w[(j) & 15];					\
	T	wj4 = (j) + 4 < 16 ? w[(j) + 4] : EXPAND((j) + 4);	\
	T	a12 = ROTL(A, 12);					\
	T	ss1 = ROTL(a12 + E + sm3_t[j], 7);			\
	T	ss2 = ss1 ^ a12;					\
									\
	D = FF(A, B, C) + D + ss2 + (wj ^ wj4);				\
	H = GG(E, F, G) + H + ss1 + wj;					\
	B = ROTL(B, 9);							\
	F = ROTL(F, 19);						\
	H = P0(H);							\
} while (0)

#define ROUND4(T, FF, GG, j) do {					\
	ROUND(T, FF, GG, a, b, c, d, e, f, g, h, (j));			\
	ROUND(T, FF, GG, d, a, b, c, h, e, f, g, (j) + 1);		\
	ROUND(T, FF, GG, c, d, a, b, g, h, e, f, (j) + 2);		\
	ROUND(T, FF, GG, b, c, d, a, f, g, h, e, (j) + 3);		\
} while (0)

/* All 64 rounds on registers a..h of type T and the words w[]. */
#define ROUNDS(T) do {							\
	ROUND4(T, FF0, GG0, 0);						\
	ROUND4(T, FF0, GG0, 4);						\
	ROUND4(T, FF0, GG0, 8);						\
	ROUND4(T, FF0, GG0, 12);					\
	ROUND4(T, FF1, GG1, 16);					\
	ROUND4(T, FF1, GG1, 20);					\
	ROUND4(T, FF1, GG1, 24);					\
	ROUND4(T, FF1, GG1, 28);					\
	ROUND4(T, FF1, GG1, 32);					\
	ROUND4(T, FF1, GG1, 36);					\
	ROUND4(T, FF1, GG1, 40);					\
	ROUND4(T, FF1, GG1, 44);					\
	ROUND4(T, FF1, GG1, 48);					\
	ROUND4(T, FF1, GG1, 52);					\
	ROUND4(T, FF1, GG1, 56);					\
	ROUND4(T, FF1, GG1, 60);					\
} while (0)

static void
sm3_compress(uint32_t v[8], const unsigned char *p)
{
	uint32_t	w[16], a, b, c, d, e, f, g, h;
	int		i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	a = v[0]; b = v[1]; c = v[2]; d = v[3];
	e = v[4]; f = v[5]; g = v[6]; h = v[7];
	ROUNDS(uint32_t);
	v[0] ^= a; v[1] ^= b; v[2] ^= c; v[3] ^= d;
	v[4] ^= e; v[5] ^= f; v[6] ^= g; v[7] ^= h;
}

/*
 * The same rounds on lanes [o, o + 4) of v[i][lane] and w[j][lane]; the
 * words go through vector variables so that the compiler keeps them in
 * registers.
 */
static void
sm3_compress_x4(uint32_t v[8][SM3_LANES], uint32_t ww[16][SM3_LANES], int o)
{
	sm3_vec4	a, b, c, d, e, f, g, h, w[16], s[8];
	int		i;

	for (i = 0; i < 8; i++)
		memcpy(&s[i], &v[i][o], sizeof(s[i]));
	for (i = 0; i < 16; i++)
		memcpy(&w[i], &ww[i][o], sizeof(w[i]));
	a = s[0]; b = s[1]; c = s[2]; d = s[3];
	e = s[4]; f = s[5]; g = s[6]; h = s[7];
	ROUNDS(sm3_vec4);
	s[0] ^= a; s[1] ^= b; s[2] ^= c; s[3] ^= d;
	s[4] ^= e; s[5] ^= f; s[6] ^= g; s[7] ^= h;
	for (i = 0; i < 8; i++)
		memcpy(&v[i][o], &s[i], sizeof(s[i]));
}

#ifdef SM3_AVX2
__attribute__((target("avx2"))) static void
sm3_compress_x8(uint32_t v[8][SM3_LANES], uint32_t ww[16][SM3_LANES])
{
	sm3_vec8	a, b, c, d, e, f, g, h, w[16], s[8];
	int		i;

	for (i = 0; i < 8; i++)
		memcpy(&s[i], &v[i][0], sizeof(s[i]));
	for (i = 0; i < 16; i++)
		memcpy(&w[i], &ww[i][0], sizeof(w[i]));
	a = s[0]; b = s[1]; c = s[2]; d = s[3];
	e = s[4]; f = s[5]; g = s[6]; h = s[7];
	ROUNDS(sm3_vec8);
	s[0] ^= a; s[1] ^= b; s[2] ^= c; s[3] ^= d;
	s[4] ^= e; s[5] ^= f; s[6] ^= g; s[7] ^= h;
	for (i = 0; i < 8; i++)
		memcpy(&v[i][0], &s[i], sizeof(s[i]));
}
#endif

/* Tests set this to run the portable path on an AVX2 machine too. */
static int	sm3_portable;

void
crypto_sm3_many_portable(int on)
{
	sm3_portable = on;
}

static void
sm3_compress_lanes(uint32_t v[8][SM3_LANES], uint32_t w[16][SM3_LANES])
{
#ifdef SM3_AVX2
	if (!sm3_portable && __builtin_cpu_supports("avx2")) {
		sm3_compress_x8(v, w);
		return;
	}
#endif
	sm3_compress_x4(v, w, 0);
	sm3_compress_x4(v, w, 4);
}

/* One lane's message: its full blocks in place, the padded tail copied. */
struct sm3_lane {
	const unsigned char	*p;
	size_t			 full;		/* blocks read from p */
	size_t			 blocks;	/* all, with the padding */
	unsigned char		 tail[128];
};

static void
sm3_lane_init(struct sm3_lane *l, const unsigned char *p, size_t n)
{
	uint64_t	bits = (uint64_t)n * 8;
	size_t		rest = n % 64, tn;
	int		i;

	l->p = p;
	l->full = n / 64;
	tn = rest + 9 <= 64 ? 64 : 128;
	l->blocks = l->full + tn / 64;
	memcpy(l->tail, p + 64 * l->full, rest);
	l->tail[rest] = 0x80;
	memset(l->tail + rest + 1, 0, tn - rest - 1 - 8);
	for (i = 0; i < 8; i++)
		l->tail[tn - 8 + i] = (unsigned char)(bits >> (56 - 8 * i));
}

static const unsigned char *
sm3_lane_block(const struct sm3_lane *l, size_t b)
{
	return b < l->full ? l->p + 64 * b : l->tail + 64 * (b - l->full);
}

/* Hash lanes [0, n) of msg/len (n <= SM3_LANES) into out. */
static void
sm3_many_group(const unsigned char *const *msg, const size_t *len, size_t n,
    unsigned char (*out)[CRYPTO_SM3_LEN])
{
	static const unsigned char	 zero[64];
	struct sm3_lane			 l[SM3_LANES];
	const unsigned char		*q;
	uint32_t			 v[8][SM3_LANES], w[16][SM3_LANES];
	uint32_t			 old[8][SM3_LANES];
	size_t				 k, b, most = 0;
	int				 i;

	for (k = 0; k < SM3_LANES; k++) {
		/* Unused lanes hash the empty message; nobody reads them. */
		sm3_lane_init(&l[k], k < n ? msg[k] : zero, k < n ? len[k] : 0);
		if (l[k].blocks > most)
			most = l[k].blocks;
	}
	for (i = 0; i < 8; i++)
		for (k = 0; k < SM3_LANES; k++)
			v[i][k] = sm3_iv[i];
	for (b = 0; b < most; b++) {
		for (k = 0; k < SM3_LANES; k++) {
			q = b < l[k].blocks ? sm3_lane_block(&l[k], b) : zero;
			for (i = 0; i < 16; i++)
				w[i][k] = (uint32_t)q[4 * i] << 24 |
				    (uint32_t)q[4 * i + 1] << 16 |
				    (uint32_t)q[4 * i + 2] << 8 | q[4 * i + 3];
		}
		memcpy(old, v, sizeof(old));
		sm3_compress_lanes(v, w);
		/* A lane whose message has ended keeps its value. */
		for (k = 0; k < SM3_LANES; k++)
			if (b >= l[k].blocks)
				for (i = 0; i < 8; i++)
					v[i][k] = old[i][k];
	}
	for (k = 0; k < n; k++)
		for (i = 0; i < 8; i++) {
			out[k][4 * i] = (unsigned char)(v[i][k] >> 24);
			out[k][4 * i + 1] = (unsigned char)(v[i][k] >> 16);
			out[k][4 * i + 2] = (unsigned char)(v[i][k] >> 8);
			out[k][4 * i + 3] = (unsigned char)v[i][k];
		}
}

void
crypto_sm3_many(const unsigned char *const *msg, const size_t *len, size_t n,
    unsigned char (*out)[CRYPTO_SM3_LEN])
{
	size_t	i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < SM3_LANES ? n - i : SM3_LANES;
		sm3_many_group(msg + i, len + i, k, out + i);
	}
}

static void
sm3_reset(struct crypto_sm3_ctx *c)
{
	memcpy(c->v, sm3_iv, sizeof(c->v));
	c->nblock = 0;
	c->total = 0;
}

struct crypto_sm3_ctx *
crypto_sm3_ctx_new(void)
{
	struct crypto_sm3_ctx	*c = xmalloc(sizeof(*c));

	sm3_reset(c);
	return c;
}

void
crypto_sm3_ctx_update(struct crypto_sm3_ctx *c, const void *data, size_t n)
{
	const unsigned char	*p = data;
	size_t			 k;

	c->total += n;
	if (c->nblock > 0) {
		k = 64 - c->nblock < n ? 64 - c->nblock : n;
		memcpy(c->block + c->nblock, p, k);
		c->nblock += k;
		p += k;
		n -= k;
		if (c->nblock < 64)
			return;
		sm3_compress(c->v, c->block);
		c->nblock = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		sm3_compress(c->v, p);
	if (n > 0)
		memcpy(c->block, p, n);
	c->nblock = n;
}

/* Padding (5.2): 0x80, zeros, the length in bits as 64-bit big-endian. */
void
crypto_sm3_ctx_final(struct crypto_sm3_ctx *c,
    unsigned char out[CRYPTO_SM3_LEN])
{
	uint64_t	bits = c->total * 8;
	int		i;

	c->block[c->nblock++] = 0x80;
	if (c->nblock > 56) {
		memset(c->block + c->nblock, 0, 64 - c->nblock);
		sm3_compress(c->v, c->block);
		c->nblock = 0;
	}
	memset(c->block + c->nblock, 0, 56 - c->nblock);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	sm3_compress(c->v, c->block);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->v[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->v[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->v[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->v[i];
	}
	sm3_reset(c);
}

void
crypto_sm3_ctx_digest(struct crypto_sm3_ctx *c, const void *p, size_t n,
    unsigned char out[CRYPTO_SM3_LEN])
{
	crypto_sm3_ctx_update(c, p, n);
	crypto_sm3_ctx_final(c, out);
}

void
crypto_sm3_ctx_copy(struct crypto_sm3_ctx *dst,
    const struct crypto_sm3_ctx *src)
{
	memcpy(dst, src, sizeof(*dst));
}

void
crypto_sm3_ctx_free(struct crypto_sm3_ctx *c)
{
	free(c);
}

/*
 * HMAC (RFC 2104) on the native SM3.  The thread keeps the padded-key
 * states of the last key it used: the sealing key of personal data and
 * the index key are used over and over, and these two compressions were
 * half the cost of opening a short value.  The kept states are key
 * material, as the key itself is in its owner's memory; they are wiped
 * when another key takes their place.
 */
struct sm3_hmac_cache {
	int			valid;
	size_t			klen;
	unsigned char		key[64];	/* the key, or its SM3 if longer */
	unsigned char		kdig[CRYPTO_SM3_LEN];	/* SM3 of a long key */
	struct crypto_sm3_ctx	in, out;
};

static _Thread_local struct sm3_hmac_cache	sm3_hmac_tls;

/* 1 if the cache holds key[0..klen). */
static int
sm3_hmac_same(const struct sm3_hmac_cache *c, const unsigned char *key,
    size_t klen)
{
	unsigned char	d = 0;
	size_t		i;

	if (!c->valid || c->klen != klen || klen > 64)
		return 0;
	for (i = 0; i < klen; i++)
		d |= (unsigned char)(c->key[i] ^ key[i]);
	return d == 0;
}

static void
sm3_hmac_setkey(struct sm3_hmac_cache *c, const unsigned char *key,
    size_t klen)
{
	unsigned char	k[64], pad[64];
	size_t		i;

	mem_wipe(c, sizeof(*c));
	memset(k, 0, sizeof(k));
	if (klen > 64) {
		sm3_reset(&c->in);
		crypto_sm3_ctx_digest(&c->in, key, klen, k);
	} else {
		if (klen > 0)
			memcpy(k, key, klen);
		memcpy(c->key, key, klen);
		c->klen = klen;
		c->valid = 1;
	}
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sm3_reset(&c->in);
	crypto_sm3_ctx_update(&c->in, pad, 64);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sm3_reset(&c->out);
	crypto_sm3_ctx_update(&c->out, pad, 64);
	mem_wipe(k, sizeof(k));
	mem_wipe(pad, sizeof(pad));
}

void
crypto_sm3_hmac(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[CRYPTO_SM3_LEN])
{
	struct sm3_hmac_cache	*c = &sm3_hmac_tls;
	struct crypto_sm3_ctx	 x;
	unsigned char		 inner[CRYPTO_SM3_LEN];

	/* A key longer than a block is hashed each time (none of ours is). */
	if (!sm3_hmac_same(c, key, klen))
		sm3_hmac_setkey(c, key, klen);
	x = c->in;
	if (mlen > 0)
		crypto_sm3_ctx_update(&x, msg, mlen);
	crypto_sm3_ctx_final(&x, inner);
	x = c->out;
	crypto_sm3_ctx_update(&x, inner, sizeof(inner));
	crypto_sm3_ctx_final(&x, out);
	mem_wipe(&x, sizeof(x));
	mem_wipe(inner, sizeof(inner));
	if (!c->valid)
		mem_wipe(c, sizeof(*c));
}

void
crypto_sm3_native_parts(const struct crypto_part *parts, int nparts,
    unsigned char out[CRYPTO_SM3_LEN])
{
	struct crypto_sm3_ctx	c;
	int			i;

	sm3_reset(&c);
	for (i = 0; i < nparts; i++)
		if (parts[i].n > 0)
			crypto_sm3_ctx_update(&c, parts[i].p, parts[i].n);
	crypto_sm3_ctx_final(&c, out);
}
