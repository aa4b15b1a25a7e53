/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the file-copy receiver. Each input is a stream as a hostile VM would send it.
 * First the pure layer (untrusted-header.c) walks it entry by entry; then the real receiver
 * unpacks it into a scratch directory of its own (created once under $TMPDIR or /tmp, emptied
 * after every input, removed at exit), alternating openat2 and the O_NOFOLLOW fallback walk.
 * Nothing outside that directory is written.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filecopy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The pure walk: header, name, then the link target or a skip over the file data. */
static void walk_pure(const uint8_t *data, size_t size)
{
	static char name[FILECOPY_PATH_MAX], target[FILECOPY_PATH_MAX];
	struct filecopy_header h;

	while (size >= sizeof(struct filecopy_file_header)) {
		int r = filecopy_header_parse(data, &h);
		data += sizeof(struct filecopy_file_header),
			size -= sizeof(struct filecopy_file_header);
		if (r != 0 || h.namelen > size || filecopy_name_parse(&h, data, name) < 0)
			return;
		data += h.namelen, size -= h.namelen;
		if (h.filelen > size)
			return;
		if (S_ISLNK(h.type) && filecopy_symlink_parse(name, data, h.filelen, target) < 0)
			return;
		data += h.filelen, size -= h.filelen;
	}
}

static char *scratch;

static int chmod_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(path, 0700);
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static void empty_scratch(void)
{
	nftw(scratch, chmod_one, 32, FTW_PHYS);
	nftw(scratch, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

static void remove_scratch(void)
{
	empty_scratch();
	rmdir(scratch);
}

static int memfd_with(const void *data, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (len && write(fd, data, len) != (ssize_t)len)
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void receive_real(const uint8_t *data, size_t size)
{
	static struct filecopy_receive_stats st;
	struct filecopy_limits limits = { .max_files = 256, .max_bytes = 1 << 20 };
	int in = memfd_with(data, size), out = memfd_with(NULL, 0);
	int dirfd;

	if (!scratch) {
		const char *tmp = getenv("TMPDIR");
		if (asprintf(&scratch, "%s/bulkhead-fuzz-receive-XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") < 0 ||
		    !mkdtemp(scratch))
			abort();
		atexit(remove_scratch);
	}
	dirfd = open(scratch, O_PATH | O_DIRECTORY | O_CLOEXEC);
	filecopy_force_component_walk(size & 1);
	filecopy_receive(in, out, dirfd, &limits, &st);
	close(dirfd);
	close(in);
	close(out);
	empty_scratch();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk_pure(data, size);
	receive_real(data, size);
	return 0;
}
