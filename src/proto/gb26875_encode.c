/*
 * GB/T 26875.3 encoders: frames from a control unit and data, data units
 * from typed objects (the same layout table the decoder reads, so every
 * type decodes back to what was encoded), the centre's requests and
 * controls, and the confirm and deny replies.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gb26875.h"
#include "gb26875_int.h"

int
gb26875_encode_frame(const struct gb26875_header *h, const void *adu,
    size_t adu_len, unsigned char *out, size_t cap, size_t *outlen,
    struct err *e)
{
	size_t	total = GB26875_FRAME_MIN + adu_len;
	int	rc;

	if (adu_len > GB26875_ADU_MAX)
		return err_set(e, ERR_RANGE, "adu", "data unit is %zu bytes, "
		    "over the %d-byte limit", adu_len, GB26875_ADU_MAX);
	if (cap < total)
		return err_set(e, ERR_RANGE, "out", "frame needs %zu bytes, "
		    "room for %zu", total, cap);
	if ((rc = gb26875_time_encode(&h->time, out + 6, "time", e)) < 0)
		return rc;
	out[0] = out[1] = '@';
	out[2] = (unsigned char)(h->serial & 0xff);
	out[3] = (unsigned char)(h->serial >> 8);
	out[4] = h->version_main;
	out[5] = h->version_user;
	memcpy(out + 12, h->source, GB26875_ADDR_LEN);
	memcpy(out + 18, h->destination, GB26875_ADDR_LEN);
	out[24] = (unsigned char)(adu_len & 0xff);
	out[25] = (unsigned char)(adu_len >> 8);
	out[26] = h->command;
	if (adu_len > 0)
		memcpy(out + 27, adu, adu_len);
	out[27 + adu_len] = gb26875_sum(out + 2, 25 + adu_len);
	out[28 + adu_len] = out[29 + adu_len] = '#';
	*outlen = total;
	return 0;
}

/* 1 if every object's time label (the layout's last field) is ABSENT. */
static int
gb_all_absent(const struct gb26875_layout *l, const struct gb26875_object *obj,
    size_t n)
{
	const struct gb26875_time	*t;
	size_t				 i;

	if (!l->timed || n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		t = (const struct gb26875_time *)((const char *)&obj[i] +
		    l->fields[l->nfield - 1].off);
		if (t->kind != GB26875_TIME_ABSENT)
			return 0;
	}
	return 1;
}

/* Write one field of o at p (room for at least 256 bytes). */
static int
gb_field(const struct gb26875_field *fd, const struct gb26875_object *o,
    unsigned char *p, size_t *len, struct err *e)
{
	const char	*s, *b = (const char *)o;
	uint32_t	 u32;
	uint16_t	 u16;
	int16_t		 i16;
	size_t		 tl;
	int		 rc;

	*len = gb26875_field_size(fd->kind);
	switch (fd->kind) {
	case GB_FK_COMP_ADDR:
		memcpy(&u32, b + fd->off, sizeof(u32));
		p[0] = (unsigned char)(u32 & 0xff);
		p[1] = (unsigned char)(u32 >> 8 & 0xff);
		p[2] = (unsigned char)(u32 >> 16 & 0xff);
		p[3] = (unsigned char)(u32 >> 24);
		return 0;
	case GB_FK_FLAGS16:
		memcpy(&u16, b + fd->off, sizeof(u16));
		p[0] = (unsigned char)(u16 & 0xff);
		p[1] = (unsigned char)(u16 >> 8);
		return 0;
	case GB_FK_ANALOG:
		memcpy(&i16, b + fd->off2, sizeof(i16));
		p[0] = (unsigned char)b[fd->off];
		p[1] = (unsigned char)((uint16_t)i16 & 0xff);
		p[2] = (unsigned char)((uint16_t)i16 >> 8);
		return 0;
	case GB_FK_VERSION:
		p[0] = (unsigned char)b[fd->off];
		p[1] = (unsigned char)b[fd->off + 1];
		return 0;
	case GB_FK_TIME:
		return gb26875_time_encode((const struct gb26875_time *)
		    (b + fd->off), p, fd->key, e);
	case GB_FK_DESC:
		memcpy(&s, b + fd->off, sizeof(s));
		memset(p, 0, GB26875_DESC_LEN);
		return gb26875_text_encode(s ? s : "", p, GB26875_DESC_LEN, &tl,
		    fd->key, e);
	case GB_FK_TEXT:
		memcpy(&s, b + fd->off, sizeof(s));
		if ((rc = gb26875_text_encode(s ? s : "", p + 1, 255, &tl,
		    fd->key, e)) < 0)
			return rc;
		p[0] = (unsigned char)tl;
		*len = 1 + tl;
		return 0;
	default:
		p[0] = (unsigned char)b[fd->off];
		return 0;
	}
}

