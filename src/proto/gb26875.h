/*
 * GB/T 26875.3-2011, the protocol between a user information transmission
 * device (用户信息传输装置, UITD) and the monitoring centre: frames, their
 * application data (every upload type decoded into typed objects, the
 * centre's requests and controls encoded), a streaming parser that finds
 * frames in bytes arriving in arbitrary pieces, and a JSON rendering.
 * Pure: no I/O, no clock, no logging; it uses src/core and libc only.
 * docs/modules/gb26875.md describes the wire format and the quirks handled.
 */
#ifndef FW_GB26875_H
#define FW_GB26875_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

#define GB26875_ADU_MAX		1024	/* application data, bytes (std) */
#define GB26875_FRAME_MIN	30	/* @@ + control unit + cmd + sum + ## */
#define GB26875_FRAME_MAX	(GB26875_FRAME_MIN + GB26875_ADU_MAX)
#define GB26875_ADDR_LEN	6
#define GB26875_OBJ_MAX		255	/* the object count is one byte */
#define GB26875_DESC_LEN	31	/* bytes of a GB18030 description */
/* Decoded text of one frame: 3 UTF-8 bytes per input byte at most. */
#define GB26875_TEXT_MAX	(3 * GB26875_ADU_MAX + GB26875_OBJ_MAX + 1)
/* "2012-09-26T09:58:32+08:00" and its NUL. */
#define GB26875_TIME_STR	26

/* Command byte of the control unit. */
enum gb26875_cmd {
	GB26875_CMD_CONTROL = 1,	/* centre -> UITD */
	GB26875_CMD_SEND = 2,		/* UITD -> centre; heartbeat if empty */
	GB26875_CMD_CONFIRM = 3,
	GB26875_CMD_REQUEST = 4,	/* centre -> UITD */
	GB26875_CMD_ANSWER = 5,		/* UITD -> centre, the data asked for */
	GB26875_CMD_DENY = 6,
};

/* Type flag of the application data unit. */
enum gb26875_type {
	GB26875_SYS_STATE = 1,		/* 上传建筑消防设施系统状态 */
	GB26875_COMP_STATE = 2,		/* 上传部件运行状态 */
	GB26875_COMP_ANALOG = 3,	/* 上传部件模拟量值 */
	GB26875_SYS_OP = 4,		/* 上传操作信息 */
	GB26875_SYS_VERSION = 5,	/* 上传软件版本 */
	GB26875_SYS_CONFIG = 6,		/* 上传系统配置情况 */
	GB26875_COMP_CONFIG = 7,	/* 上传部件配置情况 */
	GB26875_SYS_TIME = 8,		/* 上传系统时间 */
	GB26875_UITD_STATE = 21,	/* 上传用户信息传输装置运行状态 */
	GB26875_UITD_OP = 24,		/* 上传用户信息传输装置操作信息 */
	GB26875_UITD_VERSION = 25,
	GB26875_UITD_CONFIG = 26,
	GB26875_UITD_TIME = 28,
	GB26875_READ_SYS_STATE = 61,	/* requests (command 4) ... */
	GB26875_READ_COMP_STATE = 62,
	GB26875_READ_COMP_ANALOG = 63,
	GB26875_READ_SYS_OP = 64,
	GB26875_READ_SYS_VERSION = 65,
	GB26875_READ_SYS_CONFIG = 66,
	GB26875_READ_COMP_CONFIG = 67,
	GB26875_READ_SYS_TIME = 68,
	GB26875_READ_UITD_STATE = 81,
	GB26875_READ_UITD_OP = 84,
	GB26875_READ_UITD_VERSION = 85,
	GB26875_READ_UITD_CONFIG = 86,
	GB26875_READ_UITD_TIME = 88,
	GB26875_INIT_UITD = 89,		/* controls (command 1) ... */
	GB26875_SYNC_CLOCK = 90,	/* 同步用户信息传输装置时钟 */
	GB26875_INSPECT = 91,		/* 查岗 */
};

