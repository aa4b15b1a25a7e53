/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.SaveFile's pure parts and its write: the header parser's rules (each refusal a user
 * would meet), the reply words, and savefile_write's promises: the file appears whole or not
 * at all, nothing is replaced unless confirmed, a cut or overlong stream leaves no trace. The
 * write runs both with O_TMPFILE and with hidden temporary names.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "savefile.h"
#include "strutil.h"
#include "tap.h"

static size_t hdr(uint8_t *buf, uint32_t version, const char *name, uint32_t namelen, uint64_t size)
{
	struct savefile_wire_header h = { htole32(version), htole32(namelen), htole64(size) };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), name, namelen);
	return sizeof(h) + namelen;
}

static int parse(uint32_t version, const char *name, uint32_t namelen, uint64_t size)
{
	uint8_t buf[1024];
	struct savefile_header h;
	size_t len = hdr(buf, version, name, namelen, size);
	ssize_t n = savefile_header_parse(buf, len, &h);

	return n < 0 ? (int)n : n == (ssize_t)len ? 0 : -EIO;
}

static void test_header(void)
{
	uint8_t buf[1024], big[300];
	struct savefile_header h;

	memset(big, 'a', sizeof(big));
	is_int(parse(1, "report.pdf", 10, 5), 0, "a plain name is accepted");
	is_int(parse(1, "日本.txt", strlen("日本.txt"), 5), 0, "  and a UTF-8 one");
	is_int(parse(1, "a/b", 3, 5), -EILSEQ, "a name with '/' is refused");
	is_int(parse(1, "..", 2, 5), -EILSEQ, "'..' is refused");
	is_int(parse(1, ".", 1, 5), -EILSEQ, "'.' is refused");
	is_int(parse(1,
		     "a\x1b"
		     "b",
		     3, 5),
	       -EILSEQ, "a control character is refused");
	is_int(parse(1, "a\0b", 3, 5), -EILSEQ, "a NUL is refused");
	is_int(parse(1,
		     "\xe2\x80\xae"
		     "txt",
		     6, 5),
	       -EILSEQ, "a bidi override is refused");
	is_int(parse(1, "", 0, 5), -EILSEQ, "an empty name is refused");
	is_int(parse(1, (char *)big, 256, 5), -ENAMETOOLONG, "a name over 255 bytes is refused");
	is_int(parse(1, (char *)big, 255, 5), 0, "  255 bytes is fine");
	is_int(parse(2, "a", 1, 5), -EPROTONOSUPPORT, "another version is refused");
	is_int(parse(1, "a", 1, (uint64_t)INT64_MAX + 1), -EFBIG,
	       "a size over INT64_MAX is refused");
	is_int(savefile_header_parse(buf, hdr(buf, 1, "abc", 3, 5) - 1, &h), -ENODATA,
	       "a header cut inside its name asks for more");
	is_int(savefile_header_parse(buf, 7, &h), -ENODATA, "  and one cut inside the fixed part");
	ssize_t n = savefile_header_encode(buf, "x.bin", 1234);
	ok(n == 21 && savefile_header_parse(buf, (size_t)n, &h) == 21 && streq(h.name, "x.bin") &&
		   h.size == 1234,
	   "encode and parse agree");
}

static void test_reply(void)
{
	enum savefile_reply r = SAVEFILE_FAILED;

	ok(savefile_reply_parse("saved\n", 6, &r) == 0 && r == SAVEFILE_SAVED, "'saved' parses");
	ok(savefile_reply_parse("cancelled\n", 10, &r) == 0 && r == SAVEFILE_CANCELLED,
	   "'cancelled' parses");
	is_int(savefile_reply_parse("saved", 5, &r), -EBADMSG,
	       "a reply without newline is refused");
	is_int(savefile_reply_parse("saved\n/home/x", 13, &r), -EBADMSG,
	       "a reply with anything after it (a path) is refused");
}

/* A pipe holding data, its write end closed: the call's stdin as the service sees it. */
static int stream(const void *data, size_t len)
{
	int p[2];

	if (pipe(p) < 0 || fd_write_all(p[1], data, len) < 0)
		abort();
	close(p[1]);
	return p[0];
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static void test_write(const char *dir, int dirfd, const char *mode)
{
	uint64_t got;
	char path[4096], buf[64] = "";
	_cleanup_close_ int in = stream("hello world", 11);

	is_int(savefile_write(in, dirfd, "a.txt", 11, false, 0640, &got), 0, "%s: a whole file",
	       mode);
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	int fd = open(path, O_RDONLY);
	ok(fd >= 0 && read(fd, buf, sizeof(buf)) == 11 && memcmp(buf, "hello world", 11) == 0,
	   "  arrives byte for byte");
	close(fd);
	is_int(entries(dir), 1, "  and nothing else is in the folder");
	close(in);

	in = stream("short", 5);
	is_int(savefile_write(in, dirfd, "b.txt", 100, false, 0644, &got), -EPIPE,
	       "%s: a stream that stops early fails", mode);
	ok(got == 5 && entries(dir) == 1, "  after 5 bytes, leaving nothing behind");
	close(in);

	in = stream("too long", 8);
	is_int(savefile_write(in, dirfd, "c.txt", 3, false, 0644, &got), -EMSGSIZE,
	       "%s: more data than declared fails", mode);
	is_int(entries(dir), 1, "  leaving nothing behind");
	close(in);

	in = stream("other", 5);
	is_int(savefile_write(in, dirfd, "a.txt", 5, false, 0644, &got), -EEXIST,
	       "%s: an existing name is not replaced without confirmation", mode);
	fd = open(path, O_RDONLY);
	ok(fd >= 0 && read(fd, buf, sizeof(buf)) == 11, "  the old file is intact");
	close(fd);
	close(in);

	in = stream("other", 5);
	is_int(savefile_write(in, dirfd, "a.txt", 5, true, 0644, &got), 0,
	       "%s: a confirmed replacement", mode);
	fd = open(path, O_RDONLY);
	ok(fd >= 0 && read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "other", 5) == 0,
	   "  replaces the contents");
	close(fd);
	is_int(entries(dir), 1, "  in one step, no temporary name left");
	unlink(path);
}

int main(void)
{
	char dir[] = "/tmp/test-savefile.XXXXXX";

	test_header();
	test_reply();
	if (!mkdtemp(dir))
		tap_bail_out("mkdtemp");
	int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	test_write(dir, dirfd, "O_TMPFILE");
	filecopy_force_named_tmpfiles(true);
	test_write(dir, dirfd, "hidden temporary names");
	close(dirfd);
	rmdir(dir);
	return tap_done();
}
