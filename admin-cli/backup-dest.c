/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DEST `vm:VM:/path`: the repository lives in a directory of a backup VM, reached through the
 * broker's service bulkhead.Backup. The host asks the policy daemon first, as for any call
 * (the default policy asks the user), then runs the call with qrexec-client and speaks the
 * store protocol over it (backup/store-vm.h). Nothing the VM sends back is believed: the
 * repository authenticates every object as it does a local directory's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backup-cli.h"
#include "macro.h"
#include "policy-client.h"
#include "store-vm.h"
#include "strutil.h"
#include "validate.h"

bool backup_cli_dest_is_vm(const char *dest)
{
	return str_startswith(dest, "vm:");
}

/* "vm:VM:/path" -> VM and /path; 0 or -EINVAL. */
static int parse_dest(const char *dest, char vm[VM_NAME_MAX + 1], const char **path)
{
	const char *name = dest + 3, *colon = strchr(name, ':');
	size_t len = colon ? (size_t)(colon - name) : 0;

	if (!backup_cli_dest_is_vm(dest) || !colon || len == 0 || len > VM_NAME_MAX)
		return -EINVAL;
	memcpy(vm, name, len);
	vm[len] = '\0';
	*path = colon + 1;
	return vm_name_is_valid(vm) && (*path)[0] == '/' && strlen(*path) <= BACKUP_STORE_PATH_MAX
		       ? 0
		       : -EINVAL;
}

bool backup_cli_vm_dest_is_valid(const char *dest)
{
	char vm[VM_NAME_MAX + 1];
	const char *path;

	return parse_dest(dest, vm, &path) == 0;
}

/* The policy decides, as for every call: from the host (dom0) to vm, service bulkhead.Backup.
 * No policy daemon, or any other target than the one named, is a refusal. */
static int policy_allows(const char *vm)
{
	_cleanup_free_ char *sock = qrexec_policy_socket_default();
	char target[QREXEC_TARGET_FIELD] = "";
	bool allowed = false;
	int k = sock ? qrexec_policy_query(sock, "dom0", vm, BACKUP_STORE_SERVICE, "", &allowed,
					   target)
		     : -ENOMEM;

	if (k < 0) {
		fprintf(stderr,
			"vmctl: backup: cannot ask the policy daemon whether backups may go to VM "
			"'%s' (%s): refused\n",
			vm, strerror(-k));
		return -EACCES;
	}
	if (!allowed || !streq(target, vm)) {
		fprintf(stderr,
			"vmctl: backup: the policy refuses %s from dom0 to VM '%s' "
			"(vmctl policy, docs/backup-format.md)\n",
			BACKUP_STORE_SERVICE, vm);
		return -EACCES;
	}
	return 0;
}

/* qrexec-client -d VM bulkhead.Backup with a socket as its stdin and stdout. */
static pid_t start_call(const char *vm, int *ret_fd)
{
	char *args[] = { NULL, (char *)"-d", (char *)vm, (char *)"--", (char *)BACKUP_STORE_SERVICE,
			 NULL };
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		if (dup2(sv[1], STDIN_FILENO) < 0 || dup2(sv[1], STDOUT_FILENO) < 0)
			_exit(VMCTL_EXIT_FAILURE);
		vmctl_exec_qrexec_client("backup", args);
		_exit(VMCTL_EXIT_FAILURE);
	}
	close(sv[1]);
	*ret_fd = sv[0];
	return pid;
}

int backup_cli_vm_store_open(const char *dest, bool create, struct backup_store **ret)
{
	char vm[VM_NAME_MAX + 1];
	const char *path;
	int fd = -1, k = parse_dest(dest, vm, &path);
	pid_t pid;

	if (k < 0)
		return k;
	if (!vmctl_broker_running(vm)) {
		fprintf(stderr,
			"vmctl: backup: VM '%s' is not running (start it with 'vmctl start %s')\n",
			vm, vm);
		return -ENOENT;
	}
	k = policy_allows(vm);
	if (k < 0)
		return k;
	/* A VM that hangs up must not kill us with SIGPIPE in the middle of a write. */
	signal(SIGPIPE, SIG_IGN);
	pid = start_call(vm, &fd);
	if (pid < 0) {
		fprintf(stderr, "vmctl: backup: cannot start the call to '%s': %s\n", vm,
			strerror((int)-pid));
		return (int)pid;
	}
	k = backup_store_vm_open(fd, pid, path, create, ret);
	if (k < 0)
		fprintf(stderr,
			"vmctl: backup: VM '%s' cannot %s %s (%s): see its bulkhead.Backup service\n",
			vm, create ? "create or open" : "open", path, strerror(-k));
	return k;
}
