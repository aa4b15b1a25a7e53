/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The receiver's filesystem operations.
 *
 * Trust: names and targets arrive here already validated (untrusted-header.c), but the tree
 * they land in is partly the sender's own making: it may have created a symlink earlier in the
 * same stream and now name a path through it. So every walk refuses symlinks at every
 * component (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, or O_NOFOLLOW per component where
 * openat2 is missing), every creation is exclusive (mkdirat, symlinkat, linkat all fail on an
 * existing name instead of replacing it), and file data is written to an unnamed O_TMPFILE that
 * gets a name only once it is whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "receive-fs.h"
#include "strutil.h"

static bool force_component_walk, force_named_tmp;

void filecopy_force_component_walk(bool force)
{
	force_component_walk = force;
}

void filecopy_force_named_tmpfiles(bool force)
{
	force_named_tmp = force;
}

static int sys_openat2(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	int fd, tries = 0;

	/* EAGAIN: a rename raced the RESOLVE_BENEATH check somewhere; the kernel asks to retry. */
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && (errno == EAGAIN || errno == EINTR) && ++tries < 16);
	return fd < 0 ? -errno : fd;
}

bool filecopy_have_openat2(void)
{
	static int have = -1;

	if (have < 0) {
		int fd = sys_openat2(AT_FDCWD, ".", O_PATH | O_DIRECTORY);
		have = fd >= 0 || fd != -ENOSYS;
		if (fd >= 0)
			close(fd);
	}
	return have;
}

/* One component, never through a symlink: opened as O_PATH first so a link is seen as a link
 * (ELOOP, as openat2 says) and not as "not a directory", then reopened with flags if last. */
