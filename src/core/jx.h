/*
 * jansson helpers: strict parsing of request bodies (duplicate keys
 * rejected, depth limited), canonical serialisation (compact, keys
 * sorted) for audit state hashes, and small accessors.  Named jx_ so as
 * not to collide with jansson's json_ prefix.
 */
#ifndef FW_JX_H
#define FW_JX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

#define JX_MAX_DEPTH	16

/* Route jansson's allocations through xmalloc; call once at start-up. */
void	 jx_init(void);
/*
 * Parse a request body: valid UTF-8 JSON object, no duplicate keys, depth
 * <= JX_MAX_DEPTH.  On failure ERR_BAD_JSON / ERR_DUP_KEY naming the
 * position or key.
 */
int	 jx_parse_body(const char *p, size_t n, json_t **out, struct err *e);
/* Compact JSON with keys sorted; new string owned by the caller. */
char	*jx_canonical(const json_t *j);
/* Compact JSON in insertion order; new string owned by the caller. */
char	*jx_dump(const json_t *j);
struct buf;
/*
 * Append j as compact JSON to b, keys sorted when sorted != 0; byte for
 * byte what jx_canonical() / jx_dump() return (NULL appends "null").
 */
void	 jx_append(struct buf *b, const json_t *j, int sorted);
/*
 * Writing compact JSON straight into a buf, for hot read paths that would
 * otherwise build a json_t only to serialise it: the bytes are exactly
 * what jx_dump() gives for the equivalent json_t.  The caller writes the
 * braces and brackets; jx_put_key() adds the comma unless the value is
 * the first inside its object or array.
 */
/* ,"key": (no comma right after '{' or '['); key needs no escaping. */
void	 jx_put_key(struct buf *b, const char *key);
/* s[0..n) as a JSON string; null if s is NULL or not valid UTF-8 (as
 * json_stringn() would refuse it). */
void	 jx_put_strn(struct buf *b, const char *s, size_t n);
/* NUL-terminated s as jx_put_strn(); NULL gives null. */
void	 jx_put_str(struct buf *b, const char *s);
/* An integer in decimal. */
void	 jx_put_int(struct buf *b, int64_t v);
/* An id as the JSON string it travels as (jx_id()), or null for 0 when
 * zero_null. */
void	 jx_put_id(struct buf *b, int64_t id, int zero_null);
/* true / false. */
void	 jx_put_bool(struct buf *b, int v);
/* An id (int64) as the JSON string it travels as. */
json_t	*jx_id(int64_t id);
/* String or JSON null for NULL. */
json_t	*jx_str_or_null(const char *s);

#endif
