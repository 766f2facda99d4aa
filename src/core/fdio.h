/*
 * Blocking descriptor I/O that the short counts and EINTR of write(2)
 * would otherwise make every caller loop over.
 */
#ifndef FW_FDIO_H
#define FW_FDIO_H

#include <stddef.h>

/* Write all of p[0..n) to fd: 0, or -1 with errno set. */
int	fd_write_all(int fd, const void *p, size_t n);

#endif