/* How a time label was read. */
enum gb26875_time_kind {
	GB26875_TIME_BINARY = 0,	/* binary, as the standard says */
	GB26875_TIME_BCD,		/* BCD, as some devices send */
	GB26875_TIME_ZERO,		/* six zero bytes: no time known */
	GB26875_TIME_INVALID,		/* no date either way; raw[] kept */
	GB26875_TIME_ABSENT,		/* the object came without one */
};

/*
 * A time label: second, minute, hour, day, month, year - 2000 on the
 * wire; China local time (UTC+8) by convention.  The date fields are
 * meaningful for BINARY and BCD only; raw holds the six bytes received.
 */
struct gb26875_time {
	uint16_t	year;		/* 2000..2099 */
	uint8_t		month;
	uint8_t		day;
	uint8_t		hour;
	uint8_t		minute;
	uint8_t		second;
	uint8_t		kind;		/* enum gb26875_time_kind */
	uint8_t		raw[6];
};

/* The control unit (bytes 2..26) of a frame. */
struct gb26875_header {
	uint16_t		serial;		/* 业务流水号, replies echo it */
	uint8_t			version_main;
	uint8_t			version_user;
	struct gb26875_time	time;		/* when it was sent */
	uint8_t			source[GB26875_ADDR_LEN];	/* wire order */
	uint8_t			destination[GB26875_ADDR_LEN];
	uint16_t		adu_len;
	uint8_t			command;	/* enum gb26875_cmd, or other */
	uint8_t			checksum;	/* as received or encoded */
};

/*
 * Information objects, one struct per shape.  Text is NUL-terminated
 * UTF-8 (GB18030 on the wire: cut at the first NUL, spaces trimmed) that
 * lives in the frame's text[]; a component address is the little-endian
 * u32 of its four bytes.
 */
struct gb26875_sys_state {		/* type 1 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint16_t		state;		/* GB26875_SYS_* bits */
	struct gb26875_time	time;
};

struct gb26875_comp_state {		/* type 2 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint8_t			comp_type;
	uint32_t		comp_addr;
	uint16_t		state;		/* GB26875_COMP_* bits */
	const char		*desc;
	struct gb26875_time	time;
};

struct gb26875_comp_analog {		/* type 3 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint8_t			comp_type;
	uint32_t		comp_addr;
	uint8_t			analog_type;	/* see gb26875_analog_scale() */
	int16_t			value;		/* raw; times the resolution */
	struct gb26875_time	time;
};

struct gb26875_sys_op {			/* type 4 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint8_t			op;		/* GB26875_OP_* bits */
	uint8_t			operator_no;
	struct gb26875_time	time;
};

struct gb26875_sys_version {		/* type 5 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint8_t			major;
	uint8_t			minor;
};

struct gb26875_sys_config {		/* type 6 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	const char		*text;
};

struct gb26875_comp_config {		/* type 7 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint8_t			comp_type;
	uint32_t		comp_addr;
	const char		*desc;
};

struct gb26875_sys_time {		/* type 8 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	struct gb26875_time	time;
};

struct gb26875_uitd_state {		/* type 21 */
	uint8_t			state;		/* GB26875_UITD_* bits */
	struct gb26875_time	time;
};

struct gb26875_uitd_op {		/* type 24 */
	uint8_t			op;		/* GB26875_OP_*, b5 查岗应答 */
	uint8_t			operator_no;
	struct gb26875_time	time;
};

struct gb26875_uitd_version {		/* type 25 */
	uint8_t			major;
	uint8_t			minor;
};

struct gb26875_uitd_config {		/* type 26 */
	const char		*text;
};

struct gb26875_clock {			/* types 28 (UITD time), 90 (set it) */
	struct gb26875_time	time;
};

struct gb26875_sys_ref {		/* types 61, 65, 66, 68 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
};

struct gb26875_comp_ref {		/* types 62, 63, 67: no comp. type */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint32_t		comp_addr;
};

struct gb26875_sys_log_req {		/* type 64 */
	uint8_t			sys_type;
	uint8_t			sys_addr;
	uint8_t			count;		/* records asked for, <= 102 */
	struct gb26875_time	start;
};

struct gb26875_uitd_log_req {		/* type 84 */
	uint8_t			count;
	struct gb26875_time	start;
};

struct gb26875_reserved {		/* types 81, 85, 86, 88, 89 */
	uint8_t			reserved;
};

