/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-portal-filechooser: an xdg-desktop-portal FileChooser backend
 * (org.freedesktop.impl.portal.FileChooser) whose save dialog adds "Save in another VM…".
 * Design: docs/savefile-protocol.md, "Portal integration".
 *
 *   portal-main.c     the D-Bus object: OpenFile and SaveFile, one dialog per call
 *   portal-dialog.c   the GTK dialogs and what each answer returns
 *   portal-handoff.c  "Save in another VM…": a private file for the application to write,
 *                     sent with vm-save-to once the application has closed it
 *
 * Trust: the caller is an application in this VM (as trusted as the VM); the options come from
 * it and are only used as a dialog's title, name and folder.
 */
#pragma once

#include <gtk/gtk.h>

#define PORTAL_BUS_NAME "org.freedesktop.impl.portal.desktop.bulkhead"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_IFACE "org.freedesktop.impl.portal.FileChooser"

/* The portal's answers (org.freedesktop.impl.portal.Request): 0 success, 1 cancelled, 2 other. */
enum { PORTAL_RESPONSE_OK = 0, PORTAL_RESPONSE_CANCELLED = 1, PORTAL_RESPONSE_OTHER = 2 };

/* Show the dialog for an OpenFile (save = FALSE) or SaveFile call and answer invocation when
 * the user has answered it. */
void portal_dialog_run(GDBusMethodInvocation *invocation, gboolean save, const char *title,
		       GVariant *options);

/* Make a private file called name (or "file" if name is not a safe file name) for the
 * application to write, and send it to another VM with vm-save-to once it has been written
 * and closed; the private copy is removed afterwards. Returns its file:// URI, or NULL with
 * error set. */
char *portal_handoff_start(const char *name, GError **error);
