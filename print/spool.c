/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Documents in memory files: the job a VM sends is spooled with a hard size limit before any
 * of it is used, and a result is only passed on once it is whole ("nothing half-written").
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "print.h"
#include "spool.h"

int print_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int print_spool_fd(int in, int out, uint64_t max, uint64_t *ret_len)
{
	static uint8_t buf[128 * 1024];
	uint64_t total = 0;
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		total += (uint64_t)n;
		if (total > max)
			return -EFBIG;
		int r = fd_write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	if (ret_len)
		*ret_len = total;
	return 0;
}

int print_copy_out(int from, int to)
{
	if (lseek(from, 0, SEEK_SET) < 0)
		return -errno;
	return print_spool_fd(from, to, UINT64_MAX, NULL);
}
