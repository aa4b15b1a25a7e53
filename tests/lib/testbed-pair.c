/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * testbed-pair: the "cable" of a process VM. Creates a socketpair and runs two programs, each
 * with one end: the VM side (normally qrexec-agent) and the host side (qrexec-daemon). The
 * word "@FD@" in a program's arguments becomes "fd:N" for its end, which is what --channel
 * takes. Both run in this process's own process group; SIGTERM/SIGINT to testbed-pair ends
 * the group (services the agent started included) and exits once both have ended.
 *
 *   testbed-pair VM-PROGRAM [ARGS...] ::: HOST-PROGRAM [ARGS...]
 *
 * Exit status: the host program's (so a test sees how a daemon ended), 125 on setup errors.
 * Used by tests/lib/testbed.sh; see there for the whole test bed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static pid_t start(char **argv, int fd, int other)
{
	char spec[32];
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	close(other);
	fcntl(fd, F_SETFD, 0);
	snprintf(spec, sizeof(spec), "fd:%d", fd);
	for (int i = 0; argv[i]; i++)
		if (strcmp(argv[i], "@FD@") == 0)
			argv[i] = spec;
	execvp(argv[0], argv);
	fprintf(stderr, "testbed-pair: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int split(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], ":::") == 0) {
			argv[i] = NULL;
			return i;
		}
	return -1;
}

int main(int argc, char **argv)
{
	int sv[2], status, host_status = 125, sep = split(argc, argv);
	struct sigaction sa = { .sa_handler = on_signal };

	if (sep < 2 || sep + 1 >= argc) {
		fprintf(stderr,
			"Usage: testbed-pair VM-PROGRAM [ARGS...] ::: HOST-PROGRAM [ARGS...]\n");
		return 125;
	}
	setpgid(0, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 125;
	pid_t vm = start(argv + 1, sv[0], sv[1]);
	pid_t host = start(argv + sep + 1, sv[1], sv[0]);
	close(sv[0]);
	close(sv[1]);
	for (int alive = 2, killed = 0; alive > 0;) {
		if (stop && !killed) {
			signal(SIGTERM, SIG_IGN);
			kill(0, SIGTERM);
			killed = 1;
		}
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == host)
			host_status =
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		alive -= pid == host || pid == vm;
	}
	return host_status;
}
