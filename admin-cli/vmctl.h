/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl's subcommand table. Each subcommand lives in its own cmd-<verb>.c and exports one
 * `const struct vmctl_command vmctl_cmd_<verb>`; vmctl.c lists them. Commands return the
 * process exit code: 0 success, 1 failure (already reported), 2 usage error.
 */
#pragma once

#include <stdio.h>

#define VMCTL_EXIT_OK 0
#define VMCTL_EXIT_FAILURE 1
#define VMCTL_EXIT_USAGE 2

struct vmctl_command {
	const char *name;
	const char *args;    /* argument synopsis for the usage line, e.g. "NAME [--wait]" */
	const char *summary; /* one line for `vmctl --help` */
	const char *help;    /* the whole `vmctl help CMD` text after the usage line */
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
};

extern const struct vmctl_command vmctl_cmd_help;

const struct vmctl_command *vmctl_command_find(const char *name);
void vmctl_print_usage(FILE *f);
void vmctl_print_command_help(FILE *f, const struct vmctl_command *cmd);
/* One-line usage error for cmd ("vmctl: policy: unknown option '--x'"), returns 2. */
int vmctl_usage_error(const struct vmctl_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
