/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tester. Requests typed here are the person's own; VM names in the choosers come from
 * the manager's system info. The decision is shown as plain text.
 */
#include <string.h>

#include "gui-util.h"
#include "policy-page.h"
#include "test-page.h"
#include "validate.h"
#include "vm-list.h"

struct test_page {
	struct settings *s;
	GtkWidget *root;
	GtkComboBoxText *service, *source, *target;
	GtkEntry *argument;
	GtkImage *icon;
	GtkLabel *verdict, *detail, *rule, *reason, *note;
};

static const char *combo_text(GtkComboBoxText *c)
{
	return gtk_entry_get_text(GTK_ENTRY(gtk_bin_get_child(GTK_BIN(c))));
}

static void combo_set_text(GtkComboBoxText *c, const char *text)
{
	gtk_entry_set_text(GTK_ENTRY(gtk_bin_get_child(GTK_BIN(c))), text);
}

static char *candidates_text(const struct policy_decision *d)
{
	GString *s = g_string_new("Offers: ");

	for (size_t i = 0; i < d->n_targets_for_ask; i++) {
		g_autofree char *shown = gui_target_display(d->targets_for_ask[i]);
		g_string_append_printf(s, "%s%s", i ? ", " : "", shown);
	}
	if (d->default_target) {
		g_autofree char *shown = gui_target_display(d->default_target);
		g_string_append_printf(s, " (preselected: %s)", shown);
	}
	return g_string_free(s, FALSE);
}

static void show_verdict(struct test_page *t, const struct policy_decision *d)
{
	static const char *const icons[] = { "action-unavailable-symbolic", "emblem-ok-symbolic",
					     "dialog-question-symbolic" };
	static const char *const words[] = { "Denied", "Allowed", "Asks the user" };
	g_autofree char *detail = NULL;

	gtk_image_set_from_icon_name(t->icon, icons[d->result], GTK_ICON_SIZE_DIALOG);
	gtk_label_set_text(t->verdict, words[d->result]);
	if (d->result == POLICY_ALLOW) {
		g_autofree char *shown = gui_target_display(d->target ? d->target : "");
		detail = g_strdup_printf("Target: %s", shown);
	} else if (d->result == POLICY_ASK) {
		detail = candidates_text(d);
	}
	gtk_label_set_text(t->detail, detail ? detail : "");
}

static void show_rule(struct test_page *t, const struct policy_decision *d)
{
	g_autofree char *rule = NULL;

	if (d->matched_file)
		rule = g_strdup_printf("Decided by %s:%u\n%s", d->matched_file, d->matched_line,
				       d->matched_rule ? d->matched_rule : "");
	gtk_label_set_text(t->rule, rule ? rule : "No rule matched.");
	gtk_label_set_text(t->reason, d->reason ? d->reason : "");
}

static void show_note(struct test_page *t)
{
	struct settings *s = t->s;
	g_autofree char *note = NULL;

	note = g_strdup_printf("%s VM list: %s.",
			       g_hash_table_size(s->drafts) ? "Includes your unsaved changes." : "",
			       s->info ? s->info_source : "none (the manager is not running)");
	gtk_label_set_text(t->note, g_strstrip(note));
}

static void publish(struct test_page *t, const struct policy_decision *d)
{
	g_autofree char *json = policy_decision_to_json(d);

	if (t->s->decision_action && json)
		g_simple_action_set_state(t->s->decision_action, g_variant_new_string(json));
}

void test_page_update(struct test_page *t)
{
	struct policy_decision d = { 0 };
	const char *service = combo_text(t->service);
	const char *plus = strchr(service, '+');
	g_autofree char *name = plus ? g_strndup(service, plus - service) : g_strdup(service);
	const char *arg = gtk_entry_get_text(t->argument);
	struct policy_request req = {
		.service = name,
		.argument = plus ? plus + 1 : (arg[0] == '+' ? arg + 1 : arg),
		.source = combo_text(t->source),
		.target = combo_text(t->target),
	};

	(void)policy_evaluate(t->s->policy, &req, t->s->info, &d);
	show_verdict(t, &d);
	show_rule(t, &d);
	show_note(t);
	publish(t, &d);
	policy_decision_finish(&d);
}

void test_page_set_request(struct test_page *t, const char *service, const char *argument,
			   const char *source, const char *target)
{
	if (service)
		combo_set_text(t->service, service);
	if (argument)
		gtk_entry_set_text(t->argument, argument);
	if (source)
		combo_set_text(t->source, source);
	if (target)
		combo_set_text(t->target, target);
	test_page_update(t);
}

static void refill(GtkComboBoxText *c, char **items, const char *const *extra)
{
	g_autofree char *keep = g_strdup(combo_text(c));

	gtk_combo_box_text_remove_all(c);
	for (size_t i = 0; extra && extra[i]; i++)
		gtk_combo_box_text_append_text(c, extra[i]);
	for (size_t i = 0; items && items[i]; i++)
		gtk_combo_box_text_append_text(c, items[i]);
	combo_set_text(c, keep);
}

