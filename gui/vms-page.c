/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMs page, a client of org.bulkhead.Manager1. Trust: bulkheadd is host-side, but names
 * and labels it lists were chosen by whoever created the VMs, so they are shown as plain text
 * and a label colour only through the fixed table in gui-util.c.
 */
#include <string.h>

#include "gui-util.h"
#include "print-setting.h"
#include "validate.h"
#include "vm-create-dialog.h"
#include "vms-page.h"

#define MANAGER_NAME "org.bulkhead.Manager1"
#define MANAGER_PATH "/org/bulkhead/Manager1"
#define MANAGER_IFACE "org.bulkhead.Manager1"
#define CALL_TIMEOUT_MS 120000 /* a shutdown that waits can take a while under TCG */

enum { COL_NAME, COL_DOT, COL_LABEL, COL_CLASS, COL_STATE, COL_TEMPLATE, COL_NET, N_COLS };

struct vms_page {
	struct settings *s;
	GtkWidget *root;
	GtkStack *stack;
	GtkListStore *store;
	GtkTreeView *view;
	GtkWidget *start, *shutdown, *create, *remove;
	GtkComboBoxText *net;  /* the selected VM's network: none or nat */
	gboolean net_updating; /* set while the selection, not the person, changes net */
	GtkInfoBar *error_bar;
	GtkLabel *error_label;
	GDBusConnection *conn; /* set while the manager is on the bus */
	GCancellable *cancel;
	guint watch_id, signal_id;
	struct print_setting *print;
};

static void refresh(struct vms_page *v);

static void show_error(struct vms_page *v, const char *text)
{
	gtk_label_set_text(v->error_label, text);
	gtk_widget_show(GTK_WIDGET(v->error_bar));
	if (v->s->vm_error_action)
		g_simple_action_set_state(v->s->vm_error_action, g_variant_new_string(text));
}

static void show_error_cb(void *ctx, const char *text)
{
	show_error(ctx, text);
}

static char *selected_vm(struct vms_page *v, char **state)
{
	GtkTreeSelection *sel = gtk_tree_view_get_selection(v->view);
	GtkTreeModel *model;
	GtkTreeIter it;
	char *name = NULL;

	if (!gtk_tree_selection_get_selected(sel, &model, &it))
		return NULL;
	gtk_tree_model_get(model, &it, COL_NAME, &name, COL_STATE, state, -1);
	return name;
}

/* The selector shows the selected VM's net; changing it is the person's SetProperty. */
static void update_net(struct vms_page *v, const char *name)
{
	GtkTreeSelection *sel = gtk_tree_view_get_selection(v->view);
	GtkTreeModel *model;
	GtkTreeIter it;
	g_autofree char *net = NULL;

	if (name && gtk_tree_selection_get_selected(sel, &model, &it))
		gtk_tree_model_get(model, &it, COL_NET, &net, -1);
	v->net_updating = TRUE;
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(v->net), net ? net : "none");
	v->net_updating = FALSE;
	gtk_widget_set_sensitive(GTK_WIDGET(v->net), name != NULL);
}

static void update_buttons(struct vms_page *v)
{
	g_autofree char *state = NULL;
	g_autofree char *name = selected_vm(v, &state);
	gboolean halted =
		name && (g_strcmp0(state, "Halted") == 0 || g_strcmp0(state, "Crashed") == 0);
	gboolean running =
		name && (g_strcmp0(state, "Running") == 0 || g_strcmp0(state, "Starting") == 0);

	gtk_widget_set_sensitive(v->start, halted);
	gtk_widget_set_sensitive(v->shutdown, running);
	gtk_widget_set_sensitive(v->remove, halted);
	gtk_widget_set_sensitive(v->create, v->conn != NULL);
	update_net(v, name);
}

static const char *dict_str(GVariant *props, const char *key)
{
	const char *value = NULL;

	return g_variant_lookup(props, key, "&s", &value) ? value : "";
}

static void add_vm(struct vms_page *v, const char *untrusted_name, GVariant *props)
{
	g_autofree char *name = gui_escape(untrusted_name);
	g_autofree char *template = gui_escape(dict_str(props, "template"));
	const char *label = dict_str(props, "label");
	g_autoptr(GdkPixbuf) dot = gui_label_pixbuf_new(label, 12);
	GtkTreeIter it;

	gtk_list_store_append(v->store, &it);
	gtk_list_store_set(v->store, &it, COL_NAME, name, COL_DOT, dot, COL_LABEL,
			   gui_label_is_known(label) ? label : "", COL_CLASS,
			   dict_str(props, "class"), COL_STATE, dict_str(props, "state"),
			   COL_TEMPLATE, template, COL_NET, dict_str(props, "net"), -1);
}

