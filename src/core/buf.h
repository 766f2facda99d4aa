/*
 * A growable byte buffer, always NUL-terminated so that text can be used
 * as a C string.  Used for request bodies, responses and SQL building.
 */
#ifndef FW_BUF_H
#define FW_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *b);
void	 buf_reserve(struct buf *b, size_t extra);
void	 buf_add(struct buf *b, const void *p, size_t n);
void	 buf_adds(struct buf *b, const char *s);
void	 buf_addc(struct buf *b, char c);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *b);
/* Give the contents to the caller (who frees them) and reset b. */
char	*buf_release(struct buf *b);
void	 buf_free(struct buf *b);

#endif