struct gb26875_inspect {		/* type 91, 查岗 */
	uint8_t			timeout_min;	/* minutes to answer */
};

/* One object; which member is meant follows from the frame's type. */
struct gb26875_object {
	union {
		struct gb26875_sys_state	sys_state;
		struct gb26875_comp_state	comp_state;
		struct gb26875_comp_analog	analog;
		struct gb26875_sys_op		sys_op;
		struct gb26875_sys_version	sys_version;
		struct gb26875_sys_config	sys_config;
		struct gb26875_comp_config	comp_config;
		struct gb26875_sys_time		sys_time;
		struct gb26875_uitd_state	uitd_state;
		struct gb26875_uitd_op		uitd_op;
		struct gb26875_uitd_version	uitd_version;
		struct gb26875_uitd_config	uitd_config;
		struct gb26875_clock		clock;
		struct gb26875_sys_ref		sys_ref;
		struct gb26875_comp_ref		comp_ref;
		struct gb26875_sys_log_req	sys_log_req;
		struct gb26875_uitd_log_req	uitd_log_req;
		struct gb26875_reserved		reserved;
		struct gb26875_inspect		inspect;
	};
};

/* State bits of a facility system (type 1); 1 = condition present. */
#define GB26875_SYS_NORMAL		0x0001	/* 0 = test mode */
#define GB26875_SYS_FIRE		0x0002
#define GB26875_SYS_FAULT		0x0004
#define GB26875_SYS_SHIELDED		0x0008
#define GB26875_SYS_SUPERVISORY		0x0010
#define GB26875_SYS_STARTED		0x0020
#define GB26875_SYS_FEEDBACK		0x0040
#define GB26875_SYS_DELAY		0x0080
#define GB26875_SYS_MAIN_POWER		0x0100
#define GB26875_SYS_BACKUP_POWER	0x0200
#define GB26875_SYS_BUS_FAULT		0x0400
#define GB26875_SYS_MANUAL		0x0800
#define GB26875_SYS_CONFIG_CHANGED	0x1000
#define GB26875_SYS_RESET		0x2000
/* Component state (type 2): bits 0-7 as above, then: */
#define GB26875_COMP_POWER_FAULT	0x0100
/* Operation bits (types 4 and 24). */
#define GB26875_OP_RESET		0x01
#define GB26875_OP_SILENCE		0x02
#define GB26875_OP_MANUAL_ALARM		0x04
#define GB26875_OP_ALARM_CLEARED	0x08
#define GB26875_OP_SELF_TEST		0x10
#define GB26875_OP_CONFIRM		0x20	/* type 24: 查岗应答 */
#define GB26875_OP_TEST			0x40
/* UITD state bits (type 21). */
#define GB26875_UITD_NORMAL		0x01
#define GB26875_UITD_FIRE		0x02
#define GB26875_UITD_FAULT		0x04
#define GB26875_UITD_MAIN_POWER		0x08
#define GB26875_UITD_BACKUP_POWER	0x10
#define GB26875_UITD_LINK_FAULT		0x20
#define GB26875_UITD_LINE_FAULT		0x40

/* What became of the application data unit. */
enum gb26875_adu_state {
	GB26875_ADU_EMPTY = 0,	/* none: confirm, deny, heartbeat */
	GB26875_ADU_DECODED,	/* typed objects in obj[0..nobj-1] */
	GB26875_ADU_UNKNOWN,	/* reserved or vendor type: kept raw */
	GB26875_ADU_MISMATCH,	/* known type, length does not fit: raw */
};

/* Quirks of a decoded frame (flags). */
#define GB26875_F_HEARTBEAT	0x01	/* send-data with no application data */
#define GB26875_F_NO_OBJTIME	0x02	/* objects sent without time labels */
#define GB26875_F_TIME_QUIRK	0x04	/* a time label BCD, zero or invalid */
#define GB26875_F_TEXT_LOSSY	0x08	/* bytes not GB18030, shown as U+FFFD */
#define GB26875_F_ADU_ONLY	0x10	/* from gb26875_adu_parse: no header */

