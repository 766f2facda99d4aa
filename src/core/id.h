/*
 * Application-generated 64-bit identifiers: time-ordered, unique across
 * threads and (with distinct node numbers) across nodes.  Layout, most
 * significant first: 0 | 41 bits milliseconds since 2024-01-01 UTC |
 * 10 bits node | 12 bits sequence.  Positive, so they fit a signed BIGINT.
 */
#ifndef FW_ID_H
#define FW_ID_H

#include <stdint.h>

#define ID_NODE_MAX	1023

/* Set this process's node number (0..ID_NODE_MAX); default 0. */
void	id_set_node(int node);
/* Return a new id, strictly greater than every id this process returned. */
int64_t	id_next(void);

#endif
