/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "manager-client.h"

static int run_start(int argc, char **argv)
{
	int r = manager_check_name(&vmctl_cmd_start, argv[1]);

	if (r != VMCTL_EXIT_OK)
		return r;
	if (argc > 2)
		return vmctl_usage_error(&vmctl_cmd_start, "too many arguments");
	return manager_call_name(&vmctl_cmd_start, "Start", argv[1]);
}

const struct vmctl_command vmctl_cmd_start = {
	.name = "start",
	.args = "NAME",
	.summary = "Start a VM",
	.help = "Boot the VM; its RPC broker link comes up once the guest's agent is ready.\n",
	.run = run_start,
};
