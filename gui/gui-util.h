/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers both GTK programs share: how a VM's label colour, a service and a target are shown.
 *
 * Trust: VM names, service arguments and labels reach these functions from the policy daemon or
 * bulkheadd, which got them (indirectly) from VMs. They are only ever shown as plain text
 * (gtk_label_set_text, never markup) after gui_escape(), and a label colour is looked up in a
 * fixed table, never passed through to CSS.
 */
#pragma once

#include <gtk/gtk.h>

/* Longest string from a VM shown in one label, before escaping. */
#define GUI_SHOWN_MAX 200

/* The RGB of a Qubes label colour name ("red", "orange", ..., "black"); gray when unknown. */
void gui_label_rgb(const char *label, GdkRGBA *out);
/* True if the label name is one of the known colours. */
gboolean gui_label_is_known(const char *label);
/* The known label colour names, NULL-terminated. */
const char *const *gui_label_names(void);

/* A small filled circle in the colour of label, the VM's colour next to its name. */
GtkWidget *gui_label_dot_new(const char *label);

/* The same dot as an image, for list rows (a text colour would be lost on a selected row).
 * Returns a new reference. */
GdkPixbuf *gui_label_pixbuf_new(const char *label, int size);

/* Bytes from a VM made printable: control characters and invalid UTF-8 become \xNN, long
 * strings end in "...". Free with g_free(). */
char *gui_escape(const char *untrusted);

/* "Open URL" for bulkhead.OpenURL, ...; NULL for services without a friendly name. */
const char *gui_service_title(const char *service);
/* What the source asks to do, for a sentence: "open a URL", "copy files", "call X". */
char *gui_service_phrase(const char *service);

/* True for a target the ask dialog may offer: a VM name or "@dispvm:VM" (or "@dispvm"). */
gboolean gui_target_is_valid(const char *target);
/* How a target is shown: "@dispvm:X" is "Disposable VM (X)". Free with g_free(). */
char *gui_target_display(const char *target);

/* The part of path after the last '/' (a pointer into path). */
const char *gui_basename(const char *path);

/* Make the label's text bold and scaled, without parsing any markup. */
void gui_label_set_emphasis(GtkLabel *label, double scale);
/* Add the "dim-label" style class (secondary text, HIG). */
void gui_label_dim(GtkWidget *label);
