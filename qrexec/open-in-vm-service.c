/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.OpenInVM: open a file another VM sent, with this VM's default application for it,
 * and wait until that application is done (in a disposable, the VM lives as long as the call).
 * stdin: "NAME\n" then the file's bytes (qrexec/parse-open.c); exit: the viewer's status.
 *
 * Trust: everything on stdin comes from another VM. The name is checked before it names
 * anything; the bytes land in a fresh private directory, at most QREXEC_OPEN_SIZE_MAX of them;
 * file and directory are removed when the viewer ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "paths.h"
#include "qrexec.h"
#include "strutil.h"

#define VIEWER BULKHEAD_GUEST_BINDIR "/bulkhead-start-app"

/* The header, read byte by byte so that not one byte of the file is consumed with it. */
static int read_header(char name[static QREXEC_OPEN_NAME_MAX + 1])
{
	char untrusted[QREXEC_OPEN_NAME_MAX + 2];
	size_t n = 0;
	int r = 0;

	while (r == 0 && n < sizeof(untrusted)) {
		ssize_t k = read(0, untrusted + n, 1);
		if (k <= 0)
			return k < 0 ? -errno : -EPIPE;
		n++;
		r = qrexec_open_header_parse(untrusted, n, name);
	}
	return r < 0 ? r : 0;
}

/* stdin's rest into path, bounded: a sender cannot fill the VM's disk past the limit. */
static int receive(const char *path)
{
	static char buf[256 * 1024];
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	unsigned long long total = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		total += (unsigned long long)n;
		if (total > QREXEC_OPEN_SIZE_MAX)
			return -EFBIG;
		int r = fd_write_all(fd, buf, (size_t)n);
		if (r < 0)
			return r;
	}
	return n < 0 ? -errno : 0;
}

static int view(const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl(VIEWER, VIEWER, "--open", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
	char name[QREXEC_OPEN_NAME_MAX + 1], dir[] = "/tmp/bulkhead-open.XXXXXX", path[512];
	const char *source = getenv("QREXEC_REMOTE_DOMAIN");
	int r;

	log_set_ident("bulkhead.OpenInVM");
	r = read_header(name);
	if (r < 0)
		return log_error_errno(r, "Refusing a file from %s: bad or missing name line",
				       source ? source : "?"),
		       2;
	if (!mkdtemp(dir) || str_printf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return log_error_errno(errno, "Cannot make a place for the file: %m"), 1;
	r = receive(path);
	if (r < 0)
		log_error_errno(r, "Receiving %s from %s failed: %m", name, source ? source : "?");
	else
		r = view(path);
	unlink(path);
	rmdir(dir);
	return r < 0 ? 1 : r;
}
