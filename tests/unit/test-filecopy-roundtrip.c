/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sender and receiver together, over a socketpair (the receiver in a child process, as in a
 * real VM): trees with files, directories, relative links, empty files, unicode names, times
 * and modes arrive byte for byte and with their metadata; a move deletes the sources only after
 * success; the sender reports a CRC mismatch, stops at an early reply, and draws its progress
 * bar on a terminal.
 */
#include <pty.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "test-filecopy-util.h"
#include "tap.h"

struct copy_result {
	int send_r;	 /* filecopy_send_end's result (or the first send error) */
	int recv_status; /* the receiver child's exit status: its -return */
	struct filecopy_reply reply;
	struct filecopy_sender s;
};

/* Receiver child: unpack from fd into dir, exit with the reply's code (0 = success). */
static _noreturn_ void receiver_child(int fd, const char *dir, const struct filecopy_limits *l)
{
	struct filecopy_receive_stats *st = calloc(1, sizeof(*st));
	int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = filecopy_receive(fd, fd, dirfd, l, st);

	_exit(r == 0 ? 0 : r == -(int)FILECOPY_ESHORTDATA ? 254 : (-r) & 0xff);
}

/* Copy paths into dir through the real sender and receiver. record: keep what was sent. */
static void copy_paths(char **paths, size_t n, const char *dir, const struct filecopy_limits *l,
		       bool record, struct copy_result *res)
{
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		receiver_child(sv[1], dir, l);
	}
	close(sv[1]);
	filecopy_sender_init(&res->s, sv[0], sv[0]);
	res->s.record = record;
	res->send_r = 0;
	for (size_t i = 0; res->send_r == 0 && i < n; i++)
		res->send_r = filecopy_send_path(&res->s, paths[i]);
	if (res->send_r == 0 || res->s.early_reply)
		res->send_r = filecopy_send_end(&res->s, &res->reply);
	close(sv[0]);
	waitpid(pid, &status, 0);
	res->recv_status = WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

/* ---- building and comparing trees ---- */

static void mkfile(const char *dir, const char *rel, const void *data, size_t len, mode_t mode,
		   time_t mtime, long nsec)
{
	char p[4096];
	struct timespec ts[2] = { { mtime + 3600, 0 }, { mtime, nsec } };

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (write_file(p, data, len) < 0 || chmod(p, mode) < 0 || utimensat(AT_FDCWD, p, ts, 0) < 0)
		abort();
}

static void mkdir_at(const char *dir, const char *rel, mode_t mode)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (mkdir(p, mode) < 0 || chmod(p, mode) < 0)
		abort();
}

static void mklink(const char *dir, const char *rel, const char *target)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (symlink(target, p) < 0)
		abort();
}

static void set_dir_time(const char *dir, const char *rel, time_t mtime)
{
	char p[4096];
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 500 } };
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW);
}

static uint8_t big[5 * 1024 * 1024 + 17];

static void make_tree(const char *src)
{
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)((i * 2654435761u) >> 13);
	mkdir_at(src, "tree", 0750);
	mkfile(src, "tree/hello.txt", "hello\n", 6, 0644, 1400000000, 123456789);
	mkfile(src, "tree/empty", "", 0, 0600, 1300000000, 0);
	mkfile(src, "tree/script.sh", "#!/bin/sh\n", 10, 0755, 1450000000, 999999999);
	mkfile(src, "tree/readonly", "ro", 2, 0444, 1460000000, 1);
	mkfile(src, "tree/big.bin", big, sizeof(big), 0640, 1470000000, 42);
	mkdir_at(src, "tree/日本語 ディレクトリ", 0755);
	mkfile(src, "tree/日本語 ディレクトリ/Ünïcödé файл ملف.txt", "unicode", 7, 0644, 1480000000,
	       7);
	mkfile(src, "tree/日本語 ディレクトリ/e\xcc\x81t\xc3\xa9", "nfd", 3, 0644, 1480000000, 8);
	mkdir_at(src, "tree/sub", 0700);
	mkdir_at(src, "tree/sub/deeper", 0755);
	mkdir_at(src, "tree/sub/empty-dir", 0555);
	mklink(src, "tree/link-to-hello", "hello.txt");
	mklink(src, "tree/sub/deeper/up", "../../hello.txt");
	mklink(src, "tree/sub/to-dir", "deeper");
	mklink(src, "tree/dangling", "does-not-exist");
	mkfile(src, "single.txt", "single file\n", 12, 0604, 1234567890, 5);
	set_dir_time(src, "tree/sub/empty-dir", 1100000000);
	set_dir_time(src, "tree/sub/deeper", 1110000000);
	set_dir_time(src, "tree/sub", 1120000000);
	set_dir_time(src, "tree/日本語 ディレクトリ", 1130000000);
	set_dir_time(src, "tree", 1140000000);
}