/* Mirror the rows on the "vms" action state, for the tests that read the window back. */
static void publish(struct vms_page *v)
{
	GVariantBuilder b;
	GtkTreeIter it;
	gboolean more = gtk_tree_model_get_iter_first(GTK_TREE_MODEL(v->store), &it);

	g_variant_builder_init(&b, G_VARIANT_TYPE_STRING_ARRAY);
	for (; more; more = gtk_tree_model_iter_next(GTK_TREE_MODEL(v->store), &it)) {
		g_autofree char *n = NULL, *st = NULL, *l = NULL, *c = NULL, *t = NULL, *net = NULL;
		gtk_tree_model_get(GTK_TREE_MODEL(v->store), &it, COL_NAME, &n, COL_STATE, &st,
				   COL_LABEL, &l, COL_CLASS, &c, COL_TEMPLATE, &t, COL_NET, &net,
				   -1);
		g_variant_builder_add_value(&b, g_variant_new_take_string(g_strdup_printf(
							"%s %s %s %s %s %s", n, st, l, c, t, net)));
	}
	if (v->s->vms_action)
		g_simple_action_set_state(v->s->vms_action, g_variant_builder_end(&b));
	else
		g_variant_builder_clear(&b);
	if (v->s->manager_action)
		g_simple_action_set_state(v->s->manager_action,
					  g_variant_new_boolean(v->conn != NULL));
}

/* Refill the list, keeping the selected VM selected across refreshes. */
static void fill(struct vms_page *v, GVariant *reply)
{
	g_autofree char *state = NULL;
	g_autofree char *selected = selected_vm(v, &state);
	g_autoptr(GVariantIter) iter = NULL;
	const char *name;
	GVariant *props;

	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	gtk_list_store_clear(v->store);
	g_variant_get(reply, "(a{sa{sv}})", &iter);
	while (g_variant_iter_loop(iter, "{&s@a{sv}}", &name, &props)) {
		add_vm(v, name, props);
		if (vm_name_is_valid(name))
			g_ptr_array_add(names, g_strdup(name));
	}
	print_setting_fill(v->print, (char **)names->pdata, names->len);
	if (selected)
		vms_page_select(v, selected);
}

static void on_list_vms(GObject *src, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res, &error);
	struct vms_page *v = user_data;

	if (!reply) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			show_error(v, error->message);
		return;
	}
	fill(v, reply);
	update_buttons(v);
	publish(v);
}

static void on_system_info(GObject *src, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res, NULL);
	struct vms_page *v = user_data;
	const char *json;

	if (!reply)
		return;
	g_variant_get(reply, "(&s)", &json);
	settings_set_system_info(v->s, json, "the Bulkhead manager");
}

static void call(struct vms_page *v, const char *method, GVariant *args, const char *reply_type,
		 GAsyncReadyCallback cb)
{
	if (!v->conn)
		return;
	g_dbus_connection_call(v->conn, MANAGER_NAME, MANAGER_PATH, MANAGER_IFACE, method, args,
			       reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
			       G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, v->cancel, cb, v);
}

static void refresh(struct vms_page *v)
{
	call(v, "ListVMs", NULL, "(a{sa{sv}})", on_list_vms);
	/* A --system-info file is the tester's fixed VM list (tests); otherwise the manager's. */
	if (!v->s->system_info_file)
		call(v, "GetSystemInfo", NULL, "(s)", on_system_info);
}

/* Start, Shutdown, CreateVM, RemoveVM: errors name the VM and reason (interfaces.md). */
static void on_command_done(GObject *src, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(src), res, &error);

	if (!reply && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (!reply) {
		g_dbus_error_strip_remote_error(error);
		show_error(user_data, error->message);
	}
	refresh(user_data);
}

static void on_start(GtkButton *b, struct vms_page *v)
{
	g_autofree char *state = NULL;
	g_autofree char *name = selected_vm(v, &state);

	if (name)
		call(v, "Start", g_variant_new("(s)", name), NULL, on_command_done);
}

static void on_shutdown(GtkButton *b, struct vms_page *v)
{
	g_autofree char *state = NULL;
	g_autofree char *name = selected_vm(v, &state);

	if (name)
		call(v, "Shutdown", g_variant_new("(sb)", name, FALSE), NULL, on_command_done);
}

