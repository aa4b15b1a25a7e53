/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * portal-client TITLE NAME: what a portal-aware application does to save a file. It calls
 * org.freedesktop.portal.FileChooser.SaveFile on xdg-desktop-portal, stays on the bus until the
 * request's Response signal arrives (the portal drops requests whose caller left), and prints
 * "RESPONSE URI..." on one line. Exit 0 once a Response came, 1 otherwise.
 */
#include <gio/gio.h>
#include <stdio.h>

static GMainLoop *loop;
static int status = 1;

static void on_response(GDBusConnection *conn, const char *sender, const char *path,
			const char *iface, const char *signal, GVariant *params, gpointer data)
{
	guint32 response;
	g_autoptr(GVariant) results = NULL;
	g_autofree const char **uris = NULL;

	g_variant_get(params, "(u@a{sv})", &response, &results);
	printf("%u", response);
	if (g_variant_lookup(results, "uris", "^a&s", &uris))
		for (const char **u = uris; *u; u++)
			printf(" %s", *u);
	printf("\n");
	status = 0;
	g_main_loop_quit(loop);
}

/* The request's object path is known before the call: subscribe first, so no answer is lost. */
static char *request_path(GDBusConnection *conn, const char *token)
{
	g_autofree char *sender = g_strdup(g_dbus_connection_get_unique_name(conn) + 1);

	g_strdelimit(sender, ".", '_');
	return g_strdup_printf("/org/freedesktop/portal/desktop/request/%s/%s", sender, token);
}

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) conn = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
	GVariantBuilder opts;

	if (argc != 3 || !conn)
		return fprintf(stderr, "usage: portal-client TITLE NAME (and a session bus)\n"), 2;
	g_autofree char *path = request_path(conn, "bulkheadtest");
	g_dbus_connection_signal_subscribe(conn, "org.freedesktop.portal.Desktop",
					   "org.freedesktop.portal.Request", "Response", path, NULL,
					   G_DBUS_SIGNAL_FLAGS_NONE, on_response, NULL, NULL);
	g_variant_builder_init(&opts, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&opts, "{sv}", "handle_token", g_variant_new_string("bulkheadtest"));
	g_variant_builder_add(&opts, "{sv}", "current_name", g_variant_new_string(argv[2]));
	g_autoptr(GVariant) ret = g_dbus_connection_call_sync(
		conn, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
		"org.freedesktop.portal.FileChooser", "SaveFile",
		g_variant_new("(ssa{sv})", "", argv[1], &opts), NULL, G_DBUS_CALL_FLAGS_NONE, 60000,
		NULL, &error);
	if (!ret)
		return fprintf(stderr, "portal-client: %s\n", error->message), 1;
	loop = g_main_loop_new(NULL, FALSE);
	g_main_loop_run(loop);
	g_main_loop_unref(loop);
	return status;
}
