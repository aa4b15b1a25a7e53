/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packer/sender: walks its arguments depth-first and writes the qvm-copy stream
 * (FILECOPY.md), accumulating the CRC-32 of every byte written; then reads the receiver's
 * reply (untrusted-reply.c) and compares CRCs.
 *
 * Trust: the files are the sender's own; only the reply comes from the other VM. The walk
 * never follows symlinks (they are sent as links), and a file is opened with O_NOFOLLOW and
 * re-checked with fstat, so a file swapped for a FIFO mid-walk cannot block the copy.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "filecopy.h"
#include "macro.h"
#include "strutil.h"

#define SEND_BUFSIZE (1024 * 1024)
#define SEND_DEPTH_MAX 256

int filecopy_sender_init(struct filecopy_sender *s, int out_fd, int reply_fd)
{
	*s = (struct filecopy_sender){ .out_fd = out_fd, .reply_fd = reply_fd };
	s->bufsize = SEND_BUFSIZE;
	s->buf = malloc(s->bufsize);
	return s->buf ? 0 : -ENOMEM;
}

void filecopy_sender_finish(struct filecopy_sender *s)
{
	for (size_t i = 0; i < s->n_sent; i++)
		free(s->sent[i]);
	free(s->sent);
	free(s->buf);
	s->sent = NULL;
	s->buf = NULL;
}

/* Has the receiver answered (or gone) before the end? Then sending more is pointless. */
static bool reply_waiting(struct filecopy_sender *s)
{
	struct pollfd p = { .fd = s->reply_fd, .events = POLLIN };

	return s->reply_fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP));
}

static int flush(struct filecopy_sender *s)
{
	int r;

	if (s->used == 0)
		return 0;
	if (reply_waiting(s)) {
		s->early_reply = true;
		return -EPIPE;
	}
	r = fd_write_all(s->out_fd, s->buf, s->used);
	if (r == -EPIPE || r == -ECONNRESET) {
		s->early_reply = true;
		return -EPIPE;
	}
	s->used = 0;
	return r;
}

