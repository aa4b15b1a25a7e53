/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The global clipboard as a file: <dir>/current holds a fixed header and the data; <dir>/lock
 * serialises writers and takers with flock(). The data is already validated when it arrives
 * here (by the guid that fetched it), and only host processes write the directory (0700), so
 * the reader checks the header for consistency, not for hostility.
 *
 * Old contents are overwritten with zeros before the file is replaced or removed, so a paste
 * leaves no copy behind in the page cache of a tmpfs runtime dir.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clipboard.h"
#include "fdio.h"
#include "macro.h"
#include "paths.h"
#include "strutil.h"

#define STORE_MAGIC "BHCLIP1"

struct store_header {
	char magic[8];
	uint32_t type;
	uint32_t reserved;
	uint64_t time_usec;
	uint64_t len;
	char source[32];
};
_Static_assert(sizeof(struct store_header) == 64, "store header is 64 bytes");

char *clipboard_store_default_dir(void)
{
	_cleanup_free_ char *runtime = bulkhead_runtime_dir();

	return runtime ? str_new_printf("%s/clipboard", runtime) : NULL;
}

/* Open <dir>/lock and take the lock; returns the fd holding it. */
static int store_lock(const char *dir, int how)
{
	int r = mkdir_parents_private(dir);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = str_new_printf("%s/lock", dir);
	if (!path)
		return -ENOMEM;
	_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, how) < 0)
		return -errno;
	return TAKE_FD(fd);
}

/* Overwrite the file's bytes with zeros, then unlink it. */
static int wipe_file(const char *path)
{
	static const uint8_t zeros[65536];
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	for (off_t off = 0; off < st.st_size; off += (off_t)sizeof(zeros))
		if (pwrite(fd, zeros, MIN(sizeof(zeros), (size_t)(st.st_size - off)), off) < 0)
			return -errno;
	fdatasync(fd);
	return unlink(path) < 0 ? -errno : 0;
}

static int write_entry(int dirfd, const char *name, const struct clipboard_entry *e)
{
	struct store_header h = {
		.magic = STORE_MAGIC, .type = e->type, .time_usec = e->time_usec, .len = e->len
	};
	_cleanup_close_ int fd =
		openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	int r;

	if (fd < 0)
		return -errno;
	str_copy(h.source, sizeof(h.source), e->source);
	r = fd_write_all(fd, &h, sizeof(h));
	if (r >= 0)
		r = fd_write_all(fd, e->data, e->len);
	return r;
}

int clipboard_store_put(const char *dir, const struct clipboard_entry *e)
{
	if (!vm_name_is_valid(e->source) || e->len > CLIPBOARD_HARD_MAX ||
	    (e->type != CLIPBOARD_TEXT && e->type != CLIPBOARD_PNG))
		return -EINVAL;
	_cleanup_close_ int lock = store_lock(dir, LOCK_EX);
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *current = str_new_printf("%s/current", dir);
	if (lock < 0)
		return lock;
	if (dirfd < 0 || !current)
		return dirfd < 0 ? -errno : -ENOMEM;

	int r = write_entry(dirfd, "current.new", e);
	if (r >= 0)
		r = wipe_file(current);
	if (r >= 0 && renameat(dirfd, "current.new", dirfd, "current") < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dirfd, "current.new", 0);
	return r;
}

static int read_header(int fd, struct clipboard_entry *e)
{
	struct store_header h;
	struct stat st;
	int r = fd_read_exact(fd, &h, sizeof(h));

	if (r < 0)
		return r == -EPIPE ? -EBADMSG : r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (memcmp(h.magic, STORE_MAGIC, sizeof(h.magic)) != 0 || h.len > CLIPBOARD_HARD_MAX ||
	    (uint64_t)st.st_size != sizeof(h) + h.len || !mem_has_nul(h.source, sizeof(h.source)))
		return -EBADMSG;
	*e = (struct clipboard_entry){ .type = h.type, .time_usec = h.time_usec, .len = h.len };
	return str_copy(e->source, sizeof(e->source), h.source);
}

static int read_data(int fd, struct clipboard_entry *e)
{
	if (sodium_init() < 0)
		return -EIO;
	e->data = sodium_malloc(e->len ? e->len : 1);
	if (!e->data)
		return -ENOMEM;
	int r = fd_read_exact(fd, e->data, e->len);
	if (r < 0)
		clipboard_entry_wipe(e);
	return r;
}

struct store_want {
	bool data, take;
	const struct clipboard_entry *expect; /* take only this entry (source and time) */
};

static bool is_expected(const struct clipboard_entry *e, const struct clipboard_entry *expect)
{
	return !expect || (streq(e->source, expect->source) && e->time_usec == expect->time_usec);
}

/* Read <dir>/current under the lock: header only, or header and data, and maybe take it. */
static int store_read(const char *dir, struct clipboard_entry *e, struct store_want want)
{
	_cleanup_close_ int lock = store_lock(dir, want.take ? LOCK_EX : LOCK_SH);
	_cleanup_free_ char *path = str_new_printf("%s/current", dir);
	if (lock < 0)
		return lock;
	if (!path)
		return -ENOMEM;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;

	int r = read_header(fd, e);
	if (r >= 0 && !is_expected(e, want.expect))
		return -ESTALE;
	if (r >= 0 && want.data)
		r = read_data(fd, e);
	if (r >= 0 && want.take)
		r = wipe_file(path);
	return r;
}

int clipboard_store_peek(const char *dir, struct clipboard_entry *e)
{
	return store_read(dir, e, (struct store_want){ 0 });
}

int clipboard_store_read(const char *dir, struct clipboard_entry *e)
{
	return store_read(dir, e, (struct store_want){ .data = true });
}

int clipboard_store_take(const char *dir, struct clipboard_entry *e)
{
	return store_read(dir, e, (struct store_want){ .data = true, .take = true });
}

int clipboard_store_take_if(const char *dir, const struct clipboard_entry *expect,
			    struct clipboard_entry *e)
{
	return store_read(dir, e,
			  (struct store_want){ .data = true, .take = true, .expect = expect });
}

int clipboard_store_clear(const char *dir)
{
	_cleanup_close_ int lock = store_lock(dir, LOCK_EX);
	_cleanup_free_ char *path = str_new_printf("%s/current", dir);

	if (lock < 0)
		return lock;
	return path ? wipe_file(path) : -ENOMEM;
}

void clipboard_entry_wipe(struct clipboard_entry *e)
{
	if (e->data) {
		sodium_memzero(e->data, e->len);
		sodium_free(e->data);
	}
	e->data = NULL;
	e->len = 0;
}