/* Takes effect at the VM's next start; the firewall is vmctl's (docs/networking.md). */
static void on_net_changed(GtkComboBox *combo, struct vms_page *v)
{
	g_autofree char *state = NULL;
	g_autofree char *name = selected_vm(v, &state);
	const char *net = gtk_combo_box_get_active_id(combo);

	if (name && net && !v->net_updating)
		call(v, "SetProperty",
		     g_variant_new("(ssv)", name, "net", g_variant_new_string(net)), NULL,
		     on_command_done);
}

static void on_created(const char *name, GVariant *props, gpointer user_data)
{
	call(user_data, "CreateVM", g_variant_new("(s@a{sv})", name, props), NULL, on_command_done);
}

static void on_create(GtkButton *b, struct vms_page *v)
{
	vm_create_dialog_run(v->s->window, on_created, v);
}

static void on_remove_response(GtkDialog *d, int response, struct vms_page *v)
{
	const char *name = g_object_get_data(G_OBJECT(d), "vm");

	if (response == GTK_RESPONSE_ACCEPT)
		call(v, "RemoveVM", g_variant_new("(s)", name), NULL, on_command_done);
	gtk_widget_destroy(GTK_WIDGET(d));
}

/* Removing deletes the VM's private volume: ask first, with the safe button as default. */
static void on_remove(GtkButton *b, struct vms_page *v)
{
	g_autofree char *state = NULL;
	char *name = selected_vm(v, &state);
	GtkWidget *d;
	GtkWidget *ok;

	if (!name)
		return;
	d = gtk_message_dialog_new(v->s->window, GTK_DIALOG_MODAL, GTK_MESSAGE_WARNING,
				   GTK_BUTTONS_NONE, "Remove %s?", name);
	gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d),
						 "Its files are deleted. This cannot be undone.");
	gtk_window_set_title(GTK_WINDOW(d), "Remove VM");
	gtk_dialog_add_button(GTK_DIALOG(d), "_Cancel", GTK_RESPONSE_CANCEL);
	ok = gtk_dialog_add_button(GTK_DIALOG(d), "_Remove", GTK_RESPONSE_ACCEPT);
	gtk_style_context_add_class(gtk_widget_get_style_context(ok), "destructive-action");
	gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_CANCEL);
	g_object_set_data_full(G_OBJECT(d), "vm", name, g_free);
	g_signal_connect(d, "response", G_CALLBACK(on_remove_response), v);
	gtk_window_present(GTK_WINDOW(d));
}

static void on_state_changed(GDBusConnection *c, const char *sender, const char *path,
			     const char *iface, const char *signal, GVariant *params, gpointer data)
{
	refresh(data);
}

static void on_manager_appeared(GDBusConnection *conn, const char *name, const char *owner,
				gpointer user_data)
{
	struct vms_page *v = user_data;

	v->conn = g_object_ref(conn);
	v->signal_id = g_dbus_connection_signal_subscribe(
		conn, owner, MANAGER_IFACE, "StateChanged", MANAGER_PATH, NULL,
		G_DBUS_SIGNAL_FLAGS_NONE, on_state_changed, v, NULL);
	gtk_stack_set_visible_child_name(v->stack, "list");
	refresh(v);
}

static void on_manager_vanished(GDBusConnection *conn, const char *name, gpointer user_data)
{
	struct vms_page *v = user_data;

	if (v->signal_id)
		g_dbus_connection_signal_unsubscribe(v->conn, v->signal_id);
	v->signal_id = 0;
	g_clear_object(&v->conn);
	gtk_list_store_clear(v->store);
	gtk_stack_set_visible_child_name(v->stack, "offline");
	update_buttons(v);
	publish(v);
}

static void add_text_column(GtkTreeView *view, const char *title, int col)
{
	GtkCellRenderer *r = gtk_cell_renderer_text_new();
	GtkTreeViewColumn *c =
		gtk_tree_view_column_new_with_attributes(title, r, "text", col, NULL);

	gtk_tree_view_column_set_resizable(c, TRUE);
	gtk_tree_view_column_set_expand(c, TRUE);
	gtk_tree_view_append_column(view, c);
}

