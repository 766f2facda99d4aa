/*
 * jansson glue.  Duplicate keys are rejected by jansson itself with
 * JSON_REJECT_DUPLICATES; depth is checked after parsing because
 * jansson 2.14's own limit is a compile-time constant of 2048.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jx.h"
#include "mem.h"
#include "str.h"

void
jx_init(void)
{
	json_set_alloc_funcs(xmalloc, free);
}

static int
jx_depth_ok(const json_t *j, int depth)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	if (depth > JX_MAX_DEPTH)
		return 0;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)(uintptr_t)j, k, v)
			if (!jx_depth_ok(v, depth + 1))
				return 0;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (!jx_depth_ok(v, depth + 1))
				return 0;
	}
	return 1;
}

int
jx_parse_body(const char *p, size_t n, json_t **out, struct err *e)
{
	json_error_t	 je;
	json_t		*j;
	const char	*q;

	j = json_loadb(p, n, JSON_REJECT_DUPLICATES,
	    &je);
	if (j == NULL) {
		if (strstr(je.text, "duplicate object key") != NULL) {
			/* jansson says: duplicate object key near '"name"' */
			char	 key[ERR_FIELD_MAX];
			size_t	 kl;

			key[0] = '\0';
			if ((q = strstr(je.text, "near '\"")) != NULL) {
				q += 7;
				kl = strcspn(q, "\"");
				if (kl >= sizeof(key))
					kl = sizeof(key) - 1;
				memcpy(key, q, kl);
				key[kl] = '\0';
			}
			return err_set(e, ERR_DUP_KEY, key, "duplicate key %s in "
			    "JSON object", key);
		}
		return err_set(e, ERR_BAD_JSON, "",
		    "malformed JSON at line %d column %d", je.line, je.column);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, ERR_BAD_JSON, "", "body must be a JSON object");
	}
	if (!jx_depth_ok(j, 1)) {
		json_decref(j);
		return err_set(e, ERR_BAD_JSON, "", "JSON nested too deeply");
	}
	*out = j;
	return 0;
}

/*
 * Serialisation.  jansson's json_dumps() goes through a callback per
 * fragment and allocates for key sorting; on a unit read it cost as much
 * as the database.  This writer appends straight to a buf and produces
 * exactly json_dumps()'s compact output (JSON_COMPACT, with
 * JSON_SORT_KEYS for the canonical form): the same escapes (\" \\ \b \f
 * \n \r \t, other controls as \u00XX in upper-case hex, nothing else),
 * integers in decimal, reals left to jansson itself.  The unit tests
 * compare the two on generated documents, so a stored audit state hash
 * never depends on which writer made it.
 */

/* Bytes that must be escaped inside a JSON string (as jansson does). */
static int
jx_needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

static void
jx_write_string(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, run = 0;
	char			 esc[6];

	/* Most strings need no escape: one copy. */
	for (i = 0; i < n && !jx_needs_escape(p[i]); i++)
		;
	buf_reserve(b, n + 2);
	b->data[b->len++] = '"';
	memcpy(b->data + b->len, s, i);
	b->len += i;
	if (i == n) {
		b->data[b->len++] = '"';
		b->data[b->len] = '\0';
		return;
	}
	b->data[b->len] = '\0';
	run = i;
	for (; i < n; i++) {
		unsigned char	c = p[i];
		const char	*t;

		if (!jx_needs_escape(c))
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': t = "\\\""; break;
		case '\\': t = "\\\\"; break;
		case '\b': t = "\\b"; break;
		case '\f': t = "\\f"; break;
		case '\n': t = "\\n"; break;
		case '\r': t = "\\r"; break;
		case '\t': t = "\\t"; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			buf_add(b, esc, 6);
			continue;
		}
		buf_add(b, t, 2);
	}
	buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

/* v in decimal into out (at least 21 bytes), as "%lld"; the length. */
static size_t
jx_itoa(char *out, int64_t v)
{
	char		 tmp[24], *p = tmp + sizeof(tmp);
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t		 n;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(out, p, n);
	return n;
}

void
jx_put_int(struct buf *b, int64_t v)
{
	char	tmp[24];

	buf_add(b, tmp, jx_itoa(tmp, v));
}

void
jx_put_key(struct buf *b, const char *key)
{
	size_t	n = strlen(key);
	char	last = b->len > 0 ? b->data[b->len - 1] : '{';

	buf_reserve(b, n + 4);
	if (last != '{' && last != '[')
		b->data[b->len++] = ',';
	b->data[b->len++] = '"';
	memcpy(b->data + b->len, key, n);
	b->len += n;
	b->data[b->len++] = '"';
	b->data[b->len++] = ':';
	b->data[b->len] = '\0';
}