static int put(struct filecopy_sender *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		size_t n = MIN(len, s->bufsize - s->used);
		memcpy(s->buf + s->used, p, n);
		s->crc = filecopy_crc32(s->crc, p, n);
		s->used += n, p += n, len -= n;
		if (s->used == s->bufsize) {
			int r = flush(s);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Seconds as the stream's u32, clamped (before 1970 -> 0, after 2106 -> the maximum). */
static uint32_t time_u32(time_t t)
{
	return t < 0 ? 0 : (uint64_t)t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static int put_header(struct filecopy_sender *s, const char *name, const struct stat *st,
		      uint64_t filelen)
{
	uint32_t f[8];
	uint64_t len64 = htole64(filelen);

	f[0] = htole32((uint32_t)strlen(name) + 1);
	f[1] = htole32((uint32_t)st->st_mode);
	memcpy(&f[2], &len64, 8);
	f[4] = htole32(time_u32(st->st_atim.tv_sec));
	f[5] = htole32((uint32_t)st->st_atim.tv_nsec);
	f[6] = htole32(time_u32(st->st_mtim.tv_sec));
	f[7] = htole32((uint32_t)st->st_mtim.tv_nsec);
	int r = put(s, f, sizeof(f));
	return r < 0 ? r : put(s, name, strlen(name) + 1);
}

/* The file's bytes, read straight into the output buffer. */
static int put_file_data(struct filecopy_sender *s, int fd, uint64_t size)
{
	while (size > 0) {
		if (s->used == s->bufsize) {
			int r = flush(s);
			if (r < 0)
				return r;
		}
		ssize_t k = read(fd, s->buf + s->used, MIN(size, (uint64_t)(s->bufsize - s->used)));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -ESTALE; /* the file shrank while being sent */
		s->crc = filecopy_crc32(s->crc, s->buf + s->used, (size_t)k);
		s->used += (size_t)k, size -= (uint64_t)k;
		s->bytes += (uint64_t)k;
		if (s->progress)
			filecopy_progress_add(s->progress, (uint64_t)k, 0);
	}
	return 0;
}

static int record(struct filecopy_sender *s, char type, const char *local)
{
	char *copy;

	if (!s->record)
		return 0;
	if (s->n_sent == s->cap_sent) {
		size_t cap = s->cap_sent ? s->cap_sent * 2 : 64;
		char **p = realloc(s->sent, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		s->sent = p, s->cap_sent = cap;
	}
	copy = str_new_printf("%c%s", type, local);
	if (!copy)
		return -ENOMEM;
	s->sent[s->n_sent++] = copy;
	return 0;
}

/* A walk position: the stream name and the local path of the entry. */
struct walk {
	char name[FILECOPY_PATH_MAX];
	char local[PATH_MAX];
	int depth;
};

static int send_entry(struct filecopy_sender *s, int dirfd, const char *leaf, struct walk *w);

static int send_regular(struct filecopy_sender *s, int dirfd, const char *leaf, struct walk *w)
{
	_cleanup_close_ int fd =
		openat(dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ESTALE; /* replaced since we looked */
	r = put_header(s, w->name, &st, (uint64_t)st.st_size);
	if (r == 0)
		r = put_file_data(s, fd, (uint64_t)st.st_size);
	if (r == 0)
		r = record(s, 'f', w->local);
	s->files++;
	if (s->progress)
		filecopy_progress_add(s->progress, 0, 1);
	return r;
}

static int send_symlink(struct filecopy_sender *s, int dirfd, const char *leaf,
			const struct stat *st, struct walk *w)
{
	char target[FILECOPY_PATH_MAX];
	ssize_t n = readlinkat(dirfd, leaf, target, sizeof(target));
	int r;

	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	r = put_header(s, w->name, st, (uint64_t)n);
	if (r == 0)
		r = put(s, target, (size_t)n);
	s->files++;
	return r < 0 ? r : record(s, 'f', w->local);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's entries, sorted so that the stream is the same on every run. */
static int list_dir(int fd, char ***ret, size_t *ret_n)
{
	DIR *d = fdopendir(dup(fd));
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof(*p));
			if (!p) {
				r = -ENOMEM;
				break;
			}
			names = p;
		}
		if (!(names[n] = strdup(de->d_name))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	*ret = names, *ret_n = n;
	return r;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Descend into one child: extend the walk position, send it, restore the position. */
static int send_child(struct filecopy_sender *s, int fd, const char *child, struct walk *w)
{
	size_t nl = strlen(w->name), ll = strlen(w->local);
	int r;

	if (str_printf(w->name + nl, sizeof(w->name) - nl, "/%s", child) < 0 ||
	    str_printf(w->local + ll, sizeof(w->local) - ll, "/%s", child) < 0) {
		w->name[nl] = w->local[ll] = '\0';
		return -ENAMETOOLONG;
	}
	w->depth++;
	r = send_entry(s, fd, child, w);
	w->depth--;
	if (r < 0 && !s->failed_path[0]) /* the innermost failure names the path */
		str_copy(s->failed_path, sizeof(s->failed_path), w->local);
	w->name[nl] = w->local[ll] = '\0';
	return r;
}

static int send_dir(struct filecopy_sender *s, int dirfd, const char *leaf, const struct stat *st,
		    struct walk *w)
{
	_cleanup_close_ int fd =
		openat(dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char **names = NULL;
	size_t n = 0;
	int r;

	if (fd < 0)
		return -errno;
	if (w->depth >= SEND_DEPTH_MAX)
		return -ELOOP;
	r = put_header(s, w->name, st, 0);
	if (r == 0)
		r = record(s, 'd', w->local);
	if (r == 0)
		r = list_dir(fd, &names, &n);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = send_child(s, fd, names[i], w);
	free_names(names, n);
	s->files++;
	/* Again after the contents, so the final mode and times apply after they are written. */
	return r < 0 ? r : put_header(s, w->name, st, 0);
}

static int send_entry(struct filecopy_sender *s, int dirfd, const char *leaf, struct walk *w)
{
	struct stat st;

	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return send_regular(s, dirfd, leaf, w);
	if (S_ISDIR(st.st_mode))
		return send_dir(s, dirfd, leaf, &st, w);
	if (S_ISLNK(st.st_mode))
		return send_symlink(s, dirfd, leaf, &st, w);
	/* FIFOs, sockets and devices are never sent: an error when named, else skipped. */
	if (w->depth == 0)
		return -EINVAL;
	s->skipped++;
	return 0;
}

/* Split an argument into the directory to work in and the base name to send; "." and ".."
 * and "dir/" get their real names. */
static int split_argument(const char *path, char dir[static PATH_MAX],
			  char base[static FILECOPY_NAME_MAX + 1])
{
	char buf[PATH_MAX];
	size_t n;
	char *slash;

	if (str_copy(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	slash = strrchr(buf, '/');
	const char *b = slash ? slash + 1 : buf;
	if (streq(b, ".") || streq(b, "..") || b[0] == '\0') {
		if (!realpath(path, buf))
			return -errno;
		slash = strrchr(buf, '/');
		b = slash + 1;
	}
	if (b[0] == '\0')
		return -EINVAL; /* "/" itself */
	if (str_copy(base, FILECOPY_NAME_MAX + 1, b) < 0)
		return -ENAMETOOLONG;
	if (!slash)
		return str_copy(dir, PATH_MAX, ".");
	*slash = '\0';
	return str_copy(dir, PATH_MAX, slash == buf ? "/" : buf);
}

int filecopy_send_path(struct filecopy_sender *s, const char *path)
{
	char dir[PATH_MAX], base[FILECOPY_NAME_MAX + 1];
	_cleanup_free_ struct walk *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	str_copy(s->failed_path, sizeof(s->failed_path), path);
	r = split_argument(path, dir, base);
	if (r < 0)
		return r;
	_cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	memcpy(w->name, base, strlen(base) + 1);
	if (str_printf(w->local, sizeof(w->local), "%s%s%s", streq(dir, ".") ? "" : dir,
		       streq(dir, ".") || streq(dir, "/") ? "" : "/", base) < 0)
		return -ENAMETOOLONG;
	s->failed_path[0] = '\0';
	r = send_entry(s, dirfd, base, w);
	if (r < 0 && !s->failed_path[0])
		str_copy(s->failed_path, sizeof(s->failed_path), path);
	return r;
}

int filecopy_send_end(struct filecopy_sender *s, struct filecopy_reply *reply)
{
	static const uint8_t end_marker[sizeof(struct filecopy_file_header)];
	int r = 0;

	memset(reply, 0, sizeof(*reply));
	if (!s->early_reply) {
		r = put(s, end_marker, sizeof(end_marker));
		if (r == 0)
			r = flush(s);
		if (r < 0 && !s->early_reply)
			return r;
	}
	if (s->reply_fd < 0)
		return s->early_reply ? -EPIPE : 0;
	r = filecopy_reply_read(s->reply_fd, reply);
	if (r < 0)
		return r;
	if (reply->error_code != 0)
		return -EREMOTE;
	if (s->early_reply)
		return -EPROTO; /* it stopped reading, yet claims success */
	if (!reply->crc_valid || reply->crc32 != s->crc)
		return -EBADE;
	return 0;
}

/* ---- the size of the job, for the progress bar ---- */

static void scan_at(int dirfd, const char *leaf, int depth, uint64_t *bytes, uint64_t *files)
{
	struct stat st;

	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	(*files)++;
	if (S_ISREG(st.st_mode))
		*bytes += (uint64_t)st.st_size;
	if (!S_ISDIR(st.st_mode) || depth >= SEND_DEPTH_MAX)
		return;
	_cleanup_close_ int fd =
		openat(dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char **names = NULL;
	size_t n = 0;
	if (fd < 0)
		return;
	list_dir(fd, &names, &n);
	for (size_t i = 0; i < n; i++)
		scan_at(fd, names[i], depth + 1, bytes, files);
	free_names(names, n);
}

int filecopy_scan(char *const *paths, size_t n, uint64_t *ret_bytes, uint64_t *ret_files)
{
	*ret_bytes = *ret_files = 0;
	for (size_t i = 0; i < n; i++)
		scan_at(AT_FDCWD, paths[i], 0, ret_bytes, ret_files);
	return 0;
}