/*
 * A decoded frame.  It holds a copy of the frame's bytes and the text its
 * objects point to, so it stays valid on its own; because of those
 * pointers it must not be copied by assignment.  About 18 KiB: decode
 * into one frame again and again rather than one per call.
 */
struct gb26875_frame {
	struct gb26875_header	 hdr;
	enum gb26875_adu_state	 adu_state;
	int			 type;		/* type flag; -1 when no ADU */
	unsigned		 count;		/* object count as declared */
	unsigned		 nobj;		/* objects in obj[] */
	unsigned		 flags;		/* GB26875_F_* */
	const char		*adu_note;	/* why kept raw, or NULL */
	const unsigned char	*adu;		/* into raw[] */
	size_t			 adu_len;
	size_t			 raw_len;
	size_t			 text_len;
	unsigned char		 raw[GB26875_FRAME_MAX];
	struct gb26875_object	 obj[GB26875_OBJ_MAX];
	char			 text[GB26875_TEXT_MAX];
};

/*
 * Decode exactly one frame, buf[0..len-1], into caller storage f (no
 * allocation).  Checked in order: at least 30 bytes (field "frame"),
 * start marker @@ ("start"), length field <= 1024 ("length"), len equal
 * to 30 + length ("length"), end marker ## at 28 + length ("end"), the
 * 8-bit sum of bytes 2..26+length ("checksum").  Each failure returns
 * ERR_INVALID naming the field and the values found, f untouched.  Any
 * command byte and version are accepted, and an application data unit
 * that cannot be decoded is kept raw (adu_state): only the envelope
 * makes a frame invalid (see gb26875_frame_check for conformance).
 */
int	gb26875_frame_parse(const void *buf, size_t len,
	    struct gb26875_frame *f, struct err *e);
/*
 * As gb26875_frame_parse, into a new frame in *out that belongs to the
 * caller (gb26875_frame_free); *out is untouched on failure.
 */
int	gb26875_frame_decode(const void *buf, size_t len,
	    struct gb26875_frame **out, struct err *e);
void	gb26875_frame_free(struct gb26875_frame *f);
/*
 * Decode an application data unit alone (type flag, count, objects) into
 * f, whose header is zeroed and whose raw[] holds the unit.  ERR_RANGE
 * (field "adu") if len > GB26875_ADU_MAX; otherwise 0, with adu_state
 * saying whether the objects were decoded.
 */
int	gb26875_adu_parse(const void *adu, size_t len, struct gb26875_frame *f,
	    struct err *e);
/*
 * Read the control unit of a frame whose start marker, length and end
 * marker are right, without checking the checksum: to deny a frame that
 * failed it.  Errors as gb26875_frame_parse except "checksum".
 */
int	gb26875_header_peek(const void *buf, size_t len,
	    struct gb26875_header *h, struct err *e);
/*
 * Conformance beyond the envelope: ERR_INVALID (field "adu") when the
 * unit is of a type the standard defines but its length does not fit its
 * objects (adu_state GB26875_ADU_MISMATCH).  Reserved and vendor types
 * pass: the standard leaves them open.  Such a frame is still a frame
 * (confirmed, stored raw); this is for tools that judge devices.
 */
int	gb26875_frame_check(const struct gb26875_frame *f, struct err *e);
/* 1 if f is a heartbeat: send-data (command 2) without application data. */
int	gb26875_frame_is_heartbeat(const struct gb26875_frame *f);

/*
 * What the receiver of a frame with header h answers, as a command byte:
 * GB26875_CMD_CONFIRM for control and send-data (1, 2), GB26875_CMD_DENY
 * for a reserved command byte (0, 7..127), 0 for the rest (confirm, deny
 * and answer take no reply; a request is answered with data; 128..255
 * are vendor commands).  A frame that failed its checksum is denied.
 */
int	gb26875_reply_command(const struct gb26875_header *h);
/*
 * The command byte a frame carrying type is sent with: 1 for controls
 * (89-91), 4 for requests (61-68, 81-88), 2 for uploads; 0 for a type
 * this library does not know.
 */
int	gb26875_type_command(int type);

/* An address as the little-endian 48-bit integer of its six bytes. */
uint64_t gb26875_addr(const uint8_t a[GB26875_ADDR_LEN]);
/* Set a (wire order) from v; bits above 48 are dropped. */
void	gb26875_addr_set(uint8_t a[GB26875_ADDR_LEN], uint64_t v);

