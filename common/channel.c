/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "channel.h"
#include "fdio.h"
#include "macro.h"
#include "strutil.h"

/* A new Unix stream socket and the address for path: the fd, or -errno. */
static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	int r = str_copy(sa->sun_path, sizeof(sa->sun_path), path);
	if (r < 0)
		return r;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static int channel_connect(const char *path)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = unix_socket(path, &sa);

	if (fd < 0)
		return fd;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

static int channel_inherited(const char *number)
{
	char *end;

	errno = 0;
	long fd = strtol(number, &end, 10);
	if (errno || end == number || *end || fd < 0 || fd > 65535)
		return -EINVAL;
	if (fcntl((int)fd, F_GETFD) < 0)
		return -EBADF;
	int r = fd_set_cloexec((int)fd, true);
	return r < 0 ? r : (int)fd;
}

int channel_open(const char *spec)
{
	const char *number = str_startswith(spec, "fd:");
	struct stat st;

	if (number)
		return channel_inherited(number);
	if (stat(spec, &st) < 0)
		return -errno;
	if (S_ISSOCK(st.st_mode))
		return channel_connect(spec);
	int fd = open(spec, O_RDWR | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

int channel_listen(const char *path)
{
	struct sockaddr_un sa;
	_cleanup_close_ int fd = unix_socket(path, &sa);

	if (fd < 0)
		return fd;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	/* A deep backlog: every VM may open 256 calls at once toward one daemon's socket. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, SOMAXCONN) < 0)
		return -errno;
	return TAKE_FD(fd);
}
