/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small language helpers every Bulkhead file uses: scoped cleanup and ownership transfer.
 *
 * Ownership rule: a variable declared _cleanup_free_ / _cleanup_close_ owns what it holds;
 * TAKE_PTR()/TAKE_FD() hand that ownership to the caller (or a struct) and leave the variable
 * empty, so the cleanup at scope exit does nothing.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _warn_unused_result_ __attribute__((warn_unused_result))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* close() that keeps errno, so cleanup never hides the error a caller is about to report. */
static inline int close_nointr_keep_errno(int fd)
{
	int saved = errno;
	int r = fd >= 0 ? close(fd) : 0;
	errno = saved;
	return r;
}

static inline void closep(int *fd)
{
	close_nointr_keep_errno(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Define "static inline void fooptr(T **p)" calling foo(*p) when non-NULL, for _cleanup_(). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
	static inline void func##p(type *p)     \
	{                                       \
		if (*p)                         \
			func(*p);               \
	}

#define TAKE_PTR(ptr)                           \
	({                                      \
		__typeof__(ptr) _taken = (ptr); \
		(ptr) = NULL;                   \
		_taken;                         \
	})

#define TAKE_FD(fd)                \
	({                         \
		int _taken = (fd); \
		(fd) = -1;         \
		_taken;            \
	})

/* Close an fd held in a variable and mark it closed; returns -1 for "fd = safe_close(fd)". */
static inline int safe_close(int fd)
{
	close_nointr_keep_errno(fd);
	return -1;
}

/* Negative errno from a libc call that failed with errno set (never returns 0). */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}
