/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dbus/dbus.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify.h"
#include "strutil.h"

struct notifier {
	DBusConnection *bus;
	unsigned max_per_minute;
	time_t window_start;
	unsigned sent_in_window;
	unsigned suppressed;
};

int notifier_new(unsigned max_per_minute, struct notifier **ret)
{
	struct notifier *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->max_per_minute = max_per_minute;
	*ret = n;
	return 0;
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	if (n->bus) {
		dbus_connection_close(n->bus);
		dbus_connection_unref(n->bus);
	}
	free(n);
}

/* A private connection, made when first needed and remade after the bus went away. */
static DBusConnection *notifier_bus(struct notifier *n)
{
	if (n->bus && !dbus_connection_get_is_connected(n->bus)) {
		dbus_connection_unref(n->bus);
		n->bus = NULL;
	}
	if (!n->bus) {
		n->bus = dbus_bus_get_private(DBUS_BUS_SESSION, NULL);
		if (n->bus)
			dbus_connection_set_exit_on_disconnect(n->bus, FALSE);
	}
	return n->bus;
}

/* Token-less rate limit: a fixed one-minute window; what it drops is counted and reported. */
static bool rate_allows(struct notifier *n)
{
	time_t now = time(NULL);

	if (now - n->window_start >= 60) {
		n->window_start = now;
		n->sent_in_window = 0;
	}
	if (n->sent_in_window >= n->max_per_minute) {
		n->suppressed++;
		return false;
	}
	n->sent_in_window++;
	return true;
}

static bool append_notify_args(DBusMessage *m, const char *summary, const char *body)
{
	const char *app = "Bulkhead", *icon = "dialog-information";
	uint32_t replaces = 0;
	int32_t timeout = -1;
	DBusMessageIter it, sub;

	dbus_message_iter_init_append(m, &it);
	return dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &app) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &replaces) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &icon) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &summary) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &body) &&
	       dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &sub) &&
	       dbus_message_iter_close_container(&it, &sub) &&
	       dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &sub) &&
	       dbus_message_iter_close_container(&it, &sub) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_INT32, &timeout);
}

static int send_notify(DBusConnection *bus, const char *summary, const char *body)
{
	DBusMessage *m = dbus_message_new_method_call("org.freedesktop.Notifications",
						      "/org/freedesktop/Notifications",
						      "org.freedesktop.Notifications", "Notify");
	int r = -ENOMEM;

	if (!m)
		return -ENOMEM;
	dbus_message_set_no_reply(m, TRUE);
	dbus_message_set_auto_start(m, TRUE);
	if (append_notify_args(m, summary, body) && dbus_connection_send(bus, m, NULL)) {
		dbus_connection_flush(bus);
		r = 1;
	}
	dbus_message_unref(m);
	return r;
}

int notifier_send(struct notifier *n, const char *summary, const char *body)
{
	char text[1024];

	if (!utf8_is_valid(summary, strlen(summary)) || !utf8_is_valid(body, strlen(body)))
		return -EINVAL;
	if (!rate_allows(n))
		return 0;
	DBusConnection *bus = notifier_bus(n);
	if (!bus)
		return -ENOTCONN;
	if (n->suppressed)
		snprintf(text, sizeof(text), "%s\n(%u more notifications were suppressed)", body,
			 n->suppressed);
	else
		snprintf(text, sizeof(text), "%s", body);
	n->suppressed = 0;
	if (!utf8_is_valid(text, strlen(text)))
		text[0] = '\0'; /* truncation split a character: say nothing rather than abort */
	return send_notify(bus, summary, text);
}
