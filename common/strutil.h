/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded string helpers: nothing here writes past the size it is given. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

/* Copy src into dst (size bytes); -ENAMETOOLONG if it does not fit (dst is then "" ). */
int str_copy(char *dst, size_t size, const char *src);
/* snprintf that fails with -ENOBUFS instead of truncating (dst is then ""). */
int str_printf(char *dst, size_t size, const char *fmt, ...) _printf_(3, 4);
/* asprintf that returns NULL on failure. */
char *str_new_printf(const char *fmt, ...) _printf_(1, 2);
/* A NUL-terminated copy of len bytes that need not be a C string (unlike strndup, which may
 * look for a NUL past len). NULL when out of memory. */
char *str_from_mem(const void *data, size_t len);
/* Pointer just past prefix if s starts with it, else NULL. */
const char *str_startswith(const char *s, const char *prefix);
bool str_endswith(const char *s, const char *suffix);
bool streq_ptr(const char *a, const char *b);
/* strnlen bounded memchr-based check: true if data[0..len) holds a NUL. */
bool mem_has_nul(const void *data, size_t len);

/* Valid UTF-8 (no overlongs, surrogates or code points over U+10FFFF). */
bool utf8_is_valid(const void *data, size_t len);
/* Decode one code point; returns its length (1-4) or -1 if invalid. */
int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);

/* Escape bytes for display: printable ASCII as is, \n \t \\ \" as such, others as \xNN.
 * Writes at most dstsize bytes including the NUL; if the escape would not fit, it ends with
 * "..." instead. Returns dst. */
char *str_escape(char *dst, size_t dstsize, const void *src, size_t srclen);

static inline bool streq(const char *a, const char *b)
{
	return __builtin_strcmp(a, b) == 0;
}
