/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ask dialog. Trust: everything in the request describes what a VM asked for; it is shown
 * escaped as plain text (never markup), the chooser offers only valid candidates, and the
 * answer is re-checked against the candidate list before it leaves (ask_request_reply).
 */
#include <string.h>

#include "ask-dialog.h"
#include "gui-util.h"

enum { RESPONSE_DENY = 1, RESPONSE_ALLOW = 2 };

struct ask_dialog {
	GtkDialog *dialog;
	GtkComboBox *chooser;
	GtkLabel *countdown;
	GtkLabel *waiting;
	struct ask_request *req;
	ask_dialog_answer_fn answer_fn;
	gpointer answer_data;
	gboolean focus_held; /* the window has been active for the whole guard time */
	guint focus_timer;
	guint tick_timer;
	gboolean answered;
};

static void update_allow(struct ask_dialog *d)
{
	const char *id = gtk_combo_box_get_active_id(d->chooser);
	gboolean ok = d->focus_held && ask_request_has_target(d->req, id);

	gtk_dialog_set_response_sensitive(d->dialog, RESPONSE_ALLOW, ok);
}

static gboolean focus_guard_done(gpointer user_data)
{
	struct ask_dialog *d = user_data;

	d->focus_timer = 0;
	d->focus_held = TRUE;
	update_allow(d);
	return G_SOURCE_REMOVE;
}

/* Losing focus restarts the guard: the person must look at the dialog for the full second. */
static void on_active_changed(GObject *window, GParamSpec *pspec, gpointer user_data)
{
	struct ask_dialog *d = user_data;

	g_clear_handle_id(&d->focus_timer, g_source_remove);
	d->focus_held = FALSE;
	if (gtk_window_is_active(GTK_WINDOW(window)))
		d->focus_timer = g_timeout_add(ASK_FOCUS_GUARD_MS, focus_guard_done, d);
	update_allow(d);
}

static void answer(struct ask_dialog *d, gboolean allowed, const char *target)
{
	if (d->answered)
		return;
	d->answered = TRUE;
	d->answer_fn(d->req, allowed, allowed ? target : "", d->answer_data);
}

static void on_response(GtkDialog *dialog, int response, gpointer user_data)
{
	struct ask_dialog *d = user_data;
	const char *id = gtk_combo_box_get_active_id(d->chooser);

	if (response == RESPONSE_ALLOW) {
		/* Insensitive buttons cannot be activated, but the guard is the point: check again. */
		if (!d->focus_held || !ask_request_has_target(d->req, id))
			return;
		answer(d, TRUE, id);
		return;
	}
	/* Deny, Esc, the close button: all deny. */
	answer(d, FALSE, "");
}

static void update_countdown(struct ask_dialog *d)
{
	gint64 left = d->req->deadline_us - g_get_monotonic_time();
	int secs = (int)MAX(0, (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
	g_autofree char *text = g_strdup_printf("Denied automatically in %d s", secs);

	gtk_label_set_text(d->countdown, text);
}

static gboolean on_tick(gpointer user_data)
{
	update_countdown(user_data);
	return G_SOURCE_CONTINUE;
}

static void ask_dialog_free(gpointer data)
{
	struct ask_dialog *d = data;

	g_clear_handle_id(&d->focus_timer, g_source_remove);
	g_clear_handle_id(&d->tick_timer, g_source_remove);
	g_free(d);
}

static GtkWidget *heading_new(const struct ask_request *req)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	g_autofree char *source = gui_escape(req->source);
	g_autofree char *phrase = gui_service_phrase(req->service);
	g_autofree char *text = g_strdup_printf("%s wants to %s", source, phrase);
	GtkWidget *label = gtk_label_new(NULL);

	gtk_label_set_text(GTK_LABEL(label), text);
	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
	gtk_label_set_xalign(GTK_LABEL(label), 0);
	gui_label_set_emphasis(GTK_LABEL(label), 1.2);
	gtk_box_pack_start(GTK_BOX(box), gui_label_dot_new(req->source_label), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), label, TRUE, TRUE, 0);
	return box;
}

