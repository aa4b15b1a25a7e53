/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `vmctl backup` asks bulkheadd (org.bulkhead.Manager1): the VMs with their properties
 * (ListVMs), each one's volume path (GetProperty "volume"), and, to restore, CreateVM with the
 * saved properties and RemoveVM to undo a restore that failed half way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backup-cli.h"
#include "manager-client.h"
#include "strutil.h"

/* A property's text as `vmctl prefs` shows it (tags comma-separated). */
static int variant_text(DBusMessageIter *variant, char *buf, size_t size)
{
	char *mem = NULL;
	size_t len;
	FILE *f = open_memstream(&mem, &len);
	int r;

	if (!f)
		return -ENOMEM;
	manager_print_variant(f, variant, false);
	fclose(f);
	r = str_copy(buf, size, mem);
	free(mem);
	return r;
}

static void read_props(DBusMessageIter *props, struct backup_cli_vm *vm)
{
	DBusMessageIter dict = *props, e;

	for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&dict)) {
		struct backup_prop *p = &vm->props[vm->n_props];
		const char *k;
		dbus_message_iter_recurse(&dict, &e);
		dbus_message_iter_get_basic(&e, &k);
		dbus_message_iter_next(&e);
		if (streq(k, "state")) /* not a property to restore */
			variant_text(&e, vm->state, sizeof(vm->state));
		else if (vm->n_props < BACKUP_PROPS_MAX &&
			 str_copy(p->key, sizeof(p->key), k) >= 0 &&
			 variant_text(&e, p->value, sizeof(p->value)) >= 0)
			vm->n_props++;
	}
}

static size_t collect(DBusMessage *reply, struct backup_cli_vm *vms, size_t max)
{
	DBusMessageIter it, arr, e, props;
	size_t n = 0;

	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		return 0;
	dbus_message_iter_recurse(&it, &arr);
	for (; n < max && dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&arr)) {
		const char *name;
		dbus_message_iter_recurse(&arr, &e);
		dbus_message_iter_get_basic(&e, &name);
		dbus_message_iter_next(&e);
		dbus_message_iter_recurse(&e, &props);
		vms[n] = (struct backup_cli_vm){ 0 };
		if (str_copy(vms[n].name, sizeof(vms[n].name), name) >= 0)
			read_props(&props, &vms[n++]);
	}
	return n;
}

static int cmp_vms(const void *a, const void *b)
{
	return strcmp(((const struct backup_cli_vm *)a)->name,
		      ((const struct backup_cli_vm *)b)->name);
}

int backup_vms_list(struct backup_cli_vm **ret, size_t *n)
{
	DBusMessage *reply = manager_call(&vmctl_cmd_backup, manager_call_new("ListVMs"));
	struct backup_cli_vm *vms;

	if (!reply)
		return -EIO;
	vms = calloc(BACKUP_CLI_VMS_MAX, sizeof(*vms));
	if (vms) {
		*n = collect(reply, vms, BACKUP_CLI_VMS_MAX);
		qsort(vms, *n, sizeof(*vms), cmp_vms);
	}
	dbus_message_unref(reply);
	*ret = vms;
	return vms ? 0 : -ENOMEM;
}

int backup_vm_volume(const char *name, char *buf, size_t size)
{
	int r = manager_get_text(&vmctl_cmd_backup, name, "volume", buf, size);

	return r == VMCTL_EXIT_OK && buf[0] == '/' ? 0 : -EIO;
}

/* bulkheadd's CopyVolume: a running VM's volume as it is now, in a new file to delete. */
int backup_vm_copy_volume(const char *name, char *buf, size_t size)
{
	DBusMessage *call = manager_call_new("CopyVolume"), *reply;
	const char *path = NULL;

	if (!call || !dbus_message_append_args(call, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
		return -ENOMEM;
	reply = manager_call(&vmctl_cmd_backup, call);
	if (!reply)
		return -EIO;
	if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &path, DBUS_TYPE_INVALID) ||
	    path[0] != '/' || str_copy(buf, size, path) < 0)
		path = NULL;
	dbus_message_unref(reply);
	return path ? 0 : -EIO;
}

/* The VM's firewall rules, one a line (GetFirewall); malloc'd, NULL on failure (printed). */
char *backup_vm_firewall(const char *name)
{
	_cleanup_free_ struct firewall_rules *rs = calloc(1, sizeof(*rs));
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (!rs || vmctl_firewall_get(&vmctl_cmd_backup, name, rs) != VMCTL_EXIT_OK)
		return NULL;
	text = calloc(rs->n, FIREWALL_RULE_TEXT_MAX + 1);
	for (size_t i = 0; text && i < rs->n; i++)
		len += (size_t)sprintf(text + len, "%s\n", rs->text[i]);
	return text ? TAKE_PTR(text) : strdup("");
}

/* Back from a backup: each line a rule; bulkheadd checks every one and keeps none if one is
 * bad. */
int backup_vm_set_firewall(const char *name, const char *text)
{
	_cleanup_free_ struct firewall_rules *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return -ENOMEM;
	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		if (rs->n >= FIREWALL_RULES_MAX || len > FIREWALL_RULE_TEXT_MAX)
			return fprintf(stderr,
				       "vmctl: backup: VM '%s': too many or too long "
				       "firewall rules in the backup\n",
				       name),
			       -E2BIG;
		memcpy(rs->text[rs->n], line, len);
		rs->text[rs->n++][len] = '\0';
		line += len + (line[len] == '\n');
	}
	return vmctl_firewall_set(&vmctl_cmd_backup, name, rs) == VMCTL_EXIT_OK ? 0 : -EIO;
}

static void add_prop(DBusMessageIter *dict, const char *key, const char *value)
{
	DBusMessageIter e, v;

	dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
	dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &value);
	dbus_message_iter_close_container(&e, &v);
	dbus_message_iter_close_container(dict, &e);
}

/* bulkheadd validates every property as it would a `vmctl prefs` change. */
int backup_vm_create(const char *name, const struct backup_vm *from)
{
	DBusMessage *call = manager_call_new("CreateVM"), *reply;
	DBusMessageIter it, dict;

	if (call) {
		dbus_message_iter_init_append(call, &it);
		dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &name);
		dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
		for (size_t i = 0; i < from->n_props; i++)
			add_prop(&dict, from->props[i].key, from->props[i].value);
		dbus_message_iter_close_container(&it, &dict);
	}
	reply = manager_call(&vmctl_cmd_backup, call);
	if (!reply)
		return -EIO;
	dbus_message_unref(reply);
	return 0;
}

int backup_vm_remove(const char *name)
{
	return manager_call_name(&vmctl_cmd_backup, "RemoveVM", name) == VMCTL_EXIT_OK ? 0 : -EIO;
}
