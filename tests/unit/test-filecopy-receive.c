/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hardened receiver against hostile streams: a table with one or more streams per rule of
 * FILECOPY.md, each with the error code the reply must carry. After every stream: nothing was
 * written outside the incoming folder (a planted symlink "evil" -> ../outside is there to be
 * followed by mistake), no partial file remains (every complete file in the table holds "OK"),
 * and the refused entry is absent. The table runs three times: with openat2 walks, with the
 * O_NOFOLLOW-per-component fallback, and with hidden temporary names instead of O_TMPFILE.
 */
#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "test-filecopy-util.h"
#include "tap.h"

enum { OP_END, OP_FILE, OP_DIR, OP_LINK, OP_HDR, OP_RAW };

struct op {
	int kind;
	const char *name, *data;
	uint32_t namelen, mode;
	uint64_t len;
	uint32_t ansec, mnsec;
	size_t dlen;
};

#define F(n, c)               \
	{                     \
		OP_FILE, n, c \
	}
#define D(n)              \
	{                 \
		OP_DIR, n \
	}
#define L(n, t)               \
	{                     \
		OP_LINK, n, t \
	}
/* A raw header, then namelen bytes of name (if any), then len bytes of data (if any). */
#define H(nl, m, l, an, mn, n, d)                             \
	{                                                     \
		OP_HDR, n, d, nl, m, l, an, mn, sizeof(d) - 1 \
	}
#define HN(nl, m, l, an, mn, n)                      \
	{                                            \
		OP_HDR, n, NULL, nl, m, l, an, mn, 0 \
	}
#define R(d, l)                          \
	{                                \
		OP_RAW, NULL, d, 0, 0, l \
	}

struct hostile {
	const char *desc;
	struct op ops[6];
	uint32_t want;
	const char *absent; /* must not exist in the incoming folder afterwards */
	bool noend;	    /* no end marker: a cut stream */
	uint64_t max_files, max_bytes;
};

static char long_component[300];

