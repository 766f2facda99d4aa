/*
 * `firewarden gb26875`: decode GB/T 26875.3 frames given in hex to JSON,
 * and encode the monitoring centre's frames (requests, controls such as
 * clock sync and 查岗, confirm and deny replies) to hex.  A tool for
 * commissioning devices and checking captures; it touches no database.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "proto/gb26875.h"

/* The exit codes documented in main.c. */
#define GB_EXIT_CHECK	1
#define GB_EXIT_USAGE	2

#define GB_INPUT_MAX	(1 << 20)	/* bytes of hex read from stdin */

static void
cli_gb_usage(FILE *f)
{
	fputs(
"usage: firewarden gb26875 decode [--adu | --stream] [--pretty] HEX|-\n"
"       firewarden gb26875 encode KIND [options]\n"
"\n"
"decode   print the frame (or, with --adu, a bare application data unit)\n"
"         as JSON; exit 1 with the reason if it is not a valid frame (a\n"
"         unit of a standard type whose length does not fit its objects\n"
"         is shown, raw, and exits 1 too).\n"
"         --stream finds every frame in the bytes, skipping garbage: one\n"
"         JSON line per frame, a summary on stderr, exit 1 if anything\n"
"         was skipped or no frame found.  HEX may contain spaces; - reads\n"
"         it from standard input.\n"
"encode   print a frame in hex.  KIND is one of\n"
"           confirm | deny          [--reply-to HEX]\n"
"           clock-sync              [--set TIME]           (type 90)\n"
"           inspect                 [--timeout MINUTES]    (type 91, 查岗)\n"
"           init                                           (type 89)\n"
"           read-uitd-state | read-uitd-version | read-uitd-config |\n"
"           read-uitd-time                          (types 81, 85, 86, 88)\n"
"           read-uitd-log           --count N --start TIME (type 84)\n"
"           read-system-state | read-system-version | read-system-config |\n"
"           read-system-time        --system T:A ...  (types 61, 65, 66, 68)\n"
"           read-component-state | read-analog | read-component-config\n"
"                                   --component T:A:ADDR ... (62, 63, 67)\n"
"           read-system-log         --system T:A --count N --start TIME\n"
"                                                          (type 64)\n"
"\n"
"options of encode:\n"
"  --serial N          serial number, 0..65535 (default 0)\n"
"  --source ADDR       our address, decimal or 0x hex (default 0)\n"
"  --destination ADDR  the device's address (default 0)\n"
"  --time TIME         the frame's time label (default now)\n"
"  --version M.U       protocol versions (default 1.1)\n"
"  --reply-to HEX      the frame answered: serial, versions and addresses\n"
"                      come from it (a deny accepts a bad checksum)\n"
"  --system T:A        system type and address (repeatable)\n"
"  --component T:A:ADDR  system type, address and component address\n"
"                      (repeatable)\n"
"TIME is YYYY-MM-DD HH:MM:SS (China time, as the devices keep it), now,\n"
"or zero.\n"
"exit codes: 0 ok, 1 invalid frame, 2 usage\n", f);
}

static int	cli_gb_fail_usage(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

static int
cli_gb_fail_usage(const char *fmt, ...)
{
	va_list	ap;

	fputs("firewarden: gb26875: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nusage: firewarden gb26875 decode|encode ... (see "
	    "firewarden gb26875 --help)\n", stderr);
	return GB_EXIT_USAGE;
}

/* Hex digits of s (spaces, tabs, newlines and colons ignored) into out. */
static int
cli_gb_unhex(const char *s, struct buf *out)
{
	char	digits[3];
	size_t	n = 0;
	unsigned char	 byte;

	buf_reset(out);
	for (; *s; s++) {
		if (strchr(" \t\r\n:", *s) != NULL)
			continue;
		digits[n++] = *s;
		if (n == 2) {
			digits[2] = '\0';
			if (str_unhex(digits, &byte, 1) < 0)
				return -1;
			buf_addc(out, (char)byte);
			n = 0;
		}
	}
	return n == 0 ? 0 : -1;
}

/* HEX from the argument, or from stdin for "-". */
static int
cli_gb_input(const char *arg, struct buf *bytes)
{
	struct buf	text;
	char		chunk[4096];
	size_t		n;
	int		rc;

	if (strcmp(arg, "-") != 0)
		return cli_gb_unhex(arg, bytes);
	buf_init(&text);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0 &&
	    text.len < GB_INPUT_MAX)
		buf_add(&text, chunk, n);
	rc = text.len < GB_INPUT_MAX ? cli_gb_unhex(text.data ? text.data : "",
	    bytes) : -1;
	buf_free(&text);
	return rc;
}