/*
 * Time labels.  gb26875_time_set fills a BINARY label from a date and
 * time (year 2000..2099), ERR_RANGE (field "time") if it is not a real
 * one.  gb26875_time_from_epoch does the same for seconds since 1970 as
 * China local time (UTC+8).  gb26875_time_to_epoch is the inverse for a
 * BINARY or BCD label, ERR_INVALID for the other kinds.
 * gb26875_time_format writes "YYYY-MM-DDTHH:MM:SS+08:00", or "" when the
 * label holds no date, and returns buf.
 */
int	gb26875_time_set(struct gb26875_time *t, int year, int month, int day,
	    int hour, int minute, int second, struct err *e);
int	gb26875_time_from_epoch(struct gb26875_time *t, int64_t secs,
	    struct err *e);
int	gb26875_time_to_epoch(const struct gb26875_time *t, int64_t *secs,
	    struct err *e);
char	*gb26875_time_format(const struct gb26875_time *t,
	    char buf[GB26875_TIME_STR]);

/*
 * Streaming parser: one per connection.  Feed it bytes as they arrive;
 * next() hands out each complete frame, whatever the pieces were.  Bytes
 * before a start marker, and candidates whose length field is over the
 * limit, whose end marker is misplaced or whose checksum fails, are
 * skipped one byte at a time (a frame may hide behind a false start) and
 * counted in stats.  A candidate that a complete frame with a good
 * checksum starts and ends inside is skipped too, whether it is itself
 * complete or still waiting for bytes: so a false @@ cannot hold back the
 * frames after it until more bytes come, and the frames found are the
 * same whatever the pieces (the price: a frame whose data carries a whole
 * frame yields the inner one).  Memory held is twice the bytes fed and
 * not yet handed out (a byte of bookkeeping each): call next() until it
 * returns 0 after each feed().
 */
struct gb26875_stats {
	uint64_t	frames;		/* valid frames handed out */
	uint64_t	skipped;	/* bytes dropped, garbage and rejects */
	uint64_t	garbage;	/* gaps between frames with skips */
	uint64_t	bad_length;	/* candidates: length over the limit */
	uint64_t	bad_end;	/* candidates: no ## where expected */
	uint64_t	bad_checksum;	/* candidates: checksum failed */
	uint64_t	overtaken;	/* candidates with a frame inside */
};

struct gb26875_parser {
	unsigned char		*buf;
	unsigned char		*mark;		/* per byte: what starts there */
	size_t			 off;		/* first unconsumed byte */
	size_t			 len;		/* bytes held */
	size_t			 cap;
	size_t			 adu_max;
	int			 finishing;
	int			 in_gap;	/* skipped since the last frame */
	struct gb26875_stats	 stats;
	struct gb26875_header	 rejected;	/* see gb26875_parser_next */
};

/*
 * Set up p; adu_max is the largest application data unit accepted,
 * 1..GB26875_ADU_MAX, 0 meaning GB26875_ADU_MAX (some devices limit
 * themselves to 512).  Allocates nothing until the first feed.
 */
void	gb26875_parser_init(struct gb26875_parser *p, size_t adu_max);
/* Append n bytes (n may be 0); aborts only on out-of-memory. */
void	gb26875_parser_feed(struct gb26875_parser *p, const void *data,
	    size_t n);
/*
 * Say no more bytes are coming for now (idle timeout, connection
 * closed): next() no longer waits to complete a candidate but skips it
 * a byte at a time, so what follows a start that cannot complete still
 * comes out, and what is left is counted as skipped.  Feeding again
 * cancels it.
 */
void	gb26875_parser_finish(struct gb26875_parser *p);
/*
 * The next frame, decoded into f: 1 when one is there, 0 when more bytes
 * are needed.  ERR_INVALID (field "checksum") when a candidate with the
 * right markers and length failed its checksum: the standard wants it
 * denied, so its control unit is left in p->rejected for
 * gb26875_encode_deny(); call next() again to go on.
 */
int	gb26875_parser_next(struct gb26875_parser *p, struct gb26875_frame *f,
	    struct err *e);
