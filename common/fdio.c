/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include <stdint.h>

#include "macro.h"

ssize_t fd_read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = read(fd, (char *)buf + done, n - done);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLIN };
				if (poll(&p, 1, -1) < 0 && errno != EINTR)
					return -errno;
				continue;
			}
			return -errno;
		}
		if (k == 0)
			break;
		done += (size_t)k;
	}
	return (ssize_t)done;
}

int fd_read_exact(int fd, void *buf, size_t n)
{
	ssize_t k = fd_read_full(fd, buf, n);

	if (k < 0)
		return (int)k;
	return (size_t)k == n ? 0 : -EPIPE;
}

int fd_write_all(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(fd, (const char *)buf + done, n - done);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				if (poll(&p, 1, -1) < 0 && errno != EINTR)
					return -errno;
				continue;
			}
			return -errno;
		}
		done += (size_t)k;
	}
	return 0;
}

static int fd_update_flags(int fd, int get, int set, int flag, bool on)
{
	int flags = fcntl(fd, get);

	if (flags < 0)
		return -errno;
	int nflags = on ? flags | flag : flags & ~flag;
	if (nflags != flags && fcntl(fd, set, nflags) < 0)
		return -errno;
	return 0;
}

int fd_set_nonblock(int fd, bool nonblock)
{
	return fd_update_flags(fd, F_GETFL, F_SETFL, O_NONBLOCK, nonblock);
}

int fd_set_cloexec(int fd, bool cloexec)
{
	return fd_update_flags(fd, F_GETFD, F_SETFD, FD_CLOEXEC, cloexec);
}

int fd_move_above_stdio(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (copy < 0)
		return -errno;
	close(fd);
	return copy;
}

int fd_parse_inherited(const char *arg, int *ret)
{
	char *end;
	long fd;

	errno = 0;
	fd = strtol(arg, &end, 10);
	if (errno || end == arg || *end || fd < 3 || fd > INT_MAX || fcntl((int)fd, F_GETFD) < 0)
		return -EBADF;
	if (fd_set_cloexec((int)fd, true) < 0)
		return -EBADF;
	*ret = (int)fd;
	return 0;
}

int fd_read_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if ((uint64_t)st.st_size > max)
		return -EFBIG;

	/* The buffer fits what fstat() said, plus one byte that notices a file which has grown
	 * since; that one is read on up to max+1 bytes, so it is still caught as too big. Sizing
	 * every buffer to max instead made a policy with thousands of includes map a megabyte
	 * per file. */
	size_t want = (size_t)st.st_size + 1;
	buf = malloc(want + 1);
	if (!buf)
		return -ENOMEM;
	ssize_t k = fd_read_full(fd, buf, want);
	if (k == (ssize_t)want && want <= max) {
		char *grown = realloc(buf, max + 2);
		if (!grown)
			return -ENOMEM;
		buf = grown;
		ssize_t more = fd_read_full(fd, buf + k, max + 1 - (size_t)k);
		k = more < 0 ? more : k + more;
	}
	if (k < 0)
		return (int)k;
	if ((size_t)k > max)
		return -EFBIG;
	buf[k] = '\0';
	if (ret_len)
		*ret_len = (size_t)k;
	*ret = TAKE_PTR(buf);
	return 0;
}

int fd_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[4096];
	int r = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp) ? -ENAMETOOLONG
										  : 0;
	_cleanup_close_ int fd = r < 0 ? -1 : mkostemp(tmp, O_CLOEXEC);

	if (r < 0 || fd < 0)
		return r < 0 ? r : -errno;
	r = fd_write_all(fd, data, len);
	if (r >= 0 && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}