struct rec {
	char rel[1024];
	struct stat st;
	char target[256];
};

struct snap {
	struct rec recs[64];
	size_t n;
};

static struct snap *cur_snap;
static const char *snap_root;

static int snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct rec *r = &cur_snap->recs[cur_snap->n++];

	if (cur_snap->n > ELEMENTSOF(cur_snap->recs))
		abort();
	snprintf(r->rel, sizeof(r->rel), "%s", path + strlen(snap_root) + 1);
	r->st = *st;
	r->target[0] = '\0';
	if (S_ISLNK(st->st_mode))
		r->target[readlink(path, r->target, sizeof(r->target) - 1)] = '\0';
	return 0;
}

/* Record every entry below root (relative names) with its lstat before the copy. */
static void snapshot(const char *root, const char *top, struct snap *sn)
{
	char p[1024];

	sn->n = 0;
	cur_snap = sn;
	snap_root = root;
	snprintf(p, sizeof(p), "%s/%s", root, top);
	nftw(p, snap_one, 16, FTW_PHYS);
}

static bool same_content(const char *a, const char *b, off_t size)
{
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC);
	static uint8_t ba[65536], bb[65536];
	bool same = fa >= 0 && fb >= 0;

	for (off_t done = 0; same && done < size;) {
		ssize_t na = read(fa, ba, sizeof(ba)), nb = read(fb, bb, sizeof(bb));
		same = na > 0 && na == nb && memcmp(ba, bb, (size_t)na) == 0;
		done += na > 0 ? na : 0;
	}
	close(fa);
	close(fb);
	return same;
}

/* One entry of the copy against its snapshot: type, mode, size, times, bytes, link target. */
static bool entry_matches(const struct rec *r, const char *src, const char *dst, const char *as)
{
	char sp[4096], dp[4096], t[256];
	struct stat st;
	const char *rest = strchr(r->rel, '/');

	snprintf(sp, sizeof(sp), "%s/%s", src, r->rel);
	snprintf(dp, sizeof(dp), "%s/%s%s", dst, as, rest ? rest : "");
	if (lstat(dp, &st) < 0 || (st.st_mode & S_IFMT) != (r->st.st_mode & S_IFMT))
		return diag("  %s: missing or wrong type", dp), false;
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(dp, t, sizeof(t) - 1);
		return n >= 0 && (t[n] = '\0', streq(t, r->target));
	}
	if ((st.st_mode & 07777) != (r->st.st_mode & 0777) ||
	    st.st_mtim.tv_sec != r->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != r->st.st_mtim.tv_nsec)
		return diag("  %s: mode %o/%o or mtime differ", dp, st.st_mode, r->st.st_mode),
		       false;
	if (!S_ISREG(st.st_mode))
		return true;
	if (st.st_atim.tv_sec != r->st.st_atim.tv_sec || st.st_size != r->st.st_size)
		return diag("  %s: atime or size differ", dp), false;
	return same_content(sp, dp, st.st_size) || (diag("  %s: content differs", dp), false);
}

static size_t tree_entries;

static int count_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	tree_entries++;
	return 0;
}

static size_t count_tree(const char *path)
{
	tree_entries = 0;
	nftw(path, count_one, 16, FTW_PHYS);
	return tree_entries;
}

/* Every snapshot entry arrived as `as` (the top name at the receiver), and nothing else. */
static bool tree_matches(const struct snap *sn, const char *src, const char *dst, const char *as)
{
	char top[2048];
	bool all = true;

	for (size_t i = 0; i < sn->n; i++)
		all &= entry_matches(&sn->recs[i], src, dst, as);
	snprintf(top, sizeof(top), "%s/%s", dst, as);
	return all && count_tree(top) == sn->n;
}

