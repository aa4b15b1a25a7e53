/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host filters: a service whose data the host must transform on its way between two VMs. For
 * such a service, an allowed call does not go straight to the target's daemon: this daemon
 * starts the service's filter program with one end of a socketpair as the call's link, and
 * the filter speaks the link protocol on it as a target daemon would, then calls the target
 * itself with the caller's name (docs/print.md). Today: bulkhead.Print, whose filter renders
 * the document to pixels and rebuilds it in a sandbox.
 *
 * Trust: the filter is a host program at a fixed path; it gets the source (this daemon's
 * --domain) and the target the policy resolved as arguments, never from the VM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "macro.h"
#include "strutil.h"
#include "validate.h"

#ifndef BULKHEAD_LIBEXECDIR
#define BULKHEAD_LIBEXECDIR "/usr/local/libexec/bulkhead"
#endif

static const struct {
	const char *service, *env, *program;
} filters[] = {
	{ "bulkhead.Print", "BULKHEAD_PRINT_FILTER", "bulkhead-print-filter" },
};

static int filter_path(const char *service, char *buf, size_t size)
{
	for (size_t i = 0; i < ELEMENTSOF(filters); i++) {
		if (!streq(service, filters[i].service))
			continue;
		const char *env = getenv(filters[i].env);
		if (env && *env)
			return str_copy(buf, size, env);
		return str_printf(buf, size, "%s/%s", BULKHEAD_LIBEXECDIR, filters[i].program);
	}
	return -ENOENT;
}

/* In the grandchild: the link becomes fd 3, everything else of the daemon is closed. */
static _noreturn_ void exec_filter(const char *exe, int link, const char *source,
				   const char *target, const char *runtime_dir)
{
	const char *const argv[] = { exe,	  "--source",  source,
				     "--target",  target,      "--runtime-dir",
				     runtime_dir, "--link-fd", "3",
				     NULL };

	if (dup2(link, 3) < 0)
		_exit(127);
	closefrom(4);
	execv(exe, (char *const *)argv);
	_exit(127);
}

bool daemon_filter_wanted(const char *service)
{
	char buf[4096];
	return filter_path(service, buf, sizeof(buf)) >= 0;
}

/*
 * The spawner. The daemon's sandbox forbids fork and exec (common/sandbox-profiles.c), so a
 * helper forked before it starts filters on the daemon's request, on a SOCK_SEQPACKET pair:
 *     -> "SERVICE\0TARGET\0"        <- "0" with the filter's link in SCM_RIGHTS, or "1"
 * It holds nothing of the VM's (the channel and sockets are closed in it) and parses only what
 * the daemon sends, checked again: a filter of a known service, a valid VM name.
 */
static void spawn_filter(const struct daemon *d, int sock, const char *service, const char *target)
{
	char exe[4096], ok = '0';
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct iovec iov = { &ok, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int sv[2] = { -1, -1 }, status;
	pid_t pid;

	if (filter_path(service, exe, sizeof(exe)) < 0 || !vm_name_is_valid(target) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || (pid = fork()) < 0) {
		ok = '1';
		(void)!write(sock, &ok, 1);
		safe_close(sv[0]), safe_close(sv[1]);
		return;
	}
	/* Double fork: the filter is nobody's child to reap, and outlives no one's wait. */
	if (pid == 0) {
		if (fork() == 0)
			exec_filter(exe, sv[1], d->domain, target, d->runtime_dir);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &sv[0], sizeof(int));
	(void)!sendmsg(sock, &mh, MSG_NOSIGNAL);
	close(sv[0]);
	close(sv[1]);
}

/* The spawner's own program: qrexec-daemon run again as "qrexec-filter-spawner", so that it
 * starts with a fresh image (nothing of the daemon's memory) and is not taken for a daemon. */
_noreturn_ void daemon_filter_spawner_main(const struct daemon *d)
{
	char req[256];
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1) /* the daemon was gone before the death signal was set */
		_exit(0);
	while ((n = recv(3, req, sizeof(req) - 1, 0)) > 0) {
		req[n] = '\0';
		size_t len = strlen(req);
		if ((size_t)n > len + 1 && req[n - 1] == '\0')
			spawn_filter(d, 3, req, req + len + 1);
		else
			(void)!write(3, "1", 1);
	}
	_exit(0);
}

/* In the child: the request socket as fd 3, nothing else of the daemon's, then exec. */
static _noreturn_ void exec_spawner(const struct daemon *d, int sock)
{
	const char *const argv[] = {
		"qrexec-filter-spawner", "--filter-spawner", "--domain", d->domain, "--runtime-dir",
		d->runtime_dir,		 "--channel",	     "none",	 NULL
	};

	if (dup2(sock, 3) < 0)
		_exit(127);
	closefrom(4);
	execv("/proc/self/exe", (char *const *)argv);
	_exit(127);
}

int daemon_filter_spawner_start(struct daemon *d)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid == 0)
		exec_spawner(d, sv[1]);
	close(sv[1]);
	if (pid < 0)
		return safe_close(sv[0]), -errno;
	d->filter_spawner = sv[0];
	return 0;
}

int daemon_filter_connect(struct daemon *d, const struct dcall *c, const char *target)
{
	char req[256], ok = '1';
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { &ok, 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	int n = snprintf(req, sizeof(req), "%s%c%s", c->call.service, '\0', target), fd;

	if (d->filter_spawner < 0 || n < 0 || (size_t)n >= sizeof(req))
		return -ENOEXEC;
	if (send(d->filter_spawner, req, (size_t)n + 1, MSG_NOSIGNAL) < 0 ||
	    recvmsg(d->filter_spawner, &mh, MSG_CMSG_CLOEXEC) != 1 || ok != '0')
		return -ENOEXEC;
	struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
	if (!h || h->cmsg_type != SCM_RIGHTS || h->cmsg_len != CMSG_LEN(sizeof(int)))
		return -ENOEXEC;
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}
