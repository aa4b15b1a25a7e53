/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "Create VM": name, label colour, class and template, checked before Create is possible. */
#pragma once

#include <gtk/gtk.h>

/* Called with the new VM's name and its CreateVM() properties (a{sv}, floating), or not at all
 * when the person cancels. */
typedef void (*vm_create_fn)(const char *name, GVariant *props, gpointer user_data);

void vm_create_dialog_run(GtkWindow *parent, vm_create_fn fn, gpointer user_data);
