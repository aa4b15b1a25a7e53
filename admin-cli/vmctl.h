/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl's subcommand table. Each subcommand lives in its own cmd-<verb>.c and exports one
 * `const struct vmctl_command vmctl_cmd_<verb>`; vmctl.c lists them. Commands return the
 * process exit code: 0 success, 1 failure (already reported), 2 usage error.
 */
#pragma once

#include <stdbool.h>
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
extern const struct vmctl_command vmctl_cmd_clipboard;
/* VM lifecycle, over D-Bus to bulkheadd (manager-client.h) */
extern const struct vmctl_command vmctl_cmd_create;
extern const struct vmctl_command vmctl_cmd_list;
extern const struct vmctl_command vmctl_cmd_start;
extern const struct vmctl_command vmctl_cmd_shutdown;
extern const struct vmctl_command vmctl_cmd_kill;
extern const struct vmctl_command vmctl_cmd_remove;
extern const struct vmctl_command vmctl_cmd_prefs;
extern const struct vmctl_command vmctl_cmd_run;
extern const struct vmctl_command vmctl_cmd_console;
extern const struct vmctl_command vmctl_cmd_menu;
extern const struct vmctl_command vmctl_cmd_firewall;
/* Files between VMs, through the broker (cmd-copy.c) */
extern const struct vmctl_command vmctl_cmd_copy;
extern const struct vmctl_command vmctl_cmd_move;
extern const struct vmctl_command vmctl_cmd_policy;
extern const struct vmctl_command vmctl_cmd_log;
/* Encrypted backups of VMs (cmd-backup.c) */
extern const struct vmctl_command vmctl_cmd_backup;

const struct vmctl_command *vmctl_command_find(const char *name);
void vmctl_print_usage(FILE *f);
void vmctl_print_command_help(FILE *f, const struct vmctl_command *cmd);
/* One-line usage error for cmd ("vmctl: policy: unknown option '--x'"), returns 2. */
int vmctl_usage_error(const struct vmctl_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* broker.c: the VM's qrexec-daemon is up (its control socket exists). */
bool vmctl_broker_running(const char *vm);
/* Exec $BULKHEAD_QREXEC_CLIENT, else BINDIR/qrexec-client, else qrexec-client on PATH, with
 * args (args[0] is set here); returns only on failure, which it prints. */
void vmctl_exec_qrexec_client(const char *cmd_name, char **args);
