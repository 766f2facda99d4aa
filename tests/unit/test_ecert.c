/*
 * Unit tests of electronic certificates (specs/ecert-v1.md,
 * docs/modules/ecert.md) on SQLite and, when FIREWARDEN_TEST_PG is set,
 * PostgreSQL: the canonical content against known answers written out by
 * hand (ECERT-001, ECERT-002), base64url edge cases and the QR text
 * (ECERT-004), signing and strict decoding, every single-byte change
 * refused (ECERT-003, ECERT-005), the size limit (ECERT-006), keys and
 * rotation (ECERT-007), and the registry: issue, revoke, supersede, the
 * online check, audit entries and `audit verify --deep` (ECERT-008..011).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/actor.h"
#include "domain/audit.h"
#include "domain/ecert.h"
#include "store/store.h"
#include "fx_store.h"

#define begin(f)	fx_begin((f)->st)
#define end(f, rc)	fx_end((f)->st, (rc))

#define KID0 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct fx {
	struct store		*st;
	struct crypto_sm2	*key;	/* the signer, from keydir */
	struct actor		 sys;
	char			 keydir[64];
};

static const char	*fx_url;

static const struct audit_type	ecert_types[] = {
	{ "ecert", ecert_record },
	{ "ecert_key", ecert_key_record },
	{ NULL, NULL },
};

/* The permit of the known answer. */
static const struct ecert_permit	permit0 = {
	.no = "东消投字〔2026〕第0001号",
	.holder = "东莞市明珠娱乐有限公司",
	.uscc = "91441900MAC8G9H0J1",
	.place = "明珠KTV",
	.address = "东莞市南城街道鸿福路88号",
	.use = "歌舞娱乐",
	.area_m2 = 1250,
	.route = "commitment",
	.issued = "2026-03-15",
	.issuer = "东莞市消防救援支队",
	.url = "https://fw.example.cn/v/0001",
};

/* ECERT-001: sorted bytewise, compact, UTF-8 as is, "/" unescaped. */
static const char	permit0_canonical[] =
    "{\"address\":\"东莞市南城街道鸿福路88号\",\"area_m2\":1250,"
    "\"holder\":\"东莞市明珠娱乐有限公司\",\"issued\":\"2026-03-15\","
    "\"issuer\":\"东莞市消防救援支队\",\"kid\":\"" KID0 "\","
    "\"no\":\"东消投字〔2026〕第0001号\",\"place\":\"明珠KTV\","
    "\"route\":\"commitment\",\"type\":\"gathering-place-permit\","
    "\"url\":\"https://fw.example.cn/v/0001\","
    "\"uscc\":\"91441900MAC8G9H0J1\",\"use\":\"歌舞娱乐\",\"v\":1}";

static void
rm_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		*p;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;

	clock_set_offset(0);
	f->st = fx_store_fresh(fx_url);
	actor_system(&f->sys, "t-ecert");
	snprintf(f->keydir, sizeof(f->keydir), "/tmp/fw-ecert-test.XXXXXX");
	assert_non_null(mkdtemp(f->keydir));
	if (ecert_key_open(f->st, f->keydir, &f->key, &e) < 0)
		fail_msg("key: %s", e.msg);
	ecert_key_set_signer(f->key);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	clock_set_offset(0);
	ecert_key_set_signer(NULL);
	crypto_sm2_free(f->key);
	store_close(f->st);
	rm_dir(f->keydir);
	free(f);
	return 0;
}

static json_t *
jparse(const char *s)
{
	json_error_t	 je;
	json_t		*j = json_loads(s, 0, &je);

	if (j == NULL)
		fail_msg("bad test JSON %s: %s", s, je.text);
	return j;
}

static int64_t
asize(struct fx *f)
{
	struct err	e;
	int64_t		n = -1;

	assert_int_equal(audit_size(f->st, &n, &e), 0);
	return n;
}

static void
assert_last_action(struct fx *f, const char *want, const char *object)
{
	struct store_rows	*r = NULL;
	struct err		 e;

	assert_int_equal(store_query(f->st, "SELECT action, object FROM "
	    "audit_entries ORDER BY seq DESC LIMIT 1", STORE_NOARGS, &r, &e),
	    0);
	assert_int_equal(store_next(r, &e), 1);
	assert_string_equal(store_text(r, 0), want);
	if (object != NULL)
		assert_string_equal(store_text(r, 1), object);
	store_rows_free(r);
}

static void
assert_deep_ok(struct fx *f)
{
	struct buf	report;
	struct err	e;
	int64_t		n = 0;
	int		rc;

	buf_init(&report);
	rc = audit_verify(f->st, ecert_types, &report, &n, &e);
	if (rc != 0)
		fail_msg("audit verify --deep: %d %s", rc, report.data ?
		    report.data : e.msg);
	buf_free(&report);
}

/* The fields of permit0 with number no (and issued date issued). */
static json_t *
permit_fields(const char *no, const char *issued)
{
	struct ecert_permit	 p = permit0;
	struct err		 e;
	json_t			*j = NULL;

	p.no = no;
	if (issued != NULL)
		p.issued = issued;
	if (ecert_permit_fields(&p, &j, &e) < 0)
		fail_msg("permit %s: %s (%s)", no, e.msg, e.field);
	return j;
}

/* Issue a permit certificate no for subject permit/sid; its record. */
static json_t *
issue(struct fx *f, const char *no, int64_t sid)
{
	struct ecert_new	 n;
	struct err		 e;
	json_t			*fields = permit_fields(no, NULL), *rec = NULL;

	memset(&n, 0, sizeof(n));
	n.type = ECERT_TYPE_PERMIT;
	n.fields = fields;
	n.subject_type = "permit";
	n.subject_id = sid;
	begin(f);
	if (end(f, ecert_issue(f->st, &f->sys, &n, &rec, &e)) < 0)
		fail_msg("issue %s: %s (%s)", no, e.msg, e.field);
	json_decref(fields);
	return rec;
}

static int64_t
rec_id(const json_t *rec)
{
	int64_t	id = 0;

	assert_int_equal(str_to_i64(json_string_value(json_object_get(rec,
	    "id")), 1, INT64_MAX, &id), 0);
	return id;
}

static const char *
sget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ecert_check of code: the answer. */
static json_t *
check(struct fx *f, const char *code)
{
	struct err	 e;
	json_t		*ans = NULL;

	if (ecert_check(f->st, code, &ans, &e) < 0)
		fail_msg("check: %s", e.msg);
	return ans;
}

