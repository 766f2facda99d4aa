/*
 * The bundle of a draw as JSON text (spec section 6): a writer with a
 * fixed layout and a strict reader made for it.  Both stream instead of
 * building a jansson tree: a bundle of two million candidates is
 * 150 MB of text, which jansson needs four seconds and two gigabytes to
 * load; this reader decodes it into one arena in a fraction of that.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "draw.h"
#include "draw_int.h"

#define DRAW_ARENA_CHUNK	(1 << 20)
#define DRAW_JSON_DEPTH		64	/* when only checking syntax */

/* --------------------------------------------------------------- writer */

/*
 * A JSON string as Python's json.dumps(ensure_ascii=False) writes it (so
 * that the reference script's bundles compare byte for byte): '"', '\' and
 * control characters escaped, everything else as it is.
 */
static void
draw_put_str(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s, *run = p;

	buf_addc(b, '"');
	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		buf_add(b, run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"':  buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\b': buf_adds(b, "\\b"); break;
		case '\f': buf_adds(b, "\\f"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default:   buf_printf(b, "\\u%04x", *p); break;
		}
	}
	buf_add(b, run, (size_t)(p - run));
	buf_addc(b, '"');
}

/* "  "name": [" + newline, or "  "name": []" when empty. */
static void
draw_put_list(struct buf *b, const char *name, size_t n)
{
	buf_printf(b, "  \"%s\": [%s", name, n ? "\n" : "");
}

static void
draw_put_row(struct buf *b, size_t i)
{
	buf_adds(b, i ? ",\n    " : "    ");
}

static void
draw_put_end(struct buf *b, size_t n, int last)
{
	buf_adds(b, n ? "\n  ]" : "]");
	buf_adds(b, last ? "\n" : ",\n");
}

void
draw_bundle_write(const struct draw_input *in, const struct draw_commit *c,
    const struct draw_result *r, int public, struct buf *b)
{
	const struct draw_canon	*k = c->canon;
	size_t			 i, j;

	public = public || in->withheld;
	buf_reserve(b, 96 * in->ncandidates + 160 * r->npicks + 4096);
	buf_adds(b, "{\n  \"version\": ");
	draw_put_str(b, DRAW_VERSION);
	buf_adds(b, ",\n  \"plan_id\": ");
	draw_put_str(b, in->plan_id);
	buf_adds(b, ",\n  \"beacon\": {\"source\": ");
	draw_put_str(b, in->beacon.source);
	buf_adds(b, ", \"round\": ");
	draw_put_str(b, in->beacon.round);
	buf_adds(b, ", \"value\": ");
	draw_put_str(b, in->beacon.value);
	buf_adds(b, "},\n");

	draw_put_list(b, "quotas", in->nquotas);
	for (i = 0; i < in->nquotas; i++) {
		const struct draw_quota	*q = &in->quotas[k->quota[i]];

		draw_put_row(b, i);
		buf_adds(b, "{\"stratum\": ");
		draw_put_str(b, q->stratum);
		buf_printf(b, ", \"count\": %lld}", (long long)q->count);
	}
	draw_put_end(b, in->nquotas, 0);
	draw_put_list(b, "team", in->nteam);
	for (i = 0; i < in->nteam; i++) {
		draw_put_row(b, i);
		buf_adds(b, "{\"department\": ");
		draw_put_str(b, in->team[i].department);
		buf_printf(b, ", \"count\": %lld}",
		    (long long)in->team[i].count);
	}
	draw_put_end(b, in->nteam, 0);
	buf_printf(b, "  \"max_load\": %lld,\n", (long long)in->max_load);

	draw_put_list(b, "candidates", in->ncandidates);
	for (i = 0; i < in->ncandidates; i++) {
		const struct draw_candidate	*p;

		p = &in->candidates[k->cand[i]];
		draw_put_row(b, i);
		buf_adds(b, "{\"id\": ");
		draw_put_str(b, p->id);
		buf_adds(b, ", \"stratum\": ");
		draw_put_str(b, p->stratum);
		buf_adds(b, ", \"area\": ");
		draw_put_str(b, p->area);
		buf_addc(b, '}');
	}
	draw_put_end(b, in->ncandidates, 0);
	if (public)
		buf_adds(b, "  \"inspectors\": null,\n"
		    "  \"conflicts\": null,\n");
	else {
		draw_put_list(b, "inspectors", in->ninspectors);
		for (i = 0; i < in->ninspectors; i++) {
			uint32_t			 ix = k->insp[i];
			const struct draw_inspector	*p;

			p = &in->inspectors[ix];
			draw_put_row(b, i);
			buf_adds(b, "{\"id\": ");
			draw_put_str(b, p->id);
			buf_adds(b, ", \"department\": ");
			draw_put_str(b, p->department);
			buf_adds(b, ", \"areas\": [");
			for (j = k->area_first[ix]; j < k->area_first[ix + 1];
			    j++) {
				if (j > k->area_first[ix])
					buf_adds(b, ", ");
				draw_put_str(b, p->areas[k->area[j]]);
			}
			buf_adds(b, "]}");
		}
		draw_put_end(b, in->ninspectors, 0);
		draw_put_list(b, "conflicts", k->npair);
		for (i = 0; i < k->npair; i++) {
			draw_put_row(b, i);
			buf_adds(b, "{\"inspector\": ");
			draw_put_str(b, in->inspectors[k->pair[i].insp].id);
			buf_adds(b, ", \"candidate\": ");
			draw_put_str(b, in->candidates[k->pair[i].cand].id);
			buf_addc(b, '}');
		}
		draw_put_end(b, k->npair, 0);
	}
	buf_printf(b, "  \"candidates_hash\": \"%s\",\n", c->candidates_hash);
	buf_printf(b, "  \"roster_hash\": \"%s\",\n", c->roster_hash);
	buf_printf(b, "  \"seed\": \"%s\",\n", r->seed_hex);

	draw_put_list(b, "selected", r->npicks);
	for (i = 0; i < r->npicks; i++) {
		const struct draw_pick	*p = &r->picks[i];
		char			 hex[DRAW_HEX_LEN + 1];

		draw_put_row(b, i);
		buf_adds(b, "{\"candidate\": ");
		draw_put_str(b, in->candidates[p->candidate].id);
		str_hex(p->key, DRAW_HASH_LEN, hex);
		buf_printf(b, ", \"key\": \"%s\", \"inspectors\": [", hex);
		for (j = 0; j < p->ninspectors; j++) {
			if (j > 0)
				buf_adds(b, ", ");
			draw_put_str(b,
			    in->inspectors[r->inspectors[p->first + j]].id);
		}
		buf_adds(b, "]}");
	}
	draw_put_end(b, r->npicks, 0);
	draw_put_list(b, "unassigned", r->nunassigned);
	for (i = 0, j = 0; i < r->npicks; i++) {
		if (!r->picks[i].unassigned)
			continue;
		draw_put_row(b, j++);
		draw_put_str(b, in->candidates[r->picks[i].candidate].id);
	}
	draw_put_end(b, r->nunassigned, 1);
	buf_adds(b, "}\n");
}

