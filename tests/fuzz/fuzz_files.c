/*
 * Fuzz target of the upload parsers (SECURITY.md R-3, I-5): every input
 * goes through files_sniff() (src/domain/files_sniff.c), and one that
 * passes must be a JPEG, PNG or PDF within the pixel cap whose display
 * copy passes again with the same kind and size, is no longer than the
 * original, and is its own display copy.  The display-copy walkers also
 * run on every input as each kind: they must refuse what the sniffer
 * refuses, short of the pixel cap.  Built with the standalone driver
 * replay.c for the test suite, and as a libFuzzer binary when the
 * compiler is clang (tests/fuzz/meson.build).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/mem.h"
#include "domain/files.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A passed input: its display copy is sound and stable. */
static void
fz_copy_sound(const uint8_t *data, size_t size, const struct files_info *in)
{
	struct files_info	info;
	struct buf		copy, again;
	struct err		e;

	buf_init(&copy);
	buf_init(&again);
	if (files_display_copy(data, size, in->kind, &copy, &e) < 0)
		abort();
	if (copy.len > size || files_sniff(copy.data, copy.len, &info, &e) < 0)
		abort();
	if (info.kind != in->kind || info.width != in->width ||
	    info.height != in->height)
		abort();
	if (files_display_copy(copy.data, copy.len, info.kind, &again, &e) < 0 ||
	    again.len != copy.len || memcmp(again.data, copy.data, copy.len))
		abort();
	if (in->kind == FILES_PDF && (copy.len != size ||
	    memcmp(copy.data, data, size) != 0))
		abort();
	buf_free(&copy);
	buf_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum files_kind	kinds[] = { FILES_JPEG, FILES_PNG };
	struct files_info		info;
	struct buf			copy;
	struct err			e;
	char				*text;
	size_t				i;
	int				rc, src;

	memset(&info, 0, sizeof(info));
	rc = files_sniff(data, size, &info, &e);
	if (rc == 0) {
		if (info.kind != FILES_JPEG && info.kind != FILES_PNG &&
		    info.kind != FILES_PDF)
			abort();
		if (info.kind != FILES_PDF && (info.width < 1 ||
		    info.height < 1 || info.width > FILES_SIDE_MAX ||
		    info.height > FILES_SIDE_MAX ||
		    info.width * info.height > FILES_PIXELS_MAX))
			abort();
		fz_copy_sound(data, size, &info);
	} else if (rc != ERR_MISSING && rc != ERR_MEDIA_TYPE &&
	    rc != ERR_INVALID && rc != ERR_RANGE)
		abort();
	else if (strcmp(e.field, "body") != 0)
		abort();
	/* The walkers on their own agree with the sniffer. */
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		buf_init(&copy);
		src = files_display_copy(data, size, kinds[i], &copy, &e);
		if (src == 0 && rc != 0 && rc != ERR_RANGE)
			abort();
		if (src == 0 && info.kind != kinds[i] && rc == 0)
			abort();
		buf_free(&copy);
	}
	/* The Content-Type parser on the same bytes as text. */
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	(void)files_kind_of_media(text);
	(void)files_kind_of_name(text);
	free(text);
	return 0;
}
