/*
 * The error catalogue turned into lookup tables, and err_set().  The HTTP
 * layer uses err_http_status() and err_code_str() to render the error
 * envelope; nothing else needs to know the mapping.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

static const struct {
	int		 status;
	const char	*code;
	const char	*msg;
} err_tab[] = {
#define E(sym, status, code, msg) { status, code, msg },
#include "err.def"
#undef E
};

static int
err_pos(int code)
{
	int	pos = -code - 1;

	if (pos < 0 || pos >= ERR__COUNT)
		return ERR_INTERNAL_POS;
	return pos;
}

int
err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
	va_list	ap;

	if (e == NULL)
		return code;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	if (fmt == NULL) {
		snprintf(e->msg, sizeof(e->msg), "%s", err_default_msg(code));
	} else {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void
err_clear(struct err *e)
{
	if (e != NULL)
		memset(e, 0, sizeof(*e));
}

int
err_http_status(int code)
{
	return code == 0 ? 200 : err_tab[err_pos(code)].status;
}

const char *
err_code_str(int code)
{
	return code == 0 ? "ok" : err_tab[err_pos(code)].code;
}

const char *
err_default_msg(int code)
{
	return code == 0 ? "ok" : err_tab[err_pos(code)].msg;
}