void test_page_set_choices(struct test_page *t, const char *system_info_json)
{
	static const char *const target_extra[] = { "@default", "@dispvm", NULL };
	g_auto(GStrv) vms = vm_list_from_system_info(system_info_json);
	g_autoptr(GPtrArray) services = NULL;

	refill(t->source, vms, NULL);
	refill(t->target, vms, target_extra);
	if (t->s->policy_page) {
		services = policy_page_services(t->s->policy_page);
		g_ptr_array_add(services, NULL);
		refill(t->service, (char **)services->pdata, NULL);
	}
	test_page_update(t);
}

static GtkComboBoxText *field_combo(GtkGrid *grid, int row, const char *mnemonic,
				    struct test_page *t)
{
	GtkWidget *label = gtk_label_new_with_mnemonic(mnemonic);
	GtkWidget *combo = gtk_combo_box_text_new_with_entry();

	gtk_label_set_xalign(GTK_LABEL(label), 1);
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), combo);
	gtk_widget_set_size_request(combo, 360, -1);
	gtk_grid_attach(grid, label, 0, row, 1, 1);
	gtk_grid_attach(grid, combo, 1, row, 1, 1);
	g_signal_connect_swapped(combo, "changed", G_CALLBACK(test_page_update), t);
	return GTK_COMBO_BOX_TEXT(combo);
}

static GtkWidget *form_new(struct test_page *t)
{
	GtkGrid *grid = GTK_GRID(gtk_grid_new());
	GtkWidget *label = gtk_label_new_with_mnemonic("_Argument");
	GtkWidget *arg = gtk_entry_new();

	gtk_grid_set_row_spacing(grid, 8);
	gtk_grid_set_column_spacing(grid, 12);
	t->service = field_combo(grid, 0, "Se_rvice", t);
	gtk_label_set_xalign(GTK_LABEL(label), 1);
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), arg);
	gtk_entry_set_placeholder_text(GTK_ENTRY(arg), "none");
	gtk_widget_set_size_request(arg, 360, -1);
	gtk_grid_attach(grid, label, 0, 1, 1, 1);
	gtk_grid_attach(grid, arg, 1, 1, 1, 1);
	t->argument = GTK_ENTRY(arg);
	g_signal_connect_swapped(arg, "changed", G_CALLBACK(test_page_update), t);
	t->source = field_combo(grid, 2, "_Source VM", t);
	t->target = field_combo(grid, 3, "_Target", t);
	return GTK_WIDGET(grid);
}

static GtkLabel *result_label(GtkBox *box, gboolean dim)
{
	GtkWidget *l = gtk_label_new("");

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
	gtk_label_set_selectable(GTK_LABEL(l), TRUE);
	if (dim)
		gui_label_dim(l);
	gtk_box_pack_start(box, l, FALSE, FALSE, 0);
	return GTK_LABEL(l);
}

static GtkWidget *result_new(struct test_page *t)
{
	GtkWidget *hbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	GtkBox *box = GTK_BOX(gtk_box_new(GTK_ORIENTATION_VERTICAL, 6));

	t->icon = GTK_IMAGE(gtk_image_new());
	gtk_widget_set_valign(GTK_WIDGET(t->icon), GTK_ALIGN_START);
	gtk_box_pack_start(GTK_BOX(hbox), GTK_WIDGET(t->icon), FALSE, FALSE, 0);
	t->verdict = result_label(box, FALSE);
	gui_label_set_emphasis(t->verdict, 1.4);
	t->detail = result_label(box, FALSE);
	t->rule = result_label(box, FALSE);
	t->reason = result_label(box, TRUE);
	gtk_box_pack_start(GTK_BOX(hbox), GTK_WIDGET(box), TRUE, TRUE, 0);
	return hbox;
}

static GtkWidget *heading_new(void)
{
	GtkWidget *l = gtk_label_new("Test a request");

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gui_label_set_emphasis(GTK_LABEL(l), 1.3);
	return l;
}

struct test_page *test_page_new(struct settings *s)
{
	struct test_page *t = g_new0(struct test_page, 1);
	GtkBox *box = GTK_BOX(gtk_box_new(GTK_ORIENTATION_VERTICAL, 18));
	GtkWidget *intro = gtk_label_new("See what the policy decides for a request, before a VM "
					 "makes it. Nothing is run.");

	t->s = s;
	gtk_container_set_border_width(GTK_CONTAINER(box), 24);
	gtk_box_pack_start(box, heading_new(), FALSE, FALSE, 0);
	gtk_label_set_xalign(GTK_LABEL(intro), 0);
	gui_label_dim(intro);
	gtk_box_pack_start(box, intro, FALSE, FALSE, 0);
	gtk_box_pack_start(box, form_new(t), FALSE, FALSE, 0);
	gtk_box_pack_start(box, gtk_separator_new(GTK_ORIENTATION_HORIZONTAL), FALSE, FALSE, 0);
	gtk_box_pack_start(box, result_new(t), FALSE, FALSE, 0);
	t->note = result_label(box, TRUE);
	t->root = g_object_ref_sink(GTK_WIDGET(box));
	return t;
}

void test_page_free(struct test_page *t)
{
	if (!t)
		return;
	g_object_unref(t->root);
	g_free(t);
}

GtkWidget *test_page_widget(struct test_page *t)
{
	return t->root;
}
