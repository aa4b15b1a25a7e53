/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strutil.h"
#include "vmctl.h"

static int run_help(int argc, char **argv)
{
	const struct vmctl_command *cmd;

	if (argc > 2)
		return vmctl_usage_error(&vmctl_cmd_help, "too many arguments");
	if (argc < 2) {
		vmctl_print_usage(stdout);
		return VMCTL_EXIT_OK;
	}
	cmd = vmctl_command_find(argv[1]);
	if (!cmd)
		return vmctl_usage_error(&vmctl_cmd_help, "unknown command '%s'", argv[1]);
	vmctl_print_command_help(stdout, cmd);
	return VMCTL_EXIT_OK;
}

const struct vmctl_command vmctl_cmd_help = {
	.name = "help",
	.args = "[COMMAND]",
	.summary = "Show the commands, or one command's help",
	.help = "Without COMMAND, list every command. With it, show that command's options.\n",
	.run = run_help,
};
