/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl copy FILE... 'SRC->DST' | vmctl copy --from SRC --to DST FILE...   (and vmctl move):
 * the host asks SRC's agent, through the broker, to run vm-copy-to (vm-move-to) DST FILE...:
 *
 *   qrexec-client -d SRC --command BINDIR/vm-copy-to --summary -- DST FILE...
 *
 * so the copy itself is SRC calling bulkhead.Filecopy in DST, and policy decides it exactly as
 * for a copy started inside SRC. FILEs are paths inside SRC. A last argument like "work-" is
 * what is left of 'work->personal' when the shell took '>' as a redirection: say so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"
#include "paths.h"
#include "strutil.h"
#include "validate.h"
#include "vmctl.h"

#ifndef BULKHEAD_BINDIR
#define BULKHEAD_BINDIR "/usr/local/bin"
#endif

struct copy_args {
	char from[VM_NAME_MAX + 1], to[VM_NAME_MAX + 1];
	char **files;
	int n_files;
};

/* "SRC->DST" into its two names; -EINVAL if it has no arrow or a name is invalid. */
static int split_arrow(const char *arg, struct copy_args *a)
{
	const char *arrow = strstr(arg, "->");
	size_t n = arrow ? (size_t)(arrow - arg) : 0;

	if (!arrow || n == 0 || n > VM_NAME_MAX)
		return -EINVAL;
	memcpy(a->from, arg, n);
	a->from[n] = '\0';
	if (str_copy(a->to, sizeof(a->to), arrow + 2) < 0)
		return -EINVAL;
	return vm_name_is_valid(a->from) && vm_name_is_valid(a->to) ? 0 : -EINVAL;
}

static int shell_ate_arrow(const struct vmctl_command *cmd, const char *arg)
{
	return vmctl_usage_error(
		cmd,
		"'%s' looks like 'SRC->DST' cut short: the shell took '>' as a redirection (and may "
		"have created an empty file named after the target VM here); quote it, as in "
		"'%s>personal', or use --from %.*s --to DST",
		arg, arg, (int)strlen(arg) - 1, arg);
}

/* --from/--to given: both must be, and be valid. */
static int check_from_to(const struct vmctl_command *cmd, const char *from, const char *to,
			 struct copy_args *a)
{
	if (!from || !to)
		return vmctl_usage_error(cmd, "--from and --to go together");
	if (!vm_name_is_valid(from) || !vm_name_is_valid(to))
		return vmctl_usage_error(cmd, "invalid VM name '%s'",
					 vm_name_is_valid(from) ? to : from);
	str_copy(a->from, sizeof(a->from), from);
	str_copy(a->to, sizeof(a->to), to);
	return VMCTL_EXIT_OK;
}

/* The direction from the last positional argument ('SRC->DST'). */
static int direction_from_last(const struct vmctl_command *cmd, struct copy_args *a)
{
	const char *last = a->n_files ? a->files[a->n_files - 1] : NULL;

	if (!last)
		return vmctl_usage_error(cmd, "missing FILE and 'SRC->DST'");
	if (split_arrow(last, a) == 0) {
		a->n_files--;
		return VMCTL_EXIT_OK;
	}
	if (strstr(last, "->"))
		return vmctl_usage_error(cmd, "invalid 'SRC->DST': '%s'", last);
	if (str_endswith(last, "-") && vm_name_is_valid(last))
		return shell_ate_arrow(cmd, last);
	return vmctl_usage_error(cmd, "missing 'SRC->DST' (last argument) or --from SRC --to DST");
}

/* --from SRC, --from=SRC, --to DST, --to=DST. */
static int take_option(const struct vmctl_command *cmd, int argc, char **argv, int *i,
		       const char **from, const char **to)
{
	const char *o = argv[*i], *eq = strchr(o, '=');
	size_t n = eq ? (size_t)(eq - o) : strlen(o);
	const char **slot = n == 6 && strncmp(o, "--from", 6) == 0 ? from
			    : n == 4 && strncmp(o, "--to", 4) == 0 ? to
								   : NULL;

	if (!slot)
		return vmctl_usage_error(cmd, "unknown option '%s'", o);
	if (eq)
		*slot = eq + 1;
	else if (*i + 1 < argc)
		*slot = argv[++*i];
	else
		return vmctl_usage_error(cmd, "option '%s' needs a VM name", o);
	return VMCTL_EXIT_OK;
}