/* ECERT-001, ECERT-002: the permit's canonical bytes, by hand. */
static void
test_ecert__ecert001_canonical_known_answer(void **state)
{
	struct err	 e;
	json_t		*c = NULL, *fields;
	char		*s;

	(void)state;
	assert_int_equal(ecert_permit_content(&permit0, KID0, &c, &e), 0);
	s = jx_canonical(c);
	assert_string_equal(s, permit0_canonical);
	free(s);
	json_decref(c);

	/* A generic type: bytewise order puts '1' < '_' < 'b'. */
	fields = jparse("{\"z\":1,\"ab\":\"x\",\"a_b\":true,\"a1\":[1,2],"
	    "\"issued\":\"2026-01-02\",\"no\":\"XF-1\","
	    "\"m\":{\"b\":\"乙\",\"a\":-3}}");
	assert_int_equal(ecert_content("credit-repair", fields, KID0, &c, &e),
	    0);
	s = jx_canonical(c);
	assert_string_equal(s, "{\"a1\":[1,2],\"a_b\":true,\"ab\":\"x\","
	    "\"issued\":\"2026-01-02\",\"kid\":\"" KID0 "\","
	    "\"m\":{\"a\":-3,\"b\":\"乙\"},\"no\":\"XF-1\","
	    "\"type\":\"credit-repair\",\"v\":1,\"z\":1}");
	free(s);
	json_decref(c);
	json_decref(fields);
}

/* ECERT-001: no floating-point numbers, anywhere. */
static void
test_ecert__ecert001_no_floats(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*code = NULL;
	struct err		 e;
	json_t			*fields, *c = NULL;
	char			 kid[ECERT_KID_LEN + 1];

	fields = jparse("{\"no\":\"X-1\",\"issued\":\"2026-01-02\","
	    "\"m\":{\"rate\":1.5}}");
	assert_int_equal(ecert_content("credit-repair", fields, KID0, &c, &e),
	    ERR_TYPE);
	assert_string_equal(e.field, "m.rate");
	json_decref(fields);

	crypto_sm2_key_id(f->key, kid);
	c = json_pack("{s:s, s:f}", "kid", kid, "area_m2", 12.0);
	assert_int_equal(ecert_code_sign(f->key, c, &code, &e), ERR_TYPE);
	assert_string_equal(e.field, "area_m2");
	assert_null(code);
	json_decref(c);
}

struct bad_permit {
	const char	*field;
	const char	*value;		/* NULL: absent */
	int64_t		 area;
	int		 code;
};

/* ECERT-002: each field checked, the error names it. */
static void
test_ecert__ecert002_permit_fields_checked(void **state)
{
	static const struct bad_permit	bad[] = {
		{ "no", NULL, 0, ERR_MISSING },
		{ "no", "", 0, ERR_RANGE },
		{ "no", "0123456789012345678901234567890123456789012345678901"
		    "2345678901234", 0, ERR_RANGE },
		{ "holder", NULL, 0, ERR_MISSING },
		{ "holder", " 东莞", 0, ERR_INVALID },
		{ "holder", "东莞\n公司", 0, ERR_INVALID },
		{ "holder", "\xff\xfe", 0, ERR_INVALID },
		{ "uscc", "91441900MAC8G9H0J2", 0, ERR_INVALID },
		{ "uscc", NULL, 0, ERR_MISSING },
		{ "place", "", 0, ERR_RANGE },
		{ "address", NULL, 0, ERR_MISSING },
		{ "use", "", 0, ERR_RANGE },
		{ "area_m2", NULL, -1, ERR_RANGE },
		{ "area_m2", NULL, 1000000001, ERR_RANGE },
		{ "route", "promise", 0, ERR_INVALID },
		{ "route", NULL, 0, ERR_MISSING },
		{ "issued", "2026-02-30", 0, ERR_INVALID },
		{ "issued", "2026-3-15", 0, ERR_INVALID },
		{ "issued", "2026/03/15", 0, ERR_INVALID },
		{ "issued", "1900-01-01", 0, ERR_INVALID },
		{ "issuer", "", 0, ERR_RANGE },
		{ "url", "ftp://x", 0, ERR_INVALID },
		{ "url", "https://fw.example.cn/v 1", 0, ERR_INVALID },
		{ "url", NULL, 0, ERR_MISSING },
	};
	struct ecert_permit	 p;
	struct err		 e;
	json_t			*j = NULL, *x = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = permit0;
		if (strcmp(bad[i].field, "area_m2") == 0)
			p.area_m2 = bad[i].area;
		else if (strcmp(bad[i].field, "no") == 0)
			p.no = bad[i].value;
		else if (strcmp(bad[i].field, "holder") == 0)
			p.holder = bad[i].value;
		else if (strcmp(bad[i].field, "uscc") == 0)
			p.uscc = bad[i].value;
		else if (strcmp(bad[i].field, "place") == 0)
			p.place = bad[i].value;
		else if (strcmp(bad[i].field, "address") == 0)
			p.address = bad[i].value;
		else if (strcmp(bad[i].field, "use") == 0)
			p.use = bad[i].value;
		else if (strcmp(bad[i].field, "route") == 0)
			p.route = bad[i].value;
		else if (strcmp(bad[i].field, "issued") == 0)
			p.issued = bad[i].value;
		else if (strcmp(bad[i].field, "issuer") == 0)
			p.issuer = bad[i].value;
		else if (strcmp(bad[i].field, "url") == 0)
			p.url = bad[i].value;
		err_clear(&e);
		if (ecert_permit_content(&p, KID0, &j, &e) != bad[i].code)
			fail_msg("case %zu (%s): got %d %s, want %d", i,
			    bad[i].field, e.code, e.msg, bad[i].code);
		assert_string_equal(e.field, bad[i].field);
		assert_null(j);
	}
	/* The USCC is normalised as the registry does (REG-003). */
	p = permit0;
	p.uscc = "91441900mac8g9h0j1";
	assert_int_equal(ecert_permit_fields(&p, &j, &e), 0);
	assert_string_equal(sget(j, "uscc"), "91441900MAC8G9H0J1");
	/* Exactly the spec's keys: no others, and not the envelope's. */
	json_object_set_new(j, "colour", json_string("red"));
	assert_int_equal(ecert_content(ECERT_TYPE_PERMIT, j, KID0, &x, &e),
	    ERR_UNKNOWN_FIELD);
	assert_string_equal(e.field, "colour");
	json_object_del(j, "colour");
	json_object_set_new(j, "v", json_integer(2));
	assert_int_equal(ecert_content(ECERT_TYPE_PERMIT, j, KID0,
	    &x, &e), ERR_INVALID);
	assert_string_equal(e.field, "v");
	json_decref(j);
	/* Generic types: no and issued still required, keys a-z 0-9 _. */
	j = jparse("{\"issued\":\"2026-01-02\"}");
	assert_int_equal(ecert_content("credit-repair", j, KID0,
	    &x, &e), ERR_MISSING);
	assert_string_equal(e.field, "no");
	json_decref(j);
	j = jparse("{\"no\":\"X\",\"issued\":\"2026-01-02\",\"Bad\":1}");
	assert_int_equal(ecert_content("credit-repair", j, KID0,
	    &x, &e), ERR_INVALID);
	assert_string_equal(e.field, "Bad");
	json_decref(j);
	j = jparse("{\"no\":\"X\",\"issued\":\"2026-01-02\",\"x\":null}");
	assert_int_equal(ecert_content("credit-repair", j, KID0,
	    &x, &e), ERR_TYPE);
	assert_string_equal(e.field, "x");
	assert_int_equal(ecert_content("Credit", j, KID0,
	    &x, &e), ERR_INVALID);
	assert_string_equal(e.field, "type");
	json_decref(j);
	assert_null(x);
}

