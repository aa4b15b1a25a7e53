/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl backup restore: recreate each VM through bulkheadd (CreateVM with the saved
 * properties), then put its volume back. All or nothing: the backup is authenticated before
 * any VM is created, each volume is written beside the new VM's empty one and renamed over it
 * only when every chunk checked, and if anything fails every VM this run created is removed
 * again, its directory with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup-cli.h"
#include "macro.h"
#include "strutil.h"
#include "validate.h"

struct target {
	const struct backup_vm *vm;
	char name[BACKUP_NAME_MAX + 1];
	bool created;
};

static int pick(const struct backup_cli_args *a, const struct backup_manifest *m, struct target *t,
		size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < m->n_vms; i++) {
		bool wanted = a->n_vms == 0;
		for (size_t k = 0; k < a->n_vms; k++)
			wanted |= streq(a->vms[k], m->vms[i].name);
		if (!wanted)
			continue;
		t[*n] = (struct target){ .vm = &m->vms[i] };
		if (str_printf(t[*n].name, sizeof(t[*n].name), "%s%s",
			       a->rename_prefix ? a->rename_prefix : "", m->vms[i].name) < 0 ||
		    !vm_name_is_valid(t[*n].name))
			return fprintf(stderr, "vmctl: backup: '%s%s' is not a valid VM name\n",
				       a->rename_prefix ? a->rename_prefix : "", m->vms[i].name),
			       -EINVAL;
		(*n)++;
	}
	for (size_t k = 0; k < a->n_vms; k++)
		if (!backup_manifest_has_vm(m, a->vms[k]))
			return fprintf(stderr,
				       "vmctl: backup: backup #%" PRIu64 " has no VM '%s'\n",
				       m->seq, a->vms[k]),
			       -ENOENT;
	return 0;
}

/* Refuse before touching anything when a VM of that name already exists. */
static int check_free(const struct target *t, size_t n)
{
	_cleanup_free_ struct backup_cli_vm *vms = NULL;
	size_t n_vms = 0;

	if (backup_vms_list(&vms, &n_vms) < 0)
		return -EIO;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < n_vms; k++)
			if (streq(vms[k].name, t[i].name))
				return fprintf(stderr,
					       "vmctl: backup: VM '%s' already exists: remove it, or "
					       "restore with --rename-prefix\n",
					       t[i].name),
				       -EEXIST;
	return 0;
}

/* The rename is durable once the directory is: a crash must not bring back the empty volume
 * after vmctl said the VM was restored. */
static int fsync_parent(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int fd =
		copy ? open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (fd < 0 || fsync(fd) < 0)
		return fprintf(stderr, "vmctl: backup: cannot sync the directory of %s: %m\n",
			       path),
		       -EIO;
	return 0;
}

static int write_volume(struct backup_repo *r, const struct target *t, const char *path,
			const struct backup_progress *p)
{
	_cleanup_free_ char *tmp = str_new_printf("%s.restore-XXXXXX", path);
	_cleanup_close_ int fd = tmp ? mkostemp(tmp, O_CLOEXEC) : -1;
	int k;

	if (fd < 0)
		return fprintf(stderr, "vmctl: backup: cannot create a file beside %s: %m\n", path),
		       -EIO;
	k = backup_blob_restore(r, &t->vm->volume, fd, p);
	if (k < 0)
		fprintf(stderr, "\nvmctl: backup: VM '%s': %s\n", t->name, backup_repo_error(r));
	else if (fsync(fd) < 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "vmctl: backup: cannot write %s: %m\n", path);
		k = -EIO;
	}
	if (k < 0)
		unlink(tmp);
	return k < 0 ? k : fsync_parent(path);
}

