/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ask dialog for one request: source VM with its colour, the operation, a chooser limited
 * to the candidates, the rule that asked. Allow is only possible once a candidate is chosen
 * and the dialog has held the keyboard focus for ASK_FOCUS_GUARD_MS without a break, so a
 * click or key meant for another window cannot answer it.
 */
#pragma once

#include <gtk/gtk.h>

#include "ask-request.h"

#define ASK_FOCUS_GUARD_MS 1000

/* Called once per dialog with the person's answer (deny: allowed FALSE, target ""). */
typedef void (*ask_dialog_answer_fn)(struct ask_request *req, gboolean allowed, const char *target,
				     gpointer user_data);

/* A new, not yet shown dialog for req (which must outlive it). */
GtkWidget *ask_dialog_new(GtkApplication *app, struct ask_request *req, ask_dialog_answer_fn fn,
			  gpointer user_data);
/* Tell the person how many more requests wait behind this one. */
void ask_dialog_set_waiting(GtkWidget *dialog, guint n_waiting);
