/*
 * GB18030 text of GB/T 26875.3 objects (descriptions, configuration).
 * Decoding is on the hot path, so it does not call iconv per string:
 * the first use asks iconv, once, for the code point of every two-byte
 * sequence and every four-byte sequence of the Basic Multilingual Plane,
 * and keeps them in two tables (about 130 KB); four-byte sequences above
 * it are a linear range.  Encoding (rare: the centre's tests and tools)
 * uses iconv directly.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "gb26875_int.h"

/* Lead 0x81..0xFE, trail 0x40..0x7E or 0x80..0xFE. */
#define GB_TWO_N	(126 * 190)
/* 0x81308130..0x8431A439: the four-byte part of the BMP. */
#define GB_FOUR_N	39420
#define GB_FFFD		0xfffd

static uint16_t		gb_two[GB_TWO_N];	/* 0: not mapped */
static uint16_t		gb_four[GB_FOUR_N];
static pthread_once_t	gb_once = PTHREAD_ONCE_INIT;

/*
 * Convert n sequences of len bytes each (in[]) one by one into tab[],
 * in as few iconv calls as the unmapped ones allow: each mapped sequence
 * gives exactly one UTF-32 code unit.
 */
static void
gb_fill(iconv_t cd, unsigned char *in, size_t len, size_t n, uint16_t *tab)
{
	uint32_t	*u32;
	char		*ip, *op;
	size_t		 il, ol, done = 0, got, k;

	u32 = xmalloc(n * sizeof(*u32));
	while (done < n) {
		iconv(cd, NULL, NULL, NULL, NULL);
		ip = (char *)in + done * len;
		il = (n - done) * len;
		op = (char *)u32;
		ol = (n - done) * sizeof(*u32);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 &&
		    errno != EILSEQ && errno != EINVAL)
			break;
		got = (size_t)(op - (char *)u32) / sizeof(*u32);
		for (k = 0; k < got; k++)
			tab[done + k] = u32[k] > 0 && u32[k] <= 0xffff ?
			    (uint16_t)u32[k] : 0;
		done += got;
		if (il == 0)
			break;
		/* Sequence number `done` is not mapped: leave it 0. */
		done++;
	}
	free(u32);
}

static void
gb_tables(void)
{
	unsigned char	*in, *q;
	iconv_t		 cd;
	unsigned	 a, b, c, d;

	if ((cd = iconv_open("UTF-32LE", "GB18030")) == (iconv_t)-1)
		return;		/* every non-ASCII byte will read U+FFFD */
	in = xmalloc(GB_FOUR_N * 4);
	q = in;
	for (a = 0x81; a <= 0xfe; a++)
		for (b = 0x40; b <= 0xfe; b++)
			if (b != 0x7f) {
				*q++ = (unsigned char)a;
				*q++ = (unsigned char)b;
			}
	gb_fill(cd, in, 2, GB_TWO_N, gb_two);
	q = in;
	for (a = 0x81; a <= 0x84; a++)
		for (b = 0x30; b <= 0x39; b++)
			for (c = 0x81; c <= 0xfe; c++)
				for (d = 0x30; d <= 0x39; d++) {
					if (q == in + GB_FOUR_N * 4)
						goto full;
					*q++ = (unsigned char)a;
					*q++ = (unsigned char)b;
					*q++ = (unsigned char)c;
					*q++ = (unsigned char)d;
				}
full:
	gb_fill(cd, in, 4, GB_FOUR_N, gb_four);
	free(in);
	iconv_close(cd);
}

static size_t
gb_put(char *out, uint32_t cp)
{
	unsigned char	*o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
gb26875_text_decode(const unsigned char *in, size_t n, char *out, int *lossy)
{
	const unsigned char	*nul;
	size_t			 i = 0, o = 0, idx;
	uint32_t		 cp;
	unsigned		 c, t = 0;
	int			 ready = 0;

	/* A NUL ends the text: devices leave garbage after it. */
	if ((nul = memchr(in, 0, n)) != NULL)
		n = (size_t)(nul - in);
	while (n > 0 && in[n - 1] == ' ')
		n--;
	while (i < n && in[i] == ' ')
		i++;
	for (; i < n; i++) {
		if (in[i] < 0x80) {
			out[o++] = (char)in[i];
			continue;
		}
		if (!ready) {
			pthread_once(&gb_once, gb_tables);
			ready = 1;
		}
		c = in[i];
		cp = 0;
		if (c == 0x80 || c == 0xff || i + 1 >= n)
			;
		else if ((t = in[i + 1]) >= 0x40 && t <= 0xfe && t != 0x7f) {
			cp = gb_two[(c - 0x81) * 190 + (t < 0x7f ? t - 0x40 :
			    t - 0x41)];
			if (cp != 0)
				i++;
		} else if (t >= 0x30 && t <= 0x39 && i + 3 < n &&
		    in[i + 2] >= 0x81 && in[i + 2] <= 0xfe &&
		    in[i + 3] >= 0x30 && in[i + 3] <= 0x39) {
			idx = (((size_t)(c - 0x81) * 10 + (t - 0x30)) * 126 +
			    (in[i + 2] - 0x81)) * 10 + (in[i + 3] - 0x30);
			if (c <= 0x84)
				cp = idx < GB_FOUR_N ? gb_four[idx] : 0;
			else if (c >= 0x90 && c <= 0xe3) {
				idx -= (size_t)(0x90 - 0x81) * 10 * 126 * 10;
				cp = idx <= 0x10ffff - 0x10000 ?
				    (uint32_t)(0x10000 + idx) : 0;
			}
			if (cp != 0)
				i += 3;
		}
		if (cp == 0) {
			/* Not GB18030: one replacement per bad lead byte. */
			cp = GB_FFFD;
			*lossy = 1;
		}
		o += gb_put(out + o, cp);
	}
	out[o] = '\0';
	return o;
}

int
gb26875_text_encode(const char *s, unsigned char *out, size_t cap,
    size_t *outlen, const char *field, struct err *e)
{
	iconv_t	 cd;
	char	*ip, *op, tmp[6 * 256];
	size_t	 il, ol, n = strlen(s);
	int	 rc = 0;

	if (!str_utf8_valid(s, n))
		return err_set(e, ERR_INVALID, field, "%s is not UTF-8", field);
	if (n == 0) {
		*outlen = 0;
		return 0;
	}
	if (n > cap * 4)
		return err_set(e, ERR_RANGE, field, "%s is longer than %zu "
		    "bytes in GB18030", field, cap);
	if ((cd = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1)
		return err_set(e, ERR_INTERNAL, field, "no GB18030 converter");
	ip = (char *)(uintptr_t)s;
	il = n;
	op = tmp;
	ol = sizeof(tmp);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
		if (errno == E2BIG)
			rc = err_set(e, ERR_RANGE, field, "%s is longer than "
			    "%zu bytes in GB18030", field, cap);
		else
			rc = err_set(e, ERR_INVALID, field, "%s cannot be "
			    "written in GB18030", field);
		goto out;
	}
	if ((size_t)(op - tmp) > cap) {
		rc = err_set(e, ERR_RANGE, field, "%s is longer than %zu "
		    "bytes in GB18030", field, cap);
		goto out;
	}
	memcpy(out, tmp, (size_t)(op - tmp));
	*outlen = (size_t)(op - tmp);
out:
	iconv_close(cd);
	return rc;
}