static int restore_vm(struct backup_repo *r, struct target *t, const struct backup_progress *p)
{
	char path[4096];

	if (backup_vm_create(t->name, t->vm) < 0)
		return -EIO;
	t->created = true;
	if (backup_vm_volume(t->name, path, sizeof(path)) < 0)
		return -EIO;
	if (t->vm->has_firewall) {
		_cleanup_free_ char *rules = NULL;
		int k = backup_blob_read(r, &t->vm->firewall, &rules);
		if (k < 0)
			return fprintf(stderr, "vmctl: backup: VM '%s': %s\n", t->name,
				       backup_repo_error(r)),
			       k;
		if (backup_vm_set_firewall(t->name, rules) < 0)
			return -EIO;
	}
	return write_volume(r, t, path, p);
}

static void roll_back(const struct target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].created && backup_vm_remove(t[i].name) >= 0)
			fprintf(stderr, "vmctl: backup: removed VM '%s' again: nothing restored\n",
				t[i].name);
}

static int restore_policy(const struct backup_cli_args *a, struct backup_repo *r,
			  const struct backup_manifest *m)
{
	_cleanup_free_ char *dir = backup_cli_policy_dir();
	unsigned written, conflicts;
	int k;

	if (a->no_policy || !m->n_policies || !dir)
		return 0;
	k = backup_policy_restore(r, m, dir, &written, &conflicts);
	if (k < 0)
		return fprintf(stderr, "vmctl: backup: %s\n", backup_repo_error(r)), k;
	if (conflicts)
		fprintf(stderr,
			"vmctl: backup: %u policy file%s differ from yours: the backup's "
			"copies are in %s as *.from-backup-%" PRIu64 "\n",
			conflicts, conflicts == 1 ? "" : "s", dir, m->seq);
	if (!a->json)
		printf("Policy: %u of %zu files written to %s\n", written, m->n_policies, dir);
	return 0;
}

static int restore_all(struct backup_repo *r, struct target *t, size_t n, bool json)
{
	struct backup_cli_progress *p;
	uint64_t total = 0;
	int k = 0;

	for (size_t i = 0; i < n; i++)
		total += t[i].vm->volume.size;
	p = backup_cli_progress_new("restore", total, json);
	for (size_t i = 0; k >= 0 && i < n; i++)
		k = restore_vm(r, &t[i], &(struct backup_progress){ backup_cli_progress_step, p });
	backup_cli_progress_free(p);
	if (k < 0)
		roll_back(t, n);
	return k;
}

static void report(const struct backup_cli_args *a, const struct backup_manifest *m,
		   const struct target *t, size_t n)
{
	char body[512];
	size_t off = 0;

	snprintf(body, sizeof(body), "Restored from backup #%" PRIu64 ":", m->seq);
	for (size_t i = 0; i < n; i++) {
		off = strlen(body);
		snprintf(body + off, sizeof(body) - off, " %s", t[i].name);
	}
	if (a->json) {
		printf("{\"restored\": {\"id\": %" PRIu64 ", \"vms\": [", m->seq);
		for (size_t i = 0; i < n; i++)
			printf("%s\"%s\"", i ? ", " : "", t[i].name);
		printf("]}}\n");
	} else {
		printf("%s\n", body);
	}
	backup_cli_notify("Bulkhead: restore done", body);
}

int backup_cli_restore(const struct backup_cli_args *a, struct backup_repo *r)
{
	struct backup_manifest *m = NULL;
	_cleanup_free_ struct target *t = NULL;
	size_t n = 0;
	int k = backup_manifest_load(r, a->id, &m);

	if (k < 0) {
		fprintf(stderr, "vmctl: backup: %s\n", backup_repo_error(r));
		return k;
	}
	t = calloc(m->n_vms + 1, sizeof(*t));
	k = t ? pick(a, m, t, &n) : -ENOMEM;
	if (k >= 0)
		k = check_free(t, n);
	if (k >= 0)
		k = restore_all(r, t, n, a->json);
	if (k >= 0)
		k = restore_policy(a, r, m);
	if (k >= 0)
		report(a, m, t, n);
	else
		backup_cli_notify("Bulkhead: restore failed", "See vmctl's output");
	backup_manifest_free(m);
	return k;
}
