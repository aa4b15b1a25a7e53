/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

int str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return -ENAMETOOLONG;
	if (n >= size) {
		dst[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int str_printf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			dst[0] = '\0';
		return -ENOBUFS;
	}
	return n;
}

char *str_new_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

char *str_from_mem(const void *data, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

const char *str_startswith(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

bool str_endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return streq(a, b);
}

bool mem_has_nul(const void *data, size_t len)
{
	return memchr(data, '\0', len) != NULL;
}

int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	static const uint32_t min_for_len[] = { 0, 0, 0x80, 0x800, 0x10000 };
	int n;
	uint32_t c;

	if (len == 0)
		return -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07;
	else
		return -1;
	if ((size_t)n > len)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values past Unicode are all invalid. */
	if (c < min_for_len[n] || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return -1;
	*cp = c;
	return n;
}

bool utf8_is_valid(const void *data, size_t len)
{
	const uint8_t *s = data;
	uint32_t cp;

	for (size_t i = 0; i < len;) {
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

/* The escape of one byte into out (at most 4 chars + NUL); returns its length. */
static int escape_byte(char out[static 5], uint8_t c)
{
	switch (c) {
	case '\n':
		return snprintf(out, 5, "\\n");
	case '\t':
		return snprintf(out, 5, "\\t");
	case '\\':
		return snprintf(out, 5, "\\\\");
	case '"':
		return snprintf(out, 5, "\\\"");
	default:
		if (c >= 0x20 && c < 0x7f)
			return snprintf(out, 5, "%c", c);
		return snprintf(out, 5, "\\x%02x", c);
	}
}

static size_t escaped_length(const uint8_t *s, size_t len)
{
	char e[5];
	size_t total = 0;

	for (size_t i = 0; i < len; i++)
		total += (size_t)escape_byte(e, s[i]);
	return total;
}

char *str_escape(char *dst, size_t dstsize, const void *src, size_t srclen)
{
	const uint8_t *s = src;
	bool fits = escaped_length(s, srclen) < dstsize;
	/* When it does not fit, stop early enough to leave room for "..." and the NUL. */
	size_t limit = fits ? dstsize : (dstsize > 4 ? dstsize - 4 : 0);
	size_t used = 0;

	if (dstsize == 0)
		return dst;
	for (size_t i = 0; i < srclen; i++) {
		char e[5];
		size_t n = (size_t)escape_byte(e, s[i]);
		if (used + n + (fits ? 1 : 0) > limit)
			break;
		memcpy(dst + used, e, n);
		used += n;
	}
	dst[used] = '\0';
	if (!fits && dstsize >= 4)
		memcpy(dst + used, "...", 4);
	return dst;
}