/* The name column: the label's colour as a dot, then the name. */
static void add_name_column(GtkTreeView *view)
{
	GtkTreeViewColumn *c = gtk_tree_view_column_new();
	GtkCellRenderer *dot = gtk_cell_renderer_pixbuf_new();
	GtkCellRenderer *name = gtk_cell_renderer_text_new();

	gtk_tree_view_column_set_title(c, "Name");
	gtk_tree_view_column_pack_start(c, dot, FALSE);
	gtk_tree_view_column_add_attribute(c, dot, "pixbuf", COL_DOT);
	gtk_tree_view_column_pack_start(c, name, TRUE);
	gtk_tree_view_column_add_attribute(c, name, "text", COL_NAME);
	gtk_tree_view_column_set_expand(c, TRUE);
	gtk_tree_view_column_set_sort_column_id(c, COL_NAME);
	gtk_tree_view_append_column(view, c);
}

static GtkWidget *list_view_new(struct vms_page *v)
{
	GtkWidget *scroll = gtk_scrolled_window_new(NULL, NULL);

	v->store = gtk_list_store_new(N_COLS, G_TYPE_STRING, GDK_TYPE_PIXBUF, G_TYPE_STRING,
				      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
	gtk_tree_sortable_set_sort_column_id(GTK_TREE_SORTABLE(v->store), COL_NAME,
					     GTK_SORT_ASCENDING);
	v->view = GTK_TREE_VIEW(gtk_tree_view_new_with_model(GTK_TREE_MODEL(v->store)));
	add_name_column(v->view);
	add_text_column(v->view, "State", COL_STATE);
	add_text_column(v->view, "Label", COL_LABEL);
	add_text_column(v->view, "Class", COL_CLASS);
	add_text_column(v->view, "Template", COL_TEMPLATE);
	add_text_column(v->view, "Network", COL_NET);
	g_signal_connect_swapped(gtk_tree_view_get_selection(v->view), "changed",
				 G_CALLBACK(update_buttons), v);
	gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(scroll), GTK_SHADOW_IN);
	gtk_container_add(GTK_CONTAINER(scroll), GTK_WIDGET(v->view));
	gtk_widget_set_vexpand(scroll, TRUE);
	return scroll;
}

static GtkWidget *button(GtkWidget *box, const char *mnemonic, GCallback cb, struct vms_page *v,
			 gboolean end)
{
	GtkWidget *b = gtk_button_new_with_mnemonic(mnemonic);

	g_signal_connect(b, "clicked", cb, v);
	if (end)
		gtk_box_pack_end(GTK_BOX(box), b, FALSE, FALSE, 0);
	else
		gtk_box_pack_start(GTK_BOX(box), b, FALSE, FALSE, 0);
	return b;
}

static GtkComboBoxText *net_choice_new(GtkWidget *box, struct vms_page *v)
{
	GtkWidget *label = gtk_label_new_with_mnemonic("_Network:");
	GtkComboBoxText *combo = GTK_COMBO_BOX_TEXT(gtk_combo_box_text_new());

	gtk_combo_box_text_append(combo, "none", "none");
	gtk_combo_box_text_append(combo, "nat", "nat (through its firewall)");
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), GTK_WIDGET(combo));
	gtk_widget_set_tooltip_text(GTK_WIDGET(combo), "The VM's network, from its next start");
	g_signal_connect(combo, "changed", G_CALLBACK(on_net_changed), v);
	gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 6);
	gtk_box_pack_start(GTK_BOX(box), GTK_WIDGET(combo), FALSE, FALSE, 0);
	return combo;
}

static GtkWidget *buttons_new(struct vms_page *v)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);

	v->start = button(box, "_Start", G_CALLBACK(on_start), v, FALSE);
	v->shutdown = button(box, "Shut _Down", G_CALLBACK(on_shutdown), v, FALSE);
	v->net = net_choice_new(box, v);
	v->remove = button(box, "_Remove…", G_CALLBACK(on_remove), v, TRUE);
	v->create = button(box, "_Create VM…", G_CALLBACK(on_create), v, TRUE);
	return box;
}

static GtkWidget *error_bar_new(struct vms_page *v)
{
	GtkWidget *bar = gtk_info_bar_new();
	GtkWidget *label = gtk_label_new(NULL);

	gtk_info_bar_set_message_type(GTK_INFO_BAR(bar), GTK_MESSAGE_ERROR);
	gtk_info_bar_set_show_close_button(GTK_INFO_BAR(bar), TRUE);
	g_signal_connect(bar, "response", G_CALLBACK(gtk_widget_hide), NULL);
	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
	gtk_container_add(GTK_CONTAINER(gtk_info_bar_get_content_area(GTK_INFO_BAR(bar))), label);
	gtk_widget_show_all(bar);
	gtk_widget_hide(bar);
	gtk_widget_set_no_show_all(bar, TRUE);
	v->error_bar = GTK_INFO_BAR(bar);
	v->error_label = GTK_LABEL(label);
	return bar;
}