static int open_component(int dirfd, const char *comp, int flags, bool last)
{
	_cleanup_close_ int fd = openat(dirfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
	if (!last || (flags & O_PATH))
		return TAKE_FD(fd);
	r = openat(fd, ".", (flags & ~O_PATH) | O_CLOEXEC);
	return r < 0 ? -errno : r;
}

/* The fallback walk: path components are validated (no "." or ".."), so O_NOFOLLOW on each
 * keeps the walk beneath rootfd just as RESOLVE_BENEATH would. */
static int open_by_components(int rootfd, const char *path, int flags)
{
	char buf[FILECOPY_PATH_MAX];
	char *save = NULL;
	int fd = -1;

	if (str_copy(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		bool last = save == NULL || *save == '\0';
		int next = open_component(fd < 0 ? rootfd : fd, c, flags, last);
		safe_close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
	return fd;
}

/* A directory beneath the root ("" = the root itself), opened with flags. */
static int open_dir_beneath(struct recv_fs *fs, const char *path, int flags)
{
	int fd;

	if (!fs->use_openat2 && path[0] != '\0')
		return open_by_components(fs->rootfd, path, flags | O_DIRECTORY);
	fd = sys_openat2(fs->rootfd, path[0] ? path : ".", flags | O_DIRECTORY);
	if (fd == -EXDEV || fd == -EMLINK)
		return -ELOOP;
	return fd;
}

/* The parent directory fd for real path `path`, borrowed: valid until the next call. */
static int parent_fd(struct recv_fs *fs, const char *path)
{
	int fd;

	if (path[0] == '\0')
		return fs->rootfd;
	if (fs->cache_fd >= 0 && streq(fs->cache_path, path))
		return fs->cache_fd;
	fd = open_dir_beneath(fs, path, O_PATH);
	if (fd < 0)
		return fd;
	fs->cache_fd = safe_close(fs->cache_fd);
	fs->cache_fd = fd;
	memcpy(fs->cache_path, path, strlen(path) + 1);
	return fd;
}

/* ---- the directories this stream created: stream name -> real path ---- */

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static struct dirmap_entry *map_find(struct recv_fs *fs, const char *key)
{
	if (fs->map_cap == 0)
		return NULL;
	for (size_t i = hash_str(key) & (fs->map_cap - 1);; i = (i + 1) & (fs->map_cap - 1)) {
		if (!fs->map[i].key)
			return NULL;
		if (streq(fs->map[i].key, key))
			return &fs->map[i];
	}
}

static void map_put(struct dirmap_entry *map, size_t cap, struct dirmap_entry e)
{
	size_t i = hash_str(e.key) & (cap - 1);

	while (map[i].key)
		i = (i + 1) & (cap - 1);
	map[i] = e;
}

static int map_grow(struct recv_fs *fs)
{
	size_t cap = fs->map_cap ? fs->map_cap * 2 : 64;
	struct dirmap_entry *map = calloc(cap, sizeof(*map));

	if (!map)
		return -ENOMEM;
	for (size_t i = 0; i < fs->map_cap; i++)
		if (fs->map[i].key)
			map_put(map, cap, fs->map[i]);
	free(fs->map);
	fs->map = map;
	fs->map_cap = cap;
	return 0;
}

/* 64 MiB of directory names: far beyond any real tree (100,000 directories with 300-byte
 * paths take 60 MiB only if every one was renamed); a stream past it is refused as over limits. */
#define MAP_BYTES_MAX (64u << 20)

static int map_insert(struct recv_fs *fs, const char *key, const char *real)
{
	size_t bytes = strlen(key) + 1 + strlen(real) + 1;
	struct dirmap_entry e;

	if (fs->map_bytes + bytes > MAP_BYTES_MAX)
		return -EDQUOT;
	e = (struct dirmap_entry){ .key = strdup(key), .real = strdup(real) };
	if (!e.key || !e.real || ((fs->map_used + 1) * 2 > fs->map_cap && map_grow(fs) < 0)) {
		free(e.key);
		free(e.real);
		return -ENOMEM;
	}
	map_put(fs->map, fs->map_cap, e);
	fs->map_used++;
	fs->map_bytes += bytes;
	return 0;
}

/* ---- names ---- */

/* Where the parent of stream name `name` really is: below the nearest ancestor this stream
 * created (which may have been renamed " (1)"), else at the same path. */
static int resolve_parent(struct recv_fs *fs, const char *name, char real[static FILECOPY_PATH_MAX],
			  char leaf[static FILECOPY_NAME_MAX + 1])
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	char anc[FILECOPY_PATH_MAX];
	size_t plen = slash ? (size_t)(slash - name) : 0, alen = plen;
	struct dirmap_entry *e = NULL;

	memcpy(leaf, base, strlen(base) + 1);
	memcpy(anc, name, plen);
	anc[plen] = '\0';
	while (alen > 0 && !(e = map_find(fs, anc))) {
		char *cut = strrchr(anc, '/');
		alen = cut ? (size_t)(cut - anc) : 0;
		anc[alen] = '\0';
	}
	/* The ancestor's real path, then the rest of the parent's path below it. */
	if (str_printf(real, FILECOPY_PATH_MAX, "%s%.*s", e ? e->real : "", (int)(plen - alen),
		       name + alen) < 0)
		return -ENAMETOOLONG;
	return 0;
}

/* "name (k).ext" for files and links (the extension kept last so the file still opens with
 * the right program), "name (k)" for directories and names without a plain extension. A name
 * too long for the suffix loses the end of its stem, cut between UTF-8 characters. */
static int conflict_name(const char *leaf, unsigned k, bool is_dir,
			 char out[static FILECOPY_NAME_MAX + 1])
{
	const char *dot = is_dir ? NULL : strrchr(leaf, '.');
	size_t len = strlen(leaf), stem = len, keep;
	char suffix[16];
	int n = snprintf(suffix, sizeof(suffix), " (%u)", k);

	if (dot && dot != leaf && strlen(dot) <= 16 && !strchr(dot, ' '))
		stem = (size_t)(dot - leaf);
	keep = stem;
	while (keep > 0 && len - stem + keep + (size_t)n > FILECOPY_NAME_MAX)
		keep--;
	while (keep > 0 && ((uint8_t)leaf[keep] & 0xc0) == 0x80)
		keep--; /* do not split a multi-byte character */
	if (keep == 0)
		return -ENAMETOOLONG;
	return str_printf(out, FILECOPY_NAME_MAX + 1, "%.*s%s%s", (int)keep, leaf, suffix,
			  leaf + stem) < 0
		       ? -ENAMETOOLONG
		       : 0;
}

typedef int (*create_fn)(void *ctx, int dirfd, const char *name);

#define CONFLICT_MAX 9999
/* All " (k)" attempts of one stream: a hostile stream repeating one name 100,000 times would
 * otherwise cost 5 billion syscalls. Copying the same folder again costs one per entry. */
#define CONFLICT_BUDGET 1000000

/* Create leaf in dirfd with fn, and on EEXIST try " (1)", " (2)"...: never replace anything.
 * The name used ends up in `used`. */
static int place(struct recv_fs *fs, int dirfd, const char *parent_real, const char *leaf,
		 bool is_dir, create_fn fn, void *ctx, char used[static FILECOPY_NAME_MAX + 1])
{
	int r = fn(ctx, dirfd, leaf);

	memcpy(used, leaf, strlen(leaf) + 1);
	for (unsigned k = 1; r == -EEXIST && k <= CONFLICT_MAX && fs->conflict_budget > 0; k++) {
		fs->conflict_budget--;
		r = conflict_name(leaf, k, is_dir, used);
		if (r < 0)
			return r;
		r = fn(ctx, dirfd, used);
		if (r == 0) {
			fs->renamed++;
			str_printf(fs->renamed_to, sizeof(fs->renamed_to), "%s%s%s", parent_real,
				   parent_real[0] ? "/" : "", used);
		}
	}
	return r;
}

static int join(char out[static FILECOPY_PATH_MAX], const char *dir, const char *leaf)
{
	return str_printf(out, FILECOPY_PATH_MAX, "%s%s%s", dir, dir[0] ? "/" : "", leaf) < 0
		       ? -ENAMETOOLONG
		       : 0;
}

static int set_mode_and_times(int fd, mode_t perm, const struct filecopy_header *h)
{
	struct timespec ts[2] = { h->atime, h->mtime };

	if (fchmod(fd, perm) < 0 || futimens(fd, ts) < 0)
		return negative_errno();
	return 0;
}

/* ---- directories ---- */

static int do_mkdir(void *ctx, int dirfd, const char *name)
{
	return mkdirat(dirfd, name, 0700) < 0 ? -errno : 0;
}

/* A directory's second header (after its contents): its final mode and times. */
static int finish_dir(struct recv_fs *fs, const char *real, const struct filecopy_header *h)
{
	_cleanup_close_ int fd = open_dir_beneath(fs, real, O_RDONLY);

	if (fd < 0)
		return fd;
	return set_mode_and_times(fd, h->perm, h);
}

int recv_fs_mkdir(struct recv_fs *fs, const char *name, const struct filecopy_header *h,
		  bool *ret_created)
{
	struct dirmap_entry *e = map_find(fs, name);
	char parent[FILECOPY_PATH_MAX], leaf[FILECOPY_NAME_MAX + 1], used[FILECOPY_NAME_MAX + 1];
	char real[FILECOPY_PATH_MAX];
	int pfd, r;

	*ret_created = !e;
	if (e)
		return finish_dir(fs, e->real, h);
	r = resolve_parent(fs, name, parent, leaf);
	if (r < 0)
		return r;
	pfd = parent_fd(fs, parent);
	if (pfd < 0)
		return pfd;
	r = place(fs, pfd, parent, leaf, true, do_mkdir, NULL, used);
	if (r < 0 || (r = join(real, parent, used)) < 0)
		return r;
	r = map_insert(fs, name, real);
	if (r < 0)
		return r;
	/* Owner rwx while the stream fills it; the exact mode comes with the closing header. */
	_cleanup_close_ int fd = openat(pfd, used, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return set_mode_and_times(fd, h->perm | 0700, h);
}

/* ---- symlinks ---- */

static int do_symlink(void *ctx, int dirfd, const char *name)
{
	return symlinkat(ctx, dirfd, name) < 0 ? -errno : 0;
}

int recv_fs_symlink(struct recv_fs *fs, const char *name, const char *target,
		    const struct filecopy_header *h)
{
	char parent[FILECOPY_PATH_MAX], leaf[FILECOPY_NAME_MAX + 1], used[FILECOPY_NAME_MAX + 1];
	struct timespec ts[2] = { h->atime, h->mtime };
	int pfd, r;

	r = resolve_parent(fs, name, parent, leaf);
	if (r < 0)
		return r;
	pfd = parent_fd(fs, parent);
	if (pfd < 0)
		return pfd;
	r = place(fs, pfd, parent, leaf, false, do_symlink, (void *)target, used);
	if (r < 0)
		return r;
	if (utimensat(pfd, used, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

/* ---- regular files ---- */

static unsigned tmp_counter;

static int open_named_tmp(int pfd, char tmpname[static 64])
{
	for (int tries = 0; tries < 100; tries++) {
		snprintf(tmpname, 64, ".bulkhead-partial-%d-%u", (int)getpid(), tmp_counter++);
		int fd = openat(pfd, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

int recv_fs_file_begin(struct recv_fs *fs, const char *name, struct recv_file *f)
{
	int r;

	*f = (struct recv_file){ .fd = -1, .parentfd = -1 };
	r = resolve_parent(fs, name, f->parent_real, f->leaf);
	if (r < 0)
		return r;
	f->parentfd = parent_fd(fs, f->parent_real);
	if (f->parentfd < 0)
		return f->parentfd;
	if (fs->link_mode == LINK_NAMED) {
		f->fd = open_named_tmp(f->parentfd, f->tmpname);
		if (f->fd < 0)
			f->tmpname[0] = '\0';
		return f->fd < 0 ? f->fd : 0;
	}
	f->fd = openat(f->parentfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	return f->fd < 0 ? -errno : 0;
}

struct link_ctx {
	struct recv_fs *fs;
	struct recv_file *f;
};

static int do_link(void *ctx, int dirfd, const char *name)
{
	struct link_ctx *c = ctx;
	char proc[64];
	int r;

	switch (c->fs->link_mode) {
	case LINK_EMPTY_PATH:
		r = linkat(c->f->fd, "", dirfd, name, AT_EMPTY_PATH);
		break;
	case LINK_PROC:
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", c->f->fd);
		r = linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
		break;
	default:
		r = linkat(dirfd, c->f->tmpname, dirfd, name, 0);
		break;
	}
	return r < 0 ? -errno : 0;
}

int recv_fs_file_commit(struct recv_fs *fs, struct recv_file *f, const struct filecopy_header *h)
{
	struct link_ctx c = { fs, f };
	char used[FILECOPY_NAME_MAX + 1];
	int r = set_mode_and_times(f->fd, h->perm, h);

	if (r == 0)
		r = place(fs, f->parentfd, f->parent_real, f->leaf, false, do_link, &c, used);
	recv_fs_file_abort(f); /* the name is in place (or not): drop the fd and any temp name */
	return r;
}

void recv_fs_file_abort(struct recv_file *f)
{
	f->fd = safe_close(f->fd);
	if (f->tmpname[0] && f->parentfd >= 0)
		unlinkat(f->parentfd, f->tmpname, 0);
	f->tmpname[0] = '\0';
}

/* ---- setup ---- */

/* Which way an O_TMPFILE gets its name here: try each on a probe in the root. */
static enum link_mode probe_link_mode(int rootfd)
{
	_cleanup_close_ int fd = openat(rootfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	struct recv_fs probe = { .rootfd = rootfd };
	struct recv_file f = { .fd = fd };
	struct link_ctx c = { &probe, &f };
	char name[64];

	if (fd < 0)
		return LINK_NAMED;
	snprintf(name, sizeof(name), ".bulkhead-probe-%d", (int)getpid());
	for (probe.link_mode = LINK_EMPTY_PATH; probe.link_mode < LINK_NAMED; probe.link_mode++) {
		int r = do_link(&c, rootfd, name);
		if (r == 0 || r == -EEXIST) {
			if (r == 0)
				unlinkat(rootfd, name, 0);
			return probe.link_mode;
		}
	}
	return LINK_NAMED;
}

/* When this system booted, in CLOCK_REALTIME seconds; 0 if unknown. */
static time_t boot_time(void)
{
	struct timespec now, up;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0 || clock_gettime(CLOCK_BOOTTIME, &up) < 0)
		return 0;
	return now.tv_sec - up.tv_sec;
}

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir)

/* A receive killed with its VM (a crash mid-copy) leaves its named partial file at the top of
 * the folder. One last written before this boot has no writer left: remove it. Best effort;
 * partial files of this boot may belong to a receive running beside this one. */
static void sweep_stale_partials(int rootfd)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_(closedirp) DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	time_t booted = boot_time();
	struct dirent *e;
	struct stat st;

	if (!d) {
		safe_close(fd);
		return;
	}
	while (booted > 0 && (e = readdir(d)))
		if (str_startswith(e->d_name, ".bulkhead-partial-") &&
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_mtime < booted - 1)
			unlinkat(dirfd(d), e->d_name, 0);
}

int recv_fs_init(struct recv_fs *fs, int rootfd)
{
	sweep_stale_partials(rootfd);
	*fs = (struct recv_fs){ .rootfd = rootfd,
				.cache_fd = -1,
				.conflict_budget = CONFLICT_BUDGET };
	fs->use_openat2 = !force_component_walk && filecopy_have_openat2();
	fs->link_mode = force_named_tmp ? LINK_NAMED : probe_link_mode(rootfd);
	return 0;
}

void recv_fs_finish(struct recv_fs *fs)
{
	for (size_t i = 0; i < fs->map_cap; i++) {
		free(fs->map[i].key);
		free(fs->map[i].real);
	}
	free(fs->map);
	fs->map = NULL;
	fs->cache_fd = safe_close(fs->cache_fd);
}

/* ---- one file, for callers outside the stream (bulkhead.SaveFile) ---- */

int filecopy_atomic_begin(int dirfd, struct filecopy_atomic_file *f)
{
	*f = (struct filecopy_atomic_file){ .fd = -1, .dirfd = dirfd };
	f->link_mode = force_named_tmp ? LINK_NAMED : probe_link_mode(dirfd);
	if (f->link_mode == LINK_NAMED) {
		f->fd = open_named_tmp(dirfd, f->tmpname);
		if (f->fd < 0)
			f->tmpname[0] = '\0';
		return f->fd < 0 ? f->fd : 0;
	}
	f->fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	return f->fd < 0 ? -errno : 0;
}

/* Give the file the name leaf (never replacing) through the stream's own linking code. */
static int atomic_link(struct filecopy_atomic_file *f, const char *leaf)
{
	struct recv_fs fs = { .rootfd = f->dirfd, .link_mode = (enum link_mode)f->link_mode };
	struct recv_file rf = { .fd = f->fd, .parentfd = f->dirfd };
	struct link_ctx c = { &fs, &rf };

	memcpy(rf.tmpname, f->tmpname, sizeof(rf.tmpname));
	return do_link(&c, f->dirfd, leaf);
}

/* A confirmed replacement: the whole file gets a hidden name first, then is renamed over leaf,
 * so the old file stays intact until the new one takes its place in one step. */
static int atomic_replace(struct filecopy_atomic_file *f, const char *leaf)
{
	char hidden[64];
	int r = -EEXIST;

	if (f->link_mode == LINK_NAMED)
		memcpy(hidden, f->tmpname, sizeof(hidden));
	for (int tries = 0; f->link_mode != LINK_NAMED && r == -EEXIST && tries < 100; tries++) {
		snprintf(hidden, sizeof(hidden), ".bulkhead-partial-%d-%u", (int)getpid(),
			 tmp_counter++);
		r = atomic_link(f, hidden);
	}
	if (f->link_mode != LINK_NAMED && r < 0)
		return r;
	r = renameat(f->dirfd, hidden, f->dirfd, leaf) < 0 ? -errno : 0;
	if (r < 0 && f->link_mode != LINK_NAMED)
		unlinkat(f->dirfd, hidden, 0);
	if (r == 0)
		f->tmpname[0] = '\0'; /* renamed away: nothing left to remove */
	return r;
}

int filecopy_atomic_commit(struct filecopy_atomic_file *f, const char *leaf, mode_t perm,
			   bool replace)
{
	int r = fchmod(f->fd, perm) < 0 || fsync(f->fd) < 0 ? negative_errno() : 0;

	if (r == 0)
		r = replace ? atomic_replace(f, leaf) : atomic_link(f, leaf);
	/* Linked (or renamed) into place, or not: drop the fd and any hidden name left. */
	filecopy_atomic_abort(f);
	return r;
}

void filecopy_atomic_abort(struct filecopy_atomic_file *f)
{
	f->fd = safe_close(f->fd);
	if (f->tmpname[0] && f->dirfd >= 0)
		unlinkat(f->dirfd, f->tmpname, 0);
	f->tmpname[0] = '\0';
}