static int parse_args(const struct vmctl_command *cmd, int argc, char **argv, struct copy_args *a)
{
	const char *from = NULL, *to = NULL;
	bool options = true;
	int r;

	*a = (struct copy_args){ .files = calloc((size_t)argc, sizeof(char *)) };
	if (!a->files)
		return VMCTL_EXIT_FAILURE;
	for (int i = 1; i < argc; i++) {
		if (options && streq(argv[i], "--"))
			options = false;
		else if (options && argv[i][0] == '-' && argv[i][1] == '-') {
			if ((r = take_option(cmd, argc, argv, &i, &from, &to)) != VMCTL_EXIT_OK)
				return r;
		} else
			a->files[a->n_files++] = argv[i];
	}
	r = from || to ? check_from_to(cmd, from, to, a) : direction_from_last(cmd, a);
	if (r != VMCTL_EXIT_OK)
		return r;
	if (a->n_files == 0)
		return vmctl_usage_error(cmd, "missing FILE");
	if (streq(a->from, a->to))
		return vmctl_usage_error(cmd, "source and target are the same VM '%s'", a->from);
	return VMCTL_EXIT_OK;
}

/* Where vm-copy-to is inside the VM: the guest dir's bin, unless BULKHEAD_GUEST_BINDIR says
 * otherwise (the process-VM test bed, whose "VMs" are host processes). */
static char *guest_program(bool move)
{
	const char *dir = getenv("BULKHEAD_GUEST_BINDIR");

	return str_new_printf("%s/%s", dir && dir[0] ? dir : BULKHEAD_GUEST_BINDIR,
			      move ? "vm-move-to" : "vm-copy-to");
}

static _noreturn_ void exec_copy(const struct vmctl_command *cmd, bool move, struct copy_args *a)
{
	char **args = calloc((size_t)a->n_files + 10, sizeof(char *));
	char *program = guest_program(move);
	int n = 0;

	if (!args || !program)
		exit(VMCTL_EXIT_FAILURE);
	n++; /* qrexec-client */
	args[n++] = (char *)"-d";
	args[n++] = a->from;
	args[n++] = (char *)"--command";
	args[n++] = program;
	args[n++] = (char *)"--summary";
	args[n++] = (char *)"--";
	args[n++] = a->to;
	for (int i = 0; i < a->n_files; i++)
		args[n++] = a->files[i];
	vmctl_exec_qrexec_client(cmd->name, args);
	exit(VMCTL_EXIT_FAILURE);
}

static int run_common(const struct vmctl_command *cmd, bool move, int argc, char **argv)
{
	struct copy_args a;
	int r = parse_args(cmd, argc, argv, &a);

	if (r != VMCTL_EXIT_OK) {
		free(a.files);
		return r;
	}
	if (!vmctl_broker_running(a.from)) {
		fprintf(stderr,
			"vmctl: %s: VM '%s' is not running (start it with 'vmctl start %s')\n",
			cmd->name, a.from, a.from);
		free(a.files);
		return VMCTL_EXIT_FAILURE;
	}
	exec_copy(cmd, move, &a);
}

static int run_copy(int argc, char **argv)
{
	return run_common(&vmctl_cmd_copy, false, argc, argv);
}

static int run_move(int argc, char **argv)
{
	return run_common(&vmctl_cmd_move, true, argc, argv);
}

#define COPY_HELP(verb)                                                                       \
	"FILEs are paths inside SRC. The " verb " runs in SRC as if started there (vm-" verb  \
	"-to):\npolicy for bulkhead.Filecopy from SRC to DST decides, and the files land in " \
	"DST's\n~/Incoming/SRC/ (an existing name is kept beside it as 'name (1)').\n\n"      \
	"Quote the direction: 'work->personal'. Unquoted, the shell takes '>' as a redirection.\n"

const struct vmctl_command vmctl_cmd_copy = {
	.name = "copy",
	.args = "FILE... 'SRC->DST' | --from SRC --to DST FILE...",
	.summary = "Copy files from one VM to another",
	.help = COPY_HELP("copy"),
	.run = run_copy,
};

const struct vmctl_command vmctl_cmd_move = {
	.name = "move",
	.args = "FILE... 'SRC->DST' | --from SRC --to DST FILE...",
	.summary = "Move files from one VM to another (deleted in SRC after a complete copy)",
	.help = COPY_HELP("move"),
	.run = run_move,
};
