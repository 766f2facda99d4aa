/*
 * The streaming parser of GB/T 26875.3 frames.  Framing is by the length
 * field, never by looking for ##: the ADU may hold any byte.  From a @@
 * the candidate needs 27 bytes to read its length L, then 30 + L bytes;
 * if L is over the limit, ## is not at 28 + L or the checksum fails, only
 * the first byte is dropped and the search goes on, so a real frame that
 * follows a false @@ (a DTU registration string, a corrupted frame) is
 * still found.  A candidate inside which a complete frame starts and
 * ends is a false start too, decided as soon as that frame is there, so
 * a stray @ cannot hold frames back and the outcome does not depend on
 * the pieces.  Bytes are held in one buffer, compacted as it empties.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "gb26875.h"
#include "gb26875_int.h"

/* What starts at a byte of the buffer (mark[]). */
enum {
	GB_MARK_UNKNOWN = 0,	/* not all its bytes are here yet */
	GB_MARK_NONE,		/* no frame starts here, whatever follows */
	GB_MARK_FRAME,		/* a complete frame with a good checksum */
};

void
gb26875_parser_init(struct gb26875_parser *p, size_t adu_max)
{
	memset(p, 0, sizeof(*p));
	p->adu_max = adu_max == 0 || adu_max > GB26875_ADU_MAX ?
	    GB26875_ADU_MAX : adu_max;
}

void
gb26875_parser_feed(struct gb26875_parser *p, const void *data, size_t n)
{
	size_t	held = p->len - p->off, cap;

	p->finishing = 0;
	if (n == 0)
		return;
	if (p->off > 0 && (p->len + n > p->cap || p->off >= p->cap / 2)) {
		memmove(p->buf, p->buf + p->off, held);
		memmove(p->mark, p->mark + p->off, held);
		p->off = 0;
		p->len = held;
	}
	if (p->len + n > p->cap) {
		cap = p->cap ? p->cap : 2 * GB26875_FRAME_MAX;
		while (cap < p->len + n)
			cap *= 2;
		p->buf = xrealloc(p->buf, cap);
		p->mark = xrealloc(p->mark, cap);
		p->cap = cap;
	}
	memcpy(p->buf + p->len, data, n);
	memset(p->mark + p->len, GB_MARK_UNKNOWN, n);
	p->len += n;
}

void
gb26875_parser_finish(struct gb26875_parser *p)
{
	p->finishing = 1;
}

size_t
gb26875_parser_pending(const struct gb26875_parser *p)
{
	return p->len - p->off;
}

/*
 * What starts at offset i of the buffer, *len the frame's length for
 * GB_MARK_FRAME.  The answer is kept in mark[i] once it is final, so that
 * no byte position has its checksum summed twice however many candidates
 * look past it (a peer cannot make the search quadratic).
 */
static int
gb_mark(struct gb26875_parser *p, size_t i, size_t *len)
{
	const unsigned char	*s = p->buf + i;
	size_t			 n = p->len - i, l;

	if (p->mark[i] == GB_MARK_NONE)
		return GB_MARK_NONE;
	if (s[0] != '@' || (n >= 2 && s[1] != '@'))
		return p->mark[i] = GB_MARK_NONE;
	if (n < 27)
		return GB_MARK_UNKNOWN;
	l = gb26875_le16(s + 24);
	if (l > p->adu_max)
		return p->mark[i] = GB_MARK_NONE;
	*len = GB26875_FRAME_MIN + l;
	if (p->mark[i] == GB_MARK_FRAME)
		return GB_MARK_FRAME;
	if (n < *len)
		return GB_MARK_UNKNOWN;
	if (s[28 + l] != '#' || s[29 + l] != '#' ||
	    gb26875_sum(s + 2, 25 + l) != s[27 + l])
		return p->mark[i] = GB_MARK_NONE;
	return p->mark[i] = GB_MARK_FRAME;
}

