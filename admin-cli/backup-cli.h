/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `vmctl backup`'s helpers around libbackup (backup/backup.h):
 *   backup-passphrase.c  the passphrase from a terminal prompt, a file or an fd
 *   backup-progress.c    progress bar on a terminal, JSON lines with --json
 *   backup-vms.c         the VMs, their properties and volumes, over D-Bus from bulkheadd
 *   backup-dest.c        DEST vm:VM:/path, a repository in a backup VM through the broker
 *   cmd-backup.c         the subcommands create, list, verify; backup-restore.c restore
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backup.h"
#include "vmctl.h"

extern const struct vmctl_command vmctl_cmd_backup;

#define BACKUP_CLI_VMS_MAX 256

struct backup_cli_args {
	const char *verb;
	const char *dest;
	uint64_t id; /* 0: the latest (restore) or all (verify) */
	const char *vms[BACKUP_CLI_VMS_MAX];
	size_t n_vms;
	const char *passphrase_file;
	int passphrase_fd; /* -1: none */
	struct backup_kdf kdf;
	const char *rename_prefix;
	bool json, reread, no_policy;
};

/* backup-passphrase.c: sodium_malloc'd, NUL-terminated; free with backup_passphrase_free. */
int backup_passphrase_get(const struct backup_cli_args *a, bool confirm, char **ret,
			  size_t *ret_len);
void backup_passphrase_free(char *pass);

/* backup-progress.c */
struct backup_cli_progress;
struct backup_cli_progress *backup_cli_progress_new(const char *phase, uint64_t total, bool json);
void backup_cli_progress_free(struct backup_cli_progress *p);
/* For libbackup's struct backup_progress. */
void backup_cli_progress_step(void *userdata, uint64_t bytes);
/* "Bulkhead: backup done" on the desktop; silently nothing without a notification daemon. */
void backup_cli_notify(const char *summary, const char *body);
char *backup_cli_format_bytes(char *buf, size_t size, uint64_t bytes);

/* backup-vms.c */
struct backup_cli_vm {
	char name[BACKUP_NAME_MAX + 1];
	char state[32];
	struct backup_prop props[BACKUP_PROPS_MAX];
	size_t n_props;
};
int backup_vms_list(struct backup_cli_vm **ret, size_t *n);
int backup_vm_volume(const char *name, char *buf, size_t size);
/* A running VM's volume at this instant (bulkheadd's CopyVolume): a new file, ours to delete. */
int backup_vm_copy_volume(const char *name, char *buf, size_t size);
char *backup_vm_firewall(const char *name);
int backup_vm_set_firewall(const char *name, const char *text);
int backup_vm_create(const char *name, const struct backup_vm *from);
int backup_vm_remove(const char *name);

/* backup-dest.c: DEST names a directory in a VM (vm:VM:/path). */
bool backup_cli_dest_is_vm(const char *dest);
/* vm:VM:/absolute/path with a valid VM name. */
bool backup_cli_vm_dest_is_valid(const char *dest);
/* Policy check, then the call to the VM's bulkhead.Backup; prints what went wrong. */
struct backup_store;
int backup_cli_vm_store_open(const char *dest, bool create, struct backup_store **ret);

int backup_cli_restore(const struct backup_cli_args *a, struct backup_repo *r);
/* $XDG_CONFIG_HOME/bulkhead/policy.d, else ~/.config/bulkhead/policy.d; malloc'd. */
char *backup_cli_policy_dir(void);
/* Open DEST with the passphrase (asked for or read); prints the error. */
int backup_cli_open(const struct backup_cli_args *a, bool create, struct backup_repo **ret);
