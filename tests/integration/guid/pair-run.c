/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pair-run PIDFILE CMD-A... -- CMD-B...
 *
 * Connects two programs by a socketpair, each end on fd 3 (so both take "--channel fd:3"), the
 * way QEMU's virtio-serial port connects a VM's agent to its host daemon. Writes "PID-A PID-B"
 * to PIDFILE so a test can watch or stop each one, and waits for both.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t spawn(char **argv, int fd, int other)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	close(other);
	if (dup2(fd, 3) < 0)
		_exit(127);
	if (fd != 3)
		close(fd);
	execvp(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

int main(int argc, char **argv)
{
	int sv[2], split = 0;
	FILE *f;

	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			split = i;
	if (argc < 5 || split < 3 || split == argc - 1) {
		fprintf(stderr, "usage: pair-run PIDFILE CMD-A... -- CMD-B...\n");
		return 2;
	}
	argv[split] = NULL;
	/* Keep the ends away from fd 3 so dup2 in the children never clobbers the other end. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return perror("socketpair"), 1;
	for (int i = 0; i < 2; i++) {
		int fd = fcntl(sv[i], F_DUPFD, 10);
		close(sv[i]);
		sv[i] = fd;
	}
	pid_t a = spawn(argv + 2, sv[0], sv[1]);
	pid_t b = spawn(argv + split + 1, sv[1], sv[0]);
	close(sv[0]);
	close(sv[1]);
	f = fopen(argv[1], "w");
	if (f) {
		fprintf(f, "%d %d\n", (int)a, (int)b);
		fclose(f);
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