static void
cli_gb_print_json(json_t *j, int pretty)
{
	char	*s;

	s = json_dumps(j, (pretty ? JSON_INDENT(2) : JSON_COMPACT) |
	    JSON_REAL_PRECISION(15));
	puts(s ? s : "null");
	free(s);
}

static int
cli_gb_decode(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "adu", no_argument, NULL, 'a' },
		{ "stream", no_argument, NULL, 's' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gb26875_frame	*f = NULL;
	struct gb26875_parser	 p;
	struct buf		 bytes;
	struct err		 e;
	json_t			*j;
	int			 c, adu = 0, stream = 0, pretty = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': adu = 1; break;
		case 's': stream = 1; break;
		case 'p': pretty = 1; break;
		case 'h':
			cli_gb_usage(stdout);
			return 0;
		default:
			cli_gb_usage(stderr);
			return GB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || (adu && stream)) {
		cli_gb_usage(stderr);
		return GB_EXIT_USAGE;
	}
	buf_init(&bytes);
	gb26875_parser_init(&p, 0);
	err_clear(&e);
	if (cli_gb_input(argv[optind], &bytes) < 0) {
		rc = cli_gb_fail_usage("%s is not an even number of hex digits",
		    strcmp(argv[optind], "-") == 0 ? "the input" : "HEX");
		goto out;
	}
	f = xmalloc(sizeof(*f));
	if (stream) {
		gb26875_parser_feed(&p, bytes.data, bytes.len);
		gb26875_parser_finish(&p);
		while ((rc = gb26875_parser_next(&p, f, &e)) != 0) {
			if (rc < 0) {
				fprintf(stderr, "firewarden: gb26875: %s\n",
				    e.msg);
				continue;
			}
			j = gb26875_frame_json(f);
			cli_gb_print_json(j, pretty);
			json_decref(j);
		}
		fprintf(stderr, "frames %llu, bytes skipped %llu, gaps %llu, "
		    "bad length %llu, bad end %llu, bad checksum %llu, "
		    "overtaken %llu\n",
		    (unsigned long long)p.stats.frames,
		    (unsigned long long)p.stats.skipped,
		    (unsigned long long)p.stats.garbage,
		    (unsigned long long)p.stats.bad_length,
		    (unsigned long long)p.stats.bad_end,
		    (unsigned long long)p.stats.bad_checksum,
		    (unsigned long long)p.stats.overtaken);
		rc = p.stats.skipped > 0 || p.stats.frames == 0 ?
		    GB_EXIT_CHECK : 0;
		goto out;
	}
	if (adu)
		rc = gb26875_adu_parse(bytes.data, bytes.len, f, &e);
	else
		rc = gb26875_frame_parse(bytes.data, bytes.len, f, &e);
	if (rc < 0) {
		fprintf(stderr, "firewarden: gb26875: invalid %s: %s: %s\n",
		    adu ? "data unit" : "frame", e.field, e.msg);
		rc = GB_EXIT_CHECK;
		goto out;
	}
	j = gb26875_frame_json(f);
	cli_gb_print_json(j, pretty);
	json_decref(j);
	/* Shown, but not a conforming frame: a known type that does not fit. */
	if ((rc = gb26875_frame_check(f, &e)) < 0) {
		fprintf(stderr, "firewarden: gb26875: invalid %s: %s: %s\n",
		    adu ? "data unit" : "frame", e.field, e.msg);
		rc = GB_EXIT_CHECK;
		goto out;
	}
	rc = 0;
