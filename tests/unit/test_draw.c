/*
 * Unit tests for src/domain/draw*.c (firewarden-draw-v1) and the native
 * SM3 of src/crypto/crypto_sm3.c: known answers from the independent
 * Python reference (the bundles in tests/draw, made by reference.py
 * there), byte-for-byte bundles, verification and the first difference it names,
 * tampering with every byte of a bundle, public bundles, a comparison with
 * a naive transcription of the spec on random rosters, the rules of
 * sections 4 and 5 (conflicts, max_load, unassigned candidates), the
 * uniformity of the selection (chi-squared), input validation and the
 * strict bundle reader (against jansson's idea of JSON).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/draw.h"

#define MAXC	128
#define MAXI	32
#define MAXX	64
#define MAXQ	32
#define MAXT	4
#define MAXS	1024

/* ------------------------------------------------------------ helpers */

/* A draw input built by a test, owning its strings. */
struct tin {
	struct draw_input	 in;
	struct draw_candidate	 cand[MAXC];
	struct draw_inspector	 insp[MAXI];
	const char		*areas[MAXI][8];
	struct draw_conflict	 confl[MAXX];
	struct draw_quota	 quota[MAXQ];
	struct draw_member	 team[MAXT];
	char			*str[MAXS];
	size_t			 nstr;
};

