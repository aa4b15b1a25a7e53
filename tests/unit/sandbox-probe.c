/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox-probe PROFILE ALLOWED-DIR ACTION [PATH]: apply a daemon's sandbox profile (the same
 * table, through the same sandbox_apply() the daemon calls, plus ALLOWED-DIR as the caller's
 * read-write path) and try one thing. Prints "allowed" or "refused: <errno name>" and exits 0
 * or 1; a forbidden call in a killing profile ends the probe with SIGSYS instead.
 *
 * Actions: execve, fork, socket-inet, socket-unix, mmap-exec, open PATH (read), create PATH,
 * status (print NoNewPrivs/Seccomp lines, read through an fd
 * opened before the sandbox).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

static int result(long r)
{
	if (r >= 0) {
		puts("allowed");
		return 0;
	}
	printf("refused: %s\n", strerrorname_np(errno));
	return 1;
}

static int try_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return result(pid);
}

static int try_execve(void)
{
	char *argv[] = { (char *)"true", NULL };

	return result(execve("/bin/true", argv, environ));
}

static int try_mmap_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return result(p == MAP_FAILED ? -1 : 0);
}

static int print_status(int fd, const struct sandbox_status *st)
{
	char buf[8192];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return result(-1);
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "NoNewPrivs", 10) == 0 || strncmp(line, "Seccomp", 7) == 0)
			puts(line);
	printf("Landlock: %d\n", st->landlock_abi);
	return 0;
}

static int act(const char *action, const char *path, int status_fd, const struct sandbox_status *st)
{
	if (strcmp(action, "execve") == 0)
		return try_execve();
	if (strcmp(action, "fork") == 0)
		return try_fork();
	if (strcmp(action, "socket-inet") == 0)
		return result(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	if (strcmp(action, "socket-unix") == 0)
		return result(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	if (strcmp(action, "mmap-exec") == 0)
		return try_mmap_exec();
	if (strcmp(action, "status") == 0)
		return print_status(status_fd, st);
	if (strcmp(action, "open") == 0 && path)
		return result(open(path, O_RDONLY | O_CLOEXEC));
	if (strcmp(action, "create") == 0 && path)
		return result(open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
	fprintf(stderr, "sandbox-probe: unknown action %s\n", action);
	return 2;
}

int main(int argc, char **argv)
{
	const struct sandbox_profile *p = argc >= 4 ? sandbox_profile_find(argv[1]) : NULL;
	struct sandbox_path allowed = { argc >= 4 ? argv[2] : NULL,
					SANDBOX_FS_READ | SANDBOX_FS_WRITE | SANDBOX_FS_CREATE };
	struct sandbox_status st;
	int status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	int r;

	if (!p) {
		fprintf(stderr, "Usage: sandbox-probe PROFILE ALLOWED-DIR ACTION [PATH]\n");
		return 2;
	}
	if ((r = sandbox_apply(p, &allowed, 1, &st)) < 0) {
		fprintf(stderr, "sandbox-probe: sandbox_apply: %s\n", strerror(-r));
		return 3;
	}
	fflush(stdout);
	return act(argv[3], argc > 4 ? argv[4] : NULL, status_fd, &st);
}