/* Bytes held and not yet handed out or skipped. */
size_t	gb26875_parser_pending(const struct gb26875_parser *p);
/* Release p's buffer; p may be NULL.  p can be initialised again. */
void	gb26875_parser_free(struct gb26875_parser *p);

/*
 * Encoders.  Each writes into out[0..cap-1] and sets *outlen; ERR_RANGE
 * (field "out") if cap is too small (GB26875_FRAME_MAX always suffices).
 *
 * gb26875_encode_frame: a frame from the header h (serial, versions,
 * time, addresses, command; adu_len and checksum are computed) and an
 * application data unit of at most GB26875_ADU_MAX bytes.
 */
int	gb26875_encode_frame(const struct gb26875_header *h, const void *adu,
	    size_t adu_len, unsigned char *out, size_t cap, size_t *outlen,
	    struct err *e);
/*
 * gb26875_encode_adu: the application data unit of a known type with
 * objects obj[0..n-1] (the union member of that type).  Text is UTF-8,
 * converted to GB18030 (ERR_INVALID if not UTF-8, ERR_RANGE if over 31
 * bytes for a description or 255 for configuration text).  Times are
 * written as their kind says (BINARY and BCD from the fields, ZERO as
 * zeros, INVALID as raw); objects whose times are all ABSENT are written
 * without labels.  ERR_INVALID (field "type") for an unknown type,
 * ERR_RANGE (field "count") for n > 255 or over the size limit.
 */
int	gb26875_encode_adu(int type, const struct gb26875_object *obj,
	    size_t n, unsigned char *out, size_t cap, size_t *outlen,
	    struct err *e);
/*
 * gb26875_encode_command: a centre's request (61-68, 81-88, command 4) or
 * control (89-91, command 1) with header h, whose command is ignored.
 * ERR_INVALID (field "type") for any other type.
 */
int	gb26875_encode_command(const struct gb26875_header *h, int type,
	    const struct gb26875_object *obj, size_t n, unsigned char *out,
	    size_t cap, size_t *outlen, struct err *e);
/*
 * gb26875_encode_confirm / gb26875_encode_deny: the reply to a frame
 * whose control unit is rx: same serial and versions, source and
 * destination swapped, time now, no application data.  A confirm answers
 * control or send-data only, a deny anything but a confirm or a deny
 * (ERR_INVALID, field "command", otherwise).
 */
int	gb26875_encode_confirm(const struct gb26875_header *rx,
	    const struct gb26875_time *now, unsigned char *out, size_t cap,
	    size_t *outlen, struct err *e);
int	gb26875_encode_deny(const struct gb26875_header *rx,
	    const struct gb26875_time *now, unsigned char *out, size_t cap,
	    size_t *outlen, struct err *e);

/*
 * A decoded frame (or unit from gb26875_adu_parse) as JSON:
 * {"serial", "version", "time", "source", "destination", "command",
 * "command_name", "type", "type_name", "count", "objects": [...]}, plus
 * "heartbeat", "adu" (hex) and "adu_note" when the unit was kept raw.
 * Codes come with readable names, flag words with the names of their set
 * bits, analog values scaled ("value") beside the raw number (dump with
 * JSON_REAL_PRECISION(15) to print 0.3 rather than 0.29999999999999999).
 * A new reference owned by the caller.
 */
json_t	*gb26875_frame_json(const struct gb26875_frame *f);

/* Readable names of codes; never NULL ("reserved", "user defined"). */
const char	*gb26875_command_name(int cmd);
const char	*gb26875_type_name(int type);
const char	*gb26875_system_type_name(int code);
const char	*gb26875_component_type_name(int code);
/* The same in Chinese (系统类型, 部件类型 of the standard). */
const char	*gb26875_system_type_name_zh(int code);
const char	*gb26875_component_type_name_zh(int code);
/*
 * The quantity, unit and resolution of an analog type (3 = temperature,
 * "°C", 10 meaning 0.1 per count).  0 and NULL names for a reserved or
 * vendor type, whose value is shown unscaled.
 */
int	gb26875_analog_scale(int analog_type, const char **quantity,
	    const char **unit);

#endif