/* One "Name:  value" row of the details grid; value is plain text. */
static void grid_row(GtkGrid *grid, int row, const char *name, GtkWidget *value)
{
	GtkWidget *key = gtk_label_new(name);

	gtk_label_set_xalign(GTK_LABEL(key), 1);
	gui_label_dim(key);
	gtk_grid_attach(grid, key, 0, row, 1, 1);
	gtk_widget_set_hexpand(value, TRUE);
	gtk_grid_attach(grid, value, 1, row, 1, 1);
}

static GtkWidget *value_label(const char *untrusted)
{
	g_autofree char *esc = gui_escape(untrusted);
	GtkWidget *label = gtk_label_new(NULL);

	gtk_label_set_text(GTK_LABEL(label), esc);
	gtk_label_set_xalign(GTK_LABEL(label), 0);
	gtk_label_set_selectable(GTK_LABEL(label), FALSE);
	gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
	return label;
}

static GtkWidget *source_value(const struct ask_request *req)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	g_autofree char *label_text = NULL;

	gtk_box_pack_start(GTK_BOX(box), gui_label_dot_new(req->source_label), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), value_label(req->source), FALSE, FALSE, 0);
	if (gui_label_is_known(req->source_label)) {
		label_text = g_strdup_printf("(%s)", req->source_label);
		GtkWidget *l = value_label(label_text);
		gui_label_dim(l);
		gtk_box_pack_start(GTK_BOX(box), l, FALSE, FALSE, 0);
	}
	return box;
}

static GtkWidget *chooser_new(struct ask_dialog *d)
{
	GtkWidget *combo = gtk_combo_box_text_new();
	const struct ask_request *req = d->req;

	for (char **t = req->targets; t && *t; t++) {
		g_autofree char *shown = NULL;
		if (!gui_target_is_valid(*t) ||
		    gtk_combo_box_set_active_id(GTK_COMBO_BOX(combo), *t))
			continue; /* invalid or duplicate: never offered */
		shown = gui_target_display(*t);
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), *t, shown);
	}
	gtk_combo_box_set_active(GTK_COMBO_BOX(combo), -1);
	/* Preselected, as Qubes does, only if it is one of the candidates: the rule's default
	 * target, else the VM the caller named (vmctl copy 'mail->browser' asks for browser). */
	if (ask_request_has_target(req, req->default_target))
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(combo), req->default_target);
	else if (ask_request_has_target(req, req->requested_target))
		gtk_combo_box_set_active_id(GTK_COMBO_BOX(combo), req->requested_target);
	d->chooser = GTK_COMBO_BOX(combo);
	g_signal_connect_swapped(combo, "changed", G_CALLBACK(update_allow), d);
	return combo;
}

static GtkWidget *operation_value(const struct ask_request *req)
{
	const char *title = gui_service_title(req->service);
	g_autofree char *text = NULL;

	if (title)
		text = g_strdup_printf("%s (%s)", title, req->service);
	else
		text = g_strdup(req->service);
	return value_label(text);
}

static GtkWidget *details_grid(struct ask_dialog *d)
{
	const struct ask_request *req = d->req;
	GtkGrid *grid = GTK_GRID(gtk_grid_new());
	int row = 0;
	GtkWidget *target_key;

	gtk_grid_set_row_spacing(grid, 8);
	gtk_grid_set_column_spacing(grid, 12);
	grid_row(grid, row++, "Source VM", source_value(req));
	grid_row(grid, row++, "Operation", operation_value(req));
	if (req->argument[0] && strcmp(req->argument, "+") != 0)
		grid_row(grid, row++, "Argument", value_label(req->argument));
	grid_row(grid, row++, "Target", chooser_new(d));
	target_key = gtk_grid_get_child_at(grid, 0, row - 1);
	gtk_label_set_text_with_mnemonic(GTK_LABEL(target_key), "_Target");
	gtk_label_set_mnemonic_widget(GTK_LABEL(target_key), GTK_WIDGET(d->chooser));
	if (req->rule[0])
		grid_row(grid, row++, "Asked by rule", value_label(req->rule));
	return GTK_WIDGET(grid);
}

