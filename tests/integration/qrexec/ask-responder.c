/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A scripted ask agent for tests: owns org.bulkhead.PolicyAgent1 on the (private) session bus
 * and answers every Ask the same way, over the real D-Bus interface of docs/interfaces.md.
 * Or, in notify mode, a notification server that records what it is shown.
 *
 *   ask-responder allow TARGET LOG READY   answer (true, TARGET)
 *   ask-responder deny LOG READY           answer (false, "")
 *   ask-responder notify LOG READY         own org.freedesktop.Notifications, log
 *                                          "summary|body" per Notify
 *
 * Each Ask is appended to LOG as one line: source service argument requested_target
 * targets(comma-separated) default_target rule=... source_label=... timeout=...
 * READY is created once the name is owned. ASK_RESPONDER_DELAY=SECONDS delays every answer
 * (the way a user takes time), to test that other requests go on meanwhile and timeouts.
 */
#include <dbus/dbus.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *answer_target;
static const char *log_path;

static void log_targets(FILE *f, DBusMessageIter *it)
{
	DBusMessageIter arr;
	const char *s;

	dbus_message_iter_recurse(it, &arr);
	for (int n = 0; dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRING; n++) {
		dbus_message_iter_get_basic(&arr, &s);
		fprintf(f, "%s%s", n ? "," : "", s);
		dbus_message_iter_next(&arr);
	}
}

static void log_details(FILE *f, DBusMessageIter *it)
{
	DBusMessageIter arr, entry;
	const char *k, *v;

	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY) {
		dbus_message_iter_recurse(&arr, &entry);
		dbus_message_iter_get_basic(&entry, &k);
		dbus_message_iter_next(&entry);
		dbus_message_iter_get_basic(&entry, &v);
		fprintf(f, " %s=%s", k, v);
		dbus_message_iter_next(&arr);
	}
}

/* Log the call's arguments in order: s s s s as s a{ss}. */
static void log_ask(DBusMessage *m)
{
	DBusMessageIter it;
	const char *s;
	FILE *f = fopen(log_path, "a");

	if (!f)
		return;
	dbus_message_iter_init(m, &it);
	for (int i = 0; i < 7; i++, dbus_message_iter_next(&it)) {
		int t = dbus_message_iter_get_arg_type(&it);
		if (t == DBUS_TYPE_STRING) {
			dbus_message_iter_get_basic(&it, &s);
			fprintf(f, "%s%s", i ? " " : "", s);
		} else if (t == DBUS_TYPE_ARRAY && i == 4) {
			fputc(' ', f);
			log_targets(f, &it);
		} else if (t == DBUS_TYPE_ARRAY) {
			log_details(f, &it);
		}
	}
	fputc('\n', f);
	fclose(f);
}

static DBusHandlerResult on_notify(DBusConnection *c, DBusMessage *m, void *data)
{
	const char *app, *icon, *summary, *body;
	uint32_t id = 0;
	FILE *f;

	if (!dbus_message_is_method_call(m, "org.freedesktop.Notifications", "Notify") ||
	    !dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &app, DBUS_TYPE_UINT32, &id,
				   DBUS_TYPE_STRING, &icon, DBUS_TYPE_STRING, &summary,
				   DBUS_TYPE_STRING, &body, DBUS_TYPE_INVALID))
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	f = fopen(log_path, "a");
	if (f) {
		fprintf(f, "%s|%s|%s\n", app, summary, body);
		fclose(f);
	}
	DBusMessage *reply = dbus_message_new_method_return(m);
	id = 1;
	dbus_message_append_args(reply, DBUS_TYPE_UINT32, &id, DBUS_TYPE_INVALID);
	dbus_connection_send(c, reply, NULL);
	dbus_message_unref(reply);
	return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult on_message(DBusConnection *c, DBusMessage *m, void *data)
{
	dbus_bool_t allowed = answer_target != NULL;
	const char *target = answer_target ? answer_target : "";

	if (!dbus_message_is_method_call(m, "org.bulkhead.PolicyAgent1", "Ask") ||
	    !dbus_message_has_signature(m, "ssssassa{ss}"))
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	log_ask(m);
	const char *delay = getenv("ASK_RESPONDER_DELAY");
	if (delay)
		sleep((unsigned)atoi(delay));
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_append_args(reply, DBUS_TYPE_BOOLEAN, &allowed, DBUS_TYPE_STRING, &target,
				 DBUS_TYPE_INVALID);
	dbus_connection_send(c, reply, NULL);
	dbus_message_unref(reply);
	return DBUS_HANDLER_RESULT_HANDLED;
}

int main(int argc, char **argv)
{
	static const DBusObjectPathVTable vtable = { .message_function = on_message };
	static const DBusObjectPathVTable notify_vtable = { .message_function = on_notify };
	int allow = argc == 5 && strcmp(argv[1], "allow") == 0;
	int notify = argc == 4 && strcmp(argv[1], "notify") == 0;

	if (!allow && !notify && !(argc == 4 && strcmp(argv[1], "deny") == 0)) {
		fprintf(stderr, "Usage: ask-responder allow TARGET LOG READY | deny LOG READY | "
				"notify LOG READY\n");
		return 2;
	}
	answer_target = allow ? argv[2] : NULL;
	log_path = argv[allow ? 3 : 2];
	const char *name = notify ? "org.freedesktop.Notifications" : "org.bulkhead.PolicyAgent1";
	DBusConnection *c = dbus_bus_get(DBUS_BUS_SESSION, NULL);
	if (!c || dbus_bus_request_name(c, name, DBUS_NAME_FLAG_DO_NOT_QUEUE, NULL) !=
			  DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
		return 1;
	if (notify)
		dbus_connection_register_object_path(c, "/org/freedesktop/Notifications",
						     &notify_vtable, NULL);
	else
		dbus_connection_register_object_path(c, "/org/bulkhead/PolicyAgent1", &vtable,
						     NULL);
	FILE *ready = fopen(argv[allow ? 4 : 3], "w");
	if (ready)
		fclose(ready);
	while (dbus_connection_read_write_dispatch(c, -1))
		;
	return 0;
}
