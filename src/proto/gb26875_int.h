/*
 * Inside the GB/T 26875.3 library: the table that says, for every known
 * type flag, which fields an object has on the wire and where each lands
 * in struct gb26875_object, so that decoding, encoding and the JSON
 * rendering are three loops over the same rows; and the text and time
 * helpers they share.  Not for use outside src/proto.
 */
#ifndef FW_GB26875_INT_H
#define FW_GB26875_INT_H

#include <stddef.h>
#include <stdint.h>

#include "gb26875.h"

/* Wire kinds of a field. */
enum gb26875_fk {
	GB_FK_U8,		/* one byte, a plain number */
	GB_FK_SYS_TYPE,		/* one byte, system type code */
	GB_FK_COMP_TYPE,	/* one byte, component type code */
	GB_FK_COMP_ADDR,	/* u32 LE */
	GB_FK_FLAGS8,		/* one byte of flags, names in bits */
	GB_FK_FLAGS16,		/* u16 LE of flags, names in bits */
	GB_FK_ANALOG,		/* analog type (1) + int16 LE value (2) */
	GB_FK_VERSION,		/* major (1) + minor (1) */
	GB_FK_TIME,		/* six-byte time label */
	GB_FK_DESC,		/* 31 bytes GB18030 */
	GB_FK_TEXT,		/* length byte + that many bytes GB18030 */
};

struct gb26875_field {
	const char		*key;		/* JSON key */
	uint8_t			 kind;		/* enum gb26875_fk */
	uint16_t		 off;		/* in struct gb26875_object */
	uint16_t		 off2;		/* GB_FK_ANALOG: the value */
	const char *const	*bits;		/* flag names, bit 0 first */
};

struct gb26875_layout {
	int				 type;
	const char			*name;	/* type name in JSON */
	uint8_t				 size;	/* wire bytes; 0: variable */
	uint8_t				 timed;	/* last field may be left out */
	uint8_t				 nfield;
	const struct gb26875_field	*fields;
};

/* The layout of a type flag, or NULL if this library does not know it. */
const struct gb26875_layout	*gb26875_layout_of(int type);
/* Wire bytes of a fixed-size field kind (0 for GB_FK_TEXT). */
size_t	gb26875_field_size(int kind);

/*
 * GB18030 to UTF-8: in[0..n-1] cut at the first NUL and trimmed of
 * spaces, written to out (room for 3n + 1 bytes) NUL-terminated; returns
 * the length.  Bytes that are not GB18030 become U+FFFD and set *lossy.
 */
size_t	gb26875_text_decode(const unsigned char *in, size_t n, char *out,
	    int *lossy);
/*
 * UTF-8 to GB18030 into out[0..cap-1], *outlen bytes, no NUL.
 * ERR_INVALID if s is not UTF-8, ERR_RANGE if the result exceeds cap.
 */
int	gb26875_text_encode(const char *s, unsigned char *out, size_t cap,
	    size_t *outlen, const char *field, struct err *e);

/*
 * Read a time label; prefer_bcd when the frame's own time was BCD, so
 * that a label valid both ways is read as the device writes them.
 */
void	gb26875_time_decode(const unsigned char raw[6], int prefer_bcd,
	    struct gb26875_time *t);
/* Write a time label as its kind says; ERR_RANGE if the fields are bad. */
int	gb26875_time_encode(const struct gb26875_time *t, unsigned char out[6],
	    const char *field, struct err *e);

/* The 8-bit sum of p[0..n-1], carry dropped. */
uint8_t	gb26875_sum(const unsigned char *p, size_t n);
/* The control unit of the frame at p (length already checked). */
void	gb26875_header_read(const unsigned char *p, struct gb26875_header *h);
/*
 * Fill f from the frame p[0..len-1], whose envelope and checksum have
 * been checked: copy it, read the header, decode the data unit.
 */
void	gb26875_frame_load(struct gb26875_frame *f, const unsigned char *p,
	    size_t len);

static inline uint16_t
gb26875_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
gb26875_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

#endif
