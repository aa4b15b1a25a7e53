/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "fdio.h"
#include "tap.h"

int main(void)
{
	char dir[] = "/tmp/bulkhead-test-channel-XXXXXX", path[128], spec[32];
	char buf[4];
	int sv[2];

	ok(mkdtemp(dir) != NULL, "scratch dir");
	snprintf(path, sizeof(path), "%s/ch.sock", dir);

	int l = channel_listen(path);
	ok(l >= 0, "listen on a Unix socket");
	int c = channel_open(path);
	ok(c >= 0, "a socket path is connected to");
	int a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	fd_write_all(c, "ping", 4);
	ok(fd_read_exact(a, buf, 4) == 0 && memcmp(buf, "ping", 4) == 0, "  bytes flow");
	ok(fcntl(c, F_GETFD) & FD_CLOEXEC, "  the fd is close-on-exec");
	close(a), close(c), close(l);
	ok(channel_listen(path) >= 0, "a stale socket file is replaced");

	snprintf(path, sizeof(path), "%s/fifo", dir);
	mkfifo(path, 0600);
	c = channel_open(path);
	ok(c >= 0, "a non-socket node (like a virtio port) is opened read-write");
	close(c);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	snprintf(spec, sizeof(spec), "fd:%d", sv[0]);
	is_int(channel_open(spec), sv[0], "fd:N returns the inherited fd");
	ok(fcntl(sv[0], F_GETFD) & FD_CLOEXEC, "  and marks it close-on-exec");
	is_int(channel_open("fd:x"), -EINVAL, "fd:x is refused");
	is_int(channel_open("fd:999"), -EBADF, "a closed fd is refused");
	is_int(channel_open("/nonexistent/ch"), -ENOENT, "a missing path: ENOENT");

	unlink(path);
	snprintf(path, sizeof(path), "%s/ch.sock", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