/* ECERT-004: RFC 4648 section 5, no padding, one encoding per string. */
static void
test_ecert__ecert004_base64url(void **state)
{
	static const char *const	in[] = { "", "f", "fo", "foo", "foob",
		"fooba", "foobar" };
	static const char *const	out[] = { "", "Zg", "Zm8", "Zm9v",
		"Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
	static const char *const	bad[] = { "Zg==", "Zm8=", "Zg=", "Z",
		"Zm9vY", "+/8", "Zm9v+w", "Zm9v/w", "Zm 9v", "Zm9v\n", "Zh",
		"Zm9", "Zm8A=", "=", "Zm9v=", "Zm.v" };
	static const unsigned char	hi[] = { 0xfb, 0xff, 0xbf };
	unsigned char			*d = NULL;
	size_t				 i, n;
	char				*s;
	struct err			 e;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		s = crypto_base64url_encode(in[i], strlen(in[i]));
		assert_string_equal(s, out[i]);
		assert_int_equal(crypto_base64url_decode(s, strlen(s), &d, &n,
		    &e), 0);
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(d, in[i], n);
		assert_int_equal(d[n], 0);
		free(d);
		free(s);
	}
	/* The two characters that differ from base64: - and _. */
	s = crypto_base64url_encode(hi, sizeof(hi));
	assert_string_equal(s, "-_-_");
	free(s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = NULL;
		if (crypto_base64url_decode(bad[i], strlen(bad[i]), &d, &n,
		    &e) != ERR_INVALID)
			fail_msg("base64url accepted \"%s\"", bad[i]);
		assert_null(d);
	}
	/* Every length round-trips. */
	for (n = 0; n < 70; n++) {
		unsigned char	buf[70];
		size_t		m;

		for (i = 0; i < n; i++)
			buf[i] = (unsigned char)(i * 37 + n);
		s = crypto_base64url_encode(buf, n);
		assert_null(strpbrk(s, "=+/"));
		assert_int_equal(crypto_base64url_decode(s, strlen(s), &d, &m,
		    &e), 0);
		assert_int_equal(m, n);
		assert_memory_equal(d, buf, n);
		free(d);
		free(s);
	}
}

/* A signed permit0 under f's key. */
static struct ecert_code *
sign_permit(struct fx *f)
{
	struct ecert_code	*c = NULL;
	struct err		 e;
	json_t			*content = NULL;
	char			 kid[ECERT_KID_LEN + 1];

	crypto_sm2_key_id(f->key, kid);
	assert_int_equal(ecert_permit_content(&permit0, kid, &content, &e), 0);
	if (ecert_code_sign(f->key, content, &c, &e) < 0)
		fail_msg("sign: %s", e.msg);
	json_decref(content);
	return c;
}

/* ECERT-003, ECERT-004: sign, decode, verify; the parts are as the spec says. */
static void
test_ecert__ecert003_round_trip(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*c, *d = NULL;
	struct err		 e;
	char			*b64, *want;
	char			 kid[ECERT_KID_LEN + 1];

	c = sign_permit(f);
	crypto_sm2_key_id(f->key, kid);
	want = xasprintf("%s", permit0_canonical);
	/* The known answer with this key's id in place of KID0. */
	memcpy(strstr(want, KID0), kid, ECERT_KID_LEN);
	assert_string_equal(c->content, want);
	assert_int_equal(c->content_len, strlen(want));
	/* The DER signature verifies over the exact bytes with the default
	 * identifier (crypto_sm2_verify uses 1234567812345678). */
	assert_int_equal(crypto_sm2_verify(f->key, want, strlen(want), c->sig,
	    c->siglen, &e), 0);
	assert_int_equal(c->sig[0], 0x30);	/* DER SEQUENCE */
	assert_true(strncmp(c->text, "FWC1.", 5) == 0);
	b64 = crypto_base64url_encode(want, strlen(want));
	assert_true(strncmp(c->text + 5, b64, strlen(b64)) == 0);
	assert_int_equal(c->text[5 + strlen(b64)], '.');
	assert_null(strpbrk(c->text, "=+/ "));
	free(b64);

	assert_int_equal(ecert_code_decode(c->text, &d, &e), 0);
	assert_string_equal(d->content, want);
	assert_int_equal(d->siglen, c->siglen);
	assert_memory_equal(d->sig, c->sig, c->siglen);
	assert_string_equal(d->kid, kid);
	assert_true(d->canonical);
	assert_int_equal(ecert_code_verify(d, f->key), ECERT_VALID);
	assert_string_equal(sget(d->json, "route"), "commitment");
	assert_int_equal(json_integer_value(json_object_get(d->json,
	    "area_m2")), 1250);
	ecert_code_free(d);
	ecert_code_free(c);
	free(want);
}

/* Re-encode content and signature into a code. */
static char *
make_code(const unsigned char *content, size_t n, const unsigned char *sig,
    size_t siglen)
{
	char	*a = crypto_base64url_encode(content, n);
	char	*b = crypto_base64url_encode(sig, siglen);
	char	*t = xasprintf("FWC1.%s.%s", a, b);

	free(a);
	free(b);
	return t;
}

/* 1 if text is refused: not a code, or a code that does not verify. */
static int
refused(struct fx *f, const char *text)
{
	struct ecert_code	*c = NULL;
	struct err		 e;
	int			 ok;

	if (ecert_code_decode(text, &c, &e) < 0) {
		assert_string_equal(e.field, "code");
		return 1;
	}
	ok = ecert_code_verify(c, f->key) == ECERT_VALID;
	ecert_code_free(c);
	return !ok;
}

/* ECERT-005: changing any one byte of the content or signature fails. */
static void
test_ecert__ecert005_flip_every_byte(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*c = sign_permit(f);
	unsigned char		*buf;
	char			*t;
	size_t			 i;
	int			 bit;

	buf = xmalloc(c->content_len > c->siglen ? c->content_len : c->siglen);
	for (bit = 0; bit < 8; bit += 7) {
		for (i = 0; i < c->content_len; i++) {
			memcpy(buf, c->content, c->content_len);
			buf[i] ^= (unsigned char)(1 << bit);
			t = make_code(buf, c->content_len, c->sig, c->siglen);
			if (!refused(f, t))
				fail_msg("content byte %zu bit %d accepted", i,
				    bit);
			free(t);
		}
		for (i = 0; i < c->siglen; i++) {
			memcpy(buf, c->sig, c->siglen);
			buf[i] ^= (unsigned char)(1 << bit);
			t = make_code((const unsigned char *)c->content,
			    c->content_len, buf, c->siglen);
			if (!refused(f, t))
				fail_msg("signature byte %zu bit %d accepted", i,
				    bit);
			free(t);
		}
	}
	/* And every character of the text itself. */
	t = xstrdup(c->text);
	for (i = 0; t[i] != '\0'; i++) {
		char	o = t[i];

		t[i] = o == 'A' ? 'B' : 'A';
		if (!refused(f, t))
			fail_msg("text character %zu changed accepted", i);
		t[i] = o;
	}
	assert_false(refused(f, t));
	free(t);
	free(buf);
	ecert_code_free(c);
}

