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

#include "channel.h"
#include "fdio.h"
#include "macro.h"
#include "manager-client.h"
#include "paths.h"
#include "strutil.h"
#include "validate.h"

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

struct run_args {
	const char *user;
	const char *dispvm; /* --dispvm[=TEMPLATE]: "" for the default template; NULL: none */
};

/* [-u root|user] [--dispvm[=TEMPLATE]] NAME|-- CMD...: options before the VM, as in qvm-run. */
static int parse_options(int *argc, char ***argv, struct run_args *a)
{
	*a = (struct run_args){ .user = "user" };
	while (*argc > 1 && (*argv)[1][0] == '-' && !streq((*argv)[1], "--")) {
		const char *o = (*argv)[1], *t = str_startswith(o, "--dispvm=");
		if ((streq(o, "-u") || streq(o, "--user")) && *argc > 2 &&
		    (streq((*argv)[2], "root") || streq((*argv)[2], "user"))) {
			a->user = (*argv)[2];
			(*argc)--, (*argv)++;
		} else if (streq(o, "--dispvm") || (t && vm_name_is_valid(t))) {
			a->dispvm = t ? t : "";
		} else {
			return vmctl_usage_error(&vmctl_cmd_run,
						 "bad option '%s' (-u root|user, "
						 "--dispvm[=TEMPLATE])",
						 o);
		}
		(*argc)--, (*argv)++;
	}
	return VMCTL_EXIT_OK;
}

/* bulkheadd's dispvm socket (hypervisor/dispvm.c): a disposable of template, by name. */
static int take_disposable(const char *template, char *name, size_t size)
{
	_cleanup_free_ char *rt = bulkhead_runtime_dir();
	_cleanup_free_ char *path = rt ? str_new_printf("%s/dispvm.sock", rt) : NULL;
	_cleanup_free_ char *line = str_new_printf("%s\n", template);
	char reply[600] = "";
	_cleanup_close_ int fd = path ? channel_open(path) : -ENOMEM;
	ssize_t n;

	if (fd < 0 || !line || fd_write_all(fd, line, strlen(line)) < 0 ||
	    (n = fd_read_full(fd, reply, sizeof(reply) - 1)) <= 0) {
		fprintf(stderr,
			"vmctl: run: cannot ask bulkheadd for a disposable (is it running?)\n");
		return VMCTL_EXIT_FAILURE;
	}
	reply[n] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	if (!str_startswith(reply, "OK ") || str_copy(name, size, reply + 3) < 0) {
		fprintf(stderr, "vmctl: run: no disposable: %s\n",
			str_startswith(reply, "ERR ") ? reply + 4 : "bulkheadd gave none");
		return VMCTL_EXIT_FAILURE;
	}
	fprintf(stderr, "vmctl: running in disposable %s\n", name);
	return VMCTL_EXIT_OK;
}

/* --dispvm: the disposable ends with the command (its broker exits after its last call). */
static int run_disposable(const struct run_args *a, int argc, char **argv)
{
	char name[64];
	int first = argc > 1 && streq(argv[1], "--") ? 2 : 1;

	if (first >= argc)
		return vmctl_usage_error(&vmctl_cmd_run, "missing command");
	if (take_disposable(a->dispvm, name, sizeof(name)) != VMCTL_EXIT_OK)
		return VMCTL_EXIT_FAILURE;
	exec_client(name, a->user, argc - first, argv + first);
}

static int run_run(int argc, char **argv)
{
	char state[32];
	struct run_args a;
	int first = 2, r = parse_options(&argc, &argv, &a);

	if (r == VMCTL_EXIT_OK && a.dispvm)
		return run_disposable(&a, argc, argv);
	if (r == VMCTL_EXIT_OK)
		r = argc > 1 ? manager_check_name(&vmctl_cmd_run, argv[1])
			     : vmctl_usage_error(&vmctl_cmd_run, "missing VM name");
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
	exec_client(argv[1], a.user, argc - first, argv + first);
}

const struct vmctl_command vmctl_cmd_run = {
	.name = "run",
	.args = "[-u root|user] NAME|--dispvm[=TEMPLATE] -- CMD [ARGS...]",
	.summary = "Run a command in a VM",
	.help = "Through the RPC broker: stdin, stdout, stderr and the exit code pass through.\n"
		"Starts the VM first if it is halted. The command runs as the VM's user;\n"
		"-u root runs it as root (as qvm-run -u root).\n"
		"--dispvm[=TEMPLATE] runs it in a new disposable VM (of the only disposable\n"
		"template, or of TEMPLATE), destroyed when the command ends.\n",
	.run = run_run,
};
