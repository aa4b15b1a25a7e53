/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm-open-in-vm [VM | --dispvm] FILE, and vm-open-in-dvm FILE: open a file of this VM in
 * another one (bulkhead.OpenInVM; the target @default lets the policy choose, --dispvm and
 * vm-open-in-dvm ask for a new disposable), and wait until its viewer there is done.
 * Exit: the viewer's status, or as qrexec-client-vm (126 refused, 127 no service, 125 other).
 * What the other VM prints is not shown here: it could hold terminal escapes.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "local-call.h"
#include "log.h"
#include "macro.h"
#include "qrexec.h"
#include "strutil.h"

static int usage(void)
{
	fprintf(stderr, "Usage: vm-open-in-vm [VM | --dispvm] FILE\n"
			"       vm-open-in-dvm FILE\n");
	return 2;
}

/* A child feeds "NAME\n" and the file into a pipe: the call's stdin. */
static int feed(int file, const char *name)
{
	static char buf[256 * 1024];
	int p[2];
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if (fork() == 0) {
		close(p[0]);
		int r = fd_write_all(p[1], name, strlen(name));
		if (r >= 0)
			r = fd_write_all(p[1], "\n", 1);
		while (r >= 0 && (n = read(file, buf, sizeof(buf))) > 0)
			r = fd_write_all(p[1], buf, (size_t)n);
		_exit(r < 0 ? 1 : 0);
	}
	close(p[1]);
	return p[0];
}

static int open_in(const char *target, const char *file)
{
	char copy[4096], reason[QREXEC_REASON_FIELD];
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	const char *name;
	int code;

	snprintf(copy, sizeof(copy), "%s", file);
	name = basename(copy);
	if (fd < 0 || !qrexec_file_name_is_valid(name, strlen(name))) {
		fprintf(stderr, "vm-open-in-vm: %s: %s\n", file,
			fd < 0 ? strerror(errno) : "a name another VM would refuse");
		return 2;
	}
	_cleanup_close_ int in = feed(fd, name);
	int fds[3] = { in, null, 2 };
	int sock =
		in < 0 ? -1
		       : qrexec_local_call_start(target, "bulkhead.OpenInVM", fds, &code, reason);
	if (sock < 0) {
		fprintf(stderr, "vm-open-in-vm: %s: %s\n", file, in < 0 ? "no pipe" : reason);
		return in < 0 ? QREXEC_EXIT_PROBLEM : code;
	}
	return qrexec_local_call_wait(sock);
}

int main(int argc, char **argv)
{
	const char *target = "@default";
	int first = 1;

	log_set_ident("vm-open-in-vm");
	signal(SIGPIPE, SIG_IGN);
	if (strstr(argv[0], "vm-open-in-dvm")) {
		target = "@dispvm";
	} else if (argc == 3) {
		target = streq(argv[1], "--dispvm") ? "@dispvm" : argv[1];
		first = 2;
	}
	if (argc != first + 1)
		return usage();
	return open_in(target, argv[first]);
}
