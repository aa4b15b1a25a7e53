/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl prefs NAME [KEY [VALUE]]: a VM's properties, kept by bulkheadd.
 * vmctl prefs --global [KEY [VALUE]]: Bulkhead's global settings (qubes-prefs), kept in
 * global.conf on the host (common/global.h): default_print_vm, which also rewrites the policy
 * file that preselects it for bulkhead.Print, and print_render (print/config.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "global.h"
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
	int r = bulkhead_global_get(key, &value);

	if (r < 0)
		return fprintf(stderr, "vmctl prefs: global.conf: %s\n", strerror(-r)),
		       VMCTL_EXIT_FAILURE;
	if (with_key)
		printf("%-17s ", key);
	printf("%s\n", value ? value : "");
	return VMCTL_EXIT_OK;
}

/* The global keys, each set through its own validator (print/config.c). */
static const struct {
	const char *key, *values;
	int (*set)(const char *value);
} global_keys[] = {
	{ PRINT_GLOBAL_KEY, "a VM name", print_config_set_default_vm },
	{ PRINT_RENDER_KEY, "host or dispvm", print_config_set_render },
};

static int global_set(size_t k, const char *value)
{
	int r = global_keys[k].set(value);

	if (r == -EINVAL)
		return vmctl_usage_error(&vmctl_cmd_prefs, "%s: not %s: %s", global_keys[k].key,
					 global_keys[k].values, value);
	if (r < 0)
		return fprintf(stderr, "vmctl prefs: cannot save %s: %s\n", global_keys[k].key,
			       strerror(-r)),
		       VMCTL_EXIT_FAILURE;
	return VMCTL_EXIT_OK;
}

static int run_global(int argc, char **argv)
{
	size_t k = 0;

	if (argc > 4)
		return vmctl_usage_error(&vmctl_cmd_prefs, "too many arguments");
	if (argc == 2) {
		for (k = 0; k < ELEMENTSOF(global_keys); k++)
			if (global_show(global_keys[k].key, true) != VMCTL_EXIT_OK)
				return VMCTL_EXIT_FAILURE;
		return VMCTL_EXIT_OK;
	}
	while (k < ELEMENTSOF(global_keys) && strcmp(argv[2], global_keys[k].key) != 0)
		k++;
	if (k == ELEMENTSOF(global_keys))
		return vmctl_usage_error(&vmctl_cmd_prefs, "unknown global key: %s", argv[2]);
	if (argc == 4)
		return global_set(k, argv[3]);
	return global_show(global_keys[k].key, false);
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
		"it rewrites policy.d/50-config-print.policy there); print_render (host or\n"
		"dispvm: where printed documents are rendered to pixels; unset: in a disposable\n"
		"when there is a disposable template, else in the host's sandbox).\n",
	.run = run_prefs,
};
