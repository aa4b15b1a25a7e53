/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qrexec-client-vm TARGET SERVICE[+ARG] [LOCAL-PROGRAM [ARGS...]]: call a service in another VM
 * from a guest. Without LOCAL-PROGRAM the call's stdin/stdout/stderr are ours; with it, the
 * program's stdin/stdout are connected to the call (as in Qubes; bulkhead.Filecopy's sender
 * runs this way). The agent does the I/O on the fds we pass it, so no byte is copied here.
 *
 * Exit: 126 refused, 127 service not found, 125 other problem; else the service's status, or
 * with LOCAL-PROGRAM the program's status when it failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "local-call.h"
#include "log.h"
#include "macro.h"
#include "qrexec-proto.h"

static int usage(void)
{
	fprintf(stderr, "Usage: qrexec-client-vm TARGET SERVICE[+ARG] [LOCAL-PROGRAM [ARGS...]]\n");
	return 2;
}

static void report_refusal(const char *target, const char *service, int code, const char *why)
{
	fprintf(stderr, "qrexec-client-vm: %s %s: %s (%s)\n", target, service,
		code == QREXEC_EXIT_REFUSED	? "Request refused"
		: code == QREXEC_EXIT_NOT_FOUND ? "Service not found"
						: "Call failed",
		why);
}

/* Run the local program on the call's other pipe ends; returns its pid or -1. */
static pid_t spawn_local(char **argv, const char *target, int in_fd, int out_fd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0)
		_exit(QREXEC_EXIT_PROBLEM);
	setenv("QREXEC_REMOTE_DOMAIN", target, 1);
	execvp(argv[0], argv);
	fprintf(stderr, "qrexec-client-vm: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(QREXEC_EXIT_NOT_FOUND);
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return QREXEC_EXIT_PROBLEM;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int call_with_program(const char *target, const char *service, char **prog)
{
	int to_prog[2], from_prog[2], code;
	char reason[QREXEC_REASON_FIELD];

	if (pipe2(to_prog, O_CLOEXEC) < 0 || pipe2(from_prog, O_CLOEXEC) < 0)
		return QREXEC_EXIT_PROBLEM;
	int fds[3] = { from_prog[0], to_prog[1], 2 };
	int sock = qrexec_local_call_start(target, service, fds, &code, reason);
	close(from_prog[0]);
	close(to_prog[1]);
	if (sock < 0) {
		report_refusal(target, service, code, reason);
		return code;
	}
	pid_t pid = spawn_local(prog, target, to_prog[0], from_prog[1]);
	close(to_prog[0]);
	close(from_prog[1]);
	int status = qrexec_local_call_wait(sock);
	int local = pid > 0 ? wait_status(pid) : QREXEC_EXIT_PROBLEM;
	return local != 0 ? local : status;
}

static int call_plain(const char *target, const char *service)
{
	int fds[3] = { 0, 1, 2 }, code;
	char reason[QREXEC_REASON_FIELD];
	int sock = qrexec_local_call_start(target, service, fds, &code, reason);

	if (sock < 0) {
		report_refusal(target, service, code, reason);
		return code;
	}
	return qrexec_local_call_wait(sock);
}

int main(int argc, char **argv)
{
	log_set_ident("qrexec-client-vm");
	signal(SIGPIPE, SIG_IGN);
	if (argc < 3 || argv[1][0] == '-')
		return usage();
	if (argc > 3)
		return call_with_program(argv[1], argv[2], argv + 3);
	return call_plain(argv[1], argv[2]);
}
