/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers for the filecopy tests: a builder for streams (well-formed or hostile, byte by byte),
 * scratch directories that are removed afterwards, and running the real receiver on a stream
 * held in memory.
 */
#pragma once

#include <endian.h>
#include <errno.h>
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
#include "macro.h"
#include "strutil.h"

struct sb {
	uint8_t *buf;
	size_t len, cap;
};

static inline void sb_bytes(struct sb *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 4096;
		b->buf = realloc(b->buf, b->cap);
		if (!b->buf)
			abort();
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
}

static inline void sb_hdr(struct sb *b, uint32_t namelen, uint32_t mode, uint64_t filelen,
			  uint32_t atime_nsec, uint32_t mtime_nsec)
{
	uint32_t f[8];
	uint64_t l = htole64(filelen);

	f[0] = htole32(namelen);
	f[1] = htole32(mode);
	memcpy(&f[2], &l, 8);
	f[4] = htole32(1600000000);
	f[5] = htole32(atime_nsec);
	f[6] = htole32(1500000000);
	f[7] = htole32(mtime_nsec);
	sb_bytes(b, f, sizeof(f));
}

/* A whole entry: header, name with its NUL, then data (file contents or link target). */
static inline void sb_entry(struct sb *b, const char *name, uint32_t mode, const void *data,
			    size_t len)
{
	sb_hdr(b, (uint32_t)strlen(name) + 1, mode, len, 0, 0);
	sb_bytes(b, name, strlen(name) + 1);
	if (len)
		sb_bytes(b, data, len);
}

static inline void sb_file(struct sb *b, const char *name, const char *content)
{
	sb_entry(b, name, S_IFREG | 0644, content, strlen(content));
}

static inline void sb_dir(struct sb *b, const char *name)
{
	sb_entry(b, name, S_IFDIR | 0755, NULL, 0);
}

static inline void sb_link(struct sb *b, const char *name, const char *target)
{
	sb_entry(b, name, S_IFLNK | 0777, target, strlen(target));
}

static inline void sb_end(struct sb *b)
{
	static const uint8_t zero[32];
	sb_bytes(b, zero, sizeof(zero));
}

static inline void sb_free(struct sb *b)
{
	free(b->buf);
	*b = (struct sb){ 0 };
}

/* An fd reading the given bytes (a memfd at offset 0). */
static inline int memfd_with(const void *data, size_t len)
{
	int fd = memfd_create("stream", MFD_CLOEXEC);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	return fd;
}

/* Run the real receiver on bytes; the reply is parsed into *reply. Returns its result. */
static inline int receive_bytes(const void *data, size_t len, int dirfd,
				const struct filecopy_limits *limits, struct filecopy_reply *reply,
				struct filecopy_receive_stats *st)
{
	int in = memfd_with(data, len), out = memfd_with(NULL, 0);
	uint8_t buf[8192];
	int r = filecopy_receive(in, out, dirfd, limits, st);
	ssize_t n;

	lseek(out, 0, SEEK_SET);
	n = read(out, buf, sizeof(buf));
	memset(reply, 0xff, sizeof(*reply));
	if (n < 0 || filecopy_reply_parse(buf, (size_t)n, reply) < 0)
		reply->error_code = 0xdeadbeef;
	close(in);
	close(out);
	return r;
}

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

/* Directories may have been left mode 0000 by a stream: open them up first. */
static inline int chmod_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(path, 0700);
	return 0;
}

static inline void rm_rf(const char *path)
{
	nftw(path, chmod_one, 32, FTW_PHYS);
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

static inline char *scratch_dir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (asprintf(&p, "%s/bulkhead-test-%s-XXXXXX", base && *base ? base : "/tmp", tag) < 0 ||
	    !mkdtemp(p))
		abort();
	return p;
}

static inline int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r = fd >= 0 && write(fd, data, len) == (ssize_t)len ? 0 : -1;

	if (fd >= 0)
		close(fd);
	return r;
}

/* The whole content of a small file, NUL-terminated; NULL if it cannot be read. */
static inline char *read_small(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}
