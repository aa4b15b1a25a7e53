/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Default print VM" on the VMs page: the global default_print_vm (print/config.c), which the
 * policy follows (50-config-print.policy). Offered: nobody preselected, or any VM the page
 * lists. A change is saved at once, as a switch in a settings app is; a failure is shown.
 */
#include <string.h>

#include "print-setting.h"
#include "print.h"

struct print_setting {
	GtkWidget *root;
	GtkComboBoxText *combo;
	GSimpleAction *state; /* mirrors the saved value, for the tests */
	void (*error)(void *ctx, const char *text);
	void *ctx;
	gboolean filling;
};

static void publish(struct print_setting *p, const char *vm)
{
	if (p->state)
		g_simple_action_set_state(p->state, g_variant_new_string(vm ? vm : ""));
}

static void on_changed(GtkComboBox *c, struct print_setting *p)
{
	const char *vm = gtk_combo_box_get_active_id(c);

	if (p->filling || !vm)
		return;
	int r = print_config_set_default_vm(vm);
	if (r < 0) {
		g_autofree char *text =
			g_strdup_printf("Cannot save the default print VM: %s", g_strerror(-r));
		p->error(p->ctx, text);
		return;
	}
	publish(p, vm);
}

struct print_setting *print_setting_new(GSimpleAction *state,
					void (*error)(void *ctx, const char *text), void *ctx)
{
	struct print_setting *p = g_new0(struct print_setting, 1);
	GtkWidget *label = gtk_label_new_with_mnemonic("Default _print VM:");

	p->state = state, p->error = error, p->ctx = ctx;
	p->root = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	p->combo = GTK_COMBO_BOX_TEXT(gtk_combo_box_text_new());
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), GTK_WIDGET(p->combo));
	gtk_widget_set_tooltip_text(GTK_WIDGET(p->combo),
				    "Preselected when a VM prints; you are still asked");
	gtk_box_pack_start(GTK_BOX(p->root), label, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(p->root), GTK_WIDGET(p->combo), FALSE, FALSE, 0);
	g_signal_connect(p->combo, "changed", G_CALLBACK(on_changed), p);
	print_setting_fill(p, NULL, 0);
	return p;
}

void print_setting_free(struct print_setting *p)
{
	g_free(p);
}

GtkWidget *print_setting_widget(struct print_setting *p)
{
	return p->root;
}

/* Refill the choices from the VM names; the saved value stays shown even when its VM is
 * not listed (it may be created later). */
void print_setting_fill(struct print_setting *p, char **names, size_t n)
{
	g_autofree char *saved = NULL;

	print_config_get_default_vm(&saved);
	p->filling = TRUE;
	gtk_combo_box_text_remove_all(p->combo);
	gtk_combo_box_text_append(p->combo, "", "None (ask without a preselection)");
	for (size_t i = 0; i < n; i++)
		gtk_combo_box_text_append(p->combo, names[i], names[i]);
	if (saved && !gtk_combo_box_set_active_id(GTK_COMBO_BOX(p->combo), saved))
		gtk_combo_box_text_append(p->combo, saved, saved);
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(p->combo), saved ? saved : "");
	p->filling = FALSE;
	publish(p, saved);
}

gboolean print_setting_choose(struct print_setting *p, const char *vm)
{
	return gtk_combo_box_set_active_id(GTK_COMBO_BOX(p->combo), vm);
}