/* ECERT-005: texts that are not certificate codes, named as "code". */
static void
test_ecert__ecert005_not_a_code(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*c = sign_permit(f), *d;
	struct err		 e;
	char			*t[32], *a, *b, *big;
	const char		*dot;
	size_t			 i, n = 0;

	dot = strchr(c->text + 5, '.');
	a = xstrndup(c->text + 5, (size_t)(dot - c->text - 5));
	b = xstrdup(dot + 1);
	t[n++] = xstrdup("");
	t[n++] = xstrdup("garbage");
	t[n++] = xasprintf("FWC2.%s.%s", a, b);
	t[n++] = xasprintf("fwc1.%s.%s", a, b);
	t[n++] = xasprintf("FWC1%s.%s", a, b);
	t[n++] = xasprintf("FWC1.%s", a);
	t[n++] = xasprintf("FWC1.%s.%s.%s", a, b, b);
	t[n++] = xasprintf("FWC1.%s.", a);
	t[n++] = xasprintf("FWC1..%s", b);
	t[n++] = xasprintf("FWC1.%s=.%s", a, b);
	t[n++] = xasprintf("FWC1.%s.%s=", a, b);
	t[n++] = xasprintf(" FWC1.%s.%s", a, b);
	t[n++] = xasprintf("FWC1.%s.%s\n", a, b);
	t[n++] = xasprintf("FWC1.%s+.%s", a, b);
	t[n++] = xasprintf("FWC1.%s./%s", a, b);
	/* Standard base64 of the same bytes where it differs from base64url. */
	{
		char	*s64 = crypto_base64_encode(c->sig, c->siglen);

		if (strpbrk(s64, "+/=") != NULL)
			t[n++] = xasprintf("FWC1.%s.%s", a, s64);
		free(s64);
	}
	/* Content that is not JSON, not an object, or has no string kid. */
	{
		static const char *const	content[] = { "not json",
			"[1,2]", "\"kid\"", "{\"no\":\"x\"}", "{\"kid\":1}",
			"{\"kid\":\"a\"} x" };
		size_t				k;

		static const char		nul[] = "{\"kid\":\"a\",\"v\":0\0}";

		for (k = 0; k < sizeof(content) / sizeof(content[0]); k++)
			t[n++] = make_code((const unsigned char *)content[k],
			    strlen(content[k]), c->sig, c->siglen);
		/* A NUL byte (jansson alone took this one, found by fuzzing). */
		t[n++] = make_code((const unsigned char *)nul, sizeof(nul) - 1,
		    c->sig, c->siglen);
	}
	for (i = 0; i < n; i++) {
		d = NULL;
		err_clear(&e);
		if (ecert_code_decode(t[i], &d, &e) >= 0)
			fail_msg("decoded \"%s\"", t[i]);
		assert_string_equal(e.field, "code");
		assert_null(d);
		free(t[i]);
	}
	assert_int_equal(ecert_code_decode(NULL, &d, &e), ERR_MISSING);
	/* Longer than ECERT_TEXT_MAX. */
	big = xmalloc(ECERT_TEXT_MAX + 10);
	memset(big, 'A', ECERT_TEXT_MAX + 9);
	memcpy(big, "FWC1.", 5);
	big[100] = '.';
	big[ECERT_TEXT_MAX + 9] = '\0';
	assert_int_equal(ecert_code_decode(big, &d, &e), ERR_INVALID);
	assert_string_equal(e.field, "code");
	free(big);
	free(a);
	free(b);
	ecert_code_free(c);
}

/* Sign raw bytes with f's key into a code. */
static char *
sign_raw(struct fx *f, const char *content)
{
	unsigned char	*sig = NULL;
	size_t		 siglen = 0;
	struct err	 e;
	char		*t;

	assert_int_equal(crypto_sm2_sign(f->key, content, strlen(content), &sig,
	    &siglen, &e), 0);
	t = make_code((const unsigned char *)content, strlen(content), sig,
	    siglen);
	free(sig);
	return t;
}

/* tmpl with its one "@" replaced by kid. */
static char *
with_kid(const char *tmpl, const char *kid)
{
	const char	*at = strchr(tmpl, '@');

	return xasprintf("%.*s%s%s", (int)(at - tmpl), tmpl, kid, at + 1);
}

/*
 * ECERT-005: signed content that is not canonical decodes (it is a
 * certificate code) but is invalid: whitespace, order, escapes,
 * duplicates, reals.
 */
static void
test_ecert__ecert005_not_canonical_is_invalid(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*c = NULL;
	struct err		 e;
	char			 kid[ECERT_KID_LEN + 1], *t, *content;
	size_t			 i;
	static const char *const	fmt[] = {
		"{\"kid\":\"@\", \"v\":1}",
		"{\"v\":1,\"kid\":\"@\"}",
		"{\"kid\":\"@\",\"v\":1}\n",
		"{\"kid\":\"@\",\"no\":\"\\u4e1c\",\"v\":1}",
		"{\"kid\":\"@\",\"u\":\"a\\/b\",\"v\":1}",
		"{\"kid\":\"@\",\"v\":1,\"v\":1}",
		"{\"kid\":\"@\",\"v\":1.0}",
		"{\"kid\":\"@\",\"v\":1e0}",
		"{\"kid\":\"@\",\"v\":-0}",
	};

	crypto_sm2_key_id(f->key, kid);
	content = xasprintf("{\"kid\":\"%s\",\"v\":1}", kid);
	t = sign_raw(f, content);
	assert_int_equal(ecert_code_decode(t, &c, &e), 0);
	assert_int_equal(ecert_code_verify(c, f->key), ECERT_VALID);
	ecert_code_free(c);
	free(t);
	free(content);
	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		c = NULL;
		content = with_kid(fmt[i], kid);
		t = sign_raw(f, content);
		if (ecert_code_decode(t, &c, &e) < 0)
			fail_msg("%s: %s", content, e.msg);
		assert_false(c->canonical);
		if (ecert_code_verify(c, f->key) != ECERT_NOT_CANONICAL)
			fail_msg("%s: not refused as not canonical", content);
		ecert_code_free(c);
		free(t);
		free(content);
	}
}

