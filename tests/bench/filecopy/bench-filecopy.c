/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark: file copy through the real sender and receiver over a socketpair (the receiver in
 * a child process, as in a process VM), against a raw copy of the same bytes over a socketpair
 * in the same run (read(2) from the file, write(2) to the socket, and the reverse on the other
 * side, 1 MiB buffers). Two workloads:
 *   - one 1 GiB file: MB/s and the ratio to raw (target: >= 70 %)
 *   - 10,000 small files (1-4 KiB): files/s (target: > 5,000) and MB/s against raw
 * Each measurement is the best of three. Data lives in $BULKHEAD_BENCH_DIR, else /dev/shm (a
 * tmpfs), else /tmp, in a scratch directory removed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "filecopy.h"
#include "tap.h"

#define BIG_SIZE (1ULL << 30)
#define SMALL_FILES 10000
#define RUNS 3
#define BUFSIZE (1 << 20)

static char base[512], src[600], dst[600];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static void empty_dir(const char *dir)
{
	nftw(dir, rm_one, 64, FTW_DEPTH | FTW_PHYS);
}

static void pick_base(void)
{
	const char *env = getenv("BULKHEAD_BENCH_DIR");
	const char *dir = env && *env ? env : access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(base, sizeof(base), "%s/bulkhead-bench-filecopy-XXXXXX", dir);
	if (!mkdtemp(base))
		tap_bail_out("cannot create the bench directory");
	snprintf(src, sizeof(src), "%s/src", base);
	snprintf(dst, sizeof(dst), "%s/dst", base);
	mkdir(src, 0755);
	mkdir(dst, 0755);
}

/* Data that does not compress or repeat at the block level. */
static void fill(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
}

static void make_big(uint8_t *buf)
{
	char p[700];
	int fd;

	snprintf(p, sizeof(p), "%s/big", src);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	for (uint64_t off = 0; fd >= 0 && off < BIG_SIZE; off += BUFSIZE) {
		fill(buf, BUFSIZE, off);
		if (fd_write_all(fd, buf, BUFSIZE) < 0)
			tap_bail_out("cannot write the 1 GiB file");
	}
	close(fd);
}

static uint64_t make_small(uint8_t *buf)
{
	char p[700];
	uint64_t total = 0;

	snprintf(p, sizeof(p), "%s/small", src);
	mkdir(p, 0755);
	fill(buf, 4096, 7);
	for (int i = 0; i < SMALL_FILES; i++) {
		size_t len = 1024 + (size_t)(i * 7919) % 3072;
		snprintf(p, sizeof(p), "%s/small/f%05d", src, i);
		int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || fd_write_all(fd, buf, len) < 0)
			tap_bail_out("cannot write the small files");
		close(fd);
		total += len;
	}
	return total;
}

/* ---- raw: the same bytes through a socketpair with plain read/write ---- */

static int raw_send_file(int sock, int dirfd, const char *name, uint8_t *buf)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, BUFSIZE)) > 0)
		if (fd_write_all(sock, buf, (size_t)n) < 0)
			break;
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Every regular file of rel (a file, or a directory of files) goes into the socket. */
static void raw_send(int sock, const char *rel, uint8_t *buf)
{
	char p[700];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", src, rel);
	stat(p, &st);
	if (S_ISREG(st.st_mode)) {
		raw_send_file(sock, AT_FDCWD, p, buf);
		return;
	}
	int dirfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < SMALL_FILES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%05d", i);
		raw_send_file(sock, dirfd, name, buf);
	}
	close(dirfd);
}

static _noreturn_ void raw_receive(int sock)
{
	static uint8_t buf[BUFSIZE];
	char p[700];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/raw", dst);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	while ((n = read(sock, buf, sizeof(buf))) > 0)
		if (fd_write_all(fd, buf, (size_t)n) < 0)
			_exit(1);
	_exit(n < 0 || fd < 0);
}

static double time_raw(const char *rel, uint8_t *buf)
{
	int sv[2], status;
	double t0 = now();

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		raw_receive(sv[1]);
	}
	close(sv[1]);
	raw_send(sv[0], rel, buf);
	close(sv[0]);
	waitpid(pid, &status, 0);
	double t = now() - t0;
	empty_dir(dst);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

/* ---- filecopy: the real sender and receiver ---- */

static _noreturn_ void fc_receive(int sock)
{
	static struct filecopy_receive_stats st;
	struct filecopy_limits l;
	int dirfd = open(dst, O_PATH | O_DIRECTORY | O_CLOEXEC);

	filecopy_limits_init(&l);
	_exit(filecopy_receive(sock, sock, dirfd, &l, &st) == 0 ? 0 : 1);
}

static double time_filecopy(const char *rel, uint64_t *files)
{
	struct filecopy_sender s;
	struct filecopy_reply reply;
	char p[700];
	int sv[2], status, r;
	double t0 = now();

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		fc_receive(sv[1]);
	}
	close(sv[1]);
	snprintf(p, sizeof(p), "%s/%s", src, rel);
	filecopy_sender_init(&s, sv[0], sv[0]);
	r = filecopy_send_path(&s, p);
	if (r == 0)
		r = filecopy_send_end(&s, &reply);
	*files = s.files;
	filecopy_sender_finish(&s);
	close(sv[0]);
	waitpid(pid, &status, 0);
	double t = now() - t0;
	empty_dir(dst);
	return r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

/* Best of RUNS, alternating raw and filecopy so both see the same machine state. */
static void measure(const char *rel, uint8_t *buf, double *raw, double *fc, uint64_t *files)
{
	*raw = *fc = 1e9;
	for (int i = 0; i < RUNS; i++) {
		double a = time_raw(rel, buf), b = time_filecopy(rel, files);
		if (a < 0 || b < 0)
			tap_bail_out("a copy failed");
		*raw = a < *raw ? a : *raw;
		*fc = b < *fc ? b : *fc;
	}
}

int main(void)
{
	uint8_t *buf = malloc(BUFSIZE);
	double raw, fc;
	uint64_t files, small_bytes;

	signal(SIGPIPE, SIG_IGN);
	pick_base();
	diag("bench data in %s", base);
	make_big(buf);
	small_bytes = make_small(buf);

	measure("big", buf, &raw, &fc, &files);
	double raw_mb = BIG_SIZE / raw / 1e6, fc_mb = BIG_SIZE / fc / 1e6;
	diag("1 GiB file: filecopy %.0f MB/s, raw socket copy %.0f MB/s, ratio %.2f", fc_mb, raw_mb,
	     fc_mb / raw_mb);
	ok(fc_mb / raw_mb >= 0.70,
	   "1 GiB: filecopy %.0f MB/s is %.0f %% of raw %.0f MB/s (target >= 70 %%)", fc_mb,
	   100 * fc_mb / raw_mb, raw_mb);

	measure("small", buf, &raw, &fc, &files);
	raw_mb = (double)small_bytes / raw / 1e6, fc_mb = (double)small_bytes / fc / 1e6;
	diag("10,000 small files (%.1f MB): %.0f files/s, filecopy %.0f MB/s, raw %.0f MB/s, ratio %.2f",
	     (double)small_bytes / 1e6, SMALL_FILES / fc, fc_mb, raw_mb, fc_mb / raw_mb);
	ok(SMALL_FILES / fc > 5000, "10,000 small files: %.0f files/s (target > 5,000)",
	   SMALL_FILES / fc);
	ok(files == SMALL_FILES + 1, "  all %llu entries were sent", (unsigned long long)files);

	empty_dir(base);
	rmdir(base);
	free(buf);
	return tap_done();
}
