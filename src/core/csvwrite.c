/*
 * CSV output shared by the exports (registry, inspection directories):
 * see csvwrite.h.
 */
#include <string.h>

#include "csvwrite.h"

void
csvw_cell(struct buf *b, const char *s)
{
	const char	*p;
	int		 quote, guard;

	if (s == NULL)
		s = "";
	guard = *s == '=' || *s == '+' || *s == '-' || *s == '@' ||
	    *s == '\t' || *s == '\r';
	quote = guard || strpbrk(s, ",\"\r\n") != NULL || *s == ' ' ||
	    (*s != '\0' && s[strlen(s) - 1] == ' ');
	if (!quote) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	if (guard)
		buf_addc(b, '\'');
	for (p = s; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

void
csvw_row(struct buf *b, const char *const *cells, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		csvw_cell(b, cells[i]);
	}
	buf_adds(b, "\r\n");
}
