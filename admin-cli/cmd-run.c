/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl run NAME -- CMD...: a command in the VM through the RPC broker (qrexec-client), which
 * passes stdin, stdout, stderr and the exit code through. A halted VM is started first, as
 * qvm-run does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "manager-client.h"
#include "strutil.h"

#ifndef BULKHEAD_BINDIR
#define BULKHEAD_BINDIR "/usr/local/bin"
#endif

/* The VM's qrexec-daemon control socket (docs/interfaces.md), which appears just after the
 * daemon starts: wait for it rather than fail a run that came right after a start. */
static void wait_for_broker(const char *name)
{
	const char *rt = getenv("BULKHEAD_RUNTIME_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	struct timespec tick = { .tv_nsec = 50 * 1000 * 1000 };
	char path[4096];

	if (rt && rt[0])
		str_printf(path, sizeof(path), "%s/qrexec/%s.sock", rt, name);
	else if (xdg && xdg[0])
		str_printf(path, sizeof(path), "%s/bulkhead/qrexec/%s.sock", xdg, name);
	else
		str_printf(path, sizeof(path), "/tmp/bulkhead-%u/qrexec/%s.sock",
			   (unsigned)getuid(), name);
	for (int i = 0; i < 200 && access(path, F_OK) < 0; i++)
		nanosleep(&tick, NULL);
}

static _noreturn_ void exec_client(const char *name, const char *user, int argc, char **argv)
{
	const char *env = getenv("BULKHEAD_QREXEC_CLIENT");
	const char *client = env && env[0] ? env : BULKHEAD_BINDIR "/qrexec-client";
	char **args = calloc((size_t)argc + 7, sizeof(char *));
	int n = 0;

	if (!args)
		exit(VMCTL_EXIT_FAILURE);
	args[n++] = (char *)"qrexec-client";
	args[n++] = (char *)"-d";
	args[n++] = (char *)name;
	args[n++] = (char *)"-u";
	args[n++] = (char *)user;
	args[n++] = (char *)"--command";
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	if (access(client, X_OK) == 0)
		execv(client, args);
	else
		execvp("qrexec-client", args);
	fprintf(stderr, "vmctl: run: cannot run qrexec-client (%s): %s\n", client, strerror(errno));
	exit(VMCTL_EXIT_FAILURE);
}

/* [-u root|user] NAME [--] CMD...: the options come before the VM's name, as in qvm-run. */
static int parse_user(int *argc, char ***argv, const char **user)
{
	*user = "user";
	while (*argc > 2 && (streq((*argv)[1], "-u") || streq((*argv)[1], "--user"))) {
		if (!streq((*argv)[2], "root") && !streq((*argv)[2], "user"))
			return vmctl_usage_error(&vmctl_cmd_run,
						 "-u takes root or user (the VM's two accounts)");
		*user = (*argv)[2];
		*argc -= 2;
		*argv += 2;
	}
	return VMCTL_EXIT_OK;
}

static int run_run(int argc, char **argv)
{
	char state[32];
	const char *user;
	int first = 2, r = parse_user(&argc, &argv, &user);

	if (r == VMCTL_EXIT_OK)
		r = manager_check_name(&vmctl_cmd_run, argv[1]);
	if (r != VMCTL_EXIT_OK)
		return r;
	if (argc > 2 && streq(argv[2], "--"))
		first = 3;
	if (first >= argc)
		return vmctl_usage_error(&vmctl_cmd_run, "missing command");
	if (manager_get_text(&vmctl_cmd_run, argv[1], "state", state, sizeof(state)) != 0)
		return VMCTL_EXIT_FAILURE;
	if (!streq(state, "Running")) {
		fprintf(stderr, "vmctl: starting VM '%s'\n", argv[1]);
		if (manager_call_name(&vmctl_cmd_run, "Start", argv[1]) != VMCTL_EXIT_OK)
			return VMCTL_EXIT_FAILURE;
	}
	wait_for_broker(argv[1]);
	exec_client(argv[1], user, argc - first, argv + first);
}

const struct vmctl_command vmctl_cmd_run = {
	.name = "run",
	.args = "[-u root|user] NAME -- CMD [ARGS...]",
	.summary = "Run a command in a VM",
	.help = "Through the RPC broker: stdin, stdout, stderr and the exit code pass through.\n"
		"Starts the VM first if it is halted. The command runs as the VM's user;\n"
		"-u root runs it as root (as qvm-run -u root).\n",
	.run = run_run,
};
