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
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "macro.h"
#include "strutil.h"

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

int daemon_filter_connect(struct daemon *d, const struct dcall *c, const char *target)
{
	char exe[4096];
	int sv[2], status;

	if (filter_path(c->call.service, exe, sizeof(exe)) < 0)
		return -ENOENT;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* Double fork: the filter is nobody's child to reap here, and outlives no one's wait. */
	pid_t pid = fork();
	if (pid == 0) {
		if (fork() == 0)
			exec_filter(exe, sv[1], d->domain, target, d->runtime_dir);
		_exit(0);
	}
	close(sv[1]);
	if (pid < 0)
		return safe_close(sv[0]), -errno;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return sv[0];
}
