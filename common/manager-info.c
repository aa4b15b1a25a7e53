/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manager-info.h"

int bulkhead_manager_system_info(DBusConnection *bus, int timeout_ms, char **ret)
{
	DBusMessage *m =
		dbus_message_new_method_call("org.bulkhead.Manager1", "/org/bulkhead/Manager1",
					     "org.bulkhead.Manager1", "GetSystemInfo");
	const char *json = NULL;
	int r = -EHOSTDOWN;

	if (!m)
		return -ENOMEM;
	dbus_message_set_auto_start(m, FALSE);
	DBusMessage *reply = dbus_connection_send_with_reply_and_block(bus, m, timeout_ms, NULL);
	dbus_message_unref(m);
	if (reply && dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &json, DBUS_TYPE_INVALID))
		r = (*ret = strdup(json)) ? 0 : -ENOMEM;
	if (reply)
		dbus_message_unref(reply);
	return r;
}