static GtkWidget *list_page_new(struct vms_page *v)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);

	gtk_container_set_border_width(GTK_CONTAINER(box), 18);
	gtk_box_pack_start(GTK_BOX(box), error_bar_new(v), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), list_view_new(v), TRUE, TRUE, 0);
	gtk_box_pack_start(GTK_BOX(box), buttons_new(v), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), print_setting_widget(v->print), FALSE, FALSE, 0);
	return box;
}

/* The HIG's empty state: what is wrong, and what to do about it. */
static GtkWidget *offline_page_new(void)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
	GtkWidget *icon =
		gtk_image_new_from_icon_name("computer-fail-symbolic", GTK_ICON_SIZE_DIALOG);
	GtkWidget *title = gtk_label_new("Bulkhead manager not running");
	GtkWidget *text = gtk_label_new("VMs are listed here while bulkheadd runs. Start it with "
					"\u201csystemctl --user start bulkheadd\u201d; this page "
					"updates by itself. The policy can be edited meanwhile.");

	gtk_image_set_pixel_size(GTK_IMAGE(icon), 96);
	gui_label_dim(icon);
	gui_label_set_emphasis(GTK_LABEL(title), 1.4);
	gtk_label_set_line_wrap(GTK_LABEL(text), TRUE);
	gtk_label_set_justify(GTK_LABEL(text), GTK_JUSTIFY_CENTER);
	gtk_label_set_max_width_chars(GTK_LABEL(text), 50);
	gtk_widget_set_valign(box, GTK_ALIGN_CENTER);
	gtk_box_pack_start(GTK_BOX(box), icon, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), title, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), text, FALSE, FALSE, 0);
	return box;
}

struct vms_page *vms_page_new(struct settings *s)
{
	struct vms_page *v = g_new0(struct vms_page, 1);

	v->s = s;
	v->cancel = g_cancellable_new();
	v->print = print_setting_new(s->print_vm_action, show_error_cb, v);
	v->stack = GTK_STACK(gtk_stack_new());
	gtk_stack_add_named(v->stack, list_page_new(v), "list");
	gtk_stack_add_named(v->stack, offline_page_new(), "offline");
	gtk_widget_show_all(GTK_WIDGET(v->stack));
	gtk_stack_set_visible_child_name(v->stack, "offline");
	v->root = g_object_ref_sink(GTK_WIDGET(v->stack));
	update_buttons(v);
	v->watch_id =
		g_bus_watch_name(G_BUS_TYPE_SESSION, MANAGER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
				 on_manager_appeared, on_manager_vanished, v, NULL);
	return v;
}

void vms_page_free(struct vms_page *v)
{
	if (!v)
		return;
	g_cancellable_cancel(v->cancel);
	g_bus_unwatch_name(v->watch_id);
	if (v->signal_id)
		g_dbus_connection_signal_unsubscribe(v->conn, v->signal_id);
	g_clear_object(&v->conn);
	g_clear_object(&v->cancel);
	g_clear_object(&v->store);
	g_object_unref(v->root);
	print_setting_free(v->print);
	g_free(v);
}

gboolean vms_page_set_print_vm(struct vms_page *v, const char *name)
{
	return print_setting_choose(v->print, name);
}

gboolean vms_page_select(struct vms_page *v, const char *name)
{
	GtkTreeModel *model = GTK_TREE_MODEL(v->store);
	GtkTreeIter it;
	gboolean more = gtk_tree_model_get_iter_first(model, &it);

	for (; more; more = gtk_tree_model_iter_next(model, &it)) {
		g_autofree char *n = NULL;
		gtk_tree_model_get(model, &it, COL_NAME, &n, -1);
		if (g_strcmp0(n, name) != 0)
			continue;
		g_autoptr(GtkTreePath) path = gtk_tree_model_get_path(model, &it);
		gtk_tree_view_set_cursor(v->view, path, NULL, FALSE);
		gtk_widget_grab_focus(GTK_WIDGET(v->view));
		return TRUE;
	}
	return FALSE;
}

GtkWidget *vms_page_widget(struct vms_page *v)
{
	return v->root;
}
