/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's write: the declared number of bytes from the call's stream into the file the
 * user chose, by file copy's rules (filecopy_atomic_*: unnamed until whole, never replacing
 * what the user did not agree to replace).
 *
 * Trust: the bytes are the source VM's and are only copied, never interpreted. The declared
 * size was checked against the limits before the dialog was shown; here it is checked against
 * the free space before the first byte, and the stream must end exactly where it said.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "savefile.h"

#define COPY_BUFSIZE (1024 * 1024)

static int check_space(int fd, uint64_t size)
{
	struct statvfs sv;

	if (fstatvfs(fd, &sv) < 0)
		return -errno;
	if (sv.f_frsize && size / sv.f_frsize >= sv.f_bavail)
		return -ENOSPC;
	return 0;
}

/* Exactly size bytes, then EOF. */
static int copy_exact(int in_fd, int out_fd, uint64_t size, uint64_t *got)
{
	_cleanup_free_ uint8_t *buf = malloc(COPY_BUFSIZE);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (*got = 0; *got < size; *got += (uint64_t)n) {
		n = fd_read_full(in_fd, buf, (size_t)MIN((uint64_t)COPY_BUFSIZE, size - *got));
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPIPE;
		int r = fd_write_all(out_fd, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	/* One byte more than declared is a lie about the size: nothing is kept. */
	n = fd_read_full(in_fd, buf, 1);
	return n < 0 ? (int)n : n > 0 ? -EMSGSIZE : 0;
}

int savefile_write(int in_fd, int dirfd, const char *leaf, uint64_t size, bool replace, mode_t perm,
		   uint64_t *ret_got)
{
	struct filecopy_atomic_file f;
	int r;

	*ret_got = 0;
	r = filecopy_atomic_begin(dirfd, &f);
	if (r < 0)
		return r;
	r = check_space(f.fd, size);
	if (r == 0)
		r = copy_exact(in_fd, f.fd, size, ret_got);
	if (r == 0)
		return filecopy_atomic_commit(&f, leaf, perm, replace);
	filecopy_atomic_abort(&f);
	return r;
}