static GtkWidget *footer_label(GtkLabel **out)
{
	GtkWidget *label = gtk_label_new("");

	gtk_label_set_xalign(GTK_LABEL(label), 0);
	gui_label_dim(label);
	*out = GTK_LABEL(label);
	return label;
}

static void build_content(struct ask_dialog *d)
{
	GtkWidget *area = gtk_dialog_get_content_area(d->dialog);

	gtk_box_set_spacing(GTK_BOX(area), 14);
	gtk_container_set_border_width(GTK_CONTAINER(area), 18);
	gtk_box_pack_start(GTK_BOX(area), heading_new(d->req), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(area), details_grid(d), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(area), footer_label(&d->countdown), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(area), footer_label(&d->waiting), FALSE, FALSE, 0);
	gtk_widget_set_no_show_all(GTK_WIDGET(d->waiting), TRUE);
	gtk_widget_show_all(area);
}

static GtkDialog *dialog_window_new(GtkApplication *app, const struct ask_request *req)
{
	g_autofree char *source = gui_escape(req->source);
	g_autofree char *title = g_strdup_printf("Bulkhead: request from %s", source);
	GtkWidget *w = g_object_new(GTK_TYPE_DIALOG, "use-header-bar", FALSE, "application", app,
				    "title", title, "resizable", FALSE, NULL);

	gtk_dialog_add_buttons(GTK_DIALOG(w), "_Deny", RESPONSE_DENY, "_Allow", RESPONSE_ALLOW,
			       NULL);
	gtk_style_context_add_class(gtk_widget_get_style_context(gtk_dialog_get_widget_for_response(
					    GTK_DIALOG(w), RESPONSE_ALLOW)),
				    "suggested-action");
	gtk_dialog_set_default_response(GTK_DIALOG(w), RESPONSE_ALLOW);
	gtk_window_set_keep_above(GTK_WINDOW(w), TRUE);
	gtk_window_set_urgency_hint(GTK_WINDOW(w), TRUE);
	gtk_window_set_position(GTK_WINDOW(w), GTK_WIN_POS_CENTER);
	gtk_window_set_icon_name(GTK_WINDOW(w), "bulkhead");
	gtk_widget_set_size_request(w, 460, -1);
	return GTK_DIALOG(w);
}

GtkWidget *ask_dialog_new(GtkApplication *app, struct ask_request *req, ask_dialog_answer_fn fn,
			  gpointer user_data)
{
	struct ask_dialog *d = g_new0(struct ask_dialog, 1);

	d->req = req;
	d->answer_fn = fn;
	d->answer_data = user_data;
	d->dialog = dialog_window_new(app, req);
	build_content(d);
	update_countdown(d);
	update_allow(d);
	d->tick_timer = g_timeout_add_seconds(1, on_tick, d);
	g_object_set_data_full(G_OBJECT(d->dialog), "ask-dialog", d, ask_dialog_free);
	g_signal_connect(d->dialog, "response", G_CALLBACK(on_response), d);
	g_signal_connect(d->dialog, "notify::is-active", G_CALLBACK(on_active_changed), d);
	gtk_widget_grab_focus(GTK_WIDGET(d->chooser));
	return GTK_WIDGET(d->dialog);
}

void ask_dialog_set_waiting(GtkWidget *dialog, guint n_waiting)
{
	struct ask_dialog *d = g_object_get_data(G_OBJECT(dialog), "ask-dialog");
	g_autofree char *text = NULL;

	if (n_waiting == 0) {
		gtk_widget_hide(GTK_WIDGET(d->waiting));
		return;
	}
	text = g_strdup_printf(g_dngettext(NULL, "%u more request is waiting",
					   "%u more requests are waiting", n_waiting),
			       n_waiting);
	gtk_label_set_text(d->waiting, text);
	gtk_widget_show(GTK_WIDGET(d->waiting));
}