void
jx_put_strn(struct buf *b, const char *s, size_t n)
{
	if (s == NULL || !str_utf8_valid(s, n))
		buf_add(b, "null", 4);
	else
		jx_write_string(b, s, n);
}

void
jx_put_str(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_add(b, "null", 4);
	else
		jx_put_strn(b, s, strlen(s));
}

void
jx_put_id(struct buf *b, int64_t id, int zero_null)
{
	char	tmp[26];
	size_t	n;

	if (id == 0 && zero_null) {
		buf_add(b, "null", 4);
		return;
	}
	tmp[0] = '"';
	n = jx_itoa(tmp + 1, id);
	tmp[n + 1] = '"';
	buf_add(b, tmp, n + 2);
}

void
jx_put_bool(struct buf *b, int v)
{
	if (v)
		buf_add(b, "true", 4);
	else
		buf_add(b, "false", 5);
}

struct jx_kv {
	const char	*k;
	size_t		 kn;
	json_t		*v;
};

static int
jx_kv_cmp(const void *a, const void *b)
{
	const struct jx_kv	*x = a, *y = b;
	size_t			 n = x->kn < y->kn ? x->kn : y->kn;
	int			 c = memcmp(x->k, y->k, n);

	if (c != 0)
		return c;
	return x->kn < y->kn ? -1 : x->kn > y->kn;
}

static void
jx_write(struct buf *b, const json_t *j, int sorted)
{
	struct jx_kv	 small[16], *kv;
	const char	*k;
	json_t		*v;
	size_t		 i, n, kn;
	char		*r;
	void		*it;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		buf_addc(b, '{');
		n = json_object_size(j);
		if (!sorted || n < 2) {
			i = 0;
			json_object_keylen_foreach((json_t *)(uintptr_t)j, k, kn,
			    v) {
				if (i++ > 0)
					buf_addc(b, ',');
				jx_write_string(b, k, kn);
				buf_addc(b, ':');
				jx_write(b, v, sorted);
			}
			buf_addc(b, '}');
			break;
		}
		kv = n <= 16 ? small : xcalloc(n, sizeof(*kv));
		i = 0;
		for (it = json_object_iter((json_t *)(uintptr_t)j);
		    it != NULL && i < n;
		    it = json_object_iter_next((json_t *)(uintptr_t)j, it)) {
			kv[i].k = json_object_iter_key(it);
			kv[i].kn = json_object_iter_key_len(it);
			kv[i].v = json_object_iter_value(it);
			i++;
		}
		qsort(kv, i, sizeof(*kv), jx_kv_cmp);
		for (n = i, i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(b, ',');
			jx_write_string(b, kv[i].k, kv[i].kn);
			buf_addc(b, ':');
			jx_write(b, kv[i].v, sorted);
		}
		if (kv != small)
			free(kv);
		buf_addc(b, '}');
		break;
	case JSON_ARRAY:
		buf_addc(b, '[');
		n = json_array_size(j);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(b, ',');
			jx_write(b, json_array_get(j, i), sorted);
		}
		buf_addc(b, ']');
		break;
	case JSON_STRING:
		jx_write_string(b, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		jx_put_int(b, (int64_t)json_integer_value(j));
		break;
	case JSON_REAL:
		if ((r = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
			buf_adds(b, r);
			free(r);
		} else
			buf_adds(b, "null");
		break;
	case JSON_TRUE:
		buf_adds(b, "true");
		break;
	case JSON_FALSE:
		buf_adds(b, "false");
		break;
	default:
		buf_adds(b, "null");
		break;
	}
}

void
jx_append(struct buf *b, const json_t *j, int sorted)
{
	if (j == NULL)
		buf_adds(b, "null");
	else
		jx_write(b, j, sorted);
}

char *
jx_canonical(const json_t *j)
{
	struct buf	b;

	buf_init(&b);
	jx_append(&b, j, 1);
	return buf_release(&b);
}

char *
jx_dump(const json_t *j)
{
	struct buf	b;

	buf_init(&b);
	jx_append(&b, j, 0);
	return buf_release(&b);
}

json_t *
jx_id(int64_t id)
{
	char	tmp[24];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	return json_string(tmp);
}

json_t *
jx_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}
