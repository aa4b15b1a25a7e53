/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small TAP emitter for Bulkhead's tests (meson runs them with protocol 'tap').
 *
 *   int main(void) {
 *           ok(1 + 1 == 2, "arithmetic");
 *           is_int(f(), 0, "f succeeds");
 *           return tap_done();
 *   }
 *
 * Plans come at the end ("1..N" after the last test), so a test need not count its cases.
 * tap_skip_all() prints "1..0 # SKIP reason" and exits 77: meson reports a skip, never a pass.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 2, 3), unused)) static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 1, 2), unused)) static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define is_int(got, want, ...)                                                                    \
	({                                                                                        \
		long long _g = (long long)(got), _w = (long long)(want);                          \
		bool _r = ok(_g == _w, __VA_ARGS__);                                              \
		if (!_r)                                                                          \
			diag("  got: %lld, expected: %lld  (%s:%d)", _g, _w, __FILE__, __LINE__); \
		_r;                                                                               \
	})

#define is_str(got, want, ...)                                                               \
	({                                                                                   \
		const char *_g = (got), *_w = (want);                                        \
		bool _r = ok(_g && _w ? strcmp(_g, _w) == 0 : _g == _w, __VA_ARGS__);        \
		if (!_r)                                                                     \
			diag("  got: \"%s\", expected: \"%s\"  (%s:%d)", _g ? _g : "(null)", \
			     _w ? _w : "(null)", __FILE__, __LINE__);                        \
		_r;                                                                          \
	})

__attribute__((noreturn, unused)) static void tap_skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	fflush(stdout);
	exit(77);
}

__attribute__((noreturn, unused)) static void tap_bail_out(const char *reason)
{
	printf("Bail out! %s\n", reason);
	fflush(stdout);
	exit(99);
}

__attribute__((unused)) static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		diag("%d of %d tests failed", tap_failed, tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}
