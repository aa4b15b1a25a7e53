/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "strutil.h"
#include "tap.h"

/* A writer that trickles bytes in small pieces: the reader must still get them all. */
static void test_short_reads(void)
{
	enum { N = 100000 };
	static char want[N], got[N];
	int p[2];

	for (size_t i = 0; i < N; i++)
		want[i] = (char)(i * 7);
	ok(pipe2(p, O_CLOEXEC) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (size_t off = 0; off < N; off += 997)
			fd_write_all(p[1], want + off, MIN((size_t)997, N - off));
		_exit(0);
	}
	close(p[1]);
	is_int(fd_read_exact(p[0], got, N), 0, "read_exact gathers 100000 bytes in pieces");
	ok(memcmp(want, got, N) == 0, "  the bytes are right");
	is_int(fd_read_exact(p[0], got, 1), -EPIPE, "then EOF is -EPIPE for read_exact");
	close(p[0]);
	waitpid(pid, NULL, 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A signal arriving during a blocked read must not lose data or fail the read. */
static void test_eintr(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: read gets EINTR */
	char buf[4];
	int sv[2];

	sigaction(SIGALRM, &sa, NULL);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(300000);
		fd_write_all(sv[1], "ping", 4);
		_exit(0);
	}
	ualarm(100000, 0);
	is_int(fd_read_exact(sv[0], buf, 4), 0, "read_exact survives EINTR");
	ok(memcmp(buf, "ping", 4) == 0, "  and returns the data");
	waitpid(pid, NULL, 0);
	close(sv[0]);
	close(sv[1]);
}

/* write_all on a non-blocking fd with a full buffer waits instead of failing with EAGAIN. */
static void test_nonblocking_write(void)
{
	enum { N = 4 << 20 };
	char *big = calloc(1, N), *sink = malloc(N);
	int sv[2];

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	fd_set_nonblock(sv[0], true);
	pid_t pid = fork();
	if (pid == 0) {
		_exit(fd_read_exact(sv[1], sink, N) == 0 ? 0 : 1);
	}
	is_int(fd_write_all(sv[0], big, N), 0, "write_all of 4 MiB on a non-blocking socket");
	int status;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "  the reader got every byte");
	close(sv[0]);
	close(sv[1]);
	free(big);
	free(sink);
}

static void test_read_file(void)
{
	char path[] = "/tmp/bulkhead-test-fdio-XXXXXX";
	_cleanup_close_ int fd = mkstemp(path);
	char *data = NULL;
	size_t len;

	fd_write_all(fd, "0123456789", 10);
	is_int(fd_read_file(AT_FDCWD, path, 10, &data, &len), 0, "read a 10-byte file, limit 10");
	ok(data && len == 10 && streq(data, "0123456789"), "  whole and NUL-terminated");
	free(data);
	is_int(fd_read_file(AT_FDCWD, path, 9, &data, &len), -EFBIG, "limit 9: EFBIG");
	is_int(fd_read_file(AT_FDCWD, "/", 9, &data, &len), -EISDIR, "a directory: EISDIR");
	unlink(path);
}

static void test_flags(void)
{
	int p[2];

	ok(pipe(p) == 0, "pipe");
	is_int(fd_set_cloexec(p[0], true), 0, "set cloexec");
	ok(fcntl(p[0], F_GETFD) & FD_CLOEXEC, "  flag is set");
	is_int(fd_set_nonblock(p[0], true), 0, "set nonblock");
	ok(fcntl(p[0], F_GETFL) & O_NONBLOCK, "  flag is set");
	is_int(fd_set_nonblock(p[0], false), 0, "clear nonblock");
	ok(!(fcntl(p[0], F_GETFL) & O_NONBLOCK), "  flag is clear");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	test_short_reads();
	test_eintr();
	test_nonblocking_write();
	test_read_file();
	test_flags();
	return tap_done();
}
