/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dbus/dbus.h>
#include <string.h>

#include "manager-client.h"
#include "strutil.h"
#include "validate.h"

#define MANAGER_NAME "org.bulkhead.Manager1"
#define MANAGER_PATH "/org/bulkhead/Manager1"
/* Shutdown --wait is answered when the VM is off; bulkheadd gives up after 120 s itself. */
#define CALL_TIMEOUT_MS (150 * 1000)

DBusMessage *manager_call_new(const char *method)
{
	return dbus_message_new_method_call(MANAGER_NAME, MANAGER_PATH, MANAGER_NAME, method);
}

static DBusConnection *bus_get(const struct vmctl_command *cmd)
{
	DBusError err = DBUS_ERROR_INIT;
	DBusConnection *bus = dbus_bus_get(DBUS_BUS_SESSION, &err);

	if (!bus) {
		fprintf(stderr, "vmctl: %s: cannot reach the session bus: %s\n", cmd->name,
			err.message);
		dbus_error_free(&err);
	}
	return bus;
}

/* bulkheadd's own errors are complete sentences; D-Bus's (no bulkheadd, timeout) get a hint. */
static void print_error(const struct vmctl_command *cmd, const DBusError *err)
{
	if (str_startswith(err->name, "org.bulkhead.Error."))
		fprintf(stderr, "vmctl: %s: %s\n", cmd->name, err->message);
	else
		fprintf(stderr, "vmctl: %s: cannot talk to bulkheadd (%s): %s\n", cmd->name,
			err->name, err->message);
}

DBusMessage *manager_call(const struct vmctl_command *cmd, DBusMessage *call)
{
	DBusError err = DBUS_ERROR_INIT;
	DBusConnection *bus;
	DBusMessage *reply = NULL;

	if (!call) {
		fprintf(stderr, "vmctl: %s: out of memory\n", cmd->name);
		return NULL;
	}
	bus = bus_get(cmd);
	if (bus) {
		reply = dbus_connection_send_with_reply_and_block(bus, call, CALL_TIMEOUT_MS, &err);
		if (!reply)
			print_error(cmd, &err);
		dbus_error_free(&err);
		dbus_connection_unref(bus);
	}
	dbus_message_unref(call);
	return reply;
}

int manager_call_name(const struct vmctl_command *cmd, const char *method, const char *name)
{
	DBusMessage *call = manager_call_new(method), *reply;

	if (call && !dbus_message_append_args(call, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
		return VMCTL_EXIT_FAILURE;
	reply = manager_call(cmd, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

void manager_print_json_string(FILE *f, const char *s)
{
	/* bulkheadd's values are validated names; escape anyway, JSON-style for the basics. */
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void print_array(FILE *f, DBusMessageIter *v, bool json)
{
	DBusMessageIter it;
	bool first = true;

	dbus_message_iter_recurse(v, &it);
	fputs(json ? "[" : "", f);
	for (; dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_STRING;
	     dbus_message_iter_next(&it)) {
		const char *s;
		dbus_message_iter_get_basic(&it, &s);
		fputs(first ? "" : json ? ", " : ",", f);
		if (json)
			manager_print_json_string(f, s);
		else
			fputs(s, f);
		first = false;
	}
	fputs(json ? "]" : "", f);
}

void manager_print_variant(FILE *f, DBusMessageIter *variant, bool json)
{
	DBusMessageIter v;
	const char *s;
	dbus_uint32_t u;
	dbus_bool_t b;

	dbus_message_iter_recurse(variant, &v);
	switch (dbus_message_iter_get_arg_type(&v)) {
	case DBUS_TYPE_STRING:
		dbus_message_iter_get_basic(&v, &s);
		if (json)
			manager_print_json_string(f, s);
		else
			fputs(s, f);
		break;
	case DBUS_TYPE_UINT32:
		dbus_message_iter_get_basic(&v, &u);
		fprintf(f, "%u", (unsigned)u);
		break;
	case DBUS_TYPE_BOOLEAN:
		dbus_message_iter_get_basic(&v, &b);
		fputs(b ? "true" : "false", f);
		break;
	case DBUS_TYPE_ARRAY:
		print_array(f, &v, json);
		break;
	default:
		fputs(json ? "null" : "?", f);
	}
}

int manager_get_text(const struct vmctl_command *cmd, const char *name, const char *key, char *buf,
		     size_t size)
{
	DBusMessage *call = manager_call_new("GetProperty"), *reply;
	DBusMessageIter it, v;
	const char *s = "";

	if (call && !dbus_message_append_args(call, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &key,
					      DBUS_TYPE_INVALID))
		return VMCTL_EXIT_FAILURE;
	reply = manager_call(cmd, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	if (dbus_message_iter_init(reply, &it) &&
	    dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_VARIANT) {
		dbus_message_iter_recurse(&it, &v);
		if (dbus_message_iter_get_arg_type(&v) == DBUS_TYPE_STRING)
			dbus_message_iter_get_basic(&v, &s);
	}
	str_copy(buf, size, s);
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

int manager_check_name(const struct vmctl_command *cmd, const char *name)
{
	if (!name)
		return vmctl_usage_error(cmd, "missing VM name");
	if (name[0] == '-')
		return vmctl_usage_error(cmd, "unknown option '%s'", name);
	if (!vm_name_is_valid(name))
		return vmctl_usage_error(cmd, "'%s' is not a valid VM name", name);
	return VMCTL_EXIT_OK;
}
