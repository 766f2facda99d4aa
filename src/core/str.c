/*
 * String helpers shared by every layer.  Nothing here allocates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "str.h"

void
str_hex(const unsigned char *p, size_t n, char *out)
{
	static const char	hx[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
str_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
str_unhex(const char *s, unsigned char *out, size_t n)
{
	size_t	i;
	int	hi, lo;

	if (strlen(s) != 2 * n)
		return ERR_INVALID;
	for (i = 0; i < n; i++) {
		hi = str_hexval(s[2 * i]);
		lo = str_hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return ERR_INVALID;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return ERR_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return ERR_INVALID;
	*out = v;
	return 0;
}

int
str_eq_ct(const char *a, const char *b)
{
	size_t		la = strlen(a), lb = strlen(b), i;
	unsigned char	d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int
str_utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s, *e = p + n;
	unsigned		 c, need, cp, min;

	while (p < e) {
		c = *p++;
		if (c == 0)
			return 0;
		if (c < 0x80)
			continue;
		if ((c & 0xe0) == 0xc0) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else
			return 0;
		if ((size_t)(e - p) < need)
			return 0;
		while (need--) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*p++ & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

size_t
str_utf8_len(const char *s)
{
	size_t	n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}
