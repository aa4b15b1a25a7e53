/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a backup back: every chunk authenticated and hashed back to its id before a byte of
 * it is written, so a damaged, dropped or swapped chunk stops the restore at that chunk.
 * Zero chunks become holes: a restored volume takes no more room than the original.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup-internal.h"
#include "fdio.h"
#include "macro.h"
#include "paths.h"
#include "strutil.h"

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int put_bytes(int fd, const uint8_t *p, size_t n)
{
	if (!all_zero(p, n))
		return fd_write_all(fd, p, n);
	return lseek(fd, (off_t)n, SEEK_CUR) < 0 ? negative_errno() : 0;
}

/* One chunk handed over by the reader: its id checked, then written (fd >= 0). */
static int check_and_put(struct backup_repo *r, const struct backup_chunk_ref *ref,
			 const uint8_t *plain, int fd)
{
	int k = 0;

	if (!backup_chunk_matches(r->keys, ref->id, plain, ref->len))
		return backup_repo_chunk_fail(r, ref, -EBADMSG);
	if (fd >= 0 && (k = put_bytes(fd, plain, ref->len)) < 0)
		backup_repo_fail(r, k, "Cannot write the restored data: %s", strerror(-k));
	return k;
}

static int each_chunk(struct backup_repo *r, const struct backup_blob *b, int fd,
		      const struct backup_progress *p)
{
	struct backup_reader *rd = NULL;
	int k = b->n_chunks ? backup_reader_start(r, b, &rd) : 0;

	for (size_t i = 0; k >= 0 && i < b->n_chunks; i++) {
		uint8_t *plain = NULL;
		k = backup_reader_next(rd, &plain);
		if (k < 0)
			backup_repo_chunk_fail(r, &b->chunks[i], k);
		else
			k = check_and_put(r, &b->chunks[i], plain, fd);
		free(plain);
		if (k >= 0 && p && p->step)
			p->step(p->userdata, b->chunks[i].len);
	}
	backup_reader_free(rd);
	return k;
}

int backup_blob_restore(struct backup_repo *r, const struct backup_blob *b, int fd,
			const struct backup_progress *p)
{
	int k = each_chunk(r, b, fd, p);

	if (k >= 0 && ftruncate(fd, (off_t)b->size) < 0) /* trailing holes */
		k = backup_repo_fail(r, negative_errno(), "Cannot write the restored data: %m");
	return k;
}

int backup_blob_verify(struct backup_repo *r, const struct backup_blob *b,
		       const struct backup_progress *p)
{
	return each_chunk(r, b, -1, p);
}

int backup_blob_read(struct backup_repo *r, const struct backup_blob *b, char **ret)
{
	_cleanup_free_ char *buf = b->size <= BACKUP_POLICY_FILE_MAX ? malloc(b->size + 1) : NULL;
	const uint8_t *plain;
	size_t off = 0;
	int k = buf ? 0 : -ENOMEM;

	for (size_t i = 0; k >= 0 && i < b->n_chunks; i++) {
		k = backup_repo_chunk(r, &b->chunks[i], &plain);
		if (k >= 0)
			memcpy(buf + off, plain, b->chunks[i].len);
		off += b->chunks[i].len;
	}
	if (k >= 0) {
		buf[b->size] = '\0';
		*ret = TAKE_PTR(buf);
	}
	return k;
}

static int write_file(int dirfd, const char *name, const char *data, size_t len)
{
	char tmp[BACKUP_FILE_NAME_MAX + 16];
	_cleanup_close_ int fd = -1;
	int k = str_printf(tmp, sizeof(tmp), ".%s.tmp", name);

	if (k < 0)
		return k;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return negative_errno();
	k = fd_write_all(fd, data, len);
	if (k >= 0 && fsync(fd) < 0)
		k = negative_errno();
	if (k >= 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		k = negative_errno();
	if (k < 0)
		unlinkat(dirfd, tmp, 0);
	return k;
}

/* 0 written, 1 identical (kept), 2 differs (written beside), or -errno. */
static int restore_one(int dirfd, const struct backup_policy_file *pol, const char *data,
		       uint64_t seq)
{
	_cleanup_free_ char *old = NULL;
	char beside[BACKUP_FILE_NAME_MAX + 48];
	size_t old_len;
	int k = fd_read_file(dirfd, pol->name, BACKUP_POLICY_FILE_MAX, &old, &old_len);

	if (k == -ENOENT)
		return write_file(dirfd, pol->name, data, pol->blob.size);
	if (k >= 0 && old_len == pol->blob.size && memcmp(old, data, old_len) == 0)
		return 1;
	k = str_printf(beside, sizeof(beside), "%s.from-backup-%" PRIu64, pol->name, seq);
	if (k >= 0)
		k = write_file(dirfd, beside, data, pol->blob.size);
	return k < 0 ? k : 2;
}

int backup_policy_restore(struct backup_repo *r, const struct backup_manifest *m, const char *dir,
			  unsigned *written, unsigned *conflicts)
{
	_cleanup_close_ int dirfd = -1;
	int k = m->n_policies ? mkdir_parents_private(dir) : 0;

	*written = *conflicts = 0;
	if (k >= 0 && m->n_policies)
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (k < 0 || (m->n_policies && dirfd < 0))
		return backup_repo_fail(r, k < 0 ? k : negative_errno(), "Cannot open %s", dir);
	for (size_t i = 0; k >= 0 && i < m->n_policies; i++) {
		_cleanup_free_ char *data = NULL;
		k = backup_blob_read(r, &m->policies[i].blob, &data);
		if (k >= 0 && (k = restore_one(dirfd, &m->policies[i], data, m->seq)) < 0)
			backup_repo_fail(r, k, "Cannot write %s/%s: %s", dir, m->policies[i].name,
					 strerror(-k));
		*written += k == 0 || k == 2;
		*conflicts += k == 2;
	}
	return k < 0 ? k : 0;
}
