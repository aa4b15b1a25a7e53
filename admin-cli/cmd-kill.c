/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "manager-client.h"

static int run_kill(int argc, char **argv)
{
	int r = manager_check_name(&vmctl_cmd_kill, argv[1]);

	if (r != VMCTL_EXIT_OK)
		return r;
	if (argc > 2)
		return vmctl_usage_error(&vmctl_cmd_kill, "too many arguments");
	return manager_call_name(&vmctl_cmd_kill, "Kill", argv[1]);
}

const struct vmctl_command vmctl_cmd_kill = {
	.name = "kill",
	.args = "NAME",
	.summary = "Stop a VM at once, like pulling its plug",
	.help = "The guest gets no chance to save anything; prefer 'vmctl shutdown'.\n",
	.run = run_kill,
};
