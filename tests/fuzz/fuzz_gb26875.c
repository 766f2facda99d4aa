/*
 * Fuzz target of the GB/T 26875.3 library (src/proto): every input is
 * (1) decoded as one frame, which when valid must encode back to the same
 * bytes; (2) decoded as a bare application data unit, whose objects must
 * encode and decode to the same JSON; (3) fed to the streaming parser in
 * one piece and in pieces of sizes drawn from the input, which must give
 * the same frames and account for every byte.  All text must come out as
 * UTF-8 and every frame must render as JSON.  Built with the standalone
 * driver replay.c for the test suite, and as a libFuzzer binary when the
 * compiler is clang (tests/fuzz/meson.build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "proto/gb26875.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_FRAMES	512

static struct gb26875_frame	*fz_f, *fz_g;

static void
fz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_gb26875: %s\n", what);
		abort();
	}
}

/* The text arena holds NUL-separated UTF-8 strings. */
static void
fz_text_ok(const struct gb26875_frame *f)
{
	size_t	i = 0, l;

	fz_check(f->text_len <= GB26875_TEXT_MAX, "text arena overflow");
	while (i < f->text_len) {
		l = strlen(f->text + i);
		fz_check(str_utf8_valid(f->text + i, l), "text not UTF-8");
		i += l + 1;
	}
}

static char *
fz_json(const struct gb26875_frame *f)
{
	json_t	*j = gb26875_frame_json(f);
	char	*s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(j);
	fz_check(s != NULL, "frame does not render as JSON");
	return s;
}

/* One frame: valid ones encode back to the very same bytes. */
static void
fz_frame(const uint8_t *data, size_t size)
{
	struct err	 e;
	unsigned char	 out[GB26875_FRAME_MAX];
	size_t		 len;
	char		*s;

	if (gb26875_frame_parse(data, size, fz_f, &e) < 0) {
		fz_check(e.code == ERR_INVALID && e.field[0] != '\0',
		    "rejection without a reason");
		return;
	}
	fz_check(fz_f->raw_len == size, "frame length");
	fz_text_ok(fz_f);
	s = fz_json(fz_f);
	free(s);
	fz_check(gb26875_encode_frame(&fz_f->hdr, fz_f->adu, fz_f->adu_len,
	    out, sizeof(out), &len, &e) == 0, "valid frame does not encode");
	fz_check(len == size && memcmp(out, data, size) == 0,
	    "frame does not encode to itself");
}

/* A data unit: decode, encode, decode gives the same JSON. */
static void
fz_adu(const uint8_t *data, size_t size)
{
	struct err	 e;
	unsigned char	 out[GB26875_ADU_MAX];
	size_t		 len;
	char		*a, *b;

	if (gb26875_adu_parse(data, size, fz_f, &e) < 0) {
		fz_check(size > GB26875_ADU_MAX, "data unit refused");
		return;
	}
	fz_text_ok(fz_f);
	a = fz_json(fz_f);
	if (fz_f->adu_state == GB26875_ADU_DECODED &&
	    gb26875_encode_adu(fz_f->type, fz_f->obj, fz_f->nobj, out,
	    sizeof(out), &len, &e) == 0) {
		fz_check(gb26875_adu_parse(out, len, fz_g, &e) == 0,
		    "encoded unit refused");
		b = fz_json(fz_g);
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "%s\n%s\n", a, b);
			fz_check(0, "unit does not round-trip");
		}
		free(b);
	}
	free(a);
}

/* Run data through a parser in pieces; record frame ends in ends[]. */
static size_t
fz_stream(const uint8_t *data, size_t size, uint32_t seed, size_t *ends,
    struct gb26875_stats *st)
{
	struct gb26875_parser	 p;
	struct err		 e;
	size_t			 off = 0, piece, nf = 0, framed = 0;
	int			 rc;

	gb26875_parser_init(&p, 0);
	while (off < size) {
		if (seed == 0)
			piece = size - off;
		else {
			seed = seed * 1103515245u + 12345u;
			piece = 1 + (seed >> 16) % 64;
			if (piece > size - off)
				piece = size - off;
		}
		gb26875_parser_feed(&p, data + off, piece);
		off += piece;
		while ((rc = gb26875_parser_next(&p, fz_f, &e)) != 0) {
			if (rc < 0) {
				fz_check(rc == ERR_INVALID &&
				    strcmp(e.field, "checksum") == 0,
				    "stream error other than checksum");
				continue;
			}
			fz_text_ok(fz_f);
			free(fz_json(fz_f));
			framed += fz_f->raw_len;
			if (nf < FZ_MAX_FRAMES)
				ends[nf] = framed + p.stats.skipped;
			nf++;
		}
	}
	gb26875_parser_finish(&p);
	while ((rc = gb26875_parser_next(&p, fz_f, &e)) != 0)
		if (rc == 1) {
			framed += fz_f->raw_len;
			if (nf < FZ_MAX_FRAMES)
				ends[nf] = framed + p.stats.skipped;
			nf++;
		}
	fz_check(gb26875_parser_pending(&p) == 0, "bytes left after finish");
	fz_check(framed + p.stats.skipped == size, "bytes not accounted for");
	fz_check(p.stats.frames == nf, "frame count");
	*st = p.stats;
	gb26875_parser_free(&p);
	return nf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t		 ends1[FZ_MAX_FRAMES], ends2[FZ_MAX_FRAMES];
	struct gb26875_stats	 s1, s2;
	size_t			 n1, n2;
	uint32_t		 seed = 1;
	size_t			 i;

	if (fz_f == NULL) {
		jx_init();
		fz_f = xmalloc(sizeof(*fz_f));
		fz_g = xmalloc(sizeof(*fz_g));
	}
	fz_frame(data, size);
	fz_adu(data, size);
	for (i = 0; i < size && i < 8; i++)
		seed = seed * 31 + data[i];
	n1 = fz_stream(data, size, 0, ends1, &s1);
	n2 = fz_stream(data, size, seed | 1, ends2, &s2);
	/*
	 * Pieces change when a candidate is decided, never what is
	 * decided: the same frames end at the same offsets.
	 */
	fz_check(n1 == n2, "frames differ between one piece and pieces");
	for (i = 0; i < n1 && i < FZ_MAX_FRAMES; i++)
		fz_check(ends1[i] == ends2[i], "frame boundaries differ");
	fz_check(s1.skipped == s2.skipped && s1.bad_checksum ==
	    s2.bad_checksum, "stats differ between one piece and pieces");
	return 0;
}
