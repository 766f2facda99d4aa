/*
 * Unit tests of the uploaded-files store (src/domain/files*.c) on SQLite
 * and, when FIREWARDEN_TEST_PG is set, PostgreSQL: the sniffers on JPEG,
 * PNG and PDF files built here byte by byte and on what must be refused
 * (FILE-001..003), the caps (FILE-003, 004, 011), content-addressed and
 * atomic storage (FILE-005), the display copy without metadata
 * (FILE-006), who may read (FILE-007), attaching (FILE-008) and the
 * sweep job (FILE-009, 010) with the clock moved by clock_set_offset().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <fcntl.h>
#include <sys/stat.h>
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
#include "domain/files.h"
#include "store/store.h"
#include "fx_store.h"

/* The shared helpers (fx_store.h) on a fixture. */
#define count(f, sql)	fx_count((f)->st, (sql))

#define HEX	(2 * CRYPTO_SM3_LEN + 1)
/* A literal's bytes, NULs included. */
#define LIT(s)	(s), (sizeof(s) - 1)

struct fx {
	struct store	*st;
	struct actor	 sys;
	struct actor	 up1;		/* uploads */
	struct actor	 up2;		/* uploads too, someone else */
	struct actor	 reader;	/* reads test records, no uploads */
	struct actor	 officer;	/* uploads and holds files:original */
	char		 dir[128];
};

static const char	*fx_url;

/* ---- test records that own files ---- */

#define TCASE_READABLE	77	/* the one tcase record readers may read */

static int
t_can_read(struct store *st, struct actor *who, int64_t owner_id,
    struct err *e)
{
	(void)st;
	(void)e;
	return actor_can(who, "tcase:read") && owner_id == TCASE_READABLE;
}

static const struct files_owner	t_owners[] = {
	{ "tcase", t_can_read },
	{ NULL, NULL },
};

static const struct audit_type	t_types[] = {
	{ "file", files_record },
	{ NULL, NULL },
};

/* ---- building files byte by byte ---- */

