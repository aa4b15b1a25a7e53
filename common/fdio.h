/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-buffer reads and writes: loops that survive EINTR and short transfers, because every
 * Bulkhead stream (a virtio-serial port, a socket, a pipe) may hand over bytes in any chunking.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read until n bytes or EOF. Returns bytes read (< n only at EOF), or -errno. */
ssize_t fd_read_full(int fd, void *buf, size_t n);
/* Read exactly n bytes: 0 on success, -EPIPE if EOF came first, or -errno. */
int fd_read_exact(int fd, void *buf, size_t n);
/* Write all n bytes: 0 or -errno (EAGAIN on a non-blocking fd waits with poll()). */
int fd_write_all(int fd, const void *buf, size_t n);

int fd_set_nonblock(int fd, bool nonblock);
int fd_set_cloexec(int fd, bool cloexec);
/* Move fd to a number >= 3 so it can never be mistaken for stdin/stdout/stderr. */
int fd_move_above_stdio(int fd);
/* An fd a parent passed on its command line ("--ready-fd 3"): a decimal number >= 3 that is
 * open here. It is made close-on-exec, so it goes no further than this process. 0 or -EBADF. */
int fd_parse_inherited(const char *arg, int *ret);
/* Replace path with data, atomically: a temporary file beside it, written and synced, then
 * renamed over it. A reader sees the old file or the new one, never a part. 0 or -errno. */
int fd_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Read a whole (small) file into a NUL-terminated buffer, refusing files over max bytes. */
int fd_read_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
