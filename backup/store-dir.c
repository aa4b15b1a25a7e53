/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directory store: a repository on a mounted filesystem. Every put writes a temporary
 * file, fsyncs it, renames it into place and fsyncs the directory, so that a full disk, a
 * pulled USB cable or a crash leaves either the old state or the new, never half an object.
 */
#include <dirent.h>
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "store.h"
#include "strutil.h"

struct dir_store {
	struct backup_store base;
	int dirfd;
	int lockfd;
};

static struct dir_store *to_dir(struct backup_store *s)
{
	return (struct dir_store *)s;
}

/* Sized by fstat, not by max: a restore reads thousands of chunks, most far below the
 * largest a chunk may be. A file that changes size while read is refused. */
static int dir_get(struct backup_store *s, const char *name, size_t max, uint8_t **ret,
		   size_t *ret_len)
{
	_cleanup_close_ int fd = openat(to_dir(s)->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ uint8_t *buf = NULL;
	uint8_t extra;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0)
		return negative_errno();
	if (!S_ISREG(st.st_mode))
		return -EBADMSG;
	if ((uint64_t)st.st_size > max)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	n = fd_read_full(fd, buf, (size_t)st.st_size);
	if (n >= 0 && (n != st.st_size || fd_read_full(fd, &extra, 1) != 0))
		return -EBADMSG;
	if (n < 0)
		return (int)n;
	*ret_len = (size_t)n;
	*ret = TAKE_PTR(buf);
	return 0;
}

/* The directory part of name ("chunks/ab" of "chunks/ab/ab12"), made if missing. */
static int open_parent(int dirfd, const char *name, const char **base)
{
	char dir[256];
	const char *slash = strrchr(name, '/');

	*base = slash ? slash + 1 : name;
	if (!slash) {
		int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? negative_errno() : fd;
	}
	if ((size_t)(slash - name) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, name, (size_t)(slash - name));
	dir[slash - name] = '\0';
	for (char *p = strchr(dir, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdirat(dirfd, dir, 0700) < 0 && errno != EEXIST)
			return negative_errno();
		if (!p)
			break;
		*p = '/';
	}
	int fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? negative_errno() : fd;
}

static int write_tmp(int pfd, char *tmp, const void *data, size_t len)
{
	_cleanup_close_ int fd = -1;
	int r;

	for (int tries = 0; fd < 0 && tries < 16; tries++) {
		uint32_t rnd = randombytes_random();
		str_printf(tmp, 32, ".tmp-%08x", rnd);
		fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return negative_errno();
	}
	if (fd < 0)
		return -EEXIST;
	r = fd_write_all(fd, data, len);
	if (r >= 0 && fsync(fd) < 0)
		r = negative_errno();
	if (r >= 0 && close(TAKE_FD(fd)) < 0)
		r = negative_errno();
	if (r < 0)
		unlinkat(pfd, tmp, 0);
	return r;
}

static int dir_put(struct backup_store *s, const char *name, const void *data, size_t len)
{
	const char *base;
	char tmp[32];
	int pfd = open_parent(to_dir(s)->dirfd, name, &base), r;

	if (pfd < 0)
		return pfd;
	r = write_tmp(pfd, tmp, data, len);
	if (r >= 0 && renameat(pfd, tmp, pfd, base) < 0) {
		r = negative_errno();
		unlinkat(pfd, tmp, 0);
	}
	/* The rename itself is durable only once the directory is. */
	if (r >= 0 && fsync(pfd) < 0)
		r = negative_errno();
	close(pfd);
	return r;
}

static int dir_exists(struct backup_store *s, const char *name)
{
	struct stat st;

	if (fstatat(to_dir(s)->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return S_ISREG(st.st_mode) ? 1 : -EBADMSG;
	return errno == ENOENT ? 0 : negative_errno();
}

void backup_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static int strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = reallocarray(*v, *n + 1, sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

int backup_dir_list(int dirfd, char ***ret, size_t *n)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int r = 0;

	*ret = NULL;
	*n = 0;
	if (!d) {
		r = errno == ENOENT ? 0 : negative_errno();
		close_nointr_keep_errno(fd);
		return r;
	}
	while (r >= 0 && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = strv_push(ret, n, de->d_name);
	closedir(d);
	if (r < 0)
		backup_strv_free(TAKE_PTR(*ret), *n);
	return r;
}

static int dir_list(struct backup_store *s, const char *dir, char ***ret, size_t *n)
{
	_cleanup_close_ int fd = openat(to_dir(s)->dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*ret = NULL;
	*n = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : negative_errno();
	return backup_dir_list(fd, ret, n);
}

static void dir_free(struct backup_store *s)
{
	struct dir_store *d = to_dir(s);

	close_nointr_keep_errno(d->dirfd);
	close_nointr_keep_errno(d->lockfd);
	free(d);
}

static const struct backup_store_ops dir_ops = {
	.get = dir_get,
	.put = dir_put,
	.exists = dir_exists,
	.list = dir_list,
	.free = dir_free,
};

/* One run at a time per repository: two creates would both claim the next number. */
static int take_lock(int dirfd, bool create)
{
	int fd = openat(dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	/* A read-only disk can still be listed, verified and restored from: nobody writes. */
	if (fd < 0 && !create && (errno == EROFS || errno == EACCES))
		return -1;
	if (fd < 0)
		return negative_errno();
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EBUSY : negative_errno();
		close(fd);
		return r;
	}
	return fd;
}

int backup_store_dir_open(const char *path, bool create, struct backup_store **ret)
{
	_cleanup_free_ struct dir_store *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (create && mkdir(path, 0700) < 0 && errno != EEXIST)
		return negative_errno();
	d->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0)
		return negative_errno();
	d->lockfd = take_lock(d->dirfd, create);
	if (d->lockfd < -1) {
		int r = d->lockfd;
		close(d->dirfd);
		return r;
	}
	d->base.ops = &dir_ops;
	*ret = &TAKE_PTR(d)->base;
	return 0;
}

void backup_store_free(struct backup_store *s)
{
	if (s)
		s->ops->free(s);
}