out:
	free(f);
	gb26875_parser_free(&p);
	buf_free(&bytes);
	return rc;
}

/* An unsigned number, decimal or 0x hex, in [0, max]. */
static int
cli_gb_num(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long	 v;
	char			*end;

	if (s == NULL || *s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* TIME: YYYY-MM-DD HH:MM:SS (or with T), now, zero. */
static int
cli_gb_time(const char *s, struct gb26875_time *t)
{
	int	y, mo, d, h, mi, sec, n = 0;
	char	sep;

	memset(t, 0, sizeof(*t));
	if (strcmp(s, "now") == 0)
		return gb26875_time_from_epoch(t, (int64_t)time(NULL), NULL);
	if (strcmp(s, "zero") == 0) {
		t->kind = GB26875_TIME_ZERO;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi,
	    &sec, &n) != 7 || s[n] != '\0' || (sep != ' ' && sep != 'T') ||
	    strlen(s) != 19)
		return -1;
	return gb26875_time_set(t, y, mo, d, h, mi, sec, NULL);
}

/* T:A or T:A:ADDR into o (a sys_ref or comp_ref; both start T, A). */
static int
cli_gb_ref(const char *s, int with_comp, struct gb26875_object *o)
{
	char		*copy = xstrdup(s), *t, *a, *c, *save = NULL;
	uint64_t	 vt, va, vc = 0;
	int		 rc = -1;

	t = strtok_r(copy, ":", &save);
	a = strtok_r(NULL, ":", &save);
	c = strtok_r(NULL, ":", &save);
	if (t == NULL || a == NULL || (with_comp ? c == NULL : c != NULL) ||
	    strtok_r(NULL, ":", &save) != NULL)
		goto out;
	if (cli_gb_num(t, 255, &vt) < 0 || cli_gb_num(a, 255, &va) < 0 ||
	    (with_comp && cli_gb_num(c, UINT32_MAX, &vc) < 0))
		goto out;
	memset(o, 0, sizeof(*o));
	if (with_comp) {
		o->comp_ref.sys_type = (uint8_t)vt;
		o->comp_ref.sys_addr = (uint8_t)va;
		o->comp_ref.comp_addr = (uint32_t)vc;
	} else {
		o->sys_ref.sys_type = (uint8_t)vt;
		o->sys_ref.sys_addr = (uint8_t)va;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* The kinds of encode: name, type (0: a reply), what it takes. */
#define GB_TAKES_SYSTEM		0x01
#define GB_TAKES_COMPONENT	0x02
#define GB_TAKES_LOG		0x04	/* --count, --start */
#define GB_TAKES_SET		0x08
#define GB_TAKES_TIMEOUT	0x10
#define GB_TAKES_REPLY		0x20

static const struct cli_gb_kind {
	const char	*name;
	int		 type;
	int		 takes;
} cli_gb_kinds[] = {
	{ "confirm", GB26875_CMD_CONFIRM, GB_TAKES_REPLY },
	{ "deny", GB26875_CMD_DENY, GB_TAKES_REPLY },
	{ "clock-sync", GB26875_SYNC_CLOCK, GB_TAKES_SET },
	{ "inspect", GB26875_INSPECT, GB_TAKES_TIMEOUT },
	{ "init", GB26875_INIT_UITD, 0 },
	{ "read-uitd-state", GB26875_READ_UITD_STATE, 0 },
	{ "read-uitd-version", GB26875_READ_UITD_VERSION, 0 },
	{ "read-uitd-config", GB26875_READ_UITD_CONFIG, 0 },
	{ "read-uitd-time", GB26875_READ_UITD_TIME, 0 },
	{ "read-uitd-log", GB26875_READ_UITD_OP, GB_TAKES_LOG },
	{ "read-system-state", GB26875_READ_SYS_STATE, GB_TAKES_SYSTEM },
	{ "read-system-version", GB26875_READ_SYS_VERSION, GB_TAKES_SYSTEM },
	{ "read-system-config", GB26875_READ_SYS_CONFIG, GB_TAKES_SYSTEM },
	{ "read-system-time", GB26875_READ_SYS_TIME, GB_TAKES_SYSTEM },
	{ "read-system-log", GB26875_READ_SYS_OP,
	    GB_TAKES_SYSTEM | GB_TAKES_LOG },
	{ "read-component-state", GB26875_READ_COMP_STATE, GB_TAKES_COMPONENT },
	{ "read-analog", GB26875_READ_COMP_ANALOG, GB_TAKES_COMPONENT },
	{ "read-component-config", GB26875_READ_COMP_CONFIG,
	    GB_TAKES_COMPONENT },
	{ NULL, 0, 0 },
};

struct cli_gb_enc {
	struct gb26875_header	 h;
	struct gb26875_object	*obj;
	size_t			 nobj;
	const char		*reply_to;
	struct gb26875_time	 set;
	struct gb26875_time	 start;
	int			 have_set, have_start, have_count;
	int			 have_timeout;
	uint64_t		 count, timeout;
};

static int
cli_gb_encode_opts(int argc, char **argv, const struct cli_gb_kind *k,
    struct cli_gb_enc *o)
{
	static const struct option	longopts[] = {
		{ "serial", required_argument, NULL, 'n' },
		{ "source", required_argument, NULL, 's' },
		{ "destination", required_argument, NULL, 'd' },
		{ "time", required_argument, NULL, 't' },
		{ "version", required_argument, NULL, 'v' },
		{ "reply-to", required_argument, NULL, 'r' },
		{ "set", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "count", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 'b' },
		{ "system", required_argument, NULL, 'y' },
		{ "component", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t	v;
	unsigned	vm, vu;
	int		c, n, need;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		need = 0;
		switch (c) {
		case 'n':
			if (cli_gb_num(optarg, UINT16_MAX, &v) < 0)
				return cli_gb_fail_usage("--serial must be "
				    "0..65535, not %s", optarg);
			o->h.serial = (uint16_t)v;
			break;
		case 's':
		case 'd':
			if (cli_gb_num(optarg, (1ULL << 48) - 1, &v) < 0)
				return cli_gb_fail_usage("an address is a "
				    "number below 2^48, not %s", optarg);
			gb26875_addr_set(c == 's' ? o->h.source :
			    o->h.destination, v);
			break;
		case 't':
			if (cli_gb_time(optarg, &o->h.time) < 0)
				return cli_gb_fail_usage("--time: %s is not "
				    "YYYY-MM-DD HH:MM:SS, now or zero", optarg);
			break;
		case 'v':
			n = 0;
			if (sscanf(optarg, "%3u.%3u%n", &vm, &vu, &n) != 2 ||
			    optarg[n] != '\0' || vm > 255 || vu > 255)
				return cli_gb_fail_usage("--version must be "
				    "M.U (0..255 each), not %s", optarg);
			o->h.version_main = (uint8_t)vm;
			o->h.version_user = (uint8_t)vu;
			break;
		case 'r':
			need = GB_TAKES_REPLY;
			o->reply_to = optarg;
			break;
		case 'S':
			need = GB_TAKES_SET;
			if (cli_gb_time(optarg, &o->set) < 0 ||
			    o->set.kind != GB26875_TIME_BINARY)
				return cli_gb_fail_usage("--set: %s is not "
				    "YYYY-MM-DD HH:MM:SS or now", optarg);
			o->have_set = 1;
			break;
		case 'T':
			need = GB_TAKES_TIMEOUT;
			if (cli_gb_num(optarg, 255, &o->timeout) < 0 ||
			    o->timeout == 0)
				return cli_gb_fail_usage("--timeout must be "
				    "1..255 minutes, not %s", optarg);
			o->have_timeout = 1;
			break;
		case 'c':
			need = GB_TAKES_LOG;
			if (cli_gb_num(optarg, 255, &o->count) < 0)
				return cli_gb_fail_usage("--count must be "
				    "0..255, not %s", optarg);
			o->have_count = 1;
			break;
		case 'b':
			need = GB_TAKES_LOG;
			if (cli_gb_time(optarg, &o->start) < 0)
				return cli_gb_fail_usage("--start: %s is not "
				    "YYYY-MM-DD HH:MM:SS, now or zero", optarg);
			o->have_start = 1;
			break;
		case 'y':
		case 'm':
			need = c == 'y' ? GB_TAKES_SYSTEM : GB_TAKES_COMPONENT;
			if (o->nobj == GB26875_OBJ_MAX)
				return cli_gb_fail_usage("at most %d objects",
				    GB26875_OBJ_MAX);
			o->obj = xrealloc(o->obj, (o->nobj + 1) *
			    sizeof(*o->obj));
			if (cli_gb_ref(optarg, c == 'm', &o->obj[o->nobj]) < 0)
				return cli_gb_fail_usage(c == 'y' ?
				    "--system takes TYPE:ADDRESS (0..255 "
				    "each), not %s" : "--component takes "
				    "TYPE:ADDRESS:COMPONENT (0..255, 0..255, "
				    "0..2^32-1), not %s", optarg);
			o->nobj++;
			break;
		case 'h':
			cli_gb_usage(stdout);
			return -1;
		default:
			cli_gb_usage(stderr);
			return GB_EXIT_USAGE;
		}
		if (need && !(k->takes & need))
			return cli_gb_fail_usage("%s does not take that option",
			    k->name);
	}
	if (optind != argc)
		return cli_gb_fail_usage("unexpected argument %s",
		    argv[optind]);
	if ((k->takes & (GB_TAKES_SYSTEM | GB_TAKES_COMPONENT)) &&
	    o->nobj == 0)
		return cli_gb_fail_usage("%s needs --system or --component",
		    k->name);
	if ((k->takes & GB_TAKES_LOG) && (!o->have_count || !o->have_start))
		return cli_gb_fail_usage("%s needs --count and --start",
		    k->name);
	return 0;
}

/* The reply of kind k (confirm or deny) to --reply-to or the options. */
static int
cli_gb_reply(const struct cli_gb_kind *k, struct cli_gb_enc *o,
    unsigned char *out, size_t *len, struct err *e)
{
	struct gb26875_frame	*f = NULL;
	struct gb26875_header	 rx;
	struct buf		 bytes;
	int			 rc;

	buf_init(&bytes);
	if (o->reply_to == NULL) {
		/* The frame answered came from the device to us. */
		memset(&rx, 0, sizeof(rx));
		rx.serial = o->h.serial;
		rx.version_main = o->h.version_main;
		rx.version_user = o->h.version_user;
		memcpy(rx.source, o->h.destination, GB26875_ADDR_LEN);
		memcpy(rx.destination, o->h.source, GB26875_ADDR_LEN);
		rx.command = GB26875_CMD_SEND;
	} else if (cli_gb_input(o->reply_to, &bytes) < 0) {
		rc = err_set(e, ERR_TYPE, "reply-to", "--reply-to is not "
		    "an even number of hex digits");
		goto out;
	} else if (k->type == GB26875_CMD_CONFIRM) {
		/* Only a valid frame is confirmed. */
		f = xmalloc(sizeof(*f));
		if ((rc = gb26875_frame_parse(bytes.data, bytes.len, f, e)) < 0)
			goto out;
		rx = f->hdr;
	} else if ((rc = gb26875_header_peek(bytes.data, bytes.len, &rx,
	    e)) < 0)
		goto out;
	if (k->type == GB26875_CMD_CONFIRM)
		rc = gb26875_encode_confirm(&rx, &o->h.time, out,
		    GB26875_FRAME_MAX, len, e);
	else
		rc = gb26875_encode_deny(&rx, &o->h.time, out,
		    GB26875_FRAME_MAX, len, e);
out:
	free(f);
	buf_free(&bytes);
	return rc;
}

static int
cli_gb_encode(int argc, char **argv)
{
	const struct cli_gb_kind	*k;
	struct cli_gb_enc		 o;
	struct gb26875_object		 one;
	struct err			 e;
	unsigned char			 out[GB26875_FRAME_MAX];
	char				 hex[2 * GB26875_FRAME_MAX + 1];
	size_t				 len = 0, i;
	int				 rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			cli_gb_usage(stdout);
			return 0;
		}
		cli_gb_usage(stderr);
		return GB_EXIT_USAGE;
	}
	for (k = cli_gb_kinds; k->name != NULL; k++)
		if (strcmp(k->name, argv[1]) == 0)
			break;
	if (k->name == NULL)
		return cli_gb_fail_usage("unknown kind %s", argv[1]);
	memset(&o, 0, sizeof(o));
	err_clear(&e);
	o.h.version_main = 1;
	o.h.version_user = 1;
	gb26875_time_from_epoch(&o.h.time, (int64_t)time(NULL), NULL);
	if ((rc = cli_gb_encode_opts(argc - 1, argv + 1, k, &o)) != 0) {
		/* -1: --help was printed. */
		rc = rc < 0 ? 0 : rc;
		goto out;
	}
	memset(&one, 0, sizeof(one));
	if (k->takes & GB_TAKES_REPLY) {
		rc = cli_gb_reply(k, &o, out, &len, &e);
	} else if (k->takes & GB_TAKES_LOG) {
		if (k->takes & GB_TAKES_SYSTEM) {
			/* One request; --system gives its system. */
			if (o.nobj != 1) {
				rc = cli_gb_fail_usage("%s takes one --system",
				    k->name);
				goto out;
			}
			one.sys_log_req.sys_type = o.obj[0].sys_ref.sys_type;
			one.sys_log_req.sys_addr = o.obj[0].sys_ref.sys_addr;
			one.sys_log_req.count = (uint8_t)o.count;
			one.sys_log_req.start = o.start;
		} else {
			one.uitd_log_req.count = (uint8_t)o.count;
			one.uitd_log_req.start = o.start;
		}
		rc = gb26875_encode_command(&o.h, k->type, &one, 1, out,
		    sizeof(out), &len, &e);
	} else if (k->takes & (GB_TAKES_SYSTEM | GB_TAKES_COMPONENT)) {
		rc = gb26875_encode_command(&o.h, k->type, o.obj, o.nobj, out,
		    sizeof(out), &len, &e);
	} else {
		if (k->type == GB26875_SYNC_CLOCK)
			one.clock.time = o.have_set ? o.set : o.h.time;
		else if (k->type == GB26875_INSPECT)
			one.inspect.timeout_min = (uint8_t)(o.have_timeout ?
			    o.timeout : 10);
		rc = gb26875_encode_command(&o.h, k->type, &one, 1, out,
		    sizeof(out), &len, &e);
	}
	if (rc < 0) {
		fprintf(stderr, "firewarden: gb26875: %s: %s\n", e.field,
		    e.msg);
		rc = e.code == ERR_INVALID && k->takes & GB_TAKES_REPLY ?
		    GB_EXIT_CHECK : GB_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02X", out[i]);
	hex[2 * len] = '\0';
	puts(hex);
	rc = 0;
out:
	free(o.obj);
	return rc;
}

int
cli_gb26875(int argc, char **argv)
{
	if (argc < 2) {
		cli_gb_usage(stderr);
		return GB_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_gb_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "decode") == 0)
		return cli_gb_decode(argc - 1, argv + 1);
	if (strcmp(argv[1], "encode") == 0)
		return cli_gb_encode(argc - 1, argv + 1);
	return cli_gb_fail_usage("unknown command %s", argv[1]);
}
