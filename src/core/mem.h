/*
 * Allocation that never returns NULL: on exhaustion the process aborts,
 * as Redis and git do.  jansson is pointed at these functions at start-up
 * so that every allocation in the program follows the same policy.
 */
#ifndef FW_MEM_H
#define FW_MEM_H

#include <stddef.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t nmemb, size_t size);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* printf into a new string owned by the caller. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Overwrite n bytes at p with zeros in a way the compiler keeps. */
void	 mem_wipe(void *p, size_t n);
/* Wipe and free a NUL-terminated secret; accepts NULL. */
void	 mem_free_secret(char *s);

#endif
