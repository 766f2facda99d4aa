/*
 * Minimal leveled logging.  Each message is formatted into one buffer and
 * written with a single write(2) so lines from threads do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level	log_level = LOG_INFO;

void
log_set_level(enum log_level l)
{
	log_level = l;
}

void
log_msg(enum log_level l, const char *fmt, ...)
{
	static const char	*names[] = { "debug", "info", "warn", "error" };
	char			 line[1024];
	va_list			 ap;
	int			 n;

	if (l < log_level)
		return;
	n = snprintf(line, sizeof(line), "firewarden: %s: ", names[l]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void
log_line(const char *line)
{
	size_t	n = strlen(line);
	char	buf[4096];

	if (n + 1 < sizeof(buf)) {
		memcpy(buf, line, n);
		buf[n] = '\n';
		if (write(STDOUT_FILENO, buf, n + 1) < 0)
			return;
	} else {
		if (write(STDOUT_FILENO, line, n) < 0 ||
		    write(STDOUT_FILENO, "\n", 1) < 0)
			return;
	}
}
