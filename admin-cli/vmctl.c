/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmctl: Bulkhead's command line. main() only dispatches to the subcommand table. */
#include <stdarg.h>
#include <string.h>

#include "log.h"
#include "strutil.h"
#include "vmctl.h"

/* One command per line, so that each helper adds its own without touching the others. */
/* clang-format off */
static const struct vmctl_command *const commands[] = {
	&vmctl_cmd_help,
	&vmctl_cmd_clipboard,
	&vmctl_cmd_create,
	&vmctl_cmd_list,
	&vmctl_cmd_start,
	&vmctl_cmd_shutdown,
	&vmctl_cmd_kill,
	&vmctl_cmd_remove,
	&vmctl_cmd_prefs,
	&vmctl_cmd_run,
	&vmctl_cmd_console,
	&vmctl_cmd_menu,
	&vmctl_cmd_firewall,
	&vmctl_cmd_copy,
	&vmctl_cmd_move,
	&vmctl_cmd_policy,
	&vmctl_cmd_log,
	&vmctl_cmd_backup,
};
/* clang-format on */

const struct vmctl_command *vmctl_command_find(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (streq(commands[i]->name, name))
			return commands[i];
	return NULL;
}

void vmctl_print_usage(FILE *f)
{
	fprintf(f, "Usage: vmctl [--help] [--version] COMMAND [ARGS...]\n\n"
		   "Manage Bulkhead's VMs, their policy and what crosses between them.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nSee 'vmctl help COMMAND' for one command's options.\n");
}

void vmctl_print_command_help(FILE *f, const struct vmctl_command *cmd)
{
	fprintf(f, "Usage: vmctl %s %s\n\n%s\n", cmd->name, cmd->args, cmd->summary);
	if (cmd->help)
		fprintf(f, "\n%s", cmd->help);
}

int vmctl_usage_error(const struct vmctl_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmctl: %s%s", cmd ? cmd->name : "", cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'vmctl help%s%s')\n", cmd ? " " : "", cmd ? cmd->name : "");
	return VMCTL_EXIT_USAGE;
}

/* Options before the command name: only --help and --version. */
static int run_global_option(const char *opt)
{
	if (streq(opt, "--help") || streq(opt, "-h")) {
		vmctl_print_usage(stdout);
		return VMCTL_EXIT_OK;
	}
	if (streq(opt, "--version")) {
		printf("vmctl (Bulkhead) %s\n", BULKHEAD_VERSION);
		return VMCTL_EXIT_OK;
	}
	return vmctl_usage_error(NULL, "unknown option '%s'", opt);
}

int main(int argc, char **argv)
{
	const struct vmctl_command *cmd;

	log_set_ident("vmctl");
	log_parse_environment();
	if (argc < 2)
		return vmctl_usage_error(NULL, "missing command");
	if (argv[1][0] == '-')
		return run_global_option(argv[1]);

	cmd = vmctl_command_find(argv[1]);
	if (!cmd)
		return vmctl_usage_error(NULL, "unknown command '%s'", argv[1]);
	/* "vmctl CMD --help" works for every command without each one parsing it. */
	if (argc == 3 && (streq(argv[2], "--help") || streq(argv[2], "-h"))) {
		vmctl_print_command_help(stdout, cmd);
		return VMCTL_EXIT_OK;
	}
	return cmd->run(argc - 1, argv + 1);
}