/* ECERT-005, ECERT-011: another key, an unknown kid. */
static void
test_ecert__ecert005_wrong_key_and_unknown_kid(void **state)
{
	struct fx		*f = *state;
	struct crypto_sm2	*other = NULL;
	struct ecert_code	*c, *d = NULL;
	struct err		 e;
	enum ecert_verdict	 v;
	json_t			*content = NULL, *ans;
	char			 kid[ECERT_KID_LEN + 1];

	assert_int_equal(crypto_sm2_generate(&other, &e), 0);
	c = sign_permit(f);
	assert_int_equal(ecert_code_decode(c->text, &d, &e), 0);
	assert_int_equal(ecert_code_verify(d, other), ECERT_BAD_SIGNATURE);
	assert_int_equal(ecert_key_verify(f->st, d, &v, &e), 0);
	assert_int_equal(v, ECERT_VALID);
	/* A PEM edited in the database is not the kid's key, even after the
	 * right one was cached (ECERT-007). */
	{
		char	*opem = crypto_sm2_public_pem(other), *mine;

		mine = crypto_sm2_public_pem(f->key);
		begin(f);
		assert_int_equal(end(f, store_exec(f->st, "UPDATE ecert_keys SET "
		    "pem = ?", STORE_ARGS(SV_S(opem)), NULL, &e)), 0);
		assert_int_equal(ecert_key_verify(f->st, d, &v, &e), 0);
		assert_int_equal(v, ECERT_UNKNOWN_KEY);
		begin(f);
		assert_int_equal(end(f, store_exec(f->st, "UPDATE ecert_keys SET "
		    "pem = ?", STORE_ARGS(SV_S(mine)), NULL, &e)), 0);
		assert_int_equal(ecert_key_verify(f->st, d, &v, &e), 0);
		assert_int_equal(v, ECERT_VALID);
		free(opem);
		free(mine);
	}
	ecert_code_free(d);
	ecert_code_free(c);

	/* Signed by a key the platform does not hold. */
	crypto_sm2_key_id(other, kid);
	assert_int_equal(ecert_permit_content(&permit0, kid, &content, &e), 0);
	assert_int_equal(ecert_code_sign(other, content, &c, &e), 0);
	assert_int_equal(ecert_code_decode(c->text, &d, &e), 0);
	assert_int_equal(ecert_key_verify(f->st, d, &v, &e), 0);
	assert_int_equal(v, ECERT_UNKNOWN_KEY);
	ans = check(f, c->text);
	assert_true(json_is_false(json_object_get(ans, "valid")));
	assert_string_equal(sget(ans, "reason"), "unknown_key");
	assert_string_equal(sget(ans, "status"), "unknown");
	assert_string_equal(sget(json_object_get(ans, "content"), "kid"), kid);
	json_decref(ans);
	/* A content naming our kid, signed by the other key. */
	ecert_code_free(c);
	ecert_code_free(d);
	json_decref(content);
	crypto_sm2_key_id(f->key, kid);
	assert_int_equal(ecert_permit_content(&permit0, kid, &content, &e), 0);
	assert_int_equal(ecert_code_sign(other, content, &c, &e), ERR_INVALID);
	assert_string_equal(e.field, "kid");
	c = sign_permit(f);
	{
		unsigned char	*sig = NULL;
		size_t		 siglen = 0;
		char		*t;

		assert_int_equal(crypto_sm2_sign(other, c->content,
		    c->content_len, &sig, &siglen, &e), 0);
		t = make_code((const unsigned char *)c->content, c->content_len,
		    sig, siglen);
		ans = check(f, t);
		assert_true(json_is_false(json_object_get(ans, "valid")));
		assert_string_equal(sget(ans, "reason"), "bad_signature");
		json_decref(ans);
		free(t);
		free(sig);
	}
	ecert_code_free(c);
	json_decref(content);
	crypto_sm2_free(other);
}

/* ECERT-006: a certificate fits one QR code at level M. */
static void
test_ecert__ecert006_code_fits_a_qr_code(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*c = NULL;
	struct err		 e;
	json_t			*content, *a;
	char			 kid[ECERT_KID_LEN + 1];
	int			 i;

	crypto_sm2_key_id(f->key, kid);
	content = json_pack("{s:s, s:i, s:s}", "kid", kid, "v", 1, "type", "x");
	a = json_array();
	for (i = 0; i < 400; i++)
		json_array_append_new(a, json_string("消防"));
	json_object_set_new(content, "items", a);
	assert_int_equal(ecert_code_sign(f->key, content, &c, &e), ERR_RANGE);
	assert_string_equal(e.field, "content");
	assert_null(c);
	json_decref(content);
	c = sign_permit(f);
	assert_true(strlen(c->text) <= ECERT_CODE_MAX);
	ecert_code_free(c);
}

/* ECERT-007: a separate key file, 0600, registered once and audited. */
static void
test_ecert__ecert007_key_file_and_registration(void **state)
{
	struct fx		*f = *state;
	struct crypto_sm2	*again = NULL, *audit = NULL;
	struct stat		 sb;
	struct err		 e;
	json_t			*keys = NULL;
	char			*path, kid[ECERT_KID_LEN + 1];
	char			 akid[ECERT_KID_LEN + 1];
	int64_t			 a0;

	path = xasprintf("%s/ecert-sm2.pem", f->keydir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(path);
	crypto_sm2_key_id(f->key, kid);
	/* Not the audit key, even in the same directory. */
	assert_int_equal(audit_key_open(f->st, f->keydir, &audit, &e), 0);
	crypto_sm2_key_id(audit, akid);
	assert_string_not_equal(kid, akid);
	crypto_sm2_free(audit);
	/* Opening again loads the same key and records nothing. */
	a0 = asize(f);
	assert_int_equal(ecert_key_open(f->st, f->keydir, &again, &e), 0);
	crypto_sm2_key_id(again, akid);
	assert_string_equal(kid, akid);
	crypto_sm2_free(again);
	assert_int_equal(asize(f), a0);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM audit_entries "
	    "WHERE action = 'ecert_key.create'"), 1);
	/* Published: kid, PEM, created_at, retired_at null. */
	assert_int_equal(ecert_key_list(f->st, &keys, &e), 0);
	assert_int_equal(json_array_size(keys), 1);
	assert_string_equal(sget(json_array_get(keys, 0), "kid"), kid);
	assert_non_null(strstr(sget(json_array_get(keys, 0), "pem"),
	    "BEGIN PUBLIC KEY"));
	assert_true(json_is_null(json_object_get(json_array_get(keys, 0),
	    "retired_at")));
	assert_true(json_integer_value(json_object_get(json_array_get(keys, 0),
	    "created_at")) > 0);
	json_decref(keys);
	assert_deep_ok(f);
}

