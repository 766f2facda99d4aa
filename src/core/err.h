/*
 * Error codes and the error detail carried up the stack.  Functions return
 * 0 or a negative ERR_* code; the last parameter, a struct err *, receives
 * the offending field and a one-line message that is safe to show to a
 * client.  The catalogue lives in err.def.
 */
#ifndef FW_ERR_H
#define FW_ERR_H

enum err_pos {
#define E(sym, status, code, msg) sym##_POS,
#include "err.def"
#undef E
	ERR__COUNT
};

enum {
	ERR_OK = 0,
#define E(sym, status, code, msg) sym = -(sym##_POS + 1),
#include "err.def"
#undef E
};

#define ERR_FIELD_MAX	64
#define ERR_MSG_MAX	200

struct err {
	int	code;
	char	field[ERR_FIELD_MAX];
	char	msg[ERR_MSG_MAX];
};

/*
 * Record code, field (may be NULL) and a printf-style message (NULL for the
 * catalogue's default) in e, which may itself be NULL.  Returns code so that
 * callers can write `return err_set(e, ERR_INVALID, "login", NULL);`.
 */
int		 err_set(struct err *e, int code, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void		 err_clear(struct err *e);
int		 err_http_status(int code);
const char	*err_code_str(int code);
const char	*err_default_msg(int code);

#endif
