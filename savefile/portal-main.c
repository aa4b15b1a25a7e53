/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-portal-filechooser: the backend's D-Bus side. xdg-desktop-portal calls OpenFile and
 * SaveFile here (it finds this backend through bulkhead.portal); each call shows one dialog
 * and is answered when the user has answered it.
 */
#include <string.h>

#include "portal.h"

static const char introspection_xml[] = "<node>"
					"  <interface name='" PORTAL_IFACE "'>"
					"    <method name='OpenFile'>"
					"      <arg type='o' name='handle' direction='in'/>"
					"      <arg type='s' name='app_id' direction='in'/>"
					"      <arg type='s' name='parent_window' direction='in'/>"
					"      <arg type='s' name='title' direction='in'/>"
					"      <arg type='a{sv}' name='options' direction='in'/>"
					"      <arg type='u' name='response' direction='out'/>"
					"      <arg type='a{sv}' name='results' direction='out'/>"
					"    </method>"
					"    <method name='SaveFile'>"
					"      <arg type='o' name='handle' direction='in'/>"
					"      <arg type='s' name='app_id' direction='in'/>"
					"      <arg type='s' name='parent_window' direction='in'/>"
					"      <arg type='s' name='title' direction='in'/>"
					"      <arg type='a{sv}' name='options' direction='in'/>"
					"      <arg type='u' name='response' direction='out'/>"
					"      <arg type='a{sv}' name='results' direction='out'/>"
					"    </method>"
					"  </interface>"
					"</node>";

static void on_method_call(GDBusConnection *conn, const char *sender, const char *path,
			   const char *iface, const char *method, GVariant *params,
			   GDBusMethodInvocation *invocation, gpointer user_data)
{
	const char *handle, *app_id, *parent, *title;
	g_autoptr(GVariant) options = NULL;

	g_variant_get(params, "(&o&s&s&s@a{sv})", &handle, &app_id, &parent, &title, &options);
	portal_dialog_run(invocation, strcmp(method, "SaveFile") == 0, title, options);
}

static const GDBusInterfaceVTable vtable = { .method_call = on_method_call };

static void on_bus_acquired(GDBusConnection *conn, const char *name, gpointer user_data)
{
	GDBusNodeInfo *info = user_data;
	g_autoptr(GError) error = NULL;

	if (!g_dbus_connection_register_object(conn, PORTAL_OBJECT_PATH, info->interfaces[0],
					       &vtable, NULL, NULL, &error))
		g_printerr("bulkhead-portal-filechooser: %s\n", error->message);
}

static void on_name_lost(GDBusConnection *conn, const char *name, gpointer user_data)
{
	g_printerr("bulkhead-portal-filechooser: cannot own %s on the session bus\n", name);
	gtk_main_quit();
}

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	GDBusNodeInfo *info;

	gtk_init(&argc, &argv);
	info = g_dbus_node_info_new_for_xml(introspection_xml, &error);
	if (!info)
		return g_printerr("bulkhead-portal-filechooser: %s\n", error->message), 1;
	guint owner =
		g_bus_own_name(G_BUS_TYPE_SESSION, PORTAL_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
			       on_bus_acquired, NULL, on_name_lost, info, NULL);
	gtk_main();
	g_bus_unown_name(owner);
	g_dbus_node_info_unref(info);
	return 0;
}