/*
 * 1 if a complete frame with a good checksum starts after the candidate
 * at s and ends within s[0..limit-1]: the candidate is then taken for a
 * false start (a real frame would have to carry a whole frame inside its
 * data).  Asked of a candidate still waiting for bytes (limit: the bytes
 * held), it stops a false @@ from holding back the frames after it until
 * more bytes come; asked of a complete one too (limit: its length), it
 * makes the outcome the same whatever pieces the bytes came in.
 */
static int
gb_overtaken(struct gb26875_parser *p, size_t limit)
{
	const unsigned char	*s = p->buf + p->off, *q = s + 1;
	const unsigned char	*end = s + limit;
	size_t			 len;

	while (end - q >= GB26875_FRAME_MIN &&
	    (q = memchr(q, '@', (size_t)(end - q) - 1)) != NULL) {
		if (gb_mark(p, (size_t)(q - p->buf), &len) == GB_MARK_FRAME &&
		    len <= (size_t)(end - q))
			return 1;
		q++;
	}
	return 0;
}

/* Drop n bytes at the front as skipped; a new gap if a frame was last. */
static void
gb_skip(struct gb26875_parser *p, size_t n)
{
	p->off += n;
	p->stats.skipped += n;
	if (!p->in_gap) {
		p->in_gap = 1;
		p->stats.garbage++;
	}
}

int
gb26875_parser_next(struct gb26875_parser *p, struct gb26875_frame *f,
    struct err *e)
{
	const unsigned char	*s, *q;
	size_t			 avail, l, total;

	for (;;) {
		if ((avail = p->len - p->off) == 0)
			goto short_input;
		s = p->buf + p->off;
		/* Hunt for "@@"; a lone '@' at the end may be half of one. */
		q = s;
		while ((q = memchr(q, '@', avail - (size_t)(q - s))) != NULL &&
		    (size_t)(q - s) + 1 < avail && q[1] != '@')
			q++;
		if (q == NULL)
			q = s + avail;
		if (q > s) {
			gb_skip(p, (size_t)(q - s));
			continue;
		}
		if (avail < 27)
			goto short_input;
		l = gb26875_le16(s + 24);
		if (l > p->adu_max) {
			p->stats.bad_length++;
			gb_skip(p, 1);
			continue;
		}
		total = GB26875_FRAME_MIN + l;
		if (avail < total)
			goto short_input;
		/* Before the other checks, so that stats do not depend on
		 * whether the candidate was seen incomplete first. */
		if (gb_overtaken(p, total)) {
			p->stats.overtaken++;
			gb_skip(p, 1);
			continue;
		}
		if (s[28 + l] != '#' || s[29 + l] != '#') {
			p->stats.bad_end++;
			gb_skip(p, 1);
			continue;
		}
		if (gb26875_sum(s + 2, 25 + l) != s[27 + l]) {
			p->stats.bad_checksum++;
			gb26875_header_read(s, &p->rejected);
			gb_skip(p, 1);
			return err_set(e, ERR_INVALID, "checksum", "frame %u: "
			    "checksum is %02X, computed %02X",
			    p->rejected.serial, s[27 + l],
			    gb26875_sum(s + 2, 25 + l));
		}
		gb26875_frame_load(f, s, total);
		p->off += total;
		p->in_gap = 0;
		p->stats.frames++;
		return 1;
short_input:
		if (avail > GB26875_FRAME_MIN && gb_overtaken(p, avail)) {
			p->stats.overtaken++;
			gb_skip(p, 1);
			continue;
		}
		if (!p->finishing || avail == 0) {
			if (avail == 0) {
				p->off = p->len = 0;
				p->finishing = 0;
			}
			return 0;
		}
		/* No more bytes are coming: this start cannot complete. */
		gb_skip(p, 1);
	}
}

void
gb26875_parser_free(struct gb26875_parser *p)
{
	if (p == NULL)
		return;
	free(p->buf);
	free(p->mark);
	p->buf = p->mark = NULL;
	p->off = p->len = p->cap = 0;
}
