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
/* An id (int64) as the JSON string it travels as. */
json_t	*jx_id(int64_t id);
/* String or JSON null for NULL. */
json_t	*jx_str_or_null(const char *s);

#endif
