/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libdbus on libvirt's event loop: the embedded driver needs its loop running to see guests
 * power off (PLATFORM.md), so that loop is bulkheadd's only loop, and the bus connection's
 * watches and timeouts are registered on it (virEventAddHandle/virEventAddTimeout).
 */
#include <dbus/dbus.h>
#include <stdint.h>

#include "hv.h"
#include "log.h"

static int to_virt(unsigned flags)
{
	return (flags & DBUS_WATCH_READABLE ? VIR_EVENT_HANDLE_READABLE : 0) |
	       (flags & DBUS_WATCH_WRITABLE ? VIR_EVENT_HANDLE_WRITABLE : 0);
}

static unsigned from_virt(int events)
{
	return (events & VIR_EVENT_HANDLE_READABLE ? DBUS_WATCH_READABLE : 0) |
	       (events & VIR_EVENT_HANDLE_WRITABLE ? DBUS_WATCH_WRITABLE : 0) |
	       (events & VIR_EVENT_HANDLE_ERROR ? DBUS_WATCH_ERROR : 0) |
	       (events & VIR_EVENT_HANDLE_HANGUP ? DBUS_WATCH_HANGUP : 0);
}

static int watch_events(DBusWatch *w)
{
	return dbus_watch_get_enabled(w) ? to_virt(dbus_watch_get_flags(w)) : 0;
}

static void on_watch(int id, int fd, int events, void *opaque)
{
	dbus_watch_handle(opaque, from_virt(events));
}

/* ids are stored +1 so that "no data" (NULL) never looks like handle 0 */
static dbus_bool_t add_watch(DBusWatch *w, void *data)
{
	int id = virEventAddHandle(dbus_watch_get_unix_fd(w), watch_events(w), on_watch, w, NULL);

	if (id < 0)
		return FALSE;
	dbus_watch_set_data(w, (void *)(intptr_t)(id + 1), NULL);
	return TRUE;
}

static void remove_watch(DBusWatch *w, void *data)
{
	intptr_t id = (intptr_t)dbus_watch_get_data(w);

	if (id > 0)
		virEventRemoveHandle((int)id - 1);
	dbus_watch_set_data(w, NULL, NULL);
}

static void toggle_watch(DBusWatch *w, void *data)
{
	intptr_t id = (intptr_t)dbus_watch_get_data(w);

	if (id > 0)
		virEventUpdateHandle((int)id - 1, watch_events(w));
}

static int timeout_ms(DBusTimeout *t)
{
	return dbus_timeout_get_enabled(t) ? dbus_timeout_get_interval(t) : -1;
}

static void on_timeout(int id, void *opaque)
{
	dbus_timeout_handle(opaque);
}

static dbus_bool_t add_timeout(DBusTimeout *t, void *data)
{
	int id = virEventAddTimeout(timeout_ms(t), on_timeout, t, NULL);

	if (id < 0)
		return FALSE;
	dbus_timeout_set_data(t, (void *)(intptr_t)(id + 1), NULL);
	return TRUE;
}

static void remove_timeout(DBusTimeout *t, void *data)
{
	intptr_t id = (intptr_t)dbus_timeout_get_data(t);

	if (id > 0)
		virEventRemoveTimeout((int)id - 1);
	dbus_timeout_set_data(t, NULL, NULL);
}

static void toggle_timeout(DBusTimeout *t, void *data)
{
	intptr_t id = (intptr_t)dbus_timeout_get_data(t);

	if (id > 0)
		virEventUpdateTimeout((int)id - 1, timeout_ms(t));
}

/* Incoming messages are dispatched from a zero timeout, never from inside libdbus's own
 * callbacks (which must not re-enter the connection). */
static void on_dispatch(int id, void *opaque)
{
	struct bulkheadd *d = opaque;

	while (dbus_connection_dispatch(d->bus) == DBUS_DISPATCH_DATA_REMAINS)
		;
	virEventUpdateTimeout(d->dispatch_timer, -1);
}

static void dispatch_status(DBusConnection *c, DBusDispatchStatus status, void *data)
{
	struct bulkheadd *d = data;

	if (status == DBUS_DISPATCH_DATA_REMAINS)
		virEventUpdateTimeout(d->dispatch_timer, 0);
}

int hv_dbus_attach(struct bulkheadd *d)
{
	d->dispatch_timer = virEventAddTimeout(0, on_dispatch, d, NULL);
	if (d->dispatch_timer < 0)
		return -ENOMEM;
	if (!dbus_connection_set_watch_functions(d->bus, add_watch, remove_watch, toggle_watch, d,
						 NULL) ||
	    !dbus_connection_set_timeout_functions(d->bus, add_timeout, remove_timeout,
						   toggle_timeout, d, NULL))
		return log_oom();
	dbus_connection_set_dispatch_status_function(d->bus, dispatch_status, d, NULL);
	return 0;
}