/* ECERT-007: rotation; the retired key still verifies and signs no more. */
static void
test_ecert__ecert007_rotation(void **state)
{
	struct fx		*f = *state;
	struct crypto_sm2	*cur = NULL;
	struct ecert_code	*d = NULL;
	struct err		 e;
	enum ecert_verdict	 v;
	struct ecert_new	 n;
	json_t			*rec, *keys = NULL, *ans, *fields, *x = NULL;
	char			 old[ECERT_KID_LEN + 1], kid[ECERT_KID_LEN + 1];
	char			*path, *retired;

	crypto_sm2_key_id(f->key, old);
	rec = issue(f, "R-1", 7);
	assert_int_equal(ecert_key_rotate(f->st, &f->sys, f->keydir, kid, &e),
	    0);
	assert_string_not_equal(kid, old);
	assert_last_action(f, "ecert_key.create", NULL);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM audit_entries "
	    "WHERE action = 'ecert_key.retire'"), 1);
	/* The files: the new key in place, the old one renamed. */
	path = xasprintf("%s/ecert-sm2.pem", f->keydir);
	retired = xasprintf("%s/ecert-sm2-%.16s.retired.pem", f->keydir, old);
	assert_int_equal(access(retired, F_OK), 0);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(ecert_key_open(f->st, f->keydir, &cur, &e), 0);
	{
		char	now[ECERT_KID_LEN + 1];

		crypto_sm2_key_id(cur, now);
		assert_string_equal(now, kid);
	}
	/* Both keys published, the old one retired. */
	assert_int_equal(ecert_key_list(f->st, &keys, &e), 0);
	assert_int_equal(json_array_size(keys), 2);
	json_decref(keys);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM ecert_keys "
	    "WHERE retired_at IS NOT NULL"), 1);
	/* A certificate of the retired key still verifies. */
	assert_int_equal(ecert_code_decode(sget(rec, "code"), &d, &e), 0);
	assert_int_equal(ecert_key_verify(f->st, d, &v, &e), 0);
	assert_int_equal(v, ECERT_VALID);
	ecert_code_free(d);
	ans = check(f, sget(rec, "code"));
	assert_true(json_is_true(json_object_get(ans, "valid")));
	assert_string_equal(sget(ans, "status"), "valid");
	json_decref(ans);
	/* The old signer (a server not restarted) is refused. */
	fields = permit_fields("R-2", NULL);
	memset(&n, 0, sizeof(n));
	n.type = ECERT_TYPE_PERMIT;
	n.fields = fields;
	n.subject_type = "permit";
	n.subject_id = 8;
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_UNAVAILABLE);
	/* The new one signs. */
	ecert_key_set_signer(cur);
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)), 0);
	assert_string_equal(sget(x, "kid"), kid);
	ecert_key_set_signer(f->key);
	json_decref(x);
	json_decref(fields);
	json_decref(rec);
	crypto_sm2_free(cur);
	free(path);
	free(retired);
	assert_deep_ok(f);
}

/* ECERT-007: a rotation interrupted before or after its commit. */
static void
test_ecert__ecert007_interrupted_rotation(void **state)
{
	struct fx		*f = *state;
	struct crypto_sm2	*nk = NULL, *cur = NULL;
	struct err		 e;
	char			*newp, kid[ECERT_KID_LEN + 1];
	char			 now[ECERT_KID_LEN + 1], old[ECERT_KID_LEN + 1];
	char			*pem;

	crypto_sm2_key_id(f->key, old);
	newp = xasprintf("%s/ecert-sm2.pem.new", f->keydir);
	/* Before the commit: the .new file goes, the old key stays. */
	assert_int_equal(crypto_sm2_generate(&nk, &e), 0);
	assert_int_equal(crypto_sm2_save(nk, newp, &e), 0);
	assert_int_equal(ecert_key_open(f->st, f->keydir, &cur, &e), 0);
	crypto_sm2_key_id(cur, now);
	assert_string_equal(now, old);
	assert_int_not_equal(access(newp, F_OK), 0);
	crypto_sm2_free(cur);
	/* After the commit: the new key is moved into place. */
	assert_int_equal(crypto_sm2_save(nk, newp, &e), 0);
	crypto_sm2_key_id(nk, kid);
	pem = crypto_sm2_public_pem(nk);
	begin(f);
	assert_int_equal(end(f, store_exec(f->st, "INSERT INTO ecert_keys (kid, "
	    "pem, created_at) VALUES (?, ?, 1)", STORE_ARGS(SV_S(kid),
	    SV_S(pem)), NULL, &e)), 0);
	free(pem);
	assert_int_equal(ecert_key_open(f->st, f->keydir, &cur, &e), 0);
	crypto_sm2_key_id(cur, now);
	assert_string_equal(now, kid);
	assert_int_not_equal(access(newp, F_OK), 0);
	crypto_sm2_free(cur);
	crypto_sm2_free(nk);
	free(newp);
}

/* ECERT-008: issue stores, signs and audits; numbers are unique. */
static void
test_ecert__ecert008_issue(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*rec, *got = NULL, *ans, *content;
	struct ecert_code *d = NULL;
	char		 kid[ECERT_KID_LEN + 1];
	int64_t		 a0, id;

	a0 = asize(f);
	rec = issue(f, "东消投字〔2026〕第0001号", 42);
	id = rec_id(rec);
	assert_int_equal(asize(f), a0 + 1);
	assert_last_action(f, "ecert.issue", NULL);
	crypto_sm2_key_id(f->key, kid);
	assert_string_equal(sget(rec, "status"), "valid");
	assert_string_equal(sget(rec, "type"), ECERT_TYPE_PERMIT);
	assert_string_equal(sget(rec, "subject_type"), "permit");
	assert_string_equal(sget(rec, "subject_id"), "42");
	assert_string_equal(sget(rec, "kid"), kid);
	assert_string_equal(sget(rec, "issued_on"), "2026-03-15");
	assert_string_equal(sget(rec, "created_by"), "system");
	assert_true(json_is_null(json_object_get(rec, "revoked_on")));
	assert_int_equal(json_integer_value(json_object_get(rec, "version")), 1);
	/* content is the exact signed text; signature its base64url. */
	assert_int_equal(ecert_code_decode(sget(rec, "code"), &d, &e), 0);
	assert_string_equal(d->content, sget(rec, "content"));
	{
		char	*s = crypto_base64url_encode(d->sig, d->siglen);

		assert_string_equal(s, sget(rec, "signature"));
		free(s);
	}
	ecert_code_free(d);
	/* Look-ups. */
	assert_int_equal(ecert_get_by_no(f->st, "东消投字〔2026〕第0001号", &got,
	    &e), 0);
	assert_string_equal(sget(got, "id"), sget(rec, "id"));
	json_decref(got);
	assert_int_equal(ecert_get_by_code(f->st, sget(rec, "code"), &got, &e),
	    0);
	assert_string_equal(sget(got, "id"), sget(rec, "id"));
	json_decref(got);
	assert_int_equal(ecert_get(f->st, id + 1, &got, &e), ERR_NOT_FOUND);
	assert_int_equal(ecert_get_by_no(f->st, "none", &got, &e),
	    ERR_NOT_FOUND);
	/* Online: valid, status valid, the content as an object. */
	ans = check(f, sget(rec, "code"));
	assert_true(json_is_true(json_object_get(ans, "valid")));
	assert_null(json_object_get(ans, "reason"));
	assert_string_equal(sget(ans, "status"), "valid");
	assert_true(json_is_null(json_object_get(ans, "revoked_on")));
	assert_true(json_is_null(json_object_get(ans, "superseded_by_no")));
	content = json_object_get(ans, "content");
	assert_string_equal(sget(content, "holder"), "东莞市明珠娱乐有限公司");
	assert_int_equal(json_integer_value(json_object_get(content, "v")), 1);
	json_decref(ans);
	/* The same number again: 409 naming no, nothing stored. */
	a0 = asize(f);
	{
		struct ecert_new	 n;
		json_t			*fields = permit_fields(
		    "东消投字〔2026〕第0001号", NULL), *x = NULL;

		memset(&n, 0, sizeof(n));
		n.type = ECERT_TYPE_PERMIT;
		n.fields = fields;
		n.subject_type = "permit";
		n.subject_id = 43;
		begin(f);
		assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
		    ERR_CONFLICT);
		assert_string_equal(e.field, "no");
		assert_null(x);
		json_decref(fields);
	}
	assert_int_equal(asize(f), a0);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM certificates"),
	    1);
	json_decref(rec);
	assert_deep_ok(f);
}

