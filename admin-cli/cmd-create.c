/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "manager-client.h"
#include "strutil.h"

struct create_args {
	const char *name, *template_name, *label, *memory, *klass, *net;
};

static int parse(int argc, char **argv, struct create_args *a)
{
	static const char *const opts[] = { "--template", "--label", "--memory", "--class",
					    "--net" };
	const char **dst[] = { &a->template_name, &a->label, &a->memory, &a->klass, &a->net };

	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		while (k < ELEMENTSOF(opts) && !streq(argv[i], opts[k]))
			k++;
		if (k < ELEMENTSOF(opts) && i + 1 < argc)
			*dst[k] = argv[++i];
		else if (k < ELEMENTSOF(opts))
			return vmctl_usage_error(&vmctl_cmd_create, "%s needs a value", argv[i]);
		else if (argv[i][0] == '-' || a->name)
			return vmctl_usage_error(&vmctl_cmd_create, "unexpected argument '%s'",
						 argv[i]);
		else
			a->name = argv[i];
	}
	return manager_check_name(&vmctl_cmd_create, a->name);
}

/* Every property goes as a string; bulkheadd validates it as it would a `prefs` change. */
static void add_prop(DBusMessageIter *dict, const char *key, const char *value)
{
	DBusMessageIter e, v;

	if (!value)
		return;
	dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
	dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &value);
	dbus_message_iter_close_container(&e, &v);
	dbus_message_iter_close_container(dict, &e);
}

static int run_create(int argc, char **argv)
{
	struct create_args a = { 0 };
	DBusMessage *call, *reply;
	DBusMessageIter it, dict;
	int r = parse(argc, argv, &a);

	if (r != VMCTL_EXIT_OK)
		return r;
	call = manager_call_new("CreateVM");
	if (call) {
		dbus_message_iter_init_append(call, &it);
		dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &a.name);
		dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
		add_prop(&dict, "template", a.template_name);
		add_prop(&dict, "label", a.label);
		add_prop(&dict, "memory", a.memory);
		add_prop(&dict, "class", a.klass);
		add_prop(&dict, "net", a.net);
		dbus_message_iter_close_container(&it, &dict);
	}
	reply = manager_call(&vmctl_cmd_create, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

const struct vmctl_command vmctl_cmd_create = {
	.name = "create",
	.args = "NAME [--template T] [--label COLOUR] [--memory MiB] [--class DispVM] [--net none|nat]",
	.summary = "Create an AppVM",
	.help = "  --template T   the VM's template (default host); for --class DispVM, its\n"
		"                 disposable template\n"
		"  --class DispVM a named disposable: every start begins from its template's\n"
		"                 private volume, and forgets what it did at shutdown\n"
		"  --label C      red, orange, yellow, green, gray, blue, purple or black\n"
		"                 (default red)\n"
		"  --memory MiB   guest RAM (default 256)\n"
		"  --net N        none (default: no network device at all) or nat (the host's\n"
		"                 network, through the VM's firewall; see vmctl firewall)\n",
	.run = run_create,
};