int
gb26875_encode_adu(int type, const struct gb26875_object *obj, size_t n,
    unsigned char *out, size_t cap, size_t *outlen, struct err *e)
{
	const struct gb26875_layout	*l;
	unsigned char			 tmp[GB26875_ADU_MAX + 256];
	size_t				 len = 2, fl, i, k, nf;
	int				 rc;

	if ((l = gb26875_layout_of(type)) == NULL)
		return err_set(e, ERR_INVALID, "type", "type %d is not one "
		    "this library encodes", type);
	if (n > GB26875_OBJ_MAX)
		return err_set(e, ERR_RANGE, "count", "at most %d objects",
		    GB26875_OBJ_MAX);
	nf = l->nfield - (gb_all_absent(l, obj, n) ? 1 : 0);
	tmp[0] = (unsigned char)type;
	tmp[1] = (unsigned char)n;
	for (i = 0; i < n; i++)
		for (k = 0; k < nf; k++) {
			/* tmp keeps 256 bytes of room past the limit. */
			if ((rc = gb_field(&l->fields[k], &obj[i], tmp + len,
			    &fl, e)) < 0)
				return rc;
			len += fl;
			if (len > GB26875_ADU_MAX)
				return err_set(e, ERR_RANGE, "count", "%zu "
				    "objects do not fit in %d bytes", n,
				    GB26875_ADU_MAX);
		}
	if (cap < len)
		return err_set(e, ERR_RANGE, "out", "data unit needs %zu "
		    "bytes, room for %zu", len, cap);
	memcpy(out, tmp, len);
	*outlen = len;
	return 0;
}

int
gb26875_encode_command(const struct gb26875_header *h, int type,
    const struct gb26875_object *obj, size_t n, unsigned char *out,
    size_t cap, size_t *outlen, struct err *e)
{
	struct gb26875_header	hh = *h;
	unsigned char		adu[GB26875_ADU_MAX];
	size_t			len;
	int			cmd, rc;

	cmd = gb26875_type_command(type);
	if (cmd != GB26875_CMD_CONTROL && cmd != GB26875_CMD_REQUEST)
		return err_set(e, ERR_INVALID, "type", "type %d is not a "
		    "request or control of the centre", type);
	if ((rc = gb26875_encode_adu(type, obj, n, adu, sizeof(adu), &len,
	    e)) < 0)
		return rc;
	hh.command = (uint8_t)cmd;
	return gb26875_encode_frame(&hh, adu, len, out, cap, outlen, e);
}

static int
gb_reply(const struct gb26875_header *rx, int cmd,
    const struct gb26875_time *now, unsigned char *out, size_t cap,
    size_t *outlen, struct err *e)
{
	struct gb26875_header	h;

	memset(&h, 0, sizeof(h));
	h.serial = rx->serial;
	h.version_main = rx->version_main;
	h.version_user = rx->version_user;
	h.time = *now;
	memcpy(h.source, rx->destination, GB26875_ADDR_LEN);
	memcpy(h.destination, rx->source, GB26875_ADDR_LEN);
	h.command = (uint8_t)cmd;
	return gb26875_encode_frame(&h, NULL, 0, out, cap, outlen, e);
}

int
gb26875_encode_confirm(const struct gb26875_header *rx,
    const struct gb26875_time *now, unsigned char *out, size_t cap,
    size_t *outlen, struct err *e)
{
	if (rx->command != GB26875_CMD_CONTROL &&
	    rx->command != GB26875_CMD_SEND)
		return err_set(e, ERR_INVALID, "command", "command %u is not "
		    "confirmed (only control and send-data are)", rx->command);
	return gb_reply(rx, GB26875_CMD_CONFIRM, now, out, cap, outlen, e);
}

int
gb26875_encode_deny(const struct gb26875_header *rx,
    const struct gb26875_time *now, unsigned char *out, size_t cap,
    size_t *outlen, struct err *e)
{
	if (rx->command == GB26875_CMD_CONFIRM ||
	    rx->command == GB26875_CMD_DENY)
		return err_set(e, ERR_INVALID, "command", "a confirm or a deny "
		    "is never denied");
	return gb_reply(rx, GB26875_CMD_DENY, now, out, cap, outlen, e);
}
