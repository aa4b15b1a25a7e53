/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl prefs NAME [KEY [VALUE]]: a VM's properties, kept by bulkheadd.
 * vmctl prefs --global [KEY [VALUE]]: Bulkhead's global settings (qubes-prefs), kept in
 * global.conf on the host (common/global.h); today default_print_vm, which also rewrites the
 * policy file that preselects it for bulkhead.Print (print/config.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "manager-client.h"
#include "print.h"
#include "strutil.h"
#include "vm-config.h"

static int print_one(const char *name, const char *key, bool with_key)
{
	DBusMessage *call = manager_call_new("GetProperty"), *reply;
	DBusMessageIter it;

	if (call && !dbus_message_append_args(call, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &key,
					      DBUS_TYPE_INVALID))
		return VMCTL_EXIT_FAILURE;
	reply = manager_call(&vmctl_cmd_prefs, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	if (with_key)
		printf("%-20s ", key);
	if (dbus_message_iter_init(reply, &it))
		manager_print_variant(stdout, &it, false);
	printf("\n");
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

/* Sent as a string: bulkheadd parses it with the same validator as everything else. */
static int set_one(const char *name, const char *key, const char *value)
{
	DBusMessage *call = manager_call_new("SetProperty"), *reply;
	DBusMessageIter it, v;

	if (!call)
		return VMCTL_EXIT_FAILURE;
	dbus_message_iter_init_append(call, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &name);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &value);
	dbus_message_iter_close_container(&it, &v);
	reply = manager_call(&vmctl_cmd_prefs, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

static int global_show(const char *key, bool with_key)
{
	_cleanup_free_ char *value = NULL;
	int r = print_config_get_default_vm(&value);

	if (r < 0)
		return fprintf(stderr, "vmctl prefs: global.conf: %s\n", strerror(-r)),
		       VMCTL_EXIT_FAILURE;
	if (with_key)
		printf("%-17s ", key);
	printf("%s\n", value ? value : "");
	return VMCTL_EXIT_OK;
}

static int global_set(const char *value)
{
	int r = print_config_set_default_vm(value);

	if (r == -EINVAL)
		return vmctl_usage_error(&vmctl_cmd_prefs, "not a VM name: %s", value);
	if (r < 0)
		return fprintf(stderr, "vmctl prefs: cannot save default_print_vm: %s\n",
			       strerror(-r)),
		       VMCTL_EXIT_FAILURE;
	return VMCTL_EXIT_OK;
}

static int run_global(int argc, char **argv)
{
	if (argc > 4)
		return vmctl_usage_error(&vmctl_cmd_prefs, "too many arguments");
	if (argc >= 3 && strcmp(argv[2], PRINT_GLOBAL_KEY) != 0)
		return vmctl_usage_error(&vmctl_cmd_prefs, "unknown global key: %s", argv[2]);
	if (argc == 4)
		return global_set(argv[3]);
	return global_show(PRINT_GLOBAL_KEY, argc == 2);
}

/* `vmctl prefs VM` shows bulkheadd's own list of keys (vm-config.c) and the state after the
 * class, so a property added there shows here with no second list to keep. */
static int print_all(const char *name)
{
	for (size_t i = 0; i < vm_prop_keys_count; i++) {
		if (print_one(name, vm_prop_keys[i], true) != VMCTL_EXIT_OK ||
		    (i == 0 && print_one(name, "state", true) != VMCTL_EXIT_OK))
			return VMCTL_EXIT_FAILURE;
	}
	return VMCTL_EXIT_OK;
}

static int run_prefs(int argc, char **argv)
{
	if (streq(argv[1], "--global"))
		return run_global(argc, argv);
	int r = manager_check_name(&vmctl_cmd_prefs, argv[1]);

	if (r != VMCTL_EXIT_OK)
		return r;
	if (argc > 4)
		return vmctl_usage_error(&vmctl_cmd_prefs, "too many arguments");
	if (argc == 4)
		return set_one(argv[1], argv[2], argv[3]);
	if (argc == 3)
		return print_one(argv[1], argv[2], false);
	return print_all(argv[1]);
}

const struct vmctl_command vmctl_cmd_prefs = {
	.name = "prefs",
	.args = "NAME|--global [KEY [VALUE]]",
	.summary = "Show or change a VM's properties",
	.help = "Without KEY, show every property; with KEY, its value; with VALUE, set it.\n"
		"Keys: class, label, template, memory (MiB), vcpus, tags (comma-separated),\n"
		"default_dispvm, autostart (true/false), internal (true/false: never offered\n"
		"in an ask dialog), menu, template_for_dispvms, preload_dispvm_max, net;\n"
		"state is read-only. Memory and vcpus take effect at the next start.\n"
		"--global: Bulkhead's own settings, in $XDG_CONFIG_HOME/bulkhead/global.conf.\n"
		"Keys: default_print_vm (the VM preselected when a VM prints; \"\" unsets it;\n"
		"it rewrites policy.d/50-config-print.policy there).\n",
	.run = run_prefs,
};