static void
put16(struct buf *b, unsigned v)
{
	unsigned char	c[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	buf_add(b, c, 2);
}

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char	c[4] = { (unsigned char)(v >> 24),
		(unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };

	buf_add(b, c, 4);
}

/* CRC-32 (ISO 3309) a bit at a time, independent of the sniffer's table. */
static uint32_t
t_crc(const unsigned char *p, size_t n)
{
	uint32_t	c = 0xffffffffu;
	int		k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static uint32_t
t_adler(const unsigned char *p, size_t n)
{
	uint32_t	a = 1, b = 0;

	while (n-- > 0) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static void
png_chunk(struct buf *b, const char *type, const void *data, size_t n)
{
	size_t	start;

	put32(b, (uint32_t)n);
	start = b->len;
	buf_add(b, type, 4);
	if (n > 0)
		buf_add(b, data, n);
	put32(b, t_crc((unsigned char *)b->data + start, n + 4));
}

static void
png_ihdr(struct buf *b, uint32_t w, uint32_t h, unsigned depth, unsigned ct)
{
	struct buf	d;

	buf_init(&d);
	put32(&d, w);
	put32(&d, h);
	buf_addc(&d, (char)depth);
	buf_addc(&d, (char)ct);
	buf_add(&d, "\0\0\0", 3);
	png_chunk(b, "IHDR", d.data, d.len);
	buf_free(&d);
}

/*
 * IDAT of a w × h grey 8-bit image: each row a filter byte and w zeros,
 * in a zlib stream of one stored block (w × h small).  For a size too
 * big to fill, a stream of one row stands in: the sniffer never inflates.
 */
static void
png_idat(struct buf *b, uint32_t w, uint32_t h)
{
	struct buf	raw, z;
	uint64_t	n = (uint64_t)(w + 1) * h;

	if (n > 60000)
		n = 2;
	buf_init(&raw);
	buf_init(&z);
	while (raw.len < n)
		buf_addc(&raw, 0);
	buf_add(&z, "\x78\x01\x01", 3);
	buf_addc(&z, (char)(raw.len & 0xff));
	buf_addc(&z, (char)(raw.len >> 8));
	buf_addc(&z, (char)(~raw.len & 0xff));
	buf_addc(&z, (char)((~raw.len >> 8) & 0xff));
	buf_add(&z, raw.data, raw.len);
	put32(&z, t_adler((unsigned char *)raw.data, raw.len));
	png_chunk(b, "IDAT", z.data, z.len);
	buf_free(&raw);
	buf_free(&z);
}

/* A real grey PNG; with meta, EXIF, text and time chunks too. */
static void
png_build(struct buf *b, uint32_t w, uint32_t h, int meta)
{
	static const unsigned char	sig[8] = { 0x89, 'P', 'N', 'G', '\r',
		'\n', 0x1a, '\n' };
	static const unsigned char	tm[7] = { 0x07, 0xea, 3, 2, 9, 30, 0 };

	buf_add(b, sig, 8);
	png_ihdr(b, w, h, 8, 0);
	if (meta) {
		png_chunk(b, "tEXt", LIT("Comment\0Dongguan 22.9N 113.7E"));
		png_chunk(b, "eXIf", LIT("MM\0*\0\0\0\x08" "GPSLatitude"));
		png_chunk(b, "tIME", tm, 7);
	}
	png_chunk(b, "gAMA", LIT("\0\0\xb1\x8f"));
	png_idat(b, w, h);
	png_chunk(b, "IEND", NULL, 0);
}

static void
jseg(struct buf *b, unsigned m, const void *p, size_t n)
{
	buf_addc(b, (char)0xff);
	buf_addc(b, (char)m);
	put16(b, (unsigned)n + 2);
	buf_add(b, p, n);
}

/*
 * A real baseline grey JPEG of w × h: quantisation all 1, one Huffman
 * code of one bit for DC category 0 and one for EOB, so that every 8 × 8
 * block is the two bits 00 (a flat grey).  With meta: JFIF, EXIF with a
 * GPS tag, ICC, a comment, and the Adobe segment that must stay.
 */
static void
jpeg_build(struct buf *b, unsigned w, unsigned h, int meta)
{
	unsigned char	q[65], sof[9], dht[18], sos[8];
	size_t		blocks = (size_t)((w + 7) / 8) * ((h + 7) / 8), bits;

	buf_add(b, "\xff\xd8", 2);
	if (meta) {
		jseg(b, 0xe0, LIT("JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
		jseg(b, 0xe1, LIT("Exif\0\0MM\0*\0\0\0\x08" "GPSLatitude 22.9N"));
		jseg(b, 0xe2, LIT("ICC_PROFILE\0\x01\x01"));
		jseg(b, 0xfe, LIT("taken at Dongguan"));
		jseg(b, 0xee, LIT("Adobe\0\x64\0\0\0\0\x01"));
	}
	memset(q, 1, sizeof(q));
	q[0] = 0;
	jseg(b, 0xdb, q, sizeof(q));
	sof[0] = 8;
	sof[1] = (unsigned char)(h >> 8);
	sof[2] = (unsigned char)h;
	sof[3] = (unsigned char)(w >> 8);
	sof[4] = (unsigned char)w;
	sof[5] = 1;
	sof[6] = 1;
	sof[7] = 0x11;
	sof[8] = 0;
	jseg(b, 0xc0, sof, 9);
	memset(dht, 0, sizeof(dht));
	dht[0] = 0x00;		/* DC table 0 */
	dht[1] = 1;		/* one code of length 1 */
	dht[17] = 0x00;		/* category 0 */
	jseg(b, 0xc4, dht, 18);
	dht[0] = 0x10;		/* AC table 0: EOB */
	jseg(b, 0xc4, dht, 18);
	sos[0] = 1;
	sos[1] = 1;
	sos[2] = 0x00;
	sos[3] = 0;
	sos[4] = 63;
	sos[5] = 0;
	jseg(b, 0xda, sos, 6);
	/* 2 zero bits a block, padded with ones. */
	for (bits = 2 * blocks; bits >= 8; bits -= 8)
		buf_addc(b, 0);
	if (bits > 0)
		buf_addc(b, (char)(0xff >> bits));
	buf_add(b, "\xff\xd9", 2);
}

/* A real one-page PDF with its cross-reference table. */
static void
pdf_build(struct buf *b)
{
	static const char *const	objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] "
		    "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length 40 >>\nstream\nBT /F1 12 Tf 20 50 Td (Firewarden) "
		    "Tj ET\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	size_t				off[5], xref, i;

	buf_adds(b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	for (i = 0; i < 5; i++) {
		off[i] = b->len;
		buf_printf(b, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	xref = b->len;
	buf_adds(b, "xref\n0 6\n0000000000 65535 f \n");
	for (i = 0; i < 5; i++)
		buf_printf(b, "%010zu 00000 n \n", off[i]);
	buf_printf(b, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n"
	    "%%%%EOF\n", xref);
}

/* ---- fixture ---- */

static void
user(struct actor *a, int64_t uid, const char *perms)
{
	char	buf[256], *p, *save = NULL;

	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_USER;
	a->user_id = uid;
	snprintf(a->login, sizeof(a->login), "u%lld", (long long)uid);
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "city");
	snprintf(a->request_id, sizeof(a->request_id), "t-%lld",
	    (long long)uid);
	snprintf(buf, sizeof(buf), "%s", perms);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		actor_add_perm(a, p);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;

	clock_set_offset(0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/fwfiles.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		fail_msg("mkdtemp");
	if (files_configure(f->dir, NULL, t_owners, &e) < 0)
		fail_msg("configure: %s", e.msg);
	f->st = fx_store_fresh(fx_url);
	actor_system(&f->sys, "t-sys");
	user(&f->up1, 101, "files:write");
	user(&f->up2, 102, "files:write");
	user(&f->reader, 103, "tcase:read");
	user(&f->officer, 104, "files:write files:original tcase:read");
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	store_close(f->st);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	clock_set_offset(0);
	return 0;
}

/* Blobs (64-hex names) and other files under the blob directory. */
static int	walk_blobs, walk_tmp;
static size_t	walk_root;

static int
walk_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	const char	*name = path + ftw->base;

	(void)sb;
	if (flag != FTW_F)
		return 0;
	if (strncmp(path + walk_root, "/tmp/", 5) == 0)
		walk_tmp++;
	else if (strlen(name) == HEX - 1)
		walk_blobs++;
	return 0;
}

static int
blobs(struct fx *f)
{
	walk_blobs = walk_tmp = 0;
	walk_root = strlen(f->dir);
	nftw(f->dir, walk_one, 16, FTW_PHYS);
	return walk_blobs;
}

static int
tmps(struct fx *f)
{
	blobs(f);
	return walk_tmp;
}

/* files_put in a transaction of its own; returns rc, *id and *view. */
static int
put(struct fx *f, struct actor *who, const char *purpose, struct buf *b,
    int64_t *id, json_t **view)
{
	struct err	e;
	json_t		*v = NULL;
	int64_t		 tid = 0;
	int		 rc;

	assert_int_equal(store_begin(f->st, &e), 0);
	rc = files_put(f->st, who, purpose, b->data, b->len, &tid, &v, &e);
	if (rc == 0)
		assert_int_equal(store_commit(f->st, &e), 0);
	else
		store_rollback(f->st);
	if (id)
		*id = tid;
	if (view)
		*view = v;
	else
		json_decref(v);
	return rc;
}

static int
attach(struct fx *f, struct actor *who, const int64_t *ids, int n,
    const char *type, int64_t owner, const char *purpose, struct err *e)
{
	int	rc;

	assert_int_equal(store_begin(f->st, e), 0);
	rc = files_attach(f->st, who, ids, n, type, owner, purpose, e);
	if (rc == 0)
		assert_int_equal(store_commit(f->st, e), 0);
	else
		store_rollback(f->st);
	return rc;
}

static int
sniff(struct buf *b, struct files_info *info, struct err *e)
{
	return files_sniff(b->data, b->len, info, e);
}

/* The sniffer refuses b with code, naming the body. */
static void
refused(struct buf *b, int code, const char *what)
{
	struct files_info	info;
	struct err		e;

	err_clear(&e);
	if (files_sniff(b->data, b->len, &info, &e) != code)
		fail_msg("%s: expected %d, got %d (%s)", what, code, e.code,
		    e.msg);
	assert_string_equal(e.field, "body");
}

/* ---- FILE-001: magic bytes ---- */

static void
test_files__file001_magic_bytes(void **state)
{
	static const struct {
		const char	*p;
		size_t		 n;
	}				others[] = {
		{ LIT("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>"
		    "alert(1)</script></svg>") },
		{ LIT("<!DOCTYPE html><html><body>x</body></html>") },
		{ LIT("GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04"
		    "\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02" "D\x01\0;") },
		{ LIT("RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0/\0\0\0\x10\x07\x10"
		    "\x11\x11\x88\x88\xfe\x07\0") },
		{ LIT("PK\x03\x04\x14\0\0\0") },
		{ LIT("BM:\0\0\0\0\0\0\0" "6\0\0\0") },
		{ LIT("II*\0\x08\0\0\0") },
		{ LIT(" %PDF-1.4\n%%EOF") },
		{ LIT("\xef\xbb\xbf<svg/>") },
		{ LIT("hello") },
	};
	struct files_info	 info;
	struct buf		 b;
	struct err		 e;
	size_t			 i;

	(void)state;
	buf_init(&b);
	jpeg_build(&b, 16, 8, 0);
	assert_int_equal(sniff(&b, &info, &e), 0);
	assert_int_equal(info.kind, FILES_JPEG);
	assert_int_equal(info.width, 16);
	assert_int_equal(info.height, 8);
	buf_reset(&b);
	png_build(&b, 3, 2, 0);
	assert_int_equal(sniff(&b, &info, &e), 0);
	assert_int_equal(info.kind, FILES_PNG);
	assert_int_equal(info.width, 3);
	assert_int_equal(info.height, 2);
	buf_reset(&b);
	pdf_build(&b);
	assert_int_equal(sniff(&b, &info, &e), 0);
	assert_int_equal(info.kind, FILES_PDF);
	assert_int_equal(info.width, 0);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		buf_reset(&b);
		buf_add(&b, others[i].p, others[i].n);
		refused(&b, ERR_MEDIA_TYPE, others[i].p);
	}
	buf_reset(&b);
	refused(&b, ERR_MISSING, "empty");
	/* The declared types the upload route compares with. */
	assert_int_equal(files_kind_of_media("image/jpeg"), FILES_JPEG);
	assert_int_equal(files_kind_of_media("IMAGE/PNG; x=1"), FILES_PNG);
	assert_int_equal(files_kind_of_media("application/pdf"), FILES_PDF);
	assert_int_equal(files_kind_of_media("image/svg+xml"), FILES_NONE);
	assert_int_equal(files_kind_of_media("image/pngx"), FILES_NONE);
	assert_int_equal(files_kind_of_media(NULL), FILES_NONE);
	assert_int_equal(files_kind_of_name("png"), FILES_PNG);
	assert_int_equal(files_kind_of_name("gif"), FILES_NONE);
	buf_free(&b);
}

/* ---- FILE-002: structure ---- */

/* The index of the first byte of marker m (after SOI) in a built JPEG. */
static size_t
jpeg_find(struct buf *b, unsigned m)
{
	size_t	i;

	for (i = 2; i + 1 < b->len; i++)
		if ((unsigned char)b->data[i] == 0xff &&
		    (unsigned char)b->data[i + 1] == m)
			return i;
	fail_msg("marker %02x not found", m);
	return 0;
}

static void
test_files__file002_jpeg_structure(void **state)
{
	struct files_info	 info;
	struct buf		 good, b;
	struct err		 e;
	size_t			 sof, sos, eoi;

	(void)state;
	buf_init(&good);
	buf_init(&b);
	jpeg_build(&good, 8, 8, 1);
	assert_int_equal(sniff(&good, &info, &e), 0);
	sof = jpeg_find(&good, 0xc0);
	sos = jpeg_find(&good, 0xda);
	eoi = good.len - 2;

	/* Bytes after EOI (motion photos) are allowed. */
	buf_add(&b, good.data, good.len);
	buf_adds(&b, "ftypmp42 trailing video");
	assert_int_equal(sniff(&b, &info, &e), 0);

	/* Cut anywhere before EOI. */
	buf_reset(&b);
	buf_add(&b, good.data, eoi);
	refused(&b, ERR_INVALID, "no EOI");
	buf_reset(&b);
	buf_add(&b, good.data, sof + 5);
	refused(&b, ERR_INVALID, "cut in the frame header");
	buf_reset(&b);
	buf_add(&b, good.data, 3);
	refused(&b, ERR_INVALID, "SOI and one byte");

	/* A polyglot: the JPEG magic, then a page. */
	buf_reset(&b);
	buf_add(&b, "\xff\xd8\xff", 3);
	buf_adds(&b, "<html><script>alert(1)</script></html>");
	refused(&b, ERR_INVALID, "JPEG header over HTML");
	buf_reset(&b);
	buf_add(&b, "\xff\xd8\xff\xe0\x00\x10JFIF\0", 11);
	buf_adds(&b, "<html><script>alert(1)</script></html>");
	refused(&b, ERR_INVALID, "JFIF header over HTML");

	/* A segment length past the end of the file. */
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	b.data[4] = (char)0x7f;
	refused(&b, ERR_INVALID, "APP0 length past the end");
	/* A length under 2. */
	b.data[4] = 0;
	b.data[5] = 1;
	refused(&b, ERR_INVALID, "length 1");

	/* No frame header: SOF0 turned into an APP15. */
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	b.data[sof + 1] = (char)0xef;
	refused(&b, ERR_INVALID, "no SOF");

	/* Two frame headers. */
	buf_reset(&b);
	buf_add(&b, good.data, sos);
	buf_add(&b, good.data + sof, 2 + 11);
	buf_add(&b, good.data + sos, good.len - sos);
	refused(&b, ERR_INVALID, "two SOF");

	/* A frame of width 0; a frame with 5 components. */
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	b.data[sof + 7] = 0;
	b.data[sof + 8] = 0;
	refused(&b, ERR_INVALID, "width 0");
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	b.data[sof + 9] = 5;
	refused(&b, ERR_INVALID, "5 components");

	/* A standalone RST marker between segments. */
	buf_reset(&b);
	buf_add(&b, good.data, sos);
	buf_add(&b, "\xff\xd0", 2);
	buf_add(&b, good.data + sos, good.len - sos);
	refused(&b, ERR_INVALID, "RST between segments");

	/* EOI straight after SOI. */
	buf_reset(&b);
	buf_add(&b, "\xff\xd8\xff\xd9", 4);
	refused(&b, ERR_INVALID, "SOI EOI");

	/* A scan whose data never reaches a marker. */
	buf_reset(&b);
	buf_add(&b, good.data, eoi);
	buf_add(&b, "\x00\x00", 2);
	refused(&b, ERR_INVALID, "scan without end");

	/* Fill bytes before a marker are allowed (T.81 B.1.1.2). */
	buf_reset(&b);
	buf_add(&b, good.data, sof);
	buf_add(&b, "\xff\xff", 2);
	buf_add(&b, good.data + sof, good.len - sof);
	assert_int_equal(sniff(&b, &info, &e), 0);
	buf_free(&good);
	buf_free(&b);
}

/* Offset of chunk type t in a built PNG (its length field). */
static size_t
png_find(struct buf *b, const char *t)
{
	size_t	i = 8;

	while (i + 8 <= b->len) {
		if (memcmp(b->data + i + 4, t, 4) == 0)
			return i;
		i += 12 + ((size_t)(unsigned char)b->data[i] << 24 |
		    (size_t)(unsigned char)b->data[i + 1] << 16 |
		    (size_t)(unsigned char)b->data[i + 2] << 8 |
		    (size_t)(unsigned char)b->data[i + 3]);
	}
	fail_msg("chunk %s not found", t);
	return 0;
}

static void
test_files__file002_png_structure(void **state)
{
	static const unsigned char	sig[8] = { 0x89, 'P', 'N', 'G', '\r',
		'\n', 0x1a, '\n' };
	struct files_info		info;
	struct buf			good, b;
	struct err			e;
	size_t				ihdr, idat, iend;

	(void)state;
	buf_init(&good);
	buf_init(&b);
	png_build(&good, 4, 4, 1);
	assert_int_equal(sniff(&good, &info, &e), 0);
	ihdr = png_find(&good, "IHDR");
	idat = png_find(&good, "IDAT");
	iend = png_find(&good, "IEND");

	/* A flipped bit anywhere in a chunk breaks its CRC. */
	buf_add(&b, good.data, good.len);
	b.data[idat + 9] ^= 0x01;
	refused(&b, ERR_INVALID, "IDAT CRC");
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	b.data[ihdr + 12] ^= 0x40;
	refused(&b, ERR_INVALID, "IHDR CRC");

	/* Cut short; a chunk length past the end; bytes after IEND. */
	buf_reset(&b);
	buf_add(&b, good.data, iend);
	refused(&b, ERR_INVALID, "no IEND");
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	b.data[idat] = 0x10;
	refused(&b, ERR_INVALID, "IDAT length past the end");
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	buf_adds(&b, "<script>alert(1)</script>");
	refused(&b, ERR_INVALID, "data after IEND");

	/* A polyglot: the PNG signature, then a page. */
	buf_reset(&b);
	buf_add(&b, sig, 8);
	buf_adds(&b, "<html><body><script>alert(1)</script></body></html>");
	refused(&b, ERR_INVALID, "PNG signature over HTML");

	/* IHDR not first; no IDAT; an unknown critical chunk. */
	buf_reset(&b);
	buf_add(&b, sig, 8);
	png_chunk(&b, "gAMA", LIT("\0\0\xb1\x8f"));
	buf_add(&b, good.data + 8, good.len - 8);
	refused(&b, ERR_INVALID, "IHDR second");
	buf_reset(&b);
	buf_add(&b, good.data, idat);
	png_chunk(&b, "IEND", NULL, 0);
	refused(&b, ERR_INVALID, "no IDAT");
	buf_reset(&b);
	buf_add(&b, good.data, idat);
	png_chunk(&b, "XYZW", "x", 1);
	buf_add(&b, good.data + idat, good.len - idat);
	refused(&b, ERR_INVALID, "unknown critical chunk");
	/* An unknown ancillary one is fine. */
	buf_reset(&b);
	buf_add(&b, good.data, idat);
	png_chunk(&b, "xyZw", "x", 1);
	buf_add(&b, good.data + idat, good.len - idat);
	assert_int_equal(sniff(&b, &info, &e), 0);

	/* IDAT chunks apart; a chunk type that is not letters. */
	buf_reset(&b);
	buf_add(&b, good.data, iend);
	png_chunk(&b, "tEXt", "a\0b", 3);
	png_idat(&b, 4, 4);
	png_chunk(&b, "IEND", NULL, 0);
	refused(&b, ERR_INVALID, "IDAT apart");
	buf_reset(&b);
	buf_add(&b, good.data, idat);
	png_chunk(&b, "a1b2", "x", 1);
	buf_add(&b, good.data + idat, good.len - idat);
	refused(&b, ERR_INVALID, "type with digits");

	/* IHDR: bit depth 3, colour type 5, a palette without PLTE. */
	buf_reset(&b);
	buf_add(&b, sig, 8);
	png_ihdr(&b, 4, 4, 3, 0);
	buf_add(&b, good.data + idat, good.len - idat);
	refused(&b, ERR_INVALID, "depth 3");
	buf_reset(&b);
	buf_add(&b, sig, 8);
	png_ihdr(&b, 4, 4, 8, 5);
	buf_add(&b, good.data + idat, good.len - idat);
	refused(&b, ERR_INVALID, "colour type 5");
	buf_reset(&b);
	buf_add(&b, sig, 8);
	png_ihdr(&b, 4, 4, 8, 3);
	buf_add(&b, good.data + idat, good.len - idat);
	refused(&b, ERR_INVALID, "palette without PLTE");
	/* With its PLTE it is fine. */
	buf_reset(&b);
	buf_add(&b, sig, 8);
	png_ihdr(&b, 4, 4, 8, 3);
	png_chunk(&b, "PLTE", "\0\0\0\xff\xff\xff", 6);
	buf_add(&b, good.data + idat, good.len - idat);
	assert_int_equal(sniff(&b, &info, &e), 0);
	/* Width 0. */
	buf_reset(&b);
	buf_add(&b, sig, 8);
	png_ihdr(&b, 0, 4, 8, 0);
	buf_add(&b, good.data + idat, good.len - idat);
	refused(&b, ERR_INVALID, "width 0");
	buf_free(&good);
	buf_free(&b);
}

static void
test_files__file002_pdf_structure(void **state)
{
	struct files_info	 info;
	struct buf		 good, b;
	struct err		 e;
	char			*p;
	int			 i;

	(void)state;
	buf_init(&good);
	buf_init(&b);
	pdf_build(&good);
	assert_int_equal(sniff(&good, &info, &e), 0);

	/* No %%EOF. */
	buf_add(&b, good.data, good.len - 6);
	refused(&b, ERR_INVALID, "no %%EOF");
	/* %%EOF more than 1024 bytes before the end. */
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	for (i = 0; i < 1100; i++)
		buf_addc(&b, ' ');
	refused(&b, ERR_INVALID, "%%EOF too early");
	/* No startxref; startxref outside the file. */
	buf_reset(&b);
	buf_add(&b, good.data, good.len);
	p = strstr(b.data, "startxref");
	memcpy(p, "startxrex", 9);
	refused(&b, ERR_INVALID, "no startxref");
	buf_reset(&b);
	p = strstr(good.data, "startxref");
	buf_add(&b, good.data, (size_t)(p - good.data));
	buf_adds(&b, "startxref\n99999999\n%%EOF\n");
	refused(&b, ERR_INVALID, "startxref past the end");
	/* A header without a version. */
	buf_reset(&b);
	buf_add(&b, "%PDF-x.y", 8);
	buf_add(&b, good.data + 8, good.len - 8);
	refused(&b, ERR_INVALID, "no version");
	buf_free(&good);
	buf_free(&b);
}

/* ---- FILE-003: pixels ---- */

static void
test_files__file003_pixel_cap(void **state)
{
	struct files_info	 info;
	struct buf		 b;
	struct err		 e;

	(void)state;
	buf_init(&b);
	/* A valid PNG header claiming 100 000 × 100 000. */
	png_build(&b, 100000, 100000, 0);
	refused(&b, ERR_RANGE, "100000 x 100000");
	buf_reset(&b);
	png_build(&b, FILES_SIDE_MAX + 1, 1, 0);
	refused(&b, ERR_RANGE, "one side over");
	buf_reset(&b);
	png_build(&b, FILES_SIDE_MAX, 2001, 0);
	refused(&b, ERR_RANGE, "over 40 megapixels");
	buf_reset(&b);
	png_build(&b, FILES_SIDE_MAX, 2000, 0);
	assert_int_equal(sniff(&b, &info, &e), 0);
	assert_int_equal(info.width * info.height, FILES_PIXELS_MAX);
	/* JPEG: the frame header's size. */
	buf_reset(&b);
	jpeg_build(&b, 30000, 100, 0);
	refused(&b, ERR_RANGE, "JPEG 30000 wide");
	buf_reset(&b);
	jpeg_build(&b, 64, 48, 0);
	assert_int_equal(sniff(&b, &info, &e), 0);
	assert_int_equal(info.width, 64);
	assert_int_equal(info.height, 48);
	buf_free(&b);
}

/* ---- FILE-004: size per purpose; FILE-011: pending uploads ---- */

static void
test_files__file004_size_caps_store_nothing(void **state)
{
	struct fx	*f = *state;
	struct buf	 b, tail;
	struct err	 e;
	int64_t		 id;
	json_t		*v = NULL;
	char		 pad[60000];

	buf_init(&b);
	buf_init(&tail);
	/* A photo over 8 MiB: a JPEG padded with comment segments. */
	memset(pad, 'c', sizeof(pad));
	buf_add(&b, "\xff\xd8", 2);
	while (b.len <= FILES_PHOTO_MAX)
		jseg(&b, 0xfe, pad, sizeof(pad));
	jpeg_build(&tail, 8, 8, 0);
	buf_add(&b, tail.data + 2, tail.len - 2);
	buf_free(&tail);
	assert_true(b.len > FILES_PHOTO_MAX && b.len < FILES_DOCUMENT_MAX);
	err_clear(&e);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(files_put(f->st, &f->up1, "photo", b.data, b.len, &id,
	    &v, &e), ERR_TOO_LARGE);
	store_rollback(f->st);
	assert_string_equal(e.field, "body");
	/* A signature over 512 KiB. */
	assert_int_equal(put(f, &f->up1, "signature", &b, &id, NULL),
	    ERR_TOO_LARGE);
	/* As a document the same JPEG fits. */
	assert_int_equal(put(f, &f->up1, "document", &b, &id, NULL), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 1);
	/* Photos and signatures are images, not PDFs. */
	buf_reset(&b);
	pdf_build(&b);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(files_put(f->st, &f->up1, "photo", b.data, b.len, &id,
	    &v, &e), ERR_MEDIA_TYPE);
	store_rollback(f->st);
	assert_int_equal(put(f, &f->up1, "signature", &b, &id, NULL),
	    ERR_MEDIA_TYPE);
	/* An unknown or missing purpose names it. */
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(files_put(f->st, &f->up1, "avatar", b.data, b.len,
	    &id, &v, &e), ERR_INVALID);
	assert_string_equal(e.field, "purpose");
	assert_int_equal(files_put(f->st, &f->up1, NULL, b.data, b.len, &id,
	    &v, &e), ERR_INVALID);
	assert_string_equal(e.field, "purpose");
	/* No files:write. */
	assert_int_equal(files_put(f->st, &f->reader, "document", b.data,
	    b.len, &id, &v, &e), ERR_FORBIDDEN);
	store_rollback(f->st);
	/* Refused uploads stored nothing: one row, its original and copy. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'file.upload'"), 1);
	assert_int_equal(blobs(f), 2);
	assert_int_equal(tmps(f), 0);
	assert_null(v);
	buf_free(&b);
}

static void
test_files__file011_pending_cap(void **state)
{
	struct fx	*f = *state;
	struct buf	 b;
	struct err	 e;
	int64_t		 id;
	int		 i;

	buf_init(&b);
	png_build(&b, 2, 2, 0);
	/* FILES_PENDING_MAX - 1 unattached uploads of up1, written directly. */
	assert_int_equal(store_begin(f->st, &e), 0);
	for (i = 1; i < FILES_PENDING_MAX; i++)
		assert_int_equal(store_exec(f->st, "INSERT INTO files (id, sm3, "
		    "kind, bytes, display_sm3, display_bytes, purpose, "
		    "uploaded_by, uploaded_at, status) VALUES (?, 'x', 'png', "
		    "1, 'x', 1, 'photo', '101', 0, 'pending')",
		    STORE_ARGS(SV_I(i)), NULL, &e), 0);
	assert_int_equal(store_commit(f->st, &e), 0);
	assert_int_equal(put(f, &f->up1, "photo", &b, &id, NULL), 0);
	err_clear(&e);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(files_put(f->st, &f->up1, "photo", b.data, b.len,
	    &id, NULL, &e), ERR_POLICY);
	store_rollback(f->st);
	assert_non_null(strstr(e.msg, "FILE-011"));
	/* Someone else may still upload; attaching frees a place. */
	assert_int_equal(put(f, &f->up2, "photo", &b, &id, NULL), 0);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_exec(f->st, "UPDATE files SET status = "
	    "'attached' WHERE id = 1", STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(store_commit(f->st, &e), 0);
	assert_int_equal(put(f, &f->up1, "photo", &b, &id, NULL), 0);
	buf_free(&b);
}

/* ---- FILE-005: content-addressed, atomic, checked ---- */

static char *
slurp(const char *path, size_t *n)
{
	struct stat	 sb;
	char		*p;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &sb) < 0)
		fail_msg("open %s", path);
	p = xmalloc((size_t)sb.st_size + 1);
	assert_int_equal(read(fd, p, (size_t)sb.st_size), sb.st_size);
	close(fd);
	*n = (size_t)sb.st_size;
	return p;
}

static void
test_files__file005_content_addressed_dedup(void **state)
{
	struct fx	*f = *state;
	struct buf	 b;
	json_t		*v1 = NULL, *v2 = NULL;
	char		 hex[HEX], want[256], *path, *got;
	int64_t		 id1, id2;
	size_t		 n;

	buf_init(&b);
	png_build(&b, 5, 3, 0);
	crypto_sm3_hex(b.data, b.len, hex);
	assert_int_equal(put(f, &f->up1, "photo", &b, &id1, &v1), 0);
	/* The view: server-chosen id, the sniffed kind and size, the SM3. */
	assert_string_equal(json_string_value(json_object_get(v1, "sm3")),
	    hex);
	assert_string_equal(json_string_value(json_object_get(v1, "kind")),
	    "png");
	assert_int_equal(json_integer_value(json_object_get(v1, "bytes")),
	    b.len);
	assert_int_equal(json_integer_value(json_object_get(v1, "width")), 5);
	assert_int_equal(json_integer_value(json_object_get(v1, "height")), 3);
	assert_string_equal(json_string_value(json_object_get(v1, "status")),
	    "pending");
	assert_string_equal(json_string_value(json_object_get(v1,
	    "uploaded_by")), "101");
	/* Nothing to strip: the display copy is the original. */
	assert_string_equal(json_string_value(json_object_get(v1,
	    "display_sm3")), hex);
	/* Stored as ab/cd/<sm3>, byte for byte. */
	path = files_blob_path(hex);
	snprintf(want, sizeof(want), "%s/%.2s/%.2s/%s", f->dir, hex, hex + 2,
	    hex);
	assert_string_equal(path, want);
	got = slurp(path, &n);
	assert_int_equal(n, b.len);
	assert_memory_equal(got, b.data, n);
	free(got);
	/* The same content again, by someone else: one more row, no blob. */
	assert_int_equal(put(f, &f->up2, "photo", &b, &id2, &v2), 0);
	assert_true(id2 != id1);
	assert_string_equal(json_string_value(json_object_get(v2, "sm3")),
	    hex);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 2);
	assert_int_equal(blobs(f), 1);
	assert_int_equal(tmps(f), 0);
	/* A blob damaged on disk is rewritten by the next upload of it. */
	{
		FILE	*fp = fopen(path, "r+b");

		assert_non_null(fp);
		fputc('X', fp);
		fclose(fp);
	}
	assert_int_equal(put(f, &f->up1, "photo", &b, NULL, NULL), 0);
	got = slurp(path, &n);
	assert_memory_equal(got, b.data, n);
	free(got);
	free(path);
	json_decref(v1);
	json_decref(v2);
	buf_free(&b);
}

static void
test_files__file005_atomic_write(void **state)
{
	struct fx	*f = *state;
	struct buf	 b;
	struct err	 e;
	char		 hex[HEX], *path, *tmpdir;
	int64_t		 id;

	buf_init(&b);
	jpeg_build(&b, 8, 8, 0);
	crypto_sm3_hex(b.data, b.len, hex);
	/* The final name taken by a directory: the rename fails. */
	path = files_blob_path(hex);
	{
		char	*d1 = xasprintf("%s/%.2s", f->dir, hex);
		char	*d2 = xasprintf("%s/%.2s/%.2s", f->dir, hex, hex + 2);

		assert_int_equal(mkdir(d1, 0750), 0);
		assert_int_equal(mkdir(d2, 0750), 0);
		assert_int_equal(mkdir(path, 0750), 0);
		free(d1);
		free(d2);
	}
	err_clear(&e);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(files_put(f->st, &f->up1, "photo", b.data, b.len, &id,
	    NULL, &e), ERR_IO);
	store_rollback(f->st);
	/* Nothing half-written is left: no temporary file, no row. */
	assert_int_equal(tmps(f), 0);
	assert_int_equal(blobs(f), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 0);
	assert_int_equal(rmdir(path), 0);
	/* No place for temporary files: nothing is written at all. */
	tmpdir = xasprintf("%s/tmp", f->dir);
	assert_int_equal(rmdir(tmpdir), 0);
	{
		FILE	*fp = fopen(tmpdir, "w");

		assert_non_null(fp);
		fclose(fp);
	}
	assert_int_equal(put(f, &f->up1, "photo", &b, &id, NULL), ERR_IO);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(unlink(tmpdir), 0);
	assert_int_equal(mkdir(tmpdir, 0750), 0);
	/* Then the write goes through and leaves only the blob. */
	assert_int_equal(put(f, &f->up1, "photo", &b, &id, NULL), 0);
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(tmps(f), 0);
	assert_int_equal(blobs(f), 1);
	free(tmpdir);
	free(path);
	buf_free(&b);
}

static void
test_files__file005_read_checks_sm3(void **state)
{
	struct fx	*f = *state;
	struct buf	 b;
	struct err	 e;
	unsigned char	*bytes = NULL;
	const char	*ctype = NULL;
	char		 hex[HEX], *path;
	size_t		 n = 0;
	int64_t		 id;
	FILE		*fp;

	buf_init(&b);
	pdf_build(&b);
	assert_int_equal(put(f, &f->up1, "document", &b, &id, NULL), 0);
	assert_int_equal(files_open(f->st, &f->up1, id, 1, &bytes, &n, &ctype,
	    &e), 0);
	assert_int_equal(n, b.len);
	assert_memory_equal(bytes, b.data, n);
	assert_string_equal(ctype, "application/pdf");
	free(bytes);
	bytes = NULL;
	crypto_sm3_hex(b.data, b.len, hex);
	path = files_blob_path(hex);
	fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, 20, SEEK_SET);
	fputc('#', fp);
	fclose(fp);
	assert_int_equal(files_open(f->st, &f->up1, id, 1, &bytes, &n, &ctype,
	    &e), ERR_IO);
	assert_null(bytes);
	/* Gone from disk: not found, not a crash. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(files_open(f->st, &f->up1, id, 1, &bytes, &n, &ctype,
	    &e), ERR_NOT_FOUND);
	free(path);
	buf_free(&b);
}

static void
test_files__file005_outside_web_root(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	char		*inner = xasprintf("%s/web/blobs", f->dir);
	char		*web = xasprintf("%s/web", f->dir);

	assert_int_equal(mkdir(web, 0750), 0);
	assert_int_equal(files_configure(inner, web, t_owners, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "blobs");
	/* The directory in use is unchanged. */
	assert_string_equal(files_dir(), f->dir);
	assert_int_equal(files_configure(web, web, t_owners, &e), ERR_INVALID);
	/* A sibling whose name starts like the web root is not inside it. */
	free(inner);
	inner = xasprintf("%s/webx", f->dir);
	assert_int_equal(files_configure(inner, web, t_owners, &e), 0);
	assert_int_equal(files_configure(f->dir, web, t_owners, &e), 0);
	free(inner);
	free(web);
}

/* ---- FILE-006: the display copy ---- */

static int
has(const char *p, size_t n, const char *needle, size_t k)
{
	size_t	i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

static void
test_files__file006_exif_stripped(void **state)
{
	struct fx		*f = *state;
	struct files_info	 info;
	struct buf		 b, copy;
	struct err		 e;
	unsigned char		*bytes = NULL;
	const char		*ctype;
	json_t			*v = NULL;
	char			 hex[HEX];
	size_t			 n;
	int64_t			 id;

	buf_init(&b);
	buf_init(&copy);
	jpeg_build(&b, 16, 16, 1);
	buf_adds(&b, "motion-photo trailer");
	assert_int_equal(sniff(&b, &info, &e), 0);
	assert_true(has(b.data, b.len, "Exif\0\0", 6));
	assert_int_equal(files_display_copy(b.data, b.len, FILES_JPEG, &copy,
	    &e), 0);
	/* No APP0..APP13/15 or COM segment, no trailer; Adobe kept. */
	assert_false(has(copy.data, copy.len, "\xff\xe1", 2));
	assert_false(has(copy.data, copy.len, "Exif", 4));
	assert_false(has(copy.data, copy.len, "GPS", 3));
	assert_false(has(copy.data, copy.len, "JFIF", 4));
	assert_false(has(copy.data, copy.len, "ICC_PROFILE", 11));
	assert_false(has(copy.data, copy.len, "\xff\xfe", 2));
	assert_false(has(copy.data, copy.len, "trailer", 7));
	assert_true(has(copy.data, copy.len, "\xff\xee\x00\x0e" "Adobe", 9));
	/* It is still a JPEG of the same size, ending at EOI. */
	assert_int_equal(files_sniff(copy.data, copy.len, &info, &e), 0);
	assert_int_equal(info.kind, FILES_JPEG);
	assert_int_equal(info.width, 16);
	assert_int_equal(memcmp(copy.data + copy.len - 2, "\xff\xd9", 2), 0);

	/* Stored: display copy served by default, original kept apart. */
	assert_int_equal(put(f, &f->officer, "photo", &b, &id, &v), 0);
	crypto_sm3_hex(copy.data, copy.len, hex);
	assert_string_equal(json_string_value(json_object_get(v,
	    "display_sm3")), hex);
	assert_int_equal(json_integer_value(json_object_get(v,
	    "display_bytes")), copy.len);
	assert_int_equal(blobs(f), 2);
	assert_int_equal(files_open(f->st, &f->officer, id, 1, &bytes, &n,
	    &ctype, &e), 0);
	assert_int_equal(n, copy.len);
	assert_memory_equal(bytes, copy.data, n);
	assert_string_equal(ctype, "image/jpeg");
	free(bytes);
	assert_int_equal(files_open(f->st, &f->officer, id, 0, &bytes, &n,
	    &ctype, &e), 0);
	assert_int_equal(n, b.len);
	assert_memory_equal(bytes, b.data, n);
	free(bytes);

	/* PNG: eXIf, tEXt and tIME go; gAMA stays; CRCs still right. */
	buf_reset(&b);
	buf_reset(&copy);
	png_build(&b, 4, 4, 1);
	assert_int_equal(files_display_copy(b.data, b.len, FILES_PNG, &copy,
	    &e), 0);
	assert_false(has(copy.data, copy.len, "eXIf", 4));
	assert_false(has(copy.data, copy.len, "tEXt", 4));
	assert_false(has(copy.data, copy.len, "tIME", 4));
	assert_false(has(copy.data, copy.len, "Dongguan", 8));
	assert_true(has(copy.data, copy.len, "gAMA", 4));
	assert_int_equal(files_sniff(copy.data, copy.len, &info, &e), 0);
	assert_int_equal(info.width, 4);
	/* A PDF is its own copy. */
	buf_reset(&b);
	buf_reset(&copy);
	pdf_build(&b);
	assert_int_equal(files_display_copy(b.data, b.len, FILES_PDF, &copy,
	    &e), 0);
	assert_int_equal(copy.len, b.len);
	json_decref(v);
	buf_free(&b);
	buf_free(&copy);
}

/* ---- FILE-007: who reads ---- */

static void
test_files__file007_read_access(void **state)
{
	struct fx	*f = *state;
	struct buf	 b;
	struct err	 e;
	unsigned char	*bytes = NULL;
	const char	*ctype;
	json_t		*v = NULL;
	size_t		 n;
	int64_t		 id, other, a0;

	buf_init(&b);
	jpeg_build(&b, 8, 8, 1);
	assert_int_equal(put(f, &f->up1, "photo", &b, &id, NULL), 0);
	buf_reset(&b);
	png_build(&b, 1, 1, 0);
	assert_int_equal(put(f, &f->up1, "photo", &b, &other, NULL), 0);
	/* The uploader reads its own file; nobody else, not even with
	 * files:original, while no record claims it: 404, as if absent. */
	assert_int_equal(files_get_meta(f->st, &f->up1, id, &v, &e), 0);
	json_decref(v);
	v = NULL;
	assert_int_equal(files_get_meta(f->st, &f->up2, id, &v, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(files_get_meta(f->st, &f->officer, id, &v, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(files_open(f->st, &f->reader, id, 1, &bytes, &n,
	    &ctype, &e), ERR_NOT_FOUND);
	assert_int_equal(files_get_meta(f->st, &f->up1, 999, &v, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(files_get_meta(f->st, &f->sys, id, &v, &e), 0);
	json_decref(v);
	v = NULL;
	/* Attached to a record the module lets readers read. */
	assert_int_equal(attach(f, &f->up1, &id, 1, "tcase", TCASE_READABLE,
	    "photo", &e), 0);
	assert_int_equal(attach(f, &f->up1, &other, 1, "tcase", 78, "photo",
	    &e), 0);
	assert_int_equal(files_get_meta(f->st, &f->reader, id, &v, &e), 0);
	assert_string_equal(json_string_value(json_object_get(v,
	    "owner_type")), "tcase");
	json_decref(v);
	v = NULL;
	assert_int_equal(files_open(f->st, &f->reader, id, 1, &bytes, &n,
	    &ctype, &e), 0);
	free(bytes);
	bytes = NULL;
	assert_int_equal(files_get_meta(f->st, &f->reader, other, &v, &e),
	    ERR_NOT_FOUND);
	assert_int_equal(files_get_meta(f->st, &f->up2, id, &v, &e),
	    ERR_NOT_FOUND);
	/* The original needs files:original, even for the uploader. */
	assert_int_equal(files_open(f->st, &f->reader, id, 0, &bytes, &n,
	    &ctype, &e), ERR_FORBIDDEN);
	assert_int_equal(files_open(f->st, &f->up1, id, 0, &bytes, &n,
	    &ctype, &e), ERR_FORBIDDEN);
	assert_null(bytes);
	a0 = count(f, "SELECT COUNT(*) FROM audit_entries WHERE action = "
	    "'file.original'");
	assert_int_equal(a0, 0);
	assert_int_equal(files_open(f->st, &f->officer, id, 0, &bytes, &n,
	    &ctype, &e), 0);
	assert_true(has((char *)bytes, n, "Exif", 4));
	free(bytes);
	/* L-4: taking the original out is recorded, by whom. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'file.original' AND actor = '104'"), 1);
	buf_free(&b);
}

/* ---- FILE-008: attaching ---- */

static void
test_files__file008_attach_rules(void **state)
{
	struct fx	*f = *state;
	struct buf	 b;
	struct err	 e;
	json_t		*v = NULL;
	int64_t		 p1, p2, s1, theirs, ids[3];

	buf_init(&b);
	png_build(&b, 2, 2, 0);
	assert_int_equal(put(f, &f->up1, "photo", &b, &p1, NULL), 0);
	assert_int_equal(put(f, &f->up1, "photo", &b, &p2, NULL), 0);
	assert_int_equal(put(f, &f->up1, "signature", &b, &s1, NULL), 0);
	assert_int_equal(put(f, &f->up2, "photo", &b, &theirs, NULL), 0);

	/* Unknown id; someone else's upload: as if absent. */
	ids[0] = p1;
	ids[1] = 424242;
	err_clear(&e);
	assert_int_equal(attach(f, &f->up1, ids, 2, "tcase", 1, "photo", &e),
	    ERR_NOT_FOUND);
	assert_string_equal(e.field, "files");
	ids[1] = theirs;
	assert_int_equal(attach(f, &f->up1, ids, 2, "tcase", 1, "photo", &e),
	    ERR_NOT_FOUND);
	/* Listed twice; another purpose. */
	ids[1] = p1;
	assert_int_equal(attach(f, &f->up1, ids, 2, "tcase", 1, "photo", &e),
	    ERR_INVALID);
	ids[1] = s1;
	assert_int_equal(attach(f, &f->up1, ids, 2, "tcase", 1, "photo", &e),
	    ERR_INVALID);
	assert_non_null(strstr(e.msg, "signature"));
	/* A bad owner. */
	assert_int_equal(attach(f, &f->up1, &p1, 1, "Tcase!", 1, "photo", &e),
	    ERR_INVALID);
	assert_int_equal(attach(f, &f->up1, &p1, 1, "tcase", 0, "photo", &e),
	    ERR_INVALID);
	assert_int_equal(attach(f, &f->up1, &p1, 1, "tcase", 1, "selfie", &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "purpose");
	/* Every refusal changed nothing: all four pending, no entry. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files WHERE status = "
	    "'pending'"), 4);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'file.attach'"), 0);
	/* Even inside the caller's transaction, a refusal comes before any
	 * change (the good file first in the list). */
	ids[0] = p2;
	ids[1] = theirs;
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(files_attach(f->st, &f->up1, ids, 2, "tcase", 1,
	    "photo", &e), ERR_NOT_FOUND);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files WHERE status = "
	    "'pending'"), 4);
	store_rollback(f->st);

	/* The good ones. */
	ids[0] = p1;
	ids[1] = p2;
	assert_int_equal(attach(f, &f->up1, ids, 2, "tcase", 9, "photo", &e),
	    0);
	assert_int_equal(files_get_meta(f->st, &f->up1, p1, &v, &e), 0);
	assert_string_equal(json_string_value(json_object_get(v, "status")),
	    "attached");
	assert_string_equal(json_string_value(json_object_get(v, "owner_id")),
	    "9");
	assert_int_equal(json_integer_value(json_object_get(v, "version")), 2);
	assert_true(json_is_integer(json_object_get(v, "attached_at")));
	json_decref(v);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'file.attach'"), 2);
	/* Not pending any more: no second owner. */
	assert_int_equal(attach(f, &f->up1, &p1, 1, "tcase", 10, "photo", &e),
	    ERR_INVALID);
	assert_non_null(strstr(e.msg, "attached"));
	/* The system may attach anyone's upload (imports, jobs). */
	assert_int_equal(attach(f, &f->sys, &theirs, 1, "tcase", 9, "photo",
	    &e), 0);
	/* An empty list is nothing to do. */
	assert_int_equal(attach(f, &f->up1, ids, 0, "tcase", 9, "photo", &e),
	    0);
	buf_free(&b);
}

/* ---- FILE-009, FILE-010: the sweep ---- */

static void
set_mtime(const char *path, int64_t t)
{
	struct timespec	ts[2];

	ts[0].tv_sec = ts[1].tv_sec = (time_t)t;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static const char *
status_of(struct fx *f, int64_t id)
{
	static char	s[32];
	struct err	e;
	char		*t = NULL;

	assert_int_equal(store_query_text(f->st, "SELECT status || "
	    "CASE WHEN purged_at IS NULL THEN '' ELSE '+purged' END "
	    "FROM files WHERE id = ?", STORE_ARGS(SV_I(id)), &t, &e), 0);
	snprintf(s, sizeof(s), "%s", t);
	free(t);
	return s;
}

static void
sweep(struct fx *f, struct buf *detail)
{
	struct err	e;

	buf_reset(detail);
	if (files_job_sweep(f->st, &f->sys, detail, &e) < 0)
		fail_msg("sweep: %s", e.msg);
	assert_false(store_in_tx(f->st));
}

static void
test_files__file009_file010_sweep(void **state)
{
	struct fx	*f = *state;
	struct buf	 a, c, d, g, detail, report;
	struct err	 e;
	char		 ha[HEX], hc[HEX], hg[HEX], stray[HEX];
	char		*pa, *pc, *pg, *ps, *tmpf, *leaf;
	int64_t		 ia, ib, ic, id, ig, entries, ahead;

	buf_init(&a);
	buf_init(&c);
	buf_init(&d);
	buf_init(&g);
	buf_init(&detail);
	buf_init(&report);
	/* a: left pending; b: attached; c: pending, the same bytes as b. */
	png_build(&a, 7, 7, 0);
	png_build(&c, 6, 6, 0);
	jpeg_build(&g, 24, 8, 0);
	crypto_sm3_hex(a.data, a.len, ha);
	crypto_sm3_hex(c.data, c.len, hc);
	crypto_sm3_hex(g.data, g.len, hg);
	assert_int_equal(put(f, &f->up1, "photo", &a, &ia, NULL), 0);
	assert_int_equal(put(f, &f->up1, "photo", &c, &ib, NULL), 0);
	assert_int_equal(attach(f, &f->up1, &ib, 1, "tcase", 5, "photo", &e),
	    0);
	assert_int_equal(put(f, &f->up2, "photo", &c, &ic, NULL), 0);
	/* g: pending; its blob will look reused just now. */
	assert_int_equal(put(f, &f->up2, "photo", &g, &ig, NULL), 0);
	pa = files_blob_path(ha);
	pc = files_blob_path(hc);
	pg = files_blob_path(hg);

	/* Within the day nothing happens. */
	clock_set_offset(FILES_PENDING_TTL_S - 60);
	sweep(f, &detail);
	assert_string_equal(detail.data, "orphaned 0, purged 0, blobs deleted "
	    "0, strays 0");
	assert_string_equal(status_of(f, ia), "pending");

	/* A day later: d is new; a, c and g are orphaned. */
	clock_set_offset(FILES_PENDING_TTL_S + 3 * 3600);
	png_build(&d, 9, 9, 0);
	assert_int_equal(put(f, &f->up1, "photo", &d, &id, NULL), 0);
	set_mtime(pg, clock_now() - 60);
	/* A blob of no row in this hour's directory; an old temporary. */
	snprintf(stray, sizeof(stray), "%02x", (unsigned)((clock_now() /
	    3600) % 256));
	memset(stray + 2, 'e', HEX - 3);
	stray[HEX - 1] = '\0';
	leaf = xasprintf("%s/%.2s", f->dir, stray);
	mkdir(leaf, 0750);
	free(leaf);
	leaf = xasprintf("%s/%.2s/%.2s", f->dir, stray, stray + 2);
	mkdir(leaf, 0750);
	free(leaf);
	ps = files_blob_path(stray);
	fclose(fopen(ps, "w"));
	tmpf = xasprintf("%s/tmp/0123.tmp", f->dir);
	fclose(fopen(tmpf, "w"));

	sweep(f, &detail);
	/* a: its blob gone; c: orphaned, but b (attached) keeps the blob;
	 * g: orphaned, blob reused within the grace, kept for now. */
	assert_string_equal(detail.data, "orphaned 3, purged 2, blobs deleted "
	    "1, strays 1");
	assert_string_equal(status_of(f, ia), "orphaned+purged");
	assert_string_equal(status_of(f, ib), "attached");
	assert_string_equal(status_of(f, ic), "orphaned+purged");
	assert_string_equal(status_of(f, ig), "orphaned");
	assert_string_equal(status_of(f, id), "pending");
	assert_int_equal(access(pa, F_OK), -1);
	assert_int_equal(access(pc, R_OK), 0);
	assert_int_equal(access(pg, R_OK), 0);
	assert_int_equal(access(ps, F_OK), -1);
	assert_int_equal(access(tmpf, F_OK), -1);
	assert_int_equal(tmps(f), 0);
	/* The uploader can no longer download a: its content is gone. */
	{
		unsigned char	*bytes = NULL;
		const char	*ct;
		size_t		 n;

		assert_int_equal(files_open(f->st, &f->up1, ia, 1, &bytes, &n,
		    &ct, &e), ERR_NOT_FOUND);
		/* c is released too; b still serves the same bytes. */
		assert_int_equal(files_open(f->st, &f->up2, ic, 1, &bytes, &n,
		    &ct, &e), ERR_NOT_FOUND);
		assert_int_equal(files_open(f->st, &f->up1, ib, 1, &bytes, &n,
		    &ct, &e), 0);
		free(bytes);
	}
	/* An orphan cannot be attached. */
	assert_int_equal(attach(f, &f->up1, &ia, 1, "tcase", 5, "photo", &e),
	    ERR_INVALID);

	/* Past the grace, g's blob goes too; a second run is idempotent. */
	clock_set_offset(FILES_PENDING_TTL_S + 5 * 3600);
	sweep(f, &detail);
	assert_string_equal(detail.data, "orphaned 0, purged 1, blobs deleted "
	    "1, strays 0");
	assert_string_equal(status_of(f, ig), "orphaned+purged");
	assert_int_equal(access(pg, F_OK), -1);
	sweep(f, &detail);
	assert_string_equal(detail.data, "orphaned 0, purged 0, blobs deleted "
	    "0, strays 0");
	/* Rows are kept; every change audited; --deep agrees. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 5);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'file.orphan'"), 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'file.purge'"), 3);
	assert_int_equal(audit_verify(f->st, t_types, &report, &entries, &e),
	    0);
	ahead = entries;
	assert_true(ahead >= 5 + 1 + 3 + 3);

	/* The same content uploaded again after its purge: stored anew. */
	assert_int_equal(put(f, &f->up1, "photo", &a, NULL, NULL), 0);
	assert_int_equal(access(pa, R_OK), 0);
	free(pa);
	free(pc);
	free(pg);
	free(ps);
	free(tmpf);
	buf_free(&a);
	buf_free(&c);
	buf_free(&d);
	buf_free(&g);
	buf_free(&detail);
	buf_free(&report);
}

/* A blob moved aside by a sweep that crashed is put back if named. */
static void
test_files__file010_crash_recovery(void **state)
{
	struct fx	*f = *state;
	struct buf	 b, detail;
	char		 hex[HEX], *path, *gone;
	int64_t		 id;

	buf_init(&b);
	buf_init(&detail);
	png_build(&b, 3, 3, 0);
	crypto_sm3_hex(b.data, b.len, hex);
	assert_int_equal(put(f, &f->up1, "photo", &b, &id, NULL), 0);
	path = files_blob_path(hex);
	gone = xasprintf("%s/tmp/%s.gone", f->dir, hex);
	assert_int_equal(rename(path, gone), 0);
	clock_set_offset(2 * FILES_BLOB_GRACE_S);
	sweep(f, &detail);
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(access(gone, F_OK), -1);
	assert_string_equal(status_of(f, id), "pending");
	free(path);
	free(gone);
	buf_free(&b);
	buf_free(&detail);
}

/* ---- audit ---- */

static void
test_files__l1_audited_and_deep_verify(void **state)
{
	struct fx	*f = *state;
	struct buf	 b, report;
	struct err	 e;
	int64_t		 id, entries;
	char		 sid[24];

	buf_init(&b);
	buf_init(&report);
	pdf_build(&b);
	assert_int_equal(put(f, &f->up1, "document", &b, &id, NULL), 0);
	assert_int_equal(attach(f, &f->up1, &id, 1, "tcase", 3, "document",
	    &e), 0);
	snprintf(sid, sizeof(sid), "file/%lld", (long long)id);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action IN ('file.upload', 'file.attach')"), 2);
	assert_int_equal(audit_verify(f->st, t_types, &report, &entries, &e),
	    0);
	/* A row changed behind the trail's back is found by --deep. */
	assert_int_equal(store_exec(f->st, "UPDATE files SET owner_id = 4",
	    STORE_NOARGS, NULL, &e), 0);
	assert_int_equal(audit_verify(f->st, t_types, &report, &entries, &e),
	    ERR_CRYPTO);
	assert_non_null(strstr(report.data, sid));
	buf_free(&b);
	buf_free(&report);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_files__file001_magic_bytes),
		T(test_files__file002_jpeg_structure),
		T(test_files__file002_png_structure),
		T(test_files__file002_pdf_structure),
		T(test_files__file003_pixel_cap),
		T(test_files__file004_size_caps_store_nothing),
		T(test_files__file011_pending_cap),
		T(test_files__file005_content_addressed_dedup),
		T(test_files__file005_atomic_write),
		T(test_files__file005_read_checks_sm3),
		T(test_files__file005_outside_web_root),
		T(test_files__file006_exif_stripped),
		T(test_files__file007_read_access),
		T(test_files__file008_attach_rules),
		T(test_files__file009_file010_sweep),
		T(test_files__file010_crash_recovery),
		T(test_files__l1_audited_and_deep_verify),
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
	rc = run("sqlite::memory:", "files (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "files (PostgreSQL)");
	else
		printf("files (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	return rc;
}
