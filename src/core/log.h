/*
 * Logging to standard error.  Library layers (domain, store) log at debug
 * at most; the HTTP layer writes one JSON line per request.
 */
#ifndef FW_LOG_H
#define FW_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void	log_set_level(enum log_level l);
void	log_msg(enum log_level l, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Write one already-formatted line (e.g. the JSON access log) atomically. */
void	log_line(const char *line);

#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...)	log_msg(LOG_ERROR, __VA_ARGS__)

#endif
