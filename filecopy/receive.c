/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The receiver: reads a file stream, unpacks it beneath one directory fd, replies.
 *
 * Trust: the stream comes from another VM and may be hostile. Each header and name goes
 * through untrusted-header.c before anything is done with it; the filesystem work is in
 * receive-fs.c (no symlink following, no overwriting, O_TMPFILE until whole). Limits on entries
 * and bytes are checked before the data they count is read. The first error stops the stream:
 * the reply carries its code, the CRC so far and the name being handled, and nothing that was
 * incomplete is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "filecopy.h"
#include "macro.h"
#include "receive-fs.h"

#define READ_BUFSIZE (1024 * 1024)

/* A buffered reader that accounts the CRC of exactly the bytes handed out. */
struct reader {
	int fd;
	uint8_t *buf;
	size_t start, end;
	uint32_t crc;
};

static ssize_t reader_fill(struct reader *r)
{
	if (r->start == r->end)
		r->start = r->end = 0;
	if (r->end == READ_BUFSIZE) { /* only reader_need() gets here, for a short tail */
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	for (;;) {
		ssize_t k = read(r->fd, r->buf + r->end, READ_BUFSIZE - r->end);
		if (k >= 0) {
			r->end += (size_t)k;
			return k;
		}
		if (errno != EINTR)
			return -errno;
	}
}

/* Exactly n (<= a few KiB) contiguous bytes; -EPIPE at EOF. */
static int reader_need(struct reader *r, size_t n, const uint8_t **ret)
{
	while (r->end - r->start < n) {
		if (r->start + n > READ_BUFSIZE) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		ssize_t k = reader_fill(r);
		if (k <= 0)
			return k < 0 ? (int)k : -EPIPE;
	}
	*ret = r->buf + r->start;
	r->crc = filecopy_crc32(r->crc, *ret, n);
	r->start += n;
	return 0;
}

/* Up to max bytes, at least one; 0 at EOF. */
static ssize_t reader_take(struct reader *r, uint64_t max, const uint8_t **ret)
{
	size_t n;

	if (r->start == r->end) {
		ssize_t k = reader_fill(r);
		if (k <= 0)
			return k;
	}
	n = MIN((uint64_t)(r->end - r->start), max);
	*ret = r->buf + r->start;
	r->crc = filecopy_crc32(r->crc, *ret, n);
	r->start += n;
	return (ssize_t)n;
}

struct receiver {
	struct reader in;
	struct recv_fs fs;
	const struct filecopy_limits *limits;
	struct filecopy_receive_stats *stats;
};

/* Count an entry and its bytes against the limits before any of it is written. */
static int account(struct receiver *rc, uint64_t files, uint64_t bytes)
{
	const struct filecopy_limits *l = rc->limits;
	struct filecopy_receive_stats *st = rc->stats;

	if (l->max_files && st->files + files > l->max_files)
		return -EDQUOT;
	if (l->max_bytes && (bytes > l->max_bytes || st->bytes + bytes > l->max_bytes))
		return -EDQUOT;
	st->files += files;
	st->bytes += bytes;
	return 0;
}

static int copy_data(struct receiver *rc, int fd, uint64_t len)
{
	while (len > 0) {
		const uint8_t *p;
		ssize_t k = reader_take(&rc->in, len, &p);
		if (k < 0)
			return (int)k;
		if (k == 0)
			return -(int)FILECOPY_ESHORTDATA;
		int r = fd_write_all(fd, p, (size_t)k);
		if (r < 0)
			return r;
		len -= (uint64_t)k;
	}
	return 0;
}

static int receive_file(struct receiver *rc, const char *name, const struct filecopy_header *h)
{
	struct recv_file f;
	int r = account(rc, 1, h->filelen);

	if (r < 0)
		return r;
	r = recv_fs_file_begin(&rc->fs, name, &f);
	if (r == 0)
		r = copy_data(rc, f.fd, h->filelen);
	if (r == 0)
		return recv_fs_file_commit(&rc->fs, &f, h);
	recv_fs_file_abort(&f);
	return r;
}

static int receive_symlink(struct receiver *rc, const char *name, const struct filecopy_header *h)
{
	char target[FILECOPY_PATH_MAX];
	const uint8_t *untrusted_target;
	int r = reader_need(&rc->in, h->filelen, &untrusted_target);

	if (r < 0)
		return r == -EPIPE ? -(int)FILECOPY_ESHORTDATA : r;
	r = filecopy_symlink_parse(name, untrusted_target, h->filelen, target);
	if (r < 0)
		return r;
	r = account(rc, 1, h->filelen);
	return r < 0 ? r : recv_fs_symlink(&rc->fs, name, target, h);
}

static int receive_dir(struct receiver *rc, const char *name, const struct filecopy_header *h)
{
	bool created;
	int r = recv_fs_mkdir(&rc->fs, name, h, &created);

	/* Counted once, at its first header; the limit may be passed by this one entry. */
	if (r == 0 && created)
		r = account(rc, 1, 0);
	return r;
}

/* One entry: 1 at the end marker, 0 after an entry, or -code. */
static int receive_entry(struct receiver *rc)
{
	struct filecopy_header h;
	const uint8_t *untrusted_raw, *untrusted_name;
	char *name = rc->stats->last_name;
	int r = reader_need(&rc->in, sizeof(struct filecopy_file_header), &untrusted_raw);

	if (r < 0)
		return r == -EPIPE ? -EREMOTEIO : r;
	r = filecopy_header_parse(untrusted_raw, &h);
	if (r != 0)
		return r;
	/* Past a whole header, an EOF is "in the middle of a file", as Qubes' unpacker says. */
	r = reader_need(&rc->in, h.namelen, &untrusted_name);
	if (r < 0)
		return r == -EPIPE ? -(int)FILECOPY_ESHORTDATA : r;
	r = filecopy_name_parse(&h, untrusted_name, name);
	if (r < 0) {
		/* Say which entry, but only as much of the name as ends at its first NUL. */
		size_t n = strnlen((const char *)untrusted_name, h.namelen - 1);
		memcpy(name, untrusted_name, n);
		name[n] = '\0';
		return r;
	}
	if (h.type == S_IFREG)
		return receive_file(rc, name, &h);
	if (h.type == S_IFLNK)
		return receive_symlink(rc, name, &h);
	return receive_dir(rc, name, &h);
}

/* Success means on disk: a move deletes its sources on our word (Qubes syncs too). dirfd may
 * be O_PATH, which syncfs() does not take. */
static int sync_beneath(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = fd < 0 || syncfs(fd) < 0 ? negative_errno() : 1;

	if (fd >= 0)
		close(fd);
	return r;
}

static void send_reply(int out_fd, struct filecopy_receive_stats *st, uint32_t crc)
{
	uint8_t buf[sizeof(struct filecopy_result_header) + 4 + FILECOPY_PATH_MAX];
	const char *name = st->error ? st->last_name : st->renamed_to;
	size_t len = filecopy_reply_encode(buf, st->error, crc, name, strlen(name));

	if (out_fd >= 0)
		(void)fd_write_all(out_fd, buf, len); /* the sender may be gone: nothing to do */
}

int filecopy_receive(int in_fd, int out_fd, int dirfd, const struct filecopy_limits *limits,
		     struct filecopy_receive_stats *stats)
{
	struct receiver rc = { .in = { .fd = in_fd }, .limits = limits, .stats = stats };
	int r;

	*stats = (struct filecopy_receive_stats){ 0 };
	rc.in.buf = malloc(READ_BUFSIZE);
	if (!rc.in.buf)
		return -ENOMEM;
	recv_fs_init(&rc.fs, dirfd);
	while ((r = receive_entry(&rc)) == 0)
		;
	if (r == 1)
		r = sync_beneath(dirfd);
	stats->renamed = rc.fs.renamed;
	stats->tmpfile = rc.fs.link_mode != LINK_NAMED;
	memcpy(stats->renamed_to, rc.fs.renamed_to, sizeof(stats->renamed_to));
	stats->error = r < 0 ? (uint32_t)-r : 0;
	send_reply(out_fd, stats, rc.in.crc);
	recv_fs_finish(&rc.fs);
	free(rc.in.buf);
	return r < 0 ? r : 0;
}