/* --------------------------------------------------------------- reader */

/* Strings and small arrays of a parsed bundle live in chunks. */
struct draw_chunk {
	struct draw_chunk	*next;
	size_t			 used;
	size_t			 size;		/* data follows the header */
};

struct draw_store {
	struct draw_chunk	 *chunks;
	struct draw_candidate	 *cand;
	size_t			  ncand, acand;
	struct draw_inspector	 *insp;
	size_t			  ninsp, ainsp;
	struct draw_conflict	 *confl;
	size_t			  nconfl, aconfl;
	struct draw_quota	 *quota;
	size_t			  nquota, aquota;
	struct draw_member	 *team;
	size_t			  nteam, ateam;
	struct draw_entry	 *sel;
	size_t			  nsel, asel;
	const char		**unas;
	size_t			  nunas;
};

struct draw_reader {
	const char		 *start;
	const char		 *p;
	const char		 *end;
	struct draw_store	 *st;		/* NULL: syntax check only */
	struct buf		  tmp;		/* a decoded key or string */
	const char		**vec;		/* strings of a list */
	size_t			  nvec, avec;
	struct err		 *e;
};

/* A field of an entry object and where its value goes. */
enum draw_kind {
	DRAW_STR,	/* const char ** */
	DRAW_INT,	/* int64_t * */
	DRAW_STRS,	/* struct draw_strs * */
};

struct draw_strs {
	const char	**v;
	size_t		  n;
};

struct draw_field {
	const char	*name;
	enum draw_kind	 kind;
	void		*dst;
};

static void *
draw_arena(struct draw_store *st, size_t n)
{
	struct draw_chunk	*c = st->chunks;
	void			*p;

	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->size - c->used < n) {
		size_t	size = n > DRAW_ARENA_CHUNK ? n : DRAW_ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + size);
		c->next = st->chunks;
		c->used = 0;
		c->size = size;
		st->chunks = c;
	}
	p = (char *)(c + 1) + c->used;
	c->used += n;
	return p;
}