/* ECERT-008: refused input names the field and stores nothing. */
static void
test_ecert__ecert008_bad_input_stores_nothing(void **state)
{
	struct fx		*f = *state;
	struct ecert_new	 n;
	struct err		 e;
	json_t			*good, *bad, *x = NULL;
	int64_t			 a0;

	good = permit_fields("B-1", NULL);
	a0 = asize(f);
	memset(&n, 0, sizeof(n));
	n.type = ECERT_TYPE_PERMIT;
	n.subject_type = "permit";
	n.subject_id = 1;

	bad = json_deep_copy(good);
	json_object_set_new(bad, "route", json_string("other"));
	n.fields = bad;
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_INVALID);
	assert_string_equal(e.field, "route");
	json_decref(bad);

	bad = json_deep_copy(good);
	json_object_set_new(bad, "area_m2", json_real(12.5));
	n.fields = bad;
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_TYPE);
	assert_string_equal(e.field, "area_m2");
	json_decref(bad);

	bad = json_deep_copy(good);
	json_object_set_new(bad, "area_m2", json_string("12"));
	n.fields = bad;
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_TYPE);
	assert_string_equal(e.field, "area_m2");
	json_decref(bad);

	bad = json_deep_copy(good);
	json_object_del(bad, "issuer");
	n.fields = bad;
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_MISSING);
	assert_string_equal(e.field, "issuer");
	json_decref(bad);

	n.fields = good;
	n.subject_type = "Permit";
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_INVALID);
	assert_string_equal(e.field, "subject_type");
	n.subject_type = "permit";
	n.subject_id = 0;
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_INVALID);
	assert_string_equal(e.field, "subject_id");
	n.subject_id = 1;
	n.type = "Bad Type";
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_INVALID);
	assert_string_equal(e.field, "type");
	/* Without a signer: unavailable. */
	n.type = ECERT_TYPE_PERMIT;
	ecert_key_set_signer(NULL);
	begin(f);
	assert_int_equal(end(f, ecert_issue(f->st, &f->sys, &n, &x, &e)),
	    ERR_UNAVAILABLE);
	ecert_key_set_signer(f->key);
	assert_null(x);
	assert_int_equal(asize(f), a0);
	assert_int_equal(fx_count(f->st, "SELECT COUNT(*) FROM certificates"),
	    0);
	/* Outside a transaction the audit entry, and so the issue, fails. */
	assert_int_equal(ecert_issue(f->st, &f->sys, &n, &x, &e), ERR_INTERNAL);
	json_decref(good);
}

/* ECERT-009: revoke; the code still verifies and answers revoked. */
static void
test_ecert__ecert009_revoke(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*d = NULL;
	struct err		 e;
	json_t			*rec, *x = NULL, *ans;
	char			 today[11];
	int64_t			 id, a0;
	time_t			 t;
	struct tm		 tm;

	rec = issue(f, "V-1", 5);
	id = rec_id(rec);
	a0 = asize(f);
	/* Refused: nothing stored. */
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 0, NULL,
	    "场所擅自改变使用性质", &x, &e)), ERR_MISSING);
	assert_string_equal(e.field, "revoked_on");
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 0,
	    "2026-02-30", "场所擅自改变使用性质", &x, &e)), ERR_INVALID);
	assert_string_equal(e.field, "revoked_on");
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 0,
	    "2026-03-14", "场所擅自改变使用性质", &x, &e)), ERR_INVALID);
	assert_string_equal(e.field, "revoked_on");
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 0,
	    "2099-01-01", "场所擅自改变使用性质", &x, &e)), ERR_INVALID);
	assert_string_equal(e.field, "revoked_on");
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 0,
	    "2026-03-20", "", &x, &e)), ERR_RANGE);
	assert_string_equal(e.field, "revoke_reason");
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 7,
	    "2026-03-20", "场所擅自改变使用性质", &x, &e)), ERR_STALE);
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id + 1, 0,
	    "2026-03-20", "场所擅自改变使用性质", &x, &e)), ERR_NOT_FOUND);
	assert_null(x);
	assert_int_equal(asize(f), a0);
	/* Today is accepted (the clock moved to a known day). */
	t = (time_t)(clock_now() + 8 * 3600);
	gmtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strcmp(today, "2026-03-20") < 0)
		clock_set_offset(86400 * 400);
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 1,
	    "2026-03-20", "场所擅自改变使用性质", &x, &e)), 0);
	assert_int_equal(asize(f), a0 + 1);
	assert_last_action(f, "ecert.revoke", NULL);
	assert_string_equal(sget(x, "status"), "revoked");
	assert_string_equal(sget(x, "revoked_on"), "2026-03-20");
	assert_string_equal(sget(x, "revoke_reason"), "场所擅自改变使用性质");
	assert_int_equal(json_integer_value(json_object_get(x, "version")), 2);
	/* The code is unchanged and still verifies offline. */
	assert_string_equal(sget(x, "code"), sget(rec, "code"));
	assert_int_equal(ecert_code_decode(sget(rec, "code"), &d, &e), 0);
	assert_int_equal(ecert_code_verify(d, f->key), ECERT_VALID);
	ecert_code_free(d);
	json_decref(x);
	x = NULL;
	/* Online: valid signature, status revoked with date and reason. */
	ans = check(f, sget(rec, "code"));
	assert_true(json_is_true(json_object_get(ans, "valid")));
	assert_string_equal(sget(ans, "status"), "revoked");
	assert_string_equal(sget(ans, "revoked_on"), "2026-03-20");
	assert_string_equal(sget(ans, "revoke_reason"), "场所擅自改变使用性质");
	json_decref(ans);
	/* Only once. */
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 0,
	    "2026-03-21", "again", &x, &e)), ERR_POLICY);
	assert_string_equal(e.field, "status");
	json_decref(rec);
	assert_deep_ok(f);
}