static void test_round_trip(const char *scratch)
{
	char src[512], dst[512], a1[600], a2[600];
	char *paths[] = { a1, a2 };
	struct filecopy_limits l;
	struct copy_result res;
	static struct snap tree, single;

	filecopy_limits_init(&l);
	snprintf(src, sizeof(src), "%s/src", scratch);
	snprintf(dst, sizeof(dst), "%s/dst", scratch);
	mkdir(src, 0755);
	mkdir(dst, 0700);
	make_tree(src);
	snprintf(a1, sizeof(a1), "%s/tree/", src); /* a trailing slash names the same directory */
	snprintf(a2, sizeof(a2), "%s/single.txt", src);
	snapshot(src, "tree", &tree);
	snapshot(src, "single.txt", &single);
	copy_paths(paths, 2, dst, &l, false, &res);
	is_int(res.send_r, 0, "a tree and a file go across: the sender sees success");
	is_int(res.recv_status, 0, "  the receiver succeeded");
	is_int(res.reply.error_code, 0, "  the reply says 0");
	is_int(res.reply.crc32, res.s.crc, "  with the sender's CRC");
	ok(tree_matches(&tree, src, dst, "tree"),
	   "  every file, directory and link arrived byte for byte, with modes and times");
	ok(tree_matches(&single, src, dst, "single.txt"), "  the single file too");
	is_int(res.s.bytes, sizeof(big) + 6 + 2 + 10 + 7 + 3 + 12,
	       "  the sender counted the bytes");
	filecopy_sender_finish(&res.s);

	snapshot(src, "tree", &tree);
	snapshot(src, "single.txt", &single);
	copy_paths(paths, 2, dst, &l, false, &res);
	is_int(res.send_r, 0, "the same copy again succeeds");
	ok(tree_matches(&tree, src, dst, "tree (1)"), "  as 'tree (1)' beside the first copy");
	ok(tree_matches(&single, src, dst, "single (1).txt"), "  and 'single (1).txt'");
	ok(res.reply.last_name_len > 0, "  the reply names a renamed entry");
	filecopy_sender_finish(&res.s);
}

static void test_move(const char *scratch)
{
	char src[512], dst[512], arg[600], p[700];
	char *paths[] = { arg };
	struct filecopy_limits l;
	struct copy_result res;
	char failed[256];

	filecopy_limits_init(&l);
	snprintf(src, sizeof(src), "%s/msrc", scratch);
	snprintf(dst, sizeof(dst), "%s/mdst", scratch);
	mkdir(src, 0755);
	mkdir(dst, 0700);
	mkdir_at(src, "m", 0755);
	mkfile(src, "m/a", "a", 1, 0644, 1500000000, 0);
	mkdir_at(src, "m/d", 0755);
	mkfile(src, "m/d/b", "b", 1, 0644, 1500000000, 0);
	mklink(src, "m/d/l", "b");
	snprintf(arg, sizeof(arg), "%s/m", src);
	copy_paths(paths, 1, dst, &l, true, &res);
	is_int(res.send_r, 0, "move: the copy succeeds");
	is_int(res.s.n_sent, 5, "  five entries were recorded as sent");
	is_int(filecopy_remove_sent(&res.s, failed, sizeof(failed)), 0,
	       "  the sources are removed");
	ok(access(arg, F_OK) < 0 && errno == ENOENT, "  the moved directory is gone");
	snprintf(p, sizeof(p), "%s/m/d/b", dst);
	ok(access(p, F_OK) == 0, "  and its files are at the target");
	filecopy_sender_finish(&res.s);

	/* A file that appears in a moved directory during the copy was not sent: it stays. */
	mkdir_at(src, "m", 0755);
	mkfile(src, "m/a", "a", 1, 0644, 1500000000, 0);
	copy_paths(paths, 1, dst, &l, true, &res);
	mkfile(src, "m/late", "late", 4, 0644, 1500000000, 0);
	is_int(res.send_r, 0, "move of a directory that gains a file during the copy");
	is_int(filecopy_remove_sent(&res.s, failed, sizeof(failed)), -ENOTEMPTY,
	       "  removing reports the directory as not empty");
	snprintf(p, sizeof(p), "%s/m/late", src);
	ok(access(p, F_OK) == 0, "  the late file is kept");
	snprintf(p, sizeof(p), "%s/m/a", src);
	ok(access(p, F_OK) < 0, "  what was sent is removed");
	filecopy_sender_finish(&res.s);
}

