/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backend's dialogs. OpenFile is GTK's own open dialog. SaveFile is GTK's save dialog with
 * one more button, "Save in another VM…": the application then gets the URI of a private file
 * instead of a place in this VM, and what it writes there goes to another VM
 * (portal-handoff.c). The portal protocol has no way to say "saved elsewhere", so this is the
 * honest way to fit in: the application saves as usual, to a file that leaves.
 */
#include <string.h>

#include "portal.h"

enum { RESPONSE_OTHER_VM = 1 };

/* Options of the portal's FileChooser (xdg-desktop-portal's documentation). */
static void apply_options(GtkFileChooser *fc, gboolean save, GVariant *options)
{
	const char *name = NULL, *folder = NULL;
	gboolean multiple = FALSE;

	if (save && g_variant_lookup(options, "current_name", "&s", &name))
		gtk_file_chooser_set_current_name(fc, name);
	if (g_variant_lookup(options, "current_folder", "^&ay", &folder) && folder[0] == '/')
		gtk_file_chooser_set_current_folder(fc, folder);
	if (!save && g_variant_lookup(options, "multiple", "b", &multiple))
		gtk_file_chooser_set_select_multiple(fc, multiple);
	gtk_file_chooser_set_do_overwrite_confirmation(fc, TRUE);
	gtk_file_chooser_set_local_only(fc, TRUE);
}

static GtkWidget *dialog_new(gboolean save, const char *title, GVariant *options)
{
	const char *accept = NULL;
	GtkWidget *d = gtk_file_chooser_dialog_new(
		title && *title ? title
		: save		? "Save File"
				: "Open File",
		NULL, save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN, "_Cancel",
		GTK_RESPONSE_CANCEL, NULL);

	if (save)
		gtk_dialog_add_button(GTK_DIALOG(d), "Save in _another VM…", RESPONSE_OTHER_VM);
	if (!g_variant_lookup(options, "accept_label", "&s", &accept))
		accept = save ? "_Save" : "_Open";
	gtk_dialog_add_button(GTK_DIALOG(d), accept, GTK_RESPONSE_ACCEPT);
	gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_ACCEPT);
	apply_options(GTK_FILE_CHOOSER(d), save, options);
	return d;
}

static GVariant *uris_result(GSList *uris)
{
	GVariantBuilder b, list;

	g_variant_builder_init(&list, G_VARIANT_TYPE("as"));
	for (GSList *l = uris; l; l = l->next)
		g_variant_builder_add(&list, "s", l->data);
	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", "uris", g_variant_builder_end(&list));
	return g_variant_builder_end(&b);
}

static void reply(GDBusMethodInvocation *invocation, guint response, GVariant *results)
{
	if (!results)
		results = g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
	g_dbus_method_invocation_return_value(invocation,
					      g_variant_new("(u@a{sv})", response, results));
}

/* "Save in another VM…": the private file the application will write. */
static guint other_vm_result(GtkFileChooser *fc, GVariant **results)
{
	g_autofree char *name = gtk_file_chooser_get_current_name(fc);
	g_autoptr(GError) error = NULL;
	g_autofree char *uri = portal_handoff_start(name, &error);
	GSList one = { .data = uri };

	if (!uri) {
		g_printerr("bulkhead-portal-filechooser: %s\n", error->message);
		return PORTAL_RESPONSE_OTHER;
	}
	*results = uris_result(&one);
	return PORTAL_RESPONSE_OK;
}

static guint result(GtkFileChooser *fc, int response, GVariant **results)
{
	GSList *uris;

	if (response == RESPONSE_OTHER_VM)
		return other_vm_result(fc, results);
	if (response != GTK_RESPONSE_ACCEPT)
		return PORTAL_RESPONSE_CANCELLED;
	uris = gtk_file_chooser_get_uris(fc);
	*results = uris_result(uris);
	g_slist_free_full(uris, g_free);
	return PORTAL_RESPONSE_OK;
}

/* The dialog goes before the answer: the application's next dialog must not race this one. */
static void on_response(GtkDialog *dialog, int response, gpointer user_data)
{
	GVariant *results = NULL;
	guint code = result(GTK_FILE_CHOOSER(dialog), response, &results);

	gtk_widget_destroy(GTK_WIDGET(dialog));
	reply(user_data, code, results);
}

void portal_dialog_run(GDBusMethodInvocation *invocation, gboolean save, const char *title,
		       GVariant *options)
{
	GtkWidget *d = dialog_new(save, title, options);

	g_signal_connect(d, "response", G_CALLBACK(on_response), invocation);
	gtk_window_present(GTK_WINDOW(d));
}
