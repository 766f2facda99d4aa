/*
 * Small string helpers: hex, decimal parsing with range checks, and
 * constant-time comparison.
 */
#ifndef FW_STR_H
#define FW_STR_H

#include <stddef.h>
#include <stdint.h>

/* Write 2n lowercase hex digits and a NUL into out (size >= 2n+1). */
void	 str_hex(const unsigned char *p, size_t n, char *out);
/* Parse exactly 2n hex digits into out; 0 or ERR_INVALID. */
int	 str_unhex(const char *s, unsigned char *out, size_t n);
/* Parse a whole decimal int64 in [min, max]; 0 or ERR_INVALID. */
int	 str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Compare two strings in time independent of where they differ. */
int	 str_eq_ct(const char *a, const char *b);
/* 1 if s is valid UTF-8 without NUL bytes, else 0. */
int	 str_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s. */
size_t	 str_utf8_len(const char *s);

#endif