/* Room for one more element in *v (of size bytes) holding n of *cap. */
static void *
draw_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 64;
	return xrealloc(v, *cap * size);
}

static void
draw_store_free(struct draw_store *st)
{
	struct draw_chunk	*c, *next;

	if (st == NULL)
		return;
	for (c = st->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(st->cand);
	free(st->insp);
	free(st->confl);
	free(st->quota);
	free(st->team);
	free(st->sel);
	free(st);
}

/* ERR_BAD_JSON at r->p, with its line and column. */
static int
rd_syntax(struct draw_reader *r, const char *what)
{
	const char	*q;
	int		 line = 1, col = 1;

	for (q = r->start; q < r->p && q < r->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	return err_set(r->e, ERR_BAD_JSON, "", "malformed JSON at line %d "
	    "column %d: %s", line, col, what);
}

/* The name of list[idx].field; idx SIZE_MAX for none, field may be NULL. */
static const char *
rd_path(char *f, const char *list, size_t idx, const char *field)
{
	if (idx == SIZE_MAX)
		snprintf(f, ERR_FIELD_MAX, "%s%s%s", list, field ? "." : "",
		    field ? field : "");
	else
		snprintf(f, ERR_FIELD_MAX, "%s[%zu]%s%s", list, idx,
		    field ? "." : "", field ? field : "");
	return f;
}

static int
rd_fail(struct draw_reader *r, int code, const char *list, size_t idx,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int
rd_fail(struct draw_reader *r, int code, const char *list, size_t idx,
    const char *field, const char *fmt, ...)
{
	char	f[ERR_FIELD_MAX], msg[ERR_MSG_MAX];
	va_list	ap;

	rd_path(f, list, idx, field);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(r->e, code, f, "%s: %s", f, msg);
}

static void
rd_ws(struct draw_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' ||
	    *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

/* The next byte after white space, or 0 at the end. */
static int
rd_peek(struct draw_reader *r)
{
	rd_ws(r);
	return r->p < r->end ? (unsigned char)*r->p : 0;
}

static int
rd_expect(struct draw_reader *r, char c, const char *what)
{
	if (rd_peek(r) != (unsigned char)c)
		return rd_syntax(r, what);
	r->p++;
	return 0;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629), or 0. */
static size_t
rd_utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned	lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;		/* beyond U+10FFFF */
	} else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static int
rd_hex4(const unsigned char *p, const unsigned char *end, unsigned *v)
{
	int	i, d;

	if (end - p < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

static void
rd_put_utf8(struct buf *b, unsigned cp)
{
	char	u[4];

	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

/* The escape after a backslash at *pp into tmp; 0 or ERR_BAD_JSON. */
static int
rd_escape(struct draw_reader *r, const unsigned char **pp,
    const unsigned char *end)
{
	const unsigned char	*p = *pp;
	unsigned		 cp, lo;

	if (p >= end)
		return rd_syntax(r, "unterminated string");
	switch (*p++) {
	case '"':  buf_addc(&r->tmp, '"'); break;
	case '\\': buf_addc(&r->tmp, '\\'); break;
	case '/':  buf_addc(&r->tmp, '/'); break;
	case 'b':  buf_addc(&r->tmp, '\b'); break;
	case 'f':  buf_addc(&r->tmp, '\f'); break;
	case 'n':  buf_addc(&r->tmp, '\n'); break;
	case 'r':  buf_addc(&r->tmp, '\r'); break;
	case 't':  buf_addc(&r->tmp, '\t'); break;
	case 'u':
		if (rd_hex4(p, end, &cp) < 0)
			return rd_syntax(r, "bad \\u escape");
		p += 4;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return rd_syntax(r, "lone surrogate in \\u escape");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
			    rd_hex4(p + 2, end, &lo) < 0 ||
			    lo < 0xdc00 || lo > 0xdfff)
				return rd_syntax(r, "lone surrogate in \\u "
				    "escape");
			p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (cp == 0)
			return rd_syntax(r, "\\u0000 is not allowed");
		rd_put_utf8(&r->tmp, cp);
		break;
	default:
		return rd_syntax(r, "bad escape in string");
	}
	*pp = p;
	return 0;
}

/*
 * The string at r->p (which is at its opening quote), decoded.  With keep
 * it is copied into the store and *out points there; otherwise *out is
 * r->tmp's text, valid until the next string.  ERR_BAD_JSON for bad
 * escapes, control characters or invalid UTF-8.
 */
static int
rd_string(struct draw_reader *r, int keep, const char **out, size_t *len)
{
	const unsigned char	*p = (const unsigned char *)r->p + 1;
	const unsigned char	*end = (const unsigned char *)r->end, *s = p;
	const char		*src;
	char			*dst;
	size_t			 n, u;
	int			 rc;

	/* Ids are plain ASCII: no decoding, one copy. */
	while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	if (p < end && *p == '"') {
		src = (const char *)s;
		n = (size_t)(p - s);
		r->p = (const char *)p + 1;
	} else {
		buf_reset(&r->tmp);
		buf_add(&r->tmp, s, (size_t)(p - s));
		for (;;) {
			if (p >= end) {
				r->p = r->end;
				return rd_syntax(r, "unterminated string");
			}
			if (*p == '"')
				break;
			r->p = (const char *)p;
			if (*p < 0x20)
				return rd_syntax(r, "control character in a "
				    "string");
			if (*p == '\\') {
				p++;
				if ((rc = rd_escape(r, &p, end)) < 0)
					return rc;
			} else if (*p < 0x80)
				buf_addc(&r->tmp, (char)*p++);
			else if ((u = rd_utf8(p, end)) == 0)
				return rd_syntax(r, "invalid UTF-8");
			else {
				buf_add(&r->tmp, p, u);
				p += u;
			}
		}
		r->p = (const char *)p + 1;
		src = r->tmp.data;
		n = r->tmp.len;
	}
	if (keep && r->st != NULL) {
		dst = draw_arena(r->st, n + 1);
		memcpy(dst, src, n);
		dst[n] = '\0';
		*out = dst;
	} else {
		if (src != r->tmp.data) {
			buf_reset(&r->tmp);
			buf_add(&r->tmp, src, n);
		}
		*out = r->tmp.data;
	}
	if (len != NULL)
		*len = n;
	return 0;
}

/*
 * A number (RFC 8259 grammar) at r->p.  *whole is 0 when it has a
 * fraction or exponent; *big when it is beyond int64.
 */
static int
rd_number(struct draw_reader *r, int64_t *v, int *whole, int *big)
{
	const char	*p = r->p, *end = r->end;
	uint64_t	 mag = 0, lim;
	int		 neg = 0;

	*whole = 1;
	*big = 0;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (p >= end || *p < '0' || *p > '9') {
		r->p = p;
		return rd_syntax(r, "malformed number");
	}
	if (*p == '0')
		p++;
	else
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			if (mag > (lim - (uint64_t)(*p - '0')) / 10)
				*big = 1;
			else
				mag = mag * 10 + (uint64_t)(*p - '0');
		}
	if (p < end && *p == '.') {
		*whole = 0;
		if (++p >= end || *p < '0' || *p > '9') {
			r->p = p;
			return rd_syntax(r, "malformed number");
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*whole = 0;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9') {
			r->p = p;
			return rd_syntax(r, "malformed number");
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	r->p = p;
	if (neg)
		*v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*v = (int64_t)mag;
	return 0;
}

static int
rd_literal(struct draw_reader *r, const char *word)
{
	size_t	n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return rd_syntax(r, "unexpected character");
	r->p += n;
	return 0;
}

/* Any value, checked for syntax only (the second pass, see parse). */
static int
rd_skip(struct draw_reader *r, int depth)
{
	const char	*s;
	int64_t		 v;
	int		 c, rc, whole, big;

	if (depth > DRAW_JSON_DEPTH)
		return rd_syntax(r, "nested too deeply");
	c = rd_peek(r);
	if (c == '"')
		return rd_string(r, 0, &s, NULL);
	if (c == '-' || (c >= '0' && c <= '9'))
		return rd_number(r, &v, &whole, &big);
	if (c == 't')
		return rd_literal(r, "true");
	if (c == 'f')
		return rd_literal(r, "false");
	if (c == 'n')
		return rd_literal(r, "null");
	if (c != '{' && c != '[')
		return rd_syntax(r, c ? "unexpected character" :
		    "unexpected end of text");
	r->p++;
	if (rd_peek(r) == (c == '{' ? '}' : ']')) {
		r->p++;
		return 0;
	}
	for (;;) {
		if (c == '{') {
			if (rd_peek(r) != '"')
				return rd_syntax(r, "expected a key");
			if ((rc = rd_string(r, 0, &s, NULL)) < 0 ||
			    (rc = rd_expect(r, ':', "expected ':'")) < 0)
				return rc;
		}
		if ((rc = rd_skip(r, depth + 1)) < 0)
			return rc;
		if (rd_peek(r) == ',') {
			r->p++;
			continue;
		}
		return rd_expect(r, c == '{' ? '}' : ']', c == '{' ?
		    "expected ',' or '}'" : "expected ',' or ']'");
	}
}

/* The type a value starts as, for messages. */
static const char *
rd_type_name(int c)
{
	switch (c) {
	case '"': return "a string";
	case '{': return "an object";
	case '[': return "a list";
	case 'n': return "null";
	case 't':
	case 'f': return "a boolean";
	default:  return "a number";
	}
}

static int
rd_str_value(struct draw_reader *r, const char **out, const char *list,
    size_t idx, const char *field)
{
	int	c = rd_peek(r);

	if (c != '"')
		return rd_fail(r, ERR_TYPE, list, idx, field, "must be a "
		    "string, not %s", rd_type_name(c));
	return rd_string(r, 1, out, NULL);
}

static int
rd_int_value(struct draw_reader *r, int64_t *out, const char *list,
    size_t idx, const char *field)
{
	int	c = rd_peek(r), rc, whole, big;

	if (c != '-' && (c < '0' || c > '9'))
		return rd_fail(r, ERR_TYPE, list, idx, field, "must be a whole "
		    "number, not %s", rd_type_name(c));
	if ((rc = rd_number(r, out, &whole, &big)) < 0)
		return rc;
	if (!whole)
		return rd_fail(r, ERR_TYPE, list, idx, field, "must be a whole "
		    "number");
	if (big)
		return rd_fail(r, ERR_RANGE, list, idx, field, "out of range");
	return 0;
}

/* A list of strings into the store; list[idx].field names it. */
static int
rd_strs_value(struct draw_reader *r, struct draw_strs *out, const char *list,
    size_t idx, const char *field)
{
	char	 f[ERR_FIELD_MAX];
	int	 c = rd_peek(r), rc;

	if (c != '[')
		return rd_fail(r, ERR_TYPE, list, idx, field, "must be a list, "
		    "not %s", rd_type_name(c));
	r->p++;
	r->nvec = 0;
	if (rd_peek(r) != ']')
		for (;;) {
			if (r->nvec == DRAW_LIST_MAX)
				return rd_fail(r, ERR_RANGE, list, idx, field,
				    "more than 10000000 entries");
			r->vec = draw_grow(r->vec, &r->avec, r->nvec,
			    sizeof(*r->vec));
			if ((c = rd_peek(r)) != '"') {
				rd_path(f, list, idx, field);
				return rd_fail(r, ERR_TYPE, f, r->nvec, NULL,
				    "must be a string, not %s",
				    rd_type_name(c));
			}
			if ((rc = rd_string(r, 1, &r->vec[r->nvec], NULL)) < 0)
				return rc;
			r->nvec++;
			if (rd_peek(r) != ',')
				break;
			r->p++;
		}
	if ((rc = rd_expect(r, ']', "expected ',' or ']'")) < 0)
		return rc;
	out->n = r->nvec;
	out->v = draw_arena(r->st, (r->nvec ? r->nvec : 1) * sizeof(*out->v));
	memcpy(out->v, r->vec, r->nvec * sizeof(*out->v));
	return 0;
}

/* An object with exactly the fields f[0..nf), in any order. */
static int
rd_object(struct draw_reader *r, struct draw_field *f, size_t nf,
    const char *list, size_t idx)
{
	const char	*key;
	unsigned	 seen = 0;
	size_t		 i, klen;
	int		 c = rd_peek(r), rc;

	if (c != '{')
		return rd_fail(r, ERR_TYPE, list, idx, NULL, "must be an "
		    "object, not %s", rd_type_name(c));
	r->p++;
	if (rd_peek(r) != '}')
		for (;;) {
			if (rd_peek(r) != '"')
				return rd_syntax(r, "expected a key");
			if ((rc = rd_string(r, 0, &key, &klen)) < 0)
				return rc;
			for (i = 0; i < nf; i++)
				if (strlen(f[i].name) == klen &&
				    memcmp(f[i].name, key, klen) == 0)
					break;
			if (i == nf)
				return rd_fail(r, ERR_UNKNOWN_FIELD, list, idx,
				    NULL, "unknown field \"%.40s\"", key);
			if (seen & 1u << i)
				return rd_fail(r, ERR_DUP_KEY, list, idx,
				    f[i].name, "duplicate key");
			seen |= 1u << i;
			if ((rc = rd_expect(r, ':', "expected ':'")) < 0)
				return rc;
			if (f[i].kind == DRAW_STR)
				rc = rd_str_value(r, f[i].dst, list, idx,
				    f[i].name);
			else if (f[i].kind == DRAW_INT)
				rc = rd_int_value(r, f[i].dst, list, idx,
				    f[i].name);
			else
				rc = rd_strs_value(r, f[i].dst, list, idx,
				    f[i].name);
			if (rc < 0)
				return rc;
			if (rd_peek(r) != ',')
				break;
			r->p++;
		}
	if ((rc = rd_expect(r, '}', "expected ',' or '}'")) < 0)
		return rc;
	for (i = 0; i < nf; i++)
		if (!(seen & 1u << i))
			return rd_fail(r, ERR_MISSING, list, idx, f[i].name,
			    "missing");
	return 0;
}

static int
rd_candidate(struct draw_reader *r, size_t i)
{
	struct draw_store	*st = r->st;
	struct draw_candidate	 c;
	struct draw_field	 f[] = {
		{ "id", DRAW_STR, &c.id },
		{ "stratum", DRAW_STR, &c.stratum },
		{ "area", DRAW_STR, &c.area },
	};
	int			 rc;

	if ((rc = rd_object(r, f, 3, "candidates", i)) < 0)
		return rc;
	st->cand = draw_grow(st->cand, &st->acand, st->ncand,
	    sizeof(*st->cand));
	st->cand[st->ncand++] = c;
	return 0;
}

static int
rd_inspector(struct draw_reader *r, size_t i)
{
	struct draw_store	*st = r->st;
	struct draw_inspector	 p;
	struct draw_strs	 areas;
	struct draw_field	 f[] = {
		{ "id", DRAW_STR, &p.id },
		{ "department", DRAW_STR, &p.department },
		{ "areas", DRAW_STRS, &areas },
	};
	int			 rc;

	if ((rc = rd_object(r, f, 3, "inspectors", i)) < 0)
		return rc;
	p.areas = areas.v;
	p.nareas = areas.n;
	st->insp = draw_grow(st->insp, &st->ainsp, st->ninsp,
	    sizeof(*st->insp));
	st->insp[st->ninsp++] = p;
	return 0;
}

static int
rd_conflict(struct draw_reader *r, size_t i)
{
	struct draw_store	*st = r->st;
	struct draw_conflict	 x;
	struct draw_field	 f[] = {
		{ "inspector", DRAW_STR, &x.inspector },
		{ "candidate", DRAW_STR, &x.candidate },
	};
	int			 rc;

	if ((rc = rd_object(r, f, 2, "conflicts", i)) < 0)
		return rc;
	st->confl = draw_grow(st->confl, &st->aconfl, st->nconfl,
	    sizeof(*st->confl));
	st->confl[st->nconfl++] = x;
	return 0;
}

static int
rd_quota(struct draw_reader *r, size_t i)
{
	struct draw_store	*st = r->st;
	struct draw_quota	 q;
	struct draw_field	 f[] = {
		{ "stratum", DRAW_STR, &q.stratum },
		{ "count", DRAW_INT, &q.count },
	};
	int			 rc;

	if ((rc = rd_object(r, f, 2, "quotas", i)) < 0)
		return rc;
	st->quota = draw_grow(st->quota, &st->aquota, st->nquota,
	    sizeof(*st->quota));
	st->quota[st->nquota++] = q;
	return 0;
}

static int
rd_member(struct draw_reader *r, size_t i)
{
	struct draw_store	*st = r->st;
	struct draw_member	 m;
	struct draw_field	 f[] = {
		{ "department", DRAW_STR, &m.department },
		{ "count", DRAW_INT, &m.count },
	};
	int			 rc;

	if ((rc = rd_object(r, f, 2, "team", i)) < 0)
		return rc;
	st->team = draw_grow(st->team, &st->ateam, st->nteam,
	    sizeof(*st->team));
	st->team[st->nteam++] = m;
	return 0;
}

static int
rd_entry(struct draw_reader *r, size_t i)
{
	struct draw_store	*st = r->st;
	struct draw_entry	 s;
	struct draw_strs	 insp;
	struct draw_field	 f[] = {
		{ "candidate", DRAW_STR, &s.candidate },
		{ "key", DRAW_STR, &s.key },
		{ "inspectors", DRAW_STRS, &insp },
	};
	int			 rc;

	if ((rc = rd_object(r, f, 3, "selected", i)) < 0)
		return rc;
	s.inspectors = insp.v;
	s.ninspectors = insp.n;
	st->sel = draw_grow(st->sel, &st->asel, st->nsel, sizeof(*st->sel));
	st->sel[st->nsel++] = s;
	return 0;
}

/* A list of objects, each read by item(r, index). */
static int
rd_list(struct draw_reader *r, const char *name,
    int (*item)(struct draw_reader *, size_t))
{
	size_t	n = 0;
	int	c = rd_peek(r), rc;

	if (c != '[')
		return rd_fail(r, ERR_TYPE, name, SIZE_MAX, NULL, "must be a "
		    "list, not %s", rd_type_name(c));
	r->p++;
	if (rd_peek(r) != ']')
		for (;;) {
			if (n == DRAW_LIST_MAX)
				return rd_fail(r, ERR_RANGE, name, SIZE_MAX,
				    NULL, "more than 10000000 entries");
			if ((rc = item(r, n++)) < 0)
				return rc;
			if (rd_peek(r) != ',')
				break;
			r->p++;
		}
	return rd_expect(r, ']', "expected ',' or ']'");
}

enum {
	TOP_VERSION, TOP_PLAN, TOP_BEACON, TOP_QUOTAS, TOP_TEAM, TOP_MAXLOAD,
	TOP_CANDIDATES, TOP_INSPECTORS, TOP_CONFLICTS,
	TOP_CHASH, TOP_RHASH, TOP_SEED, TOP_SELECTED, TOP_UNASSIGNED,
	TOP_COUNT
};

/* The top-level fields in the order of the spec; computed from TOP_CHASH. */
static const char *const	rd_top[TOP_COUNT] = {
	"version", "plan_id", "beacon", "quotas", "team", "max_load",
	"candidates", "inspectors", "conflicts",
	"candidates_hash", "roster_hash", "seed", "selected", "unassigned",
};

static int
rd_top_field(struct draw_reader *r, int f, struct draw_bundle *b,
    int *nulls)
{
	struct draw_strs	 un;
	struct draw_field	 beacon[] = {
		{ "source", DRAW_STR, &b->in.beacon.source },
		{ "round", DRAW_STR, &b->in.beacon.round },
		{ "value", DRAW_STR, &b->in.beacon.value },
	};
	int			 rc;

	switch (f) {
	case TOP_VERSION:
		return rd_str_value(r, &b->version, "version", SIZE_MAX, NULL);
	case TOP_PLAN:
		return rd_str_value(r, &b->in.plan_id, "plan_id", SIZE_MAX,
		    NULL);
	case TOP_BEACON:
		return rd_object(r, beacon, 3, "beacon", SIZE_MAX);
	case TOP_QUOTAS:
		return rd_list(r, "quotas", rd_quota);
	case TOP_TEAM:
		return rd_list(r, "team", rd_member);
	case TOP_MAXLOAD:
		return rd_int_value(r, &b->in.max_load, "max_load", SIZE_MAX,
		    NULL);
	case TOP_CANDIDATES:
		return rd_list(r, "candidates", rd_candidate);
	case TOP_INSPECTORS:
	case TOP_CONFLICTS:
		if (rd_peek(r) == 'n') {
			*nulls |= 1 << f;
			return rd_literal(r, "null");
		}
		return rd_list(r, rd_top[f], f == TOP_INSPECTORS ?
		    rd_inspector : rd_conflict);
	case TOP_CHASH:
		return rd_str_value(r, &b->candidates_hash, "candidates_hash",
		    SIZE_MAX, NULL);
	case TOP_RHASH:
		return rd_str_value(r, &b->roster_hash, "roster_hash",
		    SIZE_MAX, NULL);
	case TOP_SEED:
		return rd_str_value(r, &b->seed, "seed", SIZE_MAX, NULL);
	case TOP_SELECTED:
		return rd_list(r, "selected", rd_entry);
	default:
		if ((rc = rd_strs_value(r, &un, "unassigned", SIZE_MAX,
		    NULL)) < 0)
			return rc;
		b->unassigned = un.v;
		b->nunassigned = un.n;
		return 0;
	}
}

static int
rd_document(struct draw_reader *r, enum draw_parse_mode mode,
    struct draw_bundle *b)
{
	const char	*key;
	unsigned	 seen = 0;
	size_t		 klen;
	int		 f, nulls = 0, rc;

	if ((rc = rd_expect(r, '{', "expected '{'")) < 0)
		return rc;
	if (rd_peek(r) != '}')
		for (;;) {
			if (rd_peek(r) != '"')
				return rd_syntax(r, "expected a key");
			if ((rc = rd_string(r, 0, &key, &klen)) < 0)
				return rc;
			for (f = 0; f < TOP_COUNT; f++)
				if (strlen(rd_top[f]) == klen &&
				    memcmp(rd_top[f], key, klen) == 0)
					break;
			if (f == TOP_COUNT)
				return err_set(r->e, ERR_UNKNOWN_FIELD, "",
				    "unknown field \"%.40s\"", key);
			if (mode == DRAW_PARSE_INPUT && f >= TOP_CHASH)
				return err_set(r->e, ERR_UNKNOWN_FIELD,
				    rd_top[f], "%s: computed by the draw, not "
				    "an input", rd_top[f]);
			if (seen & 1u << f)
				return err_set(r->e, ERR_DUP_KEY, rd_top[f],
				    "%s: duplicate key", rd_top[f]);
			seen |= 1u << f;
			if ((rc = rd_expect(r, ':', "expected ':'")) < 0 ||
			    (rc = rd_top_field(r, f, b, &nulls)) < 0)
				return rc;
			if (rd_peek(r) != ',')
				break;
			r->p++;
		}
	if ((rc = rd_expect(r, '}', "expected ',' or '}'")) < 0)
		return rc;
	if (rd_peek(r) != 0)
		return rd_syntax(r, "text after the end of the bundle");
	for (f = 0; f < (mode == DRAW_PARSE_INPUT ? TOP_CHASH : TOP_COUNT);
	    f++)
		if (!(seen & 1u << f) && !(f == TOP_VERSION &&
		    mode == DRAW_PARSE_INPUT))
			return err_set(r->e, ERR_MISSING, rd_top[f],
			    "%s: missing", rd_top[f]);
	if (nulls != 0 && nulls != (1 << TOP_INSPECTORS | 1 << TOP_CONFLICTS))
		return err_set(r->e, ERR_INVALID, "inspectors", "inspectors "
		    "and conflicts must both be lists (a full bundle) or both "
		    "be null (a public bundle)");
	if (nulls != 0 && mode == DRAW_PARSE_INPUT)
		return err_set(r->e, ERR_INVALID, "inspectors", "inspectors: a "
		    "draw needs the full roster, not null");
	b->in.withheld = nulls != 0;
	return 0;
}

int
draw_bundle_parse(const char *p, size_t n, enum draw_parse_mode mode,
    struct draw_bundle **out, struct err *e)
{
	struct draw_bundle	*b = xcalloc(1, sizeof(*b));
	struct draw_store	*st = xcalloc(1, sizeof(*st));
	struct draw_reader	 r, r2;
	struct err		 e2;
	int			 rc;

	b->store = st;
	memset(&r, 0, sizeof(r));
	r.start = r.p = p;
	r.end = p + n;
	r.st = st;
	r.e = e;
	buf_init(&r.tmp);
	if ((rc = rd_document(&r, mode, b)) < 0 && rc != ERR_BAD_JSON) {
		/*
		 * The content was wrong somewhere; if the text is not JSON at
		 * all, say that instead (a truncated download, a wrong file).
		 */
		memset(&r2, 0, sizeof(r2));
		r2.start = r2.p = p;
		r2.end = p + n;
		r2.e = &e2;
		buf_init(&r2.tmp);
		err_clear(&e2);
		if (rd_skip(&r2, 0) < 0 || (rd_peek(&r2) != 0 &&
		    rd_syntax(&r2, "text after the end of the bundle") < 0)) {
			rc = ERR_BAD_JSON;
			if (e != NULL)
				*e = e2;
		}
		buf_free(&r2.tmp);
	}
	buf_free(&r.tmp);
	free(r.vec);
	if (rc < 0) {
		draw_bundle_free(b);
		return rc;
	}
	b->in.quotas = st->quota;
	b->in.nquotas = st->nquota;
	b->in.team = st->team;
	b->in.nteam = st->nteam;
	b->in.candidates = st->cand;
	b->in.ncandidates = st->ncand;
	b->in.inspectors = st->insp;
	b->in.ninspectors = st->ninsp;
	b->in.conflicts = st->confl;
	b->in.nconflicts = st->nconfl;
	b->in.roster_hash = b->in.withheld ? b->roster_hash : NULL;
	b->selected = st->sel;
	b->nselected = st->nsel;
	*out = b;
	return 0;
}

void
draw_bundle_free(struct draw_bundle *b)
{
	if (b == NULL)
		return;
	draw_store_free(b->store);
	free(b);
}
