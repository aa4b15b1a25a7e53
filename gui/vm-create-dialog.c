/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Create VM dialog. The name is the person's input, checked with vm_name_is_valid(). */
#include "validate.h"
#include "gui-util.h"
#include "vm-create-dialog.h"

struct create {
	GtkDialog *dialog;
	GtkEntry *name, *template;
	GtkComboBoxText *label, *class, *net;
	vm_create_fn fn;
	gpointer data;
};

static void on_name_changed(GtkEntry *entry, struct create *c)
{
	gboolean ok = vm_name_is_valid(gtk_entry_get_text(entry));

	gtk_dialog_set_response_sensitive(c->dialog, GTK_RESPONSE_ACCEPT, ok);
}

static GVariant *props_new(struct create *c)
{
	GVariantBuilder b;
	const char *template = gtk_entry_get_text(c->template);

	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(
		&b, "{sv}", "label",
		g_variant_new_string(gtk_combo_box_get_active_id(GTK_COMBO_BOX(c->label))));
	g_variant_builder_add(
		&b, "{sv}", "class",
		g_variant_new_string(gtk_combo_box_get_active_id(GTK_COMBO_BOX(c->class))));
	g_variant_builder_add(
		&b, "{sv}", "net",
		g_variant_new_string(gtk_combo_box_get_active_id(GTK_COMBO_BOX(c->net))));
	if (template[0])
		g_variant_builder_add(&b, "{sv}", "template", g_variant_new_string(template));
	return g_variant_builder_end(&b);
}

static void on_response(GtkDialog *dialog, int response, struct create *c)
{
	const char *name = gtk_entry_get_text(c->name);

	if (response == GTK_RESPONSE_ACCEPT && vm_name_is_valid(name))
		c->fn(name, props_new(c), c->data);
	gtk_widget_destroy(GTK_WIDGET(dialog));
}

static void row(GtkGrid *grid, int y, const char *mnemonic, GtkWidget *w)
{
	GtkWidget *l = gtk_label_new_with_mnemonic(mnemonic);

	gtk_label_set_xalign(GTK_LABEL(l), 1);
	gtk_label_set_mnemonic_widget(GTK_LABEL(l), w);
	gtk_widget_set_hexpand(w, TRUE);
	gtk_grid_attach(grid, l, 0, y, 1, 1);
	gtk_grid_attach(grid, w, 1, y, 1, 1);
}

static GtkComboBoxText *choice(const char *const *items, const char *active)
{
	GtkWidget *combo = gtk_combo_box_text_new();

	for (size_t i = 0; items[i]; i++)
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), items[i], items[i]);
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(combo), active);
	return GTK_COMBO_BOX_TEXT(combo);
}

static GtkWidget *form_new(struct create *c)
{
	static const char *const classes[] = { "AppVM", "TemplateVM", "StandaloneVM", NULL };
	static const char *const nets[] = { "none", "nat", NULL };
	GtkGrid *grid = GTK_GRID(gtk_grid_new());

	gtk_grid_set_row_spacing(grid, 8);
	gtk_grid_set_column_spacing(grid, 12);
	gtk_container_set_border_width(GTK_CONTAINER(grid), 18);
	c->name = GTK_ENTRY(gtk_entry_new());
	gtk_entry_set_activates_default(c->name, TRUE);
	gtk_entry_set_placeholder_text(c->name, "letters, digits, . _ -");
	c->label = choice(gui_label_names(), "red");
	c->class = choice(classes, "AppVM");
	c->net = choice(nets, "none");
	c->template = GTK_ENTRY(gtk_entry_new());
	gtk_entry_set_text(c->template, "host");
	gtk_entry_set_activates_default(c->template, TRUE);
	row(grid, 0, "_Name", GTK_WIDGET(c->name));
	row(grid, 1, "_Label", GTK_WIDGET(c->label));
	row(grid, 2, "_Class", GTK_WIDGET(c->class));
	row(grid, 3, "_Template", GTK_WIDGET(c->template));
	row(grid, 4, "Net_work", GTK_WIDGET(c->net));
	return GTK_WIDGET(grid);
}

void vm_create_dialog_run(GtkWindow *parent, vm_create_fn fn, gpointer user_data)
{
	struct create *c = g_new0(struct create, 1);
	GtkWidget *w = g_object_new(GTK_TYPE_DIALOG, "use-header-bar", TRUE, "title", "Create VM",
				    "transient-for", parent, "modal", TRUE, NULL);

	c->dialog = GTK_DIALOG(w);
	c->fn = fn;
	c->data = user_data;
	gtk_dialog_add_buttons(c->dialog, "_Cancel", GTK_RESPONSE_CANCEL, "C_reate",
			       GTK_RESPONSE_ACCEPT, NULL);
	gtk_dialog_set_default_response(c->dialog, GTK_RESPONSE_ACCEPT);
	gtk_container_add(GTK_CONTAINER(gtk_dialog_get_content_area(c->dialog)), form_new(c));
	g_signal_connect(c->name, "changed", G_CALLBACK(on_name_changed), c);
	on_name_changed(c->name, c);
	g_signal_connect(w, "response", G_CALLBACK(on_response), c);
	g_object_set_data_full(G_OBJECT(w), "create", c, g_free);
	gtk_widget_show_all(w);
	gtk_window_present(GTK_WINDOW(w));
}
