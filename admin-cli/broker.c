/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the subcommands that reach into a VM through the broker share (vmctl copy, vmctl
 * backup to vm:VM:/path): whether the VM's qrexec-daemon is up, and running qrexec-client.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"
#include "paths.h"
#include "strutil.h"
#include "vmctl.h"

bool vmctl_broker_running(const char *vm)
{
	_cleanup_free_ char *rt = bulkhead_runtime_dir();
	char path[4096];

	return rt && str_printf(path, sizeof(path), "%s/qrexec/%s.sock", rt, vm) > 0 &&
	       access(path, F_OK) == 0;
}

void vmctl_exec_qrexec_client(const char *cmd_name, char **args)
{
	const char *env = getenv("BULKHEAD_QREXEC_CLIENT");
	const char *client = env && env[0] ? env : BULKHEAD_BINDIR "/qrexec-client";

	args[0] = (char *)"qrexec-client";
	if (access(client, X_OK) == 0)
		execv(client, args);
	else
		execvp("qrexec-client", args);
	fprintf(stderr, "vmctl: %s: cannot run qrexec-client (%s): %s\n", cmd_name, client,
		strerror(errno));
}
