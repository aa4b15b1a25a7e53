/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "manager-client.h"

static int run_remove(int argc, char **argv)
{
	int r = manager_check_name(&vmctl_cmd_remove, argv[1]);

	if (r != VMCTL_EXIT_OK)
		return r;
	if (argc > 2)
		return vmctl_usage_error(&vmctl_cmd_remove, "too many arguments");
	return manager_call_name(&vmctl_cmd_remove, "RemoveVM", argv[1]);
}

const struct vmctl_command vmctl_cmd_remove = {
	.name = "remove",
	.args = "NAME",
	.summary = "Remove a halted VM and its private volume",
	.help = "Deletes the VM's /home/user volume and console log. The VM must be halted.\n",
	.run = run_remove,
};