/* A receiver that unpacks for real but reports a CRC one bit off. */
static _noreturn_ void lying_receiver(int fd, const char *dir)
{
	struct filecopy_receive_stats *st = calloc(1, sizeof(*st));
	struct filecopy_limits l;
	uint8_t buf[8192];
	int out = memfd_with(NULL, 0), dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	filecopy_limits_init(&l);
	filecopy_receive(fd, out, dirfd, &l, st);
	ssize_t n = pread(out, buf, sizeof(buf), 0);
	buf[8] ^= 1;
	if (n < 16 || write(fd, buf, (size_t)n) != n)
		_exit(1);
	_exit(0);
}

static void test_crc_mismatch(const char *scratch)
{
	char src[600], dst[512];
	struct filecopy_sender s;
	struct filecopy_reply reply;
	int sv[2];

	snprintf(dst, sizeof(dst), "%s/crcdst", scratch);
	mkdir(dst, 0700);
	snprintf(src, sizeof(src), "%s/src/single.txt", scratch);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		lying_receiver(sv[1], dst);
	}
	close(sv[1]);
	filecopy_sender_init(&s, sv[0], sv[0]);
	ok(filecopy_send_path(&s, src) == 0, "crc: the file is sent");
	is_int(filecopy_send_end(&s, &reply), -EBADE, "  a CRC mismatch is a failure (-EBADE)");
	is_int(reply.error_code, 0, "  even though the reply's code was 0");
	filecopy_sender_finish(&s);
	close(sv[0]);
	waitpid(pid, NULL, 0);
}

static void test_early_reply(const char *scratch)
{
	char src[512], dst[512];
	char *paths[] = { src };
	struct filecopy_limits l = { 0, 1 << 20 };
	struct copy_result res;
	int fd;

	snprintf(src, sizeof(src), "%s/sparse-1g", scratch);
	snprintf(dst, sizeof(dst), "%s/edst", scratch);
	mkdir(dst, 0700);
	fd = open(src, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, 1LL << 30) < 0)
		abort();
	close(fd);
	alarm(60);
	copy_paths(paths, 1, dst, &l, false, &res);
	alarm(0);
	is_int(res.send_r, -EREMOTE, "early reply: a 1 GiB file over a 1 MiB limit fails");
	is_int(res.reply.error_code, EDQUOT, "  with the receiver's EDQUOT");
	ok(res.s.bytes < (64 << 20), "  and the sender stopped early (%llu bytes sent)",
	   (unsigned long long)res.s.bytes);
	ok(streq(res.reply.last_name, "sparse-1g"), "  the reply names the file");
	filecopy_sender_finish(&res.s);
	unlink(src);
}

static void test_progress_pty(void)
{
	int master, slave;
	char buf[4096] = "";
	struct pollfd p;
	size_t got = 0;

	if (openpty(&master, &slave, NULL, NULL, NULL) < 0) {
		ok(true, "# SKIP no pty available");
		return;
	}
	struct filecopy_progress *pr = filecopy_progress_new(slave, 1000000, 10);
	filecopy_progress_add(pr, 500000, 5);
	nanosleep(&(struct timespec){ 0, 120 * 1000 * 1000 }, NULL);
	filecopy_progress_add(pr, 100000, 1);
	filecopy_progress_free(pr);
	p = (struct pollfd){ .fd = master, .events = POLLIN };
	while (got < sizeof(buf) - 1 && poll(&p, 1, 200) > 0) {
		ssize_t n = read(master, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	ok(str_startswith(buf, "\r 60% ["), "progress on a pty: redrawn in place from column 0");
	ok(strstr(buf, "585.9 KiB / 976.6 KiB") != NULL, "  shows bytes done and total");
	ok(strstr(buf, "/s ") != NULL && strstr(buf, " left\033[K") != NULL,
	   "  then the rate and the time left, erasing the rest of the line");
	ok(str_endswith(buf, "\r\033[K"), "  and is cleared at the end for the summary");
	close(master);
	close(slave);
}

int main(void)
{
	char *scratch = scratch_dir("roundtrip");

	signal(SIGPIPE, SIG_IGN);
	test_round_trip(scratch);
	test_move(scratch);
	test_crc_mismatch(scratch);
	test_early_reply(scratch);
	test_progress_pty();
	rm_rf(scratch);
	free(scratch);
	return tap_done();
}