static const char *
S(struct tin *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *
S(struct tin *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	assert_true(t->nstr < MAXS);
	t->str[t->nstr++] = s;
	return s;
}

static void
tin_init(struct tin *t)
{
	memset(t, 0, sizeof(*t));
	t->in.plan_id = "P-1";
	t->in.beacon.source = "test";
	t->in.beacon.round = "1";
	t->in.beacon.value = "v";
	t->in.max_load = 10;
	t->in.candidates = t->cand;
	t->in.inspectors = t->insp;
	t->in.conflicts = t->confl;
	t->in.quotas = t->quota;
	t->in.team = t->team;
}

static void
tin_free(struct tin *t)
{
	size_t	i;

	for (i = 0; i < t->nstr; i++)
		free(t->str[i]);
	t->nstr = 0;
}

static void
add_cand(struct tin *t, const char *id, const char *stratum, const char *area)
{
	assert_true(t->in.ncandidates < MAXC);
	t->cand[t->in.ncandidates].id = id;
	t->cand[t->in.ncandidates].stratum = stratum;
	t->cand[t->in.ncandidates++].area = area;
}

static void
add_insp(struct tin *t, const char *id, const char *dept, const char *a1,
    const char *a2)
{
	size_t	i = t->in.ninspectors++;

	assert_true(i < MAXI);
	t->insp[i].id = id;
	t->insp[i].department = dept;
	t->insp[i].areas = t->areas[i];
	t->insp[i].nareas = 0;
	if (a1 != NULL)
		t->areas[i][t->insp[i].nareas++] = a1;
	if (a2 != NULL)
		t->areas[i][t->insp[i].nareas++] = a2;
}

static void
add_quota(struct tin *t, const char *stratum, int64_t count)
{
	assert_true(t->in.nquotas < MAXQ);
	t->quota[t->in.nquotas].stratum = stratum;
	t->quota[t->in.nquotas++].count = count;
}

static void
add_team(struct tin *t, const char *dept, int64_t count)
{
	assert_true(t->in.nteam < MAXT);
	t->team[t->in.nteam].department = dept;
	t->team[t->in.nteam++].count = count;
}

static void
add_conflict(struct tin *t, const char *insp, const char *cand)
{
	assert_true(t->in.nconflicts < MAXX);
	t->confl[t->in.nconflicts].inspector = insp;
	t->confl[t->in.nconflicts++].candidate = cand;
}

/* Commit and draw; both must succeed. */
static void
run(const struct draw_input *in, struct draw_commit **c,
    struct draw_result **r)
{
	struct err	e;

	err_clear(&e);
	if (draw_commit(in, c, &e) < 0)
		fail_msg("commit: %s", e.msg);
	if (draw_run(in, *c, r, &e) < 0)
		fail_msg("run: %s", e.msg);
}

static uint64_t
rng(uint64_t *s)
{
	uint64_t	x = (*s += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * tests/draw/NAME in the source tree.  __FILE__ is the path the compiler
 * was given, relative to the build directory, which is two levels above
 * this program (BUILD/tests/unit/test_draw): so the file is found from
 * any working directory.  $FIREWARDEN_SRC overrides.
 */
static char *
load_vector(const char *name, size_t *len)
{
	const char	*src = getenv("FIREWARDEN_SRC");
	char		 path[4096], self[2048], *p;
	struct buf	 b;
	FILE		*f = NULL;
	ssize_t		 sn;
	size_t		 n;
	int		 up;

	if (src != NULL && *src != '\0') {
		snprintf(path, sizeof(path), "%s/tests/draw/%s", src, name);
		f = fopen(path, "rb");
	}
	if (f == NULL && __FILE__[0] != '/' &&
	    (sn = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[sn] = '\0';
		for (up = 0; up < 3 && (p = strrchr(self, '/')) != NULL; up++)
			*p = '\0';
		snprintf(path, sizeof(path), "%s/%s", self, __FILE__);
		if ((p = strstr(path, "tests/unit/test_draw.c")) != NULL) {
			snprintf(p, sizeof(path) - (size_t)(p - path),
			    "tests/draw/%s", name);
			f = fopen(path, "rb");
		}
	}
	if (f == NULL) {
		snprintf(path, sizeof(path), "%s", __FILE__);
		if ((p = strstr(path, "tests/unit/test_draw.c")) != NULL) {
			snprintf(p, sizeof(path) - (size_t)(p - path),
			    "tests/draw/%s", name);
			f = fopen(path, "rb");
		}
	}
	if (f == NULL)
		fail_msg("tests/draw/%s not found; set FIREWARDEN_SRC", name);
	buf_init(&b);
	for (;;) {
		buf_reserve(&b, 4096);
		n = fread(b.data + b.len, 1, b.cap - b.len - 1, f);
		if (n == 0)
			break;
		b.len += n;
		b.data[b.len] = '\0';
	}
	fclose(f);
	*len = b.len;
	return buf_release(&b);
}

/* Parse text as a bundle, verify; 0 or the error, in e. */
static int
verify_text(const char *text, size_t n, struct draw_summary *sum,
    struct err *e)
{
	struct draw_bundle	*b = NULL;
	int			 rc;

	err_clear(e);
	if ((rc = draw_bundle_parse(text, n, DRAW_PARSE_BUNDLE, &b, e)) == 0)
		rc = draw_verify(b, sum, e);
	draw_bundle_free(b);
	return rc;
}

/* A copy of text with the first occurrence of from replaced by to. */
static char *
replace(const char *text, const char *from, const char *to)
{
	const char	*p = strstr(text, from);
	struct buf	 b;

	if (p == NULL)
		fail_msg("test text lacks %s", from);
	buf_init(&b);
	buf_add(&b, text, (size_t)(p - text));
	buf_adds(&b, to);
	buf_adds(&b, p + strlen(from));
	return buf_release(&b);
}

/* The text must fail to verify with exactly msg. */
static void
expect_diff(const char *text, const char *from, const char *to,
    const char *msg)
{
	struct err	 e;
	char		*t = replace(text, from, to);

	if (verify_text(t, strlen(t), NULL, &e) == 0)
		fail_msg("verified after %s -> %s", from, to);
	if (strcmp(e.msg, msg) != 0)
		fail_msg("after %s -> %s:\n  got  %s\n  want %s", from, to,
		    e.msg, msg);
	free(t);
}

/* ---------------------------------------------------- SM3 (native) */

static void
test_draw__sm3_native_matches_openssl(void **state)
{
	struct crypto_sm3_ctx	*c = crypto_sm3_ctx_new(), *d;
	unsigned char		 msg[600], a[32], b[32];
	char			 hex[65];
	uint64_t		 s = 42;
	size_t			 n, i, cut;

	(void)state;
	/* GB/T 32905-2016 appendix A. */
	crypto_sm3_ctx_digest(c, "abc", 3, a);
	str_hex(a, 32, hex);
	assert_string_equal(hex, "66c7f0f462eeedd9d1f2d46bdc10e4e2"
	    "4167c4875cf2f7a2297da02b8f4ba8e0");
	for (i = 0; i < 16; i++)
		memcpy(msg + 4 * i, "abcd", 4);
	crypto_sm3_ctx_digest(c, msg, 64, a);
	str_hex(a, 32, hex);
	assert_string_equal(hex, "debe9ff92275b8a138604889c18e5a4d"
	    "6fdb70e5387e5765293dcba39c0c5732");
	/* Every length around the block and padding boundaries, in pieces. */
	for (n = 0; n < sizeof(msg); n++) {
		for (i = 0; i < n; i++)
			msg[i] = (unsigned char)rng(&s);
		crypto_sm3(msg, n, b);
		cut = n ? (size_t)(rng(&s) % n) : 0;
		crypto_sm3_ctx_update(c, msg, cut);
		crypto_sm3_ctx_update(c, msg + cut, n - cut);
		crypto_sm3_ctx_final(c, a);
		assert_memory_equal(a, b, 32);
		crypto_sm3_ctx_digest(c, msg, n, a);
		assert_memory_equal(a, b, 32);
	}
	/* A copy continues from the same state. */
	d = crypto_sm3_ctx_new();
	crypto_sm3_ctx_update(c, msg, 100);
	crypto_sm3_ctx_copy(d, c);
	crypto_sm3_ctx_final(d, a);
	crypto_sm3(msg, 100, b);
	assert_memory_equal(a, b, 32);
	crypto_sm3_ctx_update(c, msg + 100, 50);
	crypto_sm3_ctx_final(c, a);
	crypto_sm3(msg, 150, b);
	assert_memory_equal(a, b, 32);
	crypto_sm3_ctx_free(c);
	crypto_sm3_ctx_free(d);
	crypto_sm3_ctx_free(NULL);
}

/* The batch function: every lane, mixed lengths, any count. */
static void
test_draw__sm3_many_matches_openssl(void **state)
{
	enum { N = 37 };
	unsigned char		*msg[N], out[N][32], want[32];
	const unsigned char	*cmsg[N];
	size_t			 len[N], round, i, j, n;
	uint64_t		 s = 5;

	(void)state;
	for (round = 0; round < 600; round++) {
		/* Half the rounds on the portable path (else AVX2 if any). */
		crypto_sm3_many_portable(round % 2);
		n = (size_t)(rng(&s) % (N + 1));
		for (i = 0; i < n; i++) {
			/* Mostly the key sizes, sometimes anything to 300. */
			len[i] = rng(&s) % 4 ? 40 + rng(&s) % 40 :
			    rng(&s) % 301;
			msg[i] = xmalloc(len[i] + 1);
			for (j = 0; j < len[i]; j++)
				msg[i][j] = (unsigned char)rng(&s);
			cmsg[i] = msg[i];
		}
		crypto_sm3_many(cmsg, len, n, out);
		for (i = 0; i < n; i++) {
			crypto_sm3(msg[i], len[i], want);
			assert_memory_equal(out[i], want, 32);
			free(msg[i]);
		}
	}
	crypto_sm3_many_portable(0);
}

/* ------------------------------------------------ known answers */

/* The committed bundles, made by tests/draw/reference.py. */
static const char	*vectors[] = {
	"basic.json", "joint.json", "edge.json", "basic-public.json",
};

/* Re-run a committed bundle's inputs and compare every computed field. */
static void
check_vector(const char *name)
{
	struct draw_bundle	*b = NULL;
	struct draw_commit	*c = NULL;
	struct draw_result	*r = NULL;
	struct draw_input	 full;
	struct buf		 out;
	struct err		 e;
	char			*text, hex[65];
	size_t			 n, k, j, u = 0;

	text = load_vector(name, &n);
	if (draw_bundle_parse(text, n, DRAW_PARSE_BUNDLE, &b, &e) < 0)
		fail_msg("%s: %s", name, e.msg);
	full = b->in;
	run(&full, &c, &r);
	assert_string_equal(c->candidates_hash, b->candidates_hash);
	assert_string_equal(c->roster_hash, b->roster_hash);
	assert_string_equal(r->seed_hex, b->seed);
	assert_int_equal(r->npicks, b->nselected);
	for (k = 0; k < r->npicks; k++) {
		const struct draw_pick	*p = &r->picks[k];

		assert_string_equal(b->in.candidates[p->candidate].id,
		    b->selected[k].candidate);
		str_hex(p->key, 32, hex);
		assert_string_equal(hex, b->selected[k].key);
		if (!r->assigned)
			continue;
		assert_int_equal(p->ninspectors, b->selected[k].ninspectors);
		for (j = 0; j < p->ninspectors; j++)
			assert_string_equal(b->in.inspectors[
			    r->inspectors[p->first + j]].id,
			    b->selected[k].inspectors[j]);
		if (p->unassigned)
			assert_string_equal(b->in.candidates[p->candidate].id,
			    b->unassigned[u++]);
	}
	if (r->assigned)
		assert_int_equal(u, b->nunassigned);
	/* The writer's layout is the reference script's, byte for byte. */
	if (r->assigned) {
		buf_init(&out);
		draw_bundle_write(&b->in, c, r, 0, &out);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.data, text, n);
		buf_free(&out);
	}
	draw_result_free(r);
	draw_commit_free(c);
	draw_bundle_free(b);
	free(text);
}

static void
test_draw__known_answers(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(vectors[i]);
}

/* The same draw built by hand: hashes as printed by reference.py. */
static void
test_draw__known_answers_by_hand(void **state)
{
	struct tin		 t;
	struct draw_commit	*c = NULL;
	struct draw_result	*r = NULL;
	struct buf		 pub;
	char			*text;
	size_t			 n;
	const char		*s1 = "441900003|key-crowded|high";
	const char		*s2 = "441900003|general|low";
	const char		*s3 = "441900105|key-crowded|high";
	const char		*s4 = "441900200|general|low";
	const char		*a1 = "441900003", *a2 = "441900105";

	(void)state;
	tin_init(&t);
	t.in.plan_id = "DG-2026-Q3-0001";
	t.in.beacon.source = "drand quicknet";
	t.in.beacon.round = "11940215";
	t.in.beacon.value = "8c4d1f0a6b1e3c5d7f9a2b4c6d8e0f1a3b5c7d9e1f2a4b6"
	    "c8d0e2f4a6b8c0d1e";
	add_quota(&t, s1, 2);
	add_quota(&t, s2, 4);
	add_quota(&t, s3, 5);
	add_quota(&t, s4, 1);
	add_team(&t, "fire", 2);
	t.in.max_load = 2;
	add_cand(&t, "u07", s1, a1);
	add_cand(&t, "u01", s1, a1);
	add_cand(&t, "u02", s1, a1);
	add_cand(&t, "u03", s1, a1);
	add_cand(&t, "u04", s1, a1);
	add_cand(&t, "u05", s2, a1);
	add_cand(&t, "u06", s2, a1);
	add_cand(&t, "u08", s2, a1);
	add_cand(&t, "u09", s2, a1);
	add_cand(&t, "u10", s3, a2);
	add_cand(&t, "u11", s3, a2);
	add_cand(&t, "u12", s3, a2);
	add_cand(&t, "u13", s4, "441900200");
	add_insp(&t, "f03", "fire", a2, a1);
	add_insp(&t, "f01", "fire", a1, NULL);
	add_insp(&t, "f02", "fire", a1, NULL);
	add_insp(&t, "f04", "fire", a2, NULL);
	add_insp(&t, "f05", "fire", a2, NULL);
	add_insp(&t, "m01", "market", a1, a2);
	add_conflict(&t, "f04", "u11");
	add_conflict(&t, "f01", "u05");
	add_conflict(&t, "f01", "u01");
	run(&t.in, &c, &r);
	assert_string_equal(c->candidates_hash, "e8fb09941fdbfe8521962c49a4269f"
	    "dd1980d859cc2d592267d347e25a3e3760");
	assert_string_equal(c->roster_hash, "7c80c41020f30499b071e03241c0fbf3"
	    "8c0a42fa4ddc0720cf2e4809dbf17939");
	assert_string_equal(r->seed_hex, "dde3512e6075f79e1c2833af839cbe88977"
	    "536ce76159e08cf6f262eb6adf338");
	assert_int_equal(r->npicks, 10);
	assert_int_equal(r->nunassigned, 6);
	/* The public form is the committed public bundle. */
	buf_init(&pub);
	draw_bundle_write(&t.in, c, r, 1, &pub);
	text = load_vector("basic-public.json", &n);
	assert_int_equal(pub.len, n);
	assert_memory_equal(pub.data, text, n);
	free(text);
	buf_free(&pub);
	draw_result_free(r);
	draw_commit_free(c);
	tin_free(&t);
}

/* --------------------------------------------------------- verify */

static void
test_draw__verify_vectors(void **state)
{
	struct draw_summary	 sum;
	struct err		 e;
	char			*text;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		text = load_vector(vectors[i], &n);
		if (verify_text(text, n, &sum, &e) < 0)
			fail_msg("%s: %s", vectors[i], e.msg);
		assert_int_equal(sum.withheld,
		    strstr(vectors[i], "public") != NULL);
		free(text);
	}
	text = load_vector("basic.json", &n);
	assert_int_equal(verify_text(text, n, &sum, &e), 0);
	assert_int_equal(sum.nselected, 10);
	assert_int_equal(sum.nunassigned, 6);
	free(text);
}

static void
test_draw__verify_names_first_difference(void **state)
{
	struct err	 e;
	char		*t, *u, *v;
	size_t		 n;

	(void)state;
	t = load_vector("basic.json", &n);
	expect_diff(t, "\"candidate\": \"u06\"", "\"candidate\": \"u05\"",
	    "selected[0].candidate: expected \"u06\", bundle has \"u05\"");
	expect_diff(t, "\"inspectors\": [\"f05\", \"f04\"]",
	    "\"inspectors\": [\"f05\", \"f03\"]",
	    "selected[5].inspectors[1]: expected \"f04\", bundle has \"f03\"");
	expect_diff(t, "\"inspectors\": [\"f05\", \"f04\"]",
	    "\"inspectors\": [\"f05\"]",
	    "selected[5].inspectors: expected 2 entries, bundle has 1");
	expect_diff(t, "1284447122511fb5", "1284447122511fb6",
	    "selected[0].key: expected \"1284447122511fb562300dcc5be3cc2ba930"
	    "5fa2c5478c8ce10e5af1dbd2276f\", bundle has \"1284447122511fb66230"
	    "0dcc5be3cc2ba9305fa2c5478c8ce10e5af1dbd2276f\"");
	expect_diff(t, "    \"u13\"\n", "    \"u12\"\n",
	    "unassigned[5]: expected \"u13\", bundle has \"u12\"");
	expect_diff(t, ",\n    \"u13\"\n", "\n",
	    "unassigned: expected 6 entries, bundle has 5");
	expect_diff(t, "\"seed\": \"dde3", "\"seed\": \"ede3",
	    "seed: expected \"dde3512e6075f79e1c2833af839cbe88977536ce76159e08"
	    "cf6f262eb6adf338\", bundle has \"ede3512e6075f79e1c2833af839cbe88"
	    "977536ce76159e08cf6f262eb6adf338\"");
	/* A roster change shows as the hash that binds it. */
	expect_diff(t, "{\"id\": \"u03\", \"stratum\": \"441900003|key-crowded|"
	    "high\"", "{\"id\": \"u03\", \"stratum\": \"441900003|general|"
	    "low\"", "candidates_hash: expected \"0d5eaf2aa6e4a6815007cca105199"
	    "af29a3034e3ac413cfe5e4c9683f8ad77d1\", bundle has \"e8fb09941fdbf"
	    "e8521962c49a4269fdd1980d859cc2d592267d347e25a3e3760\"");
	/*
	 * The spec fixes the order of selected, not the order of the ids in
	 * an inspectors list or in unassigned: the same ids in another order
	 * verify.
	 */
	u = replace(t, "\"inspectors\": [\"f05\", \"f04\"]",
	    "\"inspectors\": [\"f04\", \"f05\"]");
	assert_int_equal(verify_text(u, strlen(u), NULL, &e), 0);
	v = replace(u, "    \"u01\",\n    \"u11\",", "    \"u11\",\n    \"u01\",");
	assert_int_equal(verify_text(v, strlen(v), NULL, &e), 0);
	free(v);
	v = replace(u, "    \"u01\",\n    \"u11\",", "    \"u11\",\n    \"u11\",");
	assert_int_not_equal(verify_text(v, strlen(v), NULL, &e), 0);
	assert_string_equal(e.msg,
	    "unassigned[0]: expected \"u01\", bundle has \"u11\"");
	free(v);
	free(u);
	free(t);
}

/* Which top-level field a line of a bundle belongs to. */
static const char *
section_of(const char *line, const char *cur)
{
	static char	name[64];
	size_t		n;

	if (strncmp(line, "  \"", 3) != 0)
		return cur;
	n = strcspn(line + 3, "\"");
	if (n >= sizeof(name))
		return cur;
	memcpy(name, line + 3, n);
	name[n] = '\0';
	return name;
}

/* A different byte of the same kind, so that most edits stay JSON. */
static char
mutate(char c)
{
	if (c >= '0' && c <= '8')
		return (char)(c + 1);
	if (c == '9')
		return '0';
	if ((c >= 'a' && c <= 'y') || (c >= 'A' && c <= 'Y'))
		return (char)(c + 1);
	if (c == 'z' || c == 'Z')
		return (char)(c - 1);
	return c == '|' ? '/' : '|';
}

/*
 * Change every byte of the sections the spec binds, one at a time: the
 * bundle must not verify, and a bundle that still parses must say which
 * field differs.  plan_id and beacon.value feed the seed; candidates,
 * inspectors, conflicts the hashes; the computed fields are compared.
 * (beacon source and round are bound by the commit in the audit log,
 * not by the bundle; quotas, team and max_load only where they change
 * the result: those are tested in verify_names_first_difference.)
 */
static void
tamper_every_byte(const char *name, int public)
{
	static const char	*bound[] = { "version", "plan_id", "candidates",
				    "inspectors", "conflicts", "candidates_hash",
				    "roster_hash", "seed", "selected",
				    "unassigned", NULL };
	struct err		 e;
	const char		*sec = "", *line, *p;
	char			*text;
	size_t			 n, i, k, changed = 0;
	int			 is_bound;

	text = load_vector(name, &n);
	for (line = text; line < text + n; line = strchr(line, '\n') + 1) {
		sec = section_of(line, sec);
		for (is_bound = 0, k = 0; bound[k] != NULL; k++)
			if (strcmp(sec, bound[k]) == 0)
				is_bound = 1;
		if (strncmp(line, "  \"beacon\"", 10) == 0) {
			/* Only the value: from after "value": to the end. */
			const char	*v = strstr(line, "\"value\": \"") + 10;

			for (i = (size_t)(v - text); text[i] != '"'; i++) {
				char	c = text[i];

				text[i] = mutate(c);
				assert_int_not_equal(verify_text(text, n, NULL,
				    &e), 0);
				/* A byte of a UTF-8 sequence breaks the text. */
				if (e.code != ERR_BAD_JSON)
					assert_string_equal(e.field, "seed");
				text[i] = c;
				changed++;
			}
			continue;
		}
		if (!is_bound)
			continue;
		/* Skip the indentation: white space there is not content. */
		for (i = (size_t)(line - text); text[i] == ' '; i++)
			;
		for (; text[i] != '\n'; i++) {
			char	c = text[i];

			/* Public: who was chosen is not checkable. */
			if (public && strcmp(sec, "selected") == 0 &&
			    (p = strstr(line, "\"inspectors\": [")) != NULL &&
			    p < strchr(line, '\n') && text + i >= p)
				continue;
			text[i] = mutate(c);
			if (verify_text(text, n, NULL, &e) == 0)
				fail_msg("%s: byte %zu ('%c' -> '%c', in %s) "
				    "changed and the bundle still verifies",
				    name, i, c, text[i], sec);
			if (e.code != ERR_BAD_JSON && e.code != ERR_DUP_KEY &&
			    (e.field[0] == '\0' && e.code != ERR_UNKNOWN_FIELD))
				fail_msg("%s: byte %zu: no field named: %s",
				    name, i, e.msg);
			if (e.field[0] != '\0' &&
			    strncmp(e.msg, e.field, strlen(e.field)) != 0)
				fail_msg("%s: message does not start with the "
				    "field: %s", name, e.msg);
			text[i] = c;
			changed++;
		}
	}
	assert_true(changed > 1000);
	/* And untouched it still verifies. */
	assert_int_equal(verify_text(text, n, NULL, &e), 0);
	free(text);
}

static void
test_draw__tamper_every_byte(void **state)
{
	(void)state;
	tamper_every_byte("basic.json", 0);
	tamper_every_byte("edge.json", 0);
	tamper_every_byte("basic-public.json", 1);
}

static void
test_draw__public_bundle(void **state)
{
	struct err	 e;
	char		*t, *u;
	size_t		 n;

	(void)state;
	t = load_vector("basic-public.json", &n);
	/* The selection is checked. */
	expect_diff(t, "\"candidate\": \"u05\"", "\"candidate\": \"u04\"",
	    "selected[1].candidate: expected \"u05\", bundle has \"u04\"");
	/* The published roster hash goes into the seed. */
	expect_diff(t, "\"roster_hash\": \"7c80", "\"roster_hash\": \"7c81",
	    "seed: expected \"8e26050a7501e3746012d7e52caf0934bec1d4e90dabd249"
	    "f1ab25f285c9e759\", bundle has \"dde3512e6075f79e1c2833af839cbe88"
	    "977536ce76159e08cf6f262eb6adf338\"");
	expect_diff(t, "\"roster_hash\": \"7c80", "\"roster_hash\": \"7C80",
	    "roster_hash: must be 64 lowercase hex digits");
	/* The inspector lists agree with the team and the unassigned list. */
	expect_diff(t, "\"inspectors\": [\"f05\", \"f04\"]",
	    "\"inspectors\": [\"f05\"]", "selected[5].inspectors: expected 2 "
	    "entries (the team) or none (unassigned), bundle has 1");
	expect_diff(t, "\"inspectors\": [\"f05\", \"f04\"]",
	    "\"inspectors\": [\"f05\", \"f05\"]",
	    "selected[5].inspectors: inspector \"f05\" listed twice");
	expect_diff(t, "\"inspectors\": [\"f05\", \"f04\"]",
	    "\"inspectors\": [\"f02\", \"f04\"]",
	    "selected[5].inspectors: inspector \"f02\" would have more than "
	    "max_load (2) candidates");
	expect_diff(t, "\"inspectors\": [\"f05\", \"f04\"]", "\"inspectors\": []",
	    "unassigned[3]: expected \"u12\", bundle has \"u08\"");
	/* Which inspectors were chosen cannot be checked without the roster. */
	u = replace(t, "\"inspectors\": [\"f05\", \"f04\"]",
	    "\"inspectors\": [\"f09\", \"f04\"]");
	assert_int_equal(verify_text(u, strlen(u), NULL, &e), 0);
	free(u);
	free(t);
}

/* ------------------------------------------- the spec, transcribed */

/*
 * A naive transcription of spec sections 1 and 3 to 5, with OpenSSL's
 * SM3, quadratic loops and no cleverness, to compare with the engine.
 */
struct ref_pick {
	size_t		cand;
	unsigned char	key[32];
	size_t		insp[16];
	size_t		n;
	int		unassigned;
};

static int
ref_cmp(const unsigned char *ka, const char *ia, const unsigned char *kb,
    const char *ib)
{
	int	c = memcmp(ka, kb, 32);

	return c != 0 ? c : strcmp(ia, ib);
}

static void
ref_sm3(const void *a, size_t an, const void *b, size_t bn, const void *c,
    size_t cn, unsigned char out[32])
{
	struct crypto_part	p[3] = { { a, an }, { b, bn }, { c, cn } };

	crypto_sm3_parts(p, 3, out);
}

static void
ref_hashes(const struct draw_input *in, char ch[65], char rh[65])
{
	struct buf	 all, cl;
	const char	*lines[MAXC + MAXI + MAXX], *tmp;
	char		*owned[MAXC + MAXI + MAXX];
	unsigned char	 md[32];
	size_t		 nl = 0, i, j, k, nc;

	for (i = 0; i < in->ncandidates; i++) {
		owned[nl] = xasprintf("C\t%s\t%s\t%s\n", in->candidates[i].id,
		    in->candidates[i].stratum, in->candidates[i].area);
		lines[nl] = owned[nl];
		nl++;
	}
	nc = nl;
	for (i = 0; i < in->ninspectors; i++) {
		const char	*a[8];
		struct buf	 l;

		for (j = 0; j < in->inspectors[i].nareas; j++)
			a[j] = in->inspectors[i].areas[j];
		for (j = 0; j < in->inspectors[i].nareas; j++)
			for (k = j + 1; k < in->inspectors[i].nareas; k++)
				if (strcmp(a[k], a[j]) < 0) {
					tmp = a[j];
					a[j] = a[k];
					a[k] = tmp;
				}
		buf_init(&l);
		buf_printf(&l, "I\t%s\t%s\t", in->inspectors[i].id,
		    in->inspectors[i].department);
		for (j = 0; j < in->inspectors[i].nareas; j++)
			buf_printf(&l, "%s%s", j ? "," : "", a[j]);
		buf_adds(&l, "\n");
		owned[nl] = buf_release(&l);
		lines[nl] = owned[nl];
		nl++;
	}
	for (i = 0; i < in->nconflicts; i++) {
		owned[nl] = xasprintf("X\t%s\t%s\n", in->conflicts[i].inspector,
		    in->conflicts[i].candidate);
		lines[nl] = owned[nl];
		nl++;
	}
	/* Sort each kind by the whole line; the kinds stay C, I, X. */
	for (i = 0; i < nl; i++)
		for (j = i + 1; j < nl; j++)
			if (lines[i][0] == lines[j][0] &&
			    strcmp(lines[j], lines[i]) < 0) {
				tmp = lines[i];
				lines[i] = lines[j];
				lines[j] = tmp;
			}
	buf_init(&all);
	buf_init(&cl);
	for (i = 0; i < nl; i++) {
		buf_adds(&all, lines[i]);
		if (i < nc)
			buf_adds(&cl, lines[i]);
	}
	crypto_sm3(cl.data ? cl.data : "", cl.len, md);
	str_hex(md, 32, ch);
	crypto_sm3(all.data ? all.data : "", all.len, md);
	str_hex(md, 32, rh);
	buf_free(&all);
	buf_free(&cl);
	for (i = 0; i < nl; i++)
		free(owned[i]);
}

static size_t
ref_draw(const struct draw_input *in, const char *rh, struct ref_pick *out)
{
	unsigned char	 seed[32], tmp[32];
	unsigned char	 ck[MAXC][32];
	int64_t		 load[MAXI] = { 0 };
	size_t		 np = 0, i, j, q, t, m, best;
	size_t		 chosen[16], nch;
	char		 pre[512];
	int		 ok;

	snprintf(pre, sizeof(pre), "firewarden-draw-v1%c%s%c%s%c", 0,
	    in->plan_id, 0, rh, 0);
	ref_sm3(pre, 18 + 1 + strlen(in->plan_id) + 1 + 64 + 1,
	    in->beacon.value, strlen(in->beacon.value), "", 0, seed);
	for (i = 0; i < in->ncandidates; i++)
		ref_sm3(seed, 32, "\x01", 1, in->candidates[i].id,
		    strlen(in->candidates[i].id), ck[i]);
	/* Per stratum: repeatedly take the smallest not yet taken. */
	for (q = 0; q < in->nquotas; q++) {
		int	taken[MAXC] = { 0 };

		for (m = 0; m < (size_t)in->quotas[q].count; m++) {
			best = SIZE_MAX;
			for (i = 0; i < in->ncandidates; i++) {
				if (taken[i] || strcmp(in->candidates[i].stratum,
				    in->quotas[q].stratum) != 0)
					continue;
				if (best == SIZE_MAX || ref_cmp(ck[i],
				    in->candidates[i].id, ck[best],
				    in->candidates[best].id) < 0)
					best = i;
			}
			if (best == SIZE_MAX)
				break;
			taken[best] = 1;
			out[np].cand = best;
			memcpy(out[np].key, ck[best], 32);
			np++;
		}
	}
	for (i = 0; i < np; i++)
		for (j = i + 1; j < np; j++)
			if (ref_cmp(out[j].key, in->candidates[out[j].cand].id,
			    out[i].key, in->candidates[out[i].cand].id) < 0) {
				struct ref_pick	x = out[i];

				out[i] = out[j];
				out[j] = x;
			}
	for (i = 0; i < np; i++) {
		const struct draw_candidate	*c = &in->candidates[out[i].cand];

		nch = 0;
		ok = 1;
		for (t = 0; t < in->nteam && ok; t++) {
			for (m = 0; m < (size_t)in->team[t].count; m++) {
				unsigned char	bk[32];

				best = SIZE_MAX;
				for (j = 0; j < in->ninspectors; j++) {
					const struct draw_inspector *p =
					    &in->inspectors[j];
					size_t	a, x, y;
					int	eligible = 0;

					if (strcmp(p->department,
					    in->team[t].department) != 0 ||
					    load[j] >= in->max_load)
						continue;
					for (a = 0; a < p->nareas; a++)
						if (strcmp(p->areas[a],
						    c->area) == 0)
							eligible = 1;
					for (x = 0; x < in->nconflicts; x++)
						if (strcmp(in->conflicts[x].
						    inspector, p->id) == 0 &&
						    strcmp(in->conflicts[x].
						    candidate, c->id) == 0)
							eligible = 0;
					for (y = 0; y < nch; y++)
						if (chosen[y] == j)
							eligible = 0;
					if (!eligible)
						continue;
					snprintf(pre, sizeof(pre), "%c%s%c",
					    2, c->id, 0);
					ref_sm3(seed, 32, pre, strlen(c->id) + 2,
					    p->id, strlen(p->id), tmp);
					if (best == SIZE_MAX || ref_cmp(tmp, p->id,
					    bk, in->inspectors[best].id) < 0) {
						best = j;
						memcpy(bk, tmp, 32);
					}
				}
				if (best == SIZE_MAX) {
					ok = 0;
					break;
				}
				chosen[nch++] = best;
			}
		}
		out[i].unassigned = !ok;
		out[i].n = ok ? nch : 0;
		for (j = 0; ok && j < nch; j++) {
			out[i].insp[j] = chosen[j];
			load[chosen[j]]++;
		}
	}
	return np;
}

/* A random roster of a few areas, departments and strata. */
static void
random_roster(struct tin *t, uint64_t *s)
{
	static const char	*depts[] = { "fire", "market", "police" };
	static const int	 teams[][4] = {
		{ 0, 1, -1, 0 }, { 0, 2, -1, 0 }, { 0, 1, 1, 1 },
		{ 0, 1, 1, 1 }, { 1, 2, -1, 0 }, { 0, 1, 0, 1 },
	};
	const char		*areas[4], *strata[8];
	size_t			 na = 1 + rng(s) % 4, ns, i, j, n;
	const int		*tm;

	tin_init(t);
	t->in.plan_id = S(t, "R-%u", (unsigned)(rng(s) % 1000));
	for (i = 0; i < na; i++)
		areas[i] = S(t, "44190%04u", (unsigned)(i * 3 + 1));
	ns = na + rng(s) % 4;
	for (i = 0; i < ns; i++) {
		strata[i] = S(t, "%s|k%zu", areas[i % na], i);
		add_quota(t, strata[i], (int64_t)(rng(s) % 6));
	}
	n = 8 + rng(s) % 60;
	for (i = 0; i < n; i++) {
		j = i < ns ? i : rng(s) % ns;
		add_cand(t, S(t, "c%03u%s", (unsigned)(rng(s) % 1000),
		    i % 2 ? "" : "x"), strata[j], areas[j % na]);
		/* Keep ids unique: the prefix is random, the suffix i. */
		t->cand[i].id = S(t, "%s-%zu", t->cand[i].id, i);
	}
	n = 4 + rng(s) % 28;
	for (i = 0; i < n; i++)
		add_insp(t, S(t, "i%02zu", (n * 7 + i * 13) % 100),
		    depts[rng(s) % 3], areas[rng(s) % na],
		    rng(s) % 3 == 0 ? areas[(rng(s) % na + 1) % na] : NULL);
	/* Two areas drawn equal would be listed twice: keep one. */
	for (i = 0; i < t->in.ninspectors; i++)
		if (t->insp[i].nareas == 2 &&
		    strcmp(t->areas[i][0], t->areas[i][1]) == 0)
			t->insp[i].nareas = 1;
	tm = teams[rng(s) % 6];
	add_team(t, depts[tm[0]], tm[1]);
	if (tm[2] >= 0)
		add_team(t, depts[tm[2]], tm[3]);
	t->in.max_load = 1 + (int64_t)(rng(s) % 6);
	for (i = 0; i < 20; i++) {
		const char	*x = t->insp[rng(s) % t->in.ninspectors].id;
		const char	*y = t->cand[rng(s) % t->in.ncandidates].id;

		for (j = 0; j < t->in.nconflicts; j++)
			if (t->confl[j].inspector == x &&
			    t->confl[j].candidate == y)
				break;
		if (j == t->in.nconflicts && rng(s) % 2)
			add_conflict(t, x, y);
	}
}

static void
test_draw__matches_naive_transcription(void **state)
{
	struct tin		 t;
	struct draw_commit	*c;
	struct draw_result	*r;
	struct ref_pick		 ref[MAXC];
	struct err		 e;
	char			 ch[65], rh[65], hex[65];
	uint64_t		 s = 7;
	size_t			 round, np, k, j, unassigned = 0, assigned = 0;

	(void)state;
	for (round = 0; round < 400; round++) {
		random_roster(&t, &s);
		t.in.beacon.value = S(&t, "beacon %zu", round);
		if (draw_validate(&t.in, &e) < 0)
			fail_msg("round %zu: %s", round, e.msg);
		run(&t.in, &c, &r);
		ref_hashes(&t.in, ch, rh);
		assert_string_equal(c->candidates_hash, ch);
		assert_string_equal(c->roster_hash, rh);
		np = ref_draw(&t.in, rh, ref);
		assert_int_equal(r->npicks, np);
		for (k = 0; k < np; k++) {
			const struct draw_pick	*p = &r->picks[k];

			assert_int_equal(p->candidate, ref[k].cand);
			assert_memory_equal(p->key, ref[k].key, 32);
			assert_int_equal(p->unassigned, ref[k].unassigned);
			assert_int_equal(p->ninspectors, ref[k].n);
			for (j = 0; j < p->ninspectors; j++)
				assert_int_equal(r->inspectors[p->first + j],
				    ref[k].insp[j]);
			unassigned += p->unassigned;
			assigned += !p->unassigned;
		}
		str_hex(r->seed, 32, hex);
		assert_string_equal(hex, r->seed_hex);
		draw_result_free(r);
		draw_commit_free(c);
		tin_free(&t);
	}
	/* The rosters exercised both outcomes. */
	assert_true(unassigned > 100);
	assert_true(assigned > 1000);
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Large rosters take the radix sort: ids with a long shared prefix, ids
 * that end inside the radix key, ids equal in all 8 radix bytes, in an
 * order that is not sorted.  The hash must be that of the bytewise
 * sorted lines (checked with qsort, strcmp and OpenSSL), and a duplicate
 * among them must be found and named.
 */
static void
test_draw__large_roster_sort(void **state)
{
	enum { N = 30000 };
	struct draw_candidate	*cand = xcalloc(N, sizeof(*cand));
	struct draw_quota	 q = { "s", 3 };
	struct draw_member	 team = { "fire", 1 };
	struct draw_input	 in;
	struct draw_commit	*c = NULL;
	struct err		 e;
	char			**ids = xcalloc(N, sizeof(*ids));
	char			**lines = xcalloc(N, sizeof(*lines));
	char			 hex[65];
	unsigned char		 md[32];
	struct buf		 all;
	uint64_t		 s = 11;
	size_t			 i;

	(void)state;
	for (i = 0; i < N; i++) {
		switch (rng(&s) % 4) {
		case 0:	/* differs within the radix bytes */
			ids[i] = xasprintf("91441900%08llx-%zu",
			    (unsigned long long)(rng(&s) & 0xffffffff), i);
			break;
		case 1:	/* equal radix bytes, differs after them */
			ids[i] = xasprintf("91441900MA4UJ0K1%zu", i);
			break;
		case 2:	/* ends inside the radix bytes */
			ids[i] = xasprintf("91441900%zx", i);
			break;
		default: /* a prefix of others, and shorter */
			ids[i] = xasprintf("9144190%zu", i);
			break;
		}
		cand[i].id = ids[i];
		cand[i].stratum = "s";
		cand[i].area = "A";
	}
	memset(&in, 0, sizeof(in));
	in.plan_id = "big";
	in.beacon.source = "s";
	in.beacon.round = "r";
	in.quotas = &q;
	in.nquotas = 1;
	in.team = &team;
	in.nteam = 1;
	in.max_load = 1;
	in.candidates = cand;
	in.ncandidates = N;
	if (draw_commit(&in, &c, &e) < 0)
		fail_msg("%s", e.msg);
	for (i = 0; i < N; i++)
		lines[i] = xasprintf("C\t%s\ts\tA\n", ids[i]);
	qsort(lines, N, sizeof(*lines), strp_cmp);
	buf_init(&all);
	for (i = 0; i < N; i++) {
		buf_adds(&all, lines[i]);
		free(lines[i]);
	}
	crypto_sm3(all.data, all.len, md);
	str_hex(md, 32, hex);
	assert_string_equal(c->candidates_hash, hex);
	draw_commit_free(c);
	buf_free(&all);
	/* Two duplicates: the earlier repeat (in input order) is named. */
	cand[20000].id = ids[5];
	cand[12345].id = ids[777];
	assert_int_equal(draw_commit(&in, &c, &e), ERR_INVALID);
	assert_string_equal(e.field, "candidates[12345].id");
	for (i = 0; i < N; i++)
		free(ids[i]);
	free(ids);
	free(lines);
	free(cand);
}

/* ---------------------------------------- rules of sections 4 and 5 */

/* key order across all picks, and no candidate twice. */
static void
check_result_shape(const struct draw_input *in, const struct draw_result *r)
{
	size_t	k, j, l, n = 0;
	int64_t	load[MAXI] = { 0 };

	for (k = 0; k < r->npicks; k++) {
		const struct draw_pick	*p = &r->picks[k];

		if (k > 0)
			assert_true(ref_cmp(r->picks[k - 1].key,
			    in->candidates[r->picks[k - 1].candidate].id,
			    p->key, in->candidates[p->candidate].id) < 0);
		if (p->unassigned) {
			/* An unassignable candidate gets nobody. */
			assert_int_equal(p->ninspectors, 0);
			n++;
			continue;
		}
		for (j = 0; j < p->ninspectors; j++) {
			size_t	i = r->inspectors[p->first + j];

			load[i]++;
			for (l = 0; l < j; l++)
				assert_int_not_equal(i,
				    r->inspectors[p->first + l]);
			for (l = 0; l < in->nconflicts; l++)
				assert_false(strcmp(in->conflicts[l].inspector,
				    in->inspectors[i].id) == 0 &&
				    strcmp(in->conflicts[l].candidate,
				    in->candidates[p->candidate].id) == 0);
		}
	}
	assert_int_equal(n, r->nunassigned);
	for (k = 0; k < in->ninspectors; k++)
		assert_true(load[k] <= in->max_load);
}

/* Many conflicts, over many seeds: never assigned; elsewhere they are. */
static void
test_draw__conflict_never_assigned(void **state)
{
	struct tin		 t;
	struct draw_commit	*c;
	struct draw_result	*r;
	size_t			 round, k, j, conflicted = 0, free_pair = 0;

	(void)state;
	for (round = 0; round < 300; round++) {
		tin_init(&t);
		add_quota(&t, "s", 4);
		add_team(&t, "fire", 1);
		for (k = 0; k < 8; k++)
			add_cand(&t, S(&t, "u%zu", k), "s", "A");
		for (k = 0; k < 4; k++)
			add_insp(&t, S(&t, "f%zu", k), "fire", "A", NULL);
		/* f0 conflicts with every even candidate. */
		for (k = 0; k < 8; k += 2)
			add_conflict(&t, "f0", t.cand[k].id);
		t.in.beacon.value = S(&t, "%zu", round);
		run(&t.in, &c, &r);
		check_result_shape(&t.in, r);
		for (k = 0; k < r->npicks; k++)
			for (j = 0; j < r->picks[k].ninspectors; j++) {
				if (r->inspectors[r->picks[k].first + j] != 0)
					continue;
				assert_true(r->picks[k].candidate % 2 == 1);
				free_pair++;
			}
		for (k = 0; k < r->npicks; k++)
			conflicted += r->picks[k].candidate % 2 == 0;
		draw_result_free(r);
		draw_commit_free(c);
		tin_free(&t);
	}
	/* f0 was drawn for the others, and the others were drawn. */
	assert_true(free_pair > 100);
	assert_true(conflicted > 300);
}

static void
test_draw__max_load_binds(void **state)
{
	struct tin		 t;
	struct draw_commit	*c;
	struct draw_result	*r;
	size_t			 round, k, full = 0;
	int64_t			 load[4];

	(void)state;
	for (round = 0; round < 100; round++) {
		tin_init(&t);
		add_quota(&t, "s", 10);
		add_team(&t, "fire", 2);
		t.in.max_load = 3;
		for (k = 0; k < 12; k++)
			add_cand(&t, S(&t, "u%02zu", k), "s", "A");
		for (k = 0; k < 4; k++)
			add_insp(&t, S(&t, "f%zu", k), "fire", "A", NULL);
		t.in.beacon.value = S(&t, "%zu", round);
		run(&t.in, &c, &r);
		check_result_shape(&t.in, r);
		memset(load, 0, sizeof(load));
		for (k = 0; k < r->ninspectors; k++)
			load[r->inspectors[k]]++;
		for (k = 0; k < 4; k++) {
			assert_true(load[k] <= 3);
			full += load[k] == 3;
		}
		/* 4 x 3 places for 10 candidates of 2: at most 6 assigned. */
		assert_true(r->nunassigned >= 4);
		assert_int_equal(r->ninspectors, 2 * (10 - r->nunassigned));
		draw_result_free(r);
		draw_commit_free(c);
		tin_free(&t);
	}
	/* Mostly everyone fills up: the limit binds. */
	assert_true(full > 300);
}

/*
 * Section 5: a candidate some department cannot serve gets nobody and
 * changes nobody's load.  X comes first and has fire f1 but no market
 * inspector (m1 conflicts with it); with max_load 1, Y after it can have
 * f1 only because X's partial choice was not counted.
 */
static void
test_draw__unassigned_changes_no_load(void **state)
{
	struct tin		 t;
	struct draw_commit	*c;
	struct draw_result	*r;
	int			 round, seen = 0;

	(void)state;
	for (round = 0; round < 40; round++) {
		tin_init(&t);
		add_quota(&t, "s", 2);
		add_team(&t, "fire", 1);
		add_team(&t, "market", 1);
		t.in.max_load = 1;
		add_cand(&t, "X", "s", "A");
		add_cand(&t, "Y", "s", "A");
		add_insp(&t, "f1", "fire", "A", NULL);
		add_insp(&t, "m1", "market", "A", NULL);
		add_conflict(&t, "m1", "X");
		t.in.beacon.value = S(&t, "round %d", round);
		run(&t.in, &c, &r);
		assert_int_equal(r->npicks, 2);
		if (r->picks[0].candidate == 0) {
			assert_true(r->picks[0].unassigned);
			assert_int_equal(r->picks[0].ninspectors, 0);
			assert_false(r->picks[1].unassigned);
			assert_int_equal(r->picks[1].ninspectors, 2);
			assert_int_equal(r->inspectors[r->picks[1].first], 0);
			assert_int_equal(r->inspectors[r->picks[1].first + 1],
			    1);
			seen++;
		} else {
			assert_false(r->picks[0].unassigned);
			assert_true(r->picks[1].unassigned);
		}
		assert_int_equal(r->nunassigned, 1);
		draw_result_free(r);
		draw_commit_free(c);
		tin_free(&t);
	}
	assert_true(seen > 5 && seen < 35);
}

/* Quotas: larger than the stratum takes all; 0 takes none. */
static void
test_draw__quota_sizes(void **state)
{
	struct tin		 t;
	struct draw_commit	*c;
	struct draw_result	*r;
	size_t			 k, in_a = 0, in_b = 0, in_c = 0;

	(void)state;
	tin_init(&t);
	add_quota(&t, "a", 100);
	add_quota(&t, "b", 0);
	add_quota(&t, "c", 3);
	add_team(&t, "fire", 1);
	for (k = 0; k < 5; k++) {
		add_cand(&t, S(&t, "a%zu", k), "a", "A");
		add_cand(&t, S(&t, "b%zu", k), "b", "A");
		add_cand(&t, S(&t, "c%zu", k), "c", "A");
	}
	run(&t.in, &c, &r);
	for (k = 0; k < r->npicks; k++) {
		const char	*s = t.cand[r->picks[k].candidate].stratum;

		in_a += s[0] == 'a';
		in_b += s[0] == 'b';
		in_c += s[0] == 'c';
	}
	assert_int_equal(in_a, 5);
	assert_int_equal(in_b, 0);
	assert_int_equal(in_c, 3);
	/* No inspectors at all: everyone unassigned, nobody dropped. */
	assert_int_equal(r->nunassigned, 8);
	draw_result_free(r);
	draw_commit_free(c);
	tin_free(&t);
}

/* ------------------------------------------------------- uniformity */

/*
 * Within a stratum every candidate is equally likely: 20 candidates, 5
 * drawn, 4000 beacon values.  X = sum (O - E)^2 / (E (1 - k/n)) follows
 * chi-squared with 19 degrees of freedom (the factor corrects for drawing
 * without replacement); P(X > 63.68) = 1e-6.  The seeds are fixed, so the
 * outcome is too; a draw biased by id fails it by far (negative control).
 */
#define CHI_N		20
#define CHI_K		5
#define CHI_TRIALS	4000
#define CHI_CRIT_19	63.68
#define CHI_CRIT_9	44.81

static double
chi2(const long *obs, int n, double expect, double fpc)
{
	double	x = 0;
	int	i;

	for (i = 0; i < n; i++)
		x += (obs[i] - expect) * (obs[i] - expect) / (expect * fpc);
	return x;
}

static void
test_draw__selection_uniform(void **state)
{
	struct tin		 t;
	struct draw_commit	*c;
	struct draw_result	*r;
	struct err		 e;
	long			 obs[CHI_N] = { 0 }, biased[CHI_N] = { 0 };
	long			 first[CHI_N] = { 0 };
	char			 v[32];
	double			 x, fpc = 1.0 - (double)CHI_K / CHI_N;
	size_t			 k;
	int			 trial;

	(void)state;
	tin_init(&t);
	add_quota(&t, "s", CHI_K);
	add_quota(&t, "other", 2);
	add_team(&t, "fire", 1);
	for (k = 0; k < CHI_N; k++)
		add_cand(&t, S(&t, "unit-%02zu", k), "s", "A");
	for (k = 0; k < 7; k++)
		add_cand(&t, S(&t, "o%zu", k), "other", "A");
	if (draw_commit(&t.in, &c, &e) < 0)
		fail_msg("%s", e.msg);
	for (trial = 0; trial < CHI_TRIALS; trial++) {
		snprintf(v, sizeof(v), "trial %d", trial);
		t.in.beacon.value = v;
		assert_int_equal(draw_run(&t.in, c, &r, &e), 0);
		for (k = 0; k < r->npicks; k++)
			if (r->picks[k].candidate < CHI_N)
				obs[r->picks[k].candidate]++;
		/* The first of the stratum in key order, for the next test. */
		for (k = 0; k < r->npicks; k++)
			if (r->picks[k].candidate < CHI_N) {
				first[r->picks[k].candidate]++;
				break;
			}
		draw_result_free(r);
		/* Negative control: the first k by id, with a little noise. */
		for (k = 0; k < CHI_K; k++)
			biased[(k + (trial % 3 == 0)) % CHI_N]++;
	}
	x = chi2(obs, CHI_N, (double)CHI_TRIALS * CHI_K / CHI_N, fpc);
	if (x > CHI_CRIT_19)
		fail_msg("selection not uniform: chi2 = %.1f > %.2f", x,
		    CHI_CRIT_19);
	assert_true(chi2(biased, CHI_N, (double)CHI_TRIALS * CHI_K / CHI_N,
	    fpc) > CHI_CRIT_19);
	/* The order within the draw is uniform too (one drawn, no fpc). */
	x = chi2(first, CHI_N, (double)CHI_TRIALS / CHI_N, 1.0);
	if (x > CHI_CRIT_19)
		fail_msg("first pick not uniform: chi2 = %.1f", x);
	draw_commit_free(c);
	tin_free(&t);
}

/* Among equally eligible inspectors, each is equally likely. */
static void
test_draw__assignment_uniform(void **state)
{
	struct tin		 t;
	struct draw_commit	*c;
	struct draw_result	*r;
	struct err		 e;
	long			 obs[10] = { 0 };
	char			 v[32];
	double			 x;
	size_t			 k;
	int			 trial;

	(void)state;
	tin_init(&t);
	add_quota(&t, "s", 1);
	add_team(&t, "fire", 1);
	add_cand(&t, "only", "s", "A");
	for (k = 0; k < 10; k++)
		add_insp(&t, S(&t, "inspector-%zu", k), "fire", "A", NULL);
	assert_int_equal(draw_commit(&t.in, &c, &e), 0);
	for (trial = 0; trial < 3000; trial++) {
		snprintf(v, sizeof(v), "a%d", trial);
		t.in.beacon.value = v;
		assert_int_equal(draw_run(&t.in, c, &r, &e), 0);
		assert_int_equal(r->ninspectors, 1);
		obs[r->inspectors[0]]++;
		draw_result_free(r);
	}
	x = chi2(obs, 10, 300.0, 1.0);
	if (x > CHI_CRIT_9)
		fail_msg("assignment not uniform: chi2 = %.1f > %.2f", x,
		    CHI_CRIT_9);
	draw_commit_free(c);
	tin_free(&t);
}

/* ------------------------------------------------------- validation */

/* t must be refused with code and exactly msg (field: the prefix). */
static void
expect_invalid(struct tin *t, int code, const char *msg)
{
	struct draw_commit	*c = NULL;
	struct err		 e;
	int			 rc;

	err_clear(&e);
	rc = draw_validate(&t->in, &e);
	if (rc == 0)
		fail_msg("accepted; want %s", msg);
	if (strcmp(e.msg, msg) != 0)
		fail_msg("got  %s\nwant %s", e.msg, msg);
	assert_int_equal(rc, code);
	assert_int_equal(strncmp(e.msg, e.field, strlen(e.field)), 0);
	assert_int_equal(draw_commit(&t->in, &c, &e), code);
	assert_null(c);
}

static void
base_roster(struct tin *t)
{
	tin_init(t);
	add_quota(t, "s1", 1);
	add_quota(t, "s2", 1);
	add_team(t, "fire", 1);
	add_cand(t, "u1", "s1", "A");
	add_cand(t, "u2", "s1", "A");
	add_cand(t, "u3", "s2", "B");
	add_insp(t, "f1", "fire", "A", "B");
	add_insp(t, "f2", "fire", "B", NULL);
	add_conflict(t, "f1", "u2");
}

static void
test_draw__duplicates_rejected(void **state)
{
	struct tin	t;
	struct err	e;

	(void)state;
	base_roster(&t);
	assert_int_equal(draw_validate(&t.in, &e), 0);
	t.cand[2].id = "u1";
	expect_invalid(&t, ERR_INVALID,
	    "candidates[2].id: duplicate candidate id \"u1\"");
	base_roster(&t);
	t.insp[1].id = "f1";
	expect_invalid(&t, ERR_INVALID,
	    "inspectors[1].id: duplicate inspector id \"f1\"");
	base_roster(&t);
	t.areas[0][1] = "A";
	expect_invalid(&t, ERR_INVALID,
	    "inspectors[0].areas[1]: area \"A\" listed twice");
	base_roster(&t);
	add_conflict(&t, "f1", "u2");
	expect_invalid(&t, ERR_INVALID,
	    "conflicts[1]: the same conflict twice (\"f1\", \"u2\")");
	base_roster(&t);
	add_quota(&t, "s1", 3);
	expect_invalid(&t, ERR_INVALID,
	    "quotas[2].stratum: a second quota for stratum \"s1\"");
}

static void
test_draw__bad_characters_rejected(void **state)
{
	static const struct {
		const char	*value;
		const char	*why;
		int		 code;
	} bad[] = {
		{ "u\t1", "contains a tab", ERR_INVALID },
		{ "u\n1", "contains a newline", ERR_INVALID },
		{ "u,1", "contains a comma", ERR_INVALID },
		{ "u\x01", "contains the byte 0x01 (only printable ASCII is "
		    "allowed)", ERR_INVALID },
		{ "u\x7f", "contains the byte 0x7f (only printable ASCII is "
		    "allowed)", ERR_INVALID },
		{ "\xc3\xa9", "contains the byte 0xc3 (only printable ASCII "
		    "is allowed)", ERR_INVALID },
		{ "u\r", "contains the byte 0x0d (only printable ASCII is "
		    "allowed)", ERR_INVALID },
		{ "", "must not be empty", ERR_INVALID },
	};
	struct tin	 t;
	char		 msg[200], longid[300];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		base_roster(&t);
		t.cand[1].id = bad[i].value;
		snprintf(msg, sizeof(msg), "candidates[1].id: %s", bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.cand[0].stratum = bad[i].value;
		snprintf(msg, sizeof(msg), "candidates[0].stratum: %s",
		    bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.cand[2].area = bad[i].value;
		snprintf(msg, sizeof(msg), "candidates[2].area: %s", bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.in.plan_id = bad[i].value;
		snprintf(msg, sizeof(msg), "plan_id: %s", bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.insp[1].id = bad[i].value;
		snprintf(msg, sizeof(msg), "inspectors[1].id: %s", bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.insp[0].department = bad[i].value;
		snprintf(msg, sizeof(msg), "inspectors[0].department: %s",
		    bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.areas[0][1] = bad[i].value;
		snprintf(msg, sizeof(msg), "inspectors[0].areas[1]: %s",
		    bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.confl[0].candidate = bad[i].value;
		snprintf(msg, sizeof(msg), "conflicts[0].candidate: %s",
		    bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
		base_roster(&t);
		t.team[0].department = bad[i].value;
		snprintf(msg, sizeof(msg), "team[0].department: %s", bad[i].why);
		expect_invalid(&t, bad[i].code, msg);
	}
	/* Spaces and other punctuation are printable and allowed. */
	base_roster(&t);
	t.cand[0].id = " a \"q\" \\ |~ ";
	assert_int_equal(draw_validate(&t.in, NULL), 0);
	memset(longid, 'x', 257);
	longid[257] = '\0';
	t.cand[0].id = longid;
	expect_invalid(&t, ERR_RANGE, "candidates[0].id: longer than 256 "
	    "bytes");
	longid[256] = '\0';
	assert_int_equal(draw_validate(&t.in, NULL), 0);
}

static void
test_draw__other_rules(void **state)
{
	struct tin		 t;
	struct draw_commit	*c = NULL;
	struct draw_result	*r = NULL;
	struct err		 e;

	(void)state;
	base_roster(&t);
	t.cand[2].stratum = "s3";
	expect_invalid(&t, ERR_INVALID,
	    "candidates[2].stratum: no quota for stratum \"s3\"");
	base_roster(&t);
	add_quota(&t, "s9", 1);
	expect_invalid(&t, ERR_INVALID,
	    "quotas[2].stratum: no candidate has stratum \"s9\"");
	base_roster(&t);
	t.quota[1].count = -1;
	expect_invalid(&t, ERR_RANGE, "quotas[1].count: must be 0 or more");
	base_roster(&t);
	t.in.nteam = 0;
	expect_invalid(&t, ERR_MISSING,
	    "team: must name at least one department");
	base_roster(&t);
	t.team[0].count = 0;
	expect_invalid(&t, ERR_RANGE, "team[0].count: must be 1 or more");
	base_roster(&t);
	t.in.max_load = 0;
	expect_invalid(&t, ERR_RANGE, "max_load: must be 1 or more");
	base_roster(&t);
	t.team[0].count = -3;
	expect_invalid(&t, ERR_RANGE, "team[0].count: must be 1 or more");
	/* Huge counts are allowed: a team row larger than the roster is
	 * never filled, a max_load above the candidates never binds. */
	base_roster(&t);
	t.team[0].count = INT64_MAX;
	t.in.max_load = INT64_MAX;
	run(&t.in, &c, &r);
	assert_int_equal(r->nunassigned, r->npicks);
	draw_result_free(r);
	draw_commit_free(c);
	base_roster(&t);
	t.in.max_load = INT64_MAX;
	run(&t.in, &c, &r);
	check_result_shape(&t.in, r);
	assert_int_equal(r->nunassigned, 0);
	draw_result_free(r);
	draw_commit_free(c);
	base_roster(&t);
	t.in.ncandidates = 0;
	t.in.nquotas = 0;
	expect_invalid(&t, ERR_MISSING, "candidates: must not be empty");
	base_roster(&t);
	t.confl[0].inspector = "f9";
	expect_invalid(&t, ERR_INVALID,
	    "conflicts[0].inspector: no inspector \"f9\" in the roster");
	base_roster(&t);
	t.confl[0].candidate = "u9";
	expect_invalid(&t, ERR_INVALID,
	    "conflicts[0].candidate: no candidate \"u9\" in the roster");
	base_roster(&t);
	t.in.beacon.source = "";
	expect_invalid(&t, ERR_INVALID, "beacon.source: must not be empty");
	base_roster(&t);
	t.in.beacon.round = "\xff";
	expect_invalid(&t, ERR_INVALID, "beacon.round: must be valid UTF-8");
	/* The commit precedes the beacon value; the draw needs it. */
	base_roster(&t);
	t.in.beacon.value = NULL;
	c = NULL;
	r = NULL;
	assert_int_equal(draw_commit(&t.in, &c, &e), 0);
	assert_int_equal(draw_run(&t.in, c, &r, &e), ERR_MISSING);
	assert_string_equal(e.msg, "beacon.value: missing");
	assert_null(r);
	t.in.beacon.value = "";
	assert_int_equal(draw_run(&t.in, c, &r, &e), ERR_INVALID);
	t.in.beacon.value = "公开摇号 07";
	assert_int_equal(draw_run(&t.in, c, &r, &e), 0);
	check_result_shape(&t.in, r);
	draw_result_free(r);
	draw_commit_free(c);
	/* No inspectors at all is a draw where everyone is unassigned. */
	base_roster(&t);
	t.in.ninspectors = 0;
	t.in.nconflicts = 0;
	run(&t.in, &c, &r);
	assert_int_equal(r->nunassigned, r->npicks);
	draw_result_free(r);
	draw_commit_free(c);
	draw_result_free(NULL);
	draw_commit_free(NULL);
	draw_bundle_free(NULL);
}

/* ------------------------------------------------------------ reader */

static int
parse(const char *text, enum draw_parse_mode mode, struct err *e)
{
	struct draw_bundle	*b = NULL;
	int			 rc;

	err_clear(e);
	rc = draw_bundle_parse(text, strlen(text), mode, &b, e);
	if (rc == 0)
		assert_non_null(b);
	else
		assert_null(b);
	draw_bundle_free(b);
	return rc;
}

#define INPUT_HEAD	"{\"plan_id\": \"p\", \"beacon\": {\"source\": \"s\", " \
			"\"round\": \"r\", \"value\": \"v\"}, \"quotas\": " \
			"[{\"stratum\": \"s\", \"count\": 1}], \"team\": " \
			"[{\"department\": \"fire\", \"count\": 1}], "
#define INPUT_TAIL	"\"candidates\": [{\"id\": \"u1\", \"stratum\": " \
			"\"s\", \"area\": \"A\"}], \"inspectors\": [{\"id\": " \
			"\"f1\", \"department\": \"fire\", \"areas\": " \
			"[\"A\"]}], \"conflicts\": []}"

static void
expect_parse(const char *text, int code, const char *msg)
{
	struct err	e;

	assert_int_equal(parse(text, DRAW_PARSE_INPUT, &e), code);
	if (msg != NULL && strcmp(e.msg, msg) != 0)
		fail_msg("%s\n  got  %s\n  want %s", text, e.msg, msg);
}

static void
test_draw__reader_rules(void **state)
{
	static const char	 esc[] = INPUT_HEAD "\"max_load\": 1, "
	    "\"candidates\": [{\"id\": \"\\u0075\\u00e9\\ud83d\\ude92\\t\", "
	    "\"stratum\": \"s\", \"area\": \"A\"}], \"inspectors\": [], "
	    "\"conflicts\": []}";
	struct draw_bundle	*b = NULL;
	struct err		 e;
	char			*t;
	size_t			 n;

	(void)state;
	expect_parse(INPUT_HEAD "\"max_load\": 1, " INPUT_TAIL, 0, NULL);
	expect_parse(INPUT_HEAD "\"max_load\": 1.0, " INPUT_TAIL, ERR_TYPE,
	    "max_load: must be a whole number");
	expect_parse(INPUT_HEAD "\"max_load\": 1e2, " INPUT_TAIL, ERR_TYPE,
	    "max_load: must be a whole number");
	expect_parse(INPUT_HEAD "\"max_load\": \"1\", " INPUT_TAIL, ERR_TYPE,
	    "max_load: must be a whole number, not a string");
	expect_parse(INPUT_HEAD "\"max_load\": 9223372036854775808, "
	    INPUT_TAIL, ERR_RANGE, "max_load: out of range");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"max_load\": 2, "
	    INPUT_TAIL, ERR_DUP_KEY, "max_load: duplicate key");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"extra\": 2, " INPUT_TAIL,
	    ERR_UNKNOWN_FIELD, "unknown field \"extra\"");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"seed\": \"x\", "
	    INPUT_TAIL, ERR_UNKNOWN_FIELD,
	    "seed: computed by the draw, not an input");
	expect_parse(INPUT_HEAD INPUT_TAIL, ERR_MISSING, "max_load: missing");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"candidates\": [{\"id\": "
	    "\"u1\", \"area\": \"A\"}], \"inspectors\": [], \"conflicts\": []}",
	    ERR_MISSING, "candidates[0].stratum: missing");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"candidates\": [{\"id\": "
	    "\"u1\", \"stratum\": \"s\", \"area\": \"A\", \"id\": \"u2\"}], "
	    "\"inspectors\": [], \"conflicts\": []}", ERR_DUP_KEY,
	    "candidates[0].id: duplicate key");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"candidates\": [{\"id\": 7, "
	    "\"stratum\": \"s\", \"area\": \"A\"}], \"inspectors\": [], "
	    "\"conflicts\": []}", ERR_TYPE,
	    "candidates[0].id: must be a string, not a number");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"candidates\": [{\"id\": "
	    "\"u1\", \"stratum\": \"s\", \"area\": \"A\"}], \"inspectors\": "
	    "[{\"id\": \"f1\", \"department\": \"fire\", \"areas\": [\"A\", "
	    "null]}], \"conflicts\": []}", ERR_TYPE,
	    "inspectors[0].areas[1]: must be a string, not null");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"candidates\": [], "
	    "\"inspectors\": null, \"conflicts\": []}", ERR_INVALID,
	    "inspectors and conflicts must both be lists (a full bundle) or "
	    "both be null (a public bundle)");
	expect_parse(INPUT_HEAD "\"max_load\": 1, \"candidates\": [], "
	    "\"inspectors\": null, \"conflicts\": null}", ERR_INVALID,
	    "inspectors: a draw needs the full roster, not null");
	/* Escapes decode; the decoded id then meets the character rules. */
	assert_int_equal(draw_bundle_parse(esc, strlen(esc), DRAW_PARSE_INPUT,
	    &b, &e), 0);
	assert_string_equal(b->in.candidates[0].id,
	    "u\xc3\xa9\xf0\x9f\x9a\x92\t");
	assert_int_equal(draw_validate(&b->in, &e), ERR_INVALID);
	assert_string_equal(e.msg, "candidates[0].id: contains the byte 0xc3 "
	    "(only printable ASCII is allowed)");
	draw_bundle_free(b);
	/* Not JSON. */
	expect_parse("", ERR_BAD_JSON,
	    "malformed JSON at line 1 column 1: expected '{'");
	expect_parse("[]", ERR_BAD_JSON,
	    "malformed JSON at line 1 column 1: expected '{'");
	expect_parse("{\"plan_id\": \"a\\u0000b\"}", ERR_BAD_JSON,
	    "malformed JSON at line 1 column 15: \\u0000 is not allowed");
	expect_parse("{\"plan_id\": \"\\udc00\"}", ERR_BAD_JSON,
	    "malformed JSON at line 1 column 14: lone surrogate in \\u "
	    "escape");
	expect_parse("{\"plan_id\": \"\xc3\x28\"}", ERR_BAD_JSON,
	    "malformed JSON at line 1 column 14: invalid UTF-8");
	expect_parse("{\"plan_id\": \"\xed\xa0\x80\"}", ERR_BAD_JSON, NULL);
	expect_parse("{\"plan_id\": \"\xc0\xaf\"}", ERR_BAD_JSON, NULL);
	expect_parse("{\"plan_id\": \"a\nb\"}", ERR_BAD_JSON,
	    "malformed JSON at line 1 column 15: control character in a "
	    "string");
	expect_parse("{\"max_load\": 01}", ERR_BAD_JSON, NULL);
	expect_parse("{\"max_load\": -}", ERR_BAD_JSON, NULL);
	expect_parse(INPUT_HEAD "\"max_load\": 1, " INPUT_TAIL " x",
	    ERR_BAD_JSON, NULL);
	/* A content error before a syntax error is reported as the latter. */
	expect_parse("{\"extra\": 1,\n\"max_load\": }", ERR_BAD_JSON,
	    "malformed JSON at line 2 column 13: unexpected character");
	/* The computed fields are required in a bundle. */
	t = load_vector("basic.json", &n);
	assert_int_equal(draw_bundle_parse(t, n, DRAW_PARSE_INPUT, &b, &e),
	    ERR_UNKNOWN_FIELD);
	free(t);
	assert_int_equal(parse(INPUT_HEAD "\"max_load\": 1, " INPUT_TAIL,
	    DRAW_PARSE_BUNDLE, &e), ERR_MISSING);
	assert_string_equal(e.msg, "version: missing");
}

/*
 * The reader against jansson on thousands of damaged bundles: text
 * jansson refuses must be ERR_BAD_JSON (or a duplicate key) here, text it
 * accepts must not be.
 */
static void
test_draw__reader_agrees_with_jansson(void **state)
{
	struct draw_bundle	*b;
	struct err		 e;
	json_error_t		 je;
	json_t			*j;
	uint64_t		 s = 99;
	char			*orig, *t;
	size_t			 n, round, i, k;
	int			 rc, bad = 0;
	static const char	 junk[] = "\"\\{}[]:,0-e.9 \t\nu\x80\xc3\xff"
				    "ntfa";

	(void)state;
	jx_init();
	orig = load_vector("edge.json", &n);
	t = xmalloc(n + 1);
	for (round = 0; round < 3000; round++) {
		memcpy(t, orig, n + 1);
		for (k = 0; k < 1 + rng(&s) % 3; k++) {
			i = (size_t)(rng(&s) % n);
			t[i] = junk[rng(&s) % (sizeof(junk) - 1)];
		}
		b = NULL;
		rc = draw_bundle_parse(t, n, DRAW_PARSE_BUNDLE, &b, &e);
		draw_bundle_free(b);
		j = json_loadb(t, n, JSON_REJECT_DUPLICATES, &je);
		if (j == NULL) {
			bad++;
			if (rc != ERR_BAD_JSON && rc != ERR_DUP_KEY)
				fail_msg("jansson refuses (%s), reader says "
				    "%d: %s", je.text, rc, e.msg);
		} else {
			json_decref(j);
			assert_int_not_equal(rc, ERR_BAD_JSON);
		}
	}
	assert_true(bad > 500);
	free(t);
	free(orig);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_draw__sm3_native_matches_openssl),
		cmocka_unit_test(test_draw__sm3_many_matches_openssl),
		cmocka_unit_test(test_draw__known_answers),
		cmocka_unit_test(test_draw__known_answers_by_hand),
		cmocka_unit_test(test_draw__verify_vectors),
		cmocka_unit_test(test_draw__verify_names_first_difference),
		cmocka_unit_test(test_draw__tamper_every_byte),
		cmocka_unit_test(test_draw__public_bundle),
		cmocka_unit_test(test_draw__matches_naive_transcription),
		cmocka_unit_test(test_draw__large_roster_sort),
		cmocka_unit_test(test_draw__conflict_never_assigned),
		cmocka_unit_test(test_draw__max_load_binds),
		cmocka_unit_test(test_draw__unassigned_changes_no_load),
		cmocka_unit_test(test_draw__quota_sizes),
		cmocka_unit_test(test_draw__selection_uniform),
		cmocka_unit_test(test_draw__assignment_uniform),
		cmocka_unit_test(test_draw__duplicates_rejected),
		cmocka_unit_test(test_draw__bad_characters_rejected),
		cmocka_unit_test(test_draw__other_rules),
		cmocka_unit_test(test_draw__reader_rules),
		cmocka_unit_test(test_draw__reader_agrees_with_jansson),
	};

	return cmocka_run_group_tests_name("draw", tests, NULL, NULL);
}