static const struct hostile table[] = {
	/* headers */
	{ "atime nsec over 999999999",
	  { H(2, S_IFREG | 0644, 2, 1000000000, 0, "a", "OK") },
	  EINVAL,
	  "a" },
	{ "mtime nsec over 999999999",
	  { H(2, S_IFREG | 0644, 2, 0, 4000000000u, "a", "OK") },
	  EINVAL,
	  "a" },
	{ "a FIFO", { HN(2, S_IFIFO | 0644, 0, 0, 0, "p") }, EINVAL, "p" },
	{ "a character device", { HN(2, S_IFCHR | 0666, 0, 0, 0, "c") }, EINVAL, "c" },
	{ "a block device", { HN(2, S_IFBLK | 0666, 0, 0, 0, "b") }, EINVAL, "b" },
	{ "a socket", { HN(2, S_IFSOCK | 0666, 0, 0, 0, "s") }, EINVAL, "s" },
	{ "a mode with no type", { H(2, 0644, 2, 0, 0, "a", "OK") }, EINVAL, "a" },
	{ "mode bits above the type",
	  { H(2, 0x10000 | S_IFREG | 0644, 2, 0, 0, "a", "OK") },
	  EINVAL,
	  "a" },
	{ "a directory with a length", { H(2, S_IFDIR | 0755, 2, 0, 0, "d", "OK") }, EINVAL, "d" },
	{ "an end marker that is not all zeros",
	  { F("ok", "OK"), HN(0, S_IFREG, 0, 0, 0, NULL) },
	  EINVAL,
	  NULL,
	  true },
	{ "namelen 5000", { HN(5000, S_IFREG | 0644, 0, 0, 0, NULL) }, ENAMETOOLONG },
	{ "namelen 2^32-1", { HN(UINT32_MAX, S_IFREG | 0644, 0, 0, 0, NULL) }, ENAMETOOLONG },
	{ "a 5000-byte link target",
	  { D("d"), HN(4, S_IFLNK | 0777, 5000, 0, 0, "d/l") },
	  ENAMETOOLONG,
	  "d/l" },
	/* names */
	{ "an empty name", { H(1, S_IFREG | 0644, 2, 0, 0, "", "OK") }, EILSEQ },
	{ "an absolute path", { F("/tmp/bulkhead-abs", "OK") }, EILSEQ },
	{ "a .. name", { F("..", "OK") }, EILSEQ },
	{ "a leading ..", { F("../escape", "OK") }, EILSEQ },
	{ "a .. inside", { D("d"), F("d/../../escape", "OK") }, EILSEQ },
	{ "a . component", { D("d"), F("d/./x", "OK") }, EILSEQ, "d/x" },
	{ "a // in the name", { D("d"), F("d//x", "OK") }, EILSEQ, "d/x" },
	{ "a trailing /", { F("x/", "OK") }, EILSEQ, "x" },
	{ "an embedded NUL", { H(4, S_IFREG | 0644, 2, 0, 0, "a\0b", "OK") }, EILSEQ, "a" },
	{ "a missing final NUL", { H(3, S_IFREG | 0644, 2, 0, 0, "abc", "OK") }, EILSEQ, "abc" },
	{ "a 256-byte component", { F(long_component, "OK") }, ENAMETOOLONG },
	{ "a control character", { F("a\x01", "OK") }, EILSEQ },
	{ "an ANSI escape", { F("a\x1b[2J", "OK") }, EILSEQ },
	{ "a newline", { F("a\nb", "OK") }, EILSEQ },
	{ "DEL", { F("a\x7f", "OK") }, EILSEQ },
	{ "C1 control U+0085", { F("a\xc2\x85", "OK") }, EILSEQ },
	{ "bidi override U+202E", { F("gpj\xe2\x80\xae.exe", "OK") }, EILSEQ },
	{ "bidi isolate U+2067", { F("a\xe2\x81\xa7", "OK") }, EILSEQ },
	{ "zero-width joiner U+200D", { F("a\xe2\x80\x8d", "OK") }, EILSEQ },
	{ "zero-width space U+200B", { F("a\xe2\x80\x8b", "OK") }, EILSEQ },
	{ "no-break space U+00A0", { F("a\xc2\xa0", "OK") }, EILSEQ },
	{ "ideographic space U+3000", { F("a\xe3\x80\x80", "OK") }, EILSEQ },
	{ "private use U+E000", { F("a\xee\x80\x80", "OK") }, EILSEQ },
	{ "noncharacter U+FFFF", { F("a\xef\xbf\xbf", "OK") }, EILSEQ },
	{ "a surrogate U+DC00", { F("a\xed\xb0\x80", "OK") }, EILSEQ },
	{ "an emoji U+1F4A9", { F("a\xf0\x9f\x92\xa9", "OK") }, EILSEQ },
	{ "invalid UTF-8", { F("a\xfe", "OK") }, EILSEQ },
	{ "an overlong '/'",
	  { F("a\xc0\xaf"
	      "b",
	      "OK") },
	  EILSEQ },
	{ "a fullwidth solidus",
	  { F("a\xef\xbc\x8f"
	      "b",
	      "OK") },
	  EILSEQ },
	/* symlinks */
	{ "a top-level symlink", { L("top", "x") }, ENOLINK, "top" },
	{ "an absolute target", { D("d"), L("d/l", "/etc/passwd") }, ENOLINK, "d/l" },
	{ "a target climbing out of the copy", { D("d"), L("d/l", "../outside") }, ENOLINK, "d/l" },
	{ "a target climbing two levels",
	  { D("d"), D("d/e"), L("d/e/l", "../../x") },
	  ENOLINK,
	  "d/e/l" },
	{ "a .. after a name", { D("d"), L("d/l", "a/../../x") }, ENOLINK, "d/l" },
	{ "a . in the target", { D("d"), L("d/l", "./x") }, ENOLINK, "d/l" },
	{ "an empty target", { D("d"), HN(4, S_IFLNK | 0777, 0, 0, 0, "d/l") }, ENOLINK, "d/l" },
	{ "a NUL in the target",
	  { D("d"), H(4, S_IFLNK | 0777, 3, 0, 0, "d/l", "a\0b") },
	  ENOLINK,
	  "d/l" },
	{ "a bidi override in the target", { D("d"), L("d/l", "x\xe2\x80\xae") }, ENOLINK, "d/l" },
	/* walking */
	{ "writing through a link the stream made",
	  { D("d"), D("d/e"), L("d/e/l", ".."), F("d/e/l/x", "OK") },
	  ELOOP,
	  "d/x" },
	{ "making a directory through that link",
	  { D("d"), D("d/e"), L("d/e/l", ".."), D("d/e/l/y") },
	  ELOOP,
	  "d/y" },
	{ "writing through a planted link", { F("evil/x", "OK") }, ELOOP },
	{ "a directory through a planted link", { D("evil/sub") }, ELOOP },
	{ "a file in a missing directory", { F("nodir/x", "OK") }, ENOENT, "nodir" },
	{ "a file below a file", { F("f", "OK"), F("f/x", "OK") }, ENOTDIR },
	/* cut streams */
	{ "an empty stream", { { OP_END } }, EREMOTEIO, NULL, true },
	{ "no end marker", { F("done", "OK") }, EREMOTEIO, NULL, true },
	{ "cut in a header",
	  { F("done", "OK"), R("\x05\0\0\0\xa4\x81", 6) },
	  EREMOTEIO,
	  NULL,
	  true },
	{ "cut in a name",
	  { HN(10, S_IFREG | 0644, 2, 0, 0, NULL), R("abc", 3) },
	  FILECOPY_ESHORTDATA,
	  NULL,
	  true },
	{ "cut in file data",
	  { F("done", "OK"), H(5, S_IFREG | 0644, 100, 0, 0, "part", "PARTIAL") },
	  FILECOPY_ESHORTDATA,
	  "part",
	  true },
	{ "cut in a link target",
	  { D("d"), H(4, S_IFLNK | 0777, 10, 0, 0, "d/l", "abc") },
	  FILECOPY_ESHORTDATA,
	  "d/l",
	  true },
	/* limits */
	{ "over max_files", { F("a", "OK"), F("b", "OK"), F("c", "OK") }, EDQUOT, "c", false, 2 },
	{ "over max_bytes",
	  { F("a", "OK"), F("b", "OK"), F("c", "OK") },
	  EDQUOT,
	  "c",
	  false,
	  0,
	  5 },
	{ "directories count as entries",
	  { D("d"), D("d/e"), F("d/e/f", "OK") },
	  EDQUOT,
	  "d/e/f",
	  false,
	  2 },
	{ "a file of 2^62 bytes", { HN(2, S_IFREG | 0644, 1ULL << 62, 0, 0, "x") }, EDQUOT, "x" },
};