/* ECERT-010: supersede by a reissue under a new number. */
static void
test_ecert__ecert010_supersede(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*old, *nw = NULL, *fields, *x = NULL, *ans, *o2 = NULL;
	int64_t		 id, a0;

	old = issue(f, "S-1", 9);
	id = rec_id(old);
	a0 = asize(f);
	/* The same number is refused; nothing changes. */
	fields = permit_fields("S-1", "2026-04-01");
	begin(f);
	assert_int_equal(end(f, ecert_supersede(f->st, &f->sys, id, 1, fields,
	    &x, &e)), ERR_CONFLICT);
	assert_string_equal(e.field, "no");
	json_decref(fields);
	fields = permit_fields("S-2", "2026-04-01");
	begin(f);
	assert_int_equal(end(f, ecert_supersede(f->st, &f->sys, id, 3, fields,
	    &x, &e)), ERR_STALE);
	assert_null(x);
	assert_int_equal(asize(f), a0);
	begin(f);
	assert_int_equal(end(f, ecert_supersede(f->st, &f->sys, id, 1, fields,
	    &nw, &e)), 0);
	json_decref(fields);
	/* Two entries: the new certificate issued, the old one superseded. */
	assert_int_equal(asize(f), a0 + 2);
	assert_last_action(f, "ecert.supersede", NULL);
	assert_string_equal(sget(nw, "no"), "S-2");
	assert_string_equal(sget(nw, "status"), "valid");
	assert_string_equal(sget(nw, "subject_id"), "9");
	assert_string_equal(sget(nw, "issued_on"), "2026-04-01");
	assert_int_equal(ecert_get(f->st, id, &o2, &e), 0);
	assert_string_equal(sget(o2, "status"), "superseded");
	assert_string_equal(sget(o2, "superseded_by"), sget(nw, "id"));
	json_decref(o2);
	ans = check(f, sget(old, "code"));
	assert_true(json_is_true(json_object_get(ans, "valid")));
	assert_string_equal(sget(ans, "status"), "superseded");
	assert_string_equal(sget(ans, "superseded_by_no"), "S-2");
	json_decref(ans);
	ans = check(f, sget(nw, "code"));
	assert_string_equal(sget(ans, "status"), "valid");
	json_decref(ans);
	/* A superseded certificate is not superseded or revoked again. */
	fields = permit_fields("S-3", NULL);
	begin(f);
	assert_int_equal(end(f, ecert_supersede(f->st, &f->sys, id, 0, fields,
	    &x, &e)), ERR_POLICY);
	begin(f);
	assert_int_equal(end(f, ecert_revoke(f->st, &f->sys, id, 0,
	    "2026-04-01", "x", &x, &e)), ERR_POLICY);
	json_decref(fields);
	json_decref(old);
	json_decref(nw);
	assert_deep_ok(f);
}

/* ECERT-011: status comes only for the very content the registry holds. */
static void
test_ecert__ecert011_status_only_for_registered_content(void **state)
{
	struct fx		*f = *state;
	struct ecert_code	*c = NULL;
	struct err		 e;
	json_t			*rec, *content = NULL, *ans;
	char			 kid[ECERT_KID_LEN + 1];

	rec = issue(f, "东消投字〔2026〕第0001号", 3);
	/* Same number, other content (a test vector signed by hand). */
	crypto_sm2_key_id(f->key, kid);
	{
		struct ecert_permit	p = permit0;

		p.area_m2 = 9999;
		assert_int_equal(ecert_permit_content(&p, kid, &content, &e), 0);
	}
	assert_int_equal(ecert_code_sign(f->key, content, &c, &e), 0);
	ans = check(f, c->text);
	assert_true(json_is_true(json_object_get(ans, "valid")));
	assert_string_equal(sget(ans, "status"), "unknown");
	json_decref(ans);
	ecert_code_free(c);
	json_decref(content);
	json_decref(rec);
	/* Not a code: ERR_INVALID naming code. */
	assert_int_equal(ecert_check(f->st, "FWC1.x.y", &ans, &e), ERR_INVALID);
	assert_string_equal(e.field, "code");
}

/* L-2: a certificate edited in the database is found by --deep. */
static void
test_ecert__l2_deep_verify_finds_an_edit(void **state)
{
	struct fx	*f = *state;
	struct buf	 report;
	struct err	 e;
	json_t		*rec;
	int64_t		 n = 0;

	rec = issue(f, "D-1", 1);
	assert_deep_ok(f);
	begin(f);
	assert_int_equal(end(f, store_exec(f->st, "UPDATE certificates SET "
	    "status = 'revoked' WHERE no = 'D-1'", STORE_NOARGS, NULL, &e)), 0);
	buf_init(&report);
	assert_int_equal(audit_verify(f->st, ecert_types, &report, &n, &e),
	    ERR_CRYPTO);
	assert_non_null(strstr(report.data, "ecert/"));
	buf_free(&report);
	json_decref(rec);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_ecert__ecert001_canonical_known_answer),
		T(test_ecert__ecert001_no_floats),
		T(test_ecert__ecert002_permit_fields_checked),
		T(test_ecert__ecert004_base64url),
		T(test_ecert__ecert003_round_trip),
		T(test_ecert__ecert005_flip_every_byte),
		T(test_ecert__ecert005_not_a_code),
		T(test_ecert__ecert005_not_canonical_is_invalid),
		T(test_ecert__ecert005_wrong_key_and_unknown_kid),
		T(test_ecert__ecert006_code_fits_a_qr_code),
		T(test_ecert__ecert007_key_file_and_registration),
		T(test_ecert__ecert007_rotation),
		T(test_ecert__ecert007_interrupted_rotation),
		T(test_ecert__ecert008_issue),
		T(test_ecert__ecert008_bad_input_stores_nothing),
		T(test_ecert__ecert009_revoke),
		T(test_ecert__ecert010_supersede),
		T(test_ecert__ecert011_status_only_for_registered_content),
		T(test_ecert__l2_deep_verify_finds_an_edit),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

int
main(void)
{
	const char	*pg = getenv("FIREWARDEN_TEST_PG");
	int		 rc;

	jx_init();
	rc = run("sqlite::memory:", "ecert (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "ecert (PostgreSQL)");
	else
		printf("ecert (PostgreSQL): skipped, FIREWARDEN_TEST_PG unset\n");
	return rc;
}
