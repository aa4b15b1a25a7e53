/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "manager-client.h"
#include "strutil.h"

struct vm_row {
	const char *name;
	DBusMessageIter props; /* a{sv}, valid while the reply lives */
};

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(((const struct vm_row *)a)->name, ((const struct vm_row *)b)->name);
}

/* Text of one property of a VM (the a{sv}), "" if absent. */
static void prop_text(DBusMessageIter *props, const char *key, char *buf, size_t size)
{
	DBusMessageIter dict = *props, e;
	char *mem = NULL;
	size_t len;
	FILE *f;

	buf[0] = '\0';
	for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&dict)) {
		const char *k;
		dbus_message_iter_recurse(&dict, &e);
		dbus_message_iter_get_basic(&e, &k);
		if (!streq(k, key) || !(f = open_memstream(&mem, &len)))
			continue;
		dbus_message_iter_next(&e);
		manager_print_variant(f, &e, false);
		fclose(f);
		str_copy(buf, size, mem);
		free(mem);
		return;
	}
}

static void print_text(const struct vm_row *rows, size_t n)
{
	static const char *const keys[] = {
		"state", "class", "label", "template", "memory", "net"
	};
	char v[ELEMENTSOF(keys)][128];

	printf("%-20s %-9s %-10s %-7s %-9s %-7s %s\n", "NAME", "STATE", "CLASS", "LABEL",
	       "TEMPLATE", "MEMORY", "NET");
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
			DBusMessageIter props = rows[i].props;
			prop_text(&props, keys[k], v[k], sizeof(v[k]));
		}
		printf("%-20s %-9s %-10s %-7s %-9s %-7s %s\n", rows[i].name, v[0], v[1], v[2], v[3],
		       v[4], v[5]);
	}
}

static void print_json_vm(DBusMessageIter *props)
{
	DBusMessageIter dict = *props, e;
	bool first = true;

	printf("{");
	for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&dict)) {
		const char *k;
		dbus_message_iter_recurse(&dict, &e);
		dbus_message_iter_get_basic(&e, &k);
		dbus_message_iter_next(&e);
		printf("%s\"%s\": ", first ? "" : ", ", k);
		manager_print_variant(stdout, &e, true);
		first = false;
	}
	printf("}");
}

/* {"work": {"class": "AppVM", ...}, ...}: the ListVMs dictionary as JSON, by name. */
static void print_json(const struct vm_row *rows, size_t n)
{
	printf("{");
	for (size_t i = 0; i < n; i++) {
		DBusMessageIter props = rows[i].props;
		printf("%s\"%s\": ", i ? ", " : "", rows[i].name);
		print_json_vm(&props);
	}
	printf("}\n");
}

static size_t collect(DBusMessage *reply, struct vm_row *rows, size_t max)
{
	DBusMessageIter it, arr, e;
	size_t n = 0;

	if (!dbus_message_iter_init(reply, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		return 0;
	dbus_message_iter_recurse(&it, &arr);
	for (; n < max && dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&arr)) {
		dbus_message_iter_recurse(&arr, &e);
		dbus_message_iter_get_basic(&e, &rows[n].name);
		dbus_message_iter_next(&e);
		dbus_message_iter_recurse(&e, &rows[n++].props);
	}
	qsort(rows, n, sizeof(rows[0]), cmp_rows);
	return n;
}

static int run_list(int argc, char **argv)
{
	static struct vm_row rows[1024];
	bool json = argc == 2 && streq(argv[1], "--json");
	DBusMessage *reply;
	size_t n;

	if (argc > 2 || (argc == 2 && !json))
		return vmctl_usage_error(&vmctl_cmd_list, "unexpected argument '%s'", argv[1]);
	reply = manager_call(&vmctl_cmd_list, manager_call_new("ListVMs"));
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	n = collect(reply, rows, ELEMENTSOF(rows));
	if (json)
		print_json(rows, n);
	else
		print_text(rows, n);
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

const struct vmctl_command vmctl_cmd_list = {
	.name = "list",
	.args = "[--json]",
	.summary = "List the VMs and their state",
	.help = "  --json   one JSON object: name -> {class, label, state, template, memory,\n"
		"           vcpus, tags, default_dispvm, autostart, net}\n",
	.run = run_list,
};