static void build(const struct hostile *c, struct sb *b)
{
	for (const struct op *o = c->ops; o < c->ops + ELEMENTSOF(c->ops) && o->kind; o++) {
		if (o->kind == OP_FILE)
			sb_file(b, o->name, o->data);
		else if (o->kind == OP_DIR)
			sb_dir(b, o->name);
		else if (o->kind == OP_LINK)
			sb_link(b, o->name, o->data);
		else if (o->kind == OP_RAW)
			sb_bytes(b, o->data, o->len);
		else {
			sb_hdr(b, o->namelen, o->mode, o->len, o->ansec, o->mnsec);
			if (o->name)
				sb_bytes(b, o->name, o->namelen);
			if (o->data)
				sb_bytes(b, o->data, o->dlen);
		}
	}
	if (!c->noend)
		sb_end(b);
}

/* ---- the world around the incoming folder ---- */

struct world {
	char *root;   /* scratch */
	char in[512]; /* root/in: the incoming folder */
	char outside[512];
	int infd;
};

static void world_reset(struct world *w)
{
	char p[600];

	rm_rf(w->in);
	if (mkdir(w->in, 0700) < 0)
		abort();
	snprintf(p, sizeof(p), "%s/evil", w->in);
	if (symlink("../outside", p) < 0)
		abort();
	if (w->infd >= 0)
		close(w->infd);
	w->infd = open(w->in, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void world_init(struct world *w)
{
	char p[600];

	w->root = scratch_dir("receive");
	snprintf(w->in, sizeof(w->in), "%s/in", w->root);
	snprintf(w->outside, sizeof(w->outside), "%s/outside", w->root);
	mkdir(w->outside, 0755);
	snprintf(p, sizeof(p), "%s/victim", w->outside);
	write_file(p, "original", 8);
	w->infd = -1;
	world_reset(w);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Nothing beside in/ and outside/ appeared, and outside/ holds only the untouched victim. */
static bool outside_intact(const struct world *w)
{
	char p[600];
	const char *v;

	snprintf(p, sizeof(p), "%s/victim", w->outside);
	v = read_small(p);
	return count_entries(w->root) == 2 && count_entries(w->outside) == 1 && v &&
	       streq(v, "original") && access("/tmp/bulkhead-abs", F_OK) < 0;
}

static bool all_whole;

static int check_whole(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *base = path + ftw->base, *content;

	if (str_startswith(base, ".bulkhead-"))
		all_whole = false;
	if (flag == FTW_F && S_ISREG(st->st_mode)) {
		content = read_small(path);
		if (!content || !streq(content, "OK"))
			all_whole = false;
	}
	return 0;
}

/* Every regular file in the incoming folder is a complete one ("OK"), no temp names. */
static bool no_partial_files(const struct world *w)
{
	all_whole = true;
	nftw(w->in, check_whole, 32, FTW_PHYS);
	return all_whole;
}

static bool absent(const struct world *w, const char *rel)
{
	char p[1200];
	struct stat st;

	if (!rel)
		return true;
	snprintf(p, sizeof(p), "%s/%s", w->in, rel);
	return lstat(p, &st) < 0 && errno == ENOENT;
}

static void run_case(struct world *w, const struct hostile *c, const char *walk)
{
	struct filecopy_limits l = { c->max_files ? c->max_files : FILECOPY_DEFAULT_MAX_FILES,
				     c->max_bytes ? c->max_bytes : FILECOPY_DEFAULT_MAX_BYTES };
	struct filecopy_receive_stats st;
	struct filecopy_reply reply;
	struct sb b = { 0 };
	int r;

	world_reset(w);
	build(c, &b);
	r = receive_bytes(b.buf, b.len, w->infd, &l, &reply, &st);
	ok(r == -(int)c->want && reply.error_code == c->want && outside_intact(w) &&
		   no_partial_files(w) && absent(w, c->absent),
	   "%s: %s -> %u", walk, c->desc, c->want);
	if (reply.error_code != c->want || r != -(int)c->want)
		diag("  got reply %u, return %d", reply.error_code, r);
	sb_free(&b);
}

static void test_table(struct world *w)
{
	memset(long_component, 'x', 256);
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		run_case(w, &table[i], "openat2");
	filecopy_force_component_walk(true);
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		run_case(w, &table[i], "O_NOFOLLOW walk");
	filecopy_force_component_walk(false);
	filecopy_force_named_tmpfiles(true);
	for (size_t i = 0; i < ELEMENTSOF(table); i++)
		run_case(w, &table[i], "no O_TMPFILE");
	filecopy_force_named_tmpfiles(false);
}

/* ---- positive rules: never overwrite, drop special bits, keep times ---- */

static const char *content_of(const struct world *w, const char *rel)
{
	char p[1200];
	snprintf(p, sizeof(p), "%s/%s", w->in, rel);
	return read_small(p);
}

static bool content_is(const struct world *w, const char *rel, const char *want)
{
	const char *c = content_of(w, rel);
	return c && streq(c, want);
}

static void plant(const struct world *w, const char *rel, const char *content)
{
	char p[1200];

	snprintf(p, sizeof(p), "%s/%s", w->in, rel);
	if (content ? write_file(p, content, strlen(content)) : mkdir(p, 0755))
		abort();
}

/* A 254-byte name that exists already: its copy loses the end of its stem for " (1)", never
 * in the middle of a character. */
static void test_long_conflict(struct world *w)
{
	struct filecopy_limits l;
	struct filecopy_receive_stats st;
	struct filecopy_reply reply;
	struct sb b = { 0 };
	char name[300] = "", want[300] = "";

	for (int i = 0; i < 125; i++)
		strcat(name, "\xc3\xa9");
	strcpy(want, name);
	strcat(name, ".txt");
	strcpy(want + 246, " (1).txt");
	world_reset(w);
	filecopy_limits_init(&l);
	plant(w, name, "old");
	sb_file(&b, name, "OK");
	sb_end(&b);
	is_int(receive_bytes(b.buf, b.len, w->infd, &l, &reply, &st), 0,
	       "a 254-byte name that exists is still kept beside it");
	ok(content_is(w, want, "OK") && utf8_is_valid(want, strlen(want)),
	   "  as a name that fits 255 bytes, cut between characters");
	sb_free(&b);
}

static void test_conflicts(struct world *w)
{
	struct filecopy_limits l;
	struct filecopy_receive_stats st;
	struct filecopy_reply reply;
	struct sb b = { 0 };
	char target[64] = "";
	char p[1200];

	world_reset(w);
	filecopy_limits_init(&l);
	plant(w, "a.txt", "old");
	plant(w, "a (1).txt", "old1");
	plant(w, "d", NULL);
	plant(w, "d/x", "old");
	plant(w, "plain", "old");
	sb_file(&b, "a.txt", "OK");
	sb_dir(&b, "d");
	sb_file(&b, "d/x", "OK");
	sb_dir(&b, "d");
	sb_file(&b, "plain", "OK");
	sb_file(&b, "plain", "OK");
	sb_dir(&b, "e");
	sb_link(&b, "e/l", "x");
	sb_link(&b, "e/l", "y");
	sb_end(&b);
	is_int(receive_bytes(b.buf, b.len, w->infd, &l, &reply, &st), 0,
	       "a stream full of existing names succeeds");
	ok(content_is(w, "a.txt", "old") && content_is(w, "a (1).txt", "old1"),
	   "  the existing files are untouched");
	ok(content_is(w, "a (2).txt", "OK"), "  the new a.txt is kept beside them as 'a (2).txt'");
	ok(content_is(w, "d/x", "old") && content_is(w, "d (1)/x", "OK"),
	   "  an existing directory is not merged into: the copy goes to 'd (1)'");
	ok(content_is(w, "plain", "old") && content_is(w, "plain (1)", "OK") &&
		   content_is(w, "plain (2)", "OK"),
	   "  a name twice in one stream gets ' (1)', then ' (2)'");
	snprintf(p, sizeof(p), "%s/e/l (1)", w->in);
	ok(readlink(p, target, sizeof(target) - 1) == 1 && target[0] == 'y',
	   "  a second link of the same name is kept as 'l (1)'");
	is_int(st.renamed, 5, "  five entries were kept beside existing ones");
	is_int(reply.error_code, 0, "  the reply says success");
	ok(reply.last_name_len > 0 && streq(reply.last_name, "e/l (1)"),
	   "  and names a renamed entry, so the sender can tell the user");
	ok(outside_intact(w), "  nothing outside changed");
	sb_free(&b);
	test_long_conflict(w);
}

static bool mode_is(const struct world *w, const char *rel, mode_t mode, struct stat *st)
{
	char p[1200];

	snprintf(p, sizeof(p), "%s/%s", w->in, rel);
	return lstat(p, st) == 0 && (st->st_mode & 07777) == mode;
}

static void test_modes_and_times(struct world *w)
{
	struct filecopy_limits l;
	struct filecopy_receive_stats st;
	struct filecopy_reply reply;
	struct sb b = { 0 };
	struct stat s;

	world_reset(w);
	filecopy_limits_init(&l);
	sb_entry(&b, "suid", S_IFREG | 06755, "OK", 2);
	sb_entry(&b, "sticky", S_IFDIR | 01777, NULL, 0);
	sb_entry(&b, "sticky", S_IFDIR | 01777, NULL, 0);
	sb_entry(&b, "ro", S_IFDIR | 0555, NULL, 0);
	sb_hdr(&b, 5, S_IFREG | 0400, 2, 0, 123456789);
	sb_bytes(&b, "ro/f", 5);
	sb_bytes(&b, "OK", 2);
	sb_entry(&b, "ro", S_IFDIR | 0555, NULL, 0);
	sb_end(&b);
	is_int(receive_bytes(b.buf, b.len, w->infd, &l, &reply, &st), 0, "modes stream succeeds");
	is_int(reply.crc32, filecopy_crc32(0, b.buf, b.len), "  the reply's CRC covers every byte");
	ok(mode_is(w, "suid", 0755, &s), "  setuid and setgid are dropped (0755)");
	ok(mode_is(w, "sticky", 0777, &s), "  the sticky bit is dropped (0777)");
	ok(mode_is(w, "ro", 0555, &s), "  a read-only directory gets its mode after its contents");
	is_int(s.st_mtim.tv_sec, 1500000000, "  and its mtime");
	ok(mode_is(w, "ro/f", 0400, &s), "  the file inside it was written (0400)");
	is_int(s.st_mtim.tv_nsec, 123456789, "  with its mtime nanoseconds");
	is_int(s.st_atim.tv_sec, 1600000000, "  and its atime");
	is_int(st.files, 4, "  four entries counted");
	sb_free(&b);
}

/* ---- a full disk, in a tmpfs of 256 KiB (own user+mount namespace: works unprivileged) ---- */

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;

	if (fd >= 0)
		close(fd);
	return r;
}

static int own_namespace(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	write_proc("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_proc("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_proc("/proc/self/gid_map", map) < 0)
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

static int disk_full_child(const char *dir)
{
	static char data[1 << 20];
	struct filecopy_limits l;
	struct filecopy_receive_stats st;
	struct filecopy_reply reply;
	struct sb b = { 0 };
	char p[600];

	if (own_namespace() < 0 || mount("tmpfs", dir, "tmpfs", 0, "size=256k") < 0)
		return 77;
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	filecopy_limits_init(&l);
	sb_file(&b, "small", "OK");
	sb_entry(&b, "huge", S_IFREG | 0644, data, sizeof(data));
	sb_end(&b);
	int r = receive_bytes(b.buf, b.len, fd, &l, &reply, &st);
	snprintf(p, sizeof(p), "%s/huge", dir);
	if (r != -ENOSPC || reply.error_code != ENOSPC || access(p, F_OK) == 0)
		return 1;
	snprintf(p, sizeof(p), "%s/small", dir);
	return access(p, F_OK) == 0 && count_entries(dir) == 1 ? 0 : 2;
}

static void test_disk_full(struct world *w)
{
	int status;
	pid_t pid;

	world_reset(w);
	pid = fork();
	if (pid == 0)
		_exit(disk_full_child(w->in));
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		ok(true, "# SKIP disk full: no user namespace to mount a small tmpfs in");
		return;
	}
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : 100, 0,
	       "a full disk gives ENOSPC in the reply, and no partial file");
}

/* A partial file left by a receive that died with its VM before this boot is swept; one of
 * this boot (perhaps a receive running beside) is kept. */
static void test_stale_partials(struct world *w)
{
	struct timespec old[2] = { { .tv_sec = 1 }, { .tv_sec = 1 } };
	struct filecopy_limits l;
	struct filecopy_receive_stats st;
	struct filecopy_reply reply;
	struct sb b = { 0 };
	char p[600];

	world_reset(w);
	filecopy_limits_init(&l);
	plant(w, ".bulkhead-partial-7-0", "from a crash before this boot");
	plant(w, ".bulkhead-partial-8-0", "a receive running now");
	snprintf(p, sizeof(p), "%s/.bulkhead-partial-7-0", w->in);
	utimensat(AT_FDCWD, p, old, 0);
	sb_file(&b, "new.txt", "new");
	sb_end(&b);
	is_int(receive_bytes(b.buf, b.len, w->infd, &l, &reply, &st), 0, "a receive succeeds");
	ok(access(p, F_OK) < 0, "  and sweeps a partial file written before this boot");
	snprintf(p, sizeof(p), "%s/.bulkhead-partial-8-0", w->in);
	ok(access(p, F_OK) == 0, "  but keeps one of this boot");
	sb_free(&b);
}

/* ---- the sandbox: after entering it, / is the incoming folder ---- */

static int sandbox_child(const struct world *w)
{
	enum filecopy_sandbox kind;
	int dirfd, reason;
	char sub[600];
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/from-work", w->in);
	if (filecopy_sandbox_enter(sub, true, &dirfd, &kind, &reason) < 0)
		return 1;
	if (kind != FILECOPY_SANDBOX_NAMESPACE)
		return 77;
	/* The scratch root (and the victim beside the incoming folder) are out of reach. */
	if (access(w->outside, F_OK) == 0 || stat("/", &st) < 0 || count_entries("/") != 0)
		return 2;
	if (mkdirat(dirfd, "made-inside", 0700) < 0)
		return 3;
	return 0;
}

static void test_sandbox(struct world *w)
{
	char p[600];
	int status;
	pid_t pid;

	world_reset(w);
	pid = fork();
	if (pid == 0)
		_exit(sandbox_child(w));
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		ok(true, "# SKIP sandbox: user namespaces unavailable here");
		return;
	}
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : 100, 0,
	       "in the sandbox, / is the incoming folder and nothing else is visible");
	snprintf(p, sizeof(p), "%s/from-work/made-inside", w->in);
	ok(access(p, F_OK) == 0, "  and what it creates lands in the incoming folder");
}

int main(void)
{
	struct world w;

	diag("openat2 %s on this kernel", filecopy_have_openat2() ? "is available" : "is missing");
	world_init(&w);
	test_table(&w);
	test_conflicts(&w);
	test_modes_and_times(&w);
	test_disk_full(&w);
	test_stale_partials(&w);
	test_sandbox(&w);
	close(w.infd);
	rm_rf(w.root);
	free(w.root);
	return tap_done();
}
