/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl menu list|add|remove|sync VM: which of its template's applications a VM shows in the
 * host's menu ("[work] XTerm", in a folder per VM). The choice is the VM's `menu` property;
 * bulkheadd writes the desktop entries whenever it changes (hypervisor/menu.c).
 */
#include <stdlib.h>
#include <string.h>

#include "manager-client.h"
#include "strutil.h"

#define MENU_TEXT_MAX 1024

struct app {
	const char *id, *name;
	dbus_bool_t in_menu;
};

/* The (ssb) array of ListApplications, iterated: 1 while there is an app, 0 at the end. */
static int next_app(DBusMessageIter *arr, struct app *a)
{
	DBusMessageIter st;

	if (dbus_message_iter_get_arg_type(arr) != DBUS_TYPE_STRUCT)
		return 0;
	dbus_message_iter_recurse(arr, &st);
	dbus_message_iter_get_basic(&st, &a->id);
	dbus_message_iter_next(&st);
	dbus_message_iter_get_basic(&st, &a->name);
	dbus_message_iter_next(&st);
	dbus_message_iter_get_basic(&st, &a->in_menu);
	dbus_message_iter_next(arr);
	return 1;
}

static DBusMessage *list_apps(const char *vm, DBusMessageIter *arr)
{
	DBusMessage *call = manager_call_new("ListApplications"), *reply;
	DBusMessageIter it;

	dbus_message_append_args(call, DBUS_TYPE_STRING, &vm, DBUS_TYPE_INVALID);
	reply = manager_call(&vmctl_cmd_menu, call);
	if (reply && (!dbus_message_iter_init(reply, &it) ||
		      dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)) {
		dbus_message_unref(reply);
		return NULL;
	}
	if (reply)
		dbus_message_iter_recurse(&it, arr);
	return reply;
}

static void print_app_json(const struct app *a, bool first)
{
	printf("%s{\"id\": ", first ? "" : ", ");
	manager_print_json_string(stdout, a->id);
	printf(", \"name\": ");
	manager_print_json_string(stdout, a->name);
	printf(", \"in_menu\": %s}", a->in_menu ? "true" : "false");
}

static int menu_list(const char *vm, bool json)
{
	DBusMessageIter arr;
	DBusMessage *reply = list_apps(vm, &arr);
	struct app a;
	bool first = true;

	if (!reply)
		return VMCTL_EXIT_FAILURE;
	printf(json ? "[" : "%-3s %-32s %s\n", "", "APPLICATION", "NAME");
	for (; next_app(&arr, &a); first = false) {
		if (json)
			print_app_json(&a, first);
		else
			printf("%-3s %-32s %s\n", a.in_menu ? "*" : "", a.id, a.name);
	}
	printf(json ? "]\n" : "");
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

/* Every id the user named must be one of the template's applications. */
static int check_offered(const char *vm, char **ids, int n)
{
	DBusMessageIter arr;
	DBusMessage *reply = list_apps(vm, &arr);
	struct app a;
	int found = 0;

	if (!reply)
		return VMCTL_EXIT_FAILURE;
	for (; next_app(&arr, &a);)
		for (int i = 0; i < n; i++)
			found += streq(a.id, ids[i]);
	dbus_message_unref(reply);
	for (int i = 0; found < n && i < n; i++)
		fprintf(stderr, "vmctl: menu: check '%s' with 'vmctl menu list %s'\n", ids[i], vm);
	if (found < n)
		fprintf(stderr,
			"vmctl: menu: not every application named is offered by %s's "
			"template\n",
			vm);
	return found < n ? VMCTL_EXIT_FAILURE : VMCTL_EXIT_OK;
}

/* menu with ids added or removed, as one comma-separated list. */
static int edit(char *menu, size_t size, char **ids, int n, bool add)
{
	char out[MENU_TEXT_MAX] = "", *save = NULL;
	size_t off = 0;

	for (char *t = strtok_r(menu, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool named = false;
		for (int i = 0; i < n; i++)
			named |= streq(t, ids[i]);
		if (!named &&
		    str_printf(out + off, sizeof(out) - off, "%s%s", off ? "," : "", t) >= 0)
			off += strlen(out + off);
	}
	for (int i = 0; add && i < n; i++)
		if (str_printf(out + off, sizeof(out) - off, "%s%s", off ? "," : "", ids[i]) >= 0)
			off += strlen(out + off);
	return str_copy(menu, size, out);
}

static int menu_set(const char *vm, const char *menu)
{
	DBusMessage *call = manager_call_new("SetProperty"), *reply;
	DBusMessageIter it, v;
	const char *key = "menu";

	dbus_message_iter_init_append(call, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &vm);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &menu);
	dbus_message_iter_close_container(&it, &v);
	reply = manager_call(&vmctl_cmd_menu, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

static int menu_edit(const char *vm, char **ids, int n, bool add)
{
	char menu[MENU_TEXT_MAX];
	int r = add ? check_offered(vm, ids, n) : VMCTL_EXIT_OK;

	if (r == VMCTL_EXIT_OK)
		r = manager_get_text(&vmctl_cmd_menu, vm, "menu", menu, sizeof(menu));
	if (r != VMCTL_EXIT_OK)
		return r;
	if (edit(menu, sizeof(menu), ids, n, add) < 0) {
		fprintf(stderr, "vmctl: menu: too many applications for %s's menu\n", vm);
		return VMCTL_EXIT_FAILURE;
	}
	return menu_set(vm, menu);
}

static int run_menu(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	bool json = argc == 4 && streq(argv[3], "--json");
	int r;

	if (argc < 3)
		return vmctl_usage_error(&vmctl_cmd_menu, "expected a verb and a VM name");
	r = manager_check_name(&vmctl_cmd_menu, argv[2]);
	if (r != VMCTL_EXIT_OK)
		return r;
	if (streq(verb, "list") && (argc == 3 || json))
		return menu_list(argv[2], json);
	if (streq(verb, "sync") && argc == 3)
		return manager_call_name(&vmctl_cmd_menu, "SyncMenu", argv[2]);
	if ((streq(verb, "add") || streq(verb, "remove")) && argc > 3)
		return menu_edit(argv[2], argv + 3, argc - 3, streq(verb, "add"));
	return vmctl_usage_error(&vmctl_cmd_menu, "unknown use of '%s'", verb);
}

const struct vmctl_command vmctl_cmd_menu = {
	.name = "menu",
	.args = "list|add|remove|sync NAME [APP...] [--json]",
	.summary = "Choose a VM's applications in the host's menu",
	.help = "  list NAME [--json]   the applications NAME's template offers; * = in the menu\n"
		"  add NAME APP...      show them in the menu as \"[NAME] Application\"\n"
		"  remove NAME APP...   take them out of the menu\n"
		"  sync NAME            write NAME's menu entries again\n"
		"An entry starts the application in the VM (starting the VM first). APP is a\n"
		"desktop file id, as `list` shows it (debian-xterm, dillo, ...).\n",
	.run = run_menu,
};
